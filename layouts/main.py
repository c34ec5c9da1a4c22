"""The atlas page: filters on the left, map and time series, table, attribution."""

from __future__ import annotations

from dataclasses import dataclass, replace

import dash_bootstrap_components as dbc
from dash import dcc, html

from atlas import figures
from atlas.catalogue import LIFE_PHASES, Indicator
from atlas.data import AtlasData
from atlas.memo import per_data
from atlas.urlstate import DEFAULT_TAB, ViewState, parse_state, state_query
from layouts import analysis, coverage, exports, ids, owndata, panels, presentation
from layouts.controls import map_figure, radio_group, slot, table_region
from layouts.tabs import Tab, tabs

TOPOJSON_URL = "/assets/topojson/"
#: The one configuration of every graph of the page. The toolbar keeps only zoom in, zoom out
#: and reset (images and tables come from the page's own exports); never plotly's "Share chart"
#: (it uploads to plotly's cloud: the atlas works offline). Its buttons are not in the Tab order
#: (assets/graphs.js): keyboard users have the page's own controls and exports.
GRAPH_CONFIG = {
    "topojsonURL": TOPOJSON_URL,
    "displaylogo": False,
    "locale": "de",
    "scrollZoom": False,
    "showSendToCloud": False,
    "showEditInChartStudio": False,
    "modeBarButtonsToRemove": [
        "sendDataToCloud", "editInChartStudio", "toImage", "select2d", "lasso2d", "zoom2d",
        "pan2d", "autoScale2d", "toggleSpikelines", "hoverClosestCartesian",
        "hoverCompareCartesian", "hoverClosestGeo", "toggleHover", "resetViews",
    ],
}
ALL = "alle"
DROPDOWN_LABELS = {
    "select_all": "Alle auswählen",
    "deselect_all": "Auswahl aufheben",
    "selected_count": "{num_selected} ausgewählt",
    "search": "Suchen",
    "clear_search": "Suche löschen",
    "clear_selection": "Auswahl löschen",
    "no_options_found": "Keine Treffer",
}


def life_phase_options() -> list[dict]:
    return [{"label": "Alle", "value": ALL}] + [
        {"label": label.split(" (")[0], "value": key, "title": label}
        for key, label in LIFE_PHASES.items()
    ]


def area_options(data: AtlasData) -> list[dict]:
    return [{"label": "Alle Lebenslagenbereiche", "value": ALL}] + [
        {"label": area.title, "value": area.id} for area in data.catalogue.areas
    ]


def indicator_options(data: AtlasData, indicators: list[Indicator]) -> list[dict]:
    """Dropdown options grouped by Lebenslagenbereich (a disabled header per group); cached per
    list (a level switch of many users asks for the same few lists): treat as read-only."""
    return _indicator_options(data, tuple(indicators))


@per_data(maxsize=128)
def _indicator_options(data: AtlasData, indicators: tuple[Indicator, ...]) -> list[dict]:
    options: list[dict] = []
    current_area = None
    for ind in indicators:
        if ind.area != current_area:
            current_area = ind.area
            title = data.catalogue.area(ind.area).title
            options.append({"label": f"— {title} —", "value": f"area:{ind.area}",
                            "disabled": True})
        label = ind.title if len(ind.title) < 70 else ind.short_title
        if ind.own:
            label += " · eigene Daten"
        options.append({"label": label, "value": ind.id,
                        "search": f"{ind.title} {ind.short_title}"})
    return options


def level_options(data: AtlasData) -> list[dict]:
    """The levels with indicators, built first (a planner's level title is shown as text)."""
    return [{"label": data.level_of(level).title, "value": level}
            for level in data.available_levels()]


