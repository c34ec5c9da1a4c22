"""The forms "Indikator berechnen" and "Sozialindex bilden" and the list of saved definitions:
thin wiring of :mod:`atlas.composite.forms` (form ↔ definition), :mod:`atlas.composite.define`
(check and store) and the store. After a save or a deletion the own-data revision is bumped,
so every indicator list of the page offers (or no longer offers) the indicator."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, ctx, no_update
from dash.exceptions import PreventUpdate

from atlas.auth.web import changes_data
from atlas.composite import define, forms
from atlas.composite.index import MAX_PARTS, MIN_PARTS
from atlas.data import data_changed, get_data, own_part, own_store
from atlas.errors import AtlasError
from callbacks.common import own_tab_revision, page_actor
from callbacks.owndata import _alert
from layouts import formulas as layout
from layouts import ids
from layouts.main import DROPDOWN_LABELS

DERIVE_FIELDS = ("level", "kind", "numerator", "denominator", "factor", "factor_other",
                 "indicator", "year_from", "year_to", "percent", "title", "id", "unit",
                 "polarity", "note")
DERIVE_IDS = (ids.DERIVE_LEVEL, ids.DERIVE_KIND, ids.DERIVE_NUMERATOR, ids.DERIVE_DENOMINATOR,
              ids.DERIVE_FACTOR, ids.DERIVE_FACTOR_OTHER, ids.DERIVE_INDICATOR,
              ids.DERIVE_YEAR_FROM, ids.DERIVE_YEAR_TO, ids.DERIVE_PERCENT, ids.DERIVE_TITLE,
              ids.DERIVE_ID, ids.DERIVE_UNIT, ids.DERIVE_POLARITY, ids.DERIVE_NOTE)
INDEX_FIELDS = ("level", "method", "year", "title", "id", "note")
INDEX_IDS = (ids.INDEX_LEVEL, ids.INDEX_METHOD, ids.INDEX_YEAR, ids.INDEX_TITLE, ids.INDEX_ID,
             ids.INDEX_NOTE)
DERIVE_TITLE_TEXT = "Indikator berechnen"
INDEX_TITLE_TEXT = "Sozialindex bilden"


def _part(field: str):
    return {"type": ids.INDEX_PART, "field": field, "index": ALL}


def _kept(value, options: list[dict]):
    """``value`` if it is one of the options (as the browser sent it: anything), else None."""
    return value if any(value == o["value"] for o in options) and value is not None else None


def _taken() -> set[str]:
    return {i.id for i in get_data().catalogue.indicators}


def _head(text: str, editing: str | None) -> str:
    return f"{text} – „{editing}“ bearbeiten (Speichern ersetzt die Definition)" if editing \
        else text


def saved_message(stored) -> dbc.Alert:
    """Success: the new indicator named, with a button that shows it on the map."""
    data = get_data()
    years = data.years(stored.id)
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else (str(years[0]) if years else "–")
    return dbc.Alert(
        [f"„{stored.title}“ ({stored.id}) gespeichert: Werte für {span}, Ebene "
         f"{data.level_of(stored.level).title}. Er steht jetzt in der Indikatorliste. ",
         dbc.Button("Auf der Karte zeigen", size="sm", color="success", className="ms-1",
                    id={"type": ids.FORMULA_ACTION, "action": "show-new", "id": stored.id})],
        color="success", className="small mb-0")


def save(make, form: dict, editing: str | None):
    """Check, store and announce a definition made from ``form`` by ``make``; the alert and the
    stored definition (``None`` when refused: nothing stored)."""
    try:
        formula = make(forms.with_id(form, _taken()))
        stored = define.save(formula, get_data(), own_store(),
                             replace_existing=bool(editing) and editing == formula.id,
                             actor=page_actor())
    except AtlasError as exc:
        return _alert(f"Nicht gespeichert – es wurde nichts geändert. {exc}"), None
    data_changed()
    return saved_message(stored), stored


# --- choices ------------------------------------------------------------------------------------


@callback(
    Output(ids.DERIVE_LEVEL, "options"),
    Output(ids.INDEX_LEVEL, "options"),
    own_tab_revision(),
    prevent_initial_call=True,
)
def level_choices(_revision):
    choices = forms.level_choices(get_data())
    return choices, choices


@callback(
    Output(ids.DERIVE_NUMERATOR, "options"),
    Output(ids.DERIVE_NUMERATOR, "value"),
    Output(ids.DERIVE_DENOMINATOR, "options"),
    Output(ids.DERIVE_DENOMINATOR, "value"),
    Output(ids.DERIVE_INDICATOR, "options"),
    Output(ids.DERIVE_INDICATOR, "value"),
    Input(ids.DERIVE_LEVEL, "value"),
    own_tab_revision(),
    State(ids.DERIVE_NUMERATOR, "value"),
    State(ids.DERIVE_DENOMINATOR, "value"),
    State(ids.DERIVE_INDICATOR, "value"),
    prevent_initial_call=True,
)
def derive_choices(level, _revision, numerator, denominator, indicator):
    """The counts (Zähler, Nenner) and indicators of the chosen level; a choice of another
    level is cleared."""
    data = get_data()
    counts = forms.indicator_choices(data, level, counts_only=True)
    every = forms.indicator_choices(data, level, comparable_only=True)  # the part of a change
    return (counts, _kept(numerator, counts), counts, _kept(denominator, counts), every,
            _kept(indicator, every))


@callback(
    Output(ids.DERIVE_YEAR_FROM, "options"),
    Output(ids.DERIVE_YEAR_FROM, "value"),
    Output(ids.DERIVE_YEAR_TO, "options"),
    Output(ids.DERIVE_YEAR_TO, "value"),
    Input(ids.DERIVE_INDICATOR, "value"),
    State(ids.DERIVE_YEAR_FROM, "value"),
    State(ids.DERIVE_YEAR_TO, "value"),
    prevent_initial_call=True,
)
def derive_years(indicator, year_from, year_to):
    """"von" and "bis" offer the indicator's years (first and last by default)."""
    years = forms.year_choices(get_data(), indicator)
    if not years:
        return [], None, [], None
    first, last = years[0]["value"], years[-1]["value"]
    return (years, _kept(year_from, years) or first, years, _kept(year_to, years) or last)


