"""The web side of the accounts (Flask, no Dash): login and logout pages, the signed session
cookie, the idle timeout, the CSRF token and the one check of every state-changing request.

* Sessions are Flask's signed cookies; the signing secret lives in the store
  (``atlas_setting``), so every worker and host on one PostgreSQL store accepts the same cookie.
  Cookie flags: ``HttpOnly``, ``SameSite=Lax``, ``Secure`` when the request came over HTTPS or
  ``ATLAS_SECURE_COOKIES=1``.
* Idle timeout: a session unused for ``ATLAS_SESSION_MINUTES`` (60) minutes is over.
* CSRF: the session holds a random token; the cookie ``_csrf_token`` (readable by the page)
  carries it, and dash-renderer sends that cookie as header ``X-CSRFToken`` with every callback
  request; the login and logout forms send it as field ``csrf_token``.
* Enforcement: :func:`refusal` answers 403 for a state-changing callback (marked with
  :func:`changes_data`) when the role may not change data or the token is missing or wrong;
  :func:`write_guard` (installed as :data:`atlas.store.write_guard`) refuses every store write
  the request may not make, whichever code reaches it. Both log the refusal.
* Who the request is: :mod:`atlas.auth.identity` (session, OpenID Connect, trusted proxy
  header); failed logins are counted in the store (:mod:`atlas.auth.ratelimit`), shared by
  every worker and host.
"""

from __future__ import annotations

import hmac
import logging
import os
import secrets
import time
from html import escape

from flask import Blueprint, Flask, current_app, g, jsonify, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface

from atlas import store as store_module
from atlas.auth import (
    SESSION_ROLE,
    SESSION_USER,
    Refused,
    accounts,
    current_role,
    current_user_name,
    identity,
    may,
)
from atlas.auth.oidc import OidcConfig
from atlas.auth.proxy import ProxyConfig, trusted_networks
from atlas.auth.proxy import client_address as _client_address
from atlas.auth.ratelimit import WINDOW_S, RateLimiter

log = logging.getLogger("atlas.auth")

SESSION_MINUTES_ENV = "ATLAS_SESSION_MINUTES"
SECURE_COOKIES_ENV = "ATLAS_SECURE_COOKIES"
DEFAULT_SESSION_MINUTES = 60
CSRF_COOKIE, CSRF_HEADER, CSRF_FIELD = "_csrf_token", "X-CSRFToken", "csrf_token"
_SESSION_CSRF, _SESSION_SEEN = "csrf", "seen"
SECRET_SETTING = "session_secret"
_STORE_KEY = identity.STORE_KEY
_LIMITER_KEY, _OIDC_KEY, _NETWORKS_KEY = "atlas_login_limiter", "atlas_oidc", "atlas_proxies"
#: The attribute :func:`changes_data` sets on a callback function.
CHANGES_DATA = "atlas_changes_data"
LOGIN_PATH, LOGOUT_PATH = "/anmelden", "/abmelden"
OIDC_PATH, OIDC_BACK_PATH = "/anmelden/oidc", "/anmelden/oidc/zurueck"
OIDC_BUTTON = "Mit Dienstkonto anmelden"
OIDC_FAILED = ("Die Anmeldung mit dem Dienstkonto ist nicht gelungen oder wurde abgebrochen. "
               "Bitte erneut versuchen.")
OIDC_UNREACHABLE = ("Der Anmeldedienst ist gerade nicht erreichbar. Bitte später erneut "
                    "versuchen; bleibt der Fehler, die Verwaltung des Atlas informieren.")
OIDC_NO_NAME = "Das Dienstkonto nennt keinen Benutzernamen; die Anmeldung ist nicht möglich."
REFUSED_TEXT = ("Keine Berechtigung: Eigene Daten ändern darf nur, wer als Redaktion oder Admin "
                "angemeldet ist. Zum Ändern bitte anmelden.")
CSRF_TEXT = ("Die Anfrage trägt kein gültiges Sicherheitsmerkmal (CSRF-Token). Bitte die Seite "
             "neu laden und es erneut versuchen.")
LOGIN_FAILED = "Name oder Passwort falsch."
TOO_MANY = ("Zu viele Fehlversuche für diesen Namen von dieser Adresse. Bitte in "
            f"{WINDOW_S // 60} Minuten erneut versuchen.")

auth_pages = Blueprint("auth_pages", __name__)


def changes_data(function):
    """Mark a callback that changes stored data: only redaktion and admin may run it, with the
    session's CSRF token (checked before the callback runs, :func:`refusal`). Put it below
    ``@callback``."""
    setattr(function, CHANGES_DATA, True)
    return function


