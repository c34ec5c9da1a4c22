"""Own levels in the store and in the level registry: stored all or nothing, upgraded from the
first schema, and seen by the atlas like the built levels.

The areas are real: the Gemeinden of the Kreis with the most Gemeinden, from the built data,
stored as an own level (tests/conftest.py ``own_level_parts``).
"""

from __future__ import annotations

import math
import sqlite3

import pandas as pd
import pytest
import shapely
from sqlalchemy import create_engine

from atlas.data.own import with_own
from atlas.levels.own import build_levels
from atlas.levels.registry import KREIS, UnknownLevel
from atlas.schema import Col
from atlas.store import SCHEMA_VERSION, OwnIndicator, OwnLevel, Store, StoreError
from tests.conftest import own_level_parts, schema_version


@pytest.fixture
def store(url):
    store = Store(url)
    yield store
    store.dispose()


@pytest.fixture(scope="module")
def kreis_areas(data):
    """(kreis, areas, links): real Gemeinden as own areas (see tests/conftest.py)."""
    kreis, areas, links, _ = own_level_parts(data)
    return kreis, areas, links


def level(level_id: str = "orte", **changes) -> OwnLevel:
    fields = dict(id=level_id, title="Orte <b>im</b> Kreis", singular="Ort",
                  gebietsstand="01.01.2021", source="BKG VG5000, eigene Auswahl",
                  licence="dl-de/by-2-0", filename="orte.geojson", key_column="schluessel",
                  name_column="name")
    fields.update(changes)
    return OwnLevel(**fields)


def indicator(level_id: str, indicator_id: str = "orte_zahl") -> OwnIndicator:
    return OwnIndicator(id=indicator_id, title="Anzahl im Ort", unit="Anzahl", decimals=0,
                        kind="count", definition="", area="bildung", life_phases=("kindheit",),
                        polarity="neutral", source="Jugendamt", licence="", filename="x.csv",
                        file_format="CSV", code="X", level=level_id)


def test_a_level_is_stored_whole_and_read_back(store, kreis_areas):
    _, areas, links = kreis_areas
    before = store.revision()
    stored = store.add_level(level(), areas, links)
    assert stored.created_at and store.revision() == before + 1
    assert [lv.id for lv in store.levels()] == ["orte"]
    back = store.level_areas()
    assert back["key"].tolist() == sorted(areas["key"]) and set(back["level_id"]) == {"orte"}
    shapes = dict(zip(areas["key"], areas["geometry"]))
    for key, text in zip(back["key"], back["geometry"]):
        assert shapely.from_geojson(text).equals_exact(shapes[key], 1e-9)
    assert len(store.level_links()) == len(links)


@pytest.mark.parametrize("bad", [dict(id="kreis"), dict(id="Orte!"), dict(title=" "),
                                 dict(origin="irgendwo"), dict(min_count=0)])
def test_an_incomplete_level_is_refused_and_nothing_is_stored(store, kreis_areas, bad):
    _, areas, links = kreis_areas
    with pytest.raises(StoreError, match="Es wurde nichts gespeichert"):
        store.add_level(level(**bad), areas, links)
    assert store.levels() == [] and store.level_areas().empty and store.revision() == 0


def test_a_second_level_with_the_same_id_or_repeated_keys_stores_nothing(store, kreis_areas):
    _, areas, links = kreis_areas
    store.add_level(level(), areas, links)
    with pytest.raises(StoreError, match="existiert bereits"):
        store.add_level(level(title="anders"), areas, links)
    twice = pd.concat([areas, areas.head(1)], ignore_index=True)
    with pytest.raises(StoreError, match="mehrfach"):
        store.add_level(level("orte_zwei"), twice, links)
    assert [lv.id for lv in store.levels()] == ["orte"]
    assert set(store.level_areas()["level_id"]) == {"orte"}


def test_indicators_need_their_level_and_keep_it_from_deletion(store, kreis_areas):
    _, areas, links = kreis_areas
    values = pd.DataFrame({"ags": areas["key"], "year": 2021, "value": float("nan"),
                           "status": "geheim"})
    with pytest.raises(StoreError, match="Ebene „orte“ gibt es nicht"):
        store.add(indicator("orte"), values)
    store.add_level(level(), areas, links)
    store.add(indicator("orte"), values)
    with pytest.raises(StoreError, match="orte_zahl.*--mit-daten"):
        store.delete_level("orte")
    assert [lv.id for lv in store.levels()] == ["orte"] and len(store.values()) == len(values)
    assert store.delete_level("orte", with_data=True) == ["orte_zahl"]
    assert store.levels() == [] and store.indicators() == [] and store.values().empty
    assert store.level_areas().empty and store.level_links().empty
    with pytest.raises(StoreError, match="keine eigene Ebene"):
        store.delete_level("orte")


