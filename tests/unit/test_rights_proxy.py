"""Login by a trusted reverse proxy's header (issue #17, second step): off unless configured;
then only from the proxy's own address (the real peer), with the role from a second header or
from the atlas account; the CSRF token still needed for every change.

Tested for real: the atlas under gunicorn behind nginx (Basic authentication in nginx sets
``X-Remote-User`` and ``X-Remote-Groups``, connecting from its own loopback address 127.0.0.2):
via nginx the redaktion user imports (the Dash callback answers 200, the store has the
indicator); directly to gunicorn with a forged header the same request is refused (403) and
nothing changes."""

from __future__ import annotations

import base64
import json
import logging
import re

import pytest
import requests
from flask import Flask

from atlas.auth import accounts, current_role, current_user_name
from atlas.auth import web as auth_web
from atlas.auth.identity import AuthConfigError
from atlas.auth.proxy import HEADER_ENV, PROXIES_ENV, ROLE_HEADER_ENV, ROLES_ENV, ProxyConfig
from atlas.store import Store
from layouts import ids
from tests.live_servers import free_port, gunicorn, nginx, nginx_binary

PASSWORD = "richtig-langes-passwort"
PROXY = "127.0.0.2"
PROXY_ENV = {HEADER_ENV: "X-Remote-User", PROXIES_ENV: f"{PROXY},10.0.0.0/24"}


@pytest.fixture
def store(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'eigene_daten.sqlite'}")
    accounts.add_user(store, "mueller", "redaktion", PASSWORD)
    yield store
    store.dispose()


def small_app(store: Store, monkeypatch, env: dict[str, str] | None) -> Flask:
    """A Flask app with the accounts installed as app.py does, configured by ``env``."""
    for name in (HEADER_ENV, PROXIES_ENV, ROLE_HEADER_ENV, ROLES_ENV):
        monkeypatch.delenv(name, raising=False)
    for name, value in (env or {}).items():
        monkeypatch.setenv(name, value)
    app = Flask(f"proxy-{id(store)}-{len(env or {})}")
    auth_web.install(app, store)
    app.get("/wer")(lambda: f"{current_user_name()}|{current_role()}")
    return app


def who(app: Flask, peer: str, headers: dict[str, str]) -> str:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = peer
    return client.get("/wer", headers=headers).text


# ---------------------------------------------------------------------- configuration


def test_without_the_settings_the_headers_do_nothing(store, monkeypatch):
    app = small_app(store, monkeypatch, None)
    for peer in ("127.0.0.1", PROXY):
        assert who(app, peer, {"X-Remote-User": "mueller", "X-Remote-Groups": "admin",
                               "X-Forwarded-User": "mueller", "Remote-User": "mueller"}) \
            == "|besucher"


def test_the_header_from_the_proxy_logs_the_account_in(store, monkeypatch):
    app = small_app(store, monkeypatch, PROXY_ENV)
    assert who(app, PROXY, {"X-Remote-User": "Mueller "}) == "mueller|redaktion"
    assert who(app, "10.0.0.17", {"X-Remote-User": "mueller"}) == "mueller|redaktion"
    assert who(app, f"::ffff:{PROXY}", {"X-Remote-User": "mueller"}) == "mueller|redaktion"
    # a name the proxy vouches for without an atlas account: a visitor with a name
    assert who(app, PROXY, {"X-Remote-User": "m.schulze@kreis.example"}) \
        == "m.schulze@kreis.example|besucher"
    assert who(app, PROXY, {}) == "|besucher"  # no header: nobody (or the session's user)


def test_the_header_from_any_other_peer_is_ignored_and_logged(store, monkeypatch, caplog):
    app = small_app(store, monkeypatch, PROXY_ENV)
    with caplog.at_level(logging.WARNING, logger="atlas.auth"):
        for peer in ("127.0.0.1", "10.0.1.5", "192.0.2.1"):
            assert who(app, peer, {"X-Remote-User": "mueller"}) == "|besucher"
            assert f"X-Remote-User von {peer} ignoriert" in caplog.text


