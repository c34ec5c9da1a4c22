"""Colour palettes: one place.

ColorBrewer schemes (Cynthia Brewer, Mark Harrower and The Pennsylvania State University, Apache
License 2.0), all flagged colour-blind safe by ColorBrewer, in their class-count-specific
variants (values as in ColorBrewer's ``colorbrewer_schemes.js``, cross-checked against
d3-scale-chromatic; the 9/11-class lists also against ``plotly.colors.colorbrewer``).

Not offered although colour-blind safe: "Greys" (clashes with the grey of regions without data),
the other ColorBrewer schemes for brevity. Diverging schemes that ColorBrewer does not flag as
colour-blind safe (RdYlGn, Spectral, RdGy) are left out on purpose.
"""

from __future__ import annotations

import math

#: Numbers of classes a map may have (see ``atlas.classify.CLASS_COUNTS``).
CLASS_COUNTS = (3, 4, 5, 6, 7)

#: ColorBrewer sequential schemes, light → dark, per number of classes.
SEQUENTIAL: dict[str, dict[int, list[str]]] = {
    "OrRd": {
        3: ["#fee8c8", "#fdbb84", "#e34a33"],
        4: ["#fef0d9", "#fdcc8a", "#fc8d59", "#d7301f"],
        5: ["#fef0d9", "#fdcc8a", "#fc8d59", "#e34a33", "#b30000"],
        6: ["#fef0d9", "#fdd49e", "#fdbb84", "#fc8d59", "#e34a33", "#b30000"],
        7: ["#fef0d9", "#fdd49e", "#fdbb84", "#fc8d59", "#ef6548", "#d7301f", "#990000"],
    },
    "PuBu": {
        3: ["#ece7f2", "#a6bddb", "#2b8cbe"],
        4: ["#f1eef6", "#bdc9e1", "#74a9cf", "#0570b0"],
        5: ["#f1eef6", "#bdc9e1", "#74a9cf", "#2b8cbe", "#045a8d"],
        6: ["#f1eef6", "#d0d1e6", "#a6bddb", "#74a9cf", "#2b8cbe", "#045a8d"],
        7: ["#f1eef6", "#d0d1e6", "#a6bddb", "#74a9cf", "#3690c0", "#0570b0", "#034e7b"],
    },
    "YlOrBr": {
        3: ["#fff7bc", "#fec44f", "#d95f0e"],
        4: ["#ffffd4", "#fed98e", "#fe9929", "#cc4c02"],
        5: ["#ffffd4", "#fed98e", "#fe9929", "#d95f0e", "#993404"],
        6: ["#ffffd4", "#fee391", "#fec44f", "#fe9929", "#d95f0e", "#993404"],
        7: ["#ffffd4", "#fee391", "#fec44f", "#fe9929", "#ec7014", "#cc4c02", "#8c2d04"],
    },
    "YlGnBu": {
        3: ["#edf8b1", "#7fcdbb", "#2c7fb8"],
        4: ["#ffffcc", "#a1dab4", "#41b6c4", "#225ea8"],
        5: ["#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"],
        6: ["#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494"],
        7: ["#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84"],
    },
    "Blues": {
        3: ["#deebf7", "#9ecae1", "#3182bd"],
        4: ["#eff3ff", "#bdd7e7", "#6baed6", "#2171b5"],
        5: ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"],
        6: ["#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"],
        7: ["#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#084594"],
    },
    "Greens": {
        3: ["#e5f5e0", "#a1d99b", "#31a354"],
        4: ["#edf8e9", "#bae4b3", "#74c476", "#238b45"],
        5: ["#edf8e9", "#bae4b3", "#74c476", "#31a354", "#006d2c"],
        6: ["#edf8e9", "#c7e9c0", "#a1d99b", "#74c476", "#31a354", "#006d2c"],
        7: ["#edf8e9", "#c7e9c0", "#a1d99b", "#74c476", "#41ab5d", "#238b45", "#005a32"],
    },
    "Purples": {
        3: ["#efedf5", "#bcbddc", "#756bb1"],
        4: ["#f2f0f7", "#cbc9e2", "#9e9ac8", "#6a51a3"],
        5: ["#f2f0f7", "#cbc9e2", "#9e9ac8", "#756bb1", "#54278f"],
        6: ["#f2f0f7", "#dadaeb", "#bcbddc", "#9e9ac8", "#756bb1", "#54278f"],
        7: ["#f2f0f7", "#dadaeb", "#bcbddc", "#9e9ac8", "#807dba", "#6a51a3", "#4a1486"],
    },
}

