"""pandas and NumPy: loading, reshaping and summarising data.

Functions: readers give fresh rows; ``concat`` and ``vstack`` join rows;
``np.mean(X)`` and ``pd.qcut`` compute statistics of the rows (fits, see
:mod:`..statistics`); ``np.split`` and permutations split rows; seeds and
random draws. Frame methods (for pandas, and for polars and Spark frames,
which share most names): reductions are statistics, ``fillna(df.mean())``
is a fitted imputer, ``head``/``tail``/``sample``/``drop`` may be one side
of a split, ``groupby`` aggregates may be target encodings, and most other
methods keep the rows. NumPy's random functions are matched for the
standard library's ``random`` module too where the names coincide.
"""

from __future__ import annotations

import ast
import math

import ml_lint_nb.facts.static.interpreter.arithmetic as arithmetic
import ml_lint_nb.facts.static.interpreter.selection as selection
import ml_lint_nb.facts.static.interpreter.splits as splits
import ml_lint_nb.facts.static.interpreter.statistics as statistics
from ml_lint_nb.facts.model import RowSet
from ml_lint_nb.facts.static.interpreter.api import Interp
from ml_lint_nb.facts.static.interpreter.records import SplitToken
from ml_lint_nb.facts.static.interpreter.registry import (
    DATA,
    GROUPBY,
    INDEX,
    NEXT,
    Call,
    attribute,
    function,
    method,
    subscript,
)
from ml_lint_nb.facts.static.interpreter.rows import concat
from ml_lint_nb.facts.static.values import (
    SHUFFLED,
    UNKNOWN,
    DataV,
    FuncV,
    GroupByV,
    IndexerV,
    IndexV,
    LitV,
    RefV,
    SeqV,
    StatV,
    V,
    columns_kept,
    data_of,
    first,
    kw_set,
    stat_of,
    strings,
)

PANDAS_NUMPY = ("pandas", "numpy")
# frame reductions that are statistics of the rows (unless taken per row)
STATS = frozenset({"mean", "median", "mode", "std", "var", "min", "max", "quantile"})
# numpy reductions over rows: statistics when not taken row-wise (axis=1)
NP_STATS = frozenset(
    {
        "mean",
        "nanmean",
        "std",
        "nanstd",
        "median",
        "nanmedian",
        "percentile",
        "nanpercentile",
        "quantile",
        "nanquantile",
        "min",
        "max",
        "amin",
        "amax",
        "nanmin",
        "nanmax",
        "var",
        "nanvar",
        "average",
        "ptp",
    }
)
ROW_AXES = (1, -1, "columns")
# numpy functions that order or pick values: np.argmax(scores) may pick by score
CHOICE_FUNCTIONS = frozenset(
    {"argmax", "argmin", "nanargmax", "nanargmin", "argsort", "sort", "max", "min", "amax", "amin"}
)
SAME_SCALE_DRAWS = frozenset(
    {"randn", "rand", "random", "standard_normal", "random_sample", "normal", "uniform"}
)
READERS = (
    "read_csv",
    "read_parquet",
    "read_excel",
    "read_json",
    "read_sql",
    "read_feather",
    "read_pickle",
    "read_table",
)
# conversions and elementwise functions: the rows of their data arguments
ELEMENTWISE = (
    "array",
    "asarray",
    "DataFrame",
    "Series",
    "log",
    "log1p",
    "sqrt",
    "exp",
    "abs",
    "where",
    "clip",
    "nan_to_num",
    "ravel",
    "squeeze",
    "asanyarray",
)
# frame methods that describe the data they are called on (shown, counted, tested)
DESCRIBING = (
    "value_counts",
    "nunique",
    "describe",
    "unique",
    "info",
    "corr",
    "isna",
    "isnull",
    "notna",
    "duplicated",
    "any",
    "all",
    "count",
    "to_frame",
)
# frame methods that keep the rows (joined with the rows of any data argument)
ROW_PRESERVING = (
    "astype",
    "copy",
    "reset_index",
    "dropna",
    "drop_duplicates",
    "query",
    "assign",
    "rename",
    "apply",
    "transform",
    "replace",
    "clip",
    "round",
    "abs",
    "select_dtypes",
    "set_index",
    "to_numpy",
    "reshape",
    "ravel",
    "merge",
    "join",
    "interpolate",
    "ffill",
    "bfill",
    "shift",
    "diff",
    "rolling",
    "pipe",
    "filter",
    "where",
    "mask",
    "loc",
    "iloc",
    "explode",
    "melt",
    "pivot_table",
    "squeeze",
    "flatten",
    "to_list",
    "tolist",
)
# ... of which these keep the single column they are called on
KEEP_COLUMN = frozenset(
    {
        "astype",
        "copy",
        "to_numpy",
        "ravel",
        "flatten",
        "reset_index",
        "replace",
        "clip",
        "round",
        "abs",
        "fillna",
        "map",
        "apply",
        "to_list",
        "tolist",
        "squeeze",
    }
)


