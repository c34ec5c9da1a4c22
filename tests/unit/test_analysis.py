"""Analysis views on the real data. Expected numbers are computed here from the built values
(``data.values``: one row per indicator, region and year, as the sources give them) with the
rules the atlas documents, never copied from today's source files: the tests stay right when
the sources are updated and fail when the analysis computes something else."""

import math
from functools import lru_cache

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from atlas import analysis
from atlas.analysis import (
    SCATTER_CAVEAT,
    AnalysisInputError,
    change,
    compare_profiles,
    profile,
    ranking,
    scatter,
    scatter_years,
    trend,
)
from atlas.data import AtlasData
from atlas.levels.registry import OFFICIAL_LABEL
from atlas.schema import LAND_AGS
from atlas.values import format_number, format_signed

#: a Kreis where the choice does not matter (structure, not numbers)
GERA = "16052"
#: the Kreis indicator the examples start from (the atlas's first map)
SGB2 = "sgb2_quote"


# --- expectations from the values, by the documented rules -------------------------------


@lru_cache(maxsize=None)
def _kreis_rows(data, indicator: str) -> pd.DataFrame:
    """``ags, year, value`` of the current Kreise with a value (read-only)."""
    v = data.values
    rows = v[(v["indicator"] == indicator) & v["ags"].isin(data.regions["ags"])
             & v["value"].notna()]
    return rows[["ags", "year", "value"]]


def _values_in(data, indicator: str, year: int) -> pd.Series:
    """The Kreise's values of one year (index: ags), missing ones left out."""
    rows = _kreis_rows(data, indicator)
    return rows[rows["year"] == year].set_index("ags")["value"]


def _rank(values: pd.Series, ags: str, polarity: str) -> int:
    """Rank 1 = the highest value (the lowest for protective indicators), ties share the
    better rank."""
    own = values[ags]
    better = values < own if polarity == "protective" else values > own
    return 1 + int(better.sum())


def _reference(data, indicator: str, year: int) -> tuple[float, str]:
    """The official Land value if the sources give one; else for counts the sum of all 22
    Kreise; else the median of the Kreise."""
    v = data.values
    land = v[(v["indicator"] == indicator) & (v["ags"] == LAND_AGS) & (v["year"] == year)
             & v["value"].notna()]
    if len(land):
        return float(land["value"].iloc[0]), OFFICIAL_LABEL
    values = _values_in(data, indicator, year)
    if data.indicator(indicator).kind == "count":
        return (float(values.sum()) if len(values) == len(data.regions) else math.nan), data.level_of("kreis").sum_label
    return float(values.median()), data.level_of("kreis").median_label


def _difference_unit(ind) -> str:
    return "Prozentpunkte" if ind.unit == "%" else ind.unit


def _expected_trend(data, indicator: str, ags: str) -> dict:
    """The trend over the Kreis's last up to five years with a value: last minus first;
    "gleich" within 1 % of the spread of all Kreise in those years (at least 0,05); rising or
    falling is "günstig" or "ungünstig" by the indicator's polarity."""
    ind = data.indicator(indicator)
    rows = _kreis_rows(data, indicator)
    window = rows[rows["ags"] == ags].sort_values("year").tail(5)
    points = [(int(y), float(x)) for y, x in zip(window["year"], window["value"])]
    if len(points) < 2 or not ind.over_time:  # the GISD: years not comparable, no trend
        return {"points": points, "change": math.nan, "direction": "", "assessment": ""}
    in_window = rows[rows["year"].isin(window["year"])]["value"]
    tolerance = max(0.01 * (in_window.max() - in_window.min()), 0.05)
    change_ = points[-1][1] - points[0][1]
    if abs(change_) <= tolerance + 1e-9:
        direction, assessment = "gleich", "neutral"
    else:
        direction = "steigend" if change_ > 0 else "fallend"
        good = {"risk": "fallend", "protective": "steigend"}.get(ind.polarity)
        assessment = "neutral" if good is None else (
            "günstig" if direction == good else "ungünstig")
    return {"points": points, "change": change_, "direction": direction,
            "assessment": assessment}