@callback(
    Output(ids.DERIVE_RATE, "hidden"),
    Output(ids.DERIVE_CHANGE, "hidden"),
    Output(ids.DERIVE_FACTOR_OTHER_BOX, "hidden"),
    Input(ids.DERIVE_KIND, "value"),
    Input(ids.DERIVE_FACTOR, "value"),
    prevent_initial_call=True,
)
def derive_fields_shown(kind, factor):
    rate = kind != "change"
    return not rate, rate, factor != forms.OTHER_FACTOR


@callback(
    Output(ids.DERIVE_ID, "placeholder"),
    Input(ids.DERIVE_TITLE, "n_blur"),
    State(ids.DERIVE_TITLE, "value"),
    prevent_initial_call=True,
)
def suggest_derive_id(_blur, title):
    """The Kennung the title gives (used when the field is left empty, :func:`save`)."""
    return forms.suggest_id(title, _taken()) or ""


@callback(
    Output(ids.INDEX_ID, "placeholder"),
    Input(ids.INDEX_TITLE, "n_blur"),
    State(ids.INDEX_TITLE, "value"),
    prevent_initial_call=True,
)
def suggest_index_id(_blur, title):
    return forms.suggest_id(title, _taken()) or ""


# --- the rows of the index ----------------------------------------------------------------------


def _parts(indicators, weights, directions) -> list[dict]:
    return [{"indicator": i, "weight": w, "direction": d}
            for i, w, d in zip(indicators or [], weights or [], directions or [])]


@callback(
    Output(ids.INDEX_PARTS, "children"),
    Output(ids.INDEX_ADD, "disabled"),
    Input(ids.INDEX_ADD, "n_clicks"),
    Input(_part("remove"), "n_clicks"),
    Input(ids.INDEX_LEVEL, "value"),
    Input(ids.INDEX_LOAD, "data"),
    own_tab_revision(),
    State(_part("indicator"), "value"),
    State(_part("weight"), "value"),
    State(_part("direction"), "value"),
    prevent_initial_call=True,
)
def index_rows(_add, removes, level, load, _revision, indicators, weights, directions):
    """The one writer of the rows: a row added or removed, the level changed (choices of another
    level cleared), a definition loaded for editing, new indicators on offer."""
    parts = _parts(indicators, weights, directions)
    trigger = ctx.triggered_id
    if f"{ids.INDEX_LOAD}.data" in ctx.triggered_prop_ids and isinstance(load, dict):
        parts = load.get("parts") or []
    elif trigger == ids.INDEX_ADD:
        parts = forms.add_part(parts)
    elif isinstance(trigger, dict):  # a "Teil entfernen"
        if not ctx.triggered[0].get("value"):
            raise PreventUpdate  # new rows, no click
        parts = forms.remove_part(parts, trigger.get("index"))
    options = forms.indicator_choices(get_data(), level)
    parts = forms.parts_of_level(parts, {o["value"] for o in options})
    removable = len(parts) > MIN_PARTS
    return ([layout.part_row(i, part, options, DROPDOWN_LABELS, removable)
             for i, part in enumerate(parts)], len(parts) >= MAX_PARTS)


