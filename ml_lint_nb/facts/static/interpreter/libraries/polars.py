"""polars, and the expression-based frame methods Spark shares with it.

polars reads and splits frames as pandas does (its readers, lazy
``scan_*`` readers and ``concat`` give rows; ``df["x"].mean()`` is a
statistic through the shared frame methods). What differs is the
expression API: ``pl.col("x")``, ``pl.col("age").fill_null(strategy="mean")``
and ``(pl.col(c) - pl.col(c).mean()) / pl.col(c).std()`` compute nothing
until ``with_columns`` / ``select`` evaluates them on a frame, and then they
are statistics of that frame's rows (:mod:`..expressions`). Spark's
``withColumn``, ``select`` and ``agg`` of ``pyspark.sql.functions``
expressions are read by the same handlers, as are ``df.filter`` on a mask
(one side of a split) and ``join(train, how="anti")`` after a sample (the
other side).
"""

from __future__ import annotations

import ml_lint_nb.facts.static.interpreter.expressions as expressions
import ml_lint_nb.facts.static.interpreter.splits as splits
import ml_lint_nb.facts.static.interpreter.statistics as statistics
from ml_lint_nb.facts.model import RowSet
from ml_lint_nb.facts.static.interpreter.api import Interp
from ml_lint_nb.facts.static.interpreter.registry import (
    ANY,
    DATA,
    EXPR,
    NEXT,
    Call,
    function,
    method,
)
from ml_lint_nb.facts.static.interpreter.rows import concat
from ml_lint_nb.facts.static.values import (
    UNKNOWN,
    DataV,
    ExprV,
    IndexV,
    LitV,
    MaskV,
    SeqV,
    StatV,
    V,
    columns_kept,
    first,
    stat_of,
    strings,
)

READERS = (
    "read_csv",
    "read_parquet",
    "read_excel",
    "read_json",
    "read_ndjson",
    "read_ipc",
    "read_avro",
    "read_database",
    "scan_csv",
    "scan_parquet",
    "scan_ndjson",
    "scan_ipc",
    "scan_delta",
    "read_delta",
)
# frame methods that evaluate expressions on the frame's rows
EVALUATING = (
    "with_columns",
    "with_column",
    "select",
    "withColumn",
    "withColumns",
    "agg",
    "aggregate",
)
ANTI_JOINS = frozenset({"anti", "left_anti", "leftanti"})


# ------------------------------------------------------------------ functions
@function("polars", READERS)
def reader(interp: Interp, call: Call) -> V:
    """``pl.read_csv(...)``, ``pl.scan_parquet(...)``: fresh rows."""
    return DataV(RowSet.root(interp.root_id(call.node)))


@function("polars", "concat")
def stacked(interp: Interp, call: Call) -> V:
    """``pl.concat([train, test])``: the rows of all parts (side by side when horizontal)."""
    how = call.kwargs.get("how")
    if isinstance(how, LitV) and how.value == "horizontal":
        return interp.generic_call(call.args[:1], {}, call.node)
    return concat(interp, call.args[0] if call.args else UNKNOWN, call.node)


@function("polars", ("col", "all", "exclude", "nth", "first", "last"))
def col(interp: Interp, call: Call) -> V:
    """``pl.col("x")``, ``pl.all()``: an expression reading those columns."""
    return expressions.column(call.args) if call.name == "col" else ExprV()


@function("polars", ("lit", "when", "coalesce", "struct", "concat_str"))
def combined(interp: Interp, call: Call) -> V:
    """``pl.lit(mean_age)``, ``pl.when(...).then(...)``: an expression of its arguments."""
    return expressions.merge(ExprV(), [*call.args, *call.kwargs.values()])


@function("polars", (*expressions.STATISTICS, *expressions.REDUCTIONS))
def aggregate(interp: Interp, call: Call) -> V:
    """``pl.mean("x")``: the same as ``pl.col("x").mean()``."""
    if not call.args:
        return NEXT
    return expressions.method(expressions.column(call.args[:1]), call.name, [], {})


# ---------------------------------------------------------- expression methods
@method(EXPR, ANY)
def expression_method(interp: Interp, call: Call) -> V:
    """``pl.col("x").mean()``, ``.fill_null(...)``, ``.over("city")``: see :mod:`..expressions`.

    ``pl.col("id").is_in(train["id"])`` after a sample is a mask of the sample's rows.
    """
    e: ExprV = call.recv
    if call.name in ("is_in", "isin") and call.args and len(e.columns) <= 1:
        members = splits.sample_members(interp, call.args[0])
        if members is not None:
            column = e.columns[0] if e.columns else None
            return expressions.merge(e, [], mask=(column, "In", members))
    return expressions.method(call.recv, call.name, call.args, call.kwargs)