def _assert_profile_row(data, row: pd.Series, ags: str) -> None:
    """One row of a Regionenprofil against the values: latest year, value, rank, reference,
    deviation and trend."""
    indicator = row["indicator"]
    ind = data.indicator(indicator)
    rows = _kreis_rows(data, indicator)
    own = rows[rows["ags"] == ags].sort_values("year")
    year, value = int(own["year"].iloc[-1]), float(own["value"].iloc[-1])
    values = _values_in(data, indicator, year)
    assert (row["year"], row["value"]) == (year, value), indicator
    assert row["value_text"] == format_number(value, ind.decimals, ind.unit)
    rank = _rank(values, ags, ind.polarity)
    assert (row["rank"], row["rank_of"]) == (rank, len(values)), indicator
    assert row["rank_text"] == f"{rank} von {len(values)}"
    reference, label = _reference(data, indicator, year)
    assert row["reference_label"] == label, indicator
    assert row["reference"] == pytest.approx(reference, nan_ok=True), indicator
    if ind.kind == "count" or math.isnan(reference):  # no comparison with a total
        assert math.isnan(row["deviation"]) and row["deviation_text"] == ""
    else:
        deviation = value - reference
        assert row["deviation"] == pytest.approx(deviation), indicator
        assert row["deviation_text"] == format_signed(deviation, ind.decimals,
                                                      _difference_unit(ind))
        if ind.unit != "Index" and reference > 0 and value >= 0:
            assert row["deviation_pct"] == pytest.approx(deviation / reference * 100)
        else:
            assert math.isnan(row["deviation_pct"]), indicator
    expected = _expected_trend(data, indicator, ags)
    assert row["sparkline"] == expected["points"], indicator
    assert (row["trend_direction"], row["trend_assessment"]) == (
        expected["direction"], expected["assessment"]), indicator
    assert row["trend_arrow"] == {"steigend": "↑", "fallend": "↓", "gleich": "→", "": ""}[
        expected["direction"]]
    if expected["direction"]:
        assert (row["trend_from"], row["trend_to"]) == (expected["points"][0][0],
                                                        expected["points"][-1][0])
        assert row["trend_change"] == pytest.approx(expected["change"])
        assert row["trend_change_text"] == format_signed(expected["change"], ind.decimals,
                                                         _difference_unit(ind))
    else:
        assert math.isnan(row["trend_change"]) and row["trend_change_text"] == ""


def _row(frame: pd.DataFrame, indicator: str) -> pd.Series:
    match = frame[frame["indicator"] == indicator]
    assert len(match) == 1, indicator
    return match.iloc[0]


def _by_rank(data, indicator: str) -> list[str]:
    """The Kreise with a value in the indicator's latest year, rank 1 first."""
    ind = data.indicator(indicator)
    values = _values_in(data, indicator, data.latest_year(indicator))
    return sorted(values.index, key=lambda ags: (_rank(values, ags, ind.polarity), ags))


# --- Regionenprofil --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def gera(data):
    return profile(data, GERA)


@pytest.mark.parametrize("position", [0, -1, 10], ids=["rank-1", "last-rank", "middle"])
def test_profile_rows_follow_the_values(data, position):
    """Every row of the profile of the Kreis ranked first, last and in the middle by the SGB-II
    quota: value, rank, reference, deviation and trend as the values give them."""
    ags = _by_rank(data, SGB2)[position]
    table = profile(data, ags)
    for _, row in table.iterrows():
        _assert_profile_row(data, row, ags)
    first = _row(table, SGB2)
    if position == 0:
        assert first["rank"] == 1 and first["deviation"] > 0
        assert first["deviation_text"].startswith("+")
        assert first["deviation_text"].endswith(" Prozentpunkte")  # a share in %
    if position == -1:
        assert first["rank"] == first["rank_of"] and first["deviation_text"].startswith("−")


def test_profile_flat_trend_within_tolerance(data):
    """A change that is not zero but within the tolerance is "gleich" (→, neutral)."""
    for ind in data.available_indicators():
        for ags in data.regions["ags"]:
            expected = _expected_trend(data, ind.id, ags)
            if expected["direction"] == "gleich" and expected["change"] != 0:
                row = _row(profile(data, ags), ind.id)
                assert row["trend_change"] == pytest.approx(expected["change"])
                assert (row["trend_direction"], row["trend_arrow"], row["trend_assessment"]) \
                    == ("gleich", "→", "neutral")
                return
    pytest.skip("kein Kreis mit einer Veränderung innerhalb der Toleranz")


