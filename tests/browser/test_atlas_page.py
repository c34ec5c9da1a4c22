"""What a planner sees and does on the atlas page, in headless Chromium."""

import re

import pytest

from tests.browser.conftest import offered_labels

pytestmark = pytest.mark.browser


def _wait_for_change(page, before, timeout=20000):
    page.page.wait_for_function(
        "before => JSON.stringify(Array.from(document.querySelectorAll('#map .choroplethlocation'))"
        ".map(e => getComputedStyle(e).fill)) !== before",
        arg=__import__("json").dumps(before), timeout=timeout)


def test_atl001_page_loads_clean_with_22_districts(atlas_page, live_url, data):
    atlas_page.open(live_url)
    page = atlas_page.page
    assert len(atlas_page.map_fills()) == 22
    main = atlas_page.full_data("map")[0]
    assert len(main["locations"]) == 22 and len(set(main["locations"])) == 22
    assert page.inner_text("#heading").startswith("SGB-II-Quote")
    legend = " | ".join(page.locator("#map .legend text").all_text_contents())
    assert "Anteil in %" in legend and re.search(r"\d+,\d – \d+,\d %", legend)
    under_map = page.inner_text("#map-source")  # every number's source, right at the map
    assert "INKAR" in under_map and "Lizenz" in under_map and "GeoBasis-DE" in under_map
    footer = page.inner_text("#attribution")
    assert data.level_of("kreis").source in footer and "INKAR" in footer
    assert page.locator("#values-table tbody tr").count() == 23  # 22 Kreise + reference
    # nothing fetched from outside, nothing missing, no console error (the fixture asserts it)


def test_atl002_life_phase_narrows_indicator_list(atlas_page, live_url):
    atlas_page.open(live_url)
    page = atlas_page.page

    def options():  # without the headers of the Lebenslagenbereiche
        return [t for t in offered_labels(page, "indicator") if not t.startswith("—")]

    everything = options()
    page.get_by_role("radio", name="Senioren").check()
    # the list has narrowed (the options of the dropdown, as Dash holds them)
    page.wait_for_function(
        "n => window.dash_component_api.getLayout('indicator').props.options"
        ".filter(o => !o.disabled).length < n", arg=len(everything))
    seniors = options()
    assert 0 < len(seniors) < len(everything)
    assert any("Grundsicherung im Alter" in t for t in seniors)
    assert not any("Kinderarmut" in t for t in seniors)


def test_atl003_indicator_and_year_change_the_colours(atlas_page, live_url, data):
    years = data.years("sgb2_quote")
    atlas_page.open(live_url + "/?indicator=sgb2_quote")
    page = atlas_page.page
    before = atlas_page.map_fills()
    slider = page.locator("#year [role=slider]")
    slider.focus()
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    page.wait_for_function("y => document.querySelector('#heading').innerText.endsWith(y)",
                           arg=str(years[-4]))
    _wait_for_change(atlas_page, before)
    after_year = atlas_page.map_fills()
    assert after_year != before

    page.click("#indicator")
    page.keyboard.type("Kinderarmut")
    page.locator(".dash-dropdown-options [role=option]", has_text="Kinderarmut").first.click()
    page.wait_for_function("document.querySelector('#heading').innerText.includes('Kinderarmut')")
    _wait_for_change(atlas_page, after_year)
    assert atlas_page.map_fills() != after_year
    assert atlas_page.console == []


def test_atl004_click_on_district_adds_it_to_time_series(atlas_page, live_url, data):
    atlas_page.open(live_url)
    page = atlas_page.page
    locations = atlas_page.full_data("map")[0]["locations"]
    index = locations.index("16053")  # Jena
    box = page.locator("#map .choroplethlocation").nth(index).bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_function(
        "() => document.querySelector('#timeseries .js-plotly-plot')._fullData"
        ".some(t => t.name === 'Jena')", timeout=10000)
    names = [t["name"] for t in atlas_page.full_data("timeseries")]
    assert "Jena" in names and "Median der Kreise" in names
    jena = next(t for t in atlas_page.full_data("timeseries") if t["name"] == "Jena")
    expected = data.series("sgb2_quote", ["16053"])
    assert jena["y"] == pytest.approx(list(expected["value"]))
    assert "Jena" in page.inner_text("#districts")
    # the selected district gets the thick outline: it is drawn last with a wider line
    assert atlas_page.full_data("map")[0]["locations"][-1] == "16053"


def test_atl005_hover_shows_german_numbers_rank_and_reference(atlas_page, live_url, data):
    from atlas.figures import map_view
    from atlas.values import format_number

    year = data.years("sgb2_quote")[-1]
    # the Kreis ranked first in the built data, its value as the page must write it
    table = map_view(data, "sgb2_quote", year).table.sort_values("rank")
    first = table.iloc[0]
    decimals = data.indicator("sgb2_quote").decimals
    atlas_page.open(live_url + f"/?indicator=sgb2_quote&year={year}")
    page = atlas_page.page
    text = atlas_page.hover(first["ags"])
    assert first["name"] in text and first["kind"] in text
    assert f"{format_number(first['value'], decimals)} %" in text  # German decimal comma
    assert f"Rang 1 von {len(table)}" in text
    assert re.search(r"Median der Kreise: \d+,\d %", text)
    assert page.locator("#map .hoverlayer .hovertext").count() == 1


def test_atl006_bad_url_parameter_gives_german_message(atlas_page, live_url):
    atlas_page.open(live_url + "/?indicator=gibtsnicht&year=abc")
    alert = atlas_page.page.inner_text("#alert")
    assert "„gibtsnicht“ ist unbekannt" in alert
    assert atlas_page.page.inner_text("#heading").startswith("SGB-II-Quote")
