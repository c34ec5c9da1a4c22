"""Readers for the official file formats planners download.

Every reader returns a long :class:`pandas.DataFrame` with the columns ``row`` (line in the file,
header = 1) and :data:`atlas.schema.VALUE_COLUMNS` (``ags, name, year, code, value, status``): keys
as strings with leading zeros, missing values as NaN with their reason, quality flags kept as status.
The frame's ``attrs`` describe the series for an import preview:

``attrs["format"]``
    German name of the file format ("GENESIS-Flat-CSV (aktuell)", "INKAR-Webexport", ...).
``attrs["labels"]``
    ``{code: German label}`` of every series in the file.
``attrs["units"]``
    ``{code: unit text}`` ("" when the file does not say).
``attrs["sources"]``
    only for the own template: ``{code: text of the quelle column}``.

Anything a reader cannot read raises :class:`atlas.errors.SourceError` naming file, row and problem.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from atlas.errors import SourceError
from atlas.schema import GERMANY_AGS, LAND_AGS, VALUE_COLUMNS, Col, kreis_key, normalise_ags
from atlas.values import QUALITY_FLAGS, ValueParseError, is_digits, parse_value

_YEAR_RE = re.compile(r"(1[89]\d\d|20\d\d)")

#: German format names shown in the import preview (``frame.attrs["format"]``).
FORMAT_INKAR_LONG = "INKAR-Langformat"
FORMAT_INKAR_EXPORT = "INKAR-Webexport"
FORMAT_TIDY_CSV = "Eigene Vorlage (CSV)"
FORMAT_TIDY_XLSX = "Eigene Vorlage (Excel)"
FORMAT_GISD = "GISD (RKI)"
FORMAT_BA = "Arbeitslosenstatistik der BA"
FORMAT_GENESIS_FLAT = "GENESIS-Flat-CSV (aktuell)"
FORMAT_GENESIS_FLAT_OLD = "GENESIS-Flat-CSV (alt)"
FORMAT_GENESIS_TABLE = "GENESIS-Tabelle"

#: Labels of a classifying attribute that stands for the total over that variable.
TOTAL_LABELS = {"insgesamt", "total", "zusammen", "gesamt"}

#: Quality flags of the GENESIS ``value_q`` column; ``()`` is the "Zeichenerklärung" symbol.
# In GENESIS value_q, "e" means "endgültig" (final): every final CPI value carries it, and all
# register counts of 52111 do. Only a number suffix "123 e" in tables means "geschätzt".
GENESIS_FLAGS = {**QUALITY_FLAGS, "e": "", "()": "Aussagewert eingeschränkt"}

#: GENESIS ``value_unit`` texts that are a scale, not a unit.
GENESIS_UNITS = {"1000": "Tausend"}

TIDY_COLUMNS = ["ags", "jahr", "indikator", "wert"]
TIDY_OPTIONAL = ["einheit", "quelle"]
#: Optional columns read but not in the template: a readable title of the indicator.
TIDY_EXTRA = ["titel"]
DELIMITER_NAMES = {";": "Semikolon (;)", ",": "Komma (,)", "\t": "Tabulator", "|": "senkrechter "
                   "Strich (|)"}


def parse_year(raw: object) -> int | None:
    """Year of a time reference: ``2021``, ``2024-12-31``, ``31.12.2022``, ``2010 bis 2019`` (last
    year), ``2016/2017/2018`` (last year). None when no year is found."""
    years = _YEAR_RE.findall(str(raw))
    return int(years[-1]) if years else None


def is_missing(value: float) -> bool:
    return value is None or math.isnan(value)


# --- common helpers ---------------------------------------------------------------------------


def _read_text(path: Path, encodings: tuple[str, ...] = ("utf-8-sig", "cp1252")) -> str:
    """The file as text with ``\\n`` line ends; the first encoding that fits wins."""
    if not path.is_file():
        raise SourceError(path, "Datei nicht gefunden", hint="Prüfen Sie den Quellordner.")
    raw = path.read_bytes()
    for encoding in encodings:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        return text.replace("\r\n", "\n").replace("\r", "\n")
    raise SourceError(
        path,
        f"Zeichenkodierung nicht lesbar (erwartet {', '.join(encodings)})",
        hint="Bitte die Datei als UTF-8 speichern.",
    )


def _csv_rows(path: Path, text: str, sep: str) -> list[tuple[int, list[str]]]:
    """Non-empty CSV rows with the line number (in the file) where each row ends."""
    reader = csv.reader(io.StringIO(text), delimiter=sep)
    rows = []
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                rows.append((reader.line_num, cells))
    except csv.Error as exc:
        raise SourceError(
            path, f"CSV-Struktur fehlerhaft ({exc})", reader.line_num,
            hint="Meist ein Anführungszeichen ohne Gegenstück.",
        ) from exc
    return rows


def _records(
    path: Path, text: str, sep: str, required: list[str]
) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Header (stripped, lower case) and one dict per data row, keyed by header name.

    Rows may leave out trailing optional cells; a missing required cell or extra non-empty cells
    are an error.

    Raises
    ------
    SourceError
        If a required column is missing or a row has the wrong number of cells.
    """
    rows = _csv_rows(path, text, sep)
    if not rows:
        raise SourceError(path, "Datei enthält keine Zeilen")
    header_line, header = rows[0]
    header = [h.strip().strip('"').strip().lower() for h in header]
    missing = [c for c in required if c not in header]
    if missing:
        raise SourceError(
            path,
            f"Spalte(n) {', '.join(missing)} fehlen",
            row=header_line,
            hint=f"Erwartet werden die Spalten {', '.join(required)}.",
        )
    records = []
    for line, cells in rows[1:]:
        short = [name for name in header[len(cells):] if name in required]
        if short or any(c.strip() for c in cells[len(header):]):
            raise SourceError(
                path,
                f"Zeile hat {len(cells)} statt {len(header)} Spalten",
                line,
                hint=f"Trennzeichen ist {DELIMITER_NAMES.get(sep, sep)}; Werte mit diesem "
                "Zeichen bitte in Anführungszeichen setzen.",
            )
        cells = cells + [""] * (len(header) - len(cells))  # optional trailing cells left out
        records.append((line, dict(zip(header, cells))))
    return header, records


def _parse(path: Path, raw: object, line: int, column: str, decimal: str = ","):
    """One value cell (see :func:`atlas.values.parse_value`); errors name file, line and column."""
    try:
        parsed = parse_value(raw, decimal=decimal)
    except ValueParseError as exc:
        raise SourceError(
            path, str(exc), line, column, hint="Nur Zahlen oder amtliche Sonderzeichen erlaubt."
        ) from exc
    if math.isinf(parsed.value):
        raise SourceError(path, f"„{raw}“ ist als Zahl zu groß", line, column)
    return parsed


def _frame(rows: list[tuple], fmt: str, labels: dict, units: dict) -> pd.DataFrame:
    """The long frame of a reader with its ``attrs`` (format, labels, units)."""
    frame = pd.DataFrame(rows, columns=[Col.ROW, *VALUE_COLUMNS])
    frame[Col.YEAR] = frame[Col.YEAR].astype(int)
    frame[Col.VALUE] = frame[Col.VALUE].astype(float)
    frame.attrs["format"] = fmt
    frame.attrs["labels"] = dict(labels)
    frame.attrs["units"] = {code: units.get(code, "") for code in labels}
    return frame


