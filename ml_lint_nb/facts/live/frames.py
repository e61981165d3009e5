"""Summaries of DataFrames, Series and arrays for the live data rules (ML1xx, ML202).

:func:`summarise_frame` turns a user's frame into a :class:`FrameFact`: counts
and statistics, never rows. It runs inside the user's kernel, so it

- imports neither pandas nor numpy: it uses them only when the user already
  has (``sys.modules``), and returns ``None`` for anything it does not know;
- never mutates the object: it reads through a base-class view
  (``pd.DataFrame(obj, copy=False)``, a read-only ndarray view), so a
  misbehaving DataFrame subclass never runs its own methods, and it sets no
  option;
- keeps no reference to the object or its data after returning;
- never raises: each part is guarded and a failure costs that part only;
- stays within budget: above ``limits.max_rows`` rows it inspects a seeded
  sample, and the costly detail checks (predictiveness, systematic
  missingness) run on at most :data:`DETAIL_ROWS` rows and say so.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ml_lint_nb.facts.live.limits import LiveLimits
from ml_lint_nb.facts.live.sampling import seeded_subset
from ml_lint_nb.facts.location import Location
from ml_lint_nb.facts.model import ColumnSummary, FrameFact

T = TypeVar("T")

# Strings that stand for "no value" (compared after strip() and lower()).
DISGUISED_TOKENS = frozenset({"", "na", "n/a", "null", "none", "?", "-", "missing"})
# Numeric codes for "no value"; counted only as a notable spike far from the other values.
SENTINELS = (-999.0, -9999.0, 999999.0)
SENTINEL_MIN_ROWS = 5
SENTINEL_MIN_SHARE = 0.01
DETAIL_ROWS = 20_000  # rows for predictiveness and systematic missingness
MAX_CLASSES = 50  # a target with more distinct values has no class counts
MAX_LEVELS = 50  # categorical columns considered for systematic missingness
MIN_LEVEL_ROWS = 20  # rows a category needs before its null share means anything
MISSING_PAIRS = 400  # (null column, category column) pairs examined at most
MIN_SCORE = 0.95  # predictiveness reported from here; the rule applies its own threshold
MIN_CLASS_ROWS = 10  # each class needs this many rows before an AUC is trusted
MAX_KEYS = 200_000  # distinct values of an object column examined one by one
DUPLICATE_CELLS = 50_000_000  # duplicate rows are counted up to this many inspected cells
UNIQUE_EXACT_ROWS = 2_000_000  # n_unique of bool/datetime columns is exact up to this many rows
FULL_MIN_ROWS = 1_000_000  # a full check is exact on at least this many rows
MAD_ROWS = 200_000  # values the median absolute deviation is computed from


def summarise_frame(
    name: str,
    obj: object,
    location: Location,
    limits: LiveLimits,
    target: str | None = None,
    target_values: object | None = None,
) -> FrameFact | None:
    """Summarise a DataFrame, Series or 1-D/2-D ndarray; ``None`` for anything else.

    ``target`` names a column of the frame (or, for a 1-D object, the object
    itself: pass its own name) whose class counts and single-feature
    predictiveness are measured; ``target_values`` gives the target as a
    separate Series/array aligned with the rows.
    """
    np = sys.modules.get("numpy")
    if np is None:
        return None
    pd = sys.modules.get("pandas")
    try:
        table = _table(obj, name, limits, np, pd)
    except Exception:
        return None
    if table is None:
        return None
    try:
        with np.errstate(all="ignore"):
            return _summarise(table, location, limits, target, target_values, np, pd)
    except Exception:
        return None


# -- the inspected rows --------------------------------------------------------------------------


@dataclass
class _Table:
    """The rows being inspected, behind a base-class or read-only view of the user's object."""

    name: str
    kind: str  # DataFrame | Series | ndarray
    n_rows: int
    n_cols: int
    labels: list[str]
    data: Any  # pandas DataFrame/Series (base class), polars frame or read-only ndarray
    positions: Any = None  # original row positions of the inspected rows; None = all rows
    polars: bool = False  # data is a polars DataFrame/Series, read column by column into NumPy

    @property
    def rows(self) -> int:
        return self.n_rows if self.positions is None else len(self.positions)

    def column(self, j: int) -> Any:
        data = self.data
        if self.polars:
            return data.to_series(j) if self.kind == "DataFrame" else data
        if self.kind == "DataFrame":
            return data.iloc[:, j]
        if self.kind == "Series" or getattr(data, "ndim", 1) == 1:
            return data
        return data[:, j]

    def original(self, pos: Iterable[int]) -> tuple[int, ...]:
        """Inspected-row positions mapped back to positions in the user's object."""
        if self.positions is None:
            return tuple(int(p) for p in pos)
        return tuple(int(self.positions[p]) for p in pos)


def _table(obj: object, name: str, limits: LiveLimits, np: Any, pd: Any) -> _Table | None:
    cls = type(obj)
    pl = polars_module()
    if pl is not None and issubclass(cls, pl.DataFrame | pl.Series):
        table = _polars_table(obj, name, limits, pl)
    elif pd is not None and issubclass(cls, pd.DataFrame):
        frame = pd.DataFrame(obj, copy=False)  # base class: the subclass's methods never run
        n_rows, n_cols = (int(v) for v in frame.shape)
        shown = min(n_cols, limits.max_columns)
        labels = [label_of(c) for c in list(frame.columns[:shown])]
        table = _Table(name, "DataFrame", n_rows, n_cols, labels, frame)
    elif pd is not None and issubclass(cls, pd.Series):
        series = pd.Series(obj, copy=False)
        own = series.name
        label = name if own is None else label_of(own)
        table = _Table(name, "Series", len(series.index), 1, [label], series)
    elif issubclass(cls, np.ndarray):
        arr = np.asarray(obj).view()
        arr.flags.writeable = False  # on our view only: a slip here fails instead of mutating
        if arr.dtype.names is not None or arr.ndim not in (1, 2):
            return None
        if arr.ndim == 1:
            table = _Table(name, "ndarray", int(arr.shape[0]), 1, [name], arr)
        else:
            n_rows, n_cols = (int(v) for v in arr.shape)
            labels = [f"x{j}" for j in range(min(n_cols, limits.max_columns))]
            table = _Table(name, "ndarray", n_rows, n_cols, labels, arr)
    else:
        return None
    positions = sample_positions(table.n_rows, limits, np)
    if positions is not None:
        table.positions = positions
        if table.kind == "ndarray":
            table.data = table.data[positions]
        elif table.polars:
            table.data = polars_take(table.data, positions, pl)
        else:
            table.data = table.data.take(positions)
    return table