def test_profile_order_and_columns(data, gera):
    assert list(gera.columns) == analysis.PROFILE_COLUMNS
    area_order = [a.id for a in data.catalogue.areas]
    positions = [area_order.index(a) for a in gera["area"]]
    assert positions == sorted(positions)
    catalogue_order = [i.id for i in data.catalogue.indicators]
    for _, block in gera.groupby("area", sort=False):
        idx = [catalogue_order.index(i) for i in block["indicator"]]
        assert idx == sorted(idx)
    assert gera["rank"].between(1, 22).all() and (gera["rank"] <= gera["rank_of"]).all()
    # every indicator with a value for Gera is there
    assert len(gera) == sum(
        1 for i in data.available_indicators() if not data.series(i.id, [GERA])["value"].dropna().empty
    )


def test_counts_are_not_compared_with_the_land_total(data, gera):
    counts = [i.id for i in data.available_indicators() if i.kind == "count"
              and i.id in set(gera["indicator"])]
    assert counts
    for indicator in counts:
        row = _row(gera, indicator)
        _assert_profile_row(data, row, GERA)  # reference a sum or official, no deviation
        assert row["reference_label"] in (data.level_of("kreis").sum_label, OFFICIAL_LABEL)
        assert math.isnan(row["deviation"]) and row["deviation_text"] == ""


def test_trend_notes_name_the_breaks_inside_the_window(data, gera):
    """A series break inside a trend's window is named (e.g. the Zensus 2022 in the
    population's last five years), none outside it; an indicator whose years must not be
    compared (the GISD) names that instead."""
    from atlas.catalogue import over_time_problem

    for _, row in gera.iterrows():
        breaks = data.breaks(row["indicator"], [GERA])
        inside = [label for year, label in breaks if row["trend_direction"]
                  and row["trend_from"] < year <= row["trend_to"]]
        expected = over_time_problem(data.indicator(row["indicator"])) or "; ".join(inside)
        assert row["trend_note"] == expected, row["indicator"]


def test_single_year_has_no_trend(data):
    for ind in data.available_indicators():
        rows = _kreis_rows(data, ind.id)
        years = rows.groupby("ags")["year"].nunique()
        single = years[years == 1]
        if len(single):
            ags = single.index[0]
            row = _row(profile(data, ags), ind.id)
            assert row["trend_direction"] == "" and row["trend_arrow"] == ""
            assert math.isnan(row["trend_change"])
            assert row["sparkline"] == [(int(row["year"]), row["value"])]
            return
    pytest.skip("kein Indikator mit nur einem Jahr für einen Kreis")


def test_life_phase_filter_shrinks_the_profile(data, gera):
    children = profile(data, GERA, "kindheit")
    assert 0 < len(children) < len(gera)
    expected = [i for i in gera["indicator"] if "kindheit" in data.indicator(i).life_phases]
    assert list(children["indicator"]) == expected
    assert len(profile(data, GERA, "alle")) == len(gera)


def test_profile_rejects_unknown_input(data):
    with pytest.raises(ValueError, match="Kreis „16056“ ist unbekannt"):
        profile(data, "16056")  # Eisenach is a historic Kreis only
    with pytest.raises(AnalysisInputError, match="Lebensphase"):
        profile(data, GERA, "rente")


