"""A planner's Sozialindex in the page: the info box lists its parts and weights for the year
shown, the ranking shows each area's rank range beside its bar (as ``GET /api/index/ID`` gives
it), the values table a "Rangspanne" column; a Sitzungsfolge with the index travels as a file and
brings the definition along to an atlas that lacks it."""

from __future__ import annotations

import json
import os
import re

import pytest

from atlas.composite import formulas as fm
from atlas.composite.index import Part

pytestmark = [pytest.mark.browser, pytest.mark.logged_in]  # the page changes own data

RATE = fm.Formula("tiv_alo_je_1000", "Arbeitslose je 1.000 Einwohner (Seitentest)", "rate",
                  fm.RateParams("arbeitslose", "bevoelkerung", 1000.0))
INDEX = fm.Formula("tiv_sozialindex", "Sozialindex (Seitentest)", "index",
                   fm.IndexParams((Part("sgb2_quote", 2.0, 0), Part("kinderarmut", 1.0, 0),
                                   Part(RATE.id, 1.0, 0))))
SCREENSHOTS = os.environ.get("ATLAS_SCREENSHOTS", "")


def _remove_definitions():
    from atlas.data import data_changed, own_store

    store = own_store()
    for formula_id in (INDEX.id, RATE.id):
        if formula_id in {f.id for f in store.formulas()}:
            store.delete(formula_id)
    data_changed()


@pytest.fixture
def index_defined(app_module):
    """The index (and the rate it uses) in the live server's store; removed afterwards."""
    from atlas.composite import define
    from atlas.data import data_changed, get_data, own_store

    _remove_definitions()
    define.save(RATE, get_data(), own_store())
    data_changed()
    define.save(INDEX, get_data(), own_store())
    data_changed()
    yield get_data()
    _remove_definitions()


def _shot(page, name: str, selector: str) -> None:
    if SCREENSHOTS:
        page.locator(selector).screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"))


def _api(page, live_url: str, year: int | None = None) -> dict:
    query = f"?year={year}" if year else ""
    response = page.request.get(f"{live_url}/api/index/{INDEX.id}{query}")
    assert response.status == 200
    return response.json()


def test_idx001_info_box_ranking_and_table_show_parts_and_rank_ranges(atlas_page, live_url,
                                                                      index_defined):
    data = index_defined
    page = atlas_page.page
    years = data.years(INDEX.id)
    atlas_page.open(f"{live_url}/?indicator={INDEX.id}")
    api = _api(page, live_url)
    assert api["year"] == years[-1]

    # info box: every part with its weight in % and its year, the method
    info = page.locator("#info-panel .index-parts")
    info.wait_for()
    lines = info.locator("li").all_inner_texts()
    assert len(lines) == len(api["parts"])
    for line, part in zip(lines, api["parts"]):
        weight = f"{round(part['weight'] * 100, 1):g}".replace(".", ",")
        assert line.startswith(part["title"]) and f"Gewicht {weight} %" in line
        assert f"Jahr {part['year']}" in line and "höher = mehr Risiko" in line
    assert "Methode: z-Standardisierung" in page.inner_text("#info-panel")
    _shot(page, "index_info", "#info-panel")

    # values table: the rank range of every area listed, as the API gives it
    by_name = {a["name"]: a for a in api["areas"]}
    page.wait_for_function("document.querySelector('#values-table thead').innerText"
                           ".includes('Rangspanne')")
    rows = page.locator("#values-table tbody tr").evaluate_all(
        "rows => rows.map(r => Array.from(r.cells).map(c => c.innerText))")
    for rank, name, span, *_ in rows[:-1]:  # the last row is the reference
        area = by_name[name]
        low, high = (int(round(x)) for x in area["rank_range"])
        assert rank == str(area["rank"]) and span.startswith(f"{low}–{high}")
        assert ("Klasse unsicher" in span) == area["class_changes"]
    _shot(page, "index_table", "#values-table")

    # ranking: beside each bar the rank with its 5–95 % range, hover "Rang 3 (2–5)"
    page.get_by_role("tab", name="Ranking").click()
    page.wait_for_function("() => { const g = document.querySelector('#ranking .js-plotly-plot');"
                           " return g && g._fullData && g._fullData.some("
                           "t => t.meta === 'rank-range'); }", timeout=20000)
    traces = page.evaluate(
        "() => document.querySelector('#ranking .js-plotly-plot')._fullData"
        ".filter(t => t.meta === 'rank-range').map(t => ({name: t.name,"
        " ags: Array.from(t.customdata), x: Array.from(t.x),"
        " plus: Array.from(t.error_x.array), minus: Array.from(t.error_x.arrayminus),"
        " hover: Array.from(t.hovertext)}))")
    by_ags = {a["ags"]: a for a in api["areas"]}
    seen = set()
    for trace in traces:
        unstable = "Klasse unsicher" in trace["name"]
        for ags, x, plus, minus, hover in zip(trace["ags"], trace["x"], trace["plus"],
                                              trace["minus"], trace["hover"]):
            area = by_ags[ags]
            assert x == area["rank"] and area["class_changes"] == unstable
            assert x - minus == pytest.approx(area["rank_range"][0])
            assert x + plus == pytest.approx(area["rank_range"][1])
            low, high = (int(round(v)) for v in area["rank_range"])
            assert hover.startswith(f"Rang {area['rank']} ({low}–{high})")
            seen.add(ags)
    assert seen == {a["ags"] for a in api["areas"] if a["rank"] is not None}
    note = page.inner_text("#ranking-note")
    assert "Gewichtsziehungen" in note and "Startwert" in note and "Perzentil" in note
    _shot(page, "index_ranking", "#ranking")
    page.get_by_role("tab", name="Karte").click()
    atlas_page.settle()
    # the map's hover and legend: numbers without the word "Index" after them
    erfurt = atlas_page.hover("16051")
    value = next(a for a in api["areas"] if a["ags"] == "16051")["value"]
    assert f"{value:.2f}".replace(".", ",").replace("-", "−") in erfurt
    assert not re.search(r"\d Index", erfurt), erfurt
    assert not re.search(r"\d Index", page.inner_text("#map")), page.inner_text("#map")
    _shot(page, "index_map", "#map")