def sample_positions(n: int, limits: LiveLimits, np: Any, cap: int | None = None) -> Any:
    """Sorted positions of a seeded row sample, or ``None`` when every row is inspected.

    ``limits.full`` (``%mlcheck df``) inspects up to :func:`full_rows` rows
    exactly. A private ``RandomState`` keeps the user's global random state
    untouched.
    """
    cap = limits.max_rows if cap is None else cap
    if n <= cap or (cap == limits.max_rows and limits.full and n <= full_rows(limits)):
        return None
    return seeded_subset(n, cap, limits.seed, np)


def full_rows(limits: LiveLimits) -> int:
    """Rows a full check inspects exactly: five times the cap, and never fewer than a million."""
    return max(5 * limits.max_rows, FULL_MIN_ROWS)


def label_of(column: object) -> str:
    """A column label as text: tuples of a MultiIndex joined by ``/``."""
    try:
        if isinstance(column, tuple):
            return "/".join(str(part) for part in column)
        return str(column)
    except Exception:
        return "?"


# -- one column ----------------------------------------------------------------------------------


@dataclass
class _Col:
    """A column reduced to numpy arrays over the inspected rows."""

    label: str
    dtype: str
    kind: str  # numeric | bool | datetime | category | string | object | other
    null: Any  # bool mask of real nulls
    values: Any = None  # float64 for numeric/bool, int64 for datetime, raw otherwise
    series: Any = None  # the pandas column, when there is one
    codes: Any = None  # factorized values (-1 for null), when the column was factorized
    levels: Any = None  # the values the codes stand for, when factorized before the summary
    disguised_keys: list[Any] = field(default_factory=list)
    sentinels: list[float] = field(default_factory=list)


def _column(raw: Any, label: str, np: Any, pd: Any) -> _Col:
    if pd is not None and isinstance(raw, pd.Series):
        return pandas_column(raw, label, np, pd)
    pl = polars_module()
    if pl is not None and isinstance(raw, pl.Series):
        return polars_column(raw, label, np, pl)
    return array_column(raw, label, np, pd)


def pandas_column(s: Any, label: str, np: Any, pd: Any) -> _Col:
    dtype = s.dtype
    types = pd.api.types
    name = str(dtype)
    if isinstance(dtype, pd.CategoricalDtype):
        return _Col(label, name, "category", s.isna().to_numpy(), series=s)
    if types.is_bool_dtype(dtype):
        vals = s.to_numpy(dtype="float64", na_value=np.nan)
        return _Col(label, name, "bool", np.isnan(vals), vals, s)
    if types.is_numeric_dtype(dtype) and not types.is_complex_dtype(dtype):
        vals = s.to_numpy(dtype="float64", na_value=np.nan)
        return _Col(label, name, "numeric", np.isnan(vals), vals, s)
    if types.is_datetime64_any_dtype(dtype):
        null = s.isna().to_numpy()
        return _Col(label, name, "datetime", null, datetime_ints(s, np, pd), s)
    if types.is_string_dtype(dtype):
        kind = "string" if isinstance(dtype, pd.StringDtype) else "object"
        return _Col(label, name, kind, s.isna().to_numpy(), series=s)
    return _Col(label, name, "other", s.isna().to_numpy(), series=s)


def array_column(a: Any, label: str, np: Any, pd: Any) -> _Col:
    kind = a.dtype.kind
    name = str(a.dtype)
    if kind in "fiu":
        vals = a.astype("float64", copy=False)
        return _Col(label, name, "numeric", np.isnan(vals), vals)
    if kind == "b":
        vals = a.astype("float64")
        return _Col(label, name, "bool", np.zeros(len(a), dtype=bool), vals)
    if kind == "M":
        return _Col(label, name, "datetime", np.isnat(a), a.view("int64"))
    if kind in "OUS":
        obj = a.astype(object, copy=False)
        if pd is not None:
            null = np.asarray(pd.isna(obj), dtype=bool)
        else:
            null = np.fromiter((_is_null(v) for v in obj), dtype=bool, count=len(obj))
        return _Col(label, name, "object", null, obj)
    return _Col(label, name, "other", np.zeros(len(a), dtype=bool), a)


def datetime_ints(s: Any, np: Any, pd: Any) -> Any:
    """Ticks since the epoch in the column's own unit (UTC when tz-aware); NaT is ``int64`` min."""
    if getattr(s.dtype, "tz", None) is not None:
        s = s.dt.tz_convert("UTC").dt.tz_localize(None)
    arr = s.to_numpy()
    if arr.dtype.kind != "M":
        arr = arr.astype("datetime64[ns]")
    return arr.view("int64")


# -- polars (eager) -------------------------------------------------------------------------------
#
# A polars frame is read the way a pandas one is: column by column into the
# same NumPy arrays (floats with NaN for nulls, epoch ticks for dates, object
# arrays of strings), so every check below is written once. The frame is
# never converted to pandas, and polars is used only if the user imported it.


def polars_module() -> Any:
    """The user's polars, or None: we never import it ourselves."""
    return sys.modules.get("polars")


def _polars_table(obj: Any, name: str, limits: LiveLimits, pl: Any) -> _Table:
    if type(obj) not in (pl.DataFrame, pl.Series):
        from ml_lint_nb.facts.live.safe import admit

        obj = admit(obj)  # a subclass with code of its own is refused (raises)
    if isinstance(obj, pl.DataFrame):
        n_rows, n_cols = (int(v) for v in obj.shape)
        labels = [label_of(c) for c in list(obj.columns)[: limits.max_columns]]
        return _Table(name, "DataFrame", n_rows, n_cols, labels, obj, polars=True)
    own = obj.name
    label = name if own in (None, "") else label_of(own)
    return _Table(name, "Series", int(obj.len()), 1, [label], obj, polars=True)


def polars_take(data: Any, positions: Any, pl: Any) -> Any:
    """Rows at ``positions`` of a polars DataFrame or Series (a new polars object)."""
    if isinstance(data, pl.Series):
        return data.gather(positions)
    return data[positions]


def _polars_numeric(dtype: Any, pl: Any) -> bool:
    """Numbers that are quantities: not booleans, categories or dates."""
    return bool(dtype.is_numeric()) and dtype != pl.Boolean


