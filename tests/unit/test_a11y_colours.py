"""Issue #18: the map's colours for everyone. „keine Daten“ differs from every class colour of
every palette also under simulated protanopia, deuteranopia and tritanopia, and the areas'
borders stand out from the page and the palest classes (WCAG 1.4.11: 3:1)."""

from __future__ import annotations

import itertools

import pytest

from atlas import colourvision, missing, palettes, spatial

SEEING = [None, *colourvision.DEFICIENCIES]


def _class_colours() -> set[tuple[str, str]]:
    return {(name, colour) for scheme in (palettes.SEQUENTIAL, palettes.DIVERGING)
            for name, lists in scheme.items() for colours in lists.values() for colour in colours}


def test_the_colour_science_reproduces_published_values():
    # Sharma, Wu and Dalal (2005), table 1, pair 1
    assert colourvision.delta_e((50, 2.6772, -79.7751), (50, 0, -82.7485)) == \
        pytest.approx(2.0425, abs=1e-4)
    assert colourvision.contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert colourvision.simulate("#808080", "protanopie") == \
        pytest.approx(colourvision.linear_rgb("#808080"), abs=2e-3)  # greys stay grey


@pytest.mark.parametrize("seeing", SEEING)
def test_keine_daten_differs_from_every_class_colour(seeing):
    too_close = [(name, colour, round(colourvision.difference(
        palettes.MISSING_COLOUR, colour, seeing), 1)) for name, colour in sorted(_class_colours())
        if colourvision.difference(palettes.MISSING_COLOUR, colour, seeing)
        < palettes.MIN_MISSING_DELTA_E]
    assert too_close == [], f"{seeing or 'normal'}: ΔE < {palettes.MIN_MISSING_DELTA_E}"


@pytest.mark.parametrize("seeing", SEEING)
def test_the_reasons_without_a_value_differ_from_each_other(seeing):
    for one, other in itertools.combinations(missing.REASONS, 2):
        assert colourvision.difference(one.colour, other.colour, seeing) >= \
            palettes.MIN_MISSING_DELTA_E, (one.key, other.key)


@pytest.mark.parametrize("seeing", SEEING)
@pytest.mark.parametrize("reason", [r for r in missing.REASONS if r is not missing.PROTECTED],
                         ids=lambda r: r.key)
def test_every_other_reason_differs_from_every_class_colour(seeing, reason):
    too_close = [(name, colour) for name, colour in sorted(_class_colours())
                 if colourvision.difference(reason.colour, colour, seeing)
                 < palettes.MIN_MISSING_DELTA_E]
    assert too_close == [], f"{reason.key}, {seeing or 'normal'}"


def test_protected_areas_are_marked_by_their_outline():
    # light grey like the palest classes, so the outline tells them apart (WCAG 1.4.11: 3:1
    # against the fill and the page)
    assert colourvision.contrast_ratio(missing.PROTECTED_OUTLINE, palettes.PROTECTED_COLOUR) >= 3
    assert colourvision.contrast_ratio(missing.PROTECTED_OUTLINE, "#ffffff") >= 3


def test_the_one_missing_colour_is_used_by_the_cluster_map():
    assert spatial.CLUSTER_COLOURS[spatial.NO_DATA] == palettes.MISSING_COLOUR
    assert missing.NO_DATA.colour == palettes.MISSING_COLOUR


def test_borders_have_3_to_1_against_the_page_and_the_palest_classes():
    assert colourvision.contrast_ratio(palettes.OUTLINE_COLOUR, "#ffffff") >= 3
    palest = {colours[0] for lists in palettes.SEQUENTIAL.values() for colours in lists.values()}
    palest.add(palettes.PROTECTED_COLOUR)
    for colour in palest:
        assert colourvision.contrast_ratio(palettes.OUTLINE_COLOUR, colour) >= 3, colour
