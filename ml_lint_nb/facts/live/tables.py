"""The one adapter for in-memory tables: pandas, polars (eager) and NumPy, read the same way.

Every live reader of a frame (the data checks, the split checks, the fit
records, the kernel evidence for the static rules, the expressions a model
call was given) gets a :class:`Table` from :func:`read_table` and asks it for
rows, columns and labels; no reader branches on the library again. What the
libraries do differently (a polars ``gather`` against a pandas ``take``,
nulls in a polars column, pandas' own standard deviation) is written here,
once per backend.

The contract every backend keeps:

- **nothing is imported**: pandas, polars and NumPy are used only when the
  user already imported them (``sys.modules``); the numeric kernels elsewhere
  receive NumPy (and pandas, when the user has it) as explicit ``np``/``pd``
  arguments for the same reason;
- **nothing is mutated**: a pandas object is read through its base class
  (``pd.DataFrame(obj, copy=False)`` shares the data and runs none of a
  subclass's methods), an ndarray through a read-only view, and a polars
  subclass that adds code of its own is refused
  (:func:`ml_lint_nb.facts.live.safe.admit`);
- **no reference is kept**: a table lives as long as the call that read it.

A column comes out either as the backend's own column (``pd.Series``,
``pl.Series``, a 1-D ndarray: what the hashing reads) or as a :class:`Column`,
the same NumPy arrays whatever the backend (floats with NaN for nulls, epoch
ticks for dates, object arrays of text), so every statistic is written once.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ml_lint_nb.facts.live.safe import admit_or_none


def _numpy() -> Any:
    """The user's NumPy, or None."""
    return sys.modules.get("numpy")


def _pandas() -> Any:
    """The user's pandas, or None: never imported here."""
    return sys.modules.get("pandas")


def _polars() -> Any:
    """The user's polars, or None: never imported here."""
    return sys.modules.get("polars")


def label_of(column: object) -> str:
    """A column label as text: tuples of a MultiIndex joined by ``/``."""
    try:
        if isinstance(column, tuple):
            return "/".join(str(part) for part in column)
        return str(column)
    except Exception:
        return "?"


def level_text(level: object) -> str:
    """A class or category as the findings print it: ``1`` for the float ``1.0``."""
    if isinstance(level, float) and level.is_integer():
        return str(int(level))
    return str(level)


# -- tables ----------------------------------------------------------------------------------------


class Table:
    """A read-only view of one DataFrame, Series or 1-D/2-D ndarray; see the module docstring.

    ``kind`` is ``"DataFrame"``, ``"Series"`` or ``"ndarray"``; ``ndim`` is 2
    for a DataFrame or a 2-D array and 1 otherwise; ``name`` is a Series' own
    name (None when it has none). ``structured`` marks a NumPy record array,
    whose fields the data checks do not read as columns.
    """

    def __init__(
        self,
        kind: str,
        data: Any,
        n_rows: int,
        n_cols: int,
        ndim: int,
        name: str | None = None,
        structured: bool = False,
    ) -> None:
        """A table over ``data``, a view :func:`read_table` made (see the class docstring)."""
        self.kind = kind
        self.data = data
        self.n_rows = n_rows
        self.n_cols = n_cols
        self.ndim = ndim
        self.name = name
        self.structured = structured

    @property
    def framed(self) -> bool:
        """Columns that carry labels (a DataFrame or a Series), matched by label, not position."""
        return self.kind != "ndarray"

    def labels(self, limit: int | None = None, unnamed: str = "x0") -> list[str]:
        """Column labels, the first ``limit`` of them; ``unnamed`` names a 1-D object without one.

        Arrays have no labels: their columns are ``x0``, ``x1``, ... by position.
        """
        if self.ndim == 1:
            return [self.name if self.name is not None else unnamed]
        shown = self.n_cols if limit is None else min(self.n_cols, limit)
        return [f"x{j}" for j in range(shown)]

    def column(self, j: int, rows: Any = None) -> Any:  # pragma: no cover - per backend
        """Column ``j`` in the backend's own type, restricted to ``rows`` (positions) if given."""
        raise NotImplementedError

    def first_columns(self, k: int) -> Iterator[Any]:
        """The first ``k`` columns, one by one (the backend's fastest way to walk them)."""
        for j in range(k):
            yield self.column(j)

    def take(self, rows: Any) -> Table:
        """The table restricted to ``rows`` (positions) in one take, or itself when None."""
        if rows is None:
            return self
        data = self._take(rows)
        return type(self)(
            self.kind, data, len(rows), self.n_cols, self.ndim, self.name, self.structured
        )

    def _take(self, rows: Any) -> Any:  # pragma: no cover - per backend
        """The backend's own rows at ``rows``, in one call."""
        raise NotImplementedError

    def floats(self, j: int, rows: Any = None) -> Any:
        """Float values of column ``j`` when it holds quantities (NaN for nulls); None otherwise."""
        return floats(self.column(j, rows))

    def times(self, j: int, named: bool) -> Any:
        """Non-null ``datetime64`` values of column ``j`` (or floats, for a ``named`` time column).

        None for anything else, and for arrays: only a frame's columns say they are times.
        """
        return None

    def present_values(self) -> Any:  # pragma: no cover - per backend
        """A 1-D table's non-null values as a NumPy array, for class shares; None if not classes."""
        raise NotImplementedError

    def spreads(self, limit: int) -> tuple[Any, list[str]] | None:  # pragma: no cover
        """Each column's standard deviation and name when every column is numeric; else None."""
        raise NotImplementedError


