"""What a planner sees of an official Land value (#16): map, table, hover and time series name
"Thüringen (amtlich)" with the value of the source's Land row."""

import pytest

from atlas.levels.registry import OFFICIAL_LABEL
from atlas.values import format_number

pytestmark = pytest.mark.browser


def test_off001_official_reference_on_map_table_hover_and_series(atlas_page, live_url, data):
    indicator, year = "arbeitslosenquote", 2025
    ind = data.indicator(indicator)
    ref = data.reference(indicator, year)
    assert ref.basis == "amtlich"
    shown = f"{format_number(ref.value, ind.decimals)} %"  # "6,4 %"
    atlas_page.open(live_url + f"/?indicator={indicator}&year={year}")
    page = atlas_page.page
    # above the map
    note = " ".join(page.locator("#map .annotation-text").all_text_contents())
    assert f"{OFFICIAL_LABEL} {year}: {shown}" in note
    # the table's last row is the reference, not a Kreis
    last = page.locator("#values-table tbody tr").last.inner_text()
    assert OFFICIAL_LABEL in last and shown in last
    assert page.locator("#values-table tbody tr").count() == 23  # 22 Kreise + reference
    # the hover of a Kreis compares with the official value
    first = data.table(indicator, year).sort_values("rank").iloc[0]
    assert f"{OFFICIAL_LABEL}: {shown}" in atlas_page.hover(first["ags"])
    # the time series names both kinds of reference of this indicator
    page.wait_for_function(
        "name => document.querySelector('#timeseries .js-plotly-plot')._fullData"
        ".some(t => t.name === name)", arg=OFFICIAL_LABEL)
    names = {t["name"] for t in atlas_page.full_data("timeseries")}
    assert {OFFICIAL_LABEL, data.level_of("kreis").median_label} <= names


def test_off002_without_a_land_row_the_median_is_named(atlas_page, live_url, data):
    indicator = "lebenserwartung"
    year = data.latest_year(indicator)
    ref = data.reference(indicator, year)
    atlas_page.open(live_url + f"/?indicator={indicator}&year={year}")
    note = " ".join(atlas_page.page.locator("#map .annotation-text").all_text_contents())
    label = data.level_of("kreis").median_label
    assert f"{label} {year}: {format_number(ref.value, 1)} Jahre" in note
    assert OFFICIAL_LABEL not in note
