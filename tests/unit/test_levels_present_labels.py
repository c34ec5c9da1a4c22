"""Presentation at own levels: the names the map writes are those of the areas shown when they
are few enough to read (as the 22 Kreise), else of the Kreise they lie in
(atlas.figures.map_placement, atlas.labels.level_labels); the same in exported maps.

The small level is real: the nine Verwaltungsgemeinschaften of the Altenburger Land
(tests/data/levels, BKG VG5000) with their Zensus population summed from the Gemeinden."""

from __future__ import annotations

import pandas as pd
import pytest

from atlas import export, figures
from atlas.data.own import with_own
from atlas.labels import MAX_NAMED_AREAS
from atlas.levels.boundaries import read_boundaries
from atlas.levels.own import area_rows, build_levels, reference_boundaries
from tests.conftest import LEVEL_FILES, OWN_COUNT, OWN_LEVEL, vg_population_table

VG_LEVEL = "vg_praesentation"
VG_COUNT = "ew_vg_praesentation"
VG_TITLE = "VG Altenburger Land (Präsentation)"


def add_vg_level(data, store, folder) -> dict[str, float]:
    """Store the nine VG of the Altenburger Land as an own level with their population (read
    from the real GeoJSON and a table made by :func:`vg_population_table`); returns the
    population per key."""
    from atlas.store import OwnIndicator, OwnLevel

    kreise, gemeinden = reference_boundaries(data)
    areas = read_boundaries(LEVEL_FILES / "altenburger_land_vg.geojson", "schluessel", "name",
                            kreise=kreise, gemeinden=gemeinden)
    frame, links = area_rows(areas)
    store.add_level(OwnLevel(id=VG_LEVEL, title=VG_TITLE, singular="Verwaltungsgemeinschaft",
                             gebietsstand="01.01.2021", source="BKG VG5000, zusammengefasst",
                             licence="dl-de/by-2-0", visibility="oeffentlich"), frame, links)
    population = vg_population_table(data, folder / "vg.csv")
    year = data.latest_year("gemeinde_bevoelkerung_zensus")
    values = pd.DataFrame({"ags": list(population), "year": year,
                           "value": list(population.values()), "status": ""})
    store.add(OwnIndicator(
        id=VG_COUNT, title="Einwohner je VG (Präsentation)", unit="Anzahl", decimals=0,
        kind="count", definition="", area=data.indicator("gemeinde_bevoelkerung_zensus").area,
        life_phases=("senioren",), polarity="neutral", source="Zensus 2022, Summe der Gemeinden",
        licence="dl-de/by-2-0", filename="vg.csv", file_format="CSV", code="EW", level=VG_LEVEL,
        visibility="oeffentlich"), values)  # published: the browser tests look as visitors
    return population


@pytest.fixture(scope="module")
def vg(data, tmp_path_factory):
    from atlas.store import Store

    folder = tmp_path_factory.mktemp("vg")
    store = Store(f"sqlite:///{folder / 'vg.sqlite'}")
    try:
        population = add_vg_level(data, store, folder)
        levels = build_levels(store.levels(), store.level_areas(), store.level_links(),
                              data.level_of("kreis"))
        return with_own(data, store.indicators(), store.values(), levels), population
    finally:
        store.dispose()


def _named(description) -> set[str]:
    labels = description["overlays"]["labels"]
    return {t.replace("<br>", " ").replace("- ", "-") for t in labels["text"]}


def test_a_small_own_level_names_its_areas_not_the_kreise(vg):
    own, population = vg
    level = own.level_of(VG_LEVEL)
    year = own.latest_year(VG_COUNT)
    description = figures.map_description(own, VG_COUNT, year, frames=False)
    labels = description["overlays"]["labels"]
    assert sorted(labels["ags"]) == sorted(population)  # the nine areas, by their keys
    assert len(labels["text"]) == len(level) <= MAX_NAMED_AREAS
    for variant in labels["variants"]:
        assert len(variant["text"]) == len(level)
    kreis = own.level_of("kreis").name(level.areas["kreis"].iloc[0])
    assert kreis not in _named(description)  # no Kreis name over the own areas
    shown = figures.compose(description, VG_COUNT, year, presenting=True, names=True)
    trace = next(t for t in shown["data"] if (t.get("meta") or {}).get("role") == "labels")
    assert trace["visible"] is True and len(trace["text"]) == len(level)


def test_a_large_level_names_the_kreise_its_areas_lie_in(own_level_data):
    level = own_level_data.level_of(OWN_LEVEL)
    assert len(level) > MAX_NAMED_AREAS  # 91 Orte
    year = own_level_data.latest_year(OWN_COUNT)
    description = figures.map_description(own_level_data, OWN_COUNT, year, frames=False)
    assert description["overlays"]["labels"]["ags"] == sorted(set(level.areas["kreis"]))


def test_a_small_level_zoomed_to_its_kreis_still_names_its_areas(vg, data):
    own, population = vg
    level = own.level_of(VG_LEVEL)
    kreis = level.areas["kreis"].iloc[0]
    year = own.latest_year(VG_COUNT)
    description = figures.map_description(own, VG_COUNT, year, kreis=kreis, frames=False)
    assert sorted(description["overlays"]["labels"]["ags"]) == sorted(level.in_kreis(kreis))
    # the Gemeinden (631) name their Kreise, zoomed or not (tests/unit/test_map_description.py)
    ind = "gemeinde_bevoelkerung_zensus"
    whole = figures.map_description(data, ind, data.latest_year(ind), frames=False)
    assert len(whole["overlays"]["labels"]["ags"]) == len(data.level_of("kreis"))


def test_the_exported_map_of_the_small_level_names_the_same_areas(vg):
    own, population = vg
    fig = export.map_figure(own, VG_COUNT, own.latest_year(VG_COUNT))
    names = next(t for t in fig.data if t.name == "Kreisnamen")
    level = own.level_of(VG_LEVEL)
    assert len(names.text) == len(level) == len(population)
