"""Evidence anchored on models: fit records, evaluation pairs, fit-time target leakage."""

from __future__ import annotations

import ast

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("sklearn")
from sklearn.datasets import load_breast_cancer  # noqa: E402

from ml_lint_nb.facts.live import expressions  # noqa: E402
from ml_lint_nb.facts.live.fit_records import compare, record_fit  # noqa: E402
from ml_lint_nb.facts.live.frames import summarise_frame  # noqa: E402
from ml_lint_nb.facts.live.limits import LiveLimits  # noqa: E402
from ml_lint_nb.facts.live.model_calls import model_calls  # noqa: E402
from ml_lint_nb.facts.model import DriftFact, OverlapFact  # noqa: E402
from ml_lint_nb.facts.store import FactStore  # noqa: E402
from ml_lint_nb.findings import Location  # noqa: E402
from ml_lint_nb.rules import leakage  # noqa: E402
from ml_lint_nb.rules.base import RuleContext  # noqa: E402

WHERE = Location(cell=1, line=1)


def run(rule_cls, facts, **thresholds):
    return list(rule_cls(RuleContext(thresholds=thresholds)).check(FactStore(facts, ("live",))))


class Model:
    """Duck-typed estimator: fit and get_params on its class."""

    def fit(self, X, y=None):
        self.coef_ = np.zeros(3)
        return self

    def get_params(self, deep=True):
        return {}


# -- finding the objects a call received -----------------------------------------------------------


def test_expressions_resolve_selections_drops_and_slices() -> None:
    df = pd.DataFrame({"a": range(10), "b": range(10), "y": [0, 1] * 5})
    ns = {"df": df, "features": ["a", "b"], "cut": 8, "arr": np.arange(20).reshape(10, 2)}

    def value(text):
        return expressions.resolve(ast.parse(text, mode="eval").body, ns)

    assert list(value("df[features]").columns) == ["a", "b"]
    assert list(value("df.drop(columns='y')").columns) == ["a", "b"]
    assert list(value("df.drop(['y'], axis=1)").columns) == ["a", "b"]
    assert len(value("df.iloc[:cut]")) == 8 and len(value("df.iloc[cut:]")) == 2
    assert value("df[features].values").shape == (10, 2)
    assert value("arr[:cut]").shape == (8, 2)
    assert value("df['y']").tolist() == [0, 1] * 5
    # boolean masks: a column of numbers compared with a literal, a name holding booleans
    assert len(value("df[df.a > 2]")) == 7 and len(value("df[~(df.a > 2)]")) == 3
    assert list(value("df.loc[df['a'] < 5, features]").columns) == ["a", "b"]
    ns["mask"] = np.arange(10) < 4
    assert len(value("df[mask]")) == 4 and len(value("df.loc[~mask, 'y']")) == 6
    ns["things"] = pd.DataFrame({"o": [object()] * 10})
    unsafe_forms = ("load()", "things[things.o > 2]", "df.apply(f)", "other", "df['zzz']")
    for unsafe in unsafe_forms:
        assert value(unsafe) is None, unsafe


def test_model_calls_in_order_and_not_inside_functions() -> None:
    tree = ast.parse(
        "clf.fit(X_train, y_train)\n"
        "pred = clf.predict(X_test)\n"
        "print(clf.score(X=X_val, y=y_val))\n"
        "def f(m, X):\n    return m.predict(X)\n"
        "gbm = Model().fit(X_all, y_all)\n"
    )
    calls = [(c.model, c.method, ast.unparse(c.X)) for c in model_calls(tree)]
    assert calls == [
        ("clf", "fit", "X_train"),
        ("clf", "predict", "X_test"),
        ("clf", "score", "X_val"),
        ("gbm", "fit", "X_all"),
    ]


# -- fit/evaluation pairs --------------------------------------------------------------------------


def frames(n_train=5_000, n_test=1_000, copied=0, drift=0.0, seed=0):
    rng = np.random.RandomState(seed)
    train = pd.DataFrame({"a": rng.randn(n_train), "b": rng.randn(n_train) * 100})
    test = pd.DataFrame({"a": rng.randn(n_test) + drift, "b": rng.randn(n_test) * 100})
    if copied:
        test = pd.concat([test, train.sample(copied, random_state=1)], ignore_index=True)
    return train, test


def pair(train, test, y_train=None, y_test=None):
    record = record_fit("clf", Model().fit(train), "train", train, y_train, LiveLimits())
    assert record is not None
    record.reload = lambda: train  # the fit data, still held by the notebook
    return compare(record, "test", test, y_test, WHERE, LiveLimits())


def test_unverifiable_candidates_give_no_overlap() -> None:
    """Once the fit data is gone, rows matching on a few columns are not claimed as shared."""
    rng = np.random.RandomState(2)
    train = pd.DataFrame({c: rng.randn(500) for c in "abcdef"})
    record = record_fit("clf", Model().fit(train), "train", train, None, LiveLimits())
    record.reload = lambda: None
    test = pd.concat([train.iloc[:50], train.iloc[:50]])
    assert compare(record, "test", test, None, WHERE, LiveLimits()) == []


