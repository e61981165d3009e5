"""Frame summaries: each statistic on small frames, dtypes, sampling, safety in the kernel."""

from __future__ import annotations

import copy
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

from ml_lint_nb.facts.live.frames import summarise_frame
from ml_lint_nb.facts.live.limits import LiveLimits
from ml_lint_nb.facts.live.predictive import auc, average_ranks
from ml_lint_nb.facts.model import ColumnSummary, FrameFact
from ml_lint_nb.findings import Location

WHERE = Location(cell=1, line=1)


def snapshot(obj: Any) -> dict[str, Any]:
    """Everything a summary must leave untouched, taken before the call."""
    snap: dict[str, Any] = {"copy": copy.deepcopy(obj)}
    if isinstance(obj, np.ndarray):
        snap["writeable"] = obj.flags.writeable
    if isinstance(obj, pd.DataFrame | pd.Series):
        snap.update(
            index=obj.index.copy(),
            dtypes=copy.deepcopy(obj.dtypes if isinstance(obj, pd.DataFrame) else obj.dtype),
            flags=obj.flags.allows_duplicate_labels,
            attrs=copy.deepcopy(obj.attrs),
        )
        if isinstance(obj, pd.DataFrame):
            snap["columns"] = obj.columns.copy()
    return snap


def assert_unchanged(obj: Any, snap: dict[str, Any]) -> None:
    before = snap["copy"]
    if isinstance(obj, pd.DataFrame):
        pd.testing.assert_frame_equal(obj, before)
        pd.testing.assert_index_equal(obj.columns, snap["columns"])
        pd.testing.assert_series_equal(obj.dtypes, snap["dtypes"])
    elif isinstance(obj, pd.Series):
        pd.testing.assert_series_equal(obj, before)
        assert obj.dtype == snap["dtypes"]
    else:
        np.testing.assert_array_equal(obj, before)
        assert obj.dtype == before.dtype and obj.flags.writeable == snap["writeable"]
    if isinstance(obj, pd.DataFrame | pd.Series):
        pd.testing.assert_index_equal(obj.index, snap["index"])
        assert obj.flags.allows_duplicate_labels == snap["flags"]
        assert obj.attrs == snap["attrs"]


def summarise(obj: Any, name: str = "df", **kwargs: Any) -> FrameFact | None:
    """Summarise and check, around the call, that the object and global state are untouched."""
    limits = kwargs.pop("limits", LiveLimits())
    snap = snapshot(obj)
    state = np.random.get_state()[1].copy()
    options = pd.get_option("display.max_rows"), pd.get_option("display.precision")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fact = summarise_frame(name, obj, WHERE, limits, **kwargs)
    assert not caught, [str(w.message) for w in caught]
    assert_unchanged(obj, snap)
    np.testing.assert_array_equal(np.random.get_state()[1], state)
    assert (pd.get_option("display.max_rows"), pd.get_option("display.precision")) == options
    return fact


def col(fact: FrameFact | None, name: str) -> ColumnSummary:
    assert fact is not None
    return next(c for c in fact.columns if c.name == name)


# -- column statistics ---------------------------------------------------------------------------


def test_shape_and_dtypes() -> None:
    df = pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"]})
    fact = summarise(df)
    assert fact is not None
    assert (fact.kind, fact.n_rows, fact.n_cols, fact.sample_rows) == ("DataFrame", 3, 2, None)
    assert col(fact, "a").dtype == "int64" and col(fact, "a").numeric
    assert not col(fact, "b").numeric
    assert fact.source == "live" and fact.location == WHERE


def test_real_and_disguised_nulls_in_text() -> None:
    values = ["a", "", "NA", " n/a ", None, "?", "-", "Missing", "null", "None", "b", np.nan]
    fact = summarise(pd.DataFrame({"s": pd.Series(values, dtype=object)}))
    c = col(fact, "s")
    assert c.n_null == 2
    assert c.n_disguised == 8
    assert set(c.disguised_values) <= {"", "NA", " n/a ", "?", "-", "Missing", "null", "None"}


def test_disguised_nulls_in_pandas_str_dtype() -> None:
    fact = summarise(pd.DataFrame({"s": pd.Series(["x", "N/A", "y", None], dtype="str")}))
    assert (col(fact, "s").n_null, col(fact, "s").n_disguised) == (1, 1)


