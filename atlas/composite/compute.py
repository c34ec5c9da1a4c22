"""The values and catalogue entries of the planners' definitions (:mod:`atlas.composite.formulas`),
made whenever the data is assembled (:func:`with_computed`).

- A **Quote** has a value per area and year where numerator and denominator are both present:
  ``factor × numerator / denominator`` (exact decimal arithmetic, one rounding). A missing or
  protected part, or a denominator of 0, leaves the area empty with its reason. At every
  coarser level the counts nest in (:meth:`~atlas.levels.registry.Levels.membership`), the rate
  is recomputed from the summed counts (:func:`atlas.levels.rollup.roll_up_rate`), never
  averaged; it is then an entry of its own, id ``"<id>@<level>"``
  (:func:`atlas.levels.derived.derived_id`), like the summed counts. At an own level the rate
  is hidden where its denominator is below the level's minimum or its numerator a protected
  count (:func:`atlas.levels.protection.protect_rates`).
- A **Veränderung** is computed wherever its indicator is shown (its own level, and the entries
  of the same indicator at coarser levels).
- A **Sozialindex** has a value for every year all its parts have and, where a year is named,
  for that year with each part's nearest year; each year standardised on its own (the index says
  where an area stands among the level's areas in that year).

A definition that cannot be computed (a part deleted, a source rebuilt without it) is left out
with a German problem text; it never stops the atlas from loading.
"""

from __future__ import annotations

import logging
import math
from dataclasses import replace
from decimal import Decimal

import numpy as np
import pandas as pd

from atlas.catalogue import Catalogue, Indicator, Source
from atlas.composite import formulas as fm
from atlas.composite.index import IndexProblem, combine, orient, standardise
from atlas.composite.matrix import common_years, matrix, part_years, years_with_values
from atlas.levels.derived import derived_id, not_derivable, split_id
from atlas.levels.registry import Level, Levels
from atlas.levels.rollup import (
    INCOMPLETE,
    ZERO_DENOMINATOR,
    RollupError,
    merge_status,
    roll_up,
    roll_up_rate,
)
from atlas.schema import Col

log = logging.getLogger(__name__)

SOURCE_PREFIX = "formula:"
UNIT_LABELS = {"%": "Anteil in %"}
#: Status of a rate whose numerator is protected, and whose denominator is.
NUMERATOR_HIDDEN = "nicht ausgewiesen (Zähler geschützt)"
DENOMINATOR_HIDDEN = "nicht ausgewiesen (Nenner geschützt)"
#: Status of a percent change from a first value of 0.
ZERO_BASE = "Ausgangswert 0"


def _hidden(status: str) -> bool:
    from atlas import missing

    return missing.reason_of(status) is missing.PROTECTED


def _short(title: str) -> str:
    return title if len(title) <= 40 else title[:39] + "…"


def _table_parts(catalogue: Catalogue, ids) -> list[str]:
    """The indicators from tables behind ``ids`` (a defined part replaced by its own parts)."""
    out = []
    for part_id in ids:
        inner = formula_of(catalogue, part_id)
        out.extend(_table_parts(catalogue, inner.parts) if inner else [part_id])
    return out


def source_of(formula: fm.Formula, catalogue: Catalogue) -> Source:
    """The source of a defined indicator: "eigene Berechnung aus" the indicators from tables it
    is made of, grouped by their sources (a source's table is named where its parts share one;
    every part's own table stands in its info box), with every licence of the parts."""
    by_source: dict[str, list[tuple[str, str]]] = {}
    licences: list[str] = []
    for part_id in dict.fromkeys(_table_parts(catalogue, formula.parts)):
        part = catalogue.indicator(part_id)
        src = catalogue.source_of(part)
        by_source.setdefault(src.attribution, []).append(
            (f"„{part.short_title}“", catalogue.source_table(part)))
        licences.append(src.licence)
    groups = []
    for attribution, parts in by_source.items():
        tables = {table for _, table in parts}
        table = tables.pop() if len(tables) == 1 else ""
        groups.append(f"{', '.join(name for name, _ in parts)}: {attribution}"
                      f"{', ' + table if table else ''}")
    listing = "; ".join(groups)
    attribution = f"eigene Berechnung aus {listing}"
    return Source(id=SOURCE_PREFIX + formula.id, title=formula.title, publisher="eigene Berechnung",
                  attribution=attribution, licence=" / ".join(dict.fromkeys(licences)),
                  licence_url="", url="")


def formula_of(catalogue: Catalogue, indicator_id: str) -> fm.Formula | None:
    """The definition behind a catalogue entry (also of its entries at coarser levels,
    ``"<id>@<level>"``), ``None`` for a table's indicator."""
    return catalogue.formulas.get(split_id(indicator_id)[0])


