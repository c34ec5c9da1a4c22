"""Own levels in the browser, as a planner notices them: presentation mode names the own areas
of a small level, a Sitzungsfolge shows a view of an own level, the map's legend and hover say
why an area is protected, and the Zeitverlauf compares the areas with their Kreis.

The levels are real and stored in the live server's store (tests/unit helpers): the nine VG of
the Altenburger Land (tests/data/levels) and the Gemeinden of a Kreis as own areas with the
level's minimum count raised above their smallest real populations."""

from __future__ import annotations

from pathlib import Path

import pytest

from atlas import missing, playlist
from tests.unit.test_levels_present_labels import VG_COUNT, VG_LEVEL, add_vg_level
from tests.unit.test_levels_status_legend import add_protected_level

pytestmark = pytest.mark.browser

PROTECTED_LEVEL = "orte_geschuetzt"
PROTECTED_COUNT = "orte_geschuetzt_ew"
PRESENTING = "document.documentElement.classList.contains('presenting')"
SHOTS = Path(__file__).resolve().parents[1] / "artifacts"  # git-ignored

#: the texts of the names drawn on the map (presentation's label trace), as shown
NAMES_JS = """
() => Array.from(document.querySelectorAll('#map .scatterlayer .trace text'))
  .filter(t => t.textContent).map(t => Array.from(t.querySelectorAll('tspan.line')).length
     ? Array.from(t.querySelectorAll('tspan.line')).map(s => s.textContent).join(' ')
     : t.textContent)
"""


@pytest.fixture(scope="module")
def own_levels(app_module, data, tmp_path_factory):
    """The two own levels in the live server's store; removed afterwards."""
    from atlas.data import data_changed, get_data, own_store

    store = own_store()
    population = add_vg_level(data, store, tmp_path_factory.mktemp("vg_live"))
    threshold = add_protected_level(data, store, PROTECTED_LEVEL, PROTECTED_COUNT)
    data_changed()
    yield {"data": get_data(), "population": population, "threshold": threshold}
    for level in (VG_LEVEL, PROTECTED_LEVEL):
        store.delete_level(level, with_data=True)
    data_changed()


def _open(atlas_page, url: str, areas: int) -> None:
    page = atlas_page.page
    page.goto(url)
    page.wait_for_function(
        "n => document.querySelectorAll('#map .choroplethlocation').length === n"
        " && document.querySelectorAll('#values-table tbody tr').length > 0",
        arg=areas, timeout=30000)
    atlas_page.settle()


def _wait_names(page, count: int) -> list[str]:
    page.wait_for_function(
        "n => Array.from(document.querySelectorAll('#map .scatterlayer .trace text'))"
        ".filter(t => t.textContent).length === n", arg=count, timeout=20000)
    return page.evaluate(NAMES_JS)


def _plain(name: str) -> str:
    return name.replace("-", "").replace(" ", "")


def _shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def test_lp001_presentation_names_the_areas_of_a_small_own_level(atlas_page, live_url,
                                                                 own_levels):
    data = own_levels["data"]
    level = data.level_of(VG_LEVEL)
    page = atlas_page.page
    _open(atlas_page, live_url + f"/?indicator={VG_COUNT}&modus=praesentation", len(level))
    page.wait_for_function(PRESENTING)
    names = _wait_names(page, len(level))
    assert {_plain(n) for n in names} == {_plain(n) for n in level.areas["label"]}
    kreis = data.level_of("kreis").name(level.areas["kreis"].iloc[0])
    assert _plain(kreis) not in {_plain(n) for n in names}  # not the Kreis around them
    # the long reference of an own level ("Summe der Gebiete (…)") covers no area
    page.wait_for_load_state("networkidle")
    box = page.evaluate(
        "() => { const a = document.querySelector('#map .annotation').getBoundingClientRect();"
        " const low = Math.max(...Array.from(document.querySelectorAll("
        "'#map .choroplethlocation')).map(p => p.getBoundingClientRect().bottom));"
        " return {top: a.top, low: low}; }")
    assert box["low"] <= box["top"], box
    _shot(page, "levels_present_names")
    # "Namen" (N) hides them and shows them again
    page.keyboard.press("n")
    _wait_names(page, 0)
    page.keyboard.press("n")
    _wait_names(page, len(level))


