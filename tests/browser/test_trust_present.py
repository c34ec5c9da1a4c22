"""Issue #13 (trust), the page and presentation mode as a planner sees them: a view of the
Sitzungsfolge shows exactly what was saved, playback shows one year everywhere, nothing covers
the map's areas or its reference, the toolbar has no cloud upload and stays out of the Tab order,
presentation names are large and apart, dropdowns and word breaks work."""

from __future__ import annotations

import pytest

from atlas import playlist
from atlas.urlstate import parse_state, query_params
from layouts import ids
from layouts import presentation as present

pytestmark = pytest.mark.browser

PRESENTING = "document.documentElement.classList.contains('presenting')"


def _prop(page, component: str, name: str):
    return page.evaluate("([c, p]) => window.dash_component_api.getLayout(c).props[p]",
                         [component, name])


def _settled(atlas_page) -> None:
    """No request in flight and the address bar written for what the page shows."""
    atlas_page.settle()


# --- 2. a view of the Sitzungsfolge shows exactly what was saved --------------------------------


SHOWN_JS = """
() => {
  const g = document.querySelector('#map .js-plotly-plot');
  const data = g._fullData;
  const outline = data.filter(t => t.name === 'Präsentation: Auswahl')[0];
  const widths = data[0].marker.line.width;
  return {
    thick: Array.isArray(widths) ? widths.filter(w => w > 1).length : 0,
    outline: outline ? (outline.visible === true ? outline.lon.filter(v => v !== null).length
                                                 : 0) : 0,
    query: new URLSearchParams(document.querySelector('.share-link').value.split('?')[1] || ''),
  };
}
"""


def _query_without_mode(page) -> str:
    link = page.input_value(".share-link")
    params = dict(query_params(link.split("?", 1)[1]))
    params.pop("modus", None)
    return "&".join(f"{k}={v}" for k, v in params.items())


def test_tp002_each_view_of_the_sitzungsfolge_shows_exactly_what_was_saved(atlas_page, live_url,
                                                                           data):
    regions = data.regions.sort_values("ags")
    two = list(regions["ags"][:2])  # any two Kreise
    sgb2, kinder = data.years("sgb2_quote")[-1], data.years("kinderarmut")[-2]
    raw = [{"name": "mit Auswahl", "query": f"indicator=sgb2_quote&year={sgb2}"
                                            f"&kreise={','.join(two)}&klassen=3"},
           {"name": "ohne Auswahl", "query": f"indicator=sgb2_quote&year={sgb2}"},
           {"name": "anderer Indikator", "query": f"indicator=kinderarmut&year={kinder}"
                                                  "&palette=PuBu"}]
    views, problems = playlist.check_views(raw, data)
    assert not problems and len(views) == 3
    page = atlas_page.page
    atlas_page.open(live_url + "/")
    page.evaluate("v => localStorage.setItem('playlist', JSON.stringify(v))",
                  [v.as_dict() for v in views])
    atlas_page.open(live_url + "/")
    page.get_by_role("button", name="Präsentation starten").click()
    page.wait_for_function(PRESENTING)
    for number, view in enumerate(views, start=1):
        if number > 1:
            page.keyboard.press("PageDown")
        page.wait_for_function("p => document.querySelector('#present-view-pos').innerText"
                               " === p", arg=f"Ansicht {number} / 3", timeout=15000)
        state, _ = parse_state(view.query, data)
        expected = len(state.selected)
        # the map outlines exactly the saved selection: the thick lines of the map and the
        # presentation's outline (none when nothing was saved)
        page.wait_for_function(
            "n => { const d = document.querySelector('#map .js-plotly-plot')._fullData;"
            " const o = d.filter(t => t.name === 'Präsentation: Auswahl')[0];"
            " return o && (o.visible === true) === (n > 0); }", arg=expected, timeout=15000)
        _settled(atlas_page)
        shown = page.evaluate(SHOWN_JS)
        assert shown["thick"] == expected, (number, shown)
        assert (shown["outline"] > 0) == (expected > 0), (number, shown)
        assert _prop(page, ids.DISTRICTS, "value") == list(state.selected)
        assert _query_without_mode(page) == view.query, number  # link = what was saved


