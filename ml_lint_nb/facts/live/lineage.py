"""Columns that describe a model's rows, found where the rows came from.

``X_train`` rarely holds the patient id or the visit date: the notebook
dropped them from the features (``X = visits.drop(columns=["patient_id",
"date"])``) before splitting. They are still in the frame the rows came
from, and a pandas index says which of its rows these are. :func:`context_of`
gathers, for the rows of one side (fit rows or evaluation rows):

- the side's own columns that may hold an entity (integers, text,
  categories) or a time (dates), and a ``DatetimeIndex``;
- the same kinds of columns of each frame of its lineage (``visits``,
  ``X``: the names the dataflow says the rows derive from), aligned
  through the index: only when that frame's index is unique, holds every
  label of the side's index, and the columns both hold agree on a few rows
  (a name rebound to other rows with the same labels is not used);
- for frames without an index (polars), the lineage frame's columns when
  it has exactly the side's rows (a column selection of it), or when the
  values of the columns both hold find each of the side's rows in it once
  (a part of a split of it).

Columns are the backend's own objects over the side's rows, in its order;
nothing is kept after the caller is done with them.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ml_lint_nb.facts.live.row_hashes import column_hash, hash_rows
from ml_lint_nb.facts.live.safe import guarded
from ml_lint_nb.facts.live.sampling import seeded_subset
from ml_lint_nb.facts.live.tables import Table, read_table

MAX_CONTEXT_COLUMNS = 24  # candidate columns gathered per side
CHECK_ROWS = 64  # rows on which a lineage frame must agree with the side's own columns
CHECK_COLUMNS = 3
INDEX = "index"  # the label of a DatetimeIndex among the time columns
MATCH_MAX_ROWS = 100_000  # a frame without an index is matched by row values up to this height
MATCH_COLUMNS = 4  # shared columns whose values match a row (within the hook's budget)
MAX_REPEATED_MATCH = 0.05  # side rows whose values occur more than once in the source, at most


class Sources(tuple):  # type: ignore[type-arg]
    """(name, frame) pairs of a lineage, the frames already admitted by the caller.

    Its own type, so that :func:`~ml_lint_nb.facts.live.safe.call` passes it
    through as the hook's own argument instead of refusing a list of objects.
    """

    __slots__ = ()


@dataclass
class Context:
    """Candidate columns for the rows of one side, aligned to those rows.

    ``entities`` and ``times`` map a column label to (values, frame): the
    backend's column over the side's rows and the name of the frame it was
    found in (None: the side's own data). Times are ``datetime64`` arrays.
    """

    n_rows: int
    entities: dict[str, tuple[Any, str | None]] = field(default_factory=dict)
    times: dict[str, tuple[Any, str | None]] = field(default_factory=dict)


def context_of(
    data: object, sources: Sequence[tuple[str, object]], seed: int = 0
) -> Context | None:
    """The candidate columns of ``data``'s rows, from itself and from ``sources`` (see module)."""
    np = sys.modules.get("numpy")
    if np is None:
        return None
    table = read_table(data)
    if table is None or table.structured:
        return None
    with np.errstate(all="ignore"):
        return guarded(lambda: _context(table, sources, seed, np), None)


def _context(table: Table, sources: Sequence[tuple[str, object]], seed: int, np: Any) -> Context:
    """See :func:`context_of`."""
    out = Context(table.n_rows)
    pd = sys.modules.get("pandas")
    _collect(out, table, None, None)
    own_index = _index(table, pd)
    if own_index is not None:
        _index_times(out, own_index, None, pd)
    for name, obj in sources:
        if len(out.entities) + len(out.times) >= MAX_CONTEXT_COLUMNS:
            break
        source = read_table(obj)
        if source is None or source.kind != "DataFrame" or source.data is table.data:
            continue
        rows = guarded(lambda source=source: _aligned(table, source, own_index, seed, np, pd), None)
        if rows is None:
            continue
        _collect(out, source, name, rows)
        if pd is not None and source.kind == "DataFrame" and not isinstance(rows, _All):
            src_index = _index(source, pd)
            if src_index is not None:
                _index_times(out, src_index.take(rows), name, pd)
    return out


class _All:
    """Every row of the source, in order: the side is a column selection of it."""


def _index(table: Table, pd: Any) -> Any:
    """A pandas object's index (None for other backends)."""
    if (
        pd is None
        or table.kind == "ndarray"
        or not isinstance(table.data, pd.DataFrame | pd.Series)
    ):
        return None
    return table.data.index


def _index_times(out: Context, index: Any, frame: str | None, pd: Any) -> None:
    """A ``DatetimeIndex`` is the rows' time (a time series indexed by its dates)."""
    if INDEX in out.times or not isinstance(index, pd.DatetimeIndex):
        return
    if index.tz is not None:
        index = index.tz_convert("UTC").tz_localize(None)
    out.times[INDEX] = (index.to_numpy(), frame)


def _aligned(table: Table, source: Table, own_index: Any, seed: int, np: Any, pd: Any) -> Any:
    """Positions in ``source`` of the side's rows, or None when they cannot be told."""
    src_index = _index(source, pd)
    if own_index is not None and src_index is not None:
        if own_index.equals(src_index):
            # the same labels in the same order: a column selection of it, also when the labels
            # repeat (rows up-sampled with their labels, then concatenated)
            rows: Any = _All()
        elif not src_index.is_unique:
            return None
        else:
            rows = src_index.get_indexer(own_index)
            if len(rows) == 0 or (rows < 0).any():
                return None
        indexed = True
    elif own_index is None and src_index is None and source.n_rows == table.n_rows:
        rows = _All()  # no index (polars): the same rows only as a column selection
        indexed = False
    elif own_index is None and src_index is None:
        return _matched(table, source, np, pd)  # no index, other rows: by their values
    else:
        return None
    return rows if _agree(table, source, rows, indexed, seed, np, pd) else None


def _matched(table: Table, source: Table, np: Any, pd: Any) -> Any:
    """Positions in ``source`` of the side's rows, found by the values of the columns both hold.

    A polars frame has no index: the training part of a split of ``sessions``
    is a subset of its rows in another order, which only their values tie
    to ``sessions``. Every side row must occur in ``source``, and nearly
    every one exactly once there (rows the shared columns cannot tell apart
    could belong to another entity).
    """
    if table.kind != "DataFrame" or table.n_rows > source.n_rows:
        return None
    if source.n_rows > MATCH_MAX_ROWS:
        return None
    where = {label: j for j, label in enumerate(source.labels())}
    shared = [(j, where[lab]) for j, lab in enumerate(table.labels()) if lab in where]
    if not shared:
        return None
    shared = shared[:MATCH_COLUMNS]
    mine = hash_rows(table, [j for j, _k in shared], None, np, pd)
    theirs = hash_rows(source, [k for _j, k in shared], None, np, pd)
    order = np.argsort(theirs, kind="stable")
    ordered = theirs[order]
    pos = np.clip(np.searchsorted(ordered, mine), 0, len(ordered) - 1)
    if not np.array_equal(ordered[pos], mine):
        return None
    after = np.minimum(pos + 1, len(ordered) - 1)
    repeated = (after != pos) & (ordered[after] == mine)
    if float(repeated.mean()) > MAX_REPEATED_MATCH:
        return None
    return order[pos]


def _agree(
    table: Table, source: Table, rows: Any, indexed: bool, seed: int, np: Any, pd: Any
) -> bool:
    """The columns both hold have the same values on a few seeded rows.

    Rows tied by an index need no shared column; rows tied only by equal
    heights (no index) need one, or any frame of that height would do.
    """
    if table.kind != "DataFrame":
        return indexed
    where = {label: j for j, label in enumerate(source.labels())}
    shared = [(j, where[lab]) for j, lab in enumerate(table.labels()) if lab in where]
    if not shared:
        return indexed
    n = table.n_rows
    picks = np.arange(n) if n <= CHECK_ROWS else seeded_subset(n, CHECK_ROWS, seed + 5, np)
    at = picks if isinstance(rows, _All) else rows[picks]
    for j, k in shared[:CHECK_COLUMNS]:
        mine = column_hash(table.column(j, picks), np, pd)
        theirs = column_hash(source.column(k, at), np, pd)
        if not np.array_equal(mine, theirs):
            return False
    return True


def _collect(out: Context, table: Table, frame: str | None, rows: Any) -> None:
    """Entity and time candidates among ``table``'s columns (at ``rows`` when given)."""
    if table.kind != "DataFrame":
        return
    take = None if rows is None or isinstance(rows, _All) else rows
    for j, label in enumerate(table.labels()):
        if len(out.entities) + len(out.times) >= MAX_CONTEXT_COLUMNS:
            return
        if label in out.entities or label in out.times:
            continue
        kind = guarded(lambda j=j: column_kind(table.column(j)), None)
        if kind is None:
            continue
        col = guarded(lambda j=j: table.column(j, take), None)
        if col is None:
            continue
        if kind == "time":
            times = guarded(lambda col=col: _datetimes(col), None)
            if times is not None:
                out.times[label] = (times, frame)
        else:
            out.entities[label] = (col, frame)


def column_kind(col: Any) -> str | None:
    """``entity`` for integers, text and categories, ``time`` for dates; None otherwise.

    Floats are measurements and booleans flags: neither names an entity.
    """
    pd, pl = sys.modules.get("pandas"), sys.modules.get("polars")
    if pd is not None and isinstance(col, pd.Series):
        types = pd.api.types
        dtype = col.dtype
        if types.is_datetime64_any_dtype(dtype):
            return "time"
        if types.is_bool_dtype(dtype):
            return None
        if types.is_integer_dtype(dtype) or isinstance(dtype, pd.CategoricalDtype):
            return "entity"
        if types.is_string_dtype(dtype) or types.is_object_dtype(dtype):
            return "entity"
        return None
    if pl is not None and isinstance(col, pl.Series):
        dtype = col.dtype
        if dtype == pl.Date or dtype == pl.Datetime:
            return "time"
        if dtype.is_integer() or dtype in (pl.String, pl.Categorical, pl.Enum):
            return "entity"
    return None


def _datetimes(col: Any) -> Any:
    """A date column's values as naive ``datetime64`` (UTC for tz-aware; NaT for nulls)."""
    pd, pl = sys.modules.get("pandas"), sys.modules.get("polars")
    if pd is not None and isinstance(col, pd.Series):
        if getattr(col.dtype, "tz", None) is not None:
            col = col.dt.tz_convert("UTC").dt.tz_localize(None)
        return col.to_numpy()
    if pl is not None and isinstance(col, pl.Series):
        if getattr(col.dtype, "time_zone", None) is not None:
            col = col.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
        arr = col.to_numpy()
        return arr if arr.dtype.kind == "M" else None
    return None


__all__ = ["INDEX", "Context", "Sources", "column_kind", "context_of"]
