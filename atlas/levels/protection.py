"""Small numbers protected: counts below a threshold and rates of small denominators hidden.

Own small-area counts (Sozialräume, districts) can identify people. The rules, after the
practice of the statistical offices (Geheimhaltung):

**Primary suppression** (:func:`protect_counts`): a count ``n`` with ``0 < n < threshold``
(default 3: the counts 1 and 2) is hidden: value NaN, status :data:`PRIMARY` ("geschützt"),
shown as "< 3" (:func:`below_text`). **0 is not protected**: the offices publish "-" (nichts
vorhanden) for an empty cell, and a zero names no one; only a cell that could point to one or two
persons is hidden.

**Secondary suppression**: a hidden count must not be recoverable as a total minus its visible
parts. The totals are the level's total (its reference, the sum of all areas, ``total=True``)
and every coarser area a group of fine areas sums into (``groups``, e.g. the Kreise the own
areas nest in). For every total whose hidden parts are all primary (one protected part – the
textbook case – but also two parts 1 and 1, whose sum 2 would give both away), the smallest
visible part with a value above 0 is hidden as well (status :data:`SECONDARY`, "geschützt
(sekundär)"; ties broken by key). A hidden 0 would not help (total minus the visible parts would
still be the protected value), and every visible part above 0 is at least ``threshold``, so the
total minus the visible parts is then at least ``threshold`` more than any protected part. This
is repeated over all totals until nothing changes (a part hidden for one total may leave another
total with a single hidden part), for every year on its own.

A part that is missing already (NaN other than "-", e.g. "geheim" in the source) counts as
hidden and unknown, so it protects its total like a secondary suppression. Where a total cannot
be protected because no visible part above 0 is left (e.g. 2, 0, 0), the total itself reveals
the value: such totals are listed in ``attrs["hide_totals"]`` of the result (``(key, year)``,
:data:`LEVEL_TOTAL` for the level's total) and must not be shown.

The result is deterministic: the same values give the same hidden set, whatever their order.

**Rates** (:func:`protect_rates`): a rate whose denominator is below a threshold (default 50) is
not shown (status "nicht ausgewiesen (Nenner < 50)"); so is a rate without a known denominator,
and, when the numerators are given, a rate whose numerator is a protected count.
"""

from __future__ import annotations

import math

import pandas as pd

from atlas.errors import AtlasError
from atlas.levels.types import long_values
from atlas.schema import Col
from atlas.values import SPECIAL_SYMBOLS

#: Default thresholds (per level, configurable): counts below MIN_COUNT, rates of denominators
#: below MIN_DENOMINATOR are hidden.
MIN_COUNT = 3
MIN_DENOMINATOR = 50

#: Status of a count hidden because it is small (0 < n < threshold).
PRIMARY = "geschützt"
#: Status of a count hidden so that a total minus the visible parts reveals no small count.
SECONDARY = "geschützt (sekundär)"
#: Status of a rate whose numerator is a protected count.
RATE_NUMERATOR = "nicht ausgewiesen (Zähler geschützt)"
#: Status of a rate whose denominator is not known (it cannot be checked).
RATE_UNKNOWN = "nicht ausgewiesen (Nenner unbekannt)"
#: Column of the results: the text shown instead of a hidden number ("< 3", "geschützt"), else "".
SHOWN = "shown"
#: Key of the level's total in ``attrs["hide_totals"]``.
LEVEL_TOTAL = "*"

#: Status of the official sign "-": nothing there, i.e. exactly 0 (visible, not hidden).
_NOTHING = SPECIAL_SYMBOLS["-"]


class ProtectionError(AtlasError):
    """Values or thresholds that cannot be protected as given (German message)."""


def below_text(threshold: int) -> str:
    """How a primarily protected count is shown: ``"< 3"``."""
    return f"< {threshold:g}"


def rate_status(threshold: int) -> str:
    """Status of a rate of a small denominator: ``"nicht ausgewiesen (Nenner < 50)"``."""
    return f"nicht ausgewiesen (Nenner < {threshold:g})"


