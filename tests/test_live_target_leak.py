"""ML202 as a judgement: shapes of leaking features against what honest features reach."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("sklearn")

from sklearn.datasets import (  # noqa: E402
    load_breast_cancer,
    load_diabetes,
    load_digits,
    load_iris,
    load_wine,
)

from ml_lint_nb.facts.live.frames import summarise_frame  # noqa: E402
from ml_lint_nb.facts.live.limits import LiveLimits  # noqa: E402
from ml_lint_nb.facts.location import Location  # noqa: E402
from ml_lint_nb.findings import Severity  # noqa: E402
from ml_lint_nb.rules.leakage import TargetLeakageFeature  # noqa: E402
from ml_lint_nb.rules.leakage.feature_leaks import verdicts  # noqa: E402

WHERE = Location(cell=1, line=1)


def judged(X, y, keys=None):
    fact = summarise_frame("X_train", X, WHERE, LiveLimits(), None, y, True, keys)
    assert fact is not None
    return fact, {v.feature: v for v in verdicts(fact)}


def findings(X, y):
    from ml_lint_nb.facts.store import FactStore

    fact = summarise_frame("X_train", X, WHERE, LiveLimits(), None, y)
    return list(TargetLeakageFeature().check(FactStore([fact])))


@pytest.mark.parametrize(
    "loader", [load_iris, load_wine, load_digits, load_breast_cancer, load_diabetes]
)
def test_silent_on_honest_datasets(loader) -> None:
    data = loader(as_frame=True)
    fact, found = judged(data.data, data.target)
    assert found == {}
    assert fact.best_power is not None


@pytest.mark.parametrize("rows", [slice(0, 100), slice(50, 150)])
def test_silent_on_separable_iris_pairs(rows) -> None:
    """Setosa/versicolor: petal length and width are perfect, and honest."""
    data = load_iris(as_frame=True)
    _fact, found = judged(data.data[rows], data.target[rows])
    assert found == {}


def churn(n=6_000, seed=7):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(
        {
            "tenure": rng.integers(1, 72, n),
            "fee": rng.normal(60, 15, n).round(2),
            "tickets": rng.poisson(1.0, n),
        }
    )
    logit = -2.8 - 0.03 * X["tenure"] + 0.4 * X["tickets"]
    y = pd.Series((rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int), name="churned")
    return rng, X, y


def test_post_outcome_flag_against_the_base_rate() -> None:
    """Set for 90 % of churners and 2 % of the others: AUC about 0.94, far above the rest."""
    rng, X, y = churn()
    X["retention_offer_sent"] = np.where(
        y == 1, rng.random(len(y)) < 0.9, rng.random(len(y)) < 0.02
    )
    _fact, found = judged(X, y)
    v = found["retention_offer_sent"]
    assert v.how == "flag" and v.verdict == "leak"
    assert v.detail["coverage"] > 0.85 and v.detail["others"] < 0.04
    assert 0.9 < v.score < 0.99  # below the old fixed bar
    [f] = findings(X, y)
    assert "the rows where 'retention_offer_sent' = 1 hold" in f.message
    assert "of the others" in f.message and "best other" in f.message


def test_honest_binary_feature_that_shifts_the_odds_is_silent() -> None:
    rng, X, y = churn()
    X["complained"] = rng.random(len(y)) < np.where(y == 1, 0.6, 0.15)
    _fact, found = judged(X, y)
    assert found == {}


def test_target_encoding_over_all_rows_with_its_key_dropped() -> None:
    """The postcode is not among the features; the source frame's column finds the groups."""
    rng, X, y = churn()
    zips = pd.Series(rng.integers(0, 800, len(y)))
    X["zip_rate"] = y.groupby(zips).transform("mean")
    fact, found = judged(X, y, [("zip", zips.to_numpy())])
    v = found["zip_rate"]
    assert v.how == "group-stat" and v.verdict == "leak"
    assert v.detail["group_column"] == "zip" and v.detail["own_label_gain"] > 0.2


def test_group_rate_over_large_groups_is_silent() -> None:
    rng, X, y = churn()
    region = pd.Series(rng.integers(0, 5, len(y)))
    X["region"] = region
    X["region_rate"] = y.groupby(region).transform("mean")
    _fact, found = judged(X, y)
    assert "region_rate" not in found


def test_identifier_is_named_as_such() -> None:
    rng, X, y = churn()
    X["customer_id"] = rng.permutation(np.arange(100_000, 100_000 + len(y)))
    _fact, found = judged(X, y)
    assert found["customer_id"].verdict == "identifier"
    [f] = findings(X, y)
    assert f.severity == Severity.INFO and "is an identifier" in f.message
    # ids handed out in outcome order predict it: a warning
    order = np.argsort(y.to_numpy() + rng.random(len(y)) * 0.5, kind="stable")
    X["customer_id"] = np.empty(len(y), dtype=int)
    X.loc[order, "customer_id"] = np.arange(len(y))
    _fact, found = judged(X, y)
    assert found["customer_id"].verdict == "predictive-identifier"


def series(n=900, seed=3):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    sales = 100 + 0.1 * t + 15 * np.sin(2 * np.pi * t / 7) + rng.normal(0, 4, n)
    return pd.DataFrame({"sales": sales.round(1), "weekday": t % 7})


