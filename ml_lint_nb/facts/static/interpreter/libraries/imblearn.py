"""imbalanced-learn: resamplers change which rows (and which class shares) a model sees.

``X_res, y_res = SMOTE().fit_resample(X, y)`` is a fit on X (a resampler
fitted on test rows leaks) whose output carries it; class shares printed
for X no longer hold for X_res. ``fit_sample`` is the name before 0.4.
The resampler classes are constructed as every estimator class is.
"""

from __future__ import annotations

import ml_lint_nb.facts.static.interpreter.estimators as estimators
from ml_lint_nb.facts.static.interpreter.api import Interp
from ml_lint_nb.facts.static.interpreter.registry import ESTIMATOR, Call, method
from ml_lint_nb.facts.static.values import UNKNOWN, EstV, SeqV, V


@method(ESTIMATOR, ("fit_resample", "fit_sample"))
def fit_resample(interp: Interp, call: Call) -> V:
    """``X_res, y_res = sampler.fit_resample(X, y)``: a fit, and its rows with new class shares."""
    est: EstV = call.recv
    X, y = estimators.x_and_y(call.args, call.kwargs)
    estimators.record_fit(interp, est, "fit_resample", X, y, call.node)
    done = frozenset({est.info.est_id})
    interp.resampled.add(est.info.est_id)
    outs: list[V] = [
        X.derive(applied=X.applied | done) if X else UNKNOWN,
        y.derive(applied=y.applied | done) if y else UNKNOWN,
    ]
    return SeqV(outs, "tuple")
