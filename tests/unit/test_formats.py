"""read_any: every real file imports by content; bad files get a German message naming file, row
and problem; the templates re-import."""

import csv
import io
import math

import pytest
from openpyxl import Workbook

from atlas import readers
from atlas.errors import SourceError
from atlas.formats import detect_format, read_any
from atlas.schema import VALUE_COLUMNS, Col
from atlas.values import SPECIAL_SYMBOLS

REAL_FOLDERS = ["inkar_export_2020", "genesis_ffcsv", "genesis_ffcsv_old", "genesis_table", "tidy"]
NOT_DATA = {"th_kreise_indicator_panel_coverage.csv"}  # per-indicator summary, no region key


def _value(frame, ags, year, code):
    rows = frame[(frame[Col.AGS] == ags) & (frame[Col.YEAR] == year) & (frame[Col.CODE] == code)]
    assert len(rows) == 1, rows
    return rows.iloc[0]


def _error(path, **kwargs) -> str:
    with pytest.raises(SourceError) as info:
        read_any(path, **kwargs)
    message = str(info.value)
    assert path.name in message
    return message


# --- real files -----------------------------------------------------------------------------------


@pytest.mark.parametrize("folder", REAL_FOLDERS)
def test_every_real_file_imports_with_values_labels_and_units(sources, folder):
    paths = sorted((sources / "indicators" / folder).glob("*.csv"))
    assert paths
    for path in paths:
        if path.name in NOT_DATA:
            continue
        frame = read_any(path)
        assert list(frame.columns) == [Col.ROW, *VALUE_COLUMNS], path.name
        assert frame[Col.VALUE].notna().sum() > 0, path.name
        assert set(frame.attrs["labels"]) == set(frame[Col.CODE]), path.name
        assert set(frame.attrs["units"]) == set(frame[Col.CODE]), path.name
        assert all(frame.attrs["labels"].values()), path.name
        assert frame.attrs["format"] == detect_format(path), path.name
        assert not frame.duplicated([Col.AGS, Col.YEAR, Col.CODE]).any(), path.name


def test_the_coverage_table_is_refused_with_a_clear_message(sources):
    message = _error(sources / "indicators/tidy/th_kreise_indicator_panel_coverage.csv")
    assert "Dateiformat nicht erkannt" in message and "ags, jahr, indikator, wert" in message


@pytest.mark.parametrize("relative, fmt", [
    ("inkar_export_2020/INKAR4_educ.csv", "INKAR-Webexport"),
    ("genesis_ffcsv/52111-0001_1773175341165_de_flat.csv", "GENESIS-Flat-CSV (aktuell)"),
    ("genesis_ffcsv_old/12411-01-01-4_en_flat_oldformat_2022data.csv", "GENESIS-Flat-CSV (alt)"),
    ("genesis_table/82411-01-03-4.csv", "GENESIS-Tabelle"),
    ("tidy/th_kreise_indicator_panel_long.csv", "Eigene Vorlage (CSV)"),
    ("gisd/GISD_Thueringen_Kreis.csv", "GISD (RKI)"),
    ("inkar2021/inkar2021_th_kreise_long.csv", "INKAR-Langformat"),
])
def test_format_is_detected_by_content_not_by_name(sources, tmp_path, relative, fmt):
    renamed = tmp_path / "upload.txt"
    renamed.write_bytes((sources / "indicators" / relative).read_bytes())
    assert detect_format(renamed) == fmt
    assert read_any(renamed).attrs["format"] == fmt


def test_hand_checked_values_through_read_any(sources):
    ind = sources / "indicators"
    flat = read_any(next((ind / "genesis_ffcsv").glob("12411-01-01-4_*_de_flat.csv")))
    assert _value(flat, "16051", 2024, "12411-01-01-4/BEVSTD")[Col.VALUE] == 218793
    old_en = read_any(ind / "genesis_ffcsv_old/12411-01-01-4_en_flat_oldformat_2022data.csv")
    assert _value(old_en, "16051", 2022, "12411-01-01-4/BEVSTD")[Col.VALUE] == 214969
    old_de = read_any(ind / "genesis_ffcsv_old/12411-01-01-4_de_flat_oldformat_2022data.csv")
    assert _value(old_de, "16051", 2022, "12411-01-01-4/BEVSTD/GESM")[Col.VALUE] == 104205
    age = read_any(ind / "genesis_table/12111-04-01-4.csv")
    code = "12111-04-01-4/bevoelkerung-insgesamt/3-bis-unter-4-jahre"
    assert _value(age, "16051", 2011, code)[Col.VALUE] == 1866
    jobless = read_any(ind / "genesis_table/13211-02-05-4_2025.csv")
    rate = "13211-02-05-4/arbeitslosenquote-bez-auf-alle-zivile-erwerbsp"
    assert _value(jobless, "16077", 2025, rate)[Col.VALUE] == 9.3  # Altenburger Land, line 547
    income = read_any(ind / "genesis_table/82411-01-03-4.csv")
    per_head = "82411-01-03-4/verfueg-einkommen-der-priv-haushalte-je-einwohner"
    assert _value(income, "16051", 2021, per_head)[Col.VALUE] == 21236
    health = read_any(ind / "inkar_export_2020/INKAR3_healthcare.csv")
    assert _value(health, "16051", 2016, "Krankenhausbetten")[Col.VALUE] == 7.92
    census = read_any(next((ind / "genesis_ffcsv").glob("1000A-0000_*.csv")))
    assert _value(census, "16066092", 2022, "1000A-0000/PRS018")[Col.VALUE] == 12323
    household = read_any(next((ind / "genesis_ffcsv").glob("12211-Z-11_*.csv")))
    flagged = _value(household, "05120", 2019, "12211-Z-11/LBFMZ01/FAMILIEN")
    assert flagged[Col.VALUE] == 14 and flagged[Col.STATUS] == "Aussagewert eingeschränkt"


