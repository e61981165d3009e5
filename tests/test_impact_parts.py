"""The parts of impact measurement: data copies, the metric, the verdict, the renderers, JSON.

The kernel-level behaviour (``%mlcheck impact`` in a shell) is in
``test_impact.py``; here each part is held to its contract with constructed
inputs, including the honest refits of ML201, ML204, ML207 and ML211 on
seeded synthetic data.
"""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

np = pytest.importorskip("numpy")
pd = pytest.importorskip("pandas")
pytest.importorskip("sklearn")

from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import roc_auc_score  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from ml_lint_nb.findings import (  # noqa: E402
    FileResult,
    Finding,
    Impact,
    Location,
    RunResult,
    Severity,
    finding_from_json,
    merge_findings,
)
from ml_lint_nb.impact import data  # noqa: E402
from ml_lint_nb.impact.measure import Settings, measure  # noqa: E402
from ml_lint_nb.impact.metrics import MetricError, metric_for  # noqa: E402
from ml_lint_nb.impact.plan import (  # noqa: E402
    COLUMN,
    COPIES,
    FIT_CONTAINS_EVAL,
    GROUPED,
    TEMPORAL,
    TRANSFORMER,
    Leak,
    Setup,
)
from ml_lint_nb.impact.verdict import (  # noqa: E402
    Arm,
    Thresholds,
    _weighted_auc,
    difference_interval,
    judge,
)

AUC = metric_for("roc_auc_score", "predict_proba", {}, "classifier", 2)
ACCURACY = metric_for("accuracy_score", "predict", {}, "classifier", 2)


def finding(code: str, *subject: str) -> Finding:
    return Finding(code, "name", Severity.ERROR, "m", Location(), "fix", (40,), subject=subject)


def impact(**changes: object) -> Impact:
    base = Impact(
        metric="ROC AUC",
        leaky=0.961,
        honest=0.78,
        verdict="material",
        method="A clone of model refitted on X_train without 'retention_call'.",
        evaluation_rows="same",
        leaky_label="with 'retention_call'",
        honest_label="without",
        n_leaky=750,
        n_honest=750,
        difference=0.181,
        interval=(0.14, 0.22),
    )
    return replace(base, **changes)


# -- data: copies, never the user's ------------------------------------------------------------


def test_copies_are_new_objects_of_every_kind() -> None:
    frame = pd.DataFrame({"a": [1.0, 2.0], "b": ["x", "y"]})
    arr = np.arange(6.0).reshape(3, 2)
    for obj in (frame, frame["a"], arr):
        twin = data.copy(obj)
        assert twin is not obj
        if isinstance(twin, np.ndarray):
            twin[0] = -1
            assert arr[0, 0] == 0
        elif twin.ndim == 1:
            twin.iloc[0] = -1
        else:
            twin.iloc[0, 0] = -1
    assert frame.loc[0, "a"] == 1.0
    with pytest.raises(data.DataError):
        data.copy(object())


def test_columns_dropped_or_held_constant_by_label() -> None:
    frame = pd.DataFrame({"a": [1, 2, 2], "flag": [0, 1, 1]})
    assert list(data.drop_columns(frame, ["flag"]).columns) == ["a"]
    assert data.constant_columns(frame, ["flag"], frame)["flag"].tolist() == [1, 1, 1]
    arr = np.array([[1.0, 5.0], [2.0, 5.0], [3.0, 6.0]])
    assert data.drop_columns(arr, ["x1"]).shape == (3, 1)
    assert data.constant_columns(arr, ["x1"], arr)[:, 1].tolist() == [5.0, 5.0, 5.0]
    with pytest.raises(data.DataError):
        data.drop_columns(frame, ["missing"])


def test_locate_hands_out_equal_rows_in_turn() -> None:
    within = np.array([5, 3, 5, 7, 3])
    assert data.locate(np.array([3, 5, 5, 9, 3, 3]), within).tolist() == [1, 0, 2, -1, 4, 1]


