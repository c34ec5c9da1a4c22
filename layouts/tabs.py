"""Our own tabs (the WAI-ARIA tabs pattern): a ``tablist`` of buttons with ``role="tab"``,
``aria-selected``, ``aria-controls`` to a real ``tabpanel`` (``aria-labelledby`` its tab) and a
roving tabindex; arrow keys, Home and End move between them (``assets/tabs.js``).

The shown tab is the ``data`` of a :class:`dcc.Store` with the group's id (callbacks read and
write it as the tab's value); :func:`callbacks.tabs.register` keeps the buttons and panels in
step with it. dbc's Tabs were replaced: their tabs were out of the Tab order (tabindex -1),
shared one id and pointed ``aria-controls`` at a panel that did not exist.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from dash import dcc, html
from dash._utils import to_json

#: The property of the group's store that holds the shown tab.
VALUE = "data"


@dataclass(frozen=True)
class Tab:
    """One tab: its content, label and value (``tab_id``, as in the address's ``ansicht``)."""

    children: Any
    label: str
    tab_id: str


def button_id(group: str, tab: str) -> str:
    return f"{group}-tab-{tab}"


def panel_id(group: str, tab: str) -> str:
    return f"{group}-panel-{tab}"


def content_id(group: str, tab: str) -> str:
    """The store holding a lazy tab's content until it is first shown."""
    return f"{group}-content-{tab}"


def as_data(children) -> Any:
    """Components as the plain JSON Dash sends them (a store holds only data)."""
    return json.loads(to_json(children))


def button_class(selected: bool) -> str:
    return "nav-link active" if selected else "nav-link"


def panel_class(selected: bool) -> str:
    return "tab-pane active" if selected else "tab-pane"


def tabs(group: str, items: list[Tab], active: str, label: str,
         className: str = "", lazy: tuple[str, ...] = ()) -> html.Div:
    """The tablist named ``label`` (for screen readers) and the panels of ``items``; the tab
    ``active`` is shown first. ``lazy``: these tabs' panels start empty, their content waits in
    a store (:func:`content_id`) until the tab is first shown (``callbacks/tabs.py``): the page
    renders only what it shows (issue #20: the browser's work grows with every component)."""
    buttons = [
        html.Button(
            item.label, id=button_id(group, item.tab_id), type="button", role="tab",
            tabIndex="0" if item.tab_id == active else "-1",
            className=button_class(item.tab_id == active),
            **{"aria-selected": "true" if item.tab_id == active else "false",
               "aria-controls": panel_id(group, item.tab_id)},
        )
        for item in items
    ]
    waiting = [item for item in items if item.tab_id in lazy and item.tab_id != active]
    panels = [
        html.Div(None if item in waiting else item.children, id=panel_id(group, item.tab_id),
                 role="tabpanel",
                 hidden=item.tab_id != active, className=panel_class(item.tab_id == active),
                 **{"aria-labelledby": button_id(group, item.tab_id)})
        for item in items
    ]
    return html.Div(
        [dcc.Store(id=group, data=active),
         html.Div(buttons, role="tablist", className="nav nav-tabs atlas-tablist",
                  **{"aria-label": label}),
         html.Div(panels, className="atlas-tabpanels"),
         *[dcc.Store(id=content_id(group, item.tab_id), data=as_data(item.children))
           for item in waiting]],
        className=className,
    )


def tab_ids(component) -> list[str]:
    """The tab values of a :func:`tabs` component (in their order)."""
    tablist = component.children[1]
    return [button.id.split("-tab-", 1)[1] for button in tablist.children]
