"""Analysis views: ranking, scatter, profile, change, spatial clusters, similar areas and types
(rendered per tab)."""

from __future__ import annotations

from dash import Input, Output, State, callback, clientside_callback, no_update
from dash.exceptions import PreventUpdate

from atlas import analysis, charts, figures
from atlas.catalogue import LIFE_PHASES, over_time_problem
from atlas.composite import peers
from atlas.data import get_data
from atlas.report import describe
from atlas.values import format_number
from callbacks.common import DISPLAY_INPUTS, require_view, shown_tab, views_js
from layouts import analysis as views
from layouts import ids, panels
from layouts.main import indicator_options


def _view(values, indicator_position: int = 0, year_position: int = 1) -> list:
    """The gate's values, once indicator and year fit together."""
    if not values:
        raise PreventUpdate
    require_view(values[indicator_position], values[year_position])
    return values


@callback(
    Output(ids.RANKING, "figure"),
    Output(ids.RANKING_NOTE, "children"),
    shown_tab("ranking", Input(ids.INDICATOR_SETTLED, "data"), Input(ids.YEAR_SETTLED, "data"),
              Input(ids.DISTRICTS, "value"), Input(ids.ZOOM_KREIS, "value"), *DISPLAY_INPUTS),
    prevent_initial_call=True,
)
def update_ranking(values):
    indicator, year, selected, zoom, scheme, k, palette, manual = _view(values)
    data = get_data()
    view = figures.map_view(data, indicator, year,
                            display=figures.display_from_inputs(scheme, k, palette, manual))
    return (charts.ranking_bar(data, view, selected or [], zoom),
            charts.ranking_hint(data, view, zoom))


@callback(
    Output(ids.SCATTER_Y, "value"),
    Output(ids.SCATTER_Y_FOR, "data"),
    shown_tab("scatter", Input(ids.INDICATOR_SETTLED, "data"), part="partner"),
    State(ids.SCATTER_Y, "value"),
    State(ids.SCATTER_Y_FOR, "data"),
    State(ids.YEAR_SETTLED, "data"),
    prevent_initial_call=True,
)
def suggest_scatter_partner(values, current, suggested_for, year):
    """A second indicator for the first (:func:`atlas.analysis.scatter_partner`), chosen once
    per first indicator: a choice the user made for it stays while the tab is shown again."""
    indicator = (values or [None])[0]
    if not indicator:
        raise PreventUpdate
    if suggested_for == indicator and current and current != indicator:
        raise PreventUpdate
    partner = analysis.scatter_partner(get_data(), indicator, year)
    return partner, indicator


@callback(
    Output(ids.SCATTER, "figure"),
    Output(ids.SCATTER_STATS, "children"),
    shown_tab("scatter", Input(ids.INDICATOR_SETTLED, "data"), Input(ids.YEAR_SETTLED, "data"),
              Input(ids.DISTRICTS, "value")),
    Input(ids.SCATTER_Y, "value"),
    Input(ids.SCATTER_SIZE, "value"),
    prevent_initial_call=True,
)
def update_scatter(values, y_indicator, size):
    indicator, year, selected = _view(values)
    data = get_data()
    note = charts.kreis_only_note(data, indicator, "scatter")
    if note:
        return charts.BLANK, note
    if not y_indicator:
        raise PreventUpdate  # the suggestion of a second indicator follows
    try:
        result = analysis.scatter(data, indicator, y_indicator, year)
    except analysis.AnalysisInputError as exc:  # the same indicator on both axes
        return charts.BLANK, str(exc)
    sizes = None
    if size:
        pop_year = min(data.years("bevoelkerung"), key=lambda y: abs(y - result.x_year))
        table = data.table("bevoelkerung", pop_year)
        sizes = dict(zip(table["ags"], table["value"]))
    return charts.scatter_plot(data, result, selected or [], sizes), charts.scatter_summary(result)


