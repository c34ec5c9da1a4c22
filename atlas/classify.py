"""Class breaks for choropleth maps (mapclassify)."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import mapclassify
import numpy as np

from atlas.values import format_number

SCHEMES = {"quantiles": "Quantile"}


@dataclass(frozen=True)
class Classes:
    """Result of a classification of the non-missing values.

    ``index`` holds, for every input value, its class 0..k-1 or -1 when the value is missing.
    ``bounds`` are the (lower, upper) bounds of each class; ``counts`` the number of regions.
    """

    scheme: str
    k: int
    index: tuple[int, ...]
    bounds: tuple[tuple[float, float], ...]
    counts: tuple[int, ...]
    missing: int
    note: str = ""

    def labels(self, decimals: int, unit: str = "") -> list[str]:
        """Legend labels like ``"5,1 – 7,9 % (4)"``."""
        return [
            f"{format_number(lo, decimals)} – {format_number(hi, decimals, unit)} ({n})"
            for (lo, hi), n in zip(self.bounds, self.counts)
        ]


def classify(values, k: int = 5, scheme: str = "quantiles") -> Classes:
    """Classify values (NaN = missing) into ``k`` classes.

    Degenerate data (fewer distinct values than classes) degrades to fewer classes with a note.
    """
    if scheme not in SCHEMES:
        raise ValueError(f"Ungültiges Klassifikationsverfahren „{scheme}“: erlaubt {list(SCHEMES)}")
    y = np.asarray(values, dtype=float)
    valid = ~np.isnan(y)
    index = np.full(len(y), -1, dtype=int)
    present = y[valid]
    if present.size == 0:
        return Classes(scheme, 0, tuple(index), (), (), int((~valid).sum()), "Keine Werte vorhanden.")
    distinct = np.unique(present)
    note = ""
    if distinct.size == 1:
        index[valid] = 0
        value = float(distinct[0])
        return Classes(scheme, 1, tuple(index), ((value, value),), (int(valid.sum()),),
                       int((~valid).sum()), "Alle Kreise haben denselben Wert: eine Klasse.")
    k_eff = min(k, distinct.size)
    if k_eff < k:
        note = f"Nur {distinct.size} verschiedene Werte: {k_eff} statt {k} Klassen."
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        result = mapclassify.Quantiles(present, k=k_eff)
    if result.k < k_eff:
        note = f"Nur {result.k} statt {k} Klassen möglich (zu wenige verschiedene Werte)."
    index[valid] = result.yb
    uppers = [float(b) for b in result.bins]
    lowers = [float(present.min())] + uppers[:-1]
    counts = tuple(int(c) for c in result.counts)
    return Classes(scheme, int(result.k), tuple(int(i) for i in index),
                   tuple(zip(lowers, uppers)), counts, int((~valid).sum()), note)
