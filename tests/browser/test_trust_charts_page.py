"""Issue #13 (Trust) in the browser: the reference is named for what it is, its lines look
different, axis titles clear their ticks; the scatter starts with a meaningful second indicator
and refuses an indicator against itself; the comparison shows its reference and trends as text.
Expected texts come from the built data."""

import pytest

from atlas import analysis

pytestmark = pytest.mark.browser

OVERLAP = """([title, ticks]) => {
    const box = document.querySelector(title).getBoundingClientRect();
    return Array.from(document.querySelectorAll(ticks)).map(t => t.getBoundingClientRect())
        .filter(r => r.width > 0 && r.left < box.right - 0.5 && box.left < r.right - 0.5
                     && r.top < box.bottom - 0.5 && box.top < r.bottom - 0.5).length;
}"""


def _wait_series(page, count):
    page.wait_for_function(
        "n => { const p = document.querySelector('#timeseries .js-plotly-plot');"
        " return p && p._fullData && p._fullData.length === n; }", arg=count)


def test_tch001_time_series_names_its_reference(atlas_page, live_url, data):
    reference = data.reference_name("sgb2_quote")
    atlas_page.open(live_url + "/?indicator=sgb2_quote")
    page = atlas_page.page
    page.wait_for_function(
        "text => document.querySelector('#timeseries-title').innerText === text",
        arg=f"Zeitreihe: {reference}")
    _wait_series(page, 1)
    # a lone reference line has its legend entry, saying what it is
    legend = page.locator("#timeseries .legend .legendtext").evaluate_all(
        "els => els.map(e => e.textContent)")
    assert legend == [reference]
    assert reference in page.inner_text("#timeseries-note")
    atlas_page.open(live_url + "/?indicator=sgb2_quote&kreise=16052")
    page.wait_for_function(
        "text => document.querySelector('#timeseries-title').innerText === text",
        arg=f"Zeitreihe: ausgewählte Kreise und {reference}")
    assert atlas_page.console == []


def test_tch002_official_value_and_sum_look_different_and_axis_titles_clear_ticks(
        atlas_page, live_url, data):
    series = data.reference_series("bevoelkerung")
    labels = list(dict.fromkeys(series["label"]))
    if len(labels) < 2:
        pytest.skip("bevoelkerung has one kind of reference in this build")
    atlas_page.open(live_url + "/?indicator=bevoelkerung&kreise=16052,16053")
    page = atlas_page.page
    _wait_series(page, 2 + len(labels))
    page.wait_for_selector("#timeseries .g-y2title text")
    legend = page.locator("#timeseries .legend .legendtext").evaluate_all(
        "els => els.map(e => e.textContent)")
    assert set(labels) <= set(legend)
    styles = page.evaluate(
        """labels => labels.map(label => {
            const item = Array.from(document.querySelectorAll('#timeseries .legend .traces'))
                .find(t => t.querySelector('.legendtext').textContent === label);
            const line = item.querySelector('.js-line');
            const point = item.querySelector('.scatterpts');
            return [line.style.strokeDasharray, line.style.stroke,
                    point ? point.getAttribute('d') : ''];
        })""", labels)
    assert styles[0][0] != styles[1][0]  # dash pattern
    assert styles[0][1] != styles[1][1]  # colour
    assert styles[0][2] != styles[1][2]  # marker
    # neither axis title runs into its tick labels
    assert page.evaluate(OVERLAP, ["#timeseries .g-y2title text",
                                   "#timeseries .yaxislayer-above .y2tick text"]) == 0
    assert page.evaluate(OVERLAP, ["#timeseries .g-ytitle text",
                                   "#timeseries .yaxislayer-above .ytick text"]) == 0
    assert atlas_page.console == []


def _scatter_stats(page):
    page.wait_for_function(
        "() => { const t = document.querySelector('#scatter-stats').innerText;"
        " return t.includes('n = ') || t.includes('anderen'); }")
    return page.inner_text("#scatter-stats")


def test_tch003_scatter_starts_with_another_indicator_and_refuses_itself(
        atlas_page, live_url, data):
    x = data.indicator("kinderarmut")  # the page's old fixed second indicator
    years = data.years(x.id)
    partner = data.indicator(analysis.scatter_partner(data, x.id, years[-1]))
    assert partner.id != x.id and partner.area != x.area
    atlas_page.open(live_url + f"/?indicator={x.id}&year={years[-1]}&kreise=16052")
    page = atlas_page.page
    page.get_by_role("tab", name="Streudiagramm").click()
    page.wait_for_function(
        "title => document.querySelector('#scatter-y').innerText.includes(title)",
        arg=partner.short_title)
    stats = _scatter_stats(page)
    assert "r = 1,00" not in stats
    result = analysis.scatter(data, x.id, partner.id, years[-1])
    assert f"n = {result.n}" in stats
    # legend marker colour = colour of the points, per trace
    page.wait_for_selector("#scatter .legend .traces")
    colours = page.evaluate(
        """() => {
            const traces = Array.from(document.querySelectorAll('#scatter .scatterlayer .trace'));
            const legend = Array.from(document.querySelectorAll('#scatter .legend .traces'));
            return legend.map((item, i) => {
                const key = item.querySelector('.scatterpts');
                const point = traces[i] && traces[i].querySelector('.points path');
                return [key ? key.style.fill : null, point ? point.style.fill : null];
            }).filter(pair => pair[0] && pair[1]);
        }""")
    assert len(colours) == 2 and all(key == point for key, point in colours)
    # the same indicator on both axes: a message, not r = 1
    page.click("#scatter-y")
    page.keyboard.type(x.short_title)
    page.locator(".dash-dropdown-options [role=option]", has_text=x.short_title).first.click()
    page.wait_for_function(
        "() => document.querySelector('#scatter-stats').innerText.includes('anderen')")
    text = page.inner_text("#scatter-stats")
    assert "Pearson" not in text and x.short_title in text
    assert page.locator("#scatter .scatterlayer .points path").count() == 0
    assert atlas_page.console == []


def test_tch004_comparison_shows_reference_and_trends_as_text(atlas_page, live_url, data):
    chosen = ["16052", "16053"]
    table = analysis.compare_profiles(data, chosen)
    atlas_page.open(live_url + "/?indicator=sgb2_quote&kreise=" + ",".join(chosen))
    page = atlas_page.page
    page.get_by_role("tab", name="Regionenprofil").click()
    page.wait_for_selector("#profile table")
    headers = page.locator("#profile thead th").all_inner_texts()
    assert "Vergleichswert" in headers
    text = page.inner_text("#profile")
    row = table[table["indicator"] == "sgb2_quote"].iloc[0]
    assert row["reference_text"] in text and row["reference_label"] in text
    trends = [t for ags in chosen for t in table[f"trend_{ags}"] if t]
    assert trends and all(f"Trend: {t}" in text for t in trends[:10])
    rated = [t for t in trends if t.endswith(("günstig", "ungünstig"))]
    assert rated and rated[0] in text  # visible, not only a tooltip
    # one Kreis: the Steckbrief shows the assessment as text too, and names its reference
    profile = analysis.profile(data, "16052")
    atlas_page.open(live_url + "/?indicator=sgb2_quote&kreise=16052")
    page.get_by_role("tab", name="Regionenprofil").click()
    page.wait_for_selector("#profile table")
    text = page.inner_text("#profile")
    assert "Abweichung von Thüringen" not in text and "Abweichung vom Vergleichswert" in text
    shown = profile[profile["trend_assessment"].isin(["günstig", "ungünstig"])]
    assert all(t in text for t in shown["trend_text"].head(10))
    assert atlas_page.console == []
