"""Where the names of districts go on a map: one placement for the presentation (drawn in the
browser, ``assets/presentation.js``) and for exported maps (:func:`atlas.export.map_figure`).

Pure: GeoJSON in, lon/lat and texts out.
"""

from __future__ import annotations

from functools import lru_cache

from shapely.geometry import Point, mapping, shape
from shapely.ops import polylabel, unary_union

from atlas.data import AtlasData

#: Degrees the name of a Kreis keeps away from the name of a kreisfreie Stadt.
CITY_CLEARANCE = 0.15


def label_point(geometry: dict) -> tuple[float, float]:
    """Where a district's name goes: the visual centre (pole of inaccessibility) of its largest
    part – unlike the centroid always inside, and as far from the borders as possible, so the
    name of a Kreis around a city keeps its distance from the city's name. Pure: GeoJSON
    geometry in, lon/lat out."""
    geom = shape(geometry)
    largest = max(getattr(geom, "geoms", [geom]), key=lambda part: part.area)
    centre = polylabel(largest, 0.0005)
    if not geom.contains(centre):  # polylabel's tolerance on a sliver: fall back to the centroid
        centre = geom.representative_point()
    return round(centre.x, 5), round(centre.y, 5)


def label_text(name: str, width: int = 12) -> str:
    """A district name on at most two lines: a long name breaks at its last hyphen or space."""
    cut = max(name.rfind("-"), name.rfind(" "))
    if len(name) <= width or cut <= 0:
        return name
    head = name[:cut] + ("-" if name[cut] == "-" else "")
    return f"{head}<br>{name[cut + 1:]}"


def labels(geojson: dict, names: dict[str, str], kinds: dict[str, str] | None = None,
           keep_clear: float = CITY_CLEARANCE) -> dict:
    """Positions and texts of the district names of a GeoJSON (``properties.AGS``).

    The small kreisfreie Städte (``kinds[ags] == "kreisfreie Stadt"``) are placed first; every
    other name keeps ``keep_clear`` degrees away from them where its district allows, so the
    name of a Kreis around a city does not sit on the city's name.
    """
    kinds = kinds or {}
    features = {f["properties"]["AGS"]: f["geometry"] for f in geojson["features"]}
    cities = [a for a in features if kinds.get(a) == "kreisfreie Stadt"]
    points = {a: label_point(features[a]) for a in cities}
    if points and keep_clear > 0:
        clear = unary_union([Point(xy).buffer(keep_clear) for xy in points.values()])
    else:
        clear = None
    for ags, geometry in features.items():
        if ags in points:
            continue
        geom = shape(geometry)
        if clear is not None and geom.intersects(clear):
            rest = geom.difference(clear)
            if not rest.is_empty and rest.area > 0.2 * geom.area:
                geometry = mapping(rest)
        points[ags] = label_point(geometry)
    order = sorted(points)
    return {"lon": [points[a][0] for a in order], "lat": [points[a][1] for a in order],
            "text": [label_text(names.get(a, a)) for a in order], "ags": order}


@lru_cache(maxsize=8)
def kreis_labels(data: AtlasData) -> dict:
    """:func:`labels` of the 22 Kreise (cached per data object)."""
    regions = data.regions
    return labels(data.geojson, dict(zip(regions["ags"], regions["name"])),
                  dict(zip(regions["ags"], regions["kind"])))


def bounds(geojson: dict, margin: float = 0.02) -> tuple[float, float, float, float]:
    """West, south, east, north of all features, widened by ``margin`` degrees."""
    west, south, east, north = unary_union([shape(f["geometry"])
                                            for f in geojson["features"]]).bounds
    return (round(west - margin, 4), round(south - margin, 4), round(east + margin, 4),
            round(north + margin, 4))
