"""Single sign-on in the browser: the login page offers „Mit Dienstkonto anmelden“, the click
goes to the (local) identity provider, whose login brings the user back to the atlas logged in
— the header names the user, the Eigene-Daten forms are there; a denied login shows the German
message on the login page. The provider is ``oidc-provider-mock`` in its own process; the
browser may reach nothing but loopback (the provider's page would load a stylesheet from a
CDN: answered empty here)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from atlas.auth import oidc as oidc_module
from atlas.auth import web as auth_web
from tests.live_servers import oidc_provider, set_oidc_user

pytestmark = pytest.mark.browser


@pytest.fixture
def sso(app_module, live_url, monkeypatch):
    """The live atlas configured for OIDC against a local provider (as ATLAS_OIDC_* would do at
    start; removed afterwards)."""
    with oidc_provider([live_url + auth_web.OIDC_BACK_PATH]) as provider:
        config = oidc_module.OidcConfig.from_env({
            oidc_module.ISSUER_ENV: provider["issuer"],
            oidc_module.CLIENT_ID_ENV: provider["client_id"],
            oidc_module.CLIENT_SECRET_ENV: provider["client_secret"],
            oidc_module.ROLE_CLAIM_ENV: "groups",
            oidc_module.ROLES_ENV: "atlas-redaktion:redaktion,atlas-admin:admin"})
        client = oidc_module.register(app_module.server, config)
        monkeypatch.setitem(app_module.server.extensions, "atlas_oidc", (config, client))
        yield provider


def only_loopback(page) -> None:
    def handle(route):
        if urlsplit(route.request.url).hostname in ("127.0.0.1", "localhost"):
            route.continue_()
        else:  # the provider's CDN stylesheet: never fetched
            route.fulfill(status=200, body="", content_type="text/css")

    page.route("**/*", handle)


def _at_provider(page, live_url: str):
    page.goto(f"{live_url}/anmelden")
    button = page.get_by_role("link", name=auth_web.OIDC_BUTTON)
    assert button.is_visible()
    button.click()
    page.wait_for_selector("input[name=sub]")


def test_sso001_login_with_the_service_account(atlas_page, live_url, sso):
    set_oidc_user(sso, "u-schulze", {"preferred_username": "schulze",
                                     "groups": ["atlas-redaktion"]})
    page = atlas_page.page
    only_loopback(page)
    _at_provider(page, live_url)
    page.fill("input[name=sub]", "u-schulze")
    with page.expect_navigation(url=f"{live_url}/"):
        page.get_by_role("button", name="Authorize").click()
    atlas_page.open(live_url)
    assert page.inner_text("#konto") == "Abmelden (schulze)"
    page.get_by_role("tab", name="Eigene Daten").click()
    page.wait_for_selector("#own-upload input[type=file]", state="attached")
    assert page.locator("#own-login-hint").count() == 0
    page.screenshot(path="/tmp/rights_sso_logged_in.png")


@pytest.mark.console_noise_expected  # the login page answers 401 to the denied login
def test_sso002_a_denied_login_says_so_in_german(atlas_page, live_url, sso):
    page = atlas_page.page
    only_loopback(page)
    _at_provider(page, live_url)
    with page.expect_navigation(url=f"{live_url}{auth_web.OIDC_BACK_PATH}**"):
        page.get_by_role("button", name="Deny").click()
    alert = page.get_by_role("alert")
    assert alert.inner_text() == auth_web.OIDC_FAILED
    assert page.get_by_role("link", name=auth_web.OIDC_BUTTON).is_visible()  # try again
    page.screenshot(path="/tmp/rights_sso_denied.png")
    page.goto(live_url + "/")
    page.wait_for_selector("#konto")
    assert page.inner_text("#konto") == "Anmelden"
