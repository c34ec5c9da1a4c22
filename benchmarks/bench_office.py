"""Office exports benchmark (issue #19): how long do the Word and PowerPoint files take?

Run on demand (not part of the test suite)::

    python benchmarks/bench_office.py [--runs 5]

Timed end to end through the Flask test client (parameters checked, documents built, map PNGs
rendered by kaleido with the system Chromium, file written), warm (the browser running, a first
request made):

1. ``GET /export/baustein.docx`` of a Kreis map (A4 map PNG at 300 dpi, text, 22-row table) and
   of a Gemeinde map (631-row table).
2. ``GET /export/profil.docx`` of a Kreis (every indicator: table rows and one text each).
3. ``POST /export/sitzung.pptx`` with 5 views (title slide and 5 slides, each a 2880 × 1620 map).
4. The generated texts alone: :func:`atlas.report.describe.area_text` and ``map_text`` per call.

Uses the regular data folder (``$ATLAS_DATA_DIR`` or ``data/``).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
for _path in (PROJECT_ROOT, PROJECT_ROOT / "benchmarks"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from bench_core import percentile  # noqa: E402 - one percentile for all benchmarks

VIEWS = ["indicator=kinderarmut&kreise=16052", "indicator=sgb2_quote",
         "indicator=arbeitslosenquote", "indicator=haushaltseinkommen&kreise=16053,16055",
         "indicator=schulabgaenger_ohne_abschluss"]


def timed(fn, runs: int) -> dict:
    seconds, size = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        size = fn()
        seconds.append(time.perf_counter() - started)
    return {"p50_s": round(statistics.median(seconds), 3),
            "p95_s": round(percentile(seconds, 95), 3), "bytes": size}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)

    import app
    from atlas.data import get_data
    from atlas.report import describe

    client = app.server.test_client()
    data = get_data()
    gemeinde = data.available_indicators(level="gemeinde")[0].id

    def get(url: str) -> int:
        response = client.get(url)
        assert response.status_code == 200, (url, response.get_data()[:200])
        return len(response.get_data())

    def slides() -> int:
        body = {"views": [{"name": f"Ansicht {n}", "query": q} for n, q in enumerate(VIEWS, 1)]}
        response = client.post("/export/sitzung.pptx", json=body)
        assert response.status_code == 200, response.get_data()[:200]
        return len(response.get_data())

    get("/export/map.png?indicator=sgb2_quote")  # start the browser once
    results = {
        "baustein.docx (Kreise)": timed(lambda: get("/export/baustein.docx?indicator=kinderarmut"
                                                    "&kreise=16052"), args.runs),
        "baustein.docx (Gemeinden, 631 rows)": timed(
            lambda: get(f"/export/baustein.docx?indicator={gemeinde}"), args.runs),
        "profil.docx (Kreis)": timed(lambda: get("/export/profil.docx?kreis=16052"), args.runs),
        "sitzung.pptx (5 views)": timed(slides, max(args.runs // 2, 2)),
    }
    kreise = data.level_of("kreis").keys
    started = time.perf_counter()
    for ags in kreise:
        describe.area_text(data, "kinderarmut", ags)
    area_ms = (time.perf_counter() - started) / len(kreise) * 1000
    started = time.perf_counter()
    for ind in data.available_indicators()[:40]:
        describe.map_text(data, ind.id)
    map_ms = (time.perf_counter() - started) / 40 * 1000
    for name, result in results.items():
        print(f"{name:40s} p50 {result['p50_s']:6.2f} s  p95 {result['p95_s']:6.2f} s  "
              f"{result['bytes'] / 1e6:5.2f} MB")
    print(f"{'area_text (per call)':40s} {area_ms:6.1f} ms")
    print(f"{'map_text (per call)':40s} {map_ms:6.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
