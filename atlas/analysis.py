"""Analysis views on the built data: Regionenprofil, Vergleich, Rangfolge, Streudiagramm and
Veränderung.

Every function here is pure: it reads an :class:`~atlas.data.AtlasData` and returns a DataFrame or a
frozen dataclass; nothing is drawn and nothing is cached. Missing values stay NaN with the status
"keine Daten" and are never treated as 0. Ranks are direction-aware exactly as in
:meth:`AtlasData.table` (1 = most risk; 1 = highest value for neutral indicators).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from atlas import traffic
from atlas.catalogue import LIFE_PHASES, Indicator, over_time_problem
from atlas.data import AtlasData, Reference
from atlas.errors import AtlasError
from atlas.levels.registry import KREIS, Level, UnknownLevel
from atlas.memo import per_data
from atlas.schema import Col
from atlas.values import MISSING_LABEL, format_number, format_signed

#: Largest number of areas shown side by side in the comparison.
MAX_COMPARE = 5

#: Number of latest years (with a value for the area) that make up the trend and the sparkline.
TREND_YEARS = 5

#: A change counts as "gleich" if it is within this share of the indicator's value range (all
#: areas of its level, trend years) …
TREND_RELATIVE_TOLERANCE = 0.01
#: … or within this absolute amount, whichever is larger.
TREND_ABSOLUTE_TOLERANCE = 0.05

RISING, FALLING, FLAT = "steigend", "fallend", "gleich"
ARROWS = {RISING: "↑", FALLING: "↓", FLAT: "→"}
FAVOURABLE, UNFAVOURABLE, NEUTRAL = "günstig", "ungünstig", "neutral"
#: The trend text of an indicator whose years must not be compared (catalogue ``over_time``).
NO_TREND = "kein Trend (Jahre nicht vergleichbar)"

#: Unit of differences between shares given in %.
PERCENTAGE_POINTS = "Prozentpunkte"

#: Units on which ratios (relative deviation, relative change) are not meaningful.
NON_RATIO_UNITS = frozenset({"Index"})

#: Plain-language caveat shown with every scatter plot (``n`` areas, ``title`` of their level).
SCATTER_CAVEAT_TEMPLATE = (
    "Hinweis zur Deutung: Das Streudiagramm beruht auf nur {n} Gebieten ({title}; weniger, wenn "
    "Werte fehlen). Ein Zusammenhang zwischen zwei Merkmalen ist kein Beleg für eine Ursache – "
    "beide können zum Beispiel von einem dritten Merkmal wie der Siedlungsstruktur abhängen. "
    "Außerdem beschreiben die Werte Gebiete als Ganzes, nicht einzelne Menschen: Aus einem "
    "Zusammenhang zwischen Gebieten lässt sich nicht auf Einzelpersonen schließen (ökologischer "
    "Fehlschluss)."
)


def scatter_caveat(level) -> str:
    """The caveat of a scatter plot over the areas of ``level``."""
    return SCATTER_CAVEAT_TEMPLATE.format(n=len(level), title=level.title)


#: The caveat of the page's scatter plot, over the 22 Kreise.
SCATTER_CAVEAT = SCATTER_CAVEAT_TEMPLATE.format(n=22, title="Kreise")

#: Fewest points for which correlations and a trend line are computed.
MIN_POINTS = 3


class AnalysisInputError(AtlasError, ValueError):
    """An analysis request that cannot be answered (unknown area, year without data, ...)."""


# --- small helpers -----------------------------------------------------------------------------


def _isnan(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value)


def difference_unit(indicator: Indicator) -> str:
    """Unit of a difference of two values: "Prozentpunkte" for shares in %, else the unit."""
    return PERCENTAGE_POINTS if indicator.unit == "%" else indicator.unit


def difference_label(indicator: Indicator) -> str:
    """The unit of differences as a label: "in Prozentpunkten" for shares in %, else the
    indicator's unit label ("Euro je Einwohner")."""
    return f"in {PERCENTAGE_POINTS}n" if indicator.unit == "%" else indicator.unit_label


def format_difference(value: float, indicator: Indicator) -> str:
    """A signed difference in German, e.g. "+1,2 Prozentpunkte" or "−3 Euro"."""
    return format_signed(value, indicator.decimals, difference_unit(indicator))


def ratio_meaningful(indicator: Indicator, base: float, other: float = 0.0) -> bool:
    """Whether a ratio to ``base`` (in %) is meaningful: a ratio-scaled unit, a positive base
    and a non-negative other value."""
    if indicator.unit in NON_RATIO_UNITS or _isnan(base) or _isnan(other):
        return False
    return base > 0 and other >= 0


