"""``%mlcheck impact [MODEL ...]``: what each leak attached to a model costs.

The session's dataflow recorded how each model was fitted (which names or
expressions, in which cell) and evaluated (which rows, which metric, which
prediction); this module finds those objects again in the user's namespace,
read-only, checks that they are still what the model was fitted on (the
fitted state's width, the row fingerprint the hook kept at the fit), picks
the open findings attached to the model and hands everything to
:func:`ml_lint_nb.impact.measure`, which refits clones on copies. What it
measured is shown under the prompt, both scores side by side, and stays on
the findings in the session's open list.

Nothing here runs from the hook: only ``%mlcheck impact`` (and
``ml-lint-nb check --execute --impact``, which types it) refits.
"""

from __future__ import annotations

import ast
import sys
import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from ml_lint_nb.facts.live import expressions, model_calls
from ml_lint_nb.facts.live.estimators import is_fitted, public_attr
from ml_lint_nb.facts.static.interpreter import Proto
from ml_lint_nb.facts.static.ipython_syntax import neutralise
from ml_lint_nb.facts.static.values import DataV, EstV
from ml_lint_nb.findings import Finding, report_order
from ml_lint_nb.impact import data
from ml_lint_nb.impact.measure import Settings, measure
from ml_lint_nb.impact.metrics import Metric, MetricError, metric_for
from ml_lint_nb.impact.plan import (
    COLUMN,
    COPIES,
    FIT_CONTAINS_EVAL,
    GROUPED,
    TEMPORAL,
    TRANSFORMER,
    Leak,
    Refusal,
    Setup,
)
from ml_lint_nb.impact.verdict import Thresholds

if TYPE_CHECKING:
    from ml_lint_nb.ipython.session import LiveSession

OPTIONS = {"--metric", "--X", "--y"}
SHOW_PROGRESS_AFTER = 1.0  # seconds: a measurement quicker than this shows no progress line
MAX_FRAMES_SCANNED = 200  # frames of the namespace searched for an entity or time column


@dataclass
class Resolved:
    """One model's setup, with the dataflow values its leaks are matched against."""

    setup: Setup
    fit: Proto
    evaluation: Proto | None


# -- the command ---------------------------------------------------------------------------------


def impact(session: LiveSession, names: list[str], options: dict[str, str]) -> None:
    """Measure the leaks attached to each named model (each model of the session if none).

    A named model that cannot be measured is one line (raised as
    :class:`Refusal` when it is the only one, for the caller to print);
    otherwise the findings with both scores are shown under the prompt.
    """
    if ("--X" in options) != ("--y" in options):
        raise Refusal("--X and --y go together")
    explicit = bool(names)
    if not names:
        names = models_of(session)
        if not names:
            print("ml-lint-nb: no fitted model in this session to measure.")
            return
    if len(names) > 1 and "--X" in options:
        raise Refusal("--X/--y go with one model")
    limits = session.limits
    seconds = float(getattr(limits, "impact_seconds", 60.0))
    settings = Settings(
        seconds=seconds,
        thresholds=Thresholds(material_gap=float(getattr(limits, "impact_material_gap", 0.01))),
        seed=limits.seed,
    )
    progress = ProgressLine()
    measured: list[Finding] = []
    measured_models: list[str] = []
    notes: list[str] = []
    start = time.perf_counter()
    cancelled = False
    for name in names:
        try:
            resolved = resolve(session, name, options)
            leaks = leaks_of(session, name, resolved)
        except Refusal as exc:
            if explicit and len(names) == 1:
                raise Refusal(f"impact of {name}: {exc}") from None
            notes.append(f"{name} not measured: {exc}")
            continue
        if not leaks:
            if explicit:
                notes.append(f"{name}: no leak or evaluation finding is attached to it")
            continue
        left = seconds - (time.perf_counter() - start)
        report = measure(resolved.setup, leaks, replace(settings, seconds=max(left, 0.0)), progress)
        measured.extend(report.measured)
        if report.measured:
            measured_models.append(name)
        notes.extend(report.notes)
        if report.cancelled:
            cancelled = True
            break
    progress.close()
    if measured:
        _keep(session, measured)
        title = "impact on " + ", ".join(measured_models)
        session.publish(measured, [], notes, record=False, title=title)
        return
    if not notes and not cancelled:
        notes.append(
            "no leak or evaluation finding is attached to "
            + (", ".join(names) if explicit else "any model of this session")
        )
    for note in notes:
        print(f"ml-lint-nb: {note}")


