"""The levels of the atlas as objects, held in one registry.

A :class:`Level` knows its areas (keys, names, kinds and the Kreis each lies in), its boundaries,
its Gebietsstand and source, its parent level and the thresholds that protect small numbers.
The built levels (``kreis``, ``gemeinde``) and the planners' own levels are made the same way
and live in the same :class:`Levels` registry; code that draws, exports or serves values takes a
level and asks it, instead of asking which level it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Iterator

import pandas as pd

from atlas.errors import AtlasError
from atlas.levels.protection import LEVEL_TOTAL, MIN_COUNT, MIN_DENOMINATOR
from atlas.schema import LAND_AGS, LAND_NAME, Col

KREIS = "kreis"
GEMEINDE = "gemeinde"
#: The levels every build has (``gemeinde`` only when the build has Gemeinde boundaries).
BUILT = (KREIS, GEMEINDE)

#: Ids of own levels: like own indicators' ids, and never one of the built levels'.
LEVEL_ID_RE = re.compile(r"[a-z][a-z0-9_]{1,39}")

#: Columns of :attr:`Level.areas`.
AREA_COLUMNS = [Col.AGS, Col.NAME, "kind", "label", "kreis", "kreis_name"]

#: The reference of the built levels where a source gives the Land's own value.
OFFICIAL_LABEL = f"{LAND_NAME} (amtlich)"

#: The sources of the built boundaries, as every map and export cites them: Kreise VG5000 of
#: 2023, Gemeinden VG5000 of 01.01.2021 (the Gemeinde map's Kreis borders are dissolved from them).
KREIS_SOURCE = "© GeoBasis-DE / BKG 2023 (Daten verändert)"
GEMEINDE_SOURCE = "© GeoBasis-DE / BKG 2021 (Daten verändert)"
BKG_LICENCE = "Datenlizenz Deutschland – Namensnennung – Version 2.0"



class UnknownLevel(AtlasError, KeyError):
    """A level id that the atlas does not know (``level_id``)."""

    def __init__(self, message: str, level_id: str = "") -> None:
        super().__init__(message)
        self.level_id = level_id

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


@dataclass(frozen=True, eq=False)  # identity hash: a cache key that lives with its data
class Level:
    """One spatial level: its areas, boundaries and what to say about them.

    ``areas`` has the columns :data:`AREA_COLUMNS`: ``ags`` (the key, for own levels as written
    by the planner), ``name``, ``kind`` ("Landkreis", "Gemeinde", "Sozialraum"…), ``label`` (a
    unique name: names that occur twice get their Kreis), ``kreis`` and ``kreis_name`` (the Kreis
    holding the area's largest part, "" when none).
    """

    id: str
    title: str  # plural, for lists and headings: "Kreise", "Gemeinden", "Sozialräume Jena"
    singular: str  # "Kreis", "Gemeinde", "Gebiet"
    areas: pd.DataFrame = field(repr=False)
    geojson: dict = field(repr=False)
    gebietsstand: str = ""
    source: str = KREIS_SOURCE
    licence: str = BKG_LICENCE
    parent: str | None = None  # the level the areas nest in ("kreis"), None for the top
    own: bool = False
    min_count: int = MIN_COUNT
    min_denominator: int = MIN_DENOMINATOR
    #: own levels: key, level, parent, share, parent_share (see atlas.levels.types.AreaSet)
    links: pd.DataFrame | None = field(default=None, repr=False)
    #: own levels made of Gemeinden: key, gemeinde
    members: pd.DataFrame | None = field(default=None, repr=False)
    #: the borders drawn over the map for orientation: a FeatureCollection and the property
    #: whose values its borders separate (the Kreise: ``(gemeinde geojson, "KREIS")`` for the
    #: Gemeinde map, ``(kreis geojson, "AGS")`` for own levels); ``None`` for the Kreis map
    outline: tuple[dict, str] | None = field(default=None, repr=False)

    @cached_property
    def hover_heads(self) -> dict[str, str]:
        """The fixed part of each area's hover text (name, kind, Kreis), as the boundaries carry
        it (property ``HOVER``)."""
        return {str(f.get("id", (f.get("properties") or {}).get("AGS"))):
                str((f.get("properties") or {}).get("HOVER", ""))
                for f in self.geojson.get("features") or []}

    @property
    def keys(self) -> list[str]:
        return self.areas[Col.AGS].tolist()

    def __len__(self) -> int:
        return len(self.areas)

    @property
    def median_label(self) -> str:
        return f"Median der {self.title}" if self.built else f"Median der Gebiete ({self.title})"

    @property
    def sum_label(self) -> str:
        return (f"Thüringen (Summe der {self.title})" if self.built
                else f"Summe der Gebiete ({self.title})")

    @property
    def built(self) -> bool:
        return not self.own

    @property
    def total_key(self) -> str:
        """The key under which the values of the whole level's total are stored: the Land
        ("16") for the built levels, :data:`~atlas.levels.protection.LEVEL_TOTAL` for the total
        row of an own level's file."""
        return LAND_AGS if self.built else LEVEL_TOTAL

    @property
    def total_label(self) -> str:
        """What that total is called where it is the reference."""
        return OFFICIAL_LABEL if self.built else f"{self.title} insgesamt (laut Quelle)"

    @property
    def attribution(self) -> str:
        """The boundaries and their Gebietsstand, as maps, tables and exports cite them."""
        return f"Grenzen: {self.source} · Gebietsstand der {self.title}: {self.gebietsstand or '–'}"

    def name(self, key: str) -> str | None:
        """The unique name of an area of this level, ``None`` when the key is not one of them."""
        match = self.areas.loc[self.areas[Col.AGS] == key, "label"]
        return str(match.iloc[0]) if not match.empty else None

    @cached_property
    def shapes(self):
        """The boundaries as a GeoDataFrame (``AGS, geometry``, EPSG:4326), made once per level
        object (checks and links of own areas use them; treat as read-only)."""
        import geopandas as gpd  # only where geometry is computed

        features = self.geojson.get("features") or []
        if not features:
            return gpd.GeoDataFrame({"AGS": []}, geometry=[], crs="EPSG:4326")
        return gpd.GeoDataFrame.from_features(features, crs="EPSG:4326")[["AGS", "geometry"]]

    @property
    def zoomable(self) -> bool:
        """True when the map of the level can show the areas of one Kreis (the areas know
        their Kreis)."""
        return self.id != KREIS and bool((self.areas["kreis"] != "").any())

    @property
    def click_zooms(self) -> bool:
        """Whether a click on an area of the whole map zooms to its Kreis first (a zoomable
        level whose areas lie in several Kreise); otherwise a click selects the area."""
        return self.zoomable and len(set(self.areas["kreis"]) - {""}) > 1

    def in_kreis(self, kreis: str) -> list[str]:
        """Keys of the areas that lie (mostly) in Kreis ``kreis``."""
        return self.areas.loc[self.areas["kreis"] == kreis, Col.AGS].tolist()

    def describe(self) -> dict:
        """What ``GET /api/levels`` says of the level."""
        return {"id": self.id, "title": self.title, "areas": len(self.areas),
                "parent": self.parent, "gebietsstand": self.gebietsstand,
                "source": self.source, "licence": self.licence, "own": self.own}


@dataclass(frozen=True, eq=False)
class Levels:
    """The registry: the levels of one data object, built ones first, in a fixed order."""

    by_id: dict[str, Level]

    @classmethod
    def of(cls, levels: list[Level]) -> "Levels":
        return cls({level.id: level for level in levels})

    def __iter__(self) -> Iterator[Level]:
        return iter(self.by_id.values())

    def __contains__(self, level_id: object) -> bool:
        return level_id in self.by_id

    def __len__(self) -> int:
        return len(self.by_id)

    def ids(self) -> list[str]:
        return list(self.by_id)

    def get(self, level_id: str) -> Level:
        """The level ``level_id``; :class:`UnknownLevel` with a German message naming the known
        levels otherwise."""
        try:
            return self.by_id[level_id]
        except (KeyError, TypeError):
            known = ", ".join(f"„{key}“" for key in self.by_id)
            raise UnknownLevel(f"Die Ebene „{level_id}“ gibt es nicht (vorhanden: {known}).",
                               str(level_id)) from None

    def membership(self, fine: str, coarse: str) -> pd.DataFrame:
        """``key`` (area of ``coarse``) ↔ ``part`` (area of ``fine``): the complete make-up of
        every coarse area that consists of areas of the finer level, for summing counts
        (:func:`atlas.levels.rollup.roll_up`). Coarse areas that are not (or not wholly) made of
        such areas are left out – a sum over part of an area would be a smaller number.

        Raises :class:`~atlas.levels.rollup.RollupError` (German) where the levels do not nest.
        """
        from atlas.levels.linkage import NESTING_THRESHOLD, nesting
        from atlas.levels.rollup import RollupError

        small, large = self.get(fine), self.get(coarse)
        pairs: list[tuple[str, str]] = []
        if small.id == GEMEINDE and large.id == KREIS:
            pairs = [(k, a) for a, k in zip(small.areas[Col.AGS], small.areas["kreis"]) if k]
        elif small.id == GEMEINDE and large.own and large.members is not None:
            pairs = list(zip(large.members["key"], large.members["gemeinde"]))
        elif small.id == GEMEINDE and large.own and large.links is not None:
            nest = nesting(large.links, GEMEINDE, NESTING_THRESHOLD)
            pairs = [(k, g) for k, parts in nest.members.items() if k in nest.unions
                     for g in parts]
        elif small.own and large.id == KREIS and small.links is not None:
            nest = nesting(small.links, KREIS, NESTING_THRESHOLD)
            inside: dict[str, list[str]] = {}
            for key, kreis in nest.parent.items():
                inside.setdefault(kreis, []).append(key)
            kreis_links = small.links[small.links["level"] == KREIS]
            covered = kreis_links.groupby("parent")["parent_share"].sum()
            pairs = [(kreis, key) for kreis, keys in inside.items()
                     if covered.get(kreis, 0.0) >= NESTING_THRESHOLD for key in keys]
        if not pairs:
            raise RollupError(
                f"Werte der Ebene „{small.title}“ lassen sich nicht zur Ebene „{large.title}“ "
                "zusammenfassen: deren Gebiete bestehen nicht aus Gebieten dieser Ebene. "
                "Zusammengefasst wird nur von feineren zu gröberen Ebenen (Gemeinden → eigene "
                "Gebiete → Kreise), wo die Gebiete ineinander liegen.")
        return pd.DataFrame(sorted(set(pairs)), columns=["key", "part"])

    def with_levels(self, extra: list[Level]) -> "Levels":
        """A new registry with ``extra`` added (own levels never replace a built one)."""
        merged = dict(self.by_id)
        for level in extra:
            if level.id not in BUILT:
                merged[level.id] = level
        return Levels(merged)