def _check_ags(data: AtlasData, ags: str, level: str = KREIS) -> Level:
    """The level ``level`` when ``ags`` is one of its areas; a German error naming the level and
    an example key otherwise."""
    try:
        found = data.level_of(level)
    except UnknownLevel as exc:
        raise AnalysisInputError(str(exc)) from None
    if ags not in set(found.keys):
        example = (f"{found.keys[-1]} für {found.name(found.keys[-1])}" if len(found)
                   else "keiner")
        raise AnalysisInputError(
            f"{found.singular} „{str(ags)[:20]}“ ist unbekannt: erwartet wird der Schlüssel eines "
            f"der {len(found)} Gebiete der Ebene „{found.title}“, z. B. {example}."
        )
    return found


def _check_life_phase(life_phase: str | None) -> None:
    if life_phase and life_phase != "alle" and life_phase not in LIFE_PHASES:
        raise AnalysisInputError(
            f"Unbekannte Lebensphase „{str(life_phase)[:30]}“; erlaubt: alle, "
            f"{', '.join(LIFE_PHASES)}."
        )


def _check_year(data: AtlasData, indicator_id: str, year: int, what: str = "Jahr") -> list[int]:
    years = data.years(indicator_id)
    if year not in years:
        available = ", ".join(map(str, years)) if years else "keine"
        raise AnalysisInputError(
            f"Für „{data.indicator(indicator_id).short_title}“ gibt es kein {what} {year}; "
            f"verfügbar: {available}."
        )
    return years


def level_table(data: AtlasData, indicator_id: str, year: int) -> pd.DataFrame:
    """One row per area of the indicator's level for one year (:meth:`AtlasData.table`).

    With :func:`_level_values` (all years at once, for trends) the one place where the values
    of a level – Kreise, Gemeinden, a planner's own areas – enter the analyses and, through
    them and :func:`atlas.export.export_table`, the exports (ranking, profile, comparison,
    scatter, change, CSV, XLSX): the protection of small numbers of own levels
    (:mod:`atlas.levels.protection`) is applied here.
    """
    return data.table(indicator_id, year)


def _level_values(data: AtlasData, level: Level) -> dict[str, pd.DataFrame]:
    """Indicator id → ``ags, year, value, status`` of the areas of ``level`` with a value.

    Read from ``data.values`` in one pass (``AtlasData.series`` looks up a name per row, which is
    too slow for a whole profile).
    """
    values = data.values
    rows = values[values[Col.VALUE].notna() & values[Col.AGS].isin(level.keys)]
    columns = [Col.AGS, Col.YEAR, Col.VALUE, Col.STATUS]
    return {key: frame[columns] for key, frame in rows.groupby(Col.INDICATOR)}


def _value_text(value: float, status: str, indicator: Indicator) -> str:
    if _isnan(value):
        return status or MISSING_LABEL
    return format_number(value, indicator.decimals, indicator.unit)


# --- trend -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Trend:
    """Change over the last available years of one area.

    ``direction`` is "steigend", "fallend" or "gleich" (empty with fewer than two years),
    ``assessment`` is "günstig", "ungünstig" or "neutral" given the indicator's polarity.
    """

    from_year: int | None
    to_year: int | None
    change: float  # last minus first, NaN with fewer than two years
    direction: str
    arrow: str
    assessment: str
    points: tuple[tuple[int, float], ...]  # (year, value), oldest first


def trend_tolerance(value_range: float) -> float:
    """Largest change still called "gleich": 1 % of the value range or 0.05, whichever is
    larger."""
    spread = 0.0 if _isnan(value_range) else abs(float(value_range))
    return max(TREND_RELATIVE_TOLERANCE * spread, TREND_ABSOLUTE_TOLERANCE)


def trend_direction(change: float, tolerance: float) -> str:
    """"steigend", "fallend" or "gleich" (within ``tolerance``); "" for a missing change."""
    if _isnan(change):
        return ""
    if abs(change) <= tolerance + 1e-9:  # 2.35 − 2.3 is 0.0500000000000003
        return FLAT
    return RISING if change > 0 else FALLING


def assess(direction: str, polarity: str) -> str:
    """Whether a direction is "günstig", "ungünstig" or "neutral" for an indicator polarity."""
    if not direction:
        return ""
    if direction == FLAT or polarity not in ("risk", "protective"):
        return NEUTRAL
    good = FALLING if polarity == "risk" else RISING
    return FAVOURABLE if direction == good else UNFAVOURABLE


