"""Which open findings are about a model, and what each one's honest refit needs.

For ``%mlcheck impact``: an ML202 finding whose column is among the model's
fit columns; an ML203 finding whose transformer's output reached the
model's fit data (the dataflow's record of which fitted state each value
came out of); an ML204 finding about the model; ML201, ML207 and ML211
findings whose subject names the model's fit or evaluation data or the
frames they came from. The values an entity or time column takes on the
model's rows are read from its data, or through the pandas index of a frame
the rows came from when the column was dropped from the features.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from ml_lint_nb.facts.live import model_calls
from ml_lint_nb.facts.static.values import DataV, EstV
from ml_lint_nb.findings import Finding, report_order
from ml_lint_nb.impact import data
from ml_lint_nb.impact.plan import (
    COLUMN,
    COPIES,
    FIT_CONTAINS_EVAL,
    GROUPED,
    TEMPORAL,
    TRANSFORMER,
    Leak,
)
from ml_lint_nb.ipython.impact_setup import Resolved, data_of

if TYPE_CHECKING:
    from ml_lint_nb.ipython.session import LiveSession

MAX_FRAMES_SCANNED = 200  # frames of the namespace searched for an entity or time column


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
        if not hit:
            return None
        names = _array_names(session, resolved) if not data.framed(setup.X_fit) else {}
        return Leak(f, COLUMN, columns=hit, names={c: names[c] for c in hit if c in names})
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


def _array_names(session: LiveSession, resolved: Resolved) -> dict[str, str]:
    """What the columns of an array the model was fitted on were called (``x4`` -> a name).

    From the transformer whose output the array is (its ``get_feature_names_out()``, when
    it was fitted on a frame), else from the literal column selection the
    dataflow saw (``df[features].values``).
    """
    X = resolved.setup.X_fit
    width = X.shape[1] if len(getattr(X, "shape", ())) == 2 else 0
    fit_d = resolved.fit.args.get("X") if resolved.fit is not None else None
    if not width or not isinstance(fit_d, DataV):
        return {}
    names: list[str] = []
    for p in reversed(session.interp.protos):
        info = p.args.get("estimator") if p.kind == "fit" else None
        if info is None or info.est_id not in fit_d.applied:
            continue
        T = _transformer_object(session, info)
        try:
            out = [str(n) for n in T.get_feature_names_out()] if T is not None else []
        except Exception:
            out = []
        if len(out) == width and not all(n == f"x{j}" for j, n in enumerate(out)):
            names = out
            break
    if not names and fit_d.columns is not None and len(fit_d.columns) == width:
        names = [str(c) for c in fit_d.columns]
    return {f"x{j}": n for j, n in enumerate(names) if n != f"x{j}"}


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
    fit_d = resolved.fit.args.get("X") if resolved.fit is not None else None
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
    fit_d = resolved.fit.args.get("X") if resolved.fit is not None else None
    first = _lineage(session, fit_d, resolved.setup.fit_label)
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
    fit_d = resolved.fit.args.get("X") if resolved.fit is not None else None
    if not tname or not isinstance(fit_d, DataV):
        return None
    cls = _evidence(f, ("estimator",))
    fitted_on = _evidence(f, ("fitted_on",))
    proto = None
    for p in reversed(session.interp.protos):
        info = p.args.get("estimator") if p.kind == "fit" else None
        if info is None or info.est_id not in fit_d.applied:
            continue  # its output never reached this model's fit data
        X = p.args.get("X")
        named = (info.binding or info.cls) == tname or (
            "pseudo" in info.kinds  # a statistic: the finding names the data it was computed on
            and cls == info.cls
            and getattr(X, "label", None) in (tname, fitted_on)
        )
        if named:
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
    R, _label = data_of(session, proto.args.get("X"), proto, 0)
    yR, _ = (
        data_of(session, proto.args.get("y"), proto, 1)
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


__all__ = ["leaks_of"]
