"""Own levels at scale: a level of about 1,000 own areas beside the Kreise and the Gemeinden.

The areas are real: the Gemeinden of Thüringen and Sachsen (BKG VG5000, 01.01.2021, from the
sources folder), written as one boundary file in EPSG:25832 with keys and names – as a city or
district would hand over its statistical districts. The script measures, for each level:

* adding the level (read, check, reproject, link to Kreise and Gemeinden, store),
* loading it into the atlas (the registry's Level: simplified boundaries, hover texts),
* building the first map on the server (map view and the page's figure without geometry),
* the boundaries the browser fetches once (bytes raw and brotli),
* all years as frames (the year step's bytes: what the browser applies without a request),
* the counts summed into the coarser levels (:mod:`atlas.levels.derived`: Gemeinden → the own
  areas, the own areas → the Kreise), made when the level is loaded.

Usage: ``python benchmarks/bench_levels.py [--out results.json]`` (about a minute).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import brotli
import geopandas as gpd
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from atlas import figures  # noqa: E402
from atlas.build import build  # noqa: E402
from atlas.data import load  # noqa: E402
from atlas.data.own import with_own  # noqa: E402
from atlas.levels import derived  # noqa: E402
from atlas.levels.boundaries import read_boundaries  # noqa: E402
from atlas.levels.own import build_levels, reference_boundaries, store_level  # noqa: E402
from atlas.paths import find_sources  # noqa: E402
from atlas.store import OwnIndicator, OwnLevel, Store  # noqa: E402


def timed(action, runs: int = 3):
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def boundary_file(sources: Path, folder: Path) -> Path:
    """Gemeinden of Thüringen (16) and Sachsen (14) as one GeoJSON in EPSG:25832."""
    frame = gpd.read_file(sources / "geo" / "de_gemeinden_vg5000_2021-01-01.geojson")
    frame = frame[frame["AGS"].astype(str).str[:2].isin(["16", "14"])]
    frame = frame.dissolve(by="AGS", aggfunc="first", as_index=False)
    out = frame[["AGS", "GEN", "geometry"]].rename(columns={"AGS": "schluessel", "GEN": "name"})
    path = folder / "bezirke_25832.geojson"
    out.to_crs("EPSG:25832").to_file(path, driver="GeoJSON")
    return path


def measure_map(data, indicator: str) -> dict:
    years = data.years(indicator)
    level = data.level_of(data.level(indicator))
    view_s, view = timed(lambda: figures.map_view.__wrapped__(data, indicator, years[-1]))
    figure_s, figure = timed(lambda: figures.screen_figure.__wrapped__(
        data, indicator, years[-1], geometry_url="/geo/x.geojson"))
    geometry = json.dumps(level.geojson, separators=(",", ":")).encode()
    frames = figures.map_frames(data, indicator)
    step = json.dumps(frames["frames"][str(years[-1])], separators=(",", ":")).encode()
    whole_figure = json.dumps(figure, separators=(",", ":"), default=str).encode()
    return {
        "areas": len(level), "years": len(years),
        "map_view_ms": round(view_s * 1000, 1),
        "page_figure_ms": round(figure_s * 1000, 1),
        "page_figure_kb": round(len(whole_figure) / 1024, 1),
        "boundaries_kb": round(len(geometry) / 1024, 1),
        "boundaries_br_kb": round(len(brotli.compress(geometry, quality=5)) / 1024, 1),
        "year_step_kb": round(len(step) / 1024, 1),
        "year_step_br_kb": round(len(brotli.compress(step, quality=5)) / 1024, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out")
    args = parser.parse_args()
    sources = find_sources()
    work = Path(tempfile.mkdtemp(prefix="atlas-bench-levels-"))
    try:
        build(sources, out=work / "data")
        base = load(work / "data")
        path = boundary_file(sources, work)
        kreise, gemeinden = reference_boundaries(base)
        read_s, areas = timed(lambda: read_boundaries(path, "schluessel", "name",
                                                      kreise=kreise, gemeinden=gemeinden), 1)
        store = Store(f"sqlite:///{work / 'eigene_daten.sqlite'}")
        start = time.perf_counter()
        store_level(areas, OwnLevel(id="bezirke", title="Bezirke (Test)", source="BKG VG5000"),
                    store)
        store_s = time.perf_counter() - start
        # a real count on the areas: the Zensus population of the Thuringian Gemeinden
        zensus = base.table("gemeinde_bevoelkerung_zensus",
                            base.latest_year("gemeinde_bevoelkerung_zensus"))
        keys = set(areas.areas["key"])
        values = zensus[zensus["ags"].isin(keys)][["ags", "value", "status"]].assign(
            year=base.latest_year("gemeinde_bevoelkerung_zensus"))
        own = store.add(OwnIndicator(
            id="bezirke_ew", title="Einwohner (Test)", unit="Anzahl", decimals=0, kind="count",
            definition="", area="demografie", life_phases=("senioren",), polarity="neutral",
            source="Zensus 2022", licence="", filename="x", file_format="x", code="x",
            level="bezirke"), values)
        load_s, data = timed(lambda: with_own(base,
            [own], store.values().astype({"year": int}),
            build_levels(store.levels(), store.level_areas(), store.level_links(),
                         base.level_of("kreis"))), 1)
        store.dispose()
        # the counts summed into the coarser levels (part of the load above), on their own
        plain = [i for i in data.catalogue.indicators if not derived.is_derived(i.id)]
        rows = data.values[data.values["indicator"].isin({i.id for i in plain})]
        derive_s, (entries, derived_values) = timed(
            lambda: derived.derive(plain, rows, data.levels))
        result = {
            "own_level": {"areas": len(areas.areas), "add_level_read_check_link_s":
                          round(read_s, 2), "add_level_store_s": round(store_s, 2),
                          "load_into_atlas_s": round(load_s, 2),
                          "derive_sums_ms": round(derive_s * 1000, 1),
                          "derived_entries": [e.id for e in entries],
                          "derived_rows": len(derived_values),
                          "findings": len(areas.findings)},
            "kreis": measure_map(data, "sgb2_quote"),
            "gemeinde": measure_map(data, "gemeinde_bevoelkerung_zensus"),
            "own_1000": measure_map(data, "bezirke_ew"),
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(pd.DataFrame({k: v for k, v in result.items() if k != "own_level"}).to_string())
    print(json.dumps(result["own_level"], indent=1))
    if args.out:
        Path(args.out).write_text(json.dumps(result, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
