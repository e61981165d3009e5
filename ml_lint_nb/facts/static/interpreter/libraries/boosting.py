"""Boosting libraries: XGBoost, LightGBM and CatBoost beyond their scikit-learn API.

Their estimator classes are constructed as every estimator class is
(:mod:`.sklearn`); what is theirs is the native API: a ``Dataset`` /
``DMatrix`` / ``Pool`` holds the rows it is given, and ``lgb.train`` /
``xgb.train`` with an eval set and early stopping choose the iteration on
that set (:func:`..selection.early_stopping`).
"""

from __future__ import annotations

import ml_lint_nb.facts.static.interpreter.selection as selection
from ml_lint_nb.facts.static.interpreter.api import Interp
from ml_lint_nb.facts.static.interpreter.registry import NEXT, Call, function
from ml_lint_nb.facts.static.values import UNKNOWN, V

BOOSTING = ("lightgbm", "xgboost", "catboost")
DATASETS = ("Dataset", "DMatrix", "Pool", "QuantileDMatrix")


@function(BOOSTING, DATASETS)
def dataset(interp: Interp, call: Call) -> V:
    """``lgb.Dataset(X_test, y_test, reference=dtrain)`` holds the test rows only."""
    kwargs = {k: v for k, v in call.kwargs.items() if k != "reference"}
    return interp.generic_call(call.args, kwargs, call.node)


@function(("lightgbm", "xgboost"), "train")
def train(interp: Interp, call: Call) -> V:
    """``lgb.train(params, dtrain, valid_sets=[dval])``: early stopping chooses on the eval set.

    The booster itself is read as any call (its rows are those of its data).
    """
    if call.kwargs.keys() & selection.EVAL_SET_ARGS:
        params = call.args[0] if call.args else None
        selection.early_stopping(interp, UNKNOWN, call.kwargs, call.node, params=params)
    return NEXT
