"""ML408 prediction-bias: mean predicted probability far from the observed positive rate."""

from __future__ import annotations

from collections.abc import Iterator

from ml_lint_nb.facts.model import ScoreFact
from ml_lint_nb.facts.store import FactStore
from ml_lint_nb.findings import Finding, Severity
from ml_lint_nb.rules.base import LIVE, Rule, Threshold
from ml_lint_nb.rules.evaluation.scores import score_evidence


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
        """Each score not on training rows whose mean probability misses the base rate.

        A ratio of max_ratio or more either way is reported, once enough
        positives make the observed rate trustworthy.
        """
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