def _finish(
    path: Path,
    records: list[tuple[int, dict[str, str]]],
    *,
    ags: str,
    year: str,
    code: str | None,
    value: str,
    name: str | None = None,
    decimal: str = ".",
    code_value: str | None = None,
    kreise: bool = True,
    verbatim_keys: bool = False,
) -> list[tuple]:
    """Normalise keys, years and values of long records; fail with the file row of a bad cell.

    ``verbatim_keys``: keys are kept as written (stripped), for own levels whose keys are no
    AGS ("01", "1.2", "A3"); else they become region keys (:func:`area_key`)."""
    rows = []
    for line, rec in records:
        key = area_key(rec[ags], verbatim=verbatim_keys, kreise=kreise)
        if not key:
            raise SourceError(path, "Gebietsschlüssel fehlt", line, ags)
        yr = parse_year(rec[year])
        if yr is None:
            raise SourceError(path, f"„{rec[year]}“ ist keine Jahresangabe", line, year)
        series = code_value if code is None else str(rec[code]).strip()
        if not series:
            raise SourceError(path, "Indikator fehlt", line, code)
        parsed = _parse(path, rec[value], line, value, decimal)
        name_text = rec[name].strip() if name else ""
        rows.append((line, key, name_text, yr, series, parsed.value, parsed.status))
    return rows


def _slug(text: str) -> str:
    """Lower-case ASCII slug of a header text (``Arbeitslose – ausländisch`` → ``arbeitslose-
    auslaendisch``)."""
    text = text.lower()
    for umlaut, plain in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(umlaut, plain)
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "x"


def _is_total(code: str, label: str) -> bool:
    """An attribute standing for the total over its variable (empty code or "Insgesamt")."""
    return not code.strip() or label.strip().lower() in TOTAL_LABELS


def area_key(raw: object, *, verbatim: bool = False, kreise: bool = True) -> str:
    """The key of an area as the atlas stores it.

    For the built levels (``verbatim=False``) a region key (:func:`region_key`: leading zeros
    restored, ARS → AGS) and, with ``kreise``, an 8-digit Kreis key ``16051000`` → ``16051``.
    For own levels (``verbatim=True``) the key as written, only stripped of blanks and quotes:
    ``"1"`` stays ``"1"``, ``"01"`` stays ``"01"``, ``"1.2"`` and ``"A3"`` stay as they are.
    """
    if verbatim:
        return _cell_text(raw).strip().strip('"').strip()
    key = region_key(raw)
    return kreis_key(key) if kreise else key


def region_key(raw: object) -> str:
    """Region key as the atlas uses it: ``DG``, Land, RB, 5-digit Kreis, 8-digit Gemeinde.

    A 12-digit ARS becomes the 8-digit AGS (``092760130130`` → ``09276130``), a Kreis ARS ending in
    ``0000000`` the 5-digit Kreis key (``160510000000`` → ``16051``).
    """
    key = normalise_ags(raw)
    if len(key) == 12 and is_digits(key):
        return kreis_key(key) if key.endswith("0000000") else key[:5] + key[9:]
    return key


# --- INKAR -----------------------------------------------------------------------------------


def read_inkar_long(path: Path) -> pd.DataFrame:
    """INKAR long CSV (``ags,raumeinheit,jahr,…,kuerzel|inkar_id,…,wert``; ``.`` decimal).

    The code is ``kuerzel`` (edition 2024) or ``inkar_id`` (edition 2021); the label is
    ``indikator_name`` (or ``kurzname``) when the file has it.
    """
    path = Path(path)
    header, records = _records(path, _read_text(path), ",", ["ags", "raumeinheit", "jahr", "wert"])
    code = next((c for c in ("kuerzel", "inkar_id", "merk_id") if c in header), None)
    if code is None:
        raise SourceError(path, "weder Spalte „kuerzel“ noch „inkar_id“ vorhanden", row=1)
    rows = _finish(
        path, records, ags="ags", year="jahr", code=code, value="wert", name="raumeinheit"
    )
    label_col = next((c for c in ("indikator_name", "kurzname", "name") if c in header), None)
    labels = {}
    for _, rec in records:
        series = rec[code].strip()
        if series not in labels:
            labels[series] = (rec[label_col].strip() if label_col else "") or series
    return _frame(rows, FORMAT_INKAR_LONG, labels, {})


def read_inkar_export(path: Path) -> pd.DataFrame:
    """INKAR web export (``Kennziffer;Raumeinheit;Aggregat;<indicator>…``, row 2 the time
    reference per column, decimal comma, every field quoted).

    The code is the indicator name; an indicator repeated for several years keeps its code and
    gets one year per column. A range like ``2012-2017`` is dated to its last year and named in the
    label ("Bevölkerungsentwicklung (zensusbasiert) 2012–2017").
    """
    path = Path(path)
    rows = _csv_rows(path, _read_text(path), ";")
    if len(rows) < 3:
        raise SourceError(path, "INKAR-Export ohne Datenzeilen (erwartet: Kopfzeile, Zeitbezug, "
                          "Daten)")
    (head_line, header), (time_line, times) = rows[0], rows[1]
    lead = [h.strip().lower() for h in header[:2]]
    if lead != ["kennziffer", "raumeinheit"]:
        raise SourceError(path, "Kopfzeile beginnt nicht mit „Kennziffer;Raumeinheit“", head_line)
    columns = _inkar_export_columns(path, header, times, time_line)
    labels = {}
    for _, code, _, label in columns:
        labels[code] = label if sum(c[1] == code for c in columns) == 1 else code
    out = []
    for line, cells in rows[2:]:
        if len(cells) < len(header):
            raise SourceError(path, f"Zeile hat {len(cells)} statt {len(header)} Spalten", line)
        key = kreis_key(normalise_ags(cells[0]))
        name = cells[1].strip()
        for col, code, year, _ in columns:
            parsed = _parse(path, cells[col], line, code)
            out.append((line, key, name, year, code, parsed.value, parsed.status))
    return _frame(out, FORMAT_INKAR_EXPORT, labels, {})


def _inkar_export_columns(
    path: Path, header: list[str], times: list[str], line: int
) -> list[tuple[int, str, int, str]]:
    """(column, code, year, label) of the indicator columns of an INKAR export."""
    columns = []
    for col in range(3, len(header)):
        code = header[col].strip()
        if not code:
            continue
        ref = times[col].strip() if col < len(times) else ""
        year = parse_year(ref)
        if year is None:
            raise SourceError(path, f"„{ref}“ ist keine Jahresangabe für „{code}“", line, code)
        years = _YEAR_RE.findall(ref)
        label = f"{code} {years[0]}–{years[-1]}" if len(set(years)) > 1 else code
        columns.append((col, code, year, label))
    if not columns:
        raise SourceError(path, "keine Indikatorspalten gefunden", 1)
    return columns


# --- tidy panel / own template ----------------------------------------------------------------


def _without_comments(text: str) -> str:
    """Blank out lines starting with ``#`` (instructions of the template), keeping line numbers."""
    return "\n".join("" if line.lstrip().startswith("#") else line for line in text.split("\n"))


def _tidy_delimiter(path: Path, text: str) -> str:
    """``;`` or ``,`` from the header line; a tab or ``|`` is named in the error."""
    head = next((line for line in text.split("\n") if line.strip()), "")
    counts = {sep: head.count(sep) for sep in DELIMITER_NAMES}
    if counts[";"] or counts[","]:
        return ";" if counts[";"] > counts[","] else ","
    found = max(counts, key=counts.get)
    if counts[found]:
        raise SourceError(
            path,
            f"Trennzeichen {DELIMITER_NAMES[found]} gefunden – erwartet wird das Semikolon (;)",
            row=1,
            hint="Bitte als „CSV (Trennzeichen-getrennt)“ speichern oder die Vorlage verwenden.",
        )
    return ";"


def read_tidy(path: Path, *, verbatim_keys: bool = False) -> pd.DataFrame:
    """Tidy long CSV ``ags,jahr,indikator,wert[,einheit,quelle]``.

    ``;``-separated files use the decimal comma (the atlas's template), ``,``-separated files the
    decimal point. Lines starting with ``#`` are instructions and skipped. Column names are matched
    case-insensitively. ``verbatim_keys``: the ``ags`` column holds keys of an own level, kept as
    written (:func:`area_key`).
    """
    path = Path(path)
    text = _without_comments(_read_text(path))
    sep = _tidy_delimiter(path, text)
    header, records = _records(path, text, sep, TIDY_COLUMNS)
    decimal = "," if sep == ";" else "."
    rows = _finish(
        path, records, ags="ags", year="jahr", code="indikator", value="wert", decimal=decimal,
        verbatim_keys=verbatim_keys,
    )
    return _tidy_frame(rows, [rec for _, rec in records], FORMAT_TIDY_CSV)


