"""Working-group sessions: presentation mode on a projector, the keyboard, shareable links, back
and forward, the Sitzungsfolge (file export and import, stepping with a presenter remote) and
its handout – checked for what the planner and the people in the room notice."""

from __future__ import annotations

import io
import json
import math
from pathlib import Path

import pytest

from atlas import playlist
from layouts import presentation as present

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
SIZES = [(1920, 1080), (1024, 768)]
PRESENTING = "document.documentElement.classList.contains('presenting')"
LABELS_DRAWN = ("() => Array.from(document.querySelectorAll('#map .scatterlayer text'))"
                ".some(t => t.textContent.includes('Nordhausen'))")


# --- helpers ------------------------------------------------------------------------------------

QUIET_JS = """
() => {
  window.__yearMovedAt = performance.now();
  if (!window.__yearWatch) {
    window.__yearWatch = new MutationObserver(() => { window.__yearMovedAt = performance.now(); });
    window.__yearWatch.observe(document.querySelector('#year'),
                               {attributes: true, subtree: true, attributeFilter: ['aria-valuenow']});
  }
}
"""


class Atlas:
    """A page of the atlas with what the browser reported (console errors and warnings, failed
    requests: conftest's Page records them; the fixture asserts them clean at the end)."""

    def __init__(self, page, recorder):
        self.page = page
        self.recorder = recorder

    @property
    def problems(self) -> list[str]:
        return self.recorder.console + self.recorder.failed

    def open(self, url: str) -> None:
        self.page.goto(url)
        self.page.wait_for_function(
            "document.querySelectorAll('#map .choroplethlocation').length === 22"
            " && document.querySelector('#heading').innerText.length > 0", timeout=20000)
        self.settle()

    def settle(self) -> None:
        """Callbacks done and the address bar written for the view shown (conftest's
        Page.settle)."""
        self.recorder.settle()

    def quiet_for(self, ms: int) -> None:
        """Wait until the year slider has not moved for ``ms`` (page time): to see that an
        animation has really stopped."""
        self.page.evaluate(QUIET_JS)
        self.page.wait_for_function("ms => performance.now() - window.__yearMovedAt > ms",
                                    arg=ms, polling=100, timeout=ms + 10000)

    def map_trace(self) -> dict:
        return self.page.evaluate(
            "() => { const t = document.querySelector('#map .js-plotly-plot')._fullData[0];"
            " return {z: Array.from(t.z), locations: Array.from(t.locations)}; }")

    def traces(self) -> list[dict]:
        return self.page.evaluate(
            "() => document.querySelector('#map .js-plotly-plot')._fullData.map(t => "
            "({name: t.name, visible: t.visible, n: t.lon ? t.lon.length : null}))")

    def prop(self, component: str, name: str):
        return self.page.evaluate(
            "([c, p]) => window.dash_component_api.getLayout(c).props[p]", [component, name])

    def legend(self) -> list[str]:
        return self.page.locator("#map .legend text.legendtext").all_text_contents()

    def title(self) -> str:
        return self.page.inner_text("#present-title")

    def wait_title(self, text: str, timeout: int = 15000) -> None:
        self.page.wait_for_function(
            "t => document.querySelector('#present-title').innerText === t", arg=text,
            timeout=timeout)

    def wait_map_change(self, before: dict, timeout: int = 15000) -> None:
        self.page.wait_for_function(
            "b => JSON.stringify(Array.from(document.querySelector('#map .js-plotly-plot')"
            "._fullData[0].z)) !== b", arg=json.dumps(before["z"]), timeout=timeout)

    def view(self) -> dict:
        """Everything a shared link must restore, as the browser shows it."""
        trace = self.map_trace()
        return {
            "z": trace["z"], "locations": trace["locations"],
            "heading": self.page.inner_text("#heading"),
            "legend": self.legend(),
            "selected": self.prop("districts", "value"),
            "display": [self.prop(i, "value") for i in
                        ("class-scheme", "class-k", "class-palette", "class-manual-breaks")],
            "tab": self.prop("tabs", "data"),
            "presenting": self.page.evaluate(PRESENTING),
        }


@pytest.fixture
def new_page(browser, watch_console):
    """Pages in fresh browser contexts (a new browser profile each: no storage, no history);
    each ends with a clean console (conftest's watch_console)."""
    contexts = []

    def make(width: int = 1600, height: int = 1000, csp: bool = False, **options) -> Atlas:
        context = browser.new_context(viewport={"width": width, "height": height},
                                      locale="de-DE", bypass_csp=not csp, **options)
        contexts.append(context)
        page = context.new_page()
        return Atlas(page, watch_console(page))

    yield make
    for context in contexts:
        context.close()


def _year_of(title: str) -> int:
    return int(title.rsplit(" ", 1)[1])


def _years(data, indicator: str = "kinderarmut") -> tuple[int, int, int]:
    """The third-newest, second-newest and newest year of an indicator in the built data."""
    older, year, newest = data.years(indicator)[-3:]
    return older, year, newest


def _title(data, indicator: str, year: int) -> str:
    """The presentation title of a map: the indicator's short title and the year."""
    return f"{data.indicator(indicator).short_title} {year}"


