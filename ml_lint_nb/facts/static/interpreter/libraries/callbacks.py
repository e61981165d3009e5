"""Training callbacks that keep the best iteration: early stopping, best checkpoints.

Keras (``EarlyStopping``, ``ModelCheckpoint(save_best_only=True)``),
PyTorch Lightning, XGBoost (``callback.EarlyStopping``) and LightGBM
(``early_stopping``) name them alike, so they are matched by name from any
module. A fit given one of them with an eval set chooses on that set
(:func:`..selection.stopping_of`).
"""

from __future__ import annotations

from ml_lint_nb.facts.static.interpreter.api import Interp
from ml_lint_nb.facts.static.interpreter.registry import ANY, Call, function
from ml_lint_nb.facts.static.values import UNKNOWN, CallbackV, LitV, V


@function(ANY, ("EarlyStopping", "early_stopping"))
def early_stopping(interp: Interp, call: Call) -> V:
    """``EarlyStopping(patience=5)``: training stops at the best score on the eval set."""
    return CallbackV("early stopping")


@function(ANY, "ModelCheckpoint")
def model_checkpoint(interp: Interp, call: Call) -> V:
    """``ModelCheckpoint(..., save_best_only=True)`` keeps the best epoch on the eval set."""
    best = call.kwargs.get("save_best_only")
    return CallbackV("best checkpoint") if isinstance(best, LitV) and best.value else UNKNOWN