def test_the_role_header_maps_groups_to_roles(store, monkeypatch):
    app = small_app(store, monkeypatch, {
        **PROXY_ENV, ROLE_HEADER_ENV: "X-Remote-Groups",
        ROLES_ENV: "cn=atlas-redaktion:redaktion, cn=atlas-admin:admin"})
    user = {"X-Remote-User": "schulze"}
    assert who(app, PROXY, {**user, "X-Remote-Groups": "cn=atlas-redaktion"}) \
        == "schulze|redaktion"
    assert who(app, PROXY, {**user, "X-Remote-Groups": "cn=atlas-redaktion;cn=atlas-admin"}) \
        == "schulze|admin"
    assert who(app, PROXY, {**user, "X-Remote-Groups": "cn=andere, admin"}) == "schulze|besucher"
    # with a role header, the proxy's word counts, not the account's
    assert who(app, PROXY, {"X-Remote-User": "mueller"}) == "mueller|besucher"


@pytest.mark.parametrize("env, message", [
    ({HEADER_ENV: "X-Remote-User"}, "ATLAS_TRUSTED_PROXIES aber nicht"),
    ({HEADER_ENV: "X-Remote-User", PROXIES_ENV: "proxy.example"}, "keine IP-Adresse"),
    ({HEADER_ENV: "X Remote User", PROXIES_ENV: "127.0.0.1"}, "kein gültiger Name"),
    ({ROLE_HEADER_ENV: "X-Remote-Groups"}, "ATLAS_TRUSTED_PROXY_HEADER aber nicht"),
    ({**PROXY_ENV, ROLES_ENV: "atlas-redaktion:chef"}, "GRUPPE:ROLLE"),
])
def test_a_half_or_wrong_setting_stops_the_start_with_a_german_message(env, message):
    with pytest.raises(AuthConfigError, match=message):
        ProxyConfig.from_env(env)


def _login_from(app: Flask, peer: str, forwarded: str | None, password: str) -> int:
    import re

    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = peer
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    page = client.get("/anmelden", headers=headers).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    return client.post("/anmelden", headers=headers, data={
        "name": "mueller", "passwort": password, "csrf_token": token}).status_code


def test_behind_the_proxy_the_rate_limit_counts_each_forwarded_client(store, monkeypatch):
    """Every login arrives from the proxy's address: the limit counts the client the proxy
    names in X-Forwarded-For (one client's failures do not lock out the others); the header is
    believed only from the proxy, and only the address the proxy itself added."""
    app = small_app(store, monkeypatch, {PROXIES_ENV: PROXY})
    for _ in range(5):
        assert _login_from(app, PROXY, "198.51.100.1", "falsch-falsch") == 401
    assert _login_from(app, PROXY, "198.51.100.1", PASSWORD) == 429
    assert _login_from(app, PROXY, "198.51.100.2", PASSWORD) == 303
    # a client writing the blocked address itself: the proxy appends the real one
    assert _login_from(app, PROXY, "198.51.100.1, 203.0.113.66", PASSWORD) == 303
    # directly, past the proxy, X-Forwarded-For is ignored: the peer counts
    for _ in range(5):
        assert _login_from(app, "192.0.2.9", "198.51.100.3", "falsch-falsch") == 401
    assert _login_from(app, PROXY, "198.51.100.3", PASSWORD) == 303
    assert _login_from(app, "192.0.2.9", "198.51.100.4", PASSWORD) == 429


