"""Class breaks for choropleth maps (mapclassify).

Schemes (``SCHEMES``: id → German label):

``quantiles``       equal numbers of regions per class (``mapclassify.Quantiles``), the default.
``equal_interval``  classes of equal width between minimum and maximum (``mapclassify.EqualInterval``).
``natural_breaks``  Fisher-Jenks optimal breaks (``mapclassify.FisherJenks``, exact and
                    deterministic — not the sampled variant).
``std_mean``        breaks at multiples of the standard deviation around the mean
                    (``mapclassify.StdMean``, sample standard deviation). ``k`` is mapped to the
                    multiples by :func:`std_multiples`: ``k - 1`` breaks one standard deviation apart,
                    symmetric about the mean — even ``k``: the mean is a break (k=4: −1, 0, +1);
                    odd ``k``: the middle class is centred on the mean (k=5: ±0,5, ±1,5).
                    Outer classes may be empty (count 0). When no value lies above the last break,
                    mapclassify has no top class, so the result has ``k - 1`` classes (with a note).
``manual``          user-defined upper bounds (``mapclassify.UserDefined``); ``k`` is ignored.
                    Values above the last bound form an extra class up to the maximum.

Every class is closed at the top and open at the bottom (``lower < value <= upper``), except the
first, whose lower bound is the data minimum (or its own upper bound if the class is empty because
the data minimum lies above it — std_mean/manual).
"""

from __future__ import annotations

import math
import numbers
import warnings
from dataclasses import dataclass

import mapclassify
import numpy as np

from atlas.values import format_number

SCHEMES = {
    "quantiles": "Quantile",
    "equal_interval": "Gleiche Intervalle",
    "natural_breaks": "Natürliche Unterbrechungen (Fisher-Jenks)",
    "std_mean": "Standardabweichung um den Mittelwert",
    "manual": "Manuelle Grenzen",
}

#: The page's default classification: by the indicator (:func:`scheme_for`), as the palette
#: "auto" is by its polarity. Not a scheme of its own; it names one of :data:`SCHEMES`.
AUTO_SCHEME = "auto"
AUTO_SCHEME_LABEL = "Automatisch (Quantile; Sozialindex mit z-Werten: Standardabweichung)"


def scheme_for(scheme: str | None, z_values: bool) -> str:
    """The scheme that classifies a map: ``scheme`` as chosen, or for :data:`AUTO_SCHEME` (and
    ``None``) quantiles – except for values that are z-values (a Sozialindex of z-values), which
    are classed by standard deviations around their mean: symmetric about 0, the average, so that
    the diverging palette around it shows the most burdened areas in the darkest warm colour."""
    if scheme in (None, "", AUTO_SCHEME):
        return "std_mean" if z_values else "quantiles"
    return scheme


#: Allowed numbers of classes (the palettes and the legend have room for these).
CLASS_COUNTS = (3, 4, 5, 6, 7)
DEFAULT_K = 5
#: Most classes manual breaks may produce (including the extra class above the last bound).
MAX_CLASSES = max(CLASS_COUNTS)


@dataclass(frozen=True)
class Classes:
    """Result of a classification of the non-missing values.

    ``index`` holds, for every input value, its class 0..k-1 or -1 when the value is missing.
    ``bounds`` are the (lower, upper) bounds of each class; ``counts`` the number of regions
    (0 for an empty class).
    """

    scheme: str
    k: int
    index: tuple[int, ...]
    bounds: tuple[tuple[float, float], ...]
    counts: tuple[int, ...]
    missing: int
    note: str = ""

    def labels(self, decimals: int, unit: str = "") -> list[str]:
        """Legend labels like ``"5,1 – 7,9 % (4)"``; an empty first class below all data reads
        ``"bis 2,0 % (0)"``."""
        labels = []
        for i, ((lo, hi), n) in enumerate(zip(self.bounds, self.counts)):
            if i == 0 and n == 0 and lo == hi and self.k > 1:
                labels.append(f"bis {format_number(hi, decimals, unit)} ({n})")
            else:
                labels.append(
                    f"{format_number(lo, decimals)} – {format_number(hi, decimals, unit)} ({n})"
                )
        return labels


def std_multiples(k: int) -> tuple[float, ...]:
    """Multiples of the standard deviation for ``std_mean`` with ``k`` classes (k ≥ 2).

    ``k - 1`` breaks, one standard deviation apart, symmetric about the mean:
    2 → (0,), 3 → (−0,5, 0,5), 4 → (−1, 0, 1), 5 → (−1,5, −0,5, 0,5, 1,5), … 7 → (−2,5 … 2,5).
    """
    return tuple(i - (k - 2) / 2 for i in range(k - 1))


def _number(x: float) -> str:
    """Short German rendering of a number for messages (``2,5``, ``-3``)."""
    return f"{x:g}".replace(".", ",")


def _check_k(k) -> None:
    if isinstance(k, bool) or not isinstance(k, numbers.Integral) or int(k) not in CLASS_COUNTS:
        raise ValueError(
            f"Ungültige Klassenzahl {k!r}: erlaubt sind {', '.join(map(str, CLASS_COUNTS))}"
        )


