"""Similar areas and types of areas on a chosen set of indicators.

Both work on z-standardised values (:func:`atlas.composite.index.standardise`, ``"z"``), so that
every indicator counts alike whatever its unit.

- **Similar areas**: the standardised Euclidean distance between two areas is
  ``sqrt(mean over the indicators both have of (z_a − z_b)²)`` (the mean, not the sum, so that
  a pair missing one indicator is not made to look closer); pairs sharing fewer than half of the
  indicators are not compared. With each neighbour come the indicators where the two differ most.
- **Types**: Ward's hierarchical clustering (scipy) of the areas with every indicator, cut into
  ``k`` types; each type is named by its most distinctive indicators: those whose mean z-value in
  the type is furthest from 0 (the level's mean), as "hoch"/"niedrig".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage

from atlas.composite.index import IndexProblem, standardise

TYPE_COUNTS = range(3, 8)
#: Below this many areas per type on average, the typology carries a caveat.
FEW_AREAS_PER_TYPE = 5


@dataclass(frozen=True)
class Neighbour:
    row: int  # the neighbour's row in the input
    distance: float
    differences: tuple[tuple[int, float], ...]  # (indicator column, z_neighbour − z_area), largest first


def similar(matrix, row: int, count: int = 5, differences: int = 3) -> list[Neighbour]:
    """The ``count`` areas closest to area ``row`` (nearest first; ties by row)."""
    z = standardise(matrix, "z")
    me = z[row]
    out = []
    for other in range(len(z)):
        if other == row:
            continue
        both = ~np.isnan(me) & ~np.isnan(z[other])
        if both.sum() * 2 < z.shape[1] or not both.any():
            continue
        diff = z[other, both] - me[both]
        distance = float(np.sqrt(np.mean(diff ** 2)))
        columns = np.flatnonzero(both)
        biggest = sorted(zip(columns.tolist(), diff.tolist()), key=lambda c: -abs(c[1]))
        out.append(Neighbour(other, distance, tuple(biggest[:differences])))
    out.sort(key=lambda n: (n.distance, n.row))
    return out[:count]


@dataclass(frozen=True)
class Typology:
    labels: np.ndarray  # type 1..k per row, 0 for rows with a missing indicator
    k: int
    profiles: np.ndarray  # k × indicators: mean z-value of each type
    distinctive: tuple[tuple[tuple[int, float], ...], ...]  # per type: (column, mean z), top 3
    caveat: str


def typology(matrix, k: int) -> Typology:
    """Ward clustering of the rows with every indicator into ``k`` types, numbered by size
    (type 1 the largest; equal sizes by their first row)."""
    if k not in TYPE_COUNTS:
        raise IndexProblem(f"Anzahl der Typen: {TYPE_COUNTS.start} bis {TYPE_COUNTS.stop - 1} "
                           f"(gewählt: {k}).")
    z = standardise(matrix, "z")
    complete = ~np.isnan(z).any(axis=1)
    if complete.sum() <= k:
        raise IndexProblem(f"Zu wenige Gebiete mit allen Werten ({int(complete.sum())}) für {k} "
                           "Typen.")
    tree = linkage(z[complete], method="ward")
    raw = fcluster(tree, t=k, criterion="maxclust")
    found = sorted(set(raw.tolist()),
                   key=lambda c: (-(raw == c).sum(), int(np.flatnonzero(raw == c)[0])))
    renumber = {c: i + 1 for i, c in enumerate(found)}
    labels = np.zeros(len(z), dtype=int)
    labels[complete] = [renumber[c] for c in raw.tolist()]
    k_found = len(found)
    profiles = np.array([z[labels == t].mean(axis=0) for t in range(1, k_found + 1)])
    distinctive = tuple(
        tuple(sorted(((j, float(profiles[t, j])) for j in range(z.shape[1])),
                     key=lambda c: -abs(c[1]))[:3])
        for t in range(k_found))
    caveat = ""
    if complete.sum() < FEW_AREAS_PER_TYPE * k_found:
        caveat = (f"Nur {int(complete.sum())} Gebiete für {k_found} Typen: die Typen beruhen auf "
                  "wenigen Gebieten und können sich mit einem Indikator mehr oder weniger deutlich "
                  "ändern.")
    return Typology(labels, k_found, profiles, distinctive, caveat)
