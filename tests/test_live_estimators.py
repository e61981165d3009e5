"""Live fitted-estimator facts: public learned state only, composites walked, never raising."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.datasets import make_classification
from sklearn.ensemble import (
    AdaBoostClassifier,
    HistGradientBoostingClassifier,
    RandomForestClassifier,
    VotingClassifier,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier

from ml_lint_nb.facts.live.estimators import MAX_DEPTH, fitted_fact, is_estimator, is_fitted
from ml_lint_nb.facts.location import same_cell
from ml_lint_nb.facts.model import iter_fitted
from ml_lint_nb.findings import Location

LOC = Location(cell=3, cell_id="c3")


@pytest.fixture(scope="module")
def data() -> tuple[np.ndarray, np.ndarray]:
    X, y = make_classification(n_samples=300, n_features=5, random_state=0)
    return X, y


@pytest.fixture(scope="module")
def frame(data: tuple[np.ndarray, np.ndarray]) -> pd.DataFrame:
    return pd.DataFrame(data[0], columns=["a", "b", "c", "d", "e"])


def test_standard_scaler(data: tuple[np.ndarray, np.ndarray]) -> None:
    scaler = StandardScaler().fit(data[0])
    f = fitted_fact("scaler", scaler, LOC)
    assert f is not None
    assert (f.source, f.location, f.name, f.cls) == ("live", LOC, "scaler", "StandardScaler")
    assert "scaler" in f.kinds and "transformer" in f.kinds
    assert f.n_samples_seen == 300 and f.n_features_in == 5
    assert f.mean == pytest.approx(tuple(scaler.mean_))
    assert f.params == {"copy": True, "with_mean": True, "with_std": True}


def test_min_max_scaler_on_a_frame(frame: pd.DataFrame) -> None:
    scaler = MinMaxScaler().fit(frame[["a", "b"]])
    f = fitted_fact("mm", scaler, LOC)
    assert f is not None
    assert f.data_min == pytest.approx(tuple(scaler.data_min_))
    assert f.data_max == pytest.approx(tuple(scaler.data_max_))
    assert f.feature_names == ("a", "b")
    assert f.mean == ()


def test_unfitted_and_non_estimators_give_none(frame: pd.DataFrame) -> None:
    assert fitted_fact("lr", LogisticRegression(), LOC) is None
    assert fitted_fact("pipe", make_pipeline(StandardScaler(), SVC()), LOC) is None
    for obj in (frame, 3, "text", None, StandardScaler, np.arange(5), object()):
        assert fitted_fact("x", obj, LOC) is None


def test_scaler_statistics_are_capped() -> None:
    wide = np.random.RandomState(0).normal(size=(10, 500))
    f = fitted_fact("s", StandardScaler().fit(wide), LOC)
    assert f is not None and len(f.mean) == 20 and f.n_features_in == 500


def test_pipeline_steps_and_iteration_limit(data: tuple[np.ndarray, np.ndarray]) -> None:
    pipe = make_pipeline(StandardScaler(), LogisticRegression(max_iter=5))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        pipe.fit(data[0] * 1000, data[1])
    f = fitted_fact("pipe", pipe, LOC)
    assert f is not None and "pipeline" in f.kinds
    assert f.n_features_in == 5
    assert [(s.name, s.cls) for s in f.steps] == [
        ("pipe['standardscaler']", "StandardScaler"),
        ("pipe['logisticregression']", "LogisticRegression"),
    ]
    lr = f.steps[1]
    assert lr.max_iter == 5 and lr.n_iter == 5  # n_iter_ is an array: its max
    assert f.steps[0].n_samples_seen == 300


def test_column_transformer(frame: pd.DataFrame) -> None:
    ct = ColumnTransformer(
        [("num", MinMaxScaler(), ["a", "b"]), ("std", StandardScaler(), ["c"])], remainder="drop"
    ).fit(frame)
    f = fitted_fact("ct", ct, LOC)
    assert f is not None and "composite" in f.kinds
    assert [s.name for s in f.steps] == [
        "ct.named_transformers_['num']",
        "ct.named_transformers_['std']",
    ]  # the dropped remainder is a string, not an estimator
    assert f.steps[0].feature_names == ("a", "b") and len(f.steps[0].data_max) == 2
    assert f.feature_names == tuple("abcde")


def test_grid_search_walks_into_the_best_estimator(data: tuple[np.ndarray, np.ndarray]) -> None:
    search = GridSearchCV(
        make_pipeline(StandardScaler(), LogisticRegression()),
        {"logisticregression__C": [0.1, 1.0]},
        cv=3,
    ).fit(*data)
    f = fitted_fact("search", search, LOC)
    assert f is not None and "search" in f.kinds
    (best,) = f.steps
    assert best.name == "search.best_estimator_" and best.cls == "Pipeline"
    assert [s.cls for s in best.steps] == ["StandardScaler", "LogisticRegression"]
    names = [g.name for g, _outer in iter_fitted(f)]
    assert names == [
        "search",
        "search.best_estimator_",
        "search.best_estimator_['standardscaler']",
        "search.best_estimator_['logisticregression']",
    ]
    _lr, outer = list(iter_fitted(f))[-1]
    assert [o.cls for o in outer] == ["GridSearchCV", "Pipeline"]


def test_mlp_loss_curve(data: tuple[np.ndarray, np.ndarray]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp = MLPClassifier(hidden_layer_sizes=(5,), max_iter=15, random_state=0).fit(*data)
    f = fitted_fact("mlp", mlp, LOC)
    assert f is not None
    assert f.loss_curve == pytest.approx(tuple(mlp.loss_curve_))
    assert f.n_iter == f.max_iter == 15


def test_loss_curve_capped_at_200_points(data: tuple[np.ndarray, np.ndarray]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp = MLPClassifier(hidden_layer_sizes=(2,), max_iter=250, tol=0, n_iter_no_change=10**6)
        mlp.fit(data[0][:50], data[1][:50])
    f = fitted_fact("mlp", mlp, LOC)
    assert f is not None and len(mlp.loss_curve_) == 250 and len(f.loss_curve) == 200


def test_ensembles_are_counted_not_walked(data: tuple[np.ndarray, np.ndarray]) -> None:
    ada = AdaBoostClassifier(n_estimators=7, random_state=0).fit(*data)
    f = fitted_fact("ada", ada, LOC)
    assert f is not None and "outlier_sensitive" in f.kinds
    assert f.n_estimators == len(ada.estimators_) and f.steps == ()
    forest = RandomForestClassifier(n_estimators=4, random_state=0).fit(*data)
    g = fitted_fact("rf", forest, LOC)
    assert g is not None and g.n_estimators == 4
    assert g.n_samples_seen is None  # a member's root count is a bootstrap, not the rows seen


def test_voting_members_are_walked(data: tuple[np.ndarray, np.ndarray]) -> None:
    vote = VotingClassifier([("lr", LogisticRegression()), ("nb", GaussianNB())]).fit(*data)
    f = fitted_fact("vote", vote, LOC)
    assert f is not None
    assert [s.cls for s in f.steps] == ["LogisticRegression", "GaussianNB"]
    assert f.n_estimators is None


@pytest.mark.parametrize(
    "est",
    [
        DecisionTreeClassifier(random_state=0),  # tree_.n_node_samples[0]
        GaussianNB(),  # class_count_
        KNeighborsClassifier(),  # n_samples_fit_
        SVC(),  # shape_fit_
    ],
    ids=lambda e: type(e).__name__,
)
def test_rows_seen(est: object, data: tuple[np.ndarray, np.ndarray]) -> None:
    est.fit(*data)  # type: ignore[attr-defined]
    f = fitted_fact("m", est, LOC)
    assert f is not None and f.n_samples_seen == 300


def test_svc_without_iteration_limit(data: tuple[np.ndarray, np.ndarray]) -> None:
    f = fitted_fact("svc", SVC().fit(*data), LOC)
    assert f is not None and f.max_iter is None  # max_iter=-1 means no limit


def test_hist_gradient_boosting_params(data: tuple[np.ndarray, np.ndarray]) -> None:
    f = fitted_fact("hgb", HistGradientBoostingClassifier(max_iter=3).fit(*data), LOC)
    assert f is not None and f.max_iter == 3 and f.n_iter == 3


def test_params_keep_only_simple_values(data: tuple[np.ndarray, np.ndarray]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lr = LogisticRegression(C=np.inf, max_iter=np.int64(50)).fit(*data)
    f = fitted_fact("lr", lr, LOC)
    assert f is not None
    assert math.isinf(f.params["C"]) and isinstance(f.params["C"], float)
    assert f.params["max_iter"] == 50 and type(f.params["max_iter"]) is int
    search = GridSearchCV(LogisticRegression(), {"C": [1.0]}, cv=2).fit(*data)
    g = fitted_fact("s", search, LOC)
    assert g is not None
    assert "estimator" not in g.params and "param_grid" not in g.params
    assert g.params["cv"] == 2


# -- duck typing ---------------------------------------------------------------------------------


class FakeBooster:
    """The scikit-learn API without scikit-learn (like xgboost/lightgbm wrappers)."""

    def __init__(self, n_estimators: int = 10, max_iter: int = 8) -> None:
        self.n_estimators = n_estimators
        self.max_iter = max_iter

    def get_params(self, deep: bool = True) -> dict:
        return {"n_estimators": self.n_estimators, "max_iter": self.max_iter, "obj": object()}

    def fit(self, X: object, y: object) -> FakeBooster:
        raise AssertionError("fitted_fact must never call fit")

    def predict(self, X: object) -> object:
        raise AssertionError("fitted_fact must never call predict")

    def transform(self, X: object) -> object:
        raise AssertionError("fitted_fact must never call transform")


def test_duck_typed_estimator() -> None:
    fake = FakeBooster()
    assert is_estimator(fake) and not is_fitted(fake)
    assert fitted_fact("fake", fake, LOC) is None
    fake.n_samples_seen_ = np.array([3, 7, 5])
    fake.n_iter_ = [2, 8]
    fake.n_features_in_ = np.int64(4)
    f = fitted_fact("fake", fake, LOC)
    assert f is not None and f.cls == "FakeBooster" and f.kinds == frozenset({"estimator"})
    assert (f.n_samples_seen, f.n_iter, f.max_iter, f.n_features_in) == (7, 8, 8, 4)
    assert f.params == {"n_estimators": 10, "max_iter": 8}


def test_private_attributes_are_never_read() -> None:
    asked: list[str] = []

    class Spy(FakeBooster):
        def __getattr__(self, name: str) -> object:
            asked.append(name)
            raise AttributeError(name)

    spy = Spy()
    spy._n_samples = 50  # private: must not count as rows seen
    spy.coef_ = np.ones(3)
    f = fitted_fact("spy", spy, LOC)
    assert f is not None and f.n_samples_seen is None
    assert asked and all(not name.startswith("_") for name in asked)


class Hostile(FakeBooster):
    """Everything that can raise does."""

    def __init__(self) -> None:
        super().__init__()
        self.coef_ = np.ones(3)

    @property
    def n_features_in_(self) -> int:
        raise RuntimeError("property boom")

    def __getattr__(self, name: str) -> object:
        raise RuntimeError(f"getattr boom {name}")

    def get_params(self, deep: bool = True) -> dict:
        raise RuntimeError("get_params boom")


def test_hostile_objects_give_partial_facts() -> None:
    f = fitted_fact("h", Hostile(), LOC)
    assert f is not None
    assert f.n_features_in is None and f.params == {} and f.n_iter is None


def test_hostile_fitted_probe_and_odd_values() -> None:
    class BadProbe(FakeBooster):
        def __sklearn_is_fitted__(self) -> bool:
            raise RuntimeError("probe boom")

    odd = BadProbe()
    odd.n_iter_ = "many"
    odd.n_samples_seen_ = float("nan")
    odd.mean_ = np.array([["not", "numbers"]])
    odd.loss_curve_ = [1.0, "x", 2.0]
    odd.feature_names_in_ = 17
    f = fitted_fact("odd", odd, LOC)
    assert f is not None  # falls back to learned attributes
    assert (f.n_iter, f.n_samples_seen, f.mean, f.loss_curve, f.feature_names) == (
        None,
        None,
        (),
        (),
        (),
    )

    class NotADict(FakeBooster):
        @property
        def __dict__(self) -> dict:  # type: ignore[override]
            raise RuntimeError("no dict for you")

    assert fitted_fact("nd", NotADict(), LOC) is None


def test_huge_arrays_are_cut() -> None:
    big = FakeBooster()
    big.mean_ = np.zeros(2_000_000)
    big.n_iter_ = np.arange(1_000_000)
    big.loss_curve_ = list(range(100_000))
    f = fitted_fact("big", big, LOC)
    assert f is not None
    assert len(f.mean) == 20 and f.n_iter == 999_999 and len(f.loss_curve) == 200


def test_depth_is_bounded_and_cycles_are_safe() -> None:
    class Chain(FakeBooster):
        def __init__(self, inner: object | None) -> None:
            super().__init__()
            self.steps = [("inner", inner)] if inner is not None else []
            self.fitted_ = True

    leaf: object | None = None
    for _ in range(8):
        leaf = Chain(leaf)
    f = fitted_fact("outer", leaf, LOC)
    assert f is not None
    depth = max(len(outer) for _g, outer in iter_fitted(f))
    assert depth == MAX_DEPTH

    loop = Chain(None)
    loop.steps = [("self", loop)]
    g = fitted_fact("loop", loop, LOC)
    assert g is not None and g.steps == ()


def test_same_cell() -> None:
    assert same_cell(Location(cell=3, cell_id="x"), Location(cell=9, cell_id="x"))
    assert not same_cell(Location(cell=3, cell_id="x"), Location(cell=3, cell_id="y"))
    assert same_cell(Location(cell=3), Location(cell=3, cell_id="y"))
    assert not same_cell(Location(), Location())
