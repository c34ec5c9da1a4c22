"""A planner computes a rate and builds a Sozialindex in "Eigene Daten", sees both on the map,
edits the index's weights, and deletes both (the rate only once the index no longer uses it)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from atlas.composite import forms
from tests.browser.conftest import offered_labels, text_of

pytestmark = [pytest.mark.browser, pytest.mark.logged_in]  # the page changes own data

SHOTS = Path(__file__).resolve().parents[1] / "artifacts"  # git-ignored
RATE_ID, INDEX_ID = "test_fm_frauenanteil", "test_fm_index"
RATE_TITLE, INDEX_TITLE = "Frauenanteil an den Arbeitslosen (Test)", "Testindex Mehrfachbelastung"


def _shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _api(page, live_url: str, path: str) -> dict:
    """The API's answer to the logged-in planner (the page's session: what she saves is
    internal until she publishes it)."""
    response = page.request.get(live_url + path)
    assert response.status == 200, (path, response.status)
    return response.json()


def _values(page, live_url: str, indicator: str, year: int) -> dict[str, float | None]:
    payload = _api(page, live_url, f"/api/values?indicator={indicator}&year={year}")
    return {row["ags"]: row["value"] for row in payload["values"]}


def _choose(page, dropdown_id: str, label: str) -> None:
    """Open a Dash dropdown (also one with a pattern id) and click the option ``label``."""
    box = page.locator(f"[id='{dropdown_id}']")
    box.click()
    page.locator(".dash-dropdown-options [role=option]").filter(
        has_text=re.compile(rf"^\s*{re.escape(label)}\s*$")).first.click()


def _label(data, indicator_id: str) -> str:
    """The option text of an indicator of the built data in the forms' dropdowns."""
    return next(o["label"] for o in forms.indicator_choices(data, "kreis")
                if o["value"] == indicator_id)


def _part_id(field: str, index: int) -> str:
    return json.dumps({"field": field, "index": index, "type": "index-part"},
                      separators=(",", ":"), sort_keys=True)


def _indicator_options(page) -> list[str]:
    return offered_labels(page, "indicator")


def _map_texts(page) -> dict[str, str]:
    """The value texts of the map's areas (what the hover shows as the value)."""
    return page.evaluate("""() => {
        const t = document.querySelector('#map .js-plotly-plot')._fullData[0];
        const out = {};
        Array.from(t.locations).forEach((loc, i) => { out[loc] = t.text ? t.text[i] : null; });
        return out;
    }""")


def _number(text: str) -> float:
    return float(re.search(r"-?[\d.]*\d,?\d*", text.replace("−", "-")).group()
                 .replace(".", "").replace(",", "."))


def _wait_map_shows(page, title: str) -> None:
    try:
        _wait_shown(page, title)
    except Exception:
        _shot(page, "formula_wait_failed")
        raise


def _wait_shown(page, title: str) -> None:
    # a new index is computed with its robustness check (1,000 draws) on first show: on a
    # loaded CI machine that took longer than 30 s
    page.wait_for_function(
        "t => document.querySelector('#heading').innerText.startsWith(t)", arg=title,
        timeout=90000)
    page.wait_for_function(
        "t => { const p = document.querySelector('#map .js-plotly-plot');"
        " return p && p._fullData && p._fullData[0].hovertemplate &&"
        " p._fullData[0].hovertemplate.includes(t); }", arg=title, timeout=90000)


#: The tab named ``name`` is selected and no callback is in flight (the view rests on it).
TAB_RESTS = """
name => (window.__atlasInFlight || 0) === 0 && Array.from(
  document.querySelectorAll('[role=tab][aria-selected=true]')).some(t => t.innerText.trim() === name)
"""


def _tab(page, name: str) -> None:
    """Open the tab ``name`` once the page rests, and wait until the view rests on it (on a
    loaded machine an answer still under way could otherwise show the previous tab again)."""
    page.wait_for_function("() => (window.__atlasInFlight || 0) === 0", polling=100)
    page.get_by_role("tab", name=name).click()
    page.wait_for_function(TAB_RESTS, arg=name, polling=100)


