"""ML108 class-imbalance: a target whose minority class share is small."""

from __future__ import annotations

from collections.abc import Iterator

from ml_lint_nb.facts.store import FactStore
from ml_lint_nb.findings import Evidence, Finding, Severity
from ml_lint_nb.rules.base import LIVE, Rule, Threshold
from ml_lint_nb.rules.data_evidence import frames, sample_note, share

# Targets with more classes are ordinal or regression-like: imbalance is not the question.
MAX_IMBALANCE_CLASSES = 20


class ClassImbalance(Rule):
    """What it does
    Reports a target whose minority class share is small.

    Why is this bad?
    With a rare class, accuracy and the default threshold mislead; this is
    the premise that arms ML208, ML401 and ML402.

    Example
    ```python
    y.value_counts(normalize=True)  # 0: 0.97, 1: 0.03
    ```

    Use instead
    ```python
    # stratify splits, use PR-AUC / recall, tune the threshold
    ```
    """

    code, name, severity, pitfalls = "ML108", "class-imbalance", Severity.INFO, (62, 78)
    detect = LIVE
    summary = "a target whose minority class share is small"
    fix = "Stratify splits, evaluate with class-aware metrics, and choose the decision threshold deliberately."
    thresholds = (
        Threshold(
            "max_minority_share", 0.1, "minority share at or below which a target is imbalanced"
        ),
    )

    def check(self, store: FactStore) -> Iterator[Finding]:
        """One finding per frame whose target's rarest class is below the limit.

        Only targets of 2 to MAX_IMBALANCE_CLASSES classes are judged, and the
        limit is scaled by the number of classes, since a balanced k-class
        target gives each class 1/k.
        """
        limit = self.threshold("max_minority_share")
        for fact in frames(store):
            counts = fact.class_counts
            k = len(counts)
            if not 2 <= k <= MAX_IMBALANCE_CLASSES:
                continue
            total = sum(c for _, c in counts)
            label, smallest = min(counts, key=lambda lc: lc[1])
            minority = smallest / total if total else 0.0
            # a balanced k-class target gives each class 1/k: scale the binary limit
            if minority > limit * 2 / k:
                continue
            target = repr(fact.target) if fact.target else "the target"
            shares = " / ".join(share(c / total) for _, c in counts[:5])
            text = (
                f"class {label!r} holds {share(minority)} of {total:,} rows "
                f"({smallest:,}; {shares}){sample_note(fact)}"
            )
            yield self.finding(
                f"{fact.name}: {target} is imbalanced: {text}; accuracy and the default "
                "threshold will flatter the model.",
                fact.location,
                subject=("target", str(fact.target)) if fact.target else (fact.name,),
                evidence=[
                    Evidence(
                        "live",
                        "class-counts",
                        text,
                        {
                            "target": fact.target,
                            "minority_share": round(minority, 4),
                            "class_counts": {lbl: c for lbl, c in counts[:10]},
                        },
                    )
                ],
            )