class PandasTable(Table):
    """A pandas DataFrame or Series, read through the base class."""

    def labels(self, limit: int | None = None, unnamed: str = "x0") -> list[str]:
        """A frame's column labels as text (a MultiIndex label joined by ``/``)."""
        if self.kind != "DataFrame":
            return super().labels(limit, unnamed)
        columns = self.data.columns if limit is None else self.data.columns[:limit]
        return [label_of(c) for c in list(columns)]

    def column(self, j: int, rows: Any = None) -> Any:
        """``iloc[:, j]`` (a Series is its own column), rows by ``take``."""
        col = self.data.iloc[:, j] if self.kind == "DataFrame" else self.data
        return col if rows is None else col.take(rows)

    def first_columns(self, k: int) -> Iterator[Any]:
        """``DataFrame.items`` reads each column once; ``iloc[:, j]`` per column costs
        several times more, which the fit of a wide frame pays on every column."""
        if self.kind != "DataFrame":
            yield from super().first_columns(k)
            return
        for j, (_label, col) in enumerate(self.data.items()):
            if j >= k:
                return
            yield col

    def _take(self, rows: Any) -> Any:
        """pandas' ``take``: positions, whatever the index."""
        return self.data.take(rows)

    def times(self, j: int, named: bool) -> Any:
        """Datetimes (tz-aware ones in UTC, naive) without NaT; numbers for a named time column."""
        if self.kind != "DataFrame":
            return None
        np, pd = _numpy(), _pandas()
        s = self.column(j)
        if pd.api.types.is_datetime64_any_dtype(s.dtype):
            if getattr(s.dtype, "tz", None) is not None:
                s = s.dt.tz_convert("UTC").dt.tz_localize(None)
            arr = s.to_numpy()
            return arr[~np.isnat(arr)]
        types = pd.api.types
        if named and types.is_numeric_dtype(s.dtype) and not types.is_bool_dtype(s.dtype):
            arr = s.to_numpy(dtype="float64", na_value=np.nan)
            return arr[~np.isnan(arr)]
        return None

    def present_values(self) -> Any:
        """pandas' own ``dropna``: NaN, None and NaT are all nulls."""
        return self.data.dropna().to_numpy()

    def spreads(self, limit: int) -> tuple[Any, list[str]] | None:
        """pandas' own ``std(ddof=0)`` of the numeric columns (no column cap: pandas is fast)."""
        numeric = self.data.select_dtypes(include="number")
        if numeric.shape[1] < 2 or numeric.shape[1] != self.n_cols:
            return None
        return numeric.std(ddof=0).to_numpy(), [str(c) for c in numeric.columns]


