"""Own areas from a projected Shapefile, added in the browser, with a wide table imported by the
command line, seen in every view: map, values table, ranking, time series, profile and the data
export (real files: BKG VG5000 Verwaltungsgemeinschaften of the Altenburger Land in
EPSG:25832, their Zensus population summed from the built Gemeinde values)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from atlas.values import format_number
from tests.browser.conftest import create_vg_level, text_of
from tests.conftest import LEVEL_FILES, vg_population_table

pytestmark = [pytest.mark.browser, pytest.mark.logged_in]  # the page changes own data

LEVEL_ID = "vg_shp"
LEVEL_TITLE = "VG Altenburger Land (Shapefile)"
INDICATOR = "ew_vg_shp"
TITLE = "Einwohner je VG (Shapefile)"


@pytest.fixture
def cleanup(own_levels_to_remove):
    own_levels_to_remove.append(LEVEL_ID)


def _names() -> dict[str, str]:
    manifest = json.loads((LEVEL_FILES / "manifest.json").read_text(encoding="utf-8"))
    return {key: group["name"] for key, group in manifest["groups"].items()}


def _cli(*args: str) -> subprocess.CompletedProcess:
    """The ``atlas`` command of this installation, on the data folder the live server uses."""
    return subprocess.run([sys.executable, "-m", "atlas.cli", *args], capture_output=True,
                          text=True, env=dict(os.environ), timeout=120)


def test_shapefile_level_and_cli_table_in_every_view(atlas_page, live_url, data, tmp_path,
                                                     cleanup):
    page = atlas_page.page
    page.goto(live_url + "/?ansicht=own")
    page.wait_for_selector("#level-upload input[type=file]", state="attached")
    # 1. in the browser: the projected Shapefile (zip), its CRS read, key and name suggested
    page.set_input_files("#level-upload input[type=file]",
                         str(LEVEL_FILES / "altenburger_land_vg_25832.zip"))
    preview = text_of(page, "#level-preview", "Gebiete")
    assert "9 Gebiete" in preview and "EPSG:25832" in preview and "Keine Fehler" in preview
    columns = page.inner_text("#level-columns")
    assert "SCHLUESSEL" in columns and "NAME" in columns
    create_vg_level(page, LEVEL_ID, LEVEL_TITLE)
    # 2. by command line: a wide city-statistics table for that level
    table = tmp_path / "einwohner_vg.csv"
    population = vg_population_table(data, table)
    done = _cli("import", str(table), "--level", LEVEL_ID, "--id", INDICATOR, "--title", TITLE,
                "--unit", "Anzahl", "--kind", "count", "--decimals", "0", "--bereich",
                data.indicator("gemeinde_bevoelkerung_zensus").area, "--lebensphasen",
                "senioren", "--lesart", "neutral", "--quelle", "Zensus 2022, Summe der Gemeinden")
    assert done.returncode == 0, done.stderr
    # 3. the map of the level: every area with its value
    page.goto(f"{live_url}/?indicator={INDICATOR}")
    page.wait_for_function("n => document.querySelectorAll('#map .choroplethlocation').length"
                           " === n", arg=len(population), timeout=30000)
    atlas_page.settle()
    main = page.evaluate("() => { const t = document.querySelector('#map .js-plotly-plot')"
                         "._fullData[0]; return {locations: Array.from(t.locations),"
                         " text: Array.from(t.text)}; }")
    shown = dict(zip(main["locations"], main["text"]))
    assert all(format_number(population[key], 0) in shown[key] for key in population), shown
    # the values table lists every area with its value as written in German
    rows = page.locator("#values-table tbody tr").all_inner_texts()
    ranked = [row for row in rows if row.split("\t")[0].strip().isdigit()]
    assert len(ranked) == len(population)
    assert any("insgesamt" in row and format_number(sum(population.values()), 0) in row
               for row in rows)
    largest = max(population, key=population.get)
    area = _names()[largest]
    value_text = format_number(population[largest], 0)
    assert any(area in row and value_text in row for row in rows), rows
    # 4. a click selects the largest area: the time series shows it and the level's reference
    #    (the total row of the table: the sum of all areas)
    index = main["locations"].index(largest)
    box = page.locator("#map .choroplethlocation").nth(index).bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_function(
        "name => { const p = document.querySelector('#timeseries .js-plotly-plot');"
        " return p && p._fullData && p._fullData.some(t => t.name === name); }", arg=area,
        timeout=20000)
    series = {t["name"]: t for t in atlas_page.full_data("timeseries")}
    assert series[area]["y"] == pytest.approx([population[largest]])
    total = sum(population.values())
    assert any(t["y"] == pytest.approx([total]) for n, t in series.items() if n != area), series
    assert area in page.inner_text("#districts")
    # 5. the ranking ranks every area, the largest first (neutral: rank 1 = highest value)
    page.get_by_role("tab", name="Ranking").click()
    page.wait_for_selector("#ranking .bars .point path")
    bars = page.evaluate(
        "() => Array.from(document.querySelector('#ranking .js-plotly-plot')._fullData[0].y)")
    assert len(bars) == len(population)
    assert bars[0].replace("<b>", "").replace("</b>", "") == area
    # 6. the profile of the selected area names it and its value
    page.get_by_role("tab", name="Regionenprofil").click()
    page.wait_for_selector("#profile table")
    profile = page.inner_text("#profile")
    assert area in profile and format_number(population[largest], 0) in profile
    # 7. the data export of the view lists every area (a file the planner downloads)
    # (with the page's session: the imported table is internal, as every import by default)
    response = page.request.get(f"{live_url}/export/data.csv?indicator={INDICATOR}")
    assert response.status == 200
    csv = response.body().decode("utf-8-sig")
    for key in population:
        assert f"{key};" in csv
