"""Internal own data in the browser (issue #17): a visitor's crawl of the atlas – every tab,
the Gemeinde level, the own level, presentation mode, Eigene Daten, the exports and the API –
never receives an internal id; logged in as redaktion the same data is there; a planner makes
an indicator public in „Eigene Daten“ and a visitor then sees it.
"""

from __future__ import annotations

import pytest

from atlas.urlstate import VIEW_TABS
from atlas.visibility import INTERNAL, PUBLIC
from tests.browser.conftest import EDITOR, choose_option, login, offered_labels, text_of
from tests.conftest import indicator_rows

pytestmark = pytest.mark.browser

SECRET, OPEN = "sicht_b_geheim", "sicht_b_offen"
SECRET_TITLE = "Fallzahl Jugendhilfe intern"
OPEN_TITLE = "Fallzahl Jugendhilfe öffentlich"


def own_count(indicator_id: str, title: str, visibility: str):
    from atlas.store import OwnIndicator

    return OwnIndicator(id=indicator_id, title=title, unit="Anzahl", decimals=0, kind="count",
                        definition="", area="arbeit_wirtschaft", life_phases=(),
                        polarity="neutral", source="Jugendamt, eigene Auswertung", licence="",
                        filename=f"{indicator_id}.csv", file_format="CSV", code="Z",
                        visibility=visibility)


@pytest.fixture(scope="module")
def own_counts(app_module, data):
    """An internal and a public own Kreis count in the live server's store (real values: a
    share of the Arbeitslose)."""
    from atlas.data import data_changed, own_store

    rows = indicator_rows(data, "arbeitslose").dropna(subset=["value"])
    store = own_store()
    for ident, title, visibility, factor in ((SECRET, SECRET_TITLE, INTERNAL, 0.3),
                                             (OPEN, OPEN_TITLE, PUBLIC, 0.2)):
        store.add(own_count(ident, title, visibility),
                  rows.assign(value=(rows["value"] * factor).round(), status=""))
    data_changed()
    yield store
    for ident in (SECRET, OPEN):
        if any(i.id == ident for i in store.indicators()):
            store.delete(ident)
    data_changed()


class Recorder:
    """Every response body the page receives from the atlas (text; binary kept as bytes)."""

    def __init__(self, page, live_url: str):
        self.bodies: list[tuple[str, bytes]] = []
        self.live_url = live_url
        page.on("response", self.keep)

    def keep(self, response) -> None:
        if response.url.startswith(self.live_url) and response.status < 300:
            try:
                self.bodies.append((response.url, response.body()))
            except Exception:  # noqa: BLE001 - a body the page dropped (navigated on)
                pass

    def containing(self, needle: str) -> list[str]:
        return [url for url, body in self.bodies if needle.encode() in body]


def crawl(page, live_url: str) -> None:
    """The planner's rounds as a visitor does them: every tab, the Gemeinde level with a zoom,
    presentation mode, the indicator list opened and searched, the exports and the API."""
    for tab in VIEW_TABS:
        page.goto(f"{live_url}/?indicator=sgb2_quote&ansicht={tab}")
        page.wait_for_selector("#heading", state="attached")
        page.wait_for_load_state("networkidle")
    page.goto(f"{live_url}/?indicator=gemeinde_bevoelkerung_zensus&ebene=gemeinde&zoom=16077")
    page.wait_for_load_state("networkidle")
    page.goto(f"{live_url}/?indicator=sgb2_quote&modus=praesentation")
    page.wait_for_load_state("networkidle")
    page.goto(f"{live_url}/?indicator=sgb2_quote&bereich=arbeit_wirtschaft")
    page.wait_for_selector("#indicator")
    page.wait_for_load_state("networkidle")
    for path in ("/api/indicators", "/api/levels", "/api/coverage", "/robots.txt",
                 f"/api/values?indicator={OPEN}", f"/export/data.csv?indicator={OPEN}",
                 "/export/data.xlsx?indicator=sgb2_quote"):
        response = page.goto(f"{live_url}{path}") if not path.startswith("/export/") \
            else page.request.get(f"{live_url}{path}")
        assert response.status == 200, path


def test_a_visitor_never_receives_an_internal_id(browser, live_url, own_counts):
    context = browser.new_context(locale="de-DE", bypass_csp=True)
    page = context.new_page()
    seen = Recorder(page, live_url)
    try:
        page.goto(f"{live_url}/?indicator=sgb2_quote&bereich=arbeit_wirtschaft")
        page.wait_for_selector("#indicator")
        page.wait_for_load_state("networkidle")
        labels = offered_labels(page, "indicator")
        assert any(OPEN_TITLE in label for label in labels)  # the public one is offered
        assert not any(SECRET_TITLE in label for label in labels)
        crawl(page, live_url)
        export = page.request.get(f"{live_url}/export/data.csv?indicator={OPEN}")
        seen.bodies.append(("export", export.body()))
        assert len(seen.bodies) > 40
        assert seen.containing(OPEN)  # the crawl does reach own data
        assert seen.containing(SECRET) == []
        assert seen.containing(SECRET_TITLE) == []
    finally:
        context.close()


def test_redaktion_receives_the_internal_data(browser, live_url, own_counts, test_accounts):
    """The same crawl logged in: the internal indicator is offered and shown."""
    context = browser.new_context(locale="de-DE", bypass_csp=True)
    page = context.new_page()
    seen = Recorder(page, live_url)
    try:
        login(page, live_url, EDITOR)
        page.goto(f"{live_url}/?indicator={SECRET}")
        text_of(page, "#heading", SECRET_TITLE)
        assert seen.containing(SECRET)
    finally:
        context.close()


def test_a_guessed_internal_id_reads_like_an_unknown_one(browser, live_url, own_counts):
    """A visitor with a link to an internal view gets the message of a link to nothing."""
    context = browser.new_context(locale="de-DE", bypass_csp=True)
    page = context.new_page()
    try:
        messages = []
        for ident in (SECRET, "sicht_b_nichts"):
            page.goto(f"{live_url}/?indicator={ident}")
            text = text_of(page, "#alert", "unbekannt")
            messages.append(text.replace(ident, "X"))
            assert SECRET_TITLE not in page.content()
        assert messages[0] == messages[1]
    finally:
        context.close()


@pytest.mark.logged_in
def test_a_planner_makes_an_indicator_public_and_a_visitor_sees_it(
        atlas_page, browser, live_url, own_counts):
    page = atlas_page.page
    page.goto(f"{live_url}/?ansicht=own")
    page.wait_for_selector("#visibility-choice")
    choose_option(page, "visibility-choice", SECRET_TITLE)
    page.get_by_label("öffentlich – für alle, auch ohne Anmeldung").last.check()
    page.click("#visibility-set")
    text_of(page, "#visibility-status", "ist jetzt öffentlich")
    try:
        entry = own_counts.audit(limit=1)[0]
        assert (entry.action, entry.object_id, entry.actor) == ("visibility", SECRET, EDITOR)
        visitor = browser.new_context(locale="de-DE", bypass_csp=True)
        try:
            other = visitor.new_page()
            other.goto(f"{live_url}/?indicator={SECRET}")
            text_of(other, "#heading", SECRET_TITLE)
        finally:
            visitor.close()
    finally:
        own_counts.set_visibility(SECRET, INTERNAL)
        from atlas.data import data_changed

        data_changed()