# --- presentation mode: large, high contrast, readable from the back row -----------------------

#: The walk over the page: every visible text with its size, colour and effective background.
TEXTS_JS = """
() => {
  const parse = c => { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
    const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const over = (top, bottom) => { const a = top[3];
    return [0, 1, 2].map(i => top[i] * a + bottom[i] * (1 - a)).concat([1]); };
  const background = el => {
    const layers = [];
    for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c[3] > 0) layers.push(c);
      if (c && c[3] >= 1) break;
    }
    return layers.reverse().reduce((acc, c) => over(c, acc), [255, 255, 255, 1]);
  };
  const visible = el => {
    const s = getComputedStyle(el);
    if (s.visibility === 'hidden' || s.display === 'none') return false;
    for (let e = el; e; e = e.parentElement) if (getComputedStyle(e).opacity === '0') return false;
    const r = el.getBoundingClientRect();
    if (r.width < 2 || r.height < 2) return false;
    if (r.bottom <= 0 || r.right <= 0 || r.top >= innerHeight || r.left >= innerWidth) return false;
    return true;
  };
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('svg') || ['SCRIPT', 'STYLE', 'NOSCRIPT', 'TITLE'].includes(el.tagName)) continue;
    const own = Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own || !visible(el)) continue;
    const r = el.getBoundingClientRect();
    const x = Math.min(Math.max(r.left + r.width / 2, 0), innerWidth - 1);
    const y = Math.min(Math.max(r.top + Math.min(r.height / 2, 10), 0), innerHeight - 1);
    const top = document.elementFromPoint(x, y);
    if (top && top !== el && !el.contains(top) && !top.contains(el)) continue;  // covered
    const s = getComputedStyle(el);
    out.push({kind: 'html', text: el.textContent.trim().slice(0, 300), size: parseFloat(s.fontSize),
              fg: parse(s.color), bg: background(el), id: el.id, cls: String(el.className)});
  }
  // SVG text of the map: legend and reference value against their boxes, names against halo
  for (const t of document.querySelectorAll('#map svg text')) {
    if (!t.textContent.trim() || !visible(t)) continue;
    const s = getComputedStyle(t);
    let bg = background(t.closest('.js-plotly-plot'));
    const box = t.closest('.legend') ? t.closest('.legend').querySelector('rect.bg')
      : (t.closest('.annotation') ? t.closest('.annotation').querySelector('rect.bg') : null);
    let where = 'svg';
    if (box) {
      const fill = parse(getComputedStyle(box).fill);
      const opacity = parseFloat(getComputedStyle(box).fillOpacity || '1');
      if (fill) bg = over([fill[0], fill[1], fill[2], fill[3] * opacity], bg);
      where = t.closest('.legend') ? 'legend' : 'annotation';
    } else if ((s.paintOrder || '').startsWith('stroke') && parseFloat(s.strokeWidth) >= 3) {
      bg = parse(s.stroke);  // district names: drawn on their white halo
      where = 'label';
    }
    out.push({kind: where, text: t.textContent.trim().slice(0, 60),
              size: parseFloat(s.fontSize), fg: parse(s.fill), bg: bg});
  }
  return out;
}
"""


def _luminance(rgb) -> float:
    def channel(c):
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(fg, bg) -> float:
    """WCAG contrast ratio; a translucent text colour is blended into its background first."""
    alpha = fg[3] if len(fg) > 3 else 1
    fg = [fg[i] * alpha + bg[i] * (1 - alpha) for i in range(3)]
    light, dark = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.browser
