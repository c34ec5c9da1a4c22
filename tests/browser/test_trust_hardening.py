"""What a tester's odd links and a deleted indicator look like to a user: a German hint, the
right indicator, no error box, a clean console (issue #13, items 15 and 22)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("bad", ["year=²", "klassen=²", "year=٢٠٢١"])
def test_a_link_with_unicode_digits_keeps_its_indicator(atlas_page, live_url, data, bad):
    atlas_page.open(f"{live_url}/?indicator=kinderarmut&{bad}")
    page = atlas_page.page
    title = data.indicator("kinderarmut").title
    latest = data.latest_year("kinderarmut")
    page.wait_for_function("t => document.querySelector('#heading').innerText.startsWith(t)",
                           arg=title)
    assert page.inner_text("#heading") == f"{title} – {latest}"
    page.wait_for_function("() => document.querySelector('#alert') && "
                           "document.querySelector('#alert').innerText.length > 0")
    alert = page.inner_text("#alert")
    assert bad.split("=")[1] in alert and ("Jahr" in alert or "Klassenzahl" in alert)
    assert not page.locator(".alert-danger").is_visible()  # no "konnte nicht aktualisiert"
    assert atlas_page.console == []


@pytest.fixture
def own_indicator(tmp_path, data):
    """An own indicator imported through the import API (values of kinderarmut)."""
    from atlas import importing
    from atlas.data import data_changed, get_data, own_store

    year = data.latest_year("kinderarmut")
    rows = [f"{row.ags};{year};geht;{row.value:.1f}".replace(".", ",")
            for row in data.table("kinderarmut", year).itertuples(index=False)
            if row.value == row.value]
    path = tmp_path / "geht.csv"
    path.write_text("ags;jahr;indikator;wert\n" + "\n".join(rows) + "\n", encoding="utf-8")
    meta = {"id": "eigen_geht_gleich", "title": "Wird gleich gelöscht", "unit": "%",
            "decimals": 1, "kind": "rate", "area": data.indicator("kinderarmut").area,
            "life_phases": ["kindheit"], "polarity": "risk", "source": "Test", "licence": "",
            "definition": "", "visibility": "oeffentlich"}
    importing.import_series(importing.inspect(path), "geht", meta, get_data(), own_store())
    data_changed()
    try:
        yield meta["id"]
    finally:
        if meta["id"] in [o.id for o in own_store().indicators()]:
            own_store().delete(meta["id"])
        data_changed()


def _offered(page, component: str = "indicator") -> list[str]:
    """The values a dropdown of the page offers."""
    return page.evaluate("c => window.dash_component_api.getLayout(c).props.options"
                         ".map(o => o.value)", component)


def test_deleting_the_shown_indicator_gives_a_hint_and_the_default(atlas_page, live_url, data,
                                                                   own_indicator, caplog):
    import logging

    from atlas.data import data_changed, own_store
    from atlas.urlstate import DEFAULT_INDICATOR

    caplog.set_level(logging.INFO)
    atlas_page.open(f"{live_url}/?indicator={own_indicator}")
    page = atlas_page.page
    page.wait_for_function(
        "() => document.querySelector('#heading').innerText.startsWith('Wird gleich gelöscht')")
    assert own_indicator in _offered(page)
    own_store().delete(own_indicator)  # e.g. by a colleague, or `atlas delete`
    data_changed()
    # the next step on the page: a Kreis clicked in the map
    locations = atlas_page.full_data("map")[0]["locations"]
    box = page.locator("#map .choroplethlocation").nth(locations.index("16053")).bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    default = data.indicator(DEFAULT_INDICATOR)
    page.wait_for_function("t => document.querySelector('#heading').innerText.startsWith(t)",
                           arg=default.title, timeout=20000)
    alert = page.inner_text("#alert")
    assert f"„{own_indicator}“ gibt es nicht mehr" in alert
    assert f"Gezeigt wird „{default.short_title}“" in alert
    assert not page.locator(".alert-danger").is_visible()
    # the indicator list no longer offers the deleted indicator (nor does the scatter's)
    page.wait_for_function(
        "v => !window.dash_component_api.getLayout('indicator').props.options"
        ".some(o => o.value === v)", arg=own_indicator, timeout=20000)
    atlas_page.settle()
    page.get_by_role("tab", name="Streudiagramm").click()  # its content comes when first shown
    page.wait_for_function(
        "v => { const l = window.dash_component_api.getLayout('scatter-y');"
        " return l && !l.props.options.some(o => o.value === v); }", arg=own_indicator,
        timeout=20000)
    page.get_by_role("tab", name="Karte und Zeitreihe").click()
    page.click("#indicator")
    page.keyboard.type("gelöscht")
    page.wait_for_selector(".dash-dropdown-options", timeout=5000)
    listed = page.locator(".dash-dropdown-options [role=option]").all_text_contents()
    assert not any("Wird gleich gelöscht" in text for text in listed), listed
    page.keyboard.press("Escape")
    tracebacks = [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert not tracebacks, [r.getMessage() for r in tracebacks]
    assert atlas_page.console == []
