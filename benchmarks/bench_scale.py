"""Scale benchmark: the atlas's map updates against a naive Dash baseline, side by side.

Run on demand (not part of the test suite)::

    python benchmarks/bench_scale.py [--out benchmarks/results/scale.json]

Cases (boundaries from the sources folder, simplified like the atlas does it, or the atlas's built
geometry when it exists):

==============  ======================  ===========================================================
case            regions                 what one update changes
==============  ======================  ===========================================================
th_kreise       22 Thüringer Kreise     year of the SGB-II-Quote (2010–2021), from the atlas's data
th_gemeinden    631 Gemeinden (2021)    one of three real Gemeinde series (slider positions 1–3):
                                        Zensus-2022 population, share of settlement and transport
                                        area 2023, its change 2023 (Regionalatlas AI0111/AI0112)
de_kreise       400 German Kreise       year of the INKAR 2024 SGB-II-Quote (2010–2021)
de_gemeinden    10,997 Gemeinden        the same three Gemeinde series as th_gemeinden
==============  ======================  ===========================================================

Apps measured per case, each in its own gunicorn process (1 worker, gthread, 4 threads):

* ``baseline`` — :func:`baseline_app.make_baseline`: a new ``px.choropleth`` with the full GeoJSON
  per slider change, plain Dash defaults (no compression).
* ``replica`` — :func:`make_patch_replica`: the atlas's approach in a small app: the geometry
  is a versioned file the browser fetches once and keeps (as the atlas serves its Gemeinde
  boundaries), every change is a ``dash.Patch`` of ``z``, ``locations`` and the colour scale
  (quantile classes), compression on.
* ``atlas`` — the real app (``app:server`` with the project's ``gunicorn.conf.py``, 1 worker):
  year slider on the Kreis level; on the Gemeinde level (``/?ebene=gemeinde&indicator=…``) a
  switch between its Gemeinde indicators in the dropdown, if that level exists yet.

Per app: server time per update (replayed ``/_dash-update-component`` POSTs on loopback, p50/p95),
bytes per update (raw JSON and on the wire), browser time from the key press (ArrowRight/Left on
the year slider) or the click on a dropdown option to the repainted map (p50/p95, headless
Chromium), first load to interactive (fresh browser context; map drawn with all regions and the
slider reacting to a key press; once more from the browser's cache) and the peak RSS of the worker
(``VmHWM``).
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Iterator

import brotli

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = BENCH_DIR.parent
for _p in (PROJECT_ROOT, BENCH_DIR):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

from bench_core import CHROMIUM, CHROMIUM_ARGS, UPDATE_PATH, percentile  # noqa: E402

VENV_BIN = Path(sys.executable).parent
CASES = ("th_kreise", "th_gemeinden", "de_kreise", "de_gemeinden")
APPS = ("baseline", "replica", "atlas")
CASE_TITLES = {
    "th_kreise": "Kreise Thüringen (22)",
    "th_gemeinden": "Gemeinden Thüringen (631)",
    "de_kreise": "Kreise Deutschland (400)",
    "de_gemeinden": "Gemeinden Deutschland (10,997)",
}
GEO_SOURCES = {
    "th_gemeinden": ("geo/th_gemeinden_vg5000_2021-01-01.geojson", "gemeinde", "16"),
    "de_kreise": ("geo/de_kreise_vg5000_2023.geojson", "kreis", ""),
    "de_gemeinden": ("geo/de_gemeinden_vg5000_2021-01-01.geojson", "gemeinde", ""),
}
GEMEINDE_SERIES = (  # slider position → (GENESIS file prefix, series code, label)
    (1, "1000A-0000", "1000A-0000/PRS018", "Bevölkerung Zensus 2022"),
    (2, "AI-N-01-2-5", "AI-N-01-2-5/AI0111", "Siedlungs-/Verkehrsfläche 2023 (%)"),
    (3, "AI-N-01-2-5", "AI-N-01-2-5/AI0112", "Veränderung Siedlungsfläche 2023 (%)"),
)
TH_KREIS_INDICATOR = "sgb2_quote"
DE_KREIS_INKAR = "q_SGBII"
FEATURE_ID_KEY = "properties.AGS"
MISSING_COLOUR = "#d9d9d9"
CLASS_COLOURS = ("#fef0d9", "#fdcc8a", "#fc8d59", "#e34a33", "#b30000")
ATLAS_WORKERS = 1  # --atlas-workers; the baseline and the replica always run 1 worker
ATLAS_GEMEINDE_MIN_PATHS = 100  # more paths than 22 Kreise: the Gemeinde level is drawn

TARGET_BYTES_RATIO = 1 / 20
TARGET_REPAINT_RATIO = 1 / 2
TARGET_DE_FIRST_LOAD_S = 5.0
TARGET_DE_UPDATE_S = 1.0
TARGET_FIRST_MAP_RATIO = 1 / 2  # issue #20: the first coloured map, cold and warm

MAP_OUTPUT_RE = re.compile(r"(^|\.)(map\.figure|map-description\.data)")
THUMB = "#year [role=slider]"
PATHS_JS = "document.querySelectorAll('#map .choroplethlocation').length"
#: installed once per page: input timestamps and repaint times of the #map graph. The map counts
#: as repainted when its areas show new colours: plotly sets every area's colour as the ``fill``
#: attribute of its ``path.choroplethlocation``, in a full drawing (Plotly.react, the naive
#: app's every step, the atlas's switch of indicator) and in the atlas's recolour of a year step
#: alike (which fires no plotly_react); a MutationObserver sees the first such change after the
#: input (at the end of the task that made it), the paint is the next animation frame.
HOOK_JS = """() => {
  if (window.__benchHooked) return true;
  const map = document.querySelector('#map');
  const gd = map && map.querySelector('.js-plotly-plot');
  if (!gd || !gd.on) return false;
  window.__benchHooked = true;
  const onInput = (e) => { const b = window.__bench; if (b && b.t0 === null) b.t0 = e.timeStamp; };
  document.addEventListener('keydown', onInput, true);
  document.addEventListener('click', onInput, true);
  const done = (via) => {
    const b = window.__bench;
    if (!b || b.t0 === null || b.tPlot !== null) return;
    b.tPlot = performance.now(); b.via = via;
    requestAnimationFrame(() => setTimeout(() => { b.tPaint = performance.now(); }, 0));
  };
  // how many of plotly's full drawings (Plotly.react) came before the repaint
  const react = window.Plotly.react;
  window.Plotly.react = function () {
    const b = window.__bench;
    if (b && b.t0 !== null && b.tPlot === null) b.full += 1;
    return react.apply(this, arguments);
  };
  // the map shows the new state: the first change of its drawing, an area's colour or the
  // legend or reference text (a year step in which no area changes its class changes no
  // colour; plotly's full drawing and the atlas's recolour both change the legend)
  const drawing = (node) => {
    const el = node && (node.nodeType === 1 ? node : node.parentElement);
    return !!(el && el.closest && el.closest('.main-svg') && !el.closest('.hoverlayer'));
  };
  new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === 'attributes' && r.target.classList &&
          r.target.classList.contains('choroplethlocation')) { done('fill'); return; }
      if (r.type !== 'attributes' && drawing(r.target)) { done('drawing'); return; }
    }
  }).observe(map, {subtree: true, attributes: true, attributeFilter: ['fill'],
                   childList: true, characterData: true});
  return true;
}"""
ARM_JS = ("() => { window.__bench = {t0: null, tPlot: null, tPaint: null, via: null,"
          " full: 0}; }")
SLIDER_STATE_JS = """() => { const t = document.querySelector('#year [role=slider]');
  return t ? {now: Number(t.getAttribute('aria-valuenow')), min: Number(t.getAttribute('aria-valuemin')),
              max: Number(t.getAttribute('aria-valuemax'))} : null; }"""
#: watches the slider thumb; records when aria-valuenow changes (first-load "interactive")
WATCH_THUMB_JS = """() => {
  const t = document.querySelector('#year [role=slider]');
  window.__thumbChanged = null;
  const before = t.getAttribute('aria-valuenow');
  new MutationObserver(() => {
    if (window.__thumbChanged === null && t.getAttribute('aria-valuenow') !== before)
      window.__thumbChanged = performance.now();
  }).observe(t, {attributes: true, attributeFilter: ['aria-valuenow']});
}"""


# ===================================================================================== case data
def sources_folder() -> Path:
    from atlas.build import find_sources

    return Path(find_sources(None))


def _simplified(source: Path, level: str, land: str) -> dict:
    from atlas import geo
    from atlas.build import SIMPLIFY_TOLERANCE_M

    frame = geo.read_boundaries(source, level=level, land=land)
    return geo.to_geojson(geo.simplify(frame, SIMPLIFY_TOLERANCE_M))


def _genesis(folder: Path, prefix: str):
    from atlas.readers import read_genesis_flat

    path = sorted((folder / "indicators" / "genesis_ffcsv").glob(f"{prefix}_*_de_flat.csv"))[0]
    return read_genesis_flat(path)


def gemeinde_values(folder: Path, keys: set[str]):
    """The three real Gemeinde series as ``ags, year, value`` with ``year`` = slider position.

    Kreisfreie Städte come with their 5-digit Kreis key in the Zensus table; they are given to the
    Gemeinde ``<key>000`` when the boundaries have it (as the atlas does)."""
    import pandas as pd

    frames, cache = [], {}
    for position, prefix, code, _label in GEMEINDE_SERIES:
        if prefix not in cache:
            cache[prefix] = _genesis(folder, prefix)
        rows = cache[prefix]
        rows = rows[rows["code"] == code][["ags", "value"]].copy()
        five = rows["ags"].str.len() == 5
        rows.loc[five, "ags"] = rows.loc[five, "ags"] + "000"
        rows = rows[rows["ags"].isin(keys)].drop_duplicates("ags", keep="first")
        frames.append(rows.assign(year=position))
    return pd.concat(frames, ignore_index=True)[["ags", "year", "value"]]


def prepare_case(case: str, out: Path, folder: Path) -> dict:
    """Write ``geo.json``, ``values.csv`` and ``meta.json`` of one case into ``out``; return meta."""
    import pandas as pd

    out.mkdir(parents=True, exist_ok=True)
    geo_note = ""
    if case == "th_kreise":
        from atlas.build import GEO_OUT
        from atlas.data import get_data
        from atlas.paths import data_dir

        geo_path = Path(data_dir()) / GEO_OUT
        geojson = json.loads(geo_path.read_text(encoding="utf-8"))
        geo_note = f"the atlas's built geometry {geo_path}"
        data = get_data()
        rows = data.values[(data.values["indicator"] == TH_KREIS_INDICATOR)
                           & data.values["ags"].isin(set(data.regions["ags"]))]
        values = rows[["ags", "year", "value"]].dropna(subset=["value"])
        labels = None
        values_note = f"atlas data, indicator {TH_KREIS_INDICATOR}, one year per slider step"
    else:
        built = Path(PROJECT_ROOT / "data" / "geo" / "gemeinden.geojson")
        if case == "th_gemeinden" and built.is_file():
            geojson = json.loads(built.read_text(encoding="utf-8"))
            geo_note = f"the atlas's built geometry {built}"
        else:
            rel, level, land = GEO_SOURCES[case]
            geojson = _simplified(folder / rel, level, land)
            geo_note = f"{rel}, simplified with atlas.geo (atlas.build.SIMPLIFY_TOLERANCE_M)"
        keys = {f["properties"]["AGS"] for f in geojson["features"]}
        if case == "de_kreise":
            inkar = pd.read_csv(folder / "indicators" / "inkar2024" /
                                "inkar2024_de_kreise_key_long.csv", dtype={"ags": str},
                                usecols=["ags", "jahr", "kuerzel", "wert"])
            rows = inkar[(inkar["kuerzel"] == DE_KREIS_INKAR) & inkar["ags"].isin(keys)]
            values = rows.rename(columns={"jahr": "year", "wert": "value"})[["ags", "year", "value"]]
            labels = None
            values_note = f"INKAR 2024 {DE_KREIS_INKAR} (SGB-II-Quote), one year per slider step"
        else:
            values = gemeinde_values(folder, keys)
            labels = {p: label for p, _f, _c, label in GEMEINDE_SERIES}
            values_note = ("slider positions 1–3 = " +
                           "; ".join(f"{p}: {label} ({code})" for p, _f, code, label in GEMEINDE_SERIES))
    values = values.dropna(subset=["value"])
    values["year"] = values["year"].astype(int)
    (out / "geo.json").write_text(json.dumps(geojson, separators=(",", ":"), ensure_ascii=False),
                                  encoding="utf-8")
    values.to_csv(out / "values.csv", index=False)
    positions = sorted(int(y) for y in values["year"].unique())
    keys = {f["properties"]["AGS"] for f in geojson["features"]}
    latest = values[values["year"] == positions[-1]]
    meta = {
        "case": case,
        "features": len(geojson["features"]),
        "geojson_bytes": (out / "geo.json").stat().st_size,
        "geometry": geo_note,
        "values": values_note,
        "positions": positions,
        "labels": labels,
        "values_per_position": {str(p): int((values["year"] == p).sum()) for p in positions},
        # px.choropleth draws only the located rows that have a feature
        "baseline_paths_at_start": int(latest["ags"].isin(keys).sum()),
    }
    (out / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    return meta


def load_case(folder: str | Path):
    import pandas as pd

    folder = Path(folder)
    geojson = json.loads((folder / "geo.json").read_text(encoding="utf-8"))
    values = pd.read_csv(folder / "values.csv", dtype={"ags": str})
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    labels = {int(k): v for k, v in meta["labels"].items()} if meta.get("labels") else None
    return geojson, values, labels


# ========================================================================== the Patch replica app
def _feature_keys(geojson: dict, featureidkey: str) -> list[str]:
    path = featureidkey.split(".")
    keys = []
    for feature in geojson["features"]:
        node = feature
        for part in path:
            node = node[part]
        keys.append(str(node))
    return keys


def _class_update(series, k: int = len(CLASS_COLOURS)) -> dict:
    """Quantile classes of one slider position: z = class (0 = missing), stepwise colour scale."""
    import numpy as np

    v = series.to_numpy(dtype=float)
    finite = v[~np.isnan(v)]
    if finite.size:
        bounds = np.unique(np.quantile(finite, np.linspace(0, 1, k + 1)[1:-1]))
        cls = np.searchsorted(bounds, v, side="right") + 1
    else:
        cls = np.zeros(len(v), dtype=int)
    cls[np.isnan(v)] = 0
    steps = [MISSING_COLOUR, *CLASS_COLOURS]
    n = len(steps)
    scale = []
    for i, colour in enumerate(steps):
        scale += [[i / n, colour], [(i + 1) / n, colour]]
    return {"z": cls.tolist(), "zmin": -0.5, "zmax": n - 0.5, "colorscale": scale}


GEO_ROUTE = "/geo.json"


def _extent(geojson: dict) -> dict:
    """The map's frame as fixed axis ranges: ``fitbounds`` would measure every ring again on
    each update (120 ms for 10,997 Gemeinden)."""
    import shapely
    from shapely.geometry import shape

    bounds = shapely.bounds([shape(f["geometry"]) for f in geojson["features"]])
    return {"lonaxis": {"range": [bounds[:, 0].min(), bounds[:, 2].max()]},
            "lataxis": {"range": [bounds[:, 1].min(), bounds[:, 3].max()]}}


def make_patch_replica(geojson: dict, values, featureidkey: str = FEATURE_ID_KEY, *,
                       labels: dict[int, str] | None = None):
    """The atlas's approach in a small app: the geometry is a versioned file (``/geo.json?v=…``,
    cached for good by the browser, compressed), named by URL in the figure, which is built once
    as a plain dict (no per-request copy of a ``go.Figure``); each slider change answers with a
    ``dash.Patch`` of the map trace's ``z``, ``locations`` and colour scale only. Hover shows the
    region name and class."""
    import hashlib

    import dash
    import plotly.graph_objects as go
    import plotly.io as pio
    from baseline_app import ASSETS, GRAPH_ID, SLIDER_ID, TOPOJSON_URL, slider_marks
    from dash import Input, Output, Patch, dcc, html

    from atlas.api import versioned_response

    keys = _feature_keys(geojson, featureidkey)
    names = [f["properties"].get("GEN", k) for f, k in zip(geojson["features"], keys)]
    values = values.assign(ags=values["ags"].astype(str))
    positions = sorted(int(y) for y in values["year"].unique())
    by_position = {p: values[values["year"] == p].drop_duplicates("ags").set_index("ags")["value"]
                   .reindex(keys) for p in positions}
    pio.defaults.topojson = str(ASSETS / "topojson")
    body = json.dumps(geojson, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    digest = hashlib.sha1(body).hexdigest()[:16]

    start = _class_update(by_position[positions[-1]])
    figure = go.Figure(go.Choropleth(
        featureidkey=featureidkey, locations=keys, text=names,
        hovertemplate="%{text}: Klasse %{z}<extra></extra>", showscale=False,
        marker={"line": {"width": 0.3, "color": "#ffffff"}}, **start))
    figure.update_layout(template="none", height=600, margin={"l": 0, "r": 0, "t": 0, "b": 0},
                         geo={"visible": False, "projection": {"type": "mercator"},
                              **_extent(geojson)}, uirevision="map")
    figure = figure.to_plotly_json()
    figure["data"][0]["geojson"] = f"{GEO_ROUTE}?v={digest}"

    app = dash.Dash(__name__, title="Patch replica", assets_folder=str(ASSETS),
                    assets_ignore=".*", serve_locally=True, compress=True)
    app.server.add_url_rule(GEO_ROUTE, "geometry",
                            lambda: versioned_response(body, digest, "application/geo+json"))
    app.layout = html.Div([
        html.H1("Patch replica: geometry once, Patch per update", style={"fontSize": "1.2rem"}),
        dcc.Slider(id=SLIDER_ID, min=positions[0], max=positions[-1], step=1,
                   value=positions[-1], marks=slider_marks(positions, labels)),
        dcc.Graph(id=GRAPH_ID, figure=figure, config={"topojsonURL": TOPOJSON_URL}),
    ])

    @app.callback(Output(GRAPH_ID, "figure"), Input(SLIDER_ID, "value"),
                  prevent_initial_call=True)
    def update_map(position):
        if position not in by_position:
            raise dash.exceptions.PreventUpdate
        update = _class_update(by_position[position])
        patch = Patch()
        trace = patch["data"][0]
        for key, value in update.items():
            trace[key] = value
        return patch

    return app


def wsgi_app(kind: str, folder: str):
    """gunicorn entry: ``bench_scale:wsgi_app("baseline", "/tmp/…/th_kreise")``."""
    from baseline_app import make_baseline

    geojson, values, labels = load_case(folder)
    if kind == "baseline":
        return make_baseline(geojson, values, FEATURE_ID_KEY, labels=labels).server
    if kind == "replica":
        return make_patch_replica(geojson, values, FEATURE_ID_KEY, labels=labels).server
    raise ValueError(kind)


# ================================================================================ child servers
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    process: subprocess.Popen
    base: str
    log: Path

    def workers(self) -> list[int]:
        import psutil

        try:
            return [c.pid for c in psutil.Process(self.process.pid).children()]
        except psutil.Error:
            return []

    def peak_rss_mb(self) -> float | None:
        """Largest ``VmHWM`` (peak resident set) over the worker processes, in MB."""
        peaks = []
        for pid in self.workers():
            with contextlib.suppress(OSError):
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peaks.append(int(line.split()[1]) / 1024)
        return round(max(peaks), 1) if peaks else None


@contextlib.contextmanager
def gunicorn(kind: str, case_folder: Path | None, logs: Path, timeout_s: float = 120
             ) -> Iterator[Server]:
    """Start one gunicorn master with one worker for ``kind``; stop it afterwards (by its pid)."""
    import requests

    port = free_port()
    bind = f"127.0.0.1:{port}"
    exe = str(VENV_BIN / "gunicorn")
    if kind == "atlas":
        cmd = [exe, "-c", "gunicorn.conf.py", "--workers", str(ATLAS_WORKERS), "--bind", bind,
               "--access-logfile", "/dev/null"]
        cwd = PROJECT_ROOT
    else:
        cmd = [exe, "--workers", "1", "--worker-class", "gthread", "--threads", "4",
               "--timeout", "300", "--bind", bind, "--pythonpath", f"{PROJECT_ROOT},{BENCH_DIR}",
               f'bench_scale:wsgi_app("{kind}", "{case_folder}")']
        cwd = BENCH_DIR  # no gunicorn.conf.py here: plain gunicorn defaults otherwise
    log = logs / f"{kind}-{case_folder.name if case_folder else 'atlas'}-{port}.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    server = Server(process, f"http://127.0.0.1:{port}", log)
    try:
        deadline = time.perf_counter() + timeout_s
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{kind} server exited ({process.returncode}); log {log}:\n"
                                   + log.read_text(errors="replace")[-2000:])
            with contextlib.suppress(requests.RequestException):
                if requests.get(server.base + "/_dash-layout", timeout=60).status_code == 200:
                    break
            if time.perf_counter() > deadline:
                raise RuntimeError(f"{kind} server did not answer within {timeout_s:.0f} s")
            time.sleep(0.3)
        yield server
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


# ============================================================================== browser helpers
@dataclass
class Exchange:
    url: str
    body: dict
    status: int
    raw_bytes: int
    wire_bytes: int
    request_bytes: int
    encoding: str | None
    start_epoch_ms: float | None = None  # when the browser sent it (ms since the epoch)
    response_end_ms: float | None = None  # last byte received, ms after start

    @property
    def output(self) -> str:
        return self.body.get("output", "")

    @property
    def is_map(self) -> bool:
        return bool(MAP_OUTPUT_RE.search(self.output))


@dataclass
class Recorder:
    """Callback exchanges of a page with raw and wire sizes; knows when traffic has settled."""

    exchanges: list[Exchange] = field(default_factory=list)
    pending: int = 0
    last: float = field(default_factory=time.perf_counter)

    def attach(self, page) -> None:
        page.on("request", self._request)
        page.on("requestfinished", self._finished)
        page.on("requestfailed", self._failed)

    @staticmethod
    def _mine(request) -> bool:
        return UPDATE_PATH in request.url and request.method == "POST"

    def _request(self, request) -> None:
        if self._mine(request):
            self.pending += 1
            self.last = time.perf_counter()

    def _failed(self, request) -> None:
        if self._mine(request):
            self.pending -= 1
            self.last = time.perf_counter()
            self.exchanges.append(Exchange(request.url, {}, -1, 0, 0, 0, None))

    def _finished(self, request) -> None:
        if not self._mine(request):
            return
        response = request.response()
        try:
            raw = len(response.body())
        except Exception:  # 204 has no body
            raw = 0
        try:
            wire = int(request.sizes()["responseBodySize"])
        except Exception:
            wire = raw
        post = request.post_data_buffer or b""
        timing = request.timing
        self.exchanges.append(Exchange(request.url, json.loads(post or b"{}"), response.status,
                                       raw, wire, len(post),
                                       response.headers.get("content-encoding"),
                                       timing.get("startTime"), timing.get("responseEnd")))
        self.pending -= 1
        self.last = time.perf_counter()

    def take(self) -> list[Exchange]:
        out, self.exchanges = self.exchanges, []
        return out

    def mark(self) -> None:
        """An input now: the update's callbacks may start later (the atlas sends heading, table
        and address only once the slider rests), so the quiet time counts from here."""
        self.last = time.perf_counter()

    def settle(self, page, quiet_s: float = 0.3, timeout_s: float = 60.0) -> None:
        deadline = time.perf_counter() + timeout_s
        while time.perf_counter() < deadline:
            page.wait_for_timeout(40)
            if self.pending <= 0 and time.perf_counter() - self.last >= quiet_s:
                return
        raise TimeoutError("callbacks did not settle")


def ready_js(min_paths: int, slider_max: int | None) -> str:
    cond = f"{PATHS_JS} >= {min_paths}"
    if slider_max is not None:
        cond += (" && (() => { const t = document.querySelector('#year [role=slider]');"
                 f" return t && Number(t.getAttribute('aria-valuemax')) === {slider_max}; }})()")
    return f"() => ({cond}) && performance.now()"


@dataclass
class AppSpec:
    """How to drive one app in the browser."""

    name: str
    url: str
    min_paths: int
    slider_max: int | None
    interaction: str  # "slider" or "dropdown"
    indicators: list[tuple[str, str]] = field(default_factory=list)  # dropdown: (id, label)
    indicator_years: dict[str, int] = field(default_factory=dict)
    positions: list[int] = field(default_factory=list)  # slider positions for replays


#: the first coloured map: the atlas's first paint (SVG in the page's HTML, atlas/firstpaint.py)
#: or the interactive map, whichever shows all areas first (the naive app has only the latter)
COLOURED_JS = ("Math.max(document.querySelectorAll('#first-paint path[fill]').length, "
               + PATHS_JS + ")")


def _visit(page, base: str, spec: AppSpec, timeout_ms: int) -> dict:
    """One page load: navigation start → first coloured map → map drawn with all regions →
    slider reacts."""
    sizes: list[int] = []

    def on_finished(request):
        with contextlib.suppress(Exception):
            sizes.append(int(request.sizes()["responseBodySize"]))

    page.on("requestfinished", on_finished)
    page.goto(base + spec.url, wait_until="commit")
    coloured = page.wait_for_function(f"() => ({COLOURED_JS}) >= {spec.min_paths} && "
                                      "performance.now()", polling="raf",
                                      timeout=timeout_ms).json_value() / 1000
    drawn = page.wait_for_function(ready_js(spec.min_paths, spec.slider_max),
                                   polling="raf", timeout=timeout_ms).json_value() / 1000
    interactive = drawn  # nothing to press (single-year level): interactive when drawn
    state = page.evaluate(SLIDER_STATE_JS)
    if spec.interaction == "slider" and state and state["max"] > state["min"]:
        page.evaluate(WATCH_THUMB_JS)
        page.focus(THUMB)
        page.keyboard.press("ArrowLeft" if state["now"] >= state["max"] else "ArrowRight")
        interactive = page.wait_for_function("() => window.__thumbChanged",
                                             timeout=timeout_ms).json_value() / 1000
    paths = page.evaluate(PATHS_JS)
    heap = page.evaluate("() => performance.memory ? performance.memory.usedJSHeapSize : null")
    page.wait_for_timeout(300)
    return {"coloured": coloured, "drawn": drawn, "interactive": interactive, "paths": paths,
            "heap": heap,
            "transferred": sum(sizes)}


def first_load(browser, base: str, spec: AppSpec, runs: int, timeout_ms: int) -> dict:
    """Cold: a fresh browser context (empty cache) per run. Warm: after the last cold run, the
    same address once more in a new tab of that context (what a returning planner sees)."""
    cold, warm = [], None
    for run in range(runs):
        context = browser.new_context()
        try:
            cold.append(_visit(context.new_page(), base, spec, timeout_ms))
            if run == runs - 1:
                warm = _visit(context.new_page(), base, spec, timeout_ms)
        finally:
            context.close()
    coloured = [v["coloured"] for v in cold]
    drawn = [v["drawn"] for v in cold]
    interactive = [v["interactive"] for v in cold]
    heap = [v["heap"] for v in cold]
    return {
        "runs": runs,
        "coloured_s": [round(x, 3) for x in coloured],
        "coloured_median_s": round(statistics.median(coloured), 3),
        "map_drawn_s": [round(x, 3) for x in drawn],
        "interactive_s": [round(x, 3) for x in interactive],
        "map_drawn_median_s": round(statistics.median(drawn), 3),
        "interactive_median_s": round(statistics.median(interactive), 3),
        "interactive_max_s": round(max(interactive), 3),
        "paths_drawn": max(v["paths"] for v in cold),
        "transferred_bytes_median": int(statistics.median(v["transferred"] for v in cold)),
        "js_heap_mb_median": (round(statistics.median(heap) / 2**20, 1)
                              if all(h is not None for h in heap) else None),
        "warm": {"coloured_s": round(warm["coloured"], 3),
                 "map_drawn_s": round(warm["drawn"], 3),
                 "interactive_s": round(warm["interactive"], 3),
                 "transferred_bytes": warm["transferred"]},
    }


def _dropdown_pick(page, indicator_id: str, label: str) -> None:
    option = page.locator(f'[role=option]:has(input[value="{indicator_id}"])')
    page.locator("#indicator").click()
    try:
        option.first.wait_for(state="visible", timeout=2000)
    except Exception:
        page.locator("input.dash-dropdown-search").first.fill(label)
        option.first.wait_for(state="visible", timeout=5000)
    return option.first


def presses(browser, base: str, spec: AppSpec, n: int, budget_s: float,
            timeout_ms: int, pause_s: float = 0.3) -> tuple[dict, list[Exchange]]:
    """Browser time from input to repainted map, and the callback traffic of each update."""
    context = browser.new_context()
    page = context.new_page()
    recorder = Recorder()
    recorder.attach(page)
    times, plot_times, per_update, misses, phases = [], [], [], 0, []
    full_draws: list[int] = []  # Plotly.react calls between the input and the repaint
    repaint_timeout_ms = 10_000 if timeout_ms <= 60_000 else timeout_ms  # a miss: no repaint
    candidates: list[list[Exchange]] = []  # callbacks of updates that changed the map
    try:
        page.goto(base + spec.url)
        page.wait_for_function(ready_js(spec.min_paths, spec.slider_max), polling="raf",
                               timeout=timeout_ms)
        recorder.settle(page, timeout_s=timeout_ms / 1000)
        recorder.take()
        if not page.evaluate(HOOK_JS):
            raise RuntimeError("plotly graph div #map not found")
        origin = page.evaluate("performance.timeOrigin")
        started = time.perf_counter()
        key, cycle = "ArrowRight", 0
        for i in range(n):
            if i >= 3 and time.perf_counter() - started > budget_s:
                break
            if spec.interaction == "slider":
                state = page.evaluate(SLIDER_STATE_JS)
                if state["now"] >= state["max"]:
                    key = "ArrowLeft"
                elif state["now"] <= state["min"]:
                    key = "ArrowRight"
                page.focus(THUMB)
                page.evaluate(ARM_JS)
                recorder.mark()
                page.keyboard.press(key)
            else:
                indicator_id, label = spec.indicators[(cycle + 1) % len(spec.indicators)]
                cycle += 1
                option = _dropdown_pick(page, indicator_id, label)
                page.evaluate(ARM_JS)
                recorder.mark()
                option.click()
            b = None
            try:
                page.wait_for_function("() => window.__bench.tPaint !== null",
                                       timeout=min(timeout_ms, repaint_timeout_ms))
                b = page.evaluate("() => window.__bench")
                times.append(b["tPaint"] - b["t0"])
                plot_times.append(b["tPlot"] - b["t0"])
                full_draws.append(b["full"])
            except Exception:
                misses += 1
            recorder.settle(page, quiet_s=pause_s, timeout_s=timeout_ms / 1000)
            exchanges = recorder.take()
            ok = [e for e in exchanges if e.status == 200]
            maps = [e for e in ok if e.is_map]
            answered = [e for e in exchanges if e.status in (200, 204)]
            if answered:  # replayed with the 204 answers too: they cost server time as well
                candidates.append(answered)
            if b and maps and maps[0].start_epoch_ms and maps[0].response_end_ms is not None:
                sent = maps[0].start_epoch_ms - origin - b["t0"]
                phases.append((sent, sent + maps[0].response_end_ms, b["tPlot"] - b["t0"]))
            per_update.append({
                "callbacks": len(exchanges),
                "statuses": sorted({e.status for e in exchanges}),
                "raw_bytes": sum(e.raw_bytes for e in exchanges),
                "wire_bytes": sum(e.wire_bytes for e in exchanges),
                "request_bytes": sum(e.request_bytes for e in exchanges),
                "map_raw_bytes": sum(e.raw_bytes for e in maps),
                "map_wire_bytes": sum(e.wire_bytes for e in maps),
                "encodings": sorted({e.encoding or "identity" for e in exchanges}),
                "by_output": {_short(e.output): [e.status, e.raw_bytes, e.wire_bytes]
                              for e in exchanges},
            })
    finally:
        context.close()
    # replay template: a typical update (median number of callbacks), not an outlier; updates
    # with a map request where there are any (the atlas draws a year change in the browser)
    candidates = [c for c in candidates if any(e.is_map for e in c)] or candidates
    candidates.sort(key=len)
    template = candidates[(len(candidates) - 1) // 2] if candidates else None
    if not times:
        return {"n": 0, "misses": misses, "updates": per_update}, template or []
    updated = [u for u in per_update if u["map_raw_bytes"]] or per_update
    med = lambda key: int(statistics.median(u[key] for u in updated))  # noqa: E731
    return {
        "n": len(times),
        "misses": misses,
        "repaint_p50_ms": round(percentile(times, 50), 1),
        "repaint_p95_ms": round(percentile(times, 95), 1),
        "repaint_max_ms": round(max(times), 1),
        "plot_done_p50_ms": round(percentile(plot_times, 50), 1),
        # medians, ms after the input: map POST sent, map answer received, map plotted
        "map_post_sent_p50_ms": round(percentile([p[0] for p in phases], 50), 1) if phases else None,
        "map_answer_received_p50_ms": (round(percentile([p[1] for p in phases], 50), 1)
                                       if phases else None),
        "raw_bytes_p50": med("raw_bytes"),
        "wire_bytes_p50": med("wire_bytes"),
        "request_bytes_p50": med("request_bytes"),
        "map_raw_bytes_p50": med("map_raw_bytes"),
        "map_wire_bytes_p50": med("map_wire_bytes"),
        "callbacks_per_update": int(statistics.median(u["callbacks"] for u in updated)),
        "callbacks_per_update_all": [u["callbacks"] for u in per_update],
        "encodings": sorted({e for u in per_update for e in u["encodings"]}),
        "times_ms": [round(t, 1) for t in times],
        "full_draws_before_repaint": full_draws,
        "by_output_p50": _by_output(updated),
    }, template or []


def _short(output: str) -> str:
    """``..map.figure...map-note.children..`` → ``map.figure+map-note.children``."""
    return "+".join(part.split("@")[0] for part in output.strip(".").split("...") if part)


def _by_output(updates: list[dict]) -> dict:
    """Median raw and wire bytes per callback output over the updates (status of the last)."""
    names = {name for u in updates for name in u.get("by_output", {})}
    out = {}
    for name in sorted(names):
        seen = [u["by_output"][name] for u in updates if name in u.get("by_output", {})]
        out[name] = {"status": seen[-1][0], "n": len(seen),
                     "raw_p50": int(statistics.median(x[1] for x in seen)),
                     "wire_p50": int(statistics.median(x[2] for x in seen))}
    return out


# ===================================================================================== replays
def substitute(body: dict, indicator: str | None, year: int | None) -> dict:
    out = json.loads(json.dumps(body))
    for item in out.get("inputs", []) + out.get("state", []):
        if item.get("id") in ("indicator", "indicator-settled") and indicator is not None:
            item["value"] = indicator
        elif item.get("id") in ("year", "year-settled") and year is not None:
            item["value"] = year
    return out


def timed_post(session, url: str, body: dict) -> tuple[float, int, int, int]:
    """POST like the browser (compression accepted); (seconds, status, raw bytes, wire bytes)."""
    data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    started = time.perf_counter()
    response = session.post(url, data=data, stream=True, timeout=300, headers={
        "Content-Type": "application/json", "Accept-Encoding": "gzip, deflate, br"})
    wire = response.raw.read(decode_content=False)
    elapsed = time.perf_counter() - started
    encoding = response.headers.get("content-encoding", "")
    raw = wire
    if encoding == "gzip":
        raw = gzip.decompress(wire)
    elif encoding == "br":
        raw = brotli.decompress(wire)
    elif encoding == "deflate":
        raw = zlib.decompress(wire)
    response.close()
    return elapsed, response.status_code, len(raw), len(wire)


def replay(base: str, template: list[Exchange], plan: list[tuple[str | None, int | None]],
           budget_s: float) -> dict:
    """Replay an update's callbacks (browser order, sequentially) per plan entry."""
    import requests

    session = requests.Session()
    map_ms, all_ms, raw, wire, statuses = [], [], [], [], set()
    started = time.perf_counter()
    for i, (indicator, year) in enumerate(plan):
        if i >= 3 and time.perf_counter() - started > budget_s:
            break
        total_s = total_raw = total_wire = 0
        for exchange in template:
            url = exchange.url if exchange.url.startswith("http") else base + exchange.url
            s, status, r, w = timed_post(session, url, substitute(exchange.body, indicator, year))
            statuses.add(status)
            total_s += s
            total_raw += r
            total_wire += w
            if exchange.is_map:
                map_ms.append(s * 1000)
        all_ms.append(total_s * 1000)
        raw.append(total_raw)
        wire.append(total_wire)
    return {
        "n": len(all_ms),
        "callbacks": len(template),
        "statuses": sorted(statuses),
        # no map request: the map was drawn in the browser (0 ms on the server)
        "map_p50_ms": round(percentile(map_ms, 50), 1) if map_ms else 0.0,
        "map_p95_ms": round(percentile(map_ms, 95), 1) if map_ms else 0.0,
        "map_requests": len(map_ms),
        "all_p50_ms": round(percentile(all_ms, 50), 1),
        "all_p95_ms": round(percentile(all_ms, 95), 1),
        "raw_bytes_p50": int(percentile(raw, 50)),
        "wire_bytes_p50": int(percentile(wire, 50)),
    }


