"""Roll-up of counts into coarser areas (atlas.levels.rollup): exact sums of real Gemeinde and
Kreis counts, missing parts make the sum missing, rates are recomputed, never summed."""

from __future__ import annotations

import math
from fractions import Fraction

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from atlas.levels.rollup import (
    INCOMPLETE,
    NOTHING,
    ZERO_DENOMINATOR,
    RollupError,
    merge_status,
    roll_up,
    roll_up_rate,
)
from atlas.schema import LAND_AGS, Col
from tests.conftest import indicator_rows as _long


def test_gemeinden_rolled_up_into_their_kreise_equal_the_sum_of_their_gemeinden(
        data, gemeinde_counts, gemeinde_kreis):
    rolled = roll_up(gemeinde_counts, gemeinde_kreis, kind="count")
    by_gemeinde = dict(zip(gemeinde_counts[Col.AGS], gemeinde_counts[Col.VALUE]))
    assert set(rolled[Col.AGS]) == set(data.regions[Col.AGS])
    for row in rolled.itertuples(index=False):
        parts = data.level_of("gemeinde").in_kreis(row.ags)
        expected = sum(int(by_gemeinde[p]) for p in parts)  # integers: exact by construction
        assert row.value == expected, row.ags
        assert row.status == ""
    # the whole Land: the Kreise together hold every Gemeinde once
    assert rolled[Col.VALUE].sum() == sum(int(v) for v in gemeinde_counts[Col.VALUE])


def test_roll_up_into_own_groups_of_gemeinden_is_exact(data, gemeinde_counts):
    """Own groups: the towns (Stadt) and the other Gemeinden of every Kreis, a real split."""
    gemeinden = data.gemeinden
    groups = pd.DataFrame({"key": gemeinden["kreis"] + "-" + gemeinden["bez"].str.lower(),
                           "part": gemeinden[Col.AGS]})
    rolled = roll_up(gemeinde_counts, groups).set_index(Col.AGS)
    counts = gemeinde_counts.set_index(Col.AGS)[Col.VALUE]
    for key, parts in groups.groupby("key"):
        assert rolled.loc[key, Col.VALUE] == sum(int(counts[p]) for p in parts["part"])


def test_a_missing_gemeinde_makes_its_group_missing_never_smaller(
        data, gemeinde_counts, gemeinde_kreis):
    kreis = data.regions[Col.AGS].iloc[-1]
    gone = data.level_of("gemeinde").in_kreis(kreis)[0]
    secret = gemeinde_counts.copy()
    secret.loc[secret[Col.AGS] == gone, [Col.VALUE, Col.STATUS]] = [math.nan, "geheim"]
    without = gemeinde_counts[gemeinde_counts[Col.AGS] != data.level_of("gemeinde").in_kreis(kreis)[1]]
    for values in (secret, without):
        rolled = roll_up(values, gemeinde_kreis).set_index(Col.AGS)
        assert math.isnan(rolled.loc[kreis, Col.VALUE])
        assert rolled.loc[kreis, Col.STATUS] == INCOMPLETE
        assert rolled[Col.VALUE].notna().sum() == len(rolled) - 1  # the others are untouched


def test_decimal_counts_of_the_kreise_sum_without_float_drift(data):
    """Annual averages of unemployed (decimals in the BA file) summed into the Land exactly."""
    values = _long(data, "arbeitslose")
    values = values[values[Col.AGS] != LAND_AGS]
    members = pd.DataFrame({"key": LAND_AGS, "part": data.regions[Col.AGS]})
    rolled = roll_up(values, members)
    for row in rolled.itertuples(index=False):
        parts = values[(values[Col.YEAR] == row.year) & values[Col.AGS].isin(members["part"])]
        if len(parts) < len(members) or parts[Col.VALUE].isna().any():
            assert math.isnan(row.value) and row.status == INCOMPLETE
            continue
        exact = sum(Fraction(repr(float(v))) for v in parts[Col.VALUE])
        assert row.value == float(exact), row.year  # the float nearest the exact sum


def test_a_rate_is_refused_in_german(gemeinde_counts, gemeinde_kreis):
    with pytest.raises(RollupError, match="nicht summieren.*Zähler und Nenner"):
        roll_up(gemeinde_counts, gemeinde_kreis, kind="rate")
    with pytest.raises(RollupError, match="Unbekannte Art"):
        roll_up(gemeinde_counts, gemeinde_kreis, kind="mittelwert")
    with pytest.raises(RollupError, match="Spalten „key“"):
        roll_up(gemeinde_counts, pd.DataFrame({"kreis": ["16051"]}))