def test_numeric_sentinel_needs_a_far_notable_spike() -> None:
    rng = np.random.RandomState(0)
    ages = rng.randint(20, 80, 200).astype(float)
    spike = ages.copy()
    spike[:20] = -999
    assert col(summarise(pd.DataFrame({"age": spike})), "age").n_disguised == 20
    assert col(summarise(pd.DataFrame({"age": spike})), "age").disguised_values == ("-999",)
    few = ages.copy()
    few[:3] = -999  # three rows: not a notable spike
    assert col(summarise(pd.DataFrame({"age": few})), "age").n_disguised == 0
    near = np.linspace(-1200, 0, 200)
    near[:20] = -999  # other values reach it: a real value
    assert col(summarise(pd.DataFrame({"t": near})), "t").n_disguised == 0


def test_sentinels_are_left_out_of_the_spread() -> None:
    values = np.r_[np.full(30, 999999.0), np.arange(100, 400, dtype=float)]
    c = col(summarise(pd.DataFrame({"v": values})), "v")
    assert c.n_disguised == 30
    assert c.max_robust_z is not None and c.max_robust_z < 3
    assert 999999.0 not in c.outlier_examples


def test_unique_std_median() -> None:
    c = col(summarise(pd.DataFrame({"v": [1.0, 2.0, 2.0, 3.0, np.nan]})), "v")
    assert (c.n_null, c.n_unique, c.median) == (1, 3, 2.0)
    assert c.std == pytest.approx(np.std([1, 2, 2, 3], ddof=1))


def test_robust_z_and_examples() -> None:
    values = np.r_[np.arange(1, 101, dtype=float), [5000.0, -3000.0, 4000.0, 4000.0]]
    c = col(summarise(pd.DataFrame({"v": values})), "v")
    median = np.median(values)
    mad = np.median(np.abs(values - median))
    assert c.max_robust_z == pytest.approx(abs(5000 - median) / (1.4826 * mad))
    assert c.outlier_examples == (5000.0, 4000.0, -3000.0)


def test_robust_z_skipped_when_mad_is_zero() -> None:
    c = col(summarise(pd.DataFrame({"v": [0.0] * 50 + [1.0, 100.0]})), "v")
    assert c.max_robust_z is None and c.outlier_examples == ()


def test_mixed_types_and_numbers_as_text() -> None:
    df = pd.DataFrame(
        {
            "mixed": pd.Series([1, "a", 2.5, "b", None], dtype=object),
            "text_numbers": pd.Series(["12.5", "13", "n/a", "14", "-1e3"], dtype=object),
            "ints_and_floats": pd.Series([1, 2.5, 3, 4.0, 5], dtype=object),
        }
    )
    fact = summarise(df)
    assert col(fact, "mixed").mixed_types == ("float", "int", "str")
    assert col(fact, "text_numbers").mixed_types == ()
    assert col(fact, "text_numbers").numeric_strings == pytest.approx(4 / 5)
    assert col(fact, "text_numbers").n_disguised == 1
    assert col(fact, "ints_and_floats").mixed_types == ("float", "int")


def test_duplicate_rows_with_examples() -> None:
    df = pd.DataFrame({"a": [1, 2, 1, 3, 1, 2], "b": ["x", "y", "x", "z", "x", "y"]})
    fact = summarise(df)
    assert fact is not None
    assert fact.duplicate_rows == 3
    assert fact.duplicate_examples == (2, 4, 5)


def test_duplicates_treat_int_and_float_alike_and_survive_unhashable_cells() -> None:
    df = pd.DataFrame({"a": [1, 1, 2], "l": [[1, 2], [1, 2], {"k": 1}], "d": [{"x": 1}] * 3})
    fact = summarise(df)
    assert fact is not None and fact.duplicate_rows == 1 and fact.duplicate_examples == (1,)


def test_no_duplicate_count_for_one_column() -> None:
    fact = summarise(pd.Series([1, 1, 1, 2], name="y"), name="y")
    assert fact is not None and fact.duplicate_rows is None


def test_systematic_missingness() -> None:
    rng = np.random.RandomState(1)
    os_ = rng.choice(["android", "ios", "web"], 600)
    device = np.where(os_ == "android", None, "phone")
    df = pd.DataFrame({"os": os_, "device": device, "v": rng.randn(600)})
    fact = summarise(df)
    assert fact is not None and len(fact.missingness) == 1
    null_col, cat_col, value, inside, outside = fact.missingness[0]
    assert (null_col, cat_col, value, inside, outside) == ("device", "os", "android", 1.0, 0.0)
    assert fact.missingness_rows == (int((os_ == "android").sum()),)


