"""ML206 unshuffled-split: a split without shuffling on rows ordered by label, group or id."""

from __future__ import annotations

from collections.abc import Iterator

from ml_lint_nb.facts.model import SplitFact
from ml_lint_nb.facts.store import FactStore
from ml_lint_nb.findings import Finding, Severity
from ml_lint_nb.rules.base import BOTH, Rule
from ml_lint_nb.rules.common import data_label, observed


class UnshuffledSplit(Rule):
    """What it does
    Flags a split that takes rows in their stored order (``shuffle=False``,
    ``head``/``tail``, ``X[:n]``/``X[n:]``) when the rows are ordered by
    label, group or id; on rows ordered by time it is advice only, and
    ``TimeSeriesSplit`` is never flagged.

    Why is this bad?
    When rows are sorted by class (``load_wine``, ``load_iris``) or by id,
    the two sides come from different distributions: whole classes can be
    missing from training. An out-of-time split is right for forecasting,
    but then train and test cover different seasons.

    Example
    ```python
    X, y = load_wine(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, shuffle=False)
    ```

    Use instead
    ```python
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, shuffle=True, stratify=y, random_state=0)
    ```
    """

    code, name, severity, pitfalls = "ML206", "unshuffled-split", Severity.WARNING, (33,)
    detect = BOTH
    summary = "a split without shuffling on rows ordered by label, group or id"
    fix = "Shuffle (and stratify) the split, or split by time or group on purpose."

    def check(self, store: FactStore) -> Iterator[Finding]:
        """Each split that keeps stored order, judged by what the rows are ordered by.

        Label or id order is a warning; time order (right for forecasting) and
        an order the code cannot show are info. A known dataset with no order, a
        time-series split and a boolean mask stay silent.
        """
        for split in store.of(SplitFact):
            if split.shuffle is not False or split.time_series or split.method == "mask":
                continue
            orders = [i for i in split.inputs if i.order]
            how = {
                "train_test_split": "train_test_split(shuffle=False)",
                "slice": "positional slicing",
                "head_tail": "head()/tail()",
            }.get(split.method, split.method)
            if orders:
                ref = orders[0]
                kind = ref.order
                severity = Severity.WARNING if kind in ("label", "id") else Severity.INFO
                what = {"label": "the label", "id": "an id", "time": "time"}.get(kind, "a column")
                msg = (
                    f"{how} splits {data_label(ref)} in stored order, and its rows are ordered by {what}; "
                    + (
                        "train and test then cover different periods (right for forecasting, but compare like with like)."
                        if kind == "time"
                        else "train and test come from different distributions."
                    )
                )
                yield self.finding(
                    msg,
                    split.location,
                    subject=tuple(p.name or "" for p in split.parts),
                    severity=severity,
                    evidence=observed(ref.order_seen, "row-order", order=kind),
                )
                continue
            known_unordered = any(i.dataset for i in split.inputs)
            if known_unordered:
                continue
            ref = split.inputs[0] if split.inputs else None
            yield self.finding(
                f"{how} splits {data_label(ref)} in stored order; if the rows are sorted by label, "
                "time or id, train and test will differ in distribution (the code does not show the order).",
                split.location,
                subject=tuple(p.name or "" for p in split.parts),
                severity=Severity.INFO,
            )
