"""Each reader on the real files: Thuringian Kreise matched, values equal to the file."""

import math

import pytest

from atlas import readers
from atlas.errors import SourceError
from atlas.schema import Col

KREISE_2023 = {f"160{n}" for n in (51, 52, 53, 54, 55)} | {f"160{n}" for n in range(61, 78)}


def _value(frame, ags, year, code):
    rows = frame[(frame[Col.AGS] == ags) & (frame[Col.YEAR] == year) & (frame[Col.CODE] == code)]
    assert len(rows) == 1, rows
    return rows.iloc[0]


def test_inkar2024_long(sources):
    frame = readers.read_inkar_long(sources / "indicators/inkar2024/inkar2024_th_kreise_long.csv")
    assert set(frame[Col.AGS]) == KREISE_2023
    assert _value(frame, "16052", 2021, "q_SGBII")[Col.VALUE] == 12.65
    assert _value(frame, "16077", 2022, "q_newfBGu15_bev")[Col.VALUE] == 13.28
    assert frame[Col.VALUE].notna().all()


def test_inkar2021_keeps_eisenach_as_its_own_key(sources):
    frame = readers.read_inkar_long(sources / "indicators/inkar2021/inkar2021_th_kreise_long.csv")
    assert set(frame[Col.AGS]) == KREISE_2023 | {"16056"}
    assert _value(frame, "16056", 1995, "192")[Col.VALUE] == 46.63
    # "2010 bis 2019" and "2016/2017/2018" periods are dated to their last year
    assert frame[Col.YEAR].between(1995, 2020).all()


def test_tidy_panel(sources):
    frame = readers.read_tidy(sources / "indicators/tidy/th_kreise_indicator_panel_long.csv")
    assert _value(frame, "16053", 2021, "bevoelkerung")[Col.VALUE] == 110502.0
    assert _value(frame, "16053", 2022, "bevoelkerung_31_12")[Col.VALUE] == 111191.0


def test_gisd(sources):
    frame = readers.read_gisd(sources / "indicators/gisd/GISD_Thueringen_Kreis.csv")
    assert set(frame[Col.AGS]) == KREISE_2023
    assert _value(frame, "16051", 1998, "gisd_score")[Col.VALUE] == 0.66752


def test_ba_values_to_the_last_digit(sources):
    path = next((sources / "indicators/ba").glob("*.csv"))
    frame = readers.read_ba(path)
    assert _value(frame, "16051", 2012, "total")[Col.VALUE] == 10117.1666666667
    assert _value(frame, "16063", 2021, "women")[Col.VALUE] == 1949.9999999996999
    th = frame[frame[Col.AGS].str.startswith("16")]
    assert set(th[Col.AGS]) == KREISE_2023


def test_genesis_flat_current_layout_totals_and_breakdowns(sources):
    path = next((sources / "indicators/genesis_ffcsv").glob("12411-01-01-4_*_de_flat.csv"))
    frame = readers.read_genesis_flat(path)
    th = frame[frame[Col.AGS].str.startswith("16")]
    assert set(th[Col.AGS]) == KREISE_2023 | {"16056"}
    assert _value(frame, "16075", 2024, "12411-01-01-4/BEVSTD")[Col.VALUE] == 77341
    eisenach = _value(frame, "16056", 2024, "12411-01-01-4/BEVSTD")
    assert math.isnan(eisenach[Col.VALUE]) and eisenach[Col.STATUS] == "nichts vorhanden"
    # lines 160 and 550 of the file: Erfurt total and women, 31.12.2024
    erfurt = _value(frame, "16051", 2024, "12411-01-01-4/BEVSTD")
    assert erfurt[Col.VALUE] == 218793 and erfurt[Col.ROW] == 160
    assert _value(frame, "16051", 2024, "12411-01-01-4/BEVSTD/GESW")[Col.VALUE] == 111957
    assert frame.attrs["format"] == "GENESIS-Flat-CSV (aktuell)"
    assert frame.attrs["labels"]["12411-01-01-4/BEVSTD"] == "Bevölkerungsstand"
    assert frame.attrs["labels"]["12411-01-01-4/BEVSTD/GESW"] == "Bevölkerungsstand – weiblich"
    assert frame.attrs["units"]["12411-01-01-4/BEVSTD"] == "Anzahl"


