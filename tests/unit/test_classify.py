import re
from itertools import pairwise

import mapclassify
import numpy as np
import pytest
from numpy.testing import assert_allclose

from atlas import palettes
from atlas.classify import CLASS_COUNTS, SCHEMES, classify, std_multiples

AUTOMATIC = ["quantiles", "equal_interval", "natural_breaks", "std_mean"]
HEX = re.compile(r"^#[0-9a-f]{6}$")


@pytest.fixture(scope="module")
def sgb2(data):
    values = data.table("sgb2_quote", 2021)["value"].to_numpy()
    assert len(values) == 22 and not np.isnan(values).any()
    return values


def reference(values, scheme, k):
    if scheme == "quantiles":
        return mapclassify.Quantiles(values, k=k)
    if scheme == "equal_interval":
        return mapclassify.EqualInterval(values, k=k)
    if scheme == "natural_breaks":
        return mapclassify.FisherJenks(values, k=k)
    return mapclassify.StdMean(values, multiples=list(std_multiples(k)))


def assert_consistent(result, values):
    """Bounds chain up, every value lies in its class, counts match the index."""
    values = np.asarray(values, dtype=float)
    present = values[np.isfinite(values)]
    assert result.k == len(result.bounds) == len(result.counts)
    assert sum(result.counts) == present.size
    assert result.missing == values.size - present.size
    uppers = [hi for _, hi in result.bounds]
    assert uppers == sorted(uppers) and len(set(uppers)) == len(uppers)
    assert result.bounds[0][0] == min(present.min(), uppers[0])
    for (_, prev_hi), (lo, _) in pairwise(result.bounds):
        assert lo == prev_hi
    assert uppers[-1] >= present.max()
    for value, cls in zip(values, result.index):
        if not np.isfinite(value):
            assert cls == -1
            continue
        lo, hi = result.bounds[cls]
        assert value <= hi and (value > lo or (cls == 0 and value >= lo))
    assert list(result.counts) == [result.index.count(i) for i in range(result.k)]
    assert len(result.labels(1, "%")) == result.k


def test_quantile_breaks_equal_mapclassify(data):
    values = data.table("sgb2_quote", 2021)["value"].to_numpy()
    result = classify(values, k=5)
    reference = mapclassify.Quantiles(values, k=5)
    assert_allclose([hi for _, hi in result.bounds], reference.bins)
    assert list(result.counts) == list(reference.counts)
    assert sum(result.counts) == 22


@pytest.mark.parametrize("k", CLASS_COUNTS)
@pytest.mark.parametrize("scheme", AUTOMATIC)
def test_every_scheme_equals_mapclassify_on_real_data(sgb2, scheme, k):
    result = classify(sgb2, k=k, scheme=scheme)
    expected = reference(sgb2, scheme, k)
    assert result.scheme == scheme
    assert_allclose([hi for _, hi in result.bounds], expected.bins)
    assert list(result.counts) == list(expected.counts)
    assert list(result.index) == list(expected.yb)
    assert sum(result.counts) == 22
    assert_consistent(result, sgb2)
    if scheme != "std_mean":
        assert result.k == k and result.note == ""
        assert result.bounds[0][0] == sgb2.min()


def test_scheme_labels_are_german():
    assert SCHEMES == {
        "quantiles": "Quantile",
        "equal_interval": "Gleiche Intervalle",
        "natural_breaks": "Natürliche Unterbrechungen (Fisher-Jenks)",
        "std_mean": "Standardabweichung um den Mittelwert",
        "manual": "Manuelle Grenzen",
    }


def test_default_is_five_quantiles(sgb2):
    assert classify(sgb2) == classify(sgb2, k=5, scheme="quantiles")


def test_natural_breaks_are_deterministic(sgb2):
    assert classify(sgb2, 6, "natural_breaks") == classify(sgb2, 6, "natural_breaks")


