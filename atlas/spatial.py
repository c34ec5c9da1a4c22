"""Spatial autocorrelation of the 22 Kreise: queen contiguity, global Moran's I and LISA clusters.

Pure functions on plain data (no Dash). The neighbourhood is built from the simplified boundaries
of the built data; the topological simplification keeps shared borders identical, so the
neighbour relation equals the one of the original BKG geometry.

Typical use::

    w = contiguity(data.geojson)
    table = data.table(indicator_id, year)
    result = lisa(table.set_index("ags")["value"], w)
    result.cluster["16051"]  # "hoch-hoch", ..., "nicht signifikant" or "keine Daten"
"""

from __future__ import annotations

import math
import threading
import warnings
from collections import Counter
from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import dataclass

import esda
import numpy as np
import pandas as pd
from libpysal.weights import W, w_subset

from atlas import palettes
from atlas.errors import AtlasError

# --- labels, colours, caveat -------------------------------------------------------------------
HIGH_HIGH = "hoch-hoch"
LOW_LOW = "niedrig-niedrig"
HIGH_LOW = "hoch-niedrig"
LOW_HIGH = "niedrig-hoch"
NOT_SIGNIFICANT = "nicht signifikant"
NO_DATA = "keine Daten"

#: Display order of the cluster categories (legend, tables).
CLUSTER_ORDER: tuple[str, ...] = (HIGH_HIGH, LOW_LOW, HIGH_LOW, LOW_HIGH, NOT_SIGNIFICANT, NO_DATA)

#: Colour-blind safe colours of the cluster map (ColorBrewer RdBu), keyed in display order.
CLUSTER_COLOURS: dict[str, str] = {
    HIGH_HIGH: "#b2182b",
    LOW_LOW: "#2166ac",
    HIGH_LOW: "#ef8a62",
    LOW_HIGH: "#67a9cf",
    NOT_SIGNIFICANT: "#e0e0e0",
    NO_DATA: palettes.MISSING_COLOUR,
}

SMALL_SAMPLE_CAVEAT = (
    "Hinweis zur Aussagekraft: Thüringen hat nur 22 Kreise – für räumliche Statistik eine sehr "
    "kleine Stichprobe, in der einzelne Kreise das Ergebnis stark beeinflussen können. "
    "Die p-Werte beruhen auf Zufallspermutationen (Pseudo-p-Werte mit festem Startwert) und sind "
    "Näherungen. Die lokalen Cluster (LISA) sind Hinweise auf räumliche Muster, kein Beleg für "
    "Ursachen oder Zusammenhänge. Weil für jeden Kreis ein eigener Test gerechnet wird (multiples "
    "Testen), ist bei einem Signifikanzniveau von 5 % etwa ein Kreis schon zufällig „signifikant“. "
    "Als Nachbarn gelten Kreise mit gemeinsamer Grenze oder gemeinsamem Grenzpunkt; Nachbarkreise "
    "außerhalb Thüringens bleiben unberücksichtigt."
)

#: Fewer districts with values than this: no analysis, only a note.
MIN_DISTRICTS = 8
DEFAULT_PERMUTATIONS = 999
DEFAULT_SEED = 12345
DEFAULT_ALPHA = 0.05


class ContiguityError(AtlasError, ValueError):
    """The boundaries do not give a usable neighbour relation."""


# --- contiguity --------------------------------------------------------------------------------
_CACHE_SIZE = 8
_cache: dict[int, tuple[dict, tuple[str, ...], W]] = {}
_cache_lock = threading.Lock()


def contiguity(geojson: dict) -> W:
    """Queen contiguity of the polygons of a GeoJSON FeatureCollection.

    Two districts are neighbours if their boundaries share at least one point. Results are cached
    per GeoJSON object (identity), so the object must not be mutated afterwards; treat the
    returned weights as read-only (:func:`moran` and :func:`lisa` work on copies).

    Parameters
    ----------
    geojson
        FeatureCollection whose features carry the property ``AGS``.

    Returns
    -------
    libpysal.weights.W
        Binary weights with ids = AGS strings in feature order.

    Raises
    ------
    ContiguityError
        When features lack an AGS, AGS repeat, or a district has no neighbour.
    """
    features = geojson.get("features") or []
    ids = tuple(str((f.get("properties") or {}).get("AGS") or "") for f in features)
    key = id(geojson)
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None and hit[0] is geojson and hit[1] == ids:
            return hit[2]
    w = _queen(features, ids)
    with _cache_lock:
        if len(_cache) >= _CACHE_SIZE:
            _cache.pop(next(iter(_cache)))
        _cache[key] = (geojson, ids, w)  # keeping the object keeps its id from being reused
    return w


