"""Issue #13 in the browser's "Eigene Daten" tab.

Item 11: the form suggests what the file says (its quelle column, a readable title, the licence
the source names), and an own indicator without a licence shows "keine Angabe" as plain text, not
as a link. Item 18: an uploaded decompression bomb is refused at once with a German message."""

from __future__ import annotations

import csv
import io
import time

import pytest

from atlas.importing import OFFICIAL_LICENCE, catalogue_match

pytestmark = [pytest.mark.browser, pytest.mark.logged_in]  # the page changes own data

TIDY = "indicators/tidy/th_kreise_indicator_panel_long.csv"
NO_LICENCE = "arbeitslose_anzahl"  # its quelle names no licence
KNOWN = "sgb2_quote"  # a catalogue indicator; its quelle names dl-de/by-2-0
OWN_ID = "test_trust_alo"


@pytest.fixture
def panel_file(sources, tmp_path):
    """Two series of the real tidy panel (the template's layout, with quelle)."""
    with open(sources / TIDY, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        header = list(reader.fieldnames)
        rows = [r for r in reader if r["indikator"] in (NO_LICENCE, KNOWN)]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path = tmp_path / "kreisdaten.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    quelle = {code: next(r["quelle"] for r in rows if r["indikator"] == code)
              for code in (NO_LICENCE, KNOWN)}
    return path, quelle


def _fields(page) -> dict:
    return page.evaluate("""() => Object.fromEntries(
        ['own-title', 'own-source', 'own-licence', 'own-id'].map(
            id => [id, document.getElementById(id).value]))""")


def _wait_for_title(page, title: str) -> None:
    page.wait_for_function("t => document.getElementById('own-title').value === t", arg=title,
                           timeout=20000)


def _choose(page, dropdown_id, text):
    page.click(f"#{dropdown_id}")
    page.locator(".dash-dropdown-options [role=option]", has_text=text).first.click()


def _info_row(page, label: str) -> dict:
    return page.evaluate("""label => {
        const dt = Array.from(document.querySelectorAll('#info-card dt'))
            .find(d => d.innerText.trim() === label);
        const dd = dt.nextElementSibling;
        return {text: dd.innerText.trim(), links: dd.querySelectorAll('a').length};
    }""", label)


def test_suggestions_from_the_file_and_a_licence_without_link(atlas_page, live_url, panel_file,
                                                              data):
    from atlas.data import data_changed, own_store

    path, quelle = panel_file
    readable = NO_LICENCE.replace("_", " ")
    readable = readable[0].upper() + readable[1:]  # no catalogue entry: the code made readable
    assert catalogue_match(data.catalogue, NO_LICENCE) is None
    atlas_page.open(live_url)
    page = atlas_page.page
    page.get_by_role("tab", name="Eigene Daten").click()
    page.wait_for_selector("#own-upload input[type=file]", state="attached")
    page.set_input_files("#own-upload input[type=file]", str(path))
    _wait_for_title(page, readable)
    fields = _fields(page)
    assert fields["own-source"] == quelle[NO_LICENCE]
    assert fields["own-licence"] == ""

    _choose(page, "own-series", KNOWN)
    _wait_for_title(page, data.indicator(KNOWN).title)
    fields = _fields(page)
    assert fields["own-source"] == quelle[KNOWN]
    assert fields["own-licence"] == OFFICIAL_LICENCE

    _choose(page, "own-series", NO_LICENCE)
    _wait_for_title(page, readable)
    page.fill("#own-id", OWN_ID)
    _choose(page, "own-area", "Arbeit")
    page.get_by_role("checkbox", name="Erwachsenenalter").check()
    page.get_by_role("button", name="Importieren").click()
    try:
        page.wait_for_function(
            "t => document.querySelector('#heading').innerText.startsWith(t)", arg=readable,
            timeout=20000)
        page.wait_for_function(
            "t => document.querySelector('#info-card h3').innerText === t", arg=readable,
            timeout=20000)
        licence = _info_row(page, "Lizenz")
        assert licence == {"text": "keine Angabe", "links": 0}
        source = _info_row(page, "Quelle")
        assert source["text"].startswith(quelle[NO_LICENCE]) and source["links"] == 0
        page.locator("#info-card").screenshot(path=str(path.with_name("info_keine_angabe.png")))
        assert atlas_page.console == []
    finally:
        if OWN_ID in [o.id for o in own_store().indicators()]:
            own_store().delete(OWN_ID)
        data_changed()


def test_an_uploaded_zip_bomb_is_refused_at_once(atlas_page, live_url, tmp_path, xlsx_files):
    from atlas.data import own_store

    bomb = xlsx_files.bomb(tmp_path / "kreisdaten.xlsx")
    assert bomb.stat().st_size < 1024 * 1024
    before = [o.id for o in own_store().indicators()]
    atlas_page.open(live_url)
    page = atlas_page.page
    page.get_by_role("tab", name="Eigene Daten").click()
    page.wait_for_selector("#own-upload input[type=file]", state="attached")
    started = time.monotonic()
    page.set_input_files("#own-upload input[type=file]", str(bomb))
    page.wait_for_function(
        "document.querySelector('#own-preview').innerText.includes('nicht gelesen')",
        timeout=20000)
    assert time.monotonic() - started < 10  # the report: 158 s and 1.7 GB
    message = page.inner_text("#own-preview")
    assert "Import nicht möglich" in message and "kreisdaten.xlsx" in message
    assert "entpackt zu groß" in message
    assert page.locator("#own-form").is_hidden()
    assert [o.id for o in own_store().indicators()] == before
    assert atlas_page.console == []
