"""Importing planners' own files: inspect → preview → import, shared by the app and the CLI.

The flow is stateless: :func:`inspect` reads a file (any supported format, see
:func:`atlas.formats.read_any`) and lists its series; :func:`check_regions` tells which rows of one
series match the Thuringian Kreise; :func:`import_series` validates what the planner typed and
stores the series in one transaction (:class:`atlas.store.Store`). Nothing is stored before the
planner confirms, and a failed import stores nothing.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from atlas.catalogue import LIFE_PHASES, POLARITIES, Catalogue, Indicator
from atlas.data import AtlasData
from atlas.errors import AtlasError, SourceError
from atlas.formats import read_any
from atlas.levels.protection import LEVEL_TOTAL
from atlas.levels.registry import BUILT, Level
from atlas.schema import GERMANY_AGS, HISTORIC_KREISE, LAND_AGS, Col
from atlas.store import OwnIndicator, Store
from atlas.values import QUALITY_FLAGS, is_digits, parse_int
from atlas.visibility import label as visibility_label
from atlas.visibility import parse_visibility

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
KINDS = {"rate": "Anteil, Quote oder Durchschnitt", "count": "Anzahl (summierbar)"}
UNIT_ALIASES = {"prozent": "%", "%": "%", "anzahl": "Anzahl", "eur": "Euro", "euro": "Euro"}
OFFICIAL_LICENCE = "Datenlizenz Deutschland – Namensnennung – 2.0"
#: Longest text per field of an own indicator (German field name, characters), checked on the
#: server for the form and the CLI alike; the form's maxLength takes them from here.
TEXT_LIMITS: dict[str, tuple[str, int]] = {
    "title": ("Titel", 120),
    "unit": ("Einheit", 80),  # real files carry units like "Personen (Jahresdurchschnitt, Summe über Berufsgruppen)"
    "source": ("Quelle", 200),
    "licence": ("Lizenz", 120),
    "definition": ("Definition", 1000),
}


class ImportInputError(AtlasError):
    """What the planner typed for an import is incomplete or wrong (German, one line per field)."""


@dataclass(frozen=True)
class SeriesInfo:
    code: str
    label: str  # the file's name of the series; the code itself when the file names none
    unit: str
    years: tuple[int, ...]
    rows: int
    source: str = ""  # what the file says about the source (column "quelle" of the template)

    @property
    def option_label(self) -> str:
        span = f"{self.years[0]}–{self.years[-1]}" if len(self.years) > 1 else str(self.years[0])
        return f"{self.label} ({span}, {self.rows} Werte)"


#: Columns of :attr:`FileSummary.totals` and :attr:`FileSummary.unassigned`.
SPECIAL_COLUMNS = [Col.ROW, Col.AGS, Col.NAME, Col.YEAR, Col.CODE, Col.VALUE, Col.STATUS]


def _special(rows) -> pd.DataFrame:
    frame = pd.DataFrame(list(rows or ()), columns=SPECIAL_COLUMNS)
    return frame.astype({Col.VALUE: float})


@dataclass(frozen=True)
class FileSummary:
    """A read file: its format and the series found in it.

    ``totals``: the rows of a wide table that hold the total over all areas ("Stadt
    insgesamt", key 0): not areas, a possible reference of the level. ``unassigned``: its rows
    that belong to no area ("nicht zugeordnet", key 999). Both long like ``frame`` (columns
    :data:`SPECIAL_COLUMNS`), empty for other formats.
    """

    filename: str
    format: str
    frame: pd.DataFrame = field(repr=False)
    series: tuple[SeriesInfo, ...]
    totals: pd.DataFrame = field(repr=False, default_factory=lambda: _special(()))
    unassigned: pd.DataFrame = field(repr=False, default_factory=lambda: _special(()))
    #: headers of a wide table's columns after the years that name no year (not read)
    ignored_columns: tuple[str, ...] = ()
    #: SHA-256 of the file's bytes (hex), kept in the audit trail with the file name
    sha256: str = ""

    def info(self, code: str) -> SeriesInfo:
        for item in self.series:
            if item.code == code:
                return item
        raise ImportInputError(f"Reihe „{code}“ gibt es in {self.filename} nicht.")

    def reference(self, code: str) -> pd.DataFrame:
        """The total row's values of one series (``ags, name, year, value, status``): what the
        file gives as the total over all areas, a possible reference of the level."""
        rows = self.totals[self.totals[Col.CODE] == code]
        return rows[[Col.AGS, Col.NAME, Col.YEAR, Col.VALUE, Col.STATUS]].reset_index(drop=True)

    def special_lines(self, code: str | None = None) -> list[str]:
        """German preview lines on the total row and the rows of no area (of one series, or of
        all); empty when the file has none."""
        return special_lines(self.totals, self.unassigned, code, self.ignored_columns)


def special_lines(totals: pd.DataFrame, unassigned: pd.DataFrame, code: str | None = None,
                  ignored_columns: tuple[str, ...] = ()) -> list[str]:
    """German lines for the preview: which rows of a wide table are the total and which belong
    to no area, both not imported as areas, and which columns name no year (not read)."""
    out = []
    if ignored_columns:
        names = ", ".join(f"„{name}“" for name in ignored_columns)
        out.append(f"Spalte(n) {names} ohne Jahresangabe – nicht eingelesen")
    for frame, text in (
            (totals, "Gesamtzeile {names}: {values} – nicht als Gebiet importiert, wird als "
                     "Vergleichswert der Ebene angeboten"),
            (unassigned, "Ohne Gebiet {names}: {values} – nicht als Gebiet importiert (in der "
                         "Gesamtzeile enthalten)")):
        rows = frame if code is None else frame[frame[Col.CODE] == code]
        if rows.empty:
            continue
        names = ", ".join(f"„{name}“ (Schlüssel {key})" for key, name in
                          dict.fromkeys(zip(rows[Col.AGS], rows[Col.NAME])))
        out.append(text.format(names=names, values=_values(len(rows))))
    return out


@dataclass(frozen=True)
class RegionCheck:
    """Which rows of one series the atlas can use, and what it leaves out."""

    values: pd.DataFrame = field(repr=False)  # ags, year, value, status: the rows to store
    kreise_total: int
    kreise_matched: tuple[str, ...]
    kreise_missing: tuple[str, ...]  # names of current Kreise without any value
    historic: tuple[str, ...]  # historic Kreis keys kept (Eisenach 16056)
    land_rows: int
    germany_rows: int
    gemeinde_rows: int
    outside: int  # rows outside Thuringia, ignored
    special: dict  # reason → count of missing values
    flags: dict  # flag → count of flagged values
    years: tuple[int, ...]
    #: German lines on a wide table's total row and rows of no area (not imported as areas)
    special_rows: tuple[str, ...] = ()
    #: an own level the table is for (its id and title): its areas take the place of the Kreise
    own_level: str = ""
    own_title: str = ""
    #: the file's total row of the series (``year, value, status``): the level's reference
    total: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def level(self) -> str:
        if self.own_level:
            return self.own_level
        return "kreis" if self.kreise_matched or self.historic else "gemeinde"

    def lines(self) -> list[str]:
        """The preview in German, one finding per line."""
        if self.own_level:
            out = [f"{self.own_title}: {len(self.kreise_matched)} von {self.kreise_total} "
                   "Gebieten zugeordnet"]
        else:
            out = [f"Kreise: {len(self.kreise_matched)} von {self.kreise_total} Kreisen "
                   "zugeordnet"]
        if self.kreise_missing:
            out.append("Ohne Wert: " + ", ".join(self.kreise_missing))
        if self.years:
            out.append(f"Jahre: {_span(self.years)}")
        for key in self.historic:
            out.append(f"Historischer Schlüssel {key} ({HISTORIC_KREISE.get(key, key)}) wird als "
                       "historischer Kreis geführt, nicht zusammengelegt")
        if self.land_rows:
            out.append(f"Thüringen (16): {_values(self.land_rows)} → amtlicher "
                       "Landesvergleichswert")
        if self.germany_rows:
            out.append(f"Deutschland (DG): {_values(self.germany_rows)} → Bundesvergleichswert")
        if self.gemeinde_rows:
            out.append(f"Gemeinden: {_values(self.gemeinde_rows)} (Gemeindeebene)")
        if self.outside:
            out.append(f"{self.outside} Zeilen außerhalb Thüringens werden ignoriert")
        for reason, count in self.special.items():
            out.append(f"Fehlende Werte „{reason}“: {count} (werden als fehlend gezeigt, nie als 0)")
        for flag, count in self.flags.items():
            out.append(f"Werte mit Kennzeichen „{flag}“: {count}")
        out.extend(self.special_rows)
        return out


def _values(count: int) -> str:
    return "1 Wert" if count == 1 else f"{count} Werte"


def _span(years) -> str:
    years = sorted(years)
    return f"{years[0]}–{years[-1]} ({len(years)} Jahre)" if len(years) > 1 else str(years[0])


def inspect(path: Path, filename: str | None = None, *, verbatim_keys: bool = False,
            key_column: str | None = None, name_column: str | None = None) -> FileSummary:
    """Read a file of any supported format and list its series (code, label, unit, years).

    ``verbatim_keys``: the file is for an own level, its keys are kept as written (see
    :func:`atlas.formats.read_any`, also for ``key_column`` and ``name_column`` of wide tables);
    then every row counts, else only Thuringian rows and Germany.

    Raises
    ------
    SourceError
        German message naming file, row and column of the first problem.
    """
    path = Path(path)
    frame = read_any(path, verbatim_keys=verbatim_keys, key_column=key_column,
                     name_column=name_column)
    labels = frame.attrs.get("labels", {})
    units = frame.attrs.get("units", {})
    sources = frame.attrs.get("sources", {})
    usable = frame if verbatim_keys else frame[frame[Col.AGS].astype(str).str.startswith(LAND_AGS)
                                                | (frame[Col.AGS] == GERMANY_AGS)]
    series = []
    for code, rows in frame.groupby(Col.CODE, sort=False):
        th = usable[usable[Col.CODE] == code]
        years = tuple(sorted(int(y) for y in (th if not th.empty else rows)[Col.YEAR].unique()))
        series.append(SeriesInfo(str(code), str(labels.get(code, code)), str(units.get(code, "")),
                                 years, len(th), str(sources.get(code, ""))))
    series.sort(key=lambda s: (s.rows == 0, s.code))
    if not series:
        raise SourceError(path, "Datei enthält keine Werte", hint="Bitte die Vorlage verwenden.")
    return FileSummary(filename or path.name, frame.attrs.get("format", "unbekannt"), frame,
                       tuple(series), _special(frame.attrs.get("totals")),
                       _special(frame.attrs.get("unassigned")),
                       tuple(frame.attrs.get("ignored_columns", ())), file_sha256(path))


def file_sha256(path: Path) -> str:
    """SHA-256 (hex) of a file's bytes, for the audit trail; "" for a folder."""
    path = Path(path)
    if not path.is_file():
        return ""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_level_areas(summary: FileSummary, code: str, level: Level) -> RegionCheck:
    """The rows of one series of a table for the own level ``level`` (read with
    ``verbatim_keys``): every key must be one of the level's areas (German error naming the
    row otherwise); the file's total row becomes the level's reference."""
    rows = summary.frame[summary.frame[Col.CODE] == code]
    keys = set(level.keys)
    for row in rows.itertuples(index=False):
        if str(row.ags) not in keys:
            sample = ", ".join(f"„{k}“" for k in level.keys[:5])
            raise SourceError(summary.filename, f"„{row.ags}“ ist kein Gebiet der Ebene "
                              f"„{level.title}“", int(row.row), "Schlüssel",
                              f"Gültige Schlüssel sind z. B. {sample} (alle: atlas level list "
                              "bzw. /api/levels).")
    values = rows[[Col.AGS, Col.YEAR, Col.VALUE, Col.STATUS]].astype({Col.AGS: str})
    values = values.reset_index(drop=True)
    matched = sorted(keys & set(values[Col.AGS]))
    names = level.areas.set_index(Col.AGS)["label"]
    missing = [str(names[k]) for k in level.keys if k not in set(matched)]
    missing_values = values[values[Col.VALUE].isna()]
    flagged = values[values[Col.VALUE].notna() & values[Col.STATUS].isin(QUALITY_FLAGS.values())]
    total = summary.reference(code)
    return RegionCheck(
        values=values, kreise_total=len(keys), kreise_matched=tuple(matched),
        kreise_missing=tuple(missing) if matched else (), historic=(), land_rows=0,
        germany_rows=0, gemeinde_rows=0, outside=0,
        special=dict(Counter(missing_values[Col.STATUS]).most_common()),
        flags=dict(Counter(flagged[Col.STATUS]).most_common()),
        years=tuple(sorted(int(y) for y in values[Col.YEAR].unique())),
        special_rows=tuple(summary.special_lines(code)), own_level=level.id,
        own_title=level.title,
        total=total[[Col.YEAR, Col.VALUE, Col.STATUS]].drop_duplicates(Col.YEAR)
        .reset_index(drop=True) if not total.empty else None,
    )


def check_regions(summary: FileSummary, code: str, data: AtlasData,
                  level: str | None = None) -> RegionCheck:
    """Classify the rows of one series by region level; unknown Thuringian keys are an error.
    With ``level`` (an own level's id) the rows must be that level's areas
    (:func:`check_level_areas`)."""
    if level and level not in BUILT:
        return check_level_areas(summary, code, data.level_of(level))
    rows = summary.frame[summary.frame[Col.CODE] == code]
    kreise = set(data.regions[Col.AGS])
    keep, outside, gemeinden = [], 0, 0
    land = germany = 0
    historic = set()
    for row in rows.itertuples(index=False):
        ags = str(row.ags)
        if ags in kreise or ags == LAND_AGS or ags == GERMANY_AGS:
            land += ags == LAND_AGS
            germany += ags == GERMANY_AGS
        elif ags in HISTORIC_KREISE:
            historic.add(ags)
        elif ags.startswith(LAND_AGS) and len(ags) == 8 and is_digits(ags):
            gemeinden += 1
        elif ags.startswith(LAND_AGS) and len(ags) in (5, 12):
            raise SourceError(summary.filename, f"unbekannter Kreisschlüssel (AGS) „{ags}“",
                              int(row.row), "ags",
                              "Thüringer Kreise haben die Schlüssel 16051–16077; Gemeinden 8 Ziffern.")
        elif is_digits(ags):
            outside += 1
            continue
        else:
            raise SourceError(summary.filename, f"„{ags}“ ist kein amtlicher Gebietsschlüssel",
                              int(row.row), "ags", "Erwartet: AGS mit 5 (Kreis) oder 8 (Gemeinde) "
                              "Ziffern, 16 für Thüringen.")
        keep.append(row)
    values = pd.DataFrame(keep, columns=rows.columns)
    values = values[[Col.AGS, Col.YEAR, Col.VALUE, Col.STATUS]].reset_index(drop=True)
    matched = sorted(kreise & set(values[Col.AGS]))
    missing = data.regions[~data.regions[Col.AGS].isin(matched)][Col.NAME].sort_values()
    missing_values = values[values[Col.VALUE].isna()]
    flagged = values[values[Col.VALUE].notna() & values[Col.STATUS].isin(QUALITY_FLAGS.values())]
    in_th = values[values[Col.AGS].isin(kreise | historic) | (values[Col.AGS].str.len() == 8)]
    return RegionCheck(
        values=values,
        kreise_total=len(kreise),
        kreise_matched=tuple(matched),
        kreise_missing=tuple(missing) if matched else (),
        historic=tuple(sorted(historic)),
        land_rows=land,
        germany_rows=germany,
        gemeinde_rows=gemeinden,
        outside=outside,
        special=dict(Counter(missing_values[Col.STATUS]).most_common()),
        flags=dict(Counter(flagged[Col.STATUS]).most_common()),
        years=tuple(sorted(int(y) for y in in_th[Col.YEAR].unique())),
        special_rows=tuple(summary.special_lines(code)),
    )


#: Licences recognised in a file's source text → the licence suggested.
LICENCE_HINTS = (
    (re.compile(r"dl-de/by-2[-.]0|Datenlizenz Deutschland", re.I), OFFICIAL_LICENCE),
    (re.compile(r"dl-de/zero-2[-.]0", re.I), "Datenlizenz Deutschland – Zero – 2.0"),
    (re.compile(r"\bCC[ -]BY[ -]4\.0\b", re.I), "CC BY 4.0"),
    (re.compile(r"\bCC0\b", re.I), "CC0 1.0"),
)


def suggest(summary: FileSummary, code: str, catalogue: Catalogue | None = None) -> dict:
    """Defaults for the import form from what the file says about the series.

    * title: the file's name of the series (INKAR, GENESIS, the template's column ``titel``);
      else, when the code is a catalogue indicator or one of its series codes (e.g. an INKAR
      kuerzel), the catalogue's title; else the code made readable ("kita_plaetze" →
      "Kita plaetze");
    * source: the file's own (the template's column ``quelle``), else the publisher of an
      official format;
    * licence: one named in the source text ("dl-de/by-2-0", "CC BY 4.0"), else the official
      licence for official formats, else none;
    * unit from the file; kind and decimals from the catalogue entry or the unit.
    """
    info = summary.info(code)
    known = catalogue_match(catalogue, code) if catalogue is not None else None
    unit = UNIT_ALIASES.get(info.unit.strip().lower(), info.unit.strip())
    if not unit and known is not None:
        unit = known.unit
    official = not summary.format.lower().startswith("eigene")
    table = code.split("/")[0]
    if info.source.strip():
        source = info.source.strip()
    elif "INKAR" in summary.format:
        source = "INKAR, BBSR Bonn"
    elif "BA" in summary.format.split():
        source = "Statistik der Bundesagentur für Arbeit"
    elif "GISD" in summary.format:
        source = "Robert Koch-Institut, GISD"
    elif official:
        source = f"Statistische Ämter des Bundes und der Länder, Tabelle {table}"
    else:
        source = ""
    licence = next((name for pattern, name in LICENCE_HINTS if pattern.search(source)),
                   OFFICIAL_LICENCE if official else "")
    if known is not None:
        kind, decimals = known.kind, known.decimals
    else:
        kind = "count" if is_count_unit(unit) else "rate"
        decimals = 0 if kind == "count" else 1
    return {
        "source": source,
        "id": suggest_id(info.label),
        "title": suggest_title(info, known),
        "unit": unit,
        "kind": kind,
        "decimals": decimals,
        "licence": licence,
    }


#: First words of units that count people or things ("Personen (Jahresdurchschnitt)").
COUNT_WORDS = {"anzahl", "personen", "einwohner", "einwohnerinnen", "fälle", "haushalte",
               "kinder", "plätze", "betriebe", "wohnungen", "beschäftigte"}
_RATE_WORDS = re.compile(r"%|\bje\b|\bpro\b|\banteil|quote|\bdurchschnitt\b|\bin\s+tsd", re.I)


def is_count_unit(unit: str) -> bool:
    """Whether a unit counts (summable): "Anzahl", "Personen (Jahresdurchschnitt)"; not
    "Personen je 1.000 Einwohner" or "%"."""
    words = unit.strip().lower().split()
    return bool(words) and words[0].strip("(),") in COUNT_WORDS and not _RATE_WORDS.search(unit)


def catalogue_match(catalogue: Catalogue, code: str) -> Indicator | None:
    """The catalogue indicator whose id or one of whose series codes (an INKAR kuerzel, a
    GENESIS table/variable) is ``code``; None when there is none."""
    wanted = code.strip()
    for ind in catalogue.indicators:
        if not ind.own and (ind.id == wanted or any(s.code == wanted for s in ind.series)):
            return ind
    return None


def suggest_title(info: SeriesInfo, known: Indicator | None = None) -> str:
    """A readable title: the file's label, else the catalogue's title, else the code humanised."""
    label = info.label.strip()
    if label and label != info.code:
        return label
    if known is not None:
        return known.title
    words = re.sub(r"[_\s]+", " ", info.code).strip()
    return (words[:1].upper() + words[1:]) if words else info.code


def suggest_id(label: str) -> str:
    text = label.lower()
    for umlaut, plain in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(umlaut, plain)
    slug = re.sub(r"[^a-z0-9]+", "_", text).strip("_")[:32].strip("_")
    if not slug or not slug[0].isalpha():
        slug = "eigen_" + slug
    return ("eigen_" + slug if not slug.startswith("eigen") else slug)[:40].strip("_")


def validate_meta(data: AtlasData, meta: dict, replace_existing: bool = False) -> list[str]:
    """German problems with what the planner typed; empty when everything is fine. With
    ``replace_existing`` the id of an own imported indicator may be given again (replaced)."""
    problems = []
    ident = (meta.get("id") or "").strip()
    replaceable = {i.id for i in data.catalogue.indicators
                   if i.own and i.id not in data.catalogue.formulas} if replace_existing else set()
    if not ID_PATTERN.match(ident):
        problems.append("Kennung: 2–40 Zeichen, nur Kleinbuchstaben, Ziffern und _, beginnend mit "
                        "einem Buchstaben (z. B. „kita_plaetze“).")
    elif ident in {i.id for i in data.catalogue.indicators} - replaceable:
        own = {i.id for i in data.catalogue.indicators
               if i.own and i.id not in data.catalogue.formulas}
        hint = (" oder „Vorhandene Daten ersetzen“ ankreuzen (die bisherige Fassung kommt in "
                "den Papierkorb)" if ident in own and not replace_existing else "")
        problems.append(f"Kennung „{ident}“ ist schon vergeben – bitte eine andere wählen"
                        f"{hint}.")
    for key, (label, limit) in TEXT_LIMITS.items():
        text = meta.get(key)
        if text is not None and not isinstance(text, str):
            problems.append(f"{label}: Text erwartet.")
        elif text is not None and len(text.strip()) > limit:
            problems.append(f"{label}: höchstens {limit} Zeichen (eingegeben: "
                            f"{len(text.strip())}).")
    if not isinstance(meta.get("title") or "", str) or not (meta.get("title") or "").strip():
        problems.append("Titel fehlt.")
    if not isinstance(meta.get("unit") or "", str) or not (meta.get("unit") or "").strip():
        problems.append("Einheit fehlt (z. B. %, Anzahl, Euro).")
    areas = [a.id for a in data.catalogue.areas]
    if not meta.get("area"):
        problems.append("Lebenslagenbereich wählen.")
    elif meta.get("area") not in areas:
        problems.append(f"Lebenslagenbereich „{str(meta.get('area'))[:40]}“ ist unbekannt; "
                        f"erlaubt: {', '.join(areas)}.")
    phases = list(meta.get("life_phases") or [])
    unknown = [str(p)[:30] for p in phases if p not in LIFE_PHASES]
    if unknown:
        problems.append(f"Lebensphase „{'“, „'.join(unknown)}“ ist unbekannt; erlaubt: "
                        f"{', '.join(LIFE_PHASES)}.")
    elif not phases:
        problems.append("Mindestens eine Lebensphase wählen.")
    if meta.get("polarity") not in POLARITIES:
        problems.append("Lesart (Polarität) wählen.")
    if meta.get("kind") not in KINDS:
        problems.append("Art des Werts wählen (Anteil/Quote oder Anzahl).")
    if not isinstance(meta.get("source") or "", str) or not (meta.get("source") or "").strip():
        problems.append("Quelle fehlt – jede Zahl im Atlas trägt ihre Quelle.")
    if _decimals(meta) not in range(5):
        problems.append("Nachkommastellen: 0 bis 4.")
    return problems


def _decimals(meta: dict) -> int | None:
    """The decimals typed in the form or given to the CLI (1 when left out); None if no whole
    number (:func:`atlas.values.parse_int`: ASCII digits only)."""
    return parse_int(meta.get("decimals", 1))


def import_series(summary: FileSummary, code: str, meta: dict, data: AtlasData,
                  store: Store, level: str | None = None, *, actor: str = "",
                  replace_existing: bool = False) -> OwnIndicator:
    """Validate the form and store one series as an own indicator (all or nothing), audited
    with ``actor``, the file's name and SHA-256. With ``replace_existing`` an own indicator of
    the same id is replaced (its previous version stays restorable in the Papierkorb).

    Raises
    ------
    ImportInputError
        Listing every problem with the form.
    SourceError
        If the file's regions cannot be matched.
    atlas.store.StoreError
        If the store refuses (e.g. the id exists already); nothing is stored then.
    """
    problems = validate_meta(data, meta, replace_existing)
    if problems:
        raise ImportInputError(" ".join(problems))
    check = check_regions(summary, code, data, level)
    if check.values[Col.VALUE].notna().sum() == 0:
        where = f"die Gebiete der Ebene „{check.own_title}“" if check.own_level else "Thüringen"
        raise ImportInputError(f"Die Reihe „{summary.info(code).label}“ enthält keine Werte für "
                               f"{where}.")
    values = check.values
    if check.total is not None:  # the file's total: the level's reference (key "*")
        values = pd.concat([values, check.total.assign(**{Col.AGS: LEVEL_TOTAL})],
                           ignore_index=True)
    own = OwnIndicator(
        id=meta["id"].strip(), title=meta["title"].strip(), unit=meta["unit"].strip(),
        decimals=_decimals(meta), kind=meta["kind"],
        definition=(meta.get("definition") or "").strip(), area=meta["area"],
        life_phases=tuple(p for p in LIFE_PHASES if p in meta["life_phases"]),
        polarity=meta["polarity"], source=meta["source"].strip(),
        licence=(meta.get("licence") or "").strip(), filename=summary.filename,
        file_format=summary.format, code=code, level=check.level,
        # "" (not given): internal, or the replaced indicator's
        visibility=parse_visibility(meta["visibility"]) if meta.get("visibility") else "",
    )
    return store.add(own, values, actor=actor, sha256=summary.sha256,
                     replace_existing=replace_existing)


def describe(own: OwnIndicator) -> str:
    """One line for lists of own indicators."""
    return f"{own.title} ({own.id}) – {own.source}; importiert {own.imported_at[:16]} aus " \
           f"{own.filename}; {visibility_label(own.visibility)}"

