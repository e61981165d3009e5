"""Cross-checks of two lazy frames (Spark, polars LazyFrame): shared rows and drift, pushed down.

The public API, stable for the hook and ``%mlcheck``:

- :func:`lazy_overlap` (ML201): test rows that also occur in the fit frame,
  by a semi-join on 64-bit row hashes computed where the data lives;
- :func:`lazy_drift` (ML209): per-feature KS statistic, PSI and Wasserstein
  distance from the fit frame's approximate percentiles and both frames'
  counts per percentile bucket, judged by ML209 as the in-memory ones are;
- :func:`lazy_split_facts`: both, as ``%mlcheck train test`` uses them.

Each takes the native frames (``pyspark.sql.DataFrame``, Spark Connect
``DataFrame`` or ``polars.LazyFrame``) and returns a :class:`LazyResult`: the fact (or None) and
notes for the renderer, e.g. a check that ran out of its time budget
(``limits.lazy_check_seconds``; its Spark jobs are cancelled). What reaches
the driver is aggregates and, for the chance estimate of the overlap, a
capped sample of per-column hashes (``limits.lazy_sample_rows`` rows a
side). Nothing is ever converted to pandas. The statistics are the ones of
:mod:`two_sample`, from counts instead of values.
"""

from __future__ import annotations

import bisect
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from ml_lint_nb.facts.live.lazy_backend import Backend, CheckTimeout, backend_for
from ml_lint_nb.facts.live.limits import LiveLimits
from ml_lint_nb.facts.live.two_sample import (
    distinct_rows,
    drift_of,
    expected_coincidences,
    ks_from_counts,
    psi_from_counts,
    repeat_share,
    wasserstein_from_counts,
)
from ml_lint_nb.facts.location import Location
from ml_lint_nb.facts.model import DriftFact, Fact, OverlapFact

F_ = TypeVar("F_", bound=Fact)

# KS read at the fit frame's percentiles, its minimum and maximum included
DRIFT_PROBS = tuple(i / 100 for i in range(0, 101))
DECILES = tuple(i / 10 for i in range(1, 10))  # PSI over ten bins, as for pandas
HASH = "__mlnb_h"


@dataclass(frozen=True)
class LazyResult(Generic[F_]):
    """A fact computed where the data lives (None when it could not be), and notes saying why."""

    fact: F_ | None
    notes: tuple[str, ...] = field(default=())


def columns_of(native: Any) -> list[str]:
    """Column names from the frame's schema (metadata: no job runs)."""
    import narwhals as nw

    return list(nw.from_native(native).collect_schema().names())


def common_columns(fit_df: Any, eval_df: Any, columns: Sequence[str] | None) -> list[str]:
    """The columns both frames hold, in the fit frame's order (``columns`` restricts them)."""
    other = set(columns_of(eval_df))
    wanted = None if columns is None else {str(c) for c in columns}
    return [c for c in columns_of(fit_df) if c in other and (wanted is None or c in wanted)]


