"""Issue #20, the year step: a step of the year slider recolours the map's areas without plotly's
full drawing (which re-projects every ring of every area), in the frame of the key. What the map
shows in that frame (the areas' fills and outlines, the legend, the reference text, the hover of
the area under the mouse) is what a fresh page opened at that year shows, also in a year where an
area lacks a value, in presentation mode with a selection, and after a held key; Dash's figure
prop follows once the slider rests; a switch of indicator still draws the normal way."""

from __future__ import annotations

import pytest

from atlas import figures
from tests.browser.conftest import choose_option

pytestmark = pytest.mark.browser

#: counts the map's drawings by kind (full: react/newPlot; recolour: update) and, at the first
#: animation frame after each key press, takes what the map shows (before Dash's prop follows)
SPY_JS = """() => {
  window.__draws = [];
  const P = window.Plotly;
  [['react', 'full'], ['newPlot', 'full'], ['update', 'recolour']].forEach(([name, kind]) => {
    const original = P[name];
    P[name] = function (gd) {
      const el = typeof gd === 'string' ? document.getElementById(gd) : gd;
      if (el && el.closest && el.closest('#map')) {
        window.__draws.push({kind: kind, t: performance.now()});
      }
      return original.apply(this, arguments);
    };
  });
  const mapYear = () => document.querySelector('#map .js-plotly-plot').layout.meta.year;
  document.addEventListener('keydown', () => {
    const key = performance.now();
    const year = mapYear();
    window.__key = key;
    window.__frame = null;
    let frames = 0;
    const look = () => {  // the first frame that shows another year
      frames += 1;
      if (mapYear() === year && frames < 600) { requestAnimationFrame(look); return; }
      const draws = window.__draws.filter(d => d.t >= key);
      window.__frame = {
        frames: frames,
        full: draws.filter(d => d.kind === 'full').length,
        recolour: draws.filter(d => d.kind === 'recolour').length,
        shown: window.__mapShows(),
        prop: (() => { const f = window.atlasPage.props(window.atlasPage.ids().map).figure;
                       return f && f.layout && f.layout.meta ? f.layout.meta.year : null; })()
      };
    };
    requestAnimationFrame(look);
  }, true);
}"""

#: what the map shows: fill and outline of each area (by the location plotly bound to its
#: path), the legend's entries and colours, the reference text, the hover label, the year
SHOWS_JS = """() => {
  window.__mapShows = () => {
    const map = document.querySelector('#map');
    const gd = map.querySelector('.js-plotly-plot');
    const areas = {};
    map.querySelectorAll('.choroplethlocation').forEach(el => {
      const s = getComputedStyle(el);
      areas[el.__data__.loc] = [s.fill, s.stroke, s.strokeWidth];
    });
    const legend = Array.from(map.querySelectorAll('.legend .traces')).map(el => [
      el.querySelector('.legendtext').textContent,
      getComputedStyle(el.querySelector('.legendpoints path')).fill]);
    const hover = Array.from(map.querySelectorAll('.hoverlayer .hovertext text.nums tspan.line'))
      .map(t => t.textContent).join('\\n');
    const reference = Array.from(map.querySelectorAll('.annotation-text'))
      .map(t => t.textContent);
    return {areas, legend, hover, reference, year: gd.layout.meta.year};
  };
}"""

MAP_YEAR = ("() => { const g = document.querySelector('#map .js-plotly-plot');"
            " return g && g.layout.meta ? g.layout.meta.year : null; }")
PROP_YEAR = ("() => { const f = window.atlasPage.props(window.atlasPage.ids().map).figure;"
             " return f && f.layout && f.layout.meta ? f.layout.meta.year : null; }")


def _watch(atlas_page) -> None:
    page = atlas_page.page
    page.evaluate(SHOWS_JS)
    page.evaluate(SPY_JS)


def _shows(atlas_page) -> dict:
    atlas_page.page.evaluate(SHOWS_JS)
    return atlas_page.page.evaluate("() => window.__mapShows()")


def _mouse_over(atlas_page, ags: str) -> str:
    return atlas_page.hover(ags)


