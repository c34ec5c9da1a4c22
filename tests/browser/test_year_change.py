"""A change of year at the Kreis level: the map repaints from the frames the browser holds (no
map request, no geometry), then heading, table and address follow; the whole update is small."""

import pytest

from atlas import figures

pytestmark = pytest.mark.browser

#: The issue's naive baseline sent 102 KB per year change for the 22 Kreise; target ≤ 1/20.
MAX_UPDATE_BYTES = 102 * 1024 // 20


def _shown_z(page) -> list[int]:
    return page.evaluate("() => Array.from(document.querySelector('#map .js-plotly-plot')"
                         "._fullData[0].z)")


def test_a_year_step_repaints_the_map_without_asking_the_server(atlas_page, live_url, data):
    years = data.years("sgb2_quote")
    atlas_page.open(live_url + "/?indicator=sgb2_quote")
    page = atlas_page.page
    assert page.inner_text("#heading").endswith(str(years[-1]))
    exchanges = []

    def finished(request):
        if "_dash-update-component" not in request.url:
            return
        response = request.response()
        size = len(response.body()) if response.status == 200 else 0
        exchanges.append(((request.post_data_json or {}).get("output", ""), size))

    page.on("requestfinished", finished)
    page.focus("#year [role=slider]")
    page.keyboard.press("ArrowLeft")
    year = years[-2]
    # the colours of that year (the same classes the server's map view computes)
    view = figures.map_view(data, "sgb2_quote", year)
    expected = figures.map_update(view)["trace"]
    page.wait_for_function(
        "([ags, z]) => { const t = document.querySelector('#map .js-plotly-plot')._fullData[0];"
        " return JSON.stringify(Array.from(t.z)) === JSON.stringify(z)"
        " && JSON.stringify(Array.from(t.locations)) === JSON.stringify(ags); }",
        arg=[expected["locations"], expected["z"]], timeout=10000)
    assert f"{year}:" in page.evaluate("() => document.querySelector('#map .js-plotly-plot')"
                                       "._fullData[0].hovertemplate")
    # the texts and the address follow once the slider rests
    page.wait_for_function(f"document.querySelector('#heading').innerText.endsWith('{year}')",
                           timeout=10000)
    page.wait_for_function(f"location.search.includes('year={year}')", timeout=10000)
    atlas_page.settle()
    erfurt = atlas_page.hover("16051")
    title = data.indicator("sgb2_quote").short_title
    assert f"{title} {year}" in erfurt and data.region_name("16051") in erfurt
    outputs = [output for output, _ in exchanges]
    assert not any("map.figure" in o for o in outputs), outputs  # drawn in the browser
    assert sum(size for _, size in exchanges) <= MAX_UPDATE_BYTES, exchanges
    assert atlas_page.console == []


def test_holding_the_arrow_key_ends_on_the_last_year_shown(atlas_page, live_url, data):
    years = data.years("sgb2_quote")
    atlas_page.open(live_url + "/?indicator=sgb2_quote")
    page = atlas_page.page
    page.focus("#year [role=slider]")
    for _ in range(4):
        page.keyboard.press("ArrowLeft")
    year = years[-5]
    expected = figures.map_update(figures.map_view(data, "sgb2_quote", year))["trace"]["z"]
    page.wait_for_function(f"document.querySelector('#heading').innerText.endsWith('{year}')",
                           timeout=10000)
    atlas_page.settle()
    page.wait_for_function("z => JSON.stringify(Array.from(document.querySelector("
                           "'#map .js-plotly-plot')._fullData[0].z)) === JSON.stringify(z)",
                           arg=expected, timeout=10000)
    assert _shown_z(page) == expected
    shading = page.evaluate("() => document.querySelector('#timeseries .js-plotly-plot')"
                            ".layout.shapes[0]")
    assert shading["x0"] < year < shading["x1"]
    assert atlas_page.console == []
