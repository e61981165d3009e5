"""What each model was fitted on, and how each evaluation's rows compare with it.

Overlap and drift used to hang on a ``train_test_split`` call; train and
test frames loaded from two files, returned by a function or cut by hand got
no cross-check. Here the evidence is anchored on the model instead: at each
fit the hook keeps a :class:`FitRecord` (a fingerprint of the rows: hashes of
up to :data:`HASH_ROWS` rows, a seeded sample of numeric values for drift,
its columns and target), and at each evaluation of that model the evaluation
rows are compared with it (:func:`compare`).

The record holds numbers derived from the data, never the user's objects.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any

from ml_lint_nb.facts.live.expressions import view
from ml_lint_nb.facts.live.frames import (
    HASH_MULTIPLIER,
    _float_hash,
    column_hash,
    guarded,
    label_of,
    polars_floats,
    polars_module,
    polars_take,
    seeded_subset,
)
from ml_lint_nb.facts.live.limits import LiveLimits
from ml_lint_nb.facts.live.splits import drift_fact
from ml_lint_nb.facts.location import Location
from ml_lint_nb.facts.model import DriftFact, Fact, OverlapFact

HASH_ROWS = (
    200_000  # fit rows hashed at most (a seeded sample above: overlap is then a lower bound)
)
DRIFT_ROWS = 2_000  # rows a side compared for drift (resolves a KS gap of about 0.06)
CHANCE_ROWS = 2_000  # rows a side used to estimate how often rows coincide by chance
SAMPLE_ROWS = max(DRIFT_ROWS, CHANCE_ROWS)  # the fit rows' one seeded sample serves both
MAX_DRIFT = 5
MAX_EXAMPLES = 5
FIRST_COLUMNS = 4  # columns hashed for every fit row; whole rows only for candidate matches
TRAINING_SHARE = 0.95  # evaluation rows this much inside the fit rows are a training score


@dataclass
class FitRecord:
    """The fingerprint of the rows one model was fitted on."""

    model: str
    data: str  # how the code names the fit rows (``train[features]``)
    token: tuple  # identities of the fitted attributes: a refit changes them
    n_rows: int
    labels: tuple[str, ...]  # column labels (``x0``... for arrays)
    framed: bool  # a DataFrame (columns matched by label) or an array (by position)
    hashes: Any  # row hashes over the first columns (:data:`FIRST_COLUMNS`), in row order
    hashed_rows: int
    duplicate_share: float  # share of sampled rows repeating an earlier one (chance baseline)
    n_distinct: int = 0  # distinct fit rows (estimated from the sample)
    rows: Any = None  # positions of the hashed rows when sampled; None = all
    reload: Any = None  # () -> the fit data again, if it is still the same object; else None
    numeric: dict[str, Any] = field(default_factory=dict)  # label -> sampled float values
    value_hashes: dict[str, Any] = field(default_factory=dict)  # label -> sampled value hashes
    target_counts: tuple[tuple[str, int], ...] = ()


def fit_token(model: object) -> tuple:
    """Identities of a fitted model's public trailing-underscore attributes.

    Refitting replaces them, so a record whose token no longer matches is
    about a fit the hook did not see. Reads the instance dictionary only.
    """
    try:
        attrs = object.__getattribute__(model, "__dict__")
    except Exception:
        return ()
    out = []
    for key in list(attrs)[:200]:
        if isinstance(key, str) and key.endswith("_") and not key.startswith("_"):
            value = attrs[key]
            if not isinstance(value, int | float | str | bool | type(None)):
                out.append((key, id(value)))
    return tuple(sorted(out))


def record_fit(
    model_name: str,
    model: object,
    data_label: str,
    X: object,
    y: object | None,
    limits: LiveLimits,
) -> FitRecord | None:
    """Fingerprint the rows ``model`` was just fitted on; ``None`` for data it cannot read."""
    np = sys.modules.get("numpy")
    if np is None:
        return None
    pd = sys.modules.get("pandas")
    data = view(X, np, pd)
    if data is None:
        return None
    with np.errstate(all="ignore"):
        return guarded(
            lambda: _record(model_name, model, data_label, data, y, limits, np, pd), None
        )


VERSION_ROWS = 64  # rows whose values stand for a table's version in the fit cache


def data_version(X: object, y: object | None, limits: LiveLimits) -> tuple | None:
    """A cheap version of the data a fit received: shape, columns and a few rows' values.

    The fit record and the fit's data checks are cached under it, so the
    same rows fitted again (a re-run, a second model on the same frame) are
    not hashed or scored again, while a column changed in place (``train["a"]
    = np.log(train["a"])``) gives a new version. ``None``: data it cannot read.
    """
    np = sys.modules.get("numpy")
    if np is None:
        return None
    pd = sys.modules.get("pandas")
    with np.errstate(all="ignore"):
        return guarded(lambda: _version(X, y, limits, np, pd), None)


def _version(X: object, y: object | None, limits: LiveLimits, np: Any, pd: Any) -> tuple | None:
    out: list[Any] = []
    for part in (X, y):
        if part is None:
            out.append(None)
            continue
        data = view(part, np, pd)
        if data is None:
            return None
        labels, _framed = _columns(data, limits, np, pd)
        n = _n_rows(data)
        pos = None if n <= VERSION_ROWS else seeded_subset(n, VERSION_ROWS, limits.seed + 7, np)
        few = _take(data, pos)
        h = None
        for col in _sample_columns(few, len(labels), np, pd):
            part_h = column_hash(col, np, pd)
            h = part_h if h is None else h * np.uint64(HASH_MULTIPLIER) + part_h
        values = b"" if h is None else h.tobytes()
        out.append((tuple(data.shape), labels, str(getattr(data, "dtype", "")), values))
    return tuple(out)


def _columns(data: Any, limits: LiveLimits, np: Any, pd: Any) -> tuple[tuple[str, ...], bool]:
    pl = polars_module()
    if pl is not None and isinstance(data, pl.DataFrame):
        return tuple(label_of(c) for c in list(data.columns)[: limits.max_columns]), True
    if pl is not None and isinstance(data, pl.Series):
        return (label_of(data.name) if data.name else "x0",), True
    if pd is not None and isinstance(data, pd.DataFrame):
        return tuple(label_of(c) for c in list(data.columns[: limits.max_columns])), True
    if pd is not None and isinstance(data, pd.Series):
        return (label_of(data.name) if data.name is not None else "x0",), True
    if data.ndim == 1:
        return ("x0",), False
    if data.ndim != 2 or data.dtype.names is not None:
        raise ValueError("not a table")
    return tuple(f"x{j}" for j in range(min(data.shape[1], limits.max_columns))), False


def _column(data: Any, j: int, rows: Any, np: Any, pd: Any) -> Any:
    pl = polars_module()
    if pl is not None and isinstance(data, pl.DataFrame | pl.Series):
        col = data.to_series(j) if isinstance(data, pl.DataFrame) else data
        return col if rows is None else col.gather(rows)
    if pd is not None and isinstance(data, pd.DataFrame):
        col = data.iloc[:, j]
        return col if rows is None else col.take(rows)
    if pd is not None and isinstance(data, pd.Series):
        return data if rows is None else data.take(rows)
    col = data if data.ndim == 1 else data[:, j]
    return col if rows is None else col[rows]


def _sample_columns(data: Any, k: int, np: Any, pd: Any) -> Any:
    """The first ``k`` columns of a (small, sampled) table, one by one.

    ``DataFrame.items`` reads each column once; ``iloc[:, j]`` per column costs
    several times more, which the fit of a wide frame pays on every column.
    """
    if pd is not None and isinstance(data, pd.DataFrame):
        for j, (_label, col) in enumerate(data.items()):
            if j >= k:
                return
            yield col
        return
    for j in range(k):
        yield _column(data, j, None, np, pd)


def _take(data: Any, rows: Any) -> Any:
    """``data`` restricted to ``rows`` (positions), or itself when ``rows`` is None."""
    if rows is None:
        return data
    np = sys.modules.get("numpy")
    if isinstance(data, np.ndarray):
        return data[rows]
    pl = polars_module()
    if pl is not None and isinstance(data, pl.DataFrame | pl.Series):
        return polars_take(data, rows, pl)
    return data.take(rows)


def _n_rows(data: Any) -> int:
    return int(data.shape[0])


def _row_hashes(data: Any, positions: list[int], rows: Any, np: Any, pd: Any) -> Any:
    h = None
    for j in positions:
        part = column_hash(_column(data, j, rows, np, pd), np, pd)
        h = part if h is None else h * np.uint64(HASH_MULTIPLIER) + part
    return h


def _floats(col: Any, np: Any, pd: Any) -> Any:
    """Float values of a numeric, non-boolean column; ``None`` otherwise."""
    pl = polars_module()
    if pl is not None and isinstance(col, pl.Series):
        return polars_floats(col, np, pl)
    if pd is not None and isinstance(col, pd.Series):
        types = pd.api.types
        dtype = col.dtype
        if (
            not types.is_numeric_dtype(dtype)
            or types.is_bool_dtype(dtype)
            or types.is_complex_dtype(dtype)
            or isinstance(dtype, pd.CategoricalDtype)
        ):
            return None
        return col.to_numpy(dtype="float64", na_value=np.nan)
    if col.dtype.kind not in "fiu":
        return None
    return col.astype("float64")


def _record(
    model_name: str,
    model: object,
    data_label: str,
    data: Any,
    y: object | None,
    limits: LiveLimits,
    np: Any,
    pd: Any,
) -> FitRecord:
    labels, framed = _columns(data, limits, np, pd)
    n = _n_rows(data)
    rows = None if n <= HASH_ROWS else seeded_subset(n, HASH_ROWS, limits.seed, np)
    # every row on a few columns; whole rows only for candidates, when an evaluation asks
    hashes = _row_hashes(data, list(range(min(FIRST_COLUMNS, len(labels)))), rows, np, pd)
    hashed = len(hashes)
    # one seeded sample serves the chance estimate and the drift baseline, taken once
    picked = None if n <= SAMPLE_ROWS else seeded_subset(n, SAMPLE_ROWS, limits.seed, np)
    sample_data = _take(data, picked)
    numeric: dict[str, Any] = {}
    value_hashes: dict[str, Any] = {}
    whole = None
    columns = _sample_columns(sample_data, len(labels), np, pd)
    for j, (lab, col) in enumerate(zip(labels, columns, strict=True)):
        vals = guarded(lambda col=col: _floats(col, np, pd), None)
        if vals is not None:
            numeric[lab] = vals
            got = _float_hash(vals, np)  # hashed by value, as column_hash hashes numbers
        else:
            got = guarded(lambda col=col: column_hash(col, np, pd), None)
        if got is None:
            raise ValueError(f"column {j} cannot be hashed")
        value_hashes[lab] = got
        whole = got if whole is None else whole * np.uint64(HASH_MULTIPLIER) + got
    n_sample = 0 if whole is None else len(whole)
    repeat = 1.0 - len(np.unique(whole)) / n_sample if n_sample else 0.0
    counts: tuple[tuple[str, int], ...] = ()
    if y is not None:
        from ml_lint_nb.facts.live.splits import _target_counts

        counts = guarded(lambda: _target_counts(y, np, pd), ())
    return FitRecord(
        model=model_name,
        data=data_label,
        token=fit_token(model),
        n_rows=n,
        labels=labels,
        framed=framed,
        hashes=hashes,
        hashed_rows=hashed,
        duplicate_share=repeat,
        n_distinct=max(1, round(n * (1.0 - repeat))),
        rows=rows,
        numeric=numeric,
        value_hashes=value_hashes,
        target_counts=counts,
    )


def compare(
    record: FitRecord,
    eval_label: str,
    X: object,
    y: object | None,
    location: Location,
    limits: LiveLimits,
    roles: list[str] | None = None,
    inside: list[tuple[int, int]] | None = None,
) -> list[Fact]:
    """Overlap (ML201, ML210) and drift (ML209) facts of evaluation rows against the fit rows.

    An evaluation on the fit rows themselves (a training score) gives no
    overlap fact: whether it is a pitfall depends on the model's other
    evaluations (ML204, judged by the caller, which ``inside`` tells the
    rows found among the fit rows and the rows checked).
    """
    np = sys.modules.get("numpy")
    if np is None:
        return []
    pd = sys.modules.get("pandas")
    data = view(X, np, pd)
    if data is None:
        return []
    with np.errstate(all="ignore"):
        return guarded(
            lambda: _compare(record, eval_label, data, y, location, limits, np, pd, roles, inside),
            [],
        )


def _positions(record: FitRecord, data: Any, limits: LiveLimits, np: Any, pd: Any) -> list[int]:
    """Positions in ``data`` of the record's columns, in the record's order; [] when they differ."""
    labels, framed = _columns(data, limits, np, pd)
    if record.framed and framed:
        where = {lab: j for j, lab in reversed(list(enumerate(labels)))}
        if not all(lab in where for lab in record.labels):
            return []
        return [where[lab] for lab in record.labels]
    if len(labels) != len(record.labels):
        return []
    return list(range(len(labels)))


def _compare(
    record: FitRecord,
    eval_label: str,
    data: Any,
    y: object | None,
    location: Location,
    limits: LiveLimits,
    np: Any,
    pd: Any,
    roles: list[str] | None = None,
    inside: list[tuple[int, int]] | None = None,
) -> list[Fact]:
    """See :func:`compare`; ``roles`` receives what the evaluation rows are to the model."""
    roles = roles if roles is not None else []
    inside = inside if inside is not None else []
    picks = _positions(record, data, limits, np, pd)
    if not picks:
        return []
    n = _n_rows(data)
    if n == 0:
        return []
    rows = None if n <= HASH_ROWS else seeded_subset(n, HASH_ROWS, limits.seed + 1, np)
    shared = _shared(record, data, picks, rows, np, pd)
    if shared is None:
        return []  # candidates that cannot be verified: the fit data is gone
    n_checked = len(shared)
    n_shared = int(shared.sum())
    inside.append((n_shared, n_checked))
    if n_shared >= TRAINING_SHARE * n_checked and n <= record.n_rows:
        roles.append("train")
        return []  # the fit rows (or some of them): a training score
    if rows is None and record.rows is None and n_shared >= TRAINING_SHARE * record.n_rows:
        roles.append("all")
        return []  # all the data, fit rows included (df["pred"] = model.predict(X)): no test set
    roles.append("test")
    facts: list[Fact] = []
    first = np.flatnonzero(shared)[:MAX_EXAMPLES]
    examples = tuple(int(p) for p in (first if rows is None else rows[first]))
    counts: tuple[tuple[str, int], ...] = ()
    if y is not None:
        from ml_lint_nb.facts.live.splits import _target_counts

        counts = guarded(lambda: _target_counts(y, np, pd), ())
    chance_rows = None if n <= CHANCE_ROWS else seeded_subset(n, CHANCE_ROWS, limits.seed + 1, np)
    expected = (
        guarded(
            lambda: _chance(record, _take(data, chance_rows), picks, None, n_checked, np, pd),
            None,
        )
        if n_shared
        else None
    )
    facts.append(
        OverlapFact(
            "live",
            location,
            train=record.data,
            test=eval_label,
            n_test=n,
            n_overlap=n_shared,
            examples=examples,
            sampled=record.hashed_rows < record.n_rows,
            n_checked=None if rows is None else n_checked,
            train_class_counts=record.target_counts if counts else (),
            test_class_counts=counts,
            n_expected=expected,
            model=record.model,
        )
    )
    drift = guarded(
        lambda: _drift(record, eval_label, data, picks, rows, shared, location, limits, np, pd),
        None,
    )
    if drift is not None:
        facts.append(drift)
    return facts


def _isin(a: Any, b: Any, np: Any, pd: Any) -> Any:
    if pd is not None:
        return pd.Series(a, copy=False).isin(pd.Series(b, copy=False)).to_numpy()
    return np.isin(a, b)


def _shared(record: FitRecord, data: Any, picks: list[int], rows: Any, np: Any, pd: Any) -> Any:
    """Evaluation rows equal to some fit row: first columns for all, whole rows for candidates."""
    first = picks[:FIRST_COLUMNS]
    partial = _row_hashes(data, first, rows, np, pd)
    shared = _isin(partial, record.hashes, np, pd)
    if len(picks) <= FIRST_COLUMNS or not shared.any():
        return shared
    fit_data = record.reload() if record.reload is not None else None
    if fit_data is None:
        return None
    fit_data = view(fit_data, np, pd)
    a = np.flatnonzero(_isin(record.hashes, partial[shared], np, pd))
    a_rows = a if record.rows is None else record.rows[a]
    b = np.flatnonzero(shared)
    b_rows = b if rows is None else rows[b]
    a_full = _row_hashes(fit_data, list(range(len(record.labels))), a_rows, np, pd)
    b_full = _row_hashes(data, picks, b_rows, np, pd)
    out = np.zeros(len(partial), dtype=bool)
    out[b] = _isin(b_full, a_full, np, pd)
    return out


def _chance(
    record: FitRecord, data: Any, picks: list[int], sample: Any, n_checked: int, np: Any, pd: Any
) -> float | None:
    """Evaluation rows expected to coincide with some fit row by chance alone."""
    fit_cols, eval_cols = [], []
    for lab, j in zip(record.labels, picks, strict=True):
        fit_h = record.value_hashes.get(lab)
        if fit_h is None:
            return None
        fit_cols.append(fit_h)
        eval_cols.append(column_hash(_column(data, j, None, np, pd), np, pd)[:CHANCE_ROWS])
    return expected_coincidences(
        fit_cols, eval_cols, record.n_distinct, record.duplicate_share, n_checked, np
    )


def expected_coincidences(
    train_cols: list[Any],
    test_cols: list[Any],
    n_train_distinct: int,
    train_duplicate_share: float,
    n_checked: int,
    np: Any,
) -> float:
    """Test rows expected to equal some training row by chance alone.

    Two estimates, the larger wins: the training rows' own repeat rate (a
    feature space of few distinct rows repeats in any fresh sample too), and
    the product over columns of the chance that two values agree, times the
    distinct training rows (independent columns of few levels). Columns
    are given as per-value hashes of a sample of each side.
    """
    per_row = 1.0
    for fit_h, col in zip(train_cols, test_cols, strict=True):
        if len(fit_h) == 0 or len(col) == 0:
            return train_duplicate_share * n_checked
        a_vals, a_counts = np.unique(fit_h, return_counts=True)
        b_vals, b_counts = np.unique(col, return_counts=True)
        _common, ia, ib = np.intersect1d(a_vals, b_vals, return_indices=True)
        per_row *= float(np.sum(a_counts[ia] / len(fit_h) * b_counts[ib] / len(col)))
        if per_row < 1e-12:
            per_row = 0.0
            break
    independent = min(1.0, per_row * n_train_distinct)
    return max(independent, train_duplicate_share) * n_checked


def _drift(
    record: FitRecord,
    eval_label: str,
    data: Any,
    picks: list[int],
    rows: Any,
    shared: Any,
    location: Location,
    limits: LiveLimits,
    np: Any,
    pd: Any,
) -> DriftFact | None:
    """Drift between the fit sample and the evaluation rows that are not copies of fit rows.

    Copied rows are ML201's finding; left in, they dilute a shifted column
    (500 copies among 1,500 test rows cut a KS of 0.31 to 0.22), so the drift
    is measured on the rows that are new to the model.
    """
    fresh = np.flatnonzero(~shared)
    if rows is not None:
        fresh = rows[fresh]
    if len(fresh) > DRIFT_ROWS:
        fresh = fresh[seeded_subset(len(fresh), DRIFT_ROWS, limits.seed + 1, np)]
    n = _n_rows(data)
    sample_data = _take(data, None if len(fresh) == n else fresh)
    columns = (
        (
            lab,
            record.numeric.get(lab),
            guarded(lambda j=j: _floats(_column(sample_data, j, None, np, pd), np, pd), None),
        )
        for lab, j in zip(record.labels, picks, strict=True)
    )
    fit_n = max((len(v) for v in record.numeric.values()), default=0)
    return drift_fact(
        columns,
        record.data,
        eval_label,
        location,
        fit_n < record.n_rows or len(fresh) < n - int(shared.sum()),
        np,
        n_excluded=int(shared.sum()),
    )


__all__ = [
    "FitRecord",
    "compare",
    "data_version",
    "expected_coincidences",
    "fit_token",
    "record_fit",
]
