"""An own level as a planner sets it up by command line, with real files: the
Verwaltungsgemeinschaften of the Altenburger Land from a projected Shapefile (EPSG:25832), the
same as groups of Gemeinden from an ``ags;name`` table, a wide table of their Zensus population
(one column per year, a total row), and what the atlas then serves: values at the level, counts
summed into coarser levels exactly, small numbers protected, rates never summed.

The population of an area is the sum of the Zensus 2022 population of its Gemeinden in the built
data (tests/data/levels/manifest.json names the Gemeinden of each area).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from atlas.data.own import with_own
from tests.conftest import LEVEL_FILES as LEVELS
from tests.conftest import vg_population_table

MANIFEST = json.loads((LEVELS / "manifest.json").read_text(encoding="utf-8"))
POPULATION = "gemeinde_bevoelkerung_zensus"


def atlas(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "atlas.cli", *args], env=env, text=True,
                          capture_output=True, timeout=120)


@pytest.fixture(scope="module")
def population(data) -> dict[str, float]:
    """Zensus population per Gemeinde (built data) and the year."""
    year = data.latest_year(POPULATION)
    table = data.table(POPULATION, year)
    return {"year": year, **dict(zip(table["ags"], table["value"]))}


@pytest.fixture(scope="module")
def wide_table(data, tmp_path_factory):
    path = tmp_path_factory.mktemp("wide") / "einwohner_vg.csv"
    return path, vg_population_table(data, path)


@pytest.fixture(scope="module")
def area_population(wide_table) -> dict[str, float]:
    return wide_table[1]


@pytest.fixture(scope="module")
def setup(built_dir, tmp_path_factory, wide_table):
    """A copy of the built data with both levels and the wide table imported by command line
    (small-number threshold 5000 on the Shapefile level, so that real small areas are
    protected)."""
    folder = tmp_path_factory.mktemp("flow") / "data"
    shutil.copytree(built_dir, folder, ignore=shutil.ignore_patterns("eigene_daten.sqlite*"))
    env = {**os.environ, "ATLAS_DATA_DIR": str(folder)}
    env.pop("ATLAS_DATABASE_URL", None)
    wide = wide_table[0]
    runs = {
        "add": atlas(env, "level", "add", str(LEVELS / "altenburger_land_vg_25832.zip"),
                     "--id", "vg_abg", "--title", "Verwaltungsgemeinschaften Altenburger Land",
                     "--key", "SCHLUESSEL", "--name", "NAME", "--einzahl", "Verwaltungsgemeinschaft",
                     "--gebietsstand", "01.01.2021", "--quelle", "BKG VG5000, zusammengefasst",
                     "--min-anzahl", "5000"),
        "group": atlas(env, "level", "group", str(LEVELS / "altenburger_land_gruppen.csv"),
                       "--id", "gruppen_abg", "--title", "Gruppen Altenburger Land"),
        "import": atlas(env, "import", str(wide), "--level", "vg_abg", "--id", "ew_vg",
                        "--title", "Einwohner je Verwaltungsgemeinschaft", "--unit", "Anzahl",
                        "--kind", "count", "--decimals", "0", "--bereich", "demografie",
                        "--lebensphasen", "senioren", "--lesart", "neutral",
                        "--quelle", "Zensus 2022, Summe der Gemeinden"),
    }
    return env, folder, runs


def test_levels_are_added_and_the_table_imported_by_command_line(setup):
    env, _, runs = setup
    for name, run in runs.items():
        assert run.returncode == 0, (name, run.stdout, run.stderr)
    assert "Ebene angelegt: Verwaltungsgemeinschaften Altenburger Land (vg_abg), 9 Gebiete" \
        in runs["add"].stdout
    preview = runs["import"].stdout
    assert "Verwaltungsgemeinschaften Altenburger Land: 9 von 9 Gebieten zugeordnet" in preview
    assert "Gesamtzeile „Altenburger Land insgesamt“ (Schlüssel 0)" in preview
    listed = atlas(env, "level", "list").stdout
    assert "vg_abg: Verwaltungsgemeinschaften Altenburger Land – 9 Gebiete" in listed
    assert "gruppen_abg: Gruppen Altenburger Land – 9 Gebiete" in listed


def test_bad_input_is_refused_in_german_and_stores_nothing(setup):
    env, _, _ = setup
    run = atlas(env, "level", "add", str(LEVELS / "ohne_crs.zip"), "--id", "x_crs", "--title",
                "X", "--key", "a", "--name", "b")
    assert run.returncode == 2 and "kein Koordinatenbezugssystem" in run.stderr
    assert "Traceback" not in run.stderr and "Es wurde nichts gespeichert" in run.stderr
    run = atlas(env, "level", "group", str(LEVELS / "gruppen_fehler.csv"), "--id", "x_gr",
                "--title", "X")
    assert run.returncode == 2 and "mehreren Gebieten zugeordnet" in run.stderr
    assert "Zeile 32" in run.stderr
    run = atlas(env, "level", "delete", "vg_abg")
    assert run.returncode == 2 and "ew_vg" in run.stderr and "--mit-daten" in run.stderr
    listed = atlas(env, "level", "list").stdout
    assert "x_crs" not in listed and "x_gr" not in listed and "vg_abg" in listed


@pytest.fixture(scope="module")
def client(setup):
    """The app's API on the data of :func:`setup` (a fresh app process would read the same)."""
    from flask import Flask

    from atlas.api import api
    from atlas.data import load
    from atlas.levels.own import build_levels
    from atlas.store import Store

    _, folder, _ = setup
    store = Store(f"sqlite:///{folder / 'eigene_daten.sqlite'}")
    try:
        base = load(folder)
        levels = build_levels(store.levels(), store.level_areas(), store.level_links(),
                              base.level_of("kreis"))
        data = with_own(base, store.indicators(), store.values().astype({"year": int}), levels)
    finally:
        store.dispose()
    app = Flask("flow")
    app.register_blueprint(api)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("atlas.api.get_data", lambda: data)
        yield app.test_client(), data


