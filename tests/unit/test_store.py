"""Own data store: real SQLite files and a real PostgreSQL server (started by the test run), no mocks.

What a planner would notice: an import is there completely or not at all, texts and numbers come
back exactly as typed, a missing value stays missing, two imports at the same moment both land,
and every app worker sees the new data.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import sqlite3
import threading
import time
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import make_url

from atlas.store import SCHEMA_VERSION, OwnIndicator, Store, StoreError, _display_url

HYPERLINK = '=HYPERLINK("http://x")'


def make_indicator(indicator_id: str = "kita_quote", **changes) -> OwnIndicator:
    fields = dict(
        id=indicator_id,
        title=f"Betreuungsquote Kita {HYPERLINK}",
        unit="%",
        decimals=1,
        kind="rate",
        definition="Anteil betreuter Kinder unter 3 Jahren – „Stichtag“ 1. März\nZweite Zeile\t  ",
        area="bildung",
        life_phases=("kindheit", "jugend"),
        polarity="protective",
        source=f"Jugendamt Erfurt, eigene Erhebung {HYPERLINK}",
        licence="",
        filename="Kita Quote (Entwurf) äöüß.xlsx",
        file_format="Excel-Arbeitsmappe (.xlsx)",
        code="KITA_U3",
    )
    fields.update(changes)
    return OwnIndicator(**fields)


def make_values(n_regions: int = 50, years=range(2015, 2025), seed: int = 0) -> pd.DataFrame:
    """Values in the importer's shape; every 7th value missing with a status."""
    rng = np.random.default_rng(seed)
    ags = [f"16{i:06d}" for i in range(n_regions)]
    frame = pd.DataFrame([(a, y) for a in ags for y in years], columns=["ags", "year"])
    frame["value"] = rng.normal(50, 20, len(frame))
    frame["status"] = ""
    missing = np.arange(len(frame)) % 7 == 3
    frame.loc[missing, "value"] = np.nan
    frame.loc[missing, "status"] = "geheim"
    frame.loc[1, "status"] = "vorläufig"
    return frame


def stored_values(store: Store, indicator_id: str) -> pd.DataFrame:
    frame = store.values()
    return frame[frame["indicator"] == indicator_id].reset_index(drop=True)


def assert_same_values(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    """Same rows, floats bit-exact, NaN where NaN was given, statuses verbatim."""
    got = got.sort_values(["ags", "year"]).reset_index(drop=True)
    expected = expected.sort_values(["ags", "year"]).reset_index(drop=True)
    assert len(got) == len(expected)
    assert got["ags"].tolist() == expected["ags"].tolist()
    assert got["year"].tolist() == [int(y) for y in expected["year"]]
    assert got["status"].tolist() == expected["status"].tolist()
    got_nan = got["value"].isna().to_numpy()
    assert (got_nan == expected["value"].isna().to_numpy()).all()
    assert got["value"][~got_nan].tolist() == expected["value"][~got_nan].tolist()


# ---------------------------------------------------------------------- backends


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'eigene_daten.sqlite'}"


@pytest.fixture
def store(url):
    store = Store(url)
    yield store
    store.dispose()


# ---------------------------------------------------------------------- add / read back


def test_add_returns_exactly_what_was_stored(store, url):
    indicator = make_indicator()
    values = make_values()
    values.loc[0, "value"] = 0.1
    values.loc[2, "value"] = 1 / 3
    values.loc[4, "value"] = 123456789.123456789
    values.loc[5, "value"] = 1e-300
    values.loc[6, "value"] = 0.0
    assert store.revision() == 0
    assert store.indicators() == []
    assert list(store.values().columns) == ["indicator", "ags", "year", "value", "status"]

    store.add(indicator, values)

    [got] = store.indicators()
    assert datetime.fromisoformat(got.imported_at)  # set by the store
    assert got == dataclasses.replace(indicator, imported_at=got.imported_at)
    assert got.title.endswith(HYPERLINK) and got.source.endswith(HYPERLINK)
    assert got.definition == indicator.definition  # umlauts, quotes, newline, trailing blanks
    stored = stored_values(store, indicator.id)
    assert_same_values(stored, values)
    assert stored["value"].isna().sum() == values["value"].isna().sum() > 0
    assert set(stored.loc[stored["value"].isna(), "status"]) == {"geheim"}
    assert 0.0 in stored["value"].tolist()  # a real zero stays a zero
    assert store.revision() == 1

    # another worker process opening the same database sees the import
    other = Store(url)
    try:
        assert other.revision() == 1
        assert [i.id for i in other.indicators()] == [indicator.id]
        assert_same_values(stored_values(other, indicator.id), values)
    finally:
        other.dispose()


