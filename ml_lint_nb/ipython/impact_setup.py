"""Where a model's fit and evaluation are, for ``%mlcheck impact``: found again, read-only.

The session's dataflow recorded how each model was fitted (which names or
expressions, in which cell) and evaluated (which rows, which metric, which
prediction). :func:`resolve` finds those objects again in the user's
namespace, by name while the name still holds that binding, else through
the call's own argument expression in its cell (evaluated over views, no
user code run), and checks that they are still what the model was fitted
on: the fitted state's width and the row fingerprint the hook kept at the
fit. A model the dataflow does not know (a class defined in the notebook)
is found through the cells' text. Nothing is copied or fitted here.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ml_lint_nb.facts.live import expressions, model_calls
from ml_lint_nb.facts.live.estimators import is_fitted, public_attr
from ml_lint_nb.facts.static.interpreter import Proto
from ml_lint_nb.facts.static.ipython_syntax import neutralise
from ml_lint_nb.facts.static.values import DataV, EstV, selection_of
from ml_lint_nb.impact import data
from ml_lint_nb.impact.metrics import Metric, MetricError, metric_for
from ml_lint_nb.impact.plan import Refusal, Setup

if TYPE_CHECKING:
    from ml_lint_nb.ipython.session import LiveSession


@dataclass
class Resolved:
    """One model's setup, with the dataflow values its leaks are matched against."""

    setup: Setup
    fit: Proto | None  # None: found in the cells' text only (a class the dataflow does not know)
    evaluation: Proto | None


def resolve(session: LiveSession, name: str, options: dict[str, str]) -> Resolved:
    """How ``name`` was fitted and evaluated, its data found again in the namespace."""
    ns = session.shell.user_ns
    model = ns.get(name)
    if not model_calls.is_model(model):
        raise Refusal("not a model")
    if not is_fitted(model):
        raise Refusal("it is not fitted")
    try:
        from sklearn.base import clone

        clone(model)
    except ImportError:
        raise Refusal("measuring impact needs scikit-learn") from None
    except Exception as exc:
        raise Refusal(f"it cannot be cloned ({_short(exc)})") from None
    fit = fit_of(session, name)
    if fit is not None:
        X_fit, fit_label = data_of(session, fit.args.get("X"), fit, 0)
        y_fit, _ = data_of(session, fit.args.get("y"), fit, 1)
    else:
        X_fit, y_fit, fit_label = _fit_in_text(session, name)
    if X_fit is None or y_fit is None:
        raise Refusal(f"the data it was fitted on ({fit_label}) is held by no name any more")
    _check_fit(session, name, model, X_fit, y_fit, fit_label)
    evaluation = None
    if "--X" in options:
        X_eval, y_eval = _named(ns, options["--X"]), _named(ns, options["--y"])
        eval_label, scoring = options["--X"], ("score", None, {})
    elif fit is not None and _evaluated(session, name, fit):
        evaluation, X_eval, y_eval, eval_label = _evaluation(session, name, fit)
        scoring = _scoring(session, evaluation)
    else:
        X_eval, y_eval, eval_label, scoring = _evaluation_in_text(session, name)
    if data.n_rows(X_eval) != data.n_rows(y_eval):
        raise Refusal(f"{eval_label} and its labels have different numbers of rows")
    metric = _metric(model, y_eval, scoring, options.get("--metric"))
    setup = Setup(
        model_name=name,
        model=model,
        X_fit=X_fit,
        y_fit=y_fit,
        X_eval=X_eval,
        y_eval=y_eval,
        fit_label=fit_label,
        eval_label=eval_label,
        metric=metric,
    )
    return Resolved(setup, fit, evaluation)


def _cells(session: LiveSession) -> list[ast.AST]:
    """The parsed cells the session ran, the most recent first."""
    out = []
    for count in sorted((c for c in session.count_to_key if c is not None), reverse=True):
        lines = session.sources.get(session.count_to_key[count])
        python, _skip = neutralise("\n".join(lines or []))
        if not python:
            continue
        try:
            out.append(ast.parse(python))
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
    return out