# --- trend rule ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("points", "polarity", "spread", "expected"),
    [
        ([(2020, 10.0), (2021, 11.0)], "risk", 5.0, ("steigend", "↑", "ungünstig")),
        ([(2020, 10.0), (2021, 11.0)], "protective", 5.0, ("steigend", "↑", "günstig")),
        ([(2020, 10.0), (2021, 9.0)], "protective", 5.0, ("fallend", "↓", "ungünstig")),
        ([(2020, 10.0), (2021, 11.0)], "neutral", 5.0, ("steigend", "↑", "neutral")),
        ([(2020, 10.0), (2021, 10.04)], "risk", 1.0, ("gleich", "→", "neutral")),  # 0.05 abs.
        ([(2020, 1000.0), (2021, 1009.0)], "risk", 1000.0, ("gleich", "→", "neutral")),  # 1 %
        ([(2020, 1000.0), (2021, 1011.0)], "risk", 1000.0, ("steigend", "↑", "ungünstig")),
        ([(2020, 2.3), (2021, 2.35)], "risk", 1.0, ("gleich", "→", "neutral")),  # float noise
    ],
)
def test_trend_rule(points, polarity, spread, expected):
    result = trend(points, polarity, spread)
    assert (result.direction, result.arrow, result.assessment) == expected


def test_trend_uses_first_and_last_point():
    result = trend([(2021, 5.0), (2019, 3.0), (2020, float("nan")), (2022, 2.0)], "risk", 10.0)
    assert (result.from_year, result.to_year, result.change) == (2019, 2022, -1.0)
    assert result.points == ((2019, 3.0), (2021, 5.0), (2022, 2.0))


# --- Vergleich -------------------------------------------------------------------------------


def _compare_year(data, indicator: str, chosen: list[str]) -> int | None:
    """The latest year in which all chosen Kreise have a value, else the latest in which one
    has."""
    rows = _kreis_rows(data, indicator)
    rows = rows[rows["ags"].isin(chosen)]
    if rows.empty:
        return None
    per_year = rows.groupby("year")["ags"].nunique()
    complete = per_year[per_year == len(chosen)]
    return int(complete.index.max() if len(complete) else per_year.index.max())


def _assert_compare_rows(data, table: pd.DataFrame, chosen: list[str]) -> None:
    for _, row in table.iterrows():
        indicator = row["indicator"]
        ind = data.indicator(indicator)
        year = _compare_year(data, indicator, chosen)
        assert row["year"] == year, indicator
        values = _values_in(data, indicator, year)
        for ags in chosen:
            if ags in values.index:
                value, rank = values[ags], _rank(values, ags, ind.polarity)
                assert row[f"value_{ags}"] == value and row[f"rank_{ags}"] == rank, indicator
                assert row[ags] == (f"{format_number(value, ind.decimals, ind.unit)} "
                                    f"(Rang {rank} von {len(values)})")
            else:  # its value is missing that year: said so, never 0
                assert math.isnan(row[f"value_{ags}"]) and "Rang" not in row[ags], indicator


def test_compare_profiles_side_by_side(data):
    order = _by_rank(data, SGB2)
    top, bottom = order[0], order[-1]
    table = compare_profiles(data, [top, bottom])
    assert table.attrs["names"] == {top: data.region_name(top), bottom: data.region_name(bottom)}
    _assert_compare_rows(data, table, [top, bottom])
    row = _row(table, SGB2)
    assert row[top].endswith(f"(Rang 1 von {len(order)})")
    expected = [i.id for i in data.available_indicators()
                if _compare_year(data, i.id, [top, bottom]) is not None]
    assert list(table["indicator"]) == expected
    kinder = compare_profiles(data, [top, bottom], "kindheit")
    assert len(kinder) < len(table)


def test_compare_profiles_marks_missing_values(data):
    """One of two Kreise lacks its value in the latest year: that indicator is shown in the
    latest year both have (with the values and ranks of that year)."""
    first, second = _by_rank(data, SGB2)[:2]
    latest = data.latest_year(SGB2)
    values = data.values
    keep = ~((values["indicator"] == SGB2) & (values["year"] == latest)
             & (values["ags"] == second))
    gap = AtlasData.from_frames(data.catalogue, data.regions, data.geojson, values[keep],
                                data.info)
    table = compare_profiles(gap, [first, second])
    _assert_compare_rows(gap, table, [first, second])
    assert _row(table, SGB2)["year"] == _compare_year(gap, SGB2, [first, second]) < latest


