"""Export menus: the links follow the current view (indicator, year, selection, display, note)."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, callback, html

from atlas.data import get_data
from atlas.figures import display_from_inputs
from atlas.urlstate import view_query
from atlas.values import ValueParseError
from callbacks.common import DISPLAY_INPUTS, require_view
from layouts import ids
from layouts.exports import CHART_EXPORTS, DATA_EXPORTS, MAP_EXPORTS


@callback(
    Output(ids.EXPORT_MAP, "children"),
    Output(ids.EXPORT_CHART, "children"),
    Output(ids.EXPORT_DATA, "children"),
    Output(ids.EXPORT_PROFILE, "children"),
    Input(ids.INDICATOR, "value"),
    Input(ids.YEAR, "value"),
    Input(ids.DISTRICTS, "value"),
    Input(ids.LIFE_PHASE, "value"),
    Input(ids.EXPORT_NOTE, "value"),
    *DISPLAY_INPUTS,
)
def export_links(indicator, year, selected, life_phase, note, scheme, k, palette, manual):
    require_view(indicator, year)
    try:
        display = display_from_inputs(scheme, k, palette, manual)
    except ValueParseError:
        display = None  # the map names the problem; exports fall back to the default classes
    selected = selected or []

    def items(entries, **view):
        return [dbc.DropdownMenuItem(label, external_link=True,
                                     href=f"{path}?{view_query(**{**view, **extra})}")
                for label, path, extra in entries]

    view = {"indicator": indicator, "year": year, "selected": selected, "display": display,
            "notiz": note, "life_phase": life_phase}
    data = get_data()
    phase = {"lebensphase": life_phase} if life_phase and life_phase != "alle" else {}
    profiles = [html.A(f"Regionenprofil {data.region_name(ags)} als PDF",
                       href=f"/export/profil.pdf?{view_query(indicator, kreis=ags, **phase)}",
                       className="btn btn-outline-secondary btn-sm me-2 mb-1")
                for ags in selected]
    return (items(MAP_EXPORTS, **view), items(CHART_EXPORTS, **view),
            items(DATA_EXPORTS, indicator=indicator, year=year), profiles)
