"""ML403 not-converged: a ConvergenceWarning raised in the cell, or n_iter_ at max_iter."""

from __future__ import annotations

from collections.abc import Iterator

from ml_lint_nb.facts.location import same_cell
from ml_lint_nb.facts.model import FittedFact, WarningFact, iter_fitted
from ml_lint_nb.facts.store import FactStore
from ml_lint_nb.findings import Evidence, Finding, Severity
from ml_lint_nb.rules.base import LIVE, Rule


def first_line(text: str, limit: int = 160) -> str:
    """The first line of a message, cut to limit characters, to quote in a finding."""
    line = text.strip().splitlines()[0].rstrip(" :") if text.strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


class NotConverged(Rule):
    """What it does
    Reports a ``ConvergenceWarning`` raised in the cell, or a fitted
    iterative estimator whose ``n_iter_`` reached ``max_iter`` (the signal
    that survives filtered warnings). Estimators whose ``max_iter`` counts
    boosting rounds or fixed optimisation steps (histogram gradient
    boosting, t-SNE) are not judged by ``n_iter_``.

    Why is this bad?
    An unconverged model's coefficients depend on when the solver stopped;
    its scores are not the model's.

    Example
    ```python
    LogisticRegression(max_iter=20).fit(X_train, y_train)
    ```

    Use instead
    ```python
    make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    ```
    """

    code, name, severity, pitfalls = "ML403", "not-converged", Severity.WARNING, (58,)
    detect = LIVE
    summary = "a ConvergenceWarning raised in the cell, or n_iter_ at max_iter"
    fix = "Scale the features and raise max_iter (or loosen tol) until the solver converges."

    WARNING = "ConvergenceWarning"
    # max_iter is a number of boosting rounds / a fixed step count, not a solver's limit
    ROUNDS = frozenset({"HistGradientBoostingClassifier", "HistGradientBoostingRegressor", "TSNE"})

    def check(self, store: FactStore) -> Iterator[Finding]:
        """Fitted models at their iteration limit, then warnings no such model explains.

        A model at max_iter is reported with the warning of its cell, if any,
        since the fitted state survives filtered warnings; the remaining
        ConvergenceWarnings are one finding per cell.
        """
        warned = [w for w in store.of(WarningFact) if w.category == self.WARNING]
        fitted = [f for top in store.of(FittedFact) for f, _outer in iter_fitted(top)]
        explained: set[int] = set()
        reported: set[tuple[object, str]] = set()
        for f in fitted:
            if f.cls in self.ROUNDS or f.n_iter is None or f.max_iter is None:
                continue
            if f.n_iter < f.max_iter or (f.location, f.name) in reported:
                continue
            reported.add((f.location, f.name))
            here = [w for w in warned if same_cell(w.location, f.location)]
            explained.update(id(w) for w in here)
            signal = (
                "and a ConvergenceWarning was raised in this cell"
                if here
                else "though no ConvergenceWarning was shown (warnings may be filtered)"
            )
            evidence = [
                Evidence(
                    f.source,
                    "n-iter",
                    f"{f.name}.n_iter_ = {f.n_iter:,}, max_iter = {f.max_iter:,}",
                    {"n_iter": f.n_iter, "max_iter": f.max_iter},
                )
            ]
            evidence += [self.warning_evidence(w) for w in here[:1]]
            yield self.finding(
                f"{f.name} ({f.cls}) stopped at its iteration limit (n_iter_ = {f.n_iter:,} = "
                f"max_iter) {signal}; its fitted state is where the solver stopped, not an optimum. "
                "Scale the features and raise max_iter.",
                f.location,
                subject=(f.name,),
                evidence=evidence,
            )
        by_cell: dict[object, list[WarningFact]] = {}
        for w in warned:
            if id(w) not in explained:
                key = w.location.cell_id or w.location.cell
                by_cell.setdefault(key, []).append(w)
        for group in by_cell.values():
            first = group[0]
            models = [
                f
                for f in fitted
                if same_cell(f.location, first.location)
                and (f.max_iter is not None or f.n_iter is not None)
            ]
            names = ", ".join(f"{f.name} ({f.cls})" for f in models[:3])
            what = f"the model fitted here ({names})" if names else "a model fitted in this cell"
            origin = f" from {first.module}" if first.module else ""
            count = f" ({len(group)} times)" if len(group) > 1 else ""
            yield self.finding(
                f"A ConvergenceWarning was raised in this cell{origin}{count}: "
                f"“{first_line(first.message)}”; {what} did not converge, so its scores are "
                "not the model's. Scale the features and raise max_iter.",
                first.location,
                subject=tuple(f.name for f in models[:1]) or (first.module or self.WARNING,),
                evidence=[self.warning_evidence(first)],
            )

    @staticmethod
    def warning_evidence(w: WarningFact) -> Evidence:
        """A captured warning as evidence: its category, module and first line."""
        return Evidence(
            w.source,
            "warning",
            f"{w.category}: {first_line(w.message)}",
            {"category": w.category, "module": w.module},
        )
