"""Core performance benchmark of the Sozialstrukturatlas: build, map updates, page load.

Run on demand (not part of the test suite)::

    python benchmarks/bench_core.py [--out benchmarks/results/core.json]

Measures

1. ``atlas.build.build`` wall time into a temporary folder (the data folder stays untouched).
2. Server time and bytes per map update: the app runs in this process (werkzeug, threaded) on a
   free loopback port. Headless Chromium opens the page and the benchmark records the real
   ``/_dash-update-component`` requests the browser sends when the year is changed on the slider
   (keyboard) and when the indicator is changed. Those requests are then replayed with
   ``requests`` many times, with the year or the indicator varied, and timed (loopback round trip
   ≈ server time).
3. Time from ``page.goto`` until the map shows all 22 Kreise, in a fresh browser context per run.

The app serves the regular data folder (``$ATLAS_DATA_DIR`` or ``data/``) if it is built, otherwise
the output of the benchmark's own build (``ATLAS_DATA_DIR`` is then set for this process only).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Iterator

import requests

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:  # `app` is a top-level module of the project
    sys.path.insert(0, str(PROJECT_ROOT))

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
UPDATE_PATH = "/_dash-update-component"
MAP_OUTPUT = "..map.figure...map-note.children.."
MAP_READY_JS = "document.querySelectorAll('#map .choroplethlocation').length === 22"
#: in-page milestones (ms since navigation start) read after the map is drawn
MILESTONES_JS = """() => {
  const res = performance.getEntriesByType('resource');
  const end = (pred) => Math.max(0, ...res.filter(pred).map(e => e.responseEnd));
  const nav = performance.getEntriesByType('navigation')[0];
  return {
    dom_content_loaded: nav.domContentLoadedEventEnd,
    plotly_js_loaded: end(e => e.name.includes('plotly') && e.name.endsWith('.js')),
    first_callback_sent: Math.min(...res.filter(e => e.name.includes('_dash-update-component'))
                                         .map(e => e.startTime)),
    last_callback_done: end(e => e.name.includes('_dash-update-component')),
    topojson_loaded: end(e => e.name.includes('/topojson/')),
  };
}"""
PREFERRED_INDICATORS = ("sgb2_quote", "kinderarmut", "bevoelkerung")
PATCH_KEY = "__dash_patch_update"

TARGET_UPDATE_MS = 150.0
TARGET_UPDATE_BYTES = 20 * 1024
TARGET_PAGE_READY_S = 2.0


# --------------------------------------------------------------------------------------- helpers
def percentile(values: list[float], q: float) -> float:
    """Linear-interpolated percentile (``q`` in 0..100) of a non-empty list."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    pos = (len(ordered) - 1) * q / 100.0
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def kb(n: float | None) -> str:
    return "–" if n is None else f"{n / 1024:.1f} KB"


def verdict(ok: bool | None) -> str:
    return {True: "ok", False: "OVER", None: "–"}[ok]


# ----------------------------------------------------------------------------------------- build
def bench_build(runs: int) -> tuple[dict, Path]:
    """Time ``build(out=tmp)`` ``runs`` times; return the figures and the last output folder.

    Earlier outputs are removed at once; the last one is kept (the caller removes it) so the app
    can serve it when the regular data folder is not built.
    """
    from atlas.build import build

    seconds, outputs = [], []
    for _ in range(runs):
        if outputs:
            shutil.rmtree(outputs[-1], ignore_errors=True)
        outputs.append(Path(tempfile.mkdtemp(prefix="atlas-bench-build-")))
        started = time.perf_counter()
        report = build(out=outputs[-1])
        seconds.append(time.perf_counter() - started)
    return {
        "runs_s": [round(s, 3) for s in seconds],
        "median_s": round(statistics.median(seconds), 3),
        "sources": str(report.sources),
        "indicators": report.indicators,
        "indicators_with_values": report.indicators_with_values,
        "values": report.values,
        "warnings": len(report.warnings),
    }, outputs[-1]


