"""64-bit hashes of values and rows, equal for equal values whatever the backend.

Duplicate rows (ML101), rows shared by a fit and an evaluation (ML201) and
the cache versions of fit data all compare rows by a hash of their cells:
eight bytes a row instead of the row. Numbers hash by value (``1 == 1.0 ==
True``, ``-0.0 == 0.0``, one NaN), so a pandas ``int64`` column, a polars
``Float64`` column and a NumPy array holding the same numbers hash alike;
text and categories hash by their text. A collision among a million rows
has odds of about 1 in 10^7.

Columns come from :mod:`ml_lint_nb.facts.live.tables` (a backend's own
column, or a :class:`~ml_lint_nb.facts.live.tables.Column` whose summary
work the hash reuses). NumPy and pandas are the user's, passed in.
"""

from __future__ import annotations

import sys
from typing import Any

from ml_lint_nb.facts.live.tables import Column, Table, polars_dates, read_table

HASH_MULTIPLIER = 0xBF58476D1CE4E5B9
HASH_MULTIPLIER2 = 0x94D049BB133111EB


def mix(h: Any, np: Any) -> Any:
    """splitmix64's finaliser: spreads every input bit over the 64-bit hash."""
    h = h ^ (h >> np.uint64(30))
    h = h * np.uint64(HASH_MULTIPLIER)
    h = h ^ (h >> np.uint64(27))
    h = h * np.uint64(HASH_MULTIPLIER2)
    return h ^ (h >> np.uint64(31))


def combine(h: Any, part: Any, np: Any) -> Any:
    """A row hash extended by one more column's hash (``h`` None: the first column).

    Parts are already mixed: an odd multiplier keeps the column order significant.
    """
    return part if h is None else h * np.uint64(HASH_MULTIPLIER) + part


def float_hash(x: Any, np: Any) -> Any:
    """Hash of float values by value: ``-0.0`` is ``0.0`` and every NaN is one NaN."""
    x = x + 0.0  # a fresh array; -0.0 becomes 0.0
    x[np.isnan(x)] = np.nan  # one NaN bit pattern
    return mix(x.view("uint64"), np)


def _py_hash(value: object) -> int:
    """Python's hash of one value (of its text when unhashable), as 64 unsigned bits."""
    try:
        return hash(value) & 0xFFFFFFFFFFFFFFFF
    except TypeError:
        return hash(repr(value)) & 0xFFFFFFFFFFFFFFFF


def column_hash(raw: Any, np: Any, pd: Any) -> Any:
    """64-bit hash per value of a backend's column; numbers hash by value (1 == 1.0)."""
    if pd is not None and isinstance(raw, pd.Series):
        dtype = raw.dtype
        types = pd.api.types
        numeric = types.is_numeric_dtype(dtype) and not types.is_complex_dtype(dtype)
        if numeric and not isinstance(dtype, pd.CategoricalDtype):
            return float_hash(raw.to_numpy(dtype="float64", na_value=np.nan), np)
        try:
            return pd.util.hash_pandas_object(raw, index=False).to_numpy()
        except TypeError:  # unhashable cells (lists, dicts): hash their text
            text = pd.Series(raw.to_numpy(dtype=object), dtype=object).map(repr)
            return pd.util.hash_pandas_object(text, index=False).to_numpy()
    pl = _polars_of(raw)
    if pl is not None:
        return _polars_hash(raw, np, pd, pl)
    a = raw
    if a.dtype.kind in "fiub":
        return float_hash(a.astype("float64"), np)
    if a.dtype.kind == "M":
        return mix(a.astype("datetime64[ns]").view("int64").view("uint64"), np)
    if pd is not None:
        series = pd.Series(a.astype(object), dtype=object, copy=False)
        try:
            return pd.util.hash_pandas_object(series, index=False).to_numpy()
        except TypeError:
            return pd.util.hash_pandas_object(series.map(repr), index=False).to_numpy()
    return np.fromiter((_py_hash(v) for v in a), dtype=np.uint64, count=len(a))


def _polars_of(raw: Any) -> Any:
    """polars, when ``raw`` is one of its Series (looked up in ``sys.modules``, never imported)."""
    pl = sys.modules.get("polars")
    return pl if pl is not None and isinstance(raw, pl.Series) else None


def _polars_hash(s: Any, np: Any, pd: Any, pl: Any) -> Any:
    """64-bit hash per value of a polars column, equal to :func:`column_hash` of the same
    values in pandas for numbers (by value: 1 == 1.0 == True), strings and categories."""
    dtype = s.dtype
    if dtype.is_numeric() or dtype == pl.Boolean:
        return float_hash(np.asarray(s.cast(pl.Float64).to_numpy(), dtype="float64"), np)
    if polars_dates(dtype, pl):
        arr = np.asarray(s.to_numpy())
        if arr.dtype.kind == "M":
            return mix(arr.astype("datetime64[ns]").view("int64").view("uint64"), np)
    if dtype == pl.Categorical or dtype == pl.Enum:
        s = s.cast(pl.String)
    if pd is None and s.dtype == pl.String:
        return np.asarray(s.hash(seed=0).to_numpy(), dtype=np.uint64)
    return column_hash(np.asarray(s.to_numpy(), dtype=object), np, pd)


def summary_hash(col: Column, np: Any, pd: Any) -> Any:
    """A per-value hash from a column's summary work, falling back to its raw values.

    Codes of a factorized column, the floats of a numeric one and the ticks
    of a date column are hashed as they are: no second pass over the data.
    """
    if col.codes is not None:
        return mix(col.codes.astype(np.int64).view(np.uint64), np)
    if col.kind in ("numeric", "bool"):
        return float_hash(col.values, np)
    if col.kind == "datetime":
        return mix(col.values.view(np.uint64), np)
    return column_hash(col.series if col.series is not None else col.values, np, pd)


def hash_rows(table: Table, picks: Any, rows: Any, np: Any, pd: Any) -> Any:
    """One hash per row (of ``rows`` positions, None: all) over the picked columns, in order."""
    h = None
    for j in picks:
        h = combine(h, column_hash(table.column(j, rows), np, pd), np)
    return h


def row_hashes(data: Any, np: Any, pd: Any, columns: list[int] | None = None) -> Any:
    """One 64-bit hash per row of a frame, series or array over the given (default: all) columns."""
    table = read_table(data)
    if table is None:
        return None
    if table.ndim == 1:
        return column_hash(table.column(0), np, pd)
    picks = range(table.n_cols) if columns is None else columns
    return hash_rows(table, picks, None, np, pd)


__all__ = [
    "HASH_MULTIPLIER",
    "column_hash",
    "combine",
    "float_hash",
    "hash_rows",
    "mix",
    "row_hashes",
    "summary_hash",
]
