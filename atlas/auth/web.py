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
"""

from __future__ import annotations

import hmac
import logging
import os
import secrets
import time
from html import escape

from flask import Blueprint, Flask, current_app, g, jsonify, redirect, request, session
from flask.sessions import SecureCookieSessionInterface

from atlas import auth
from atlas import store as store_module
from atlas.auth import (
    SESSION_ROLE,
    SESSION_USER,
    Refused,
    accounts,
    current_role,
    current_user_name,
    may,
)
from atlas.auth.ratelimit import WINDOW_S, RateLimiter

log = logging.getLogger("atlas.auth")

SESSION_MINUTES_ENV = "ATLAS_SESSION_MINUTES"
SECURE_COOKIES_ENV = "ATLAS_SECURE_COOKIES"
DEFAULT_SESSION_MINUTES = 60
CSRF_COOKIE, CSRF_HEADER, CSRF_FIELD = "_csrf_token", "X-CSRFToken", "csrf_token"
_SESSION_CSRF, _SESSION_SEEN = "csrf", "seen"
SECRET_SETTING = "session_secret"
_STORE_KEY = "atlas_store"
#: The attribute :func:`changes_data` sets on a callback function.
CHANGES_DATA = "atlas_changes_data"
LOGIN_PATH, LOGOUT_PATH = "/anmelden", "/abmelden"
REFUSED_TEXT = ("Keine Berechtigung: Eigene Daten ändern darf nur, wer als Redaktion oder Admin "
                "angemeldet ist. Zum Ändern bitte anmelden.")
CSRF_TEXT = ("Die Anfrage trägt kein gültiges Sicherheitsmerkmal (CSRF-Token). Bitte die Seite "
             "neu laden und es erneut versuchen.")
LOGIN_FAILED = "Name oder Passwort falsch."
TOO_MANY = ("Zu viele Fehlversuche für diesen Namen von dieser Adresse. Bitte in "
            f"{WINDOW_S // 60} Minuten erneut versuchen.")

auth_pages = Blueprint("auth_pages", __name__)
limiter = RateLimiter()


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
    log.warning("Abgewiesen (%s): Name=%r Rolle=%s Pfad=%s Callback=%s Adresse=%s", reason,
                current_user_name(), current_role(), request.path, callback or "-",
                request.remote_addr)


def effective_role() -> str:
    """The role of the current request as the store has it now (an account removed or changed
    since the login counts as such)."""
    name = current_user_name()
    if not name:
        return auth.VISITOR
    user = _store().user(name)
    return user["role"] if user else auth.VISITOR


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
    server.session_interface = _SessionInterface()
    server.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                         SESSION_COOKIE_NAME="atlas_session")
    server.register_blueprint(auth_pages)
    from atlas.auth.pages import admin_pages  # /protokoll and /benutzer (they use this module)

    server.register_blueprint(admin_pages)
    store_module.write_guard = write_guard

    @server.before_request
    def idle_timeout():
        # only a request with a session cookie touches the session (else Flask adds
        # "Vary: Cookie" to every file and API answer)
        if server.config["SESSION_COOKIE_NAME"] in request.cookies and current_user_name():
            now = time.time()
            seen = session.get(_SESSION_SEEN, 0)
            if not isinstance(seen, (int, float)) or now - seen > session_minutes() * 60:
                log.info("Sitzung von %r nach Leerlauf beendet", current_user_name())
                session.clear()
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
<header class="bg-primary text-white py-2 mb-4"><div class="container">
<a class="h4 text-white text-decoration-none" href="/">Sozialstrukturatlas Thüringen</a>
</div></header>
<main class="container" id="inhalt">
<h1 class="h3">{title}</h1>
{body}
</main>
</body>
</html>
"""


def _login_page(message: str = "", name: str = "", status: int = 200):
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
</form>
<p class="small text-muted mt-4">Ohne Anmeldung lässt sich der Atlas ansehen; eigene Daten
ändern dürfen Konten der Rollen „redaktion“ und „admin“. Konten legt die Verwaltung mit
„atlas user add“ an.</p>"""
    html = _PAGE.format(title="Anmelden", body=body)
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
    key = (name, request.remote_addr or "")
    if limiter.blocked(key):
        _log_refusal("zu viele Fehlversuche")
        return _login_page(TOO_MANY, name, 429)
    user = accounts.authenticate(_store(), name, password)
    if user is None:
        limiter.fail(key)
        log.warning("Anmeldung fehlgeschlagen: Name=%r Adresse=%s", name, request.remote_addr)
        return _login_page(LOGIN_FAILED, name, 401)
    limiter.succeed(key)
    session.clear()  # a new session (and CSRF token) after login: no session fixation
    session[SESSION_USER], session[SESSION_ROLE] = user["name"], user["role"]
    session[_SESSION_SEEN] = time.time()
    csrf_token()
    log.info("Angemeldet: Name=%r Rolle=%s Adresse=%s", user["name"], user["role"],
             request.remote_addr)
    return redirect("/", code=303)


@auth_pages.post(LOGOUT_PATH)
def logout():
    if not csrf_ok(request.form.get(CSRF_FIELD)):
        _log_refusal("Abmeldung ohne CSRF-Token")
        return (_PAGE.format(title="Abmelden", body=f'<p role="alert">{escape(CSRF_TEXT)}</p>'),
                403, {"Content-Type": "text/html; charset=utf-8"})
    log.info("Abgemeldet: Name=%r", current_user_name())
    session.clear()
    return redirect("/", code=303)
