"""ML405 overfitting-gap: training score far above test score for the same fitted model."""

from __future__ import annotations

from collections.abc import Iterator

from ml_lint_nb.facts.model import ScoreFact
from ml_lint_nb.facts.store import FactStore
from ml_lint_nb.findings import Finding, Related, Severity
from ml_lint_nb.rules.base import LIVE, Rule, Threshold
from ml_lint_nb.rules.evaluation.scores import HELD_OUT, HIGHER_IS_BETTER, score_evidence


class OverfittingGap(Rule):
    """What it does
    Compares a fitted model's training score with its test (or validation)
    score, both measured by the kernel on the rows the cell predicted on.

    Why is this bad?
    A large gap means the model memorised the training rows; its test
    score may still be fine, but it is fragile.

    Example
    ```python
    tree.score(X_train, y_train), tree.score(X_test, y_test)  # 1.00, 0.71
    ```

    Use instead
    ```python
    DecisionTreeClassifier(max_depth=5, min_samples_leaf=20)
    ```
    """

    code, name, severity, pitfalls = "ML405", "overfitting-gap", Severity.WARNING, (42,)
    detect = LIVE
    summary = "training score far above test score for the same fitted model"
    fix = "Regularize (depth, leaf size, penalty), get more data, or simplify the model."
    thresholds = (Threshold("max_gap", 0.15, "train minus test score that triggers the rule"),)

    def check(self, store: FactStore) -> Iterator[Finding]:
        """One finding per model and held-out data far below its latest training score.

        Each metric counts once per pair; the metric with the widest gap leads
        the message.
        """
        limit = self.threshold("max_gap")
        scores = [s for s in store.of(ScoreFact) if s.metric in HIGHER_IS_BETTER]
        train: dict[tuple[str, str, str], ScoreFact] = {}
        for s in scores:  # the latest training score per model and metric
            if s.role == "train":
                train[(s.model, s.cls, s.metric)] = s
        groups: dict[tuple[object, str, str], list[tuple[ScoreFact, ScoreFact]]] = {}
        for s in scores:
            if s.role not in HELD_OUT:
                continue
            t = train.get((s.model, s.cls, s.metric))
            if t is None or t.value - s.value < limit:
                continue
            groups.setdefault((s.location, s.model, s.data), []).append((t, s))
        for pairs in groups.values():
            pairs = list({s.metric: (t, s) for t, s in pairs}.values())
            t0, s0 = max(pairs, key=lambda p: p[0].value - p[1].value)
            parts = "; ".join(
                f"{s.metric} {t.value:.3f} on {t.data} but {s.value:.3f} on {s.data}"
                for t, s in pairs
            )
            yield self.finding(
                f"{s0.model} ({s0.cls}) scores {parts} (gap {t0.value - s0.value:.2f}); "
                "it fits the training rows far better than new ones.",
                s0.location,
                subject=(s0.model, s0.data),
                related=[Related(t0.location, "train score")] if t0.location != s0.location else [],
                evidence=[score_evidence(f) for t, s in pairs for f in (t, s)],
            )