@pytest.mark.parametrize(("width", "height"), SIZES, ids=["1920x1080", "1024x768"])
def test_prs001_presentation_is_large_and_high_contrast(new_page, live_url, data, width,
                                                       height):
    _, year, _ = _years(data)
    atlas = new_page(width, height)
    atlas.open(live_url + f"/?indicator=kinderarmut&year={year}&kreise=16053,16052"
               "&modus=praesentation")
    page = atlas.page
    page.wait_for_function(LABELS_DRAWN, timeout=15000)
    atlas.settle()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"presentation_{width}x{height}.png"))

    texts = page.evaluate(TEXTS_JS)
    html = [t for t in texts if t["kind"] == "html"]
    legend = [t for t in texts if t["kind"] == "legend"]
    labels = [t for t in texts if t["kind"] == "label"]
    assert len(html) >= 8 and len(legend) >= 6 and len(labels) == 22
    shown = " | ".join(t["text"] for t in html)
    assert _title(data, "kinderarmut", year) in shown and "Beenden" in shown
    assert "GeoBasis-DE" in shown  # the licence's attribution stays on screen
    # nothing else of the page shows through
    assert "Lebensphase" not in shown and "Tabelle der Kartenwerte" not in shown

    # type sizes: every text of the page at least 20 px, the title at least 32 px
    small = [(t["text"], t["size"]) for t in html + legend if t["size"] < 20]
    assert not small, small
    title = next(t for t in html if t["id"] == "present-title")
    assert title["size"] >= 32
    assert min(t["size"] for t in legend) >= 20
    reference = [t for t in texts if t["kind"] == "annotation"]
    assert reference and reference[0]["size"] >= 20 and "Median" in reference[0]["text"]
    assert min(t["size"] for t in labels) >= 16  # district names: bold, with a halo

    # contrast: at least 4.5:1 everywhere (WCAG AA); the design aims at 7:1 (AAA)
    ratios = [(round(contrast(t["fg"], t["bg"]), 1), t["kind"], t["text"]) for t in texts]
    assert min(r[0] for r in ratios) >= 4.5, sorted(ratios)[:5]
    assert min(r[0] for r in ratios) >= 7, sorted(ratios)[:5]

    # the hover label is as large as the legend
    locations = atlas.map_trace()["locations"]
    box = page.locator("#map .choroplethlocation").nth(locations.index("16055")).bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_selector("#map .hoverlayer .hovertext", timeout=5000)
    hover = page.evaluate("() => Array.from(document.querySelectorAll('#map .hoverlayer text'))"
                          ".map(t => parseFloat(getComputedStyle(t).fontSize))")
    assert hover and min(hover) >= 20

    # the map fills the screen between bar and source line
    stage = page.evaluate("() => { const r = document.querySelector('#map .main-svg')"
                          ".getBoundingClientRect(); return [r.width, r.height]; }")
    assert stage[0] >= width * 0.9 and stage[1] >= height * 0.6
    # selected districts: thick black line on a white halo, drawn on top of the map
    outline = {t["name"]: t for t in atlas.traces() if t["name"] in present.OVERLAY_NAMES}
    assert all(t["visible"] is True for t in outline.values())
    assert outline[present.OVERLAY_NAMES[1]]["n"] > 20
    assert atlas.problems == []


@pytest.mark.browser
def test_prs002_entering_and_leaving_restores_the_normal_page(new_page, live_url, data):
    _, _, year = _years(data, "sgb2_quote")
    atlas = new_page(1600, 1000)
    atlas.open(live_url + f"/?indicator=sgb2_quote&year={year}&kreise=16052")
    page = atlas.page
    before = atlas.traces()
    legend_size = page.evaluate("() => getComputedStyle(document.querySelector("
                                "'#map .legend text.legendtext')).fontSize")
    box = page.evaluate("() => document.querySelector('#map .choroplethlayer')"
                        ".getBoundingClientRect().height")
    page.get_by_role("button", name="Präsentation", exact=True).click()
    page.wait_for_function(PRESENTING)
    page.wait_for_function(LABELS_DRAWN, timeout=15000)
    page.wait_for_function("location.search.includes('modus=praesentation')")  # the address
    atlas.settle()
    assert "modus=praesentation" in page.url
    assert page.locator("#present-bar").is_visible()
    assert not page.locator("#filters, .atlas-filters").first.is_visible()
    assert atlas.title() == _title(data, "sgb2_quote", year)

    page.keyboard.press("Escape")
    page.wait_for_function(f"!{PRESENTING}")
    page.wait_for_function("!location.search.includes('modus')")  # the address follows
    atlas.settle()
    assert "modus" not in page.url
    assert page.locator(".atlas-filters").is_visible()
    assert not page.locator("#present-bar").is_visible()
    # the map is the normal map again: same legend size, same fit, names and outline hidden
    assert page.evaluate("() => getComputedStyle(document.querySelector("
                         "'#map .legend text.legendtext')).fontSize") == legend_size
    after_box = page.evaluate("() => document.querySelector('#map .choroplethlayer')"
                              ".getBoundingClientRect().height")
    assert after_box == pytest.approx(box, rel=0.02)
    overlays = [t for t in atlas.traces() if t["name"] in present.OVERLAY_NAMES]
    assert len(overlays) == 3 and all(t["visible"] is False for t in overlays)
    assert [t["name"] for t in atlas.traces()][:len(before)] == [t["name"] for t in before]
    assert atlas.problems == []


# --- keyboard -----------------------------------------------------------------------------------


@pytest.mark.browser
def test_prs003_arrows_change_year_and_indicator(new_page, live_url, data):
    older, year, newest = _years(data)
    atlas = new_page(1600, 1000)
    atlas.open(live_url + f"/?indicator=kinderarmut&year={year}&modus=praesentation")
    page = atlas.page
    atlas.wait_title(_title(data, "kinderarmut", year))
    start = atlas.map_trace()

    page.keyboard.press("ArrowRight")
    atlas.wait_title(_title(data, "kinderarmut", newest))
    atlas.wait_map_change(start)
    z_newest = atlas.map_trace()["z"]
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    atlas.wait_title(_title(data, "kinderarmut", older))
    page.wait_for_function("y => document.querySelector('#heading').innerText.endsWith(y)",
                           arg=str(older))

    options = [o["value"] for o in atlas.prop("indicator", "options")
               if not o.get("disabled")]
    after = options[options.index("kinderarmut") + 1]
    before = options[options.index("kinderarmut") - 1]
    page.keyboard.press("ArrowDown")
    page.wait_for_function("v => window.dash_component_api.getLayout('indicator').props.value"
                           " === v", arg=after, timeout=15000)
    page.wait_for_function("t => !document.querySelector('#present-title').innerText"
                           ".startsWith(t)", arg=data.indicator("kinderarmut").short_title,
                           timeout=15000)
    assert data.indicator(after).short_title in atlas.title()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    page.wait_for_function("v => window.dash_component_api.getLayout('indicator').props.value"
                           " === v", arg=before, timeout=15000)
    page.wait_for_function("t => document.querySelector('#present-title').innerText"
                           ".startsWith(t)", arg=data.indicator(before).short_title,
                           timeout=15000)
    assert z_newest != start["z"]
    assert atlas.problems == []


