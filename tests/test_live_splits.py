"""Split facts: shared rows by hash, time order, drift, test-set class counts; kernel safety."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest

from ml_lint_nb.facts.live.limits import LiveLimits
from ml_lint_nb.facts.live.splits import DRIFT_ROWS, split_facts
from ml_lint_nb.facts.live.two_sample import ks_statistic, psi
from ml_lint_nb.facts.model import DriftFact, Fact, OverlapFact, TemporalSplitFact
from ml_lint_nb.findings import Location
from tests.test_live_frames import assert_unchanged, snapshot

WHERE = Location(cell=3, line=2)


def facts(train: Any, test: Any, **kwargs: Any) -> list[Fact]:
    """split_facts, checking that neither part (nor a target) changes and nothing warns."""
    limits = kwargs.pop("limits", LiveLimits())
    objs = [train, test, kwargs.get("train_target_obj"), kwargs.get("test_target_obj")]
    snaps = [snapshot(o) for o in objs if o is not None]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = split_facts("X_train", train, "X_test", test, WHERE, limits, **kwargs)
    assert not caught, [str(w.message) for w in caught]
    for obj, snap in zip([o for o in objs if o is not None], snaps, strict=True):
        assert_unchanged(obj, snap)
    return out


def one(found: list[Fact], kind: type) -> Any:
    hits = [f for f in found if isinstance(f, kind)]
    assert len(hits) == 1, found
    return hits[0]


def frame(n: int = 500, seed: int = 0) -> pd.DataFrame:
    rng = np.random.RandomState(seed)
    return pd.DataFrame(
        {
            "a": rng.randn(n),
            "b": rng.randint(0, 100, n),
            "s": rng.choice(["x", "y", "z"], n),
            "day": pd.date_range("2020-01-01", periods=n, freq="D"),
        }
    )


def split(df: pd.DataFrame, seed: int = 0, test: float = 0.2) -> tuple[pd.DataFrame, pd.DataFrame]:
    order = np.random.RandomState(seed).permutation(len(df))
    cut = int(len(df) * (1 - test))
    return df.iloc[order[:cut]], df.iloc[order[cut:]]


def test_overlap_counts_test_rows_found_in_train() -> None:
    df = frame()
    train, test = split(df)
    leaky = pd.concat([test, train.iloc[:7]])
    overlap = one(facts(train, leaky), OverlapFact)
    assert (overlap.n_test, overlap.n_overlap) == (len(leaky), 7)
    assert overlap.examples == tuple(range(len(test), len(test) + 5))
    assert not overlap.sampled and overlap.n_checked is None
    assert overlap.source == "live" and overlap.location == WHERE
    clean = one(facts(train, test), OverlapFact)
    assert clean.n_overlap == 0 and clean.examples == ()


def test_overlap_ignores_column_order_and_int_float_dtype() -> None:
    df = frame().drop(columns=["day"])
    train, test = split(df)
    leaky = pd.concat([test, train.iloc[:3]])[["s", "b", "a"]]
    leaky = leaky.astype({"b": "float64"})
    assert one(facts(train, leaky), OverlapFact).n_overlap == 3


def test_overlap_on_arrays() -> None:
    rng = np.random.RandomState(0)
    x = rng.randn(200, 4)
    train, test = x[:150], np.vstack([x[150:], x[:2]])
    overlap = one(facts(train, test), OverlapFact)
    assert overlap.n_overlap == 2 and overlap.examples == (50, 51)
    mixed = one(facts(pd.DataFrame(train), test), OverlapFact)
    assert mixed.n_overlap == 2


def test_overlap_is_sampled_above_the_cap() -> None:
    rng = np.random.RandomState(0)
    x = pd.DataFrame(rng.randint(0, 10**6, size=(3_000, 3)))
    overlap = one(facts(x, x, limits=LiveLimits(max_rows=1_000)), OverlapFact)
    assert overlap.sampled and overlap.n_checked == 1_000 and overlap.n_test == 3_000
    assert overlap.n_overlap > 0


def test_class_counts_ride_on_the_overlap_fact() -> None:
    df = frame()
    y = pd.Series(np.r_[np.zeros(480, dtype=int), np.ones(20, dtype=int)], name="y")
    train, test = df.iloc[:400], df.iloc[400:]
    overlap = one(
        facts(train, test, train_target_obj=y.iloc[:400], test_target_obj=y.iloc[400:].to_numpy()),
        OverlapFact,
    )
    assert overlap.train_class_counts == (("0", 400),)
    assert overlap.test_class_counts == (("0", 80), ("1", 20))


def test_one_dimensional_parts_give_nothing() -> None:
    y = pd.Series([0, 1, 0, 1])
    assert facts(y.iloc[:2], y.iloc[2:]) == []
    assert facts(np.arange(5), np.arange(3)) == []


def test_temporal_fact_for_a_shuffled_split_only() -> None:
    df = frame()
    train, test = split(df)
    temporal = one(facts(train, test), TemporalSplitFact)
    assert temporal.column == "day" and temporal.share_earlier > 0.9
    assert temporal.train_max == str(train["day"].max().date())
    assert temporal.test_min == str(test["day"].min().date())
    chrono = facts(df.iloc[:400], df.iloc[400:])
    assert not [f for f in chrono if isinstance(f, TemporalSplitFact)]


def test_named_numeric_time_column_and_tz_aware_dates() -> None:
    df = frame().assign(
        year=lambda d: 2000 + np.arange(len(d)) // 50,
        day=lambda d: d["day"].dt.tz_localize("UTC"),
    )
    train, test = split(df)
    found = facts(train, test, time_columns=("year",))
    columns = {f.column for f in found if isinstance(f, TemporalSplitFact)}
    assert columns == {"day", "year"}
    assert not [
        f for f in facts(train, test) if isinstance(f, TemporalSplitFact) and f.column == "year"
    ]


def test_drift_lists_the_worst_features_first() -> None:
    rng = np.random.RandomState(0)
    train = pd.DataFrame({f"f{i}": rng.randn(1000) for i in range(8)})
    test = pd.DataFrame({f"f{i}": rng.randn(300) for i in range(8)})
    test["f3"] = test["f3"] + 2.0
    test["f5"] = test["f5"] * 3
    drift = one(facts(train, test), DriftFact)
    assert [f[0] for f in drift.features][:2] == ["f3", "f5"]
    assert len(drift.features) == 8  # every feature compared, up to MAX_DRIFT
    assert drift.features[0][1] > 0.6 and drift.features[0][2] > 1.0
    assert drift.features[-1][1] < 0.15
    assert (drift.n_train, drift.n_test, drift.sampled) == (1000, 300, False)


def test_drift_skips_non_numeric_and_samples_large_parts() -> None:
    rng = np.random.RandomState(1)
    train = pd.DataFrame({"s": ["a"] * 30_000, "flag": [True] * 30_000, "v": rng.randn(30_000)})
    drift = one(facts(train, train.iloc[:100]), DriftFact)
    assert [f[0] for f in drift.features] == ["v"]
    assert drift.sampled and drift.n_train == DRIFT_ROWS and drift.n_test == 100


def test_ks_and_psi_match_their_definitions() -> None:
    a = np.array([1.0, 2.0, 3.0, 4.0])
    b = np.array([3.5, 4.5, 5.5])
    assert ks_statistic(a, b, np) == pytest.approx(0.75)
    same = np.random.RandomState(0).randn(5_000)
    assert psi(same, same.copy(), np) == pytest.approx(0.0)
    shifted = psi(same, same + 1.0, np)
    assert shifted > 0.5


def test_hostile_parts() -> None:
    class Bad(pd.DataFrame):
        def __getitem__(self, key: Any) -> Any:
            raise RuntimeError("no")

        def __len__(self) -> int:
            raise RuntimeError("no")

    class Explosive:
        def __getattr__(self, name: str) -> Any:
            raise RuntimeError(name)

    df = frame()
    found = split_facts("a", Bad(df.iloc[:400]), "b", Bad(df.iloc[400:]), WHERE, LiveLimits())
    assert one(found, OverlapFact).n_overlap == 0
    assert split_facts("a", Explosive(), "b", df, WHERE, LiveLimits()) == []
    blobs = np.array([[{"k": 1}, 1], [{"k": 2}, 2]], dtype=object)
    assert one(split_facts("a", blobs, "b", blobs, WHERE, LiveLimits()), OverlapFact).n_overlap == 2
    assert split_facts("a", df, "b", np.zeros((3, 9)), WHERE, LiveLimits()) == []
