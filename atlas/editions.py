"""Which source file wins when a sources folder holds several downloads of one table or several
editions of one source — the rule of an update, in one place.

A planner updates the atlas by downloading a newer file into the sources folder, next to the
older ones, and running ``atlas build``. Every file is read; the files of a reader are compared
within a *group*:

* GENESIS / Regionalstatistik (flat, old flat and classic table): the files with the same table
  code in their name (``13211-02-05-4.csv`` and ``13211-02-05-4_2025.csv``,
  ``12411-01-01-4_<Zeitstempel>_de_flat.csv`` next to an old-format download);
* every other reader (INKAR editions ``inkar2024/``, ``inkar2025/``; BA downloads; …): all its files.

Within a group the files are ordered from oldest to newest (:attr:`SourceFile.rank`) by

1. the edition named in the file or folder name (``inkar2025`` is newer than ``inkar2024``;
   INKAR only, other files have none),
2. the latest year the file has data for,
3. a German download over an English one of the same table (``_en_flat``: the same numbers with
   English labels — it is read, but never counts twice),
4. the export time: the 13-digit timestamp GENESIS writes into the name of a flat download, else
   the line "Stand: 09.07.2026" at the end of a classic table download,
5. the file name.

For one series, area and year found in several files of a group the newest file's row wins (also
when it says the value is missing: a newer edition may withdraw a value, and the change report of
the build shows it). Years only an older file has are kept from it, so a newer edition extends a
series and revises the years it repeats.

The editions used also decide the source line users see (:func:`with_editions`): a series of the
reader ``inkar2024`` read from an edition 2025 is attributed to "INKAR, Ausgabe 2025, BBSR Bonn".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from atlas.catalogue import Catalogue, Source
from atlas.schema import LAND_AGS, Col

#: An edition in a file or folder name: ``inkar2025``, ``inkar_export_2020``.
_EDITION = re.compile(r"inkar(?:[_-]?export)?[_-]?((?:19|20)\d\d)", re.IGNORECASE)
#: The export time GENESIS writes into the name of a flat download (milliseconds since 1970).
_STAMP = re.compile(r"_(\d{13})(?:_|\.)")
#: "Stand: 09.07.2026 / 11:01:42" in the footer of a classic GENESIS table.
_STAND = re.compile(r"Stand:\s*(\d{1,2})\.(\d{1,2})\.(\d{4})(?:\s*/\s*(\d{1,2}):(\d{2}):(\d{2}))?")
#: An English download of a GENESIS table (``…_en_flat.csv``, ``…_en_flat_oldformat…``).
_ENGLISH = re.compile(r"_en(?:_|\.)", re.IGNORECASE)
#: The edition a source's texts name ("INKAR, Ausgabe 2024, BBSR Bonn").
_EDITION_TEXT = re.compile(r"\bAusgabe (\d{4})\b")

#: The rank of an unknown edition, year or export time: older than any known one.
_UNKNOWN = 0


@dataclass(frozen=True)
class SourceFile:
    """One source file of a reader and what orders it among the files of its group."""

    reader: str
    path: Path
    group: str  # the table code (GENESIS), else "" (all files of the reader)
    edition: int | None  # from the file or folder name (INKAR)
    last_year: int | None  # the latest year the file has data for
    stamp: float  # export time (seconds since 1970), 0 when unknown
    english: bool  # an English download of a table also downloaded in German

    @property
    def rank(self) -> tuple:
        """Sort key from oldest to newest (see the module docstring)."""
        return (self.edition or _UNKNOWN, self.last_year or _UNKNOWN, not self.english,
                self.stamp, self.path.name)


def edition_of(path: Path) -> int | None:
    """The edition a file's name or its folder's name names (``inkar2025/…`` → 2025)."""
    for name in (Path(path).name, Path(path).parent.name):
        match = _EDITION.search(name)
        if match:
            return int(match.group(1))
    return None


def export_stamp(path: Path) -> float:
    """When the file was exported: the 13-digit timestamp in the name of a GENESIS flat download,
    else the last "Stand: dd.mm.yyyy[ / hh:mm:ss]" in the file's last 4 KB (classic tables);
    0 when neither is there."""
    match = _STAMP.search(Path(path).name)
    if match:
        return int(match.group(1)) / 1000
    try:
        with open(path, "rb") as handle:
            handle.seek(0, 2)
            handle.seek(max(0, handle.tell() - 4096))
            tail = handle.read().decode("latin-1")
    except OSError:
        return 0.0
    found = _STAND.findall(tail)
    if not found:
        return 0.0
    day, month, year, hour, minute, second = found[-1]
    try:
        when = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0),
                        int(second or 0), tzinfo=timezone.utc)
    except ValueError:
        return 0.0
    return when.timestamp()


def describe(reader: str, path: Path, group: str, frame: pd.DataFrame) -> SourceFile:
    """The :class:`SourceFile` of ``path`` as read into ``frame`` (a reader's long frame)."""
    years = frame[Col.YEAR]
    return SourceFile(
        reader=reader, path=Path(path), group=group, edition=edition_of(path),
        last_year=int(years.max()) if len(years) else None, stamp=export_stamp(path),
        english=bool(_ENGLISH.search(Path(path).name)),
    )


def newest_wins(files: list[tuple[SourceFile, pd.DataFrame]]) -> tuple[pd.DataFrame, list[dict]]:
    """The rows of several files of one reader, each series, area and year taken from the newest
    file of its group that has it (:attr:`SourceFile.rank`), and a record per file.

    Returns
    -------
    rows
        The concatenated frames (with the columns they had), one row per group, code, area and
        year, in the order oldest to newest file.
    used
        Per file, oldest to newest within each group: ``reader``, ``file`` (name), ``table``
        (group), ``edition`` ("" or "2025"), ``years`` (Thuringian years whose rows come from
        this file), ``replaces`` (names of older files this file overrides rows of, joined by
        ", "; "" if none).
    """
    if not files:
        return pd.DataFrame(), []
    ordered = sorted(files, key=lambda item: (item[0].group, item[0].rank))
    frames = [frame.assign(_order=order, _group=info.group)
              for order, (info, frame) in enumerate(ordered)]
    rows = pd.concat(frames, ignore_index=True)
    keys = ["_group", Col.CODE, Col.AGS, Col.YEAR]
    winner = rows.groupby(keys, sort=False)["_order"].transform("max")
    lost = rows[rows["_order"] != winner]
    replaced = {order: sorted(set(lost.loc[winner[lost.index] == order, "_order"]))
                for order in range(len(ordered))}
    kept = rows[rows["_order"] == winner].drop_duplicates(keys, keep="last")
    thuringian = kept[kept[Col.AGS].astype(str).str.startswith(LAND_AGS)]
    used = []
    for order, (info, _) in enumerate(ordered):
        years = sorted(int(y) for y in thuringian.loc[thuringian["_order"] == order,
                                                     Col.YEAR].unique())
        used.append({
            "reader": info.reader,
            "file": info.path.name,
            "table": info.group,
            "edition": str(info.edition) if info.edition else "",
            "years": years,
            "replaces": ", ".join(ordered[o][0].path.name for o in replaced[order]),
        })
    return kept.drop(columns=["_order", "_group"]).reset_index(drop=True), used


def superseded(used: list[dict]) -> dict[str, str]:
    """Files of ``used`` (:func:`newest_wins`) of which nothing is used → the newer file(s) that
    replace them."""
    by = {}
    for record in used:
        for name in filter(None, record["replaces"].split(", ")):
            by.setdefault(name, []).append(record["file"])
    return {r["file"]: ", ".join(by.get(r["file"], [])) for r in used if not r["years"]}


# --- the source line follows the edition ------------------------------------------------------


def named_edition(source: Source) -> int | None:
    """The edition a source's attribution names ("INKAR, Ausgabe 2024, BBSR Bonn" → 2024)."""
    match = _EDITION_TEXT.search(source.attribution)
    return int(match.group(1)) if match else None


def editions_text(editions: list[int]) -> str:
    """"Ausgabe 2025", "Ausgaben 2024 und 2025", "Ausgaben 2021, 2024 und 2025"."""
    years = [str(e) for e in sorted(set(editions))]
    if len(years) == 1:
        return f"Ausgabe {years[0]}"
    return f"Ausgaben {', '.join(years[:-1])} und {years[-1]}"


def follow_editions(source: Source, editions: list[int]) -> Source | None:
    """``source`` as it must be named when its values come from ``editions``: the same source
    when it names exactly them, else a copy whose title and attribution name the editions used
    (id ``inkar2024@2025``). None when the source names no edition ("Ausgabe NNNN") to replace."""
    named = named_edition(source)
    if named is None:
        return None
    editions = sorted(set(editions))
    if editions == [named]:
        return source
    text = editions_text(editions)
    return replace(source, id=f"{source.id}@{'+'.join(str(e) for e in editions)}",
                   title=_EDITION_TEXT.sub(text, source.title),
                   attribution=_EDITION_TEXT.sub(text, source.attribution))


def _table_edition(table: str, named: int, editions: list[int]) -> str:
    """The indicator's table text with the edition in its first part following the editions used
    ("INKAR 2024, Indikator q_SGBII" → "INKAR 2025, Indikator q_SGBII")."""
    head, sep, rest = table.partition(", ")
    new = "/".join(str(e) for e in sorted(set(editions)))
    return re.sub(rf"\b{named}\b", new, head) + sep + rest


def with_editions(catalogue: Catalogue, editions: dict[str, list[int]] | None) -> Catalogue:
    """The catalogue with each indicator attributed to the source editions its built values come
    from (``build_info.json`` ``editions``: indicator id → editions). Indicators whose source
    names no edition, or names exactly the ones used, stay as they are."""
    if not isinstance(editions, dict) or not editions:
        return catalogue
    sources = dict(catalogue.sources)
    indicators, changed = [], False
    for ind in catalogue.indicators:
        used = editions.get(ind.id)
        if not isinstance(used, list) or not all(isinstance(e, int) for e in used):
            used = None  # not written by a build: ignored
        source = sources.get(ind.source)
        followed = follow_editions(source, used) if used and source else None
        if followed is None or followed is source:
            indicators.append(ind)
            continue
        sources[followed.id] = followed
        indicators.append(replace(ind, source=followed.id,
                                  table=_table_edition(ind.table, named_edition(source), used)))
        changed = True
    if not changed:
        return catalogue
    return replace(catalogue, indicators=tuple(indicators), sources=sources)
