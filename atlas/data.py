"""The built atlas data, loaded once per process and never mutated, with pure query functions."""

from __future__ import annotations

import hashlib
import io
import json
import math
import threading
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from atlas.build import (
    GEMEINDE_GEBIETSSTAND,
    GEMEINDE_GEO_OUT,
    GEMEINDEN_OUT,
    GEO_OUT,
    INFO_OUT,
    REGIONS_OUT,
    VALUES_OUT,
    gemeinde_key_map,
    is_built,
)
from atlas.catalogue import Catalogue, Indicator, Source, default_catalogue
from atlas.errors import AtlasError
from atlas.levels.derived import with_derived
from atlas.levels.own import protected_values
from atlas.levels.registry import (
    GEMEINDE,
    GEMEINDE_SOURCE,
    KREIS,
    KREIS_SOURCE,
    Level,
    Levels,
)
from atlas.paths import data_dir
from atlas.schema import EISENACH_AGS, HISTORIC_KREISE, LAND_AGS, LAND_NAME, WARTBURGKREIS_AGS, Col

#: Columns of :attr:`AtlasData.gemeinden`.
GEMEINDE_COLUMNS = [Col.AGS, Col.NAME, "bez", "kind", "kreis", "kreis_name", "label"]


def _empty_gemeinden() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=str) for c in GEMEINDE_COLUMNS})


def _empty_collection() -> dict:
    return {"type": "FeatureCollection", "features": []}


class DataNotBuilt(AtlasError):
    """The data folder holds no built data."""


class DataCorrupt(AtlasError):
    """A built file is missing, cut, changed or unreadable: it does not match ``build_info.json``.

    The message names the file and says to run ``atlas build``; nothing of the folder is used.
    """

    def __init__(self, path: Path, problem: str) -> None:
        self.path = path
        super().__init__(
            f"Die aufbereiteten Daten sind beschädigt oder unvollständig: {path} {problem}. "
            "Bitte „atlas build“ ausführen (baut die Daten in wenigen Sekunden neu)."
        )


