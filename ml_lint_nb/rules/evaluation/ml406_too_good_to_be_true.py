"""ML406 too-good-to-be-true: a near-perfect test score, against what honest features reach."""

from __future__ import annotations

import math
from collections.abc import Iterator

from ml_lint_nb.facts.model import FrameFact, ScoreFact
from ml_lint_nb.facts.store import FactStore
from ml_lint_nb.findings import Evidence, Finding, Severity
from ml_lint_nb.rules.base import LIVE, Rule, Threshold
from ml_lint_nb.rules.evaluation.scores import HELD_OUT, HIGHER_IS_BETTER, score_evidence
from ml_lint_nb.rules.leakage.feature_leaks import verdicts


def feature_score(score: float, how: str) -> str:
    """A feature's single-feature score in words: a copy, an AUC or a correlation."""
    if how == "copy":
        return "copies the target"
    shapes = {
        "flag": "a flag set almost only for one class",
        "group-stat": "a target mean that includes each row's label",
        "future": "values from later rows",
        "own-window": "a window over the row's own target",
        "identifier": "an identifier",
    }
    if how in shapes:
        return f"{shapes[how]}; {score:.2f} alone"
    return f"{'AUC' if how == 'auc' else 'correlation'} {score:.2f}"


def wilson_low(value: float, n: int, z: float = 1.96) -> float:
    """The lower end of a 95% Wilson interval of a proportion ``value`` measured on ``n`` rows."""
    if n <= 0:
        return 0.0
    p = min(max(value, 0.0), 1.0)
    denom = 1 + z * z / n
    centre = p + z * z / (2 * n)
    spread = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (centre - spread) / denom


class TooGoodToBeTrue(Rule):
    """What it does
    Flags a test (or validation) score that is near perfect (accuracy, ROC
    AUC or R² at least ``min_score``), judged against what the data's honest
    features reach and how many rows measured it: with a leaking feature
    (ML202's judgement) it is a warning that names it; when the best single
    honest feature of the fit data already reaches ``easy_power`` the score
    is what the problem gives and nothing is said; on a test set too small
    to tell a perfect score from a good one (the 95% interval reaches below
    ``min_interval_low``) it is at most info. Accuracy does not count when
    the majority class alone reaches ``min_score``.

    Why is this bad?
    Real problems rarely give 0.999 AUC; a perfect score usually means a
    leaked feature or test rows in training.

    Example
    ```python
    roc_auc_score(y_test, proba)  # 1.0, with no feature near that alone
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
            "test score from which it is a warning even with no leaking feature found",
        ),
        Threshold(
            "easy_power",
            0.95,
            "power alone of the best honest feature from which a near-perfect score is expected "
            "(load_breast_cancer's best feature reaches 0.97)",
        ),
        Threshold(
            "min_interval_low",
            0.95,
            "lower end of the score's 95% interval below which the test set is too small to "
            "tell (at most info)",
        ),
    )

    def check(self, store: FactStore) -> Iterator[Finding]:
        """One finding per model and held-out data with a near-perfect score; see the class."""
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
        if not groups:
            return
        facts = list(store.of(FrameFact))
        leaks: dict[str, tuple[str, float, str]] = {}
        for fr in facts:
            for v in verdicts(fr):
                if v.verdict != "identifier":
                    leaks.setdefault(v.feature, (v.feature, v.score, v.how))
        honest = [fr.best_power for fr in facts if fr.best_power is not None]
        easy = bool(honest) and max(honest) >= self.threshold("easy_power")
        predictive = sorted(
            {(feat, score, how) for fr in facts for feat, score, how in fr.predictive},
            key=lambda p: -p[1],
        )
        top: list[tuple[str, float, str]] = list(leaks.values())[:3]
        if not top and not honest:  # no judgement measured: name the strongest features
            for p in predictive:
                if p[0] not in {q[0] for q in top}:
                    top.append(p)
                if len(top) == 3:
                    break
        for group in groups.values():
            group = list({s.metric: s for s in group}.values())
            if easy and not leaks:
                continue  # honest features alone reach this: the problem is that easy
            first = group[0]
            best = max(s.value for s in group)
            tiny = wilson_low(best, first.n_rows) < self.threshold("min_interval_low")
            strong = bool(leaks) or (best >= warn and not tiny)
            yield self._finding(group, top, strong, honest, tiny)

    def _finding(
        self,
        group: list[ScoreFact],
        top: list[tuple[str, float, str]],
        strong: bool,
        honest: list[float],
        tiny: bool,
    ) -> Finding:
        """The finding for one model's near-perfect scores on one held-out set."""
        first = group[0]
        metrics = ", ".join(f"{s.metric} {s.value:.3f}" for s in group)
        sampled = f" (on a sample of {first.n_rows:,} rows)" if first.sampled else ""
        if top:
            hint = (
                " The features to check first: "
                + ", ".join(f"'{f}' ({feature_score(score, how)})" for f, score, how in top)
                + "; check whether any of them is recorded after the outcome or copies the target."
            )
        elif honest:
            hint = (
                f" No single feature reaches more than {max(honest):.2f} alone; check how the "
                "rows were split and whether features combine into the target."
            )
        else:
            hint = " Check the most predictive features and the split for leakage."
        if tiny and not strong:
            hint += (
                f" On {first.n_rows:,} held-out rows the score's 95% interval is wide; "
                "a larger test set or cross-validation would tell."
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
        verdict = (
            "near-perfect scores on held-out rows usually mean leakage."
            if strong
            else "close to perfect; unless this problem is known to be that easy, check for leakage."
        )
        return self.finding(
            f"{first.model} ({first.cls}) scores {metrics} on {first.data}{sampled}: "
            f"{verdict}{hint}",
            first.location,
            subject=(first.model, first.data),
            evidence=evidence,
            severity=Severity.WARNING if strong else Severity.INFO,
        )
