"""``atlas build``: build the atlas's data from a folder of official source files.

Everything is read, joined and validated in memory first; only then are the outputs written, each to
a temporary file that replaces the previous one (``os.replace``). A failed build therefore leaves the
previous data untouched.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import pandas as pd

from atlas import changes, editions, geo, readers
from atlas.catalogue import Catalogue, load_catalogue
from atlas.errors import SourceError
from atlas.paths import data_dir, find_sources
from atlas.schema import HISTORIC_KREISE, LAND_AGS, Col
from atlas.validation import check_values
from atlas.values import year_ranges

BOUNDARY_FILE = "geo/th_kreise_vg5000_2023.geojson"
GEBIETSSTAND = "31.12.2023"
SIMPLIFY_TOLERANCE_M = 100.0

#: The newest Gemeinde boundaries with keys in the sources (Thuringia has merged Gemeinden since).
GEMEINDE_BOUNDARY_FILE = "geo/th_gemeinden_vg5000_2021-01-01.geojson"
GEMEINDE_GEBIETSSTAND = "01.01.2021"
#: VG5000 is already generalised (about 9,400 vertices for 631 Gemeinden): 100 m, as for the
#: Kreise, only drops redundant points, keeps every shape and gives about 275 KB.
GEMEINDE_SIMPLIFY_TOLERANCE_M = 100.0

#: Gemeinde keys that changed after the Gebietsstand of the Gemeinde boundaries: new key → key of
#: the boundary file. Eisenach (16056000) joined the Wartburgkreis on 01.07.2021 as 16063105.
GEMEINDE_KEY_CHANGES = {"16063105": "16056000"}

#: Where each reader finds its files in a sources folder (glob patterns) and how it reads them.
#: All files found are read; where several have the same series, area and year, the newest wins
#: (:mod:`atlas.editions`). The reader ``inkar2024`` reads INKAR's ``kuerzel`` layout of the
#: edition 2024 and every newer one (``inkar2025/inkar2025_th_kreise_long.csv``).
READER_FILES: dict[str, tuple[tuple[str, ...], Callable[[Path], pd.DataFrame]]] = {
    "inkar2024": (("indicators/inkar2024/*th_kreise_long.csv",
                   "indicators/inkar202[5-9]/*th_kreise_long.csv",
                   "indicators/inkar20[3-9][0-9]/*th_kreise_long.csv"), readers.read_inkar_long),
    "inkar2021": (("indicators/inkar2021/*th_kreise_long.csv",), readers.read_inkar_long),
    "inkar2020": (("indicators/inkar_export_2020/*.csv",), readers.read_inkar_export),
    "tidy": (("indicators/tidy/*_long.csv",), readers.read_tidy),
    "gisd": (("indicators/gisd/GISD_Thueringen_Kreis.csv",), readers.read_gisd),
    "ba": (("indicators/ba/*.csv",), readers.read_ba),
    "genesis": (
        ("indicators/genesis_ffcsv/*.csv", "indicators/genesis_ffcsv_old/*.csv"),
        readers.read_genesis_flat,
    ),
    # classic GENESIS tables (13211 unemployment, 82411 household income …) with the Land row
    "genesis_table": (("indicators/genesis_table/*.csv",), readers.read_genesis_table),
}
#: Readers whose files are named by their GENESIS table code: only tables the catalogue asks
#: for are read.
GENESIS_READERS = ("genesis", "genesis_table")

# built files, relative to the data folder
GEO_OUT = Path("geo/kreise.geojson")
REGIONS_OUT = Path("indicators/regions.csv")
GEMEINDE_GEO_OUT = Path("geo/gemeinden.geojson")
GEMEINDEN_OUT = Path("indicators/gemeinden.csv")
VALUES_OUT = Path("indicators/values.csv")
INFO_OUT = Path("indicators/build_info.json")
CHANGES_OUT = changes.CHANGES_OUT


@dataclass
class BuildReport:
    sources: Path
    regions: int = 0
    indicators: int = 0
    indicators_with_values: int = 0
    years: tuple[int, int] | None = None
    values: int = 0
    missing_values: int = 0
    outside_thuringia: int = 0
    historic: dict[str, int] = field(default_factory=dict)
    #: indicator → years with an official Land value (a row ``16`` in a source)
    official: dict[str, list[int]] = field(default_factory=dict)
    geo_bytes: int = 0
    gemeinden: int = 0
    gemeinde_geo_bytes: int = 0
    #: Gemeinde-level rows with a Thuringian key outside the Gemeinde boundaries (older or newer
    #: Gebietsstand); only those with a value count, "-" rows of dissolved Gemeinden do not.
    gemeinden_unmatched: int = 0
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    #: per file read: reader, file, table, edition, years used, files it replaces
    #: (:func:`atlas.editions.newest_wins`)
    files: list[dict] = field(default_factory=list)
    #: indicator id → source editions its values come from (INKAR ``inkar2025`` …)
    editions: dict[str, list[int]] = field(default_factory=dict)
    #: the change report against the previous build (:func:`atlas.changes.change_report`)
    changes: dict | None = None
    #: source lines that follow a newer edition than the catalogue names → number of indicators
    attributions: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        years = f"{self.years[0]}–{self.years[1]}" if self.years else "keine"
        lines = [
            f"Quellordner: {self.sources}",
            f"Gebiete: {self.regions} Kreise (Gebietsstand {GEBIETSSTAND}), "
            f"Grenzen {self.geo_bytes / 1024:.0f} KB",
            (f"Gemeinden: {self.gemeinden} (Gebietsstand {GEMEINDE_GEBIETSSTAND}), "
             f"Grenzen {self.gemeinde_geo_bytes / 1024:.0f} KB") if self.gemeinden
            else "Gemeinden: keine Gemeindegrenzen im Quellordner",
            f"Indikatoren: {self.indicators_with_values} von {self.indicators} mit Werten",
            f"Jahre: {years}",
            f"Werte: {self.values} (davon {self.missing_values} fehlend/gesperrt)",
        ]
        if self.outside_thuringia:
            lines.append(f"Zeilen außerhalb Thüringens ignoriert: {self.outside_thuringia}")
        if self.gemeinden_unmatched:
            lines.append(f"Gemeindewerte ohne Gemeinde im Gebietsstand {GEMEINDE_GEBIETSSTAND} "
                         f"ignoriert: {self.gemeinden_unmatched}")
        if self.official:
            lines.append(f"Amtliche Landeswerte (Thüringen) für {len(self.official)} Indikatoren: "
                         + ", ".join(f"{ind} ({', '.join(map(str, years))})"
                                     for ind, years in self.official.items()))
        for ags, count in self.historic.items():
            lines.append(
                f"Historischer Kreis {HISTORIC_KREISE[ags]} ({ags}): {count} Werte als historisch "
                "geführt, nicht mit dem Wartburgkreis verrechnet"
            )
        lines += self.file_lines()
        for attribution, count in self.attributions.items():
            lines.append(f"Quellenangabe „{attribution}“ für {count} "
                         f"{'Indikator' if count == 1 else 'Indikatoren'} (neuere Ausgabe)")
        if self.changes is not None:
            lines.append(changes.summary_line(self.changes))
        lines.append(f"Warnungen: {len(self.warnings)}")
        lines += [f"  ! {w}" for w in self.warnings]
        lines.append(f"Dauer: {self.seconds:.1f} s")
        return "\n".join(lines)

    def file_lines(self) -> list[str]:
        """Per reader the files used (with their years) and the files newer ones replaced."""
        lines = []
        readers_seen = list(dict.fromkeys(r["reader"] for r in self.files))
        for reader in readers_seen:
            used = [r for r in self.files if r["reader"] == reader]
            gone = editions.superseded(used)
            shown = []
            for r in used:
                partly = [n for n in filter(None, r["replaces"].split(", ")) if n not in gone]
                if r["years"]:
                    over = f"; überschreibt {', '.join(partly)}" if partly else ""
                    shown.append(f"{r['file']} ({year_ranges(r['years']) or '-'}{over})")
            line = f"Quelldateien {reader}: {', '.join(shown) or 'keine Werte'}"
            if replaced := [f"{name} (durch {by})" for name, by in gone.items() if by]:
                line += "; ersetzt: " + ", ".join(replaced)
            if unused := [name for name, by in gone.items() if not by]:
                line += "; ohne Werte für den Katalog: " + ", ".join(unused)
            lines.append(line)
        return lines


def _files(sources: Path, reader: str) -> list[Path]:
    patterns, _ = READER_FILES[reader]
    found = sorted({p for pattern in patterns for p in sources.glob(pattern)})
    if not found:
        raise SourceError(
            sources / patterns[0], f"keine Quelldatei für „{reader}“ gefunden",
            hint=f"Erwartet: {', '.join(patterns)} im Quellordner.",
        )
    return found


def _table_group(reader: str, path: Path) -> str:
    """The group of a source file among its reader's files (:mod:`atlas.editions`): the table
    code for the GENESIS readers, else "" (all files of the reader)."""
    return readers.genesis_table_code(path) if reader in GENESIS_READERS else ""


def _read_reader(sources: Path, reader: str, codes: set[str], known: set[str],
                 report: BuildReport) -> pd.DataFrame:
    """All rows of one reader's files for the wanted codes, with the file name for messages and
    the file's edition; where files overlap, the newest file's rows (:mod:`atlas.editions`).

    Every Thuringian key in a file read must be a known Kreis, the historic Eisenach or the Land:
    anything else means a broken or foreign file, and the build stops naming file and row.
    """
    _, read = READER_FILES[reader]
    files = []
    for path in _files(sources, reader):
        group = _table_group(reader, path)
        if group and not any(code.split("/")[0] == group for code in codes):
            continue  # GENESIS: only the tables the catalogue asks for
        frame = read(path)
        frame.attrs = {}  # labels for an import preview: pandas deep-copies them at every step
        thuringian = frame[Col.AGS].str.startswith(LAND_AGS) & (frame[Col.AGS].str.len() <= 5)
        unknown = frame[thuringian & ~frame[Col.AGS].isin(known)]
        if not unknown.empty:
            bad = unknown.iloc[0]
            raise SourceError(
                path,
                f"unbekannter Regionalschlüssel „{bad[Col.AGS]}“",
                row=int(bad[Col.ROW]),
                column="AGS",
                hint=f"Erwartet werden die Kreise Thüringens, Gebietsstand {GEBIETSSTAND}.",
            )
        info = editions.describe(reader, path, group, frame)
        frame = frame[frame[Col.CODE].isin(codes)]
        files.append((info, frame.assign(file=path.name, edition=info.edition or 0)))
    rows, used = editions.newest_wins(files)
    report.files += used
    if rows.empty:
        return pd.DataFrame(columns=[Col.ROW, "file", "edition", Col.AGS, Col.YEAR, Col.CODE,
                                     Col.VALUE, Col.STATUS])
    return rows


def gemeinde_key_map(gemeinden: pd.DataFrame) -> dict[str, str]:
    """Other keys under which sources give a Gemeinde of the boundary file → its 8-digit AGS.

    * A kreisfreie Stadt is one Gemeinde; Gemeinde tables (Zensus 2022 1000A) give it with its
      5-digit Kreis key: ``16051`` → ``16051000`` (every Kreis key with exactly one Gemeinde, also
      the historic Eisenach ``16056``).
    * Keys changed since the Gebietsstand of the boundaries (:data:`GEMEINDE_KEY_CHANGES`).
    """
    if gemeinden.empty:
        return {}
    ags = gemeinden[Col.AGS].astype(str)
    per_kreis = ags.groupby(ags.str[:5]).agg(list)
    mapping = {kreis: keys[0] for kreis, keys in per_kreis.items() if len(keys) == 1}
    known = set(ags)
    mapping.update({new: old for new, old in GEMEINDE_KEY_CHANGES.items() if old in known})
    return mapping


def _gemeinde_rows(rows: pd.DataFrame, gemeinden: set[str], key_map: dict[str, str],
                   report: BuildReport) -> pd.DataFrame:
    """Rows of a Gemeinde-level series: keys mapped to the Gemeinden of the boundary file.

    Rows of other Länder are ignored and counted; Thuringian Kreis rows (other than kreisfreie
    Städte) are no Gemeinde values and dropped; Thuringian Gemeinde keys outside the boundary file
    (dissolved or new Gemeinden) are dropped and counted when they carry a value. Where a mapped key
    and the boundary key both have a row, the one with a value wins.
    """
    rows = rows.assign(**{Col.AGS: rows[Col.AGS].map(lambda a: key_map.get(a, a))})
    thuringian = rows[Col.AGS].str.startswith(LAND_AGS)
    report.outside_thuringia += int((~thuringian).sum())
    inside = rows[Col.AGS].isin(gemeinden) | (rows[Col.AGS] == LAND_AGS)
    lost = rows[thuringian & ~inside & (rows[Col.AGS].str.len() == 8) & rows[Col.VALUE].notna()]
    report.gemeinden_unmatched += len(lost)
    return rows[inside]


def collect_values(
    sources: Path, catalogue: Catalogue, kreise: set[str], report: BuildReport,
    gemeinden: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Join every catalogue series to the regions of its level (Kreise or ``gemeinden``, the
    Gemeinden of the boundary file); later series of an indicator win per year."""
    wanted: dict[str, set[str]] = {}
    for ind in catalogue.indicators:
        for s in ind.series:
            wanted.setdefault(s.source, set()).add(s.code)
    known = kreise | set(HISTORIC_KREISE) | {LAND_AGS}
    gemeinden = gemeinden if gemeinden is not None else pd.DataFrame(columns=[Col.AGS])
    gemeinde_keys = set(gemeinden[Col.AGS])
    key_map = gemeinde_key_map(gemeinden)
    raw = {reader: _read_reader(sources, reader, codes, known, report)
           for reader, codes in wanted.items()}
    frames = []
    for ind in catalogue.indicators:
        if ind.level == "gemeinde" and not gemeinde_keys:
            report.warnings.append(f"Indikator {ind.id}: keine Gemeindegrenzen "
                                   f"({GEMEINDE_BOUNDARY_FILE}) im Quellordner, Werte übergangen")
            continue
        pieces = []
        for rank, s in enumerate(ind.series):
            rows = raw[s.source]
            rows = rows[rows[Col.CODE] == s.code]
            if s.divide_by != 1:  # the source's unit → the indicator's (a year → a month)
                rows = rows.assign(**{Col.VALUE: rows[Col.VALUE] / s.divide_by})
            if ind.level == "gemeinde":
                rows = _gemeinde_rows(rows, gemeinde_keys, key_map, report)
            else:
                inside = rows[Col.AGS].isin(known)
                report.outside_thuringia += int((~inside).sum())
                rows = rows[inside]
            pieces.append(rows.assign(_rank=rank, _has=rows[Col.VALUE].notna()))
        if not pieces or all(p.empty for p in pieces):
            report.warnings.append(f"Indikator {ind.id}: keine Werte in den Quellen gefunden")
            continue
        joined = pd.concat(pieces, ignore_index=True)
        if ind.level == "gemeinde":  # later series win; within a series, a value beats "-"
            joined = joined.sort_values(["_rank", "_has"], kind="stable")
        else:
            joined = joined.sort_values("_rank", kind="stable")
        joined = joined.drop_duplicates([Col.AGS, Col.YEAR], keep="last")
        used = sorted({int(e) for e in joined.loc[joined[Col.VALUE].notna(), "edition"] if e})
        if used:
            report.editions[ind.id] = used
        frames.append(
            joined.assign(**{Col.INDICATOR: ind.id})[
                [Col.INDICATOR, Col.AGS, Col.YEAR, Col.VALUE, Col.STATUS]
            ]
        )
    values = pd.concat(frames, ignore_index=True)
    return values.sort_values([Col.INDICATOR, Col.AGS, Col.YEAR]).reset_index(drop=True)