def entry_of(formula: fm.Formula, catalogue: Catalogue) -> Indicator:
    """The catalogue entry of a completed formula at its own level."""
    if formula.kind == "index":
        unit_label = fm.INDEX_UNIT_LABELS[formula.params.method]
    elif formula.kind == "change":
        unit_label = ("Veränderung in Prozentpunkten" if formula.unit == "Prozentpunkte"
                      else f"Veränderung in {formula.unit}")
    else:
        unit_label = UNIT_LABELS.get(formula.unit, formula.unit)
    return Indicator(
        id=formula.id, title=formula.title, short_title=_short(formula.title), unit=formula.unit,
        unit_label=unit_label, decimals=formula.decimals, kind="rate",
        definition=fm.definition_text(formula, catalogue), area=formula.area,
        life_phases=tuple(formula.life_phases), polarity=formula.polarity,
        source=SOURCE_PREFIX + formula.id, table="", series=(), own=True, level=formula.level,
        composite=formula.kind)


# --- rates ---------------------------------------------------------------------------------------


def _rows(values_by_id: dict, indicator_id: str, keys) -> pd.DataFrame:
    rows = values_by_id.get(indicator_id)
    if rows is None:
        return pd.DataFrame(columns=[Col.AGS, Col.YEAR, Col.VALUE, Col.STATUS])
    return rows[rows[Col.AGS].isin(set(keys))][[Col.AGS, Col.YEAR, Col.VALUE, Col.STATUS]]


def rate_values(num: pd.DataFrame, den: pd.DataFrame, keys, factor: float) -> pd.DataFrame:
    """``ags, year, value, status`` of ``factor × num / den`` for every area of ``keys`` and every
    year both counts have a value in (see the module text for the reasons of missing values)."""
    years = sorted(set(num.loc[num[Col.VALUE].notna(), Col.YEAR].astype(int))
                   & set(den.loc[den[Col.VALUE].notna(), Col.YEAR].astype(int)))
    grid = pd.DataFrame({Col.AGS: [k for k in keys for _ in years],
                         Col.YEAR: years * len(keys)})
    on = [Col.AGS, Col.YEAR]
    both = (grid.merge(num.astype({Col.YEAR: int}).drop_duplicates(on), on=on, how="left")
            .merge(den.astype({Col.YEAR: int}).drop_duplicates(on), on=on, how="left",
                   suffixes=("_num", "_den")))
    out_values, out_status = [], []
    f = Decimal(repr(float(factor)))
    for a, b, sa, sb in zip(both["value_num"], both["value_den"], both["status_num"],
                            both["status_den"]):
        sa = sa if isinstance(sa, str) else ""
        sb = sb if isinstance(sb, str) else ""
        if pd.isna(a) or pd.isna(b):
            status = sa if pd.isna(a) else sb
            if _hidden(status):
                status = NUMERATOR_HIDDEN if pd.isna(a) else DENOMINATOR_HIDDEN
            out_values.append(math.nan)
            out_status.append(status or "keine Daten")
        elif b == 0:
            out_values.append(math.nan)
            out_status.append(ZERO_DENOMINATOR)
        else:
            out_values.append(float(f * Decimal(repr(float(a))) / Decimal(repr(float(b)))))
            out_status.append(merge_status([sa, sb]))
    return grid.assign(**{Col.VALUE: np.array(out_values, dtype=float), Col.STATUS: out_status})


def _protect_rate(rates: pd.DataFrame, den: pd.DataFrame, num: pd.DataFrame, level: Level
                  ) -> pd.DataFrame:
    if not level.own:
        return rates
    from atlas.levels.protection import SHOWN, protect_rates

    protected = protect_rates(rates, den, threshold=level.min_denominator, numerators=num,
                              count_threshold=level.min_count)
    return protected.drop(columns=[SHOWN])


def _coarse_title(entry: Indicator, fine: Level) -> str:
    return f"{entry.title} (aus den {fine.title})"


