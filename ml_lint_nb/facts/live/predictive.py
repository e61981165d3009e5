"""Single-feature predictive power (ML202): which columns alone give the target away.

A column that predicts the target by itself is either a very strong honest
feature or a leak; :func:`predictive_features` measures each column's power
alone and says how: a copy of the target, a post-outcome flag (a refund
flag for churn), a per-group target statistic computed over all rows (a
target encoding that includes each row's own label), a rank AUC (binary
target) or a correlation (numeric target). The rule applies its own
threshold; scores are reported from :data:`MIN_SCORE`.

Columns are :class:`~ml_lint_nb.facts.live.tables.Column` objects over the
inspected rows; NumPy and pandas are the user's, passed in.
"""

from __future__ import annotations

from typing import Any

from ml_lint_nb.facts.live.safe import guarded
from ml_lint_nb.facts.live.tables import Column, factorize
from ml_lint_nb.facts.live.two_sample import MAX_CLASSES

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


def _corr(a: Any, b: Any, np: Any) -> float:
    """Pearson correlation; 0 when either side is constant."""
    sa, sb = a.std(), b.std()
    if sa == 0 or sb == 0:
        return 0.0
    return float(((a - a.mean()) * (b - b.mean())).mean() / (sa * sb))


def _feature_vector(col: Column, rows: Any, np: Any) -> tuple[Any, Any, int]:
    """A numeric score per row (nulls ranked lowest), the feature's codes and its level count."""
    if col.values is not None and col.kind in ("numeric", "bool", "datetime"):
        vals = col.values[rows].astype("float64")
        if col.kind == "datetime":
            vals[col.null[rows]] = np.nan
        nan = np.isnan(vals)
        if nan.any():  # nulls rank lowest: a feature missing exactly for one class predicts it
            low = np.nanmin(vals) - 1.0 if (~nan).any() else 0.0
            vals = np.where(nan, low, vals)
        ordered = np.sort(vals)
        n_levels = int(np.count_nonzero(ordered[1:] != ordered[:-1])) + 1
        return vals, None, n_levels
    raw = col.series.iloc[rows] if col.series is not None else col.values[rows]
    codes, levels = factorize(raw)
    return None, codes, len(levels)


def predictive_features(
    features: list[Column], target: Any, rows: Any, np: Any
) -> list[tuple[str, float, str]]:
    """Features whose values alone predict the target (score >= :data:`MIN_SCORE`)."""
    y = target[rows]
    t_codes, t_levels = factorize(y)
    keep = t_codes >= 0
    if keep.sum() < 2 * MIN_CLASS_ROWS or len(t_levels) < 2:
        return []
    rows = rows[keep]
    t_codes = t_codes[keep]
    numeric_target = y.dtype != object and y.dtype.kind in "fiub"
    y_num = y[keep].astype("float64") if numeric_target else None
    binary = len(t_levels) == 2
    positive = t_codes == 1
    if binary and min(int(positive.sum()), int((~positive).sum())) < MIN_CLASS_ROWS:
        return []
    y_ranks = average_ranks(y_num, np) if numeric_target and not binary else None
    out = []
    for col in features:
        got = guarded(
            lambda col=col: _feature_score(
                col, rows, t_codes, len(t_levels), binary, positive, y_num, y_ranks, np
            ),
            None,
        )
        if got is not None and got[1] == "group-candidate":
            target = positive if binary else y_num
            own = guarded(
                lambda col=col, got=got, target=target: _own_label_gain(
                    col, features, rows, target, binary, got[0], np
                ),
                None,
            )
            got = (got[0], "group-stat") if own is not None and own >= OWN_LABEL_GAIN else None
        if got is not None and (got[0] >= MIN_SCORE or got[1] in ("flag", "group-stat")):
            out.append((col.label, round(got[0], 6), got[1]))
    out.sort(key=lambda e: -e[1])
    return out[:10]


def _feature_score(
    col: Column,
    rows: Any,
    t_codes: Any,
    n_classes: int,
    binary: bool,
    positive: Any,
    y_num: Any,
    y_ranks: Any,
    np: Any,
) -> tuple[float, str] | None:
    """The power alone of one feature and how it was measured, or None (not measurable).

    ``copy`` (one value per class), ``flag`` (a post-outcome flag),
    ``group-stat`` (a per-group target mean), ``group-candidate`` (a weaker
    one, confirmed by its own-label gain), ``auc`` or ``corr``.
    """
    vals, codes, n_levels = _feature_vector(col, rows, np)
    if n_levels < 2:
        return None
    if n_levels == n_classes and codes is None:
        codes = factorize(vals)[0]
    if n_levels == n_classes and n_classes <= MAX_CLASSES and _bijective(codes, t_codes, np):
        return 1.0, "copy"
    if not binary and y_num is None:
        return None  # a categorical multi-class target: only copies are measurable
    if binary and n_levels == 2:
        flag = _post_outcome_flag(vals if codes is None else codes, positive, np)
        if flag is not None:
            return flag, "flag"
    target_num = positive if binary else y_num
    if vals is not None and target_num is not None and _group_statistic(vals, target_num, np):
        strength = auc(vals, positive, np) if binary else abs(_corr(vals, y_num, np))
        strength = max(strength, 1.0 - strength) if binary else strength
        if strength >= GROUP_STAT_MIN_SCORE:
            return strength, "group-stat"
        if strength >= GROUP_CANDIDATE_SCORE:
            return strength, "group-candidate"  # confirmed only if its own labels explain it
    if vals is None:
        if n_levels > MAX_LEVELS or n_levels * MIN_LEVEL_ROWS > len(codes):
            return None  # many levels: a per-level mean would memorise the target
        vals = _level_means(codes, positive if binary else y_num, np)
    if binary:
        a = auc(vals, positive, np)
        return max(a, 1.0 - a), "auc"
    if y_num is None:
        return None
    spearman = abs(_corr(average_ranks(vals, np), y_ranks, np))
    if spearman >= 1.0 - 1e-9 and n_levels >= 0.99 * len(np.unique(y_num)):
        return 1.0, "copy"
    return max(spearman, abs(_corr(vals, y_num, np))), "corr"


