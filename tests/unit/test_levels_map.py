"""The map of an own level is drawn by the same builders as the Kreis and Gemeinde maps: its
areas named as the planner named them, its boundaries' source and Gebietsstand cited, the Kreis
borders over it, zoomable to a Kreis, its years as frames; the page's routes serve its
boundaries and list it in /api/levels."""

from __future__ import annotations

import json

import pytest

from atlas import figures, geo
from tests.conftest import OWN_COUNT, OWN_LEVEL, own_level_parts


@pytest.fixture(scope="module")
def view(own_level_data):
    year = own_level_data.latest_year(OWN_COUNT)
    return figures.map_view(own_level_data, OWN_COUNT, year)


def test_the_level_is_offered_and_ranked_among_its_own_areas(own_level_data, view):
    level = own_level_data.level_of(OWN_LEVEL)
    assert OWN_LEVEL in own_level_data.available_levels()
    assert [i.id for i in own_level_data.available_indicators(level=OWN_LEVEL)] == [OWN_COUNT]
    assert view.level == OWN_LEVEL and len(view.table) == len(level)
    n = len(level)
    ranked = view.table["rank"].notna()
    assert ranked.sum() == view.table["value"].notna().sum()
    assert all(f"Rang {int(r)} von {n}" in h
               for r, h, ok in zip(view.table["rank"], view.hover, ranked) if ok)
    assert level.attribution in view.source_line.replace("&lt;", "<").replace("&gt;", ">")


def test_hover_names_the_area_its_kind_and_kreis(own_level_data, view):
    level = own_level_data.level_of(OWN_LEVEL)
    kreis_name = own_level_data.region_name(level.areas["kreis"].iloc[0])
    for (ags, name), hover in zip(view.table[["ags", "name"]].itertuples(index=False), view.hover):
        assert hover.startswith(f"<b>{level.name(ags)}</b><br>Ort, {kreis_name}<br>"), hover
        assert name in level.name(ags)


def test_the_map_draws_its_areas_with_the_kreis_borders_over_them(own_level_data, view, data):
    level = own_level_data.level_of(OWN_LEVEL)
    fig = figures.choropleth(own_level_data, view)
    traces = fig.data
    assert traces[figures.MAP_TRACE].name == level.title
    assert sorted(traces[figures.MAP_TRACE].locations) == sorted(level.keys)
    outline = traces[figures.OUTLINE_TRACE]
    assert outline.name == "Kreisgrenzen" and len(outline.lon) > 0
    # the borders are those of the Kreise the level lies in (here one), so the map fits them,
    # not all of Thuringia; zoomed to that Kreis: all its areas, the same outline
    kreis = level.areas["kreis"].iloc[0]
    assert set(level.areas["kreis"]) == {kreis}
    every_kreis = geo.boundary_lines(own_level_data.level_of("kreis").geojson, "AGS")[None]
    assert 0 < len(outline.lon) < len(every_kreis[0]) / 5
    zoomed = figures.choropleth(own_level_data, view, kreis=kreis)
    assert sorted(zoomed.data[figures.MAP_TRACE].locations) == sorted(level.in_kreis(kreis))
    assert list(zoomed.data[figures.OUTLINE_TRACE].lon) == list(outline.lon)
    # and a Kreis where none of its areas lies shows them all (no empty map)
    other = next(k for k in data.regions["ags"] if k != kreis)
    assert len(figures.choropleth(own_level_data, view, kreis=other)
               .data[figures.MAP_TRACE].locations) == len(level)


def test_screen_figure_names_the_boundaries_by_url_and_frames_cover_every_year(own_level_data):
    year = own_level_data.latest_year(OWN_COUNT)
    url = f"/geo/{OWN_LEVEL}.geojson?v=x"
    figure = figures.screen_figure(own_level_data, OWN_COUNT, year, geometry_url=url)
    assert figure["data"][figures.MAP_TRACE]["geojson"] == url
    frames = figures.level_frames(own_level_data, OWN_COUNT)
    assert list(frames["sets"]) == [OWN_COUNT]
    assert frames["sets"][OWN_COUNT]["years"] == own_level_data.years(OWN_COUNT)


def test_values_on_the_map_are_the_imported_ones(own_level_data, view, data):
    _, _, _, values = own_level_parts(data)
    shown = dict(zip(view.table["ags"], view.table["value"]))
    assert shown == dict(zip(values["ags"], values["value"]))


@pytest.fixture
def stored_level(app_module):
    """The own level in the app's store for one test (deleted afterwards)."""
    from atlas.data import data_changed, get_data, own_store
    from atlas.store import OwnLevel

    data = get_data()
    _, areas, links, _ = own_level_parts(data)
    own_store().add_level(OwnLevel(id=OWN_LEVEL, title="Orte im Kreis", singular="Ort",
                                   gebietsstand="01.01.2021", source="BKG VG5000",
                                   visibility="oeffentlich"),  # published: the API lists it
                          areas, links)
    data_changed()
    yield len(areas)
    own_store().delete_level(OWN_LEVEL, with_data=True)
    data_changed()


def test_api_lists_every_level_and_serves_the_boundaries(app_module, stored_level):
    client = app_module.server.test_client()
    listed = client.get("/api/levels").get_json()["levels"]
    by_id = {level["id"]: level for level in listed}
    assert list(by_id)[:2] == ["kreis", "gemeinde"]
    assert by_id["kreis"]["areas"] == 22 and by_id["gemeinde"]["parent"] == "kreis"
    assert by_id[OWN_LEVEL] == {"id": OWN_LEVEL, "title": "Orte im Kreis",
                                "areas": stored_level, "parent": "kreis",
                                "gebietsstand": "01.01.2021", "source": "BKG VG5000",
                                "licence": "", "own": True}
    response = client.get(f"/geo/{OWN_LEVEL}.geojson")
    assert response.status_code == 200
    assert len(json.loads(response.data)["features"]) == stored_level
    assert client.get("/geo/gibtsnicht.geojson").status_code == 404