@callback(
    Output(ids.INDEX_YEAR, "options"),
    Output(ids.INDEX_YEAR, "value"),
    Input(_part("indicator"), "value"),
    State(ids.INDEX_YEAR, "value"),
    prevent_initial_call=True,
)
def index_years(indicators, current):
    """The latest common year of the chosen parts, or any year of a part."""
    years = forms.index_year_choices(get_data(), indicators)
    return years, _kept(current, years) or forms.LATEST_YEAR


# --- saving -------------------------------------------------------------------------------------


@callback(
    Output(ids.DERIVE_STATUS, "children"),
    Output(ids.OWN_REVISION, "data", allow_duplicate=True),
    Output(ids.DERIVE_EDITING, "data"),
    Output(ids.DERIVE_HEAD, "children"),
    Input(ids.DERIVE_SAVE, "n_clicks"),
    *[State(i, "value") for i in DERIVE_IDS],
    State(ids.DERIVE_EDITING, "data"),
    State(ids.OWN_REVISION, "data"),
    prevent_initial_call=True,
)
@changes_data
def save_derived(clicks, *args):
    if not clicks:
        raise PreventUpdate
    form, editing, revision = dict(zip(DERIVE_FIELDS, args[:-2])), args[-2], args[-1]
    message, stored = save(forms.derive_formula, form, editing)
    if stored is None:
        return message, no_update, no_update, no_update
    return message, (revision or 0) + 1, None, DERIVE_TITLE_TEXT


@callback(
    Output(ids.INDEX_STATUS, "children"),
    Output(ids.OWN_REVISION, "data", allow_duplicate=True),
    Output(ids.INDEX_EDITING, "data"),
    Output(ids.INDEX_HEAD, "children"),
    Input(ids.INDEX_SAVE, "n_clicks"),
    *[State(i, "value") for i in INDEX_IDS],
    State(_part("indicator"), "value"),
    State(_part("weight"), "value"),
    State(_part("direction"), "value"),
    State(ids.INDEX_EDITING, "data"),
    State(ids.OWN_REVISION, "data"),
    prevent_initial_call=True,
)
@changes_data
def save_index(clicks, *args):
    if not clicks:
        raise PreventUpdate
    form = dict(zip(INDEX_FIELDS, args[:len(INDEX_FIELDS)]))
    indicators, weights, directions, editing, revision = args[len(INDEX_FIELDS):]
    form["parts"] = _parts(indicators, weights, directions)
    message, stored = save(forms.index_formula, form, editing)
    if stored is None:
        return message, no_update, no_update, no_update
    return message, (revision or 0) + 1, None, INDEX_TITLE_TEXT


@callback(
    Output(ids.DERIVE_TITLE, "value", allow_duplicate=True),
    Output(ids.DERIVE_ID, "value", allow_duplicate=True),
    Output(ids.DERIVE_UNIT, "value", allow_duplicate=True),
    Output(ids.DERIVE_POLARITY, "value", allow_duplicate=True),
    Output(ids.DERIVE_NOTE, "value", allow_duplicate=True),
    Output(ids.DERIVE_EDITING, "data", allow_duplicate=True),
    Output(ids.DERIVE_HEAD, "children", allow_duplicate=True),
    Output(ids.DERIVE_STATUS, "children", allow_duplicate=True),
    Input(ids.DERIVE_NEW, "n_clicks"),
    prevent_initial_call=True,
)
def new_derived(clicks):
    """An empty form for a new definition (the choices of parts stay)."""
    if not clicks:
        raise PreventUpdate
    return "", "", "", forms.FROM_PARTS, "", None, DERIVE_TITLE_TEXT, None


@callback(
    Output(ids.INDEX_TITLE, "value", allow_duplicate=True),
    Output(ids.INDEX_ID, "value", allow_duplicate=True),
    Output(ids.INDEX_NOTE, "value", allow_duplicate=True),
    Output(ids.INDEX_EDITING, "data", allow_duplicate=True),
    Output(ids.INDEX_HEAD, "children", allow_duplicate=True),
    Output(ids.INDEX_STATUS, "children", allow_duplicate=True),
    Output(ids.INDEX_LOAD, "data", allow_duplicate=True),
    Input(ids.INDEX_NEW, "n_clicks"),
    prevent_initial_call=True,
)
def new_index(clicks):
    if not clicks:
        raise PreventUpdate
    return ("", "", "", None, INDEX_TITLE_TEXT, None,
            {"parts": [forms.blank_part(), forms.blank_part()], "n": clicks})


# --- the list -----------------------------------------------------------------------------------


@callback(
    Output(ids.FORMULA_LIST, "children"),
    own_tab_revision(),
    prevent_initial_call=True,
)
def list_formulas(_revision):
    return layout.entry_list(forms.entries(get_data(), own_part().formulas))


