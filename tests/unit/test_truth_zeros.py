"""Data truth (#16), first rule: a 0 in a source where the indicator cannot be 0 is shown as a
missing value with its reason, never as a normal value (INKAR 2021 writes 0 for the Steuerkraft
of five Kreise in 1997 and for the road casualties of some Kreise).

Expected rows come from the real source rows as the readers give them (before the rule), not
from a list of today's numbers.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from atlas import analysis, figures, missing
from atlas.validation import ZERO_STATUS, is_flagged, zeros_as_missing


@pytest.fixture(scope="module")
def raw(sources, data):
    """The values as the readers give them from the real sources, before any rule."""
    from atlas.build import BuildReport, collect_values

    kreise = set(data.regions["ags"])
    return collect_values(sources, data.catalogue, kreise, BuildReport(sources), data.gemeinden)


def _never_zero(data) -> set[str]:
    return {i.id for i in data.catalogue.indicators if i.zero_is_missing}


def test_every_plain_zero_of_an_indicator_that_cannot_be_zero_is_missing_with_its_reason(
        raw, data):
    never_zero = _never_zero(data)
    assert {"steuerkraft", "verunglueckte_strassenverkehr"} <= never_zero
    zeros = raw[raw["indicator"].isin(never_zero) & (raw["value"] == 0)
                & (raw["status"].fillna("") == "")]
    assert len(zeros) >= 5  # the sources have them (Steuerkraft 1997)
    built = data.values.set_index(["indicator", "ags", "year"])
    for row in zeros.itertuples(index=False):
        shown = built.loc[(row.indicator, row.ags, row.year)]
        assert math.isnan(shown["value"]) and shown["status"] == ZERO_STATUS
    # every other row of those indicators is the source's (unless another rule doubts it)
    others = raw[raw["indicator"].isin(never_zero)].drop(zeros.index)
    for row in others.itertuples(index=False):
        shown = built.loc[(row.indicator, row.ags, row.year)]
        if is_flagged(shown["status"]):
            assert math.isnan(shown["value"]) and "Quellwert" in shown["status"]
            continue
        assert (shown["value"] == row.value) or (math.isnan(row.value)
                                                 and math.isnan(shown["value"]))


def test_a_zero_that_can_be_true_stays_a_zero(raw, data):
    """Kassenkredite of 0 (a Kreis without cash credits) and an accessibility of 0 minutes are
    real values: their indicators are not marked, their zeros stay."""
    can_be_zero = raw[~raw["indicator"].isin(_never_zero(data)) & (raw["value"] == 0)]
    assert len(can_be_zero)
    built = data.values.set_index(["indicator", "ags", "year"])
    for row in can_be_zero.itertuples(index=False):
        assert built.loc[(row.indicator, row.ags, row.year), "value"] == 0


def test_the_official_sign_for_nothing_keeps_its_zero():
    frame = pd.DataFrame({"indicator": ["x", "x"], "ags": ["16051", "16052"], "year": [2020, 2020],
                          "value": [0.0, 0.0], "status": ["nichts vorhanden", ""]})
    out = zeros_as_missing(frame, {"x"})
    assert out["value"].iloc[0] == 0 and out["status"].iloc[0] == "nichts vorhanden"
    assert math.isnan(out["value"].iloc[1]) and out["status"].iloc[1] == ZERO_STATUS


def test_the_map_ranking_and_reference_leave_such_a_value_out(data):
    year = 1997
    table = data.table("steuerkraft", year)
    gone = table[table["status"] == ZERO_STATUS]
    assert len(gone) and gone["value"].isna().all() and gone["rank"].isna().all()
    view = figures.map_view(data, "steuerkraft", year)
    hover = dict(zip(view.table["ags"], view.hover))
    for ags in gone["ags"]:
        assert ZERO_STATUS.split(" –")[0] in hover[ags]
        assert missing.reason_of(ZERO_STATUS) is missing.DOUBTFUL
    ranking = analysis.ranking(data, "steuerkraft", year)
    assert ranking["rank"].notna().sum() == table["value"].notna().sum()
    reference = data.reference("steuerkraft", year)
    present = table["value"].dropna()
    assert reference.value == pytest.approx(present.median())  # the median of real values only
