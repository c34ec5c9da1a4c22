"""Who may change what (issue #17, first step): accounts with argon2 hashes, the ``atlas user``
commands, the first admin, login with a rate limit and an idle timeout, the cookie flags, the
CSRF token, and the server's refusal of every state-changing callback to visitors and to
requests without the token — the store unchanged."""

from __future__ import annotations

import io
import json
import logging
import re
import types

import pandas as pd
import pytest
from flask import Flask
from sqlalchemy import create_engine

from atlas.auth import accounts, passwords
from atlas.auth import web as auth_web
from atlas.auth.ratelimit import RateLimiter
from atlas.store import SCHEMA_VERSION, OwnIndicator, OwnLevel, Store
from tests.conftest import OWN_LEVEL, own_level_parts, schema_version

PASSWORD = "richtig-langes-passwort"
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


# ---------------------------------------------------------------------- helpers


def login(client, name: str, password: str = PASSWORD):
    """Log in through the form as a browser does (GET for the token, then POST)."""
    token = CSRF_RE.search(client.get("/anmelden").get_data(as_text=True)).group(1)
    return client.post("/anmelden", data={"name": name, "passwort": password,
                                          "csrf_token": token})


def csrf_cookie(client) -> str:
    cookie = client.get_cookie("_csrf_token")
    return cookie.value if cookie else ""


@pytest.fixture
def store(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'eigene_daten.sqlite'}")
    yield store
    store.dispose()


def small_app(store: Store) -> Flask:
    """A Flask app with the accounts installed (as app.py does) and a page naming the user."""
    from atlas.auth import current_role, current_user_name

    app = Flask(f"rights-{id(store)}")
    auth_web.install(app, store)
    app.get("/wer")(lambda: f"{current_user_name()}|{current_role()}")
    return app


# ---------------------------------------------------------------------- passwords and accounts


def test_a_password_is_kept_as_an_argon2_hash_only(store):
    digest = passwords.hash_password(PASSWORD)
    assert digest.startswith("$argon2id$") and PASSWORD not in digest
    assert passwords.verify(digest, PASSWORD)
    assert not passwords.verify(digest, PASSWORD + "x")
    assert not passwords.verify(None, PASSWORD)  # an unknown name
    accounts.add_user(store, "mueller", "redaktion", PASSWORD)
    assert PASSWORD not in str(store.users())
    assert accounts.authenticate(store, "mueller", PASSWORD)["role"] == "redaktion"
    assert accounts.authenticate(store, "mueller", "falsch-falsch") is None
    assert accounts.authenticate(store, "niemand", PASSWORD) is None
    assert store.user("mueller")["last_login"]  # the successful login is noted


def test_bad_accounts_are_refused_in_german(store):
    with pytest.raises(accounts.AccountError, match="zu kurz"):
        accounts.add_user(store, "mueller", "redaktion", "kurz")
    with pytest.raises(accounts.AccountError, match="Rolle"):
        accounts.add_user(store, "mueller", "besucher", PASSWORD)
    with pytest.raises(accounts.AccountError, match="Kontoname"):
        accounts.add_user(store, "<b>x</b>", "redaktion", PASSWORD)
    accounts.add_user(store, "chefin", "admin", PASSWORD)
    with pytest.raises(Exception, match="letzte Admin-Konto"):
        store.remove_user("chefin")


def test_user_commands_read_the_password_from_stdin(app_module, monkeypatch, capsys):
    from atlas.cli import main
    from atlas.data import own_store

    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["user", "add", "cli_redaktion", "--role", "redaktion"]) == 0
    try:
        assert "angelegt" in capsys.readouterr().out
        assert accounts.authenticate(own_store(), "cli_redaktion", PASSWORD)
        assert main(["user", "list"]) == 0
        assert re.search(r"cli_redaktion\tredaktion", capsys.readouterr().out)
        monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
        assert main(["user", "add", "cli_redaktion", "--role", "admin"]) == 2
        assert "gibt es schon" in capsys.readouterr().err
    finally:
        assert main(["user", "remove", "cli_redaktion"]) == 0
    assert own_store().user("cli_redaktion") is None
    assert main(["user", "remove", "cli_redaktion"]) == 2
    assert "kein Konto" in capsys.readouterr().err


