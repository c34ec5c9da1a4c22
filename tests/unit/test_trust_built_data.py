"""Issue #13, item 19: built data that does not match its build_info.json is never served.

A cut, shortened or changed built file stops `atlas.data.load` with a German message naming the
file and `atlas build`; `gunicorn app:server` and `atlas serve` then exit non-zero with that one
line instead of a traceback or a half dataset.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from atlas.build import GEMEINDE_GEO_OUT, GEO_OUT, INFO_OUT, REGIONS_OUT, VALUES_OUT
from atlas.data import DataCorrupt, load
from atlas.errors import EXIT_START_ERROR

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")


@pytest.fixture
def copy(built_dir, tmp_path) -> Path:
    """A private copy of the test build, to spoil."""
    target = tmp_path / "data"
    shutil.copytree(built_dir, target)
    return target


def _cut_mid_line(folder: Path) -> None:
    path = folder / VALUES_OUT
    raw = path.read_bytes()
    cut = raw.index(b"\n", len(raw) // 3) - 7  # inside a line
    path.write_bytes(raw[:cut])


def _keep_first_indicators(folder: Path, count: int) -> int:
    """Cut values.csv at a line boundary after ``count`` indicators; return how many remain."""
    path = folder / VALUES_OUT
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    kept, seen = [lines[0]], []
    for line in lines[1:]:
        indicator = line.split(",", 1)[0]
        if indicator not in seen:
            if len(seen) == count:
                break
            seen.append(indicator)
        kept.append(line)
    path.write_text("".join(kept), encoding="utf-8")
    return len(seen)


def _message(folder: Path) -> str:
    with pytest.raises(DataCorrupt) as info:
        load(folder)
    return str(info.value)


def test_the_build_records_every_file_it_wrote(built_dir, data):
    info = json.loads((built_dir / INFO_OUT).read_text(encoding="utf-8"))
    files = info["files"]
    assert {p.as_posix() for p in (GEO_OUT, REGIONS_OUT, VALUES_OUT)} <= set(files)
    assert files[VALUES_OUT.as_posix()]["rows"] == len(data.values)
    assert files[REGIONS_OUT.as_posix()]["rows"] == len(data.regions) == 22
    assert files[GEO_OUT.as_posix()]["rows"] == len(data.geojson["features"])
    for rel, record in files.items():
        assert (built_dir / rel).stat().st_size == record["bytes"]
        assert len(record["sha256"]) == 64


def test_values_cut_mid_line(copy):
    _cut_mid_line(copy)
    message = _message(copy)
    assert str(copy / VALUES_OUT) in message and "„atlas build“ ausführen" in message


def test_values_cut_at_a_line_boundary_is_no_half_dataset(copy, data):
    total = len({i for i in data.values["indicator"]})
    assert _keep_first_indicators(copy, 20) < total
    message = _message(copy)
    assert "values.csv" in message and "atlas build" in message


def test_a_changed_value_of_the_same_length(copy):
    path = copy / VALUES_OUT
    raw = path.read_bytes()
    digit = raw.index(b"1", raw.index(b"\n") + 1)
    path.write_bytes(raw[:digit] + b"2" + raw[digit + 1:])
    assert "Prüfsumme" in _message(copy)


def test_a_missing_gemeinde_file(copy):
    (copy / GEMEINDE_GEO_OUT).unlink()
    message = _message(copy)
    assert str(copy / GEMEINDE_GEO_OUT) in message and "fehlt" in message


def test_a_cut_build_info(copy):
    path = copy / INFO_OUT
    path.write_bytes(path.read_bytes()[:100])
    message = _message(copy)
    assert "build_info.json" in message and "atlas build" in message


def test_a_build_of_an_older_version_without_checksums(copy):
    path = copy / INFO_OUT
    info = json.loads(path.read_text(encoding="utf-8"))
    del info["files"]
    path.write_text(json.dumps(info), encoding="utf-8")
    message = _message(copy)
    assert "älteren Atlas-Version" in message and "atlas build" in message


def test_verification_costs_little(built_dir):
    """The checks (SHA-256 of about 1.3 MB) add a few milliseconds to a load."""
    from atlas.catalogue import default_catalogue
    from atlas.data.loading import _verified_bytes

    catalogue = default_catalogue()
    files = json.loads((built_dir / INFO_OUT).read_text(encoding="utf-8"))["files"]
    started = time.perf_counter()
    for rel, record in files.items():
        _verified_bytes(built_dir, Path(rel), record)
    verify = time.perf_counter() - started
    started = time.perf_counter()
    load(built_dir, catalogue)
    whole = time.perf_counter() - started
    print(f"verification {verify * 1000:.1f} ms of a {whole * 1000:.0f} ms load")
    assert verify < 0.1


# --- the processes that load the data ----------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start(command: list[str], folder: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "ATLAS_DATA_DIR": str(folder),
           "ATLAS_DATABASE_URL": f"sqlite:///{folder / 'eigene.sqlite'}"}
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)


def _assert_clean_refusal(result: subprocess.CompletedProcess, path: Path) -> None:
    output = result.stdout + result.stderr
    assert result.returncode == EXIT_START_ERROR, output
    assert "Traceback" not in output and "läuft auf" not in output
    errors = [line for line in result.stderr.splitlines() if line.startswith("Fehler: ")]
    assert len(errors) == 1, output
    assert str(path) in errors[0] and "„atlas build“ ausführen" in errors[0]


@pytest.mark.skipif(not GUNICORN.exists(), reason="gunicorn fehlt in der Umgebung")
@pytest.mark.parametrize("config", ["gunicorn.conf.py", "/dev/null"])  # preloaded, or per worker
def test_gunicorn_refuses_a_cut_values_file(copy, config):
    """With the project's settings the master stops before it opens the port; without preloading
    the first worker stops and gunicorn ends instead of restarting it for ever."""
    _cut_mid_line(copy)
    result = _start([str(GUNICORN), "-c", config, "app:server", "-b",
                     f"127.0.0.1:{_free_port()}", "--workers", "1"], copy)
    output = result.stdout + result.stderr
    assert result.returncode == EXIT_START_ERROR, output
    assert "Traceback" not in output
    errors = [line for line in result.stderr.splitlines() if line.startswith("Fehler: ")]
    assert len(errors) == 1, output
    assert str(copy / VALUES_OUT) in errors[0] and "„atlas build“ ausführen" in errors[0]


def test_atlas_serve_refuses_values_cut_at_a_line_boundary(copy):
    _keep_first_indicators(copy, 20)
    result = _start([sys.executable, "-m", "atlas.cli", "serve", "--port", str(_free_port())],
                    copy)
    _assert_clean_refusal(result, copy / VALUES_OUT)