#: ColorBrewer diverging schemes in ColorBrewer order: warm end first (red / orange / brown),
#: neutral light centre at odd k, cool end last (blue / purple / blue-green). Maps use k = 3..7;
#: the 8..11-class lists are only used by :func:`diverging_centre_classes`.
DIVERGING: dict[str, dict[int, list[str]]] = {
    "RdBu": {
        3: ["#ef8a62", "#f7f7f7", "#67a9cf"],
        4: ["#ca0020", "#f4a582", "#92c5de", "#0571b0"],
        5: ["#ca0020", "#f4a582", "#f7f7f7", "#92c5de", "#0571b0"],
        6: ["#b2182b", "#ef8a62", "#fddbc7", "#d1e5f0", "#67a9cf", "#2166ac"],
        7: ["#b2182b", "#ef8a62", "#fddbc7", "#f7f7f7", "#d1e5f0", "#67a9cf", "#2166ac"],
        8: ["#b2182b", "#d6604d", "#f4a582", "#fddbc7", "#d1e5f0", "#92c5de", "#4393c3", "#2166ac"],
        9: ["#b2182b", "#d6604d", "#f4a582", "#fddbc7", "#f7f7f7",
            "#d1e5f0", "#92c5de", "#4393c3", "#2166ac"],
        10: ["#67001f", "#b2182b", "#d6604d", "#f4a582", "#fddbc7",
             "#d1e5f0", "#92c5de", "#4393c3", "#2166ac", "#053061"],
        11: ["#67001f", "#b2182b", "#d6604d", "#f4a582", "#fddbc7", "#f7f7f7",
             "#d1e5f0", "#92c5de", "#4393c3", "#2166ac", "#053061"],
    },
    "PuOr": {
        3: ["#f1a340", "#f7f7f7", "#998ec3"],
        4: ["#e66101", "#fdb863", "#b2abd2", "#5e3c99"],
        5: ["#e66101", "#fdb863", "#f7f7f7", "#b2abd2", "#5e3c99"],
        6: ["#b35806", "#f1a340", "#fee0b6", "#d8daeb", "#998ec3", "#542788"],
        7: ["#b35806", "#f1a340", "#fee0b6", "#f7f7f7", "#d8daeb", "#998ec3", "#542788"],
        8: ["#b35806", "#e08214", "#fdb863", "#fee0b6", "#d8daeb", "#b2abd2", "#8073ac", "#542788"],
        9: ["#b35806", "#e08214", "#fdb863", "#fee0b6", "#f7f7f7",
            "#d8daeb", "#b2abd2", "#8073ac", "#542788"],
        10: ["#7f3b08", "#b35806", "#e08214", "#fdb863", "#fee0b6",
             "#d8daeb", "#b2abd2", "#8073ac", "#542788", "#2d004b"],
        11: ["#7f3b08", "#b35806", "#e08214", "#fdb863", "#fee0b6", "#f7f7f7",
             "#d8daeb", "#b2abd2", "#8073ac", "#542788", "#2d004b"],
    },
    "BrBG": {
        3: ["#d8b365", "#f5f5f5", "#5ab4ac"],
        4: ["#a6611a", "#dfc27d", "#80cdc1", "#018571"],
        5: ["#a6611a", "#dfc27d", "#f5f5f5", "#80cdc1", "#018571"],
        6: ["#8c510a", "#d8b365", "#f6e8c3", "#c7eae5", "#5ab4ac", "#01665e"],
        7: ["#8c510a", "#d8b365", "#f6e8c3", "#f5f5f5", "#c7eae5", "#5ab4ac", "#01665e"],
        8: ["#8c510a", "#bf812d", "#dfc27d", "#f6e8c3", "#c7eae5", "#80cdc1", "#35978f", "#01665e"],
        9: ["#8c510a", "#bf812d", "#dfc27d", "#f6e8c3", "#f5f5f5",
            "#c7eae5", "#80cdc1", "#35978f", "#01665e"],
        10: ["#543005", "#8c510a", "#bf812d", "#dfc27d", "#f6e8c3",
             "#c7eae5", "#80cdc1", "#35978f", "#01665e", "#003c30"],
        11: ["#543005", "#8c510a", "#bf812d", "#dfc27d", "#f6e8c3", "#f5f5f5",
             "#c7eae5", "#80cdc1", "#35978f", "#01665e", "#003c30"],
    },
}

