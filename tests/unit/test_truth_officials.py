"""Official Land values (#16): where a source has the row of Thüringen (key 16), the built
reference is that value with basis "amtlich"; elsewhere it stays the median or the sum of the
Kreise. The expected numbers are read here from the real source files with a parse of their own
(not with the atlas's readers)."""

from __future__ import annotations

import csv
import io
import json
import math

import pytest

from atlas.build import INFO_OUT
from atlas.catalogue import parse_catalogue
from atlas.data import AtlasData
from atlas.errors import SourceError
from atlas.levels.registry import OFFICIAL_LABEL
from atlas.schema import EISENACH_AGS, LAND_AGS

#: The indicators this issue added (every one must have values, complete texts and a polarity).
NEW_INDICATORS = (
    "aufstocker", "arbeitslosenquote_frauen", "arbeitslosenquote_maenner",
    "arbeitslosenquote_juengere", "arbeitslosenquote_aeltere", "langzeitarbeitslose_anteil",
    "langzeitarbeitslose", "arbeitslose_15_25", "arbeitslose_55_65", "beschaeftigtenquote",
    "steuerpflichtige", "einkuenfte_gesamtbetrag", "lohn_einkommensteuer", "lebenserwartung",
    "vorzeitige_sterblichkeit", "abhaengigenquote_junge", "abhaengigenquote_alte",
    "auslaenderanteil", "arbeitslosenquote_auslaender", "arbeitslose_schwerbehinderte",
)

#: Columns of table 13211-02-05-4 (first and second header line) → the indicator reading it.
UNEMPLOYMENT_COLUMNS = {
    ("Arbeitslose", ""): "arbeitslose",
    ("Arbeitslose", "langzeitarbeitslos"): "langzeitarbeitslose",
    ("Arbeitslose", "15 bis unter 25 Jahre"): "arbeitslose_15_25",
    ("Arbeitslose", "55 bis unter 65 Jahre"): "arbeitslose_55_65",
    ("Arbeitslose", "schwerbehindert"): "arbeitslose_schwerbehinderte",
    ("Arbeitslosenquote bez. auf alle zivile Erwerbsp.", ""): "arbeitslosenquote",
    ("Arbeitslosenquote bez. auf alle zivile Erwerbsp.", "Frauen"): "arbeitslosenquote_frauen",
    ("Arbeitslosenquote bez. auf alle zivile Erwerbsp.", "Männer"): "arbeitslosenquote_maenner",
    ("Arbeitslosenquote bez. auf alle zivile Erwerbsp.", "ausländisch"):
        "arbeitslosenquote_auslaender",
    ("Arbeitslosenquote bez. auf alle zivile Erwerbsp.", "15 bis unter 25 Jahre"):
        "arbeitslosenquote_juengere",
}


def _number(text: str) -> float:
    """A German number of a source cell ("6,4", "1.234,5", "70417")."""
    return float(text.strip().replace(".", "").replace(",", "."))


def _table_rows(path) -> tuple[list[list[str]], list[list[str]]]:
    """Header lines (first cell empty) and data lines (a year, then a key) of a classic GENESIS
    table as written: cp1252, ``;``."""
    lines = list(csv.reader(io.StringIO(path.read_bytes().decode("cp1252")), delimiter=";"))
    heads = [cells for cells in lines if cells and cells[0] == "" and any(cells)]
    rows = [cells for cells in lines if len(cells) > 2 and cells[0].strip().isdigit()]
    return heads, rows


def _table_value(path, year: int, key: str, head: tuple[str, ...]) -> float | None:
    """The cell of the row ``year;key`` under the column whose header lines read ``head``;
    None for a key the table does not have."""
    heads, rows = _table_rows(path)
    column = next(i for i in range(len(heads[0]))
                  if tuple(h[i].strip() for h in heads[:len(head)]) == head)
    for cells in rows:
        if int(cells[0]) == year and cells[1].strip() == key:
            return _number(cells[column])
    return None


def _unemployment_file(sources, year: int):
    """The edition of table 13211-02-05-4 with the rows of ``year``."""
    for path in sorted((sources / "indicators/genesis_table").glob("13211-02-05-4*.csv")):
        if any(int(cells[0]) == year for cells in _table_rows(path)[1]):
            return path
    raise AssertionError(f"no 13211 table for {year}")


