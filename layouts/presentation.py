"""Presentation mode, shareable links and the Sitzungsfolge: component trees.

The map's presentation look (styling, outline of the selection, district names) is part of the
map's description (:func:`atlas.figures.map_description`), drawn by the page's one renderer
(``renderMap`` in assets/views.js).
"""

from __future__ import annotations

import json

import dash_bootstrap_components as dbc
from dash import dcc, html

from atlas.data import AtlasData
from atlas.figures import OVERLAY_NAMES  # noqa: F401 - the names of the presentation traces
from atlas.labels import (  # noqa: F401 - the placement lives in atlas (exports use it too)
    CITY_CLEARANCE,
    LABEL_RATIOS,
    LABEL_SIZE,
    bounds,
    kreis_bounds,
    label_lines,
    label_point,
    label_text,
    labels,
)
from atlas.playlist import MAX_VIEWS
from layouts import ids, panels

#: pattern-matching id types of the rows of the Sitzungsfolge ({"type": …, "index": n})
ROW_NAME = "playlist-row-name"
ROW_OPEN = "playlist-row-open"
ROW_UP = "playlist-row-up"
ROW_DOWN = "playlist-row-down"
ROW_DELETE = "playlist-row-delete"

KEYS_HELP = ("Tastatur (wenn kein Eingabefeld gewählt ist): ← → Jahr, ↑ ↓ Indikator, "
             "Leertaste Jahre abspielen; in der Präsentation Bild ↓ / Bild ↑ Sitzungsfolge, "
             "F Vollbild, N Kreisnamen, T Tabelle der Werte, Esc beenden.")


# --- components ---------------------------------------------------------------------------------


def stores(data: AtlasData, echo: str | None = None, years: list | None = None,
           query: str | None = None) -> list:
    """State of views, presentation and Sitzungsfolge; ``echo``: the address the page starts
    with when it shows all of it, ``years``: the first indicator's years with data, ``query``:
    the first view's."""
    return [
        dcc.Store(id=ids.VIEW_QUERY, data=query),
        dcc.Store(id=ids.URL_ECHO, data=echo),
        dcc.Store(id=ids.MODE, data=""),
        dcc.Store(id=ids.YEARS, data=years or []),
        dcc.Store(id=ids.LABELS, data=True, storage_type="local"),
        dcc.Store(id=ids.PLAYLIST, data=[], storage_type="local"),
        dcc.Store(id=ids.PLAYLIST_POS, data=None, storage_type="session"),
        dcc.Store(id=ids.PLAYLIST_QUERY),
        dcc.Download(id=ids.PLAYLIST_DOWNLOAD),
        dcc.Download(id=ids.HANDOUT_DOWNLOAD),
        dcc.Download(id=ids.SLIDES_DOWNLOAD),
    ]


#: Components assets/presentation.js and views.js read and set (the bar carries them as ``data-ids``).
SCRIPT_IDS = {"year": ids.YEAR, "years": ids.YEARS, "indicator": ids.INDICATOR,
              "play": ids.PRESENT_PLAY, "fullscreen": ids.PRESENT_FULLSCREEN, "url": ids.URL,
              "echo": ids.URL_ECHO, "map": ids.MAP, "description": ids.MAP_DESCRIPTION,
              "mode": ids.MODE, "labels": ids.LABELS,
              "settled": ids.YEAR_SETTLED, "heading": ids.HEADING, "title": ids.PRESENT_TITLE,
              "present": ids.PRESENT}
#: Time per year when the years are played as an animation.
PLAY_MS = 1000


