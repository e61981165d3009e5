"""ML4xx: training and evaluation: numbers that look better than they are."""

from __future__ import annotations

import math
from collections.abc import Iterator

from ml_lint_nb.facts.location import same_cell
from ml_lint_nb.facts.model import (
    EvaluationFact,
    FittedFact,
    FrameFact,
    ScoreFact,
    WarningFact,
    iter_fitted,
)
from ml_lint_nb.facts.store import FactStore
from ml_lint_nb.findings import Evidence, Finding, Related, Severity
from ml_lint_nb.rules.base import BOTH, LIVE, Rule, Threshold
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
# Scores of a clustering (against labels or of the geometry alone): no per-class view exists.
CLUSTERING_METRICS = frozenset(
    {
        "adjusted_rand_score",
        "rand_score",
        "adjusted_mutual_info_score",
        "normalized_mutual_info_score",
        "mutual_info_score",
        "homogeneity_score",
        "completeness_score",
        "v_measure_score",
        "homogeneity_completeness_v_measure",
        "fowlkes_mallows_score",
        "silhouette_score",
        "silhouette_samples",
        "calinski_harabasz_score",
        "davies_bouldin_score",
        "contingency_matrix",
        "pair_confusion_matrix",
        "consensus_score",
    }
)


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
        # one finding per prediction (model, fitted state, rows): the metrics computed from
        # the same hard labels are one event, listed as related
        groups: dict[tuple, list[EvaluationFact]] = {}
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
            if _fitted_on_balanced_labels(ev, limit):
                continue  # resampled for training: 0.5 sits at the balanced prior it learned
            key = (
                ev.estimator.est_id,
                ev.fit.location.sort_key() if ev.fit is not None else None,
                ev.X.rows.paths if ev.X is not None else None,
                y.rows.paths,
            )
            groups.setdefault(key, []).append(ev)
        for evs in groups.values():
            ev = evs[0]
            y = ev.y_true
            assert y is not None and y.class_shares is not None and ev.estimator is not None
            metrics = list(dict.fromkeys(e.metric for e in evs))
            yield self.finding(
                f"{' and '.join(metrics[:4])} evaluate{'s' if len(metrics) == 1 else ''} "
                f"{est_label(ev.estimator)}.predict() — the default 0.5 threshold — "
                f"on {data_label(y)}, whose classes are {shares_text(y.class_shares)}; the minority class is "
                "rarely predicted at 0.5.",
                ev.location,
                subject=(ev.estimator.binding or ev.estimator.cls, data_label(y)),
                related=[
                    Related(e.location, f"{e.metric} of the same predictions") for e in evs[1:6]
                ],
                evidence=observed(
                    y.class_shares_seen, "class-shares", minority_share=round(y.minority_share, 4)
                ),
            )


def _fitted_on_balanced_labels(ev: EvaluationFact, limit: float) -> bool:
    """The evaluated model learned from labels known to be balanced (after a resampler).

    ML401's premise is about the labels the model was fitted on as much as
    those it is scored on: a model fitted on balanced labels does predict the
    minority class at 0.5. Known only when the fit's labels were observed.
    """
    fit_y = ev.fit.y if ev.fit is not None else None
    if fit_y is None or not fit_y.class_shares or len(fit_y.class_shares) != 2:
        return False
    return fit_y.class_shares_seen is not None and not fit_y.imbalanced(limit)


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
            if y is None or not y.imbalanced(limit):
                continue
            majority = max(y.class_shares or (0.0,))
            what = (
                "accuracy_score"
                if ev.metric == "accuracy_score"
                else f"{est_label(ev.estimator)}.score (accuracy)"
            )
            if ev.estimator is not None and "spark" in ev.estimator.kinds:
                what = 'an evaluator\'s metricName="accuracy"'  # Spark ML's evaluators
            yield self.finding(
                f"{what} on {data_label(y)}, where the majority class alone is {pct(majority)}: "
                f"predicting it always scores {majority:.2f}.",
                ev.location,
                subject=(data_label(y),),
                evidence=observed(
                    y.class_shares_seen, "class-shares", majority_share=round(majority, 4)
                ),
            )


# -- live scores (ML403-ML408) ------------------------------------------------------------------

