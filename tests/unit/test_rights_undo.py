"""Undo (#17): deleting own data moves it to the Papierkorb for 30 days, ``atlas restore`` brings
it back complete; replacing keeps the old version restorable; a refused restore changes nothing;
the purge after 30 days is audited; the trash never reaches the page's data or the API. On
SQLite and PostgreSQL (the ``url`` fixture)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pandas as pd
import pytest

from atlas.composite import define
from atlas.composite import formulas as fm
from atlas.data.own import with_own
from atlas.store import TRASH_DAYS, Store, StoreError
from tests.conftest import own_level_parts
from tests.unit.test_rights_audit import (
    CODE,
    audit_rows,
    genesis_12411,  # noqa: F401 (fixture)
    half_of,
    orte_level,
    own_count,
    run,
)

T0 = datetime(2026, 11, 2, 8, 30, tzinfo=timezone.utc)


def own_values(store: Store, indicator_id: str) -> pd.DataFrame:
    values = store.values()
    return values[values["indicator"] == indicator_id].reset_index(drop=True)


def state(store: Store, url: str) -> tuple:
    """Everything a planner could notice of the store, to compare before and after."""
    return (store.indicators(), store.values(), store.levels(), store.level_areas(),
            store.formulas(), store.trash(), audit_rows(url), store.revision())


def assert_same_state(got: tuple, expected: tuple) -> None:
    for a, b in zip(got, expected):
        if isinstance(a, pd.DataFrame):
            pd.testing.assert_frame_equal(a, b)
        else:
            assert a == b


def test_a_deleted_indicator_comes_back_complete(url, data):
    """Values (missing ones too), description and the definition that used it."""
    store = Store(url)
    try:
        values = half_of(data, "arbeitslose")
        values.loc[values.index[0], ["value", "status"]] = [float("nan"), "geheim"]
        stored = store.add(own_count("halbe", title="Halbe <b>Zahl</b>"), values, actor="anna")
        combined = with_own(data, store.indicators(), store.values())
        formula = define.check(fm.Formula("anteil_halbe", "Anteil", "rate",
                                          fm.RateParams("halbe", "arbeitslose")), combined)
        store.save_formula(formula, actor="anna")
        before_values = own_values(store, "halbe")
        before_formula = store.formulas()
        computed = with_own(data, store.indicators(), store.values(),
                            formulas=store.formulas())
        expected = computed.table("anteil_halbe", computed.latest_year("anteil_halbe"))
        with pytest.raises(StoreError, match="Wird noch verwendet"):
            store.delete("halbe", actor="anna")
        store.delete("anteil_halbe", actor="anna")
        store.delete("halbe", actor="anna")
        assert store.indicators() == [] and store.values().empty and store.formulas() == []
        assert [(e.object_id, e.reason) for e in store.trash()] == \
            [("halbe", "delete"), ("anteil_halbe", "delete")]
        store.restore("halbe", actor="bernd")
        store.restore("anteil_halbe", actor="bernd")
        assert store.indicators() == [stored]  # the import time is kept, too
        pd.testing.assert_frame_equal(own_values(store, "halbe"), before_values)
        assert store.formulas() == before_formula and store.trash() == []
        again = with_own(data, store.indicators(), store.values(), formulas=store.formulas())
        pd.testing.assert_frame_equal(
            again.table("anteil_halbe", again.latest_year("anteil_halbe")), expected)
        assert [e.action for e in store.audit()[:2]] == ["restore", "restore"]
    finally:
        store.dispose()


def test_a_replaced_indicator_keeps_its_old_version_restorable(url, data):
    store = Store(url)
    try:
        store.add(own_count("halbe", title="Erste Fassung"), half_of(data, "arbeitslose"))
        first = own_values(store, "halbe")
        store.add(own_count("halbe", title="Zweite Fassung"), half_of(data, "arbeitslose", 3),
                  replace_existing=True, actor="anna")
        second = own_values(store, "halbe")
        assert [i.title for i in store.indicators()] == ["Zweite Fassung"]
        (old,) = store.trash()
        assert (old.object_id, old.reason, old.title) == ("halbe", "replace", "Erste Fassung")
        with pytest.raises(StoreError, match="inzwischen"):  # not silently over the current one
            store.restore("halbe", actor="anna")
        store.restore("halbe", old.id, actor="anna", replace_current=True)
        assert [i.title for i in store.indicators()] == ["Erste Fassung"]
        pd.testing.assert_frame_equal(own_values(store, "halbe"), first)
        (now_old,) = store.trash()  # the second version is kept in its place
        assert (now_old.title, now_old.reason) == ("Zweite Fassung", "replace")
        store.restore("halbe", now_old.id, replace_current=True)
        pd.testing.assert_frame_equal(own_values(store, "halbe"), second)
        (last,) = store.trash()  # numbers are never given twice (audit rows refer to them)
        assert last.id > now_old.id > old.id
    finally:
        store.dispose()


def test_a_refused_restore_leaves_the_store_unchanged(url, data):
    """The id taken again, or the level an indicator needs gone: German reason, what to do,
    nothing changed (not even the audit trail or the revision)."""
    kreis, areas, links, people = own_level_parts(data)
    store = Store(url)
    try:
        store.add(own_count("halbe"), half_of(data, "arbeitslose"))
        store.delete("halbe")
        store.add(own_count("halbe", title="Neu"), half_of(data, "arbeitslose", 2))
        before = state(store, url)
        with pytest.raises(StoreError, match="inzwischen.*atlas delete halbe"):
            store.restore("halbe")
        assert_same_state(state(store, url), before)

        store.add_level(orte_level(), areas, links)
        store.add(own_count("orte_leute", "orte"), people)
        store.delete("orte_leute")
        store.delete_level("orte")
        before = state(store, url)
        with pytest.raises(StoreError, match="Ebene „orte“.*atlas restore orte"):
            store.restore("orte_leute")
        assert_same_state(state(store, url), before)
        with pytest.raises(StoreError, match="nichts mit der Kennung „weg“"):
            store.restore("weg")
        assert_same_state(state(store, url), before)
        store.restore("orte")  # as the message says: the level first, then the indicator
        store.restore("orte_leute")
        pd.testing.assert_frame_equal(own_values(store, "orte_leute").drop(columns="indicator"),
                                      people.sort_values("ags").reset_index(drop=True)
                                      .astype({"year": "int64"}), check_dtype=False)
    finally:
        store.dispose()


def test_a_level_deleted_with_its_data_comes_back_with_its_indicators(url, data):
    kreis, areas, links, people = own_level_parts(data)
    store = Store(url)
    try:
        store.add_level(orte_level(), areas, links)
        store.add(own_count("orte_leute", "orte"), people)
        before = (store.levels(), store.level_areas(), store.level_links(), store.indicators(),
                  store.values())
        assert store.delete_level("orte", with_data=True, actor="anna") == ["orte_leute"]
        assert store.levels() == [] and store.indicators() == [] and store.values().empty
        (entry,) = store.trash()
        assert entry.object_kind == "level" and "orte_leute" in entry.summary
        store.restore("orte", actor="anna")
        after = (store.levels(), store.level_areas(), store.level_links(), store.indicators(),
                 store.values())
        assert after[0] == before[0] and after[3] == before[3]
        for got, expected in zip(after[1:3] + after[4:], before[1:3] + before[4:]):
            pd.testing.assert_frame_equal(got, expected)
    finally:
        store.dispose()


def test_the_papierkorb_is_purged_after_30_days_and_the_purge_is_audited(url, data):
    """The time is a parameter of the store: no waiting."""
    at = {"now": T0}
    store = Store(url, clock=lambda: at["now"])
    try:
        store.add(own_count("halbe"), half_of(data, "arbeitslose"))
        store.delete("halbe", actor="anna")
        (entry,) = store.trash()
        assert entry.trashed_at == T0.isoformat(timespec="seconds")
        assert entry.expires_at == (T0 + timedelta(days=TRASH_DAYS)).isoformat(timespec="seconds")
        at["now"] = T0 + timedelta(days=TRASH_DAYS - 1)
        assert store.purge_trash() == 0 and len(store.trash()) == 1
        # a restart 29 days later keeps it; one 31 days later purges it
        Store(url, clock=lambda: T0 + timedelta(days=TRASH_DAYS - 1)).dispose()
        assert len(store.trash()) == 1
        later = Store(url, clock=lambda: T0 + timedelta(days=TRASH_DAYS, seconds=1))
        later.dispose()
        assert store.trash() == []
        purge = store.audit()[0]
        assert (purge.action, purge.actor, purge.object_id) == ("purge", "system", "halbe")
        with pytest.raises(StoreError, match="endgültig gelöscht"):
            store.restore("halbe")
    finally:
        store.dispose()


def test_the_next_write_purges_expired_entries_in_its_transaction(url, data):
    at = {"now": T0}
    store = Store(url, clock=lambda: at["now"])
    try:
        store.add(own_count("alt"), half_of(data, "arbeitslose"))
        store.delete("alt")
        at["now"] = T0 + timedelta(days=TRASH_DAYS + 1)
        store.add(own_count("neu"), half_of(data, "arbeitslose"), actor="bernd")
        assert store.trash() == []
        assert [e.action for e in store.audit()[:2]] == ["import", "purge"]
    finally:
        store.dispose()


# ---------------------------------------------------------------------- command line and app


@pytest.fixture
def cli_app(built_dir, app_module, monkeypatch, tmp_path):
    """The CLI and the app's API over the built data and a fresh own-data store."""
    from atlas.data import reset_data

    monkeypatch.setenv("ATLAS_DATA_DIR", str(built_dir))
    monkeypatch.setenv("ATLAS_DATABASE_URL", f"sqlite:///{tmp_path / 'undo.sqlite'}")
    reset_data()
    yield app_module.server.test_client()
    reset_data()