# --- 3. playback: one year everywhere, Esc stops it ---------------------------------------------


SAMPLER_JS = """
() => {
  window.__years = [];
  // the values of the areas as drawn (bound to the paths when painted) equal the values of the
  // slider's year in the frames the page got from the server: true, false, or null (no frame)
  const sorted = v => (v || []).filter(x => typeof x === 'number').sort((a, b) => a - b).join();
  const paintedYear = (graph, shown) => {
    const ids = window.atlasPage.ids();
    const description = window.atlasPage.props(ids.description).data;
    const store = description && description.frames;
    const indicator = window.atlasPage.props(ids.indicator).value;
    const frames = store && store.sets && store.sets[indicator];
    const ops = frames && frames.frames[shown] ? frames.base.concat(frames.frames[shown]) : [];
    const z = ops.filter(o => o[0][0] === 'areas' && o[0].length === 2 && o[0][1] === 'z');
    if (!graph || !z.length) { return null; }
    const drawn = Array.from(graph.querySelectorAll('.choroplethlocation'))
      .map(p => p.__data__ && p.__data__.z);
    return sorted(drawn) === sorted(z[z.length - 1][1]);
  };
  const year = s => { const m = (s || '').match(/\\b(19|20)\\d\\d\\b/g); return m ? m[m.length - 1] : null; };
  const sample = () => {
    const graph = document.querySelector('#map .js-plotly-plot');
    const thumb = document.querySelector('#year [role=slider]');
    const box = document.querySelector('#year input');
    const note = graph && graph.querySelector('.annotation-text');
    window.__years.push({
      title: year(document.querySelector('#present-title').innerText),
      heading: year(document.querySelector('#heading').textContent),
      slider: thumb ? thumb.getAttribute('aria-valuenow') : null,
      box: box ? box.value : null,
      map: graph && graph._fullLayout.meta ? String(graph._fullLayout.meta.year) : null,
      reference: year(note ? note.textContent : ''),
      playing: document.querySelector('#present-play').getAttribute('aria-pressed'),
      painted: paintedYear(graph, thumb ? thumb.getAttribute('aria-valuenow') : null),
    });
    window.__sampling = requestAnimationFrame(sample);
  };
  window.__sampling = requestAnimationFrame(sample);
}
"""


def test_tp003_playback_shows_one_year_everywhere_and_esc_stops_it(atlas_page, live_url, data):
    indicator = "kinderarmut"
    years = data.years(indicator)
    assert len(years) >= 4
    page = atlas_page.page
    atlas_page.open(live_url + f"/?indicator={indicator}&year={years[-1]}&modus=praesentation")
    page.wait_for_function(PRESENTING)
    _settled(atlas_page)
    page.evaluate(SAMPLER_JS)
    page.keyboard.press("Space")  # at the last year: plays from the first
    page.wait_for_function("y => window.__years.some(s => s.slider === y)",
                           arg=str(years[2]), timeout=30000)
    page.keyboard.press("Escape")  # leaves the presentation: the animation ends too
    page.wait_for_function(f"!{PRESENTING}")
    page.wait_for_function("document.querySelector('#present-play')"
                           ".getAttribute('aria-pressed') === 'false'")
    stopped = page.evaluate("document.querySelector('#year [role=slider]')"
                            ".getAttribute('aria-valuenow')")
    # two more steps of the animation's clock: no year changes any more
    page.evaluate("() => { window.__until = performance.now() + 2.5 * "
                  f"{present.PLAY_MS}; }}")
    page.wait_for_function("performance.now() > window.__until", polling=100, timeout=10000)
    samples = page.evaluate("() => { cancelAnimationFrame(window.__sampling);"
                            " return window.__years; }")
    assert samples[-1]["slider"] == stopped and int(stopped) < years[-1]
    parts = ("title", "heading", "slider", "box", "map", "reference")
    seen = {s["slider"] for s in samples}
    assert {str(y) for y in years[:3]} <= seen  # the animation ran through the years
    # every frame painted while the years play, and the one the animation stopped on: title,
    # heading, slider, year box, map and its reference show one year, and the areas are
    # painted in that year's values
    playing = [s for s in samples if s["playing"] == "true"]
    # frames sampled in every year it played (a loaded machine paints fewer frames per second)
    assert {str(y) for y in years[:3]} <= {s["slider"] for s in playing}
    wrong = [s for s in playing + samples[-1:] if len({s[p] for p in parts}) != 1
             or s["painted"] is not True]
    assert not wrong, (len(wrong), len(playing), wrong[:3])


