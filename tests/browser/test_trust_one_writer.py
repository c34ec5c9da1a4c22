"""Issue #14, one writer of the map: during a session of year steps, an indicator switch,
presentation mode on and off, names toggled, a selection, the Gemeinde level and a zoom, only
the page's renderer (renderMap in assets/views.js) writes the map's figure: every Plotly call
on the map comes from the renderer or from Dash's graph drawing its figure, and that figure is
set by the renderer alone (no callback outputs it: tests/unit/test_map_description.py)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

PRESENTING = "document.documentElement.classList.contains('presenting')"

#: Wraps every Plotly function that draws or changes a graph, and Dash's set_props, and records
#: each call on the map with its call stack.
SPY_JS = """
(() => {
  window.__mapWrites = [];
  const note = (kind) => window.__mapWrites.push({kind, stack: String(new Error().stack)});
  const onMap = (gd) => {
    const el = typeof gd === 'string' ? document.getElementById(gd) : gd;
    return Boolean(el && el.closest && el.closest('#map'));
  };
  const DRAWING = ['react', 'newPlot', 'plot', 'redraw', 'restyle', 'relayout', 'update',
                   'extendTraces', 'prependTraces', 'addTraces', 'deleteTraces', 'moveTraces',
                   'animate', 'addFrames'];
  const wrapPlotly = (P) => {
    DRAWING.forEach((name) => {
      const original = P[name];
      if (typeof original !== 'function' || original.__spied) { return; }
      const spy = function (gd) {
        if (onMap(gd)) { note('Plotly.' + name); }
        return original.apply(this, arguments);
      };
      spy.__spied = true;
      P[name] = spy;
    });
  };
  let plotly;
  Object.defineProperty(window, 'Plotly', {
    configurable: true,
    get() { return plotly; },
    set(value) { plotly = value; if (value) { wrapPlotly(value); } },
  });
  const wrapSetProps = () => {
    const dc = window.dash_clientside;
    if (!dc || typeof dc.set_props !== 'function' || dc.set_props.__spied) { return; }
    const original = dc.set_props;
    const spy = function (id, props) {
      if (id === 'map' && props && 'figure' in props) { note('set_props'); }
      return original.apply(this, arguments);
    };
    spy.__spied = true;
    dc.set_props = spy;
  };
  setInterval(wrapSetProps, 5);
  document.addEventListener('DOMContentLoaded', wrapSetProps);
})();
"""

#: the renderer, or Dash's graph drawing its figure prop (dash/dcc/async-graph.js)
RENDERER = "renderMap"
GRAPH = "async-graph"


def _map_year(page):
    return page.evaluate("() => { const g = document.querySelector('#map .js-plotly-plot');"
                         " return g && g.layout.meta ? g.layout.meta.year : null; }")


def _wait_year(page, year: int) -> None:
    page.wait_for_function("y => { const g = document.querySelector('#map .js-plotly-plot');"
                           " return g && g.layout.meta && g.layout.meta.year === y; }",
                           arg=year, timeout=15000)


def test_only_the_renderer_writes_the_map(atlas_page, live_url, data):
    page = atlas_page.page
    page.add_init_script(SPY_JS)
    years = data.years("sgb2_quote")
    atlas_page.open(live_url + "/?indicator=sgb2_quote")
    _wait_year(page, years[-1])

    # year steps by keyboard on the slider
    page.focus("#year [role=slider]")
    for step in (2, 3):
        page.keyboard.press("ArrowLeft")
        _wait_year(page, years[-step])
    atlas_page.settle()

    # another indicator
    other = "kinderarmut"
    page.click("#indicator")
    page.keyboard.type(data.indicator(other).short_title.split()[0])  # a long list: search
    page.locator(".dash-dropdown-options [role=option]",
                 has_text=data.indicator(other).short_title).first.click()
    page.wait_for_function("t => document.querySelector('#map .js-plotly-plot')._fullData[0]"
                           ".hovertemplate.includes(t)",
                           arg=data.indicator(other).short_title, timeout=15000)
    atlas_page.settle()

    # a selection, then presentation mode with names, names off, and back
    kreis = sorted(data.regions["ags"])[0]
    page.goto(live_url + f"/?indicator={other}&kreise={kreis}")
    page.wait_for_function("document.querySelectorAll('#map .choroplethlocation').length === 22",
                           timeout=20000)
    atlas_page.settle()
    page.get_by_role("button", name="Präsentation", exact=True).click()
    page.wait_for_function(PRESENTING)
    outline = ("() => { const d = document.querySelector('#map .js-plotly-plot')._fullData;"
               " const t = d.filter(t => t.meta && t.meta.role === '{role}')[0];"
               " return Boolean(t && t.visible === true); }")
    page.wait_for_function(outline.replace("{role}", "selection"), timeout=15000)
    page.wait_for_function(outline.replace("{role}", "labels"), timeout=15000)
    page.keyboard.press("n")  # names off
    page.wait_for_function("!(" + outline.replace("{role}", "labels") + ")()", timeout=15000)
    page.keyboard.press("ArrowLeft")  # a year step in presentation mode
    _wait_year(page, data.years(other)[-2])
    page.keyboard.press("Escape")
    page.wait_for_function(f"!{PRESENTING}")
    page.wait_for_function("!(" + outline.replace("{role}", "selection") + ")()",
                           timeout=15000)
    atlas_page.settle()

    # the Gemeinde level, zoomed to a Kreis
    zoom = "16066"
    indicator = data.available_indicators(level="gemeinde")[0].id
    page.goto(f"{live_url}/?indicator={indicator}&zoom={zoom}")
    page.wait_for_function(
        "n => document.querySelectorAll('#map .choroplethlocation').length === n",
        arg=len(data.level_of("gemeinde").in_kreis(zoom)), timeout=30000)
    atlas_page.settle()

    writes = page.evaluate("() => window.__mapWrites")
    assert any(w["kind"] == "set_props" for w in writes)
    assert any(w["kind"].startswith("Plotly.") for w in writes)
    foreign = [w for w in writes
               if RENDERER not in w["stack"]
               and not (w["kind"].startswith("Plotly.") and GRAPH in w["stack"])]
    assert not foreign, foreign[:3]
    # Dash's figure is set by the renderer only
    setters = [w for w in writes if w["kind"] == "set_props"]
    assert all(RENDERER in w["stack"] for w in setters)
    # and the graph only draws (react/newPlot), it never patches the map by itself
    assert {w["kind"] for w in writes} <= {"set_props", "Plotly.react", "Plotly.newPlot"}
    assert atlas_page.console == []
