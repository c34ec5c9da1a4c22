"""The naive baseline for the scale benchmark: a plain, tutorial-style Dash choropleth app.

One ``dcc.Slider`` (Dash 4, ``step=1``) and one ``dcc.Graph``; a single callback
``Input(slider) → Output(graph, "figure")`` filters the values of the chosen slider position and
returns a brand-new ``px.choropleth(..., geojson=<the whole GeoJSON>)`` every time, the way most
tutorials do it. Plain Dash defaults otherwise: no compression, plotly's default template, no
``Patch``, no caching.

The only deviations from a textbook app are needed to run offline and to compare like for like:

* the hidden base map's topojson is served from the atlas's ``assets/topojson`` folder
  (``pio.defaults.topojson`` and the graph's ``config={"topojsonURL": "/assets/topojson/"}``);
  ``assets_ignore`` keeps the atlas's CSS out of the page;
* ``fitbounds="locations"`` and an invisible base map (``geo.visible=False``), as the atlas draws it.

Used by ``benchmarks/bench_scale.py``, which serves it with gunicorn (one worker) like the atlas.
"""

from __future__ import annotations

from pathlib import Path

import dash
import pandas as pd
import plotly.express as px
import plotly.io as pio
from dash import Input, Output, dcc, html

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ASSETS = PROJECT_ROOT / "assets"  # only assets/topojson is used (offline base map)
TOPOJSON_URL = "/assets/topojson/"
SLIDER_ID = "year"
GRAPH_ID = "map"


def slider_marks(positions: list[int], labels: dict[int, str] | None = None) -> dict:
    """Every position when few (≤ 12), else every fifth plus the first and the last."""
    if labels:
        return {p: labels.get(p, str(p)) for p in positions}
    if len(positions) <= 12:
        return {p: str(p) for p in positions}
    return {p: str(p) for p in positions if p % 5 == 0 or p in (positions[0], positions[-1])}


def make_baseline(geojson: dict, values: pd.DataFrame, featureidkey: str = "properties.AGS",
                  *, labels: dict[int, str] | None = None,
                  title: str = "Baseline: px.choropleth per update") -> dash.Dash:
    """A plain Dash app that rebuilds the whole figure, GeoJSON included, on every change.

    Parameters
    ----------
    geojson
        FeatureCollection; every update sends it in full.
    values
        Columns ``ags, year, value``. ``year`` is the slider position (a year, or for data with a
        single year per indicator the index of an indicator; ``labels`` then names the positions).
    featureidkey
        Where the key sits in each feature, e.g. ``"properties.AGS"`` or ``"id"``.
    labels
        Optional slider mark labels per position.
    """
    values = values[["ags", "year", "value"]].copy()
    values["ags"] = values["ags"].astype(str)
    positions = sorted(int(y) for y in values["year"].unique())
    pio.defaults.topojson = str(ASSETS / "topojson")  # images (kaleido); the page uses config

    app = dash.Dash(__name__, title=title, assets_folder=str(ASSETS), assets_ignore=".*",
                    serve_locally=True)
    app.layout = html.Div([
        html.H1(title, style={"fontSize": "1.2rem"}),
        dcc.Slider(id=SLIDER_ID, min=positions[0], max=positions[-1], step=1,
                   value=positions[-1], marks=slider_marks(positions, labels)),
        dcc.Graph(id=GRAPH_ID, config={"topojsonURL": TOPOJSON_URL}, style={"height": "600px"}),
    ])

    @app.callback(Output(GRAPH_ID, "figure"), Input(SLIDER_ID, "value"))
    def update_map(year):
        df = values[values["year"] == year]
        fig = px.choropleth(df, geojson=geojson, locations="ags", featureidkey=featureidkey,
                            color="value")
        fig.update_geos(fitbounds="locations", visible=False)
        fig.update_layout(margin={"l": 0, "r": 0, "t": 0, "b": 0})
        return fig

    return app
