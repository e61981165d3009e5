"""Which evaluations the imbalance rules judge: accuracy metrics and classifiers.

Shared by ML401 (hard predictions) and ML402 (accuracy), which must agree on
what counts as an accuracy and as a classifier's evaluation.
"""

from __future__ import annotations

from ml_lint_nb.facts.model import EvaluationFact

# accuracy_score, and a classifier's .score, which is its accuracy
ACCURACY_METRICS = frozenset({"accuracy_score", "score"})


def is_classifier(ev: EvaluationFact) -> bool:
    """An evaluation of a classifier: the premise of the imbalance rules.

    A dummy is the baseline, not the model judged. With no estimator known, a
    named metric (accuracy_score) says classification, while a bare .score may
    be a regressor's R².
    """
    if ev.estimator is None:
        return ev.metric != "score"
    kinds = ev.estimator.final.kinds
    return "classifier" in kinds and "dummy" not in kinds