HIGHER_IS_BETTER = frozenset({"accuracy", "roc_auc", "r2"})
HELD_OUT = frozenset({"test", "validation"})


def first_line(text: str, limit: int = 160) -> str:
    line = text.strip().splitlines()[0].rstrip(" :") if text.strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


def feature_score(score: float, how: str) -> str:
    if how == "copy":
        return "copies the target"
    return f"{'AUC' if how == 'auc' else 'correlation'} {score:.2f}"


def score_evidence(s: ScoreFact) -> Evidence:
    """One kernel-measured score as evidence: metric, value, rows and the binary extras."""
    rows = f"{s.n_rows:,} rows" + (" (sampled)" if s.sampled else "")
    text = f"{s.model}: {s.metric} {s.value:.3f} on {s.data} ({s.role}, {rows})"
    data: dict[str, object] = {
        "metric": s.metric,
        "value": round(s.value, 4),
        "role": s.role,
        "data": s.data,
        "n_rows": s.n_rows,
        "sampled": s.sampled,
    }
    extras = (
        ("positive_rate", s.positive_rate, "positive rate"),
        ("mean_predicted", s.mean_predicted, "mean predicted"),
        ("ece", s.ece, "ECE"),
        ("recall_at_default", s.recall_at_default, "minority recall at predict()"),
        ("suggested_threshold", s.suggested_threshold, "F1-best threshold"),
        ("recall_at_suggested", s.recall_at_suggested, "recall there"),
    )
    shown = []
    for key, value, label in extras:
        if value is not None:
            data[key] = round(value, 4)
            shown.append(f"{label} {value:.3f}")
    if shown:
        text += "; " + ", ".join(shown)
    return Evidence(s.source, "score", text, data)


