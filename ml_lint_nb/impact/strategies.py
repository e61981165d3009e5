"""The honest refit of each kind of leak.

Every strategy starts from the same :class:`Context`: copies of the fit and
evaluation data, the evaluation labels, and the *leaky* refit (a clone
fitted as the notebook fitted the model) with its predictions. It returns
the honest side as an :class:`Honest`: the predictions to score, which
rows they are on, and how it was made, in words. Nothing here reads the
user's objects except through the copies and clones it is handed.

- a leaking column: the clone refitted without it (or, when the model's
  own steps select it by name, with it held at one constant value);
- a transformer fitted before the split: the raw rows behind the model's
  fit and evaluation rows are found (by value among the transformer's
  outputs, refitted on the same rows; or by its ``inverse_transform`` on a
  copy), and a Pipeline of clones is fitted on the training rows only;
- copies: the evaluation rows that repeat a fit row are left out;
- a fit on the evaluation rows: refitted on the fit rows without them, or
  out of fold when nothing else is left (a training score);
- one entity or a time order across a random split: the fit and
  evaluation rows pooled and split again, grouped or chronologically, at
  the same test share; the honest score is then on new evaluation rows.
"""

from __future__ import annotations

import contextlib
import copy as copying
from dataclasses import dataclass
from typing import Any

from ml_lint_nb.impact import data
from ml_lint_nb.impact.metrics import Metric, predict
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
from ml_lint_nb.impact.refits import Refits, clone_of
from ml_lint_nb.impact.verdict import Arm

DECIMALS = 8  # transformer outputs are matched by value to this many decimals
IDENTITY_TOLERANCE = 1e-9  # a transform this close to its input: the input is already transformed
MIN_TRAIN_SHARE = 0.2  # fit rows left after removing evaluation rows, below which: out of fold
OOF_FOLDS = 5


@dataclass
class Context:
    """What every strategy starts from (see the module docstring)."""

    setup: Setup
    refits: Refits
    seed: int
    X_fit: Any  # copies
    y_fit: Any
    X_eval: Any
    y_eval: Any  # the evaluation labels as a flat array
    leaky_model: Any  # the leaky refit (a clone)
    leaky_pred: Any

    @property
    def metric(self) -> Metric:
        """The metric both scores are in."""
        return self.setup.metric

    @property
    def n_eval(self) -> int:
        """Evaluation rows."""
        return int(len(self.y_eval))

    def leaky_arm(self) -> Arm:
        """The leaky refit's predictions, on the evaluation rows."""
        n = self.n_eval
        return Arm(self.y_eval, self.leaky_pred, "eval", _arange(n), n)

    def same_rows(self, pred: Any) -> Arm:
        """Honest predictions on the same evaluation rows."""
        n = self.n_eval
        return Arm(self.y_eval, pred, "eval", _arange(n), n)

    def predict(self, model: Any, X: Any) -> Any:
        """What the metric takes from a refit on ``X`` (a fresh copy: see :meth:`Refits.fit`)."""
        return self.refits.quietly(lambda: predict(model, data.copy(X), self.metric))

    def fresh(self) -> Any:
        """A new clone of the model (seeded like the leaky refit)."""
        return clone_of(self.setup.model, self.seed)


@dataclass
class Honest:
    """The honest side of one comparison."""

    arm: Arm
    rows: str  # same | subset | new
    method: str
    leaky_label: str
    honest_label: str
    same_predictions: bool = False


def _arange(n: int) -> Any:
    import numpy as np

    return np.arange(n)


def _rows(n: int) -> str:
    return f"{n:,} row" + ("" if n == 1 else "s")


def _names(columns: tuple[str, ...] | list[str]) -> str:
    return ", ".join(repr(c) for c in columns)


def same_predictions(a: Any, b: Any, loose: bool = False) -> bool:
    """Predictions equal on every row (``loose``: up to floating-point noise)."""
    import numpy as np

    tol = 1e-6 if loose else 1e-12
    try:
        a, b = np.asarray(a), np.asarray(b)
        if a.shape != b.shape:
            return False
        if a.dtype.kind in "fc" or b.dtype.kind in "fc":
            return bool(np.allclose(a, b, rtol=tol, atol=tol, equal_nan=True))
        return bool((a == b).all())
    except Exception:
        return False


