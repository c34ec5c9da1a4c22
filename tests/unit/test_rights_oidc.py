"""Login with OpenID Connect (issue #17, second step), against a real local provider:
``oidc-provider-mock`` (PyPI; an Authlib-based OpenID provider for tests) runs in its own
process on a loopback port with client registration and nonces required. The full
authorization-code flow runs over HTTP: the atlas sends the browser there with state, nonce and
a PKCE challenge, the provider's login form is submitted, the atlas's callback exchanges the
code with the registered client secret, validates the signed ID token and sets the session.
Nothing leaves localhost."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from flask import Flask

from atlas.auth import accounts, current_role, current_user_name, may_change_data
from atlas.auth import oidc as oidc_module
from atlas.auth import web as auth_web
from atlas.auth.identity import AuthConfigError
from atlas.store import Store
from tests.live_servers import free_port, oidc_provider, set_oidc_user

PASSWORD = "richtig-langes-passwort"
#: Where the Flask test client's requests go (its default server name).
CALLBACK = "http://localhost" + auth_web.OIDC_BACK_PATH
ENV_NAMES = (oidc_module.ISSUER_ENV, oidc_module.CLIENT_ID_ENV, oidc_module.CLIENT_SECRET_ENV,
             oidc_module.ROLE_CLAIM_ENV, oidc_module.ROLES_ENV, oidc_module.NAME_CLAIM_ENV,
             oidc_module.REDIRECT_ENV)


@pytest.fixture(scope="module")
def provider():
    """The local OpenID provider (own process) and a client registered with it."""
    with oidc_provider([CALLBACK]) as registered:
        yield registered


@pytest.fixture
def store(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'eigene_daten.sqlite'}")
    accounts.add_user(store, "mueller", "redaktion", PASSWORD)
    yield store
    store.dispose()


def small_app(store: Store, monkeypatch, env: dict[str, str] | None) -> Flask:
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    for name, value in (env or {}).items():
        monkeypatch.setenv(name, value)
    app = Flask(f"oidc-{id(store)}")
    auth_web.install(app, store)
    app.get("/wer")(lambda: f"{current_user_name()}|{current_role()}|{may_change_data()}")
    return app


def settings(provider: dict, **more: str) -> dict[str, str]:
    return {oidc_module.ISSUER_ENV: provider["issuer"],
            oidc_module.CLIENT_ID_ENV: provider["client_id"],
            oidc_module.CLIENT_SECRET_ENV: provider["client_secret"], **more}


def to_provider(client) -> tuple[str, dict[str, str]]:
    """Click "Mit Dienstkonto anmelden": the redirect to the provider and its parameters."""
    response = client.get(auth_web.OIDC_PATH)
    assert response.status_code == 302, response.text
    location = response.headers["Location"]
    return location, {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def at_provider(location: str, sub: str | None) -> str:
    """Log in at the provider's form as ``sub`` (None: press "Deny"); the atlas callback URL
    the provider sends the browser back to."""
    form = requests.get(location, timeout=30)
    assert form.status_code == 200 and 'name="sub"' in form.text
    data = {"sub": sub} if sub else {"action": "deny"}
    answer = requests.post(location, data=data, allow_redirects=False, timeout=30)
    assert answer.status_code == 302, answer.text
    back = answer.headers["Location"]
    assert back.startswith(CALLBACK)
    return back


def log_in(client, sub: str | None):
    location, _ = to_provider(client)
    back = at_provider(location, sub)
    return client.get(back[len("http://localhost"):])


# ---------------------------------------------------------------------- the flow


def test_the_login_page_offers_the_service_account_only_when_configured(
        provider, store, monkeypatch):
    plain = small_app(store, monkeypatch, None).test_client()
    assert auth_web.OIDC_BUTTON not in plain.get("/anmelden").text
    assert plain.get(auth_web.OIDC_PATH).status_code == 404
    configured = small_app(store, monkeypatch, settings(provider)).test_client()
    page = configured.get("/anmelden").text
    assert auth_web.OIDC_BUTTON in page and f'href="{auth_web.OIDC_PATH}"' in page


def test_the_redirect_carries_state_nonce_and_a_pkce_challenge(provider, store, monkeypatch):
    client = small_app(store, monkeypatch, settings(provider)).test_client()
    location, params = to_provider(client)
    assert location.startswith(provider["issuer"] + "/oauth2/authorize?")
    assert params["response_type"] == "code" and "openid" in params["scope"].split()
    assert params["client_id"] == provider["client_id"] and params["redirect_uri"] == CALLBACK
    assert len(params["state"]) >= 20 and len(params["nonce"]) >= 20
    assert params["code_challenge_method"] == "S256" and len(params["code_challenge"]) == 43
    _, again = to_provider(client)  # every login attempt gets fresh values
    assert again["state"] != params["state"] and again["nonce"] != params["nonce"]


def test_a_group_claim_makes_the_user_redaktion_with_the_same_session(
        provider, store, monkeypatch):
    set_oidc_user(provider, "u-schulze", {"preferred_username": "Schulze",
                                     "groups": ["atlas-redaktion", "andere"]})
    app = small_app(store, monkeypatch, settings(
        provider, **{oidc_module.ROLE_CLAIM_ENV: "groups",
                     oidc_module.ROLES_ENV: "atlas-redaktion:redaktion,atlas-admin:admin"}))
    client = app.test_client()
    done = log_in(client, "u-schulze")
    assert done.status_code == 303 and done.headers["Location"] == "/"
    assert client.get("/wer").text == "schulze|redaktion|True"
    assert client.get_cookie("atlas_session") is not None  # the password login's cookie
    # logout works as for a password login
    assert client.post("/abmelden", data={"csrf_token": client.get_cookie("_csrf_token").value}
                       ).status_code == 303
    assert client.get("/wer").text == "|besucher|False"


def test_keycloak_realm_roles_in_a_nested_claim_make_an_admin(provider, store, monkeypatch):
    set_oidc_user(provider, "u-amt", {"preferred_username": "amtsleitung",
                                 "realm_access": {"roles": ["offline_access", "atlas-admin"]}})
    app = small_app(store, monkeypatch, settings(
        provider, **{oidc_module.ROLE_CLAIM_ENV: "realm_access.roles",
                     oidc_module.ROLES_ENV: "atlas-redaktion:redaktion,atlas-admin:admin"}))
    client = app.test_client()
    assert log_in(client, "u-amt").status_code == 303
    assert client.get("/wer").text == "amtsleitung|admin|True"


def test_without_a_role_claim_the_atlas_account_gives_the_role(provider, store, monkeypatch):
    set_oidc_user(provider, "u-mueller", {"preferred_username": "mueller"})
    set_oidc_user(provider, "u-gast", {"preferred_username": "gast"})
    app = small_app(store, monkeypatch, settings(provider))
    known = app.test_client()
    assert log_in(known, "u-mueller").status_code == 303
    assert known.get("/wer").text == "mueller|redaktion|True"
    stranger = app.test_client()
    assert log_in(stranger, "u-gast").status_code == 303
    assert stranger.get("/wer").text == "gast|besucher|False"
    store.remove_user("mueller")  # the account goes: the login no longer may change anything
    assert known.get("/wer").text == "mueller|besucher|False"


def test_a_tampered_or_replayed_callback_logs_nobody_in(provider, store, monkeypatch):
    set_oidc_user(provider, "u-schulze", {"preferred_username": "schulze", "groups": ["redaktion"]})
    app = small_app(store, monkeypatch, settings(
        provider, **{oidc_module.ROLE_CLAIM_ENV: "groups"}))
    client = app.test_client()
    location, _ = to_provider(client)
    back = at_provider(location, "u-schulze")[len("http://localhost"):]
    forged = back.replace("state=", "state=x")
    refused = client.get(forged)
    assert refused.status_code == 400 and auth_web.OIDC_FAILED in refused.text
    assert client.get("/wer").text == "|besucher|False"
    # another browser (without this login's session) cannot use the code either
    other = app.test_client()
    assert other.get(back).status_code == 400
    assert other.get("/wer").text == "|besucher|False"
    # the rightful browser still can, once
    assert client.get(back).status_code == 303
    assert client.get("/wer").text == "schulze|redaktion|True"
    client.post("/abmelden", data={"csrf_token": client.get_cookie("_csrf_token").value})
    assert client.get(back).status_code == 400 and client.get("/wer").text == "|besucher|False"


def test_a_wrong_client_secret_fails_the_token_exchange(provider, store, monkeypatch):
    set_oidc_user(provider, "u-schulze", {"preferred_username": "schulze"})
    app = small_app(store, monkeypatch, {**settings(provider),
                                         oidc_module.CLIENT_SECRET_ENV: "falsches-geheimnis"})
    client = app.test_client()
    refused = log_in(client, "u-schulze")
    assert refused.status_code == 400 and "Dienstkonto" in refused.text
    assert client.get("/wer").text == "|besucher|False"


def test_a_denied_login_and_an_unreachable_provider_say_so_in_german(
        provider, store, monkeypatch):
    client = small_app(store, monkeypatch, settings(provider)).test_client()
    denied = log_in(client, None)
    assert denied.status_code == 401 and auth_web.OIDC_FAILED in denied.text
    assert '<html lang="de">' in denied.text and "Traceback" not in denied.text
    gone = small_app(store, monkeypatch, {**settings(provider),
                                          oidc_module.ISSUER_ENV: f"http://127.0.0.1:{free_port()}"})
    answer = gone.test_client().get(auth_web.OIDC_PATH)
    assert answer.status_code == 502 and "nicht erreichbar" in answer.text


@pytest.mark.parametrize("env, message", [
    ({oidc_module.ISSUER_ENV: "login.example.de"}, "keine http"),
    ({oidc_module.ISSUER_ENV: "https://login.example.de/realms/kreis"}, "ATLAS_OIDC_CLIENT_ID"),
    ({oidc_module.ISSUER_ENV: "https://login.example.de", oidc_module.CLIENT_ID_ENV: "atlas",
      oidc_module.ROLES_ENV: "nur-text"}, "GRUPPE:ROLLE"),
])
def test_a_wrong_setting_stops_the_start_with_a_german_message(env, message):
    with pytest.raises(AuthConfigError, match=message):
        oidc_module.OidcConfig.from_env(env)
    assert oidc_module.OidcConfig.from_env({}) is None
