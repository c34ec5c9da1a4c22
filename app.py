"""Entry point: ``app`` (Dash) and ``server`` (Flask, for gunicorn ``app:server``)."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from urllib.parse import urlsplit

import dash
import dash_bootstrap_components as dbc  # noqa: F401 - registers the component library
import flask
import flask_bootstrap
import plotly
import plotly.io as pio
from flask import request, send_from_directory
from werkzeug.exceptions import BadRequest

from atlas.a11y_page import a11y_pages
from atlas.api import api, files
from atlas.auth import current_role, current_user_name, may_change_data
from atlas.auth import web as auth_web
from atlas.auth.pages import admin_pages
from atlas.data import get_data, own_store
from atlas.downloads import downloads
from atlas.errors import EXIT_START_ERROR, UnknownIndicator, exit_on_error
from atlas.firstpaint import first_paint_html
from atlas.formats import max_upload_bytes
from atlas.jsonbody import install as install_json_body
from atlas.urlstate import DEFAULT_INDICATOR
from atlas.webbundle import built_bundle
from callbacks import register_callbacks
from layouts import ids
from layouts.main import layout

log = logging.getLogger("atlas")

BOOTSTRAP_DIR = Path(flask_bootstrap.__file__).parent / "static" / "bootstrap5" / "css"
BOOTSTRAP_URL = "/vendor/bootstrap/bootstrap.min.css"
ASSETS = Path(__file__).resolve().parent / "assets"
#: The page's meta description (search engines, link previews; Lighthouse asks for one).
META_DESCRIPTION = ("Sozialstrukturatlas Thüringen: Indikatoren zur Armutsprävention für die "
                    "Landkreise, kreisfreien Städte und Gemeinden als Karte, Zeitreihe und "
                    "Tabelle – mit eigenen Daten der Sozialplanung.")


def on_error(err: Exception) -> None:
    """One place for callback errors: an indicator that is gone (own data deleted while the page
    shows it) is expected: a German hint and the default indicator, no traceback; a new
    revision of the own data makes the page re-derive its indicator lists (dropdowns, the list
    of own data), so the deleted one is no longer offered. Anything else is logged with its
    traceback and gets a German message; the outputs keep what they show."""
    if isinstance(err, UnknownIndicator):
        log.info("Indikator nicht (mehr) vorhanden: %s", err)
        dash.set_props(ids.ALERT, {"children": gone_hint(err), "is_open": True,
                                   "color": "warning"})
        dash.set_props(ids.INDICATOR, {"value": DEFAULT_INDICATOR})
        # any new value refreshes the lists; the page's own count may be anything
        dash.set_props(ids.OWN_REVISION, {"data": time.time_ns()})
        return
    log.exception("Fehler in einem Callback", exc_info=err)
    dash.set_props(ids.ALERT, {
        "children": "Diese Ansicht konnte nicht aktualisiert werden. Die bisherige Anzeige bleibt "
                    "erhalten. Bitte wählen Sie eine andere Einstellung oder laden Sie die Seite neu.",
        "is_open": True,
        "color": "danger",
    })


def gone_hint(err: UnknownIndicator) -> str:
    """The German hint when the indicator a page shows is gone."""
    fallback = get_data().indicator(DEFAULT_INDICATOR).short_title
    name = err.indicator_id[:60] or "?"
    return (f"Den Indikator „{name}“ gibt es nicht mehr – vermutlich wurden diese eigenen Daten "
            f"gelöscht. Gezeigt wird „{fallback}“.")


def page_account() -> dict:
    """What the page header and the own-data forms need of the login: the name (""), whether
    the forms work, the role (links to /protokoll and /benutzer), and the CSRF token for the logout form (outside a request, when Dash
    checks the layout: a visitor's)."""
    if not flask.has_request_context():
        return {"name": "", "may_change": False, "csrf": "", "role": ""}
    return {"name": current_user_name(), "may_change": may_change_data(),
            "csrf": auth_web.csrf_token(), "role": current_role()}


def page_query() -> str:
    """The query of the address the page was opened with, when Dash's renderer asks for the
    layout (its ``Referer``; the page's policy ``same-origin`` sends it): the layout starts with
    that view (:func:`layouts.main.first_view`). "" outside a request or without one."""
    if not flask.has_request_context():
        return ""
    return urlsplit(request.referrer or "").query


def not_found(_error=None):
    """404 with a German message as plain text."""
    return "Diese Datei gibt es hier nicht.\n", 404, {"Content-Type": "text/plain; charset=utf-8"}


def callback_body_problem(body: object, callback_map: dict) -> str | None:
    """What makes ``body`` no request for one of the app's callbacks (German), else None. Dash
    itself answers a malformed body with a 500 (KeyError, TypeError)."""
    if not isinstance(body, dict) or not isinstance(body.get("output"), str):
        return "Die Anfrage nennt keinen Callback („output“ fehlt)."
    spec = callback_map.get(body["output"])
    if spec is None:
        return "Die Anfrage nennt einen unbekannten Callback."

    def ref(item) -> bool:
        return isinstance(item, dict) and isinstance(item.get("property"), str) and "id" in item

    def many(id_text: str) -> bool:
        """An id with the wildcard ALL or ALLSMALLER: its matches come as a list."""
        return id_text.startswith("{") and '["ALL' in id_text

    def fits(item, pattern: bool) -> bool:
        """A wildcard id (``{"index": ALL, …}``) comes as a list of matches, possibly empty;
        any other as one reference."""
        if pattern:
            return isinstance(item, list) and all(ref(i) for i in item)
        return ref(item)

    for key in ("inputs", "state"):
        given = body.get(key, [])
        if (not isinstance(given, list) or len(given) != len(spec[key])
                or not all(fits(item, many(str(want.get("id", ""))))
                           for item, want in zip(given, spec[key]))):
            return f"Die Anfrage hat nicht die „{key}“ dieses Callbacks."
    outputs = body.get("outputs")
    multi = body["output"].startswith("..")
    parts = body["output"].strip(".").split("...") if multi else [body["output"]]
    patterns = [many(part) for part in parts]
    if (multi and not (isinstance(outputs, list) and len(outputs) == len(parts)
                       and all(fits(o, p) for o, p in zip(outputs, patterns)))) \
            or (not multi and not fits(outputs, patterns[0])):
        return "Die Anfrage hat nicht die „outputs“ dieses Callbacks."
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        return "Die Anfrage hat keine gültigen „changedPropIds“."
    return None


def clicked(body: dict) -> bool:
    """Whether a callback request comes from a click: one of the inputs it names as changed
    has a count (``n_clicks``, ``submit_n_clicks`` ≥ 1). Dash also calls a button's callback
    when the button comes into the page (a lazy tab's content), with the count empty; a
    state-changing callback acts on clicks only."""
    changed = set(body.get("changedPropIds") or [])
    for item in body.get("inputs") or []:
        for ref in item if isinstance(item, list) else [item]:
            if f"{ids.dom_id(ref['id'])}.{ref['property']}" in changed and ref.get("value"):
                return True
    return False


def state_changing_outputs(callback_map: dict) -> set[str]:
    """The callbacks (by their output key) that change stored data: those whose function is
    marked with :func:`atlas.auth.web.changes_data`."""
    return {key for key, spec in callback_map.items()
            if getattr(spec.get("callback"), auth_web.CHANGES_DATA, False)}


def check_callback_requests(application: dash.Dash) -> None:
    """A callback request Dash cannot read is a 400 with a German message, not a 500; a
    state-changing one without the right or the CSRF token is a German 403 (logged), before
    the callback runs."""
    path = application.config.routes_pathname_prefix + "_dash-update-component"
    guarded: list[set[str]] = []

    @application.server.before_request
    def check():
        if request.path != path or request.method != "POST":
            return None
        problem = callback_body_problem(request.get_json(), application.callback_map)
        if problem:
            raise BadRequest(problem)
        if not guarded:
            guarded.append(state_changing_outputs(application.callback_map))
        output = request.get_json()["output"]
        if output in guarded[0]:
            if not clicked(request.get_json()):  # its button came into the page (a lazy tab)
                return flask.Response(status=204)  # Dash: nothing to update
            return auth_web.refusal(output)
        return None


def content_security_policy(script_hashes: list[str]) -> str:
    """A CSP that Dash and plotly work with: own scripts plus the hashes of Dash's inline
    scripts; inline styles (plotly sets them); no frames from elsewhere, no plugins."""
    return "; ".join([
        "default-src 'self'",
        "script-src 'self' " + " ".join(script_hashes),
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ])


def add_security_headers(application: dash.Dash) -> None:
    """Security headers on every response; the CSP is computed on the first response, when every
    (clientside) callback is registered."""
    policy: list[str] = []

    @application.server.after_request
    def headers(response):
        if not policy:
            policy.append(content_security_policy(application.csp_hashes()))
        response.headers.setdefault("Content-Security-Policy", policy[0])
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
        response.headers["Referrer-Policy"] = "same-origin"
        if request.path.startswith("/assets/") and request.args.get("m") and \
                response.status_code == 200:
            # Dash fingerprints the address of our own files (?m=<modified>): a new file has a
            # new address, so the browser may keep each one (a second visit asks for none)
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response


def warm_up(application: dash.Dash) -> None:
    """Answer the first requests in-process, once per worker: Dash 4.4 sets itself up on the
    first request, and two threads racing into that setup can answer 500 under threaded
    gunicorn."""
    client = application.server.test_client()
    for path in ("/", "/_dash-layout", "/_dash-dependencies"):
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"Aufwärmen fehlgeschlagen: {path} antwortet {response.status_code}")


