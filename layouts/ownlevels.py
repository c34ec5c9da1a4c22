"""The section "Eigene Gebiete" of the "Eigene Daten" tab: an own level from a boundary file or
from groups of Gemeinden – upload → preview with the checks → describe → save; list and delete."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts import ids

#: Boundary files and tables the section takes (a Shapefile as .zip with all its parts).
LEVEL_ACCEPT = ".geojson,.json,.gpkg,.zip,.csv,.txt,.xlsx"
LEVEL_FORMATS_TEXT = (
    "Grenzdatei: GeoJSON, GeoPackage oder Shapefile (als .zip mit .shp, .shx, .dbf und .prj), "
    "in jedem Koordinatensystem. Oder eine Tabelle (CSV/Excel) mit den Spalten „ags;name“: "
    "Gemeindeschlüssel und Name des Gebiets, zu dem die Gemeinde gehört – der Atlas fügt die "
    "Gemeinden zu Gebieten zusammen."
)


def _field(label: str, component, field_id: str, help_text: str = "") -> html.Div:
    return html.Div(
        [html.Label(label, htmlFor=field_id, className="form-label small fw-semibold mb-0"),
         component] + ([html.Div(help_text, className="form-text mt-0")] if help_text else []),
        className="mb-2",
    )


def _form(labels: dict) -> html.Div:
    return html.Div(
        [
            html.Div(
                dbc.Row([
                    dbc.Col(_field("Spalte mit dem Schlüssel", dcc.Dropdown(
                        id=ids.LEVEL_KEY, clearable=False, labels=labels), ids.LEVEL_KEY), md=6),
                    dbc.Col(_field("Spalte mit dem Namen", dcc.Dropdown(
                        id=ids.LEVEL_NAME, clearable=False, labels=labels), ids.LEVEL_NAME),
                        md=6),
                ]),
                id=ids.LEVEL_COLUMNS, hidden=True,
            ),
            dbc.Row([
                dbc.Col(_field("Titel der Ebene", dbc.Input(id=ids.LEVEL_TITLE, maxLength=120,
                                                            placeholder="z. B. Sozialräume Jena"),
                               ids.LEVEL_TITLE), md=8),
                dbc.Col(_field("Kennung", dbc.Input(id=ids.LEVEL_ID, maxLength=40),
                               ids.LEVEL_ID, "für Links, Importe und die API"), md=4),
            ]),
            dbc.Row([
                dbc.Col(_field("Ein Gebiet heißt", dbc.Input(id=ids.LEVEL_SINGULAR, maxLength=40,
                                                             value="Sozialraum"),
                               ids.LEVEL_SINGULAR), md=6),
                dbc.Col(_field("Gebietsstand", dbc.Input(id=ids.LEVEL_STAND, maxLength=40,
                                                         placeholder="z. B. 01.01.2024"),
                               ids.LEVEL_STAND), md=6),
            ]),
            _field("Quelle der Grenzen", dbc.Input(id=ids.LEVEL_SOURCE, maxLength=200,
                                                   placeholder="z. B. Stadt Jena, Statistikstelle"),
                   ids.LEVEL_SOURCE, "erscheint unter jeder Karte dieser Ebene"),
            _field("Lizenz der Grenzen", dbc.Input(id=ids.LEVEL_LICENCE, maxLength=120),
                   ids.LEVEL_LICENCE),
            html.Div(
                [dbc.Button("Ebene anlegen", id=ids.LEVEL_CONFIRM, color="primary",
                            className="me-2", disabled=True),
                 dbc.Button("Abbrechen", id=ids.LEVEL_CANCEL, color="secondary", outline=True)],
                className="mt-2",
            ),
        ],
        id=ids.LEVEL_FORM, hidden=True,
    )


def section(labels: dict) -> html.Div:
    """Upload, preview and form (left) – the list of own levels is part of :func:`listing`."""
    return html.Div(
        [
            html.H3("Eigene Gebiete", className="h6 mt-4"),
            html.P("Sozialräume, Stadtteile, statistische Bezirke oder Gruppen von Gemeinden als "
                   "eigene Ebene des Atlas: danach lassen sich Tabellen für diese Gebiete "
                   "importieren und überall zeigen.", className="small"),
            dcc.Upload(
                html.Div(["Grenzdatei oder Tabelle hierher ziehen oder ", html.U("auswählen")]),
                id=ids.LEVEL_UPLOAD, className="own-upload", multiple=False, accept=LEVEL_ACCEPT,
            ),
            html.P(LEVEL_FORMATS_TEXT, className="small text-muted mt-2"),
            dcc.Loading(html.Div(id=ids.LEVEL_PREVIEW, role="status"), delay_show=300),
            _form(labels),
            html.Div(id=ids.LEVEL_STATUS, className="mt-3", role="status"),
        ]
    )


def listing(labels: dict, may_change: bool = True) -> html.Div:
    """The own levels and the form to delete one (hidden for visitors)."""
    return html.Div(
        [
            html.H3("Eigene Gebiete", className="h6 mt-4"),
            html.Div(id=ids.LEVEL_LIST, className="small"),
            html.Div([html.Label("Eigene Ebene löschen", htmlFor=ids.LEVEL_DELETE_CHOICE,
                       className="form-label small fw-semibold mb-0 mt-2"),
            dcc.Dropdown(id=ids.LEVEL_DELETE_CHOICE, labels=labels, placeholder="Ebene wählen …"),
            dcc.ConfirmDialogProvider(
                dbc.Button("Ebene löschen", color="danger", outline=True, size="sm",
                           className="mt-2"),
                id=ids.LEVEL_DELETE,
                message="Die gewählte eigene Ebene löschen? Eine Ebene, die eigene Indikatoren "
                        "verwenden, wird nicht gelöscht – zuerst die Indikatoren löschen. Die Ebene "
                        "kommt für 30 Tage in den Papierkorb.",
            )], className="" if may_change else "d-none own-change"),
        ]
    )
