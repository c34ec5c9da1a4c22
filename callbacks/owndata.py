"""The "Eigene Daten" tab: thin wiring of :mod:`atlas.importing` and the store."""

from __future__ import annotations

import base64
import binascii
import hashlib
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path

import dash_bootstrap_components as dbc
from dash import (
    ALL,
    ClientsideFunction,
    Input,
    Output,
    State,
    callback,
    clientside_callback,
    ctx,
    html,
    no_update,
)
from dash.exceptions import PreventUpdate

from atlas import importing
from atlas.auth import may_change_data
from atlas.auth.web import changes_data
from atlas.data import data_changed, get_data, own_part, own_store
from atlas.errors import AtlasError
from atlas.formats import max_upload_bytes
from atlas.store import TRASH_DAYS
from atlas.visibility import label as visibility_label
from callbacks.common import own_tab_revision, page_actor
from layouts import ids
from layouts.owndata import AUTO_LEVEL, level_choices, trash_list, visibility_choices

FORM_FIELDS = [ids.OWN_ID, ids.OWN_TITLE, ids.OWN_UNIT, ids.OWN_DECIMALS, ids.OWN_KIND,
               ids.OWN_AREA, ids.OWN_PHASES, ids.OWN_POLARITY, ids.OWN_SOURCE, ids.OWN_LICENCE,
               ids.OWN_DEFINITION, ids.OWN_VISIBILITY]
META_KEYS = ["id", "title", "unit", "decimals", "kind", "area", "life_phases", "polarity", "source",
             "licence", "definition", "visibility"]


def _safe_name(filename: str | None) -> str:
    name = Path(filename or "upload.csv").name
    return "".join(c if c.isalnum() or c in "._-" else "_" for c in name)[:120] or "upload.csv"


def _decode(contents: str, filename: str) -> bytes:
    """The uploaded bytes; a German AtlasError when the upload is too big or garbled."""
    limit = max_upload_bytes()
    payload = contents.split(",", 1)[-1]
    if len(payload) * 3 // 4 > limit:
        raise AtlasError(f"Datei {filename}: größer als die Obergrenze von "
                         f"{limit / 1024 / 1024:.0f} MB – bitte die Datei aufteilen oder nur die "
                         "benötigten Jahre und Regionen herunterladen.")
    try:
        return base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise AtlasError(f"Datei {filename}: Übertragung fehlgeschlagen – bitte erneut "
                         "hochladen.") from exc


_recent: OrderedDict[tuple[str, str], importing.FileSummary] = OrderedDict()
_recent_lock = threading.Lock()


def own_level(choice: str | None) -> str | None:
    """The own level chosen for a table (``None``: Kreise/Gemeinden by their keys)."""
    return None if choice in (None, "", AUTO_LEVEL) else str(choice)


def summary_of(contents: str, filename: str, level: str | None = None) -> importing.FileSummary:
    """Read an upload (for an own ``level`` with its keys as written); the last few are kept,
    so choosing another series does not re-read it."""
    raw = _decode(contents, filename)
    key = (hashlib.sha256(raw).hexdigest(), filename, level)
    with _recent_lock:
        if key in _recent:
            return _recent[key]
    with tempfile.TemporaryDirectory(prefix="atlas-upload-") as folder:
        path = Path(folder) / _safe_name(filename)
        path.write_bytes(raw)
        summary = importing.inspect(path, filename=Path(filename).name,
                                    verbatim_keys=level is not None)
    with _recent_lock:
        _recent[key] = summary
        while len(_recent) > 4:
            _recent.popitem(last=False)
    return summary


def _alert(message: str, color: str = "danger") -> dbc.Alert:
    return dbc.Alert(message, color=color, className="small mb-0")