def test_the_password_is_never_an_argument():
    from atlas.cli import main

    with pytest.raises(SystemExit) as stop:
        main(["user", "add", "x_y", "--role", "redaktion", "--password", PASSWORD])
    assert stop.value.code == 2


def test_the_first_admin_comes_from_the_environment(store):
    said: list[str] = []
    made = accounts.ensure_first_admin(store, {accounts.ADMIN_PASSWORD_ENV: PASSWORD},
                                       said.append)
    assert made == "admin" and store.user("admin")["role"] == "admin"
    assert accounts.authenticate(store, "admin", PASSWORD)
    assert len(said) == 1 and PASSWORD not in said[0]


def test_the_first_admin_gets_a_one_time_password_printed_once(store):
    said: list[str] = []
    assert accounts.ensure_first_admin(store, {}, said.append) == "admin"
    password = re.search(r"Einmal-Passwort: (\S+)", said[0]).group(1)
    assert accounts.authenticate(store, "admin", password)
    assert accounts.ensure_first_admin(store, {}, said.append) is None  # accounts exist
    assert len(said) == 1


# ---------------------------------------------------------------------- login, sessions, cookies


def test_login_page_is_german_and_accessible(store):
    client = small_app(store).test_client()
    page = client.get("/anmelden").get_data(as_text=True)
    assert '<html lang="de">' in page and "<main" in page
    assert '<label class="form-label" for="anmelden-name">Name</label>' in page
    assert 'for="anmelden-passwort">Passwort</label>' in page
    assert "<script" not in page
    accounts.add_user(store, "mueller", "redaktion", PASSWORD)
    wrong = login(client, "mueller", "falsch-falsch")
    unknown = login(client, "niemand", PASSWORD)
    for response in (wrong, unknown):  # the same answer: it does not tell which names exist
        assert response.status_code == 401
        assert 'role="alert"' in response.get_data(as_text=True)
        assert auth_web.LOGIN_FAILED in response.get_data(as_text=True)
    assert client.get("/wer").text == "|besucher"
    assert login(client, "mueller").status_code == 303
    assert client.get("/wer").text == "mueller|redaktion"


def test_the_login_without_the_form_token_is_refused(store):
    accounts.add_user(store, "mueller", "redaktion", PASSWORD)
    client = small_app(store).test_client()
    response = client.post("/anmelden", data={"name": "mueller", "passwort": PASSWORD})
    assert response.status_code == 400 and client.get("/wer").text == "|besucher"


def test_five_failures_block_the_name_from_this_address(store):
    accounts.add_user(store, "mueller", "redaktion", PASSWORD)
    client = small_app(store).test_client()
    for _ in range(5):
        assert login(client, "mueller", "falsch-falsch").status_code == 401
    blocked = login(client, "mueller")  # even the right password, until the window passed
    assert blocked.status_code == 429 and "Zu viele Fehlversuche" in blocked.text
    assert client.get("/wer").text == "|besucher"


def test_the_rate_limit_window_slides(store):
    now = [1000.0]
    limiter = RateLimiter(store, "geheim", max_failures=5, window_s=300, clock=lambda: now[0])
    for _ in range(5):
        limiter.fail(("a", "ip"))
    assert limiter.blocked(("a", "ip")) and not limiter.blocked(("b", "ip"))
    now[0] = 1301
    assert not limiter.blocked(("a", "ip"))


def test_an_idle_session_ends(store, monkeypatch):
    accounts.add_user(store, "mueller", "redaktion", PASSWORD)
    client = small_app(store).test_client()
    login(client, "mueller")
    real = auth_web.time.time()
    monkeypatch.setattr(auth_web, "time", types.SimpleNamespace(time=lambda: real + 59 * 60))
    assert client.get("/wer").text == "mueller|redaktion"  # used within the hour
    later = real + 59 * 60 + 61 * 60
    monkeypatch.setattr(auth_web, "time", types.SimpleNamespace(time=lambda: later))
    assert client.get("/wer").text == "|besucher"
    monkeypatch.setenv(auth_web.SESSION_MINUTES_ENV, "5")
    assert auth_web.session_minutes() == 5


def _set_cookies(response) -> dict[str, str]:
    return {h.split("=", 1)[0]: h for h in response.headers.getlist("Set-Cookie")}


