"""Value types shared by the parts of :mod:`atlas.levels`."""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

from atlas.errors import AtlasError
from atlas.schema import Col

#: Severity of a :class:`Finding`.
ERROR = "error"  # nothing is stored while one is present
WARNING = "warning"  # stored, but the planner is told (shown in the preview and kept)
NOTE = "note"  # for information (e.g. "3 Geometrien repariert")
SEVERITIES = (ERROR, WARNING, NOTE)

#: German words for the severities, as the preview shows them.
SEVERITY_LABELS = {ERROR: "Fehler", WARNING: "Warnung", NOTE: "Hinweis"}


def long_values(values: pd.DataFrame, error: type[AtlasError]) -> pd.DataFrame:
    """A copy of a long frame of one indicator at one level (``ags, year, value, status``) with
    the types the level functions count on: ``ags`` text, ``year`` int, ``value`` float,
    ``status`` text ("" when missing). ``error`` (German) when a column is missing or an area
    has two values in a year."""
    missing = [c for c in (Col.AGS, Col.YEAR, Col.VALUE) if c not in values.columns]
    if missing:
        raise error(f"Werte ohne Spalte(n) {', '.join(missing)}: erwartet werden ags, year, value "
                    "und status.")
    out = values.copy()
    out[Col.AGS] = out[Col.AGS].astype(str)
    out[Col.YEAR] = out[Col.YEAR].astype(int)
    out[Col.VALUE] = out[Col.VALUE].astype(float)
    if Col.STATUS not in out.columns:
        out[Col.STATUS] = ""
    out[Col.STATUS] = out[Col.STATUS].fillna("").astype(str)
    repeated = out[out.duplicated([Col.AGS, Col.YEAR], keep=False)]
    if not repeated.empty:
        first = repeated.iloc[0]
        raise error(f"Gebiet „{first[Col.AGS]}“ hat für {int(first[Col.YEAR])} mehrere Werte; je "
                    "Gebiet und Jahr ist ein Wert erwartet.")
    return out


class LevelError(AtlasError):
    """An own level cannot be read or stored at all (no CRS, a point layer, no such column…);
    the German message names the file and says what to do."""


@dataclass(frozen=True)
class Finding:
    """One result of checking an own level, for the planner (German ``text`` that names the file
    and the areas concerned; ``areas`` holds their keys)."""

    severity: str  # one of SEVERITIES
    text: str
    areas: tuple[str, ...] = ()


@dataclass(frozen=True)
class AreaSet:
    """The areas of an own level as read and checked, before anything is stored.

    ``areas``: GeoDataFrame with columns ``key`` (str), ``name`` (str) and ``geometry`` (valid
    Polygon/MultiPolygon in EPSG:4326), one row per area, sorted by ``key``.

    ``links``: DataFrame ``key, level, parent, share, parent_share``: for every own area the Kreise
    (``level == "kreis"``) and Gemeinden (``"gemeinde"``) it overlaps, with ``share`` = the part of
    the own area inside that parent (0–1) and ``parent_share`` = the part of the parent inside the
    own area (0–1).

    ``members``: for groups of Gemeinden the exact membership (``key, gemeinde``), else ``None``.
    """

    areas: gpd.GeoDataFrame
    links: pd.DataFrame
    findings: tuple[Finding, ...] = ()
    source_crs: str = ""
    filename: str = ""
    members: pd.DataFrame | None = field(default=None)

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == ERROR)

    @property
    def ok(self) -> bool:
        """True when the level may be stored (warnings allowed)."""
        return not self.errors