# -- a leaking column (ML202) -------------------------------------------------------------------


def without_columns(ctx: Context, leak: Leak) -> Honest:
    """Refit without the leaking columns; held constant when the model's steps need them."""
    present = data.labels(ctx.X_fit)
    cols = [c for c in leak.columns if c in present]
    setup = ctx.setup
    if not cols:
        raise Refusal(
            f"{setup.fit_label} (what {setup.model_name} was fitted on) has no column "
            f"{_names(leak.columns)}"
        )
    if len(cols) == len(present):
        raise Refusal(f"{_names(cols)} are all the columns {setup.model_name} was fitted on")
    how = "without"
    try:
        X_fit, X_eval = data.drop_columns(ctx.X_fit, cols), data.drop_columns(ctx.X_eval, cols)
        model = ctx.refits.fit(
            ctx.fresh(), X_fit, ctx.y_fit, f"{setup.model_name} without {_names(cols)}"
        )
        pred = ctx.predict(model, X_eval)
    except (ValueError, KeyError, IndexError) as exc:
        if not data.framed(ctx.X_fit):
            raise Refusal(f"the refit without {_names(cols)} failed: {_short(exc)}") from None
        # a ColumnTransformer (or another step) selects the column by name: keep it, constant
        how = "constant"
        X_fit = data.constant_columns(ctx.X_fit, cols, ctx.X_fit)
        X_eval = data.constant_columns(ctx.X_eval, cols, ctx.X_fit)
        model = ctx.refits.fit(
            ctx.fresh(), X_fit, ctx.y_fit, f"{setup.model_name} with {_names(cols)} held constant"
        )
        pred = ctx.predict(model, X_eval)
    change = (
        f"without {_names(cols)}"
        if how == "without"
        else f"with {_names(cols)} held at one value (its own steps select the column by name)"
    )
    named = ", ".join(f"{c!r} ({leak.names[c]})" if c in leak.names else repr(c) for c in cols)
    change = change.replace(_names(cols), named, 1)
    return Honest(
        arm=ctx.same_rows(pred),
        rows="same",
        method=(
            f"A clone of {setup.model_name} refitted on {setup.fit_label} {change}, scored on "
            f"the same {_rows(ctx.n_eval)} of {setup.eval_label}."
        ),
        leaky_label=f"with {named}",
        honest_label="without",
        same_predictions=same_predictions(pred, ctx.leaky_pred),
    )


# -- a transformer fitted before the split (ML203) ----------------------------------------------


def inside_pipeline(ctx: Context, leak: Leak) -> Honest:
    """The transformer and the model in one Pipeline, fitted on the raw training rows only."""
    setup = ctx.setup
    T = leak.transformer
    name = leak.transformer_name or type(T).__name__
    cls = type(T).__name__
    inputs = _inputs_of(T)
    subset = (
        inputs is not None
        and data.framed(ctx.X_fit)
        and set(inputs) <= set(data.labels(ctx.X_fit))
        and len(inputs) < len(data.labels(ctx.X_fit))
    )
    if subset:
        part_fit = _select(ctx.X_fit, inputs)
        part_eval = _select(ctx.X_eval, inputs)
    else:
        width = _n_out(T)
        if width is not None and _width(ctx.X_fit) != width:
            raise Refusal(
                f"{setup.fit_label} has {_width(ctx.X_fit)} columns but {name} gives {width}: "
                "the model's data was changed after the transformer, so its raw rows cannot be found"
            )
        part_fit, part_eval = ctx.X_fit, ctx.X_eval
    raw_fit, raw_eval, how = _raw_rows(ctx, leak, part_fit, part_eval)
    from sklearn.pipeline import Pipeline

    step = clone_of(T, ctx.seed)
    if subset:
        from sklearn.compose import ColumnTransformer

        X_fit = _replaced(ctx.X_fit, inputs, raw_fit)
        X_eval = _replaced(ctx.X_eval, inputs, raw_eval)
        step = ColumnTransformer(
            [("transformer", step, list(inputs))],
            remainder="passthrough",
            verbose_feature_names_out=False,
        )
        with contextlib.suppress(Exception):  # names kept for a model that selects by name
            step.set_output(transform="pandas")
    else:
        X_fit, X_eval = raw_fit, raw_eval
    pipe = Pipeline([("transformer", step), ("model", ctx.fresh())])
    pipe = ctx.refits.fit(pipe, X_fit, ctx.y_fit, f"{name} and {setup.model_name} in a Pipeline")
    pred = ctx.predict(pipe, X_eval)
    seen = leak.transformer_X
    everything = f"all {_rows(data.n_rows(seen))}" if seen is not None else "all rows"
    return Honest(
        arm=ctx.same_rows(pred),
        rows="same",
        method=(
            f"A Pipeline of clones of {name} ({cls}) and {setup.model_name} refitted on the raw "
            f"rows behind {setup.fit_label} ({how}), scored on the same {_rows(ctx.n_eval)} of "
            f"{setup.eval_label}."
        ),
        leaky_label=f"with {name} fitted on {everything}",
        honest_label="inside a Pipeline",
        same_predictions=same_predictions(pred, ctx.leaky_pred),
    )