@pytest.mark.parametrize("lang", ["de", "en"])
def test_genesis_flat_old_layout(sources, lang):
    path = sources / f"indicators/genesis_ffcsv_old/12411-01-01-4_{lang}_flat_oldformat_2022data.csv"
    frame = readers.read_genesis_flat(path)
    assert _value(frame, "16", 2022, "12411-01-01-4/BEVSTD")[Col.VALUE] == 2126846
    assert _value(frame, "16063", 2022, "12411-01-01-4/BEVSTD")[Col.VALUE] == 159539
    assert _value(frame, "16063", 2022, "12411-01-01-4/BEVSTD")[Col.NAME] == "Wartburgkreis"
    # line 1549: Erfurt, women, region label with leading spaces in the file
    erfurt_women = _value(frame, "16051", 2022, "12411-01-01-4/BEVSTD/GESW")
    assert erfurt_women[Col.VALUE] == 110764 and erfurt_women[Col.ROW] == 1549
    assert not erfurt_women[Col.NAME].startswith(" ")
    assert frame.attrs["format"] == "GENESIS-Flat-CSV (alt)"
    assert frame.attrs["labels"]["12411-01-01-4/BEVSTD"] == "Bevoelkerungsstand"
    assert frame.attrs["units"]["12411-01-01-4/BEVSTD"] == "Anzahl"


def test_genesis_flat_old_layout_wide_value_columns(sources):
    frame = readers.read_genesis_flat(
        sources / "indicators/genesis_ffcsv_old/73111-01-01-4_de_flat_oldformat_2019data.csv"
    )
    # line 517: 16051;      Erfurt, kreisfreie Stadt;113200;4104881;663602
    assert _value(frame, "16051", 2019, "73111-01-01-4/LSNW01")[Col.VALUE] == 113200
    assert _value(frame, "16051", 2019, "73111-01-01-4/EKF002")[Col.VALUE] == 4104881
    assert frame.attrs["labels"]["73111-01-01-4/LSNW01"] == "Lohn- und Einkommensteuerpflichtige"
    assert frame.attrs["units"]["73111-01-01-4/EKF002"] == "Tsd. EUR"


def test_genesis_flat_breakdowns_make_files_import_completely(sources):
    folder = sources / "indicators/genesis_ffcsv"
    lebensformen = readers.read_genesis_flat(next(folder.glob("12211-Z-11_*.csv")))
    # line 1703: Erfurt, Lebensformen insgesamt (attribute code LB-INS, label "Insgesamt")
    total = _value(lebensformen, "16051", 2019, "12211-Z-11/LBFMZ01")
    assert total[Col.VALUE] == 123 and total[Col.STATUS] == ""  # value_q "e" = endgültig
    # line 175: Remscheid, Familien mit Kind(ern), value_q "()"
    limited = _value(lebensformen, "05120", 2019, "12211-Z-11/LBFMZ01/FAMILIEN")
    assert limited[Col.VALUE] == 14 and limited[Col.STATUS] == "Aussagewert eingeschränkt"
    labels = lebensformen.attrs["labels"]
    assert labels["12211-Z-11/LBFMZ01/PAAROK"] == "Lebensformen – Paargemeinschaften ohne Kinder"
    assert lebensformen.attrs["units"]["12211-Z-11/LBFMZ01"] == "Tausend"  # value_unit "1000"
    assert len(lebensformen) == 1956  # every data line of the file

    urs = readers.read_genesis_flat(next(folder.glob("52111-0001_*.csv")))
    assert len(urs) == 68 and urs[Col.CODE].nunique() == 68
    # line 2: Deutschland, 10 bis unter 50 Beschäftigte, WZ08-M
    cell = _value(urs, "DG", 2023, "52111-0001/UNT002/BESAB0010B0050+WZ08-M")
    assert cell[Col.VALUE] == 28469
    assert urs.attrs["labels"]["52111-0001/UNT002/BESAB0010B0050+WZ08-M"] == (
        "Unternehmen (EU) – 10 bis unter 50 abhängig Beschäftigte – Freiberufliche, wiss. u. "
        "techn. Dienstleistungen")

    employees = readers.read_genesis_flat(next(folder.glob("13111-01-03-4_*.csv")))
    # Thüringen, ausländisch, weiblich: 28066; total with "Insgesamt" attributes: 783130
    assert _value(employees, "16", 2025, "13111-01-03-4/ERW032/NATA+GESW")[Col.VALUE] == 28066
    assert _value(employees, "16", 2025, "13111-01-03-4/ERW032")[Col.VALUE] == 783130


