"""Is the difference between the leaky and the honest score more than the test set's noise?

Two scores on a few hundred evaluation rows differ by chance alone; a
verdict from a fixed bar would alarm about noise on small test sets and
shrug at real leaks on large ones. So the difference is resampled: the
evaluation rows are drawn with replacement (the same draw for both scores
when they are on the same rows, so their shared noise cancels), both scores
recomputed, and the difference's percentile interval read off.

The question is one-sided (does the leak flatter the score?), so the
verdict reads one end of the central interval at ``2 * confidence - 1``
(90% for a confidence of 95%): its lower end is the one-sided bound.

- ``material``: the leak flatters the score beyond that noise (the lower
  end is above zero) and by at least :attr:`Thresholds.material_gap`;
- ``none``: the honest refit scores better beyond that noise (the upper
  end is below zero): the leak flatters nothing;
- ``small``: everything between, a leak that changes nothing included
  (the same predictions): it is reported, not alarmed about. A large
  difference that the evaluation rows are too few to tell from noise is
  ``small`` too, and says so (:func:`within_noise`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ml_lint_nb.impact.metrics import Metric

MIN_RESAMPLES = 50  # fewer successful resamples than this: no interval
# metrics on a fixed 0-to-1 (or up-to-1) scale, where material_gap is in score points
POINT_SCALE = frozenset(
    {
        "accuracy_score",
        "balanced_accuracy_score",
        "f1_score",
        "fbeta_score",
        "precision_score",
        "recall_score",
        "jaccard_score",
        "roc_auc_score",
        "average_precision_score",
        "r2_score",
        "explained_variance_score",
        "matthews_corrcoef",
        "cohen_kappa_score",
    }
)


@dataclass(frozen=True)
class Thresholds:
    """The named, configurable bars of a verdict.

    ``material_gap``: the least inflation that is material, in score
    points for scores on a 0-to-1 scale (0.01 = one point of accuracy or
    AUC) and as a share of the honest value for errors (MSE, log loss).
    ``confidence``: one-sided, that the leak flatters (or does not flatter)
    the score. ``resamples``: bootstrap draws, within ``bootstrap_seconds``.
    """

    material_gap: float = 0.01
    confidence: float = 0.95
    resamples: int = 300
    bootstrap_seconds: float = 10.0


@dataclass
class Arm:
    """One score's predictions: labels ``y``, predictions ``pred``, and where its rows lie.

    ``rows`` are positions in a pool of evaluation rows named ``pool`` of
    ``pool_size`` rows; arms over the same pool are resampled with the same
    draw (paired), arms over different pools independently.
    """

    y: Any
    pred: Any
    pool: str
    rows: Any
    pool_size: int


def difference_interval(
    leaky: Arm,
    honest: Arm,
    metric: Metric,
    sign: float,
    thresholds: Thresholds,
    seed: int,
) -> tuple[float, float] | None:
    """The percentile interval of ``sign * (leaky - honest)`` over resampled evaluation rows.

    A resample is a count per evaluation row (how often the draw picked it),
    passed to the metric as sample weights: accuracy and a binary ROC AUC
    are computed directly from them, other metrics through scikit-learn's
    ``sample_weight``.
    """
    import numpy as np

    score = weighted_scorer(metric)
    rng = np.random.default_rng(seed)
    pools = {leaky.pool: leaky.pool_size, honest.pool: honest.pool_size}
    diffs: list[float] = []
    start = time.perf_counter()
    with np.errstate(all="ignore"):
        for _ in range(thresholds.resamples):
            counts = {
                name: np.bincount(rng.integers(0, size, size), minlength=size)
                for name, size in pools.items()
            }
            try:
                a = _resampled(leaky, counts[leaky.pool], score, np)
                b = _resampled(honest, counts[honest.pool], score, np)
            except Exception:
                continue  # a draw with one class only: ROC AUC is undefined there
            if a == a and b == b:
                diffs.append(sign * (a - b))
            if time.perf_counter() - start > thresholds.bootstrap_seconds:
                break
    if len(diffs) < MIN_RESAMPLES:
        return None
    tail = 1.0 - thresholds.confidence  # each end one-sided at the confidence
    lo, hi = np.quantile(np.asarray(diffs), [tail, 1.0 - tail])
    return float(lo), float(hi)


def _resampled(arm: Arm, counts: Any, score: Callable[[Any, Any, Any], float], np: Any) -> float:
    """The arm's score on its rows, each weighted by how often the draw picked it."""
    return score(arm.y, arm.pred, counts[arm.rows])


