"""Datenstand: how current and how complete the data of every indicator are.

One pure function, :func:`coverage`, tells per indicator (the built catalogue and the planners'
own, derived and computed entries, each at its level) its first and last year with data, the
years between without any value, how many areas of its level have a value in its newest year,
the basis of the reference in that year, its source (holder, edition, the series' readers and
codes) and the values the build's plausibility rules doubted
(:func:`atlas.validation.is_flagged`); per Lebenslagenbereich the newest year. It is computed
once per data object (:func:`atlas.memo.per_data`). The page's "Datenstand" view, the API
(``GET /api/coverage``) and the "Stand: <Jahr>" beside every indicator read it from here.

The change report of the last build (``data/indicators/aenderungen.json``) is read by
:func:`atlas.changes.load_changes`.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from atlas.data import AtlasData
from atlas.levels.derived import is_derived
from atlas.memo import per_data
from atlas.schema import Col
from atlas.validation import is_flagged
from atlas.values import format_number, year_ranges

#: An indicator whose newest year is this many years (or more) older than the newest year of
#: all built data is marked as old ("veraltet") in the Datenstand view and the API.
STALE_AFTER = 3
#: What the Datenstand view and the API say about the basis of a reference.
BASIS_LABELS = {"amtlich": "amtlich", "median": "Median", "summe": "Summe", "index": "Index",
                "": "keine"}


@dataclass(frozen=True)
class Flag:
    """A value the build's plausibility rules doubted."""

    ags: str
    name: str
    year: int
    status: str


@dataclass(frozen=True)
class IndicatorCoverage:
    """The Datenstand of one indicator at its level."""

    id: str
    title: str
    short_title: str
    area: str  # Lebenslagenbereich id
    area_title: str
    level: str
    level_title: str
    own: bool  # imported, derived or computed by planners (not in the built catalogue)
    years: tuple[int, ...]
    first_year: int | None
    last_year: int | None
    gaps: tuple[int, ...]  # years inside first..last without any value
    areas_with_value: int  # areas of the level with a (not doubted) value in the last year
    areas_total: int  # areas of the level
    reference_basis: str  # "amtlich", "median", "summe", "index", "" (none)
    reference_label: str  # e.g. "Thüringen (amtlich)", "Median der Kreise"
    source: str  # id of the source holder in the catalogue
    source_title: str  # holder and edition, e.g. "INKAR …, Ausgabe 2024"
    source_attribution: str
    table: str
    series: tuple[tuple[str, str], ...]  # (reader, code) of each series
    flags: tuple[Flag, ...]
    years_behind: int | None  # newest year of all data minus last_year
    stale: bool  # years_behind >= STALE_AFTER
    #: why the reference of the newest year is missing ("nicht bildbar: 1 Kreis auffällig …")
    reference_why: str = ""

    @property
    def has_data(self) -> bool:
        return self.last_year is not None


@dataclass(frozen=True)
class AreaCoverage:
    """The Datenstand of one Lebenslagenbereich: its newest year over its indicators."""

    id: str
    title: str
    newest_year: int | None
    oldest_year: int | None  # the oldest "last year" of its indicators with data
    indicators: int  # indicators of the area (all levels)
    indicators_with_data: int
    stale: int  # indicators with data whose newest year is old (STALE_AFTER)


@dataclass(frozen=True)
class Coverage:
    indicators: tuple[IndicatorCoverage, ...]
    areas: tuple[AreaCoverage, ...]
    newest_year: int | None  # newest year of the built data (catalogue indicators)

    def of(self, indicator_id: str) -> IndicatorCoverage:
        for entry in self.indicators:
            if entry.id == indicator_id:
                return entry
        raise KeyError(indicator_id)


def gaps_of(years) -> tuple[int, ...]:
    """The years between the first and the last of ``years`` that are not among them."""
    have = sorted(set(int(y) for y in years))
    if len(have) < 2:
        return ()
    return tuple(y for y in range(have[0], have[-1] + 1) if y not in set(have))


def stand_year(data: AtlasData, indicator_id: str) -> int | None:
    """The newest year with data of an indicator (at its level): what "Stand" names."""
    return data.latest_year(indicator_id)


