"""JSON bodies: too deep, malformed or of the wrong shape is a German 400 on every JSON route
(a deeply nested body to /export/handout.pdf answered 500 RecursionError)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from atlas.jsonbody import MAX_DEPTH, depth

JSON_ROUTES = ["/export/handout.pdf", "/_dash-update-component"]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20)


@pytest.fixture(scope="module")
def client(app_module):
    return app_module.server.test_client()


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_depth_counts_without_recursion():
    assert depth(1) == 0 and depth([]) == 1 and depth({"a": [1, {"b": []}]}) == 4
    nested: list = []
    for _ in range(10_000):
        nested = [nested]
    assert depth(nested) > MAX_DEPTH  # stops early, no RecursionError


@pytest.mark.parametrize("route", JSON_ROUTES)
@pytest.mark.parametrize("levels", [MAX_DEPTH + 1, 1_000, 100_000])
def test_deeply_nested_json_is_a_german_400(client, route, levels):
    body = '{"views": ' + "[" * levels + "]" * levels + "}"
    response = client.post(route, data=body, content_type="application/json")
    assert response.status_code == 400
    assert "zu tief verschachtelt" in _text(response)


@pytest.mark.parametrize("route", JSON_ROUTES)
def test_malformed_json_is_a_german_400(client, route):
    response = client.post(route, data="{nicht json", content_type="application/json")
    assert response.status_code == 400 and "kein gültiges JSON" in _text(response)


@pytest.mark.parametrize("body", [{}, [], {"output": "gibt.es_nicht", "outputs": {},
                                          "inputs": []}, {"output": 1}])
def test_no_callback_request_is_a_german_400(client, body):
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 400 and "Callback" in _text(response)


@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(route=st.sampled_from(JSON_ROUTES), body=json_values)
def test_any_json_body_never_gives_5xx(client, route, body):
    response = client.post(route, json=body)
    assert response.status_code < 500, (route, body, _text(response)[:300])


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_real_callback_bodies_with_random_parts_never_give_5xx(client, app_module, data):
    """Bodies of the app's own callbacks with one part replaced by random JSON."""
    callbacks = client.get("/_dash-dependencies").get_json()
    spec = data.draw(st.sampled_from([c for c in callbacks if not c.get("clientside_function")]))
    refs = lambda items: [{"id": i["id"], "property": i["property"], "value": None}  # noqa: E731
                          for i in items]
    outputs = [{"id": p.split(".")[0], "property": p.split(".")[-1]}
               for p in spec["output"].strip(".").split("...")]
    body = {"output": spec["output"], "outputs": outputs if len(outputs) > 1 else outputs[0],
            "inputs": refs(spec["inputs"]), "state": refs(spec["state"]),
            "changedPropIds": []}
    key = data.draw(st.sampled_from(["inputs", "state", "outputs", "changedPropIds", "value"]))
    if key == "value" and body["inputs"]:
        body["inputs"][0]["value"] = data.draw(json_values)
    else:
        body[key] = data.draw(json_values)
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code < 500, (spec["output"], key, _text(response)[:300])


def test_an_empty_list_of_outputs_for_a_plain_output_is_a_german_400(client):
    """Found by the fuzz test above: ``"outputs": []`` for a callback with one plain output
    passed the check and Dash answered 500."""
    callbacks = client.get("/_dash-dependencies").get_json()
    plain = [c for c in callbacks if not c.get("clientside_function")
             and not c["output"].startswith("..") and '["ALL' not in c["output"]
             and not any('["ALL' in i["id"] for i in c["inputs"] + c["state"])]
    assert plain
    for spec in plain:
        refs = [{"id": i["id"], "property": i["property"], "value": None} for i in spec["inputs"]]
        state = [{"id": i["id"], "property": i["property"], "value": None} for i in spec["state"]]
        for outputs in ([], [[]], {"id": "x"}):
            response = client.post("/_dash-update-component", json={
                "output": spec["output"], "outputs": outputs, "inputs": refs, "state": state,
                "changedPropIds": []})
            assert response.status_code == 400, (spec["output"], outputs, response.status_code)
            assert "outputs" in response.get_data(as_text=True)