def polars_floats(s: Any, np: Any, pl: Any) -> Any:
    """Float values of a numeric, non-boolean polars column (NaN for nulls); None otherwise."""
    if not _polars_numeric(s.dtype, pl):
        return None
    return np.asarray(s.cast(pl.Float64).to_numpy(), dtype="float64")


def _polars_dates(dtype: Any, pl: Any) -> bool:
    return dtype == pl.Date or dtype == pl.Datetime


def polars_column(s: Any, label: str, np: Any, pl: Any) -> _Col:
    """A polars column as a :class:`_Col`, the same kinds and arrays as :func:`pandas_column`.

    Nulls and float NaN both count as nulls (as pandas counts them); an
    integer column with nulls becomes floats with NaN; Categorical and Enum
    columns and strings become object arrays of their values (None for
    null), so disguised nulls ("", "NA", "?") are found by the same code.
    """
    dtype = s.dtype
    name = str(dtype)
    if dtype == pl.Boolean:
        vals = np.asarray(s.cast(pl.Float64).to_numpy(), dtype="float64")
        return _Col(label, name, "bool", np.isnan(vals), vals)
    if _polars_numeric(dtype, pl):
        vals = polars_floats(s, np, pl)
        return _Col(label, name, "numeric", np.isnan(vals), vals)
    null = np.asarray(s.is_null().to_numpy(), dtype=bool)
    if _polars_dates(dtype, pl):
        ticks = s.to_physical().cast(pl.Int64).fill_null(np.iinfo(np.int64).min)
        return _Col(label, name, "datetime", null, np.asarray(ticks.to_numpy(), dtype="int64"))
    if dtype == pl.Categorical or dtype == pl.Enum or dtype == pl.String:
        kind = "string" if dtype == pl.String else "category"
        text = s if dtype == pl.String else s.cast(pl.String)
        got = guarded(lambda: _polars_codes(text, np, pl), None)
        if got is None:
            return _Col(label, name, kind, null, np.asarray(text.to_numpy(), dtype=object))
        codes, levels = got
        values = np.append(levels, None)[codes]  # code -1 (null) picks the None at the end
        return _Col(label, name, kind, null, values, codes=codes, levels=levels)
    return _Col(label, name, "other", null, np.asarray(s.to_numpy(), dtype=object))


def _polars_codes(s: Any, np: Any, pl: Any) -> tuple[Any, Any]:
    """Codes (-1 for null) in order of first appearance, as ``pd.factorize`` gives, and the
    distinct values as an object array: factorized by polars, not by a Python loop."""
    levels = s.unique(maintain_order=True).drop_nulls()
    index = pl.int_range(len(levels), eager=True, dtype=pl.Int64)
    codes = s.replace_strict(levels, index, default=-1, return_dtype=pl.Int64)
    return np.asarray(codes.to_numpy(), dtype=np.int64), np.asarray(levels.to_numpy(), dtype=object)


def _polars_hash(s: Any, np: Any, pd: Any, pl: Any) -> Any:
    """64-bit hash per value of a polars column, equal to :func:`column_hash` of the same
    values in pandas for numbers (by value: 1 == 1.0 == True), strings and categories."""
    dtype = s.dtype
    if dtype.is_numeric() or dtype == pl.Boolean:
        return _float_hash(np.asarray(s.cast(pl.Float64).to_numpy(), dtype="float64"), np)
    if _polars_dates(dtype, pl):
        arr = np.asarray(s.to_numpy())
        if arr.dtype.kind == "M":
            return _mix(arr.astype("datetime64[ns]").view("int64").view("uint64"), np)
    if dtype == pl.Categorical or dtype == pl.Enum:
        s = s.cast(pl.String)
    if pd is None and s.dtype == pl.String:
        return np.asarray(s.hash(seed=0).to_numpy(), dtype=np.uint64)
    return column_hash(np.asarray(s.to_numpy(), dtype=object), np, pd)


def _is_null(v: object) -> bool:
    return v is None or (isinstance(v, float) and v != v)


def _summarise_column(col: _Col, np: Any, pd: Any) -> ColumnSummary:
    n_null = int(col.null.sum())
    base = {"name": col.label, "dtype": col.dtype, "n_null": n_null}
    if col.kind == "numeric":
        return ColumnSummary(**base, **_numeric_stats(col, np, pd))
    if col.kind in ("category", "string", "object"):
        return ColumnSummary(**base, **_object_stats(col, n_null, np, pd))
    if col.kind in ("bool", "datetime"):
        present = col.values[~col.null]
        return ColumnSummary(**base, n_unique=_n_unique(present, np, pd))
    return ColumnSummary(**base, n_unique=guarded(lambda: int(col.series.nunique()), None))


def _n_unique(values: Any, np: Any, pd: Any) -> int | None:
    if len(values) > UNIQUE_EXACT_ROWS:
        return None
    if pd is not None:
        return len(pd.unique(values))
    return int(np.unique(values).size)