def trend(points, polarity: str, value_range: float) -> Trend:
    """The trend from the first to the last of ``points``.

    Parameters
    ----------
    points
        ``(year, value)`` pairs, any order; missing values are dropped.
    polarity
        "risk", "protective" or "neutral".
    value_range
        Spread of the indicator (max − min) the tolerance is taken from, see
        :func:`trend_tolerance`.

    Returns
    -------
    Trend
        With empty direction, arrow and assessment for fewer than two points.
    """
    clean = tuple(sorted((int(y), float(v)) for y, v in points if not _isnan(v)))
    if len(clean) < 2:
        year = clean[0][0] if clean else None
        return Trend(year, year, math.nan, "", "", "", clean)
    change = clean[-1][1] - clean[0][1]
    direction = trend_direction(change, trend_tolerance(value_range))
    return Trend(clean[0][0], clean[-1][0], change, direction, ARROWS[direction],
                 assess(direction, polarity), clean)


# --- Regionenprofil ----------------------------------------------------------------------------

PROFILE_COLUMNS = [
    "indicator", "short_title", "area", "area_title", "unit", "decimals", "polarity", "kind",
    "year", "value", "value_text", "status", "rank", "rank_of", "rank_text",
    "reference", "reference_label", "reference_basis", "reference_text",
    "deviation", "deviation_unit", "deviation_text", "deviation_pct",
    "trend_from", "trend_to", "trend_change", "trend_change_text", "trend_direction",
    "trend_arrow", "trend_assessment", "trend_text", "trend_note", "sparkline",
    "light", "light_text", "thresholds_text",
]


def _deviation(indicator: Indicator, value: float, reference: Reference) -> tuple[float, str, float]:
    """Absolute deviation, its German text and the relative deviation in % (NaN where not
    meaningful). Counts are not compared with the Land total."""
    if indicator.kind == "count" or _isnan(value) or reference.missing:
        return math.nan, "", math.nan
    deviation = value - reference.value
    pct = (deviation / reference.value * 100
           if ratio_meaningful(indicator, reference.value, value) else math.nan)
    return deviation, format_difference(deviation, indicator), pct


def profile(data: AtlasData, ags: str, life_phase: str | None = None,
            level: str = KREIS) -> pd.DataFrame:
    """Regionenprofil (Steckbrief) of one area of any level: every indicator of that level with
    a value for it.

    Parameters
    ----------
    data
        The built atlas data.
    ags
        Key of an area of ``level`` (for the Kreise: the five-digit key of a current Kreis).
    life_phase
        Only indicators describing this Lebensphase; None or "alle" for all.
    level
        The level of the area (``"kreis"``, ``"gemeinde"`` or an own level's id).

    Returns
    -------
    pandas.DataFrame
        One row per indicator, in Lebenslagenbereich order and catalogue order, with the columns
        of :data:`PROFILE_COLUMNS`: the latest ``year`` with a value for this area, ``value``
        and ``value_text``, direction-aware ``rank`` among ``rank_of`` areas with values, the
        reference of that year, the ``deviation`` from it (``deviation_text`` in Prozentpunkte for
        shares in %; empty for counts, which are not compared with the Land total),
        ``deviation_pct`` (relative, NaN where not meaningful), the trend over the last up to five
        years with a value (``trend_*``; ``trend_note`` names series breaks inside that window),
        ``sparkline`` as a list of ``(year, value)`` and the traffic light where the indicator
        has thresholds (``light``, ``light_text``, ``thresholds_text``; :func:`_traffic_light`).

    Raises
    ------
    AnalysisInputError
        For an unknown level, area or life phase.
    """
    found = _check_ags(data, ags, level)
    _check_life_phase(life_phase)
    all_values = _level_values(data, found)
    records = []
    for ind in data.available_indicators(life_phase, level=found.id):
        values = all_values[ind.id]
        own = values[values[Col.AGS] == ags].sort_values(Col.YEAR)
        if own.empty:
            continue
        window = own.tail(TREND_YEARS)
        year = int(window[Col.YEAR].iloc[-1])
        value = float(window[Col.VALUE].iloc[-1])
        status = str(window[Col.STATUS].iloc[-1])
        table = level_table(data, ind.id, year)
        row = table[table[Col.AGS] == ags].iloc[0]
        rank_of = int(table[Col.VALUE].notna().sum())
        rank = int(row["rank"])
        reference = data.reference(ind.id, year)
        deviation, deviation_text, deviation_pct = _deviation(ind, value, reference)
        tr, notes = _area_trend(data, ind, values, ags)
        records.append({
            "indicator": ind.id,
            "short_title": ind.short_title,
            "area": ind.area,
            "area_title": data.catalogue.area(ind.area).title,
            "unit": ind.unit,
            "decimals": ind.decimals,
            "polarity": ind.polarity,
            "kind": ind.kind,
            "year": year,
            "value": value,
            "value_text": _value_text(value, "", ind),
            "status": status,
            "rank": rank,
            "rank_of": rank_of,
            "rank_text": f"{rank} von {rank_of}",
            "reference": reference.value,
            "reference_label": reference.label,
            "reference_basis": reference.basis,
            "reference_text": reference.text(ind.decimals, ind.unit),
            "deviation": deviation,
            "deviation_unit": difference_unit(ind),
            "deviation_text": deviation_text,
            "deviation_pct": deviation_pct,
            "trend_from": tr.from_year,
            "trend_to": tr.to_year,
            "trend_change": tr.change,
            "trend_change_text": "" if _isnan(tr.change) else format_difference(tr.change, ind),
            "trend_direction": tr.direction,
            "trend_arrow": tr.arrow,
            "trend_assessment": tr.assessment,
            "trend_text": trend_text(tr, ind),
            "trend_note": "; ".join(notes),
            "sparkline": list(tr.points),
            **_traffic_light(ind, value),
        })
    frame = pd.DataFrame.from_records(records, columns=PROFILE_COLUMNS)
    for column in ("year", "rank", "rank_of", "trend_from", "trend_to", "decimals"):
        frame[column] = frame[column].astype("Int64")
    return frame