def test_csrf_still_applies_to_a_header_user(app_module, monkeypatch):
    """A user the proxy vouches for needs the page's token for a change, like everyone."""
    from atlas.data import own_store

    monkeypatch.setitem(app_module.server.extensions, "atlas_proxy",
                        ProxyConfig.from_env(PROXY_ENV))
    accounts.add_user(own_store(), "proxy_redaktion", "redaktion", PASSWORD,
                      replace_existing=True)
    try:
        client = app_module.server.test_client()
        client.environ_base["REMOTE_ADDR"] = PROXY
        headers = {"X-Remote-User": "proxy_redaktion"}
        assert client.get("/", headers=headers).status_code == 200
        body = delete_body(client.get("/_dash-dependencies").get_json(), "gibt_es_nicht")
        refused = client.post("/_dash-update-component", json=body, headers=headers)
        assert refused.status_code == 403 and "CSRF" in refused.get_json()["message"]
        token = client.get_cookie("_csrf_token").value
        allowed = client.post("/_dash-update-component", json=body,
                              headers={**headers, "X-CSRFToken": token})
        assert allowed.status_code == 200  # the callback ran (and says the id is unknown)
    finally:
        own_store().remove_user("proxy_redaktion")


# ---------------------------------------------------------------------- the Dash requests


def _outputs(callback: dict):
    parts = callback["output"].strip(".").split("...")
    outputs = [{"id": p.rsplit(".", 1)[0], "property": p.rsplit(".", 1)[1]} for p in parts]
    return outputs if len(outputs) > 1 else outputs[0]


def callback_body(dependencies: list[dict], first_input: str, values: dict) -> dict:
    """The request the page sends for the callback triggered by ``first_input`` (found from
    /_dash-dependencies), with ``values`` by "id.property" or by component id."""
    callback = next(c for c in dependencies if c["inputs"][0]["id"] == first_input)

    def ref(items):
        return [{"id": i["id"], "property": i["property"],
                 "value": values.get(f"{i['id']}.{i['property']}", values.get(i["id"]))}
                for i in items]

    return {"output": callback["output"], "outputs": _outputs(callback),
            "inputs": ref(callback["inputs"]), "state": ref(callback["state"]),
            "changedPropIds": [f"{first_input}.{callback['inputs'][0]['property']}"]}


def delete_body(dependencies: list[dict], indicator_id: str) -> dict:
    return callback_body(dependencies, ids.OWN_DELETE,
                         {ids.OWN_DELETE: 1, ids.OWN_DELETE_CHOICE: indicator_id,
                          ids.OWN_REVISION: 0})


def import_body(dependencies: list[dict], kreise: list[str], indicator_id: str) -> dict:
    """The "Importieren" click of the Eigene-Daten form for a small table of Kreise."""
    table = "ags;jahr;indikator;wert;einheit;quelle\n" + "".join(
        f"{key};2023;kita;{10 + n},5;%;Jugendamt\n" for n, key in enumerate(kreise))
    contents = "data:text/csv;base64," + base64.b64encode(table.encode()).decode()
    return callback_body(dependencies, ids.OWN_CONFIRM, {
        ids.OWN_CONFIRM: 1, ids.OWN_UPLOAD: contents, ids.OWN_SERIES: "kita",
        ids.OWN_LEVEL: None, ids.OWN_ID: indicator_id, ids.OWN_TITLE: "Kita-Quote (Proxy)",
        ids.OWN_UNIT: "%", ids.OWN_DECIMALS: 1, ids.OWN_KIND: "rate", ids.OWN_AREA: "demografie",
        ids.OWN_PHASES: ["kindheit"], ids.OWN_POLARITY: "neutral", ids.OWN_SOURCE: "Jugendamt",
        ids.OWN_LICENCE: "", ids.OWN_DEFINITION: "", ids.OWN_REVISION: 0,
        f"{ids.OWN_UPLOAD}.filename": "kita.csv",
    })


# ---------------------------------------------------------------------- for real