FLAG_PURITY = 0.98  # share of a flag level's rows in the minority class
FLAG_COVERAGE = 0.5  # share of the minority class the flag level holds
GROUP_STAT_MIN_SCORE = 0.9  # power alone of a column that is a per-group target statistic
GROUP_STAT_CONSISTENCY = 0.95  # correlation of its values with the target mean of their level


def _post_outcome_flag(values: Any, positive: Any, np: Any) -> float | None:
    """Share of the minority class marked by one level of a two-level column, almost only it.

    A refund flag for churn, a chargeback flag for fraud: recorded after the
    outcome, it holds most minority rows and hardly any other. An honest
    binary feature shifts the odds; it does not single out one class.
    """
    minority = positive if positive.sum() <= (~positive).sum() else ~positive
    n_min = int(minority.sum())
    if n_min < MIN_CLASS_ROWS:
        return None
    for level in np.unique(values):
        inside = values == level
        size = int(inside.sum())
        hits = int((inside & minority).sum())
        if size >= MIN_CLASS_ROWS and hits >= FLAG_PURITY * size and hits >= FLAG_COVERAGE * n_min:
            return hits / n_min
    return None


GROUP_CANDIDATE_SCORE = 0.6  # a weaker group statistic is checked for its own-label share
OWN_LABEL_GAIN = 0.1  # power lost when each row's own label is left out of its group's mean
MAX_KEY_COLUMNS = 30  # columns tried as the grouping key of a group statistic


def _own_label_gain(
    col: Column,
    features: list[Column],
    rows: Any,
    target: Any,
    binary: bool,
    strength: float,
    np: Any,
) -> float | None:
    """How much of a group statistic's power comes from each row's own label.

    Finds the column that defines the groups (the statistic is constant
    within each of its levels), recomputes each row's group mean without the
    row itself, and returns the power lost. An honest group effect survives
    leaving one row out; a mean over small groups that includes the row's
    own label does not.
    """
    vals = col.values[rows].astype("float64")
    y = target.astype("float64")
    tried = 0
    for key in features:
        if key is col or tried >= MAX_KEY_COLUMNS:
            continue
        raw = key.series.iloc[rows] if key.series is not None else key.values[rows]
        codes, levels = factorize(raw)
        if not 3 <= len(levels) <= len(rows) // 2:
            continue
        tried += 1
        keep = codes >= 0
        order = np.argsort(codes[keep], kind="stable")
        c, v = codes[keep][order], vals[keep][order]
        starts = np.flatnonzero(np.r_[True, c[1:] != c[:-1]])
        spread = np.maximum.reduceat(v, starts) - np.minimum.reduceat(v, starts)
        if np.mean(spread <= 1e-9 * max(1.0, float(np.abs(v).max()))) < 0.99:
            continue
        sums = np.bincount(codes[keep], weights=y[keep], minlength=len(levels))
        sizes = np.bincount(codes[keep], minlength=len(levels))
        k = sizes[codes[keep]]
        others = k >= 2
        if others.sum() < 2 * MIN_CLASS_ROWS:
            return None
        loo = (sums[codes[keep]][others] - y[keep][others]) / (k[others] - 1)
        truth = y[keep][others]
        if binary:
            positive = truth > 0.5
            if positive.all() or not positive.any():
                return None
            a = auc(loo, positive, np)
            honest = max(a, 1.0 - a)
        else:
            honest = abs(_corr(loo, truth, np))
        return strength - honest
    return None


def _group_statistic(vals: Any, target: Any, np: Any) -> bool:
    """Values that are the target's mean over groups of rows (a target encoding).

    Rows sharing a value form a group; when each value is (almost) the mean
    target of its own group, the column was computed from the labels,
    including each row's own when computed over all rows.
    """
    y = target.astype("float64")
    levels, codes = np.unique(vals, return_inverse=True)
    n_levels = len(levels)
    if n_levels < 3 or n_levels * 2 > len(vals):
        return False
    lo, hi = float(y.min()), float(y.max())
    span = hi - lo
    if span <= 0 or levels[0] < lo - 0.05 * span or levels[-1] > hi + 0.05 * span:
        return False
    means = _level_means(codes, y, np)
    if _corr(vals, means, np) < GROUP_STAT_CONSISTENCY:
        return False
    return float(np.mean(np.abs(vals - means))) <= 0.1 * span


def _bijective(codes: Any, t_codes: Any, np: Any) -> bool:
    """Each feature value maps to one class and each class to one value."""
    pairs = np.unique(codes.astype(np.int64) * 1_000_003 + t_codes)
    return len(pairs) == len(np.unique(codes)) == len(np.unique(t_codes))


def _level_means(codes: Any, y: Any, np: Any) -> Any:
    """Each row's score: the target mean of its level (nulls form their own level)."""
    shifted = codes + 1
    sums = np.bincount(shifted, weights=y.astype("float64"))
    sizes = np.bincount(shifted)
    means = np.divide(sums, sizes, out=np.zeros_like(sums), where=sizes > 0)
    return means[shifted]