@callback(
    Output(ids.OWN_SERIES, "options"),
    Output(ids.OWN_SERIES, "value"),
    Output(ids.OWN_FORM, "hidden"),
    Output(ids.OWN_PREVIEW, "children"),
    Output(ids.OWN_STATUS, "children"),
    Input(ids.OWN_UPLOAD, "contents"),
    Input(ids.OWN_LEVEL, "value"),
    State(ids.OWN_UPLOAD, "filename"),
    prevent_initial_call=True,
)
def read_upload(contents, level, filename):
    """Upload → the series found in the file (or a German message naming file, row, column)."""
    if not contents:
        # cleared (after a save or cancel): the message about it stays
        return [], None, True, no_update, no_update
    try:
        summary = summary_of(contents, filename, own_level(level))
    except AtlasError as exc:
        return [], None, True, _alert(f"Import nicht möglich. {exc}"), None
    options = [{"label": s.option_label, "value": s.code} for s in summary.series]
    return options, summary.series[0].code, False, no_update, None


@callback(
    Output(ids.OWN_PREVIEW, "children", allow_duplicate=True),
    *[Output(field, "value") for field in
      (ids.OWN_ID, ids.OWN_TITLE, ids.OWN_UNIT, ids.OWN_KIND, ids.OWN_DECIMALS, ids.OWN_LICENCE,
       ids.OWN_SOURCE)],
    Input(ids.OWN_SERIES, "value"),
    State(ids.OWN_UPLOAD, "contents"),
    State(ids.OWN_UPLOAD, "filename"),
    State(ids.OWN_LEVEL, "value"),
    prevent_initial_call=True,
)
def preview_series(code, contents, filename, level):
    """The preview of one series: format, regions matched, years, special values."""
    if not code or not contents:
        raise PreventUpdate
    try:
        summary = summary_of(contents, filename, own_level(level))
        check = importing.check_regions(summary, code, get_data(), own_level(level))
    except AtlasError as exc:
        return (_alert(f"Import nicht möglich. {exc}"),) + (no_update,) * 7
    info = summary.info(code)
    lines = [f"Format erkannt: {summary.format}",
             f"{len(summary.series)} Reihe(n) in der Datei; gewählt: {info.label}"
             + (f" ({info.unit})" if info.unit else "")] + check.lines()
    preview = dbc.Card(dbc.CardBody([
        html.H3(f"Vorschau: {summary.filename}", className="h6"),
        html.Ul([html.Li(line) for line in lines], className="small mb-0"),
    ]), className="own-preview", color="light")
    hint = importing.suggest(summary, code, get_data().catalogue)
    return (preview, hint["id"], hint["title"], hint["unit"], hint["kind"], hint["decimals"],
            hint["licence"], hint["source"])


@callback(
    Output(ids.OWN_STATUS, "children", allow_duplicate=True),
    Output(ids.OWN_REVISION, "data"),
    Output(ids.OWN_UPLOAD, "contents"),
    Output(ids.OWN_FORM, "hidden", allow_duplicate=True),
    Output(ids.OWN_PREVIEW, "children", allow_duplicate=True),
    Output(ids.REQUEST, "data", allow_duplicate=True),
    Output(ids.LIFE_PHASE, "value", allow_duplicate=True),
    Output(ids.AREA, "value", allow_duplicate=True),
    Output(ids.TABS, "data"),
    Output(ids.LEVEL, "value", allow_duplicate=True),
    Output(ids.OWN_REPLACE, "value"),
    Input(ids.OWN_CONFIRM, "n_clicks"),
    State(ids.OWN_UPLOAD, "contents"),
    State(ids.OWN_UPLOAD, "filename"),
    State(ids.OWN_SERIES, "value"),
    State(ids.OWN_LEVEL, "value"),
    *[State(field, "value") for field in FORM_FIELDS],
    State(ids.OWN_REPLACE, "value"),
    State(ids.OWN_REVISION, "data"),
    prevent_initial_call=True,
)
@changes_data
def confirm_import(clicks, contents, filename, code, level, *args):
    """Store the series as an own indicator and show it: all or nothing. With „Vorhandene Daten
    ersetzen“ an own indicator of the same id is replaced (the store keeps the previous version
    in the Papierkorb, as ``atlas import --ersetzen`` does)."""
    if not clicks or not contents:
        raise PreventUpdate
    *form, replace_existing, revision = args
    meta, revision = dict(zip(META_KEYS, form)), revision or 0
    level = own_level(level)
    try:
        summary = summary_of(contents, filename, level)
        existed = str(meta.get("id") or "").strip() in {o.id for o in own_store().indicators()}
        own = importing.import_series(summary, code, meta, get_data(), own_store(), level,
                                      actor=page_actor(), replace_existing=bool(replace_existing))
    except AtlasError as exc:
        return (_alert(f"Nicht importiert – es wurde nichts gespeichert. {exc}"),
                *[no_update] * 10)
    data_changed()
    message = _alert(import_message(own, replaced=bool(replace_existing) and existed), "success")
    return (message, revision + 1, None, True, None, {"indicator": own.id, "year": None},
            "alle", "alle", "map", own.level, False)  # the page shows the new indicator's level