# ---------------------------------------------------------------------------------------- server
@contextlib.contextmanager
def serve(wsgi_app) -> Iterator[str]:
    """Serve ``wsgi_app`` on a free loopback port in a thread; yield its base URL."""
    from werkzeug.serving import WSGIRequestHandler, make_server

    class QuietHandler(WSGIRequestHandler):
        def log_request(self, code="-", size="-") -> None:  # no access log in the output
            pass

    server = make_server("127.0.0.1", 0, wsgi_app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="bench-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


def load_app():
    """Import the project's ``app`` module (builds the Dash app, loads the data once)."""
    import app as app_module

    return app_module


def choose_indicators(available: dict[str, list[int]], exclude: str | None = None,
                      count: int = 4) -> list[str]:
    """Preferred ids first (if present), then the catalogue order; ``exclude`` last."""
    ordered = [i for i in PREFERRED_INDICATORS if i in available]
    ordered += [i for i in available if i not in ordered]
    if exclude in ordered:
        ordered.remove(exclude)
        ordered.append(exclude)
    return ordered[:count]


# ------------------------------------------------------------------------------ browser capture
@dataclass
class Call:
    """One ``/_dash-update-component`` exchange as seen by the browser."""

    url: str
    body: dict
    request_bytes: int
    status: int
    response_bytes: int

    @property
    def output(self) -> str:
        return self.body.get("output", "")

    def input_value(self, component_id: str):
        for item in self.body.get("inputs", []):
            if item.get("id") == component_id:
                return item.get("value")
        return None


@dataclass
class CallbackRecorder:
    """Collects the callback exchanges of a page, grouped by user interaction."""

    calls: list[Call] = field(default_factory=list)
    pending: int = 0
    last_activity: float = field(default_factory=time.perf_counter)

    def attach(self, page) -> None:
        page.on("request", self._on_request)
        page.on("requestfinished", self._on_finished)
        page.on("requestfailed", self._on_failed)

    def _is_callback(self, request) -> bool:
        return UPDATE_PATH in request.url and request.method == "POST"

    def _on_request(self, request) -> None:
        if self._is_callback(request):
            self.pending += 1
            self.last_activity = time.perf_counter()

    def _on_failed(self, request) -> None:
        if self._is_callback(request):
            self.pending -= 1
            self.last_activity = time.perf_counter()

    def _on_finished(self, request) -> None:
        if not self._is_callback(request):
            return
        response = request.response()
        try:
            size = len(response.body())
        except Exception:  # 204 (PreventUpdate) has no body
            size = int(response.headers.get("content-length", 0) or 0)
        raw = request.post_data_buffer or b""
        self.calls.append(Call(request.url, json.loads(raw), len(raw), response.status, size))
        self.pending -= 1
        self.last_activity = time.perf_counter()

    def take(self) -> list[Call]:
        calls, self.calls = self.calls, []
        return calls

    def settle(self, page, quiet_s: float = 0.6, timeout_s: float = 15.0) -> None:
        """Wait until no callback is in flight and none started for ``quiet_s``."""
        deadline = time.perf_counter() + timeout_s
        while time.perf_counter() < deadline:
            page.wait_for_timeout(50)
            if self.pending <= 0 and time.perf_counter() - self.last_activity >= quiet_s:
                return
        raise TimeoutError("callbacks did not settle")


def launch_browser(playwright, executable: str):
    return playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)


def select_indicator(page, indicator_id: str, label: str) -> None:
    """Choose an indicator in the Dash 4 dropdown (search if the option is not rendered)."""
    page.locator("#indicator").click()
    option = page.locator(f'[role=option]:has(input[value="{indicator_id}"])')
    try:
        option.first.wait_for(state="attached", timeout=1500)
    except Exception:  # virtualised list: narrow it down by searching
        page.locator("input.dash-dropdown-search").first.fill(label)
        option.first.wait_for(state="attached", timeout=5000)
    option.first.click()


