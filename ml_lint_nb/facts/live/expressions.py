"""The objects a model call was given, read from the kernel without running user code.

``clf.fit(train[features], train["target"])`` passes objects that no name
holds. The hook finds them again by evaluating a small, side-effect-free
subset of Python over the user's namespace: a name, a column selection
(``df["a"]``, ``df[cols]``, ``df.a``), ``.values`` / ``.to_numpy()``,
``.drop(columns=...)``, positional slices (``.iloc[:800]``, ``X[800:]``) and
boolean masks (``df[mask]``, ``df[~mask]``, ``df.loc[df["date"] < "2023", cols]``:
a name holding booleans, or one column compared with a literal). Everything runs on
the views :func:`~ml_lint_nb.facts.live.tables.base_view` gives (base-class
pandas objects, read-only arrays, polars frames without code of their own),
so a subclass's own methods never run; anything else resolves to ``None``.
"""

from __future__ import annotations

import ast
import sys
from typing import Any

from ml_lint_nb.facts.live.tables import base_view

MAX_LABELS = 2_000  # a column list longer than this is not resolved


def resolve(node: ast.AST, ns: dict[str, Any]) -> Any:
    """The data object ``node`` denotes in ``ns``, or ``None`` when it cannot be read safely."""
    np = sys.modules.get("numpy")
    if np is None:
        return None
    pd = sys.modules.get("pandas")
    try:
        return _data(node, ns, np, pd, 0)
    except Exception:
        return None


def base_name(node: ast.AST) -> str | None:
    """The name at the root of an expression (``train`` in ``train[features].values``)."""
    while True:
        if isinstance(node, ast.Name):
            return node.id
        if isinstance(node, ast.Subscript | ast.Attribute):
            node = node.value
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            node = node.func.value
        else:
            return None


def label(node: ast.AST, limit: int = 40) -> str:
    """Short source text of an expression, for messages and finding subjects."""
    try:
        text = ast.unparse(node)
    except Exception:
        return "the data"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _polars() -> Any:
    """The user's polars, or None: never imported here."""
    return sys.modules.get("polars")


def _data(node: ast.AST, ns: dict[str, Any], np: Any, pd: Any, depth: int) -> Any:
    """The view ``node`` denotes: a name, ``.values``, a method call or a subscript; else None."""
    if depth > 6:
        return None
    if isinstance(node, ast.Name):
        return base_view(ns.get(node.id)) if node.id in ns else None
    if isinstance(node, ast.Attribute):
        if node.attr == "values":
            base = _data(node.value, ns, np, pd, depth + 1)
            pl = _polars()
            if pl is not None and isinstance(base, pl.DataFrame | pl.Series):
                return None  # polars has no .values: the user's cell fails, not ours to read
            return None if base is None or isinstance(base, np.ndarray) else base.to_numpy()
        if pd is not None and not hasattr(pd.DataFrame, node.attr):
            base = _data(node.value, ns, np, pd, depth + 1)  # ``train.demand``: a column
            if isinstance(base, pd.DataFrame) and node.attr in base.columns:
                return base[node.attr]
        return None
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Invert):
        mask = _mask(node.operand, ns, np, pd, depth + 1)  # ``~mask``
        return None if mask is None else ~mask
    if isinstance(node, ast.Compare):
        return _mask(node, ns, np, pd, depth + 1)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return _method(node, ns, np, pd, depth)
    if isinstance(node, ast.Subscript):
        return _subscript(node, ns, np, pd, depth)
    return None


