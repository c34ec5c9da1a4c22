"""Read any supported source file: check it, detect its format by content, read and verify it.

:func:`read_any` is the single entry point for files a planner uploads. It checks, in this order,
that the file exists, is not too large, not empty, is text (or an Excel workbook) in a readable
encoding, detects the format from the content (never from the file name), reads it with the
matching reader of :mod:`atlas.readers` and refuses duplicate or contradictory rows. Every problem
is a :class:`atlas.errors.SourceError` with a German message naming the file, where possible row
and column, and what to do.
"""

from __future__ import annotations

import io
import math
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pandas as pd

from atlas import readers
from atlas.errors import SourceError
from atlas.schema import Col

#: Default upload limit in MB; overridden by the environment variable ``ATLAS_MAX_UPLOAD_MB``.
DEFAULT_MAX_MB = 20.0
#: Limits for an Excel workbook (a ZIP archive), checked from its directory before any of it is
#: unpacked (decompression bombs: a few hundred KB that unpack to hundreds of MB). Python's zipfile
#: never unpacks more than a member's declared size, so the declared sizes are binding.
#: Worksheets together at most (100,000 rows of the template take about 30 MB):
MAX_UNPACKED_BYTES = 64 * 1024 * 1024
#: Any other member (shared strings, styles, …) at most:
MAX_MEMBER_BYTES = 16 * 1024 * 1024
#: Members larger than RATIO_FROM_BYTES may be packed at most this tightly (real sheets: 5–20):
MAX_COMPRESSION_RATIO = 100
RATIO_FROM_BYTES = 1024 * 1024
#: Members of a workbook at most (a real one has a few dozen).
MAX_ZIP_MEMBERS = 1000

_IMAGES = {
    b"\x89PNG\r\n\x1a\n": "ein PNG-Bild",
    b"\xff\xd8\xff": "ein JPEG-Bild",
    b"GIF87a": "ein GIF-Bild",
    b"GIF89a": "ein GIF-Bild",
    b"%PDF": "ein PDF-Dokument",
}
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")


@dataclass(frozen=True)
class Family:
    """A column-based CSV family: required columns, the delimiters its reader takes."""

    name: str
    columns: tuple[str, ...]
    delimiters: tuple[str, ...]
    reader: Callable[[Path], pd.DataFrame]


FAMILIES = (
    Family(readers.FORMAT_INKAR_LONG, ("ags", "raumeinheit", "jahr", "wert"), (",",),
           readers.read_inkar_long),
    Family(readers.FORMAT_GISD, ("kreis_id", "kreis_name", "year", "gisd_score"), (",",),
           readers.read_gisd),
    Family(readers.FORMAT_BA, ("region", "year", "total"), (",",), readers.read_ba),
    Family(readers.FORMAT_TIDY_CSV, tuple(readers.TIDY_COLUMNS), (";", ","), readers.read_tidy),
)

SUPPORTED = (
    "GENESIS-Flat-CSV (Regionalstatistik, aktuelles und altes Layout), GENESIS-Tabelle (CSV), "
    "INKAR-Webexport, INKAR-Langformat, GISD (RKI), Arbeitslosenstatistik der BA, Tabellen mit "
    "einer Spalte je Jahr oder Stichtag (Stadtstatistik, CSV oder Excel) und die eigene "
    "Vorlage (CSV oder Excel mit den Spalten ags, jahr, indikator, wert)"
)

#: Readers that take options about the keys (the others read official keys, AGS or ARS):
#: ``verbatim_keys`` (keys of an own level kept as written), ``key_column``, ``name_column``.
_KEY_OPTIONS = {
    readers.read_tidy: ("verbatim_keys",),
    readers.read_tidy_xlsx: ("verbatim_keys",),
    readers.read_wide: ("verbatim_keys", "key_column", "name_column"),
    readers.read_wide_xlsx: ("verbatim_keys", "key_column", "name_column"),
}


