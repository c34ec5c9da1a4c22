"""Issue #18: a planner who uses only the keyboard does the everyday tasks – choose indicator,
year and Kreise, open every tab, reach the table, export CSV, enter and leave the presentation –
and the focus is where she expects it after each step."""

from __future__ import annotations

import pytest

from atlas.urlstate import VIEW_TABS

pytestmark = pytest.mark.browser

ACTIVE = """() => { const a = document.activeElement;
  return {id: a.id, tag: a.tagName, role: a.getAttribute('role'), text: (a.innerText || '').trim(),
          inBar: !!a.closest('.present-bar'), inTablist: !!a.closest('[role=tablist]')}; }"""


def active(page) -> dict:
    return page.evaluate(ACTIVE)


def tab_until(page, predicate: str, limit: int = 80, back: bool = False) -> int:
    """Press Tab (Shift+Tab with ``back``) until ``predicate`` (a JS function of the focused
    element) holds; returns the number of presses. Fails after ``limit`` presses."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        if page.evaluate(f"() => ({predicate})(document.activeElement)"):
            return presses
    raise AssertionError(f"{predicate} not reached with {limit} Tab presses; at {active(page)}")


def choose_by_keyboard(page, text: str, value: str) -> None:
    """On a focused dropdown: open it (Enter), type into its search, take the first match (once
    the list, filtered as React renders, starts with the option of ``value``)."""
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.matches('.dash-dropdown-search')")
    page.keyboard.type(text)
    page.wait_for_function("v => { const o = document.querySelector("
                           "'.dash-dropdown-options [role=option] input');"
                           " return o && o.value === v; }", arg=value)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")


def _rest(page) -> None:
    """Wait until no answer is outstanding and the address is written (a slow tab's answer must
    not race the next key)."""
    page.wait_for_function("() => (window.__atlasInFlight || 0) === 0", timeout=120000)
    page.wait_for_function("() => { const f = document.querySelector('.share-link');"
                           " return !f || !f.value || f.value === location.href; }", timeout=30000)


def test_a11y201_the_planners_tasks_with_the_keyboard_only(atlas_page, live_url, data):
    indicator = data.indicator("kinderarmut")
    years = data.years("kinderarmut")
    gera = data.regions.set_index("ags").loc["16052", "name"]
    atlas_page.open(live_url + "/")
    page = atlas_page.page

    # indicator: Tab to its dropdown, choose by typing
    tab_until(page, "e => e.id === 'indicator'")
    choose_by_keyboard(page, indicator.title[:20], indicator.id)
    page.wait_for_function("t => document.querySelector('#heading').innerText.startsWith(t)",
                           arg=indicator.title)
    assert active(page)["id"] == "indicator"  # back on the dropdown after choosing

    # Kreise: the compare field, Gera by typing; Escape closes the list, focus stays
    tab_until(page, "e => e.id === 'districts'")
    choose_by_keyboard(page, gera, "16052")
    page.keyboard.press("Escape")
    page.wait_for_function("() => window.dash_component_api.getLayout('districts').props.value"
                           ".includes('16052')")
    page.wait_for_function("() => document.activeElement.id === 'districts'")

    # year: the slider's handle, one year back with the arrow key
    tab_until(page, "e => e.getAttribute('role') === 'slider'")
    shown = int(page.evaluate("() => document.activeElement.getAttribute('aria-valuenow')"))
    assert shown in years
    assert page.evaluate("() => document.activeElement.getAttribute('aria-valuetext')") == \
        f"Jahr {shown}"
    page.keyboard.press("ArrowLeft")
    earlier = years[years.index(shown) - 1]
    page.wait_for_function("t => document.querySelector('#heading').innerText.includes(t)",
                           arg=str(earlier))
    assert active(page)["role"] == "slider"

    # every tab: into the tablist, then the arrow keys
    tab_until(page, "e => e.getAttribute('role') === 'tab'")
    assert active(page)["text"] == "Karte und Zeitreihe"
    names = [page.evaluate("() => document.activeElement.innerText.trim()")]
    for _ in VIEW_TABS[1:]:
        page.keyboard.press("ArrowRight")
        page.wait_for_function("() => document.activeElement.getAttribute('aria-selected')"
                               " === 'true'")
        names.append(active(page)["text"])
        _rest(page)
    assert len(set(names)) == len(VIEW_TABS)
    page.keyboard.press("Home")
    page.wait_for_function("() => document.activeElement.getAttribute('aria-selected') === 'true'"
                           " && document.activeElement.innerText.trim() === 'Karte und Zeitreihe'")
    _rest(page)

    # the table: the map's link to it is the next stop after the tabs
    tab_until(page, "e => e.innerText && e.innerText.trim() === 'Zur Tabelle'", limit=10)
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.id === 'values-table-region'")

    # export CSV: back to the data menu, open it, take the CSV of the shown year
    tab_until(page, "e => e.innerText && e.innerText.trim() === 'Daten exportieren'", back=True,
              limit=20)
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.closest('.dropdown-menu')"
                           " || document.querySelector('.dropdown-menu.show')")
    tab_until(page, "e => e.innerText && e.innerText.startsWith('CSV (Excel), angezeigtes Jahr')",
              limit=5) if not page.evaluate(
        "() => (document.activeElement.innerText || '').startsWith('CSV (Excel), angezeigtes')"
    ) else None
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename.endswith(".csv")
    page.keyboard.press("Escape")

    # presentation: Tab to its button, Enter; the focus is in the bar; Escape: back on the button
    tab_until(page, "e => e.id === 'present-start'", back=True, limit=40)
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.documentElement.classList.contains('presenting')")
    page.wait_for_function("() => !!document.activeElement.closest('.present-bar')")
    page.keyboard.press("Escape")
    page.wait_for_function("() => !document.documentElement.classList.contains('presenting')")
    page.wait_for_function("() => document.activeElement.id === 'present-start'")
    atlas_page.settle()
