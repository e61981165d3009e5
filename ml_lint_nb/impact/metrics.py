"""The metric a model was judged by, applied again to the refits' predictions.

``%mlcheck impact`` scores the leaky and the honest refit "with the same
metric": the one the notebook computed (``roc_auc_score(y_test, proba)``,
``model.score(X_test, y_test)``), with the literal keyword arguments the
call spelled (``average="macro"``). A :class:`Metric` knows which
prediction it needs (labels, scores, probabilities), which way is better,
and how to score a subset of rows (for the bootstrap of
:mod:`ml_lint_nb.impact.verdict`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# metric function -> (name a reader knows, prediction it takes, higher is better)
KNOWN: dict[str, tuple[str, str, bool]] = {
    "accuracy_score": ("accuracy", "label", True),
    "balanced_accuracy_score": ("balanced accuracy", "label", True),
    "f1_score": ("F1", "label", True),
    "fbeta_score": ("F-beta", "label", True),
    "precision_score": ("precision", "label", True),
    "recall_score": ("recall", "label", True),
    "jaccard_score": ("Jaccard", "label", True),
    "matthews_corrcoef": ("MCC", "label", True),
    "cohen_kappa_score": ("Cohen's kappa", "label", True),
    "roc_auc_score": ("ROC AUC", "score", True),
    "average_precision_score": ("average precision", "score", True),
    "log_loss": ("log loss", "proba", False),
    "brier_score_loss": ("Brier score", "score", False),
    "r2_score": ("R²", "value", True),
    "explained_variance_score": ("explained variance", "value", True),
    "mean_squared_error": ("MSE", "value", False),
    "root_mean_squared_error": ("RMSE", "value", False),
    "mean_absolute_error": ("MAE", "value", False),
    "median_absolute_error": ("median absolute error", "value", False),
    "mean_absolute_percentage_error": ("MAPE", "value", False),
    "mean_squared_log_error": ("MSLE", "value", False),
}
# short names accepted by ``--metric`` (scikit-learn's scorer names and the obvious ones)
ALIASES = {
    "accuracy": "accuracy_score",
    "balanced_accuracy": "balanced_accuracy_score",
    "f1": "f1_score",
    "f1_macro": "f1_score",
    "f1_weighted": "f1_score",
    "precision": "precision_score",
    "recall": "recall_score",
    "roc_auc": "roc_auc_score",
    "auc": "roc_auc_score",
    "average_precision": "average_precision_score",
    "log_loss": "log_loss",
    "neg_log_loss": "log_loss",
    "r2": "r2_score",
    "mse": "mean_squared_error",
    "neg_mean_squared_error": "mean_squared_error",
    "rmse": "root_mean_squared_error",
    "neg_root_mean_squared_error": "root_mean_squared_error",
    "mae": "mean_absolute_error",
    "neg_mean_absolute_error": "mean_absolute_error",
    "mcc": "matthews_corrcoef",
    # per-class reports give no one number; accuracy is the one they all print
    "classification_report": "accuracy_score",
    "confusion_matrix": "accuracy_score",
    "multilabel_confusion_matrix": "accuracy_score",
    "precision_recall_fscore_support": "accuracy_score",
    "from_predictions": "accuracy_score",
    "from_estimator": "accuracy_score",
}
SHORT_AVERAGE = {"f1_macro": "macro", "f1_weighted": "weighted"}
# keyword arguments of a metric call that are copied when literal
KEPT_KWARGS = ("average", "pos_label", "beta", "multi_class", "labels", "squared", "max_fpr")
MULTICLASS_AVERAGE = "macro"  # label metrics of a multi-class target, unless the call said
AVERAGED = frozenset(
    {"f1_score", "fbeta_score", "precision_score", "recall_score", "jaccard_score"}
)


class MetricError(Exception):
    """A metric that cannot be applied again; the message is one line for the user."""


@dataclass(frozen=True)
class Metric:
    """A metric function, the prediction it takes and the direction that is better."""

    function: str  # scikit-learn's name (``roc_auc_score``) or ``score``
    label: str  # as a reader names it (``ROC AUC``)
    prediction: str  # label | score | proba | value
    higher_is_better: bool
    kwargs: dict[str, Any] = field(default_factory=dict)
    method: str = "predict_proba"  # where scores come from, as the notebook took them

    @property
    def bounded(self) -> bool:
        """Scores on a 0-to-1 scale, where a gap of 0.01 means one point."""
        return self.prediction in ("label", "score") and self.function not in (
            "matthews_corrcoef",
            "cohen_kappa_score",
            "brier_score_loss",
        )

    def scorer(self) -> Callable[[Any, Any], float]:
        """``f(y_true, prediction) -> float``."""
        import sklearn.metrics as m

        func = getattr(m, self.function)
        kwargs = dict(self.kwargs)

        def score(y: Any, p: Any, **more: Any) -> float:
            return float(func(y, p, **kwargs, **more))

        return score


def metric_for(
    function: str,
    prediction: str | None,
    kwargs: dict[str, Any],
    task: str | None,
    n_classes: int,
) -> Metric:
    """The :class:`Metric` of a metric call the notebook made (or ``score``/``--metric``).

    ``task`` is ``classifier`` or ``regressor``; ``n_classes`` the classes
    of the evaluation labels (ROC AUC of three classes is one-vs-rest).
    """
    average = SHORT_AVERAGE.get(function)
    function = ALIASES.get(function, function)
    if function in ("score", "", None):
        function = "accuracy_score" if task == "classifier" else "r2_score"
    if function not in KNOWN:
        raise MetricError(
            f"{function} is not a metric impact can apply again "
            f"(use --metric with one of: {', '.join(sorted(ALIASES))})"
        )
    label, needs, higher = KNOWN[function]
    kept = {k: v for k, v in kwargs.items() if k in KEPT_KWARGS}
    if average is not None:
        kept["average"] = average
    if needs == "label" and n_classes > 2 and "average" not in kept and function in AVERAGED:
        kept["average"] = MULTICLASS_AVERAGE
    if function == "roc_auc_score" and n_classes > 2:
        kept.setdefault("multi_class", "ovr")
        needs = "proba"
    if function == "average_precision_score" and n_classes > 2:
        needs = "proba"
    if kept.get("average") not in (None, "binary"):
        label = f"{label} ({kept['average']})"
    if needs == "value" and task == "classifier":
        needs = "label"
    method = "decision_function" if prediction == "decision_function" else "predict_proba"
    return Metric(function, label, needs, higher, kept, method)


def predict(model: Any, X: Any, metric: Metric) -> Any:
    """What the metric takes from a fitted model (ours: a clone) on ``X``.

    ``score``: the positive class's probability, else ``decision_function``;
    ``proba``: every class's probability; ``label``/``value``: ``predict``.
    """
    import numpy as np

    if metric.prediction == "score":
        if metric.method == "decision_function" and hasattr(model, "decision_function"):
            return np.asarray(model.decision_function(X))
        if hasattr(model, "predict_proba"):
            try:
                proba = np.asarray(model.predict_proba(X))
                return proba[:, -1] if proba.ndim == 2 else proba
            except (AttributeError, NotImplementedError):
                pass
        if hasattr(model, "decision_function"):
            return np.asarray(model.decision_function(X))
        raise MetricError(f"{type(model).__name__} gives no scores for {metric.label}")
    if metric.prediction == "proba":
        if not hasattr(model, "predict_proba"):
            raise MetricError(f"{type(model).__name__} gives no probabilities for {metric.label}")
        return np.asarray(model.predict_proba(X))
    return np.asarray(model.predict(X))


__all__ = ["KNOWN", "Metric", "MetricError", "metric_for", "predict"]
