"""The composite index, its robustness, similar areas and types, on real Kreis values.

Expected values are computed here from the definitions (statistics module, plain loops), not by
the code under test.
"""

from __future__ import annotations

import math
import statistics

import numpy as np
import pytest

from atlas.composite.index import IndexProblem, Part, index_values, standardise
from atlas.composite.robustness import quantile_classes, ranks, robustness
from atlas.composite.similar import similar, typology

PARTS = [Part("sgb2_quote", 1.0, 1), Part("kinderarmut", 2.0, 1),
         Part("bevoelkerung", 0.5, -1)]


@pytest.fixture(scope="module")
def matrix(data):
    """Kreise × parts in the newest year all parts have (real built values)."""
    year = max(set.intersection(*(set(data.years(p.indicator)) for p in PARTS)))
    columns = []
    for part in PARTS:
        table = data.table(part.indicator, year).set_index("ags")["value"]
        columns.append([table.get(a, math.nan) for a in data.regions["ags"]])
    return np.array(columns, dtype=float).T


def _by_definition(matrix, parts, method):
    """The index from its definition, one area at a time."""
    columns = []
    for j, part in enumerate(parts):
        present = [v for v in matrix[:, j] if not math.isnan(v)]
        if method == "z":
            mean, sd = statistics.fmean(present), statistics.pstdev(present)
            std = [(v - mean) / sd for v in matrix[:, j]]
            oriented = [s if part.direction > 0 else -s for s in std]
        else:
            low, high = min(present), max(present)
            std = [(v - low) / (high - low) * 100 for v in matrix[:, j]]
            oriented = [s if part.direction > 0 else 100 - s for s in std]
        columns.append(oriented)
    total = sum(p.weight for p in parts)
    out = []
    for i in range(matrix.shape[0]):
        values = [columns[j][i] for j in range(len(parts))]
        out.append(math.nan if any(math.isnan(v) for v in values)
                   else sum(v * p.weight / total for v, p in zip(values, parts)))
    return out


@pytest.mark.parametrize("method", ["z", "minmax"])
def test_index_equals_its_definition(matrix, method):
    got = index_values(matrix, PARTS, method)
    assert got == pytest.approx(_by_definition(matrix, PARTS, method), nan_ok=True)
    assert not np.isnan(got).all()


def test_an_area_missing_a_part_has_no_index_value(matrix):
    gap = matrix.copy()
    gap[3, 1] = math.nan
    got = index_values(gap, PARTS, "z")
    assert math.isnan(got[3])
    assert got == pytest.approx(_by_definition(gap, PARTS, "z"), nan_ok=True)


@pytest.mark.parametrize("parts, message", [
    ([Part("a")], "2 bis 15"),
    ([Part("a"), Part("a")], "doppelt"),
    ([Part("a"), Part("b", 0.0)], "größer als 0"),
    ([Part("a"), Part("b", 1.0, 0)], "+1 oder −1"),
])
def test_bad_parts_are_refused_in_german(matrix, parts, message):
    with pytest.raises(IndexProblem, match=message.replace("+", r"\+")):
        index_values(matrix[:, :len(parts)], parts, "z")


def test_a_part_without_spread_is_named(matrix):
    flat = matrix.copy()
    flat[:, 2] = 7.0
    with pytest.raises(IndexProblem, match="Teil 3 hat in allen Gebieten denselben Wert"):
        standardise(flat)


def test_ranks_put_the_highest_first_and_share_ties():
    assert ranks(np.array([3.0, 9.0, 3.0, 1.0]))[0].tolist() == [2, 1, 2, 4]


def test_quantile_classes_follow_the_quantiles():
    values = np.arange(1.0, 11.0)
    classes = quantile_classes(values, 5)[0]
    bounds = np.quantile(values, [0.2, 0.4, 0.6, 0.8])
    expected = [sum(v > b for b in bounds) for v in values]
    assert classes.tolist() == expected