def weighted_scorer(metric: Metric) -> Callable[[Any, Any, Any], float]:
    """``f(y, prediction, weights) -> float`` for the metric (see :func:`difference_interval`)."""
    import numpy as np

    if metric.function == "accuracy_score" and not metric.kwargs:

        def accuracy(y: Any, p: Any, w: Any) -> float:
            total = w.sum()
            return float((w * (y == p)).sum() / total) if total else float("nan")

        return accuracy
    if metric.function == "roc_auc_score" and metric.prediction == "score" and not metric.kwargs:
        return _weighted_auc
    plain = metric.scorer()

    def general(y: Any, p: Any, w: Any) -> float:
        keep = w > 0
        try:
            return plain(y[keep], p[keep], sample_weight=w[keep])  # type: ignore[call-arg]
        except TypeError:
            take = np.repeat(np.arange(len(y)), w)
            return plain(y[take], p[take])

    return general


def _weighted_auc(y: Any, score: Any, w: Any) -> float:
    """Binary ROC AUC with row weights: the weighted share of (positive, negative) pairs in order.

    Ties count half. The positive class is the greater label, as
    ``roc_auc_score`` takes it.
    """
    import numpy as np

    labels = np.unique(y)
    if len(labels) != 2:
        raise ValueError("ROC AUC needs two classes")
    pos = y == labels[1]
    order = np.argsort(score, kind="mergesort")
    s, p, ww = score[order], pos[order], w[order].astype("float64")
    w_neg = np.where(p, 0.0, ww)
    w_pos = np.where(p, ww, 0.0)
    # per block of tied scores: negatives strictly below, and negatives tied
    starts = np.r_[True, s[1:] != s[:-1]]
    block = np.cumsum(starts) - 1
    neg_in_block = np.bincount(block, weights=w_neg)
    below = np.r_[0.0, np.cumsum(neg_in_block)[:-1]]
    pairs = (w_pos * (below[block] + 0.5 * neg_in_block[block])).sum()
    total = w_pos.sum() * w_neg.sum()
    if total <= 0:
        raise ValueError("ROC AUC needs both classes in the draw")
    return float(pairs / total)


def interval_level(thresholds: Thresholds) -> float:
    """The central level of the interval whose ends are the one-sided bounds (0.90 for 0.95)."""
    return round(2 * thresholds.confidence - 1, 6)


def within_noise(
    metric: Metric,
    leaky: float,
    honest: float,
    interval: tuple[float, float] | None,
    thresholds: Thresholds,
) -> bool:
    """A difference as large as the material gap that the evaluation rows cannot tell from noise."""
    sign = 1.0 if metric.higher_is_better else -1.0
    gain = sign * (leaky - honest)
    return abs(gain) >= needed_gap(metric, honest, thresholds) and (
        interval is None or interval[0] <= 0 <= interval[1]
    )


def needed_gap(metric: Metric, honest: float, thresholds: Thresholds) -> float:
    """The least inflation that is material for this metric and honest score."""
    if metric.function in POINT_SCALE:
        return thresholds.material_gap
    return thresholds.material_gap * max(abs(honest), 1e-12)


def judge(
    metric: Metric,
    leaky: float,
    honest: float,
    interval: tuple[float, float] | None,
    thresholds: Thresholds,
) -> str:
    """``material``, ``small`` or ``none`` (see the module docstring).

    Without an interval (too few rows to resample) a leak is material only
    when it flatters the score by three times the material gap, and never
    ``none``.
    """
    sign = 1.0 if metric.higher_is_better else -1.0
    gain = sign * (leaky - honest)
    gap = needed_gap(metric, honest, thresholds)
    if interval is None:
        return "material" if gain >= 3 * gap else "small"
    if interval[0] > 0 and gain >= gap:
        return "material"
    if interval[1] < 0:
        return "none"
    return "small"


__all__ = [
    "Arm",
    "Thresholds",
    "difference_interval",
    "interval_level",
    "judge",
    "needed_gap",
    "within_noise",
]
