"""Scores measured by the hook: right numbers, bounded rows, nothing of the user's touched."""

from __future__ import annotations

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification, make_regression
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.metrics import f1_score, precision_recall_curve, r2_score, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC
from sklearn.tree import DecisionTreeClassifier

from ml_lint_nb.facts.live.limits import LiveLimits
from ml_lint_nb.facts.live.scoring import (
    best_f1_threshold,
    expected_calibration_error,
    roc_auc,
    score_facts,
)
from ml_lint_nb.facts.model import ScoreFact
from ml_lint_nb.findings import Location

LOC = Location(cell=5, cell_id="c5")


@pytest.fixture(scope="module")
def imbalanced() -> tuple:
    X, y = make_classification(
        n_samples=6000, n_features=8, weights=[0.97], flip_y=0.01, random_state=0
    )
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.5, stratify=y, random_state=0
    )
    model = LogisticRegression().fit(X_train, y_train)
    return model, X_train, X_test, y_train, y_test


def by_metric(facts: list[ScoreFact]) -> dict[str, ScoreFact]:
    return {f.metric: f for f in facts}


def test_imbalanced_binary_classifier(imbalanced: tuple) -> None:
    model, _X_train, X_test, _y_train, y_test = imbalanced
    facts = by_metric(score_facts("model", model, "X_test", X_test, y_test, "test", LOC))
    acc, auc = facts["accuracy"], facts["roc_auc"]
    assert (acc.source, acc.location, acc.model, acc.cls, acc.data, acc.role) == (
        "live",
        LOC,
        "model",
        "LogisticRegression",
        "X_test",
        "test",
    )
    assert acc.n_rows == len(y_test) and not acc.sampled
    assert acc.value == pytest.approx(model.score(X_test, y_test))
    assert acc.positive_rate == pytest.approx(y_test.mean())
    proba = model.predict_proba(X_test)[:, 1]
    assert acc.mean_predicted == pytest.approx(proba.mean())
    assert auc.value == pytest.approx(roc_auc_score(y_test, proba))
    # the 0.5 threshold misses most of the minority class; the PR curve suggests a lower one
    pred = model.predict(X_test)
    assert acc.recall_at_default == pytest.approx(pred[y_test == 1].mean())
    assert acc.suggested_threshold is not None and acc.suggested_threshold < 0.5
    assert acc.recall_at_suggested is not None
    assert acc.recall_at_suggested > acc.recall_at_default
    assert acc.ece is not None and 0 <= acc.ece < 0.05
    # the suggested threshold is the F1-best one
    f1_there = f1_score(y_test, proba >= acc.suggested_threshold)
    precision, recall, _t = precision_recall_curve(y_test, proba)
    best = np.nanmax(
        2 * precision * recall / np.where(precision + recall > 0, precision + recall, 1)
    )
    assert f1_there == pytest.approx(best)


def test_model_and_data_are_not_mutated(imbalanced: tuple) -> None:
    model, _X_train, X_test, _y_train, y_test = imbalanced
    frame = pd.DataFrame(X_test, columns=[f"f{i}" for i in range(X_test.shape[1])])
    series = pd.Series(y_test, name="target")
    pipe = make_pipeline(StandardScaler(), LogisticRegression()).fit(frame, series)
    before_model = pickle.dumps(model)
    before_pipe = pickle.dumps(pipe)
    coef = model.coef_.copy()
    X_copy, y_copy = X_test.copy(), y_test.copy()
    frame_copy, series_copy = frame.copy(), series.copy()
    state = np.random.get_state()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # our own predict calls must not leak warnings
        filters = list(warnings.filters)
        score_facts("model", model, "X_test", X_test, y_test, "test", LOC, LiveLimits(seed=3))
        score_facts(
            "pipe", pipe, "frame", frame, series, "test", LOC, LiveLimits(max_predict_rows=100)
        )
        # fitted with feature names, predicted without: scikit-learn warns inside our call
        warns = score_facts("pipe", pipe, "X_test", X_test, y_test, "test", LOC)
        assert {f.metric for f in warns} == {"accuracy", "roc_auc"}
        assert list(warnings.filters) == filters
    assert np.array_equal(model.coef_, coef)
    assert pickle.dumps(model) == before_model and pickle.dumps(pipe) == before_pipe
    assert np.array_equal(X_test, X_copy) and np.array_equal(y_test, y_copy)
    pd.testing.assert_frame_equal(frame, frame_copy)
    pd.testing.assert_series_equal(series, series_copy)
    after = np.random.get_state()
    assert after[0] == state[0] and np.array_equal(after[1], state[1]) and after[2:] == state[2:]


