"""Read-only JSON API."""

import pytest


@pytest.fixture(scope="module")
def client(app_module):
    return app_module.server.test_client()


def test_catalogue_with_years(client, data):
    body = client.get("/api/indicators").get_json()
    by_id = {i["id"]: i for i in body["indicators"]}
    assert by_id["sgb2_quote"]["years"] == data.years("sgb2_quote")
    assert by_id["sgb2_quote"]["source"]["licence"]


def test_values_match_the_source(client):
    body = client.get("/api/values?indicator=sgb2_quote&year=2021").get_json()
    assert body["indicator"] == "sgb2_quote" and body["year"] == 2021 and body["unit"] == "%"
    gera = next(v for v in body["values"] if v["ags"] == "16052")
    assert gera["value"] == 12.65 and gera["name"] == "Gera" and gera["status"] == "ok"
    assert gera["rank"] == 1
    assert len(body["values"]) == 22
    assert body["reference"]["label"] == "Median der Kreise"
    assert "INKAR" in body["source"]


def test_year_without_data_is_refused_not_invented(client):
    body = client.get("/api/values?indicator=bevoelkerung&year=2023").get_json()
    assert body["status"] == 400 and "2023" in body["error"]


def test_missing_values_are_null_with_status_never_zero(data):
    from atlas.api import values_payload
    from atlas.data import AtlasData

    values = data.values[~((data.values["indicator"] == "sgb2_quote")
                           & (data.values["ags"] == "16051") & (data.values["year"] == 2021))]
    gap = AtlasData.from_frames(data.catalogue, data.regions, data.geojson, values, data.info)
    body = values_payload(gap, "sgb2_quote", 2021)
    erfurt = next(v for v in body["values"] if v["ags"] == "16051")
    assert erfurt["value"] is None and erfurt["status"] == "keine Daten" and erfurt["rank"] is None
    assert sum(v["value"] is not None for v in body["values"]) == 21


@pytest.mark.parametrize(
    ("query", "status", "text"),
    [
        ("indicator=gibtsnicht", 404, "Unbekannter Indikator"),
        ("indicator=sgb2_quote&year=1800", 400, "kein Jahr 1800"),
        ("indicator=sgb2_quote&year=abc", 400, "keine Jahreszahl"),
        ("", 400, "indicator"),
    ],
)
def test_bad_queries_get_json_errors(client, query, status, text):
    response = client.get(f"/api/values?{query}")
    assert response.status_code == status
    assert text in response.get_json()["error"]
