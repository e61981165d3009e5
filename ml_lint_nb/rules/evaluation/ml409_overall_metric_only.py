"""ML409 overall-metric-only: a multi-class target evaluated with one overall number."""

from __future__ import annotations

from collections.abc import Iterator

from ml_lint_nb.facts.model import EvaluationFact
from ml_lint_nb.facts.store import FactStore
from ml_lint_nb.findings import Finding, Severity
from ml_lint_nb.rules.base import BOTH, Rule, Threshold
from ml_lint_nb.rules.common import data_label

# Scores of a clustering (against labels or of the geometry alone): no per-class view exists.
CLUSTERING_METRICS = frozenset(
    {
        "adjusted_rand_score",
        "rand_score",
        "adjusted_mutual_info_score",
        "normalized_mutual_info_score",
        "mutual_info_score",
        "homogeneity_score",
        "completeness_score",
        "v_measure_score",
        "homogeneity_completeness_v_measure",
        "fowlkes_mallows_score",
        "silhouette_score",
        "silhouette_samples",
        "calinski_harabasz_score",
        "davies_bouldin_score",
        "contingency_matrix",
        "pair_confusion_matrix",
        "consensus_score",
    }
)


class OverallMetricOnly(Rule):
    """What it does
    Flags a multi-class target evaluated with one overall number, with no
    per-class report (``classification_report``, a confusion matrix) for the
    same data anywhere in the notebook.

    Why is this bad?
    An overall accuracy of 0.9 can hide a class that is never predicted;
    averages hide the weakest class or segment.

    Example
    ```python
    X, y = load_wine(return_X_y=True)
    accuracy_score(y_test, model.predict(X_test))
    ```

    Use instead
    ```python
    print(classification_report(y_test, model.predict(X_test)))
    ```
    """

    code, name, severity, pitfalls = "ML409", "overall-metric-only", Severity.INFO, (64, 67, 88)
    detect = BOTH
    summary = "a multi-class target evaluated with one overall number"
    fix = (
        "Report per-class metrics (classification_report, confusion matrix) and the weakest class."
    )
    thresholds = (
        Threshold("min_classes", 3, "number of classes from which per-class reporting is expected"),
    )

    def check(self, store: FactStore) -> Iterator[Finding]:
        """One overall metric on a multi-class target with no per-class report for it.

        A per-class report anywhere in the notebook on rows from the same source
        silences it; clustering scores and regressors are skipped, and each
        source is reported once.
        """
        min_classes = self.threshold("min_classes")
        evs = list(store.of(EvaluationFact))
        per_class_roots = {
            p[0]
            for ev in evs
            if ev.per_class and ev.y_true is not None
            for p in ev.y_true.rows.paths
        }
        reported: set[str] = set()
        for ev in evs:
            y = ev.y_true
            if ev.per_class or y is None or y.n_classes is None or y.n_classes < min_classes:
                continue
            if ev.metric in CLUSTERING_METRICS:
                continue
            if ev.estimator is not None and "classifier" not in ev.estimator.final.kinds:
                continue
            roots = {p[0] for p in y.rows.paths}
            if roots & per_class_roots or roots & reported:
                continue
            reported |= roots
            yield self.finding(
                f"{ev.metric} gives one overall number for {data_label(y)}, a {y.n_classes}-class target, "
                "and the notebook reports no per-class metric for it; the weakest class stays hidden.",
                ev.location,
                subject=(data_label(y),),
                data=(y,),
            )
