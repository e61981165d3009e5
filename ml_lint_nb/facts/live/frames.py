"""Summaries of DataFrames, Series and arrays for the live data rules (ML1xx, ML202).

:func:`summarise_frame` turns a user's frame into a :class:`FrameFact`: counts
and statistics, never rows. It runs inside the user's kernel, so it

- reads the object through :func:`~ml_lint_nb.facts.live.tables.read_table`,
  the one adapter for pandas, polars and NumPy: a base-class or read-only
  view, libraries used only when the user already imported them, ``None``
  for anything else;
- never mutates the object and sets no option;
- keeps no reference to the object or its data after returning;
- never raises: each part is guarded and a failure costs that part only;
- stays within budget: above ``limits.max_rows`` rows it inspects a seeded
  sample, and the costly detail checks (predictiveness, systematic
  missingness) run on at most :data:`DETAIL_ROWS` rows and say so.

The parts are their own modules: a column's statistics
(:mod:`column_stats`), row hashes (:mod:`row_hashes`), single-feature
predictive power (:mod:`predictive`) and class counts (:mod:`two_sample`);
this module reads the rows, runs the parts and adds what needs the whole
frame (duplicate rows, systematic missingness, the target).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ml_lint_nb.facts.live.column_stats import disguised_mask, summarise_column
from ml_lint_nb.facts.live.limits import LiveLimits
from ml_lint_nb.facts.live.predictive import MAX_LEVELS, MIN_LEVEL_ROWS
from ml_lint_nb.facts.live.row_hashes import combine, hash_rows, summary_hash
from ml_lint_nb.facts.live.safe import guarded
from ml_lint_nb.facts.live.sampling import original, sample_positions, seeded_subset
from ml_lint_nb.facts.live.tables import (
    Column,
    Table,
    column_values,
    level_text,
    read_column,
    read_table,
    read_target,
)
from ml_lint_nb.facts.live.target_leak import Judgement, judge_features, row_orders
from ml_lint_nb.facts.live.two_sample import class_counts, expected_repeats_of
from ml_lint_nb.facts.location import Location
from ml_lint_nb.facts.model import ColumnSummary, FrameFact

MAX_TIME_ORDERS = 2  # date columns of the source tried as row orders for lags and future values
DETAIL_ROWS = 20_000  # rows for predictiveness and systematic missingness
MISSING_PAIRS = 400  # (null column, category column) pairs examined at most
DUPLICATE_CELLS = 50_000_000  # duplicate rows are counted up to this many inspected cells


def summarise_frame(
    name: str,
    obj: object,
    location: Location,
    limits: LiveLimits,
    target: str | None = None,
    target_values: object | None = None,
    judge: bool = True,
    keys: list[tuple[str, Any]] | None = None,
) -> FrameFact | None:
    """Summarise a DataFrame, Series or 1-D/2-D ndarray; ``None`` for anything else.

    ``target`` names a column of the frame (or, for a 1-D object, the object
    itself: pass its own name) whose class counts and, when ``judge``, the
    features' leakage (:mod:`target_leak`) are measured; ``target_values``
    gives the target as a separate Series/array aligned with the rows.
    """
    np = sys.modules.get("numpy")
    if np is None:
        return None
    pd = sys.modules.get("pandas")
    try:
        inspected = _inspected(obj, name, limits, np)
    except Exception:
        return None
    if inspected is None:
        return None
    try:
        with np.errstate(all="ignore"):
            return _summarise(
                inspected, location, limits, target, target_values, (judge, keys), np, pd
            )
    except Exception:
        return None


def _time_orders(keys: list[tuple[str, Any]], np: Any) -> list[Any]:
    """Dates among the source columns that did not reach the model, as candidate row orders.

    A frame without an index (polars), or one whose index was reset, keeps
    its time only in a date column the features left out (``ts``): the
    order in which lags and future values of the target show.
    """
    out = []
    for _label, values in keys:
        arr = np.asarray(values)
        if arr.dtype.kind != "M":
            continue
        stamps = arr.astype("datetime64[ns]")
        if np.isnat(stamps).any():
            continue
        out.append(stamps.astype("int64").astype("float64"))
        if len(out) >= MAX_TIME_ORDERS:
            break
    return out


# -- the inspected rows --------------------------------------------------------------------------


@dataclass
class _Rows:
    """The rows being inspected: the user's object, or a seeded sample of it above the cap."""

    name: str
    table: Table  # the inspected rows only
    n_rows: int  # rows of the user's object
    labels: list[str]  # the columns summarised (at most ``limits.max_columns``)
    positions: Any = None  # original row positions of the inspected rows; None = all rows

    @property
    def kind(self) -> str:
        """``DataFrame``, ``Series`` or ``ndarray``."""
        return self.table.kind

    @property
    def n_cols(self) -> int:
        """Columns of the user's object (labels may be fewer)."""
        return self.table.n_cols

    @property
    def rows(self) -> int:
        """Rows inspected."""
        return self.table.n_rows

    def original(self, pos: Iterable[int]) -> tuple[int, ...]:
        """Inspected-row positions mapped back to positions in the user's object."""
        return original(self.positions, pos)


