"""The composite index with its robustness check at the Gemeinde level: 15 parts, 631 Gemeinden,
1,000 weight draws plus each part left out once (target: at most 1 s on this machine).

The values are real: the three Gemeinde indicators of the build, and twelve Kreis indicators of
the build given to every Gemeinde of the Kreis (their ties are realistic: many Gemeinden share a
Kreis value). Besides the atlas's vectorised computation, the naive peer computes each draw's
index and ranks one draw at a time with pandas (as one would write it first).

Usage: ``python benchmarks/bench_index.py`` (needs built data: ``atlas build``).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from atlas.composite.index import Part, index_values, orient, standardise  # noqa: E402
from atlas.composite.robustness import robustness  # noqa: E402
from atlas.data import load  # noqa: E402


def gemeinde_matrix(data) -> tuple[np.ndarray, list[Part]]:
    gemeinden = data.level_of("gemeinde").areas
    columns, parts = [], []
    for ind in data.catalogue.indicators:
        if ind.level == "gemeinde" and data.years(ind.id):
            table = data.table(ind.id, data.latest_year(ind.id)).set_index("ags")["value"]
            columns.append(gemeinden["ags"].map(table).to_numpy(dtype=float))
            parts.append(Part(ind.id, 1.0, 1))
    for ind in data.catalogue.indicators:
        if len(parts) == 15:
            break
        if ind.level == "kreis" and ind.kind == "rate" and data.years(ind.id):
            table = data.table(ind.id, data.latest_year(ind.id)).set_index("ags")["value"]
            column = gemeinden["kreis"].map(table).to_numpy(dtype=float)
            if np.isnan(column).mean() < 0.05 and np.nanstd(column) > 0:
                columns.append(column)
                parts.append(Part(ind.id, 1.0 + len(parts) % 3,
                                  -1 if ind.polarity == "protective" else 1))
    return np.column_stack(columns), parts


def naive(oriented: np.ndarray, weights: np.ndarray, draws: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(oriented).dropna()
    ranks = {}
    for d, w in enumerate(rng.dirichlet(50 * weights / weights.sum(), size=draws)):
        ranks[d] = (frame * w).sum(axis=1).rank(ascending=False, method="min")
    return pd.DataFrame(ranks).quantile([0.05, 0.95], axis=1)


def timed(fn, repeat=5):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times), max(times)


def as_own_gemeinde_indicators(data, matrix: np.ndarray, parts: list[Part]):
    """The columns that are no Gemeinde indicators yet as own Gemeinde indicators (real values:
    their Kreis's value), so that the index can be defined as a planner defines it."""
    from atlas.store import OwnIndicator

    keys = list(data.level_of("gemeinde").keys)
    year = data.latest_year("gemeinde_bevoelkerung_zensus")
    own, frames, ids = [], [], []
    for j, part in enumerate(parts):
        if data.indicator(part.indicator).level == "gemeinde":
            ids.append(part.indicator)
            continue
        own_id = f"bench_{part.indicator}"[:40]
        ind = data.indicator(part.indicator)
        own.append(OwnIndicator(id=own_id, title=ind.title, unit=ind.unit, decimals=ind.decimals,
                                kind="rate", definition="", area=ind.area, life_phases=(),
                                polarity=ind.polarity, source="Benchmark", licence="",
                                filename="bench.csv", file_format="CSV", code="B",
                                level="gemeinde"))
        frames.append(pd.DataFrame({"indicator": own_id, "ags": keys, "year": year,
                                    "value": matrix[:, j], "status": ""}))
        ids.append(own_id)
    values = pd.concat(frames, ignore_index=True)
    return own, values, [Part(i, p.weight, 0) for i, p in zip(ids, parts)]


def end_to_end(data, matrix, parts):
    """The index as the atlas serves it: defined, computed when the data is assembled (every
    year all parts have), and its robustness report for the map's year (1,000 draws)."""
    from atlas.composite import formulas as fm
    from atlas.composite.report import index_report
    from atlas.data.own import with_own

    own, values, own_parts = as_own_gemeinde_indicators(data, matrix, parts)
    formula = fm.Formula("bench_index", "Benchmark-Index", "index",
                         fm.IndexParams(tuple(own_parts), "z", None))
    without = timed(lambda: with_own(data, own, values), repeat=3)
    with_index = timed(lambda: with_own(data, own, values, (), [formula]), repeat=3)
    assembled = with_own(data, own, values, (), [formula])
    year = assembled.latest_year("bench_index")
    report = timed(lambda: index_report.__wrapped__(assembled, "bench_index", year))
    return without, with_index, report


def main() -> None:
    data = load()
    matrix, parts = gemeinde_matrix(data)
    weights = np.array([p.weight for p in parts])

    def atlas_way():
        index_values(matrix, parts, "z")
        oriented = orient(standardise(matrix, "z"), [p.direction for p in parts])
        return robustness(oriented, weights, draws=1000)

    oriented = orient(standardise(matrix, "z"), [p.direction for p in parts])
    fast = timed(atlas_way)
    slow = timed(lambda: naive(oriented, weights, 1000, 1), repeat=3)
    print(f"{matrix.shape[0]} Gemeinden × {matrix.shape[1]} Teile, 1.000 Ziehungen + "
          f"{len(parts)} ohne je einen Teil")
    print(f"atlas (vektorisiert): Median {fast[0] * 1000:.0f} ms (min {fast[1] * 1000:.0f}, "
          f"max {fast[2] * 1000:.0f})")
    print(f"naiv (pandas je Ziehung): Median {slow[0] * 1000:.0f} ms "
          f"(min {slow[1] * 1000:.0f}, max {slow[2] * 1000:.0f})")
    without, with_index, report = end_to_end(data, matrix, parts)
    print("Ende zu Ende (definiert wie von Planenden, Gemeindeebene):")
    print(f"  Daten zusammenstellen ohne Index: Median {without[0] * 1000:.0f} ms; mit Index "
          f"(alle Jahre): {with_index[0] * 1000:.0f} ms → Index {(with_index[0] - without[0]) * 1000:.0f} ms")
    print(f"  Robustheitsbericht (1.000 Ziehungen, Ränge, Klassen, Tabelle): Median "
          f"{report[0] * 1000:.0f} ms (min {report[1] * 1000:.0f}, max {report[2] * 1000:.0f})")


if __name__ == "__main__":
    main()
