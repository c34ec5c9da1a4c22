"""Exports, tables and analyses of a planner's own level, through the real export engine.

The level is real (tests/conftest.py ``own_level_data``): the Gemeinden of the Kreis with the
most Gemeinden stored as own areas with three-digit keys, and their Zensus population as an own
count. A planner who exports it must see the own areas by name, the level's boundaries and
Gebietsstand, the values of the data – and no "Kreise in Thüringen" or Kreis boundaries where
the page shows own areas.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from datetime import date

import pandas as pd
import pytest
from flask import Flask
from PIL import Image
from pypdf import PdfReader

from atlas import analysis, charts, downloads, export, figures
from atlas.data import AtlasData
from atlas.levels import wording
from atlas.levels.registry import KREIS_SOURCE
from tests.conftest import OWN_COUNT, OWN_LEVEL

SVG_NS = "{http://www.w3.org/2000/svg}"
TODAY = date(2026, 11, 21)
#: What an export of own areas must never claim: the Kreis map's areas and boundaries.
WRONG = ("Kreise in Thüringen", "Kreisschlüssel", KREIS_SOURCE, "Rangfolge der Kreise",
         "Gemeinden in Thüringen")

pytestmark = pytest.mark.usefixtures("export_engine")


@pytest.fixture(scope="module")
def own(own_level_data) -> AtlasData:
    return own_level_data


@pytest.fixture(scope="module")
def level(own):
    return own.level_of(OWN_LEVEL)


@pytest.fixture(scope="module")
def year(own) -> int:
    return own.latest_year(OWN_COUNT)


@pytest.fixture(scope="module")
def table(own, year) -> pd.DataFrame:
    return own.table(OWN_COUNT, year)


@pytest.fixture(scope="module")
def client(own):
    """The export blueprint serving the data with the own level."""
    app = Flask("levels-exports-test")
    app.register_blueprint(downloads.downloads)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(downloads, "_data", lambda: own)
        yield app.test_client()


def _svg_texts(svg: str) -> list[str]:
    return ["".join(el.itertext()) for el in ET.fromstring(svg).iter(f"{SVG_NS}text")]


def _pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages).replace("\xa0", " ")


def _no_wrong_words(text: str) -> None:
    found = [w for w in WRONG if w in text]
    assert not found, f"Kreis/Gemeinde wording in an export of own areas: {found}"


# --- data: CSV and XLSX -------------------------------------------------------------------------


def test_csv_lists_every_own_area_with_the_values_of_the_data(own, level, year, table, client):
    response = client.get(f"/export/data.csv?indicator={OWN_COUNT}&year={year}")
    assert response.status_code == 200
    frame = pd.read_csv(io.BytesIO(response.data), sep=";", decimal=",", encoding="utf-8-sig",
                        dtype={"AGS": str}, keep_default_na=False, na_values={"Wert": [""]})
    assert len(frame) == len(level) == len(table)
    assert frame["AGS"].tolist() == table["ags"].tolist() == level.keys  # "001", not a Kreis
    assert frame["Name"].tolist() == level.areas["name"].tolist()
    assert frame["Wert"].tolist() == pytest.approx(table["value"].tolist(), abs=0, nan_ok=True)
    assert set(frame["Indikator"]) == {OWN_COUNT} and set(frame["Jahr"]) == {year}


def test_xlsx_names_the_own_areas_their_gebietsstand_and_boundaries(own, level, year, table):
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(export.data_xlsx(own, OWN_COUNT, year, today=TODAY)))
    rows = list(book["Daten"].iter_rows(values_only=True))[1:]
    assert [r[0] for r in rows] == level.keys
    assert [r[1] for r in rows] == level.areas["name"].tolist()
    assert [r[3] for r in rows] == table["value"].tolist()
    info = {r[0]: r[1] for r in book["Hinweise"].iter_rows(values_only=True)}
    assert info["Gebiete"] == f"{len(level)} {level.title} (eigene Gebiete)"
    assert info["Gebietsstand"] == level.gebietsstand
    assert info["Grenzen"] == level.attribution.removeprefix("Grenzen: ")
    assert level.source in info["Grenzen"] and f"Gebietsstand der {level.title}" in info["Grenzen"]
    assert info["Lizenz der Grenzen"] == level.licence
    reference = own.reference(OWN_COUNT, year)
    assert reference.label in info["Vergleichswert"]  # "Summe der Gebiete (Orte im Kreis)"
    _no_wrong_words(" ".join(str(v) for v in info.values()))


# --- map: SVG, PNG, PDF -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def map_svg(client, level, year) -> str:
    first = level.keys[0]
    response = client.get(f"/export/map.svg?indicator={OWN_COUNT}&year={year}&kreise={first}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def test_map_draws_every_own_area_and_cites_the_level(map_svg, own, level, year):
    root = ET.fromstring(map_svg)
    paths = [p for p in root.iter(f"{SVG_NS}path") if p.get("class") == "choroplethlocation"]
    assert len(paths) == len(level)  # every own area drawn, with its own boundaries
    texts = _svg_texts(map_svg)
    joined = "\n".join(texts)
    assert f"{own.indicator(OWN_COUNT).short_title} {year}" in texts
    assert f"{level.title} (eigene Gebiete), Gebietsstand {level.gebietsstand}" in texts
    assert level.source in joined and f"Gebietsstand der {level.title}" in joined
    assert own.reference(OWN_COUNT, year).label in joined  # "Summe der Gebiete (…)"
    assert f"Schwarz umrandet: {level.name(level.keys[0])}" in joined
    _no_wrong_words(joined)


def test_map_png_fills_its_box_with_the_own_areas(own, level, year):
    """The map is fitted to the own areas (one Kreis), not to all of Thuringia: the areas
    cover much of the map's part of the page."""
    page = export.page_for("a4")
    fig = export.map_figure(own, OWN_COUNT, year, page=page, today=TODAY)
    png = export.render(fig, "png", page)
    with Image.open(io.BytesIO(png)) as image:
        assert image.size == (page.width_px, page.height_px)
        # the map's box: left 2/3 of the page between header and footer
        box = image.convert("RGB").crop((int(0.05 * image.width), int(0.25 * image.height),
                                         int(0.6 * image.width), int(0.8 * image.height)))
        coloured = sum(1 for r, g, b in box.get_flattened_data() if max(r, g, b) - min(r, g, b) > 25)
    assert coloured > 0.25 * box.width * box.height


