"""Rows and columns of the data a refit gets: always copies, never the user's objects.

The honest refits of :mod:`ml_lint_nb.impact` drop a column, take some
rows, stack two parts or find rows again by their values. Every function
here returns new objects (pandas frames and series, polars frames and
series, NumPy arrays, SciPy sparse matrices) and reads the originals only
through their public, side-effect-free methods, so a refit can change its
inputs (``StandardScaler(copy=False)``) without reaching the notebook's.
"""

from __future__ import annotations

import sys
from typing import Any

from ml_lint_nb.facts.live.row_hashes import row_hashes
from ml_lint_nb.facts.live.tables import label_of


class DataError(Exception):
    """Data a refit cannot use as given; the message is one line for the user."""


def _pd() -> Any:
    return sys.modules.get("pandas")


def _pl() -> Any:
    return sys.modules.get("polars")


def _np() -> Any:
    import numpy as np

    return np


def _sparse(obj: Any) -> bool:
    sp = sys.modules.get("scipy.sparse")
    return sp is not None and sp.issparse(obj)


def kind(obj: Any) -> str | None:
    """``pandas``, ``polars``, ``numpy`` or ``sparse``: the kinds a refit can copy; else None."""
    pd, pl, np = _pd(), _pl(), _np()
    if pd is not None and isinstance(obj, pd.DataFrame | pd.Series):
        return "pandas"
    if pl is not None and isinstance(obj, pl.DataFrame | pl.Series):
        return "polars"
    if isinstance(obj, np.ndarray):
        return "numpy"
    if _sparse(obj):
        return "sparse"
    return None


def copy(obj: Any) -> Any:
    """A deep copy of a frame, series, array or sparse matrix; :class:`DataError` for others."""
    which = kind(obj)
    if which == "pandas":
        return obj.copy(deep=True)
    if which == "polars":
        return obj.clone()
    if which == "numpy":
        return _np().array(obj, copy=True)
    if which == "sparse":
        return obj.copy()
    if isinstance(obj, list | tuple):
        return _np().array(obj)
    raise DataError(f"a {type(obj).__name__} is not data a refit can copy")


def n_rows(obj: Any) -> int:
    """Rows of a frame, series, array or sparse matrix."""
    return int(obj.shape[0])


def take(obj: Any, positions: Any) -> Any:
    """The rows at ``positions`` (integer positions), as a new object."""
    np = _np()
    positions = np.asarray(positions, dtype=np.int64)
    which = kind(obj)
    if which == "pandas":
        return obj.iloc[positions].copy()
    if which == "polars":
        return obj[positions.tolist()] if len(positions) else obj.head(0)
    return obj[positions]


def labels(obj: Any) -> list[str]:
    """Column labels as the live checks name them (``x0``, ``x1``... for arrays)."""
    which = kind(obj)
    if which == "pandas" and obj.ndim == 2:
        return [label_of(c) for c in obj.columns]
    if which == "polars" and hasattr(obj, "columns"):
        return [str(c) for c in obj.columns]
    shape = getattr(obj, "shape", ())
    if len(shape) == 2:
        return [f"x{j}" for j in range(int(shape[1]))]
    return []


def framed(obj: Any) -> bool:
    """Columns with names (a pandas or polars frame), not positions."""
    return kind(obj) in ("pandas", "polars") and getattr(obj, "ndim", 2) == 2


def _positions(obj: Any, names: list[str]) -> list[int]:
    """Positions of the columns called ``names`` (``x3`` for an array's fourth)."""
    all_labels = labels(obj)
    out = []
    for name in names:
        if name not in all_labels:
            raise DataError(f"no column {name!r}")
        out.append(all_labels.index(name))
    return out


def drop_columns(obj: Any, names: list[str]) -> Any:
    """A copy without the columns ``names``."""
    which = kind(obj)
    if which == "pandas":
        keep = [c for c, lab in zip(obj.columns, labels(obj), strict=True) if lab not in names]
        _positions(obj, names)
        return obj[keep].copy()
    if which == "polars":
        _positions(obj, names)
        return obj.drop(names)
    np = _np()
    cut = _positions(obj, names)
    keep = [j for j in range(obj.shape[1]) if j not in cut]
    return obj[:, keep].copy() if which == "sparse" else np.array(obj[:, keep], copy=True)


def constant_columns(obj: Any, names: list[str], reference: Any) -> Any:
    """A copy whose columns ``names`` hold one value each: the most common one in ``reference``.

    For a model whose own steps name the column (a ``ColumnTransformer``),
    so that it cannot simply be dropped: a constant carries no information.
    """
    which = kind(obj)
    if which == "pandas":
        out = obj.copy(deep=True)
        for name in names:
            col = next(c for c in obj.columns if label_of(c) == name)
            values = reference[col].dropna()
            value = values.mode().iloc[0] if len(values) else reference[col].iloc[0]
            out[col] = value
            if str(reference[col].dtype) == "category":
                out[col] = out[col].astype(reference[col].dtype)
        return out
    if which == "polars":
        pl = _pl()
        out = obj.clone()
        for name in names:
            values = reference.get_column(name).drop_nulls()
            value = values.mode().sort()[0] if len(values) else None
            out = out.with_columns(pl.lit(value, dtype=reference.schema[name]).alias(name))
        return out
    if which == "numpy":
        np = _np()
        out = np.array(obj, copy=True)
        for j in _positions(obj, names):
            values, counts = np.unique(reference[:, j], return_counts=True)
            out[:, j] = values[int(np.argmax(counts))]
        return out
    raise DataError("columns of a sparse matrix cannot be set to a constant")