def official_years(values: pd.DataFrame) -> dict[str, list[int]]:
    """Indicator → the years in which a source gives the Land's own value (key ``16``): the
    years whose reference is "Thüringen (amtlich)"."""
    land = values[(values[Col.AGS] == LAND_AGS) & values[Col.VALUE].notna()]
    return {str(ind): sorted(int(y) for y in years)
            for ind, years in land.groupby(Col.INDICATOR)[Col.YEAR]}


def _atomic_write(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)  # readable by a server running as another user (mkstemp: 600)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def file_record(payload: bytes, rows: int) -> dict:
    """What ``build_info.json`` records of a built file: size, SHA-256 and rows (CSV data rows,
    GeoJSON features)."""
    return {"bytes": len(payload), "sha256": hashlib.sha256(payload).hexdigest(), "rows": rows}


def _feature_count(geojson: bytes) -> int:
    return len(json.loads(geojson)["features"])


def build(
    sources: str | os.PathLike | None = None,
    out: Path | None = None,
    catalogue: Catalogue | None = None,
) -> BuildReport:
    """Build boundaries and indicator values into ``out`` (default: the data folder).

    Raises
    ------
    SourcesNotFound, SourceError
        Before anything is written.
    """
    started = time.perf_counter()
    folder = find_sources(sources)
    out = Path(out or data_dir())
    report = BuildReport(sources=folder)
    catalogue = catalogue or load_catalogue()

    boundaries = geo.read_boundaries(folder / BOUNDARY_FILE, level="kreis")
    if len(boundaries) != 22:
        report.warnings.append(f"{len(boundaries)} statt 22 Kreise in {BOUNDARY_FILE}")
    simplified = geo.simplify(boundaries, SIMPLIFY_TOLERANCE_M)
    geo_bytes = geo.geojson_bytes(geo.to_geojson(simplified))
    regions = pd.DataFrame(
        {
            Col.AGS: boundaries["AGS"],
            Col.NAME: boundaries["GEN"],
            "bez": boundaries["BEZ"],
            "kind": boundaries["BEZ"].map(geo.kind_label),
        }
    )
    kreise = set(regions[Col.AGS])
    gemeinden, gemeinde_geo_bytes = read_gemeinden(folder, boundaries, regions, report)

    values = collect_values(folder, catalogue, kreise, report, gemeinden)
    values, flagged = check_values(values, catalogue, geo.area_km2(boundaries))
    report.warnings += flagged
    report.regions = len(regions)
    report.gemeinden = len(gemeinden)
    report.gemeinde_geo_bytes = len(gemeinde_geo_bytes or b"")
    report.indicators = len(catalogue.indicators)
    with_values = values[values[Col.VALUE].notna()
                         & values[Col.AGS].isin(kreise | set(gemeinden[Col.AGS]))]
    report.indicators_with_values = with_values[Col.INDICATOR].nunique()
    if not with_values.empty:
        report.years = (int(with_values[Col.YEAR].min()), int(with_values[Col.YEAR].max()))
    report.values = len(values)
    report.official = official_years(values)
    report.missing_values = int(values[Col.VALUE].isna().sum())
    for ags in HISTORIC_KREISE:
        count = int((values[Col.AGS] == ags).sum())
        if count:
            report.historic[ags] = count
    report.geo_bytes = len(geo_bytes)

    _follow_editions(catalogue, report)
    values_payload = values.to_csv(index=False).encode("utf-8")
    built_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    previous, previous_built_at = _previous_values(out, report)
    report.changes = changes.change_report(
        previous, changes.read_values(values_payload), built_at=built_at,
        previous_built_at=previous_built_at, files=report.files)

    # --- write: nothing above touched the data folder ---
    info = {
        "built_at": built_at,
        "sources": str(folder),
        "gebietsstand": GEBIETSSTAND,
        "boundary_file": BOUNDARY_FILE,
        "regions": report.regions,
        "gemeinde_gebietsstand": GEMEINDE_GEBIETSSTAND if report.gemeinden else None,
        "gemeinde_boundary_file": GEMEINDE_BOUNDARY_FILE if report.gemeinden else None,
        "gemeinden": report.gemeinden,
        "indicators_with_values": report.indicators_with_values,
        "warnings": report.warnings,
        # indicator → INKAR editions its values come from (atlas.editions.with_editions)
        "editions": report.editions,
    }
    outputs = [(GEO_OUT, geo_bytes, _feature_count(geo_bytes)),
               (REGIONS_OUT, regions.to_csv(index=False).encode("utf-8"), len(regions))]
    if gemeinde_geo_bytes is not None:
        outputs += [(GEMEINDE_GEO_OUT, gemeinde_geo_bytes, _feature_count(gemeinde_geo_bytes)),
                    (GEMEINDEN_OUT, gemeinden.to_csv(index=False).encode("utf-8"), len(gemeinden))]
    outputs += [(VALUES_OUT, values_payload, len(values)),
                (CHANGES_OUT, json.dumps(report.changes, ensure_ascii=False, indent=2)
                 .encode("utf-8"), 0)]
    # what atlas.data.load verifies before it uses anything: no half or changed dataset is served
    info["files"] = {target.as_posix(): file_record(payload, rows)
                     for target, payload, rows in outputs}
    outputs += [(INFO_OUT, json.dumps(info, ensure_ascii=False, indent=2).encode("utf-8"), 0)]
    for target, payload, _ in outputs:  # build_info.json last: it vouches for the others
        _atomic_write(out / target, payload)
    if gemeinde_geo_bytes is None:  # no Gemeinde boundaries: no stale Gemeinde level either
        for stale in (GEMEINDE_GEO_OUT, GEMEINDEN_OUT):
            (out / stale).unlink(missing_ok=True)
    report.seconds = time.perf_counter() - started
    return report