@pytest.mark.browser
def test_prs004_keys_in_normal_mode_but_never_while_typing(new_page, live_url, data):
    older, year, _ = _years(data)
    atlas = new_page(1600, 1000)
    atlas.open(live_url + f"/?indicator=kinderarmut&year={year}")
    page = atlas.page
    page.mouse.click(5, 400)  # nothing in particular has the focus
    page.keyboard.press("ArrowLeft")
    page.wait_for_function("y => document.querySelector('#heading').innerText.endsWith(y)",
                           arg=str(older))
    # typing a name for the Sitzungsfolge: the arrows move the cursor, nothing else
    page.click("#playlist-name")
    page.keyboard.type("Nord")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    atlas.settle()
    assert page.input_value("#playlist-name") == "Nord "
    assert page.inner_text("#heading").endswith(str(older))
    assert data.indicator("kinderarmut").title in page.inner_text("#heading")
    # the year slider keeps its own arrows (one step each, not two)
    page.locator("#year [role=slider]").focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("y => document.querySelector('#heading').innerText.endsWith(y)",
                           arg=str(year))
    atlas.settle()
    assert page.inner_text("#heading").endswith(str(year))
    # PageDown scrolls the page in normal mode
    page.mouse.click(5, 400)
    page.keyboard.press("PageDown")
    page.wait_for_function("window.scrollY > 100")
    assert not page.evaluate(PRESENTING)


@pytest.mark.browser
def test_prs005_space_plays_the_years_and_stops(new_page, live_url, data):
    years = data.years("kinderarmut")
    atlas = new_page(1600, 1000)
    atlas.open(live_url + f"/?indicator=kinderarmut&year={years[-1]}&modus=praesentation")
    page = atlas.page
    history = page.evaluate("history.length")
    page.keyboard.press("Space")  # at the last year: starts from the first
    atlas.wait_title(f"Kinderarmut (SGB II) {years[0]}")
    assert page.get_attribute("#present-play", "aria-pressed") == "true"
    assert page.inner_text("#present-play") == "Anhalten"
    atlas.wait_title(f"Kinderarmut (SGB II) {years[1]}", timeout=8000)  # about one second
    atlas.wait_title(f"Kinderarmut (SGB II) {years[2]}", timeout=8000)
    page.keyboard.press("Space")
    page.wait_for_function("document.querySelector('#present-play').getAttribute("
                           "'aria-pressed') === 'false'")
    stopped = _year_of(atlas.title())
    atlas.quiet_for(int(2.5 * present.PLAY_MS))  # two and a half steps: no year changes
    assert _year_of(atlas.title()) == stopped
    assert page.inner_text("#present-play") == "Abspielen"
    atlas.settle()
    assert page.evaluate("history.length") <= history + 1  # one history entry for the animation

    # from the second-last year it plays to the end and stops there by itself
    for _ in range(years.index(years[-2]) - years.index(stopped)):
        page.keyboard.press("ArrowRight")  # quick presses: each one counts
    atlas.wait_title(f"Kinderarmut (SGB II) {years[-2]}")
    atlas.settle()
    page.keyboard.press("Space")
    atlas.wait_title(f"Kinderarmut (SGB II) {years[-1]}", timeout=5000)
    page.wait_for_function("document.querySelector('#present-play').getAttribute("
                           "'aria-pressed') === 'false'", timeout=5000)
    atlas.quiet_for(int(1.5 * present.PLAY_MS))
    assert _year_of(atlas.title()) == years[-1]
    assert atlas.problems == []


@pytest.mark.browser
def test_prs006_focus_is_visible(new_page, live_url):
    atlas = new_page(1600, 1000)
    atlas.open(live_url + "/?indicator=kinderarmut&modus=praesentation")
    page = atlas.page
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    focus = page.evaluate("() => { const e = document.activeElement; const s = getComputedStyle(e);"
                          " return [e.closest('#present-bar') !== null, s.outlineStyle,"
                          " parseFloat(s.outlineWidth)]; }")
    assert focus[0] and focus[1] != "none" and focus[2] >= 3
    page.keyboard.press("Escape")
    page.wait_for_function(f"!{PRESENTING}")
    page.locator("#share-copy").focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    style = page.evaluate("() => { const s = getComputedStyle(document.activeElement);"
                          " return [document.activeElement.id, s.outlineStyle,"
                          " parseFloat(s.outlineWidth)]; }")
    assert style == ["share-copy", "solid", 3]


