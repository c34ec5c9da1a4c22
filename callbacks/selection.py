"""Filters, URL and selection: which indicator, year and Kreise are shown."""

from __future__ import annotations

from dash import Input, Output, State, callback, clientside_callback, ctx, no_update
from dash.exceptions import PreventUpdate

from atlas.data import get_data
from atlas.figures import display_from_inputs
from atlas.levels.registry import KREIS
from atlas.urlstate import DEFAULT_TAB, ViewState, breaks_text, parse_state, snap_year, toggle
from atlas.values import ValueParseError, parse_int
from callbacks.common import DISPLAY_INPUTS, shown_tab, views_js
from layouts import ids
from layouts.analysis import AUTO_PALETTE
from layouts.main import district_options, indicator_options, level_options, year_marks, zoom_note

# an address the page wrote itself is no request (no server round trip for it)
clientside_callback(
    views_js("urlGate"),
    Output(ids.URL_SEARCH, "data"),
    Input(ids.URL, "search"),
    State(ids.URL_ECHO, "data"),
)


@callback(
    Output(ids.REQUEST, "data"),
    Output(ids.LIFE_PHASE, "value"),
    Output(ids.AREA, "value"),
    Output(ids.DISTRICTS, "value"),
    Output(ids.ALERT, "children"),
    Output(ids.ALERT, "is_open"),
    Output(ids.SCHEME, "value"),
    Output(ids.CLASSES, "value"),
    Output(ids.PALETTE, "value"),
    Output(ids.MANUAL_BREAKS, "value"),
    Output(ids.TAB_FROM_URL, "data"),
    Output(ids.MODE, "data"),
    Output(ids.LEVEL, "value"),
    Output(ids.ZOOM_KREIS, "value", allow_duplicate=True),
    Output(ids.DISTRICTS, "options", allow_duplicate=True),
    Input(ids.URL_SEARCH, "data"),
    State(ids.URL_ECHO, "data"),
    State(ids.REQUEST, "data"),
    State(ids.INDICATOR, "value"),
    State(ids.YEAR, "value"),
    State(ids.LIFE_PHASE, "value"),
    State(ids.AREA, "value"),
    State(ids.DISTRICTS, "value"),
    *[State(i.component_id, i.component_property) for i in DISPLAY_INPUTS],
    State(ids.TABS, "data"),
    State(ids.MODE, "data"),
    State(ids.LEVEL, "value"),
    State(ids.ZOOM_KREIS, "value"),
    State(ids.TAB_CHOSEN, "data"),
    prevent_initial_call=True,  # the address's search comes by its gate (urlGate)
)
def apply_url(search, echo, request, indicator, year, life_phase, area, selected, scheme, k,
              palette, manual, tab, mode, level, zoom, chosen):
    """Show the view the URL asks for; back/forward and opened links change exactly what they
    name. The URL the page writes itself (assets/presentation.js notes it in ``URL_ECHO``) is no
    request: the page may already be a step further (a key pressed meanwhile). Otherwise only
    what differs from the page is set. The tab goes out with the count of the user's tab
    choices at the time of asking (``TAB_CHOSEN``): the browser shows it only if the user has
    not chosen a tab meanwhile (``assets/tabs.js`` ``fromUrl``)."""
    if search and search == echo:
        raise PreventUpdate
    data = get_data()
    wanted, problems = parse_state(search or "", data)
    changes = view_changes(wanted, current_state(indicator, year, life_phase, area, selected,
                                                  scheme, k, palette, manual, tab, mode, zoom),
                           data)
    if not changes and not problems:
        raise PreventUpdate
    out = {key: no_update for key in OUTPUT_KEYS}
    if "indicator" in changes or "year" in changes:
        out["request"] = {"indicator": wanted.indicator, "year": wanted.year,
                          "n": ((request or {}).get("n") or 0) + 1}
    if "life_phase" in changes:
        out["life_phase"] = wanted.life_phase
    if "area" in changes:
        out["area"] = wanted.area
    wanted_level = data.level(wanted.indicator)
    if "selected" in changes:
        out["selected"] = list(wanted.selected)
    if "selected" in changes or wanted_level != (level or KREIS):
        # with the areas of the link's level on offer (a selection of options not offered
        # would be dropped by the dropdown, and so would a click on an area of the map)
        out["district_options"] = district_options(data, wanted_level)
    if "display" in changes:
        out.update(scheme=wanted.display.scheme, k=wanted.display.k,
                   palette=wanted.display.palette or AUTO_PALETTE,
                   manual=breaks_text(wanted.display.breaks))
    if "tab" in changes:
        out["tab"] = {"tab": wanted.tab, "chosen": chosen or 0}
    if "mode" in changes:
        out["mode"] = wanted.mode
    if wanted_level != (level or KREIS):
        out["level"] = wanted_level
    if "zoom" in changes:
        out["zoom"] = wanted.zoom
    message = " ".join(problems)
    out["alert"], out["alert_open"] = message, bool(message)
    return tuple(out[key] for key in OUTPUT_KEYS)


