"""The export menus: links to the stable export URLs of the current view (see atlas.downloads)."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from layouts import ids

#: (label, path, extra parameters) of the map exports, in menu order.
MAP_EXPORTS = [
    ("PNG für den Druck, A4 quer (300 dpi)", "/export/map.png", {"format": "a4"}),
    ("PNG für den Druck, A5 quer (300 dpi)", "/export/map.png", {"format": "a5"}),
    ("PNG für Folien (1920 × 1080)", "/export/map.png", {"format": "folie"}),
    ("SVG (Vektor)", "/export/map.svg", {}),
    ("PDF (Vektor, A4 quer)", "/export/map.pdf", {}),
]
CHART_EXPORTS = [
    ("Zeitreihe als PNG (A4, 300 dpi)", "/export/chart/timeseries.png", {"format": "a4"}),
    ("Zeitreihe als SVG", "/export/chart/timeseries.svg", {}),
    ("Zeitreihe als PDF", "/export/chart/timeseries.pdf", {}),
    ("Ranking als PNG (A4, 300 dpi)", "/export/chart/ranking.png", {"format": "a4"}),
    ("Ranking als SVG", "/export/chart/ranking.svg", {}),
    ("Ranking als PDF", "/export/chart/ranking.pdf", {}),
]
DATA_EXPORTS = [
    ("CSV (Excel), angezeigtes Jahr", "/export/data.csv", {}),
    ("CSV (Excel), alle Jahre", "/export/data.csv", {"year": "alle"}),
    ("Excel (XLSX), angezeigtes Jahr", "/export/data.xlsx", {}),
    ("Excel (XLSX), alle Jahre", "/export/data.xlsx", {"year": "alle"}),
]


def export_bar() -> html.Div:
    """Menus for map, charts and data plus the optional note printed on exported images."""
    menu = {"size": "sm", "color": "secondary", "className": "me-2 mb-2 d-inline-block"}
    return html.Div(
        [
            dbc.DropdownMenu(id=ids.EXPORT_MAP, label="Karte exportieren", **menu),
            dbc.DropdownMenu(id=ids.EXPORT_CHART, label="Diagramme exportieren", **menu),
            dbc.DropdownMenu(id=ids.EXPORT_DATA, label="Daten exportieren", **menu),
            html.Label("Anmerkung für exportierte Bilder", htmlFor=ids.EXPORT_NOTE,
                       className="visually-hidden"),
            dbc.Input(id=ids.EXPORT_NOTE, placeholder="Anmerkung für exportierte Bilder (optional)",
                      maxLength=200, size="sm", debounce=True, className="d-inline-block w-auto",
                      style={"minWidth": "18rem"}),
        ],
        className="mt-2 d-print-none export-bar",
    )
