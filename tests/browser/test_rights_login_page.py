"""Who may change what, in the browser: log in as redaktion or admin (accounts made with
``atlas user add``), import and delete an own indicator, log out; a visitor sees „Zum Ändern
bitte anmelden“ instead of the forms and a forced request is refused; a wrong password gets the
generic message."""

from __future__ import annotations

import pytest

from tests.browser.conftest import ADMIN, EDITOR, login

pytestmark = pytest.mark.browser

OWN_ID = "rechte_krippe"


@pytest.fixture
def kita_file(tmp_path, data):
    rows = [f"{ags};2023;krippe;{10 + i * 1.5:.1f}".replace(".", ",") + ";%;Jugendämter"
            for i, ags in enumerate(sorted(data.regions["ags"]))]
    path = tmp_path / "krippenquote_2023.csv"
    path.write_text("ags;jahr;indikator;wert;einheit;quelle\n" + "\n".join(rows) + "\n",
                    encoding="utf-8")
    return path


@pytest.fixture
def cleanup():
    from atlas.data import data_changed, own_store

    yield
    if OWN_ID in [o.id for o in own_store().indicators()]:
        own_store().delete(OWN_ID)
    data_changed()


def _own_tab(page):
    page.get_by_role("tab", name="Eigene Daten").click()
    page.wait_for_selector("#own-upload input[type=file]", state="attached")


def _import_and_delete(atlas_page, live_url, kita_file, name: str):
    from atlas.data import own_store

    page = atlas_page.page
    atlas_page.open(live_url)
    assert page.inner_text("#konto") == f"Abmelden ({name})"
    _own_tab(page)
    assert page.locator("#own-login-hint").count() == 0
    page.set_input_files("#own-upload input[type=file]", str(kita_file))
    page.wait_for_function("document.querySelector('#own-preview').innerText.includes('Kreisen')",
                           timeout=20000)
    page.fill("#own-title", "Krippenquote (Rechte)")
    page.fill("#own-id", OWN_ID)
    page.click("#own-area")
    page.locator(".dash-dropdown-options [role=option]", has_text="Familie").first.click()
    page.get_by_role("checkbox", name="Kindheit").check()
    page.fill("#own-source", "Jugendämter der Kreise")
    page.get_by_role("button", name="Importieren").click()
    page.wait_for_function(
        "document.querySelector('#heading').innerText.startsWith('Krippenquote (Rechte)')"
        " || document.querySelector('#own-status').innerText.includes('Nicht importiert')",
        timeout=20000)
    assert "Nicht importiert" not in page.inner_text("#own-status")
    assert OWN_ID in [o.id for o in own_store().indicators()]
    atlas_page.settle()
    _own_tab(page)
    page.click("#own-delete-choice")
    page.locator(".dash-dropdown-options [role=option]",
                 has_text="Krippenquote (Rechte)").first.click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Löschen", exact=True).click()
    page.wait_for_function(
        "document.querySelector('#own-status').innerText.includes('gelöscht')", timeout=20000)
    assert OWN_ID not in [o.id for o in own_store().indicators()]
    atlas_page.settle()


def test_rl001_redaktion_imports_and_deletes_then_logs_out(atlas_page, live_url, kita_file,
                                                          cleanup):
    atlas_page.login(live_url, EDITOR)
    _import_and_delete(atlas_page, live_url, kita_file, EDITOR)
    page = atlas_page.page
    with page.expect_navigation():
        page.get_by_role("button", name=f"Abmelden ({EDITOR})").click()
    page.wait_for_selector("#konto a")
    assert page.inner_text("#konto") == "Anmelden"
    _own_tab(page)
    assert "Zum Ändern bitte anmelden" in page.inner_text("#own-login-hint")
    page.screenshot(path="/tmp/rights_after_logout.png")


def test_rl002_admin_may_do_what_redaktion_may(atlas_page, live_url, kita_file, cleanup):
    atlas_page.login(live_url, ADMIN)
    _import_and_delete(atlas_page, live_url, kita_file, ADMIN)