def test_gemeinde_counts_sum_exactly_into_own_areas_and_groups(client, area_population,
                                                               population):
    http, data = client
    year = population["year"]
    for level in ("vg_abg", "gruppen_abg"):
        body = http.get(f"/api/values?indicator={POPULATION}&year={year}&ebene={level}")
        assert body.status_code == 200, body.get_json()
        payload = body.get_json()
        assert payload["ebene"] == level and payload["summed_from"] == "gemeinde"
        got = {row["name"]: row["value"] for row in payload["values"]}
        names = {MANIFEST["groups"][k]["name"]: v for k, v in area_population.items()}
        if level == "vg_abg":  # threshold 5000: sums are protected like the level's counts
            assert set(got) == set(names)
            assert all(got[n] == v for n, v in names.items() if got[n] is not None)
            assert all(got[n] is None for n, v in names.items() if 0 < v < 5000)
            assert any(got[n] is not None for n in names)
        else:  # groups are keyed by their names' slugs
            assert sorted(got.values()) == sorted(names.values())


def test_rates_are_never_summed_and_unknown_levels_named(client):
    http, data = client
    rate = next(i.id for i in data.available_indicators(level="gemeinde") if i.kind == "rate")
    answer = http.get(f"/api/values?indicator={rate}&ebene=vg_abg")
    assert answer.status_code == 400 and "nicht summieren" in answer.get_json()["error"]
    answer = http.get(f"/api/values?indicator={POPULATION}&ebene=nirgendwo")
    assert answer.status_code == 400 and "„nirgendwo“ gibt es nicht" in answer.get_json()["error"]
    answer = http.get("/api/values?indicator=sgb2_quote&ebene=gemeinde")
    assert answer.status_code == 400 and "nicht" in answer.get_json()["error"]


def test_small_numbers_are_protected_everywhere_the_api_shows_them(client, area_population,
                                                                   population):
    http, data = client
    level = data.level_of("vg_abg")
    assert level.min_count == 5000
    payload = http.get(f"/api/values?indicator=ew_vg&year={population['year']}").get_json()
    rows = {row["ags"]: row for row in payload["values"]}
    small = {k for k, v in area_population.items() if 0 < v < 5000}
    assert small, "the threshold must catch real small areas for this test to mean anything"
    for key in small:
        assert rows[key]["value"] is None and rows[key]["status"] == "< 5000 (geschützt)"
    hidden = {k for k, row in rows.items() if row["value"] is None}
    text = json.dumps(payload)
    for key in hidden:  # the true number of a hidden area appears nowhere
        assert f": {int(area_population[key])}," not in text
    # the file's total minus the visible areas never gives a single hidden area away
    total = payload["reference"]["value"]
    assert payload["reference"]["label"] == ("Verwaltungsgemeinschaften Altenburger Land "
                                             "insgesamt (laut Quelle)")
    if total is not None:
        rest = total - sum(row["value"] for row in rows.values() if row["value"] is not None)
        assert len(hidden) >= 2 and all(rest != area_population[k] for k in hidden)
    # the sum into the Kreis (the areas cover it wholly) has a protected part: missing, not less
    kreis = http.get(f"/api/values?indicator=ew_vg&year={population['year']}&ebene=kreis")
    kreis_rows = {row["ags"]: row for row in kreis.get_json()["values"]}
    assert kreis_rows[MANIFEST["kreis"]]["value"] is None
    assert kreis_rows[MANIFEST["kreis"]]["status"] == "unvollständig"
    other = next(k for k in kreis_rows if k != MANIFEST["kreis"])
    assert kreis_rows[other]["status"].startswith("nicht aus")


def test_api_lists_the_own_levels_with_their_sources(client):
    http, _ = client
    from atlas.api import api  # noqa: F401 (the blueprint serves /api/levels too)

    levels = {lv["id"]: lv for lv in http.get("/api/levels").get_json()["levels"]}
    assert levels["vg_abg"]["areas"] == 9 and levels["vg_abg"]["parent"] == "kreis"
    assert levels["vg_abg"]["source"] == "BKG VG5000, zusammengefasst"
    assert levels["gruppen_abg"]["areas"] == 9
