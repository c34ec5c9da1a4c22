"""The export browser starts with each gunicorn worker (issue #20), not with the first export,
and goes with the worker: a real ``gunicorn app:server`` with the project's gunicorn.conf.py."""

from __future__ import annotations

import os
import select
import time
from pathlib import Path

import pytest
import requests

from atlas.export import ENGINE_READY
from tests.live_servers import gunicorn

PNG = b"\x89PNG\r\n\x1a\n"


def _processes() -> dict[int, tuple[int, str]]:
    """pid → (parent pid, command line) of every process."""
    out = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(
                errors="replace")
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        out[int(entry.name)] = (parent, cmdline)
    return out


def server_browsers(port: int) -> set[int]:
    """The main Chromium processes started by the gunicorn processes listening on ``port``
    (their renderers and helpers not counted)."""
    procs = _processes()
    server = {pid for pid, (_, cmd) in procs.items()
              if "gunicorn" in cmd and f"127.0.0.1:{port}" in cmd}
    return {pid for pid, (parent, cmd) in procs.items()
            if parent in server and "chromium" in cmd and "--type=" not in cmd}


def wait_for_exit(pids: set[int], timeout: float) -> bool:
    """True when every process of ``pids`` has ended, waited for by the kernel's exit event
    (pidfd, Linux ≥ 5.3), not by polling."""
    end = time.monotonic() + timeout
    for pid in pids:
        try:
            fd = os.pidfd_open(pid)
        except ProcessLookupError:
            continue  # gone already
        try:
            ready, _, _ = select.select([fd], [], [], max(0.0, end - time.monotonic()))
        finally:
            os.close(fd)
        if not ready:
            return False
    return True


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="braucht /proc (Linux)")
def test_each_worker_starts_its_browser_before_the_first_export(built_dir, tmp_path):
    # no export asked: the worker's browser comes up by itself and the worker's log says so
    with gunicorn(built_dir, f"sqlite:///{tmp_path / 'eigene.sqlite'}", workers=1,
                  ready_line=ENGINE_READY) as base:
        port = int(base.rsplit(":", 1)[1])
        assert requests.get(f"{base}/", timeout=60).status_code == 200
        browsers = server_browsers(port)
        assert len(browsers) == 1
        response = requests.get(f"{base}/export/map.png?indicator=sgb2_quote&format=folie",
                                timeout=120)
        assert response.status_code == 200 and response.content.startswith(PNG)
        assert server_browsers(port) == browsers  # the export used it, started none
    # the worker closed its browser on the way out
    assert wait_for_exit(browsers, 30), f"the browser {browsers} outlived its worker"