def session_minutes(environ=os.environ) -> int:
    """The idle timeout in minutes (``$ATLAS_SESSION_MINUTES``, default 60, at least 1)."""
    try:
        return max(1, int(environ.get(SESSION_MINUTES_ENV, DEFAULT_SESSION_MINUTES)))
    except ValueError:
        return DEFAULT_SESSION_MINUTES


class _SessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie, ``Secure`` when the request came over HTTPS (or when configured)."""

    def get_cookie_secure(self, app) -> bool:
        return os.environ.get(SECURE_COOKIES_ENV, "") == "1" or request.is_secure


def csrf_token() -> str:
    """The session's CSRF token (made when missing)."""
    token = session.get(_SESSION_CSRF)
    if not isinstance(token, str) or len(token) < 20:
        token = session[_SESSION_CSRF] = secrets.token_urlsafe(32)
    return token


def csrf_ok(given: str | None) -> bool:
    """Whether ``given`` is this session's CSRF token."""
    token = session.get(_SESSION_CSRF)
    return bool(isinstance(token, str) and given and hmac.compare_digest(token, given))


def _request_token() -> str | None:
    return request.headers.get(CSRF_HEADER) or request.form.get(CSRF_FIELD) \
        if request.mimetype != "application/json" else request.headers.get(CSRF_HEADER)


def _log_refusal(reason: str, callback: str = "") -> None:
    who = identity.current()
    log.warning("Abgewiesen (%s): Name=%r Rolle=%s Anmeldung=%s Pfad=%s Callback=%s Adresse=%s",
                reason, who.name, who.role, who.via or "-", request.path, callback or "-",
                client_address())


def effective_role() -> str:
    """The role of the current request as the store has it now (an account removed or changed
    since the login counts as such): :func:`atlas.auth.identity.current`."""
    return current_role()


def client_address() -> str:
    """The client's address of the current request: the peer, or behind a trusted proxy
    (``ATLAS_TRUSTED_PROXIES``) the address it forwarded (:func:`atlas.auth.proxy.client_address`)."""
    return _client_address(request.environ, request.headers,
                           current_app.extensions.get(_NETWORKS_KEY, ()))


def login_limiter() -> RateLimiter:
    """The failed-login counter of the app serving the request (kept in its store)."""
    return current_app.extensions[_LIMITER_KEY]


def _store_of(store):
    return store() if callable(store) else store


def _store():
    """The store of the app serving the request (:func:`install`)."""
    return _store_of(current_app.extensions[_STORE_KEY])


def refusal(callback: str):
    """The 403 answer for a state-changing callback request the current request may not make,
    else None."""
    if not may(effective_role(), "change_data"):
        _log_refusal("keine Berechtigung", callback)
        return jsonify(message=REFUSED_TEXT), 403
    if not csrf_ok(request.headers.get(CSRF_HEADER)):
        _log_refusal("CSRF-Token fehlt oder falsch", callback)
        return jsonify(message=CSRF_TEXT), 403
    return None


def write_guard() -> None:
    """Refuse a store write in a web request without the right or without the CSRF token
    (installed as :data:`atlas.store.write_guard`; outside requests, e.g. the CLI, nothing)."""
    from flask import has_request_context

    if not has_request_context():
        return
    if not may(effective_role(), "change_data"):
        _log_refusal("Schreibversuch ohne Berechtigung")
        raise Refused(REFUSED_TEXT)
    if request.method != "POST" or not csrf_ok(_request_token()):
        _log_refusal("Schreibversuch ohne CSRF-Token")
        raise Refused(CSRF_TEXT)


def install(server: Flask, store) -> None:
    """Sessions, login and logout, idle timeout, CSRF cookie and the store's write guard.
    ``store``: the Store of the accounts, or a function returning it (the process's store)."""
    server.extensions[_STORE_KEY] = store
    server.secret_key = _store_of(store).shared_setting(SECRET_SETTING,
                                                        lambda: secrets.token_hex(32))
    server.extensions[_LIMITER_KEY] = RateLimiter(store, server.secret_key)
    server.extensions[_NETWORKS_KEY] = trusted_networks()
    proxy = ProxyConfig.from_env()  # None unless configured: then proxy headers do nothing
    if proxy is not None:
        server.extensions[identity.PROXY_KEY] = proxy
        log.info("Anmeldung über Reverse-Proxy: Kopfzeile %s von %s", proxy.header,
                 ", ".join(str(n) for n in proxy.networks))
    oidc = OidcConfig.from_env()
    if oidc is not None:
        from atlas.auth.oidc import register

        server.extensions[_OIDC_KEY] = (oidc, register(server, oidc))
    server.session_interface = _SessionInterface()
    server.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                         SESSION_COOKIE_NAME="atlas_session")
    server.register_blueprint(auth_pages)
    store_module.write_guard = write_guard

    @server.before_request
    def idle_timeout():
        # only a request with a session cookie touches the session (else Flask adds
        # "Vary: Cookie" to every file and API answer)
        if server.config["SESSION_COOKIE_NAME"] in request.cookies and session.get(SESSION_USER):
            now = time.time()
            seen = session.get(_SESSION_SEEN, 0)
            if not isinstance(seen, (int, float)) or now - seen > session_minutes() * 60:
                log.info("Sitzung von %r nach Leerlauf beendet", session.get(SESSION_USER))
                session.clear()
                identity.forget()
                g.session_expired = True
            elif now - seen > 30:  # the cookie is rewritten at most twice a minute
                session[_SESSION_SEEN] = now
        return None

    @server.after_request
    def csrf_cookie(response):
        """The page (and the login page) hands out the token; Dash sends it back."""
        if response.mimetype != "text/html":
            return response
        token = csrf_token()
        if request.cookies.get(CSRF_COOKIE) != token:
            response.set_cookie(CSRF_COOKIE, token, httponly=False, samesite="Lax",
                                secure=server.session_interface.get_cookie_secure(server))
        return response