def _flat_land_rows(path) -> list[dict]:
    """Rows of a GENESIS flat CSV (either layout) whose region code is the Land's."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    keys = [k for k in rows[0] if k.endswith(("_variable_attribute_code", "_Auspraegung_Code"))]
    return [r for r in rows if any(r[k].strip() == LAND_AGS for k in keys)]


# --- the official reference where the source has the Land row ----------------------------------


@pytest.mark.parametrize("year", [2023, 2025])
@pytest.mark.parametrize("head,indicator", list(UNEMPLOYMENT_COLUMNS.items()))
def test_unemployment_references_are_the_official_land_row(data, sources, year, head, indicator):
    expected = _table_value(_unemployment_file(sources, year), year, LAND_AGS, head)
    assert expected is not None
    ref = data.reference(indicator, year)
    assert (ref.value, ref.label, ref.basis) == (pytest.approx(expected), OFFICIAL_LABEL,
                                                 "amtlich")


def test_arbeitslosenquote_2023_and_2025_as_the_issue_names_them(data):
    assert data.reference("arbeitslosenquote", 2023).value == pytest.approx(5.9)
    assert data.reference("arbeitslosenquote", 2025).value == pytest.approx(6.4)
    assert data.reference_name("arbeitslosenquote").startswith(OFFICIAL_LABEL)


def test_official_unemployed_count_wins_over_the_ba_file(data, sources):
    """2023 and 2025 come from table 13211 for every Kreis (Greiz 2025: the BA file's 470.5 was
    a fraction of the true count); the other years stay those of the BA file."""
    table = data.table("arbeitslose", 2025).set_index("ags")
    path = _unemployment_file(sources, 2025)
    for ags in table.index:
        assert table.loc[ags, "value"] == _table_value(path, 2025, ags, ("Arbeitslose", "")), ags
    assert table.loc["16076", "status"] == ""
    assert data.reference("arbeitslose", 2024).basis == "summe"  # no official row for 2024


def test_household_income_2021_is_the_official_yearly_amount_per_month(data, sources):
    path = sources / "indicators/genesis_table/82411-01-03-4.csv"
    head = ("verfüg. Einkommen der priv. Haushalte je Einwohner",)
    land = _table_value(path, 2021, LAND_AGS, head)
    ref = data.reference("haushaltseinkommen", 2021)
    assert (ref.value, ref.basis) == (pytest.approx(land / 12), "amtlich")
    erfurt = data.table("haushaltseinkommen", 2021).set_index("ags").loc["16051", "value"]
    assert erfurt == pytest.approx(_table_value(path, 2021, "16051", head) / 12)
    assert any(year == 2021 for year, _ in data.breaks("haushaltseinkommen"))
    # before 2021 the INKAR series, without a Land value: the median of the Kreise
    assert data.reference("haushaltseinkommen", 2019).basis == "median"


def test_population_2022_is_the_official_land_row(data, sources):
    path = next((sources / "indicators/genesis_ffcsv_old").glob("12411-01-01-4_de_*.csv"))
    land = [r for r in _flat_land_rows(path) if r["2_Auspraegung_Code"].strip() == ""]
    assert len(land) == 1
    ref = data.reference("bevoelkerung", 2022)
    assert (ref.value, ref.basis) == (_number(land[0]["BEVSTD__Bevoelkerungsstand__Anzahl"]),
                                      "amtlich")


def test_population_2024_has_no_land_row_and_stays_the_sum_of_the_kreise(data, sources):
    path = next((sources / "indicators/genesis_ffcsv").glob("12411-01-01-4_*_de_flat.csv"))
    assert _flat_land_rows(path) == []  # the 2024 download has Kreise only
    ref = data.reference("bevoelkerung", 2024)
    kreise = data.table("bevoelkerung", 2024)["value"]
    assert (ref.value, ref.basis) == (pytest.approx(kreise.sum()), "summe")
    assert ref.label == data.level_of("kreis").sum_label


@pytest.mark.parametrize("code,indicator", [("LSNW01", "steuerpflichtige"),
                                            ("EKF002", "einkuenfte_gesamtbetrag"),
                                            ("LSNW02", "lohn_einkommensteuer")])
def test_income_tax_statistics_official_2019_summed_2021(data, sources, code, indicator):
    old = next((sources / "indicators/genesis_ffcsv_old").glob("73111-01-01-4_de_*.csv"))
    (land,) = _flat_land_rows(old)
    column = next(k for k in land if k.startswith(f"{code}__"))
    ref = data.reference(indicator, 2019)
    assert (ref.value, ref.basis) == (_number(land[column]), "amtlich")

    # 2021: the download has no Land row: the sum of the Kreise ("-" for the former Eisenach)
    new = next((sources / "indicators/genesis_ffcsv").glob("73111-01-01-4_*_de_flat.csv"))
    with new.open(encoding="utf-8-sig", newline="") as handle:
        rows = [r for r in csv.DictReader(handle, delimiter=";")
                if r["value_variable_code"] == code
                and r["1_variable_attribute_code"].startswith(LAND_AGS)]
    assert not [r for r in rows if r["1_variable_attribute_code"] == LAND_AGS]
    ref = data.reference(indicator, 2021)
    assert (ref.basis, ref.label) == ("summe", data.level_of("kreis").sum_label)
    assert ref.value == pytest.approx(sum(_number(r["value"]) for r in rows if r["value"] != "-"))


def test_the_sum_of_a_count_includes_eisenach_where_a_source_counts_it_apart(data):
    """A source on the territory before 01.07.2021 has Eisenach beside a Wartburgkreis without
    it: the Land's total is the 22 Kreise and Eisenach (here: 2021 with an Eisenach value)."""
    values = data.values.copy()
    year, eisenach = 2021, 42000.0
    row = values[(values["indicator"] == "steuerpflichtige") & (values["year"] == year)
                 & (values["ags"] == EISENACH_AGS)]
    assert len(row) == 1
    values.loc[row.index, ["value", "status"]] = [eisenach, ""]
    changed = AtlasData.assemble(data.catalogue, data, values, data.levels)
    kreise = data.table("steuerpflichtige", year)["value"].sum()
    assert changed.reference("steuerpflichtige", year).value == pytest.approx(kreise + eisenach)
    assert data.reference("steuerpflichtige", year).value == pytest.approx(kreise)


