"""ML402 accuracy-on-imbalanced: accuracy reported on an imbalanced target."""

from __future__ import annotations

from collections.abc import Iterator

from ml_lint_nb.facts.model import EvaluationFact
from ml_lint_nb.facts.store import FactStore
from ml_lint_nb.findings import Finding, Severity
from ml_lint_nb.rules.base import BOTH, Rule, Threshold
from ml_lint_nb.rules.common import data_label, est_label, observed, pct
from ml_lint_nb.rules.evaluation.metrics import ACCURACY_METRICS, is_classifier


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
        """Each accuracy of a classifier on a target the notebook shows is imbalanced."""
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
                data=(y,),
                evidence=observed(
                    y.class_shares_seen, "class-shares", majority_share=round(majority, 4)
                ),
            )
