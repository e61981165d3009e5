"""Spark: the SparkSession and its readers, DataFrame splits, and Spark ML's protocol.

``spark.read.csv(...)`` gives fresh rows as ``read_csv`` does;
``createDataFrame(pdf)`` keeps the rows it converts; ``df.randomSplit``
is a shuffled split and ``union`` stacks rows. Spark ML estimators differ
from scikit-learn's in ways the rules care about: ``fit`` returns a new
Model (the estimator stays unfitted), the label is a column of the frame
(``labelCol``), a Model whose last stage predicts adds predictions on
``transform``, an evaluator's ``evaluate`` is a metric, and parameters are
set fluently (``setMaxIter(10)``, ``ParamGridBuilder().addGrid(...)``).
Their methods are looked up under the ``spark_ml`` receiver kind first,
then as scikit-learn's.
"""

from __future__ import annotations

import ast
from dataclasses import replace

import ml_lint_nb.facts.static.interpreter.estimators as estimators
import ml_lint_nb.facts.static.interpreter.expressions as expressions
import ml_lint_nb.facts.static.interpreter.selection as selection
from ml_lint_nb.facts import catalog
from ml_lint_nb.facts.model import EstimatorInfo, RowSet
from ml_lint_nb.facts.static.interpreter.api import Interp
from ml_lint_nb.facts.static.interpreter.records import SplitToken
from ml_lint_nb.facts.static.interpreter.registry import (
    ANY,
    DATA,
    NEXT,
    WINDOW,
    Call,
    estimator_kind,
    function,
    method,
    predefined,
)
from ml_lint_nb.facts.static.interpreter.rows import concat, rows_of
from ml_lint_nb.facts.static.values import (
    UNKNOWN,
    DataV,
    EstV,
    Expr,
    ExprV,
    LitV,
    MultiV,
    RefV,
    ScoreV,
    SeqV,
    StatV,
    V,
    Varies,
    WindowV,
    data_of,
    first,
    kw_set,
    strings,
)

SPARK_SESSION = "pyspark.sql.SparkSession"
# SparkSession.builder...getOrCreate(): each step returns the builder or the session
SPARK_SESSION_STEPS = frozenset(
    {
        "builder",
        "appName",
        "master",
        "config",
        "enableHiveSupport",
        "remote",
        "getOrCreate",
        "create",
        "newSession",
        "active",
        "getActiveSession",
    }
)
# spark.read.csv(...), spark.table(...), spark.sql(...): fresh rows
SPARK_READERS = frozenset(
    {"csv", "parquet", "json", "orc", "text", "table", "load", "sql", "range", "jdbc", "delta"}
)
SPARK_ML = "spark_ml"  # the receiver kind of Spark ML estimators, models and evaluators

# the session Databricks and the pyspark shell predefine
predefined("spark", SPARK_SESSION)
estimator_kind(SPARK_ML, when=("spark", "stateless", "evaluator", "builder"))


# ------------------------------------------------------------------ functions
@function("pyspark", ANY)
def spark_call(interp: Interp, call: Call) -> V:
    """The Spark session and what it reads: ``spark.read.csv(...)`` is data, as ``read_csv``.

    ``createDataFrame(pdf)`` keeps the rows (and what the code knows about
    them) of the frame it converts; ``pyspark.sql.functions`` build column
    expressions, not data. Spark ML classes are constructed as every
    estimator class is.
    """
    qual, short, args, node = call.qual, call.name, call.args, call.node
    if catalog.is_spark_ml(qual):
        return NEXT
    if qual.startswith(SPARK_SESSION):
        if short in SPARK_SESSION_STEPS:
            return RefV(SPARK_SESSION)
        if short == "read" or short == "readStream":
            return RefV(f"{SPARK_SESSION}.read")
        if short == "createDataFrame":
            d = data_of(args[0]) if args else None
            return (
                d.derive(column=None) if d is not None else DataV(RowSet.root(interp.root_id(node)))
            )
        if short in SPARK_READERS or ".read." in qual:
            return DataV(RowSet.root(interp.root_id(node)))
        return UNKNOWN
    if qual.startswith("pyspark.sql.functions"):
        return column_function(short, args, call.kwargs)
    if qual.startswith("pyspark.sql.window") and short in WINDOW_STEPS:
        return window_step(WindowV(), short, args)
    return interp.generic_call(args, {}, node)


