"""Export benchmark of the Sozialstrukturatlas: how long do report exports take?

Run on demand (not part of the test suite)::

    python benchmarks/bench_export.py [--runs 10] [--out benchmarks/results/export.json]

Measures (every export is timed end to end: figure built by the screen's builder, composed for
the page, rendered by kaleido with the system Chromium, post-processed)

1. Cold PNG: a fresh Python process imports :mod:`atlas.export`, loads the data, starts the
   browser in the background as a gunicorn worker does (``start_engine_in_background``) and
   exports the A4 map as PNG (3508 × 2480 px, 300 dpi). Two kinds of processes: the export is
   asked at once (it waits for the browser still starting: the worst case of a first export),
   and the export is asked once the browser is ready. Reported: import, data load, time to the
   browser ready, time to the first image and the whole process.
2. Warm, in this process with the browser running, every export drawn anew (the picture cache
   emptied before each run): A4 map PNG (p50/p95 of ``--runs``), map SVG, map PDF, slide PNG
   (1920 × 1080), ranking PNG, time series SVG, Regionenprofil PDF (two pages), CSV and XLSX of
   all years. Then the same view asked again (from the cache: figure built and hashed, not drawn).
3. Four threads exporting at once (the lock serialises them): wall time for 8 different PNG, and
   for 8 requests of one new PNG (drawn once, the others wait for it).

Uses the regular data folder (``$ATLAS_DATA_DIR`` or ``data/``) if it is built, else a build of
its own into a temporary folder. Targets: warm PNG ≤ 1 s, cold ≤ 5 s.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
for _path in (PROJECT_ROOT, PROJECT_ROOT / "benchmarks"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from bench_core import percentile  # noqa: E402 - one percentile for all benchmarks

INDICATOR = "sgb2_quote"
OTHER = "kinderarmut"
KREIS = "16052"
TARGET_WARM_S = 1.0
TARGET_COLD_S = 5.0

COLD_SCRIPT = r"""
import json, sys, time
t0 = time.perf_counter()
from atlas import export
from atlas.data import load
t1 = time.perf_counter()
data = load()
t2 = time.perf_counter()
starting = export.start_engine_in_background()  # as gunicorn's post_worker_init
if sys.argv[2] == "after_ready":
    starting.join()
t3 = time.perf_counter()  # after_ready: the browser started and has drawn its warm-up picture
page = export.page_for("a4")
png = export.render(export.map_figure(data, sys.argv[1], page=page), "png", page)
t4 = time.perf_counter()
export.stop_engine()
print(json.dumps({"import_s": t1 - t0, "data_s": t2 - t1, "browser_ready_s": export.engine_ready_s(),
                  "warmed_up_s": t3 - t2, "first_image_s": t4 - t3, "bytes": len(png)}))
