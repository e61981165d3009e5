"""Display evidence: what a cell prints, read back from its saved output.

``y.value_counts()`` as a cell's last expression, ``print(df.shape)``,
``df.describe()``, ``np.bincount(y)``, ``Counter(y)`` and Spark's
``df.groupBy("label").count().show()`` print facts about the data (class
shares, distinct levels, feature scales, row counts). The interpreter notes
which value each display describes; ``extract.absorb_outputs``
parses the saved output and attaches what it says to that value's rows.
"""

from __future__ import annotations

import ast

from ml_lint_nb.facts.static.interpreter.api import Interp
from ml_lint_nb.facts.static.interpreter.records import Display
from ml_lint_nb.facts.static.values import data_of


def note_statement(interp: Interp, expr: ast.expr) -> None:
    """An expression statement that prints wherever it stands: a Spark frame's ``show()``."""
    if (
        isinstance(expr, ast.Call)
        and isinstance(expr.func, ast.Attribute)
        and expr.func.attr == "show"
    ):
        note_display(interp, expr)


def note_display(interp: Interp, expr: ast.expr) -> None:
    """Remember expressions whose printed value is evidence (value_counts, nunique...)."""
    node = expr
    if isinstance(node, ast.Subscript):
        node = node.value
    if not isinstance(node, ast.Call) and not isinstance(node, ast.Attribute):
        return
    if isinstance(node, ast.Attribute) and node.attr == "shape":
        d = data_of(interp.ev(node.value))
        if d is not None:
            interp.displays.append(Display("shape", d))
        return
    if not isinstance(node, ast.Call):
        return
    func = node.func
    if isinstance(func, ast.Attribute):
        name = func.attr
        if name in ("value_counts", "nunique", "describe"):
            d = data_of(interp.ev(func.value))
            if d is not None:
                normalize = any(k.arg == "normalize" for k in node.keywords)
                interp.displays.append(Display(name, d, normalize))
        elif name == "bincount" and node.args:
            d = data_of(interp.ev(node.args[0]))
            if d is not None:
                interp.displays.append(Display("bincount", d))
        elif name in ("round", "sort_index", "to_frame", "head", "sort_values"):
            note_display(interp, func.value)
        elif name == "show":
            spark_counts_display(interp, func.value)
    elif isinstance(func, ast.Name) and func.id == "Counter" and node.args:
        d = data_of(interp.ev(node.args[0]))
        if d is not None:
            interp.displays.append(Display("counter", d))


def spark_counts_display(interp: Interp, expr: ast.expr) -> None:
    """``df.groupBy("label").count()[.orderBy(...)].show()``: class counts, printed."""
    while (
        isinstance(expr, ast.Call)
        and isinstance(expr.func, ast.Attribute)
        and expr.func.attr in ("orderBy", "sort", "limit")
    ):
        expr = expr.func.value
    if not (
        isinstance(expr, ast.Call)
        and isinstance(expr.func, ast.Attribute)
        and expr.func.attr == "count"
    ):
        return
    grouped = expr.func.value
    if not (
        isinstance(grouped, ast.Call)
        and isinstance(grouped.func, ast.Attribute)
        and grouped.func.attr in ("groupBy", "groupby")
        and len(grouped.args) == 1
        and isinstance(grouped.args[0], ast.Constant)
        and isinstance(grouped.args[0].value, str)
    ):
        return
    d = data_of(interp.ev(grouped.func.value))
    if d is not None:
        interp.displays.append(Display("spark_counts", d.derive(column=grouped.args[0].value)))
