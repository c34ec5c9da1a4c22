"""Saving a planner's definition (``atlas derive``, ``atlas index``, the page's "Indikator
berechnen" and "Sozialindex"): checked against the current data and computed once before it is
stored, so that a definition that yields nothing is refused with its reason instead of being
kept silently."""

from __future__ import annotations

from dataclasses import replace

from atlas.composite import formulas as fm
from atlas.composite.compute import with_computed
from atlas.levels.derived import split_id
from atlas.visibility import INTERNAL, Part, internal_parts


def _without(catalogue, formula_id: str):
    """The catalogue without the entries of the definition ``formula_id`` (being replaced)."""
    kept = tuple(i for i in catalogue.indicators if split_id(i.id)[0] != formula_id)
    return replace(catalogue, indicators=kept)


def check(formula: fm.Formula, data, replace_existing: bool = False) -> fm.Formula:
    """``formula`` completed and computed on ``data`` (:class:`atlas.data.AtlasData`); a German
    :class:`~atlas.composite.formulas.FormulaProblem` when it cannot be, or gives no value."""
    catalogue = data.catalogue
    if formula.id in catalogue.formulas and not replace_existing:
        raise fm.FormulaProblem(f"Kennung „{formula.id}“ ist schon vergeben (zum Ändern: "
                                "ersetzen).")
    if replace_existing:
        catalogue = _without(catalogue, formula.id)
    complete = fm.completed(formula, catalogue, years_of=data.years,
                            taken={i.id for i in catalogue.indicators})
    trial, values = with_computed(catalogue, data.values, data.levels, [complete])
    if complete.id in trial.formula_problems:
        raise fm.FormulaProblem(trial.formula_problems[complete.id])
    made = values[values["indicator"] == complete.id]
    rows = made[made["value"].notna()]
    if rows.empty and len(made):
        reasons = made["status"].value_counts().index[:3]
        raise fm.FormulaProblem(f"„{complete.title}“ ergibt keinen einzigen Wert: alle Gebiete "
                                f"bleiben leer ({'; '.join(reasons)}).")
    if rows.empty:
        why = {"rate": "Zähler und Nenner haben in keinem Jahr zugleich Werte",
               "change": "in keinem Gebiet gibt es Werte für beide Jahre",
               "index": "kein Jahr, in dem alle Teile Werte haben und streuen"}[complete.kind]
        raise fm.FormulaProblem(f"„{complete.title}“ ergibt keinen einzigen Wert: {why}.")
    return complete


def save(formula: fm.Formula, data, store, replace_existing: bool = False, *,
         actor: str = "") -> fm.Formula:
    """Check (:func:`check`) and store the definition (audited with ``actor``); the caller
    renews the data (:func:`atlas.data.data_changed`). A definition made of an internal part
    is stored as internal, whatever it asked for (:mod:`atlas.visibility`)."""
    complete = check(formula, data, replace_existing)
    if internal_parts_of(complete, store):
        complete = replace(complete, visibility=INTERNAL)
    return store.save_formula(complete, replace_existing, actor=actor)


def internal_parts_of(formula: fm.Formula, store) -> list[str]:
    """The parts of ``formula`` that are internal own data of ``store``."""
    own = Part(tuple(store.indicators()), tuple(store.levels()),
               tuple(f for f in store.formulas() if f.id != formula.id))
    return internal_parts(formula, own)


def describe(formula: fm.Formula) -> str:
    """One line for lists: "sozialindex: Sozialindex (Sozialindex, Ebene kreis, 3 Teile)"."""
    kind = fm.KINDS.get(formula.kind, formula.kind)
    return (f"{formula.id}: {formula.title} ({kind}, Ebene {formula.level or '–'}, aus "
            f"{', '.join(formula.parts)})")