class PolarsTable(Table):
    """A polars DataFrame or Series, read column by column into NumPy (never into pandas)."""

    def labels(self, limit: int | None = None, unnamed: str = "x0") -> list[str]:
        """A frame's column names."""
        if self.kind != "DataFrame":
            return super().labels(limit, unnamed)
        columns = list(self.data.columns)
        return [label_of(c) for c in (columns if limit is None else columns[:limit])]

    def column(self, j: int, rows: Any = None) -> Any:
        """``to_series(j)`` (a Series is its own column), rows by ``gather``."""
        col = self.data.to_series(j) if self.kind == "DataFrame" else self.data
        return col if rows is None else col.gather(rows)

    def _take(self, rows: Any) -> Any:
        """``gather`` for a Series, row indexing for a frame: a new polars object either way."""
        if self.kind != "DataFrame":
            return self.data.gather(rows)
        return self.data[rows]

    def times(self, j: int, named: bool) -> Any:
        """Dates and datetimes (UTC) as ``datetime64``; numbers for a named time column."""
        if self.kind != "DataFrame":
            return None
        np, pl = _numpy(), _polars()
        s = self.column(j)
        if s.dtype == pl.Date or s.dtype == pl.Datetime:
            if getattr(s.dtype, "time_zone", None) is not None:
                s = s.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
            arr = np.asarray(s.drop_nulls().to_numpy())
            return arr if arr.dtype.kind == "M" else None
        if named:
            vals = _polars_floats(s, np, pl)
            return None if vals is None else vals[~np.isnan(vals)]
        return None

    def present_values(self) -> Any:
        """Non-null values; a float NaN counts as null, as pandas counts it."""
        part = self.data
        if part.dtype.is_float():
            part = part.fill_nan(None)
        return _numpy().asarray(part.drop_nulls().to_numpy())  # its own values: 0/1 stay ints

    def spreads(self, limit: int) -> tuple[Any, list[str]] | None:
        """``np.nanstd`` of each column's floats; the first non-numeric column ends the search."""
        np, pl = _numpy(), _polars()
        stds, names = [], []
        for name in list(self.data.columns)[:limit]:
            vals = _polars_floats(self.data.get_column(name), np, pl)
            if vals is None:
                break
            stds.append(float(np.nanstd(vals)))
            names.append(str(name))
        if len(stds) < 2 or len(stds) != self.n_cols:
            return None
        return np.asarray(stds), names


class ArrayTable(Table):
    """A 1-D or 2-D NumPy array behind a read-only view; columns by position."""

    def column(self, j: int, rows: Any = None) -> Any:
        """A column of the read-only view (a 1-D array is its own column)."""
        col = self.data if self.ndim == 1 else self.data[:, j]
        return col if rows is None else col[rows]

    def _take(self, rows: Any) -> Any:
        """Fancy indexing: a copy of those rows only."""
        return self.data[rows]

    def present_values(self) -> Any:
        """Its values as they are (an array has no nulls to drop), when they can be classes."""
        return self.data if self.data.dtype.kind in "biuOSU" else None

    def spreads(self, limit: int) -> tuple[Any, list[str]] | None:
        """``std(axis=0)`` of a numeric (or boolean) array of at most ``limit`` columns."""
        if self.data.dtype.kind not in "biuf" or self.n_cols > limit:
            return None
        return self.data.std(axis=0), [f"column {i}" for i in range(self.n_cols)]


def base_view(obj: object) -> Any:
    """What a reader may hold of ``obj``: a table's view (an array of any dimension too).

    None for anything else. The object an expression of a model call denotes
    is such a view: a model may take images (3-D arrays), which no data check
    reads as a table but the model's own calls do.
    """
    np = _numpy()
    if np is not None and issubclass(type(obj), np.ndarray):
        try:
            return _array_view(obj, np)
        except Exception:
            return None
    table = read_table(obj)
    return table.data if table is not None else None


def read_table(obj: object) -> Table | None:
    """The :class:`Table` of a pandas or polars DataFrame/Series or a 1-D/2-D ndarray; else None.

    Decided by type; never raises. A polars subclass with code of its own
    and an array of another dimension are None.
    """
    try:
        return _read(obj)
    except Exception:
        return None