def capture(base: str, executable: str, years: dict[str, list[int]],
            labels: dict[str, str]) -> dict:
    """Drive the page in headless Chromium and record the callback traffic of
    (a) ArrowLeft on the year slider, (b) Home/End on the slider if (a) did not update the map,
    (c) an indicator change in the dropdown."""
    from playwright.sync_api import sync_playwright

    groups: dict[str, list[Call]] = {}
    with sync_playwright() as p:
        browser = launch_browser(p, executable)
        try:
            page = browser.new_page()
            recorder = CallbackRecorder()
            recorder.attach(page)
            page.goto(base + "/")
            page.wait_for_function(MAP_READY_JS, timeout=30000)
            recorder.settle(page)
            groups["page_load"] = recorder.take()
            indicator = _map_call(groups["page_load"]).input_value("indicator")

            slider = page.locator("[role=slider]").first
            for key in ("ArrowLeft", "Home", "End"):  # Home/End only if the previous did nothing
                slider.focus()
                page.keyboard.press(key)
                recorder.settle(page)
                groups[f"year_{key.lower()}"] = recorder.take()
                if _updated_map(groups[f"year_{key.lower()}"]):
                    break

            target = choose_indicators(years, exclude=indicator, count=1)[0]
            if target != indicator:
                select_indicator(page, target, labels[target])
                recorder.settle(page)
                groups["indicator_change"] = recorder.take()
        finally:
            browser.close()
    return {"initial_indicator": indicator, "groups": groups}


def _updated_map(calls: list[Call]) -> Call | None:
    """The map exchange of an interaction if it returned an update (200)."""
    found = _map_call(calls)
    return found if found is not None and found.status == 200 else None


def _map_call(calls: list[Call]) -> Call | None:
    return next((c for c in calls if c.output == MAP_OUTPUT), None)


def _label(call: Call) -> str:
    """First output of a callback, e.g. ``map.figure`` (without the allow_duplicate hash)."""
    return call.output.strip(".").split("...")[0].split("@")[0]


def summarise_group(calls: list[Call]) -> dict:
    map_call = _map_call(calls)
    return {
        "callbacks": [f"{_label(c)} {c.status} {kb(c.response_bytes)}" for c in calls],
        "response_bytes_total": sum(c.response_bytes for c in calls),
        "request_bytes_total": sum(c.request_bytes for c in calls),
        "map_status": map_call.status if map_call else None,
        "map_response_bytes": map_call.response_bytes if map_call else None,
        "map_request_bytes": map_call.request_bytes if map_call else None,
        "map_year_sent": map_call.input_value("year") if map_call else None,
    }


# --------------------------------------------------------------------------------------- replay
def with_values(body: dict, indicator: str, year: int) -> dict:
    """A copy of a captured request body with the indicator and year (inputs and states)
    replaced."""
    out = json.loads(json.dumps(body))
    for item in out.get("inputs", []) + out.get("state", []):
        if item.get("id") == "indicator":
            item["value"] = indicator
        elif item.get("id") == "year":
            item["value"] = year
    return out


def post(session: requests.Session, url: str, body: dict) -> tuple[float, requests.Response]:
    """POST a callback body like the browser does; return (seconds, response)."""
    data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    started = time.perf_counter()
    response = session.post(url, data=data, headers={"Content-Type": "application/json"},
                            timeout=60)
    return time.perf_counter() - started, response


def inspect_map_response(response: requests.Response) -> tuple[bool, bool]:
    """(is the map output a Dash Patch, does the response carry geometry)."""
    figure = response.json()["response"]["map"]["figure"]
    geometry = '"geojson"' in response.text or '"coordinates"' in response.text
    return isinstance(figure, dict) and PATCH_KEY in figure, geometry


