"""ML303 scaler-choice: MinMaxScaler on heavy-tailed or outlier-laden features."""

from __future__ import annotations

from collections.abc import Iterator

from ml_lint_nb.facts.model import FittedFact, FrameFact, iter_fitted
from ml_lint_nb.facts.store import FactStore
from ml_lint_nb.findings import Finding, Severity
from ml_lint_nb.rules.base import LIVE, Rule, Threshold
from ml_lint_nb.rules.design.outliers import outlier_columns, outlier_evidence, short_number


class ScalerChoice(Rule):
    """What it does
    Flags a fitted ``MinMaxScaler`` whose training columns hold extreme
    values: a column, among those the scaler saw, with a value at least
    ``min_robust_z`` robust standard deviations (1.4826 × MAD) from its
    median.

    Why is this bad?
    One extreme value sets the range, squashing every other value into a
    sliver of [0, 1].

    Example
    ```python
    MinMaxScaler().fit(df[["income"]])  # max income is 400x the median
    ```

    Use instead
    ```python
    RobustScaler()  # or StandardScaler after a log transform
    ```
    """

    code, name, severity, pitfalls = "ML303", "scaler-choice", Severity.INFO, (36,)
    detect = LIVE
    summary = "MinMaxScaler on heavy-tailed or outlier-laden features"
    fix = "Use RobustScaler, or transform the heavy-tailed features (log) before scaling."
    thresholds = (
        Threshold(
            "min_robust_z",
            10.0,
            "robust z-score (|x - median| / (1.4826 MAD)) from which a column counts as outlier-laden",
        ),
    )

    def check(self, store: FactStore) -> Iterator[Finding]:
        """One finding per fitted MinMaxScaler whose training columns hold outliers."""
        limit = self.threshold("min_robust_z")
        frames = list(store.of(FrameFact))
        for top in store.of(FittedFact):
            for fitted, outer in iter_fitted(top):
                if fitted.cls != "MinMaxScaler":
                    continue
                hits = outlier_columns(fitted, outer, frames, limit)
                if not hits:
                    continue
                frame, col = hits[0]
                z = col.max_robust_z or 0.0
                span = ""
                if col.name in fitted.feature_names:
                    i = fitted.feature_names.index(col.name)
                    if i < len(fitted.data_min) and i < len(fitted.data_max):
                        low, high = fitted.data_min[i], fitted.data_max[i]
                        span = f" (the scaler's range for it is {short_number(low)} to {short_number(high)})"
                more = f" and {len(hits) - 1} more column(s)" if len(hits) > 1 else ""
                yield self.finding(
                    f"{fitted.name} (MinMaxScaler) is fitted on {frame.name}, where '{col.name}' has a "
                    f"value {z:,.1f} robust standard deviations from its median{span}{more}; "
                    "one extreme value sets the range and squeezes the other values into a sliver of [0, 1].",
                    fitted.location,
                    subject=(fitted.name, col.name),
                    evidence=[outlier_evidence(f, c) for f, c in hits[:5]],
                )
