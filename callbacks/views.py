"""Map, time series, table and texts for the chosen indicator, year and Kreise.

The server answers changes of indicator, selection, zoom and display with the map's description
(:func:`atlas.figures.map_description`, or a patch of it); one renderer in the browser
(``renderMap`` in ``assets/views.js``) draws it and is the only writer of the map's figure. A
change of year is handled in the browser: the renderer draws the year's frame, the time series
moves its year shading.
"""

from __future__ import annotations

from dash import Input, Output, Patch, State, callback, clientside_callback, no_update
from dash.exceptions import PreventUpdate

from atlas import figures
from atlas.composite import indexview
from atlas.data import get_data
from atlas.levels.registry import KREIS
from callbacks.common import DISPLAY_INPUTS, require_view, views_js
from layouts import ids, panels
from layouts.presentation import indicator_sources


@callback(
    Output(ids.MAP_DESCRIPTION, "data"),
    Output(ids.MAP_NOTE, "children"),
    Output(ids.MAP_DRAWN, "data"),
    Input(ids.INDICATOR, "value"),
    Input(ids.DISTRICTS, "value"),
    Input(ids.ZOOM_KREIS, "value"),
    *DISPLAY_INPUTS,
    State(ids.YEAR, "value"),
    State(ids.MAP_DRAWN, "data"),
    prevent_initial_call=True,  # the page comes with the first view's description (layout)
)
def update_map(indicator, selected, zoom, scheme, k, palette, manual, year, drawn):
    """The map's description (:func:`atlas.figures.map_description`) for the page's renderer:
    whole with a new level (the boundaries below the Kreise by URL: fetched once, kept by the
    browser), otherwise a patch of its parts: the frames of every year of the indicator (below
    the Kreise those of the level's other indicators too) when the browser lacks them, the
    placement and overlays after a new zoom or selection. ``MAP_DRAWN`` remembers what the
    browser holds. Nothing here writes the map's figure."""
    if not indicator:
        raise PreventUpdate
    data = get_data()
    years = data.years(indicator)
    if not years:
        raise PreventUpdate
    year = year if year in years else years[-1]  # mid-switch: the frames bring the right year
    try:
        display = figures.display_from_inputs(scheme, k, palette, manual)
        view = figures.map_view(data, indicator, year, display=display)
    except ValueError as exc:  # bad manual bounds: say so, keep the map as it is
        return no_update, f"Manuelle Grenzen nicht verwendbar: {exc}", no_update
    drawn = drawn or {}
    if drawn.get("level") != view.level:
        return panels.map_start(data, indicator, year, display, selected, zoom)
    level = data.level_of(view.level)
    kreis = zoom if level.zoomable and zoom else None
    outlined = [] if level.id != KREIS else list(selected or [])
    geometry = {"level": view.level, "kreis": kreis, "selected": outlined}
    frames = figures.level_frames(data, indicator, display, outlined, kreis)
    note = panels.map_note(data, indicator, view)
    description = Patch()
    changed = False
    if {key: drawn.get(key) for key in geometry} != geometry:
        placement = figures.map_placement(data, view, outlined, kreis)
        description["update"] = placement["update"]
        description["overlays"]["selection"] = placement["selection"]
        description["overlays"]["labels"] = placement["labels"]
        changed = True
    if drawn.get("frames") != frames["digest"]:
        description["frames"] = frames
        description["indicator"] = indicator
        changed = True
    return description if changed else no_update, note, {**geometry, "frames": frames["digest"]}


# the indicator once the choice rests: texts, table, time series, address and other tabs
# follow it, so a switch draws the map first (assets/views.js)
clientside_callback(
    views_js("settleIndicator"),
    Output(ids.INDICATOR_SETTLED, "data"),
    Input(ids.INDICATOR, "value"),
)


# the one writer of the map's figure: the description drawn for the indicator, the slider's
# year, the mode and the names (assets/views.js renderMap; the slider's year, the window's size
# and the map's drawing call it from the page, too). The mode comes by the graph's
# ``responsive``, which presentation mode switches first (callbacks/presentation.py applyMode):
# the graph draws a new figure at the size its ``responsive`` says when the figure arrives.
clientside_callback(
    views_js("renderMap"),
    Output(ids.MAP_RENDERED, "data"),
    Input(ids.MAP_DESCRIPTION, "data"),
    Input(ids.YEAR_SETTLED, "data"),
    Input(ids.MAP, "responsive"),
    Input(ids.LABELS, "data"),
)

