"""Arithmetic on abstract values: ``+ - * /`` and their spellings as calls.

``(X - X.mean()) / X.std()``, ``df.sub(mu).div(sd)`` and
``np.divide(np.subtract(X, mu), sd)`` read the same: literals compute,
scores stay scores, a statistic reaching data is a fit (:mod:`.statistics`),
data keeps the lineage of both sides' rows.
"""

from __future__ import annotations

import ast
import operator
from typing import Any

import ml_lint_nb.facts.static.interpreter.expressions as expressions
import ml_lint_nb.facts.static.interpreter.selection as selection
import ml_lint_nb.facts.static.interpreter.statistics as statistics
from ml_lint_nb.facts.static.interpreter.api import Interp
from ml_lint_nb.facts.static.values import (
    UNKNOWN,
    ChosenV,
    DataV,
    ExprV,
    LitV,
    MaskV,
    ScoreV,
    SeqV,
    StatV,
    V,
    data_of,
    first,
)

# the operator of each method and function spelling (``df.sub(mu)``, ``np.divide(X, sd)``)
SPELLED = {
    "add": ast.Add(),
    "radd": ast.Add(),
    "sub": ast.Sub(),
    "subtract": ast.Sub(),
    "mul": ast.Mult(),
    "multiply": ast.Mult(),
    "div": ast.Div(),
    "divide": ast.Div(),
    "truediv": ast.Div(),
    "true_divide": ast.Div(),
    "pow": ast.Pow(),
    "power": ast.Pow(),
}


def arith(interp: Interp, left: V, right: V, op: ast.operator, node: ast.AST) -> V:
    """``left op right``: on literals, scores, lists of steps, statistics (a fit) or data."""
    if isinstance(left, LitV) and isinstance(right, LitV):
        try:
            return LitV(_binop(op, left.value, right.value))
        except Exception:
            return UNKNOWN
    if isinstance(left, ScoreV) or isinstance(right, ScoreV):
        return ScoreV(selection.scores_of(left) + selection.scores_of(right))
    if (
        isinstance(op, ast.Add)
        and isinstance(left, SeqV)
        and isinstance(right, SeqV)
        and left.kind in ("list", "tuple")
        and right.kind == left.kind
        and left.split is None
        and right.split is None
    ):  # stages = indexers + [encoder, assembler]: one list of steps
        return SeqV([*left.items, *right.items], left.kind, comp=left.comp or right.comp)
    if _is_pixel_division(op, right) and isinstance(first(left), DataV):
        return first(left).derive(scaled=True)  # X / 255: pixel intensities on one 0-1 scale

    if isinstance(left, MaskV) or isinstance(right, MaskV):
        return left if isinstance(left, MaskV) else right
    sl, sr = first(left), first(right)
    if isinstance(sl, ChosenV) or isinstance(sr, ChosenV):  # np.abs(lr.coef_) * 2
        return sl if isinstance(sl, ChosenV) else sr
    if isinstance(sl, ExprV) or isinstance(sr, ExprV):  # pl.col("x") - pl.col("x").mean()
        return expressions.binop(left, right, op)
    if isinstance(sl, StatV) or isinstance(sr, StatV):
        return statistics.stat_binop(interp, left, right, op, node)
    dl, dr = data_of(left), data_of(right)
    if dl is not None and dr is not None and (dl.rows != dr.rows or dl.applied != dr.applied):
        return dl.derive(rows=dl.rows.union(dr.rows), applied=dl.applied | dr.applied)
    if dl is not None:
        return dl.derive()
    if dr is not None:
        return dr.derive()
    return UNKNOWN


_BINOPS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
    ast.FloorDiv: operator.floordiv,
}


def _binop(op: ast.operator, a: Any, b: Any) -> Any:
    """Arithmetic on two literals (others raise, and the result is unknown)."""
    return _BINOPS[type(op)](a, b)


def _is_pixel_division(op: ast.operator, right: V) -> bool:
    """``X / 255``: pixel intensities brought to one 0-1 scale."""
    return (
        isinstance(op, ast.Div)
        and isinstance(right, LitV)
        and right.value in (255, 255.0, 256, 256.0, 65535, 65535.0)
    )
