"""Datenstand (issue #16, currency) as a planner sees it: the view lists every indicator with
its last year, old series marked; "Stand: <Jahr>" beside the indicator in every view and in the
presentation, following the indicator; the last build's changes on the page. Expected values
come from the built data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from atlas.build import INFO_OUT, file_record
from atlas.changes import CHANGES_OUT
from atlas.coverage import coverage, selected_entries
from atlas.values import format_number
from tests.browser.conftest import choose_option, text_of

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[1] / "artifacts"  # git-ignored
ROWS = "#coverage-table tbody tr"


def _shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=False)


def _open_datenstand(atlas_page, url: str) -> None:
    """Open the page on the Datenstand view and wait for its table (not for the map tab's
    table: that tab is not shown)."""
    atlas_page.page.goto(url)
    atlas_page.page.wait_for_function(
        "s => document.querySelectorAll(s).length > 0", arg=ROWS, timeout=30000)


def _row_texts(page) -> dict[str, list[str]]:
    return page.evaluate(
        """s => Object.fromEntries(Array.from(document.querySelectorAll(s)).map(r =>
               [r.dataset.indicator, Array.from(r.children).map(c => c.innerText.trim())]))""",
        ROWS)


def test_datenstand_lists_every_indicator_with_its_last_year(atlas_page, live_url, data,
                                                            built_dir):
    _open_datenstand(atlas_page, live_url + "/?ansicht=datenstand")
    page = atlas_page.page
    rows = _row_texts(page)
    result = coverage(data)
    with_data = [e for e in result.indicators if e.has_data]
    assert with_data
    for entry in with_data:
        cells = rows[entry.id]  # every built indicator with data is listed
        assert cells[1] == entry.title
        assert cells[4] == str(data.latest_year(entry.id)), entry.id
        assert cells[3] == str(data.years(entry.id)[0]), entry.id
        assert cells[7] == f"{entry.areas_with_value} von {entry.areas_total}"
    # old series are marked, and say so in words
    stale = page.eval_on_selector_all("#coverage-table tr.coverage-stale",
                                      "rs => rs.map(r => r.dataset.indicator)")
    assert set(stale) >= {e.id for e in with_data if e.stale}
    assert not set(stale) & {e.id for e in with_data if not e.stale}
    old = next(e for e in with_data if e.stale)
    assert rows[old.id][5] == f"{old.years_behind} Jahre zurück"
    summary = text_of(page, "#coverage-summary", "Neuestes Jahr")
    assert f"Neuestes Jahr aller Daten: {result.newest_year}" in summary
    # the page agrees with the build summary (build_info.json of the served build)
    info = json.loads((built_dir / "indicators/build_info.json").read_text(encoding="utf-8"))
    assert f"{info['indicators_with_values']} von " in summary
    assert f"{info['indicators_with_values']} von " + f"{len(data.catalogue.indicators)} " \
        "Indikatoren des Katalogs haben Werte" in summary
    # per Lebenslagenbereich its newest year
    for area in result.areas:
        card = page.inner_text(f"[data-area='{area.id}']")
        assert area.title in card and f"Neuestes Jahr: {area.newest_year}" in card
    _shot(page, "datenstand.png")
    # the view is one of the page's tabs, and the one shown
    assert page.get_by_role("tab", name="Datenstand").get_attribute("aria-selected") == "true"


def test_doubted_values_are_listed_on_demand(atlas_page, live_url, data):
    entry = next(e for e in coverage(data).indicators if e.flags)
    _open_datenstand(atlas_page, live_url + "/?ansicht=datenstand")
    page = atlas_page.page
    summary = page.locator(f"tr[data-indicator='{entry.id}'] details summary")
    count = len(entry.flags)
    assert summary.inner_text() == f"{count} Wert{'e' if count != 1 else ''}"
    items = page.locator(f"tr[data-indicator='{entry.id}'] details li")
    assert not items.first.is_visible()
    summary.click()
    items.first.wait_for(state="visible")
    texts = items.all_inner_texts()
    assert len(texts) == len(entry.flags)
    assert all(f"{f.name} ({f.ags}), {f.year}: {f.status}" in texts for f in entry.flags)
    _shot(page, "datenstand_auffaellig.png")


def test_search_and_filters_narrow_the_table(atlas_page, live_url, data):
    _open_datenstand(atlas_page, live_url + "/?ansicht=datenstand")
    page = atlas_page.page
    result = coverage(data)
    wanted = {e.id for e in selected_entries(result, text="arbeitslos")}
    assert 0 < len(wanted) < len(result.indicators)
    page.fill("#coverage-text", "Arbeitslos")
    page.wait_for_function("n => document.querySelectorAll('#coverage-table tbody tr').length"
                           " === n", arg=len(wanted), timeout=15000)
    assert set(_row_texts(page)) == wanted
    page.fill("#coverage-text", "")
    page.get_by_label("nur mit Auffälligkeiten").check()
    flagged = {e.id for e in result.indicators if e.flags}
    page.wait_for_function("n => document.querySelectorAll('#coverage-table tbody tr').length"
                           " === n", arg=len(flagged), timeout=15000)
    assert set(_row_texts(page)) == flagged
    assert text_of(page, "#coverage-count", "von").startswith(f"{len(flagged)} von ")


def test_stand_beside_the_indicator_follows_it_in_every_view(atlas_page, live_url, data):
    first, second = "sgb2_quote", "arbeitslose"
    assert data.latest_year(first) != data.latest_year(second)
    atlas_page.open(live_url + f"/?indicator={first}")
    page = atlas_page.page
    stand = text_of(page, "#stand", "Stand:")
    assert stand == f"Stand: {data.latest_year(first)}"
    old = coverage(data).of(first).stale
    assert ("indicator-stand-old" in page.get_attribute("#stand .indicator-stand", "class")) \
        == old
    _shot(page, "stand_karte.png")
    choose_option(page, "indicator", data.indicator(second).title)
    page.wait_for_function("t => document.querySelector('#stand').innerText === t",
                           arg=f"Stand: {data.latest_year(second)}", timeout=15000)
    # the same line above every tab
    page.get_by_role("tab", name="Ranking").click()
    assert page.locator("#stand").is_visible()
    assert page.inner_text("#stand") == f"Stand: {data.latest_year(second)}"
    atlas_page.settle()


def test_stand_in_the_presentation(atlas_page, live_url, data):
    indicator = "kinderarmut"
    atlas_page.page.goto(live_url + f"/?indicator={indicator}&modus=praesentation")
    page = atlas_page.page
    page.wait_for_function("t => { const e = document.querySelector('#present-subtitle');"
                           " return e && e.innerText.includes(t); }",
                           arg=f"Stand: {data.latest_year(indicator)}", timeout=20000)
    # the text comes with the page; the presentation mode the address asks for follows
    page.locator("#present-subtitle .indicator-stand").wait_for(state="visible", timeout=20000)
    size = page.eval_on_selector("#present-subtitle .indicator-stand",
                                 "e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= 20  # presentation: no text below 20 px
    atlas_page.settle()
    _shot(page, "stand_praesentation.png")


@pytest.fixture
def change_report(built_dir, data):
    """A change report of the last build in the served data folder (removed afterwards): the
    newest year of the registered unemployed new, one of their values revised."""
    indicator = "arbeitslose"
    year = data.latest_year(indicator)
    table = data.table(indicator, year).dropna(subset=["value"])
    row = table.iloc[0]
    report = {"built_at": data.info["built_at"], "previous_built_at": "2026-12-01T07:00:00+00:00",
              "first_build": False, "indicators_added": [], "indicators_removed": [],
              "new_years": {indicator: [year]}, "dropped_years": {},
              "revised": [{"indicator": indicator, "ags": row["ags"], "year": year - 1,
                           "old": float(row["value"]) + 10, "new": float(row["value"]),
                           "old_status": "", "new_status": ""}],
              "revised_total": 1, "files": [{"reader": "ba", "file": f"ba_{year}.csv",
                                             "table": "ba", "edition": "", "years": [year],
                                             "replaces": "ba.csv"}]}
    # the build vouches for its report by its checksum (build_info.json): write both, and give
    # the folder back exactly as it was
    path, info = built_dir / CHANGES_OUT, built_dir / INFO_OUT
    before = {p: p.read_bytes() if p.exists() else None for p in (path, info)}
    payload = json.dumps(report).encode("utf-8")
    record = json.loads(before[info])
    record["files"][CHANGES_OUT.as_posix()] = file_record(payload, 0)
    path.write_bytes(payload)
    info.write_text(json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8")
    try:
        yield report, row
    finally:
        for p, content in before.items():
            if content is None:
                p.unlink(missing_ok=True)
            else:
                p.write_bytes(content)


def test_the_last_builds_changes_are_on_the_page(atlas_page, live_url, data, change_report):
    report, row = change_report
    _open_datenstand(atlas_page, live_url + "/?ansicht=datenstand")
    page = atlas_page.page
    text = text_of(page, "#coverage-changes", "Neue Jahre")
    title = data.indicator("arbeitslose").title
    year = report["new_years"]["arbeitslose"][0]
    assert f"{title}: {year}" in text
    ind = data.indicator("arbeitslose")
    cells = page.locator(".coverage-revised tbody tr").first.locator("td").all_inner_texts()
    assert cells == [title, row["name"], str(year - 1),
                     format_number(float(row["value"]) + 10, ind.decimals, ind.unit),
                     format_number(float(row["value"]), ind.decimals, ind.unit)]
    assert f"ba_{year}.csv (ersetzt ba.csv)" in text
    page.locator("#coverage-changes").scroll_into_view_if_needed()
    _shot(page, "datenstand_aenderungen.png")
