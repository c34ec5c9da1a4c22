"""Similar areas and types of areas of one level, as the page's tab "Ähnliche Gebiete und Typen"
shows them: the arithmetic of :mod:`atlas.composite.similar` on the values of
:func:`atlas.composite.matrix.of_data`, with names, German numbers, the years used and German
messages for choices that give no answer.

- :func:`similar_areas`: for one area the 3–5 areas closest to it on the chosen indicators
  (standardised Euclidean distance: the root of the mean squared difference of the z-values,
  z with the population standard deviation over the level's areas), each with the indicators
  where the two differ most and both values;
- :func:`area_types`: Ward's clustering of the level's areas into ``k`` types (3–7), each named
  by the indicators whose mean z-value in the type is furthest from the level's mean
  ("Typ 1: SGB-II-Quote hoch, Kinderarmut hoch"), with its size, areas and mean values; areas
  missing an indicator get no type ("keine Zuordnung", naming what is missing);
- :func:`default_indicators`: the set the tab starts with at a level.

Pure: no Dash, no drawing (the map of the types: :func:`atlas.figures.types_view`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from atlas.catalogue import Indicator
from atlas.composite.matrix import Matrix, of_data
from atlas.composite.similar import TYPE_COUNTS, similar, typology
from atlas.errors import AtlasError
from atlas.values import format_number

MIN_INDICATORS, MAX_INDICATORS = 2, 15
#: How many similar areas may be asked for (the page shows :data:`DEFAULT_COUNT`).
PEER_COUNTS = range(3, 6)
DEFAULT_COUNT = 5
#: Number of types the tab starts with.
DEFAULT_K = 4
#: At most this many indicators in the default set.
DEFAULT_SIZE = 5
#: A type is named by at most this many indicators …
NAME_TRAITS = 2
#: … whose mean z-value in the type is at least this far from 0 (the level's mean); from
#: :data:`TRAIT_STRONG_Z` on "sehr hoch" / "sehr niedrig".
TRAIT_MIN_Z = 0.5
TRAIT_STRONG_Z = 1.5
#: Fewer areas with every value than this: the typology always carries the caveat (the 22
#: Kreise always do).
SMALL_LEVEL = 50
#: What an area without a type is called (map legend, table, hover).
UNASSIGNED = "keine Zuordnung"

DISTANCE_NOTE = (
    "Abstand: Wurzel aus dem Mittel der quadrierten Unterschiede der z-Werte (je Indikator: "
    "Abweichung vom Mittel der Gebiete der Ebene in Standardabweichungen). 0 = gleiche Werte, "
    "1 = im Mittel eine Standardabweichung Unterschied je Indikator. Verglichen werden Gebiete "
    "mit Werten für mindestens die Hälfte der Indikatoren."
)
TYPES_NOTE = (
    "Methode: jeder Indikator z-standardisiert (Mittelwert 0, Standardabweichung 1 über die "
    "Gebiete der Ebene), hierarchisches Clustering nach Ward (scipy) der Gebiete mit allen "
    "Werten, Typ 1 = größter Typ. Benannt wird ein Typ nach den bis zu zwei Indikatoren, deren "
    "Mittel im Typ am weitesten vom Mittel der Ebene abweicht (mindestens eine halbe "
    "Standardabweichung): „hoch“ oder „niedrig“, ab 1,5 Standardabweichungen „sehr hoch“ "
    "oder „sehr niedrig“. Mittelwerte: ungewichtetes Mittel der Gebiete."
)


def name_order(name: str) -> str:
    """Sort key of a name in German alphabetical order (umlauts as their base letter: Sömmerda
    before Suhl)."""
    plain = unicodedata.normalize("NFKD", str(name).casefold().replace("ß", "ss"))
    return "".join(c for c in plain if not unicodedata.combining(c))


def _names(level) -> dict[str, str]:
    """``{key: unique name}`` of the level's areas (:meth:`~atlas.levels.registry.Level.name`
    for all at once)."""
    return dict(zip(level.areas["ags"].astype(str), level.areas["label"].astype(str)))


class PeersProblem(AtlasError):
    """A choice of indicators or area that gives no similar areas or types (German message)."""


# --- the indicators ------------------------------------------------------------------------------
def default_indicators(data, level_id: str, indicator: str | None = None) -> list[str]:
    """The indicators the tab starts with at a level: the parts of ``indicator`` when it is a
    Sozialindex of this level (which areas are alike in what the index is made of); else up to
    :data:`DEFAULT_SIZE` of the level's
    indicators with values, in catalogue order – first the rates whose higher value means more
    risk (polarity ``risk``: SGB-II-Quote, Kinderarmut, … at the Kreise), so that the similarity
    is one of risk situations; where the level has fewer than two of them (the Gemeinden, own
    levels) its other rates follow, and only where those do not reach two either its counts
    (whose values mostly measure size). Fewer than two at a level with fewer indicators; the
    user changes the set in the tab."""
    from atlas.composite.compute import formula_of

    formula = formula_of(data.catalogue, indicator) if indicator else None
    if formula is not None and formula.kind == "index" and formula.level == level_id:
        return list(formula.parts)
    indicators = data.available_indicators(level=level_id)
    risk = [i.id for i in indicators if i.kind == "rate" and i.polarity == "risk"]
    rates = [i.id for i in indicators if i.kind == "rate" and i.polarity != "risk"]
    counts = [i.id for i in indicators if i.kind != "rate"]
    chosen = risk
    for more in (rates, counts):
        if len(chosen) >= MIN_INDICATORS:
            break
        chosen = chosen + more
    return chosen[:DEFAULT_SIZE]


def checked_indicators(data, level_id: str, indicator_ids: Sequence[str]) -> list[Indicator]:
    """The catalogue entries of ``indicator_ids``; a German :class:`PeersProblem` for fewer than
    2 or more than 15, one chosen twice, an unknown id, an indicator of another level or one
    without values."""
    ids = [str(i) for i in (indicator_ids or [])]
    level = data.level_of(level_id)
    if not MIN_INDICATORS <= len(ids) <= MAX_INDICATORS:
        raise PeersProblem(f"Bitte {MIN_INDICATORS} bis {MAX_INDICATORS} Indikatoren wählen "
                           f"(gewählt: {len(ids)}).")
    if twice := sorted({i for i in ids if ids.count(i) > 1}):
        raise PeersProblem(f"Indikator doppelt gewählt: {', '.join(t[:60] for t in twice)}.")
    known = {i.id for i in data.catalogue.indicators}
    if unknown := [i for i in ids if i not in known]:
        raise PeersProblem(f"Unbekannter Indikator: {', '.join(f'„{u[:60]}“' for u in unknown)}.")
    inds = [data.indicator(i) for i in ids]
    if other := [i for i in inds if i.level != level.id]:
        names = ", ".join(f"„{i.short_title}“ ({data.level_of(i.level).title})" for i in other)
        raise PeersProblem(f"Nur Indikatoren der Ebene „{level.title}“ lassen sich vergleichen; "
                           f"von einer anderen Ebene: {names}.")
    if empty := [i for i in inds if not data.has_values(i.id)]:
        raise PeersProblem("Ohne Werte: " + ", ".join(f"„{i.short_title}“" for i in empty) + ".")
    return inds


def _values(data, level_id: str, inds: list[Indicator], year: int | None) -> Matrix:
    """The level's values of ``inds`` (each in its year), with a German :class:`PeersProblem`
    for an indicator that cannot be standardised in its year (fewer than two values, or the
    same value everywhere)."""
    values = of_data(data, level_id, [i.id for i in inds], year)
    for j, ind in enumerate(inds):
        column = values.values[:, j]
        present = column[~np.isnan(column)]
        if len(present) < 2 or np.all(present == present[0]):
            raise PeersProblem(
                f"„{ind.short_title}“ hat {values.years[j]} "
                + ("weniger als zwei Werte" if len(present) < 2
                   else "in allen Gebieten denselben Wert")
                + ": für den Vergleich ungeeignet, bitte abwählen.")
    return values


def years_text(values: Matrix, inds: list[Indicator], year: int | None = None) -> str:
    """The years used, named: "Jahr: 2022; Kinderarmut (SGB II): 2021 (nächstes verfügbares
    Jahr)". A requested year that no indicator has is named too ("Jahr: 2023 (für 2022 keine
    Werte: nächstes verfügbares Jahr)"). Without a requested year: the newest year every
    indicator has, else each indicator's newest year."""
    used = list(values.years)
    if year is None and len(set(used)) == 1:
        return f"Jahr: {used[0]} (neuestes Jahr mit Werten aller Indikatoren)"
    why = "nächstes verfügbares Jahr" if year is not None else "neuestes verfügbares Jahr"
    if year is not None and int(year) in used:
        main, head = int(year), f"Jahr: {int(year)}"
    else:  # the year most indicators have (the later on a tie)
        main = max(set(used), key=lambda y: (used.count(y), y))
        head = (f"Jahr: {main} (für {int(year)} keine Werte: {why})" if year is not None
                else f"Jahr: {main} ({why})")
    others = [f"{ind.short_title}: {y} ({why})" for ind, y in zip(inds, used) if y != main]
    return "; ".join([head, *others])