def test_std_multiples_are_one_deviation_apart_and_symmetric():
    assert std_multiples(4) == (-1, 0, 1)
    assert std_multiples(5) == (-1.5, -0.5, 0.5, 1.5)
    for k in (2, *CLASS_COUNTS):
        m = std_multiples(k)
        assert len(m) == k - 1
        assert_allclose(m, [-x for x in reversed(m)])
        assert_allclose(np.diff(m), 1.0)


def test_std_mean_bounds_are_mean_plus_multiples(sgb2):
    mean, sd = sgb2.mean(), sgb2.std(ddof=1)
    result = classify(sgb2, k=4, scheme="std_mean")
    assert_allclose([hi for _, hi in result.bounds][:3], [mean - sd, mean, mean + sd])
    assert result.bounds[-1][1] == sgb2.max()


def test_std_mean_without_top_class_says_so():
    values = [1.0, 2.0, 2.5, 3.0, 3.0, 3.0, 3.5, 4.0, 5.0]  # nothing above mean + 2,5 sd
    result = classify(values, k=7, scheme="std_mean")
    assert result.k == 6
    assert "6 statt 7" in result.note and "2,5 Standardabweichungen" in result.note
    assert result.counts[0] == 0  # empty lowest class, below the minimum
    assert result.labels(1)[0].startswith("bis ")
    assert_consistent(result, values)


def test_empty_classes_with_equal_intervals(sgb2):
    result = classify(sgb2, k=6, scheme="equal_interval")
    assert 0 in result.counts
    assert_consistent(result, sgb2)
    lo, hi = result.bounds[result.counts.index(0)]
    assert lo < hi
    skewed = [1.0, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 50.0]
    result = classify(skewed, k=7, scheme="equal_interval")
    assert result.counts == (7, 0, 0, 0, 0, 0, 1)
    assert_consistent(result, skewed)


@pytest.mark.parametrize(
    ("breaks", "counts", "note"),
    [
        ([5, 8], (5, 10, 7), "zusätzliche Klasse"),
        ([4.5, 6, 8, 10, 12.65], None, ""),
        ([20, 30], (22, 0), ""),
        ([1, 2], (0, 0, 22), "zusätzliche Klasse"),
        ([5, 8, 9, 9.2, 20], (5, 10, 3, 0, 4), ""),
    ],
)
def test_manual_breaks_equal_user_defined(sgb2, breaks, counts, note):
    result = classify(sgb2, scheme="manual", breaks=breaks)
    expected = mapclassify.UserDefined(sgb2, bins=breaks)
    assert_allclose([hi for _, hi in result.bounds], expected.bins)
    assert list(result.counts) == list(expected.counts)
    if counts is not None:
        assert result.counts == counts
    assert (note in result.note) if note else result.note == ""
    assert sum(result.counts) == 22
    assert_consistent(result, sgb2)


def test_manual_ignores_k_and_accepts_numpy_numbers(sgb2):
    result = classify(sgb2, k=3, scheme="manual", breaks=np.array([5.0, 8.0, 13.0]))
    assert result.k == 3 and result.counts == (5, 10, 7)
    assert classify(sgb2, scheme="manual", breaks=[np.int64(5), 8.0]).k == 3


@pytest.mark.parametrize(
    ("breaks", "message"),
    [
        ([5, 4], r"aufsteigend sortiert.*Grenze Nr\. 2 \(4\).*Grenze Nr\. 1 \(5\)"),
        ([3, 5, 5], r"aufsteigend sortiert.*Grenze Nr\. 3 \(5\)"),
        ([1, 2.5, 2], r"Grenze Nr\. 3 \(2\) ist nicht größer als Grenze Nr\. 2 \(2,5\)"),
        ([1, "x", 3], r"Ungültige Klassengrenze Nr\. 2 \('x'\): keine endliche Zahl"),
        (["5"], r"Klassengrenze Nr\. 1 \('5'\)"),
        ([1, float("nan")], r"Klassengrenze Nr\. 2 \(nan\)"),
        ([1, None], r"Klassengrenze Nr\. 2 \(None\)"),
        ([True, 2], r"Klassengrenze Nr\. 1 \(True\)"),
        ([], r"Liste oberer Klassengrenzen"),
        (None, r"Liste oberer Klassengrenzen"),
        ("5,8", r"Liste oberer Klassengrenzen"),
        (list(range(8)), r"Zu viele Klassengrenzen \(8\)"),
    ],
)
def test_manual_breaks_are_validated(sgb2, breaks, message):
    with pytest.raises(ValueError, match=message):
        classify(sgb2, scheme="manual", breaks=breaks)