def _read(obj: object) -> Table | None:
    """:func:`read_table`, which may raise (on an object that fails while being viewed)."""
    cls = type(obj)
    pd, pl, np = _pandas(), _polars(), _numpy()
    if pl is not None and issubclass(cls, pl.DataFrame | pl.Series):
        if cls not in (pl.DataFrame, pl.Series) and admit_or_none(obj) is None:
            return None  # a subclass with code of its own
        if issubclass(cls, pl.DataFrame):
            n_rows, n_cols = (int(v) for v in obj.shape)  # type: ignore[attr-defined]
            return PolarsTable("DataFrame", obj, n_rows, n_cols, 2)
        own = obj.name  # type: ignore[attr-defined]
        name = None if own in (None, "") else label_of(own)
        return PolarsTable("Series", obj, int(obj.len()), 1, 1, name)  # type: ignore[attr-defined]
    if pd is not None and issubclass(cls, pd.DataFrame):
        frame = pd.DataFrame(obj, copy=False)  # base class: the subclass's methods never run
        n_rows, n_cols = (int(v) for v in frame.shape)
        return PandasTable("DataFrame", frame, n_rows, n_cols, 2)
    if pd is not None and issubclass(cls, pd.Series):
        series = pd.Series(obj, copy=False)
        own = series.name
        name = None if own is None else label_of(own)
        return PandasTable("Series", series, len(series.index), 1, 1, name)
    if np is not None and issubclass(cls, np.ndarray):
        arr = _array_view(obj, np)
        if arr.ndim not in (1, 2):
            return None
        n_cols = 1 if arr.ndim == 1 else int(arr.shape[1])
        structured = arr.dtype.names is not None
        return ArrayTable(
            "ndarray", arr, int(arr.shape[0]), n_cols, arr.ndim, structured=structured
        )
    return None


def _array_view(obj: Any, np: Any) -> Any:
    """A read-only ndarray view of an array (of a subclass too): a slip fails, never mutates."""
    arr = np.asarray(obj).view()
    arr.flags.writeable = False  # on our view only
    return arr


# -- columns ---------------------------------------------------------------------------------------


@dataclass
class Column:
    """A column reduced to NumPy arrays over the inspected rows, the same for every backend.

    ``kind`` is numeric, bool, datetime, category, string, object or other.
    The statistics fill ``disguised_keys`` and ``sentinels`` as they find
    them, so that later checks (systematic missingness) reuse the finding.
    """

    label: str
    dtype: str
    kind: str
    null: Any  # bool mask of real nulls
    values: Any = None  # float64 for numeric/bool, int64 for datetime, raw otherwise
    series: Any = None  # the pandas column, when there is one
    codes: Any = None  # factorized values (-1 for null), when the column was factorized
    levels: Any = None  # the values the codes stand for, when factorized before the summary
    disguised_keys: list[Any] = field(default_factory=list)
    sentinels: list[float] = field(default_factory=list)


def read_column(raw: Any, label: str) -> Column:
    """A backend's column (``pd.Series``, ``pl.Series`` or 1-D ndarray) as a :class:`Column`."""
    np, pd, pl = _numpy(), _pandas(), _polars()
    if pd is not None and isinstance(raw, pd.Series):
        return _pandas_column(raw, label, np, pd)
    if pl is not None and isinstance(raw, pl.Series):
        return _polars_column(raw, label, np, pl)
    return _array_column(raw, label, np, pd)


def _pandas_column(s: Any, label: str, np: Any, pd: Any) -> Column:
    """A pandas column as a :class:`Column`: its kind from its dtype, nullable types included."""
    dtype = s.dtype
    types = pd.api.types
    name = str(dtype)
    if isinstance(dtype, pd.CategoricalDtype):
        return Column(label, name, "category", s.isna().to_numpy(), series=s)
    if types.is_bool_dtype(dtype):
        vals = s.to_numpy(dtype="float64", na_value=np.nan)
        return Column(label, name, "bool", np.isnan(vals), vals, s)
    if types.is_numeric_dtype(dtype) and not types.is_complex_dtype(dtype):
        vals = s.to_numpy(dtype="float64", na_value=np.nan)
        return Column(label, name, "numeric", np.isnan(vals), vals, s)
    if types.is_datetime64_any_dtype(dtype):
        null = s.isna().to_numpy()
        return Column(label, name, "datetime", null, _datetime_ints(s), s)
    if types.is_string_dtype(dtype):
        kind = "string" if isinstance(dtype, pd.StringDtype) else "object"
        return Column(label, name, kind, s.isna().to_numpy(), series=s)
    return Column(label, name, "other", s.isna().to_numpy(), series=s)