def _traffic_light(ind: Indicator, value: float) -> dict:
    """The profile's traffic-light columns (:mod:`atlas.traffic`): ``light`` ("grün",
    "gelb", "rot" or ""), ``light_text`` with the threshold that decided it, and
    ``thresholds_text`` naming all of the indicator's thresholds ("" where none are set)."""
    lt = traffic.light(ind.thresholds, value, ind.decimals, ind.unit)
    named = (traffic.thresholds_text(ind.thresholds, ind.decimals, ind.unit)
             if ind.thresholds is not None else "")
    return {"light": lt.colour, "light_text": lt.text, "thresholds_text": named}


def _area_trend(data: AtlasData, ind: Indicator, values: pd.DataFrame, ags: str
                ) -> tuple[Trend, list[str]]:
    """The trend of one area over its last :data:`TREND_YEARS` years with a value (``values``:
    the indicator's rows of all areas of its level) and the series breaks inside that window.

    For an indicator whose years must not be compared (:func:`atlas.catalogue.over_time_problem`)
    no change is computed: the trend has no direction (its points stay for the sparkline) and
    the notes hold the reason."""
    own = values[values[Col.AGS] == ags].sort_values(Col.YEAR)
    window = own.tail(TREND_YEARS)
    if problem := over_time_problem(ind):
        points = tuple((int(y), float(v)) for y, v in zip(window[Col.YEAR], window[Col.VALUE])
                       if not _isnan(v))
        return Trend(None, None, math.nan, "", "", "", points), [problem]
    in_window = values[values[Col.YEAR].isin(window[Col.YEAR])][Col.VALUE]
    points = list(zip(window[Col.YEAR].astype(int), window[Col.VALUE].astype(float)))
    spread = float(in_window.max() - in_window.min()) if len(in_window) else math.nan
    tr = trend(points, ind.polarity, spread)
    notes = [label for b_year, label in data.breaks(ind.id, [ags])
             if tr.from_year is not None and tr.from_year < b_year <= tr.to_year]
    return tr, notes


def area_trend(data: AtlasData, indicator_id: str, ags: str, until: int | None = None
               ) -> tuple[Trend, list[str]]:
    """The trend of one area as the Regionenprofil shows it (:func:`_area_trend`: the last
    :data:`TREND_YEARS` years with a value, the series breaks inside them), over the years up to
    ``until`` (default: all years); for the generated texts (:mod:`atlas.report.describe`)."""
    ind = data.indicator(indicator_id)
    level = data.level_of(ind.level)
    rows = data.values[(data.values[Col.INDICATOR] == indicator_id)
                       & data.values[Col.VALUE].notna() & data.values[Col.AGS].isin(level.keys)]
    if until is not None:
        rows = rows[rows[Col.YEAR] <= until]
    return _area_trend(data, ind, rows[[Col.AGS, Col.YEAR, Col.VALUE, Col.STATUS]], ags)


def trend_text(tr: Trend, indicator: Indicator) -> str:
    """A trend as visible German text: arrow, change and its assessment, e.g.
    "↓ −4,2 Prozentpunkte, günstig" ("" without a trend; :data:`NO_TREND` for an indicator
    whose years must not be compared)."""
    if over_time_problem(indicator):
        return NO_TREND
    if not tr.direction:
        return ""
    text = f"{tr.arrow} {format_difference(tr.change, indicator)}"
    if tr.assessment and tr.assessment != NEUTRAL:
        text += f", {tr.assessment}"
    return text


# --- Vergleich ---------------------------------------------------------------------------------


