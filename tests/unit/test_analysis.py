"""Analysis views on the real data: expected numbers are taken by hand from the source file
sources/indicators/inkar2024/inkar2024_th_kreise_long.csv (column `wert`, codes as named)."""

import math

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

GERA, EICHSFELD, HILDBURGHAUSEN = "16052", "16061", "16069"


def _row(frame: pd.DataFrame, indicator: str) -> pd.Series:
    match = frame[frame["indicator"] == indicator]
    assert len(match) == 1, indicator
    return match.iloc[0]


# --- Regionenprofil --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def gera(data):
    return profile(data, GERA)


@pytest.fixture(scope="module")
def eichsfeld(data):
    return profile(data, EICHSFELD)


def test_profile_sgb2_quote_gera(gera):
    # q_SGBII, Gera 16052: 2017 16.84, 2018 16.05, 2019 15.35, 2020 14.4, 2021 12.65 (latest year).
    # 2021 is the highest of the 22 values -> rank 1 (risk). Median 2021 of the 22 Kreise =
    # (6.11 Sömmerda + 6.12 Jena) / 2 = 6.115; 12.65 - 6.115 = 6.535 Prozentpunkte.
    row = _row(gera, "sgb2_quote")
    assert row["year"] == 2021 and row["value"] == 12.65 and row["value_text"] == "12,7 %"
    assert row["rank"] == 1 and row["rank_of"] == 22 and row["rank_text"] == "1 von 22"
    assert row["reference"] == pytest.approx(6.115) and row["reference_label"] == "Median der Kreise"
    assert row["deviation"] == pytest.approx(6.535)
    assert row["deviation_text"] == "+6,5 Prozentpunkte"
    assert row["deviation_pct"] == pytest.approx(6.535 / 6.115 * 100)
    # trend 2017 -> 2021: 12.65 - 16.84 = -4.19, falling risk = favourable
    assert (row["trend_from"], row["trend_to"]) == (2017, 2021)
    assert row["trend_change"] == pytest.approx(-4.19)
    assert row["trend_change_text"] == "−4,2 Prozentpunkte"
    assert (row["trend_direction"], row["trend_arrow"], row["trend_assessment"]) == (
        "fallend", "↓", "günstig")
    assert row["sparkline"] == [(2017, 16.84), (2018, 16.05), (2019, 15.35), (2020, 14.4),
                                (2021, 12.65)]


def test_profile_sgb2_quote_eichsfeld(eichsfeld):
    # q_SGBII, Eichsfeld 16061: 2017 5.28 ... 2021 3.89; in 2021 only Hildburghausen (3.3) is
    # lower -> rank 21 of 22. 3.89 - 6.115 = -2.225; trend 3.89 - 5.28 = -1.39.
    row = _row(eichsfeld, "sgb2_quote")
    assert row["year"] == 2021 and row["value"] == 3.89
    assert row["rank"] == 21 and row["rank_of"] == 22
    assert row["deviation"] == pytest.approx(-2.225)
    assert row["deviation_text"] == "−2,2 Prozentpunkte"
    assert row["trend_change"] == pytest.approx(-1.39)
    assert (row["trend_direction"], row["trend_assessment"]) == ("fallend", "günstig")
    assert [year for year, _ in row["sparkline"]] == [2017, 2018, 2019, 2020, 2021]


def test_profile_kinderarmut_both_kreise(gera, eichsfeld):
    # q_newfBGu15_bev, latest year 2022. Gera 18.35 is the highest -> rank 1; Eichsfeld 5.37 is
    # the third lowest (4.81 Hildburghausen, 5.29 Saale-Holzland) -> rank 20.
    # Median 2022 = (8.44 Sömmerda + 8.78 Saalfeld-Rudolstadt) / 2 = 8.61.
    # Trend 2018 -> 2022: Gera 24.66 -> 18.35 (-6.31), Eichsfeld 6.97 -> 5.37 (-1.60).
    g, e = _row(gera, "kinderarmut"), _row(eichsfeld, "kinderarmut")
    assert (g["year"], g["value"], g["rank"]) == (2022, 18.35, 1)
    assert (e["year"], e["value"], e["rank"]) == (2022, 5.37, 20)
    assert g["reference"] == pytest.approx(8.61) == e["reference"]
    assert g["deviation_text"] == "+9,7 Prozentpunkte"
    assert e["deviation_text"] == "−3,2 Prozentpunkte"
    assert g["trend_change"] == pytest.approx(-6.31) and g["trend_from"] == 2018
    assert e["trend_change"] == pytest.approx(-1.60)
    assert g["trend_arrow"] == e["trend_arrow"] == "↓"


def test_profile_flat_trend_within_tolerance(gera):
    # a_betr0003_bev0003 (Betreuungsquote U3), Gera: 2016 53.88 -> 2020 53.93 = +0.05. Range of
    # all Kreise 2016-2020 is 64.92 - 45.83 = 19.09, tolerance 1 % = 0.19 -> "gleich".
    row = _row(gera, "betreuungsquote_u3")
    assert row["trend_change"] == pytest.approx(0.05)
    assert (row["trend_direction"], row["trend_arrow"], row["trend_assessment"]) == (
        "gleich", "→", "neutral")


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