# ============================================================================ per-app measuring
def measure_app(playwright, executable: str, server: Server, spec: AppSpec, args,
                heavy: bool) -> dict:
    timeout_ms = 180_000 if heavy else 60_000
    browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
    result: dict = {"url": spec.url}
    try:
        result["first_load"] = first_load(browser, server.base, spec,
                                          max(1, args.page_runs - (1 if heavy else 0)), timeout_ms)
        n = args.presses_heavy if heavy else args.presses
        result["browser"], template = presses(browser, server.base, spec, n,
                                              args.press_budget, timeout_ms, args.pause)
    finally:
        browser.close()
    if template:
        if spec.interaction == "slider":
            cycle = list(reversed(spec.positions))
            plan = [(None, cycle[i % len(cycle)]) for i in range(args.replays)]
        else:
            plan = [(spec.indicators[i % len(spec.indicators)][0],
                     spec.indicator_years.get(spec.indicators[i % len(spec.indicators)][0]))
                    for i in range(args.replays)]
        result["server"] = replay(server.base, template, plan, args.replay_budget)
        result["server"]["template"] = [e.output for e in template]
    result["peak_rss_mb"] = server.peak_rss_mb()
    return result


def atlas_gemeinde_indicators(base: str) -> tuple[list[tuple[str, str]], dict[str, int]]:
    """Gemeinde indicators with values, from the catalogue (``level``) and ``/api/indicators``."""
    import requests

    from atlas.catalogue import load_catalogue

    levels = {i.id: getattr(i, "level", "kreis") for i in load_catalogue().indicators}
    payload = requests.get(base + "/api/indicators", timeout=30).json()["indicators"]
    chosen = [(i["id"], i["short_title"]) for i in payload
              if i["years"] and (levels.get(i["id"]) == "gemeinde" or i.get("level") == "gemeinde")]
    years = {i["id"]: i["years"][-1] for i in payload if i["years"]}
    return chosen, years


