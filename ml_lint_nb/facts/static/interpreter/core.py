"""An abstract interpreter over a notebook's code cells, in notebook order.

It walks each cell's AST once, keeping an environment of abstract values
(:mod:`values`), and records the ML events it sees as *proto facts* that
still point at abstract data. Facts are finalised after the last cell so
that evidence printed later in the notebook (a ``value_counts`` three cells
down) still informs an earlier split.

Why an interpreter rather than pattern matching: the same pitfall hides
behind aliases, tuple unpacking, method chains, loops over models and
helper functions; following values is what makes both the findings and
the silences trustworthy.
"""

from __future__ import annotations

import ast
import builtins
import itertools
import math
from collections.abc import Callable
from typing import Any

import ml_lint_nb.facts.static.interpreter.displays as displays
import ml_lint_nb.facts.static.interpreter.selection as selection
import ml_lint_nb.facts.static.interpreter.splits as splits
import ml_lint_nb.facts.static.interpreter.statistics as statistics
from ml_lint_nb.facts import catalog
from ml_lint_nb.facts.location import Location
from ml_lint_nb.facts.model import FOLD, EstimatorInfo, RowSet
from ml_lint_nb.facts.static.deadline import Deadline
from ml_lint_nb.facts.static.interpreter.records import (
    Display,
    Proto,
    SplitState,
    SplitToken,
    StatState,
)
from ml_lint_nb.facts.static.values import (
    SHUFFLED,
    UNKNOWN,
    CallbackV,
    DataV,
    EstRef,
    EstV,
    Expr,
    FoldIndexV,
    FuncV,
    GroupByV,
    IndexerV,
    IndexV,
    LitV,
    MaskV,
    MultiV,
    RefV,
    ScoreV,
    SeqV,
    StatV,
    TunedV,
    UnknownV,
    V,
    Varies,
    applied_of,
    columns_kept,
    data_of,
    first,
    kw_set,
    stat_of,
    strings,
    with_column_ids,
)

BUILTIN_NAMES = frozenset(dir(builtins)) | {"display", "get_ipython", "In", "Out", "_", "__", "___"}

PREDICT_METHODS = frozenset({"predict", "predict_proba", "decision_function", "predict_log_proba"})
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
# arguments that give a count or a shape, never data (np.random.randint(lo, hi, size=n_missing))
SIZE_ARGS = frozenset({"size", "shape", "n", "n_samples", "num"})


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