OUTPUT_KEYS = ("request", "life_phase", "area", "selected", "alert", "alert_open", "scheme", "k",
               "palette", "manual", "tab", "mode", "level", "zoom", "district_options")


def current_state(indicator, year, life_phase, area, selected, scheme, k, palette, manual, tab,
                  mode, zoom=None) -> dict:
    """What the page shows now, in the terms of :class:`atlas.urlstate.ViewState`."""
    try:
        display = display_from_inputs(scheme, k, palette, manual)
    except ValueParseError:
        display = None  # bad manual bounds: differs from every URL
    return {"indicator": indicator, "year": year, "life_phase": life_phase or "alle",
            "area": area or "alle", "selected": tuple(selected or ()), "display": display,
            "tab": tab or DEFAULT_TAB, "mode": mode or "", "zoom": zoom or None}


def view_changes(wanted: ViewState, current: dict, data) -> set[str]:
    """Names of the parts of ``wanted`` the page does not show yet (a missing year means the
    newest)."""
    year = wanted.year if wanted.year is not None else data.latest_year(wanted.indicator)
    target = {"indicator": wanted.indicator, "year": year, "life_phase": wanted.life_phase,
              "area": wanted.area, "selected": tuple(wanted.selected), "display": wanted.display,
              "tab": wanted.tab, "mode": wanted.mode, "zoom": wanted.zoom}
    return {key for key, value in target.items() if current.get(key) != value}


@callback(
    Output(ids.INDICATOR, "options"),
    Output(ids.INDICATOR, "value"),
    Input(ids.LIFE_PHASE, "value"),
    Input(ids.AREA, "value"),
    Input(ids.REQUEST, "data"),
    Input(ids.OWN_REVISION, "data"),
    Input(ids.LEVEL, "value"),
    State(ids.INDICATOR, "value"),
    prevent_initial_call=True,  # the page comes with the first view's list (layout)
)
def update_indicator_list(life_phase, area, request, _own_revision, level, current):
    data = get_data()
    indicators = data.available_indicators(life_phase, area, level=level or "kreis")
    if not indicators:
        return [{"label": "Keine Indikatoren für diese Auswahl", "value": "", "disabled": True}], no_update
    available = [i.id for i in indicators]
    from_request = f"{ids.REQUEST}.data" in ctx.triggered_prop_ids
    wanted = (request or {}).get("indicator") if from_request else current
    value = wanted if wanted in available else (current if current in available else available[0])
    return indicator_options(data, indicators), value


@callback(
    Output(ids.SCATTER_Y, "options"),
    shown_tab("scatter", Input(ids.OWN_REVISION, "data"), part="choices"),
    prevent_initial_call=True,
)
def update_scatter_choices(_own_revision):
    """The second indicator's choice, made anew whenever the tab is shown (its content came
    with the page: own data may have changed since)."""
    data = get_data()
    return indicator_options(data, data.available_indicators())


@callback(
    Output(ids.YEAR, "min"),
    Output(ids.YEAR, "max"),
    Output(ids.YEAR, "marks"),
    Output(ids.YEAR, "value"),
    Output(ids.YEARS, "data"),
    Input(ids.INDICATOR, "value"),
    Input(ids.REQUEST, "data"),
    State(ids.YEAR, "value"),
    prevent_initial_call=True,  # the page comes with the first view's years (layout)
)
def update_years(indicator, request, current):
    """Years of the indicator; the year a URL asks for (none: the newest), else the year shown
    when the new indicator has it, else the newest.

    The slider's value is written only when it must change: ``current`` is the year as the
    request left the page, and the user may have stepped on meanwhile (a filter re-sets the
    indicator, which answers a round trip later); writing ``current`` back would undo that
    step."""
    if not indicator:
        raise PreventUpdate
    years = get_data().years(indicator)
    if not years:
        raise PreventUpdate
    from_request = f"{ids.REQUEST}.data" in ctx.triggered_prop_ids or current is None
    if from_request and (request or {}).get("indicator") in (None, indicator):
        requested = (request or {}).get("year")
        value = requested if requested in years else years[-1]
    else:
        value = current if current in years else years[-1]
    return (years[0], years[-1], year_marks(years), no_update if value == current else value,
            years)


