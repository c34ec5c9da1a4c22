"""Component trees of the analysis tabs and the map display options."""

from __future__ import annotations

import math

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from atlas import palettes, spatial
from atlas.analysis import SCATTER_CAVEAT
from atlas.charts import sparkline
from atlas.classify import AUTO_SCHEME, AUTO_SCHEME_LABEL, CLASS_COUNTS, SCHEMES
from atlas.composite import peers
from layouts import ids
from layouts.controls import map_figure, slot, table_region
from layouts.tabs import Tab

AUTO_PALETTE = "auto"
MAX_COMPARE = 5


def display_options(graph_config: dict, labels: dict) -> dbc.Card:
    """Classification scheme, number of classes, palette and manual breaks."""
    palette_options = [{"label": "Automatisch (nach Lesart)", "value": AUTO_PALETTE}] + [
        {"label": label, "value": key} for key, label in palettes.PALETTE_LABELS.items()
    ]
    return dbc.Card(
        dbc.CardBody(
            [
                html.H3("Kartendarstellung", className="h6"),
                html.Label("Klassifikation", htmlFor=ids.SCHEME, className="form-label small"),
                slot(dcc.Dropdown(id=ids.SCHEME, value=AUTO_SCHEME, clearable=False, labels=labels,
                                  options=[{"label": AUTO_SCHEME_LABEL, "value": AUTO_SCHEME}]
                                  + [{"label": v, "value": k} for k, v in SCHEMES.items()]),
                     "dropdown", "mb-2"),
                html.Label("Anzahl Klassen", htmlFor=ids.CLASSES, className="form-label small"),
                slot(dcc.Dropdown(id=ids.CLASSES, value=5, clearable=False, labels=labels,
                                  options=[{"label": str(k), "value": k} for k in CLASS_COUNTS]),
                     "dropdown", "mb-2"),
                html.Label("Farbpalette", htmlFor=ids.PALETTE, className="form-label small"),
                slot(dcc.Dropdown(id=ids.PALETTE, value=AUTO_PALETTE, clearable=False, labels=labels,
                                  options=palette_options), "dropdown", "mb-2"),
                html.Label("Manuelle Obergrenzen (durch Semikolon getrennt)",
                           htmlFor=ids.MANUAL_BREAKS, className="form-label small"),
                dbc.Input(id=ids.MANUAL_BREAKS, placeholder="z. B. 5; 7,5; 10", debounce=True,
                          size="sm"),
                html.Div(
                    "Divergierende Paletten sind am Vergleichswert zentriert (amtlicher Wert für "
                    "Thüringen, sonst Median der Kreise). Alle Paletten sind "
                    "ColorBrewer-Schemata, die für Farbfehlsichtige unterscheidbar sind.",
                    className="form-text",
                ),
            ]
        ),
        className="mb-3",
    )


def tab_ranking(graph_config: dict) -> Tab:
    return Tab(
        [html.P("Balken anklicken wählt den Kreis überall aus.", id=ids.RANKING_NOTE,
                className="small text-muted"),
         dcc.Graph(id=ids.RANKING, config=graph_config)],
        label="Ranking", tab_id="ranking",
    )


def tab_scatter(graph_config: dict, indicator_options: list, labels: dict) -> Tab:
    return Tab(
        [
            dbc.Row(
                [
                    dbc.Col([html.Label("Zweiter Indikator (y-Achse)", htmlFor=ids.SCATTER_Y,
                                        className="form-label small"),
                             dcc.Dropdown(id=ids.SCATTER_Y, options=indicator_options,
                                          value=None, clearable=False, labels=labels),
                             dcc.Store(id=ids.SCATTER_Y_FOR)],
                            md=8),
                    dbc.Col(dbc.Checklist(id=ids.SCATTER_SIZE, switch=True, value=[],
                                          options=[{"label": "Punktgröße = Bevölkerung",
                                                    "value": "bevoelkerung"}]),
                            md=4, className="pt-4"),
                ],
                className="mb-2",
            ),
            dcc.Graph(id=ids.SCATTER, config=graph_config),
            html.P(id=ids.SCATTER_STATS, className="fw-semibold"),
            dbc.Alert(SCATTER_CAVEAT, color="light", className="small"),
        ],
        label="Streudiagramm", tab_id="scatter",
    )