# --- shareable links, back and forward ----------------------------------------------------------


@pytest.mark.browser
def test_prs007_copied_link_shows_the_same_view_in_a_fresh_browser(new_page, live_url, data):
    _, year, _ = _years(data)
    atlas = new_page(1600, 1000)
    atlas.page.context.grant_permissions(["clipboard-read", "clipboard-write"],
                                         origin=live_url)
    atlas.open(live_url + "/?indicator=kinderarmut")
    page = atlas.page
    # a view made by hand: life phase, year, two districts clicked, Fisher-Jenks in 4 classes
    page.get_by_role("radio", name="Kindheit").check()
    atlas.settle()
    page.mouse.click(5, 400)
    page.keyboard.press("ArrowLeft")
    page.wait_for_function("y => document.querySelector('#heading').innerText.endsWith(y)",
                           arg=str(year))
    # the heading follows the painted map at once; the address once the slider rests
    page.wait_for_function("y => location.search.includes('year=' + y)", arg=str(year))
    atlas.settle()  # the map has its new colours (a click while plotly redraws is lost)
    for ags in ("16053", "16077"):
        locations = atlas.map_trace()["locations"]
        box = page.locator("#map .choroplethlocation").nth(locations.index(ags)).bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_function("a => window.dash_component_api.getLayout('districts').props"
                               ".value.includes(a)", arg=ags)
        atlas.settle()
    page.click("#class-scheme")
    page.locator(".dash-dropdown-options [role=option]", has_text="Fisher-Jenks").click()
    page.click("#class-k")
    page.locator(".dash-dropdown-options [role=option]", has_text="4").first.click()
    page.keyboard.press("Escape")
    atlas.settle()
    shown = atlas.view()
    shown["display"][3] = shown["display"][3] or ""  # no manual bounds: None or ""
    assert shown["display"][:2] == ["natural_breaks", 4] and shown["selected"] == ["16053",
                                                                                  "16077"]

    page.get_by_role("button", name="Link kopieren").click()
    page.wait_for_function("document.querySelector('#share-status').innerText === 'Link kopiert'")
    link = page.evaluate("navigator.clipboard.readText()")
    assert link == page.input_value("#share-link") == page.url
    for part in ("indicator=kinderarmut", f"year={year}", "lebensphase=kindheit",
                 "kreise=16053,16077", "klassifikation=natural_breaks", "klassen=4"):
        assert part in link

    fresh = new_page(1600, 1000)
    fresh.open(link)
    fresh.page.wait_for_function("y => document.querySelector('#heading').innerText"
                                 ".endsWith(y)", arg=str(year))
    fresh.settle()
    restored = fresh.view()
    restored["display"][3] = restored["display"][3] or ""
    assert restored == shown
    assert fresh.page.url == link  # opening the link adds nothing and changes nothing
    assert fresh.page.evaluate("history.length") == 2  # about:blank and the link

    # a presentation link opens the presentation, with the same map
    fresh2 = new_page(1600, 1000)
    fresh2.open(link + "&modus=praesentation")
    fresh2.page.wait_for_function(PRESENTING)
    fresh2.settle()
    again = fresh2.view()
    assert (again["z"], again["locations"]) == (shown["z"], shown["locations"])
    assert atlas.problems == fresh.problems == fresh2.problems == []


@pytest.mark.browser
def test_prs008_back_and_forward_walk_the_views(new_page, live_url, data):
    _, year, newest = _years(data)
    atlas = new_page(1600, 1000)
    atlas.open(live_url + f"/?indicator=kinderarmut&year={newest}")
    page = atlas.page
    first = atlas.view()
    length = page.evaluate("history.length")
    page.mouse.click(5, 400)
    page.keyboard.press("ArrowLeft")
    page.wait_for_function("y => document.querySelector('#heading').innerText.endsWith(y)",
                           arg=str(year))
    # the heading follows the painted map at once; the address once the slider rests
    page.wait_for_function("y => location.search.includes('year=' + y)", arg=str(year))
    atlas.settle()
    second = atlas.view()
    page.get_by_role("tab", name="Ranking").click()
    page.wait_for_function("location.search.includes('ansicht=ranking')")
    atlas.settle()
    page.get_by_role("button", name="Präsentation", exact=True).click()
    page.wait_for_function(PRESENTING)
    page.wait_for_function("location.search.includes('modus=praesentation')")
    atlas.settle()
    assert page.evaluate("history.length") == length + 3  # one entry per action

    page.go_back()
    page.wait_for_function(f"!{PRESENTING}")
    page.wait_for_function("window.dash_component_api.getLayout('tabs').props.data"
                           " === 'ranking'")
    page.go_back()
    page.wait_for_function("window.dash_component_api.getLayout('tabs').props.data"
                           " === 'map'")
    atlas.settle()
    assert atlas.view() == second
    page.go_back()
    page.wait_for_function("y => document.querySelector('#heading').innerText.endsWith(y)",
                           arg=str(newest))
    atlas.settle()
    assert atlas.view() == first
    page.go_forward()
    page.wait_for_function("y => document.querySelector('#heading').innerText.endsWith(y)",
                           arg=str(year))
    atlas.settle()
    assert atlas.view() == second
    page.go_forward()
    page.go_forward()
    page.wait_for_function(PRESENTING)
    atlas.settle()
    assert page.evaluate("history.length") == length + 3  # walking adds no entries
    assert atlas.problems == []


