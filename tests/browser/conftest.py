"""Browser tests: the real app on a loopback port, driven by Debian's headless Chromium."""

from __future__ import annotations

import shutil
import threading

import pytest
from werkzeug.serving import make_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def live_url(app_module):
    server = make_server("127.0.0.1", 0, app_module.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    if not shutil.which(CHROMIUM) and not __import__("os").path.exists(CHROMIUM):
        pytest.skip("Debian-Chromium fehlt: apt-get install chromium (.ci/run installiert es)")
    with playwright.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


#: Counts the page's requests to Dash callbacks in flight (window.__atlasInFlight).
IN_FLIGHT_JS = """
(() => {
  window.__atlasInFlight = 0;
  const fetch = window.fetch;
  window.fetch = function () {
    window.__atlasInFlight += 1;
    return fetch.apply(this, arguments).finally(() => { window.__atlasInFlight -= 1; });
  };
})();
"""

#: True once no callback request is in flight and the link field equals the address bar, on
#: two polls in a row (the page writes the address 300 ms after the view rests).
SETTLED_JS = """
() => {
  const field = document.querySelector('.share-link');
  const ok = (window.__atlasInFlight || 0) === 0 &&
    (!field || !field.value || field.value === location.href);
  const now = (field ? field.value : '') + '|' + location.href;
  const same = ok && window.__atlasSettled === now;
  window.__atlasSettled = ok ? now : null;
  return same;
}
"""


class Page:
    """A page plus what the browser reported: console messages and failed requests."""

    def __init__(self, page):
        self.page = page
        page.add_init_script(IN_FLIGHT_JS)
        self.console: list[str] = []
        self.failed: list[str] = []
        page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}")
                if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: self.console.append(f"pageerror: {e}"))
        # a request the page dropped itself (it navigated on) is no failure
        page.on("requestfailed", lambda r: self.failed.append(f"{r.failure} {r.url}")
                if "ERR_ABORTED" not in (r.failure or "") else None)
        page.on("response", lambda r: self.failed.append(f"{r.status} {r.url}")
                if r.status >= 400 else None)

    def open(self, url: str) -> None:
        self.page.goto(url)
        self.page.wait_for_function(
            "document.querySelectorAll('#map .choroplethlocation').length === 22"
            " && document.querySelector('#heading').innerText.length > 0"
            " && document.querySelectorAll('#values-table tbody tr').length > 0", timeout=20000
        )
        self.page.wait_for_load_state("networkidle")

    def login(self, live_url: str, name: str = "") -> None:
        """Log in through the page's form (:data:`EDITOR` unless ``name`` is given); the browser
        then holds the session cookie (see :func:`login`)."""
        login(self.page, live_url, name or EDITOR)

    def settle(self) -> None:
        """Wait until the page rests: no callback in flight, the address bar written."""
        self.page.wait_for_function(SETTLED_JS, polling=250, timeout=20000)

    def map_fills(self) -> list[str]:
        return self.page.eval_on_selector_all(
            "#map .choroplethlocation", "els => els.map(e => getComputedStyle(e).fill)")

    def hover(self, ags: str, graph_id: str = "map") -> str:
        """The hover label the map shows with the mouse over region ``ags`` (lines joined by
        newlines): scrolls the region into view, as a user would, and moves the real mouse to
        the middle of its path."""
        point = self.page.evaluate(
            """([graph, ags]) => {
                const el = Array.from(document.querySelectorAll(`#${graph} .choroplethlocation`))
                    .find(e => e.__data__ && e.__data__.loc === ags);
                if (!el) { return null; }
                el.scrollIntoView({block: 'center', inline: 'center', behavior: 'instant'});
                const r = el.getBoundingClientRect();
                return [r.x + r.width / 2, r.y + r.height / 2];
            }""", [graph_id, ags])
        assert point, f"{ags} is not drawn on #{graph_id}"
        self.page.mouse.move(0, 0)
        self.page.mouse.move(*point)
        self.page.wait_for_selector(f"#{graph_id} .hoverlayer .hovertext", timeout=5000)
        return self.page.evaluate(
            """graph => Array.from(document.querySelectorAll(
                   `#${graph} .hoverlayer .hovertext text.nums tspan.line`))
                   .map(t => t.textContent).join('\\n')""", graph_id)

    def full_data(self, graph_id: str) -> list[dict]:
        return self.page.evaluate(
            f"""() => document.querySelector('#{graph_id} .js-plotly-plot')._fullData.map(t => ({{
                name: t.name, type: t.type,
                locations: t.locations ? Array.from(t.locations) : null,
                z: t.z ? Array.from(t.z) : null,
                x: t.x ? Array.from(t.x) : null, y: t.y ? Array.from(t.y) : null,
                visible: t.visible}}))"""
        )


#: Marks a test that provokes console errors or failed requests on purpose: its page's console
#: is not required to stay clean.
NOISY = "console_noise_expected"


#: Marks a test (or, as ``pytestmark``, a module) whose page changes own data: ``atlas_page`` is
#: logged in as :data:`EDITOR` (role redaktion) before the test starts.
LOGIN = "logged_in"
#: The test accounts, made once per session with ``atlas user add`` (password from stdin).
EDITOR, ADMIN = "test_redaktion", "test_admin"
TEST_PASSWORD = "browser-test-passwort"


