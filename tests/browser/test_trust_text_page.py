"""An own indicator whose title and unit are Markdown and HTML shows them as text: no link, no
image request, in the values table, the heading and the map legend (issue #13, item 17)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

ID = "eigen_markup"
TITLE = "![](/b.png)[Neue Daten](//evil.example)"  # 39 characters: the short title too
UNIT = "<a href=/x>Klick</a>"


@pytest.fixture
def markup_indicator(tmp_path, data):
    """An own indicator imported through the import API from a file in the template's format,
    with the values of kinderarmut (newest year) for every Kreis."""
    from atlas import importing
    from atlas.data import data_changed, get_data, own_store

    year = data.latest_year("kinderarmut")
    table = data.table("kinderarmut", year)
    rows = [f"{row.ags};{year};markup;{row.value:.1f}".replace(".", ",")
            for row in table.itertuples(index=False) if row.value == row.value]
    path = tmp_path / "markup.csv"
    path.write_text("ags;jahr;indikator;wert\n" + "\n".join(rows) + "\n", encoding="utf-8")
    summary = importing.inspect(path)
    meta = {"id": ID, "title": TITLE, "unit": UNIT, "decimals": 1, "kind": "rate",
            "area": data.indicator("kinderarmut").area, "life_phases": ["kindheit"],
            "polarity": "risk", "source": "<b>Amt</b> [Quelle](//evil.example/s)",
            "licence": "", "definition": "<img src=/b.png> Test",
            "visibility": "oeffentlich"}  # published: a visitor's page must show it as text
    importing.import_series(summary, "markup", meta, get_data(), own_store())
    data_changed()
    try:
        yield year
    finally:
        if ID in [o.id for o in own_store().indicators()]:
            own_store().delete(ID)
        data_changed()


def test_markup_in_own_texts_is_shown_as_text(atlas_page, live_url, markup_indicator):
    page = atlas_page.page
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    atlas_page.open(f"{live_url}/?indicator={ID}")
    page.wait_for_function(
        "ind => document.querySelector('#heading').innerText.startsWith(ind)", arg=TITLE)
    # the values table: the literal title and unit in the header, no link or image anywhere
    header = page.inner_text("#values-table thead")
    assert f"{TITLE} {markup_indicator} ({UNIT})" in header
    assert page.locator("#values-table a, #values-table img").count() == 0
    assert page.locator("#values-table tbody tr").count() == 23
    # the map legend shows the unit as text: no SVG link
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('#map .legendtext'))"
        ".some(t => t.textContent.includes('Klick</a>'))")
    assert page.locator("#map svg a").count() == 0
    assert page.locator("a[href*=evil], img[src$=\"b.png\"]").count() == 0
    assert "[Quelle](//evil.example/s)" in page.inner_text("#info-panel")
    page.wait_for_load_state("networkidle")
    assert not [u for u in requests if u.endswith("/b.png") or "evil.example" in u]
    assert atlas_page.console == []
    if __import__("os").environ.get("ATLAS_SCREENSHOTS"):
        page.screenshot(path=__import__("os").environ["ATLAS_SCREENSHOTS"] + "/trust_text.png",
                        full_page=True)
