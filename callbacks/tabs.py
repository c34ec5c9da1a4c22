"""The tabs of :mod:`layouts.tabs`: a click on a tab shows it, and the buttons and panels follow
the group's store (``assets/tabs.js``, clientside: no request)."""

from __future__ import annotations

from dash import ClientsideFunction, Input, Output, State, clientside_callback

from atlas.urlstate import VIEW_TABS
from layouts import ids, tabs
from layouts.main import LAZY_VIEW_TABS
from layouts.owndata import OWN_SECTION_TABS


def _js(name: str) -> ClientsideFunction:
    return ClientsideFunction(namespace="tabs", function_name=name)


def register(group: str, tab_ids: tuple[str, ...]) -> None:
    """Clicks → the group's store; the store → each tab's ``aria-selected``, ``tabIndex`` and
    class, each panel's ``hidden`` and class."""
    clientside_callback(
        _js("choose"),
        Output(group, tabs.VALUE, allow_duplicate=True),
        *[Input(tabs.button_id(group, tab), "n_clicks") for tab in tab_ids],
        prevent_initial_call=True,
    )
    clientside_callback(
        _js("show"),
        *[Output(tabs.button_id(group, tab), prop) for tab in tab_ids
          for prop in ("aria-selected", "tabIndex", "className")],
        *[Output(tabs.panel_id(group, tab), prop) for tab in tab_ids
          for prop in ("hidden", "className")],
        Input(group, tabs.VALUE),
    )


register(ids.TABS, VIEW_TABS)

# the user's choices of a view tab are counted; the tab a URL asks for is shown only if there was
# none since it was asked for (a late answer to an address must not undo a click)
clientside_callback(
    _js("count"),
    Output(ids.TAB_CHOSEN, "data"),
    *[Input(tabs.button_id(ids.TABS, tab), "n_clicks") for tab in VIEW_TABS],
    State(ids.TAB_CHOSEN, "data"),
    prevent_initial_call=True,
)
clientside_callback(
    _js("fromUrl"),
    Output(ids.TABS, tabs.VALUE, allow_duplicate=True),
    Input(ids.TAB_FROM_URL, "data"),
    State(ids.TAB_CHOSEN, "data"),
    prevent_initial_call=True,
)
register(ids.OWN_SECTIONS, OWN_SECTION_TABS)

# lazy view tabs get their content when first shown (layouts/tabs.py); TAB_SHOWN follows the
# shown tab once its content is there (the tab gates wait for it)
clientside_callback(
    _js("fill"),
    *[Output(tabs.panel_id(ids.TABS, tab), "children") for tab in LAZY_VIEW_TABS],
    Output(ids.TAB_SHOWN, "data"),
    Input(ids.TABS, tabs.VALUE),
    *[State(tabs.content_id(ids.TABS, tab), "data") for tab in LAZY_VIEW_TABS],
    *[State(tabs.panel_id(ids.TABS, tab), "children") for tab in LAZY_VIEW_TABS],
)