def _queen(features: list, ids: tuple[str, ...]) -> W:
    import geopandas as gpd  # heavy import, only needed when the cache misses
    from libpysal.weights import Queen

    if not ids:
        raise ContiguityError("Keine Gebiete in den Grenzdaten – Nachbarschaften nicht bestimmbar.")
    if "" in ids:
        raise ContiguityError("Gebiet ohne Schlüssel (AGS) in den Grenzdaten.")
    duplicates = sorted(a for a, n in Counter(ids).items() if n > 1)
    if duplicates:
        raise ContiguityError(
            f"Mehrfach vorkommende Schlüssel in den Grenzdaten: {', '.join(duplicates)}."
        )
    frame = gpd.GeoDataFrame.from_features(features)
    frame.index = pd.Index(ids, name="AGS")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # islands are reported below with a German message
        w = Queen.from_dataframe(frame, use_index=True)
    if list(w.id_order) != list(ids):  # guard the documented order
        w = w_subset(w, list(ids), silence_warnings=True)
    if w.islands:
        raise ContiguityError(
            "Kreise ohne Nachbarn in den Grenzdaten: "
            + ", ".join(sorted(map(str, w.islands)))
            + ". Die Grenzen müssen lückenlos aneinanderstoßen."
        )
    return w


# --- results -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class MoranResult:
    """Global Moran's I of one indicator.

    Attributes
    ----------
    I
        Moran's I (row-standardised weights); NaN when not computed (see ``note``).
    expected
        Expected value under spatial randomness, ``-1 / (n - 1)``.
    z
        Standardised I against the permutation distribution (``z_sim``).
    p_sim
        Permutation pseudo p-value (one-sided in the direction of the observed I).
    n
        Districts used in the analysis.
    permutations
        Number of random permutations.
    note
        German note for the user: why nothing was computed, or which districts were left out.
    missing
        AGS of districts without a value.
    islands
        AGS of districts with a value but without a neighbour with a value (left out).
    """

    I: float  # noqa: E741 - the statistic's conventional name
    expected: float
    z: float
    p_sim: float
    n: int
    permutations: int
    note: str = ""
    missing: tuple[str, ...] = ()
    islands: tuple[str, ...] = ()

    @property
    def computed(self) -> bool:
        """Whether a statistic was computed (not just a note)."""
        return not math.isnan(self.I)


@dataclass(frozen=True)
class LisaResult:
    """Local Moran's I (LISA) cluster labels per district.

    Attributes
    ----------
    cluster
        Per AGS one of :data:`CLUSTER_ORDER`: the quadrant when ``p_sim <= alpha``, else
        "nicht signifikant"; "keine Daten" when the district was not analysed.
    quadrant
        Per AGS the quadrant regardless of significance ("keine Daten" when not analysed).
    p_sim
        Per AGS the permutation pseudo p-value (NaN when not analysed).
    alpha
        Significance level used.
    moran
        The global result on the same districts.
    note
        German note for the user (as in :class:`MoranResult`).
    """

    cluster: dict[str, str]
    quadrant: dict[str, str]
    p_sim: dict[str, float]
    alpha: float
    moran: MoranResult
    note: str = ""

    def counts(self) -> dict[str, int]:
        """Number of districts per cluster label, in display order (zeros included)."""
        found = Counter(self.cluster.values())
        return {label: found.get(label, 0) for label in CLUSTER_ORDER}


# --- analysis ----------------------------------------------------------------------------------
_rng_lock = threading.Lock()


@contextmanager
def _seeded(seed: int):
    """Seed numpy's global RNG (esda uses it) and restore it afterwards; serialised across
    threads so that concurrent analyses stay reproducible."""
    with _rng_lock:
        state = np.random.get_state()
        np.random.seed(seed)
        try:
            yield
        finally:
            np.random.set_state(state)


@dataclass(frozen=True)
class _Prepared:
    ids: tuple[str, ...]  # analysed districts, in weights order
    y: np.ndarray
    w: W | None  # sub-weights of the analysed districts; None when not analysable
    missing: tuple[str, ...]
    islands: tuple[str, ...]
    note: str = ""


def _as_mapping(values) -> Mapping[str, float]:
    if isinstance(values, pd.Series):
        return {str(k): v for k, v in values.items()}
    if isinstance(values, Mapping):
        return {str(k): v for k, v in values.items()}
    raise TypeError("values_by_ags: dict oder pandas.Series mit AGS als Schlüssel erwartet")


def _float(value) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return math.nan
    return number if math.isfinite(number) else math.nan


def _districts(count: int) -> str:
    return "1 Kreis" if count == 1 else f"{count} Kreise"


def _prepare(values_by_ags, w: W) -> _Prepared:
    """Drop districts without values, then districts left without neighbours; decide whether the
    rest is analysable."""
    values = _as_mapping(values_by_ags)
    order = [str(a) for a in w.id_order]
    by_ags = {a: _float(values.get(a)) for a in order}  # AGS not in the weights are ignored
    present = [a for a in order if not math.isnan(by_ags[a])]
    missing = tuple(a for a in order if math.isnan(by_ags[a]))
    notes = []
    if missing:
        notes.append(f"{_districts(len(missing))} ohne Wert nicht berücksichtigt.")

    islands: tuple[str, ...] = ()
    sub = None
    if present:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sub = w_subset(w, present, silence_warnings=True)
        islands = tuple(a for a in present if sub.cardinalities[a] == 0)
        if islands:
            # removing a district without neighbours changes no other district's neighbours
            present = [a for a in present if a not in islands]
            sub = w_subset(sub, present, silence_warnings=True) if present else None
            notes.append(
                f"{_districts(len(islands))} ohne Nachbarn mit Wert nicht ausgewertet "
                f"({', '.join(islands)})."
            )

    y = np.array([by_ags[a] for a in present], dtype=float)
    if len(present) < MIN_DISTRICTS:
        notes.insert(
            0,
            f"Räumliche Analyse nicht sinnvoll: nur {_districts(len(present))} mit auswertbaren "
            f"Werten (mindestens {MIN_DISTRICTS} nötig).",
        )
        sub = None
    elif np.ptp(y) == 0:
        notes.insert(0, "Räumliche Analyse nicht möglich: alle Kreise haben denselben Wert.")
        sub = None
    return _Prepared(tuple(present), y, sub, missing, islands, " ".join(notes))