#: German names of the palettes, for menus (sequential first, then diverging).
PALETTE_LABELS: dict[str, str] = {
    "OrRd": "Orange–Rot",
    "PuBu": "Violett–Blau",
    "YlOrBr": "Gelb–Orange–Braun",
    "YlGnBu": "Gelb–Grün–Blau",
    "Blues": "Blautöne",
    "Greens": "Grüntöne",
    "Purples": "Violetttöne",
    "RdBu": "Rot–Blau (divergierend)",
    "PuOr": "Orange–Violett (divergierend)",
    "BrBG": "Braun–Blaugrün (divergierend)",
}

#: Palette per polarity: risk indicators in warm tones (dark = more risk), neutral ones in blue.
POLARITY_PALETTE = {"risk": "OrRd", "protective": "OrRd", "neutral": "PuBu"}
#: Diverging palette used by :func:`diverging_centre_classes` unless another is given.
DEFAULT_DIVERGING = "RdBu"

#: Fill of regions without a value („keine Daten“): a warm light grey, chosen so that it differs
#: from every class colour of every palette by a CIEDE2000 ΔE of at least
#: :data:`MIN_MISSING_DELTA_E`, also as seen with protanopia, deuteranopia and tritanopia
#: (atlas.colourvision; the former #a6a6a6 had ΔE 1.7 to BrBG's #5ab4ac under protanopia).
MISSING_COLOUR = "#b8a898"
MIN_MISSING_DELTA_E = 8.0
#: Areas without a value for another reason (atlas.missing), each also ΔE ≥ MIN_MISSING_DELTA_E
#: from every class colour and from each other, as seen with and without a colour vision
#: deficiency: a sum with a missing part (slate), a value the source withheld (near black, as
#: blacked out), a value the build's plausibility rules doubted (grey green). Protected small
#: numbers are light grey: no light colour is far enough from every pale class, so they are
#: marked by their dark outline (PROTECTED_OUTLINE) and named in legend, hover and table.
PROTECTED_COLOUR = "#e4e4e4"
PROTECTED_OUTLINE = "#4d4d4d"
INCOMPLETE_COLOUR = "#786c84"
SECRET_COLOUR = "#181824"
DOUBTFUL_COLOUR = "#546c54"
#: The areas' borders: a mid grey with a contrast of at least 3:1 to the white page and to the
#: palest class of every palette (WCAG 1.4.11; white borders left pale areas without an edge).
OUTLINE_COLOUR = "#767676"
SELECTED_OUTLINE = "#111111"
REFERENCE_COLOUR = "#333333"
#: The rank ranges of a Sozialindex's robustness check (ranking): a stable area's range, and
#: the range and hatching of an area whose class is unstable (dark orange, seen by all).
RANK_RANGE = "#4d4d4d"
RANK_UNSTABLE = "#b35806"

#: Line and marker of the reference in charts, per basis (:class:`atlas.data.Reference`): an
#: official Land value, a sum or a median of the regions must not look alike.
REFERENCE_STYLES = {
    "amtlich": {"line": {"color": REFERENCE_COLOUR, "width": 2.5, "dash": "dash"},
                "marker": {"symbol": "diamond", "size": 8, "color": REFERENCE_COLOUR}},
    "summe": {"line": {"color": "#7a7a7a", "width": 2, "dash": "dot"},
              "marker": {"symbol": "square-open", "size": 8, "color": "#7a7a7a"}},
    "median": {"line": {"color": REFERENCE_COLOUR, "width": 2, "dash": "longdash"},
               "marker": {"symbol": "circle-open", "size": 8, "color": REFERENCE_COLOUR}},
}

#: Line colours of selected districts in charts (Okabe–Ito, colour-blind safe).
SERIES_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00"]

#: Fills of categories without an order (the types of areas, up to 7): the Okabe–Ito colours
#: without black (colour-blind safe, none of them grey like :data:`MISSING_COLOUR`).
CATEGORY_COLOURS = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"]

#: Most shades one side of a diverging ColorBrewer scheme has (11-class lists).
_MAX_SIDE = 5


