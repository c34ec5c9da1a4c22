"""Word and PowerPoint exports (issue #19): the documents are opened with python-docx and
python-pptx and their headings, pictures, tables, texts and notes compared with the API and the
built data; bad parameters get the German answers of the PDF routes."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from docx import Document
from PIL import Image
from pptx import Presentation
from pptx.util import Pt

from atlas import analysis
from atlas.report import describe, office
from atlas.values import format_number
from tests.conftest import OWN_COUNT, OWN_LEVEL


@pytest.fixture(scope="module")
def client(app_module):
    return app_module.server.test_client()


def _docx(response) -> Document:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == ("application/vnd.openxmlformats-officedocument."
                                 "wordprocessingml.document")
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    return Document(io.BytesIO(response.get_data()))


def _images(package_part) -> list[Image.Image]:
    return [Image.open(io.BytesIO(rel.target_part.blob))
            for rel in package_part.rels.values() if "image" in rel.reltype]


def _table_rows(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


@pytest.fixture(scope="module")
def baustein(client, data):
    year = data.latest_year("kinderarmut")
    response = client.get(f"/export/baustein.docx?indicator=kinderarmut&year={year}"
                          "&kreise=16052")
    return _docx(response), year


def test_the_baustein_has_heading_picture_caption_and_text(baustein, data):
    doc, year = baustein
    ind = data.indicator("kinderarmut")
    paragraphs = doc.paragraphs
    headings = [p.text for p in paragraphs if p.style.name == "Heading 1"]
    assert headings == [f"{ind.title} {year}"]
    # the map as a high-resolution picture (the A4 print PNG)
    images = _images(doc.part)
    assert len(images) == 1 and images[0].size[0] >= 3000 and images[0].size[1] >= 2000
    # a real numbered caption: style Caption, a SEQ field
    captions = [p for p in paragraphs if p.style.name == "Caption"]
    assert len(captions) == 1 and captions[0].text.startswith("Abbildung 1: Kinderarmut")
    assert "SEQ Abbildung" in captions[0]._p.xml
    texts = [p.text for p in paragraphs if p.style.name == "Normal"]
    for sentence in describe.map_sentences(data, "kinderarmut", year):
        assert sentence in texts
    assert describe.area_text(data, "kinderarmut", "16052", year) in texts  # the selection
    assert any(t.startswith("Quelle: INKAR") and "Lizenz" in t for t in texts)
    assert any(t.startswith("Erstellt am ") for t in texts)


def test_the_baustein_table_has_the_api_values(baustein, client, data):
    doc, year = baustein
    api = client.get(f"/api/values?indicator=kinderarmut&year={year}").get_json()
    (table,) = doc.tables
    assert table.style.name == "Table Grid"
    rows = _table_rows(table)
    assert rows[0][:3] == ["Rang", "Kreis", "Wert (Anteil in %)"]
    body, reference = rows[1:-1], rows[-1]
    assert len(body) == len(api["values"]) == 22
    by_name = {r[1]: r for r in body}
    for value in api["values"]:
        row = by_name[value["name"]]
        assert row[0] == str(value["rank"])
        assert row[2] == format_number(value["value"], 1)
    assert [int(r[0]) for r in body] == sorted(int(r[0]) for r in body)  # rank order
    assert reference[1] == api["reference"]["label"]
    assert reference[2] == format_number(api["reference"]["value"], 1)
    # the deviation is the profile's ("Abweichung"), for Gera too
    gera = analysis.profile(data, "16052")
    gera = gera[gera["indicator"] == "kinderarmut"].iloc[0]
    assert by_name["Gera"][3] == gera["deviation_text"].removesuffix(" Prozentpunkte")


def test_a_missing_value_shows_its_symbol_or_reason():
    assert office.value_cell(float("nan"), "unbekannt oder geheim", 1) == \
        ". (unbekannt oder geheim)"
    assert office.value_cell(float("nan"), "keine Daten", 1) == "keine Daten"
    assert office.value_cell(1234.5, "", 1) == "1.234,5"


def test_a_gemeinde_baustein_zoomed_to_a_kreis_lists_its_gemeinden(client, data):
    ind = data.available_indicators(level="gemeinde")[0]
    level = data.level_of("gemeinde")
    kreis = "16077"
    inside = level.areas[level.areas["kreis"] == kreis]
    doc = _docx(client.get(f"/export/baustein.docx?indicator={ind.id}&zoom={kreis}"))
    rows = _table_rows(doc.tables[0])
    assert rows[0][1] == "Gemeinde"
    assert len(rows) == len(inside) + 2  # header, the Gemeinden in the Kreis, the reference


@pytest.mark.parametrize("query", ["indicator=kinderarmut&year=1800", "indicator=gibtsnicht",
                                   "", "indicator=kinderarmut&kreise=../../etc",
                                   "indicator=kinderarmut&klassen=99",
                                   "indicator=kinderarmut&zoom=12345"])
def test_bad_baustein_parameters_answer_as_the_map_export(client, query):
    word = client.get(f"/export/baustein.docx?{query}")
    pdf = client.get(f"/export/map.pdf?{query}")
    assert word.status_code == pdf.status_code in (400, 404)
    assert word.get_data() == pdf.get_data()
    assert word.mimetype == "text/plain"


@pytest.mark.parametrize("query", ["kreis=99999", "", "kreis=16052&lebensphase=greise",
                                   "ebene=mond&gebiet=1", "ebene=gemeinde&gebiet=16052"])
def test_bad_profile_parameters_answer_as_the_pdf(client, query):
    word = client.get(f"/export/profil.docx?{query}")
    pdf = client.get(f"/export/profil.pdf?{query}")
    assert word.status_code == pdf.status_code in (400, 404)
    assert word.get_data().replace(b"profil.docx", b"profil.pdf") == pdf.get_data()


def test_other_office_formats_are_a_german_404(client):
    for url in ("/export/baustein.pdf?indicator=kinderarmut", "/export/profil.odt?kreis=16052"):
        response = client.get(url)
        assert response.status_code == 404 and "Word" in response.get_data(as_text=True)


def _check_profile(doc, data, ags: str, level: str) -> None:
    frame = analysis.profile(data, ags, level=level)
    name = data.level_of(level).name(ags)
    assert [p.text for p in doc.paragraphs if p.style.name == "Heading 1"] == \
        [f"Regionenprofil {name}"]
    areas = list(dict.fromkeys(frame["area_title"]))
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]
    assert headings[:len(areas)] == areas
    assert len(doc.tables) == len(areas)
    rows = [row for table in doc.tables for row in _table_rows(table)[1:]]
    assert len(rows) == len(frame)
    texts = [p.text for p in doc.paragraphs]
    for rec, row in zip(frame.itertuples(index=False), rows):
        assert row[1] == str(rec.year)
        assert row[2].startswith(format_number(rec.value, int(rec.decimals)))
        assert row[3] == rec.rank_text
        # deviation and trend as in the profile, without the unit (explained below the tables)
        assert row[5] == ("–" if not rec.deviation_text
                          else rec.deviation_text.removesuffix(f" {rec.deviation_unit}")
                          .removesuffix(" Prozentpunkte"))
        if rec.trend_direction:
            assert rec.trend_change_text.removesuffix(f" {rec.deviation_unit}") in row[6]
        assert describe.area_text(data, rec.indicator, ags, int(rec.year)) in texts


def test_the_word_profile_has_the_profile_and_the_texts(client, data):
    doc = _docx(client.get("/export/profil.docx?kreis=16052"))
    _check_profile(doc, data, "16052", "kreis")


def test_the_word_profile_of_a_gemeinde(client, data):
    level = data.level_of("gemeinde")
    ags = level.keys[10]
    doc = _docx(client.get(f"/export/profil.docx?ebene=gemeinde&gebiet={ags}"))
    _check_profile(doc, data, ags, "gemeinde")


def test_the_word_profile_of_an_own_area(own_level_data):
    data = own_level_data
    ags = data.level_of(OWN_LEVEL).keys[0]
    doc = Document(io.BytesIO(office.profile_docx(data, ags, level=OWN_LEVEL)))
    _check_profile(doc, data, ags, OWN_LEVEL)
    assert any(OWN_COUNT and "Einwohner" in t.text for t in doc.paragraphs)


# --- PowerPoint --------------------------------------------------------------------------------


def _session(client, data, views):
    response = client.post("/export/sitzung.pptx", json={"views": views})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.headers["Content-Disposition"] == 'attachment; filename="sitzungsfolge.pptx"'
    return Presentation(io.BytesIO(response.get_data()))


def test_a_session_becomes_slides_with_map_legend_source_and_notes(client, data):
    year = data.latest_year("kinderarmut")
    views = [{"name": "Kinderarmut in Gera", "query": f"indicator=kinderarmut&year={year}"
                                                      "&kreise=16052"},
             {"name": "", "query": "indicator=sgb2_quote"}]
    deck = _session(client, data, views)
    assert deck.slide_width * 9 == deck.slide_height * 16  # 16:9
    slides = list(deck.slides)
    assert len(slides) == 3
    assert slides[0].shapes.title.text == "Sitzungsfolge"
    sgb2 = data.indicator("sgb2_quote")
    assert [s.shapes.title.text for s in slides[1:]] == [
        "Kinderarmut in Gera", f"{sgb2.short_title} {data.latest_year('sgb2_quote')}"]
    for slide, (indicator, shown) in zip(slides[1:], [("kinderarmut", year),
                                                      ("sgb2_quote",
                                                       data.latest_year("sgb2_quote"))]):
        images = _images(slide.part)
        assert len(images) == 1 and images[0].size == (2880, 1620)
        text = "\n".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)
        api = client.get(f"/api/values?indicator={indicator}&year={shown}").get_json()
        ind = data.indicator(indicator)
        assert (f"{api['reference']['label']} {shown}: "
                f"{format_number(api['reference']['value'], ind.decimals, ind.unit)}") in text
        assert "Quelle:" in text and "Lizenz" in text and "Gebietsstand" in text
        notes = slide.notes_slide.notes_text_frame.text
        for sentence in describe.map_sentences(data, indicator, shown):
            assert sentence in notes
        assert "Link: http://localhost/?indicator=" in notes
    assert describe.area_text(data, "kinderarmut", "16052", year) in \
        slides[1].notes_slide.notes_text_frame.text


def test_every_slide_text_is_at_least_18_pt(client, data):
    deck = _session(client, data, [{"name": "Ansicht", "query": "indicator=kinderarmut"}])
    sizes = [run.font.size for slide in deck.slides for shape in slide.shapes
             if shape.has_text_frame for p in shape.text_frame.paragraphs for run in p.runs]
    assert sizes and all(size is not None and size >= Pt(18) for size in sizes), sizes


@pytest.mark.parametrize("body, status", [({"views": []}, 400), ({"wrong": 1}, 400),
                                          ({"views": [{"name": "x", "query": "indicator=nix"}]},
                                           400)])
def test_bad_session_bodies_answer_as_the_handout(client, body, status):
    pptx = client.post("/export/sitzung.pptx", json=body)
    pdf = client.post("/export/handout.pdf", json=body)
    assert pptx.status_code == pdf.status_code == status
    assert pptx.get_data() == pdf.get_data()
    assert client.post("/export/sitzung.pptx", data="x").status_code == 400


# --- rendered by LibreOffice -------------------------------------------------------------------


def _render(path, out_dir) -> list:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) fehlt: Debian libreoffice-writer/-impress")
    result = subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{out_dir}/lo",
                             "--convert-to", "pdf", "--outdir", str(out_dir), str(path)],
                            capture_output=True, timeout=240)
    pdf = out_dir / (path.stem + ".pdf")
    if not pdf.exists():
        pytest.skip(f"LibreOffice konnte {path.suffix} nicht öffnen (fehlt "
                    f"libreoffice-impress?): {result.stderr.decode()[:200]}")
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", "70", "-png", "-f", "1", "-l", "2", str(pdf),
                        str(out_dir / path.stem)], check=True, timeout=120)
    return reader.pages


def test_libreoffice_renders_the_word_and_powerpoint_files(client, data, tmp_path):
    """One Word page and the slides as LibreOffice draws them (PNGs beside the PDFs, to look
    at): the text is there, the map picture is drawn."""
    year = data.latest_year("kinderarmut")
    word = tmp_path / "baustein.docx"
    word.write_bytes(client.get(f"/export/baustein.docx?indicator=kinderarmut&year={year}")
                     .get_data())
    pages = _render(word, tmp_path)
    first = pages[0].extract_text()
    assert "Abbildung 1: Kinderarmut" in first
    assert pages[0].images  # the map
    slides = tmp_path / "sitzung.pptx"
    slides.write_bytes(client.post("/export/sitzung.pptx", json={"views": [
        {"name": "Kinderarmut", "query": f"indicator=kinderarmut&year={year}"}]}).get_data())
    pages = _render(slides, tmp_path)
    assert len(pages) == 2
    assert "Kinderarmut" in pages[1].extract_text() and pages[1].images
    width, height = pages[1].mediabox.width, pages[1].mediabox.height
    assert abs(width / height - 16 / 9) < 0.01


def test_the_baustein_of_an_own_level_names_its_areas(own_level_data):
    data = own_level_data
    level = data.level_of(OWN_LEVEL)
    year = data.latest_year(OWN_COUNT)
    doc = Document(io.BytesIO(office.baustein_docx(data, OWN_COUNT, year)))
    rows = _table_rows(doc.tables[0])
    assert rows[0][:2] == ["Rang", level.singular]
    assert len(rows) == len(level) + 2
    table = data.table(OWN_COUNT, year).set_index("ags")
    names = {level.name(k): k for k in level.keys}
    for row in rows[1:-1]:
        value = table.at[names[row[1]], "value"]
        if value == value:  # not missing
            assert row[2] == format_number(float(value), data.indicator(OWN_COUNT).decimals)
    assert len(_images(doc.part)) == 1


def test_text_for_documents_drops_what_xml_forbids_and_keeps_markup_literal():
    assert office.clean("a\x00b\x1fc\x0bd") == "abcd"
    assert office.clean("<b>fett</b> & **nicht**") == "<b>fett</b> & **nicht**"
    assert office.clean(None) == ""