def _keep(session: LiveSession, measured: list[Finding]) -> None:
    """The open findings carry their impact from now on (``%mlcheck`` lists them with it)."""
    for ident, f in list(session.open.items()):
        for g in measured:
            if g.code == f.code and g.subject == f.subject and g.message == f.message:
                session.open[ident] = replace(f, impact=g.impact)


def models_of(session: LiveSession) -> list[str]:
    """Names holding a fitted model the session saw being fitted, in the order of their fits."""
    ns = session.shell.user_ns
    out: list[str] = []
    for p in session.interp.protos:
        if p.kind != "fit":
            continue
        name = getattr(p.args.get("estimator"), "binding", None)
        if not name or name in out or name not in ns:
            continue
        if (
            "transformer" in p.args["estimator"].kinds
            and "pipeline" not in p.args["estimator"].kinds
        ):
            continue
        if model_calls.is_model(ns[name]) and is_fitted(ns[name]):
            out.append(name)
    for name, value in session.interp.env.items():  # clf = SVC().fit(...): bound after the fit
        if (
            isinstance(value, EstV)
            and value.fit_record is not None
            and name not in out
            and name in ns
            and model_calls.is_model(ns[name])
            and "transformer" not in value.info.kinds
        ):
            out.append(name)
    return out


# -- the model's fit and evaluation -------------------------------------------------------------


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
    if fit is None:
        raise Refusal(
            "ml-lint-nb did not see it being fitted (fitted before %load_ext ml_lint_nb, or in a "
            "way the dataflow does not follow): run the cell that fits it again"
        )
    X_fit, fit_label = _data(session, fit.args.get("X"), fit, 0)
    y_fit, _ = _data(session, fit.args.get("y"), fit, 1)
    if X_fit is None or y_fit is None:
        raise Refusal(f"the data it was fitted on ({fit_label}) is held by no name any more")
    _check_fit(session, name, model, X_fit, y_fit, fit_label)
    if "--X" in options:
        X_eval, y_eval = _named(ns, options["--X"]), _named(ns, options["--y"])
        eval_label, evaluation, scoring = options["--X"], None, ("score", None, {})
    else:
        evaluation, X_eval, y_eval, eval_label = _evaluation(session, name, fit)
        scoring = _scoring(session, evaluation)
    if data.n_rows(X_eval) != data.n_rows(y_eval):
        raise Refusal(f"{eval_label} and its labels have different numbers of rows")
    metric = _metric(model, y_eval, scoring, options.get("--metric"))
    training = evaluation is not None and _same_object(X_eval, X_fit)
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
        training_score=training,
    )
    return Resolved(setup, fit, evaluation)


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


def _data(session: LiveSession, d: Any, proto: Proto, position: int) -> tuple[Any, str]:
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
    if node is not None:
        obj = expressions.resolve(node, ns)
        if obj is not None:
            return obj, expressions.label(node)
    text = _as_expression(session, d)
    if text is not None:
        try:
            node = ast.parse(text, mode="eval").body
        except SyntaxError:
            node = None
        obj = expressions.resolve(node, ns) if node is not None else None
        if obj is not None:
            return obj, text
    return None, d.label


def _as_expression(session: LiveSession, d: DataV) -> str | None:
    """``frame[['a', 'b']]`` for data the dataflow knows as a column selection of ``frame``."""
    origin = d.origin
    base = session.interp.env.get(origin) if origin else None
    if not isinstance(base, DataV) or base.rows != d.rows or d.scaled or d.applied:
        return None
    if d.column is not None and d.column != "<target>":
        return f"{origin}[{d.column!r}]"
    if d.columns is not None:
        return f"{origin}[{list(d.columns)!r}]"
    if d.dropped:
        return f"{origin}.drop(columns={sorted(d.dropped)!r})"
    return None


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
    """The call a dataflow event records, found at its line and column in its cell."""
    tree = _cell_tree(session, proto)
    if tree is None:
        return None
    line, col = proto.location.line, proto.location.col
    best = None
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node, "lineno", None) == line:
            if col is None or node.col_offset + 1 == col:
                return node
            best = best or node
    return best if col is None else None


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


