"""Wide city-statistics tables (one column per year or date, a total row, rows of no area):
read from real files made by tests/data/make_wide_tables.py and compared with the sources."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest

from atlas import importing
from atlas.errors import SourceError
from atlas.formats import detect_format, read_any
from atlas.readers import (
    FORMAT_WIDE_CSV,
    FORMAT_WIDE_XLSX,
    ROLE_AREA,
    ROLE_TOTAL,
    ROLE_UNASSIGNED,
    read_ba,
    read_genesis_flat,
    row_role,
    wide_year,
)
from atlas.schema import Col
from atlas.values import SPECIAL_SYMBOLS

WIDE = Path(__file__).resolve().parents[1] / "data" / "wide"
POPULATION = WIDE / "bevoelkerung_kreise_stichtage.csv"
UNEMPLOYED = WIDE / "arbeitslose_kreise.xlsx"
WOMEN_BY_NAME = WIDE / "arbeitslose_frauen_namen.csv"


@pytest.fixture(scope="module")
def genesis_population(sources):
    """The population of the Kreise as the GENESIS reader reads the two downloads."""
    old = read_genesis_flat(next((sources / "indicators/genesis_ffcsv_old").glob(
        "12411-01-01-4_de_flat*.csv")))
    new = read_genesis_flat(next((sources / "indicators/genesis_ffcsv").glob(
        "12411-01-01-4_*_de_flat.csv")))
    return old, new


@pytest.fixture(scope="module")
def ba(sources):
    frame = read_ba(next((sources / "indicators/ba").glob("*.csv")))
    return frame[frame[Col.AGS].str.startswith("16")]


def _by_key(frame, code):
    rows = frame[frame[Col.CODE] == code]
    return {(a, int(y)): (v, s) for a, y, v, s in
            zip(rows[Col.AGS], rows[Col.YEAR], rows[Col.VALUE], rows[Col.STATUS])}


def test_the_formats_are_detected_by_content():
    assert detect_format(POPULATION) == FORMAT_WIDE_CSV
    assert detect_format(WOMEN_BY_NAME) == FORMAT_WIDE_CSV
    assert detect_format(UNEMPLOYED) == FORMAT_WIDE_XLSX


def test_population_by_date_equals_the_genesis_values(genesis_population):
    """Every Kreis value of the wide table (dates as columns, decimal comma, thousands points,
    three blocks) is the value the GENESIS reader reads from the source."""
    summary = importing.inspect(POPULATION)
    assert [s.label for s in summary.series] == ["Bevölkerung insgesamt", "männlich", "weiblich"]
    old, new = genesis_population
    for info, suffix in zip(summary.series, ("", "/GESM", "/GESW")):
        assert info.years == (2022, 2024)
        wide = _by_key(summary.frame, info.code)
        for source, year in ((old, 2022), (new, 2024)):
            official = _by_key(source, f"12411-01-01-4/BEVSTD{suffix}")
            for (ags, y), (value, status) in official.items():
                if len(ags) != 5 or not ags.startswith("16") or y != year:
                    continue
                got, got_status = wide[ags, year]
                if math.isnan(value):
                    assert math.isnan(got) and got_status == status == SPECIAL_SYMBOLS["-"]
                else:
                    assert got == value, (ags, year)


def test_total_row_and_row_of_no_area_are_shown_but_not_imported(data, genesis_population):
    summary = importing.inspect(POPULATION)
    code = summary.series[0].code
    assert not summary.frame[Col.NAME].str.contains("insgesamt|zugeordnet").any()
    reference = summary.reference(code)
    assert list(reference[Col.YEAR]) == [2022, 2024]
    assert set(reference[Col.AGS]) == {"0"}  # the key as written, not read as an AGS ("DG")
    old, _ = genesis_population
    land_2022 = _by_key(old, "12411-01-01-4/BEVSTD")["16", 2022][0]
    assert reference[Col.VALUE].iloc[0] == land_2022
    kreise_2024 = summary.frame[(summary.frame[Col.CODE] == code)
                                & (summary.frame[Col.YEAR] == 2024)][Col.VALUE].sum()
    assert reference[Col.VALUE].iloc[1] == kreise_2024
    unassigned = summary.unassigned[summary.unassigned[Col.CODE] == code]
    assert set(unassigned[Col.AGS]) == {"999"}
    assert (unassigned[Col.STATUS] == SPECIAL_SYMBOLS["-"]).all()
    check = importing.check_regions(summary, code, data)
    lines = check.lines()
    assert check.kreise_matched == tuple(sorted(data.regions[Col.AGS]))
    assert check.historic == ("16056",)
    assert any(line.startswith("Gesamtzeile „Thüringen insgesamt“ (Schlüssel 0): 2 Werte – "
                               "nicht als Gebiet importiert") for line in lines)
    assert any(line.startswith("Ohne Gebiet „nicht zugeordnet“ (Schlüssel 999): 2 Werte")
               for line in lines)
    assert "0" not in set(check.values[Col.AGS]) and "999" not in set(check.values[Col.AGS])


def test_workbook_with_one_sheet_per_indicator_reads_exact_numbers(ba):
    summary = importing.inspect(UNEMPLOYED)
    labels = {s.label.split(" (")[0]: s for s in summary.series}
    assert set(labels) == {"Arbeitslose", "Arbeitslose Frauen"}
    for label, code in (("Arbeitslose", "total"), ("Arbeitslose Frauen", "women")):
        info = labels[label]
        assert info.years == (2019, 2020, 2021, 2022, 2023)  # "2023 " with a blank as well
        wide = _by_key(summary.frame, info.code)
        official = _by_key(ba, code)
        assert len(wide) == 22 * 5
        for (ags, year), (value, _) in wide.items():
            # numeric cells are taken as stored (openpyxl wrote 16 significant digits)
            assert value == float(f"{official[ags, year][0]:.16g}")
        total = summary.reference(info.code)
        assert total[Col.AGS].unique().tolist() == ["00"]


def test_keys_of_own_levels_are_kept_verbatim():
    """8-digit keys ``16051000`` become Kreis keys for the Kreis level (as today) and stay as
    written for an own level."""
    kreis = importing.inspect(UNEMPLOYED)
    own = importing.inspect(UNEMPLOYED, verbatim_keys=True)
    assert set(kreis.frame[Col.AGS].str.len()) == {5}
    assert set(own.frame[Col.AGS].str.len()) == {8}
    assert set(own.frame[Col.AGS]) == {k + "000" for k in kreis.frame[Col.AGS]}
    assert own.series[0].rows == kreis.series[0].rows


def test_names_only_decimal_point_and_varied_year_headers(ba):
    summary = importing.inspect(WOMEN_BY_NAME, verbatim_keys=True)
    info = summary.series[0]
    assert info.years == (2021, 2022, 2023)  # "2021", "2022 ", "Stand 2023"
    frame = summary.frame
    assert (frame[Col.AGS] == frame[Col.NAME]).all()  # no key column: the name is the key
    official = ba[ba[Col.CODE] == "women"]
    erfurt = official[(official[Col.AGS] == "16051") & (official[Col.YEAR] == 2022)]
    assert frame[(frame[Col.AGS] == "Erfurt") & (frame[Col.YEAR] == 2022)][Col.VALUE].iloc[0] \
        == erfurt[Col.VALUE].iloc[0]
    assert summary.reference(info.code)[Col.NAME].unique().tolist() == ["Summe"]


def test_chosen_key_and_name_columns(tmp_path):
    frame = read_any(POPULATION, verbatim_keys=True, key_column="kreis", name_column="Schlüssel")
    assert "Erfurt" in set(frame[Col.AGS]) and "16051" in set(frame[Col.NAME])
    with pytest.raises(SourceError, match="Schlüsselspalte „Nummer“ gibt es nicht.*„Kreis“"):
        read_any(POPULATION, key_column="Nummer")
    template = tmp_path / "vorlage.csv"
    template.write_text("ags;jahr;indikator;wert\n16051;2022;x;1\n", "utf-8")
    with pytest.raises(SourceError, match="Schlüsselspalte „kreis“ kann für das Format"):
        read_any(template, key_column="kreis")


def _edited(tmp_path: Path, old: str, new: str, name: str = "tabelle.csv") -> Path:
    text = POPULATION.read_text("utf-8-sig")
    assert old in text
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1), "utf-8")
    return path


def test_special_signs_are_missing_values_with_their_reason(tmp_path):
    path = tmp_path / "zeichen.csv"
    text = POPULATION.read_text("utf-8-sig")
    for sign, (city, value) in zip(("x", ".", "/", "…", "..."), (
            ("Erfurt", "214.969"), ("Gera", "93.634"), ("Jena", "111.191"), ("Suhl", "37.009"),
            ("Weimar", "65.620"))):
        text = text.replace(f"{city};{value}", f"{city};{sign}", 1)
    path.write_text(text, "utf-8")
    frame = read_any(path)
    rows = frame[(frame[Col.YEAR] == 2022) & (frame[Col.CODE] == "bevoelkerung-insgesamt")]
    status = dict(zip(rows[Col.AGS], rows[Col.STATUS]))
    assert status["16051"] == SPECIAL_SYMBOLS["x"] and status["16052"] == SPECIAL_SYMBOLS["."]
    assert status["16053"] == SPECIAL_SYMBOLS["/"] and status["16054"] == SPECIAL_SYMBOLS["…"]
    assert status["16055"] == SPECIAL_SYMBOLS["..."]
    assert rows.set_index(Col.AGS).loc[["16051", "16055"], Col.VALUE].isna().all()


def test_the_land_as_total_row_stays_the_land_for_the_kreis_level(tmp_path, data):
    """Key 16 "Thüringen insgesamt": the Land's value, as every reader keeps it."""
    path = _edited(tmp_path, "0;Thüringen insgesamt", "16;Thüringen insgesamt")
    summary = importing.inspect(path)
    code = summary.series[0].code
    check = importing.check_regions(summary, code, data)
    assert check.land_rows == 2 and summary.reference(code).empty


