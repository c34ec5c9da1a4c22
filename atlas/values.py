"""Parsing and formatting of statistical values the way German official statistics write them.

Missing values are never zero: a cell is either a number (possibly with a quality flag) or a
missing value with a reason ("geheim", "nichts vorhanden", ...).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

#: Special symbols of the statistical offices (Zeichenerklärung) → German reason shown to users.
SPECIAL_SYMBOLS: dict[str, str] = {
    "-": "nichts vorhanden",
    ".": "unbekannt oder geheim",
    "/": "nicht sicher genug",
    "x": "Tabellenfach gesperrt",
    "...": "noch nicht verfügbar",
    "…": "noch nicht verfügbar",
}

#: Quality flags that may follow a number ("123 p") or sit in a `value_q` column.
QUALITY_FLAGS: dict[str, str] = {
    "p": "vorläufig",
    "r": "berichtigt",
    "e": "geschätzt",
    "s": "geschätzt",
}

MISSING_LABEL = "keine Daten"

#: The minus sign of German typesetting (U+2212); a hyphen is no minus.
MINUS = "\u2212"

# ASCII digits only: Python's \d and int()/float() also take "٣" or "²"-like digits
_NUMBER_DE = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$", re.ASCII)
_NUMBER_EN = re.compile(r"^[+-]?(\d+)(\.\d+)?([eE][+-]?\d+)?$", re.ASCII)
_WHOLE = re.compile(r"[0-9]{1,9}", re.ASCII)
_DECIMAL = re.compile(r"[+-]?[0-9]{1,9}(?:[.,][0-9]{1,9})?", re.ASCII)


@dataclass(frozen=True)
class Parsed:
    """A parsed cell: ``value`` is NaN when missing; ``status`` names the reason or the flag."""

    value: float
    status: str = ""

    @property
    def missing(self) -> bool:
        return math.isnan(self.value)


class ValueParseError(ValueError):
    """A cell that is neither a number nor a known special symbol."""


def parse_int(text: object) -> int | None:
    """A whole number typed by a person or given in a URL (year, number of classes, decimals):
    ASCII digits only, at most 9, surrounding blanks allowed (or a non-negative whole int or
    float, as JSON brings it); None for anything else.

    The one parser for such numbers: ``"²".isdigit()`` is true and ``int("٣")`` is 3, but neither
    is a number a user means, and ``int()`` of 5000 digits raises.

    >>> parse_int(" 2021 "), parse_int("²"), parse_int("-1"), parse_int("2021.0")
    (2021, None, None, None)
    """
    if isinstance(text, bool):
        return None
    if isinstance(text, int):
        return text if 0 <= text < 10**9 else None
    if isinstance(text, float):  # a number from JSON (a component's value): 2021.0
        return int(text) if text.is_integer() and 0 <= text < 10**9 else None
    if not isinstance(text, str):
        return None
    text = text.strip()
    return int(text) if _WHOLE.fullmatch(text) else None


def is_digits(text: object) -> bool:
    """True for a non-empty string of ASCII digits only (a region key such as ``16051``)."""
    return isinstance(text, str) and text.isascii() and text.isdigit()


def parse_decimal(text: object) -> float | None:
    """A decimal number typed by a person (``150``, ``150,5`` or ``150.5``): ASCII digits only,
    no thousands separator, no exponent; None for anything else (``nan``, ``1e3``, ``١٢٠``)."""
    if isinstance(text, bool):
        return None
    if isinstance(text, (int, float)):
        return float(text) if math.isfinite(text) else None
    if not isinstance(text, str):
        return None
    text = text.strip()
    return float(text.replace(",", ".")) if _DECIMAL.fullmatch(text) else None


def parse_value(raw: object, decimal: str = ",") -> Parsed:
    """Parse one cell.

    Parameters
    ----------
    raw
        The cell as read (string, number or None).
    decimal
        ``","`` for German notation (``1.234,5``), ``"."`` for machine notation (``1234.5``).

    Returns
    -------
    Parsed
        NaN with a reason for special symbols and empty cells; the number with a flag otherwise.

    Raises
    ------
    ValueParseError
        If the cell is not a number and not a known symbol.
    """
    if raw is None or (isinstance(raw, float) and math.isnan(raw)):
        return Parsed(math.nan, MISSING_LABEL)
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return Parsed(float(raw))
    text = str(raw).strip().strip('"').strip()
    if text == "":
        return Parsed(math.nan, MISSING_LABEL)
    if text in SPECIAL_SYMBOLS:
        return Parsed(math.nan, SPECIAL_SYMBOLS[text])
    flag = ""
    match = re.match(r"^(.*?)\s*([pres])$", text)
    if match and match.group(1):
        text, flag = match.group(1).strip(), QUALITY_FLAGS[match.group(2)]
    number = _to_float(text, decimal)
    if number is None:
        raise ValueParseError(f"„{raw}“ ist keine Zahl und kein bekanntes Sonderzeichen")
    return Parsed(number, flag)


def _to_float(text: str, decimal: str) -> float | None:
    if decimal == ",":
        if _NUMBER_DE.match(text):
            return float(text.replace(".", "").replace(",", "."))
        return None
    if _NUMBER_EN.match(text):
        return float(text)
    return None


def rounded(value: float | None, decimals: int) -> float | int | None:
    """A value as the atlas shows it, for machine outputs (JSON): rounded to the indicator's
    ``decimals`` (an int for 0 decimals), so no float artefact of the source or of a computation
    (``127899.99999999999``) reaches a script; None for a missing value."""
    if value is None or math.isnan(value):
        return None
    value = round(float(value), decimals)
    return int(value) if decimals <= 0 else value + 0.0  # -0.0 → 0.0


def without_artefacts(value: float, digits: int = 12) -> float:
    """A value with binary float artefacts removed (``216600.00000000003`` → ``216600.0``,
    ``2373.9700000000003`` → ``2373.97``) but every digit a source gives kept: rounded to
    ``digits`` significant digits, more than any statistical source publishes."""
    if math.isnan(value) or math.isinf(value) or value == 0:
        return float(value)
    return float(f"{float(value):.{digits}g}")


#: Units that name what a value is, not a measure: not written after a number ("0,42", not
#: "0,42 Index"); the unit label says what the number is.
UNITLESS = frozenset({"Index"})


def format_number(value: float | None, decimals: int = 1, unit: str = "") -> str:
    """German number format: decimal comma, dot as thousands separator, the minus sign "−"
    (U+2212, not the hyphen), unit after a space (none for a :data:`UNITLESS` unit).

    Missing values become "keine Daten", never "0".

    >>> format_number(1234567.891, 2, "Euro")
    '1.234.567,89 Euro'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING_LABEL
    text = f"{value:,.{decimals}f}".replace(",", "\u0000").replace(".", ",").replace("\u0000", ".")
    if text.startswith("-"):
        negative_zero = float(text.replace(".", "").replace(",", ".")) == 0
        text = text[1:] if negative_zero else MINUS + text[1:]
    return text + unit_suffix(unit)


