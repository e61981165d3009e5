"""ML4xx: training and evaluation: numbers that look better than they are."""

from __future__ import annotations

from collections.abc import Iterator

from ml_lint_nb.facts.model import EvaluationFact
from ml_lint_nb.facts.store import FactStore
from ml_lint_nb.findings import Finding, Severity
from ml_lint_nb.rules.base import BOTH, LiveOnlyRule, Rule, Threshold
from ml_lint_nb.rules.common import data_label, est_label, observed, pct, shares_text

HARD_LABEL_METRICS = frozenset(
    {
        "accuracy_score",
        "balanced_accuracy_score",
        "f1_score",
        "precision_score",
        "recall_score",
        "fbeta_score",
        "jaccard_score",
        "matthews_corrcoef",
        "classification_report",
        "confusion_matrix",
        "precision_recall_fscore_support",
        "from_predictions",
        "from_estimator",
        "cohen_kappa_score",
        "hamming_loss",
        "zero_one_loss",
        "score",
    }
)
ACCURACY_METRICS = frozenset({"accuracy_score", "score"})


def is_classifier(ev: EvaluationFact) -> bool:
    if ev.estimator is None:
        return ev.metric != "score"
    kinds = ev.estimator.final.kinds
    return "classifier" in kinds and "dummy" not in kinds


class DefaultThresholdImbalanced(Rule):
    """What it does
    Flags hard ``predict()`` (the implicit 0.5 threshold) used to evaluate a
    probabilistic binary classifier when the notebook shows the target is
    imbalanced.

    Why is this bad?
    On a 97/3 target the 0.5 threshold rarely predicts the minority class:
    recall on the class that matters can be near zero while accuracy looks
    excellent. The threshold is a business decision to tune, not a default.

    Example
    ```python
    y_pred = model.predict(X_test)
    print(classification_report(y_test, y_pred))
    ```

    Use instead
    ```python
    proba = model.predict_proba(X_val)[:, 1]
    precision, recall, thresholds = precision_recall_curve(y_val, proba)
    # choose the threshold on validation data, then apply it to the test set
    ```
    """

    code, name, severity, pitfalls = (
        "ML401",
        "default-threshold-imbalanced",
        Severity.WARNING,
        (50, 62),
    )
    detect = BOTH
    summary = "hard predict() (0.5 threshold) evaluated on an imbalanced binary target"
    fix = "Score with predict_proba and choose the threshold from a precision-recall curve on validation data."
    thresholds = (
        Threshold(
            "max_minority_share",
            0.1,
            "minority share at or below which the 0.5 threshold is suspect",
        ),
    )

    def check(self, store: FactStore) -> Iterator[Finding]:
        limit = self.threshold("max_minority_share")
        for ev in store.of(EvaluationFact):
            if (
                ev.prediction != "predict"
                or ev.metric not in HARD_LABEL_METRICS
                or ev.metric in ACCURACY_METRICS
            ):
                continue
            if ev.estimator is None or not is_classifier(ev):
                continue
            y = ev.y_true
            if (
                y is None
                or y.class_shares is None
                or len(y.class_shares) != 2
                or y.minority_share > limit
            ):
                continue
            yield self.finding(
                f"{ev.metric} evaluates {est_label(ev.estimator)}.predict() — the default 0.5 threshold — "
                f"on {data_label(y)}, whose classes are {shares_text(y.class_shares)}; the minority class is "
                "rarely predicted at 0.5.",
                ev.location,
                subject=(ev.estimator.binding or ev.estimator.cls, data_label(y)),
                evidence=observed(
                    y.class_shares_seen, "class-shares", minority_share=round(y.minority_share, 4)
                ),
            )