def test_a_repeated_header_and_a_bad_cell_are_handled(tmp_path):
    header = "Schlüssel;Kreis;31.12.2022;Stand 31.12.2024\n"
    path = _edited(tmp_path, "männlich\n", "männlich\n" + header)
    assert len(read_any(path)) == len(read_any(POPULATION))
    bad = _edited(tmp_path, "Gera;93.634", "Gera;93,634,1", "kaputt.csv")
    with pytest.raises(SourceError, match=r"93,634,1.*keine Zahl") as error:
        read_any(bad)
    assert "Zeile 6" in str(error.value) and "31.12.2022" in str(error.value)
    twice = _edited(tmp_path, "31.12.2022;Stand 31.12.2024", "31.12.2022;30.06.2022",
                    "doppelt.csv")
    with pytest.raises(SourceError, match="zwei Spalten für das Jahr 2022"):
        read_any(twice)


def test_tidy_template_keeps_own_keys_verbatim(tmp_path):
    path = tmp_path / "eigene.csv"
    path.write_text("ags;jahr;indikator;wert\n1;2022;kita;12\n1.2;2022;kita;3\nA3;2022;kita;4\n"
                    "0001;2022;kita;5\n", "utf-8")
    assert list(read_any(path, verbatim_keys=True)[Col.AGS]) == ["1", "1.2", "A3", "0001"]
    assert list(read_any(path)[Col.AGS])[0] == "01"  # AGS as today: the lost zero restored


