"""Issue #18: axe-core finds no WCAG 2.1 A/AA violation on any view of the atlas.

axe-core comes from the PyPI package ``axe-playwright-python`` (test extra). Its script is
injected with Playwright's ``page.evaluate`` (DevTools evaluation, not a ``<script>`` element),
so the pages run under the app's own Content-Security-Policy: the contexts here do NOT bypass
the CSP (every wait is a function expression, which needs no ``eval``). Each view is checked
once it rests (no callback in flight), with the tags wcag2a, wcag2aa, wcag21a, wcag21aa.
"""

from __future__ import annotations

import json

import pytest

from atlas import playlist
from atlas.urlstate import PRESENTATION, VIEW_TABS
from tests.browser.conftest import Page, assert_clean, login
from tests.unit.test_levels_present_labels import VG_LEVEL, add_vg_level

pytestmark = pytest.mark.browser

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
#: The map is drawn and the page names its view (function expressions: allowed under the CSP).
MAP_DRAWN = ("() => document.querySelectorAll('#map .choroplethlocation').length > 0"
             " && document.querySelector('#heading').innerText.length > 0")
#: The Datenstand view draws its table instead (the map's tab is not shown, nor drawn).
COVERAGE_DRAWN = "() => document.querySelectorAll('#coverage-table tbody tr').length > 0"


def axe_script() -> str:
    from axe_playwright_python.base import AXE_SCRIPT

    return AXE_SCRIPT


def violations(page) -> list[dict]:
    """axe-core's WCAG 2.1 A/AA violations of the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe_script())
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})", TAGS)
    return result["violations"]


def report(found: list[dict]) -> str:
    """One line per violation and element: rule id, impact, target selector, help."""
    lines = []
    for rule in found:
        for node in rule["nodes"]:
            lines.append(f"{rule['id']} ({rule['impact']}): {' '.join(map(str, node['target']))}"
                         f" – {rule['help']} ({rule['helpUrl']})")
    return "\n".join(lines)


def assert_no_violations(atlas: Page, where: str) -> None:
    atlas.settle()
    found = violations(atlas.page)
    assert not found, f"axe-core: {where}:\n{report(found)}"


@pytest.fixture
def csp_page(browser, live_url, request, test_accounts):
    """A page under the app's own CSP (no ``bypass_csp``); logged in as redaktion when the test
    is marked ``logged_in``; its console must stay clean."""
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="de-DE")
    atlas = Page(context.new_page())
    if request.node.get_closest_marker("logged_in"):
        login(atlas.page, live_url, "test_redaktion")
    yield atlas
    context.close()
    assert_clean(atlas, request)


def _open(atlas: Page, url: str) -> None:
    atlas.page.goto(url)
    atlas.page.wait_for_function(COVERAGE_DRAWN if "ansicht=datenstand" in url else MAP_DRAWN,
                                 timeout=30000)
    atlas.settle()


@pytest.mark.parametrize("tab", VIEW_TABS)
def test_a11y001_every_tab_has_no_violations(csp_page, live_url, data, tab):
    """The start page (tab ``map``) and every analysis tab, opened by its link."""
    _open(csp_page, f"{live_url}/?indicator=kinderarmut&kreise=16052,16053&ansicht={tab}")
    assert_no_violations(csp_page, f"Reiter {tab}")


def test_a11y002_gemeinde_level_and_zoom(csp_page, live_url, data):
    indicator = data.available_indicators(level="gemeinde")[0].id
    _open(csp_page, f"{live_url}/?indicator={indicator}&ebene=gemeinde")
    assert_no_violations(csp_page, "Gemeinden")
    _open(csp_page, f"{live_url}/?indicator={indicator}&zoom=16067")
    assert_no_violations(csp_page, "Gemeinden des Landkreises Gotha")


@pytest.fixture
def own_level(app_module, data, tmp_path):
    from atlas.data import data_changed, own_store

    store = own_store()
    add_vg_level(data, store, tmp_path)
    data_changed()
    yield VG_LEVEL
    store.delete_level(VG_LEVEL, with_data=True)
    data_changed()


def test_a11y003_own_level(csp_page, live_url, own_level):
    _open(csp_page, f"{live_url}/?ebene={own_level}")
    assert_no_violations(csp_page, "eigene Ebene")


def test_a11y004_presentation_mode(csp_page, live_url):
    _open(csp_page, f"{live_url}/?indicator=kinderarmut&modus={PRESENTATION}")
    assert_no_violations(csp_page, "Präsentationsmodus")


def test_a11y005_open_sitzungsfolge(csp_page, live_url, tmp_path):
    path = tmp_path / "sitzung.json"
    path.write_text(json.dumps({"format": playlist.FORMAT, "version": 1, "views": [
        {"name": "Kinderarmut Gera", "query": "indicator=kinderarmut&kreise=16052"},
        {"name": "Rangfolge", "query": "indicator=sgb2_quote&ansicht=ranking"}]}),
        encoding="utf-8")
    _open(csp_page, f"{live_url}/")
    page = csp_page.page
    page.set_input_files("#playlist-upload input[type=file]", str(path))
    page.wait_for_function("() => document.querySelectorAll('#playlist-list li').length === 2")
    assert_no_violations(csp_page, "geladene Sitzungsfolge")
    page.get_by_role("button", name="Präsentation starten").click()
    page.wait_for_function("() => document.querySelector('#present-view-pos').innerText"
                           " === 'Ansicht 1 / 2'", timeout=15000)
    assert_no_violations(csp_page, "Sitzungsfolge in der Präsentation")


@pytest.mark.logged_in
def test_a11y006_eigene_daten_upload_preview_and_import_form(csp_page, live_url, data,
                                                             tmp_path):
    rows = [f"{ags};2023;krippe;{10 + i * 1.5:.1f}".replace(".", ",") + ";%;Jugendämter"
            for i, ags in enumerate(sorted(data.regions["ags"]))]
    path = tmp_path / "krippenquote_2023.csv"
    path.write_text("ags;jahr;indikator;wert;einheit;quelle\n" + "\n".join(rows) + "\n",
                    encoding="utf-8")
    _open(csp_page, f"{live_url}/")
    page = csp_page.page
    page.get_by_role("tab", name="Eigene Daten").click()
    page.wait_for_selector("#own-upload input[type=file]", state="attached")
    assert_no_violations(csp_page, "Eigene Daten: Hochladen")
    page.set_input_files("#own-upload input[type=file]", str(path))
    page.wait_for_function("() => document.querySelector('#own-preview').innerText"
                           ".includes('Kreisen')", timeout=20000)
    page.fill("#own-title", "Krippenquote (Test)")
    assert_no_violations(csp_page, "Eigene Daten: Vorschau und Importformular")