def _inspected(obj: object, name: str, limits: LiveLimits, np: Any) -> _Rows | None:
    """The rows to inspect: a table of ``obj`` (not a record array), sampled above the cap."""
    table = read_table(obj)
    if table is None or table.structured:
        return None
    labels = table.labels(limits.max_columns, unnamed=name)
    positions = sample_positions(table.n_rows, limits, np)
    return _Rows(name, table.take(positions), table.n_rows, labels, positions)


# -- the whole frame -----------------------------------------------------------------------------


def _summarise(
    table: _Rows,
    location: Location,
    limits: LiveLimits,
    target: str | None,
    target_values: object | None,
    judging: tuple[bool, list[tuple[str, Any]] | None],
    np: Any,
    pd: Any,
) -> FrameFact:
    """Each column's statistics, then what needs the whole frame; each part guarded."""
    cols: list[Column] = []
    summaries: list[ColumnSummary] = []
    for j, label in enumerate(table.labels):
        col = guarded(lambda j=j, label=label: read_column(table.table.column(j), label), None)
        if col is None:
            continue
        summary = guarded(lambda col=col: summarise_column(col, np, pd), None)
        if summary is None:
            continue
        cols.append(col)
        summaries.append(summary)
    n = table.rows
    sampled = table.positions is not None
    detail = None if n <= DETAIL_ROWS else seeded_subset(n, DETAIL_ROWS, limits.seed + 1, np)
    rows = np.arange(n) if detail is None else detail
    chance: list[float | None] = []
    dups = guarded(lambda: _duplicates(table, cols, np, pd, limits.seed, chance), (None, ()))
    missing = guarded(lambda: _missingness(cols, summaries, rows, np, pd), [])
    target_col, target_vec = guarded(
        lambda: _target(table, cols, target, target_values), (None, None)
    )
    counts = guarded(lambda: class_counts(target_vec, np), ()) if target_vec is not None else ()
    judged = Judgement()
    judge, keys = judging
    if target_vec is not None and judge:
        features = [c for c in cols if c is not target_col]
        series = next((c.series for c in cols if c.series is not None), None)
        orders = guarded(lambda: row_orders(table.positions, series, n, np, pd), None)
        aligned = [
            (label, k if table.positions is None else np.asarray(k)[table.positions])
            for label, k in keys or []
            if len(k) == table.n_rows
        ]
        if orders is not None:
            orders = orders + guarded(lambda: _time_orders(aligned, np), [])
        judged = guarded(
            lambda: judge_features(features, target_vec, rows, np, orders, aligned), Judgement()
        )
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
        duplicate_expected=chance[0] if chance else None,
        missingness=tuple(m[:5] for m in missing),
        missingness_rows=tuple(m[5] for m in missing),
        target=target_name,
        class_counts=counts,
        predictive=tuple(judged.entries),
        detail_rows=len(rows) if detail is not None else None,
        predictive_detail=tuple(judged.details),
        best_power=judged.best_power,
    )


# -- duplicates ----------------------------------------------------------------------------------


def _duplicates(
    table: _Rows, cols: list[Column], np: Any, pd: Any, seed: int = 0, chance: list | None = None
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
    parts = []
    if len(cols) == table.n_cols:
        hashes = None
        for col in cols:
            parts.append(summary_hash(col, np, pd))
            hashes = combine(hashes, parts[-1], np)
    else:
        hashes = hash_rows(table.table, range(table.n_cols), None, np, pd)
    if pd is not None:
        dup = pd.Series(hashes, copy=False).duplicated().to_numpy()
    else:
        dup = np.ones(len(hashes), dtype=bool)
        dup[np.unique(hashes, return_index=True)[1]] = False
    where = np.flatnonzero(dup)
    if chance is not None and len(where) and parts:  # how many chance explains (ML101)
        chance.append(guarded(lambda: expected_repeats_of(parts, seed, np), None))
    return int(len(where)), table.original(where[:5])


# -- systematic missingness ----------------------------------------------------------------------


def _codes(col: Column, rows: Any, np: Any, pd: Any) -> tuple[Any, list[Any]] | None:
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
    cols: list[Column], summaries: list[ColumnSummary], rows: Any, np: Any, pd: Any
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
                    entry = (col.label, cat.label, level_text(levels[k]), inside, outside, size)
                    if best is None or inside - outside > best[3] - best[4]:
                        best = entry
        if best is not None:
            found.append((best[0], best[1], best[2], float(best[3]), float(best[4]), int(best[5])))
    found.sort(key=lambda e: e[4] - e[3])
    return found[:10]


# -- target --------------------------------------------------------------------------------------


def _target(
    table: _Rows,
    cols: list[Column],
    target: str | None,
    target_values: object | None,
) -> tuple[Column | None, Any]:
    """The target column (if it is one of ours) and its values over the inspected rows."""
    if target_values is not None:
        return None, _aligned_values(target_values, table)
    if target is None:
        return None, None
    wanted = str(target)
    for col in cols:
        if col.label == wanted or (table.kind != "DataFrame" and wanted == table.name):
            return col, column_values(col)
    return None, None


def _aligned_values(values: object, table: _Rows) -> Any:
    """``target_values`` as a 1-D array over the inspected rows; None when misaligned."""
    vals = read_target(values)
    if vals is None or len(vals) != table.n_rows:
        return None
    return vals if table.positions is None else vals[table.positions]


__all__ = ["DETAIL_ROWS", "summarise_frame"]