def profile_choice(data: AtlasData, selected, indicator_id: str | None = None
                   ) -> tuple[str, list[str]]:
    """The level and the areas the Regionenprofil shows for a selection (the page's list holds
    Kreise and areas of the shown level): the selected areas of the shown indicator's level,
    else the selected Kreise; at most five."""
    chosen = list(dict.fromkeys(selected or ()))
    known = bool(indicator_id) and any(i.id == indicator_id for i in data.catalogue.indicators)
    level_id = data.level(indicator_id) if known else KREIS
    if level_id != KREIS:
        mine = [a for a in chosen if a in set(data.level_of(level_id).keys)]
        if mine:
            return level_id, mine[:5]
    return KREIS, [a for a in chosen if a in set(data.level_of(KREIS).keys)][:5]


def compare_profiles(data: AtlasData, ags_list: list[str], life_phase: str | None = None,
                     level: str = KREIS) -> pd.DataFrame:
    """Side-by-side comparison of up to five areas of one level (by default Kreise).

    For each indicator the year is the latest one in which all chosen areas have a value (if
    there is none, the latest one in which at least one has); indicators without any value for
    the chosen Kreise are left out.

    Parameters
    ----------
    data
        The built atlas data.
    ags_list
        One to five keys of areas of ``level`` (duplicates are dropped, order is kept).
    life_phase
        Only indicators describing this Lebensphase; None or "alle" for all.
    level
        The level of the areas (``"kreis"``, ``"gemeinde"`` or an own level's id).

    Returns
    -------
    pandas.DataFrame
        Columns ``indicator, short_title, area, area_title, unit, year, reference,
        reference_label, reference_basis, reference_text``, then per area a display column
        named by its key (``"16052"``: ``"12,7 % (Rang 1 von 22)"`` or "keine Daten"), the
        numbers ``value_<ags>`` and ``rank_<ags>`` and the trend over its last up to five years
        with a value as ``trend_<ags>`` (visible text, :func:`trend_text`) and
        ``assessment_<ags>``. ``attrs["names"]`` maps each key to the area's name (for column
        headers).

    Raises
    ------
    AnalysisInputError
        For more than five or no areas, an unknown level, area or life phase.
    """
    chosen = list(dict.fromkeys(ags_list or []))
    try:
        found = data.level_of(level)
    except UnknownLevel as exc:
        raise AnalysisInputError(str(exc)) from None
    if len(chosen) > MAX_COMPARE:
        raise AnalysisInputError(
            f"Es können höchstens {MAX_COMPARE} {found.title} verglichen werden, gewählt sind "
            f"{len(chosen)}. Bitte die Auswahl verkleinern."
        )
    if not chosen:
        raise AnalysisInputError(f"Bitte mindestens ein Gebiet ({found.singular}) für den "
                                 "Vergleich auswählen.")
    for ags in chosen:
        _check_ags(data, ags, found.id)
    _check_life_phase(life_phase)
    all_values = _level_values(data, found)
    records = []
    for ind in data.available_indicators(life_phase, level=found.id):
        all_areas = all_values[ind.id]
        values = all_areas[all_areas[Col.AGS].isin(chosen)]
        if values.empty:
            continue
        per_year = values.groupby(Col.YEAR)[Col.AGS].nunique()
        complete = per_year[per_year == len(chosen)]
        year = int(complete.index.max() if not complete.empty else per_year.index.max())
        table = level_table(data, ind.id, year).set_index(Col.AGS)
        rank_of = int(table[Col.VALUE].notna().sum())
        reference = data.reference(ind.id, year)
        record = {
            "indicator": ind.id,
            "short_title": ind.short_title,
            "area": ind.area,
            "area_title": data.catalogue.area(ind.area).title,
            "unit": ind.unit,
            "year": year,
            "reference": reference.value,
            "reference_label": reference.label,
            "reference_basis": reference.basis,
            "reference_text": reference.text(ind.decimals, ind.unit),
        }
        for ags in chosen:
            value = float(table.at[ags, Col.VALUE])
            rank = table.at[ags, "rank"]
            if _isnan(value):
                record[ags] = _value_text(value, str(table.at[ags, Col.STATUS]), ind)
                record[f"value_{ags}"] = math.nan
                record[f"rank_{ags}"] = pd.NA
            else:
                record[ags] = f"{_value_text(value, '', ind)} (Rang {int(rank)} von {rank_of})"
                record[f"value_{ags}"] = value
                record[f"rank_{ags}"] = int(rank)
            tr, _ = _area_trend(data, ind, all_areas, ags)
            record[f"trend_{ags}"] = trend_text(tr, ind)
            record[f"assessment_{ags}"] = tr.assessment
        records.append(record)
    columns = ["indicator", "short_title", "area", "area_title", "unit", "year", "reference",
               "reference_label", "reference_basis", "reference_text"]
    for ags in chosen:
        columns += [ags, f"value_{ags}", f"rank_{ags}", f"trend_{ags}", f"assessment_{ags}"]
    frame = pd.DataFrame.from_records(records, columns=columns)
    frame["year"] = frame["year"].astype("Int64")
    for ags in chosen:
        frame[f"value_{ags}"] = frame[f"value_{ags}"].astype(float)
        frame[f"rank_{ags}"] = frame[f"rank_{ags}"].astype("Int64")
    frame.attrs["names"] = {ags: found.name(ags) or data.region_name(ags) for ags in chosen}
    return frame