# ------------------------------------------------------------------ functions
# The handlers of one name are tried in the order they are registered here.
@function("numpy", CHOICE_FUNCTIONS)
def choice(interp: Interp, call: Call) -> V:
    """``np.argmax(scores)``: a pick by score, when the values are scores."""
    selection.note_choice(interp, call.name, call.args, call.node.args, call.node)
    return NEXT


@function("numpy", SAME_SCALE_DRAWS)
def same_scale_draw(interp: Interp, call: Call) -> V:
    """``np.random.randn(200, 2)``: every column drawn from one distribution (one scale)."""
    if ".random." not in call.qual:
        return NEXT
    loose = [v for k, v in call.kwargs.items() if k != "size"]
    if call.name in ("normal", "uniform"):
        loose += call.args[:2]
    if not all(isinstance(v, LitV) for v in loose):
        return NEXT
    return DataV(RowSet.root(interp.root_id(call.node)), scaled=True)


@function(("numpy", "random"), ("permutation", "shuffle"))
def shuffled(interp: Interp, call: Call) -> V:
    """``np.random.permutation(n)``: a random index (fresh rows); ``shuffle(X)`` in place.

    Slicing rows by parts of a permutation is a shuffled split
    (:func:`..splits.permuted_rows`).
    """
    node = call.node
    if call.name == "permutation":
        return DataV(RowSet.root(interp.root_id(node)), order=SHUFFLED)
    datas = [data_of(a) for a in call.args]
    # np.random.shuffle(X) shuffles in place and returns None
    if node.args and isinstance(node.args[0], ast.Name) and datas and datas[0]:
        interp.env[node.args[0].id] = DataV(**{**datas[0].__dict__, "order": SHUFFLED})
    return LitV(None)


@function(("numpy", "random"), "seed")
def seed(interp: Interp, call: Call) -> V:
    """``np.random.seed(0)``: a global seed."""
    interp.record("seed", call.node, function=call.qual)
    return LitV(None)


@function("numpy", NP_STATS)
def np_statistic(interp: Interp, call: Call) -> V:
    """``np.mean(X, axis=0)``: a statistic of the rows; ``axis=1`` is a feature of each row."""
    args, kwargs, short = call.args, call.kwargs, call.name
    if "random" in call.qual:
        return NEXT
    d = data_of(args[0]) if args else data_of(kwargs.get("a", UNKNOWN))
    pos = 2 if short.endswith(("percentile", "quantile")) else 1
    axis = kwargs.get("axis", args[pos] if len(args) > pos else None)
    if d is None or d.pred_est is not None:
        return NEXT
    if isinstance(axis, LitV) and axis.value in ROW_AXES:
        return d.derive(column=None)  # row-wise: a feature of each row
    name = short.removeprefix("nan")
    return StatV(d, {"amin": "min", "amax": "max"}.get(name, name))


@function("numpy", "norm")
def column_norm(interp: Interp, call: Call) -> V:
    """``np.linalg.norm(X, axis=0)``: each column's norm over the rows, a statistic of them.

    ``axis=1`` is a feature of each row; the norm of the whole array (no
    axis) is one global number, read as any unknown call.
    """
    if ".linalg." not in call.qual or not call.args:
        return NEXT
    d = data_of(call.args[0])
    axis = call.kwargs.get("axis", call.args[2] if len(call.args) > 2 else None)
    if d is None or d.pred_est is not None or not isinstance(axis, LitV):
        return NEXT
    if axis.value in ROW_AXES:
        return d.derive(column=None)
    return StatV(d, "norm") if axis.value == 0 else NEXT


