"""Every route the app registers answers a valid request without a server error.

``EXAMPLES`` holds one or more valid requests per Flask rule; a rule without an example fails
the coverage test, so a new route cannot go out untried (the template downloads answered 500
because no test ever fetched them)."""

from __future__ import annotations

import json
import re

import pytest

#: Flask rule → example requests ``(method, url, json body or None, expected status)``.
#: ``{latest}`` is replaced by the newest year of sgb2_quote, ``{suite}`` by a script of the
#: page, ``{update}`` marks the Dash callback request built from /_dash-dependencies.
EXAMPLES: dict[str, list[tuple[str, str, object, int]]] = {
    # Flask's own static folder: the app has none, so a miss must be a clean 404
    "/static/<path:filename>": [("GET", "/static/keine-datei.txt", None, 404)],
    "/assets/<path:filename>": [("GET", "/assets/atlas.css", None, 200),
                                ("GET", "/assets/views.js", None, 200)],
    "/_dash-component-suites/<string:package_name>/<path:fingerprinted_path>": [
        ("GET", "{suite}", None, 200),
        ("GET", "/_dash-component-suites/gibtsnicht/x.js", None, 404),
        ("GET", "/_dash-component-suites/dash/../../app.py", None, 404)],
    "/_dash-layout": [("GET", "/_dash-layout", None, 200)],
    "/_dash-dependencies": [("GET", "/_dash-dependencies", None, 200)],
    "/_dash-update-component": [("POST", "{update}", None, 200)],
    "/_reload-hash": [("GET", "/_reload-hash", None, 200)],
    "/_favicon.ico": [("GET", "/_favicon.ico", None, 200)],
    "/": [("GET", "/", None, 200), ("GET", "/?indicator=kinderarmut&year={latest}", None, 200)],
    "/<path:path>": [("GET", "/irgendeine/seite", None, 200)],
    "/robots.txt": [("GET", "/robots.txt", None, 200)],
    "/barrierefreiheit": [("GET", "/barrierefreiheit", None, 200)],
    "/vendor/bootstrap/bootstrap.min.css": [
        ("GET", "/vendor/bootstrap/bootstrap.min.css", None, 200)],
    "/api/indicators": [("GET", "/api/indicators", None, 200)],
    "/api/levels": [("GET", "/api/levels", None, 200)],
    "/api/coverage": [("GET", "/api/coverage", None, 200),
                      ("GET", "/api/coverage?bereich=wohnen&ebene=kreis", None, 200),
                      ("GET", "/api/coverage?bereich=nirgendwo", None, 400)],
    # a 200 needs a saved index: tests/unit/test_formula_cli_api.py
    "/api/index/<indicator_id>": [("GET", "/api/index/sgb2_quote", None, 404),
                                  ("GET", "/api/index/sgb2_quote?year=x", None, 400)],
    "/api/values": [("GET", "/api/values?indicator=sgb2_quote", None, 200),
                    ("GET", "/api/values?indicator=sgb2_quote&year={latest}", None, 200)],
    "/vorlage/eigene-daten.csv": [("GET", "/vorlage/eigene-daten.csv", None, 200)],
    "/vorlage/eigene-daten.xlsx": [("GET", "/vorlage/eigene-daten.xlsx", None, 200)],
    # plotly.js for the graphs: the partial bundle, or the full one where it is not built
    "/_dash-component-suites/plotly/package_data/plotly.min.js": [
        ("GET", "/_dash-component-suites/plotly/package_data/plotly.min.js", None, 200)],
    "/geo/<name>.geojson": [("GET", "/geo/kreise.geojson", None, 200),
                            ("GET", "/geo/gemeinden.geojson", None, 200)],
    "/export/map.<ext>": [
        ("GET", "/export/map.svg?indicator=sgb2_quote&year={latest}&kreise=16052&klassen=4",
         None, 200)],
    "/export/chart/<kind>.<ext>": [
        ("GET", "/export/chart/ranking.svg?indicator=sgb2_quote", None, 200),
        ("GET", "/export/chart/timeseries.svg?indicator=sgb2_quote&kreise=16052", None, 200),
        ("GET", "/export/chart/scatter.svg?x=sgb2_quote&y=kinderarmut", None, 200)],
    "/export/profil.<ext>": [("GET", "/export/profil.pdf?kreis=16052", None, 200),
                             ("GET", "/export/profil.docx?kreis=16052", None, 200)],
    "/export/baustein.<ext>": [
        ("GET", "/export/baustein.docx?indicator=sgb2_quote&year={latest}&kreise=16052", None,
         200), ("GET", "/export/baustein.odt?indicator=sgb2_quote", None, 404)],
    "/export/data.<ext>": [("GET", "/export/data.csv?indicator=sgb2_quote", None, 200),
                           ("GET", "/export/data.xlsx?indicator=sgb2_quote&year={latest}",
                            None, 200)],
    # without the form's CSRF token: the login form again (400), the logout refused (403)
    "/anmelden": [("GET", "/anmelden", None, 200), ("POST", "/anmelden", None, 400)],
    "/abmelden": [("POST", "/abmelden", None, 403)],
    # the pages for redaktion and admin refuse a visitor (German 403)
    "/protokoll": [("GET", "/protokoll?seit=2026-12-01", None, 403)],
    "/protokoll.csv": [("GET", "/protokoll.csv", None, 403)],
    "/benutzer": [("GET", "/benutzer", None, 403), ("POST", "/benutzer", None, 403)],
    # OpenID Connect not configured here: a German 404 (tests/unit/test_rights_oidc.py: with it)
    "/anmelden/oidc": [("GET", "/anmelden/oidc", None, 404)],
    "/anmelden/oidc/zurueck": [("GET", "/anmelden/oidc/zurueck?code=x&state=y", None, 404)],
    "/export/handout.pdf": [
        ("POST", "/export/handout.pdf",
         {"views": [{"name": "Ansicht", "query": "indicator=sgb2_quote&year={latest}"}]}, 200)],
    "/export/sitzung.pptx": [
        ("POST", "/export/sitzung.pptx",
         {"views": [{"name": "Ansicht", "query": "indicator=sgb2_quote&year={latest}"}]}, 200)],
}


