"""Export menus: the links follow the current view (indicator, year, selection, display, note)."""

from __future__ import annotations

from urllib.parse import urlencode

from dash import ALL, Input, Output, State, callback, clientside_callback, html

from atlas.data import get_data
from callbacks.common import views_js
from layouts import ids

# the menus' links: the view's query plus each entry's parameters (and the note for images)
clientside_callback(
    views_js("exportLinks"),
    Output({"type": ids.EXPORT_LINK, "index": ALL}, "href"),
    Input(ids.VIEW_QUERY, "data"),
    Input(ids.EXPORT_NOTE, "value"),
    State(ids.EXPORT_ENTRIES, "data"),
)


@callback(
    Output(ids.EXPORT_PROFILE, "children"),
    Input(ids.DISTRICTS, "value"),
    Input(ids.LIFE_PHASE, "value"),
    prevent_initial_call=True,  # no Kreis is chosen when the page starts; the address sets one
)
def profile_links(selected, life_phase):
    """A PDF and a Word link per selected Kreis (the Regionenprofil does not depend on the
    year)."""
    data = get_data()
    phase = {"lebensphase": life_phase} if life_phase and life_phase != "alle" else {}
    return [html.A(f"Regionenprofil {data.region_name(ags)} als {label}",
                   href=f"/export/profil.{ext}?{urlencode({'kreis': ags, **phase})}",
                   className="btn btn-outline-secondary btn-sm me-2 mb-1")
            for ags in selected or [] for ext, label in (("pdf", "PDF"), ("docx", "Word"))]