# --- similar areas -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Difference:
    """One indicator where a similar area differs from the chosen one."""

    indicator: str
    title: str
    area_value: str  # the chosen area's value, German with unit
    peer_value: str  # the similar area's value
    z: float  # z(similar area) − z(chosen area)


@dataclass(frozen=True)
class Peer:
    key: str
    name: str
    distance: float
    differences: tuple[Difference, ...]  # largest |z| first

    @property
    def distance_text(self) -> str:
        return format_number(self.distance, 2)


@dataclass(frozen=True)
class SimilarAreas:
    level_id: str
    key: str
    name: str
    indicators: tuple[str, ...]
    titles: tuple[str, ...]
    years: tuple[int, ...]  # the year each indicator's values are of
    years_text: str
    peers: tuple[Peer, ...]  # nearest first
    missing: tuple[str, ...]  # titles of the indicators the chosen area has no value for


def similar_areas(data, level_id: str, key: str, indicator_ids: Sequence[str],
                  year: int | None = None, count: int = DEFAULT_COUNT) -> SimilarAreas:
    """The ``count`` (3–5) areas of the level most similar to area ``key`` on the indicators
    (:func:`atlas.composite.similar.similar`), each with the 2–3 indicators where the two
    differ most (both values German with unit).

    Raises
    ------
    PeersProblem
        Fewer than 2 or more than 15 indicators, indicators of another level or without values,
        ``key`` not an area of the level, or the area without values for at least half of the
        indicators (named, with the years).
    """
    if count not in PEER_COUNTS:
        raise PeersProblem(f"Anzahl ähnlicher Gebiete: {PEER_COUNTS.start} bis "
                           f"{PEER_COUNTS.stop - 1} (gewählt: {count}).")
    inds = checked_indicators(data, level_id, indicator_ids)
    level = data.level_of(level_id)
    key = str(key)
    name = level.name(key)
    if name is None:
        raise PeersProblem(f"„{key[:20]}“ ist kein Gebiet der Ebene „{level.title}“.")
    values = _values(data, level_id, inds, year)
    row = values.keys.index(key)
    have = ~np.isnan(values.values[row])
    lacking = tuple(ind.short_title for ind, h in zip(inds, have) if not h)
    used = years_text(values, inds, year)
    if have.sum() * 2 < len(inds):
        raise PeersProblem(
            f"Für {name} fehlen Werte für {len(lacking)} der {len(inds)} Indikatoren "
            f"({', '.join(lacking)}); verglichen wird erst mit Werten für mindestens die Hälfte. "
            f"{used}.")
    differences = min(3, len(inds))
    names = _names(level)
    neighbours = similar(values.values, row, count=count, differences=differences)
    if not neighbours:
        raise PeersProblem(f"Kein anderes Gebiet der Ebene „{level.title}“ hat Werte für "
                           f"mindestens die Hälfte dieser Indikatoren wie {name}. {used}.")
    peers = []
    for n in neighbours:
        diffs = tuple(
            Difference(inds[j].id, inds[j].short_title,
                       format_number(values.values[row, j], inds[j].decimals, inds[j].unit),
                       format_number(values.values[n.row, j], inds[j].decimals, inds[j].unit), z)
            for j, z in n.differences)
        other = values.keys[n.row]
        peers.append(Peer(other, names.get(other, other), n.distance, diffs))
    return SimilarAreas(level_id, key, name, tuple(i.id for i in inds),
                        tuple(i.short_title for i in inds), values.years, used, tuple(peers),
                        lacking)


