"""ML207 temporal-leakage.

A random split over time-stamped rows: test holds dates earlier than
training's latest.
"""

from __future__ import annotations

from collections.abc import Iterator

from ml_lint_nb.facts.model import TemporalSplitFact
from ml_lint_nb.facts.store import FactStore
from ml_lint_nb.findings import Evidence, Finding, Severity
from ml_lint_nb.rules.base import LIVE, Rule, Threshold
from ml_lint_nb.rules.data_evidence import rows_subject, share


class TemporalLeakage(Rule):
    """What it does
    Flags a shuffled split over time-stamped rows where the test set holds
    dates earlier than the training set's latest.

    Why is this bad?
    The model is trained on the future to predict the past; in production
    it only ever sees the past, so the test score is optimistic.

    Example
    ```python
    train_test_split(transactions, test_size=0.2)  # rows span 2021-2024
    ```

    Use instead
    ```python
    cutoff = transactions["date"].quantile(0.8)
    train = transactions[transactions["date"] <= cutoff]
    test = transactions[transactions["date"] > cutoff]
    ```
    """

    code, name, severity, pitfalls = "ML207", "temporal-leakage", Severity.WARNING, (27, 32)
    detect = LIVE
    summary = (
        "a random split over time-stamped rows: test holds dates earlier than training's latest"
    )
    fix = "Split chronologically (a date cutoff) or use TimeSeriesSplit."
    thresholds = (
        Threshold(
            "min_share_earlier",
            0.05,
            "share of test rows dated before the training set's latest that triggers the rule",
        ),
    )

    def check(self, store: FactStore) -> Iterator[Finding]:
        """One finding per train/test pair and place: the share of earlier test rows.

        Re-summaries of one split keep the worst share, so a cell run twice
        reports once.
        """
        limit = self.threshold("min_share_earlier")
        worst: dict[tuple[str, str, object], TemporalSplitFact] = {}
        for fact in store.of(TemporalSplitFact):
            key = (fact.train, fact.test, fact.location)
            if fact.share_earlier >= limit and (
                key not in worst or fact.share_earlier > worst[key].share_earlier
            ):
                worst[key] = fact
        for fact in worst.values():
            text = (
                f"{share(fact.share_earlier)} of {fact.test}'s rows are dated before "
                f"{fact.train}'s latest {fact.column!r} ({fact.train} up to {fact.train_max}, "
                f"{fact.test} from {fact.test_min})"
            )
            yield self.finding(
                f"{text}: the model trains on the future to predict the past.",
                fact.location,
                subject=rows_subject(store, fact.train, fact.test),
                evidence=[
                    Evidence(
                        "live",
                        "time-order",
                        text,
                        {
                            "column": fact.column,
                            "share_earlier": round(fact.share_earlier, 4),
                            "train_max": fact.train_max,
                            "test_min": fact.test_min,
                        },
                    )
                ],
            )
