"""Two-sample statistics: how the rows a model is evaluated on compare with the rows it saw.

One module below every path that compares two sets of rows, so each
measure is written once: a split's two parts (:mod:`splits`), a model's fit
rows beside its evaluation rows (:mod:`fit_records`), and two lazy frames
(:mod:`lazy_splits`, from counts computed where the data lives).

- **shared rows** (ML201): membership of row hashes (:func:`isin`), with
  candidates on a few columns confirmed on whole rows
  (:func:`confirm_candidates`), and how many coincidences chance alone
  explains in a feature space of few values (:func:`expected_coincidences`);
- **drift** (ML209): the Kolmogorov-Smirnov statistic, the population
  stability index and the Wasserstein distance (in training standard
  deviations) per numeric feature, from values (:func:`ks_and_wasserstein`,
  :func:`psi`) or from counts per bucket (:func:`ks_from_counts`,
  :func:`psi_from_counts`, :func:`wasserstein_from_counts`), in a
  :class:`DriftFact`; every path's facts are judged by ML209 alike;
- **target counts** (ML108, ML208): the classes of each side's target.

Values are NumPy arrays (hashes, floats with NaN for nulls); NumPy and
pandas are the user's, passed in, never imported here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from ml_lint_nb.facts.live.row_hashes import combine
from ml_lint_nb.facts.live.sampling import seeded_subset
from ml_lint_nb.facts.live.tables import factorize, level_text, read_target
from ml_lint_nb.facts.location import Location
from ml_lint_nb.facts.model import DriftFact

MAX_CLASSES = 50  # a target with more distinct values has no class counts
MAX_EXAMPLES = 5  # example row positions an overlap fact keeps
FIRST_COLUMNS = 4  # columns hashed for every row; whole rows only for candidate matches
CHANCE_ROWS = 2_000  # rows a side used to estimate how often rows coincide by chance
DRIFT_ROWS = 2_000  # rows a side compared for drift: resolves a KS gap of about 0.06 at p=0.001
MAX_DRIFT = 10  # features kept in a DriftFact, largest KS first
PSI_BINS = 10
PSI_FLOOR = 1e-4  # share given to an empty bin so the logarithm stays finite


# -- target counts ---------------------------------------------------------------------------------


def class_counts(values: Any, np: Any) -> tuple[tuple[str, int], ...]:
    """Counts per class of a target with at most :data:`MAX_CLASSES` values, largest first."""
    codes, levels = factorize(values)
    if not 0 < len(levels) <= MAX_CLASSES:
        return ()
    counts = np.bincount(codes[codes >= 0], minlength=len(levels))
    order = sorted(range(len(levels)), key=lambda k: (-int(counts[k]), str(levels[k])))
    return tuple((level_text(levels[k]), int(counts[k])) for k in order)


def target_counts(obj: object, np: Any) -> tuple[tuple[str, int], ...]:
    """Class counts of a target part (Series, 1-D array or one-column frame); () otherwise."""
    if obj is None:
        return ()
    values = read_target(obj)
    return () if values is None else class_counts(values, np)


# -- shared rows -----------------------------------------------------------------------------------


def isin(a: Any, b: Any, np: Any, pd: Any) -> Any:
    """Which of the hashes ``a`` occur among the hashes ``b`` (pandas' hash table when loaded)."""
    if pd is not None:
        return pd.Series(a, copy=False).isin(pd.Series(b, copy=False)).to_numpy()
    return np.isin(a, b)


def confirm_candidates(
    train_h: Any,
    test_h: Any,
    shared: Any,
    train_full: Callable[[Any], Any],
    test_full: Callable[[Any], Any],
    np: Any,
    pd: Any,
) -> Any:
    """Test rows whose whole row equals some training row, among the candidates in ``shared``.

    Rows can only be equal if they agree on the first few columns
    (``train_h``, ``test_h``), so only the candidates that do are hashed on
    every column: ``train_full(i)`` and ``test_full(i)`` give the whole-row
    hashes of the rows at those indices of ``train_h`` and ``test_h``. None
    when the training side cannot say (``train_full`` returned None).
    """
    a = np.flatnonzero(isin(train_h, test_h[shared], np, pd))
    b = np.flatnonzero(shared)
    a_full = train_full(a)
    if a_full is None:
        return None
    out = np.zeros(len(test_h), dtype=bool)
    out[b] = isin(test_full(b), a_full, np, pd)
    return out


def repeat_share(columns: Sequence[Any], np: Any) -> float:
    """Share of sampled rows repeating an earlier one, from per-column value hashes."""
    rows = None
    for part in columns:
        rows = combine(rows, part, np)
    if rows is None or len(rows) == 0:
        return 0.0
    return 1.0 - len(np.unique(rows)) / len(rows)


def distinct_rows(n_rows: int, repeat: float) -> int:
    """Distinct rows among ``n_rows`` that repeat at the sampled rate (at least one)."""
    return max(1, round(n_rows * (1.0 - repeat)))


def expected_coincidences(
    train_cols: list[Any],
    test_cols: list[Any],
    n_train_distinct: int,
    train_duplicate_share: float,
    n_checked: int,
    np: Any,
) -> float:
    """Test rows expected to equal some training row by chance alone.

    Two estimates, the larger wins: the product over columns of the chance
    that two values agree, times the distinct training rows (independent
    columns of few levels), and the training rows' own repeat rate (a
    feature space of few distinct rows repeats in any fresh sample too).
    The repeat rate counts only when every column has few values: with one
    continuous column an exact repeat is a copy (an up-sampled minority
    class), not chance. Columns are given as per-value hashes of a sample of
    each side.
    """
    if any(continuous(col, np) for col in train_cols):
        train_duplicate_share = 0.0
    per_row = 1.0
    for fit_h, col in zip(train_cols, test_cols, strict=True):
        if len(fit_h) == 0 or len(col) == 0:
            return train_duplicate_share * n_checked
        a_vals, a_counts = np.unique(fit_h, return_counts=True)
        b_vals, b_counts = np.unique(col, return_counts=True)
        _common, ia, ib = np.intersect1d(a_vals, b_vals, return_indices=True)
        per_row *= float(np.sum(a_counts[ia] / len(fit_h) * b_counts[ib] / len(col)))
        if per_row < 1e-12:
            per_row = 0.0
            break
    independent = min(1.0, per_row * n_train_distinct)
    return max(independent, train_duplicate_share) * n_checked


CONTINUOUS_SHARE = 0.5  # a column whose sampled values are this much distinct is continuous
MAX_PRUNED = 30  # columns compared pairwise for functional dependence at most


def continuous(hashes: Any, np: Any) -> bool:
    """Values of a column (hashes of a sample) that are mostly distinct: measurements, not levels."""
    n = len(hashes)
    return n >= 20 and len(np.unique(hashes)) > CONTINUOUS_SHARE * n


RESAMPLED_SHARE = 0.05  # rows repeating an earlier one, with a continuous column: drawn again


def drawn_with_replacement(columns: Sequence[Any], repeat: float, np: Any) -> bool:
    """Rows that repeat (``repeat``: their share repeating an earlier one) although one column
    is continuous: copies made on purpose (an up-sampled class), not chance."""
    return repeat >= RESAMPLED_SHARE and any(continuous(col, np) for col in columns)


def expected_repeats(columns: Sequence[Any], np: Any) -> float:
    """Rows expected to repeat an earlier row by chance, from each column's own values.

    Each row's chance of meeting its values again is the product, over the
    columns, of the share of the other rows holding its value in that column
    (independent columns), so a Poisson count repeats its common values far
    more often than the number of its distinct values suggests. A column of
    few values that is a function of another (``month`` of ``dayofyear``)
    adds no chance and is left out. Row ``i`` repeats an earlier row with
    probability ``1 - (1 - p_i) ** i``. ``columns`` are per-value hashes
    (or codes) of the same rows.
    """
    p = _row_chances(columns, np)
    if p is None:
        return 0.0
    earlier = np.arange(len(p), dtype="float64")
    return float(np.sum(-np.expm1(earlier * np.log1p(-np.minimum(p, 1 - 1e-12)))))


REPEAT_ROWS = 5_000  # rows the chance of repeats is estimated on (a seeded sample above)


def expected_repeats_of(columns: Sequence[Any], seed: int, np: Any) -> float:
    """:func:`expected_repeats` for many rows, estimated on a seeded sample of them.

    Each sampled row's chance ``p`` is read from the sample's frequencies and
    averaged over the positions a row takes among all ``n`` rows:
    ``1 - (1 - exp(-x)) / x`` with ``x = n p``.
    """
    if not columns:
        return 0.0
    n = len(columns[0])
    if n <= REPEAT_ROWS:
        return expected_repeats(columns, np)
    picks = seeded_subset(n, REPEAT_ROWS, seed + 17, np)
    p = _row_chances([col[picks] for col in columns], np)
    if p is None:
        return 0.0
    x = n * -np.log1p(-np.minimum(p, 1 - 1e-12))
    safe_x = np.where(x > 0, x, 1.0)
    avg = np.where(x > 1e-9, 1.0 - (-np.expm1(-safe_x)) / safe_x, x / 2)
    return float(n * avg.mean())


def _row_chances(columns: Sequence[Any], np: Any) -> Any:
    """Each row's chance that another row equals it (see :func:`expected_repeats`)."""
    if not columns:
        return None
    n = len(columns[0])
    if n < 2:
        return None
    kept: list[Any] = []  # columns of few values, none a function of another
    measured: list[Any] = []  # columns of mostly distinct values: each is a function of any
    for col in columns:
        codes = np.unique(col, return_inverse=True)[1].ravel()
        if int(codes.max()) + 1 > CONTINUOUS_SHARE * n:
            measured.append(codes)
            continue
        if len(kept) < MAX_PRUNED:
            if any(_function_of(codes, other, np) for other in kept):
                continue
            kept = [other for other in kept if not _function_of(other, codes, np)]
        kept.append(codes)
    log_p = np.zeros(n)
    for codes in kept + measured:
        counts = np.bincount(codes)
        log_p += np.log(np.maximum(counts[codes] - 1, 0) / (n - 1) + 1e-300)
    return np.exp(log_p)


def _function_of(codes: Any, other: Any, np: Any) -> bool:
    """Each value of ``other`` goes with one value of ``codes``: ``codes`` adds no distinction."""
    pairs = other.astype("int64") * (int(codes.max()) + 1) + codes
    return len(np.unique(pairs)) == len(np.unique(other))


# -- drift -----------------------------------------------------------------------------------------


def ks_statistic(a: Any, b: Any, np: Any) -> float:
    """Two-sample Kolmogorov-Smirnov statistic: the largest gap between the two ECDFs."""
    return ks_and_wasserstein(a, b, np)[0]


def ks_and_wasserstein(a: Any, b: Any, np: Any) -> tuple[float, float]:
    """The KS statistic and the Wasserstein distance of two samples, from one sort.

    The Wasserstein (earth mover's) distance is the area between the two
    ECDFs: how far values must move, on average, to turn one sample into
    the other. It is given in standard deviations of ``a`` (the training
    side), the normalisation Evidently uses, so one bar fits every feature
    (see :func:`normed`).
    """
    a = np.sort(a)
    b = np.sort(b)
    both = np.sort(np.concatenate([a, b]))
    gap = np.searchsorted(a, both, side="right") / len(a) - np.searchsorted(
        b, both, side="right"
    ) / len(b)
    ks = float(np.abs(gap).max())
    area = float(np.sum(np.abs(gap[:-1]) * np.diff(both)))
    return ks, normed(area, float(np.std(a)), float(np.std(both)))


def normed(distance: float, sd: float, pooled: float) -> float:
    """A distance in standard deviations of the training side (of both sides when it is
    constant); 0 when both sides are one constant."""
    scale = sd if sd > 0 else pooled
    if not scale > 0 or not math.isfinite(distance):
        return 0.0
    return distance / scale


def psi(train: Any, test: Any, np: Any) -> float:
    """Population stability index over ten quantile bins of train, nulls as an eleventh bin."""
    a = train[~np.isnan(train)]
    edges = np.unique(np.quantile(a, np.linspace(0, 1, PSI_BINS + 1)[1:-1]))

    def shares(x: Any) -> Any:
        """Each bin's share of ``x`` (nulls last), floored so that the logarithm stays finite."""
        nulls = np.isnan(x)
        bins = np.searchsorted(edges, x[~nulls], side="right")
        counts = np.bincount(bins, minlength=len(edges) + 1).astype("float64")
        counts = np.append(counts, float(nulls.sum()))
        return np.maximum(counts / len(x), PSI_FLOOR)

    p, q = shares(train), shares(test)
    return float(np.sum((q - p) * np.log(q / p)))


def ks_from_counts(ca: list[int], cb: list[int]) -> float:
    """The KS statistic from both sides' counts per bucket: the largest gap at a bucket edge."""
    ta, tb = sum(ca), sum(cb)
    fa = fb = 0
    gap = 0.0
    for x, y in zip(ca, cb, strict=True):
        fa += x
        fb += y
        gap = max(gap, abs(fa / ta - fb / tb))
    return gap


def psi_from_counts(ca: list[int], cb: list[int], na: int, nb: int, group: list[int]) -> float:
    """PSI from counts per bucket, buckets grouped into bins (``group``), nulls as one more bin.

    Shares are of all rows, nulls included, as :func:`psi` computes them.
    """
    bins = max(group) + 1
    pa = [0.0] * (bins + 1)
    pb = [0.0] * (bins + 1)
    for k, g in enumerate(group):
        pa[g] += ca[k]
        pb[g] += cb[k]
    pa[bins], pb[bins] = float(na), float(nb)
    ta, tb = sum(pa), sum(pb)
    total = 0.0
    for x, y in zip(pa, pb, strict=True):
        p, q = max(x / ta, PSI_FLOOR), max(y / tb, PSI_FLOOR)
        total += (q - p) * math.log(q / p)
    return total


def wasserstein_from_counts(edges: list[float], ca: list[int], cb: list[int], sd: float) -> float:
    """The Wasserstein distance, in training standard deviations, from counts per bucket.

    ``edges`` cut the values into buckets (``ca``, ``cb``: one more count
    than edges; bucket k holds values up to ``edges[k]``): the area between
    the two ECDFs is read at the edges (trapezoids between them). Values
    beyond the last edge add nothing: a lower bound, as :func:`ks_from_counts` is.
    """
    ta, tb = sum(ca), sum(cb)
    if not ta or not tb or len(edges) < 2:
        return 0.0
    gaps = []
    fa = fb = 0
    for k in range(len(edges)):
        fa += ca[k]
        fb += cb[k]
        gaps.append(abs(fa / ta - fb / tb))
    area = sum(
        0.5 * (gaps[k] + gaps[k + 1]) * (edges[k + 1] - edges[k]) for k in range(len(edges) - 1)
    )
    return normed(area, sd, sd)


def drift_fact(
    columns: Iterable[tuple[str, Any, Any]],
    train_name: str,
    test_name: str,
    location: Location,
    sampled: bool,
    np: Any,
    n_excluded: int = 0,
) -> DriftFact | None:
    """KS, PSI and Wasserstein distance of each (label, train values, test values) pair.

    The one drift measure for in-memory rows: a split's two parts, and a
    model's fit rows beside the rows it is evaluated on. Values are floats
    with NaN for nulls; a pair with ``None`` (not numeric) or fewer than two
    values on a side is not compared. Whether a feature drifted is ML209's
    judgement, the same for these facts and for the lazy frames' ones.
    """
    scored = []
    n_train = n_test = 0
    for label, a, b in columns:
        if a is None or b is None:
            continue
        fa, fb = a[~np.isnan(a)], b[~np.isnan(b)]
        if len(fa) < 2 or len(fb) < 2:
            continue
        n_train, n_test = max(n_train, len(fa)), max(n_test, len(fb))
        ks, wd = ks_and_wasserstein(fa, fb, np)
        scored.append((label, round(ks, 6), round(psi(a, b, np), 6), round(wd, 6)))
    return drift_of(scored, train_name, test_name, location, sampled, n_train, n_test, n_excluded)


def drift_of(
    scored: list[tuple[str, float, float, float]],
    train_name: str,
    test_name: str,
    location: Location,
    sampled: bool,
    n_train: int,
    n_test: int,
    n_excluded: int = 0,
) -> DriftFact | None:
    """The :class:`DriftFact` of scored features (largest KS first, then distance)."""
    if not scored:
        return None
    ordered = sorted(scored, key=lambda e: (-e[1], -e[3]))
    return DriftFact(
        "live",
        location,
        train=train_name,
        test=test_name,
        features=tuple(ordered[:MAX_DRIFT]),
        sampled=sampled,
        n_train=n_train,
        n_test=n_test,
        n_features=len(scored),
        n_excluded=n_excluded,
    )


__all__ = [
    "CHANCE_ROWS",
    "DRIFT_ROWS",
    "FIRST_COLUMNS",
    "MAX_CLASSES",
    "MAX_DRIFT",
    "MAX_EXAMPLES",
    "class_counts",
    "confirm_candidates",
    "distinct_rows",
    "drawn_with_replacement",
    "drift_fact",
    "drift_of",
    "continuous",
    "expected_coincidences",
    "expected_repeats",
    "expected_repeats_of",
    "isin",
    "ks_from_counts",
    "ks_and_wasserstein",
    "ks_statistic",
    "normed",
    "psi",
    "psi_from_counts",
    "repeat_share",
    "target_counts",
    "wasserstein_from_counts",
]