def test_genesis_flat_gemeinde_ars_becomes_ags(sources):
    frame = readers.read_genesis_flat(
        next((sources / "indicators/genesis_ffcsv").glob("1000A-0000_*.csv")))
    # 160660092092 Zella-Mehlis → 16066092; 092760130130 Lindberg → 09276130
    assert _value(frame, "16066092", 2022, "1000A-0000/PRS018")[Col.VALUE] == 12323
    assert _value(frame, "09276130", 2022, "1000A-0000/PRS018")[Col.VALUE] == 2294
    # a kreisfreie Stadt's ARS ending in 0000000 is the Kreis key
    assert _value(frame, "16052", 2022, "1000A-0000/PRS018")[Col.VALUE] == 93120
    assert frame[Col.AGS].str.len().isin([2, 5, 8]).all()


@pytest.mark.parametrize("raw, key", [("092760130130", "09276130"), ("160510000000", "16051"),
                                      ("16051", "16051"), ("1001", "01001"), ("DG", "DG"),
                                      ("16051000", "16051000"), ("  16 ", "16")])
def test_region_key(raw, key):
    assert readers.region_key(raw) == key


def test_special_symbols_are_missing_with_their_reason(sources):
    folder = sources / "indicators/genesis_ffcsv"
    atlas_frame = readers.read_genesis_flat(next(folder.glob("AI-N-01-2-5_*.csv")))
    # line 4286: Dünwald (16064014), "x"
    cell = _value(atlas_frame, "16064014", 2023, "AI-N-01-2-5/AI0112")
    assert math.isnan(cell[Col.VALUE]) and cell[Col.STATUS] == "Tabellenfach gesperrt"
    tax = readers.read_genesis_flat(next(folder.glob("73111-01-01-4_*.csv")))
    cell = _value(tax, "11012012", 2021, "73111-01-01-4/LSNW01")  # line 551: "."
    assert math.isnan(cell[Col.VALUE]) and cell[Col.STATUS] == "unbekannt oder geheim"


def test_inkar_export(sources):
    folder = sources / "indicators/inkar_export_2020"
    econ = readers.read_inkar_export(folder / "INKAR2_econ.csv")
    # line 381: "16051";"Erfurt, Stadt";"krsfr. Stadt";"6,8";…;"1.546" (Haushaltseinkommen 2016)
    assert _value(econ, "16051", 2017, "Arbeitslosenquote")[Col.VALUE] == 6.8
    assert _value(econ, "16051", 2016, "Haushaltseinkommen")[Col.VALUE] == 1546
    assert _value(econ, "16051", 2017, "Arbeitslosenquote")[Col.NAME] == "Erfurt, Stadt"
    assert "Bruttoverdienst" in econ.attrs["labels"]  # trailing space of the header stripped
    assert econ.attrs["format"] == "INKAR-Webexport"
    assert econ[Col.AGS].nunique() == 401 and econ[Col.AGS].str.len().eq(5).all()
    pop = readers.read_inkar_export(folder / "INKAR1_pop.csv")
    code = "Bevölkerungsentwicklung (zensusbasiert)"
    assert _value(pop, "16051", 2017, code)[Col.VALUE] == 4.7  # time reference "2012-2017"
    assert pop.attrs["labels"][code] == "Bevölkerungsentwicklung (zensusbasiert) 2012–2017"


