"""A planner adds own areas in the browser and sees a table for them on the map: the
Verwaltungsgemeinschaften of the Altenburger Land from a GeoJSON with extra columns, then a wide
table of their population for that level (real files, see tests/conftest.py)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import choose_option, create_vg_level, text_of
from tests.conftest import LEVEL_FILES, vg_population_table

pytestmark = [pytest.mark.browser, pytest.mark.logged_in]  # the page changes own data

LEVEL_ID = "vg_test"
LEVEL_TITLE = "VG Altenburger Land (Test)"
INDICATOR = "ew_vg_test"


def _own_tab(page):
    page.get_by_role("tab", name="Eigene Daten").click()
    page.wait_for_selector("#level-upload input[type=file]", state="attached")


@pytest.fixture
def cleanup(own_levels_to_remove):
    own_levels_to_remove.append(LEVEL_ID)


def test_own_areas_from_a_geojson_and_a_wide_table_on_the_map(atlas_page, live_url, data,
                                                             tmp_path, cleanup):
    atlas_page.open(live_url)
    page = atlas_page.page
    _own_tab(page)
    # 1. the boundary file: key and name columns suggested from the file, checks shown
    page.set_input_files("#level-upload input[type=file]",
                         str(LEVEL_FILES / "altenburger_land_vg.geojson"))
    preview = text_of(page, "#level-preview", "Gebiete")
    assert "altenburger_land_vg.geojson – 9 Gebiete" in preview
    assert "Keine Fehler" in preview and "EPSG:4326" in preview
    assert "schluessel" in page.inner_text("#level-columns")
    create_vg_level(page, LEVEL_ID, LEVEL_TITLE)
    assert LEVEL_TITLE in text_of(page, "#level-list", LEVEL_TITLE)
    # the message stays once the form is cleared (it used to vanish with the upload)
    status = page.inner_text("#level-status")
    assert f"Ebene „{LEVEL_TITLE}“ ({LEVEL_ID}) mit 9 Gebieten angelegt" in status
    # 2. a wide table for the level: total row recognised, all areas matched
    table = tmp_path / "einwohner_vg.csv"
    population = vg_population_table(data, table)
    choose_option(page, "own-level", LEVEL_TITLE)
    page.set_input_files("#own-upload input[type=file]", str(table))
    preview = text_of(page, "#own-preview", "Gebieten zugeordnet")
    assert f"{LEVEL_TITLE}: 9 von 9 Gebieten zugeordnet" in preview
    assert "Gesamtzeile „Altenburger Land insgesamt“" in preview
    page.fill("#own-title", "Einwohner je VG (Test)")
    page.fill("#own-id", INDICATOR)
    page.fill("#own-unit", "Anzahl")
    page.select_option("#own-kind", "count")
    page.fill("#own-decimals", "0")
    choose_option(page, "own-area", "Demografie")
    page.get_by_role("checkbox", name="Senioren").check()
    page.fill("#own-source", "Zensus 2022, Summe der Gemeinden")
    page.get_by_role("button", name="Importieren").click()
    # 3. the map shows the nine areas, named as in the file, with their values
    page.wait_for_function(
        "document.querySelector('#heading').innerText.startsWith('Einwohner je VG (Test)')",
        timeout=30000)
    page.wait_for_function(
        "document.querySelector('#map .js-plotly-plot')._fullData[0].hovertemplate"
        ".includes('Einwohner je VG')", timeout=30000)
    atlas_page.settle()
    main = atlas_page.full_data("map")[0]
    assert sorted(main["locations"]) == sorted(population)
    key = max(population, key=population.get)  # the largest area: never protected
    hover = atlas_page.hover(key)
    level = data.level_of("kreis")  # the areas lie in the Altenburger Land
    kreis_name = level.name("16077")
    assert kreis_name in hover and "Verwaltungsgemeinschaft" in hover
    assert f"{int(population[key]):,}".replace(",", ".") in hover
    assert "9 von 9" not in hover and "Rang 1 von 9" in hover
    assert "BKG VG5000, zusammengefasst" in page.inner_text("#map-source")
    assert "Gebietsstand der VG Altenburger Land (Test): 01.01.2021" in \
        page.inner_text("#map-source")
    checked = page.locator("#level input:checked").get_attribute("value")
    assert checked == LEVEL_ID


def test_a_boundary_file_without_crs_is_refused_in_german(atlas_page, live_url, cleanup):
    atlas_page.open(live_url)
    page = atlas_page.page
    _own_tab(page)
    page.set_input_files("#level-upload input[type=file]", str(LEVEL_FILES / "ohne_crs.zip"))
    message = text_of(page, "#level-preview", "nichts gespeichert")
    assert "ohne_crs.zip" in message and "kein Koordinatenbezugssystem" in message
    assert page.locator("#level-form").is_hidden()
    assert "Traceback" not in page.content()