def _same_object(a: Any, b: Any) -> bool:
    """The same rows: the same object, or equal shape and row fingerprints."""
    if a is b:
        return True
    try:
        if data.n_rows(a) != data.n_rows(b):
            return False
        import numpy as np

        return bool(np.array_equal(data.row_keys(a), data.row_keys(b)))
    except Exception:
        return False


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
        if p.args.get("fit") not in (None, fit):
            continue
        candidates.append(p)
    if not candidates:
        raise Refusal(
            "it has not been evaluated yet: score it on held-out rows (a metric or .score), or "
            "give them: %mlcheck impact MODEL --X X_test --y y_test"
        )
    found: list[tuple[Proto, Any, Any, str]] = []
    for p in candidates:
        X, label = _eval_rows(session, p)
        y, _ = _data(session, p.args.get("y_true"), p, 0 if p.args["metric"] != "score" else 1)
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
        return _data(session, X, p, 0)
    for q in reversed(session.interp.protos):
        if q.kind == "predict" and q.args.get("X") is X:
            got = _data(session, X, q, 0)
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


# -- the findings attached to the model ---------------------------------------------------------


def leaks_of(session: LiveSession, name: str, resolved: Resolved) -> list[Leak]:
    """The open leak and evaluation findings about this model, each with what its refit needs."""
    out: list[Leak] = []
    seen: set[tuple] = set()
    for f in report_order(session.open.values()):
        leak = _leak(session, name, resolved, f)
        if leak is None:
            continue
        key = (leak.kind, leak.columns, leak.transformer_name, leak.column)
        if key in seen:
            continue
        seen.add(key)
        out.append(leak)
    return out


def _leak(session: LiveSession, name: str, resolved: Resolved, f: Finding) -> Leak | None:
    """The leak a finding describes, when it is about this model's data; else None."""
    setup = resolved.setup
    if f.code == "ML202":
        cols = _columns(f)
        present = set(data.labels(setup.X_fit))
        hit = tuple(c for c in cols if c in present)
        return Leak(f, COLUMN, columns=hit) if hit else None
    if f.code == "ML203":
        return _transformer_leak(session, resolved, f)
    if f.code == "ML204":
        if f.subject[:1] == (name,):
            return Leak(f, FIT_CONTAINS_EVAL)
        return None
    if f.code == "ML201":
        if "live" not in f.sources or not _about_pair(session, resolved, f):
            return None
        return Leak(f, COPIES)
    if f.code in ("ML207", "ML211"):
        kind = TEMPORAL if f.code == "ML207" else GROUPED
        column = _evidence(
            f, ("time_column", "column") if kind == TEMPORAL else ("entity_column", "column")
        )
        if column is None or not _about_pair(session, resolved, f, loose=True):
            return None
        fit_values, eval_values = _column_values(session, resolved, column)
        return Leak(
            f,
            kind,
            column=column,
            groups_fit=fit_values,
            groups_eval=eval_values,
            refusal=None
            if fit_values is not None
            else f"the values of {column!r} for the rows of {setup.fit_label} and {setup.eval_label} cannot be found",
        )
    return None


def _columns(f: Finding) -> tuple[str, ...]:
    """The leaking columns an ML202 finding names (its evidence, else its subject)."""
    out: list[str] = []
    for e in f.evidence:
        for key in ("column", "feature", "columns", "features"):
            value = e.data.get(key)
            if isinstance(value, str):
                out.append(value)
            elif isinstance(value, list):
                out.extend(str(v) for v in value)
    if not out:
        out = [s for s in f.subject if s != "columns"]
    return tuple(dict.fromkeys(out))


def _evidence(f: Finding, keys: tuple[str, ...]) -> str | None:
    """The first of ``keys`` the finding's evidence holds as a string."""
    for key in keys:
        for e in f.evidence:
            value = e.data.get(key)
            if isinstance(value, str) and value:
                return value
    return None