def _own_section(page, name: str) -> None:
    _tab(page, "Eigene Daten")
    _tab(page, name)


@pytest.fixture
def cleanup():
    """Whatever the test leaves in the shared store is deleted (the index before its part)."""
    from atlas.data import data_changed, own_store

    yield
    for formula_id in (INDEX_ID, RATE_ID):
        if formula_id in {f.id for f in own_store().formulas()}:
            own_store().delete(formula_id)
    data_changed()


def _index_parts(data) -> list[str]:
    """Two Kreis rates of the catalogue that share a year with the test rate (whose years are
    those of its counts)."""
    years = set(data.years("arbeitslose")) & set(data.years("arbeitslose_frauen"))
    rates = [i for i in data.available_indicators(level="kreis")
             if i.kind == "rate" and not i.own and len(set(data.years(i.id)) & years) >= 3]
    return [r.id for r in rates[:2]]


def test_fm001_rate_index_edit_and_delete(atlas_page, live_url, data, cleanup):
    page = atlas_page.page
    page.on("dialog", lambda dialog: dialog.accept())
    atlas_page.open(live_url)
    num, den = data.indicator("arbeitslose_frauen"), data.indicator("arbeitslose")

    # --- a rate of two Kreis counts -------------------------------------------------------------
    _own_section(page, "Indikator berechnen")
    page.wait_for_function("document.querySelector('#derive-level').innerText.includes('Kreise')")
    _choose(page, "derive-numerator", _label(data, num.id))
    _choose(page, "derive-denominator", _label(data, den.id))
    page.fill("#derive-title", RATE_TITLE)
    page.locator("#derive-title").blur()
    page.wait_for_function("v => document.querySelector('#derive-id').placeholder === v",
                           arg=forms.suggest_id(RATE_TITLE))
    page.fill("#derive-id", RATE_ID)
    page.fill("#derive-note", "<b>kein HTML</b>")
    _shot(page, "formula_rate_form")
    page.get_by_role("button", name="Berechnen und speichern").click()
    status = text_of(page, "#derive-status", "gespeichert")
    assert RATE_TITLE in status and RATE_ID in status
    page.get_by_role("button", name="Auf der Karte zeigen").click()
    _wait_map_shows(page, RATE_TITLE)
    atlas_page.settle()

    year = data.years("arbeitslose")[-1]
    # the parts as built (the API rounds them to their decimals)
    numerator, denominator = (data.table("arbeitslose_frauen", year).set_index("ags")["value"],
                              data.table("arbeitslose", year).set_index("ags")["value"])
    rate = _values(page, live_url, RATE_ID, year)
    expected = {ags: numerator[ags] / denominator[ags] * 100 for ags in rate
                if numerator.notna().get(ags) and denominator.get(ags, 0) > 0}
    assert len(expected) >= 20
    for ags, value in expected.items():
        assert rate[ags] == pytest.approx(value, abs=0.051), ags
    shown = _map_texts(page)
    assert len(shown) == 22
    for ags, value in expected.items():
        assert _number(shown[ags]) == pytest.approx(value, abs=0.051), (ags, shown[ags])
    assert any(o.startswith(RATE_TITLE) for o in _indicator_options(page))
    info = page.inner_text("#info-panel")
    assert "<b>kein HTML</b>" in info or "kein HTML" in info

    # --- a Sozialindex of three Kreis rates -----------------------------------------------------
    others = _index_parts(data)
    _own_section(page, "Sozialindex bilden")
    page.get_by_role("button", name="Teil hinzufügen").click()
    page.wait_for_selector(f"[id='{_part_id('indicator', 2)}']")
    for position, part in enumerate([RATE_ID] + others):
        _choose(page, _part_id("indicator", position),
                _label(data, part) if part != RATE_ID else f"{RATE_TITLE} · berechnet")
    page.fill("#index-title", INDEX_TITLE)
    page.fill("#index-id", INDEX_ID)
    _shot(page, "formula_index_form")
    page.get_by_role("button", name="Index speichern").click()
    text_of(page, "#index-status", "gespeichert")
    page.get_by_role("button", name="Auf der Karte zeigen").click()
    _wait_map_shows(page, INDEX_TITLE)
    atlas_page.settle()
    assert any(o.startswith(INDEX_TITLE) for o in _indicator_options(page))
    legend = page.evaluate("() => document.querySelector('#map .js-plotly-plot')"
                           "._fullLayout.legend.title.text")
    assert "Index" in legend
    before = _map_texts(page)
    _shot(page, "formula_index_map")

    # --- edit its weights: other values -----------------------------------------------------------
    _tab(page, "Eigene Daten")
    _shot(page, "formula_list")
    page.get_by_role("button", name=f"„{INDEX_TITLE}“ bearbeiten").click()
    text_of(page, "#index-head", "bearbeiten")
    page.wait_for_function("w => document.getElementById(w)", arg=_part_id("weight", 2))
    assert page.input_value("#index-id") == INDEX_ID
    assert page.input_value("#index-title") == INDEX_TITLE
    page.fill(f"[id='{_part_id('weight', 0)}']", "6")
    page.get_by_role("button", name="Index speichern").click()
    text_of(page, "#index-status", "gespeichert")
    page.get_by_role("button", name="Auf der Karte zeigen").click()
    _wait_map_shows(page, INDEX_TITLE)
    page.wait_for_function(
        "b => { const t = document.querySelector('#map .js-plotly-plot')._fullData[0].text;"
        " return t && JSON.stringify(Array.from(t)) !== b; }",
        arg=json.dumps(list(before.values()), ensure_ascii=False, separators=(",", ":")),
        timeout=30000)
    assert _map_texts(page) != before
    text_of(page, "#info-panel", "Gewicht 75 %")  # 6 of 6 + 1 + 1: the texts follow the edit

    # --- delete: the rate only once the index no longer uses it ----------------------------------
    _tab(page, "Eigene Daten")
    page.get_by_role("button", name=f"„{RATE_TITLE}“ löschen").click()
    refusal = text_of(page, "#formula-status", "Wird noch verwendet")
    assert INDEX_ID in refusal and "nichts gelöscht" in refusal
    page.get_by_role("button", name=f"„{INDEX_TITLE}“ löschen").click()
    text_of(page, "#formula-status", "gelöscht")
    page.wait_for_function("t => !document.querySelector('#formula-list').innerText.includes(t)",
                           arg=INDEX_TITLE)
    page.get_by_role("button", name=f"„{RATE_TITLE}“ löschen").click()
    text_of(page, "#formula-list", "Noch keine Indikatoren berechnet")
    options = _indicator_options(page)
    assert not any(o.startswith((RATE_TITLE, INDEX_TITLE)) for o in options)
    assert "Traceback" not in page.content()


