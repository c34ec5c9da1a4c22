"""Every view and export at an own level with many years: the 22 Kreise brought as an own level
from a projected GeoPackage (BKG VG5000 in EPSG:25832) and the registered unemployed per Kreis
(BA, built data) as a wide table with one column per year, imported by command line.

Expected values come from the built Kreis indicator the table was made from.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys

import pytest
from pypdf import PdfReader

from atlas import analysis, figures
from atlas.data.own import with_own
from tests.conftest import LEVEL_FILES, serving

LEVEL = "kreise_eigen"
INDICATOR = "arbeitslose_eigen"
SOURCE = "arbeitslose"  # a count of every Kreis over many years (built data)


def _atlas(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "atlas.cli", *args], env=env, text=True,
                          capture_output=True, timeout=180)


@pytest.fixture(scope="module")
def years(data) -> list[int]:
    return data.years(SOURCE)


@pytest.fixture(scope="module")
def own(data, built_dir, tmp_path_factory, years):
    """The data with the own level and its table, read back as the app reads them."""
    from atlas.data import load
    from atlas.levels.own import build_levels
    from atlas.store import Store

    folder = tmp_path_factory.mktemp("every") / "data"
    shutil.copytree(built_dir, folder, ignore=shutil.ignore_patterns("eigene_daten.sqlite*"))
    env = {**os.environ, "ATLAS_DATA_DIR": str(folder)}
    env.pop("ATLAS_DATABASE_URL", None)
    wide = folder.parent / "arbeitslose_kreise.csv"
    lines = ["Schlüssel;Kreis;" + ";".join(str(y) for y in years)]
    for ags, name in zip(data.regions["ags"], data.regions["name"]):
        cells = []
        for year in years:
            value = data.table(SOURCE, year).set_index("ags")["value"].get(ags)
            cells.append("" if value != value else repr(float(value)).replace(".", ","))
        lines.append(f"{ags};{name};" + ";".join(cells))
    wide.write_text("\n".join(lines) + "\n", encoding="utf-8")
    runs = [
        _atlas(env, "level", "add", str(LEVEL_FILES / "thueringen_kreise_25832.gpkg"), "--id",
               LEVEL, "--title", "Kreise (eigene Gebiete)", "--key", "AGS", "--name", "GEN",
               "--einzahl", "Kreis", "--gebietsstand", "31.12.2023", "--quelle", "BKG VG5000"),
        _atlas(env, "import", str(wide), "--level", LEVEL, "--id", INDICATOR, "--title",
               "Arbeitslose (eigene Ebene)", "--unit", "Personen", "--kind", "count",
               "--decimals", "0", "--bereich", data.indicator(SOURCE).area, "--lebensphasen",
               "erwachsenenalter", "--lesart", "risk", "--quelle", "Bundesagentur für Arbeit"),
    ]
    for run in runs:
        assert run.returncode == 0, (run.stdout, run.stderr)
    store = Store(f"sqlite:///{folder / 'eigene_daten.sqlite'}")
    try:
        base = load(folder)
        levels = build_levels(store.levels(), store.level_areas(), store.level_links(),
                              base.level_of("kreis"))
        return with_own(base, store.indicators(), store.values().astype({"year": int}), levels)
    finally:
        store.dispose()


@pytest.fixture(scope="module")
def client(own):
    with serving(own, "every-view") as test_client:
        yield test_client


def _expected(data, year) -> dict[str, float]:
    table = data.table(SOURCE, year)
    return dict(zip(table["ags"], table["value"]))


def test_the_level_has_every_year_of_the_table(own, data, years):
    assert own.level(INDICATOR) == LEVEL
    assert own.years(INDICATOR) == [y for y in years if _expected(data, y)]
    table = own.table(INDICATOR, years[-1])
    assert dict(zip(table["ags"], table["value"])) == pytest.approx(_expected(data, years[-1]),
                                                                     nan_ok=True)


def test_change_map_of_the_own_level(own, data, years):
    first, last = years[0], years[-1]
    view = figures.change_view(own, INDICATOR, first, last)
    change = dict(zip(view.table["ags"], view.table["value"]))
    before, after = _expected(data, first), _expected(data, last)
    assert change == pytest.approx({a: after[a] - before[a] for a in after}, nan_ok=True)
    fig = figures.choropleth(own, view)  # the page draws it so (callbacks.analysis)
    assert len(fig.data[0].locations) == len(own.level_of(LEVEL))
    from atlas import charts

    assert "change" not in charts.KREIS_ONLY_VIEWS  # the page's tab is not blanked


def test_cluster_map_of_the_own_level(own, years):
    view, result = figures.cluster_view(own, INDICATOR, years[-1])
    assert len(view.table) == len(own.level_of(LEVEL))
    assert result is not None


def test_time_series_shows_the_area_and_the_levels_reference(own, data, years):
    fig = figures.timeseries(own, INDICATOR, ["16053"])
    traces = {t.name: t for t in fig.data}
    jena = traces[own.level_of(LEVEL).name("16053")]
    assert list(jena.y) == pytest.approx([_expected(data, y)["16053"] for y in years],
                                         nan_ok=True)
    reference = own.reference_series(INDICATOR).dropna(subset=["value"])
    assert any([v for v in t.y if v == v] == pytest.approx(list(reference["value"]))
               for t in fig.data if t.name != jena.name)


def test_ranking_and_profile_of_the_own_level(own, data, years):
    ranking = analysis.ranking(own, INDICATOR, years[-1])
    values = _expected(data, years[-1])
    assert ranking["ags"].iloc[0] == max(values, key=values.get)  # risk: most = rank 1
    profile = analysis.profile(own, "16053", level=LEVEL)
    assert INDICATOR in set(profile["indicator"])


@pytest.mark.parametrize("path", [
    "/export/map.png", "/export/map.pdf", "/export/map.svg",
    "/export/chart/timeseries.png", "/export/chart/ranking.pdf",
    "/export/data.csv", "/export/data.xlsx"])
def test_every_export_of_the_own_level(client, own, years, path):
    response = client.get(f"{path}?indicator={INDICATOR}&year={years[-1]}&kreise=16053")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    body = response.data
    if path.endswith(".pdf"):
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
        assert "Arbeitslose (eigene Ebene)" in text
    if path.endswith(".csv"):
        text = body.decode("utf-8-sig")
        assert all(f"{ags};" in text for ags in own.level_of(LEVEL).keys)


def test_profile_pdf_and_api_of_the_own_level(client, own, data, years):
    response = client.get(f"/export/profil.pdf?ebene={LEVEL}&gebiet=16053")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    assert own.level_of(LEVEL).name("16053") in text
    body = client.get(f"/api/values?indicator={INDICATOR}&year={years[-1]}").get_json()
    got = {row["ags"]: row["value"] for row in body["values"]}
    decimals = own.indicator(INDICATOR).decimals  # the API gives values as the atlas shows them
    expected = _expected(data, years[-1])
    assert set(got) == set(expected)
    assert {a: v for a, v in got.items() if v is not None} == pytest.approx(
        {a: round(v, decimals) for a, v in expected.items() if v == v}, abs=0.5)


def test_unknown_life_phase_or_area_by_command_line_is_named_with_the_allowed_ones(data):
    """A planner who types ``--lebensphasen erwachsene`` learns that the id is
    ``erwachsenenalter`` (it used to read "Mindestens eine Lebensphase wählen")."""
    from atlas.catalogue import LIFE_PHASES
    from atlas.importing import validate_meta

    meta = {"id": "x_test", "title": "X", "unit": "Anzahl", "area": "armut_x",
            "life_phases": ["erwachsene"], "polarity": "risk", "kind": "count", "source": "Q"}
    problems = " ".join(validate_meta(data, meta))
    assert "Lebensphase „erwachsene“ ist unbekannt" in problems
    assert all(phase in problems for phase in LIFE_PHASES)
    assert "Lebenslagenbereich „armut_x“ ist unbekannt" in problems
    assert all(area.id in problems for area in data.catalogue.areas)
    assert "Mindestens eine Lebensphase" in " ".join(validate_meta(data, {**meta,
                                                                          "life_phases": []}))