@dataclass(frozen=True)
class Reference:
    """The Thüringen reference for one indicator and year."""

    value: float
    label: str  # "Thüringen (amtlich)", "Median der Kreise|Gemeinden", "Thüringen (Summe der …)"
    basis: str  # "amtlich", "median", "summe", "" when missing

    @property
    def missing(self) -> bool:
        return math.isnan(self.value)


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
    gemeinden: pd.DataFrame = field(hash=False, repr=False, default_factory=_empty_gemeinden)
    #: properties AGS, GEN, BEZ, KREIS and (added on loading) KIND, KREIS_NAME
    gemeinde_geojson: dict = field(hash=False, repr=False, default_factory=_empty_collection)
    #: years per indicator, filled on first use (a cache, not data: the values never change)
    _years_memo: dict = field(hash=False, repr=False, compare=False, default_factory=dict)
    #: every level of this data, built and own (:mod:`atlas.levels.registry`)
    levels: Levels = field(hash=False, repr=False, default_factory=lambda: Levels({}))

    @classmethod
    def from_frames(cls, catalogue, regions, geojson, values, info, gemeinden=None,
                    gemeinde_geojson=None, own_levels: tuple[Level, ...] = ()) -> "AtlasData":
        values = values.copy()
        values[Col.AGS] = values[Col.AGS].astype(str)
        values[Col.STATUS] = values[Col.STATUS].fillna("").astype(str)
        by_indicator = {key: frame.reset_index(drop=True) for key, frame in values.groupby(Col.INDICATOR)}
        gemeinden = _prepare_gemeinden(gemeinden, regions)
        geojson = _prepare_kreis_geojson(geojson, regions)
        gemeinde_geojson = _prepare_gemeinde_geojson(gemeinde_geojson, gemeinden)
        levels = _built_levels(regions, geojson, gemeinden, gemeinde_geojson, info)
        levels = levels.with_levels(list(own_levels))
        return cls(catalogue, regions, geojson, values, info, by_indicator, gemeinden,
                   gemeinde_geojson, levels=levels)

    @property
    def own_levels(self) -> list[Level]:
        return [level for level in self.levels if level.own]

    def with_own(self, own: list, own_values: pd.DataFrame,
                 own_levels: tuple[Level, ...] = ()) -> "AtlasData":
        """A new AtlasData with the planners' own indicators (:mod:`atlas.store`) added to the
        catalogue and their values to the tables; ``self`` stays unchanged.

        Values of own Gemeinde indicators (``level == "gemeinde"``) are keyed like the built ones:
        a kreisfreie Stadt given with its Kreis key (``16051``) becomes its Gemeinde
        (``16051000``), Eisenach's key since 2021 (``16063105``) the Gemeinde ``16056000``.
        """
        if not own and not own_levels:
            return self
        indicators = tuple(own_indicator(o) for o in own)
        sources = dict(self.catalogue.sources)
        sources.update({ind.source: own_source(o) for ind, o in zip(indicators, own)})
        catalogue = Catalogue(self.catalogue.areas, self.catalogue.indicators + indicators, sources)
        own_values = own_values[self.values.columns]
        gemeinde_ids = {ind.id for ind in indicators if ind.level == "gemeinde"}
        if gemeinde_ids and not own_values.empty:
            key_map = gemeinde_key_map(self.gemeinden)
            own_values = own_values.copy()
            own_values[Col.AGS] = own_values[Col.AGS].astype(str)
            mask = own_values[Col.INDICATOR].isin(gemeinde_ids)
            own_values.loc[mask, Col.AGS] = own_values.loc[mask, Col.AGS].map(
                lambda a: key_map.get(a, a))
        levels = self.levels.with_levels(list(own_levels))
        own_values = protected_values(own_values, indicators, levels)
        values = pd.concat([self.values, own_values], ignore_index=True)
        # counts of finer levels summed into the coarser ones, as entries of their own
        catalogue, values = with_derived(catalogue, values, levels)
        return AtlasData.from_frames(catalogue, self.regions, self.geojson, values, self.info,
                                     self.gemeinden, self.gemeinde_geojson, tuple(own_levels))

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

    def _level_regions_of(self, indicator_id: str) -> pd.DataFrame:
        return self.level_regions(self.level(indicator_id))

    def years(self, indicator_id: str) -> list[int]:
        """Years in which at least one region of the indicator's level (a current Kreis or a
        Gemeinde) has a value (a new list; computed once per indicator: the data never change,
        and every callback asks)."""
        memo = self._years_memo  # lives as long as this data (an lru would keep old data alive)
        if indicator_id not in memo:
            rows = self._rows(indicator_id)
            regions = self._level_regions_of(indicator_id)
            rows = rows[rows[Col.VALUE].notna() & rows[Col.AGS].isin(regions[Col.AGS])]
            memo[indicator_id] = tuple(sorted(int(y) for y in rows[Col.YEAR].unique()))
        return list(memo[indicator_id])

    def latest_year(self, indicator_id: str) -> int | None:
        years = self.years(indicator_id)
        return years[-1] if years else None

    def table(self, indicator_id: str, year: int) -> pd.DataFrame:
        """One row per region of the indicator's level: ``ags, name, kind, value, status, rank``
        (22 Kreise; for Gemeinde indicators every Gemeinde, plus ``kreis, kreis_name``).

        Missing values stay NaN with status "keine Daten" (or the source's reason). ``rank`` is
        direction-aware among the regions of the level: 1 = most risk for risk indicators,
        1 = highest value otherwise (see :func:`rank_note`).
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
        """Official Land value where a source provides it; else the sum of all regions of the
        indicator's level for counts (only when every region has a value); else their median
        (labelled as such: "Median der Kreise" / "Median der Gemeinden")."""
        ind = self.indicator(indicator_id)
        level = self.levels.get(ind.level)
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
                return Reference(float(kreise.sum()), sum_label, "summe")
            return Reference(math.nan, sum_label, "")
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
        """Series breaks that affect this indicator (and, if given, these Kreise)."""
        ind = self.indicator(indicator_id)
        years = self.years(indicator_id)
        found = [(b.year, b.label) for b in ind.breaks if years and years[0] < b.year <= years[-1]]
        rows = self._rows(indicator_id)
        historic = rows[(rows[Col.AGS] == EISENACH_AGS) & rows[Col.VALUE].notna()]
        if not historic.empty and (ags_list is None or WARTBURGKREIS_AGS in ags_list):
            last = int(historic[Col.YEAR].max())
            found.append(
                (
                    2021,
                    f"Wartburgkreis bis {last} ohne Eisenach (Gebietsstand vor 01.07.2021); "
                    "Eisenach (16056) als historischer Kreis geführt",
                )
            )
        return found


def _prepare_gemeinden(gemeinden: pd.DataFrame | None, regions: pd.DataFrame) -> pd.DataFrame:
    """The Gemeinden with ``kreis_name`` and a unique ``label`` (name, with the Kreis for names
    that occur twice, e.g. "Eichenberg (Saale-Holzland-Kreis)")."""
    if gemeinden is None or len(gemeinden) == 0:
        return _empty_gemeinden()
    if set(GEMEINDE_COLUMNS) <= set(gemeinden.columns):
        return gemeinden  # prepared already (with_own passes it on)
    out = gemeinden.copy()
    for column in (Col.AGS, Col.NAME, "bez", "kreis"):
        out[column] = out[column].astype(str)
    if "kind" not in out:
        out["kind"] = out["bez"]
    names = dict(zip(regions[Col.AGS], regions[Col.NAME]))
    out["kreis_name"] = out["kreis"].map(names).fillna(out["kreis"])
    twice = out[Col.NAME].duplicated(keep=False)
    out["label"] = out[Col.NAME].where(~twice, out[Col.NAME] + " (" + out["kreis_name"] + ")")
    return out[GEMEINDE_COLUMNS].sort_values(Col.AGS).reset_index(drop=True)


def _built_levels(regions: pd.DataFrame, geojson: dict, gemeinden: pd.DataFrame,
                  gemeinde_geojson: dict, info: dict) -> Levels:
    """The registry of the built levels: the Kreise and the Gemeinden (no areas in builds
    without Gemeinde boundaries)."""
    kreise = regions.assign(label=regions[Col.NAME], kreis=regions[Col.AGS],
                            kreis_name=regions[Col.NAME])
    levels = [Level(KREIS, "Kreise", "Kreis", kreise, geojson,
                    gebietsstand=str(info.get("gebietsstand") or ""), source=KREIS_SOURCE)]
    stand = str(info.get("gemeinde_gebietsstand") or GEMEINDE_GEBIETSSTAND)
    levels.append(Level(GEMEINDE, "Gemeinden", "Gemeinde", gemeinden, gemeinde_geojson,
                        gebietsstand=stand if not gemeinden.empty else "",
                        source=GEMEINDE_SOURCE, parent=KREIS,
                        outline=(gemeinde_geojson, "KREIS")))
    return Levels.of(levels)


def kreis_hover_head(name: str, kind: str) -> str:
    """The fixed part of a Kreis's hover text: name and kind."""
    return f"<b>{name}</b><br>{kind}"