def unit_suffix(unit: str) -> str:
    """What follows a number for ``unit``: " %", " Euro", nothing for no or a :data:`UNITLESS`
    unit (also for plotly templates that write the number themselves)."""
    if not unit or unit in UNITLESS:
        return ""
    return f" {unit}"


def format_signed(value: float, decimals: int = 1, unit: str = "") -> str:
    """German number with an explicit sign, for differences (``+1,2``, ``−0,4``)."""
    if value is None or math.isnan(value):
        return MISSING_LABEL
    text = format_number(abs(value), decimals, unit)
    if round(value, decimals) == 0:
        return "±" + text
    return ("+" if value > 0 else MINUS) + text


def year_span(years) -> str:
    """The years of a series in German: ``"2022 (1 Jahr)"``, ``"2010–2021 (12 Jahre)"``;
    ``"keine"`` for none."""
    years = sorted(set(int(y) for y in years))
    if not years:
        return "keine"
    if len(years) == 1:
        return f"{years[0]} (1 Jahr)"
    return f"{years[0]}–{years[-1]} ({len(years)} Jahre)"


def parse_breaks(text: str | None) -> tuple[float, ...]:
    """Manual class bounds typed by a user: ``"5; 7,5; 10"`` (German decimal comma).

    Raises
    ------
    ValueParseError
        Naming the entry that is not a number.
    """
    if not text or not text.strip():
        return ()
    out = []
    for position, token in enumerate(text.replace("\n", ";").split(";"), start=1):
        if not token.strip():
            continue
        try:
            parsed = parse_value(token.strip(), decimal=",")
        except ValueParseError as exc:
            raise ValueParseError(f"Grenze Nr. {position}: {exc}") from exc
        if parsed.missing:
            raise ValueParseError(f"Grenze Nr. {position} („{token.strip()}“) ist keine Zahl")
        out.append(parsed.value)
    return tuple(out)


def year_ranges(years) -> str:
    """Years as German ranges: ``2012–2014, 2019``; ``""`` for none."""
    have = sorted(set(int(y) for y in years))
    parts: list[str] = []
    start = prev = None
    for year in have + [None]:
        if start is not None and (year is None or year != prev + 1):
            parts.append(str(start) if start == prev else f"{start}–{prev}")
            start = None
        if year is not None and start is None:
            start = year
        prev = year
    return ", ".join(parts)
