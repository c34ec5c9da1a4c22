"""The Änderungsprotokoll and the accounts in the browser (issue #17, second step): a redaktion
account replaces an import from the page („Vorhandene Daten ersetzen“), sees the new values,
brings the previous version back from the Papierkorb and sees the old values again; the page
/protokoll shows each step with file name and the file's SHA-256, its CSV has the same rows; a
visitor is refused; an admin adds an account in /benutzer, which then logs in, and the
account change is in the protocol."""

from __future__ import annotations

import csv
import hashlib
import io
import re

import pytest

from tests.browser.conftest import ADMIN, EDITOR, TEST_PASSWORD, login, text_of

pytestmark = pytest.mark.browser

OWN_ID = "protokoll_krippe"
TITLE = "Krippenquote (Protokoll-Test)"
NEW_ACCOUNT = "protokoll_neu"


def table_file(tmp_path, data, name: str, value_of) -> tuple:
    """A small real CSV of every Kreis (value ``value_of(i)`` for the i-th); returns its path
    and the values as the page's table writes them (one decimal, decimal comma)."""
    regions = sorted(data.regions["ags"])
    rows = [f"{ags};2023;krippe;{value_of(i):.1f}".replace(".", ",") + ";%;Jugendämter"
            for i, ags in enumerate(regions)]
    path = tmp_path / name
    path.write_text("ags;jahr;indikator;wert;einheit;quelle\n" + "\n".join(rows) + "\n",
                    encoding="utf-8")
    return path, [f"{value_of(i):.1f}".replace(".", ",") for i in range(len(regions))]


@pytest.fixture
def cleanup():
    from atlas.data import data_changed, own_store

    yield
    store = own_store()
    if OWN_ID in [o.id for o in store.indicators()]:
        store.delete(OWN_ID, actor="test")
    if store.user(NEW_ACCOUNT):
        store.remove_user(NEW_ACCOUNT, actor="test")
    data_changed()


def _own_tab(page):
    page.get_by_role("tab", name="Eigene Daten").click()
    page.wait_for_selector("#own-upload input[type=file]", state="attached")


def _upload_and_describe(page, path):
    page.set_input_files("#own-upload input[type=file]", str(path))
    page.wait_for_function(
        "n => document.querySelector('#own-preview').innerText.includes(n)", arg=path.name,
        timeout=20000)
    page.fill("#own-title", TITLE)
    page.fill("#own-id", OWN_ID)
    page.click("#own-area")
    page.locator(".dash-dropdown-options [role=option]", has_text="Familie").first.click()
    page.get_by_role("checkbox", name="Kindheit").check()
    page.fill("#own-source", "Jugendämter der Kreise")


def _table_shows(page, values: list[str]) -> None:
    """Wait until the values table lists exactly these values (in any order)."""
    page.wait_for_function(
        """want => {
            const cells = Array.from(document.querySelectorAll('#values-table tbody tr'))
                .map(r => r.innerText);
            return cells.length >= want.length
                && want.every(v => cells.some(c => c.split(/\\s+/).includes(v)));
        }""", arg=values, timeout=20000)


def _protocol_rows(page) -> list[dict]:
    return page.eval_on_selector_all("#protokoll tbody tr", """rows => rows.map(r => ({
        nr: r.querySelector('th').innerText.trim(),
        cells: Array.from(r.querySelectorAll('td')).map(c => c.innerText.trim()),
        sha: (r.querySelector('code.protokoll-sha') || {}).title || ''}))""")


