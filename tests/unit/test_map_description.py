"""The map's description (atlas.figures.map_description): everything the page's one renderer
draws, with traces tagged by role and every assignment addressed by role."""

from __future__ import annotations

import json

from atlas import figures
from atlas.levels.registry import KREIS


def _roles(figure: dict) -> list:
    return [(t.get("meta") or {}).get("role") for t in figure["data"]]


def test_every_trace_of_the_map_is_tagged_with_its_role(data):
    description = figures.map_description(data, "sgb2_quote", data.latest_year("sgb2_quote"))
    roles = _roles(description["figure"])
    assert roles.count(figures.ROLE_AREAS) == 1
    assert roles.count(figures.ROLE_LEGEND) == figures.LEGEND_SLOTS
    for role in (figures.ROLE_HALO, figures.ROLE_SELECTION, figures.ROLE_LABELS):
        assert roles.count(role) == 1
    assert set(roles) <= set(figures.ROLES)
    slots = [t["meta"]["slot"] for t in description["figure"]["data"]
             if t["meta"]["role"] == figures.ROLE_LEGEND]
    assert slots == list(range(figures.LEGEND_SLOTS))
    # below the Kreise the Kreis borders are a role of their own
    gemeinde = data.available_indicators(level="gemeinde")[0].id
    below = figures.map_description(data, gemeinde, data.latest_year(gemeinde))
    assert _roles(below["figure"]).count(figures.ROLE_OUTLINE) == 1


def test_no_assignment_names_a_trace_by_position(data):
    description = figures.map_description(data, "sgb2_quote", data.latest_year("sgb2_quote"),
                                          selected=("16053",))
    frames = description["frames"]["sets"]["sgb2_quote"]
    ops = (frames["base"] + [op for f in frames["frames"].values() for op in f]
           + description["overlays"]["present"] + description["overlays"]["fit"]
           + description["overlays"]["normal"])
    assert ops
    for path, _ in ops:
        assert path[0] == "layout" or path[0] in figures.ROLES, path
        assert path[0] != "data"


