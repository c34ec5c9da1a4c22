"""Audit trail (#17): every change of own data leaves one row — who, when, what, file name and
SHA-256 — written in the transaction of the change itself, on SQLite and PostgreSQL; a refused
change leaves neither change nor row; ``atlas audit`` lists them; a schema-3 store upgrades to
4 keeping everything."""

from __future__ import annotations

import getpass
import hashlib
from datetime import datetime, timezone

import pandas as pd
import pytest
from sqlalchemy import create_engine

from atlas import importing
from atlas.composite import define
from atlas.composite import formulas as fm
from atlas.data.own import with_own
from atlas.store import SCHEMA_VERSION, OwnIndicator, OwnLevel, Store, StoreError
from tests.conftest import indicator_rows, own_level_parts, schema_version

META = {"id": "bev_genesis", "title": "Bevölkerung am 31.12. (Regionalstatistik)",
        "unit": "Anzahl", "decimals": 0, "kind": "count", "area": "demografie",
        "life_phases": ["kindheit", "senioren"], "polarity": "neutral",
        "source": "Regionalstatistik 12411-01-01-4", "licence": "dl-de/by-2-0"}
CODE = "12411-01-01-4/BEVSTD"


@pytest.fixture(scope="module")
def genesis_12411(sources):
    return next((sources / "indicators/genesis_ffcsv").glob("12411-01-01-4_*_de_flat.csv"))


def own_count(indicator_id: str, level: str = "kreis", title: str = "Eigene Zahl") -> OwnIndicator:
    return OwnIndicator(id=indicator_id, title=title, unit="Anzahl", decimals=0, kind="count",
                        definition="halb so viele wie Arbeitslose", area="arbeit_wirtschaft",
                        life_phases=("erwachsenenalter",), polarity="neutral",
                        source="Jobcenter, eigene Auswertung", licence="", filename="zahl.csv",
                        file_format="CSV", code="Z", level=level)


def half_of(data, indicator: str, factor: float = 0.5) -> pd.DataFrame:
    """Values of an own count derived from the built data: ``factor`` × a built indicator."""
    rows = indicator_rows(data, indicator).dropna(subset=["value"])
    return rows.assign(value=rows["value"] * factor, status="")


def orte_level() -> OwnLevel:
    return OwnLevel(id="orte", title="Orte im Kreis", singular="Ort", filename="orte.geojson",
                    source="BKG VG5000", key_column="key", name_column="name")