def district_options(data: AtlasData, level: str = "kreis") -> list[dict]:
    """The areas a view can compare: the Kreise, and below them the areas of ``level`` (its
    Gemeinden or own areas, by their unique names), so a link with selected areas restores
    them."""
    kreise = [{"label": f"{row.name} ({row.kind})", "value": row.ags}
              for row in data.regions.sort_values("name").itertuples(index=False)]
    if level == "kreis" or level not in data.levels:
        return kreise
    areas = data.level_of(level).areas.sort_values("label")
    return [{"label": f"{row.label} ({row.kind})", "value": row.ags}
            for row in areas.itertuples(index=False)] + kreise


def year_marks(years: list[int]) -> dict:
    """Slider marks: every year when few, otherwise every fifth plus first and last."""
    if len(years) <= 12:
        return {y: str(y) for y in years}
    return {y: str(y) for y in years if y % 5 == 0 or y in (years[0], years[-1])}


@dataclass(frozen=True)
class FirstView:
    """The view the page starts with: the address's, computed on the server when the page asks
    for its layout (it knows the address), so the map, the indicator and the slider are right
    from the start and no chain of callbacks must set them (``echo`` = the address's search when
    everything it asks for is in place: the URL callback then has nothing to do; otherwise
    ``None``, and that callback sets what differs as for any navigation)."""

    state: ViewState
    level: str
    indicator_options: list
    years: list
    year: int
    description: dict
    note: str
    drawn: dict
    echo: str | None
    texts: tuple  # heading, values table, presentation title and subtitle (panels.view_texts)
    sources: tuple  # attribution, map source, presentation source, "Stand"
    info: tuple  # info box and INFO_FOR (panels.info_box)
    series: tuple  # time series: figure, note, TIMESERIES_DRAWN, title
    query: str  # the view's query, as the page writes it to the address bar


@per_data(maxsize=64)  # ≈ 150 KB each
def first_view(data: AtlasData, query: str = "") -> FirstView:
    """The :class:`FirstView` of an address's query (without "?"); a bad or partial one starts
    with what it names correctly, the rest by default (the URL callback names the problems).
    Kept per data object and query (a link opened by many): treat as read-only."""
    wanted, problems = parse_state(query, data)
    level = data.level(wanted.indicator)
    indicators = data.available_indicators(wanted.life_phase, wanted.area, level=level)
    if wanted.indicator not in {ind.id for ind in indicators} or not data.years(wanted.indicator):
        problems = [*problems, "indicator"]
        wanted = ViewState()
        level = data.level(wanted.indicator)
        indicators = data.available_indicators(level=level)
    years = data.years(wanted.indicator)
    year = wanted.year if wanted.year in years else years[-1]
    # in the standard display (a link's own classes, tab or mode: set by the URL callback)
    description, note, drawn = panels.map_start(data, wanted.indicator, year, figures.Display(),
                                                wanted.selected, wanted.zoom)
    complete = (not problems and wanted.tab == DEFAULT_TAB and not wanted.presenting
                and wanted.display == figures.Display())
    indicator = wanted.indicator
    shown = replace(wanted, year=year, zoom=data.zoom(indicator, wanted.zoom))
    return FirstView(state=wanted, level=level,
                     indicator_options=indicator_options(data, indicators), years=years,
                     year=year, description=description, note=note, drawn=drawn,
                     echo=(f"?{query}" if query else "") if complete else None,
                     texts=panels.view_texts(data, indicator, year, wanted.zoom),
                     sources=presentation.indicator_sources(data, indicator),
                     info=panels.info_box(data, indicator, year, 0),
                     series=panels.timeseries_parts(data, indicator, wanted.selected,
                                                    wanted.zoom, year),
                     query=state_query(shown, data))


#: What the map's graph holds until the renderer draws the description (its height, so the
#: page does not jump)
EMPTY_MAP = {"data": [], "layout": {"height": 560, "template": "none",
                                    "xaxis": {"visible": False}, "yaxis": {"visible": False}}}