def measure_case(playwright, args, case: str, folder: Path, meta: dict, logs: Path) -> dict:
    heavy = case == "de_gemeinden"
    out: dict = {"meta": meta, "apps": {}}
    positions = meta["positions"]
    for kind in args.apps:
        if kind == "atlas" and case not in ("th_kreise", "th_gemeinden"):
            continue  # the atlas serves Thuringia only; the replica stands in
        print(f"  {case} / {kind} …", flush=True)
        t0 = time.perf_counter()
        try:
            with gunicorn(kind, folder if kind != "atlas" else None, logs) as server:
                if kind == "atlas":
                    spec, detail = atlas_spec(playwright, args.chromium, case, server)
                    if spec is None:
                        out["apps"][kind] = {"status": "not yet available", "detail": detail}
                        print(f"    atlas: not yet available ({detail})", flush=True)
                        continue
                else:
                    min_paths = (meta["baseline_paths_at_start"] if kind == "baseline"
                                 else meta["features"])
                    spec = AppSpec(kind, "/", min_paths, positions[-1], "slider",
                                   positions=positions)
                result = measure_app(playwright, args.chromium, server, spec, args,
                                     heavy and kind == "baseline")
                result["status"] = "measured"
                out["apps"][kind] = result
        except Exception as exc:  # keep going: one failing app must not stop the run
            text = f"{type(exc).__name__}: {exc}"
            if len(text) > 1500:  # the head says what failed, the tail of a log says why
                text = text[:300] + " … " + text[-1200:]
            out["apps"][kind] = {"status": "error", "detail": text}
            print(f"    ! {kind}: {type(exc).__name__}: {str(exc)[:300]}", flush=True)
        out["apps"][kind]["wall_s"] = round(time.perf_counter() - t0, 1)
    return out