def _bar_button(label, button_id: str, title: str, shortcut: str, *, everywhere: bool = False,
                step: str | None = None, **kwargs) -> html.Button:
    """A button of the bar. ``shortcut`` is the key (``KeyboardEvent.key``, ``Space`` for the
    space bar) assets/presentation.js clicks it with; keys that are not ``everywhere`` only work
    in presentation mode. ``step`` (``year:-1``, ``year:1``, ``indicator:±1``, ``play``) is done
    by the script itself, reading and setting the components' props at once, so quick key
    presses are never lost."""
    extra = {"data-step": step} if step else {}
    if not any(char.isalpha() for char in label):  # a symbol (◀): named by its title; a word
        extra["aria-label"] = title                 # names the button itself (WCAG 2.5.3)
    return html.Button(label, id=button_id, title=title, type="button",
                       className="btn present-btn",
                       **{"data-shortcut": shortcut,
                          "data-shortcut-scope": "page" if everywhere else "presentation"},
                       **extra, **kwargs)


def presentation_bar(title=None, subtitle=None) -> html.Div:
    """The slim bar of presentation mode: what is shown (the first view's ``title`` and
    ``subtitle``), and the few controls a presenter needs. Hidden in normal mode, where the
    year, indicator and play buttons still take their keys."""
    return html.Div(
        [
            html.H1(title, id=ids.PRESENT_TITLE, className="present-title", tabIndex="-1"),
            html.Div(
                [
                    html.Div(
                        [_bar_button("◀", ids.PRESENT_PREV_YEAR, "Vorheriges Jahr (Pfeil links)",
                                     "ArrowLeft", everywhere=True, step="year:-1"),
                         _bar_button("Abspielen", ids.PRESENT_PLAY,
                                     "Jahre nacheinander zeigen (Leertaste)", "Space",
                                     everywhere=True, step="play", **{"aria-pressed": "false"}),
                         _bar_button("▶", ids.PRESENT_NEXT_YEAR, "Nächstes Jahr (Pfeil rechts)",
                                     "ArrowRight", everywhere=True, step="year:1")],
                        className="present-group", role="group", **{"aria-label": "Jahr"},
                    ),
                    html.Div(
                        [_bar_button("▲", ids.PRESENT_PREV_INDICATOR,
                                     "Vorheriger Indikator der Liste (Pfeil hoch)", "ArrowUp",
                                     everywhere=True, step="indicator:-1"),
                         html.Span("Indikator", className="present-label",
                                   **{"aria-hidden": "true"}),
                         _bar_button("▼", ids.PRESENT_NEXT_INDICATOR,
                                     "Nächster Indikator der Liste (Pfeil runter)", "ArrowDown",
                                     everywhere=True, step="indicator:1")],
                        className="present-group present-indicator-buttons", role="group",
                        **{"aria-label": "Indikator"},
                    ),
                    html.Div(
                        [_bar_button("◀", ids.PRESENT_PREV_VIEW,
                                     "Vorherige Ansicht der Sitzungsfolge (Bild hoch)", "PageUp",
                                     disabled=True),
                         html.Span(id=ids.PRESENT_VIEW_POS, className="present-view-pos",
                                   **{"aria-live": "polite"}),
                         _bar_button("▶", ids.PRESENT_NEXT_VIEW,
                                     "Nächste Ansicht der Sitzungsfolge (Bild runter)",
                                     "PageDown", disabled=True)],
                        className="present-group present-views", role="group",
                        **{"aria-label": "Sitzungsfolge"},
                    ),
                    html.Div(
                        [_bar_button("Namen", ids.PRESENT_LABELS, "Gebietsnamen auf der Karte (N)",
                                     "n", **{"aria-pressed": "true"}),
                         _bar_button("Tabelle", ids.PRESENT_TABLE,
                                     "Tabelle der Kartenwerte neben der Karte (T)", "t",
                                     **{"aria-pressed": "false", "aria-controls": ids.TABLE_REGION,
                                        "data-action": "table"}),
                         _bar_button("Vollbild", ids.PRESENT_FULLSCREEN, "Vollbild (F)", "f",
                                     **{"data-action": "fullscreen"}),
                         _bar_button("Beenden", ids.PRESENT_EXIT, "Präsentation beenden (Esc)",
                                     "Escape")],
                        className="present-group", role="group",
                        **{"aria-label": "Darstellung"},
                    ),
                ],
                className="present-controls",
            ),
            html.P(subtitle, id=ids.PRESENT_SUBTITLE, className="present-subtitle"),
        ],
        id=ids.PRESENT_BAR,
        className="present-bar",
        role="region",
        **{"aria-label": "Präsentationssteuerung", "data-ids": json.dumps(SCRIPT_IDS),
           "data-play-ms": str(PLAY_MS)},
    )


