"""A planner opens a shared link to a Gemeinde count summed into own groups of Gemeinden
(``?indicator=…&ebene=…``) and sees the sums on the map; choosing the level lists the summed
entry, marked as a sum; a rate asked for at that level is explained in German."""

from __future__ import annotations

import pytest

from atlas.levels.derived import derived_id
from atlas.levels.rollup import exact_sum
from tests.unit.test_levels_derived import POPULATION, _store_groups

pytestmark = pytest.mark.browser

LEVEL_ID = "gruppen_seite"
LEVEL_TITLE = f"Gruppen {LEVEL_ID}"
PROTECTED_ID = "gruppen_schutz"


@pytest.fixture
def groups(app_module, data):
    """The groups of Gemeinden of tests/data/levels as an own level of the served atlas (removed
    afterwards); their Gemeinden per group key."""
    from atlas.data import data_changed, own_store

    members = _store_groups(own_store(), data, LEVEL_ID, 3)
    data_changed()
    yield {key: sorted(g["gemeinde"].astype(str)) for key, g in members.groupby("key")}
    own_store().delete_level(LEVEL_ID, with_data=True)
    data_changed()


@pytest.fixture
def protected_groups(app_module, data):
    """The same groups with a small-number threshold just above the smallest group's population
    (so that group is protected); their population per group key."""
    from atlas.data import data_changed, own_store

    year = data.latest_year(POPULATION)
    people = data.table(POPULATION, year).set_index("ags")["value"]
    store = own_store()
    members = _store_groups(store, data, PROTECTED_ID, 3)
    sums = {key: int(exact_sum(people[g] for g in g_["gemeinde"].astype(str)))
            for key, g_ in members.groupby("key")}
    store.delete_level(PROTECTED_ID, with_data=True)
    _store_groups(store, data, PROTECTED_ID, sorted(sums.values())[1])
    data_changed()
    yield sums
    store.delete_level(PROTECTED_ID, with_data=True)
    data_changed()


def _heading_has(page, text: str) -> None:
    page.wait_for_function(
        "t => { const h = document.querySelector('#heading'); return h && h.innerText.includes(t); }",
        arg=text, timeout=30000)


def _map_values(page) -> dict[str, int | None]:
    """The value of each area of the map's main trace as the browser holds it: the value text
    its hover shows ("30.224"; whole numbers here), ``None`` for an area without a value
    (z 0 for "keine Daten", below 0 for the other reasons, see atlas.missing)."""
    shown = page.evaluate(
        """() => { const t = document.querySelector('#map .js-plotly-plot')._fullData[0];
                   const out = {};
                   Array.from(t.locations).forEach((k, i) => out[k] = [t.z[i], t.text[i]]);
                   return out; }""")
    return {key: None if z <= 0 else int("".join(c for c in text if c.isdigit()))
            for key, (z, text) in shown.items()}


def test_a_link_with_ebene_shows_the_gemeinde_count_summed_into_the_groups(
        atlas_page, live_url, data, groups):
    page = atlas_page.page
    year = data.latest_year(POPULATION)
    people = data.table(POPULATION, year).set_index("ags")["value"]
    sums = {key: exact_sum(people[g] for g in parts) for key, parts in groups.items()}
    picked = sorted(groups)[0]
    page.goto(f"{live_url}/?indicator={POPULATION}&ebene={LEVEL_ID}&kreise={picked}")
    _heading_has(page, "(Summe der Gemeinden)")
    page.wait_for_function(
        "n => { const g = document.querySelector('#map .js-plotly-plot');"
        "       return g && g._fullData && g._fullData[0] && g._fullData[0].locations"
        "              && g._fullData[0].locations.length === n; }",
        arg=len(groups), timeout=30000)
    atlas_page.settle()
    assert _map_values(page) == {key: int(value) for key, value in sums.items()}
    assert page.locator("#level input:checked").get_attribute("value") == LEVEL_ID
    assert "(Summe der Gemeinden)" in page.inner_text("#indicator")
    # the selected group is restored in the selection, by its name
    from atlas.data import get_data

    name = get_data().level_of(LEVEL_ID).name(picked)
    assert f"{name} (Gruppe)" in page.inner_text("#districts")
    # the address keeps the level, so the link can be shared as it is
    link = page.input_value(".share-link")
    assert f"indicator={POPULATION}&ebene={LEVEL_ID}" in link and f"kreise={picked}" in link
    assert page.locator("#alert").is_hidden() or not page.inner_text("#alert").strip()


def test_choosing_the_level_lists_the_summed_entry(atlas_page, live_url, groups):
    atlas_page.open(live_url)
    page = atlas_page.page
    page.locator("#level label", has_text=LEVEL_TITLE).click()
    _heading_has(page, "(Summe der Gemeinden)")
    page.click("#indicator")
    option = page.locator(".dash-dropdown-options [role=option]", has_text="Summe der Gemeinden")
    option.first.wait_for()
    assert option.count() == 1
    page.keyboard.press("Escape")
    atlas_page.settle()
    link = page.input_value(".share-link")
    assert f"ebene={LEVEL_ID}" in link
    entry = derived_id(POPULATION, LEVEL_ID)
    assert entry not in link  # the address names the summed indicator and the level


def test_a_rate_asked_for_at_the_groups_is_explained_in_german(atlas_page, live_url, data,
                                                              groups):
    rate = next(i for i in data.catalogue.indicators if i.kind == "rate" and i.level == "gemeinde")
    page = atlas_page.page
    page.goto(f"{live_url}/?indicator={rate.id}&ebene={LEVEL_ID}")
    page.wait_for_function(
        "document.querySelector('#alert') && "
        "document.querySelector('#alert').innerText.includes('ist ein Anteil')", timeout=30000)
    alert = page.inner_text("#alert")
    assert f"„{rate.short_title}“ ist ein Anteil und wird nicht zu den {LEVEL_TITLE} summiert" \
        in alert
    assert "gezeigt wird er auf der Ebene „Gemeinden“" in alert
    _heading_has(page, rate.title[:30])


def test_protected_sums_never_appear_in_the_page(atlas_page, live_url, protected_groups):
    page = atlas_page.page
    page.goto(f"{live_url}/?indicator={POPULATION}&ebene={PROTECTED_ID}")
    _heading_has(page, "(Summe der Gemeinden)")
    page.wait_for_function(
        "n => { const g = document.querySelector('#map .js-plotly-plot');"
        "       return g && g._fullData && g._fullData[0] && g._fullData[0].locations"
        "              && g._fullData[0].locations.length === n; }",
        arg=len(protected_groups), timeout=30000)
    page.wait_for_selector("#values-table tbody tr")
    atlas_page.settle()
    shown = _map_values(page)
    smallest = min(protected_groups, key=protected_groups.get)
    hidden = {key for key, value in shown.items() if value is None}
    assert smallest in hidden and len(hidden) >= 2  # and a second, so the total tells nothing
    assert all(shown[k] == protected_groups[k] for k in protected_groups if k not in hidden)
    text = page.inner_text("body")
    for key in hidden:
        assert f"{protected_groups[key]:,}".replace(",", ".") not in text
    assert "geschützt" in page.inner_text("#values-table")
