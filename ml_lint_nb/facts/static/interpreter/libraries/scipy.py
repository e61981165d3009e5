"""SciPy: ``scipy.stats.zscore`` standardises by hand, a fit of the mean and std."""

from __future__ import annotations

import ml_lint_nb.facts.static.interpreter.statistics as statistics
from ml_lint_nb.facts.static.interpreter.api import Interp
from ml_lint_nb.facts.static.interpreter.registry import NEXT, Call, function
from ml_lint_nb.facts.static.values import StatV, V, data_of


@function("scipy", "zscore")
def zscore(interp: Interp, call: Call) -> V:
    """``zscore(X)``: (x - mean) / std over the rows, scaled, and fitted on them."""
    d = data_of(call.args[0]) if call.args else None
    if d is None:
        return NEXT
    return statistics.apply_stat(interp, d.derive(scaled=True), StatV(d, "mean/std"), call.node)