def _previous_values(out: Path, report: BuildReport) -> tuple[pd.DataFrame | None, str | None]:
    """The values of the previous build in ``out`` and when it was built; (None, …) when there is
    none (a first build) or it cannot be read (with a warning: no comparison)."""
    path = out / VALUES_OUT
    if not path.is_file():
        return None, None
    try:
        built_at = json.loads((out / INFO_OUT).read_text(encoding="utf-8")).get("built_at")
    except (OSError, ValueError, AttributeError):
        built_at = None
    try:
        return changes.read_values(path.read_bytes()), built_at
    except (OSError, ValueError, KeyError, TypeError) as exc:
        report.warnings.append(f"Die bisherigen Werte ({VALUES_OUT.as_posix()}) sind nicht lesbar "
                               f"({type(exc).__name__}): kein Vergleich mit dem letzten Build")
        return None, built_at


def _follow_editions(catalogue: Catalogue, report: BuildReport) -> None:
    """Name in the summary the source lines that follow a newer edition, and warn where the
    catalogue's attribution cannot follow the editions the values come from."""
    for ind_id, used in report.editions.items():
        ind = catalogue.indicator(ind_id)
        source = catalogue.sources[ind.source]
        followed = editions.follow_editions(source, used)
        if followed is None:
            if any(str(e) not in source.attribution for e in used):
                report.warnings.append(
                    f"Indikator {ind_id}: Werte aus INKAR, {editions.editions_text(used)}; die "
                    f"Quellenangabe „{source.attribution}“ nennt keine Ausgabe und kann ihr nicht "
                    "folgen – Katalog prüfen")
        elif followed is not source:
            report.attributions[followed.attribution] = (
                report.attributions.get(followed.attribution, 0) + 1)