def test_a_rate_is_recomputed_from_the_summed_counts(data):
    """Share of women among the unemployed in the Land, from the Kreise's counts."""
    women = _long(data, "arbeitslose_frauen")
    total = _long(data, "arbeitslose")
    members = pd.DataFrame({"key": LAND_AGS, "part": data.regions[Col.AGS]})
    rates = roll_up_rate(women, total, members, factor=100)
    sums_w = roll_up(women, members).set_index(Col.YEAR)[Col.VALUE]
    sums_t = roll_up(total, members).set_index(Col.YEAR)[Col.VALUE]
    shown = rates.dropna(subset=[Col.VALUE])
    assert not shown.empty
    for row in shown.itertuples(index=False):
        assert row.value == pytest.approx(100 * sums_w[row.year] / sums_t[row.year], rel=1e-15)
        assert 30 < row.value < 60  # a share of women, not a sum of the Kreise's shares
    for row in rates[rates[Col.VALUE].isna()].itertuples(index=False):
        assert row.status == INCOMPLETE


def test_zero_denominator_and_statuses_carry_over():
    members = pd.DataFrame({"key": ["A", "A"], "part": ["1", "2"]})
    num = pd.DataFrame({Col.AGS: ["1", "2"], Col.YEAR: [2020, 2020], Col.VALUE: [0.0, 0.0],
                        Col.STATUS: ["", ""]})
    den = num.assign(**{Col.STATUS: ["vorläufig", ""]})
    rate = roll_up_rate(num, den, members)
    assert math.isnan(rate[Col.VALUE].iloc[0]) and rate[Col.STATUS].iloc[0] == ZERO_DENOMINATOR
    counts = pd.DataFrame({Col.AGS: ["1", "2"], Col.YEAR: [2020, 2020], Col.VALUE: [5.0, 7.0],
                           Col.STATUS: ["vorläufig", ""]})
    assert roll_up(counts, members)[Col.STATUS].iloc[0] == "vorläufig"
    assert merge_status(["vorläufig", "geschätzt", ""]) == "geschätzt, vorläufig"


def test_nothing_there_adds_zero():
    """The official "-" (nichts vorhanden) is exactly 0, not a missing part."""
    members = pd.DataFrame({"key": ["A", "A"], "part": ["1", "2"]})
    counts = pd.DataFrame({Col.AGS: ["1", "2"], Col.YEAR: [2020, 2020],
                           Col.VALUE: [math.nan, 7.0], Col.STATUS: [NOTHING, ""]})
    rolled = roll_up(counts, members)
    assert rolled[Col.VALUE].iloc[0] == 7 and rolled[Col.STATUS].iloc[0] == ""


# --- properties ------------------------------------------------------------------------------

_parts = st.lists(st.integers(0, 10**13), min_size=1, max_size=12)


@st.composite
def _levels(draw, decimals: bool = False):
    """Fine values (whole counts, or counts with up to 3 decimals), a membership of groups
    and a set of parts made missing."""
    n = draw(st.integers(1, 15))
    if decimals:
        values = draw(st.lists(st.integers(0, 10**9), min_size=n, max_size=n))
        values = [v / 1000 for v in values]
    else:
        values = [float(v) for v in draw(st.lists(st.integers(0, 2**53 // 20), min_size=n,
                                                  max_size=n))]
    groups = draw(st.lists(st.integers(0, 4), min_size=n, max_size=n))
    missing = draw(st.sets(st.integers(0, n - 1), max_size=n))
    keys = [f"f{i:02d}" for i in range(n)]
    frame = pd.DataFrame({Col.AGS: keys, Col.YEAR: 2020, Col.VALUE: values, Col.STATUS: ""})
    members = pd.DataFrame({"key": [f"g{g}" for g in groups], "part": keys})
    return frame, members, missing


@settings(max_examples=150, deadline=None)
@given(_levels())
def test_property_roll_up_is_exact_and_any_missing_part_makes_the_sum_missing(level):
    frame, members, missing = level
    shown = frame.copy()
    shown.loc[sorted(missing), Col.VALUE] = math.nan
    rolled = roll_up(shown, members).set_index(Col.AGS)
    for key, parts in members.groupby("key"):
        rows = frame[frame[Col.AGS].isin(parts["part"])]
        if any(frame.index[frame[Col.AGS] == p][0] in missing for p in parts["part"]):
            assert math.isnan(rolled.loc[key, Col.VALUE])
            assert rolled.loc[key, Col.STATUS] == INCOMPLETE
        else:
            assert rolled.loc[key, Col.VALUE] == float(sum(int(v) for v in rows[Col.VALUE]))


@settings(max_examples=150, deadline=None)
@given(_levels(decimals=True))
def test_property_decimal_roll_up_is_the_nearest_float_of_the_exact_sum(level):
    frame, members, _ = level
    rolled = roll_up(frame, members).set_index(Col.AGS)
    for key, parts in members.groupby("key"):
        rows = frame[frame[Col.AGS].isin(parts["part"])]
        exact = sum(Fraction(repr(v)) for v in rows[Col.VALUE])
        assert rolled.loc[key, Col.VALUE] == float(exact)
