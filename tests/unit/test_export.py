"""Exports for reports: map and charts (PNG/SVG/PDF), Regionenprofil (PDF), data (CSV/XLSX), URLs.

Real kaleido with the system Chromium and the real built data; one browser for the whole module.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import math
import re
import threading
import xml.etree.ElementTree as ET
import zipfile
from datetime import date

import pandas as pd
import pytest
from flask import Flask
from PIL import Image
from pypdf import PdfReader

from atlas import downloads, export
from atlas.api import values_payload
from atlas.catalogue import Catalogue
from atlas.data import AtlasData
from atlas.figures import Display
from atlas.text import neutralise
from atlas.urlstate import parse_display
from atlas.values import rounded

SVG_NS = "{http://www.w3.org/2000/svg}"
SAFE_NAME = re.compile(r"^[a-z0-9_.-]+$")
TODAY = date(2026, 11, 21)
FORMULA = '=HYPERLINK("http://example.org/x","Klick")'


pytestmark = pytest.mark.usefixtures("export_engine")


@pytest.fixture(scope="module")
def client(downloads_client):
    return downloads_client


@pytest.fixture(scope="module")
def year(data) -> int:
    """The newest year of sgb2_quote in the built data (the year a page opens with)."""
    return data.latest_year("sgb2_quote")


def _title(data, indicator: str, year: int) -> str:
    """A map's title: the indicator's short title and the year."""
    return f"{data.indicator(indicator).short_title} {year}"


@pytest.fixture(scope="module")
def map_svg(data, year) -> str:
    fig = export.map_figure(data, "sgb2_quote", year, selected=["16052"], today=TODAY,
                            note="<b>nicht fett</b> & $x$ =1+1")
    return export.render(fig, "svg", export.page_for("a4")).decode("utf-8")


@pytest.fixture(scope="module")
def special(data, year) -> AtlasData:
    """The built data with special values, a negative number and formula-like texts."""
    values = data.values.copy()
    key = (values["indicator"] == "sgb2_quote") & (values["year"] == year)
    changes = {
        "16052": (math.nan, "unbekannt oder geheim"),  # Gera
        "16053": (math.nan, "nichts vorhanden"),  # Jena
        "16051": (8.5, "vorläufig"),  # Erfurt
        "16054": (-1.5, ""),  # Suhl
        "16055": (math.nan, ""),  # Weimar: plain missing
    }
    for ags, (value, status) in changes.items():
        row = key & (values["ags"] == ags)
        values.loc[row, "value"] = value
        values.loc[row, "status"] = status
    sources = dict(data.catalogue.sources)
    source_id = data.indicator("sgb2_quote").source
    sources[source_id] = dataclasses.replace(sources[source_id], attribution=FORMULA)
    catalogue = Catalogue(data.catalogue.areas, data.catalogue.indicators, sources)
    regions = data.regions.copy()
    regions.loc[regions["ags"] == "16062", "name"] = "@SUMME(1+1)"
    regions.loc[regions["ags"] == "16061", "name"] = "+Eichsfeld"
    return AtlasData.from_frames(catalogue, regions, data.geojson, values, data.info)


def _svg_texts(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return ["".join(el.itertext()) for el in root.iter(f"{SVG_NS}text")]


def _pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages).replace("\xa0", " ")


# --- pages and PNG ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "width_mm", "size", "dpi"),
    [
        ("a4", None, (3508, 2480), 300),
        ("a5", None, (2480, 1748), 300),
        ("folie", None, (1920, 1080), 96),
        ("a4", "160", (1890, 1336), 300),
    ],
)
def test_png_has_the_preset_pixel_size_and_dpi(data, year, fmt, width_mm, size, dpi):
    page = export.page_for(fmt, width_mm)
    fig = export.map_figure(data, "sgb2_quote", year, page=page, today=TODAY)
    png = export.render(fig, "png", page)
    with Image.open(io.BytesIO(png)) as image:
        assert image.size == size
        assert tuple(round(d) for d in image.info["dpi"]) == (dpi, dpi)
        image.verify()


def test_print_pages_are_true_paper_sizes():
    a4 = export.page_for("a4")
    assert (a4.width_px, a4.height_px) == (3508, 2480)
    assert a4.layout_width * 25.4 / 96 == pytest.approx(297, abs=0.1)
    assert a4.scale == pytest.approx(3.125)
    assert export.A4_PORTRAIT.width_px == 2480 and export.A4_PORTRAIT.height_px == 3508


@pytest.mark.parametrize(
    ("fmt", "width", "text"),
    [("a3", None, "unbekannt"), ("a4", "20", "zwischen 100 und 420"), ("a4", "breit", "Zahl"),
     ("folie", "200", "nur für die Druckformate")],
)
def test_bad_page_parameters_are_refused_in_german(fmt, width, text):
    with pytest.raises(export.ExportError, match=text):
        export.page_for(fmt, width)


# --- the map ------------------------------------------------------------------------------------


def test_map_svg_is_vector_with_one_path_per_kreis_and_text_as_text(map_svg, data, year):
    root = ET.fromstring(map_svg)
    kreise = [p for p in root.iter(f"{SVG_NS}path") if p.get("class") == "choroplethlocation"]
    assert len(kreise) == len(data.regions) == 22
    assert not list(root.iter(f"{SVG_NS}image"))  # no embedded raster
    texts = _svg_texts(map_svg)
    assert _title(data, "sgb2_quote", year) in texts
    assert any(f"Gebietsstand {data.level_of('kreis').gebietsstand}" in t for t in texts)
    assert any("Anteil in %" in t for t in texts)  # subtitle / legend title
    assert any("keine Daten" in t or "–" in t for t in texts)  # legend with class bounds
    joined = "\n".join(texts)
    assert data.level_of("kreis").source.split(" (")[0] in joined
    assert "Lizenz: dl-de/by-2-0" in joined
    assert "Erstellt am 21.11.2026" in joined
    assert f"Median der Kreise {year}" in joined  # the Thüringen reference
    assert "Schwarz umrandet: Gera" in joined


def _gemeinde_indicator(data) -> str:
    indicators = data.available_indicators(level="gemeinde")
    if not indicators:
        pytest.skip("this build has no Gemeinde level")
    return indicators[0].id


def test_gemeinde_map_names_the_gemeinden_and_their_gebietsstand(data, client):
    """A Gemeinde map for a report says what it shows: all Gemeinden, or with ``zoom`` only the
    Gemeinden of that Kreis, each with the Gebietsstand of the Gemeinde boundaries."""
    indicator = _gemeinde_indicator(data)
    whole = client.get(f"/export/map.svg?indicator={indicator}")
    zoomed = client.get(f"/export/map.svg?indicator={indicator}&zoom=16067")
    assert whole.status_code == zoomed.status_code == 200
    for response, count, line in (
            (whole, len(data.gemeinden),
             f"Gemeinden in Thüringen, Gebietsstand {data.level_of('gemeinde').gebietsstand}"),
            (zoomed, len(data.level_of("gemeinde").in_kreis("16067")),
             f"Gemeinden im Landkreis Gotha, Gebietsstand {data.level_of('gemeinde').gebietsstand}")):
        svg = response.get_data(as_text=True)
        root = ET.fromstring(svg)
        paths = [p for p in root.iter(f"{SVG_NS}path") if p.get("class") == "choroplethlocation"]
        assert len(paths) == count
        texts = _svg_texts(svg)
        assert line in texts
        assert not any("Kreise und kreisfreie Städte" in t for t in texts)
    assert 10 < len(data.level_of("gemeinde").in_kreis("16067")) < 100
    assert f"alle {len(data.gemeinden)} Gemeinden Thüringens" in " ".join(_svg_texts(zoomed.get_data(as_text=True)))
    bad = client.get(f"/export/map.svg?indicator={indicator}&zoom=16999")
    assert bad.status_code == 400 and "Kreis „16999“ zum Heranzoomen" in bad.get_data(as_text=True)


def test_gemeinde_ranking_of_one_kreis_names_each_of_its_gemeinden(data, client):
    indicator = _gemeinde_indicator(data)
    response = client.get(f"/export/chart/ranking.svg?indicator={indicator}&zoom=16067")
    assert response.status_code == 200
    texts = _svg_texts(response.get_data(as_text=True))
    gotha = data.gemeinden.set_index("ags").loc[data.level_of("gemeinde").in_kreis("16067"), "label"]
    assert set(gotha) <= set(texts)
    assert not set(data.gemeinden["label"]) - set(gotha) & set(texts)  # no other Gemeinde
    assert any(t.endswith("Rangfolge der Gemeinden") for t in texts)
    stand = data.level_of("gemeinde").gebietsstand
    assert f"Gemeinden im Landkreis Gotha, Gebietsstand {stand}" in texts


def test_nothing_runs_off_the_page_with_a_long_reference(data):
    """The Zensus count's reference ("Thüringen (Summe der Gemeinden) 2022: 2.110.396 Einw.") is
    longer than the panel beside the map: it wraps instead of running off the right edge."""
    indicator = "gemeinde_bevoelkerung_zensus"
    if indicator not in {i.id for i in data.available_indicators(level="gemeinde")}:
        pytest.skip("this build has no Zensus Gemeinde indicator")
    page = export.page_for("a4")
    fig = export.map_figure(data, indicator, kreis="16075", page=page, today=TODAY)
    reference = next(a for a in fig.layout.annotations if a.name == "reference")
    assert "<br>" in reference.text and "Einw." in reference.text
    with Image.open(io.BytesIO(export.render(fig, "png", page))) as image:
        grey = image.convert("L")
        margin = grey.crop((grey.width - 40, 0, grey.width, grey.height))
        assert margin.getextrema()[0] > 245  # the right page margin stays white


def test_the_subtitle_keeps_a_date_inside_the_first_sentence():
    text = ("Zahl der Menschen, die am Zensusstichtag 15. Mai 2022 in der Gemeinde gemeldet "
            "waren, z. B. mit Hauptwohnsitz. Zweiter Satz.")
    assert export.short_definition(text) == text.removesuffix(" Zweiter Satz.")
    assert export.short_definition("Erster Satz. Zweiter.") == "Erster Satz."


def test_kreis_only_views_explain_themselves_for_gemeinde_indicators(data):
    from atlas import charts

    indicator = _gemeinde_indicator(data)
    for view in charts.KREIS_ONLY_VIEWS:
        note = charts.kreis_only_note(data, indicator, view)
        assert "Indikatoren der Kreise" in note and "Kreis heranzoomen" in note
        assert charts.kreis_only_note(data, "sgb2_quote", view) == ""


def test_map_legend_shows_keine_daten_with_a_gap(special, year):
    fig = export.map_figure(special, "sgb2_quote", year, today=TODAY)
    names = [t.name for t in fig.data[1:] if t.visible is not False]
    # Gera's withheld value ("unbekannt oder geheim") has its own entry (atlas.missing)
    assert "keine Daten (2)" in names and "geheim oder unsicher (Quelle) (1)" in names
    assert sum(re.search(r"\d – ", n) is not None for n in names) == 5


def test_user_note_is_shown_as_plain_text_never_markup(map_svg):
    texts = _svg_texts(map_svg)
    assert "Anmerkung: <b>nicht fett</b> & $x$ =1+1" in texts
    root = ET.fromstring(map_svg)
    bold = [el for el in root.iter(f"{SVG_NS}tspan") if "nicht fett" in "".join(el.itertext())
            and "bold" in (el.get("style") or "")]
    assert not bold


def test_note_longer_than_200_characters_is_refused(data, year):
    with pytest.raises(export.ExportError, match="höchstens 200"):
        export.map_figure(data, "sgb2_quote", year, note="x" * 201)
    assert export.clean_note("  zwei\nZeilen\t ") == "zwei Zeilen"


def test_display_options_and_selection_come_from_the_screen_builder(data, year):
    from atlas.values import format_number

    display = Display(scheme="manual", breaks=(5.0, 7.5, 10.0), palette="PuBu")
    fig = export.map_figure(data, "sgb2_quote", year, display=display, selected=["16053"])
    names = [t.name for t in fig.data[1:] if t.visible is not False]
    lowest = data.table("sgb2_quote", year)["value"].min()
    assert lowest < 5  # the first class starts at the lowest value
    assert names[0].startswith(f"{format_number(lowest, 1)} – 5,0 %") and any("7,5 – 10,0" in n for n in names)
    widths = dict(zip(fig.data[0].locations, fig.data[0].marker.line.width))
    assert widths["16053"] > widths["16052"]


def test_map_pdf_is_a4_landscape_with_title_and_sources(data, year):
    fig = export.map_figure(data, "sgb2_quote", year, today=TODAY)
    pdf = export.render(fig, "pdf", export.page_for("a4"))
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert float(box.width) == pytest.approx(842, abs=3)
    assert float(box.height) == pytest.approx(595, abs=3)
    text = _pdf_text(pdf)
    assert _title(data, "sgb2_quote", year) in text
    source = data.catalogue.source_line(data.indicator("sgb2_quote"))
    assert ", ".join(source.split(", ")[:2]) in text  # "Quelle: INKAR, Ausgabe …"
    assert "GeoBasis-DE" in text


def test_geo_assets_are_local():
    url = export.topojson_url()
    assert url.startswith("file://") and url.endswith("/")
    assert (export.TOPOJSON_DIR / "world_110m.json").is_file()


# --- charts -------------------------------------------------------------------------------------


def test_chart_svgs_carry_their_titles(data, year):
    from atlas.analysis import ranking

    page = export.page_for("a4")
    years = data.years("sgb2_quote")
    last = ranking(data, "sgb2_quote", year)["name"].iloc[-1]  # a Kreis not selected
    cases = [
        (export.timeseries_figure(data, "sgb2_quote", ["16052", "16053"], year, today=TODAY),
         f"{data.indicator('sgb2_quote').short_title} {years[0]}–{years[-1]}", "Gera"),
        (export.ranking_figure(data, "sgb2_quote", year, selected=["16052"], today=TODAY),
         f"{_title(data, 'sgb2_quote', year)}: Rangfolge der Kreise", last),
        (export.scatter_figure(data, "sgb2_quote", "kinderarmut", year, selected=["16052"],
                               today=TODAY),
         f"{data.indicator('kinderarmut').short_title} und "
         f"{_title(data, 'sgb2_quote', year)}", "Pearson r"),
    ]
    for fig, title, other in cases:
        texts = _svg_texts(export.render(fig, "svg", page).decode("utf-8"))
        joined = "\n".join(texts)
        assert title in texts
        assert other in joined
        assert "Quelle: INKAR" in joined and "Erstellt am 21.11.2026" in joined


def test_chart_png_and_pdf(data, year):
    page = export.page_for("folie")
    fig = export.ranking_figure(data, "sgb2_quote", year, page=page)
    with Image.open(io.BytesIO(export.render(fig, "png", page))) as image:
        assert image.size == (1920, 1080)
    pdf = export.render(export.timeseries_figure(data, "bevoelkerung", ["16052"]), "pdf",
                        export.page_for("a4"))
    assert "Bevölkerung" in _pdf_text(pdf)


# --- Regionenprofil -----------------------------------------------------------------------------


def test_profile_pdf_has_every_indicator_on_a4_portrait_pages(data):
    from atlas.analysis import profile

    figs = export.profile_figures(data, "16052", today=TODAY)
    rows = sum(len(t.cells.values[0]) for fig in figs for t in fig.data)
    assert rows == len(profile(data, "16052")) == len(data.available_indicators())
    pages = len(figs)
    assert pages >= 2
    for fig in figs:  # every table is tall enough for its rows: nothing scrolls or is cut
        for table in fig.data:
            height = (table.domain.y[1] - table.domain.y[0]) * export.A4_PORTRAIT.layout_height
            assert height >= table.header.height + len(table.cells.values[0]) * table.cells.height
    pdf = export.profile_pdf(data, "16052", today=TODAY)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == pages
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx((595, 842), abs=3)
    text = _pdf_text(pdf)
    for expected in ("Regionenprofil Gera", "Kreisschlüssel 16052", "SGB-II-Quote",
                     "Bevölkerung und Demografie", "Quellen:", "INKAR", f"Seite 1 von {pages}",
                     f"Seite {pages} von {pages}", "Erstellt am 21.11.2026"):
        assert expected in text


def test_profile_for_a_life_phase_is_shorter(data):
    """A life phase narrows the profile (Senioren: about half the indicators, fewer pages)."""
    figs = export.profile_figures(data, "16053", "senioren")
    assert len(figs) < len(export.profile_figures(data, "16053"))
    rows = sum(len(t.cells.values[0]) for fig in figs for t in fig.data)
    assert rows == len(data.available_indicators("senioren"))


# --- data ---------------------------------------------------------------------------------------


def _read_csv(content: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(content), sep=";", decimal=",", encoding="utf-8-sig",
                       dtype={"AGS": str, "Status/Hinweis": str}, keep_default_na=False,
                       na_values={"Wert": [""]})


def test_csv_is_german_excel_and_reads_back_exactly(data):
    content = export.data_csv(data, "sgb2_quote")
    assert content.startswith(b"\xef\xbb\xbf") and b"\r\n" in content
    assert content.split(b"\r\n")[0].decode("utf-8-sig") == \
        "AGS;Name;Jahr;Wert;Status/Hinweis;Einheit;Quelle;Indikator"
    frame = _read_csv(content)
    assert sorted(frame["Jahr"].unique()) == data.years("sgb2_quote")
    for year, part in frame.groupby("Jahr"):
        table = data.table("sgb2_quote", int(year))
        assert part["AGS"].tolist() == table["ags"].tolist()
        assert part["Wert"].tolist() == pytest.approx(table["value"].tolist(), nan_ok=True, rel=0,
                                                      abs=0)
    assert (frame["Einheit"] == "%").all() and frame["Quelle"].str.contains("Lizenz").all()
    assert ";12,65;" in content.decode("utf-8")  # decimal comma


def test_csv_reimports_through_the_tidy_reader_with_identical_values(data, tmp_path):
    from atlas.formats import read_any

    path = tmp_path / "export.csv"
    path.write_bytes(export.data_csv(data, "kinderarmut"))
    frame = read_any(path)
    assert set(frame["code"]) == {"kinderarmut"}
    for year in data.years("kinderarmut"):
        table = data.table("kinderarmut", year).set_index("ags")
        rows = frame[frame["year"] == year].set_index("ags")
        assert sorted(rows.index) == sorted(table.index)
        for ags, row in rows.iterrows():
            expected = table.loc[ags, "value"]
            assert (math.isnan(row["value"]) and math.isnan(expected)) or row["value"] == expected


def test_csv_of_one_year(data, year):
    frame = _read_csv(export.data_csv(data, "sgb2_quote", year))
    assert set(frame["Jahr"]) == {year} and len(frame) == 22


def test_xlsx_has_data_and_information_sheets_matching_the_api(data, year):
    from openpyxl import load_workbook

    content = export.data_xlsx(data, "sgb2_quote", year, today=TODAY)
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Daten", "Hinweise"]
    rows = list(book["Daten"].iter_rows(values_only=True))
    assert list(rows[0]) == export.DATA_COLUMNS
    api = values_payload(data, "sgb2_quote", year)
    # the export keeps the source's digits; the API gives them as shown (indicator's decimals)
    decimals = data.indicator("sgb2_quote").decimals
    assert [(r[0], r[1], rounded(r[3], decimals)) for r in rows[1:]] == \
        [(v["ags"], v["name"], v["value"]) for v in api["values"]]
    assert [r[3] for r in rows[1:]] == data.table("sgb2_quote", year)["value"].tolist()
    assert all(r[2] == year for r in rows[1:])
    info = {r[0]: r[1] for r in book["Hinweise"].iter_rows(values_only=True)}
    ind = data.indicator("sgb2_quote")
    assert info["Definition"] == ind.definition
    assert info["Einheit"].startswith("%")
    assert info["Lizenz"] == "dl-de/by-2-0"
    assert info["Quellenangabe"] == api["source"]
    assert info["Exportdatum"] == "21.11.2026"
    assert "GeoBasis-DE" in info["Grenzen"]


def test_special_values_keep_their_symbols(special, year):
    frame = pd.read_csv(io.BytesIO(export.data_csv(special, "sgb2_quote", year)), sep=";",
                        encoding="utf-8-sig", dtype=str, keep_default_na=False)
    by_ags = frame.set_index("AGS")
    assert tuple(by_ags.loc["16052", ["Wert", "Status/Hinweis"]]) == (".", "unbekannt oder geheim")
    assert tuple(by_ags.loc["16053", ["Wert", "Status/Hinweis"]]) == ("-", "nichts vorhanden")
    assert tuple(by_ags.loc["16051", ["Wert", "Status/Hinweis"]]) == ("8,5", "vorläufig")
    assert tuple(by_ags.loc["16054", ["Wert", "Status/Hinweis"]]) == ("-1,5", "")  # a number
    assert tuple(by_ags.loc["16055", ["Wert", "Status/Hinweis"]]) == ("", "keine Daten")

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(export.data_xlsx(special, "sgb2_quote", year)))["Daten"]
    cells = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    assert (cells["16052"][3].value, cells["16052"][3].data_type) == (".", "s")
    assert (cells["16053"][3].value, cells["16053"][3].data_type) == ("-", "s")
    assert (cells["16054"][3].value, cells["16054"][3].data_type) == (-1.5, "n")
    assert cells["16055"][3].value is None and cells["16055"][4].value == "keine Daten"
    assert cells["16051"][4].value == "vorläufig"


def test_formula_like_texts_are_neutralised(special, year):
    text = export.data_csv(special, "sgb2_quote", year).decode("utf-8-sig")
    frame = pd.read_csv(io.StringIO(text), sep=";", dtype=str, keep_default_na=False)
    assert frame["Quelle"].str.startswith("'=HYPERLINK").all()
    names = dict(zip(frame["AGS"], frame["Name"]))
    assert names["16062"] == "'@SUMME(1+1)" and names["16061"] == "'+Eichsfeld"
    for row in list(csv.reader(io.StringIO(text), delimiter=";"))[1:]:
        for cell in row:
            if cell and cell not in ("-", ".") and not re.fullmatch(r"-?\d+(,\d+)?", cell):
                assert cell[0] not in "=+-@\t\r", cell

    content = export.data_xlsx(special, "sgb2_quote", year)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert sheets and not any("<f>" in archive.read(n).decode() for n in sheets)
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content))
    sources = {row[6].value for row in book["Daten"].iter_rows(min_row=2)}
    assert sources == {FORMULA + ", " + special.indicator("sgb2_quote").table +
                       "; Lizenz: dl-de/by-2-0"}
    cell = next(c for c in book["Hinweise"]["B"] if c.value == FORMULA)
    assert cell.data_type == "s"
    names = {row[0].value: row[1] for row in book["Daten"].iter_rows(min_row=2)}
    assert (names["16062"].value, names["16062"].data_type) == ("@SUMME(1+1)", "s")


def test_neutralise_and_numbers():
    assert neutralise("=1+1") == "'=1+1"
    assert neutralise(" -2") == "' -2"
    assert neutralise("\tx") == "'\tx"
    assert neutralise("Gera") == "Gera"
    assert export.csv_number(-1.5) == "-1,5"
    assert export.csv_number(0.00001) == "0,00001"
    assert export.csv_number(1234567.0) == "1234567"


# --- URLs ---------------------------------------------------------------------------------------


def _disposition_name(response) -> str:
    header = response.headers["Content-Disposition"]
    assert header.startswith("attachment;")
    return re.search(r'filename="([^"]+)"', header).group(1)


def test_map_url_with_the_page_parameters(client, year):
    response = client.get(f"/export/map.png?indikator=sgb2_quote&jahr={year}&kreise=16052,16053"
                          "&klassifikation=natural_breaks&klassen=4&palette=PuBu&format=a5"
                          "&notiz=Entwurf&lebensphase=kindheit&bereich=alle")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert _disposition_name(response) == f"sgb2_quote_{year}_karte_a5.png"
    with Image.open(io.BytesIO(response.data)) as image:
        assert image.size == (2480, 1748)


@pytest.mark.parametrize(
    ("url", "mimetype", "name"),
    [
        ("/export/map.svg?indicator=sgb2_quote&grenzen=5;7,5;10", "image/svg+xml",
         "sgb2_quote_{newest}_karte.svg"),
        ("/export/chart/timeseries.pdf?indicator=sgb2_quote&kreise=16052", "application/pdf",
         "sgb2_quote_zeitreihe.pdf"),
        ("/export/chart/ranking.svg?indicator=sgb2_quote&year={older}", "image/svg+xml",
         "sgb2_quote_{older}_rangfolge.svg"),
        ("/export/chart/scatter.svg?x=sgb2_quote&y=kinderarmut&year={newest}", "image/svg+xml",
         "sgb2_quote_kinderarmut_{newest}_streudiagramm.svg"),
        ("/export/profil.pdf?kreis=16074&lebensphase=senioren", "application/pdf",
         "regionenprofil_16074_saale-holzland-kreis_senioren.pdf"),
        ("/export/data.csv?indicator=sgb2_quote", "text/csv", "sgb2_quote_alle_jahre.csv"),
        ("/export/data.xlsx?indicator=sgb2_quote&year={newest}",
         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "sgb2_quote_{newest}.xlsx"),
    ],
)
def test_export_urls(client, data, url, mimetype, name):
    """``{newest}``/``{older}``: the newest and the second-newest year of sgb2_quote."""
    years = {"newest": data.years("sgb2_quote")[-1], "older": data.years("sgb2_quote")[-2]}
    url, name = url.format(**years), name.format(**years)
    response = client.get(url)
    assert response.status_code == 200, response.data[:300]
    assert response.mimetype == mimetype
    assert _disposition_name(response) == name


@pytest.mark.parametrize(
    ("url", "status", "text"),
    [
        ("/export/map.png?indicator=gibtsnicht", 404, "Unbekannter Indikator"),
        ("/export/map.png?indicator=../../etc/passwd", 404, "Unbekannter Indikator"),
        ("/export/data.csv?indicator=gibtsnicht", 404, "Unbekannter Indikator"),
        ("/export/map.gif?indicator=sgb2_quote", 404, "Dateiformat"),
        ("/export/chart/torte.png?indicator=sgb2_quote", 404, "Diagramm"),
        ("/export/profil.pdf?kreis=99999", 404, "Kreis „99999“ ist unbekannt"),
        ("/export/map.png", 400, "Parameter „indicator“ fehlt"),
        ("/export/map.png?indicator=sgb2_quote&year=1800", 400, "kein Jahr 1800"),
        ("/export/map.png?indicator=sgb2_quote&year=zwanzig", 400, "keine Jahreszahl"),
        ("/export/map.png?indicator=sgb2_quote&kreise=16052,00000", 400, "Kreis „00000“"),
        ("/export/map.png?indicator=sgb2_quote&klassen=9", 400, "Klassenzahl"),
        ("/export/map.png?indicator=sgb2_quote&klassifikation=zufall", 400, "Klassifikation"),
        ("/export/map.png?indicator=sgb2_quote&palette=Jet", 400, "Farbpalette"),
        ("/export/map.png?indicator=sgb2_quote&grenzen=5;abc", 400, "Grenze"),
        ("/export/map.png?indicator=sgb2_quote&format=a0", 400, "Format"),
        ("/export/map.png?indicator=sgb2_quote&breite_mm=5000", 400, "breite_mm"),
        ("/export/map.png?indicator=sgb2_quote&notiz=" + "x" * 201, 400, "Notiz"),
        ("/export/chart/scatter.png?x=sgb2_quote", 400, "„y“"),
        ("/export/profil.pdf", 400, "Parameter „kreis“ fehlt"),
        ("/export/profil.pdf?kreis=16052&lebensphase=greise", 400, "Lebensphase"),
    ],
)
def test_bad_urls_get_german_messages(client, url, status, text):
    response = client.get(url)
    assert response.status_code == status
    assert response.mimetype == "text/plain"
    assert text in response.get_data(as_text=True)
    assert "Content-Disposition" not in response.headers


def test_file_names_are_safe():
    assert export.file_name("../../etc/passwd", 2021, "karte", ext="png") == \
        "etc_passwd_2021_karte.png"
    assert export.file_name("Sömmerda", "Saale-Holzland-Kreis", ext="pdf") == \
        "soemmerda_saale-holzland-kreis.pdf"
    for parts in (["..", "/"], ['"; rm -rf /', "\r\nX-Header: 1"], ["A" * 300]):
        name = export.file_name(*parts, ext="csv")
        assert SAFE_NAME.match(name) and ".." not in name and len(name) < 80


def test_concurrent_exports_each_get_their_own_picture(data, year):
    """Without the lock the browser's shared queues hand pictures to the wrong caller."""
    page = export.page_for("a4")
    wanted = {ind: _title(data, ind, year) for ind in ("sgb2_quote", "kinderarmut")}
    figs = {ind: export.map_figure(data, ind, year) for ind in wanted}
    results: dict[tuple[str, int], str] = {}
    errors: list[BaseException] = []

    def work(ind: str, n: int) -> None:
        try:
            results[ind, n] = export.render(figs[ind], "svg", page).decode("utf-8")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(ind, n)) for n in range(3) for ind in wanted]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors
    assert len(results) == 6
    for (ind, _), svg in results.items():
        texts = _svg_texts(svg)
        assert wanted[ind] in texts
        assert not any(title in texts for other, title in wanted.items() if other != ind)


