"""Own levels as the atlas holds them: from the stored rows of :mod:`atlas.store` to
:class:`~atlas.levels.registry.Level` objects (once per revision of the store), and from a
checked :class:`~atlas.levels.types.AreaSet` to the rows the store keeps."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely

from atlas import geo
from atlas.levels import wording
from atlas.levels.registry import AREA_COLUMNS, GEMEINDE, KREIS, Level
from atlas.levels.types import AreaSet
from atlas.schema import Col

#: Simplification of own boundaries for the map, in metres: city districts are a few hundred
#: metres wide, so far finer than the 250 m of the Land's Kreis and Gemeinde maps.
OWN_TOLERANCE_M = 10.0
#: An own area nests in a Kreis when at least this part of it lies inside the Kreis.
NESTED_SHARE = 0.95
#: Coordinate decimals of own boundaries (≈ 1 m).
OWN_PRECISION = 5


def area_rows(areas: AreaSet) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ``areas`` (``key, name, geometry``) and ``links`` (with ``member``) of a checked
    area set, as :meth:`atlas.store.Store.add_level` takes them."""
    frame = pd.DataFrame({"key": areas.areas["key"].astype(str),
                          "name": areas.areas["name"].astype(str),
                          "geometry": list(areas.areas.geometry.values)})
    links = areas.links.copy()
    links["member"] = 0
    if areas.members is not None and len(areas.members):
        member = set(zip(areas.members["key"].astype(str), areas.members["gemeinde"].astype(str)))
        links["member"] = [int(lv == GEMEINDE and (str(k), str(p)) in member)
                           for k, lv, p in zip(links["key"], links["level"], links["parent"])]
    return frame, links


def build_levels(records: list, areas: pd.DataFrame, links: pd.DataFrame,
                 kreise: Level) -> tuple[Level, ...]:
    """The own levels of the store (``records``: :class:`atlas.store.OwnLevel`; ``areas`` and
    ``links`` as :meth:`~atlas.store.Store.level_areas` / ``level_links`` return them) as Level
    objects; ``kreise`` is the Kreis level (names of the parents, borders over the map)."""
    out = []
    for record in records:
        mine = areas[areas["level_id"] == record.id]
        if mine.empty:
            continue
        out.append(_level(record, mine, links[links["level_id"] == record.id], kreise))
    return tuple(out)


def _level(record, areas: pd.DataFrame, links: pd.DataFrame, kreise: Level) -> Level:
    kreis_names = dict(zip(kreise.areas[Col.AGS].astype(str), kreise.areas[Col.NAME].astype(str)))
    keys = areas["key"].astype(str).tolist()
    names = areas["name"].astype(str).tolist()
    kreis_links = links[links["parent_level"] == KREIS].sort_values("share", ascending=False)
    best = kreis_links.drop_duplicates("key").set_index("key")
    kreis = [str(best.at[k, "parent"]) if k in best.index else "" for k in keys]
    nested = all(k in best.index and best.at[k, "share"] >= NESTED_SHARE for k in keys)
    frame = pd.DataFrame({Col.AGS: keys, Col.NAME: names, "kind": record.singular,
                          "kreis": kreis, "kreis_name": [kreis_names.get(k, "") for k in kreis]})
    twice = frame[Col.NAME].duplicated(keep=False)
    frame["label"] = frame[Col.NAME].where(
        ~twice, frame[Col.NAME] + " (" + frame["kreis_name"].where(frame["kreis_name"] != "",
                                                                   frame[Col.AGS]) + ")")
    geometries = shapely.from_geojson(areas["geometry"].tolist())
    members = links[(links["parent_level"] == GEMEINDE) & (links["member"] == 1)]
    return Level(
        id=record.id, title=record.title, singular=record.singular,
        areas=frame[AREA_COLUMNS].reset_index(drop=True),
        geojson=_geojson(keys, names, geometries, frame, record.singular),
        gebietsstand=record.gebietsstand, source=record.source or "eigene Gebiete",
        licence=record.licence, parent=KREIS if nested else None, own=True,
        min_count=int(record.min_count), min_denominator=int(record.min_denominator),
        links=links.drop(columns=["level_id"]).rename(columns={"parent_level": "level"})
        .reset_index(drop=True),
        members=(members[["key", "parent"]].rename(columns={"parent": "gemeinde"})
                 .reset_index(drop=True) if len(members) else None),
        outline=(kreise.geojson, "AGS"),
    )