# --- no official value: the median or the sum, named as such ----------------------------------


@pytest.mark.parametrize("indicator", ["lebenserwartung", "auslaenderanteil", "aufstocker",
                                       "arbeitslosenquote_aeltere"])
def test_without_a_land_row_the_reference_is_the_median_of_the_kreise(data, indicator):
    year = data.latest_year(indicator)
    ref = data.reference(indicator, year)
    assert ref.basis == "median" and ref.label == data.level_of("kreis").median_label
    assert ref.value == pytest.approx(data.table(indicator, year)["value"].median())


def test_the_land_row_is_no_area_of_the_map_table_or_ranking(data):
    for indicator in ("arbeitslosenquote", "arbeitslose", "haushaltseinkommen"):
        table = data.table(indicator, 2025 if indicator != "haushaltseinkommen" else 2021)
        assert LAND_AGS not in set(table["ags"]) and len(table) == 22
        assert sorted(table["rank"].dropna().astype(int))[-1] <= 22
    assert LAND_AGS not in set(data.level_regions("kreis")["ags"])


# --- the new indicators -------------------------------------------------------------------------


@pytest.mark.parametrize("indicator", NEW_INDICATORS)
def test_every_new_indicator_has_values_and_complete_texts(data, indicator):
    ind = data.indicator(indicator)
    year = data.latest_year(indicator)
    table = data.table(indicator, year)
    assert table["value"].notna().sum() == 22, indicator  # every current Kreis
    assert ind.unit and ind.unit_label and len(ind.definition) >= 200
    assert ind.polarity in ("risk", "protective", "neutral") and ind.life_phases
    if ind.kind == "count":
        assert ind.polarity == "neutral"  # a count ranks by size, not by risk
    assert data.catalogue.source_line(ind).startswith("Quelle: ")


def test_inkar_2020_values_are_those_of_the_web_export(data, sources):
    """One cell per new INKAR indicator, read from the export as written (``;``, every field
    quoted, decimal comma; row 2 the year)."""
    files = sorted((sources / "indicators/inkar_export_2020").glob("*.csv"))
    columns = {"Lebenserwartung": "lebenserwartung", "Ausländeranteil": "auslaenderanteil",
               "Vorzeitige Sterblichkeit": "vorzeitige_sterblichkeit",
               "Aufstocker": "aufstocker", "Beschäftigtenquote": "beschaeftigtenquote",
               "Langzeitarbeitslose": "langzeitarbeitslose_anteil",
               "Abhängigenquote Alte": "abhaengigenquote_alte",
               "Arbeitslosenquote Jüngere": "arbeitslosenquote_juengere"}
    found = set()
    for path in files:
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=";"))
        for col, name in enumerate(rows[0]):
            if name.strip() not in columns:
                continue
            indicator, year = columns[name.strip()], int(rows[1][col])
            jena = next(r for r in rows[2:] if r[0] == "16053")
            table = data.table(indicator, year).set_index("ags")
            assert table.loc["16053", "value"] == _number(jena[col]), indicator
            found.add(indicator)
    assert found == set(columns.values())


