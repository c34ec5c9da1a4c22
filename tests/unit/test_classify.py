import mapclassify
import numpy as np
import pytest
from numpy.testing import assert_allclose

from atlas.classify import classify
from atlas import palettes


def test_quantile_breaks_equal_mapclassify(data):
    values = data.table("sgb2_quote", 2021)["value"].to_numpy()
    result = classify(values, k=5)
    reference = mapclassify.Quantiles(values, k=5)
    assert_allclose([hi for _, hi in result.bounds], reference.bins)
    assert list(result.counts) == list(reference.counts)
    assert sum(result.counts) == 22


def test_missing_values_get_no_class_and_are_counted():
    values = np.array([1.0, 2.0, np.nan, 4.0, 5.0, 6.0, 7.0])
    result = classify(values, k=3)
    assert result.index[2] == -1
    assert result.missing == 1
    assert sum(result.counts) == 6


def test_fewer_distinct_values_than_classes_degrades_with_note():
    result = classify([1.0, 1.0, 2.0, 2.0, 2.0], k=5)
    assert result.k == 2
    assert "2 statt 5" in result.note
    single = classify([3.0, 3.0, 3.0], k=5)
    assert single.k == 1 and "eine Klasse" in single.note


def test_darker_means_more_risk_for_both_polarities():
    risk = palettes.class_colours("risk", 5)
    protective = palettes.class_colours("protective", 5)
    assert risk[-1] == protective[0]  # darkest colour: highest risk value / lowest protective value
    with pytest.raises(ValueError, match="Klassenzahl"):
        palettes.class_colours("risk", 9)
