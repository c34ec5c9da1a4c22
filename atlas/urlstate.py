"""The view state carried in the page URL (``?indicator=…&year=…``), parsed and validated."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode

from atlas.catalogue import LIFE_PHASES
from atlas.classify import CLASS_COUNTS, DEFAULT_K, SCHEMES, classify
from atlas.data import AtlasData
from atlas.figures import Display
from atlas.palettes import PALETTE_LABELS
from atlas.values import ValueParseError, parse_breaks

DEFAULT_INDICATOR = "sgb2_quote"
MAX_SELECTED = 5


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
    params = {k: v[-1] for k, v in parse_qs(query.lstrip("?"), keep_blank_values=True).items()}
    problems = []
    indicator = params.get("indicator") or params.get("indikator") or DEFAULT_INDICATOR
    known = {i.id for i in data.catalogue.indicators}
    if indicator not in known or not data.has_values(indicator):
        problems.append(f"Indikator „{indicator[:60]}“ ist unbekannt; gezeigt wird "
                        f"„{data.indicator(DEFAULT_INDICATOR).short_title}“.")
        indicator = DEFAULT_INDICATOR
    year = None
    raw_year = params.get("year") or params.get("jahr")
    if raw_year:
        years = data.years(indicator)
        if not raw_year.isdigit() or int(raw_year) not in years:
            problems.append(f"Jahr „{raw_year[:20]}“ gibt es für diesen Indikator nicht "
                            f"(verfügbar: {years[0]}–{years[-1]}); gezeigt wird {years[-1]}.")
        else:
            year = int(raw_year)
    life_phase = params.get("lebensphase", "alle")
    if life_phase not in LIFE_PHASES and life_phase != "alle":
        problems.append(f"Lebensphase „{life_phase[:30]}“ ist unbekannt.")
        life_phase = "alle"
    area = params.get("bereich", "alle")
    if area != "alle" and area not in {a.id for a in data.catalogue.areas}:
        problems.append(f"Lebenslagenbereich „{area[:30]}“ ist unbekannt.")
        area = "alle"
    selected = []
    for ags in filter(None, params.get("kreise", "").split(",")):
        if ags in set(data.regions["ags"]) and ags not in selected:
            selected.append(ags)
        else:
            problems.append(f"Kreis „{ags[:12]}“ ist unbekannt.")
    if len(selected) > MAX_SELECTED:
        problems.append(f"Höchstens {MAX_SELECTED} Kreise gleichzeitig; die ersten "
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
    :data:`atlas.classify.SCHEMES`), ``klassen`` (3–7), ``palette`` (id of
    :data:`atlas.palettes.PALETTE_LABELS` or ``auto``) and ``grenzen`` (manual upper bounds with
    German decimal comma, ``5;7,5;10``; they imply ``klassifikation=manual`` when no other scheme
    is given and are ignored with another scheme).

    Returns
    -------
    tuple[Display, list[str]]
        The display (bad parameters replaced by the defaults) and one German message per bad
        parameter.
    """
    params = {k: v[-1] for k, v in parse_qs(query.lstrip("?"), keep_blank_values=True).items()}
    problems: list[str] = []
    raw_scheme = params.get("klassifikation", "").strip()
    raw_bounds = params.get("grenzen", "").strip()
    scheme = raw_scheme or ("manual" if raw_bounds else "quantiles")
    if scheme not in SCHEMES:
        problems.append(f"Klassifikation „{scheme[:30]}“ ist unbekannt; erlaubt: "
                        f"{', '.join(SCHEMES)}.")
        scheme = "quantiles"
    k = DEFAULT_K
    raw_k = params.get("klassen", "").strip()
    if raw_k:
        if raw_k.isdigit() and int(raw_k) in CLASS_COUNTS:
            k = int(raw_k)
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
            scheme = "quantiles"
    return Display(scheme=scheme, k=k, palette=palette, breaks=breaks), problems


def view_query(indicator: str, year: int | None = None, *, life_phase: str | None = None,
               area: str | None = None, selected: list[str] | tuple[str, ...] = (),
               display: Display | None = None, **extra) -> str:
    """The query string of a view (without ``?``), the inverse of :func:`parse_view` and
    :func:`parse_display`; defaults are left out so links stay short. ``extra`` adds further
    parameters (e.g. ``format="a4"``); None values are skipped."""
    params: dict[str, str] = {"indicator": indicator}
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
            params["grenzen"] = ";".join(f"{b:g}".replace(".", ",") for b in display.breaks)
        elif display.scheme != "quantiles":
            params["klassifikation"] = display.scheme
        if display.k != DEFAULT_K:
            params["klassen"] = str(display.k)
        if display.palette:
            params["palette"] = display.palette
    params.update({k: str(v) for k, v in extra.items() if v not in (None, "")})
    return urlencode(params, safe=",;")