def test_idx002_the_info_box_follows_the_year(atlas_page, live_url, index_defined):
    data = index_defined
    years = data.years(INDEX.id)
    if len(years) < 2:
        pytest.skip("der Index hat nur ein Jahr")
    page = atlas_page.page
    atlas_page.open(f"{live_url}/?indicator={INDEX.id}&year={years[-1]}")
    page.locator("#info-panel .index-parts").wait_for()
    atlas_page.open(f"{live_url}/?indicator={INDEX.id}&year={years[0]}")
    api = _api(page, live_url, years[0])
    page.wait_for_function(
        "y => document.querySelector('#info-panel').innerText.includes(`, ${y} (höher`)",
        arg=years[0])
    lines = page.locator("#info-panel .index-parts li").all_inner_texts()
    assert all(f"Jahr {p['year']}" in line for line, p in zip(lines, api["parts"]))


def test_idx003_a_sitzungsfolge_brings_the_index_along(atlas_page, live_url, index_defined,
                                                       tmp_path):
    from atlas.data import data_changed, get_data

    page = atlas_page.page
    year = index_defined.years(INDEX.id)[-1]
    atlas_page.open(f"{live_url}/?indicator={INDEX.id}&year={year}")
    atlas_page.settle()
    page.fill("#playlist-name", "Sozialindex")
    page.get_by_role("button", name="Ansicht merken").click()
    page.wait_for_function("document.querySelectorAll('#playlist-list li').length === 1")
    with page.expect_download() as info:
        page.get_by_role("button", name="Als Datei speichern").click()
    path = tmp_path / "sitzungsfolge.json"
    info.value.save_as(path)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["version"] == 1
    assert [d["id"] for d in document["definitions"]] == [RATE.id, INDEX.id]

    # this atlas loses the index; a fresh browser imports the file
    _remove_definitions()
    assert INDEX.id not in get_data().catalogue.formulas
    page.evaluate("localStorage.clear()")
    atlas_page.open(f"{live_url}/")
    page.set_input_files("#playlist-upload input[type=file]", str(path))
    page.wait_for_function("document.querySelectorAll('#playlist-list li').length === 1",
                           timeout=20000)
    status = page.inner_text("#playlist-status")
    assert f"({RATE.id}) angelegt" in status and f"({INDEX.id}) angelegt" in status
    assert "1 Ansicht aus sitzungsfolge.json übernommen" in status
    data_changed()
    assert INDEX.id in get_data().catalogue.formulas
    # the view shows the index again
    page.locator("#playlist-list li button", has_text="Zeigen").first.click()
    page.wait_for_function("t => document.querySelector('#heading').innerText.startsWith(t)",
                           arg=INDEX.title, timeout=20000)
    page.locator("#info-panel .index-parts").wait_for()