def test_sampling_is_bounded_and_seeded(imbalanced: tuple) -> None:
    model, _X_train, X_test, _y_train, y_test = imbalanced
    limits = LiveLimits(max_predict_rows=700, seed=1)
    a = score_facts("model", model, "X_test", X_test, y_test, "test", LOC, limits)
    b = score_facts("model", model, "X_test", X_test, y_test, "test", LOC, limits)
    assert a == b
    assert all(f.n_rows == 700 and f.sampled for f in a)
    frame = pd.DataFrame(X_test)
    c = score_facts("model", model, "frame", frame, pd.Series(y_test), "test", LOC, limits)
    assert [f.value for f in c] == [f.value for f in a]  # the same rows of a frame


def test_time_budget_skips_the_probability_parts(imbalanced: tuple) -> None:
    model, _X_train, X_test, _y_train, y_test = imbalanced
    facts = score_facts("m", model, "X", X_test, y_test, "test", LOC, LiveLimits(budget_ms=0))
    (acc,) = facts
    assert acc.metric == "accuracy" and acc.recall_at_default is not None
    assert acc.mean_predicted is None and acc.ece is None and acc.suggested_threshold is None


def test_decision_function_only(imbalanced: tuple) -> None:
    _model, X_train, X_test, y_train, y_test = imbalanced
    svm = LinearSVC().fit(X_train, y_train)
    facts = by_metric(score_facts("svm", svm, "X_test", X_test, y_test, "test", LOC))
    assert facts["roc_auc"].value == pytest.approx(
        roc_auc_score(y_test, svm.decision_function(X_test))
    )
    acc = facts["accuracy"]
    assert acc.mean_predicted is None and acc.ece is None  # scores are not probabilities
    assert acc.suggested_threshold is not None


def test_string_labels_and_minority_first() -> None:
    X, y = make_classification(n_samples=2000, weights=[0.1], random_state=2)
    labels = np.where(y == 1, "zzz-common", "aaa-rare")  # classes_[0] is the minority
    model = LogisticRegression().fit(X, labels)
    acc = by_metric(score_facts("m", model, "X", X, labels, "all", LOC))["accuracy"]
    assert acc.positive_rate == pytest.approx((labels == "zzz-common").mean())
    pred = model.predict(X)
    assert acc.recall_at_default == pytest.approx((pred[labels == "aaa-rare"] == "aaa-rare").mean())
    assert acc.suggested_threshold is not None  # on P(minority)


def test_multiclass_gets_accuracy_only() -> None:
    X, y = make_classification(n_samples=500, n_classes=3, n_informative=4, random_state=0)
    model = DecisionTreeClassifier(random_state=0).fit(X, y)
    (acc,) = score_facts("tree", model, "X", X, y, "train", LOC)
    assert acc.metric == "accuracy" and acc.value == 1.0 and acc.positive_rate is None


def test_regressor_r2() -> None:
    X, y = make_regression(n_samples=400, noise=20, random_state=0)
    model = LinearRegression().fit(X[:200], y[:200])
    (r2,) = score_facts("reg", model, "X_test", X[200:], y[200:], "test", LOC)
    assert r2.metric == "r2"
    assert r2.value == pytest.approx(r2_score(y[200:], model.predict(X[200:])))


@pytest.mark.parametrize(
    "case",
    ["unfitted", "predict_raises", "length_mismatch", "not_a_model", "multi_output"],
)
def test_unscorable_inputs_give_nothing(case: str, imbalanced: tuple) -> None:
    model, _X_train, X_test, _y_train, y_test = imbalanced

    class Broken(LogisticRegression):
        def predict(self, X):  # noqa: ANN001, ANN201
            raise RuntimeError("boom")

    args = {
        "unfitted": (LogisticRegression(), X_test, y_test),
        "predict_raises": (Broken().fit(X_test, y_test), X_test, y_test),
        "length_mismatch": (model, X_test[:10], y_test),
        "not_a_model": (object(), X_test, y_test),
        "multi_output": (model, X_test, np.c_[y_test, y_test]),
    }[case]
    assert score_facts("m", args[0], "X", args[1], args[2], "test", LOC) == []


def test_numpy_metrics_match_scikit_learn() -> None:
    rng = np.random.RandomState(0)
    labels = rng.rand(500) < 0.2
    scores = np.round(rng.rand(500) * 0.6 + labels * 0.3, 2)  # with ties
    assert roc_auc(labels, scores) == pytest.approx(roc_auc_score(labels, scores))
    assert roc_auc(np.zeros(4, bool), scores[:4]) is None
    threshold, recall = best_f1_threshold(labels, scores)
    assert f1_score(labels, scores >= threshold) == pytest.approx(
        max(f1_score(labels, scores >= t) for t in np.unique(scores))
    )
    assert recall == pytest.approx((scores[labels] >= threshold).mean())
    proba = rng.rand(1000)
    outcome = rng.rand(1000) < proba
    manual = 0.0
    for b in range(10):
        inside = (proba >= b / 10) & (proba < (b + 1) / 10)
        if inside.any():
            manual += inside.mean() * abs(outcome[inside].mean() - proba[inside].mean())
    assert expected_calibration_error(outcome, proba) == pytest.approx(manual)
    assert expected_calibration_error(np.ones(10), np.zeros(10)) == pytest.approx(1.0)
