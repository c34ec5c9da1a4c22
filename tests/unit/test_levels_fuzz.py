"""Fuzz of what own levels add to the app's routes: any ``ebene``, indicator or year in
/api/values and any name in /geo/<name>.geojson gives a German 4xx or a 200, never a 5xx or a
traceback; any level id or option given to ``atlas level`` gives a German message and exit
status 2, never a traceback."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

texts = st.one_of(st.text(max_size=80), st.sampled_from(
    ["kreis", "gemeinde", "kreise", "gemeinden", "*", "16", "..", "%00", "../etc/passwd",
     "ALL", "{\"a\":1}", "null", "1e309", "-1", "٣", "２０２２"]))


@pytest.fixture(scope="module")
def client(app_module):
    return app_module.server.test_client()


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(level=texts, indicator=st.one_of(texts, st.sampled_from(
    ["sgb2_quote", "bevoelkerung", "gemeinde_bevoelkerung_zensus",
     "gemeinde_anteil_siedlungsflaeche"])), year=st.one_of(st.none(), texts))
def test_values_with_any_level_never_fail(client, level, indicator, year):
    query = {"indicator": indicator, "ebene": level}
    if year is not None:
        query["year"] = year
    response = client.get("/api/values", query_string=query)
    assert response.status_code < 500, (query, response.status_code)
    body = response.get_json()
    assert body is not None
    if response.status_code >= 400:
        assert body["error"] and "Traceback" not in body["error"]


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=texts)
def test_boundaries_of_any_name_are_served_or_not_found(client, name):
    response = client.get(f"/geo/{name}.geojson")
    assert response.status_code in (200, 404, 308, 301), (name, response.status_code)
    if response.mimetype == "application/geo+json":  # else another route's (the page's) answer
        assert json.loads(response.data)["type"] == "FeatureCollection"
        assert name in ("kreise", "gemeinden")


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(command=st.sampled_from(["delete", "add", "group", "list"]),
       args=st.lists(st.one_of(texts, st.sampled_from(["--id", "--title", "--key", "--name",
                                                        "--min-anzahl", "--mit-daten", "-x"])),
                     max_size=5))
def test_level_commands_with_any_arguments_answer_in_german(command, args, capsys,
                                                            cli_data):
    from atlas.cli import main

    try:
        code = main(["level", command, *args])
    except SystemExit as stop:  # argparse: wrong arguments
        code = stop.code
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    if command == "list" and not args:
        assert code == 0 and "kreis: Kreise" in out
    elif code != 0:
        assert code == 2 and "Fehler:" in err, (command, args, err)


@pytest.fixture(scope="module")
def cli_data(built_dir, tmp_path_factory):
    """The CLI on a copy of the built data (its own database)."""
    import shutil

    from atlas.data import reset_data

    folder = tmp_path_factory.mktemp("fuzzcli") / "data"
    shutil.copytree(built_dir, folder, ignore=shutil.ignore_patterns("eigene_daten.sqlite*"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ATLAS_DATA_DIR", str(folder))
        patch.delenv("ATLAS_DATABASE_URL", raising=False)
        reset_data()
        yield
    reset_data()
