"""Data checks on Spark DataFrames, run as Spark jobs: one local session for the module.

The seven-pitfall pair gives the same findings from ``%mlcheck train test
--target target`` as in pandas; nothing is converted to pandas and every
collect is capped; a check that runs out of its budget is cancelled and
says so; the hook runs no Spark job for frames it merely sees.
"""

from __future__ import annotations

import shutil
import time

import pytest

pyspark = pytest.importorskip("pyspark")
pytest.importorskip("narwhals")
pytest.importorskip("sklearn")
if shutil.which("java") is None:
    pytest.skip("Spark needs Java", allow_module_level=True)

from lazy_helpers import (  # noqa: E402
    LOAD,
    MIXED,
    codes_and_subjects,
    findings,
    pandas_pair,
)

from ml_lint_nb.facts.live.frames import summarise_frame  # noqa: E402
from ml_lint_nb.facts.live.lazy_frames import summarise_lazy_frame  # noqa: E402
from ml_lint_nb.facts.live.limits import LiveLimits  # noqa: E402
from ml_lint_nb.findings import Location  # noqa: E402

HERE = Location(line=1)


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    try:
        session = (
            SparkSession.builder.master("local[2]")
            .appName("ml-lint-nb tests")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .getOrCreate()
        )
    except Exception as exc:  # no usable JVM
        pytest.skip(f"no local Spark: {exc}")
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def to_spark(spark, frame, path) -> object:
    """A pandas frame as a Spark DataFrame read from CSV (the data lives in the JVM, as a
    user's would; no Arrow, no Python rows shipped on every job)."""
    frame.to_csv(path, index=False)
    types = {"f": "double", "i": "bigint", "b": "boolean"}
    schema = ", ".join(f"`{c}` {types.get(frame[c].dtype.kind, 'string')}" for c in frame.columns)
    return spark.read.csv(str(path), header=True, schema=schema, nullValue="\u0000").cache()


class Watch:
    """Records every way rows can reach the driver from a Spark DataFrame."""

    def __init__(self, monkeypatch) -> None:
        from pyspark.sql import DataFrame

        self.rows: list[int] = []
        self.forbidden: list[str] = []
        cls = DataFrame
        try:
            from pyspark.sql.classic.dataframe import DataFrame as Classic

            cls = Classic
        except ImportError:  # Spark < 4: one DataFrame class
            pass
        collect = cls.collect

        def counted(df):
            out = collect(df)
            self.rows.append(len(out))
            return out

        monkeypatch.setattr(cls, "collect", counted)
        for name in ("toPandas", "toLocalIterator", "toArrow", "toJSON", "rdd"):
            if hasattr(cls, name):
                monkeypatch.setattr(cls, name, self._refuse(name), raising=False)

    def _refuse(self, name: str):
        def refused(*args, **kwargs):
            self.forbidden.append(name)
            raise AssertionError(f"{name} must not be called")

        return property(refused) if name == "rdd" else refused


def test_seven_pitfalls_same_findings_as_pandas_and_bounded(spark, shell, monkeypatch, tmp_path):
    expected = pandas_pair(shell)
    assert {c for c, _ in expected} >= {"ML201", "ML202", "ML102", "ML106", "ML108", "ML209"}
    ns = shell.user_ns
    ns["train"] = to_spark(spark, ns["train"], tmp_path / "train.csv")
    ns["test"] = to_spark(spark, ns["test"], tmp_path / "test.csv")
    watch = Watch(monkeypatch)
    shell.run_cell("%mlcheck train test --target target")
    assert codes_and_subjects(findings(shell)) == expected
    assert watch.forbidden == []
    limits = LiveLimits()
    # the largest answer: bucket counts (8 features x 201 buckets x 2 classes) or a hash sample
    assert max(watch.rows) <= max(limits.lazy_sample_rows, 8 * 201 * 2)
    assert sum(watch.rows) < 12_000  # of 109,600 rows


def test_hook_runs_no_job_for_frames_it_sees(spark, shell) -> None:
    tracker = spark.sparkContext.statusTracker()
    before = len(tracker.getJobIdsForGroup())
    shell.user_ns["spark"] = spark
    shell.run_cell(
        "sdf = spark.range(5000).selectExpr('id', 'id % 7 as k')\nsdf2 = sdf.filter('k > 2')"
    )
    shell.run_cell("print(type(sdf2).__name__)")
    assert len(tracker.getJobIdsForGroup()) == before


def test_column_facts_match_pandas(spark, shell, tmp_path) -> None:
    assert shell.run_cell(MIXED).error_in_exec is None
    frame = shell.user_ns["mixed"]
    limits = LiveLimits(full=True)
    want = {c.name: c for c in summarise_frame("mixed", frame, HERE, limits).columns}
    got = summarise_lazy_frame("mixed", to_spark(spark, frame, tmp_path / "m.csv"), HERE, limits)
    assert got.notes == ()
    have = {c.name: c for c in got.fact.columns}
    for name, c in want.items():
        assert (have[name].n_null, have[name].n_disguised) == (c.n_null, c.n_disguised), name
    assert have["income"].disguised_values == ("-999",)
    assert have["income"].median == pytest.approx(want["income"].median, rel=0.01)
    assert have["zip"].code_like and have["city"].n_unique == want["city"].n_unique


def test_a_check_out_of_time_is_cancelled_and_said(spark, shell, capsys) -> None:
    shell.user_ns["spark"] = spark
    shell.run_cell(
        "big = spark.range(3_000_000).selectExpr('id', 'rand(1) as a', 'rand(2) * 1e4 as b')"
    )
    shell.run_line_magic("mlcheck", "config lazy_check_seconds=0.2")
    capsys.readouterr()
    start = time.perf_counter()
    shell.run_line_magic("mlcheck", "big")
    took = time.perf_counter() - start
    out = capsys.readouterr().out
    assert "did not finish within 0.2 s" in out, out
    assert took < 30
    tracker = spark.sparkContext.statusTracker()
    deadline = time.monotonic() + 10
    while tracker.getActiveJobsIds() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert tracker.getActiveJobsIds() == []  # the jobs were cancelled, not left running


_ = LOAD  # the pair's definition lives in test_live_acceptance


def test_half_a_standard_deviation_is_drift_as_in_pandas(spark, shell, tmp_path) -> None:
    """One drift judgement on every path: 20,000 rows, one feature shifted by 0.5 SD."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(0)
    cols = ["a", "b", "c", "d", "e"]
    train = pd.DataFrame(rng.normal(size=(14_000, 5)), columns=cols)
    test = pd.DataFrame(rng.normal(size=(6_000, 5)), columns=cols)
    shell.user_ns["strain"] = to_spark(spark, train, tmp_path / "train.csv")
    shell.user_ns["stest"] = to_spark(spark, test, tmp_path / "test.csv")
    shell.user_ns["sshift"] = to_spark(spark, test.assign(b=test.b + 0.5), tmp_path / "s.csv")
    findings(shell)
    shell.run_cell("%mlcheck strain sshift")
    drift = [f for f in findings(shell) if f["code"] == "ML209"]
    assert len(drift) == 1 and "'b' (KS" in drift[0]["message"], drift
    assert "shift 0.4" in drift[0]["message"]  # 0.5 SD, read at the fit frame's percentiles
    shell.run_cell("%mlcheck strain stest")
    assert not [f for f in findings(shell) if f["code"] == "ML209"]
