"""The indicator catalogue: nine Lebenslagenbereiche, indicators, sources and life phases.

The catalogue is written by hand in ``data/indicators/catalogue.toml``; its indicator ids are public
and stable (API and export URLs use them).
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from atlas.errors import SourceError, UnknownIndicator
from atlas.paths import catalogue_path
from atlas.traffic import ThresholdError, parse_thresholds

#: Life phases (Lebensphasen) with their age bands; the UI offers them in this order.
LIFE_PHASES: dict[str, str] = {
    "kindheit": "Kindheit (0–14 Jahre)",
    "jugend": "Jugend (15–24 Jahre)",
    "erwachsenenalter": "Erwachsenenalter (25–64 Jahre)",
    "senioren": "Senioren (65 Jahre und älter)",
}

#: Polarity: what a higher value means.
POLARITIES: dict[str, str] = {
    "risk": "höherer Wert = höheres Risiko",
    "protective": "höherer Wert = geringeres Risiko",
    "neutral": "neutral (keine Wertung)",
}

KINDS = ("rate", "count")
#: Region levels an indicator can be given for: the 22 Kreise or the Gemeinden (8-digit AGS).
LEVELS: dict[str, str] = {"kreis": "Kreise", "gemeinde": "Gemeinden"}
#: Readers of the build (:data:`atlas.build.READER_FILES`): INKAR long files of 2024/2021, the
#: INKAR web export of edition 2020, the tidy panel, GISD, BA, GENESIS flat CSVs and classic
#: GENESIS tables (both keep the Land row "16", the official Thüringen value).
READERS = ("inkar2024", "inkar2021", "inkar2020", "tidy", "gisd", "ba", "genesis", "genesis_table")


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    publisher: str
    attribution: str
    licence: str
    licence_url: str
    url: str


@dataclass(frozen=True)
class Area:
    id: str
    title: str
    description: str


@dataclass(frozen=True)
class Series:
    source: str  # reader key
    code: str
    #: the source's values are divided by this to fit the indicator's unit (12: a yearly
    #: amount per inhabitant as the monthly amount of a series in Euro je Monat)
    divide_by: float = 1.0


@dataclass(frozen=True)
class Break:
    year: int
    label: str


@dataclass(frozen=True)
class Indicator:
    id: str
    title: str
    short_title: str
    unit: str
    unit_label: str
    decimals: int
    kind: str
    definition: str
    area: str
    life_phases: tuple[str, ...]
    polarity: str
    source: str
    table: str
    series: tuple[Series, ...]
    breaks: tuple[Break, ...] = ()
    own: bool = False  # imported by a user (issue "Own data")
    level: str = "kreis"  # "kreis" or "gemeinde": the regions the values belong to (LEVELS)
    #: "" for a table's indicator; "rate", "change" or "index" for one a planner defined from
    #: others (:mod:`atlas.composite.formulas`, its definition in :attr:`Catalogue.formulas`)
    composite: str = ""
    #: The indicator cannot be 0 (a tax power, a population): a 0 in a source means "missing"
    #: (:func:`atlas.validation.zeros_as_missing`)
    zero_is_missing: bool = False
    #: The id of this count's density (per km², another source): the build checks the count
    #: against density × area (:func:`atlas.validation.cross_check`)
    density: str = ""
    #: False where values of different years cannot be compared (the GISD file of Thuringia is
    #: rescaled per year): no change map, no trend arrows, no "Veränderung" formula; the time series
    #: still shows the years with :attr:`over_time_note` (:func:`over_time_problem`)
    over_time: bool = True
    #: German reason why values of different years cannot be compared (with ``over_time = false``)
    over_time_note: str = ""
    #: The working group's traffic-light thresholds (catalogue ``ampel``,
    #: :class:`atlas.traffic.Thresholds`), ``None`` when none are set
    thresholds: object = None


@dataclass(frozen=True)
class Catalogue:
    areas: tuple[Area, ...]
    indicators: tuple[Indicator, ...]
    sources: dict[str, Source] = field(hash=False)
    #: id → :class:`atlas.composite.formulas.Formula` of the entries planners defined
    formulas: dict = field(hash=False, default_factory=dict)
    #: id → German text of the defined entries that could not be computed (a part is gone …)
    formula_problems: dict = field(hash=False, default_factory=dict)

    def indicator(self, indicator_id: str) -> Indicator:
        for ind in self.indicators:
            if ind.id == indicator_id:
                return ind
        raise UnknownIndicator(f"Unbekannter Indikator „{indicator_id}“", str(indicator_id))

    def area(self, area_id: str) -> Area:
        for area in self.areas:
            if area.id == area_id:
                return area
        raise KeyError(area_id)

    def source_of(self, indicator: Indicator) -> Source:
        return self.sources[indicator.source]

    def filter(
        self, life_phase: str | None = None, area: str | None = None, ids: set[str] | None = None,
        level: str | None = None,
    ) -> list[Indicator]:
        """Indicators matching a life phase, an area and a level (None or "alle" = no filter), in
        catalogue order grouped by area order."""
        order = {a.id: i for i, a in enumerate(self.areas)}
        chosen = [
            ind
            for ind in self.indicators
            if (not life_phase or life_phase == "alle" or life_phase in ind.life_phases)
            and (not area or area == "alle" or ind.area == area)
            and (ids is None or ind.id in ids)
            and (not level or level == "alle" or ind.level == level)
        ]
        return sorted(chosen, key=lambda ind: order.get(ind.area, 99))

    def source_table(self, indicator: Indicator) -> str:
        """The indicator's table as it follows its source's attribution: without a leading part
        that only repeats the source (:func:`table_after_attribution`)."""
        return table_after_attribution(indicator.table, self.source_of(indicator).attribution)

    def source_line(self, indicator: Indicator) -> str:
        """Attribution for one indicator: source, table and licence, the edition named once
        ("Quelle: INKAR, Ausgabe 2024, BBSR Bonn, Indikator q_SGBII …; Lizenz: …")."""
        src = self.source_of(indicator)
        table = self.source_table(indicator)
        return f"Quelle: {src.attribution}{', ' + table if table else ''}; Lizenz: {src.licence}"


#: The reason shown when an entry says ``over_time = false`` without its own ``over_time_note``.
NOT_OVER_TIME_NOTE = "Werte verschiedener Jahre sind nicht vergleichbar."


def over_time_problem(indicator: Indicator) -> str:
    """Why the indicator's values of different years must not be compared (German, for the change
    view, trends and "Veränderung" formulas); "" when they may be."""
    if indicator.over_time:
        return ""
    return indicator.over_time_note or NOT_OVER_TIME_NOTE


def rank_note(indicator: Indicator) -> str:
    """What rank 1 means for the indicator (German, for rankings and tables)."""
    if indicator.polarity == "risk":
        return "1 = höchster Wert = höchstes Risiko"
    if indicator.polarity == "protective":
        return "1 = niedrigster Wert = höchstes Risiko"
    return "1 = höchster Wert"



def table_after_attribution(table: str, attribution: str) -> str:
    """``table`` without its first comma-separated part when that part only repeats the
    attribution it follows: all its words occur in the attribution ("Zensus 2022" after "…,
    Zensus 2022"), or it names the same source by the same first word with no other number
    ("INKAR 2024" or "INKAR-Export Ausgabe 2024" after "INKAR, Ausgabe 2024, BBSR Bonn")."""
    head, sep, rest = table.partition(", ")
    if not sep:
        return table
    words = re.findall(r"\w+", head.lower())
    known = re.findall(r"\w+", attribution.lower())
    if not words or not known:
        return table
    numbers = {w for w in words if w.isdigit()}
    same_source = words[0] == known[0] and numbers <= set(known)
    return rest if set(words) <= set(known) or same_source else table


def _require(entry: dict, keys: tuple[str, ...], path: Path, what: str) -> None:
    missing = [k for k in keys if entry.get(k) in (None, "", [])]
    if missing:
        raise SourceError(path, f"{what}: Feld(er) {', '.join(missing)} fehlen oder sind leer")


def parse_catalogue(data: dict, path: Path) -> Catalogue:
    """Validate and convert the parsed TOML; every problem names the entry concerned."""
    sources = {}
    for sid, entry in data.get("sources", {}).items():
        keys = ("title", "publisher", "attribution", "licence", "licence_url", "url")
        _require(entry, keys, path, f"Quelle „{sid}“")
        sources[sid] = Source(id=sid, **{k: entry[k] for k in keys})
    areas = []
    for entry in data.get("areas", []):
        _require(entry, ("id", "title", "description"), path, "Lebenslagenbereich")
        areas.append(Area(entry["id"], entry["title"], entry["description"]))
    area_ids = {a.id for a in areas}
    indicators = []
    seen: set[str] = set()
    for entry in data.get("indicators", []):
        what = f"Indikator „{entry.get('id', '?')}“"
        fields = ("id", "title", "short_title", "unit", "unit_label", "kind", "definition",
                  "area", "life_phases", "polarity", "source", "table", "series")
        _require(entry, fields, path, what)
        if entry["id"] in seen:
            raise SourceError(path, f"{what} ist doppelt vorhanden")
        seen.add(entry["id"])
        problems = []
        if entry["area"] not in area_ids:
            problems.append(f"unbekannter Lebenslagenbereich „{entry['area']}“")
        if bad := [p for p in entry["life_phases"] if p not in LIFE_PHASES]:
            problems.append(f"unbekannte Lebensphase(n) {bad}, erlaubt: {list(LIFE_PHASES)}")
        if entry["polarity"] not in POLARITIES:
            problems.append(f"Polarität muss eine von {list(POLARITIES)} sein")
        if entry["kind"] not in KINDS:
            problems.append(f"kind muss eine von {list(KINDS)} sein")
        if not isinstance(entry.get("over_time", True), bool):
            problems.append("over_time muss true oder false sein")
        if entry.get("over_time", True) and entry.get("over_time_note"):
            problems.append("over_time_note nur zusammen mit over_time = false")
        if entry.get("level", "kreis") not in LEVELS:
            problems.append(f"Ebene (level) muss eine von {list(LEVELS)} sein")
        if entry["source"] not in sources:
            problems.append(f"unbekannte Quelle „{entry['source']}“")
        if bad := [s["source"] for s in entry["series"] if s.get("source") not in READERS]:
            problems.append(f"unbekannte(r) Leser {bad}, erlaubt: {list(READERS)}")
        if bad := [s["code"] for s in entry["series"] if not _positive(s.get("divide_by", 1))]:
            problems.append(f"divide_by muss eine Zahl größer als 0 sein (Reihe {bad})")
        try:
            thresholds = parse_thresholds(entry.get("ampel"))
        except ThresholdError as exc:
            problems.append(str(exc))
        if problems:
            raise SourceError(path, f"{what}: " + "; ".join(problems))
        indicators.append(
            Indicator(
                id=entry["id"],
                title=entry["title"],
                short_title=entry["short_title"],
                unit=entry["unit"],
                unit_label=entry["unit_label"],
                decimals=int(entry.get("decimals", 1)),
                kind=entry["kind"],
                definition=" ".join(entry["definition"].split()),
                area=entry["area"],
                life_phases=tuple(entry["life_phases"]),
                polarity=entry["polarity"],
                source=entry["source"],
                table=entry["table"],
                series=tuple(Series(s["source"], str(s["code"]), float(s.get("divide_by", 1)))
                             for s in entry["series"]),
                breaks=tuple(Break(int(b["year"]), b["label"]) for b in entry.get("breaks", [])),
                level=entry.get("level", "kreis"),
                zero_is_missing=bool(entry.get("zero_is_missing", False)),
                density=str(entry.get("density", "")),
                over_time=entry.get("over_time", True),
                over_time_note=" ".join(str(entry.get("over_time_note", "")).split()),
                thresholds=thresholds,
            )
        )
    return Catalogue(tuple(areas), tuple(indicators), sources)


def _positive(number: object) -> bool:
    return (isinstance(number, (int, float)) and not isinstance(number, bool)
            and math.isfinite(number) and number > 0)


def load_catalogue(path: Path | None = None) -> Catalogue:
    """Read and validate the catalogue TOML."""
    path = Path(path or catalogue_path())
    if not path.is_file():
        raise SourceError(path, "Indikatorenkatalog nicht gefunden")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise SourceError(path, f"kein gültiges TOML ({exc})") from exc
    return parse_catalogue(data, path)


@lru_cache(maxsize=1)
def default_catalogue() -> Catalogue:
    """The shipped catalogue, read once per process."""
    return load_catalogue()
