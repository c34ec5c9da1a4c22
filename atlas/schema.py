"""Column names and region keys: one place for the atlas's data schema."""

from __future__ import annotations

import re
from dataclasses import dataclass


class Col:
    """Columns of the normalised long tables every reader returns."""

    AGS = "ags"  # 5-digit Kreis key, "16" for the Land, "DG" for Germany
    NAME = "name"  # region name as written in the source
    YEAR = "year"  # int
    CODE = "code"  # the source's indicator code (INKAR kuerzel, GENESIS table/variable, ...)
    VALUE = "value"  # float, NaN when missing
    STATUS = "status"  # "" or the reason/flag in German ("geheim", "vorläufig", ...)
    ROW = "row"  # line number in the source file (header = 1), for error messages
    INDICATOR = "indicator"  # catalogue id (in built tables)
    BASIS = "basis"  # how a reference value was formed


VALUE_COLUMNS = [Col.AGS, Col.NAME, Col.YEAR, Col.CODE, Col.VALUE, Col.STATUS]

LAND_AGS = "16"
LAND_NAME = "Thüringen"
GERMANY_AGS = "DG"

#: Eisenach was a kreisfreie Stadt until 30.06.2021 and then joined the Wartburgkreis.
EISENACH_AGS = "16056"
WARTBURGKREIS_AGS = "16063"
UNSTRUT_HAINICH_AGS = "16064"
EICHSFELD_AGS = "16061"


@dataclass(frozen=True)
class TerritorialChange:
    """A change of the territory of current Kreise that breaks their series: values before
    :attr:`year` belong to the old territory, but maps draw today's polygons.

    ``historic`` is the key of a former Kreis the older sources carry with values of its own
    (Eisenach 16056, kept as a historic Kreis, never added to the Wartburgkreis); such a change
    is a break only for indicators with values for that key. A change without one is a break for
    every Kreis indicator whose years run across :attr:`year`."""

    date: str  # the day the change took effect, German ("01.07.2021")
    year: int  # the first year whose values are on the new territory
    kreise: tuple[str, ...]  # the current Kreise whose territory changed
    what: str  # German: what moved where
    historic: str = ""  # a former Kreis the sources carry with its own key
    historic_name: str = ""


#: Every change of Kreis territory since the oldest values of the sources: the one place the
#: series breaks of the Kreise (:meth:`atlas.data.AtlasData.breaks`), the notes on the map and
#: the historic Kreise (:data:`HISTORIC_KREISE`) come from.
TERRITORIAL_CHANGES: tuple[TerritorialChange, ...] = (
    TerritorialChange(
        "01.07.2021", 2021, (WARTBURGKREIS_AGS,),
        "die kreisfreie Stadt Eisenach (16056) wurde in den Wartburgkreis eingegliedert",
        historic=EISENACH_AGS, historic_name="Eisenach (bis 30.06.2021)"),
    TerritorialChange(
        "01.01.2023", 2023, (UNSTRUT_HAINICH_AGS, EICHSFELD_AGS),
        "Beberstedt und Hüpstedt (bis dahin Gemeinde Dünwald) sowie Bickenriede und Zella "
        "(Gemeinde Anrode) wechselten vom Unstrut-Hainich-Kreis in den Landkreis Eichsfeld "
        "(Stadt Dingelstädt)"),
)

#: Former Kreise kept under their own key (not merged into today's Kreis): key → name.
HISTORIC_KREISE = {c.historic: c.historic_name for c in TERRITORIAL_CHANGES if c.historic}

_AGS_RE = re.compile(r"^\d{1,12}$")


def normalise_ags(raw: object) -> str:
    """Return a region key as a string with its leading zeros.

    INKAR writes Kreise as 8-digit keys (``16051000``) in some exports and 5-digit keys in others;
    integers lose the leading zero of Schleswig-Holstein (``1001``). The Land stays ``"16"``,
    Germany ``"DG"``; Gemeinden keep 8 digits (``16051000`` is read as Kreis only when it ends in
    ``000`` and the caller asks for Kreise, see :func:`kreis_key`).
    """
    text = str(raw).strip().strip('"').strip()
    if text.upper() in {"DG", "DE", "0"}:
        return GERMANY_AGS
    if not _AGS_RE.match(text):
        return text
    if len(text) in (1, 4, 7, 11):  # a leading zero lost by a numeric column
        text = "0" + text
    return text


def kreis_key(ags: str) -> str:
    """Map an 8-digit Kreis key with ``000`` suffix or a 12-digit ARS of a Kreis to 5 digits."""
    if len(ags) == 8 and ags.endswith("000"):
        return ags[:5]
    if len(ags) == 12 and ags.endswith("0000000"):
        return ags[:5]
    return ags


def is_thuringian(ags: str) -> bool:
    return ags.startswith(LAND_AGS)
