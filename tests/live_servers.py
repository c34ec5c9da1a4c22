"""Real servers for the tests of deployment setups: the atlas under gunicorn (as the README
starts it), nginx as the reverse proxy in front, and a local OpenID Connect provider
(``oidc-provider-mock`` from PyPI), each its own process on a loopback port."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, what: str, timeout: float = 120) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if process.poll() is not None:
            raise AssertionError(f"{what} endete mit {process.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise AssertionError(f"{what} öffnet den Port {port} nicht")


def wait_for_line(process: subprocess.Popen, text: str, seen: bytearray,
                  timeout: float = 120) -> None:
    """Read ``process``'s stderr (a pipe) as it comes, into ``seen``, until a line holds
    ``text``: waited for by the pipe's own readiness (select), not by polling."""
    import select

    end = time.monotonic() + timeout
    fd = process.stderr.fileno()
    start = len(seen)
    while text.encode() not in seen[start:]:
        ready, _, _ = select.select([fd], [], [], max(0.0, end - time.monotonic()))
        chunk = os.read(fd, 65536) if ready else b""
        if not chunk:
            raise AssertionError(f"„{text}“ kam nicht im Log: {bytes(seen[-2000:])!r}")
        seen.extend(chunk)


def _stop(process: subprocess.Popen, sig=signal.SIGTERM) -> str:
    if process.poll() is None:
        process.send_signal(sig)
    try:
        _, stderr = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        _, stderr = process.communicate()
    return (stderr or b"").decode(errors="replace")


@contextmanager
def gunicorn(built_dir: Path, database_url: str, env: dict[str, str] | None = None,
             workers: int = 1, hosts: int = 1, ready_line: str | None = None):
    """``gunicorn app:server`` with the project's gunicorn.conf.py on free loopback ports, on
    the built data and the store ``database_url``: ``hosts`` separate servers (started at once)
    sharing that store. Yields the base URL (a list of them when ``hosts`` > 1) once the ports
    are open and, with ``ready_line``, once each server's log has a line holding it. The logs
    are printed when the test fails inside."""
    if sys.platform == "win32":
        pytest.skip("gunicorn läuft nicht unter Windows")
    environment = {**os.environ, "ATLAS_DATA_DIR": str(built_dir),
                   "ATLAS_DATABASE_URL": database_url,
                   "ATLAS_ADMIN_PASSWORD": "admin-passwort-lang", **(env or {})}
    started = []
    for _ in range(hosts):
        port = free_port()
        started.append((port, subprocess.Popen(
            [str(Path(sys.executable).with_name("gunicorn")), "-c",
             str(ROOT / "gunicorn.conf.py"), "--workers", str(workers), "--threads", "2",
             "--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null"],
            cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)))
    failed = False
    seen = {port: bytearray() for port, _ in started}  # log read while waiting for a line
    try:
        for port, process in started:
            wait_for_port(port, process, "gunicorn")
            if ready_line:
                wait_for_line(process, ready_line, seen[port])
        urls = [f"http://127.0.0.1:{port}" for port, _ in started]
        yield urls if hosts > 1 else urls[0]
    except BaseException:
        failed = True
        raise
    finally:
        for port, process in started:
            log = seen[port].decode(errors="replace") + _stop(process)
            if failed:
                print(log[-4000:], file=sys.stderr)


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists()
                                      else None)
    if not found:
        pytest.skip("nginx ist nicht installiert (Debian: apt-get install nginx; .ci/run "
                    "installiert es)")
    return found


@contextmanager
def nginx(folder: Path, server_block: str, port: int):
    """nginx in the foreground (one process) with ``server_block`` inside ``http {}``; its
    files in ``folder``."""
    binary = nginx_binary()
    folder.mkdir(parents=True, exist_ok=True)
    user = "user root;\n" if os.geteuid() == 0 else ""
    config = folder / "nginx.conf"
    config.write_text(f"""{user}daemon off;
master_process off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 64; }}
http {{
  access_log off;
  client_body_temp_path {folder}/body;
  proxy_temp_path {folder}/proxy;
  fastcgi_temp_path {folder}/fastcgi;
  uwsgi_temp_path {folder}/uwsgi;
  scgi_temp_path {folder}/scgi;
  client_max_body_size 50m;
{server_block}
}}
""")
    process = subprocess.Popen([binary, "-p", str(folder), "-c", str(config)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for_port(port, process, "nginx", timeout=30)
        yield f"http://127.0.0.1:{port}"
    finally:
        log = _stop(process, signal.SIGQUIT)
        error_log = folder / "error.log"
        if "emerg" in log or (error_log.exists() and "[emerg]" in error_log.read_text()):
            print(log, error_log.read_text(), file=sys.stderr)


@contextmanager
def oidc_provider(redirect_uris: list[str]):
    """A local OpenID Connect provider (its own process; client registration and nonces
    required) with a client registered for ``redirect_uris``: yields issuer, client_id,
    client_secret. Users: :func:`set_oidc_user`."""
    pytest.importorskip("oidc_provider_mock",
                        reason="oidc-provider-mock fehlt: pip install -e '.[test]'")
    import requests

    port = free_port()
    command = [str(Path(sys.executable).with_name("oidc-provider-mock")), "--port", str(port),
               "--require-nonce", "true", "--require-registration", "true"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for_port(port, process, "oidc-provider-mock", timeout=60)
        base = f"http://127.0.0.1:{port}"
        registered = requests.post(base + "/oauth2/clients", timeout=30,
                                   json={"redirect_uris": redirect_uris}).json()
        yield {"issuer": base, "client_id": registered["client_id"],
               "client_secret": registered["client_secret"]}
    finally:
        _stop(process)


def set_oidc_user(provider: dict, sub: str, claims: dict) -> None:
    """The claims the provider gives the user ``sub``."""
    import requests

    response = requests.put(f"{provider['issuer']}/users/{sub}", json=claims, timeout=30)
    assert response.status_code == 204, response.text
