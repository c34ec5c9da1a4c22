"""Text that writes itself: German sentences about an indicator's values, made from the data only.

Two kinds of text, both plain (never HTML or Markdown; shown as text nodes and written into the
Word and PowerPoint exports as they are):

* :func:`area_sentences` – one area in one year: its value, the difference to the reference
  (named by its own label, in Prozentpunkten for shares in %), its rank among the areas of its
  level in the indicator's reading (:func:`atlas.catalogue.rank_note`), the trend over the last up
  to five years with a value (the Regionenprofil's trend, :func:`atlas.analysis.area_trend`) and
  the series breaks inside them; a missing value is named with its reason.
* :func:`map_sentences` – the map of one year: the range of the values with the areas at both
  ends, the reference, how many areas lie above and below it, how many have no value and why.

Every number is formatted by :func:`atlas.values.format_number` from a value of the data (or a
difference of two of them); nothing is estimated or filled in.

Example::

    Im Jahr 2022 lag der Wert „Kinderarmut“ in Gera bei 18,4 % und damit 9,8 Prozentpunkte über
    dem Median der Kreise (8,6 %). Gera hat den höchsten Wert der 22 Kreise mit Wert.
    Seit 2018 ist der Wert um 1,2 Prozentpunkte gestiegen (ungünstig).
"""

from __future__ import annotations

import math

import pandas as pd

from atlas import analysis, missing
from atlas.catalogue import Indicator, over_time_problem, rank_note
from atlas.data import AtlasData, Reference
from atlas.schema import Col
from atlas.values import format_number

#: Most area names listed for one end of the map's range ("… (Gera, Suhl und 2 weitere)").
MAX_NAMES = 3


def _quoted(ind: Indicator) -> str:
    return f"„{ind.short_title}“"


def reference_phrase(reference: Reference) -> str:
    """The reference in the dative, as the text compares with it: "dem Median der Kreise",
    "dem Durchschnitt der Kreise (z = 0)", "dem Wert für Thüringen (amtlich)"."""
    label = reference.label
    if label.startswith(("Median", "Durchschnitt", "Summe")):
        return f"dem {label}"
    return f"dem Wert für {label}"


def shown_difference(ind: Indicator, value: float, other: float) -> float:
    """The difference of two values as the atlas shows it everywhere (the Regionenprofil's and
    the ranking's "Abweichung", :func:`atlas.analysis._deviation`): of the unrounded values, so
    it may differ by one in the last digit from the difference of the rounded values shown."""
    return value - other


def sentence(text: str) -> str:
    """``text`` ending with one full stop ("… Einw." stays as it is)."""
    return text if text.endswith(".") else text + "."


def difference_phrase(ind: Indicator, value: float, reference: Reference) -> str:
    """"9,8 Prozentpunkte über dem Median der Kreise (8,6 %)", "gleichauf mit …" when the
    difference rounds to zero; "" for counts (not compared with the Land total) and a missing
    reference."""
    if ind.kind == "count" or reference.missing or math.isnan(value):
        return ""
    difference = shown_difference(ind, value, reference.value)
    shown = reference.text(ind.decimals, ind.unit)
    ref = (f"{reference_phrase(reference)} von {shown}" if reference.label.endswith(")")
           else f"{reference_phrase(reference)} ({shown})")
    if round(difference, ind.decimals) == 0:
        return f"gleichauf mit {ref}"
    amount = format_number(abs(difference), ind.decimals, analysis.difference_unit(ind))
    return f"{amount} {'über' if difference > 0 else 'unter'} {ref}"


def _ends(polarity: str) -> tuple[str, str]:
    """The words for rank 1 and the last rank: the highest value is rank 1 except for protective
    indicators (rank 1 = lowest value = most risk)."""
    return ("niedrigsten", "höchsten") if polarity == "protective" else ("höchsten", "niedrigsten")