def test_map_pdf_carries_the_level_in_text_and_document_properties(own, level, year):
    page = export.page_for("a4")
    pdf = export.render(export.map_figure(own, OWN_COUNT, year, page=page, today=TODAY), "pdf",
                        page)
    text = _pdf_text(pdf)
    assert f"{level.title} (eigene Gebiete), Gebietsstand {level.gebietsstand}" in text
    assert level.source in text.replace("\n", " ")
    author = PdfReader(io.BytesIO(pdf)).metadata.author
    assert level.attribution in author and KREIS_SOURCE not in author
    _no_wrong_words(text)


# --- ranking and time series --------------------------------------------------------------------


def test_ranking_ranks_every_own_area_as_the_table_does(own, level, year, table, client):
    fig = export.ranking_figure(own, OWN_COUNT, year, today=TODAY)
    bars = fig.data[0]
    assert sorted(bars.customdata) == sorted(level.keys)
    ranked = table.sort_values(["rank", "name"])
    assert list(bars.customdata) == ranked["ags"].tolist()  # rank 1 on top
    response = client.get(f"/export/chart/ranking.svg?indicator={OWN_COUNT}&year={year}")
    assert response.status_code == 200
    texts = _svg_texts(response.get_data(as_text=True))
    short = own.indicator(OWN_COUNT).short_title
    assert f"{short} {year}: Rangfolge der {level.title}" in texts
    assert f"{level.title} (eigene Gebiete), Gebietsstand {level.gebietsstand}" in texts
    assert set(level.areas["name"]) <= set(texts)  # every one of the 91 areas named
    _no_wrong_words("\n".join(texts))