def _step(atlas_page, key: str, year: int, slider: bool = True) -> dict:
    """Press ``key`` on the slider (else on the page: the presentation's keys); what the map
    showed in the first frame after it."""
    page = atlas_page.page
    if slider:
        page.focus("#year [role=slider]")
    page.keyboard.press(key)
    page.wait_for_function(
        f"() => window.__frame !== null && window.__frame.shown.year === {year}", timeout=10000)
    return page.evaluate("() => window.__frame")


def _fresh(atlas_page, url: str, ags: str | None, ready: str | None = None) -> dict:
    """What a page opened at ``url`` shows, with the mouse over ``ags``."""
    atlas_page.open(url)
    if ready:
        atlas_page.page.wait_for_function(ready, timeout=15000)
    atlas_page.settle()
    if ags:
        _mouse_over(atlas_page, ags)
    return _shows(atlas_page)


def _changed_area(data, indicator: str, before: int, after: int) -> str:
    """An area whose class changes between the years (its colour must change)."""
    old = figures.map_update(figures.map_view(data, indicator, before))["trace"]
    new = figures.map_update(figures.map_view(data, indicator, after))["trace"]
    zs = dict(zip(old["locations"], old["z"]))
    changed = [ags for ags, z in zip(new["locations"], new["z"]) if zs[ags] != z]
    assert changed, f"{indicator}: no area changes its class from {before} to {after}"
    return changed[0]


def test_a_year_step_recolours_in_its_frame_what_a_fresh_page_of_that_year_shows(
        atlas_page, live_url, data):
    years = data.years("sgb2_quote")
    atlas_page.open(live_url + "/?indicator=sgb2_quote")
    page = atlas_page.page
    atlas_page.settle()
    ags = _changed_area(data, "sgb2_quote", years[-1], years[-2])
    before = _mouse_over(atlas_page, ags)
    _watch(atlas_page)
    frame = _step(atlas_page, "ArrowLeft", years[-2])
    # one recolour, no full drawing, before the paint of the key's frame; Dash's prop still
    # has the year before
    assert (frame["frames"], frame["full"], frame["recolour"]) == (1, 0, 1), frame
    assert frame["prop"] == years[-1]
    shown = frame["shown"]
    # Dash's figure prop follows once the slider rests
    page.wait_for_function(f"() => ({PROP_YEAR})() === {years[-2]}", timeout=5000)
    atlas_page.settle()
    assert atlas_page.console == []
    fresh = _fresh(atlas_page, live_url + f"/?indicator=sgb2_quote&year={years[-2]}", ags)
    assert shown["areas"] == fresh["areas"]
    assert shown["legend"] == fresh["legend"]
    assert shown["reference"] == fresh["reference"]
    # the hover of the area under the mouse: the new year's value right in the step's frame
    assert shown["hover"] == fresh["hover"] and shown["hover"] != before
    assert str(years[-2]) in shown["hover"]


def _missing_step(data) -> tuple[str, int, int]:
    """(indicator, year, neighbour): adjacent years of a Kreis indicator where the areas that
    lack a value differ (their own colour and the legend's entry for it come or go)."""
    for indicator in sorted(set(data.values["indicator"])):
        years = data.years(indicator)
        if len(years) < 2:
            continue
        lacking = {}
        for year in years:
            z = figures.map_update(figures.map_view(data, indicator, year))["trace"]["z"]
            lacking[year] = sum(1 for v in z if v < 1)
        for a, b in zip(years, years[1:]):
            if lacking[a] != lacking[b] and 0 in (lacking[a], lacking[b]):
                return indicator, b, a
    pytest.skip("no Kreis indicator with a year that lacks a value")