@function("numpy", ("split", "array_split"))
def np_split(interp: Interp, call: Call) -> V:
    """``train, val, test = np.split(df.sample(frac=1), [a, b])``: consecutive parts."""
    args = call.args
    if not args:
        return NEXT
    d = data_of(args[0])
    axis = call.kwargs.get("axis", args[2] if len(args) > 2 else LitV(0))
    if d is None or not (isinstance(axis, LitV) and axis.value == 0):
        return NEXT
    return array_split(interp, d, args[1] if len(args) > 1 else None, call.node)


def array_split(interp: Interp, data: DataV, sections: V | None, node: ast.AST) -> V:
    """Parts cut at the given indices, each cut a split of the rows after the previous one.

    Only cuts at given indices split; a number of equal sections is
    chunking (batches, jobs). The parts read as train, then validation,
    then test (the lineage of a split of a held-out part), and two parts as
    train and test.
    """
    if isinstance(sections, SeqV):
        n = len(sections.items) + 1
    else:  # np.array_split(X, 4): equal chunks (batches, jobs), not hold-out parts
        return data.derive()
    if not 2 <= n <= 10:
        return data.derive()
    outs: list[V] = []
    rest = data
    for i in range(n - 1):
        tok = SplitToken(
            split_id=interp.new_id("S"),
            method="np.split",
            inputs=[rest],
            parts=[],
            location=interp.loc(node),
            # one call, one order: the first cut speaks for it (ML206 once)
            shuffle=data.order == SHUFFLED if i == 0 else None,
            stratified=False,
            seeded=True,
        )
        head = rest.derive(rows=rest.rows.part(tok.split_id, 0))
        later = "the validation and test parts" if n == 3 else "the later parts"
        tail = rest.derive(rows=rest.rows.part(tok.split_id, 1), name=None if i == n - 2 else later)
        tok.parts.extend([head, tail])
        tok.sides.update((0, 1))
        interp.pending_splits.append(tok)
        outs.append(head)
        rest = tail
        if i == n - 2:
            outs.append(tail)
    return SeqV(outs, "tuple")


@function(PANDAS_NUMPY, ("qcut", "cut"))
def binned(interp: Interp, call: Call) -> V:
    """``pd.qcut(df.age, 4)``: bin edges are quantiles (or min/max) of the rows, an encoder fit."""
    args, kwargs, short = call.args, call.kwargs, call.name
    if not args:
        return NEXT
    d = data_of(args[0])
    bins = args[1] if len(args) > 1 else kwargs.get("q", kwargs.get("bins", UNKNOWN))
    counted = isinstance(bins, LitV) and isinstance(bins.value, int)
    if d is not None and (short == "qcut" or counted):
        # the bin edges are quantiles (qcut) or min/max (cut with a count) of the rows
        return statistics.apply_stat(interp, d.derive(), StatV(d, short), call.node, "encoder")
    return d.derive() if d is not None else UNKNOWN


@function(PANDAS_NUMPY, ("concat", "vstack", "concatenate", "row_stack", "append"))
def stacked(interp: Interp, call: Call) -> V:
    """``pd.concat([train, test])``: the rows of all parts (side by side with ``axis=1``)."""
    args = call.args
    axis = call.kwargs.get("axis")
    if call.name == "concat" and isinstance(axis, LitV) and axis.value in (1, "columns"):
        return interp.generic_call(args[:1], {}, call.node)
    return concat(interp, args[0] if args else UNKNOWN, call.node)


@function(PANDAS_NUMPY, ("hstack", "column_stack"))
def side_by_side(interp: Interp, call: Call) -> V:
    """``np.hstack([X, extra])``: the same rows, more columns.

    Every part has the first part's rows (hstack requires as many), so the
    rows are the first part's; the fitted state of every part reaches the
    result. Columns added beside data whose scales are known keep them
    known: the spread of scales can only grow.
    """
    parts = call.args[0] if len(call.args) == 1 else SeqV(list(call.args), "tuple")
    items = parts.items if isinstance(parts, SeqV) else [parts]
    datas = [d for d in (data_of(i) for i in items) if d is not None]
    if not datas:
        return interp.generic_call(call.args, {}, call.node)
    applied = datas[0].applied
    for d in datas[1:]:
        applied = applied | d.applied
    return datas[0].derive(
        column=None, n_features=0, applied=applied, scaled=all(d.scaled for d in datas)
    )