# --- Sitzungsfolge ------------------------------------------------------------------------------


def _remember(atlas: Atlas, name: str = "") -> dict:
    page = atlas.page
    count = page.locator("#playlist-list li").count()
    if name:
        page.fill("#playlist-name", name)
    page.get_by_role("button", name="Ansicht merken").click()
    page.wait_for_function("n => document.querySelectorAll('#playlist-list li').length === n",
                           arg=count + 1)
    return atlas.map_trace()


@pytest.mark.browser
def test_prs009_sitzungsfolge_travels_as_a_file_and_steps_with_page_keys(new_page, live_url,
                                                                       tmp_path, data):
    _, year, _ = _years(data)
    third, _, _ = _years(data, "sgb2_quote")
    atlas = new_page(1600, 1000)
    atlas.open(live_url + f"/?indicator=kinderarmut&year={year}&kreise=16052")
    page = atlas.page
    shown = [_remember(atlas, "Kinderarmut Gera")]
    page.mouse.click(5, 400)
    page.keyboard.press("ArrowDown")  # next indicator, its newest year
    page.wait_for_function("t => !document.querySelector('#heading').innerText.startsWith(t)",
                           arg=data.indicator("kinderarmut").title)
    atlas.settle()
    shown.append(_remember(atlas))  # default name: indicator and year
    atlas.open(live_url + f"/?indicator=sgb2_quote&year={third}&klassen=3&palette=PuBu")
    page.wait_for_selector("#playlist-list li")  # kept in the browser over the page load
    atlas.settle()
    shown.append(_remember(atlas, "SGB II, drei Klassen"))
    names = page.locator("#playlist-list input").evaluate_all("els => els.map(e => e.value)")
    assert names[0] == "Kinderarmut Gera" and names[2] == "SGB II, drei Klassen"
    second = atlas.prop("indicator", "value")  # not yet: the page shows the third view now
    assert names[1].split(" ")[0] in {i.short_title.split(" ")[0]
                                      for i in data.catalogue.indicators}
    assert names[1].endswith("– Gera")  # default name: indicator, year and the chosen Kreis
    assert second == "sgb2_quote"

    # rename, move down and up again, delete and add again: the list keeps order and names
    page.locator("#playlist-list input").nth(1).fill("Zweite Karte")
    page.locator("#playlist-list input").nth(1).press("Enter")
    page.get_by_role("button", name="Ansicht 1 nach unten").click()
    page.wait_for_function("document.querySelector('#playlist-list input').value !== "
                           "'Kinderarmut Gera'")
    page.get_by_role("button", name="Ansicht 2 nach oben").click()
    page.wait_for_function("document.querySelector('#playlist-list input').value === "
                           "'Kinderarmut Gera'")
    stored = page.evaluate("JSON.parse(localStorage.getItem('playlist'))")
    assert [v["name"] for v in stored] == ["Kinderarmut Gera", "Zweite Karte",
                                          "SGB II, drei Klassen"]

    with page.expect_download() as info:
        page.get_by_role("button", name="Als Datei speichern").click()
    download = info.value
    assert download.suggested_filename == "sitzungsfolge.json"
    path = tmp_path / "sitzungsfolge.json"
    download.save_as(path)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["version"] == 1 and len(document["views"]) == 3

    # another machine: a fresh browser, the file imported
    other = new_page(1920, 1080)
    other.open(live_url + "/")
    other.page.set_input_files("#playlist-upload input[type=file]", str(path))
    other.page.wait_for_function("document.querySelectorAll('#playlist-list li').length === 3")
    assert "3 Ansichten aus sitzungsfolge.json übernommen" in other.page.inner_text(
        "#playlist-status")
    other.page.get_by_role("button", name="Präsentation starten").click()
    other.page.wait_for_function(PRESENTING)
    other.page.wait_for_function("document.querySelector('#present-view-pos').innerText"
                                 " === 'Ansicht 1 / 3'")
    other.settle()
    assert other.map_trace() == shown[0]
    for key, position, expected in [("PageDown", "Ansicht 2 / 3", shown[1]),
                                    ("PageDown", "Ansicht 3 / 3", shown[2]),
                                    ("PageUp", "Ansicht 2 / 3", shown[1])]:
        other.page.keyboard.press(key)
        other.page.wait_for_function("p => document.querySelector('#present-view-pos')"
                                     ".innerText === p", arg=position, timeout=15000)
        other.settle()
        assert other.map_trace() == expected, key
        assert other.page.evaluate(PRESENTING)
    assert "klassen=3" not in other.page.url  # now on the second view
    other.page.keyboard.press("PageUp")
    other.page.wait_for_function("document.querySelector('#present-view-pos').innerText"
                                 " === 'Ansicht 1 / 3'")
    other.page.keyboard.press("PageUp")  # at the start: nothing happens
    other.settle()
    assert other.map_trace() == shown[0]
    assert atlas.problems == other.problems == []