WINDOW_STEPS = ("partitionBy", "orderBy", "rowsBetween", "rangeBetween")


def window_step(w: WindowV, step: str, args: list[V]) -> WindowV:
    """``Window.partitionBy("store")``, ``.orderBy("week")``, ``.rowsBetween(-4, -1)``.

    A frame whose end lies before the current row (a literal below 0) reads
    past rows only; ``Window.currentRow`` and the default frame of an
    ordered window include the row itself.
    """
    if step == "partitionBy":
        keys = tuple(k for a in args for k in strings(a))
        return WindowV(w.keys + keys, w.ordered, w.past_only)
    if step == "orderBy":
        return WindowV(w.keys, True, w.past_only)
    end = first(args[1]) if len(args) > 1 else None
    past = isinstance(end, LitV) and isinstance(end.value, int | float) and end.value < 0
    return WindowV(w.keys, w.ordered, past)


@method(WINDOW, WINDOW_STEPS)
def window_method(interp: Interp, call: Call) -> V:
    """``w.orderBy("week").rowsBetween(-4, -1)``: the specification, refined."""
    return window_step(call.recv, call.name, call.args)


def column_function(short: str, args: list[V], kwargs: dict[str, V]) -> V:
    """``F.col("x")``, ``F.mean("x")``, ``F.when(...)``: a column expression (evaluated where
    ``select`` / ``withColumn`` / ``agg`` uses it, see :mod:`..expressions`)."""
    if short in ("col", "column"):
        return expressions.column(args)
    if short in expressions.STATISTICS or short in expressions.REDUCTIONS:
        named = args[:1] if args and isinstance(args[0], LitV) else []
        base = expressions.column(named) if named else expressions.merge(ExprV(), args[:1])
        return expressions.method(base, short, args[1:], {})
    return expressions.merge(ExprV(), [*args, *kwargs.values()])


@method(DATA, "approxQuantile")
def approx_quantile(interp: Interp, call: Call) -> V:
    """``df.approxQuantile("age", [0.5], 0.01)``: quantiles of the rows (a statistic)."""
    col = call.args[0] if call.args else UNKNOWN
    name = col.value if isinstance(col, LitV) and isinstance(col.value, str) else None
    return StatV(call.recv.derive(column=name), "quantile")


# -------------------------------------------------------------- frame methods
@method(DATA, "randomSplit")
def random_split(interp: Interp, call: Call) -> V:
    """``df.randomSplit([0.8, 0.2], seed=42)``: Spark's shuffled split into parts.

    Part 0 is the training part, the rest are held out (validation or
    test), whether unpacked into names or indexed.
    """
    d: DataV = call.recv
    args, kwargs, node = call.args, call.kwargs, call.node
    weights = args[0] if args else kwargs.get("weights", UNKNOWN)
    ws = (
        [i.value for i in weights.items if isinstance(i, LitV)] if isinstance(weights, SeqV) else []
    )
    n = len(weights.items) if isinstance(weights, SeqV) and weights.items else 2
    seeded = len(args) > 1 or kw_set(kwargs, "seed")
    if not seeded:
        interp.record("random_call", node, function="randomSplit", seeded=False)
    total = sum(w for w in ws if isinstance(w, int | float)) if len(ws) == n else 0
    rows = rows_of(interp, d)

    def count(first_part: int, last_part: int) -> int | None:
        """Rows of parts ``first_part..last_part``, from the weights, when the total is known."""
        share = sum(ws[first_part : last_part + 1]) / total if total else None
        return round(rows * share) if rows is not None and share is not None else None

    # three or more parts are cuts in turn (train | rest, then validation | test ...), as
    # np.split's are: each later part is a held-out part of the rows after the earlier cut
    parts: list[V] = []
    first_tok: SplitToken | None = None
    rest = d
    for i in range(max(n - 1, 1)):
        tok = SplitToken(
            interp.new_id("S"), "randomSplit", [rest], [], interp.loc(node), True, False, seeded
        )
        first_tok = first_tok or tok
        head = rest.derive(rows=rest.rows.part(tok.split_id, 0), n_rows=count(i, i))
        tail = rest.derive(rows=rest.rows.part(tok.split_id, 1), n_rows=count(i + 1, n - 1))
        tok.parts.extend([head, tail])
        tok.sides = {0, 1}
        interp.pending_splits.append(tok)
        parts.append(head)
        rest = tail
    parts.append(rest)
    return SeqV(parts, "list", split=first_tok)


