"""Assignments into columns of a frame, and the fitted state they carry.

``df["age"] = df["age"].fillna(df["age"].mean())`` puts a fitted statistic
into one column: the frame's ``applied`` set records it for that column
(:class:`..values.ColumnIds`), so that selecting or dropping columns later
keeps or loses it. ``df[cols] = scaler.fit_transform(df[cols])`` scales
those columns and leaves the frame's printed scales stale.
"""

from __future__ import annotations

import ast

import ml_lint_nb.facts.static.interpreter.statistics as statistics
from ml_lint_nb.facts.static.interpreter.api import Interp
from ml_lint_nb.facts.static.values import (
    DataV,
    FreeV,
    LitV,
    MultiV,
    SeqV,
    V,
    data_of,
    first,
    stat_of,
    strings,
    with_column_ids,
)


def assign_column(interp: Interp, target: ast.expr, value: V, node: ast.AST) -> None:
    """``df["age"] = ...`` / ``df.loc[m, "age"] = ...``: what reached the column reaches ``df``.

    A statistic assigned (or data carrying fitted state) marks the frame's
    ``applied`` set, per column, so that the path to a model survives
    ``df.drop(columns=...)`` and column selections correctly.
    """
    name, col = frame_target(target)
    if name is None:
        return
    frame = interp.env.get(name)
    if frame is None:  # df["age"] = ... on a df from outside the notebook
        base = target
        while isinstance(base, ast.Subscript | ast.Attribute):
            base = base.value
        frame = interp.ev(base)
    if isinstance(frame, FreeV):
        frame = frame.data
    if not isinstance(frame, DataV) or frame.pred_est is not None:
        return
    st = stat_of(value) if not isinstance(first(value), DataV) else None
    if st is not None:
        ids = st.data.applied | {statistics.stat_fit(interp, st, node, "imputer")}
    else:
        d = data_of(value)
        if d is None or not d.applied:
            return
        ids = d.applied
    new = with_column_ids(frame, col, ids)
    d = data_of(value)
    if d is not None and d.scaled and isinstance(target, ast.Subscript):
        # df[num_cols] = scaler.fit_transform(df[num_cols]): those columns are scaled
        idx = interp.ev(target.slice) if col is None else LitV(col)
        if isinstance(idx, SeqV) and idx.kind == "tuple" and idx.items:
            idx = idx.items[-1]  # X[:, i]
        alts = idx.alts if isinstance(idx, MultiV) else [idx]
        names = [n for a in alts for n in strings(a)]
        if names:
            new.scaled_cols = frame.scaled_cols | frozenset(names)
        elif isinstance(idx, MultiV):  # for i in range(X.shape[1]): X[:, i] = ...: every column
            new.scaled = True
    interp.env[name] = new


def columns_replaced(interp: Interp, target: ast.Subscript, value: V) -> None:
    """``df[num_cols] = scaler.fit_transform(df[num_cols])`` rescales columns in place.

    A ``describe()`` printed before no longer shows the frame's scales: the
    frame's scales become unknown (ML301 then gives advice, not a warning).
    """
    d = data_of(value)
    if d is None or not (d.scaled or d.applied):
        return
    base: ast.expr = target.value
    while isinstance(base, ast.Attribute | ast.Subscript):
        base = base.value
    if isinstance(base, ast.Name):
        frame = interp.env.get(base.id)
        if isinstance(frame, DataV):
            interp.env[base.id] = DataV(**{**frame.__dict__, "unscaled_known": False})


def frame_target(target: ast.expr) -> tuple[str | None, str | None]:
    """The frame name and column of an assignment target (``df.loc[m, "age"]``)."""
    col: str | None = None
    t: ast.expr = target
    while isinstance(t, ast.Subscript | ast.Attribute):
        if isinstance(t, ast.Subscript):
            sl = t.slice
            if isinstance(sl, ast.Tuple) and sl.elts:
                sl = sl.elts[-1]
            if col is None and isinstance(sl, ast.Constant) and isinstance(sl.value, str):
                col = sl.value
        elif t.attr not in ("loc", "iloc", "at", "iat", "values") and col is None:
            col = t.attr
        t = t.value
    return (t.id if isinstance(t, ast.Name) else None), col