def test_copied_rows_are_found_without_a_split_call() -> None:
    train, test = frames(copied=160)
    facts = pair(train, test)
    overlap = next(f for f in facts if isinstance(f, OverlapFact))
    assert overlap.n_overlap == 160 and overlap.model == "clf"
    [finding] = run(leakage.TrainTestOverlap, facts)
    assert finding.message.startswith(
        "160 of 1,160 rows of test (14%) also occur in train (the rows clf was fitted on)"
    )
    # no split call made these frames: the advice fits the evidence
    assert "separate files" in finding.fix and "splitting" not in finding.fix


def test_overlap_of_a_split_keeps_the_split_advice() -> None:
    from ml_lint_nb.facts.model import DataRef, RowSet, SplitFact

    train, test = frames(copied=160)
    facts = pair(train, test)
    part = DataRef(name="test", version="test@1", rows=RowSet.root("r1"))
    split = SplitFact("static", WHERE, "s1", "train_test_split", (), (part,), True, False, True)
    [finding] = run(leakage.TrainTestOverlap, [*facts, split])
    assert "splitting" in finding.fix


def test_fresh_rows_and_training_scores_give_no_overlap() -> None:
    train, test = frames()
    assert run(leakage.TrainTestOverlap, pair(train, test)) == []
    assert pair(train, train) == []  # a training score: ML405's business, not a leak
    assert pair(train, train.iloc[:1000]) == []
    assert pair(train, pd.concat([train, test])) == []  # predictions for all rows: no test set


def test_coincidences_in_a_small_feature_space_are_not_an_error() -> None:
    """A few rows of few-valued columns coincide by chance (4 of 1,200 test rows)."""
    rng = np.random.RandomState(3)
    train = pd.DataFrame({c: rng.randint(0, 6, 4_000) for c in "abcde"})
    test = pd.DataFrame({c: rng.randint(0, 6, 1_200) for c in "abcde"})
    facts = pair(train, test)
    overlap = next(f for f in facts if isinstance(f, OverlapFact))
    assert overlap.n_overlap > 0 and overlap.n_expected is not None
    assert run(leakage.TrainTestOverlap, facts) == []
    copied = pd.concat([test, train.iloc[:600]], ignore_index=True)  # far beyond chance
    assert run(leakage.TrainTestOverlap, pair(train, copied))


def test_drift_between_fit_and_evaluation_rows() -> None:
    train, test = frames(drift=1.5)
    facts = pair(train, test)
    drift = next(f for f in facts if isinstance(f, DriftFact))
    assert drift.features[0][0] == "a"
    [finding] = run(leakage.TrainTestDrift, facts)
    assert "'a' (KS" in finding.message and "'b'" not in finding.message
    assert run(leakage.TrainTestDrift, pair(*frames())) == []


def test_arrays_pair_by_position_and_other_column_sets_do_not_pair() -> None:
    train, test = frames(copied=100)
    assert run(leakage.TrainTestOverlap, pair(train.to_numpy(), test.to_numpy()))
    assert pair(train, test.rename(columns={"a": "z"})) == []


def test_small_test_set_uses_the_evaluated_labels() -> None:
    train, test = frames(n_test=60)
    y_train = pd.Series(np.r_[np.zeros(4_000), np.ones(1_000)])
    y_test = pd.Series(np.r_[np.zeros(55), np.ones(5)])
    facts = pair(train, test, y_train, y_test)
    [finding] = run(leakage.SmallTestSet, facts)
    assert "test holds 60 rows, 5 of class '1'" in finding.message
    # without evaluated labels, the test side's classes are unknown (never "0 of class 0")
    [finding] = run(leakage.SmallTestSet, pair(train, test, y_train, None))
    assert "of class" not in finding.message


# -- ML202 at fit time -----------------------------------------------------------------------------


def leak_rules(X, y):
    fact = summarise_frame("X", X, WHERE, LiveLimits(), None, y)
    assert fact is not None
    return run(leakage.TargetLeakageFeature, [fact])


def test_ml202_silent_on_breast_cancer_strong_honest_features() -> None:
    data = load_breast_cancer(as_frame=True)
    assert leak_rules(data.data, data.target) == []


def churn(n=5_000, seed=0):
    rng = np.random.RandomState(seed)
    y = pd.Series((rng.rand(n) < 0.2).astype(int))
    X = pd.DataFrame({"tenure": rng.randn(n) + y, "city": rng.randint(0, 800, n)})
    X["big_region"] = rng.randint(0, 5, n)
    return rng, X, y


def test_ml202_post_outcome_flag() -> None:
    rng, X, y = churn()
    X["refund_issued"] = np.where((y == 1) & (rng.rand(len(y)) < 0.7), 1, 0)
    [finding] = leak_rules(X, y)
    assert finding.subject == ("refund_issued",)
    assert "the rows where 'refund_issued' = 1 hold 68% of those where the target is 1" in (
        finding.message
    )
    X["refund_issued"] = np.where(rng.rand(len(y)) < 0.3 + 0.4 * y, 1, 0)  # honest: shifts odds
    assert leak_rules(X, y) == []


