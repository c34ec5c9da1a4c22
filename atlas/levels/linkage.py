"""Which Kreis and which Gemeinden an own area lies in, by area share.

Areas are compared in :data:`atlas.geo.METRIC_CRS` (EPSG:25832, equal enough in area for
Thuringia). A link holds ``share`` (the part of the own area inside the parent) and
``parent_share`` (the part of the parent inside the own area); links whose both shares are below
:data:`MIN_LINK_SHARE` are slivers of boundaries digitised at different scales and dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from atlas.geo import METRIC_CRS

#: Links where both shares are below this (0.1 %) are dropped as slivers.
MIN_LINK_SHARE = 0.001
#: Default share from which an area counts as lying in another (roll-up, "found from its Kreis").
NESTING_THRESHOLD = 0.95
#: Key columns of a parent level, in order of preference: ``AGS`` as atlas.geo.read_boundaries
#: returns it, else ``id`` as geopandas reads the built data/geo/*.geojson (their feature ids).
PARENT_KEY_COLUMNS = ("AGS", "ags", "id", "key")
LINK_COLUMNS = ["key", "level", "parent", "share", "parent_share"]


def parent_keys(parents: gpd.GeoDataFrame) -> pd.Series:
    """The keys of a parent level as strings: the first of :data:`PARENT_KEY_COLUMNS` present."""
    for column in PARENT_KEY_COLUMNS:
        if column in parents.columns:
            return parents[column].astype(str).str.strip()
    raise ValueError(f"parent level without a key column (expected one of {PARENT_KEY_COLUMNS}, "
                     f"found {list(parents.columns)})")


def metric_geometries(frame: gpd.GeoDataFrame) -> np.ndarray:
    """The geometries of ``frame`` in EPSG:25832, made valid (reprojection can make a valid
    ring touch itself), as a shapely array."""
    geoms = frame.geometry.to_crs(METRIC_CRS).values
    geoms = np.asarray(geoms, dtype=object)
    invalid = ~shapely.is_valid(geoms)
    if invalid.any():
        geoms = geoms.copy()
        geoms[invalid] = shapely.make_valid(geoms[invalid])
    return geoms


def link_areas(areas: gpd.GeoDataFrame, kreise: gpd.GeoDataFrame | None,
               gemeinden: gpd.GeoDataFrame | None) -> pd.DataFrame:
    """Links of own areas to the Kreise and Gemeinden they overlap.

    Parameters
    ----------
    areas
        Own areas with columns ``key`` and ``geometry`` (any CRS).
    kreise, gemeinden
        The built levels with a key column ``AGS`` (as :func:`atlas.geo.read_boundaries` returns
        them) or ``id`` (the built ``data/geo/*.geojson`` read with geopandas); ``None`` skips a
        level.

    Returns
    -------
    DataFrame
        ``key, level, parent, share, parent_share`` (see :class:`atlas.levels.types.AreaSet`),
        sorted by key, level and falling share.
    """
    frames = [_link(areas, parents, level)
              for level, parents in (("kreis", kreise), ("gemeinde", gemeinden))
              if parents is not None and len(parents) and len(areas)]
    frames = [f for f in frames if len(f)]
    if not frames or areas.empty:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in zip(
            LINK_COLUMNS, ("str", "str", "str", "float64", "float64"))})
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(["key", "level", "share"], ascending=[True, True, False],
                           kind="stable").reset_index(drop=True)


def _link(areas: gpd.GeoDataFrame, parents: gpd.GeoDataFrame, level: str) -> pd.DataFrame:
    own = metric_geometries(areas)
    par = metric_geometries(parents)
    keys = areas["key"].astype(str).to_numpy()
    pkeys = parent_keys(parents).to_numpy()
    own_area = shapely.area(own)
    par_area = shapely.area(par)
    tree = shapely.STRtree(par)
    i, j = tree.query(own, predicate="intersects")
    # a parent that contains the own area whole (the common case) needs no intersection
    shapely.prepare(par)
    inside = shapely.contains(par[j], own[i])
    piece = np.empty(len(i))
    piece[inside] = own_area[i[inside]]
    rest = ~inside
    piece[rest] = shapely.area(shapely.intersection(own[i[rest]], par[j[rest]]))
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(own_area[i] > 0, piece / own_area[i], 0.0)
        parent_share = np.where(par_area[j] > 0, piece / par_area[j], 0.0)
    keep = (piece > 0) & ((share >= MIN_LINK_SHARE) | (parent_share >= MIN_LINK_SHARE))
    return pd.DataFrame({
        "key": keys[i[keep]], "level": level, "parent": pkeys[j[keep]],
        "share": np.clip(share[keep], 0.0, 1.0), "parent_share": np.clip(parent_share[keep], 0.0, 1.0),
    })


@dataclass(frozen=True)
class Nesting:
    """How an own level nests with a built level (``kreis`` or ``gemeinde``).

    ``parent``: own area key → the parent it lies in (share of the own area ≥ ``threshold``);
    own areas that straddle parents are missing. Used for "found from its Kreis" and for the
    roll-up own level → Kreis.

    ``members``: own area key → the parents that lie in it (share of the parent ≥ ``threshold``),
    sorted. ``unions``: the own areas that are (at ≥ ``threshold`` of their area) unions of their
    ``members``: only these receive a roll-up Gemeinde → own polygon (the sum of the members).
    """

    level: str
    threshold: float
    parent: dict[str, str]
    members: dict[str, tuple[str, ...]]
    unions: frozenset[str]

    def is_nested(self, keys) -> bool:
        """True when every own area of ``keys`` lies in one parent (roll-up to the parent level
        is possible)."""
        return all(str(k) in self.parent for k in keys)


def nesting(links: pd.DataFrame, level: str, threshold: float = NESTING_THRESHOLD) -> Nesting:
    """Which parent of ``level`` each own area lies in, and which own areas are unions of
    parents (see :class:`Nesting`); ``threshold`` (default 95 %) must be above 50 % so that an
    area lies in at most one parent."""
    if not 0.5 < threshold <= 1.0:
        raise ValueError("threshold must be in (0.5, 1]")
    of_level = links[links["level"] == level]
    inside = of_level[of_level["share"] >= threshold]
    parent = dict(zip(inside["key"].astype(str), inside["parent"].astype(str)))
    lying = of_level[of_level["parent_share"] >= threshold]
    grouped: dict[str, list[str]] = {}
    for key, part in zip(lying["key"].astype(str), lying["parent"].astype(str)):
        grouped.setdefault(key, []).append(part)
    members = {key: tuple(sorted(parts)) for key, parts in sorted(grouped.items())}
    covered = lying.groupby("key")["share"].sum()
    unions = frozenset(str(k) for k, s in covered.items() if s >= threshold)
    return Nesting(level, threshold, parent, members, unions)
