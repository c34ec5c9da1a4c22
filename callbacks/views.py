"""Map, time series, table and texts for the chosen indicator, year and Kreise."""

from __future__ import annotations

from dash import Input, Output, Patch, State, callback, no_update
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


def _full_map(data, view, selected, kreis):
    """The whole map with its geometry: only when the level (Kreise/Gemeinden) changes."""
    if view.level == "gemeinde":
        return figures.gemeinde_choropleth(data, view, kreis=kreis)
    return figures.choropleth(data, view, selected)


@callback(
    Output(ids.MAP, "figure"),
    Output(ids.MAP_NOTE, "children"),
    Output(ids.MAP_DRAWN, "data"),
    Input(ids.INDICATOR, "value"),
    Input(ids.YEAR, "value"),
    Input(ids.DISTRICTS, "value"),
    Input(ids.ZOOM_KREIS, "value"),
    *DISPLAY_INPUTS,
    State(ids.MAP_DRAWN, "data"),
)
def update_map(indicator, year, selected, zoom, scheme, k, palette, manual, drawn):
    """The page brings the Kreis map with its geometry; every change within a level is a patch
    of values (and, for a zoom to a Kreis, of its outline). ``MAP_DRAWN`` remembers which
    geometry the browser holds."""
    require_view(indicator, year)
    data = get_data()
    try:
        display = figures.display_from_inputs(scheme, k, palette, manual)
        view = figures.map_view(data, indicator, year, display=display)
    except ValueError as exc:  # bad manual bounds: say so, keep the map as it is
        return no_update, f"Manuelle Grenzen nicht verwendbar: {exc}", no_update
    kreis = zoom if view.level == "gemeinde" and zoom else None
    shown = {"level": view.level, "kreis": kreis}
    note = view.classes.note
    if view.level == "gemeinde":
        note = (f"Gemeinden, Gebietsstand {data.gemeinde_gebietsstand} (die neuesten Grenzen mit "
                f"Schlüsseln in den Quellen). {note}").strip()
    if (drawn or {}).get("level") != view.level:
        return _full_map(data, view, selected, kreis), note, shown
    if view.level == "gemeinde":
        update = figures.kreis_zoom_update(data, view, kreis)
        patch = _patch_map(update)
        if (drawn or {}).get("kreis") != kreis:
            patch["data"][figures.OUTLINE_TRACE]["lon"] = update["outline"]["lon"]
            patch["data"][figures.OUTLINE_TRACE]["lat"] = update["outline"]["lat"]
        return patch, note, shown
    return _patch_map(figures.map_update(view, selected)), note, shown


@callback(
    Output(ids.TIMESERIES, "figure"),
    Output(ids.TIMESERIES_NOTE, "children"),
    Output(ids.TIMESERIES_DRAWN, "data"),
    Input(ids.INDICATOR, "value"),
    Input(ids.YEAR, "value"),
    Input(ids.DISTRICTS, "value"),
    State(ids.TIMESERIES_DRAWN, "data"),
)
def update_timeseries(indicator, year, selected, drawn):
    require_view(indicator, year)
    shown = {"indicator": indicator, "selected": list(selected or [])}
    if drawn == shown:
        patch = Patch()  # only the highlighted year moves
        patch["layout"]["shapes"][0] = figures.year_marker(year)
        return patch, no_update, no_update
    data = get_data()
    if data.level(indicator) == "gemeinde":
        years = data.years(indicator)
        return ({}, f"Zeitreihen zeigt der Atlas für Kreisindikatoren; dieser Gemeindeindikator hat "
                    f"Werte für {', '.join(map(str, years))}.", None)  # nothing to patch
    fig = figures.timeseries(data, indicator, selected or [], year)
    notes = list(fig.layout.meta["notes"])
    if not selected:
        notes.insert(0, "Klicken Sie auf einen Kreis in der Karte oder wählen Sie links Kreise "
                        "aus, um sie mit Thüringen zu vergleichen.")
    return fig, " ".join(notes), shown


@callback(
    Output(ids.HEADING, "children"),
    Output(ids.TABLE, "children"),
    Input(ids.INDICATOR, "value"),
    Input(ids.YEAR, "value"),
    Input(ids.ZOOM_KREIS, "value"),
)
def update_heading_and_table(indicator, year, zoom):
    require_view(indicator, year)
    data = get_data()
    view = figures.map_view(data, indicator, year)
    return panels.heading(data, indicator, year), panels.values_table(data, view, zoom)


@callback(
    Output(ids.INFO, "children"),
    Output(ids.ATTRIBUTION, "children"),
    Output(ids.MAP_SOURCE, "children"),
    Input(ids.INDICATOR, "value"),
)
def update_indicator_texts(indicator):
    if not indicator:
        raise PreventUpdate
    data = get_data()
    source = panels.attribution(data, indicator)
    return panels.info_panel(data, indicator), source, source