@pytest.mark.parametrize("pattern", ["genesis_ffcsv/*.csv", "genesis_ffcsv_old/*.csv"])
def test_no_special_symbol_ever_becomes_zero_in_flat_files(sources, pattern):
    """Every cell holding a special symbol (looked up in the raw file) is NaN with its reason."""
    checked = 0
    for path in sorted((sources / "indicators").glob(pattern)):
        frame = read_any(path)
        missing = frame[Col.VALUE].isna().groupby(frame[Col.ROW]).sum().to_dict()
        reasons_by_line = frame.groupby(Col.ROW)[Col.STATUS].agg(set).to_dict()
        raw = list(csv.reader(io.StringIO(path.read_text("utf-8-sig")), delimiter=";"))
        header = raw[0]
        value_cols = ([header.index("value")] if "value" in header else
                      [i for i, h in enumerate(header) if "__" in h])
        for line, cells in enumerate(raw[1:], start=2):
            symbols = [cells[col].strip() for col in value_cols
                       if cells[col].strip() in SPECIAL_SYMBOLS]
            if symbols:
                assert missing[line] == len(symbols), (path.name, line)
                reasons = {SPECIAL_SYMBOLS[s] for s in symbols}
                assert reasons <= reasons_by_line[line], (path.name, line)
                checked += len(symbols)
    assert checked > 200  # the files do hold "-", ".", "x"


def test_no_special_symbol_becomes_zero_in_genesis_tables(sources):
    path = sources / "indicators/genesis_table/12111-04-01-4.csv"
    dashes = sum(line.split(";")[3:].count("-")
                 for line in path.read_text("latin-1").splitlines() if line[:2].isalnum())
    frame = read_any(path)
    missing = frame[frame[Col.VALUE].isna()]
    assert dashes > 20000 and len(missing) == dashes
    assert set(missing[Col.STATUS]) == {"nichts vorhanden"}


# --- bad inputs -----------------------------------------------------------------------------------


def test_missing_file(tmp_path):
    assert "nicht gefunden" in _error(tmp_path / "fehlt.csv")


@pytest.mark.parametrize("content", [b"", b"   \n\r\n\t", b"\xef\xbb\xbf\n"])
def test_empty_file(tmp_path, content):
    path = tmp_path / "leer.csv"
    path.write_bytes(content)
    assert "Datei ist leer" in _error(path)


@pytest.mark.parametrize("magic, kind", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "PNG-Bild"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG-Bild"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF-Dokument"),
])
def test_image_or_pdf_renamed_to_csv(tmp_path, magic, kind):
    path = tmp_path / "karte.csv"
    path.write_bytes(magic + bytes(range(256)))
    message = _error(path)
    assert "keine Textdatei" in message and "umbenannt" in message and kind in message


def test_utf16_file_asks_for_utf8(tmp_path):
    text = "ags;jahr;indikator;wert\n16051;2023;kita;1,5\n"
    for name, data in (("mit_bom.csv", text.encode("utf-16")),
                       ("ohne_bom.csv", text.encode("utf-16-le"))):
        path = tmp_path / name
        path.write_bytes(data)
        message = _error(path)
        assert "UTF-16" in message and "UTF-8" in message


def test_undecodable_byte_is_located(tmp_path):
    path = tmp_path / "kodierung.csv"
    path.write_bytes(b"ags;jahr;indikator;wert\n16051;2023;kita\x81;1,5\n")
    message = _error(path)
    assert "Zeile 2" in message and "0x81" in message and "Position 39" in message


