"""Data truth and currency (#16): what the plausibility rules cost in ``atlas build`` and how fast
the Datenstand answers.

* The rules (impossible zeros, a second source, jumps and plateaus of counts, outliers of rates)
  on every value the readers give from the real sources, against the naive peer: the outlier
  rule written row by row (each value compared with the median of its year and the median of
  its own series, recomputed per value), as one would write it first.
* ``atlas build`` end to end (read, join, check, write) into a temporary folder.
* The Datenstand: :func:`atlas.coverage.coverage` the first time for a data object (it is kept
  per data object) and ``GET /api/coverage`` through the app.

Usage: ``python benchmarks/bench_truth.py`` (needs the sources folder and built data).
"""

from __future__ import annotations

import math
import sys
import tempfile
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from atlas import build as builder  # noqa: E402
from atlas import geo  # noqa: E402
from atlas.catalogue import load_catalogue  # noqa: E402
from atlas.paths import find_sources  # noqa: E402
from atlas.validation import check_values, flag_outliers  # noqa: E402
from benchmarks.bench_index import timed  # noqa: E402


def naive_outliers(values: pd.DataFrame, indicators: set[str], factor: float = 5.0) -> list:
    """The outlier idea row by row: a value far from its year's median and from its own series'
    median (no robust spread, no support by neighbours, no runs)."""
    found = []
    rows = values[values["indicator"].isin(indicators) & values["value"].notna()
                  & (values["ags"] != "16")]
    for row in rows.itertuples():
        year = rows[(rows["indicator"] == row.indicator) & (rows["year"] == row.year)]["value"]
        own = rows[(rows["indicator"] == row.indicator) & (rows["ags"] == row.ags)]["value"]
        if year.min() <= 0 or len(year) < 10:
            continue
        if abs(math.log(row.value / year.median())) > math.log(factor) \
                and abs(math.log(row.value / own.median())) > math.log(factor):
            found.append(row.Index)
    return found


def ms(t) -> str:
    return f"{t[0] * 1000:.0f} ms (min {t[1] * 1000:.0f}, max {t[2] * 1000:.0f})"


def main() -> None:
    sources = find_sources(None)
    catalogue = load_catalogue()
    boundaries = geo.read_boundaries(sources / builder.BOUNDARY_FILE, level="kreis")
    area = geo.area_km2(boundaries)
    report = builder.BuildReport(sources=sources)
    _, _ = builder.read_gemeinden(sources, boundaries, pd.DataFrame(
        {"ags": boundaries["AGS"], "name": boundaries["GEN"], "bez": boundaries["BEZ"],
         "kind": boundaries["BEZ"].map(geo.kind_label)}), report)
    values = builder.collect_values(sources, catalogue, set(boundaries["AGS"]), report)
    rates = {i.id for i in catalogue.indicators if i.kind == "rate"}
    count = f"{len(values):,}".replace(",", ".")
    print(f"{count} Werte aus den Quellen, {len(catalogue.indicators)} Indikatoren")
    rules = timed(lambda: check_values(values, catalogue, area))
    outliers = timed(lambda: flag_outliers(values, rates))
    naive = timed(lambda: naive_outliers(values, rates), repeat=1)
    print(f"alle Regeln (atlas): Median {ms(rules)}")
    print(f"  davon Ausreißer bei Quoten (atlas, vektorisiert): Median {ms(outliers)}")
    print(f"  Ausreißer naiv (Zeile für Zeile): {ms(naive)}")
    with tempfile.TemporaryDirectory() as tmp:
        whole = timed(lambda: builder.build(sources, out=Path(tmp) / "data", catalogue=catalogue),
                      repeat=3)
    print(f"atlas build (lesen, prüfen, schreiben): Median {ms(whole)}")

    from atlas.coverage import coverage
    from atlas.data import load

    data = load()
    first = timed(lambda: coverage.__wrapped__(data), repeat=3)
    cold = timed(lambda: coverage(load()), repeat=3)
    coverage(data)
    warm = timed(lambda: coverage(data))
    print(f"Datenstand berechnen (neues Datenobjekt, inkl. Laden): Median {ms(cold)}")
    print(f"  nur die Berechnung: Median {ms(first)}")
    print(f"Datenstand erneut (je Datenobjekt gemerkt): Median {warm[0] * 1e6:.0f} µs")
    import app as atlas_app

    client = atlas_app.server.test_client()
    client.get("/api/coverage")
    api = timed(lambda: client.get("/api/coverage"))
    size = len(client.get("/api/coverage").data)
    print(f"GET /api/coverage: Median {ms(api)}, {size / 1024:.0f} KB")


if __name__ == "__main__":
    main()
