"""The fits and evaluations a cell spelled, in the order they ran.

Any object with a scikit-learn style API counts (duck typing on its class:
a ``fit`` method and ``get_params``), so Pipelines, searches, xgboost,
lightgbm, catboost and imblearn models are seen like sklearn's own. Calls
inside function or class bodies are left out: their names are local.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any

FIT_METHODS = frozenset({"fit", "fit_transform", "fit_predict"})
EVAL_METHODS = frozenset(
    {"predict", "predict_proba", "predict_log_proba", "decision_function", "score"}
)


@dataclass(frozen=True)
class ModelCall:
    """A call of a model's method the cell spelled: the receiver's name and the argument nodes."""

    model: str  # the receiver's name
    method: str
    X: ast.AST | None
    y: ast.AST | None
    line: int
    groups: ast.AST | None = None  # a search's ``fit(X, y, groups=...)``

    @property
    def is_fit(self) -> bool:
        """A fitting method (``fit``, ``fit_transform``, ``fit_predict``), not an evaluation."""
        return self.method in FIT_METHODS


def model_calls(tree: ast.AST) -> list[ModelCall]:
    """``name.fit(X, y)`` / ``name.predict(X)`` / ``name.score(X, y)`` calls at cell level."""
    out: list[tuple[int, int, ModelCall]] = []
    bound = _bound_fits(tree)
    for node in _walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        method = node.func.attr
        recv = node.func.value
        if method not in FIT_METHODS | EVAL_METHODS:
            continue
        if isinstance(recv, ast.Call) and id(node) in bound:
            recv = ast.Name(bound[id(node)])  # clf = LogisticRegression().fit(X, y)
        if not isinstance(recv, ast.Name):
            continue
        kw = {k.arg: k.value for k in node.keywords if k.arg}
        X = node.args[0] if node.args else kw.get("X", kw.get("x"))
        y = node.args[1] if len(node.args) > 1 else kw.get("y")
        if X is None or isinstance(X, ast.Starred):
            continue
        call = ModelCall(recv.id, method, X, y, getattr(node, "lineno", 1), kw.get("groups"))
        out.append((node.lineno, node.col_offset, call))
    # inner calls first: in clf.fit(X, y).score(...) the fit runs before the score
    out.sort(key=lambda e: (e[0], e[1]))
    return [c for _, _, c in out]


REPORT_METRICS = frozenset(
    {
        "classification_report",
        "confusion_matrix",
        "mean_squared_error",
        "mean_absolute_error",
        "log_loss",
        "brier_score_loss",
    }
)


@dataclass(frozen=True)
class MetricCall:
    """A metric on a model's outputs: ``accuracy_score(y_test, clf.predict(X_test))``."""

    model: str
    X: ast.AST
    y: ast.AST
    line: int
    metric: str = "a metric"


def metric_calls(tree: ast.AST) -> list[MetricCall]:
    """Metrics whose predictions come from ``model.predict*(X)``, inline or bound in the cell."""
    preds: dict[str, tuple[str, ast.AST]] = {}
    for node in _walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            got = _prediction(node.value)
            if isinstance(target, ast.Name) and got is not None:
                preds[target.id] = got
    out = []
    for node in _walk(tree):
        if not isinstance(node, ast.Call) or len(node.args) < 2:
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        if not (name.endswith("_score") or name in REPORT_METRICS):
            continue
        y_node, p = node.args[0], node.args[1]
        got = _prediction(p)
        if got is None and isinstance(p, ast.Name):
            got = preds.get(p.id)
        if got is not None:
            out.append(MetricCall(got[0], got[1], y_node, getattr(node, "lineno", 1), name))
    return out


def _prediction(node: ast.AST) -> tuple[str, ast.AST] | None:
    """(model name, X node) of ``m.predict(X)``, ``m.predict_proba(X)[:, 1]``."""
    if isinstance(node, ast.Subscript):
        node = node.value
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in EVAL_METHODS - {"score"}
        and isinstance(node.func.value, ast.Name)
        and node.args
    ):
        return node.func.value.id, node.args[0]
    return None


def _bound_fits(tree: ast.AST) -> dict[int, str]:
    """``name = Estimator(...).fit(X, y)``: the fit call's node id -> the name bound to the model."""
    out: dict[int, str] = {}
    for node in _walk(tree):
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Attribute)
            and node.value.func.attr == "fit"
        ):
            out[id(node.value)] = node.targets[0].id
    return out


def _walk(tree: ast.AST) -> Any:
    """The cell's nodes outside function and class bodies (names there are local)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if isinstance(
                child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef
            ):
                continue
            stack.append(child)


def is_model(obj: object) -> bool:
    """A fitted-or-not estimator by the methods of its class (never its instance)."""
    if isinstance(obj, type):
        return False
    cls = type(obj)
    return callable(getattr(cls, "fit", None)) and callable(getattr(cls, "get_params", None))


__all__ = [
    "EVAL_METHODS",
    "FIT_METHODS",
    "MetricCall",
    "ModelCall",
    "is_model",
    "metric_calls",
    "model_calls",
]