# ---------------------------------------------------------------------- pages

_PAGE = """<!DOCTYPE html>
<html lang="de">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} – Sozialstrukturatlas Thüringen</title>
<link rel="stylesheet" href="/vendor/bootstrap/bootstrap.min.css">
</head>
<body>
<header class="bg-primary text-white py-2 mb-4"><div class="container d-flex flex-wrap
 align-items-center gap-3">
<a class="h4 text-white text-decoration-none mb-0 me-auto" href="/">Sozialstrukturatlas
 Thüringen</a>
{nav}
</div></header>
<main class="{main_class}" id="inhalt">
<h1 class="h3">{title}</h1>
{body}
</main>
</body>
</html>
"""


def page_html(title: str, body: str, nav: str = "", wide: bool = False) -> str:
    """The shell of the server-rendered pages (login, audit trail, accounts): German, our
    stylesheet only, no script (the app's CSP). ``title`` is text (escaped here); ``body`` and
    ``nav`` are HTML the caller made, with every user text escaped."""
    return _PAGE.format(title=escape(title), body=body, nav=nav,
                        main_class="container-fluid px-4" if wide else "container")


def _login_page(message: str = "", name: str = "", status: int = 200):
    oidc = ""
    if _OIDC_KEY in current_app.extensions:
        oidc = (f'\n<p class="mt-3"><a class="btn btn-outline-primary" id="anmelden-oidc" '
                f'href="{OIDC_PATH}">{OIDC_BUTTON}</a></p>')
    alert = (f'<div class="alert alert-danger" role="alert" id="anmelden-fehler">'
             f'{escape(message)}</div>' if message else "")
    note = ""
    if g.get("session_expired"):
        note = ('<div class="alert alert-info" role="status">Ihre Sitzung war länger als '
                f'{session_minutes()} Minuten unbenutzt und wurde beendet.</div>')
    body = f"""{note}{alert}
<form method="post" action="{LOGIN_PATH}" class="col-md-6 col-lg-4">
<input type="hidden" name="{CSRF_FIELD}" value="{escape(csrf_token())}">
<div class="mb-3"><label class="form-label" for="anmelden-name">Name</label>
<input class="form-control" id="anmelden-name" name="name" autocomplete="username" required
 value="{escape(name)}"{' aria-describedby="anmelden-fehler"' if message else ''}></div>
<div class="mb-3"><label class="form-label" for="anmelden-passwort">Passwort</label>
<input class="form-control" id="anmelden-passwort" name="passwort" type="password"
 autocomplete="current-password" required></div>
<button class="btn btn-primary" type="submit">Anmelden</button>
<a class="btn btn-link" href="/">Zurück zum Atlas</a>
</form>{oidc}
<p class="small text-muted mt-4">Ohne Anmeldung lässt sich der Atlas ansehen; eigene Daten
ändern dürfen Konten der Rollen „redaktion“ und „admin“. Konten legt die Verwaltung mit
„atlas user add“ an.</p>"""
    html = page_html("Anmelden", body)
    return html, status, {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"}


@auth_pages.get(LOGIN_PATH)
def login_form():
    return _login_page()


@auth_pages.post(LOGIN_PATH)
def login():
    name = request.form.get("name", "").strip().lower()[:80]
    password = request.form.get("passwort", "")
    if not csrf_ok(request.form.get(CSRF_FIELD)):
        _log_refusal("Anmeldung ohne CSRF-Token")
        return _login_page("Das Formular war veraltet. Bitte erneut anmelden.", name, 400)
    key = (name, client_address())
    limiter = login_limiter()
    if limiter.blocked(key):
        _log_refusal("zu viele Fehlversuche")
        return _login_page(TOO_MANY, name, 429)
    user = accounts.authenticate(_store(), name, password)
    if user is None:
        limiter.fail(key)
        log.warning("Anmeldung fehlgeschlagen: Name=%r Adresse=%s", name, client_address())
        return _login_page(LOGIN_FAILED, name, 401)
    limiter.succeed(key)
    _start_session(identity.Identity(user["name"], user["role"], identity.VIA_PASSWORD))
    return redirect("/", code=303)


def _start_session(who: identity.Identity) -> None:
    """The session of a user who just logged in (password or OpenID Connect)."""
    session.clear()  # a new session (and CSRF token) after login: no session fixation
    session[SESSION_USER], session[SESSION_ROLE] = who.name, who.role
    session[identity.SESSION_VIA] = who.via
    session[_SESSION_SEEN] = time.time()
    csrf_token()
    identity.forget()
    log.info("Angemeldet: Name=%r Rolle=%s Anmeldung=%s Adresse=%s", who.name, who.role, who.via,
             client_address())


@auth_pages.post(LOGOUT_PATH)
def logout():
    if not csrf_ok(request.form.get(CSRF_FIELD)):
        _log_refusal("Abmeldung ohne CSRF-Token")
        return (page_html("Abmelden", f'<p role="alert">{escape(CSRF_TEXT)}</p>'),
                403, {"Content-Type": "text/html; charset=utf-8"})
    log.info("Abgemeldet: Name=%r", current_user_name())
    session.clear()
    identity.forget()
    return redirect("/", code=303)


# ---------------------------------------------------------------------- OpenID Connect


def _oidc():
    """(settings, Authlib client) of the app, or None when OIDC is not configured."""
    return current_app.extensions.get(_OIDC_KEY)


def _oidc_refused(message: str, status: int):
    return _login_page(message, "", status)


@auth_pages.get(OIDC_PATH)
def oidc_start():
    """To the identity provider, with state, nonce and a PKCE challenge in the session."""
    import requests

    configured = _oidc()
    if configured is None:
        return ("Die Anmeldung mit Dienstkonto ist hier nicht eingerichtet.\n", 404,
                {"Content-Type": "text/plain; charset=utf-8"})
    config, client = configured
    redirect_uri = config.redirect_uri or url_for("auth_pages.oidc_back", _external=True)
    try:
        return client.authorize_redirect(redirect_uri)
    except (requests.RequestException, ValueError, KeyError) as error:
        log.error("Anmeldedienst %s nicht erreichbar oder fehlerhaft: %s", config.issuer, error)
        return _oidc_refused(OIDC_UNREACHABLE, 502)


@auth_pages.get(OIDC_BACK_PATH)
def oidc_back():
    """Back from the provider: check the state, exchange the code, validate the ID token and
    log the user in. Every failure: the login page with a German message, nothing logged in."""
    import requests
    from authlib.common.errors import AuthlibBaseError
    from joserfc.errors import JoseError

    from atlas.auth.oidc import identity_of

    configured = _oidc()
    if configured is None:
        return ("Die Anmeldung mit Dienstkonto ist hier nicht eingerichtet.\n", 404,
                {"Content-Type": "text/plain; charset=utf-8"})
    config, client = configured
    if request.args.get("error"):
        log.warning("Anmeldung mit Dienstkonto abgelehnt: %s", request.args.get("error")[:80])
        return _oidc_refused(OIDC_FAILED, 401)
    try:
        token = client.authorize_access_token()
        claims = dict(token.get("userinfo") or {})
        if not claims:
            raise ValueError("Antwort ohne ID-Token")
        if config.role_claim and config.role_claim.split(".")[0] not in claims:
            claims = {**client.userinfo(token=token), **claims}  # roles only in the user info
    except requests.RequestException as error:
        log.error("Anmeldedienst %s nicht erreichbar: %s", config.issuer, error)
        return _oidc_refused(OIDC_UNREACHABLE, 502)
    except (AuthlibBaseError, JoseError, RuntimeError, ValueError, KeyError, TypeError) as error:
        # a wrong state, a refused code, an ID token with a bad signature, issuer, audience,
        # expiry or nonce
        log.warning("Anmeldung mit Dienstkonto fehlgeschlagen: %s Adresse=%s", error,
                    client_address())
        return _oidc_refused(OIDC_FAILED, 400)
    who = identity_of(config, claims, lambda n: identity.account_role(_store(), n))
    if who is None:
        log.warning("Anmeldung mit Dienstkonto ohne Namen (sub=%r)", claims.get("sub"))
        return _oidc_refused(OIDC_NO_NAME, 400)
    _start_session(who)
    return redirect("/", code=303)
