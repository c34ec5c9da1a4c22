"""Map frames: every year of an indicator as patches the browser applies on a change of year."""

from __future__ import annotations

from atlas import figures


def _apply(figure: dict, ops: list) -> dict:
    """Assignments of :func:`figures.patch_ops` on a plain figure dict (what the browser's
    renderer does: paths by trace role)."""
    return figures.apply_ops(figure, ops)


def test_map_frames_give_every_year_exactly_the_map_of_that_year(data):
    years = data.years("sgb2_quote")
    frames = figures.map_frames(data, "sgb2_quote", selected=["16053"])
    assert frames["indicator"] == "sgb2_quote" and frames["years"] == years
    assert set(frames["frames"]) == {str(y) for y in years}
    start = figures.choropleth(data, figures.map_view(data, "sgb2_quote", years[-1]),
                               ["16053"]).to_plotly_json()
    for year in (years[0], years[len(years) // 2]):
        shown = _apply(start, frames["base"] + frames["frames"][str(year)])
        expected = figures.choropleth(data, figures.map_view(data, "sgb2_quote", year),
                                      ["16053"]).to_plotly_json()
        for key in ("z", "text", "customdata", "hovertemplate", "colorscale"):
            assert list(shown["data"][0][key]) == list(expected["data"][0][key]), key
        assert shown["layout"]["annotations"][0]["text"] == \
            expected["layout"]["annotations"][0]["text"]
        assert shown["layout"]["legend"]["title"]["text"] == \
            expected["layout"]["legend"]["title"]["text"]
        assert [t["name"] for t in shown["data"][1:9]] == [t["name"] for t in expected["data"][1:9]]
    # no geometry and no order of regions: those come with the level, zoom and selection
    ops = frames["base"] + [op for f in frames["frames"].values() for op in f]
    assert not any(path[-1] in ("locations", "geojson") for path, _ in ops)
    assert len(str(frames)) < 40_000  # 12 years of 22 Kreise, without hover texts per region


def test_the_gemeinde_level_sends_the_frames_of_all_its_indicators_at_once(data):
    gemeinde = [i.id for i in data.available_indicators(level="gemeinde")]
    assert len(gemeinde) >= 2
    frames = figures.level_frames(data, gemeinde[-1])
    assert set(frames["sets"]) == set(gemeinde)  # switching among them needs no server
    for indicator, frameset in frames["sets"].items():
        assert frameset["years"] == data.years(indicator)
    kreis = figures.level_frames(data, "sgb2_quote")
    assert list(kreis["sets"]) == ["sgb2_quote"]  # Kreis indicators come one at a time
    # the digest names the content: same content, same digest; another display, another one
    assert figures.level_frames(data, gemeinde[0])["digest"] == frames["digest"]
    other = figures.level_frames(data, gemeinde[0], figures.Display(k=3))
    assert other["digest"] != frames["digest"]


def test_the_screen_figure_carries_the_geometry_object_itself(data):
    gemeinde = [i.id for i in data.available_indicators(level="gemeinde")][0]
    figure = figures.screen_figure(data, gemeinde, data.years(gemeinde)[-1])
    assert figure["data"][0]["geojson"] is data.gemeinde_geojson
    assert len(figure["data"][0]["locations"]) == len(data.gemeinden)
    assert figure["data"][-1]["name"] == "Kreisgrenzen"


def test_the_gemeinde_geometry_is_a_file_the_browser_keeps(data, app_module):
    from atlas.api import geometry_url

    client = app_module.server.test_client()
    url = geometry_url(data, "gemeinde")
    response = client.get(url)
    assert response.status_code == 200
    assert "immutable" in response.headers["Cache-Control"]
    collection = response.get_json(force=True)
    assert len(collection["features"]) == len(data.gemeinden)
    assert all("HOVER" in f["properties"] for f in collection["features"])
    again = client.get(url, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    assert client.get("/geo/bundeslaender.geojson").status_code == 404
    gemeinde = [i.id for i in data.available_indicators(level="gemeinde")][0]
    figure = figures.screen_figure(data, gemeinde, data.years(gemeinde)[-1], geometry_url=url)
    assert figure["data"][0]["geojson"] == url


def test_the_geometry_file_travels_compressed(data, app_module):
    """A browser that accepts brotli or gzip gets the boundaries packed to a fraction of their
    size, and they unpack to exactly the file; a client without compression gets them plain."""
    import gzip
    import json

    import brotli

    from atlas.api import geometry_url

    client = app_module.server.test_client()
    url = geometry_url(data, "gemeinde")
    plain = client.get(url)
    assert "Content-Encoding" not in plain.headers
    for accept, encoding, unpack in (("gzip, deflate, br, zstd", "br", brotli.decompress),
                                     ("gzip", "gzip", gzip.decompress)):
        packed = client.get(url, headers={"Accept-Encoding": accept})
        assert packed.headers["Content-Encoding"] == encoding
        assert "Accept-Encoding" in packed.headers["Vary"]
        assert len(packed.data) < len(plain.data) / 3
        assert json.loads(unpack(packed.data)) == json.loads(plain.data)


def test_every_year_gives_the_legend_entries_one_width_for_the_longest_name(data):
    """The screen legend's rows must not change from year to year: plotly sizes the bottom
    margin to the legend, and a new margin moves the map (and draws it anew). Every entry gets
    the width of the longest entry name of any year (at least 7 px a character at 14 px)."""
    for indicator in ("sgb2_quote", *[i.id for i in data.available_indicators(level="gemeinde")][:2]):
        frames = figures.map_frames(data, indicator)
        names = [value for ops in [frames["base"], *frames["frames"].values()]
                 for path, value in ops if path[0] == "legend" and path[-1] == "name" and value]
        assert names, indicator
        widths = [value for path, value in frames["base"]
                  if path == ["layout", "legend", "entrywidth"]]
        assert len(widths) == 1 and widths[0] >= 7 * max(len(n) for n in names), indicator
        assert ["layout", "legend", "entrywidthmode"] in [p for p, _ in frames["base"]]
        assert not any(path[:2] == ["layout", "legend"] and "entrywidth" in path[-1]
                       for ops in frames["frames"].values() for path, _ in ops)
