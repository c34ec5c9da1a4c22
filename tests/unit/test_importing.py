"""Own data: inspect → regions → import → shown like shipped data; nothing lost, nothing half-done."""

import math

import pandas as pd
import pytest

from atlas import importing
from atlas.data import load
from atlas.data.own import with_own
from atlas.errors import SourceError
from atlas.store import Store, StoreError

META = {
    "id": "bev_genesis",
    "title": "Bevölkerung am 31.12. (Regionalstatistik)",
    "unit": "Anzahl",
    "decimals": 0,
    "kind": "count",
    "area": "demografie",
    "life_phases": ["kindheit", "jugend", "erwachsenenalter", "senioren"],
    "polarity": "neutral",
    "source": "Statistische Ämter des Bundes und der Länder, Regionalstatistik 12411-01-01-4",
    "licence": "dl-de/by-2-0",
}


@pytest.fixture
def store(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'eigene.sqlite'}")
    yield store
    store.dispose()


@pytest.fixture(scope="module")
def genesis_12411(sources):
    return next((sources / "indicators/genesis_ffcsv").glob("12411-01-01-4_*_de_flat.csv"))


def test_preview_of_an_official_file_names_format_regions_and_references(genesis_12411, data):
    summary = importing.inspect(genesis_12411)
    assert "GENESIS" in summary.format
    code = "12411-01-01-4/BEVSTD"
    assert code in [s.code for s in summary.series]
    check = importing.check_regions(summary, code, data)
    lines = "\n".join(check.lines())
    assert "22 von 22 Kreisen" in lines
    assert check.land_rows == 0 and check.germany_rows == 0  # this download has Kreise only
    assert check.outside > 300  # the other Länder's Kreise are ignored, with a count
    assert "außerhalb Thüringens werden ignoriert" in lines
    assert check.level == "kreis"


def test_import_shows_values_identical_to_the_file_and_survives_a_restart(
        genesis_12411, data, built_dir, store, tmp_path):
    summary = importing.inspect(genesis_12411)
    own = importing.import_series(summary, "12411-01-01-4/BEVSTD", META, data, store)
    assert own.level == "kreis"
    # a "restart": a new store object and freshly loaded built data
    again = Store(f"sqlite:///{tmp_path / 'eigene.sqlite'}")
    combined = with_own(load(built_dir), again.indicators(), again.values())
    again.dispose()
    ind = combined.indicator("bev_genesis")
    assert ind.own and ind.area == "demografie"
    assert combined.years("bev_genesis") == [2024]
    table = combined.table("bev_genesis", 2024).set_index("ags")
    assert table.loc["16051", "value"] == 218793  # Erfurt, 31.12.2024, as in the file
    ref = combined.reference("bev_genesis", 2024)
    assert ref.basis == "summe" and ref.value == table["value"].sum()  # no Land row: sum
    assert "Regionalstatistik 12411" in combined.catalogue.source_line(ind)
    assert "bev_genesis" in [i.id for i in combined.available_indicators(area="demografie")]
    assert data.catalogue is not combined.catalogue  # the built data stays untouched
    assert "bev_genesis" not in [i.id for i in data.catalogue.indicators]


def test_form_problems_are_listed_in_german_and_nothing_is_stored(genesis_12411, data, store):
    summary = importing.inspect(genesis_12411)
    bad = dict(META, id="SGB 2!", source=" ", area="unbekannt", life_phases=[])
    with pytest.raises(importing.ImportInputError) as err:
        importing.import_series(summary, "12411-01-01-4/BEVSTD", bad, data, store)
    message = str(err.value)
    for part in ("Kennung", "Quelle fehlt", "Lebenslagenbereich", "Lebensphase"):
        assert part in message
    assert store.indicators() == [] and store.revision() == 0


def test_an_id_of_the_shipped_catalogue_is_refused(genesis_12411, data, store):
    summary = importing.inspect(genesis_12411)
    with pytest.raises(importing.ImportInputError, match="schon vergeben"):
        importing.import_series(summary, "12411-01-01-4/BEVSTD", dict(META, id="sgb2_quote"),
                                data, store)


def test_a_second_import_with_the_same_id_leaves_the_first_intact(genesis_12411, data, store):
    summary = importing.inspect(genesis_12411)
    importing.import_series(summary, "12411-01-01-4/BEVSTD", META, data, store)
    before = store.values()
    with pytest.raises(StoreError, match="existiert bereits"):
        importing.import_series(summary, "12411-01-01-4/BEVSTD", dict(META, title="anders"),
                                data, store)
    assert store.indicators()[0].title == META["title"]
    pd.testing.assert_frame_equal(store.values(), before)