def atlas_spec(playwright, executable: str, case: str, server: Server
               ) -> tuple[AppSpec | None, str]:
    """How to drive the real atlas for ``case``, or (None, reason) when the Gemeinde level does
    not exist yet: no Gemeinde indicator with values, or the page does not draw the Gemeinden."""
    import requests

    if case == "th_kreise":
        payload = requests.get(server.base + "/api/indicators", timeout=30).json()["indicators"]
        years = next(i["years"] for i in payload if i["id"] == TH_KREIS_INDICATOR)
        return AppSpec("atlas", "/", 22, years[-1], "slider", positions=years), ""
    indicators, years = atlas_gemeinde_indicators(server.base)
    if not indicators:
        return None, "no indicator with level = gemeinde has values"
    url = f"/?ebene=gemeinde&indicator={indicators[0][0]}"
    drawn = atlas_gemeinde_drawn(playwright, executable, server.base, url)
    if drawn < ATLAS_GEMEINDE_MIN_PATHS:
        return None, f"{url} draws {drawn} map paths"
    if len(indicators) < 2:
        return None, f"only one Gemeinde indicator ({indicators[0][0]}): nothing to switch"
    return AppSpec("atlas", url, drawn, None, "dropdown", indicators=indicators,
                   indicator_years=years), ""