def import_message(own, replaced: bool) -> str:
    """The German message after an import; after a replacement it says where the previous
    version is."""
    if replaced:
        return (f"„{own.title}“ ({own.id}) ersetzt; die bisherige Fassung liegt {TRASH_DAYS} "
                "Tage im Papierkorb (unten) und lässt sich dort wiederherstellen.")
    return (f"„{own.title}“ importiert ({own.id}); er steht jetzt in der Indikatorliste unter "
            f"„{get_data().catalogue.area(own.area).title}“.")


@callback(
    Output(ids.OWN_UPLOAD, "contents", allow_duplicate=True),
    Output(ids.OWN_FORM, "hidden", allow_duplicate=True),
    Output(ids.OWN_PREVIEW, "children", allow_duplicate=True),
    Output(ids.OWN_STATUS, "children", allow_duplicate=True),
    Input(ids.OWN_CANCEL, "n_clicks"),
    prevent_initial_call=True,
)
def cancel_import(clicks):
    if not clicks:
        raise PreventUpdate
    return None, True, None, _alert("Import abgebrochen – es wurde nichts gespeichert.", "secondary")


@callback(
    Output(ids.OWN_STATUS, "children", allow_duplicate=True),
    Output(ids.OWN_REVISION, "data", allow_duplicate=True),
    Output(ids.OWN_DELETE_CHOICE, "value"),
    Input(ids.OWN_DELETE, "submit_n_clicks"),
    State(ids.OWN_DELETE_CHOICE, "value"),
    State(ids.OWN_REVISION, "data"),
    prevent_initial_call=True,
)
@changes_data
def delete_own(clicks, indicator_id, revision):
    if not clicks or not indicator_id:
        raise PreventUpdate
    try:
        own_store().delete(indicator_id, actor=page_actor())
    except AtlasError as exc:
        return _alert(str(exc)), no_update, no_update
    data_changed()
    return _alert(f"Eigener Indikator „{indicator_id}“ gelöscht – er liegt {TRASH_DAYS} Tage im "
                  "Papierkorb und lässt sich dort wiederherstellen.", "secondary"), \
        (revision or 0) + 1, None


@callback(
    Output(ids.OWN_LEVEL, "options"),
    Input(ids.OWN_REVISION, "data"),
    prevent_initial_call=True,
)
def update_level_choices(_revision):
    """An own level added or deleted appears in or leaves the choice for tables."""
    return level_choices(get_data())


@callback(
    Output(ids.OWN_LIST, "children"),
    Output(ids.OWN_DELETE_CHOICE, "options"),
    own_tab_revision(),
    prevent_initial_call=True,
)
def list_own(_revision):
    own = own_part().indicators  # visitors: only the public ones
    if not own:
        return html.P("Noch keine eigenen Daten importiert.", className="text-muted"), []
    items = [html.Li([html.Strong(o.title), f" ({o.id}) – Quelle: {o.source}; "
                      f"{o.file_format}, {o.filename}, importiert am {o.imported_at[:10]}; "
                      f"{visibility_label(o.visibility)}"])
             for o in own]
    return html.Ul(items, className="ps-3"), [{"label": o.title, "value": o.id} for o in own]