def test_concurrent_url_requests(client, data, year):
    app = Flask("export-test-threads")
    app.register_blueprint(downloads.downloads)
    out: dict[str, bytes] = {}

    def fetch(ind: str) -> None:
        with app.test_client() as own:
            out[ind] = own.get(f"/export/map.svg?indicator={ind}&year={year}").data

    threads = [threading.Thread(target=fetch, args=(ind,)) for ind in ("sgb2_quote", "kinderarmut")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    for ind in ("sgb2_quote", "kinderarmut"):
        assert _title(data, ind, year) in _svg_texts(out[ind].decode())


def test_blueprint_name():
    assert downloads.downloads.name == "downloads"
    assert downloads.downloads.url_prefix == "/export"


# --- display options from the URL ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "display", "problems"),
    [
        ("", Display(), 0),
        ("klassifikation=natural_breaks&klassen=7&palette=PuBu",
         Display("natural_breaks", 7, "PuBu"), 0),
        ("grenzen=5;7,5;10", Display("manual", 5, None, (5.0, 7.5, 10.0)), 0),
        ("klassifikation=manual&grenzen=5%3B7%2C5", Display("manual", 5, None, (5.0, 7.5)), 0),
        ("palette=auto&klassen=3", Display(k=3), 0),
        ("klassifikation=quantiles&grenzen=5", Display("quantiles"), 0),  # bounds: manual only
        ("klassifikation=manual", Display(), 1),
        ("grenzen=10;5", Display(), 1),
        ("grenzen=5;x", Display(), 1),
        ("klassen=2&palette=Jet&klassifikation=zufall", Display(), 3),
    ],
)
def test_parse_display(query, display, problems):
    parsed, messages = parse_display(query)
    assert parsed == display
    assert len(messages) == problems
