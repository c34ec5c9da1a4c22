"""Who may see the planners' own data: ``intern`` (redaktion and admin only, the default) or
``oeffentlich`` (everyone, visitors included).

One place for the rule. An own indicator is public only when it is marked so *and* its level is
a built level or a public own level; a defined indicator or index (:mod:`atlas.composite`) only
when it is marked so *and* every part is public (built, or own and public, or a public
definition, or a roll-up of a public count); an own level only when it is marked so. Everything
else is internal: the visitors' data (:func:`atlas.data.get_data`) is made from the public part
alone (:func:`public_part`), so nothing internal, not even an id, can reach a visitor's page,
API answer, export or Sitzungsfolge.
"""

from __future__ import annotations

from dataclasses import dataclass

from atlas.errors import AtlasError
from atlas.levels.derived import split_id

INTERNAL, PUBLIC = "intern", "oeffentlich"
#: Stored key → German label.
LABELS = {INTERNAL: "intern", PUBLIC: "öffentlich"}
#: What a planner may type (CLI, Sitzungsfolge files) → stored key.
_ACCEPTED = {"intern": INTERNAL, "oeffentlich": PUBLIC, "öffentlich": PUBLIC,
             "offentlich": PUBLIC, "public": PUBLIC, "internal": INTERNAL}
#: The levels every atlas has: always public.
BUILT_LEVELS = ("kreis", "gemeinde")


class VisibilityProblem(AtlasError):
    """A visibility that is neither „intern“ nor „öffentlich“."""


def parse_visibility(text: object) -> str:
    """The stored key of a typed visibility (``intern``, ``oeffentlich``/``öffentlich``).

    >>> parse_visibility("Öffentlich"), parse_visibility(" intern ")
    ('oeffentlich', 'intern')
    """
    key = _ACCEPTED.get(str(text or "").strip().lower())
    if key is None:
        raise VisibilityProblem(
            f"Sichtbarkeit „{str(text)[:30]}“ ist unbekannt; erlaubt: intern, oeffentlich.")
    return key


def label(visibility: str) -> str:
    """German label: "intern" or "öffentlich" (anything unknown counts as internal)."""
    return LABELS.get(visibility, LABELS[INTERNAL])


@dataclass(frozen=True)
class Part:
    """The planners' own data, or the public part of it: indicators
    (:class:`atlas.store.OwnIndicator`), levels (:class:`atlas.store.OwnLevel`) and definitions
    (:class:`atlas.composite.formulas.Formula`), each with ``visibility``."""

    indicators: tuple = ()
    levels: tuple = ()
    formulas: tuple = ()

    @property
    def ids(self) -> frozenset[str]:
        """The ids of the part's indicators and definitions."""
        return frozenset(o.id for group in (self.indicators, self.formulas) for o in group)


def public_part(own: Part) -> Part:
    """The part of ``own`` a visitor may see (see the module's rule), in the same order."""
    levels = tuple(lv for lv in own.levels if lv.visibility == PUBLIC)
    public_levels = set(BUILT_LEVELS) | {lv.id for lv in levels}
    indicators = tuple(i for i in own.indicators
                       if i.visibility == PUBLIC and i.level in public_levels)
    internal = ({i.id for i in own.indicators} - {i.id for i in indicators}) \
        | {f.id for f in own.formulas}  # until shown public below
    formulas = {f.id: f for f in own.formulas if f.visibility == PUBLIC
                and (not f.level or f.level in public_levels)}
    changed = True
    while changed:  # a definition may use another: public once all its parts are
        changed = False
        for formula in list(formulas.values()):
            if formula.id in internal and not any(_own_id(p) in internal
                                                  for p in formula.parts):
                internal.discard(formula.id)
                changed = True
    kept = tuple(f for f in own.formulas if f.id in formulas and f.id not in internal)
    return Part(indicators, levels, kept)


def internal_parts(formula, own: Part) -> list[str]:
    """The parts of ``formula`` that are internal in ``own`` (a definition made of them is
    internal, too); [] when all are public."""
    internal = own.ids - public_part(own).ids
    return [p for p in formula.parts if _own_id(p) in internal]


def _own_id(indicator_id: str) -> str:
    """The own indicator behind an id: a roll-up ``ew@sozialraeume`` is ``ew``'s."""
    return split_id(indicator_id)[0]