@pytest.mark.browser
def test_prs010_wrong_files_and_unknown_indicators_are_reported(new_page, live_url, tmp_path,
                                                                 data):
    atlas = new_page(1600, 1000)
    atlas.open(live_url + "/")
    page = atlas.page
    wrong = tmp_path / "notizen.json"
    wrong.write_text("Das ist keine Sitzungsfolge", encoding="utf-8")
    page.set_input_files("#playlist-upload input[type=file]", str(wrong))
    page.wait_for_function("document.querySelector('#playlist-status').innerText.length > 0")
    status = page.inner_text("#playlist-status")
    assert "notizen.json nicht importiert" in status and "kein gültiges JSON" in status
    assert "Traceback" not in status

    mixed = tmp_path / "andere.json"
    mixed.write_text(json.dumps({"format": playlist.FORMAT, "version": 1, "views": [
        {"name": "Eigene Kita-Daten", "query": "indicator=eigen_kita_quote&year=2022"},
        {"name": "Kinderarmut", "query": f"indicator=kinderarmut&year={_years(data)[1]}"}]}),
        encoding="utf-8")
    page.set_input_files("#playlist-upload input[type=file]", str(mixed))
    page.wait_for_function("document.querySelector('#playlist-status').innerText"
                           ".includes('andere.json')")
    status = page.inner_text("#playlist-status")
    assert "1 Ansicht aus andere.json übernommen" in status
    assert "Ansicht 1 („Eigene Kita-Daten“): Indikator „eigen_kita_quote“ gibt es in diesem " \
           "Atlas nicht" in status
    page.wait_for_selector("#playlist-list li")  # the list follows the status
    atlas.settle()
    assert page.locator("#playlist-list li").count() == 1
    assert atlas.problems == []


@pytest.mark.browser
def test_prs011_handout_is_one_pdf_with_a_page_per_view(new_page, live_url, data):
    from pypdf import PdfReader

    _, year, _ = _years(data)
    _, second, _ = _years(data, "sgb2_quote")
    atlas = new_page(1600, 1000)
    atlas.open(live_url + f"/?indicator=kinderarmut&year={year}&kreise=16052")
    _remember(atlas, "Kinderarmut Gera")
    atlas.open(live_url + f"/?indicator=sgb2_quote&year={second}")
    atlas.page.wait_for_selector("#playlist-list li")
    atlas.settle()
    _remember(atlas)
    with atlas.page.expect_download(timeout=120000) as info:
        atlas.page.get_by_role("button", name="Handout (PDF)").click()
    download = info.value
    assert download.suggested_filename == "sitzungsfolge_handout.pdf"
    reader = PdfReader(io.BytesIO(Path(download.path()).read_bytes()))
    assert len(reader.pages) == 3  # title page and one map per view
    first = reader.pages[0].extract_text()
    assert "Sitzungsfolge" in first and "1. Kinderarmut Gera" in first
    assert data.indicator("kinderarmut").short_title in reader.pages[1].extract_text()
    assert _title(data, "sgb2_quote", second) in reader.pages[2].extract_text()
    width, height = (float(v) for v in reader.pages[1].mediabox[2:])
    assert math.isclose(width / height, 297 / 210, rel_tol=0.01)
    atlas.page.wait_for_function("document.querySelector('#playlist-status').innerText"
                                 ".includes('Handout mit 2 Karten')")


def test_prs012_handout_route_for_scripts(app_module, data):
    from pypdf import PdfReader

    client = app_module.server.test_client()
    year, second = _years(data)[1], _years(data, "sgb2_quote")[1]
    body = {"views": [{"name": "Gera", "query": f"indicator=kinderarmut&year={year}"
                                               "&kreise=16052"},
                      {"name": "Land", "query": f"indicator=sgb2_quote&year={second}&klassen=4"}]}
    response = client.post("/export/handout.pdf", json=body)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert 'filename="sitzungsfolge_handout.pdf"' in response.headers["Content-Disposition"]
    assert len(PdfReader(io.BytesIO(response.data)).pages) == 3
    for payload, fragment in [
        ({"views": []}, "leer"),
        ({"views": [body["views"][0]] * 31}, "Höchstens 30"),
        ({"views": [{"name": "x", "query": "indicator=gibtsnicht"}]}, "gibtsnicht"),
        ({"ansichten": []}, "Erwartet wird JSON"),
    ]:
        response = client.post("/export/handout.pdf", json=payload)
        assert response.status_code == 400, payload
        assert fragment in response.get_data(as_text=True)
    response = client.post("/export/handout.pdf", data="kein json",
                           content_type="text/plain")
    assert response.status_code == 400 and "Erwartet wird JSON" in response.get_data(
        as_text=True)


