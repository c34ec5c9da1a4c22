"""Shareable views, presentation mode and the Sitzungsfolge.

Server callbacks build query strings (:mod:`atlas.urlstate`), edit the Sitzungsfolge
(:mod:`atlas.playlist`) and make the handout; the browser side (keyboard, writing the address
bar, stepping years and indicators) is in ``assets/presentation.js`` (namespace
``presentation``); the presentation look of the map is part of the map's description, drawn by
the one renderer of the map (``renderMap`` in ``assets/views.js``).
"""

from __future__ import annotations

import base64
import binascii
import logging
from dataclasses import replace

from dash import (
    ALL,
    ClientsideFunction,
    Input,
    Output,
    State,
    callback,
    clientside_callback,
    ctx,
    dcc,
    html,
    no_update,
)
from dash.exceptions import PreventUpdate

from atlas import export, playlist
from atlas.data import get_data, own_store
from atlas.figures import display_from_inputs
from atlas.urlstate import NORMAL, PRESENTATION, ViewState, parse_state, state_query
from atlas.values import ValueParseError
from callbacks.common import DISPLAY_INPUTS, page_actor, require_view, views_js
from layouts import ids
from layouts import presentation as layout

log = logging.getLogger("atlas")


def _js(name: str) -> ClientsideFunction:
    return ClientsideFunction(namespace="presentation", function_name=name)


# --- the view in the address bar ----------------------------------------------------------------


@callback(
    Output(ids.VIEW_QUERY, "data"),
    Input(ids.TABS, "data"),
    Input(ids.INDICATOR_SETTLED, "data"),
    Input(ids.YEAR_SETTLED, "data"),
    Input(ids.LIFE_PHASE, "value"),
    Input(ids.AREA, "value"),
    Input(ids.DISTRICTS, "value"),
    *DISPLAY_INPUTS,
    Input(ids.MODE, "data"),
    Input(ids.ZOOM_KREIS, "value"),
    prevent_initial_call=True,  # the page comes with the first view's (layout)
)
def view_query(tab, indicator, year, life_phase, area, selected, scheme, k, palette, manual,
               mode, zoom):
    """The query string of what the page shows (written to the address bar once it settles)."""
    require_view(indicator, year)
    try:
        display = display_from_inputs(scheme, k, palette, manual)
    except ValueParseError:
        raise PreventUpdate from None  # the map names the problem; the link keeps the last view
    state = ViewState(indicator, int(year), life_phase or "alle", area or "alle",
                      tuple(selected or ()), display, tab or "map", mode or NORMAL,
                      get_data().zoom(indicator, zoom))
    return state_query(state, get_data())


# address bar and link field (debounced; replaceState for the first and for animation steps)
clientside_callback(
    _js("syncUrl"),
    Output(ids.SHARE_LINK, "value"),
    Input(ids.VIEW_QUERY, "data"),
    Input(ids.URL, "search"),
)

clientside_callback(
    _js("copyLink"),
    Output(ids.SHARE_STATUS, "children"),
    Input(ids.SHARE_COPY, "n_clicks"),
    State(ids.SHARE_LINK, "value"),
    prevent_initial_call=True,
)


# --- presentation mode --------------------------------------------------------------------------

clientside_callback(
    _js("toggleMode"),
    Output(ids.MODE, "data", allow_duplicate=True),
    Output(ids.TABS, "data", allow_duplicate=True),
    Input(ids.PRESENT, "n_clicks"),
    Input(ids.PRESENT_EXIT, "n_clicks"),
    State(ids.MODE, "data"),
    prevent_initial_call=True,
)

clientside_callback(
    _js("applyMode"),
    Output(ids.ROOT, "className"),
    Output(ids.MAP, "responsive"),
    Input(ids.MODE, "data"),
)

clientside_callback(
    _js("yearButtons"),
    Output(ids.PRESENT_PREV_YEAR, "disabled"),
    Output(ids.PRESENT_NEXT_YEAR, "disabled"),
    Input(ids.YEAR_SETTLED, "data"),
    Input(ids.YEARS, "data"),
)

clientside_callback(
    _js("toggleLabels"),
    Output(ids.LABELS, "data"),
    Input(ids.PRESENT_LABELS, "n_clicks"),
    State(ids.LABELS, "data"),
    prevent_initial_call=True,
)

clientside_callback(
    _js("labelsButton"),
    Output(ids.PRESENT_LABELS, "aria-pressed"),
    Output(ids.PRESENT_LABELS, "className"),
    Input(ids.LABELS, "data"),
)


