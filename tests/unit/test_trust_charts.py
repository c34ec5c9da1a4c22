"""Issue #13 (Trust), charts and exports: the reference named for what it is, a meaningful
second scatter indicator, German typesetting, PDF document properties, the comparison with its
reference and trend, names on exported maps and scatter plots. Expected values come from the
built data."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from pypdf import PdfReader

from atlas import analysis, charts, export, figures, labels, palettes
from atlas.catalogue import table_after_attribution
from atlas.values import MINUS, format_number, format_signed, year_span
from layouts import analysis as views
from layouts import panels
from tests.conftest import component_text

README = Path(__file__).resolve().parents[2] / "README.md"
SVG_NS = "{http://www.w3.org/2000/svg}"


pytestmark = pytest.mark.usefixtures("export_engine")


@pytest.fixture(scope="module")
def client(downloads_client):
    return downloads_client


_texts = component_text


def _indicator_with(data, predicate):
    for ind in data.catalogue.indicators:
        if data.years(ind.id) and predicate(ind):
            return ind
    pytest.skip("no indicator of that kind in the built data")


# --- item 10: German typesetting ----------------------------------------------------------------


def test_german_numbers_use_the_minus_sign_never_a_hyphen():
    assert format_number(-7.4, 1) == f"{MINUS}7,4"
    assert format_number(-1234.5, 1, "Euro") == f"{MINUS}1.234,5 Euro"
    assert format_number(-0.01, 1) == "0,0"  # no negative zero
    assert format_signed(-5.3, 1) == f"{MINUS}5,3"


def test_change_map_legend_has_minus_signs_and_says_in_prozentpunkten(data):
    ind = _indicator_with(data, lambda i: i.unit == "%" and len(data.years(i.id)) >= 2
                          and i.level == "kreis")
    years = data.years(ind.id)
    view = figures.change_view(data, ind.id, years[0], years[-1])
    assert view.legend_title.endswith("in Prozentpunkten")
    for label, _ in view.legend:
        assert not re.search(r"(^|\s)-\d", label), label  # "-7,4 – -5,3 Pp." was printed
    if (view.table["value"] < 0).any():
        assert any(MINUS in label for label, _ in view.legend)


def test_years_of_a_series_in_german():
    assert year_span([2022]) == "2022 (1 Jahr)"
    assert year_span([2021, 2010, 2015]) == "2010–2021 (3 Jahre)"
    assert year_span([]) == "keine"


def test_info_panel_of_a_one_year_indicator_says_one_year(data):
    ind = _indicator_with(data, lambda i: len(data.years(i.id)) == 1)
    text = _texts(panels.info_panel(data, ind.id))
    year = data.years(ind.id)[0]
    assert f"{year} (1 Jahr)" in text
    assert f"{year}–{year}" not in text and "1 Jahre" not in text


def test_source_line_names_the_edition_once(data):
    for ind in data.catalogue.indicators:
        line = data.catalogue.source_line(ind)
        assert not re.search(r"INKAR\b.*\bINKAR", line), line
        assert line.startswith("Quelle: ") and "; Lizenz: " in line
    assert table_after_attribution("INKAR 2024, Indikator q_SGBII", "INKAR, Ausgabe 2024, BBSR "
                                   "Bonn") == "Indikator q_SGBII"
    assert table_after_attribution("Zensus 2022, Tabelle 1000A", "© Ämter, Zensus 2022") == \
        "Tabelle 1000A"
    # another edition or another source is information, not repetition
    assert table_after_attribution("INKAR 2021, Indikator 229", "INKAR, Ausgabe 2024, BBSR") == \
        "INKAR 2021, Indikator 229"
    assert table_after_attribution("Regionalatlas Deutschland, Tabelle AI", "© Ämter") == \
        "Regionalatlas Deutschland, Tabelle AI"


def test_xlsx_info_sheet_is_named_as_in_the_readme(data):
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(export.data_xlsx(data, "sgb2_quote", None)))
    assert book.sheetnames[1] == export.INFO_SHEET == "Hinweise"
    assert f"Blatt „{export.INFO_SHEET}“" in README.read_text(encoding="utf-8")


def _metadata(pdf: bytes) -> dict:
    return dict(PdfReader(io.BytesIO(pdf)).metadata or {})


def test_every_pdf_export_carries_title_author_and_subject(data, client):
    inkar = data.catalogue.source_of(data.indicator("sgb2_quote")).attribution
    year, title = data.latest_year("sgb2_quote"), data.indicator("sgb2_quote").short_title
    urls = {
        f"/export/map.pdf?indicator=sgb2_quote&year={year}": f"{title} {year}",
        "/export/chart/timeseries.pdf?indicator=sgb2_quote": title,
        f"/export/chart/ranking.pdf?indicator=sgb2_quote&year={year}": "Rangfolge",
        f"/export/chart/scatter.pdf?x=sgb2_quote&y=kinderarmut&year={year}": title,
        "/export/profil.pdf?kreis=16052": f"Regionenprofil {data.region_name('16052')}",
    }
    for url, title in urls.items():
        response = client.get(url)
        assert response.status_code == 200, url
        meta = _metadata(response.data)
        assert title in meta["/Title"] and "Kaleido" not in meta["/Title"], (url, meta)
        assert meta["/Author"] and meta["/Subject"], (url, meta)
        assert meta["/Creator"] == export.APP_NAME
        if "profil" not in url:
            assert inkar in meta["/Author"], (url, meta)
    handout = client.post("/export/handout.pdf", json={"views": [
        {"name": "Armut", "query": f"indicator=sgb2_quote&year={year}"}]})
    assert handout.status_code == 200
    meta = _metadata(handout.data)
    assert meta["/Title"] == "Sitzungsfolge" and inkar in meta["/Author"]
    assert "Armut" in meta["/Subject"]


# --- item 4: the reference named for what it is -------------------------------------------------


def test_a_lone_reference_line_has_a_legend_entry_with_its_name(data):
    for indicator in ("sgb2_quote", "arbeitslose", "bevoelkerung"):
        fig = figures.timeseries(data, indicator, [])
        assert fig.layout.showlegend is True
        names = {t.name for t in fig.data}
        labels_ = set(data.reference_series(indicator)["label"])
        assert names == labels_
        assert data.indicator(indicator).short_title  # sanity
        title, hint = charts.timeseries_texts(data, indicator, [])
        assert data.reference_name(indicator) in title and data.reference_name(indicator) in hint
        assert title != "Zeitreihe: Thüringen"


def test_official_value_and_sum_of_the_kreise_look_different(data):
    bases = set(data.reference_series("bevoelkerung")["basis"])
    if not {"amtlich", "summe"} <= bases:
        pytest.skip("bevoelkerung has no official and summed years in this build")
    fig = figures.timeseries(data, "bevoelkerung", ["16052"])
    refs = {t.meta["reference"]: t for t in fig.data if t.meta and "reference" in t.meta}
    official, summed = refs["amtlich"], refs["summe"]
    assert official.name != summed.name
    assert (official.line.dash, official.line.color, official.marker.symbol) != \
        (summed.line.dash, summed.line.color, summed.marker.symbol)
    assert official.line.dash != summed.line.dash and official.marker.symbol != summed.marker.symbol
    # the Land total on its own right-hand axis, titled by what it is and clear of its ticks
    axis = fig.layout.yaxis2
    assert axis.automargin is True
    assert axis.title.text in (data.reference_name("bevoelkerung"), "Thüringen insgesamt")
    counts = figures.timeseries(data, "arbeitslose", ["16052"])
    assert counts.layout.yaxis2.title.text in (data.reference_name("arbeitslose"),
                                               "Thüringen insgesamt")


def test_profile_and_comparison_name_the_reference(data):
    table = analysis.profile(data, "16052")
    text = _texts(views.profile_view("Gera", "kreisfreie Stadt", table, "alle"))
    assert "Abweichung von Thüringen" not in text
    assert "Abweichung vom Vergleichswert" in text
    for label in set(table["reference_label"]):
        assert label in text
    comparison = analysis.compare_profiles(data, ["16052", "16053"])
    shown = _texts(views.comparison_view(comparison, comparison.attrs["names"]))
    assert "Vergleichswert" in shown
    for label, value in zip(comparison["reference_label"], comparison["reference_text"]):
        assert label in shown and value in shown


def test_trend_assessment_is_visible_text_in_profile_and_comparison(data):
    table = analysis.profile(data, "16052")
    rated = table[table["trend_assessment"].isin([analysis.FAVOURABLE, analysis.UNFAVOURABLE])]
    assert len(rated)
    text = _texts(views.profile_view("Gera", "kreisfreie Stadt", table, "alle"))
    for row in rated.itertuples():
        assert row.trend_text in text and row.trend_assessment in row.trend_text
    comparison = analysis.compare_profiles(data, ["16052", "16053"])
    assert {"trend_16052", "trend_16053", "reference", "reference_basis"} <= set(comparison)
    shown = _texts(views.comparison_view(comparison, comparison.attrs["names"]))
    trends = [t for t in comparison["trend_16053"] if t]
    assert trends and all(f"Trend: {t}" in shown for t in trends)
    assert any(analysis.FAVOURABLE in t or analysis.UNFAVOURABLE in t for t in trends)


# --- item 5: the scatter plot -------------------------------------------------------------------


def test_scatter_refuses_an_indicator_against_itself(data, client):
    with pytest.raises(analysis.AnalysisInputError, match="anderen"):
        analysis.scatter(data, "sgb2_quote", "sgb2_quote")
    response = client.get("/export/chart/scatter.svg?x=sgb2_quote&y=sgb2_quote")
    assert response.status_code == 400 and "anderen" in response.get_data(as_text=True)


@pytest.mark.parametrize("indicator", ["sgb2_quote", "kinderarmut", "arbeitslose", "gisd"])
def test_scatter_partner_is_another_area_with_values_in_the_same_year(data, indicator):
    partner = analysis.scatter_partner(data, indicator)
    assert partner and partner != indicator
    x, y = data.indicator(indicator), data.indicator(partner)
    assert x.area != y.area and y.level == "kreis"
    result = analysis.scatter(data, indicator, partner)
    assert result.has_stats and abs(result.pearson_r) < 0.999
    common = set(data.years(indicator)) & {y_ for i in data.catalogue.indicators
                                          if i.area != x.area and i.level == "kreis"
                                          for y_ in data.years(i.id)}
    if data.years(indicator)[-1] in common:
        assert result.x_year == result.y_year


def test_scatter_legend_colour_is_the_colour_of_its_points(data):
    result = analysis.scatter(data, "sgb2_quote", "kinderarmut",
                              data.latest_year("sgb2_quote"))
    fig = charts.scatter_plot(data, result, ["16052", "16053"])
    points = [t for t in fig.data if t.mode == "markers+text"]
    assert [t.name for t in points] == list(charts.SCATTER_POINTS)
    for trace, colour in zip(points, palettes.SERIES_COLOURS[:2]):
        assert trace.marker.color == colour  # one colour per trace: the legend shows it
    assert sorted(points[1].customdata) == ["16052", "16053"]
    assert len(points[0].customdata) + len(points[1].customdata) == result.n


def test_place_labels_keeps_names_apart():
    points = [(100, 100), (100, 112), (104, 124), (300, 200)]
    texts = ["Saale-Orla-Kreis", "Sömmerda", "Weimarer Land", "Gera"]
    positions = charts.place_point_labels(points, texts, 12, 6, (400, 300))
    boxes = []
    for (x, y), text, pos in zip(points, texts, positions):
        w, h = len(text) * 12 * 0.55 + 4, 14.4
        vertical, horizontal = pos.split()
        left = x - w / 2 if horizontal == "center" else (x + 8 if horizontal == "right" else x - 8 - w)
        top = y - h / 2 if vertical == "middle" else (y - 8 - h if vertical == "top" else y + 8)
        boxes.append((left, top, left + w, top + h))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert min(a[2], b[2]) <= max(a[0], b[0]) or min(a[3], b[3]) <= max(a[1], b[1])


def test_scatter_export_names_every_point(data):
    year = data.latest_year("sgb2_quote")
    fig = export.scatter_figure(data, "sgb2_quote", "kinderarmut", year, selected=["16052"])
    points = [t for t in fig.data if t.mode == "markers+text"]
    named = [t for trace in points for t in trace.text if t]
    assert sorted(named) == sorted(analysis.scatter(data, "sgb2_quote", "kinderarmut",
                                                    year).points["name"])
    svg = export.render(fig, "svg", export.page_for("a4")).decode("utf-8")
    texts = {"".join(t.itertext()) for t in ET.fromstring(svg).iter(f"{SVG_NS}text")}
    assert set(named) <= texts


# --- item 13: names on the exported map, the map fills the page ---------------------------------


def test_map_export_names_the_22_kreise_by_default(data, client):
    year = data.latest_year("sgb2_quote")
    fig = export.map_figure(data, "sgb2_quote", year)
    names = [t for t in fig.data if t.name == "Kreisnamen"]
    assert len(names) == 1
    placed = labels.kreis_labels(data)
    assert list(names[0].text) == [t.replace("&", "&amp;") for t in placed["text"]]
    assert len(names[0].text) == len(data.regions) == 22
    # the same placement as the presentation's names (part of the map's description)
    from atlas import figures

    assert figures.map_description(data, "sgb2_quote", year)["overlays"]["labels"] is placed
    assert not [t for t in export.map_figure(data, "sgb2_quote", year, names=False).data
                if t.name == "Kreisnamen"]
    svg = client.get(f"/export/map.svg?indicator=sgb2_quote&year={year}").get_data(as_text=True)
    plain = client.get(f"/export/map.svg?indicator=sgb2_quote&year={year}&namen=0"
                       ).get_data(as_text=True)
    gera = data.region_name("16052")
    assert svg.count(f">{gera}<") > plain.count(f">{gera}<")
    bad = client.get("/export/map.svg?indicator=sgb2_quote&namen=vielleicht")
    assert bad.status_code == 400 and "namen" in bad.get_data(as_text=True)
    assert "namen=0" in README.read_text(encoding="utf-8")


def test_exported_map_fills_its_part_of_the_page(data):
    fig = export.map_figure(data, "sgb2_quote", data.latest_year("sgb2_quote"))
    geo = fig.layout.geo
    assert geo.fitbounds is False
    west, south, east, north = labels.bounds(data.geojson)
    assert list(geo.lonaxis.range) == [west, east] and list(geo.lataxis.range) == [south, north]
    assert geo.domain.x[1] - geo.domain.x[0] > 0.6  # the map's box: most of the page width
    # and on paper: the coloured Kreise span more than half the page width (was under half)
    from PIL import Image

    png = Image.open(io.BytesIO(export.render(fig, "png", export.page_for("a5"))))
    width, height = png.size
    x0, x1 = (round(v * width) for v in geo.domain.x)
    top, bottom = (round((1 - v) * height) for v in reversed(geo.domain.y))
    box = png.convert("RGB").crop((x0, top, x1, bottom))
    coloured = box.point(lambda v: 255 if v < 235 else 0).convert("L").getbbox()
    assert coloured and (coloured[2] - coloured[0]) / width > 0.55
