"""Small numbers protected (atlas.levels.protection): primary and secondary suppression of
counts, rates of small denominators hidden; with real counts and as properties."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from atlas.levels.protection import (
    LEVEL_TOTAL,
    PRIMARY,
    RATE_NUMERATOR,
    RATE_UNKNOWN,
    SECONDARY,
    SHOWN,
    ProtectionError,
    protect_counts,
    protect_rates,
    rate_status,
)
from atlas.schema import LAND_AGS, Col
from tests.conftest import indicator_rows as _long


def _sets(groups: pd.DataFrame | None, keys, total: bool) -> list[tuple[str, list[str]]]:
    sets = [] if groups is None else [(k, list(g["part"])) for k, g in groups.groupby("key")]
    return sets + ([(LEVEL_TOTAL, list(keys))] if total else [])


def assert_protected(original: pd.DataFrame, result: pd.DataFrame, threshold: float,
                     groups: pd.DataFrame | None = None, total: bool = True) -> None:
    """What a reader of the result could work out, checked for every year and every total:

    * every count 0 < n < threshold is hidden ("< threshold"), every visible value unchanged;
    * no total minus its visible parts equals a protected count, unless the result says that
      total must be hidden itself (``attrs["hide_totals"]``): the protected count is
      unrecoverable;
    * a hidden part is hidden as primary or secondary only."""
    hide = set(result.attrs["hide_totals"])
    for year, before in original.groupby(Col.YEAR):
        after = result.loc[before.index]
        value = dict(zip(before[Col.AGS], before[Col.VALUE]))
        shown = dict(zip(after[Col.AGS], after[Col.VALUE]))
        status = dict(zip(after[Col.AGS], after[Col.STATUS]))
        for key, v in value.items():
            if 0 < v < threshold:
                assert math.isnan(shown[key]) and status[key] == PRIMARY, key
            elif not math.isnan(shown[key]):
                assert shown[key] == v, key  # visible values unchanged
            elif not math.isnan(v):
                assert status[key] == SECONDARY, key
        for key, parts in _sets(groups, value.keys(), total):
            parts = [p for p in parts if p in value]
            if any(math.isnan(value[p]) for p in parts):
                continue  # an unknown part: the total itself is not known (nor published)
            exact_total = sum(value[p] for p in parts)
            rest = exact_total - sum(shown[p] for p in parts if not math.isnan(shown[p]))
            protected = [value[p] for p in parts if status[p] == PRIMARY]
            if (key, int(year)) in hide:
                continue
            for p in protected:
                assert rest != p, (key, year)
                assert rest >= p + threshold, (key, year)  # not even narrowed to a small range


@pytest.mark.parametrize("threshold", [100, 250])
def test_small_gemeinden_of_real_counts_are_protected_in_their_kreis_and_the_land(
        gemeinde_counts, gemeinde_kreis, threshold):
    """Real Zensus counts of the Gemeinden with the threshold raised (a parameter per level): the
    small Gemeinden are hidden, and so are the parts that would give them away in their Kreis
    and in the Land."""
    small = gemeinde_counts[gemeinde_counts[Col.VALUE] < threshold]
    assert len(small) > 0  # real small Gemeinden exist at this threshold
    result = protect_counts(gemeinde_counts, threshold=threshold, groups=gemeinde_kreis)
    assert_protected(gemeinde_counts, result, threshold, gemeinde_kreis)
    assert set(result.loc[result[Col.STATUS] == PRIMARY, Col.AGS]) == set(small[Col.AGS])
    assert (result.loc[result[Col.STATUS] == PRIMARY, SHOWN] == f"< {threshold}").all()
    secondary = result[result[Col.STATUS] == SECONDARY]
    assert (secondary[SHOWN] == PRIMARY).all()
    # a Kreis with exactly one small Gemeinde gets a second hidden Gemeinde
    kreis_of = dict(zip(gemeinde_kreis["part"], gemeinde_kreis["key"]))
    per_kreis = small[Col.AGS].map(kreis_of).value_counts()
    for kreis in per_kreis[per_kreis == 1].index:
        hidden = result[result[Col.AGS].map(kreis_of) == kreis][Col.VALUE].isna().sum()
        assert hidden >= 2, kreis
    assert result.attrs["hide_totals"] == ()


def test_protection_is_deterministic_whatever_the_order(gemeinde_counts, gemeinde_kreis):
    one = protect_counts(gemeinde_counts, threshold=100, groups=gemeinde_kreis)
    shuffled = gemeinde_counts.sample(frac=1, random_state=7)
    two = protect_counts(shuffled, threshold=100, groups=gemeinde_kreis.iloc[::-1])
    hidden = lambda frame: set(frame.loc[frame[Col.VALUE].isna(), Col.AGS])  # noqa: E731
    assert hidden(one) == hidden(two)
    assert list(two.index) == list(shuffled.index)  # the caller's rows, in the caller's order


@pytest.fixture(scope="module")
def very_old_men(sources) -> pd.DataFrame:
    """Real small counts: men aged 97 to under 98 per Thuringian Kreis (Zensus 2011), some of
    them secret ("/") in the source already."""
    from atlas.readers import read_genesis_table

    table = read_genesis_table(sources / "indicators/genesis_table/12111-04-01-4.csv")
    rows = table[(table[Col.CODE] == "12111-04-01-4/bevoelkerung-maennlich/97-bis-unter-98-jahre")
                 & (table[Col.AGS].str.len() == 5) & table[Col.AGS].str.startswith(LAND_AGS)]
    return rows[[Col.AGS, Col.YEAR, Col.VALUE, Col.STATUS]].reset_index(drop=True)


def test_real_small_counts_of_the_kreise_are_protected(very_old_men):
    assert (very_old_men[Col.VALUE] < 5).any() and very_old_men[Col.VALUE].isna().any()
    result = protect_counts(very_old_men, threshold=5)
    assert_protected(very_old_men, result, 5)
    secret = very_old_men[Col.VALUE].isna()
    assert (result.loc[secret, Col.STATUS] == very_old_men.loc[secret, Col.STATUS]).all()
    # the default threshold 3 hides nothing here: the source has no 1 or 2
    assert protect_counts(very_old_men)[Col.VALUE].isna().sum() == secret.sum()


def test_zero_is_shown_and_never_chosen_as_the_second_part():
    """0 names no one; hiding a 0 beside a 2 would leave total − visible = 2."""
    values = pd.DataFrame({Col.AGS: ["a", "b", "c", "d"], Col.YEAR: 2022,
                           Col.VALUE: [2.0, 0.0, 0.0, 40.0], Col.STATUS: ""})
    result = protect_counts(values).set_index(Col.AGS)
    assert result.loc["b", Col.VALUE] == 0 and result.loc["c", Col.VALUE] == 0
    assert result.loc["a", Col.STATUS] == PRIMARY and result.loc["d", Col.STATUS] == SECONDARY
    # nothing left to hide: the total gives the 2 away and is named
    alone = values.assign(**{Col.VALUE: [2.0, 0.0, 0.0, 0.0]})
    assert protect_counts(alone).attrs["hide_totals"] == ((LEVEL_TOTAL, 2022),)


def test_two_ones_are_not_enough_for_each_other():
    values = pd.DataFrame({Col.AGS: ["a", "b", "c", "d"], Col.YEAR: 2022,
                           Col.VALUE: [1.0, 1.0, 17.0, 12.0], Col.STATUS: ""})
    result = protect_counts(values).set_index(Col.AGS)
    assert result.loc["d", Col.STATUS] == SECONDARY and result.loc["c", Col.VALUE] == 17


def test_bad_thresholds_and_input_are_refused_in_german():
    values = pd.DataFrame({Col.AGS: ["a"], Col.YEAR: [2022], Col.VALUE: [1.0]})
    with pytest.raises(ProtectionError, match="Schwelle"):
        protect_counts(values, threshold=0)
    with pytest.raises(ProtectionError, match="Spalte"):
        protect_counts(values.drop(columns=[Col.VALUE]))
    with pytest.raises(ProtectionError, match="mehrere"):
        protect_counts(pd.concat([values, values]))


def test_rates_of_small_denominators_are_not_shown(data):
    """The share of women among the unemployed per Kreis, hidden where fewer than a (raised)
    number of people are unemployed."""
    women = _long(data, "arbeitslose_frauen").set_index([Col.AGS, Col.YEAR])
    total = _long(data, "arbeitslose")
    total = total[total[Col.AGS] != LAND_AGS].reset_index(drop=True)
    keyed = total.set_index([Col.AGS, Col.YEAR])
    rates = keyed.assign(**{Col.VALUE: 100 * women[Col.VALUE].reindex(keyed.index)
                            / keyed[Col.VALUE], Col.STATUS: ""}).reset_index()
    threshold = float(total[Col.VALUE].median())
    result = protect_rates(rates, total, threshold=threshold)
    small = (total[Col.VALUE] < threshold) & rates[Col.VALUE].notna()  # a missing rate stays so
    assert small.any() and (~small).any()
    assert result.loc[small.to_numpy(), Col.VALUE].isna().all()
    assert (result.loc[small.to_numpy(), Col.STATUS] == rate_status(threshold)).all()
    big = (~small & rates[Col.VALUE].notna()).to_numpy()
    assert (result.loc[big, Col.VALUE] == rates.loc[big, Col.VALUE]).all()
    assert (result.loc[big, SHOWN] == "").all()


def test_default_rate_threshold_is_50_with_real_small_gemeinden(data, gemeinde_counts):
    rates = _long(data, "gemeinde_anteil_siedlungsflaeche")
    if rates.empty:
        pytest.skip("Build ohne Gemeinderaten")
    population = gemeinde_counts.assign(**{Col.YEAR: rates[Col.YEAR].iloc[0]})
    result = protect_rates(rates, population)
    tiny = set(population.loc[population[Col.VALUE] < 50, Col.AGS])
    assert tiny  # real Gemeinden under 50 inhabitants
    hidden = result[result[Col.STATUS] == "nicht ausgewiesen (Nenner < 50)"]
    assert set(hidden[Col.AGS]) == tiny & set(rates[Col.AGS])
    unknown = set(rates[Col.AGS]) - set(population[Col.AGS])
    assert set(result.loc[result[Col.STATUS] == RATE_UNKNOWN, Col.AGS]) == {
        a for a in unknown if not math.isnan(rates.set_index(Col.AGS).loc[a, Col.VALUE])}


def test_a_rate_of_a_protected_numerator_is_not_shown():
    rates = pd.DataFrame({Col.AGS: ["a", "b"], Col.YEAR: 2022, Col.VALUE: [2.0, 10.0],
                          Col.STATUS: ""})
    den = rates.assign(**{Col.VALUE: [100.0, 100.0]})
    num = rates.assign(**{Col.VALUE: [2.0, 10.0]})
    result = protect_rates(rates, den, numerators=num)
    assert result[Col.STATUS].tolist() == [RATE_NUMERATOR, ""]
    assert result[Col.VALUE].iloc[1] == 10


# --- properties ------------------------------------------------------------------------------

@st.composite
def _levels(draw):
    n = draw(st.integers(1, 14))
    values = draw(st.lists(st.one_of(st.integers(0, 6), st.integers(0, 400), st.just(-1)),
                           min_size=n, max_size=n))
    keys = [f"k{i:02d}" for i in range(n)]
    frame = pd.DataFrame({Col.AGS: keys, Col.YEAR: draw(st.sampled_from([2020, 2021])),
                          Col.VALUE: [math.nan if v < 0 else float(v) for v in values],
                          Col.STATUS: ["geheim" if v < 0 else "" for v in values]})
    groups = None
    if draw(st.booleans()):
        membership = draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))
        groups = pd.DataFrame({"key": [f"g{g}" for g in membership], "part": keys})
        if draw(st.booleans()):  # a second, crossing grouping (e.g. districts and Kreise)
            other = draw(st.lists(st.integers(0, 2), min_size=n, max_size=n))
            groups = pd.concat([groups, pd.DataFrame({"key": [f"h{g}" for g in other],
                                                      "part": keys})])
    return frame, groups, draw(st.integers(2, 5)), draw(st.booleans())


@settings(max_examples=300, deadline=None)
@given(_levels())
def test_property_no_protected_count_can_be_recovered_from_any_total(level):
    frame, groups, threshold, total = level
    result = protect_counts(frame, threshold=threshold, groups=groups, total=total)
    assert_protected(frame, result, threshold, groups, total)
    again = protect_counts(frame.iloc[::-1], threshold=threshold, groups=groups, total=total)
    assert again.sort_index().equals(result.sort_index())  # deterministic


@settings(max_examples=100, deadline=None)
@given(_levels(), st.integers(1, 500))
def test_property_rates_hidden_exactly_below_the_denominator_threshold(level, threshold):
    frame, _, _, _ = level
    rates = frame.assign(**{Col.VALUE: frame[Col.VALUE] / 7})
    result = protect_rates(rates, frame, threshold=threshold)
    for before, den, after in zip(rates.itertuples(), frame[Col.VALUE], result.itertuples()):
        if math.isnan(before.value):
            assert math.isnan(after.value) and after.status == before.status
        elif den < threshold:
            assert math.isnan(after.value) and after.status == rate_status(threshold)
        else:
            assert after.value == before.value and after.status == before.status