def pytest_configure(config):
    config.addinivalue_line("markers", f"{NOISY}: the test provokes console errors or failed "
                                       "requests on purpose (no clean-console check)")
    config.addinivalue_line("markers", f"{LOGIN}: atlas_page logs in as {EDITOR} first")


@pytest.fixture(scope="session")
def test_accounts(app_module):
    """The accounts :data:`EDITOR` (redaktion) and :data:`ADMIN` (admin) in the live server's
    store, made as the planner's administrator does: ``atlas user add`` with the password on
    stdin."""
    import io

    from atlas.cli import main
    from atlas.data import own_store

    with pytest.MonkeyPatch.context() as patch:
        for name, role in ((EDITOR, "redaktion"), (ADMIN, "admin")):
            patch.setattr("sys.stdin", io.StringIO(TEST_PASSWORD + "\n"))
            args = ["user", "add", name, "--role", role]
            assert main(args + (["--ersetzen"] if own_store().user(name) else [])) == 0
    return {EDITOR: "redaktion", ADMIN: "admin"}


def login(page, live_url: str, name: str, password: str = TEST_PASSWORD) -> None:
    """Log a Playwright page in through the form at /anmelden (it lands on the atlas)."""
    page.goto(f"{live_url}/anmelden")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Passwort").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Anmelden").click()


def assert_clean(page: Page, request) -> None:
    """Every browser test ends with a clean console: no error or warning, no failed request
    (unless the test is marked :data:`NOISY`)."""
    if request.node.get_closest_marker(NOISY):
        return
    assert page.console == [], f"Konsole nicht sauber: {page.console}"
    assert page.failed == [], f"Fehlgeschlagene Anfragen: {page.failed}"


@pytest.fixture
def atlas_page(browser, live_url, request, test_accounts):
    # Playwright's string predicates are evaluated with eval(), which our CSP forbids; the app
    # itself is checked under its CSP in test_security_headers.py
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="de-DE",
                                  bypass_csp=True)
    page = Page(context.new_page())
    if request.node.get_closest_marker(LOGIN):
        page.login(live_url)
    yield page
    context.close()
    assert_clean(page, request)


@pytest.fixture
def watch_console(request):
    """For tests that open their own pages: ``watch(page)`` records a Playwright page's console
    and failed requests (returns the :class:`Page`); all are asserted clean at the end."""
    watched: list[Page] = []

    def watch(playwright_page) -> Page:
        watched.append(Page(playwright_page))
        return watched[-1]

    yield watch
    for page in watched:
        assert_clean(page, request)


def text_of(page, selector: str, wanted: str, timeout: int = 30000) -> str:
    """The text of ``selector`` once it contains ``wanted``."""
    page.wait_for_function(
        "([s, w]) => { const e = document.querySelector(s); return e && e.innerText.includes(w); }",
        arg=[selector, wanted], timeout=timeout)
    return page.inner_text(selector)


def offered_labels(page, dropdown_id: str) -> list[str]:
    """The labels a Dash dropdown offers (its ``options``, headers included). Read from the
    component, not the open list: from 100 options on Dash renders only the visible ones."""
    return page.evaluate(
        "id => (window.dash_component_api.getLayout(id).props.options || [])"
        ".map(o => String(o.label).trim())", dropdown_id)


def choose_option(page, dropdown_id: str, text: str) -> None:
    """Open a Dash dropdown and click its first option containing ``text`` (typed into its
    search first where it has one: from 100 options on Dash renders only the visible ones)."""
    page.click(f"#{dropdown_id}")
    search = page.locator(".dash-dropdown-content input.dash-dropdown-search:visible")
    if search.count():
        search.first.fill(text)
    page.locator(".dash-dropdown-options [role=option]", has_text=text).first.click()


@pytest.fixture
def own_levels_to_remove():
    """A list for the ids of own levels a test adds to the live server's store: afterwards they
    are deleted with their data (whatever the test left)."""
    from atlas.data import data_changed, own_store

    added: list[str] = []
    yield added
    present = {level.id for level in own_store().levels()}
    for level_id in added:
        if level_id in present:
            own_store().delete_level(level_id, with_data=True)
    data_changed()


def create_vg_level(page, level_id: str, title: str) -> None:
    """Fill the "Eigene Gebiete" form for the Verwaltungsgemeinschaften of the Altenburger Land
    (after their boundary file was uploaded) and create the level."""
    page.fill("#level-title", title)
    page.fill("#level-id", level_id)
    page.fill("#level-singular", "Verwaltungsgemeinschaft")
    page.fill("#level-gebietsstand", "01.01.2021")
    page.fill("#level-source", "BKG VG5000, zusammengefasst")
    page.wait_for_function("!document.querySelector('#level-confirm').disabled")
    page.get_by_role("button", name="Ebene anlegen").click()
    text_of(page, "#level-status", "angelegt")


class HeldCallbacks:
    """Requests to Dash's callbacks (those ``wanted`` picks, default all) held until
    :meth:`release`: a late answer on a busy server, made to happen. The others, and every
    request after the release, pass."""

    def __init__(self, page, wanted=None) -> None:
        self.routes: list = []
        self.released = False
        self.wanted = wanted or (lambda request: True)
        page.route("**/_dash-update-component*", self._handle)

    def _handle(self, route, request) -> None:
        if self.released or not self.wanted(request):
            route.continue_()
        else:
            self.routes.append(route)

    def release(self) -> None:
        self.released = True
        for route in self.routes:
            route.continue_()
