"""Issue #18: every map has its values as a table. The change map and the map of spatial
clusters (which Kreis is in which cluster was mouse-only) are figures named by what they show,
each with a link „Zur Tabelle“ to a table that a screen reader can read row by row."""

from __future__ import annotations

import math

import pytest

from atlas import analysis, spatial
from atlas.values import format_number

pytestmark = pytest.mark.browser

TABLE = """id => Array.from(document.querySelectorAll('#' + id + ' table tr')).map(
    r => Array.from(r.children).map(c => c.innerText.trim()))"""


def _wait_rows(page, table_id: str, rows: int) -> list[list[str]]:
    page.wait_for_function(f"() => document.querySelectorAll('#{table_id} tbody tr').length"
                           f" === {rows}", timeout=60000)
    return page.evaluate(TABLE, table_id)


def _open(atlas_page, live_url, data, query: str):
    """The page for Kinderarmut in its newest year with ``query``; returns page, id and year."""
    indicator = "kinderarmut"
    year = data.years(indicator)[-1]
    atlas_page.open(f"{live_url}/?indicator={indicator}&year={year}&{query}")
    return atlas_page.page, indicator, year


def _follow_table_link(page, figure_id: str, region_id: str) -> None:
    """The link after the map moves the keyboard focus onto the table's frame."""
    page.locator(f"#{figure_id} + a.atlas-to-table").focus()
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => document.activeElement.id === '{region_id}'")


def test_a11y301_the_change_map_has_a_table_of_both_years_and_the_change(atlas_page, live_url,
                                                                       data):
    indicator = "kinderarmut"
    years = data.years(indicator)
    start, end = (years[-6] if len(years) >= 6 else years[0]), years[-1]
    atlas_page.open(f"{live_url}/?indicator={indicator}&ansicht=change")
    page = atlas_page.page
    expected = analysis.change(data, indicator, start, end)
    rows = _wait_rows(page, "change-table", len(expected))
    head, body = rows[0], rows[1:]
    assert head[2].startswith(str(start)) and head[3].startswith(str(end))
    ind = data.indicator(indicator)
    by_name = {row[0]: row for row in body}
    for area in expected.itertuples(index=False):
        row = by_name[data.level_of(ind.level).areas.set_index("ags").loc[area.ags, "label"]]
        if math.isnan(area.change):
            assert "keine Daten" in row[4]
        else:
            assert row[2] == format_number(area.value_from, ind.decimals, ind.unit)
            assert row[3] == format_number(area.value_to, ind.decimals, ind.unit)
            assert row[4] == area.change_text
    # largest increase first, as the note says nothing else
    changes = [c for c in expected.sort_values("change", ascending=False)["change_text"]
               if c]
    assert [row[4] for row in body][: len(changes)] == changes
    label = page.get_attribute("#change-figure", "aria-label")
    assert label.startswith("Karte: Veränderung") and f"{start}–{end}" in label
    assert page.get_attribute("#change-figure", "role") == "figure"
    _follow_table_link(page, "change-figure", "change-table-region")


def test_a11y302_the_cluster_map_says_which_kreis_is_in_which_cluster(atlas_page, live_url, data):
    page, indicator, year = _open(atlas_page, live_url, data, "ansicht=clusters")
    table = data.table(indicator, year)
    result = spatial.lisa(table.set_index("ags")["value"], spatial.contiguity(data.geojson))
    rows = _wait_rows(page, "cluster-table", len(table))
    names = data.level_of("kreis").areas.set_index("ags")["label"]
    shown = {row[0]: row[3] for row in rows[1:]}
    assert shown == {names[a]: result.cluster[a] for a in table["ags"]}
    # significant clusters before the rest, in the legend's order
    order = [spatial.CLUSTER_ORDER.index(row[3]) for row in rows[1:]]
    assert order == sorted(order)
    assert page.get_attribute("#cluster-figure", "aria-label").startswith(
        f"Karte: Räumliche Cluster {data.indicator(indicator).short_title} {year}")
    _follow_table_link(page, "cluster-figure", "cluster-table-region")


def test_a11y303_in_the_presentation_the_table_is_one_key_away(atlas_page, live_url, data):
    page, indicator, year = _open(atlas_page, live_url, data, "modus=praesentation")
    page.wait_for_selector("html.presenting")
    assert not page.locator("#values-table-region").is_visible()
    button = page.get_by_role("button", name="Tabelle")
    assert button.get_attribute("aria-pressed") == "false"
    page.keyboard.press("t")
    page.wait_for_function("() => document.activeElement.id === 'values-table-region'")
    assert page.locator("#values-table-region").is_visible()
    assert button.get_attribute("aria-pressed") == "true"
    rows = _wait_rows(page, "values-table", len(data.table(indicator, year)) + 1)  # + reference
    top = data.table(indicator, year).sort_values("rank").iloc[0]
    assert rows[1][1] == data.level_of("kreis").areas.set_index("ags").loc[top["ags"], "label"]
    # the map takes the room that is left: table and map do not overlap
    page.wait_for_function("() => document.querySelector('#map .main-svg').getBoundingClientRect()"
                           ".right <= document.querySelector('#values-table-region')"
                           ".getBoundingClientRect().left + 1")
    button.click()
    page.wait_for_function("() => !document.querySelector('#values-table-region').checkVisibility()")
    assert button.get_attribute("aria-pressed") == "false"
