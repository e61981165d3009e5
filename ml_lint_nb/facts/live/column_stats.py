"""Statistics of one column: nulls, disguised nulls, sentinel codes, spread, outliers, mixed types.

:func:`summarise_column` reduces a :class:`~ml_lint_nb.facts.live.tables.Column`
(the same NumPy arrays whatever the backend) to the
:class:`~ml_lint_nb.facts.model.ColumnSummary` the data rules (ML1xx) read.
A numeric column is sorted once for its distinct count, median, extremes,
sentinel codes and median absolute deviation; a text column is counted once
per distinct value for disguised nulls, mixed types and numbers stored as
text. NumPy and pandas are the user's, passed in (pandas may be None).
"""

from __future__ import annotations

import numbers
import re
from collections import Counter
from typing import Any

from ml_lint_nb.facts.live.tables import Column
from ml_lint_nb.facts.model import ColumnSummary

# Strings that stand for "no value" (compared after strip() and lower()).
DISGUISED_TOKENS = frozenset({"", "na", "n/a", "null", "none", "?", "-", "missing"})
# Numeric codes for "no value"; counted only as a notable spike far from the other values.
SENTINELS = (-999.0, -9999.0, 999999.0)
SENTINEL_MIN_ROWS = 5
SENTINEL_MIN_SHARE = 0.01
MAX_KEYS = 200_000  # distinct values of an object column examined one by one
UNIQUE_EXACT_ROWS = 2_000_000  # n_unique of bool/datetime columns is exact up to this many rows
MAD_ROWS = 200_000  # values the median absolute deviation is computed from


def summarise_column(col: Column, np: Any, pd: Any) -> ColumnSummary:
    """The summary of one column for the data rules; each kind gets the statistics it has."""
    n_null = int(col.null.sum())
    base = {"name": col.label, "dtype": col.dtype, "n_null": n_null}
    if col.kind == "numeric":
        return ColumnSummary(**base, **_numeric_stats(col, np, pd))
    if col.kind in ("category", "string", "object"):
        return ColumnSummary(**base, **_object_stats(col, n_null, np, pd))
    if col.kind in ("bool", "datetime"):
        present = col.values[~col.null]
        return ColumnSummary(**base, n_unique=_n_unique(present, np, pd))
    return ColumnSummary(**base, n_unique=_distinct_other(col))


def _distinct_other(col: Column) -> int | None:
    """Distinct values of a column of another type, by pandas; None when it cannot say."""
    try:
        return int(col.series.nunique())
    except Exception:
        return None


def _n_unique(values: Any, np: Any, pd: Any) -> int | None:
    """Exact distinct count of bool or datetime values, up to :data:`UNIQUE_EXACT_ROWS`."""
    if len(values) > UNIQUE_EXACT_ROWS:
        return None
    if pd is not None:
        return len(pd.unique(values))
    return int(np.unique(values).size)


def _numeric_stats(col: Column, np: Any, pd: Any) -> dict[str, Any]:
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


def _value_counts(col: Column, np: Any, pd: Any) -> tuple[list[Any], list[int]] | None:
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
        pairs = Counter(present.tolist()).most_common(MAX_KEYS)
        return [k for k, _ in pairs], [c for _, c in pairs]
    except TypeError:
        return None


def _object_stats(col: Column, n_null: int, np: Any, pd: Any) -> dict[str, Any]:
    """Disguised nulls, mixed types and numbers stored as text, from the value counts."""
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
        "code_like": code_like(col.label, digit_widths, leading_zeros),
        "whole_numbers": bool(digit_widths) and -1 not in digit_widths,
    }


IDENTIFIER_WORDS = re.compile(
    r"(^|[^a-z])(id|ids|zip|zipcode|postal|postcode|code|phone|tel|sku|fips|ssn|iban|account)"
    r"([^a-z]|$)|zip|postal|phone|_id$|^id_",
)
MIN_CODE_WIDTH = 4  # fixed-width digit strings from this width are codes (zip, fips, sku)


def code_like(label: str, digit_widths: set[int], leading_zeros: int) -> bool:
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
    """Text that ``float()`` reads as a number (a cheap first-character test first)."""
    if not text or text[0] not in "+-.0123456789":
        return False
    try:
        float(text)
    except ValueError:
        return False
    return True


def disguised_mask(col: Column, rows: Any, np: Any) -> Any:
    """Rows (of ``rows`` positions) holding a disguised null of this column."""
    if col.sentinels:
        return np.isin(col.values[rows], col.sentinels)
    if col.disguised_keys:
        raw = col.series.to_numpy() if col.series is not None else col.values
        keys = set(col.disguised_keys)
        return np.fromiter((_in(v, keys) for v in raw[rows]), dtype=bool, count=len(rows))
    return None


def _in(value: object, keys: set[Any]) -> bool:
    """``value in keys`` for any value (an unhashable one is in no set)."""
    try:
        return value in keys
    except TypeError:
        return False