def _with_hover(collection: dict, extra) -> dict:
    """A new collection whose features' properties get ``extra(properties)`` (which includes
    ``HOVER``, the fixed part of the hover text the map's hovertemplate shows); returned
    unchanged when every feature has ``HOVER`` already."""
    features = collection.get("features") or []
    if all("HOVER" in (f.get("properties") or {}) for f in features):
        return collection
    out = []
    for feature in features:
        props = dict(feature.get("properties") or {})
        out.append({**feature, "properties": {**props, **extra(props)}})
    return {**collection, "features": out}


def _prepare_kreis_geojson(collection: dict, regions: pd.DataFrame) -> dict:
    """The Kreis boundaries with the property ``HOVER`` (see :func:`kreis_hover_head`)."""
    info = regions.set_index(Col.AGS)

    def extra(props: dict) -> dict:
        ags = str(props.get("AGS", ""))
        if ags in info.index:
            return {"HOVER": kreis_hover_head(str(info.at[ags, Col.NAME]),
                                              str(info.at[ags, "kind"]))}
        return {"HOVER": kreis_hover_head(str(props.get("GEN", ags)), str(props.get("BEZ", "")))}

    return _with_hover(collection, extra)


def gemeinde_hover_head(name: str, kind: str, kreis_name: str) -> str:
    """The fixed part of a Gemeinde's hover text: name, kind and Kreis."""
    if kind == "kreisfreie Stadt" or not kreis_name:
        return f"<b>{name}</b><br>{kind}"
    return f"<b>{name}</b><br>{kind}, Landkreis: {kreis_name}"


def _prepare_gemeinde_geojson(collection: dict | None, gemeinden: pd.DataFrame) -> dict:
    """The Gemeinde boundaries with the properties ``KIND``, ``KREIS_NAME`` and ``HOVER`` (see
    :func:`gemeinde_hover_head`)."""
    if not collection or not collection.get("features"):
        return _empty_collection()
    info = gemeinden.set_index(Col.AGS)

    def extra(props: dict) -> dict:
        ags = str(props.get("AGS", ""))
        known = ags in info.index
        kind = str(info.at[ags, "kind"]) if known else str(props.get("BEZ", ""))
        kreis_name = str(info.at[ags, "kreis_name"]) if known else ""
        return {"KIND": kind, "KREIS_NAME": kreis_name,
                "HOVER": gemeinde_hover_head(str(props.get("GEN", ags)), kind, kreis_name)}

    return _with_hover(collection, extra)


