"""Time ``summarise_frame`` on the frame sizes the hook budgets for.

Budgets: a 1e6 x 20 numeric + categorical frame under 4 s with ``full=True``
(exact nulls, duplicates, constants; predictiveness and missingness sampled),
and well under 0.5 s on 1e5 x 20 with default limits. Also times
``split_facts`` on an 80/20 split of the 1e5 frame. Run with
``python benchmarks/bench_frames.py``; prints the median of a few runs.

When polars is installed, each row is also timed on the same data as a
polars DataFrame (read column by column into NumPy, never converted to
pandas) and the polars/pandas ratio is printed; ``--pandas-only`` skips it.
``--spark`` adds the 1e5 frame checked as a Spark DataFrame (local mode).
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from ml_lint_nb.facts.live.frames import summarise_frame  # noqa: E402
from ml_lint_nb.facts.live.limits import LiveLimits  # noqa: E402
from ml_lint_nb.facts.live.splits import split_facts  # noqa: E402
from ml_lint_nb.findings import Location  # noqa: E402

WHERE = Location(cell=1, line=1)


def make_frame(n: int, seed: int = 0) -> pd.DataFrame:
    """20 columns: 10 float (some nulls), 4 int, 3 string, 2 categorical, 1 binary target."""
    rng = np.random.RandomState(seed)
    cols: dict[str, object] = {}
    for i in range(10):
        values = rng.randn(n)
        values[rng.rand(n) < 0.05] = np.nan
        cols[f"f{i}"] = values
    for i in range(4):
        cols[f"i{i}"] = rng.randint(0, 1_000, n)
    for i in range(3):
        cols[f"s{i}"] = pd.Series(rng.choice(["red", "green", "blue", "", "NA"], n), dtype="str")
    for i in range(2):
        cols[f"c{i}"] = pd.Categorical(rng.choice(["x", "y", "z"], n))
    cols["target"] = (rng.rand(n) < 0.1).astype(int)
    return pd.DataFrame(cols)


def make_polars(frame: pd.DataFrame) -> object:
    """The same columns as a polars DataFrame, built from NumPy (no pandas conversion)."""
    import polars as pl

    cols = []
    for name in frame.columns:
        s = frame[name]
        if isinstance(s.dtype, pd.CategoricalDtype):
            values = np.asarray(s.astype(object))
            cols.append(pl.Series(str(name), values, dtype=pl.String).cast(pl.Categorical))
        elif s.dtype.kind in "fiub":
            cols.append(pl.Series(str(name), s.to_numpy()).fill_nan(None))
        else:
            cols.append(pl.Series(str(name), np.asarray(s.astype(object)), dtype=pl.String))
    return pl.DataFrame(cols)


def median_time(fn: Callable[[], object], runs: int) -> float:
    fn()  # warm-up: first-call imports and caches are not the budget's business
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    small = make_frame(100_000)
    big = make_frame(1_000_000, seed=1)
    default, full = LiveLimits(), LiveLimits(full=True)
    with_polars = "--pandas-only" not in sys.argv
    if with_polars:
        try:
            small_pl, big_pl = make_polars(small), make_polars(big)
        except ImportError:
            with_polars = False

    def cases(
        small: object, big: object
    ) -> list[tuple[str, Callable[[], object], int, float | None]]:
        train, test = small[:80_000], small[80_000:]  # positional rows in pandas and polars
        return [
            (
                "summarise_frame 1e5 x 20, default limits",
                lambda: summarise_frame("df", small, WHERE, default, "target"),
                5,
                0.5,
            ),
            (
                "summarise_frame 1e6 x 20, full=True",
                lambda: summarise_frame("df", big, WHERE, full, "target"),
                3,
                4.0,
            ),
            (
                "summarise_frame 1e6 x 20, default limits (sampled)",
                lambda: summarise_frame("df", big, WHERE, default, "target"),
                3,
                None,
            ),
            (
                "split_facts 8e4 / 2e4 x 20",
                lambda: split_facts("tr", train, "te", test, WHERE, default),
                5,
                None,
            ),
        ]

    pandas_cases = cases(small, big)
    polars_cases = cases(small_pl, big_pl) if with_polars else [None] * len(pandas_cases)
    header = f"{'':<52} {'pandas':>8}" + (f" {'polars':>8} {'ratio':>6}" if with_polars else "")
    print(header)
    for (label, fn, runs, budget), other in zip(pandas_cases, polars_cases, strict=True):
        seconds = median_time(fn, runs)
        verdict = "" if budget is None else (" ok" if seconds < budget else " OVER BUDGET")
        limit = "" if budget is None else f" (budget {budget:g} s)"
        line = f"{label:<52} {seconds * 1000:5.0f} ms"
        if other is not None:
            pl_seconds = median_time(other[1], runs)
            line += f" {pl_seconds * 1000:5.0f} ms {pl_seconds / seconds:5.2f}x"
        print(line + limit + verdict)
    if "--spark" in sys.argv:  # the same 1e5 frame as a Spark DataFrame, checked by Spark jobs
        label, seconds, _ = spark_row(small)
        pandas_seconds = median_time(pandas_cases[0][1], pandas_cases[0][2])
        print(f"{label:<52} {seconds * 1000:5.0f} ms {seconds / pandas_seconds:5.1f}x pandas")


def spark_row(frame: pd.DataFrame) -> tuple[str, float, None]:
    """``summarise_lazy_frame`` on ``frame`` read into a local Spark (``bench_spark.py`` has 1e7)."""
    import tempfile

    from benchmarks.bench_spark import spark_session
    from ml_lint_nb.facts.live.lazy_frames import summarise_lazy_frame

    spark = spark_session("2g")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            path = f"{tmp}/frame.csv"
            frame.to_csv(path, index=False)
            sdf = spark.read.csv(path, header=True, inferSchema=True).cache()
            sdf.count()
            limits = LiveLimits(full=True)
            seconds = median_time(
                lambda: summarise_lazy_frame("sdf", sdf, WHERE, limits, "target"), 3
            )
    finally:
        spark.stop()
    return ("summarise_lazy_frame 1e5 x 20, Spark local[2]", seconds, None)


if __name__ == "__main__":
    main()
