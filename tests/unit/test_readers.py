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


def test_genesis_flat_current_layout_totals_only(sources):
    path = next((sources / "indicators/genesis_ffcsv").glob("12411-01-01-4_*_de_flat.csv"))
    frame = readers.read_genesis_flat(path)
    th = frame[frame[Col.AGS].str.startswith("16")]
    assert set(th[Col.AGS]) == KREISE_2023 | {"16056"}
    assert _value(frame, "16075", 2024, "12411-01-01-4/BEVSTD")[Col.VALUE] == 77341
    eisenach = _value(frame, "16056", 2024, "12411-01-01-4/BEVSTD")
    assert math.isnan(eisenach[Col.VALUE]) and eisenach[Col.STATUS] == "nichts vorhanden"


@pytest.mark.parametrize("lang", ["de", "en"])
def test_genesis_flat_old_layout(sources, lang):
    path = sources / f"indicators/genesis_ffcsv_old/12411-01-01-4_{lang}_flat_oldformat_2022data.csv"
    frame = readers.read_genesis_flat(path)
    assert _value(frame, "16", 2022, "12411-01-01-4/BEVSTD")[Col.VALUE] == 2126846
    assert _value(frame, "16063", 2022, "12411-01-01-4/BEVSTD")[Col.VALUE] == 159539
    assert _value(frame, "16063", 2022, "12411-01-01-4/BEVSTD")[Col.NAME] == "Wartburgkreis"


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