def _numeric_stats(col: _Col, np: Any, pd: Any) -> dict[str, Any]:
    """Exact counts and spread from one sort of the column's non-null values.

    Sorting once gives the distinct count, the median, sentinel counts and the
    extremes; the MAD is read from an evenly thinned copy of the sorted values
    (exact up to :data:`MAD_ROWS` values, a close quantile estimate beyond).
    """
    ordered = np.sort(col.values[~col.null])
    n_unique = int(np.count_nonzero(ordered[1:] != ordered[:-1])) + 1 if len(ordered) else 0
    out: dict[str, Any] = {"numeric": True, "n_unique": n_unique}
    lo = int(np.searchsorted(ordered, -np.inf, side="right"))
    hi = int(np.searchsorted(ordered, np.inf, side="left"))
    finite = ordered[lo:hi]
    sentinels = _sentinels(finite, len(col.values), np)
    if sentinels:
        col.sentinels = [code for code, _ in sentinels]
        out["n_disguised"] = sum(count for _, count in sentinels)
        out["disguised_values"] = tuple(f"{code:g}" for code, _ in sentinels)
        finite = finite[~np.isin(finite, col.sentinels)]
    if len(finite) == 0:
        return out
    mid = len(finite) // 2
    median = float(finite[mid]) if len(finite) % 2 else float((finite[mid - 1] + finite[mid]) / 2)
    out["median"] = median
    if len(finite) > 1:
        out["std"] = float(np.std(finite, ddof=1))
    step = max(1, len(finite) // MAD_ROWS)
    mad = float(np.median(np.abs(finite[::step] - median)))
    if mad > 0:
        worst = max(float(finite[-1]) - median, median - float(finite[0]))
        out["max_robust_z"] = worst / (1.4826 * mad)
        out["outlier_examples"] = _extremes(finite, median)
    return out


def _sentinels(finite: Any, n_rows: int, np: Any) -> list[tuple[float, int]]:
    """Sentinel codes that form a notable spike far outside the column's other values.

    ``finite`` is sorted, so each code's count is a pair of binary searches.
    """
    spans = []
    for code in SENTINELS:
        left = int(np.searchsorted(finite, code, side="left"))
        right = int(np.searchsorted(finite, code, side="right"))
        if right > left:
            spans.append((code, left, right))
    if not spans:
        return []
    keep = np.ones(len(finite), dtype=bool)
    for _, left, right in spans:
        keep[left:right] = False
    others = finite[keep]
    if len(others) == 0:
        return []  # only codes: a constant-ish column, not a disguised null
    lo, hi = float(others[0]), float(others[-1])
    found = []
    for code, left, right in spans:
        count = right - left
        if count < SENTINEL_MIN_ROWS or count < SENTINEL_MIN_SHARE * n_rows:
            continue
        margin = 0.5 * abs(code)
        if code < lo - margin or code > hi + margin:
            found.append((code, count))
    return found


def _extremes(ordered: Any, median: float, k: int = 3) -> tuple[float, ...]:
    """Up to ``k`` distinct values farthest from the median, farthest first (``ordered`` sorted)."""
    ends = [float(v) for v in ordered[:k]] + [float(v) for v in ordered[-k:]]
    out: list[float] = []
    for v in sorted(ends, key=lambda v: -abs(v - median)):
        if v not in out:
            out.append(v)
    return tuple(out[:k])


_TYPE_NAMES: dict[type, str] = {}


def type_name(value: object) -> str:
    """Python-level type name with numpy scalars folded in (``float64`` -> ``float``)."""
    cls = type(value)
    cached = _TYPE_NAMES.get(cls)
    if cached is not None:
        return cached
    import numbers

    if issubclass(cls, str):
        name = "str"
    elif issubclass(cls, bytes):
        name = "bytes"
    elif cls.__name__ in ("bool", "bool_"):
        name = "bool"
    elif issubclass(cls, numbers.Integral):
        name = "int"
    elif issubclass(cls, numbers.Real):
        name = "float"
    else:
        name = cls.__name__
    if len(_TYPE_NAMES) < 256:
        _TYPE_NAMES[cls] = name
    return name


def _value_counts(col: _Col, np: Any, pd: Any) -> tuple[list[Any], list[int]] | None:
    """Distinct non-null values and their counts, most frequent first; None when unhashable."""
    try:
        if col.series is not None:
            codes, uniques = pd.factorize(col.series, use_na_sentinel=True)
            codes = np.asarray(codes)
            col.codes = codes  # reused for duplicate rows
            counts = np.bincount(codes[codes >= 0], minlength=len(uniques))
            order = np.argsort(-counts, kind="stable")[:MAX_KEYS]
            order = order[counts[order] > 0]
            return list(uniques.take(order)), counts[order].tolist()
        if col.levels is not None:  # factorized when read (polars)
            codes = col.codes
            counts = np.bincount(codes[codes >= 0], minlength=len(col.levels))
            order = np.argsort(-counts, kind="stable")[:MAX_KEYS]
            order = order[counts[order] > 0]
            return list(col.levels[order]), counts[order].tolist()
        present = col.values[~col.null]
        if pd is not None:
            vc = pd.Series(present, dtype=object, copy=True).value_counts(dropna=True)
            return list(vc.index[:MAX_KEYS]), [int(c) for c in vc.to_numpy()[:MAX_KEYS]]
        from collections import Counter

        pairs = Counter(present.tolist()).most_common(MAX_KEYS)
        return [k for k, _ in pairs], [c for _, c in pairs]
    except TypeError:
        return None


def _object_stats(col: _Col, n_null: int, np: Any, pd: Any) -> dict[str, Any]:
    counted = _value_counts(col, np, pd)
    exact = counted is not None
    if counted is None:  # unhashable cells (lists, dicts): look at each value instead
        present = (col.series.to_numpy() if col.series is not None else col.values)[~col.null]
        counted = (list(present[: MAX_KEYS * 5]), [1] * min(len(present), MAX_KEYS * 5))
    keys, counts = counted
    types: set[str] = set()
    disguised = 0
    numeric_text = 0
    digit_widths: set[int] = set()
    leading_zeros = 0
    for key, count in zip(keys, counts, strict=False):
        types.add(type_name(key))
        if not isinstance(key, str):
            continue
        text = key.strip()
        if len(text) <= 8 and text.lower() in DISGUISED_TOKENS:
            disguised += count
            col.disguised_keys.append(key)
        elif _looks_numeric(text):
            numeric_text += count
            if text.isdigit():
                digit_widths.add(len(text))
                leading_zeros += count if len(text) > 1 and text[0] == "0" else 0
            else:
                digit_widths.add(-1)  # a sign, a point or an exponent: a quantity, not a code
    present_n = sum(counts) if not exact else len(col.null) - n_null
    return {
        "n_unique": len(keys) if exact and len(keys) < MAX_KEYS else None,
        "n_disguised": disguised,
        "disguised_values": tuple(str(k) for k in col.disguised_keys[:5]),
        "mixed_types": tuple(sorted(types)) if len(types) > 1 else (),
        "numeric_strings": numeric_text / present_n if present_n else 0.0,
        "code_like": _code_like(col.label, digit_widths, leading_zeros),
    }


IDENTIFIER_WORDS = re.compile(
    r"(^|[^a-z])(id|ids|zip|zipcode|postal|postcode|code|phone|tel|sku|fips|ssn|iban|account)"
    r"([^a-z]|$)|zip|postal|phone|_id$|^id_",
)
MIN_CODE_WIDTH = 4  # fixed-width digit strings from this width are codes (zip, fips, sku)


def _code_like(label: str, digit_widths: set[int], leading_zeros: int) -> bool:
    """Numbers stored as text that are identifiers or codes, not quantities.

    A leading zero (``"02139"``), one fixed width of digits (``"94105"``,
    ``"10023"``) or a name that says so (``zip``, ``customer_id``, ``phone``)
    marks text that parsing as a number would damage.
    """
    if leading_zeros:
        return True
    if len(digit_widths) == 1 and min(digit_widths) >= MIN_CODE_WIDTH:
        return True
    return bool(IDENTIFIER_WORDS.search(str(label).lower()))


def _looks_numeric(text: str) -> bool:
    if not text or text[0] not in "+-.0123456789":
        return False
    try:
        float(text)
    except ValueError:
        return False
    return True


def disguised_mask(col: _Col, rows: Any, np: Any) -> Any:
    """Rows (of ``rows`` positions) holding a disguised null of this column."""
    if col.sentinels:
        return np.isin(col.values[rows], col.sentinels)
    if col.disguised_keys:
        raw = col.series.to_numpy() if col.series is not None else col.values
        keys = set(col.disguised_keys)
        return np.fromiter((_in(v, keys) for v in raw[rows]), dtype=bool, count=len(rows))
    return None


def _in(value: object, keys: set[Any]) -> bool:
    try:
        return value in keys
    except TypeError:
        return False


# -- the whole frame -----------------------------------------------------------------------------


def guarded(fn: Callable[[], T], default: T) -> T:
    """Run one part of a summary; a failure costs that part only."""
    try:
        return fn()
    except Exception:
        return default


def _summarise(
    table: _Table,
    location: Location,
    limits: LiveLimits,
    target: str | None,
    target_values: object | None,
    np: Any,
    pd: Any,
) -> FrameFact:
    cols: list[_Col] = []
    summaries: list[ColumnSummary] = []
    for j, label in enumerate(table.labels):
        col = guarded(lambda j=j, label=label: _column(table.column(j), label, np, pd), None)
        if col is None:
            continue
        summary = guarded(lambda col=col: _summarise_column(col, np, pd), None)
        if summary is None:
            continue
        cols.append(col)
        summaries.append(summary)
    n = table.rows
    sampled = table.positions is not None
    detail = None if n <= DETAIL_ROWS else seeded_subset(n, DETAIL_ROWS, limits.seed + 1, np)
    rows = np.arange(n) if detail is None else detail
    dups = guarded(lambda: _duplicates(table, cols, np, pd), (None, ()))
    missing = guarded(lambda: _missingness(cols, summaries, rows, np, pd), [])
    target_col, target_vec = guarded(
        lambda: _target(table, cols, target, target_values, np, pd), (None, None)
    )
    counts = guarded(lambda: class_counts(target_vec, np, pd), ()) if target_vec is not None else ()
    predictive: list[tuple[str, float, str]] = []
    if target_vec is not None:
        features = [c for c in cols if c is not target_col]
        predictive = guarded(lambda: _predictive(features, target_vec, rows, np, pd), [])
    target_name = None
    if target_vec is not None:
        target_name = target or (target_col.label if target_col is not None else None)
    return FrameFact(
        "live",
        location,
        name=table.name,
        kind=table.kind,
        n_rows=table.n_rows,
        n_cols=table.n_cols,
        columns=tuple(summaries),
        sample_rows=n if sampled else None,
        duplicate_rows=dups[0],
        duplicate_examples=dups[1],
        missingness=tuple(m[:5] for m in missing),
        missingness_rows=tuple(m[5] for m in missing),
        target=target_name,
        class_counts=counts,
        predictive=tuple(predictive),
        detail_rows=len(rows) if detail is not None else None,
    )


# -- duplicates ----------------------------------------------------------------------------------


def _duplicates(
    table: _Table, cols: list[_Col], np: Any, pd: Any
) -> tuple[int | None, tuple[int, ...]]:
    """Exact duplicate rows among the inspected rows (first copies not counted).

    Rows are compared by a 64-bit hash of their cells (a collision among a
    million rows has odds of about 1 in 10^7); columns already factorized or
    converted for their summary are hashed from that work.
    """
    if table.n_cols < 2 or table.n_cols > len(table.labels):
        return None, ()  # one column repeats by nature; a cut-off frame would overcount
    if table.rows * table.n_cols > DUPLICATE_CELLS:
        return None, ()
    if len(cols) == table.n_cols:
        hashes = None
        for col in cols:
            part = _col_hash(col, np, pd)
            hashes = part if hashes is None else hashes * np.uint64(HASH_MULTIPLIER) + part
    else:
        hashes = row_hashes(table.data, np, pd)
    if pd is not None:
        dup = pd.Series(hashes, copy=False).duplicated().to_numpy()
    else:
        dup = np.ones(len(hashes), dtype=bool)
        dup[np.unique(hashes, return_index=True)[1]] = False
    where = np.flatnonzero(dup)
    return int(len(where)), table.original(where[:5])


def _col_hash(col: _Col, np: Any, pd: Any) -> Any:
    """A per-value hash from the column's summary work, falling back to its raw values."""
    if col.codes is not None:
        return _mix(col.codes.astype(np.int64).view(np.uint64), np)
    if col.kind in ("numeric", "bool"):
        return _float_hash(col.values, np)
    if col.kind == "datetime":
        return _mix(col.values.view(np.uint64), np)
    return column_hash(col.series if col.series is not None else col.values, np, pd)


HASH_MULTIPLIER = 0xBF58476D1CE4E5B9
HASH_MULTIPLIER2 = 0x94D049BB133111EB


def _mix(h: Any, np: Any) -> Any:
    """splitmix64's finaliser: spreads every input bit over the 64-bit hash."""
    h = h ^ (h >> np.uint64(30))
    h = h * np.uint64(HASH_MULTIPLIER)
    h = h ^ (h >> np.uint64(27))
    h = h * np.uint64(HASH_MULTIPLIER2)
    return h ^ (h >> np.uint64(31))


def column_hash(raw: Any, np: Any, pd: Any) -> Any:
    """64-bit hash per value; numbers hash by value whatever their dtype (1 == 1.0)."""
    if pd is not None and isinstance(raw, pd.Series):
        dtype = raw.dtype
        types = pd.api.types
        numeric = types.is_numeric_dtype(dtype) and not types.is_complex_dtype(dtype)
        if numeric and not isinstance(dtype, pd.CategoricalDtype):
            return _float_hash(raw.to_numpy(dtype="float64", na_value=np.nan), np)
        try:
            return pd.util.hash_pandas_object(raw, index=False).to_numpy()
        except TypeError:  # unhashable cells (lists, dicts): hash their text
            text = pd.Series(raw.to_numpy(dtype=object), dtype=object).map(repr)
            return pd.util.hash_pandas_object(text, index=False).to_numpy()
    pl = polars_module()
    if pl is not None and isinstance(raw, pl.Series):
        return _polars_hash(raw, np, pd, pl)
    a = raw
    if a.dtype.kind in "fiub":
        return _float_hash(a.astype("float64"), np)
    if a.dtype.kind == "M":
        return _mix(a.astype("datetime64[ns]").view("int64").view("uint64"), np)
    if pd is not None:
        series = pd.Series(a.astype(object), dtype=object, copy=False)
        try:
            return pd.util.hash_pandas_object(series, index=False).to_numpy()
        except TypeError:
            return pd.util.hash_pandas_object(series.map(repr), index=False).to_numpy()
    return np.fromiter((_py_hash(v) for v in a), dtype=np.uint64, count=len(a))


def _float_hash(x: Any, np: Any) -> Any:
    x = x + 0.0  # a fresh array; -0.0 becomes 0.0
    x[np.isnan(x)] = np.nan  # one NaN bit pattern
    return _mix(x.view("uint64"), np)


def _py_hash(value: object) -> int:
    try:
        return hash(value) & 0xFFFFFFFFFFFFFFFF
    except TypeError:
        return hash(repr(value)) & 0xFFFFFFFFFFFFFFFF


def row_hashes(data: Any, np: Any, pd: Any, columns: list[int] | None = None) -> Any:
    """One 64-bit hash per row, combining the given (default: all) columns in order."""
    pl = polars_module()
    if pd is not None and isinstance(data, pd.Series):
        return column_hash(data, np, pd)
    if pl is not None and isinstance(data, pl.Series):
        return column_hash(data, np, pd)
    if getattr(data, "ndim", 2) == 1:
        return column_hash(data, np, pd)
    n_cols = data.shape[1]
    picks = range(n_cols) if columns is None else columns
    h = None
    for j in picks:
        if pl is not None and isinstance(data, pl.DataFrame):
            raw = data.to_series(j)
        elif pd is not None and isinstance(data, pd.DataFrame):
            raw = data.iloc[:, j]
        else:
            raw = data[:, j]
        part = column_hash(raw, np, pd)
        # parts are already mixed: an odd multiplier keeps the column order significant
        h = part if h is None else h * np.uint64(HASH_MULTIPLIER) + part
    return h


# -- systematic missingness ----------------------------------------------------------------------


def _codes(col: _Col, rows: Any, np: Any, pd: Any) -> tuple[Any, list[Any]] | None:
    """Integer codes of a low-cardinality column over ``rows`` (-1 for null)."""
    if col.kind == "numeric":
        vals = col.values[rows]
        if not np.all(np.mod(vals[~np.isnan(vals)], 1) == 0):
            return None
    if pd is None:
        raw = col.values[rows]
        if raw is None or raw.dtype == object:
            return None
        uniq, codes = np.unique(raw, return_inverse=True)
        return codes, list(uniq)
    raw = col.series.iloc[rows] if col.series is not None else col.values[rows]
    codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    return np.asarray(codes), list(uniques)


def _missingness(
    cols: list[_Col], summaries: list[ColumnSummary], rows: Any, np: Any, pd: Any
) -> list[tuple[str, str, str, float, float, int]]:
    """Nulls of a column concentrated in one category of another (one entry per null column)."""
    null_cols = [
        (c, s) for c, s in zip(cols, summaries, strict=True) if s.n_null + s.n_disguised > 0
    ]
    cat_cols = [
        c
        for c, s in zip(cols, summaries, strict=True)
        if c.kind in ("category", "string", "object", "bool", "numeric")
        and s.n_unique is not None
        and 2 <= s.n_unique <= MAX_LEVELS
    ]
    if not null_cols or not cat_cols:
        return []
    coded = []
    for c in cat_cols:
        got = guarded(lambda c=c: _codes(c, rows, np, pd), None)
        if got is not None:
            coded.append((c, got[0], got[1], np.bincount(got[0][got[0] >= 0])))
    found = []
    pairs = 0
    m = len(rows)
    for col, _summary in null_cols:
        mask = col.null[rows]
        extra = guarded(lambda col=col: disguised_mask(col, rows, np), None)
        if extra is not None:
            mask = mask | extra
        total = int(mask.sum())
        best = None
        for cat, codes, levels, sizes in coded:
            if cat is col or pairs >= MISSING_PAIRS:
                continue
            pairs += 1
            hit = codes[mask]
            nulls = np.bincount(hit[hit >= 0], minlength=len(sizes))
            for k, size in enumerate(sizes):
                rest = m - size
                if size < MIN_LEVEL_ROWS or rest < MIN_LEVEL_ROWS:
                    continue
                inside = nulls[k] / size
                outside = (total - nulls[k]) / rest
                if inside >= 0.8 and outside <= 0.1:
                    entry = (col.label, cat.label, _level_text(levels[k]), inside, outside, size)
                    if best is None or inside - outside > best[3] - best[4]:
                        best = entry
        if best is not None:
            found.append((best[0], best[1], best[2], float(best[3]), float(best[4]), int(best[5])))
    found.sort(key=lambda e: e[4] - e[3])
    return found[:10]


def _level_text(level: object) -> str:
    if isinstance(level, float) and level.is_integer():
        return str(int(level))
    return str(level)


# -- target --------------------------------------------------------------------------------------


def _target(
    table: _Table,
    cols: list[_Col],
    target: str | None,
    target_values: object | None,
    np: Any,
    pd: Any,
) -> tuple[_Col | None, Any]:
    """The target column (if it is one of ours) and its values over the inspected rows."""
    if target_values is not None:
        return None, _aligned_values(target_values, table, np, pd)
    if target is None:
        return None, None
    wanted = str(target)
    for col in cols:
        if col.label == wanted or (table.kind != "DataFrame" and wanted == table.name):
            return col, column_values(col, np)
    return None, None


def column_values(col: _Col, np: Any) -> Any:
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
    raw = col.series.to_numpy(dtype=object)
    return raw


def _aligned_values(values: object, table: _Table, np: Any, pd: Any) -> Any:
    """``target_values`` as a 1-D array over the inspected rows; None when misaligned."""
    if pd is not None and isinstance(values, pd.DataFrame):
        if values.shape[1] != 1:
            return None
        values = values.iloc[:, 0]
    pl = polars_module()
    if pl is not None and isinstance(values, pl.DataFrame):
        if values.width != 1:
            return None
        values = values.to_series(0)
    if pd is not None and isinstance(values, pd.Series):
        col = pandas_column(pd.Series(values, copy=False), "target", np, pd)
    elif pl is not None and isinstance(values, pl.Series):
        col = polars_column(values, "target", np, pl)
    elif isinstance(values, np.ndarray):
        arr = np.asarray(values)
        if arr.ndim == 2 and arr.shape[1] == 1:
            arr = arr[:, 0]
        if arr.ndim != 1:
            return None
        col = array_column(arr, "target", np, pd)
    else:
        return None
    vals = column_values(col, np)
    if len(vals) != table.n_rows:
        return None
    return vals if table.positions is None else vals[table.positions]


def _factorize(values: Any, np: Any, pd: Any) -> tuple[Any, list[Any]]:
    """Codes (-1 for null) and levels of any 1-D array."""
    if pd is not None:
        codes, uniques = pd.factorize(pd.Series(values, copy=False), use_na_sentinel=True)
        return np.asarray(codes), list(uniques)
    if values.dtype == object:
        mapping: dict[Any, int] = {}
        codes = np.empty(len(values), dtype=np.int64)
        for i, v in enumerate(values):
            codes[i] = -1 if _is_null(v) else mapping.setdefault(v, len(mapping))
        return codes, list(mapping)
    vals = values.astype("float64")
    null = np.isnan(vals)
    uniq, inverse = np.unique(vals[~null], return_inverse=True)
    codes = np.full(len(vals), -1, dtype=np.int64)
    codes[~null] = inverse
    return codes, list(uniq)


def class_counts(values: Any, np: Any, pd: Any) -> tuple[tuple[str, int], ...]:
    """Counts per class of a target with at most :data:`MAX_CLASSES` values, largest first."""
    codes, levels = _factorize(values, np, pd)
    if not 0 < len(levels) <= MAX_CLASSES:
        return ()
    counts = np.bincount(codes[codes >= 0], minlength=len(levels))
    order = sorted(range(len(levels)), key=lambda k: (-int(counts[k]), str(levels[k])))
    return tuple((_level_text(levels[k]), int(counts[k])) for k in order)


# -- single-feature predictiveness ---------------------------------------------------------------


def average_ranks(x: Any, np: Any) -> Any:
    """Ranks 1..n with ties sharing their average rank (what Spearman and AUC need).

    Ties share one rank, so the sort need not be stable: numpy's default sort
    is several times faster than a merge sort on floats (the fit's ML202
    scoring ranks every feature).
    """
    order = np.argsort(x)
    sorted_x = x[order]
    starts = np.flatnonzero(np.r_[True, sorted_x[1:] != sorted_x[:-1]])
    counts = np.diff(np.r_[starts, len(x)])
    avg = starts + (counts + 1) / 2.0
    ranks = np.empty(len(x), dtype="float64")
    ranks[order] = np.repeat(avg, counts)
    return ranks


def auc(score: Any, positive: Any, np: Any) -> float:
    """Rank-based ROC AUC of ``score`` for the boolean labels ``positive``."""
    n_pos = int(positive.sum())
    n_neg = len(positive) - n_pos
    ranks = average_ranks(score, np)
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))


