"""What the atlas says about the areas of a level, in German: the one place of these phrases.

Titles, table captions, exports and the data sheet name the areas they show by asking the
:class:`~atlas.levels.registry.Level` (its title, whether it is built or own, the Kreis its areas
lie in) through these functions, never by testing which level it is::

    areas_shown(data, data.level_of("kreis"))          # "Kreise in Thüringen, Gebietsstand …"
    areas_shown(data, data.level_of("gemeinde"), "16067")  # "Gemeinden im Landkreis Gotha…"
    areas_shown(data, data.level_of("sozialraeume"))   # "Sozialräume (eigene Gebiete), …"
"""

from __future__ import annotations

from atlas.levels.registry import KREIS, Level
from atlas.schema import LAND_NAME, Col
from atlas.text import plotly_text

#: What the areas of an own level are called beside their title.
OWN_AREAS = "eigene Gebiete"


def where_in_kreis(data, kreis: str) -> str:
    """Where the areas of Kreis ``kreis`` lie, as a phrase: "im Saale-Holzland-Kreis", "im
    Landkreis Gotha", "in der kreisfreien Stadt Erfurt"; ``""`` for an unknown Kreis."""
    kreise = data.level_of(KREIS).areas
    row = kreise.loc[kreise[Col.AGS] == kreis]
    if not kreis or row.empty:
        return ""
    name, kind = str(row[Col.NAME].iloc[0]), str(row["kind"].iloc[0])
    if kind == "kreisfreie Stadt":
        return f"in der kreisfreien Stadt {name}"
    return f"im {name}" if name.lower().endswith("kreis") else f"im {kind} {name}"


def areas_shown(data, level: Level, kreis: str | None = None, gebietsstand: bool = True) -> str:
    """What a map, ranking or table of ``level`` shows: all its areas ("Kreise in Thüringen",
    "Orte im Kreis (eigene Gebiete)") or, with ``kreis``, those in that Kreis ("Gemeinden im
    Landkreis Gotha"); with the boundaries' Gebietsstand unless told otherwise."""
    where = where_in_kreis(data, kreis) if kreis else ""
    if level.own:
        text = " ".join(filter(None, (level.title, where))) + f" ({OWN_AREAS})"
    else:
        text = f"{level.title} {where or f'in {LAND_NAME}'}"
    return f"{text}, Gebietsstand {level.gebietsstand or '–'}" if gebietsstand else text


def all_areas(level: Level, count: int | None = None) -> str:
    """"alle 631 Gemeinden Thüringens", "alle 91 Orte im Kreis": every area of the level."""
    count = len(level) if count is None else count
    return f"alle {count} {level.title}" + (f" {LAND_NAME}s" if level.built else "")


def area_place(data, level: Level, key: str) -> str:
    """One area as a phrase for a heading: its kind and where it lies ("Gemeinde im Landkreis
    Gotha", "Ort im Saale-Holzland-Kreis", "Landkreis in Thüringen")."""
    areas = level.areas
    row = areas.loc[areas[Col.AGS] == key]
    kind = str(row["kind"].iloc[0]) if not row.empty else level.singular
    kreis = str(row["kreis"].iloc[0]) if not row.empty and level.parent else ""
    where = where_in_kreis(data, kreis) if kreis else ""
    return f"{kind[:1].upper()}{kind[1:]} {where or f'in {LAND_NAME}'}"


def key_label(level: Level) -> str:
    """The name of an area's key: "Kreisschlüssel", "Gemeindeschlüssel" for the built levels
    (official keys), "Schlüssel" for own areas (the planner's own numbering)."""
    return f"{level.singular}schlüssel" if level.built else "Schlüssel"


# --- the fixed part of an area's hover text on the map (HTML for plotly) ------------------------
def kreis_hover_head(name: str, kind: str) -> str:
    """A Kreis: name and kind."""
    return f"<b>{name}</b><br>{kind}"


def gemeinde_hover_head(name: str, kind: str, kreis_name: str) -> str:
    """A Gemeinde: name, kind and Landkreis."""
    if kind == "kreisfreie Stadt" or not kreis_name:
        return f"<b>{name}</b><br>{kind}"
    return f"<b>{name}</b><br>{kind}, Landkreis: {kreis_name}"


def own_hover_head(label: str, singular: str, kreis_name: str) -> str:
    """An own area: its unique name, what it is and the Kreis it lies in, all as literal text
    (planners type them)."""
    where = f", {plotly_text(kreis_name)}" if kreis_name else ""
    return f"<b>{plotly_text(label)}</b><br>{plotly_text(singular)}{where}"
