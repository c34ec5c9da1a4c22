"""A Sitzungsfolge file written by hand (views without a year, a view of another tab) is paged
through in the presentation with its position shown, never "Ansicht – / n"."""

import json

import pytest

from atlas import playlist

pytestmark = [pytest.mark.browser, pytest.mark.logged_in]  # the page changes own data

POSITION = "p => document.querySelector('#present-view-pos').innerText === p"


def test_views_without_a_year_are_found_in_the_presentation(atlas_page, live_url, data,
                                                            tmp_path):
    newest = data.years("kinderarmut")[-1]
    path = tmp_path / "von_hand.json"
    path.write_text(json.dumps({"format": playlist.FORMAT, "version": 1, "views": [
        {"name": "Kinderarmut Gera", "query": "indicator=kinderarmut&kreise=16052"},
        {"name": "Rangfolge", "query": "indicator=sgb2_quote&ansicht=ranking"}]}),
        encoding="utf-8")
    atlas_page.open(live_url + "/")
    page = atlas_page.page
    page.set_input_files("#playlist-upload input[type=file]", str(path))
    page.wait_for_function("document.querySelectorAll('#playlist-list li').length === 2")
    page.get_by_role("button", name="Präsentation starten").click()
    page.wait_for_function(POSITION, arg="Ansicht 1 / 2", timeout=15000)
    page.wait_for_function("t => document.querySelector('#present-title').innerText.endsWith(t)",
                           arg=str(newest), timeout=15000)
    atlas_page.settle()
    assert f"year={newest}" in page.url
    page.keyboard.press("PageDown")
    page.wait_for_function(POSITION, arg="Ansicht 2 / 2", timeout=15000)
    atlas_page.settle()
    assert page.inner_text("#present-view-pos") == "Ansicht 2 / 2"
    assert page.evaluate("document.documentElement.classList.contains('presenting')")