def _fit_in_text(session: LiveSession, name: str) -> tuple[Any, Any, str]:
    """``name.fit(X, y)`` as a cell spelled it (a class the dataflow does not know)."""
    ns = session.shell.user_ns
    for tree in _cells(session):
        fits = [c for c in model_calls.model_calls(tree) if c.model == name and c.method == "fit"]
        if fits and fits[-1].y is not None:
            call = fits[-1]
            X, y = expressions.resolve(call.X, ns), expressions.resolve(call.y, ns)
            return X, y, expressions.label(call.X)
    raise Refusal(
        "ml-lint-nb did not see it being fitted (fitted before %load_ext ml_lint_nb, or in a "
        "way it does not follow): run the cell that fits it again"
    )


def _evaluation_in_text(
    session: LiveSession, name: str
) -> tuple[Any, Any, str, tuple[str, str | None, dict[str, Any]]]:
    """A metric on ``name``'s predictions, or ``name.score(X, y)``, as a cell spelled it."""
    ns = session.shell.user_ns
    for tree in _cells(session):
        found: list[tuple[Any, Any, str]] = [
            (m.X, m.y, m.metric) for m in model_calls.metric_calls(tree) if m.model == name
        ]
        found += [
            (c.X, c.y, "score")
            for c in model_calls.model_calls(tree)
            if c.model == name and c.method == "score" and c.y is not None
        ]
        for x_node, y_node, metric in reversed(found):
            X, y = expressions.resolve(x_node, ns), expressions.resolve(y_node, ns)
            if X is not None and y is not None:
                return X, y, expressions.label(x_node), (metric, None, {})
    raise Refusal(
        "it has not been evaluated yet: score it on held-out rows (a metric or .score), or "
        "give them: %mlcheck impact MODEL --X X_test --y y_test"
    )


def _evaluated(session: LiveSession, name: str, fit: Proto) -> bool:
    """Whether the dataflow recorded an evaluation of this fit of the model."""
    est_id = getattr(fit.args.get("estimator"), "est_id", None)
    for p in session.interp.protos:
        est = p.args.get("estimator") if p.kind == "evaluation" else None
        if est is not None and (est.binding == name or est.est_id == est_id):
            return True
    return False


def fit_of(session: LiveSession, name: str) -> Proto | None:
    """The dataflow's record of the fit that made the model ``name`` now holds."""
    value = session.interp.env.get(name)
    record = getattr(value, "fit_record", None) if isinstance(value, EstV) else None
    if isinstance(record, Proto) and record.kind == "fit" and record.args.get("X") is not None:
        return record
    for p in reversed(session.interp.protos):
        if p.kind == "fit" and getattr(p.args.get("estimator"), "binding", None) == name:
            return p
    return None


def _named(ns: dict[str, Any], name: str) -> Any:
    """``--X``/``--y``: a name of the notebook holding data."""
    if name not in ns or data.kind(ns[name]) is None:
        raise Refusal(f"{name} is not a frame, series or array of the notebook")
    return ns[name]


def data_of(session: LiveSession, d: Any, proto: Proto, position: int) -> tuple[Any, str]:
    """The object a dataflow value stands for, and how the notebook names it.

    By its name when the name still holds that binding; else by the call's
    own argument expression in its cell (``train[features]``), evaluated
    over views of the namespace without running user code; else as the
    column selection of a named frame the dataflow says it is.
    """
    ns = session.shell.user_ns
    env = session.interp.env
    if not isinstance(d, DataV):
        return None, "the data"
    if d.name and d.name in ns and d.name.isidentifier():
        current = env.get(d.name)
        same = isinstance(current, DataV) and (current is d or current.version == d.version)
        if same and data.kind(ns[d.name]) is not None:
            return ns[d.name], d.name
    node = _argument(session, proto, position)
    label = d.label if node is None else expressions.label(node)
    if node is not None:
        obj = expressions.resolve(node, ns)
        if obj is None:
            obj = _stacked(node, ns)
        if obj is not None:
            return obj, label
    text = _as_expression(session, d)
    if text is not None:
        try:
            node = ast.parse(text, mode="eval").body
        except SyntaxError:
            node = None
        obj = expressions.resolve(node, ns) if node is not None else None
        if obj is not None:
            return obj, text
    return None, label


STACKING = frozenset({"concat", "vstack", "concatenate", "row_stack"})