# -- metrics -------------------------------------------------------------------------------------


def test_metric_as_the_notebook_computed_it() -> None:
    assert AUC.label == "ROC AUC" and AUC.prediction == "score" and AUC.higher_is_better
    f1 = metric_for("f1_score", "predict", {"average": "weighted"}, "classifier", 3)
    assert f1.label == "F1 (weighted)" and f1.kwargs == {"average": "weighted"}
    assert metric_for("f1_score", "predict", {}, "classifier", 3).kwargs == {"average": "macro"}
    assert metric_for("roc_auc_score", None, {}, "classifier", 3).prediction == "proba"
    assert metric_for("score", None, {}, "regressor", 0).label == "R²"
    assert metric_for("score", None, {}, "classifier", 2).label == "accuracy"
    mse = metric_for("mean_squared_error", "predict", {}, "regressor", 0)
    assert not mse.higher_is_better
    with pytest.raises(MetricError):
        metric_for("my_metric", None, {}, "classifier", 2)


def test_weighted_auc_is_roc_auc_of_the_repeated_rows() -> None:
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 400)
    score = np.round(rng.random(400), 2)  # ties count half
    w = np.bincount(rng.integers(0, 400, 400), minlength=400)
    rows = np.repeat(np.arange(400), w)
    assert _weighted_auc(y, score, w) == pytest.approx(roc_auc_score(y[rows], score[rows]))


# -- the verdict ---------------------------------------------------------------------------------


def _arms(n: int, leaky_right: float, honest_right: float, seed: int = 0) -> tuple[Arm, Arm]:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    leaky = np.where(rng.random(n) < leaky_right, y, 1 - y)
    honest = np.where(rng.random(n) < honest_right, y, 1 - y)
    idx = np.arange(n)
    return Arm(y, leaky, "eval", idx, n), Arm(y, honest, "eval", idx, n)


def test_a_clear_inflation_is_material() -> None:
    leaky, honest = _arms(2000, 0.95, 0.80)
    interval = difference_interval(leaky, honest, ACCURACY, 1.0, Thresholds(), 0)
    assert interval is not None and interval[0] > 0.1
    verdict = judge(ACCURACY, 0.95, 0.80, interval, Thresholds())
    assert verdict == "material"


def test_a_difference_within_the_noise_is_small() -> None:
    leaky, honest = _arms(100, 0.90, 0.88)
    interval = difference_interval(leaky, honest, ACCURACY, 1.0, Thresholds(), 0)
    assert interval is not None and interval[0] <= 0 <= interval[1]
    assert judge(ACCURACY, 0.90, 0.88, interval, Thresholds()) == "small"


def test_beyond_noise_but_under_the_gap_is_small() -> None:
    assert judge(ACCURACY, 0.905, 0.90, (0.001, 0.009), Thresholds()) == "small"
    assert judge(ACCURACY, 0.905, 0.90, (0.001, 0.009), Thresholds(material_gap=0.004)) == (
        "material"
    )


def test_honest_better_beyond_noise_is_none() -> None:
    assert judge(ACCURACY, 0.80, 0.90, (-0.14, -0.06), Thresholds()) == "none"


def test_errors_are_judged_the_other_way_and_relative() -> None:
    mse = metric_for("mean_squared_error", "predict", {}, "regressor", 0)
    # leaky 2.0 against honest 4.0: the leak flatters (lower is better); gap is 1% of 4.0
    assert judge(mse, 2.0, 4.0, (1.5, 2.5), Thresholds()) == "material"
    assert judge(mse, 3.99, 4.0, (0.001, 0.02), Thresholds()) == "small"


def test_no_interval_needs_three_gaps() -> None:
    assert judge(ACCURACY, 0.95, 0.93, None, Thresholds()) == "small"
    assert judge(ACCURACY, 0.95, 0.90, None, Thresholds()) == "material"