class AccuracyOnImbalanced(Rule):
    """What it does
    Flags accuracy (``accuracy_score`` or a classifier's ``.score``)
    reported on a target the notebook shows to be imbalanced.

    Why is this bad?
    On a 97/3 target, predicting the majority class always scores 0.97; an
    accuracy of 0.97 says nothing about the minority class.

    Example
    ```python
    accuracy_score(y_test, model.predict(X_test))  # 0.971
    ```

    Use instead
    ```python
    average_precision_score(y_test, model.predict_proba(X_test)[:, 1])
    balanced_accuracy_score(y_test, y_pred)
    ```
    """

    code, name, severity, pitfalls = "ML402", "accuracy-on-imbalanced", Severity.WARNING, (78,)
    detect = BOTH
    summary = "accuracy reported on an imbalanced target"
    fix = "Report class-aware metrics (recall, precision, PR-AUC, balanced accuracy) next to the majority-class rate."
    thresholds = (
        Threshold(
            "max_minority_share", 0.1, "minority share at or below which accuracy is misleading"
        ),
    )

    def check(self, store: FactStore) -> Iterator[Finding]:
        limit = self.threshold("max_minority_share")
        for ev in store.of(EvaluationFact):
            if ev.metric not in ACCURACY_METRICS or not is_classifier(ev):
                continue
            y = ev.y_true
            if y is None or y.minority_share is None or y.minority_share > limit:
                continue
            majority = max(y.class_shares or (0.0,))
            what = (
                "accuracy_score"
                if ev.metric == "accuracy_score"
                else f"{est_label(ev.estimator)}.score (accuracy)"
            )
            yield self.finding(
                f"{what} on {data_label(y)}, where the majority class alone is {pct(majority)}: "
                f"predicting it always scores {majority:.2f}.",
                ev.location,
                subject=(data_label(y),),
                evidence=observed(
                    y.class_shares_seen, "class-shares", majority_share=round(majority, 4)
                ),
            )


class NotConverged(LiveOnlyRule):
    """What it does
    Reports a ``ConvergenceWarning`` raised in the cell, or ``n_iter_`` equal
    to ``max_iter`` (the signal that survives filtered warnings).

    Why is this bad?
    An unconverged model's coefficients depend on when the solver stopped;
    its scores are not the model's.

    Example
    ```python
    LogisticRegression(max_iter=20).fit(X_train, y_train)
    ```

    Use instead
    ```python
    make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    ```
    """

    code, name, severity, pitfalls = "ML403", "not-converged", Severity.WARNING, (58,)
    summary = "a ConvergenceWarning raised in the cell, or n_iter_ at max_iter"
    fix = "Scale the features and raise max_iter (or loosen tol) until the solver converges."


class UnstableLoss(LiveOnlyRule):
    """What it does
    Finds a loss curve (e.g. an MLP's ``loss_curve_``) that rises markedly
    after falling.

    Why is this bad?
    A rising loss means the learning rate is too high or the data is badly
    scaled; the final weights are not a minimum.

    Example
    ```python
    MLPClassifier(learning_rate_init=1.0).fit(X_train, y_train)
    ```

    Use instead
    ```python
    MLPClassifier(learning_rate_init=1e-3, early_stopping=True)
    ```
    """

    code, name, severity, pitfalls = "ML404", "unstable-loss", Severity.WARNING, (59,)
    summary = "a loss curve that rises markedly after falling"
    fix = "Lower the learning rate, scale the inputs, or enable early stopping."
    thresholds = (
        Threshold(
            "min_rise", 0.2, "relative rise above the running minimum that counts as unstable"
        ),
    )


class OverfittingGap(LiveOnlyRule):
    """What it does
    Compares a fitted model's training score with its test score.

    Why is this bad?
    A large gap means the model memorised the training rows; its test
    score may still be fine, but it is fragile.

    Example
    ```python
    tree.score(X_train, y_train), tree.score(X_test, y_test)  # 1.00, 0.71
    ```

    Use instead
    ```python
    DecisionTreeClassifier(max_depth=5, min_samples_leaf=20)
    ```
    """

    code, name, severity, pitfalls = "ML405", "overfitting-gap", Severity.WARNING, (42,)
    summary = "training score far above test score for the same fitted model"
    fix = "Regularize (depth, leaf size, penalty), get more data, or simplify the model."
    thresholds = (Threshold("max_gap", 0.15, "train minus test score that triggers the rule"),)