def test_cookie_flags(store, monkeypatch):
    accounts.add_user(store, "mueller", "redaktion", PASSWORD)
    app = small_app(store)
    plain = _set_cookies(login(app.test_client(), "mueller"))
    session = plain["atlas_session"]
    assert "HttpOnly" in session and "SameSite=Lax" in session and "Secure" not in session
    assert "HttpOnly" not in plain["_csrf_token"]  # dash-renderer reads it
    https = app.test_client()
    token = CSRF_RE.search(https.get("/anmelden", base_url="https://atlas.example").text).group(1)
    secure = _set_cookies(https.post("/anmelden", base_url="https://atlas.example",
                                     data={"name": "mueller", "passwort": PASSWORD,
                                           "csrf_token": token}))
    assert "; Secure" in secure["atlas_session"] and "; Secure" in secure["_csrf_token"]
    monkeypatch.setenv(auth_web.SECURE_COOKIES_ENV, "1")
    assert "; Secure" in _set_cookies(login(app.test_client(), "mueller"))["atlas_session"]


def test_logout_needs_the_token_and_ends_the_session(store):
    accounts.add_user(store, "mueller", "redaktion", PASSWORD)
    client = small_app(store).test_client()
    login(client, "mueller")
    assert client.post("/abmelden").status_code == 403
    assert client.get("/wer").text == "mueller|redaktion"
    assert client.post("/abmelden", data={"csrf_token": csrf_cookie(client)}).status_code == 303
    assert client.get("/wer").text == "|besucher"


def test_a_session_is_accepted_by_another_instance_on_the_same_store(url):
    """Two app instances (workers or hosts) on one database share the signing secret."""
    first, second = Store(url), Store(url)
    try:
        accounts.add_user(first, "mueller", "redaktion", PASSWORD)
        one, two = small_app(first).test_client(), small_app(second).test_client()
        login(one, "mueller")
        two.set_cookie("atlas_session", one.get_cookie("atlas_session").value)
        assert two.get("/wer").text == "mueller|redaktion"
    finally:
        first.dispose()
        second.dispose()


# ---------------------------------------------------------------------- store schema


def test_a_schema_3_store_is_upgraded_in_place(url):
    first = Store(url)
    first.add(OwnIndicator(id="alt", title="Alt", unit="Anzahl", decimals=0, kind="count",
                           definition="", area="demografie", life_phases=(), polarity="neutral",
                           source="Test", licence="", filename="a.csv", file_format="CSV",
                           code="A"),
              pd.DataFrame({"ags": ["16051"], "year": [2020], "value": [1.0], "status": [""]}))
    first.dispose()
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE atlas_user")
        conn.exec_driver_sql("DROP TABLE atlas_setting")
        conn.exec_driver_sql("UPDATE atlas_meta SET value = 3 WHERE key = 'schema_version'")
    engine.dispose()
    store = Store(url)
    try:
        assert [i.id for i in store.indicators()] == ["alt"]
        accounts.add_user(store, "mueller", "redaktion", PASSWORD)
        assert store.shared_setting("x", lambda: "eins") == "eins"
        assert store.shared_setting("x", lambda: "zwei") == "eins"
    finally:
        store.dispose()
    assert schema_version(url) == SCHEMA_VERSION


# ---------------------------------------------------------------------- enforcement


@pytest.fixture(scope="module")
def own_data(app_module):
    """Real own data in the app's store: an own level, an own count on it, a defined rate."""
    from atlas.composite import formulas as fm
    from atlas.data import data_changed, get_data, own_store

    data = get_data()
    _, areas, links, values = own_level_parts(data)
    store = own_store()
    store.add_level(OwnLevel(id=OWN_LEVEL, title="Orte im Kreis", singular="Ort",
                             gebietsstand="01.01.2021", source="BKG VG5000"), areas, links)
    store.add(OwnIndicator(id="rechte_ew", title="Einwohner je Ort", unit="Anzahl", decimals=0,
                           kind="count", definition="", area="demografie", life_phases=(),
                           polarity="neutral", source="Zensus", licence="", filename="o.csv",
                           file_format="CSV", code="EW", level=OWN_LEVEL), values)
    store.save_formula(fm.Formula("rechte_quote", "Quote", "rate",
                                  fm.RateParams("arbeitslose_frauen", "arbeitslose"),
                                  level="kreis"))
    data_changed()
    yield {"indicator": "rechte_ew", "level": OWN_LEVEL, "formula": "rechte_quote"}
    for gone in ("rechte_quote",):
        if any(f.id == gone for f in store.formulas()):
            store.delete(gone)
    store.delete_level(OWN_LEVEL, with_data=True)
    data_changed()


