"""Why a value is missing: the one place of the reasons the map, its legend, the ranking and
the exports tell apart.

A missing value (NaN) carries a status that says why (:mod:`atlas.values`,
:mod:`atlas.levels.protection`, :mod:`atlas.levels.rollup`). The map shows five kinds, each
with its own fill, legend entry (only those that occur) and hover note::

    reason_of("< 3 (geschützt)").label          # "geschützt (kleine Zahlen)"
    reason_of("unvollständig").label            # "unvollständig"
    reason_of("unbekannt oder geheim").label    # "geheim oder unsicher (Quelle)"
    reason_of("auffällig: Quellwert 5,81 – …")  # "auffällig (Quelle prüfen)"
    reason_of("keine Daten").label              # "keine Daten"

Each reason has a fixed ``code``: the map's ``z`` of such an area (classes are 1…k, "keine
Daten" 0, the other reasons below 0), so one discrete colour scale draws classes and reasons
alike, on screen and in every export (no pattern fill: plotly's choropleth has none).
"""

from __future__ import annotations

from dataclasses import dataclass

from atlas import palettes
from atlas.levels.protection import PRIMARY, RATE_UNKNOWN, SECONDARY, rate_status
from atlas.levels.rollup import INCOMPLETE
from atlas.validation import is_flagged
from atlas.values import MISSING_LABEL, SPECIAL_SYMBOLS


@dataclass(frozen=True)
class Reason:
    """One kind of missing value: its legend ``label``, map ``colour``, ``code`` (the map's z)
    and the ``note`` the hover adds to the status ("" where the status says it all)."""

    key: str
    label: str
    colour: str
    code: int
    note: str = ""


#: No value and no other reason given (also "noch nicht verfügbar").
NO_DATA = Reason("no_data", MISSING_LABEL, palettes.MISSING_COLOUR, 0)
#: Hidden by the protection of small numbers (counts below the level's minimum, secondary
#: suppression, rates of small denominators): a light grey with a dark outline.
PROTECTED = Reason("protected", "geschützt (kleine Zahlen)", palettes.PROTECTED_COLOUR, -1,
                   "Schutz kleiner Fallzahlen")
#: A roll-up with a part missing: never a smaller sum.
PARTIAL = Reason("incomplete", INCOMPLETE, palettes.INCOMPLETE_COLOUR, -2, "ein Teilgebiet ohne Wert")
#: The source withheld the value ("." geheim, "/" nicht sicher genug, "x" gesperrt).
SECRET = Reason("secret", "geheim oder unsicher (Quelle)", palettes.SECRET_COLOUR, -3, "Angabe der Quelle")

#: A plausibility rule of the build doubted the source value (:mod:`atlas.validation`): shown
#: with the value and why, never counted as a value.
DOUBTFUL = Reason("doubtful", "auffällig (Quelle prüfen)", palettes.DOUBTFUL_COLOUR, -4,
                  "nicht in Summe, Median, Rang und Klassen")

#: Order of the reasons in the legend, after the classes.
REASONS = (PROTECTED, SECRET, PARTIAL, DOUBTFUL, NO_DATA)
#: The reasons other than "keine Daten", by code: z −1, −2, −3, −4.
SPECIAL = tuple(sorted((r for r in REASONS if r.code < 0), key=lambda r: -r.code))
#: Outline of a protected area on the map (the white borders of the others stay).
PROTECTED_OUTLINE = palettes.PROTECTED_OUTLINE
PROTECTED_LINE_WIDTH = 1.6

_SECRET_STATUSES = {SPECIAL_SYMBOLS["."], SPECIAL_SYMBOLS["/"], SPECIAL_SYMBOLS["x"]}
_RATE_HIDDEN = rate_status(1).split(" (")[0]  # "nicht ausgewiesen"


def reason_of(status: str | None) -> Reason:
    """The reason of a missing value with this status (:data:`NO_DATA` for "", "keine Daten" and
    every status not known here, e.g. an own file's flag)."""
    text = str(status or "").strip()
    if not text:
        return NO_DATA
    if (text in (PRIMARY, SECONDARY, RATE_UNKNOWN) or text.endswith(f"({PRIMARY})")
            or text.startswith(_RATE_HIDDEN)):
        return PROTECTED
    if text.startswith(INCOMPLETE):
        return PARTIAL
    if text in _SECRET_STATUSES:
        return SECRET
    if is_flagged(text):
        return DOUBTFUL
    return NO_DATA


def hover_text(status: str | None) -> str:
    """What the hover says of a missing value: its status and why, e.g. "< 3 (geschützt) –
    Schutz kleiner Fallzahlen"; "keine Daten" for a value without status."""
    text = str(status or "").strip() or MISSING_LABEL
    note = reason_of(text).note
    return f"{text} – {note}" if note else text


def counts(statuses) -> list[tuple[Reason, int]]:
    """``(reason, number of areas)`` of the missing values with these statuses, in legend order,
    only the reasons that occur."""
    found: dict[str, int] = {}
    for status in statuses:
        key = reason_of(status).key
        found[key] = found.get(key, 0) + 1
    return [(r, found[r.key]) for r in REASONS if found.get(r.key)]
