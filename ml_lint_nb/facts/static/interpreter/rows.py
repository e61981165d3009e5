"""Rows of data: how many a value has, and several values' rows stacked into one.

Used by the libraries that count rows (``train_test_split`` and
``randomSplit`` size their parts) and stack them (``pd.concat``,
``np.r_``, Spark's ``union``).
"""

from __future__ import annotations

import ast

from ml_lint_nb.facts.model import RowSet
from ml_lint_nb.facts.static.interpreter.api import Interp
from ml_lint_nb.facts.static.values import DataV, SeqV, V, applied_of, data_of


def rows_of(interp: Interp, d: DataV) -> int | None:
    """Rows of a value when known: its own (a printed shape) or its unsplit root's."""
    if d.n_rows is not None:
        return d.n_rows
    if len(d.rows.paths) == 1:
        path = next(iter(d.rows.paths))
        if len(path) == 1:
            return interp.knowledge.get((path[0], None), {}).get("n_rows")
    return None


def concat(interp: Interp, seq: V, node: ast.AST) -> V:
    """The rows of several values stacked into one, with the fitted state of each."""
    items = seq.items if isinstance(seq, SeqV) else [seq]
    datas = [d for d in (data_of(i) for i in items) if d is not None]
    if not datas:
        return DataV(RowSet.root(interp.root_id(node)))
    rows = datas[0].rows
    for d in datas[1:]:
        rows = rows.union(d.rows)
    counts = [rows_of(interp, d) for d in datas]
    n_rows = sum(counts) if all(c is not None for c in counts) else None  # type: ignore[misc]
    names = [d.name or d.origin for d in datas]
    origin = " + ".join(n for n in names if n) if all(names) else datas[0].origin
    roots = [{p[0] for p in d.rows.paths} for d in datas]
    stacked = None
    if all(len(r) == 1 for r in roots) and len({next(iter(r)) for r in roots}) == len(roots) > 1:
        stacked = tuple(next(iter(r)) for r in roots)
    return datas[0].derive(
        stacked=stacked,
        rows=rows,
        scaled=all(d.scaled for d in datas),
        n_rows=n_rows,
        origin=origin,
        applied=applied_of(datas),
        col_applied=None,
    )