# -- honest refits on constructed setups ---------------------------------------------------------


def _classification(n: int = 1200, seed: int = 0) -> tuple[pd.DataFrame, pd.Series]:
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n), "c": rng.normal(size=n)})
    y = pd.Series(((X.a + X.b + rng.normal(scale=1.2, size=n)) > 0).astype(int), name="y")
    return X, y


def _setup(model, X_fit, y_fit, X_eval, y_eval, metric=AUC, name="model") -> Setup:
    return Setup(name, model, X_fit, y_fit, X_eval, y_eval, "X_train", "X_test", metric)


def test_copies_left_out_of_the_evaluation_rows() -> None:
    from sklearn.ensemble import RandomForestClassifier

    X, y = _classification()
    X_train, X_test, y_train, y_test = X.iloc[:900], X.iloc[900:], y.iloc[:900], y.iloc[900:]
    X_test = pd.concat([X_test, X_train.iloc[:200]])
    y_test = pd.concat([y_test, y_train.iloc[:200]])
    model = RandomForestClassifier(n_estimators=50, random_state=0).fit(X_train, y_train)
    report = measure(
        _setup(model, X_train, y_train, X_test, y_test), [Leak(finding("ML201"), COPIES)]
    )
    (got,) = [f.impact for f in report.measured]
    assert got.evaluation_rows == "subset" and got.n_leaky == 500 and got.n_honest == 300
    assert got.honest_label == "without the 200 copies"
    assert got.leaky > got.honest and got.verdict == "material"


def test_fit_on_the_evaluation_rows_refitted_on_the_training_part() -> None:
    from sklearn.tree import DecisionTreeClassifier

    X, y = _classification()
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=0)
    model = DecisionTreeClassifier(random_state=0).fit(X, y)  # all rows, test rows included
    setup = _setup(model, X, y, X_test, y_test, ACCURACY)
    report = measure(setup, [Leak(finding("ML204", "model", "X"), FIT_CONTAINS_EVAL)])
    (got,) = [f.impact for f in report.measured]
    assert got.leaky == 1.0 and got.honest < 0.9 and got.verdict == "material"
    assert got.evaluation_rows == "same" and "960 rows of X_train" in got.method


def test_a_training_score_is_compared_out_of_fold() -> None:
    from sklearn.tree import DecisionTreeClassifier

    X, y = _classification(600)
    model = DecisionTreeClassifier(random_state=0).fit(X, y)
    report = measure(
        _setup(model, X, y, X, y, ACCURACY), [Leak(finding("ML204"), FIT_CONTAINS_EVAL)]
    )
    (got,) = [f.impact for f in report.measured]
    assert got.honest_label == "out of fold" and got.leaky == 1.0 and got.honest < 0.9


def test_dated_rows_split_in_time_order() -> None:
    from sklearn.ensemble import GradientBoostingRegressor

    rng = np.random.default_rng(2)
    n = 800
    dates = pd.date_range("2021-01-01", periods=n, freq="D")
    frame = pd.DataFrame({"days": np.arange(n), "promo": rng.integers(0, 2, n)}, index=dates)
    y = pd.Series(np.linspace(0, 40, n) + 5 * frame.promo + rng.normal(0, 2, n), index=dates)
    X_train, X_test, y_train, y_test = train_test_split(frame, y, test_size=0.25, random_state=0)
    model = GradientBoostingRegressor(random_state=0).fit(X_train, y_train)
    mae = metric_for("mean_absolute_error", "predict", {}, "regressor", 0)
    leak = Leak(
        finding("ML207", "train", "test"),
        TEMPORAL,
        column="date",
        groups_fit=X_train.index.to_numpy(),
        groups_eval=X_test.index.to_numpy(),
    )
    report = measure(_setup(model, X_train, y_train, X_test, y_test, mae), [leak])
    (got,) = [f.impact for f in report.measured]
    assert got.evaluation_rows == "new" and got.n_honest == 200
    assert got.honest > got.leaky and got.verdict == "material"  # MAE: lower is better
    assert "the latest 25% held out" in got.method


