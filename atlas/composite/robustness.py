"""How much an index ranking depends on its weights.

Two kinds of variants of the chosen weights are computed over the same oriented, standardised
values (:mod:`atlas.composite.index`):

- **weight draws**: ``draws`` weight vectors from a Dirichlet distribution centred on the chosen
  (normalised) weights, ``alpha = concentration × weights`` (the larger the concentration, the
  closer the draws stay to the chosen weights; 50 lets a weight of 0.25 vary by about ±0.06),
  from a seeded generator so that the result is reproducible;
- **leave one out**: each part dropped once, the others keeping their relative weights.

Per area the rank under every variant is formed among the areas with an index value (rank 1 =
highest index = most risk), and reported as the 5th–95th percentile range of the weight draws'
ranks, the lowest and highest rank when a part is left out, and whether the area's class changes:
classes are the ``k`` quantile classes of each variant's index values, and an area is marked when
its class differs from its class under the chosen weights in more than ``tolerance`` of the weight
draws or when any part is left out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from atlas.composite.index import normalised

DRAWS = 1000
SEED = 20261207
CONCENTRATION = 50.0
TOLERANCE = 0.05
CLASSES = 5


@dataclass(frozen=True)
class Robustness:
    """Per area (rows of the input; NaN/−1 where the area has no index value)."""

    rank: np.ndarray  # rank under the chosen weights (1 = most risk)
    rank_low: np.ndarray  # 5th percentile of the ranks over the weight draws
    rank_high: np.ndarray  # 95th percentile
    drop_low: np.ndarray  # best rank when one part is left out
    drop_high: np.ndarray  # worst rank when one part is left out
    class_changes: np.ndarray  # bool: the class is not stable (see the module text)
    class_share: np.ndarray  # share of weight draws in which the class differs
    draws: int
    seed: int
    concentration: float


def ranks(scores: np.ndarray) -> np.ndarray:
    """Ranks per row of ``scores`` (variants × areas): 1 = highest score; ties share the lowest
    rank of their group (``method="min"``)."""
    scores = np.atleast_2d(scores)
    order = np.argsort(-scores, axis=1, kind="stable")
    sorted_scores = np.take_along_axis(scores, order, axis=1)
    positions = np.arange(1, scores.shape[1] + 1)
    # a tie takes the position of the first of its group
    first = np.ones_like(sorted_scores, dtype=bool)
    first[:, 1:] = sorted_scores[:, 1:] != sorted_scores[:, :-1]
    group_start = np.maximum.accumulate(np.where(first, positions, 0), axis=1)
    out = np.empty_like(order)
    np.put_along_axis(out, order, group_start, axis=1)
    return out


def quantile_classes(scores: np.ndarray, k: int = CLASSES) -> np.ndarray:
    """Class 0..k−1 of each value per row: the k quantile classes of that row (upper bounds at
    the i/k quantiles, linear interpolation; a value on a bound belongs to the lower class)."""
    scores = np.atleast_2d(scores)
    bounds = np.quantile(scores, np.arange(1, k) / k, axis=1).T  # variants × (k−1)
    return (scores[:, :, None] > bounds[:, None, :]).sum(axis=2)


def robustness(oriented: np.ndarray, weights, *, draws: int = DRAWS, seed: int = SEED,
               concentration: float = CONCENTRATION, k: int = CLASSES,
               tolerance: float = TOLERANCE) -> Robustness:
    """Rank ranges of the index over weight draws and left-out parts (see the module text).
    ``oriented`` is areas × parts; rows with a missing part take no part and get NaN."""
    x = np.asarray(oriented, dtype=float)
    w = normalised(weights)
    n, p = x.shape
    valid = ~np.isnan(x).any(axis=1)
    values = x[valid]
    rng = np.random.default_rng(seed)
    drawn = rng.dirichlet(concentration * w, size=draws) if draws else np.empty((0, p))
    left_out = []
    for j in range(p):
        rest = w.copy()
        rest[j] = 0.0
        left_out.append(rest / rest.sum())
    chosen = values @ w
    draw_scores = values @ drawn.T  # areas × draws
    drop_scores = values @ np.array(left_out).T  # areas × parts
    base_rank = ranks(chosen[None, :])[0]
    draw_ranks = ranks(draw_scores.T)
    drop_ranks = ranks(drop_scores.T)
    base_class = quantile_classes(chosen[None, :], k)[0]
    draw_class = quantile_classes(draw_scores.T, k)
    drop_class = quantile_classes(drop_scores.T, k)
    share = (draw_class != base_class).mean(axis=0) if draws else np.zeros(len(chosen))
    changes = (share > tolerance) | (drop_class != base_class).any(axis=0)

    def spread(values_valid, fill=np.nan, dtype=float):
        out = np.full(n, fill, dtype=dtype)
        out[valid] = values_valid
        return out

    low, high = (np.percentile(draw_ranks, [5, 95], axis=0) if draws
                 else (base_rank.astype(float), base_rank.astype(float)))
    return Robustness(
        rank=spread(base_rank), rank_low=spread(low), rank_high=spread(high),
        drop_low=spread(drop_ranks.min(axis=0)), drop_high=spread(drop_ranks.max(axis=0)),
        class_changes=spread(changes, False, bool), class_share=spread(share),
        draws=draws, seed=seed, concentration=concentration)