@function(PANDAS_NUMPY, "get_dummies")
def get_dummies(interp: Interp, call: Call) -> V:
    """``pd.get_dummies(df, columns=[...])``: a one-hot encoding of those columns."""
    args, kwargs = call.args, call.kwargs
    data = data_of(args[0]) if args else data_of(kwargs.get("data", UNKNOWN))
    cols = kwargs.get("columns")
    names: tuple[str, ...] = ()
    if isinstance(cols, SeqV):
        names = tuple(
            i.value for i in cols.items if isinstance(i, LitV) and isinstance(i.value, str)
        )
    elif isinstance(cols, LitV) and isinstance(cols.value, str):
        names = (cols.value,)
    elif data is not None and data.column:
        names = (data.column,)
    interp.record(
        "encoding", call.node, method="get_dummies", data=data, columns=names, bounded=False
    )
    return data.derive(column=None, n_features=0, unscaled_known=False) if data else UNKNOWN


@function(PANDAS_NUMPY, "to_datetime")
def to_datetime(interp: Interp, call: Call) -> V:
    """``pd.to_datetime(df.date)``: the column holds times (a mask on it splits by time)."""
    d = data_of(call.args[0]) if call.args else None
    if d is not None and d.column:
        interp.time_columns.add(d.column)
    return d.derive() if d is not None else UNKNOWN


@function(PANDAS_NUMPY, READERS)
def reader(interp: Interp, call: Call) -> V:
    """``pd.read_csv(...)``: fresh rows; ``parse_dates`` names time columns."""
    pd_cols = call.kwargs.get("parse_dates")
    if isinstance(pd_cols, SeqV):
        for item in pd_cols.items:
            if isinstance(item, LitV) and isinstance(item.value, str):
                interp.time_columns.add(item.value)
    return DataV(RowSet.root(interp.root_id(call.node)))


@function("numpy", ("arange", "linspace", "logspace", "geomspace"))
def grid_of_values(interp: Interp, call: Call) -> V:
    """``np.logspace(-3, 3, 7)``: fresh values, as many as the literal arguments say.

    A loop over them (``for C in np.logspace(...)``) then knows how many
    values a hyper-parameter takes.
    """
    lits = [a.value for a in call.args if isinstance(a, LitV)]
    if len(lits) != len(call.args) or not all(isinstance(v, int | float) for v in lits):
        return NEXT
    n: int | None = None
    if call.name == "arange" and lits:
        start, stop, step = (
            (0, lits[0], 1) if len(lits) == 1 else (*lits[:2], lits[2] if len(lits) > 2 else 1)
        )
        n = max(0, math.ceil((stop - start) / step)) if step else None
    elif call.name != "arange":
        num = call.kwargs.get("num")
        n = lits[2] if len(lits) > 2 else (num.value if isinstance(num, LitV) else 50)
    if not isinstance(n, int) or isinstance(n, bool):
        return NEXT
    return DataV(RowSet.root(interp.root_id(call.node)), n_rows=n)


@function("numpy", ("add", "subtract", "multiply", "divide", "true_divide", "power"))
def np_arithmetic(interp: Interp, call: Call) -> V:
    """``np.divide(np.subtract(X, mu), sd)``: the operators spelled as functions."""
    if len(call.args) < 2:
        return NEXT
    return interp.arith(call.args[0], call.args[1], arithmetic.SPELLED[call.name], call.node)


@function(("pandas", "polars"), "DataFrame")
def frame_of_columns(interp: Interp, call: Call) -> V:
    """``pd.DataFrame({"user_id": rng.integers(0, 20_000, n), ...})``: a new frame.

    Columns drawn afresh (random draws, ranges) make one new set of rows, and
    how many distinct values a column can take is what the code shows of its
    cardinality (a one-hot encoding of it, ML107). Columns that come from data
    already read (predictions on a test part) keep those rows.
    """
    node = call.node
    table = call.args[0] if call.args else None
    if not (node.args and isinstance(node.args[0], ast.Dict) and isinstance(table, SeqV)):
        return NEXT
    datas = [d for d in (data_of(v) for v in table.items) if d is not None]
    fresh = all(
        len(d.rows.paths) == 1
        and len(next(iter(d.rows.paths))) == 1
        and not d.applied
        and d.pred_est is None
        for d in datas
    )
    if not fresh:
        return NEXT
    root = interp.root_id(node)
    for key, value in zip(node.args[0].keys, node.args[0].values, strict=False):
        if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
            continue
        n = drawn_levels(interp, value)
        if n is not None:
            text = f"the code draws '{key.value}' from {n:,} distinct values"
            interp.knowledge.setdefault((root, key.value), {})["levels"] = (
                n,
                text,
                interp.loc(value),
            )
    return DataV(RowSet.root(root))