# --- Rangfolge ---------------------------------------------------------------------------------


def ranking(data: AtlasData, indicator_id: str, year: int) -> pd.DataFrame:
    """The areas of an indicator's level (the 22 Kreise, the Gemeinden, an own level's areas) for
    one year in rank order (rank 1 first, missing last).

    Returns
    -------
    pandas.DataFrame
        ``rank, ags, name, kind, value, value_text, status, deviation, deviation_text,
        reference, reference_label, reference_text`` — the reference columns hold the same
        reference of the level in every row; ``attrs["reference"]`` holds it as
        :class:`~atlas.data.Reference`. ``deviation`` is empty for counts.

    Raises
    ------
    AnalysisInputError
        If the indicator has no values in ``year``.
    """
    ind = data.indicator(indicator_id)
    _check_year(data, indicator_id, year)
    table = level_table(data, indicator_id, year)
    reference = data.reference(indicator_id, year)
    deviations = [_deviation(ind, v, reference) for v in table[Col.VALUE]]
    table = table.assign(
        value_text=[_value_text(v, s, ind) for v, s in zip(table[Col.VALUE], table[Col.STATUS])],
        deviation=[d[0] for d in deviations],
        deviation_text=[d[1] for d in deviations],
        reference=reference.value,
        reference_label=reference.label,
        reference_text=reference.text(ind.decimals, ind.unit),
    )
    table = table.sort_values(["rank", Col.NAME], na_position="last", kind="stable")
    columns = ["rank", Col.AGS, Col.NAME, "kind", Col.VALUE, "value_text", Col.STATUS,
               "deviation", "deviation_text", "reference", "reference_label", "reference_text"]
    table = table[columns].reset_index(drop=True)
    table.attrs["reference"] = reference
    return table


# --- Streudiagramm -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ScatterResult:
    """Two indicators of one level against each other over its areas.

    Statistics are NaN when fewer than :data:`MIN_POINTS` areas have both values or a variable
    does not vary; ``note`` then says so. ``note`` also names combined years that differ.
    """

    x_id: str
    y_id: str
    x_year: int
    y_year: int
    points: pd.DataFrame  # ags, name, x, y
    n: int
    excluded: tuple[str, ...]  # names of areas left out for a missing value
    pearson_r: float
    pearson_p: float
    spearman_rho: float
    spearman_p: float
    slope: float
    intercept: float
    note: str
    caveat: str = SCATTER_CAVEAT
    level: str = KREIS  # the level of both indicators
    areas: str = "Kreise"  # what the points are (the level's title)

    @property
    def has_stats(self) -> bool:
        return not math.isnan(self.pearson_r)

    @property
    def n_excluded(self) -> int:
        return len(self.excluded)


def _nearest(years: list[int], target: int) -> int:
    return min(years, key=lambda y: (abs(y - target), -y))


def scatter_years(x_years: list[int], y_years: list[int], year: int | None = None
                  ) -> tuple[int, int]:
    """The years combined in a scatter plot.

    The same year if both indicators have it: ``year`` if given, else the latest common year.
    A requested year missing on one axis is replaced by the nearest year of that axis (the later
    one on a tie). Without a requested year and without a common year, the pair with the smallest
    distance is taken, the latest such pair on a tie.
    """
    if not x_years or not y_years:
        raise AnalysisInputError("Für mindestens einen der beiden Indikatoren gibt es keine Werte.")
    if year is not None:
        return _nearest(x_years, year), _nearest(y_years, year)
    common = set(x_years) & set(y_years)
    if common:
        latest = max(common)
        return latest, latest
    pairs = [(yx, yy) for yx in x_years for yy in y_years]
    return min(pairs, key=lambda p: (abs(p[0] - p[1]), -max(p), -min(p)))


