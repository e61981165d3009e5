"""ML401 default-threshold-imbalanced.

Hard predict() (0.5 threshold) evaluated on an imbalanced binary target.
"""

from __future__ import annotations

from collections.abc import Iterator

from ml_lint_nb.facts.model import EvaluationFact
from ml_lint_nb.facts.store import FactStore
from ml_lint_nb.findings import Finding, Related, Severity
from ml_lint_nb.rules.base import BOTH, Rule, Threshold
from ml_lint_nb.rules.common import data_label, est_label, observed, shares_text
from ml_lint_nb.rules.evaluation.metrics import ACCURACY_METRICS, is_classifier

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
        """One finding per prediction (model, fitted state, rows) scored as hard labels.

        The metrics computed from the same predictions are one event, listed as
        related. Accuracy is ML402's business; a model fitted on balanced
        (resampled) labels stays silent.
        """
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
