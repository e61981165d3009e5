"""Live evidence anchored on models: what each model was fitted on, and on what it was evaluated.

No split call is needed: at each fit the cell spelled (``clf.fit(X, y)``, a
fit inside a helper function the dataflow followed), the fit's data is
fingerprinted (:func:`~ml_lint_nb.facts.live.fit_records.record_fit`) and
checked as data; at each evaluation (``predict``, ``score``, a metric on a
model's outputs) the evaluation rows are compared with the fit rows. Train
and test loaded from two files, returned by a function or cut by hand are
paired through the model. The objects are found by evaluating the call's
argument expressions over views (:mod:`ml_lint_nb.facts.live.expressions`);
every reading goes through :func:`ml_lint_nb.facts.live.safe.call`.

:class:`ModelEvidence` does this for the session's
:class:`~ml_lint_nb.ipython.collect.Collector`, with the collector's memory
of frames and models.
"""

from __future__ import annotations

import ast
import sys
import weakref
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from ml_lint_nb.facts.live import expressions, fit_records, lineage, model_calls, safe
from ml_lint_nb.facts.live.frames import summarise_frame
from ml_lint_nb.facts.live.limits import LiveLimits
from ml_lint_nb.facts.live.model_calls import ModelCall
from ml_lint_nb.facts.live.scoring import score_facts
from ml_lint_nb.facts.live.values import describe_value
from ml_lint_nb.facts.location import Location
from ml_lint_nb.facts.model import Fact, FitRowsEvaluationFact
from ml_lint_nb.facts.static.interpreter import Interpreter, Proto
from ml_lint_nb.facts.static.values import DataV, EstV, selection_of
from ml_lint_nb.ipython.cache import MISS, LiveCache
from ml_lint_nb.ipython.memory import FrameMemory, ModelMemory
from ml_lint_nb.ipython.row_evidence import RowEvidence

FIT_ROWS = 10_000  # rows of fit data checked at the fit (a seeded sample above)
MAX_SOURCE_KEYS = 20  # columns of a fit's source frame offered as the groups of a statistic
SUBSET_SHARE = 0.9  # evaluated rows fewer than this share of the fit rows: a part of them

FitCache = tuple[tuple, Any] | None  # (key, root object) the work on a fit's data is cached under


def at_line(where: Location, line: int | None) -> Location:
    """The cell's location at one of its lines."""
    return Location(
        cell=where.cell, cell_id=where.cell_id, line=line, execution_count=where.execution_count
    )


def replaced(fact: Any, **changes: Any) -> Any:
    """``fact`` with ``changes`` (a frozen dataclass), or ``fact`` itself if it takes none."""
    try:
        return replace(fact, **changes)
    except Exception:
        return fact