def api_ids(client) -> set[str]:
    return {i["id"] for i in client.get("/api/indicators").get_json()["indicators"]}


def test_atlas_restore_brings_a_deleted_import_back_and_the_trash_stays_out_of_the_api(
        cli_app, genesis_12411, capsys):  # noqa: F811
    from atlas.data import get_data

    argv = ["import", str(genesis_12411), "--code", CODE, "--id", "bev_cli", "--title",
            "Bevölkerung", "--bereich", "demografie", "--lebensphasen", "kindheit", "--lesart",
            "neutral", "--quelle", "Regionalstatistik", "--sichtbarkeit", "oeffentlich"]
    assert run(capsys, *argv)[0] == 0
    before = get_data().table("bev_cli", 2024)
    assert "bev_cli" in api_ids(cli_app)
    code, out, _ = run(capsys, "delete", "bev_cli")
    assert code == 0 and "Papierkorb" in out and "atlas restore bev_cli" in out
    assert "bev_cli" not in api_ids(cli_app)  # the trash is not "present"
    assert cli_app.get("/api/values?indicator=bev_cli").status_code == 404
    code, out, _ = run(capsys, "papierkorb")
    assert code == 0 and "Indikator bev_cli" in out and "gelöscht am" in out
    assert run(capsys, "restore", "--liste")[1] == out
    code, out, err = run(capsys, "restore", "bev_cli")
    assert code == 0, err
    assert "Wiederhergestellt" in out and "bev_cli" in out
    assert "bev_cli" in api_ids(cli_app)
    pd.testing.assert_frame_equal(get_data().table("bev_cli", 2024), before)
    assert "Der Papierkorb ist leer." in run(capsys, "papierkorb")[1]
    # a refused restore: German, exit status 2, no traceback
    code, out, err = run(capsys, "restore", "bev_cli")
    assert code == 2 and "Im Papierkorb liegt nichts" in err and "Traceback" not in err


def test_import_ersetzen_and_restore_version_bring_the_old_values_back(
        cli_app, genesis_12411, capsys):  # noqa: F811
    from atlas.data import get_data

    argv = ["import", str(genesis_12411), "--code", CODE, "--id", "bev_cli", "--bereich",
            "demografie", "--lebensphasen", "kindheit", "--lesart", "neutral", "--quelle",
            "Regionalstatistik"]
    assert run(capsys, *argv, "--title", "Erste Fassung")[0] == 0
    code, _, err = run(capsys, *argv, "--title", "Zweite Fassung")
    assert code == 2 and "schon vergeben" in err  # never replaced by accident
    code, _, err = run(capsys, *argv, "--title", "Zweite Fassung", "--ersetzen", "--decimals", "2")
    assert code == 0, err
    assert get_data().indicator("bev_cli").title == "Zweite Fassung"
    from atlas.data import own_store

    (old,) = own_store().trash()
    code, out, err = run(capsys, "restore", "bev_cli", "--version", str(old.id))
    assert code == 0, err
    assert get_data().indicator("bev_cli").title == "Erste Fassung"
    assert [e.title for e in own_store().trash()] == ["Zweite Fassung"]
    assert [e.action for e in own_store().audit()] == ["restore", "replace", "import"]
