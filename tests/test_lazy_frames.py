"""Data checks on polars LazyFrames, computed by polars queries (frames beyond pandas).

The same findings as for pandas on the seven-pitfall pair; the same column
facts on awkward columns; what comes back from each query is bounded.
"""

from __future__ import annotations

import pytest

pl = pytest.importorskip("polars")
pytest.importorskip("narwhals")
pytest.importorskip("sklearn")

from lazy_helpers import MIXED, codes_and_subjects, findings, pandas_pair  # noqa: E402

from ml_lint_nb.facts.live.frames import summarise_frame  # noqa: E402
from ml_lint_nb.facts.live.lazy_frames import summarise_lazy_frame  # noqa: E402
from ml_lint_nb.facts.live.lazy_splits import lazy_drift as spark_drift  # noqa: E402
from ml_lint_nb.facts.live.lazy_splits import lazy_overlap as spark_overlap  # noqa: E402
from ml_lint_nb.facts.live.limits import LiveLimits  # noqa: E402
from ml_lint_nb.findings import Location  # noqa: E402

HERE = Location(line=1)


def test_seven_pitfalls_same_findings_as_pandas(shell) -> None:
    expected = pandas_pair(shell)
    assert {code for code, _ in expected} >= {"ML201", "ML202", "ML102", "ML106", "ML108", "ML209"}
    shell.run_cell(
        "import polars as pl\ntrain = pl.from_pandas(train).lazy()\n"
        "test = pl.from_pandas(test).lazy()"
    )
    findings(shell)
    shell.run_cell("%mlcheck train test --target target")
    assert codes_and_subjects(findings(shell)) == expected


def _polars(frame):
    """A polars LazyFrame of a pandas frame, column by column (no pyarrow needed)."""
    data = {}
    for c in frame.columns:
        values = frame[c].tolist()
        if frame[c].dtype.kind not in "fiub":  # a missing text is null, not the text "nan"
            values = [None if isinstance(v, float) and v != v else v for v in values]
        data[c] = values
    return pl.DataFrame(data, strict=False).lazy()


def _mixed(shell):
    assert shell.run_cell(MIXED).error_in_exec is None
    return shell.user_ns["mixed"]


def test_column_facts_match_pandas(shell) -> None:
    frame = _mixed(shell)
    limits = LiveLimits(full=True)
    want = {c.name: c for c in summarise_frame("mixed", frame, HERE, limits).columns}
    got = summarise_lazy_frame("mixed", _polars(frame), HERE, limits)
    assert got.notes == ()
    have = {c.name: c for c in got.fact.columns}
    assert set(have) == set(want)
    for name, c in want.items():
        lazy = have[name]
        assert lazy.n_null == c.n_null, name
        assert lazy.n_disguised == c.n_disguised, name
        assert lazy.code_like == c.code_like, name
        assert lazy.numeric_strings == pytest.approx(c.numeric_strings), name
        if c.n_unique is not None and c.n_unique <= 10:
            assert lazy.n_unique == c.n_unique, name
    income = have["income"]
    assert income.disguised_values == ("-999",) and income.n_disguised == 300
    assert income.std == pytest.approx(want["income"].std)
    assert income.median == pytest.approx(want["income"].median, rel=0.01)
    assert have["city"].n_disguised == 260  # "NA" and " ? "
    assert have["zip"].code_like and have["zip"].numeric_strings == 1.0


def test_duplicates_counted_by_row_hash(shell) -> None:
    frame = _mixed(shell)
    import pandas as pd

    doubled = pd.concat([frame, frame.iloc[:123]], ignore_index=True)
    got = summarise_lazy_frame("d", _polars(doubled), HERE, LiveLimits())
    want = summarise_frame("d", doubled, HERE, LiveLimits(full=True))
    assert got.fact.duplicate_rows == want.duplicate_rows >= 123


def test_cross_checks_api() -> None:
    """The stable API the hook uses: overlap and drift of two lazy frames."""
    fit = pl.LazyFrame({"a": [float(i) for i in range(1000)], "b": [i % 7 for i in range(1000)]})
    ev = pl.LazyFrame({"a": [float(i) + 2000.0 for i in range(300)], "b": [1] * 300})
    leaky = pl.concat([ev, fit.head(60)])
    over = spark_overlap(fit, leaky, None, LiveLimits(), fit_name="fit", eval_name="ev")
    assert (over.fact.n_overlap, over.fact.n_test, over.fact.train) == (60, 360, "fit")
    drift = spark_drift(fit, ev, ["a"], LiveLimits(), fit_name="fit", eval_name="ev")
    assert drift.fact.features[0][0] == "a" and drift.fact.features[0][1] > 0.99
    assert spark_overlap(fit, ev).fact.n_overlap == 0


def test_bounded_rows_reach_python(shell, monkeypatch) -> None:
    """Every query is capped: rows back from polars stay far below the frame's rows."""
    sizes: list[int] = []
    original = pl.LazyFrame.collect

    def counted(self, *args, **kwargs):
        out = original(self, *args, **kwargs)
        if isinstance(out, pl.DataFrame):
            sizes.append(out.height)
        return out

    monkeypatch.setattr(pl.LazyFrame, "collect", counted)
    from polars.lazyframe.in_process import InProcessQuery

    fetch = InProcessQuery.fetch

    def fetched(self):  # a query run in the background (so that a timeout can cancel it)
        out = fetch(self)
        if out is not None:
            sizes.append(out.height)
        return out

    monkeypatch.setattr(InProcessQuery, "fetch", fetched)
    pandas_pair(shell)
    shell.run_cell(
        "import polars as pl\ntrain = pl.from_pandas(train).lazy()\n"
        "test = pl.from_pandas(test).lazy()"
    )
    sizes.clear()
    shell.run_cell("%mlcheck train test --target target")
    assert sizes and max(sizes) <= LiveLimits().lazy_sample_rows + 200 * 8 * 2
    assert sum(sizes) < 20_000  # of 109,600 rows


def test_lazy_usage_errors(shell, capsys) -> None:
    _mixed(shell)
    shell.user_ns["lazy"] = _polars(shell.user_ns["mixed"])
    capsys.readouterr()
    shell.run_line_magic("mlcheck", "lazy --y n")
    assert "--y needs rows in a fixed order" in capsys.readouterr().out
    shell.run_line_magic("mlcheck", "lazy mixed")
    assert "not with in-memory frames" in capsys.readouterr().out
    shell.run_line_magic("mlcheck", "lazy --target nope")
    assert "lazy has no column 'nope'" in capsys.readouterr().out
