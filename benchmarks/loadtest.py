"""Bounded load test of the atlas under gunicorn, on loopback only; stops by itself.

Run on demand (not part of the test suite)::

    python benchmarks/loadtest.py [--users 50] [--duration 120] [--out benchmarks/results/loadtest.json]

1. Starts the atlas with the project's ``gunicorn.conf.py`` (``--workers 2``, gthread with the
   configured threads) on a free loopback port; access log off.
2. Records the real ``/_dash-update-component`` payloads once with headless Chromium: ArrowLeft on
   the year slider, another indicator in the dropdown and, if the page has a level switch
   (``ids.LEVEL``), Kreise → Gemeinden → Kreise. Every callback the browser sent is kept, also
   those that answer 204 (no update). Year and indicator changes are recorded several times; the
   smallest recording that updated the map is replayed (a busy page sometimes sends two rounds).
3. ``--users`` threads, each one simulated user: loads the page once (``GET /``,
   ``/_dash-layout``, ``/_dash-dependencies``), then until the end of ``--duration``: switches the
   indicator or the year (the recorded payloads with another indicator/year filled in) or the
   level, every ~10th action fetches an export (``/export/data.csv?indicator=…``, one in five of
   them ``/export/map.png?indicator=…&format=folie``), and thinks 0.5–2 s after each action. The
   callbacks of one action are sent one after another over the user's keep-alive connection.
   Users start spread over the first ``--ramp`` seconds.
4. Reports per kind count, p50/p95/max and errors (exceptions, HTTP ≥ 400, or 204 where the browser
   got 200); targets: 0 errors, p95 ≤ 300 ms for updates. PNG exports are rendered one at a time
   per worker (kaleido behind a lock) and are reported apart from the updates, with the number of
   distinct views they asked (a view asked again may come from the worker's picture cache).

The load generator runs on the same machine as the server and takes part of its CPU.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = BENCH_DIR.parent
for _p in (PROJECT_ROOT, BENCH_DIR):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

import requests  # noqa: E402
from bench_core import CHROMIUM, CHROMIUM_ARGS, percentile, select_indicator  # noqa: E402
from bench_scale import MAP_OUTPUT_RE, PATHS_JS, THUMB, Exchange, Recorder, gunicorn, substitute  # noqa: E402

TARGET_UPDATE_P95_MS = 300.0
QUIET_S = 1.5  # capture: an action is complete after this long without callback traffic
TARGET_ERRORS = 0
UPDATE_KINDS = ("year", "indicator", "level")


# ------------------------------------------------------------------------------------- capture
def level_control_id() -> str | None:
    """The id of the Kreis/Gemeinde switch, if the page has one (``layouts.ids.LEVEL``)."""
    try:
        from layouts import ids
    except Exception:
        return None
    for name in ("LEVEL", "EBENE", "REGION_LEVEL"):
        if hasattr(ids, name):
            return getattr(ids, name)
    return None


def _switch_level(page, control: str, level: str) -> None:
    """Choose a level on the switch: radio/segmented input with the value, else a dropdown."""
    radio = page.locator(f'#{control} input[value="{level}"]')
    if radio.count():
        radio.first.check(force=True)
        return
    page.locator(f"#{control}").click()
    page.locator(f'[role=option]:has(input[value="{level}"])').first.click()


def one_round(calls: list[Exchange]) -> list[Exchange]:
    """One round of callbacks: the last exchange per output, in the order sent. A key press the
    page sent late arrives together with the next one (two rounds in one recording)."""
    last = {c.output: i for i, c in enumerate(calls)}
    return [c for i, c in enumerate(calls) if last[c.output] == i]


def capture(base: str, executable: str, kreis_indicators: list[str],
            labels: dict[str, str]) -> dict[str, list[Exchange]]:
    """The callback exchanges the browser sends for each kind of action."""
    from playwright.sync_api import sync_playwright

    groups: dict[str, list[Exchange]] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            recorder = Recorder()
            recorder.attach(page)
            page.goto(base + "/")
            page.wait_for_function(f"() => {PATHS_JS} >= 22", timeout=60_000)
            recorder.settle(page, quiet_s=QUIET_S)
            groups["page_load"] = recorder.take()
            # several presses; keep the smallest recorded group that updated the map, reduced to
            # one round (a press is sometimes sent only with the next one, see the README)
            candidates = []
            for key in ("ArrowLeft", "ArrowLeft", "ArrowRight", "ArrowLeft", "ArrowRight"):
                page.focus(THUMB)
                recorder.mark()
                page.keyboard.press(key)
                recorder.settle(page, quiet_s=QUIET_S)
                calls = recorder.take()
                # the atlas draws a year change in the browser: heading, table and address are
                # its requests (a map callback where an app sends one)
                if any(e.status == 200 for e in calls):
                    candidates.append(calls)
            groups["year_sizes"] = [len(c) for c in candidates]  # type: ignore[assignment]
            if candidates:
                groups["year"] = one_round(min(candidates, key=len))
            current = next((e for e in groups["page_load"] if MAP_OUTPUT_RE.search(e.output)), None)
            start = None
            if current:
                start = next((i["value"] for i in current.body.get("inputs", [])
                              if i.get("id") == "indicator"), None)
            candidates = []
            for target in [i for i in kreis_indicators if i != start][:3]:
                select_indicator(page, target, labels[target])
                recorder.settle(page, quiet_s=QUIET_S)
                calls = recorder.take()
                if any(MAP_OUTPUT_RE.search(e.output) and e.status == 200 for e in calls):
                    candidates.append(calls)
            groups["indicator_sizes"] = [len(c) for c in candidates]  # type: ignore[assignment]
            if candidates:
                groups["indicator"] = one_round(min(candidates, key=len))
            control = level_control_id()
            if control and page.locator(f"#{control}").count():
                try:
                    _switch_level(page, control, "gemeinde")
                    recorder.settle(page, quiet_s=QUIET_S)
                    groups["level_gemeinde"] = recorder.take()
                    _switch_level(page, control, "kreis")
                    recorder.settle(page, quiet_s=QUIET_S)
                    groups["level_kreis"] = recorder.take()
                except Exception as exc:  # the switch exists but works differently
                    groups.pop("level_gemeinde", None)
                    print(f"  level switch not captured: {exc}", flush=True)
        finally:
            browser.close()
    return groups


# ------------------------------------------------------------------------------------ the users
@dataclass
class Stats:
    lock: threading.Lock = field(default_factory=threading.Lock)
    times: dict = field(default_factory=lambda: defaultdict(list))
    errors: dict = field(default_factory=lambda: defaultdict(int))
    examples: dict = field(default_factory=dict)
    error_types: dict = field(default_factory=lambda: defaultdict(lambda: defaultdict(int)))
    retried: dict = field(default_factory=lambda: defaultdict(int))
    png_views: dict = field(default_factory=lambda: defaultdict(int))  # URL → requests

    def add(self, kind: str, seconds: float, error: str | None = None,
            retried: bool = False) -> None:
        with self.lock:
            self.times[kind].append(seconds * 1000)
            if retried:
                self.retried[kind] += 1
            if error:
                self.errors[kind] += 1
                self.examples.setdefault(kind, error[:300])
                self.error_types[kind][error.split(":")[0][:60]] += 1


@dataclass
class Plan:
    base: str
    groups: dict[str, list[Exchange]]
    indicators: list[str]
    years: dict[str, list[int]]
    deadline: float
    think: tuple[float, float]
    export_every: int
    png_share: float


def _send(session, method: str, url: str, **kwargs) -> tuple[requests.Response, bool]:
    """One request; resent once if a reused keep-alive connection was closed or reset before
    any answer (gunicorn closes idle connections after its ``keepalive`` of 2 s; browsers resend
    in that case too). Returns (response, resent)."""
    try:
        response = session.request(method, url, **kwargs)
        response.content  # noqa: B018 - read the whole body
        return response, False
    except requests.ConnectionError as exc:
        if "aborted" not in str(exc).lower():
            raise
    response = session.request(method, url, **kwargs)
    response.content  # noqa: B018
    return response, True


def _post(session, stats: Stats, base: str, exchange: Exchange, data: bytes) -> tuple[float, bool]:
    url = exchange.url if exchange.url.startswith("http") else base + exchange.url
    started = time.perf_counter()
    error, resent = None, False
    try:
        response, resent = _send(session, "POST", url, data=data, timeout=60,
                                 headers={"Content-Type": "application/json"})
        if response.status_code >= 400:
            error = f"HTTP {response.status_code}: {response.text[:200]}"
        elif response.status_code == 204 and exchange.status == 200:
            error = "204 where the browser got 200"
    except requests.RequestException as exc:
        error = f"{type(exc).__name__}: {exc}"
    elapsed = time.perf_counter() - started
    stats.add("update", elapsed, error, resent)
    if MAP_OUTPUT_RE.search(exchange.output):
        stats.add("update_map", elapsed, error, resent)
    return elapsed, error is None


def _get(session, stats: Stats, kind: str, url: str) -> None:
    started = time.perf_counter()
    error, resent = None, False
    try:
        response, resent = _send(session, "GET", url, timeout=120)
        if response.status_code != 200:
            error = f"HTTP {response.status_code}: {response.text[:200]}"
    except requests.RequestException as exc:
        error = f"{type(exc).__name__}: {exc}"
    stats.add(kind, time.perf_counter() - started, error, resent)


_BODIES: dict = {}
_BODIES_LOCK = threading.Lock()


def encoded(group: str, index: int, exchange: Exchange, values) -> bytes:
    """The request body with indicator/year filled in, encoded once per combination."""
    key = (group, index, values)
    body = _BODIES.get(key)
    if body is None:
        filled = exchange.body if values is None else substitute(exchange.body, *values)
        body = json.dumps(filled, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        with _BODIES_LOCK:
            _BODIES[key] = body
    return body


def user(plan: Plan, stats: Stats, seed: int, start_delay: float) -> None:
    rng = random.Random(seed)
    time.sleep(start_delay)
    session = requests.Session()
    for path, kind in (("/", "page"), ("/_dash-layout", "page_layout"),
                       ("/_dash-dependencies", "page_dependencies")):
        _get(session, stats, kind, plan.base + path)
    indicator = rng.choice(plan.indicators)
    year = plan.years[indicator][-1]
    level = "kreis"
    kinds = ["indicator", "year"] + (["level"] if "level_gemeinde" in plan.groups else [])
    action = 0
    while time.perf_counter() < plan.deadline:
        action += 1
        if action % plan.export_every == 0:
            if rng.random() < plan.png_share:
                url = f"{plan.base}/export/map.png?indicator={indicator}&year={year}&format=folie"
                with stats.lock:
                    stats.png_views[url] += 1
                _get(session, stats, "export_png", url)
            else:
                _get(session, stats, "export_csv",
                     f"{plan.base}/export/data.csv?indicator={indicator}")
        else:
            kind = rng.choice(kinds)
            if kind == "indicator":
                indicator = rng.choice([i for i in plan.indicators if i != indicator])
                year = plan.years[indicator][-1]
                name, values = "indicator", (indicator, year)
            elif kind == "year":
                choices = [y for y in plan.years[indicator] if y != year] or [year]
                year = rng.choice(choices)
                name, values = "year", (indicator, year)
            else:
                level = "gemeinde" if level == "kreis" else "kreis"
                name, values = f"level_{level}", None  # replayed as recorded
            total, ok = 0.0, True
            for index, exchange in enumerate(plan.groups[name]):
                body = encoded(name, index, exchange, values)
                elapsed, fine = _post(session, stats, plan.base, exchange, body)
                total += elapsed
                ok &= fine
            stats.add(f"action_{kind}", total, None if ok else "a callback failed")
        time.sleep(rng.uniform(*plan.think))


# ------------------------------------------------------------------------------------- report
def summarise(stats: Stats, wall_s: float) -> dict:
    out = {}
    for kind in sorted(stats.times):
        t = stats.times[kind]
        out[kind] = {"count": len(t), "p50_ms": round(percentile(t, 50), 1),
                     "p95_ms": round(percentile(t, 95), 1), "max_ms": round(max(t), 1),
                     "mean_ms": round(statistics.mean(t), 1), "errors": stats.errors.get(kind, 0),
                     "per_s": round(len(t) / wall_s, 1)}
        if kind in stats.examples:
            out[kind]["first_error"] = stats.examples[kind]
            out[kind]["error_types"] = dict(stats.error_types[kind])
        if stats.retried.get(kind):
            out[kind]["retried"] = stats.retried[kind]
    return out


def render(result: dict) -> str:
    head = ("kind", "count", "per s", "p50", "p95", "max", "errors")
    rows = [(k, str(v["count"]), f"{v['per_s']:.1f}", f"{v['p50_ms']:.0f} ms",
             f"{v['p95_ms']:.0f} ms", f"{v['max_ms']:.0f} ms", str(v["errors"]))
            for k, v in result["kinds"].items()]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]

    def line(cells) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()

    m = result["machine"]
    out = [f"{result['date']} · {m['cpus']} CPUs · {result['users']} users × "
           f"{result['duration_s']:.0f} s · gunicorn {result['workers']} workers · load avg "
           f"{m['loadavg_1min_start']:.1f} → {m['loadavg_1min_end']:.1f}", ""]
    out += [line(head), line(["-" * w for w in widths]), *[line(r) for r in rows], ""]
    for check in result["verdicts"]:
        out.append(f"  {check['target']:<45} {check['value']:>12}  "
                   f"{'ok' if check['ok'] else 'MISSED'}")
    out.append("")
    out.append("Callbacks per action (as recorded): " + ", ".join(
        f"{k} {len(v)} ({sum(1 for e in v if e.get('status') == 204)}× 204)"
        for k, v in result["captured"].items() if k != "page_load"))
    out.append(f"Callbacks per recorded year press: {result.get('year_press_callbacks')}, per "
               f"indicator change: {result.get('indicator_change_callbacks')} (the smallest of "
               "each is replayed)")
    out.append(f"CPU seconds: load generator {result['client_cpu_s']:.0f}, gunicorn workers "
               f"{result.get('server_cpu_s')} (wall {result['wall_s']:.0f} s, {m['cpus']} CPUs)")
    retried = {k: v["retried"] for k, v in result["kinds"].items() if v.get("retried")}
    if retried:
        out.append(f"Resent once after a reset of a reused keep-alive connection (as browsers "
                   f"do; not counted as errors): {retried}")
    out.append(f"Peak RSS per worker: {result['peak_rss_mb']} MB")
    if result.get("png_requests"):
        out.append(f"PNG exports: {result['png_requests']} requests of "
                   f"{result['png_distinct_views']} distinct views (indicator, year); a view "
                   "asked again may come from the worker's picture cache")
    for kind, v in result["kinds"].items():
        if v.get("first_error"):
            out.append(f"! {kind}: {v.get('error_types')}; first: {v['first_error']}")
    return "\n".join(out)


def worker_cpu_s(server) -> float:
    """User + system CPU seconds of the gunicorn workers so far."""
    import psutil

    total = 0.0
    for pid in server.workers():
        try:
            t = psutil.Process(pid).cpu_times()
            total += t.user + t.system
        except psutil.Error:
            pass
    return round(total, 1)


def run(args, result: dict, logs: Path) -> tuple[Stats, float]:
    """Start gunicorn, record the payloads, run the users; fills ``result``."""
    from atlas.catalogue import load_catalogue

    with gunicorn("atlas", None, logs, timeout_s=180) as server:
        print(f"atlas under gunicorn ({args.workers} workers) at {server.base}", flush=True)
        payload = requests.get(server.base + "/api/indicators", timeout=30).json()["indicators"]
        levels = {i.id: getattr(i, "level", "kreis") for i in load_catalogue().indicators}
        kreis = [i for i in payload if i["years"] and levels.get(i["id"], "kreis") == "kreis"]
        years = {i["id"]: i["years"] for i in kreis}
        labels = {i["id"]: i["short_title"] for i in kreis}
        indicators = [i["id"] for i in kreis]
        print("Recording the browser's payloads …", flush=True)
        groups = capture(server.base, args.chromium, indicators, labels)
        result["year_press_callbacks"] = groups.pop("year_sizes", [])
        result["indicator_change_callbacks"] = groups.pop("indicator_sizes", [])
        result["captured"] = {k: [{"output": e.output, "status": e.status} for e in v]
                              for k, v in groups.items()}
        for name in ("year", "indicator"):
            if not groups.get(name):
                raise RuntimeError(f"no callbacks recorded for '{name}'")
        result["level_switch"] = "level_gemeinde" in groups
        stats = Stats()
        cpu_started, server_cpu_started = time.process_time(), worker_cpu_s(server)
        started = time.perf_counter()
        plan = Plan(server.base, groups, indicators, years, started + args.duration,
                    tuple(args.think), args.export_every, args.png_share)
        threads = [threading.Thread(target=user, name=f"user-{n}", daemon=True,
                                    args=(plan, stats, args.seed * 1000 + n,
                                          args.ramp * n / max(1, args.users)))
                   for n in range(args.users)]
        print(f"{args.users} users for {args.duration:.0f} s …", flush=True)
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=max(1.0, plan.deadline - time.perf_counter()) + 130)
        wall = time.perf_counter() - started
        result["wall_s"] = round(wall, 1)
        result["client_cpu_s"] = round(time.process_time() - cpu_started, 1)
        result["server_cpu_s"] = round(worker_cpu_s(server) - server_cpu_started, 1)
        result["unfinished_users"] = sum(t.is_alive() for t in threads)
        result["peak_rss_mb"] = server.peak_rss_mb()
        result["png_requests"] = sum(stats.png_views.values())
        result["png_distinct_views"] = len(stats.png_views)
    return stats, wall


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--users", type=int, default=50)
    p.add_argument("--duration", type=float, default=120.0, help="seconds of load")
    p.add_argument("--ramp", type=float, default=10.0, help="users start within this many seconds")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--think", type=float, nargs=2, default=(0.5, 2.0), metavar=("MIN", "MAX"))
    p.add_argument("--export-every", type=int, default=10, help="every n-th action is an export")
    p.add_argument("--png-share", type=float, default=0.2, help="share of exports that are PNG")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", type=Path)
    p.add_argument("--chromium", default=CHROMIUM)
    args = p.parse_args(argv)
    if not (1 <= args.users <= 200 and 1 <= args.duration <= 900):
        p.error("bounded: 1–200 users, 1–900 s")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    import tempfile

    import bench_scale

    bench_scale.ATLAS_WORKERS = args.workers
    result: dict = {
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform(), "loadavg_1min_start": os.getloadavg()[0]},
        "users": args.users, "duration_s": args.duration, "workers": args.workers,
        "think_s": list(args.think), "export_every": args.export_every, "png_share": args.png_share,
    }
    logs = Path(tempfile.mkdtemp(prefix="atlas-loadtest-"))
    try:
        stats, wall = run(args, result, logs)
    except BaseException:
        print(f"Server log kept in {logs}", file=sys.stderr)
        raise
    shutil.rmtree(logs, ignore_errors=True)
    result["machine"]["loadavg_1min_end"] = os.getloadavg()[0]
    result["kinds"] = summarise(stats, wall)
    errors = sum(v["errors"] for k, v in result["kinds"].items()
                 if not k.startswith("action_") and k != "update_map")  # requests, counted once
    update = result["kinds"].get("update", {})
    result["verdicts"] = [
        {"target": "errors (all requests) = 0", "value": str(errors), "ok": errors == TARGET_ERRORS},
        {"target": "update callbacks p95 ≤ 300 ms", "value": f"{update.get('p95_ms', 0):.0f} ms",
         "ok": update.get("p95_ms", 1e9) <= TARGET_UPDATE_P95_MS},
    ]
    print()
    print(render(result))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False), encoding="utf-8")
        print(f"\nResults written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