def test_compare_profiles_limits(data):
    six = list(data.regions["ags"][:6])
    with pytest.raises(ValueError, match="höchstens 5 Kreise"):
        compare_profiles(data, six)
    assert compare_profiles(data, six[:5]).shape[0] > 0
    with pytest.raises(AnalysisInputError):
        compare_profiles(data, [])
    with pytest.raises(AnalysisInputError, match="Kreis „99999“ ist unbekannt"):
        compare_profiles(data, [GERA, "99999"])


# --- Rangfolge -------------------------------------------------------------------------------


def _assert_ranking(data, indicator: str, year: int) -> pd.DataFrame:
    """The 22 Kreise in rank order (by value, the indicator's direction; ties by name), the
    Kreise without a value last, every row with the year's reference."""
    ind = data.indicator(indicator)
    table = ranking(data, indicator, year)
    values = _values_in(data, indicator, year)
    names = dict(zip(data.regions["ags"], data.regions["name"]))
    ranked = sorted(values.index, key=lambda a: (_rank(values, a, ind.polarity), names[a]))
    missing = sorted(set(names) - set(values.index), key=lambda a: names[a])
    assert len(table) == len(names) == 22
    assert list(table["ags"]) == ranked + missing
    for _, row in table.iterrows():
        if row["ags"] in values.index:
            value = values[row["ags"]]
            assert row["value"] == value and row["rank"] == _rank(values, row["ags"],
                                                                  ind.polarity)
            assert row["value_text"] == format_number(value, ind.decimals, ind.unit)
        else:
            # a missing value reads as its reason ("keine Daten" where the source gave none)
            status = data.table(indicator, year).set_index("ags").loc[row["ags"], "status"]
            assert pd.isna(row["rank"]) and row["value_text"] == (status or "keine Daten")
    reference, label = _reference(data, indicator, year)
    assert table["reference"].tolist() == pytest.approx([reference] * 22, nan_ok=True)
    assert table.attrs["reference"].label == label
    return table


def test_ranking_of_the_latest_year(data):
    year = data.latest_year(SGB2)
    table = _assert_ranking(data, SGB2, year)
    assert list(table["rank"]) == list(range(1, 23))  # every Kreis has a value, no ties
    assert table.attrs["reference"].label == data.level_of("kreis").median_label
    assert table.iloc[0]["value"] == _values_in(data, SGB2, year).max()  # risk: highest first


def _indicator_year_with_gaps(data) -> tuple[str, int]:
    """An indicator and year in which some Kreise have no value."""
    for ind in data.available_indicators():
        for year in data.years(ind.id):
            if 0 < len(_values_in(data, ind.id, year)) < len(data.regions):
                return ind.id, year
    pytest.skip("kein Indikator mit fehlenden Kreisen in einem Jahr")


def test_ranking_protective_and_missing(data):
    protective = next(i.id for i in data.available_indicators() if i.polarity == "protective")
    year = data.latest_year(protective)
    income = _assert_ranking(data, protective, year)
    assert income.iloc[0]["value"] == income["value"].min()  # rank 1 = lowest value
    indicator, year = _indicator_year_with_gaps(data)
    table = _assert_ranking(data, indicator, year)
    missing = table[table["value"].isna()]
    assert len(missing) and missing.index.min() == 22 - len(missing)  # at the end
    assert missing["rank"].isna().all()
    years = data.years("bevoelkerung")
    gap = next((y for y in range(years[0], years[-1]) if y not in years), years[-1] + 1)
    with pytest.raises(ValueError, match=f"kein Jahr {gap}"):
        ranking(data, "bevoelkerung", gap)


# --- Streudiagramm ---------------------------------------------------------------------------


def _assert_points(data, result) -> None:
    """Every point is its Kreis's two values; the Kreise missing one are named as excluded."""
    x = _values_in(data, result.x_id, result.x_year)
    y = _values_in(data, result.y_id, result.y_year)
    both = [a for a in data.regions["ags"] if a in x.index and a in y.index]
    assert list(result.points["ags"]) == both and result.n == len(both)
    assert list(result.points["x"]) == [x[a] for a in both]
    assert list(result.points["y"]) == [y[a] for a in both]
    names = dict(zip(data.regions["ags"], data.regions["name"]))
    assert set(result.excluded) == {names[a] for a in names if a not in both}


