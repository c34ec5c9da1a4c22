"""The view state carried in the page URL (``?indicator=…&year=…``), parsed and validated.

One place for the URL parameters of a view (see :data:`PARAMETERS`): :func:`parse_state` reads
a query string into a :class:`ViewState` and :func:`state_query` writes it back; both are
inverse to each other for every valid state (``parse_state(state_query(s)) == s``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal
from urllib.parse import parse_qs, urlencode

from atlas.catalogue import LIFE_PHASES
from atlas.classify import AUTO_SCHEME, CLASS_COUNTS, DEFAULT_K, SCHEMES, classify
from atlas.data import AtlasData
from atlas.figures import Display
from atlas.levels.derived import shown_at, split_id
from atlas.levels.registry import KREIS
from atlas.palettes import PALETTE_LABELS
from atlas.values import ValueParseError, parse_breaks, parse_int

DEFAULT_INDICATOR = "sgb2_quote"
MAX_SELECTED = 5

#: Tabs of the page (``ansicht``), in page order; the first is the default.
VIEW_TABS = ("map", "ranking", "scatter", "profile", "change", "clusters", "peers", "own",
             "datenstand")
DEFAULT_TAB = VIEW_TABS[0]
#: ``modus`` of the page: presentation mode (large type, map only); normal mode is the default.
PRESENTATION = "praesentation"
NORMAL = ""

#: Every URL parameter of a view with its meaning (German, for messages and the README).
PARAMETERS = {
    "indicator": "Indikator (id aus /api/indicators; auch „indikator“)",
    "year": "Jahr (auch „jahr“; fehlt es: das neueste)",
    "lebensphase": "Lebensphase",
    "bereich": "Lebenslagenbereich",
    "ebene": "Ebene der Gebiete (id aus /api/levels; fehlt sie: die des Indikators); Anzahlen "
             "feinerer Ebenen werden zu gröberen summiert",
    "kreise": "ausgewählte Gebiete: Kreise oder Gebiete der Ebene (Schlüssel, kommagetrennt, "
              "höchstens 5; auch „gebiete“)",
    "klassifikation": "Klassifikation der Karte",
    "klassen": "Anzahl Klassen (3–7)",
    "palette": "Farbpalette",
    "grenzen": "manuelle Obergrenzen (5;7,5;10)",
    "zoom": "Kreis, dessen Gebiete die Karte zeigt (AGS, nur bei Ebenen unterhalb der Kreise)",
    "ansicht": "Reiter (" + ", ".join(VIEW_TABS) + ")",
    "modus": f"„{PRESENTATION}“ für den Präsentationsmodus",
}


def query_params(query: str) -> dict[str, str]:
    """Query parameters, the last value of each wins."""
    return {k: v[-1] for k, v in parse_qs((query or "").lstrip("?"),
                                          keep_blank_values=True).items()}


@dataclass(frozen=True)
class ViewRequest:
    indicator: str
    year: int | None = None
    life_phase: str = "alle"
    area: str = "alle"
    selected: tuple[str, ...] = ()
    problems: tuple[str, ...] = field(default=())


def parse_view(query: str, data: AtlasData) -> ViewRequest:
    """Parse a query string; every bad parameter is dropped with a German message."""
    params = query_params(query)
    problems = []
    indicator = params.get("indicator") or params.get("indikator") or DEFAULT_INDICATOR
    known = {i.id for i in data.catalogue.indicators}
    if indicator not in known or not data.has_values(indicator):
        problems.append(f"Indikator „{indicator[:60]}“ ist unbekannt; gezeigt wird "
                        f"„{data.indicator(DEFAULT_INDICATOR).short_title}“.")
        indicator = DEFAULT_INDICATOR
    indicator, problem = shown_at(data, indicator, params.get("ebene", "").strip() or None)
    problems += [problem] if problem else []
    year = None
    raw_year = params.get("year") or params.get("jahr")
    if raw_year:
        years = data.years(indicator)
        year = parse_int(raw_year)
        if year not in years:
            problems.append(f"Jahr „{raw_year[:20]}“ gibt es für diesen Indikator nicht "
                            f"(verfügbar: {years[0]}–{years[-1]}); gezeigt wird {years[-1]}.")
            year = None
    life_phase = params.get("lebensphase", "alle")
    if life_phase not in LIFE_PHASES and life_phase != "alle":
        problems.append(f"Lebensphase „{life_phase[:30]}“ ist unbekannt.")
        life_phase = "alle"
    area = params.get("bereich", "alle")
    if area != "alle" and area not in {a.id for a in data.catalogue.areas}:
        problems.append(f"Lebenslagenbereich „{area[:30]}“ ist unbekannt.")
        area = "alle"
    selected = []
    level = data.level_of(data.level(indicator))
    known = set(data.regions["ags"]) | set(level.keys)
    raw = params.get("kreise") or params.get("gebiete") or ""
    for ags in filter(None, (part.strip() for part in raw.split(","))):
        if ags in known:
            if ags not in selected:
                selected.append(ags)
        elif level.id == KREIS:
            problems.append(f"Kreis „{ags[:12]}“ ist unbekannt.")
        else:
            problems.append(f"Gebiet „{ags[:12]}“ ist unbekannt (weder Kreis noch "
                            f"{level.singular} der Ebene „{level.title}“).")
    if len(selected) > MAX_SELECTED:
        problems.append(f"Höchstens {MAX_SELECTED} Gebiete gleichzeitig; die ersten "
                        f"{MAX_SELECTED} werden gezeigt.")
        selected = selected[:MAX_SELECTED]
    return ViewRequest(indicator, year, life_phase, area, tuple(selected), tuple(problems))


def toggle(selected: list[str], ags: str, limit: int = MAX_SELECTED) -> list[str]:
    """Add or remove a Kreis; beyond the limit the oldest selection gives way."""
    if ags in selected:
        return [a for a in selected if a != ags]
    return (list(selected) + [ags])[-limit:]


def snap_year(years: list[int], wanted: int, previous: int | None) -> int:
    """The year to show when the slider lands on ``wanted``: itself when it has data, otherwise
    the next year with data in the direction of movement (so arrow keys skip gaps), else the
    nearest one."""
    if wanted in years:
        return wanted
    if previous is not None and wanted > previous:
        later = [y for y in years if y > wanted]
        if later:
            return later[0]
    if previous is not None and wanted < previous:
        earlier = [y for y in years if y < wanted]
        if earlier:
            return earlier[-1]
    return min(years, key=lambda y: (abs(y - wanted), -y))


def parse_display(query: str) -> tuple[Display, list[str]]:
    """Map display options from a query string: ``klassifikation`` (scheme id of
    :data:`atlas.classify.SCHEMES`, or ``auto``, the default: by the indicator), ``klassen`` (3–7), ``palette`` (id of
    :data:`atlas.palettes.PALETTE_LABELS` or ``auto``) and ``grenzen`` (manual upper bounds with
    German decimal comma, ``5;7,5;10``; they imply ``klassifikation=manual`` when no other scheme
    is given and are ignored with another scheme).

    Returns
    -------
    tuple[Display, list[str]]
        The display (bad parameters replaced by the defaults) and one German message per bad
        parameter.
    """
    params = query_params(query)
    problems: list[str] = []
    raw_scheme = params.get("klassifikation", "").strip()
    raw_bounds = params.get("grenzen", "").strip()
    scheme = raw_scheme or ("manual" if raw_bounds else AUTO_SCHEME)
    if scheme not in SCHEMES and scheme != AUTO_SCHEME:
        problems.append(f"Klassifikation „{scheme[:30]}“ ist unbekannt; erlaubt: "
                        f"{', '.join([AUTO_SCHEME, *SCHEMES])}.")
        scheme = AUTO_SCHEME
    k = DEFAULT_K
    raw_k = params.get("klassen", "").strip()
    if raw_k:
        if parse_int(raw_k) in CLASS_COUNTS:
            k = parse_int(raw_k)
        else:
            problems.append(f"Klassenzahl „{raw_k[:10]}“ ist ungültig; erlaubt: "
                            f"{', '.join(map(str, CLASS_COUNTS))}.")
    palette = params.get("palette", "").strip() or None
    if palette == "auto":
        palette = None
    if palette is not None and palette not in PALETTE_LABELS:
        problems.append(f"Farbpalette „{palette[:30]}“ ist unbekannt; erlaubt: auto, "
                        f"{', '.join(PALETTE_LABELS)}.")
        palette = None
    breaks: tuple[float, ...] = ()
    if scheme == "manual":
        try:
            breaks = parse_breaks(raw_bounds)
            if not breaks:
                problems.append("Für die Klassifikation „manual“ fehlen die Grenzen, "
                                "z. B. grenzen=5;7,5;10.")
            else:
                classify([], scheme="manual", breaks=list(breaks))  # order and count
        except (ValueParseError, ValueError) as exc:
            problems.append(f"Klassengrenzen „{raw_bounds[:40]}“: {exc}")
            breaks = ()
        if not breaks:
            scheme = AUTO_SCHEME
    return Display(scheme=scheme, k=k, palette=palette, breaks=breaks), problems


def view_query(indicator: str, year: int | None = None, *, life_phase: str | None = None,
               area: str | None = None, selected: list[str] | tuple[str, ...] = (),
               display: Display | None = None, level: str | None = None, **extra) -> str:
    """The query string of a view (without ``?``), the inverse of :func:`parse_view` and
    :func:`parse_display`; defaults are left out so links stay short. A derived entry
    (:mod:`atlas.levels.derived`) is written as the summed indicator and ``ebene``; ``level``
    (the indicator's level) is written as ``ebene`` unless it is the Kreise. ``extra`` adds
    further parameters (e.g. ``format="a4"``); None values are skipped."""
    indicator, summed_into = split_id(indicator)
    params: dict[str, str] = {"indicator": indicator}
    if summed_into or (level and level != KREIS):
        params["ebene"] = summed_into or level
    if year is not None:
        params["year"] = str(year)
    if life_phase and life_phase != "alle":
        params["lebensphase"] = life_phase
    if area and area != "alle":
        params["bereich"] = area
    if selected:
        params["kreise"] = ",".join(selected)
    if display is not None:
        if display.scheme == "manual" and display.breaks:
            params["klassifikation"] = "manual"
            params["grenzen"] = ";".join(format_bound(b) for b in display.breaks)
        elif display.scheme != AUTO_SCHEME:
            params["klassifikation"] = display.scheme
        if display.k != DEFAULT_K:
            params["klassen"] = str(display.k)
        if display.palette:
            params["palette"] = display.palette
    params.update({k: str(v) for k, v in extra.items() if v not in (None, "")})
    return urlencode(params, safe=",;")


def format_bound(value: float) -> str:
    """A class bound as typed in Germany, exactly and without exponent: 7.5 → ``7,5``,
    1e-05 → ``0,00001``, 1234567.5 → ``1234567,5``."""
    return format(Decimal(repr(float(value))).normalize(), "f").replace(".", ",")


def breaks_text(breaks) -> str:
    """Manual bounds for the input field: ``5; 7,5; 10``."""
    return "; ".join(format_bound(b) for b in breaks)


@dataclass(frozen=True)
class ViewState:
    """Everything a shared link restores: the complete view of the page."""

    indicator: str = DEFAULT_INDICATOR
    year: int | None = None  # None: the newest year of the indicator
    life_phase: str = "alle"
    area: str = "alle"
    selected: tuple[str, ...] = ()
    display: Display = field(default_factory=Display)
    tab: str = DEFAULT_TAB
    mode: str = NORMAL
    zoom: str | None = None  # levels below the Kreise: the Kreis whose areas the map shows

    @property
    def presenting(self) -> bool:
        return self.mode == PRESENTATION

    def without_mode(self) -> ViewState:
        """The view itself, as kept in a Sitzungsfolge (the mode is how it is shown)."""
        return replace(self, mode=NORMAL)

    def in_mode(self, mode: str) -> ViewState:
        """The view as shown in ``mode``: presentation mode always shows the map tab."""
        return replace(self, mode=mode, tab=DEFAULT_TAB if mode == PRESENTATION else self.tab)


def resolved(state: ViewState, data: AtlasData) -> ViewState:
    """The view as the page shows it: without a year, the indicator's newest year (the page
    always writes the year it shows into the address bar)."""
    if state.year is not None:
        return state
    return replace(state, year=data.latest_year(state.indicator))


def parse_state(query: str, data: AtlasData) -> tuple[ViewState, list[str]]:
    """A query string as a complete :class:`ViewState`; bad parameters are replaced by their
    defaults, each with a German message. In presentation mode the map is shown, so ``ansicht``
    is then always the map tab."""
    view = parse_view(query, data)
    display, display_problems = parse_display(query)
    problems = list(view.problems) + display_problems
    params = query_params(query)
    tab = params.get("ansicht", "").strip() or DEFAULT_TAB
    if tab not in VIEW_TABS:
        problems.append(f"Ansicht „{tab[:30]}“ ist unbekannt; erlaubt: {', '.join(VIEW_TABS)}.")
        tab = DEFAULT_TAB
    mode = params.get("modus", "").strip().lower()
    if mode in ("normal", "standard"):
        mode = NORMAL
    if mode not in (NORMAL, PRESENTATION):
        problems.append(f"Modus „{mode[:30]}“ ist unbekannt; erlaubt: {PRESENTATION}.")
        mode = NORMAL
    zoom = params.get("zoom", "").strip() or None
    if zoom is not None and not data.level_of(data.level(view.indicator)).zoomable:
        problems.append("Zoom auf einen Kreis gibt es nur bei Indikatoren der Gemeinden oder "
                        "eigener Gebiete, die in Kreisen liegen; gezeigt wird ganz Thüringen.")
        zoom = None
    elif zoom is not None and zoom not in set(data.regions["ags"]):
        problems.append(f"Kreis „{zoom[:12]}“ zum Heranzoomen ist unbekannt; gezeigt wird ganz "
                        "Thüringen.")
        zoom = None
    state = ViewState(view.indicator, view.year, view.life_phase, view.area, view.selected,
                      display, tab, NORMAL, zoom).in_mode(mode)
    return state, problems


def state_query(state: ViewState, data: AtlasData | None = None) -> str:
    """The query string (without ``?``) of a view, the inverse of :func:`parse_state`; defaults
    are left out, the year is always written when known (so the link keeps showing that year
    after new data arrive). With ``data``, the level of an indicator that is not at the Kreise
    is written as ``ebene`` too (a reader of the link sees it; a derived entry always has it)."""
    level = None
    if data is not None and state.indicator in {i.id for i in data.catalogue.indicators}:
        level = data.level(state.indicator)
    return view_query(
        state.indicator, state.year, life_phase=state.life_phase, area=state.area,
        selected=state.selected, display=state.display, zoom=state.zoom, level=level,
        ansicht=state.tab if state.tab != DEFAULT_TAB else None,
        modus=state.mode or None,
    )
