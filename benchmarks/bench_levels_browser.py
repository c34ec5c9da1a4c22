"""Levels in the browser: first paint and updates of the Kreis, the Gemeinde and a 1,050-area own
level, each beside the naive peer, in headless Chromium against real gunicorn servers.

Run on demand (not part of the test suite)::

    python benchmarks/bench_levels_browser.py [--out benchmarks/results/levels_browser.json]

Everything is built into a temporary folder from the sources folder and removed afterwards
(``--keep`` keeps it): the atlas's data (``atlas.build``), and in its store an own level of 1,050
areas made as ``bench_levels.py`` makes it (the Gemeinden of Thüringen and Sachsen, BKG VG5000
01.01.2021, one GeoJSON in EPSG:25832, read, checked, linked and stored as ``atlas level add``
does) with three own indicators on it: the three real Gemeinde series that ``bench_scale.py``
uses (Zensus 2022 population, share of settlement and transport area 2023, its change 2023).

Per level, the naive peer (``baseline_app.make_baseline``: one callback answers each slider step
with a new ``px.choropleth`` with the whole GeoJSON, drawn by Dash's graph with ``Plotly.react``)
and the atlas (``app:server``, the project's ``gunicorn.conf.py``, 1 worker), one after another:

* first paint: fresh browser context, navigation start → all of the level's polygons drawn
  (``--page-runs`` runs; median, min, max);
* update: input → map repainted (the first change of the areas' colours, the ``fill`` of their
  ``path.choroplethlocation``, plus one frame: the same for a full drawing and for the atlas's
  recolour of a year step, ``bench_scale.HOOK_JS``) and the callback bytes of the update (raw
  and on the wire), ``--presses`` times:
  a year step (← / → on the slider) and a switch of indicator (dropdown) at every level. The
  sources hold no Gemeinde series over years (every Gemeinde indicator has one year), so for the
  year step at the Gemeinde and the own level one own indicator each (``gemeinde_serie``,
  ``bezirke_serie``) carries the three real series as the years 2021–2023: the browser's work
  for a year step does not depend on what the values mean. The naive peer steps its slider over
  the years (Kreise) or over the same three series (Gemeinden, own level): every one of its
  updates is a whole new figure.

The machinery (servers, recording, timing) is ``bench_scale.py``'s.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = BENCH_DIR.parent
for _p in (PROJECT_ROOT, BENCH_DIR):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

import bench_scale as bs  # noqa: E402
from bench_core import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

OWN_LEVEL = "bezirke"
OWN_UNITS = {1: ("Anzahl", "count", 0), 2: ("%", "rate", 1), 3: ("%", "rate", 1)}
KREIS_SWITCH = ("sgb2_quote", "kinderarmut", "bevoelkerung", "arbeitslose")


# ======================================================================================= the data
def prepare(work: Path) -> dict:
    """Atlas data with the own level in ``work/data``; the naive peer's case folders."""
    import bench_levels

    from atlas.build import build
    from atlas.data import load
    from atlas.data.own import with_own
    from atlas.levels.boundaries import read_boundaries
    from atlas.levels.own import build_levels, reference_boundaries, store_level
    from atlas.store import OwnIndicator, OwnLevel, Store
    from atlas.visibility import PUBLIC

    sources = bs.sources_folder()
    data_dir = work / "data"
    build(sources, out=data_dir)
    os.environ["ATLAS_DATA_DIR"] = str(data_dir)  # the atlas's gunicorn inherits it
    base = load(data_dir)
    kreise, gemeinden = reference_boundaries(base)
    areas = read_boundaries(bench_levels.boundary_file(sources, work), "schluessel", "name",
                            kreise=kreise, gemeinden=gemeinden)
    store = Store(f"sqlite:///{data_dir / 'eigene_daten.sqlite'}")
    # published: the benchmark's browser is a visitor, who sees public own data only (#17)
    store_level(areas, OwnLevel(id=OWN_LEVEL, title="Bezirke (Benchmark)",
                                source="BKG VG5000", visibility=PUBLIC), store)
    keys = set(areas.areas["key"])
    series = bs.gemeinde_values(sources, keys)
    indicators = []
    for position, _prefix, code, label in bs.GEMEINDE_SERIES:
        unit, kind, decimals = OWN_UNITS[position]
        year = 2022 if position == 1 else 2023
        rows = series[series["year"] == position].assign(year=year, status="")
        indicator_id = f"{OWN_LEVEL}_{position}"
        store.add(OwnIndicator(
            id=indicator_id, title=label, unit=unit, decimals=decimals, kind=kind,
            definition="", area="demografie", life_phases=("senioren",), polarity="neutral",
            source=code, licence="dl-de/by-2-0", filename="x", file_format="x", code=code,
            level=OWN_LEVEL, visibility=PUBLIC), rows[["ags", "year", "value", "status"]])
        indicators.append((indicator_id, label))
    # The sources hold no Gemeinde series over years: for a year step at the Gemeinde and the
    # own level, one indicator each carries the three real series as the years 2021–2023 (what
    # the browser does for a year step is the same whatever the values mean)
    stepped = series.assign(year=series["year"] + 2020, status="")[["ags", "year", "value",
                                                                     "status"]]
    for level, rows in ((OWN_LEVEL, stepped),
                        ("gemeinde", stepped[stepped["ags"].str.startswith("16")])):
        store.add(OwnIndicator(
            id=f"{level}_serie", title="Drei Reihen als Jahre (Benchmark)", unit="",
            decimals=1, kind="rate", definition="", area="demografie",
            life_phases=("senioren",), polarity="neutral", source="Benchmark",
            licence="dl-de/by-2-0", filename="x", file_format="x", code="x", level=level,
            visibility=PUBLIC), rows)
    data = with_own(base, store.indicators(), store.values().astype({"year": int}),
                         build_levels(store.levels(), store.level_areas(), store.level_links(),
                                      base.level_of("kreis")))
    store.dispose()
    own_geojson = data.level_of(OWN_LEVEL).geojson

    cases = {}
    for case in ("th_kreise", "th_gemeinden"):
        cases[case] = bs.prepare_case(case, work / "cases" / case, sources)
    folder = work / "cases" / "own"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "geo.json").write_text(json.dumps(own_geojson, separators=(",", ":"),
                                                ensure_ascii=False), encoding="utf-8")
    series.to_csv(folder / "values.csv", index=False)
    located = {f["properties"]["AGS"] for f in own_geojson["features"]}
    labels = {p: label for p, _f, _c, label in bs.GEMEINDE_SERIES}
    meta = {"case": "own", "features": len(own_geojson["features"]),
            "geojson_bytes": (folder / "geo.json").stat().st_size,
            "geometry": "own level: Gemeinden of Thüringen and Sachsen as loaded by the atlas",
            "values": "slider positions 1–3 = the three own indicators",
            "positions": [1, 2, 3], "labels": labels,
            "baseline_paths_at_start": int(series[(series["year"] == 3)]["ags"]
                                           .isin(located).sum())}
    (folder / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    cases["own"] = meta
    return {"cases": cases, "own_indicators": indicators, "own_areas": len(keys)}


# ================================================================================ the measuring
def atlas_specs(playwright, args, case: str, server, prepared: dict) -> list[tuple[str, object]]:
    """(update name, AppSpec) of the atlas for one level."""
    import requests

    if case == "th_kreise":
        payload = requests.get(server.base + "/api/indicators", timeout=30).json()["indicators"]
        years = {i["id"]: i["years"] for i in payload if i["years"]}
        titles = {i["id"]: i["short_title"] for i in payload}
        year_spec = bs.AppSpec("atlas", "/", 22, years[bs.TH_KREIS_INDICATOR][-1], "slider",
                               positions=years[bs.TH_KREIS_INDICATOR])
        switch = [(i, titles[i]) for i in KREIS_SWITCH if i in years]
        switch_spec = bs.AppSpec("atlas", f"/?indicator={switch[0][0]}", 22, None, "dropdown",
                                 indicators=switch,
                                 indicator_years={i: years[i][-1] for i, _ in switch})
        return [("year step", year_spec), ("indicator switch", switch_spec)]
    stepped = [2021, 2022, 2023]
    if case == "th_gemeinden":
        spec, detail = bs.atlas_spec(playwright, args.chromium, case, server)
        if spec is None:
            raise RuntimeError(detail)
        spec.indicators = [i for i in spec.indicators if i[0] != "gemeinde_serie"]
        spec.url = f"/?ebene=gemeinde&indicator={spec.indicators[0][0]}"
        return [("indicator switch", spec),
                ("year step", bs.AppSpec("atlas", "/?ebene=gemeinde&indicator=gemeinde_serie",
                                         spec.min_paths, stepped[-1], "slider",
                                         positions=stepped))]
    indicators = prepared["own_indicators"]
    url = f"/?ebene={OWN_LEVEL}&indicator={indicators[0][0]}"
    drawn = bs.atlas_gemeinde_drawn(playwright, args.chromium, server.base, url)
    if drawn < prepared["own_areas"] * 0.9:
        raise RuntimeError(f"{url} draws {drawn} map paths")
    return [("indicator switch", bs.AppSpec("atlas", url, drawn, None, "dropdown",
                                            indicators=indicators)),
            ("year step", bs.AppSpec("atlas", f"/?ebene={OWN_LEVEL}&indicator={OWN_LEVEL}_serie",
                                     drawn, stepped[-1], "slider", positions=stepped))]


def measure(playwright, server, spec, args, first_paint: bool) -> dict:
    browser = playwright.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
    out: dict = {"url": spec.url}
    try:
        if first_paint:
            out["first_load"] = bs.first_load(browser, server.base, spec, args.page_runs, 60_000)
        out["update"], _template = bs.presses(browser, server.base, spec, args.presses,
                                              args.press_budget, 60_000, args.pause)
    finally:
        browser.close()
    return out


def run_case(playwright, args, case: str, work: Path, prepared: dict) -> dict:
    folder = work / "cases" / case
    meta = prepared["cases"][case]
    logs = work / "logs"
    logs.mkdir(exist_ok=True)
    result: dict = {"areas": meta["features"]}
    print(f"  {case} / baseline …", flush=True)
    with bs.gunicorn("baseline", folder, logs) as server:
        spec = bs.AppSpec("baseline", "/", meta["baseline_paths_at_start"],
                          meta["positions"][-1], "slider", positions=meta["positions"])
        result["baseline"] = measure(playwright, server, spec, args, True)
    print(f"  {case} / atlas …", flush=True)
    with bs.gunicorn("atlas", None, logs) as server:
        result["atlas"] = {}
        for index, (name, spec) in enumerate(atlas_specs(playwright, args, case, server,
                                                         prepared)):
            try:  # one failing update (a dropdown under load) must not lose the others
                result["atlas"][name] = measure(playwright, server, spec, args, index == 0)
            except Exception as exc:
                result.setdefault("errors", {})[name] = f"{type(exc).__name__}: {exc}"[:2000]
                print(f"    ! {case} / {name}: {exc}"[:500], flush=True)
    return result


# ======================================================================================= report
def _spread(values: list[float]) -> str:
    return f"{min(values):.0f}–{max(values):.0f}"


def rows(results: dict) -> list[dict]:
    out = []
    for case, title in (("th_kreise", "Kreise (22)"), ("th_gemeinden", "Gemeinden (631)"),
                        ("own", f"own level ({results['prepared']['own_areas']:,})")):
        r = results["cases"].get(case)
        if not r or "baseline" not in r:
            continue
        base = r["baseline"]
        b_upd = base["update"]
        for name, atlas in r.get("atlas", {}).items():
            a_upd = atlas["update"]
            row = {"level": title, "update": name}
            for who, m in (("baseline", base), ("atlas", atlas)):
                load = m.get("first_load")
                if load:
                    drawn = [x * 1000 for x in load["map_drawn_s"]]
                    row[f"{who}_paint_ms"] = statistics.median(drawn)
                    row[f"{who}_paint_spread"] = _spread(drawn)
            for who, u in (("baseline", b_upd), ("atlas", a_upd)):
                if u.get("n"):
                    row[f"{who}_p50"] = u["repaint_p50_ms"]
                    row[f"{who}_p95"] = u["repaint_p95_ms"]
                    row[f"{who}_spread"] = _spread(u["times_ms"])
                    row[f"{who}_raw"] = u["raw_bytes_p50"]
                    row[f"{who}_wire"] = u["wire_bytes_p50"]
                    row[f"{who}_n"] = u["n"]
            if row.get("baseline_p50") and row.get("atlas_p50"):
                row["time_ratio"] = row["atlas_p50"] / row["baseline_p50"]
                row["raw_ratio"] = row["atlas_raw"] / row["baseline_raw"]
                row["wire_ratio"] = row["atlas_wire"] / row["baseline_wire"]
            out.append(row)
    return out


def first_map_rows(results: dict) -> list[dict]:
    """Issue #20, per level: the first coloured map (the atlas's first paint or its map, the
    naive app's map) cold (fresh browser context, median) and warm (a second tab of it), the
    interactive map drawn and the slider answering, naive and atlas side by side."""
    out = []
    for case, r in results["cases"].items():
        base = (r.get("baseline") or {}).get("first_load")
        atlas = next((m["first_load"] for m in (r.get("atlas") or {}).values()
                      if m.get("first_load")), None)
        if not base or not atlas:
            continue
        row = {"level": case}
        for who, load in (("naive", base), ("atlas", atlas)):
            row[f"{who}_cold"] = load["coloured_median_s"]
            row[f"{who}_warm"] = load["warm"]["coloured_s"]
            row[f"{who}_drawn"] = load["map_drawn_median_s"]
            row[f"{who}_interactive"] = load["interactive_median_s"]
        row["ratio_cold"] = row["atlas_cold"] / row["naive_cold"]
        row["ratio_warm"] = row["atlas_warm"] / row["naive_warm"]
        out.append(row)
    return out


def render_first_map(results: dict) -> str:
    lines = ["| Level | First coloured map cold naive / atlas | × naive | warm naive / atlas | "
             "× naive | Map drawn cold naive / atlas | Interactive cold naive / atlas |",
             "|---|---|---|---|---|---|---|"]
    for r in first_map_rows(results):
        lines.append(
            f"| {r['level']} | {r['naive_cold']:.2f} / {r['atlas_cold']:.2f} s | "
            f"{r['ratio_cold']:.2f} | {r['naive_warm']:.2f} / {r['atlas_warm']:.2f} s | "
            f"{r['ratio_warm']:.2f} | {r['naive_drawn']:.2f} / {r['atlas_drawn']:.2f} s | "
            f"{r['naive_interactive']:.2f} / {r['atlas_interactive']:.2f} s |")
    return "\n".join(lines)


def render(results: dict) -> str:
    lines = ["| Level | Update | First paint naive / atlas, median (min–max) | "
             "Repaint naive p50 (min–max) | atlas p50 / p95 (min–max) | × naive | "
             "Bytes naive raw / wire | atlas raw / wire | × naive raw / wire |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in rows(results):
        paint = (f"{r['baseline_paint_ms']:.0f} ({r['baseline_paint_spread']}) / "
                 f"{r['atlas_paint_ms']:.0f} ({r['atlas_paint_spread']}) ms"
                 if "atlas_paint_ms" in r else "")
        if "time_ratio" not in r:
            lines.append(f"| {r['level']} | {r['update']} | {paint} | – | – | – | – | – | – |")
            continue
        lines.append(
            f"| {r['level']} | {r['update']} | {paint} | "
            f"{r['baseline_p50']:.0f} ms ({r['baseline_spread']}) | "
            f"{r['atlas_p50']:.0f} / {r['atlas_p95']:.0f} ms ({r['atlas_spread']}) | "
            f"{r['time_ratio']:.2f} | {r['baseline_raw'] / 1024:.1f} / "
            f"{r['baseline_wire'] / 1024:.1f} KB | {r['atlas_raw'] / 1024:.1f} / "
            f"{r['atlas_wire'] / 1024:.1f} KB | 1/{1 / r['raw_ratio']:.0f} / "
            f"1/{1 / r['wire_ratio']:.0f} |")
    return "\n".join(lines)


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path)
    parser.add_argument("--cases", default="th_kreise,th_gemeinden,own")
    parser.add_argument("--page-runs", type=int, default=5)
    parser.add_argument("--presses", type=int, default=15)
    parser.add_argument("--press-budget", type=float, default=40.0)
    parser.add_argument("--pause", type=float, default=0.3)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--chromium", default=CHROMIUM)
    return parser.parse_args(argv)


def main(argv=None) -> int:
    from playwright.sync_api import sync_playwright

    args = parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="atlas-bench-levels-browser-"))
    started = time.perf_counter()
    results: dict = {"when": datetime.now().isoformat(timespec="minutes"),
                     "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                                 "load_before": os.getloadavg()},
                     "cases": {}}
    try:
        print("preparing data …", flush=True)
        results["prepared"] = prepare(work)
        with sync_playwright() as playwright:
            for case in [c for c in args.cases.split(",") if c]:
                try:
                    results["cases"][case] = run_case(playwright, args, case, work,
                                                      results["prepared"])
                except Exception as exc:  # one failing level must not stop the others
                    results["cases"][case] = {"error": f"{type(exc).__name__}: {exc}"[:2000]}
                    print(f"    ! {case}: {exc}"[:500], flush=True)
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    results["machine"]["load_after"] = os.getloadavg()
    results["wall_s"] = round(time.perf_counter() - started, 1)
    print()
    print(render(results))
    print()
    print(render_first_map(results))
    print(f"\nload {results['machine']['load_before'][0]:.1f} → "
          f"{results['machine']['load_after'][0]:.1f}, {results['wall_s']:.0f} s")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=1, ensure_ascii=False, default=str),
                            encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