def test_scatter_statistics_match_numpy(data):
    common = max(set(data.years(SGB2)) & set(data.years("kinderarmut")))
    result = scatter(data, SGB2, "kinderarmut")
    assert (result.x_year, result.y_year) == (common, common) and result.note == ""
    _assert_points(data, result)
    x, y = result.points["x"].to_numpy(), result.points["y"].to_numpy()
    r = np.corrcoef(x, y)[0, 1]
    assert result.pearson_r == pytest.approx(r)
    assert result.spearman_rho == pytest.approx(
        np.corrcoef(stats.rankdata(x), stats.rankdata(y))[0, 1])
    slope, intercept = np.polyfit(x, y, 1)
    assert (result.slope, result.intercept) == (pytest.approx(slope), pytest.approx(intercept))
    t = r * math.sqrt((result.n - 2) / (1 - r * r))  # the t test of r, n − 2 degrees of freedom
    assert result.pearson_p == pytest.approx(2 * stats.t.sf(abs(t), result.n - 2))
    assert result.has_stats


def test_scatter_requested_year(data):
    year = min(set(data.years(SGB2)) & set(data.years("kinderarmut")))
    result = scatter(data, SGB2, "kinderarmut", year=year)
    assert (result.x_year, result.y_year) == (year, year)
    _assert_points(data, result)


def test_scatter_nearest_years_without_common_year(data):
    pairs = [(a.id, b.id) for a in data.available_indicators()
             for b in data.available_indicators()
             if a.id < b.id and data.years(a.id) and data.years(b.id)
             and not set(data.years(a.id)) & set(data.years(b.id))]
    if not pairs:
        pytest.skip("keine zwei Indikatoren ohne gemeinsames Jahr")
    x_id, y_id = pairs[0]
    x_years, y_years = data.years(x_id), data.years(y_id)
    # the pair of years closest to each other, the latest such pair on a tie
    gap = min(abs(a - b) for a in x_years for b in y_years)
    best = max(((a, b) for a in x_years for b in y_years if abs(a - b) == gap),
               key=lambda p: (max(p), min(p)))
    result = scatter(data, x_id, y_id)
    assert (result.x_year, result.y_year) == best
    assert str(best[0]) in result.note and str(best[1]) in result.note
    assert "kombiniert" in result.note
    _assert_points(data, result)


def test_scatter_years_rule():
    assert scatter_years([2010, 2015], [2012, 2015]) == (2015, 2015)
    assert scatter_years([2010, 2015], [2012, 2015], year=2010) == (2010, 2012)
    assert scatter_years([2023, 2025], [2016, 2022]) == (2023, 2022)
    assert scatter_years([2000, 2010], [2005]) == (2010, 2005)  # tie 5/5 -> latest
    with pytest.raises(AnalysisInputError):
        scatter_years([], [2020])


def test_scatter_excludes_missing(data):
    indicator, year = _indicator_year_with_gaps(data)
    partner = SGB2 if indicator != SGB2 else "kinderarmut"
    result = scatter(data, indicator, partner, year=year)
    _assert_points(data, result)
    assert result.excluded and "nicht berücksichtigt" in result.note
    assert len(result.points) == result.n == 22 - len(result.excluded)


def test_scatter_with_too_few_points_has_no_stats(data):
    year = data.latest_year("kinderarmut")
    kept = list(_values_in(data, "kinderarmut", year).index[:2])
    values = data.values
    keep = ~((values["indicator"] == "kinderarmut") & (values["year"] == year)
             & ~values["ags"].isin(kept))
    sparse = AtlasData.from_frames(data.catalogue, data.regions, data.geojson, values[keep],
                                   data.info)
    result = scatter(sparse, SGB2, "kinderarmut", year=year)
    nearest = min(data.years(SGB2), key=lambda y: (abs(y - year), -y))
    assert (result.x_year, result.y_year) == (nearest, year)
    assert result.n == 2 and not result.has_stats
    assert math.isnan(result.pearson_r) and math.isnan(result.slope)
    assert "Zu wenige" in result.note


def test_scatter_caveat():
    assert "22" in SCATTER_CAVEAT and "Ursache" in SCATTER_CAVEAT
    assert "ökologischer Fehlschluss" in SCATTER_CAVEAT