def snapshot() -> tuple:
    from atlas.data import own_store

    store = own_store()
    return (store.revision(), [(i.id, i.visibility) for i in store.indicators()],
            [(lv.id, lv.visibility) for lv in store.levels()],
            [(f.id, f.visibility) for f in store.formulas()], len(store.values()))


def state_changing_bodies(client, own: dict):
    """A well-formed request for every state-changing callback (found from
    /_dash-dependencies), with values that would change the own data if it were allowed."""
    import app

    guarded = app.state_changing_outputs(app.app.callback_map)
    values = {"own-delete-choice": own["indicator"], "level-delete-choice": own["level"],
              "visibility-choice": f"indicator:{own['indicator']}",
              "visibility-value": "oeffentlich"}
    found = []
    for callback in client.get("/_dash-dependencies").get_json():
        if callback["output"] not in guarded:
            continue

        def concrete(id_text: str) -> dict:
            """A pattern id with its wildcards filled: the own formula (or index 0)."""
            pattern = json.loads(id_text)
            return {k: (own["formula"] if k == "id" else 0) if v == ["ALL"] else v
                    for k, v in pattern.items()}

        def ref(items):
            out = []
            for i in items:
                if i["id"].startswith("{"):  # a pattern (ALL): a list of its matches
                    out.append([{"id": concrete(i["id"]), "property": i["property"],
                                 "value": 1}] if i is callback["inputs"][0] else [])
                else:
                    out.append({"id": i["id"], "property": i["property"],
                                "value": values.get(i["id"], 1)})
            return out

        parts = callback["output"].strip(".").split("...")
        outputs = [{"id": p.rsplit(".", 1)[0], "property": p.rsplit(".", 1)[1]} for p in parts]
        first = callback["inputs"][0]
        first_id = (json.dumps(concrete(first["id"]), sort_keys=True, separators=(",", ":"))
                    if first["id"].startswith("{") else first["id"])
        found.append((callback["output"], {
            "output": callback["output"],
            "outputs": outputs if len(outputs) > 1 else outputs[0],
            "inputs": ref(callback["inputs"]), "state": ref(callback["state"]),
            "changedPropIds": [f"{first_id}.{first['property']}"]}))
    return found


@pytest.fixture
def editor(app_module):
    """An account of the role redaktion in the app's store (removed afterwards)."""
    from atlas.data import own_store

    accounts.add_user(own_store(), "rechte_redaktion", "redaktion", PASSWORD,
                      replace_existing=True)
    own_store().forget_login_failures("rechte_redaktion")
    yield "rechte_redaktion"
    own_store().remove_user("rechte_redaktion")


def test_every_state_changing_callback_is_known(app_module):
    """The callbacks that change own data are exactly the marked ones; a new one that writes
    without the mark is still refused by the store's write guard (next tests)."""
    names = {spec["callback"].__name__
             for key, spec in app_module.app.callback_map.items()
             if key in app_module.state_changing_outputs(app_module.app.callback_map)}
    assert names == {"confirm_import", "delete_own", "confirm_level", "delete_level",
                     "save_derived", "save_index", "delete_formula", "restore_from_trash",
                     "set_visibility"}


def test_an_anonymous_replay_of_every_state_changing_callback_changes_nothing(
        app_module, own_data, caplog):
    client = app_module.server.test_client()
    client.get("/")
    bodies = state_changing_bodies(client, own_data)
    assert len(bodies) == len(app_module.state_changing_outputs(app_module.app.callback_map)) >= 8
    before = snapshot()
    for output, body in bodies:
        with caplog.at_level(logging.WARNING, logger="atlas.auth"):
            response = client.post("/_dash-update-component", json=body,
                                   headers={"X-CSRFToken": csrf_cookie(client)})
        assert response.status_code == 403, output
        assert "Zum Ändern bitte anmelden" in response.get_json()["message"]
        assert output in caplog.text and "besucher" in caplog.text
        caplog.clear()
    assert snapshot() == before