def test_time_series_of_an_own_area_is_it_and_the_levels_reference(own, level, year):
    first = level.keys[0]
    fig = export.timeseries_figure(own, OWN_COUNT, [first], today=TODAY)
    names = [t.name.replace("<br>", " ") for t in fig.data]  # long names wrap in the legend
    kreis = own.level_of("kreis").name(level.areas.set_index("ags").loc[first, "kreis"])
    # the area, its Kreis (the sum of the Kreis's areas: the own areas make it up), the total
    assert names == [level.name(first), f"{kreis} (Summe der {level.title})",
                     own.reference_name(OWN_COUNT)]
    line = next(a.text for a in fig.layout.annotations if a.name == "line")
    assert f"Zeitreihe: {level.name(first)}, {kreis} und {own.reference_name(OWN_COUNT)}" in line
    assert f"{level.title} (eigene Gebiete)" in line
    _no_wrong_words(line)


def test_time_series_shows_the_kreis_of_an_own_area_where_the_indicator_has_its_value(
        own, level, year, table):
    """An area against its parent: where the count has a value for the Kreis the own areas lie
    in (here: their sum, as the roll-up gives it), the time series shows that Kreis too."""
    kreis = str(level.areas["kreis"].iloc[0])
    total = float(table["value"].sum())
    row = pd.DataFrame({"indicator": [OWN_COUNT], "ags": [kreis], "year": [year],
                        "value": [total], "status": [""]})
    with_kreis = AtlasData.from_frames(own.catalogue, own.regions, own.geojson,
                                       pd.concat([own.values, row], ignore_index=True), own.info,
                                       own.gemeinden, own.gemeinde_geojson,
                                       tuple(own.own_levels))
    first = level.keys[0]
    assert export.series_areas(with_kreis, OWN_COUNT, [first]) == [first, kreis]
    # no Kreis value: the Kreis as the sum of its areas (tests/unit/test_levels_series.py)
    assert export.series_areas(own, OWN_COUNT, [first]) == [first, kreis]
    fig = export.timeseries_figure(with_kreis, OWN_COUNT, [first], today=TODAY)
    traces = {t.name: list(t.y) for t in fig.data}
    assert traces[with_kreis.region_name(kreis)] == [total]


# --- Regionenprofil -----------------------------------------------------------------------------


