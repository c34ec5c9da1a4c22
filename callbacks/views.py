"""Map, time series, table and texts for the chosen indicator, year and Kreise."""

from __future__ import annotations

from dash import Input, Output, Patch, callback, ctx, no_update
from dash.exceptions import PreventUpdate

from atlas import figures
from atlas.data import get_data
from callbacks.common import DISPLAY_INPUTS, require_view
from layouts import ids, panels


def _patch_map(update: dict) -> Patch:
    """Send only values, colours, hover texts and legend: the geometry stays in the browser."""
    patch = Patch()
    for key, value in update["trace"].items():
        if key == "marker":
            patch["data"][figures.MAP_TRACE]["marker"]["line"] = value["line"]
        else:
            patch["data"][figures.MAP_TRACE][key] = value
    for slot, item in enumerate(update["legend"]):
        trace = patch["data"][figures.LEGEND_TRACES_START + slot]
        trace["name"] = item["name"]
        trace["visible"] = item["visible"]
        trace["marker"]["color"] = item["marker"]["color"]
    patch["layout"]["legend"]["title"]["text"] = update["legend_title"]
    patch["layout"]["annotations"][0]["text"] = update["reference_text"]
    return patch


@callback(
    Output(ids.MAP, "figure"),
    Output(ids.MAP_NOTE, "children"),
    Input(ids.INDICATOR, "value"),
    Input(ids.YEAR, "value"),
    Input(ids.DISTRICTS, "value"),
    *DISPLAY_INPUTS,
)
def update_map(indicator, year, selected, scheme, k, palette, manual):
    """The page brings the map with its geometry; every change is a patch of values."""
    require_view(indicator, year)
    try:
        display = figures.display_from_inputs(scheme, k, palette, manual)
        view = figures.map_view(get_data(), indicator, year, display=display)
    except ValueError as exc:  # bad manual bounds: say so, keep the map as it is
        return no_update, f"Manuelle Grenzen nicht verwendbar: {exc}"
    return _patch_map(figures.map_update(view, selected)), view.classes.note


@callback(
    Output(ids.TIMESERIES, "figure"),
    Output(ids.TIMESERIES_NOTE, "children"),
    Input(ids.INDICATOR, "value"),
    Input(ids.YEAR, "value"),
    Input(ids.DISTRICTS, "value"),
)
def update_timeseries(indicator, year, selected):
    require_view(indicator, year)
    if ctx.triggered_prop_ids and set(ctx.triggered_prop_ids.values()) == {ids.YEAR}:
        patch = Patch()  # only the highlighted year moves
        patch["layout"]["shapes"][0] = figures.year_marker(year)
        return patch, no_update
    fig = figures.timeseries(get_data(), indicator, selected or [], year)
    notes = list(fig.layout.meta["notes"])
    if not selected:
        notes.insert(0, "Klicken Sie auf einen Kreis in der Karte oder wählen Sie links Kreise "
                        "aus, um sie mit Thüringen zu vergleichen.")
    return fig, " ".join(notes)


@callback(
    Output(ids.HEADING, "children"),
    Output(ids.TABLE, "children"),
    Input(ids.INDICATOR, "value"),
    Input(ids.YEAR, "value"),
)
def update_heading_and_table(indicator, year):
    require_view(indicator, year)
    data = get_data()
    view = figures.map_view(data, indicator, year)
    return panels.heading(data, indicator, year), panels.values_table(data, view)


@callback(
    Output(ids.INFO, "children"),
    Output(ids.ATTRIBUTION, "children"),
    Input(ids.INDICATOR, "value"),
)
def update_indicator_texts(indicator):
    if not indicator:
        raise PreventUpdate
    data = get_data()
    return panels.info_panel(data, indicator), panels.attribution(data, indicator)