def test_revision_counts_every_add_and_delete(store):
    store.add(make_indicator("a_eins"), make_values(3))
    store.add(make_indicator("b_zwei", level="gemeinde"), make_values(4, seed=1))
    assert store.revision() == 2
    store.delete("a_eins")
    assert store.revision() == 3
    assert [i.id for i in store.indicators()] == ["b_zwei"]
    assert store.indicators()[0].level == "gemeinde"


def test_indicators_are_listed_in_import_order(store):
    store.add(make_indicator("zz_alt", imported_at="2024-01-01T10:00:00+00:00"), make_values(2))
    store.add(make_indicator("aa_neu", imported_at="2025-06-01T10:00:00+00:00"), make_values(2))
    store.add(make_indicator("mm_neu", imported_at="2025-06-01T10:00:00+00:00"), make_values(2))
    assert [i.id for i in store.indicators()] == ["zz_alt", "aa_neu", "mm_neu"]
    assert store.indicators()[0].imported_at == "2024-01-01T10:00:00+00:00"


def test_importer_frame_with_extra_columns_and_own_index(store):
    """The importer may pass more columns (name, code, row), nullable dtypes and a filtered index."""
    values = make_values(6)
    values = values.assign(name="Erfurt", code="KITA_U3", row=range(2, len(values) + 2))
    values = values[values["year"] > 2016].set_axis(range(100, 100 + 48))
    values = values.astype({"year": "Int64", "value": "Float64", "ags": "str"})
    store.add(make_indicator(), values)
    assert_same_values(
        stored_values(store, "kita_quote"),
        values.astype({"year": "int64", "value": "float64", "status": "object"}),
    )


def test_no_life_phases_round_trip(store):
    store.add(make_indicator("ohne_phase", life_phases=()), make_values(2))
    assert store.indicators()[0].life_phases == ()


# ---------------------------------------------------------------------- refused imports


def test_duplicate_id_is_refused_and_first_import_unchanged(store):
    first = make_values(5)
    store.add(make_indicator(), first)

    with pytest.raises(StoreError) as info:
        store.add(make_indicator(title="Etwas anderes"), make_values(8, seed=3))

    assert str(info.value) == (
        "Ein eigener Indikator mit der Kennung „kita_quote“ existiert bereits – bitte eine "
        "andere Kennung wählen, den vorhandenen zuerst löschen oder ihn ersetzen („atlas "
        "import … --ersetzen“; die bisherige Fassung bleibt im Papierkorb)."
    )
    [kept] = store.indicators()
    assert kept.title == make_indicator().title
    assert_same_values(stored_values(store, "kita_quote"), first)
    assert store.revision() == 1


def test_failing_import_midway_stores_nothing(store):
    store.add(make_indicator("vorher"), make_values(3))
    before = store.values()

    values = make_values(n_regions=1000)  # 10,000 rows
    values.loc[4999, ["ags", "year"]] = values.loc[10, ["ags", "year"]].tolist()
    with pytest.raises(StoreError, match="mehrfach") as info:
        store.add(make_indicator("kaputt"), values)
    assert f"{values.loc[10, 'ags']}/{values.loc[10, 'year']}" in str(info.value)
    assert "nichts gespeichert" in str(info.value)

    assert [i.id for i in store.indicators()] == ["vorher"]
    pd.testing.assert_frame_equal(store.values(), before)
    assert store.revision() == 1

    # after fixing the file the same id can be imported
    store.add(make_indicator("kaputt"), make_values(n_regions=1000))
    assert store.revision() == 2


@pytest.mark.parametrize(
    "spoil, message",
    [
        (lambda v: v.iloc[0:0], "keine Werte"),
        (lambda v: v.assign(value=v["value"].astype(object).where(v.index != 4999, "abc")), "Zahl"),
        (lambda v: v.assign(value=v["value"].where(v.index != 4999, np.inf)), "unendlich"),
        (lambda v: v.assign(year=v["year"].where(v.index != 4999, 20.5)), "Jahr"),
        (lambda v: v.assign(ags=v["ags"].where(v.index != 4999, None)), "Regionalschlüssel"),
        (lambda v: v.drop(columns="status"), "status"),
    ],
    ids=["leer", "text-statt-zahl", "unendlich", "jahr", "ags-fehlt", "spalte-fehlt"],
)
def test_values_that_cannot_be_stored_leave_nothing(store, spoil, message):
    values = spoil(make_values(n_regions=1000))
    with pytest.raises(StoreError, match=message):
        store.add(make_indicator(), values)
    assert store.indicators() == []
    assert store.values().empty
    assert store.revision() == 0


