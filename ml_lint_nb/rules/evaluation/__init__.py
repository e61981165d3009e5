"""ML4xx: training and evaluation: numbers that look better than they are.

One rule per module; this package re-exports the rule classes in code order.
"""

from __future__ import annotations

from ml_lint_nb.rules.evaluation.ml401_default_threshold_imbalanced import (
    DefaultThresholdImbalanced,
)
from ml_lint_nb.rules.evaluation.ml402_accuracy_on_imbalanced import AccuracyOnImbalanced
from ml_lint_nb.rules.evaluation.ml403_not_converged import NotConverged
from ml_lint_nb.rules.evaluation.ml404_unstable_loss import UnstableLoss
from ml_lint_nb.rules.evaluation.ml405_overfitting_gap import OverfittingGap
from ml_lint_nb.rules.evaluation.ml406_too_good_to_be_true import TooGoodToBeTrue
from ml_lint_nb.rules.evaluation.ml407_uncalibrated_probabilities import UncalibratedProbabilities
from ml_lint_nb.rules.evaluation.ml408_prediction_bias import PredictionBias
from ml_lint_nb.rules.evaluation.ml409_overall_metric_only import OverallMetricOnly

__all__ = [
    "DefaultThresholdImbalanced",
    "AccuracyOnImbalanced",
    "NotConverged",
    "UnstableLoss",
    "OverfittingGap",
    "TooGoodToBeTrue",
    "UncalibratedProbabilities",
    "PredictionBias",
    "OverallMetricOnly",
]