def _clicked() -> dict | None:
    """The pattern id of the button clicked (``None`` for buttons just drawn)."""
    trigger = ctx.triggered_id
    if not isinstance(trigger, dict) or not ctx.triggered[0].get("value"):
        return None
    return trigger


def _stored(formula_id):
    return next((f for f in own_part().formulas if f.id == formula_id), None)


@callback(
    Output(ids.OWN_SECTIONS, "data"),
    *[Output(i, "value", allow_duplicate=True) for i in DERIVE_IDS],
    Output(ids.DERIVE_EDITING, "data", allow_duplicate=True),
    Output(ids.DERIVE_HEAD, "children", allow_duplicate=True),
    Output(ids.DERIVE_STATUS, "children", allow_duplicate=True),
    *[Output(i, "value", allow_duplicate=True) for i in INDEX_IDS],
    Output(ids.INDEX_LOAD, "data", allow_duplicate=True),
    Output(ids.INDEX_EDITING, "data", allow_duplicate=True),
    Output(ids.INDEX_HEAD, "children", allow_duplicate=True),
    Output(ids.INDEX_STATUS, "children", allow_duplicate=True),
    Output(ids.FORMULA_STATUS, "children", allow_duplicate=True),
    Input({"type": ids.FORMULA_ACTION, "action": "edit", "id": ALL}, "n_clicks"),
    prevent_initial_call=True,
)
def edit_formula(_clicks):
    """"Bearbeiten": the definition in its form; saving it replaces it."""
    clicked = _clicked()
    if clicked is None:
        raise PreventUpdate
    n_derive, n_index = len(DERIVE_IDS) + 3, len(INDEX_IDS) + 4
    formula = _stored(clicked.get("id"))
    if formula is None:
        return ((no_update,) * (1 + n_derive + n_index)
                + (_alert("Diese Berechnung gibt es nicht mehr. Bitte die Seite neu laden."),))
    form = forms.form_of(formula)
    if formula.kind == "index":
        index = [form.get(k) for k in INDEX_FIELDS] + [
            {"parts": form["parts"], "n": ctx.triggered[0]["value"]}, formula.id,
            _head(INDEX_TITLE_TEXT, formula.id), None]
        return ("index", *(no_update,) * n_derive, *index, None)
    derive = [form.get(k) for k in DERIVE_FIELDS] + [formula.id,
                                                     _head(DERIVE_TITLE_TEXT, formula.id), None]
    return ("derive", *derive, *(no_update,) * n_index, None)


@callback(
    Output(ids.FORMULA_STATUS, "children"),
    Output(ids.OWN_REVISION, "data", allow_duplicate=True),
    Input({"type": ids.FORMULA_DELETE, "id": ALL}, "submit_n_clicks"),
    State(ids.OWN_REVISION, "data"),
    prevent_initial_call=True,
)
@changes_data
def delete_formula(_clicks, revision):
    """"Löschen" (confirmed): refused with the store's reason while another definition uses
    it."""
    clicked = _clicked()
    if clicked is None:
        raise PreventUpdate
    formula_id = str(clicked.get("id"))
    try:
        own_store().delete(formula_id, actor=page_actor())
    except AtlasError as exc:
        return _alert(str(exc)), no_update
    data_changed()
    return _alert(f"Berechneter Indikator „{formula_id}“ gelöscht.", "secondary"), \
        (revision or 0) + 1


@callback(
    Output(ids.REQUEST, "data", allow_duplicate=True),
    Output(ids.LIFE_PHASE, "value", allow_duplicate=True),
    Output(ids.AREA, "value", allow_duplicate=True),
    Output(ids.TABS, "data", allow_duplicate=True),
    Output(ids.LEVEL, "value", allow_duplicate=True),
    Output(ids.FORMULA_STATUS, "children", allow_duplicate=True),
    Input({"type": ids.FORMULA_ACTION, "action": "show", "id": ALL}, "n_clicks"),
    Input({"type": ids.FORMULA_ACTION, "action": "show-new", "id": ALL}, "n_clicks"),
    State(ids.REQUEST, "data"),
    prevent_initial_call=True,
)
def show_formula(_shown, _new, request):
    """"Anzeigen" / "Auf der Karte zeigen": the indicator on the map at its level, every filter
    open so the list offers it."""
    clicked = _clicked()
    if clicked is None:
        raise PreventUpdate
    data = get_data()
    formula_id = clicked.get("id")
    if formula_id not in data.catalogue.formulas or not data.has_values(formula_id):
        return (*(no_update,) * 5,
                _alert(f"„{formula_id}“ hat derzeit keine Werte und kann nicht gezeigt werden."))
    wanted = {"indicator": formula_id, "year": None, "n": ((request or {}).get("n") or 0) + 1}
    return wanted, "alle", "alle", "map", data.level(formula_id), None