def _method(node: ast.Call, ns: dict[str, Any], np: Any, pd: Any, depth: int) -> Any:
    """``.to_numpy()``, a polars ``select``/``drop`` or a pandas ``drop(columns=...)``; else None.

    Each is a method without side effects whose arguments are literals (or
    names holding labels), so evaluating it here runs nothing of the user's.
    """
    meth = node.func.attr  # type: ignore[attr-defined]
    base = _data(node.func.value, ns, np, pd, depth + 1)  # type: ignore[attr-defined]
    if base is None:
        return None
    if meth == "to_numpy" and not node.args and not node.keywords:
        return base if isinstance(base, np.ndarray) else base.to_numpy()
    pl = _polars()
    if meth == "select" and pl is not None and isinstance(base, pl.DataFrame) and not node.keywords:
        cols = [_literal(a, ns, pd) for a in node.args]
        if len(cols) == 1 and isinstance(cols[0], list):
            cols = cols[0]
        if not cols or not all(isinstance(c, str) and c in base.columns for c in cols):
            return None
        return base.select(cols)
    if meth == "drop" and pl is not None and isinstance(base, pl.DataFrame):
        cols = [_literal(a, ns, pd) for a in node.args] if not node.keywords else None
        if cols and len(cols) == 1 and isinstance(cols[0], list):
            cols = cols[0]
        if not cols or not all(isinstance(c, str) and c in base.columns for c in cols):
            return None
        return base.drop(cols)
    if meth == "drop" and pd is not None and isinstance(base, pd.DataFrame):
        kw = {k.arg: k.value for k in node.keywords}
        if "columns" in kw and not node.args:
            cols = _literal(kw["columns"], ns, pd)
        elif node.args and _literal(kw.get("axis"), ns, pd) in (1, "columns"):
            cols = _literal(node.args[0], ns, pd)
        else:
            return None
        if isinstance(cols, str):
            cols = [cols]
        if not isinstance(cols, list) or not all(c in base.columns for c in cols):
            return None
        return base.drop(columns=cols)
    return None


COMPARISONS = {
    ast.Lt: "__lt__",
    ast.LtE: "__le__",
    ast.Gt: "__gt__",
    ast.GtE: "__ge__",
    ast.Eq: "__eq__",
    ast.NotEq: "__ne__",
}


def _mask(node: ast.AST, ns: dict[str, Any], np: Any, pd: Any, depth: int) -> Any:
    """A boolean row mask: a name holding one, ``~mask``, or a column compared with a literal
    (``df["date"] < "2023-01-01"``); pandas or NumPy booleans only, else None."""
    if depth > 6 or pd is None:
        return None
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Invert):
        inner = _mask(node.operand, ns, np, pd, depth + 1)
        return None if inner is None else ~inner
    if isinstance(node, ast.Compare):
        if len(node.ops) != 1 or type(node.ops[0]) not in COMPARISONS:
            return None
        right = node.comparators[0]
        if not isinstance(right, ast.Constant) or not isinstance(right.value, str | int | float):
            return None
        column = _data(node.left, ns, np, pd, depth + 1)
        if not isinstance(column, pd.Series) or not _comparable(column.dtype, pd):
            return None  # an object column could hold values whose comparison is user code
        return getattr(column, COMPARISONS[type(node.ops[0])])(right.value)
    got = _data(node, ns, np, pd, depth + 1)
    if isinstance(got, pd.Series) and pd.api.types.is_bool_dtype(got.dtype):
        return got
    if isinstance(got, np.ndarray) and got.dtype == bool and got.ndim == 1:
        return got
    return None


def _comparable(dtype: Any, pd: Any) -> bool:
    """Numbers, dates and pandas' own strings: compared by pandas, never by the values."""
    types = pd.api.types
    return bool(
        (types.is_numeric_dtype(dtype) and not types.is_complex_dtype(dtype))
        or types.is_datetime64_any_dtype(dtype)
        or isinstance(dtype, pd.StringDtype)
    )


def _rows(base: Any, key: ast.AST, ns: dict[str, Any], np: Any, pd: Any, depth: int) -> Any:
    """``base`` (a pandas frame or series) at the rows a boolean mask keeps; None otherwise."""
    mask = _mask(key, ns, np, pd, depth + 1)
    if mask is None or len(mask) != len(base):
        return None
    if isinstance(mask, pd.Series):
        if not mask.index.equals(base.index):
            return None
        mask = mask.to_numpy()
    return base[mask]


def _loc(node: ast.Subscript, ns: dict[str, Any], np: Any, pd: Any, depth: int) -> Any:
    """``df.loc[mask]``, ``df.loc[mask, cols]``, ``df.loc[:, cols]`` with a boolean mask."""
    base = _data(node.value.value, ns, np, pd, depth + 1)  # type: ignore[attr-defined]
    if pd is None or not isinstance(base, pd.DataFrame):
        return None
    key = node.slice
    rows, cols = (key.elts[0], key.elts[1]) if isinstance(key, ast.Tuple) else (key, None)
    if isinstance(key, ast.Tuple) and len(key.elts) != 2:
        return None
    if isinstance(rows, ast.Slice) and rows.lower is None and rows.upper is None:
        picked = base
    else:
        picked = _rows(base, rows, ns, np, pd, depth)
    if picked is None or cols is None:
        return picked
    labels = _literal(cols, ns, pd)
    if isinstance(labels, str) and labels in picked.columns:
        return picked[labels]
    if isinstance(labels, list) and labels and all(c in picked.columns for c in labels):
        return picked[labels]
    return None


