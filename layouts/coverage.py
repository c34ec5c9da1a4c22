"""The "Datenstand" view: how old and how complete the numbers of every indicator are, per
Lebenslagenbereich the newest year, and what the last build changed (:mod:`atlas.coverage`)."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from atlas.coverage import (
    ONLY,
    SORTS,
    STALE_AFTER,
    AreaCoverage,
    Coverage,
    IndicatorCoverage,
    table_row,
)
from atlas.data import AtlasData
from layouts import ids
from layouts.tabs import Tab

#: Columns of the Datenstand table: heading and the key of :func:`atlas.coverage.table_row`.
COLUMNS = (("Bereich", "Bereich"), ("Indikator", "Indikator"), ("Ebene", "Ebene"),
           ("Erstes Jahr", "erstes Jahr"), ("Letztes Jahr", "letztes Jahr"), ("Alter", "Alter"),
           ("Lücken", "Lücken"), ("Kreise/Gebiete mit Wert", "mit Wert"),
           ("Referenz (letztes Jahr)", "Referenz"), ("Quelle / Ausgabe", "Quelle"),
           ("Auffälligkeiten", "Auffälligkeiten"))
#: Class of a row whose newest year is old (browser tests and the stylesheet find it by it).
STALE_ROW = "coverage-stale"


def tab_datenstand(data: AtlasData, labels: dict) -> Tab:
    """The view's frame; its contents come from callbacks/coverage.py while it is shown."""
    areas = [{"label": "Alle Lebenslagenbereiche", "value": "alle"}] + [
        {"label": a.title, "value": a.id} for a in data.catalogue.areas]
    return Tab(
        [
            html.P(
                "Wie aktuell und wie vollständig sind die Zahlen? Je Indikator das erste und "
                "letzte Jahr mit Werten, Jahre ohne Werte dazwischen, wie viele Kreise (bzw. "
                "Gebiete) im letzten Jahr einen Wert haben, worauf sich der Vergleichswert "
                "stützt, die Quelle und die Werte, die die Plausibilitätsprüfung beim Aufbereiten "
                "als auffällig markiert hat (sie zählen nicht mit). Auch als JSON: /api/coverage.",
                className="small text-muted",
            ),
            html.Div(id=ids.COVERAGE_SUMMARY, className="mb-2", role="status"),
            html.H3("Neuestes Jahr je Lebenslagenbereich", className="h6 mt-3"),
            html.Div(id=ids.COVERAGE_AREAS, className="coverage-areas mb-3"),
            html.H3("Indikatoren", className="h6"),
            dbc.Row(
                [
                    dbc.Col([html.Label("Suchen", htmlFor=ids.COVERAGE_TEXT,
                                        className="form-label small mb-0"),
                             dbc.Input(id=ids.COVERAGE_TEXT, type="search", debounce=300,
                                       size="sm", placeholder="Indikator, Kennung oder Quelle")],
                            md=3),
                    dbc.Col([html.Label("Lebenslagenbereich", htmlFor=ids.COVERAGE_AREA,
                                        className="form-label small mb-0"),
                             dcc.Dropdown(id=ids.COVERAGE_AREA, options=areas, value="alle",
                                          clearable=False, labels=labels)], md=3),
                    dbc.Col([html.Label("Sortierung", htmlFor=ids.COVERAGE_SORT,
                                        className="form-label small mb-0"),
                             dcc.Dropdown(id=ids.COVERAGE_SORT, value="bereich",
                                          clearable=False, labels=labels,
                                          options=[{"label": v, "value": k}
                                                   for k, v in SORTS.items()])], md=3),
                    dbc.Col(dbc.Checklist(id=ids.COVERAGE_ONLY, value=[],
                                          options=[{"label": v, "value": k}
                                                   for k, v in ONLY.items()],
                                          className="small"), md=3),
                ],
                className="mb-2 g-2 align-items-end",
            ),
            html.Div(id=ids.COVERAGE_COUNT, className="small text-muted mb-1", role="status"),
            html.Div(id=ids.COVERAGE_TABLE, className="coverage-table-wrap"),
            html.Div(id=ids.COVERAGE_CHANGES, className="coverage-changes mt-4"),
        ],
        label="Datenstand", tab_id="datenstand",
    )


def summary(result: Coverage) -> list:
    """One line: the newest year of all data and how many indicators are old."""
    built = [e for e in result.indicators if not e.own]
    own = [e for e in result.indicators if e.own and e.has_data]
    with_data = [e for e in result.indicators if e.has_data]
    stale = [e for e in with_data if e.stale]
    if result.newest_year is None:
        return [html.P("Es liegen keine Werte vor.")]
    # the catalogue's count is the build summary's ("Indikatoren: 77 von 77 mit Werten")
    counts = (f"{sum(e.has_data for e in built)} von {len(built)} Indikatoren des Katalogs "
              "haben Werte" + (f", dazu {len(own)} eigene, summierte oder berechnete" if own
                               else "") + "; ")
    return [html.P([
        "Neuestes Jahr aller Daten: ", html.Strong(str(result.newest_year)), ". ", counts,
        html.Span(f"{len(stale)} davon reichen nur bis {result.newest_year - STALE_AFTER} "
                  f"oder früher (gelb markiert: {STALE_AFTER} Jahre oder mehr zurück).",
                  className="coverage-stale-note"),
    ], className="mb-0")]


