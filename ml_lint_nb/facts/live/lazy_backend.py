"""What narwhals cannot say: the few native operations the lazy data checks need.

The lazy checks (:mod:`ml_lint_nb.facts.live.lazy_frames`,
:mod:`ml_lint_nb.facts.live.lazy_splits`) are written once over narwhals
LazyFrames. Four things have no portable narwhals spelling that runs where
the data lives, so each backend (Spark, polars) supplies them here:

- **approximate statistics**: narwhals' ``n_unique`` and ``quantile`` are
  exact on Spark (``count(DISTINCT)``, ``percentile``: a full shuffle or
  sort per column); ``approx_count_distinct`` and ``percentile_approx``
  answer in one pass with bounded memory;
- **hashes**: duplicate rows and train/test overlap compare 64-bit row
  hashes (``xxhash64`` on Spark, ``Expr.hash`` on polars), so a group-by or
  semi-join shuffles eight bytes a row instead of the whole row;
- **bucketing** by a list of edges (a binary search per value:
  ``Bucketizer`` on Spark, ``cut`` on polars): the binned AUC and the drift
  ECDFs need one bucket index per value, where a chain of comparisons in
  narwhals would cost one expression per edge;
- **the way to the driver**: :meth:`Backend.collect` is the only call that
  brings rows back, always behind a ``limit`` (never ``toPandas``), and
  :meth:`Backend.run` gives each check a time budget and cancels its Spark
  jobs (by job tag, or job group on Spark before 3.5) when it runs out.

Nothing here imports pyspark or polars unless the user's object already
came from them (``sys.modules``).
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from ml_lint_nb.facts.live.safe import lazy_kind

T = TypeVar("T")

_TAGS = itertools.count(1)
# percentile_approx's accuracy: rank error 1/1000 of the rows, ten times finer than the
# percentile grids read from it, and cheaper to merge than Spark's default of 10000
QUANTILE_ACCURACY = 1000


class CheckTimeout(Exception):
    """A check ran out of its time budget (its jobs were cancelled)."""


class Backend:
    """Native operations over one engine; subclasses for Spark and polars."""

    name = "?"

    def __init__(self, native: Any) -> None:
        """A backend for the engine ``native`` lives in; it counts every row it brings back."""
        self.session = None
        self.rows_collected = 0  # rows brought to the driver, for the tests and the notes

    # -- the way to the driver ---------------------------------------------------------------

    def collect(self, native: Any, cap: int) -> list[tuple[Any, ...]]:  # pragma: no cover
        """At most ``cap`` rows of ``native`` as tuples (the only call that brings rows back)."""
        raise NotImplementedError

    def run(self, fn: Callable[[], T], seconds: float, what: str) -> T:
        """``fn()`` within ``seconds``; :class:`CheckTimeout` (after cancelling) otherwise."""
        box: dict[str, Any] = {}
        tag = f"ml-lint-nb-{next(_TAGS)}"

        def work() -> None:
            """The check in its own thread, so that the caller can stop waiting for it."""
            try:
                with self._tagged(tag):
                    box["value"] = fn()
            except BaseException as exc:  # re-raised in the caller's thread
                box["error"] = exc

        worker = threading.Thread(target=work, name=f"ml-lint-nb {what}", daemon=True)
        worker.start()
        try:
            worker.join(seconds)
        except KeyboardInterrupt:  # Ctrl-C stops the check's jobs too, not only the wait
            self._cancel(tag)
            raise
        if worker.is_alive():
            self._cancel(tag)
            worker.join(5.0)
            raise CheckTimeout(what)
        if "error" in box:
            raise box["error"]
        return box["value"]  # type: ignore[no-any-return]

    def _tagged(self, tag: str) -> Any:
        """A context in which the check's jobs carry ``tag`` (nothing where jobs have no tags)."""
        import contextlib

        return contextlib.nullcontext()

    def _cancel(self, tag: str) -> None:
        """Stop the jobs of a check that ran out of time (nothing to do where jobs cannot stop)."""

    # -- native statistics -------------------------------------------------------------------

    def approx_distinct(self, native: Any, cols: Sequence[str]) -> Any:  # pragma: no cover
        """A one-row native frame: the approximate distinct count of each column."""
        raise NotImplementedError

    def quantiles(
        self, native: Any, cols: Sequence[str], probs: Sequence[float], drop: Sequence[float] = ()
    ) -> Any:  # pragma: no cover
        """A one-row native frame: per column, a list of approximate quantiles of its finite
        values other than ``drop`` (sentinel codes)."""
        raise NotImplementedError

    def sketch(
        self,
        native: Any,
        cols: Sequence[str],
        numeric: Sequence[str],
        probs: Sequence[float],
        drop: Sequence[float] = (),
    ) -> Any:
        """One pass for both: approximate distinct counts of ``cols`` (``d0``...), then the
        quantiles of ``numeric`` (``q0``...), as one one-row native frame."""
        return self._select(
            native,
            self._distinct_exprs(cols) + self._quantile_exprs(numeric, probs, drop),
        )

    def _select(self, native: Any, exprs: list[Any]) -> Any:  # pragma: no cover
        """``native`` reduced to the native aggregate expressions ``exprs`` (one row)."""
        raise NotImplementedError

    def _distinct_exprs(self, cols: Sequence[str]) -> list[Any]:  # pragma: no cover
        """Approximate distinct-count expressions, one a column (``d0``, ``d1``, ...)."""
        raise NotImplementedError

    def _quantile_exprs(
        self, cols: Sequence[str], probs: Sequence[float], drop: Sequence[float]
    ) -> list[Any]:  # pragma: no cover
        """Approximate quantile-list expressions, one a column (``q0``, ``q1``, ...)."""
        raise NotImplementedError

    def abs_deviation_median(
        self, native: Any, centres: dict[str, float], drop: Sequence[float] = ()
    ) -> Any:  # pragma: no cover
        """A one-row native frame: per column, the approximate median of ``|x - centre|``."""
        raise NotImplementedError

    def with_row_hash(self, native: Any, cols: Sequence[str], out: str) -> Any:  # pragma: no cover
        """``native`` with a 64-bit hash of the listed cells (numbers by value, nulls placed)."""
        raise NotImplementedError

    def column_hashes(self, native: Any, cols: Sequence[str]) -> Any:  # pragma: no cover
        """One 64-bit hash column per listed column (named ``h0``, ``h1``, ...)."""
        raise NotImplementedError

    def bucketize(self, native: Any, edges: dict[str, list[float]]) -> Any:  # pragma: no cover
        """``native`` with ``__b_<col>``: the index of the edge interval holding each value
        (``-1`` for null/NaN), intervals ``[e_i, e_i+1)`` over ``[-inf, e_1, ..., +inf]``."""
        raise NotImplementedError

    def sample(self, native: Any, n_rows: int, size: int, seed: int) -> Any:  # pragma: no cover
        """About ``size`` rows drawn at random (seeded) from ``native``'s ``n_rows``."""
        raise NotImplementedError

    def corr(self, native: Any, pairs: Sequence[tuple[str, str]]) -> Any:  # pragma: no cover
        """A one-row native frame: Pearson correlation of each (feature, target) pair."""
        raise NotImplementedError