def stack(a: Any, b: Any) -> Any:
    """The rows of ``a`` then the rows of ``b``, as one new object of the same kind."""
    which = kind(a)
    if which != kind(b):
        raise DataError("the two parts are not the same kind of data")
    if which == "pandas":
        pd = _pd()
        return pd.concat([a, b], axis=0, ignore_index=False)
    if which == "polars":
        pl = _pl()
        return pl.concat([a, b], how="vertical_relaxed")
    if which == "sparse":
        import scipy.sparse as sp

        return sp.vstack([a, b]).tocsr()
    return _np().concatenate([a, b], axis=0)


def column_values(obj: Any, name: str) -> Any:
    """One column's values as a NumPy array (a copy)."""
    which = kind(obj)
    np = _np()
    if which == "pandas":
        col = next(c for c in obj.columns if label_of(c) == name)
        return np.array(obj[col].to_numpy(), copy=True)
    if which == "polars":
        return np.array(obj.get_column(name).to_numpy(), copy=True)
    j = _positions(obj, [name])[0]
    column = obj[:, j]
    return np.asarray(column.toarray()).ravel() if which == "sparse" else np.array(column)


def values_1d(obj: Any) -> Any:
    """Labels or a one-column frame as a flat NumPy array (a copy)."""
    np = _np()
    arr = obj.to_numpy() if kind(obj) in ("pandas", "polars") else np.asarray(obj)
    arr = np.array(arr, copy=True)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise DataError("the labels are not one column")
    return arr


def index_labels(obj: Any) -> Any:
    """The pandas index of a frame or series (None for other kinds)."""
    return obj.index if kind(obj) == "pandas" else None


def row_keys(obj: Any, decimals: int | None = None) -> Any:
    """One 64-bit hash per row over every column, so that rows can be found again by value.

    ``decimals`` rounds floating-point values first: the same computation
    repeated (a transformer refitted on the same rows) can differ in the
    last bits.
    """
    np = _np()
    data = obj
    if decimals is not None:
        data = _rounded(obj, decimals)
    if kind(data) == "sparse":
        data = data.toarray()
    pd = _pd()
    keys = row_hashes(data, np, pd)
    if keys is None:
        raise DataError("rows that cannot be hashed")
    return np.asarray(keys)


def _rounded(obj: Any, decimals: int) -> Any:
    """A copy whose floating-point values are rounded (other columns as they are)."""
    np = _np()
    which = kind(obj)
    if which == "pandas":
        out = obj.copy(deep=True) if obj.ndim == 2 else obj.to_frame().copy()
        for j in range(out.shape[1]):
            col = out.iloc[:, j]
            if col.dtype.kind == "f":
                out.iloc[:, j] = col.round(decimals)
        return out
    if which == "sparse":
        obj = obj.toarray()
    arr = np.asarray(obj)
    if arr.dtype.kind == "f":
        return np.round(arr, decimals)
    return arr


def locate(rows: Any, within: Any) -> Any:
    """For each row of ``rows``, the position of an equal row of ``within``; -1 when none.

    Equal rows of ``within`` are handed out in turn, so ``k`` copies of a
    row in ``rows`` are matched to ``k`` different positions when ``within``
    has them.
    """
    np = _np()
    rows = np.asarray(rows)
    order = np.argsort(within, kind="stable")
    ranked = within[order]
    first = np.searchsorted(ranked, rows, side="left")
    width = np.searchsorted(ranked, rows, side="right") - first
    # the occurrence number of each row among the equal rows before it
    r_order = np.argsort(rows, kind="stable")
    r_sorted = rows[r_order]
    n = len(rows)
    starts = np.r_[True, r_sorted[1:] != r_sorted[:-1]] if n else np.zeros(0, dtype=bool)
    start_of = np.maximum.accumulate(np.where(starts, np.arange(n), 0)) if n else starts
    occurrence = np.empty(n, dtype=np.int64)
    occurrence[r_order] = np.arange(n) - start_of
    out = np.full(n, -1, dtype=np.int64)
    found = width > 0
    out[found] = order[first[found] + occurrence[found] % width[found]]
    return out


__all__ = [
    "DataError",
    "column_values",
    "constant_columns",
    "copy",
    "drop_columns",
    "framed",
    "index_labels",
    "kind",
    "labels",
    "locate",
    "n_rows",
    "row_keys",
    "stack",
    "take",
    "values_1d",
]