def test_a_step_into_a_year_that_lacks_values_keeps_their_colours_and_legend(
        atlas_page, live_url, data):
    indicator, year, earlier = _missing_step(data)
    atlas_page.open(live_url + f"/?indicator={indicator}&year={year}")
    atlas_page.page.wait_for_function(f"() => ({MAP_YEAR})() === {year}")
    atlas_page.settle()
    _watch(atlas_page)
    frame = _step(atlas_page, "ArrowLeft", earlier)
    assert (frame["full"], frame["recolour"]) == (0, 1), frame
    shown = frame["shown"]
    atlas_page.page.wait_for_function(f"() => ({PROP_YEAR})() === {earlier}", timeout=5000)
    atlas_page.settle()
    fresh = _fresh(atlas_page, live_url + f"/?indicator={indicator}&year={earlier}", None)
    assert shown["areas"] == fresh["areas"]
    assert shown["legend"] == fresh["legend"]
    assert shown["reference"] == fresh["reference"]
    assert atlas_page.console == []


PRESENTING = "() => document.documentElement.classList.contains('presenting')"
OUTLINE_JS = ("() => Array.from(document.querySelectorAll("
              "'#map .scatterlayer .trace path.js-line'))"
              ".map(p => [p.getAttribute('d'), getComputedStyle(p).stroke,"
              " getComputedStyle(p).strokeWidth])")


def test_presentation_with_a_selection_recolours_and_keeps_the_outline_and_names(
        atlas_page, live_url, data):
    years = data.years("sgb2_quote")
    regions = data.regions
    kreise = ",".join(regions["ags"][regions["kind"] == "kreisfreie Stadt"][:2])
    url = live_url + f"/?indicator=sgb2_quote&kreise={kreise}&modus=praesentation"
    page = atlas_page.page
    atlas_page.open(url)
    page.wait_for_function(PRESENTING)
    atlas_page.settle()
    outline = page.evaluate(OUTLINE_JS)
    assert outline  # the selection's outline is drawn
    _watch(atlas_page)
    frame = _step(atlas_page, "ArrowLeft", years[-2], slider=False)
    assert (frame["full"], frame["recolour"]) == (0, 1), frame
    assert page.evaluate(OUTLINE_JS) == outline
    page.wait_for_function(f"() => ({PROP_YEAR})() === {years[-2]}", timeout=5000)
    atlas_page.settle()
    fresh = _fresh(atlas_page, url + f"&year={years[-2]}", None, PRESENTING)
    shown = frame["shown"]
    assert shown["areas"] == fresh["areas"]
    assert shown["legend"] == fresh["legend"]
    assert shown["reference"] == fresh["reference"]
    assert atlas_page.console == []


def test_a_held_key_ends_recoloured_in_the_last_year_and_a_switch_of_indicator_draws_anew(
        atlas_page, live_url, data):
    years = data.years("sgb2_quote")
    atlas_page.open(live_url + "/?indicator=sgb2_quote")
    page = atlas_page.page
    atlas_page.settle()
    _watch(atlas_page)
    page.focus("#year [role=slider]")
    for _ in range(4):  # as a held key repeats: no wait between the steps
        page.keyboard.press("ArrowLeft")
    page.wait_for_function(f"() => ({PROP_YEAR})() === {years[-5]}", timeout=10000)
    atlas_page.settle()
    draws = page.evaluate("() => window.__draws.map(d => d.kind)")
    assert "recolour" in draws
    shown = _shows(atlas_page)
    assert shown["year"] == years[-5]
    # a switch of indicator goes the normal way: a full drawing of the new indicator
    other = next(i for i in ("kinderarmut", "arbeitslosenquote", "bevoelkerung")
                 if data.years(i))
    page.evaluate("() => { window.__draws.length = 0; }")
    choose_option(page, "indicator", data.indicator(other).short_title)
    page.wait_for_function("id => window.atlasPage.shown().indicator === id", arg=other,
                           timeout=10000)
    atlas_page.settle()
    assert "full" in page.evaluate("() => window.__draws.map(d => d.kind)")
    switched = _shows(atlas_page)
    fresh = _fresh(atlas_page, live_url + f"/?indicator={other}&year={switched['year']}", None)
    assert switched["areas"] == fresh["areas"] and switched["legend"] == fresh["legend"]
    held = _fresh(atlas_page, live_url + f"/?indicator=sgb2_quote&year={years[-5]}", None)
    assert shown["areas"] == held["areas"] and shown["legend"] == held["legend"]
    assert shown["reference"] == held["reference"]
    assert atlas_page.console == []