def test_grouped_split_keeps_each_entity_on_one_side() -> None:
    X, y = _classification(900)
    groups = np.repeat(np.arange(300), 3)
    model = LogisticRegression().fit(X.iloc[:600], y.iloc[:600])
    leak = Leak(
        finding("ML211", "X_train", "X_test"),
        GROUPED,
        column="patient_id",
        groups_fit=groups[:600],
        groups_eval=groups[600:],
    )
    report = measure(_setup(model, X.iloc[:600], y.iloc[:600], X.iloc[600:], y.iloc[600:]), [leak])
    (got,) = [f.impact for f in report.measured]
    assert got.evaluation_rows == "new" and "GroupShuffleSplit" in got.method


def test_transformer_with_rows_gone_uses_its_inverse_on_a_copy() -> None:
    X, y = _classification()
    X = X * [1.0, 100.0, 1000.0]
    scaler = StandardScaler().fit(X)
    Z = pd.DataFrame(scaler.transform(X), columns=X.columns)
    X_train, X_test, y_train, y_test = train_test_split(Z, y, test_size=0.25, random_state=0)
    model = LogisticRegression().fit(X_train, y_train)
    mean = scaler.mean_.copy()
    leak = Leak(
        finding("ML203", "scaler", "X"),
        TRANSFORMER,
        transformer=scaler,
        transformer_name="scaler",
        transformer_X=None,  # overwritten in place: no name holds the raw rows any more
    )
    report = measure(_setup(model, X_train, y_train, X_test, y_test), [leak])
    (got,) = [f.impact for f in report.measured]
    assert "inverse_transform on a copy" in got.method and got.honest_label == "inside a Pipeline"
    assert np.array_equal(scaler.mean_, mean)


def test_a_leak_that_cannot_be_measured_is_one_note() -> None:
    X, y = _classification()
    model = LogisticRegression().fit(X.iloc[:900], y.iloc[:900])
    setup = _setup(model, X.iloc[:900], y.iloc[:900], X.iloc[900:], y.iloc[900:])
    report = measure(
        setup,
        [
            Leak(finding("ML202", "nope"), COLUMN, columns=("nope",)),
            Leak(finding("ML203", "hand"), TRANSFORMER, refusal="a statistic computed by hand"),
        ],
    )
    assert report.measured == []
    assert report.notes == [
        "ML202 (nope) not measured: X_train (what model was fitted on) has no column 'nope'",
        "ML203 (hand) not measured: a statistic computed by hand",
    ]


def test_the_budget_is_checked_before_each_refit() -> None:
    X, y = _classification()
    model = LogisticRegression().fit(X.iloc[:900], y.iloc[:900])
    setup = _setup(model, X.iloc[:900], y.iloc[:900], X.iloc[900:], y.iloc[900:])
    report = measure(
        setup, [Leak(finding("ML202", "c"), COLUMN, columns=("c",))], Settings(seconds=0.0)
    )
    assert report.out_of_time and report.refits == 1 and report.measured == []
    assert report.notes[0].startswith("not measured within the 0 s budget: ML202 (c)")


# -- the finding's impact: JSON, merge, renderers ------------------------------------------------


def test_impact_round_trips_through_json_and_the_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    from ml_lint_nb.render.json_format import render_json
    from ml_lint_nb.schema import load_findings_schema

    f = replace(finding("ML202", "retention_call"), impact=impact())
    doc = json.loads(render_json(RunResult(files=[FileResult("nb.ipynb", findings=[f])]), "0.1"))
    jsonschema.Draft202012Validator(load_findings_schema()).validate(doc)
    data_ = doc["files"][0]["findings"][0]
    assert data_["impact"]["text"] == (
        "ROC AUC 0.961 with 'retention_call', 0.780 without: material"
    )
    assert finding_from_json(data_).impact == impact()
    plain = finding("ML202", "x")
    assert "impact" not in plain.to_json()  # only findings that were measured carry it
    bad = dict(data_, impact={"metric": "x"})
    assert finding_from_json(bad).impact is None