def _raw_rows(ctx: Context, leak: Leak, part_fit: Any, part_eval: Any) -> tuple[Any, Any, str]:
    """The transformer's inputs behind the model's rows, and how they were found."""
    problems = []
    if leak.transformer_X is not None:
        try:
            return (*_by_value(ctx, leak, part_fit, part_eval), "found by value among its outputs")
        except Refusal as exc:
            problems.append(str(exc))
    if hasattr(leak.transformer, "inverse_transform"):
        try:
            undo = copying.deepcopy(leak.transformer)  # its own fitted state, on a copy
            raw_fit = _like(
                part_fit, ctx.refits.quietly(lambda: undo.inverse_transform(data.copy(part_fit)))
            )
            raw_eval = _like(
                part_eval, ctx.refits.quietly(lambda: undo.inverse_transform(data.copy(part_eval)))
            )
            return (
                raw_fit,
                raw_eval,
                f"recovered with {type(leak.transformer).__name__}.inverse_transform on a copy",
            )
        except Exception as exc:
            problems.append(f"inverse_transform failed: {_short(exc)}")
    name = leak.transformer_name or type(leak.transformer).__name__
    reason = problems[0] if problems else "no name holds them any more"
    raise Refusal(f"the rows {name} was fitted on cannot be found: {reason}")


def _by_value(ctx: Context, leak: Leak, part_fit: Any, part_eval: Any) -> tuple[Any, Any]:
    """Refit a clone of the transformer on its own rows and find the model's rows among its outputs."""
    name = leak.transformer_name or type(leak.transformer).__name__
    raw = data.copy(leak.transformer_X)
    y = None if leak.transformer_y is None else data.copy(leak.transformer_y)
    twin = clone_of(leak.transformer, ctx.seed)
    if leak.transformer_method == "fit_transform":
        ctx.refits.check()
        ctx.refits.tell(f"{name} on its rows")
        out = ctx.refits.quietly(lambda: twin.fit_transform(data.copy(raw), y))
        ctx.refits.done += 1
    else:
        twin = ctx.refits.fit(twin, raw, y, f"{name} on its rows")
        out = ctx.refits.quietly(lambda: twin.transform(data.copy(raw)))
    if _dense(out) is not None and _dense(raw) is not None and _close(_dense(out), _dense(raw)):
        raise Refusal(
            f"what {name} was fitted on now holds its output (overwritten in place after the fit)"
        )
    keys = data.row_keys(out, DECIMALS)
    found_fit = data.locate(data.row_keys(part_fit, DECIMALS), keys)
    found_eval = data.locate(data.row_keys(part_eval, DECIMALS), keys)
    missing = int((found_fit < 0).sum() + (found_eval < 0).sum())
    if missing:
        raise Refusal(
            f"{missing:,} of the model's rows are not among {name}'s outputs on its rows "
            "(the data changed after it)"
        )
    return data.take(raw, found_fit), data.take(raw, found_eval)


