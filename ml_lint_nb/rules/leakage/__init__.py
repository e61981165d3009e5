"""ML2xx: splitting and leakage, where a test score stops meaning anything.

One rule per module; this package re-exports the rule classes in code order.
"""

from __future__ import annotations

from ml_lint_nb.rules.leakage.ml201_train_test_overlap import TrainTestOverlap
from ml_lint_nb.rules.leakage.ml202_target_leakage_feature import TargetLeakageFeature
from ml_lint_nb.rules.leakage.ml203_preprocessing_before_split import PreprocessingBeforeSplit
from ml_lint_nb.rules.leakage.ml204_test_data_in_training import TestDataInTraining
from ml_lint_nb.rules.leakage.ml205_test_set_reuse import TestSetReuse
from ml_lint_nb.rules.leakage.ml206_unshuffled_split import UnshuffledSplit
from ml_lint_nb.rules.leakage.ml207_temporal_leakage import TemporalLeakage
from ml_lint_nb.rules.leakage.ml208_unstratified_imbalanced_split import UnstratifiedImbalancedSplit
from ml_lint_nb.rules.leakage.ml209_train_test_drift import TrainTestDrift
from ml_lint_nb.rules.leakage.ml210_small_test_set import SmallTestSet
from ml_lint_nb.rules.leakage.ml211_group_leakage import GroupLeakage

__all__ = [
    "TrainTestOverlap",
    "TargetLeakageFeature",
    "PreprocessingBeforeSplit",
    "TestDataInTraining",
    "TestSetReuse",
    "UnshuffledSplit",
    "TemporalLeakage",
    "UnstratifiedImbalancedSplit",
    "TrainTestDrift",
    "SmallTestSet",
    "GroupLeakage",
]
