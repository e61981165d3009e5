"""The evaluator: cells, statements, expressions, the environment, notebook functions.

It walks each cell's AST once, keeping an environment of abstract values
(:mod:`..values`), and records the ML events it sees as *proto facts* that
still point at abstract data (:mod:`.records`). Facts are finalised after
the last cell (:mod:`..extract`) so that evidence printed later in the
notebook (a ``value_counts`` three cells down) still informs an earlier
split.

Why an interpreter rather than pattern matching: the same pitfall hides
behind aliases, tuple unpacking, method chains, loops over models and
helper functions; following values is what makes both the findings and
the silences trustworthy.

What a library call, method or attribute means is not here: the core asks
the handler tables of :mod:`.registry`, which the modules of
:mod:`.libraries` fill. Split inference, statistics read as fits, score
tracking and display evidence have their own modules.
"""

from __future__ import annotations

import ast
import builtins
import itertools
from collections.abc import Callable
from typing import Any

import ml_lint_nb.facts.static.interpreter.arithmetic as arithmetic
import ml_lint_nb.facts.static.interpreter.choices as choices
import ml_lint_nb.facts.static.interpreter.columns as columns
import ml_lint_nb.facts.static.interpreter.displays as displays
import ml_lint_nb.facts.static.interpreter.estimators as estimators
import ml_lint_nb.facts.static.interpreter.expressions as expressions
import ml_lint_nb.facts.static.interpreter.libraries  # noqa: F401 (fills the tables)
import ml_lint_nb.facts.static.interpreter.outside as outside
import ml_lint_nb.facts.static.interpreter.registry as registry
import ml_lint_nb.facts.static.interpreter.selection as selection
import ml_lint_nb.facts.static.interpreter.splits as splits
import ml_lint_nb.facts.static.interpreter.statistics as statistics
from ml_lint_nb.facts.location import Location
from ml_lint_nb.facts.model import RowSet
from ml_lint_nb.facts.static.deadline import Deadline
from ml_lint_nb.facts.static.interpreter.records import (
    Display,
    OutsideState,
    Proto,
    SplitState,
    SplitToken,
    StatState,
)
from ml_lint_nb.facts.static.interpreter.registry import NEXT, Call
from ml_lint_nb.facts.static.values import (
    UNKNOWN,
    ChosenV,
    DataV,
    EstV,
    ExprV,
    FoldIndexV,
    FreeV,
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
    UnknownV,
    V,
    WindowV,
    applied_of,
    columns_kept,
    data_of,
    first,
    iter_element,
    unpack,
)

BUILTIN_NAMES = frozenset(dir(builtins)) | {"display", "get_ipython", "In", "Out", "_", "__", "___"}
# arguments that give a count or a shape, never data (np.random.randint(lo, hi, size=n_missing))
SIZE_ARGS = frozenset({"size", "shape", "n", "n_samples", "num"})