def stand_text(data: AtlasData, indicator_id: str) -> str:
    """"Stand: 2022" for an indicator – the one text every view and export puts beside the
    indicator; ``""`` for one without data."""
    year = stand_year(data, indicator_id)
    return "" if year is None else f"Stand: {year}"


def _is_built(ind) -> bool:
    return not ind.own and not ind.composite and not is_derived(ind.id)


@per_data(maxsize=1)
def coverage(data: AtlasData) -> Coverage:
    """The Datenstand of every indicator of ``data`` and of every Lebenslagenbereich (see the
    module's description). Indicators in catalogue order; those without data are listed with
    ``None`` years. Treat the result as read-only."""
    catalogue = data.catalogue
    area_titles = {a.id: a.title for a in catalogue.areas}
    values = data.values
    by_indicator = dict(tuple(values.groupby(Col.INDICATOR, sort=False)))
    newest = max((data.latest_year(i.id) for i in catalogue.indicators
                  if _is_built(i) and data.has_values(i.id)), default=None)
    if newest is None:
        newest = max((data.latest_year(i.id) for i in catalogue.indicators
                      if data.has_values(i.id)), default=None)
    entries = []
    for ind in catalogue.indicators:
        level = data.level_of(ind.level)
        keys = set(level.areas[Col.AGS])
        years = tuple(data.years(ind.id))
        rows = by_indicator.get(ind.id, values.iloc[0:0])
        last = years[-1] if years else None
        with_value = 0
        ref_basis, ref_label, ref_why = "", level.median_label, ""
        if last is not None:
            newest_rows = rows[(rows[Col.YEAR] == last) & rows[Col.AGS].isin(keys)
                               & rows[Col.VALUE].notna()]
            with_value = int(sum(not is_flagged(s) for s in newest_rows[Col.STATUS]))
            ref = data.reference(ind.id, last)
            ref_basis, ref_label, ref_why = ref.basis, ref.label, ref.why
        flagged = rows[[is_flagged(s) for s in rows[Col.STATUS]]] if len(rows) else rows
        flags = tuple(Flag(str(r.ags), data.region_name(str(r.ags)), int(r.year), str(r.status))
                      for r in flagged.sort_values([Col.YEAR, Col.AGS]).itertuples(index=False))
        src = catalogue.source_of(ind)
        behind = None if last is None or newest is None else max(newest - last, 0)
        entries.append(IndicatorCoverage(
            id=ind.id, title=ind.title, short_title=ind.short_title, area=ind.area,
            area_title=area_titles.get(ind.area, ind.area), level=ind.level,
            level_title=level.title, own=not _is_built(ind), years=years,
            first_year=years[0] if years else None, last_year=last, gaps=gaps_of(years),
            areas_with_value=with_value, areas_total=len(keys), reference_basis=ref_basis,
            reference_label=ref_label, reference_why=ref_why, source=src.id, source_title=src.title,
            source_attribution=src.attribution, table=ind.table,
            series=tuple((s.source, s.code) for s in ind.series), flags=flags,
            years_behind=behind, stale=behind is not None and behind >= STALE_AFTER))
    areas = []
    for area in catalogue.areas:
        mine = [e for e in entries if e.area == area.id]
        lasts = [e.last_year for e in mine if e.has_data]
        areas.append(AreaCoverage(
            id=area.id, title=area.title, newest_year=max(lasts, default=None),
            oldest_year=min(lasts, default=None), indicators=len(mine),
            indicators_with_data=len(lasts), stale=sum(e.stale for e in mine)))
    return Coverage(tuple(entries), tuple(areas), newest)


# --- the Datenstand view's table ----------------------------------------------------------------

#: Orders of the Datenstand table (``sort``): key → German label.
SORTS = {
    "bereich": "Lebenslagenbereich",
    "aelteste": "Älteste Daten zuerst",
    "neueste": "Neueste Daten zuerst",
    "indikator": "Indikator (A–Z)",
    "luecken": "Meiste Lücken zuerst",
    "auffaelligkeiten": "Meiste Auffälligkeiten zuerst",
}
#: Filters of the Datenstand table (``only``): key → German label.
ONLY = {"veraltet": f"nur ältere Daten (≥ {STALE_AFTER} Jahre zurück)",
        "auffaellig": "nur mit Auffälligkeiten", "luecken": "nur mit Lücken"}


