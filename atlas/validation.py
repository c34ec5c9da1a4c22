"""Plausibility checks on built values: what looks wrong is flagged, never silently changed.

A value a rule doubts becomes a missing value (NaN) whose status starts with
:data:`DOUBTFUL_PREFIX` and names the source value and why it is doubted, e.g.
"auffällig: Quellwert 144.800 – 2016–2018 sprunghaft anders als 2015 und 2019 (39.000;
36.800) (Quelle prüfen)". So it drops out of every sum, median, rank, class and index by
itself, while map hover, table, profile and exports show it with its reason
(:func:`is_flagged`; the map's reason :data:`atlas.missing.DOUBTFUL`).

The rules (all pure, each returns a new frame and leaves every other row unchanged):

* :func:`zeros_as_missing` – a 0 where the indicator cannot be 0 (catalogue ``zero_is_missing``);
* :func:`flag_jumps` – stock counts (population, unemployed) that leap for one to three years
  and come back (single-year spikes and plateaus such as the GERDA population of 2016–2018);
* :func:`flag_outliers` – rates far outside the same year's distribution of the other areas
  *and* untypical for the area's own series (a unit mix-up of 5 € among 210–260 €);
* :func:`cross_check` – a count against a second source: density × area.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from atlas.schema import LAND_AGS, Col
from atlas.values import format_number, year_ranges

#: Every status of a value the plausibility rules doubt starts with this word.
DOUBTFUL_PREFIX = "auffällig"
#: Status of a 0 in a source where the indicator cannot be 0: shown as a missing value.
ZERO_STATUS = (f"{DOUBTFUL_PREFIX}: Quellwert 0 – bei diesem Indikator unmöglich, steht für eine "
               "fehlende Angabe (Quelle prüfen)")


def is_flagged(status: object) -> bool:
    """Whether a value's status says a plausibility rule of the build doubted it (a doubtful
    value, or a 0 that cannot be): the one test for pages, API and exports that count flags."""
    return str(status or "").startswith(DOUBTFUL_PREFIX)


def _number(value: float) -> str:
    """A source value in German format with the decimals it needs (at most two)."""
    decimals = 0 if float(value).is_integer() or abs(value) >= 1000 else 2
    text = format_number(float(value), decimals)
    return text.rstrip("0").rstrip(",") if "," in text else text


def doubtful_status(value: float, why: str) -> str:
    """The status of a doubted value: the source value and why it is doubted."""
    return f"{DOUBTFUL_PREFIX}: Quellwert {_number(value)} – {why} (Quelle prüfen)"


def _flag(values: pd.DataFrame, reasons: dict) -> pd.DataFrame:
    """``values`` with the rows of ``reasons`` (index → why) made missing with their status."""
    out = values.copy()
    for index, why in reasons.items():
        out.loc[index, Col.STATUS] = doubtful_status(out.loc[index, Col.VALUE], why)
        out.loc[index, Col.VALUE] = float("nan")
    return out


def _open(values: pd.DataFrame, indicators: set[str]) -> pd.DataFrame:
    """The rows a rule may judge: of these indicators, with a value and no status yet."""
    return values[values[Col.INDICATOR].isin(indicators) & values[Col.VALUE].notna()
                  & (values[Col.STATUS].fillna("") == "")]


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


def _off(ratio: float, factor: float) -> int:
    """+1 when ``ratio`` is above ``factor``, −1 when below 1/``factor``, else 0."""
    if not ratio > 0 or math.isinf(ratio):
        return 0
    return 1 if ratio > factor else -1 if ratio < 1 / factor else 0


def _series_jumps(years: list[int], vals: list[float], factor: float, calm: float,
                  longest: int) -> dict[int, str]:
    """Positions of one series (sorted by year) that leap away and come back: a run of one to
    ``longest`` years all ``factor`` above (or below) both the year before and the year after,
    which agree within ``calm``; at the ends of a series a single year against the two on the
    side that exists."""
    found: dict[int, str] = {}
    n = len(vals)
    for start in range(1, n):
        for length in range(1, longest + 1):
            end = start + length  # the first year after the run
            if end >= n:
                break
            before, after = vals[start - 1], vals[end]
            if not (before > 0 and after > 0) or abs(before / after - 1) > calm:
                continue
            run = vals[start:end]
            sides = {_off(v / before, factor) for v in run} | {_off(v / after, factor) for v in run}
            if len(sides) == 1 and 0 not in sides:
                run_years = years[start:end]
                why = (f"{year_ranges(run_years)} sprunghaft anders als {years[start - 1]} und "
                       f"{years[end]} ({_number(before)}; {_number(after)})")
                for pos in range(start, end):
                    found.setdefault(pos, why)
                break
    for pos, inner, far in ((0, 1, 2), (n - 1, n - 2, n - 3)):
        if n >= 3 and pos not in found and vals[inner] > 0 and vals[far] > 0 \
                and abs(vals[inner] / vals[far] - 1) <= calm and _off(vals[pos] / vals[inner], factor):
            found[pos] = (f"{years[pos]} sprunghaft anders als {years[inner]} und {years[far]} "
                          f"({_number(vals[inner])}; {_number(vals[far])})")
    return found


def flag_jumps(values: pd.DataFrame, indicators: set[str], factor: float = 1.6,
               calm: float = 0.15, longest: int = 3) -> pd.DataFrame:
    """Doubt stock counts (population, registered unemployed) that leap away for one to
    ``longest`` years and come back: every value of the run ``factor`` times above (or below
    1/``factor`` of) both the year before and the year after the run, while those two agree
    within ``calm``. This catches single-year spikes and plateaus (the GERDA population of
    Suhl: 39,000 in 2015, 144,800–143,500 in 2016–2018, 36,800 in 2019). At the ends of a series
    a single year is compared with the two years on the side that exists (Greiz 2025).
    Rates are not checked here: real one-year events (asylum seekers 2015) and small numbers
    make them jump legitimately (:func:`flag_outliers` judges them).
    """
    rows = _open(values, indicators).sort_values([Col.INDICATOR, Col.AGS, Col.YEAR])
    reasons = {}
    for _, series in rows.groupby([Col.INDICATOR, Col.AGS], sort=False):
        found = _series_jumps(series[Col.YEAR].astype(int).tolist(),
                              series[Col.VALUE].astype(float).tolist(), factor, calm, longest)
        reasons.update({series.index[pos]: why for pos, why in found.items()})
    return _flag(values, reasons)


def flag_outliers(values: pd.DataFrame, indicators: set[str], factor: float = 5.0,
                  spread: float = 5.0, least: int = 10, support: float = 4.0) -> pd.DataFrame:
    """Doubt rates that are far outside the same year's distribution of the other areas *and*
    untypical for the area's own series.

    On the log scale, per indicator and year (areas only, not the Land; at least ``least``
    areas, all above 0 – a year with a 0 or a negative value is not judged: Kassenkredite and
    travel times are 0 legitimately), a value's *distance* is its log ratio to the median of
    the areas:

    * *far*: more than ``factor`` times above or below the median;
    * *extreme*: far and more than ``spread`` robust standard deviations (1.4826 × MAD) away;
    * *untypical*: more than ``factor`` away from the area's usual distance (the median over
      its non-extreme years). An area that is always far out (the density of a city, the few
      foreign pupils of one Kreis) is a real outlier; one that is like the others in other
      years and suddenly 40 times lower is not (Unterkunftskosten 5 € among 210–260 €).

    An extreme, untypical value is doubted unless a neighbouring year of the area, neither
    extreme nor untypical, lies within a factor ``support`` of it (a real pattern: the few
    asylum seekers of Gera 2010–2012). A far, untypical value next to a doubted one of the same
    direction is doubted too, so that a run is doubted whole (Saale-Holzland 2016–2021).
    """
    rows = _open(values, indicators)
    rows = rows[rows[Col.AGS] != LAND_AGS]
    group = rows.groupby([Col.INDICATOR, Col.YEAR])[Col.VALUE]
    rows = rows[(group.transform("min") > 0) & (group.transform("size") >= least)]
    if rows.empty:
        return values.copy()
    rows = rows.sort_values([Col.INDICATOR, Col.AGS, Col.YEAR])
    logs = np.log(rows[Col.VALUE].astype(float))
    year = [rows[Col.INDICATOR], rows[Col.YEAR]]
    centre = logs.groupby(year).transform("median")
    distance = logs - centre
    mad = distance.abs().groupby(year).transform("median") * 1.4826
    far = distance.abs() > math.log(factor)
    extreme = far & (distance.abs() > spread * mad.clip(lower=1e-9))
    area = [rows[Col.INDICATOR], rows[Col.AGS]]
    usual = distance.where(~extreme).groupby(area).transform("median")
    untypical = (distance - usual).abs() > math.log(factor)

    def near(series: pd.Series, step: int) -> pd.Series:  # the area's previous/next year
        return series.groupby(area).shift(step)

    supported = pd.Series(False, index=rows.index)
    for step in (1, -1):
        plain = (near(extreme, step) == False) & (near(untypical, step) == False)  # noqa: E712
        supported |= plain & ((distance - near(distance, step)).abs() < math.log(support))
    doubted = extreme & untypical & ~supported
    candidates = far & untypical & ~supported & ~doubted
    while candidates.any():  # runs: a far, untypical neighbour of a doubt in its direction
        side = np.sign(distance)
        grown = candidates & pd.concat(
            [(near(doubted, s) == True) & (near(side, s) == side) for s in (1, -1)],  # noqa: E712
            axis=1).any(axis=1)
        if not grown.any():
            break
        doubted |= grown
        candidates &= ~grown
    names = {5: "Kreise", 8: "Gemeinden"}
    reasons = {}
    for index in rows.index[doubted.to_numpy()]:
        median = _number(math.exp(centre[index]))
        areas = names.get(len(rows.at[index, Col.AGS]), "Gebiete")
        times = math.exp(abs(distance[index]))
        where = (f"das {times:.0f}-Fache des Medians" if distance[index] > 0
                 else f"nur ein {times:.0f}tel des Medians")
        reasons[index] = (f"{where} der {areas} im selben Jahr ({median}) und untypisch für die "
                          "eigene Zeitreihe")
    return _flag(values, reasons)


def cross_check(values: pd.DataFrame, count: str, density: str, area_km2: dict[str, float],
                tolerance: float = 0.25, density_title: str = "Einwohnerdichte") -> pd.DataFrame:
    """Doubt a count that a second source contradicts: ``count`` (a population) against
    ``density`` (inhabitants per km², another source) × the area's size in km². A value more
    than ``tolerance`` away from that estimate is doubted, naming the estimate (the GERDA
    population of Sonneberg 2016: 164,000 against 58,000 from INKAR's density). Areas without
    a size (the Land, historic Kreise, whose territory differs) are not judged."""
    rows = _open(values, {count})
    dens = values[(values[Col.INDICATOR] == density) & values[Col.VALUE].notna()]
    dens = dens.set_index([Col.AGS, Col.YEAR])[Col.VALUE]
    reasons = {}
    for index, ags, year, value in zip(rows.index, rows[Col.AGS], rows[Col.YEAR], rows[Col.VALUE]):
        if ags not in area_km2 or (ags, year) not in dens.index:
            continue
        estimate = float(dens.loc[(ags, year)]) * area_km2[ags]
        if estimate > 0 and abs(value / estimate - 1) > tolerance:
            change = round((value / estimate - 1) * 100)
            reasons[index] = (f"{'+' if change > 0 else '−'}{abs(change)} % gegenüber "
                              f"{density_title} × Fläche (≈ {_number(round(estimate, -2))})")
    return _flag(values, reasons)


def check_values(values: pd.DataFrame, catalogue, area_km2: dict[str, float]
                 ) -> tuple[pd.DataFrame, list[str]]:
    """Every rule on the built values of ``catalogue``'s indicators: impossible zeros, jumps of
    counts, outliers of rates, counts against their density (catalogue ``density``). Returns
    the checked values and one German build warning per doubted value."""
    by_kind = {kind: {i.id for i in catalogue.indicators if i.kind == kind}
               for kind in ("count", "rate")}
    values = zeros_as_missing(values, {i.id for i in catalogue.indicators if i.zero_is_missing})
    titles = {i.id: i.short_title for i in catalogue.indicators}
    for ind in catalogue.indicators:  # a second source first: its reason is the strongest
        if ind.density:
            values = cross_check(values, ind.id, ind.density, area_km2,
                                 density_title=titles.get(ind.density, ind.density))
    values = flag_jumps(values, by_kind["count"])
    values = flag_outliers(values, by_kind["rate"])
    warnings = []
    for row in values[values[Col.STATUS].map(is_flagged)].itertuples(index=False):
        level = {5: "Kreis", 8: "Gemeinde"}.get(len(row.ags), "Gebiet")
        warnings.append(f"Indikator {row.indicator}, {level} {row.ags}, {row.year}: "
                        f"{row.status} – nicht gewertet")
    return values, warnings
