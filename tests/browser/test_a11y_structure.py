"""Issue #18 in the browser, as a screen-reader or keyboard user meets the page: the tabs are a
real tablist, the controls carry the names of their visible labels, the page has one main and
one footer with headings in order, its title names the view and changes with it (said politely),
the map is a figure named by what it shows and skip links lead past the filters."""

from __future__ import annotations

import re

import pytest

from atlas.urlstate import VIEW_TABS

pytestmark = pytest.mark.browser

FOCUSED_ID = "() => document.activeElement && document.activeElement.id"


def _tab_state(page) -> list[dict]:
    return page.evaluate("""() => Array.from(document.querySelectorAll(
        '#main [role=tablist]')[0].querySelectorAll('[role=tab]')).map(t => {
            const panel = document.getElementById(t.getAttribute('aria-controls'));
            return {id: t.id, name: t.innerText.trim(), selected: t.getAttribute('aria-selected'),
                    tabindex: t.getAttribute('tabindex'), panelRole: panel && panel.getAttribute('role'),
                    panelHidden: panel ? panel.hidden : null,
                    labelledBy: panel && panel.getAttribute('aria-labelledby')};
        })""")


def _rest(page) -> None:
    """Wait until no answer is outstanding (the Datenstand tab's table takes long on a busy
    machine; the test's next key must not race the address the page writes)."""
    page.wait_for_function("() => (window.__atlasInFlight || 0) === 0", timeout=120000)
    page.wait_for_function("() => { const f = document.querySelector('.share-link');"
                           " return !f || !f.value || f.value === location.href; }", timeout=30000)


def test_a11y101_tabs_are_a_tablist_operated_with_arrows_home_and_end(atlas_page, live_url):
    atlas_page.open(live_url + "/?indicator=kinderarmut")
    page = atlas_page.page
    tabs = _tab_state(page)
    assert len(tabs) == len(VIEW_TABS)
    assert len({t["id"] for t in tabs}) == len(tabs)  # no shared ids
    for tab in tabs:  # each tab controls a real panel that names it back
        assert tab["panelRole"] == "tabpanel" and tab["labelledBy"] == tab["id"]
    assert [t["selected"] for t in tabs].count("true") == 1 and tabs[0]["selected"] == "true"
    assert [t["tabindex"] for t in tabs] == ["0"] + ["-1"] * (len(tabs) - 1)  # roving tabindex
    page.get_by_role("tab", name="Karte und Zeitreihe").focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.activeElement.getAttribute('aria-selected') === 'true'"
                           " && document.activeElement.innerText.trim() === 'Ranking'")
    state = _tab_state(page)
    assert state[1]["tabindex"] == "0" and state[0]["tabindex"] == "-1"
    assert state[1]["panelHidden"] is False and state[0]["panelHidden"] is True
    page.wait_for_function("() => location.search.includes('ansicht=ranking')")
    atlas_page.settle()
    page.keyboard.press("End")
    page.wait_for_function("n => document.activeElement.innerText.trim() === n"
                           " && document.activeElement.getAttribute('aria-selected') === 'true'",
                           arg=tabs[-1]["name"])
    _rest(page)
    page.keyboard.press("Home")
    page.wait_for_function("n => document.activeElement.innerText.trim() === n"
                           " && document.activeElement.getAttribute('aria-selected') === 'true'",
                           arg=tabs[0]["name"])
    _rest(page)
    page.keyboard.press("ArrowLeft")  # wraps round to the last …
    page.wait_for_function("n => document.activeElement.innerText.trim() === n", arg=tabs[-1]["name"])
    _rest(page)
    page.keyboard.press("ArrowRight")  # … and back to the first
    page.wait_for_function("n => document.activeElement.innerText.trim() === n"
                           " && document.activeElement.getAttribute('aria-selected') === 'true'",
                           arg=tabs[0]["name"])
    assert _tab_state(page)[0]["panelHidden"] is False
    _rest(page)
    atlas_page.settle()