def drawn_levels(interp: Interp, expr: ast.expr) -> int | None:
    """How many distinct values a generated column can take, when the code spells it.

    ``rng.integers(0, 20_000, n)`` / ``np.random.randint(lo, hi, size)``: the range
    (capped by the size); ``np.arange(n)`` / ``range(n)``: ``n``;
    ``rng.choice(5_000, n)``: 5,000.
    """
    if not isinstance(expr, ast.Call):
        return None
    name = expr.func.attr if isinstance(expr.func, ast.Attribute) else getattr(expr.func, "id", "")
    args = [interp.ev(a) for a in expr.args]
    lits = [a.value for a in args if isinstance(a, LitV) and isinstance(a.value, int)]
    if len(lits) != len(args) or not lits:
        return None
    size = next(
        (
            v.value
            for k in expr.keywords
            if k.arg == "size"
            and isinstance(v := interp.ev(k.value), LitV)
            and isinstance(v.value, int)
        ),
        None,
    )
    if name in ("integers", "randint"):
        lo, hi = (0, lits[0]) if len(lits) == 1 else (lits[0], lits[1])
        size = size if size is not None else (lits[2] if len(lits) > 2 else None)
        n = hi - lo
    elif name in ("arange", "range"):
        return len(range(*lits[:3]))
    elif name == "choice":
        n = lits[0]
        size = size if size is not None else (lits[1] if len(lits) > 1 else None)
    else:
        return None
    return min(n, size) if size is not None else n


@function(PANDAS_NUMPY, ELEMENTWISE)
def elementwise(interp: Interp, call: Call) -> V:
    """``np.log1p(X)``, ``pd.DataFrame(X)``: the rows of the data arguments."""
    return interp.generic_call(call.args, {}, call.node)


@subscript(("numpy.r_", "numpy.c_"))
def index_stack(interp: Interp, index: V, node: ast.AST) -> V:
    """``np.r_[a, b]``: the rows of both, stacked."""
    return concat(interp, index, node)


# ----------------------------------------------------------------- attributes
@attribute(DATA, ("iloc", "loc", "iat", "at"))
def indexer(interp: Interp, d: DataV, attr: str, node: ast.AST) -> V:
    """``df.iloc``: subscripting it selects rows."""
    return IndexerV(d, attr)


@attribute(DATA, "index")
def index(interp: Interp, d: DataV, attr: str, node: ast.AST) -> V:
    """``df.index``: the rows' labels (``df.drop(train.index)``)."""
    return IndexV(d)


@attribute(DATA, ("shape", "columns", "dtypes", "size", "ndim"))
def metadata(interp: Interp, d: DataV, attr: str, node: ast.AST) -> V:
    """``df.shape``: about the data, not data."""
    return UNKNOWN


@attribute(DATA, ("values", "T", "str", "dt", "cat", "array", "na"))
def same_data(interp: Interp, d: DataV, attr: str, node: ast.AST) -> V:
    """``df.values``, ``s.str``: the same data in another form."""
    return d.derive()


# -------------------------------------------------------------- frame methods
# The handlers of one method are tried in the order they are registered here.
@method(DATA, ("rolling", "expanding", "ewm", "resample"))
def window(interp: Interp, call: Call) -> V:
    """``df.rolling(7)``: its reductions are per-row windows, not statistics."""
    return call.recv.derive(window=True)