def _corr(a: Any, b: Any, np: Any) -> float:
    sa, sb = a.std(), b.std()
    if sa == 0 or sb == 0:
        return 0.0
    return float(((a - a.mean()) * (b - b.mean())).mean() / (sa * sb))


def _feature_vector(col: _Col, rows: Any, np: Any, pd: Any) -> tuple[Any, Any, int]:
    """A numeric score per row (nulls ranked lowest), the feature's codes and its level count."""
    if col.values is not None and col.kind in ("numeric", "bool", "datetime"):
        vals = col.values[rows].astype("float64")
        if col.kind == "datetime":
            vals[col.null[rows]] = np.nan
        nan = np.isnan(vals)
        if nan.any():  # nulls rank lowest: a feature missing exactly for one class predicts it
            low = np.nanmin(vals) - 1.0 if (~nan).any() else 0.0
            vals = np.where(nan, low, vals)
        ordered = np.sort(vals)
        n_levels = int(np.count_nonzero(ordered[1:] != ordered[:-1])) + 1
        return vals, None, n_levels
    raw = col.series.iloc[rows] if col.series is not None else col.values[rows]
    codes, levels = _factorize(raw, np, pd)
    return None, codes, len(levels)


def _predictive(
    features: list[_Col], target: Any, rows: Any, np: Any, pd: Any
) -> list[tuple[str, float, str]]:
    """Features whose values alone predict the target (score >= :data:`MIN_SCORE`)."""
    y = target[rows]
    t_codes, t_levels = _factorize(y, np, pd)
    keep = t_codes >= 0
    if keep.sum() < 2 * MIN_CLASS_ROWS or len(t_levels) < 2:
        return []
    rows = rows[keep]
    t_codes = t_codes[keep]
    numeric_target = y.dtype != object and y.dtype.kind in "fiub"
    y_num = y[keep].astype("float64") if numeric_target else None
    binary = len(t_levels) == 2
    positive = t_codes == 1
    if binary and min(int(positive.sum()), int((~positive).sum())) < MIN_CLASS_ROWS:
        return []
    y_ranks = average_ranks(y_num, np) if numeric_target and not binary else None
    out = []
    for col in features:
        got = guarded(
            lambda col=col: _feature_score(
                col, rows, t_codes, len(t_levels), binary, positive, y_num, y_ranks, np, pd
            ),
            None,
        )
        if got is not None and got[1] == "group-candidate":
            target = positive if binary else y_num
            own = guarded(
                lambda col=col, got=got, target=target: _own_label_gain(
                    col, features, rows, target, binary, got[0], np, pd
                ),
                None,
            )
            got = (got[0], "group-stat") if own is not None and own >= OWN_LABEL_GAIN else None
        if got is not None and (got[0] >= MIN_SCORE or got[1] in ("flag", "group-stat")):
            out.append((col.label, round(got[0], 6), got[1]))
    out.sort(key=lambda e: -e[1])
    return out[:10]


