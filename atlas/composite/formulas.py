"""Indicators a planner defines from others: the definitions (what is stored), their checks and
the German wording generated from their parts.

Three kinds (:data:`KINDS`):

- **Quote** (``"rate"``): ``numerator / denominator × factor`` of two count indicators of the
  same level, per area and year where both have a value (factor 100 → "%", 1,000 → "je 1.000");
- **Veränderung** (``"change"``): the change of one indicator between two years, absolute (in
  its unit, percentage points for a "%") or in percent of the first year's value; its value is
  the second year's;
- **Sozialindex** (``"index"``): 2–15 indicators of one level with weights and directions,
  standardised and combined (:mod:`atlas.composite.index`).

A :class:`Formula` holds only the definition; its values are computed whenever the data is
assembled (:mod:`atlas.composite.compute`), so they follow new source data and imports. The
store keeps the definition as JSON (:func:`to_json` / :func:`from_json`), the Sitzungsfolge file
carries it the same way.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, replace

from atlas.composite.index import MAX_PARTS, METHODS, MIN_PARTS, Part
from atlas.errors import AtlasError

KINDS = {"rate": "Quote aus zwei Anzahlen", "change": "Veränderung zwischen zwei Jahren",
         "index": "Sozialindex"}
ID_RE = re.compile(r"[a-z0-9_]{2,40}")
TITLE_MAX = 200
#: Unit of a rate by its factor; other factors read "je <factor>".
FACTOR_UNITS = {1.0: "Verhältnis", 100.0: "%", 1000.0: "je 1.000", 10000.0: "je 10.000",
                100000.0: "je 100.000"}
#: The unit of an index; "Index" values have no meaningful ratio (atlas.analysis).
INDEX_UNIT = "Index"
INDEX_UNIT_LABELS = {"z": "Indexwert (z-Werte, 0 = Durchschnitt)",
                     "minmax": "Indexwert (0–100)"}
PERCENT_CHANGE_UNIT = "%"
POLARITIES = ("risk", "protective", "neutral")


class FormulaProblem(AtlasError):
    """A definition that cannot be used as given (German message naming the field)."""


@dataclass(frozen=True)
class RateParams:
    numerator: str
    denominator: str
    factor: float = 100.0

    def parts(self) -> tuple[str, ...]:
        return (self.numerator, self.denominator)


@dataclass(frozen=True)
class ChangeParams:
    indicator: str
    year_from: int
    year_to: int
    percent: bool = False

    def parts(self) -> tuple[str, ...]:
        return (self.indicator,)


@dataclass(frozen=True)
class IndexParams:
    items: tuple[Part, ...]
    method: str = "z"
    year: int | None = None  # None: the latest year all parts have (and every common year)

    def parts(self) -> tuple[str, ...]:
        return tuple(p.indicator for p in self.items)


@dataclass(frozen=True)
class Formula:
    """A defined indicator: its catalogue wording and its :attr:`params`. ``unit``,
    ``decimals``, ``definition`` "" / -1 mean "generated from the parts" (:func:`completed`)."""

    id: str
    title: str
    kind: str  # KINDS
    params: RateParams | ChangeParams | IndexParams
    level: str = ""  # the level of the parts (set by :func:`completed`)
    unit: str = ""
    decimals: int = -1
    polarity: str = ""  # "" → from the parts
    area: str = ""
    life_phases: tuple[str, ...] = ()
    note: str = ""  # the planner's own remark, shown under the generated definition
    created_at: str = ""
    updated_at: str = ""
    #: who may see it (:mod:`atlas.visibility`); kept by the store beside the definition
    visibility: str = "intern"

    @property
    def parts(self) -> tuple[str, ...]:
        """The ids of the indicators it is made of."""
        return self.params.parts()


# --- JSON --------------------------------------------------------------------------------------


def params_to_dict(params) -> dict:
    if isinstance(params, RateParams):
        return {"numerator": params.numerator, "denominator": params.denominator,
                "factor": params.factor}
    if isinstance(params, ChangeParams):
        return {"indicator": params.indicator, "year_from": params.year_from,
                "year_to": params.year_to, "percent": params.percent}
    return {"parts": [{"indicator": p.indicator, "weight": p.weight, "direction": p.direction}
                      for p in params.items],
            "method": params.method, "year": params.year}


def to_dict(formula: Formula) -> dict:
    """The definition as plain JSON-able data (store, Sitzungsfolge, API)."""
    return {"id": formula.id, "title": formula.title, "kind": formula.kind,
            "params": params_to_dict(formula.params), "level": formula.level,
            "unit": formula.unit, "decimals": formula.decimals, "polarity": formula.polarity,
            "area": formula.area, "life_phases": list(formula.life_phases), "note": formula.note,
            "created_at": formula.created_at, "updated_at": formula.updated_at}


def to_json(formula: Formula) -> str:
    return json.dumps(to_dict(formula), ensure_ascii=False, sort_keys=True)


def _number(raw, what: str) -> float:
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise FormulaProblem(f"{what}: „{str(raw)[:30]}“ ist keine Zahl.") from None
    if not math.isfinite(value):
        raise FormulaProblem(f"{what}: „{str(raw)[:30]}“ ist keine endliche Zahl.")
    return value


def _year(raw, what: str) -> int:
    value = _number(raw, what)
    if not value.is_integer() or not 1900 <= value <= 2100:
        raise FormulaProblem(f"{what}: „{str(raw)[:30]}“ ist kein Jahr.")
    return int(value)


def _text(raw, what: str, limit: int = TITLE_MAX) -> str:
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raise FormulaProblem(f"{what}: Text erwartet.")
    text = " ".join(raw.split())
    if len(text) > limit:
        raise FormulaProblem(f"{what}: höchstens {limit} Zeichen (angegeben: {len(text)}).")
    return text


def params_from_dict(kind: str, raw) -> RateParams | ChangeParams | IndexParams:
    if not isinstance(raw, dict):
        raise FormulaProblem("Die Angaben der Berechnung fehlen.")
    if kind == "rate":
        return RateParams(_text(raw.get("numerator"), "Zähler", 80),
                          _text(raw.get("denominator"), "Nenner", 80),
                          _number(raw.get("factor", 100), "Faktor"))
    if kind == "change":
        percent = raw.get("percent", False)
        if not isinstance(percent, bool):
            raise FormulaProblem("Veränderung in Prozent: ja oder nein.")
        return ChangeParams(_text(raw.get("indicator"), "Indikator", 80),
                            _year(raw.get("year_from"), "von Jahr"),
                            _year(raw.get("year_to"), "bis Jahr"), percent)
    if kind == "index":
        parts = raw.get("parts")
        if not isinstance(parts, list):
            raise FormulaProblem("Die Teile des Index fehlen.")
        out = []
        for i, part in enumerate(parts, 1):
            if not isinstance(part, dict):
                raise FormulaProblem(f"Teil {i} des Index: Angaben fehlen.")
            direction = _number(part.get("direction", 1), f"Richtung von Teil {i}")
            out.append(Part(_text(part.get("indicator"), f"Teil {i}", 80),
                            _number(part.get("weight", 1), f"Gewicht von Teil {i}"),
                            int(direction) if direction in (1, -1) else 0))
        year = raw.get("year")
        return IndexParams(tuple(out), _text(raw.get("method", "z"), "Standardisierung", 10),
                           None if year in (None, "") else _year(year, "Jahr"))
    raise FormulaProblem(f"Art „{str(kind)[:20]}“ ist unbekannt; erlaubt: {', '.join(KINDS)}.")


def from_dict(raw) -> Formula:
    """A :class:`Formula` of :func:`to_dict`'s data; German errors for anything malformed
    (a Sitzungsfolge file may hold anything)."""
    if not isinstance(raw, dict):
        raise FormulaProblem("Eine Berechnung ist kein Objekt.")
    kind = _text(raw.get("kind"), "Art", 10)
    phases = raw.get("life_phases") or []
    if not isinstance(phases, list) or not all(isinstance(p, str) for p in phases):
        raise FormulaProblem("Lebensphasen: Liste von Kennungen erwartet.")
    decimals = raw.get("decimals", -1)
    return Formula(
        id=_text(raw.get("id"), "Kennung", 40), title=_text(raw.get("title"), "Titel"),
        kind=kind, params=params_from_dict(kind, raw.get("params")),
        level=_text(raw.get("level"), "Ebene", 40), unit=_text(raw.get("unit"), "Einheit", 30),
        decimals=int(_number(decimals, "Nachkommastellen")) if decimals is not None else -1,
        polarity=_text(raw.get("polarity"), "Lesart", 20), area=_text(raw.get("area"), "Bereich", 60),
        life_phases=tuple(phases), note=_text(raw.get("note"), "Anmerkung", 2000),
        created_at=_text(raw.get("created_at"), "angelegt", 40),
        updated_at=_text(raw.get("updated_at"), "geändert", 40))


def from_json(text: str) -> Formula:
    try:
        raw = json.loads(text)
    except (TypeError, ValueError):
        raise FormulaProblem("Die gespeicherte Berechnung ist kein gültiges JSON.") from None
    return from_dict(raw)


# --- checks and generated wording ---------------------------------------------------------------


def parse_parts(text: str) -> tuple[Part, ...]:
    """The parts of ``atlas index --parts``: ``sgb2_quote:1,kinderarmut:1,-bildung:0.5``
    (weight after the colon, default 1; a leading ``-`` turns the direction round, else it comes
    from the indicator's polarity when completed)."""
    parts = []
    for i, item in enumerate(str(text or "").split(","), 1):
        item = item.strip()
        if not item:
            continue
        name, _, weight = item.partition(":")
        name = name.strip()
        direction = 0  # from the polarity
        if name.startswith(("-", "−")):
            direction, name = -1, name[1:].strip()
        elif name.startswith("+"):
            direction, name = 1, name[1:].strip()
        parts.append(Part(name, _number(weight.strip() or 1, f"Gewicht von „{name}“"), direction))
    return tuple(parts)


def factor_unit(factor: float) -> str:
    if factor in FACTOR_UNITS:
        return FACTOR_UNITS[factor]
    text = f"{factor:,.0f}".replace(",", ".") if float(factor).is_integer() else str(factor)
    return f"je {text}"


def _indicator(catalogue, indicator_id: str, what: str):
    from atlas.catalogue import UnknownIndicator

    try:
        return catalogue.indicator(indicator_id)
    except UnknownIndicator:
        raise FormulaProblem(f"{what}: Indikator „{str(indicator_id)[:40]}“ gibt es nicht.") from None


def completed(formula: Formula, catalogue, years_of=None, taken: set[str] = frozenset()
              ) -> Formula:
    """``formula`` checked against the catalogue (German :class:`FormulaProblem` naming the
    field) and with everything left open filled in from its parts: level, unit, decimals,
    polarity, area, life phases; index parts' directions from their polarities.

    ``years_of(indicator_id)`` gives an indicator's years (for the change's years); ``taken``
    are ids that may not be used (the catalogue's own ids are always taken except the
    formula's own)."""
    if not ID_RE.fullmatch(formula.id or ""):
        raise FormulaProblem(f"Kennung „{str(formula.id)[:40]}“: 2–40 Zeichen aus a–z, 0–9 und _.")
    if formula.id in taken:
        raise FormulaProblem(f"Kennung „{formula.id}“ ist schon vergeben.")
    if not formula.title.strip():
        raise FormulaProblem("Titel fehlt.")
    if formula.kind not in KINDS:
        raise FormulaProblem(f"Art „{formula.kind}“ ist unbekannt.")
    if formula.polarity and formula.polarity not in POLARITIES:
        raise FormulaProblem(f"Lesart „{formula.polarity}“: risk, protective oder neutral.")
    if formula.id in formula.parts:
        raise FormulaProblem("Ein Indikator kann nicht aus sich selbst berechnet werden.")
    from atlas.catalogue import LIFE_PHASES

    areas = [a.id for a in catalogue.areas]
    if formula.area and formula.area not in areas:
        raise FormulaProblem(f"Lebenslagenbereich „{formula.area[:40]}“ ist unbekannt; erlaubt: "
                             f"{', '.join(areas)}.")
    if unknown := [p for p in formula.life_phases if p not in LIFE_PHASES]:
        raise FormulaProblem(f"Lebensphase „{unknown[0][:40]}“ ist unbekannt; erlaubt: "
                             f"{', '.join(LIFE_PHASES)}.")
    check = {"rate": _complete_rate, "change": _complete_change, "index": _complete_index}
    return check[formula.kind](formula, catalogue, years_of)


def _same_level(inds, what: str) -> str:
    levels = {i.level for i in inds}
    if len(levels) > 1:
        listing = ", ".join(f"„{i.short_title}“ ({i.level})" for i in inds)
        raise FormulaProblem(f"{what} müssen zu derselben Ebene gehören: {listing}.")
    return inds[0].level


def _complete_rate(formula: Formula, catalogue, years_of) -> Formula:
    p = formula.params
    num = _indicator(catalogue, p.numerator, "Zähler")
    den = _indicator(catalogue, p.denominator, "Nenner")
    for ind, what in ((num, "Zähler"), (den, "Nenner")):
        if ind.kind != "count":
            raise FormulaProblem(f"{what} „{ind.short_title}“ ist keine Anzahl: Quoten werden aus "
                                 "zwei Anzahlen berechnet.")
    if num.id == den.id:
        raise FormulaProblem("Zähler und Nenner sind derselbe Indikator.")
    if not p.factor > 0:
        raise FormulaProblem(f"Faktor muss größer als 0 sein (angegeben: {p.factor}).")
    level = _same_level([num, den], "Zähler und Nenner")
    unit = formula.unit or factor_unit(p.factor)
    return replace(formula, level=level, unit=unit,
                   decimals=formula.decimals if formula.decimals >= 0 else 1,
                   polarity=formula.polarity or num.polarity, area=formula.area or num.area,
                   life_phases=formula.life_phases or num.life_phases)


def _complete_change(formula: Formula, catalogue, years_of) -> Formula:
    p = formula.params
    ind = _indicator(catalogue, p.indicator, "Indikator")
    from atlas.catalogue import over_time_problem

    if problem := over_time_problem(ind):
        raise FormulaProblem(f"„{ind.short_title}“: {problem} Eine Veränderung zwischen zwei "
                             "Jahren lässt sich daher nicht berechnen.")
    if p.year_from >= p.year_to:
        raise FormulaProblem(f"„von“ ({p.year_from}) muss vor „bis“ ({p.year_to}) liegen.")
    if years_of is not None:
        years = years_of(ind.id)
        for year, what in ((p.year_from, "von"), (p.year_to, "bis")):
            if year not in years:
                known = f"{years[0]}–{years[-1]}" if years else "keine"
                raise FormulaProblem(f"„{ind.short_title}“ hat für {year} ({what}) keine Werte "
                                     f"(vorhanden: {known}).")
    unit = formula.unit or (PERCENT_CHANGE_UNIT if p.percent
                            else "Prozentpunkte" if ind.unit == "%" else ind.unit)
    return replace(formula, level=ind.level, unit=unit,
                   decimals=formula.decimals if formula.decimals >= 0 else max(ind.decimals, 1),
                   polarity=formula.polarity or ind.polarity, area=formula.area or ind.area,
                   life_phases=formula.life_phases or ind.life_phases)


def _complete_index(formula: Formula, catalogue, years_of) -> Formula:
    p = formula.params
    if not MIN_PARTS <= len(p.items) <= MAX_PARTS:
        raise FormulaProblem(f"Ein Index braucht {MIN_PARTS} bis {MAX_PARTS} Indikatoren "
                             f"(gewählt: {len(p.items)}).")
    if p.method not in METHODS:
        raise FormulaProblem(f"Standardisierung „{p.method}“: z oder minmax.")
    ids = [part.indicator for part in p.items]
    if twice := sorted({i for i in ids if ids.count(i) > 1}):
        raise FormulaProblem(f"Indikator doppelt gewählt: {', '.join(twice)}.")
    inds = [_indicator(catalogue, i, "Teil des Index") for i in ids]
    parts = []
    for part, ind in zip(p.items, inds):
        if not (math.isfinite(part.weight) and part.weight > 0):
            raise FormulaProblem(f"Gewicht von „{ind.short_title}“ muss größer als 0 sein "
                                 f"(angegeben: {part.weight}).")
        direction = part.direction or (-1 if ind.polarity == "protective" else 1)
        parts.append(replace(part, direction=direction))
    level = _same_level(inds, "Die Teile eines Index")
    phases = formula.life_phases or tuple(dict.fromkeys(ph for i in inds for ph in i.life_phases))
    return replace(formula, params=replace(p, items=tuple(parts)), level=level, unit=INDEX_UNIT,
                   decimals=formula.decimals if formula.decimals >= 0 else 2,
                   polarity=formula.polarity or "risk", area=formula.area or inds[0].area,
                   life_phases=phases)


def _format_factor(factor: float) -> str:
    return f"{factor:,.0f}".replace(",", ".") if float(factor).is_integer() else \
        str(factor).replace(".", ",")


def weight_text(weight: float) -> str:
    return f"{weight:.3f}".rstrip("0").rstrip(".").replace(".", ",")


def definition_text(formula: Formula, catalogue) -> str:
    """The German definition generated from a completed formula's parts."""
    p = formula.params
    if formula.kind == "rate":
        num, den = catalogue.indicator(p.numerator), catalogue.indicator(p.denominator)
        if p.factor == 100:
            head = f"Anteil „{num.title}“ an „{den.title}“ in %"
        else:
            head = f"„{num.title}“ je {_format_factor(p.factor)} „{den.title}“"
        text = (f"{head}: Zähler ÷ Nenner × {_format_factor(p.factor)}, je Gebiet und Jahr, in "
                "dem beide einen Wert haben. Fehlt ein Teil oder ist er geschützt, oder ist der "
                "Nenner 0, bleibt das Gebiet leer. Auf gröberen Ebenen wird die Quote aus den "
                "summierten Anzahlen neu berechnet, nie gemittelt.")
    elif formula.kind == "change":
        ind = catalogue.indicator(p.indicator)
        how = ("in Prozent des Werts von " + str(p.year_from) if p.percent
               else f"absolut ({formula.unit})")
        text = (f"Veränderung von „{ind.title}“ zwischen {p.year_from} und {p.year_to}, {how}; "
                f"der Wert steht beim Jahr {p.year_to}.")
    else:
        listing = "; ".join(
            f"{catalogue.indicator(part.indicator).title} (Gewicht {weight_text(w)}, "
            f"{'höher = mehr Risiko' if part.direction > 0 else 'umgekehrt: höher = weniger Risiko'})"
            for part, w in zip(p.items, _normalised([x.weight for x in p.items])))
        method = ("z-Standardisierung je Jahr (Mittelwert 0, Standardabweichung der Gebiete "
                  "mit Wert, ddof = 0)" if p.method == "z"
                  else "Min-Max-Skalierung je Jahr auf 0–100")
        text = (f"Sozialindex aus {len(p.items)} Indikatoren: {listing}. Methode: {method}; "
                "Indikatoren, bei denen ein höherer Wert weniger Risiko bedeutet, werden "
                "umgedreht; der Index ist das gewichtete Mittel (Gewichte auf Summe 1). Höherer "
                "Wert = mehr Risiko. Ein Gebiet, dem ein Teil fehlt, bleibt leer.")
        text += count_parts_warning(formula, catalogue)
    return f"{text}\n\n{formula.note}".strip()


def count_parts_warning(formula: Formula, catalogue) -> str:
    """A German warning (with a leading space) naming the counts among an index's parts: a count
    measures mostly the size of an area (Erfurt has the most unemployed because it is the
    largest), so in an index it weighs size, not a risk; "" when all parts are rates."""
    if formula.kind != "index":
        return ""
    counts = [ind for ind in (catalogue.indicator(i) for i in formula.parts) if ind.kind == "count"]
    if not counts:
        return ""
    names = ", ".join(f"„{ind.short_title}“" for ind in counts)
    what = ("ist eine Anzahl und misst" if len(counts) == 1 else "sind Anzahlen und messen")
    return (f" Achtung: {names} {what} vor allem die Größe der Gebiete, nicht ein Risiko; für "
            "einen Index eignet sich eine Quote (z. B. je 1.000 Einwohner).")


def _normalised(weights) -> list[float]:
    total = float(sum(weights))
    return [w / total for w in weights]
