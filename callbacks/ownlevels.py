"""The section "Eigene Gebiete": thin wiring of :mod:`atlas.levels` and the store."""

from __future__ import annotations

import hashlib
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, html, no_update
from dash.exceptions import PreventUpdate

from atlas.auth.web import changes_data
from atlas.data import data_changed, get_data, own_store
from atlas.errors import AtlasError
from atlas.levels import own
from atlas.levels.boundaries import inspect_file, read_boundaries
from atlas.levels.groups import read_groups
from atlas.store import OwnLevel
from callbacks.common import own_tab_revision, page_actor, upload_sha256
from callbacks.owndata import _alert, _decode, _safe_name
from layouts import ids

#: Uploads read as a table of groups of Gemeinden (``ags;name``); everything else is a
#: boundary file.
TABLE_SUFFIXES = (".csv", ".txt", ".xlsx")

_recent: OrderedDict[tuple, object] = OrderedDict()
_recent_lock = threading.Lock()


def _cached(key: tuple, make):
    """The result of ``make()`` for ``key``, kept for the last few uploads (the preview, the
    choice of columns and the save read one upload once)."""
    with _recent_lock:
        if key in _recent:
            return _recent[key]
    value = make()
    with _recent_lock:
        _recent[key] = value
        while len(_recent) > 6:
            _recent.popitem(last=False)
    return value


def _with_file(contents: str, filename: str, action):
    raw = _decode(contents, filename)
    digest = hashlib.sha256(raw).hexdigest()

    def run():
        with tempfile.TemporaryDirectory(prefix="atlas-level-") as folder:
            path = Path(folder) / _safe_name(filename)
            path.write_bytes(raw)
            return action(path)
    return digest, run


def is_table(filename: str | None) -> bool:
    return Path(filename or "").suffix.lower() in TABLE_SUFFIXES


def checked_areas(contents: str, filename: str, key: str | None, name: str | None):
    """The checked area set of an upload (groups table, or boundary file with the chosen key
    and name columns); German AtlasError when it cannot be read at all."""
    display_name = Path(filename).name
    kreise, gemeinden = own.reference_boundaries(get_data())
    if is_table(filename):
        digest, run = _with_file(contents, filename, lambda p: read_groups(
            p, gemeinden, filename=display_name, kreise=kreise))
        return _cached((digest, filename, "groups"), run)
    digest, run = _with_file(contents, filename, lambda p: read_boundaries(
        p, key, name, filename=display_name, kreise=kreise, gemeinden=gemeinden))
    return _cached((digest, filename, key, name), run)


def _preview(areas) -> dbc.Card:
    lines = own.findings_lines(areas)
    head = f"Vorschau: {areas.filename} – {len(areas.areas)} Gebiete"
    if areas.source_crs:
        head += f" (Koordinatensystem der Datei: {areas.source_crs})"
    names = ", ".join(areas.areas["name"].astype(str).head(8))
    more = len(areas.areas) - 8
    items = [html.Li(f"Gebiete: {names}" + (f" und {more} weitere" if more > 0 else ""))]
    items += [html.Li(line) for line in lines]
    if areas.ok:
        items.append(html.Li("Keine Fehler: die Ebene kann angelegt werden."))
    return dbc.Card(dbc.CardBody([html.H3(head, className="h6"),
                                  html.Ul(items, className="small mb-0")]),
                    className="own-preview", color="light")


@callback(
    Output(ids.LEVEL_COLUMNS, "hidden"),
    Output(ids.LEVEL_KEY, "options"),
    Output(ids.LEVEL_KEY, "value"),
    Output(ids.LEVEL_NAME, "options"),
    Output(ids.LEVEL_NAME, "value"),
    Output(ids.LEVEL_FORM, "hidden"),
    Output(ids.LEVEL_PREVIEW, "children"),
    Output(ids.LEVEL_STATUS, "children"),
    Input(ids.LEVEL_UPLOAD, "contents"),
    State(ids.LEVEL_UPLOAD, "filename"),
    prevent_initial_call=True,
)
def read_level_upload(contents, filename):
    """Upload → for a boundary file its columns with the suggested key and name (the check
    follows the choice); for a table of Gemeinden the check at once."""
    if not contents:
        # cleared (after a save or cancel): the message about it stays
        return True, [], None, [], None, True, no_update, no_update
    try:
        if is_table(filename):
            return (True, [], None, [], None, False,
                    _preview(checked_areas(contents, filename, None, None)), None)
        digest, run = _with_file(contents, filename, inspect_file)
        found = _cached((digest, filename, "inspect"), run)
    except AtlasError as exc:
        return (True, [], None, [], None, True,
                _alert(f"Ebene nicht lesbar – es wurde nichts gespeichert. {exc}"), None)
    options = [{"label": column, "value": column} for column in found.columns]
    return (False, options, found.key_column, options, found.name_column, False, None,
            None)


