"""ML203's fix (unsafe): split first, and fit the transformer on the training rows only.

These canonical forms are rewritten; anything else gets no fix.

1. **Transform, then split** (``Xs = StandardScaler().fit_transform(X)``,
   then ``train_test_split(Xs, y)``, then a model fitted on the training
   part): the split takes ``X`` itself, and each model fitted on the
   transformed rows becomes ``make_pipeline(StandardScaler(), Model(...))``,
   so the fitted pipeline replaces the model wherever it is scored and the
   transformer learns from the training rows only. The statement that made
   ``Xs`` goes when nothing else reads it (with ``scaler = StandardScaler()``
   when that was its only use). The same when the data is rebound
   (``X = pd.DataFrame(sc.fit_transform(X), columns=X.columns)``): the
   statement keeps the untransformed data, or goes.
2. **A statistic filled in by hand** (``df = df.fillna(df.mean())`` before
   the split): the statement goes and a ``SimpleImputer`` with the same
   statistic becomes the pipeline's first step.
3. **Fit on all rows, transform the parts** (``mm.fit(X)`` before or
   after the split, ``mm.transform(X_train)`` after it): the fit goes and
   the training part's ``transform`` becomes ``fit_transform``.
4. **Done twice**: a scaler or imputer before the split whose output meets
   one of the same kind fitted on the training part after it: the first
   one goes, the second already does the job.

The forms 1 and 2 apply only when every estimator fitted on the
transformed rows is a model whose constructor the fix can wrap (a second
transformer downstream is fixed first; a search or cross-validation over
them: no fix), so the rewritten notebook still runs; its scores change,
hence unsafe.
"""

from __future__ import annotations

import ast

from ml_lint_nb.edits import UNSAFE, Edit, FixEdit, overlapping
from ml_lint_nb.facts.model import (
    CrossValFact,
    DataRef,
    EstimatorFact,
    EstimatorInfo,
    EvaluationFact,
    FitFact,
    PredictFact,
    SplitFact,
)
from ml_lint_nb.facts.static.syntax import CellCode, Position, SourceIndex, dotted
from ml_lint_nb.facts.store import FactStore
from ml_lint_nb.findings import Finding
from ml_lint_nb.rules.common import est_label as est_label_info
from ml_lint_nb.rules.fixes.calls import import_edits, repeatable
from ml_lint_nb.rules.leakage.fit_paths import is_preprocessor

MAKE_PIPELINE = "sklearn.pipeline.make_pipeline"
SIMPLE_IMPUTER = "sklearn.impute.SimpleImputer"
# the statistic of a hand-made fill -> SimpleImputer's strategy
STRATEGIES = {"mean": "mean", "median": "median", "mode": "most_frequent"}
# kinds of fits this fix never rewrites (resampling, cleaning: rows change, not values)
NOT_REWRITTEN = frozenset({"resampler", "cleaning", "undersampling", "spark", "search"})
# a transformer of one of these kinds fitted after the split redoes the one fitted before it
REDONE_KINDS = frozenset({"scaler", "imputer"})


def produce(finding: Finding, store: FactStore, index: SourceIndex) -> FixEdit | None:
    """The rewrite for one ML203 finding, when its code is in a canonical form."""
    fit = next(
        (
            f
            for f in store.of(FitFact)
            if f.location == finding.location and f.subject == finding.subject and f.direct
        ),
        None,
    )
    split_at = next((r.location for r in finding.related if r.role == "split"), None)
    if fit is None or split_at is None or fit.X is None or fit.also:
        return None
    info = fit.estimator
    if info.kinds & NOT_REWRITTEN or "pipeline" in info.kinds:
        return None
    split = next(
        (s for s in store.of(SplitFact) if s.location == split_at and s.inputs and s.parts), None
    )
    if split is None or split.method != "train_test_split":
        return None
    rewrite = _Rewrite(store, index, fit, split)
    if info.est_id in split.inputs[0].applied:
        if fit.location.sort_key() >= split.location.sort_key():
            return None
        edits = rewrite.pipeline()
    else:  # fitted on all rows, applied to the parts after the split
        edits = rewrite.fit_on_training_part()
    if not edits or overlapping(edits):
        return None
    return FixEdit(UNSAFE, rewrite.description, tuple(edits))