#: Scripts the page loads only once Dash has rendered it (plotly.js, 1.4 MB, for the first
#: graph; the chunks of graph, dropdown and slider): the browser fetches them at once, beside
#: the page's other scripts, instead of after them.
#: Where Dash's graphs load plotly.js from (``window._dashPlotlyJSURL`` with serve_locally)
PLOTLY_URL = "/_dash-component-suites/plotly/package_data/plotly.min.js"
#: The plotly package's full plotly.js (served there when the partial bundle is not built)
PLOTLY_FULL = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"

PRELOADED_SCRIPTS = (PLOTLY_URL,
                     "/_dash-component-suites/dash/dcc/async-graph.js",
                     "/_dash-component-suites/dash/dcc/async-dropdown.js",
                     "/_dash-component-suites/dash/dcc/async-slider.js",
                     "/_dash-component-suites/dash/dcc/async-upload.js")


#: What Dash's renderer fetches first, once its scripts have run: asked for by the page's HTML
#: at once (the layout's answer is the address's view: it takes the page's address as Referer)
PRELOADED_FETCHES = ("/_dash-layout", "/_dash-dependencies")


def preload_links() -> str:
    return "\n".join([f'<link rel="preload" as="script" href="{url}">'
                      for url in PRELOADED_SCRIPTS]
                     + [f'<link rel="preload" as="fetch" crossorigin="anonymous" href="{url}">'
                        for url in PRELOADED_FETCHES])


