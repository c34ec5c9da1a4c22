"""An own level from groups of Gemeinden: a table ``ags;name`` (CSV or XLSX), no geometry file.

The table has one row per Gemeinde: its key and the name of the group (the own area) it belongs
to. Keys may be the 8-digit AGS, the 12-digit ARS of the Gemeinde, or an AGS whose leading zero a
spreadsheet dropped. The header row is optional (without one the columns are taken in the order
key, name[, schluessel]); recognised headers: ``ags``/``ars``/``gemeinde``/``gemeindeschluessel``
for the Gemeinde, ``name``/``gebiet``/``gruppe``/``sozialraum``/``bezeichnung`` for the group.

**Group keys.** A third column ``schluessel`` (or ``key``) gives each group its key (e.g. the
planning office's own district numbers); without it a group's key is a slug of its name
(``Schmölln und Umgebung`` → ``schmoelln-und-umgebung``) and rows with the same name form one
group.

Each group's polygon is the union of its Gemeinden's polygons (``shapely.coverage_union_all`` of
the *same* coverage), so neighbouring groups share their borders exactly.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from atlas import formats, readers
from atlas.errors import SourceError
from atlas.geo import WGS84, containing_region
from atlas.levels.boundaries import area_label, cell_text, count_text, listing
from atlas.levels.linkage import link_areas, parent_keys
from atlas.levels.types import ERROR, NOTE, WARNING, AreaSet, Finding, LevelError

GEMEINDE_COLUMNS = ("ags", "ars", "gemeinde", "gemeindeschluessel", "gkz", "ags_gemeinde")
NAME_COLUMNS = ("name", "gebiet", "gruppe", "sozialraum", "bezeichnung", "gebietsname")
KEY_COLUMNS = ("schluessel", "key", "gebietsschluessel")
#: Gemeinden named in one finding at most.
LIST_LIMIT = 10


def read_groups(path: Path | str, gemeinden: gpd.GeoDataFrame, filename: str | None = None,
                kreise: gpd.GeoDataFrame | None = None) -> AreaSet:
    """Read a table of groups of Gemeinden and dissolve each group into one area.

    Parameters
    ----------
    path
        CSV (``;`` or ``,``, UTF-8 or Windows-1252) or XLSX with the columns ``ags`` and ``name``
        (and optionally ``schluessel``).
    gemeinden
        The Gemeinden of the atlas (key column ``AGS`` or ``id``, optional ``GEN`` for messages
        and ``KREIS`` for their Kreis, ``geometry``), as one coverage.
    filename
        The name the planner knows the file by (for messages).
    kreise
        The Kreise (``AGS``/``id``, optional ``GEN``, ``geometry``): for the Kreis names in
        messages, the Kreis of each Gemeinde when ``gemeinden`` has no ``KREIS`` column, and the
        links.

    Returns
    -------
    AreaSet
        Areas (``key, name, geometry`` in EPSG:4326), links, findings and ``members``
        (``key, gemeinde``).

    Raises
    ------
    LevelError
        When the table cannot be read at all (format, encoding, size, no rows, no such column).
    """
    path = Path(path)
    display = filename or path.name
    rows = _table_rows(path, display)
    known = _gemeinde_table(gemeinden, kreise)
    findings: list[Finding] = []
    records = []  # (line, gemeinde, name, group key)
    empty_names, unknown, missing_key = [], {}, []
    for line, raw_ags, name, raw_key in rows:
        ags = readers.region_key(raw_ags) if raw_ags else ""
        if not ags:
            missing_key.append(line)
            continue
        if ags not in known.index:
            unknown.setdefault(raw_ags, []).append((line, name))
            continue
        if not name:
            empty_names.append((line, ags))
            continue
        records.append((line, ags, name, raw_key))
    if missing_key:
        findings.append(Finding(ERROR, f"{display}: {_lines(missing_key)}: Gemeindeschlüssel "
                                       "fehlt. Bitte den 8-stelligen Gemeindeschlüssel (AGS) "
                                       "eintragen oder die Zeile löschen."))
    for raw, places in unknown.items():
        lines = [line for line, _ in places]
        names = sorted({name for _, name in places if name})
        of = f" (Gebiet {listing([f'„{n}“' for n in names])})" if names else ""
        findings.append(Finding(ERROR, f"{display}: {_lines(lines)}{of}: „{raw}“ ist {_unknown(raw)} "
                                       f"Bitte den 8-stelligen Gemeindeschlüssel (AGS) oder den "
                                       "12-stelligen ARS einer Thüringer Gemeinde eintragen."))
    if empty_names:
        which = [f"Zeile {line} ({_gemeinde(known, ags)})" for line, ags in empty_names]
        findings.append(Finding(ERROR, f"{display}: {count_text(len(empty_names), 'Zeile', 'Zeilen')} "
                                       f"ohne Gebietsnamen ({listing(which, LIST_LIMIT)}). Jede "
                                       "Gemeinde braucht den Namen ihres Gebiets."))
    table = pd.DataFrame(records, columns=["line", "gemeinde", "name", "raw_key"])
    if table.empty:
        table["key"] = pd.Series(dtype=str)
        if not findings:
            raise LevelError(f"Datei {display}: enthält keine Zeilen mit Gemeinde und Gebiet. "
                             "Erwartet wird eine Tabelle ags;name.")
        return _result(display, known, table, findings, kreise, gemeinden)
    with_keys = table["raw_key"].notna().any()
    table["key"] = table["raw_key"].fillna("") if with_keys else table["name"].map(readers._slug)
    findings += _key_findings(display, table, with_keys)
    findings += _assignment_findings(display, table, known)
    return _result(display, known, table, findings, kreise, gemeinden)


# --- reading the table -------------------------------------------------------------------------


def _table_rows(path: Path, display: str) -> list[tuple[int, str, str, str | None]]:
    """(line, Gemeinde key text, group name, group key or None) per non-empty row."""
    try:
        loaded = formats._load(path, None)
        if loaded.text is None:
            cells = _xlsx_rows(path)
        else:
            text = readers._without_comments(loaded.text.replace("\r\n", "\n").replace("\r", "\n"))
            sep = readers._tidy_delimiter(path, text)
            cells = readers._csv_rows(path, text, sep)
    except SourceError as exc:
        raise LevelError(str(exc).replace(f"Datei {path.name}", f"Datei {display}", 1)) from exc
    except Exception as exc:  # the promise: only LevelError for any content
        raise LevelError(f"Datei {display}: Tabelle konnte nicht gelesen werden "
                         f"({type(exc).__name__}). Erwartet wird CSV oder .xlsx mit den Spalten "
                         "ags;name.") from exc
    cells = [(line, [cell_text(c) for c in row]) for line, row in cells]
    cells = [(line, row) for line, row in cells if any(row)]
    if not cells:
        raise LevelError(f"Datei {display}: Die Tabelle ist leer. Erwartet wird eine Zeile je "
                         "Gemeinde: ags;name.")
    first_line, first = cells[0]
    if first and first[0].strip().isdigit():
        positions = (0, 1, 2 if len(first) > 2 else None)
        data = cells
    else:
        positions = _header_positions(display, first_line, first)
        data = cells[1:]
    ags_at, name_at, key_at = positions
    out = []
    for line, row in data:
        row = row + [""] * 3
        key = row[key_at].strip() if key_at is not None else None
        out.append((line, row[ags_at].strip().strip('"'), row[name_at].strip(), key))
    return out


def _header_positions(display: str, line: int, header: list[str]):
    plain = [_plain(h) for h in header]

    def find(names):
        return next((plain.index(n) for n in names if n in plain), None)

    ags_at, name_at, key_at = find(GEMEINDE_COLUMNS), find(NAME_COLUMNS), find(KEY_COLUMNS)
    if ags_at is None and key_at is not None and len([h for h in header if h.strip()]) == 2:
        ags_at, key_at = key_at, None  # "Schlüssel;Name": the key is the Gemeinde's
    if ags_at is None or name_at is None:
        missing = [c for c, at in (("ags", ags_at), ("name", name_at)) if at is None]
        found = ", ".join(f"„{h}“" for h in header if h) or "keine"
        raise LevelError(f"Datei {display}, Zeile {line}: Spalte(n) {', '.join(missing)} fehlen "
                         f"(gefunden: {found}). Erwartet wird eine Tabelle ags;name (Gemeinde­"
                         "schlüssel; Name des Gebiets), optional mit einer Spalte schluessel.")
    return ags_at, name_at, key_at


def _plain(text: str) -> str:
    text = text.strip().lstrip("\ufeff").strip('"').strip().lower()
    for umlaut, plain in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(umlaut, plain)
    return text.replace("-", "").replace(" ", "")


def _xlsx_rows(path: Path) -> list[tuple[int, list]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for broken archives and XML
        raise SourceError(path, f"Excel-Datei beschädigt oder kein .xlsx ({type(exc).__name__})",
                          hint="Bitte in Excel öffnen und neu als .xlsx speichern.") from exc
    try:
        return readers._xlsx_data_sheet(path, book)
    finally:
        book.close()


# --- the Gemeinden -------------------------------------------------------------------------------


def _gemeinde_table(gemeinden: gpd.GeoDataFrame, kreise: gpd.GeoDataFrame | None) -> pd.DataFrame:
    """Index AGS; columns name, kreis, kreis_name, geometry (EPSG:4326)."""
    frame = gemeinden.to_crs(WGS84) if gemeinden.crs is not None else gemeinden
    keys = parent_keys(frame).to_numpy()
    out = pd.DataFrame({"name": frame["GEN"].astype(str).to_numpy() if "GEN" in frame.columns
                        else keys, "geometry": frame.geometry.to_numpy()}, index=keys)
    if "KREIS" in frame.columns:
        out["kreis"] = frame["KREIS"].astype(str).to_numpy()
    elif kreise is not None and len(kreise):
        located = containing_region(
            gpd.GeoDataFrame({"AGS": keys}, geometry=list(out["geometry"]), crs=frame.crs),
            kreise.assign(AGS=parent_keys(kreise)))
        out["kreis"] = located["region"].to_numpy()
        out.loc[out["kreis"] == "", "kreis"] = out.index[out["kreis"] == ""].str[:5]
    else:
        out["kreis"] = out.index.str[:5]
    names = {}
    if kreise is not None and "GEN" in kreise.columns:
        names = dict(zip(parent_keys(kreise), kreise["GEN"].astype(str)))
    out["kreis_name"] = [names.get(str(k), "") for k in out["kreis"]]
    return out


def _gemeinde(known: pd.DataFrame, ags: str) -> str:
    return area_label(ags, known.loc[ags, "name"])


def _kreis_label(known: pd.DataFrame, kreis: str) -> str:
    name = known.loc[known["kreis"] == kreis, "kreis_name"].iloc[0]
    return area_label(kreis, name)


def _unknown(raw: str) -> str:
    key = readers.region_key(raw)
    if len(key) == 5 and key.isdigit():
        return ("ein Kreisschlüssel, kein Gemeindeschlüssel: Gruppen bestehen aus Gemeinden "
                "(jede Gemeinde eine Zeile).")
    return "kein Schlüssel einer Thüringer Gemeinde des Gebietsstands der Gemeindegrenzen."


def _lines(lines: list[int]) -> str:
    lines = sorted(lines)
    return f"Zeile {lines[0]}" if len(lines) == 1 else f"Zeilen {listing(lines, LIST_LIMIT)}"


# --- checks ------------------------------------------------------------------------------------


def _key_findings(display: str, table: pd.DataFrame, with_keys: bool) -> list[Finding]:
    findings = []
    if with_keys:
        missing = table[table["key"] == ""]
        if len(missing):
            findings.append(Finding(ERROR, f"{display}: {_lines(list(missing['line']))}: "
                                           "Schlüssel des Gebiets fehlt (Spalte schluessel). "
                                           "Bitte für jedes Gebiet einen Schlüssel eintragen."))
        names = table[table["key"] != ""].groupby("key")["name"].unique()
        for key, values in names.items():
            if len(values) > 1:
                findings.append(Finding(
                    ERROR, f"{display}: Der Schlüssel „{key}“ steht für verschiedene Namen "
                    f"({listing([f'„{v}“' for v in values])}). Bitte je Gebiet einen Namen "
                    "verwenden.", (key,)))
    keys = table.groupby("key")["name"].unique()
    for key, values in keys.items():
        if not with_keys and len(values) > 1:
            findings.append(Finding(
                ERROR, f"{display}: Die Gebietsnamen {listing([f'„{v}“' for v in values])} "
                f"ergeben denselben Schlüssel „{key}“. Bitte die Namen deutlicher unterscheiden "
                "oder eine Spalte schluessel ergänzen.", (key,)))
    return findings


def _assignment_findings(display: str, table: pd.DataFrame, known: pd.DataFrame) -> list[Finding]:
    findings = []
    for ags, rows in table.groupby("gemeinde", sort=True):
        if len(rows) < 2:
            continue
        where = [f"Zeile {r.line} „{r.name}“" for r in rows.itertuples()]
        if rows["key"].nunique() > 1:
            findings.append(Finding(
                ERROR, f"{display}: Gemeinde {_gemeinde(known, ags)} ist mehreren Gebieten "
                f"zugeordnet ({', '.join(where)}). Jede Gemeinde darf nur zu einem Gebiet "
                "gehören: bitte eine der Zeilen löschen.", tuple(sorted(rows["key"].unique()))))
        else:
            findings.append(Finding(
                WARNING, f"{display}: Gemeinde {_gemeinde(known, ags)} steht mehrfach in der "
                f"Tabelle ({', '.join(where)}); sie zählt einmal.", (rows["key"].iloc[0],)))
    assigned = set(table["gemeinde"])
    touched = sorted(known.loc[sorted(assigned), "kreis"].unique())
    for kreis in touched:
        of_kreis = known[known["kreis"] == kreis]
        left = [a for a in of_kreis.index if a not in assigned]
        if left:
            findings.append(Finding(
                WARNING, f"{display}: Der Kreis {_kreis_label(known, kreis)} ist nur teilweise "
                f"abgedeckt: {len(left)} von {len(of_kreis)} Gemeinden sind keinem Gebiet "
                f"zugeordnet ({listing([_gemeinde(known, a) for a in left], LIST_LIMIT)}). "
                "Bitte ergänzen, falls sie zur Ebene gehören.", ()))
    others = sorted(set(known["kreis"]) - set(touched))
    if others:
        findings.append(Finding(
            NOTE, f"{display}: Die Ebene umfasst {count_text(len(touched), 'Kreis', 'Kreise')} "
            f"({listing([_kreis_label(known, k) for k in touched], LIST_LIMIT)}); "
            f"{count_text(len(others), 'weiterer Kreis gehört', 'weitere Kreise gehören')} nicht "
            "dazu."))
    return findings


def _result(display: str, known: pd.DataFrame, table: pd.DataFrame, findings: list[Finding],
            kreise, gemeinden) -> AreaSet:
    """Dissolve the groups (first assignment of a Gemeinde wins while errors are reported)."""
    first = table.sort_values("line").drop_duplicates("gemeinde", keep="first")
    first = first[first["key"] != ""]
    records = []
    for key, part in first.groupby("key", sort=True):
        geoms = known.loc[part["gemeinde"], "geometry"].to_numpy()
        union = shapely.coverage_union_all(geoms)
        if not union.is_valid:  # not a clean coverage: the general (noding) union
            union = shapely.union_all(geoms)
        records.append({"key": key, "name": part["name"].iloc[0], "geometry": union})
    areas = gpd.GeoDataFrame(records or {"key": [], "name": [], "geometry": []},
                             geometry="geometry", crs=WGS84)
    members = (first[["key", "gemeinde"]].sort_values(["key", "gemeinde"])
               .reset_index(drop=True))
    order = {ERROR: 0, WARNING: 1, NOTE: 2}
    findings.sort(key=lambda f: order[f.severity])
    return AreaSet(areas=areas, links=link_areas(areas, kreise, gemeinden),
                   findings=tuple(findings), source_crs="", filename=display, members=members)