def max_upload_bytes() -> int:
    """The upload limit in bytes: ``ATLAS_MAX_UPLOAD_MB`` (default 20 MB)."""
    try:
        megabytes = float(os.environ.get("ATLAS_MAX_UPLOAD_MB", DEFAULT_MAX_MB))
    except ValueError:
        megabytes = DEFAULT_MAX_MB
    if not math.isfinite(megabytes) or megabytes <= 0:
        megabytes = DEFAULT_MAX_MB
    return int(megabytes * 1024 * 1024)


def read_any(path: Path | str, *, max_bytes: int | None = None, verbatim_keys: bool = False,
             key_column: str | None = None, name_column: str | None = None) -> pd.DataFrame:
    """Read a source file of any supported format (detected by content).

    Parameters
    ----------
    path
        The file.
    max_bytes
        Size limit; default :func:`max_upload_bytes`.
    verbatim_keys
        For a table of an own level: keys kept as written (``"01"``, ``"1.2"``, ``"A3"``) instead
        of being read as AGS (own template and wide tables; official formats keep their AGS).
    key_column, name_column
        The key and name columns of a wide table (:func:`atlas.readers.read_wide`), by their
        header; default: found from the headers.

    Returns
    -------
    pandas.DataFrame
        Long frame (``row, ags, name, year, code, value, status``) with ``attrs`` ``format``,
        ``labels`` and ``units`` (see :mod:`atlas.readers`); wide tables also ``totals`` and
        ``unassigned`` (rows of the total and of no area, not in the frame).

    Raises
    ------
    SourceError
        For every problem, with a German message naming file, row/column and what to do. Nothing
        else is raised for any content of the file.
    """
    path = Path(path)
    options = {"verbatim_keys": verbatim_keys, "key_column": key_column,
               "name_column": name_column}
    return _guarded(path, lambda: _read_any(path, max_bytes, options))


def detect_format(path: Path | str, *, max_bytes: int | None = None) -> str:
    """German name of the file's format ("GENESIS-Tabelle", "INKAR-Webexport", ...).

    Raises
    ------
    SourceError
        If the file cannot be read or its format is not supported.
    """
    path = Path(path)
    return _guarded(path, lambda: _detect(path, _load(path, max_bytes))[0])


def _guarded(path: Path, action):
    """Run ``action``; anything but a SourceError becomes one (KeyboardInterrupt passes)."""
    try:
        return action()
    except SourceError:
        raise
    except Exception as exc:  # the promise of read_any: only SourceError for any input
        raise SourceError(
            path,
            f"Datei konnte nicht gelesen werden ({type(exc).__name__})",
            hint=f"Bitte Format und Inhalt prüfen. Unterstützt werden: {SUPPORTED}.",
        ) from exc


def _read_any(path: Path, max_bytes: int | None, options: dict) -> pd.DataFrame:
    loaded = _load(path, max_bytes)
    name, reader = _detect(path, loaded)
    taken = _KEY_OPTIONS.get(reader, ())
    for option, column in (("key_column", "Schlüsselspalte"), ("name_column", "Namensspalte")):
        if options.get(option) and option not in taken and not (
                option == "key_column" and options[option].strip().lower() == "ags"):
            raise SourceError(path, f"{column} „{options[option]}“ kann für das Format {name} "
                              "nicht gewählt werden",
                              hint="Wählbar ist sie bei Tabellen mit einer Spalte je Jahr; die "
                              "Vorlage hat den Schlüssel in der Spalte „ags“.")
    frame = reader(path, **{k: options[k] for k in taken if options.get(k) is not None})
    _check_frame(path, frame)
    return frame


# --- checks on the bytes -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Loaded:
    raw: bytes
    text: str | None  # None for an Excel workbook


