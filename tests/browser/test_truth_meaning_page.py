"""Issue #16 ("Meaning") in the browser: the Veränderung view of the GISD says why it shows no
change instead of a map of changes, its time series keeps the years with that note, the profile
shows no trend arrow for it; the Kreis map of an INKAR 2021 indicator says that the Wartburgkreis
values belong to the territory without Eisenach. Expected texts come from the built data."""

import os

import pytest

from atlas import analysis
from atlas.catalogue import over_time_problem

pytestmark = pytest.mark.browser

SCREENSHOTS = os.environ.get("ATLAS_SCREENSHOTS", "")

HAS_TEXT = "([s, w]) => (document.querySelector(s) || {}).innerText?.includes(w)"


def _shot(page, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, name), full_page=True)


def test_tme001_change_view_of_the_gisd_says_why_instead_of_a_map(atlas_page, live_url, data):
    reason = over_time_problem(data.indicator("gisd"))
    assert reason
    page = atlas_page.page
    page.goto(f"{live_url}/?indicator=gisd&ansicht=change")
    page.wait_for_function(HAS_TEXT, arg=["#change-note", reason], timeout=20000)
    assert page.inner_text("#change-note") == f"Keine Veränderungskarte: {reason}"
    page.wait_for_load_state("networkidle")
    assert page.locator("#change-map .choroplethlocation").count() == 0  # no map of changes
    assert page.locator("#change-map .xtick").count() == 0  # and no empty axes
    _shot(page, "truth_meaning_gisd_change.png")
    # another indicator in the same view: a map of changes, no such note
    page.goto(f"{live_url}/?indicator=sgb2_quote&ansicht=change")
    page.wait_for_function(
        "() => document.querySelectorAll('#change-map .choroplethlocation').length === 22",
        timeout=20000)
    assert reason not in page.inner_text("#change-note")
    page.wait_for_load_state("networkidle")
    assert atlas_page.console == []


def test_tme002_gisd_series_keeps_its_years_and_the_profile_has_no_trend(
        atlas_page, live_url, data):
    reason = over_time_problem(data.indicator("gisd"))
    atlas_page.open(f"{live_url}/?indicator=gisd&kreise=16052")
    page = atlas_page.page
    page.wait_for_function(HAS_TEXT, arg=["#timeseries-note", reason], timeout=20000)
    years = len(data.series("gisd", ["16052"]))
    page.wait_for_function(
        "n => { const p = document.querySelector('#timeseries .js-plotly-plot');"
        " return p && p._fullData && p._fullData[0] && p._fullData[0].x.length === n; }",
        arg=years)
    page.get_by_role("tab", name="Regionenprofil").click()
    row = page.locator("#profile tr", has_text=data.indicator("gisd").short_title)
    row.first.wait_for(timeout=20000)
    text = row.first.inner_text()
    assert analysis.NO_TREND in text and reason in text
    assert not any(arrow in text for arrow in analysis.ARROWS.values())
    _shot(page, "truth_meaning_gisd_profile.png")
    page.wait_for_load_state("networkidle")
    assert atlas_page.console == []


def test_tme003_inkar2021_map_names_the_wartburgkreis_without_eisenach(atlas_page, live_url, data):
    notes = data.map_notes("haushaltseinkommen")
    assert len(notes) == 1 and "ohne Eisenach" in notes[0]
    atlas_page.open(f"{live_url}/?indicator=haushaltseinkommen")
    page = atlas_page.page
    page.wait_for_function(HAS_TEXT, arg=["#map-note", notes[0]], timeout=20000)
    _shot(page, "truth_meaning_wartburgkreis_note.png")
    atlas_page.open(f"{live_url}/?indicator=sgb2_quote")
    page.wait_for_function(
        "() => !(document.querySelector('#map-note') || {}).innerText?.includes('Eisenach')",
        timeout=20000)
    assert data.map_notes("sgb2_quote") == []
    assert atlas_page.console == []
