"""The "Eigene Daten" tab: upload → preview → describe → confirm; list and delete."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from atlas.audit import trash_label
from atlas.catalogue import LIFE_PHASES, POLARITIES
from atlas.composite import forms as composite_forms
from atlas.data import AtlasData
from atlas.importing import KINDS, TEXT_LIMITS
from atlas.store import TRASH_DAYS, TrashEntry
from atlas.visibility import INTERNAL, PUBLIC, label
from layouts import formulas, ids, ownlevels
from layouts.controls import radio_group
from layouts.tabs import Tab, tabs

TEMPLATE_CSV = "/vorlage/eigene-daten.csv"
TEMPLATE_XLSX = "/vorlage/eigene-daten.xlsx"
FORMATS_TEXT = (
    "Unterstützt: eigene Tabelle nach Vorlage (CSV oder Excel), INKAR-Webexport (CSV), "
    "Regionalstatistik/GENESIS/Zensus „Flat-CSV“ (aktuelles und älteres Format) und "
    "GENESIS-Tabellen (CSV). Amtliche Sonderzeichen (–, ., /, x, …) bleiben fehlende Werte mit "
    "ihrem Grund, Kennzeichen wie „p“ (vorläufig) bleiben erhalten."
)



#: The choice of the level a table is for that lets the keys decide (Kreise or Gemeinden).
AUTO_LEVEL = "auto"


def level_choices(data: AtlasData) -> list[dict]:
    """Kreise/Gemeinden (by their keys) or one of the own levels (a planner's title is text)."""
    return [{"label": "Kreise oder Gemeinden (am Schlüssel erkannt)", "value": AUTO_LEVEL}] + [
        {"label": f"{level.title} (eigene Gebiete, {len(level)})", "value": level.id}
        for level in data.levels if level.own]


def _limit(key: str) -> int:
    """The form's maxLength of a field: the server's limit (atlas.importing.TEXT_LIMITS)."""
    return TEXT_LIMITS[key][1]

def _field(label: str, component, field_id: str, help_text: str = "") -> html.Div:
    return html.Div(
        [html.Label(label, htmlFor=field_id, className="form-label small fw-semibold mb-0"),
         component] + ([html.Div(help_text, className="form-text mt-0")] if help_text else []),
        className="mb-2",
    )


def _form(data: AtlasData, labels: dict) -> html.Div:
    """The description of the imported series; filled with suggestions from the file."""
    areas = [{"label": a.title, "value": a.id} for a in data.catalogue.areas]
    phases = [{"label": label.split(" (")[0], "value": key} for key, label in LIFE_PHASES.items()]
    return html.Div(
        [
            html.H3("2. Beschreiben", className="h6 mt-3"),
            _field("Reihe aus der Datei", dcc.Dropdown(id=ids.OWN_SERIES, clearable=False,
                                                      labels=labels, optionHeight=48),
                   ids.OWN_SERIES),
            dbc.Row([
                dbc.Col(_field("Titel", dbc.Input(id=ids.OWN_TITLE, maxLength=_limit("title")),
                               ids.OWN_TITLE),
                        md=8),
                dbc.Col(_field("Kennung", dbc.Input(id=ids.OWN_ID, maxLength=40), ids.OWN_ID,
                               "für Links und Exporte"), md=4),
            ]),
            dbc.Row([
                dbc.Col(_field("Einheit", dbc.Input(id=ids.OWN_UNIT, maxLength=_limit("unit"),
                                                    placeholder="%, Anzahl, Euro …"),
                               ids.OWN_UNIT), md=4),
                dbc.Col(_field("Nachkommastellen", dbc.Input(id=ids.OWN_DECIMALS, type="number",
                                                             min=0, max=4, step=1, value=1),
                               ids.OWN_DECIMALS), md=3),
                dbc.Col(_field("Art des Werts", dbc.Select(
                    id=ids.OWN_KIND, value="rate",
                    options=[{"label": v, "value": k} for k, v in KINDS.items()]), ids.OWN_KIND),
                    md=5),
            ]),
            _field("Lebenslagenbereich", dcc.Dropdown(id=ids.OWN_AREA, options=areas,
                                                      labels=labels, clearable=False),
                   ids.OWN_AREA),
            radio_group("Lebensphasen", dbc.Checklist(id=ids.OWN_PHASES, options=phases,
                                                      value=[], inline=True), small=True),
            radio_group("Lesart", dbc.RadioItems(
                id=ids.OWN_POLARITY, value="risk",
                options=[{"label": v, "value": k} for k, v in POLARITIES.items()]), small=True),
            _field("Quelle", dbc.Input(id=ids.OWN_SOURCE, maxLength=_limit("source"),
                                       placeholder="z. B. Jugendamt Erfurt, eigene Erhebung"),
                   ids.OWN_SOURCE, "erscheint bei jedem Wert, in Tabellen und Exporten"),
            _field("Lizenz", dbc.Input(id=ids.OWN_LICENCE, maxLength=_limit("licence")),
                   ids.OWN_LICENCE),
            _field("Definition (optional)", dbc.Textarea(id=ids.OWN_DEFINITION,
                                                         maxLength=_limit("definition"),
                                                         rows=2), ids.OWN_DEFINITION),
            radio_group("Sichtbarkeit", dbc.RadioItems(id=ids.OWN_VISIBILITY, value=INTERNAL,
                                                       options=VISIBILITY_OPTIONS), small=True),
            dbc.Checkbox(id=ids.OWN_REPLACE, value=False, label="Vorhandene Daten ersetzen",
                         className="mt-2"),
            html.Div(f"Gibt es schon einen eigenen Indikator mit dieser Kennung, wird er durch "
                     f"die neue Datei ersetzt. Die bisherige Fassung liegt dann {TRASH_DAYS} Tage "
                     "im Papierkorb und lässt sich dort wiederherstellen. Ohne Häkchen wird eine "
                     "vergebene Kennung abgelehnt.", className="form-text mt-0"),
            html.Div(
                [dbc.Button("Importieren", id=ids.OWN_CONFIRM, color="primary", className="me-2"),
                 dbc.Button("Abbrechen", id=ids.OWN_CANCEL, color="secondary", outline=True)],
                className="mt-2",
            ),
        ],
        id=ids.OWN_FORM,
        hidden=True,
    )


#: The two visibilities of own data (atlas.visibility), explained.
VISIBILITY_OPTIONS = [
    {"label": "intern – nur für angemeldete Redaktion und Admin", "value": INTERNAL},
    {"label": "öffentlich – für alle, auch ohne Anmeldung", "value": PUBLIC},
]


def visibility_section(labels: dict, may_change: bool = True) -> html.Div:
    """„Sichtbarkeit“: make an own indicator, definition or level internal or public (hidden for
    visitors; the server refuses their changes)."""
    return html.Div(className="" if may_change else "d-none own-change", children=[
        html.H3("Sichtbarkeit", className="h6 mt-4"),
        html.P("Interne Daten sehen nur angemeldete Redaktion und Admin – in Karte, Tabellen, "
               "Schnittstelle und Exporten. Ein berechneter Indikator oder Index ist intern, "
               "sobald einer seiner Teile intern ist; ein Indikator einer internen Ebene auch.",
               className="small text-muted mb-1"),
        html.Label("Eigene Daten", htmlFor=ids.VISIBILITY_CHOICE,
                   className="form-label small fw-semibold mb-0"),
        dcc.Dropdown(id=ids.VISIBILITY_CHOICE, labels=labels, placeholder="Eintrag wählen …"),
        radio_group("Neue Sichtbarkeit", dbc.RadioItems(
            id=ids.VISIBILITY_VALUE, value=PUBLIC, options=VISIBILITY_OPTIONS,
            className="small"), small=True),
        dbc.Button("Sichtbarkeit setzen", id=ids.VISIBILITY_SET, color="secondary",
                   outline=True, size="sm", className="mt-1"),
        html.Div(id=ids.VISIBILITY_STATUS, className="mt-2", role="status"),
    ])


def visibility_choices(own) -> list[dict]:
    """The entries of „Sichtbarkeit“ for the own data ``own`` (:class:`atlas.visibility.Part`):
    label with the current visibility (text, never HTML), value ``kind:id``."""
    groups = (("indicator", "Indikator", own.indicators), ("indicator", "berechnet", own.formulas),
              ("level", "Ebene", own.levels))
    return [{"label": f"{what}: {o.title} ({o.id}) – {label(o.visibility)}",
             "value": f"{kind}:{o.id}"} for kind, what, items in groups for o in items]


def trash_section(may_change: bool = True) -> html.Div:
    """The Papierkorb: deleted and replaced own data, each with "Wiederherstellen" (hidden for
    visitors; its list stays empty for them, :func:`callbacks.owndata`)."""
    return html.Div(className="" if may_change else "d-none own-change", children=[
        html.H3("Papierkorb", className="h6 mt-4"),
        html.P(f"Gelöschte und ersetzte eigene Daten bleiben {TRASH_DAYS} Tage hier und lassen "
               "sich vollständig wiederherstellen; danach werden sie endgültig gelöscht.",
               className="small text-muted mb-1"),
        html.Div(id=ids.TRASH_LIST, className="small"),
        html.Div(id=ids.TRASH_STATUS, className="mt-2", role="status"),
        html.P(["Wer wann was geändert hat: ",
                html.A("Änderungsprotokoll", href="/protokoll", className="own-protocol-link"),
                " (mit Datei und SHA-256-Prüfsumme jedes Imports)."],
               className="small text-muted mt-2"),
    ])


def trash_list(entries: list[TrashEntry]):
    """The Papierkorb's entries, newest first, each with its "Wiederherstellen" button."""
    if not entries:
        return html.P("Der Papierkorb ist leer.", className="text-muted")
    return html.Ul([html.Li([
        html.Span(trash_label(e)), " ",
        html.Button("Wiederherstellen", type="button",
                    className="btn btn-sm btn-outline-secondary ms-1 py-0",
                    id={"type": ids.TRASH_RESTORE, "entry": e.id, "id": e.object_id},
                    title=f"„{e.title}“ ({e.object_id}) wiederherstellen",
                    **{"aria-label": f"„{e.title}“ ({e.object_id}) wiederherstellen"}),
    ], className="mb-1") for e in entries], className="ps-3 trash-list")


#: The sub-tabs of „Eigene Daten“ (:func:`layouts.tabs.tabs`), the first shown first.
OWN_SECTION_TABS = ("import", "derive", "index")

#: The hint visitors see instead of the forms that change own data.
LOGIN_HINT = "Zum Ändern bitte anmelden"


def tab_own_data(data: AtlasData, labels: dict, may_change: bool = True) -> Tab:
    """The tab „Eigene Daten“. For visitors (``may_change`` False) the forms that change data
    are hidden behind the hint :data:`LOGIN_HINT` (a courtesy: the server refuses the changes)."""
    form_levels = composite_forms.level_choices(data)
    hint = dbc.Alert([f"{LOGIN_HINT}: ", html.A("Anmelden", href="/anmelden", className="alert-link"),
                      " – ansehen lässt sich alles auch ohne Anmeldung."],
                     color="info", className="small own-login-hint", id=ids.OWN_LOGIN_HINT)
    return Tab(
        dbc.Row(
            [
                dbc.Col([] if may_change else [hint], width=12),
                dbc.Col(tabs(ids.OWN_SECTIONS, [Tab(
                    [
                        html.H3("1. Datei hochladen", className="h6 mt-3"),
                        _field("Gebiete der Tabelle", dcc.Dropdown(
                            id=ids.OWN_LEVEL, clearable=False, labels=labels, value=AUTO_LEVEL,
                            options=level_choices(data)), ids.OWN_LEVEL,
                            "Kreise und Gemeinden erkennt der Atlas an ihren Schlüsseln; für "
                            "eigene Gebiete die Ebene wählen (siehe „Eigene Gebiete“ unten)."),
                        dcc.Upload(
                            html.Div(["Datei hierher ziehen oder ", html.U("auswählen"),
                                      html.Div("CSV oder Excel (.xlsx), höchstens 20 MB",
                                               className="small text-muted")]),
                            id=ids.OWN_UPLOAD, className="own-upload", multiple=False,
                            accept=".csv,.txt,.xlsx",
                        ),
                        html.P(FORMATS_TEXT, className="small text-muted mt-2"),
                        html.P(["Vorlage für eigene Kreiszahlen: ",
                                html.A("CSV", href=TEMPLATE_CSV, download="vorlage_eigene_daten.csv"),
                                " · ",
                                html.A("Excel", href=TEMPLATE_XLSX,
                                       download="vorlage_eigene_daten.xlsx"),
                                " (mit Beispielzeile und Anleitung)"], className="small"),
                        dcc.Loading(html.Div(id=ids.OWN_PREVIEW, role="status"), delay_show=300),
                        _form(data, labels),
                        html.Div(id=ids.OWN_STATUS, className="mt-3", role="status"),
                        ownlevels.section(labels),
                    ], label="Tabellen und Gebiete", tab_id="import"),
                    Tab(formulas.derive_section(labels, form_levels), label="Indikator berechnen",
                            tab_id="derive"),
                    Tab(formulas.index_section(labels, form_levels), label="Sozialindex bilden",
                            tab_id="index"),
                ], OWN_SECTION_TABS[0], "Bereiche der eigenen Daten"), lg=7,
                    className="" if may_change else "d-none own-change"),
                dbc.Col(
                    [
                        html.H3("Eigene Indikatoren", className="h6"),
                        html.Div(id=ids.OWN_LIST, className="small"),
                        html.Div(
                            [
                                html.Label("Eigenen Indikator löschen", htmlFor=ids.OWN_DELETE_CHOICE,
                                           className="form-label small fw-semibold mb-0 mt-3"),
                                dcc.Dropdown(id=ids.OWN_DELETE_CHOICE, labels=labels,
                                             placeholder="Indikator wählen …"),
                                dcc.ConfirmDialogProvider(
                                    dbc.Button("Löschen", color="danger", outline=True, size="sm",
                                               className="mt-2"),
                                    id=ids.OWN_DELETE,
                                    message="Den gewählten eigenen Indikator mit allen Werten "
                                            f"löschen? Er kommt für {TRASH_DAYS} Tage in den "
                                            "Papierkorb.",
                                ),
                            ], className="" if may_change else "d-none own-change",
                        ),
                        formulas.listing(),
                        ownlevels.listing(labels, may_change),
                        visibility_section(labels, may_change),
                        trash_section(may_change),
                        html.P("Eigene Daten liegen getrennt von den mitgelieferten Daten in einer "
                               "Datenbank im Datenordner; ein Neubau der Daten ändert sie nicht.",
                               className="small text-muted mt-3"),
                    ],
                    lg=5,
                ),
            ],
            className="mt-2",
        ),
        label="Eigene Daten", tab_id="own",
    )
