"""Small helpers shared by the callback modules."""

from __future__ import annotations

from functools import cache

from dash import ClientsideFunction, Input, Output, clientside_callback
from dash.exceptions import PreventUpdate

from atlas.data import get_data
from layouts import ids

#: The map display options (classification, classes, palette, manual bounds), in this order.
DISPLAY_INPUTS = [Input(ids.SCHEME, "value"), Input(ids.CLASSES, "value"),
                  Input(ids.PALETTE, "value"), Input(ids.MANUAL_BREAKS, "value")]


def page_actor() -> str:
    """Who changes data through the page, for the audit trail (:mod:`atlas.store`): the
    logged-in user's name (the write guard refuses a change without one)."""
    from atlas.auth import current_user_name

    return current_user_name() or "seite"


def upload_sha256(contents: str | None) -> str:
    """SHA-256 (hex) of an upload's bytes (a ``data:…;base64,`` string), "" when unreadable."""
    import base64
    import binascii
    import hashlib

    try:
        raw = base64.b64decode(str(contents or "").split(",", 1)[-1], validate=True)
    except (binascii.Error, ValueError):
        return ""
    return hashlib.sha256(raw).hexdigest()


def require_view(indicator, year) -> None:
    """Stop the update while indicator and year do not yet fit together (e.g. mid-switch)."""
    if not indicator or year is None or year not in get_data().years(indicator):
        raise PreventUpdate


def views_js(name: str) -> ClientsideFunction:
    """A clientside function of ``assets/views.js`` (the views that follow the year in the
    browser, and the gates that spare the server requests nobody would see)."""
    return ClientsideFunction(namespace="views", function_name=name)


def shown_tab(tab: str, *inputs: Input, part: str = "") -> Input:
    """The inputs of a tab's view, passed on by a clientside gate only while ``tab`` is shown
    (``assets/views.js``: ``tabGate``; ``TAB_SHOWN``: the tab, once its content is in the
    page), so hidden tabs cost no request; the returned Input gives
    the server callback the list of their values. Its callbacks take ``prevent_initial_call``:
    at the page's start the gate passes nothing on unless the tab is shown (then it fires them)."""
    store = ids.tab_view(tab, part)
    clientside_callback(views_js("tabGate"), Output(store, "data"), Input(ids.TAB_SHOWN, "data"),
                        *inputs)
    return Input(store, "data")


@cache
def own_tab_revision() -> Input:
    """The revision of the own data, passed on while the tab „Eigene Daten“ is shown: its lists
    and choices are made when the tab is opened (and after every change while it is shown),
    not with every page load."""
    return shown_tab("own", Input(ids.OWN_REVISION, "data"), part="revision")
