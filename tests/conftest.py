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