def presentation_source(text: str | None = None) -> html.P:
    """Source, licence and boundaries in one short line at the foot of presentation mode."""
    return html.P(text, id=ids.PRESENT_SOURCE, className="present-source")


def indicator_sources(data: AtlasData, indicator_id: str) -> tuple:
    """The texts that name the indicator's source: attribution (footer), the map's source line,
    presentation mode's short line and „Stand“ (the page's first view and its callback)."""
    source = panels.attribution(data, indicator_id)
    return source, source, source_text(data, indicator_id), panels.stand(data, indicator_id)


def source_text(data: AtlasData, indicator_id: str) -> str:
    """The attribution a licence asks for, as short as it may be: source, licence, boundaries."""
    ind = data.indicator(indicator_id)
    src = data.catalogue.source_of(ind)
    return f"Quelle: {src.attribution} · Lizenz: {src.licence} · {panels.boundaries(data, ind)}"


def view_toolbar() -> html.Div:
    """Beside the heading: start the presentation and share the current view."""
    return html.Div(
        [
            html.Button("Präsentation", id=ids.PRESENT, type="button",
                        className="btn btn-primary btn-sm me-2 mb-1",
                        title="Karte groß und kontrastreich für Beamer zeigen "
                              "(Esc beendet)"),
            html.Label("Link zu dieser Ansicht", htmlFor=ids.SHARE_LINK,
                       className="visually-hidden"),
            dbc.InputGroup(
                [
                    dbc.Input(id=ids.SHARE_LINK, readonly=True, size="sm", value="",
                              className="share-link"),
                    html.Button("Link kopieren", id=ids.SHARE_COPY, type="button",
                                className="btn btn-outline-secondary btn-sm",
                                title="Link zu genau dieser Ansicht in die Zwischenablage"),
                ],
                size="sm", className="share-group mb-1",
            ),
            html.Span(id=ids.SHARE_STATUS, className="share-status small ms-2",
                      role="status", **{"aria-live": "polite"}),
        ],
        className="view-toolbar d-flex flex-wrap align-items-center d-print-none",
    )