class ModelEvidence:
    """Fit records and evaluation pairs of one session; see the module docstring.

    ``shell`` gives the user's namespace, ``interp`` the session's dataflow,
    ``cache`` the summaries cached by object; ``frames`` and ``models`` are
    the collector's memory, shared with its other checks.
    """

    def __init__(
        self,
        shell: Any,
        interp: Interpreter,
        cache: LiveCache,
        frames: FrameMemory,
        models: ModelMemory,
    ) -> None:
        """Evidence over the collector's memory (shared, not copied)."""
        self.shell = shell
        self.interp = interp
        self.cache = cache
        self.frames = frames
        self.models = models
        self.rows = RowEvidence(shell, interp, models)

    @property
    def ns(self) -> dict[str, Any]:
        """The user's namespace."""
        return self.shell.user_ns  # type: ignore[no-any-return]

    def facts(
        self, protos: list[Proto], tree: ast.AST | None, where: Location, limits: LiveLimits
    ) -> list[Fact]:
        """Each fit's rows fingerprinted; each evaluation's rows compared with its model's fit rows.

        A pair already compared (same fit, same evaluation rows) gives nothing new.
        """
        if tree is None:
            return []
        ns = self.ns
        models = self.models
        out: list[Fact] = []
        calls = list(safe.call(model_calls.model_calls, tree) or [])
        calls = self._helper_fits(protos, calls) + calls
        for call in calls:
            obj = ns.get(call.model)
            if not model_calls.is_model(obj):
                continue
            loc = at_line(where, call.line)
            X = expressions.resolve(call.X, ns)
            if call.is_fit:
                out.extend(self._fit(protos, call, obj, X, loc, limits))
                continue
            record = models.recall(obj)
            if record is None or X is None:
                continue
            label = expressions.label(call.X)
            root = expressions.base_name(call.X)
            root_obj = ns.get(root) if root else None
            key = (id(obj), record.token, label, id(root_obj), str(getattr(X, "shape", None)))
            if key in models.compared:
                # measured before: the same facts again, so a re-run still shows what it showed
                out.extend(replaced(f, location=loc) for f in models.pair_facts.get(key, ()))
                continue
            models.compared.add(key)
            if (record.data, label) in models.split_pairs:
                # the split's own facts compare these two for copies and drift; not for entities
                more = self.rows.compare(record, call.X, X, label, loc)[0]
                models.keep(key, more)
                out.extend(more)
                continue
            y = expressions.resolve(call.y, ns) if call.y is not None else None
            roles: list[str] = []
            inside: list[tuple[int, int]] = []
            found = (
                safe.call(fit_records.compare, record, label, X, y, loc, limits, roles, inside)
                or []
            )
            if roles and roles[0] == "test":  # held-out rows: their entities and dates
                more, chronological = self.rows.compare(record, call.X, X, label, loc)
                found = [self.rows.drift(f, record, chronological) for f in found] + more
            models.keep(key, found)
            out.extend(found)
            models.roles[key[:4]] = roles[0] if roles else "all"
            if inside:
                models.inside[key[:4]] = inside[0]
        out.extend(safe.call(self._crossval_fits, protos, calls, where, limits) or [])
        out.extend(safe.call(self.rows.cross_validations, tree, where, limits) or [])
        out.extend(safe.call(self._model_scores, tree, where, limits) or [])
        out.extend(safe.call(self._fit_rows_evaluations, protos, tree, where, limits) or [])
        return out

    # -- fits ------------------------------------------------------------------------------------

    def _fit(
        self,
        protos: list[Proto],
        call: ModelCall,
        obj: Any,
        X: Any,
        loc: Location,
        limits: LiveLimits,
    ) -> list[Fact]:
        """A fit: its record remembered for the model's evaluations, its data checked as data."""
        ns = self.ns
        out: list[Fact] = []
        y = expressions.resolve(call.y, ns) if call.y is not None else None
        record = None
        if X is not None:
            cache = self._fit_cache(call, X, y, limits)
            record = self._cached(
                cache,
                "record",
                lambda: safe.call(
                    fit_records.record_fit,
                    call.model,
                    obj,
                    expressions.label(call.X),
                    X,
                    y,
                    limits,
                ),
            )
            if record is not None:
                # the cached fingerprint is of the data; this model and its fit are new
                record = replaced(
                    record,
                    model=call.model,
                    token=fit_records.fit_token(obj),
                    reload=_reloader(ns, call.X, record.n_rows),
                )
            value = _fit_value(protos, call) or self._named_value(call.X)
            out.extend(self._fit_frame(call, X, y, loc, limits, value, cache))
            self._describe_fit_data(protos, call, X, limits, cache)
            if record is not None:  # the rows' entities and time, for its evaluations
                described = self.rows.describe(
                    call, X, y, limits, lambda part, f: self._cached(cache, part, f)
                )
                record = replaced(record, entities=described[0], times=described[1])
            out.extend(self.rows.search(call, obj, X, y, loc, limits))
        self.models.remember(obj, record)
        return out

    def _crossval_fits(
        self, protos: list[Proto], calls: list[ModelCall], where: Location, limits: LiveLimits
    ) -> list[Fact]:
        """``cross_val_score(model, X, y)`` fits on ``X`` and ``y``: their fit-time checks too.

        Notebooks that only cross-validate never call ``fit``; the data the
        folds are cut from is judged as a fit's data (ML202 on its columns),
        once per data and target this cell did not also fit on.
        """
        fitted = {(expressions.label(c.X), expressions.label(c.y)) for c in calls if c.is_fit}
        out: list[Fact] = []
        for p in protos:
            if p.kind != "crossval":
                continue
            x_text = self._as_expression(p.args.get("X"))
            y_text = self._as_expression(p.args.get("y"))
            if x_text is None or y_text is None:
                continue
            try:
                x_node = ast.parse(x_text, mode="eval").body
                y_node = ast.parse(y_text, mode="eval").body
            except SyntaxError:
                continue
            if (expressions.label(x_node), expressions.label(y_node)) in fitted:
                continue
            fitted.add((expressions.label(x_node), expressions.label(y_node)))
            X = expressions.resolve(x_node, self.ns)
            y = expressions.resolve(y_node, self.ns)
            if X is None or y is None:
                continue
            call = ModelCall("<cross-validation>", "fit", x_node, y_node, p.location.line or 1)
            cache = self._fit_cache(call, X, y, limits)
            value = p.args.get("X")
            loc = at_line(where, p.location.line)
            out.extend(self._fit_frame(call, X, y, loc, limits, value, cache))
        return out

    def _helper_fits(self, protos: list[Proto], calls: list[ModelCall]) -> list[ModelCall]:
        """Fits the cell made inside a function (``clf = train_model(train_df)``), as model calls.

        The cell's text shows no ``fit``; the dataflow, which follows the call
        into the function, does: the model it returned and the data it was
        fitted on, as a column selection of a frame the notebook names. That is
        rewritten as the expression it denotes (``train_df[['a', 'b']]``) and
        read like any other fit's data, so fits in helper functions get fit
        records and fit-time checks too. Data the dataflow cannot express that
        way (filtered rows, transformed values) is left out.
        """
        env = self.interp.env
        fitted = {c.model for c in calls if c.is_fit}
        out = []
        for p in protos:
            est = p.args.get("estimator") if p.kind == "fit" else None
            if est is None or p.args.get("method", "fit") != "fit" or est.binding in fitted:
                continue
            names = [
                n
                for n in self.interp._defs
                if isinstance(env.get(n), EstV) and env[n].info.est_id == est.est_id
            ]
            if len(names) != 1 or names[0] in fitted:
                continue
            X = self._as_expression(p.args.get("X"))
            if X is None:
                continue
            y = self._as_expression(p.args.get("y"))
            try:
                x_node = ast.parse(X, mode="eval").body
                y_node = ast.parse(y, mode="eval").body if y is not None else None
            except SyntaxError:
                continue
            fitted.add(names[0])
            out.append(ModelCall(names[0], "fit", x_node, y_node, p.location.line or 1))
        return out

    def _as_expression(self, d: Any) -> str | None:
        """``frame[['a', 'b']]`` for data that is a column selection of the named frame ``frame``."""
        if not isinstance(d, DataV) or d.pred_est is not None or d.scaled or d.applied or d.window:
            return None
        origin = d.name if d.name and d.name.isidentifier() else d.origin
        base = self.interp.env.get(origin) if origin else None
        if not isinstance(base, DataV) or base.rows != d.rows or origin not in self.ns:
            return None  # rows filtered or resampled on the way: not the frame's rows
        if d is base:
            return origin
        return selection_of(d, origin)

    def _fit_cache(self, call: ModelCall, X: Any, y: Any, limits: LiveLimits) -> FitCache:
        """Where the work on a fit's data is cached: the root object, and a key with its version.

        Row hashes, the drift sample and the data checks of a fit depend on the
        data only, so a frame fitted again (a re-run, another model on the same
        rows) is hashed and scored once (:func:`fit_records.data_version`).
        """
        root = expressions.base_name(call.X)
        root_obj = self.ns.get(root) if root is not None else None
        if root_obj is None:
            return None
        version = safe.call(fit_records.data_version, X, y, limits)
        if version is None:
            return None
        text = expressions.label(call.X, 400), expressions.label(call.y, 400) if call.y else None
        return ("fit-data", *text, version), root_obj

    def _cached(self, cache: FitCache, part: str, compute: Callable[[], Any]) -> Any:
        """``compute()``, or its value cached for this fit data (see :meth:`_fit_cache`)."""
        if cache is None:
            return compute()
        key, obj = (*cache[0], part), cache[1]
        hit = self.cache.get(key, obj)
        if hit is not MISS:
            return hit
        value = compute()
        self.cache.put(key, obj, value)
        return value

    def _describe_fit_data(
        self, protos: list[Proto], call: ModelCall, X: Any, limits: LiveLimits, cache: FitCache
    ) -> None:
        """Kernel evidence (feature scales, counts) for a fit's unnamed data (``train[features]``).

        The dataflow knows such a value only as "derived from train"; the object
        the call received answers the premises (ML301's scales) about it.
        """
        for p in protos:
            d = p.args.get("X") if p.kind == "fit" else None
            est = p.args.get("estimator") if p.kind == "fit" else None
            if d is None or est is None or est.binding not in (call.model, None) or d.name:
                continue
            if p.location.line != call.line:
                continue
            seen = self._cached(
                cache,
                f"describe:{d.origin}",
                lambda d=d: safe.call(describe_value, X, d.origin or "the data", False, limits),
            )
            if seen is not None:
                self.frames.unnamed_seen[id(d)] = (d, seen)

    def _named_value(self, node: Any) -> Any:
        """The dataflow's current value of a plain name (``X_train``), for its lineage."""
        if isinstance(node, ast.Name):
            value = self.interp.env.get(node.id)
            return value if isinstance(value, DataV) else None
        return None

    def _fit_frame(
        self,
        call: ModelCall,
        X: Any,
        y: Any,
        where: Location,
        limits: LiveLimits,
        value: Any = None,
        cache: FitCache = None,
    ) -> list[Fact]:
        """The data a model is fitted on is data: its checks, and its target's (ML108, ML202).

        Rows already checked under their own name (``train`` for
        ``train[features]``) keep only what the target adds: class balance of the
        labels actually fitted and each feature's power alone, on a sample.
        """
        frames = self.frames
        root = expressions.base_name(call.X)
        checked = root is not None and root in frames.summarised
        roots = {p[0] for p in value.rows.paths} if isinstance(value, DataV) else set()
        if roots and roots <= frames.roots:
            checked = (
                True  # rows of a frame already checked (X_train = train.drop(...), a resample)
            )
        # within the hook's budget: a seeded sample, which every message states
        sample = replace(limits, max_rows=min(limits.max_rows, FIT_ROWS))
        name = expressions.label(call.X)

        def summary() -> Any:
            """The fit data summarised and its features judged (computed once per fit data)."""
            sources = self.rows.sources(call.X)
            keys = safe.call(self._source_keys, value, X, sources) or []
            return safe.call(
                lambda X, y: summarise_frame(name, X, where, sample, None, y, True, keys), X, y
            )

        fact = self._cached(cache, "frame", summary)
        if fact is None:
            return []
        fact = replaced(fact, location=where)
        if fact.class_counts and fact.target is None:
            # the labels' name, so ML108 about them is one finding with the frame's (df['y'])
            fact = replaced(fact, target=self._target_name(call.y))
        if checked:
            fact = replaced(
                fact, columns=(), duplicate_rows=None, duplicate_examples=(), missingness=()
            )
        if root is not None and (root, _target_column(call.y)) in frames.targets_checked:
            # train[features] fitted on train["target"]: its class balance was checked on train
            fact = replaced(fact, class_counts=())
        if self._resampled():  # deliberate copies of minority rows are not a data problem
            fact = replaced(fact, duplicate_rows=None, duplicate_examples=())
        frames.summarised.add(name)
        return [fact]

    def _target_name(self, node: Any) -> str | None:
        """The target a fit's labels are: the column (``train["churn"]``, ``y_train`` cut from
        ``df["churn"]``) or, for a loader's ``y``, the name the labels were first bound to."""
        if node is None:
            return None
        column = _target_column(node)
        if column is not None:
            return column
        value = self._named_value(node)
        if not isinstance(value, DataV):
            return None
        if value.column and value.column != "<target>":
            return value.column
        return value.origin or value.name if value.column == "<target>" else None

    def _source_keys(self, value: Any, X: Any, sources: lineage.Sources) -> list[tuple[str, Any]]:
        """Columns of the frame the fit's rows came from that did not reach the model.

        A group statistic's groups (``zip`` behind ``zip_churn_rate``) are
        often dropped from the features; the source frame still has them,
        aligned through the index (a frame without one: :meth:`_lineage_keys`, whose dates
        also order the rows for lags); at most :data:`MAX_SOURCE_KEYS`.
        """
        source = None
        env, seen = self.interp.env, 0
        while isinstance(value, DataV) and value.origin and seen < 10:
            seen += 1  # the farthest named ancestor: X_train <- X <- df
            candidate = self.ns.get(value.origin)
            if getattr(candidate, "columns", None) is not None:
                source = candidate
            value = env.get(value.origin)
        index = getattr(X, "index", None)
        columns = getattr(X, "columns", None)
        src_index = getattr(source, "index", None)
        if index is None and columns is not None:
            return self._lineage_keys(X, {str(c) for c in columns}, sources)
        if source is None or index is None or columns is None or src_index is None:
            return []
        if source is X or not src_index.is_unique or not index.isin(src_index).all():
            return []
        have = {str(c) for c in columns} | set(self.interp.target_columns)
        out = []
        for c in list(getattr(source, "columns", []))[: 4 * MAX_SOURCE_KEYS]:
            if str(c) in have:
                continue
            out.append((str(c), source[c].reindex(index).to_numpy()))
            if len(out) >= MAX_SOURCE_KEYS:
                break
        return out

    def _lineage_keys(
        self, X: Any, have: set[str], sources: lineage.Sources
    ) -> list[tuple[str, Any]]:
        """:meth:`_source_keys` for a frame without an index (polars): the columns
        :mod:`lineage` ties to its rows (a column selection of its source, or its rows
        matched by value), as NumPy arrays."""
        np = sys.modules.get("numpy")
        context = lineage.context_of(X, sources, 0)
        if np is None or context is None:
            return []
        have = have | set(self.interp.target_columns)
        out = []
        for label, (values, _frame) in [*context.times.items(), *context.entities.items()]:
            if label in have or label == lineage.INDEX:
                continue
            plain = values.to_numpy() if hasattr(values, "to_numpy") else values
            out.append((label, np.asarray(plain)))
            if len(out) >= MAX_SOURCE_KEYS:
                break
        return out

    def _resampled(self) -> bool:
        """The session ran a resampler (``resample``, ``fit_resample``): fit rows repeat on purpose."""
        for p in self.interp.protos:
            if p.kind == "random_call" and p.args.get("function") == "resample":
                return True
            if p.kind == "fit" and p.args.get("method") == "fit_resample":
                return True
        return False

    # -- evaluations -----------------------------------------------------------------------------

    def _model_scores(self, tree: ast.AST, where: Location, limits: LiveLimits) -> list[Fact]:
        """The hook's own scores (ML405, ML406, ML408) of a model on rows a metric graded it on.

        Only pairs whose rows were compared with the model's fit rows, so the
        role (training rows or held out) is measured, not guessed from names.
        """
        ns = self.ns
        models = self.models
        graded = [(c.model, c.X, c.y, c.line) for c in model_calls.metric_calls(tree)]
        graded += [
            (c.model, c.X, c.y, c.line)
            for c in model_calls.model_calls(tree)
            if c.method == "score" and c.y is not None
        ]
        out: list[Fact] = []
        for name, x_node, y_node, line in graded:
            if isinstance(x_node, ast.Name) and isinstance(y_node, ast.Name):
                continue  # named rows and labels: the dataflow's evaluation gets them scored
            obj = ns.get(name)
            record = models.recall(obj) if model_calls.is_model(obj) else None
            if record is None:
                continue
            label = expressions.label(x_node)
            root = expressions.base_name(x_node)
            X = expressions.resolve(x_node, ns)
            if X is None:
                continue
            key = (id(obj), record.token, label, id(ns.get(root) if root else None))
            role = models.roles.get(key)
            if role is None:
                roles: list[str] = []
                fit_records.compare(record, label, X, None, where, limits, roles)
                role = models.roles[key] = roles[0] if roles else "all"
            done = ("score", *key)
            if done in models.compared or (name, label) in models.scored_names:
                continue
            models.compared.add(done)
            y = expressions.resolve(y_node, ns)
            if y is None:
                continue
            out.extend(
                safe.call(score_facts, name, obj, label, X, y, role, at_line(where, line), limits)
                or []
            )
        return out

    def _fit_rows_evaluations(
        self, protos: list[Proto], tree: ast.AST, where: Location, limits: LiveLimits
    ) -> list[Fact]:
        """Scores of a model on (nearly) only rows it was fitted on, while it has no held-out score.

        ``model.score(X, y)`` after ``model.fit(X, y)``, or a model fitted on all
        rows and scored on a part of them: the rows are measured against the fit
        rows, whatever their names. A fit that is also scored on rows disjoint
        from its fit rows (in this cell or before) has a held-out score, and its
        training score is then a deliberate comparison (ML405's), not a pitfall.
        """
        ns = self.ns
        models = self.models
        scored: list[tuple[str, Any, str, int | None]] = [
            (c.model, c.X, "score", c.line)
            for c in model_calls.model_calls(tree)
            if c.method == "score" and c.y is not None
        ]
        scored += [(c.model, c.X, c.metric, c.line) for c in model_calls.metric_calls(tree)]
        for p in protos:  # scored in this cell on predictions made earlier (named rows)
            if p.kind != "evaluation":
                continue
            est, X = p.args.get("estimator"), p.args.get("X")
            if est is not None and est.binding and X is not None and X.name:
                scored.append((est.binding, ast.Name(X.name), p.args["metric"], p.location.line))
        candidates = []
        seen: set[tuple] = set()
        for name, node, how, line in scored:
            obj = ns.get(name)
            record = models.recall(obj) if model_calls.is_model(obj) else None
            X = expressions.resolve(node, ns) if record is not None else None
            if record is None or X is None:
                continue
            label = expressions.label(node)
            root = expressions.base_name(node)
            key = (id(obj), record.token, label, id(ns.get(root) if root else None))
            if key in seen:
                continue
            seen.add(key)
            if key not in models.roles or key not in models.inside:
                roles: list[str] = []
                inside: list[tuple[int, int]] = []
                fit_records.compare(record, label, X, None, where, limits, roles, inside)
                models.roles[key] = roles[0] if roles else "all"
                if inside:
                    models.inside[key] = inside[0]
            role, counts = models.roles[key], models.inside.get(key)
            if role == "test":
                models.held_out.add(key[:2])
            elif role == "train" and counts is not None:
                n_rows = int(X.shape[0])
                candidates.append((key[:2], name, record, label, how, line, counts, n_rows))
        out: list[Fact] = []
        validated = {  # models cross-validated: their held-out scores are the folds'
            p.args["estimator"].binding
            for p in self.interp.protos
            if p.kind == "crossval" and p.args.get("estimator") is not None
        }
        for fit_key, name, record, label, how, line, (n_inside, n_checked), n_rows in candidates:
            subset = n_rows < SUBSET_SHARE * record.n_rows
            if fit_key in models.held_out or (name in validated and not subset):
                continue
            out.append(
                FitRowsEvaluationFact(
                    "live",
                    at_line(where, line),
                    model=name,
                    train=record.data,
                    test=label,
                    how=how,
                    n_test=n_checked,
                    n_inside=n_inside,
                    n_fit=record.n_rows,
                    subset=subset,
                )
            )
        return out