@method(DATA, ("union", "unionByName", "unionAll"))
def union(interp: Interp, call: Call) -> V:
    """``train.union(test)``: the rows of both."""
    return concat(interp, SeqV([call.recv, *call.args], "list"), call.node)


# ------------------------------------------------------------ Spark ML methods
# The handlers of one method are tried in the order they are registered here; the
# fluent setters (any ``setX`` with one argument) come after the named methods.
@method(SPARK_ML, "addGrid")
def add_grid(interp: Interp, call: Call) -> V:
    """``ParamGridBuilder().addGrid(lr.regParam, [0.01, 0.1])``: lr's regParam varies."""
    est: EstV = call.recv
    node, args, info = call.node, call.args, call.recv.info
    if not (node.args and isinstance(node.args[0], ast.Attribute)):
        return NEXT
    owner = first(interp.ev(node.args[0].value))
    values = args[1] if len(args) > 1 else UNKNOWN
    n = len(values.items) if isinstance(values, SeqV) and not values.comp else 2
    if isinstance(owner, EstV):
        name = node.args[0].attr
        owner.info = replace(owner.info, params={**owner.info.params, name: Varies(n)})
        interp.record("estimator", node, estimator=owner.info, holder=owner)
    est.info = replace(info, configs=info.configs * n)
    return est


@method(SPARK_ML, "build")
def build(interp: Interp, call: Call) -> V:
    """``ParamGridBuilder()...build()``: one parameter map per grid point."""
    info = call.recv.info
    if info.cls != "ParamGridBuilder":
        return NEXT
    return MultiV([UNKNOWN], info.configs)


@method(SPARK_ML, "setParams")
def set_params(interp: Interp, call: Call) -> V:
    """``lr.setParams(maxIter=10, regParam=0.1)``: several parameters at once."""
    est: EstV = call.recv
    if len(call.args) == 1 or not call.kwargs:
        return NEXT  # one positional argument: a fluent setter (below)
    info = est.info
    params, _ = estimators.params_of(interp, call.kwargs, call.node)
    est.info = replace(info, params={**info.params, **params})
    if "evaluator" not in info.kinds:
        interp.record("estimator", call.node, estimator=est.info, holder=est)
    return est


@method(SPARK_ML, "evaluate")
def evaluate(interp: Interp, call: Call) -> V:
    """``evaluator.evaluate(predictions)``: the metric its ``metricName`` names."""
    ev: EstV = call.recv
    if "evaluator" not in ev.info.kinds:
        return NEXT
    preds = _dataset(call)
    name = ev.info.params.get("metricName", catalog.SPARK_DEFAULT_METRIC.get(ev.info.cls))
    metric = catalog.SPARK_METRICS.get(name, str(name)) if isinstance(name, str) else "?"
    if preds is None or preds.pred_est is None:
        return UNKNOWN
    label = ev.info.params.get("labelCol", "label")
    X = preds.pred_X
    col = label if isinstance(label, str) else None
    named = f"{X.name}['{col}']" if X is not None and X.name and col else None
    y = (X or preds).derive(column=col, name=named)
    # BinaryClassificationEvaluator reads rawPrediction: no threshold involved
    how = "decision_function" if ev.info.cls == "BinaryClassificationEvaluator" else "predict"
    proto = selection.evaluation(
        interp, metric, preds.pred_est, X, y, how, call.node, preds.pred_fit
    )
    return ScoreV([proto])