@callback(
    Output(ids.PROFILE, "children"),
    shown_tab("profile", Input(ids.DISTRICTS, "value"), Input(ids.LIFE_PHASE, "value"),
              Input(ids.INDICATOR_SETTLED, "data")),
    prevent_initial_call=True,
)
def update_profile(values):
    if not values:
        raise PreventUpdate
    selected, life_phase, indicator = values
    data = get_data()
    level_id, chosen = analysis.profile_choice(data, selected, indicator)
    if not chosen:
        return "Noch kein Gebiet gewählt."
    phase_label = LIFE_PHASES.get(life_phase, "alle Lebensphasen")
    level = data.level_of(level_id)
    if len(chosen) == 1:
        ags = chosen[0]
        kind = level.areas.set_index("ags").loc[ags, "kind"]
        return views.profile_view(level.name(ags) or ags, kind,
                                  analysis.profile(data, ags, life_phase, level=level_id),
                                  phase_label, describe.profile_summary(data, ags, level_id,
                                                                         indicator))
    table = analysis.compare_profiles(data, chosen[: views.MAX_COMPARE], life_phase,
                                      level=level_id)
    return views.comparison_view(table, table.attrs["names"])


@callback(
    Output(ids.CHANGE_FROM, "options"),
    Output(ids.CHANGE_FROM, "value"),
    Output(ids.CHANGE_TO, "options"),
    Output(ids.CHANGE_TO, "value"),
    shown_tab("change", Input(ids.INDICATOR_SETTLED, "data"), part="years"),
    prevent_initial_call=True,
)
def change_years(values):
    indicator = (values or [None])[0]
    if not indicator:
        raise PreventUpdate
    data = get_data()
    years = data.years(indicator)
    if len(years) < 2 or over_time_problem(data.indicator(indicator)):  # nothing to compare
        return [], None, [], None
    options = [{"label": str(y), "value": y} for y in years]
    start = years[-6] if len(years) >= 6 else years[0]
    return options, start, options, years[-1]


for _data_id, _table_id in ((ids.CHANGE_TABLE_DATA, ids.CHANGE_TABLE),
                            (ids.CLUSTER_TABLE_DATA, ids.CLUSTER_TABLE)):
    clientside_callback(views_js("valuesTable"), Output(_table_id, "children"),
                        Input(_data_id, "data"))

#: what the change and cluster tabs show when there is no map: no table, the frame's plain name
NO_TABLE = {"note": "", "head": [], "rows": []}


@callback(
    Output(ids.CHANGE_MAP, "figure"),
    Output(ids.CHANGE_NOTE, "children"),
    Output(ids.CHANGE_TABLE_DATA, "data"),
    Output(ids.CHANGE_FIGURE, "aria-label"),
    shown_tab("change", Input(ids.INDICATOR_SETTLED, "data"), Input(ids.DISTRICTS, "value")),
    Input(ids.CHANGE_FROM, "value"),
    Input(ids.CHANGE_TO, "value"),
    prevent_initial_call=True,
)
def update_change(values, year_from, year_to):
    if not values or not values[0]:
        raise PreventUpdate
    indicator, selected = values
    data = get_data()
    blank = NO_TABLE, "Karte der Veränderung: keine Karte"
    if problem := over_time_problem(data.indicator(indicator)):  # no change of such values
        return charts.BLANK, f"Keine Veränderungskarte: {problem}", *blank
    if year_from is None or year_to is None:
        return (charts.BLANK,
                "Für diesen Indikator gibt es nur ein Jahr: keine Veränderung darstellbar.", *blank)
    if year_from >= year_to:
        return no_update, "Bitte ein Anfangsjahr vor dem Endjahr wählen.", no_update, no_update
    view = figures.change_view(data, indicator, year_from, year_to)
    breaks = "; ".join(f"Bruch {y}: {label}" for y, label in data.breaks(indicator)
                       if year_from < y <= year_to)
    note = " ".join(filter(None, [view.classes.note, breaks and f"Achtung – {breaks}"]))
    table = panels.change_table(data, view, year_from, year_to)
    return (figures.on_screen(figures.choropleth(data, view, selected or [], height=520)), note,
            table, table["label"])


