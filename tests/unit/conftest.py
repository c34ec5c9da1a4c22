"""Fixtures of the unit tests that several modules share."""

from __future__ import annotations

import uuid

import pytest
from flask import Flask
from sqlalchemy import make_url


@pytest.fixture(scope="module")
def export_engine():
    """One export browser (kaleido) for a module, closed afterwards."""
    from atlas import export

    yield
    export.stop_engine()


@pytest.fixture(scope="module")
def downloads_client(data):
    """The export blueprint on a fresh Flask app (app.py registers it in production), serving
    ``data``."""
    from atlas import downloads

    app = Flask("downloads-test")
    app.register_blueprint(downloads.downloads)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(downloads, "_data", lambda: data)
        yield app.test_client()


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    """A fresh, empty database: a SQLite file, or a throw-away schema on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'eigene_daten.sqlite'}"
        return
    base = request.getfixturevalue("postgres_url")  # started by the test run, see conftest
    from sqlalchemy import create_engine

    schema = f"atlas_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    try:
        scoped = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
        yield scoped.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@pytest.fixture(scope="session")
def source_kreise(sources):
    """The Kreise of the sources (BKG VG5000, 31.12.2023) as atlas.geo reads them (own levels)."""
    from atlas import geo

    return geo.read_boundaries(sources / "geo/th_kreise_vg5000_2023.geojson", "kreis")


@pytest.fixture(scope="session")
def source_gemeinden(sources):
    """The Gemeinden of the sources (BKG VG5000, 01.01.2021) as atlas.geo reads them."""
    from atlas import geo

    return geo.read_boundaries(sources / "geo/th_gemeinden_vg5000_2021-01-01.geojson", "gemeinde")


@pytest.fixture(scope="module")
def gemeinde_counts(data):
    """The Zensus population of the Gemeinden (long rows) in the built data."""
    from tests.conftest import OWN_COUNT_SOURCE, indicator_rows

    counts = indicator_rows(data, OWN_COUNT_SOURCE)
    if counts.empty:
        pytest.skip("Build ohne Gemeindewerte")
    return counts


@pytest.fixture(scope="module")
def gemeinde_kreis(data):
    """Every Gemeinde in its Kreis (``key`` Kreis, ``part`` Gemeinde): the registry's complete
    membership of the 22 Kreise."""
    return data.levels.membership("gemeinde", "kreis")
