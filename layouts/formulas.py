"""The sub-tabs "Indikator berechnen" and "Sozialindex bilden" of the "Eigene Daten" tab and the
list of saved definitions; the choices are filled by callbacks/formulas.py from
:mod:`atlas.composite.forms`."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from atlas.composite import forms
from atlas.composite.formulas import TITLE_MAX
from atlas.store import TRASH_DAYS
from layouts import ids
from layouts.controls import radio_group

KREIS = "kreis"
ID_HELP = "für Links und Exporte; leer: aus dem Titel (wie vorgeschlagen)"


def _field(label: str, component, field_id, help_text: str = "") -> html.Div:
    return html.Div(
        [html.Label(label, htmlFor=ids.dom_id(field_id), className="form-label small fw-semibold mb-0"),
         component] + ([html.Div(help_text, className="form-text mt-0")] if help_text else []),
        className="mb-2",
    )


def _options(choices: dict) -> list[dict]:
    return [{"label": label, "value": str(value)} for value, label in choices.items()]


def _wording(prefix: str, id_help: str) -> list:
    """Titel and Kennung (suggested from the title)."""
    title_id, id_id = f"{prefix}-title", f"{prefix}-id"
    return [dbc.Row([
        dbc.Col(_field("Titel", dbc.Input(id=title_id, maxLength=TITLE_MAX), title_id), md=8),
        dbc.Col(_field("Kennung", dbc.Input(id=id_id, maxLength=forms.ID_MAX), id_id, id_help),
                md=4),
    ])]


def _closing(note_id: str, save_id: str, save_text: str, new_id: str, editing_id: str,
             status_id: str) -> list:
    """The end of a form: the planner's note, "save" and "Neu beginnen", the id being edited and
    the status line."""
    return [
        _field("Anmerkung (optional)", dbc.Textarea(id=note_id, rows=2, maxLength=forms.NOTE_MAX),
               note_id, "erscheint unter der erzeugten Definition"),
        html.Div([
            dbc.Button(save_text, id=save_id, color="primary", className="me-2"),
            dbc.Button("Neu beginnen", id=new_id, color="secondary", outline=True),
        ], className="mt-2"),
        dcc.Store(id=editing_id),
        html.Div(id=status_id, className="mt-3", role="status"),
    ]


def derive_section(labels: dict, levels: list[dict]) -> html.Div:
    """Form "Indikator berechnen": a rate of two counts or the change between two years."""
    return html.Div(
        [
            html.H3("Indikator berechnen", id=ids.DERIVE_HEAD, className="h6 mt-3"),
            html.P("Eine Quote aus zwei Anzahlen derselben Ebene (z. B. Fälle je 1.000 Kinder) "
                   "oder die Veränderung eines Indikators zwischen zwei Jahren. Der neue "
                   "Indikator steht danach wie jeder andere in allen Ansichten, Exporten und "
                   "der API; er wird bei jeder Datenänderung neu berechnet.", className="small"),
            _field("Ebene", dcc.Dropdown(id=ids.DERIVE_LEVEL, clearable=False, labels=labels,
                                         value=KREIS, options=levels), ids.DERIVE_LEVEL),
            radio_group("Art der Berechnung", small=True, radios=dbc.RadioItems(
                id=ids.DERIVE_KIND, value="rate", inline=True,
                options=_options(forms.DERIVE_KINDS))),
            html.Div([
                dbc.Row([
                    dbc.Col(_field("Zähler", dcc.Dropdown(id=ids.DERIVE_NUMERATOR, labels=labels,
                                                          placeholder="Anzahl wählen …"),
                                   ids.DERIVE_NUMERATOR), md=6),
                    dbc.Col(_field("Nenner", dcc.Dropdown(id=ids.DERIVE_DENOMINATOR,
                                                          labels=labels,
                                                          placeholder="Anzahl wählen …"),
                                   ids.DERIVE_DENOMINATOR), md=6),
                ]),
                dbc.Row([
                    dbc.Col(_field("Faktor", dbc.Select(
                        id=ids.DERIVE_FACTOR, value="100",
                        options=_options({**forms.FACTOR_CHOICES,
                                          forms.OTHER_FACTOR: "andere Zahl"})),
                        ids.DERIVE_FACTOR, "Wert = Zähler ÷ Nenner × Faktor"), md=6),
                    dbc.Col(html.Div(_field("Andere Zahl als Faktor", dbc.Input(
                        id=ids.DERIVE_FACTOR_OTHER, type="number", min=0, step="any"),
                        ids.DERIVE_FACTOR_OTHER), id=ids.DERIVE_FACTOR_OTHER_BOX, hidden=True),
                        md=6),
                ]),
            ], id=ids.DERIVE_RATE),
            html.Div([
                _field("Indikator", dcc.Dropdown(id=ids.DERIVE_INDICATOR, labels=labels,
                                                 placeholder="Indikator wählen …"),
                       ids.DERIVE_INDICATOR),
                dbc.Row([
                    dbc.Col(_field("von Jahr", dbc.Select(id=ids.DERIVE_YEAR_FROM, options=[]),
                                   ids.DERIVE_YEAR_FROM), md=4),
                    dbc.Col(_field("bis Jahr", dbc.Select(id=ids.DERIVE_YEAR_TO, options=[]),
                                   ids.DERIVE_YEAR_TO), md=4),
                    dbc.Col(radio_group("Veränderung", small=True, radios=dbc.RadioItems(
                        id=ids.DERIVE_PERCENT, value="absolut", inline=True,
                        options=_options(forms.PERCENT_CHOICES))), md=4),
                ]),
            ], id=ids.DERIVE_CHANGE, hidden=True),
            *_wording("derive", ID_HELP),
            dbc.Row([
                dbc.Col(_field("Einheit (optional)", dbc.Input(
                    id=ids.DERIVE_UNIT, maxLength=30, placeholder="sonst aus den Teilen"),
                    ids.DERIVE_UNIT), md=4),
                dbc.Col(_field("Lesart", dbc.Select(id=ids.DERIVE_POLARITY, value=forms.FROM_PARTS,
                                                    options=_options(forms.POLARITY_CHOICES)),
                               ids.DERIVE_POLARITY), md=8),
            ]),
            *_closing(ids.DERIVE_NOTE, ids.DERIVE_SAVE, "Berechnen und speichern", ids.DERIVE_NEW,
                      ids.DERIVE_EDITING, ids.DERIVE_STATUS),
        ]
    )


def _button(text: str, button_id, name: str, classes: str, disabled: bool = False
            ) -> html.Button:
    """A small button with its visible text and a fuller accessible name (which part, which
    definition)."""
    props = {"id": button_id} if button_id is not None else {}
    return html.Button(text, type="button", className=f"btn btn-sm {classes}", title=name,
                       disabled=disabled, **props, **{"aria-label": name})


def part_row(position: int, part: dict, options: list[dict], labels: dict,
             removable: bool = True) -> html.Fieldset:
    """One part of the index: indicator, weight, direction and its "Teil entfernen" (disabled
    while only the least number of parts is left)."""
    def pid(field: str) -> dict:
        return {"type": ids.INDEX_PART, "field": field, "index": position}

    n = position + 1
    return html.Fieldset(
        [
            html.Legend(f"Teil {n}", className="small fw-semibold mb-1"),
            dbc.Row([
                dbc.Col(_field("Indikator", dcc.Dropdown(
                    id=pid("indicator"), options=options, value=part.get("indicator"),
                    labels=labels, placeholder="Indikator wählen …", optionHeight=48),
                    pid("indicator")), md=5),
                dbc.Col(_field("Gewicht", dbc.Input(id=pid("weight"), type="number", min=0,
                                                    step="any", value=part.get("weight")),
                               pid("weight")), md=2),
                dbc.Col(_field("Richtung", dbc.Select(
                    id=pid("direction"), value=str(part.get("direction") or 0),
                    options=_options(forms.DIRECTION_CHOICES)), pid("direction")), md=3),
                dbc.Col(_button("Teil entfernen", pid("remove"), f"Teil {n} entfernen",
                                "btn-outline-secondary", disabled=not removable), md=2,
                        className="align-self-end mb-2 text-md-end"),
            ], className="g-2"),
        ],
        className="index-part border-bottom mb-2",
    )


def index_section(labels: dict, levels: list[dict]) -> html.Div:
    """Form "Sozialindex bilden": 2–15 indicators of one level with weights and directions."""
    rows = [part_row(i, forms.blank_part(), [], labels, removable=False) for i in range(2)]
    return html.Div(
        [
            html.H3("Sozialindex bilden", id=ids.INDEX_HEAD, className="h6 mt-3"),
            html.P("2 bis 15 Indikatoren einer Ebene werden je Jahr standardisiert, so gedreht, "
                   "dass ein höherer Wert mehr Risiko bedeutet, und gewichtet gemittelt (Gewichte "
                   "auf Summe 1). Ein Gebiet, dem ein Teil fehlt, bleibt leer.",
                   className="small"),
            _field("Ebene", dcc.Dropdown(id=ids.INDEX_LEVEL, clearable=False, labels=labels,
                                         value=KREIS, options=levels), ids.INDEX_LEVEL),
            html.Div(rows, id=ids.INDEX_PARTS),
            dcc.Store(id=ids.INDEX_LOAD),
            dbc.Button("Teil hinzufügen", id=ids.INDEX_ADD, color="secondary", outline=True,
                       size="sm", className="mb-3"),
            dbc.Row([
                dbc.Col(radio_group("Standardisierung", small=True, radios=dbc.RadioItems(
                    id=ids.INDEX_METHOD, value="z", options=_options(forms.METHOD_CHOICES))),
                    md=6),
                dbc.Col(_field("Jahr", dbc.Select(
                    id=ids.INDEX_YEAR, value=forms.LATEST_YEAR,
                    options=[{"label": "neuestes gemeinsames Jahr", "value": forms.LATEST_YEAR}]),
                    ids.INDEX_YEAR, "ohne gewähltes Jahr: jedes Jahr, das alle Teile haben"),
                    md=6),
            ]),
            *_wording("index", ID_HELP),
            *_closing(ids.INDEX_NOTE, ids.INDEX_SAVE, "Index speichern", ids.INDEX_NEW,
                      ids.INDEX_EDITING, ids.INDEX_STATUS),
        ]
    )


def listing() -> html.Div:
    """The saved definitions (filled by a callback) and the messages of their buttons."""
    return html.Div([
        html.H3("Berechnete Indikatoren", className="h6 mt-4"),
        html.Div(id=ids.FORMULA_LIST, className="small"),
        html.Div(id=ids.FORMULA_STATUS, className="mt-2", role="status"),
    ])


def entry_item(entry: forms.Entry) -> html.Li:
    """One saved definition with its buttons (every text of it is text, never markup)."""
    def action(name: str) -> dict:
        return {"type": ids.FORMULA_ACTION, "action": name, "id": entry.id}

    buttons = [_button("Bearbeiten", action("edit"), f"„{entry.title}“ bearbeiten",
                       "btn-outline-secondary"),
               dcc.ConfirmDialogProvider(
                   _button("Löschen", None, f"„{entry.title}“ löschen", "btn-outline-danger"),
                   id={"type": ids.FORMULA_DELETE, "id": entry.id},
                   message=f"Den berechneten Indikator „{entry.title}“ löschen? Er kommt für "
                           f"{TRASH_DAYS} Tage in den Papierkorb.")]
    if entry.shown:
        buttons.append(_button("Anzeigen", action("show"), f"„{entry.title}“ auf der Karte "
                               "anzeigen", "btn-outline-primary"))
    body = [html.Strong(entry.title), f" ({entry.id}) – {entry.kind}, Ebene {entry.level}",
            html.Ul([html.Li(part) for part in entry.parts], className="mb-1")]
    if entry.problem:
        body.append(dbc.Alert(f"Derzeit nicht berechenbar: {entry.problem}", color="warning",
                              className="small py-1 px-2 mb-1"))
    return html.Li(body + [html.Div(buttons, className="d-flex flex-wrap gap-1 mb-2")],
                   className="formula-entry")


def entry_list(entries: list[forms.Entry]):
    if not entries:
        return html.P("Noch keine Indikatoren berechnet.", className="text-muted")
    return html.Ul([entry_item(e) for e in entries], className="ps-3")
