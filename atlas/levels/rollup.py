"""Counts of a finer level summed into a coarser one (Gemeinden → own groups, own areas → Kreis).

Only counts are summed, and exactly:

* whole numbers are added as Python integers, other values as :class:`decimal.Decimal` of their
  shortest decimal text (``0.1`` + ``0.2`` is ``0.3``), so the roll-up of a Gemeinde count into
  groups equals the sum of its Gemeinden to the last digit, never a float drift;
* a coarse area with any part missing (no row for that year, or a missing/secret value) is
  missing itself, with the status :data:`INCOMPLETE` ("unvollständig") – never a smaller number;
  the one exception is the official sign "-" ("nichts vorhanden", status
  :data:`NOTHING`): it means exactly zero, so such a part adds 0;
* rates (``kind="rate"``) are refused: a rate of a coarse area is recomputed from the rolled-up
  numerator and denominator counts with :func:`roll_up_rate`, never summed or averaged.

Statuses of the parts carry over (see :func:`merge_status`): a sum of parts of which one is
"vorläufig" is "vorläufig"; flags of several kinds are all named ("geschätzt, vorläufig").
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from decimal import Decimal

import numpy as np
import pandas as pd

from atlas.errors import AtlasError
from atlas.levels.types import long_values
from atlas.schema import Col
from atlas.values import SPECIAL_SYMBOLS

#: Status of a coarse area with a missing or secret part (its value is NaN).
INCOMPLETE = "unvollständig"
#: Status of a rate whose rolled-up denominator is 0 (its value is NaN).
ZERO_DENOMINATOR = "Nenner 0"
#: Status of the official sign "-": nothing there, i.e. exactly 0 (a part that adds 0).
NOTHING = SPECIAL_SYMBOLS["-"]
#: Columns of the frames :func:`roll_up` and :func:`roll_up_rate` return.
RESULT_COLUMNS = [Col.AGS, Col.YEAR, Col.VALUE, Col.STATUS]
#: Kinds of values (as in :data:`atlas.importing.KINDS`).
COUNT, RATE = "count", "rate"

#: Order in which carried-over flags are named (others follow alphabetically).
_FLAG_ORDER = ("geschätzt", "vorläufig", "berichtigt")


class RollupError(AtlasError):
    """Values that cannot be rolled up (a rate, a membership that is empty or not a table);
    the German message says why and what is possible instead."""


def merge_status(statuses: Iterable[str]) -> str:
    """The status of a sum from the statuses of its (present) parts.

    Empty statuses are dropped; the distinct rest is named once each, the quality flags
    "geschätzt", "vorläufig", "berichtigt" first, others alphabetically, joined by ", ".
    A sum of final values has the status ``""``; one "vorläufig" part makes the sum
    "vorläufig" (it may still change when that part does).

    >>> merge_status(["", "vorläufig", "", "vorläufig"])
    'vorläufig'
    >>> merge_status(["vorläufig", "geschätzt"])
    'geschätzt, vorläufig'
    """
    found = {str(s).strip() for s in statuses if isinstance(s, str) and s.strip()}
    ranked = [f for f in _FLAG_ORDER if f in found]
    return ", ".join(ranked + sorted(found - set(ranked)))


def exact_sum(values: Iterable[float]) -> float:
    """The sum of finite numbers without float drift: whole numbers as integers, others as
    decimals of their shortest text; the result is the float nearest the exact sum.

    >>> exact_sum([0.1, 0.2]), 0.1 + 0.2
    (0.3, 0.30000000000000004)
    """
    values = [float(v) for v in values]
    if all(v.is_integer() for v in values):
        return float(sum(int(v) for v in values))
    return float(sum((Decimal(repr(v)) for v in values), Decimal(0)))


def _members(members: pd.DataFrame) -> pd.DataFrame:
    """``key, part`` as strings, without repeated pairs; refused when empty or malformed."""
    if not isinstance(members, pd.DataFrame) or not {"key", "part"} <= set(members.columns):
        raise RollupError("Zuordnung der Gebiete fehlt: erwartet wird eine Tabelle mit den "
                          "Spalten „key“ (grobes Gebiet) und „part“ (feines Gebiet).")
    out = members[["key", "part"]].dropna().astype(str).drop_duplicates()
    if out.empty:
        raise RollupError("Zuordnung der Gebiete ist leer: kein grobes Gebiet hat Teile.")
    return out.reset_index(drop=True)


def _values(values: pd.DataFrame) -> pd.DataFrame:
    out = long_values(values, RollupError)
    zero = out[Col.VALUE].isna() & (out[Col.STATUS] == NOTHING)
    out.loc[zero, Col.VALUE] = 0.0  # "-": nichts vorhanden, exactly 0 (no flag of the sum)
    out.loc[zero, Col.STATUS] = ""
    return out


def roll_up(values: pd.DataFrame, members: pd.DataFrame, *, kind: str = COUNT) -> pd.DataFrame:
    """Sum the counts of fine areas into the coarse areas they make up, for every year.

    Parameters
    ----------
    values
        Long frame of one indicator at the fine level: ``ags`` (fine key), ``year``, ``value``
        (float, NaN when missing), ``status`` (as :class:`atlas.schema.Col`).
    members
        ``key`` (coarse area) ↔ ``part`` (fine key): the complete membership of every coarse
        area. A part may belong to several coarse areas (e.g. to a group and to its Kreis).
    kind
        ``"count"`` (summable); ``"rate"`` is refused (use :func:`roll_up_rate`).

    Returns
    -------
    pandas.DataFrame
        ``ags`` (coarse key), ``year``, ``value``, ``status``, sorted by key and year: one row per
        coarse area and every year of ``values``. ``value`` is the exact sum of the parts
        (:func:`exact_sum`) and ``status`` their merged flags (:func:`merge_status`); where a part
        has no value for the year (no row, or NaN other than "-" = 0) the value is NaN and the
        status :data:`INCOMPLETE`.

    Raises
    ------
    RollupError
        For a rate or another kind that is no count, and for malformed input.
    """
    if kind == RATE:
        raise RollupError("Anteile, Quoten und Durchschnitte lassen sich nicht summieren: ein "
                          "Wert für das größere Gebiet wird nur aus Zähler und Nenner (beide als "
                          "Anzahl) neu berechnet; sonst wird er auf dieser Ebene nicht angeboten.")
    if kind != COUNT:
        raise RollupError(f"Unbekannte Art des Werts „{kind}“: summiert werden nur Anzahlen "
                          "(„count“).")
    members = _members(members)
    values = _values(values)
    years = sorted(int(y) for y in values[Col.YEAR].unique())
    # every (coarse key, part, year) at once: one merge and one groupby for all years
    grid = members.merge(pd.DataFrame({Col.YEAR: years}, dtype=int), how="cross")
    here = grid.merge(values[[Col.AGS, Col.YEAR, Col.VALUE, Col.STATUS]],
                      left_on=["part", Col.YEAR], right_on=[Col.AGS, Col.YEAR], how="left")
    value = here[Col.VALUE].to_numpy(dtype=float)
    status = here[Col.STATUS].fillna("").astype(str)
    here = pd.DataFrame({"key": here["key"], Col.YEAR: here[Col.YEAR], Col.VALUE: value,
                         "missing": np.isnan(value),
                         "fraction": ~np.isnan(value) & (value != np.floor(value)),
                         "flagged": status.str.strip() != "", Col.STATUS: status})
    groups = here.groupby(["key", Col.YEAR], sort=True)
    out = groups.agg(value=(Col.VALUE, "sum"), missing=("missing", "any"),
                     fraction=("fraction", "any"), flagged=("flagged", "any")).reset_index()
    # whole numbers: the float sum is exact (below 2**53); decimals: summed as Decimal; the
    # statuses of the (few) sums with flagged parts merged – each over its group's rows only
    on = ["key", Col.YEAR]
    out = out.set_index(on)
    inexact = (out["fraction"] | (out[Col.VALUE].abs() >= 2.0 ** 53)) & ~out["missing"]
    if inexact.any():
        rows = here.join(inexact[inexact].rename("inexact"), on=on, how="inner")
        out.loc[inexact[inexact].index, Col.VALUE] = rows.groupby(on)[Col.VALUE].agg(exact_sum)
    out[Col.STATUS] = ""
    flagged = out["flagged"] & ~out["missing"]
    if flagged.any():
        rows = here[here["flagged"]].join(flagged[flagged].rename("merge"), on=on, how="inner")
        out.loc[flagged[flagged].index, Col.STATUS] = rows.groupby(on)[Col.STATUS].agg(
            merge_status)
    out = out.reset_index()
    out.loc[out["missing"], Col.VALUE] = math.nan
    out.loc[out["missing"], Col.STATUS] = INCOMPLETE
    out = out.rename(columns={"key": Col.AGS})
    out[Col.YEAR] = out[Col.YEAR].astype(int)
    return out[RESULT_COLUMNS].astype({Col.VALUE: float, Col.AGS: str}).reset_index(drop=True)


def roll_up_rate(numerator: pd.DataFrame, denominator: pd.DataFrame, members: pd.DataFrame,
                 factor: float = 100) -> pd.DataFrame:
    """A rate of the coarse areas recomputed from rolled-up counts:
    ``factor × Σ numerator / Σ denominator`` (``factor`` 100 for "%", 1000 for "je 1.000").

    Both counts are rolled up with :func:`roll_up` (so a missing part of either makes the rate
    missing, status :data:`INCOMPLETE`); years where only one of them has values are missing as
    well. A denominator of 0 gives NaN with the status :data:`ZERO_DENOMINATOR`. The statuses of
    numerator and denominator are merged (:func:`merge_status`).

    Returns
    -------
    pandas.DataFrame
        ``ags``, ``year``, ``value``, ``status`` as :func:`roll_up`.
    """
    num = roll_up(numerator, members, kind=COUNT)
    den = roll_up(denominator, members, kind=COUNT)
    both = num.merge(den, on=[Col.AGS, Col.YEAR], how="outer", suffixes=("_num", "_den"))
    rows = []
    for row in both.itertuples(index=False):
        a, b = getattr(row, "value_num"), getattr(row, "value_den")
        statuses = [getattr(row, "status_num"), getattr(row, "status_den")]
        if pd.isna(a) or pd.isna(b):
            rows.append((row.ags, int(row.year), math.nan, INCOMPLETE))
        elif b == 0:
            rows.append((row.ags, int(row.year), math.nan, ZERO_DENOMINATOR))
        else:
            rate = Decimal(factor) * Decimal(a) / Decimal(b)  # exact counts: one rounding
            rows.append((row.ags, int(row.year), float(rate), merge_status(statuses)))
    out = pd.DataFrame(rows, columns=RESULT_COLUMNS).astype({Col.VALUE: float})
    return out.sort_values([Col.AGS, Col.YEAR], kind="stable").reset_index(drop=True)