def test_no_systematic_missingness_when_nulls_are_random() -> None:
    rng = np.random.RandomState(2)
    df = pd.DataFrame(
        {
            "os": rng.choice(["android", "ios"], 600),
            "v": np.where(rng.rand(600) < 0.3, np.nan, 1.0),
        }
    )
    fact = summarise(df)
    assert fact is not None and fact.missingness == ()


# -- target statistics ---------------------------------------------------------------------------


def churn_frame(n: int = 400, seed: int = 0) -> pd.DataFrame:
    rng = np.random.RandomState(seed)
    y = (rng.rand(n) < 0.2).astype(int)
    return pd.DataFrame(
        {
            "noise": rng.randn(n),
            "plan": rng.choice(["a", "b", "c"], n),
            "copy": np.where(y == 1, "yes", "no"),
            "refund_date": np.where(y == 1, rng.rand(n) * 10, np.nan),
            "churned": y,
        }
    )


def test_class_counts_and_predictiveness() -> None:
    df = churn_frame()
    fact = summarise(df, target="churned")
    assert fact is not None and fact.target == "churned"
    counts = dict(fact.class_counts)
    assert set(counts) == {"0", "1"} and sum(counts.values()) == 400
    assert fact.class_counts[0][1] >= fact.class_counts[1][1]
    found = {feature: (score, how) for feature, score, how in fact.predictive}
    assert found["copy"] == (1.0, "copy")
    # set only for churners: a post-outcome flag (its nulls mark the others)
    assert found["refund_date"][0] == pytest.approx(1.0) and found["refund_date"][1] == "flag"
    assert "noise" not in found and "plan" not in found and "churned" not in found


def test_predictiveness_from_target_values() -> None:
    df = churn_frame()
    y = df["churned"]
    fact = summarise(df.drop(columns=["churned"]), target_values=y)
    assert fact is not None and {p[0] for p in fact.predictive} == {"copy", "refund_date"}
    misaligned = summarise(df.drop(columns=["churned"]), target_values=y.iloc[:10])
    assert misaligned is not None and misaligned.predictive == () and misaligned.class_counts == ()


def test_numeric_target_correlation_and_monotone_copy() -> None:
    rng = np.random.RandomState(3)
    price = rng.rand(300) * 100
    df = pd.DataFrame(
        {
            "log_price": np.log1p(price),
            "close": price + rng.randn(300) * 0.5,
            "noise": rng.randn(300),
            "price": price,
        }
    )
    fact = summarise(df, target="price")
    found = {f: (s, how) for f, s, how in fact.predictive} if fact else {}
    assert found["log_price"] == (1.0, "copy")
    assert found["close"][1] == "corr" and found["close"][0] > 0.99
    assert "noise" not in found
    assert fact is not None and fact.class_counts == ()  # 300 distinct values: not classes


def test_no_predictiveness_on_too_few_rows() -> None:
    df = pd.DataFrame({"f": [0.1, 0.9, 0.2, 0.8], "y": [0, 1, 0, 1]})
    fact = summarise(df, target="y")
    assert fact is not None and fact.predictive == ()


def test_series_as_its_own_target() -> None:
    y = pd.Series([0] * 95 + [1] * 5, name="churn")
    fact = summarise(y, name="y_train", target="y_train")
    assert fact is not None and fact.kind == "Series"
    assert fact.class_counts == (("0", 95), ("1", 5))
    assert summarise(y, name="y_train").class_counts == ()  # type: ignore[union-attr]


def test_auc_and_ranks_match_definitions() -> None:
    ranks = average_ranks(np.array([3.0, 1.0, 3.0, 2.0]), np)
    np.testing.assert_array_equal(ranks, [3.5, 1.0, 3.5, 2.0])
    score = np.array([0.1, 0.4, 0.35, 0.8])
    positive = np.array([False, False, True, True])
    assert auc(score, positive, np) == pytest.approx(0.75)


# -- kinds and dtypes ----------------------------------------------------------------------------