def test_ml202_target_mean_over_all_rows_including_own_label() -> None:
    _rng, X, y = churn()
    X["city_rate"] = y.groupby(X["city"]).transform("mean")  # ~6 rows a city, no real effect
    X["region_rate"] = y.groupby(X["big_region"]).transform("mean")  # 1,000 rows a region
    [finding] = leak_rules(X.iloc[:4_000], y.iloc[:4_000])
    assert finding.subject == ("city_rate",)
    assert "is the mean of the target over the levels of 'city'" in finding.message
    assert "own label left out" in finding.message


def test_ml202_one_finding_per_column_across_frames() -> None:
    rng, X, y = churn()
    X["refund_issued"] = np.where((y == 1) & (rng.rand(len(y)) < 0.7), 1, 0)
    facts = [
        summarise_frame(name, X.iloc[part], WHERE, LiveLimits(), None, y.iloc[part])
        for name, part in (("train", slice(0, 4000)), ("test", slice(4000, None)))
    ]
    [finding] = run(leakage.TargetLeakageFeature, facts)
    assert finding.subject == ("refund_issued",)


def test_split_overlap_checks_every_column_and_judges_chance() -> None:
    """Rows that agree on the first columns only are not shared; real copies are."""
    from ml_lint_nb.facts.live.splits import split_facts

    rng = np.random.RandomState(5)
    n = 3_000
    df = pd.DataFrame({f"flag{i}": rng.randint(0, 2, n) for i in range(5)})
    df["amount"] = rng.randn(n)
    train, test = df.iloc[:2_000], df.iloc[2_000:]
    [overlap] = [
        f
        for f in split_facts("tr", train, "te", test, WHERE, LiveLimits())
        if isinstance(f, OverlapFact)
    ]
    assert overlap.n_overlap == 0
    test = pd.concat([test, train.iloc[:50]])
    facts = split_facts("tr", train, "te", test, WHERE, LiveLimits())
    [overlap] = [f for f in facts if isinstance(f, OverlapFact)]
    assert overlap.n_overlap == 50 and overlap.n_expected is not None and overlap.n_expected < 5
    assert run(leakage.TrainTestOverlap, facts)


# -- ML209: drift by mechanism ---------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(5))
def test_drift_found_when_copied_rows_would_dilute_it(seed) -> None:
    """Test = new rows with one column shifted by 0.8 SD + 500 rows copied from train.

    The copies are ML201's finding; left in the drift sample they diluted
    the shift below the threshold (drift missed).
    """
    rng = np.random.RandomState(seed)
    train = pd.DataFrame({c: rng.randn(5_000) for c in "abcdef"})
    test = pd.DataFrame({c: rng.randn(1_000) for c in "abcdef"})
    test["c"] += 0.8
    test = pd.concat([test, train.sample(500, random_state=seed)], ignore_index=True)
    facts = pair(train, test)
    [finding] = run(leakage.TrainTestDrift, facts)
    assert "'c' (KS" in finding.message and "without the 500 rows of test" in finding.message
    assert [f.code for f in run(leakage.TrainTestOverlap, facts)] == ["ML201"]


def _honest_datasets():
    from sklearn.datasets import load_diabetes, load_digits, load_iris, load_wine

    rng = np.random.RandomState(0)
    synthetic = pd.DataFrame(
        {
            "normal": rng.randn(3_000),
            "skewed": rng.lognormal(size=3_000),
            "counts": rng.poisson(2, 3_000),
            "flag": rng.rand(3_000) < 0.1,
            "nulls": np.where(rng.rand(3_000) < 0.3, np.nan, rng.randn(3_000)),
        }
    )
    yield from (
        ("breast_cancer", load_breast_cancer(as_frame=True).data),
        ("wine", load_wine(as_frame=True).data),
        ("diabetes", load_diabetes(as_frame=True).data),
        ("iris", load_iris(as_frame=True).data),
        ("digits", load_digits(as_frame=True).data),
        ("synthetic", synthetic),
    )


def test_honest_random_splits_never_drift() -> None:
    """20 seeded honest splits of several datasets: no drift warning, by either path."""
    from sklearn.model_selection import train_test_split

    from ml_lint_nb.facts.live.splits import split_facts

    found = []
    for name, data in _honest_datasets():
        for seed in range(20):
            size = (0.1, 0.2, 0.25, 0.33)[seed % 4]
            train, test = train_test_split(data, test_size=size, random_state=seed)
            by_fit = pair(train, test)
            by_split = split_facts("train", train, "test", test, WHERE, LiveLimits())
            assert any(isinstance(f, DriftFact) for f in by_fit), name
            for facts in (by_fit, by_split):
                found += [(name, seed, f.message) for f in run(leakage.TrainTestDrift, facts)]
    assert found == []
