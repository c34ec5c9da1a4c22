"""Traffic lights per indicator (issue #19, atlas.traffic): thresholds of the working group
in the catalogue, the light of a value as shown, in the Regionenprofil and its Word file."""

from __future__ import annotations

import dataclasses
import io

import pytest
from docx import Document

from atlas import analysis, traffic
from atlas.catalogue import Catalogue, parse_catalogue
from atlas.data.model import AtlasData
from atlas.errors import SourceError
from atlas.report import office
from atlas.traffic import GREEN, RED, YELLOW, Thresholds, parse_thresholds


def test_thresholds_in_both_directions():
    upper = parse_thresholds({"gruen_bis": 10, "gelb_bis": 15.5})
    assert upper == Thresholds(10.0, 15.5, True)
    assert traffic.light(upper, 10.04, 1, "%").colour == GREEN  # shown as 10,0 %
    assert traffic.light(upper, 10.05001, 1, "%").text == "gelb (über 10,0 % bis 15,5 %)"
    assert traffic.light(upper, 15.6, 1, "%").text == "rot (über 15,5 %)"
    lower = parse_thresholds({"gruen_ab": 60, "gelb_ab": 40})
    assert traffic.light(lower, 60, 0).colour == GREEN
    assert traffic.light(lower, 45, 0).text == "gelb (unter 60, ab 40)"
    assert traffic.light(lower, 39.4, 0).colour == RED
    assert traffic.light(lower, float("nan"), 0).colour == ""
    assert traffic.light(None, 5, 0).colour == ""
    assert traffic.thresholds_text(upper, 1, "%") == "grün bis 10,0 %, gelb bis 15,5 %, rot darüber"
    assert parse_thresholds(None) is None


@pytest.mark.parametrize("raw, message", [
    ({"gruen_bis": 15, "gelb_bis": 10}, "muss kleiner sein"),
    ({"gruen_ab": 10, "gelb_ab": 15}, "muss größer sein"),
    ({"gruen_bis": 10, "gelb_ab": 15}, "gemischte"),
    ({"gruen_bis": "zehn", "gelb_bis": 15}, "muss eine Zahl sein"),
    ({"gruen_bis": True, "gelb_bis": 15}, "muss eine Zahl sein"),
    ([10, 15], "Tabelle"),
])
def test_bad_thresholds_get_a_german_message_with_the_forms(raw, message):
    with pytest.raises(traffic.ThresholdError, match=message):
        parse_thresholds(raw)


def test_the_catalogue_names_the_indicator_with_bad_thresholds(tmp_path):
    import tomllib

    from atlas.paths import catalogue_path

    raw = tomllib.loads(catalogue_path().read_text(encoding="utf-8"))
    entry = next(e for e in raw["indicators"] if e["id"] == "kinderarmut")
    entry["ampel"] = {"gruen_bis": 10, "gelb_bis": 15}
    catalogue = parse_catalogue(raw, tmp_path / "catalogue.toml")
    assert catalogue.indicator("kinderarmut").thresholds == Thresholds(10.0, 15.0, True)
    entry["ampel"] = {"gruen_bis": 20, "gelb_bis": 15}
    with pytest.raises(SourceError, match="Indikator „kinderarmut“: Ampel"):
        parse_catalogue(raw, tmp_path / "catalogue.toml")


@pytest.fixture(scope="module")
def lit(data) -> AtlasData:
    """The built data with thresholds for Kinderarmut (the median of the Kreise as green's
    bound, so the Kreise fall into different lights)."""
    year = data.latest_year("kinderarmut")
    median = float(data.table("kinderarmut", year)["value"].median())
    thresholds = Thresholds(round(median, 1), round(median + 4, 1), True)
    indicators = tuple(dataclasses.replace(i, thresholds=thresholds) if i.id == "kinderarmut"
                       else i for i in data.catalogue.indicators)
    catalogue = Catalogue(data.catalogue.areas, indicators, data.catalogue.sources,
                          data.catalogue.formulas, data.catalogue.formula_problems)
    return AtlasData.assemble(catalogue, data, data.values, data.levels)


def _expected(lit, ags: str) -> str:
    ind = lit.indicator("kinderarmut")
    value = lit.table("kinderarmut", lit.latest_year("kinderarmut")).set_index("ags").at[
        ags, "value"]
    shown = round(float(value), 1)
    if shown <= ind.thresholds.green:
        return GREEN
    return YELLOW if shown <= ind.thresholds.yellow else RED


def test_the_profile_has_the_light_of_each_kreis(lit):
    lights = set()
    for ags in lit.level_of("kreis").keys:
        frame = analysis.profile(lit, ags)
        row = frame[frame["indicator"] == "kinderarmut"].iloc[0]
        assert row["light"] == _expected(lit, ags)
        lights.add(row["light"])
        assert row["thresholds_text"].startswith("grün bis ")
        others = frame[frame["indicator"] != "kinderarmut"]
        assert (others["light"] == "").all()  # no thresholds: no light
    assert lights == {GREEN, YELLOW, RED}


def test_the_profile_view_and_the_word_profile_show_light_and_thresholds(lit):
    from layouts import analysis as views
    from tests.unit.test_report_describe import _texts

    frame = analysis.profile(lit, "16052")
    row = frame[frame["indicator"] == "kinderarmut"].iloc[0]
    shown = _texts(views.profile_view("Gera", "kreisfreie Stadt", frame, "alle"))
    assert "Ampel" in shown and row["light_text"] in shown
    assert any(t.startswith("Ampel-Schwellen der Arbeitsgruppe: Kinderarmut (SGB II): grün bis")
               for t in shown)
    doc = Document(io.BytesIO(office.profile_docx(lit, "16052")))
    header = [c.text for c in doc.tables[0].rows[0].cells]
    assert header[-1] == "Ampel"
    cells = [[c.text for c in r.cells] for t in doc.tables for r in t.rows[1:]]
    mine = next(c for c in cells if c[0].startswith("Kinderarmut (SGB II)"))
    assert mine[-1] == row["light_text"] and mine[-1].startswith(_expected(lit, "16052"))
    assert any(p.text.startswith("Ampel-Schwellen der Arbeitsgruppe: Kinderarmut (SGB II)")
               for p in doc.paragraphs)


def test_without_thresholds_there_is_no_ampel_column(data):
    from layouts import analysis as views
    from tests.unit.test_report_describe import _texts

    frame = analysis.profile(data, "16052")
    assert "Ampel" not in _texts(views.profile_view("Gera", "kreisfreie Stadt", frame, "alle"))
    doc = Document(io.BytesIO(office.profile_docx(data, "16052")))
    assert [c.text for c in doc.tables[0].rows[0].cells][-1] == "Trend"