def _uncounted(body: dict) -> dict:
    """``body`` as Dash sends it when the button comes into the page (a lazy tab's content):
    the button named as changed, its count still empty."""
    body = json.loads(json.dumps(body))
    first = body["inputs"][0]
    for ref in first if isinstance(first, list) else [first]:
        ref["value"] = None
    return body


def test_a_button_coming_into_the_page_changes_nothing_and_is_no_error(
        app_module, own_data, editor):
    """The tab „Eigene Daten“ comes into the page when first shown; Dash then calls the
    callback of each of its buttons. That call is no click: for a visitor no 403 (an error in
    the console), for an editor no change; with a count the same body is refused (visitor)."""
    visitor = app_module.server.test_client()
    visitor.get("/")
    bodies = state_changing_bodies(visitor, own_data)
    before = snapshot()
    for output, body in bodies:
        response = visitor.post("/_dash-update-component", json=_uncounted(body),
                                headers={"X-CSRFToken": csrf_cookie(visitor)})
        assert response.status_code == 204, output
        clicked = visitor.post("/_dash-update-component", json=body,
                               headers={"X-CSRFToken": csrf_cookie(visitor)})
        assert clicked.status_code == 403, output
    signed_in = app_module.server.test_client()
    assert login(signed_in, editor).status_code == 303
    for output, body in bodies:
        response = signed_in.post("/_dash-update-component", json=_uncounted(body),
                                  headers={"X-CSRFToken": csrf_cookie(signed_in)})
        assert response.status_code == 204, output
    assert snapshot() == before


def test_a_logged_in_replay_without_or_with_a_wrong_token_changes_nothing(
        app_module, own_data, editor):
    client = app_module.server.test_client()
    assert login(client, editor).status_code == 303
    before = snapshot()
    for output, body in state_changing_bodies(client, own_data):
        for headers in ({}, {"X-CSRFToken": "falsch" * 8}):
            response = client.post("/_dash-update-component", json=body, headers=headers)
            assert response.status_code == 403, output
            assert "CSRF" in response.get_json()["message"]
    assert snapshot() == before


def test_the_same_request_with_login_and_token_does_change(app_module, own_data, editor):
    """The replayed bodies are real requests: with the right and the token, the deletion of the
    own indicator goes through (it is imported again afterwards)."""
    from atlas.data import data_changed, own_store

    store = own_store()
    kept = next(i for i in store.indicators() if i.id == own_data["indicator"])
    values = store.values()
    values = values[values["indicator"] == kept.id].drop(columns="indicator")
    client = app_module.server.test_client()
    login(client, editor)
    body = next(b for o, b in state_changing_bodies(client, own_data)
                if "own-delete-choice.value" in o)
    response = client.post("/_dash-update-component", json=body,
                           headers={"X-CSRFToken": csrf_cookie(client)})
    assert response.status_code == 200, response.text
    assert kept.id not in [i.id for i in store.indicators()]
    store.add(kept, values)
    data_changed()


def test_a_store_write_in_a_request_without_the_right_is_refused(app_module, own_data):
    """The guard below every callback: whatever code reaches a store write in a visitor's
    request (e.g. the Sitzungsfolge adopting definitions) fails before anything changes."""
    from atlas.auth import Refused
    from atlas.data import own_store

    before = snapshot()
    with app_module.server.test_request_context("/_dash-update-component", method="POST"):
        with pytest.raises(Refused, match="Zum Ändern bitte anmelden"):
            own_store().delete(own_data["indicator"])
    assert snapshot() == before


def test_visitors_see_the_hint_instead_of_the_forms(app_module, editor):
    client = app_module.server.test_client()
    layout = client.get("/_dash-layout").get_data(as_text=True)
    assert "Zum \\u00c4ndern bitte anmelden" in layout or "Zum Ändern bitte anmelden" in layout
    assert '"Anmelden"' in layout
    login(client, editor)
    layout = client.get("/_dash-layout").get_data(as_text=True)
    assert "bitte anmelden" not in layout and f"Abmelden ({editor})" in layout
