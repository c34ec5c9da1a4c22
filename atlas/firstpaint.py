"""The first paint: the map an address asks for, as plain SVG in the page's HTML.

The interactive map needs React, Dash's renderer, plotly.js (1.4 MB), the layout and a chain of
callbacks before it draws. The page's HTML carries instead, from its first byte, the same map in
the same colours as a small SVG (areas of the level, projected like the page's map: Mercator),
with its title and year: ``assets/firstpaint.js`` keeps it over the map's place until plotly has
drawn the map, then removes it. It is a picture (``aria-hidden``; the page's own map, named and
with its table, follows); it never holds text typed by a user other than escaped.

Pure functions (no Dash, no Flask); the SVG of a view is kept per data object
(:func:`atlas.memo.per_data`), so it lives and dies with the data it shows.
"""

from __future__ import annotations

import logging
import math
from html import escape

from atlas import missing
from atlas.data import AtlasData
from atlas.figures import Display, area_colours, map_view
from atlas.memo import per_data
from atlas.urlstate import parse_state

log = logging.getLogger("atlas")

#: Width of the SVG's coordinate space; heights follow the level's extent.
WIDTH = 1000.0
#: Id of the first paint's frame in the page (assets/firstpaint.js, assets/atlas.css).
FRAME_ID = "first-paint"


def _mercator(lon: float, lat: float) -> tuple[float, float]:
    """Web Mercator in degrees (plotly's ``projection.type = "mercator"``), y upwards."""
    return lon, math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))


def _rings(geometry: dict):
    polygons = (geometry["coordinates"] if geometry["type"] == "MultiPolygon"
                else [geometry["coordinates"]])
    for polygon in polygons:
        yield from polygon


@per_data(maxsize=16)
def level_paths(data: AtlasData, level_id: str) -> tuple[dict[str, str], float]:
    """The areas of a level as SVG path data (key → ``d``) in a box :data:`WIDTH` wide, and the
    box's height. Integer coordinates, repeated points dropped: the Kreise take ≈ 20 KB."""
    features = data.level_geojson(level_id)["features"]
    projected = {}
    for feature in features:
        key = str(feature.get("id") or feature["properties"].get("AGS"))
        projected[key] = [[_mercator(x, y) for x, y, *_ in ring]
                          for ring in _rings(feature["geometry"])]
    xs = [x for rings in projected.values() for ring in rings for x, _ in ring]
    ys = [y for rings in projected.values() for ring in rings for _, y in ring]
    west, east, south, north = min(xs), max(xs), min(ys), max(ys)
    scale = WIDTH / (east - west)
    paths = {}
    for key, rings in projected.items():
        parts = []
        for ring in rings:
            points = []
            for x, y in ring:
                point = (round((x - west) * scale), round((north - y) * scale))
                if not points or points[-1] != point:
                    points.append(point)
            if len(points) >= 3:
                parts.append("M" + "L".join(f"{px} {py}" for px, py in points) + "Z")
        paths[key] = "".join(parts)
    return paths, round((north - south) * scale)


@per_data(maxsize=64)
def map_svg(data: AtlasData, indicator_id: str, year: int, display: Display) -> str:
    """The SVG of one view's map: every area of the indicator's level in its colour, grey
    borders as on the page."""
    view = map_view(data, indicator_id, year, display=display)
    paths, height = level_paths(data, view.level)
    fills = area_colours(view)  # as the map and the ranking fill them
    shapes = "".join(f'<path fill="{fills.get(key, missing.NO_DATA.colour)}" d="{d}"/>'
                     for key, d in paths.items() if d)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="-4 -4 {WIDTH + 8:.0f} '
            f'{height + 8}" preserveAspectRatio="xMidYMid meet" focusable="false">'
            f'<g stroke="#767676" stroke-width="1.2" stroke-linejoin="round">{shapes}</g></svg>')


def first_paint_html(data: AtlasData, query: str) -> str:
    """The first paint for a page address's query: title and map of its view, or "" where the
    page shows something else first (another tab, a zoom, a bad address: the page says why)."""
    try:
        state, problems = parse_state(query, data)
        year = state.year if state.year is not None else data.latest_year(state.indicator)
        if problems or state.tab != "map" or state.zoom or year is None:
            return ""
        svg = map_svg(data, state.indicator, year, state.display)
        title = data.indicator(state.indicator).title
    except Exception:  # noqa: BLE001 - the first paint is a bonus: never a reason to fail a page
        log.exception("Erste Karte für „%s“ nicht gezeichnet", query[:200])
        return ""
    return (f'<div id="{FRAME_ID}" class="first-paint" aria-hidden="true" '
            f'data-indicator="{escape(state.indicator)}" data-year="{year}">'
            f'<p class="first-paint-title">{escape(title)} – {year}</p>{svg}</div>')
