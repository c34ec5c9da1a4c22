"""The atlas data as one immutable object with pure queries: levels, catalogue, values,
references, series.

Loading is in :mod:`atlas.data.loading`, merging the planners' own indicators in
:mod:`atlas.data.own`, the data of this process in :mod:`atlas.data.process`; results derived from
a data object are kept in it (:mod:`atlas.memo`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from atlas.catalogue import Catalogue, Indicator
from atlas.data.built import (
    built_levels,
    empty_collection,
    empty_gemeinden,
    prepare_gemeinde_geojson,
    prepare_gemeinden,
    prepare_kreis_geojson,
)
from atlas.levels.registry import KREIS, Level, Levels
from atlas.memo import per_data
from atlas.schema import (
    HISTORIC_KREISE,
    LAND_AGS,
    LAND_NAME,
    TERRITORIAL_CHANGES,
    Col,
)
from atlas.validation import is_flagged
from atlas.values import format_number


@dataclass(frozen=True)
class Reference:
    """The Thüringen reference for one indicator and year."""

    value: float
    label: str  # "Thüringen (amtlich)", "Median der Kreise|Gemeinden", "Thüringen (Summe der …)"
    basis: str  # "amtlich", "median", "summe", "" when missing
    #: Why a missing reference could not be formed ("nicht bildbar: 1 Kreis auffällig …")
    why: str = ""

    @property
    def missing(self) -> bool:
        return math.isnan(self.value)

    def text(self, decimals: int, unit: str) -> str:
        """The value in German format, or why there is none ("keine Daten" without reason)."""
        if self.missing and self.why:
            return self.why
        return format_number(self.value, decimals, unit)



def z_index(catalogue: Catalogue, ind: Indicator) -> bool:
    """Whether ``ind`` is a Sozialindex of z-values: its reference is the level's average, 0, and
    its map diverges around it."""
    formula = catalogue.formulas.get(ind.id) if ind.composite == "index" else None
    return formula is not None and formula.params.method == "z"


@dataclass(frozen=True, eq=False)  # identity hash: usable as a cache key
class AtlasData:
    """The built data: regions per level, boundaries, values. Never mutated.

    The levels are in :attr:`levels` (:mod:`atlas.levels.registry`): the 22 current Kreise
    (also ``regions``/``geojson``), the Gemeinden of the Gemeinde boundaries (also ``gemeinden``/
    ``gemeinde_geojson``; empty for builds without them) and the planners' own levels. Every
    indicator belongs to one level (:meth:`level`); years, tables, references and series are
    formed over that level's areas.
    """

    catalogue: Catalogue
    regions: pd.DataFrame  # ags, name, bez, kind — the 22 current Kreise
    geojson: dict = field(hash=False)
    values: pd.DataFrame = field(hash=False)
    info: dict = field(hash=False)
    _by_indicator: dict = field(hash=False, repr=False, default_factory=dict)
    #: ags (8 digits), name, bez, kind, kreis (current Kreis), kreis_name, label (unique name)
    gemeinden: pd.DataFrame = field(hash=False, repr=False, default_factory=empty_gemeinden)
    #: properties AGS, GEN, BEZ, KREIS and (added on loading) KIND, KREIS_NAME
    gemeinde_geojson: dict = field(hash=False, repr=False, default_factory=empty_collection)
    #: every level of this data, built and own (:mod:`atlas.levels.registry`)
    levels: Levels = field(hash=False, repr=False, default_factory=lambda: Levels({}))

    @classmethod
    def from_frames(cls, catalogue, regions, geojson, values, info, gemeinden=None,
                    gemeinde_geojson=None, own_levels: tuple[Level, ...] = ()) -> "AtlasData":
        """The data of built frames (as :func:`atlas.data.loading.load` reads them)."""
        gemeinden = prepare_gemeinden(gemeinden, regions)
        geojson = prepare_kreis_geojson(geojson, regions)
        gemeinde_geojson = prepare_gemeinde_geojson(gemeinde_geojson, gemeinden)
        levels = built_levels(regions, geojson, gemeinden, gemeinde_geojson, info)
        return cls._of(catalogue, regions, geojson, values, info, gemeinden, gemeinde_geojson,
                       levels.with_levels(list(own_levels)))

    @classmethod
    def assemble(cls, catalogue: Catalogue, base: "AtlasData", values: pd.DataFrame,
                 levels: Levels) -> "AtlasData":
        """New data over the built frames and levels of ``base`` (shared, not copied: they and
        what is derived from them stay valid) with another catalogue, values and levels."""
        return cls._of(catalogue, base.regions, base.geojson, values, base.info, base.gemeinden,
                       base.gemeinde_geojson, levels)

    @classmethod
    def _of(cls, catalogue, regions, geojson, values, info, gemeinden, gemeinde_geojson,
            levels: Levels) -> "AtlasData":
        values = values.copy()
        values[Col.AGS] = values[Col.AGS].astype(str)
        values[Col.STATUS] = values[Col.STATUS].fillna("").astype(str)
        by_indicator = {key: frame.reset_index(drop=True)
                        for key, frame in values.groupby(Col.INDICATOR)}
        return cls(catalogue, regions, geojson, values, info, by_indicator, gemeinden,
                   gemeinde_geojson, levels=levels)

    @property
    def own_levels(self) -> list[Level]:
        return [level for level in self.levels if level.own]

    # --- levels --------------------------------------------------------------------------------
    def level(self, indicator_id: str) -> str:
        """``"kreis"`` or ``"gemeinde"``: the regions the indicator's values belong to."""
        return self.indicator(indicator_id).level

    def level_of(self, level_id: str) -> Level:
        """The level ``level_id`` (:class:`~atlas.levels.registry.UnknownLevel` if unknown)."""
        return self.levels.get(level_id)

    def level_regions(self, level: str = "kreis") -> pd.DataFrame:
        """The areas of a level: the 22 Kreise, the Gemeinden (empty in older builds) or the
        areas of an own level."""
        return self.levels.get(level).areas

    def level_geojson(self, level: str = "kreis") -> dict:
        return self.levels.get(level).geojson

    def available_levels(self) -> list[str]:
        """Levels with at least one indicator with values (always ``"kreis"`` first)."""
        return [KREIS] + [level.id for level in self.levels
                          if level.id != KREIS and len(level)
                          and self.available_indicators(level=level.id)]

    def zoom(self, indicator_id: str, kreis: str | None) -> str | None:
        """The Kreis a map of the indicator zooms to: ``kreis`` for an indicator of a level below
        the Kreise and a current Kreis, else ``None`` (Kreis maps always show all of
        Thuringia)."""
        if not kreis or not self.levels.get(self.level(indicator_id)).zoomable:
            return None
        return kreis if kreis in set(self.regions[Col.AGS]) else None

    # --- catalogue helpers ---------------------------------------------------------------------
    def indicator(self, indicator_id: str) -> Indicator:
        return self.catalogue.indicator(indicator_id)

    def has_values(self, indicator_id: str) -> bool:
        return bool(self.years(indicator_id))

    def available_indicators(self, life_phase=None, area=None, level: str = "kreis"
                             ) -> list[Indicator]:
        """Catalogue entries of a level (``"kreis"`` or ``"gemeinde"``) with values, filtered by
        life phase and area."""
        return [i for i in self.catalogue.filter(life_phase, area, level=level)
                if self.has_values(i.id)]

    def region_name(self, ags: str) -> str:
        """Name of a Kreis or Gemeinde (Gemeinde names that occur twice with their Kreis)."""
        match = self.regions.loc[self.regions[Col.AGS] == ags, Col.NAME]
        if not match.empty:
            return str(match.iloc[0])
        for level in self.levels:
            if level.id != KREIS and (name := level.name(ags)) is not None:
                return name
        return HISTORIC_KREISE.get(ags, LAND_NAME if ags == LAND_AGS else ags)

    # --- values --------------------------------------------------------------------------------
    def _rows(self, indicator_id: str) -> pd.DataFrame:
        self.catalogue.indicator(indicator_id)  # raises UnknownIndicator
        return self._by_indicator.get(indicator_id, self.values.iloc[0:0])

    def years(self, indicator_id: str) -> list[int]:
        """Years in which at least one region of the indicator's level (a current Kreis or a
        Gemeinde) has a value (a new list; computed once per indicator and data)."""
        return list(_years(self, indicator_id))

    def latest_year(self, indicator_id: str) -> int | None:
        years = self.years(indicator_id)
        return years[-1] if years else None

    def table(self, indicator_id: str, year: int) -> pd.DataFrame:
        """One row per region of the indicator's level: ``ags, name, kind, value, status, rank``
        (22 Kreise; for Gemeinde indicators every Gemeinde, plus ``kreis, kreis_name``).

        Missing values stay NaN with status "keine Daten" (or the source's reason). ``rank`` is
        direction-aware among the regions of the level: 1 = most risk for risk indicators,
        1 = highest value otherwise (see :func:`atlas.catalogue.rank_note`).
        """
        ind = self.indicator(indicator_id)
        rows = self._rows(indicator_id)
        rows = rows[rows[Col.YEAR] == year][[Col.AGS, Col.VALUE, Col.STATUS]]
        regions = self.level_regions(ind.level)
        table = regions[[Col.AGS, Col.NAME, "kind"]].merge(rows, on=Col.AGS, how="left")
        table[Col.STATUS] = table[Col.STATUS].fillna("")
        table.loc[table[Col.VALUE].isna() & (table[Col.STATUS] == ""), Col.STATUS] = "keine Daten"
        ascending = ind.polarity == "protective"
        table["rank"] = table[Col.VALUE].rank(ascending=ascending, method="min").astype("Int64")
        if ind.level != KREIS:
            info = regions.set_index(Col.AGS)
            table["kreis"] = table[Col.AGS].map(info["kreis"])
            table["kreis_name"] = table[Col.AGS].map(info["kreis_name"])
        return table

    def rolled_up_table(self, indicator_id: str, year: int, level_id: str) -> pd.DataFrame:
        """The indicator's counts summed into the areas of the coarser level ``level_id``
        (:meth:`Levels.membership`, :func:`atlas.levels.rollup.roll_up`): columns as
        :meth:`table`; areas not made of the indicator's areas, and sums with a missing or
        protected part, are missing with their reason (never a smaller number).

        Raises :class:`~atlas.levels.rollup.RollupError` for a rate (it is never summed) or
        levels that do not nest, :class:`~atlas.levels.registry.UnknownLevel` for an unknown
        level."""
        from atlas.levels.rollup import roll_up

        ind = self.indicator(indicator_id)
        coarse = self.levels.get(level_id)
        members = self.levels.membership(ind.level, level_id)
        rows = self._rows(indicator_id)
        rows = rows[rows[Col.YEAR] == year][[Col.AGS, Col.YEAR, Col.VALUE, Col.STATUS]]
        summed = roll_up(rows, members, kind=ind.kind)[[Col.AGS, Col.VALUE, Col.STATUS]]
        table = coarse.areas[[Col.AGS, Col.NAME, "kind"]].merge(summed, on=Col.AGS, how="left")
        table[Col.STATUS] = table[Col.STATUS].fillna(
            f"nicht aus {self.levels.get(ind.level).title} ableitbar")
        ascending = ind.polarity == "protective"
        table["rank"] = table[Col.VALUE].rank(ascending=ascending, method="min").astype("Int64")
        return table

    def reference(self, indicator_id: str, year: int) -> Reference:
        """Official Land value where a source provides it (its row ``16``, basis "amtlich");
        else the sum of all regions of the indicator's level for counts (only when every region
        has a value; with the historic Eisenach where a source still counts it apart); else their
        median (labelled as such: "Median der Kreise" / "Median der Gemeinden")."""
        ind = self.indicator(indicator_id)
        level = self.levels.get(ind.level)
        if z_index(self.catalogue, ind):
            return Reference(0.0, f"Durchschnitt der {level.title} (z = 0)", "index")
        median_label, sum_label = level.median_label, level.sum_label
        regions = level.areas
        rows = self._rows(indicator_id)
        rows = rows[rows[Col.YEAR] == year]
        land = rows[(rows[Col.AGS] == level.total_key) & rows[Col.VALUE].notna()]
        if not land.empty:
            return Reference(float(land[Col.VALUE].iloc[0]), level.total_label, "amtlich")
        kreise = rows[rows[Col.AGS].isin(regions[Col.AGS])][Col.VALUE].dropna()
        if kreise.empty:
            return Reference(math.nan, median_label, "")
        if ind.kind == "count":
            if len(kreise) == len(regions):
                # a source on the territory before 01.07.2021 counts Eisenach apart from the
                # Wartburgkreis: it belongs to the Land's total all the same
                historic = (rows[rows[Col.AGS].isin(HISTORIC_KREISE)][Col.VALUE].dropna()
                            if level.id == KREIS else kreise.iloc[0:0])
                return Reference(float(kreise.sum() + historic.sum()), sum_label, "summe")
            return Reference(math.nan, sum_label, "", _no_sum(rows, regions[Col.AGS], level))
        return Reference(float(kreise.median()), median_label, "median")

    def reference_name(self, indicator_id: str) -> str:
        """What the reference of an indicator is, over all its years: the labels of
        :meth:`reference` (newest first) joined by "bzw.", e.g. "Median der Kreise" or
        "Thüringen (amtlich) bzw. Thüringen (Summe der Kreise)". The one name for titles,
        column headings and notes that speak of the reference."""
        labels = [ref.label for ref in (self.reference(indicator_id, y)
                                        for y in reversed(self.years(indicator_id)))
                  if not ref.missing]
        return (" bzw. ".join(dict.fromkeys(labels))
                or self.levels.get(self.level(indicator_id)).median_label)

    def reference_series(self, indicator_id: str) -> pd.DataFrame:
        """``year, value, label, basis`` for every year of the indicator."""
        records = []
        for year in self.years(indicator_id):
            ref = self.reference(indicator_id, year)
            records.append({Col.YEAR: year, Col.VALUE: ref.value, "label": ref.label,
                            Col.BASIS: ref.basis})
        return pd.DataFrame(records, columns=[Col.YEAR, Col.VALUE, "label", Col.BASIS])

    def series(self, indicator_id: str, ags_list: list[str]) -> pd.DataFrame:
        """``ags, name, year, value, status`` of the given Kreise (or Gemeinden) over all
        years."""
        rows = self._rows(indicator_id)
        rows = rows[rows[Col.AGS].isin(ags_list)].sort_values([Col.AGS, Col.YEAR])
        level = self.levels.get(self.level(indicator_id))
        names = {ags: level.name(ags) or self.region_name(ags) for ags in ags_list}
        return rows.assign(**{Col.NAME: rows[Col.AGS].map(names)})

    def breaks(self, indicator_id: str, ags_list: list[str] | None = None) -> list[tuple[int, str]]:
        """Series breaks that affect this indicator (and, if given, these Kreise): the
        catalogue's breaks inside its years, then the territorial changes of the Kreise
        (:meth:`territorial_breaks`)."""
        ind = self.indicator(indicator_id)
        years = self.years(indicator_id)
        found = [(b.year, b.label) for b in ind.breaks if years and years[0] < b.year <= years[-1]]
        return found + self.territorial_breaks(indicator_id, ags_list)

    def territorial_breaks(self, indicator_id: str, ags_list: list[str] | None = None
                           ) -> list[tuple[int, str]]:
        """``(year, label)`` of each change of Kreis territory (:data:`TERRITORIAL_CHANGES`)
        that breaks this Kreis indicator's series (for the given Kreise, if any): a change with
        a historic Kreis where the indicator has values for that Kreis (the Wartburgkreis before
        Eisenach joined), any other where the indicator's years run across the change's year."""
        if self.level(indicator_id) != KREIS:
            return []
        years = self.years(indicator_id)
        found = []
        for change in TERRITORIAL_CHANGES:
            if ags_list is not None and not set(change.kreise) & set(ags_list):
                continue
            names = " und ".join(self.region_name(k) for k in change.kreise)
            if change.historic:
                last = _historic_last_year(self, indicator_id, change.historic)
                if last is None:
                    continue
                short = change.historic_name.split(" (")[0]
                found.append((change.year, f"{names} bis {last} ohne {short} (Gebietsstand vor "
                                           f"{change.date}); {short} ({change.historic}) als "
                                           "historischer Kreis geführt"))
            elif years and years[0] < change.year <= years[-1]:
                found.append((change.year, f"Gebietsänderung zum {change.date} ({names}): "
                                           f"{change.what}; Werte bis {change.year - 1} und ab "
                                           f"{change.year} beziehen sich auf verschiedene Gebiete"))
        return found

    def map_notes(self, indicator_id: str) -> list[str]:
        """Notes for a Kreis map of the indicator whose values partly belong to an older
        territory than the polygons drawn (today's Kreise): the Wartburgkreis values of sources
        with Eisenach as a Kreis of its own (INKAR 2021) are painted onto today's Wartburgkreis,
        Eisenach included."""
        if self.level(indicator_id) != KREIS:
            return []
        notes = []
        for change in TERRITORIAL_CHANGES:
            last = _historic_last_year(self, indicator_id, change.historic)
            if last is None:
                continue
            names = " und ".join(self.region_name(k) for k in change.kreise)
            short = change.historic_name.split(" (")[0]
            notes.append(f"Achtung Gebietsstand: {names} bis {last} ohne {short} (Gebietsstand "
                         f"vor {change.date}), in der Karte aber mit der heutigen Fläche "
                         f"einschließlich {short} gezeichnet; {short} ({change.historic}) hat "
                         "eigene Werte als historischer Kreis, die die Karte nicht zeigt.")
        return notes