def atlas_gemeinde_drawn(playwright, executable: str, base: str, url: str) -> int:
    """How many map paths the atlas page draws for the Gemeinde URL (0 if it fails)."""
    browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
    try:
        page = browser.new_page()
        recorder = Recorder()
        recorder.attach(page)
        page.goto(base + url)
        with contextlib.suppress(Exception):  # some map first, then the callbacks settle
            page.wait_for_function(f"() => {PATHS_JS} > 0", timeout=30_000)
            recorder.settle(page, quiet_s=1.0, timeout_s=30)
            page.wait_for_function(f"() => {PATHS_JS} >= {ATLAS_GEMEINDE_MIN_PATHS}",
                                   timeout=2_000)
        return page.evaluate(PATHS_JS)
    finally:
        browser.close()


# ======================================================================================= report
def _ms(v) -> str:
    return "–" if v is None else (f"{v / 1000:.2f} s" if v >= 10_000 else f"{v:.0f} ms")


def _kb(v) -> str:
    if v is None:
        return "–"
    return f"{v / 2**20:.2f} MB" if v >= 2**20 else f"{v / 1024:.1f} KB"


def _ratio(a, b) -> float | None:
    return None if a is None or not b else a / b


def _fmt_ratio(r) -> str:
    if r is None:
        return "–"
    return f"1/{1 / r:.0f}" if 0 < r < 0.5 else f"{r:.2f}"


