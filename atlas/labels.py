"""Where the names of districts go on a map: one placement for the presentation (drawn in the
browser, ``assets/presentation.js``) and for exported maps (:func:`atlas.export.map_figure`).

Pure: GeoJSON in, lon/lat and texts out.
"""

from __future__ import annotations

import math
import re

from shapely.geometry import Point, mapping, shape
from shapely.ops import polylabel, unary_union
from shapely.prepared import prep

from atlas.data import AtlasData
from atlas.memo import per_data

#: Degrees the name of a Kreis keeps away from the name of a kreisfreie Stadt.
CITY_CLEARANCE = 0.15
LABEL_SIZE = 20  # px at least (22 px from 1600 px width); bold, with a white halo
#: The names' places are computed for these ratios of font size (px) to map scale (px per degree
#: of longitude), from a large screen to a small projector: a map takes the first one at least
#: as large as its own (:func:`variant_for`; the page: ``assets/presentation.js``), so names are
#: never closer than computed (:func:`place_labels`).
LABEL_RATIOS = tuple(round(0.02 * 1.15 ** i, 4) for i in range(16))


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


def label_lines(name: str) -> str:
    """A district name broken at every hyphen and space (the narrowest form of it)."""
    return re.sub(r"(-)|\s+", lambda m: (m.group(1) or "") + "<br>", name)


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
    texts = {a: label_text(names.get(a, a)) for a in order}
    forms = {a: tuple(dict.fromkeys([texts[a], names.get(a, a),
                                     label_lines(names.get(a, a))])) for a in order}
    areas = {a: shape(features[a]) for a in order}
    variants = []
    for ratio in LABEL_RATIOS:
        placed = place_labels(points, forms, areas, LABEL_SIZE, LABEL_SIZE / ratio)
        variants.append({"ratio": ratio, "lon": [placed[a][0] for a in order],
                         "lat": [placed[a][1] for a in order],
                         "text": [placed[a][2] for a in order]})
    return {"lon": [points[a][0] for a in order], "lat": [points[a][1] for a in order],
            "text": [texts[a] for a in order], "ags": order, "variants": variants}


@per_data(maxsize=8)
def kreis_labels(data: AtlasData) -> dict:
    """:func:`labels` of the 22 Kreise (cached per data object)."""
    regions = data.regions
    return labels(data.geojson, dict(zip(regions["ags"], regions["name"])),
                  dict(zip(regions["ags"], regions["kind"])))


#: Most areas whose names a map writes (the 22 Kreise, a few Sozialräume or the Gemeinden of a
#: small Kreis; not 91 Orte or 631 Gemeinden): more would not be readable. Presentation and
#: exported maps alike.
MAX_NAMED_AREAS = 30


@per_data(maxsize=32)
def level_labels(level, keys: tuple[str, ...] | None = None) -> dict:
    """:func:`labels` of the areas of a level (:class:`atlas.levels.registry.Level`), named by
    their unique label, or of those with ``keys`` only (cached per level object and keys)."""
    areas = level.areas
    wanted = None if keys is None else set(keys)
    features = [f for f in level.geojson["features"]
                if wanted is None or f["properties"]["AGS"] in wanted]
    return labels({**level.geojson, "features": features},
                  dict(zip(areas["ags"], areas["label"])), dict(zip(areas["ags"], areas["kind"])))


def bounds(geojson: dict, margin: float = 0.02) -> tuple[float, float, float, float]:
    """West, south, east, north of all features, widened by ``margin`` degrees."""
    boxes = [shape(f["geometry"]).bounds for f in geojson["features"]]
    west, south = min(b[0] for b in boxes), min(b[1] for b in boxes)
    east, north = max(b[2] for b in boxes), max(b[3] for b in boxes)
    return (round(west - margin, 4), round(south - margin, 4), round(east + margin, 4),
            round(north + margin, 4))


@per_data(maxsize=8)
def kreis_bounds(data: AtlasData) -> tuple[float, float, float, float]:
    """:func:`bounds` of the 22 Kreise (cached per data object)."""
    return bounds(data.geojson)


#: Width of a character of the map's bold sans-serif face in em, by kind: narrow, wide, capital,
#: other (a little above the widths Chromium and kaleido render here).
_NARROW = set("iIjlft.,:;'!|-()[] ")
_WIDE = set("mwMWÄÖÜ")
LINE_HEIGHT_EM = 1.2


