"""ML208 unstratified-imbalanced-split: a split without stratify= on an imbalanced target."""

from __future__ import annotations

from collections.abc import Iterator

from ml_lint_nb.facts.model import SplitFact
from ml_lint_nb.facts.store import FactStore
from ml_lint_nb.findings import Finding, Severity
from ml_lint_nb.rules.base import BOTH, Rule, Threshold
from ml_lint_nb.rules.common import data_label, observed, pct, shares_text


class UnstratifiedImbalancedSplit(Rule):
    """What it does
    Flags a random split without ``stratify=`` when the notebook shows the
    target is imbalanced.

    Why is this bad?
    The minority class share then varies between train and test by chance;
    with few positives one side can hold almost none, and metrics swing
    from run to run.

    Example
    ```python
    y.value_counts()  # 0: 9,700  1: 300
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2)
    ```

    Use instead
    ```python
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.2, stratify=y, random_state=0)
    ```
    """

    code, name, severity, pitfalls = (
        "ML208",
        "unstratified-imbalanced-split",
        Severity.WARNING,
        (35,),
    )
    detect = BOTH
    summary = "a split without stratify= on an imbalanced target"
    fix = "Pass stratify=y to the split (StratifiedKFold for cross-validation)."
    thresholds = (
        Threshold(
            "max_minority_share", 0.1, "minority share at or below which stratification is required"
        ),
    )

    def check(self, store: FactStore) -> Iterator[Finding]:
        """Random splits without stratify= on a target the notebook shows is imbalanced.

        A split that does not shuffle is ML206's business, and its class shares
        are not a matter of chance.
        """
        limit = self.threshold("max_minority_share")
        for split in store.of(SplitFact):
            if (
                split.method not in ("train_test_split", "splitter")
                or split.stratified
                or split.shuffle is False
            ):
                continue
            # the target is the last array passed (train_test_split(X, y)); a feature
            # matrix derived from the labelled frame may carry its class shares too
            target = next((i for i in reversed(split.inputs) if i.minority_share is not None), None)
            if target is None or not target.imbalanced(limit):
                continue
            share = target.minority_share
            yield self.finding(
                f"train_test_split without stratify= on {data_label(target)}, whose minority class is "
                f"{pct(share)} ({shares_text(target.class_shares)}); its share in train and test varies by chance.",
                split.location,
                subject=(data_label(target),),
                evidence=observed(
                    target.class_shares_seen, "class-shares", minority_share=round(share, 4)
                ),
            )
