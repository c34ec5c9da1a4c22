"""Every component a callback names is in the page's layout. Dash would check this in the
browser with a copy of the whole layout sent in every page (≈ 200 KB, ``validation_layout``); the
atlas checks it here instead, once, and sends pages without that copy (issue #20)."""

from __future__ import annotations

import json
import re

from dash.development.base_component import Component


def _ids(component) -> tuple[set[str], set[str]]:
    """String ids, and the ``type`` of the dict ids, of a layout, the content of its lazy tabs
    included."""
    plain, typed = set(), set()
    for cid in _plain_ids(component) + [i for ids in _lazy_ids(component).values() for i in ids]:
        if isinstance(cid, dict):
            typed.add(cid.get("type"))
        elif cid is not None:
            plain.add(cid)
    return plain, typed


def _plain_ids(component) -> list:
    """The ids of the components of a layout (not those waiting in a lazy tab's store)."""
    return [getattr(item, "id", None)
            for item in ([component, *component._traverse()] if isinstance(component, Component)
                         else []) if isinstance(item, Component)]


def _lazy_ids(component) -> dict[str, list]:
    """{tab: ids of the components of its content}, for the tabs whose content waits in a store
    until they are first shown (layouts/tabs.py lazy)."""
    from layouts import ids, tabs

    found: dict[str, list] = {}

    def walk(node, into: list) -> None:
        if isinstance(node, dict):
            if "props" in node and "type" in node and "id" in node["props"]:
                into.append(node["props"]["id"])
            for value in node.values():
                walk(value, into)
        elif isinstance(node, list):
            for value in node:
                walk(value, into)

    for item in component._traverse():
        cid = getattr(item, "id", None)
        if isinstance(cid, str) and cid.startswith(f"{ids.TABS}-content-"):
            tab = cid.removeprefix(tabs.content_id(ids.TABS, ""))
            walk(item.data, found.setdefault(tab, []))
    return found


def _named(callback: dict) -> list:
    outputs = [part.rsplit(".", 1)[0] for part in
               re.split(r"\.\.\.", callback["output"].strip("."))] if callback["output"] else []
    named = outputs + [dep["id"] for dep in callback["inputs"] + callback["state"]]
    return [json.loads(n) if isinstance(n, str) and n.startswith("{") else n for n in named]


def test_every_id_a_callback_names_is_in_the_layout(app_module, data):
    from layouts.main import layout

    plain, typed = _ids(layout(data))
    missing = set()
    for callback in app_module.app._callback_list:
        for cid in _named(callback):
            if isinstance(cid, dict):
                # a pattern: the tab gates' stores are in the layout; rows made by callbacks
                # (Sitzungsfolge, forms) are not, their type is named by the layout's code
                if cid.get("type") == "tab-view":
                    assert cid in [c for c in _all_dict_ids(layout(data))], cid
                continue
            if cid not in plain:
                missing.add(cid)
    assert not missing, sorted(missing)
    assert typed  # the traversal saw the dict ids too


def _all_dict_ids(component) -> list[dict]:
    return [item.id for item in component._traverse()
            if isinstance(item, Component) and isinstance(getattr(item, "id", None), dict)]


def test_no_callback_waits_for_a_tab_that_is_not_there(app_module, data):
    """A callback with an input in a lazy tab's content (not in the page until the tab is
    first shown) and another input elsewhere would fail in the browser ("A nonexistent object
    was used in an Input") whenever the other input changes first: every callback's inputs lie
    in one tab's content, or outside all of them (a tab's gate store counts as its tab: it
    changes only while the tab is shown)."""
    from layouts.main import layout

    page = layout(data)
    lazy = _lazy_ids(page)
    assert {"ranking", "scatter", "datenstand"} <= set(lazy)
    place = {json.dumps(cid, sort_keys=True) if isinstance(cid, dict) else cid: tab
             for tab, found in lazy.items() for cid in found}
    patterns = {cid["type"]: tab for tab, found in lazy.items() for cid in found
                if isinstance(cid, dict)}

    def where(cid) -> tuple[str, bool]:
        """(the tab whose content holds it, or "page"; whether it is a tab's gate store)"""
        if isinstance(cid, dict):
            if cid.get("type") == "tab-view":
                return cid["tab"], True
            return patterns.get(cid.get("type"), "page"), False
        return place.get(cid, "page"), False

    mixed = {}
    for callback in app_module.app._callback_list:
        inputs = [where(json.loads(i["id"]) if i["id"].startswith("{") else i["id"])
                  for i in callback["inputs"]]
        inside = {tab for tab, gate in inputs if not gate and tab != "page"}
        elsewhere = {tab for tab, gate in inputs if gate or tab == "page"} - inside
        if inside and (len(inside) > 1 or elsewhere):
            mixed[callback["output"][:80]] = sorted(inside | elsewhere)
    assert not mixed, mixed


def test_pages_do_not_carry_a_copy_of_the_layout(app_module):
    page = app_module.server.test_client().get("/").get_data(as_text=True)
    config = json.loads(re.search(r'<script id="_dash-config" type="application/json">(.*?)'
                                  r"</script>", page, re.S).group(1))
    assert "validation_layout" not in config
    assert len(page) < 100_000


def test_the_page_names_the_late_scripts_early(app_module):
    """plotly.js and Dash's chunks are fetched beside the page's scripts (preload), and every
    preloaded address is one the server answers."""
    client = app_module.server.test_client()
    page = client.get("/").get_data(as_text=True)
    head = page.split("</head>")[0]
    preloaded = re.findall(r'<link rel="preload" as="script" href="([^"]+)">', head)
    assert any(url.endswith("plotly.min.js") for url in preloaded)
    for url in preloaded:
        assert client.get(url).status_code == 200, url