# --- 6. nothing covers the map's areas or its reference -----------------------------------------


COVER_JS = """
graph => {
  const g = document.querySelector('#' + graph);
  const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const hit = (a, b) => a[0] < b[2] - 0.5 && b[0] < a[2] - 0.5 && a[1] < b[3] - 0.5 && b[1] < a[3] - 0.5;
  const parts = [['Legende', g.querySelector('.legend')], ['Werkzeugleiste', g.querySelector('.modebar')]]
    .filter(p => p[1] && p[1].getBoundingClientRect().width > 0).map(p => [p[0], box(p[1])]);
  const reference = g.querySelector('.annotation');
  const areas = Array.from(g.querySelectorAll('.choroplethlocation')).map(p => [p.__data__.loc, box(p)]);
  const covered = [];
  for (const [name, b] of parts) {
    for (const [loc, a] of areas) { if (hit(b, a)) { covered.push(`${name} über ${loc}`); } }
    if (reference && hit(b, box(reference))) { covered.push(`${name} über dem Bezugswert`); }
  }
  return {covered, parts: parts.map(p => p[0]), areas: areas.length, reference: Boolean(reference)};
}
"""


@pytest.mark.parametrize("width,height", [(1440, 900), (1280, 800), (1920, 1080)])
def test_tp006_legend_and_toolbar_cover_no_area_and_not_the_reference(atlas_page, live_url, data,
                                                                      width, height):
    page = atlas_page.page
    page.set_viewport_size({"width": width, "height": height})
    gemeinde = data.available_indicators(level="gemeinde")
    queries = ["indicator=sgb2_quote"] + ([f"indicator={gemeinde[0].id}"] if gemeinde else [])
    for query in queries:
        page.goto(live_url + "/?" + query)
        page.wait_for_function(
            "() => { const n = document.querySelectorAll('#map .choroplethlocation').length;"
            " return n >= 22 && document.querySelector('#map .legend') &&"
            " document.querySelector('#map .annotation'); }", timeout=30000)
        page.wait_for_load_state("networkidle")
        page.hover("#map .main-svg")  # the toolbar shows while the mouse is on the map
        page.wait_for_function("() => getComputedStyle(document.querySelector('#map .modebar'))"
                               ".opacity === '1'")
        result = page.evaluate(COVER_JS, "map")
        assert result["parts"] == ["Legende", "Werkzeugleiste"] and result["reference"]
        assert not result["covered"], (query, width, result["covered"][:8])
        # every class of the legend is shown whole, inside the graph (none cut off at its edge)
        legend = page.evaluate(
            "() => { const g = document.querySelector('#map .main-svg').getBoundingClientRect();"
            " return Array.from(document.querySelectorAll('#map .legend .traces')).map(t => {"
            " const r = t.getBoundingClientRect();"
            " return {text: t.textContent, inside: r.width > 0 && r.left >= g.left - 0.5 &&"
            " r.right <= g.right + 0.5 && r.top >= g.top - 0.5 && r.bottom <= g.bottom + 0.5};"
            " }); }")
        shown = page.evaluate("() => document.querySelector('#map .js-plotly-plot')._fullData"
                              ".filter(t => t.showlegend && t.visible !== false).length")
        assert len(legend) == shown and all(e["inside"] for e in legend), (query, width, legend)


# --- 21. no "Share chart", the toolbar out of the Tab order --------------------------------------


