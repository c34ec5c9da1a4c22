"""The built levels (Kreise, Gemeinden) made from the built frames: names, hover texts, Levels."""

from __future__ import annotations

import pandas as pd

from atlas.build import GEMEINDE_GEBIETSSTAND
from atlas.levels import wording
from atlas.levels.registry import GEMEINDE, GEMEINDE_SOURCE, KREIS, KREIS_SOURCE, Level, Levels
from atlas.schema import Col

#: Columns of :attr:`AtlasData.gemeinden`.
GEMEINDE_COLUMNS = [Col.AGS, Col.NAME, "bez", "kind", "kreis", "kreis_name", "label"]


def empty_gemeinden() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=str) for c in GEMEINDE_COLUMNS})


def empty_collection() -> dict:
    return {"type": "FeatureCollection", "features": []}



def prepare_gemeinden(gemeinden: pd.DataFrame | None, regions: pd.DataFrame) -> pd.DataFrame:
    """The Gemeinden with ``kreis_name`` and a unique ``label`` (name, with the Kreis for names
    that occur twice, e.g. "Eichenberg (Saale-Holzland-Kreis)")."""
    if gemeinden is None or len(gemeinden) == 0:
        return empty_gemeinden()
    if set(GEMEINDE_COLUMNS) <= set(gemeinden.columns):
        return gemeinden  # prepared already (with_own passes it on)
    out = gemeinden.copy()
    for column in (Col.AGS, Col.NAME, "bez", "kreis"):
        out[column] = out[column].astype(str)
    if "kind" not in out:
        out["kind"] = out["bez"]
    names = dict(zip(regions[Col.AGS], regions[Col.NAME]))
    out["kreis_name"] = out["kreis"].map(names).fillna(out["kreis"])
    twice = out[Col.NAME].duplicated(keep=False)
    out["label"] = out[Col.NAME].where(~twice, out[Col.NAME] + " (" + out["kreis_name"] + ")")
    return out[GEMEINDE_COLUMNS].sort_values(Col.AGS).reset_index(drop=True)


def built_levels(regions: pd.DataFrame, geojson: dict, gemeinden: pd.DataFrame,
                  gemeinde_geojson: dict, info: dict) -> Levels:
    """The registry of the built levels: the Kreise and the Gemeinden (no areas in builds
    without Gemeinde boundaries)."""
    kreise = regions.assign(label=regions[Col.NAME], kreis=regions[Col.AGS],
                            kreis_name=regions[Col.NAME])
    levels = [Level(KREIS, "Kreise", "Kreis", kreise, geojson,
                    gebietsstand=str(info.get("gebietsstand") or ""), source=KREIS_SOURCE)]
    stand = str(info.get("gemeinde_gebietsstand") or GEMEINDE_GEBIETSSTAND)
    levels.append(Level(GEMEINDE, "Gemeinden", "Gemeinde", gemeinden, gemeinde_geojson,
                        gebietsstand=stand if not gemeinden.empty else "",
                        source=GEMEINDE_SOURCE, parent=KREIS,
                        outline=(gemeinde_geojson, "KREIS")))
    return Levels.of(levels)


def _with_hover(collection: dict, extra) -> dict:
    """A new collection whose features' properties get ``extra(properties)`` (which includes
    ``HOVER``, the fixed part of the hover text the map's hovertemplate shows); returned
    unchanged when every feature has ``HOVER`` already."""
    features = collection.get("features") or []
    if all("HOVER" in (f.get("properties") or {}) for f in features):
        return collection
    out = []
    for feature in features:
        props = dict(feature.get("properties") or {})
        out.append({**feature, "properties": {**props, **extra(props)}})
    return {**collection, "features": out}


def prepare_kreis_geojson(collection: dict, regions: pd.DataFrame) -> dict:
    """The Kreis boundaries with the property ``HOVER`` (see :func:`kreis_hover_head`)."""
    info = regions.set_index(Col.AGS)

    def extra(props: dict) -> dict:
        ags = str(props.get("AGS", ""))
        if ags in info.index:
            return {"HOVER": wording.kreis_hover_head(str(info.at[ags, Col.NAME]),
                                              str(info.at[ags, "kind"]))}
        return {"HOVER": wording.kreis_hover_head(str(props.get("GEN", ags)), str(props.get("BEZ", "")))}

    return _with_hover(collection, extra)


def prepare_gemeinde_geojson(collection: dict | None, gemeinden: pd.DataFrame) -> dict:
    """The Gemeinde boundaries with the properties ``KIND``, ``KREIS_NAME`` and ``HOVER`` (see
    :func:`gemeinde_hover_head`)."""
    if not collection or not collection.get("features"):
        return empty_collection()
    info = gemeinden.set_index(Col.AGS)

    def extra(props: dict) -> dict:
        ags = str(props.get("AGS", ""))
        known = ags in info.index
        kind = str(info.at[ags, "kind"]) if known else str(props.get("BEZ", ""))
        kreis_name = str(info.at[ags, "kreis_name"]) if known else ""
        return {"KIND": kind, "KREIS_NAME": kreis_name,
                "HOVER": wording.gemeinde_hover_head(str(props.get("GEN", ags)), kind, kreis_name)}

    return _with_hover(collection, extra)