def _historic_last_year(data: AtlasData, indicator_id: str, historic: str) -> int | None:
    """The last year the indicator has a value for the historic Kreis ``historic`` (None for
    none or no key)."""
    if not historic:
        return None
    rows = data._rows(indicator_id)
    years = rows.loc[(rows[Col.AGS] == historic) & rows[Col.VALUE].notna(), Col.YEAR]
    return int(years.max()) if len(years) else None


def _no_sum(rows: pd.DataFrame, areas: pd.Series, level) -> str:
    """Why the sum of a level's areas cannot be formed: how many areas are doubted by the
    build's plausibility rules, how many have no value."""
    inside = rows[rows[Col.AGS].isin(areas)]
    doubted = int(inside[Col.VALUE].isna().mul(inside[Col.STATUS].map(is_flagged)).sum())
    empty = len(areas) - int(inside[Col.VALUE].notna().sum()) - doubted
    parts = []
    if doubted:
        parts.append(f"{doubted} {level.title if doubted > 1 else level.singular} auffällig "
                     "(Quelle prüfen)")
    if empty:
        parts.append(f"{empty} ohne Wert")
    return "nicht bildbar: " + ", ".join(parts) if parts else ""


@per_data(maxsize=4096)
def _years(data: AtlasData, indicator_id: str) -> tuple[int, ...]:
    rows = data._rows(indicator_id)
    regions = data.level_regions(data.level(indicator_id))
    rows = rows[rows[Col.VALUE].notna() & rows[Col.AGS].isin(regions[Col.AGS])]
    return tuple(sorted(int(y) for y in rows[Col.YEAR].unique()))