def _edges(edges: list[float]) -> list[float]:
    """Bucket edges closed by the infinities, so every finite value falls in a bucket."""
    return [float("-inf"), *edges, float("inf")]


class SparkBackend(Backend):
    """Spark SQL functions; jobs run under a tag (job group before 3.5) so a timeout cancels them."""

    name = "spark"

    def __init__(self, native: Any) -> None:
        """pyspark's functions, imported only now: the user's frame proves pyspark is there."""
        super().__init__(native)
        from pyspark.sql import functions as F

        self.F = F
        self.session = native.sparkSession

    def collect(self, native: Any, cap: int) -> list[tuple[Any, ...]]:
        """``limit(cap).collect()``: the cap is part of the query, never applied afterwards."""
        rows = native.limit(int(cap)).collect()
        self.rows_collected += len(rows)
        return [tuple(r) for r in rows]

    def _tagged(self, tag: str) -> Any:
        """Jobs tagged (Spark 3.5+) or grouped (before) so that :meth:`_cancel` can stop them."""
        import contextlib

        spark = self.session

        @contextlib.contextmanager
        def scope() -> Any:
            """The tag for the duration of the check, removed after it."""
            if hasattr(spark, "addTag"):
                spark.addTag(tag)
                try:
                    yield
                finally:
                    spark.removeTag(tag)
                return
            sc = spark.sparkContext  # pragma: no cover - Spark < 3.5
            sc.setJobGroup(tag, "ml-lint-nb check", interruptOnCancel=True)
            yield

        return scope()

    def _cancel(self, tag: str) -> None:
        """Interrupt the tagged jobs (cancel the job group before Spark 3.5); never raises."""
        spark = self.session
        try:
            if hasattr(spark, "interruptTag"):
                spark.interruptTag(tag)
            else:  # pragma: no cover - Spark < 3.5
                spark.sparkContext.cancelJobGroup(tag)
        except Exception:
            pass

    def _num(self, c: str) -> Any:
        """Column ``c`` as a double (backquoted: a name with dots or spaces stays one name)."""
        return self.F.col(f"`{c}`").cast("double")

    def _finite(self, c: str, drop: Sequence[float] = ()) -> Any:
        """Column ``c``'s finite values other than ``drop``; null elsewhere (aggregates skip it)."""
        F = self.F
        x = self._num(c)
        bad = F.isnan(x) | (F.abs(x) == float("inf"))
        if drop:
            bad = bad | x.isin([float(v) for v in drop])
        return F.when(~bad, x)

    def _select(self, native: Any, exprs: list[Any]) -> Any:
        """One ``select`` of every aggregate: one job."""
        return native.select(*exprs)

    def _distinct_exprs(self, cols: Sequence[str]) -> list[Any]:
        """``approx_count_distinct`` (HyperLogLog++): one pass, bounded memory."""
        F = self.F
        return [F.approx_count_distinct(F.col(f"`{c}`")).alias(f"d{i}") for i, c in enumerate(cols)]

    def _quantile_exprs(
        self, cols: Sequence[str], probs: Sequence[float], drop: Sequence[float]
    ) -> list[Any]:
        """``percentile_approx`` over the whole grid at once, at :data:`QUANTILE_ACCURACY`."""
        F = self.F
        grid = F.array(*[F.lit(float(p)) for p in probs])
        return [
            F.percentile_approx(self._finite(c, drop), grid, QUANTILE_ACCURACY).alias(f"q{i}")
            for i, c in enumerate(cols)
        ]

    def approx_distinct(self, native: Any, cols: Sequence[str]) -> Any:
        """See :meth:`Backend.approx_distinct`."""
        return native.select(*self._distinct_exprs(cols))

    def quantiles(
        self, native: Any, cols: Sequence[str], probs: Sequence[float], drop: Sequence[float] = ()
    ) -> Any:
        """See :meth:`Backend.quantiles`."""
        return native.select(*self._quantile_exprs(cols, probs, drop))

    def abs_deviation_median(
        self, native: Any, centres: dict[str, float], drop: Sequence[float] = ()
    ) -> Any:
        """``percentile_approx`` of ``|x - centre|`` at 0.5, every column in one job."""
        F = self.F
        return native.select(
            *[
                F.percentile_approx(F.abs(self._finite(c, drop) - F.lit(m)), 0.5).alias(f"m{i}")
                for i, (c, m) in enumerate(centres.items())
            ]
        )

    def _cell(self, native: Any, c: str) -> list[Any]:
        """A column as hash input: numbers as doubles (1 == 1.0, -0.0 == 0.0), plus a null flag
        so that ``(null, 1)`` and ``(1, null)`` differ (``xxhash64`` skips nulls)."""
        F = self.F
        dtype = dict(native.dtypes).get(c, "string")
        col = F.col(f"`{c}`")
        if dtype in ("tinyint", "smallint", "int", "bigint", "float", "double") or dtype.startswith(
            "decimal"
        ):
            col = col.cast("double") + F.lit(0.0)
        return [col, F.isnull(F.col(f"`{c}`"))]

    def with_row_hash(self, native: Any, cols: Sequence[str], out: str) -> Any:
        """``xxhash64`` over every cell and its null flag, computed on the executors."""
        parts = [p for c in cols for p in self._cell(native, c)]
        return native.withColumn(out, self.F.xxhash64(*parts))

    def column_hashes(self, native: Any, cols: Sequence[str]) -> Any:
        """``xxhash64`` of each cell on its own (the chance estimate compares columns)."""
        return native.select(
            *[self.F.xxhash64(*self._cell(native, c)).alias(f"h{i}") for i, c in enumerate(cols)]
        )

    def bucketize(self, native: Any, edges: dict[str, list[float]]) -> Any:
        """``Bucketizer`` does a binary search per value in the JVM; nulls and NaN go to -1."""
        from pyspark.ml.feature import Bucketizer

        F = self.F
        if not edges:
            return native
        names = list(edges)
        tmp = [f"__x{i}" for i in range(len(names))]
        outs = [f"__k{i}" for i in range(len(names))]
        frame = native.select(
            "*", *[self._finite(c).alias(t) for c, t in zip(names, tmp, strict=True)]
        )
        bucketed = Bucketizer(
            splitsArray=[_edges(edges[c]) for c in names],
            inputCols=tmp,
            outputCols=outs,
            handleInvalid="keep",
        ).transform(frame)
        n_edges = {c: len(edges[c]) + 1 for c in names}
        return bucketed.select(
            *[F.col(f"`{c}`") for c in native.columns],
            *[
                F.when(F.col(t).isNull() | (F.col(o) >= n_edges[c]), -1)
                .otherwise(F.col(o).cast("int"))
                .alias(f"__b_{c}")
                for c, t, o in zip(names, tmp, outs, strict=True)
            ],
        )

    def sample(self, native: Any, n_rows: int, size: int, seed: int) -> Any:
        """Spark's seeded Bernoulli ``sample`` a little above the size, capped by ``limit``."""
        if n_rows <= size:
            return native
        fraction = min(1.0, 1.2 * size / max(n_rows, 1) + 1e-6)
        return native.sample(withReplacement=False, fraction=fraction, seed=seed).limit(size)

    def corr(self, native: Any, pairs: Sequence[tuple[str, str]]) -> Any:
        """Spark's ``corr`` of the finite values, every pair in one job."""
        F = self.F
        return native.select(
            *[
                F.corr(self._finite(a), self._finite(b)).alias(f"r{i}")
                for i, (a, b) in enumerate(pairs)
            ]
        )