def _tidy_frame(rows: list[tuple], records: list[dict], fmt: str) -> pd.DataFrame:
    """Frame of the tidy template: label = the ``titel`` column or else the indicator code; unit
    and source from the optional columns (the first non-empty text per indicator)."""
    labels, units, sources = {}, {}, {}
    for (_, _, _, _, code, _, _), rec in zip(rows, records):
        for target, column in ((labels, "titel"), (units, "einheit"), (sources, "quelle")):
            text = _cell_text(rec.get(column))
            if text and not target.get(code):
                target[code] = text
        labels.setdefault(code, code)
    frame = _frame(rows, fmt, labels, units)
    frame.attrs["sources"] = sources
    return frame


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


# --- own template: Excel ------------------------------------------------------------------------

INSTRUCTIONS_SHEET = "Anleitung"
DATA_SHEET = "Daten"
#: Caps on reading an Excel workbook from a user (see also atlas.formats for the ZIP checks).
MAX_XLSX_ROWS = 100_000
MAX_XLSX_CELLS = 1_000_000
MAX_XLSX_SECONDS = 30
TEMPLATE_EXAMPLE = ("16051", 2023, "kita_plaetze", 1234.5, "Anzahl", "Jugendamt Erfurt")
TEMPLATE_INSTRUCTIONS = [
    "Vorlage für eigene Daten im Sozialstrukturatlas Thüringen",
    "",
    "Eine Zeile je Gebiet, Jahr und Indikator. Spalten: ags, jahr, indikator, wert, einheit, quelle.",
    "ags: amtlicher Gemeindeschlüssel – 5 Ziffern für Kreise (z. B. 16051 Erfurt), 8 Ziffern für "
    "Gemeinden; 16 für Thüringen als Vergleichswert. Führende Nullen bleiben erhalten.",
    "jahr: vierstellige Jahreszahl (z. B. 2023).",
    "indikator: Kurzname des Indikators (z. B. kita_plaetze). Eine Datei darf einen Indikator oder "
    "mehrere enthalten – die Spalte indikator unterscheidet sie.",
    "wert: Zahl mit Dezimalkomma (1234,5); Tausenderpunkte sind erlaubt (1.234,5).",
    "Fehlende Werte mit den amtlichen Sonderzeichen: . = unbekannt oder geheim, - = nichts "
    "vorhanden, / = nicht sicher genug, x = Tabellenfach gesperrt, ... = noch nicht verfügbar. "
    "Fehlende Werte werden nie als 0 gezeigt.",
    "einheit und quelle: z. B. Anzahl, %, Euro; Quelle mit Amt und Stand.",
]
CSV_INSTRUCTIONS = [
    "Trennzeichen Semikolon (;), Zeichenkodierung UTF-8. Zeilen, die mit # beginnen, werden beim "
    "Einlesen übersprungen und dürfen gelöscht werden.",
]
XLSX_INSTRUCTIONS = [
    "Keine Formeln: bitte Werte als Werte einfügen (Inhalte einfügen → Nur Werte).",
    "Nur ein Tabellenblatt mit Daten („Daten“); dieses Blatt „Anleitung“ wird beim Einlesen "
    "übersprungen.",
]


def template_csv() -> bytes:
    """The CSV template: UTF-8 with BOM, ``;``, instructions as ``#`` lines, one example row."""
    lines = [f"# {line}" if line else "#" for line in TEMPLATE_INSTRUCTIONS + CSV_INSTRUCTIONS]
    example = list(TEMPLATE_EXAMPLE)
    example[3] = f"{example[3]:.1f}".replace(".", ",")
    lines += [";".join(TIDY_COLUMNS + TIDY_OPTIONAL), ";".join(str(c) for c in example)]
    return ("\ufeff" + "\n".join(lines) + "\n").encode("utf-8")


def template_xlsx() -> bytes:
    """The Excel template: sheet "Daten" (header + example row), sheet "Anleitung"."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    data = book.active
    data.title = DATA_SHEET
    data.append(TIDY_COLUMNS + TIDY_OPTIONAL)
    data.append(list(TEMPLATE_EXAMPLE))
    for cell in data[1]:
        cell.font = Font(bold=True)
    for row in data.iter_rows(min_row=1, max_col=1):
        row[0].number_format = "@"  # keys as text: leading zeros stay
    for column, width in zip("ABCDEF", (10, 8, 24, 12, 12, 30)):
        data.column_dimensions[column].width = width
    notes = book.create_sheet(INSTRUCTIONS_SHEET)
    for line in TEMPLATE_INSTRUCTIONS + XLSX_INSTRUCTIONS:
        notes.append([line])
    notes.column_dimensions["A"].width = 120
    notes["A1"].font = Font(bold=True)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def read_tidy_xlsx(path: Path, *, verbatim_keys: bool = False) -> pd.DataFrame:
    """The own template as Excel workbook: one data sheet ``ags, jahr, indikator, wert[, einheit,
    quelle]``; a sheet "Anleitung" and empty sheets are ignored.

    Numbers from numeric cells are taken exactly; text cells are read like CSV cells (decimal
    comma). Text in indikator/einheit/quelle is kept verbatim, also when it looks like a formula.
    Row numbers are the Excel row numbers. ``verbatim_keys``: keys of an own level, kept as written
    (:func:`area_key`).

    Read in openpyxl's streaming (read-only) mode with caps on rows, cells and time
    (:data:`MAX_XLSX_ROWS`, :data:`MAX_XLSX_CELLS`, :data:`MAX_XLSX_SECONDS`); uploads pass
    :func:`atlas.formats.read_any` first, which refuses ZIP bombs before anything is unpacked.

    Raises
    ------
    SourceError
        For several data sheets, a formula cell (naming the cell), missing columns, bad values or
        a sheet beyond the caps.
    """
    path = Path(path)
    rows, records = _xlsx_read(
        path, lambda book: _xlsx_records(path, _xlsx_data_sheet(path, book), verbatim_keys))
    return _tidy_frame(rows, records, FORMAT_TIDY_XLSX)


def _xlsx_read(path: Path, action):
    """Open a workbook (read-only, streaming) and run ``action(book)``; every problem of a broken
    workbook becomes a German :class:`SourceError`."""
    if not path.is_file():
        raise SourceError(path, "Datei nicht gefunden", hint="Prüfen Sie den Pfad.")
    from openpyxl import load_workbook

    broken = dict(hint="Bitte in Excel öffnen und neu als .xlsx speichern.")
    try:
        book = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for broken archives and XML
        raise SourceError(path, f"Excel-Datei beschädigt oder kein .xlsx ({type(exc).__name__})",
                          **broken) from exc
    try:
        return action(book)
    except SourceError:
        raise
    except Exception as exc:  # XML of a sheet is parsed lazily while iterating
        raise SourceError(path, f"Excel-Tabelle nicht lesbar ({type(exc).__name__})",
                          **broken) from exc
    finally:
        book.close()


class _XlsxBudget:
    """Caps on reading a workbook: rows, cells and seconds (a time box), over all sheets.

    openpyxl streams the sheets (read-only mode), so the caps stop a huge or slow sheet while it is
    being parsed, with a German message, instead of holding a worker for minutes.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.rows = 0
        self.cells = 0
        self.deadline = time.monotonic() + MAX_XLSX_SECONDS

    def take(self, sheet: str, cells: int) -> None:
        self.rows += 1
        self.cells += cells
        smaller = "Bitte nur die benötigten Regionen und Jahre speichern oder die Datei aufteilen."
        if self.rows > MAX_XLSX_ROWS:
            raise SourceError(self.path, f"mehr als {MAX_XLSX_ROWS:,} Zeilen (Blatt „{sheet}“)"
                              .replace(",", "."), hint=smaller)
        if self.cells > MAX_XLSX_CELLS:
            raise SourceError(self.path, f"mehr als {MAX_XLSX_CELLS:,} Zellen (Blatt „{sheet}“)"
                              .replace(",", "."), hint=smaller)
        if time.monotonic() > self.deadline:
            raise SourceError(self.path, f"Einlesen nach {MAX_XLSX_SECONDS} Sekunden abgebrochen "
                                         f"(Blatt „{sheet}“, bis Zeile {self.rows})",
                              hint=smaller + " Oder die Daten als CSV hochladen.")