def _array_column(a: Any, label: str, np: Any, pd: Any) -> Column:
    """A 1-D array as a :class:`Column`; object arrays find their nulls without pandas too."""
    kind = a.dtype.kind
    name = str(a.dtype)
    if kind in "fiu":
        vals = a.astype("float64", copy=False)
        return Column(label, name, "numeric", np.isnan(vals), vals)
    if kind == "b":
        vals = a.astype("float64")
        return Column(label, name, "bool", np.zeros(len(a), dtype=bool), vals)
    if kind == "M":
        return Column(label, name, "datetime", np.isnat(a), a.view("int64"))
    if kind in "OUS":
        obj = a.astype(object, copy=False)
        if pd is not None:
            null = np.asarray(pd.isna(obj), dtype=bool)
        else:
            null = np.fromiter((is_null(v) for v in obj), dtype=bool, count=len(obj))
        return Column(label, name, "object", null, obj)
    return Column(label, name, "other", np.zeros(len(a), dtype=bool), a)


def _datetime_ints(s: Any) -> Any:
    """Ticks since the epoch in the column's own unit (UTC when tz-aware); NaT is ``int64`` min."""
    if getattr(s.dtype, "tz", None) is not None:
        s = s.dt.tz_convert("UTC").dt.tz_localize(None)
    arr = s.to_numpy()
    if arr.dtype.kind != "M":
        arr = arr.astype("datetime64[ns]")
    return arr.view("int64")


def is_null(v: object) -> bool:
    """None or a float NaN: a null in an object column read without pandas."""
    return v is None or (isinstance(v, float) and v != v)


def _polars_numeric(dtype: Any, pl: Any) -> bool:
    """Numbers that are quantities: not booleans, categories or dates."""
    return bool(dtype.is_numeric()) and dtype != pl.Boolean


def _polars_floats(s: Any, np: Any, pl: Any) -> Any:
    """Float values of a numeric, non-boolean polars column (NaN for nulls); None otherwise."""
    if not _polars_numeric(s.dtype, pl):
        return None
    return np.asarray(s.cast(pl.Float64).to_numpy(), dtype="float64")


def polars_dates(dtype: Any, pl: Any) -> bool:
    """A polars date or datetime type."""
    return dtype == pl.Date or dtype == pl.Datetime


def _polars_column(s: Any, label: str, np: Any, pl: Any) -> Column:
    """A polars column as a :class:`Column`, the same kinds and arrays as a pandas one.

    Nulls and float NaN both count as nulls (as pandas counts them); an
    integer column with nulls becomes floats with NaN; Categorical and Enum
    columns and strings become object arrays of their values (None for
    null), so disguised nulls ("", "NA", "?") are found by the same code.
    """
    dtype = s.dtype
    name = str(dtype)
    if dtype == pl.Boolean:
        vals = np.asarray(s.cast(pl.Float64).to_numpy(), dtype="float64")
        return Column(label, name, "bool", np.isnan(vals), vals)
    if _polars_numeric(dtype, pl):
        vals = _polars_floats(s, np, pl)
        return Column(label, name, "numeric", np.isnan(vals), vals)
    null = np.asarray(s.is_null().to_numpy(), dtype=bool)
    if polars_dates(dtype, pl):
        ticks = s.to_physical().cast(pl.Int64).fill_null(np.iinfo(np.int64).min)
        return Column(label, name, "datetime", null, np.asarray(ticks.to_numpy(), dtype="int64"))
    if dtype == pl.Categorical or dtype == pl.Enum or dtype == pl.String:
        kind = "string" if dtype == pl.String else "category"
        text = s if dtype == pl.String else s.cast(pl.String)
        try:
            codes, levels = _polars_codes(text, np, pl)
        except Exception:
            return Column(label, name, kind, null, np.asarray(text.to_numpy(), dtype=object))
        values = np.append(levels, None)[codes]  # code -1 (null) picks the None at the end
        return Column(label, name, kind, null, values, codes=codes, levels=levels)
    return Column(label, name, "other", null, np.asarray(s.to_numpy(), dtype=object))


