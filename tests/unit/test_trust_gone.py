"""An own indicator deleted while a page shows it is an expected case: every callback of the page
answers with a German hint and the default indicator, and the log has no traceback (there were
11 tracebacks of UnknownIndicator)."""

from __future__ import annotations

import logging

import pytest

from atlas.urlstate import DEFAULT_INDICATOR

GONE = "eigen_geloescht"


@pytest.fixture(scope="module")
def client(app_module):
    return app_module.server.test_client()


def _bodies(client, data):
    """Requests of every server callback that reads the indicator, as the page sends them after
    the indicator was deleted."""
    year = data.latest_year(DEFAULT_INDICATOR)
    values = {"indicator": GONE, "indicator-settled": GONE, "year-settled": year, "year": year,
              "districts": [], "class-scheme": "auto", "class-k": 5,
              "class-palette": "auto", "class-manual-breaks": "", "tabs": "map"}
    for callback in client.get("/_dash-dependencies").get_json():
        refs = callback["inputs"] + callback["state"]
        if callback.get("clientside_function") or not any(
                r["id"] in ("indicator", "indicator-settled") for r in refs):
            continue

        def ref(items):
            return [{"id": i["id"], "property": i["property"], "value": values.get(i["id"])}
                    for i in items]

        outputs = [{"id": p.split(".")[0], "property": p.split(".")[-1]}
                   for p in callback["output"].strip(".").split("...")]
        first = callback["inputs"][0]
        yield callback["output"], {
            "output": callback["output"],
            "outputs": outputs if len(outputs) > 1 else outputs[0],
            "inputs": ref(callback["inputs"]), "state": ref(callback["state"]),
            "changedPropIds": [f"{first['id']}.{first['property']}"]}


def test_a_deleted_indicator_gives_a_hint_and_the_default_not_a_traceback(client, data, caplog):
    caplog.set_level(logging.INFO)
    hinted = 0
    for output, body in _bodies(client, data):
        response = client.post("/_dash-update-component", json=body)
        assert response.status_code in (200, 204), (output, response.status_code)
        if response.status_code == 204:
            continue
        side = (response.get_json() or {}).get("sideUpdate") or {}
        if "alert" in side:
            hinted += 1
            assert f"„{GONE}“ gibt es nicht mehr" in side["alert"]["children"]
            assert side["alert"]["is_open"] is True
            default = data.indicator(DEFAULT_INDICATOR).short_title
            assert f"Gezeigt wird „{default}“" in side["alert"]["children"]
            assert side["indicator"]["value"] == DEFAULT_INDICATOR
            # a new revision of the own data: the page's indicator lists are re-derived
            assert isinstance(side["own-revision"]["data"], int)
    assert hinted >= 5  # map, time series, texts, info, years … each says so
    tracebacks = [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert not tracebacks, [r.getMessage() for r in tracebacks]


def test_other_callback_errors_still_log_their_traceback(app_module, caplog):
    """Only the expected case is quiet: anything else is logged with its traceback."""
    from dash._callback_context import context_value
    from dash._utils import AttributeDict

    token = context_value.set(AttributeDict(updated_props={}))
    try:
        with caplog.at_level(logging.ERROR, logger="atlas"):
            app_module.on_error(RuntimeError("kaputt"))
    finally:
        context_value.reset(token)
    assert any(r.exc_info for r in caplog.records)