def test_robustness_is_reproducible_and_brackets_the_chosen_rank(matrix):
    oriented = np.column_stack([
        (matrix[:, j] - np.nanmean(matrix[:, j])) / np.nanstd(matrix[:, j]) * p.direction
        for j, p in enumerate(PARTS)])
    weights = [p.weight for p in PARTS]
    first = robustness(oriented, weights, draws=400, seed=7)
    again = robustness(oriented, weights, draws=400, seed=7)
    other = robustness(oriented, weights, draws=400, seed=8)
    assert np.array_equal(first.rank_low, again.rank_low, equal_nan=True)
    assert np.array_equal(first.rank_high, again.rank_high, equal_nan=True)
    assert not np.array_equal(first.class_share, other.class_share, equal_nan=True)
    index = index_values(matrix, PARTS, "z")
    order = sorted(range(len(index)), key=lambda i: -index[i])
    expected_rank = {i: order.index(i) + 1 for i in range(len(index))}
    for i in range(len(index)):
        assert first.rank[i] == expected_rank[i]
        assert 1 <= first.rank_low[i] <= first.rank_high[i] <= len(index)


def test_leaving_out_the_only_part_that_separates_two_areas_moves_them(matrix):
    """Leave-one-out ranks equal the ranks of the index without that part."""
    oriented = np.column_stack([
        (matrix[:, j] - np.nanmean(matrix[:, j])) / np.nanstd(matrix[:, j]) * p.direction
        for j, p in enumerate(PARTS)])
    result = robustness(oriented, [p.weight for p in PARTS], draws=0)
    for j in range(len(PARTS)):
        rest = [p for i, p in enumerate(PARTS) if i != j]
        scores = oriented[:, [i for i in range(len(PARTS)) if i != j]] @ (
            np.array([p.weight for p in rest]) / sum(p.weight for p in rest))
        rank = ranks(scores)[0]
        assert (result.drop_low <= rank).all() and (rank <= result.drop_high).all()


def test_similar_areas_are_the_nearest_by_the_definition(matrix, data):
    row = 0
    z = [[(v - statistics.fmean(col)) / statistics.pstdev(col) for v in col]
         for col in matrix.T.tolist()]
    distances = []
    for other in range(matrix.shape[0]):
        if other != row:
            diffs = [(z[j][other] - z[j][row]) ** 2 for j in range(len(z))]
            distances.append((math.sqrt(sum(diffs) / len(diffs)), other))
    expected = [other for _, other in sorted(distances)[:5]]
    got = similar(matrix, row, count=5)
    assert [n.row for n in got] == expected
    assert got[0].distance == pytest.approx(sorted(distances)[0][0])
    biggest = got[0].differences[0]
    assert abs(biggest[1]) == pytest.approx(max(abs(z[j][got[0].row] - z[j][row])
                                                for j in range(len(z))))


@pytest.mark.parametrize("k", [3, 5])
def test_types_cover_every_area_and_are_named_by_their_profile(matrix, k):
    result = typology(matrix, k)
    assert result.k == k
    assert sorted(set(result.labels.tolist()) - {0}) == list(range(1, k + 1))
    sizes = [(result.labels == t).sum() for t in range(1, k + 1)]
    assert sizes == sorted(sizes, reverse=True)
    z = standardise(matrix)
    for t in range(1, k + 1):
        members = z[result.labels == t]
        assert result.profiles[t - 1] == pytest.approx(members.mean(axis=0))
        top = result.distinctive[t - 1][0]
        assert abs(top[1]) == pytest.approx(np.abs(members.mean(axis=0)).max())
    few = matrix.shape[0] < 5 * k  # 22 Kreise are few for 5 types, enough for 3
    assert (f"Nur {matrix.shape[0]} Gebiete" in result.caveat) == few


def test_types_refuse_a_bad_count(matrix):
    with pytest.raises(IndexProblem, match="3 bis 7"):
        typology(matrix, 9)