@method(SPARK_ML, "transform")
def transform(interp: Interp, call: Call) -> V:
    """``assembler.transform(df)`` keeps the rows; ``model.transform(df)`` adds predictions."""
    est: EstV = call.recv
    info = est.info
    if "evaluator" in info.kinds:
        return NEXT
    X = _dataset(call)
    if "stateless" in info.kinds:
        if X is None:
            return UNKNOWN
        cols = info.params.get("inputCols")
        n_feat = len(cols) if isinstance(cols, list) else 0
        return X.derive(column=None, n_features=n_feat or X.n_features)
    if not _predicts(info):
        return NEXT
    estimators.record_predict(interp, est, "predict", X, call.node)
    return estimators.predictions(interp, est, "predict", X, call.node)


@method(SPARK_ML, "fit")
def fit(interp: Interp, call: Call) -> V:
    """``model = lr.fit(train)``: a new Model; the label is the ``labelCol`` column of the frame."""
    est: EstV = call.recv
    info = est.info
    X = _dataset(call)
    if info.kinds & {"evaluator", "stateless"} or X is None:
        return NEXT
    label = info.final.params.get("labelCol", "label")
    y = X.derive(column=label) if _predicts(info) and isinstance(label, str) else None
    rec = interp.record(
        "fit",
        call.node,
        estimator=info,
        method="fit",
        X=X,
        y=y,
        subject=estimators.subject(info, X),
        direct=True,
        tuned_by=est.tuned_by,
    )
    if "search" in info.kinds:  # CrossValidator / TrainValidationSplit
        interp.record("crossval", call.node, estimator=info, function=info.cls, X=X, y=y)
    if y is not None and isinstance(label, str):
        interp.target_columns.add(label)
    # the Model is a new object: bound to its own name, it keeps the estimator's id
    return EstV(
        replace(info, binding=None), fitted_on=X, fitted_y=y, fit_record=rec, parts=est.parts
    )


@method(SPARK_ML, ANY)
def setter(interp: Interp, call: Call) -> V:
    """``lr.setMaxIter(10)``: a fluent setter of one parameter (any ``setX`` with one argument)."""
    est: EstV = call.recv
    meth, args, node = call.name, call.args, call.node
    if not (meth.startswith("set") and len(meth) > 3 and len(args) == 1):
        return NEXT
    info = est.info
    params, _ = estimators.params_of(interp, {}, node)
    name = meth[3].lower() + meth[4:]
    a = args[0]
    params[name] = a.value if isinstance(a, LitV) else Expr(ast.unparse(node.args[0]))
    est.info = replace(info, params={**info.params, **params})
    if "evaluator" not in info.kinds:
        interp.record("estimator", node, estimator=est.info, holder=est)
    return est


@method(SPARK_ML, ANY)
def fits_nothing(interp: Interp, call: Call) -> V:
    """Evaluators and stateless transformers have no other method worth reading."""
    if call.recv.info.kinds & {"evaluator", "stateless"}:
        return UNKNOWN
    return NEXT


def _dataset(call: Call) -> DataV | None:
    """The frame a Spark ML method is given (positional, or ``dataset=``)."""
    return data_of(call.args[0]) if call.args else data_of(call.kwargs.get("dataset", UNKNOWN))


def _predicts(info: EstimatorInfo) -> bool:
    """Whether the last stage predicts (a classifier, regressor or clusterer)."""
    return bool(info.final.kinds & {"classifier", "regressor", "cluster"})
