"""ML109 too-many-features: more features than a sane ratio to rows allows."""

from __future__ import annotations

from collections.abc import Iterator

from ml_lint_nb.facts.model import FrameFact
from ml_lint_nb.facts.store import FactStore
from ml_lint_nb.findings import Evidence, Finding, Severity
from ml_lint_nb.rules.base import LIVE, Rule, Threshold
from ml_lint_nb.rules.data_evidence import live_facts


class TooManyFeatures(Rule):
    """What it does
    Flags data with more features than a sane ratio to rows allows.

    Why is this bad?
    With features close to or above the number of rows, models fit noise
    and cross-validation estimates become unstable.

    Example
    ```python
    X.shape  # (200, 5000)
    ```

    Use instead
    ```python
    # regularize strongly, select features inside CV, or collect more rows
    ```
    """

    code, name, severity, pitfalls = "ML109", "too-many-features", Severity.WARNING, (49, 55)
    detect = LIVE
    summary = "more features than a sane ratio to rows allows"
    fix = "Reduce features inside the cross-validated pipeline, regularize, or get more rows."
    thresholds = (
        Threshold("max_features_per_row", 0.5, "features/rows ratio that triggers the rule"),
        Threshold("min_features", 10, "frames with fewer features are never flagged"),
    )

    def check(self, store: FactStore) -> Iterator[Finding]:
        """One finding per data frame with more features per row than the limit allows.

        The shape is all it needs, so it reads every summarised frame, not only
        those large enough for the column checks; Series have one feature and
        are skipped.
        """
        ratio = self.threshold("max_features_per_row")
        fewest = self.threshold("min_features")
        for fact in live_facts(store, FrameFact, ("name",)):
            if fact.purpose != "data" or fact.kind == "Series" or fact.n_rows <= 0:
                continue
            if fact.n_cols < fewest:
                continue
            per_row = fact.n_cols / fact.n_rows
            if per_row <= ratio:
                continue
            text = f"{fact.n_cols:,} features for {fact.n_rows:,} rows ({per_row:.2g} per row)"
            yield self.finding(
                f"{fact.name}: {text}; a model can fit noise exactly and cross-validation "
                "scores swing.",
                fact.location,
                subject=(fact.name,),
                evidence=[
                    Evidence(
                        "live",
                        "shape",
                        text,
                        {"rows": fact.n_rows, "features": fact.n_cols, "ratio": round(per_row, 4)},
                    )
                ],
            )