def test_composing_a_year_gives_exactly_the_map_of_that_year(data):
    years = data.years("kinderarmut")
    description = figures.map_description(data, "kinderarmut", years[-1], selected=("16053",))
    for year in (years[0], years[len(years) // 2]):
        shown = figures.compose(description, "kinderarmut", year)
        expected = figures.screen_figure(data, "kinderarmut", year, selected=("16053",))
        roles = figures.trace_roles(shown)
        areas = shown["data"][roles[figures.ROLE_AREAS]]
        for key in ("z", "text", "customdata", "locations", "colorscale"):
            assert list(areas[key]) == list(expected["data"][figures.MAP_TRACE][key]), key
        assert areas["marker"]["line"] == expected["data"][figures.MAP_TRACE]["marker"]["line"]
        assert shown["layout"]["meta"]["year"] == year
        assert shown["layout"]["annotations"][0]["text"] == \
            expected["layout"]["annotations"][0]["text"]
    # the geometry is shared, never copied
    assert shown["data"][0]["geojson"] is description["figure"]["data"][0]["geojson"]


def test_presentation_outlines_the_selection_and_names_the_kreise(data):
    year = data.latest_year("sgb2_quote")
    description = figures.map_description(data, "sgb2_quote", year, selected=("16053",))
    normal = figures.compose(description, "sgb2_quote", year)
    present = figures.compose(description, "sgb2_quote", year, presenting=True)
    roles = figures.trace_roles(present)
    for role in (figures.ROLE_HALO, figures.ROLE_SELECTION, figures.ROLE_LABELS):
        assert normal["data"][roles[role]]["visible"] is False
        assert present["data"][roles[role]]["visible"] is True
    outline = present["data"][roles[figures.ROLE_SELECTION]]
    points = [x for x in outline["lon"] if x is not None]
    assert len(points) > 20 and None in outline["lon"]
    feature = next(f for f in data.geojson["features"] if f["properties"]["AGS"] == "16053")
    ring = (feature["geometry"]["coordinates"][0] if feature["geometry"]["type"] == "Polygon"
            else feature["geometry"]["coordinates"][0][0])
    assert [p[0] for p in ring] == outline["lon"][:len(ring)]  # the Kreis's own border
    labels = present["data"][roles[figures.ROLE_LABELS]]
    assert len(labels["text"]) == len(data.regions)
    assert present["layout"]["legend"]["font"]["size"] >= 20
    assert present["layout"]["geo"]["fitbounds"] is False  # the Kreis map: fitted box
    # normal mode sets the normal values of every path presentation mode changes
    assert normal["layout"]["geo"]["fitbounds"] == "locations"
    assert normal["layout"]["geo"]["domain"] == {"x": [0.0, 1.0], "y": [0.0, 1.0]}
    assert normal["layout"]["legend"]["yanchor"] == figures.SCREEN_LAYOUT["legend"]["yanchor"]
    # without a selection there is no outline; without names the names are hidden
    plain = figures.map_description(data, "sgb2_quote", year)
    bare = figures.compose(plain, "sgb2_quote", year, presenting=True, names=False)
    assert bare["data"][roles[figures.ROLE_SELECTION]]["visible"] is False
    assert bare["data"][roles[figures.ROLE_LABELS]]["visible"] is False


def test_below_the_kreise_the_zoom_moves_areas_outline_and_names(data):
    gemeinde = data.available_indicators(level="gemeinde")[0].id
    year = data.latest_year(gemeinde)
    kreis = "16066"
    description = figures.map_description(data, gemeinde, year)
    assert description["overlays"]["fit"] == []  # zooms by its locations: keeps fitbounds
    assert description["overlays"]["selection"] == {"lon": [], "lat": []}
    view = figures.map_view(data, gemeinde, year)
    placement = figures.map_placement(data, view, ("16053",), kreis)
    assert {tuple(p) for p, _ in placement["update"]} == {
        (figures.ROLE_AREAS, "locations"), (figures.ROLE_OUTLINE, "lon"),
        (figures.ROLE_OUTLINE, "lat")}
    zoomed = figures.compose({**description, "update": placement["update"]}, gemeinde, year)
    roles = figures.trace_roles(zoomed)
    located = zoomed["data"][roles[figures.ROLE_AREAS]]["locations"]
    assert sorted(located) == sorted(data.level_of("gemeinde").in_kreis(kreis))
    # the frames of the zoom: the values of exactly those areas, in the same order
    frames = figures.level_frames(data, gemeinde, kreis=kreis)["sets"][gemeinde]
    shown = figures.compose({**description, "update": placement["update"],
                             "frames": {"sets": {gemeinde: frames}}}, gemeinde, year)
    assert len(shown["data"][roles[figures.ROLE_AREAS]]["z"]) == len(located)
    assert placement["labels"]["ags"] == [kreis]  # the names of the zoomed Kreis only
    assert placement["selection"] == {"lon": [], "lat": []}  # Kreise are outlined on their map


def test_the_description_is_plain_json_and_sends_its_geometry_once(data):
    year = data.latest_year("sgb2_quote")
    description = figures.map_description(data, "sgb2_quote", year)
    text = json.dumps(description)  # plain data: no plotly objects, no Dash
    assert text.count('"coordinates"') == len(data.geojson["features"])
    assert description["level"] == KREIS and description["indicator"] == "sgb2_quote"
    url = "/geo/gemeinde.json?v=1"
    gemeinde = data.available_indicators(level="gemeinde")[0].id
    below = figures.map_description(data, gemeinde, data.latest_year(gemeinde), geometry_url=url)
    assert below["figure"]["data"][0]["geojson"] == url
    assert '"coordinates"' not in json.dumps(below)
    first = figures.map_description(data, "sgb2_quote", year, frames=False)
    assert first["frames"] == {}  # the page's first description: the server sends the frames


def test_apply_ops_skips_roles_the_figure_lacks_and_copies_only_along_paths(data):
    description = figures.map_description(data, "sgb2_quote", data.latest_year("sgb2_quote"))
    figure = description["figure"]
    before = json.dumps(figure, sort_keys=True)
    out = figures.apply_ops(figure, [[[figures.ROLE_OUTLINE, "lon"], [1.0]],
                                     [[figures.ROLE_LEGEND, 0, "name"], "x"],
                                     [[figures.ROLE_LEGEND, 99, "name"], "y"]])
    assert json.dumps(figure, sort_keys=True) == before  # the description is not changed
    assert out["data"][figures.trace_roles(out)[figures.ROLE_LEGEND][0]]["name"] == "x"
    assert out["data"][0] is figure["data"][0]


def test_no_callback_writes_the_map_figure(app_module):
    """The page's renderer is the one writer of the map: no server or clientside callback has
    the map's figure as output (also not as a duplicate output)."""
    outputs = [o.split("@")[0] for key in app_module.app.callback_map
               for o in key.strip(".").split("...")]
    assert "map-description.data" in outputs and "map-rendered.data" in outputs
    assert "map.figure" not in outputs


def test_below_the_kreise_the_names_are_those_of_the_kreise_shown(data):
    gemeinde = data.available_indicators(level="gemeinde")[0].id
    view = figures.map_view(data, gemeinde, data.latest_year(gemeinde))
    everything = figures.map_placement(data, view)["labels"]
    assert sorted(everything["ags"]) == sorted(data.regions["ags"])
    zoomed = figures.map_placement(data, view, (), "16067")["labels"]
    assert zoomed["ags"] == ["16067"]
    assert all(len(v["text"]) == 1 for v in zoomed["variants"])
