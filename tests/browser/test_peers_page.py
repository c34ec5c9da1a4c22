"""The tab "Ähnliche Gebiete und Typen" in the browser: at the Kreise with a selected Kreis and at
an own level (tests/peers_level.py). Expected areas and types come from the built data via
atlas.composite.peers (its results are checked against the definitions in
tests/unit/test_peers.py)."""

from __future__ import annotations

import pytest

from atlas import figures
from atlas.composite import peers
from tests.browser.conftest import choose_option, text_of
from tests.peers_level import PEER_LEVEL, PEER_RATES, add_peer_level

pytestmark = pytest.mark.browser

SIMILAR_ROWS = "#peers-similar tbody tr"


def _legend(page) -> list[str]:
    """The names of the visible legend entries of the types map."""
    return page.evaluate(
        "() => document.querySelector('#peers-map .js-plotly-plot')._fullData"
        ".filter(t => t.meta && t.meta.role === 'legend' && t.visible === true)"
        ".map(t => t.name)")


def _wait_for_legend(page, count: int) -> None:
    page.wait_for_function(
        "n => { const p = document.querySelector('#peers-map .js-plotly-plot');"
        " return p && p._fullData && p._fullData.filter("
        "   t => t.meta && t.meta.role === 'legend' && t.visible === true).length === n; }",
        arg=count, timeout=30000)


def _expected_legend(types: peers.AreaTypes) -> list[str]:
    names = [f"{figures.legend_name(t.name)} ({t.size})" for t in types.types]
    return names + ([f"{peers.UNASSIGNED} ({len(types.unassigned)})"] if types.unassigned else [])


def _similar_names(page) -> list[str]:
    return [row.split("\t")[1].strip() for row in page.locator(SIMILAR_ROWS).all_inner_texts()]


def test_peers001_kreis_similar_areas_and_types(atlas_page, live_url, data, tmp_path):
    kreis = "16051"
    year = data.latest_year("sgb2_quote")
    ids = peers.default_indicators(data, "kreis")
    similar = peers.similar_areas(data, "kreis", kreis, ids, year)
    types = peers.area_types(data, "kreis", ids, peers.DEFAULT_K, year)
    atlas_page.open(f"{live_url}/?indicator=sgb2_quote&year={year}&kreise={kreis}")
    page = atlas_page.page
    page.get_by_role("tab", name="Ähnliche Gebiete und Typen").click()
    text_of(page, "#peers-similar", similar.peers[-1].name)
    # the table lists the most similar Kreise, nearest first, with where they differ most
    assert _similar_names(page) == [p.name for p in similar.peers]
    first = page.locator(SIMILAR_ROWS).first.inner_text()
    assert similar.peers[0].distance_text in first
    difference = similar.peers[0].differences[0]
    assert (f"{difference.title}: {difference.peer_value} (bei {similar.name}: "
            f"{difference.area_value})") in first
    assert page.inner_text("#peers-years") == similar.years_text
    # the types: a map whose legend names them, a table of their areas, the caveat (22 Kreise)
    _wait_for_legend(page, len(_expected_legend(types)))
    assert _legend(page) == _expected_legend(types)
    assert page.locator("#peers-map .choroplethlocation").count() == len(data.regions)
    table = page.inner_text("#peers-types")
    for t in types.types:
        assert t.name in table and ", ".join(t.names) in table
    assert "Hinweis zur Aussagekraft" in page.inner_text("#peers-caveat")
    # another number of types: the map and the table follow
    five = peers.area_types(data, "kreis", ids, 5, year)
    choose_option(page, "peers-k", "5")
    _wait_for_legend(page, len(_expected_legend(five)))
    assert _legend(page) == _expected_legend(five)
    text_of(page, "#peers-types", five.types[-1].name)
    page.screenshot(path=str(tmp_path / "peers_kreis.png"), full_page=True)
    # to the Gemeinden: the tab takes the level's indicators and types its Gemeinden
    page.get_by_role("radio", name="Gemeinden").check()
    gemeinde_ids = peers.default_indicators(data, "gemeinde")
    page.wait_for_function(
        "n => document.querySelectorAll('#peers-map .choroplethlocation').length === n",
        arg=len(data.level_of("gemeinde")), timeout=30000)
    atlas_page.settle()
    shown = page.inner_text("#peers-indicators")
    assert all(data.indicator(i).short_title in shown or data.indicator(i).title in shown
               for i in gemeinde_ids)
    assert "kein Gebiet der Ebene „Gemeinden“" in page.inner_text("#peers-similar")
    assert atlas_page.console == [] and atlas_page.failed == []


@pytest.fixture
def peer_level(own_levels_to_remove, data):
    """The own level of tests/peers_level.py in the live server's store (removed afterwards)."""
    from atlas.data import data_changed, own_store

    own_levels_to_remove.append(PEER_LEVEL)
    add_peer_level(own_store(), data)
    data_changed()
    return PEER_LEVEL


def test_peers002_own_level(atlas_page, live_url, peer_level, tmp_path):
    from atlas.data import get_data

    data = get_data()
    level = data.level_of(peer_level)
    ids = peers.default_indicators(data, peer_level)
    assert ids == list(PEER_RATES)
    indicator = ids[0]
    year = data.latest_year(indicator)
    key = level.keys[len(level.keys) // 2]
    similar = peers.similar_areas(data, peer_level, key, ids, year)
    types = peers.area_types(data, peer_level, ids, peers.DEFAULT_K, year)
    page = atlas_page.page
    page.goto(f"{live_url}/?indicator={indicator}&year={year}&kreise={key}&ansicht=peers")
    text_of(page, "#peers-similar", similar.peers[-1].name)
    assert _similar_names(page) == [p.name for p in similar.peers]
    _wait_for_legend(page, len(_expected_legend(types)))
    assert _legend(page) == _expected_legend(types)
    page.wait_for_function("n => document.querySelectorAll('#peers-map .choroplethlocation')"
                           ".length === n", arg=len(level), timeout=30000)
    # the indicator choice offers the level's indicators only
    chosen = page.inner_text("#peers-indicators")
    assert all(data.indicator(i).title in chosen or data.indicator(i).short_title in chosen
               for i in ids)
    page.screenshot(path=str(tmp_path / "peers_own.png"), full_page=True)
    assert atlas_page.console == [] and atlas_page.failed == []