def test_counts_are_not_compared_with_the_land_total(gera):
    row = _row(gera, "bevoelkerung")
    assert row["reference_label"] == "Thüringen (Summe der Kreise)"
    assert math.isnan(row["deviation"]) and row["deviation_text"] == ""
    assert "Zensus 2022" in row["trend_note"]  # trend window 2019-2024 spans the break


def test_single_year_has_no_trend(gera):
    row = _row(gera, "durchschnittsalter")  # only 2017 in the data
    assert row["trend_direction"] == "" and row["trend_arrow"] == ""
    assert math.isnan(row["trend_change"]) and row["sparkline"] == [(2017, row["value"])]


def test_life_phase_filter_shrinks_the_profile(data, gera):
    children = profile(data, GERA, "kindheit")
    assert 0 < len(children) < len(gera)
    assert all("kindheit" in data.indicator(i).life_phases for i in children["indicator"])
    assert {"sgb2_quote", "kinderarmut"} <= set(children["indicator"])
    assert "anteil_ew_65_75" not in set(children["indicator"])
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


def test_compare_profiles_side_by_side(data):
    table = compare_profiles(data, [GERA, EICHSFELD])
    assert table.attrs["names"] == {GERA: "Gera", EICHSFELD: "Eichsfeld"}
    row = _row(table, "sgb2_quote")
    assert row["year"] == 2021
    assert row[GERA] == "12,7 % (Rang 1 von 22)"
    assert row[EICHSFELD] == "3,9 % (Rang 21 von 22)"
    assert row[f"value_{GERA}"] == 12.65 and row[f"rank_{EICHSFELD}"] == 21
    kinder = compare_profiles(data, [GERA, EICHSFELD], "kindheit")
    assert len(kinder) < len(table)


def test_compare_profiles_marks_missing_values(data):
    # Eichsfeld has no value for the Unterkunftskosten share in 2014, but in the latest year
    # both have values: the latest complete year is used.
    row = _row(compare_profiles(data, [GERA, EICHSFELD]), "unterkunftskosten_anteil_sgb2")
    assert row["year"] == 2022 and "Rang" in row[EICHSFELD]


def test_compare_profiles_limits(data):
    six = ["16051", "16052", "16053", "16054", "16055", "16061"]
    with pytest.raises(ValueError, match="höchstens 5 Kreise"):
        compare_profiles(data, six)
    assert compare_profiles(data, six[:5]).shape[0] > 0
    with pytest.raises(AnalysisInputError):
        compare_profiles(data, [])
    with pytest.raises(AnalysisInputError, match="Kreis „99999“ ist unbekannt"):
        compare_profiles(data, [GERA, "99999"])


# --- Rangfolge -------------------------------------------------------------------------------


def test_ranking_sgb2_quote_2021(data):
    table = ranking(data, "sgb2_quote", 2021)
    assert len(table) == 22 and list(table["rank"]) == list(range(1, 23))
    first, last = table.iloc[0], table.iloc[-1]
    assert (first["ags"], first["value"], first["value_text"]) == (GERA, 12.65, "12,7 %")
    assert (last["ags"], last["value"], last["rank"]) == (HILDBURGHAUSEN, 3.3, 22)
    assert table.loc[table["ags"] == EICHSFELD, "rank"].item() == 21
    assert table["reference"].tolist() == pytest.approx([6.115] * 22)
    assert table.attrs["reference"].label == "Median der Kreise"


def test_ranking_protective_and_missing(data):
    income = ranking(data, "haushaltseinkommen", 2019)  # protective: rank 1 = lowest value
    assert income.iloc[0]["value"] == income["value"].min()
    traffic = ranking(data, "verunglueckte_strassenverkehr", 2017)  # 6 Kreise without data
    missing = traffic[traffic["value"].isna()]
    assert len(missing) == 6 and missing.index.min() == 16  # at the end
    assert (missing["value_text"] == "keine Daten").all() and missing["rank"].isna().all()
    with pytest.raises(ValueError, match="kein Jahr 2023"):
        ranking(data, "bevoelkerung", 2023)


# --- Streudiagramm ---------------------------------------------------------------------------


def test_scatter_statistics_match_numpy(data):
    result = scatter(data, "sgb2_quote", "kinderarmut")
    assert (result.x_year, result.y_year) == (2021, 2021) and result.note == ""
    assert result.n == 22 and result.excluded == ()
    x, y = result.points["x"].to_numpy(), result.points["y"].to_numpy()
    assert result.pearson_r == pytest.approx(np.corrcoef(x, y)[0, 1])
    assert result.spearman_rho == pytest.approx(
        np.corrcoef(stats.rankdata(x), stats.rankdata(y))[0, 1])
    slope, intercept = np.polyfit(x, y, 1)
    assert (result.slope, result.intercept) == (pytest.approx(slope), pytest.approx(intercept))
    assert 0 < result.pearson_p < 0.05 and result.has_stats
    gera = result.points[result.points["ags"] == GERA].iloc[0]
    assert (gera["x"], gera["y"]) == (12.65, 20.66)  # q_SGBII / q_newfBGu15_bev, Gera 2021


