"""Single-feature predictive power: the measures ML202's judgement is built on.

Rank AUC with ties, Pearson correlation, per-level target means and the
one-to-one test of a copy. :mod:`target_leak` applies them to each feature
of a fit; the lazy path (:mod:`lazy_frames`) reports from :data:`MIN_SCORE`.
NumPy is the user's, passed in.
"""

from __future__ import annotations

from typing import Any

MIN_SCORE = 0.95  # predictiveness reported from here; the rule applies its own threshold
MIN_CLASS_ROWS = 10  # each class needs this many rows before an AUC is trusted
MAX_LEVELS = 50  # categorical columns considered (systematic missingness, per-level means)
MIN_LEVEL_ROWS = 20  # rows a category needs before its share or mean means anything


def average_ranks(x: Any, np: Any) -> Any:
    """Ranks 1..n with ties sharing their average rank (what Spearman and AUC need).

    Ties share one rank, so the sort need not be stable: numpy's default sort
    is several times faster than a merge sort on floats (the fit's ML202
    scoring ranks every feature).
    """
    order = np.argsort(x)
    sorted_x = x[order]
    starts = np.flatnonzero(np.r_[True, sorted_x[1:] != sorted_x[:-1]])
    counts = np.diff(np.r_[starts, len(x)])
    avg = starts + (counts + 1) / 2.0
    ranks = np.empty(len(x), dtype="float64")
    ranks[order] = np.repeat(avg, counts)
    return ranks


def auc(score: Any, positive: Any, np: Any) -> float:
    """Rank-based ROC AUC of ``score`` for the boolean labels ``positive``."""
    n_pos = int(positive.sum())
    n_neg = len(positive) - n_pos
    ranks = average_ranks(score, np)
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))


def corr(a: Any, b: Any, np: Any) -> float:
    """Pearson correlation; 0 when either side is constant."""
    sa, sb = a.std(), b.std()
    if sa == 0 or sb == 0:
        return 0.0
    return float(((a - a.mean()) * (b - b.mean())).mean() / (sa * sb))


def bijective(codes: Any, t_codes: Any, np: Any) -> bool:
    """Each feature value maps to one class and each class to one value."""
    pairs = np.unique(codes.astype(np.int64) * 1_000_003 + t_codes)
    return len(pairs) == len(np.unique(codes)) == len(np.unique(t_codes))


def level_means(codes: Any, y: Any, np: Any) -> Any:
    """Each row's score: the target mean of its level (nulls form their own level)."""
    shifted = codes + 1
    sums = np.bincount(shifted, weights=y.astype("float64"))
    sizes = np.bincount(shifted)
    means = np.divide(sums, sizes, out=np.zeros_like(sums), where=sizes > 0)
    return means[shifted]