@callback(
    Output(ids.LEVEL_PREVIEW, "children", allow_duplicate=True),
    Output(ids.LEVEL_CONFIRM, "disabled"),
    Input(ids.LEVEL_KEY, "value"),
    Input(ids.LEVEL_NAME, "value"),
    Input(ids.LEVEL_FORM, "hidden"),
    State(ids.LEVEL_UPLOAD, "contents"),
    State(ids.LEVEL_UPLOAD, "filename"),
    prevent_initial_call=True,
)
def check_level(key, name, hidden, contents, filename):
    """The checks of the upload with the chosen columns: findings, and saving allowed only
    without errors."""
    if hidden or not contents:
        return no_update, True
    if not is_table(filename) and not (key and name):
        return no_update, True
    try:
        areas = checked_areas(contents, filename, key, name)
    except AtlasError as exc:
        return _alert(f"Ebene nicht lesbar – es wurde nichts gespeichert. {exc}"), True
    return _preview(areas), not areas.ok


@callback(
    Output(ids.LEVEL_STATUS, "children", allow_duplicate=True),
    Output(ids.OWN_REVISION, "data", allow_duplicate=True),
    Output(ids.LEVEL_UPLOAD, "contents"),
    Output(ids.LEVEL_FORM, "hidden", allow_duplicate=True),
    Output(ids.LEVEL_PREVIEW, "children", allow_duplicate=True),
    Input(ids.LEVEL_CONFIRM, "n_clicks"),
    State(ids.LEVEL_UPLOAD, "contents"),
    State(ids.LEVEL_UPLOAD, "filename"),
    State(ids.LEVEL_KEY, "value"),
    State(ids.LEVEL_NAME, "value"),
    State(ids.LEVEL_ID, "value"),
    State(ids.LEVEL_TITLE, "value"),
    State(ids.LEVEL_SINGULAR, "value"),
    State(ids.LEVEL_STAND, "value"),
    State(ids.LEVEL_SOURCE, "value"),
    State(ids.LEVEL_LICENCE, "value"),
    State(ids.OWN_REVISION, "data"),
    prevent_initial_call=True,
)
@changes_data
def confirm_level(clicks, contents, filename, key, name, level_id, title, singular, stand,
                  source, licence, revision):
    """Store the checked areas as an own level: all or nothing."""
    if not clicks or not contents:
        raise PreventUpdate
    table = is_table(filename)
    try:
        areas = checked_areas(contents, filename, key, name)
        level = OwnLevel(
            id=str(level_id or "").strip(), title=str(title or "").strip(),
            singular=str(singular or "").strip() or "Gebiet",
            origin="gruppen" if table else "datei", gebietsstand=str(stand or "").strip(),
            source=str(source or "").strip(), licence=str(licence or "").strip(),
            filename=Path(filename).name, key_column="ags" if table else str(key),
            name_column="name" if table else str(name))
        stored = own.store_level(areas, level, own_store(), actor=page_actor(),
                                 sha256=upload_sha256(contents))
    except AtlasError as exc:
        return (_alert(f"Nicht angelegt – es wurde nichts gespeichert. {exc}"),
                *[no_update] * 4)
    data_changed()
    message = _alert(f"Ebene „{stored.title}“ ({stored.id}) mit {len(areas.areas)} Gebieten "
                     "angelegt. Tabellen für diese Gebiete lassen sich jetzt oben importieren.",
                     "success")
    return message, (revision or 0) + 1, None, True, None


@callback(
    Output(ids.LEVEL_UPLOAD, "contents", allow_duplicate=True),
    Output(ids.LEVEL_FORM, "hidden", allow_duplicate=True),
    Output(ids.LEVEL_PREVIEW, "children", allow_duplicate=True),
    Output(ids.LEVEL_STATUS, "children", allow_duplicate=True),
    Input(ids.LEVEL_CANCEL, "n_clicks"),
    prevent_initial_call=True,
)
def cancel_level(clicks):
    if not clicks:
        raise PreventUpdate
    return None, True, None, _alert("Abgebrochen – es wurde nichts gespeichert.", "secondary")


@callback(
    Output(ids.LEVEL_STATUS, "children", allow_duplicate=True),
    Output(ids.OWN_REVISION, "data", allow_duplicate=True),
    Output(ids.LEVEL_DELETE_CHOICE, "value"),
    Input(ids.LEVEL_DELETE, "submit_n_clicks"),
    State(ids.LEVEL_DELETE_CHOICE, "value"),
    State(ids.OWN_REVISION, "data"),
    prevent_initial_call=True,
)
@changes_data
def delete_level(clicks, level_id, revision):
    if not clicks or not level_id:
        raise PreventUpdate
    try:
        own_store().delete_level(level_id, actor=page_actor())
    except AtlasError as exc:
        return _alert(str(exc)), no_update, no_update
    data_changed()
    return (_alert(f"Eigene Ebene „{level_id}“ gelöscht.", "secondary"), (revision or 0) + 1,
            None)


@callback(
    Output(ids.LEVEL_LIST, "children"),
    Output(ids.LEVEL_DELETE_CHOICE, "options"),
    own_tab_revision(),
    prevent_initial_call=True,
)
def list_levels(_revision):
    levels = [level for level in get_data().levels if level.own]
    if not levels:
        return html.P("Noch keine eigenen Gebiete angelegt.", className="text-muted"), []
    items = [html.Li([html.Strong(level.title), f" ({level.id}) – {len(level)} Gebiete, "
                      f"Gebietsstand {level.gebietsstand or '–'}; Quelle: {level.source}"])
             for level in levels]
    return html.Ul(items, className="ps-3"), [{"label": level.title, "value": level.id}
                                              for level in levels]