def test_numpy_arrays() -> None:
    arr = np.array([[1.0, 2.0], [1.0, 2.0], [np.nan, 5.0]])
    fact = summarise(arr, name="X")
    assert fact is not None and fact.kind == "ndarray"
    assert [c.name for c in fact.columns] == ["x0", "x1"]
    assert col(fact, "x0").n_null == 1 and fact.duplicate_rows == 1
    one = summarise(np.array([1, 2, 2]), name="y")
    assert one is not None and one.n_cols == 1 and col(one, "y").n_unique == 2
    assert summarise(np.zeros((2, 2, 2)), name="cube") is None
    assert summarise(np.array([1, 2, 3], dtype=np.int8)[::2], name="strided") is not None


def test_numpy_object_array_of_dicts() -> None:
    arr = np.array([{"a": 1}, {"a": 1}, {"b": 2}, None], dtype=object)
    fact = summarise(arr, name="blobs")
    assert fact is not None and col(fact, "blobs").n_null == 1


def test_many_dtypes() -> None:
    n = 60
    df = pd.DataFrame(
        {
            "cat": pd.Categorical(["a", "b", "?"] * 20),
            "string": pd.Series(["x", "", None] * 20, dtype="str"),
            "when": pd.date_range("2021-01-01", periods=n, freq="D"),
            "when_tz": pd.date_range("2021-01-01", periods=n, freq="h", tz="Europe/Berlin"),
            "nullable_int": pd.array([1, None, 3] * 20, dtype="Int64"),
            "nullable_bool": pd.array([True, None, False] * 20, dtype="boolean"),
            "all_null": [None] * n,
            "all_nan": np.full(n, np.nan),
            "delta": pd.to_timedelta(np.arange(n), unit="s"),
            "complex": np.arange(n) * 1j,
        }
    )
    df.loc[5, "when"] = pd.NaT
    fact = summarise(df, target="nullable_bool")
    assert fact is not None and len(fact.columns) == df.shape[1]
    assert col(fact, "cat").n_disguised == 20 and col(fact, "cat").n_unique == 3
    assert col(fact, "string").n_null == 20 and col(fact, "string").n_disguised == 20
    assert col(fact, "when").n_null == 1 and col(fact, "when").n_unique == n - 1
    assert col(fact, "when_tz").n_unique == n
    assert col(fact, "nullable_int").n_null == 20 and col(fact, "nullable_int").median == 2.0
    assert col(fact, "nullable_bool").n_null == 20 and col(fact, "nullable_bool").n_unique == 2
    assert col(fact, "all_null").n_null == n and col(fact, "all_null").n_unique == 0
    assert col(fact, "all_nan").n_null == n and col(fact, "all_nan").median is None
    assert dict(fact.class_counts) == {"True": 20, "False": 20}


def test_empty_frames() -> None:
    for frame in (pd.DataFrame(), pd.DataFrame({"a": []}), pd.DataFrame(index=range(3))):
        fact = summarise(frame)
        assert fact is not None and fact.n_rows == len(frame) and fact.n_cols == frame.shape[1]
    assert summarise(np.empty((0, 3)), name="X") is not None


def test_awkward_column_labels() -> None:
    df = pd.DataFrame([[1, 2, 3], [4, 5, 6]], columns=["a", "a", 3])
    fact = summarise(df)
    assert fact is not None and [c.name for c in fact.columns] == ["a", "a", "3"]
    multi = pd.DataFrame(
        np.arange(12).reshape(3, 4), columns=pd.MultiIndex.from_product([["x", "y"], [1, 2]])
    )
    fact = summarise(multi)
    assert fact is not None and [c.name for c in fact.columns] == ["x/1", "x/2", "y/1", "y/2"]


def test_html_column_name_stays_data() -> None:
    name = "<script>alert(1)</script>"
    fact = summarise(pd.DataFrame({name: [1, 2, 3], "b": [None, "", "x"]}), target=name)
    assert fact is not None and fact.columns[0].name == name and fact.target == name


def test_attrs_and_flags_are_left_alone() -> None:
    df = pd.DataFrame({"a": [1, 2, 2], "b": [3, 4, 4]}).set_flags(allows_duplicate_labels=False)
    df.attrs["source"] = {"file": "x.csv"}
    fact = summarise(df, target="a")
    assert fact is not None and fact.duplicate_rows == 1


def test_wide_frames_keep_their_shape_but_cap_columns() -> None:
    df = pd.DataFrame(np.zeros((3, 30)))
    fact = summarise(df, limits=LiveLimits(max_columns=10))
    assert fact is not None and fact.n_cols == 30 and len(fact.columns) == 10
    assert fact.duplicate_rows is None  # a cut-off frame would overcount


