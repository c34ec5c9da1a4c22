"""One year everywhere, whatever the user does in between: a year step right after a change of
the Lebensphase survives the filtered list's round trip, and a drag of the slider's thumb
redraws the map in the thumb's year while the mouse is still down."""

from __future__ import annotations

import pytest

from atlas import figures
from layouts.main import life_phase_options

pytestmark = pytest.mark.browser

#: slider, heading, map (its drawn year, hover text and colours) and address, as the page shows
#: them now
SHOWN_JS = """
() => {
  const graph = document.querySelector('#map .js-plotly-plot');
  const trace = graph._fullData[0];
  const thumb = document.querySelector('#year [role=slider]');
  const year = new URLSearchParams(location.search).get('year');
  return {
    thumb: thumb.getAttribute('aria-valuenow'),
    value: String(window.dash_component_api.getLayout('year').props.value),
    heading: document.querySelector('#heading').innerText,
    mapYear: String(graph.layout.meta.year),
    hover: trace.hovertemplate,
    z: Array.from(trace.z),
    address: year,
  };
}
"""


#: the address names the Lebensphase (if given) and the year the slider's thumb shows
ADDRESS_FOLLOWS_JS = """
phase => {
  const params = new URLSearchParams(location.search);
  const thumb = document.querySelector('#year [role=slider]');
  return (phase === null || params.get('lebensphase') === phase) &&
    params.get('year') === thumb.getAttribute('aria-valuenow');
}
"""


def _phase_and_indicator(data) -> tuple[dict, str]:
    """A Lebensphase other than "alle" (its radio option) and a Kreis indicator of it with at
    least two years."""
    for option in life_phase_options()[1:]:
        for ind in data.available_indicators(option["value"]):
            if len(data.years(ind.id)) >= 2:
                return option, ind.id
    pytest.skip("keine Lebensphase mit einem Indikator über mehrere Jahre")


def _assert_one_year(page, data, indicator: str, year: int) -> None:
    """Slider (thumb and Dash's value), heading, map (year, hover text, colours) and address
    all show ``year``."""
    shown = page.evaluate(SHOWN_JS)
    expected_z = figures.map_update(figures.map_view(data, indicator, year))["trace"]["z"]
    title = data.indicator(indicator).short_title
    assert shown["thumb"] == shown["value"] == str(year), shown
    assert shown["heading"].endswith(str(year)), shown["heading"]
    assert shown["mapYear"] == str(year) and f"{title} {year}:" in shown["hover"], shown
    assert shown["z"] == expected_z
    assert shown["address"] == str(year), shown["address"]


def _is_callback(url: str) -> bool:
    return "/_dash-update-component" in url


def _is_year_request(request) -> bool:
    """The request of the year range that a change of the indicator list starts."""
    body = request.post_data or ""
    return _is_callback(request.url) and "year.value" in body and \
        "indicator.value" in body


@pytest.mark.parametrize("key_on", ["page", "slider"])
def test_trace001_a_year_step_right_after_a_life_phase_change_survives(atlas_page, live_url,
                                                                        data, key_on):
    """The step is made while the server's answer for the filtered list is on its way (held
    back until the step is done, as a busy server would: the answer itself is the server's):
    the year stepped to stays, on the slider, heading, map and in the address."""
    phase, indicator = _phase_and_indicator(data)
    years = data.years(indicator)
    atlas_page.open(live_url + f"/?indicator={indicator}")
    page = atlas_page.page
    assert page.inner_text("#heading").endswith(str(years[-1]))
    held = []
    page.route(_is_callback,
               lambda route: held.append(route) if _is_year_request(route.request) and not held
               else route.continue_())
    with page.expect_request(_is_year_request):
        page.get_by_role("radio", name=phase["label"], exact=True).check()
    if key_on == "slider":
        page.focus("#year [role=slider]")  # the slider's own keys
    else:
        page.evaluate("document.activeElement.blur()")  # the page-wide keys
    page.keyboard.press("ArrowLeft")
    year = years[-2]
    page.wait_for_function(
        "y => document.querySelector('#year [role=slider]').getAttribute('aria-valuenow') === y"
        " && String(window.dash_component_api.getLayout('year').props.value) === y",
        arg=str(year))
    assert len(held) == 1
    held[0].continue_()  # the answer, computed from the page as it was before the step
    # the address has the Lebensphase and the slider's year, whichever that is now
    page.wait_for_function(ADDRESS_FOLLOWS_JS, arg=phase["value"])
    atlas_page.settle()
    page.unroute(_is_callback)
    _assert_one_year(page, data, indicator, year)
    assert page.evaluate("window.dash_component_api.getLayout('indicator').props.value") == \
        indicator


#: where on the slider the pointer stands for a year (Radix maps the pointer's x over the
#: slider's root linearly onto min..max)
YEAR_X_JS = """
year => {
  const thumb = document.querySelector('#year [role=slider]');
  const root = thumb.closest('[data-orientation=horizontal][dir]').getBoundingClientRect();
  const min = Number(thumb.getAttribute('aria-valuemin'));
  const max = Number(thumb.getAttribute('aria-valuemax'));
  const box = thumb.getBoundingClientRect();
  return [root.left + (year - min) / (max - min) * root.width, box.top + box.height / 2];
}
"""


#: while the thumb is held: it stands on ``year`` and the map shows the thumb's year
MAP_FOLLOWS_THUMB_JS = """
year => {
  const thumb = document.querySelector('#year [role=slider]').getAttribute('aria-valuenow');
  const graph = document.querySelector('#map .js-plotly-plot');
  return thumb === year && String(graph.layout.meta.year) === thumb &&
    graph._fullData[0].hovertemplate.includes(' ' + thumb + ':');
}
"""


def _drag_years(data) -> tuple[str, list[int]]:
    """An indicator and two years to drag to, from its newest: years with data next to each
    other (a year without data is snapped to once the slider rests, not while it is held)."""
    for ind in data.available_indicators():
        years = data.years(ind.id)
        if len(years) >= 4 and years[-4:] == list(range(years[-4], years[-1] + 1)):
            return ind.id, [years[-2], years[-4]]
    pytest.skip("kein Indikator mit vier aufeinanderfolgenden Jahren")


def test_trace002_dragging_the_slider_redraws_the_map_while_held(atlas_page, live_url, data):
    indicator, targets = _drag_years(data)
    title = data.indicator(indicator).short_title
    atlas_page.open(live_url + f"/?indicator={indicator}")
    page = atlas_page.page
    thumb = page.locator("#year [role=slider]").bounding_box()
    page.mouse.move(thumb["x"] + thumb["width"] / 2, thumb["y"] + thumb["height"] / 2)
    page.mouse.down()
    for year in targets:
        x, y = page.evaluate(YEAR_X_JS, year)
        page.mouse.move(x, y, steps=8)  # real pointer moves, the button held
        page.wait_for_function(MAP_FOLLOWS_THUMB_JS, arg=str(year))
        expected = figures.map_update(figures.map_view(data, indicator, year))["trace"]["z"]
        shown = page.evaluate(SHOWN_JS)
        assert shown["thumb"] == shown["mapYear"] == str(year), shown
        assert f"{title} {year}:" in shown["hover"] and shown["z"] == expected
    page.mouse.up()
    page.wait_for_function(ADDRESS_FOLLOWS_JS, arg=None)
    atlas_page.settle()
    _assert_one_year(page, data, indicator, targets[-1])