def test_windows_1252_file_is_read(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes("ags;jahr;indikator;wert;quelle\n16051;2023;kita;1,5;Jugendamt Gößnitz\n"
                     .encode("cp1252"))
    frame = read_any(path)
    assert frame.attrs["sources"] == {"kita": "Jugendamt Gößnitz"}


@pytest.mark.parametrize("sep, name", [("\t", "Tabulator"), ("|", "senkrechter Strich (|)")])
def test_wrong_delimiter_is_named(tmp_path, sep, name):
    path = tmp_path / "tabs.csv"
    path.write_text(sep.join(["ags", "jahr", "indikator", "wert"]) + "\n"
                    + sep.join(["16051", "2023", "kita", "1,5"]) + "\n", encoding="utf-8")
    message = _error(path)
    assert f"Trennzeichen {name} gefunden" in message and "Semikolon (;)" in message
    assert "Zeile 1" in message


def test_genesis_flat_saved_with_commas_names_the_delimiter(sources, tmp_path):
    original = next((sources / "indicators/genesis_ffcsv").glob("52111-0001_*.csv"))
    path = tmp_path / "umgespeichert.csv"
    path.write_bytes(original.read_bytes().replace(b";", b","))
    message = _error(path)
    assert "Trennzeichen Komma (,) gefunden – erwartet wird das Semikolon (;)" in message


def test_missing_ags_column_is_named(tmp_path):
    path = tmp_path / "ohne_ags.csv"
    path.write_text("kreis;jahr;indikator;wert\n16051;2023;kita;1,5\n", encoding="utf-8")
    message = _error(path)
    assert "Spalte(n) ags fehlen" in message and "Zeile 1" in message


def test_duplicate_row_names_both_lines(tmp_path):
    path = tmp_path / "doppelt.csv"
    path.write_text("ags;jahr;indikator;wert\n16051;2023;kita;1,5\n16052;2023;kita;2\n"
                    "16051;2023;kita;1,5\n", encoding="utf-8")
    message = _error(path)
    assert "doppelte Zeile" in message and "Zeile 2 und Zeile 4" in message
    assert "16051, 2023, „kita“" in message


def test_conflicting_values_name_both_lines_and_values(tmp_path):
    path = tmp_path / "widerspruch.csv"
    path.write_text("ags;jahr;indikator;wert\n16051;2023;kita;1,5\n16052;2023;kita;2\n"
                    "16051;2023;kita;.\n", encoding="utf-8")
    message = _error(path)
    assert "widersprüchliche Werte für 16051, 2023, „kita“" in message
    assert "Zeile 2 hat 1,5" in message and "Zeile 4 hat „unbekannt oder geheim“" in message


def test_text_in_the_value_column_names_row_column_and_text(tmp_path):
    path = tmp_path / "text.csv"
    path.write_text("ags;jahr;indikator;wert\n16051;2023;kita;1,5\n16052;2023;kita;k.A.\n",
                    encoding="utf-8")
    message = _error(path)
    assert "Zeile 3" in message and "Spalte „wert“" in message and "„k.A.“" in message


def test_size_limit_names_the_limit(tmp_path, monkeypatch):
    path = tmp_path / "gross.csv"
    rows = "".join(f"16051;{year};kita;1,5\n" for year in range(1930, 2020))
    path.write_text("ags;jahr;indikator;wert\n" + rows, encoding="utf-8")
    assert "höchstens 1000 Bytes" in _error(path, max_bytes=1000)
    monkeypatch.setenv("ATLAS_MAX_UPLOAD_MB", "0.001")
    message = _error(path)
    assert "zu groß" in message and "höchstens 1 KB" in message
    monkeypatch.delenv("ATLAS_MAX_UPLOAD_MB")
    assert len(read_any(path)) == 90  # under the default 20 MB


def test_unknown_format_lists_the_supported_ones(tmp_path):
    path = tmp_path / "sonstwas.csv"
    path.write_text("Gemeinde;Einwohner\nErfurt;213000\n", encoding="utf-8")
    message = _error(path)
    assert "Dateiformat nicht erkannt" in message
    for name in ("GENESIS-Flat-CSV", "GENESIS-Tabelle", "INKAR-Webexport", "Vorlage"):
        assert name in message


def test_zip_that_is_not_a_workbook(tmp_path):
    import zipfile

    path = tmp_path / "archiv.csv"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("daten.csv", "ags;jahr;indikator;wert\n")
    assert "keine Excel-Arbeitsmappe" in _error(path)


# --- Excel ------------------------------------------------------------------------------------------


def _workbook(rows, sheets=("Daten",)):
    book = Workbook()
    book.active.title = sheets[0]
    for name in sheets[1:]:
        book.create_sheet(name)
    for row in rows:
        book[sheets[0]].append(row)
    return book


def test_xlsx_with_a_formula_names_the_cell(tmp_path):
    book = _workbook([["ags", "jahr", "indikator", "wert"], ["16051", 2023, "kita", 1.5],
                      ["16052", 2023, "kita", 2], ["16053", 2023, "kita", 3],
                      ["16054", 2023, "kita", "=D2*2"]])
    path = tmp_path / "formel.xlsx"
    book.save(path)
    message = _error(path)
    assert "Zelle D5 enthält eine Formel" in message and "Zeile 5" in message
    assert "Werte" in message  # paste values


def test_xlsx_with_two_data_sheets_names_them(tmp_path):
    book = _workbook([["ags", "jahr", "indikator", "wert"], ["16051", 2023, "kita", 1.5]],
                     sheets=("Daten", "Daten 2022", "Anleitung", "Leer"))
    book["Daten 2022"].append(["ags", "jahr", "indikator", "wert"])
    book["Anleitung"].append(["Bitte ausfüllen"])
    path = tmp_path / "zwei.xlsx"
    book.save(path)
    message = _error(path)
    assert "mehrere Tabellenblätter" in message and "„Daten“" in message
    assert "„Daten 2022“" in message and "Anleitung" not in message.split("–")[0]
    assert "nur ein Tabellenblatt" in message


def test_xlsx_formula_like_text_is_kept_verbatim_and_numbers_are_exact(tmp_path):
    book = _workbook([["AGS", "Jahr", "Indikator", "Wert", "Einheit", "Quelle"],
                      [16051, 2023, "kita", 1 / 3, "%", "x"],
                      ["01001", "2023", "kita", "1.234,5", "%", "y"]])
    sheet = book["Daten"]
    for ref, text in (("C2", '=HYPERLINK("http://example.org")'), ("F2", "=1+1"),
                      ("E3", "@SUMME(A1)")):
        sheet[ref] = text
        sheet[ref].data_type = "s"  # typed as text, not a formula
    path = tmp_path / "text.xlsx"
    book.save(path)
    frame = read_any(path)
    assert frame.attrs["format"] == "Eigene Vorlage (Excel)"
    code = '=HYPERLINK("http://example.org")'
    assert list(frame[Col.CODE]) == [code, "kita"]
    assert frame.attrs["sources"][code] == "=1+1"
    assert frame.attrs["units"]["kita"] == "@SUMME(A1)"
    assert frame[Col.VALUE].iloc[0] == 1 / 3  # the stored number, not a rounded display
    assert frame[Col.VALUE].iloc[1] == 1234.5  # text read like a CSV cell
    assert list(frame[Col.AGS]) == ["16051", "01001"]
    assert list(frame[Col.ROW]) == [2, 3]


def test_xlsx_special_symbols_and_bad_text(tmp_path):
    book = _workbook([["ags", "jahr", "indikator", "wert"], ["16051", 2023, "kita", "."],
                      ["16052", 2023, "kita", "viel"]])
    path = tmp_path / "symbole.xlsx"
    book.save(path)
    message = _error(path)
    assert "Zeile 3" in message and "„viel“" in message
    book["Daten"].delete_rows(3)
    book.save(path)
    row = read_any(path).iloc[0]
    assert math.isnan(row[Col.VALUE]) and row[Col.STATUS] == "unbekannt oder geheim"


# --- templates --------------------------------------------------------------------------------------


def test_csv_template_reimports_with_its_example_row(tmp_path):
    data = readers.template_csv()
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.startswith("#") and "16051;2023;kita_plaetze;1234,5;Anzahl;Jugendamt Erfurt" in text
    path = tmp_path / "vorlage.csv"
    path.write_bytes(data)
    frame = read_any(path)
    assert frame.attrs["format"] == "Eigene Vorlage (CSV)"
    row = frame.iloc[0]
    assert len(frame) == 1 and (row[Col.AGS], row[Col.YEAR], row[Col.CODE]) == (
        "16051", 2023, "kita_plaetze")
    assert row[Col.VALUE] == 1234.5
    assert frame.attrs["units"] == {"kita_plaetze": "Anzahl"}
    assert text.splitlines()[row[Col.ROW] - 1].startswith("16051;")


def test_xlsx_template_reimports_and_has_german_instructions(tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "vorlage.xlsx"
    path.write_bytes(readers.template_xlsx())
    book = load_workbook(path)
    assert book.sheetnames == ["Daten", "Anleitung"]
    notes = " ".join(str(c.value) for c in book["Anleitung"]["A"] if c.value)
    for part in ("ags", "5 Ziffern", "8 Ziffern", "Dezimalkomma", "geheim", "indikator"):
        assert part in notes
    frame = read_any(path)
    row = frame.iloc[0]
    assert len(frame) == 1 and row[Col.AGS] == "16051" and row[Col.VALUE] == 1234.5
    assert row[Col.ROW] == 2 and frame.attrs["sources"] == {"kita_plaetze": "Jugendamt Erfurt"}