def _feature_score(
    col: _Col,
    rows: Any,
    t_codes: Any,
    n_classes: int,
    binary: bool,
    positive: Any,
    y_num: Any,
    y_ranks: Any,
    np: Any,
    pd: Any,
) -> tuple[float, str] | None:
    vals, codes, n_levels = _feature_vector(col, rows, np, pd)
    if n_levels < 2:
        return None
    if n_levels == n_classes and codes is None:
        codes = _factorize(vals, np, pd)[0]
    if n_levels == n_classes and n_classes <= MAX_CLASSES and _bijective(codes, t_codes, np):
        return 1.0, "copy"
    if not binary and y_num is None:
        return None  # a categorical multi-class target: only copies are measurable
    if binary and n_levels == 2:
        flag = _post_outcome_flag(vals if codes is None else codes, positive, np)
        if flag is not None:
            return flag, "flag"
    target_num = positive if binary else y_num
    if vals is not None and target_num is not None and _group_statistic(vals, target_num, np):
        strength = auc(vals, positive, np) if binary else abs(_corr(vals, y_num, np))
        strength = max(strength, 1.0 - strength) if binary else strength
        if strength >= GROUP_STAT_MIN_SCORE:
            return strength, "group-stat"
        if strength >= GROUP_CANDIDATE_SCORE:
            return strength, "group-candidate"  # confirmed only if its own labels explain it
    if vals is None:
        if n_levels > MAX_LEVELS or n_levels * MIN_LEVEL_ROWS > len(codes):
            return None  # many levels: a per-level mean would memorise the target
        vals = _level_means(codes, positive if binary else y_num, np)
    if binary:
        a = auc(vals, positive, np)
        return max(a, 1.0 - a), "auc"
    if y_num is None:
        return None
    spearman = abs(_corr(average_ranks(vals, np), y_ranks, np))
    if spearman >= 1.0 - 1e-9 and n_levels >= 0.99 * len(np.unique(y_num)):
        return 1.0, "copy"
    return max(spearman, abs(_corr(vals, y_num, np))), "corr"