@callback(
    Output(ids.TRASH_LIST, "children"),
    own_tab_revision(),
    prevent_initial_call=True,
)
def list_trash(_revision):
    """The Papierkorb follows every change of the own data; visitors see none of it."""
    if not may_change_data():
        return trash_list([])
    return trash_list(own_store().trash())


@callback(
    Output(ids.TRASH_STATUS, "children"),
    Output(ids.OWN_REVISION, "data", allow_duplicate=True),
    Input({"type": ids.TRASH_RESTORE, "entry": ALL, "id": ALL}, "n_clicks"),
    State(ids.OWN_REVISION, "data"),
    prevent_initial_call=True,
)
@changes_data
def restore_from_trash(_clicks, revision):
    """State-changing: "Wiederherstellen" of one Papierkorb entry (refused in German, nothing
    changed, when its id is taken again or its level is gone)."""
    clicked = ctx.triggered_id
    if not isinstance(clicked, dict) or not (ctx.triggered and ctx.triggered[0].get("value")):
        raise PreventUpdate  # the list was (re)drawn, nobody clicked
    try:
        number = int(clicked.get("entry"))
        # a replaced version comes back in place of the one that replaced it (which goes to
        # the Papierkorb in turn); a deleted one never pushes aside what now has its id
        replaced = any(e.id == number and e.reason == "replace" for e in own_store().trash())
        entry = own_store().restore(str(clicked.get("id")), number, actor=page_actor(),
                                    replace_current=replaced)
    except (AtlasError, TypeError, ValueError) as exc:
        return _alert(f"Nicht wiederhergestellt – es wurde nichts geändert. {exc}"), no_update
    data_changed()
    after = (" Die Fassung, die sie ersetzt hatte, liegt jetzt im Papierkorb."
             if replaced else "")
    return _alert(f"„{entry.title}“ ({entry.object_id}) wiederhergestellt.{after}", "success"), \
        (revision or 0) + 1


# the views of the indicator shown follow a change of the own data (assets/owndata.js)
clientside_callback(
    ClientsideFunction(namespace="owndata", function_name="refreshSettled"),
    Output(ids.INDICATOR_SETTLED, "data", allow_duplicate=True),
    Input(ids.INDICATOR, "options"),
    State(ids.OWN_REVISION, "data"),
    State(ids.INDICATOR, "value"),
    State(ids.INDICATOR_SETTLED, "data"),
    prevent_initial_call=True,
)


@callback(
    Output(ids.VISIBILITY_CHOICE, "options"),
    own_tab_revision(),
    prevent_initial_call=True,
)
def list_visibility(_revision):
    """„Sichtbarkeit“ offers every own indicator, definition and level (visitors: none)."""
    return visibility_choices(own_part()) if may_change_data() else []


@callback(
    Output(ids.VISIBILITY_STATUS, "children"),
    Output(ids.OWN_REVISION, "data", allow_duplicate=True),
    Input(ids.VISIBILITY_SET, "n_clicks"),
    State(ids.VISIBILITY_CHOICE, "value"),
    State(ids.VISIBILITY_VALUE, "value"),
    State(ids.OWN_REVISION, "data"),
    prevent_initial_call=True,
)
@changes_data
def set_visibility(clicks, choice, visibility, revision):
    """State-changing: make the chosen own data internal or public (audited)."""
    if not clicks:
        raise PreventUpdate
    kind, _, object_id = str(choice or "").partition(":")
    if not object_id:
        return _alert("Bitte zuerst einen Eintrag wählen."), no_update
    try:
        own_store().set_visibility(object_id, visibility, level=kind == "level",
                                   actor=page_actor())
    except AtlasError as exc:
        return _alert(f"Nicht geändert. {exc}"), no_update
    data_changed()
    return _alert(f"„{object_id}“ ist jetzt {visibility_label(visibility)}.", "success"), \
        (revision or 0) + 1