def _rate(formula: fm.Formula, entry: Indicator, by_id: dict, levels: Levels
          ) -> list[tuple[Indicator, pd.DataFrame]]:
    p = formula.params
    fine = levels.get(formula.level)
    num_rows = _rows(by_id, p.numerator, fine.keys)
    den_rows = _rows(by_id, p.denominator, fine.keys)
    here = rate_values(num_rows, den_rows, fine.keys, p.factor)
    out = [(entry, _protect_rate(here, den_rows, num_rows, fine))]
    for coarse in levels:
        if coarse.id == fine.id or not len(coarse):
            continue
        try:
            members = levels.membership(fine.id, coarse.id)
        except RollupError:
            continue
        rates = roll_up_rate(num_rows, den_rows, members, factor=p.factor)
        if rates.empty:
            continue
        years = sorted(set(rates[Col.YEAR]))
        outside = [k for k in coarse.keys if k not in set(members["key"])]
        if outside:
            rates = pd.concat([rates, pd.DataFrame(
                {Col.AGS: [k for k in outside for _ in years], Col.YEAR: years * len(outside),
                 Col.VALUE: math.nan, Col.STATUS: not_derivable(fine)})], ignore_index=True)
        if coarse.own:
            rates = _protect_rate(rates, roll_up(den_rows, members), roll_up(num_rows, members),
                                  coarse)
        title = _coarse_title(entry, fine)
        definition = (f"Auf der Ebene „{coarse.title}“ aus den zu ihren Gebieten summierten "
                      f"Anzahlen der {fine.title} neu berechnet (nie gemittelt); ein Gebiet mit "
                      f"einem Teil ohne Wert bleibt leer.\n\n{entry.definition}")
        out.append((replace(entry, id=derived_id(entry.id, coarse.id), title=title,
                            short_title=_short(title), definition=definition,
                            level=coarse.id), rates))
    return out


# --- changes -------------------------------------------------------------------------------------


def change_values(rows: pd.DataFrame, keys, year_from: int, year_to: int, percent: bool
                  ) -> pd.DataFrame:
    """``ags, year (= year_to), value, status``: the change of ``rows`` per area of ``keys``."""
    def year_rows(year):
        r = rows[rows[Col.YEAR].astype(int) == year].drop_duplicates(Col.AGS)
        return r.set_index(Col.AGS).reindex(list(keys))

    a, b = year_rows(year_from), year_rows(year_to)
    va, vb = a[Col.VALUE].to_numpy(dtype=float), b[Col.VALUE].to_numpy(dtype=float)
    sa, sb = a[Col.STATUS].fillna("").to_numpy(), b[Col.STATUS].fillna("").to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        value = (vb - va) / np.abs(va) * 100 if percent else vb - va
    status = []
    for i in range(len(value)):
        if np.isnan(va[i]) or np.isnan(vb[i]):
            s = sa[i] if np.isnan(va[i]) else sb[i]
            status.append(s if s and _hidden(s) else f"{INCOMPLETE}: kein Wert für "
                          f"{year_from if np.isnan(va[i]) else year_to}")
        elif percent and va[i] == 0:
            value[i] = math.nan
            status.append(ZERO_BASE)
        else:
            status.append(merge_status([sa[i], sb[i]]))
    return pd.DataFrame({Col.AGS: list(keys), Col.YEAR: year_to, Col.VALUE: value,
                         Col.STATUS: status})


def _change(formula: fm.Formula, entry: Indicator, by_id: dict, catalogue: Catalogue,
            levels: Levels) -> list[tuple[Indicator, pd.DataFrame]]:
    p = formula.params
    out = []
    shown = [ind for ind in catalogue.indicators if split_id(ind.id)[0] == p.indicator
             and ind.level in levels]
    for ind in shown:
        level = levels.get(ind.level)
        rows = _rows(by_id, ind.id, level.keys)
        if not {p.year_from, p.year_to} <= set(rows[Col.YEAR].astype(int)):
            continue
        values = change_values(rows, level.keys, p.year_from, p.year_to, p.percent)
        if ind.id == p.indicator:
            out.append((entry, values))
        else:
            title = f"{entry.title} ({level.title})"
            out.append((replace(entry, id=derived_id(entry.id, level.id), title=title,
                                short_title=_short(title), level=level.id), values))
    return out


# --- index ---------------------------------------------------------------------------------------


def index_years(formula: fm.Formula, per_part: list[list[int]]) -> dict[int, tuple[int, ...]]:
    """Year of the index → the year each part contributes, from the years each part has values
    in (``per_part``, in the order of the parts): every year all parts have, and the named year
    (each part's nearest year), or without common years each part's latest."""
    p = formula.params
    if any(not years for years in per_part):
        return {}
    out = {year: tuple(year for _ in per_part) for year in common_years(per_part)}
    if p.year is not None:
        out[p.year] = part_years(per_part, p.year)
    elif not out:
        years = part_years(per_part)
        out[max(years)] = years
    return dict(sorted(out.items()))