def test_inkar_export_repeated_indicator_gets_one_year_per_column(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(
        "\ufeffKennziffer;Raumeinheit;Aggregat;Arbeitslosenquote;Arbeitslosenquote\n"
        ";;;2016;2017\n"
        '"16051";"Erfurt, Stadt";"krsfr. Stadt";"7,2";"6,8"\n', encoding="utf-8")
    frame = readers.read_inkar_export(path)
    assert list(frame[Col.YEAR]) == [2016, 2017]
    assert list(frame[Col.VALUE]) == [7.2, 6.8]
    assert set(frame[Col.CODE]) == {"Arbeitslosenquote"}


def test_genesis_table_unemployment_2023_and_2025_share_codes(sources):
    folder = sources / "indicators/genesis_table"
    old = readers.read_genesis_table(folder / "13211-02-05-4.csv")
    new = readers.read_genesis_table(folder / "13211-02-05-4_2025.csv")
    rate = "13211-02-05-4/arbeitslosenquote-bez-auf-alle-zivile-erwerbsp"
    # 2025;16051;      Erfurt, kreisfreie Stadt;7423;…;6,8;6,3;… (line 525)
    assert _value(new, "16051", 2025, rate)[Col.VALUE] == 6.3
    assert _value(new, "16051", 2025, rate)[Col.ROW] == 525
    assert _value(new, "16051", 2025, "13211-02-05-4/arbeitslose")[Col.VALUE] == 7423
    assert _value(old, "16051", 2023, rate)[Col.VALUE] == 6.1
    assert _value(new, "16051", 2025, rate)[Col.NAME] == "Erfurt, kreisfreie Stadt"
    assert set(old.attrs["labels"]) == set(new.attrs["labels"])
    assert new.attrs["units"][rate] == "Prozent"
    assert new.attrs["labels"][rate + "-maenner"] == (
        "Arbeitslosenquote bez. auf alle zivile Erwerbsp. – Männer")
    assert new.attrs["format"] == "GENESIS-Tabelle"
    eisenach = _value(new, "16056", 2025, rate)  # "-" in every column
    assert math.isnan(eisenach[Col.VALUE]) and eisenach[Col.STATUS] == "nichts vorhanden"
    # 2025;031;    Braunschweig, Statistische Region;…;.;6,5;… (line 29)
    secret = _value(new, "031", 2025, "13211-02-05-4/arbeitslosenquote-bez-abh-zivile-erwerbspers")
    assert math.isnan(secret[Col.VALUE]) and secret[Col.STATUS] == "unbekannt oder geheim"
    assert not new[Col.CODE].str.contains("copyright|stand", case=False).any()


def test_genesis_table_income_two_header_rows(sources):
    frame = readers.read_genesis_table(sources / "indicators/genesis_table/82411-01-03-4.csv")
    per_head = "82411-01-03-4/verfueg-einkommen-der-priv-haushalte-je-einwohner"
    # 2021;16051;      Erfurt, kreisfreie Stadt;4532851;21236 (line 523)
    assert _value(frame, "16051", 2021, per_head)[Col.VALUE] == 21236
    assert frame.attrs["units"][per_head] == "EUR"
    total = "82411-01-03-4/verfuegbares-einkommen-der-privaten-haushalte"
    assert _value(frame, "16051", 2021, total)[Col.VALUE] == 4532851
    assert frame.attrs["units"][total] == "Tsd. EUR"
    assert _value(frame, "16056", 2021, per_head)[Col.VALUE] == 21190  # Eisenach, line 528


def test_genesis_table_age_classes_and_date_from_the_preamble(sources):
    frame = readers.read_genesis_table(sources / "indicators/genesis_table/12111-04-01-4.csv")
    assert set(frame[Col.YEAR]) == {2011}  # "09.05.2011" in the preamble only
    # line 52543: 16051;      Erfurt, krsfr. Stadt;3 bis unter 4 Jahre;1866;948;918
    code = "12111-04-01-4/bevoelkerung-weiblich/3-bis-unter-4-jahre"
    assert _value(frame, "16051", 2011, code)[Col.VALUE] == 918
    assert frame.attrs["labels"][code] == "Bevölkerung – weiblich – 3 bis unter 4 Jahre"
    # line 52641: the "Insgesamt" age class is the total of the column
    assert _value(frame, "16051", 2011, "12111-04-01-4/bevoelkerung-insgesamt")[Col.VALUE] == 200868
    # 16077;…;99 bis unter 100 Jahre;13;-;13
    men = _value(frame, "16077", 2011, "12111-04-01-4/bevoelkerung-maennlich/99-bis-unter-100-jahre")
    assert math.isnan(men[Col.VALUE]) and men[Col.STATUS] == "nichts vorhanden"


def test_genesis_table_footer_without_underscores_and_bad_key(tmp_path):
    path = tmp_path / "tabelle.csv"
    text = ("Tabelle: 99999-01-01-4\nTitel;;\n;;;Wert\n;;;Anzahl\n"
            "2022;16051;  Erfurt;5\n2022;16052;  Gera;-\n"
            "Stand: 01.01.2024;;;Datenlizenz by-2-0\n")
    path.write_bytes(text.encode("cp1252"))
    frame = readers.read_genesis_table(path)
    assert list(frame[Col.AGS]) == ["16051", "16052"]
    assert frame[Col.CODE].iloc[0] == "99999-01-01-4/wert"
    path.write_bytes(text.replace("16052", "Gera?").encode("cp1252"))
    with pytest.raises(SourceError, match="tabelle.csv, Zeile 6.*Gera\\?"):
        readers.read_genesis_table(path)


def test_tidy_csv_skips_instruction_lines_and_keeps_line_numbers(tmp_path):
    path = tmp_path / "eigene.csv"
    path.write_text("# Hinweis\n#\nags;jahr;indikator;wert;einheit\n16051;2023;kita;1.234,5;Anzahl\n"
                    "16052;2023;kita;viel;Anzahl\n", encoding="utf-8")
    with pytest.raises(SourceError, match="eigene.csv, Zeile 5, Spalte „wert“"):
        readers.read_tidy(path)
    path.write_text("# Hinweis\nags;jahr;indikator;wert;einheit\n16051;2023;kita;1.234,5;Anzahl\n",
                    encoding="cp1252")
    frame = readers.read_tidy(path)
    assert frame[Col.VALUE].iloc[0] == 1234.5 and frame[Col.ROW].iloc[0] == 3
    assert frame.attrs["units"] == {"kita": "Anzahl"}


def test_attrs_of_the_shipped_readers(sources):
    tidy = readers.read_tidy(sources / "indicators/tidy/th_kreise_indicator_panel_long.csv")
    assert tidy.attrs["units"]["bevoelkerung"]
    assert set(tidy.attrs["labels"]) == set(tidy[Col.CODE])
    inkar = readers.read_inkar_long(sources / "indicators/inkar2024/inkar2024_th_kreise_long.csv")
    assert inkar.attrs["format"] == "INKAR-Langformat"
    assert inkar.attrs["labels"]["q_SGBII"] != "q_SGBII"  # the indicator's name from the file


def test_eight_digit_kreis_keys_map_to_five(tmp_path):
    path = tmp_path / "inkar.csv"
    path.write_text(
        "ags,raumeinheit,jahr,kuerzel,wert\n16051000,Erfurt,2020,x,1.5\n1001,Flensburg,2020,x,2\n",
        encoding="utf-8",
    )
    frame = readers.read_inkar_long(path)
    assert list(frame[Col.AGS]) == ["16051", "01001"]


def test_non_numeric_value_names_file_row_and_column(tmp_path):
    path = tmp_path / "kaputt.csv"
    path.write_text("ags,jahr,indikator,wert\n16051,2020,x,1.5\n16052,2020,x,viel\n",
                    encoding="utf-8")
    with pytest.raises(SourceError) as info:
        readers.read_tidy(path)
    message = str(info.value)
    assert "kaputt.csv" in message and "Zeile 3" in message and "wert" in message
    assert "viel" in message


def test_missing_column_is_named(tmp_path):
    path = tmp_path / "ohne_wert.csv"
    path.write_text("ags,jahr,indikator\n16051,2020,x\n", encoding="utf-8")
    with pytest.raises(SourceError, match="ohne_wert.csv.*Spalte\\(n\\) wert fehlen"):
        readers.read_tidy(path)


def test_tidy_rows_may_leave_out_optional_trailing_cells(tmp_path):
    path = tmp_path / "kurz.csv"
    path.write_text("ags;jahr;indikator;wert;einheit;quelle\n16051;2023;kita;1,5\n"
                    "160660092092;2023;kita;2;%\n", encoding="utf-8")
    frame = readers.read_tidy(path)
    assert list(frame[Col.AGS]) == ["16051", "16066092"]  # a 12-digit ARS becomes the AGS
    assert frame.attrs["units"] == {"kita": "%"}
    path.write_text("ags;jahr;indikator;wert;einheit\n16051;2023;kita\n", encoding="utf-8")
    with pytest.raises(SourceError, match="kurz.csv, Zeile 2: Zeile hat 3 statt 5 Spalten"):
        readers.read_tidy(path)
