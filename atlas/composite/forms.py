"""The page's forms "Indikator berechnen" and "Sozialindex bilden" (tab "Eigene Daten") as pure
functions: the choices they offer for a level, the translation of what was typed and chosen into
a :class:`~atlas.composite.formulas.Formula` (German :class:`~atlas.composite.formulas.
FormulaProblem` naming the field for anything missing or malformed), the way back for editing a
stored definition, and the entries of the list of saved definitions.

Whether a definition fits the data (the parts exist, are counts, belong to one level, give
values) is checked when it is saved (:func:`atlas.composite.define.save`); here only the form.
Everything a user typed stays text: titles and notes are never read as HTML or Markdown.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from atlas.catalogue import POLARITIES
from atlas.composite import formulas as fm
from atlas.composite.index import MAX_PARTS, MIN_PARTS, Part
from atlas.composite.matrix import common_years
from atlas.errors import UnknownIndicator
from atlas.values import parse_decimal, parse_int

#: The kinds the form "Indikator berechnen" offers (the index has its own form).
DERIVE_KINDS = {"rate": fm.KINDS["rate"], "change": fm.KINDS["change"]}
#: The factors on offer for a rate; :data:`OTHER_FACTOR` takes the number typed beside it.
FACTOR_CHOICES = {"100": "100 (Anteil in %)", "1000": "1.000 (je 1.000)",
                  "10000": "10.000 (je 10.000)", "100000": "100.000 (je 100.000)"}
OTHER_FACTOR = "andere"
#: What a higher value means; :data:`FROM_PARTS` takes it from the parts.
FROM_PARTS = "aus-teilen"
POLARITY_CHOICES = {FROM_PARTS: "aus den Teilen", **POLARITIES}
#: The direction of an index part; 0 takes it from the indicator's Lesart.
DIRECTION_CHOICES = {0: "aus Lesart", 1: "höher = mehr Risiko", -1: "höher = weniger Risiko"}
METHOD_CHOICES = {"z": "z-Werte (0 = Durchschnitt der Gebiete)", "minmax": "Min-Max (0–100)"}
#: A change absolute (in the indicator's unit) or in percent of the first year's value.
PERCENT_CHOICES = {"absolut": "absolut", "prozent": "in Prozent"}
#: The year choice of an index that means "the latest year all parts have".
LATEST_YEAR = "neuestes"
NOTE_MAX = 2000
ID_MAX = 40

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "ae", "Ö": "oe",
                          "Ü": "ue"})


def _key(raw) -> str | None:
    """A choice as the key of a mapping of choices (anything but text is no choice)."""
    return raw if isinstance(raw, str) else None


def _is_blank(raw) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _text(raw, what: str, limit: int) -> str:
    """A typed text with its blanks collapsed (anything not a string counts as missing)."""
    if not isinstance(raw, str):
        return ""
    text = " ".join(raw.split())
    if len(text) > limit:
        raise fm.FormulaProblem(f"{what}: höchstens {limit} Zeichen (eingegeben: {len(text)}).")
    return text


def _choice(raw, what: str) -> str:
    """The value of a dropdown (an indicator id): a short string, else the field is missing."""
    if not isinstance(raw, str) or not raw.strip():
        raise fm.FormulaProblem(f"{what} fehlt: bitte wählen.")
    if len(raw) > 120:
        raise fm.FormulaProblem(f"{what}: unbekannte Auswahl.")
    return raw.strip()


def suggest_id(title, taken=frozenset()) -> str:
    """A Kennung for a title: lower case, umlauts spelled out, other characters as ``_``, at most
    40 characters, not one of ``taken`` (then ``_2``, ``_3`` …); "" for a title without letters
    or digits.

    >>> suggest_id("Anteil Frauen an Arbeitslosen (%)")
    'anteil_frauen_an_arbeitslosen'
    """
    if not isinstance(title, str):
        return ""
    text = unicodedata.normalize("NFKD", title.translate(_UMLAUTS).lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    base = re.sub(r"[^a-z0-9]+", "_", text).strip("_")[:ID_MAX].rstrip("_")
    if len(base) < 2:
        return ""
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        suffix = f"_{n}"
        candidate = base[:ID_MAX - len(suffix)].rstrip("_") + suffix
    return candidate


def with_id(form, taken=frozenset()):
    """``form`` with the Kennung suggested from its title when none was typed (the form shows
    the suggestion as the field's placeholder)."""
    if not isinstance(form, dict) or not _is_blank(form.get("id")):
        return form
    return {**form, "id": suggest_id(form.get("title"), taken)}


# --- choices ------------------------------------------------------------------------------------


def level_choices(data) -> list[dict]:
    """The levels a definition can be made for: those with indicators with values, each with the
    number of its areas (a planner's level title is text)."""
    out = []
    for level_id in data.available_levels():
        level = data.level_of(level_id)
        own = "eigene Gebiete, " if level.own else ""
        out.append({"label": f"{level.title} ({own}{len(level)} Gebiete)", "value": level_id})
    return out


def _label(ind) -> str:
    label = ind.title if len(ind.title) < 70 else ind.short_title
    if ind.composite:
        return f"{label} · berechnet"
    return f"{label} · eigene Daten" if ind.own else label


def indicator_choices(data, level: str | None, counts_only: bool = False,
                      comparable_only: bool = False) -> list[dict]:
    """The indicators of ``level`` with values (computed ones included), for the dropdowns;
    only counts (the parts of a rate) with ``counts_only``; only those whose years may be
    compared (the parts of a change: not the GISD, catalogue ``over_time``) with
    ``comparable_only``. An unknown level offers nothing."""
    if not isinstance(level, str) or level not in data.levels:
        return []
    return [{"label": _label(ind), "value": ind.id, "search": f"{ind.title} {ind.id}"}
            for ind in data.available_indicators(level=level)
            if (not counts_only or ind.kind == "count") and (not comparable_only or ind.over_time)]


def _years(data, indicator_id) -> list[int]:
    """The years of an indicator; none for an unknown one."""
    if not isinstance(indicator_id, str) or not indicator_id:
        return []
    try:
        return data.years(indicator_id)
    except UnknownIndicator:
        return []


def year_choices(data, indicator_id) -> list[dict]:
    """The years of an indicator (for "von"/"bis" of a change; values as text, as a select
    gives them)."""
    return [{"label": str(y), "value": str(y)} for y in _years(data, indicator_id)]


def index_year_choices(data, part_ids) -> list[dict]:
    """The year of an index: the latest year all parts have (the default), or any year of a
    part (then each part contributes its nearest year)."""
    ids = [p for p in (part_ids or []) if isinstance(p, str) and p]
    by_part = [_years(data, p) for p in ids]
    common = common_years(by_part) if by_part else []
    latest = (f"neuestes gemeinsames Jahr ({common[-1]})" if common
              else "neuestes gemeinsames Jahr")
    years = sorted({y for ys in by_part for y in ys})
    return [{"label": latest, "value": LATEST_YEAR}] + [
        {"label": str(y) if y in common else f"{y} (je Teil das nächstgelegene Jahr)",
         "value": str(y)}
        for y in years]


# --- form → definition --------------------------------------------------------------------------


def _common(form: dict, kind: str) -> dict:
    title = _text(form.get("title"), "Titel", fm.TITLE_MAX)
    if not title:
        raise fm.FormulaProblem("Titel fehlt.")
    formula_id = form.get("id")
    formula_id = formula_id.strip() if isinstance(formula_id, str) else ""
    if not formula_id:
        raise fm.FormulaProblem("Kennung fehlt (2–40 Zeichen aus a–z, 0–9 und _).")
    if not fm.ID_RE.fullmatch(formula_id):
        raise fm.FormulaProblem(f"Kennung „{formula_id[:40]}“: 2–40 Zeichen aus a–z, 0–9 und _ "
                                "(ohne Umlaute und Leerzeichen).")
    polarity = _key(form.get("polarity")) or FROM_PARTS
    if polarity not in POLARITY_CHOICES:
        raise fm.FormulaProblem("Lesart: bitte eine der angebotenen wählen.")
    polarity = "" if polarity == FROM_PARTS else polarity
    return {"id": formula_id, "title": title, "kind": kind,
            "unit": _text(form.get("unit"), "Einheit", 30) if kind != "index" else "",
            "polarity": polarity, "note": _text(form.get("note"), "Anmerkung", NOTE_MAX)}


def _factor(choice, other) -> float:
    choice = _key(choice)
    if choice in FACTOR_CHOICES:
        return float(choice)
    if choice != OTHER_FACTOR:
        raise fm.FormulaProblem("Faktor: bitte 100, 1.000, 10.000, 100.000 oder „andere Zahl“ "
                                "wählen.")
    if _is_blank(other):
        raise fm.FormulaProblem("Faktor fehlt: bitte eine Zahl größer als 0 eingeben.")
    value = parse_decimal(other)
    if value is None or not value > 0 or value > 1e9:
        raise fm.FormulaProblem(f"Faktor „{str(other)[:20]}“: eine Zahl größer als 0 (bis "
                                "1.000.000.000) eingeben.")
    return value


def _year(raw, what: str) -> int:
    if _is_blank(raw):
        raise fm.FormulaProblem(f"Jahr „{what}“ fehlt: bitte wählen.")
    year = parse_int(raw)
    if year is None or not 1900 <= year <= 2100:
        raise fm.FormulaProblem(f"Jahr „{what}“: „{str(raw)[:20]}“ ist kein Jahr.")
    return year


def derive_formula(form: dict) -> fm.Formula:
    """The definition of the form "Indikator berechnen": ``kind`` ("rate" or "change"),
    ``numerator``, ``denominator``, ``factor`` (a key of :data:`FACTOR_CHOICES` or
    :data:`OTHER_FACTOR` with ``factor_other``), ``indicator``, ``year_from``, ``year_to``,
    ``percent`` (a key of :data:`PERCENT_CHOICES`), and ``id``, ``title``, ``unit``, ``polarity``, ``note``. A German
    :class:`~atlas.composite.formulas.FormulaProblem` naming the first field that is missing or
    malformed."""
    if not isinstance(form, dict):
        raise fm.FormulaProblem("Die Angaben des Formulars fehlen.")
    kind = _key(form.get("kind"))
    if kind not in DERIVE_KINDS:
        raise fm.FormulaProblem("Art der Berechnung: bitte „Quote aus zwei Anzahlen“ oder "
                                "„Veränderung zwischen zwei Jahren“ wählen.")
    common = _common(form, kind)
    if kind == "rate":
        numerator = _choice(form.get("numerator"), "Zähler")
        denominator = _choice(form.get("denominator"), "Nenner")
        if numerator == denominator:
            raise fm.FormulaProblem("Zähler und Nenner sind derselbe Indikator.")
        params = fm.RateParams(numerator, denominator,
                               _factor(form.get("factor"), form.get("factor_other")))
    else:
        indicator = _choice(form.get("indicator"), "Indikator")
        year_from, year_to = _year(form.get("year_from"), "von"), _year(form.get("year_to"), "bis")
        if year_from >= year_to:
            raise fm.FormulaProblem(f"„von“ ({year_from}) muss vor „bis“ ({year_to}) liegen.")
        params = fm.ChangeParams(indicator, year_from, year_to,
                                 form.get("percent") in (True, "prozent"))
    return fm.Formula(params=params, **common)


def _weight(raw, n: int) -> float:
    if _is_blank(raw):
        raise fm.FormulaProblem(f"Gewicht von Teil {n} fehlt: eine Zahl größer als 0 eingeben.")
    value = parse_decimal(raw)
    if value is None or not value > 0 or value > 1e6:
        raise fm.FormulaProblem(f"Gewicht von Teil {n}: „{str(raw)[:20]}“ – eine Zahl größer als "
                                "0 (bis 1.000.000) eingeben.")
    return value


def _direction(raw, n: int) -> int:
    """0 (from the Lesart), 1 or -1 – as a number or as its text (a dropdown's value)."""
    if raw is None or raw == "":
        return 0
    if isinstance(raw, str) and raw.strip() in ("0", "1", "-1"):
        return int(raw.strip())
    if isinstance(raw, (int, float)) and not isinstance(raw, bool) and raw in DIRECTION_CHOICES:
        return int(raw)
    raise fm.FormulaProblem(f"Richtung von Teil {n}: bitte eine der angebotenen wählen.")


def index_formula(form: dict) -> fm.Formula:
    """The definition of the form "Sozialindex bilden": ``parts`` (a list of dicts with
    ``indicator``, ``weight``, ``direction`` of :data:`DIRECTION_CHOICES`), ``method``, ``year``
    (:data:`LATEST_YEAR` or a year), ``id``, ``title``, ``polarity``, ``note``. A German
    :class:`~atlas.composite.formulas.FormulaProblem` naming the first field that is missing or
    malformed."""
    if not isinstance(form, dict):
        raise fm.FormulaProblem("Die Angaben des Formulars fehlen.")
    common = _common(form, "index")
    raw_parts = form.get("parts")
    if not isinstance(raw_parts, (list, tuple)):
        raise fm.FormulaProblem("Die Teile des Index fehlen.")
    if not MIN_PARTS <= len(raw_parts) <= MAX_PARTS:
        raise fm.FormulaProblem(f"Ein Index braucht {MIN_PARTS} bis {MAX_PARTS} Teile "
                                f"(angegeben: {len(raw_parts)}).")
    parts, seen = [], {}
    for n, raw in enumerate(raw_parts, 1):
        raw = raw if isinstance(raw, dict) else {}
        indicator = _choice(raw.get("indicator"), f"Indikator von Teil {n}")
        if indicator in seen:
            raise fm.FormulaProblem(f"Teil {n} ist derselbe Indikator wie Teil {seen[indicator]}.")
        seen[indicator] = n
        parts.append(Part(indicator, _weight(raw.get("weight"), n),
                          _direction(raw.get("direction"), n)))
    method = _key(form.get("method")) or "z"
    if method not in METHOD_CHOICES:
        raise fm.FormulaProblem("Standardisierung: bitte z-Werte oder Min-Max wählen.")
    raw_year = form.get("year")
    year = None if raw_year in (None, "", LATEST_YEAR) else _year(raw_year, "Jahr")
    return fm.Formula(params=fm.IndexParams(tuple(parts), method, year), **common)


# --- definition → form (editing) ----------------------------------------------------------------


def form_of(formula: fm.Formula) -> dict:
    """The form values of a stored definition (:func:`derive_formula` / :func:`index_formula`
    give it back). Generated wording (unit, Lesart, directions from the parts) is kept as
    stored: a definition made in the form leaves them open, one from the command line may have
    them set."""
    form = {"kind": formula.kind, "level": formula.level, "id": formula.id,
            "title": formula.title, "unit": "", "polarity": formula.polarity or FROM_PARTS,
            "note": formula.note}
    p = formula.params
    if formula.kind == "rate":
        key = f"{p.factor:.0f}" if float(p.factor).is_integer() else ""
        form.update(numerator=p.numerator, denominator=p.denominator,
                    factor=key if key in FACTOR_CHOICES else OTHER_FACTOR,
                    factor_other=None if key in FACTOR_CHOICES else p.factor)
        if formula.unit != fm.factor_unit(p.factor):
            form["unit"] = formula.unit
    elif formula.kind == "change":
        form.update(indicator=p.indicator, year_from=str(p.year_from), year_to=str(p.year_to),
                    percent="prozent" if p.percent else "absolut")
    else:
        form.update(parts=[{"indicator": part.indicator, "weight": part.weight,
                            "direction": str(part.direction)} for part in p.items],
                    method=p.method, year=LATEST_YEAR if p.year is None else str(p.year))
    return form


# --- the rows of the index's parts --------------------------------------------------------------


def blank_part() -> dict:
    return {"indicator": None, "weight": 1, "direction": "0"}


def add_part(parts: list[dict]) -> list[dict]:
    """One more (empty) row, at most :data:`~atlas.composite.index.MAX_PARTS`."""
    parts = list(parts or [])
    return parts + [blank_part()] if len(parts) < MAX_PARTS else parts


def remove_part(parts: list[dict], position) -> list[dict]:
    """Without row ``position`` (0-based); at least :data:`~atlas.composite.index.MIN_PARTS`
    rows stay."""
    parts = list(parts or [])
    if len(parts) <= MIN_PARTS or not isinstance(position, int) or not 0 <= position < len(parts):
        return parts
    return parts[:position] + parts[position + 1:]


def parts_of_level(parts: list[dict], offered: set[str]) -> list[dict]:
    """The rows kept when the level changes: an indicator not on offer at the new level is
    cleared, weight and direction stay; at least :data:`~atlas.composite.index.MIN_PARTS`
    rows."""
    def kept(indicator):
        return indicator if isinstance(indicator, str) and indicator in offered else None

    rows = [dict(p, indicator=kept(p.get("indicator")))
            for p in (parts or []) if isinstance(p, dict)][:MAX_PARTS]
    return rows + [blank_part() for _ in range(MIN_PARTS - len(rows))]


# --- the list of saved definitions --------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One saved definition as the list shows it (all text)."""

    id: str
    title: str
    kind: str  # German
    level: str  # the level's title
    parts: tuple[str, ...]  # "Titel (Gewicht 0,5)" …
    problem: str  # why it cannot be computed now; "" when it can
    shown: bool  # whether it has a catalogue entry with values (can be shown on the map)


def _factor_text(factor: float) -> str:
    if float(factor).is_integer():
        return f"{factor:,.0f}".replace(",", ".")
    return f"{factor:g}".replace(".", ",")


def _title_of(catalogue, indicator_id: str) -> str:
    try:
        return catalogue.indicator(indicator_id).title
    except UnknownIndicator:
        return f"{indicator_id} (fehlt)"


def entries(data, formulas) -> list[Entry]:
    """The saved definitions (``store.formulas()``) with their level, parts and, for those that
    cannot be computed now, the problem (``catalogue.formula_problems``)."""
    catalogue = data.catalogue

    def title(indicator_id: str) -> str:
        return _title_of(catalogue, indicator_id)

    out = []
    for formula in formulas:
        p = formula.params
        if formula.kind == "index":
            parts = tuple(f"{title(part.indicator)} (Gewicht {fm.weight_text(part.weight)}"
                          f"{', umgekehrt' if part.direction < 0 else ''})" for part in p.items)
        elif formula.kind == "rate":
            parts = (f"Zähler: {title(p.numerator)}", f"Nenner: {title(p.denominator)}",
                     f"Faktor: {_factor_text(p.factor)} ({fm.factor_unit(p.factor)})")
        else:
            parts = (f"{title(p.indicator)}, {p.year_from}–{p.year_to}"
                     f"{' in Prozent' if p.percent else ''}",)
        level = formula.level
        if level in data.levels:
            level = data.level_of(level).title
        problem = catalogue.formula_problems.get(formula.id, "")
        out.append(Entry(formula.id, formula.title, fm.KINDS.get(formula.kind, formula.kind),
                         level or "–", parts, problem,
                         not problem and formula.id in catalogue.formulas
                         and data.has_values(formula.id)))
    return out
