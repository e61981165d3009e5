"""ML407 uncalibrated-probabilities: predicted probabilities whose calibration error is large."""

from __future__ import annotations

from collections.abc import Iterator

from ml_lint_nb.facts.catalog import kinds_of
from ml_lint_nb.facts.model import ScoreFact
from ml_lint_nb.facts.store import FactStore
from ml_lint_nb.findings import Finding, Severity
from ml_lint_nb.rules.base import LIVE, Rule, Threshold
from ml_lint_nb.rules.evaluation.scores import score_evidence


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
        """Each score not on training rows whose calibration error reaches max_ece.

        Fewer than min_rows rows make the binned error too noisy to report.
        """
        limit = self.threshold("max_ece")
        min_rows = self.threshold("min_rows")
        for s in store.of(ScoreFact):
            if s.ece is None or s.role == "train" or s.n_rows < min_rows or s.ece < limit:
                continue
            if "dummy" in kinds_of(s.cls):
                continue  # a baseline's probabilities are its strategy (random draws, a prior)
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
