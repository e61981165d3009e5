"""ML305 outlier-sensitive-model.

AdaBoost (or another outlier-sensitive learner) on features with extreme
outliers.
"""

from __future__ import annotations

from collections.abc import Iterator

from ml_lint_nb.facts.model import FittedFact, FrameFact, iter_fitted
from ml_lint_nb.facts.store import FactStore
from ml_lint_nb.findings import Finding, Severity
from ml_lint_nb.rules.base import LIVE, Rule, Threshold
from ml_lint_nb.rules.design.outliers import outlier_columns, outlier_evidence


class OutlierSensitiveModel(Rule):
    """What it does
    Flags a fitted AdaBoost model (and other outlier-sensitive learners)
    whose training features hold extreme outliers: a column with a value at
    least ``min_robust_z`` robust standard deviations from its median.

    Why is this bad?
    AdaBoost's exponential loss keeps increasing the weight of mislabelled
    or extreme points until they dominate the ensemble.

    Example
    ```python
    AdaBoostClassifier().fit(X_train, y_train)  # X has values 50 robust-sd out
    ```

    Use instead
    ```python
    GradientBoostingClassifier(loss="log_loss")  # or clean the outliers first
    ```
    """

    code, name, severity, pitfalls = "ML305", "outlier-sensitive-model", Severity.INFO, (37,)
    detect = LIVE
    summary = "AdaBoost (or another outlier-sensitive learner) on features with extreme outliers"
    fix = "Clean or clip the outliers, or use a learner with a robust loss."
    thresholds = (
        Threshold(
            "min_robust_z",
            10.0,
            "robust z-score (|x - median| / (1.4826 MAD)) from which a value counts as an extreme outlier",
        ),
    )

    def check(self, store: FactStore) -> Iterator[Finding]:
        """One finding per outlier-sensitive learner trained on extreme outliers."""
        limit = self.threshold("min_robust_z")
        frames = list(store.of(FrameFact))
        for top in store.of(FittedFact):
            for fitted, outer in iter_fitted(top):
                if "outlier_sensitive" not in fitted.kinds:
                    continue
                hits = outlier_columns(fitted, outer, frames, limit)
                if not hits:
                    continue
                frame, col = hits[0]
                names = ", ".join(f"'{c.name}'" for _f, c in hits[:3])
                more = f" and {len(hits) - 3} more" if len(hits) > 3 else ""
                yield self.finding(
                    f"{fitted.name} ({fitted.cls}) is trained on {frame.name}, whose features {names}{more} "
                    f"have extreme outliers (up to {col.max_robust_z or 0.0:,.1f} robust standard deviations "
                    "from the median); boosting with exponential loss gives such points ever more weight.",
                    fitted.location,
                    subject=(fitted.name, col.name),
                    evidence=[outlier_evidence(f, c) for f, c in hits[:5]],
                )