def _xlsx_data_sheet(path: Path, book) -> list[tuple[int, list]]:
    """Non-empty rows (Excel row number, cell values) of the single data sheet.

    Formula cells are refused as they are met; rows, cells and time are capped
    (:class:`_XlsxBudget`).
    """
    found = _xlsx_sheets(path, book)
    if len(found) > 1:
        names = ", ".join(f"„{name}“" for name in found)
        raise SourceError(
            path,
            f"mehrere Tabellenblätter mit Daten ({names})",
            hint="Bitte nur ein Tabellenblatt mit Daten behalten (zusätzlich ist „Anleitung“ "
            "erlaubt).",
        )
    return next(iter(found.values()))


def _xlsx_sheets(path: Path, book) -> dict[str, list[tuple[int, list]]]:
    """Non-empty rows (Excel row number, cell values) of every sheet with data, by sheet title;
    the sheet "Anleitung" is skipped. Formula cells are refused as they are met; rows, cells and
    time are capped over all sheets (:class:`_XlsxBudget`)."""
    from openpyxl.utils import get_column_letter

    budget = _XlsxBudget(path)
    found = {}
    for sheet in book.worksheets:
        if sheet.title.strip().lower() == INSTRUCTIONS_SHEET.lower():
            continue
        sheet.reset_dimensions()  # stored dimensions may be wrong; read every row
        rows = []
        for number, cells in enumerate(sheet.iter_rows(), start=1):
            budget.take(sheet.title, len(cells))
            row = getattr(cells[0], "row", None) or number if cells else number
            values = []
            for index, cell in enumerate(cells, start=1):
                if getattr(cell, "data_type", None) == "f":
                    raise SourceError(
                        path, f"Zelle {get_column_letter(index)}{row} enthält eine Formel", row,
                        hint="Bitte Werte statt Formeln einfügen (Inhalte einfügen → Nur Werte).",
                    )
                values.append(cell.value)
            if any(v is not None and str(v).strip() for v in values):
                rows.append((row, values))
        if rows:
            found[sheet.title] = rows
    if not found:
        raise SourceError(path, "kein Tabellenblatt mit Daten gefunden",
                          hint="Bitte die Vorlage verwenden (Blatt „Daten“).")
    return found


def _xlsx_records(path: Path, sheet_rows: list,
                  verbatim_keys: bool = False) -> tuple[list[tuple], list[dict]]:
    """Long rows and raw records of the data sheet (rows of cell values)."""
    header_row, header_values = sheet_rows[0]
    header = [_cell_text(v).lower() for v in header_values]
    missing = [c for c in TIDY_COLUMNS if c not in header]
    if missing:
        raise SourceError(path, f"Spalte(n) {', '.join(missing)} fehlen", header_row,
                          hint=f"Erwartet werden die Spalten {', '.join(TIDY_COLUMNS)}.")
    position = {name: header.index(name) for name in TIDY_COLUMNS + TIDY_OPTIONAL + TIDY_EXTRA
                if name in header}
    rows, records = [], []
    for number, cell_values in sheet_rows[1:]:
        values = list(cell_values) + [None] * len(header)
        rec = {name: values[i] for name, i in position.items()}
        rows.append(_xlsx_row(path, number, rec, verbatim_keys))
        records.append(rec)
    return rows, records


def _xlsx_row(path: Path, number: int, rec: dict, verbatim_keys: bool = False) -> tuple:
    """One long row from the cells of Excel row ``number`` (numbers exact, text like CSV)."""
    key = area_key(_cell_text(rec["ags"]), verbatim=verbatim_keys)
    if not key:
        raise SourceError(path, "Gebietsschlüssel fehlt", number, "ags")
    raw_year = rec["jahr"]
    year = raw_year.year if isinstance(raw_year, (dt.date, dt.datetime)) else parse_year(
        _cell_text(raw_year))
    if year is None:
        raise SourceError(path, f"„{_cell_text(raw_year)}“ ist keine Jahresangabe", number, "jahr")
    code = _cell_text(rec["indikator"])
    if not code:
        raise SourceError(path, "Indikator fehlt", number, "indikator")
    raw = rec["wert"]
    if isinstance(raw, bool) or isinstance(raw, (dt.date, dt.datetime, dt.time)):
        raise SourceError(path, f"„{raw}“ ist keine Zahl", number, "wert",
                          hint="Zellformat „Zahl“ verwenden.")
    parsed = _parse(path, raw, number, "wert", ",")
    return (number, key, "", year, code, parsed.value, parsed.status)


# --- GISD (RKI) --------------------------------------------------------------------------------

GISD_LABELS = {"gisd_score": "GISD-Score (German Index of Socioeconomic Deprivation)"}


def read_gisd(path: Path) -> pd.DataFrame:
    """GISD CSV ``kreis_id,kreis_name,year,gisd_score[,…]``; every numeric column becomes a code."""
    path = Path(path)
    header, records = _records(
        path, _read_text(path), ",", ["kreis_id", "kreis_name", "year", "gisd_score"]
    )
    columns = [c for c in header if c.startswith("gisd")]
    rows = []
    for column in columns:
        rows += _finish(path, records, ags="kreis_id", year="year", code=None, code_value=column,
                        value=column, name="kreis_name")
    labels = {c: GISD_LABELS.get(c, c) for c in columns}
    return _frame(rows, FORMAT_GISD, labels, {c: "Index" for c in columns})


# --- Bundesagentur für Arbeit --------------------------------------------------------------------

BA_LABELS = {"total": "Arbeitslose insgesamt (Jahresdurchschnitt)",
             "women": "Arbeitslose Frauen (Jahresdurchschnitt)"}


def read_ba(path: Path) -> pd.DataFrame:
    """BA annual averages ``region,year,total,women``; codes ``total`` and ``women``.

    Values are kept exactly as in the file (averages of monthly counts); the catalogue's
    ``decimals`` decides how they are shown.
    """
    path = Path(path)
    header, records = _records(path, _read_text(path), ",", ["region", "year", "total"])
    columns = [c for c in header if c not in ("region", "year")]
    rows = []
    for column in columns:
        rows += _finish(path, records, ags="region", year="year", code=None, code_value=column,
                        value=column)
    labels = {c: BA_LABELS.get(c, c) for c in columns}
    return _frame(rows, FORMAT_BA, labels, {c: "Anzahl" for c in columns})


# --- GENESIS / Regionalstatistik flat CSV (current and older layout) ---------------------------

_REGION_KEY = re.compile(r"^(DG|\d{2}|\d{3}|\d{5}|\d{8}|\d{12})$")
_TABLE_CODE = re.compile(r"^([0-9A-Z]{3,5}(?:-[0-9A-Z]+)*)")


def genesis_table_code(path: Path) -> str:
    """Table code from a GENESIS download name (``12411-01-01-4_1773…_de_flat.csv``)."""
    stem = Path(path).name.split("_")[0]
    match = _TABLE_CODE.match(stem)
    return match.group(1) if match else stem


def _flat_table_code(path: Path, statistics_code: str) -> str:
    """The table code from the file name as :func:`genesis_table_code` reads it (the build relies
    on it) if it looks like one, else the statistic's code (``12411``) from the first data row."""
    code = genesis_table_code(path)
    if re.fullmatch(r"[0-9A-Z]+(?:-[0-9A-Z]+)*", code) and any(ch.isdigit() for ch in code):
        return code
    return statistics_code.strip() or Path(path).stem