def test_manual_breaks_may_not_make_more_than_seven_classes(sgb2):
    with pytest.raises(ValueError, match="ergeben 8 Klassen; höchstens 7"):
        classify(sgb2, scheme="manual", breaks=[4, 5, 6, 7, 8, 9, 10])  # + class up to 12,65
    assert classify(sgb2, scheme="manual", breaks=[4, 5, 6, 7, 8, 9, 13]).k == 7


def test_validation_happens_even_without_data():
    with pytest.raises(ValueError, match="aufsteigend"):
        classify([np.nan, np.nan], scheme="manual", breaks=[2, 1])
    with pytest.raises(ValueError, match="Klassenzahl"):
        classify([], k=2)


def test_breaks_only_with_manual_scheme(sgb2):
    with pytest.raises(ValueError, match="nur beim Verfahren „manual“"):
        classify(sgb2, scheme="quantiles", breaks=[5, 8])


@pytest.mark.parametrize("k", [0, 1, 2, 8, 9, 5.0, True, "5", None])
@pytest.mark.parametrize("scheme", AUTOMATIC)
def test_invalid_class_count_lists_valid_values(sgb2, scheme, k):
    with pytest.raises(ValueError, match=r"^Ungültige Klassenzahl .*: erlaubt sind 3, 4, 5, 6, 7$"):
        classify(sgb2, k=k, scheme=scheme)


def test_unknown_scheme_lists_valid_schemes(sgb2):
    with pytest.raises(ValueError, match="Klassifikationsverfahren „jenks“: erlaubt sind quantiles"):
        classify(sgb2, scheme="jenks")


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


@pytest.mark.parametrize("scheme", AUTOMATIC)
def test_degenerate_data_never_crash(scheme):
    nothing = classify([np.nan, np.nan, np.inf], k=5, scheme=scheme)
    assert (nothing.k, nothing.bounds, nothing.counts, nothing.missing) == (0, (), (), 3)
    assert nothing.index == (-1, -1, -1) and "Keine Werte" in nothing.note
    empty = classify([], k=5, scheme=scheme)
    assert empty.k == 0 and empty.index == ()

    single = classify([3.0, np.nan, 3.0], k=5, scheme=scheme)
    assert single.k == 1 and single.bounds == ((3.0, 3.0),) and single.counts == (2,)
    assert single.index == (0, -1, 0) and "eine Klasse" in single.note

    values = [1.0, 1.0, np.nan, 2.0, 2.0, 2.0]
    two = classify(values, k=5, scheme=scheme)
    assert two.k == 2 and two.counts == (2, 3) and "2 statt 5" in two.note
    assert_consistent(two, values)

    values = [0.0] * 8 + [1.0, 2.0, 3.0, 4.0]  # enough distinct values, but many ties
    tied = classify(values, k=4, scheme=scheme)
    assert_consistent(tied, values)
    assert tied.k == 4 or "statt 4" in tied.note


def test_quantile_ties_report_the_real_number_of_classes():
    values = [1.0] * 6 + [2.0, 3.0, 4.0]
    result = classify(values, k=4)
    assert result.k == len(result.bounds) == 3  # mapclassify's own k says 4
    assert "3 statt 4" in result.note
    assert_consistent(result, values)


