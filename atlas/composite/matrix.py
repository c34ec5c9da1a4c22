"""Values of several indicators for the areas of one level, side by side: the input of the
composite index (:mod:`atlas.composite.index`), of similar areas and of types
(:mod:`atlas.composite.similar`).

Works on the long values frame (``indicator, ags, year, value, status``) and a level's keys, so
that it serves both while the data is assembled (computed indicators are made before an
:class:`~atlas.data.AtlasData` exists) and on a finished data object (:func:`of_data`).

Which year each indicator contributes (:func:`part_years`): the requested year where the
indicator has it, else its nearest year (the later one on a tie); without a requested year the
latest year that all indicators have, else each indicator's latest year. The years used are
returned with the values, so that every view can name them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from atlas.schema import Col


@dataclass(frozen=True)
class Matrix:
    """Areas (rows, in the level's order) × indicators (columns)."""

    keys: tuple[str, ...]
    indicators: tuple[str, ...]
    years: tuple[int, ...]  # the year each indicator's column is of
    values: np.ndarray  # float, NaN where missing
    statuses: np.ndarray  # object: the status of each cell ("" for a plain value)

    @property
    def complete(self) -> np.ndarray:
        """Rows with a value for every indicator."""
        return ~np.isnan(self.values).any(axis=1)


def nearest_year(years: Sequence[int], target: int) -> int:
    """The year of ``years`` closest to ``target``, the later one on a tie."""
    return min(years, key=lambda y: (abs(y - target), -y))


def common_years(years_by_indicator: Sequence[Sequence[int]]) -> list[int]:
    """The years every indicator has (ascending)."""
    if not years_by_indicator:
        return []
    common = set(years_by_indicator[0])
    for years in years_by_indicator[1:]:
        common &= set(years)
    return sorted(common)


def part_years(years_by_indicator: Sequence[Sequence[int]], year: int | None = None
               ) -> tuple[int, ...]:
    """The year each indicator contributes (see the module text); a German ValueError when an
    indicator has no year at all."""
    for years in years_by_indicator:
        if not years:
            raise ValueError("Für mindestens einen Indikator gibt es keine Werte.")
    if year is None:
        common = common_years(years_by_indicator)
        if common:
            return tuple(common[-1] for _ in years_by_indicator)
        return tuple(max(years) for years in years_by_indicator)
    return tuple(nearest_year(list(years), int(year)) for years in years_by_indicator)


def years_with_values(values: pd.DataFrame, indicator_id: str, keys: Sequence[str]) -> list[int]:
    """The years in which at least one of ``keys`` has a value of the indicator."""
    rows = values[(values[Col.INDICATOR] == indicator_id) & values[Col.AGS].isin(keys)
                  & values[Col.VALUE].notna()]
    return sorted({int(y) for y in rows[Col.YEAR]})


def matrix(values: pd.DataFrame, keys: Sequence[str], indicator_ids: Sequence[str],
           years: Sequence[int]) -> Matrix:
    """The values of ``indicator_ids`` (each of its year in ``years``) for the areas ``keys``."""
    keys = tuple(str(k) for k in keys)
    ids = tuple(indicator_ids)
    wanted = pd.DataFrame({Col.INDICATOR: ids, Col.YEAR: [int(y) for y in years]})
    rows = values[values[Col.INDICATOR].isin(ids) & values[Col.AGS].isin(keys)]
    rows = rows.astype({Col.YEAR: int}).merge(wanted, on=[Col.INDICATOR, Col.YEAR])
    rows = rows.drop_duplicates([Col.INDICATOR, Col.AGS], keep="first")
    row_of = {k: i for i, k in enumerate(keys)}
    col_of = {ind: j for j, ind in enumerate(ids)}
    out = np.full((len(keys), len(ids)), np.nan)
    statuses = np.full((len(keys), len(ids)), "keine Daten", dtype=object)
    r = rows[Col.AGS].map(row_of).to_numpy(dtype=int)
    c = rows[Col.INDICATOR].map(col_of).to_numpy(dtype=int)
    out[r, c] = rows[Col.VALUE].to_numpy(dtype=float)
    statuses[r, c] = rows[Col.STATUS].fillna("").astype(str).to_numpy()
    statuses[(statuses == "") & np.isnan(out)] = "keine Daten"
    return Matrix(keys, ids, tuple(int(y) for y in years), out, statuses)


def of_data(data, level_id: str, indicator_ids: Sequence[str], year: int | None = None
            ) -> Matrix:
    """:func:`matrix` of a finished :class:`~atlas.data.AtlasData` for the areas of ``level_id``,
    each indicator in its year by :func:`part_years`."""
    keys = data.level_of(level_id).keys
    years = part_years([data.years(i) for i in indicator_ids], year)
    return matrix(data.values, keys, indicator_ids, years)
