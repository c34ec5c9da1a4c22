"""Indicators planners define from others (#15): rates from counts, changes, the Sozialindex.

Every expected value is computed here from the parts' values in the data, written from the
definitions in the issue and README (not from :mod:`atlas.composite`): a rate is
numerator/denominator×factor for every area and year; at a coarser level the ratio of the summed
counts; the index is the weighted mean of oriented z-values (population standard deviation over
the level's areas with a value) or of min-max values (0–100).

The data are real: the built data, an own level of the Gemeinden of the Kreis with the most
Gemeinden with their Zensus population (tests/conftest.py ``own_level_parts``), and the areas in
km² of the Gemeinden and those own areas, measured on the real boundaries (EPSG:25832).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from atlas.composite import define
from atlas.composite import formulas as fm
from atlas.composite.index import Part
from atlas.composite.report import index_report
from atlas.store import Store, StoreError
from tests.conftest import FORMULA_LEVEL as LEVEL
from tests.conftest import OWN_COUNT_SOURCE, own_area, schema_version


@pytest.fixture(scope="module")
def setup(formula_store):
    return formula_store


def _save(setup, formula: fm.Formula, replace_existing: bool = False):
    store, assemble = setup
    define.save(formula, assemble(), store, replace_existing)
    return assemble()


def _remove(setup, *ids):
    store, _ = setup
    for formula_id in ids:
        try:
            store.delete(formula_id)
        except StoreError:
            pass


def _long(data, indicator_id: str) -> pd.DataFrame:
    rows = data.values[data.values["indicator"] == indicator_id]
    return rows.set_index(["ags", "year"])


# --- rates ---------------------------------------------------------------------------------------


def test_a_rate_is_numerator_over_denominator_times_factor_for_every_area_and_year(setup):
    data = _save(setup, fm.Formula("frauen_an_alo", "Frauen unter den Arbeitslosen", "rate",
                                   fm.RateParams("arbeitslose_frauen", "arbeitslose", 100)))
    try:
        num, den = _long(data, "arbeitslose_frauen"), _long(data, "arbeitslose")
        kreise = set(data.level_of("kreis").keys)
        both = num.join(den, lsuffix="_n", rsuffix="_d", how="inner")
        both = both[both.index.get_level_values("ags").isin(kreise)].dropna(
            subset=["value_n", "value_d"])
        got = _long(data, "frauen_an_alo")["value"]
        assert len(both) > 22 * 5
        for (ags, year), row in both.iterrows():
            assert got[(ags, year)] == pytest.approx(row.value_n / row.value_d * 100, rel=1e-12)
        years_with_both = sorted(set(both.index.get_level_values("year")))
        assert data.years("frauen_an_alo") == years_with_both
        ind = data.indicator("frauen_an_alo")
        assert ind.unit == "%" and ind.unit_label == "Anteil in %" and ind.level == "kreis"
        assert "Anteil „" in ind.definition and "in %" in ind.definition
        line = data.catalogue.source_line(ind)
        for part in ("arbeitslose_frauen", "arbeitslose"):
            assert data.catalogue.source_of(data.indicator(part)).attribution in line
    finally:
        _remove(setup, "frauen_an_alo")


def test_a_rate_of_gemeinde_counts_is_recomputed_for_the_kreise_from_the_summed_counts(setup):
    data = _save(setup, fm.Formula("ew_je_km2", "Einwohner je km²", "rate",
                                   fm.RateParams(OWN_COUNT_SOURCE, "gemeinde_flaeche", 1)))
    try:
        gemeinden = data.level_of("gemeinde").areas
        year = data.latest_year("ew_je_km2")
        people = data.table(OWN_COUNT_SOURCE, year).set_index("ags")["value"]
        area = data.table("gemeinde_flaeche", year).set_index("ags")["value"]
        here = data.table("ew_je_km2", year).set_index("ags")
        for ags in gemeinden["ags"]:
            if math.isnan(people[ags]) or math.isnan(area[ags]):
                assert math.isnan(here.loc[ags, "value"]) and here.loc[ags, "status"]
            else:
                assert here.loc[ags, "value"] == pytest.approx(people[ags] / area[ags], rel=1e-12)
        kreis_entry = "ew_je_km2@kreis"
        kreise = data.table(kreis_entry, year).set_index("ags")
        assert data.indicator(kreis_entry).level == "kreis"
        for kreis, parts in gemeinden.groupby("kreis")["ags"]:
            if people[parts].isna().any():  # a part without value: missing, never averaged
                assert math.isnan(kreise.loc[kreis, "value"])
                assert kreise.loc[kreis, "status"].startswith("unvollständig")
                continue
            ratio = people[parts].sum() / area[parts].sum()
            assert kreise.loc[kreis, "value"] == pytest.approx(ratio, rel=1e-9)
            if len(parts) > 1:  # the ratio of the sums, not a mean of the Gemeinden's rates
                mean = (people[parts] / area[parts]).mean()
                assert abs(kreise.loc[kreis, "value"] - mean) > 1e-6
    finally:
        _remove(setup, "ew_je_km2")


def test_a_rate_at_an_own_level_is_protected_and_rolls_up_into_its_kreis(setup):
    data = _save(setup, fm.Formula("orte_km2_je_1000", "Fläche je 1.000 Einwohner", "rate",
                                   fm.RateParams("orte_flaeche", "orte_ew", 1000)))
    try:
        level = data.level_of(LEVEL)
        year = data.latest_year("orte_km2_je_1000")
        people = data.table("orte_ew", year).set_index("ags")
        area = data.table("orte_flaeche", year).set_index("ags")
        rate = data.table("orte_km2_je_1000", year).set_index("ags")
        hidden = 0
        for key in level.keys:
            denominator, numerator = people.loc[key, "value"], area.loc[key, "value"]
            if math.isnan(denominator) or math.isnan(numerator):
                assert math.isnan(rate.loc[key, "value"])
            elif denominator < level.min_denominator or 0 < numerator < level.min_count:
                hidden += 1
                assert math.isnan(rate.loc[key, "value"])
                assert rate.loc[key, "status"].startswith("nicht ausgewiesen")
            else:
                assert rate.loc[key, "value"] == pytest.approx(numerator / denominator * 1000)
        assert 0 < hidden < len(level.keys)  # the real areas include small and large ones
        kreis = level.areas["kreis"].iloc[0]
        rolled = data.table("orte_km2_je_1000@kreis", year).set_index("ags")
        if area["value"].isna().any() or people["value"].isna().any():
            assert math.isnan(rolled.loc[kreis, "value"])  # a hidden part: never a smaller sum
            assert rolled.loc[kreis, "status"].startswith("unvollständig")
        else:
            expected = area["value"].sum() / people["value"].sum() * 1000
            assert rolled.loc[kreis, "value"] == pytest.approx(expected, rel=1e-9)
        others = [k for k in data.level_of("kreis").keys if k != kreis]
        assert rolled.loc[others, "value"].isna().all()
    finally:
        _remove(setup, "orte_km2_je_1000")


def test_a_zero_denominator_and_a_missing_part_leave_the_area_empty_with_its_reason(data):
    from atlas.composite.compute import rate_values
    from atlas.levels.rollup import ZERO_DENOMINATOR

    year = data.latest_year("arbeitslose")
    num = data.values[(data.values["indicator"] == "arbeitslose_frauen")
                      & (data.values["year"] == year)][["ags", "year", "value", "status"]]
    den = data.values[(data.values["indicator"] == "arbeitslose")
                      & (data.values["year"] == year)][["ags", "year", "value", "status"]]
    keys = list(data.level_of("kreis").keys)
    den = den.copy()
    den.loc[den["ags"] == keys[0], "value"] = 0.0  # a real table's "-" (nothing there)
    num = num[num["ags"] != keys[1]]  # no row for the second Kreis
    out = rate_values(num, den, keys, 100).set_index("ags")
    assert math.isnan(out.loc[keys[0], "value"]) and out.loc[keys[0], "status"] == ZERO_DENOMINATOR
    assert math.isnan(out.loc[keys[1], "value"]) and out.loc[keys[1], "status"] == "keine Daten"
    present = set(num.dropna(subset=["value"])["ags"]) & set(den.dropna(subset=["value"])["ags"])
    complete = [k for k in keys[2:] if k in present]
    assert complete and out.loc[complete, "value"].notna().all()
    doubted = [k for k in keys[2:] if k not in present]  # a part doubted by the build: empty
    assert out.loc[doubted, "value"].isna().all()


# --- changes -------------------------------------------------------------------------------------


@pytest.mark.parametrize("percent", [False, True])
def test_a_change_is_the_difference_between_two_years(setup, percent):
    store, assemble = setup
    years = assemble().years("sgb2_quote")
    first, last = years[0], years[-1]
    data = _save(setup, fm.Formula("sgb2_aenderung", "Veränderung SGB-II-Quote", "change",
                                   fm.ChangeParams("sgb2_quote", first, last, percent)))
    try:
        a = data.table("sgb2_quote", first).set_index("ags")["value"]
        b = data.table("sgb2_quote", last).set_index("ags")["value"]
        got = data.table("sgb2_aenderung", last).set_index("ags")["value"]
        expected = (b - a) / a.abs() * 100 if percent else b - a
        assert data.years("sgb2_aenderung") == [last]
        assert np.allclose(got[expected.index], expected, rtol=1e-12, equal_nan=True)
        ind = data.indicator("sgb2_aenderung")
        assert ind.unit == ("%" if percent else "Prozentpunkte")
        assert ind.unit_label.startswith("Veränderung in")
    finally:
        _remove(setup, "sgb2_aenderung")


# --- the Sozialindex -----------------------------------------------------------------------------


def _independent_index(data, parts, method, years):
    """The index written from the definition: per part its values in its year over the level's
    areas; z = (x − mean)/std (ddof 0) or 100·(x − min)/(max − min) over the areas with a value;
    a part whose higher value means less risk turned round; the weighted mean with weights
    scaled to sum 1; an area missing any part has no value."""
    level = data.indicator(parts[0][0]).level
    keys = list(data.level_of(level).keys)
    total = sum(w for _, w, _ in parts)
    score = pd.Series(0.0, index=keys)
    for (indicator, weight, direction), year in zip(parts, years):
        x = data.table(indicator, year).set_index("ags")["value"].reindex(keys).astype(float)
        present = x.dropna()
        if method == "z":
            s = (x - present.mean()) / present.std(ddof=0)
            s = s if direction > 0 else -s
        else:
            s = (x - present.min()) / (present.max() - present.min()) * 100
            s = s if direction > 0 else 100 - s
        score = score + weight / total * s
    return score


@pytest.mark.parametrize("method", ["z", "minmax"])
def test_index_values_equal_an_independent_computation_in_every_year(setup, method):
    parts = [("sgb2_quote", 2.0, 1), ("kinderarmut", 1.0, 1), ("grundsicherung_alter", 0.5, 1)]
    data = _save(setup, fm.Formula(
        "index_test", "Sozialindex Test", "index",
        fm.IndexParams(tuple(Part(i, w, 0) for i, w, _ in parts), method, None)))
    try:
        common = sorted(set.intersection(*(set(data.years(i)) for i, _, _ in parts)))
        assert data.years("index_test") == common
        for year in common:
            expected = _independent_index(data, parts, method, [year] * len(parts))
            got = data.table("index_test", year).set_index("ags")["value"]
            assert np.allclose(got[expected.index], expected, rtol=1e-9, atol=1e-12,
                               equal_nan=True)
        ind = data.indicator("index_test")
        assert ind.polarity == "risk" and "Höherer Wert = mehr Risiko" in ind.definition
        if method == "z":
            reference = data.reference("index_test", common[-1])
            assert reference.value == 0 and "Durchschnitt" in reference.label
    finally:
        _remove(setup, "index_test")


def test_a_protective_part_is_turned_round_and_a_named_year_takes_each_parts_nearest(setup):
    store, assemble = setup
    base = assemble()
    risk = "sgb2_quote"
    protective = next(i.id for i in base.available_indicators(level="kreis")
                      if i.polarity == "protective" and i.kind == "rate"
                      and set(base.years(i.id)) != set(base.years(risk)))
    wanted = max(base.years(risk))
    data = _save(setup, fm.Formula(
        "index_jahr", "Index mit Jahr", "index",
        fm.IndexParams((Part(risk, 1, 0), Part(protective, 1, 0)), "z", wanted)))
    try:
        report = index_report(data, "index_jahr", wanted)
        nearest = min(data.years(protective), key=lambda y: (abs(y - wanted), -y))
        assert [p.year for p in report.parts] == [wanted, nearest]
        assert [p.direction for p in report.parts] == [1, -1]
        expected = _independent_index(data, [(risk, 1, 1), (protective, 1, -1)], "z",
                                      [wanted, nearest])
        got = data.table("index_jahr", wanted).set_index("ags")["value"]
        assert np.allclose(got[expected.index], expected, rtol=1e-9, equal_nan=True)
    finally:
        _remove(setup, "index_jahr")


def test_an_index_at_the_gemeinden_leaves_areas_without_a_part_empty(setup):
    store, assemble = setup
    parts = [(OWN_COUNT_SOURCE, 1.0, 1), ("gemeinde_anteil_siedlungsflaeche", 1.0, 1),
             ("gemeinde_flaeche", 1.0, -1)]
    data = _save(setup, fm.Formula(
        "index_gemeinden", "Index Gemeinden", "index",
        fm.IndexParams(tuple(Part(i, w, d) for i, w, d in parts), "z", None)))
    try:
        year = data.latest_year("index_gemeinden")
        report = index_report(data, "index_gemeinden", year)
        expected = _independent_index(data, parts, "z", [p.year for p in report.parts])
        table = data.table("index_gemeinden", year).set_index("ags")
        assert len(table) == len(data.level_of("gemeinde").keys)
        assert np.allclose(table["value"][expected.index], expected, rtol=1e-9, equal_nan=True)
        empty = table[table["value"].isna()]
        assert (empty["status"].str.startswith("unvollständig")).all()
    finally:
        _remove(setup, "index_gemeinden")


def test_the_robustness_check_is_reproducible_and_brackets_the_rank(setup):
    parts = ("sgb2_quote", "kinderarmut", "grundsicherung_alter", "mindestsicherung")
    store, assemble = setup
    data = _save(setup, fm.Formula("index_robust", "Index robust", "index", fm.IndexParams(
        tuple(Part(p, 1.0 + i, 0) for i, p in enumerate(parts)), "z", None)))
    try:
        first = index_report(data, "index_robust").table
        again = index_report(assemble(), "index_robust").table  # a new data object
        pd.testing.assert_frame_equal(first, again)
        rated = first.dropna(subset=["rank"])
        assert (rated["rank_low"] <= rated["rank"]).all()
        assert (rated["rank"] <= rated["rank_high"]).all()
        ranks = data.table("index_robust", index_report(data, "index_robust").year)
        assert list(rated["rank"].astype(int)) == list(
            ranks.set_index("ags").loc[rated["ags"], "rank"].astype(int))
    finally:
        _remove(setup, "index_robust")


# --- definitions in the store --------------------------------------------------------------------


def test_a_part_in_use_cannot_be_deleted_and_a_definition_is_replaced_in_place(setup):
    store, assemble = setup
    _save(setup, fm.Formula("alo_je_1000", "Arbeitslose je 1.000 Einwohner", "rate",
                            fm.RateParams("arbeitslose", "bevoelkerung", 1000)))
    data = _save(setup, fm.Formula("index_alo", "Index", "index", fm.IndexParams(
        (Part("alo_je_1000", 1, 0), Part("sgb2_quote", 1, 0)), "z", None)))
    try:
        before = data.table("index_alo", data.latest_year("index_alo"))
        with pytest.raises(StoreError, match="Wird noch verwendet.*index_alo"):
            store.delete("alo_je_1000")
        with pytest.raises(fm.FormulaProblem, match="schon vergeben"):
            define.save(fm.Formula("index_alo", "Index", "index", fm.IndexParams(
                (Part("alo_je_1000", 1, 0), Part("sgb2_quote", 3, 0)), "z", None)), data, store)
        data = _save(setup, fm.Formula("index_alo", "Index", "index", fm.IndexParams(
            (Part("alo_je_1000", 1, 0), Part("sgb2_quote", 3, 0)), "z", None)),
            replace_existing=True)
        after = data.table("index_alo", data.latest_year("index_alo"))
        assert not np.allclose(before["value"], after["value"], equal_nan=True)
        assert [f.id for f in store.formulas()].count("index_alo") == 1
    finally:
        _remove(setup, "index_alo", "alo_je_1000")
    assert "alo_je_1000" not in {i.id for i in assemble().catalogue.indicators}


def test_a_definition_whose_part_is_gone_is_left_out_with_its_reason(setup, data):
    store, assemble = setup
    formula = fm.completed(fm.Formula("verwaist", "Verwaist", "rate",
                                      fm.RateParams("orte_ew", "orte_flaeche", 1)),
                           assemble().catalogue)
    from atlas.composite.compute import with_computed

    catalogue, values = with_computed(data.catalogue, data.values, data.levels, [formula])
    assert "verwaist" not in {i.id for i in catalogue.indicators}
    assert "orte_ew" in catalogue.formula_problems["verwaist"]


@pytest.mark.parametrize("formula, message", [
    (fm.Formula("x1", "Q", "rate", fm.RateParams("sgb2_quote", "bevoelkerung", 100)),
     "keine Anzahl"),
    (fm.Formula("x2", "Q", "rate", fm.RateParams("arbeitslose", "gemeinde_flaeche", 100)),
     "derselben Ebene"),
    (fm.Formula("x3", "Q", "rate", fm.RateParams("arbeitslose", "arbeitslose", 100)),
     "derselbe"),
    (fm.Formula("x4", "Q", "rate", fm.RateParams("arbeitslose", "bevoelkerung", -1)),
     "größer als 0"),
    (fm.Formula("x5", "Q", "change", fm.ChangeParams("sgb2_quote", 2020, 2010)), "vor"),
    (fm.Formula("x6", "Q", "change", fm.ChangeParams("sgb2_quote", 1901, 2020)), "keine Werte"),
    (fm.Formula("x7", "I", "index", fm.IndexParams((Part("sgb2_quote"),), "z")), "2 bis 15"),
    (fm.Formula("x8", "I", "index", fm.IndexParams((Part("sgb2_quote"), Part("sgb2_quote")),
                                                   "z")), "doppelt"),
    (fm.Formula("x9", "I", "index", fm.IndexParams((Part("sgb2_quote"), Part("nope")), "z")),
     "gibt es nicht"),
    (fm.Formula("sgb2_quote", "I", "index", fm.IndexParams(
        (Part("kinderarmut"), Part("arbeitslosenquote")), "z")), "vergeben"),
    (fm.Formula("x10", "I", "index", fm.IndexParams(
        (Part("kinderarmut"), Part("arbeitslosenquote", 0)), "z")), "größer als 0"),
    (fm.Formula("X 1", "I", "rate", fm.RateParams("arbeitslose", "bevoelkerung")), "Kennung"),
])
def test_a_definition_that_makes_no_indicator_is_refused_in_german(setup, formula, message):
    store, assemble = setup
    before = store.revision()
    with pytest.raises(fm.FormulaProblem, match=message):
        define.save(formula, assemble(), store)
    assert store.revision() == before and not store.formulas()


def test_definitions_survive_json_and_the_store_on_sqlite_and_postgresql(url, data):
    store = Store(url)
    try:
        formula = define.check(fm.Formula("index_pg", "Index <b>fett</b>", "index", fm.IndexParams(
            (Part("sgb2_quote", 2), Part("kinderarmut", 1, -1)), "minmax", 2019)), data)
        stored = store.save_formula(formula)
        assert stored.created_at and stored.updated_at
        assert store.formulas() == [stored]
        assert fm.from_json(fm.to_json(stored)) == stored
        assert fm.from_dict(fm.to_dict(stored)) == stored
        store.delete("index_pg")
        assert store.formulas() == []
    finally:
        store.dispose()


@pytest.mark.parametrize("raw", [
    None, [], "x", {"kind": "rate"}, {"kind": "rate", "params": {"numerator": 1}},
    {"kind": "index", "params": {"parts": "a"}}, {"kind": "index", "params": {"parts": [1]}},
    {"kind": "change", "params": {"indicator": "a", "year_from": "x", "year_to": 2}},
    {"kind": "change", "params": {"indicator": "a", "year_from": 2000, "year_to": 2001,
                                  "percent": "ja"}},
    {"kind": "index", "params": {"parts": [{"indicator": "a", "weight": "inf"}]}},
    {"kind": "rate", "title": "x" * 5000, "params": {}},
    {"kind": "rate", "life_phases": [1], "params": {}},
    {"kind": "böse", "params": {}},
])
def test_malformed_definitions_give_a_german_problem_never_a_traceback(raw):
    with pytest.raises(fm.FormulaProblem):
        fm.from_dict(raw)


def test_a_database_of_schema_2_is_upgraded_and_keeps_its_own_data(url, data):
    """A store written before definitions existed (schema 2) keeps its indicators and takes
    definitions after the upgrade, on SQLite and PostgreSQL."""
    from sqlalchemy import create_engine

    from atlas.store import SCHEMA_VERSION

    first = Store(url)
    first.add(own_area("alt_zahl", "Alt", "kreis"), pd.DataFrame(
        {"ags": ["16051"], "year": [2020], "value": [5.0], "status": [""]}))
    first.dispose()
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE atlas_own_formula")
        conn.exec_driver_sql("UPDATE atlas_meta SET value = 2 WHERE key = 'schema_version'")
    engine.dispose()
    store = Store(url)
    try:
        assert [i.id for i in store.indicators()] == ["alt_zahl"]
        formula = define.check(fm.Formula("nach_upgrade", "Nach dem Upgrade", "rate",
                                          fm.RateParams("arbeitslose_frauen", "arbeitslose")),
                               data)
        store.save_formula(formula)
        assert [f.id for f in store.formulas()] == ["nach_upgrade"]
    finally:
        store.dispose()
    version = schema_version(url)
    assert version == SCHEMA_VERSION == 4
