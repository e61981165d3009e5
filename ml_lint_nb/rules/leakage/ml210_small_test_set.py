"""ML210 small-test-set: a test set too small for its metrics to mean anything."""

from __future__ import annotations

import math
from collections.abc import Iterator

from ml_lint_nb.facts.model import OverlapFact
from ml_lint_nb.facts.store import FactStore
from ml_lint_nb.findings import Evidence, Finding, Severity
from ml_lint_nb.rules.base import LIVE, Rule, Threshold
from ml_lint_nb.rules.data_evidence import live_facts, rows_subject

# Targets with more classes than this get no minority-count check (ML210).
MAX_CLASSES_FOR_SIZE = 20


class SmallTestSet(Rule):
    """What it does
    Flags a test set too small for its metrics to mean anything: few
    minority samples, a wide confidence interval.

    Why is this bad?
    An accuracy on 30 rows has a 95% interval of about ±15 points;
    differences between models are noise. With a numeric target the mean
    error on 90 rows has a standard error of a tenth of the errors' spread.

    Example
    ```python
    train_test_split(X, y, test_size=0.05)  # 25 rows, 2 positives
    ```

    Use instead
    ```python
    # cross-validate, or hold out more rows
    ```
    """

    code, name, severity, pitfalls = "ML210", "small-test-set", Severity.INFO, (35,)
    detect = LIVE
    summary = "a test set too small for its metrics to mean anything"
    fix = "Use cross-validation or a larger test set; report confidence intervals."
    thresholds = (
        Threshold("min_minority", 30, "minority samples a test set should hold"),
        Threshold(
            "min_rows",
            100,
            "test rows below which a metric's 95% interval is wider than about ±10 points",
        ),
    )

    def check(self, store: FactStore) -> Iterator[Finding]:
        """One finding per test set with too few rows or too few minority rows.

        The interval quoted is the normal approximation at an accuracy of 0.5,
        the widest case, so it is a fair bound for any score.
        """
        min_minority = self.threshold("min_minority")
        min_rows = self.threshold("min_rows")
        for fact in live_facts(store, OverlapFact, ("train", "test")):
            n = fact.n_test
            if n <= 0:
                continue
            minority = self._minority(fact)
            few_rows = n < min_rows
            few_minority = minority is not None and minority[1] < min_minority
            if not (few_rows or few_minority):
                continue
            half = 1.96 * math.sqrt(0.25 / n)
            text = f"{fact.test} holds {n:,} rows"
            if minority is not None:
                text += f", {minority[1]:,} of class {minority[0]!r}"
            if fact.test_class_counts or fact.train_class_counts:
                message = (
                    f"{text}: a 95% interval on its accuracy spans about ±{half * 100:.0f} points"
                    + (
                        f", and {minority[1]:,} minority samples cannot measure recall"
                        if few_minority and minority is not None
                        else ""
                    )
                    + "."
                )
            else:  # a numeric target: no accuracy to quote, the standard error of a mean error
                message = (
                    f"{text}: a mean error over them has a standard error of about "
                    f"{1 / math.sqrt(n):.2f} times the errors' own spread, so models that differ "
                    "by less cannot be told apart on it."
                )
            yield self.finding(
                message,
                fact.location,
                subject=rows_subject(store, fact.train, fact.test),
                evidence=[
                    Evidence(
                        "live",
                        "test-size",
                        text,
                        {
                            "rows": n,
                            "minority_class": minority[0] if minority else None,
                            "minority_rows": minority[1] if minority else None,
                            "ci_half_width": round(half, 4),
                        },
                    )
                ],
            )

    @staticmethod
    def _minority(fact: OverlapFact) -> tuple[str, int] | None:
        """The test set's rarest class, counting classes of training it lacks as 0."""
        counts = dict(fact.test_class_counts)
        for label, _ in fact.train_class_counts:
            counts.setdefault(label, 0)
        if not 2 <= len(counts) <= MAX_CLASSES_FOR_SIZE:
            return None
        label = min(counts, key=lambda k: (counts[k], k))
        return label, counts[label]
