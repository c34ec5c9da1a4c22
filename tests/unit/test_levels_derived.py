"""Counts of a finer level offered at the coarser levels as derived catalogue entries
(atlas.levels.derived): Gemeinde counts summed into own groups of Gemeinden, own counts into the
Kreise, exactly, with missing and protected parts making the sum missing; rates never; protected
sums never in a table, an export or the API; the page address ``ebene`` (atlas.urlstate)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from atlas.data.own import with_own
from atlas.levels import derived
from atlas.levels.rollup import INCOMPLETE, exact_sum
from atlas.schema import Col
from tests.conftest import LEVEL_FILES, OWN_COUNT, OWN_LEVEL

POPULATION = "gemeinde_bevoelkerung_zensus"
GROUPS = "gruppen_test"  # the groups of Gemeinden of tests/data/levels, threshold 3
SMALL = "gruppen_klein"  # the same groups, threshold above the smallest group's population


def _store_groups(store, data, level_id: str, min_count: int):
    from atlas.levels.groups import read_groups
    from atlas.levels.own import area_rows, reference_boundaries
    from atlas.store import OwnLevel

    kreise, gemeinden = reference_boundaries(data)
    areas = read_groups(LEVEL_FILES / "altenburger_land_gruppen.csv", gemeinden,
                        filename="altenburger_land_gruppen.csv", kreise=kreise)
    frame, links = area_rows(areas)
    store.add_level(OwnLevel(id=level_id, title=f"Gruppen {level_id}", singular="Gruppe",
                             origin="gruppen", gebietsstand="01.01.2021", source="Test",
                             min_count=min_count, visibility="oeffentlich"), frame, links)
    return areas.members


def _groups(members) -> dict[str, list[str]]:
    return {key: sorted(g["gemeinde"].astype(str)) for key, g in members.groupby("key")}


@pytest.fixture(scope="module")
def population(data) -> dict[str, float]:
    year = data.latest_year(POPULATION)
    table = data.table(POPULATION, year)
    return dict(zip(table[Col.AGS], table[Col.VALUE]))


@pytest.fixture(scope="module")
def group_data(data, population, tmp_path_factory):
    """The built data with two own levels of real groups of Gemeinden (Altenburger Land), read
    back from a store as the app reads them: one with the default threshold, one whose
    threshold protects the smallest group."""
    from atlas.levels.own import build_levels
    from atlas.store import Store

    store = Store(f"sqlite:///{tmp_path_factory.mktemp('derived') / 'eigene_daten.sqlite'}")
    try:
        members = _store_groups(store, data, GROUPS, 3)
        sums = sorted(exact_sum(population[g] for g in parts)
                      for parts in _groups(members).values())
        _store_groups(store, data, SMALL, int(sums[1]))  # the smallest sum is below it
        levels = build_levels(store.levels(), store.level_areas(), store.level_links(),
                              data.level_of("kreis"))
        return with_own(data, [], store.values(), levels), _groups(members)
    finally:
        store.dispose()


def test_gemeinde_count_summed_into_groups_equals_the_sum_of_its_gemeinden(group_data,
                                                                           population):
    data, groups = group_data
    entry = data.indicator(derived.derived_id(POPULATION, GROUPS))
    assert entry.level == GROUPS and entry.kind == "count"
    assert "(Summe der Gemeinden)" in entry.title and "Gebietsstand" in entry.table
    assert entry.source == data.indicator(POPULATION).source  # attribution as the source's
    year = data.latest_year(POPULATION)
    assert data.years(entry.id) == data.years(POPULATION)
    table = data.table(entry.id, year)
    assert sorted(table[Col.AGS]) == sorted(groups)
    for row in table.itertuples(index=False):
        expected = sum(int(population[g]) for g in groups[row.ags])  # whole numbers: exact
        assert row.value == expected, row.ags
        assert row.status == ""
    # the same numbers as the API's roll-up of the Gemeinde count
    api = data.rolled_up_table(POPULATION, year, GROUPS).set_index(Col.AGS)[Col.VALUE]
    assert table.set_index(Col.AGS)[Col.VALUE].equals(api.loc[table[Col.AGS]])


def test_a_missing_gemeinde_makes_its_group_missing_never_smaller(group_data, data):
    groups = group_data[1]
    key = next(k for k, parts in groups.items() if len(parts) > 1)
    gone = groups[key][0]
    rows = data.values[data.values[Col.INDICATOR] == POPULATION]
    rows = rows.assign(**{Col.VALUE: rows[Col.VALUE].where(rows[Col.AGS] != gone)})
    levels = group_data[0].levels
    entries, values = derived.derive([data.indicator(POPULATION)], rows, levels)
    mine = values[values[Col.INDICATOR] == derived.derived_id(POPULATION, GROUPS)]
    row = mine[mine[Col.AGS] == key].iloc[0]
    assert math.isnan(row[Col.VALUE]) and row[Col.STATUS] == INCOMPLETE
    others = mine[(mine[Col.AGS] != key) & mine[Col.VALUE].notna()]
    assert len(others) == len(groups) - 1  # the other groups keep their sums


def test_rates_and_built_gemeinde_counts_into_kreise_get_no_entry(group_data):
    data = group_data[0]
    made = [ind for ind in data.catalogue.indicators if derived.is_derived(ind.id)]
    assert made, "no derived entries"
    for ind in made:
        source, level = derived.split_id(ind.id)
        assert data.indicator(source).kind == "count" and ind.kind == "count"
        assert level == ind.level
        assert not (data.indicator(source).level == "gemeinde" and level == "kreis")
    rates = [i.id for i in data.catalogue.indicators if i.kind == "rate"
             and i.level == "gemeinde"]
    assert rates and not any(derived.derived_id(r, GROUPS) in {i.id for i in made}
                             for r in rates)


def test_the_derived_entry_is_listed_at_its_level_marked_as_a_sum(group_data):
    from layouts.main import indicator_options

    data = group_data[0]
    listed = data.available_indicators(level=GROUPS)
    entry = derived.derived_id(POPULATION, GROUPS)
    assert entry in [i.id for i in listed]
    labels = {o["value"]: o["label"] for o in indicator_options(data, listed)}
    assert labels[entry].endswith("(Summe der Gemeinden)")
    assert GROUPS in data.available_levels()


def test_own_counts_sum_into_the_kreis_they_nest_in(own_level_data, data):
    entry = own_level_data.indicator(derived.derived_id(OWN_COUNT, "kreis"))
    assert "(Summe der Orte im Kreis)" in entry.title and entry.own
    year = own_level_data.latest_year(OWN_COUNT)
    own = own_level_data.table(OWN_COUNT, year)
    table = own_level_data.table(entry.id, year).set_index(Col.AGS)
    kreis = own_level_data.level_of(OWN_LEVEL).areas["kreis"].iloc[0]
    assert table.at[kreis, Col.VALUE] == sum(int(v) for v in own[Col.VALUE])
    others = table.drop(index=kreis)
    assert others[Col.VALUE].isna().all()
    assert (others[Col.STATUS] == "nicht aus Orte im Kreis ableitbar").all()


def test_protected_sums_never_appear_in_table_export_or_api(group_data, population):
    from atlas import export
    from atlas.api import values_payload

    data, groups = group_data
    entry = derived.derived_id(POPULATION, SMALL)
    year = data.latest_year(entry)
    sums = {k: exact_sum(population[g] for g in parts) for k, parts in groups.items()}
    smallest = min(sums, key=sums.get)
    table = data.table(entry, year).set_index(Col.AGS)
    assert math.isnan(table.at[smallest, Col.VALUE])
    assert "geschützt" in table.at[smallest, Col.STATUS]
    hidden = [k for k in groups if math.isnan(table.at[k, Col.VALUE])]
    assert len(hidden) >= 2  # and a second one, so that the total gives nothing away
    secret = {f"{int(sums[k])}" for k in hidden}
    payload = values_payload(data, entry, year)
    assert {v["ags"] for v in payload["values"] if v["value"] is None} >= set(hidden)
    assert not secret & {f"{int(v['value'])}" for v in payload["values"]
                         if v["value"] is not None}
    csv = export.data_csv(data, entry).decode("utf-8")
    for text in secret:
        assert f";{text};" not in csv


@pytest.fixture(scope="module")
def clients(group_data):
    """The API and the export routes serving the data with the group levels."""
    from flask import Flask

    from atlas import downloads
    from atlas.api import api

    app = Flask("derived-test")
    app.register_blueprint(api)
    app.register_blueprint(downloads.downloads)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("atlas.api.get_data", lambda: group_data[0])
        patch.setattr(downloads, "_data", lambda: group_data[0])
        yield app.test_client()


def test_api_and_exports_with_ebene_show_the_protected_sums(clients, group_data, population):
    data, groups = group_data
    year = data.latest_year(POPULATION)
    sums = {k: int(exact_sum(population[g] for g in parts)) for k, parts in groups.items()}
    shown = data.table(derived.derived_id(POPULATION, SMALL), year)
    hidden = set(shown.loc[shown[Col.VALUE].isna(), Col.AGS])
    assert hidden
    body = clients.get(f"/api/values?indicator={POPULATION}&year={year}&ebene={SMALL}")
    assert body.status_code == 200
    values = {row["ags"]: row["value"] for row in body.get_json()["values"]}
    assert {k for k, v in values.items() if v is None} == hidden
    assert all(values[k] == sums[k] for k in groups if k not in hidden)
    csv = clients.get(f"/export/data.csv?indicator={POPULATION}&ebene={SMALL}")
    assert csv.status_code == 200
    text = csv.get_data(as_text=True)
    assert "summiert aus den Gemeinden" in text  # the source line says where it comes from
    for key in hidden:
        assert f";{sums[key]}" not in text
    for key in set(groups) - hidden:
        assert str(sums[key]) in text
    rate = next(i for i in data.catalogue.indicators if i.kind == "rate" and i.level == "gemeinde")
    refused = clients.get(f"/export/data.csv?indicator={rate.id}&ebene={GROUPS}")
    assert refused.status_code == 400
    assert "ist ein Anteil und wird nicht zu den" in refused.get_data(as_text=True)


def test_page_address_with_ebene_round_trips(group_data):
    from atlas.urlstate import ViewState, parse_state, state_query

    data, groups = group_data
    year = data.latest_year(POPULATION)
    picked = tuple(sorted(groups)[:2])
    state, problems = parse_state(
        f"indicator={POPULATION}&ebene={GROUPS}&year={year}&kreise={','.join(picked)}"
        "&zoom=16077", data)
    assert problems == []
    assert state == ViewState(derived.derived_id(POPULATION, GROUPS), year, selected=picked,
                              zoom="16077")
    query = state_query(state, data)
    assert f"indicator={POPULATION}&ebene={GROUPS}" in query
    assert parse_state(query, data) == (state, [])
    assert state_query(parse_state(query, data)[0], data) == query
    # also "gebiete"; the indicator's own level: no ebene needed, written for a reader
    gemeinde = groups[picked[0]][0]
    again, problems = parse_state(f"indicator={POPULATION}&gebiete={gemeinde}", data)
    assert problems == [] and again.indicator == POPULATION and again.selected == (gemeinde,)
    assert "ebene=gemeinde" in state_query(again, data)
    assert parse_state(state_query(again, data), data) == (again, [])
    # the Kreise have no own zoom; an area of another level is named
    _, problems = parse_state("indicator=sgb2_quote&zoom=16077", data)
    assert "nur bei Indikatoren der Gemeinden oder eigener Gebiete" in problems[0]
    _, problems = parse_state(f"indicator={POPULATION}&ebene={GROUPS}&kreise=16077001", data)
    assert "Gebiet „16077001“ ist unbekannt" in problems[0]


def test_a_rate_or_an_unknown_level_falls_back_with_a_german_message(group_data):
    from atlas.urlstate import parse_state

    data = group_data[0]
    rate = next(i for i in data.catalogue.indicators if i.kind == "rate" and i.level == "gemeinde")
    state, problems = parse_state(f"indicator={rate.id}&ebene={GROUPS}", data)
    assert state.indicator == rate.id
    assert problems == [f"„{rate.short_title}“ ist ein Anteil und wird nicht zu den Gruppen "
                        f"{GROUPS} summiert; gezeigt wird er auf der Ebene „Gemeinden“."]
    state, problems = parse_state(f"indicator={POPULATION}&ebene=kreis", data)
    assert state.indicator == POPULATION and "amtliche Tabellen" in problems[0]
    state, problems = parse_state("indicator=sgb2_quote&ebene=gibtsnicht", data)
    assert state.indicator == "sgb2_quote" and "Ebene „gibtsnicht“ gibt es nicht" in problems[0]


def test_id_scheme_is_made_and_read_in_one_place():
    made = derived.derived_id("ew", "orte")
    assert derived.split_id(made) == ("ew", "orte")
    assert derived.split_id("sgb2_quote") == ("sgb2_quote", None)
    assert derived.split_id("@x") == ("@x", None)


def test_deriving_for_a_level_of_many_areas_is_quick(data):
    """Roll-up of the Gemeinde counts into 1,000 areas (each Gemeinde its own area, as
    benchmarks/bench_levels.py): well under a second."""
    import time

    from atlas.levels.registry import Level

    gemeinden = data.level_of("gemeinde").areas
    members = pd.DataFrame({"key": gemeinden[Col.AGS], "gemeinde": gemeinden[Col.AGS]})
    many = Level("viele", "Viele", "Gebiet", gemeinden.copy(), {"features": []}, own=True,
                 members=members)
    levels = data.levels.with_levels([many])
    start = time.perf_counter()
    entries, values = derived.derive(data.catalogue.indicators, data.values, levels)
    took = time.perf_counter() - start
    assert [e.id for e in entries] == [derived.derived_id(POPULATION, "viele")]
    assert len(values) == len(gemeinden) * len(data.years(POPULATION))
    assert took < 2.0, took


def test_own_gemeinde_counts_sum_into_the_kreise_built_ones_do_not(data):
    from atlas.store import OwnIndicator

    gemeinden = data.level_of("gemeinde").areas
    kreis = gemeinden["kreis"].value_counts().index[-1]  # a Kreis with few Gemeinden
    year = data.latest_year(POPULATION)
    table = data.table(POPULATION, year)
    mine = table[table[Col.AGS].isin(data.level_of("gemeinde").in_kreis(kreis))]
    values = pd.DataFrame({Col.INDICATOR: "ew_gemeinden", Col.AGS: mine[Col.AGS],
                           Col.YEAR: year, Col.VALUE: mine[Col.VALUE], Col.STATUS: ""})
    own = OwnIndicator(id="ew_gemeinden", title="Einwohner je Gemeinde (eigene)", unit="Anzahl",
                       decimals=0, kind="count", definition="", area="demografie",
                       life_phases=("senioren",), polarity="neutral", source="Zensus",
                       licence="", filename="ew.csv", file_format="CSV", code="EW",
                       level="gemeinde")
    merged = with_own(data, [own], values)
    summed = merged.table(derived.derived_id("ew_gemeinden", "kreis"), year)
    summed = summed.set_index(Col.AGS)
    assert summed.at[kreis, Col.VALUE] == sum(int(v) for v in mine[Col.VALUE])
    others = summed.drop(index=kreis)  # their Gemeinden have no values: missing, never 0
    assert others[Col.VALUE].isna().all() and (others[Col.STATUS] == INCOMPLETE).all()
    ids = {i.id for i in merged.catalogue.indicators}
    assert derived.derived_id(POPULATION, "kreis") not in ids