def test_scatter_requested_year(data):
    result = scatter(data, "sgb2_quote", "kinderarmut", year=2017)
    assert (result.x_year, result.y_year) == (2017, 2017)
    gera = result.points[result.points["ags"] == GERA].iloc[0]
    assert (gera["x"], gera["y"]) == (16.84, 25.73)


def test_scatter_nearest_years_without_common_year(data):
    assert data.years("arbeitslosenquote") == [2023, 2025]
    assert data.years("kinderarmut")[-1] == 2022
    result = scatter(data, "arbeitslosenquote", "kinderarmut")
    assert (result.x_year, result.y_year) == (2023, 2022)
    assert "2023" in result.note and "2022" in result.note and "kombiniert" in result.note
    # Bevölkerung has 2022 and 2024: |2023-2022| = |2023-2024| = |2025-2024| = 1 -> latest pair
    result = scatter(data, "arbeitslosenquote", "bevoelkerung")
    assert (result.x_year, result.y_year) == (2025, 2024)


def test_scatter_years_rule():
    assert scatter_years([2010, 2015], [2012, 2015]) == (2015, 2015)
    assert scatter_years([2010, 2015], [2012, 2015], year=2010) == (2010, 2012)
    assert scatter_years([2023, 2025], [2016, 2022]) == (2023, 2022)
    assert scatter_years([2000, 2010], [2005]) == (2010, 2005)  # tie 5/5 -> latest
    with pytest.raises(AnalysisInputError):
        scatter_years([], [2020])


def test_scatter_excludes_missing(data):
    result = scatter(data, "verunglueckte_strassenverkehr", "sgb2_quote", year=2017)
    assert result.n == 16 and len(result.excluded) == 6 and "Gera" in result.excluded
    assert len(result.points) == 16 and "nicht berücksichtigt" in result.note


def test_scatter_with_too_few_points_has_no_stats(data):
    values = data.values
    keep = ~((values["indicator"] == "kinderarmut") & (values["year"] == 2022)
             & ~values["ags"].isin([GERA, EICHSFELD]))
    sparse = AtlasData.from_frames(data.catalogue, data.regions, data.geojson, values[keep],
                                   data.info)
    result = scatter(sparse, "sgb2_quote", "kinderarmut", year=2022)
    assert (result.x_year, result.y_year) == (2021, 2022)
    assert result.n == 2 and not result.has_stats
    assert math.isnan(result.pearson_r) and math.isnan(result.slope)
    assert "Zu wenige" in result.note


def test_scatter_caveat():
    assert "22" in SCATTER_CAVEAT and "Ursache" in SCATTER_CAVEAT
    assert "ökologischer Fehlschluss" in SCATTER_CAVEAT


# --- Veränderung -----------------------------------------------------------------------------


def test_change_share_in_percentage_points(data):
    # a_Unterkunft_SGBII: Gera 2014 36.75 -> 2022 33.69; Eichsfeld has no row for 2014.
    table = change(data, "unterkunftskosten_anteil_sgb2", 2014, 2022)
    assert len(table) == 22 and (table["change_unit"] == "Prozentpunkte").all()
    gera = table[table["ags"] == GERA].iloc[0]
    assert (gera["value_from"], gera["value_to"]) == (36.75, 33.69)
    assert gera["change"] == pytest.approx(-3.06)
    assert gera["change_pct"] == pytest.approx(-3.06 / 36.75 * 100)
    assert gera["change_text"] == "−3,1 Prozentpunkte" and gera["status"] == ""
    eichsfeld = table[table["ags"] == EICHSFELD].iloc[0]
    assert math.isnan(eichsfeld["value_from"]) and eichsfeld["value_to"] == 32.4
    assert math.isnan(eichsfeld["change"]) and math.isnan(eichsfeld["change_pct"])
    assert eichsfeld["status"] == "keine Daten" and eichsfeld["change_text"] == "keine Daten"
    assert (table["status"] == "keine Daten").sum() == 1


def test_change_in_unit(data):
    # d_Unterkunft_Lstg: Gera 2014 274.46 -> 2022 324.3 Euro
    gera = change(data, "unterkunftskosten_sgb2", 2014, 2022).set_index("ags").loc[GERA]
    assert gera["change_unit"] == "Euro" and gera["change"] == pytest.approx(49.84)
    assert gera["change_text"] == "+50 Euro"
    assert gera["change_pct"] == pytest.approx(49.84 / 274.46 * 100)


def test_change_of_an_index_has_no_relative_change(data):
    table = change(data, "gisd", 2015, 2021)
    assert table["change"].notna().all() and table["change_pct"].isna().all()


def test_change_validates_years(data):
    with pytest.raises(ValueError, match="2023"):
        change(data, "bevoelkerung", 2022, 2023)  # no Bevölkerung values for 2023
    with pytest.raises(ValueError, match="vor dem Zieljahr"):
        change(data, "sgb2_quote", 2021, 2015)
    assert change(data, "bevoelkerung", 2021, 2024).attrs["breaks"][0][0] == 2022
