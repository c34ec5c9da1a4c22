"""Analysis views in the browser: linked selection across ranking, map, time series, scatter.
Expected names, ranks and counts come from the built data."""

import pytest

from atlas import analysis

pytestmark = pytest.mark.browser


def _click_bar(page, name):
    bars = page.locator("#ranking .bars .point path")
    labels = page.evaluate(
        "() => Array.from(document.querySelector('#ranking .js-plotly-plot')._fullData[0].y)")
    box = bars.nth([label.replace("<b>", "").replace("</b>", "") for label in labels].index(name)
                   ).bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def test_ana001_click_on_ranking_bar_selects_everywhere(atlas_page, live_url, data):
    year = data.years("sgb2_quote")[-2]  # not the newest: the link's year counts
    table = analysis.ranking(data, "sgb2_quote", year)
    first = table["name"].iloc[0]  # rank 1
    target = table.iloc[len(table) // 2]  # a Kreis in the middle of the ranking
    atlas_page.open(live_url + f"/?indicator=sgb2_quote&year={year}")
    page = atlas_page.page
    page.get_by_role("tab", name="Ranking").click()
    page.wait_for_selector("#ranking .bars .point path")
    shown = page.evaluate(
        "() => document.querySelector('#ranking .js-plotly-plot')._fullData[0].y[0]")
    assert shown.replace("<b>", "").replace("</b>", "") == first
    _click_bar(page, target["name"])
    page.wait_for_function(
        "name => document.querySelector('#districts').innerText.includes(name)",
        arg=target["name"])
    # the ranking marks it
    page.wait_for_function(
        "name => Array.from(document.querySelector('#ranking .js-plotly-plot')._fullData[0].y)"
        ".includes('<b>' + name + '</b>')", arg=target["name"])
    # the map outlines it (drawn last, thick line)
    page.get_by_role("tab", name="Karte und Zeitreihe").click()
    page.wait_for_function(
        "ags => { const t = document.querySelector('#map .js-plotly-plot')._fullData[0];"
        " return t.locations[t.locations.length - 1] === ags"
        " && t.marker.line.width[t.locations.length - 1] > 2; }", arg=target["ags"])
    # the time series shows it
    names = [t["name"] for t in atlas_page.full_data("timeseries")]
    assert target["name"] in names
    # the scatter labels it (the trace of the selected Kreise)
    page.get_by_role("tab", name="Streudiagramm").click()
    page.wait_for_function(
        "name => { const p = document.querySelector('#scatter .js-plotly-plot');"
        " return p && p._fullData && p._fullData.some("
        "   t => t.text && Array.from(t.text).includes(name)); }", arg=target["name"])
    partner = analysis.scatter_partner(data, "sgb2_quote", year)
    result = analysis.scatter(data, "sgb2_quote", partner, year)
    page.wait_for_function("document.querySelector('#scatter-stats').innerText.includes('n = ')")
    stats = page.inner_text("#scatter-stats")
    assert "Pearson r = " in stats and "Spearman ρ = " in stats and f"n = {result.n}" in stats
    assert atlas_page.console == []


def test_ana002_profile_and_clusters_render(atlas_page, live_url, data):
    profile = analysis.profile(data, "16052")
    row = profile[profile["indicator"] == "sgb2_quote"].iloc[0]
    year = data.years("sgb2_quote")[-1]
    atlas_page.open(live_url + f"/?indicator=sgb2_quote&year={year}&kreise=16052")
    page = atlas_page.page
    page.get_by_role("tab", name="Regionenprofil").click()
    page.wait_for_selector("#profile table")
    text = page.inner_text("#profile")
    assert f"Regionenprofil {data.region_name('16052')}" in text and row["area_title"] in text
    assert row["rank_text"] in text and row["value_text"] in text
    page.get_by_role("tab", name="Räumliche Muster").click()
    page.wait_for_function("document.querySelector('#cluster-stats').innerText.includes('Moran')")
    assert page.locator("#cluster-map .choroplethlocation").count() == len(data.regions)
    assert atlas_page.console == []
