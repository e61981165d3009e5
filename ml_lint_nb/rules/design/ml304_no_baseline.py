"""ML304 no-baseline: a complex model evaluated with no simple baseline."""

from __future__ import annotations

from collections.abc import Iterator

from ml_lint_nb.facts.model import (
    BaselineCellFact,
    CrossValFact,
    EstimatorFact,
    EstimatorInfo,
    EvaluationFact,
)
from ml_lint_nb.facts.store import FactStore
from ml_lint_nb.findings import Finding, Location, Severity
from ml_lint_nb.rules.base import BOTH, Rule


def is_called_baseline(est: EstimatorFact, labelled_cells: set[int]) -> bool:
    """A model the notebook calls its baseline: by its name, or by the words of its cell."""
    binding = (est.estimator.binding or "").lower().replace("_", "")
    return "baseline" in binding or est.location.cell in labelled_cells


class NoBaseline(Rule):
    """What it does
    Flags a complex model (boosting, forest, MLP) that is evaluated while
    the notebook has no simple baseline (a ``DummyClassifier`` /
    ``DummyRegressor`` or a linear model) to compare it with. A model the
    notebook calls its baseline counts as one, whatever its class: a
    variable named ``baseline``, or a cell whose comment or preceding
    markdown says "baseline".

    Why is this bad?
    Without a baseline, 0.93 accuracy may be no better than predicting the
    majority class, and the complexity may buy nothing.

    Example
    ```python
    GradientBoostingClassifier().fit(X_train, y_train).score(X_test, y_test)
    ```

    Use instead
    ```python
    DummyClassifier(strategy="most_frequent").fit(X_train, y_train).score(X_test, y_test)
    ```
    """

    code, name, severity, pitfalls = "ML304", "no-baseline", Severity.INFO, (4, 43, 47)
    detect = BOTH
    summary = "a complex model evaluated with no simple baseline"
    fix = "Evaluate a DummyClassifier/DummyRegressor and a linear model the same way, and report them side by side."

    def check(self, store: FactStore) -> Iterator[Finding]:
        """One finding per notebook, at its first evaluated complex model.

        Any dummy or linear estimator, or a model the notebook calls its
        baseline, anywhere in the notebook silences it; so does a score computed by
        hand on the same labels (a naive forecast, see hand_made_baseline).
        """
        labelled = {b.cell for b in store.of(BaselineCellFact)}
        for est in store.of(EstimatorFact):
            kinds = est.estimator.final.kinds
            if kinds & {"dummy", "linear"}:
                return
            if is_called_baseline(est, labelled):
                return
        evaluated: list[tuple[EstimatorInfo, Location]] = []
        for ev in store.of(EvaluationFact):
            if ev.estimator is not None:
                evaluated.append((ev.estimator, ev.location))
        for cv in store.of(CrossValFact):
            evaluated.append((cv.estimator, cv.location))
        complex_evals = [(i, loc) for i, loc in evaluated if "complex" in i.final.kinds]
        if not complex_evals:
            return
        if hand_made_baseline(store):
            return
        info, loc = min(complex_evals, key=lambda p: p[1].sort_key())
        names = sorted({i.final.cls for i, _ in complex_evals})
        yield self.finding(
            f"{', '.join(names)} {'is' if len(names) == 1 else 'are'} evaluated, but the notebook has no "
            "baseline (DummyClassifier/DummyRegressor or a linear model) to show what the complexity buys.",
            loc,
            subject=(info.final.cls,),
        )


def hand_made_baseline(store: FactStore) -> bool:
    """A score of held-out labels (or of the labels a model is scored on) against no model.

    ``mean_absolute_error(y_test, X_test["lag_7"])`` is a seasonal naive
    forecast, ``f1_score(y_test, X_test["flagged_by_rule"])`` the current
    rule: a baseline computed by hand. In a kernel the model may be scored
    only in a later cell, so the held-out role of the labels is enough.
    """
    facts = list(store.of(EvaluationFact))
    models = {
        (ev.y_true.name, ev.y_true.version)
        for ev in facts
        if ev.estimator is not None and ev.y_true is not None and ev.y_true.name
    }
    for ev in facts:
        if ev.estimator is not None or ev.prediction is not None or ev.y_true is None:
            continue
        rows = ev.y_true.rows
        if (ev.y_true.name, ev.y_true.version) in models:
            return True
        if rows.known and rows.roles() and rows.roles() <= {"test", "validation"}:
            return True
    return False
