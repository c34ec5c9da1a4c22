"""The Papierkorb in "Eigene Daten" (#17): a planner deletes an own indicator, finds it in the
Papierkorb and brings it back with "Wiederherstellen"; a restore that cannot be done says why
and changes nothing."""

from __future__ import annotations

import pytest

from tests.browser.conftest import text_of

pytestmark = [pytest.mark.browser, pytest.mark.logged_in]  # the page changes own data

TITLE = "Halbe Arbeitslose (Papierkorb-Test)"


@pytest.fixture
def trash_indicator(data):
    """An own indicator in the live server's store (values derived from the built data);
    removed afterwards, whatever the test left."""
    from atlas.data import data_changed, own_store
    from tests.unit.test_rights_audit import half_of, own_count

    store = own_store()
    store.add(own_count("papierkorb_test", title=TITLE), half_of(data, "arbeitslose"),
              actor="test")
    data_changed()
    yield store
    if "papierkorb_test" in {i.id for i in store.indicators()}:
        store.delete("papierkorb_test", actor="test")
    data_changed()


def _own_tab(page):
    page.get_by_role("tab", name="Eigene Daten").click()
    page.wait_for_selector("#trash-list", state="attached")


def test_delete_then_restore_from_the_papierkorb(atlas_page, live_url, trash_indicator, data):
    store = trash_indicator
    values_before = store.values()
    atlas_page.open(live_url)
    page = atlas_page.page
    page.on("dialog", lambda dialog: dialog.accept())
    _own_tab(page)
    page.click("#own-delete-choice")
    page.locator(".dash-dropdown-options [role=option]", has_text=TITLE).first.click()
    page.get_by_role("button", name="Löschen", exact=True).first.click()
    status = text_of(page, "#own-status", "Papierkorb")
    assert "papierkorb_test" in status and "gelöscht" in status
    page.wait_for_function(
        "t => !(window.dash_component_api.getLayout('indicator').props.options || [])"
        ".some(o => String(o.label).includes(t))", arg=TITLE, timeout=20000)
    entry = text_of(page, "#trash-list", TITLE)
    assert "gelöscht am" in entry and "endgültig gelöscht am" in entry
    button = page.get_by_role("button", name=f"„{TITLE}“ (papierkorb_test) wiederherstellen")
    button.first.click()
    assert "wiederhergestellt" in text_of(page, "#trash-status", "wiederhergestellt")
    page.wait_for_function(
        "t => (window.dash_component_api.getLayout('indicator').props.options || [])"
        ".some(o => String(o.label).includes(t))", arg=TITLE, timeout=20000)
    page.wait_for_function(
        "t => !document.querySelector('#trash-list').innerText.includes(t)", arg=TITLE)
    restored = store.values()
    mine = restored[restored["indicator"] == "papierkorb_test"].reset_index(drop=True)
    expected = values_before[values_before["indicator"] == "papierkorb_test"] \
        .reset_index(drop=True)
    assert mine.equals(expected)
    assert [e.action for e in store.audit(limit=2)] == ["restore", "delete"]


def test_a_restore_that_cannot_be_done_says_why_and_changes_nothing(atlas_page, live_url,
                                                                     trash_indicator, data):
    from atlas.data import data_changed
    from tests.unit.test_rights_audit import half_of, own_count

    store = trash_indicator
    store.delete("papierkorb_test", actor="test")
    store.add(own_count("papierkorb_test", title="Neue Fassung"), half_of(data, "arbeitslose", 2),
              actor="test")  # the id is taken again
    data_changed()
    before = (store.indicators(), store.trash(), len(store.audit()))
    atlas_page.open(live_url)
    page = atlas_page.page
    _own_tab(page)
    text_of(page, "#trash-list", TITLE)
    page.get_by_role("button", name=f"„{TITLE}“ (papierkorb_test) wiederherstellen").first.click()
    message = text_of(page, "#trash-status", "Nicht wiederhergestellt")
    assert "inzwischen" in message and "es wurde nichts geändert" in message
    assert (store.indicators(), store.trash(), len(store.audit())) == before