class PolarsBackend(Backend):
    """polars' lazy engine; a query that runs out of time is cancelled (``collect(background=True)``)."""

    name = "polars"

    def __init__(self, native: Any) -> None:
        """polars, imported only now: the user's LazyFrame proves it is there."""
        super().__init__(native)
        import polars as pl

        self.pl = pl

    def collect(self, native: Any, cap: int) -> list[tuple[Any, ...]]:
        """``head(cap)`` collected, in the background when a deadline is set (cancelled past it)."""
        deadline = getattr(self._local, "deadline", None)
        query = native.head(int(cap))
        if deadline is None:
            rows = query.collect().rows()
        else:
            handle = query.collect(background=True)
            while True:
                got = handle.fetch()
                if got is not None:
                    rows = got.rows()
                    break
                if time.monotonic() > deadline:
                    handle.cancel()
                    raise CheckTimeout("polars query")
                time.sleep(0.005)
        self.rows_collected += len(rows)
        return rows

    _local = threading.local()

    def run(self, fn: Callable[[], T], seconds: float, what: str) -> T:
        """In the caller's thread: each polars query runs in the background and is cancelled
        when the deadline passes."""
        self._local.deadline = time.monotonic() + seconds
        try:
            return fn()
        except CheckTimeout:
            raise CheckTimeout(what) from None
        finally:
            self._local.deadline = None

    def _finite(self, c: str, drop: Sequence[float] = ()) -> Any:
        """Column ``c``'s finite values other than ``drop``; null elsewhere (aggregates skip it)."""
        pl = self.pl
        x = pl.col(c).cast(pl.Float64)
        ok = x.is_finite()
        if drop:
            ok = ok & ~x.is_in([float(v) for v in drop])
        return pl.when(ok).then(x)

    def _select(self, native: Any, exprs: list[Any]) -> Any:
        """One ``select`` of every aggregate: one query."""
        return native.select(exprs)

    def _distinct_exprs(self, cols: Sequence[str]) -> list[Any]:
        """``approx_n_unique`` of the non-null values (HyperLogLog)."""
        pl = self.pl
        return [pl.col(c).drop_nulls().approx_n_unique().alias(f"d{i}") for i, c in enumerate(cols)]

    def _quantile_exprs(
        self, cols: Sequence[str], probs: Sequence[float], drop: Sequence[float]
    ) -> list[Any]:
        """The nearest-rank quantiles of the finite values, gathered into one list a column."""
        pl = self.pl
        return [
            pl.concat_list(
                [self._finite(c, drop).quantile(float(p), interpolation="nearest") for p in probs]
            ).alias(f"q{i}")
            for i, c in enumerate(cols)
        ]

    def approx_distinct(self, native: Any, cols: Sequence[str]) -> Any:
        """See :meth:`Backend.approx_distinct`."""
        return native.select(self._distinct_exprs(cols))

    def quantiles(
        self, native: Any, cols: Sequence[str], probs: Sequence[float], drop: Sequence[float] = ()
    ) -> Any:
        """See :meth:`Backend.quantiles`."""
        return native.select(self._quantile_exprs(cols, probs, drop))

    def abs_deviation_median(
        self, native: Any, centres: dict[str, float], drop: Sequence[float] = ()
    ) -> Any:
        """The median of ``|x - centre|`` per column, in one query."""
        return native.select(
            [
                (self._finite(c, drop) - m).abs().median().alias(f"m{i}")
                for i, (c, m) in enumerate(centres.items())
            ]
        )

    def _cell(self, native: Any, c: str) -> Any:
        """A cell's hash: numbers as floats (1 == 1.0), nulls as a fixed value in place."""
        pl = self.pl
        dtype = native.collect_schema()[c]
        col = pl.col(c)
        if dtype.is_numeric():
            col = col.cast(pl.Float64) + 0.0
        return col.hash(seed=42).fill_null(0x9E3779B97F4A7C15)

    def with_row_hash(self, native: Any, cols: Sequence[str], out: str) -> Any:
        """The cells' hashes combined in column order, re-hashed at each step."""
        pl = self.pl
        h = None
        for c in cols:
            part = self._cell(native, c)
            h = part if h is None else (h * 0xBF58476D1CE4E5B9 + part).hash(seed=7)
        return native.with_columns(h.alias(out) if h is not None else pl.lit(0).alias(out))

    def column_hashes(self, native: Any, cols: Sequence[str]) -> Any:
        """Each cell's hash as a signed 64-bit integer (what NumPy reads back as ``int64``)."""
        return native.select(
            [
                self._cell(native, c).reinterpret(signed=True).alias(f"h{i}")
                for i, c in enumerate(cols)
            ]
        )

    def bucketize(self, native: Any, edges: dict[str, list[float]]) -> Any:
        """``search_sorted`` against the edges: one binary search per value."""
        pl = self.pl
        exprs = []
        for c, e in edges.items():
            x = self._finite(c)
            k = pl.lit(0, dtype=pl.Int32)
            # search_sorted over a literal list: the count of edges <= x, i.e. the bucket
            inner = pl.lit(pl.Series(_edges(e)[1:-1], dtype=pl.Float64))
            k = inner.search_sorted(x, side="right").cast(pl.Int32)
            exprs.append(pl.when(x.is_null()).then(-1).otherwise(k).alias(f"__b_{c}"))
        return native.with_columns(exprs)

    def sample(self, native: Any, n_rows: int, size: int, seed: int) -> Any:
        """A seeded hash of the row index keeps about ``size`` rows, without collecting the frame."""
        pl = self.pl
        if n_rows <= size:
            return native
        # a seeded hash of the row index picks ~size rows without materialising the frame
        keep = pl.int_range(pl.len()).hash(seed=seed) % max(n_rows, 1) < int(1.2 * size)
        return native.filter(keep).head(size)

    def corr(self, native: Any, pairs: Sequence[tuple[str, str]]) -> Any:
        """polars' ``corr`` of the finite values, every pair in one query."""
        pl = self.pl
        return native.select(
            [
                pl.corr(self._finite(a), self._finite(b)).alias(f"r{i}")
                for i, (a, b) in enumerate(pairs)
            ]
        )


def backend_for(native: Any) -> Backend | None:
    """The backend of a native lazy frame (by type only), or None."""
    which = lazy_kind(native)
    if which == "spark":
        return SparkBackend(native)
    if which == "polars-lazy":
        return PolarsBackend(native)
    return None