@method(DATA, STATS)
def reduction(interp: Interp, call: Call) -> V:
    """``df.age.mean()``, ``X.mean(0)``: a statistic of the rows (per row with ``axis=1``, or
    in a window). The axis comes first among the positional arguments (after ``q``)."""
    d: DataV = call.recv
    pos = 1 if call.name == "quantile" else 0
    axis = call.kwargs.get("axis", call.args[pos] if len(call.args) > pos else None)
    if axis is not None and not isinstance(axis, LitV):
        return NEXT
    if d.window or isinstance(axis, LitV) and axis.value in ROW_AXES:
        return d.derive(column=d.column if d.window else None)  # a feature of each row
    return StatV(d, call.name)


@method(DATA, ("sub", "subtract", "mul", "multiply", "div", "divide", "truediv", "add", "pow"))
def spelled_operator(interp: Interp, call: Call) -> V:
    """``df.sub(df.mean()).div(df.std())``: the operators spelled as methods."""
    if not call.args:
        return NEXT
    return interp.arith(call.recv, call.args[0], arithmetic.SPELLED[call.name], call.node)


@method(DATA, ("agg", "aggregate"))
def named_aggregate(interp: Interp, call: Call) -> V:
    """``df.agg("mean")``, ``df.agg(["min", "max"])``: statistics of the rows, by name."""
    names = strings(call.args[0] if call.args else call.kwargs.get("func"))
    axis = call.kwargs.get("axis")
    if not names or not set(names) <= STATS or isinstance(axis, LitV) and axis.value in ROW_AXES:
        return NEXT
    return StatV(call.recv, "/".join(names))


@method(DATA, ("corr", "corrwith"))
def correlation(interp: Interp, call: Call) -> V:
    """``df.corr()``, ``X.corrwith(y)``: correlations over the rows; choosing the columns most
    correlated with the target by them is a selection (see :mod:`..choices`)."""
    d: DataV = call.recv
    other = data_of(call.args[0]) if call.name == "corrwith" and call.args else None
    if other is not None and other.column:
        return StatV(d.derive(column=other.column), "corr")
    return StatV(d, "corr")


@method(DATA, "describe")
def described(interp: Interp, call: Call) -> V:
    """``df.describe()``: a table of statistics of the rows (``desc.loc["mean"]`` is one)."""
    return StatV(call.recv, "mean/std/min/max/quantile")


@method(DATA, ("fillna", "clip", "replace", "where", "mask"))
def filled(interp: Interp, call: Call) -> V:
    """``fillna(df.age.mean())``, ``clip(lo, hi)`` with statistics: a fitted imputer or scaler."""
    d: DataV = call.recv
    args, kwargs, meth = call.args, call.kwargs, call.name
    # a statistic as the fill value, the clip bounds or the replacement
    vals = (
        [*args, *kwargs.values()]
        if meth != "fillna"
        else args[:1] or [kwargs.get("value", UNKNOWN)]
    )
    st = next((x for x in (stat_of(v) for v in vals) if x is not None), None)
    if st is not None:
        kind = "imputer" if meth == "fillna" else "scaler"
        return statistics.apply_stat(interp, d.derive(column=d.column), st, call.node, kind)
    if meth == "fillna":
        return d.derive()
    return NEXT


@method(DATA, ("apply", "transform", "pipe", "agg", "aggregate", "map"))
def applied(interp: Interp, call: Call) -> V:
    """``df.apply(f)``: a notebook function read like a direct call, a library one called."""
    d: DataV = call.recv
    args, kwargs, meth = call.args, call.kwargs, call.name
    if not args:
        return NEXT
    func = first(args[0])
    if isinstance(func, FuncV):
        return apply_function(interp, d, func, meth, args, kwargs, call.node)
    axis = kwargs.get("axis")
    rowwise = isinstance(axis, LitV) and axis.value in ROW_AXES
    if isinstance(func, RefV) and not rowwise and meth != "map":
        # df.apply(zscore), df.transform(preprocessing.scale), df.agg(np.mean)
        result = interp.call_ref(func.qualname, [d.derive()], {}, call.node)
        if isinstance(first(result), StatV):
            return first(result)
        rd = data_of(result)
        if rd is not None and rd.applied != d.applied:
            return d.derive(column=d.column, applied=rd.applied, scaled=rd.scaled)
    return NEXT