def tab_profile() -> Tab:
    return Tab(
        [
            html.Div(
                [
                    html.Span("Wählen Sie links bis zu 5 Kreise oder Gebiete (oder klicken Sie in die Karte). "
                              "Ein Kreis: Steckbrief; mehrere: Vergleich. ",
                              className="small text-muted"),
                    html.Button("Drucken", id=ids.PRINT_PROFILE, className="btn btn-outline-secondary "
                                "btn-sm d-print-none me-2", **{"data-print": "1"}),
                    html.Span(id=ids.EXPORT_PROFILE, className="d-print-none"),
                ],
                className="mb-2",
            ),
            html.Div(id=ids.PROFILE, className="profile"),
        ],
        label="Regionenprofil", tab_id="profile",
    )


def tab_change(graph_config: dict, labels: dict) -> Tab:
    return Tab(
        [
            dbc.Row(
                [
                    dbc.Col([html.Label("von", htmlFor=ids.CHANGE_FROM, className="form-label small"),
                             dcc.Dropdown(id=ids.CHANGE_FROM, clearable=False, labels=labels)], md=3),
                    dbc.Col([html.Label("bis", htmlFor=ids.CHANGE_TO, className="form-label small"),
                             dcc.Dropdown(id=ids.CHANGE_TO, clearable=False, labels=labels)], md=3),
                ],
                className="mb-2",
            ),
            *map_figure(dcc.Graph(id=ids.CHANGE_MAP, config=graph_config), ids.CHANGE_FIGURE,
                        "Karte der Veränderung", ids.CHANGE_TABLE_REGION),
            html.P(id=ids.CHANGE_NOTE, className="small text-muted"),
            table_region("Tabelle der Veränderung", ids.CHANGE_TABLE_REGION, ids.CHANGE_TABLE,
                         ids.CHANGE_TABLE_DATA),
        ],
        label="Veränderung", tab_id="change",
    )


def tab_clusters(graph_config: dict) -> Tab:
    return Tab(
        [
            *map_figure(dcc.Graph(id=ids.CLUSTER_MAP, config=graph_config), ids.CLUSTER_FIGURE,
                        "Karte der räumlichen Cluster", ids.CLUSTER_TABLE_REGION),
            html.P(id=ids.CLUSTER_STATS, className="fw-semibold"),
            dbc.Alert(spatial.SMALL_SAMPLE_CAVEAT, color="warning", className="small"),
            table_region("Tabelle der Cluster", ids.CLUSTER_TABLE_REGION, ids.CLUSTER_TABLE,
                         ids.CLUSTER_TABLE_DATA),
        ],
        label="Räumliche Muster", tab_id="clusters",
    )


def tab_peers(graph_config: dict, labels: dict) -> Tab:
    """Similar areas of the selected area and types of the level's areas on a chosen set of
    indicators (:mod:`atlas.composite.peers`)."""
    return Tab(
        [
            dbc.Row(
                [
                    dbc.Col([html.Label(f"Indikatoren ({peers.MIN_INDICATORS} bis "
                                        f"{peers.MAX_INDICATORS}, Werte der gewählten Ebene)",
                                        htmlFor=ids.PEERS_INDICATORS, className="form-label small"),
                             dcc.Dropdown(id=ids.PEERS_INDICATORS, options=[], value=[],
                                          multi=True, labels=labels,
                                          placeholder="Indikatoren wählen …"),
                             dcc.Store(id=ids.PEERS_LEVEL)],
                            md=9),
                    dbc.Col([html.Label("Anzahl Typen", htmlFor=ids.PEERS_K,
                                        className="form-label small"),
                             dcc.Dropdown(id=ids.PEERS_K, value=peers.DEFAULT_K, clearable=False,
                                          labels=labels,
                                          options=[{"label": str(k), "value": k}
                                                   for k in peers.TYPE_COUNTS])],
                            md=3),
                ],
                className="mb-2",
            ),
            html.P(id=ids.PEERS_YEARS, className="small text-muted"),
            html.H3("Ähnliche Gebiete", className="h6"),
            html.Div(id=ids.PEERS_SIMILAR),
            html.P(peers.DISTANCE_NOTE, className="small text-muted"),
            html.H3("Typen", className="h6 mt-3"),
            dcc.Graph(id=ids.PEERS_MAP, config=graph_config),
            html.Div(id=ids.PEERS_TYPES),
            html.P(peers.TYPES_NOTE, className="small text-muted"),
            html.Div(id=ids.PEERS_CAVEAT),
        ],
        label="Ähnliche Gebiete und Typen", tab_id="peers",
    )


def _names_cell(names: tuple[str, ...] | list[str], shown: int = 20):
    """The names of a type's areas: all of them, behind "… anzeigen" when they are many."""
    text = ", ".join(names)
    if len(names) <= shown:
        return text
    return html.Details([html.Summary(f"{len(names)} Gebiete anzeigen"), html.Div(text)])