# --- Sitzungsfolge ------------------------------------------------------------------------------


def _views(raw) -> list[playlist.View]:
    return playlist.stored_views(raw)


def _dump(views: list[playlist.View]) -> list[dict]:
    return [v.as_dict() for v in views]


def _shown(query: str | None) -> str:
    """The current view as kept in a Sitzungsfolge (canonical, without the mode)."""
    if not query:
        return ""
    state, _ = parse_state(query, get_data())
    return state_query(state.without_mode(), get_data())


def _status(text: str, tone: str = "success", items: list[str] | None = None) -> list:
    """A status line (and a list of details) as plain text: view names and file names are the
    user's, never Markdown or HTML."""
    css = {"success": "text-success-emphasis", "warning": "text-warning-emphasis",
           "danger": "text-danger-emphasis"}[tone]
    if not text:
        return []
    out = [html.P(text, className=f"{css} mb-0")]
    if items:
        out.append(html.Ul([html.Li(item) for item in items], className=f"{css} mb-0"))
    return out


@callback(
    Output(ids.PLAYLIST, "data", allow_duplicate=True),
    Output(ids.PLAYLIST_NAME, "value"),
    Output(ids.PLAYLIST_STATUS, "children"),
    Output(ids.PLAYLIST_UPLOAD, "contents"),
    Output(ids.OWN_REVISION, "data", allow_duplicate=True),
    Input(ids.PLAYLIST_ADD, "n_clicks"),
    Input(ids.PLAYLIST_NAME, "n_submit"),
    Input({"type": layout.ROW_UP, "index": ALL}, "n_clicks"),
    Input({"type": layout.ROW_DOWN, "index": ALL}, "n_clicks"),
    Input({"type": layout.ROW_DELETE, "index": ALL}, "n_clicks"),
    Input({"type": layout.ROW_NAME, "index": ALL}, "value"),
    Input(ids.PLAYLIST_CLEAR, "submit_n_clicks"),
    Input(ids.PLAYLIST_UPLOAD, "contents"),
    State(ids.PLAYLIST_UPLOAD, "filename"),
    State(ids.PLAYLIST_NAME, "value"),
    State(ids.PLAYLIST, "data"),
    State(ids.VIEW_QUERY, "data"),
    State(ids.OWN_REVISION, "data"),
    prevent_initial_call=True,
)
def edit_playlist(*args):
    """Every change of the list: remember, move, rename, remove, clear, import (an import that
    created definitions bumps the own-data revision, so the indicator lists show them)."""
    *rest, revision = args
    contents, filename, stored = rest[7], rest[8], rest[10]
    if ctx.triggered_id == ids.PLAYLIST_UPLOAD:
        if not contents:
            raise PreventUpdate
        *out, created = _import(_views(stored), contents, filename, get_data())
        return (*out, (revision or 0) + 1 if created else no_update)
    return (*_edit_playlist(*rest), no_update)


def _edit_playlist(_add, _submit, _up, _down, _delete, names, clear, contents, filename, name,
                   stored, query):
    trigger = ctx.triggered_id
    value = ctx.triggered[0]["value"] if ctx.triggered else None
    views = _views(stored)
    data = get_data()
    keep = (no_update, no_update, no_update, no_update)
    if trigger in (ids.PLAYLIST_ADD, ids.PLAYLIST_NAME):
        if not value:
            raise PreventUpdate
        shown = _shown(query)
        if not shown:
            raise PreventUpdate
        if len(views) >= playlist.MAX_VIEWS:
            return (no_update, no_update,
                    _status(f"Höchstens {playlist.MAX_VIEWS} Ansichten – bitte erst eine "
                            "entfernen.", "warning"), no_update)
        title = playlist.clean_name(name) or playlist.default_name(
            data, parse_state(shown, data)[0])
        views.append(playlist.View(title, shown))
        return (_dump(views), "", _status(f"„{title}“ gemerkt (Ansicht {len(views)}).")
                , no_update)
    if trigger == ids.PLAYLIST_CLEAR:
        if not clear:
            raise PreventUpdate
        return [], no_update, _status("Sitzungsfolge geleert.", "success"), no_update
    if isinstance(trigger, dict):
        index = trigger.get("index")
        if not isinstance(index, int) or not 0 <= index < len(views):
            raise PreventUpdate
        kind = trigger.get("type")
        if kind == layout.ROW_NAME:
            new = playlist.clean_name(value)
            if not new or new == views[index].name:
                raise PreventUpdate
            views[index] = replace(views[index], name=new)
            return _dump(views), no_update, no_update, no_update
        if not value:  # a row appeared (list redrawn), nothing clicked
            raise PreventUpdate
        if kind == layout.ROW_DELETE:
            gone = views.pop(index)
            return (_dump(views), no_update, _status(f"„{gone.name}“ entfernt.", "success"),
                    no_update)
        if kind in (layout.ROW_UP, layout.ROW_DOWN):
            other = index - 1 if kind == layout.ROW_UP else index + 1
            if not 0 <= other < len(views):
                raise PreventUpdate
            views[index], views[other] = views[other], views[index]
            return _dump(views), no_update, no_update, no_update
    return keep