class NotConverged(Rule):
    """What it does
    Reports a ``ConvergenceWarning`` raised in the cell, or a fitted
    iterative estimator whose ``n_iter_`` reached ``max_iter`` (the signal
    that survives filtered warnings). Estimators whose ``max_iter`` counts
    boosting rounds or fixed optimisation steps (histogram gradient
    boosting, t-SNE) are not judged by ``n_iter_``.

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
    detect = LIVE
    summary = "a ConvergenceWarning raised in the cell, or n_iter_ at max_iter"
    fix = "Scale the features and raise max_iter (or loosen tol) until the solver converges."

    WARNING = "ConvergenceWarning"
    # max_iter is a number of boosting rounds / a fixed step count, not a solver's limit
    ROUNDS = frozenset({"HistGradientBoostingClassifier", "HistGradientBoostingRegressor", "TSNE"})

    def check(self, store: FactStore) -> Iterator[Finding]:
        warned = [w for w in store.of(WarningFact) if w.category == self.WARNING]
        fitted = [f for top in store.of(FittedFact) for f, _outer in iter_fitted(top)]
        explained: set[int] = set()
        reported: set[tuple[object, str]] = set()
        for f in fitted:
            if f.cls in self.ROUNDS or f.n_iter is None or f.max_iter is None:
                continue
            if f.n_iter < f.max_iter or (f.location, f.name) in reported:
                continue
            reported.add((f.location, f.name))
            here = [w for w in warned if same_cell(w.location, f.location)]
            explained.update(id(w) for w in here)
            signal = (
                "and a ConvergenceWarning was raised in this cell"
                if here
                else "though no ConvergenceWarning was shown (warnings may be filtered)"
            )
            evidence = [
                Evidence(
                    f.source,
                    "n-iter",
                    f"{f.name}.n_iter_ = {f.n_iter:,}, max_iter = {f.max_iter:,}",
                    {"n_iter": f.n_iter, "max_iter": f.max_iter},
                )
            ]
            evidence += [self.warning_evidence(w) for w in here[:1]]
            yield self.finding(
                f"{f.name} ({f.cls}) stopped at its iteration limit (n_iter_ = {f.n_iter:,} = "
                f"max_iter) {signal}; its fitted state is where the solver stopped, not an optimum. "
                "Scale the features and raise max_iter.",
                f.location,
                subject=(f.name,),
                evidence=evidence,
            )
        by_cell: dict[object, list[WarningFact]] = {}
        for w in warned:
            if id(w) not in explained:
                key = w.location.cell_id or w.location.cell
                by_cell.setdefault(key, []).append(w)
        for group in by_cell.values():
            first = group[0]
            models = [
                f
                for f in fitted
                if same_cell(f.location, first.location)
                and (f.max_iter is not None or f.n_iter is not None)
            ]
            names = ", ".join(f"{f.name} ({f.cls})" for f in models[:3])
            what = f"the model fitted here ({names})" if names else "a model fitted in this cell"
            origin = f" from {first.module}" if first.module else ""
            count = f" ({len(group)} times)" if len(group) > 1 else ""
            yield self.finding(
                f"A ConvergenceWarning was raised in this cell{origin}{count}: "
                f"“{first_line(first.message)}”; {what} did not converge, so its scores are "
                "not the model's. Scale the features and raise max_iter.",
                first.location,
                subject=tuple(f.name for f in models[:1]) or (first.module or self.WARNING,),
                evidence=[self.warning_evidence(first)],
            )

    @staticmethod
    def warning_evidence(w: WarningFact) -> Evidence:
        return Evidence(
            w.source,
            "warning",
            f"{w.category}: {first_line(w.message)}",
            {"category": w.category, "module": w.module},
        )


class UnstableLoss(Rule):
    """What it does
    Finds a loss curve (e.g. an MLP's ``loss_curve_``) that rises markedly
    after falling: some later loss lies more than ``min_rise`` (relative)
    above the lowest loss reached before it.

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
    detect = LIVE
    summary = "a loss curve that rises markedly after falling"
    fix = "Lower the learning rate, scale the inputs, or enable early stopping."
    thresholds = (
        Threshold(
            "min_rise", 0.2, "relative rise above the running minimum that counts as unstable"
        ),
    )

    def check(self, store: FactStore) -> Iterator[Finding]:
        limit = self.threshold("min_rise")
        for top in store.of(FittedFact):
            for f, _outer in iter_fitted(top):
                rise = self.worst_rise(f.loss_curve)
                if rise is None or rise[0] <= limit:
                    continue
                rel, low_i, low, high_i, high = rise
                curve = f.loss_curve
                yield self.finding(
                    f"{f.name} ({f.cls}): loss_curve_ fell to {low:.4g} at iteration {low_i + 1}, "
                    f"then rose to {high:.4g} at iteration {high_i + 1} ({rel:.0%} above that minimum); "
                    f"the final loss is {curve[-1]:.4g}. The training is unstable: the learning rate "
                    "is too high or the inputs are badly scaled.",
                    f.location,
                    subject=(f.name,),
                    evidence=[
                        Evidence(
                            f.source,
                            "loss-curve",
                            f"{f.name}.loss_curve_: {len(curve)} points, start {curve[0]:.4g}, "
                            f"minimum {low:.4g} (iteration {low_i + 1}), peak after it {high:.4g} "
                            f"(iteration {high_i + 1}), final {curve[-1]:.4g}",
                            {
                                "minimum": low,
                                "minimum_at": low_i + 1,
                                "peak": high,
                                "peak_at": high_i + 1,
                                "rise": round(rel, 4),
                                "points": len(curve),
                            },
                        )
                    ],
                )

    @staticmethod
    def worst_rise(curve: tuple[float, ...]) -> tuple[float, int, float, int, float] | None:
        """(relative rise, index of the minimum, minimum, index of the peak, peak) or None.

        The rise is measured from the running minimum, relative to it
        (floored at 1% of the first loss so a loss near 0 does not blow up).
        """
        values = [v for v in curve if math.isfinite(v)]
        if len(values) < 3:
            return None
        floor = max(0.01 * abs(values[0]), 1e-12)
        low, low_i = values[0], 0
        worst: tuple[float, int, float, int, float] | None = None
        for i, v in enumerate(values):
            if v < low:
                low, low_i = v, i
                continue
            rel = (v - low) / max(abs(low), floor)
            if rel > 0 and (worst is None or rel > worst[0]):
                worst = (rel, low_i, low, i, v)
        return worst


class OverfittingGap(Rule):
    """What it does
    Compares a fitted model's training score with its test (or validation)
    score, both measured by the kernel on the rows the cell predicted on.

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
    detect = LIVE
    summary = "training score far above test score for the same fitted model"
    fix = "Regularize (depth, leaf size, penalty), get more data, or simplify the model."
    thresholds = (Threshold("max_gap", 0.15, "train minus test score that triggers the rule"),)

    def check(self, store: FactStore) -> Iterator[Finding]:
        limit = self.threshold("max_gap")
        scores = [s for s in store.of(ScoreFact) if s.metric in HIGHER_IS_BETTER]
        train: dict[tuple[str, str, str], ScoreFact] = {}
        for s in scores:  # the latest training score per model and metric
            if s.role == "train":
                train[(s.model, s.cls, s.metric)] = s
        groups: dict[tuple[object, str, str], list[tuple[ScoreFact, ScoreFact]]] = {}
        for s in scores:
            if s.role not in HELD_OUT:
                continue
            t = train.get((s.model, s.cls, s.metric))
            if t is None or t.value - s.value < limit:
                continue
            groups.setdefault((s.location, s.model, s.data), []).append((t, s))
        for pairs in groups.values():
            pairs = list({s.metric: (t, s) for t, s in pairs}.values())
            t0, s0 = max(pairs, key=lambda p: p[0].value - p[1].value)
            parts = "; ".join(
                f"{s.metric} {t.value:.3f} on {t.data} but {s.value:.3f} on {s.data}"
                for t, s in pairs
            )
            yield self.finding(
                f"{s0.model} ({s0.cls}) scores {parts} (gap {t0.value - s0.value:.2f}); "
                "it fits the training rows far better than new ones.",
                s0.location,
                subject=(s0.model, s0.data),
                related=[Related(t0.location, "train score")] if t0.location != s0.location else [],
                evidence=[score_evidence(f) for t, s in pairs for f in (t, s)],
            )


class TooGoodToBeTrue(Rule):
    """What it does
    Flags a test (or validation) score that is near perfect (accuracy, ROC
    AUC or R² at least ``min_score``), and points at the most predictive
    single features to check for leakage. Accuracy does not count when the
    majority class alone reaches ``min_score``.

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
    detect = LIVE
    summary = "a near-perfect test score"
    fix = "Audit the most predictive features and the split for leakage before trusting the score."
    thresholds = (
        Threshold("min_score", 0.99, "test score from which a result is worth a note (info)"),
        Threshold(
            "warn_score",
            0.999,
            "test score from which it is a warning even with no single leaky-looking feature "
            "(some problems, like load_breast_cancer, really are that easy at 0.99)",
        ),
    )

    def check(self, store: FactStore) -> Iterator[Finding]:
        limit = self.threshold("min_score")
        warn = self.threshold("warn_score")
        groups: dict[tuple[object, str, str], list[ScoreFact]] = {}
        for s in store.of(ScoreFact):
            if s.role not in HELD_OUT or s.metric not in HIGHER_IS_BETTER or s.value < limit:
                continue
            majority = (
                None if s.positive_rate is None else max(s.positive_rate, 1 - s.positive_rate)
            )
            if s.metric == "accuracy" and majority is not None and majority >= limit:
                continue  # the majority class alone scores this high: ML402's business
            groups.setdefault((s.location, s.model, s.data), []).append(s)
        predictive = sorted(
            {
                (feat, score, how)
                for fr in store.of(FrameFact)
                for feat, score, how in fr.predictive
            },
            key=lambda p: -p[1],
        )
        top: list[tuple[str, float, str]] = []
        for p in predictive:
            if p[0] not in {q[0] for q in top}:
                top.append(p)
            if len(top) == 3:
                break
        for group in groups.values():
            group = list({s.metric: s for s in group}.values())
            first = group[0]
            metrics = ", ".join(f"{s.metric} {s.value:.3f}" for s in group)
            sampled = f" (on a sample of {first.n_rows:,} rows)" if first.sampled else ""
            hint = (
                " The most predictive single features: "
                + ", ".join(f"'{f}' ({feature_score(score, how)})" for f, score, how in top)
                + "; check whether any of them is recorded after the outcome or copies the target."
                if top
                else " Check the most predictive features and the split for leakage."
            )
            evidence = [score_evidence(s) for s in group]
            if top:
                evidence.append(
                    Evidence(
                        "live",
                        "predictive-features",
                        ", ".join(f"{f}: {feature_score(score, how)}" for f, score, how in top),
                        {"features": [f for f, _s, _h in top]},
                    )
                )
            strong = bool(top) or max(s.value for s in group) >= warn
            verdict = (
                "near-perfect scores on held-out rows usually mean leakage."
                if strong
                else "close to perfect; unless this problem is known to be that easy, check for leakage."
            )
            yield self.finding(
                f"{first.model} ({first.cls}) scores {metrics} on {first.data}{sampled}: "
                f"{verdict}{hint}",
                first.location,
                subject=(first.model, first.data),
                evidence=evidence,
                severity=Severity.WARNING if strong else Severity.INFO,
            )


class UncalibratedProbabilities(Rule):
    """What it does
    Measures the expected calibration error (10 equal-width bins) of a
    binary classifier's predicted probabilities on held-out rows the cell
    predicted on.

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
    detect = LIVE
    summary = "predicted probabilities whose calibration error is large"
    fix = "Calibrate with CalibratedClassifierCV on held-out data, and check a reliability curve."
    thresholds = (
        Threshold("max_ece", 0.1, "expected calibration error that triggers the rule"),
        Threshold("min_rows", 200, "rows scored below which the calibration error is too noisy"),
    )

    def check(self, store: FactStore) -> Iterator[Finding]:
        limit = self.threshold("max_ece")
        min_rows = self.threshold("min_rows")
        for s in store.of(ScoreFact):
            if s.ece is None or s.role == "train" or s.n_rows < min_rows or s.ece < limit:
                continue
            sampled = " sampled" if s.sampled else ""
            versus = (
                f"; mean predicted probability {s.mean_predicted:.3f} vs observed positive rate "
                f"{s.positive_rate:.3f}"
                if s.mean_predicted is not None and s.positive_rate is not None
                else ""
            )
            yield self.finding(
                f"{s.model} ({s.cls}) probabilities on {s.data} are off by {s.ece:.2f} on average "
                f"(expected calibration error, 10 bins, {s.n_rows:,}{sampled} rows){versus}; "
                "they are scores, not probabilities.",
                s.location,
                subject=(s.model, s.data),
                evidence=[score_evidence(s)],
            )


class PredictionBias(Rule):
    """What it does
    Compares a binary classifier's mean predicted probability with the
    observed positive rate on rows the cell predicted on (held-out or all
    rows, not training rows).

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
    detect = LIVE
    summary = "mean predicted probability far from the observed positive rate"
    fix = "Calibrate on data with the true class balance, or correct for the resampled prior."
    thresholds = (
        Threshold(
            "max_ratio", 2.0, "ratio of predicted to observed positive rate that triggers the rule"
        ),
        Threshold(
            "min_positives", 10, "positive rows scored below which the observed rate is too noisy"
        ),
    )

    def check(self, store: FactStore) -> Iterator[Finding]:
        limit = self.threshold("max_ratio")
        min_pos = self.threshold("min_positives")
        for s in store.of(ScoreFact):
            if s.mean_predicted is None or s.positive_rate is None or s.role == "train":
                continue
            if s.positive_rate <= 0 or s.positive_rate * s.n_rows < min_pos:
                continue
            ratio = s.mean_predicted / s.positive_rate
            if limit > ratio > 1 / limit:
                continue
            why = (
                "over-predicts positives, typically after training on resampled (balanced) data "
                "or with class_weight='balanced', whose prior was never corrected (harmless for "
                "rankings such as ROC AUC; thresholds and probabilities are off)"
                if ratio > 1
                else "under-predicts positives; its probabilities do not match the base rate"
            )
            sampled = " sampled" if s.sampled else ""
            yield self.finding(
                f"{s.model} ({s.cls}) predicts a mean probability of {s.mean_predicted:.1%} for the "
                f"positive class on {s.data}, where the observed rate is {s.positive_rate:.1%} "
                f"({ratio:.1f}x, {s.n_rows:,}{sampled} rows): it {why}.",
                s.location,
                subject=(s.model, s.data),
                evidence=[score_evidence(s)],
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
            if ev.metric in CLUSTERING_METRICS:
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