class Interpreter:
    """Interprets cells one by one, in notebook (or execution) order; see the module docstring.

    Other packages read its state: ``env`` (the bindings), ``protos`` and
    ``splits`` (what was recorded), ``knowledge`` (what outputs and loaders
    say about data), ``target_columns``, ``time_columns``, ``cell_names``.
    """

    def __init__(self) -> None:
        """An interpreter before the first cell: nothing bound, nothing recorded."""
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
        self.pending_splits: list[SplitToken] = []  # splits of the current statement
        self.split_state = SplitState()  # see splits.py
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
        self.stat_state = StatState()  # see statistics.py
        self.outside = OutsideState()  # see outside.py
        self.classes: dict[str, ast.ClassDef] = {}  # see s_ClassDef
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
        raw: str | None = None,
    ) -> list[Display]:
        """Interpret one cell. ``cell_key`` names the cell across re-runs (live mode);
        ``raw`` is its source before IPython syntax was neutralised (``%run`` lines)."""
        if raw is not None:
            outside.note_cell_source(self, raw, cell_index)
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
        """Where ``node`` is; inside an inlined notebook function, the outermost call site."""
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
        """A fresh lineage root: rows first seen here (a reader, an unknown call)."""
        return self.new_id("r")

    def record(self, kind: str, node: ast.AST, **args: Any) -> Proto:
        """Record a proto fact at ``node`` (noting whether it happens in a loop)."""
        p = Proto(kind, self.loc(node), dict(args, in_loop=self.loop_depth > 0))
        self.protos.append(p)
        return p

    # ------------------------------------------------------------- statements
    def stmt(self, node: ast.stmt, display: bool = False) -> None:
        """Interpret a statement by its ``s_<Type>`` method; others by their parts.

        ``display``: the cell's last statement, whose value the cell shows.
        The deadline is checked here, so a long cell ends cooperatively.
        """
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
        """A block of statements; one that fails to read does not lose the others."""
        for s in stmts:
            try:
                self.stmt(s)
            except RecursionError:
                raise
            except Exception:
                continue

    def s_Import(self, node: ast.Import) -> None:
        """``import numpy as np``: the name refers to the module."""
        for alias in node.names:
            if alias.asname:
                self.env[alias.asname] = RefV(alias.name)
                self.define(alias.asname, node)
            else:
                top = alias.name.split(".")[0]
                self.env[top] = RefV(top)
                self.define(top, node)

    def s_ImportFrom(self, node: ast.ImportFrom) -> None:
        """``from sklearn.svm import SVC``: the name refers to the qualified object."""
        mod = node.module or ""
        for alias in node.names:
            if alias.name == "*":
                self.define("*", node)  # may bring any name (ML502 stays silent on them)
                outside.note_star_import(self, mod, node)
                continue
            self.env[alias.asname or alias.name] = RefV(
                f"{mod}.{alias.name}" if mod else alias.name
            )
            self.define(alias.asname or alias.name, node)

    def s_Assign(self, node: ast.Assign) -> None:
        """``a = b = value``; names holding scores are tracked, columns replaced noted."""
        value = self.ev(node.value)
        for target in node.targets:
            self.assign(target, value, node)
        selection.track_scores(self, node.targets, value, node.value)
        for target in node.targets:
            if isinstance(target, ast.Subscript):
                columns.columns_replaced(self, target, value)

    def s_AnnAssign(self, node: ast.AnnAssign) -> None:
        """``x: int = value``: as an assignment."""
        if node.value is not None:
            self.assign(node.target, self.ev(node.value), node)

    def s_AugAssign(self, node: ast.AugAssign) -> None:
        """``X -= X.mean()`` on data is ``X = X - X.mean()``; on a number it is a new number."""
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
        """An expression statement; some print wherever they stand (a Spark frame's ``show()``)."""
        self.ev(node.value)
        displays.note_statement(self, node.value)

    def s_FunctionDef(self, node: ast.FunctionDef) -> None:
        """A notebook function: read where it is called (:meth:`inline`), not where defined."""
        self.env[node.name] = FuncV(node, node.name)
        self.define(node.name, node)

    s_AsyncFunctionDef = s_FunctionDef

    def s_ClassDef(self, node: ast.ClassDef) -> None:
        """A notebook class: a reference; its definition is kept for constructing it
        (an estimator when it follows scikit-learn's protocol, see
        :mod:`.libraries.notebook_classes`)."""
        self.env[node.name] = RefV(f"__main__.{node.name}")
        self.classes[node.name] = node
        self.define(node.name, node)

    def s_Return(self, node: ast.Return) -> None:
        """What an inlined function gives back (the last return read wins)."""
        self.returns.append(self.ev(node.value) if node.value is not None else LitV(None))

    def s_Delete(self, node: ast.Delete) -> None:
        """``del name``: the binding is gone."""
        for t in node.targets:
            if isinstance(t, ast.Name):
                self.env.pop(t.id, None)

    def s_If(self, node: ast.If) -> None:
        """Both branches are read, in order (either may run)."""
        self.ev(node.test)
        self.body(node.body)
        self.body(node.orelse)

    def s_For(self, node: ast.For) -> None:
        """The body once, with the loop variable standing for every element (:class:`MultiV`)."""
        element = iter_element(self.ev(node.iter))
        self.loop_depth += 1
        before = len(self.pending_splits)
        try:
            self.assign(node.target, element, node)
            self.body(node.body)
        finally:
            self.loop_depth -= 1
        for tok in self.pending_splits[before:]:
            tok.in_loop = True  # drawn in the body: a new split on each pass
        self.body(node.orelse)

    s_AsyncFor = s_For

    def s_While(self, node: ast.While) -> None:
        """The body once, as in a loop."""
        self.ev(node.test)
        self.loop_depth += 1
        try:
            self.body(node.body)
        finally:
            self.loop_depth -= 1

    def s_With(self, node: ast.With) -> None:
        """``with ... as x``: x is bound to the context expression's value."""
        for item in node.items:
            v = self.ev(item.context_expr)
            if item.optional_vars is not None:
                self.assign(item.optional_vars, v, node)
        self.body(node.body)

    s_AsyncWith = s_With

    def s_Try(self, node: ast.Try) -> None:
        """Every block is read, in order; an exception name is bound to nothing known."""
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
        """Bind a value to an assignment target: a name, a tuple to unpack, a column."""
        if isinstance(target, ast.Name):
            self.bind(target.id, value, target)
        elif isinstance(target, ast.Tuple | ast.List):
            elts = target.elts
            items = unpack(value, len(elts))
            for t, v in zip(elts, items, strict=False):
                if isinstance(t, ast.Starred):
                    self.assign(t.value, v, node)
                else:
                    self.assign(t, v, node)
        elif isinstance(target, ast.Subscript | ast.Attribute):
            self.ev(target.value)
            if isinstance(target, ast.Subscript):
                self.ev(target.slice)
            columns.assign_column(self, target, value, node)
        elif isinstance(target, ast.Starred):
            self.assign(target.value, value, node)

    def define(self, name: str, node: ast.AST) -> None:
        """Note a module-level definition of the cell (for the cell-order facts)."""
        if not self.call_stack:
            self._defs.setdefault(name, getattr(node, "lineno", 1))

    def bind(self, name: str, value: V, node: ast.AST) -> None:
        """Bind a name: data gets the name and a version, an estimator its binding."""
        loc = self.loc(node)
        self.define(name, node)
        if isinstance(value, SeqV) and value.comp and data_of(value) is not None:
            value = data_of(value)  # text = [doc.lower() for doc in text]: text is the data
        if isinstance(value, DataV):
            cell = loc.cell if loc.cell is not None else f"[{loc.execution_count}]"
            named = DataV(
                **{**value.__dict__, "name": name, "version": f"{name}@{cell}:{loc.line}"}
            )
            splits.name_part(self, value, named, loc)
            value = named
        elif isinstance(value, EstV) and value.info.binding is None:
            estimators.name_estimator(value, name)
        elif isinstance(value, MultiV):
            for a in value.alts:
                if isinstance(a, EstV) and a.info.binding is None:
                    estimators.name_estimator(a, name)
        self.env[name] = value

    def flush_splits(self) -> None:
        """The statement is done: its splits join the notebook's."""
        self.splits.extend(self.pending_splits)
        self.pending_splits = []

    # ------------------------------------------------------------- expressions
    def ev(self, node: ast.expr | None) -> V:
        """Evaluate an expression by its ``e_<Type>`` method; others evaluate their parts."""
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
        """A literal."""
        return LitV(node.value)

    def e_Name(self, node: ast.Name) -> V:
        """A name: its binding, a builtin, a kernel object (live mode) or a predefined one."""
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
        predefined = registry.PREDEFINED.get(node.id)  # spark in Databricks
        if predefined is not None:
            return RefV(predefined)
        if self.resolve_free is None:  # static: a name from outside the notebook
            qual = outside.library_name(self, node.id)
            return RefV(qual) if qual is not None else outside.free_name(self, node.id)
        return UNKNOWN

    def e_Attribute(self, node: ast.Attribute) -> V:
        """``base.attr``."""
        base = self.ev(node.value)
        return self.attribute(base, node.attr, node)

    def attribute(self, base: V, attr: str, node: ast.AST) -> V:
        """An attribute of a value: of a module, a reference; of data or a model, as registered.

        Data without a registered attribute of that name reads it as a column
        (``df.age``); anything else unknown.
        """
        if isinstance(base, MultiV):
            return MultiV([self.attribute(a, attr, node) for a in base.alts], base.count)
        if isinstance(base, RefV):
            return RefV(f"{base.qualname}.{attr}")
        if isinstance(base, StatV | ChosenV):
            return base  # df.mean().values, .iloc, .loc: still the statistic
        if isinstance(base, FreeV):
            base = base.data
        if isinstance(base, EstV):
            kind = registry.ESTIMATOR
        elif isinstance(base, DataV):
            kind = registry.DATA
        else:
            return UNKNOWN
        for handler in registry.attribute_handlers(kind, attr):
            out = handler(self, base, attr, node)
            if out is not NEXT:
                return out
        if isinstance(base, DataV):  # a column accessed as an attribute: df.age
            return base.derive(column=attr, **columns_kept(base, (attr,)))
        return UNKNOWN

    def e_Subscript(self, node: ast.Subscript) -> V:
        """``base[index]``; a library object's subscript (``np.r_[a, b]``) as registered."""
        base = self.ev(node.value)
        if isinstance(base, RefV):
            handler = registry.SUBSCRIPTS.get(base.qualname)
            if handler is not None:
                return handler(self, self.ev(node.slice), node)
        return self.subscript(base, node.slice, node)

    def subscript(self, base: V, index: ast.expr, node: ast.AST) -> V:
        """An item of a sequence; columns or rows of data (rows maybe one side of a split)."""
        if isinstance(base, MultiV):
            return MultiV([self.subscript(a, index, node) for a in base.alts], base.count)
        if isinstance(base, FreeV):
            base = base.data
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
            out = splits.select_rows(
                self, base.data, rows_index, node, positional=base.kind == "iloc"
            )
            if isinstance(index, ast.Tuple) and len(index.elts) > 1 and isinstance(out, DataV):
                chooser = choices.chooser_in(self.ev(index.elts[1]))  # X.loc[:, rfe.support_]
                return choices.choose(self, out, chooser, node) if chooser else out
            return out
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
            chooser = choices.chooser_in(idx)  # X[X.columns[selector.get_support()]]
            return choices.choose(self, base, chooser, node) if chooser else base.derive()
        if isinstance(base, GroupByV):
            idx = self.ev(index)
            col = idx.value if isinstance(idx, LitV) and isinstance(idx.value, str) else None
            return GroupByV(base.data, base.keys, col)
        idx = self.ev(index)
        if isinstance(base, StatV):  # df.mode()[0], df.quantile([.01, .99])[0.99]
            named = idx.value if isinstance(idx, LitV) else None
            if isinstance(named, str) and named in base.stat.split("/") and named != base.stat:
                return StatV(base.data, named)  # df.describe().loc["mean"]: the mean
            if isinstance(named, str) and base.stat == "corr":
                by = base.data.derive(column=named, name=base.data.name)  # df.corr()["target"]
                return StatV(by, "corr")
            return base
        if isinstance(base, ChosenV) or isinstance(first(idx), ChosenV):
            return base if isinstance(base, ChosenV) else first(idx)  # X.columns[rfe.support_]
        return UNKNOWN

    def e_Compare(self, node: ast.Compare) -> V:
        """``df.date < cutoff`` is a mask; ``score > best`` in a loop may keep the best."""
        left = self.ev(node.left)
        rights = [self.ev(c) for c in node.comparators]
        selection.note_best_kept(self, left, rights, node)
        if isinstance(left, ExprV) and len(rights) == 1:  # pl.col("date") < cutoff
            return expressions.compare(left, rights[0], node.ops[0], node)
        if isinstance(first(left), ChosenV):
            return first(left)  # mutual_info_classif(X, y) > 0.01
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
        """``a or b``: every operand is read; the last stands for the result."""
        vals = [self.ev(v) for v in node.values]
        return vals[-1] if vals else UNKNOWN

    def e_UnaryOp(self, node: ast.UnaryOp) -> V:
        """``-1`` is a literal, ``~mask`` the complementary mask, ``-X`` the same data."""
        v = self.ev(node.operand)
        if (
            isinstance(node.op, ast.USub)
            and isinstance(v, LitV)
            and isinstance(v.value, int | float)
        ):
            return LitV(-v.value)
        if isinstance(node.op, ast.Invert) and isinstance(v, MaskV):
            return MaskV(v.data, v.column, "Not" + v.op, v.other)
        if isinstance(node.op, ast.Invert) and isinstance(v, ExprV) and v.mask is not None:
            column, op, other = v.mask  # ~pl.col("id").is_in(ids)
            return expressions.merge(v, [], mask=(column, "Not" + op, other))
        return v if data_of(v) is not None else UNKNOWN

    def e_BinOp(self, node: ast.BinOp) -> V:
        """Arithmetic: on literals, scores, lists of steps, statistics (a fit) or data (rows)."""
        return self.arith(self.ev(node.left), self.ev(node.right), node.op, node)

    def arith(self, left: V, right: V, op: ast.operator, node: ast.AST) -> V:
        """``left op right`` on values (also ``df.sub(mu)``, ``np.divide(X, sd)``)."""
        return arithmetic.arith(self, left, right, op, node)

    def e_Tuple(self, node: ast.Tuple) -> V:
        """A tuple of values."""
        return SeqV([self.ev(e) for e in node.elts], "tuple")

    def e_List(self, node: ast.List) -> V:
        """A list of values."""
        return SeqV([self.ev(e) for e in node.elts], "list")

    def e_Set(self, node: ast.Set) -> V:
        """A set, read as a list of values."""
        return SeqV([self.ev(e) for e in node.elts], "list")

    def e_Dict(self, node: ast.Dict) -> V:
        """A dict: its literal keys and its values."""
        keys = []
        for k in node.keys:
            kv = self.ev(k) if k is not None else UNKNOWN
            keys.append(kv.value if isinstance(kv, LitV) else None)
        return SeqV([self.ev(v) for v in node.values], "dict", keys)

    def e_IfExp(self, node: ast.IfExp) -> V:
        """``a if c else b``: every part is read; ``a`` stands for the result."""
        self.ev(node.test)
        a = self.ev(node.body)
        self.ev(node.orelse)
        return a

    def e_NamedExpr(self, node: ast.NamedExpr) -> V:
        """``(x := value)`` binds x."""
        v = self.ev(node.value)
        self.assign(node.target, v, node)
        return v

    def e_Starred(self, node: ast.Starred) -> V:
        """``*xs``: the sequence."""
        return self.ev(node.value)

    def e_Await(self, node: ast.Await) -> V:
        """``await x``: x."""
        return self.ev(node.value)

    def e_Lambda(self, node: ast.Lambda) -> V:
        """A lambda: inlined where it is called."""
        return FuncV(node, "<lambda>")

    def e_JoinedStr(self, node: ast.JoinedStr) -> V:
        """An f-string: its parts are read (for their effects); a string."""
        for v in node.values:
            if isinstance(v, ast.FormattedValue):
                self.ev(v.value)
        return LitV("")

    def comprehension(self, node: Any, elts: list[ast.expr]) -> V:
        """A comprehension read once, its variables standing for every element, in a scope."""
        saved = dict(self.env)
        self.loop_depth += 1
        try:
            for gen in node.generators:
                self.assign(gen.target, iter_element(self.ev(gen.iter)), node)
                for cond in gen.ifs:
                    self.ev(cond)
            values = [self.ev(e) for e in elts]
        finally:
            self.loop_depth -= 1
            self.env = saved
        return SeqV(values[-1:], "list", comp=True)

    def e_ListComp(self, node: ast.ListComp) -> V:
        """``[f(x) for x in xs]``: one item standing for every element."""
        return self.comprehension(node, [node.elt])

    e_SetComp = e_ListComp

    e_GeneratorExp = e_ListComp

    def e_DictComp(self, node: ast.DictComp) -> V:
        """``{k: v for ...}``: a dict of one item standing for every element."""
        v = self.comprehension(node, [node.key, node.value])
        return SeqV(v.items, "dict") if isinstance(v, SeqV) else v

    # ------------------------------------------------------------------ calls
    def e_Call(self, node: ast.Call) -> V:
        """A call: of a method (``recv.meth(...)``) or of a callee."""
        if isinstance(node.func, ast.Attribute):
            receiver = self.ev(node.func.value)
            args, kwargs = self.call_args(node)
            result = self.method_call(receiver, node.func.attr, args, kwargs, node)
            inplace = kwargs.get("inplace")
            if isinstance(inplace, LitV) and inplace.value is True:
                d = data_of(result)
                if d is not None and d.applied:  # df["age"].fillna(m, inplace=True)
                    columns.assign_column(self, node.func.value, d, node)
            return result
        callee = self.ev(node.func)
        args, kwargs = self.call_args(node)
        return self.call(callee, args, kwargs, node)

    def call_args(self, node: ast.Call) -> tuple[list[V], dict[str, V]]:
        """The call's arguments, evaluated in order (a ``**spread`` under the key ``**``)."""
        args = [self.ev(a) for a in node.args]
        kwargs: dict[str, V] = {}
        for kw in node.keywords:
            v = self.ev(kw.value)
            kwargs[kw.arg if kw.arg is not None else "**"] = v
        return args, kwargs

    def call(self, callee: V, args: list[V], kwargs: dict[str, V], node: ast.Call) -> V:
        """Call a value: a library object (the tables), a notebook function (inlined), other."""
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
        """A call nothing knows: data derived from its data arguments, or fresh rows.

        Statistics among the arguments stay statistics, or, with data, are fitted
        on their rows and applied to it.
        """
        values = [*args, *(v for k, v in kwargs.items() if k not in SIZE_ARGS)]
        # pd.DataFrame({"rf": p_rf, "gb": p_gb}): columns cut from a split part (predictions on
        # a hold-out) keep its rows; columns generated in place make fresh rows, as before
        values = [
            i
            for v in values
            for i in (v.items if isinstance(v, SeqV) and v.kind == "dict" else [v])
            if v is i or _split_rows(i)
        ]
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
        scores = selection.scores_of(SeqV(values)) if self.scored else []
        if scores:  # pd.Series([m.score(X_test, y_test) for m in models]): still the scores
            return ScoreV(scores)
        chosen = choices.chooser_in(SeqV(values))
        if isinstance(chosen, ChosenV):  # np.argsort(rf.feature_importances_)
            return chosen
        return DataV(RowSet.root(self.root_id(node)))

    def inline(self, func: FuncV, args: list[V], kwargs: dict[str, V], node: ast.Call) -> V:
        """Call a notebook function by reading its body with these arguments (three deep at most).

        What it records is placed at the notebook's call site, and its local
        names do not leak into the caller's environment.
        """
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

    def call_ref(self, qual: str, args: list[V], kwargs: dict[str, V], node: ast.Call) -> V:
        """Call a library object by its qualified name: the first handler that answers.

        The candidates come from :func:`registry.function_handlers`; when all
        decline, the call is generic.
        """
        root = qual.split(".", 1)[0]
        short = qual.rsplit(".", 1)[-1]
        handlers = registry.function_handlers(root, short)
        if handlers:
            call = Call(qual, root, short, None, args, kwargs, node)
            for handler in handlers:
                out = handler(self, call)
                if out is not NEXT:
                    return out
        return self.generic_call(args, kwargs, node)

    def method_call(
        self, recv: V, meth: str, args: list[V], kwargs: dict[str, V], node: ast.Call
    ) -> V:
        """``recv.meth(...)``: by the receiver's kind, the first registered handler that answers.

        What a method of a reference, a score or a statistic gives does not
        depend on the library; for data, estimators, groups and sequences the
        tables decide, with a default when no handler answers.
        """
        selection.method_hooks(self, recv, meth, args, kwargs, node)
        if isinstance(recv, ScoreV | StatV | ChosenV):
            return recv  # round(score), df.mean().round(2): still the score or the statistic
        if isinstance(recv, MultiV):
            results = [self.method_call(a, meth, args, kwargs, node) for a in recv.alts]
            return MultiV(results, recv.count)
        if isinstance(recv, RefV):
            return self.call_ref(f"{recv.qualname}.{meth}", args, kwargs, node)
        if isinstance(recv, FreeV):  # data from outside, unless asked what a model is asked
            recv = UNKNOWN if meth in outside.ESTIMATOR_METHODS else recv.data
        if isinstance(recv, DataV):
            kinds: tuple[str, ...] = (registry.DATA,)
        elif isinstance(recv, EstV):
            kinds = registry.estimator_kinds(recv.info.kinds)
        elif isinstance(recv, SeqV):
            kinds = (registry.SEQ,)
        elif isinstance(recv, GroupByV):
            kinds = (registry.GROUPBY,)
        elif isinstance(recv, ExprV):
            kinds = (registry.EXPR,)
        elif isinstance(recv, WindowV):
            kinds = (registry.WINDOW,)
        elif isinstance(recv, IndexV):
            kinds = (registry.INDEX,)
        else:
            return (
                self.generic_call(args, kwargs, node) if any(data_of(a) for a in args) else UNKNOWN
            )
        handlers = registry.method_handlers(kinds, meth)
        if handlers:
            call = Call("", "", meth, recv, args, kwargs, node)
            for handler in handlers:
                out = handler(self, call)
                if out is not NEXT:
                    return out
        if isinstance(recv, DataV):
            return recv.derive(column=None)  # the same rows, no longer one known column
        if isinstance(recv, GroupByV):
            return recv.data.derive(column=None)
        return UNKNOWN

    def finish(self) -> None:
        """Settle what needs the whole notebook; idempotent (a live session calls it per cell).

        Mask and slice pairs are kept as splits only when a model is fitted on
        one side and scored on the other, and group statistics become fits
        once it is known whether their column is the target.
        """
        splits.confirm_masks(self)
        splits.orient_splits(self)
        statistics.emit_group_fits(self)
        choices.settle(self)
        if self.outside.free:
            defined = {n: c for c, _, defs, _ in self.cell_names for n in defs}
            outside.settle(self, defined)


def _as_load(target: ast.expr) -> ast.expr:
    """An assignment target read as a value (for augmented assignment)."""
    node = ast.parse(ast.unparse(target), mode="eval").body
    for child in ast.walk(node):
        ast.copy_location(child, target)
    return node


def _split_rows(value: V) -> bool:
    """Whether a value holds rows of one side of a split (a part, or predictions on one)."""
    data = data_of(value)
    return data is not None and bool(data.rows.roles() - {"all"})