@pytest.mark.logged_in
def test_rp001_replace_an_import_then_restore_the_previous_version(atlas_page, live_url, data,
                                                                   tmp_path, cleanup):
    from atlas.data import own_store

    first, old_values = table_file(tmp_path, data, "krippe_2023.csv", lambda i: 10 + i * 1.5)
    second, new_values = table_file(tmp_path, data, "krippe_2023_korrigiert.csv",
                                    lambda i: 500 + i)
    page = atlas_page.page
    atlas_page.open(live_url)
    _own_tab(page)
    _upload_and_describe(page, first)
    page.get_by_role("button", name="Importieren").click()
    text_of(page, "#own-status", "importiert")
    _table_shows(page, old_values)
    atlas_page.settle()

    # the same id again: refused, with the way out named
    _own_tab(page)
    _upload_and_describe(page, second)
    page.get_by_role("button", name="Importieren").click()
    refused = text_of(page, "#own-status", "Nicht importiert")
    assert "schon vergeben" in refused and "Vorhandene Daten ersetzen" in refused
    assert own_store().audit(limit=1)[0].action == "import"  # nothing changed
    page.get_by_label("Vorhandene Daten ersetzen").check()
    page.locator("#own-status").scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "ersetzen.png"))
    page.get_by_role("button", name="Importieren").click()
    done = text_of(page, "#own-status", "ersetzt")
    assert "Papierkorb" in done and "30 Tage" in done
    _table_shows(page, new_values)
    atlas_page.settle()

    # the previous version is in the Papierkorb and comes back
    _own_tab(page)
    entry = text_of(page, "#trash-list", "ersetzt am")
    assert TITLE in entry and "die jetzige kommt dann in den Papierkorb" in entry
    page.get_by_role("button", name=f"„{TITLE}“ ({OWN_ID}) wiederherstellen").first.click()
    assert "wiederhergestellt" in text_of(page, "#trash-status", "wiederhergestellt")
    page.get_by_role("tab", name="Karte und Zeitreihe").click()
    _table_shows(page, old_values)
    values = own_store().values()
    mine = values[values["indicator"] == OWN_ID]
    assert sorted(mine["value"].round(1)) == sorted(10 + i * 1.5 for i in range(len(mine)))
    atlas_page.settle()

    # the protocol shows the three steps with file name and SHA-256 of each file
    page.get_by_role("link", name="Änderungsprotokoll").first.click()
    page.wait_for_selector("#protokoll caption")
    rows = _protocol_rows(page)
    steps = [r for r in rows if OWN_ID in r["cells"][3]]
    assert [r["cells"][2] for r in steps[:3]] == [
        "Wiederhergestellt", "Ersetzt (alte Fassung im Papierkorb)", "Import"]
    assert all(r["cells"][1] == EDITOR for r in steps[:3])
    restored, replaced, imported = steps[:3]
    assert (replaced["cells"][4], replaced["sha"]) == (
        second.name, hashlib.sha256(second.read_bytes()).hexdigest())
    assert (imported["cells"][4], imported["sha"]) == (
        first.name, hashlib.sha256(first.read_bytes()).hexdigest())
    assert TITLE in imported["cells"][3] and "Werte: 22" in imported["cells"][6]
    assert re.fullmatch(r"\d\d\.\d\d\.\d{4} \d\d:\d\d:\d\d", imported["cells"][0])
    assert page.locator("table#protokoll caption").inner_text().startswith(
        "Änderungsprotokoll, neueste zuerst")

    # the CSV of the same filters has the same rows (the page's first page: up to 100)
    with page.expect_download() as download:
        page.get_by_role("link", name="Als CSV herunterladen (Excel)").click()
    raw = open(download.value.path(), "rb").read()
    assert raw.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert [r[0] for r in table[1:len(rows) + 1]] == [r["nr"] for r in rows]
    by_number = {r[0]: r for r in table[1:]}
    assert by_number[imported["nr"]][7:9] == [first.name, imported["sha"]]
    page.screenshot(path=str(tmp_path / "protokoll.png"), full_page=True)


def test_rp002_a_visitor_is_refused_without_any_entry(browser, live_url, test_accounts):
    from atlas.data import own_store

    names = {e.object_id for e in own_store().audit()} | {e.actor for e in own_store().audit()}
    context = browser.new_context(locale="de-DE")
    page = context.new_page()
    try:
        for path in ("/protokoll", "/protokoll?aktion=user_add", "/benutzer"):
            response = page.goto(live_url + path)
            assert response.status == 403
            assert "Keine Berechtigung" in page.inner_text("main")
            assert page.get_by_role("link", name="Anmelden").first.get_attribute("href") \
                == "/anmelden"
            content = page.content()
            assert not any(name in content for name in names if len(name) > 3)
        csv_answer = page.request.get(live_url + "/protokoll.csv")
        assert csv_answer.status == 403 and EDITOR not in csv_answer.text()
        page.goto(live_url)  # and the atlas header offers no link to it
        page.wait_for_selector("#konto")
        assert page.get_by_role("link", name="Änderungsprotokoll").count() == 0
    finally:
        context.close()


def test_rp003_admin_adds_an_account_that_then_logs_in(browser, live_url, watch_console,
                                                       test_accounts, cleanup, tmp_path):
    from atlas.data import own_store

    context = browser.new_context(locale="de-DE", viewport={"width": 1400, "height": 900})
    page = watch_console(context.new_page()).page
    try:
        login(page, live_url, ADMIN)
        page.wait_for_selector("#konto")
        assert page.get_by_role("link", name="Änderungsprotokoll").count() == 1
        page.get_by_role("link", name="Konten").click()
        page.wait_for_selector("table#konten caption")
        assert page.inner_text("h1") == "Konten"
        page.get_by_label("Name", exact=True).fill(NEW_ACCOUNT)
        page.get_by_label("Rolle", exact=True).select_option("redaktion")
        page.get_by_label("Passwort", exact=True).fill(TEST_PASSWORD)
        page.get_by_label("Passwort wiederholen").fill(TEST_PASSWORD)
        page.get_by_role("button", name="Konto anlegen").click()
        page.wait_for_selector(".alert-success")
        assert f"Konto „{NEW_ACCOUNT}“ (redaktion) angelegt." in page.inner_text(".alert-success")
        assert NEW_ACCOUNT in page.inner_text("table#konten")
        page.screenshot(path=str(tmp_path / "konten.png"), full_page=True)
        with page.expect_navigation():
            page.get_by_role("button", name=f"Abmelden ({ADMIN})").click()

        login(page, live_url, NEW_ACCOUNT)
        page.wait_for_selector("#konto")
        assert page.inner_text("#konto") == f"Abmelden ({NEW_ACCOUNT})"
        assert page.get_by_role("link", name="Konten").count() == 0  # redaktion: no accounts
        page.get_by_role("link", name="Änderungsprotokoll").click()
        page.wait_for_selector("#protokoll caption")
        added = next(r for r in _protocol_rows(page) if NEW_ACCOUNT in r["cells"][3])
        assert added["cells"][1:3] == [ADMIN, "Konto angelegt"]
        assert added["cells"][6] == "Rolle: redaktion"
        assert TEST_PASSWORD not in page.content()
        assert own_store().user(NEW_ACCOUNT)["last_login"]
    finally:
        context.close()
