"""Readers for the official file formats planners download.

Every reader returns a long :class:`pandas.DataFrame` with the columns ``row`` (line in the file)
and :data:`atlas.schema.VALUE_COLUMNS` (``ags, name, year, code, value, status``), keys as strings with
leading zeros, missing values as NaN with their reason, and raises :class:`atlas.errors.SourceError`
naming file, row and problem for anything it cannot read.
"""

from __future__ import annotations

import csv
import io
import math
import re
from pathlib import Path

import pandas as pd

from atlas.errors import SourceError
from atlas.schema import VALUE_COLUMNS, Col, kreis_key, normalise_ags
from atlas.values import ValueParseError, parse_value

_YEAR_RE = re.compile(r"(1[89]\d\d|20\d\d)")


def parse_year(raw: object) -> int | None:
    """Year of a time reference: ``2021``, ``2024-12-31``, ``31.12.2022``, ``2010 bis 2019`` (last
    year), ``2016/2017/2018`` (last year). None when no year is found."""
    years = _YEAR_RE.findall(str(raw))
    return int(years[-1]) if years else None


def _read_text(path: Path, encodings: tuple[str, ...] = ("utf-8-sig",)) -> str:
    if not path.is_file():
        raise SourceError(path, "Datei nicht gefunden", hint="Prüfen Sie den Quellordner.")
    raw = path.read_bytes()
    for encoding in encodings:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SourceError(path, f"Zeichenkodierung nicht lesbar (erwartet {', '.join(encodings)})")


def _read_csv(path: Path, sep: str, required: list[str]) -> pd.DataFrame:
    text = _read_text(path)
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise SourceError(path, f"keine gültige CSV-Datei ({exc})") from exc
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise SourceError(
            path,
            f"Spalte(n) {', '.join(missing)} fehlen",
            row=1,
            hint=f"Erwartet werden die Spalten {', '.join(required)}.",
        )
    return frame


def _finish(
    path: Path,
    frame: pd.DataFrame,
    *,
    ags: str,
    year: str,
    code: str | None,
    value: str,
    name: str | None = None,
    decimal: str = ".",
    code_value: str | None = None,
    kreise: bool = True,
) -> pd.DataFrame:
    """Normalise keys, years and values of a long frame; fail with the file row of a bad cell."""
    rows = []
    for index, rec in enumerate(frame.to_dict("records"), start=2):
        key = normalise_ags(rec[ags])
        if kreise:
            key = kreis_key(key)
        yr = parse_year(rec[year])
        if yr is None:
            raise SourceError(path, f"„{rec[year]}“ ist keine Jahresangabe", index, year)
        try:
            parsed = parse_value(rec[value], decimal=decimal)
        except ValueParseError as exc:
            raise SourceError(
                path, str(exc), index, value, hint="Nur Zahlen oder amtliche Sonderzeichen erlaubt."
            ) from exc
        rows.append(
            (
                index,
                key,
                rec[name].strip() if name else "",
                yr,
                code_value if code is None else str(rec[code]),
                parsed.value,
                parsed.status,
            )
        )
    return pd.DataFrame(rows, columns=[Col.ROW, *VALUE_COLUMNS])


# --- INKAR -----------------------------------------------------------------------------------


def read_inkar_long(path: Path) -> pd.DataFrame:
    """INKAR long CSV (``ags,raumeinheit,jahr,…,kuerzel|inkar_id,…,wert``; ``.`` decimal).

    The code is ``kuerzel`` (edition 2024) or ``inkar_id`` (edition 2021).
    """
    path = Path(path)
    frame = _read_csv(path, ",", ["ags", "raumeinheit", "jahr", "wert"])
    code = next((c for c in ("kuerzel", "inkar_id", "merk_id") if c in frame.columns), None)
    if code is None:
        raise SourceError(path, "weder Spalte „kuerzel“ noch „inkar_id“ vorhanden", row=1)
    return _finish(
        path, frame, ags="ags", year="jahr", code=code, value="wert", name="raumeinheit"
    )


# --- tidy panel / own template ----------------------------------------------------------------


def read_tidy(path: Path) -> pd.DataFrame:
    """Tidy long CSV ``ags,jahr,indikator,wert[,einheit,quelle]`` (``,`` or ``;`` separated)."""
    path = Path(path)
    head = _read_text(path).splitlines()[0] if path.is_file() else ""
    sep = ";" if head.count(";") > head.count(",") else ","
    frame = _read_csv(path, sep, ["ags", "jahr", "indikator", "wert"])
    decimal = "," if sep == ";" else "."
    return _finish(
        path, frame, ags="ags", year="jahr", code="indikator", value="wert", decimal=decimal
    )


# --- GISD (RKI) --------------------------------------------------------------------------------