def _threshold(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or value < 1:
        raise ProtectionError(f"Schwelle „{name}“ muss eine Zahl ab 1 sein (angegeben: {value!r}).")
    return float(value)


def _frame(values: pd.DataFrame) -> pd.DataFrame:
    return long_values(values, ProtectionError)


def _totals(keys: list[str], groups: pd.DataFrame | None, total: bool) -> list[tuple[str, list]]:
    """(total key, sorted parts) of every total the parts sum into, in a fixed order."""
    sets = []
    if groups is not None:
        if not isinstance(groups, pd.DataFrame) or not {"key", "part"} <= set(groups.columns):
            raise ProtectionError("Gruppen der Gebiete: erwartet wird eine Tabelle mit den "
                                  "Spalten „key“ (Summe) und „part“ (Teilgebiet).")
        pairs = groups[["key", "part"]].dropna().astype(str).drop_duplicates()
        for key, parts in pairs.groupby("key", sort=True):
            sets.append((str(key), sorted(parts["part"])))
    if total:
        sets.append((LEVEL_TOTAL, sorted(keys)))
    return sets


def _exposed(parts: list[str], count: dict, primary: set, secondary: set) -> bool:
    """Whether a total over ``parts`` minus its visible parts would narrow down a protected
    count: it has a primary part, and no hidden part of unknown or large size (a secondary one,
    or one missing already) covers it."""
    if not any(p in primary for p in parts):
        return False
    return not any(p in secondary or p not in count or math.isnan(count[p][0]) for p in parts)


def protect_counts(values: pd.DataFrame, *, threshold: int = MIN_COUNT,
                   groups: pd.DataFrame | None = None, total: bool = True) -> pd.DataFrame:
    """Hide small counts and the counts that would give them away (see the module text).

    Parameters
    ----------
    values
        Long frame of one count at one level: ``ags``, ``year``, ``value`` (NaN when missing),
        ``status``; other columns are kept.
    threshold
        Counts ``0 < n < threshold`` are hidden (default :data:`MIN_COUNT` = 3).
    groups
        ``key`` (coarser area or other published total) ↔ ``part`` (key of ``values``): every
        total the counts sum into besides the level's total.
    total
        Whether the level's total (the sum of all its areas) is published (default True).

    Returns
    -------
    pandas.DataFrame
        ``values`` in their order with hidden counts set to NaN, their ``status`` set to
        :data:`PRIMARY` or :data:`SECONDARY` and a column :data:`SHOWN` with the text shown
        instead ("< 3" for primary, "geschützt" for secondary, "" for the others). Visible rows
        are unchanged. ``attrs["hide_totals"]``: tuple of ``(total key, year)`` of totals that
        would still reveal a protected count and must be hidden themselves.
    """
    threshold = _threshold(threshold, "Mindestanzahl")
    out = _frame(values)
    original_index = out.index
    out = out.reset_index(drop=True)
    out[SHOWN] = ""
    hide_totals = []
    for year, rows in out.groupby(Col.YEAR, sort=True):
        count = {}
        for index, key, value, status in zip(rows.index, rows[Col.AGS], rows[Col.VALUE],
                                              rows[Col.STATUS]):
            if math.isnan(value) and status == _NOTHING:
                value = 0.0  # "-": nichts vorhanden, a known 0
            count[key] = (value, index)
        primary = {k for k, (v, _) in count.items() if 0 < v < threshold}
        secondary: set[str] = set()
        sets = _totals(sorted(count), groups, total)
        changed = True
        while changed:
            changed = False
            for key, parts in sets:
                if not _exposed(parts, count, primary, secondary):
                    continue
                visible = [(count[p][0], p) for p in parts
                           if p in count and p not in primary and p not in secondary
                           and count[p][0] > 0]
                if visible:
                    secondary.add(min(visible)[1])
                    changed = True
        # totals that reveal what no part can cover any more
        hide_totals += [(key, int(year)) for key, parts in sets
                        if _exposed(parts, count, primary, secondary)]
        for keys, status, shown in ((primary, PRIMARY, below_text(threshold)),
                                    (secondary, SECONDARY, PRIMARY)):
            index = [count[k][1] for k in sorted(keys)]
            if index:
                out.loc[index, [Col.VALUE, Col.STATUS, SHOWN]] = [math.nan, status, shown]
    out.index = original_index
    out.attrs["hide_totals"] = tuple(hide_totals)
    return out


def protect_rates(rates: pd.DataFrame, denominators: pd.DataFrame, *,
                  threshold: int = MIN_DENOMINATOR, numerators: pd.DataFrame | None = None,
                  count_threshold: int = MIN_COUNT) -> pd.DataFrame:
    """Hide rates of small denominators (and of protected numerators).

    Parameters
    ----------
    rates
        Long frame ``ags, year, value, status`` of one rate at one level.
    denominators
        ``ags, year, value``: the count the rate is relative to (e.g. the population).
    threshold
        Rates with a denominator below it are hidden (default :data:`MIN_DENOMINATOR` = 50),
        status :func:`rate_status` ("nicht ausgewiesen (Nenner < 50)"); rates without a known
        denominator are hidden with :data:`RATE_UNKNOWN`.
    numerators
        Optional ``ags, year, value``: where given, a rate whose numerator is a protected count
        (``0 < n < count_threshold``) is hidden as well (:data:`RATE_NUMERATOR`): with its
        denominator it would give the count away.

    Returns
    -------
    pandas.DataFrame
        ``rates`` in their order, hidden rows with value NaN, their status and :data:`SHOWN`
        ("nicht ausgewiesen"); visible rows unchanged (:data:`SHOWN` "").
    """
    threshold = _threshold(threshold, "Mindestnenner")
    count_threshold = _threshold(count_threshold, "Mindestanzahl")
    out = _frame(rates)
    out[SHOWN] = ""
    on = [Col.AGS, Col.YEAR]
    den = _frame(denominators).drop_duplicates(on).set_index(on)[Col.VALUE]
    keys = pd.MultiIndex.from_arrays([out[Col.AGS], out[Col.YEAR]])
    den_here = den.reindex(keys).to_numpy()
    reasons = [RATE_UNKNOWN if math.isnan(d) else rate_status(threshold) if d < threshold else ""
               for d in den_here]
    if numerators is not None:
        num = _frame(numerators).drop_duplicates(on).set_index(on)[Col.VALUE]
        for i, n in enumerate(num.reindex(keys).to_numpy()):
            if not reasons[i] and 0 < n < count_threshold:
                reasons[i] = RATE_NUMERATOR
    for i, reason in enumerate(reasons):
        if reason and not math.isnan(out[Col.VALUE].iat[i]):  # a missing rate keeps its reason
            out.iloc[i, out.columns.get_indexer([Col.VALUE, Col.STATUS, SHOWN])] = [
                math.nan, reason, "nicht ausgewiesen"]
    return out
