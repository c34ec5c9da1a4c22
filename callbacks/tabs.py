"""The tabs of :mod:`layouts.tabs`: a click on a tab shows it, and the buttons and panels follow
the group's store (``assets/tabs.js``, clientside: no request)."""

from __future__ import annotations

from dash import ClientsideFunction, Input, Output, clientside_callback

from atlas.urlstate import VIEW_TABS
from layouts import ids, tabs
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
register(ids.OWN_SECTIONS, OWN_SECTION_TABS)