def area_cards(result: Coverage) -> dbc.Row:
    """A small card per Lebenslagenbereich with its newest year."""
    return dbc.Row([dbc.Col(_area_card(area, result), xs=12, sm=6, xl=4, className="mb-2")
                    for area in result.areas], className="g-2")


def _area_card(area: AreaCoverage, result: Coverage) -> dbc.Card:
    old = (area.newest_year is not None and result.newest_year is not None
           and result.newest_year - area.newest_year >= STALE_AFTER)
    lines = [html.Div(area.title, className="fw-semibold"),
             html.Div(["Neuestes Jahr: ",
                       html.Strong("keine Werte" if area.newest_year is None
                                   else str(area.newest_year), className="coverage-area-year")])]
    if area.indicators_with_data:
        lines.append(html.Div(
            f"{area.indicators_with_data} Indikatoren mit Werten, ältester Stand "
            f"{area.oldest_year}; {area.stale} davon {STALE_AFTER} Jahre oder mehr zurück",
            className="small text-muted"))
    return html.Div(dbc.Card(dbc.CardBody(lines, className="py-2 px-3"),
                             className="coverage-area h-100"
                             + (" coverage-area-stale" if old else "")),
                    className="h-100", **{"data-area": area.id})


def _flags_cell(entry: IndicatorCoverage):
    if not entry.flags:
        return "keine"
    return html.Details([
        html.Summary(f"{len(entry.flags)} Wert{'e' if len(entry.flags) != 1 else ''}"),
        html.Ul([html.Li(f"{f.name} ({f.ags}), {f.year}: {f.status}") for f in entry.flags],
                className="small mb-0 ps-3"),
    ], className="coverage-flags")


def coverage_table(entries: list[IndicatorCoverage]) -> html.Table | html.P:
    """The Datenstand table: one row per indicator (texts of :func:`atlas.coverage.table_row`;
    every text a text node: an own indicator's title is shown exactly as typed)."""
    if not entries:
        return html.P("Kein Indikator passt zu dieser Auswahl.", className="small")
    head = html.Thead(html.Tr([html.Th(title, scope="col") for title, _ in COLUMNS]))
    rows = []
    for entry in entries:
        texts = table_row(entry)
        cells = []
        for _, key in COLUMNS:
            if key == "Quelle":
                cells.append(html.Td([html.Div(texts["Quelle"]),
                                      html.Div(texts["Ausgabe"], className="small text-muted")]))
            elif key == "Auffälligkeiten":
                cells.append(html.Td(_flags_cell(entry)))
            elif key == "Indikator":
                cells.append(html.Th(texts[key], scope="row", className="fw-normal"))
            else:
                cells.append(html.Td(texts[key], className=f"coverage-{_css(key)}"))
        rows.append(html.Tr(cells, className=STALE_ROW if entry.stale else None,
                            **{"data-indicator": entry.id}))
    return html.Table([head, html.Tbody(rows)],
                      className="table table-sm coverage-table align-top")


def _css(key: str) -> str:
    return {"erstes Jahr": "first", "letztes Jahr": "last", "mit Wert": "areas",
            "Lücken": "gaps"}.get(key, key.lower().replace(" ", "-"))


def changes_block(summary_: dict | None) -> list:
    """"Änderungen beim letzten Build" (:func:`atlas.coverage.changes_summary`)."""
    out: list = [html.H3("Änderungen beim letzten Build", className="h6")]
    if summary_ is None:
        out.append(html.P("Zu diesem Datenstand gibt es keinen Änderungsbericht "
                          "(data/indicators/aenderungen.json fehlt; „atlas build“ schreibt ihn).",
                          className="small"))
        return out
    head = f"Build vom {summary_['built_at']}"
    if summary_["first_build"]:
        out.append(html.P(f"{head}: erster Build, noch kein Vergleich mit einem früheren.",
                          className="small"))
        return out
    if summary_["previous"]:
        head += f", verglichen mit dem Build vom {summary_['previous']}"
    out.append(html.P(head + ".", className="small"))
    nothing = True

    def section(title: str, items: list) -> None:
        nonlocal nothing
        if items:
            nothing = False
            out.append(html.Div([html.Div(title, className="fw-semibold small"),
                                 html.Ul([html.Li(i) for i in items], className="small")]))

    section("Neue Indikatoren", summary_["added"])
    section("Entfallene Indikatoren", summary_["removed"])
    section("Neue Jahre", [f"{title}: {years}" for title, years in summary_["new_years"]])
    section("Entfallene Jahre", [f"{title}: {years}"
                                 for title, years in summary_["dropped_years"]])
    if summary_["revised"]:
        nothing = False
        total = summary_["revised_total"]
        shown = len(summary_["revised"])
        more = (f" (die ersten {shown} von {total}; alle in /api/coverage)"
                if total > shown else "")
        out.append(html.Div([
            html.Div(f"Geänderte Werte: {total}{more}", className="fw-semibold small"),
            html.Table([
                html.Thead(html.Tr([html.Th(t, scope="col") for t in
                                    ("Indikator", "Gebiet", "Jahr", "bisher", "neu")])),
                html.Tbody([html.Tr([html.Td(c) for c in row])
                            for row in summary_["revised"]]),
            ], className="table table-sm small coverage-revised"),
        ]))
    section("Verwendete neue Quelldateien",
            [f"{file} (ersetzt {old})" if old else file for file, old in summary_["files"]])
    if nothing:
        out.append(html.P("Keine Änderungen an Indikatoren, Jahren oder Werten.",
                          className="small"))
    return out