def read_gemeinden(
    folder: Path, kreise: pd.DataFrame, regions: pd.DataFrame, report: BuildReport
) -> tuple[pd.DataFrame, bytes | None]:
    """The Thuringian Gemeinden of :data:`GEMEINDE_BOUNDARY_FILE` (``ags, name, bez, kind,
    kreis``) and their simplified GeoJSON (properties ``AGS, GEN, BEZ, KREIS``).

    ``kreis`` is the current Kreis (Gebietsstand :data:`GEBIETSSTAND`) holding most of the
    Gemeinde's area: ``AGS[:5]`` except where Kreise changed after 01.01.2021 (Eisenach 16056000 →
    Wartburgkreis 16063). Without the file the Gemeinde level stays empty (warning, no error).

    Raises
    ------
    SourceError
        When the file is unreadable, a Gemeinde lies in no current Kreis or the simplification
        breaks a geometry.
    """
    empty = pd.DataFrame(columns=[Col.AGS, Col.NAME, "bez", "kind", "kreis"])
    path = folder / GEMEINDE_BOUNDARY_FILE
    if not path.exists():
        report.warnings.append(f"Keine Gemeindegrenzen ({GEMEINDE_BOUNDARY_FILE}) im Quellordner: "
                               "die Gemeindeebene bleibt leer")
        return empty, None
    gemeinden = geo.read_boundaries(path, level="gemeinde")
    located = geo.containing_region(gemeinden, kreise).set_index("AGS")
    gemeinden["KREIS"] = gemeinden["AGS"].map(located["region"])
    outside = gemeinden[located.loc[gemeinden["AGS"], "share"].to_numpy() < 0.5]
    if not outside.empty:
        bad = outside.iloc[0]
        raise SourceError(path, f"Gemeinde {bad['GEN']} ({bad['AGS']}) liegt in keinem Kreis "
                          f"des Gebietsstands {GEBIETSSTAND}",
                          hint="Kreis- und Gemeindegrenzen müssen zu Thüringen gehören.")
    for row in gemeinden[gemeinden["KREIS"] != gemeinden["AGS"].str[:5]].itertuples():
        report.warnings.append(
            f"Gemeinde {row.GEN} ({row.AGS}, Gebietsstand {GEMEINDE_GEBIETSSTAND}) liegt heute "
            f"überwiegend im Kreis {row.KREIS} und wird diesem zugeordnet")
    try:
        simplified = geo.simplify(gemeinden, GEMEINDE_SIMPLIFY_TOLERANCE_M)
    except ValueError as exc:
        raise SourceError(path, str(exc)) from exc
    payload = geo.geojson_bytes(geo.to_geojson(simplified, extra=("KREIS",)))
    kreisfrei = set(regions.loc[regions["kind"] == "kreisfreie Stadt", Col.AGS])
    single = gemeinden.groupby("KREIS")["AGS"].transform("size") == 1
    table = pd.DataFrame({
        Col.AGS: gemeinden["AGS"],
        Col.NAME: gemeinden["GEN"],
        "bez": gemeinden["BEZ"],
        "kind": [geo.gemeinde_kind(bez, k in kreisfrei and one)
                 for bez, k, one in zip(gemeinden["BEZ"], gemeinden["KREIS"], single)],
        "kreis": gemeinden["KREIS"],
    })
    return table.reset_index(drop=True), payload


def is_built(out: Path | None = None) -> bool:
    out = Path(out or data_dir())
    return all((out / p).is_file() for p in (GEO_OUT, REGIONS_OUT, VALUES_OUT, INFO_OUT))
