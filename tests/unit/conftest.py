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
