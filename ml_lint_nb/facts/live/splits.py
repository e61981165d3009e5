"""Facts about a train/test pair of live objects: shared rows, time order, drift.

:func:`split_facts` compares the two parts of a split as the kernel holds
them (ML201 overlap from row hashes, ML207 time order, ML209 drift, ML210
test size). Like :mod:`ml_lint_nb.facts.live.frames` it reads through
base-class or read-only views, imports nothing the user has not, samples
above the configured caps (and says so), keeps no reference to the objects
and never raises.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from ml_lint_nb.facts.live.frames import (
    DETAIL_ROWS,
    HASH_MULTIPLIER,
    array_column,
    class_counts,
    column_hash,
    column_values,
    guarded,
    label_of,
    pandas_column,
    polars_column,
    polars_floats,
    polars_module,
    polars_take,
    sample_positions,
    seeded_subset,
)
from ml_lint_nb.facts.live.limits import LiveLimits
from ml_lint_nb.facts.location import Location
from ml_lint_nb.facts.model import DriftFact, Fact, OverlapFact, TemporalSplitFact

MAX_EXAMPLES = 5
MAX_DRIFT = 5  # features kept in a DriftFact, worst first
PSI_BINS = 10
PSI_FLOOR = 1e-4  # share given to an empty bin so the logarithm stays finite


def split_facts(
    train_name: str,
    train_obj: object,
    test_name: str,
    test_obj: object,
    location: Location,
    limits: LiveLimits,
    time_columns: Sequence[str] = (),
    train_target_obj: object | None = None,
    test_target_obj: object | None = None,
) -> list[Fact]:
    """Overlap, temporal-order and drift facts for two 2-D parts of a split.

    1-D parts (targets) give nothing on their own: pass them as
    ``train_target_obj``/``test_target_obj`` beside the feature parts, and
    their class counts ride on the :class:`OverlapFact`.
    """
    np = sys.modules.get("numpy")
    if np is None:
        return []
    pd = sys.modules.get("pandas")
    try:
        train = _side(train_obj, np, pd)
        test = _side(test_obj, np, pd)
    except Exception:
        return []
    if train is None or test is None or train.ndim != 2 or test.ndim != 2:
        return []
    pairs = guarded(lambda: _common_columns(train, test, limits), [])
    if not pairs:
        return []
    facts: list[Fact] = []
    with np.errstate(all="ignore"):
        overlap = guarded(
            lambda: _overlap(train, test, pairs, train_name, test_name, location, limits, np, pd),
            None,
        )
        if overlap is not None:
            counts = guarded(
                lambda: (
                    _target_counts(train_target_obj, np, pd),
                    _target_counts(test_target_obj, np, pd),
                ),
                ((), ()),
            )
            facts.append(
                replace(overlap, train_class_counts=counts[0], test_class_counts=counts[1])
            )
        facts.extend(
            guarded(
                lambda: _temporal(
                    train, test, pairs, time_columns, train_name, test_name, location, np, pd
                ),
                [],
            )
        )
        drift = guarded(
            lambda: _drift(train, test, pairs, train_name, test_name, location, limits, np, pd),
            None,
        )
        if drift is not None:
            facts.append(drift)
    return facts


# -- the two parts -------------------------------------------------------------------------------


@dataclass
class _Side:
    """One part of the split behind a base-class or read-only view."""

    kind: str  # DataFrame | Series | ndarray
    data: Any
    n_rows: int
    ndim: int
    labels: list[str]
    polars: bool = False  # data is a polars DataFrame

    def column(self, j: int, positions: Any = None) -> Any:
        data = self.data
        if self.polars:
            col = data.to_series(j)
            return col if positions is None else col.gather(positions)
        if self.kind == "DataFrame":
            col = data.iloc[:, j]
            return col if positions is None else col.take(positions)
        col = data[:, j]
        return col if positions is None else col[positions]


def _side(obj: object, np: Any, pd: Any) -> _Side | None:
    cls = type(obj)
    pl = polars_module()
    if (
        pl is not None
        and issubclass(cls, pl.DataFrame | pl.Series)
        and cls
        not in (
            pl.DataFrame,
            pl.Series,
        )
    ):
        from ml_lint_nb.facts.live.safe import admit_or_none

        if admit_or_none(obj) is None:
            return None  # a subclass with code of its own
    if pl is not None and issubclass(cls, pl.DataFrame):
        labels = [label_of(c) for c in list(obj.columns)]  # type: ignore[attr-defined]
        return _Side("DataFrame", obj, int(obj.height), 2, labels, polars=True)  # type: ignore[attr-defined]
    if pl is not None and issubclass(cls, pl.Series):
        return _Side("Series", None, int(obj.len()), 1, [])  # type: ignore[attr-defined]
    if pd is not None and issubclass(cls, pd.DataFrame):
        frame = pd.DataFrame(obj, copy=False)
        labels = [label_of(c) for c in list(frame.columns)]
        return _Side("DataFrame", frame, len(frame.index), 2, labels)
    if pd is not None and issubclass(cls, pd.Series):
        return _Side("Series", None, len(pd.Series(obj, copy=False).index), 1, [])
    if issubclass(cls, np.ndarray):
        arr = np.asarray(obj).view()
        arr.flags.writeable = False
        if arr.dtype.names is not None or arr.ndim not in (1, 2):
            return None
        labels = [f"x{j}" for j in range(arr.shape[1])] if arr.ndim == 2 else []
        return _Side("ndarray", arr, int(arr.shape[0]), arr.ndim, labels)
    return None


def _common_columns(train: _Side, test: _Side, limits: LiveLimits) -> list[tuple[str, int, int]]:
    """(label, train position, test position) of the columns both parts hold."""
    if train.kind == "DataFrame" and test.kind == "DataFrame":
        where: dict[str, int] = {}
        for j, label in enumerate(test.labels):
            where.setdefault(label, j)
        seen: set[str] = set()
        pairs = []
        for i, label in enumerate(train.labels):
            if label in where and label not in seen:
                seen.add(label)
                pairs.append((label, i, where[label]))
    elif len(train.labels) == len(test.labels):
        names = train.labels if train.kind == "DataFrame" else test.labels
        pairs = [(names[j], j, j) for j in range(len(names))]
    else:
        return []
    return pairs[: limits.max_columns]


# -- ML201: shared rows --------------------------------------------------------------------------


def _hashes(side: _Side, positions: Any, picks: list[int], np: Any, pd: Any) -> Any:
    """Row hashes over the picked columns, numbers hashed by value (1 == 1.0)."""
    h = None
    for j in picks:
        part = column_hash(side.column(j, positions), np, pd)
        h = part if h is None else h * np.uint64(HASH_MULTIPLIER) + part
    return h


FIRST_COLUMNS = 4  # columns hashed for every row; the rest only for candidate matches


def _isin(a: Any, b: Any, np: Any, pd: Any) -> Any:
    if pd is not None:
        return pd.Series(a, copy=False).isin(pd.Series(b, copy=False)).to_numpy()
    return np.isin(a, b)


def _shared_rows(
    train: _Side,
    test: _Side,
    pairs: list[tuple[str, int, int]],
    train_pos: Any,
    test_pos: Any,
    np: Any,
    pd: Any,
) -> tuple[Any, Any, Any]:
    """Test rows equal to some training row, hashing most columns only for candidates.

    Rows can only be equal if they agree on a few columns, so every row is
    hashed on :data:`FIRST_COLUMNS` columns and the full row hash is computed
    for the rows that match there (on continuous data, only true copies).
    Returns the training rows' partial hashes, the test rows' and the mask.
    """
    first, rest = pairs[:FIRST_COLUMNS], pairs[FIRST_COLUMNS:]
    train_h = _hashes(train, train_pos, [p[1] for p in first], np, pd)
    test_h = _hashes(test, test_pos, [p[2] for p in first], np, pd)
    if train_h is None or test_h is None:
        return None, None, None
    shared = _isin(test_h, train_h, np, pd)
    if not rest or not shared.any():
        return train_h, test_h, shared
    a = np.flatnonzero(_isin(train_h, test_h[shared], np, pd))
    b = np.flatnonzero(shared)
    a_rows = a if train_pos is None else train_pos[a]
    b_rows = b if test_pos is None else test_pos[b]
    a_full = (
        _hashes(train, a_rows, [p[1] for p in rest], np, pd) * np.uint64(HASH_MULTIPLIER)
        + train_h[a]
    )
    b_full = (
        _hashes(test, b_rows, [p[2] for p in rest], np, pd) * np.uint64(HASH_MULTIPLIER) + test_h[b]
    )
    out = np.zeros(len(test_h), dtype=bool)
    out[b] = _isin(b_full, a_full, np, pd)
    return train_h, test_h, out


def _overlap(
    train: _Side,
    test: _Side,
    pairs: list[tuple[str, int, int]],
    train_name: str,
    test_name: str,
    location: Location,
    limits: LiveLimits,
    np: Any,
    pd: Any,
) -> OverlapFact | None:
    train_pos = sample_positions(train.n_rows, limits, np)
    test_pos = sample_positions(test.n_rows, limits, np)
    train_h, test_h, shared = _shared_rows(train, test, pairs, train_pos, test_pos, np, pd)
    if shared is None:
        return None
    where = np.flatnonzero(shared)
    first = where[:MAX_EXAMPLES]
    examples = tuple(int(p) for p in (first if test_pos is None else test_pos[first]))
    expected = (
        guarded(lambda: _expected(train, test, pairs, train_h, len(test_h), limits, np, pd), None)
        if len(where)
        else None
    )
    return OverlapFact(
        "live",
        location,
        train=train_name,
        test=test_name,
        n_test=test.n_rows,
        n_overlap=int(len(where)),
        examples=examples,
        sampled=train_pos is not None or test_pos is not None,
        n_checked=None if test_pos is None else int(len(test_pos)),
        n_expected=expected,
    )


def _expected(
    train: _Side,
    test: _Side,
    pairs: list[tuple[str, int, int]],
    train_h: Any,
    n_checked: int,
    limits: LiveLimits,
    np: Any,
    pd: Any,
) -> float:
    """Test rows that would coincide with training rows by chance (see ``expected_coincidences``)."""
    from ml_lint_nb.facts.live.fit_records import CHANCE_ROWS, expected_coincidences

    a_pos = (
        None
        if train.n_rows <= CHANCE_ROWS
        else seeded_subset(train.n_rows, CHANCE_ROWS, limits.seed, np)
    )
    b_pos = (
        None
        if test.n_rows <= CHANCE_ROWS
        else seeded_subset(test.n_rows, CHANCE_ROWS, limits.seed + 1, np)
    )
    train_cols = [column_hash(train.column(i, a_pos), np, pd) for _label, i, _j in pairs]
    test_cols = [column_hash(test.column(j, b_pos), np, pd) for _label, _i, j in pairs]
    rows = train_cols[0]
    for part in train_cols[1:]:
        rows = rows * np.uint64(HASH_MULTIPLIER) + part
    repeat = 1.0 - len(np.unique(rows)) / len(rows)  # whole rows, on the sample
    distinct = max(1, round(len(train_h) * (1.0 - repeat)))
    return expected_coincidences(train_cols, test_cols, distinct, repeat, n_checked, np)


def _target_counts(obj: object, np: Any, pd: Any) -> tuple[tuple[str, int], ...]:
    """Class counts of a target part (Series, 1-D array or one-column frame)."""
    if obj is None:
        return ()
    pl = polars_module()
    if pl is not None and isinstance(obj, pl.DataFrame):
        if obj.width != 1:
            return ()
        obj = obj.to_series(0)
    if pl is not None and isinstance(obj, pl.Series):
        return class_counts(column_values(polars_column(obj, "target", np, pl), np), np, pd)
    if pd is not None and isinstance(obj, pd.DataFrame):
        frame = pd.DataFrame(obj, copy=False)
        if frame.shape[1] != 1:
            return ()
        obj = frame.iloc[:, 0]
    if pd is not None and isinstance(obj, pd.Series):
        col = pandas_column(pd.Series(obj, copy=False), "target", np, pd)
    elif isinstance(obj, np.ndarray):
        arr = np.asarray(obj)
        if arr.ndim == 2 and arr.shape[1] == 1:
            arr = arr[:, 0]
        if arr.ndim != 1:
            return ()
        col = array_column(arr, "target", np, pd)
    else:
        return ()
    return class_counts(column_values(col, np), np, pd)


# -- ML207: time order ---------------------------------------------------------------------------


def _times(side: _Side, j: int, named: bool, np: Any, pd: Any) -> Any:
    """Non-null datetime64 (or numeric, for a named time column) values of one column."""
    if side.kind != "DataFrame":
        return None
    s = side.column(j)
    if side.polars:
        return _polars_times(s, named, np, polars_module())
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        if getattr(s.dtype, "tz", None) is not None:
            s = s.dt.tz_convert("UTC").dt.tz_localize(None)
        arr = s.to_numpy()
        return arr[~np.isnat(arr)]
    if named and pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
        arr = s.to_numpy(dtype="float64", na_value=np.nan)
        return arr[~np.isnan(arr)]
    return None


def _polars_times(s: Any, named: bool, np: Any, pl: Any) -> Any:
    """:func:`_times` of a polars column: dates and datetimes (UTC) as ``datetime64``."""
    if s.dtype == pl.Date or s.dtype == pl.Datetime:
        if getattr(s.dtype, "time_zone", None) is not None:
            s = s.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
        arr = np.asarray(s.drop_nulls().to_numpy())
        return arr if arr.dtype.kind == "M" else None
    if named:
        vals = polars_floats(s, np, pl)
        return None if vals is None else vals[~np.isnan(vals)]
    return None


def _time_text(value: Any, pd: Any) -> str:
    if pd is None or not hasattr(value, "dtype") or value.dtype.kind != "M":
        return f"{float(value):g}"
    ts = pd.Timestamp(value)
    return ts.strftime("%Y-%m-%d") if ts == ts.normalize() else str(ts)


def _temporal(
    train: _Side,
    test: _Side,
    pairs: list[tuple[str, int, int]],
    time_columns: Sequence[str],
    train_name: str,
    test_name: str,
    location: Location,
    np: Any,
    pd: Any,
) -> list[TemporalSplitFact]:
    if pd is None:
        return []
    named = {str(c) for c in time_columns}
    out = []
    for label, i, j in pairs:
        a = guarded(lambda i=i, label=label: _times(train, i, label in named, np, pd), None)
        b = guarded(lambda j=j, label=label: _times(test, j, label in named, np, pd), None)
        if a is None or b is None or len(a) == 0 or len(b) == 0:
            continue
        latest = a.max()
        earlier = float(np.mean(b < latest))
        if earlier <= 0:
            continue
        out.append(
            TemporalSplitFact(
                "live",
                location,
                train=train_name,
                test=test_name,
                column=label,
                train_max=_time_text(latest, pd),
                test_min=_time_text(b.min(), pd),
                share_earlier=earlier,
            )
        )
    return out


# -- ML209: drift --------------------------------------------------------------------------------

DRIFT_ROWS = 2_000  # a side; resolves a KS gap of about 0.06 at p=0.001, far below ML209's 0.2


def _numeric(side: _Side, j: int, positions: Any, np: Any, pd: Any) -> Any:
    """Float values of a numeric, non-boolean column (NaN for nulls); None otherwise."""
    raw = side.column(j, positions)
    if side.polars:
        return polars_floats(raw, np, polars_module())
    if side.kind == "DataFrame":
        types = pd.api.types
        if (
            not types.is_numeric_dtype(raw.dtype)
            or types.is_bool_dtype(raw.dtype)
            or types.is_complex_dtype(raw.dtype)
            or isinstance(raw.dtype, pd.CategoricalDtype)
        ):
            return None
        return raw.to_numpy(dtype="float64", na_value=np.nan)
    if raw.dtype.kind not in "fiu":
        return None
    return raw.astype("float64")


def ks_statistic(a: Any, b: Any, np: Any) -> float:
    """Two-sample Kolmogorov-Smirnov statistic: the largest gap between the two ECDFs."""
    a = np.sort(a)
    b = np.sort(b)
    both = np.concatenate([a, b])
    gap = np.searchsorted(a, both, side="right") / len(a) - np.searchsorted(
        b, both, side="right"
    ) / len(b)
    return float(np.abs(gap).max())


def psi(train: Any, test: Any, np: Any) -> float:
    """Population stability index over ten quantile bins of train, nulls as an eleventh bin."""
    a = train[~np.isnan(train)]
    edges = np.unique(np.quantile(a, np.linspace(0, 1, PSI_BINS + 1)[1:-1]))

    def shares(x: Any) -> Any:
        nulls = np.isnan(x)
        bins = np.searchsorted(edges, x[~nulls], side="right")
        counts = np.bincount(bins, minlength=len(edges) + 1).astype("float64")
        counts = np.append(counts, float(nulls.sum()))
        return np.maximum(counts / len(x), PSI_FLOOR)

    p, q = shares(train), shares(test)
    return float(np.sum((q - p) * np.log(q / p)))


def _drift(
    train: _Side,
    test: _Side,
    pairs: list[tuple[str, int, int]],
    train_name: str,
    test_name: str,
    location: Location,
    limits: LiveLimits,
    np: Any,
    pd: Any,
) -> DriftFact | None:
    # the hook stays within its budget on wide splits: the sampled rows are taken once
    cap = max(limits.max_rows, DETAIL_ROWS) if limits.full else DRIFT_ROWS
    train_pos = None if train.n_rows <= cap else seeded_subset(train.n_rows, cap, limits.seed, np)
    test_pos = None if test.n_rows <= cap else seeded_subset(test.n_rows, cap, limits.seed + 1, np)
    sampled = train_pos is not None or test_pos is not None
    train, train_pos = _taken(train, train_pos), None
    test, test_pos = _taken(test, test_pos), None
    columns = (
        (
            label,
            guarded(lambda i=i: _numeric(train, i, train_pos, np, pd), None),
            guarded(lambda j=j: _numeric(test, j, test_pos, np, pd), None),
        )
        for label, i, j in pairs
    )
    return drift_fact(columns, train_name, test_name, location, sampled, np)


def drift_fact(
    columns: Any,
    train_name: str,
    test_name: str,
    location: Location,
    sampled: bool,
    np: Any,
    n_excluded: int = 0,
) -> DriftFact | None:
    """KS and PSI of each (label, train values, test values) column pair, worst first.

    The one drift measure for both paths: a split's two parts, and a model's
    fit rows beside the rows it is evaluated on. Values are floats with NaN
    for nulls; a pair with ``None`` (not numeric) or fewer than two values on
    a side is not compared.
    """
    scored = []
    n_train = n_test = 0
    for label, a, b in columns:
        if a is None or b is None:
            continue
        fa, fb = a[~np.isnan(a)], b[~np.isnan(b)]
        if len(fa) < 2 or len(fb) < 2:
            continue
        n_train, n_test = max(n_train, len(fa)), max(n_test, len(fb))
        scored.append((label, round(ks_statistic(fa, fb, np), 6), round(psi(a, b, np), 6)))
    if not scored:
        return None
    scored.sort(key=lambda e: (-e[1], -e[2]))
    return DriftFact(
        "live",
        location,
        train=train_name,
        test=test_name,
        features=tuple(scored[:MAX_DRIFT]),
        sampled=sampled,
        n_train=n_train,
        n_test=n_test,
        n_features=len(scored),
        n_excluded=n_excluded,
    )


def _taken(side: _Side, positions: Any) -> _Side:
    """The side restricted to ``positions`` in one take (not one per column)."""
    if positions is None:
        return side
    if side.polars:
        data = polars_take(side.data, positions, polars_module())
    else:
        data = side.data.take(positions) if side.kind == "DataFrame" else side.data[positions]
    return _Side(side.kind, data, len(positions), side.ndim, side.labels, side.polars)
