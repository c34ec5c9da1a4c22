"""The export menus: links to the stable export URLs of the current view (see atlas.downloads).

The entries are fixed; their links are the view's query (``VIEW_QUERY``) with the entry's own
parameters, written in the browser (``assets/views.js``: ``exportLinks``) so a change of year
costs no request.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts import ids

#: (label, path, extra parameters) of the map exports, in menu order.
MAP_EXPORTS = [
    ("PNG für den Druck, A4 quer (300 dpi)", "/export/map.png", {"format": "a4"}),
    ("PNG für den Druck, A5 quer (300 dpi)", "/export/map.png", {"format": "a5"}),
    ("PNG für Folien (1920 × 1080)", "/export/map.png", {"format": "folie"}),
    ("SVG (Vektor)", "/export/map.svg", {}),
    ("PDF (Vektor, A4 quer)", "/export/map.pdf", {}),
    ("PDF ohne Kreisnamen (A4 quer)", "/export/map.pdf", {"namen": "0"}),
    ("Word-Berichtsbaustein (DOCX: Karte, Text, Tabelle)", "/export/baustein.docx", {}),
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
#: the menus: (id, label, entries, whether the images carry the note)
MENUS = [
    (ids.EXPORT_MAP, "Karte exportieren", MAP_EXPORTS, True),
    (ids.EXPORT_CHART, "Diagramme exportieren", CHART_EXPORTS, True),
    (ids.EXPORT_DATA, "Daten exportieren", DATA_EXPORTS, False),
]


def export_entries() -> list[list]:
    """``[path, parameters, note]`` of every menu entry, in the order of the links' indices."""
    return [[path, extra, note] for _, _, entries, note in MENUS for _, path, extra in entries]


def export_bar() -> html.Div:
    """Menus for map, charts and data plus the optional note printed on exported images."""
    menu = {"size": "sm", "color": "secondary", "className": "me-2 mb-2 d-inline-block"}
    menus, index = [], 0
    for menu_id, label, entries, _ in MENUS:
        items = []
        for text, path, _extra in entries:
            items.append(dbc.DropdownMenuItem(text, external_link=True, href=path,
                                              id={"type": ids.EXPORT_LINK, "index": index}))
            index += 1
        menus.append(dbc.DropdownMenu(items, id=menu_id, label=label, **menu))
    return html.Div(
        [
            dcc.Store(id=ids.EXPORT_ENTRIES, data=export_entries()),
            *menus,
            html.Label("Anmerkung für exportierte Bilder", htmlFor=ids.EXPORT_NOTE,
                       className="visually-hidden"),
            dbc.Input(id=ids.EXPORT_NOTE, placeholder="Anmerkung für exportierte Bilder (optional)",
                      maxLength=200, size="sm", debounce=True, className="d-inline-block w-auto",
                      style={"minWidth": "min(100%, 24rem)"}),  # the placeholder in full
        ],
        className="mt-2 d-print-none export-bar",
    )
