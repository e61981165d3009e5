"""The data checks of :mod:`frames` for frames that live elsewhere: Spark and polars LazyFrames.

:func:`summarise_lazy_frame` gives the same :class:`FrameFact` that
:func:`ml_lint_nb.facts.live.frames.summarise_frame` gives for pandas, so the
same rules judge it, but every number is an aggregation run where the data
lives (a Spark job, a polars query); the frame is never collected and never
converted to pandas. The checks are written once over narwhals expressions
(nulls, disguised nulls, sentinel codes, spread, text that holds numbers,
class counts, duplicate rows as hashed group counts); what narwhals cannot
say without an exact sort or shuffle per column (approximate distinct
counts and quantiles, row hashes, bucketing) goes through the small native
functions of :mod:`lazy_backend`.

What differs from the pandas summary, and why:

- distinct counts are approximate (HyperLogLog, about 1% off on large
  counts, exact on the few-valued columns the constant and duplicate
  checks care about); medians and the MAD are approximate quantiles;
- no row positions (a Spark frame has no row order), so findings give no
  example rows, and outliers list the extremes only;
- predictiveness (ML202) uses every row, binned: a binary target's AUC from
  counts per percentile bucket of each numeric feature (ties within a
  bucket count half: a lower bound within ~0.5%), a numeric target's
  Pearson correlation; flags, group statistics and systematic missingness
  need row-level work and are not computed here;
- each pass has a time budget (``limits.lazy_check_seconds``); a pass that
  runs out is cancelled and named in the notes, its facts left unknown.

What reaches the driver: one row of aggregates per pass, at most
``MAX_CLASSES + 1`` class counts, and bucket counts bounded by features x
buckets x classes; each call through :meth:`Backend.collect` carries its cap.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ml_lint_nb.facts.live.column_stats import (
    DISGUISED_TOKENS,
    SENTINEL_MIN_ROWS,
    SENTINEL_MIN_SHARE,
    SENTINELS,
    code_like,
)
from ml_lint_nb.facts.live.lazy_backend import Backend, CheckTimeout, backend_for, lazy_kind
from ml_lint_nb.facts.live.lazy_splits import LazyResult, bucket_counts
from ml_lint_nb.facts.live.limits import LiveLimits
from ml_lint_nb.facts.live.predictive import MIN_CLASS_ROWS, MIN_SCORE
from ml_lint_nb.facts.live.safe import guarded
from ml_lint_nb.facts.live.tables import level_text
from ml_lint_nb.facts.live.two_sample import MAX_CLASSES
from ml_lint_nb.facts.location import Location
from ml_lint_nb.facts.model import ColumnSummary, FrameFact

BINS = 200  # percentile buckets of a feature for the binned AUC
GRID = tuple(i / BINS for i in range(1, BINS))
MEDIAN_AT = BINS // 2 - 1  # GRID[MEDIAN_AT] == 0.5
MAX_PREDICT_FEATURES = 200  # features whose predictiveness is measured, first ones first
NUMBER_TEXT = r"^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$"
DIGITS = r"^\d+$"


@dataclass
class _Col:
    """A column of the lazy frame and the aggregates collected about it, pass by pass."""

    name: str
    dtype: str
    kind: str  # numeric | bool | string | temporal | other
    stats: dict[str, Any] = field(default_factory=dict)


def summarise_lazy_frame(
    name: str,
    native: Any,
    location: Location,
    limits: LiveLimits,
    target: str | None = None,
    predictive: bool = True,
) -> LazyResult[FrameFact]:
    """A :class:`FrameFact` of a Spark DataFrame or polars LazyFrame, computed where it lives.

    ``target`` names a column whose class counts and (unless
    ``predictive`` is False) single-feature predictiveness are measured. Never raises: a pass that fails or runs out
    of time costs its own facts only, and the notes say which.
    """
    backend = backend_for(native)
    if backend is None:
        return LazyResult(None, (f"{name} is not a Spark DataFrame or polars LazyFrame",))
    try:
        import narwhals as nw
    except ImportError:
        return LazyResult(None, ("checking a lazy frame needs narwhals (pip install narwhals)",))
    try:
        schema = nw.from_native(native).collect_schema()
    except Exception:
        return LazyResult(None, (f"{name}: its schema could not be read",))
    names = list(schema.names())
    cols = [_Col(c, str(schema[c]), _kind(schema[c], nw)) for c in names[: limits.max_columns]]
    notes: list[str] = []

    def run(what: str, fn: Callable[[], Any]) -> Any:
        """One pass within its time budget; one that fails or runs out is a note, not an error."""
        try:
            return backend.run(fn, limits.lazy_check_seconds, what)
        except CheckTimeout:
            notes.append(
                f"{name}: {what} did not finish within {limits.lazy_check_seconds:g} s and was "
                "skipped (raise it with %mlcheck config lazy_check_seconds=...)"
            )
        except Exception as exc:
            notes.append(f"{name}: {what} failed ({type(exc).__name__}) and was skipped")
        return None

    n_rows = run("the column statistics", lambda: _basic(backend, native, cols, nw))
    if n_rows is None:
        return LazyResult(None, tuple(notes))
    numeric = [c for c in cols if c.kind == "numeric"]
    run("the distinct counts and quantiles", lambda: _sketch(backend, native, cols, numeric))
    for col in numeric:
        guarded(lambda col=col: _mad_from_grid(col), None)
    dups = None
    if len(names) >= 2 and len(cols) == len(names):
        dups = run("the duplicate rows", lambda: _duplicates(backend, native, names, nw))
    counts: tuple[tuple[str, int], ...] = ()
    found: tuple[tuple[str, float, str], ...] = ()
    target_col = next((c for c in cols if c.name == str(target)), None) if target else None
    if target_col is not None:
        counts = run("the class counts", lambda: _class_counts(backend, native, target_col, nw))
        counts = counts or ()
        if predictive:
            got = run(
                "the single-feature predictiveness",
                lambda: _predictive(backend, native, cols, target_col, counts),
            )
            found = tuple(got or ())
    summaries = tuple(_summary(c, n_rows) for c in cols)
    fact = FrameFact(
        "live",
        location,
        name=name,
        kind="DataFrame",
        n_rows=int(n_rows),
        n_cols=len(names),
        columns=summaries,
        duplicate_rows=dups,
        target=target_col.name if target_col is not None else None,
        class_counts=counts,
        predictive=found,
    )
    return LazyResult(fact, tuple(notes))


def _kind(dtype: Any, nw: Any) -> str:
    """The kind of check a column gets, from its narwhals type (the schema: no job runs)."""
    if dtype == nw.Boolean:
        return "bool"
    if dtype.is_numeric():
        return "numeric"
    if dtype == nw.String or dtype == nw.Categorical or dtype == nw.Enum:
        return "string"
    if dtype.is_temporal():
        return "temporal"
    return "other"


# -- pass 1: one aggregation for every column ----------------------------------------------------


AGGS_PER_QUERY = 36  # wider aggregations compile to methods the JVM will not JIT: split them


def _basic(backend: Backend, native: Any, cols: list[_Col], nw: Any) -> int:
    """Row count, nulls, sentinel hits, extremes and spread, disguised nulls and numeric text.

    A lean first pass (a handful of aggregates a column, split into queries
    of at most :data:`AGGS_PER_QUERY`); the per-code and per-token counts
    and the statistics with sentinel codes included are asked only for the
    few columns that hold a code or token at all.
    """
    specs: list[tuple[_Col, str, list[Any], Any]] = []
    for i, col in enumerate(cols):
        x = nw.col(col.name)
        if col.kind == "numeric":
            xf = x.cast(nw.Float64)
            plain = f"__p{i}"
            usual = xf.is_finite().fill_null(False) & ~xf.is_in(list(SENTINELS)).fill_null(True)
            prep = [nw.when(usual).then(xf).alias(plain)]
            null = (x.is_null() | xf.is_nan().fill_null(False)).cast(nw.Int64).sum()
            specs.append((col, "n_null", prep, null))
            hits = xf.is_in(list(SENTINELS)).fill_null(False).cast(nw.Int64).sum()
            specs.append((col, "hits", [], hits))
            specs.append((col, "lo", [], nw.col(plain).min()))
            specs.append((col, "hi", [], nw.col(plain).max()))
            specs.append((col, "std", [], nw.col(plain).std(ddof=1)))
        elif col.kind == "string":
            specs.append((col, "n_null", [], x.is_null().cast(nw.Int64).sum()))
            text, dig, num = f"__s{i}", f"__d{i}", f"__m{i}"
            prep = [
                x.cast(nw.String).str.strip_chars().alias(text),
                x.cast(nw.String)
                .str.strip_chars()
                .str.contains(DIGITS)
                .fill_null(False)
                .alias(dig),
                x.cast(nw.String).str.contains(NUMBER_TEXT).fill_null(False).alias(num),
            ]
            token = nw.col(text).str.to_lowercase()
            tokens = token.is_in(sorted(DISGUISED_TOKENS)).fill_null(False).cast(nw.Int64).sum()
            specs.append((col, "hits", prep, tokens))
            specs.append((col, "numeric_text", [], nw.col(num).cast(nw.Int64).sum()))
            digit_other = (nw.col(num) & ~nw.col(dig)).cast(nw.Int64).sum()
            specs.append((col, "digit_other", [], digit_other))
            width = nw.when(nw.col(dig)).then(nw.col(text).str.len_chars())
            specs.append((col, "w_lo", [], width.min()))
            specs.append((col, "w_hi", [], width.max()))
            zero = nw.col(dig) & nw.col(text).str.contains(r"^0\d").fill_null(False)
            specs.append((col, "leading_zeros", [], zero.cast(nw.Int64).sum()))
        else:
            specs.append((col, "n_null", [], x.is_null().cast(nw.Int64).sum()))
    n_rows = _aggregate(backend, native, specs, nw)
    more: list[tuple[_Col, str, list[Any], Any]] = []
    for col in cols:
        if not col.stats.get("hits"):
            continue
        x = nw.col(col.name)
        if col.kind == "numeric":
            xf = x.cast(nw.Float64)
            for code in SENTINELS:
                more.append(
                    (col, f"s{code}", [], (xf == code).fill_null(False).cast(nw.Int64).sum())
                )
            fin = nw.when(xf.is_finite().fill_null(False)).then(xf)
            more += [
                (col, "lo_all", [], fin.min()),
                (col, "hi_all", [], fin.max()),
                (col, "std_all", [], fin.std(ddof=1)),
            ]
        else:
            token = x.cast(nw.String).str.strip_chars().str.to_lowercase()
            for t in sorted(DISGUISED_TOKENS):
                more.append((col, f"t{t}", [], (token == t).fill_null(False).cast(nw.Int64).sum()))
    if more:
        _aggregate(backend, native, more, nw)
    for col in cols:  # no code in the column: the statistics with codes are the same
        for key in ("lo", "hi", "std"):
            col.stats.setdefault(f"{key}_all", col.stats.get(key))
    return n_rows


def _aggregate(
    backend: Backend, native: Any, specs: list[tuple[_Col, str, list[Any], Any]], nw: Any
) -> int:
    """Run the aggregates in queries of at most :data:`AGGS_PER_QUERY`; store them; the rows."""
    n_rows = 0
    preps: dict[int, list[Any]] = {}
    for col, _k, p, _a in specs:
        preps.setdefault(id(col), []).extend(p)
    for start in range(0, len(specs), AGGS_PER_QUERY):
        chunk = specs[start : start + AGGS_PER_QUERY]
        in_chunk = list(dict.fromkeys(id(c) for c, _k, _p, _a in chunk))
        prep = [e for key in in_chunk for e in preps[key]]
        exprs = [nw.len().alias("__rows")]
        exprs += [agg.alias(f"c{j}") for j, (_c, _k, _p, agg) in enumerate(chunk)]
        frame = nw.from_native(native)
        if prep:
            frame = frame.with_columns(prep)
        row = backend.collect(nw.to_native(frame.select(exprs)), 1)[0]
        n_rows = int(row[0] or 0)
        for (col, key, _p, _a), value in zip(chunk, row[1:], strict=True):
            col.stats[key] = value
    return n_rows


def _sketch(backend: Backend, native: Any, cols: list[_Col], numeric: list[_Col]) -> None:
    """Approximate distinct counts of every column and quantiles of the numeric ones, one pass."""
    names = [c.name for c in numeric]
    query = backend.sketch(native, [c.name for c in cols], names, GRID, SENTINELS)
    row = backend.collect(query, 1)[0]
    for col, value in zip(cols, row[: len(cols)], strict=True):
        col.stats["n_unique"] = None if value is None else int(value)
    for col, q in zip(numeric, row[len(cols) :], strict=True):
        if q:
            col.stats["grid"] = [float(v) for v in q]
            col.stats["median"] = float(q[MEDIAN_AT])


def _mad_from_grid(col: _Col) -> None:
    """The median absolute deviation read off the quantile grid (no second pass over the data).

    With the distribution function ``F`` interpolated between the grid's
    quantiles (and the column's finite extremes), the MAD is the ``d`` with
    ``F(m + d) - F(m - d) = 1/2``, found by bisection: exact up to the
    grid's 0.5% resolution, ample for a robust z-score.
    """
    s = col.stats
    grid, median = s.get("grid"), s.get("median")
    lo, hi = s.get("lo"), s.get("hi")
    if not grid or median is None or lo is None or hi is None:
        return
    xs = [float(lo), *grid, float(hi)]
    ps = [0.0, *GRID, 1.0]

    def cdf(x: float) -> float:
        """The distribution function, interpolated linearly between the grid's quantiles."""
        k = bisect.bisect_right(xs, x)
        if k == 0:
            return 0.0
        if k >= len(xs):
            return 1.0
        x0, x1 = xs[k - 1], xs[k]
        p0, p1 = ps[k - 1], ps[k]
        return p1 if x1 <= x0 else p0 + (p1 - p0) * (x - x0) / (x1 - x0)

    a, b = 0.0, max(float(hi) - median, median - float(lo))
    if b <= 0:
        return
    left, right = bisect.bisect_left(xs, median), bisect.bisect_right(xs, median)
    if right - left >= 2 and ps[right - 1] - ps[left] >= 0.5:  # half the values are the median
        s["mad"] = 0.0
        return
    for _ in range(80):
        mid = (a + b) / 2
        if cdf(median + mid) - cdf(median - mid) >= 0.5:
            b = mid
        else:
            a = mid
    s["mad"] = b


def _duplicates(backend: Backend, native: Any, names: list[str], nw: Any) -> int:
    """Rows beyond the first of each group of equal rows, grouped by a 64-bit row hash."""
    h = "__mlnb_row"
    hashed = nw.from_native(backend.with_row_hash(native, names, h))
    groups = hashed.group_by(h).agg(nw.len().alias("__n")).filter(nw.col("__n") > 1)
    query = groups.select((nw.col("__n") - 1).sum().alias("__dups"))
    rows = backend.collect(nw.to_native(query), 1)
    return int(rows[0][0] or 0) if rows else 0


def _class_counts(backend: Backend, native: Any, col: _Col, nw: Any) -> tuple[tuple[str, int], ...]:
    """Counts per class, largest first, for a target with at most ``MAX_CLASSES`` values."""
    n_unique = col.stats.get("n_unique")
    if n_unique is None or not 0 < n_unique <= MAX_CLASSES * 2:
        return ()
    frame = nw.from_native(native).filter(~nw.col(col.name).is_null())
    grouped = frame.group_by(col.name).agg(nw.len().alias("__n"))
    rows = backend.collect(nw.to_native(grouped), MAX_CLASSES + 1)
    if not 0 < len(rows) <= MAX_CLASSES:
        return ()
    pairs = [(level_text(v), int(n)) for v, n in rows]
    return tuple(sorted(pairs, key=lambda p: (-p[1], p[0])))


# -- single-feature predictiveness ----------------------------------------------------------------


def _predictive(
    backend: Backend,
    native: Any,
    cols: list[_Col],
    target: _Col,
    counts: tuple[tuple[str, int], ...],
) -> list[tuple[str, float, str]]:
    """Features that alone predict the target: binned AUC (binary) or correlation (numeric)."""
    features = [
        c for c in cols if c is not target and c.kind in ("numeric", "bool") and c.stats.get("grid")
    ][:MAX_PREDICT_FEATURES]
    features += [c for c in cols if c is not target and c.kind == "bool" and c not in features][
        : MAX_PREDICT_FEATURES - len(features)
    ]
    if not features:
        return []
    out: list[tuple[str, float, str]] = []
    if len(counts) == 2:
        if min(n for _, n in counts) < MIN_CLASS_ROWS:
            return []
        edges = {c.name: _bool_or_grid(c) for c in features}
        got = bucket_counts(backend, native, edges, by=target.name)
        positive = _positive(counts)
        for c in features:
            score = _binned_auc(got, c.name, positive)
            if score is not None and score >= MIN_SCORE:
                out.append((c.name, round(score, 6), "auc"))
    elif target.kind == "numeric" and not counts:
        pairs = [(c.name, target.name) for c in features if c.kind == "numeric"]
        if not pairs:
            return []
        rows = backend.collect(backend.corr(native, pairs), 1)
        for (feature, _t), r in zip(pairs, rows[0], strict=True):
            if r is not None and abs(float(r)) >= MIN_SCORE:
                out.append((feature, round(abs(float(r)), 6), "corr"))
    out.sort(key=lambda e: -e[1])
    return out[:10]


def _bool_or_grid(col: _Col) -> list[float]:
    """Bucket edges for a feature's binned AUC: 0.5 for a boolean, its percentiles otherwise."""
    if col.kind == "bool":
        return [0.5]
    return sorted(set(col.stats["grid"]))


def _positive(counts: tuple[tuple[str, int], ...]) -> str:
    """The class read as positive: the second of the two in sorted order (1 of 0/1)."""
    return sorted(label for label, _ in counts)[1]


def _binned_auc(got: dict[tuple[str, int, Any], int], feature: str, positive: str) -> float | None:
    """AUC of a feature from its counts per bucket and class; nulls rank lowest."""
    pos: dict[int, int] = {}
    neg: dict[int, int] = {}
    for (name, k, label), n in got.items():
        if name != feature or label is None:
            continue
        side = pos if level_text(label) == positive else neg
        side[k] = side.get(k, 0) + n
    n_pos, n_neg = sum(pos.values()), sum(neg.values())
    if n_pos < MIN_CLASS_ROWS or n_neg < MIN_CLASS_ROWS:
        return None
    below = 0
    wins = 0.0
    for k in sorted(set(pos) | set(neg)):
        p, q = pos.get(k, 0), neg.get(k, 0)
        wins += p * below + 0.5 * p * q
        below += q
    a = wins / (n_pos * n_neg)
    return max(a, 1.0 - a)


# -- the summary ------------------------------------------------------------------------------------


def _summary(col: _Col, n_rows: int) -> ColumnSummary:
    """The column's aggregates as the :class:`ColumnSummary` an in-memory frame would give."""
    s = col.stats
    base: dict[str, Any] = {
        "name": col.name,
        "dtype": col.dtype,
        "n_null": int(s.get("n_null") or 0),
        "n_unique": s.get("n_unique"),
    }
    if col.kind == "numeric":
        return ColumnSummary(**base, **_numeric(s, n_rows))
    if col.kind == "string":
        return ColumnSummary(**base, **_text(col, n_rows))
    return ColumnSummary(**base)


def _numeric(s: dict[str, Any], n_rows: int) -> dict[str, Any]:
    """Sentinels, spread and outliers from the aggregates, as ``column_stats`` reads them."""
    out: dict[str, Any] = {"numeric": True}
    lo, hi = s.get("lo"), s.get("hi")
    spikes = []
    if lo is not None and hi is not None:
        for code in SENTINELS:
            count = int(s.get(f"s{code}") or 0)
            if count < SENTINEL_MIN_ROWS or count < SENTINEL_MIN_SHARE * n_rows:
                continue
            margin = 0.5 * abs(code)
            if code < lo - margin or code > hi + margin:
                spikes.append((code, count))
    if spikes:
        out["n_disguised"] = sum(n for _, n in spikes)
        out["disguised_values"] = tuple(f"{code:g}" for code, _ in spikes)
        std, lo_v, hi_v = s.get("std"), lo, hi
    else:
        std, lo_v, hi_v = s.get("std_all"), s.get("lo_all"), s.get("hi_all")
    median = s.get("median")
    if median is None or lo_v is None:
        return out
    out["median"] = median
    if std is not None and std == std:
        out["std"] = float(std)
    mad = s.get("mad")
    if mad:
        worst = max(float(hi_v) - median, median - float(lo_v))
        out["max_robust_z"] = worst / (1.4826 * mad)
        ends = sorted({float(lo_v), float(hi_v)}, key=lambda v: -abs(v - median))
        out["outlier_examples"] = tuple(ends)
    return out


def _text(col: _Col, n_rows: int) -> dict[str, Any]:
    """Disguised nulls and numbers stored as text, from a text column's aggregates."""
    s = col.stats
    found = [(tok, int(s.get(f"t{tok}") or 0)) for tok in sorted(DISGUISED_TOKENS)]
    found = [(tok, n) for tok, n in found if n]
    present = n_rows - int(s.get("n_null") or 0)
    widths: set[int] = set()
    w_lo, w_hi = s.get("w_lo"), s.get("w_hi")
    if w_lo is not None:
        widths |= {int(w_lo), int(w_hi)}
    if s.get("digit_other"):
        widths.add(-1)
    return {
        "n_disguised": sum(n for _, n in found),
        "disguised_values": tuple(tok or repr(tok) for tok, _ in found[:5]),
        "numeric_strings": (int(s.get("numeric_text") or 0) / present) if present else 0.0,
        "code_like": code_like(col.name, widths, int(s.get("leading_zeros") or 0)),
        "whole_numbers": bool(widths) and -1 not in widths,
    }


__all__ = ["lazy_kind", "summarise_lazy_frame"]
