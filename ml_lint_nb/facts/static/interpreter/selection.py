"""Scores and model selection: where the notebook picks by a score it computed.

Every metric call is an *evaluation* (:func:`evaluation`); names that hold
scores are tracked (``results[name] = score``) so that a later pick among
them (``max(scores)``, ``np.argmax``, ``if score > best:`` in a loop, a
``best_...`` variable) is recorded as a *selection* over those evaluations.
Early stopping and best-checkpoint callbacks are selections too: the
iteration kept is chosen on the eval set.
"""

from __future__ import annotations

import ast
from typing import Any

from ml_lint_nb.facts.static.interpreter.api import Interp
from ml_lint_nb.facts.static.interpreter.records import Proto
from ml_lint_nb.facts.static.values import (
    UNKNOWN,
    CallbackV,
    DataV,
    EstV,
    LitV,
    MultiV,
    ScoreV,
    SeqV,
    V,
    data_of,
    first,
    kw_set,
)

# metrics that report per class, never one number (no average hides a class)
PER_CLASS_METRICS = frozenset(
    {
        "classification_report",
        "confusion_matrix",
        "multilabel_confusion_matrix",
        "precision_recall_fscore_support",
        "from_predictions",
        "from_estimator",
    }
)
# the keyword giving a fit its eval set: boosting libraries (eval_set, valid_sets, evals), Keras
EVAL_SET_ARGS = ("eval_set", "validation_data", "valid_sets", "evals")
# parameters that stop boosting at the best iteration on the eval set (XGBoost, LightGBM, CatBoost)
STOPPING_PARAMS = ("early_stopping_rounds", "early_stopping_round", "od_wait")
# methods that order or pick values: results.idxmax(), scores.sort_values()
CHOICE_METHODS = frozenset(
    {
        "idxmax",
        "idxmin",
        "sort_values",
        "nlargest",
        "nsmallest",
        "argmax",
        "argmin",
        "argsort",
        "sort",
        "max",
        "min",
    }
)
ORDERING = (ast.Gt, ast.GtE, ast.Lt, ast.LtE)
# list and dict methods that put a score into a container
FILLING_METHODS = ("append", "extend", "update", "add", "insert", "setdefault")


def evaluation(
    interp: Interp,
    metric: str,
    est: EstV | None,
    X: DataV | None,
    y: DataV | None,
    prediction: str | None,
    node: ast.AST,
    fit: Any,
    kwargs: dict[str, V] | None = None,
) -> Proto:
    """Record a model scored on data (``accuracy_score(y_test, model.predict(X_test))``)."""
    interp.scored = True
    average = (kwargs or {}).get("average")
    per_class = metric in PER_CLASS_METRICS or (
        isinstance(average, LitV) and average.value is None and "average" in (kwargs or {})
    )
    return interp.record(
        "evaluation",
        node,
        metric=metric,
        estimator=est.info if est is not None else None,
        X=X,
        y_true=y,
        prediction=prediction,
        fit=fit,
        per_class=per_class,
    )


def scores_of(v: V | None) -> list[Proto]:
    """The evaluations behind a score, a list of scores, or alternatives of them."""
    if isinstance(v, ScoreV):
        return v.evals
    if isinstance(v, SeqV):
        return [p for item in v.items for p in scores_of(item)]
    if isinstance(v, MultiV):
        return [p for a in v.alts for p in scores_of(a)]
    return []


def track_scores(interp: Interp, targets: list[ast.expr], value: V, source: ast.expr) -> None:
    """Remember names that hold scores: ``results[name] = score``, ``df = DataFrame(results)``."""
    if not interp.scored:
        return
    protos = scores_of(value)
    v = first(value)
    derived = not (isinstance(v, EstV) or isinstance(v, DataV) and v.pred_est is not None)
    if not protos and interp.score_names and derived:  # a model or its predictions is no score
        protos = scores_named(interp, source)
    if not protos:
        return
    for t in targets:
        base = t
        while isinstance(base, ast.Subscript | ast.Attribute):
            base = base.value
        if isinstance(base, ast.Name):
            interp.score_names.setdefault(base.id, []).extend(protos)
            if base is t and base.id.lower().startswith("best"):  # best_k = ..., best_score = ...
                interp.record(
                    "selection",
                    t,
                    how=f"kept in {base.id}",
                    model="",
                    data=None,
                    evaluations=protos,
                )


