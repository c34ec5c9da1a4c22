"""Every component a callback names is in the page's layout. Dash would check this in the
browser with a copy of the whole layout sent in every page (≈ 200 KB, ``validation_layout``); the
atlas checks it here instead, once, and sends pages without that copy (issue #20)."""

from __future__ import annotations

import json
import re

from dash.development.base_component import Component


def _ids(component) -> tuple[set[str], set[str]]:
    """String ids, and the ``type`` of the dict ids, of a layout."""
    plain, typed = set(), set()
    for item in [component, *component._traverse()] if isinstance(component, Component) else []:
        if not isinstance(item, Component):
            continue
        cid = getattr(item, "id", None)
        if isinstance(cid, dict):
            typed.add(cid.get("type"))
        elif cid is not None:
            plain.add(cid)
    return plain, typed


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