# -- sampling ------------------------------------------------------------------------------------


def test_large_frame_is_sampled_quickly() -> None:
    rng = np.random.RandomState(0)
    df = pd.DataFrame(rng.randint(0, 1000, size=(1_000_000, 3)), columns=["a", "b", "c"])
    start = time.perf_counter()
    fact = summarise_frame("big", df, WHERE, LiveLimits(max_rows=50_000), target="c")
    assert time.perf_counter() - start < 10
    assert fact is not None and fact.sample_rows is not None and fact.sample_rows <= 50_000
    assert fact.n_rows == 1_000_000 and fact.detail_rows == 20_000
    again = summarise_frame("big", df, WHERE, LiveLimits(max_rows=50_000), target="c")
    assert again == fact  # seeded: the same sample every time


def test_full_mode_is_exact_up_to_a_million_rows() -> None:
    df = pd.DataFrame({"a": np.arange(3_000) % 7, "b": np.arange(3_000) % 11})
    sampled = summarise(df, limits=LiveLimits(max_rows=1_000))
    full = summarise(df, limits=LiveLimits(max_rows=1_000, full=True))
    assert sampled is not None and sampled.sample_rows == 1_000
    assert full is not None and full.sample_rows is None
    assert full.duplicate_rows == 3_000 - 77


# -- hostile objects -----------------------------------------------------------------------------


class Misbehaving(pd.DataFrame):
    """A DataFrame subclass whose everyday methods raise."""

    @property
    def _constructor(self) -> Callable[..., Misbehaving]:
        return Misbehaving

    def __len__(self) -> int:
        raise RuntimeError("len")

    def __getitem__(self, key: Any) -> Any:
        raise RuntimeError("getitem")

    def duplicated(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("duplicated")


class Explosive:
    def __getattr__(self, name: str) -> Any:
        raise RuntimeError(name)

    def __len__(self) -> int:
        raise RuntimeError("len")


def test_misbehaving_subclass_is_read_through_the_base_class() -> None:
    df = Misbehaving({"a": [1, 1, 2], "b": ["x", "x", "y"]})
    fact = summarise_frame("df", df, WHERE, LiveLimits(), target="b")
    assert fact is not None and fact.duplicate_rows == 1 and fact.n_rows == 3


def test_objects_that_are_not_frames() -> None:
    for obj in (Explosive(), None, 3, "text", [1, 2, 3], {"a": [1]}, object()):
        assert summarise_frame("x", obj, WHERE, LiveLimits()) is None


def test_a_failing_part_costs_only_that_part(monkeypatch: pytest.MonkeyPatch) -> None:
    from ml_lint_nb.facts.live import column_stats, frames

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(frames, "_duplicates", broken)
    monkeypatch.setattr(column_stats, "_numeric_stats", broken)
    fact = summarise(pd.DataFrame({"a": [1.0, 2.0], "s": ["x", "y"]}))
    assert fact is not None and fact.duplicate_rows is None
    assert [c.name for c in fact.columns] == ["s"]


def test_module_import_and_array_summary_do_not_import_pandas() -> None:
    code = (
        "import sys, numpy as np\n"
        "from ml_lint_nb.facts.live.frames import summarise_frame\n"
        "from ml_lint_nb.facts.live.splits import split_facts\n"
        "from ml_lint_nb.facts.live.limits import LiveLimits\n"
        "from ml_lint_nb.findings import Location\n"
        "x = np.array([[1.0, 2.0], [1.0, 2.0], [3.0, -999.0]])\n"
        "o = np.array(['a', 'NA', 'b'], dtype=object)\n"
        "f = summarise_frame('X', x, Location(), LiveLimits(), target_values=np.array([0, 1, 0]))\n"
        "assert f is not None and f.duplicate_rows == 1, f\n"
        "assert summarise_frame('o', o, Location(), LiveLimits()).columns[0].n_disguised == 1\n"
        "assert split_facts('a', x, 'b', x, Location(), LiveLimits())\n"
        "assert 'pandas' not in sys.modules, 'pandas imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_no_reference_is_kept() -> None:
    import gc
    import weakref

    df = churn_frame()
    ref = weakref.ref(df)
    summarise_frame("df", df, WHERE, LiveLimits(), target="churned")
    del df
    gc.collect()
    assert ref() is None
