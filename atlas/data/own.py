"""The planners' own indicators and levels (:mod:`atlas.store`) merged into the built data."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from atlas.build import gemeinde_key_map
from atlas.catalogue import Indicator, Source
from atlas.composite.compute import with_computed
from atlas.data.model import AtlasData
from atlas.levels.derived import with_derived
from atlas.levels.own import protected_values
from atlas.levels.registry import Level
from atlas.schema import Col

OWN_TABLE_PREFIX = "eigene Daten"
UNIT_LABELS = {"%": "Anteil in %", "Anzahl": "Anzahl", "Euro": "Euro"}


def own_source(own) -> Source:
    """The source of an own indicator: what the planner typed, shown like any other source."""
    return Source(id=f"own:{own.id}", title=own.source, publisher=own.source,
                  attribution=own.source, licence=own.licence or "keine Angabe",
                  licence_url="", url="")


def own_indicator(own) -> Indicator:
    """Catalogue entry of an imported indicator (:class:`atlas.store.OwnIndicator`)."""
    return Indicator(
        id=own.id, title=own.title, short_title=own.title if len(own.title) <= 40
        else own.title[:39] + "…", unit=own.unit, unit_label=UNIT_LABELS.get(own.unit, own.unit),
        decimals=own.decimals, kind=own.kind,
        definition=own.definition or f"Eigene Daten, importiert aus {own.filename}.",
        area=own.area, life_phases=tuple(own.life_phases), polarity=own.polarity,
        source=f"own:{own.id}", table=f"{OWN_TABLE_PREFIX}: {own.filename}", series=(), own=True,
        level=getattr(own, "level", "kreis") or "kreis",
    )



def with_own(base: AtlasData, own: list, own_values: pd.DataFrame,
             own_levels: tuple[Level, ...] = (), formulas=()) -> AtlasData:
    """A new AtlasData: ``base`` with the planners' own indicators (:class:`atlas.store.
    OwnIndicator`) added to the catalogue, their values to the tables and the own levels to the
    levels; ``base`` stays unchanged and shares its built levels (and what is derived from them)
    with the new data.

    Values of own Gemeinde indicators (``level == "gemeinde"``) are keyed like the built ones:
    a kreisfreie Stadt given with its Kreis key (``16051``) becomes its Gemeinde
    (``16051000``), Eisenach's key since 2021 (``16063105``) the Gemeinde ``16056000``. Own
    small-area counts are protected (:func:`atlas.levels.own.protected_values`). The indicators
    planners defined from others (``formulas``, :mod:`atlas.composite.formulas`) are computed
    last, from everything else (:func:`atlas.composite.compute.with_computed`).
    """
    if not own and not own_levels and not formulas:
        return base
    indicators = tuple(own_indicator(o) for o in own)
    sources = dict(base.catalogue.sources)
    sources.update({ind.source: own_source(o) for ind, o in zip(indicators, own)})
    catalogue = replace(base.catalogue, indicators=base.catalogue.indicators + indicators,
                        sources=sources)
    own_values = own_values[base.values.columns]
    gemeinde_ids = {ind.id for ind in indicators if ind.level == "gemeinde"}
    if gemeinde_ids and not own_values.empty:
        key_map = gemeinde_key_map(base.gemeinden)
        own_values = own_values.copy()
        own_values[Col.AGS] = own_values[Col.AGS].astype(str)
        mask = own_values[Col.INDICATOR].isin(gemeinde_ids)
        own_values.loc[mask, Col.AGS] = own_values.loc[mask, Col.AGS].map(
            lambda a: key_map.get(a, a))
    levels = base.levels.with_levels(list(own_levels))
    own_values = protected_values(own_values, indicators, levels)
    values = pd.concat([base.values, own_values], ignore_index=True)
    # counts of finer levels summed into the coarser ones, as entries of their own
    catalogue, values = with_derived(catalogue, values, levels)
    catalogue, values = with_computed(catalogue, values, levels, formulas)
    return AtlasData.assemble(catalogue, base, values, levels)