def replay(template: list[Call], plan: list[tuple[str, int]]) -> dict:
    """Replay one interaction's callbacks (in the browser's order) once per ``(indicator, year)``
    of ``plan``; time the map callback and the sum of all callbacks."""
    session = requests.Session()
    map_ms, map_bytes, group_ms, group_bytes, statuses, kinds = [], [], [], [], set(), set()
    first_ms, seen = [], set()
    for indicator, year in plan:
        total_s = total_bytes = 0
        for call in template:
            elapsed, response = post(session, call.url, with_values(call.body, indicator, year))
            total_s += elapsed
            total_bytes += len(response.content)
            if call.output != MAP_OUTPUT:
                continue
            statuses.add(response.status_code)
            map_ms.append(elapsed * 1000)
            map_bytes.append(len(response.content))
            if (indicator, year) not in seen:  # map_view of this pair not cached by us yet
                first_ms.append(elapsed * 1000)
                seen.add((indicator, year))
            if response.status_code == 200:
                kinds.add(inspect_map_response(response))
        group_ms.append(total_s * 1000)
        group_bytes.append(total_bytes)
    map_call = _map_call(template)
    return {
        "n": len(plan),
        "callbacks_per_update": len(template),
        "map_status": sorted(statuses),
        "map_p50_ms": round(percentile(map_ms, 50), 1),
        "map_p95_ms": round(percentile(map_ms, 95), 1),
        "map_max_ms": round(max(map_ms), 1),
        "map_first_seen_mean_ms": round(statistics.mean(first_ms), 1),
        "map_response_bytes_p50": int(percentile(map_bytes, 50)),
        "map_response_bytes_max": max(map_bytes),
        "map_request_bytes": map_call.request_bytes,  # as the browser sent it
        "all_callbacks_p50_ms": round(percentile(group_ms, 50), 1),
        "all_callbacks_p95_ms": round(percentile(group_ms, 95), 1),
        "all_callbacks_bytes_p50": int(percentile(group_bytes, 50)),
        "all_callbacks_bytes_max": max(group_bytes),
        "map_is_patch": bool(kinds) and all(patch for patch, _ in kinds),
        "map_sends_geometry": any(geometry for _, geometry in kinds),
    }


def year_plan(indicator: str, years: list[int], n: int) -> list[tuple[str, int]]:
    """Step backwards through the indicator's years, like repeated ArrowLeft presses."""
    cycle = list(reversed(years))
    return [(indicator, cycle[i % len(cycle)]) for i in range(n)]


def indicator_plan(indicators: list[str], years: dict[str, list[int]],
                   n: int) -> list[tuple[str, int]]:
    """Alternate between indicators, each at its latest year (what the year callback picks)."""
    chosen = (indicators[i % len(indicators)] for i in range(n))
    return [(ind, years[ind][-1]) for ind in chosen]


def bench_updates(base: str, executable: str, replays: int) -> dict:
    """Capture the browser's callback requests, then replay them with varied year/indicator."""
    payload = requests.get(f"{base}/api/indicators", timeout=30).json()["indicators"]
    years = {i["id"]: i["years"] for i in payload if i["years"]}
    labels = {i["id"]: i["short_title"] for i in payload}
    captured = capture(base, executable, years, labels)
    groups: dict[str, list[Call]] = captured["groups"]
    initial = captured["initial_indicator"]
    indicators = choose_indicators(years)
    result: dict = {
        "initial_indicator": initial,
        "indicators_replayed": indicators,
        "browser": {name: summarise_group(calls) for name, calls in groups.items()},
    }
    # replay only callbacks that answered (204 = PreventUpdate: nothing to measure)
    indicator_group = [c for c in groups.get("indicator_change", []) if c.status == 200]
    year_group = next(([c for c in g if c.status == 200] for name, g in groups.items()
                       if name.startswith("year_") and _updated_map(g)), None)
    if year_group is None:  # e.g. a single-year start indicator: same request shape
        year_group = [c for c in indicator_group if c.input_value("year") is not None]
    # step through the years of the start indicator unless it has only one
    year_indicator = max(years, key=lambda i: (i == initial and len(years[i]) > 1, len(years[i])))
    if _map_call(year_group):
        result["year_change"] = replay(
            year_group, year_plan(year_indicator, years[year_indicator], replays))
    if _map_call(indicator_group) and len(indicators) > 1:
        result["indicator_change"] = replay(
            indicator_group, indicator_plan(indicators, years, replays))
    return result


# ------------------------------------------------------------------------------------ page load
def _map_callback_times(page, finished: list) -> dict:
    """When the first map callback was sent and answered, in ms after navigation start."""
    origin = page.evaluate("performance.timeOrigin")
    for request in finished:
        if json.loads(request.post_data_buffer or b"{}").get("output") == MAP_OUTPUT:
            timing = request.timing
            return {"map_callback_sent": timing["startTime"] - origin,
                    "map_callback_done": timing["startTime"] + timing["responseEnd"] - origin}
    return {"map_callback_sent": None, "map_callback_done": None}