def rank_note(indicator: Indicator) -> str:
    if indicator.polarity == "risk":
        return "1 = höchster Wert = höchstes Risiko"
    if indicator.polarity == "protective":
        return "1 = niedrigster Wert = höchstes Risiko"
    return "1 = höchster Wert"


def load(folder: Path | None = None, catalogue: Catalogue | None = None) -> AtlasData:
    """Read the built data of ``folder`` (default: the data folder), all or nothing.

    Every built file is checked against ``build_info.json`` (size, SHA-256, rows; written by
    ``atlas build``) before it is used (about 2 ms for the 1.3 MB of a full build).

    Raises
    ------
    DataNotBuilt
        The folder holds no built data.
    DataCorrupt
        A file is missing, cut, changed or unreadable, or the build predates the check; the
        message names the file and says to run ``atlas build``.
    """
    folder = Path(folder or data_dir())
    if not is_built(folder):
        raise DataNotBuilt(
            f"Im Datenordner {folder} liegen keine aufbereiteten Daten. Bitte zuerst „atlas build“ "
            "ausführen."
        )
    info = _read_info(folder)
    files = info.get("files")
    required = (GEO_OUT, REGIONS_OUT, VALUES_OUT)
    if not isinstance(files, dict) or any(p.as_posix() not in files for p in required):
        raise DataCorrupt(folder / INFO_OUT, "stammt von einer älteren Atlas-Version ohne "
                                             "Prüfsummen")
    raw = {rel: _verified_bytes(folder, rel, files[rel.as_posix()]) for rel in required}
    gemeinde_files = (GEMEINDEN_OUT, GEMEINDE_GEO_OUT)
    # (builds without Gemeinde boundaries: the Gemeinde level is simply empty)
    with_gemeinden = all(p.as_posix() in files for p in gemeinde_files)
    if with_gemeinden:
        raw.update({rel: _verified_bytes(folder, rel, files[rel.as_posix()])
                    for rel in gemeinde_files})

    def parse(rel: Path, reader):
        try:
            frame = reader(raw[rel])
        except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
            raise DataCorrupt(folder / rel, f"ist nicht lesbar ({type(exc).__name__})") from exc
        rows = len(frame["features"]) if isinstance(frame, dict) else len(frame)
        if rows != files[rel.as_posix()].get("rows"):
            raise DataCorrupt(folder / rel, f"enthält {rows} statt "
                                            f"{files[rel.as_posix()].get('rows')} Einträge")
        return frame

    regions = parse(REGIONS_OUT, lambda b: pd.read_csv(io.BytesIO(b), dtype=str))
    values = parse(VALUES_OUT, lambda b: pd.read_csv(
        io.BytesIO(b),
        dtype={Col.INDICATOR: str, Col.AGS: str, Col.YEAR: int, Col.VALUE: float, Col.STATUS: str},
        keep_default_na=False,
        na_values={Col.VALUE: [""]},
    ))
    geojson = parse(GEO_OUT, json.loads)
    gemeinden = gemeinde_geojson = None
    if with_gemeinden:
        gemeinden = parse(GEMEINDEN_OUT, lambda b: pd.read_csv(io.BytesIO(b), dtype=str,
                                                               keep_default_na=False))
        gemeinde_geojson = parse(GEMEINDE_GEO_OUT, json.loads)
    return AtlasData.from_frames(catalogue or default_catalogue(), regions, geojson, values, info,
                                 gemeinden, gemeinde_geojson)


def _read_info(folder: Path) -> dict:
    path = folder / INFO_OUT
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise DataCorrupt(path, f"ist nicht lesbar ({type(exc).__name__})") from exc
    if not isinstance(info, dict):
        raise DataCorrupt(path, "ist nicht lesbar (kein JSON-Objekt)")
    return info