def similar_view(result: peers.SimilarAreas | None, message: str = "") -> list:
    """The table of the most similar areas of one area, each with the indicators where the two
    differ most (both values); ``message`` above it (or instead of it)."""
    out = [html.P(message, className="small")] if message else []
    if result is None:
        return out
    rows = []
    for rank, peer in enumerate(result.peers, start=1):
        lines = [html.Div(f"{d.title}: {d.peer_value} (bei {result.name}: {d.area_value})")
                 for d in peer.differences]
        rows.append(html.Tr([html.Td(str(rank)), html.Th(peer.name, scope="row"),
                             html.Td(peer.distance_text, className="text-end"),
                             html.Td(lines)]))
    out.append(html.P(f"Am ähnlichsten zu {result.name} auf {len(result.indicators)} Indikatoren"
                      + (f" (ohne Wert für {result.name}: {', '.join(result.missing)})"
                         if result.missing else "") + ":", className="fw-semibold mb-1"))
    out.append(dbc.Table([html.Thead(html.Tr([html.Th("Nr."), html.Th("Gebiet"),
                                              html.Th("Abstand", className="text-end"),
                                              html.Th("Größte Unterschiede")])),
                          html.Tbody(rows)],
                         size="sm", striped=True, className="peers-table"))
    return out


def types_view(result: peers.AreaTypes | None, message: str = "") -> list:
    """The table of the types (name, number of areas, the areas) with the areas without a
    type, and the mean values per type."""
    if result is None:
        return [html.P(message, className="small")]
    body = [html.Tr([html.Th(t.name, scope="row"), html.Td(str(t.size), className="text-end"),
                     html.Td(_names_cell(t.names))]) for t in result.types]
    if result.unassigned:
        names = result.unassigned_texts
        label = peers.UNASSIGNED[0].upper() + peers.UNASSIGNED[1:]
        body.append(html.Tr([html.Th(label, scope="row"),
                             html.Td(str(len(names)), className="text-end"),
                             html.Td(_names_cell(names))]))
    means = [html.Tr([html.Th(t.name, scope="row")] +
                     [html.Td(m, className="text-end") for m in t.means]) for t in result.types]
    means.append(html.Tr([html.Th("alle Gebiete mit Typ", scope="row")] +
                         [html.Td(m, className="text-end") for m in result.level_means],
                         className="fw-semibold"))
    return [
        html.P(message, className="small") if message else None,
        dbc.Table([html.Thead(html.Tr([html.Th("Typ"),
                                       html.Th("Anzahl Gebiete", className="text-end"),
                                       html.Th("Gebiete")])),
                   html.Tbody(body)], size="sm", striped=True, className="peers-types"),
        html.P("Mittelwerte je Typ (ungewichtet)", className="fw-semibold mb-1"),
        dbc.Table([html.Thead(html.Tr([html.Th("Typ")] +
                                      [html.Th(f"{title} ({year})", className="text-end")
                                       for title, year in zip(result.titles, result.years)])),
                   html.Tbody(means)], size="sm", striped=True, responsive=True,
                  className="peers-means"),
    ]


def caveat(text: str):
    """A caveat as a warning box (nothing for no text)."""
    return dbc.Alert(text, color="warning", className="small") if text else None


def _cell(text) -> str:
    return "–" if text is None or (isinstance(text, float) and math.isnan(text)) or text == "" \
        else str(text)


def reference_cell(text: str, label: str) -> list:
    """A reference value with what it is under it ("6,1 %" / "Median der Kreise")."""
    return [text, html.Br(), html.Span(label, className="small text-muted")]


def _trend_title(row) -> str:
    """The tooltip of a trend cell: years, direction, assessment and notes (only the notes
    where no trend is computed)."""
    if not row.trend_direction:
        return str(row.trend_note or "")
    return (f"{row.trend_from}–{row.trend_to}: {row.trend_direction} ({row.trend_assessment}) "
            f"{row.trend_note}").strip()


def _trend_cell(row):
    """The trend as text; where the years must not be compared, "kein Trend" with the reason
    under it (visible, not only in a tooltip)."""
    if not row.trend_direction and row.trend_text and row.trend_note:
        return [row.trend_text, html.Br(), html.Span(row.trend_note, className="small text-muted")]
    return _cell(row.trend_text)


