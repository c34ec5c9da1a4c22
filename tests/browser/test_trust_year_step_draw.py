"""Issue #14, the year step's repaint budget: a step of the year slider draws the map once before
the browser paints. renderMap draws the year at once (issue #20: a recolour with one
Plotly.update of the layout, not plotly's full drawing); Dash's graph draws its `figure` prop
again whenever it changes, so setting that prop in the same task drew the map a second time
before the paint (about 50 instead of 25 ms from the key to the painted map,
benchmarks/README.md). Dash's figure prop still follows: once the slider rests it is the figure
the map shows."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

#: counts the Plotly draws of the map (full: react, newPlot; a recolour: update) and notes the
#: first animation frame after a key press
SPY_JS = """() => {
  window.__draws = [];
  window.__full = [];
  const P = window.Plotly;
  ['react', 'newPlot', 'update', 'restyle', 'relayout'].forEach((name) => {
    const original = P[name];
    P[name] = function (gd) {
      const el = typeof gd === 'string' ? document.getElementById(gd) : gd;
      if (el && el.closest && el.closest('#map')) {
        window.__draws.push(performance.now());
        if (name === 'react' || name === 'newPlot') { window.__full.push(performance.now()); }
      }
      return original.apply(this, arguments);
    };
  });
  document.addEventListener('keydown', () => {
    window.__key = performance.now();
    window.__frame = null;
    requestAnimationFrame(() => { window.__frame = performance.now(); });
  }, true);
}"""

MAP_YEAR = ("() => { const g = document.querySelector('#map .js-plotly-plot');"
            " return g && g.layout.meta ? g.layout.meta.year : null; }")
PROP_YEAR = ("() => { const f = window.atlasPage.props(window.atlasPage.ids().map).figure;"
             " return f && f.layout && f.layout.meta ? f.layout.meta.year : null; }")


def test_a_year_step_draws_the_map_once_before_the_paint(atlas_page, live_url, data):
    years = data.years("sgb2_quote")
    atlas_page.open(live_url + "/?indicator=sgb2_quote")
    page = atlas_page.page
    page.wait_for_function(f"() => ({MAP_YEAR})() === {years[-1]}")
    atlas_page.settle()
    page.evaluate(SPY_JS)
    page.focus("#year [role=slider]")
    for step in (2, 3):
        page.keyboard.press("ArrowLeft")
        year = years[-step]
        page.wait_for_function(f"() => ({MAP_YEAR})() === {year} && window.__frame !== null")
        before_paint = page.evaluate(
            "() => window.__draws.filter(t => t >= window.__key && t < window.__frame).length")
        assert before_paint == 1, f"{before_paint} drawings of the map before the paint"
        full = page.evaluate(
            "() => window.__full.filter(t => t >= window.__key && t < window.__frame).length")
        assert full == 0, "plotly's full drawing for a year step"
        # Dash's figure prop follows once the slider rests: it is the figure the map shows
        page.wait_for_function(f"() => ({PROP_YEAR})() === {year}", timeout=5000)
        atlas_page.settle()
    assert page.evaluate(MAP_YEAR) == years[-3]
    assert atlas_page.console == []