def test_behind_nginx_the_header_user_imports_and_a_forged_header_is_refused(
        built_dir, data, tmp_path):
    nginx_binary()  # skipped with the reason where nginx is missing
    url = f"sqlite:///{tmp_path / 'eigene.sqlite'}"
    store = Store(url)
    store.dispose()
    folder = tmp_path / "nginx"
    folder.mkdir()
    (folder / "htpasswd").write_text(f"redakteurin:{{PLAIN}}{PASSWORD}\n"
                                     f"leserin:{{PLAIN}}{PASSWORD}\n")
    env = {**PROXY_ENV, PROXIES_ENV: PROXY, ROLE_HEADER_ENV: "X-Remote-Groups",
           ROLES_ENV: "atlas-redaktion:redaktion,atlas-admin:admin"}
    kreise = data.level_of("kreis").keys[:3]
    port = free_port()
    with gunicorn(built_dir, url, env) as atlas:
        server_block = f"""
  map $remote_user $atlas_groups {{ default ""; redakteurin "atlas-redaktion"; }}
  server {{
    listen 127.0.0.1:{port};
    location / {{
      auth_basic "Sozialstrukturatlas";
      auth_basic_user_file {folder}/htpasswd;
      proxy_pass {atlas};
      proxy_bind {PROXY};
      proxy_set_header Host $host;
      proxy_set_header X-Remote-User $remote_user;
      proxy_set_header X-Remote-Groups $atlas_groups;
    }}
  }}"""
        with nginx(folder, server_block, port) as proxy:
            # without credentials, nginx itself refuses
            assert requests.get(proxy + "/", timeout=60).status_code == 401

            # the redaktion user through the proxy: the page, then the import
            editor = requests.Session()
            editor.auth = ("redakteurin", PASSWORD)
            page = editor.get(proxy + "/_dash-layout", timeout=60).text
            assert "Abmelden (redakteurin)" in page
            editor.get(proxy + "/", timeout=60)
            token = editor.cookies.get("_csrf_token")
            dependencies = editor.get(proxy + "/_dash-dependencies", timeout=60).json()
            body = import_body(dependencies, kreise, "proxy_kita")
            done = editor.post(proxy + "/_dash-update-component", json=body, timeout=120,
                               headers={"X-CSRFToken": token})
            assert done.status_code == 200, done.text[:500]
            assert "importiert" in done.text
            store = Store(url)
            try:
                assert [i.id for i in store.indicators()] == ["proxy_kita"]
                entry = store.audit()[0]
                assert (entry.actor, entry.action, entry.object_id) == \
                    ("redakteurin", "import", "proxy_kita")
            finally:
                store.dispose()

            # a user without the group, forging the group header through the proxy: refused
            reader = requests.Session()
            reader.auth = ("leserin", PASSWORD)
            reader.get(proxy + "/", timeout=60)
            forged = reader.post(
                proxy + "/_dash-update-component", timeout=60,
                json=delete_body(dependencies, "proxy_kita"),
                headers={"X-CSRFToken": reader.cookies.get("_csrf_token"),
                         "X-Remote-Groups": "atlas-redaktion", "X-Remote-User": "redakteurin"})
            assert forged.status_code == 403, forged.text[:300]

        # directly to gunicorn, past the proxy, with forged headers: refused, nothing changed
        direct = requests.Session()
        direct.get(atlas + "/", timeout=60)
        forged_headers = {"X-Remote-User": "redakteurin", "X-Remote-Groups": "atlas-admin",
                          "X-CSRFToken": direct.cookies.get("_csrf_token")}
        for request_body in (delete_body(dependencies, "proxy_kita"),
                             import_body(dependencies, kreise, "proxy_zwei")):
            refused = direct.post(atlas + "/_dash-update-component", json=request_body,
                                  headers=forged_headers, timeout=60)
            assert refused.status_code == 403
            assert "bitte anmelden" in json.loads(refused.text)["message"]
        layout = direct.get(atlas + "/_dash-layout", headers=forged_headers, timeout=60).text
        assert "redakteurin" not in layout
    store = Store(url)
    try:
        assert [i.id for i in store.indicators()] == ["proxy_kita"]
        # the accounts made for the test aside: one import, nothing from the forged requests
        assert [e.action for e in store.audit() if e.object_kind != "user"] == ["import"]
    finally:
        store.dispose()


def test_the_readme_names_every_proxy_setting():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("Hinter einem Reverse-Proxy und mit Single Sign-On"):]
    for name in (HEADER_ENV, PROXIES_ENV, ROLE_HEADER_ENV, ROLES_ENV):
        assert name in section
    assert re.search(r"proxy_set_header X-Remote-User", section)
