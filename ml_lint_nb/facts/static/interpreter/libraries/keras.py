"""Keras (and TensorFlow's copy of it): datasets that come split, and networks.

``keras.datasets.mnist.load_data()`` hands out its publisher's training
and test parts. A ``Sequential`` or functional ``Model`` is fitted,
evaluated (``net.evaluate(X_test, y_test)``) and predicts as an estimator. Keras's callbacks are in :mod:`.callbacks` (shared with
PyTorch Lightning and the boosting libraries); ``fit(...,
validation_data=...)`` with early stopping is a selection on that data
(:mod:`..selection`).
"""

from __future__ import annotations

import ml_lint_nb.facts.static.interpreter.estimators as estimators
import ml_lint_nb.facts.static.interpreter.selection as selection
from ml_lint_nb.facts.model import RowSet
from ml_lint_nb.facts.static.interpreter.api import Interp
from ml_lint_nb.facts.static.interpreter.records import SplitToken
from ml_lint_nb.facts.static.interpreter.registry import ESTIMATOR, NEXT, Call, function, method
from ml_lint_nb.facts.static.values import DataV, EstV, ScoreV, SeqV, V


@function(("keras", "tensorflow"), "load_data")
def load_data(interp: Interp, call: Call) -> V:
    """``(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()``.

    The loader hands out its own training and test parts: a split of one
    dataset, so a choice made on the test part is made on the test set.
    """
    if ".datasets." not in call.qual:
        return NEXT
    node = call.node
    data = DataV(RowSet.root(interp.root_id(node)), origin=call.qual.rsplit(".", 2)[-2])
    tok = SplitToken(
        split_id=interp.new_id("S"),
        method="load_data",
        inputs=[data],
        parts=[],
        location=interp.loc(node),
        shuffle=None,  # the publisher's split: no stored order to judge
        stratified=False,
        seeded=True,
    )
    halves: list[V] = []
    for part in (0, 1):
        rows = data.rows.part(tok.split_id, part)
        x, y = data.derive(rows=rows), data.derive(rows=rows, column="<target>")
        tok.parts.extend([x, y])
        tok.sides.add(part)
        halves.append(SeqV([x, y], "tuple"))
    interp.pending_splits.append(tok)
    return SeqV(halves, "tuple")


@function(("keras", "tensorflow"), ("Sequential", "Model"))
def network(interp: Interp, call: Call) -> V:
    """``keras.Sequential([...])``: a model fitted, evaluated and predicting like an estimator."""
    if "keras" not in call.qual:
        return NEXT
    return estimators.construct(interp, call.qual, call.name, [], {}, call.node)


@method(ESTIMATOR, "evaluate")
def evaluate(interp: Interp, call: Call) -> V:
    """``net.evaluate(X_test, y_test)``: the model scored on X (its loss and metrics)."""
    est: EstV = call.recv
    X, y = estimators.x_and_y(call.args, call.kwargs)
    if X is None:
        return NEXT
    proto = selection.evaluation(interp, "evaluate", est, X, y, None, call.node, est.fit_record)
    return ScoreV([proto])