def summary_rows(results: dict) -> list[dict]:
    """One row per case and app with the headline figures and ratios to the baseline."""
    rows = []
    for case, res in results["cases"].items():
        base = res["apps"].get("baseline", {})
        for kind, app in res["apps"].items():
            row = {"case": case, "app": kind, "status": app.get("status")}
            if app.get("status") == "measured":
                b, s, f = app.get("browser", {}), app.get("server", {}), app.get("first_load", {})
                row.update({
                    "server_map_p50_ms": s.get("map_p50_ms"), "server_map_p95_ms": s.get("map_p95_ms"),
                    "server_all_p50_ms": s.get("all_p50_ms"), "server_all_p95_ms": s.get("all_p95_ms"),
                    "raw_bytes": b.get("raw_bytes_p50"), "wire_bytes": b.get("wire_bytes_p50"),
                    "map_raw_bytes": b.get("map_raw_bytes_p50"),
                    "map_wire_bytes": b.get("map_wire_bytes_p50"),
                    "request_bytes": b.get("request_bytes_p50"),
                    "repaint_p50_ms": b.get("repaint_p50_ms"), "repaint_p95_ms": b.get("repaint_p95_ms"),
                    "presses": b.get("n"), "misses": b.get("misses"),
                    "first_load_coloured_s": f.get("coloured_median_s"),
                    "warm_coloured_s": f.get("warm", {}).get("coloured_s"),
                    "first_load_drawn_s": f.get("map_drawn_median_s"),
                    "first_load_interactive_s": f.get("interactive_median_s"),
                    "first_load_transferred": f.get("transferred_bytes_median"),
                    "peak_rss_mb": app.get("peak_rss_mb"),
                })
                if kind != "baseline" and base.get("status") == "measured":
                    bb = base.get("browser", {})
                    row["ratio_wire_bytes"] = _ratio(row["wire_bytes"], bb.get("wire_bytes_p50"))
                    row["ratio_raw_bytes"] = _ratio(row["raw_bytes"], bb.get("raw_bytes_p50"))
                    row["ratio_repaint_p50"] = _ratio(row["repaint_p50_ms"],
                                                      bb.get("repaint_p50_ms"))
                    bf = base.get("first_load", {})
                    row["ratio_coloured_cold"] = _ratio(row["first_load_coloured_s"],
                                                        bf.get("coloured_median_s"))
                    row["ratio_coloured_warm"] = _ratio(row["warm_coloured_s"],
                                                        bf.get("warm", {}).get("coloured_s"))
                    # the map callback alone (the atlas sends several callbacks per update)
                    row["ratio_map_wire_bytes"] = _ratio(row["map_wire_bytes"],
                                                         bb.get("wire_bytes_p50"))
                    row["ratio_map_raw_bytes"] = _ratio(row["map_raw_bytes"],
                                                        bb.get("raw_bytes_p50"))
            rows.append(row)
    return rows