def _stacked(node: ast.AST, ns: dict[str, Any]) -> Any:
    """``pd.concat([X_train, X_test])`` / ``np.vstack([a, b])``: the parts stacked, as a new object.

    Only row-wise stacking of parts the safe evaluator resolves; the parts
    are read, never changed (:func:`ml_lint_nb.impact.data.stack` makes a
    new object).
    """
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
        return None
    if node.func.attr not in STACKING or len(node.args) != 1:
        return None
    kwargs = {k.arg: k.value for k in node.keywords}
    axis = kwargs.pop("axis", None)
    kwargs.pop("ignore_index", None)
    if kwargs or (
        axis is not None and not (isinstance(axis, ast.Constant) and axis.value in (0, "index"))
    ):
        return None
    items = node.args[0]
    if not isinstance(items, ast.List | ast.Tuple) or not items.elts:
        return None
    parts = [expressions.resolve(e, ns) for e in items.elts]
    if any(p is None or data.kind(p) is None for p in parts):
        return None
    try:
        out = parts[0]
        for part in parts[1:]:
            out = data.stack(out, part)
        return out if len(parts) > 1 else data.copy(out)
    except Exception:
        return None


def _as_expression(session: LiveSession, d: DataV) -> str | None:
    """``frame[['a', 'b']]`` for data the dataflow knows as a column selection of ``frame``."""
    origin = d.origin
    base = session.interp.env.get(origin) if origin else None
    if not isinstance(base, DataV) or base.rows != d.rows or d.scaled or d.applied:
        return None
    return selection_of(d, origin)


def _cell_tree(session: LiveSession, proto: Proto) -> ast.AST | None:
    """The parsed source of the cell a dataflow event happened in."""
    key = session.count_to_key.get(proto.location.execution_count)
    lines = session.sources.get(key or "")
    if not lines:
        return None
    python, _skip = neutralise("\n".join(lines))
    if python is None:
        return None
    try:
        return ast.parse(python)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _call_at(session: LiveSession, proto: Proto) -> ast.Call | None:
    """The call a dataflow event records, at its line and column in its cell, by its name.

    A fit made inside a helper function is located at the helper's call
    (``clf = train_model(train_df)``), whose arguments are not the fit's:
    only a call named as the event (``fit``, ``roc_auc_score``) counts.
    """
    tree = _cell_tree(session, proto)
    if tree is None:
        return None
    line, col = proto.location.line, proto.location.col
    name = proto.args.get("metric") if proto.kind == "evaluation" else proto.args.get("method")
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or getattr(node, "lineno", None) != line:
            continue
        func = node.func
        called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if called == name and (col is None or node.col_offset + 1 == col):
            return node
    return None


def _argument(session: LiveSession, proto: Proto, position: int) -> ast.AST | None:
    """The ``position``-th data argument of a fit (X, y) or metric call (y_true, y_pred)."""
    call = _call_at(session, proto)
    if call is None:
        return None
    names = {0: ("X", "x", "y_true"), 1: ("y", "y_pred", "y_score")}[position]
    if len(call.args) > position and not isinstance(call.args[position], ast.Starred):
        return call.args[position]
    for kw in call.keywords:
        if kw.arg in names:
            return kw.value
    return None


def _check_fit(session: LiveSession, name: str, model: Any, X: Any, y: Any, label: str) -> None:
    """The data found is what the model was fitted on: its width, rows and fingerprint."""
    if data.kind(X) is None or data.kind(y) is None:
        raise Refusal(f"{label} is not a frame or an array a refit can copy")
    if data.n_rows(X) != data.n_rows(y):
        raise Refusal(f"{label} and its labels have different numbers of rows now")
    width = public_attr(model, "n_features_in_")
    if isinstance(width, int) and len(getattr(X, "shape", ())) == 2 and X.shape[1] != width:
        raise Refusal(
            f"{label} has {X.shape[1]} columns but {name} was fitted on {width}: it changed "
            "after the fit"
        )
    record = session.collector.recall(model)
    if record is None:
        return
    if record.n_rows != data.n_rows(X) or not _same_rows(record, X):
        raise Refusal(
            f"{label} is no longer the rows {name} was fitted on (it changed after the fit)"
        )


def _same_rows(record: Any, X: Any) -> bool:
    """The hook's fingerprint of the fit rows matches ``X`` (True when it cannot tell)."""
    np = sys.modules.get("numpy")
    pd = sys.modules.get("pandas")
    if np is None or record.hashes is None:
        return True
    from ml_lint_nb.facts.live.row_hashes import hash_rows
    from ml_lint_nb.facts.live.tables import read_table
    from ml_lint_nb.facts.live.two_sample import FIRST_COLUMNS

    try:
        table = read_table(X)
        if table is None:
            return True
        picks = range(min(FIRST_COLUMNS, len(record.labels)))
        with np.errstate(all="ignore"):
            now = hash_rows(table, picks, record.rows, np, pd)
        return bool(np.array_equal(np.asarray(now), np.asarray(record.hashes)))
    except Exception:
        return True