def _inputs_of(T: Any) -> list[str] | None:
    """The column names a transformer was fitted on (``feature_names_in_``), if it kept them."""
    from ml_lint_nb.facts.live.estimators import MISSING, public_attr

    names = public_attr(T, "feature_names_in_")
    if names is MISSING or names is None:
        return None
    try:
        out = [str(n) for n in list(names)]
    except Exception:
        return None
    try:
        produced = [str(n) for n in T.get_feature_names_out()]
    except Exception:
        produced = None
    return out if produced in (None, out) else None


def _n_out(T: Any) -> int | None:
    """Columns the transformer gives, when it says."""
    try:
        return len(T.get_feature_names_out())
    except Exception:
        return None


def _width(X: Any) -> int:
    shape = getattr(X, "shape", (0, 1))
    return int(shape[1]) if len(shape) > 1 else 1


def _select(X: Any, names: list[str]) -> Any:
    """The named columns of a frame, in the order of ``names`` (a copy)."""
    if data.kind(X) == "polars":
        return X.select(names)
    by_label = {str(c): c for c in X.columns}
    return X[[by_label[n] for n in names]].copy()


def _replaced(X: Any, names: list[str], values: Any) -> Any:
    """``X`` (a copy) with the named columns replaced by ``values`` (a frame of them)."""
    out = data.copy(X)
    if data.kind(out) == "polars":
        import polars as pl

        return out.with_columns([pl.Series(n, data.column_values(values, n)) for n in names])
    for n in names:
        col = next(c for c in out.columns if str(c) == n)
        out[col] = data.column_values(values, n)
    return out


def _like(template: Any, values: Any) -> Any:
    """``values`` as a frame like ``template`` (its columns and index) when it is one."""
    if data.kind(template) == "pandas" and getattr(template, "ndim", 1) == 2:
        import pandas as pd

        return pd.DataFrame(values, columns=template.columns, index=template.index)
    return values


def _dense(X: Any) -> Any:
    """A float array of ``X``, or None when it has other values."""
    import numpy as np

    try:
        if data.kind(X) == "sparse":
            X = X.toarray()
        arr = np.asarray(X, dtype="float64")
        return arr if arr.ndim == 2 else None
    except (TypeError, ValueError):
        return None


def _close(a: Any, b: Any) -> bool:
    """Two arrays equal up to rounding (a transform that changed nothing)."""
    import numpy as np

    return a.shape == b.shape and bool(
        np.allclose(a, b, rtol=IDENTITY_TOLERANCE, atol=IDENTITY_TOLERANCE, equal_nan=True)
    )


# -- copies of fit rows among the evaluation rows (ML201) ---------------------------------------


def without_copies(ctx: Context, leak: Leak) -> Honest:
    """The leaky refit scored on the evaluation rows that are not copies of fit rows."""
    import numpy as np

    setup = ctx.setup
    fit_keys = data.row_keys(ctx.X_fit)
    eval_keys = data.row_keys(ctx.X_eval)
    keep = ~np.isin(eval_keys, fit_keys)
    n_copies = int((~keep).sum())
    if not n_copies:
        raise Refusal(f"no row of {setup.eval_label} is a copy of a row of {setup.fit_label} now")
    if not keep.any():
        raise Refusal(f"every row of {setup.eval_label} is a copy of a row of {setup.fit_label}")
    rows = np.flatnonzero(keep)
    _classes_kept(ctx, rows, n_copies)
    arm = Arm(ctx.y_eval[rows], np.asarray(ctx.leaky_pred)[rows], "eval", rows, ctx.n_eval)
    return Honest(
        arm=arm,
        rows="subset",
        method=(
            f"The same refit of {setup.model_name} scored on the {_rows(len(rows))} of "
            f"{setup.eval_label} that are not copies of rows of {setup.fit_label} "
            f"({n_copies:,} left out)."
        ),
        leaky_label=f"on all {_rows(ctx.n_eval)}",
        honest_label=f"without the {n_copies:,} " + ("copy" if n_copies == 1 else "copies"),
    )


