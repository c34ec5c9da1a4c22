"""Defined indicators in every view and export, at the Kreise, the Gemeinden and an own level
(#15: "an indicator like any other").

The definitions are made on real data (tests/conftest.py ``formula_store``); expected values
come from their parts, as the page shows them.
"""

from __future__ import annotations

import io
import math

import pytest
from pypdf import PdfReader

from atlas import analysis, figures
from atlas.composite import define
from atlas.composite import formulas as fm
from atlas.composite.index import Part
from tests.conftest import FORMULA_LEVEL, OWN_COUNT_SOURCE, serving

DEFINITIONS = [
    fm.Formula("frauen_an_alo", "Frauen unter den Arbeitslosen", "rate",
               fm.RateParams("arbeitslose_frauen", "arbeitslose", 100)),
    fm.Formula("ew_je_km2", "Einwohner je km²", "rate",
               fm.RateParams(OWN_COUNT_SOURCE, "gemeinde_flaeche", 1)),
    fm.Formula("orte_dichte", "Fläche je 1.000 Einwohner (Orte)", "rate",
               fm.RateParams("orte_flaeche", "orte_ew", 1000)),
    fm.Formula("sgb2_veraenderung", "Veränderung der SGB-II-Quote", "change",
               fm.ChangeParams("sgb2_quote", 2015, 2020)),
    fm.Formula("index_kreise", "Sozialindex der Kreise", "index", fm.IndexParams(
        (Part("sgb2_quote", 2), Part("kinderarmut", 1), Part("grundsicherung_alter", 1)), "z")),
    fm.Formula("index_gemeinden", "Index der Gemeinden", "index", fm.IndexParams(
        (Part(OWN_COUNT_SOURCE, 1), Part("gemeinde_anteil_siedlungsflaeche", 1),
         Part("ew_je_km2", 1)), "minmax")),
    fm.Formula("index_orte", "Index der Orte", "index", fm.IndexParams(
        (Part("orte_ew", 1), Part("orte_dichte", 1)), "z")),
]
#: Entry → the level it is shown at.
ENTRIES = {"frauen_an_alo": "kreis", "ew_je_km2": "gemeinde", "ew_je_km2@kreis": "kreis",
           "orte_dichte": FORMULA_LEVEL, "orte_dichte@kreis": "kreis",
           "sgb2_veraenderung": "kreis", "index_kreise": "kreis",
           "index_gemeinden": "gemeinde", "index_orte": FORMULA_LEVEL}


@pytest.fixture(scope="module")
def defined(formula_store):
    store, assemble = formula_store
    for formula in DEFINITIONS:
        define.save(formula, assemble(), store)
    yield assemble()
    for formula in reversed(DEFINITIONS):
        store.delete(formula.id)


@pytest.fixture(scope="module")
def client(defined):
    with serving(defined, "formulas-every-view") as test_client:
        yield test_client


def _area(data, entry):
    """An area of the entry's level with a value in its latest year."""
    table = data.table(entry, data.latest_year(entry))
    return str(table.dropna(subset=["value"])["ags"].iloc[0])


@pytest.mark.parametrize("entry", ENTRIES)
def test_the_entry_is_at_its_level_with_a_map_a_ranking_and_a_profile(defined, entry):
    data = defined
    assert data.indicator(entry).level == ENTRIES[entry]
    year = data.latest_year(entry)
    view = figures.map_view(data, entry, year)
    table = data.table(entry, year)
    assert len(view.table) == len(data.level_of(ENTRIES[entry]).keys)
    shown = dict(zip(view.table["ags"], view.table["value"]))
    for ags, value in zip(table["ags"], table["value"]):
        assert shown[ags] == value or (math.isnan(value) and math.isnan(shown[ags]))
    fig = figures.choropleth(data, view)
    assert len(fig.data[0].locations) == len(view.table)
    ranking = analysis.ranking(data, entry, year)
    assert ranking["rank"].notna().sum() == table["value"].notna().sum() > 0
    profile = analysis.profile(data, _area(data, entry), level=ENTRIES[entry])
    assert entry in set(profile["indicator"])


@pytest.mark.parametrize("entry", [e for e in ENTRIES if e != "sgb2_veraenderung"])
def test_the_time_series_has_the_entrys_years(defined, entry):
    data = defined
    ags = _area(data, entry)
    fig = figures.timeseries(data, entry, [ags])
    name = data.region_name(ags) if ENTRIES[entry] != FORMULA_LEVEL else \
        data.level_of(FORMULA_LEVEL).name(ags)
    trace = next(t for t in fig.data if t.name and name in t.name)
    series = data.series(entry, [ags]).dropna(subset=["value"])
    assert len([y for y in trace.y if y == y]) == len(series)


def test_a_z_index_map_diverges_around_the_average(defined):
    data = defined
    year = data.latest_year("index_kreise")
    view = figures.map_view(data, "index_kreise", year)
    assert view.reference.value == 0 and "Durchschnitt" in view.reference.label
    from atlas import palettes

    assert set(view.colours) <= {c for n in palettes.DIVERGING["RdBu"].values() for c in n}
    # classes by standard deviations, symmetric about 0: the most burdened area in the darkest
    # warm colour, the least burdened in the darkest cool one (not a pale class above 0)
    values = view.table["value"].to_numpy()
    top = view.colours[int(view.table["class"].iloc[values.argmax()])]
    bottom = view.colours[int(view.table["class"].iloc[values.argmin()])]
    assert values.max() > 1.5 and values.min() < -0.5
    assert top == palettes.DIVERGING["RdBu"][view.classes.k][0]
    assert bottom in palettes.DIVERGING["RdBu"][view.classes.k][view.classes.k // 2 + 1:]
    assert "Standardabweichung" in view.legend_title


@pytest.mark.parametrize("entry", ["frauen_an_alo", "ew_je_km2@kreis", "index_gemeinden",
                                   "index_orte"])
@pytest.mark.parametrize("path", ["/export/map.png", "/export/map.pdf", "/export/data.csv",
                                  "/export/data.xlsx"])
def test_every_export_of_a_defined_indicator(client, defined, entry, path, export_engine):
    data = defined
    year = data.latest_year(entry)
    response = client.get(f"{path}?indicator={entry}&year={year}")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    if path.endswith(".pdf"):
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
        assert data.indicator(entry).short_title.split(" (")[0] in text
        assert "eigene Berechnung" in text
    if path.endswith(".csv"):
        text = response.data.decode("utf-8-sig")
        assert all(f"{key};" in text for key in data.level_of(ENTRIES[entry]).keys)
        assert "eigene Berechnung" in text


@pytest.mark.parametrize("entry", ENTRIES)
def test_the_api_gives_the_values_the_page_shows(client, defined, entry):
    data = defined
    year = data.latest_year(entry)
    body = client.get(f"/api/values?indicator={entry}&year={year}").get_json()
    table = data.table(entry, year).set_index("ags")
    decimals = data.indicator(entry).decimals
    for row in body["values"]:
        value = table.loc[row["ags"], "value"]
        if math.isnan(value):
            assert row["value"] is None and row["status"] != "ok"
        else:
            assert row["value"] == pytest.approx(round(value, decimals), abs=10 ** -decimals)


def test_similar_areas_start_from_an_index_s_parts(defined):
    from atlas.composite import peers

    formula = defined.catalogue.formulas["index_kreise"]
    assert peers.default_indicators(defined, "kreis", "index_kreise") == list(formula.parts)
    assert peers.default_indicators(defined, "kreis", "sgb2_quote") == \
        peers.default_indicators(defined, "kreis")
