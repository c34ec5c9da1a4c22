"""Column names and region keys: one place for the atlas's data schema."""

from __future__ import annotations

import re


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
HISTORIC_KREISE = {EISENACH_AGS: "Eisenach (bis 30.06.2021)"}

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