def _classes_kept(ctx: Context, rows: Any, n_copies: int) -> None:
    """The rows left still hold every class: else a class metric on them means something else."""
    import numpy as np

    if ctx.metric.prediction == "value":
        return
    lost = sorted(set(np.unique(ctx.y_eval).tolist()) - set(np.unique(ctx.y_eval[rows]).tolist()))
    if lost:
        setup = ctx.setup
        which = ", ".join(repr(c) for c in lost[:3])
        raise Refusal(
            f"every row of class {which} in {setup.eval_label} is a copy of a row of "
            f"{setup.fit_label} ({n_copies:,} copies), so {ctx.metric.label} without them cannot "
            "be compared: split before duplicating rows, then score"
        )


# -- a model fitted on its evaluation rows (ML204) ----------------------------------------------


def training_part(ctx: Context, leak: Leak) -> Honest:
    """Refit on the fit rows that are not evaluation rows; out of fold if none are left."""
    import numpy as np

    setup = ctx.setup
    fit_keys = data.row_keys(ctx.X_fit)
    eval_keys = data.row_keys(ctx.X_eval)
    inside = np.isin(fit_keys, eval_keys)
    if not inside.any():
        raise Refusal(f"no row of {setup.eval_label} is among the rows of {setup.fit_label} now")
    rest = np.flatnonzero(~inside)
    if len(rest) >= max(MIN_TRAIN_SHARE * len(fit_keys), 2) and _classes_ok(ctx, rest):
        model = ctx.refits.fit(
            ctx.fresh(),
            data.take(ctx.X_fit, rest),
            data.take(ctx.y_fit, rest),
            f"{setup.model_name} on the training part",
        )
        pred = ctx.predict(model, ctx.X_eval)
        return Honest(
            arm=ctx.same_rows(pred),
            rows="same",
            method=(
                f"A clone of {setup.model_name} refitted on the {_rows(len(rest))} of "
                f"{setup.fit_label} that are not rows of {setup.eval_label}, scored on the same "
                f"{_rows(ctx.n_eval)} of {setup.eval_label}."
            ),
            leaky_label=f"fitted on rows that include {setup.eval_label}",
            honest_label="on the training part only",
            same_predictions=same_predictions(pred, ctx.leaky_pred),
        )
    return _out_of_fold(ctx, fit_keys, eval_keys)


def _classes_ok(ctx: Context, rows: Any) -> bool:
    """The rows left for training still hold every class of a classifier's labels."""
    import numpy as np

    if ctx.metric.prediction == "value":
        return True
    labels = data.values_1d(ctx.y_fit)
    return len(np.unique(labels[rows])) == len(np.unique(labels))


def _out_of_fold(ctx: Context, fit_keys: Any, eval_keys: Any) -> Honest:
    """Each evaluation row predicted by a clone fitted on the fit rows without its fold."""
    import numpy as np

    setup = ctx.setup
    n = ctx.n_eval
    if n < OOF_FOLDS * 2:
        raise Refusal(f"{_rows(n)} are too few to score out of fold")
    order = np.random.default_rng(ctx.seed).permutation(n)
    folds = np.array_split(order, OOF_FOLDS)
    pred: Any = None
    for k, fold in enumerate(folds):
        train = np.flatnonzero(~np.isin(fit_keys, eval_keys[fold]))
        model = ctx.refits.fit(
            ctx.fresh(),
            data.take(ctx.X_fit, train),
            data.take(ctx.y_fit, train),
            f"{setup.model_name} out of fold ({k + 1} of {OOF_FOLDS})",
        )
        got = np.asarray(ctx.predict(model, data.take(ctx.X_eval, fold)))
        if pred is None:
            pred = np.empty((n, *got.shape[1:]), dtype=got.dtype)
        pred[fold] = got
    return Honest(
        arm=ctx.same_rows(pred),
        rows="same",
        method=(
            f"{OOF_FOLDS}-fold out-of-fold predictions: each of the {_rows(n)} of "
            f"{setup.eval_label} scored by a clone of {setup.model_name} fitted on the rows of "
            f"{setup.fit_label} outside its fold ({setup.model_name} is scored on no held-out rows)."
        ),
        leaky_label="on its own training rows",
        honest_label="out of fold",
    )


# -- a grouped or chronological split (ML211, ML207) --------------------------------------------