@pytest.fixture(scope="module")
def client(app_module):
    return app_module.server.test_client()


def _rules(app_module) -> dict[str, set[str]]:
    rules: dict[str, set[str]] = {}
    for rule in app_module.server.url_map.iter_rules():
        rules.setdefault(rule.rule, set()).update(rule.methods - {"HEAD", "OPTIONS"})
    return rules


def test_every_registered_route_has_an_example(app_module):
    rules = _rules(app_module)
    missing = sorted(set(rules) - set(EXAMPLES))
    assert not missing, f"Routen ohne Beispielanfrage in EXAMPLES: {missing}"
    gone = sorted(set(EXAMPLES) - set(rules))
    assert not gone, f"Beispiele für Routen, die es nicht gibt: {gone}"
    for rule, methods in rules.items():
        tried = {method for method, *_ in EXAMPLES[rule]}
        assert methods <= tried, f"{rule}: keine Beispielanfrage für {methods - tried}"


def _dash_update_body(client, data) -> dict:
    """A real callback request: the texts of the page for an indicator and its newest year."""
    deps = client.get("/_dash-dependencies").get_json()
    callback = next(c for c in deps if "heading.children" in c["output"])
    values = {"indicator-settled": "sgb2_quote", "year-settled": data.latest_year("sgb2_quote")}
    inputs = [{"id": i["id"], "property": i["property"], "value": values.get(i["id"])}
              for i in callback["inputs"]]
    outputs = [{"id": part.split(".")[0], "property": part.split(".")[1]}
               for part in callback["output"].strip(".").split("...")]
    return {"output": callback["output"], "outputs": outputs, "inputs": inputs,
            "changedPropIds": [f"{i['id']}.{i['property']}" for i in inputs], "state": []}


def _expand(example, client, data):
    method, url, body, status = example
    latest = str(data.latest_year("sgb2_quote"))
    if url == "{suite}":
        page = client.get("/").get_data(as_text=True)
        url = re.search(r'src="(/_dash-component-suites/[^"]+)"', page).group(1)
    elif url == "{update}":
        url, body = "/_dash-update-component", _dash_update_body(client, data)
    url = url.replace("{latest}", latest)
    if body is not None:
        body = json.loads(json.dumps(body).replace("{latest}", latest))
    return method, url, body, status


@pytest.mark.parametrize("rule", sorted(EXAMPLES))
def test_every_route_answers_its_example(client, data, rule):
    for example in EXAMPLES[rule]:
        method, url, body, status = _expand(example, client, data)
        response = client.open(url, method=method, json=body)
        assert response.status_code < 500, (url, response.status_code,
                                            response.get_data(as_text=True)[:300])
        assert response.status_code == status, (url, response.status_code,
                                                response.get_data(as_text=True)[:300])
        if status == 200 and method == "GET":
            assert response.get_data(), url


def test_robots_txt_is_a_robots_file_not_the_page(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    text = response.get_data(as_text=True)
    assert text.startswith("User-agent: *") and "<html" not in text
    assert "Disallow: /export/" in text.splitlines()