def _filters(data: AtlasData, first: FirstView) -> dbc.Card:
    level = data.level_of(first.level)
    return dbc.Card(
        dbc.CardBody(
            [
                html.H2("Auswahl", className="visually-hidden"),
                radio_group("Lebensphase", dbc.RadioItems(
                    id=ids.LIFE_PHASE, options=life_phase_options(), value=first.state.life_phase,
                    className="mb-3")),
                html.Label("Lebenslagenbereich", htmlFor=ids.AREA,
                           className="form-label fw-semibold"),
                slot(dcc.Dropdown(id=ids.AREA, labels=DROPDOWN_LABELS, options=area_options(data),
                                  value=first.state.area, clearable=False), "dropdown", "mb-3"),
                radio_group("Ebene", dbc.RadioItems(id=ids.LEVEL, value=first.level, inline=True,
                                                    className="mb-1", options=level_options(data))),
                html.Div(
                    [
                        html.Label("Kreis heranzoomen", htmlFor=ids.ZOOM_KREIS,
                                   className="form-label small mb-0"),
                        slot(dcc.Dropdown(id=ids.ZOOM_KREIS, labels=DROPDOWN_LABELS,
                                          options=district_options(data), value=first.state.zoom,
                                          placeholder="ganz Thüringen"), "dropdown", "mb-1"),
                        html.Div(zoom_note(level), id=ids.ZOOM_NOTE, className="form-text mt-0"),
                    ],
                    id=ids.ZOOM_BOX, hidden=not level.zoomable, className="mb-3",
                ),
                html.Label("Indikator", htmlFor=ids.INDICATOR, className="form-label fw-semibold"),
                slot(dcc.Dropdown(id=ids.INDICATOR, labels=DROPDOWN_LABELS, clearable=False,
                                  optionHeight=48, maxHeight=360, options=first.indicator_options,
                                  value=first.state.indicator), "dropdown", "mb-3"),
                html.Label("Gebiete vergleichen (bis zu 5, auch per Klick in die Karte)",
                           htmlFor=ids.DISTRICTS, className="form-label fw-semibold"),
                slot(dcc.Dropdown(id=ids.DISTRICTS, labels=DROPDOWN_LABELS,
                                  options=district_options(data, first.level), multi=True,
                                  value=list(first.state.selected),
                                  placeholder="Kreis oder Gebiet wählen …"), "dropdown", "mb-2"),
            ]
        ),
        className="mb-3",
    )


#: The view tabs whose content comes into the page when first shown (the browser's work on
#: every answer grows with the components in the page). „Eigene Daten“ too: Dash calls the
#: callbacks of its buttons as they come into the page, and a state-changing callback acts on
#: a click only (app.check_callback_requests answers such a call with "nothing to do").
LAZY_VIEW_TABS = ("ranking", "scatter", "profile", "change", "clusters", "peers", "own",
                  "datenstand")

#: The page „Erklärung zur Barrierefreiheit“ (atlas/a11y_page.py), linked from every footer.
A11Y_PAGE = "/barrierefreiheit"


def skip_links() -> html.Nav:
    """Links to jump over the filters, shown when they get the keyboard focus
    (``assets/a11y.js`` moves the focus to their targets)."""
    return html.Nav([html.A("Zur Karte", href=f"#{ids.MAP_FIGURE}", className="atlas-skip"),
                     html.A("Zur Tabelle", href=f"#{ids.TABLE_REGION}", className="atlas-skip")],
                    className="atlas-skip-links d-print-none", **{"aria-label": "Sprunglinks"})


def account_bar(account: dict | None) -> html.Div:
    """The login state in the header: a link „Anmelden“, or a form (POST with the CSRF token)
    with the button „Abmelden (NAME)“; before it, for redaktion and admin, the link to the
    „Änderungsprotokoll“ (/protokoll) and for admin the one to the accounts (/benutzer)."""
    if not account or not account.get("name"):
        return html.Div(html.A("Anmelden", href="/anmelden", className="link-light"),
                        id=ids.ACCOUNT, className="ms-auto")
    links = []
    if account.get("may_change"):
        links.append(html.A("Änderungsprotokoll", href="/protokoll", className="link-light"))
    if account.get("role") == "admin":
        links.append(html.A("Konten", href="/benutzer", className="link-light"))
    return html.Div([
        *links,
        html.Div(html.Form([
            dcc.Input(type="hidden", name="csrf_token", value=account.get("csrf", "")),
            html.Button(f"Abmelden ({account['name']})", type="submit",
                        className="btn btn-sm btn-outline-light"),
        ], action="/abmelden", method="post"), id=ids.ACCOUNT),
    ], className="ms-auto d-flex flex-wrap align-items-center gap-3")


