"""ML3xx: model design and preprocessing choices.

One rule per module; this package re-exports the rule classes in code order.
"""

from __future__ import annotations

from ml_lint_nb.rules.design.ml301_unscaled_features import UnscaledFeatures
from ml_lint_nb.rules.design.ml302_missing_regularization import MissingRegularization
from ml_lint_nb.rules.design.ml303_scaler_choice import ScalerChoice
from ml_lint_nb.rules.design.ml304_no_baseline import NoBaseline
from ml_lint_nb.rules.design.ml305_outlier_sensitive_model import OutlierSensitiveModel

__all__ = [
    "UnscaledFeatures",
    "MissingRegularization",
    "ScalerChoice",
    "NoBaseline",
    "OutlierSensitiveModel",
]
