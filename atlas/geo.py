"""Boundaries: read BKG "Ebenen" files, simplify topologically, prepare for plotly geo traces."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import mapping, shape

from atlas.errors import SourceError
from atlas.schema import normalise_ags

REQUIRED_ATTRIBUTES = ("AGS", "GEN", "BEZ")
WGS84 = "EPSG:4326"
METRIC_CRS = "EPSG:25832"  # ETRS89 / UTM 32N, the BKG's own metric CRS

KREISFREIE_STADT = "Kreisfreie Stadt"
LANDKREIS = "Landkreis"


def read_boundaries(path: Path, level: str = "kreis", land: str = "16") -> gpd.GeoDataFrame:
    """Read a BKG boundary file in any format geopandas reads (GeoJSON, GeoPackage, Shapefile).

    Parameters
    ----------
    path
        The file.
    level
        ``"kreis"`` keeps 5-digit keys, ``"gemeinde"`` 8-digit keys.
    land
        Keep only keys of this Land (``"16"`` = Thüringen); ``""`` keeps all.

    Returns
    -------
    GeoDataFrame
        Columns ``AGS, GEN, BEZ, geometry`` in EPSG:4326, sorted by AGS.
    """
    path = Path(path)
    if not path.exists():
        raise SourceError(path, "Grenzdatei nicht gefunden")
    try:
        frame = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises many kinds for unreadable files
        raise SourceError(path, f"Grenzdatei nicht lesbar ({exc})") from exc
    missing = [a for a in REQUIRED_ATTRIBUTES if a not in frame.columns]
    if missing:
        raise SourceError(
            path,
            f"Attribut(e) {', '.join(missing)} fehlen",
            hint="Erwartet wird das BKG-Schema „Ebenen“ (AGS, GEN, BEZ).",
        )
    if frame.crs is None:
        raise SourceError(path, "kein Koordinatenbezugssystem angegeben")
    frame = frame.to_crs(WGS84)
    frame["AGS"] = frame["AGS"].map(normalise_ags)
    digits = 5 if level == "kreis" else 8
    keep = frame["AGS"].str.len() == digits
    if land:
        keep &= frame["AGS"].str.startswith(land)
    frame = frame.loc[keep, ["AGS", "GEN", "BEZ", "geometry"]]
    # VG5000 can hold several parts of one region (e.g. with GF attribute); dissolve by key
    frame = frame.dissolve(by="AGS", aggfunc="first", as_index=False)
    if frame.empty:
        raise SourceError(path, f"keine Gebiete mit {digits}-stelligem AGS {land}… gefunden")
    invalid = ~frame.geometry.is_valid
    if invalid.any():
        frame.loc[invalid, "geometry"] = frame.loc[invalid, "geometry"].make_valid()
    return frame.sort_values("AGS").reset_index(drop=True)


def simplify(frame: gpd.GeoDataFrame, tolerance_m: float = 250.0) -> gpd.GeoDataFrame:
    """Simplify shared borders topologically (neighbours keep identical borders), keep validity and
    orient rings clockwise as plotly's geo traces need."""
    metric = frame.to_crs(METRIC_CRS)
    simplified = metric.geometry.simplify_coverage(tolerance_m)
    out = frame.copy()
    out["geometry"] = gpd.GeoSeries(simplified, crs=METRIC_CRS).to_crs(WGS84).values
    out["geometry"] = shapely.orient_polygons(out.geometry.values, exterior_cw=True)
    invalid = ~out.geometry.is_valid
    if invalid.any():
        raise ValueError(f"Vereinfachung erzeugte ungültige Geometrien: {list(out.AGS[invalid])}")
    return out


def to_geojson(frame: gpd.GeoDataFrame, precision: int = 5, extra: tuple[str, ...] = ()) -> dict:
    """A compact GeoJSON FeatureCollection (coordinates rounded to ``precision`` decimals) with the
    properties ``AGS, GEN, BEZ`` and the ``extra`` columns of ``frame`` (e.g. ``KREIS``)."""
    features = []
    for row in frame.itertuples(index=False):
        geometry = shapely.set_precision(row.geometry, 10**-precision, mode="pointwise")
        geometry = shapely.orient_polygons(geometry, exterior_cw=True)
        properties = {"AGS": row.AGS, "GEN": row.GEN, "BEZ": row.BEZ}
        properties.update({name: getattr(row, name) for name in extra})
        features.append(
            {
                "type": "Feature",
                "id": row.AGS,
                "properties": properties,
                "geometry": mapping(geometry),
            }
        )
    return {"type": "FeatureCollection", "features": features}