def test_tp021_no_cloud_upload_and_toolbar_out_of_tab_order(atlas_page, live_url):
    page = atlas_page.page
    atlas_page.open(live_url + "/")
    for tab in ("Ranking", "Streudiagramm", "Veränderung", "Räumliche Muster",
                "Karte und Zeitreihe"):
        page.get_by_role("tab", name=tab).click()
        atlas_page.settle()
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot .modebar-btn')"
                           ".length > 0")
    buttons = page.evaluate(
        "() => Array.from(document.querySelectorAll('.js-plotly-plot .modebar-btn')).map(b =>"
        " ({graph: b.closest('.dash-graph').id, title: b.getAttribute('data-title') || '',"
        " tab: b.tabIndex}))")
    graphs = page.evaluate("() => Array.from(document.querySelectorAll('.dash-graph'))"
                           ".map(g => g.id)")
    assert {b["graph"] for b in buttons} == set(graphs)  # every graph checked
    cloud = [b for b in buttons if "share" in b["title"].lower() or
             "cloud" in b["title"].lower() or "studio" in b["title"].lower()]
    assert not cloud, cloud
    assert all(b["tab"] == -1 for b in buttons), [b for b in buttons if b["tab"] != -1]
    # Tab through the page: the focus never lands in a toolbar
    page.focus("body")
    for _ in range(80):
        page.keyboard.press("Tab")
        assert not page.evaluate("() => Boolean(document.activeElement &&"
                                 " document.activeElement.closest('.modebar'))")


# --- 7. presentation names: at least 20 px, none on another, one source line --------------------


NAMES_JS = """
() => {
  const texts = Array.from(document.querySelectorAll('#map .scatterlayer .trace text'))
    .filter(t => t.textContent && t.getBoundingClientRect().width > 0);
  const boxes = texts.map(t => { const r = t.getBoundingClientRect();
    return {text: t.textContent, size: parseFloat(getComputedStyle(t).fontSize),
            box: [r.left, r.top, r.right, r.bottom]}; });
  const overlaps = [];
  for (let i = 0; i < boxes.length; i++) { for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i].box, b = boxes[j].box;
    if (a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]) {
      overlaps.push(`${boxes[i].text} / ${boxes[j].text}`); } } }
  // the page's source lines: under the map, the footer, the presentation's own
  const sources = Array.from(document.querySelectorAll('#map-source, #attribution, .present-source'))
    .filter(e => e.getBoundingClientRect().height > 0 && /Quelle/.test(e.textContent));
  return {names: boxes.map(b => [b.text, b.size]), overlaps, sources: sources.length};
}
"""


@pytest.mark.parametrize("width,height", [(1024, 768), (1920, 1080)])
def test_tp007_presentation_names_are_large_apart_and_the_source_shows_once(
        atlas_page, live_url, data, width, height):
    page = atlas_page.page
    page.set_viewport_size({"width": width, "height": height})
    regions = data.regions
    kreise = ",".join(regions["ags"][regions["kind"] == "kreisfreie Stadt"][:2])
    atlas_page.open(live_url + f"/?indicator=sgb2_quote&kreise={kreise}&modus=praesentation")
    page.wait_for_function(PRESENTING)
    page.wait_for_function(
        "n => Array.from(document.querySelectorAll('#map .scatterlayer .trace text'))"
        ".filter(t => t.textContent).length === n", arg=len(regions), timeout=15000)
    # the names' places follow the map's size once it is drawn: wait until they rest
    page.wait_for_load_state("networkidle")
    page.wait_for_function(
        "() => { const now = JSON.stringify(Array.from(document.querySelectorAll("
        "'#map .scatterlayer .trace text')).map(t => t.getAttribute('transform')));"
        " const same = window.__names === now; window.__names = now; return same; }",
        polling=300, timeout=15000)
    shown = page.evaluate(NAMES_JS)
    names = {text for text, _ in shown["names"]}
    assert len(shown["names"]) == len(regions)
    def plain(name: str) -> str:  # lines of a name are joined without their break
        return name.replace("-", "").replace(" ", "")

    assert {plain(n) for n in regions["name"]} == {plain(n) for n in names}
    assert min(size for _, size in shown["names"]) >= 20, shown["names"]
    assert not shown["overlaps"], shown["overlaps"]
    assert shown["sources"] == 1


