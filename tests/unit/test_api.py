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


def test_values_match_the_built_data(client, data):
    from atlas.values import format_number

    year = data.years("sgb2_quote")[-2]  # not the default year: the parameter is honoured
    body = client.get(f"/api/values?indicator=sgb2_quote&year={year}").get_json()
    ind = data.indicator("sgb2_quote")
    assert body["indicator"] == "sgb2_quote" and body["year"] == year and body["unit"] == ind.unit
    table = data.table("sgb2_quote", year).set_index("ags")
    assert [v["ags"] for v in body["values"]] == data.table("sgb2_quote", year)["ags"].tolist()
    for item in body["values"]:
        row = table.loc[item["ags"]]
        assert item["name"] == row["name"] and item["rank"] == row["rank"]
        assert item["status"] == (row["status"] or "ok")
        # the value as the page shows it: rounded to the indicator's decimals
        assert item["value"] == round(float(row["value"]), ind.decimals)
        assert format_number(item["value"], ind.decimals) == format_number(row["value"],
                                                                           ind.decimals)
    first = min(body["values"], key=lambda v: v["rank"])
    assert first["ags"] == table["value"].idxmax()  # rank 1 = highest share (risk indicator)
    reference = data.reference("sgb2_quote", year)
    assert body["reference"]["label"] == reference.label
    assert body["reference"]["value"] == round(float(reference.value), ind.decimals)
    assert data.catalogue.source_of(ind).attribution in body["source"]


def test_values_carry_no_float_artefacts(client, data):
    """Sources hold values like 216600.00000000003; the API gives each value with the
    indicator's decimals (an integer for counts without decimals)."""
    values = data.values.dropna(subset=["value"])
    noisy = values[values["value"].map(lambda v: len(repr(float(v)).split(".")[-1]) > 8)]
    assert len(noisy), "the built data have values with float artefacts to check"
    for indicator_id in noisy["indicator"].unique()[:6]:
        ind = data.indicator(indicator_id)
        year = int(noisy[noisy["indicator"] == indicator_id]["year"].iloc[0])
        body = client.get(f"/api/values?indicator={indicator_id}&year={year}").get_json()
        for item in body["values"] + [body["reference"]]:
            value = item["value"]
            if value is None:
                continue
            assert value == round(value, ind.decimals), (indicator_id, value)
            if ind.decimals == 0:
                assert isinstance(value, int), (indicator_id, value)
            else:
                assert len(repr(value).split(".")[-1]) <= ind.decimals, (indicator_id, value)


def test_year_without_data_is_refused_not_invented(client, data):
    years = data.years("bevoelkerung")
    gap = next(y for y in range(years[0], years[-1] + 2) if y not in years)
    body = client.get(f"/api/values?indicator=bevoelkerung&year={gap}").get_json()
    assert body["status"] == 400 and str(gap) in body["error"]


def test_missing_values_are_null_with_status_never_zero(data):
    from atlas.api import values_payload
    from atlas.data import AtlasData

    year = data.latest_year("sgb2_quote")
    ags = data.table("sgb2_quote", year)["ags"].iloc[0]
    values = data.values[~((data.values["indicator"] == "sgb2_quote")
                           & (data.values["ags"] == ags) & (data.values["year"] == year))]
    gap = AtlasData.from_frames(data.catalogue, data.regions, data.geojson, values, data.info)
    body = values_payload(gap, "sgb2_quote", year)
    hole = next(v for v in body["values"] if v["ags"] == ags)
    assert hole["value"] is None and hole["status"] == "keine Daten" and hole["rank"] is None
    assert sum(v["value"] is not None for v in body["values"]) == len(body["values"]) - 1


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