def profile_view(name: str, kind: str, table: pd.DataFrame, life_phase_label: str,
                 summary: str = "") -> list:
    """Steckbrief of one Kreis: tables per Lebenslagenbereich; ``summary`` (the generated text
    on the shown indicator, :mod:`atlas.report.describe`) as plain text above them."""
    out = [html.H3(f"Regionenprofil {name}", className="h5"),
           html.P(f"{kind} · Lebensphase: {life_phase_label} · Rang 1 = höchstes Risiko "
                  "(bei neutralen Indikatoren: höchster Wert) · Trend über die letzten bis zu fünf "
                  "verfügbaren Jahre", className="small text-muted")]
    if summary:
        out.append(html.P(summary, className="describe-text"))
    lights = "light" in table and bool((table["light"] != "").any())
    for area_title, rows in table.groupby("area_title", sort=False):
        body = [
            html.Tr([
                html.Th(row.short_title, scope="row"),
                html.Td(str(row.year)),
                html.Td(row.value_text, className="text-end"),
                html.Td(row.rank_text),
                html.Td(reference_cell(row.reference_text, row.reference_label),
                        className="text-end"),
                html.Td(_cell(row.deviation_text), className="text-end"),
                html.Td(_trend_cell(row), title=_trend_title(row),
                        className=f"trend-{row.trend_assessment}"),
                *([html.Td(_light_cell(row))] if lights else []),
                html.Td(sparkline(row.sparkline), className="sparkline", **{"aria-hidden": "true"}),
            ])
            for row in rows.itertuples(index=False)
        ]
        out.append(html.H4(area_title, className="h6 mt-3"))
        out.append(dbc.Table(
            [html.Thead(html.Tr([html.Th("Indikator"), html.Th("Jahr"),
                                 html.Th("Wert", className="text-end"), html.Th("Rang"),
                                 html.Th("Vergleichswert", className="text-end"),
                                 html.Th("Abweichung vom Vergleichswert", className="text-end"),
                                 html.Th("Trend"), *([html.Th("Ampel")] if lights else []),
                                 html.Th("Verlauf")])),
             html.Tbody(body)],
            size="sm", striped=True, className="profile-table"))
    if lights:
        named = dict.fromkeys(f"{row.short_title}: {row.thresholds_text}"
                              for row in table.itertuples(index=False) if row.thresholds_text)
        out.append(html.P("Ampel-Schwellen der Arbeitsgruppe: " + "; ".join(named) + ".",
                          className="small text-muted ampel-thresholds"))
    return out


def _light_cell(row) -> list | str:
    """The traffic light as a coloured dot and its text ("rot (über 15,0 %)"), "–" without."""
    if not row.light:
        return "–"
    return [html.Span("●", className=f"ampel ampel-{row.light}", **{"aria-hidden": "true"}),
            " ", row.light_text]


def comparison_view(table: pd.DataFrame, names: dict[str, str]) -> list:
    """Vergleich of up to five Kreise side by side: per Kreis value, rank and trend (with its
    assessment as text), and the reference of the year named by what it is."""
    keys = list(names)
    header = html.Thead(html.Tr([html.Th("Indikator"), html.Th("Jahr")] +
                                [html.Th(names[k]) for k in keys] +
                                [html.Th("Vergleichswert", className="text-end")]))
    body = []
    for area_title, rows in table.groupby("area_title", sort=False):
        body.append(html.Tr(html.Th(area_title, colSpan=3 + len(keys), className="table-light")))
        for row in rows.to_dict("records"):
            cells = []
            for k in keys:
                trend = row.get(f"trend_{k}") or ""
                content = [_cell(row.get(k))]
                if trend:
                    content += [html.Br(), html.Span(
                        f"Trend: {trend}", className=f"small trend-{row.get(f'assessment_{k}')}")]
                cells.append(html.Td(content))
            body.append(html.Tr([html.Th(row["short_title"], scope="row"),
                                 html.Td(str(row.get("year", "")))] + cells +
                                [html.Td(reference_cell(row["reference_text"],
                                                        row["reference_label"]),
                                         className="text-end")]))
    return [html.H3("Vergleich: " + ", ".join(names.values()), className="h5"),
            html.P("Je Kreis: Wert (Rang) und Trend über die letzten bis zu fünf verfügbaren "
                   "Jahre, bewertet nach der Lesart des Indikators. Vergleichswert: amtlicher "
                   "Wert für Thüringen, sonst Summe oder Median der Kreise (wie angegeben).",
                   className="small text-muted"),
            dbc.Table([header, html.Tbody(body)], size="sm", striped=True,
                      className="profile-table")]