# --- 8. the indicator dropdown: search field on screen, typing filters at once -------------------


@pytest.mark.parametrize("width,height", [(1440, 900), (1280, 800)])
def test_tp008_indicator_dropdown_search_is_on_screen_and_typing_filters(atlas_page, live_url,
                                                                         data, width, height):
    page = atlas_page.page
    page.set_viewport_size({"width": width, "height": height})
    atlas_page.open(live_url + "/?indicator=sgb2_quote")
    page.click(f"#{ids.INDICATOR}")
    search = page.locator(".dash-dropdown-content input.dash-dropdown-search")
    search.wait_for()
    page.wait_for_function("() => document.activeElement &&"
                           " document.activeElement.matches('input.dash-dropdown-search')")
    box = search.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= height, box
    content = page.locator(".dash-dropdown-content").bounding_box()
    assert content["y"] >= 0 and content["y"] + content["height"] <= height + 1, content
    word = "Kinder"
    page.keyboard.type(word)  # right after opening, without clicking into the field
    expected = [i for i in data.available_indicators()
                if word.lower() in f"{i.title} {i.short_title}".lower()]
    assert expected
    # the options filter to the indicators whose title names the word (area headers aside)
    page.wait_for_function(
        "n => Array.from(document.querySelectorAll('.dash-dropdown-content [role=option]'))"
        ".filter(e => !/^—/.test(e.textContent.trim())).length === n", arg=len(expected))
    assert len(expected) < len(data.available_indicators())
    page.keyboard.press("Escape")


# --- 9. no word broken mid-word, placeholders in full --------------------------------------------


BROKEN_WORDS_JS = """
root => {
  const out = [];
  const walker = document.createTreeWalker(document.querySelector(root), NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const re = /[A-Za-zÄÖÜäöüß]{4,}/g;
    let m;
    while ((m = re.exec(node.textContent))) {
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const lines = new Set(Array.from(range.getClientRects()).filter(r => r.width > 0)
                            .map(r => Math.round(r.top)));
      if (lines.size > 1) { out.push(m[0]); }
    }
  }
  return out;
}
"""

PLACEHOLDERS_JS = """
() => {
  const canvas = document.createElement('canvas').getContext('2d');
  return Array.from(document.querySelectorAll('input[placeholder]'))
    .filter(i => i.getBoundingClientRect().width > 0)
    .map(i => { const s = getComputedStyle(i);
      canvas.font = `${s.fontStyle} ${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
      const need = canvas.measureText(i.placeholder).width + parseFloat(s.paddingLeft) +
                   parseFloat(s.paddingRight) + parseFloat(s.borderLeftWidth) +
                   parseFloat(s.borderRightWidth);
      return {id: i.id, placeholder: i.placeholder, need: Math.ceil(need),
              width: i.getBoundingClientRect().width, fits: i.scrollWidth <= i.clientWidth}; });
}
"""


@pytest.mark.parametrize("width,height", [(1440, 900), (1280, 800), (1920, 1080)])
def test_tp009_no_word_broken_mid_word_and_placeholders_shown_in_full(atlas_page, live_url, data,
                                                                      width, height):
    page = atlas_page.page
    page.set_viewport_size({"width": width, "height": height})
    checked = 0
    for indicator in ("sgb2_quote", "kinderarmut", data.available_indicators()[0].id):
        atlas_page.open(live_url + f"/?indicator={indicator}")
        page.wait_for_function("t => document.querySelector('#info-panel h3') &&"
                               " document.querySelector('#info-panel h3').innerText === t",
                               arg=data.indicator(indicator).title)
        broken = page.evaluate(BROKEN_WORDS_JS, "#info-panel")
        assert not broken, (indicator, broken)
        checked += 1
    fields = page.evaluate(PLACEHOLDERS_JS)
    page.get_by_role("tab", name="Eigene Daten").click()
    atlas_page.settle()
    fields += page.evaluate(PLACEHOLDERS_JS)
    assert {"export-note", "playlist-name"} <= {f["id"] for f in fields}
    short = [f for f in fields if f["width"] + 0.5 < f["need"]]
    assert not short, short
    assert checked == 3
