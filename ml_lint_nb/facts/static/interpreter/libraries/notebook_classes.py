"""Classes the notebook defines that follow scikit-learn's estimator protocol.

A class with ``fit`` and ``transform`` (a custom transformer, Géron's
``CombinedAttributesAdder``, a workplace ``Preprocessor``) or ``fit`` and
``predict`` (a hand-written baseline) is constructed as an estimator of its
own name, so that where it is fitted and what its output reaches are read as
for a library class. A transformer whose ``fit`` stores nothing computed from
its data (``return self``) learns nothing from the rows it sees. Any other
class stays a reference the reader does not look into.
"""

from __future__ import annotations

import ast

import ml_lint_nb.facts.static.interpreter.estimators as estimators
from ml_lint_nb.facts.model import EstimatorInfo
from ml_lint_nb.facts.static.interpreter.api import Interp
from ml_lint_nb.facts.static.interpreter.registry import ANY, NEXT, Call, function
from ml_lint_nb.facts.static.values import EstV, V

PREDICTING = frozenset({"predict", "predict_proba", "decision_function"})
# what a fit may read of its data without learning from the rows: the table's schema
SCHEMA_ATTRIBUTES = frozenset({"columns", "dtypes", "dtype", "shape", "ndim", "index"})


@function("__main__", ANY)
def notebook_estimator(interp: Interp, call: Call) -> V:
    """``Preprocessor(cols)``: an estimator when its class has ``fit`` and ``transform``/``predict``."""
    cls = interp.classes.get(call.name)
    if cls is None:
        return NEXT
    methods = {f.name: f for f in cls.body if isinstance(f, ast.FunctionDef)}
    if "fit" not in methods or not methods.keys() & (PREDICTING | {"transform"}):
        return NEXT
    kinds = {"estimator"}
    if "transform" in methods and not methods.keys() & PREDICTING:
        kinds.add("transformer")
        if not _fit_learns(methods["fit"]):
            kinds.add("fits_nothing")
    params, configs = estimators.params_of(interp, call.kwargs, call.node)
    info = EstimatorInfo(
        est_id=interp.new_id("E"),
        cls=call.name,
        qualname=f"__main__.{call.name}",
        kinds=frozenset(kinds),
        params=params,
        location=interp.loc(call.node),
        configs=configs,
    )
    est = EstV(info)
    interp.record("estimator", call.node, estimator=info, holder=est)
    return est


def _fit_learns(fit: ast.FunctionDef) -> bool:
    """``fit`` keeps something computed from its data: ``self.means_ = X.mean()``,
    ``self.scaler.fit(X)``; a ``fit`` that only returns ``self`` learns nothing."""
    if not fit.args.args:
        return False
    me = fit.args.args[0].arg  # ``self``, whatever the notebook calls it
    data = {a.arg for a in fit.args.args[1:] + fit.args.kwonlyargs}
    if not data:
        return False

    def mentions(node: ast.AST) -> bool:
        """The data's values, not its schema (``X.columns``, ``X.shape[1]``, ``X.dtypes``)."""
        schema = {
            id(n.value)
            for n in ast.walk(node)
            if isinstance(n, ast.Attribute) and n.attr in SCHEMA_ATTRIBUTES
        }
        return any(
            isinstance(n, ast.Name) and n.id in data and id(n) not in schema for n in ast.walk(node)
        )

    for node in ast.walk(fit):
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            on_self = any(
                isinstance(t, ast.Attribute | ast.Subscript) and _on(t, me) for t in targets
            )
            if on_self and mentions(node.value):
                return True
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr.startswith("fit")
            and any(mentions(a) for a in node.args)
        ):
            return True
    return False


def _on(target: ast.expr, me: str) -> bool:
    """``self.x`` or ``self.stats[c]``: state kept on the instance."""
    base = target
    while isinstance(base, ast.Attribute | ast.Subscript):
        base = base.value
    return isinstance(base, ast.Name) and base.id == me