def lazy_overlap(
    fit_df: Any,
    eval_df: Any,
    columns: Sequence[str] | None = None,
    limits: LiveLimits | None = None,
    *,
    fit_name: str = "train",
    eval_name: str = "test",
    location: Location | None = None,
    model: str | None = None,
) -> LazyResult[OverlapFact]:
    """Rows of ``eval_df`` that also occur in ``fit_df`` (ML201), as an :class:`OverlapFact`.

    Rows are compared on ``columns`` (default: all columns both frames
    hold) by a 64-bit hash of their cells, numbers by value (1 == 1.0) and
    nulls in place; the evaluation rows are semi-joined to the distinct fit
    hashes, so only two counts come back. The count of coincidences chance
    alone explains (few distinct values per column) is estimated from a
    capped sample of per-column hashes, as for pandas frames. The fact has
    no example row positions: a Spark frame has no row order.
    """
    limits = limits or LiveLimits()
    location = location or Location(line=1)
    backend = backend_for(fit_df)
    if backend is None or backend_for(eval_df) is None:
        return LazyResult(None, ("not a Spark DataFrame or polars LazyFrame",))
    cols = common_columns(fit_df, eval_df, columns)[: limits.max_columns]
    if not cols:
        return LazyResult(None)
    try:
        got = backend.run(
            lambda: _overlap_counts(backend, fit_df, eval_df, cols, limits),
            limits.lazy_check_seconds,
            "overlap",
        )
    except CheckTimeout:
        return LazyResult(None, (_late(f"the overlap of {eval_name} with {fit_name}", limits),))
    n_fit, n_eval, n_overlap = got
    expected = None
    notes: list[str] = []
    if n_overlap:
        try:
            expected = backend.run(
                lambda: _expected_from_samples(
                    backend, fit_df, eval_df, cols, n_fit, n_eval, limits
                ),
                limits.lazy_check_seconds,
                "chance estimate",
            )
        except CheckTimeout:
            notes.append(_late("the chance estimate of the overlap", limits))
    fact = OverlapFact(
        "live",
        location,
        train=fit_name,
        test=eval_name,
        n_test=n_eval,
        n_overlap=n_overlap,
        n_expected=expected,
        model=model,
    )
    return LazyResult(fact, tuple(notes))


def _late(what: str, limits: LiveLimits) -> str:
    """The note for a check that ran out of its time budget, with the way to give it more."""
    return (
        f"{what} did not finish within {limits.lazy_check_seconds:g} s and was skipped "
        "(raise it with %mlcheck config lazy_check_seconds=...)"
    )


def _overlap_counts(
    backend: Backend, fit_df: Any, eval_df: Any, cols: list[str], limits: LiveLimits
) -> tuple[int, int, int]:
    """Fit rows, evaluation rows, and evaluation rows whose hash is among the fit rows' hashes."""
    import narwhals as nw

    fit = nw.from_native(backend.with_row_hash(_select(fit_df, cols), cols, HASH))
    ev = nw.from_native(backend.with_row_hash(_select(eval_df, cols), cols, HASH))
    n_fit = _scalar(backend, fit.select(nw.len()))
    distinct = fit.select(HASH).unique().with_columns(nw.lit(1).alias("__hit"))
    joined = ev.select(HASH).join(distinct, on=HASH, how="left")
    counts = joined.select(nw.len().alias("__n"), nw.col("__hit").sum().alias("__k"))
    rows = backend.collect(nw.to_native(counts), 1)
    n_eval, n_overlap = rows[0] if rows else (0, 0)
    return int(n_fit or 0), int(n_eval or 0), int(n_overlap or 0)


def _select(native: Any, cols: list[str]) -> Any:
    """``native`` restricted to ``cols`` (a native lazy frame again: nothing runs)."""
    import narwhals as nw

    return nw.to_native(nw.from_native(native).select([nw.col(c) for c in cols]))


def _scalar(backend: Backend, frame: Any) -> Any:
    """The one value of a one-row, one-column narwhals query."""
    import narwhals as nw

    rows = backend.collect(nw.to_native(frame), 1)
    return rows[0][0] if rows else None


def _sample_hashes(
    backend: Backend, native: Any, cols: list[str], n_rows: int, limits: LiveLimits, seed: int
) -> Any:
    """Per-column hashes of a seeded sample of at most ``limits.lazy_sample_rows`` rows."""
    import numpy as np

    size = limits.lazy_sample_rows
    hashed = backend.column_hashes(_select(native, cols), cols)
    rows = backend.collect(backend.sample(hashed, n_rows, size, seed), size)
    if not rows:
        return np.zeros((0, len(cols)), dtype=np.int64)
    return np.array(rows, dtype=np.int64)