def _check_breaks(breaks) -> np.ndarray:
    """Validated manual upper bounds as a float array; German ValueError naming the bad entry."""
    if breaks is not None and not isinstance(breaks, (str, bytes)):
        breaks = list(breaks)
    if not breaks or isinstance(breaks, (str, bytes)):
        raise ValueError(
            "Für manuelle Grenzen wird eine Liste oberer Klassengrenzen benötigt "
            "(Zahlen, aufsteigend sortiert)."
        )
    if len(breaks) > MAX_CLASSES:
        raise ValueError(
            f"Zu viele Klassengrenzen ({len(breaks)}): höchstens {MAX_CLASSES} Klassen sind möglich."
        )
    values = []
    for i, b in enumerate(breaks, start=1):
        if isinstance(b, bool) or not isinstance(b, numbers.Real) or not math.isfinite(float(b)):
            raise ValueError(f"Ungültige Klassengrenze Nr. {i} ({b!r}): keine endliche Zahl.")
        values.append(float(b))
    for i in range(1, len(values)):
        if values[i] <= values[i - 1]:
            raise ValueError(
                f"Klassengrenzen müssen aufsteigend sortiert sein: Grenze Nr. {i + 1} "
                f"({_number(values[i])}) ist nicht größer als Grenze Nr. {i} ({_number(values[i - 1])})."
            )
    return np.asarray(values, dtype=float)


def _validate(k, scheme: str, breaks):
    if scheme not in SCHEMES:
        raise ValueError(
            f"Ungültiges Klassifikationsverfahren „{scheme}“: erlaubt sind {', '.join(SCHEMES)}"
        )
    if scheme == "manual":
        return _check_breaks(breaks)
    if breaks is not None:
        raise ValueError(
            f"Klassengrenzen („breaks“) gibt es nur beim Verfahren „manual“, nicht bei „{scheme}“."
        )
    _check_k(k)
    return None


def classify(values, k: int = DEFAULT_K, scheme: str = "quantiles", breaks=None) -> Classes:
    """Classify values (NaN or ±inf = missing) into ``k`` classes (3..7) by ``scheme``.

    ``breaks`` (only for ``scheme="manual"``): ascending upper class bounds; ``k`` is then ignored.
    Invalid ``k``, ``scheme`` or ``breaks`` raise a German ``ValueError``; the data never do:
    no values → k=0, a single distinct value → one class, fewer distinct values than classes →
    one class per distinct value (except manual), each with a note.
    """
    manual_bins = _validate(k, scheme, breaks)
    y = np.asarray(values, dtype=float)
    valid = np.isfinite(y)
    missing = int((~valid).sum())
    index = np.full(len(y), -1, dtype=int)
    present = y[valid]
    if present.size == 0:
        return Classes(scheme, 0, tuple(int(i) for i in index), (), (), missing,
                       "Keine Werte vorhanden.")
    distinct = np.unique(present)
    if distinct.size == 1:
        index[valid] = 0
        value = float(distinct[0])
        return Classes(scheme, 1, tuple(int(i) for i in index), ((value, value),),
                       (int(present.size),), missing, "Alle Kreise haben denselben Wert: eine Klasse.")

    note = ""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # mapclassify: duplicate bins, no numba
        if scheme == "manual":
            bins = np.asarray(mapclassify.UserDefined(present, bins=manual_bins).bins, dtype=float)
            if bins.size > MAX_CLASSES:
                raise ValueError(
                    f"Zu viele Klassen: {manual_bins.size} Grenzen und Werte über der letzten Grenze "
                    f"({_number(manual_bins[-1])}) ergeben {bins.size} Klassen; höchstens "
                    f"{MAX_CLASSES} sind möglich."
                )
            if bins.size > manual_bins.size:
                note = (f"Werte über der letzten Grenze ({_number(manual_bins[-1])}) bilden eine "
                        "zusätzliche Klasse bis zum Höchstwert.")
        elif distinct.size < k:
            bins = distinct  # one class per distinct value, whatever the scheme
            note = f"Nur {distinct.size} verschiedene Werte: {distinct.size} statt {k} Klassen."
        else:
            if scheme == "quantiles":
                result = mapclassify.Quantiles(present, k=k)
            elif scheme == "equal_interval":
                result = mapclassify.EqualInterval(present, k=k)
            elif scheme == "natural_breaks":
                result = mapclassify.FisherJenks(present, k=k)
            else:  # std_mean
                result = mapclassify.StdMean(present, multiples=list(std_multiples(k)))
            bins = np.asarray(result.bins, dtype=float)  # (result.k can overstate after dedup)
            if bins.size < k:
                if scheme == "std_mean":
                    note = (f"Nur {bins.size} statt {k} Klassen: kein Wert liegt über Mittelwert + "
                            f"{_number(std_multiples(k)[-1])} Standardabweichungen.")
                else:
                    note = f"Nur {bins.size} statt {k} Klassen möglich (zu wenige verschiedene Werte)."

    # class i holds bins[i-1] < y <= bins[i] (mapclassify's rule); the last bin is >= the maximum
    yb = np.searchsorted(bins, present, side="left")
    index[valid] = yb
    counts = np.bincount(yb, minlength=bins.size)
    uppers = [float(b) for b in bins]
    lowers = [min(float(present.min()), uppers[0])] + uppers[:-1]
    return Classes(scheme, len(uppers), tuple(int(i) for i in index), tuple(zip(lowers, uppers)),
                   tuple(int(c) for c in counts), missing, note)
