"""Boundaries: read BKG "Ebenen" files, simplify topologically, prepare for plotly geo traces."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import shapely
from shapely.geometry import mapping

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


def to_geojson(frame: gpd.GeoDataFrame, precision: int = 5) -> dict:
    """A compact GeoJSON FeatureCollection (coordinates rounded to ``precision`` decimals)."""
    features = []
    for row in frame.itertuples(index=False):
        geometry = shapely.set_precision(row.geometry, 10**-precision, mode="pointwise")
        geometry = shapely.orient_polygons(geometry, exterior_cw=True)
        features.append(
            {
                "type": "Feature",
                "id": row.AGS,
                "properties": {"AGS": row.AGS, "GEN": row.GEN, "BEZ": row.BEZ},
                "geometry": mapping(geometry),
            }
        )
    return {"type": "FeatureCollection", "features": features}


def geojson_bytes(collection: dict) -> bytes:
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def kind_label(bez: str) -> str:
    """German kind of a Kreis for the UI: "Landkreis" or "kreisfreie Stadt"."""
    return "kreisfreie Stadt" if bez.strip().lower() == KREISFREIE_STADT.lower() else LANDKREIS