"""


def timed(fn, runs: int) -> dict:
    seconds, size = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        seconds.append(time.perf_counter() - started)
        size = len(result)
    return {"runs": runs, "p50_s": round(statistics.median(seconds), 3),
            "p95_s": round(percentile(seconds, 95), 3), "max_s": round(max(seconds), 3),
            "bytes": size}


def cold(runs: int, when: str) -> dict:
    """``when`` = ``at_once`` (export asked right after the background start) or
    ``after_ready`` (asked once the browser is ready)."""
    results = []
    for _ in range(runs):
        started = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", COLD_SCRIPT, INDICATOR, when],
                             cwd=PROJECT_ROOT, capture_output=True, text=True, check=True,
                             env=os.environ.copy())
        total = time.perf_counter() - started
        figures = json.loads(out.stdout.strip().splitlines()[-1])
        figures["process_s"] = total
        results.append(figures)
    keys = ("import_s", "data_s", "browser_ready_s", "warmed_up_s", "first_image_s", "process_s")
    return {"runs": runs, **{k: round(statistics.median(r[k] for r in results), 3) for k in keys},
            "all": [{k: round(r[k], 3) for k in keys} for r in results]}


def warm(runs: int) -> dict:
    from atlas import export
    from atlas.data import load

    data = load()
    a4, slide = export.page_for("a4"), export.page_for("folie")
    export.render(export.map_figure(data, INDICATOR, page=a4), "png", a4)  # start the browser

    def uncached(fn):
        def run():
            export.RENDERED.clear()
            return fn()
        return run

    cases = {
        "map_png_a4": lambda: export.render(
            export.map_figure(data, INDICATOR, selected=[KREIS], page=a4), "png", a4),
        "map_svg_a4": lambda: export.render(export.map_figure(data, INDICATOR, page=a4), "svg",
                                            a4),
        "map_pdf_a4": lambda: export.render(export.map_figure(data, INDICATOR, page=a4), "pdf",
                                            a4),
        "map_png_slide": lambda: export.render(export.map_figure(data, INDICATOR, page=slide),
                                               "png", slide),
        "ranking_png_a4": lambda: export.render(export.ranking_figure(data, INDICATOR, page=a4),
                                                "png", a4),
        "timeseries_svg_a4": lambda: export.render(
            export.timeseries_figure(data, INDICATOR, [KREIS], page=a4), "svg", a4),
        "profile_pdf": lambda: export.profile_pdf(data, KREIS),
        "data_csv_all_years": lambda: export.data_csv(data, INDICATOR),
        "data_xlsx_all_years": lambda: export.data_xlsx(data, INDICATOR),
    }
    out = {}
    for name, fn in cases.items():
        n = runs if name != "profile_pdf" else max(3, runs // 2)
        out[name] = timed(uncached(fn) if name.startswith(("map", "ranking", "time", "profile"))
                          else fn, n)
    # the same views asked again: figure built and hashed, the picture from the cache
    for name in ("map_png_a4", "map_png_slide", "profile_pdf"):
        cases[name]()
        _, before = export.engine_counts()
        out[f"{name}_cached"] = timed(cases[name], runs)
        out[f"{name}_cached"]["drawn"] = export.engine_counts()[1] - before

    def at_once(figures) -> dict:
        export.RENDERED.clear()
        _, before = export.engine_counts()
        started = time.perf_counter()
        threads = [threading.Thread(target=lambda i=i: [export.render(figures[2 * i + j], "png",
                                                                      a4) for j in range(2)])
                   for i in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return {"wall_s": round(time.perf_counter() - started, 3),
                "drawn": export.engine_counts()[1] - before}

    out["concurrent_8_png_4_threads"] = at_once(
        [export.map_figure(data, INDICATOR, page=a4, note=f"Nr. {n}") for n in range(8)])
    same = export.map_figure(data, OTHER, page=a4)
    out["concurrent_8_same_png_4_threads"] = at_once([same] * 8)
    export.stop_engine()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10, help="warm runs per export (default 10)")
    parser.add_argument("--cold-runs", type=int, default=3, help="fresh processes (default 3)")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "benchmarks/results/export.json")
    args = parser.parse_args(argv)

    from atlas.build import is_built
    from atlas.paths import data_dir

    if not is_built(data_dir()):
        from atlas.build import build

        folder = Path(tempfile.mkdtemp(prefix="atlas-bench-export-"))
        build(out=folder)
        os.environ["ATLAS_DATA_DIR"] = str(folder)

    result = {
        "when": datetime.now().isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                    "load": os.getloadavg() if hasattr(os, "getloadavg") else None},
        "cold_png_a4": cold(args.cold_runs, "at_once"),
        "cold_png_a4_after_ready": cold(args.cold_runs, "after_ready"),
        "warm": warm(args.runs),
    }
    result["machine"]["load_end"] = os.getloadavg() if hasattr(os, "getloadavg") else None
    for key, what in (("cold_png_a4", "asked at once"), ("cold_png_a4_after_ready",
                                                         "asked when the browser is ready")):
        c = result[key]
        print(f"Cold A4 map PNG, {what} (median of {c['runs']} fresh processes): import "
              f"{c['import_s']:.2f} s, data {c['data_s']:.2f} s, browser ready "
              f"{c['browser_ready_s']:.2f} s after the start (warmed up "
              f"{c['warmed_up_s']:.2f} s), first image {c['first_image_s']:.2f} s "
              f"(target ≤ {TARGET_COLD_S:.0f} s: "
              f"{'ok' if c['first_image_s'] <= TARGET_COLD_S else 'OVER'}), whole process "
              f"{c['process_s']:.2f} s")
    print(f"{'warm export':<34}{'runs':>5}{'p50':>9}{'p95':>9}{'max':>9}{'size':>11}")
    for name, w in result["warm"].items():
        if "p50_s" in w:
            print(f"{name:<34}{w['runs']:>5}{w['p50_s']:>8.3f}s{w['p95_s']:>8.3f}s"
                  f"{w['max_s']:>8.3f}s{w['bytes'] / 1024:>9.0f} KB")
        else:
            print(f"{name:<34}{'':>5}{w['wall_s']:>8.3f}s (wall, {w['drawn']} drawn)")
    png = result["warm"]["map_png_a4"]
    print(f"Warm A4 PNG p95 {png['p95_s']:.2f} s (target ≤ {TARGET_WARM_S:.0f} s: "
          f"{'ok' if png['p95_s'] <= TARGET_WARM_S else 'OVER'})")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"written: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