# --- types ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AreaType:
    number: int  # 1..k, 1 the largest
    name: str  # "Typ 1: SGB-II-Quote hoch, Kinderarmut hoch"
    keys: tuple[str, ...]
    names: tuple[str, ...]  # the areas' names, alphabetical
    profile: tuple[float, ...]  # mean z-value per indicator
    means: tuple[str, ...]  # mean value per indicator (unweighted), German with unit

    @property
    def size(self) -> int:
        return len(self.keys)


@dataclass(frozen=True)
class AreaTypes:
    level_id: str
    indicators: tuple[str, ...]
    titles: tuple[str, ...]
    years: tuple[int, ...]
    years_text: str
    k: int  # the number of types found (the k asked for unless the data give fewer)
    types: tuple[AreaType, ...]
    keys: tuple[str, ...]  # every area of the level, in the level's order
    names: tuple[str, ...]  # their names
    labels: tuple[int, ...]  # per area its type 1..k, 0 = keine Zuordnung
    reasons: tuple[str, ...]  # per area without a type: why ("fehlt: Kinderarmut 2021")
    level_means: tuple[str, ...]  # mean value per indicator over the areas with a type
    caveat: str  # "" when the level has areas enough
    note: str  # e.g. fewer types than asked for

    def type_name(self, key: str) -> str:
        """The name of the area's type, or "keine Zuordnung (fehlt: …)"."""
        i = self.keys.index(key)
        label = self.labels[i]
        return self.types[label - 1].name if label else f"{UNASSIGNED} ({self.reasons[i]})"

    @property
    def unassigned(self) -> tuple[str, ...]:
        """Keys of the areas without a type."""
        return tuple(k for k, label in zip(self.keys, self.labels) if not label)

    @property
    def unassigned_texts(self) -> tuple[str, ...]:
        """"Name (fehlt: …)" of each area without a type, alphabetical."""
        return tuple(sorted((f"{n} ({r})" for n, r, label in
                             zip(self.names, self.reasons, self.labels) if not label),
                            key=name_order))