def _tidy(tmp_path, rows, name="eigene.csv"):
    path = tmp_path / name
    path.write_text("ags;jahr;indikator;wert;einheit;quelle\n" + "\n".join(rows) + "\n",
                    encoding="utf-8")
    return path


def test_unknown_thuringian_key_names_file_row_and_column(tmp_path, data):
    path = _tidy(tmp_path, ["16051;2023;kita;12,5;%;Jugendamt", "16099;2023;kita;7,0;%;Jugendamt"])
    summary = importing.inspect(path)
    with pytest.raises(SourceError) as err:
        importing.check_regions(summary, "kita", data)
    message = str(err.value)
    assert "eigene.csv" in message and "Zeile 3" in message and "16099" in message


def test_own_table_with_secret_values_historic_key_and_land_row(tmp_path, data, store):
    path = _tidy(tmp_path, [
        "16051;2020;kita;12,5;%;Jugendamt",
        "16052;2020;kita;.;%;Jugendamt",
        "16056;2020;kita;9,1;%;Jugendamt",
        "16;2020;kita;11,0;%;Jugendamt",
        "09162;2020;kita;3,0;%;München",
    ])
    summary = importing.inspect(path)
    check = importing.check_regions(summary, "kita", data)
    lines = "\n".join(check.lines())
    assert "2 von 22 Kreisen" in lines
    assert "16056" in lines and "historisch" in lines  # kept as historic, not merged
    assert "unbekannt oder geheim" in lines
    assert check.outside == 1
    meta = dict(META, id="kita", title="Betreuungsquote", unit="%", kind="rate", decimals=1)
    importing.import_series(summary, "kita", meta, data, store)
    combined = with_own(data, store.indicators(), store.values())
    table = combined.table("kita", 2020).set_index("ags")
    assert math.isnan(table.loc["16052", "value"])  # never 0
    assert table.loc["16052", "status"] == "unbekannt oder geheim"
    assert combined.reference("kita", 2020).value == 11.0
    assert any("Eisenach" in label for _, label in combined.breaks("kita"))


def test_delete_removes_the_indicator(genesis_12411, data, store):
    summary = importing.inspect(genesis_12411)
    importing.import_series(summary, "12411-01-01-4/BEVSTD", META, data, store)
    store.delete("bev_genesis")
    combined = with_own(data, store.indicators(), store.values())
    assert "bev_genesis" not in [i.id for i in combined.catalogue.indicators]


def test_cli_import_and_list(genesis_12411, built_dir, monkeypatch, capsys):
    from atlas import cli
    from atlas.data import reset_data

    monkeypatch.setenv("ATLAS_DATA_DIR", str(built_dir))
    monkeypatch.setenv("ATLAS_DATABASE_URL", f"sqlite:///{built_dir / 'cli-test.sqlite'}")
    reset_data()
    try:
        code = cli.main(["import", str(genesis_12411), "--code", "12411-01-01-4/BEVSTD",
                         "--id", "bev_cli", "--title", "Bevölkerung", "--bereich", "demografie",
                         "--lebensphasen", "kindheit,senioren", "--lesart", "neutral",
                         "--quelle", "Regionalstatistik"])
        out = capsys.readouterr().out
        assert code == 0, out
        assert "22 von 22 Kreisen" in out and "Importiert" in out
        assert cli.main(["list"]) == 0
        assert "bev_cli" in capsys.readouterr().out
        # a wrong call: nothing stored, a German message
        assert cli.main(["import", str(genesis_12411), "--code", "12411-01-01-4/BEVSTD",
                         "--id", "bev_cli2", "--bereich", "demografie"]) == 2
        assert "Es wurde nichts gespeichert" in capsys.readouterr().err
        assert cli.main(["delete", "bev_cli"]) == 0
    finally:
        reset_data()


def test_import_into_postgresql_like_a_second_host(genesis_12411, data, postgres_url):
    """Several hosts share own data through PostgreSQL: an import on one is seen by another."""
    import uuid

    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    schema = f"atlas_import_{uuid.uuid4().hex[:10]}"
    admin = create_engine(postgres_url)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    url = make_url(postgres_url).update_query_dict({"options": f"-csearch_path={schema}"})
    url = url.render_as_string(hide_password=False)
    host_a, host_b = Store(url), Store(url)
    try:
        summary = importing.inspect(genesis_12411)
        importing.import_series(summary, "12411-01-01-4/BEVSTD", META, data, host_a)
        combined = with_own(data, host_b.indicators(), host_b.values())
        assert combined.table("bev_genesis", 2024).set_index("ags").loc["16051", "value"] == 218793
        assert host_b.revision() == host_a.revision() == 1
    finally:
        host_a.dispose()
        host_b.dispose()
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()