FLAG_PURITY = 0.98  # share of a flag level's rows in the minority class
FLAG_COVERAGE = 0.5  # share of the minority class the flag level holds
GROUP_STAT_MIN_SCORE = 0.9  # power alone of a column that is a per-group target statistic
GROUP_STAT_CONSISTENCY = 0.95  # correlation of its values with the target mean of their level


def _post_outcome_flag(values: Any, positive: Any, np: Any) -> float | None:
    """Share of the minority class marked by one level of a two-level column, almost only it.

    A refund flag for churn, a chargeback flag for fraud: recorded after the
    outcome, it holds most minority rows and hardly any other. An honest
    binary feature shifts the odds; it does not single out one class.
    """
    minority = positive if positive.sum() <= (~positive).sum() else ~positive
    n_min = int(minority.sum())
    if n_min < MIN_CLASS_ROWS:
        return None
    for level in np.unique(values):
        inside = values == level
        size = int(inside.sum())
        hits = int((inside & minority).sum())
        if size >= MIN_CLASS_ROWS and hits >= FLAG_PURITY * size and hits >= FLAG_COVERAGE * n_min:
            return hits / n_min
    return None


GROUP_CANDIDATE_SCORE = 0.6  # a weaker group statistic is checked for its own-label share
OWN_LABEL_GAIN = 0.1  # power lost when each row's own label is left out of its group's mean
MAX_KEY_COLUMNS = 30  # columns tried as the grouping key of a group statistic


