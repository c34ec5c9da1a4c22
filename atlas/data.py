"""The built atlas data, loaded once per process and never mutated, with pure query functions."""

from __future__ import annotations

import json
import math
import threading
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from atlas.build import GEO_OUT, INFO_OUT, REGIONS_OUT, VALUES_OUT, is_built
from atlas.catalogue import Catalogue, Indicator, Source, default_catalogue
from atlas.errors import AtlasError
from atlas.paths import data_dir
from atlas.schema import EISENACH_AGS, HISTORIC_KREISE, LAND_AGS, LAND_NAME, WARTBURGKREIS_AGS, Col

MEDIAN_LABEL = "Median der Kreise"
SUM_LABEL = "Thüringen (Summe der Kreise)"
OFFICIAL_LABEL = LAND_NAME


class DataNotBuilt(AtlasError):
    """The data folder holds no built data."""


@dataclass(frozen=True)
class Reference:
    """The Thüringen reference for one indicator and year."""

    value: float
    label: str  # "Thüringen", "Median der Kreise" or "Thüringen (Summe der Kreise)"
    basis: str  # "amtlich", "median", "summe", "" when missing

    @property
    def missing(self) -> bool:
        return math.isnan(self.value)


@dataclass(frozen=True, eq=False)  # identity hash: usable as a cache key
class AtlasData:
    catalogue: Catalogue
    regions: pd.DataFrame  # ags, name, bez, kind — the 22 current Kreise
    geojson: dict = field(hash=False)
    values: pd.DataFrame = field(hash=False)
    info: dict = field(hash=False)
    _by_indicator: dict = field(hash=False, repr=False, default_factory=dict)

    @classmethod
    def from_frames(cls, catalogue, regions, geojson, values, info) -> "AtlasData":
        values = values.copy()
        values[Col.AGS] = values[Col.AGS].astype(str)
        values[Col.STATUS] = values[Col.STATUS].fillna("").astype(str)
        by_indicator = {key: frame.reset_index(drop=True) for key, frame in values.groupby(Col.INDICATOR)}
        return cls(catalogue, regions, geojson, values, info, by_indicator)

    def with_own(self, own: list, own_values: pd.DataFrame) -> "AtlasData":
        """A new AtlasData with the planners' own indicators (:mod:`atlas.store`) added to the
        catalogue and their values to the tables; ``self`` stays unchanged."""
        if not own:
            return self
        indicators = tuple(own_indicator(o) for o in own)
        sources = dict(self.catalogue.sources)
        sources.update({ind.source: own_source(o) for ind, o in zip(indicators, own)})
        catalogue = Catalogue(self.catalogue.areas, self.catalogue.indicators + indicators, sources)
        values = pd.concat([self.values, own_values[self.values.columns]], ignore_index=True)
        return AtlasData.from_frames(catalogue, self.regions, self.geojson, values, self.info)

    # --- catalogue helpers ---------------------------------------------------------------------
    def indicator(self, indicator_id: str) -> Indicator:
        return self.catalogue.indicator(indicator_id)

    def has_values(self, indicator_id: str) -> bool:
        return bool(self.years(indicator_id))

    def available_indicators(self, life_phase=None, area=None) -> list[Indicator]:
        """Catalogue entries with values, filtered by life phase and area."""
        return [i for i in self.catalogue.filter(life_phase, area) if self.has_values(i.id)]

    def region_name(self, ags: str) -> str:
        match = self.regions.loc[self.regions[Col.AGS] == ags, Col.NAME]
        if not match.empty:
            return str(match.iloc[0])
        return HISTORIC_KREISE.get(ags, LAND_NAME if ags == LAND_AGS else ags)

    # --- values --------------------------------------------------------------------------------
    def _rows(self, indicator_id: str) -> pd.DataFrame:
        self.catalogue.indicator(indicator_id)  # raises UnknownIndicator
        return self._by_indicator.get(indicator_id, self.values.iloc[0:0])

    def years(self, indicator_id: str) -> list[int]:
        """Years in which at least one current Kreis has a value."""
        rows = self._rows(indicator_id)
        rows = rows[rows[Col.VALUE].notna() & rows[Col.AGS].isin(self.regions[Col.AGS])]
        return sorted(int(y) for y in rows[Col.YEAR].unique())

    def latest_year(self, indicator_id: str) -> int | None:
        years = self.years(indicator_id)
        return years[-1] if years else None

    def table(self, indicator_id: str, year: int) -> pd.DataFrame:
        """One row per current Kreis: ``ags, name, kind, value, status, rank``.

        Missing values stay NaN with status "keine Daten" (or the source's reason). ``rank`` is
        direction-aware: 1 = most risk for risk indicators, 1 = highest value otherwise (see
        :func:`rank_note`).
        """
        ind = self.indicator(indicator_id)
        rows = self._rows(indicator_id)
        rows = rows[rows[Col.YEAR] == year][[Col.AGS, Col.VALUE, Col.STATUS]]
        table = self.regions[[Col.AGS, Col.NAME, "kind"]].merge(rows, on=Col.AGS, how="left")
        table[Col.STATUS] = table[Col.STATUS].fillna("")
        table.loc[table[Col.VALUE].isna() & (table[Col.STATUS] == ""), Col.STATUS] = "keine Daten"
        ascending = ind.polarity == "protective"
        table["rank"] = table[Col.VALUE].rank(ascending=ascending, method="min").astype("Int64")
        return table

    def reference(self, indicator_id: str, year: int) -> Reference:
        """Official Land value where a source provides it; else the sum of all Kreise for counts;
        else the median of the Kreise (labelled as such)."""
        ind = self.indicator(indicator_id)
        rows = self._rows(indicator_id)
        rows = rows[rows[Col.YEAR] == year]
        land = rows[(rows[Col.AGS] == LAND_AGS) & rows[Col.VALUE].notna()]
        if not land.empty:
            return Reference(float(land[Col.VALUE].iloc[0]), OFFICIAL_LABEL, "amtlich")
        kreise = rows[rows[Col.AGS].isin(self.regions[Col.AGS])][Col.VALUE].dropna()
        if kreise.empty:
            return Reference(math.nan, MEDIAN_LABEL, "")
        if ind.kind == "count":
            if len(kreise) == len(self.regions):
                return Reference(float(kreise.sum()), SUM_LABEL, "summe")
            return Reference(math.nan, SUM_LABEL, "")
        return Reference(float(kreise.median()), MEDIAN_LABEL, "median")

    def reference_series(self, indicator_id: str) -> pd.DataFrame:
        """``year, value, label, basis`` for every year of the indicator."""
        records = []
        for year in self.years(indicator_id):
            ref = self.reference(indicator_id, year)
            records.append({Col.YEAR: year, Col.VALUE: ref.value, "label": ref.label,
                            Col.BASIS: ref.basis})
        return pd.DataFrame(records, columns=[Col.YEAR, Col.VALUE, "label", Col.BASIS])

    def series(self, indicator_id: str, ags_list: list[str]) -> pd.DataFrame:
        """``ags, name, year, value, status`` of the given Kreise over all years."""
        rows = self._rows(indicator_id)
        rows = rows[rows[Col.AGS].isin(ags_list)].sort_values([Col.AGS, Col.YEAR])
        names = {ags: self.region_name(ags) for ags in ags_list}
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