#: Dash's placeholder until the page is rendered (its text is English)
DASH_LOADING = "Loading..."


def add_first_paint(application: dash.Dash) -> None:
    """The page's HTML carries the map of the address's view (:mod:`atlas.firstpaint`) in
    place of Dash's "Loading...": a coloured map before any script has run."""
    interpolate = application.interpolate_index

    def interpolate_index(**kwargs):
        if DASH_LOADING in kwargs.get("app_entry", ""):
            query = request.query_string.decode("utf-8", "replace")
            picture = first_paint_html(get_data(), query) or "Seite wird geladen …"
            kwargs["app_entry"] = kwargs["app_entry"].replace(DASH_LOADING, picture, 1)
        return interpolate(**kwargs)

    application.interpolate_index = interpolate_index


def create_app() -> dash.Dash:
    get_data()  # built data loaded once per process (start fails here if missing); own data re-read
    pio.defaults.topojson = str(ASSETS / "topojson")
    application = dash.Dash(
        __name__,
        title="Sozialstrukturatlas Thüringen",
        external_stylesheets=[BOOTSTRAP_URL],
        assets_folder=str(ASSETS),
        serve_locally=True,
        on_error=on_error,
        update_title=None,
        meta_tags=[{"name": "description", "content": META_DESCRIPTION}],
        compress=True,  # gzip/brotli for plotly.js, layout and every callback response
        # no copy of the whole layout in every page (≈ 200 KB, Dash's validation_layout): that
        # every id a callback names is in the layout is a unit test (test_layout_callbacks.py)
        suppress_callback_exceptions=True,
    )
    # lang for screen readers; Dash's scripts in a plain <div>, not a second <footer> landmark
    application.index_string = (application.index_string.replace("<html>", '<html lang="de">')
                                .replace("{%css%}", "{%css%}\n" + preload_links())
                                .replace("<footer>", "<div>").replace("</footer>", "</div>"))
    server = application.server
    install_json_body(server)  # every JSON body: too deep or malformed → German 400
    # uploads arrive base64-encoded (4/3); up to twice the file limit still gets a German message
    server.config["MAX_CONTENT_LENGTH"] = max_upload_bytes() * 8 // 3 + 1024 * 1024

    @server.get(BOOTSTRAP_URL)
    def bootstrap_css():
        return send_from_directory(BOOTSTRAP_DIR, "bootstrap.min.css", max_age=86400)

    # plotly.js where Dash's graphs load it: the partial bundle (atlas.webbundle), or where it
    # is not built the plotly package's full one (the file Dash would serve there)
    bundle = built_bundle() or PLOTLY_FULL
    if bundle == PLOTLY_FULL:
        logging.getLogger(__name__).info("plotly.js: volles Paket (Teilpaket nicht gebaut)")

    @server.get(PLOTLY_URL)
    def plotly_bundle():
        return send_from_directory(bundle.parent, bundle.name, max_age=86400,
                                   mimetype="application/javascript")

    server.register_blueprint(api)
    server.register_blueprint(files)
    server.register_blueprint(downloads)
    server.register_blueprint(a11y_pages)  # Erklärung zur Barrierefreiheit
    auth_web.install(server, own_store)  # sessions, login, CSRF, the store's write guard
    server.register_blueprint(admin_pages)  # /protokoll and /benutzer
    # a function: every page load lists the current own indicators (imported since start) and
    # shows the login state
    application.layout = lambda: layout(get_data(), account=page_account(), query=page_query())
    register_callbacks()
    check_callback_requests(application)
    # a script path Dash does not know is a missing file (Dash raises, which answered 500)
    server.register_error_handler(dash.exceptions.DependencyException, not_found)
    add_security_headers(application)
    add_first_paint(application)
    warm_up(application)
    return application


# Data not built or corrupt, database unreachable or misconfigured: one German line on stderr and
# exit status 3 (for `atlas serve` and `gunicorn app:server`; gunicorn then stops instead of
# restarting workers), never a traceback.
with exit_on_error(status=EXIT_START_ERROR):
    app = create_app()
server = app.server
