"""What the page, the API and the exports say about a Sozialindex: its parts, weights, years and
method, and per area its rank with the rank range of the robustness check
(:mod:`atlas.composite.robustness`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from atlas.composite import formulas as fm
from atlas.composite.compute import formula_of, index_years, oriented_matrix
from atlas.composite.index import METHODS, normalised
from atlas.composite.robustness import CLASSES, robustness
from atlas.errors import AtlasError
from atlas.memo import per_data
from atlas.schema import Col


class NotAnIndex(AtlasError):
    """The indicator is no Sozialindex (German message)."""


@dataclass(frozen=True)
class PartLine:
    indicator: str
    title: str
    weight: float  # normalised (sum 1)
    direction: int
    year: int  # the year this part contributes to the index year


@dataclass(frozen=True)
class IndexReport:
    formula: fm.Formula
    year: int
    parts: tuple[PartLine, ...]
    table: pd.DataFrame  # ags, name, value, status, rank, rank_low, rank_high, drop_low,
    #                      drop_high, class_changes, class_share (one row per area of the level)
    draws: int
    seed: int
    concentration: float
    classes: int
    years: tuple[int, ...]  # every year of the index

    @property
    def method_text(self) -> str:
        return METHODS[self.formula.params.method]

    @property
    def unstable(self) -> int:
        """Areas whose class changes under the robustness check."""
        return int(self.table["class_changes"].sum())


def index_formula(data, indicator_id: str) -> fm.Formula:
    formula = formula_of(data.catalogue, indicator_id)
    if formula is None or formula.kind != "index":
        raise NotAnIndex(f"„{str(indicator_id)[:60]}“ ist kein Sozialindex.")
    return formula


@per_data(maxsize=64)
def years_of_index(data, indicator_id: str) -> dict[int, tuple[int, ...]]:
    """Year of the index → the year each part contributes (:func:`index_years`), from the
    parts' years the data keeps (once per data object: the info box asks at every year step)."""
    formula = index_formula(data, indicator_id)
    return index_years(formula, [data.years(part) for part in formula.parts])


def part_lines(data, indicator_id: str, year: int | None = None) -> tuple[PartLine, ...]:
    """The parts of an index as its info box lists them, with the year each contributes to
    ``year`` (default: the index's latest year)."""
    formula = index_formula(data, indicator_id)
    years_of = years_of_index(data, indicator_id)
    year = max(years_of) if year is None or year not in years_of else year
    weights = normalised([p.weight for p in formula.params.items])
    return tuple(PartLine(p.indicator, data.indicator(p.indicator).title, float(w), p.direction,
                          y)
                 for p, w, y in zip(formula.params.items, weights, years_of[year]))


def info_lines(data, indicator_id: str, year: int | None = None) -> list[str]:
    """German lines for the info box: one per part ("SGB-II-Quote – Gewicht 40 %, höher = mehr
    Risiko, Jahr 2021"; a part that contributes another year than ``year`` says so: "Jahr 2020
    (nächstes verfügbares Jahr)"), then the method. Only the weight is written with a decimal
    comma: a title keeps its own points ("je 1.000 Einwohner")."""
    formula = index_formula(data, indicator_id)
    years_of = years_of_index(data, indicator_id)
    shown = year if year in years_of else max(years_of, default=year)
    parts = part_lines(data, indicator_id, shown)
    lines = []
    for part in parts:
        direction = ("höher = mehr Risiko" if part.direction > 0
                     else "umgedreht (höher = weniger Risiko)")
        weight = f"{round(part.weight * 100, 1):g}".replace(".", ",")
        nearest = " (nächstes verfügbares Jahr)" if part.year != shown else ""
        lines.append(f"{part.title} – Gewicht {weight} %, {direction}, Jahr {part.year}"
                     f"{nearest}")
    lines.append(f"Methode: {METHODS[formula.params.method]}; gewichtetes Mittel; höher = mehr "
                 "Risiko.")
    return lines


@per_data(maxsize=64)
def index_report(data, indicator_id: str, year: int | None = None) -> IndexReport:
    """The index of ``year`` (default: its latest) with the robustness check per area."""
    formula = index_formula(data, indicator_id)
    level = data.level_of(formula.level)
    years_of = years_of_index(data, indicator_id)
    if not years_of:
        raise NotAnIndex(f"„{formula.title}“ hat keine Werte.")
    if year is None:
        year = max(years_of)
    if year not in years_of:
        raise NotAnIndex(f"„{formula.title}“ hat kein Jahr {year}; vorhanden: "
                         f"{', '.join(map(str, years_of))}.")
    m, oriented = oriented_matrix(formula, data.values, level.keys, years_of[year])
    check = robustness(oriented, [p.weight for p in formula.params.items])
    table = data.table(formula.id, year)[[Col.AGS, Col.NAME, Col.VALUE, Col.STATUS]]
    table = table.set_index(Col.AGS).reindex(list(m.keys)).reset_index()
    table = table.assign(rank=check.rank, rank_low=check.rank_low, rank_high=check.rank_high,
                         drop_low=check.drop_low, drop_high=check.drop_high,
                         class_changes=check.class_changes, class_share=check.class_share)
    return IndexReport(formula, int(year), part_lines(data, indicator_id, year), table,
                       check.draws, check.seed, check.concentration, CLASSES,
                       tuple(sorted(years_of)))


def rank_range_text(row) -> str:
    """"3 (2–5)": the rank and its 5–95 % range over the weight draws; "–" without a value."""
    if np.isnan(row.rank):
        return "–"
    low, high = int(round(row.rank_low)), int(round(row.rank_high))
    return f"{int(row.rank)} ({low}–{high})" if (low, high) != (row.rank, row.rank) \
        else f"{int(row.rank)}"


def report_payload(report: IndexReport) -> dict:
    """The JSON of ``GET /api/index/ID``."""
    f = report.formula

    def number(x):
        return None if x is None or (isinstance(x, float) and np.isnan(x)) else x

    areas = []
    for row in report.table.itertuples(index=False):
        has = not np.isnan(row.rank)
        areas.append({
            "ags": row.ags, "name": row.name,
            "value": number(round(float(row.value), 6)) if has else None,
            "status": row.status or "ok",
            "rank": int(row.rank) if has else None,
            "rank_range": [number(float(row.rank_low)), number(float(row.rank_high))]
            if has else None,
            "rank_without_one_part": [int(row.drop_low), int(row.drop_high)] if has else None,
            "class_changes": bool(row.class_changes) if has else None,
            "class_change_share": number(round(float(row.class_share), 4)) if has else None,
        })
    return {
        "id": f.id, "title": f.title, "ebene": f.level, "year": report.year,
        "method": f.params.method, "method_text": report.method_text,
        "parts": [{"indicator": p.indicator, "title": p.title, "weight": round(p.weight, 6),
                   "weight_given": next(x.weight for x in f.params.items
                                        if x.indicator == p.indicator),
                   "direction": p.direction, "year": p.year} for p in report.parts],
        "years": list(report.years),
        "robustness": {"draws": report.draws, "seed": report.seed,
                       "concentration": report.concentration,
                       "rank_range": "5.–95. Perzentil der Ränge über die Gewichtsziehungen",
                       "classes": report.classes},
        "areas": areas,
    }