def _check_palette(palette: str) -> None:
    if palette not in SEQUENTIAL and palette not in DIVERGING:
        raise ValueError(
            f"Unbekannte Farbpalette „{palette}“: erlaubt sind {', '.join(PALETTE_LABELS)}"
        )


def _check_k(k: int) -> None:
    if isinstance(k, bool) or k not in CLASS_COUNTS:
        raise ValueError(
            f"Ungültige Klassenzahl {k!r}: erlaubt sind {', '.join(map(str, CLASS_COUNTS))}"
        )


def _diverging_low_to_high(palette: str, n: int, polarity: str) -> list[str]:
    """The n-class diverging list ordered by value, risk side warm (see :func:`class_colours`)."""
    colours = list(DIVERGING[palette][n])  # warm end first
    return colours if polarity == "protective" else colours[::-1]


def class_colours(polarity: str, k: int, palette: str | None = None) -> list[str]:
    """Colours of classes 1..k ordered by value (low → high).

    ``palette`` None: by polarity (``POLARITY_PALETTE``). Sequential palettes run light → dark;
    for protective indicators (higher = less risk) the scale is reversed, so darker always means
    more risk. Diverging palettes are oriented so that the risk side is warm: for risk (and
    neutral) indicators the highest class gets the warm end (red/orange/brown), for protective
    indicators the highest class gets the cool end (blue/purple/blue-green).
    """
    name = POLARITY_PALETTE.get(polarity, "PuBu") if palette is None else palette
    _check_palette(name)
    _check_k(k)
    if name in DIVERGING:
        return _diverging_low_to_high(name, k, polarity)
    colours = list(SEQUENTIAL[name][k])
    return colours[::-1] if polarity == "protective" else colours


def diverging_centre_classes(
    bounds, centre: float, polarity: str = "risk", palette: str = DEFAULT_DIVERGING
) -> list[str]:
    """Colours (low → high) of classes with ``bounds`` [(lower, upper), …] on a diverging palette
    centred on a reference value ``centre`` (e.g. the Thüringen value).

    Classes entirely at or below the reference (``upper <= centre``) take one hue, classes above
    it (``lower >= centre``) the other — oriented as in :func:`class_colours` (for risk indicators
    the classes above the reference are warm/red). The class containing the reference
    (``lower < centre < upper``) gets the neutral light colour; if the reference falls on a class
    bound, there is no neutral class. Shades are symmetric around the reference: the n-th class
    away from it has the same lightness on both sides, so the colours come from the ColorBrewer
    list with 2·m (+1 neutral) classes, m being the longer side, and with the reference in the
    middle class of an odd k they are exactly the k-class list.

    If one side would need more than 5 shades (only possible with 6–7 classes and the reference
    in, or beyond, an outer class) no diverging list is long enough: the result is then the
    sequential colours of :func:`class_colours` for the polarity. Raises ``ValueError`` for an
    unknown or non-diverging palette, a missing reference or unsorted bounds.
    """
    if palette not in DIVERGING:
        raise ValueError(
            f"„{palette}“ ist keine divergierende Palette: erlaubt sind {', '.join(DIVERGING)}"
        )
    if centre is None or not math.isfinite(float(centre)):
        raise ValueError("Kein Bezugswert: eine divergierende Skala braucht einen Mittelpunkt.")
    c = float(centre)
    sides = []
    for lower, upper in bounds:
        if lower < c < upper or lower == upper == c:
            sides.append(0)
        elif upper <= c:
            sides.append(-1)
        else:
            sides.append(1)
    if sides != sorted(sides) or sides.count(0) > 1:
        raise ValueError("Klassengrenzen müssen aufsteigend sortiert sein.")
    below, neutral, above = sides.count(-1), sides.count(0), sides.count(1)
    m = max(below, above)
    if m == 0:
        return [DIVERGING[palette][3][1]] * neutral
    if m > _MAX_SIDE:
        return class_colours(polarity, len(sides))
    n = max(2 * m + neutral, 3)  # two classes without a neutral one: the 3-class list's ends
    ramp = _diverging_low_to_high(palette, n, polarity)
    if n == 3 and not neutral:
        ramp = [ramp[0], ramp[2]]
    low, high = ramp[:m], ramp[len(ramp) - m:]
    return low[m - below:] + ramp[m:m + neutral] + high[:above]
