"""Plausibility checks on built values: flag, never silently change, what looks wrong."""

from __future__ import annotations

import pandas as pd

from atlas.schema import Col

#: Every status of a value the plausibility rules doubt starts with this word.
DOUBTFUL_PREFIX = "auffällig"
JUMP_STATUS = f"{DOUBTFUL_PREFIX} (starker Sprung gegenüber den Nachbarjahren, Quelle prüfen)"
#: Status of a 0 in a source where the indicator cannot be 0: shown as a missing value.
ZERO_STATUS = "0 in der Quelle – bei diesem Indikator unmöglich, als fehlend behandelt (Quelle prüfen)"


def is_flagged(status: object) -> bool:
    """Whether a value's status says a plausibility rule of the build doubted it (a doubtful
    value, or a 0 that cannot be): the one test for pages, API and exports that count flags."""
    text = str(status or "")
    return text.startswith(DOUBTFUL_PREFIX) or text == ZERO_STATUS


def zeros_as_missing(values: pd.DataFrame, indicators: set[str]) -> pd.DataFrame:
    """A plain 0 of an indicator that cannot be 0 (catalogue ``zero_is_missing``: the tax power
    of a Kreis, its road casualties per 100,000, its population) stands for a value the source
    did not have – INKAR 2021 writes 0 for the Steuerkraft of five Kreise in 1997. Such a row
    becomes missing (NaN) with :data:`ZERO_STATUS`, so that it is never shown, ranked, classed
    or summed as a normal value. The official sign "-" (nothing there) keeps its status and
    its 0.

    Returns a new frame; every other row is unchanged.
    """
    out = values.copy()
    zero = (out[Col.INDICATOR].isin(indicators) & (out[Col.VALUE] == 0)
            & (out[Col.STATUS].fillna("") == ""))
    out.loc[zero, Col.VALUE] = float("nan")
    out.loc[zero, Col.STATUS] = ZERO_STATUS
    return out


def flag_jumps(values: pd.DataFrame, indicators: set[str], factor: float = 1.6,
               calm: float = 0.15) -> pd.DataFrame:
    """Mark single-year spikes of stock counts (population, registered unemployed): a value
    ``factor`` times above (or below 1/factor of) both neighbouring years while those two agree
    within ``calm`` (at the ends of a series: the two years on the existing side). Rates are not checked: real one-year events (asylum seekers 2015) and small
    numbers make them jump legitimately.

    Returns a new frame; flagged rows keep their value and get :data:`JUMP_STATUS` (shown in
    hover, table and API).
    """
    out = values.copy()
    ordered = out[out[Col.INDICATOR].isin(indicators)].sort_values(
        [Col.INDICATOR, Col.AGS, Col.YEAR])
    group = ordered.groupby([Col.INDICATOR, Col.AGS])[Col.VALUE]
    prev, nxt, value = group.shift(1), group.shift(-1), ordered[Col.VALUE]
    ratio_prev, ratio_next = value / prev, value / nxt
    steady = (prev / nxt - 1).abs() <= calm
    spike = steady & (
        ((ratio_prev > factor) & (ratio_next > factor))
        | ((ratio_prev < 1 / factor) & (ratio_next < 1 / factor))
    )
    # first or last year of a series: compare with the two years on the one side that exists
    prev2, next2 = group.shift(2), group.shift(-2)
    off = lambda ratio: (ratio > factor) | (ratio < 1 / factor)  # noqa: E731
    last = nxt.isna() & ((prev / prev2 - 1).abs() <= calm) & off(ratio_prev)
    first = prev.isna() & ((nxt / next2 - 1).abs() <= calm) & off(ratio_next)
    spike = spike | last | first
    flagged = ordered.index[spike.fillna(False) & (ordered[Col.STATUS] == "")]
    out.loc[flagged, Col.STATUS] = JUMP_STATUS
    return out
