"""Analysis views in the browser: linked selection across ranking, map, time series, scatter."""

import pytest

pytestmark = pytest.mark.browser


def _click_bar(page, name):
    bars = page.locator("#ranking .bars .point path")
    labels = page.evaluate(
        "() => Array.from(document.querySelector('#ranking .js-plotly-plot')._fullData[0].y)")
    box = bars.nth([label.replace("<b>", "").replace("</b>", "") for label in labels].index(name)
                   ).bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def test_ana001_click_on_ranking_bar_selects_everywhere(atlas_page, live_url):
    atlas_page.open(live_url + "/?indicator=sgb2_quote&year=2021")
    page = atlas_page.page
    page.get_by_role("tab", name="Ranking").click()
    page.wait_for_selector("#ranking .bars .point path")
    first = page.evaluate(
        "() => document.querySelector('#ranking .js-plotly-plot')._fullData[0].y[0]")
    assert first.replace("<b>", "").replace("</b>", "") == "Gera"  # rank 1, highest SGB II quota
    _click_bar(page, "Eichsfeld")
    page.wait_for_function("document.querySelector('#districts').innerText.includes('Eichsfeld')")
    # the ranking marks it
    page.wait_for_function(
        "() => Array.from(document.querySelector('#ranking .js-plotly-plot')._fullData[0].y)"
        ".includes('<b>Eichsfeld</b>')")
    # the map outlines it (drawn last, thick line)
    page.get_by_role("tab", name="Karte und Zeitreihe").click()
    page.wait_for_function(
        "() => { const t = document.querySelector('#map .js-plotly-plot')._fullData[0];"
        " return t.locations[t.locations.length - 1] === '16061'"
        " && t.marker.line.width[t.locations.length - 1] > 2; }")
    # the time series shows it
    names = [t["name"] for t in atlas_page.full_data("timeseries")]
    assert "Eichsfeld" in names
    # the scatter labels it
    page.get_by_role("tab", name="Streudiagramm").click()
    page.wait_for_function(
        "() => { const p = document.querySelector('#scatter .js-plotly-plot');"
        " return p && p._fullData && p._fullData[0] && p._fullData[0].text && Array.from(p._fullData[0].text).includes('Eichsfeld'); }")
    stats = page.inner_text("#scatter-stats")
    assert "Pearson r = " in stats and "Spearman ρ = " in stats and "n = 22" in stats
    assert atlas_page.console == []


def test_ana002_profile_and_clusters_render(atlas_page, live_url):
    atlas_page.open(live_url + "/?indicator=sgb2_quote&year=2021&kreise=16052")
    page = atlas_page.page
    page.get_by_role("tab", name="Regionenprofil").click()
    page.wait_for_selector("#profile table")
    text = page.inner_text("#profile")
    assert "Regionenprofil Gera" in text and "Einkommen und Armut" in text
    assert "1 von 22" in text  # Gera ranks first on SGB II quota
    page.get_by_role("tab", name="Räumliche Muster").click()
    page.wait_for_function("document.querySelector('#cluster-stats').innerText.includes('Moran')")
    assert page.locator("#cluster-map .choroplethlocation").count() == 22
    assert atlas_page.console == []