def _polars_codes(s: Any, np: Any, pl: Any) -> tuple[Any, Any]:
    """Codes (-1 for null) in order of first appearance, as ``pd.factorize`` gives, and the
    distinct values as an object array: factorized by polars, not by a Python loop."""
    levels = s.unique(maintain_order=True).drop_nulls()
    index = pl.int_range(len(levels), eager=True, dtype=pl.Int64)
    codes = s.replace_strict(levels, index, default=-1, return_dtype=pl.Int64)
    return np.asarray(codes.to_numpy(), dtype=np.int64), np.asarray(levels.to_numpy(), dtype=object)


def floats(raw: Any) -> Any:
    """Float values of a backend's column when it holds quantities (NaN for nulls); else None.

    Booleans, categories, complex numbers and dates are not quantities.
    """
    np, pd, pl = _numpy(), _pandas(), _polars()
    if pl is not None and isinstance(raw, pl.Series):
        return _polars_floats(raw, np, pl)
    if pd is not None and isinstance(raw, pd.Series):
        types = pd.api.types
        dtype = raw.dtype
        if (
            not types.is_numeric_dtype(dtype)
            or types.is_bool_dtype(dtype)
            or types.is_complex_dtype(dtype)
            or isinstance(dtype, pd.CategoricalDtype)
        ):
            return None
        return raw.to_numpy(dtype="float64", na_value=np.nan)
    if raw.dtype.kind not in "fiu":
        return None
    return raw.astype("float64")


def column_values(col: Column) -> Any:
    """A column's values as a target: classes read ``True``/``False``, dates as floats."""
    np = _numpy()
    if col.values is not None:
        vals = col.values
        if col.kind == "bool":  # classes read True/False, not 1.0/0.0
            out = np.empty(len(vals), dtype=object)
            out[:] = vals.astype(bool)
            out[col.null] = None
            return out
        if col.kind == "datetime":
            return np.where(col.null, np.nan, vals.astype("float64"))
        return vals
    return col.series.to_numpy(dtype=object)


def read_target(obj: object) -> Any:
    """The values of a target given on its own: a Series, a 1-D (or n x 1) array or a
    one-column frame, as :func:`column_values` gives them; None for anything else."""
    table = read_table(obj)
    if table is None or table.n_cols != 1:
        return None
    return column_values(read_column(table.column(0), "target"))


def factorize(values: Any) -> tuple[Any, list[Any]]:
    """Codes (-1 for null) and levels of any 1-D array or pandas column (pandas when loaded)."""
    np, pd = _numpy(), _pandas()
    if pd is not None:
        codes, uniques = pd.factorize(pd.Series(values, copy=False), use_na_sentinel=True)
        return np.asarray(codes), list(uniques)
    if values.dtype == object:
        mapping: dict[Any, int] = {}
        codes = np.empty(len(values), dtype=np.int64)
        for i, v in enumerate(values):
            codes[i] = -1 if is_null(v) else mapping.setdefault(v, len(mapping))
        return codes, list(mapping)
    vals = values.astype("float64")
    null = np.isnan(vals)
    uniq, inverse = np.unique(vals[~null], return_inverse=True)
    codes = np.full(len(vals), -1, dtype=np.int64)
    codes[~null] = inverse
    return codes, list(uniq)


__all__ = [
    "ArrayTable",
    "Column",
    "PandasTable",
    "PolarsTable",
    "Table",
    "base_view",
    "column_values",
    "factorize",
    "floats",
    "is_null",
    "label_of",
    "level_text",
    "read_column",
    "read_table",
    "read_target",
]
