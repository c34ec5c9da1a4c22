"""Fixtures of the unit tests that several modules share."""

from __future__ import annotations

import pytest
from flask import Flask


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