@pytest.mark.parametrize(
    "changes",
    [
        {"id": "Kita-Quote"},
        {"id": "x"},
        {"kind": "anteil"},
        {"polarity": "gut"},
        {"life_phases": ("kindheit", "rente")},
        {"level": "Land!"},
        {"decimals": 1.5},
        {"title": "  "},
        {"source": "Jugendamt\x00"},
    ],
)
def test_incomplete_description_is_refused(store, changes):
    with pytest.raises(StoreError, match="kann nicht gespeichert werden"):
        store.add(make_indicator(**changes), make_values(2))
    assert store.indicators() == [] and store.revision() == 0


# ---------------------------------------------------------------------- delete


def test_delete_removes_values_and_indicator(store):
    store.add(make_indicator("weg"), make_values(10))
    store.add(make_indicator("bleibt"), make_values(4, seed=2))
    store.delete("weg")
    assert [i.id for i in store.indicators()] == ["bleibt"]
    assert set(store.values()["indicator"]) == {"bleibt"}
    assert_same_values(stored_values(store, "bleibt"), make_values(4, seed=2))
    # the id is free again
    store.add(make_indicator("weg"), make_values(1))


def test_delete_unknown_id_is_refused(store):
    store.add(make_indicator(), make_values(2))
    with pytest.raises(StoreError, match="keinen eigenen Indikator mit der Kennung „gibtsnicht“"):
        store.delete("gibtsnicht")
    assert store.revision() == 1
    assert len(store.values()) == 20


# ---------------------------------------------------------------------- concurrency

BIG_REGIONS = 1000  # x 20 years = 20,000 rows per import
BIG_YEARS = range(2005, 2025)


def big_values(seed: int) -> pd.DataFrame:
    return make_values(BIG_REGIONS, BIG_YEARS, seed=seed)


def assert_both_landed(store: Store, ids: list[str]) -> None:
    assert sorted(i.id for i in store.indicators()) == sorted(ids)
    for seed, indicator_id in enumerate(ids):
        stored = stored_values(store, indicator_id)
        assert len(stored) == 20_000
        assert_same_values(stored, big_values(seed))
    assert store.revision() == len(ids)


def test_two_threads_import_at_the_same_time(store):
    ids = ["thread_eins", "thread_zwei"]
    start = threading.Barrier(3)
    errors: list[BaseException] = []
    seen_revisions: list[int] = []
    done = threading.Event()

    def importer(seed: int) -> None:
        try:
            indicator, values = make_indicator(ids[seed]), big_values(seed)
            start.wait(timeout=30)
            store.add(indicator, values)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    def app_worker() -> None:  # polls like every app worker does, during the imports
        try:
            start.wait(timeout=30)
            while not done.is_set():
                seen_revisions.append(store.revision())
                store.values()
        except BaseException as error:  # noqa: BLE001
            errors.append(error)

    threads = [threading.Thread(target=importer, args=(i,)) for i in range(2)]
    reader = threading.Thread(target=app_worker)
    for thread in [*threads, reader]:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    done.set()
    reader.join(timeout=60)

    assert errors == []
    assert seen_revisions == sorted(seen_revisions)  # never goes backwards
    assert_both_landed(store, ids)


def _import_in_process(
    url: str,
    indicator_id: str,
    seed: int,
    start,
    results,
    n_regions: int = BIG_REGIONS,
    race_on_open: bool = False,
) -> None:
    """Runs in a spawned process, like a second gunicorn worker; all start together at `start`
    (before opening the database if `race_on_open`, else right before the import)."""
    try:
        indicator = make_indicator(indicator_id)
        values = make_values(n_regions, BIG_YEARS, seed=seed)
        if race_on_open:
            start.wait(timeout=60)
        store = Store(url)
        if not race_on_open:
            start.wait(timeout=60)
        began = time.perf_counter()
        store.add(indicator, values)
        results.put((indicator_id, "ok", time.perf_counter() - began))
        store.dispose()
    except BaseException as error:  # noqa: BLE001 - reported to the parent
        results.put((indicator_id, f"{type(error).__name__}: {error}", 0.0))


