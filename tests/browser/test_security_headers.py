"""The page works under its own Content Security Policy: no inline code runs that is not hashed,
nothing is framed from elsewhere, and the browser reports no violation."""

import pytest

pytestmark = pytest.mark.browser


def test_headers_are_sent(app_module):
    response = app_module.server.test_client().get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in csp and "object-src 'none'" in csp
    assert "'unsafe-eval'" not in csp and "script-src 'self' 'sha256-" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_atlas_works_under_its_csp(browser, live_url):
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="de-DE")
    page = context.new_page()
    messages = []
    page.on("console", lambda m: messages.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: messages.append(f"pageerror: {e}"))
    page.goto(live_url + "/?indicator=kinderarmut")
    page.wait_for_selector("#map .choroplethlocation", timeout=20000)
    page.wait_for_selector("#values-table tbody tr", timeout=20000)
    assert page.locator("#map .choroplethlocation").count() == 22
    # a click on a district runs callbacks (Dash's inline renderer script is allowed by hash)
    page.locator("#map .choroplethlocation").nth(5).click(force=True)
    page.wait_for_selector("#districts .dash-dropdown-value-item, #districts [class*=value]",
                           timeout=10000)
    page.wait_for_load_state("networkidle")
    assert not [m for m in messages if "Content Security Policy" in m or "pageerror" in m], messages
    context.close()
