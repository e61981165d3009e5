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
from ml_lint_nb.rules.common import related
from ml_lint_nb.rules.data_evidence import pair_subject, rows_subject, share, split_of_pair


class TemporalLeakage(Rule):
    """What it does
    Flags a random split over time-stamped rows, however it is written
    (``train_test_split``, ``sample`` then ``drop``, a mask of random
    numbers, a shuffled ``KFold`` or ``cross_val_score``): the rows a model
    is evaluated on hold dates earlier than the latest row it was fitted
    on. The dates are found in the data, its ``DatetimeIndex``, or the
    frame the rows came from (through the index), also when the date column
    was dropped from the features. A date column counts as the rows' time
    when the target follows it (rows close in time have closer targets
    than rows drawn at random): a customer's signup date is an attribute.
    Silent for chronological splits, ``TimeSeriesSplit``, and splits that
    keep each entity on one side (GroupShuffleSplit over patients whose
    visits span the same years).

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
    # cross-validation: TimeSeriesSplit(n_splits=5)
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
        """One finding per train/test pair: the share of earlier test rows.

        Re-summaries of one pair (the split's parts, the columns a model was
        fitted and scored on) keep the worst share, so a pair reports once,
        located at the split when the notebook made one.
        """
        limit = self.threshold("min_share_earlier")
        worst: dict[tuple[str, str], TemporalSplitFact] = {}
        for fact in store.of(TemporalSplitFact):
            key = pair_subject(fact.train, fact.test)
            if fact.share_earlier >= limit and (
                key not in worst or fact.share_earlier > worst[key].share_earlier
            ):
                worst[key] = fact
        for subject, fact in worst.items():
            train, test = subject
            if train == test:  # two parts of one frame: their own spellings tell them apart
                train, test = fact.train, fact.test
            column = "date (its index)" if fact.column == "index" else repr(fact.column)
            found = (
                f" (a column of {fact.frame}, matched row by row)"
                if fact.frame and fact.frame not in subject
                else ""
            )
            if fact.how == "cross-validation":
                text = (
                    f"{share(fact.share_earlier)} of the held-out rows of the folds over "
                    f"{fact.test} are dated before their fold's latest training row by {column}"
                    f"{found} (the data runs from {fact.test_min} to {fact.train_max})"
                )
            else:
                text = (
                    f"{share(fact.share_earlier)} of {test}'s rows are dated before "
                    f"{train}'s latest {column}{found} ({train} up to {fact.train_max}, "
                    f"{test} from {fact.test_min})"
                )
            split = split_of_pair(store, *subject)
            location = split.location if split is not None else fact.location
            extra = related(fact, "evaluation") if split is not None else []
            yield self.finding(
                f"{text}: the model trains on the future to predict the past.",
                location,
                subject=rows_subject(store, *subject),
                related=extra,
                evidence=[
                    Evidence(
                        "live",
                        "time-order",
                        text,
                        {
                            "time_column": fact.column,
                            "column": fact.column,
                            "share_earlier": round(fact.share_earlier, 4),
                            "train_max": fact.train_max,
                            "test_min": fact.test_min,
                            "frame": fact.frame,
                            "how": fact.how,
                        },
                    )
                ],
            )
