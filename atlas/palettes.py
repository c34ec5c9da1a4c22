"""Colour palettes: one place. ColorBrewer schemes (Cynthia Brewer, Penn State), all colour-blind
safe, in their class-count-specific variants."""

from __future__ import annotations

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
}

#: Palette per polarity: risk indicators in warm tones (dark = more risk), neutral ones in blue.
POLARITY_PALETTE = {"risk": "OrRd", "protective": "OrRd", "neutral": "PuBu"}

#: Fill of regions without a value: a mid grey, distinct from every class colour.
MISSING_COLOUR = "#a6a6a6"
OUTLINE_COLOUR = "#ffffff"
SELECTED_OUTLINE = "#111111"
REFERENCE_COLOUR = "#333333"

#: Line colours of selected districts in charts (Okabe–Ito, colour-blind safe).
SERIES_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00"]


def class_colours(polarity: str, k: int) -> list[str]:
    """Colours of classes 1..k ordered by value (low → high).

    For protective indicators (higher = less risk) the scale is reversed, so darker always means
    more risk.
    """
    name = POLARITY_PALETTE.get(polarity, "PuBu")
    scheme = SEQUENTIAL[name]
    if k not in scheme:
        raise ValueError(f"Ungültige Klassenzahl {k}: erlaubt sind {sorted(scheme)}")
    colours = list(scheme[k])
    return colours[::-1] if polarity == "protective" else colours