def test_two_processes_import_at_the_same_time(url):
    Store(url).dispose()  # as the app does at start-up; the processes then race on the data
    ids = ["prozess_eins", "prozess_zwei"]
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Barrier(2)
    results = ctx.Queue()
    processes = [
        ctx.Process(target=_import_in_process, args=(url, ids[i], i, start, results))
        for i in range(2)
    ]
    for process in processes:
        process.start()
    outcome = {}
    for _ in processes:
        indicator_id, status, _seconds = results.get(timeout=180)
        outcome[indicator_id] = status
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0

    assert outcome == {i: "ok" for i in ids}  # in particular no "database is locked"
    store = Store(url)
    try:
        assert_both_landed(store, ids)
    finally:
        store.dispose()


def test_processes_creating_a_new_database_at_once(url):
    """Several workers starting on a database without tables (SQLite: no file yet)."""
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Barrier(3)
    results = ctx.Queue()
    processes = [
        ctx.Process(
            target=_import_in_process,
            args=(url, f"start_{i}", i, start, results),
            kwargs={"n_regions": 5, "race_on_open": True},
        )
        for i in range(3)
    ]
    for process in processes:
        process.start()
    statuses = [results.get(timeout=180)[1] for _ in processes]
    for process in processes:
        process.join(timeout=60)
    assert statuses == ["ok"] * 3
    store = Store(url)
    try:
        assert store.revision() == 3
        assert len(store.values()) == 3 * 5 * 20
    finally:
        store.dispose()


# ---------------------------------------------------------------------- where the data lives


def test_default_location_is_the_data_folder(tmp_path, monkeypatch):
    folder = tmp_path / "daten"  # does not exist yet
    monkeypatch.setenv("ATLAS_DATA_DIR", str(folder))
    monkeypatch.delenv("ATLAS_DATABASE_URL", raising=False)
    store = Store()
    try:
        store.add(make_indicator(), make_values(2))
        assert (folder / "eigene_daten.sqlite").is_file()
        assert str(folder / "eigene_daten.sqlite") in store.url_for_display
    finally:
        store.dispose()
    with sqlite3.connect(folder / "eigene_daten.sqlite") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("SELECT count(*) FROM atlas_own_value").fetchone()[0] == 20
        assert dict(conn.execute("SELECT key, value FROM atlas_meta").fetchall()) == {
            "schema_version": SCHEMA_VERSION,
            "revision": 1,
        }


def test_database_url_from_environment_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("ATLAS_DATA_DIR", str(tmp_path / "daten"))
    other = tmp_path / "anderswo" / "atlas.sqlite"
    monkeypatch.setenv("ATLAS_DATABASE_URL", f"sqlite:///{other}")
    store = Store()
    try:
        store.add(make_indicator(), make_values(2))
    finally:
        store.dispose()
    assert other.is_file()
    assert not (tmp_path / "daten" / "eigene_daten.sqlite").exists()
    assert [i.id for i in Store(f"sqlite:///{other}").indicators()] == ["kita_quote"]


def test_display_url_hides_the_password(url):
    store = Store(url)
    try:
        password = make_url(url).password
        if password:
            assert str(password) not in store.url_for_display
        assert store.url_for_display.startswith(make_url(url).drivername + "://")
    finally:
        store.dispose()
    shown = _display_url(make_url("postgresql+psycopg://planer:Ge%40heim99@db.example:5433/atlas"))
    assert shown == "postgresql+psycopg://planer@db.example:5433/atlas"


def test_an_unusable_database_gives_a_german_message(tmp_path):
    broken = tmp_path / "kaputt.sqlite"
    broken.write_bytes(b"das ist keine Datenbank" * 100)
    with pytest.raises(StoreError, match="kann nicht geöffnet werden"):
        Store(f"sqlite:///{broken}")


def test_timing_of_a_20000_row_import(sqlite_url):
    store = Store(sqlite_url)
    try:
        values = big_values(0)
        began = time.perf_counter()
        store.add(make_indicator(), values)
        seconds = time.perf_counter() - began
    finally:
        store.dispose()
    assert seconds < 1.0, f"20.000 Zeilen brauchten {seconds:.2f} s"


def test_file_is_not_left_locked(sqlite_url):
    """A plain sqlite3 connection can write right after the store did (no lock left behind)."""
    store = Store(sqlite_url)
    store.add(make_indicator(), make_values(2))
    path = Path(sqlite_url.removeprefix("sqlite:///"))
    with sqlite3.connect(path, timeout=0.1) as conn:
        conn.execute("UPDATE atlas_meta SET value = value WHERE key = 'revision'")
    store.dispose()