@pytest.mark.parametrize(
    "make, how",
    [
        (lambda s: s.shift(-1), "future"),
        (lambda s: s.shift(-3), "future"),
        (lambda s: s.rolling(7, center=True).mean(), "future"),
        (lambda s: s.rolling(7).mean(), "own-window"),
    ],
)
def test_values_from_the_future_are_leaks(make, how) -> None:
    df = series()
    df["lag_7"] = df["sales"].shift(7)
    df["feature"] = make(df["sales"])
    df = df.dropna()
    _fact, found = judged(df[["weekday", "lag_7", "feature"]], df["sales"])
    assert found["feature"].how == how and found["feature"].verdict == "leak"
    assert "lag_7" not in found


def test_future_values_found_through_the_index_after_a_random_split() -> None:
    df = series()
    df["next_day"] = df["sales"].shift(-1)
    df = df.dropna().sample(frac=0.7, random_state=0)
    _fact, found = judged(df[["weekday", "next_day"]], df["sales"])
    assert found["next_day"].how == "future"


def test_strong_lags_and_trailing_means_are_silent() -> None:
    df = series()
    df["lag_1"] = df["sales"].shift(1)
    df["lag_7"] = df["sales"].shift(7)
    df["mean_7"] = df["sales"].shift(1).rolling(7).mean()
    df = df.dropna()
    _fact, found = judged(df[["weekday", "lag_1", "lag_7", "mean_7"]], df["sales"])
    assert found == {}


def test_near_perfect_feature_far_above_the_rest_is_a_leak() -> None:
    rng = np.random.default_rng(0)
    n = 3_000
    X = pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n)})
    y = pd.Series(2 * X["a"] + rng.normal(size=n))
    X["invoice_total"] = y * 3 + rng.normal(0, 0.05, n)
    _fact, found = judged(X, y)
    assert found["invoice_total"].verdict == "leak" and found["invoice_total"].how == "corr"


def test_a_feature_that_only_tracks_a_smooth_target_is_no_window() -> None:
    """A covariate of a random walk is best predicted by a smoothing filter over the target's
    neighbours; it equals no window of them, so it is not a value from the future."""
    rng = np.random.default_rng(4)
    n = 2_000
    x = np.cumsum(rng.normal(size=n))
    X = pd.DataFrame({"x": x, "hour": np.arange(n) % 24})
    y = pd.Series(2 * x + rng.normal(0, 2, n))
    _fact, found = judged(X, y)
    assert found == {}


def test_one_feature_tutorial_is_silent() -> None:
    """y = 4 + 3x + noise: a near-perfect feature with nothing beside it to stand out from."""
    rng = np.random.default_rng(0)
    x = rng.random(200) * 2
    _fact, found = judged(pd.DataFrame({"x": x}), pd.Series(4 + 3 * x + rng.normal(0, 0.1, 200)))
    assert found == {}


def test_a_pure_level_of_a_many_level_category_needs_to_stand_out() -> None:
    """One level of a categorical measurement that only one class takes (a mushroom's foul
    odour) is judged against the other features, like any strong honest feature."""
    rng = np.random.default_rng(9)
    n = 4_000
    y = pd.Series((rng.random(n) < 0.5).astype(int))
    odour = np.where(y == 1, rng.choice(["foul", "fishy", "none"], n, p=[0.55, 0.3, 0.15]), "none")
    odour = np.where((y == 0) & (rng.random(n) < 0.3), "almond", odour)
    X = pd.DataFrame({"odour": odour, "gill": rng.normal(y * 2.5, 1.0)})
    _fact, found = judged(X, y)
    assert "odour" not in found


def test_a_date_set_only_after_the_outcome_is_a_flag_on_its_nulls() -> None:
    rng, X, y = churn()
    X["cancelled_on"] = pd.to_datetime("2024-01-01") + pd.to_timedelta(
        rng.integers(0, 300, len(y)), "D"
    )
    X.loc[y == 0, "cancelled_on"] = pd.NaT
    [f] = findings(X, y)
    assert "the rows where 'cancelled_on' is present hold 100%" in f.message


def test_per_store_future_values_found_with_the_store_dropped_from_the_features() -> None:
    """Rows ordered by date, then store: each store's next week is 8 x 7 rows later. The store
    column reaches the judgement from the frame the rows came from."""
    rng = np.random.default_rng(21)
    days = pd.date_range("2022-01-01", periods=300, freq="D")
    parts = []
    for store in range(8):
        level = 200 + 40 * store + np.cumsum(rng.normal(0, 3, len(days)))
        parts.append(pd.DataFrame({"store": store, "date": days, "sales": level.round(1)}))
    panel = pd.concat(parts, ignore_index=True).sort_values(["date", "store"], ignore_index=True)
    by_store = panel.groupby("store")["sales"]
    panel["lag_1"] = by_store.shift(1)
    panel["next_week"] = by_store.shift(-7)
    panel = panel.dropna()
    X = panel[["lag_1", "next_week"]]
    _fact, found = judged(X, panel["sales"], [("store", panel["store"].to_numpy())])
    assert found["next_week"].how == "future" and "lag_1" not in found


def test_free_text_is_not_an_identifier_but_a_code_is() -> None:
    rng, X, y = churn(n=2_000)
    words = np.array(["late", "bill", "great", "service", "slow", "refund", "app", "crash"])
    X["review"] = [" ".join(rng.choice(words, 6)) + f" #{i}" for i in range(len(y))]
    _fact, found = judged(X, y)
    assert "review" not in found
    X["account"] = [f"{rng.integers(1000, 9999)}-{i:05d}X" for i in range(len(y))]
    _fact, found = judged(X, y)
    assert found["account"].verdict == "identifier"