def test_profile_of_an_own_area(own, level, year, table, client):
    first = level.keys[0]
    frame = analysis.profile(own, first, level=OWN_LEVEL)
    assert frame["indicator"].tolist() == [OWN_COUNT]
    row = frame.iloc[0]
    expected = table.set_index("ags").loc[first]
    assert row["value"] == expected["value"] and row["rank"] == expected["rank"]
    assert row["rank_text"] == f"{expected['rank']} von {len(level)}"
    response = client.get(f"/export/profil.pdf?ebene={OWN_LEVEL}&gebiet={first}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "regionenprofil_001" in response.headers["Content-Disposition"]
    text = _pdf_text(response.data)
    flat = " ".join(text.split())
    kreis = str(level.areas["kreis"].iloc[0])
    assert f"Regionenprofil {level.name(first)}" in flat
    assert f"Ort {wording.where_in_kreis(own, kreis)}" in flat  # "Ort im Saale-Holzland-Kreis"
    assert f"Schlüssel {first}" in flat
    assert f"{level.title} (eigene Gebiete), Gebietsstand {level.gebietsstand}" in flat
    assert f"{expected['rank']} von {len(level)}" in flat
    assert level.source in flat and level.median_label in flat
    _no_wrong_words(flat)


@pytest.mark.parametrize("query, status, message", [
    ("ebene=gibtsnicht&gebiet=001", 404, "Die Ebene „gibtsnicht“ gibt es nicht"),
    (f"ebene={OWN_LEVEL}&gebiet=999", 404, "Ort „999“ ist unbekannt"),
    ("kreis=001", 404, "Kreis „001“ ist unbekannt"),  # an own key is no Kreis
])
def test_profile_of_an_unknown_area_or_level_is_a_german_404(client, query, status, message):
    response = client.get(f"/export/profil.pdf?{query}")
    assert response.status_code == status
    assert message in response.get_data(as_text=True)


def test_selection_takes_keys_of_the_indicators_level(client, year):
    ok = client.get(f"/export/chart/timeseries.svg?indicator={OWN_COUNT}&kreise=001,002")
    assert ok.status_code == 200
    bad = client.get(f"/export/data.csv?indicator={OWN_COUNT}&kreise=0x1")
    assert bad.status_code == 400 and "Ort „0x1“ ist unbekannt" in bad.get_data(as_text=True)
    assert "Ebene „Orte im Kreis“" in bad.get_data(as_text=True)


# --- page texts: table, notes, attribution ------------------------------------------------------


def test_values_table_ranks_the_own_areas_out_of_all_of_them(own, level, year):
    from layouts import panels

    view = figures.map_view(own, OWN_COUNT, year)
    table = panels.values_table(own, view)
    assert table["head"][:2] == ["Rang", level.singular]
    rows = table["rows"][:-1]
    assert len(rows) == 20  # the 10 highest and 10 lowest of 91
    assert rows[0][0] == f"1 von {len(level)}"
    assert f"alle {len(level)} {level.title} im Datenexport" in table["note"]
    assert table["rows"][-1][1] == own.reference(OWN_COUNT, year).label
    assert panels.boundaries(own, own.indicator(OWN_COUNT)) == level.attribution


def test_notes_of_the_views_name_the_level(own, level, year):
    note = charts.kreis_only_note(own, OWN_COUNT, "scatter")
    assert f"Indikator der {level.title}" in note
    view = figures.map_view(own, OWN_COUNT, year)
    assert f"alle {len(level)} {level.title}" in charts.ranking_hint(own, view)
    title, hint = charts.timeseries_texts(own, OWN_COUNT, [])
    # the page selects Kreise: the hint says how to compare the level's areas in one
    assert level.title in hint and "Kreise" not in hint.replace(level.title, "")


def test_areas_shown_says_what_each_level_shows(own, level):
    kreise, gemeinden = own.level_of("kreis"), own.level_of("gemeinde")
    assert wording.areas_shown(own, kreise) == f"Kreise in Thüringen, Gebietsstand " \
                                               f"{kreise.gebietsstand}"
    assert wording.areas_shown(own, gemeinden, "16067", gebietsstand=False) == \
        "Gemeinden im Landkreis Gotha"
    assert wording.areas_shown(own, level) == \
        f"{level.title} (eigene Gebiete), Gebietsstand {level.gebietsstand}"


# --- analyses over a level ----------------------------------------------------------------------


def test_comparison_of_own_areas_ranks_them_among_their_level(own, level, year, table):
    chosen = level.keys[:2]
    frame = analysis.compare_profiles(own, chosen, level=OWN_LEVEL)
    row = frame.set_index("indicator").loc[OWN_COUNT]
    ranks = table.set_index("ags")["rank"]
    for key in chosen:
        assert row[f"rank_{key}"] == ranks[key]
        assert f"(Rang {ranks[key]} von {len(level)})" in row[key]
    assert frame.attrs["names"] == {key: level.name(key) for key in chosen}
    with pytest.raises(analysis.AnalysisInputError, match="Ort „16052“ ist unbekannt"):
        analysis.compare_profiles(own, ["16052"], level=OWN_LEVEL)  # a Kreis is no own area


def test_scatter_pairs_only_indicators_of_one_level(own):
    with pytest.raises(analysis.AnalysisInputError, match="derselben Ebene"):
        analysis.scatter(own, OWN_COUNT, "sgb2_quote")
    assert analysis.scatter_partner(own, OWN_COUNT) is None  # no second indicator of the level
    partner = analysis.scatter_partner(own, "sgb2_quote")
    assert own.indicator(partner).level == "kreis"
