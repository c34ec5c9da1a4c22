"""The composite index (Sozialindex) as arithmetic: standardise, orient, weight, combine.

Pure functions over a matrix of the level's areas (rows) and the index's parts (columns); NaN
marks a missing value. What the parts are, which year each has and where the values come from
is decided by the caller (:mod:`atlas.composite.build`); here is only the method, as the index's
info box states it:

- **standardisation** ``"z"``: (value − mean) / standard deviation over the level's areas with a
  value (population standard deviation, ``ddof = 0``); ``"minmax"``: (value − min) / (max − min)
  × 100;
- **orientation**: a part whose higher value means *less* risk is turned round (z: −z; min–max:
  100 − value), so that for every oriented part higher = more risk;
- **combination**: the weighted arithmetic mean of the oriented values, weights normalised to sum
  1. An area missing any part has no index value (never a mean of the parts it has).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from atlas.errors import AtlasError

METHODS = {"z": "z-Standardisierung (Mittelwert 0, Standardabweichung 1)",
           "minmax": "Min-Max-Skalierung auf 0–100"}
MIN_PARTS, MAX_PARTS = 2, 15


class IndexProblem(AtlasError):
    """An index that cannot be computed as asked (German message)."""


@dataclass(frozen=True)
class Part:
    """One part of an index: an indicator, its weight (> 0) and its direction (+1: a higher value
    means more risk; −1: less risk)."""

    indicator: str
    weight: float = 1.0
    direction: int = 1


def check_parts(parts: list[Part]) -> None:
    """German errors for a set of parts that makes no index."""
    if not MIN_PARTS <= len(parts) <= MAX_PARTS:
        raise IndexProblem(f"Ein Index braucht {MIN_PARTS} bis {MAX_PARTS} Indikatoren "
                          f"(gewählt: {len(parts)}).")
    ids = [p.indicator for p in parts]
    if twice := sorted({i for i in ids if ids.count(i) > 1}):
        raise IndexProblem(f"Indikator doppelt gewählt: {', '.join(twice)}.")
    for part in parts:
        if not (np.isfinite(part.weight) and part.weight > 0):
            raise IndexProblem(f"Gewicht von „{part.indicator}“ muss größer als 0 sein "
                              f"(angegeben: {part.weight}).")
        if part.direction not in (1, -1):
            raise IndexProblem(f"Richtung von „{part.indicator}“: +1 oder −1.")


def normalised(weights) -> np.ndarray:
    """The weights scaled to sum 1."""
    weights = np.asarray(weights, dtype=float)
    return weights / weights.sum()


def standardise(matrix, method: str = "z") -> np.ndarray:
    """Each column standardised over its non-missing rows (see the module text); a column
    without spread (all values equal) cannot be standardised and raises a German error naming
    its position."""
    if method not in METHODS:
        raise IndexProblem(f"Standardisierung „{method}“ ist unbekannt; erlaubt: "
                          f"{', '.join(METHODS)}.")
    x = np.asarray(matrix, dtype=float)
    out = np.full_like(x, np.nan)
    for j in range(x.shape[1]):
        column = x[:, j]
        present = column[~np.isnan(column)]
        if len(present) < 2:
            raise IndexProblem(f"Teil {j + 1} hat weniger als zwei Werte: keine Standardisierung "
                              "möglich.")
        if method == "z":
            spread = present.std(ddof=0)
            centre = present.mean()
        else:
            spread = (present.max() - present.min()) / 100.0
            centre = present.min()
        if spread == 0:
            raise IndexProblem(f"Teil {j + 1} hat in allen Gebieten denselben Wert: keine "
                              "Standardisierung möglich.")
        out[:, j] = (column - centre) / spread
    return out


def orient(standardised, directions, method: str = "z") -> np.ndarray:
    """Turn round the parts with direction −1 (z: −z; min–max: 100 − value)."""
    s = np.asarray(standardised, dtype=float)
    d = np.asarray(directions)
    flipped = (-s) if method == "z" else (100.0 - s)
    return np.where(d > 0, s, flipped)


def combine(oriented, weights) -> np.ndarray:
    """The weighted mean per row of oriented values; NaN where a part is missing."""
    x = np.asarray(oriented, dtype=float)
    return x @ normalised(weights)


def index_values(matrix, parts: list[Part], method: str = "z") -> np.ndarray:
    """Standardise, orient and combine: the index value of every area (NaN where a part is
    missing)."""
    check_parts(parts)
    oriented = orient(standardise(matrix, method), [p.direction for p in parts], method)
    return combine(oriented, [p.weight for p in parts])