def _import(views, contents: str, filename: str | None, data) -> tuple:
    """The list with the file's views added; the file's definitions this atlas lacks are created
    first (:func:`atlas.playlist.read_file`). The last item: whether any was created."""
    name = filename or "die Datei"
    try:
        _, encoded = contents.split(",", 1)
        raw = base64.b64decode(encoded, validate=False)
        imported, messages = playlist.read_file(raw, data, own_store(), actor=page_actor())
    except (ValueError, binascii.Error) as exc:
        text = str(exc) if isinstance(exc, playlist.PlaylistError) else \
            "Die Datei konnte nicht gelesen werden."
        return (no_update, no_update, _status(f"{name} nicht importiert: {text}", "danger"),
                None, False)
    created = any(m.endswith(playlist.CREATED) for m in messages)
    room = playlist.MAX_VIEWS - len(views)
    if len(imported) > room:
        messages.append(f"{len(imported) - room} Ansichten nicht übernommen: höchstens "
                        f"{playlist.MAX_VIEWS} in der Sitzungsfolge.")
        imported = imported[:room]
    views = views + imported
    text = (f"{len(imported)} Ansicht{'en' if len(imported) != 1 else ''} aus {name} "
            f"übernommen; die Sitzungsfolge hat jetzt {len(views)}.")
    tone = "warning" if any(not m.endswith(playlist.CREATED) for m in messages) else "success"
    return _dump(views), no_update, _status(text, tone, messages), None, created


# the view shown matters to the list only when there is one (no request per year otherwise)
clientside_callback(
    views_js("playlistGate"),
    Output(ids.PLAYLIST_QUERY, "data"),
    Input(ids.VIEW_QUERY, "data"),
    State(ids.PLAYLIST, "data"),
)


@callback(
    Output(ids.PLAYLIST_LIST, "children"),
    Output(ids.PRESENT_VIEW_POS, "children"),
    Output(ids.PRESENT_PREV_VIEW, "disabled"),
    Output(ids.PRESENT_NEXT_VIEW, "disabled"),
    Input(ids.PLAYLIST, "data"),
    Input(ids.PLAYLIST_QUERY, "data"),
    Input(ids.PLAYLIST_POS, "data"),
    State(ids.VIEW_QUERY, "data"),
    prevent_initial_call=True,  # the page comes with the empty list; a stored one is a change
)
def show_playlist(stored, _shown_query, last, query):
    """The list with the view now shown marked, and the position in the presentation bar."""
    views = _views(stored)
    current = playlist.position(views, query, get_data())
    if not views:
        position = ""  # the bar hides the Sitzungsfolge buttons
    elif current is None:
        position = f"Ansicht – / {len(views)}"
    else:
        position = f"Ansicht {current + 1} / {len(views)}"
    prev_target = playlist.step(views, current, last, -1)
    next_target = playlist.step(views, current, last, 1)
    return (layout.playlist_rows(views, current), position, prev_target is None,
            next_target is None)