def test_fm002_a_bad_definition_is_named_in_german(atlas_page, live_url, data, cleanup):
    page = atlas_page.page
    atlas_page.open(live_url)
    before = _indicator_options(page)
    _own_section(page, "Indikator berechnen")
    page.wait_for_function("document.querySelector('#derive-level').innerText.includes('Kreise')")
    _choose(page, "derive-numerator", _label(data, "arbeitslose_frauen"))
    page.get_by_role("button", name="Berechnen und speichern").click()
    assert "Titel fehlt" in text_of(page, "#derive-status", "Nicht gespeichert")
    page.fill("#derive-title", RATE_TITLE)
    page.fill("#derive-id", RATE_ID)
    page.get_by_role("button", name="Berechnen und speichern").click()
    text_of(page, "#derive-status", "Nenner fehlt")
    # rows: added and removed, the choices of the others kept
    _own_section(page, "Sozialindex bilden")
    _choose(page, _part_id("indicator", 0), _label(data, "sgb2_quote"))
    _choose(page, _part_id("indicator", 1), _label(data, "kinderarmut"))
    page.get_by_role("button", name="Teil hinzufügen").click()
    page.wait_for_function("() => document.querySelectorAll('.index-part').length === 3")
    page.get_by_role("button", name="Teil 2 entfernen").click()
    page.wait_for_function("() => document.querySelectorAll('.index-part').length === 2")
    assert _label(data, "sgb2_quote") in page.inner_text(".index-part >> nth=0")
    assert _label(data, "kinderarmut") not in page.inner_text("#index-parts")
    assert page.get_by_role("button", name="Teil 2 entfernen").is_disabled()  # two stay
    page.get_by_role("button", name="Teil hinzufügen").click()
    page.wait_for_function("() => document.querySelectorAll('.index-part').length === 3")
    # a Sozialindex of one indicator twice
    _choose(page, _part_id("indicator", 1), _label(data, "sgb2_quote"))
    page.fill("#index-title", INDEX_TITLE)
    page.fill("#index-id", INDEX_ID)
    page.fill(f"[id='{_part_id('weight', 1)}']", "-2")
    page.get_by_role("button", name="Index speichern").click()
    message = text_of(page, "#index-status", "Nicht gespeichert")
    assert "derselbe Indikator" in message
    _shot(page, "formula_index_error")
    _tab(page, "Karte und Zeitreihe")
    assert _indicator_options(page) == before
    assert "Traceback" not in page.content()