def _about_pair(session: LiveSession, resolved: Resolved, f: Finding, loose: bool = False) -> bool:
    """A finding whose subject names the model's fit and evaluation data (or their sources).

    ``loose``: a finding whose names the session cannot place (a split of a
    frame the model's data came from) counts too.
    """
    setup = resolved.setup
    names = [s for s in f.subject if s]
    for e in f.evidence:
        for key in ("train", "test"):
            value = e.data.get(key)
            if isinstance(value, str):
                names.append(value)
    if not names:
        return loose
    fit_d = resolved.fit.args.get("X")
    eval_d = resolved.evaluation.args.get("X") if resolved.evaluation is not None else None
    mine = _lineage(session, fit_d, setup.fit_label) | _lineage(session, eval_d, setup.eval_label)
    if any(_base(n) in mine for n in names):
        return True
    env = session.interp.env
    for n in names:
        value = env.get(_base(n))
        if not isinstance(value, DataV) or not value.rows.known:
            continue
        for d in (fit_d, eval_d):
            if isinstance(d, DataV) and (
                d.rows.includes(value.rows) or value.rows.includes(d.rows)
            ):
                return True
    return loose and not any(isinstance(env.get(_base(n)), DataV) for n in names)


def _lineage(session: LiveSession, d: Any, label: str) -> set[str]:
    """Names along a value's derivation (``X_train``, ``train``, ``df``) and its label's base."""
    out = {_base(label)}
    env = session.interp.env
    depth = 0
    while isinstance(d, DataV) and depth < 10:
        for n in (d.name, d.origin):
            if n:
                out.add(_base(n))
        nxt = env.get(d.origin) if d.origin else None
        d = nxt if nxt is not d else None
        depth += 1
    return out


def _base(label: str) -> str:
    """The name an expression's text starts with (``train`` in ``train[features]``)."""
    i = 0
    while i < len(label) and (label[i].isalnum() or label[i] == "_"):
        i += 1
    return label[:i] or label


def _column_values(session: LiveSession, resolved: Resolved, column: str) -> tuple[Any, Any]:
    """The values of ``column`` for the fit rows and the evaluation rows, in their order.

    From the model's data when the column is a feature; else from a frame
    the rows came from, through their pandas index (an entity column dropped
    from the features is still there).
    """
    setup = resolved.setup
    X_fit, X_eval = setup.X_fit, setup.X_eval
    if column in data.labels(X_fit) and column in data.labels(X_eval):
        return data.column_values(X_fit, column), data.column_values(X_eval, column)
    idx_fit, idx_eval = data.index_labels(X_fit), data.index_labels(X_eval)
    if idx_fit is None or idx_eval is None:
        return None, None
    for frame in _source_frames(session, resolved, column):
        try:
            index = frame.index
            if not index.is_unique or not (
                idx_fit.isin(index).all() and idx_eval.isin(index).all()
            ):
                continue
            col = next(c for c in frame.columns if str(c) == column)
            return (
                data.values_1d(frame[col].loc[idx_fit]),
                data.values_1d(frame[col].loc[idx_eval]),
            )
        except Exception:
            continue
    return None, None


def _source_frames(session: LiveSession, resolved: Resolved, column: str) -> list[Any]:
    """pandas frames holding ``column``: those the model's data derives from first."""
    ns = session.shell.user_ns
    pd = sys.modules.get("pandas")
    if pd is None:
        return []
    first = _lineage(session, resolved.fit.args.get("X"), resolved.setup.fit_label)
    names = [n for n in first if n in ns] + [n for n in list(ns)[:5000] if n not in first]
    out = []
    for n in names:
        value = ns.get(n)
        if type(value) is pd.DataFrame and column in [str(c) for c in value.columns]:
            out.append(value)
            if len(out) >= MAX_FRAMES_SCANNED:
                break
    return out


