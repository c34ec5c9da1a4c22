"""Production serving: `gunicorn app:server` with 2 workers answers its very first requests
correctly, on every fresh start (Dash 4.4 has a first-request race under threaded gunicorn; the
app warms itself up in each worker)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.request import Request, urlopen

import pytest

from tests.live_servers import wait_for_port

ROOT = Path(__file__).resolve().parent.parent
STARTS = int(os.environ.get("ATLAS_SERVING_STARTS", "10"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, body: dict | None = None) -> tuple[int, bytes, dict]:
    data = json.dumps(body).encode() if body is not None else None
    request = Request(url, data=data, headers={"Content-Type": "application/json"})
    with urlopen(request, timeout=60) as response:
        return response.status, response.read(), dict(response.headers)


def _wait_for_port(port: int, process: subprocess.Popen, timeout: float = 90) -> None:
    wait_for_port(port, process, "gunicorn", timeout)



def _first_requests(base: str) -> list[tuple[str, int]]:
    """What a browser sends first, all at once, the moment the port accepts connections."""
    results = []

    def page():
        status, body, headers = _get(base + "/")
        assert b"Sozialstrukturatlas" in body and "Content-Security-Policy" in headers
        return "/", status

    def layout():
        status, body, _ = _get(base + "/_dash-layout")
        assert b"Sozialstrukturatlas" in body
        return "/_dash-layout", status

    def dependencies():
        status, body, _ = _get(base + "/_dash-dependencies")
        assert json.loads(body)
        return "/_dash-dependencies", status

    def values():
        status, body, _ = _get(base + "/api/values?indicator=sgb2_quote&year=2021")
        assert json.loads(body)["values"][0]["ags"].startswith("160")
        return "/api/values", status

    with ThreadPoolExecutor(8) as pool:
        futures = [pool.submit(f) for f in (page, layout, dependencies, values) * 2]
        for future in futures:
            results.append(future.result())
    return results


@pytest.mark.skipif(sys.platform == "win32", reason="gunicorn läuft nicht unter Windows")
def test_gunicorn_two_workers_answer_first_requests_on_fresh_starts(built_dir, tmp_path):
    gunicorn = Path(sys.executable).with_name("gunicorn")
    env = {**os.environ, "ATLAS_DATA_DIR": str(built_dir),
           "ATLAS_DATABASE_URL": f"sqlite:///{tmp_path / 'eigene.sqlite'}"}
    for start in range(STARTS):
        port = _free_port()
        process = subprocess.Popen(
            [str(gunicorn), "-c", str(ROOT / "gunicorn.conf.py"), "--workers", "2",
             "--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        results, failure = [], None
        try:
            _wait_for_port(port, process)
            results = _first_requests(f"http://127.0.0.1:{port}")
        except Exception as exc:  # noqa: BLE001 - reported below with gunicorn's log
            failure = exc
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                _, stderr = process.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                _, stderr = process.communicate()
        log = stderr.decode(errors="replace")[-4000:]
        assert failure is None, f"Start {start + 1}: {failure!r}\n{log}"
        assert all(status == 200 for _, status in results), (start, results)
        assert "Traceback" not in log, log
