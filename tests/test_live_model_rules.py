"""ML303, ML305, ML403-ML408 from live facts: good and bad cases through a FactStore."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.ensemble import AdaBoostClassifier, HistGradientBoostingClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler
from sklearn.tree import DecisionTreeClassifier

from ml_lint_nb.config import Config
from ml_lint_nb.engine import not_evaluated
from ml_lint_nb.facts import catalog
from ml_lint_nb.facts.live.estimators import fitted_fact
from ml_lint_nb.facts.live.scoring import score_facts
from ml_lint_nb.facts.model import (
    ColumnSummary,
    Fact,
    FittedFact,
    FrameFact,
    ScoreFact,
    WarningFact,
)
from ml_lint_nb.facts.store import FactStore
from ml_lint_nb.findings import Finding, Location
from ml_lint_nb.rules.base import RuleContext
from ml_lint_nb.rules.registry import RULES

CODES = ("ML303", "ML305", "ML403", "ML404", "ML405", "ML406", "ML407", "ML408")
BY_CODE = {r.code: r for r in RULES}
CELL = Location(cell=4, cell_id="c4")
OTHER = Location(cell=7, cell_id="c7")


def run(code: str, *facts: Fact, **thresholds: float) -> list[Finding]:
    rule = BY_CODE[code](RuleContext(thresholds=thresholds))
    return list(rule.check(FactStore(facts, modes=("live",))))


def fitted(name: str, cls: str, loc: Location = CELL, **kw: object) -> FittedFact:
    return FittedFact("live", loc, name=name, cls=cls, kinds=catalog.kinds_of(cls), **kw)  # type: ignore[arg-type]


def frame(name: str, loc: Location = CELL, **z: float) -> FrameFact:
    cols = tuple(
        ColumnSummary(
            col, "float64", 0, numeric=True, median=1.0, max_robust_z=v, outlier_examples=(v * 3,)
        )
        for col, v in z.items()
    )
    return FrameFact(
        "live", loc, name=name, kind="DataFrame", n_rows=500, n_cols=len(cols), columns=cols
    )


def score(metric: str, value: float, role: str = "test", **kw: object) -> ScoreFact:
    base: dict[str, object] = dict(
        model="model", cls="LogisticRegression", data=f"X_{role}", role=role, n_rows=2000
    )
    base.update(kw)
    return ScoreFact("live", CELL, metric=metric, value=value, **base)  # type: ignore[arg-type]


def assert_live(findings: list[Finding]) -> None:
    for f in findings:
        assert f.sources == ("live",)
        assert f.evidence and all(e.source == "live" for e in f.evidence)


@pytest.fixture(scope="module")
def data() -> tuple[np.ndarray, np.ndarray]:
    return make_classification(n_samples=400, n_features=6, random_state=0)


def test_rules_are_live_rules_with_checks() -> None:
    for code in CODES:
        rule = BY_CODE[code]
        assert rule.detect == frozenset({"live"})
        assert "check" in rule.__dict__ and rule.__doc__
    assert set(CODES) <= set(not_evaluated(Config(), "static"))


# -- ML303 scaler-choice --------------------------------------------------------------------------


def test_ml303_min_max_scaler_on_heavy_tails() -> None:
    scaler = fitted(
        "mm",
        "MinMaxScaler",
        n_features_in=2,
        feature_names=("income", "age"),
        data_min=(0.0, 18.0),
        data_max=(4e6, 90.0),
    )
    (f,) = run("ML303", scaler, frame("X_train", income=48.2, age=2.1))
    assert f.code == "ML303" and f.location == CELL and f.subject == ("mm", "income")
    assert "'income'" in f.message and "48.2" in f.message and "0 to 4,000,000" in f.message
    assert f.evidence[0].data["max_robust_z"] == 48.2
    assert_live([f])


def test_ml303_good_cases() -> None:
    scaler = fitted("mm", "MinMaxScaler", n_features_in=2, feature_names=("income", "age"))
    assert run("ML303", scaler, frame("X_train", income=3.0, age=2.0)) == []
    assert run("ML303", scaler, frame("X_train", OTHER, income=48.0, age=2.0)) == []  # other cell
    assert run("ML303", scaler, frame("X_train", debt=48.0, age=2.0)) == []  # not a scaled column
    robust = fitted("rs", "RobustScaler", feature_names=("income",))
    assert run("ML303", robust, frame("X_train", income=48.0)) == []
    assert run("ML303", scaler, frame("X", income=48.0), min_robust_z=50) == []


def test_ml303_real_scaler_in_a_pipeline_matched_by_width(data: tuple) -> None:
    X, y = data
    pipe = make_pipeline(MinMaxScaler(), LogisticRegression()).fit(X, y)
    fact = fitted_fact("pipe", pipe, CELL)
    assert fact is not None
    (f,) = run("ML303", fact, frame("X", **{str(i): 12.0 + i for i in range(6)}))
    assert f.subject == ("pipe['minmaxscaler']", "5") and "17.0" in f.message
    assert run("ML303", fact, frame("X", a=40.0, b=1.0)) == []  # a 2-column frame is other data
    std = fitted_fact("pipe", make_pipeline(StandardScaler(), LogisticRegression()).fit(X, y), CELL)
    assert std is not None
    assert run("ML303", std, frame("X", **{str(i): 40.0 for i in range(6)})) == []


# -- ML305 outlier-sensitive-model -----------------------------------------------------------------


def test_ml305_adaboost_on_outliers(data: tuple) -> None:
    X, y = data
    ada = fitted_fact("ada", AdaBoostClassifier(n_estimators=5).fit(X, y), CELL)
    assert ada is not None
    z = {str(i): 1.5 for i in range(6)} | {"2": 60.0, "4": 11.0}
    (f,) = run("ML305", ada, frame("X_train", **z))
    assert "'2', '4'" in f.message and "60.0" in f.message and f.subject == ("ada", "2")
    assert_live([f])
    assert run("ML305", ada, frame("X_train", **{str(i): 2.0 for i in range(6)})) == []
    tree = fitted_fact("tree", DecisionTreeClassifier().fit(X, y), CELL)
    assert tree is not None and run("ML305", tree, frame("X_train", **z)) == []


# -- ML403 not-converged ---------------------------------------------------------------------------


def test_ml403_iteration_limit_without_a_warning(data: tuple) -> None:
    X, y = data
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # the user filtered it away
        model = LogisticRegression(max_iter=5).fit(X * 1000, y)
    fact = fitted_fact("model", model, CELL)
    assert fact is not None
    (f,) = run("ML403", fact)
    assert f.subject == ("model",) and "n_iter_ = 5 = max_iter" in f.message
    assert "no ConvergenceWarning was shown" in f.message and "raise max_iter" in f.message
    assert f.evidence[0].data == {"n_iter": 5, "max_iter": 5}
    assert_live([f])


def test_ml403_warning_and_limit_are_one_finding() -> None:
    lr = fitted("pipe['lr']", "LogisticRegression", n_iter=100, max_iter=100)
    pipe = fitted("pipe", "Pipeline", steps=(lr,))
    warn = WarningFact(
        "live", CELL, "ConvergenceWarning", "lbfgs failed to converge\nmore", "sklearn.x"
    )
    (f,) = run("ML403", pipe, warn)
    assert f.subject == ("pipe['lr']",) and "a ConvergenceWarning was raised" in f.message
    assert [e.kind for e in f.evidence] == ["n-iter", "warning"]


def test_ml403_warning_alone_names_the_cells_models() -> None:
    warn = WarningFact("live", CELL, "ConvergenceWarning", "lbfgs failed", "sklearn.linear_model")
    sgd = fitted("clf", "SGDClassifier", n_iter=12, max_iter=1000)
    findings = run("ML403", warn, warn, sgd)
    (f,) = findings
    assert "from sklearn.linear_model (2 times)" in f.message and "clf (SGDClassifier)" in f.message
    assert "“lbfgs failed”" in f.message
    (g,) = run("ML403", warn)
    assert "a model fitted in this cell" in g.message
    assert run("ML403", WarningFact("live", CELL, "UserWarning", "x")) == []


def test_ml403_good_cases(data: tuple) -> None:
    X, y = data
    fit = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)).fit(X, y)
    fact = fitted_fact("pipe", fit, CELL)
    assert fact is not None and run("ML403", fact) == []
    hgb = fitted_fact("hgb", HistGradientBoostingClassifier(max_iter=5).fit(X, y), CELL)
    assert hgb is not None and hgb.n_iter == hgb.max_iter and run("ML403", hgb) == []


# -- ML404 unstable-loss ---------------------------------------------------------------------------


def test_ml404_rising_loss() -> None:
    mlp = fitted("mlp", "MLPClassifier", loss_curve=(1.0, 0.5, 0.3, 0.45, 0.9, 0.8))
    (f,) = run("ML404", mlp)
    assert "fell to 0.3 at iteration 3" in f.message and "rose to 0.9 at iteration 5" in f.message
    assert "200%" in f.message and "final loss is 0.8" in f.message
    assert f.evidence[0].data["rise"] == pytest.approx(2.0)
    assert_live([f])


def test_ml404_good_cases(data: tuple) -> None:
    assert run("ML404", fitted("m", "MLPClassifier", loss_curve=(1.0, 0.6, 0.62, 0.5, 0.4))) == []
    assert run("ML404", fitted("m", "MLPClassifier", loss_curve=(1.0, 2.0))) == []  # too short
    noisy = fitted("m", "MLPClassifier", loss_curve=(1.0, 0.5, 0.3, 0.45))
    assert run("ML404", noisy) and run("ML404", noisy, min_rise=0.6) == []
    X, y = data
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp = make_pipeline(StandardScaler(), MLPClassifier(max_iter=50, random_state=0)).fit(X, y)
    fact = fitted_fact("mlp", mlp, CELL)
    assert fact is not None and fact.steps[1].loss_curve and run("ML404", fact) == []


# -- ML405 overfitting-gap -------------------------------------------------------------------------


def test_ml405_gap() -> None:
    train = score("accuracy", 1.0, role="train")
    test = score("accuracy", 0.71)
    (f,) = run("ML405", train, test)
    assert "accuracy 1.000 on X_train but 0.710 on X_test (gap 0.29)" in f.message
    assert f.subject == ("model", "X_test") and len(f.evidence) == 2
    assert_live([f])
    assert run("ML405", train, score("accuracy", 0.9)) == []
    assert run("ML405", train, score("accuracy", 0.71, model="other")) == []
    assert run("ML405", score("accuracy", 0.71)) == []


def test_ml405_real_tree() -> None:
    X, y = make_classification(n_samples=1000, flip_y=0.3, random_state=0)
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    tree = DecisionTreeClassifier(random_state=0).fit(X_train, y_train)
    facts = score_facts("tree", tree, "X_train", X_train, y_train, "train", CELL)
    facts += score_facts("tree", tree, "X_test", X_test, y_test, "test", OTHER)
    (f,) = run("ML405", *facts)
    assert f.location == OTHER and f.related[0].location == CELL
    assert "DecisionTreeClassifier" in f.message and "1.000 on X_train" in f.message


# -- ML406 too-good-to-be-true --------------------------------------------------------------------


def test_ml406_near_perfect_with_predictive_features() -> None:
    leak = FrameFact(
        "live",
        OTHER,
        name="df",
        kind="DataFrame",
        n_rows=500,
        n_cols=3,
        predictive=(("refund_issued", 1.0, "copy"), ("tenure", 0.62, "auc"), ("x", 0.9, "corr")),
    )
    s = score("roc_auc", 0.999, positive_rate=0.3)
    a = score("accuracy", 0.995, positive_rate=0.3)
    (f,) = run("ML406", s, a, leak)
    assert "roc_auc 0.999, accuracy 0.995 on X_test" in f.message
    # the features ML202 judges leaks are named, not merely the strongest ones
    assert "'refund_issued' (copies the target);" in f.message
    assert f.evidence[-1].data["features"] == ["refund_issued"]
    assert_live([f])
    (g,) = run("ML406", s)
    assert "Check the most predictive features" in g.message


def test_ml406_good_cases() -> None:
    assert run("ML406", score("roc_auc", 0.93)) == []
    assert run("ML406", score("roc_auc", 1.0, role="train")) == []
    # 99.6% majority: an accuracy of 0.996 is what predicting the majority gives
    assert run("ML406", score("accuracy", 0.996, positive_rate=0.004)) == []
    assert run("ML406", score("r2", 0.995)) != []


# -- ML407 uncalibrated-probabilities --------------------------------------------------------------


def test_ml407_calibration_error() -> None:
    bad = score("accuracy", 0.9, ece=0.18, mean_predicted=0.3, positive_rate=0.12)
    (f,) = run("ML407", bad)
    assert "off by 0.18" in f.message and "2,000 rows" in f.message and "0.300 vs" in f.message
    assert f.severity.value == "info"
    assert_live([f])
    assert run("ML407", score("accuracy", 0.9, ece=0.03)) == []
    assert run("ML407", score("accuracy", 0.9, ece=0.3, n_rows=50)) == []  # too few rows
    assert run("ML407", score("accuracy", 0.9, ece=0.3, role="train")) == []


# -- ML408 prediction-bias -------------------------------------------------------------------------


def test_ml408_bias() -> None:
    (f,) = run("ML408", score("accuracy", 0.9, mean_predicted=0.2, positive_rate=0.03))
    assert "20.0%" in f.message and "3.0%" in f.message and "6.7x" in f.message
    assert "over-predicts" in f.message
    assert_live([f])
    (g,) = run("ML408", score("accuracy", 0.9, mean_predicted=0.05, positive_rate=0.3))
    assert "under-predicts" in g.message
    assert run("ML408", score("accuracy", 0.9, mean_predicted=0.031, positive_rate=0.03)) == []
    assert (
        run("ML408", score("accuracy", 0.9, mean_predicted=0.2, positive_rate=0.03, role="train"))
        == []
    )
    few = score("accuracy", 0.9, mean_predicted=0.2, positive_rate=0.03, n_rows=100)
    assert run("ML408", few) == []  # 3 positives: too noisy


def test_ml407_ml408_real_resampled_training() -> None:
    X, y = make_classification(n_samples=8000, weights=[0.95], flip_y=0.02, random_state=1)
    X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=1)
    rng = np.random.RandomState(0)
    minority = np.flatnonzero(y_train == 1)
    boost = rng.choice(minority, size=(y_train == 0).sum() - len(minority))
    idx = np.r_[np.arange(len(y_train)), boost]  # random oversampling to 50/50
    model = LogisticRegression().fit(X_train[idx], y_train[idx])
    facts = score_facts("model", model, "X_test", X_test, y_test, "test", CELL)
    (f,) = run("ML408", *facts)
    assert "over-predicts" in f.message
    assert run("ML407", *facts)  # and its probabilities are not probabilities
    honest = LogisticRegression().fit(X_train, y_train)
    facts = score_facts("honest", honest, "X_test", X_test, y_test, "test", CELL)
    assert run("ML408", *facts) == [] and run("ML407", *facts) == []


def test_ml406_is_advice_below_the_warning_score_without_a_leaky_feature() -> None:
    from ml_lint_nb.facts.model import ScoreFact
    from ml_lint_nb.facts.store import FactStore
    from ml_lint_nb.findings import Location, Severity
    from ml_lint_nb.rules.evaluation import TooGoodToBeTrue

    where = Location(cell=3, line=1)

    def score(value: float) -> ScoreFact:
        return ScoreFact(
            "live", where, "clf", "LogisticRegression", "X_test", "test", "roc_auc", value, 143
        )

    easy = list(TooGoodToBeTrue().check(FactStore([score(0.991)], modes=("live",))))
    assert [f.severity for f in easy] == [Severity.INFO]
    perfect = list(TooGoodToBeTrue().check(FactStore([score(1.0)], modes=("live",))))
    assert [f.severity for f in perfect] == [Severity.WARNING]