def _transformer_leak(session: LiveSession, resolved: Resolved, f: Finding) -> Leak | None:
    """An ML203 finding about a transformer whose output reached this model's fit data."""
    tname = f.subject[0] if f.subject else None
    fit_d = resolved.fit.args.get("X")
    if not tname or not isinstance(fit_d, DataV):
        return None
    proto = None
    for p in reversed(session.interp.protos):
        info = p.args.get("estimator") if p.kind == "fit" else None
        named = info is not None and (info.binding or info.cls) == tname
        if named and info.est_id in fit_d.applied:
            proto = p
            break
    if proto is None:
        return None
    info = proto.args["estimator"]
    if "pseudo" in info.kinds:
        return Leak(
            f,
            TRANSFORMER,
            transformer_name=tname,
            refusal=(
                "a statistic computed by hand has no estimator to refit; move it into a Pipeline "
                "step (or compute it on the training rows) and measure again"
            ),
        )
    T = _transformer_object(session, info)
    if T is None:
        return Leak(
            f,
            TRANSFORMER,
            transformer_name=tname,
            refusal=(f"no name holds {tname} as it was fitted any more"),
        )
    R, _label = _data(session, proto.args.get("X"), proto, 0)
    yR, _ = (
        _data(session, proto.args.get("y"), proto, 1)
        if proto.args.get("y") is not None
        else (None, "")
    )
    if R is not None and data.kind(R) is None:
        R = None
    return Leak(
        f,
        TRANSFORMER,
        transformer=T,
        transformer_name=info.binding or info.cls,
        transformer_X=R,
        transformer_y=yR,
        transformer_method=proto.args.get("method", "fit"),
    )


def _transformer_object(session: LiveSession, info: Any) -> Any:
    """The fitted transformer: the object its name holds, if still that estimator.

    A transformer no name holds (``StandardScaler().fit_transform(X)``) is
    built again from the notebook's own spelling when every parameter was a
    literal: a new object, never the user's.
    """
    ns = session.shell.user_ns
    if info.binding:
        value = session.interp.env.get(info.binding)
        obj = ns.get(info.binding)
        if (
            isinstance(value, EstV)
            and value.info.est_id == info.est_id
            and model_calls.is_model(obj)
        ):
            return obj
        return None
    module, _, cls = info.qualname.rpartition(".")
    mod = sys.modules.get(module)
    klass = getattr(mod, cls, None) if mod is not None else None
    plain = all(_literal(v) for v in info.params.values())
    if klass is None or info.steps or not plain:
        return None
    try:
        return klass(**info.params)
    except Exception:
        return None


def _literal(value: Any) -> bool:
    if value is None or type(value) in (int, float, str, bool):
        return True
    if type(value) in (tuple, list):
        return all(_literal(v) for v in value)
    return False


# -- progress ------------------------------------------------------------------------------------


class ProgressLine:
    """A progress line under the prompt, shown only once the refits have run for a second."""

    def __init__(self) -> None:
        """Nothing shown yet."""
        self.start = time.perf_counter()
        self.handle: Any = None

    def __call__(self, done: int, total: int, what: str) -> None:
        """Show (or update) the line when the measurement has run for a second."""
        elapsed = time.perf_counter() - self.start
        if self.handle is False or (self.handle is None and elapsed < SHOW_PROGRESS_AFTER):
            return
        text = f"ml-lint-nb impact: {_bar(done, total)} {done}/{total} refits, {elapsed:.0f} s · {what}"
        self._show(text, done, total)

    def close(self) -> None:
        """Leave one muted line saying how long it took (nothing if nothing was shown)."""
        if not self.handle:
            return
        elapsed = time.perf_counter() - self.start
        self._show(f"ml-lint-nb impact: done in {elapsed:.1f} s", 1, 1)

    def _show(self, text: str, done: int, total: int) -> None:
        from html import escape

        share = 0 if total <= 0 else min(100, round(100 * done / total))
        html = (
            '<div style="font-size:0.85em;opacity:0.8">'
            '<span style="display:inline-block;width:120px;height:8px;border:1px solid '
            f'rgba(127,127,127,0.6);margin-right:6px"><span style="display:block;height:8px;'
            f'width:{share}%;background:rgba(127,127,127,0.8)"></span></span>{escape(text)}</div>'
        )
        bundle = {"text/plain": text, "text/html": html}
        try:
            if self.handle is None:
                from IPython.display import display

                self.handle = display(bundle, raw=True, display_id=True)
            else:
                self.handle.update(bundle, raw=True)
        except Exception:
            self.handle = False  # no front end to show it: carry on silently


def _bar(done: int, total: int, width: int = 20) -> str:
    filled = 0 if total <= 0 else min(width, round(width * done / total))
    return "[" + "#" * filled + "." * (width - filled) + "]"


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:160]}" if text else type(exc).__name__


__all__ = ["ProgressLine", "fit_of", "impact", "leaks_of", "models_of", "resolve"]
