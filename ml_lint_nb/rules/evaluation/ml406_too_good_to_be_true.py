"""ML406 too-good-to-be-true: a near-perfect test score."""

from __future__ import annotations

from collections.abc import Iterator

from ml_lint_nb.facts.model import FrameFact, ScoreFact
from ml_lint_nb.facts.store import FactStore
from ml_lint_nb.findings import Evidence, Finding, Severity
from ml_lint_nb.rules.base import LIVE, Rule, Threshold
from ml_lint_nb.rules.evaluation.scores import HELD_OUT, HIGHER_IS_BETTER, score_evidence


def feature_score(score: float, how: str) -> str:
    """A feature's single-feature score in words: a copy, an AUC or a correlation."""
    if how == "copy":
        return "copies the target"
    return f"{'AUC' if how == 'auc' else 'correlation'} {score:.2f}"


class TooGoodToBeTrue(Rule):
    """What it does
    Flags a test (or validation) score that is near perfect (accuracy, ROC
    AUC or R² at least ``min_score``), and points at the most predictive
    single features to check for leakage. Accuracy does not count when the
    majority class alone reaches ``min_score``.

    Why is this bad?
    Real problems rarely give 0.999 AUC; a perfect score usually means a
    leaked feature or test rows in training.

    Example
    ```python
    roc_auc_score(y_test, proba)  # 1.0
    ```

    Use instead
    ```python
    # inspect the top features; drop those recorded after the outcome
    ```
    """

    code, name, severity, pitfalls = "ML406", "too-good-to-be-true", Severity.WARNING, (40,)
    detect = LIVE
    summary = "a near-perfect test score"
    fix = "Audit the most predictive features and the split for leakage before trusting the score."
    thresholds = (
        Threshold("min_score", 0.99, "test score from which a result is worth a note (info)"),
        Threshold(
            "warn_score",
            0.999,
            "test score from which it is a warning even with no single leaky-looking feature "
            "(some problems, like load_breast_cancer, really are that easy at 0.99)",
        ),
    )

    def check(self, store: FactStore) -> Iterator[Finding]:
        """One finding per model and held-out data with a near-perfect score.

        The three most predictive single features of any frame are named as the
        first place to look. With none, a score below warn_score is only info:
        some problems are that easy.
        """
        limit = self.threshold("min_score")
        warn = self.threshold("warn_score")
        groups: dict[tuple[object, str, str], list[ScoreFact]] = {}
        for s in store.of(ScoreFact):
            if s.role not in HELD_OUT or s.metric not in HIGHER_IS_BETTER or s.value < limit:
                continue
            majority = (
                None if s.positive_rate is None else max(s.positive_rate, 1 - s.positive_rate)
            )
            if s.metric == "accuracy" and majority is not None and majority >= limit:
                continue  # the majority class alone scores this high: ML402's business
            groups.setdefault((s.location, s.model, s.data), []).append(s)
        predictive = sorted(
            {
                (feat, score, how)
                for fr in store.of(FrameFact)
                for feat, score, how in fr.predictive
            },
            key=lambda p: -p[1],
        )
        top: list[tuple[str, float, str]] = []
        for p in predictive:
            if p[0] not in {q[0] for q in top}:
                top.append(p)
            if len(top) == 3:
                break
        for group in groups.values():
            group = list({s.metric: s for s in group}.values())
            first = group[0]
            metrics = ", ".join(f"{s.metric} {s.value:.3f}" for s in group)
            sampled = f" (on a sample of {first.n_rows:,} rows)" if first.sampled else ""
            hint = (
                " The most predictive single features: "
                + ", ".join(f"'{f}' ({feature_score(score, how)})" for f, score, how in top)
                + "; check whether any of them is recorded after the outcome or copies the target."
                if top
                else " Check the most predictive features and the split for leakage."
            )
            evidence = [score_evidence(s) for s in group]
            if top:
                evidence.append(
                    Evidence(
                        "live",
                        "predictive-features",
                        ", ".join(f"{f}: {feature_score(score, how)}" for f, score, how in top),
                        {"features": [f for f, _s, _h in top]},
                    )
                )
            strong = bool(top) or max(s.value for s in group) >= warn
            verdict = (
                "near-perfect scores on held-out rows usually mean leakage."
                if strong
                else "close to perfect; unless this problem is known to be that easy, check for leakage."
            )
            yield self.finding(
                f"{first.model} ({first.cls}) scores {metrics} on {first.data}{sampled}: "
                f"{verdict}{hint}",
                first.location,
                subject=(first.model, first.data),
                evidence=evidence,
                severity=Severity.WARNING if strong else Severity.INFO,
            )