def type_name(number: int, profile: Sequence[float], titles: Sequence[str]) -> str:
    """"Typ 2: Kinderarmut hoch, Schuldnerquote niedrig": the :data:`NAME_TRAITS` indicators
    whose mean z-value is furthest from 0 (and at least :data:`TRAIT_MIN_Z`; ties by their
    order), "hoch" above the level's mean, "niedrig" below ("sehr" from
    :data:`TRAIT_STRONG_Z` on); "nahe dem Mittel" when none is."""
    order = sorted(range(len(profile)), key=lambda j: (-abs(profile[j]), j))
    traits = [f"{titles[j]} {'sehr ' if abs(profile[j]) >= TRAIT_STRONG_Z else ''}"
              f"{'hoch' if profile[j] > 0 else 'niedrig'}"
              for j in order[:NAME_TRAITS] if abs(profile[j]) >= TRAIT_MIN_Z]
    return f"Typ {number}: {', '.join(traits) or 'nahe dem Mittel aller Indikatoren'}"


def types_caveat(level, complete: int, k: int, few: str = "") -> str:
    """The caveat of a typology of ``complete`` areas into ``k`` types: always below
    :data:`SMALL_LEVEL` areas (the 22 Kreise) or when the types hold few areas each (``few``,
    from :func:`atlas.composite.similar.typology`)."""
    if complete >= SMALL_LEVEL and not few:
        return ""
    return (f"Hinweis zur Aussagekraft: Die {k} Typen beruhen auf nur {complete} Gebieten "
            f"(Ebene „{level.title}“) mit Werten für alle gewählten Indikatoren. Das Clustering teilt die Gebiete immer in die "
            "gewählte Zahl von Typen, auch wenn sie keine deutlich getrennten Gruppen bilden; "
            "ein Indikator mehr oder weniger, ein anderes Jahr oder eine andere Anzahl Typen "
            "kann die Zuordnung einzelner Gebiete deutlich ändern. Die Typen beschreiben die "
            "Ähnlichkeit in den gewählten Indikatoren, keine Ursachen.")