def scores_named(interp: Interp, node: ast.AST) -> list[Proto]:
    """The evaluations behind the score-holding names an expression mentions."""
    found: list[Proto] = []
    if interp.score_names:
        for sub in ast.walk(node):
            if isinstance(sub, ast.Name) and sub.id in interp.score_names:
                found.extend(interp.score_names[sub.id])
    return found


def note_choice(
    interp: Interp, how: str, values: list[V], nodes: list[ast.expr], node: ast.AST
) -> None:
    """``max(scores)``, ``np.argmax(scores)``, ``results.sort_values()``: a pick by score."""
    if not interp.scored:
        return
    protos: list[Proto] = []
    for v in values:
        protos.extend(scores_of(v))
    for n in nodes:
        protos.extend(scores_named(interp, n))
    if isinstance(node, ast.Call):
        for kw in node.keywords:
            protos.extend(scores_named(interp, kw.value))
    if protos:
        interp.record("selection", node, how=how, model="", data=None, evaluations=protos)


def note_best_kept(interp: Interp, left: V, rights: list[V], node: ast.Compare) -> None:
    """``if score > best_score:`` in a loop keeps the best variant."""
    if not (interp.loop_depth and len(rights) == 1 and isinstance(node.ops[0], ORDERING)):
        return
    if not interp.scored:
        return
    sides = ((left, node.left), (rights[0], node.comparators[0]))
    for (v, n), (_ov, other) in (sides, sides[::-1]):
        protos = scores_of(v) or scores_named(interp, n)
        if protos and not isinstance(other, ast.Constant):
            interp.record(
                "selection", node, how="keeps the best", model="", data=None, evaluations=protos
            )
            return


def method_hooks(
    interp: Interp, recv: V, meth: str, args: list[V], kwargs: dict[str, V], node: ast.Call
) -> None:
    """What any method call may say about selection, before the call itself is read.

    ``model.fit(..., eval_set=...)`` with early stopping chooses on that set;
    ``scores.idxmax()`` picks by score; ``results.append(score)`` fills a
    container of scores.
    """
    if meth in ("fit", "fit_generator", "train") and kwargs.keys() & EVAL_SET_ARGS:
        early_stopping(interp, recv, kwargs, node)
    if meth in CHOICE_METHODS and isinstance(node.func, ast.Attribute):
        note_choice(interp, meth, [recv], [node.func.value], node)
    if interp.scored and meth in FILLING_METHODS:
        track_scores(interp, [node.func], SeqV([*args, *kwargs.values()]), node)


def early_stopping(
    interp: Interp, recv: V, kwargs: dict[str, V], node: ast.Call, params: V | None = None
) -> None:
    """A fit that keeps the iteration scoring best on its eval set chooses on that set."""
    how = stopping_of(recv, kwargs, params)
    if how is None:
        return
    est = first(recv)
    if isinstance(est, EstV):
        model = est.info.binding or est.info.cls
    elif isinstance(est, DataV) and est.name:
        model = est.name
    else:
        model = ast.unparse(node.func)
    sets = next((kwargs[k] for k in EVAL_SET_ARGS if k in kwargs), UNKNOWN)
    items = sets.items if isinstance(sets, SeqV) and sets.kind == "list" else [sets]
    for item in items:
        if isinstance(item, SeqV) and item.kind == "tuple" and item.items:
            item = item.items[0]  # (X_test, y_test): name the features
        d = data_of(item)
        if d is not None:
            interp.record("selection", node, how=how, model=model, data=d, evaluations=[])


def stopping_of(recv: V, kwargs: dict[str, V], params: V | None) -> str | None:
    """How a fit keeps its best iteration on the eval set, or None when it only monitors it."""
    cbs = kwargs.get("callbacks")
    for cb in cbs.items if isinstance(cbs, SeqV) else [cbs]:
        if isinstance(cb, CallbackV):
            return cb.how
    if any(kw_set(kwargs, k) for k in STOPPING_PARAMS):
        return "early stopping"
    if isinstance(params, SeqV) and params.kind == "dict":
        for key, value in zip(params.keys, params.items, strict=False):
            if key in STOPPING_PARAMS and not (isinstance(value, LitV) and value.value is None):
                return "early stopping"
    est = first(recv)
    if isinstance(est, EstV):
        p = est.info.params
        if any(p.get(k) is not None for k in STOPPING_PARAMS):
            return "early stopping"
        if est.info.cls.startswith("CatBoost") and p.get("use_best_model") is not False:
            use_best = kwargs.get("use_best_model")
            if not (isinstance(use_best, LitV) and use_best.value is False):
                # CatBoost keeps the best iteration whenever given an eval set
                return "best iteration"
    return None
