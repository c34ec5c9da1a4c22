"""The built atlas data, loaded once per process and never mutated, with pure query functions."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from atlas.build import GEO_OUT, INFO_OUT, REGIONS_OUT, VALUES_OUT, is_built
from atlas.catalogue import Catalogue, Indicator, default_catalogue
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


@lru_cache(maxsize=1)
def get_data() -> AtlasData:
    """The process-wide data, loaded on first use."""
    return load()
