"""Issue #20 in the browser: the coloured map is there before any script has run (the page's
HTML carries it), stands over the map's place while Dash and plotly start, and gives way to the
interactive map once that is drawn."""

from __future__ import annotations

import pytest

from atlas.urlstate import DEFAULT_INDICATOR
from tests.browser.conftest import HeldCallbacks

pytestmark = pytest.mark.browser

FIRST = "() => document.querySelectorAll('#first-paint path').length"


def test_fp001_the_map_shows_without_scripts(browser, live_url, data):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(live_url + "/?indicator=kinderarmut")
        assert page.evaluate(FIRST) == len(data.level_of("kreis").keys)
        assert page.locator("#first-paint svg").is_visible()
        title = data.indicator("kinderarmut").title
        assert page.inner_text(".first-paint-title").startswith(title)
    finally:
        context.close()


def test_fp002_it_gives_way_to_the_interactive_map(atlas_page, live_url, data):
    page = atlas_page.page
    gemeinden = len(data.level_of("gemeinde").keys)
    indicator = next(i.id for i in data.catalogue.indicators if i.level == "gemeinde")
    page.goto(f"{live_url}/?indicator={indicator}", wait_until="commit")
    page.wait_for_function(f"() => ({FIRST})() === {gemeinden}", polling="raf")
    page.wait_for_function(f"() => document.querySelectorAll('#map .choroplethlocation').length"
                           f" === {gemeinden}", timeout=60000)
    page.wait_for_function("() => !document.getElementById('first-paint')")
    # nothing of it stays over the map: a click on an area reaches the map
    assert page.evaluate("() => document.elementFromPoint(...(() => { const r = document"
                         ".querySelector('#map .choroplethlocation').getBoundingClientRect();"
                         " return [r.x + r.width / 2, r.y + r.height / 2]; })())"
                         ".closest('#map') !== null")


def test_fp003_the_first_map_is_the_addresses_without_any_callback(atlas_page, live_url, data):
    """The page comes with the view of its address (layouts/main.first_view): at an address of
    another indicator and year than the default, the first map drawn is already that view's
    and the picture gives way to it while every callback answer is held back (no chain of
    requests, and never a map of another indicator in between)."""
    page = atlas_page.page
    indicator = "kinderarmut"
    assert indicator != DEFAULT_INDICATOR
    year = data.years(indicator)[-2]
    held = HeldCallbacks(page)
    drawn = []
    page.expose_function("noteDrawn", lambda shown: drawn.append(shown))
    page.add_init_script("""(() => { const note = () => { const p = window.atlasPage;
        if (p && p.shown && p.shown().indicator) { window.noteDrawn(p.shown()); } else {
        requestAnimationFrame(note); } }; requestAnimationFrame(note); })()""")
    page.goto(f"{live_url}/?indicator={indicator}&year={year}", wait_until="commit")
    kreise = len(data.level_of("kreis").keys)
    page.wait_for_function(f"() => document.querySelectorAll('#map .choroplethlocation').length"
                           f" === {kreise}", timeout=60000)
    page.wait_for_function("() => !document.getElementById('first-paint')", timeout=60000)
    assert drawn and drawn[0]["indicator"] == indicator  # the first drawing: the address's
    assert page.evaluate("() => window.atlasPage.shown()") == {"indicator": indicator,
                                                                "year": year}
    assert page.locator("#heading").inner_text().endswith(str(year))
    held.release()  # every callback request was held until here: none was needed


def test_fp004_the_picture_stays_on_screen_until_the_map_is_drawn(atlas_page, live_url, data):
    """Dash renders its own "Loading..." into its root before the layout has come; the picture
    must not go away for it: in every frame from the first paint until the interactive map is
    drawn the picture is on screen (and Dash's English placeholder never is)."""
    page = atlas_page.page
    page.add_init_script("""(() => { window.__frames = []; const look = () => {
        const picture = document.getElementById('first-paint');
        const box = picture && picture.getBoundingClientRect();
        const loading = Array.from(document.querySelectorAll('._dash-loading'))
            .some((el) => el.getBoundingClientRect().height > 0);
        const drawn = document.querySelectorAll('#map .choroplethlocation').length > 0;
        window.__frames.push({shown: !!(box && box.height > 0 && box.width > 0),
                              loading: loading, drawn: drawn});
        if (!drawn) { requestAnimationFrame(look); } };
        document.addEventListener('DOMContentLoaded', () => requestAnimationFrame(look)); })()""")
    page.goto(f"{live_url}/?indicator=kinderarmut", wait_until="commit")
    kreise = len(data.level_of("kreis").keys)
    page.wait_for_function(f"() => document.querySelectorAll('#map .choroplethlocation').length"
                           f" === {kreise}", timeout=60000)
    frames = page.evaluate("() => window.__frames")
    before = [f for f in frames if not f["drawn"]]
    assert before, "no frame before the map was drawn"
    assert all(f["shown"] for f in before), [i for i, f in enumerate(before) if not f["shown"]]
    assert not any(f["loading"] for f in frames)
