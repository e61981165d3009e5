"""ML1xx: data hygiene. Most need the data itself (live); ML107 also reads the code.

One rule per module; this package re-exports the rule classes in code order.
"""

from __future__ import annotations

from ml_lint_nb.rules.hygiene.ml101_duplicate_rows import DuplicateRows
from ml_lint_nb.rules.hygiene.ml102_constant_column import ConstantColumn
from ml_lint_nb.rules.hygiene.ml103_missing_values import MissingValues
from ml_lint_nb.rules.hygiene.ml104_systematic_missingness import SystematicMissingness
from ml_lint_nb.rules.hygiene.ml105_mixed_types import MixedTypes
from ml_lint_nb.rules.hygiene.ml106_extreme_outliers import ExtremeOutliers
from ml_lint_nb.rules.hygiene.ml107_high_cardinality_one_hot import HighCardinalityOneHot
from ml_lint_nb.rules.hygiene.ml108_class_imbalance import ClassImbalance
from ml_lint_nb.rules.hygiene.ml109_too_many_features import TooManyFeatures

__all__ = [
    "DuplicateRows",
    "ConstantColumn",
    "MissingValues",
    "SystematicMissingness",
    "MixedTypes",
    "ExtremeOutliers",
    "HighCardinalityOneHot",
    "ClassImbalance",
    "TooManyFeatures",
]