def audit_rows(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.exec_driver_sql("SELECT COUNT(*) FROM atlas_audit").scalar_one()
    finally:
        engine.dispose()


def test_every_store_write_leaves_exactly_one_audit_row(url, data):
    """Each kind of change (import, replace, delete, restore, level, formula) writes one row with
    the actor, the action and the object, newest first."""
    kreis, areas, links, people = own_level_parts(data)
    store = Store(url)
    try:
        steps = []

        def step(action, kind, object_id, actor, change):
            before = len(store.audit())
            change()
            entries = store.audit()
            assert len(entries) == before + 1, action
            newest = entries[0]
            assert (newest.action, newest.object_kind, newest.object_id, newest.actor) == \
                (action, kind, object_id, actor)
            assert newest.time.endswith("+00:00")  # UTC
            steps.append(action)

        step("level_add", "level", "orte", "anna",
             lambda: store.add_level(orte_level(), areas, links, actor="anna"))
        step("import", "indicator", "orte_leute", "anna",
             lambda: store.add(own_count("orte_leute", "orte"), people, actor="anna"))
        step("import", "indicator", "halbe", "bernd",
             lambda: store.add(own_count("halbe"), half_of(data, "arbeitslose"), actor="bernd"))
        step("replace", "indicator", "halbe", "bernd",
             lambda: store.add(own_count("halbe"), half_of(data, "arbeitslose", 0.25),
                               actor="bernd", replace_existing=True))
        combined = with_own(data, store.indicators(), store.values())
        formula = define.check(fm.Formula("anteil_halbe", "Anteil", "rate",
                                          fm.RateParams("halbe", "arbeitslose")), combined)
        step("formula_save", "formula", "anteil_halbe", "carla",
             lambda: store.save_formula(formula, actor="carla"))
        step("formula_replace", "formula", "anteil_halbe", "carla",
             lambda: store.save_formula(formula, replace_existing=True, actor="carla"))
        step("formula_delete", "formula", "anteil_halbe", "carla",
             lambda: store.delete("anteil_halbe", actor="carla"))
        step("delete", "indicator", "halbe", "dora", lambda: store.delete("halbe", actor="dora"))
        step("restore", "indicator", "halbe", "dora", lambda: store.restore("halbe", actor="dora"))
        step("level_delete", "level", "orte", "emil",
             lambda: store.delete_level("orte", with_data=True, actor="emil"))
        assert [e.action for e in store.audit()] == steps[::-1]
        assert store.audit()[0].action_label.startswith("Ebene gelöscht")
        assert [e.action for e in store.audit(limit=2)] == steps[::-1][:2]
    finally:
        store.dispose()


def test_a_refused_write_leaves_neither_change_nor_audit_row(url, data):
    store = Store(url)
    try:
        store.add(own_count("halbe"), half_of(data, "arbeitslose"), actor="anna")
        before = (audit_rows(url), store.revision(), store.values(), store.trash())
        with pytest.raises(StoreError, match="existiert bereits"):
            store.add(own_count("halbe"), half_of(data, "arbeitslose", 2), actor="mallory")
        doubled = half_of(data, "arbeitslose")
        doubled = pd.concat([doubled, doubled.head(1)])  # fails in the middle of the transaction
        with pytest.raises(StoreError, match="mehrfach"):
            store.add(own_count("halbe"), doubled, actor="mallory", replace_existing=True)
        with pytest.raises(StoreError, match="keinen eigenen Indikator"):
            store.delete("gibt_es_nicht", actor="mallory")
        after = (audit_rows(url), store.revision(), store.values(), store.trash())
        assert after[0] == before[0] and after[1] == before[1] and after[3] == before[3]
        pd.testing.assert_frame_equal(after[2], before[2])
        assert "mallory" not in {e.actor for e in store.audit()}
    finally:
        store.dispose()


def test_an_import_records_the_files_name_and_sha256(url, data, genesis_12411):
    store = Store(url)
    try:
        summary = importing.inspect(genesis_12411)
        importing.import_series(summary, CODE, META, data, store, actor="anna")
        entry = store.audit()[0]
        assert entry.action == "import" and entry.actor == "anna"
        assert entry.filename == genesis_12411.name
        assert entry.sha256 == hashlib.sha256(genesis_12411.read_bytes()).hexdigest()
        assert entry.detail["reihe"] == CODE and entry.detail["werte"] > 0
    finally:
        store.dispose()


@pytest.fixture
def cli_env(built_dir, monkeypatch, tmp_path):
    """The CLI over the built data and a fresh own-data store (SQLite in tmp_path)."""
    from atlas.data import reset_data

    url = f"sqlite:///{tmp_path / 'protokoll.sqlite'}"
    monkeypatch.setenv("ATLAS_DATA_DIR", str(built_dir))
    monkeypatch.setenv("ATLAS_DATABASE_URL", url)
    reset_data()
    yield url
    reset_data()


def run(capsys, *argv) -> tuple[int, str, str]:
    from atlas import cli

    try:
        code = cli.main(list(argv))
    except SystemExit as stop:
        code = stop.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_atlas_audit_lists_the_changes_newest_first(cli_env, genesis_12411, capsys):
    code, out, err = run(capsys, "import", str(genesis_12411), "--code", CODE, "--id", "bev_cli",
                         "--title", "Bevölkerung", "--bereich", "demografie", "--lebensphasen",
                         "kindheit", "--lesart", "neutral", "--quelle", "Regionalstatistik")
    assert code == 0, err
    assert run(capsys, "delete", "bev_cli")[0] == 0
    code, out, err = run(capsys, "audit")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].split()[:4] == ["Nr.", "Zeit", "(UTC)", "Wer"]
    actor = "cli:" + getpass.getuser()
    body = [line for line in lines[2:] if line.strip()]
    assert len(body) == 2
    assert "Gelöscht (in den Papierkorb)" in body[0] and "Indikator bev_cli" in body[0]
    assert "Import" in body[1] and actor in body[1] and genesis_12411.name in body[1]
    assert hashlib.sha256(genesis_12411.read_bytes()).hexdigest() in body[1]
    today = datetime.now(timezone.utc).strftime("%d.%m.%Y")
    assert today in body[0]
    code, out, _ = run(capsys, "audit", "--anzahl", "1")
    assert code == 0 and "Import" not in out and "bev_cli" in out
    code, out, _ = run(capsys, "audit", "--seit", "01.01.2999")
    assert code == 0 and "Keine Einträge im Protokoll." in out
    code, out, err = run(capsys, "audit", "--seit", "gestern")
    assert code == 2 and "TT.MM.JJJJ" in err and "Traceback" not in err
    code, out, err = run(capsys, "audit", "--anzahl", "-1")
    assert code == 2 and "ab 1" in err and "Traceback" not in err


def test_a_schema_3_store_upgrades_to_4_and_keeps_all_data(url, data):
    kreis, areas, links, people = own_level_parts(data)
    first = Store(url)
    first.add_level(orte_level(), areas, links)
    first.add(own_count("orte_leute", "orte"), people)
    first.add(own_count("halbe"), half_of(data, "arbeitslose"))
    combined = with_own(data, first.indicators(), first.values())
    first.save_formula(define.check(fm.Formula("anteil_halbe", "Anteil", "rate",
                                               fm.RateParams("halbe", "arbeitslose")), combined))
    before = (first.indicators(), first.values(), first.levels(), first.level_areas(),
              first.level_links(), first.formulas(), first.revision())
    first.dispose()
    engine = create_engine(url)
    with engine.begin() as conn:  # as schema 3 left it: no audit trail, no Papierkorb
        conn.exec_driver_sql("DROP TABLE atlas_audit")
        conn.exec_driver_sql("DROP TABLE atlas_trash")
        conn.exec_driver_sql("UPDATE atlas_meta SET value = 3 WHERE key = 'schema_version'")
    engine.dispose()
    assert schema_version(url) == 3
    store = Store(url)
    try:
        after = (store.indicators(), store.values(), store.levels(), store.level_areas(),
                 store.level_links(), store.formulas(), store.revision())
        assert after[0] == before[0] and after[2] == before[2] and after[6] == before[6]
        for index in (1, 3, 4):  # values, areas, links
            pd.testing.assert_frame_equal(after[index], before[index])
        assert [f.id for f in after[5]] == [f.id for f in before[5]]
        assert store.audit() == [] and store.trash() == []
        store.delete("anteil_halbe", actor="nach_upgrade")
        assert store.audit()[0].actor == "nach_upgrade" and len(store.trash()) == 1
    finally:
        store.dispose()
    assert schema_version(url) == SCHEMA_VERSION
