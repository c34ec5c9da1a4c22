"""`atlas derive`, `atlas index` and `GET /api/index/ID` as scripts use them (#15)."""

from __future__ import annotations

import pytest

from atlas import cli


@pytest.fixture
def cli_store(built_dir, app_module, monkeypatch, tmp_path):
    """The app's data over a fresh own-data store (SQLite in tmp_path); restored afterwards."""
    from atlas.data import reset_data

    monkeypatch.setenv("ATLAS_DATA_DIR", str(built_dir))
    monkeypatch.setenv("ATLAS_DATABASE_URL", f"sqlite:///{tmp_path / 'formeln.sqlite'}")
    reset_data()
    yield app_module.server.test_client()
    reset_data()


def _run(capsys, *argv) -> tuple[int, str, str]:
    try:
        code = cli.main(list(argv))
    except SystemExit as stop:  # argparse's refusal of a wrong option (in German)
        code = stop.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_derive_and_index_from_the_command_line_serve_the_api(cli_store, capsys):
    client = cli_store
    # published with --sichtbarkeit: the API answers visitors
    code, out, err = _run(capsys, "derive", "--sichtbarkeit", "oeffentlich", "--id", "alo_je_1000",
                          "--title",
                          "Arbeitslose je 1.000 Einwohner", "--numerator", "arbeitslose",
                          "--denominator", "bevoelkerung", "--factor", "1000")
    assert code == 0, err
    assert "Gespeichert: alo_je_1000" in out and "je 1.000" in out
    code, out, err = _run(capsys, "index", "--sichtbarkeit", "oeffentlich", "--id",
                          "sozialindex", "--title", "Sozialindex",
                          "--parts", "sgb2_quote:1,kinderarmut:1,alo_je_1000:0.5")
    assert code == 0, err
    catalogue = {i["id"]: i for i in client.get("/api/indicators").get_json()["indicators"]}
    assert catalogue["sozialindex"]["formula"]["kind"] == "index"
    assert catalogue["alo_je_1000"]["formula"]["params"]["factor"] == 1000
    assert catalogue["sgb2_quote"]["formula"] is None
    body = client.get("/api/index/sozialindex").get_json()
    assert [p["indicator"] for p in body["parts"]] == ["sgb2_quote", "kinderarmut", "alo_je_1000"]
    assert [p["weight"] for p in body["parts"]] == pytest.approx([0.4, 0.4, 0.2])
    assert body["method"] == "z" and body["robustness"]["draws"] == 1000
    values = client.get(f"/api/values?indicator=sozialindex&year={body['year']}").get_json()
    by_ags = {v["ags"]: v for v in values["values"]}
    for area in body["areas"]:
        shown = by_ags[area["ags"]]
        assert area["rank"] == shown["rank"]
        if area["rank"] is not None:
            low, high = area["rank_range"]
            assert low <= area["rank"] <= high
            assert shown["value"] == pytest.approx(area["value"], abs=0.006)
    # every year of the index answers; the rates' values come from their counts
    for year in body["years"]:
        assert client.get(f"/api/index/sozialindex?year={year}").status_code == 200
    rate = client.get("/api/values?indicator=alo_je_1000").get_json()
    num = {v["ags"]: v["value"] for v in client.get(
        f"/api/values?indicator=arbeitslose&year={rate['year']}").get_json()["values"]}
    den = {v["ags"]: v["value"] for v in client.get(
        f"/api/values?indicator=bevoelkerung&year={rate['year']}").get_json()["values"]}
    for v in rate["values"]:
        if v["value"] is not None:
            assert v["value"] == pytest.approx(num[v["ags"]] / den[v["ags"]] * 1000, abs=0.06)
    assert "eigene Berechnung" in rate["source"]

    code, out, err = _run(capsys, "list")
    assert "berechnet: alo_je_1000" in out and "berechnet: sozialindex" in out
    # in use: refused, nothing deleted
    code, out, err = _run(capsys, "delete", "alo_je_1000")
    assert code == 2 and "Wird noch verwendet" in err
    # replaced in place with other weights
    code, out, err = _run(capsys, "index", "--id", "sozialindex", "--title", "Sozialindex",
                          "--parts", "sgb2_quote:3,kinderarmut:1,alo_je_1000:0.5", "--ersetzen")
    assert code == 0, err
    again = client.get("/api/index/sozialindex").get_json()
    assert [p["weight_given"] for p in again["parts"]] == [3, 1, 0.5]
    assert _run(capsys, "delete", "sozialindex")[0] == 0
    assert _run(capsys, "delete", "alo_je_1000")[0] == 0
    assert client.get("/api/index/sozialindex").status_code == 404


@pytest.mark.parametrize("argv, message", [
    (["derive", "--id", "q", "--title", "Q", "--numerator", "arbeitslose"], "Nenner"),
    (["derive", "--id", "qq", "--title", "Q", "--numerator", "sgb2_quote", "--denominator",
      "bevoelkerung"], "keine Anzahl"),
    (["derive", "--id", "qq", "--title", "Q", "--veraenderung", "sgb2_quote", "--von", "2020"],
     "--bis"),
    (["index", "--id", "ii", "--title", "I", "--parts", "sgb2_quote:1"], "2 bis 15"),
    (["index", "--id", "ii", "--title", "I", "--parts", "sgb2_quote:x,kinderarmut"],
     "keine Zahl"),
    (["index", "--id", "ii", "--title", "I", "--parts", "sgb2_quote:-1,kinderarmut"],
     "größer als 0"),
    (["index", "--id", "ii", "--title", "I", "--parts", "sgb2_quote,kinderarmut",
      "--methode", "rang"], "keine der möglichen"),
])
def test_wrong_calls_store_nothing_and_say_why_in_german(cli_store, capsys, argv, message):
    from atlas.data import own_store

    code, out, err = _run(capsys, *argv)
    assert code == 2 and message in err
    assert own_store().formulas() == []


@pytest.mark.parametrize("path", [
    "/api/index/", "/api/index/x", "/api/index/sgb2_quote", "/api/index/%00",
    "/api/index/" + "a" * 5000, "/api/index/sozialindex?year=abc",
    "/api/index/sozialindex?year=99999999999999999999", "/api/index/sozialindex?jahr=1",
    "/api/index/..%2F..%2Fetc", "/api/index/%3Cscript%3E",
])
def test_the_index_route_answers_every_request_without_a_server_error(cli_store, capsys, path):
    client = cli_store
    assert _run(capsys, "index", "--id", "sozialindex", "--title", "S", "--parts",
                "sgb2_quote,kinderarmut")[0] == 0
    response = client.get(path)
    assert response.status_code in (200, 308, 400, 404)
    if response.status_code in (400, 404) and response.is_json:
        assert response.get_json()["error"]