def test_a_merge_keeps_the_measured_impact() -> None:
    static = replace(finding("ML203", "scaler", "X"), sources=("static",))
    live = replace(finding("ML203", "scaler", "X"), sources=("live",), impact=impact())
    (merged,) = merge_findings([static, live])
    assert merged.impact == impact()


def test_text_and_plain_show_both_scores() -> None:
    from ml_lint_nb.render.mimebundle import render_plain
    from ml_lint_nb.render.text import render_text

    f = replace(finding("ML202", "retention_call"), impact=impact())
    text = render_text(RunResult(files=[FileResult("nb.ipynb", findings=[f])]))
    assert (
        "    impact: ROC AUC 0.961 with 'retention_call', 0.780 without: material "
        "(+0.181, 90% interval +0.140 to +0.220; the same 750 rows)"
    ) in text
    assert "impact: ROC AUC 0.961" in render_plain([f], title="impact on model")
    assert render_plain([f], title="impact on model").startswith("ml-lint-nb — impact on model:")


def test_html_shows_the_two_scores_side_by_side_escaped() -> None:
    from ml_lint_nb.render.html import render_html

    f = replace(
        finding("ML202", "<b>col</b>"),
        impact=impact(leaky_label="with '<b>col</b>'", verdict="small"),
    )
    html = render_html([f], title="impact on model")
    assert "<b>col</b>" not in html and "&lt;b&gt;col&lt;/b&gt;" in html
    assert "ml-lint-nb — impact on model" in html
    row = html[html.index('class="ml-lint-nb-impact"') :]
    assert row.index("0.961") < row.index("0.780") < row.index(">small<")
    assert "impact: small" in html


def test_html_of_an_impact_passes_jupyterlabs_sanitizer() -> None:
    from test_display_frontends import _lab_rejections

    from ml_lint_nb.render.html import render_html

    for verdict in ("material", "small", "none"):
        f = replace(finding("ML202", "c"), impact=impact(verdict=verdict))
        assert _lab_rejections(render_html([f], title="impact on model")) == []


def test_sarif_and_github_carry_the_impact() -> None:
    from ml_lint_nb.render.github import render_github
    from ml_lint_nb.render.sarif import render_sarif

    f = replace(finding("ML202", "retention_call"), impact=impact())
    run = RunResult(files=[FileResult("nb.ipynb", findings=[f])])
    sarif = json.loads(render_sarif(run, [], "0.1"))
    assert sarif["runs"][0]["results"][0]["properties"]["impact"]["verdict"] == "material"
    assert "%0AImpact: ROC AUC 0.961 with 'retention_call', 0.780 without" in render_github(run)


def test_impact_settings_from_the_configuration(tmp_path) -> None:
    from ml_lint_nb.config import find_config
    from ml_lint_nb.ipython.session import LiveSession

    (tmp_path / "pyproject.toml").write_text(
        "[tool.ml-lint-nb.live]\nimpact_seconds = 5\nimpact_material_gap = 0.02\n"
    )
    session = LiveSession(shell=None, config=find_config(tmp_path), recorder=None)
    assert session.limits.impact_seconds == 5.0
    assert session.limits.impact_material_gap == 0.02


def test_a_difference_below_the_shown_precision_reads_as_none() -> None:
    from ml_lint_nb.render.text import impact_line

    tiny = impact(leaky=0.8981, honest=0.8979, difference=0.0002, interval=(-0.0001, 0.0004))
    assert impact_line(tiny).endswith("(no difference; the same 750 rows)")