def scatter(data: AtlasData, x_id: str, y_id: str, year: int | None = None) -> ScatterResult:
    """Pearson and Spearman correlation and an OLS line of two indicators of one level over its
    areas.

    Parameters
    ----------
    data
        The built atlas data.
    x_id, y_id
        Indicator ids of the horizontal and the vertical axis.
    year
        Year to show; None for the latest common year. See :func:`scatter_years` for years
        that are not available on both axes.

    Returns
    -------
    ScatterResult
        Areas missing either value are left out and named in ``excluded``.

    Raises
    ------
    AnalysisInputError
        If both axes are the same indicator (its correlation with itself says nothing) or the
        indicators belong to different levels (their areas are not the same).
    """
    x_ind, y_ind = data.indicator(x_id), data.indicator(y_id)
    if x_id == y_id:
        raise AnalysisInputError(
            f"Beide Achsen zeigen „{x_ind.short_title}“: ein Indikator hängt immer vollständig "
            "mit sich selbst zusammen (r = 1), das sagt nichts. Bitte als zweiten Indikator "
            "einen anderen wählen."
        )
    if x_ind.level != y_ind.level:
        raise AnalysisInputError(
            f"„{x_ind.short_title}“ gehört zur Ebene „{data.level_of(x_ind.level).title}“, "
            f"„{y_ind.short_title}“ zur Ebene „{data.level_of(y_ind.level).title}“: ein "
            "Streudiagramm vergleicht die Werte derselben Gebiete. Bitte zwei Indikatoren "
            "derselben Ebene wählen."
        )
    level = data.level_of(x_ind.level)
    x_year, y_year = scatter_years(data.years(x_id), data.years(y_id), year)
    notes = []
    if x_year != y_year:
        notes.append(
            f"Keine gemeinsamen Werte im selben Jahr: kombiniert werden „{x_ind.short_title}“ "
            f"{x_year} und „{y_ind.short_title}“ {y_year}."
            if year is None else
            f"Für {year} liegen nicht beide Indikatoren vor: kombiniert werden "
            f"„{x_ind.short_title}“ {x_year} und „{y_ind.short_title}“ {y_year}."
        )
    elif year is not None and x_year != year:
        notes.append(f"Für {year} liegen keine Werte vor; gezeigt wird {x_year}.")
    x_table = level_table(data, x_id, x_year)[[Col.AGS, Col.NAME, Col.VALUE]].rename(
        columns={Col.VALUE: "x"})
    y_table = level_table(data, y_id, y_year)[[Col.AGS, Col.VALUE]].rename(
        columns={Col.VALUE: "y"})
    both = x_table.merge(y_table, on=Col.AGS, how="left")
    complete = both["x"].notna() & both["y"].notna()
    points = both[complete].reset_index(drop=True)
    excluded = tuple(both.loc[~complete, Col.NAME])
    n = len(points)
    if excluded:
        notes.append(f"{len(excluded)} Gebiet(e) ohne Wert bei mindestens einem Indikator nicht "
                     f"berücksichtigt: {', '.join(excluded)}.")
    r = r_p = rho = rho_p = slope = intercept = math.nan
    x, y = points["x"].to_numpy(float), points["y"].to_numpy(float)
    if n < MIN_POINTS:
        notes.append(f"Zu wenige Gebiete ({level.title}) mit beiden Werten (n = {n}) für "
                     "Korrelation und Trendlinie.")
    elif np.ptp(x) == 0 or np.ptp(y) == 0:
        notes.append("Ein Indikator hat in allen Gebieten denselben Wert; eine Korrelation ist "
                     "nicht berechenbar.")
    else:
        r, r_p = (float(v) for v in stats.pearsonr(x, y))
        rho, rho_p = (float(v) for v in stats.spearmanr(x, y))
        fit = stats.linregress(x, y)
        slope, intercept = float(fit.slope), float(fit.intercept)
    return ScatterResult(
        x_id=x_id, y_id=y_id, x_year=x_year, y_year=y_year, points=points, n=n,
        excluded=excluded, pearson_r=r, pearson_p=r_p, spearman_rho=rho, spearman_p=rho_p,
        slope=slope, intercept=intercept, note=" ".join(notes), caveat=scatter_caveat(level),
        level=level.id, areas=level.title,
    )


