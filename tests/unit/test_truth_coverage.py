"""Datenstand (issue #16, currency): the coverage of every indicator, the API that serves it and
the change report it names. Expected values are derived from the built files (values.csv,
regions.csv, gemeinden.csv, build_info.json), never from source numbers."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from atlas.changes import CHANGES_OUT, load_changes
from atlas.coverage import (
    STALE_AFTER,
    coverage,
    coverage_payload,
    gaps_of,
    stand_text,
)
from atlas.validation import is_flagged
from atlas.values import year_ranges
from tests.conftest import OWN_COUNT, OWN_LEVEL, serving


@pytest.fixture(scope="module")
def built(built_dir):
    """The built values and the areas of the built levels, read from the files themselves."""
    values = pd.read_csv(built_dir / "indicators/values.csv", dtype={"ags": str, "status": str},
                         keep_default_na=False, na_values={"value": [""]})
    regions = pd.read_csv(built_dir / "indicators/regions.csv", dtype=str)
    gemeinden = pd.read_csv(built_dir / "indicators/gemeinden.csv", dtype=str)
    info = json.loads((built_dir / "indicators/build_info.json").read_text(encoding="utf-8"))
    return values, {"kreis": set(regions["ags"]), "gemeinde": set(gemeinden["ags"])}, info


def expected_of(values: pd.DataFrame, areas: set[str], indicator: str) -> dict:
    rows = values[(values["indicator"] == indicator) & values["ags"].isin(areas)]
    with_value = rows[rows["value"].notna()]
    years = sorted(int(y) for y in with_value["year"].unique())
    out = {"years": years, "first": years[0] if years else None,
           "last": years[-1] if years else None}
    out["gaps"] = [y for y in range(years[0], years[-1] + 1) if y not in years] if years else []
    newest = with_value[with_value["year"] == out["last"]]
    out["with_value"] = int(sum(not is_flagged(s) for s in newest["status"]))
    every = values[values["indicator"] == indicator]
    out["flags"] = sorted((str(r.ags), int(r.year)) for r in every.itertuples()
                          if is_flagged(r.status))
    return out


def test_every_built_indicator_has_its_years_gaps_areas_and_flags_from_values_csv(data, built):
    values, areas, _ = built
    result = coverage(data)
    built_ids = [i.id for i in data.catalogue.indicators]
    assert [e.id for e in result.indicators] == built_ids
    for entry in result.indicators:
        ind = data.indicator(entry.id)
        want = expected_of(values, areas[ind.level], entry.id)
        assert list(entry.years) == want["years"], entry.id
        assert (entry.first_year, entry.last_year) == (want["first"], want["last"]), entry.id
        assert list(entry.gaps) == want["gaps"], entry.id
        assert entry.areas_with_value == want["with_value"], entry.id
        assert entry.areas_total == len(areas[ind.level]), entry.id
        assert sorted((f.ags, f.year) for f in entry.flags) == want["flags"], entry.id
        assert all(is_flagged(f.status) for f in entry.flags)
        assert entry.area_title == data.catalogue.area(ind.area).title
        src = data.catalogue.source_of(ind)
        assert (entry.source_title, entry.source_attribution) == (src.title, src.attribution)
        assert entry.series == tuple((s.source, s.code) for s in ind.series)


def test_kreise_with_a_value_leave_out_missing_and_doubted_values(data, built):
    """At least one indicator of the build has a doubted or missing Kreis value in its newest
    year: it counts fewer than 22 Kreise – never the doubted value as one with data."""
    values, areas, _ = built
    fewer = [e for e in coverage(data).indicators
             if e.level == "kreis" and e.has_data and e.areas_with_value < e.areas_total]
    assert fewer, "the build has no indicator with a gap in its newest year"
    for entry in fewer:
        newest = values[(values["indicator"] == entry.id) & (values["year"] == entry.last_year)
                        & values["ags"].isin(areas["kreis"])]
        usable = newest[newest["value"].notna() & ~newest["status"].map(is_flagged)]
        assert entry.areas_with_value == len(usable) < len(areas["kreis"])


def test_reference_basis_is_that_of_the_newest_year(data):
    for entry in coverage(data).indicators:
        if not entry.has_data:
            continue
        ref = data.reference(entry.id, entry.last_year)
        assert (entry.reference_basis, entry.reference_label) == (ref.basis, ref.label)


def test_areas_of_life_have_the_newest_year_of_their_indicators(data, built):
    values, areas, _ = built
    result = coverage(data)
    assert [a.id for a in result.areas] == [a.id for a in data.catalogue.areas]
    for area in result.areas:
        lasts = [expected_of(values, areas[i.level], i.id)["last"]
                 for i in data.catalogue.indicators if i.area == area.id]
        lasts = [y for y in lasts if y is not None]
        assert area.newest_year == max(lasts)
        assert area.oldest_year == min(lasts)
        assert area.indicators_with_data == len(lasts)


def test_old_indicators_are_those_years_behind_the_newest_year_of_all_data(data, built):
    values, areas, _ = built
    result = coverage(data)
    with_value = values[values["value"].notna() & values["ags"].isin(areas["kreis"]
                                                                     | areas["gemeinde"])]
    assert result.newest_year == int(with_value["year"].max())
    stale = {e.id for e in result.indicators if e.stale}
    assert stale == {e.id for e in result.indicators
                     if e.has_data and result.newest_year - e.last_year >= STALE_AFTER}
    assert stale and len(stale) < len(result.indicators)  # the build has old and new series


def test_own_and_derived_indicators_are_listed_at_their_level(own_level_data):
    result = coverage(own_level_data)
    own = result.of(OWN_COUNT)
    assert own.level == OWN_LEVEL and own.own
    assert own.last_year == own_level_data.latest_year(OWN_COUNT)
    assert own.areas_total == len(own_level_data.level_of(OWN_LEVEL))
    assert own.areas_with_value == int(own_level_data.table(OWN_COUNT, own.last_year)["value"]
                                       .notna().sum())
    derived = [e for e in result.indicators if "@" in e.id]
    assert derived and all(e.own and e.has_data for e in derived)


def test_coverage_is_computed_once_per_data_object(data):
    assert coverage(data) is coverage(data)


def test_stand_names_the_newest_year_of_the_indicator(data, own_level_data):
    for indicator in ("sgb2_quote", "arbeitslose", "gemeinde_bevoelkerung_zensus"):
        assert stand_text(data, indicator) == f"Stand: {data.latest_year(indicator)}"
    assert stand_text(own_level_data, OWN_COUNT) == \
        f"Stand: {own_level_data.latest_year(OWN_COUNT)}"


def test_year_helpers():
    assert gaps_of([2010, 2013, 2014, 2017]) == (2011, 2012, 2015, 2016)
    assert gaps_of([2022]) == ()
    assert year_ranges([2011, 2012, 2015, 2017, 2018, 2019]) == "2011–2012, 2015, 2017–2019"
    assert year_ranges([]) == ""


# --- the change report ----------------------------------------------------------------------------

REPORT = {"built_at": "2026-12-07T08:00:00+00:00", "previous_built_at": None,
          "first_build": False, "indicators_added": ["neu"], "indicators_removed": [],
          "new_years": {"arbeitslose": [2025]}, "dropped_years": {},
          "revised": [{"indicator": "arbeitslose", "ags": "16051", "year": 2024, "old": 1.5,
                       "new": 1.6, "old_status": "", "new_status": ""}],
          "revised_total": 1, "files": []}


def test_change_report_is_read_tolerantly(tmp_path):
    assert load_changes(tmp_path) is None  # no report (a build before reports existed)
    path = tmp_path / CHANGES_OUT
    path.parent.mkdir(parents=True)
    path.write_text("{kaputt", encoding="utf-8")
    assert load_changes(tmp_path) is None
    path.write_text("[1, 2]", encoding="utf-8")
    assert load_changes(tmp_path) is None
    path.write_text(json.dumps(REPORT), encoding="utf-8")  # no build_info.json to check against
    assert load_changes(tmp_path) == REPORT


# --- GET /api/coverage ------------------------------------------------------------------------------


@pytest.fixture
def client(data):
    with serving(data, "coverage-api") as test_client:
        yield test_client


def test_api_agrees_with_the_coverage_and_the_build_summary(client, data, built):
    _, _, info = built
    response = client.get("/api/coverage")
    assert response.status_code == 200
    body = response.get_json()
    result = coverage(data)
    assert [e["id"] for e in body["indicators"]] == [e.id for e in result.indicators]
    for got, entry in zip(body["indicators"], result.indicators):
        assert (got["first_year"], got["last_year"]) == (entry.first_year, entry.last_year)
        assert got["gaps"] == list(entry.gaps)
        assert got["areas_with_value"] == entry.areas_with_value
        assert got["reference_basis"] == entry.reference_basis
        assert got["flag_count"] == len(entry.flags) == len(got["flags"])
    with_data = [e for e in body["indicators"] if e["has_data"] and not e["own"]]
    assert len(with_data) == info["indicators_with_values"]
    assert body["built_at"] == info["built_at"]
    assert body["newest_year"] == result.newest_year
    assert {a["id"]: a["newest_year"] for a in body["areas"]} == \
        {a.id: a.newest_year for a in result.areas}
    named = {s["id"] for s in body["sources"]}
    assert {e["source"] for e in body["indicators"]} == named


def test_api_serves_the_change_report_of_the_data_folder(client, tmp_path, monkeypatch):
    monkeypatch.setenv("ATLAS_DATA_DIR", str(tmp_path))
    assert client.get("/api/coverage").get_json()["changes"] is None
    (tmp_path / CHANGES_OUT).parent.mkdir(parents=True)
    (tmp_path / CHANGES_OUT).write_text(json.dumps(REPORT), encoding="utf-8")
    assert client.get("/api/coverage").get_json()["changes"] == REPORT


def test_api_narrows_to_an_area_of_life_or_a_level(client, data):
    body = client.get("/api/coverage?bereich=wohnen").get_json()
    assert {e["area"] for e in body["indicators"]} == {"wohnen"}
    assert [a["id"] for a in body["areas"]] == ["wohnen"]
    body = client.get("/api/coverage?ebene=gemeinde").get_json()
    assert {e["level"] for e in body["indicators"]} == {"gemeinde"}
    response = client.get("/api/coverage?bereich=nirgendwo")
    assert response.status_code == 400
    assert "Lebenslagenbereich „nirgendwo“ ist unbekannt" in response.get_json()["error"]
    response = client.get("/api/coverage?ebene=mond")
    assert response.status_code == 400 and "Ebene „mond“" in response.get_json()["error"]


def test_api_payload_is_strict_json(data):
    text = json.dumps(coverage_payload(data, None), allow_nan=False)
    assert "NaN" not in text


odd = st.one_of(st.text(max_size=60), st.sampled_from(
    ["", "alle", "wohnen", "kreis", "gemeinde", "%00", "../etc/passwd", "[]", "{}", "null",
     "1e309", "٣", "\u202e", "a" * 500]))


@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(bereich=st.one_of(st.none(), odd), ebene=st.one_of(st.none(), odd),
       other=st.dictionaries(st.text(max_size=12), st.text(max_size=20), max_size=3))
def test_api_with_any_query_never_fails(client, bereich, ebene, other):
    query = dict(other)
    if bereich is not None:
        query["bereich"] = bereich
    if ebene is not None:
        query["ebene"] = ebene
    response = client.get("/api/coverage", query_string=query)
    assert response.status_code in (200, 400), (query, response.status_code)
    body = response.get_json()
    assert body is not None
    if response.status_code == 400:
        assert body["error"] and "Traceback" not in body["error"]
    else:
        assert "indicators" in body


@pytest.mark.parametrize("raw", ["bereich=%ff%fe", "ebene=%", "bereich&ebene", "%%%", "a=1&a=2",
                                 "bereich=wohnen&bereich=nirgendwo", "ebene=" + "x" * 5000])
def test_api_with_raw_odd_query_strings(client, raw):
    response = client.get("/api/coverage?" + raw)
    assert response.status_code in (200, 400)
    assert response.get_json() is not None


# --- the Datenstand table, the change report's texts, "Stand" in exports --------------------------


def test_table_search_area_filters_and_orders(data):
    from atlas.coverage import selected_entries, table_row

    result = coverage(data)
    found = selected_entries(result, text="ARBEITSLOS")
    assert found and all("arbeitslos" in (e.title + e.short_title + e.id).casefold()
                         or "arbeitslos" in (e.source_attribution + e.table).casefold()
                         for e in found)
    wohnen = selected_entries(result, area="wohnen")
    assert {e.area for e in wohnen} == {"wohnen"}
    assert len(selected_entries(result, area="alle")) == len(result.indicators)
    stale = selected_entries(result, only=("veraltet",))
    assert stale and all(e.stale for e in stale)
    flagged = selected_entries(result, only=("auffaellig",))
    assert {e.id for e in flagged} == {e.id for e in result.indicators if e.flags}
    oldest = selected_entries(result, sort="aelteste")
    lasts = [e.last_year for e in oldest if e.has_data]
    assert lasts == sorted(lasts)
    newest = selected_entries(result, sort="neueste")
    assert newest[0].last_year == result.newest_year
    row = table_row(result.of("arbeitslose"))
    entry = result.of("arbeitslose")
    assert row["mit Wert"] == f"{entry.areas_with_value} von {entry.areas_total}"
    assert row["letztes Jahr"] == str(data.latest_year("arbeitslose"))
    ref = data.reference("arbeitslose", entry.last_year)
    assert ref.label in row["Referenz"]
    if ref.missing:  # a sum without a doubted Kreis says why it is missing
        assert row["Referenz"].startswith("keine") and ref.why in row["Referenz"]


def test_change_report_texts_tolerate_odd_parts(data):
    from atlas.coverage import changes_summary

    assert changes_summary(data, None) is None
    odd = {"built_at": "gestern", "new_years": {"arbeitslose": [2025, "x"]}, "revised": [
        {"indicator": "arbeitslose", "ags": "16051", "year": 2024, "old": None, "new": 3.0},
        "kaputt"], "files": "nichts", "indicators_added": ["sgb2_quote", "unbekannt"]}
    text = changes_summary(data, odd)
    assert text["built_at"] == "gestern"
    assert text["new_years"] == [(data.indicator("arbeitslose").title, "2025")]
    assert text["revised"][0][:3] == (data.indicator("arbeitslose").title,
                                      data.region_name("16051"), "2024")
    assert text["revised"][0][3] == "fehlend"
    assert text["revised_total"] == 1 and text["files"] == []
    assert text["added"] == [data.indicator("sgb2_quote").title, "unbekannt"]
    full = changes_summary(data, REPORT)
    assert full["built_at"] == "07.12.2026, 08:00 UTC" and not full["first_build"]


def _page_texts(fig) -> str:
    return " ".join(str(a.text) for a in fig.layout.annotations or ()).replace("<br>", " ")


def test_exports_name_the_stand_in_their_source_line(data):
    from atlas import export

    indicator = "sgb2_quote"
    stand = f"Stand: {data.latest_year(indicator)}"
    line = export.source_line(data, data.indicator(indicator))
    assert line == f"{data.catalogue.source_line(data.indicator(indicator))} · {stand}"
    older = data.years(indicator)[0]
    for fig in (export.map_figure(data, indicator, older),
                export.ranking_figure(data, indicator, older),
                export.timeseries_figure(data, indicator)):
        assert stand in " ".join(_page_texts(fig).split())
    from io import BytesIO

    from openpyxl import load_workbook

    book = load_workbook(BytesIO(export.data_xlsx(data, indicator)))
    info = {r[0]: r[1] for r in book["Hinweise"].iter_rows(values_only=True)}
    assert info["Stand"] == str(data.latest_year(indicator))