def test_a_database_of_the_first_schema_is_upgraded_in_place(url, kreis_areas):
    """A database written before own levels existed (schema 1: no level tables, the level
    column 10 characters wide) keeps its indicators and takes own levels after the upgrade."""
    _, areas, links = kreis_areas
    first = Store(url)
    first.add(indicator("kreis", "alt"), pd.DataFrame({"ags": ["16051"], "year": [2020],
                                                       "value": [1.0], "status": [""]}))
    first.dispose()
    engine = create_engine(url)
    with engine.begin() as conn:
        for table in ("atlas_own_link", "atlas_own_area", "atlas_own_level"):
            conn.exec_driver_sql(f"DROP TABLE {table}")
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql("ALTER TABLE atlas_own_indicator ALTER COLUMN level "
                                 "TYPE VARCHAR(10)")
            conn.exec_driver_sql("ALTER TABLE atlas_own_value ALTER COLUMN ags TYPE VARCHAR(20)")
        conn.exec_driver_sql("UPDATE atlas_meta SET value = 1 WHERE key = 'schema_version'")
    engine.dispose()
    store = Store(url)
    try:
        assert [i.id for i in store.indicators()] == ["alt"]
        long_id = "sozialraeume_der_stadt_" + "x" * 10
        # keys as long as slugs of group names ("goessnitz-und-umgebung")
        long_keys = areas.assign(key=areas["key"] + "-" + areas["name"].str.lower()
                                 .str.replace(r"[^a-z0-9]+", "-", regex=True).str[:30])
        long_links = links.assign(key=long_keys["key"])
        store.add_level(level(long_id), long_keys, long_links)
        store.add(indicator(long_id), pd.DataFrame({"ags": long_keys["key"], "year": 2021,
                                                    "value": 1.0, "status": ""}))
        assert {i.level for i in store.indicators()} == {"kreis", long_id}
    finally:
        store.dispose()
    version = schema_version(url)
    assert version == SCHEMA_VERSION


def test_the_atlas_shows_an_own_level_like_a_built_one(data, kreis_areas, tmp_path):
    kreis, areas, links = kreis_areas
    store = Store(f"sqlite:///{tmp_path / 'eigene_daten.sqlite'}")
    try:
        store.add_level(level(), areas, links)
        values = pd.DataFrame({"ags": areas["key"], "year": 2021,
                               "value": [float(i) for i in range(len(areas))], "status": ""})
        values.loc[0, ["value", "status"]] = [float("nan"), "geheim"]
        own = store.add(indicator("orte"), values)
        own_levels = build_levels(store.levels(), store.level_areas(), store.level_links(),
                                  data.level_of("kreis"))
        merged = with_own(data, [own], store.values(), own_levels)
    finally:
        store.dispose()
    assert data.levels.ids() == ["kreis", "gemeinde"]  # the built data stay as they were
    assert merged.levels.ids() == ["kreis", "gemeinde", "orte"]
    assert "orte" in merged.available_levels()
    orte = merged.level_of("orte")
    kreis_name = data.region_name(kreis)
    assert orte.parent == KREIS and set(orte.areas["kreis_name"]) == {kreis_name}
    assert orte.in_kreis(kreis) == sorted(areas["key"])
    assert len(orte.geojson["features"]) == len(areas)
    # a planner's title and names are text: the hover shows them literally
    hover = {f["id"]: f["properties"]["HOVER"] for f in orte.geojson["features"]}
    assert all(f"{kreis_name}" in h and h.startswith("<b>") for h in hover.values())
    assert orte.describe() == {"id": "orte", "title": "Orte <b>im</b> Kreis",
                               "areas": len(areas), "parent": "kreis",
                               "gebietsstand": "01.01.2021", "source": "BKG VG5000, eigene Auswahl",
                               "licence": "dl-de/by-2-0", "own": True}
    assert orte.attribution == ("Grenzen: BKG VG5000, eigene Auswahl · Gebietsstand der "
                                "Orte <b>im</b> Kreis: 01.01.2021")
    table = merged.table("orte_zahl", 2021)
    names = dict(zip(areas["key"], areas["name"]))
    assert dict(zip(table[Col.AGS], table[Col.NAME])) == names
    secret = table[table[Col.AGS] == values.loc[0, "ags"]].iloc[0]
    assert math.isnan(secret[Col.VALUE]) and secret[Col.STATUS] == "geheim"
    ref = merged.reference("orte_zahl", 2021)
    assert ref.missing and ref.label == orte.sum_label  # one part secret: no sum
    assert merged.region_name(values.loc[1, "ags"]) == orte.name(values.loc[1, "ags"])
    with pytest.raises(UnknownLevel, match="„nirgends“ gibt es nicht"):
        merged.level_of("nirgends")


def test_the_sqlite_file_after_an_upgrade_is_still_one_file(tmp_path, kreis_areas):
    """Nothing of the upgrade lives outside the data folder's one database file."""
    path = tmp_path / "eigene_daten.sqlite"
    Store(f"sqlite:///{path}").dispose()
    with sqlite3.connect(path) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"atlas_own_level", "atlas_own_area", "atlas_own_link"} <= tables
