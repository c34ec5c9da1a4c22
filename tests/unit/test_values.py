import math

import pytest

from atlas.values import ValueParseError, format_number, format_signed, parse_value


@pytest.mark.parametrize(
    ("raw", "decimal", "value", "status"),
    [
        ("1.234,5", ",", 1234.5, ""),
        ("12,65", ",", 12.65, ""),
        ("-3,2", ",", -3.2, ""),
        ("2126846", ",", 2126846.0, ""),
        ("12.65", ".", 12.65, ""),
        ("10117.1666666667", ".", 10117.1666666667, ""),
        ("123 p", ",", 123.0, "vorläufig"),
        ("45,1r", ",", 45.1, "berichtigt"),
    ],
)
def test_numbers_are_read_exactly(raw, decimal, value, status):
    parsed = parse_value(raw, decimal=decimal)
    assert parsed.value == value
    assert parsed.status == status


@pytest.mark.parametrize(
    ("raw", "reason"),
    [("-", "nichts vorhanden"), (".", "unbekannt oder geheim"), ("/", "nicht sicher genug"),
     ("x", "Tabellenfach gesperrt"), ("...", "noch nicht verfügbar"), ("", "keine Daten")],
)
def test_special_symbols_become_missing_with_reason_not_zero(raw, reason):
    parsed = parse_value(raw)
    assert math.isnan(parsed.value)
    assert parsed.status == reason


def test_garbage_is_rejected_with_german_message():
    with pytest.raises(ValueParseError, match="keine Zahl"):
        parse_value("zwölf")
    with pytest.raises(ValueParseError):
        parse_value("1,2", decimal=".")


def test_german_number_format():
    assert format_number(1234567.891, 2, "Euro") == "1.234.567,89 Euro"
    assert format_number(12.65, 1, "%") == "12,7 %"
    assert format_number(0.0, 1, "%") == "0,0 %"
    assert format_number(-0.04, 1) == "0,0"
    assert format_number(float("nan"), 1, "%") == "keine Daten"
    assert format_number(None) == "keine Daten"
    assert format_signed(1.26, 1, "%") == "+1,3 %"
    assert format_signed(0.01, 1) == "±0,0"
    assert format_signed(-0.4, 1) == "−0,4"
