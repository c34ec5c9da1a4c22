"""Traffic lights (Ampel) per indicator: green, yellow or red for an area's value, where the
working group has set thresholds for the indicator (optional; in the catalogue, ``ampel``).

Two forms, by which direction is worse::

    ampel = { gruen_bis = 10.0, gelb_bis = 15.0 }   # higher is worse: ≤ 10 grün, ≤ 15 gelb, rot darüber
    ampel = { gruen_ab = 60.0, gelb_ab = 40.0 }     # lower is worse: ≥ 60 grün, ≥ 40 gelb, rot darunter

The value is compared as it is shown (rounded to the indicator's decimals), so a value shown as
"10,0 %" is green with ``gruen_bis = 10``. Pure: no Dash, no data access.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from atlas.values import format_number

GREEN, YELLOW, RED = "grün", "gelb", "rot"
#: Colours of the lights (with their text always beside them: never colour alone).
COLOURS = {GREEN: "#1a7f37", YELLOW: "#b58900", RED: "#c62828"}
#: Light fills of table cells (black text on them keeps a contrast above 12:1).
FILLS = {GREEN: "#c8e6c9", YELLOW: "#fff3b0", RED: "#ffcdd2"}
#: Keys of the two forms.
UPPER = ("gruen_bis", "gelb_bis")
LOWER = ("gruen_ab", "gelb_ab")


class ThresholdError(ValueError):
    """Thresholds that cannot be used (German message naming the problem and the two forms)."""


@dataclass(frozen=True)
class Thresholds:
    """``green`` and ``yellow`` bounds; ``higher_worse``: values above them are worse."""

    green: float
    yellow: float
    higher_worse: bool


FORMS = ("ampel = { gruen_bis = 10, gelb_bis = 15 } (höher ist schlechter) oder "
         "ampel = { gruen_ab = 60, gelb_ab = 40 } (niedriger ist schlechter)")


def _number(raw: object, key: str) -> float:
    if isinstance(raw, bool) or not isinstance(raw, (int, float)) or not math.isfinite(raw):
        raise ThresholdError(f"Ampel: „{key}“ muss eine Zahl sein, nicht „{str(raw)[:20]}“; "
                             f"erwartet: {FORMS}.")
    return float(raw)


def parse_thresholds(raw: object) -> Thresholds | None:
    """Thresholds of a catalogue entry's ``ampel`` table (``None`` when there is none).

    Raises
    ------
    ThresholdError
        For unknown or mixed keys, non-numbers, or bounds in the wrong order.
    """
    if raw in (None, {}):
        return None
    if not isinstance(raw, dict):
        raise ThresholdError(f"Ampel: erwartet wird eine Tabelle: {FORMS}.")
    keys = set(raw)
    for form, higher in ((UPPER, True), (LOWER, False)):
        if keys == set(form):
            green, yellow = (_number(raw[k], k) for k in form)
            if (green >= yellow) if higher else (green <= yellow):
                relation = "kleiner" if higher else "größer"
                raise ThresholdError(f"Ampel: „{form[0]}“ muss {relation} sein als „{form[1]}“ "
                                     f"(sonst gäbe es kein Gelb).")
            return Thresholds(green, yellow, higher)
    raise ThresholdError(f"Ampel: unbekannte oder gemischte Angaben {sorted(keys)}; erwartet: "
                         f"{FORMS}.")


@dataclass(frozen=True)
class Light:
    colour: str  # GREEN, YELLOW, RED or "" (no value)
    text: str  # "grün (bis 10,0 %)"


def light(thresholds: Thresholds | None, value: float, decimals: int, unit: str = "") -> Light:
    """The light of ``value`` (compared as shown, rounded to ``decimals``); no light without
    thresholds or value."""
    if thresholds is None or value is None or (isinstance(value, float) and math.isnan(value)):
        return Light("", "")
    shown = round(float(value), decimals)
    green, yellow = thresholds.green, thresholds.yellow
    g, y = format_number(green, decimals, unit), format_number(yellow, decimals, unit)
    if thresholds.higher_worse:
        if shown <= green:
            return Light(GREEN, f"{GREEN} (bis {g})")
        if shown <= yellow:
            return Light(YELLOW, f"{YELLOW} (über {g} bis {y})")
        return Light(RED, f"{RED} (über {y})")
    if shown >= green:
        return Light(GREEN, f"{GREEN} (ab {g})")
    if shown >= yellow:
        return Light(YELLOW, f"{YELLOW} (unter {g}, ab {y})")
    return Light(RED, f"{RED} (unter {y})")


def thresholds_text(thresholds: Thresholds, decimals: int, unit: str = "") -> str:
    """The thresholds named: "grün bis 10,0 %, gelb bis 15,0 %, rot darüber"."""
    g = format_number(thresholds.green, decimals, unit)
    y = format_number(thresholds.yellow, decimals, unit)
    if thresholds.higher_worse:
        return f"grün bis {g}, gelb bis {y}, rot darüber"
    return f"grün ab {g}, gelb ab {y}, rot darunter"