def _fit_value(protos: list[Proto], call: ModelCall) -> Any:
    """The dataflow's value for the data of this fit call (its lineage), if it recorded one."""
    for p in protos:
        est = p.args.get("estimator") if p.kind == "fit" else None
        if est is None or p.location.line != call.line:
            continue
        if est.binding in (call.model, None):  # None: clf = SVC().fit(...) binds after the fit
            return p.args.get("X")
    return None


def _target_column(node: Any) -> str | None:
    """``"target"`` for ``train["target"]`` / ``train.target``; None for anything else."""
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        return str(node.slice.value)
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return node.attr
    return None


def _reloader(ns: dict[str, Any], node: Any, n_rows: int) -> Callable[[], Any]:
    """A way back to a fit's data for verifying candidate shared rows, holding no strong reference.

    It answers only while the name at the root of the fit's expression still
    holds the very object it held at the fit, with as many rows.
    """
    root = expressions.base_name(node)
    try:
        ref = weakref.ref(ns[root]) if root is not None else None
    except (TypeError, KeyError):
        ref = None

    def reload() -> Any:
        """The fit's data again, or None when its name now holds other rows."""
        if ref is None or ns.get(root) is not ref():
            return None
        data = expressions.resolve(node, ns)
        if data is None or int(data.shape[0]) != n_rows:
            return None
        return data

    return reload


__all__ = ["FIT_ROWS", "ModelEvidence", "at_line", "replaced"]