def _not_computed(prep: _Prepared, permutations: int) -> MoranResult:
    return MoranResult(
        math.nan,
        math.nan,
        math.nan,
        math.nan,
        len(prep.ids),
        permutations,
        prep.note,
        prep.missing,
        prep.islands,
    )


def _global(prep: _Prepared, permutations: int, seed: int) -> MoranResult:
    with _seeded(seed), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mi = esda.Moran(prep.y, prep.w, transformation="r", permutations=permutations)
    return MoranResult(
        I=float(mi.I),
        expected=float(mi.EI),
        z=float(mi.z_sim) if permutations else float(mi.z_norm),
        p_sim=float(mi.p_sim) if permutations else math.nan,
        n=len(prep.ids),
        permutations=permutations,
        note=prep.note,
        missing=prep.missing,
        islands=prep.islands,
    )


def moran(
    values_by_ags,
    w: W,
    permutations: int = DEFAULT_PERMUTATIONS,
    seed: int = DEFAULT_SEED,
) -> MoranResult:
    """Global Moran's I with a permutation test.

    Parameters
    ----------
    values_by_ags
        Mapping or :class:`pandas.Series` from AGS to value; NaN, None or missing keys mean
        "no value". Keys that are not in ``w`` are ignored.
    w
        Contiguity weights from :func:`contiguity` (not modified).
    permutations
        Number of random permutations for ``p_sim``.
    seed
        Seed of the permutations; equal inputs and seed give equal results.

    Returns
    -------
    MoranResult
        With NaN statistics and a German ``note`` when fewer than :data:`MIN_DISTRICTS`
        districts have values (after leaving out districts without neighbours with values) or
        all values are equal.
    """
    prep = _prepare(values_by_ags, w)
    if prep.w is None:
        return _not_computed(prep, permutations)
    return _global(prep, permutations, seed)


def lisa(
    values_by_ags,
    w: W,
    permutations: int = DEFAULT_PERMUTATIONS,
    seed: int = DEFAULT_SEED,
    alpha: float = DEFAULT_ALPHA,
) -> LisaResult:
    """Local Moran's I (LISA) with conditional permutation tests and cluster labels.

    Parameters
    ----------
    values_by_ags, w, permutations, seed
        As in :func:`moran`.
    alpha
        Significance level: a district gets its quadrant label when ``p_sim <= alpha``.

    Returns
    -------
    LisaResult
        One label per district of ``w``. The quadrant compares a district's value with the mean
        ("hoch"/"niedrig", first word) and the mean of its neighbours' values with the mean
        (second word). Districts not analysed are "keine Daten"; see ``note``.
    """
    if not 0 < alpha < 1:
        raise ValueError(f"Signifikanzniveau muss zwischen 0 und 1 liegen, nicht {alpha}")
    prep = _prepare(values_by_ags, w)
    order = [str(a) for a in w.id_order]
    cluster = dict.fromkeys(order, NO_DATA)
    quadrant = dict.fromkeys(order, NO_DATA)
    p_values = dict.fromkeys(order, math.nan)
    if prep.w is None:
        return LisaResult(
            cluster, quadrant, p_values, alpha, _not_computed(prep, permutations), prep.note
        )

    global_result = _global(prep, permutations, seed)
    with _seeded(seed), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        local = esda.Moran_Local(
            prep.y,
            prep.w,
            transformation="r",
            permutations=permutations,
            seed=seed,
            keep_simulations=True,
        )
    # quadrants from the standardised values and their spatial lag (row-standardised weights)
    prep.w.transform = "r"  # our private subset; esda has already set it, made explicit here
    z = np.asarray(local.z, dtype=float)
    lag = np.asarray(prep.w.sparse @ z).ravel()
    p_sim = np.asarray(local.p_sim, dtype=float) if permutations else np.full(len(z), math.nan)
    for i, ags in enumerate(prep.ids):
        high, high_around = z[i] > 0, lag[i] > 0
        if high:
            label = HIGH_HIGH if high_around else HIGH_LOW
        else:
            label = LOW_HIGH if high_around else LOW_LOW
        quadrant[ags] = label
        p_values[ags] = float(p_sim[i])
        cluster[ags] = label if p_sim[i] <= alpha else NOT_SIGNIFICANT
    return LisaResult(cluster, quadrant, p_values, alpha, global_result, prep.note)