@per_data(maxsize=256)
def scatter_partner(data: AtlasData, x_id: str, year: int | None = None) -> str | None:
    """The second indicator the Streudiagramm starts with for ``x_id``: of the indicators of the
    same level in *another* Lebenslagenbereich, the one most strongly related to it (largest
    |Spearman ρ| over the level's areas) – preferring, in this order, indicators with values in
    the same year as ``x_id`` (the years :func:`scatter_years` combines for ``year``), rates
    over counts (which mostly measure size) and pairs with values for most areas. Never
    ``x_id`` itself; ``None`` if no indicator has values for :data:`MIN_POINTS` areas.
    Deterministic: ties go to the catalogue order. Cached per data object (it compares every
    indicator)."""
    x_ind = data.indicator(x_id)
    x_years = data.years(x_id)
    if not x_years:
        return None
    wide = _wide_values(data, x_ind.level)
    best: tuple[tuple, str] | None = None
    for order, ind in enumerate(data.available_indicators(level=x_ind.level)):
        if ind.id == x_id or ind.area == x_ind.area:
            continue
        y_years = data.years(ind.id)
        if not y_years:
            continue
        x_year, y_year = scatter_years(x_years, y_years, year)
        x, y = wide.get((x_id, x_year)), wide.get((ind.id, y_year))
        if x is None or y is None:
            continue
        both = ~(np.isnan(x) | np.isnan(y))
        xs, ys = x[both], y[both]
        if len(xs) < MIN_POINTS or np.ptp(xs) == 0 or np.ptp(ys) == 0:
            continue
        rho = abs(float(np.corrcoef(stats.rankdata(xs), stats.rankdata(ys))[0, 1]))
        key = (-abs(x_year - y_year), ind.kind != "count",
               len(xs) >= 0.8 * int((~np.isnan(x)).sum()), round(rho, 9), -order)
        if best is None or key > best[0]:
            best = (key, ind.id)
    return best[1] if best else None


@per_data(maxsize=4)
def _wide_values(data: AtlasData, level: str = KREIS) -> dict[tuple[str, int], np.ndarray]:
    """(indicator, year) → the values of the areas of ``level`` (NaN where missing), one array
    per pair in the same order of areas: built once per data object and level."""
    values = data.values
    keys = data.level_of(level).keys
    ids = [ind.id for ind in data.catalogue.indicators if ind.level == level]
    rows = values[values[Col.AGS].isin(keys) & values[Col.INDICATOR].isin(ids)]
    wide = rows.pivot_table(index=[Col.INDICATOR, Col.YEAR], columns=Col.AGS,
                            values=Col.VALUE, aggfunc="first").reindex(columns=keys)
    matrix = wide.to_numpy(dtype=float)
    return {(str(ind), int(year)): matrix[i] for i, (ind, year) in enumerate(wide.index)}


# --- Veränderung -------------------------------------------------------------------------------


def change(data: AtlasData, indicator_id: str, year_from: int, year_to: int) -> pd.DataFrame:
    """Change of one indicator per area of its level between two years.

    Returns
    -------
    pandas.DataFrame
        ``ags, name, kind, value_from, value_to, change, change_pct, change_unit, change_text,
        status``: ``change`` is ``value_to − value_from`` in ``change_unit`` ("Prozentpunkte"
        for shares in %, else the unit); ``change_pct`` is the relative change in % where a
        ratio is meaningful (positive start value, not an index), else NaN. Where either year
        has no value, both changes are NaN and ``status`` is "keine Daten" (never 0).
        ``attrs["breaks"]`` lists series breaks between the two years.

    Raises
    ------
    AnalysisInputError
        If a year has no values for the indicator, ``year_from`` is not before ``year_to`` or
        the indicator's years must not be compared (the reason,
        :func:`atlas.catalogue.over_time_problem`).
    """
    ind = data.indicator(indicator_id)
    if problem := over_time_problem(ind):
        raise AnalysisInputError(f"Keine Veränderung für „{ind.short_title}“: {problem}")
    _check_year(data, indicator_id, year_from, "Ausgangsjahr")
    _check_year(data, indicator_id, year_to, "Zieljahr")
    if year_from >= year_to:
        raise AnalysisInputError(
            f"Das Ausgangsjahr ({year_from}) muss vor dem Zieljahr ({year_to}) liegen."
        )
    start = level_table(data, indicator_id, year_from)
    end = level_table(data, indicator_id, year_to)[[Col.AGS, Col.VALUE]]
    frame = start[[Col.AGS, Col.NAME, "kind", Col.VALUE]].rename(columns={Col.VALUE: "value_from"})
    frame = frame.merge(end.rename(columns={Col.VALUE: "value_to"}), on=Col.AGS, how="left")
    frame["change"] = frame["value_to"] - frame["value_from"]
    frame["change_pct"] = [
        (b - a) / a * 100 if ratio_meaningful(ind, a, b) else math.nan
        for a, b in zip(frame["value_from"], frame["value_to"])
    ]
    frame["change_unit"] = difference_unit(ind)
    frame["change_text"] = [format_difference(c, ind) for c in frame["change"]]
    frame[Col.STATUS] = np.where(frame["change"].isna(), MISSING_LABEL, "")
    frame.attrs["breaks"] = [
        (b_year, label) for b_year, label in data.breaks(indicator_id)
        if year_from < b_year <= year_to
    ]
    return frame