def text_box(text: str, size: float) -> tuple[float, float]:
    """Width and height in px of a (bold) label ``text`` (lines split at ``<br>``) at ``size`` px:
    a generous estimate, so labels placed apart by it are apart on screen."""
    def width(line: str) -> float:
        return sum(0.36 if c in _NARROW else 0.88 if c in _WIDE else 0.7 if c.isupper() else 0.58
                   for c in line)
    lines = text.split("<br>")
    return max(width(line) for line in lines) * size, len(lines) * size * LINE_HEIGHT_EM


def mercator_y(lat: float) -> float:
    """Latitude in degrees of Mercator ``y`` (the map's projection): one unit spans as many
    pixels as one degree of longitude."""
    return math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))


def mercator_lat(y: float) -> float:
    return math.degrees(2 * math.atan(math.exp(math.radians(y))) - math.pi / 2)


#: Offsets tried for a name that collides, as multiples of its width (left/right) and height
#: (down/up), nearest first.
_STEPS = (0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0)


def place_labels(anchors: dict[str, tuple[float, float]], texts: dict[str, str | tuple[str, ...]],
                 areas: dict[str, object], size: float, px_per_degree: float,
                 gap: float = 3.0) -> dict[str, tuple[float, float, str]]:
    """Where the names go so that no name overlaps another: ``anchors`` (key → lon, lat),
    ``texts`` (key → text, or the forms to try in order, e.g. on two lines and on one; ``<br>``
    breaks a line), ``areas`` (key → shapely geometry: a name's centre stays inside its own
    area), at font ``size`` px on a Mercator map of ``px_per_degree`` px per degree of longitude.
    The smallest areas are placed first (they have the least room); a name that collides moves
    to the nearest free place inside its area, in the first form that fits; ``gap`` px between
    names. Where nothing is free, the place with the least overlap.

    Pure (the presentation's names and an export can share it). Returns key → (lon, lat, text).
    """
    prepared = {key: prep(area) for key, area in areas.items()}
    placed: dict[str, tuple[float, float]] = {}
    boxes: list[tuple[float, float, float, float]] = []

    def box(x, y, w, h):
        return (x - w / 2 - gap, y - h / 2 - gap, x + w / 2 + gap, y + h / 2 + gap)

    def overlap(b) -> float:
        total = 0.0
        for o in boxes:
            dx = min(b[2], o[2]) - max(b[0], o[0])
            dy = min(b[3], o[3]) - max(b[1], o[1])
            if dx > 0 and dy > 0:
                total += dx * dy
        return total

    offsets = (0, *_STEPS[1:], *[-s for s in _STEPS[1:]])
    order = sorted(anchors, key=lambda k: areas[k].area if k in areas else 0.0)
    for key in order:
        lon, lat = anchors[key]
        forms = texts.get(key, key)
        forms = (forms,) if isinstance(forms, str) else tuple(forms)
        x0, y0 = lon * px_per_degree, -mercator_y(lat) * px_per_degree  # px, y downwards
        area = prepared.get(key)
        best, best_cost = (x0, y0, forms[0]), None
        # first inside the area; where no place there is free, right beside it
        for inside in (True, False):
            for text in forms:
                w, h = text_box(text, size)
                candidates = sorted({(dx * w, dy * h) for dx in offsets for dy in offsets},
                                    key=lambda d: math.hypot(*d))
                for dx, dy in candidates:
                    x, y = x0 + dx, y0 + dy
                    cost = overlap(box(x, y, w, h))
                    if best_cost is not None and cost >= best_cost:
                        continue
                    if inside and (dx or dy) and area is not None and not area.contains(
                            Point(x / px_per_degree, mercator_lat(-y / px_per_degree))):
                        continue
                    best, best_cost = (x, y, text), cost
                    if cost == 0:
                        break
                if best_cost == 0:
                    break
            if best_cost == 0:
                break
        w, h = text_box(best[2], size)
        boxes.append(box(best[0], best[1], w, h))
        placed[key] = (round(best[0] / px_per_degree, 5),
                       round(mercator_lat(-best[1] / px_per_degree), 5), best[2])
    return placed


def variant_for(placed: dict, size: float, px_per_degree: float) -> dict:
    """The names' places (:func:`labels`) for a map of ``px_per_degree`` px per degree of
    longitude and names of ``size`` px: the first variant at least as spread out as needed (the
    same rule as the presentation page's), so no two names overlap."""
    variants = placed.get("variants") or []
    if not variants:
        return placed
    ratio = size / px_per_degree
    return next((v for v in variants if v["ratio"] >= ratio), variants[-1])
