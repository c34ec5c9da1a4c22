"""Issue #18: a tab the user chose stays shown. The answer to the address the page was opened
with (here ``ansicht=change``) can come late on a busy server; if the user has chosen a tab
meanwhile, that late answer must not switch the view back (it did: keyboard users lost their
place)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import HeldCallbacks

pytestmark = pytest.mark.browser

SELECTED = ("() => { const t = document.querySelector('#main [role=tablist] "
            "[role=tab][aria-selected=true]'); return t && t.innerText.trim(); }")


def test_a11y401_a_late_answer_to_the_address_does_not_undo_a_chosen_tab(atlas_page, live_url):
    page = atlas_page.page
    # the server's answer to the address: the callback with output ``tab-from-url``
    held = HeldCallbacks(page, lambda request: "tab-from-url" in (request.post_data or ""))
    with page.expect_request(lambda r: "tab-from-url" in (r.post_data or ""), timeout=60000):
        page.goto(live_url + "/?indicator=kinderarmut&ansicht=change")
    page.wait_for_selector("#main [role=tab]")
    page.get_by_role("tab", name="Ranking").click()
    page.wait_for_function(f"() => ({SELECTED})() === 'Ranking'")
    assert held.routes, "the answer to the address was not held"
    held.release()
    page.wait_for_function("() => (window.__atlasInFlight || 0) === 0", timeout=60000)
    # the late answer has arrived and was applied to everything but the tab
    page.wait_for_function("() => document.querySelector('#heading').innerText.length > 0")
    assert page.evaluate(SELECTED) == "Ranking"


def test_a11y402_without_a_choice_the_address_shows_its_tab(atlas_page, live_url):
    atlas_page.open(live_url + "/?indicator=kinderarmut&ansicht=change")
    page = atlas_page.page
    page.wait_for_function(f"() => ({SELECTED})() === 'Veränderung'", timeout=60000)
