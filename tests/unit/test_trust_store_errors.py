"""Issue #13, item 20: a database the atlas cannot use gives one German message – password masked,
exit status 2, no traceback – on the command line and at the app's start."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from atlas.errors import EXIT_START_ERROR
from atlas.store import Store, StoreError, mask_secrets

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Ge3heim-Wort99"


def _closed_port() -> int:
    """A loopback port nobody listens on (bound once, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _atlas(args: list[str], url: str, data_dir: Path, timeout: float = 120
           ) -> subprocess.CompletedProcess:
    env = {**os.environ, "ATLAS_DATABASE_URL": url, "ATLAS_DATA_DIR": str(data_dir),
           "PYTHONUNBUFFERED": "1"}
    return subprocess.run([sys.executable, "-m", "atlas.cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


BAD_URLS = {
    "unreachable": (lambda: f"postgresql+psycopg://atlas:{PASSWORD}@127.0.0.1:{_closed_port()}"
                            "/atlas", "nicht geöffnet werden"),
    "port_not_a_number": (lambda: f"postgresql+psycopg://atlas:{PASSWORD}@db.example:port/atlas",
                          "ist ungültig"),
    "slash_missing": (lambda: f"postgresql+psycopg:/atlas:{PASSWORD}@127.0.0.1/atlas",
                      "ist ungültig"),
    "database_misspelled": (lambda: f"postgresq+psycopg://atlas:{PASSWORD}@127.0.0.1/atlas",
                            "unbekannte Datenbank „postgresq“"),
    "driver_misspelled": (lambda: f"postgresql+psycopgg://atlas:{PASSWORD}@127.0.0.1/atlas",
                          "Datenbanktreiber „psycopgg“"),
    "password_in_query": (lambda: f"postgresql+psycopg://atlas@127.0.0.1:{_closed_port()}/atlas"
                                  f"?password={PASSWORD}", "nicht geöffnet werden"),
}


@pytest.mark.parametrize("case", sorted(BAD_URLS))
def test_atlas_list_with_a_bad_database_url(case, tmp_path):
    make_url, expected = BAD_URLS[case]
    result = _atlas(["list"], make_url(), tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 2, output
    assert "Traceback" not in output and PASSWORD not in output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Fehler: ") and expected in lines[0], output
    assert "ATLAS_DATABASE_URL" in lines[0] or "Datenbank der eigenen Daten" in lines[0]


def test_atlas_delete_and_import_with_an_unreachable_database(tmp_path):
    url = f"postgresql+psycopg://atlas:{PASSWORD}@127.0.0.1:{_closed_port()}/atlas"
    for args in (["delete", "kita"], ["import", str(tmp_path / "fehlt.csv")]):
        result = _atlas(args, url, tmp_path)
        output = result.stdout + result.stderr
        assert result.returncode == 2, output
        assert "Traceback" not in output and PASSWORD not in output
        assert result.stderr.startswith("Fehler: ")


def test_app_start_with_an_unreachable_database(built_dir, tmp_path):
    """`atlas serve` stops before opening its port: one German line, exit status 3."""
    url = f"postgresql+psycopg://atlas:{PASSWORD}@127.0.0.1:{_closed_port()}/atlas"
    result = _atlas(["serve", "--port", str(_closed_port())], url, built_dir)
    output = result.stdout + result.stderr
    assert result.returncode == EXIT_START_ERROR, output
    assert "Traceback" not in output and PASSWORD not in output
    assert "läuft auf" not in output
    errors = [line for line in result.stderr.splitlines() if line.startswith("Fehler: ")]
    assert len(errors) == 1 and "Datenbank der eigenen Daten" in errors[0]


@pytest.mark.parametrize("raw", [
    f"postgresql+psycopg://atlas:{PASSWORD}@db:5432/atlas",
    f"postgresql+psycopg:/atlas:{PASSWORD}@db/atlas",
    f"atlas:{PASSWORD}@db/atlas",
    f"postgresql://atlas:{PASSWORD}@with@at@db/atlas",
    f"postgresql://atlas@db/atlas?sslmode=require&password={PASSWORD}",
    f"Verbindung zu postgresql://atlas:{PASSWORD}@db/atlas abgelehnt",
])
def test_mask_secrets(raw):
    masked = mask_secrets(raw)
    assert PASSWORD not in masked and "***" in masked


def test_store_errors_in_process_never_show_the_password():
    for make_url, _ in BAD_URLS.values():
        with pytest.raises(StoreError) as info:
            Store(make_url())
        assert PASSWORD not in str(info.value)