def verdicts(results: dict, rows: list[dict]) -> list[dict]:
    """Target checks. TH levels: the atlas if measured, else the replica (marked)."""
    out = []
    by = {(r["case"], r["app"]): r for r in rows}
    for case in ("th_kreise", "th_gemeinden", "de_kreise", "de_gemeinden"):
        if case not in results["cases"]:
            continue
        ours = next((by[(case, k)] for k in ("atlas", "replica")
                     if by.get((case, k), {}).get("status") == "measured"), None)
        if ours is None:
            continue
        who = ours["app"]
        if case in ("th_kreise", "th_gemeinden"):
            for key, title in (("ratio_coloured_cold", "first coloured map, cold ≤ 1/2"),
                               ("ratio_coloured_warm", "first coloured map, warm ≤ 1/2")):
                r = ours.get(key)
                out.append({"case": case, "app": who, "target": title, "value": _fmt_ratio(r),
                            "ok": None if r is None else r <= TARGET_FIRST_MAP_RATIO})
        if case in ("th_kreise", "th_gemeinden"):
            for key, target, title in (
                ("ratio_wire_bytes", TARGET_BYTES_RATIO, "bytes per update on the wire ≤ 1/20"),
                ("ratio_raw_bytes", TARGET_BYTES_RATIO, "bytes per update, raw JSON ≤ 1/20"),
                ("ratio_repaint_p50", TARGET_REPAINT_RATIO, "median input → repaint ≤ 1/2"),
            ):
                r = ours.get(key)
                out.append({"case": case, "app": who, "target": title, "value": _fmt_ratio(r),
                            "ok": None if r is None else r <= target})
        if case == "de_gemeinden":
            for key, target, title, fmt in (
                ("first_load_interactive_s", TARGET_DE_FIRST_LOAD_S, "first load ≤ 5 s",
                 lambda v: f"{v:.2f} s"),
                ("repaint_p50_ms", TARGET_DE_UPDATE_S * 1000, "update (input → repaint) p50 ≤ 1 s",
                 _ms),
                ("repaint_p95_ms", TARGET_DE_UPDATE_S * 1000, "update (input → repaint) p95 ≤ 1 s",
                 _ms),
                ("server_all_p95_ms", TARGET_DE_UPDATE_S * 1000, "update server time p95 ≤ 1 s",
                 _ms),
            ):
                v = ours.get(key)
                out.append({"case": case, "app": who, "target": title,
                            "value": "–" if v is None else fmt(v),
                            "ok": None if v is None else v <= target})
    return out