def resplit(ctx: Context, leak: Leak) -> Honest:
    """Pool the fit and evaluation rows and split them again, grouped or by time."""
    import numpy as np

    setup = ctx.setup
    if leak.groups_fit is None or leak.groups_eval is None:
        raise Refusal(f"the values of {leak.column!r} for the model's rows cannot be found")
    X_all = data.stack(ctx.X_fit, ctx.X_eval)
    y_all = np.concatenate([data.values_1d(ctx.y_fit), ctx.y_eval])
    values = np.concatenate([np.asarray(leak.groups_fit), np.asarray(leak.groups_eval)])
    n_all = len(values)
    if n_all != data.n_rows(X_all):
        raise Refusal(f"the values of {leak.column!r} do not line up with the model's rows")
    share = ctx.n_eval / n_all
    if leak.kind == GROUPED:
        train, test = _grouped(values, share, ctx.seed)
        split = f"grouped by {leak.column!r} (GroupShuffleSplit, the same {share:.0%} test share)"
        unseen = f"none of whose {leak.column!r} values occurs in training"
        label = f"on a split grouped by {leak.column!r}"
    else:
        train, test = _chronological(values, share)
        split = f"in time order by {leak.column!r} (the latest {share:.0%} held out, as before)"
        unseen = "all later than every training row"
        label = "on a chronological split"
    if len(test) == 0 or len(train) == 0:
        raise Refusal(f"a split by {leak.column!r} leaves one side empty")
    model = ctx.refits.fit(
        ctx.fresh(),
        data.take(X_all, train),
        data.take(y_all, train),
        f"{setup.model_name}, split {label[3:]}",
    )
    pred = ctx.predict(model, data.take(X_all, test))
    y_test = y_all[test]
    return Honest(
        arm=Arm(y_test, np.asarray(pred), "new", np.arange(len(test)), len(test)),
        rows="new",
        method=(
            f"A clone of {setup.model_name} refitted on a split of the same {_rows(n_all)} "
            f"{split}, scored on its {_rows(len(test))} of new evaluation rows, {unseen}."
        ),
        leaky_label="on the random split",
        honest_label=label,
    )


def _grouped(values: Any, share: float, seed: int) -> tuple[Any, Any]:
    """A GroupShuffleSplit of the rows by ``values`` with ``share`` of the rows held out."""
    import numpy as np
    from sklearn.model_selection import GroupShuffleSplit

    codes = _codes(values)
    if len(np.unique(codes)) < 2:
        raise Refusal("one group holds every row")
    splitter = GroupShuffleSplit(n_splits=1, test_size=share, random_state=seed)
    train, test = next(splitter.split(np.zeros(len(codes)), groups=codes))
    return train, test


def _chronological(values: Any, share: float) -> tuple[Any, Any]:
    """The earliest rows for training, the latest ``share`` held out."""
    import numpy as np

    order = np.argsort(_sortable(values), kind="stable")
    cut = len(order) - max(1, int(round(share * len(order))))
    return np.sort(order[:cut]), np.sort(order[cut:])


def _codes(values: Any) -> Any:
    """Integer group codes (missing values one group of their own)."""
    import numpy as np

    try:
        import pandas as pd

        return pd.factorize(pd.Series(values), use_na_sentinel=False)[0]
    except ImportError:
        return np.unique(values.astype(str), return_inverse=True)[1]


def _sortable(values: Any) -> Any:
    """Values that sort in time order (dates, numbers, or their text)."""
    import numpy as np

    arr = np.asarray(values)
    if arr.dtype.kind in "Mmfiub":
        return arr
    try:
        import pandas as pd

        return pd.to_datetime(pd.Series(arr)).to_numpy()
    except Exception:
        return arr.astype(str)


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:160]}" if text else type(exc).__name__


STRATEGIES = {
    COLUMN: without_columns,
    TRANSFORMER: inside_pipeline,
    COPIES: without_copies,
    FIT_CONTAINS_EVAL: training_part,
    GROUPED: resplit,
    TEMPORAL: resplit,
}
# refits each kind needs (for the progress line's total)
PLANNED = {COLUMN: 1, TRANSFORMER: 2, COPIES: 0, FIT_CONTAINS_EVAL: 1, GROUPED: 1, TEMPORAL: 1}


__all__ = ["PLANNED", "STRATEGIES", "Context", "Honest"]