def test_one_indicator_per_concept_over_sources(data):
    """The unemployment rate of INKAR 2020 (2017) and of table 13211 (2023, 2025) is one
    indicator with a break where the source changes, not two."""
    assert data.years("arbeitslosenquote") == [2017, 2023, 2025]
    assert data.years("arbeitslosenquote_juengere") == [2017, 2023, 2025]
    breaks = data.breaks("arbeitslosenquote")  # a year may have several (source, territory)
    assert any(y == 2023 and "Regionalstatistik 13211" in label for y, label in breaks)
    assert any(y == 2021 and "Eisenach" in label for y, label in breaks)  # INKAR 2017 has it apart
    ids = [i.id for i in data.catalogue.indicators]
    assert len(ids) == len(set(ids))


def test_at_least_90_indicators_with_values_as_the_build_reports(data, built_dir):
    with_values = [i.id for i in data.catalogue.indicators
                   if not i.own and not i.composite and data.has_values(i.id)]
    info = json.loads((built_dir / INFO_OUT).read_text(encoding="utf-8"))
    assert len(with_values) >= 90
    assert info["indicators_with_values"] == len(with_values)


# --- the catalogue field that converts a series' unit -------------------------------------------


def _entry(**series) -> dict:
    return {"sources": {"s": {"title": "T", "publisher": "P", "attribution": "A", "licence": "L",
                              "licence_url": "u", "url": "u"}},
            "areas": [{"id": "a", "title": "A", "description": "D"}],
            "indicators": [{"id": "x", "title": "X", "short_title": "X", "unit": "Euro",
                            "unit_label": "Euro", "kind": "rate", "definition": "D" * 80,
                            "area": "a", "life_phases": ["senioren"], "polarity": "neutral",
                            "source": "s", "table": "T",
                            "series": [{"source": "genesis_table", "code": "c", **series}]}]}


def test_divide_by_is_read_and_must_be_a_positive_number(tmp_path):
    catalogue = parse_catalogue(_entry(divide_by=12), tmp_path / "k.toml")
    assert catalogue.indicator("x").series[0].divide_by == 12
    assert parse_catalogue(_entry(), tmp_path / "k.toml").indicator("x").series[0].divide_by == 1
    for bad in (0, -12, "zwölf", math.inf, True):
        with pytest.raises(SourceError, match="divide_by muss eine Zahl größer als 0 sein"):
            parse_catalogue(_entry(divide_by=bad), tmp_path / "k.toml")


def test_official_and_median_years_of_one_series_look_different(data):
    """Arbeitslosenquote: 2017 the median of the Kreise, 2023 and 2025 the official value –
    the time series draws them as two named lines a reader can tell apart."""
    from atlas import figures

    fig = figures.timeseries(data, "arbeitslosenquote", ["16052"])
    refs = {t.meta["reference"]: t for t in fig.data if t.meta and "reference" in t.meta}
    official, median = refs["amtlich"], refs["median"]
    assert list(official.x) == [2023, 2025] and list(median.x) == [2017]
    assert official.name == OFFICIAL_LABEL and median.name == data.level_of("kreis").median_label
    assert official.line.dash != median.line.dash
    assert official.marker.symbol != median.marker.symbol


def test_api_serves_the_official_reference(app_module, data):
    client = app_module.server.test_client()
    body = client.get("/api/values?indicator=arbeitslosenquote&year=2025").get_json()
    ref = data.reference("arbeitslosenquote", 2025)
    assert body["reference"] == {"label": OFFICIAL_LABEL, "basis": "amtlich",
                                 "value": round(ref.value, 1), "why": ""}
    assert LAND_AGS not in {v["ags"] for v in body["values"]} and len(body["values"]) == 22
    body = client.get("/api/values?indicator=lebenserwartung&year=2017").get_json()
    assert body["reference"]["basis"] == "median"


def test_build_summary_names_the_official_land_values(data, sources):
    """The build names every indicator and year with an official Land value – exactly the
    years whose reference the atlas shows as "Thüringen (amtlich)"."""
    from atlas.build import BuildReport, official_years

    official = official_years(data.values)
    shown = {ind.id: [y for y in data.years(ind.id) if data.reference(ind.id, y).basis == "amtlich"]
             for ind in data.catalogue.indicators}
    assert official == {ind: years for ind, years in shown.items() if years}
    assert official["arbeitslosenquote"] == [2023, 2025]
    summary = BuildReport(sources=sources, official=official).summary()
    assert f"Amtliche Landeswerte (Thüringen) für {len(official)} Indikatoren" in summary
    assert "arbeitslosenquote (2023, 2025)" in summary and "haushaltseinkommen (2021)" in summary