def bench_page_ready(base: str, executable: str, runs: int) -> dict:
    """Seconds from ``page.goto`` until 22 Kreise are drawn, each run in a fresh context
    (empty cache), plus in-page milestones to see where the time goes."""
    from playwright.sync_api import sync_playwright

    seconds, milestones = [], []
    with sync_playwright() as p:
        browser = launch_browser(p, executable)
        try:
            for _ in range(runs):
                context = browser.new_context()
                page = context.new_page()
                finished: list = []
                page.on("requestfinished",
                        lambda r: finished.append(r) if UPDATE_PATH in r.url else None)
                started = time.perf_counter()
                page.goto(base + "/")
                drawn_at = page.wait_for_function(
                    f"() => ({MAP_READY_JS}) && performance.now()", timeout=30000).json_value()
                seconds.append(time.perf_counter() - started)
                milestones.append({**page.evaluate(MILESTONES_JS),
                                   **_map_callback_times(page, finished), "map_drawn": drawn_at})
                context.close()
        finally:
            browser.close()
    return {
        "runs_s": [round(s, 3) for s in seconds],
        "median_s": round(statistics.median(seconds), 3),
        "max_s": round(max(seconds), 3),
        "median_milestones_ms": {
            key: round(statistics.median(m[key] for m in milestones if m[key] is not None))
            for key in milestones[0] if any(m[key] is not None for m in milestones)
        },
    }


# ------------------------------------------------------------------------------------- printing
def render(results: dict) -> str:
    """A readable table of the results with the targets."""
    rows: list[tuple[str, str, str, str]] = []
    build = results.get("build")
    if build:
        rows.append(("Build (median of %d)" % len(build["runs_s"]), f"{build['median_s']:.2f} s",
                     "–", "–"))
    updates = results.get("updates")
    if updates:
        interactions = (("year_change", "Year change"), ("indicator_change", "Indicator change"))
        for key, title in interactions:
            r = updates.get(key)
            if not r:
                rows.append((title, "not measured (see notes)", "–", "–"))
                continue
            rows += [
                (f"{title}: map callback p50 / p95",
                 f"{r['map_p50_ms']:.0f} / {r['map_p95_ms']:.0f} ms",
                 f"≤ {TARGET_UPDATE_MS:.0f} ms", verdict(r["map_p95_ms"] <= TARGET_UPDATE_MS)),
                (f"{title}: all {r['callbacks_per_update']} callbacks, summed, p50 / p95",
                 f"{r['all_callbacks_p50_ms']:.0f} / {r['all_callbacks_p95_ms']:.0f} ms",
                 f"≤ {TARGET_UPDATE_MS:.0f} ms",
                 verdict(r["all_callbacks_p95_ms"] <= TARGET_UPDATE_MS)),
                (f"{title}: map response", kb(r["map_response_bytes_p50"]),
                 f"≤ {kb(TARGET_UPDATE_BYTES)}",
                 verdict(r["map_response_bytes_max"] <= TARGET_UPDATE_BYTES)),
                (f"{title}: all responses", kb(r["all_callbacks_bytes_p50"]),
                 f"≤ {kb(TARGET_UPDATE_BYTES)}",
                 verdict(r["all_callbacks_bytes_max"] <= TARGET_UPDATE_BYTES)),
                (f"{title}: map request (upload)", kb(r["map_request_bytes"]), "–", "–"),
                (f"{title}: map is Patch / sends geometry",
                 f"{r['map_is_patch']} / {r['map_sends_geometry']}", "True / False",
                 verdict(r["map_is_patch"] is True and r["map_sends_geometry"] is False)),
            ]
    page = results.get("page_ready")
    page_load = (updates or {}).get("browser", {}).get("page_load") or {}
    if page_load.get("map_response_bytes"):
        rows.append(("Page load: first map figure (full, with geometry)",
                     kb(page_load["map_response_bytes"]), "–", "–"))
    if page:
        rows.append((f"Page open → map (median / max of {len(page['runs_s'])})",
                     f"{page['median_s']:.2f} / {page['max_s']:.2f} s",
                     f"≤ {TARGET_PAGE_READY_S:.0f} s (median)",
                     verdict(page["median_s"] <= TARGET_PAGE_READY_S)))
    header = ("Measure", "Result", "Target", "")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]

    def line(cells) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()

    machine = results["machine"]
    out = [f"{results['date']} · {machine['cpus']} CPUs · load avg (1 min) "
           f"{machine['loadavg_1min_start']:.1f} → {machine.get('loadavg_1min_end', 0):.1f}", ""]
    out += [line(header), line(tuple("-" * w for w in widths))]
    out += [line(r) for r in rows]
    if page:
        steps = ", ".join(f"{k.replace('_', ' ')} {v}"
                          for k, v in page["median_milestones_ms"].items())
        out += ["", f"Page load, in-page milestones (median, ms after navigation start): {steps}"]
    if updates:
        out.append("")
        out.append("Browser-observed callback traffic per interaction:")
        for name, g in updates["browser"].items():
            out.append(f"  {name}: {', '.join(g['callbacks'])}; responses "
                       f"{kb(g['response_bytes_total'])}, requests {kb(g['request_bytes_total'])}, "
                       f"map year sent = {g['map_year_sent']}")
    for note in results.get("notes", []):
        out.append(f"! {note}")
    return "\n".join(out)