# another indicator at once: alone, since Dash holds a callback back while an input of it is on
# its way from the server (the description follows the indicator), and the frames of the
# level's other indicators are at hand already
clientside_callback(
    views_js("renderMap"),
    Output(ids.MAP_RENDERED, "data", allow_duplicate=True),
    Input(ids.INDICATOR, "value"),
    prevent_initial_call=True,
)


@callback(
    Output(ids.TIMESERIES, "figure"),
    Output(ids.TIMESERIES_NOTE, "children"),
    Output(ids.TIMESERIES_DRAWN, "data"),
    Output(ids.TIMESERIES_TITLE, "children"),
    Input(ids.INDICATOR_SETTLED, "data"),
    Input(ids.DISTRICTS, "value"),
    Input(ids.ZOOM_KREIS, "value"),
    State(ids.YEAR, "value"),
    prevent_initial_call=True,  # the page comes with the first view's (layout)
)
def update_timeseries(indicator, selected, zoom, year):
    """The series of the indicator; the year shading follows the slider in the browser."""
    if not indicator:
        raise PreventUpdate
    return panels.timeseries_parts(get_data(), indicator, selected, zoom, year)


clientside_callback(
    views_js("valuesTable"),
    Output(ids.TABLE, "children"),
    Input(ids.TABLE_DATA, "data"),
)


clientside_callback(
    views_js("moveYearMarker"),
    Output(ids.TIMESERIES, "figure", allow_duplicate=True),
    Input(ids.YEAR_SETTLED, "data"),
    Input(ids.TIMESERIES_DRAWN, "data"),
    State(ids.TIMESERIES, "figure"),
    prevent_initial_call=True,
)


@callback(
    Output(ids.HEADING, "children"),
    Output(ids.TABLE_DATA, "data"),
    Output(ids.PRESENT_TITLE, "children"),
    Output(ids.PRESENT_SUBTITLE, "children"),
    Input(ids.INDICATOR_SETTLED, "data"),
    Input(ids.YEAR_SETTLED, "data"),
    Input(ids.ZOOM_KREIS, "value"),
    prevent_initial_call=True,  # the page comes with the first view's (layout)
)
def update_view_texts(indicator, year, zoom):
    """Heading and table of the map values (its texts; the browser draws it: valuesTable); the large title of presentation mode (for the year
    the slider settled on: the map is painted first, the texts follow)."""
    require_view(indicator, year)
    return panels.view_texts(get_data(), indicator, year, zoom)


@callback(
    Output(ids.ATTRIBUTION, "children"),
    Output(ids.MAP_SOURCE, "children"),
    Output(ids.PRESENT_SOURCE, "children"),
    Output(ids.STAND, "children"),
    Input(ids.INDICATOR_SETTLED, "data"),
    prevent_initial_call=True,  # the page comes with the first view's (layout)
)
def update_indicator_texts(indicator):
    if not indicator:
        raise PreventUpdate
    return indicator_sources(get_data(), indicator)


@callback(
    Output(ids.INFO, "children"),
    Output(ids.INFO_FOR, "data"),
    Input(ids.INDICATOR_SETTLED, "data"),
    Input(ids.YEAR_SETTLED, "data"),
    State(ids.INFO_FOR, "data"),
    State(ids.OWN_REVISION, "data"),
    prevent_initial_call=True,  # the page comes with the first view's (layout)
)
def update_info(indicator, year, shown_for, revision):
    """The info box; a year step redraws only that of a Sozialindex (its parts' years). For a
    plain indicator's box already shown (for the same state of the own data: an edited
    definition keeps its id) a year step sends only the generated text of the year."""
    if not indicator:
        raise PreventUpdate
    data = get_data()
    key = f"{indicator}#{year}#{revision}"
    shown = (shown_for or "").split("#")
    if indexview.is_index(data, indicator) or len(shown) != 3 or \
            (shown[0], shown[2]) != (indicator, str(revision)):
        return panels.info_box(data, indicator, year, revision)
    if shown_for == key:
        raise PreventUpdate
    box = Patch()
    target = box
    for step in panels.INFO_TEXT_PATH[:-1]:
        target = target[step]
    target[panels.INFO_TEXT_PATH[-1]] = panels.info_text(data, indicator, year)
    return box, key
