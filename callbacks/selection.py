"""Filters, URL and selection: which indicator, year and Kreise are shown."""

from __future__ import annotations

from dash import Input, Output, State, callback, ctx, no_update
from dash.exceptions import PreventUpdate

from atlas.data import get_data
from atlas.urlstate import parse_view, snap_year, toggle
from layouts import ids
from layouts.main import indicator_options, year_marks


@callback(
    Output(ids.REQUEST, "data"),
    Output(ids.LIFE_PHASE, "value"),
    Output(ids.AREA, "value"),
    Output(ids.DISTRICTS, "value"),
    Output(ids.ALERT, "children"),
    Output(ids.ALERT, "is_open"),
    Input(ids.URL, "search"),
)
def apply_url(search):
    request = parse_view(search or "", get_data())
    message = " ".join(request.problems)
    return (
        {"indicator": request.indicator, "year": request.year},
        request.life_phase,
        request.area,
        list(request.selected),
        message,
        bool(message),
    )


@callback(
    Output(ids.INDICATOR, "options"),
    Output(ids.INDICATOR, "value"),
    Input(ids.LIFE_PHASE, "value"),
    Input(ids.AREA, "value"),
    Input(ids.REQUEST, "data"),
    Input(ids.OWN_REVISION, "data"),
    State(ids.INDICATOR, "value"),
)
def update_indicator_list(life_phase, area, request, _own_revision, current):
    data = get_data()
    indicators = data.available_indicators(life_phase, area)
    if not indicators:
        return [{"label": "Keine Indikatoren für diese Auswahl", "value": "", "disabled": True}], no_update
    available = [i.id for i in indicators]
    from_request = f"{ids.REQUEST}.data" in ctx.triggered_prop_ids
    wanted = (request or {}).get("indicator") if from_request else current
    value = wanted if wanted in available else (current if current in available else available[0])
    return indicator_options(data, indicators), value


@callback(
    Output(ids.SCATTER_Y, "options"),
    Input(ids.OWN_REVISION, "data"),
    prevent_initial_call=True,
)
def update_scatter_choices(_own_revision):
    data = get_data()
    return indicator_options(data, data.available_indicators())


@callback(
    Output(ids.YEAR, "min"),
    Output(ids.YEAR, "max"),
    Output(ids.YEAR, "marks"),
    Output(ids.YEAR, "value"),
    Input(ids.INDICATOR, "value"),
    State(ids.YEAR, "value"),
    State(ids.REQUEST, "data"),
)
def update_years(indicator, current, request):
    if not indicator:
        raise PreventUpdate
    years = get_data().years(indicator)
    requested = (request or {}).get("year") if current is None else current
    value = requested if requested in years else years[-1]
    return years[0], years[-1], year_marks(years), value


@callback(
    Output(ids.YEAR, "value", allow_duplicate=True),
    Output(ids.YEAR_SHOWN, "data"),
    Input(ids.YEAR, "value"),
    State(ids.INDICATOR, "value"),
    State(ids.YEAR_SHOWN, "data"),
    prevent_initial_call=True,
)
def skip_years_without_data(year, indicator, shown):
    if year is None or not indicator:
        raise PreventUpdate
    target = snap_year(get_data().years(indicator), int(year), shown)
    return (no_update if target == year else target), target


CLICKABLE = [ids.MAP, ids.RANKING, ids.SCATTER, ids.CHANGE_MAP, ids.CLUSTER_MAP]


@callback(
    Output(ids.DISTRICTS, "value", allow_duplicate=True),
    *[Input(graph, "clickData") for graph in CLICKABLE],
    State(ids.DISTRICTS, "value"),
    prevent_initial_call=True,
)
def click_district(*args):
    """A click on a district in any map or chart toggles it in the selection."""
    selected = args[-1]
    click = dict(zip(CLICKABLE, args[:-1])).get(ctx.triggered_id)
    if not click or not click.get("points"):
        raise PreventUpdate
    point = click["points"][0]
    ags = point.get("location") or point.get("customdata")
    if isinstance(ags, list):
        ags = ags[0] if ags else None
    if not ags:
        raise PreventUpdate
    return toggle(selected or [], ags)