def _flat_groups(path: Path, header: list[str]) -> tuple[list[int], int]:
    """Start columns of the classifying variables (groups of 4 after the 5 leading columns) and
    the first value column. Parsed by position: English old headers repeat names."""
    if len(header) < 6 or not re.match(r"^(statistics_code|statistik_code)$", header[0].lower()):
        raise SourceError(path, "kein GENESIS-Flat-Format erkannt (Kopfzeile passt nicht)", row=1,
                          hint="Die erste Spalte muss „statistics_code“ heißen.")
    groups, pos = [], 5
    while pos + 3 < len(header) and re.match(r"^\d+_", header[pos]):
        groups.append(pos)
        pos += 4
    if not groups or pos >= len(header):
        raise SourceError(path, "kein GENESIS-Flat-Format erkannt (Merkmals- oder Wertspalten "
                          "fehlen)", row=1)
    return groups, pos


def _region_group(rows: list[tuple[int, list[str]]], groups: list[int]) -> int | None:
    for g in groups:
        codes = {cells[g + 2].strip() for _, cells in rows if len(cells) > g + 2}
        if codes and all(_REGION_KEY.match(c) for c in codes):
            return g
    return None


def _flat_value_columns(header: list[str], pos: int) -> tuple[bool, list[tuple]]:
    """Layout and value columns: current (one ``value`` column) or old (wide
    ``CODE__Label__Unit`` columns → (column, code, label, unit))."""
    value_cols = header[pos:]
    if "value" in value_cols and "value_variable_code" in value_cols:
        return True, []
    wide = []
    for offset, name in enumerate(value_cols):
        parts = name.split("__")
        code = parts[0].strip()
        label = parts[1].replace("_", " ").strip() if len(parts) > 1 else code
        unit = parts[2].replace("_", " ").strip() if len(parts) > 2 else ""
        wide.append((pos + offset, code, label, unit))
    return False, wide


def read_genesis_flat(path: Path) -> pd.DataFrame:
    """GENESIS flat CSV, current layout (``…;N_variable_code;…;value;value_unit;value_variable_code
    ;value_variable_label[;value_q]``) or the older layout (German/English headers, wide
    ``CODE__Label__Einheit`` value columns).

    Parsed by structure, not by known table codes: the region variable is the classifying variable
    whose attribute codes are all region keys (``DG``, Land, RB, Kreis, Gemeinde AGS, 12-digit ARS →
    8-digit AGS). Every other classifying variable is either at its total (empty attribute code or
    "Insgesamt"/"Total"/"Zusammen"/"Gesamt") or a breakdown:

    * totals get the code ``<table>/<VALUEVAR>`` (e.g. ``12411-01-01-4/BEVSTD``);
    * breakdowns ``<table>/<VALUEVAR>/<ATTR1>+<ATTR2>`` (attribute codes of the non-total variables
      in variable order), labelled "Lebensformen – Paargemeinschaften ohne Kinder".

    ``value_q`` flags become the status; units come from ``value_unit`` or the third ``__`` part.
    """
    path = Path(path)
    rows = _csv_rows(path, _read_text(path), ";")
    if len(rows) < 2:
        raise SourceError(path, "Datei enthält keine Datenzeilen")
    header = [h.strip().strip('"') for h in rows[0][1]]
    groups, pos = _flat_groups(path, header)
    current, wide = _flat_value_columns(header, pos)
    region = _region_group(rows[1:], groups)
    if region is None:
        raise SourceError(path, "keine Spalte mit Regionalschlüsseln gefunden", row=1,
                          hint="Bitte die Tabelle mit einer regionalen Gliederung abrufen.")
    others = [g for g in groups if g != region]
    table = _flat_table_code(path, rows[1][1][0] if rows[1][1] else "")
    index = {name: i for i, name in enumerate(header)}
    out, labels, units = [], {}, {}
    for line, cells in rows[1:]:
        if len(cells) < len(header):
            raise SourceError(path, f"Zeile hat {len(cells)} statt {len(header)} Spalten", line)
        year = parse_year(cells[4])
        if year is None:
            raise SourceError(path, f"„{cells[4]}“ ist keine Zeitangabe", line, header[4])
        key, name = region_key(cells[region + 2]), cells[region + 3].strip()
        breakdown = [(cells[g + 2].strip(), cells[g + 3].strip()) for g in others
                     if not _is_total(cells[g + 2], cells[g + 3])]
        for variable, raw, label, unit, flag in _flat_cells(cells, index, current, wide):
            code = f"{table}/{variable}"
            if breakdown:
                code += "/" + "+".join(c for c, _ in breakdown)
                label = " – ".join([label, *(lab for _, lab in breakdown)])
            parsed = _parse(path, raw, line, "value" if current else variable)
            status = parsed.status or _flag_status(flag)
            out.append((line, key, name, year, code, parsed.value, status))
            labels.setdefault(code, label)
            if unit and not units.get(code):
                units[code] = unit
    fmt = FORMAT_GENESIS_FLAT if current else FORMAT_GENESIS_FLAT_OLD
    return _frame(out, fmt, labels, units)


def _flat_cells(cells: list[str], index: dict, current: bool, wide: list[tuple]):
    """(variable code, raw value, label, unit, quality flag) of one flat row."""
    if not current:
        return [(code, cells[col], label, unit, "") for col, code, label, unit in wide]
    variable = cells[index["value_variable_code"]].strip()
    label = cells[index["value_variable_label"]].strip() if "value_variable_label" in index else ""
    unit = cells[index["value_unit"]].strip() if "value_unit" in index else ""
    unit = GENESIS_UNITS.get(unit, unit)
    flag = cells[index["value_q"]].strip() if "value_q" in index else ""
    return [(variable, cells[index["value"]], label or variable, unit, flag)]


def _flag_status(flag: str) -> str:
    """German status of a GENESIS quality flag; unknown flags are named as they are."""
    flag = flag.strip()
    if not flag:
        return ""
    return GENESIS_FLAGS.get(flag.lower(), f"Kennzeichen „{flag}“")  # "e" → "" (final)


# --- GENESIS "Tabelle" CSV (classic table download) ----------------------------------------------

_TABLE_TITLE = re.compile(r"Tabelle:\s*([0-9A-Za-z]+(?:-[0-9A-Za-z]+)*)")
_FOOTER = re.compile(r"^(_{3,}|\(c\)|©|stand:|datenlizenz)", re.IGNORECASE)
_YEAR_CELL = re.compile(r"^\s*(1[89]|20)\d\d\s*$")
_PURE_DATE = re.compile(r"^(\d{1,2}\.\d{1,2}\.)?(1[89]\d\d|20\d\d)$")


def read_genesis_table(path: Path) -> pd.DataFrame:
    """Classic GENESIS table CSV (cp1252/latin-1, ``;``): a preamble whose first line names the table
    ("GENESIS-Tabelle: 12111-04-01-4", "Tabelle: 13211-02-05-4"), 2–3 header rows (first cells
    empty; the last one holds the units), data rows, a footer (underscores, ©, "Stand: …").

    The structure is detected from the cells: the region key column, an optional year column (else
    the date of the preamble), the name column after the key, and further leading text columns
    (e.g. age class) that become part of the code. Codes:

    * ``<table>/<slug of the column's header texts>`` for rows whose text columns are "Insgesamt"
      (e.g. ``13211-02-05-4/arbeitslosenquote-bez-auf-alle-zivile-erwerbsp-maenner``);
    * ``<table>/<column slug>/<slug of the text columns>`` otherwise
      (e.g. ``12111-04-01-4/bevoelkerung-insgesamt/3-bis-unter-4-jahre``).

    The slug depends only on the header texts, so editions of the same table share their codes.
    """
    path = Path(path)
    rows = _csv_rows(path, _read_text(path, ("utf-8-sig", "cp1252", "latin-1")), ";")
    layout = _table_layout(path, rows)
    out, labels, units = [], {}, {}
    for line, cells in _table_data_rows(rows[layout.first:]):
        cells = cells + [""] * (layout.width - len(cells))
        if not _REGION_KEY.match(cells[layout.key].strip()):
            if not any(cells[col].strip() for col, *_ in layout.columns):
                continue  # a label line between blocks
            raise SourceError(path, f"„{cells[layout.key].strip()}“ ist kein Regionalschlüssel",
                              line, "Schlüssel")
        year = _table_year(path, layout, cells, line)
        key, name = region_key(cells[layout.key]), cells[layout.name].strip()
        extra = [cells[c].strip() for c in layout.classes
                 if cells[c].strip() and cells[c].strip().lower() not in TOTAL_LABELS]
        for col, code, label, unit in layout.columns:
            if extra:
                code = f"{code}/{'+'.join(_slug(c) for c in extra)}"
                label = " – ".join([label, *extra])
            parsed = _parse(path, cells[col], line, label)
            out.append((line, key, name, year, code, parsed.value, parsed.status))
            labels.setdefault(code, label)
            units.setdefault(code, unit)
    if not out:
        raise SourceError(path, "Tabelle enthält keine Datenzeilen")
    return _frame(out, FORMAT_GENESIS_TABLE, labels, units)