def _subscript(node: ast.Subscript, ns: dict[str, Any], np: Any, pd: Any, depth: int) -> Any:
    """A positional row slice (``.iloc[:800]``, ``X[800:]``), a column selection or a boolean
    mask (``df[mask]``, ``df.loc[mask, cols]``); else None."""
    value, key = node.value, node.slice
    if isinstance(value, ast.Attribute) and value.attr == "loc":
        return _loc(node, ns, np, pd, depth)
    if isinstance(value, ast.Attribute) and value.attr == "iloc":
        base = _data(value.value, ns, np, pd, depth + 1)
        rows = _slice(key, ns)
        if rows is None:
            rows = _positions(key, ns, np)  # ``X.iloc[train_idx]`` in a fold loop
        if base is None or rows is None or isinstance(base, np.ndarray):
            return None
        return base.iloc[rows]
    base = _data(value, ns, np, pd, depth + 1)
    if base is None:
        return None
    pl = _polars()
    if isinstance(base, np.ndarray) or (pl is not None and isinstance(base, pl.Series)):
        rows = _slice(key, ns)
        if rows is None and isinstance(base, np.ndarray):
            rows = _positions(key, ns, np)
        return base[rows] if rows is not None else None
    if pl is not None and isinstance(base, pl.DataFrame):
        rows = _slice(key, ns)
        if rows is not None:
            return base[rows]
        cols = _literal(key, ns, pd)
        if isinstance(cols, str) and cols in base.columns:
            return base.get_column(cols)
        if isinstance(cols, list) and cols and all(isinstance(c, str) for c in cols):
            return base.select(cols) if all(c in base.columns for c in cols) else None
        return None
    if pd is not None and isinstance(base, pd.DataFrame):
        cols = _literal(key, ns, pd)
        if isinstance(cols, str) and cols in base.columns:
            return base[cols]
        if isinstance(cols, list) and cols and all(c in base.columns for c in cols):
            return base[cols]
        if cols is None:
            return _rows(base, key, ns, np, pd, depth)
    return None


def _positions(node: ast.AST, ns: dict[str, Any], np: Any) -> Any:
    """A name holding a 1-D array of integer row positions (a fold's indices); else None."""
    if not isinstance(node, ast.Name) or node.id not in ns:
        return None
    value = ns[node.id]
    if type(value) is not np.ndarray or value.ndim != 1 or value.dtype.kind not in "iu":
        return None
    return value


def _slice(node: ast.AST, ns: dict[str, Any]) -> slice | None:
    """A positional row slice with literal (or named integer) bounds."""
    if not isinstance(node, ast.Slice) or node.step is not None:
        return None
    bounds = []
    for part in (node.lower, node.upper):
        if part is None:
            bounds.append(None)
            continue
        got = _literal(part, ns, None)
        if not isinstance(got, int) or isinstance(got, bool):
            return None
        bounds.append(got)
    return slice(bounds[0], bounds[1])


def _literal(node: ast.AST | None, ns: dict[str, Any], pd: Any) -> Any:
    """A constant, a list of constants, or a name holding a string, integer or label list."""
    if node is None:
        return None
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _literal(node.operand, ns, pd)
        return -inner if isinstance(inner, int) else None
    if isinstance(node, ast.List | ast.Tuple):
        items = [_literal(e, ns, pd) for e in node.elts]
        return items if all(isinstance(i, str | int) for i in items) else None
    if isinstance(node, ast.Name) and node.id in ns:
        value = ns[node.id]
        if type(value) in (str, int):
            return value
        if type(value) in (list, tuple) and len(value) <= MAX_LABELS:
            items = list(value)
            return items if all(type(i) in (str, int) for i in items) else None
        if pd is not None and type(value) is pd.Index and len(value) <= MAX_LABELS:
            return list(value)
    return None


__all__ = ["base_name", "label", "resolve"]