def test_a11y102_controls_are_named_by_their_visible_labels(atlas_page, live_url, data):
    years = data.years("kinderarmut")
    atlas_page.open(live_url + f"/?indicator=kinderarmut&year={years[-1]}")
    page = atlas_page.page
    slider = page.get_by_role("slider", name="Jahr")
    assert slider.get_attribute("aria-valuetext") == f"Jahr {years[-1]}"
    slider.focus()
    page.keyboard.press("ArrowLeft")
    page.wait_for_function("t => document.querySelector('#year [role=slider]')"
                           ".getAttribute('aria-valuetext') === t", arg=f"Jahr {years[-2]}")
    assert page.get_by_role("spinbutton", name="Jahr eingeben").count() == 1
    # the dropdowns: the visible label first, then the value
    indicator = page.locator("#indicator")
    assert re.match(r"^Indikator\b", page.evaluate(
        "() => document.querySelector('#indicator').getAttribute('aria-labelledby')"
        ".split(' ').map(id => document.getElementById(id)).filter(Boolean)"
        ".map(e => e.innerText.trim()).join(' ')"))
    assert page.get_by_role("button", name=re.compile(r"^Anzahl Klassen")).count() == 1
    assert indicator.get_attribute("tabindex") == "0"  # the button is the Tab stop …
    assert page.locator(".dash-dropdown-focus-target[tabindex='0']").count() == 0  # … not this
    assert page.get_by_role("group", name="Lebensphase").is_visible()
    assert page.get_by_role("group", name="Ebene").is_visible()
    assert page.locator("#playlist-upload input[type=file]").get_attribute("aria-label") == \
        "Aus Datei laden"
    # the presentation buttons: the visible word is the name
    for button_id, word in (("present-play", "Abspielen"), ("present-labels", "Namen")):
        assert page.locator(f"#{button_id}").get_attribute("aria-label") is None
        assert page.inner_text(f"#{button_id}") == word
    atlas_page.settle()


def test_a11y103_landmarks_headings_title_and_announcement(atlas_page, live_url, data):
    year = data.latest_year("kinderarmut")
    title = data.indicator("kinderarmut").title
    atlas_page.open(live_url + f"/?indicator=kinderarmut&year={year}")
    page = atlas_page.page
    assert page.locator("main").count() == 1 and page.locator("footer").count() == 1
    assert page.locator("header").count() == 1
    assert page.get_by_role("link", name="Erklärung zur Barrierefreiheit").get_attribute(
        "href") == "/barrierefreiheit"
    levels = page.evaluate("""() => Array.from(document.querySelectorAll('h1,h2,h3,h4,h5,h6'))
        .filter(h => h.offsetParent !== null || h.classList.contains('visually-hidden'))
        .map(h => Number(h.tagName[1]))""")
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:])), levels
    page.wait_for_function("t => document.title.includes(t)", arg=title)
    assert str(year) in page.title() and "Karte und Zeitreihe" in page.title()
    assert page.get_attribute("meta[name=description]", "content")
    page.get_by_role("tab", name="Ranking").click()
    page.wait_for_function("() => document.title.startsWith('Ranking')")
    page.wait_for_function("() => document.querySelector('#announce').innerText"
                           ".startsWith('Angezeigt: Ranking')")
    assert page.get_attribute("#announce", "aria-live") == "polite"
    atlas_page.settle()


def test_a11y104_map_text_alternative_and_skip_links(atlas_page, live_url, data):
    title = data.indicator("kinderarmut").title
    atlas_page.open(live_url + "/?indicator=kinderarmut")
    page = atlas_page.page
    figure = page.get_by_role("figure", name=re.compile("^Karte: " + re.escape(title)))
    assert figure.count() == 1
    page.wait_for_function("() => document.querySelector('#timeseries').getAttribute('role')"
                           " === 'figure'")
    assert page.evaluate("() => Array.from(document.querySelectorAll('#map svg.main-svg'))"
                         ".every(s => s.getAttribute('aria-hidden') === 'true')")
    assert page.get_attribute("#timeseries", "aria-label").startswith("Diagramm „Zeitreihe“")
    # from the top of the page, the first Tab stop is the skip link to the map
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.innerText") == "Zur Karte"
    assert page.evaluate("() => document.activeElement.getBoundingClientRect().left >= 0")
    page.keyboard.press("Enter")
    page.wait_for_function(f"{FOCUSED_ID} === 'map-figure'")
    page.keyboard.press("Tab")  # next: the link from the map to its table
    assert page.evaluate("() => document.activeElement.innerText") == "Zur Tabelle"
    page.keyboard.press("Enter")
    page.wait_for_function(f"{FOCUSED_ID} === 'values-table-region'")
    atlas_page.settle()