@dataclass(frozen=True)
class _TableLayout:
    """Where things are in a GENESIS table: index of the first data row, key/year/name columns,
    further text columns (e.g. age class) and the value columns (column, code, label, unit)."""

    first: int
    key: int
    year: int | None
    fixed_year: int | None
    name: int
    classes: list[int]
    columns: list[tuple[int, str, str, str]]
    width: int


def _table_layout(path: Path, rows: list[tuple[int, list[str]]]) -> _TableLayout:
    table = _genesis_table_title(path, rows)
    first, key_col = _first_data_row(path, rows)
    heads = _header_rows(path, rows, first)
    lead = min(_leading_empty(cells) for _, cells in heads)
    if key_col + 1 >= lead:
        raise SourceError(path, "Kopfzeilen passen nicht zu den Datenzeilen", heads[0][0])
    first_cells = rows[first][1] + [""] * lead
    year_col = next((c for c in range(lead)
                     if c not in (key_col, key_col + 1) and _YEAR_CELL.match(first_cells[c])), None)
    fixed_year = None if year_col is not None else _preamble_year(path, rows[:first])
    classes = [c for c in range(lead) if c not in (key_col, key_col + 1, year_col)]
    columns = _table_columns(table, heads, lead)
    return _TableLayout(first, key_col, year_col, fixed_year, key_col + 1, classes, columns,
                        lead + len(columns))


def _table_year(path: Path, layout: _TableLayout, cells: list[str], line: int) -> int:
    if layout.year is None:
        return layout.fixed_year
    if not _YEAR_CELL.match(cells[layout.year]):
        raise SourceError(path, f"„{cells[layout.year].strip()}“ ist keine Jahresangabe", line,
                          "Jahr")
    return int(cells[layout.year].strip())


def _genesis_table_title(path: Path, rows: list[tuple[int, list[str]]]) -> str:
    for _, cells in rows[:3]:
        match = _TABLE_TITLE.search(cells[0]) if cells else None
        if match:
            return match.group(1)
    raise SourceError(path, "keine GENESIS-Tabelle: die erste Zeile nennt keine Tabelle "
                      "(„Tabelle: …“)", 1)


def _first_data_row(path: Path, rows: list[tuple[int, list[str]]]) -> tuple[int, int]:
    """Index of the first data row below a header row (first cell empty) and its key column: the
    first of its leading cells that is a region key followed by a name."""
    for index, (_, cells) in enumerate(rows[1:], start=1):
        if index < 2 or rows[index - 1][1][0].strip():
            continue
        for col in range(min(3, len(cells) - 1)):
            if _REGION_KEY.match(cells[col].strip()) and cells[col + 1].strip():
                return index, col
    raise SourceError(path, "keine Datenzeilen mit Regionalschlüsseln gefunden",
                      hint="Erwartet: Kopfzeilen mit leeren ersten Zellen, dann Zeilen mit "
                      "Schlüssel und Name.")


def _header_rows(path: Path, rows: list, first: int) -> list[tuple[int, list[str]]]:
    """The header rows right above the data: rows whose first cell is empty."""
    start = first
    while start > 1 and not rows[start - 1][1][0].strip():
        start -= 1
    heads = rows[start:first]
    if not heads:
        raise SourceError(path, "Kopfzeilen der Tabelle fehlen", rows[first][0])
    return heads


def _leading_empty(cells: list[str]) -> int:
    count = 0
    for cell in cells:
        if cell.strip():
            break
        count += 1
    return count


def _table_data_rows(rows: list) -> list[tuple[int, list[str]]]:
    """Data rows up to the footer (a line of underscores, ©, "Stand:", "Datenlizenz")."""
    data = []
    for line, cells in rows:
        if _FOOTER.match(cells[0].strip()):
            break
        data.append((line, cells))
    return data


def _preamble_year(path: Path, preamble: list[tuple[int, list[str]]]) -> int:
    """The year of a table without a year column: a line holding only a date or year, else the
    last year named in the title lines ("Stichtag 09.05.2011")."""
    lines = [cells[0].strip() for _, cells in preamble[1:] if cells]
    for text in lines:
        if _PURE_DATE.match(text):
            return parse_year(text)
    years = [parse_year(text) for text in lines if parse_year(text)]
    if not years:
        raise SourceError(path, "weder Jahresspalte noch Stichtag in der Tabelle gefunden",
                          hint="Bitte die Tabelle mit Zeitangabe abrufen.")
    return years[-1]


def _table_columns(table: str, heads: list, lead: int) -> list[tuple[int, str, str, str]]:
    """(column, code, label, unit) of the value columns; the last header row holds the units."""
    names = heads[:-1] if len(heads) > 1 else heads
    unit_row = heads[-1][1] if len(heads) > 1 else []
    width = max(len(cells) for _, cells in heads)
    columns, seen = [], set()
    for col in range(lead, width):
        parts = [cells[col].strip() for _, cells in names if col < len(cells) and cells[col].strip()]
        unit = unit_row[col].strip() if col < len(unit_row) else ""
        label = " – ".join(parts) or f"Spalte {col + 1}"
        slug = _slug(label)
        if slug in seen and unit:
            slug = f"{slug}-{_slug(unit)}"
        base, n = slug, 2
        while slug in seen:
            slug, n = f"{base}-{n}", n + 1
        seen.add(slug)
        columns.append((col, f"{table}/{slug}", label, unit))
    return columns


# --- wide tables of city statistics (one column per year or date) ----------------------------

FORMAT_WIDE_CSV = "Tabelle mit Jahresspalten (CSV)"
FORMAT_WIDE_XLSX = "Tabelle mit Jahresspalten (Excel)"

#: A column header that names a year or a date: ``2016``, ``2016 ``, ``31.12.2016``,
#: ``Stand 31.12.2016``, ``Stichtag: 31.12.2016``, ``Jahr 2016``, ``2016-12-31``.
_WIDE_YEAR = re.compile(
    r"^(?:(?:stand|stichtag|jahr|jahresende|ende)\s*:?\s*(?:am\s+|zum\s+)?)?"
    r"(?:\d{1,2}\.\s?\d{1,2}\.\s?)?((?:19|20)\d\d)(?:-\d{1,2}-\d{1,2})?$", re.IGNORECASE)
#: Where the header row of a wide table may be found (preamble lines above it).
WIDE_HEADER_ROWS = 15

#: Roles of the rows of a wide table (:func:`row_role`).
ROLE_AREA, ROLE_TOTAL, ROLE_UNASSIGNED = "area", "total", "unassigned"
#: Names of a total row: "Stadt insgesamt", "Gesamt", "Jena gesamt", "Summe", "Gesamtstadt".
_TOTAL_NAME = re.compile(r"(^|\s)(insgesamt|gesamt|summe|zusammen)\s*:?$|^gesamtstadt$|"
                         r"^stadt\s+(insgesamt|gesamt)$", re.IGNORECASE)
