"""The view state carried in the page URL (``?indicator=…&year=…``), parsed and validated."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qs

from atlas.catalogue import LIFE_PHASES
from atlas.data import AtlasData

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