def apply_function(
    interp: Interp,
    d: DataV,
    func: FuncV,
    meth: str,
    args: list[V],
    kwargs: dict[str, V],
    node: ast.Call,
) -> V:
    """A notebook function passed to apply/transform/pipe/agg, read like a direct call.

    Column-wise (the default) the function sees whole columns, so a
    ``x.mean()`` inside is a statistic of every row; row-wise
    (``axis=1``) it sees one row, and its reductions are per-row features.
    """
    axis = kwargs.get("axis")
    rowwise = isinstance(axis, LitV) and axis.value in ROW_AXES
    arg: V = UNKNOWN if rowwise else d.derive()
    extra = list(args[1:]) if meth == "pipe" else []
    result = interp.inline(func, [arg, *extra], {}, node)
    st = first(result)
    if isinstance(st, StatV) and meth in ("agg", "aggregate"):
        return st
    rd = data_of(result)
    if isinstance(st, StatV) and not rowwise:  # df.apply(lambda c: c.mean()): statistics
        return st
    if meth == "pipe" and rd is not None:
        return rd
    applied = d.applied | rd.applied if rd is not None else d.applied
    scaled = (
        rd.scaled if rd is not None else d.scaled
    )  # df.apply(lambda c: (c - c.mean()) / c.std())
    return d.derive(column=d.column, applied=applied, scaled=scaled)


@method(DATA, ("head", "tail"))
def head_tail(interp: Interp, call: Call) -> V:
    """``df.head(800)`` / ``df.tail(200)``: one side of an unshuffled split, once bound."""
    side = 0 if call.name == "head" else 1
    return splits.positional_split(interp, call.recv, side, call.node, "head_tail")


@method(DATA, "sample")
def sample(interp: Interp, call: Call) -> V:
    """``df.sample(frac=0.8)``: one side of a split; ``frac=1`` shuffles; ``replace=True`` duplicates."""
    d: DataV = call.recv
    args, kwargs = call.args, call.kwargs
    frac = kwargs.get("frac", kwargs.get("fraction"))  # polars and Spark say fraction
    n = kwargs.get("n", args[0] if args else None)
    replace = kwargs.get("replace")
    if (isinstance(replace, LitV) and replace.value is True) or (
        isinstance(frac, LitV) and isinstance(frac.value, int | float) and frac.value > 1
    ):
        return statistics.duplicated(interp, d, "sample(replace=True)", call.node)
    is_part = (
        isinstance(frac, LitV) and isinstance(frac.value, float) and frac.value < 1
    ) or isinstance(n, LitV)
    if is_part:
        seeded = kw_set(kwargs, "random_state") or kw_set(kwargs, "seed")  # polars, Spark: seed
        return splits.sample_split(interp, d, seeded, call.node)
    if isinstance(frac, LitV) and frac.value == 1:  # sample(frac=1): shuffled rows
        return d.derive(order=SHUFFLED)
    return d.derive()


@method(DATA, "isin")
def membership(interp: Interp, call: Call) -> V:
    """``df["id"].isin(train["id"])``: a mask when the values are a sample's rows."""
    d: DataV = call.recv
    mask = splits.membership_mask(interp, d, d.column, call.args[0]) if call.args else None
    return NEXT if mask is None else mask


@method(INDEX, "isin")
def index_membership(interp: Interp, call: Call) -> V:
    """``df.index.isin(train.index)``: a mask when the index is a sample's."""
    index: IndexV = call.recv
    mask = splits.membership_mask(interp, index.data, None, call.args[0]) if call.args else None
    return NEXT if mask is None else mask


@method(DATA, "permutation")
def permutation(interp: Interp, call: Call) -> V:
    """``rng.permutation(n)``: a random index of its own."""
    return DataV(RowSet.root(interp.root_id(call.node)), order=SHUFFLED)


@method(DATA, "drop")
def drop(interp: Interp, call: Call) -> V:
    """``df.drop(train.index)`` after a sample is the other side; ``drop(columns=...)`` loses them.

    The dropped names are kept: a ``describe()`` printed earlier no longer
    describes the frame's columns.
    """
    d: DataV = call.recv
    args, kwargs = call.args, call.kwargs
    target = args[0] if args else kwargs.get("index", UNKNOWN)
    complement = splits.sample_complement(interp, d, target)
    if complement is not None:
        return complement
    dropped = strings(kwargs.get("columns", args[0] if args else None))
    n_feat = d.n_features - len(dropped) if d.n_features and dropped else None
    axis = kwargs.get("axis", args[1] if len(args) > 1 else None)
    by_col = "columns" in kwargs or (isinstance(axis, LitV) and axis.value in (1, "columns"))
    kept = columns_kept(d, tuple(dropped), drop=True) if by_col else {}
    out = d.derive(column=None, n_features=n_feat, **kept)
    out.dropped = d.dropped | frozenset(dropped)
    return out