class Interpreter:
    """Interprets cells one by one; see the module docstring."""

    def __init__(self) -> None:
        self.env: dict[str, V] = {}
        self.protos: list[Proto] = []
        self.splits: list[SplitToken] = []
        self.knowledge: dict[tuple[str, str | None], dict[str, Any]] = {}
        self.time_columns: set[str] = set()
        self.target_columns: set[str] = set()
        self.cell_index: int | None = 0
        self.cell_id: str | None = None
        self.cell_key = "0"
        self.execution_count: int | None = None
        self.loop_depth = 0
        self.call_stack: list[Location] = []
        self.returns: list[V] = []
        self.displays: list[Display] = []
        self._counter = itertools.count(1)
        self.pending_splits: list[SplitToken] = []
        self.split_state = SplitState()
        # names holding model scores (a results dict, a list of test scores), for ML205;
        # nothing is tracked before the notebook computes its first score
        self.score_names: dict[str, list[Proto]] = {}
        self.scored = False
        # live mode: what a name the cells never defined is in the kernel (imported or
        # built before %load_ext); None in static mode
        self.resolve_free: Callable[[str], V | None] | None = None
        # module-level names each cell defines and uses, for the cell-order facts (ML502)
        self.cell_names: list[
            tuple[int, str | None, dict[str, int], dict[str, tuple[int, int]]]
        ] = []
        self._defs: dict[str, int] = {}
        self._uses: dict[str, tuple[int, int]] = {}
        self.stat_state = StatState()
        self.resampled: set[str] = set()  # est_ids of resamplers: their output has new shares
        self.cur_stmt: ast.stmt | None = None
        self.deadline: Deadline | None = None  # checked at each statement

    # ------------------------------------------------------------------ cells
    def run_cell(
        self,
        tree: ast.Module,
        cell_index: int | None,
        cell_id: str | None,
        *,
        cell_key: str | None = None,
        execution_count: int | None = None,
    ) -> list[Display]:
        """Interpret one cell. ``cell_key`` names the cell across re-runs (live mode)."""
        self.cell_index = cell_index
        self.cell_id = cell_id
        self.cell_key = cell_key if cell_key is not None else str(cell_index)
        self.execution_count = execution_count
        self._counter = itertools.count(1)
        self.displays = []
        self._defs, self._uses = {}, {}
        self.cell_names.append((cell_index, cell_id, self._defs, self._uses))
        body = tree.body
        for i, stmt in enumerate(body):
            is_last = i == len(body) - 1
            try:
                self.stmt(stmt, display=is_last)
            except RecursionError:
                raise
            except Exception:  # an unforeseen construct must not lose the rest of the cell
                continue
            finally:
                self.flush_splits()
        return self.displays

    # -------------------------------------------------------------- locations
    def loc(self, node: ast.AST) -> Location:
        if self.call_stack:
            return self.call_stack[0]
        return Location(
            cell=self.cell_index,
            cell_id=self.cell_id,
            execution_count=self.execution_count,
            line=getattr(node, "lineno", None),
            col=(node.col_offset + 1) if hasattr(node, "col_offset") else None,
        )

    def new_id(self, prefix: str) -> str:
        """An id stable across re-runs of the same cell: cell key plus order within the cell."""
        return f"{prefix}{self.cell_key}.{next(self._counter)}"

    def root_id(self, node: ast.AST) -> str:
        return self.new_id("r")

    def record(self, kind: str, node: ast.AST, **args: Any) -> Proto:
        p = Proto(kind, self.loc(node), dict(args, in_loop=self.loop_depth > 0))
        self.protos.append(p)
        return p

    # ------------------------------------------------------------- statements
    def stmt(self, node: ast.stmt, display: bool = False) -> None:
        if self.deadline is not None:
            self.deadline.check()
        if not self.call_stack:
            self.cur_stmt = node  # the notebook's statement, also while inlining a helper
        method = getattr(self, "s_" + type(node).__name__, None)
        if method is not None:
            method(node)
            if display and isinstance(node, ast.Expr):
                displays.note_display(self, node.value)
            return
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.stmt):
                self.stmt(child)
            elif isinstance(child, ast.expr):
                self.ev(child)

    def body(self, stmts: list[ast.stmt]) -> None:
        for s in stmts:
            try:
                self.stmt(s)
            except RecursionError:
                raise
            except Exception:
                continue

    def s_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.asname:
                self.env[alias.asname] = RefV(alias.name)
                self.define(alias.asname, node)
            else:
                top = alias.name.split(".")[0]
                self.env[top] = RefV(top)
                self.define(top, node)

    def s_ImportFrom(self, node: ast.ImportFrom) -> None:
        mod = node.module or ""
        for alias in node.names:
            if alias.name == "*":
                self.define("*", node)  # may bring any name (ML502 stays silent on them)
                continue
            self.env[alias.asname or alias.name] = RefV(
                f"{mod}.{alias.name}" if mod else alias.name
            )
            self.define(alias.asname or alias.name, node)

    def s_Assign(self, node: ast.Assign) -> None:
        value = self.ev(node.value)
        for target in node.targets:
            self.assign(target, value, node)
        selection.track_scores(self, node.targets, value, node.value)
        for target in node.targets:
            if isinstance(target, ast.Subscript):
                displays.columns_replaced(self, target, value)

    def s_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self.assign(node.target, self.ev(node.value), node)

    def s_AugAssign(self, node: ast.AugAssign) -> None:
        target = node.target
        if isinstance(target, ast.Subscript | ast.Attribute) or (
            isinstance(target, ast.Name) and isinstance(self.env.get(target.id), DataV)
        ):
            # X -= X.mean(axis=0); df["a"] /= df["a"].std(): the same as X = X - ...
            load = _as_load(target)
            value = self.ev(ast.copy_location(ast.BinOp(load, node.op, node.value), node))
            self.assign(target, value, node)
            return
        self.ev(node.value)
        if isinstance(node.target, ast.Name):
            self.e_Name(
                ast.Name(node.target.id, ast.Load(), lineno=node.lineno, col_offset=node.col_offset)
            )
            self.define(node.target.id, node)
            current = self.env.get(node.target.id)
            if isinstance(current, LitV | UnknownV) or current is None:
                self.env[node.target.id] = UNKNOWN

    def s_Expr(self, node: ast.Expr) -> None:
        self.ev(node.value)
        call = node.value
        if (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and call.func.attr == "show"  # a Spark frame's show() prints wherever it stands
        ):
            displays.note_display(self, call)

    def s_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.env[node.name] = FuncV(node, node.name)
        self.define(node.name, node)

    s_AsyncFunctionDef = s_FunctionDef

    def s_ClassDef(self, node: ast.ClassDef) -> None:
        self.env[node.name] = RefV(f"__main__.{node.name}")
        self.define(node.name, node)

    def s_Return(self, node: ast.Return) -> None:
        self.returns.append(self.ev(node.value) if node.value is not None else LitV(None))

    def s_Delete(self, node: ast.Delete) -> None:
        for t in node.targets:
            if isinstance(t, ast.Name):
                self.env.pop(t.id, None)

    def s_If(self, node: ast.If) -> None:
        self.ev(node.test)
        self.body(node.body)
        self.body(node.orelse)

    def s_For(self, node: ast.For) -> None:
        element = self.iter_element(self.ev(node.iter))
        self.loop_depth += 1
        try:
            self.assign(node.target, element, node)
            self.body(node.body)
        finally:
            self.loop_depth -= 1
        self.body(node.orelse)

    s_AsyncFor = s_For

    def s_While(self, node: ast.While) -> None:
        self.ev(node.test)
        self.loop_depth += 1
        try:
            self.body(node.body)
        finally:
            self.loop_depth -= 1

    def s_With(self, node: ast.With) -> None:
        for item in node.items:
            v = self.ev(item.context_expr)
            if item.optional_vars is not None:
                self.assign(item.optional_vars, v, node)
        self.body(node.body)

    s_AsyncWith = s_With

    def s_Try(self, node: ast.Try) -> None:
        self.body(node.body)
        for h in node.handlers:
            if h.name:
                self.env[h.name] = UNKNOWN
                self.define(h.name, h)
            self.body(h.body)
        self.body(node.orelse)
        self.body(node.finalbody)

    s_TryStar = s_Try

    # -------------------------------------------------------------- assignment
    def assign(self, target: ast.expr, value: V, node: ast.AST) -> None:
        if isinstance(target, ast.Name):
            self.bind(target.id, value, target)
        elif isinstance(target, ast.Tuple | ast.List):
            elts = target.elts
            items = self.unpack(value, len(elts))
            for t, v in zip(elts, items, strict=False):
                if isinstance(t, ast.Starred):
                    self.assign(t.value, v, node)
                else:
                    self.assign(t, v, node)
        elif isinstance(target, ast.Subscript | ast.Attribute):
            self.ev(target.value)
            if isinstance(target, ast.Subscript):
                self.ev(target.slice)
            self.assign_column(target, value, node)
        elif isinstance(target, ast.Starred):
            self.assign(target.value, value, node)

    def assign_column(self, target: ast.expr, value: V, node: ast.AST) -> None:
        """``df["age"] = ...`` / ``df.loc[m, "age"] = ...``: what reached the column reaches ``df``.

        A statistic assigned (or data carrying fitted state) marks the frame's
        ``applied`` set, per column, so that the path to a model survives
        ``df.drop(columns=...)`` and column selections correctly.
        """
        name, col = _frame_target(target)
        if name is None:
            return
        frame = self.env.get(name)
        if not isinstance(frame, DataV) or frame.pred_est is not None:
            return
        st = stat_of(value) if not isinstance(first(value), DataV) else None
        if st is not None:
            ids = st.data.applied | {statistics.stat_fit(self, st, node, "imputer")}
        else:
            d = data_of(value)
            if d is None or not d.applied:
                return
            ids = d.applied
        new = with_column_ids(frame, col, ids)
        d = data_of(value)
        if d is not None and d.scaled and isinstance(target, ast.Subscript):
            # df[num_cols] = scaler.fit_transform(df[num_cols]): those columns are scaled
            names = [col] if col is not None else strings(self.ev(target.slice))
            if names:
                new.scaled_cols = frame.scaled_cols | frozenset(names)
        self.env[name] = new

    def unpack(self, value: V, n: int) -> list[V]:
        if isinstance(value, MultiV):
            per_alt = [self.unpack(a, n) for a in value.alts]
            return [MultiV([p[i] for p in per_alt], value.count) for i in range(n)]
        if isinstance(value, SeqV) and len(value.items) == n:
            return list(value.items)
        d = data_of(value)
        if d is not None:
            return [d.derive() for _ in range(n)]
        return [UNKNOWN] * n

    def define(self, name: str, node: ast.AST) -> None:
        if not self.call_stack:
            self._defs.setdefault(name, getattr(node, "lineno", 1))

    def bind(self, name: str, value: V, node: ast.AST) -> None:
        loc = self.loc(node)
        self.define(name, node)
        if isinstance(value, DataV):
            cell = loc.cell if loc.cell is not None else f"[{loc.execution_count}]"
            named = DataV(
                **{**value.__dict__, "name": name, "version": f"{name}@{cell}:{loc.line}"}
            )
            splits.name_part(self, value, named, loc)
            value = named
        elif isinstance(value, EstV) and value.info.binding is None:
            value.info = _with(value.info, binding=name)
        elif isinstance(value, MultiV):
            for a in value.alts:
                if isinstance(a, EstV) and a.info.binding is None:
                    a.info = _with(a.info, binding=name)
        self.env[name] = value

    def flush_splits(self) -> None:
        self.splits.extend(self.pending_splits)
        self.pending_splits = []

    # -------------------------------------------------------------- iteration
    def iter_element(self, it: V) -> V:
        it = first(it) if not isinstance(it, MultiV) else it
        if isinstance(it, SeqV):
            if it.kind == "dict":
                keys = [LitV(k) for k in it.keys] or [UNKNOWN]
                return MultiV(keys, len(it.keys) or None)
            if it.kind == "items":
                return MultiV(list(it.items), len(it.items) or None)
            if not it.items:
                return UNKNOWN
            return MultiV(list(it.items), len(it.items))
        if isinstance(it, MultiV):
            return it
        d = data_of(it)
        if d is not None:
            return d.derive()
        return UNKNOWN

    # ------------------------------------------------------------- expressions
    def ev(self, node: ast.expr | None) -> V:
        if node is None:
            return UNKNOWN
        method = getattr(self, "e_" + type(node).__name__, None)
        if method is None:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.expr):
                    self.ev(child)
            return UNKNOWN
        return method(node)

    def e_Constant(self, node: ast.Constant) -> V:
        return LitV(node.value)

    def e_Name(self, node: ast.Name) -> V:
        if not self.call_stack:
            self._uses.setdefault(node.id, (node.lineno, node.col_offset + 1))
        if node.id in self.env:
            return self.env[node.id]
        if node.id in BUILTIN_NAMES:
            return RefV(f"builtins.{node.id}")
        if self.resolve_free is not None:
            found = self.resolve_free(node.id)
            if found is not None:
                self.env[node.id] = found  # defined before the session began watching
                return found
        if node.id == "spark":  # the session Databricks and the pyspark shell predefine
            return RefV(SPARK_SESSION)
        return UNKNOWN

    def e_Attribute(self, node: ast.Attribute) -> V:
        base = self.ev(node.value)
        return self.attribute(base, node.attr, node)

    def attribute(self, base: V, attr: str, node: ast.AST) -> V:
        if isinstance(base, MultiV):
            return MultiV([self.attribute(a, attr, node) for a in base.alts], base.count)
        if isinstance(base, RefV):
            return RefV(f"{base.qualname}.{attr}")
        if isinstance(base, StatV):
            return base  # df.mean().values, .iloc, .loc: still the statistic
        if isinstance(base, EstV):
            if attr in ("best_estimator_", "estimator_", "estimator") and base.inner is not None:
                return base.inner
            if attr == "best_params_" and "search" in base.info.kinds:
                return TunedV(base)
            if attr in ("steps", "transformers", "transformer_list") and base.parts is not None:
                return base.parts
            return UNKNOWN
        if isinstance(base, DataV):
            if attr in ("iloc", "loc", "iat", "at"):
                return IndexerV(base, attr)
            if attr == "index":
                return IndexV(base)
            if attr in ("shape", "columns", "dtypes", "size", "ndim"):
                return UNKNOWN
            if attr == "target":
                return base.derive(column="<target>")
            if attr in ("data", "values", "T", "frame", "str", "dt", "cat", "array", "na"):
                return base.derive()
            # a column accessed as an attribute: df.age
            return base.derive(column=attr, **columns_kept(base, (attr,)))
        return UNKNOWN

    def e_Subscript(self, node: ast.Subscript) -> V:
        base = self.ev(node.value)
        if isinstance(base, RefV) and base.qualname in ("numpy.r_", "numpy.c_"):
            return self.concat(self.ev(node.slice), node)
        return self.subscript(base, node.slice, node)

    def subscript(self, base: V, index: ast.expr, node: ast.AST) -> V:
        if isinstance(base, MultiV):
            return MultiV([self.subscript(a, index, node) for a in base.alts], base.count)
        if isinstance(base, SeqV):
            idx = self.ev(index)
            if isinstance(idx, LitV):
                if base.kind in ("dict",) and idx.value in base.keys:
                    return base.items[base.keys.index(idx.value)]
                if isinstance(idx.value, int) and -len(base.items) <= idx.value < len(base.items):
                    return base.items[idx.value]
            return UNKNOWN
        if isinstance(base, IndexerV):
            rows_index = index.elts[0] if isinstance(index, ast.Tuple) and index.elts else index
            return splits.select_rows(
                self, base.data, rows_index, node, positional=base.kind == "iloc"
            )
        if isinstance(base, DataV):
            if base.pred_est is not None:
                return base  # predict_proba(X)[:, 1] stays predictions
            if isinstance(index, ast.Slice):
                return splits.select_rows(self, base, index, node, positional=True)
            idx = self.ev(index)
            if isinstance(idx, LitV) and isinstance(idx.value, str):
                shown = f"{base.name}['{idx.value}']" if base.name else None
                kept = columns_kept(base, (idx.value,))
                if idx.value in base.scaled_cols:
                    kept["scaled"] = True
                return base.derive(column=idx.value, n_features=1, name=shown, **kept)
            if isinstance(idx, SeqV) and all(isinstance(i, LitV) for i in idx.items):
                cols = tuple(str(i.value) for i in idx.items)
                kept = columns_kept(base, cols)
                if cols and base.scaled_cols.issuperset(cols):
                    kept["scaled"] = True  # only columns assigned back scaled
                return base.derive(column=None, n_features=len(idx.items), columns=cols, **kept)
            if isinstance(idx, MaskV | DataV):
                return splits.select_rows(self, base, index, node, positional=False, mask=idx)
            if isinstance(first(idx), FoldIndexV):
                return splits.fold_rows(base, first(idx))  # type: ignore[arg-type]
            return base.derive()
        if isinstance(base, GroupByV):
            idx = self.ev(index)
            col = idx.value if isinstance(idx, LitV) and isinstance(idx.value, str) else None
            return GroupByV(base.data, base.keys, col)
        self.ev(index)
        if isinstance(base, StatV):
            return base  # df.mode()[0], df.quantile([.01, .99])[0.99]
        return UNKNOWN

    def e_Compare(self, node: ast.Compare) -> V:
        left = self.ev(node.left)
        rights = [self.ev(c) for c in node.comparators]
        selection.note_best_kept(self, left, rights, node)
        d = data_of(left)
        if d is not None and len(node.ops) == 1 and isinstance(left, DataV):
            op = type(node.ops[0]).__name__
            other = ast.unparse(node.comparators[0])
            return MaskV(d, d.column, op, other)
        for r in rights:
            if data_of(r) is not None:
                return UNKNOWN
        return UNKNOWN

    def e_BoolOp(self, node: ast.BoolOp) -> V:
        vals = [self.ev(v) for v in node.values]
        return vals[-1] if vals else UNKNOWN

    def e_UnaryOp(self, node: ast.UnaryOp) -> V:
        v = self.ev(node.operand)
        if (
            isinstance(node.op, ast.USub)
            and isinstance(v, LitV)
            and isinstance(v.value, int | float)
        ):
            return LitV(-v.value)
        if isinstance(node.op, ast.Invert) and isinstance(v, MaskV):
            return MaskV(v.data, v.column, "Not" + v.op, v.other)
        return v if data_of(v) is not None else UNKNOWN

    def e_BinOp(self, node: ast.BinOp) -> V:
        left, right = self.ev(node.left), self.ev(node.right)
        if isinstance(left, LitV) and isinstance(right, LitV):
            try:
                return LitV(_binop(node.op, left.value, right.value))
            except Exception:
                return UNKNOWN
        if isinstance(left, ScoreV) or isinstance(right, ScoreV):
            return ScoreV(selection.scores_of(left) + selection.scores_of(right))
        if (
            isinstance(node.op, ast.Add)
            and isinstance(left, SeqV)
            and isinstance(right, SeqV)
            and left.kind in ("list", "tuple")
            and right.kind == left.kind
            and left.split is None
            and right.split is None
        ):  # stages = indexers + [encoder, assembler]: one list of steps
            return SeqV([*left.items, *right.items], left.kind, comp=left.comp or right.comp)
        if _is_pixel_division(node.op, right) and isinstance(first(left), DataV):
            return first(left).derive(scaled=True)  # X / 255: pixel intensities on one 0-1 scale

        if isinstance(left, MaskV) or isinstance(right, MaskV):
            return left if isinstance(left, MaskV) else right
        sl, sr = first(left), first(right)
        if isinstance(sl, StatV) or isinstance(sr, StatV):
            return statistics.stat_binop(self, left, right, node)
        dl, dr = data_of(left), data_of(right)
        if dl is not None and dr is not None and (dl.rows != dr.rows or dl.applied != dr.applied):
            return dl.derive(rows=dl.rows.union(dr.rows), applied=dl.applied | dr.applied)
        if dl is not None:
            return dl.derive()
        if dr is not None:
            return dr.derive()
        return UNKNOWN

    def e_Tuple(self, node: ast.Tuple) -> V:
        return SeqV([self.ev(e) for e in node.elts], "tuple")

    def e_List(self, node: ast.List) -> V:
        return SeqV([self.ev(e) for e in node.elts], "list")

    def e_Set(self, node: ast.Set) -> V:
        return SeqV([self.ev(e) for e in node.elts], "list")

    def e_Dict(self, node: ast.Dict) -> V:
        keys = []
        for k in node.keys:
            kv = self.ev(k) if k is not None else UNKNOWN
            keys.append(kv.value if isinstance(kv, LitV) else None)
        return SeqV([self.ev(v) for v in node.values], "dict", keys)

    def e_IfExp(self, node: ast.IfExp) -> V:
        self.ev(node.test)
        a = self.ev(node.body)
        self.ev(node.orelse)
        return a

    def e_NamedExpr(self, node: ast.NamedExpr) -> V:
        v = self.ev(node.value)
        self.assign(node.target, v, node)
        return v

    def e_Starred(self, node: ast.Starred) -> V:
        return self.ev(node.value)

    def e_Await(self, node: ast.Await) -> V:
        return self.ev(node.value)

    def e_Lambda(self, node: ast.Lambda) -> V:
        return FuncV(node, "<lambda>")

    def e_JoinedStr(self, node: ast.JoinedStr) -> V:
        for v in node.values:
            if isinstance(v, ast.FormattedValue):
                self.ev(v.value)
        return LitV("")

    def comprehension(self, node: Any, elts: list[ast.expr]) -> V:
        saved = dict(self.env)
        self.loop_depth += 1
        try:
            for gen in node.generators:
                self.assign(gen.target, self.iter_element(self.ev(gen.iter)), node)
                for cond in gen.ifs:
                    self.ev(cond)
            values = [self.ev(e) for e in elts]
        finally:
            self.loop_depth -= 1
            self.env = saved
        return SeqV(values[-1:], "list", comp=True)

    def e_ListComp(self, node: ast.ListComp) -> V:
        return self.comprehension(node, [node.elt])

    e_SetComp = e_ListComp
    e_GeneratorExp = e_ListComp

    def e_DictComp(self, node: ast.DictComp) -> V:
        v = self.comprehension(node, [node.key, node.value])
        return SeqV(v.items, "dict") if isinstance(v, SeqV) else v

    # ------------------------------------------------------------------ calls
    def e_Call(self, node: ast.Call) -> V:
        if isinstance(node.func, ast.Attribute):
            receiver = self.ev(node.func.value)
            args, kwargs = self.call_args(node)
            result = self.method_call(receiver, node.func.attr, args, kwargs, node)
            inplace = kwargs.get("inplace")
            if isinstance(inplace, LitV) and inplace.value is True:
                d = data_of(result)
                if d is not None and d.applied:  # df["age"].fillna(m, inplace=True)
                    self.assign_column(node.func.value, d, node)
            return result
        callee = self.ev(node.func)
        args, kwargs = self.call_args(node)
        return self.call(callee, args, kwargs, node)

    def call_args(self, node: ast.Call) -> tuple[list[V], dict[str, V]]:
        args = [self.ev(a) for a in node.args]
        kwargs: dict[str, V] = {}
        for kw in node.keywords:
            v = self.ev(kw.value)
            kwargs[kw.arg if kw.arg is not None else "**"] = v
        return args, kwargs

    def call(self, callee: V, args: list[V], kwargs: dict[str, V], node: ast.Call) -> V:
        if isinstance(callee, MultiV):
            callee = first(callee)
        if isinstance(callee, RefV):
            return self.call_ref(callee.qualname, args, kwargs, node)
        if isinstance(callee, FuncV):
            return self.inline(callee, args, kwargs, node)
        if isinstance(callee, EstV):
            return UNKNOWN
        return self.generic_call(args, kwargs, node)

    def generic_call(self, args: list[V], kwargs: dict[str, V], node: ast.AST) -> V:
        values = [*args, *(v for k, v in kwargs.items() if k not in SIZE_ARGS)]
        datas = [d for d in (data_of(a) for a in values) if d is not None]
        stats = [s for s in (first(a) for a in values) if isinstance(s, StatV)]
        if stats:  # np.random.randint(avg - std, avg + std), np.where(m, mean, x)
            st = stats[0]
            for other in stats[1:]:
                st = statistics.merge_stats(st, other)
            if not datas:
                return st
        if datas:
            rows = datas[0].rows
            for d in datas[1:]:
                rows = rows.union(d.rows)
            out = datas[0].derive(rows=rows, column=None, applied=applied_of(datas))
            return statistics.apply_stat(self, out, st, node) if stats else out
        return DataV(RowSet.root(self.root_id(node)))

    def inline(self, func: FuncV, args: list[V], kwargs: dict[str, V], node: ast.Call) -> V:
        if len(self.call_stack) >= 3:
            return self.generic_call(args, kwargs, node)
        fn = func.node
        saved_env, saved_returns = self.env, self.returns
        self.env = dict(saved_env)
        self.returns = []
        params = [a.arg for a in fn.args.posonlyargs + fn.args.args]
        defaults = fn.args.defaults
        for name, d in zip(params[len(params) - len(defaults) :], defaults, strict=False):
            self.env[name] = self.ev(d)
        for name, v in zip(params, args, strict=False):
            self.env[name] = v
        for k, v in kwargs.items():
            self.env[k] = v
        self.call_stack.append(self.loc(node))
        try:
            if isinstance(fn, ast.Lambda):
                result = self.ev(fn.body)
            else:
                self.body(fn.body)
                result = self.returns[-1] if self.returns else LitV(None)
        finally:
            self.call_stack.pop()
            self.env, self.returns = saved_env, saved_returns
        return result

    # ------------------------------------------------------- library functions
    def call_ref(self, qual: str, args: list[V], kwargs: dict[str, V], node: ast.Call) -> V:
        short = qual.rsplit(".", 1)[-1]
        root = qual.split(".", 1)[0]
        if short in STOPPING_CALLBACKS or short == "ModelCheckpoint":
            return self.callback(short, kwargs)
        if short in BOOSTING_DATASETS and root in ("lightgbm", "xgboost", "catboost"):
            # lgb.Dataset(X_test, y_test, reference=dtrain) holds the test rows only
            return self.generic_call(
                args, {k: v for k, v in kwargs.items() if k != "reference"}, node
            )
        if (
            short == "train"
            and root in ("lightgbm", "xgboost")
            and kwargs.keys() & selection.EVAL_SET_ARGS
        ):
            selection.early_stopping(self, UNKNOWN, kwargs, node, params=args[0] if args else None)
        if root == "numpy" and short in CHOICE_FUNCTIONS:
            selection.note_choice(self, short, args, node.args, node)
        if root == "builtins":
            return self.call_builtin(short, args, kwargs, node)
        if root == "pyspark" and not catalog.is_spark_ml(qual):
            return self.spark_call(qual, short, args, node)
        if short == "train_test_split":
            return self.train_test_split(args, kwargs, node)
        if short == "load_data" and ".datasets." in qual and root in ("keras", "tensorflow"):
            return self.presplit_dataset(qual, node)
        if (
            short in catalog.DATASETS
            or short in catalog.GENERATORS
            or (".datasets" in qual and short.startswith(("load_", "fetch_", "make_")))
        ):
            return self.load_dataset(short, args, kwargs, node)
        if short in (
            "cross_val_score",
            "cross_validate",
            "cross_val_predict",
            "learning_curve",
            "validation_curve",
            "permutation_test_score",
        ):
            return self.cross_val(short, args, kwargs, node)
        if short in (
            "Pipeline",
            "make_pipeline",
            "ColumnTransformer",
            "make_column_transformer",
            "FeatureUnion",
            "make_union",
        ):
            return self.composite(qual, short, args, kwargs, node)
        if catalog.is_estimator_qualname(qual) and short[:1].isupper():
            return self.construct(qual, short, args, kwargs, node)
        if root == "sklearn" and short in catalog.FUNCTIONAL_TRANSFORMS:
            return self.functional_transform(qual, short, args, kwargs, node)
        if short == "clone" and root == "sklearn":
            src = args[0] if args else UNKNOWN
            alts = src.alts if isinstance(src, MultiV) else [src]
            clones: list[V] = [
                EstV(a.info, parts=a.parts, tuned_by=a.tuned_by) if isinstance(a, EstV) else UNKNOWN
                for a in alts
            ]
            return MultiV(clones, src.count) if isinstance(src, MultiV) else clones[0]
        if short == "zscore" and root == "scipy" and args:
            d = data_of(args[0])  # scipy.stats.zscore: (x - mean) / std over the rows
            if d is not None:
                return statistics.apply_stat(
                    self, d.derive(scaled=True), StatV(d, "mean/std"), node
                )
        if root == "sklearn" and ".metrics" in qual:
            return self.metric(short, args, kwargs, node)
        if short in selection.PER_CLASS_METRICS and "Display" in qual:
            return self.metric(short, args, kwargs, node)
        if short == "resample" and root == "sklearn":
            self.record_random_call("resample", kwargs, node)
            replace = kwargs.get("replace")
            if isinstance(replace, LitV) and replace.value is True:
                outs = [
                    statistics.duplicated(self, d, "resample(replace=True)", node) for d in args
                ]
                return outs[0] if len(outs) == 1 else SeqV(outs, "tuple")
            return (
                self.generic_call(args, {}, node)
                if len(args) == 1
                else SeqV([data_of(a) or UNKNOWN for a in args], "tuple")
            )
        if root == "numpy" and _same_scale_draw(qual, short, args, kwargs):
            # np.random.randn(200, 2): every column drawn from one distribution
            return DataV(RowSet.root(self.root_id(node)), scaled=True)
        if short in ("permutation", "shuffle") and root in ("numpy", "sklearn", "random"):
            return self.shuffled(qual, short, args, kwargs, node)
        if root in ("numpy", "random") and short == "seed":
            self.record("seed", node, function=qual)
            return LitV(None)
        if root == "pandas" or root == "numpy":
            return self.call_pandas_numpy(qual, short, args, kwargs, node)
        return self.generic_call(args, kwargs, node)

    def spark_call(self, qual: str, short: str, args: list[V], node: ast.Call) -> V:
        """The Spark session and what it reads: ``spark.read.csv(...)`` is data, as ``read_csv``.

        ``createDataFrame(pdf)`` keeps the rows (and what the code knows about
        them) of the frame it converts; ``pyspark.sql.functions`` build column
        expressions, not data.
        """
        if qual.startswith(SPARK_SESSION):
            if short in SPARK_SESSION_STEPS:
                return RefV(SPARK_SESSION)
            if short == "read" or short == "readStream":
                return RefV(f"{SPARK_SESSION}.read")
            if short == "createDataFrame":
                d = data_of(args[0]) if args else None
                return (
                    d.derive(column=None)
                    if d is not None
                    else DataV(RowSet.root(self.root_id(node)))
                )
            if short in SPARK_READERS or ".read." in qual:
                return DataV(RowSet.root(self.root_id(node)))
            return UNKNOWN
        if qual.startswith("pyspark.sql.functions"):
            return UNKNOWN
        return self.generic_call(args, {}, node)

    def random_split(self, d: DataV, args: list[V], kwargs: dict[str, V], node: ast.Call) -> V:
        """``df.randomSplit([0.8, 0.2], seed=42)``: Spark's shuffled split into parts.

        Part 0 is the training part, the rest are held out (validation or
        test), whether unpacked into names or indexed.
        """
        weights = args[0] if args else kwargs.get("weights", UNKNOWN)
        ws = (
            [i.value for i in weights.items if isinstance(i, LitV)]
            if isinstance(weights, SeqV)
            else []
        )
        n = len(weights.items) if isinstance(weights, SeqV) and weights.items else 2
        seeded = len(args) > 1 or kw_set(kwargs, "seed")
        if not seeded:
            self.record("random_call", node, function="randomSplit", seeded=False)
        total = sum(w for w in ws if isinstance(w, int | float)) if len(ws) == n else 0
        rows = self.rows_of(d)

        def count(first_part: int, last_part: int) -> int | None:
            share = sum(ws[first_part : last_part + 1]) / total if total else None
            return round(rows * share) if rows is not None and share is not None else None

        # three or more parts are cuts in turn (train | rest, then validation | test ...), as
        # np.split's are: each later part is a held-out part of the rows after the earlier cut
        parts: list[V] = []
        first: SplitToken | None = None
        rest = d
        for i in range(max(n - 1, 1)):
            tok = SplitToken(
                self.new_id("S"), "randomSplit", [rest], [], self.loc(node), True, False, seeded
            )
            first = first or tok
            head = rest.derive(rows=rest.rows.part(tok.split_id, 0), n_rows=count(i, i))
            tail = rest.derive(rows=rest.rows.part(tok.split_id, 1), n_rows=count(i + 1, n - 1))
            tok.parts.extend([head, tail])
            tok.sides = {0, 1}
            self.pending_splits.append(tok)
            parts.append(head)
            rest = tail
        parts.append(rest)
        return SeqV(parts, "list", split=first)

    def shuffled(
        self, qual: str, short: str, args: list[V], kwargs: dict[str, V], node: ast.Call
    ) -> V:
        """Rows in random order: ``np.random.permutation(n)``, ``shuffle(X, y)``.

        A permutation is an index of its own (fresh rows); slicing rows by its
        parts is a shuffled split (:meth:`permuted_rows`).
        """
        if short == "permutation":
            return DataV(RowSet.root(self.root_id(node)), order=SHUFFLED)
        datas = [data_of(a) for a in args]
        if qual.startswith("numpy") or qual.startswith("random"):
            # np.random.shuffle(X) shuffles in place and returns None
            if node.args and isinstance(node.args[0], ast.Name) and datas and datas[0]:
                self.env[node.args[0].id] = DataV(**{**datas[0].__dict__, "order": SHUFFLED})
            return LitV(None)
        outs: list[V] = [d.derive(order=SHUFFLED) if d is not None else UNKNOWN for d in datas]
        return outs[0] if len(outs) == 1 else SeqV(outs, "tuple")

    def call_builtin(self, short: str, args: list[V], kwargs: dict[str, V], node: ast.Call) -> V:
        if short in ("max", "min", "sorted"):
            selection.note_choice(self, short, args, node.args, node)
        if short in ("round", "float", "abs") and args and isinstance(args[0], ScoreV):
            return args[0]
        if short == "print":
            for a in node.args:
                displays.note_display(self, a)
            return LitV(None)
        if short == "display":
            for a in node.args:
                displays.note_display(self, a)
            return LitV(None)
        if short == "float" and args and isinstance(args[0], LitV):
            try:
                return LitV(float(args[0].value))
            except (TypeError, ValueError):
                return UNKNOWN
        if short == "range":
            lits = [a.value for a in args if isinstance(a, LitV) and isinstance(a.value, int)]
            count = len(range(*lits)) if len(lits) == len(args) and args else None
            return MultiV([UNKNOWN], count)
        if short in ("zip",):
            seqs = [a for a in args if isinstance(a, SeqV)]
            if seqs and len(seqs) == len(args):
                n = min(len(s.items) for s in seqs)
                return SeqV([SeqV([s.items[i] for s in seqs], "tuple") for i in range(n)], "items")
            return UNKNOWN
        if short == "enumerate" and args and isinstance(args[0], MultiV):
            # enumerate(skf.split(X, y)): (fold number, (train, held-out indices))
            alts = [SeqV([UNKNOWN, a], "tuple") for a in args[0].alts]
            return MultiV(alts, args[0].count)  # type: ignore[arg-type]
        if short == "enumerate" and args and isinstance(args[0], SeqV):
            return SeqV([SeqV([LitV(i), v], "tuple") for i, v in enumerate(args[0].items)], "items")
        if short in ("list", "tuple", "sorted", "reversed") and args:
            return args[0]
        if short == "len":
            return UNKNOWN
        if short in ("round", "int", "float", "abs", "max", "min"):
            stats = [x for x in (first(a) for a in args) if isinstance(x, StatV)]
            if stats and not any(data_of(a) is not None for a in args):
                return stats[0]  # round(df.age.mean(), 1): still the statistic
        if short in (
            "max",
            "min",
            "sum",
            "abs",
            "round",
            "int",
            "str",
            "bool",
            "isinstance",
            "type",
            "getattr",
            "hasattr",
            "dict",
            "set",
        ):
            return UNKNOWN
        return self.generic_call(args, kwargs, node)

    def call_pandas_numpy(
        self, qual: str, short: str, args: list[V], kwargs: dict[str, V], node: ast.Call
    ) -> V:
        if qual.startswith("numpy.") and short in NP_STATS and "random" not in qual:
            d = data_of(args[0]) if args else data_of(kwargs.get("a", UNKNOWN))
            pos = 2 if short.endswith(("percentile", "quantile")) else 1
            axis = kwargs.get("axis", args[pos] if len(args) > pos else None)
            if d is not None and d.pred_est is None:
                if isinstance(axis, LitV) and axis.value in ROW_AXES:
                    return d.derive(column=None)  # row-wise: a feature of each row
                name = short.removeprefix("nan")
                return StatV(d, {"amin": "min", "amax": "max"}.get(name, name))
        if short in ("split", "array_split") and qual.startswith("numpy.") and args:
            d = data_of(args[0])
            axis = kwargs.get("axis", args[2] if len(args) > 2 else LitV(0))
            if d is not None and isinstance(axis, LitV) and axis.value == 0:
                return self.array_split(d, args[1] if len(args) > 1 else None, node)
        if short in ("qcut", "cut") and args:
            d = data_of(args[0])
            bins = args[1] if len(args) > 1 else kwargs.get("q", kwargs.get("bins", UNKNOWN))
            counted = isinstance(bins, LitV) and isinstance(bins.value, int)
            if d is not None and (short == "qcut" or counted):
                # the bin edges are quantiles (qcut) or min/max (cut with a count) of the rows
                return statistics.apply_stat(self, d.derive(), StatV(d, short), node, "encoder")
            return d.derive() if d is not None else UNKNOWN
        if short in ("concat", "vstack", "concatenate", "row_stack", "append"):
            axis = kwargs.get("axis")
            if short == "concat" and isinstance(axis, LitV) and axis.value in (1, "columns"):
                return self.generic_call(args[:1], {}, node)
            return self.concat(args[0] if args else UNKNOWN, node)
        if short == "hstack" or short == "column_stack":
            return self.generic_call(args, {}, node)
        if short == "get_dummies":
            return self.get_dummies(args, kwargs, node)
        if short == "to_datetime":
            d = data_of(args[0]) if args else None
            if d is not None and d.column:
                self.time_columns.add(d.column)
            return d.derive() if d is not None else UNKNOWN
        if short in (
            "read_csv",
            "read_parquet",
            "read_excel",
            "read_json",
            "read_sql",
            "read_feather",
            "read_pickle",
            "read_table",
        ):
            pd_cols = kwargs.get("parse_dates")
            if isinstance(pd_cols, SeqV):
                for item in pd_cols.items:
                    if isinstance(item, LitV) and isinstance(item.value, str):
                        self.time_columns.add(item.value)
            return DataV(RowSet.root(self.root_id(node)))
        if short in (
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
        ):
            return self.generic_call(args, {}, node)
        return self.generic_call(args, kwargs, node)

    def array_split(self, data: DataV, sections: V | None, node: ast.AST) -> V:
        """``train, val, test = np.split(df.sample(frac=1), [a, b])``: consecutive parts.

        Only cuts at given indices split; a number of equal sections is
        chunking (batches, jobs). Each cut is a split of the rows after the previous one, so the parts
        read as train, then validation, then test (the lineage of a split of
        a held-out part), and two parts as train and test.
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
                split_id=self.new_id("S"),
                method="np.split",
                inputs=[rest],
                parts=[],
                location=self.loc(node),
                # one call, one order: the first cut speaks for it (ML206 once)
                shuffle=data.order == SHUFFLED if i == 0 else None,
                stratified=False,
                seeded=True,
            )
            head = rest.derive(rows=rest.rows.part(tok.split_id, 0))
            later = "the validation and test parts" if n == 3 else "the later parts"
            tail = rest.derive(
                rows=rest.rows.part(tok.split_id, 1), name=None if i == n - 2 else later
            )
            tok.parts.extend([head, tail])
            tok.sides.update((0, 1))
            self.pending_splits.append(tok)
            outs.append(head)
            rest = tail
            if i == n - 2:
                outs.append(tail)
        return SeqV(outs, "tuple")

    def concat(self, seq: V, node: ast.AST) -> V:
        items = seq.items if isinstance(seq, SeqV) else [seq]
        datas = [d for d in (data_of(i) for i in items) if d is not None]
        if not datas:
            return DataV(RowSet.root(self.root_id(node)))
        rows = datas[0].rows
        for d in datas[1:]:
            rows = rows.union(d.rows)
        counts = [self.rows_of(d) for d in datas]
        n_rows = sum(counts) if all(c is not None for c in counts) else None  # type: ignore[misc]
        names = [d.name or d.origin for d in datas]
        origin = " + ".join(n for n in names if n) if all(names) else datas[0].origin
        return datas[0].derive(
            rows=rows,
            scaled=all(d.scaled for d in datas),
            n_rows=n_rows,
            origin=origin,
            applied=applied_of(datas),
            col_applied=None,
        )

    def get_dummies(self, args: list[V], kwargs: dict[str, V], node: ast.Call) -> V:
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
        self.record("encoding", node, method="get_dummies", data=data, columns=names, bounded=False)
        return data.derive(column=None, n_features=0, unscaled_known=False) if data else UNKNOWN

    def load_dataset(self, short: str, args: list[V], kwargs: dict[str, V], node: ast.Call) -> V:
        root = self.root_id(node)
        info = dict(catalog.DATASETS.get(short, {}))
        info["dataset"] = short
        if short in catalog.GENERATORS:
            info.update(_generator_info(short, kwargs, args))
        elif (
            short.startswith("fetch_")
            and short not in catalog.DATASETS
            or short.startswith("load_")
            and short not in catalog.DATASETS
        ):
            info = {"dataset": short}
        self.knowledge.setdefault((root, None), {}).update(
            {k: v for k, v in info.items() if k != "shares"}
        )
        if info.get("shares"):
            self.knowledge.setdefault((root, "<target>"), {})["shares"] = (
                tuple(info["shares"]),
                f"{short}() {_shares_text(info['shares'])}",
                self.loc(node),
            )
        if short in catalog.GENERATORS and not kw_set(kwargs, "random_state"):
            self.record_random_call(short, kwargs, node)
        data = DataV(RowSet.root(root))
        rxy = kwargs.get("return_X_y")
        if short in catalog.GENERATORS or (isinstance(rxy, LitV) and rxy.value):
            return SeqV([data.derive(), data.derive(column="<target>")], "tuple")
        return data

    def presplit_dataset(self, qual: str, node: ast.Call) -> V:
        """``(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()``.

        The loader hands out its own training and test parts: a split of one
        dataset, so a choice made on the test part is made on the test set.
        """
        data = DataV(RowSet.root(self.root_id(node)), origin=qual.rsplit(".", 2)[-2])
        tok = SplitToken(
            split_id=self.new_id("S"),
            method="load_data",
            inputs=[data],
            parts=[],
            location=self.loc(node),
            shuffle=None,  # the publisher's split: no stored order to judge
            stratified=False,
            seeded=True,
        )
        halves: list[V] = []
        for part in (0, 1):
            rows = data.rows.part(tok.split_id, part)
            x, y = data.derive(rows=rows), data.derive(rows=rows, column="<target>")
            tok.parts.extend([x, y])
            tok.sides.add(part)
            halves.append(SeqV([x, y], "tuple"))
        self.pending_splits.append(tok)
        return SeqV(halves, "tuple")

    def train_test_split(self, args: list[V], kwargs: dict[str, V], node: ast.Call) -> V:
        inputs = [data_of(a) or DataV(RowSet.root(self.root_id(node))) for a in args]
        shuffle = kwargs.get("shuffle")
        shuffled: bool | None = True
        if isinstance(shuffle, LitV):
            shuffled = bool(shuffle.value)
        elif shuffle is not None:
            shuffled = None
        strat = kwargs.get("stratify")
        stratified = strat is not None and not (isinstance(strat, LitV) and strat.value is None)
        seeded = kw_set(kwargs, "random_state")
        split_id = self.new_id("S")
        ts = kwargs.get("test_size")
        tr = kwargs.get("train_size")
        test_frac = ts.value if isinstance(ts, LitV) and isinstance(ts.value, int | float) else None
        if test_frac is None and not (isinstance(tr, LitV) and tr.value is not None):
            test_frac = 0.25
        tok = SplitToken(
            split_id=split_id,
            method="train_test_split",
            inputs=inputs,
            parts=[],
            location=self.loc(node),
            shuffle=shuffled,
            stratified=stratified,
            seeded=seeded,
        )
        outputs: list[V] = []
        for d in inputs:
            for part in (0, 1):
                n = _part_rows(self.rows_of(d), test_frac, part)
                out = d.derive(rows=d.rows.part(split_id, part), n_rows=n)
                tok.parts.append(out)
                outputs.append(out)
        self.pending_splits.append(tok)
        for d in inputs:
            if d.column and d.column != "<target>":
                self.target_columns.add(d.column)
        return SeqV(outputs, "tuple", split=tok)

    def cross_val(self, short: str, args: list[V], kwargs: dict[str, V], node: ast.Call) -> V:
        est = first(args[0]) if args else first(kwargs.get("estimator", UNKNOWN))
        X = data_of(args[1]) if len(args) > 1 else data_of(kwargs.get("X", UNKNOWN))
        y = data_of(args[2]) if len(args) > 2 else data_of(kwargs.get("y", UNKNOWN))
        if isinstance(est, EstV):
            self.record("crossval", node, estimator=est.info, function=short, X=X, y=y)
        if y is not None and y.column and y.column != "<target>":
            self.target_columns.add(y.column)
        if short == "cross_val_predict" and X is not None:
            return X.derive(column=None)
        return UNKNOWN

    # -------------------------------------------------------------- estimators
    def params_of(self, kwargs: dict[str, V], node: ast.Call) -> tuple[dict[str, Any], int]:
        params: dict[str, Any] = {}
        configs = 1
        kw_nodes = {kw.arg: kw.value for kw in node.keywords if kw.arg}
        for kw in node.keywords:
            if kw.arg is None:  # SVC(**params): a literal dict, a grid's points, or computed
                params, configs = self.spread_params(kw.value, params, configs)
        for k, v in kwargs.items():
            if k == "**":
                continue
            if isinstance(v, MultiV):
                configs *= v.n
                params[k] = Varies(v.n)
            elif isinstance(v, LitV):
                params[k] = v.value
            elif isinstance(v, RefV) and v.qualname in (
                "numpy.inf",
                "math.inf",
                "numpy.Inf",
                "numpy.infty",
            ):
                params[k] = float("inf")
            elif isinstance(v, EstV):
                params[k] = EstRef(v.info.cls)
            elif (
                isinstance(v, SeqV) and not v.comp and all(isinstance(i, LitV) for i in v.items)
            ):  # a comprehension's one item stands for all of them: not a literal list
                params[k] = [i.value for i in v.items]
            else:
                params[k] = Expr(ast.unparse(kw_nodes[k]) if k in kw_nodes else "?")
        return params, configs

    def spread_params(
        self, expr: ast.expr, params: dict[str, Any], configs: int
    ) -> tuple[dict[str, Any], int]:
        spread = self.env.get(expr.id) if isinstance(expr, ast.Name) else None
        if isinstance(spread, SeqV) and spread.kind == "dict":
            for key, value in zip(spread.keys, spread.items, strict=False):
                if isinstance(key, str) and isinstance(value, LitV):
                    params[key] = value.value
                elif isinstance(key, str):
                    params[key] = Expr("?")
            return params, configs
        if isinstance(spread, MultiV):
            params["**"] = Varies(spread.n)
            return params, configs * spread.n
        params["**"] = Expr(ast.unparse(expr))
        return params, configs

    def construct(
        self, qual: str, short: str, args: list[V], kwargs: dict[str, V], node: ast.Call
    ) -> V:
        params, configs = self.params_of(kwargs, node)
        steps: tuple[EstimatorInfo, ...] = ()
        inner: EstV | None = None
        spark = catalog.is_spark_ml(qual)
        kinds = catalog.spark_kinds(short, params) if spark else catalog.kinds_of(short)
        if "search" in kinds:
            est = first(args[0]) if args else first(kwargs.get("estimator", UNKNOWN))
            if isinstance(est, EstV):
                steps = (est.info,)
                inner = EstV(est.info)
            grid = (
                args[1]
                if len(args) > 1
                else kwargs.get(
                    "param_grid",
                    kwargs.get("param_distributions", kwargs.get("estimatorParamMaps")),
                )
            )
            configs = max(configs, _grid_size(grid))
        elif "calibrated" in kinds or short in (
            "CalibratedClassifierCV",
            "BaggingClassifier",
            "AdaBoostClassifier",
            "OneVsRestClassifier",
        ):
            est = first(args[0]) if args else first(kwargs.get("estimator", UNKNOWN))
            if isinstance(est, EstV):
                steps = (est.info,)
        if "splitter" in kinds:
            pass
        info = EstimatorInfo(
            est_id=self.new_id("E"),
            cls=short,
            qualname=qual,
            kinds=kinds,
            params=params,
            location=self.loc(node),
            steps=steps,
            configs=configs,
        )
        ev = EstV(info, inner=inner)
        tuned = kwargs.get("**")
        if isinstance(tuned, TunedV):  # Model(**search.best_params_)
            ev.tuned_by = tuned.search.fit_record
        if not kinds & {"evaluator", "builder"}:  # a metric, a parameter grid: no fits
            self.record("estimator", node, estimator=info, holder=ev)
        return ev

    def composite(
        self, qual: str, short: str, args: list[V], kwargs: dict[str, V], node: ast.Call
    ) -> V:
        """Pipeline / ColumnTransformer / FeatureUnion, however their steps are given.

        Positional or keyword (``steps=``, ``transformers=``,
        ``transformer_list=``), nested to any depth, or built from a list
        (appended to, or a comprehension over transformers). A step the
        reader cannot resolve makes the composite ``unresolved``: its kinds
        are then a lower bound, never a proof that no scaler is there.
        """
        steps: list[EstimatorInfo] = []
        configs = 1
        unresolved = False
        parts: SeqV | None = None
        if short in ("make_pipeline", "make_union", "make_column_transformer"):
            items: list[V] = list(args)
        else:
            seq = (
                args[0]
                if args
                else kwargs.get(
                    "steps",
                    kwargs.get(
                        "stages",  # pyspark.ml.Pipeline(stages=[...])
                        kwargs.get("transformers", kwargs.get("transformer_list", UNKNOWN)),
                    ),
                )
            )
            if isinstance(seq, SeqV):
                parts = seq
                items = list(seq.items)
            else:
                items, unresolved = [], True
        for item in items:
            est: V = item
            if isinstance(item, SeqV) and short != "make_pipeline" and short != "make_union":
                if not item.items:
                    continue
                # (name, est[, columns]) in the class forms; (est, columns) in make_column_transformer
                est = item.items[0] if short == "make_column_transformer" else item.items[1]
                if len(item.items) < 2 and short != "make_column_transformer":
                    unresolved = True
                    continue
            alts = est.alts if isinstance(est, MultiV) else [est]
            from_comp = (
                isinstance(parts, SeqV) and parts.comp or (isinstance(item, SeqV) and item.comp)
            )
            if isinstance(est, MultiV) and not from_comp:
                configs *= est.n  # a loop over models: one composite per model
                alts = alts[:1]
            for alt in alts:
                if isinstance(alt, EstV):
                    steps.append(alt.info)
                elif not (isinstance(alt, LitV) and alt.value in ("passthrough", "drop", None)):
                    unresolved = True
        kinds = catalog.kinds_of(short)
        if _has_unresolved_steps(short, args, kwargs):
            kinds = kinds | {"unresolved"}  # a step the reader cannot resolve: unknown, not absent
        if kinds & {"composite"} and not kinds & {"pipeline"}:
            # a ColumnTransformer / FeatureUnion is stateful when any of its parts is
            part_kinds: set[str] = set()
            for st in steps:
                part_kinds |= st.kinds
                for sub in st.all_steps():
                    part_kinds |= sub.kinds
            kinds = kinds | (part_kinds & {"scaler", "imputer", "encoder", "transformer"})
        if unresolved or any("unresolved" in st.kinds for st in steps):
            kinds = kinds | {"unresolved"}
        if catalog.is_spark_ml(qual):
            kinds = kinds | {"spark"}
        info = EstimatorInfo(
            est_id=self.new_id("E"),
            cls=short,
            qualname=qual,
            kinds=kinds,
            params={},
            location=self.loc(node),
            steps=tuple(steps),
            configs=configs,
        )
        ev = EstV(info, parts=parts)
        self.record("estimator", node, estimator=info, holder=ev)
        return ev

    def functional_transform(
        self, qual: str, short: str, args: list[V], kwargs: dict[str, V], node: ast.Call
    ) -> V:
        """``preprocessing.scale(X)``: a fit_transform of the matching class, in one call."""
        cls = catalog.FUNCTIONAL_TRANSFORMS[short]
        params, _ = self.params_of({k: v for k, v in kwargs.items() if k != "X"}, node)
        info = EstimatorInfo(
            est_id=self.new_id("E"),
            cls=short,
            qualname=qual,
            kinds=catalog.kinds_of(cls),
            params=params,
            location=self.loc(node),
        )
        est = EstV(info)
        self.record("estimator", node, estimator=info, holder=est)
        X = args[0] if args else kwargs.get("X", UNKNOWN)
        return self.estimator_method(est, "fit_transform", [X], {}, node)

    def record_random_call(self, function: str, kwargs: dict[str, V], node: ast.Call) -> None:
        self.record("random_call", node, function=function, seeded=kw_set(kwargs, "random_state"))

    # ------------------------------------------------------------------ metrics
    def metric(self, short: str, args: list[V], kwargs: dict[str, V], node: ast.Call) -> V:
        if _not_a_score(short):
            return self.generic_call(args, {}, node)
        if short in ("from_estimator",):
            est = first(args[0]) if args else UNKNOWN
            X = data_of(args[1]) if len(args) > 1 else None
            y = data_of(args[2]) if len(args) > 2 else None
            if isinstance(est, EstV):
                selection.evaluation(
                    self, "confusion_matrix", est, X, y, "predict", node, est.fit_record
                )
            return UNKNOWN
        y_true = args[0] if args else kwargs.get("y_true", UNKNOWN)
        y_pred = (
            args[1]
            if len(args) > 1
            else kwargs.get("y_pred", kwargs.get("y_score", kwargs.get("probas_pred", UNKNOWN)))
        )
        yt = data_of(y_true)
        preds = [p for p in (y_pred.alts if isinstance(y_pred, MultiV) else [y_pred])]
        recorded = False
        scored: list[Proto] = []
        for p in preds:
            pd_ = data_of(p)
            if pd_ is not None and pd_.pred_est is not None:
                proto = selection.evaluation(
                    self,
                    short,
                    pd_.pred_est,
                    pd_.pred_X,
                    yt,
                    pd_.pred_method,
                    node,
                    pd_.pred_fit,
                    kwargs=kwargs,
                )
                scored.append(proto)
                recorded = True
        if not recorded and yt is not None:
            selection.evaluation(self, short, None, None, yt, None, node, None, kwargs=kwargs)
        if yt is not None and yt.column and yt.column != "<target>":
            self.target_columns.add(yt.column)
        return ScoreV(scored) if scored else UNKNOWN

    # ------------------------------------------------- choosing among scores (ML205)
    def callback(self, short: str, kwargs: dict[str, V]) -> V:
        if short == "ModelCheckpoint":
            best = kwargs.get("save_best_only")
            return (
                CallbackV("best checkpoint") if isinstance(best, LitV) and best.value else UNKNOWN
            )
        return CallbackV("early stopping")

    # ------------------------------------------------------------ method calls
    def method_call(
        self, recv: V, meth: str, args: list[V], kwargs: dict[str, V], node: ast.Call
    ) -> V:
        selection.method_hooks(self, recv, meth, args, kwargs, node)
        if isinstance(recv, ScoreV):
            return recv
        if meth == "drop" and isinstance(recv, DataV):  # the columns a printed describe() loses
            out = self.data_method(recv, meth, args, kwargs, node)
            if isinstance(out, DataV) and out is not recv:
                names = strings(kwargs.get("columns", args[0] if args else None))
                out.dropped = recv.dropped | frozenset(names)
            return out
        if isinstance(recv, MultiV):
            results = [self.method_call(a, meth, args, kwargs, node) for a in recv.alts]
            return MultiV(results, recv.count)
        if isinstance(recv, RefV):
            return self.call_ref(f"{recv.qualname}.{meth}", args, kwargs, node)
        if isinstance(recv, EstV):
            return self.estimator_method(recv, meth, args, kwargs, node)
        if isinstance(recv, SeqV):
            if meth == "items" and recv.kind == "dict":
                return SeqV(
                    [
                        SeqV([LitV(k), v], "tuple")
                        for k, v in zip(recv.keys, recv.items, strict=False)
                    ],
                    "items",
                )
            if meth == "values" and recv.kind == "dict":
                return SeqV(list(recv.items), "list")
            if meth == "keys" and recv.kind == "dict":
                return SeqV([LitV(k) for k in recv.keys], "list")
            if meth == "append" and args:
                recv.items.append(args[0])
                return LitV(None)
            return UNKNOWN
        if isinstance(recv, GroupByV):
            return self.groupby_method(recv, meth, args, kwargs, node)
        if isinstance(recv, StatV):
            return recv
        if isinstance(recv, IndexV):
            return UNKNOWN
        if isinstance(recv, DataV):
            return self.data_method(recv, meth, args, kwargs, node)
        return self.generic_call(args, kwargs, node) if any(data_of(a) for a in args) else UNKNOWN

    def estimator_method(
        self, est: EstV, meth: str, args: list[V], kwargs: dict[str, V], node: ast.Call
    ) -> V:
        if est.info.kinds & {"spark", "stateless", "evaluator", "builder"}:
            out = self.spark_method(est, meth, args, kwargs, node)
            if out is not None:
                return out
        X = data_of(args[0]) if args else data_of(kwargs.get("X", UNKNOWN))
        y = data_of(args[1]) if len(args) > 1 else data_of(kwargs.get("y", UNKNOWN))
        info = est.info
        if meth == "fit_sample":  # imbalanced-learn's name before 0.4
            meth = "fit_resample"
        if meth in ("fit", "fit_transform", "fit_predict", "fit_resample", "partial_fit"):
            rec = self.record(
                "fit",
                node,
                estimator=info,
                method=meth,
                X=X,
                y=y,
                subject=_subject(info, X),
                direct=True,
                tuned_by=est.tuned_by,
            )
            est.fitted_on, est.fitted_y, est.fit_record = X, y, rec
            if info.cls == "OneHotEncoder" and X is not None:
                cols = X.columns or ((X.column,) if X.column else ())
                bounded = any(
                    info.params.get(p) is not None for p in ("max_categories", "min_frequency")
                )
                self.record(
                    "encoding", node, method="OneHotEncoder", data=X, columns=cols, bounded=bounded
                )
            if "search" in info.kinds:
                self.record("crossval", node, estimator=info, function=info.cls, X=X, y=y)
                if est.inner is not None:
                    est.inner.fitted_on, est.inner.fitted_y, est.inner.fit_record = X, y, rec
                    est.inner.tuned_by = rec  # best_estimator_ carries the search's choice
            if y is not None and y.column and y.column != "<target>":
                self.target_columns.add(y.column)
            if meth == "fit":
                return est
            if meth == "fit_resample":
                done = frozenset({info.est_id})
                self.resampled.add(info.est_id)
                outs: list[V] = [
                    X.derive(applied=X.applied | done) if X else UNKNOWN,
                    y.derive(applied=y.applied | done) if y else UNKNOWN,
                ]
                return SeqV(outs, "tuple")
            if meth == "fit_predict":
                return self.predictions(est, "predict", X, node)
            return self.transformed(info, X)
        if meth in PREDICT_METHODS:
            self.record(
                "predict",
                node,
                estimator=info,
                method=meth,
                X=X,
                fit=est.fit_record,
                subject=_subject(info, X),
            )
            return self.predictions(est, meth, X, node)
        if meth == "transform":
            self.record(
                "predict",
                node,
                estimator=info,
                method="transform",
                X=X,
                fit=est.fit_record,
                subject=_subject(info, X),
            )
            return self.transformed(info, X)
        if meth == "score":
            return ScoreV(
                [selection.evaluation(self, "score", est, X, y, None, node, est.fit_record)]
            )
        if meth == "set_params":
            tuned = kwargs.get("**")
            if isinstance(tuned, TunedV):
                est.tuned_by = tuned.search.fit_record
            params, configs = self.params_of(kwargs, node)
            est.info = _with(
                est.info, params={**est.info.params, **params}, configs=est.info.configs * configs
            )
            return est
        if meth == "split" and "splitter" in info.kinds and X is not None:
            return self.fold_split(est, X, node)
        if meth in ("split", "get_n_splits"):
            d = X
            if d is None:
                return UNKNOWN
            return MultiV([SeqV([IndexV(d), IndexV(d)], "tuple")], None)
        return UNKNOWN

    def fold_split(self, est: EstV, X: DataV, node: ast.AST) -> V:
        """``for tr, te in KFold(5).split(X)``: index arrays with the lineage of X's rows.

        The training indices select a training part of X, the held-out
        indices a validation fold (``FOLD``), so that a scaler fitted on all
        of X before the loop sees the rows each fold then scores on. A
        single shuffled split (``StratifiedShuffleSplit(n_splits=1)``, the
        textbook way to carve out a test set) holds out a test part.
        """
        n_splits = est.info.params.get("n_splits")
        single = n_splits == 1 and not isinstance(n_splits, bool)
        held = 1 if single else FOLD
        shuffle = est.info.params.get("shuffle")
        cls = est.info.cls
        tok = SplitToken(
            split_id=self.new_id("S"),
            method=f"{cls}.split",
            inputs=[X],
            parts=[],
            location=self.loc(node),
            # k folds together cover every row: their stored order decides no side
            shuffle=True if single else None,
            stratified=cls.startswith("Stratified"),
            seeded=bool(shuffle is not True and "Shuffle" not in cls)
            or "random_state" in est.info.params,
            time_series=cls == "TimeSeriesSplit",
        )
        label = X.name or X.origin or "the data"
        names = (f"the training folds of {label}", f"the held-out folds of {label}")
        if single:
            names = (f"the training rows of {label}", f"the held-out rows of {label}")
        for part, name in zip((0, held), names, strict=True):
            tok.parts.append(X.derive(rows=X.rows.part(tok.split_id, part), name=name))
            tok.sides.add(min(part, 1))
        self.pending_splits.append(tok)
        index = SeqV([FoldIndexV(tok.split_id, 0), FoldIndexV(tok.split_id, held)], "tuple")
        count = n_splits if isinstance(n_splits, int) and not isinstance(n_splits, bool) else None
        return MultiV([index], count)

    def spark_method(
        self, est: EstV, meth: str, args: list[V], kwargs: dict[str, V], node: ast.Call
    ) -> V | None:
        """Spark ML's protocol, read into the same facts as scikit-learn's.

        ``est.fit(df)`` returns a new Model (the estimator itself stays
        unfitted); the label is a column of the frame (``labelCol``); a Model
        whose last stage predicts adds predictions on ``transform``; an
        evaluator's ``evaluate`` is a metric of those predictions; fluent
        ``setX(v)`` sets a parameter. None: handled as scikit-learn's.
        """
        info = est.info
        if meth.startswith("set") and len(meth) > 3 and len(args) == 1:
            params, _ = self.params_of({}, node)
            name = meth[3].lower() + meth[4:]
            a = args[0]
            params[name] = a.value if isinstance(a, LitV) else Expr(ast.unparse(node.args[0]))
            est.info = _with(info, params={**info.params, **params})
            if "evaluator" not in info.kinds:
                self.record("estimator", node, estimator=est.info, holder=est)
            return est
        if meth == "addGrid" and node.args and isinstance(node.args[0], ast.Attribute):
            # ParamGridBuilder().addGrid(lr.regParam, [0.01, 0.1]): lr's regParam varies
            owner = first(self.ev(node.args[0].value))
            values = args[1] if len(args) > 1 else UNKNOWN
            n = len(values.items) if isinstance(values, SeqV) and not values.comp else 2
            if isinstance(owner, EstV):
                name = node.args[0].attr
                owner.info = _with(owner.info, params={**owner.info.params, name: Varies(n)})
                self.record("estimator", node, estimator=owner.info, holder=owner)
            est.info = _with(info, configs=info.configs * n)
            return est
        if meth == "build" and info.cls == "ParamGridBuilder":
            return MultiV([UNKNOWN], info.configs)
        if meth == "setParams" and kwargs:
            params, _ = self.params_of(kwargs, node)
            est.info = _with(info, params={**info.params, **params})
            if "evaluator" not in info.kinds:
                self.record("estimator", node, estimator=est.info, holder=est)
            return est
        X = data_of(args[0]) if args else data_of(kwargs.get("dataset", UNKNOWN))
        if "evaluator" in info.kinds:
            return self.spark_evaluate(est, meth, X, node) if meth == "evaluate" else UNKNOWN
        if "stateless" in info.kinds:
            if meth != "transform" or X is None:
                return UNKNOWN
            cols = info.params.get("inputCols")
            n_feat = len(cols) if isinstance(cols, list) else 0
            return X.derive(column=None, n_features=n_feat or X.n_features)
        final = info.final
        label = final.params.get("labelCol", "label")
        predicts = bool(final.kinds & {"classifier", "regressor", "cluster"})
        if meth == "fit" and X is not None:
            y = X.derive(column=label) if predicts and isinstance(label, str) else None
            rec = self.record(
                "fit",
                node,
                estimator=info,
                method="fit",
                X=X,
                y=y,
                subject=_subject(info, X),
                direct=True,
                tuned_by=est.tuned_by,
            )
            if "search" in info.kinds:  # CrossValidator / TrainValidationSplit
                self.record("crossval", node, estimator=info, function=info.cls, X=X, y=y)
            if y is not None and isinstance(label, str):
                self.target_columns.add(label)
            # the Model is a new object: bound to its own name, it keeps the estimator's id
            return EstV(
                _with(info, binding=None), fitted_on=X, fitted_y=y, fit_record=rec, parts=est.parts
            )
        if meth == "transform" and predicts:
            self.record(
                "predict",
                node,
                estimator=info,
                method="predict",
                X=X,
                fit=est.fit_record,
                subject=_subject(info, X),
            )
            return self.predictions(est, "predict", X, node)
        return None

    def spark_evaluate(self, ev: EstV, meth: str, preds: DataV | None, node: ast.Call) -> V:
        """``evaluator.evaluate(predictions)``: the metric its ``metricName`` names."""
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
        proto = selection.evaluation(self, metric, preds.pred_est, X, y, how, node, preds.pred_fit)
        return ScoreV([proto])

    def rows_of(self, d: DataV) -> int | None:
        """Rows of a value when known: its own (a printed shape) or its unsplit root's."""
        if d.n_rows is not None:
            return d.n_rows
        if len(d.rows.paths) == 1:
            path = next(iter(d.rows.paths))
            if len(path) == 1:
                return self.knowledge.get((path[0], None), {}).get("n_rows")
        return None

    def predictions(self, est: EstV, meth: str, X: DataV | None, node: ast.AST) -> V:
        rows = X.rows if X is not None else RowSet.root(self.root_id(node))
        return DataV(rows, pred_est=est, pred_method=meth, pred_X=X, pred_fit=est.fit_record)

    def transformed(self, info: EstimatorInfo, X: DataV | None) -> V:
        if X is None:
            return UNKNOWN
        kinds = set(info.kinds)
        for s in info.all_steps():
            kinds |= s.kinds
        kinds -= {"spark", "stateless"}  # where a class comes from, not what it does
        # text vectorizers give same-unit counts or row-normalised tf-idf: the scale
        # premise of ML301 is settled for them as for a scaler
        # a decomposition's output keeps its input's geometry: whether that input needed a
        # scaler is judged where the decomposition was fitted, not again downstream
        scaled = (
            X.scaled
            or bool(kinds & {"scaler", "vectorizer", "decomposition"})
            or _same_unit_output(info)
        )
        keeps_scales = not kinds & {"decomposition", "encoder", "vectorizer"}
        n_feat = X.n_features
        if not kinds <= {"scaler", "imputer", "transformer", "estimator"} or "pipeline" in kinds:
            # selectors, PCA, encoders, polynomial features...: the count changes
            k = info.params.get("k", info.params.get("n_components"))
            n_feat = k if isinstance(k, int) and not isinstance(k, bool) else 0
        elif not kinds & {"scaler", "imputer"}:
            n_feat = 0  # an unknown transformer
        return X.derive(
            applied=X.applied | {info.est_id},
            column=None,
            scaled=scaled,
            unscaled_known=X.unscaled_known and keeps_scales,
            n_features=n_feat,
        )

    # -------------------------------------------------------------- pandas
    def data_method(
        self, d: DataV, meth: str, args: list[V], kwargs: dict[str, V], node: ast.Call
    ) -> V:
        if meth == "randomSplit":
            return self.random_split(d, args, kwargs, node)
        if meth in ("union", "unionByName", "unionAll"):
            return self.concat(SeqV([d, *args], "list"), node)
        if meth in ("rolling", "expanding", "ewm", "resample"):
            return d.derive(window=True)  # its reductions are per-row windows, not statistics
        if meth in STATS and (not args or meth == "quantile"):
            axis = kwargs.get("axis")
            if d.window or isinstance(axis, LitV) and axis.value in ROW_AXES:
                return d.derive(column=d.column if d.window else None)  # a feature of each row
            return StatV(d, meth)
        if meth in ("fillna", "clip", "replace", "where", "mask"):
            # a statistic as the fill value, the clip bounds or the replacement
            vals = (
                [*args, *kwargs.values()]
                if meth != "fillna"
                else args[:1] or [kwargs.get("value", UNKNOWN)]
            )
            st = next((x for x in (stat_of(v) for v in vals) if x is not None), None)
            if st is not None:
                kind = "imputer" if meth == "fillna" else "scaler"
                return statistics.apply_stat(self, d.derive(column=d.column), st, node, kind)
            if meth == "fillna":
                return d.derive()
        if meth in ("apply", "transform", "pipe", "agg", "aggregate", "map") and args:
            func = first(args[0])
            if isinstance(func, FuncV):
                return self.apply_function(d, func, meth, args, kwargs, node)
            axis = kwargs.get("axis")
            rowwise = isinstance(axis, LitV) and axis.value in ROW_AXES
            if isinstance(func, RefV) and not rowwise and meth != "map":
                # df.apply(zscore), df.transform(preprocessing.scale), df.agg(np.mean)
                result = self.call_ref(func.qualname, [d.derive()], {}, node)
                if isinstance(first(result), StatV):
                    return first(result)
                rd = data_of(result)
                if rd is not None and rd.applied != d.applied:
                    return d.derive(column=d.column, applied=rd.applied, scaled=rd.scaled)
        if meth in ("head", "tail"):
            return splits.positional_split(self, d, 0 if meth == "head" else 1, node, "head_tail")
        if meth == "sample":
            frac = kwargs.get("frac")
            n = kwargs.get("n", args[0] if args else None)
            replace = kwargs.get("replace")
            if (isinstance(replace, LitV) and replace.value is True) or (
                isinstance(frac, LitV) and isinstance(frac.value, int | float) and frac.value > 1
            ):
                return statistics.duplicated(self, d, "sample(replace=True)", node)
            is_part = (
                isinstance(frac, LitV) and isinstance(frac.value, float) and frac.value < 1
            ) or isinstance(n, LitV)
            if is_part:
                return splits.sample_split(self, d, kw_set(kwargs, "random_state"), node)
            if isinstance(frac, LitV) and frac.value == 1:  # sample(frac=1): shuffled rows
                return d.derive(order=SHUFFLED)
            return d.derive()
        if meth == "permutation":  # rng.permutation(n): a random index of its own
            return DataV(RowSet.root(self.root_id(node)), order=SHUFFLED)
        if meth == "drop":
            target = args[0] if args else kwargs.get("index", UNKNOWN)
            complement = splits.sample_complement(self, d, target)
            if complement is not None:
                return complement
            dropped = strings(kwargs.get("columns", args[0] if args else None))
            n_feat = d.n_features - len(dropped) if d.n_features and dropped else None
            axis = kwargs.get("axis", args[1] if len(args) > 1 else None)
            by_col = "columns" in kwargs or (
                isinstance(axis, LitV) and axis.value in (1, "columns")
            )
            kept = columns_kept(d, tuple(dropped), drop=True) if by_col else {}
            return d.derive(column=None, n_features=n_feat, **kept)
        if meth in ("sort_values", "sort_index"):
            by = kwargs.get("by", args[0] if args else None)
            cols = strings(by)
            col = cols[0] if cols else ("<index>" if meth == "sort_index" else None)
            return d.derive(order=("sorted", col) if col else None)
        if meth == "groupby":
            by = kwargs.get("by", args[0] if args else None)
            return GroupByV(d, tuple(strings(by)))
        if meth == "pop":
            col = args[0] if args else UNKNOWN
            return d.derive(
                column=col.value if isinstance(col, LitV) and isinstance(col.value, str) else None
            )
        if meth == "map" and args and isinstance(args[0], StatV | GroupByV):
            g = args[0]
            if isinstance(g, GroupByV):
                est_id = statistics.group_statistic(self, g, node)
                return d.derive(applied=d.applied | {est_id})
            return d.derive()
        if meth in (
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
        ):
            return d.derive()
        if meth in (
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
        ):
            datas = [x for x in (data_of(a) for a in args) if x is not None]
            rows = d.rows
            for x in datas:
                rows = rows.union(x.rows)
            keep_column = meth in (
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
            )
            return d.derive(rows=rows, column=d.column if keep_column else None)
        return d.derive(column=None)

    def apply_function(
        self, d: DataV, func: FuncV, meth: str, args: list[V], kwargs: dict[str, V], node: ast.Call
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
        result = self.inline(func, [arg, *extra], {}, node)
        st = first(result)
        if isinstance(st, StatV) and meth in ("agg", "aggregate"):
            return st
        rd = data_of(result)
        if isinstance(st, StatV) and not rowwise:  # df.apply(lambda c: c.mean()): statistics
            return st
        if meth == "pipe" and rd is not None:
            return rd
        applied = d.applied | rd.applied if rd is not None else d.applied
        return d.derive(column=d.column, applied=applied)

    def groupby_method(
        self, g: GroupByV, meth: str, args: list[V], kwargs: dict[str, V], node: ast.Call
    ) -> V:
        if meth in ("transform", "apply", "agg", "aggregate") and args:
            func = first(args[0])
            if isinstance(func, FuncV):  # .transform(lambda x: x.fillna(x.mean())): per group
                col = g.data.derive(column=g.column) if g.column else g.data.derive()
                return self.apply_function(col, func, meth, args, kwargs, node)
        agg = args[0].value if args and isinstance(args[0], LitV) else meth
        if (
            meth in ("transform", "agg", "aggregate")
            and agg in ("mean", "median", "sum")
            or meth in ("mean", "median")
        ):
            if meth != "transform":
                return GroupByV(g.data, g.keys, g.column, agg)
            est_id = statistics.group_statistic(self, GroupByV(g.data, g.keys, g.column, agg), node)
            return g.data.derive(column=None, applied=g.data.applied | {est_id})
        return g.data.derive(column=None)

    def finish(self) -> None:
        """Settle what needs the whole notebook; idempotent (a live session calls it per cell).

        Mask and slice pairs are kept as splits only when a model is fitted on
        one side and scored on the other, and group statistics become fits
        once it is known whether their column is the target.
        """
        splits.confirm_masks(self)
        splits.orient_splits(self)
        statistics.emit_group_fits(self)


STOPPING_CALLBACKS = frozenset({"EarlyStopping", "early_stopping"})
BOOSTING_DATASETS = frozenset({"Dataset", "DMatrix", "Pool", "QuantileDMatrix"})
CHOICE_FUNCTIONS = frozenset(
    {"argmax", "argmin", "nanargmax", "nanargmin", "argsort", "sort", "max", "min", "amax", "amin"}
)


def _as_load(target: ast.expr) -> ast.expr:
    """An assignment target read as a value (for augmented assignment)."""
    node = ast.parse(ast.unparse(target), mode="eval").body
    for child in ast.walk(node):
        ast.copy_location(child, target)
    return node


def _frame_target(target: ast.expr) -> tuple[str | None, str | None]:
    """The frame name and column of an assignment target (``df.loc[m, "age"]``)."""
    col: str | None = None
    t: ast.expr = target
    while isinstance(t, ast.Subscript | ast.Attribute):
        if isinstance(t, ast.Subscript):
            sl = t.slice
            if isinstance(sl, ast.Tuple) and sl.elts:
                sl = sl.elts[-1]
            if col is None and isinstance(sl, ast.Constant) and isinstance(sl.value, str):
                col = sl.value
        elif t.attr not in ("loc", "iloc", "at", "iat", "values") and col is None:
            col = t.attr
        t = t.value
    return (t.id if isinstance(t, ast.Name) else None), col


def _with(info: EstimatorInfo, **changes: Any) -> EstimatorInfo:
    from dataclasses import replace

    return replace(info, **changes)


def _subject(info: EstimatorInfo, X: DataV | None) -> tuple[str, ...]:
    return tuple(x for x in (info.binding or info.cls, X.name if X is not None else None) if x)


def _binop(op: ast.operator, a: Any, b: Any) -> Any:
    if isinstance(op, ast.Add):
        return a + b
    if isinstance(op, ast.Sub):
        return a - b
    if isinstance(op, ast.Mult):
        return a * b
    if isinstance(op, ast.Div):
        return a / b
    if isinstance(op, ast.Pow):
        return a**b
    if isinstance(op, ast.FloorDiv):
        return a // b
    raise ValueError("unsupported")


def _part_rows(n: int | None, test: float | int | None, part: int) -> int | None:
    """Rows on one side of train_test_split, as scikit-learn rounds them."""
    if n is None or test is None:
        return None
    n_test = int(test) if isinstance(test, int) and test >= 1 else math.ceil(float(test) * n)
    return n_test if part == 1 else n - n_test


SAME_SCALE_DRAWS = frozenset(
    {"randn", "rand", "random", "standard_normal", "random_sample", "normal", "uniform"}
)


def _same_scale_draw(qual: str, short: str, args: list[V], kwargs: dict[str, V]) -> bool:
    """A NumPy draw whose columns share one distribution (scalar location and scale)."""
    if ".random." not in qual or short not in SAME_SCALE_DRAWS:
        return False
    loose = [v for k, v in kwargs.items() if k != "size"]
    if short in ("normal", "uniform"):
        loose += args[:2]
    return all(isinstance(v, LitV) for v in loose)


def _is_pixel_division(op: ast.operator, right: V) -> bool:
    return (
        isinstance(op, ast.Div)
        and isinstance(right, LitV)
        and right.value in (255, 255.0, 256, 256.0, 65535, 65535.0)
    )


def _same_unit_output(info: EstimatorInfo) -> bool:
    """The transformer's output needs no scaler: whitened PCA, one-hot/binary indicators."""
    last = info.steps[-1] if "pipeline" in info.kinds and info.steps else info
    return catalog.settles_scale(last.cls, last.params)


def _has_unresolved_steps(short: str, args: list[V], kwargs: dict[str, V]) -> bool:
    """A composite given steps the reader cannot resolve (a helper's result, ``list(...)``)."""
    if short in ("make_pipeline", "make_union"):
        return any(not isinstance(first(a), EstV) for a in args)
    if short == "make_column_transformer":
        items = [first(a) for a in args]
        return any(
            not (isinstance(i, SeqV) and i.items and _resolved_step(i.items[0])) for i in items
        )
    seq = first(args[0]) if args else None
    if seq is None:
        seq = first(
            kwargs.get("steps", kwargs.get("transformers", kwargs.get("transformer_list", UNKNOWN)))
        )
    if not isinstance(seq, SeqV):
        return True
    return any(
        not (isinstance(i, SeqV) and len(i.items) >= 2 and _resolved_step(i.items[1]))
        for i in (first(x) for x in seq.items)
    )


def _resolved_step(v: V) -> bool:
    v = first(v)
    return isinstance(v, EstV) or (isinstance(v, LitV) and v.value in ("drop", "passthrough", None))


def _not_a_score(short: str) -> bool:
    """Functions of ``sklearn.metrics`` that compute no score of a model.

    Distances and kernels (``pairwise_distances_argmin`` assigns rows to their
    nearest centre), scorer factories and curve helpers take data, not a
    prediction against a truth.
    """
    return (
        short.startswith("pairwise_")
        or short.endswith(("_distances", "_kernel", "_argmin", "_argmin_min", "_similarity"))
        or short in ("make_scorer", "get_scorer", "get_scorer_names", "check_scoring", "auc")
    )


def _grid_size(grid: V | None) -> int:
    if isinstance(grid, SeqV) and grid.kind == "dict":
        size = 1
        for item in grid.items:
            size *= len(item.items) if isinstance(item, SeqV) and item.items else 2
        return size
    if isinstance(grid, SeqV) and grid.kind == "list":
        return sum(_grid_size(g) for g in grid.items) or 2
    return 2


def _shares_text(shares: tuple[float, ...] | list[float]) -> str:
    return "class shares " + " / ".join(f"{s:.0%}" for s in shares)


def _generator_info(short: str, kwargs: dict[str, V], args: list[V]) -> dict[str, Any]:
    def lit(name: str, default: Any) -> Any:
        v = kwargs.get(name)
        return v.value if isinstance(v, LitV) else (default if v is None else None)

    info: dict[str, Any] = {"order": None, "unscaled": None}
    if kwargs.get("scale") is None and kwargs.get("shift") is None:
        # generated features are drawn on one common scale (unit-variance clusters, noise)
        info["scale_ratio"] = 1.0
        info["scale_text"] = f"{short}() draws all features on one common scale"
    n_rows = lit("n_samples", 100)
    if n_rows is None and args and isinstance(args[0], LitV):
        n_rows = args[0].value
    info["n_rows"] = n_rows if isinstance(n_rows, int) else None
    default_features = {
        "make_classification": 20,
        "make_regression": 100,
        "make_blobs": 2,
        "make_moons": 2,
        "make_circles": 2,
        "make_hastie_10_2": 10,
        "make_friedman1": 10,
    }.get(short)
    n_feat = lit("n_features", default_features)
    info["n_features"] = n_feat if isinstance(n_feat, int) else None
    if short == "make_classification":
        n_classes = lit("n_classes", 2)
        info["n_classes"] = n_classes if isinstance(n_classes, int) else None
        w = kwargs.get("weights")
        if isinstance(w, SeqV) and all(
            isinstance(i, LitV) and isinstance(i.value, int | float) for i in w.items
        ):
            weights = [float(i.value) for i in w.items]
            if info["n_classes"] and len(weights) == info["n_classes"] - 1:
                weights.append(max(0.0, 1 - sum(weights)))
            total = sum(weights) or 1.0
            info["shares"] = tuple(x / total for x in weights)
        elif w is None and isinstance(info.get("n_classes"), int):
            info["shares"] = tuple(1 / info["n_classes"] for _ in range(info["n_classes"]))
        shuffle = kwargs.get("shuffle")
        if isinstance(shuffle, LitV) and shuffle.value is False:
            info["order"] = "make_classification(shuffle=False) returns rows grouped by class"
    elif short in ("make_moons", "make_circles"):
        info["n_classes"] = 2
        info["shares"] = (0.5, 0.5)
    elif short == "make_blobs":
        centers = lit("centers", 3)
        info["n_classes"] = centers if isinstance(centers, int) else None
    return info