def zoom_note(level) -> str:
    """Beside the Kreis zoom: the level and its Gebietsstand (levels below the Kreise)."""
    return f"{level.title}, Gebietsstand {level.gebietsstand or '–'}" if level.zoomable else ""


def layout(data: AtlasData, account: dict | None = None, query: str = "") -> html.Div:
    """The whole page, starting with the view of the address's ``query`` (:func:`first_view`;
    what it cannot set is applied by the URL callback). ``account``: the login (``name``,
    ``may_change``, ``csrf``); None for the validation layout (every component)."""
    first = first_view(data, query)
    may_change = account is None or bool(account.get("may_change"))
    return html.Div(
        [
            dcc.Location(id=ids.URL, refresh=False),
            dcc.Store(id=ids.REQUEST),
            dcc.Store(id=ids.YEAR_SHOWN, data=first.year),  # the year with data shown
            dcc.Store(id=ids.OWN_REVISION, data=0),
            dcc.Store(id=ids.URL_SEARCH),
            dcc.Store(id=ids.TAB_CHOSEN, data=0),
            dcc.Store(id=ids.TAB_FROM_URL),
            dcc.Store(id=ids.TAB_SHOWN),
            dcc.Store(id=ids.YEAR_GAP),
            dcc.Store(id=ids.YEAR_SETTLED, data=first.year),
            dcc.Store(id=ids.INDICATOR_SETTLED, data=first.state.indicator),
            dcc.Store(id=ids.MAP_DRAWN, data=first.drawn),
            dcc.Store(id=ids.MAP_DESCRIPTION, data=first.description),
            dcc.Store(id=ids.MAP_RENDERED),
            dcc.Store(id=ids.TIMESERIES_DRAWN, data=first.series[2]),
            *[dcc.Store(id=ids.tab_view(tab, part)) for tab, part in ids.TAB_VIEWS],
            *presentation.stores(data, echo=first.echo, years=first.years, query=first.query),
            presentation.presentation_bar(first.texts[2], first.texts[3]),
            presentation.presentation_source(first.sources[2]),
            skip_links(),
            html.Div(id=ids.ANNOUNCE, role="status", className="visually-hidden",
                     **{"aria-live": "polite", "aria-atomic": "true"}),
            html.Header(dbc.Navbar(
                dbc.Container(
                    [
                        html.Div(
                            [
                                html.H1("Sozialstrukturatlas Thüringen", className="h3 mb-0 text-white"),
                                html.Div(
                                    "Indikatoren zur Armutsprävention für die 22 Landkreise und "
                                    "kreisfreien Städte",
                                    className="small text-white",
                                ),
                            ]
                        ),
                        account_bar(account),
                    ],
                    fluid=True,
                ),
                color="primary",
                dark=True,
                className="mb-3 atlas-navbar",
            )),
            dbc.Container(
                [
                    html.Main([
                    dbc.Alert(id=ids.ALERT, is_open=False, color="warning", dismissable=True),
                    dbc.Row(
                        [
                            dbc.Col([_filters(data, first),
                                     analysis.display_options(GRAPH_CONFIG, DROPDOWN_LABELS),
                                     presentation.playlist_card(),
                                     html.Div(first.info[0], id=ids.INFO),
                                     dcc.Store(id=ids.INFO_FOR, data=first.info[1])], lg=3, md=4,
                                    className="d-print-none atlas-filters"),
                            dbc.Col(
                                [
                                    html.Div(
                                        [html.H2(first.texts[0], id=ids.HEADING, className="h4 mb-0"),
                                         html.Div(first.sources[3], id=ids.STAND,
                                                  className="atlas-stand text-muted")],
                                        className="atlas-heading mb-2",
                                    ),
                                    presentation.view_toolbar(),
                                    html.Div(
                                        [
                                            html.Label("Jahr", htmlFor=ids.YEAR,
                                                       className="form-label fw-semibold mb-0"),
                                            slot(dcc.Slider(id=ids.YEAR, step=1,
                                                            min=first.years[0],
                                                            max=first.years[-1],
                                                            value=first.year,
                                                            marks=year_marks(first.years),
                                                            tooltip={"placement": "bottom",
                                                                     "always_visible": False}),
                                                 "slider"),
                                        ],
                                        className="mb-2 atlas-year",
                                    ),
                                    tabs(
                                        ids.TABS,
                                        [
                                            Tab(
                                                [
                                            dbc.Row(
                                                [
                                                    dbc.Col(
                                                        [
                                                            *map_figure(
                                                                dcc.Graph(id=ids.MAP, config=GRAPH_CONFIG,
                                                                          clear_on_unhover=True,
                                                                          figure=EMPTY_MAP),
                                                                ids.MAP_FIGURE, "Karte", ids.TABLE_REGION),
                                                            html.Div(first.note, id=ids.MAP_NOTE,
                                                                     className="small text-muted"),
                                                            html.Div(first.sources[1], id=ids.MAP_SOURCE,
                                                                     className="small text-muted"),
                                                        ],
                                                        xl=7, className="atlas-mapcol",
                                                    ),
                                                    dbc.Col(
                                                        [
                                                            html.H3(first.series[3], id=ids.TIMESERIES_TITLE,
                                                                    className="h6"),
                                                            slot(dcc.Graph(id=ids.TIMESERIES,
                                                                           config=GRAPH_CONFIG,
                                                                           figure=first.series[0]),
                                                                 "graph", height=figures.TIMESERIES_HEIGHT),
                                                            html.Div(first.series[1], id=ids.TIMESERIES_NOTE,
                                                                     className="small text-muted"),
                                                        ],
                                                        xl=5, className="atlas-series",
                                                    ),
                                                ]
                                            ),
                                            exports.export_bar(),
                                            table_region("Tabelle der Kartenwerte", ids.TABLE_REGION,
                                                         ids.TABLE, ids.TABLE_DATA, first.texts[1]),
                                                ],
                                                label="Karte und Zeitreihe", tab_id="map",
                                            ),
                                            analysis.tab_ranking(GRAPH_CONFIG),
                                            analysis.tab_scatter(
                                                GRAPH_CONFIG,
                                                indicator_options(data, data.available_indicators()),
                                                DROPDOWN_LABELS,
                                            ),
                                            analysis.tab_profile(),
                                            analysis.tab_change(GRAPH_CONFIG, DROPDOWN_LABELS),
                                            analysis.tab_clusters(GRAPH_CONFIG),
                                            analysis.tab_peers(GRAPH_CONFIG, DROPDOWN_LABELS),
                                            owndata.tab_own_data(data, DROPDOWN_LABELS, may_change),
                                            coverage.tab_datenstand(data, DROPDOWN_LABELS),
                                        ],
                                        DEFAULT_TAB, "Ansichten", className="mb-2",
                                        lazy=LAZY_VIEW_TABS,
                                    ),
                                ],
                                lg=9, md=8, className="atlas-main",
                            ),
                        ]
                    ),
                    ], id=ids.MAIN),
                    html.Footer(
                        [html.Div(first.sources[0], id=ids.ATTRIBUTION),
                         html.P(html.A("Erklärung zur Barrierefreiheit", href=A11Y_PAGE),
                                className="mt-2 mb-0")],
                        className="small text-muted border-top mt-4 pt-2 pb-4 atlas-footer"),
                ],
                fluid=True,
            ),
        ],
        id=ids.ROOT,
        className="atlas",
    )