def read_gisd(path: Path) -> pd.DataFrame:
    """GISD CSV ``kreis_id,kreis_name,year,gisd_score[,…]``; every numeric column becomes a code."""
    path = Path(path)
    frame = _read_csv(path, ",", ["kreis_id", "kreis_name", "year", "gisd_score"])
    parts = [
        _finish(
            path,
            frame,
            ags="kreis_id",
            year="year",
            code=None,
            code_value=column,
            value=column,
            name="kreis_name",
        )
        for column in frame.columns
        if column.startswith("gisd")
    ]
    return pd.concat(parts, ignore_index=True)


# --- Bundesagentur für Arbeit --------------------------------------------------------------------


def read_ba(path: Path) -> pd.DataFrame:
    """BA annual averages ``region,year,total,women``; codes ``total`` and ``women``.

    Values are kept exactly as in the file (averages of monthly counts); the catalogue's
    ``decimals`` decides how they are shown.
    """
    path = Path(path)
    frame = _read_csv(path, ",", ["region", "year", "total"])
    parts = []
    for column in [c for c in frame.columns if c not in ("region", "year")]:
        parts.append(
            _finish(path, frame, ags="region", year="year", code=None, code_value=column,
                    value=column)
        )
    return pd.concat(parts, ignore_index=True)


# --- GENESIS / Regionalstatistik flat CSV (current and older layout) ---------------------------

_REGION_KEY = re.compile(r"^(DG|\d{2}|\d{3}|\d{5}|\d{8}|\d{12})$")
_TABLE_CODE = re.compile(r"^([0-9A-Z]{3,5}(?:-[0-9A-Z]+)*)")


def genesis_table_code(path: Path) -> str:
    """Table code from a GENESIS download name (``12411-01-01-4_1773…_de_flat.csv``)."""
    stem = Path(path).name.split("_")[0]
    match = _TABLE_CODE.match(stem)
    return match.group(1) if match else stem


def read_genesis_flat(path: Path) -> pd.DataFrame:
    """GENESIS flat CSV, current layout (``…;N_variable_code;…;value;value_unit;value_variable_code``)
    or the older layout (German/English headers, wide ``CODE__Label__Einheit`` value columns).

    Parsed by structure, not by known table codes: the region variable is the classifying variable
    whose attribute codes are all region keys. Only rows where every other classifying variable is at
    its total (empty attribute code, "Insgesamt") are returned. The code is
    ``<table code>/<value variable code>``.
    """
    path = Path(path)
    text = _read_text(path, ("utf-8-sig", "cp1252"))
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    if len(rows) < 2:
        raise SourceError(path, "Datei enthält keine Datenzeilen")
    header = [h.strip() for h in rows[0]]
    table = genesis_table_code(path)
    # positions: 5 leading columns (statistic code/label, time code/label, time), then groups of 4
    groups = []
    pos = 5
    while pos + 3 < len(header) and re.match(r"^\d+_", header[pos]):
        groups.append(pos)
        pos += 4
    value_cols = header[pos:]
    current = "value" in value_cols and "value_variable_code" in value_cols
    if not groups or len(header) < 6:
        raise SourceError(path, "kein GENESIS-Flat-Format erkannt (Kopfzeile passt nicht)", row=1)
    region_group = _region_group(rows[1:], groups)
    if region_group is None:
        raise SourceError(path, "keine Spalte mit Regionalschlüsseln gefunden", row=1)
    others = [g for g in groups if g != region_group]
    out = []
    for line_no, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < len(header):
            raise SourceError(path, f"Zeile hat {len(row)} statt {len(header)} Spalten", line_no)
        if any(row[g + 2].strip() for g in others):
            continue  # a breakdown (e.g. by sex), not the total
        key = normalise_ags(row[region_group + 2])
        name = row[region_group + 3].strip()
        year = parse_year(row[4])
        if year is None:
            raise SourceError(path, f"„{row[4]}“ ist keine Zeitangabe", line_no, header[4])
        if current:
            cells = {row[header.index("value_variable_code")]: row[header.index("value")]}
            flag = row[header.index("value_q")].strip() if "value_q" in header else ""
        else:
            cells = {h.split("__")[0]: row[pos + i] for i, h in enumerate(value_cols)}
            flag = ""
        for variable, raw in cells.items():
            try:
                parsed = parse_value(raw, decimal=",")
            except ValueParseError as exc:
                raise SourceError(path, str(exc), line_no, variable) from exc
            status = parsed.status or _quality(flag)
            out.append((line_no, key, name, year, f"{table}/{variable}", parsed.value, status))
    return pd.DataFrame(out, columns=[Col.ROW, *VALUE_COLUMNS])


def _quality(flag: str) -> str:
    from atlas.values import QUALITY_FLAGS

    return QUALITY_FLAGS.get(flag.strip().lower(), "")


def _region_group(rows: list[list[str]], groups: list[int]) -> int | None:
    for g in groups:
        codes = {r[g + 2].strip() for r in rows if len(r) > g + 2}
        if codes and all(_REGION_KEY.match(c) for c in codes):
            return g
    return None


def is_missing(value: float) -> bool:
    return value is None or math.isnan(value)