class _Rewrite:
    """The facts and code of one finding, and the edits of each form."""

    def __init__(self, store: FactStore, index: SourceIndex, fit: FitFact, split: SplitFact):
        self.store, self.index, self.fit, self.split = store, index, fit, split
        self.info = fit.estimator
        self.description = ""
        self.source_text = ""
        self.taken_off = ""
        # the name the transformer is bound to (``pca = PCA().fit(X)`` binds the fitted one)
        self.binding = self.info.binding or next(
            (
                e.estimator.binding
                for e in store.of(EstimatorFact)
                if e.estimator.est_id == self.info.est_id
            ),
            None,
        )

    # -- form 3: fit, split, transform the parts -------------------------------------------
    def fit_on_training_part(self) -> list[Edit] | None:
        """``T.fit(X)`` before the split; ``T.transform(X_train)`` after it -> ``fit_transform``."""
        name = self.binding
        train = self.split.parts[0].name
        if not name or not train or self.fit.method != "fit":
            return None
        found = self._method_call(self.fit.location, "fit")
        if found is None:
            return None
        code, call = found
        removal = self._remove_fit(code, call, name)
        if removal is None:
            return None
        split_pos = self._split_position()
        if split_pos is None:
            return None
        target = None
        fit_at = code.position(call)
        for c, node in self.index.names(name):
            pos = c.position(node)
            if pos <= fit_at or isinstance(node.ctx, ast.Store):
                continue
            parent = c.parents.get(id(node))
            grand = c.parents.get(id(parent)) if parent is not None else None
            is_transform = (
                isinstance(parent, ast.Attribute)
                and parent.attr == "transform"
                and isinstance(grand, ast.Call)
                and grand.func is parent
                and len(grand.args) == 1
                and isinstance(grand.args[0], ast.Name)
                and grand.args[0].id == train
                and pos > split_pos
            )
            if not is_transform:
                return None  # T is used before its training-part transform: it must stay fitted
            target = (c, parent)
            break
        if target is None:
            return None
        c, attr = target
        _line, _col, end_line, end_col = c.span(attr)
        edit = c.edit(end_line, end_col - len("transform"), end_line, end_col, "fit_transform")
        if edit is None:
            return None
        self.description = (
            f"Fit {name} on {train} only (fit_transform after the split) instead of on all rows"
        )
        return [removal, edit]

    def _remove_fit(self, code: CellCode, call: ast.Call, name: str) -> Edit | None:
        """Drop ``T.fit(X)`` (its statement), or ``.fit(X)`` from ``T = Ctor().fit(X)``."""
        stmt = code.top_statement_of(call)
        if isinstance(stmt, ast.Expr) and stmt.value is call and dotted(call.func) == f"{name}.fit":
            return code.delete_statement(stmt)
        if (
            isinstance(stmt, ast.Assign)
            and stmt.value is call
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
            and stmt.targets[0].id == name
            and isinstance(call.func, ast.Attribute)
            and isinstance(call.func.value, ast.Call)
        ):
            _l, _c, ctor_end_line, ctor_end_col = code.span(call.func.value)
            _l2, _c2, end_line, end_col = code.span(call)
            return code.edit(ctor_end_line, ctor_end_col, end_line, end_col, "")
        return None

    # -- forms 1 and 2: the transformer into a pipeline with each model --------------------------
    def pipeline(self) -> list[Edit] | None:
        down = self._models()
        if down is None:
            return None
        models, redundant = down
        split_found = self.index.call_named(self.split.location, {"train_test_split"})
        if split_found is None:
            return None
        split_code, split_call = split_found
        if "pseudo" in self.info.kinds:
            step, imports, source_edits = self._hand_fill(split_code, split_call)
            what = "Drop the fill before the split"
        else:
            step, imports, source_edits = self._take_off(split_code, split_call)
            what = self.taken_off
        if step is None or source_edits is None:
            return None
        if redundant is not None:
            self.description = (
                f"{what}: {redundant} after the split already fits on the training rows only"
            )
            return source_edits
        first_model = min(models, key=lambda m: m[0].position(m[1]))
        placed = import_edits(
            self.index, [MAKE_PIPELINE, *imports], first_model[0].position(first_model[1])
        )
        if placed is None:
            return None
        names, import_lines = placed
        step_text = step.format(**{q.rsplit(".", 1)[-1]: names[q] for q in imports})
        wraps: list[Edit] = []
        for code, ctor in models:
            wrap = self._wrap(code, ctor, names[MAKE_PIPELINE], step_text)
            if wrap is None:
                return None
            wraps.extend(wrap)
        model_names = sorted({_short(self.index, ctor) for _c, ctor in models})
        self.description = (
            f"{what}; {names[MAKE_PIPELINE]}({step_text}, {'/'.join(model_names)}(...)) "
            "fits it on the training rows only"
        )
        return [*source_edits, *wraps, *import_lines]

    def _models(self) -> tuple[list[tuple[CellCode, ast.Call]], str | None] | None:
        """Constructor calls of every model fitted on the transformed rows, or None.

        When the transformed rows meet a transformer of the same kind fitted on
        the training part after the split (a second scaler, done right), that
        one already does the job: the models are left alone and the second
        item names it.
        """
        est_id = self.info.est_id
        downstream = [
            f for f in self.store.of(FitFact) if f.X is not None and est_id in f.X.applied
        ]
        later = [f for f in downstream if f.direct and is_preprocessor(f)]
        redone = {f.estimator.est_id for f in later}
        if (
            later
            and all(self._redoes(f) for f in later)
            and all(f.X is not None and f.X.applied & redone for f in downstream if f not in later)
        ):
            # every model after it meets the second one's output: nothing else to change
            return [], est_label_of(later[0])
        if later:
            return None  # a second transformer downstream: fixed first, then this one
        if any(not f.direct for f in downstream):
            return None  # a search or cross-validation downstream
        for cv in self.store.of(CrossValFact):
            if cv.X is not None and est_id in cv.X.applied:
                return None
        models: dict[str, EstimatorInfo] = {}
        for f in downstream:
            models.setdefault(f.estimator.est_id, f.estimator)
        if not models:
            return None
        # every fit of those models must be on transformed rows (nothing else gets wrapped)
        for f in self.store.of(FitFact):
            if f.estimator.est_id in models and (f.X is None or est_id not in f.X.applied):
                return None
        for used in [*self.store.of(PredictFact), *self.store.of(EvaluationFact)]:
            model = used.estimator
            if model is not None and model.est_id in models and not self._split_part(used.X):
                return None  # the pipeline would transform rows transformed by hand once more
        out: list[tuple[CellCode, ast.Call]] = []
        for model in models.values():
            if model.kinds & NOT_REWRITTEN or "transformer" in model.kinds:
                return None
            ctor = self._constructor(model)
            if ctor is None:
                return None
            out.append(ctor)
        return out, None

    def _redoes(self, later: FitFact) -> bool:
        """A transformer of the same kind fitted on this split's training part only."""
        info = later.estimator
        same = info.cls == self.info.cls or bool(info.kinds & self.info.kinds & REDONE_KINDS)
        if not same or later.X is None or not self._split_part(later.X):
            return False
        return later.X.rows.roles() == {"train"}

    def _split_part(self, data: DataRef | None) -> bool:
        """Rows that are a part of this split (the only rows a wrapped model meets)."""
        if data is None or not data.rows.paths:
            return False
        split_id = self.split.split_id
        return all(any(step[0] == split_id for step in path[1:]) for path in data.rows.paths)

    def _constructor(self, info: EstimatorInfo) -> tuple[CellCode, ast.Call] | None:
        est = next(
            (e for e in self.store.of(EstimatorFact) if e.estimator.est_id == info.est_id), None
        )
        loc = est.location if est is not None else info.location
        names = {info.cls, "make_pipeline"} if "pipeline" in info.kinds else {info.cls}
        return self.index.call_named(loc, names)

    def _wrap(self, code: CellCode, ctor: ast.Call, make: str, step: str) -> list[Edit] | None:
        """``Model(...)`` -> ``make_pipeline(step, Model(...))``; a make_pipeline gets a first step."""
        if not self._defined_before(step, code.position(ctor)):
            return None
        qual = self.index.qualified(ctor.func) or ""
        if qual.endswith("make_pipeline"):
            if not ctor.args or isinstance(ctor.args[0], ast.Starred):
                return None
            first = ctor.args[0]
            edit = code.wrap(first, f"{step}, ", "")
            return [edit] if edit is not None else None
        if "pipeline" in qual.lower():
            return None  # Pipeline([...]): named steps, left to the author
        line, col, end_line, end_col = code.span(ctor)
        head = code.replace(ctor.func, f"{make}({step}, {code.text_of(ctor.func)}")
        tail = code.edit(end_line, end_col - 1, end_line, end_col, "))")
        if (
            head is None
            or tail is None
            or code.slice(end_line, end_col - 1, end_line, end_col) != ")"
        ):
            return None
        return [head, tail]

    def _defined_before(self, text: str, at: Position) -> bool:
        """The names a step's text reads are bound before ``at`` (or only by imports)."""
        try:
            tree = ast.parse(text, mode="eval")
        except SyntaxError:
            return False
        for node in ast.walk(tree):
            if isinstance(node, ast.Name):
                stores = [
                    c.position(n)
                    for c, n in self.index.names(node.id)
                    if isinstance(n.ctx, ast.Store)
                ]
                if stores and min(stores) > at:
                    return False
        return True

    def _take_off(
        self, split_code: CellCode, split_call: ast.Call
    ) -> tuple[str | None, list[str], list[Edit] | None]:
        """The transformer's constructor text, and the edits that take it off the data."""
        arg = split_call.args[0] if split_call.args else None
        if isinstance(arg, ast.Name) and self._definition_of(
            arg.id, split_code.position(split_call)
        ):
            found = self._transformer_step(split_code, split_call, arg.id)
            if found[2] is not None:
                self.taken_off = f"Split {self.source_text} instead of {arg.id}"
                return found
        return self._rebinding()

    def _rebinding(self) -> tuple[str | None, list[str], list[Edit] | None]:
        """``X = T.fit_transform(E)`` (or ``pd.DataFrame(T.fit_transform(E), columns=...)``):
        the statement keeps ``E`` (and goes if ``E`` is ``X`` itself)."""
        fail: tuple[str | None, list[str], list[Edit] | None] = (None, [], None)
        found = self._method_call(self.fit.location, "fit_transform")
        ctor = self.index.call_named(self.info.location, {self.info.cls})
        if found is None or ctor is None:
            return fail
        code, call = found
        ctor_code, ctor_call = ctor
        stmt = code.top_statement_of(call)
        if not (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
            and call.args
            and len(call.args) <= 2
            and not call.keywords
            and self._receiver_is_t(call, ctor_call)
        ):
            return fail
        value = stmt.value
        wrapped = (
            isinstance(value, ast.Call)
            and (self.index.qualified(value.func) or "").endswith("DataFrame")
            and value.args
            and value.args[0] is call
        )
        if value is not call and not wrapped:
            return fail
        name, source = stmt.targets[0].id, call.args[0]
        self.source_text = code.text_of(source)
        unused = None
        if self.binding and ctor_call is not call.func.value:  # type: ignore[attr-defined]
            unused = self._unused_constructor(ctor_code, ctor_call, self.binding, stmt)
        edits: list[Edit | None] = []
        if isinstance(source, ast.Name) and source.id == name:
            self.taken_off = f"Drop the {self.info.cls} of {name} before the split"
            gone = [stmt, unused] if unused is not None and ctor_code is code else [stmt]
            edits.extend(code.delete_statements(gone) or [None])
        else:
            self.taken_off = f"Keep {name} = {self.source_text} untransformed before the split"
            edits.append(code.replace(value, self.source_text))
            if unused is not None and ctor_code is code:
                edits.append(code.delete_statement(unused))
        if unused is not None and ctor_code is not code:
            edits.append(ctor_code.delete_statement(unused))
        if any(e is None for e in edits):
            return fail
        step = ctor_code.text_of(ctor_call).replace("{", "{{").replace("}", "}}")
        return step, [], [e for e in edits if e is not None]

    def _receiver_is_t(self, call: ast.Call, ctor: ast.Call) -> bool:
        receiver = call.func.value  # type: ignore[attr-defined]
        return receiver is ctor or (isinstance(receiver, ast.Name) and receiver.id == self.binding)

    def _transformer_step(
        self, split_code: CellCode, split_call: ast.Call, z_name: str
    ) -> tuple[str | None, list[str], list[Edit] | None]:
        """Form 1: the transformer's constructor text, and the edits that take it off the data."""
        ctor = self.index.call_named(self.info.location, {self.info.cls})
        if ctor is None:
            return None, [], None
        ctor_code, ctor_call = ctor
        step = ctor_code.text_of(ctor_call).replace("{", "{{").replace("}", "}}")
        defining = self._definition_of(z_name, split_code.position(split_call))
        if defining is None:
            return None, [], None
        z_code, stmt, call = defining
        source = call.args[0]
        if not repeatable(source) or self._receiver_is_not_t(z_code, call, ctor_call):
            return None, [], None
        source_text = self.source_text = z_code.text_of(source)
        root = _root_name(source)
        if root is None or self.index.bound_between(
            root, z_code.position(stmt), split_code.position(split_call)
        ):
            return None, [], None
        arg = split_call.args[0]
        edits = [split_code.replace(arg, source_text)]
        others = self.index.other_uses(z_name, z_code.position(stmt), exclude=[arg])
        t_name = self.binding
        t_used = bool(
            t_name
            and any(
                not _inside(n, stmt)
                for c, n in self.index.other_uses(t_name, z_code.position(stmt))
            )
        )
        inline_fit = isinstance(call.func, ast.Attribute) and call.func.attr == "fit_transform"
        if not others and (inline_fit and not t_used):
            gone: list[ast.stmt] = [stmt]
            unused = None
            if t_name and ctor_call is not call.func.value:  # type: ignore[attr-defined]
                unused = self._unused_constructor(ctor_code, ctor_call, t_name, stmt)
            if unused is not None and ctor_code is z_code:
                gone.append(unused)  # one edit when the two statements are neighbours
            elif unused is not None:
                edits.append(ctor_code.delete_statement(unused))
            deleted = z_code.delete_statements(gone)
            if deleted is None:
                return None, [], None
            edits.extend(deleted)
        if any(e is None for e in edits):
            return None, [], None
        return step, [], [e for e in edits if e is not None]

    def _unused_constructor(
        self, code: CellCode, ctor: ast.Call, name: str, fit_stmt: ast.stmt
    ) -> ast.stmt | None:
        """``scaler = StandardScaler()``, whose only use was the fit that goes: it goes too."""
        stmt = code.top_statement_of(ctor)
        if not (
            isinstance(stmt, ast.Assign)
            and stmt.value is ctor
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
            and stmt.targets[0].id == name
        ):
            return None
        for _code, node in self.index.names(name):
            if node is not stmt.targets[0] and not _inside(node, fit_stmt):
                return None  # read or bound elsewhere: it stays
        return stmt

    def _definition_of(
        self, name: str, before: Position
    ) -> tuple[CellCode, ast.Assign, ast.Call] | None:
        """The last ``name = T.transform(X)`` / ``T.fit_transform(X)`` before a position."""
        found = None
        for code, node in self.index.names(name):
            if isinstance(node.ctx, ast.Store) and code.position(node) < before:
                found = (code, node)
        if found is None:
            return None
        code, node = found
        stmt = code.statement_of(node)
        if (
            not isinstance(stmt, ast.Assign)
            or len(stmt.targets) != 1
            or stmt.targets[0] is not node
            or not isinstance(stmt.value, ast.Call)
        ):
            return None
        call = stmt.value
        if (
            not isinstance(call.func, ast.Attribute)
            or call.func.attr not in ("transform", "fit_transform")
            or not call.args
            or len(call.args) > 2
            or call.keywords
        ):
            return None
        return code, stmt, call

    def _receiver_is_not_t(self, code: CellCode, call: ast.Call, ctor: ast.Call) -> bool:
        receiver = call.func.value  # type: ignore[attr-defined]
        if receiver is ctor:
            return False
        return not (isinstance(receiver, ast.Name) and receiver.id == self.binding)

    def _hand_fill(
        self, split_code: CellCode, split_call: ast.Call
    ) -> tuple[str | None, list[str], list[Edit] | None]:
        """Form 2: ``df = df.fillna(df.mean())`` goes; a SimpleImputer takes its place."""
        found = self._method_call(self.fit.location, "fillna")
        if found is None:
            return None, [], None
        code, call = found
        stmt = code.top_statement_of(call)
        if stmt is None or not call.args:
            return None, [], None
        strategy = _statistic(call.args[0])
        receiver = code.text_of(call.func.value)  # type: ignore[attr-defined]
        inplace = any(
            k.arg == "inplace" and isinstance(k.value, ast.Constant) and k.value.value is True
            for k in call.keywords
        )
        reassigned = (
            isinstance(stmt, ast.Assign)
            and stmt.value is call
            and len(stmt.targets) == 1
            and code.text_of(stmt.targets[0]) == receiver
        )
        in_place = isinstance(stmt, ast.Expr) and stmt.value is call and inplace
        if strategy is None or not (reassigned or in_place):
            return None, [], None
        deletion = code.delete_statement(stmt)
        if deletion is None:
            return None, [], None
        step = f'{{SimpleImputer}}(strategy="{strategy}")'
        return step, [SIMPLE_IMPUTER], [deletion]

    # -- helpers --------------------------------------------------------------------------------
    def _method_call(self, loc: object, method: str) -> tuple[CellCode, ast.Call] | None:
        for code, call in self.index.calls_at(loc):  # type: ignore[arg-type]
            if isinstance(call.func, ast.Attribute) and call.func.attr == method:
                return code, call
        return None

    def _split_position(self) -> Position | None:
        found = self.index.call_named(self.split.location, {"train_test_split"})
        return found[0].position(found[1]) if found else None


def est_label_of(fit: FitFact) -> str:
    """``norm (StandardScaler)``: how the finding's messages name an estimator."""
    return est_label_info(fit.estimator)


def _inside(node: ast.AST, stmt: ast.stmt) -> bool:
    return any(n is node for n in ast.walk(stmt))


def _root_name(node: ast.AST) -> str | None:
    while isinstance(node, ast.Attribute | ast.Subscript):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _statistic(node: ast.AST) -> str | None:
    """SimpleImputer's strategy for ``df.mean()``, ``df["a"].median()``, ``df["a"].mode()[0]``."""
    if isinstance(node, ast.Subscript):
        node = node.value
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return STRATEGIES.get(node.func.attr)
    return None


def _short(index: SourceIndex, ctor: ast.Call) -> str:
    qual = index.qualified(ctor.func) or "the model"
    return qual.rsplit(".", 1)[-1]