def _evaluation(session: LiveSession, name: str, fit: Proto) -> tuple[Proto, Any, Any, str]:
    """The model's evaluation to repeat: the latest on held-out rows, else the latest at all."""
    est_id = getattr(fit.args.get("estimator"), "est_id", None)
    fit_X = fit.args.get("X")
    candidates = []
    for p in reversed(session.interp.protos):
        if p.kind != "evaluation":
            continue
        est = p.args.get("estimator")
        if est is None or (est.binding != name and est.est_id != est_id):
            continue
        made_by = p.args.get("fit")
        if made_by is not None and made_by is not fit:
            continue  # scored with the fitted state of an earlier fit
        candidates.append(p)
    if not candidates:
        raise Refusal(
            "it has not been evaluated yet: score it on held-out rows (a metric or .score), or "
            "give them: %mlcheck impact MODEL --X X_test --y y_test"
        )
    found: list[tuple[Proto, Any, Any, str]] = []
    for p in candidates:
        X, label = _eval_rows(session, p)
        y, _ = data_of(session, p.args.get("y_true"), p, 0 if p.args["metric"] != "score" else 1)
        if X is None or y is None or data.kind(X) is None or data.kind(y) is None:
            continue
        held_out = not (
            isinstance(fit_X, DataV)
            and isinstance(p.args.get("X"), DataV)
            and fit_X.rows == p.args["X"].rows
        )
        if held_out:
            return p, X, y, label
        found.append((p, X, y, label))
    if found:
        return found[0]
    raise Refusal(
        "the rows it was evaluated on are held by no name any more; give them: "
        "%mlcheck impact MODEL --X X_test --y y_test"
    )


def _eval_rows(session: LiveSession, p: Proto) -> tuple[Any, str]:
    """The rows an evaluation scored, by name or through the call that predicted on them."""
    X = p.args.get("X")
    if p.args.get("metric") == "score":
        return data_of(session, X, p, 0)
    for q in reversed(session.interp.protos):
        if q.kind == "predict" and q.args.get("X") is X:
            got = data_of(session, X, q, 0)
            if got[0] is not None:
                return got
    return _by_name(session, X)


def _by_name(session: LiveSession, d: Any) -> tuple[Any, str]:
    """Data by its name alone (when the call that used it cannot be read again)."""
    ns = session.shell.user_ns
    if isinstance(d, DataV) and d.name and d.name in ns and data.kind(ns[d.name]) is not None:
        return ns[d.name], d.name
    return None, getattr(d, "label", "the data")


def _scoring(session: LiveSession, p: Proto) -> tuple[str, str | None, dict[str, Any]]:
    """The metric function, the prediction it took and its literal keyword arguments."""
    metric = p.args.get("metric", "score")
    kwargs: dict[str, Any] = {}
    call = _call_at(session, p) if metric != "score" else None
    if call is not None:
        for kw in call.keywords:
            if kw.arg is None:
                continue
            try:
                kwargs[kw.arg] = ast.literal_eval(kw.value)
            except (ValueError, SyntaxError, TypeError):
                continue
    return metric, p.args.get("prediction"), kwargs


def _metric(
    model: Any, y: Any, scoring: tuple[str, str | None, dict[str, Any]], override: str | None
) -> Metric:
    """The metric to apply again, for this model's task and the labels' classes."""
    import numpy as np

    from ml_lint_nb.facts.live.scoring import task_of

    task = task_of(model)
    n_classes = 0
    if task == "classifier":
        try:
            n_classes = len(np.unique(data.values_1d(y)))
        except Exception:
            n_classes = 2
    function, prediction, kwargs = scoring
    if override is not None:
        function, prediction, kwargs = override, None, {}
    try:
        return metric_for(function, prediction, kwargs, task, n_classes)
    except MetricError as exc:
        raise Refusal(str(exc)) from None


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:160]}" if text else type(exc).__name__


__all__ = ["Resolved", "data_of", "fit_of", "resolve"]