@pytest.mark.parametrize("key,name,role", [
    ("0", "Stadt insgesamt", ROLE_TOTAL), ("", "Gesamt", ROLE_TOTAL), ("00", "Jena", ROLE_TOTAL),
    ("", "Summe", ROLE_TOTAL), ("X", "Stadt Erfurt insgesamt", ROLE_TOTAL),
    ("999", "Sonstige", ROLE_UNASSIGNED), ("99", "", ROLE_UNASSIGNED),
    ("", "außerhalb / nicht zugeordnet", ROLE_UNASSIGNED), ("", "ohne Zuordnung", ROLE_UNASSIGNED),
    ("", "Wohnort unbekannt", ROLE_UNASSIGNED), ("01", "Altstadt", ROLE_AREA),
    ("9", "Gesamtschulviertel", ROLE_AREA), ("1.2", "Summerda-Nord", ROLE_AREA),
])
def test_row_roles(key, name, role):
    assert row_role(key, name) == role


@pytest.mark.parametrize("cell,year", [
    ("2016", 2016), ("2016 ", 2016), ("31.12.2016", 2016), ("Stand 31.12.2016", 2016),
    ("Stichtag: 30.06.2016", 2016), ("2016-12-31", 2016), (2016, 2016),
    (dt.datetime(2016, 12, 31), 2016), ("Anzahl", None), ("1.234", None), (1234.5, None),
    ("Stand", None), (True, None),
])
def test_year_headers(cell, year):
    assert wide_year(cell) == year


def test_columns_after_the_years_are_named_and_not_read(tmp_path):
    """City tables often end with a change column; it is not a year and is left out."""
    text = POPULATION.read_text("utf-8-sig")
    lines = text.split("\n")
    lines = [line + (";Veränderung in %" if line.startswith("Schlüssel") else ";0,1"
                     if line[:1].isdigit() else "") for line in lines]
    path = tmp_path / "mit_veraenderung.csv"
    path.write_text("\n".join(lines), "utf-8")
    summary = importing.inspect(path)
    plain = importing.inspect(POPULATION)
    assert summary.frame[[Col.AGS, Col.YEAR, Col.VALUE]].equals(
        plain.frame[[Col.AGS, Col.YEAR, Col.VALUE]])
    assert summary.special_lines()[0] == ("Spalte(n) „Veränderung in %“ ohne Jahresangabe – "
                                          "nicht eingelesen")


def test_a_broken_template_is_still_named_as_such(tmp_path):
    """A file with two of the template's columns is not taken for a wide table."""
    path = tmp_path / "vorlage.csv"
    path.write_text("ags;2022;indikator;wert\n16051;x;kita;1\n", "utf-8")
    with pytest.raises(SourceError, match="Spalte\\(n\\) jahr fehlen"):
        read_any(path)
