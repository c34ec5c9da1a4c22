"""The browser's partial plotly.js (atlas/webbundle.py): made from the installed plotly's
plotly.js version, named by its recipe, served in place of the full bundle, and a missing npm
is no failure (the full bundle is served)."""

from __future__ import annotations

import logging
from pathlib import Path

import plotly.graph_objects as go
from plotly.basedatatypes import BaseTraceType

from atlas import webbundle


def test_the_bundle_is_made_from_the_plotly_js_of_the_installed_plotly(monkeypatch, tmp_path):
    monkeypatch.setenv("ATLAS_BUNDLE_DIR", str(tmp_path))
    from plotly.offline import get_plotlyjs_version

    path = webbundle.bundle_path()
    assert path.parent == tmp_path
    assert get_plotlyjs_version() in path.name
    # another version or another module list is another file: never a stale bundle
    assert webbundle.bundle_path("0.0.1") != path
    assert webbundle.bundle_path(modules=("bar",)) != path


def test_the_entry_registers_every_module_of_the_list():
    source = webbundle.entry_source()
    assert "require('plotly.js/lib/core')" in source
    for name in webbundle.PLOTLY_MODULES:
        assert f"require('plotly.js/lib/{name}')" in source


def test_the_bundle_has_every_trace_type_the_atlas_draws_in_the_browser():
    """The figure builders' trace types (scatter is plotly.js's core) are all registered; a
    new trace type in the atlas needs its module in the list."""
    import atlas.charts
    import atlas.figures

    used = set()
    for module in (atlas.figures, atlas.charts):
        text = Path(module.__file__).read_text(encoding="utf-8")
        used |= {name.lower() for name in dir(go) if f"go.{name}(" in text
                 and isinstance(getattr(go, name), type)
                 and issubclass(getattr(go, name), BaseTraceType)}
    assert used, "the figure builders name their traces as go.<Trace>("
    assert used <= {"scatter", *webbundle.PLOTLY_MODULES}, used


def test_without_npm_the_full_bundle_is_served_and_the_reason_is_logged(
        monkeypatch, tmp_path, caplog):
    monkeypatch.setenv("ATLAS_BUNDLE_DIR", str(tmp_path))
    with caplog.at_level(logging.WARNING, logger="atlas.webbundle"):
        assert webbundle.ensure_plotly_bundle(npm=str(tmp_path / "kein-npm")) is None
    assert "volle plotly.js" in caplog.text
    assert webbundle.built_bundle() is None
    assert list(tmp_path.glob("*.js")) == []  # nothing half-written


def test_the_app_serves_the_built_bundle_where_dash_loads_plotly(app_module):
    bundle = webbundle.built_bundle()
    response = app_module.server.test_client().get(app_module.PLOTLY_URL)
    assert response.status_code == 200
    body = response.get_data()
    response.close()
    if bundle is None:  # no npm on this machine: the plotly package's full bundle
        assert body == app_module.PLOTLY_FULL.read_bytes()
        return
    assert body == bundle.read_bytes()
    assert len(body) < 2_000_000
    assert "max-age" in response.headers["Cache-Control"]
