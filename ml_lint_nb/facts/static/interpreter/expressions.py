"""Column expressions of polars and Spark, and the statistics they compute.

``pl.col("x").mean()`` or ``F.mean("x")`` computes nothing until a frame
evaluates it: ``df.with_columns((pl.col("x") - pl.col("x").mean()) /
pl.col("x").std())`` standardises ``x`` with statistics of ``df``'s rows,
exactly as ``(df.x - df.x.mean()) / df.x.std()`` does in pandas. An
expression (:class:`..values.ExprV`) remembers the statistics it takes of
the rows it will be evaluated on (``aggs``) and those computed elsewhere that
it uses (``stats``, a ``mean`` taken of the training frame); where a frame
evaluates it (:func:`evaluate`), each becomes a fit on its rows
(:mod:`.statistics`), and a pure aggregate (``df.select(F.mean("age"))``)
is a statistic of the frame.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

import ml_lint_nb.facts.static.interpreter.statistics as statistics
from ml_lint_nb.facts.static.interpreter.api import Interp
from ml_lint_nb.facts.static.values import (
    UNKNOWN,
    DataV,
    ExprV,
    GroupByV,
    LitV,
    MultiV,
    SeqV,
    StatV,
    V,
    WindowV,
    first,
    strings,
)

# aggregates that are statistics of the rows (fitting them on test rows leaks), by the
# names polars and Spark give them
STATISTICS = {
    "mean": "mean",
    "avg": "mean",
    "median": "median",
    "std": "std",
    "stddev": "std",
    "stddev_samp": "std",
    "stddev_pop": "std",
    "var": "var",
    "variance": "var",
    "var_samp": "var",
    "var_pop": "var",
    "min": "min",
    "max": "max",
    "quantile": "quantile",
    "percentile_approx": "quantile",
    "approx_percentile": "quantile",
    "percentile": "quantile",
    "mode": "mode",
}
# aggregates that reduce rows to one value without being a fitted statistic
REDUCTIONS = frozenset(
    {"sum", "count", "n_unique", "len", "first", "last", "countDistinct", "count_distinct"}
)
FILLS = frozenset({"fill_null", "fill_nan", "fillna", "coalesce"})
COMPARISONS = {
    ast.Lt: "Lt",
    ast.LtE: "LtE",
    ast.Gt: "Gt",
    ast.GtE: "GtE",
    ast.Eq: "Eq",
    ast.NotEq: "NotEq",
}


def column(names: Iterable[V]) -> ExprV:
    """``pl.col("x")``, ``pl.col(["a", "b"])``, ``F.col(c)`` for each ``c`` of a loop."""
    cols: list[str] = []
    for v in names:
        for alt in v.alts if isinstance(v, MultiV) else [v]:
            cols.extend(strings(alt))
    return ExprV(columns=tuple(cols))


def parts_of(values: Iterable[V]) -> tuple[list[ExprV], list[StatV]]:
    """The expressions and the statistics among values (in lists, dicts, loop variables)."""
    exprs: list[ExprV] = []
    stats: list[StatV] = []
    for v in values:
        v = first(v)
        if isinstance(v, ExprV):
            exprs.append(v)
        elif isinstance(v, StatV):
            stats.append(v)
        elif isinstance(v, SeqV):
            e, s = parts_of(v.items)
            exprs.extend(e)
            stats.extend(s)
    return exprs, stats


def merge(base: ExprV, values: Iterable[V], **changes: object) -> ExprV:
    """``base`` also using the expressions and statistics among ``values``."""
    exprs, stats = parts_of(values)
    out = ExprV(
        columns=base.columns,
        aggs=base.aggs,
        stats=base.stats + tuple(stats),
        rowwise=base.rowwise,
        scaled=base.scaled,
        kind=base.kind,
        over=base.over,
        mask=base.mask,
    )
    for e in exprs:
        out.columns = out.columns + tuple(c for c in e.columns if c not in out.columns)
        out.aggs = out.aggs + tuple(a for a in e.aggs if a not in out.aggs)
        out.stats = out.stats + e.stats
        out.rowwise = out.rowwise or e.rowwise
        if e.kind == "imputer":
            out.kind = "imputer"
        out.over = out.over if out.over is not None else e.over
    for k, v in changes.items():
        setattr(out, k, v)
    return out


def _spreads(e: V) -> bool:
    """Whether a divisor is a spread of the rows: a std, a range, a quantile."""
    e = first(e)
    if isinstance(e, ExprV):
        names = set(e.aggs) | {n for s in e.stats for n in s.stat.split("/")}
    elif isinstance(e, StatV):
        names = set(e.stat.split("/"))
    else:
        return False
    return not statistics.SPREADS.isdisjoint(names)


def binop(left: V, right: V, op: ast.operator) -> V:
    """Arithmetic where an expression takes part: one expression using both sides."""
    base = first(left) if isinstance(first(left), ExprV) else first(right)
    assert isinstance(base, ExprV)
    out = merge(ExprV(), [left, right])
    out.rowwise = any(isinstance(first(x), ExprV) and first(x).rowwise for x in (left, right))
    out.scaled = isinstance(op, ast.Div) and _spreads(right) or base.scaled
    if isinstance(op, ast.Add | ast.Sub) and out.kind == "scaler" and not out.scaled:
        # pl.col("x") - pl.col("x").mean(): a shift by one number (see statistics.stat_binop);
        # dividing it by a spread merges into a new expression, a scaler again
        out.kind = "shift"
    return out


def compare(left: V, right: V, op: ast.cmpop, node: ast.Compare) -> V:
    """``pl.col("date") < cutoff``: a mask on a column (``df.filter`` of it selects rows)."""
    e = first(left)
    if not isinstance(e, ExprV):
        return UNKNOWN
    col = e.columns[0] if len(e.columns) == 1 else None
    name = COMPARISONS.get(type(op))
    if name is None:
        return UNKNOWN
    return merge(e, [right], mask=(col, name, ast.unparse(node.comparators[0])))


def method(e: ExprV, name: str, args: list[V], kwargs: dict[str, V]) -> V:
    """A method of an expression: an aggregate, a fill, a window, or the same expression."""
    if name in STATISTICS:
        stat = STATISTICS[name]
        return merge(e, args, aggs=e.aggs + (stat,), rowwise=False)
    if name in REDUCTIONS:
        return merge(e, args, rowwise=False)
    if name in FILLS:
        strategy = kwargs.get("strategy")
        aggs = e.aggs
        if isinstance(strategy, LitV) and strategy.value in STATISTICS:
            aggs = aggs + (STATISTICS[strategy.value],)
        return merge(e, [*args, *kwargs.values()], aggs=aggs, kind="imputer", rowwise=True)
    if name == "over":
        spec = first(args[0]) if args else None
        if isinstance(spec, WindowV):
            if spec.ordered and spec.past_only:  # avg over rowsBetween(-4, -1): past rows only
                return merge(e, [], aggs=(), rowwise=True)
            return merge(e, [], over=spec.keys, rowwise=True)
        keys = [k for a in args for k in strings(a)]
        return merge(e, [], over=tuple(keys), rowwise=True)
    if name in ("is_between", "is_in", "isin", "isNull", "is_null", "isNotNull", "is_not_null"):
        return merge(e, args)
    return merge(e, [*args, *kwargs.values()])


def evaluate(interp: Interp, frame: DataV, values: list[V], method: str, node: ast.AST) -> V:
    """A frame evaluating expressions (``with_columns``, ``select``, ``withColumn``, ``agg``).

    Every statistic becomes a fit applied to the result (an aggregate of the
    frame's own rows, a statistic computed elsewhere on its own rows, a group
    aggregate as a group statistic); selecting or aggregating nothing but
    aggregates gives the statistic itself. Values standardised this way are
    scaled: the whole result when it holds only them (``select``), else those
    columns.
    """
    exprs, stats = parts_of(values)
    if not exprs and not stats:
        return frame.derive(column=None)
    reduces = method in ("select", "agg", "aggregate")
    if reduces and exprs and not stats and not any(e.rowwise for e in exprs):
        names = "/".join(dict.fromkeys(a for e in exprs for a in e.aggs)) or "aggregate"
        col = exprs[0].columns[0] if len(exprs) == 1 and len(exprs[0].columns) == 1 else None
        return StatV(frame.derive(column=col), names)  # df.select(F.mean("age")).first()[0]
    out = frame.derive(column=None)
    for e in exprs:
        src = frame
        if len(e.columns) == 1:  # the statistic of one column, named as a pandas column is
            c = e.columns[0]
            src = frame.derive(column=c, name=f"{frame.name}['{c}']" if frame.name else None)
        if e.aggs and e.over is not None:
            g = GroupByV(frame, e.over, e.columns[0] if len(e.columns) == 1 else None, e.aggs[0])
            est_id = statistics.group_statistic(interp, g, node)
            out = out.derive(applied=out.applied | {est_id})
        elif e.aggs:
            out = statistics.apply_stat(interp, out, StatV(src, "/".join(e.aggs)), node, e.kind)
        for st in e.stats:
            out = statistics.apply_stat(interp, out, st, node, e.kind)
    for st in stats:  # df.fill_null(mean_age), withColumn("age", F.lit(mean_age))
        out = statistics.apply_stat(interp, out, st, node, "imputer")
    scaled = [e for e in exprs if e.scaled]
    if scaled and (method == "select" and len(scaled) == len(exprs)):
        out.scaled = True
    elif scaled:
        cols = frozenset(c for e in scaled for c in e.columns)
        out.scaled_cols = frame.scaled_cols | cols
        if not cols:  # pl.all(): every column
            out.scaled = True
    return out