def test_fm003_a_change_between_two_years(atlas_page, live_url, data, cleanup):
    page = atlas_page.page
    page.on("dialog", lambda dialog: dialog.accept())
    atlas_page.open(live_url)
    years = data.years("bevoelkerung")
    _own_section(page, "Indikator berechnen")
    page.get_by_text("Veränderung zwischen zwei Jahren").click()
    page.wait_for_selector("#derive-indicator", state="visible")
    _choose(page, "derive-indicator", _label(data, "bevoelkerung"))
    page.wait_for_function("y => document.querySelector('#derive-year-to').value === y",
                           arg=str(years[-1]))
    page.select_option("#derive-year-from", str(years[-3]))
    page.get_by_text("in Prozent").click()
    page.fill("#derive-title", "Bevölkerung, Veränderung in % (Test)")
    page.fill("#derive-id", RATE_ID)
    _shot(page, "formula_change_form")
    page.get_by_role("button", name="Berechnen und speichern").click()
    text_of(page, "#derive-status", "gespeichert")
    old, new = (data.table("bevoelkerung", y).set_index("ags")["value"]
                for y in (years[-3], years[-1]))
    change = _values(page, live_url, RATE_ID, years[-1])
    for ags, value in change.items():
        if value is not None:
            assert value == pytest.approx((new[ags] - old[ags]) / old[ags] * 100, abs=0.051)
    page.get_by_role("button", name="Auf der Karte zeigen").click()
    _wait_map_shows(page, "Bevölkerung, Veränderung in % (Test)")
    _tab(page, "Eigene Daten")
    # edit: loaded into its form, saved as absolute change under the same Kennung
    page.get_by_role("button", name="„Bevölkerung, Veränderung in % (Test)“ bearbeiten").click()
    text_of(page, "#derive-head", "bearbeiten")
    assert page.input_value("#derive-id") == RATE_ID
    assert page.input_value("#derive-year-from") == str(years[-3])
    assert page.locator("#derive-indicator").is_visible()
    page.get_by_text("absolut", exact=True).click()
    page.get_by_role("button", name="Berechnen und speichern").click()
    text_of(page, "#derive-status", "gespeichert")
    absolute = _values(page, live_url, RATE_ID, years[-1])
    ags = next(a for a, v in absolute.items() if v is not None)
    assert absolute[ags] == pytest.approx(new[ags] - old[ags], abs=0.51)
    page.get_by_role("button", name="„Bevölkerung, Veränderung in % (Test)“ löschen").click()
    text_of(page, "#formula-list", "Noch keine Indikatoren berechnet")