def reference_text(entry: IndicatorCoverage) -> str:
    """The reference of the newest year as the Datenstand view names it."""
    if entry.reference_basis:
        return entry.reference_label
    return f"keine – {entry.reference_label}: {entry.reference_why}" if entry.reference_why \
        else "keine"


def behind_text(entry: IndicatorCoverage) -> str:
    """How far the newest year lies behind the newest year of all data (German)."""
    if entry.years_behind is None:
        return "–"
    if entry.years_behind == 0:
        return "aktuell"
    return f"{entry.years_behind} Jahr{'e' if entry.years_behind != 1 else ''} zurück"


def selected_entries(result: Coverage, *, text: str = "", area: str | None = None,
                     only=(), sort: str = "bereich") -> list[IndicatorCoverage]:
    """The indicators the Datenstand table lists: those whose title, short title, id or source
    contains ``text`` (any case), of Lebenslagenbereich ``area`` (None / "alle": every one),
    narrowed by ``only`` (keys of :data:`ONLY`) and ordered by ``sort`` (a key of
    :data:`SORTS`; unknown keys: by Lebenslagenbereich, the catalogue's order). Indicators
    without data are listed last."""
    needle = (text or "").strip().casefold()
    order = {a.id: i for i, a in enumerate(result.areas)}
    chosen = [
        e for e in result.indicators
        if (not needle or any(needle in str(v).casefold() for v in
                              (e.title, e.short_title, e.id, e.source_attribution, e.table)))
        and (not area or area == "alle" or e.area == area)
        and ("veraltet" not in only or e.stale)
        and ("auffaellig" not in only or e.flags)
        and ("luecken" not in only or e.gaps)
    ]
    keys = {
        "aelteste": lambda e: (e.last_year or 0, order.get(e.area, 99)),
        "neueste": lambda e: (-(e.last_year or 0), order.get(e.area, 99)),
        "indikator": lambda e: e.title.casefold(),
        "luecken": lambda e: -len(e.gaps),
        "auffaelligkeiten": lambda e: -len(e.flags),
    }
    key = keys.get(sort, lambda e: order.get(e.area, 99))
    ordered = sorted(chosen, key=key)  # stable: the catalogue's order within equal keys
    return [e for e in ordered if e.has_data] + [e for e in ordered if not e.has_data]


def table_row(entry: IndicatorCoverage) -> dict:
    """The texts of one row of the Datenstand table (German)."""
    readers = " · ".join(f"{reader} {code}" for reader, code in entry.series)
    return {
        "id": entry.id,
        "Bereich": entry.area_title,
        "Indikator": entry.title,
        "Ebene": entry.level_title,
        "erstes Jahr": "–" if entry.first_year is None else str(entry.first_year),
        "letztes Jahr": "keine Werte" if entry.last_year is None else str(entry.last_year),
        "Alter": behind_text(entry),
        "Lücken": year_ranges(entry.gaps) or "keine",
        "mit Wert": (f"{entry.areas_with_value} von {entry.areas_total}"
                     if entry.has_data else f"0 von {entry.areas_total}"),
        "Referenz": reference_text(entry),
        "Quelle": entry.source_attribution,
        "Ausgabe": "; ".join(part for part in (entry.table, readers) if part),
        "Auffälligkeiten": str(len(entry.flags)),
        "stale": entry.stale,
    }


# --- the change report of the last build# --- the change report of the last build ---------------------------------------------------------


#: Most revised values the Datenstand view lists (all are in /api/coverage, up to the report's cap).
MAX_REVISED_SHOWN = 50


def built_at_text(stamp: object) -> str:
    """An ISO time stamp of a build as a German date and time (UTC): "07.12.2026, 08:00 UTC";
    the text itself when it is no time stamp."""
    from datetime import datetime, timezone

    try:
        moment = datetime.fromisoformat(str(stamp))
    except ValueError:
        return str(stamp or "unbekannt")
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
    return moment.strftime("%d.%m.%Y, %H:%M UTC")