def _own_label_gain(
    col: _Col,
    features: list[_Col],
    rows: Any,
    target: Any,
    binary: bool,
    strength: float,
    np: Any,
    pd: Any,
) -> float | None:
    """How much of a group statistic's power comes from each row's own label.

    Finds the column that defines the groups (the statistic is constant
    within each of its levels), recomputes each row's group mean without the
    row itself, and returns the power lost. An honest group effect survives
    leaving one row out; a mean over small groups that includes the row's
    own label does not.
    """
    vals = col.values[rows].astype("float64")
    y = target.astype("float64")
    tried = 0
    for key in features:
        if key is col or tried >= MAX_KEY_COLUMNS:
            continue
        raw = key.series.iloc[rows] if key.series is not None else key.values[rows]
        codes, levels = _factorize(raw, np, pd)
        if not 3 <= len(levels) <= len(rows) // 2:
            continue
        tried += 1
        keep = codes >= 0
        order = np.argsort(codes[keep], kind="stable")
        c, v = codes[keep][order], vals[keep][order]
        starts = np.flatnonzero(np.r_[True, c[1:] != c[:-1]])
        spread = np.maximum.reduceat(v, starts) - np.minimum.reduceat(v, starts)
        if np.mean(spread <= 1e-9 * max(1.0, float(np.abs(v).max()))) < 0.99:
            continue
        sums = np.bincount(codes[keep], weights=y[keep], minlength=len(levels))
        sizes = np.bincount(codes[keep], minlength=len(levels))
        k = sizes[codes[keep]]
        others = k >= 2
        if others.sum() < 2 * MIN_CLASS_ROWS:
            return None
        loo = (sums[codes[keep]][others] - y[keep][others]) / (k[others] - 1)
        truth = y[keep][others]
        if binary:
            positive = truth > 0.5
            if positive.all() or not positive.any():
                return None
            a = auc(loo, positive, np)
            honest = max(a, 1.0 - a)
        else:
            honest = abs(_corr(loo, truth, np))
        return strength - honest
    return None


def _group_statistic(vals: Any, target: Any, np: Any) -> bool:
    """Values that are the target's mean over groups of rows (a target encoding).

    Rows sharing a value form a group; when each value is (almost) the mean
    target of its own group, the column was computed from the labels,
    including each row's own when computed over all rows.
    """
    y = target.astype("float64")
    levels, codes = np.unique(vals, return_inverse=True)
    n_levels = len(levels)
    if n_levels < 3 or n_levels * 2 > len(vals):
        return False
    lo, hi = float(y.min()), float(y.max())
    span = hi - lo
    if span <= 0 or levels[0] < lo - 0.05 * span or levels[-1] > hi + 0.05 * span:
        return False
    means = _level_means(codes, y, np)
    if _corr(vals, means, np) < GROUP_STAT_CONSISTENCY:
        return False
    return float(np.mean(np.abs(vals - means))) <= 0.1 * span


def _bijective(codes: Any, t_codes: Any, np: Any) -> bool:
    """Each feature value maps to one class and each class to one value."""
    pairs = np.unique(codes.astype(np.int64) * 1_000_003 + t_codes)
    return len(pairs) == len(np.unique(codes)) == len(np.unique(t_codes))


def _level_means(codes: Any, y: Any, np: Any) -> Any:
    """Each row's score: the target mean of its level (nulls form their own level)."""
    shifted = codes + 1
    sums = np.bincount(shifted, weights=y.astype("float64"))
    sizes = np.bincount(shifted)
    means = np.divide(sums, sizes, out=np.zeros_like(sums), where=sizes > 0)
    return means[shifted]
