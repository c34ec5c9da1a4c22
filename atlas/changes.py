"""What a build changed against the previous one: the change report ``aenderungen.json``.

``atlas build`` compares the values it is about to write with the ``values.csv`` of the previous
build in the same data folder and writes the result to :data:`CHANGES_OUT` (and a short German
version into the build summary, :func:`summary_line`). Shape (every key always present)::

    {"built_at": "2026-12-07T08:00:00+00:00", "previous_built_at": "…" or null,
     "first_build": false,
     "indicators_added": ["id", …], "indicators_removed": ["id", …],
     "new_years": {"indicator_id": [2024, 2025]}, "dropped_years": {"indicator_id": [2019]},
     "revised": [{"indicator": "id", "ags": "16051", "year": 2021, "old": 1.5, "new": 1.6,
                  "old_status": "", "new_status": ""}],
     "revised_total": 0,
     "files": [{"reader": "genesis", "file": "…", "table": "…", "edition": "", "years": [2025],
                "replaces": "…"}]}

Definitions (per indicator, over all its areas: Kreise, Gemeinden, the Land):

* an indicator is *added* when the new build has values for it and the previous one had none,
  *removed* the other way round;
* a *new year* is a year with at least one value now and none before, a *dropped year* the other
  way round;
* a *revised* value is a row of an indicator in both builds, in a year with values in both, whose
  value or status changed (a value that appeared or went away in such a year counts as well,
  ``old``/``new`` is then null). ``revised`` lists at most :data:`MAX_REVISED`;
  ``revised_total`` counts all.

A first build into a folder (no previous ``values.csv``) has ``first_build: true`` and no diff.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
from pathlib import Path

import pandas as pd

from atlas.schema import Col
from atlas.values import format_number

#: The change report, relative to the data folder.
CHANGES_OUT = Path("indicators/aenderungen.json")
#: ``build_info.json`` (the build's record of its files), relative to the data folder.
_INFO = Path("indicators/build_info.json")
#: At most this many revised values are listed (``revised_total`` counts all).
MAX_REVISED = 1000
#: How many indicators / examples the one-line summary names before "…".
_SHOWN = 5

_KEY = [Col.INDICATOR, Col.AGS, Col.YEAR]


def read_values(payload: bytes) -> pd.DataFrame:
    """``values.csv`` bytes as a frame, read exactly as the data loader reads them (keys as text,
    missing values NaN, statuses as text)."""
    frame = pd.read_csv(
        io.BytesIO(payload),
        dtype={Col.INDICATOR: str, Col.AGS: str, Col.YEAR: int, Col.VALUE: float,
               Col.STATUS: str},
        keep_default_na=False, na_values={Col.VALUE: [""]},
    )
    return frame[[Col.INDICATOR, Col.AGS, Col.YEAR, Col.VALUE, Col.STATUS]]


def _years_with_values(values: pd.DataFrame) -> dict[str, set[int]]:
    present = values[values[Col.VALUE].notna()]
    return {ind: {int(y) for y in years}
            for ind, years in present.groupby(Col.INDICATOR)[Col.YEAR].unique().items()}


def _number(value: float) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) \
        else float(value)


def diff_values(old: pd.DataFrame, new: pd.DataFrame) -> dict:
    """The differences between two builds' values (frames as :func:`read_values` returns them):
    ``indicators_added``, ``indicators_removed``, ``new_years``, ``dropped_years``, ``revised``
    (at most :data:`MAX_REVISED`, ordered by indicator, area and year) and ``revised_total``.
    See the module docstring for the definitions."""
    before, after = _years_with_values(old), _years_with_values(new)
    added = sorted(set(after) - set(before))
    removed = sorted(set(before) - set(after))
    common = sorted(set(after) & set(before))
    new_years = {i: sorted(after[i] - before[i]) for i in common if after[i] - before[i]}
    dropped = {i: sorted(before[i] - after[i]) for i in common if before[i] - after[i]}

    merged = old.merge(new, on=_KEY, how="outer", suffixes=("_old", "_new"), indicator=True)
    in_both_years = [
        ind in before and ind in after and int(year) in before[ind] and int(year) in after[ind]
        for ind, year in zip(merged[Col.INDICATOR], merged[Col.YEAR])]
    merged = merged[in_both_years]
    old_value, new_value = merged[f"{Col.VALUE}_old"], merged[f"{Col.VALUE}_new"]
    same_value = (old_value == new_value) | (old_value.isna() & new_value.isna())
    old_status = merged[f"{Col.STATUS}_old"].fillna("")
    new_status = merged[f"{Col.STATUS}_new"].fillna("")
    changed = merged[~(same_value & (old_status == new_status) & (merged["_merge"] == "both"))]
    changed = changed.sort_values(_KEY)
    revised = [
        {"indicator": row[Col.INDICATOR], "ags": str(row[Col.AGS]), "year": int(row[Col.YEAR]),
         "old": _number(row[f"{Col.VALUE}_old"]), "new": _number(row[f"{Col.VALUE}_new"]),
         "old_status": "" if pd.isna(row[f"{Col.STATUS}_old"]) else row[f"{Col.STATUS}_old"],
         "new_status": "" if pd.isna(row[f"{Col.STATUS}_new"]) else row[f"{Col.STATUS}_new"]}
        for _, row in changed.head(MAX_REVISED).iterrows()]
    return {"indicators_added": added, "indicators_removed": removed, "new_years": new_years,
            "dropped_years": dropped, "revised": revised, "revised_total": len(changed)}


def change_report(old: pd.DataFrame | None, new: pd.DataFrame, *, built_at: str,
                  previous_built_at: str | None, files: list[dict]) -> dict:
    """The whole ``aenderungen.json`` (module docstring); ``old`` None: a first build."""
    if old is None:
        diff = {"indicators_added": [], "indicators_removed": [], "new_years": {},
                "dropped_years": {}, "revised": [], "revised_total": 0}
    else:
        diff = diff_values(old, new)
    return {"built_at": built_at, "previous_built_at": previous_built_at,
            "first_build": old is None, **diff, "files": list(files)}


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def value_text(value: float | None, status: str = "") -> str:
    """A value of the report in German ("1,5", "470,5", "keine Daten"), its status after it."""
    if value is None:
        text = "keine Daten" if status else "kein Eintrag"
    else:
        text = format_number(value, 3)
        if "," in text:
            text = text.rstrip("0").rstrip(",")
    return f"{text} ({status})" if status else text


def _names(items: list[str]) -> str:
    shown = ", ".join(items[:_SHOWN])
    return shown + (", …" if len(items) > _SHOWN else "")


def summary_line(changes: dict) -> str:
    """The change report in one German line for the build summary, e.g. "Änderungen gegenüber
    dem letzten Build (2026-12-06T08:00:00+00:00): 2 Indikatoren neu (a, b), 3 Indikatoren mit
    neuen Jahren (arbeitslose: 2025; …), 12 Werte revidiert (z. B. arbeitslose, 16051, 2021:
    1,5 → 1,6)"."""
    if changes.get("first_build"):
        return "Änderungen: erster Build in diesen Datenordner, kein Vergleich"
    parts = []
    if added := changes["indicators_added"]:
        parts.append(f"{_plural(len(added), 'Indikator', 'Indikatoren')} neu ({_names(added)})")
    if removed := changes["indicators_removed"]:
        parts.append(f"{_plural(len(removed), 'Indikator', 'Indikatoren')} entfallen "
                     f"({_names(removed)})")
    for key, what in (("new_years", "neuen"), ("dropped_years", "entfallenen")):
        if years := changes[key]:
            named = [f"{ind}: {', '.join(str(y) for y in ys)}" for ind, ys in years.items()]
            shown = "; ".join(named[:_SHOWN]) + ("; …" if len(named) > _SHOWN else "")
            parts.append(f"{_plural(len(years), 'Indikator', 'Indikatoren')} mit {what} Jahren "
                         f"({shown})")
    total = changes["revised_total"]
    if total:
        first = changes["revised"][0]
        parts.append(
            f"{_plural(total, 'Wert', 'Werte')} revidiert (z. B. {first['indicator']}, "
            f"{first['ags']}, {first['year']}: {value_text(first['old'], first['old_status'])} → "
            f"{value_text(first['new'], first['new_status'])})")
    elif parts:
        parts.append("keine Werte revidiert")
    else:
        parts.append("keine (keine neuen Indikatoren oder Jahre, keine Werte revidiert)")
    since = changes.get("previous_built_at") or "unbekannt"
    return f"Änderungen gegenüber dem letzten Build ({since}): " + ", ".join(parts)


#: Keys every change report has (:func:`load_changes` refuses a file without them).
REPORT_KEYS = ("built_at", "previous_built_at", "first_build", "indicators_added",
               "indicators_removed", "new_years", "dropped_years", "revised", "revised_total",
               "files")


def load_changes(data_dir: Path | str) -> dict | None:
    """The change report of the build in ``data_dir``, or None when there is none (older data
    folders), it is unreadable or incomplete, or it does not match the checksum
    ``build_info.json`` records for it."""
    folder = Path(data_dir)
    try:
        payload = (folder / CHANGES_OUT).read_bytes()
        report = json.loads(payload.decode("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(report, dict) or any(key not in report for key in REPORT_KEYS):
        return None
    try:
        info = json.loads((folder / _INFO).read_text(encoding="utf-8"))
        record = info["files"][CHANGES_OUT.as_posix()]
    except (OSError, ValueError, KeyError, TypeError):
        return report  # a build that did not record it: nothing to check against
    if not isinstance(record, dict) or record.get("sha256") != hashlib.sha256(payload).hexdigest():
        return None
    return report