def area_types(data, level_id: str, indicator_ids: Sequence[str], k: int = DEFAULT_K,
               year: int | None = None) -> AreaTypes:
    """The areas of the level in ``k`` types (3–7, :func:`atlas.composite.similar.typology`).

    Every area of the level appears once: with its type, or without one where an indicator is
    missing (the reason names the indicators and years).

    Raises
    ------
    PeersProblem
        As :func:`checked_indicators`; ``k`` outside 3–7; too few areas with every value.
    """
    try:
        k = int(k)
    except (TypeError, ValueError):
        raise PeersProblem(f"Anzahl der Typen „{str(k)[:10]}“ ist keine ganze Zahl.") from None
    if k not in TYPE_COUNTS:
        raise PeersProblem(f"Anzahl der Typen: {TYPE_COUNTS.start} bis {TYPE_COUNTS.stop - 1} "
                           f"(gewählt: {k}).")
    inds = checked_indicators(data, level_id, indicator_ids)
    level = data.level_of(level_id)
    values = _values(data, level_id, inds, year)
    used = years_text(values, inds, year)
    complete = int(values.complete.sum())
    if complete <= k:
        raise PeersProblem(f"Nur {complete} {level.title} haben Werte für alle gewählten "
                           f"Indikatoren: zu wenige für {k} Typen. {used}.")
    result = typology(values.values, k)
    titles = [i.short_title for i in inds]
    area_names = _names(level)
    types = []
    for t in range(1, result.k + 1):
        rows = np.flatnonzero(result.labels == t)
        keys = tuple(values.keys[r] for r in rows)
        names = tuple(sorted((area_names.get(key, key) for key in keys), key=name_order))
        mean = values.values[rows].mean(axis=0)
        types.append(AreaType(
            t, type_name(t, result.profiles[t - 1], titles), keys, names,
            tuple(float(z) for z in result.profiles[t - 1]),
            tuple(format_number(m, i.decimals, i.unit) for m, i in zip(mean, inds))))
    reasons = []
    for r in range(len(values.keys)):
        gaps = [f"{ind.short_title} {y}" for ind, y, v in
                zip(inds, values.years, values.values[r]) if np.isnan(v)]
        reasons.append(f"fehlt: {', '.join(gaps)}" if gaps else "")
    overall = values.values[values.complete].mean(axis=0)
    note = (f"Die Werte ergeben nur {result.k} statt {k} unterscheidbare Typen."
            if result.k < k else "")
    return AreaTypes(
        level_id, tuple(i.id for i in inds), tuple(titles), values.years, used, result.k,
        tuple(types), values.keys, tuple(area_names.get(key, key) for key in values.keys),
        tuple(int(x) for x in result.labels), tuple(reasons),
        tuple(format_number(m, i.decimals, i.unit) for m, i in zip(overall, inds)),
        types_caveat(level, complete, result.k, result.caveat), note)


# --- the tab -------------------------------------------------------------------------------------
def indicator_choice(data, level_id: str, current: Sequence[str] | None,
                     chosen_for: str | None, indicator: str | None = None) -> list[str]:
    """The indicators the tab's multi-select holds at ``level_id``: the user's choice
    ``current`` while it was made at this level (``chosen_for``; less any indicator that is
    gone, e.g. deleted own data), else :func:`default_indicators`."""
    if chosen_for != level_id:
        return default_indicators(data, level_id, indicator)
    available = {i.id for i in data.available_indicators(level=level_id)}
    current = current if isinstance(current, (list, tuple)) else []
    return [str(i) for i in current if str(i) in available]


NO_AREA = "Gebiet in der Karte oder links wählen: dann stehen hier seine ähnlichsten Gebiete."


@dataclass(frozen=True)
class PeersView:
    """What the tab shows: the similar areas of the selected area (or why not) and the types
    (or why not)."""

    years_text: str = ""
    similar: SimilarAreas | None = None
    similar_message: str = ""  # a hint or the German reason instead of the table
    types: AreaTypes | None = None
    types_message: str = ""


def selected_area(data, level_id: str, selected: Sequence[str] | None) -> str | None:
    """The first of the page's selected areas that is an area of the level."""
    keys = set(data.level_of(level_id).keys)
    return next((s for s in _texts(selected) if s in keys), None)


def _texts(values) -> list[str]:
    """A list from the page as texts (anything else: empty)."""
    return [str(v) for v in values] if isinstance(values, (list, tuple)) else []


def peers_view(data, level_id: str, selected: Sequence[str] | None,
               indicator_ids: Sequence[str] | None, k, year: int | None = None) -> PeersView:
    """The tab's content for the page's state; every problem becomes a German message in the
    part it concerns (never an exception for an :class:`~atlas.errors.AtlasError`)."""
    selected, indicator_ids = _texts(selected), _texts(indicator_ids)
    try:
        inds = checked_indicators(data, level_id, indicator_ids)
        used = years_text(_values(data, level_id, inds, year), inds, year)
    except AtlasError as exc:
        return PeersView(similar_message=str(exc), types_message=str(exc))
    level = data.level_of(level_id)
    key = selected_area(data, level_id, selected)
    similar_result, similar_message = None, ""
    if key is None:
        similar_message = NO_AREA + (f" Die Auswahl enthält kein Gebiet der Ebene „{level.title}“."
                                     if selected else "")
    else:
        try:
            similar_result = similar_areas(data, level_id, key, indicator_ids, year)
        except AtlasError as exc:
            similar_message = str(exc)
        others = [s for s in selected if s != key and s in set(level.keys)]
        if similar_result is not None and others:
            similar_message = (f"Gezeigt für das erste gewählte Gebiet ({similar_result.name}).")
    types_result, types_message = None, ""
    try:
        types_result = area_types(data, level_id, indicator_ids, k, year)
    except AtlasError as exc:
        types_message = str(exc)
    return PeersView(used, similar_result, similar_message, types_result, types_message)