def test_lp002_a_sitzungsfolge_shows_a_view_of_an_own_level(atlas_page, live_url, own_levels):
    data = own_levels["data"]
    level = data.level_of(VG_LEVEL)
    year = data.latest_year(VG_COUNT)
    raw = [{"name": "Kreise", "query": f"indicator=sgb2_quote&year={data.years('sgb2_quote')[-1]}"},
           {"name": "Verwaltungsgemeinschaften", "query": f"indicator={VG_COUNT}&year={year}"}]
    views, problems = playlist.check_views(raw, data)
    assert not problems and len(views) == 2
    page = atlas_page.page
    _open(atlas_page, live_url + "/", len(data.level_of("kreis")))
    page.evaluate("v => localStorage.setItem('playlist', JSON.stringify(v))",
                  [v.as_dict() for v in views])
    _open(atlas_page, live_url + "/", len(data.level_of("kreis")))
    page.get_by_role("button", name="Präsentation starten").click()
    page.wait_for_function(PRESENTING)
    page.wait_for_function("() => document.querySelector('#present-view-pos').innerText"
                           " === 'Ansicht 1 / 2'", timeout=15000)
    page.keyboard.press("PageDown")
    page.wait_for_function("() => document.querySelector('#present-view-pos').innerText"
                           " === 'Ansicht 2 / 2'", timeout=15000)
    page.wait_for_function(
        "n => document.querySelectorAll('#map .choroplethlocation').length === n",
        arg=len(level), timeout=30000)
    title = data.indicator(VG_COUNT).short_title
    page.wait_for_function("t => document.querySelector('#present-title').innerText"
                           ".includes(t)", arg=title, timeout=15000)
    located = page.evaluate("() => Array.from(document.querySelector('#map .js-plotly-plot')"
                            "._fullData[0].locations)")
    assert sorted(located) == sorted(own_levels["population"])
    names = _wait_names(page, len(level))
    assert {_plain(n) for n in names} == {_plain(n) for n in level.areas["label"]}
    atlas_page.settle()
    assert f"indicator={VG_COUNT}" in page.input_value(".share-link")
    _shot(page, "levels_present_sitzungsfolge")
    page.keyboard.press("PageUp")  # back to the Kreise: their 22 names again
    page.wait_for_function(
        "n => document.querySelectorAll('#map .choroplethlocation').length === n",
        arg=len(data.level_of("kreis")), timeout=30000)
    _wait_names(page, len(data.level_of("kreis")))


def test_lp003_legend_and_hover_say_why_an_area_is_protected(atlas_page, live_url, own_levels):
    data = own_levels["data"]
    level = data.level_of(PROTECTED_LEVEL)
    year = data.latest_year(PROTECTED_COUNT)
    table = data.table(PROTECTED_COUNT, year)
    hidden = table[table["value"].isna()]
    assert len(hidden) > 0
    page = atlas_page.page
    _open(atlas_page, live_url + f"/?indicator={PROTECTED_COUNT}&year={year}", len(level))
    legend = page.evaluate("() => Array.from(document.querySelectorAll('#map .legendtext'))"
                           ".map(t => t.textContent)")
    assert f"{missing.PROTECTED.label} ({len(hidden)})" in legend
    assert not any(t.startswith(missing.NO_DATA.label) for t in legend)  # only what occurs
    fills = page.evaluate(
        "() => Object.fromEntries(Array.from(document.querySelectorAll("
        "'#map .choroplethlocation')).map(p => [p.__data__.loc, getComputedStyle(p).fill]))")
    for key in hidden["ags"]:
        assert fills[key] == "rgb(228, 228, 228)", key
    primary = hidden[hidden["status"].str.startswith("<")].iloc[0]
    hover = atlas_page.hover(primary["ags"])
    assert f"{primary['status']} – {missing.PROTECTED.note}" in hover
    assert level.name(primary["ags"]) in hover
    rows = page.evaluate("() => Array.from(document.querySelectorAll('#values-table tbody tr'))"
                         ".map(r => Array.from(r.cells).map(c => c.innerText))")
    shown = {r[1]: r[3] for r in rows}
    listed = [k for k in hidden["ags"] if level.name(k) in shown]
    for key in listed:
        assert shown[level.name(key)] == table.set_index("ags").loc[key, "status"]
    _shot(page, "levels_legend_protected")


def _series(page, note: str) -> list[dict]:
    """The time series' traces once its note contains ``note``."""
    page.wait_for_function(
        "t => document.querySelector('#timeseries-note').innerText.includes(t)", arg=note,
        timeout=20000)
    return page.evaluate("() => document.querySelector('#timeseries .js-plotly-plot')"
                         "._fullData.map(t => ({name: t.name, y: Array.from(t.y || [])}))")


def test_lp004_the_zeitverlauf_compares_the_kreis_of_the_own_areas(atlas_page, live_url,
                                                                   own_levels):
    """A Kreis chosen on the left with more own areas than lines fit: the Zeitverlauf draws the
    Kreis as the sum of its areas beside the level's reference, and says why not each area;
    where an area is protected, the Kreis's sum is a gap ("unvollständig"), never smaller."""
    data = own_levels["data"]
    level = data.level_of(VG_LEVEL)
    kreis = level.areas["kreis"].iloc[0]
    kreis_name = data.level_of("kreis").name(kreis)
    page = atlas_page.page
    _open(atlas_page, live_url + f"/?indicator={VG_COUNT}&kreise={kreis}", len(level))
    traces = _series(page, f"{len(level.in_kreis(kreis))} {level.title} in {kreis_name}")
    population = own_levels["population"]
    assert traces[0]["name"].replace("<br>", " ") == f"{kreis_name} (Summe der {level.title})"
    assert traces[0]["y"] == [sum(population.values())]  # the nine VG make up the Kreis
    assert traces[1]["name"].replace("<br>", " ") == data.reference(VG_COUNT, data.latest_year(VG_COUNT)).label
    _shot(page, "levels_zeitverlauf")
    protected = data.level_of(PROTECTED_LEVEL)
    kreis = protected.areas["kreis"].iloc[0]
    _open(atlas_page, live_url + f"/?indicator={PROTECTED_COUNT}&kreise={kreis}",
          len(protected))
    traces = _series(page, "unvollständig")
    name = data.level_of("kreis").name(kreis)
    assert traces[0]["name"].replace("<br>", " ") == f"{name} (Summe der {protected.title})"
    assert all(y is None or y != y for y in traces[0]["y"])  # a gap (null or NaN), no sum