def rank_sentence(ind: Indicator, name: str, table: pd.DataFrame, ags: str, title: str) -> str:
    """The area's rank among the areas of its level with a value: "Gera hat den höchsten Wert der
    22 Kreise mit Wert." or "Gera steht auf Rang 3 der 22 Kreise mit Wert (1 = höchster Wert =
    höchstes Risiko)."; "" with fewer than two values or none for the area."""
    valued = table[table[Col.VALUE].notna()]
    n = len(valued)
    row = table[table[Col.AGS] == ags]
    if n < 2 or row.empty or pd.isna(row["rank"].iloc[0]):
        return ""
    rank = int(row["rank"].iloc[0])
    first, last = _ends(ind.polarity)
    same = int((valued["rank"] == rank).sum()) - 1
    shared = f" (gleichauf mit {same} weiteren)" if same else ""
    if rank == 1:
        return f"{name} hat{shared} den {first} Wert der {n} {title} mit Wert."
    if rank == int(valued["rank"].max()):
        return f"{name} hat{shared} den {last} Wert der {n} {title} mit Wert."
    return f"{name} steht{shared} auf Rang {rank} der {n} {title} mit Wert ({rank_note(ind)})."


def trend_sentences(data: AtlasData, ind: Indicator, ags: str, year: int) -> list[str]:
    """The trend of the area over its last up to five years with a value up to ``year``, as the
    Regionenprofil computes it, and the series breaks inside that window."""
    if problem := over_time_problem(ind):
        return [f"Eine Entwicklung über die Jahre wird nicht angegeben: {problem}"]
    tr, breaks = analysis.area_trend(data, ind.id, ags, until=year)
    if not tr.direction:
        return []
    unit = analysis.difference_unit(ind)
    if tr.direction == analysis.FLAT:
        change = analysis.format_difference(tr.change, ind)
        text = f"Seit {tr.from_year} ist der Wert etwa gleich geblieben ({change})"
    else:
        verb = "gestiegen" if tr.direction == analysis.RISING else "gesunken"
        text = (f"Seit {tr.from_year} ist der Wert um "
                f"{format_number(abs(tr.change), ind.decimals, unit)} {verb}")
    if tr.to_year != year:
        text = text.replace(f"Seit {tr.from_year}", f"Von {tr.from_year} bis {tr.to_year}", 1)
    if tr.assessment in (analysis.FAVOURABLE, analysis.UNFAVOURABLE):
        text += f" ({tr.assessment})"
    out = [sentence(text)]
    out += [sentence(f"Bruch in der Zeitreihe {b_year}: {label}") for b_year, label in
            data.breaks(ind.id, [ags]) if tr.from_year < b_year <= tr.to_year]
    return out


def _missing_reason(status: str) -> str:
    reason = missing.reason_of(status)
    return (status or reason.label) if reason is missing.NO_DATA else reason.label


def area_sentences(data: AtlasData, indicator_id: str, ags: str, year: int | None = None
                   ) -> list[str]:
    """The sentences about one area (of the indicator's level) in ``year`` (default: the latest
    year of the indicator): value and difference to the reference, rank, trend, breaks.

    Raises
    ------
    atlas.analysis.AnalysisInputError
        For an area that is not one of the indicator's level or a year without values.
    """
    ind = data.indicator(indicator_id)
    level = analysis._check_ags(data, ags, ind.level)
    year = year if year is not None else data.latest_year(indicator_id)
    if year is None:
        raise analysis.AnalysisInputError(f"Für {_quoted(ind)} gibt es keine Werte.")
    analysis._check_year(data, indicator_id, year)
    name = level.name(ags) or ags
    table = data.table(indicator_id, year)
    row = table[table[Col.AGS] == ags].iloc[0]
    value = float(row[Col.VALUE]) if not pd.isna(row[Col.VALUE]) else math.nan
    reference = data.reference(indicator_id, year)
    out = []
    if math.isnan(value):
        out.append(f"Für {name} gibt es im Jahr {year} keinen Wert {_quoted(ind)} "
                   f"({_missing_reason(str(row[Col.STATUS]))}).")
        if not reference.missing:
            out.append(sentence(f"{reference.label}: {reference.text(ind.decimals, ind.unit)}"))
    else:
        text = (f"Im Jahr {year} lag der Wert {_quoted(ind)} in {name} bei "
                f"{format_number(value, ind.decimals, ind.unit)}")
        difference = difference_phrase(ind, value, reference)
        if difference:
            text += f" und damit {difference}"
        elif ind.kind == "count" and not reference.missing:
            text += f" ({reference.label}: {reference.text(ind.decimals, ind.unit)})"
        out.append(sentence(text))
        if rank := rank_sentence(ind, name, table, ags, level.title):
            out.append(rank)
    out += trend_sentences(data, ind, ags, year)
    return out