def render(results: dict) -> str:
    rows = results["summary"]
    head = ("case", "app", "server map p50/p95", "server all p50/p95", "bytes/update raw",
            "wire", "×base wire", "×base raw", "input→repaint p50/p95", "×base p50",
            "first coloured map cold/warm", "×base cold/warm", "first load drawn/interactive",
            "peak RSS")
    table = []
    for r in rows:
        if r["status"] != "measured":
            table.append((r["case"], r["app"], r["status"] or "–", *[""] * (len(head) - 3)))
            continue
        table.append((
            r["case"], r["app"],
            f"{_ms(r['server_map_p50_ms'])} / {_ms(r['server_map_p95_ms'])}",
            f"{_ms(r['server_all_p50_ms'])} / {_ms(r['server_all_p95_ms'])}",
            _kb(r["raw_bytes"]), _kb(r["wire_bytes"]),
            _fmt_ratio(r.get("ratio_wire_bytes")), _fmt_ratio(r.get("ratio_raw_bytes")),
            f"{_ms(r['repaint_p50_ms'])} / {_ms(r['repaint_p95_ms'])}",
            _fmt_ratio(r.get("ratio_repaint_p50")),
            f"{r['first_load_coloured_s']:.2f} / {r['warm_coloured_s']:.2f} s"
            if r.get("first_load_coloured_s") is not None else "–",
            f"{_fmt_ratio(r.get('ratio_coloured_cold'))} / {_fmt_ratio(r.get('ratio_coloured_warm'))}",
            f"{r['first_load_drawn_s']:.2f} / {r['first_load_interactive_s']:.2f} s"
            if r.get("first_load_drawn_s") is not None else "–",
            f"{r['peak_rss_mb']:.0f} MB" if r.get("peak_rss_mb") else "–",
        ))
    widths = [max(len(str(x[i])) for x in [head, *table]) for i in range(len(head))]
    line = lambda cells: "  ".join(str(c).ljust(w) for c, w in zip(cells, widths)).rstrip()  # noqa
    m = results["machine"]
    out = [f"{results['date']} · {m['cpus']} CPUs · load avg (1 min) "
           f"{m['loadavg_1min_start']:.1f} → {m.get('loadavg_1min_end', 0):.1f} · "
           f"wall {results.get('wall_s', 0):.0f} s", ""]
    out += [line(head), line(["-" * w for w in widths])] + [line(t) for t in table]
    out += ["", "Targets:"]
    for v in results["verdicts"]:
        mark = {True: "ok", False: "MISSED", None: "–"}[v["ok"]]
        out.append(f"  {v['case']:<13} {v['app']:<8} {v['target']:<40} {v['value']:>10}  {mark}")
    for case, res in results["cases"].items():
        meta = res["meta"]
        out.append(f"\n{case}: {meta['features']} features, GeoJSON {_kb(meta['geojson_bytes'])} "
                   f"({meta['geometry']}); values: {meta['values']}")
        for kind, app in res["apps"].items():
            if app.get("status") != "measured":
                out.append(f"  {kind}: {app.get('status')} {app.get('detail') or ''}".rstrip())
                continue
            b, f = app["browser"], app["first_load"]
            row = next(r for r in results["summary"] if r["case"] == case and r["app"] == kind)
            if row.get("ratio_map_wire_bytes"):  # 0: no map request
                out.append(f"  {kind}: map callback alone {_kb(b.get('map_raw_bytes_p50'))} raw / "
                           f"{_kb(b.get('map_wire_bytes_p50'))} wire = "
                           f"{_fmt_ratio(row['ratio_map_raw_bytes'])} / "
                           f"{_fmt_ratio(row['ratio_map_wire_bytes'])} of the baseline; input → "
                           f"map POST sent {_ms(b.get('map_post_sent_p50_ms'))}, answer received "
                           f"{_ms(b.get('map_answer_received_p50_ms'))}, plotted "
                           f"{_ms(b.get('plot_done_p50_ms'))} (medians)")
            elif b.get("n") and not b.get("map_raw_bytes_p50"):
                out.append(f"  {kind}: no map request: the map was drawn in the browser, "
                           f"plotted {_ms(b.get('plot_done_p50_ms'))} after the input (median)")
            elif b.get("map_post_sent_p50_ms") is not None:
                out.append(f"  {kind}: input → map POST sent {_ms(b.get('map_post_sent_p50_ms'))}, "
                           f"answer received {_ms(b.get('map_answer_received_p50_ms'))}, plotted "
                           f"{_ms(b.get('plot_done_p50_ms'))} (medians)")
            out.append(f"  {kind}: {b.get('n')} updates ({b.get('misses')} without repaint), "
                       f"{b.get('callbacks_per_update')} callback(s)/update, map response "
                       f"{_kb(b.get('map_raw_bytes_p50'))} raw, upload {_kb(b.get('request_bytes_p50'))}, "
                       f"encodings {b.get('encodings')}; first load: {f['paths_drawn']} paths, "
                       f"{_kb(f['transferred_bytes_median'])} transferred, JS heap "
                       f"{f['js_heap_mb_median']} MB; again with the browser's cache: "
                       f"{f['warm']['map_drawn_s']:.2f} / {f['warm']['interactive_s']:.2f} s, "
                       f"{_kb(f['warm']['transferred_bytes'])} transferred; server replays "
                       f"n={app.get('server', {}).get('n')}")
    return "\n".join(out)


# ========================================================================================= main
def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", type=Path, help="write results JSON here")
    p.add_argument("--cases", default=",".join(CASES))
    p.add_argument("--apps", default=",".join(APPS))
    p.add_argument("--presses", type=int, default=20, help="key presses per app")
    p.add_argument("--presses-heavy", type=int, default=6,
                   help="key presses for the all-Germany Gemeinde baseline")
    p.add_argument("--press-budget", type=float, default=30.0, help="seconds per app (min 3 presses)")
    p.add_argument("--pause", type=float, default=0.3,
                   help="seconds without callback traffic before the next key press")
    p.add_argument("--replays", type=int, default=20, help="server replays per app")
    p.add_argument("--replay-budget", type=float, default=8.0, help="seconds per app (min 3)")
    p.add_argument("--page-runs", type=int, default=3, help="first-load runs per app")
    p.add_argument("--atlas-workers", type=int, default=1,
                   help="gunicorn workers for the atlas (peak RSS is per worker either way)")
    p.add_argument("--chromium", default=CHROMIUM)
    p.add_argument("--keep", action="store_true", help="keep the temporary case data and logs")
    args = p.parse_args(argv)
    args.cases = [c for c in args.cases.split(",") if c]
    args.apps = [a for a in args.apps.split(",") if a]
    bad = [c for c in args.cases if c not in CASES] + [a for a in args.apps if a not in APPS]
    if bad:
        p.error(f"unknown: {bad}")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    from playwright.sync_api import sync_playwright

    global ATLAS_WORKERS
    ATLAS_WORKERS = args.atlas_workers
    started = time.perf_counter()
    results: dict = {
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform(), "loadavg_1min_start": os.getloadavg()[0]},
        "options": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "targets": {"bytes_ratio": TARGET_BYTES_RATIO, "repaint_ratio": TARGET_REPAINT_RATIO,
                    "de_first_load_s": TARGET_DE_FIRST_LOAD_S, "de_update_s": TARGET_DE_UPDATE_S},
        "cases": {},
    }
    work = Path(tempfile.mkdtemp(prefix="atlas-bench-scale-"))
    logs = work / "logs"
    logs.mkdir()
    try:
        folder = sources_folder()
        print(f"Sources: {folder}; work folder {work}", flush=True)
        with sync_playwright() as playwright:
            for case in args.cases:
                t = time.perf_counter()
                meta = prepare_case(case, work / case, folder)
                print(f"{case}: {meta['features']} features, GeoJSON "
                      f"{_kb(meta['geojson_bytes'])}, prepared in {time.perf_counter() - t:.1f} s",
                      flush=True)
                results["cases"][case] = measure_case(playwright, args, case, work / case, meta,
                                                      logs)
                atlas = results["cases"][case]["apps"].get("atlas")
                if case == "th_gemeinden" and atlas and atlas.get("status") == "error":
                    atlas["status"] = "not yet available (error)"
    finally:
        if args.keep:
            print(f"Kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    results["machine"]["loadavg_1min_end"] = os.getloadavg()[0]
    results["wall_s"] = round(time.perf_counter() - started, 1)
    results["summary"] = summary_rows(results)
    results["verdicts"] = verdicts(results, results["summary"])
    print()
    print(render(results))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
        print(f"\nResults written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
