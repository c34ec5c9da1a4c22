"""Counts of a finer level offered at the coarser levels they nest in, as catalogue entries.

A planner who chooses an own level (Sozialräume made of Gemeinden) sees not only the tables
imported for it but every count of a finer level summed into its areas: the Zensus population of
the Gemeinden as "Bevölkerung … (Summe der Gemeinden)" for each Sozialraum. Such a *derived
entry* is an :class:`~atlas.catalogue.Indicator` of the coarse level with its own values for
every year, so every view (map, ranking, table, time series, profile, change, exports,
presentation, API) shows it without knowing it is derived.

Which counts are summed where (:func:`derivable`):

* counts of the Gemeinden → every own level whose areas are groups of Gemeinden or unions of
  them (at ≥ 95 % area share, :meth:`~atlas.levels.registry.Levels.membership`);
* counts of an own level → the Kreise, where its areas nest in them;
* counts the planners imported for the Gemeinden → the Kreise.

The built Gemeinde counts are not summed into the Kreise: the Kreis level has the official
tables, and a second entry would only lengthen the list. Rates are never summed (they are not
offered at the coarser level). A coarse area with a missing or protected part is missing
("unvollständig", :func:`atlas.levels.rollup.roll_up`), never a smaller number; areas that are
not made of the finer areas are missing with the reason :func:`not_derivable`. At an own coarse
level the sums get that level's small-number protection
(:func:`atlas.levels.own.protected_values`).

The id of a derived entry is ``"<indicator>@<level>"`` (:func:`derived_id`, :func:`split_id`:
the one place that makes and reads it); the page address carries it as
``indicator=<indicator>&ebene=<level>``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace

import pandas as pd

from atlas.catalogue import Catalogue, Indicator
from atlas.levels.registry import GEMEINDE, KREIS, Level, Levels
from atlas.levels.rollup import COUNT, RollupError, roll_up
from atlas.schema import Col

#: Between the id of the summed indicator and the id of the level it is summed into.
SEPARATOR = "@"


def derived_id(indicator_id: str, level_id: str) -> str:
    """The id of ``indicator_id`` summed into the level ``level_id``: ``"ew@sozialraeume"``."""
    return f"{indicator_id}{SEPARATOR}{level_id}"


def split_id(indicator_id: str) -> tuple[str, str | None]:
    """``(summed indicator, coarse level)`` of a derived id, ``(indicator_id, None)`` for any
    other id (catalogue and own ids never contain :data:`SEPARATOR`).

    >>> split_id("gemeinde_bevoelkerung_zensus@orte"), split_id("sgb2_quote")
    (('gemeinde_bevoelkerung_zensus', 'orte'), ('sgb2_quote', None))
    """
    base, separator, level = str(indicator_id).rpartition(SEPARATOR)
    return (base, level) if separator and base and level else (str(indicator_id), None)


def is_derived(indicator_id: str) -> bool:
    return split_id(indicator_id)[1] is not None


def sum_mark(fine: Level) -> str:
    """How a derived entry is marked in titles and lists: "(Summe der Gemeinden)"."""
    return f"(Summe der {fine.title})"


def not_derivable(fine: Level) -> str:
    """Status of a coarse area that is not made of areas of ``fine``."""
    return f"nicht aus {fine.title} ableitbar"


def derivable(indicator: Indicator, fine: Level, coarse: Level) -> bool:
    """Whether ``indicator`` (of level ``fine``) is offered summed into ``coarse`` at all –
    before asking whether the levels nest: counts only, into another level with areas, never
    the built Gemeinde counts into the Kreise (official Kreis tables exist)."""
    if indicator.kind != COUNT or coarse.id == fine.id or not len(coarse) or not len(fine):
        return False
    return not (fine.id == GEMEINDE and coarse.id == KREIS and not indicator.own)


def derived_indicator(indicator: Indicator, fine: Level, coarse: Level) -> Indicator:
    """The catalogue entry of ``indicator`` summed into ``coarse``: same source, unit, area and
    life phases; title, definition and table say where the numbers come from."""
    stand = fine.gebietsstand or "–"
    mark = sum_mark(fine)
    definition = (
        f"Summe der {fine.title} (Gebietsstand {stand}) je Gebiet der Ebene „{coarse.title}“: "
        f"jedes Gebiet zählt die Werte der {fine.title}, aus denen es besteht. Fehlt der Wert "
        "eines Teils oder ist er geschützt, bleibt das Gebiet leer („unvollständig“) – nie eine "
        f"zu kleine Summe. Gebiete, die nicht aus {fine.title} bestehen, bleiben leer.\n\n"
        f"{indicator.definition}")
    return replace(
        indicator, id=derived_id(indicator.id, coarse.id),
        title=f"{indicator.title} {mark}", short_title=f"{indicator.short_title} {mark}",
        definition=definition.strip(),
        table=f"{indicator.table}; summiert aus den {fine.title} (Gebietsstand {stand}) "
              f"zu „{coarse.title}“",
        series=(), level=coarse.id)


def pairs(indicators: Iterable[Indicator], levels: Levels
          ) -> Iterator[tuple[Indicator, Level, Level, pd.DataFrame]]:
    """``(indicator, fine level, coarse level, membership)`` of every derived entry, the
    membership of each pair of levels made once."""
    memberships: dict[tuple[str, str], pd.DataFrame | None] = {}
    for indicator in indicators:
        if indicator.kind != COUNT or indicator.level not in levels:
            continue
        fine = levels.get(indicator.level)
        for coarse in levels:
            if not derivable(indicator, fine, coarse):
                continue
            pair = (fine.id, coarse.id)
            if pair not in memberships:
                try:
                    memberships[pair] = levels.membership(fine.id, coarse.id)
                except RollupError:  # the levels do not nest: nothing to offer
                    memberships[pair] = None
            if memberships[pair] is not None:
                yield indicator, fine, coarse, memberships[pair]


def derive(indicators: Iterable[Indicator], values: pd.DataFrame, levels: Levels
           ) -> tuple[tuple[Indicator, ...], pd.DataFrame]:
    """The derived entries of ``indicators`` and their values.

    Parameters
    ----------
    indicators
        The catalogue's entries (built and own).
    values
        Long values of those entries (``indicator, ags, year, value, status``), own values
        protected already (a protected part makes its sum missing).
    levels
        The registry of every level (built and own).

    Returns
    -------
    tuple
        The derived :class:`~atlas.catalogue.Indicator` entries (only those with values) and
        their values in the columns of ``values``: one row per coarse area and year of the
        summed indicator, sums at own levels protected like own counts.
    """
    columns = list(values.columns)
    by_indicator = dict(iter(values.groupby(Col.INDICATOR, sort=False)))
    entries: list[Indicator] = []
    parts: list[pd.DataFrame] = []
    for indicator, fine, coarse, members in pairs(indicators, levels):
        rows = by_indicator.get(indicator.id)
        if rows is None or rows[Col.VALUE].notna().sum() == 0:
            continue
        rows = rows[rows[Col.AGS].isin(fine.keys)]
        summed = roll_up(rows, members, kind=COUNT)
        years = sorted(set(summed[Col.YEAR]))
        inside = set(members["key"])
        outside = [key for key in coarse.keys if key not in inside]
        if outside and years:
            summed = pd.concat([summed, pd.DataFrame(
                {Col.AGS: [k for k in outside for _ in years],
                 Col.YEAR: years * len(outside), Col.VALUE: float("nan"),
                 Col.STATUS: not_derivable(fine)})], ignore_index=True)
        entry = derived_indicator(indicator, fine, coarse)
        entries.append(entry)
        parts.append(summed.assign(**{Col.INDICATOR: entry.id})[columns])
    if not entries:
        return (), values.iloc[0:0]
    derived_values = pd.concat(parts, ignore_index=True)
    from atlas.levels.own import protected_values  # geometry libraries only where levels exist

    derived_values = protected_values(derived_values, entries, levels)
    return tuple(entries), derived_values.reset_index(drop=True)


def with_derived(catalogue: Catalogue, values: pd.DataFrame, levels: Levels
                 ) -> tuple[Catalogue, pd.DataFrame]:
    """The catalogue and values with the derived entries (:func:`derive`) added."""
    entries, derived_values = derive(catalogue.indicators, values, levels)
    if not entries:
        return catalogue, values
    return (replace(catalogue, indicators=catalogue.indicators + entries),
            pd.concat([values, derived_values], ignore_index=True))


def shown_at(data, indicator_id: str, level_id: str | None) -> tuple[str, str]:
    """The catalogue entry that shows ``indicator_id`` at the level ``level_id`` (the page's
    ``ebene``), and a German problem ("" when none).

    The indicator itself when ``level_id`` is missing or its own level; its derived entry when
    the level is coarser and the indicator a count that sums into it; otherwise the indicator at
    its own level, with a message that says why. ``indicator_id`` may be a derived id already.
    ``data`` is an :class:`atlas.data.AtlasData` (``indicator``, ``catalogue``, ``levels``,
    ``has_values``)."""
    ind = data.indicator(indicator_id)
    if not level_id or level_id == ind.level:
        return indicator_id, ""
    source = data.indicator(split_id(indicator_id)[0])
    here = data.levels.get(ind.level)
    if level_id not in data.levels:
        known = ", ".join(f"„{level.id}“" for level in data.levels if len(level))
        return indicator_id, (f"Ebene „{str(level_id)[:40]}“ gibt es nicht (vorhanden: {known}); "
                              f"gezeigt wird „{ind.short_title}“ auf der Ebene „{here.title}“.")
    if level_id == source.level:
        return source.id, ""
    wanted = data.levels.get(level_id)
    entry = derived_id(source.id, level_id)
    if entry in {i.id for i in data.catalogue.indicators} and data.has_values(entry):
        return entry, ""
    fine = data.levels.get(source.level)
    if source.kind != COUNT:
        why = (f"„{source.short_title}“ ist ein Anteil und wird nicht zu den {wanted.title} "
               "summiert")
    elif fine.id == GEMEINDE and wanted.id == KREIS and not source.own:
        why = (f"„{source.short_title}“ wird nicht zu den Kreisen summiert: für die Kreise gibt "
               "es amtliche Tabellen (Ebene „Kreise“ wählen)")
    else:
        why = (f"„{source.short_title}“ ({fine.title}) lässt sich nicht zu den {wanted.title} "
               f"summieren: diese bestehen nicht aus {fine.title}")
    return indicator_id, f"{why}; gezeigt wird er auf der Ebene „{here.title}“."