def rank_note(indicator: Indicator) -> str:
    if indicator.polarity == "risk":
        return "1 = höchster Wert = höchstes Risiko"
    if indicator.polarity == "protective":
        return "1 = niedrigster Wert = höchstes Risiko"
    return "1 = höchster Wert"


def load(folder: Path | None = None, catalogue: Catalogue | None = None) -> AtlasData:
    """Read the built data of ``folder`` (default: the data folder)."""
    folder = Path(folder or data_dir())
    if not is_built(folder):
        raise DataNotBuilt(
            f"Im Datenordner {folder} liegen keine aufbereiteten Daten. Bitte zuerst „atlas build“ "
            "ausführen."
        )
    regions = pd.read_csv(folder / REGIONS_OUT, dtype=str)
    values = pd.read_csv(
        folder / VALUES_OUT,
        dtype={Col.INDICATOR: str, Col.AGS: str, Col.YEAR: int, Col.VALUE: float, Col.STATUS: str},
        keep_default_na=False,
        na_values={Col.VALUE: [""]},
    )
    geojson = json.loads((folder / GEO_OUT).read_text(encoding="utf-8"))
    info = json.loads((folder / INFO_OUT).read_text(encoding="utf-8"))
    return AtlasData.from_frames(catalogue or default_catalogue(), regions, geojson, values, info)


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
                self._data = base.with_own(store.indicators(), _own_values(store))
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