def containing_region(parts: gpd.GeoDataFrame, regions: gpd.GeoDataFrame) -> pd.DataFrame:
    """For every feature of ``parts`` (e.g. Gemeinden) the feature of ``regions`` (e.g. the current
    Kreise) that holds the largest share of its area.

    Returns
    -------
    DataFrame
        ``AGS`` (of the part), ``region`` (AGS of the region or ``""`` when none overlaps) and
        ``share`` (0–1: the part's area inside that region).
    """
    a = parts[["AGS", "geometry"]].to_crs(METRIC_CRS)
    b = regions[["AGS", "geometry"]].rename(columns={"AGS": "region"}).to_crs(METRIC_CRS)
    pieces = gpd.overlay(a, b, how="intersection", keep_geom_type=True)
    pieces["piece"] = pieces.geometry.area
    best = pieces.sort_values("piece").drop_duplicates("AGS", keep="last").set_index("AGS")
    area = a.set_index("AGS").geometry.area
    out = pd.DataFrame({"AGS": a["AGS"].values})
    out["region"] = out["AGS"].map(best["region"]).fillna("")
    out["share"] = (out["AGS"].map(best["piece"]) / out["AGS"].map(area)).fillna(0.0).values
    return out


def area_km2(frame: gpd.GeoDataFrame) -> dict[str, float]:
    """``{AGS: area in km²}`` of the features (measured in :data:`METRIC_CRS`: UTM's scale error
    in Thuringia is below 0.1 % of an area; VG5000's generalisation a little more)."""
    metric = frame[["AGS", "geometry"]].to_crs(METRIC_CRS)
    return dict(zip(metric["AGS"], metric.geometry.area / 1e6))


def boundary_lines(collection: dict, key: str) -> dict[str | None, tuple[list, list]]:
    """Outlines of the groups of a FeatureCollection that share the property ``key`` (e.g. the
    Kreise as unions of their Gemeinden), for a line trace drawn on top of a choropleth.

    The outlines follow the (topologically simplified) polygons exactly. Returns per group value
    its outline and under ``None`` the whole network with every shared border once, each as
    ``(lon, lat)`` lists with ``None`` between the lines (plotly's gap marker).
    """
    groups: dict[str, list] = {}
    for feature in collection.get("features", []):
        value = (feature.get("properties") or {}).get(key)
        if value is not None:
            groups.setdefault(str(value), []).append(shape(feature["geometry"]))
    unions = {value: shapely.union_all(geoms) for value, geoms in groups.items()}
    out = {value: _line_coordinates(union.boundary) for value, union in unions.items()}
    if unions:
        network = shapely.line_merge(shapely.union_all([u.boundary for u in unions.values()]))
        out[None] = _line_coordinates(network)
    else:
        out[None] = ([], [])
    return out


def _line_coordinates(lines) -> tuple[list, list]:
    lon: list = []
    lat: list = []
    for line in getattr(lines, "geoms", [lines]):
        if line.is_empty:
            continue
        if lon:
            lon.append(None)
            lat.append(None)
        for x, y in line.coords:
            lon.append(round(x, 5))
            lat.append(round(y, 5))
    return lon, lat


def geojson_bytes(collection: dict) -> bytes:
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def kind_label(bez: str) -> str:
    """German kind of a Kreis for the UI: "Landkreis" or "kreisfreie Stadt"."""
    return "kreisfreie Stadt" if bez.strip().lower() == KREISFREIE_STADT.lower() else LANDKREIS


def gemeinde_kind(bez: str, kreisfrei: bool) -> str:
    """German kind of a Gemeinde for the UI: "kreisfreie Stadt", "Stadt" or "Gemeinde"."""
    if kreisfrei:
        return "kreisfreie Stadt"
    return "Stadt" if "stadt" in bez.strip().lower() else "Gemeinde"