def _expected_from_samples(
    backend: Backend,
    fit_df: Any,
    eval_df: Any,
    cols: list[str],
    n_fit: int,
    n_eval: int,
    limits: LiveLimits,
) -> float | None:
    """Evaluation rows expected to coincide with fit rows by chance, from both sides' samples."""
    np = sys.modules.get("numpy")
    if np is None:
        return None
    a = _sample_hashes(backend, fit_df, cols, n_fit, limits, limits.seed)
    b = _sample_hashes(backend, eval_df, cols, n_eval, limits, limits.seed + 1)
    if len(a) == 0 or len(b) == 0:
        return None
    repeat = repeat_share([a[:, j].astype(np.uint64) for j in range(a.shape[1])], np)
    distinct = distinct_rows(n_fit, repeat)
    with np.errstate(all="ignore"):
        return float(
            expected_coincidences(
                [a[:, j] for j in range(a.shape[1])],
                [b[:, j] for j in range(b.shape[1])],
                distinct,
                repeat,
                n_eval,
                np,
            )
        )


# -- ML209: drift ---------------------------------------------------------------------------------


def numeric_columns(native: Any, cols: Sequence[str]) -> list[str]:
    """Numeric, non-boolean columns among ``cols`` (from the schema: no job runs)."""
    import narwhals as nw

    schema = nw.from_native(native).collect_schema()
    out = []
    for c in cols:
        dtype = schema.get(c)
        if dtype is not None and dtype.is_numeric() and dtype != nw.Boolean:
            out.append(c)
    return out


def lazy_drift(
    fit_df: Any,
    eval_df: Any,
    columns: Sequence[str] | None = None,
    limits: LiveLimits | None = None,
    *,
    fit_name: str = "train",
    eval_name: str = "test",
    location: Location | None = None,
) -> LazyResult[DriftFact]:
    """Numeric features whose distribution differs between ``fit_df`` and ``eval_df`` (ML209).

    The fit frame's approximate percentiles (``percentile_approx``: one pass,
    bounded memory) cut both frames into 100 buckets; each frame's count per
    bucket comes back (at most 101 numbers a feature). The KS statistic is
    read at the percentiles (a close lower bound: 1% resolution, far finer
    than the KS bars ML209 uses) and the PSI over the deciles, nulls as an
    eleventh bin, as for pandas frames. No row is sampled: every row counts.
    """
    limits = limits or LiveLimits()
    location = location or Location(line=1)
    backend = backend_for(fit_df)
    if backend is None or backend_for(eval_df) is None:
        return LazyResult(None, ("not a Spark DataFrame or polars LazyFrame",))
    cols = numeric_columns(fit_df, common_columns(fit_df, eval_df, columns))
    cols = numeric_columns(eval_df, cols)[: limits.max_columns]
    if not cols:
        return LazyResult(None)
    try:
        scored, n_fit, n_eval = backend.run(
            lambda: _drift(backend, fit_df, eval_df, cols), limits.lazy_check_seconds, "drift"
        )
    except CheckTimeout:
        return LazyResult(None, (_late(f"the drift of {eval_name} from {fit_name}", limits),))
    return LazyResult(drift_of(scored, fit_name, eval_name, location, False, n_fit, n_eval))


def quantile_row(
    backend: Backend,
    native: Any,
    cols: list[str],
    probs: Sequence[float],
    drop: Sequence[float] = (),
) -> dict:
    """Per column, its approximate quantiles at ``probs`` (None when it has no finite value)."""
    rows = backend.collect(backend.quantiles(native, cols, probs, drop), 1)
    if not rows:
        return {}
    return {c: (list(v) if v is not None else None) for c, v in zip(cols, rows[0], strict=True)}