def test_degenerate_data_with_manual_breaks():
    nothing = classify([np.nan], scheme="manual", breaks=[1, 2])
    assert nothing.k == 0 and nothing.missing == 1
    single = classify([3.0, 3.0], scheme="manual", breaks=[1, 2])
    assert single.k == 1 and single.counts == (2,)
    values = [1.0, 1.0, 2.0]
    two = classify(values, scheme="manual", breaks=[1, 1.5, 3, 4])
    assert two.counts == (2, 0, 1, 0) and two.note == ""
    assert_consistent(two, values)


def test_labels_are_german():
    result = classify([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], scheme="manual", breaks=[0.5, 3, 7])
    assert result.labels(1, "%") == ["bis 0,5 % (0)", "0,5 – 3,0 % (3)", "3,0 – 7,0 % (3)"]


# --- palettes ---------------------------------------------------------------------------------


def luminance(colour):
    """WCAG relative luminance of ``#rrggbb``."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def warm(colour):
    return int(colour[1:3], 16) > int(colour[5:7], 16)


def cool(colour):
    return int(colour[5:7], 16) > int(colour[1:3], 16)


ALL_PALETTES = {**palettes.SEQUENTIAL, **palettes.DIVERGING}


def test_palette_names_and_labels():
    assert set(palettes.SEQUENTIAL) >= {"OrRd", "PuBu", "YlOrBr", "Purples", "Blues", "Greens"}
    assert set(palettes.DIVERGING) == {"RdBu", "PuOr", "BrBG"}
    assert not set(palettes.SEQUENTIAL) & set(palettes.DIVERGING)
    assert set(palettes.PALETTE_LABELS) == set(ALL_PALETTES)
    assert palettes.PALETTE_LABELS["OrRd"] == "Orange–Rot"
    assert palettes.PALETTE_LABELS["RdBu"] == "Rot–Blau (divergierend)"
    assert all("divergierend" in palettes.PALETTE_LABELS[n] for n in palettes.DIVERGING)
    assert "Greys" not in ALL_PALETTES  # would clash with the grey of missing regions


@pytest.mark.parametrize("name", sorted(ALL_PALETTES))
def test_every_palette_has_k_valid_hex_colours(name):
    scheme = ALL_PALETTES[name]
    assert set(CLASS_COUNTS) <= set(scheme)
    for k, colours in scheme.items():
        assert len(colours) == k
        assert all(HEX.match(c) for c in colours), colours
        assert len(set(colours)) == k
        assert palettes.MISSING_COLOUR not in colours


@pytest.mark.parametrize("name", sorted(palettes.SEQUENTIAL))
def test_sequential_palettes_darken_monotonically(name):
    for k in CLASS_COUNTS:
        lum = [luminance(c) for c in palettes.SEQUENTIAL[name][k]]
        assert all(a > b for a, b in pairwise(lum)), (name, k, lum)


@pytest.mark.parametrize("name", sorted(palettes.DIVERGING))
def test_diverging_palettes_are_light_in_the_middle_warm_first(name):
    for k, colours in palettes.DIVERGING[name].items():
        lum = [luminance(c) for c in colours]
        half = k // 2
        warm_side, cool_side = lum[:half], lum[k - half:]
        assert warm_side == sorted(warm_side) and cool_side == sorted(cool_side, reverse=True)
        if k % 2:
            assert lum[half] > max(warm_side[-1], cool_side[0])
        assert all(warm(c) for c in colours[:half]) and all(cool(c) for c in colours[k - half:])
        if k % 2:
            assert colours[half] == palettes.DIVERGING[name][3][1]  # the same neutral
        else:  # the even list is the odd one without its neutral centre
            odd = palettes.DIVERGING[name].get(k + 1)
            if odd:
                assert odd[:half] + odd[half + 1:] == colours


def test_canonical_colorbrewer_values():
    # spot checks against ColorBrewer's colorbrewer_schemes.js (class-specific lists)
    assert palettes.SEQUENTIAL["OrRd"][5] == ["#fef0d9", "#fdcc8a", "#fc8d59", "#e34a33", "#b30000"]
    assert palettes.SEQUENTIAL["YlOrBr"][3] == ["#fff7bc", "#fec44f", "#d95f0e"]
    assert palettes.SEQUENTIAL["Purples"][7][-1] == "#4a1486"
    assert palettes.DIVERGING["RdBu"][5] == ["#ca0020", "#f4a582", "#f7f7f7", "#92c5de", "#0571b0"]
    assert palettes.DIVERGING["PuOr"][4] == ["#e66101", "#fdb863", "#b2abd2", "#5e3c99"]
    assert palettes.DIVERGING["BrBG"][3] == ["#d8b365", "#f5f5f5", "#5ab4ac"]


def test_darker_means_more_risk_for_both_polarities():
    risk = palettes.class_colours("risk", 5)
    protective = palettes.class_colours("protective", 5)
    assert risk[-1] == protective[0]  # darkest colour: highest risk value / lowest protective value
    with pytest.raises(ValueError, match="Klassenzahl"):
        palettes.class_colours("risk", 9)


def test_class_colours_default_is_unchanged():
    assert palettes.class_colours("risk", 5) == palettes.SEQUENTIAL["OrRd"][5]
    assert palettes.class_colours("neutral", 4) == palettes.SEQUENTIAL["PuBu"][4]
    assert palettes.class_colours("protective", 3) == palettes.SEQUENTIAL["OrRd"][3][::-1]
    assert palettes.class_colours("risk", 6, None) == palettes.class_colours("risk", 6)


@pytest.mark.parametrize("k", CLASS_COUNTS)
def test_class_colours_with_a_named_palette(k):
    assert palettes.class_colours("neutral", k, "Greens") == palettes.SEQUENTIAL["Greens"][k]
    assert palettes.class_colours("protective", k, "Blues") == palettes.SEQUENTIAL["Blues"][k][::-1]
    for name in palettes.DIVERGING:
        risk = palettes.class_colours("risk", k, name)
        protective = palettes.class_colours("protective", k, name)
        assert warm(risk[-1]) and cool(risk[0])  # risk: high = warm end
        assert cool(protective[-1]) and warm(protective[0])  # protective: high = cool end
        assert protective == risk[::-1] == palettes.DIVERGING[name][k]
        assert palettes.class_colours("neutral", k, name) == risk


def test_class_colours_rejects_unknown_palette_and_k():
    with pytest.raises(ValueError, match="Unbekannte Farbpalette „Jet“: erlaubt sind OrRd"):
        palettes.class_colours("risk", 5, "Jet")
    with pytest.raises(ValueError, match="erlaubt sind 3, 4, 5, 6, 7"):
        palettes.class_colours("risk", 8, "RdBu")  # 8..11 exist only for the centring helper


# --- diverging palette centred on the reference -----------------------------------------------

FIVE = [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5)]


def test_centre_in_middle_class_gives_the_k_class_list():
    assert palettes.diverging_centre_classes(FIVE, 2.5) == palettes.class_colours("risk", 5, "RdBu")
    assert palettes.diverging_centre_classes(FIVE, 2.5, "protective", "PuOr") == (
        palettes.DIVERGING["PuOr"][5])


def test_centre_on_a_bound_gives_no_neutral_class():
    four = FIVE[:4]
    assert palettes.diverging_centre_classes(four, 2) == palettes.class_colours("risk", 4, "RdBu")
    assert palettes.diverging_centre_classes([(0, 1), (1, 2)], 1) == ["#67a9cf", "#ef8a62"]


def test_off_centre_reference_keeps_shades_symmetric():
    # reference in class 2 of 5: one class below, three above → window of the 7-class list
    colours = palettes.diverging_centre_classes(FIVE, 1.5)
    rdbu7 = palettes.DIVERGING["RdBu"][7]  # warm … neutral … cool
    assert colours == [rdbu7[4], rdbu7[3], rdbu7[2], rdbu7[1], rdbu7[0]]
    assert colours[1] == "#f7f7f7"
    # the class right below and right above the neutral one are equally light
    mirrored = palettes.diverging_centre_classes(FIVE, 3.5)
    assert mirrored[3] == "#f7f7f7" and mirrored[2] == colours[0]
    # reference below all classes: everything on the risk side, lightest first
    above = palettes.diverging_centre_classes(FIVE, -1)
    assert above == palettes.DIVERGING["RdBu"][10][:5][::-1]


@pytest.mark.parametrize("name", sorted(palettes.DIVERGING))
@pytest.mark.parametrize("polarity", ["risk", "protective", "neutral"])
@pytest.mark.parametrize("k", CLASS_COUNTS)
def test_classes_below_and_above_take_different_hues(name, polarity, k):
    bounds = [(i, i + 1) for i in range(k)]
    neutral = palettes.DIVERGING[name][3][1]
    for centre in np.arange(0.5, k, 0.5):
        if max(np.floor(centre), k - np.ceil(centre)) > 5:
            continue  # a side with more than 5 shades: sequential fallback (tested below)
        colours = palettes.diverging_centre_classes(bounds, centre, polarity, name)
        assert len(colours) == k and len(set(colours)) == k
        above_is_warm = polarity != "protective"
        for (lo, hi), colour in zip(bounds, colours):
            if lo < centre < hi:
                assert colour == neutral
            elif hi <= centre:
                assert cool(colour) if above_is_warm else warm(colour)
            else:
                assert warm(colour) if above_is_warm else cool(colour)
        lum = [luminance(c) for c in colours]
        below = [x for (lo, hi), x in zip(bounds, lum) if hi <= centre]
        above = [x for (lo, hi), x in zip(bounds, lum) if lo >= centre]
        assert below == sorted(below) and above == sorted(above, reverse=True)  # darker outwards


def test_centre_far_outside_falls_back_to_sequential():
    seven = [(i, i + 1) for i in range(7)]
    assert palettes.diverging_centre_classes(seven, -5) == palettes.class_colours("risk", 7)
    assert palettes.diverging_centre_classes(seven, 0.5) == palettes.class_colours("risk", 7)
    assert len(set(palettes.diverging_centre_classes(seven, 1.5))) == 7  # 1 below, 5 above


def test_centre_helper_degenerate_and_invalid_input():
    assert palettes.diverging_centre_classes([], 3) == []
    assert palettes.diverging_centre_classes([(3, 3)], 3) == ["#f7f7f7"]
    assert palettes.diverging_centre_classes([(3, 3)], 1) == ["#ef8a62"]
    with pytest.raises(ValueError, match="Kein Bezugswert"):
        palettes.diverging_centre_classes(FIVE, float("nan"))
    with pytest.raises(ValueError, match="keine divergierende Palette"):
        palettes.diverging_centre_classes(FIVE, 2.5, palette="OrRd")
    with pytest.raises(ValueError, match="aufsteigend"):
        palettes.diverging_centre_classes(FIVE[::-1], 2.5)


@pytest.mark.parametrize("scheme", AUTOMATIC)
def test_centre_helper_on_real_classes(data, sgb2, scheme):
    centre = data.reference("sgb2_quote", 2021).value
    assert sgb2.min() < centre < sgb2.max()
    result = classify(sgb2, k=5, scheme=scheme)
    colours = palettes.diverging_centre_classes(result.bounds, centre)
    assert len(colours) == result.k
    for (lo, hi), colour in zip(result.bounds, colours):
        if hi <= centre:
            assert cool(colour)
        elif lo >= centre:
            assert warm(colour)
        else:
            assert colour == "#f7f7f7"