def _load(path: Path, max_bytes: int | None) -> _Loaded:
    """Existence, size, emptiness, binary content and encoding, in this order."""
    if not path.exists():
        raise SourceError(path, "Datei nicht gefunden", hint="Bitte Pfad bzw. Upload prüfen.")
    if not path.is_file():
        raise SourceError(path, "ist keine Datei (sondern ein Ordner)")
    limit = max_upload_bytes() if max_bytes is None else max_bytes
    size = path.stat().st_size
    if size > limit:
        raise SourceError(
            path,
            f"Datei ist zu groß ({_size_text(size)}; erlaubt sind höchstens {_size_text(limit)})",
            hint="Bitte nur die benötigten Regionen und Jahre exportieren, z. B. nur Thüringen.",
        )
    raw = path.read_bytes()
    if not raw.lstrip(b"\xef\xbb\xbf").strip():
        raise SourceError(path, "Datei ist leer", hint="Bitte die Datei mit Daten erneut speichern.")
    if raw.startswith(_ZIP):
        _check_workbook(path, raw)
        return _Loaded(raw, None)
    _check_binary(path, raw)
    return _Loaded(raw, _decode(path, raw))


def _size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB".replace(".", ",")
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} Bytes"


def _check_workbook(path: Path, raw: bytes) -> None:
    """A ZIP archive must be an Excel workbook (.xlsx) of sane unpacked size and packing ratio;
    checked from the archive's directory alone, before anything is unpacked."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise SourceError(path, "beschädigtes ZIP-/Excel-Archiv",
                          hint="Bitte in Excel öffnen und neu als .xlsx speichern.") from exc
    names = {info.filename for info in infos}
    if "xl/workbook.xml" not in names:
        kind = "ein Word-Dokument" if "word/document.xml" in names else "ein ZIP-Archiv"
        raise SourceError(
            path,
            f"keine Excel-Arbeitsmappe, sondern {kind}",
            hint="Bitte die CSV- oder .xlsx-Datei selbst hochladen (ZIP-Archive vorher entpacken).",
        )
    smaller = "Bitte nur die benötigten Regionen und Jahre in einer Tabelle speichern oder die " \
              "Daten als CSV hochladen."
    if len(infos) > MAX_ZIP_MEMBERS:
        raise SourceError(path, f"Excel-Datei wird nicht gelesen: sie besteht aus {len(infos)} "
                                f"Teilen (erlaubt sind höchstens {MAX_ZIP_MEMBERS})",
                          hint=smaller)
    sheets = [i for i in infos if i.filename.startswith("xl/worksheets/")]
    unpacked = sum(i.file_size for i in sheets)
    if unpacked > MAX_UNPACKED_BYTES:
        raise SourceError(path, f"Excel-Datei wird nicht gelesen: entpackt zu groß "
                                f"({_size_text(unpacked)} Tabellen; erlaubt sind höchstens "
                                f"{_size_text(MAX_UNPACKED_BYTES)})",
                          hint=smaller)
    for info in infos:
        if info not in sheets and info.file_size > MAX_MEMBER_BYTES:
            raise SourceError(path, f"Excel-Datei wird nicht gelesen: entpackt zu groß "
                                    f"({info.filename}: {_size_text(info.file_size)}; erlaubt "
                                    f"sind höchstens {_size_text(MAX_MEMBER_BYTES)})",
                              hint=smaller)
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FROM_BYTES and ratio > MAX_COMPRESSION_RATIO:
            raise SourceError(
                path,
                f"Excel-Datei wird nicht gelesen: verdächtig stark gepackt ({info.filename}: "
                f"{_size_text(info.compress_size)} entpacken zu {_size_text(info.file_size)}, "
                f"Faktor {ratio:.0f}), vermutlich eine „ZIP-Bombe“",
                hint="Bitte die Daten in Excel neu als .xlsx oder als CSV speichern.",
            )


def _check_binary(path: Path, raw: bytes) -> None:
    """Images, PDFs, old Office files, UTF-16 and other binary content are refused."""
    head = raw[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(head):
        raise SourceError(
            path,
            "Datei ist in UTF-16 (Unicode) gespeichert",
            hint="Bitte als „CSV UTF-8 (durch Trennzeichen getrennt)“ speichern.",
        )
    if head.startswith(_OLE):
        raise SourceError(path, "altes Excel-/Office-Format (.xls) wird nicht unterstützt",
                          hint="Bitte in Excel als .xlsx oder als CSV UTF-8 speichern.")
    kind = next((name for magic, name in _IMAGES.items() if head.startswith(magic)), None)
    controls = sum(1 for byte in head if byte < 32 and byte not in b"\t\n\r\f\x1a")
    if kind or b"\x00" in raw or controls > max(3, len(head) // 100):
        found = f" (erkannt: {kind})" if kind else ""
        raise SourceError(
            path,
            f"keine Textdatei – vermutlich ein Bild/PDF, das in .csv umbenannt wurde{found}",
            hint="Bitte die Daten als CSV (UTF-8) oder .xlsx speichern.",
        )


def _looks_utf16(head: bytes) -> bool:
    """UTF-16 without BOM: NUL bytes in every second position of mostly ASCII text."""
    if len(head) < 8:
        return False
    even, odd = head[0::2], head[1::2]
    return even.count(0) > 0.4 * len(even) or odd.count(0) > 0.4 * len(odd)


def _decode(path: Path, raw: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252; else name the first bad byte."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SourceError(
            path,
            f"Zeichenkodierung nicht erkannt: Byte 0x{raw[exc.start]:02X} an Position {exc.start} "
            "ist weder UTF-8 noch Windows-1252",
            row=line,
            hint="Bitte als „CSV UTF-8“ speichern.",
        ) from exc


# --- format detection ----------------------------------------------------------------------------


def _detect(path: Path, loaded: _Loaded) -> tuple[str, Callable[[Path], pd.DataFrame]]:
    """Format name and reader, from the content (the file name is never used)."""
    if loaded.text is None:
        if readers.xlsx_is_wide(path):
            return readers.FORMAT_WIDE_XLSX, readers.read_wide_xlsx
        return readers.FORMAT_TIDY_XLSX, readers.read_tidy_xlsx
    lines = [(n, line) for n, line in enumerate(loaded.text.split("\n"), start=1)
             if line.strip().lstrip("\ufeff")]
    if not lines:
        raise SourceError(path, "Datei ist leer", hint="Bitte die Datei mit Daten erneut speichern.")
    first = lines[0][1].lstrip("\ufeff")
    header_no, header = next(((n, line.lstrip("\ufeff")) for n, line in lines
                              if not line.lstrip("\ufeff").lstrip().startswith("#")), (1, first))
    for sep in readers.DELIMITER_NAMES:
        head = _cells(header, sep)
        if head[0] in ("statistics_code", "statistik_code") and len(head) > 1:
            if sep != ";":
                _wrong_delimiter(path, header_no, sep, (";",))
            current = "value_variable_code" in head
            name = readers.FORMAT_GENESIS_FLAT if current else readers.FORMAT_GENESIS_FLAT_OLD
            return name, readers.read_genesis_flat
        if head[:2] == ["kennziffer", "raumeinheit"]:
            if sep != ";":
                _wrong_delimiter(path, header_no, sep, (";",))
            return readers.FORMAT_INKAR_EXPORT, readers.read_inkar_export
    if "Tabelle:" in first and not first.lstrip().startswith("#"):
        return readers.FORMAT_GENESIS_TABLE, readers.read_genesis_table
    return _detect_columns(path, header_no, header, loaded.text)


def _cells(line: str, sep: str) -> list[str]:
    return [cell.strip().strip('"').strip().lower() for cell in line.split(sep)]


def _detect_columns(path: Path, line_no: int, header: str, text: str = ""):
    """Column-based families; else a wide table (a column per year); a known header with the
    wrong delimiter or a missing column is named."""
    candidates = []
    for family in FAMILIES:
        for sep in readers.DELIMITER_NAMES:
            cells = set(_cells(header, sep))
            found = [c for c in family.columns if c in cells]
            if len(found) == len(family.columns):
                if sep in family.delimiters:
                    return family.name, family.reader
                _wrong_delimiter(path, line_no, sep, family.delimiters)
            candidates.append((len(found), family, found))
    score, family, found = max(candidates, key=lambda c: c[0])
    if score < 2 and text and readers.looks_wide(text):
        return readers.FORMAT_WIDE_CSV, readers.read_wide
    if score >= 2:
        missing = [c for c in family.columns if c not in found]
        raise SourceError(
            path,
            f"Spalte(n) {', '.join(missing)} fehlen",
            row=line_no,
            column=missing[0],
            hint=f"Die Datei sieht aus wie {family.name}; erwartet werden die Spalten "
            f"{', '.join(family.columns)}.",
        )
    raise SourceError(
        path,
        "Dateiformat nicht erkannt",
        row=line_no,
        hint=f"Unterstützt werden: {SUPPORTED}. Am einfachsten: die Vorlage herunterladen.",
    )


def _wrong_delimiter(path: Path, line_no: int, found: str, expected: tuple[str, ...]) -> None:
    names = " oder ".join(readers.DELIMITER_NAMES[d] for d in expected)
    raise SourceError(
        path,
        f"Trennzeichen {readers.DELIMITER_NAMES[found]} gefunden – erwartet wird das {names}",
        row=line_no,
        hint="Bitte als „CSV (Trennzeichen-getrennt)“ speichern oder die Vorlage verwenden.",
    )


# --- checks on the result ------------------------------------------------------------------------


def _check_frame(path: Path, frame: pd.DataFrame) -> None:
    """The file must hold values, and no region/year/series twice."""
    if frame.empty:
        raise SourceError(path, "Datei enthält keine Werte",
                          hint="Bitte prüfen, ob die Datenzeilen fehlen.")
    keys = [Col.AGS, Col.YEAR, Col.CODE]
    repeated = frame[frame.duplicated(keys, keep=False)]
    if repeated.empty:
        return
    repeated = repeated.sort_values(Col.ROW, kind="stable")
    ags, year, code = repeated.iloc[0][keys]
    same = repeated[(repeated[Col.AGS] == ags) & (repeated[Col.YEAR] == year)
                    & (repeated[Col.CODE] == code)]
    a, b = same.iloc[0], same.iloc[1]
    what = f"{ags}, {year}, „{code}“"
    lines = (f"Zeile {int(a[Col.ROW])} und Zeile {int(b[Col.ROW])}" if a[Col.ROW] != b[Col.ROW]
             else f"Zeile {int(a[Col.ROW])} (zwei Spalten mit demselben Indikator und Jahr)")
    if _same_value(a, b):
        raise SourceError(path, f"doppelte Zeile: {lines} enthalten denselben Wert für {what}",
                          row=int(b[Col.ROW]), hint="Bitte die doppelte Zeile löschen.")
    raise SourceError(
        path,
        f"widersprüchliche Werte für {what}: Zeile {int(a[Col.ROW])} hat {_value_text(a)}, "
        f"Zeile {int(b[Col.ROW])} hat {_value_text(b)}",
        row=int(b[Col.ROW]),
        hint="Bitte klären, welcher Wert gilt, und die andere Zeile löschen.",
    )


def _same_value(a: pd.Series, b: pd.Series) -> bool:
    va, vb = a[Col.VALUE], b[Col.VALUE]
    if pd.isna(va) or pd.isna(vb):
        return bool(pd.isna(va) and pd.isna(vb) and a[Col.STATUS] == b[Col.STATUS])
    return bool(va == vb)


def _value_text(row: pd.Series) -> str:
    if pd.isna(row[Col.VALUE]):
        return f"„{row[Col.STATUS] or 'keinen Wert'}“"
    return f"{row[Col.VALUE]:.10g}".replace(".", ",")