@method(DATA, ("sort_values", "sort_index"))
def sort(interp: Interp, call: Call) -> V:
    """``df.sort_values("date")``: rows in a stored order (a later slice splits by it)."""
    args = call.args
    by = call.kwargs.get("by", args[0] if args else None)
    cols = strings(by)
    col = cols[0] if cols else ("<index>" if call.name == "sort_index" else None)
    return call.recv.derive(order=("sorted", col) if col else None)


@method(DATA, "groupby")
def groupby(interp: Interp, call: Call) -> V:
    """``df.groupby("city")``: groups whose aggregates are statistics per group."""
    args = call.args
    by = call.kwargs.get("by", args[0] if args else None)
    keys = tuple(strings(by))
    if keys:  # the notebook groups these rows by these columns (ML211's static premise)
        interp.record("grouping", call.node, data=call.recv, keys=keys)
    return GroupByV(call.recv, keys)


@method(DATA, "pop")
def pop(interp: Interp, call: Call) -> V:
    """``y = df.pop("label")``: that column."""
    col = call.args[0] if call.args else UNKNOWN
    return call.recv.derive(
        column=col.value if isinstance(col, LitV) and isinstance(col.value, str) else None
    )


@method(DATA, "map")
def mapped(interp: Interp, call: Call) -> V:
    """``df.city.map(df.groupby("city").price.mean())``: a group statistic mapped onto rows."""
    d: DataV = call.recv
    if not (call.args and isinstance(call.args[0], StatV | GroupByV)):
        return NEXT
    g = call.args[0]
    if isinstance(g, GroupByV):
        est_id = statistics.group_statistic(interp, g, call.node)
        return d.derive(applied=d.applied | {est_id})
    return d.derive()


@method(DATA, DESCRIBING)
def describing(interp: Interp, call: Call) -> V:
    """``df.value_counts()``, ``df.isna()``: about the same rows."""
    return call.recv.derive()


@method(DATA, ROW_PRESERVING)
def row_preserving(interp: Interp, call: Call) -> V:
    """``df.astype(float)``, ``df.merge(other)``: the same rows (and those of any data argument)."""
    d: DataV = call.recv
    datas = [x for x in (data_of(a) for a in call.args) if x is not None]
    rows = d.rows
    for x in datas:
        rows = rows.union(x.rows)
    return d.derive(rows=rows, column=d.column if call.name in KEEP_COLUMN else None)


# ------------------------------------------------------------ groupby methods
@method(GROUPBY, ("transform", "apply", "agg", "aggregate"))
def group_apply(interp: Interp, call: Call) -> V:
    """``.transform(lambda x: x.fillna(x.mean()))``: a notebook function, per group."""
    g: GroupByV = call.recv
    if not call.args:
        return NEXT
    func = first(call.args[0])
    if not isinstance(func, FuncV):
        return NEXT
    col = g.data.derive(column=g.column) if g.column else g.data.derive()
    return apply_function(interp, col, func, call.name, call.args, call.kwargs, call.node)


@method(GROUPBY, ("transform", "agg", "aggregate", "mean", "median"))
def group_aggregate(interp: Interp, call: Call) -> V:
    """``groupby(...)["price"].transform("mean")``: a group statistic mapped onto rows."""
    g: GroupByV = call.recv
    args, meth = call.args, call.name
    agg = args[0].value if args and isinstance(args[0], LitV) else meth
    if not (
        meth in ("transform", "agg", "aggregate")
        and agg in ("mean", "median", "sum")
        or meth in ("mean", "median")
    ):
        return NEXT
    if meth != "transform":
        return GroupByV(g.data, g.keys, g.column, agg)
    est_id = statistics.group_statistic(interp, GroupByV(g.data, g.keys, g.column, agg), call.node)
    return g.data.derive(column=None, applied=g.data.applied | {est_id})