@pytest.mark.browser
def test_prs013_presentation_and_keys_work_under_the_csp(new_page, live_url, data):
    _, year, newest = _years(data)
    atlas = new_page(1024, 768, csp=True)
    page = atlas.page
    page.goto(live_url + f"/?indicator=kinderarmut&year={year}&modus=praesentation")
    page.wait_for_selector("#map .choroplethlocation", timeout=20000)
    page.wait_for_selector("#present-title:not(:empty)", timeout=20000)
    page.wait_for_load_state("networkidle")
    page.keyboard.press("ArrowRight")
    page.wait_for_selector(f"#present-title:has-text('{newest}')", timeout=15000)
    page.keyboard.press("Escape")
    page.wait_for_selector("#present-bar", state="hidden", timeout=15000)
    atlas.settle()
    assert not [m for m in atlas.problems if "Content Security Policy" in m or "pageerror" in m]


def test_prs014_a_zoomed_gemeinde_map_is_presented_as_that_kreis(new_page, live_url, data):
    """A Sitzungsfolge view of one Kreis's Gemeinden fills the projector with that Kreis: only
    its name is written on the map, the names of the other Kreise do not pull the frame back to
    all of Thuringia."""
    indicator = data.available_indicators(level="gemeinde")[0].id
    atlas = new_page(1600, 1000)
    page = atlas.page
    page.goto(f"{live_url}/?indicator={indicator}&zoom=16067&modus=praesentation")
    count = len(data.level_of("gemeinde").in_kreis("16067"))
    page.wait_for_function(
        f"document.querySelectorAll('#map .choroplethlocation').length === {count}",
        timeout=20000)
    page.wait_for_function("Array.from(document.querySelectorAll('#map .scatterlayer text'))"
                           ".some(t => t.textContent === 'Gotha')", timeout=15000)
    atlas.settle()
    names = page.locator("#map .scatterlayer text").all_text_contents()
    assert [n for n in names if n.strip()] == ["Gotha"]
    # the Kreis fills the map: its Gemeinden span most of the map's height
    plot = page.locator("#map .geolayer").first.bounding_box() or page.locator(
        "#map .main-svg").first.bounding_box()
    spans = page.evaluate("() => { const r = Array.from(document.querySelectorAll("
                          "'#map .choroplethlocation')).map(p => p.getBoundingClientRect());"
                          " return [Math.min(...r.map(b => b.top)),"
                          " Math.max(...r.map(b => b.bottom))]; }")
    assert spans[1] - spans[0] > 0.6 * plot["height"], (spans, plot)
    assert atlas.problems == []


# --- the map labels (pure functions) -----------------------------------------------------------


def test_label_points_lie_inside_their_district_and_clear_of_the_cities(data):
    from shapely.geometry import Point, shape

    regions = data.regions
    labels = present.labels(data.geojson, dict(zip(regions["ags"], regions["name"])),
                            dict(zip(regions["ags"], regions["kind"])))
    geometry = {f["properties"]["AGS"]: shape(f["geometry"]) for f in data.geojson["features"]}
    points = dict(zip(sorted(geometry), zip(labels["lon"], labels["lat"])))
    assert len(points) == 22
    for ags, xy in points.items():
        assert geometry[ags].contains(Point(xy)), ags
    cities = [a for a, kind in zip(regions["ags"], regions["kind"]) if kind == "kreisfreie Stadt"]
    for ags, xy in points.items():
        if ags in cities:
            continue
        nearest = min(Point(xy).distance(Point(points[c])) for c in cities)
        assert nearest >= 0.1, (ags, nearest)
    assert "Saale-Holzland-<br>Kreis" in labels["text"] and "Jena" in labels["text"]


def test_label_text_breaks_long_names():
    assert present.label_text("Jena") == "Jena"
    assert present.label_text("Unstrut-Hainich-Kreis") == "Unstrut-Hainich-<br>Kreis"
    assert present.label_text("Altenburger Land") == "Altenburger<br>Land"
    assert present.label_text("Hildburghausen") == "Hildburghausen"


def test_the_presentation_look_is_part_of_the_map_description(data):
    from layouts.main import first_view

    overlays = first_view(data).description["overlays"]
    styled = {tuple(p): v for p, v in overlays["present"]}
    assert styled[("layout", "legend", "font")]["size"] >= 20
    assert styled[("layout", "hoverlabel", "font")]["size"] >= 20
    fit = {tuple(p): v for p, v in overlays["fit"]}  # the Kreis map: fitted to Thüringen
    assert fit[("layout", "geo", "fitbounds")] is False
    assert len(overlays["labels"]["text"]) == len(data.regions)


def test_view_tabs_are_the_tabs_of_the_page(app_module):
    from atlas.urlstate import VIEW_TABS
    from layouts import ids
    from layouts.tabs import tab_ids

    tabs, stack = None, [app_module.app.layout()]
    while stack and tabs is None:  # the page's tabs (sub-tabs inside a view are no views)
        node = stack.pop()
        if isinstance(node, (list, tuple)):
            stack.extend(node)
            continue
        children = getattr(node, "children", None)
        if isinstance(children, list) and children and getattr(children[0], "id", None) == ids.TABS:
            tabs = node  # the tabs' frame: the group's store, the tablist, the panels
        if children is not None:
            stack.append(children)
    found = tab_ids(tabs)
    assert sorted(found) == sorted(VIEW_TABS)