def bucket_counts(
    backend: Backend, native: Any, edges: dict[str, list[float]], by: str | None = None
) -> dict[tuple[str, int, Any], int]:
    """Rows per (column, bucket[, value of ``by``]) in one job: buckets unpivoted and grouped."""
    import narwhals as nw

    cols = list(edges)
    keep = cols + ([by] if by is not None else [])
    bucketed = nw.from_native(backend.bucketize(_select(native, keep), edges))
    names = [f"__b_{c}" for c in cols]
    long = bucketed.select([*names, *([by] if by is not None else [])]).unpivot(
        on=names, index=[by] if by is not None else None, variable_name="__v", value_name="__k"
    )
    keys = ["__v", "__k", *([by] if by is not None else [])]
    grouped = long.group_by(keys).agg(nw.len().alias("__n"))
    # buckets (edges + 1, and the null bucket) per column, times the classes of a binary
    # target and its nulls: the most rows this query can return
    cap = len(cols) * (max((len(e) for e in edges.values()), default=0) + 2) * (3 if by else 1)
    rows = backend.collect(nw.to_native(grouped.select([*keys, "__n"])), cap)
    out: dict[tuple[str, int, Any], int] = {}
    for row in rows:
        name = str(row[0])[4:]
        out[(name, int(row[1]), row[2] if by is not None else None)] = int(row[-1])
    return out


def _drift(
    backend: Backend, fit_df: Any, eval_df: Any, cols: list[str]
) -> tuple[list[tuple[str, float, float, float]], int, int]:
    """(feature, KS, PSI, Wasserstein) per numeric column from counts per percentile bucket,
    and the rows."""
    q = quantile_row(backend, fit_df, cols, DRIFT_PROBS)
    edges = {c: sorted(set(v)) for c, v in q.items() if v}
    if not edges:
        return [], 0, 0
    a = bucket_counts(backend, fit_df, edges)
    b = bucket_counts(backend, eval_df, edges)
    n_fit = n_eval = 0
    scored = []
    for c, e in edges.items():
        ca = [a.get((c, k, None), 0) for k in range(len(e) + 1)]
        cb = [b.get((c, k, None), 0) for k in range(len(e) + 1)]
        na, nb = a.get((c, -1, None), 0), b.get((c, -1, None), 0)
        n_fit, n_eval = max(n_fit, sum(ca) + na), max(n_eval, sum(cb) + nb)
        if sum(ca) < 2 or sum(cb) < 2:
            continue
        ks = ks_from_counts(ca, cb)
        decile = [bisect.bisect_right(_deciles(q[c]), e[k - 1]) if k else 0 for k in range(len(ca))]
        wd = wasserstein_from_counts(e, ca, cb, _spread(e, ca))
        psi = psi_from_counts(ca, cb, na, nb, decile)
        scored.append((c, round(ks, 6), round(psi, 6), round(wd, 6)))
    return scored, n_fit, n_eval


def _spread(edges: list[float], counts: list[int]) -> float:
    """The standard deviation of values counted per bucket, each at its bucket's middle.

    The edges are the fit frame's percentiles from its minimum to its maximum,
    so every value lies within a hundredth of the rows of its bucket's middle.
    """
    mids = [edges[0]]
    mids += [(edges[k - 1] + edges[k]) / 2 for k in range(1, len(edges))]
    mids.append(edges[-1])
    total = sum(counts)
    if not total:
        return 0.0
    mean = sum(m * c for m, c in zip(mids, counts, strict=True)) / total
    var = sum(c * (m - mean) ** 2 for m, c in zip(mids, counts, strict=True)) / total
    return var**0.5


def _deciles(q: list[float]) -> list[float]:
    """The decile edges among the percentiles (10th, 20th, ... 90th), deduplicated."""
    return sorted({q[round(p * 100)] for p in DECILES})


def lazy_split_facts(
    fit_name: str,
    fit_df: Any,
    eval_name: str,
    eval_df: Any,
    location: Location,
    limits: LiveLimits,
) -> tuple[list[Fact], list[str]]:
    """Overlap and drift facts of two lazy frames, and the notes of the checks that ran out."""
    facts: list[Fact] = []
    notes: list[str] = []
    for check in (lazy_overlap, lazy_drift):
        got = check(
            fit_df, eval_df, None, limits, fit_name=fit_name, eval_name=eval_name, location=location
        )
        if got.fact is not None:
            facts.append(got.fact)
        notes.extend(got.notes)
    return facts, notes