@callback(
    Output(ids.URL, "search", allow_duplicate=True),
    Output(ids.PLAYLIST_POS, "data"),
    Output(ids.URL_ECHO, "data"),
    Input(ids.PRESENT_PREV_VIEW, "n_clicks"),
    Input(ids.PRESENT_NEXT_VIEW, "n_clicks"),
    Input(ids.PLAYLIST_PRESENT, "n_clicks"),
    Input({"type": layout.ROW_OPEN, "index": ALL}, "n_clicks"),
    State(ids.PLAYLIST, "data"),
    State(ids.PLAYLIST_POS, "data"),
    State(ids.VIEW_QUERY, "data"),
    State(ids.MODE, "data"),
    prevent_initial_call=True,
)
def go_to_view(_prev, _next, _start, _open, stored, last, query, mode):
    """Show a view of the Sitzungsfolge: navigate to its query (one history entry), in the
    current mode; "Präsentation starten" opens the first view in presentation mode."""
    value = ctx.triggered[0]["value"] if ctx.triggered else None
    if not value:
        raise PreventUpdate
    views = _views(stored)
    trigger = ctx.triggered_id
    if not views:
        if trigger != ids.PLAYLIST_PRESENT or not query:
            raise PreventUpdate
        state, _ = parse_state(query, get_data())  # nothing remembered: present this view
        return "?" + state_query(replace(state, mode=PRESENTATION), get_data()), None, None
    current = playlist.position(views, query, get_data())
    if trigger == ids.PLAYLIST_PRESENT:
        target, mode = 0, PRESENTATION
    elif isinstance(trigger, dict):
        target = trigger.get("index")
    else:
        target = playlist.step(views, current, last,
                               -1 if trigger == ids.PRESENT_PREV_VIEW else 1)
    if not isinstance(target, int) or not 0 <= target < len(views):
        raise PreventUpdate
    state, _ = parse_state(views[target].query, get_data())
    return "?" + state_query(replace(state, mode=mode or NORMAL), get_data()), target, None


@callback(
    Output(ids.PLAYLIST_DOWNLOAD, "data"),
    Output(ids.PLAYLIST_STATUS, "children", allow_duplicate=True),
    Input(ids.PLAYLIST_EXPORT, "n_clicks"),
    State(ids.PLAYLIST, "data"),
    prevent_initial_call=True,
)
def export_playlist(clicks, stored):
    if not clicks:
        raise PreventUpdate
    views = _views(stored)
    if not views:
        return no_update, _status("Die Sitzungsfolge ist leer: erst Ansichten merken.",
                                  "warning")
    definitions = playlist.definitions_for(views, get_data())
    return (dcc.send_string(playlist.to_json(views, definitions=definitions), playlist.FILE_NAME,
                            type="application/json"),
            _status(f"{len(views)} Ansichten als {playlist.FILE_NAME} gespeichert."))


@callback(
    Output(ids.HANDOUT_DOWNLOAD, "data"),
    Output(ids.PLAYLIST_STATUS, "children", allow_duplicate=True),
    Input(ids.HANDOUT, "n_clicks"),
    State(ids.PLAYLIST, "data"),
    running=[(Output(ids.HANDOUT, "disabled"), True, False),
             (Output(ids.HANDOUT, "children"), "Handout wird erstellt …", "Handout (PDF)")],
    prevent_initial_call=True,
)
def make_handout(clicks, stored):
    """All views of the Sitzungsfolge as one PDF (title page, one map per page)."""
    return _session_file(clicks, stored, lambda views: export.handout_pdf(get_data(), views),
                         export.HANDOUT_FILE_NAME, "Handout nicht erstellt",
                         lambda n: f"Handout mit {n} Karten erstellt.")


def _session_file(clicks, stored, build, file_name: str, failed: str, made):
    """A file made of all views of the Sitzungsfolge (``build`` of their (name, query) pairs)
    as a download, with the status line: ``made(n)``, or why there is none."""
    if not clicks:
        raise PreventUpdate
    views = _views(stored)
    if not views:
        return no_update, _status("Die Sitzungsfolge ist leer: erst Ansichten merken.",
                                  "warning")
    try:
        content = build([(v.name, v.query) for v in views])
    except (export.ExportError, export.ExportUnavailable) as exc:
        return no_update, _status(f"{failed}: {exc}", "danger")
    return dcc.send_bytes(content, file_name), _status(made(len(views)))


@callback(
    Output(ids.SLIDES_DOWNLOAD, "data"),
    Output(ids.PLAYLIST_STATUS, "children", allow_duplicate=True),
    Input(ids.SLIDES, "n_clicks"),
    State(ids.PLAYLIST, "data"),
    running=[(Output(ids.SLIDES, "disabled"), True, False),
             (Output(ids.SLIDES, "children"), "Präsentation wird erstellt …", "PowerPoint")],
    prevent_initial_call=True,
)
def make_slides(clicks, stored):
    """All views of the Sitzungsfolge as a PowerPoint file (title slide, one slide per view;
    the notes link back to this server)."""
    from flask import request

    from atlas.report import office

    return _session_file(
        clicks, stored,
        lambda views: office.session_pptx(get_data(), views, base_url=request.host_url),
        office.SLIDE_FILE_NAME, "Präsentation nicht erstellt",
        lambda n: f"Präsentation mit {n} Ansicht{'en' if n != 1 else ''} erstellt.")
