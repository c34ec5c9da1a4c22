"""Shared fixtures: the sources folder (found like `atlas build` finds it) and built data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from atlas.errors import SourcesNotFound
from atlas.paths import find_sources


@pytest.fixture(scope="session")
def sources() -> Path:
    """The sources folder: $ATLAS_SOURCES, ./sources or ../shared/sources (as `atlas build`)."""
    try:
        return find_sources()
    except SourcesNotFound as exc:
        pytest.skip(f"Kein Quellordner: {exc}")


@pytest.fixture(scope="session")
def built_dir(sources, tmp_path_factory) -> Path:
    """A data folder built once per test session from the real sources."""
    from atlas.build import build

    out = tmp_path_factory.mktemp("data")
    build(sources, out=out)
    return out


@pytest.fixture(scope="session")
def data(built_dir):
    """The built data, loaded as the app loads it."""
    from atlas.data import load

    return load(built_dir)


@pytest.fixture(scope="session")
def app_module(built_dir):
    """The Dash app module, pointed at the test build (imported once per session)."""
    os.environ["ATLAS_DATA_DIR"] = str(built_dir)
    from atlas.data import reset_data

    reset_data()
    import app

    return app


@pytest.fixture(scope="session")
def postgres_url(tmp_path_factory):
    """A real PostgreSQL server for the store tests: $ATLAS_TEST_POSTGRES_URL, or Debian's
    `postgresql` package started here on loopback in a throw-away cluster (stopped afterwards).
    Skipped with the reason only where PostgreSQL is not installed."""
    import glob
    import pwd
    import shutil
    import socket
    import subprocess
    import tempfile

    given = os.environ.get("ATLAS_TEST_POSTGRES_URL", "").strip()
    if given:
        yield given
        return
    pytest.importorskip("psycopg", reason="psycopg fehlt: pip install -e '.[test]'")
    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if not bins:
        pytest.skip("PostgreSQL ist nicht installiert (Debian: apt-get install postgresql; "
                    ".ci/run installiert es)")
    bindir = Path(bins[-1]).parent
    # outside pytest's private temp tree, which the postgres user cannot enter
    folder = Path(tempfile.mkdtemp(prefix="atlas-pg-"))
    run_as: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root: use the package's system user
        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("Systembenutzer „postgres“ fehlt (Paket postgresql unvollständig)")
        shutil.chown(folder, user.pw_uid, user.pw_gid)
        run_as = ["runuser", "-u", "postgres", "--"]
    cluster = folder / "cluster"
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    subprocess.run([*run_as, str(bindir / "initdb"), "-D", str(cluster), "-U", "atlas",
                    "--auth=trust", "-E", "UTF8", "--no-instructions"],
                   check=True, capture_output=True)
    subprocess.run([*run_as, str(bindir / "pg_ctl"), "-D", str(cluster), "-w", "-l",
                    str(folder / "server.log"), "-o",
                    f"-p {port} -k {folder} -c listen_addresses=127.0.0.1", "start"],
                   check=True, capture_output=True)
    try:
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={port} user=atlas dbname=postgres",
                             autocommit=True) as conn:
            conn.execute("CREATE DATABASE atlas_test")
        yield f"postgresql+psycopg://atlas@127.0.0.1:{port}/atlas_test"
    finally:
        subprocess.run([*run_as, str(bindir / "pg_ctl"), "-D", str(cluster), "-m", "fast",
                        "stop"], capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)