def findings(results: dict) -> list[str]:
    """Plain-language notes on anything that misses a target or looks wrong."""
    notes = []
    updates = results.get("updates") or {}
    arrow = (updates.get("browser") or {}).get("year_arrowleft")
    if arrow and arrow["map_status"] != 200:
        used = next((k for k in ("year_home", "year_end") if k in updates["browser"]), None)
        notes.append(
            f"ArrowLeft on the year slider sent year={arrow['map_year_sent']!r}; the map callback "
            f"answered {arrow['map_status']} (no update). Year change recorded with "
            f"{used.removeprefix('year_').title() if used else 'nothing'} instead.")
    for key in ("year_change", "indicator_change"):
        r = updates.get(key)
        if updates and not r:
            notes.append(f"{key}: no usable browser request captured, not measured.")
        elif r and r["map_request_bytes"] > TARGET_UPDATE_BYTES:
            notes.append(f"{key}: the browser uploads {kb(r['map_request_bytes'])} per map update "
                         "(State(map, 'figure') sends the whole figure incl. geometry).")
    return notes


# ----------------------------------------------------------------------------------------- main
def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, help="write the results as JSON to this file")
    parser.add_argument("--build-runs", type=int, default=3)
    parser.add_argument("--replays", type=int, default=50, help="replays per interaction")
    parser.add_argument("--page-runs", type=int, default=5)
    parser.add_argument("--chromium", default=CHROMIUM, help="Chromium executable")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from atlas.build import is_built
    from atlas.paths import catalogue_path, data_dir

    results: dict = {
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform(), "loadavg_1min_start": os.getloadavg()[0]},
        "catalogue": str(catalogue_path()),
        "targets": {"update_ms": TARGET_UPDATE_MS, "update_bytes": TARGET_UPDATE_BYTES,
                    "page_ready_s": TARGET_PAGE_READY_S},
    }
    print(f"Catalogue: {results['catalogue']}", flush=True)
    print(f"Build ({args.build_runs} runs) …", flush=True)
    results["build"], built = bench_build(args.build_runs)
    try:
        if not is_built():  # serve our own build, for this process only
            os.environ["ATLAS_DATA_DIR"] = str(built)
        results["data_dir"] = str(data_dir())
        print(f"Serving data from {results['data_dir']} …", flush=True)
        app_module = load_app()
        with serve(app_module.server) as base:
            print(f"Page ready ({args.page_runs} runs) …", flush=True)
            results["page_ready"] = bench_page_ready(base, args.chromium, args.page_runs)
            print(f"Map updates (capture + {args.replays} replays each) …", flush=True)
            results["updates"] = bench_updates(base, args.chromium, args.replays)
    finally:
        shutil.rmtree(built, ignore_errors=True)
    results["machine"]["loadavg_1min_end"] = os.getloadavg()[0]
    results["notes"] = findings(results)
    print()
    print(render(results))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
        print(f"\nResults written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