def _geojson(keys: list[str], names: list[str], geometries, frame: pd.DataFrame,
             singular: str) -> dict:
    """The boundaries for the map: simplified with shared borders kept shared, rings clockwise,
    with the properties the map's hover shows (names as literal text)."""
    shapes = gpd.GeoDataFrame({"AGS": keys, "GEN": names, "BEZ": singular},
                              geometry=list(geometries), crs=geo.WGS84)
    try:
        shapes = geo.simplify(shapes, tolerance_m=OWN_TOLERANCE_M)
    except (ValueError, shapely.errors.GEOSException):
        # overlapping areas (allowed with a warning) are no coverage: keep them as they are
        shapes["geometry"] = shapely.orient_polygons(shapes.geometry.values, exterior_cw=True)
    collection = geo.to_geojson(shapes, precision=OWN_PRECISION)
    for feature, label, kreis_name in zip(collection["features"], frame["label"],
                                          frame["kreis_name"]):
        feature["properties"]["HOVER"] = wording.own_hover_head(label, singular, kreis_name)
    return collection


def reference_boundaries(data) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """The built Kreis and Gemeinde boundaries (columns ``AGS, geometry``, EPSG:4326) that own
    areas are linked to (:mod:`atlas.levels.linkage`): each level's
    :attr:`~atlas.levels.registry.Level.shapes`, made once per data object."""
    return data.level_of(KREIS).shapes, data.level_of(GEMEINDE).shapes


def findings_lines(areas: AreaSet) -> list[str]:
    """The findings of a checked area set in German, one line each, errors first."""
    from atlas.levels.types import SEVERITIES, SEVERITY_LABELS

    ordered = sorted(areas.findings, key=lambda f: SEVERITIES.index(f.severity))
    return [f"{SEVERITY_LABELS[f.severity]}: {f.text}" for f in ordered]


def store_level(areas: AreaSet, level, store, *, actor: str = "", sha256: str = ""):
    """Store a checked area set as the own level ``level`` (:class:`atlas.store.OwnLevel`), all
    or nothing; :class:`~atlas.levels.types.LevelError` listing the errors when it has any."""
    from atlas.levels.types import LevelError

    if not areas.ok:
        raise LevelError(" ".join(f.text for f in areas.errors) + " Es wurde nichts gespeichert.")
    frame, links = area_rows(areas)
    return store.add_level(level, frame, links, actor=actor, sha256=sha256)


def protected_values(values: pd.DataFrame, indicators, levels) -> pd.DataFrame:
    """The own values with small numbers protected (:mod:`atlas.levels.protection`), once, where
    they enter the atlas: every view, export and the API see only these.

    Counts of an own level below its ``min_count`` are hidden, with secondary suppression over
    the level's total and the Kreise its areas lie in; a file's total row (key
    :data:`~atlas.levels.protection.LEVEL_TOTAL`) that would still reveal a hidden count is
    dropped. Hidden values keep a status that says why ("< 3 (geschützt)", "geschützt
    (sekundär)"). ``indicators`` are :class:`atlas.catalogue.Indicator` entries, ``levels`` the
    registry."""
    from atlas.levels.protection import LEVEL_TOTAL, SHOWN, protect_counts

    parts = []
    for ind in indicators:
        rows = values[values[Col.INDICATOR] == ind.id]
        level = levels.by_id.get(ind.level)
        if level is None or not level.own or ind.kind != "count" or rows.empty:
            parts.append(rows)
            continue
        areas = rows[rows[Col.AGS] != LEVEL_TOTAL]
        groups = level.areas.loc[level.areas["kreis"] != "", ["kreis", Col.AGS]].rename(
            columns={"kreis": "key", Col.AGS: "part"})
        protected = protect_counts(areas, threshold=level.min_count, groups=groups, total=True)
        small = protected[SHOWN].str.startswith("<")
        protected.loc[small, Col.STATUS] = protected.loc[small, SHOWN] + " (geschützt)"
        hidden_totals = {year for key, year in protected.attrs.get("hide_totals", ())
                         if key == LEVEL_TOTAL}
        totals = rows[(rows[Col.AGS] == LEVEL_TOTAL) & ~rows[Col.YEAR].isin(hidden_totals)]
        parts.append(pd.concat([protected.drop(columns=[SHOWN]), totals], ignore_index=True))
    others = values[~values[Col.INDICATOR].isin({ind.id for ind in indicators})]
    return pd.concat([others, *parts], ignore_index=True)[values.columns]