# -------------------------------------------------------------- frame methods
@method(DATA, EVALUATING)
def evaluating(interp: Interp, call: Call) -> V:
    """``df.with_columns(expr)``, ``df.select(expr)``, Spark's ``df.withColumn("x", expr)``.

    Statistics inside the expressions are fits on the frame's rows (or, when
    computed elsewhere, on theirs); a selection of aggregates only is the
    statistic itself. Without expressions (``df.select("a", "b")``, pandas'
    ``df.agg("mean")``) another handler answers.
    """
    values = [*call.args, *call.kwargs.values()]
    exprs, stats = expressions.parts_of(values)
    adding = call.name in ("withColumn", "with_columns", "withColumns", "with_column")
    carried = _fitted_columns(values) if adding else frozenset()
    if not exprs and not (stats and adding):
        if not carried:
            return NEXT
        d: DataV = call.recv
        return d.derive(column=None, applied=d.applied | carried)
    out = expressions.evaluate(interp, call.recv, values, call.name, call.node)
    if carried and isinstance(out, DataV):
        out = out.derive(applied=out.applied | carried)
    return out


def _fitted_columns(values: list[V]) -> frozenset[str]:
    """The fitted state carried by columns given as data (in lists, dicts, loop variables).

    ``df.with_columns([pl.Series(c, filled[:, i]) for i, c in enumerate(cols)])``
    puts the output of ``imputer.fit_transform`` into the frame: what fitted
    it reaches the frame as ``df[cols] = imputer.fit_transform(...)`` does.
    """
    out: frozenset[str] = frozenset()
    for v in values:
        v = first(v)
        if isinstance(v, SeqV):
            out = out | _fitted_columns(v.items)
        elif isinstance(v, DataV) and v.pred_est is None:
            out = out | v.applied
    return out


@method(DATA, "select")
def selected(interp: Interp, call: Call) -> V:
    """``df.select(["a", "b"])`` / Spark's ``df.select("a", "b")``: those columns, as
    ``df[["a", "b"]]`` (scaled when every one of them was)."""
    names = [n for a in call.args for n in strings(a)]
    if not names or any(not strings(a) for a in call.args):
        return NEXT
    d: DataV = call.recv
    cols = tuple(names)
    kept = columns_kept(d, cols)
    if d.scaled_cols.issuperset(cols):
        kept["scaled"] = True
    return d.derive(column=None, n_features=len(cols), columns=cols, **kept)


@method(DATA, ("fill_null", "fill_nan", "fill"))
def fill(interp: Interp, call: Call) -> V:
    """``df.fill_null(strategy="mean")``, ``df.na.fill({"age": mean_age})``: a fitted imputer."""
    d: DataV = call.recv
    strategy = call.kwargs.get("strategy")
    value = call.args[0] if call.args else call.kwargs.get("value", UNKNOWN)
    st = stat_of(value)
    if isinstance(strategy, LitV) and strategy.value in expressions.STATISTICS:
        st = StatV(d, expressions.STATISTICS[strategy.value])
    if st is None:
        return d.derive()
    return statistics.apply_stat(interp, d.derive(), st, call.node, "imputer")


@method(DATA, ("filter", "where"))
def filtered(interp: Interp, call: Call) -> V:
    """``df.filter(pl.col("date") < cutoff)``, Spark's ``df.filter(df.date < cutoff)``.

    A mask selects rows: with its complement, one side of a split (see
    :func:`..splits.mask_split`). pandas' ``where`` keeps every row and is
    read elsewhere.
    """
    if not call.args:
        return NEXT
    d: DataV = call.recv
    mask = first(call.args[0])
    if isinstance(mask, ExprV) and mask.mask is not None:
        column, op, other = mask.mask
        mask = MaskV(d, column, op, other)
    if not isinstance(mask, MaskV) or call.name == "where" and len(call.args) > 1:
        return NEXT
    return splits.mask_split(interp, d, mask, call.node)


@method(DATA, ("join", "subtract", "exceptAll"))
def other_side(interp: Interp, call: Call) -> V:
    """``df.join(train, on="id", how="anti")`` / ``df.subtract(train)`` after a sample: the rest."""
    if not call.args:
        return NEXT
    how = call.kwargs.get("how", call.args[2] if len(call.args) > 2 else None)
    anti = call.name in ("subtract", "exceptAll") or (
        isinstance(how, LitV) and how.value in ANTI_JOINS
    )
    other = first(call.args[0])
    if not anti or not isinstance(other, DataV):
        return NEXT
    rest = splits.sample_complement(interp, call.recv, IndexV(other))
    return rest if rest is not None else NEXT