def oriented_matrix(formula: fm.Formula, values: pd.DataFrame, keys, years):
    """The parts of the index in ``years`` (:class:`~atlas.composite.matrix.Matrix`) and their
    oriented standardised values (areas × parts)."""
    p = formula.params
    m = matrix(values, keys, formula.parts, years)
    oriented = orient(standardise(m.values, p.method), [x.direction for x in p.items], p.method)
    return m, oriented


def index_values(formula: fm.Formula, values: pd.DataFrame, keys, names: dict | None = None
                 ) -> pd.DataFrame:
    """``ags, year, value, status`` of the index for every year of :func:`index_years`; an area
    missing a part is empty, "unvollständig: ohne <part's name in ``names``>"."""
    names = names or {}
    p = formula.params
    frames = []
    per_part = [years_with_values(values, part, keys) for part in formula.parts]
    for year, years in index_years(formula, per_part).items():
        try:
            m, oriented = oriented_matrix(formula, values, keys, years)
        except IndexProblem as problem:
            log.warning("Index %s, %s: %s", formula.id, year, problem)
            continue
        score = combine(oriented, [x.weight for x in p.items])
        status = []
        for row in range(len(m.keys)):
            gaps = [j for j in range(len(m.indicators)) if np.isnan(m.values[row, j])]
            status.append("" if not gaps else f"{INCOMPLETE}: ohne " + ", ".join(
                names.get(m.indicators[j], m.indicators[j]) for j in gaps))
        frames.append(pd.DataFrame({Col.AGS: list(m.keys), Col.YEAR: year, Col.VALUE: score,
                                    Col.STATUS: status}))
    if not frames:
        return pd.DataFrame(columns=[Col.AGS, Col.YEAR, Col.VALUE, Col.STATUS])
    return pd.concat(frames, ignore_index=True)


# --- all together --------------------------------------------------------------------------------


def with_computed(catalogue: Catalogue, values: pd.DataFrame, levels: Levels,
                  formulas) -> tuple[Catalogue, pd.DataFrame]:
    """The catalogue and values with the entries of ``formulas`` added; definitions that could
    not be computed are left out, their German problems logged and kept in
    :attr:`~atlas.catalogue.Catalogue.formula_problems`.

    A definition may use another one (a Sozialindex of a computed rate): they are completed in
    rounds until no more can be."""
    if not formulas:
        return catalogue, values
    columns = list(values.columns)
    by_id = dict(iter(values.groupby(Col.INDICATOR, sort=False)))
    known = {ind.id for ind in catalogue.indicators}
    pending = list(formulas)
    done: dict[str, fm.Formula] = {}
    entries: list[Indicator] = []
    sources = dict(catalogue.sources)
    frames: list[pd.DataFrame] = []
    problems: dict[str, str] = {}
    while pending:
        ready = [f for f in pending if all(p in known for p in f.parts)]
        if not ready:
            break
        for formula in ready:
            pending.remove(formula)
            current = replace(catalogue, indicators=catalogue.indicators + tuple(entries),
                              sources=sources, formulas={**catalogue.formulas, **done})
            try:
                complete = fm.completed(formula, current, taken=known)
                entry = entry_of(complete, current)
                sources[entry.source] = source_of(complete, current)
                if complete.kind == "rate":
                    made = _rate(complete, entry, by_id, levels)
                elif complete.kind == "change":
                    made = _change(complete, entry, by_id, current, levels)
                else:
                    keys = levels.get(complete.level).keys
                    rows = pd.concat([by_id[p] for p in complete.parts if p in by_id]
                                     or [values.iloc[0:0]], ignore_index=True)
                    names = {p: current.indicator(p).short_title for p in complete.parts}
                    made = [(entry, index_values(complete, rows, keys, names))]
            except (fm.FormulaProblem, IndexProblem, RollupError) as problem:
                problems[formula.id] = str(problem)
                continue
            done[complete.id] = complete
            for made_entry, rows in made:
                rows = rows.assign(**{Col.INDICATOR: made_entry.id})[columns]
                entries.append(made_entry)
                known.add(made_entry.id)
                by_id[made_entry.id] = rows
                frames.append(rows)
    for formula in pending:
        missing = [p for p in formula.parts if p not in known]
        problems[formula.id] = f"Teil(e) {', '.join(missing)} gibt es nicht (mehr)."
    for formula_id, problem in problems.items():
        log.warning("Berechneter Indikator %s ausgelassen: %s", formula_id, problem)
    catalogue = replace(catalogue, indicators=catalogue.indicators + tuple(entries),
                        sources=sources, formulas={**catalogue.formulas, **done},
                        formula_problems={**catalogue.formula_problems, **problems})
    if frames:
        values = pd.concat([values, *frames], ignore_index=True)
    return catalogue, values