# --- Veränderung -------------------------------------------------------------------------------


def _assert_change(data, indicator: str, year_from: int, year_to: int) -> pd.DataFrame:
    """Per Kreis the values of both years, their difference (in Prozentpunkte for shares in %)
    and the relative change where it means something; "keine Daten", never 0, where a year
    lacks the value."""
    ind = data.indicator(indicator)
    table = change(data, indicator, year_from, year_to)
    start, end = _values_in(data, indicator, year_from), _values_in(data, indicator, year_to)
    assert list(table["ags"]) == list(data.regions["ags"])
    assert (table["change_unit"] == _difference_unit(ind)).all()
    for _, row in table.iterrows():
        ags = row["ags"]
        if ags in start.index and ags in end.index:
            a, b = start[ags], end[ags]
            assert (row["value_from"], row["value_to"]) == (a, b)
            assert row["change"] == pytest.approx(b - a) and row["status"] == ""
            assert row["change_text"] == format_signed(b - a, ind.decimals, _difference_unit(ind))
            if ind.unit != "Index" and a > 0 and b >= 0:
                assert row["change_pct"] == pytest.approx((b - a) / a * 100)
            else:
                assert math.isnan(row["change_pct"])
        else:
            assert math.isnan(row["change"]) and math.isnan(row["change_pct"]), ags
            assert row["status"] == "keine Daten" and row["change_text"] == "keine Daten"
    return table


def _share_with_a_gap(data) -> tuple[str, int, int]:
    """A share in % and two of its years, a Kreis lacking the value in the first."""
    for ind in data.available_indicators():
        years = data.years(ind.id)
        if ind.unit != "%" or len(years) < 2:
            continue
        for year in years[:-1]:
            if len(_values_in(data, ind.id, year)) < len(data.regions):
                return ind.id, year, years[-1]
    pytest.skip("kein Anteil in % mit einer Lücke")


def test_change_share_in_percentage_points(data):
    indicator, year_from, year_to = _share_with_a_gap(data)
    table = _assert_change(data, indicator, year_from, year_to)
    assert (table["change_unit"] == "Prozentpunkte").all()
    assert (table["status"] == "keine Daten").sum() >= 1


def test_change_in_unit(data):
    indicator = next(i.id for i in data.available_indicators()
                     if i.unit not in ("%", "Index") and i.kind != "count"
                     and len(data.years(i.id)) >= 2)
    years = data.years(indicator)
    table = _assert_change(data, indicator, years[0], years[-1])
    assert (table["change_unit"] == data.indicator(indicator).unit).all()


def test_change_of_an_index_has_no_relative_change(data):
    """An index (unit "Index") has an absolute change only. The GISD itself refuses a change
    (rescaled per year, tests/unit/test_truth_meaning.py); here it stands in for an index whose
    years may be compared."""
    from dataclasses import replace

    from atlas.data import AtlasData

    comparable = replace(data.catalogue, indicators=tuple(
        replace(i, over_time=True) if i.id == "gisd" else i for i in data.catalogue.indicators))
    data = AtlasData.assemble(comparable, data, data.values, data.levels)
    years = data.years("gisd")
    table = _assert_change(data, "gisd", years[0], years[-1])
    assert table["change"].notna().any() and table["change_pct"].isna().all()


def test_change_validates_years(data):
    years = data.years("bevoelkerung")
    gap = next((y for y in range(years[0], years[-1]) if y not in years), years[-1] + 1)
    with pytest.raises(ValueError, match=str(gap)):
        change(data, "bevoelkerung", years[0], gap)  # no Bevölkerung values that year
    sgb2 = data.years(SGB2)
    with pytest.raises(ValueError, match="vor dem Zieljahr"):
        change(data, SGB2, sgb2[-1], sgb2[0])
    # a series break between the years is named
    for brk in data.indicator("bevoelkerung").breaks:
        before = [y for y in years if y < brk.year]
        if before and years[-1] >= brk.year:
            breaks = change(data, "bevoelkerung", before[-1], years[-1]).attrs["breaks"]
            assert (brk.year, brk.label) in breaks