@callback(
    Output(ids.CLUSTER_MAP, "figure"),
    Output(ids.CLUSTER_STATS, "children"),
    Output(ids.CLUSTER_TABLE_DATA, "data"),
    Output(ids.CLUSTER_FIGURE, "aria-label"),
    shown_tab("clusters", Input(ids.INDICATOR_SETTLED, "data"), Input(ids.YEAR_SETTLED, "data"),
              Input(ids.DISTRICTS, "value")),
    prevent_initial_call=True,
)
def update_clusters(values):
    indicator, year, selected = _view(values)
    data = get_data()
    note = charts.kreis_only_note(data, indicator, "clusters")
    if note:
        return charts.BLANK, note, NO_TABLE, "Karte der räumlichen Cluster: keine Karte"
    view, result = figures.cluster_view(data, indicator, year)
    moran = result.moran
    if moran.computed:
        text = (f"Globales Moran's I = {format_number(moran.I, 3)} (Erwartung ohne räumliches "
                f"Muster {format_number(moran.expected, 3)}), Permutations-p = "
                f"{format_number(moran.p_sim, 3)} bei {moran.permutations} Permutationen, "
                f"n = {moran.n} Kreise, Nachbarschaft: gemeinsame Grenze oder Ecke (Queen).")
    else:
        text = result.note
    if result.note and moran.computed:
        text += " " + result.note
    counts = ", ".join(f"{label}: {n}" for label, n in result.counts().items() if n)
    table = panels.cluster_table(data, view, result)
    return (figures.on_screen(figures.choropleth(data, view, selected or [], height=520)),
            f"{text} {counts}", table, table["label"])


@callback(
    Output(ids.PEERS_INDICATORS, "options"),
    Output(ids.PEERS_INDICATORS, "value"),
    Output(ids.PEERS_LEVEL, "data"),
    shown_tab("peers", Input(ids.INDICATOR_SETTLED, "data"), Input(ids.OWN_REVISION, "data"),
              part="choice"),
    State(ids.PEERS_INDICATORS, "value"),
    State(ids.PEERS_LEVEL, "data"),
    prevent_initial_call=True,
)
def peers_choice(values, current, chosen_for):
    """The indicators of the current level to compare: the user's choice while the level stays,
    the level's default set after a change of level (:func:`atlas.composite.peers.indicator_choice`)."""
    indicator = (values or [None])[0]
    if not indicator:
        raise PreventUpdate
    data = get_data()
    level_id = data.level(indicator)
    return (indicator_options(data, data.available_indicators(level=level_id)),
            peers.indicator_choice(data, level_id, current, chosen_for, indicator), level_id)


@callback(
    Output(ids.PEERS_YEARS, "children"),
    Output(ids.PEERS_SIMILAR, "children"),
    Output(ids.PEERS_MAP, "figure"),
    Output(ids.PEERS_TYPES, "children"),
    Output(ids.PEERS_CAVEAT, "children"),
    shown_tab("peers", Input(ids.INDICATOR_SETTLED, "data"), Input(ids.YEAR_SETTLED, "data"),
              Input(ids.DISTRICTS, "value")),
    Input(ids.PEERS_INDICATORS, "value"),
    Input(ids.PEERS_K, "value"),
    Input(ids.PEERS_LEVEL, "data"),
    prevent_initial_call=True,
)
def update_peers(values, chosen, k, chosen_for):
    indicator, year, selected = _view(values)
    data = get_data()
    level_id = data.level(indicator)
    if chosen_for != level_id:
        raise PreventUpdate  # the level's indicators follow (peers_choice)
    view = peers.peers_view(data, level_id, selected or [], chosen or [], k, year)
    types = view.types
    figure = charts.BLANK
    if types is not None:
        figure = figures.on_screen(figures.choropleth(data, figures.types_view(data, types),
                                                      selected or [], height=520))
    return (view.years_text, views.similar_view(view.similar, view.similar_message), figure,
            views.types_view(types, view.types_message or (types.note if types else "")),
            views.caveat(types.caveat if types is not None else ""))


clientside_callback(
    "function(n) { if (n) { window.print(); } return window.dash_clientside.no_update; }",
    Output(ids.PRINT_PROFILE, "title"),
    Input(ids.PRINT_PROFILE, "n_clicks"),
    prevent_initial_call=True,
)
