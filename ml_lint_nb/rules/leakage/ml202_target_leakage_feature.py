"""ML202 target-leakage-feature: a feature that alone predicts the target almost perfectly."""

from __future__ import annotations

from collections.abc import Iterator

from ml_lint_nb.facts.store import FactStore
from ml_lint_nb.findings import Evidence, Finding, Severity
from ml_lint_nb.rules.base import LIVE, Rule, Threshold
from ml_lint_nb.rules.data_evidence import detail_note, frames


class TargetLeakageFeature(Rule):
    """What it does
    Finds a feature that alone predicts the target almost perfectly, that is
    a copy or transform of the target, a post-outcome flag (one value marks
    most of the minority class and almost nothing else), or a per-group
    statistic of the target (a target mean encoding computed over rows that
    include each row's own label). In a kernel it runs at every fit with a
    target, on a seeded sample; an honest strong predictor (a single
    measurement with AUC 0.97) is not reported.

    Why is this bad?
    Such a feature is usually recorded after the outcome (a refund date for
    churn) and will not exist at prediction time; the model learns nothing
    else.

    Example
    ```python
    X = df.drop(columns=["churned"])  # still holds "cancellation_date"
    ```

    Use instead
    ```python
    X = df.drop(columns=["churned", "cancellation_date"])
    ```
    """

    code, name, severity, pitfalls = "ML202", "target-leakage-feature", Severity.ERROR, (40,)
    detect = LIVE
    summary = "a feature that alone predicts the target almost perfectly"
    fix = "Remove features that are recorded after, or derived from, the target."
    thresholds = (
        Threshold("min_auc", 0.99, "single-feature AUC (or |correlation|) that triggers the rule"),
    )

    def check(self, store: FactStore) -> Iterator[Finding]:
        """One finding per leaking column, however many frames hold it."""
        limit = self.threshold("min_auc")
        seen: set[str] = set()
        for fact in frames(store):
            target = repr(fact.target) if fact.target else "the target"
            for feature, score, how in fact.predictive:
                leaking = how in ("copy", "flag", "group-stat") or score >= limit
                if not leaking or feature in seen:
                    continue
                seen.add(feature)
                text = self._describe(feature, score, how, target)
                yield self.finding(
                    f"{fact.name}: {text}{detail_note(fact)}: {self._why(how)}.",
                    fact.location,
                    subject=(feature,),
                    evidence=[
                        Evidence(
                            "live",
                            "single-feature-predictiveness",
                            text,
                            {
                                "feature": feature,
                                "frame": fact.name,
                                "score": round(score, 4),
                                "how": how,
                            },
                        )
                    ],
                )

    @staticmethod
    def _why(how: str) -> str:
        """Why the feature cannot be trusted, in the words of how it leaks."""
        if how == "group-stat":
            return "a statistic of the target computed over rows that include each row's own label"
        return "such a feature is usually recorded after the outcome"

    @staticmethod
    def _describe(feature: str, score: float, how: str, target: str) -> str:
        """What was measured about the feature, in the words of how it predicts."""
        if how == "copy":
            return f"{feature!r} is a copy (one-to-one transform) of {target}"
        if how == "flag":
            return (
                f"one value of {feature!r} marks {score:.0%} of the minority class of {target}, "
                "and almost nothing else"
            )
        if how == "group-stat":
            return (
                f"{feature!r} is the mean of {target} over groups of rows and alone predicts it "
                f"({score:.3f})"
            )
        if how == "auc":
            return f"{feature!r} alone predicts {target} with AUC {score:.3f}"
        return f"{feature!r} alone tracks {target} with |correlation| {score:.3f}"