def _verified_bytes(folder: Path, rel: Path, record) -> bytes:
    """The bytes of a built file, after checking them against its ``build_info.json`` record."""
    path = folder / rel
    if not isinstance(record, dict):
        raise DataCorrupt(folder / INFO_OUT, f"beschreibt {rel.as_posix()} nicht")
    try:
        payload = path.read_bytes()
    except FileNotFoundError:
        raise DataCorrupt(path, "fehlt") from None
    except OSError as exc:
        raise DataCorrupt(path, f"ist nicht lesbar ({exc.strerror})") from None
    if len(payload) != record.get("bytes"):
        raise DataCorrupt(path, f"hat {len(payload)} statt {record.get('bytes')} Bytes")
    if hashlib.sha256(payload).hexdigest() != record.get("sha256"):
        raise DataCorrupt(path, "wurde nach dem Bau verändert (Prüfsumme stimmt nicht)")
    return payload


OWN_TABLE_PREFIX = "eigene Daten"
UNIT_LABELS = {"%": "Anteil in %", "Anzahl": "Anzahl", "Euro": "Euro"}


def own_source(own) -> Source:
    """The source of an own indicator: what the planner typed, shown like any other source."""
    return Source(id=f"own:{own.id}", title=own.source, publisher=own.source,
                  attribution=own.source, licence=own.licence or "keine Angabe",
                  licence_url="", url="")


def own_indicator(own) -> Indicator:
    """Catalogue entry of an imported indicator (:class:`atlas.store.OwnIndicator`)."""
    return Indicator(
        id=own.id, title=own.title, short_title=own.title if len(own.title) <= 40
        else own.title[:39] + "…", unit=own.unit, unit_label=UNIT_LABELS.get(own.unit, own.unit),
        decimals=own.decimals, kind=own.kind,
        definition=own.definition or f"Eigene Daten, importiert aus {own.filename}.",
        area=own.area, life_phases=tuple(own.life_phases), polarity=own.polarity,
        source=f"own:{own.id}", table=f"{OWN_TABLE_PREFIX}: {own.filename}", series=(), own=True,
        level=getattr(own, "level", "kreis") or "kreis",
    )


@lru_cache(maxsize=1)
def base_data() -> AtlasData:
    """The built data of this process, loaded on first use and never changed."""
    return load()


class _OwnDataCache:
    """Built data plus the imported indicators, refreshed when the store's revision changes.

    Every worker process checks the revision at most every ``interval`` seconds (one tiny query),
    so an import on one worker or host appears on all others without a restart.
    """

    interval = 1.0

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._revision: int | None = None
        self._checked = 0.0
        self._data: AtlasData | None = None
        self._data_base: AtlasData | None = None
        self._store = None

    def store(self):
        from atlas.store import Store  # late import: the store is optional for pure queries

        if self._store is None:
            self._store = Store()
        return self._store

    def get(self) -> AtlasData:
        base = base_data()
        now = time.monotonic()
        if self._data is not None and now - self._checked < self.interval:
            return self._data
        with self._lock:
            store = self.store()
            revision = store.revision()
            if self._data is None or revision != self._revision or self._data_base is not base:
                self._data = base.with_own(store.indicators(), _own_values(store),
                                           _own_levels(store, base))
                self._data_base = base
                self._revision = revision
            self._checked = now
            return self._data

    def invalidate(self) -> None:
        with self._lock:
            self._checked = 0.0
            self._revision = None

    def reset(self) -> None:
        """Forget store and data (tests point ATLAS_DATA_DIR elsewhere)."""
        with self._lock:
            if self._store is not None:
                self._store.dispose()
            self._store, self._data, self._revision, self._checked = None, None, None, 0.0


def _own_levels(store, base: AtlasData) -> tuple[Level, ...]:
    from atlas.levels.own import build_levels  # late import: geopandas only where levels exist

    records = store.levels()
    if not records:
        return ()
    return build_levels(records, store.level_areas(), store.level_links(),
                        base.level_of(KREIS))


def _own_values(store) -> pd.DataFrame:
    values = store.values()
    return values.assign(**{Col.YEAR: values[Col.YEAR].astype(int)})


_own_cache = _OwnDataCache()


def get_data() -> AtlasData:
    """The process-wide data: the built data plus the planners' own indicators."""
    return _own_cache.get()


def own_store():
    """The store of this process (SQLite in the data folder or ``$ATLAS_DATABASE_URL``)."""
    return _own_cache.store()


def data_changed() -> None:
    """Call after an import or deletion in this process: the next get_data() re-reads the store."""
    _own_cache.invalidate()


def reset_data() -> None:
    """Drop all cached data (tests that switch the data folder)."""
    base_data.cache_clear()
    _own_cache.reset()