#: Words in the name of a row that belongs to no area.
UNASSIGNED_WORDS = ("außerhalb", "ausserhalb", "nicht zugeordnet", "nicht zuordenbar",
                    "ohne zuordnung", "keine zuordnung", "ohne räumliche zuordnung", "unbekannt",
                    "ohne angabe", "nicht zuzuordnen")
#: Words of a header that names the key column / the name column.
_KEY_HEADER = re.compile(r"(^|[^a-zäöüß])(nr|nummer|schlüssel|schluessel|kennziffer|kennz|ags|"
                         r"ars|key|id|code|kz|gkz)\.?($|[^a-zäöüß])|(nr|nummer|schlüssel)\.?$",
                         re.IGNORECASE)
_NAME_HEADER = re.compile(r"name|bezeichnung|gebiet|stadtteil|ortsteil|sozialraum|bezirk|"
                          r"raumeinheit|planungsraum|quartier|viertel|kreis|gemeinde|region",
                          re.IGNORECASE)
#: Names of sheets that say nothing ("Tabelle1", "Sheet1").
_PLAIN_SHEET = re.compile(r"^(tabelle|sheet|blatt|daten)\s*\d*$", re.IGNORECASE)


def wide_year(cell: object) -> int | None:
    """The year a column header of a wide table names, or None (see :data:`_WIDE_YEAR`);
    Excel dates and whole numbers (2016) count."""
    if isinstance(cell, (dt.date, dt.datetime)):
        return cell.year
    if isinstance(cell, bool):
        return None
    if isinstance(cell, (int, float)):
        return int(cell) if float(cell).is_integer() and 1800 <= cell <= 2100 else None
    match = _WIDE_YEAR.match(_cell_text(cell).replace("\u00a0", " ").strip())
    return int(match.group(1)) if match else None


def row_role(key: object, name: object) -> str:
    """Whether a row of a wide table is an area (:data:`ROLE_AREA`), the total over all areas
    (:data:`ROLE_TOTAL`: "gesamt", "insgesamt", "Stadt insgesamt", "Summe", key ``0``/``00``) or
    belongs to no area (:data:`ROLE_UNASSIGNED`: "außerhalb", "nicht zugeordnet", "ohne
    Zuordnung", "unbekannt", key ``99``/``999``).

    >>> row_role("0", "Stadt insgesamt"), row_role("999", "nicht zugeordnet"), row_role("01", "Altstadt")
    ('total', 'unassigned', 'area')
    """
    key = _cell_text(key).strip().strip('"').strip()
    text = " ".join(_cell_text(name).lower().split())
    if any(word in text for word in UNASSIGNED_WORDS) or (
            len(key) >= 2 and is_digits(key) and set(key) == {"9"}):
        return ROLE_UNASSIGNED
    if _TOTAL_NAME.search(text) or (is_digits(key) and set(key) == {"0"}):
        return ROLE_TOTAL
    return ROLE_AREA


def _wide_header(rows: list[tuple[int, list]]) -> int | None:
    """Index of the header row of a wide table: the first row with more than one cell (rows
    above it are title lines) among the first rows, with at least one label column, then
    columns that name a year or a date (empty ones allowed), at most followed by other columns
    ("Veränderung in %"), which are not read. None when that row is no such header."""
    for index, (_, cells) in enumerate(rows[:WIDE_HEADER_ROWS]):
        if sum(1 for cell in cells if _cell_text(cell).strip()) < 2:
            continue  # a title line above the header
        years = [i for i, cell in enumerate(cells) if wide_year(cell) is not None]
        if not years or years[0] == 0:
            return None
        rest = [wide_year(cell) is not None for cell in cells[years[0]:]
                if _cell_text(cell).strip()]
        others = rest.index(False) if False in rest else len(rest)
        return index if not any(rest[others:]) else None  # years first, then other columns
    return None


def looks_wide(text: str) -> str | None:
    """The delimiter of a CSV text that is a wide table (:func:`read_wide`), else None."""
    best, width = None, 0
    for sep in (";", "\t", ","):
        rows = []
        try:
            for number, cells in enumerate(csv.reader(io.StringIO(text), delimiter=sep), 1):
                if any(cell.strip() for cell in cells):
                    rows.append((number, cells))
                if len(rows) >= WIDE_HEADER_ROWS:
                    break
        except csv.Error:
            continue
        index = _wide_header(rows)
        if index is not None and len(rows[index][1]) > width:
            best, width = sep, len(rows[index][1])
    return best


@dataclass(frozen=True)
class _WideLayout:
    header: int  # index of the header row
    key: int | None  # key column (None: the name is the key)
    name: int
    classes: list[int]  # further label columns (e.g. "Merkmal"): part of the code
    years: list[tuple[int, int, str]]  # (column, year, header text)
    title: str  # the first preamble line, if any
    ignored: tuple[str, ...] = ()  # headers of columns after the years, not read


def _wide_layout(path: Path, rows: list[tuple[int, list]], key_column: str | None,
                 name_column: str | None) -> _WideLayout:
    index = _wide_header(rows)
    if index is None:
        raise SourceError(path, "keine Kopfzeile mit Jahres- oder Datumsspalten gefunden",
                          hint="Erwartet: Schlüssel- und Namensspalte, dann je Jahr eine Spalte "
                          "(„2016“ oder „31.12.2016“).")
    line, header = rows[index]
    years = [(i, wide_year(cell), _cell_text(cell).strip()) for i, cell in enumerate(header)
             if wide_year(cell) is not None]
    ignored = tuple(_cell_text(cell).strip() for cell in header[years[0][0]:]
                    if _cell_text(cell).strip() and wide_year(cell) is None)
    labels = list(range(years[0][0]))
    names = [_cell_text(header[i]).strip() for i in labels]

    def chosen(wanted: str | None, what: str) -> int | None:
        if wanted is None:
            return None
        for i, text in zip(labels, names):
            if text.lower() == wanted.strip().lower():
                return i
        shown = ", ".join(f"„{n}“" for n in names if n) or "keine"
        raise SourceError(path, f"{what} „{wanted}“ gibt es nicht (Spalten vor den Jahren: "
                          f"{shown})", line, hint="Bitte den Namen der Spalte so angeben, wie er "
                          "in der Kopfzeile steht.")

    key = chosen(key_column, "Schlüsselspalte")
    name = chosen(name_column, "Namensspalte")
    if key is None and key_column is None:
        key = next((i for i, text in zip(labels, names) if _KEY_HEADER.search(text)), None)
    if name is None:
        name = next((i for i, text in zip(labels, names)
                     if i != key and _NAME_HEADER.search(text)), None)
    if name is None:
        name = next((i for i in labels if i != key), key)
    if key is None and key_column is None and len(labels) >= 2 and name != labels[0]:
        key = labels[0]  # unnamed first column before the name: the key
    classes = [i for i in labels if i not in (key, name)]
    title = next((_cell_text(c).strip() for _, cells in rows[:index] for c in cells
                  if _cell_text(c).strip()), "")
    return _WideLayout(index, key, name, classes, years, title, ignored)