def area_text(data: AtlasData, indicator_id: str, ags: str, year: int | None = None) -> str:
    """:func:`area_sentences` as one paragraph."""
    return " ".join(area_sentences(data, indicator_id, ags, year))


def _named(names: list[str]) -> str:
    shown = names[:MAX_NAMES]
    more = len(names) - len(shown)
    if more:
        return f"{', '.join(shown)} und {more} weitere"
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} und {shown[-1]}"


def map_sentences(data: AtlasData, indicator_id: str, year: int | None = None) -> list[str]:
    """The sentences about the map of ``year`` (default: latest): range with the areas at both
    ends, reference, areas above and below it, missing values with their reasons."""
    ind = data.indicator(indicator_id)
    level = data.level_of(ind.level)
    year = year if year is not None else data.latest_year(indicator_id)
    if year is None:
        return [f"Für {_quoted(ind)} gibt es keine Werte."]
    table = data.table(indicator_id, year)
    names = dict(zip(level.keys, (level.name(k) for k in level.keys)))
    valued = table[table[Col.VALUE].notna()]
    reference = data.reference(indicator_id, year)
    out = []
    n = len(valued)
    if n == 0:
        out.append(f"Im Jahr {year} hat keines der {len(table)} Gebiete ({level.title}) einen "
                   f"Wert {_quoted(ind)}.")
    elif n == 1:
        only = valued.iloc[0]
        out.append(f"Im Jahr {year} gibt es einen Wert {_quoted(ind)}: "
                   f"{format_number(float(only[Col.VALUE]), ind.decimals, ind.unit)} "
                   f"({names.get(only[Col.AGS], only[Col.NAME])}).")
    else:
        low, high = valued[Col.VALUE].min(), valued[Col.VALUE].max()

        def at(v: float) -> str:
            return _named(sorted(names.get(a, a) for a in valued.loc[valued[Col.VALUE] == v,
                                                                      Col.AGS]))

        out.append(f"Im Jahr {year} reichten die Werte {_quoted(ind)} der {n} {level.title} "
                   f"mit Wert von {format_number(float(low), ind.decimals, ind.unit)} "
                   f"({at(low)}) bis {format_number(float(high), ind.decimals, ind.unit)} "
                   f"({at(high)}).")
    if not reference.missing:
        ref = sentence(f"{reference.label}: {reference.text(ind.decimals, ind.unit)}")
        if ind.kind != "count" and n:
            above = int((valued[Col.VALUE] > reference.value).sum())
            below = int((valued[Col.VALUE] < reference.value).sum())
            same = n - above - below
            ref += f" {above} {level.title if above != 1 else level.singular} darüber, {below} darunter"
            ref += f", {same} genau darauf." if same else "."
        out.append(ref)
    elif reference.why:
        out.append(sentence(f"{reference.label}: {reference.why}"))
    gaps = table.loc[table[Col.VALUE].isna(), Col.STATUS]
    if len(gaps):
        reasons = ", ".join(f"{reason.label}: {count}" for reason, count in missing.counts(gaps))
        out.append(f"Ohne Wert: {len(gaps)} von {len(table)} ({reasons}).")
    return out


def map_text(data: AtlasData, indicator_id: str, year: int | None = None) -> str:
    """:func:`map_sentences` as one paragraph."""
    return " ".join(map_sentences(data, indicator_id, year))


def profile_summary(data: AtlasData, ags: str, level_id: str, indicator_id: str | None) -> str:
    """The text of the Regionenprofil: :func:`area_text` of the shown indicator for the profile's
    area in the indicator's latest year, when the indicator belongs to the profile's level and
    has values; "" otherwise."""
    known = {ind.id: ind for ind in data.catalogue.indicators}
    ind = known.get(indicator_id or "")
    if ind is None or ind.level != level_id or not data.has_values(ind.id):
        return ""
    return area_text(data, ind.id, ags)