class TooGoodToBeTrue(LiveOnlyRule):
    """What it does
    Flags a test score that is near perfect and points at the most
    predictive features to check for leakage.

    Why is this bad?
    Real problems rarely give 0.999 AUC; a perfect score usually means a
    leaked feature or test rows in training.

    Example
    ```python
    roc_auc_score(y_test, proba)  # 1.0
    ```

    Use instead
    ```python
    # inspect the top features; drop those recorded after the outcome
    ```
    """

    code, name, severity, pitfalls = "ML406", "too-good-to-be-true", Severity.WARNING, (40,)
    summary = "a near-perfect test score"
    fix = "Audit the most predictive features and the split for leakage before trusting the score."
    thresholds = (Threshold("min_score", 0.99, "test score from which a result is suspicious"),)


class UncalibratedProbabilities(LiveOnlyRule):
    """What it does
    Measures the expected calibration error of predicted probabilities.

    Why is this bad?
    Probabilities that are used as probabilities (risk scores, expected
    costs) mislead when 0.8 means 0.5.

    Example
    ```python
    SVC(probability=True).predict_proba(X_test)
    ```

    Use instead
    ```python
    CalibratedClassifierCV(model, method="isotonic")
    ```
    """

    code, name, severity, pitfalls = "ML407", "uncalibrated-probabilities", Severity.INFO, (75,)
    summary = "predicted probabilities whose calibration error is large"
    fix = "Calibrate with CalibratedClassifierCV on held-out data, and check a reliability curve."
    thresholds = (Threshold("max_ece", 0.1, "expected calibration error that triggers the rule"),)


class PredictionBias(LiveOnlyRule):
    """What it does
    Compares the mean predicted probability with the observed positive rate.

    Why is this bad?
    A model predicting 20% positives on a 3% base rate is biased: often a
    resampled training set whose prior was never corrected.

    Example
    ```python
    model.fit(*SMOTE().fit_resample(X_train, y_train))
    ```

    Use instead
    ```python
    # correct the prior, or calibrate on data with the true class ratio
    ```
    """

    code, name, severity, pitfalls = "ML408", "prediction-bias", Severity.WARNING, (77,)
    summary = "mean predicted probability far from the observed positive rate"
    fix = "Calibrate on data with the true class balance, or correct for the resampled prior."
    thresholds = (
        Threshold(
            "max_ratio", 2.0, "ratio of predicted to observed positive rate that triggers the rule"
        ),
    )


class OverallMetricOnly(Rule):
    """What it does
    Flags a multi-class target evaluated with one overall number, with no
    per-class report (``classification_report``, a confusion matrix) for the
    same data anywhere in the notebook.

    Why is this bad?
    An overall accuracy of 0.9 can hide a class that is never predicted;
    averages hide the weakest class or segment.

    Example
    ```python
    X, y = load_wine(return_X_y=True)
    accuracy_score(y_test, model.predict(X_test))
    ```

    Use instead
    ```python
    print(classification_report(y_test, model.predict(X_test)))
    ```
    """

    code, name, severity, pitfalls = "ML409", "overall-metric-only", Severity.INFO, (64, 67, 88)
    detect = BOTH
    summary = "a multi-class target evaluated with one overall number"
    fix = (
        "Report per-class metrics (classification_report, confusion matrix) and the weakest class."
    )
    thresholds = (
        Threshold("min_classes", 3, "number of classes from which per-class reporting is expected"),
    )

    def check(self, store: FactStore) -> Iterator[Finding]:
        min_classes = self.threshold("min_classes")
        evs = list(store.of(EvaluationFact))
        per_class_roots = {
            p[0]
            for ev in evs
            if ev.per_class and ev.y_true is not None
            for p in ev.y_true.rows.paths
        }
        reported: set[str] = set()
        for ev in evs:
            y = ev.y_true
            if ev.per_class or y is None or y.n_classes is None or y.n_classes < min_classes:
                continue
            if ev.estimator is not None and "classifier" not in ev.estimator.final.kinds:
                continue
            roots = {p[0] for p in y.rows.paths}
            if roots & per_class_roots or roots & reported:
                continue
            reported |= roots
            yield self.finding(
                f"{ev.metric} gives one overall number for {data_label(y)}, a {y.n_classes}-class target, "
                "and the notebook reports no per-class metric for it; the weakest class stays hidden.",
                ev.location,
                subject=(data_label(y),),
            )