def test_rl003_a_visitor_sees_the_hint_and_a_forced_request_is_refused(atlas_page, live_url,
                                                                       data):
    from atlas.data import own_store

    page = atlas_page.page
    atlas_page.open(live_url)
    assert page.inner_text("#konto") == "Anmelden"
    _own_tab(page)
    hint = page.locator("#own-login-hint")
    assert hint.is_visible() and "Zum Ändern bitte anmelden" in hint.inner_text()
    assert page.get_by_role("button", name="Importieren").count() == 0 or \
        not page.get_by_role("button", name="Importieren").is_visible()
    assert not page.get_by_role("button", name="Löschen", exact=True).is_visible()
    page.screenshot(path="/tmp/rights_visitor.png")
    before = [o.id for o in own_store().indicators()], own_store().revision()
    # the page's own fetch, with its CSRF cookie as dash-renderer sends it: still refused
    answer = page.evaluate("""async () => {
        const deps = await (await fetch('/_dash-dependencies')).json();
        const cb = deps.find(c => c.output.includes('own-delete-choice.value'));
        const token = document.cookie.split('; ').find(c => c.startsWith('_csrf_token='));
        const r = await fetch('/_dash-update-component', {method: 'POST',
            headers: {'Content-Type': 'application/json',
                      'X-CSRFToken': token ? token.split('=')[1] : ''},
            body: JSON.stringify({output: cb.output,
                outputs: cb.output.replace(/^\\.\\.|\\.\\.$/g, '').split('...').map(p => ({
                    id: p.slice(0, p.lastIndexOf('.')), property: p.slice(p.lastIndexOf('.') + 1)})),
                inputs: cb.inputs.map(i => ({id: i.id, property: i.property, value: 1})),
                state: cb.state.map(s => ({id: s.id, property: s.property, value: 'sgb2_quote'})),
                changedPropIds: [cb.inputs[0].id + '.' + cb.inputs[0].property]})});
        return [r.status, (await r.json()).message];
    }""")
    assert answer[0] == 403 and "Zum Ändern bitte anmelden" in answer[1]
    assert ([o.id for o in own_store().indicators()], own_store().revision()) == before
    # the refused request was the point: its 403 is expected, nothing else
    atlas_page.failed[:] = [f for f in atlas_page.failed if "_dash-update-component" not in f]
    atlas_page.console[:] = [c for c in atlas_page.console if "403 (FORBIDDEN)" not in c]


@pytest.mark.console_noise_expected  # the login page answers 401 to the wrong password
def test_rl004_a_wrong_password_gets_the_generic_message(atlas_page, live_url):
    page = atlas_page.page
    login(page, live_url, EDITOR, "voellig-falsches-passwort")
    alert = page.get_by_role("alert")
    assert alert.inner_text() == "Name oder Passwort falsch."
    assert page.url.endswith("/anmelden")
    login(page, live_url, "gibt_es_nicht", "voellig-falsches-passwort")
    assert page.get_by_role("alert").inner_text() == "Name oder Passwort falsch."
    page.screenshot(path="/tmp/rights_wrong_password.png")




def test_rl005_login_and_logout_work_under_the_apps_csp(browser, live_url, watch_console,
                                                        test_accounts):
    """The login form is plain HTML of our own: it works with the Content-Security-Policy on
    (no inline script), and so does the logout form in the page header."""
    context = browser.new_context(locale="de-DE")  # CSP enforced
    try:
        page = watch_console(context.new_page()).page
        response = page.goto(f"{live_url}/anmelden")
        assert "script-src 'self'" in response.headers["content-security-policy"]
        login(page, live_url, EDITOR)
        page.wait_for_selector("#konto button")
        assert page.inner_text("#konto") == f"Abmelden ({EDITOR})"
        with page.expect_navigation():
            page.get_by_role("button", name=f"Abmelden ({EDITOR})").click()
        page.wait_for_selector("#konto a")
        assert page.inner_text("#konto") == "Anmelden"
    finally:
        context.close()