# a year with data is only remembered; a year without (a step onto a gap) is snapped
clientside_callback(
    views_js("yearGate"),
    Output(ids.YEAR_SHOWN, "data"),
    Output(ids.YEAR_GAP, "data"),
    Input(ids.YEAR_SETTLED, "data"),
    State(ids.YEARS, "data"),
    prevent_initial_call=True,
)


@callback(
    Output(ids.YEAR, "value", allow_duplicate=True),
    Output(ids.YEAR_SHOWN, "data", allow_duplicate=True),
    Input(ids.YEAR_GAP, "data"),
    State(ids.INDICATOR, "value"),
    State(ids.YEAR_SHOWN, "data"),
    prevent_initial_call=True,
)
def skip_years_without_data(year, indicator, shown):
    """A step of the slider onto a year without data goes on to the next year with data in the
    same direction."""
    wanted = parse_int(year)
    if wanted is None or not indicator:
        raise PreventUpdate
    target = snap_year(get_data().years(indicator), wanted, shown)
    return (no_update if target == year else target), target


CLICKABLE = [ids.MAP, ids.RANKING, ids.SCATTER, ids.CHANGE_MAP, ids.CLUSTER_MAP]


def click_district(click, selected, indicator, zoom):
    """A click on an area in any map or chart toggles it in the selection. Below the Kreise (a
    Gemeinde, an own area) a click on a map of several Kreise first zooms to the area's Kreis;
    in the zoomed map (or a level within one Kreis) it selects. One callback per graph: the
    graphs of the other tabs come into the page when their tab is first shown."""
    if not click or not click.get("points"):
        raise PreventUpdate
    point = click["points"][0]
    ags = point.get("location") or point.get("customdata")
    if isinstance(ags, list):
        ags = ags[0] if ags else None
    if not ags:
        raise PreventUpdate
    data = get_data()
    level = data.level_of(data.level(indicator)) if indicator else data.level_of(KREIS)
    if level.click_zooms:
        kreis = level.areas.set_index("ags")["kreis"].get(str(ags))
        if kreis and kreis != zoom:
            return no_update, kreis
    return toggle(selected or [], str(ags)), no_update


for _graph in CLICKABLE:
    callback(
        Output(ids.DISTRICTS, "value", allow_duplicate=True),
        Output(ids.ZOOM_KREIS, "value", allow_duplicate=True),
        Input(_graph, "clickData"),
        State(ids.DISTRICTS, "value"),
        State(ids.INDICATOR, "value"),
        State(ids.ZOOM_KREIS, "value"),
        prevent_initial_call=True,
    )(click_district)


@callback(
    Output(ids.ZOOM_BOX, "hidden"),
    Output(ids.ZOOM_KREIS, "value", allow_duplicate=True),
    Output(ids.ZOOM_NOTE, "children"),
    Input(ids.LEVEL, "value"),
    prevent_initial_call=True,
)
def show_zoom(level_id):
    """The Kreis zoom belongs to the levels below the Kreise; leaving them shows all of
    Thuringia again. Entering one keeps the zoom a link may have set with the level."""
    data = get_data()
    level = data.level_of(level_id) if level_id in data.levels else data.level_of(KREIS)
    if level.zoomable:
        return False, no_update, zoom_note(level)
    return True, None, ""


@callback(
    Output(ids.LEVEL, "options"),
    Input(ids.OWN_REVISION, "data"),
    prevent_initial_call=True,
)
def update_level_options(_own_revision):
    """A level added or deleted (here or on another host) appears in or leaves the choice."""
    return level_options(get_data())


@callback(
    Output(ids.DISTRICTS, "options"),
    Input(ids.LEVEL, "value"),
    Input(ids.OWN_REVISION, "data"),
    prevent_initial_call=True,
)
def update_district_options(level_id, _own_revision):
    """The selection offers the areas of the level shown (and the Kreise). Not on loading: the
    layout offers the Kreise, and a link's level comes with its options (:func:`apply_url`);
    a late answer for the Kreise would drop the link's selection."""
    return district_options(get_data(), level_id or KREIS)