def playlist_card() -> dbc.Card:
    """The Sitzungsfolge: remember views, order and name them, take them to another machine."""
    return dbc.Card(
        dbc.CardBody(
            [
                html.H3("Sitzungsfolge", className="h6"),
                html.P("Ansichten für eine Arbeitsgruppensitzung merken und in der Präsentation "
                       "mit Bild ↓ / Bild ↑ (auch Presenter) nacheinander zeigen.",
                       className="small mb-2"),
                html.Label("Name der Ansicht (leer: Indikator und Jahr)", htmlFor=ids.PLAYLIST_NAME,
                           className="form-label small mb-0"),
                # field and button on lines of their own: the placeholder shows in full
                dbc.Input(id=ids.PLAYLIST_NAME, maxLength=120, size="sm", className="mb-1",
                          placeholder="z. B. Kinderarmut Ostthüringen"),
                html.Button("Ansicht merken", id=ids.PLAYLIST_ADD, type="button",
                            className="btn btn-primary btn-sm mb-2"),
                html.Div(playlist_rows([], None), id=ids.PLAYLIST_LIST,
                         className="playlist mb-2"),  # a stored list replaces it at once
                html.Div(
                    [
                        html.Button("Präsentation starten", id=ids.PLAYLIST_PRESENT,
                                    type="button", className="btn btn-outline-primary btn-sm",
                                    title="Erste Ansicht der Sitzungsfolge als Präsentation"),
                        html.Button("Handout (PDF)", id=ids.HANDOUT, type="button",
                                    className="btn btn-outline-secondary btn-sm",
                                    title="Alle Ansichten als eine PDF-Datei (A4 quer, eine "
                                          "Karte je Seite)"),
                        html.Button("PowerPoint", id=ids.SLIDES, type="button",
                                    className="btn btn-outline-secondary btn-sm",
                                    title="Alle Ansichten als Präsentation (PPTX, 16:9, eine "
                                          "Folie je Ansicht, Kennzahlen in den Notizen)"),
                        html.Button("Als Datei speichern", id=ids.PLAYLIST_EXPORT, type="button",
                                    className="btn btn-outline-secondary btn-sm",
                                    title="Sitzungsfolge als Datei sitzungsfolge.json speichern"),
                        dcc.Upload(
                            html.Button("Aus Datei laden", type="button", tabIndex="-1",
                                        className="btn btn-outline-secondary btn-sm"),
                            id=ids.PLAYLIST_UPLOAD, accept=".json,application/json",
                            className="playlist-upload", multiple=False,
                        ),
                        dcc.ConfirmDialogProvider(
                            html.Button("Alle entfernen", type="button",
                                        className="btn btn-outline-danger btn-sm"),
                            id=ids.PLAYLIST_CLEAR,
                            message="Alle Ansichten der Sitzungsfolge entfernen?",
                        ),
                    ],
                    className="playlist-actions d-flex flex-wrap gap-1",
                ),
                html.Div(id=ids.PLAYLIST_STATUS, className="small mt-2", role="status",
                         **{"aria-live": "polite"}),
                html.P(KEYS_HELP, className="form-text mb-0 mt-2"),
            ]
        ),
        className="mb-3 playlist-card d-print-none",
    )


def playlist_rows(views, current: int | None):
    """The list of remembered views: name (editable), open, up, down, delete."""
    if not views:
        return html.P(f"Noch keine Ansicht gemerkt (höchstens {MAX_VIEWS}).",
                      className="small text-body-secondary mb-0")
    rows = []
    last = len(views) - 1
    for index, view in enumerate(views):
        number = index + 1
        rows.append(html.Li(
            [
                html.Label(
                    [html.Span(f"{number}.", className="playlist-number", **{"aria-hidden": "true"}),
                     html.Span(f"Name der Ansicht {number}", className="visually-hidden"),
                     dbc.Input(id={"type": ROW_NAME, "index": index}, value=view.name,
                               debounce=True, maxLength=120, size="sm",
                               className="playlist-name")],
                    className="d-flex align-items-center gap-1 w-100 mb-0",
                ),
                html.Div(
                    [
                        html.Button("Zeigen", id={"type": ROW_OPEN, "index": index},
                                    type="button", className="btn btn-link btn-sm px-1",
                                    title=f"Ansicht {number} zeigen"),
                        html.Button("↑", id={"type": ROW_UP, "index": index}, type="button",
                                    className="btn btn-outline-secondary btn-sm px-2",
                                    disabled=index == 0,
                                    title=f"Ansicht {number} nach oben",
                                    **{"aria-label": f"Ansicht {number} nach oben"}),
                        html.Button("↓", id={"type": ROW_DOWN, "index": index}, type="button",
                                    className="btn btn-outline-secondary btn-sm px-2",
                                    disabled=index == last,
                                    title=f"Ansicht {number} nach unten",
                                    **{"aria-label": f"Ansicht {number} nach unten"}),
                        html.Button("Entfernen", id={"type": ROW_DELETE, "index": index},
                                    type="button", className="btn btn-link btn-sm px-1 "
                                    "text-danger", title=f"Ansicht {number} entfernen"),
                    ],
                    className="d-flex align-items-center gap-1 ms-4",
                ),
            ],
            className="playlist-row" + (" playlist-current" if index == current else ""),
            **({"aria-current": "true"} if index == current else {}),
        ))
    return html.Ol(rows, className="list-unstyled mb-0")