def changes_summary(data: AtlasData, changes: dict | None) -> dict | None:
    """The change report of the last build in German texts for the Datenstand view, tolerant of
    missing or odd parts: ``built_at``, ``previous``, ``first_build``, ``added``, ``removed``
    (indicator titles), ``new_years`` and ``dropped_years`` (``(title, "2024, 2025")``),
    ``revised`` (``(title, area, year, old, new)`` texts, at most :data:`MAX_REVISED_SHOWN`),
    ``revised_total``, ``files`` (``(file, replaces)``). ``None`` without a report."""
    if not isinstance(changes, dict):
        return None
    known = {i.id: i for i in data.catalogue.indicators}

    def title(indicator_id) -> str:
        ind = known.get(str(indicator_id))
        return ind.title if ind else str(indicator_id)

    def ids(key) -> list[str]:
        value = changes.get(key)
        return [title(v) for v in value] if isinstance(value, list) else []

    def years(key) -> list[tuple[str, str]]:
        value = changes.get(key)
        if not isinstance(value, dict):
            return []
        return [(title(k), year_ranges(y for y in v if isinstance(y, int)))
                for k, v in value.items() if isinstance(v, list)]

    def number(indicator_id, value) -> str:
        ind = known.get(str(indicator_id))
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            return "fehlend"
        return format_number(float(value), ind.decimals if ind else 2, ind.unit if ind else "")

    revised_raw = changes.get("revised")
    revised_raw = [r for r in revised_raw if isinstance(r, dict)] \
        if isinstance(revised_raw, list) else []
    revised = [(title(r.get("indicator")), data.region_name(str(r.get("ags", ""))),
                str(r.get("year", "")), number(r.get("indicator"), r.get("old")),
                number(r.get("indicator"), r.get("new")))
               for r in revised_raw[:MAX_REVISED_SHOWN]]
    total = changes.get("revised_total")
    files = changes.get("files")
    files = [(str(f.get("file", "")), str(f.get("replaces") or ""))
             for f in files if isinstance(f, dict)] if isinstance(files, list) else []
    return {
        "built_at": built_at_text(changes.get("built_at")),
        "previous": (built_at_text(changes["previous_built_at"])
                     if changes.get("previous_built_at") else ""),
        "first_build": bool(changes.get("first_build")),
        "added": ids("indicators_added"),
        "removed": ids("indicators_removed"),
        "new_years": years("new_years"),
        "dropped_years": years("dropped_years"),
        "revised": revised,
        "revised_total": total if isinstance(total, int) and not isinstance(total, bool)
        else len(revised_raw),
        "files": files,
    }


# --- JSON -----------------------------------------------------------------------------------------


def _json_safe(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    return value


def indicator_payload(entry: IndicatorCoverage) -> dict:
    """One indicator's Datenstand as the API gives it."""
    out = asdict(entry)
    out["series"] = [{"reader": reader, "code": code} for reader, code in entry.series]
    out["years"] = list(entry.years)
    out["gaps"] = list(entry.gaps)
    out["flags"] = [asdict(f) for f in entry.flags]
    out["flag_count"] = len(entry.flags)
    out["has_data"] = entry.has_data
    return out


def coverage_payload(data: AtlasData, changes: dict | None) -> dict:
    """The body of ``GET /api/coverage``: ``indicators`` (:class:`IndicatorCoverage` each),
    ``areas`` (:class:`AreaCoverage`), ``newest_year``, ``stale_after``, ``changes`` (the last
    build's change report or ``null``), ``built_at`` and ``sources`` (the source holders named
    by the indicators)."""
    result = coverage(data)
    used = dict.fromkeys(e.source for e in result.indicators)
    sources = [{"id": sid, "title": src.title, "publisher": src.publisher,
                "attribution": src.attribution, "licence": src.licence, "url": src.url}
               for sid in used if (src := data.catalogue.sources.get(sid)) is not None]
    return _json_safe({
        "built_at": data.info.get("built_at"),
        "newest_year": result.newest_year,
        "stale_after": STALE_AFTER,
        "indicators": [indicator_payload(e) for e in result.indicators],
        "areas": [asdict(a) for a in result.areas],
        "changes": changes,
        "sources": sources,
    })