def _wide_rows(path: Path, rows: list[tuple[int, list]], layout: _WideLayout, *, base: str,
               decimal: str, verbatim_keys: bool, out: list, labels: dict,
               special: dict) -> None:
    """Long rows of one wide table (a CSV or one sheet) appended to ``out``; total rows and
    rows of no area to ``special[ROLE_TOTAL]`` / ``special[ROLE_UNASSIGNED]``."""
    block = base
    width = max(c for c, _, _ in layout.years) + 1
    first = layout.years[0][0]
    heads = [_cell_text(c).strip() for c in rows[layout.header][1][:first]]
    heads = heads if any(heads) else None
    seen_years = {}
    for col, year, text in layout.years:
        if year in seen_years:
            raise SourceError(path, f"zwei Spalten für das Jahr {year} („{seen_years[year]}“ und "
                              f"„{text}“)", rows[layout.header][0], text,
                              hint="Bitte je Jahr nur eine Spalte behalten.")
        seen_years[year] = text
    for line, cells in rows[layout.header + 1:]:
        cells = list(cells) + [None] * (width - len(cells))
        values = [cells[c] for c, _, _ in layout.years]
        filled = [_cell_text(c).strip() for c in cells[:layout.years[0][0]]
                  if _cell_text(c).strip()]
        if not any(_cell_text(v).strip() for v in values):
            if len(filled) == 1:
                block = filled[0]  # a block title ("Arbeitslose", "Bevölkerung …")
            continue  # a note or an empty line
        if heads and [_cell_text(c).strip() for c in cells[:first]] == heads:
            continue  # the header repeated for a block
        raw_key = cells[layout.key] if layout.key is not None else cells[layout.name]
        name = _cell_text(cells[layout.name]).strip()
        if not _cell_text(raw_key).strip():
            raise SourceError(path, "Gebietsschlüssel fehlt", line, "Schlüssel")
        role = row_role(raw_key, name)
        raw_text = _cell_text(raw_key).strip()
        if role == ROLE_TOTAL and not verbatim_keys and set(raw_text) != {"0"} and area_key(
                raw_key) in (LAND_AGS, GERMANY_AGS):
            role = ROLE_AREA  # "16 Thüringen insgesamt": the Land, kept as every reader keeps it
        # the total and the rows of no area keep their key as written (no area: key 0 ≠ "DG")
        key = area_key(raw_key, verbatim=verbatim_keys or role != ROLE_AREA)
        extra = [_cell_text(cells[c]).strip() for c in layout.classes
                 if _cell_text(cells[c]).strip()
                 and _cell_text(cells[c]).strip().lower() not in TOTAL_LABELS]
        code, label = _slug(block), block
        if extra:
            code = f"{code}/{'+'.join(_slug(c) for c in extra)}"
            label = " – ".join([label, *extra])
        for (col, year, text), raw in zip(layout.years, values):
            if isinstance(raw, bool) or isinstance(raw, (dt.date, dt.datetime, dt.time)):
                raise SourceError(path, f"„{raw}“ ist keine Zahl", line, text)
            parsed = _parse(path, raw, line, text, decimal)
            record = (line, key, name, year, code, parsed.value, parsed.status)
            (out if role == ROLE_AREA else special[role]).append(record)
        labels.setdefault(code, label)


def _wide_frame(path: Path, out: list, labels: dict, special: dict, fmt: str,
                ignored: tuple[str, ...] = ()) -> pd.DataFrame:
    if not out and not any(special.values()):
        raise SourceError(path, "Tabelle enthält keine Datenzeilen")
    frame = _frame(out, fmt, labels, {})
    frame.attrs["totals"] = tuple(special[ROLE_TOTAL])
    frame.attrs["unassigned"] = tuple(special[ROLE_UNASSIGNED])
    frame.attrs["ignored_columns"] = tuple(dict.fromkeys(ignored))
    return frame


def read_wide(path: Path, *, verbatim_keys: bool = False, key_column: str | None = None,
              name_column: str | None = None) -> pd.DataFrame:
    """A wide table as city statistics offices publish it (CSV): optional title lines, a header
    row with label columns (key, name, maybe more) and then one column per year or per date
    (``2016``, ``31.12.2016``, ``Stand 31.12.2016``), one row per area.

    * Delimiter ``;`` or tab with decimal comma (``1.234,5``), or ``,`` with decimal point;
      the official signs for missing values (``-``, ``.``, ``x``, ``…``, ``/``) as everywhere.
    * Key column: ``key_column`` or the label column whose header says so ("Nr.", "Schlüssel",
      "Kennziffer", "ags", "ID"), else the first of two label columns; without one the name is
      the key. Name column: ``name_column`` or the header that says so ("Name", "Stadtteil",
      "Sozialraum", "Gebiet"…), else the first other label column. Further label columns
      become part of the code, like the classes of a GENESIS table.
    * Columns after the year columns that name no year ("Veränderung in %") are not read; their
      headers are listed in ``attrs["ignored_columns"]``.
    * Indicator blocks: a line with a single text and no values starts a block ("Arbeitslose"),
      its text is the series' label; without blocks the title line above the header is, else
      "Werte".
    * Keys: as written with ``verbatim_keys`` (own levels), else region keys (:func:`area_key`).
    * Rows of the total ("Stadt insgesamt", key 0) and of no area ("nicht zugeordnet", key 999)
      (:func:`row_role`) are not areas: they are left out of the frame and listed in
      ``attrs["totals"]`` and ``attrs["unassigned"]`` (tuples of rows like the frame's).
    """
    path = Path(path)
    text = _read_text(path)
    sep = looks_wide(text) or ";"
    rows = _csv_rows(path, text, sep)
    layout = _wide_layout(path, rows, key_column, name_column)
    out, labels, special = [], {}, {ROLE_TOTAL: [], ROLE_UNASSIGNED: []}
    _wide_rows(path, rows, layout, base=layout.title or "Werte",
               decimal="." if sep == "," else ",", verbatim_keys=verbatim_keys, out=out,
               labels=labels, special=special)
    return _wide_frame(path, out, labels, special, FORMAT_WIDE_CSV, layout.ignored)


def xlsx_is_wide(path: Path) -> bool:
    """Whether a workbook holds wide tables (every data sheet has a year header) rather than
    the own template (a sheet with the columns ags, jahr, indikator, wert)."""
    def check(book) -> bool:
        sheets = _xlsx_sheets(path, book)
        for rows in sheets.values():
            header = [_cell_text(v).lower() for v in rows[0][1]]
            if all(c in header for c in TIDY_COLUMNS):
                return False
        return all(_wide_header(rows) is not None for rows in sheets.values())
    return _xlsx_read(path, check)


def read_wide_xlsx(path: Path, *, verbatim_keys: bool = False, key_column: str | None = None,
                   name_column: str | None = None) -> pd.DataFrame:
    """Wide tables in an Excel workbook (as :func:`read_wide`), one per sheet; a sheet's title
    line, else its name (unless a plain "Tabelle1"), is the label of its series. Numbers of
    numeric cells are exact; dates and whole numbers are year headers. Caps and checks as
    :func:`read_tidy_xlsx` (formulas refused)."""
    path = Path(path)
    out, labels, special = [], {}, {ROLE_TOTAL: [], ROLE_UNASSIGNED: []}
    ignored = []

    def read(book) -> None:
        for title, rows in _xlsx_sheets(path, book).items():
            layout = _wide_layout(path, rows, key_column, name_column)
            ignored.extend(layout.ignored)
            base = layout.title or ("Werte" if _PLAIN_SHEET.match(title.strip()) else title)
            _wide_rows(path, rows, layout, base=base, decimal=",", verbatim_keys=verbatim_keys,
                       out=out, labels=labels, special=special)
    _xlsx_read(path, read)
    return _wide_frame(path, out, labels, special, FORMAT_WIDE_XLSX, tuple(ignored))


__all__ = [
    "FORMAT_BA", "FORMAT_GENESIS_FLAT", "FORMAT_GENESIS_FLAT_OLD", "FORMAT_GENESIS_TABLE",
    "FORMAT_GISD", "FORMAT_INKAR_EXPORT", "FORMAT_INKAR_LONG", "FORMAT_TIDY_CSV",
    "FORMAT_TIDY_XLSX", "FORMAT_WIDE_CSV", "FORMAT_WIDE_XLSX", "area_key", "genesis_table_code",
    "is_missing", "looks_wide", "parse_year", "read_ba", "read_genesis_flat",
    "read_genesis_table", "read_gisd", "read_inkar_export", "read_inkar_long", "read_tidy",
    "read_tidy_xlsx", "read_wide", "read_wide_xlsx", "region_key", "row_role", "template_csv",
    "template_xlsx", "wide_year", "xlsx_is_wide",
]
