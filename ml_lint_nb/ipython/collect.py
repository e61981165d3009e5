"""Which kernel objects a cell touched, and the live facts they give.

The static interpreter has already said what the cell did (bound, fitted,
split, scored); the session's :class:`Collector` resolves those names in
``user_ns`` and asks the live extractors about them. Only objects this cell
touched are inspected, summaries are cached by object identity and shape,
and every reading goes through :func:`ml_lint_nb.facts.live.safe.call`.

The collector owns what the hook remembers between cells (the frames it
checked, each model's fit record: :mod:`ml_lint_nb.ipython.memory`); the
evidence anchored on models is
:class:`~ml_lint_nb.ipython.model_evidence.ModelEvidence`.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from ml_lint_nb.facts.live import safe
from ml_lint_nb.facts.live.encodings import encoding_facts
from ml_lint_nb.facts.live.estimators import fitted_fact
from ml_lint_nb.facts.live.fit_records import FitRecord
from ml_lint_nb.facts.live.frames import summarise_frame
from ml_lint_nb.facts.live.limits import LiveLimits
from ml_lint_nb.facts.live.scoring import score_facts
from ml_lint_nb.facts.live.spark_ml import model_fact
from ml_lint_nb.facts.live.splits import split_facts
from ml_lint_nb.facts.live.values import LiveData
from ml_lint_nb.facts.location import Location
from ml_lint_nb.facts.model import Fact, FittedFact, WarningFact
from ml_lint_nb.facts.static.interpreter import Interpreter, Proto, SplitToken
from ml_lint_nb.facts.static.values import DataV, EstV
from ml_lint_nb.ipython.cache import MISS, LiveCache
from ml_lint_nb.ipython.memory import MAX_UNNAMED, FrameMemory, ModelMemory
from ml_lint_nb.ipython.model_evidence import ModelEvidence, at_line, replaced
from ml_lint_nb.ipython.row_evidence import frame_name

MAX_EARLIER_TRANSFORMERS = 20  # transformers fitted before a split whose state is read again


class Collector:
    """The live side of one session: reads what each cell touched, remembers what it saw.

    ``shell`` gives the user's namespace; ``interp`` is the session's
    dataflow (which names a cell bound, fitted, split, scored); ``cache``
    holds summaries by object; ``limits`` caps every reading (``%mlcheck
    config`` replaces it); ``note`` shows a line under the findings (a check
    deferred to ``%mlcheck``).
    """

    def __init__(
        self,
        shell: Any,
        interp: Interpreter,
        cache: LiveCache,
        limits: LiveLimits,
        note: Callable[[str], None],
    ) -> None:
        """A collector with an empty memory, for one session's shell and dataflow."""
        self.shell = shell
        self.interp = interp
        self.cache = cache
        self.limits = limits
        self.note = note
        self.frames = FrameMemory()
        self.models = ModelMemory()
        self.evidence = ModelEvidence(shell, interp, cache, self.frames, self.models)

    @property
    def ns(self) -> dict[str, Any]:
        """The user's namespace."""
        return self.shell.user_ns  # type: ignore[no-any-return]

    # -- the session's questions -----------------------------------------------------------------

    def collect(
        self,
        protos: list[Proto],
        splits: list[SplitToken],
        where: Location,
        warnings_seen: list,
        tree: ast.AST | None,
    ) -> list[Fact]:
        """The live facts of one cell: what ran (``protos``, ``splits``, the parsed ``tree``),
        the warnings it raised, and the objects it left in the namespace."""
        if len(self.frames.unnamed_seen) > MAX_UNNAMED:
            self.frames.unnamed_seen.clear()
        facts: list[Fact] = []
        for category, message, module in warnings_seen:
            facts.append(WarningFact("live", where, category, message, module))
        facts.extend(self._fitted(protos))
        facts.extend(self._spark_models(protos))
        safe.call(self._spark_pairs, protos)
        facts.extend(self._frames(where))
        facts.extend(self._splits(splits))
        facts.extend(self._resampled_then_split(splits))
        facts.extend(self.evidence.facts(protos, tree, where, self.limits))
        if splits:
            facts.extend(self._earlier_transformers(protos))
        facts.extend(self._scores(protos))
        facts.extend(safe.call(lambda: encoding_facts(protos, self.ns)) or [])  # ML107's levels
        key = _run_key(where)
        return [_keyed(f, key) for f in facts] if key is not None else facts

    def mark_checked(self, name: str, target: str | None) -> None:
        """A frame checked by ``%mlcheck``: later fits on it report only what is new."""
        self.frames.mark_checked(name, target)

    def recall(self, model: Any) -> FitRecord | None:
        """The fit record of ``model``, unless it was refitted in a way the hook did not see."""
        return self.models.recall(model)

    def unnamed_evidence(self, d: DataV) -> LiveData | None:
        """What the kernel showed about fit data no name holds (``train[features]``)."""
        hit = self.frames.unnamed_seen.get(id(d))
        return hit[1] if hit is not None and hit[0] is d else None

    def recheck_frames(self) -> None:
        """A re-run cell's frames are checked again, so its output explains itself again.

        The data checks skip rows they have seen; a re-run binds the same
        names to new objects, and its saved output must not lose the data
        findings the first run showed.
        """
        frames = self.frames
        for name in self.interp._defs:
            frames.summarised.discard(name)
            value = self.interp.env.get(name)
            # rows this cell loads are checked again; a frame derived here from
            # rows loaded earlier (``X_s = scaler.fit_transform(X)``, ``X_train =
            # scaler.transform(X_train)``) shares them, and they stay checked
            if isinstance(value, DataV) and value.origin is None:
                frames.roots -= {p[0] for p in value.rows.paths}

    # -- fitted estimators -----------------------------------------------------------------------

    def _fitted(self, protos: list[Proto]) -> list[Fact]:
        """Fitted state of each estimator this cell fitted, and the data some of them learned from."""
        ns = self.ns
        out: list[Fact] = []
        seen: set[str] = set()
        for p in protos:
            if p.kind != "fit":
                continue
            name = p.args["estimator"].binding
            if not name or name in seen or name not in ns:
                continue
            seen.add(name)
            fact = safe.call(fitted_fact, name, ns[name], p.location)
            if fact is not None:
                out.append(fact)
                out.extend(self._fit_data(p, fact))
        return out

    def _fit_data(self, p: Proto, fact: FittedFact) -> list[Fact]:
        """The data an outlier-sensitive estimator (MinMaxScaler, AdaBoost) just learned from.

        ML303 and ML305 need its columns' extremes, even when it is a split part
        that the frame pass leaves to its parent.
        """
        kinds = fact.kinds | {k for step in fact.steps for k in step.kinds}
        classes = {fact.cls, *(step.cls for step in fact.steps)}
        if not (kinds & {"outlier_sensitive"} or "MinMaxScaler" in classes):
            return []
        X = p.args.get("X")
        ns = self.ns
        if X is None or not X.name or X.name not in ns:
            return []
        summary = safe.call(summarise_frame, X.name, ns[X.name], p.location, self.limits)
        return [] if summary is None else [replaced(summary, purpose="fit-data")]

    def _spark_models(self, protos: list[Proto]) -> list[Fact]:
        """Spark ML Models fitted in this cell: their parameters in effect and width (ML302).

        ``est.fit(df)`` returns a new Model bound to its own name
        (``lr_model = lr.fit(train)``); the dataflow value holding this fit's
        record names it. Then each evaluation of a Model on a named frame gets
        its overlap/drift check with the fit frame deferred to ``%mlcheck``
        (:meth:`_spark_pairs`): those are Spark jobs, far beyond the hook's budget.
        """
        if not any(p.kind == "fit" and "spark" in p.args["estimator"].kinds for p in protos):
            return []
        ns = self.ns
        env = self.interp.env
        out: list[Fact] = []
        for p in protos:
            if p.kind != "fit" or "spark" not in p.args["estimator"].kinds:
                continue
            name = next(
                (
                    n
                    for n, v in env.items()
                    if isinstance(v, EstV) and v.fit_record is p and n in ns
                ),
                None,
            )
            if name is None:
                continue
            fact = safe.call(model_fact, name, ns[name], p.location)
            if fact is not None:
                out.append(fact)
        return out

    def _spark_pairs(self, protos: list[Proto]) -> None:
        """A Spark Model evaluated on a named frame: its overlap and drift with the fit frame, deferred.

        A note (once per pair) names the ``%mlcheck`` call that runs them as
        Spark jobs; the hook keeps only the two names, never the frames.
        """
        models = self.models
        ns = self.ns
        env = self.interp.env
        for p in protos:
            if p.kind != "predict" or "spark" not in p.args["estimator"].kinds:
                continue
            fit = p.args.get("fit")
            X = p.args.get("X")
            train = fit.args.get("X") if fit is not None else None
            if not isinstance(X, DataV) or not isinstance(train, DataV):
                continue
            if not X.name or not train.name:
                continue
            if X.name == train.name or X.rows == train.rows:
                continue  # scored on its own training rows: nothing to compare
            if not {X.name, train.name} <= set(ns):
                continue
            if env.get(X.name) is not X and getattr(env.get(X.name), "version", None) != X.version:
                continue  # rebound since: the names no longer hold those rows
            pair = (train.name, X.name)
            if pair in models.split_pairs or ("spark", *pair) in models.compared:
                continue
            models.compared.add(("spark", *pair))
            model = p.args["estimator"].cls
            self.note(
                f"{model} was fitted on Spark frame {train.name} and evaluated on {X.name}: "
                f"their row overlap and drift are Spark jobs, too slow for this hook; run "
                f"%mlcheck {train.name} {X.name} to check them."
            )

    def _earlier_transformers(self, protos: list[Proto]) -> list[Fact]:
        """Fitted state of transformers fitted before this cell's split (ML203's live evidence).

        Rows seen (``n_samples_seen_``) beside the training part's size say in
        numbers what the dataflow says in names.
        """
        ns = self.ns
        current = {id(p) for p in protos}
        out: list[Fact] = []
        seen: set[str] = set()
        for p in reversed(self.interp.protos):
            if p.kind != "fit" or id(p) in current or len(seen) >= MAX_EARLIER_TRANSFORMERS:
                continue
            info = p.args["estimator"]
            name = info.binding
            if "transformer" not in info.kinds or not name or name in seen or name not in ns:
                continue
            seen.add(name)
            fact = safe.call(fitted_fact, name, ns[name], p.location)
            if fact is not None:
                out.append(fact)
        return out

    # -- frames and splits -----------------------------------------------------------------------

    def _frames(self, where: Location) -> list[Fact]:
        """The data checks of each frame this cell bound, once per rows (views share their parent's)."""
        ns = self.ns
        interp = self.interp
        frames = self.frames
        out: list[Fact] = []
        for name, line in list(interp._defs.items()):
            target_only = False
            value = interp.env.get(name)
            if not isinstance(value, DataV) or value.pred_est is not None or name not in ns:
                continue
            if value.applied & interp.resampled:
                continue  # drawn with replacement on purpose: its copies count once it is split
            roots = {p[0] for p in value.rows.paths}
            is_target = bool(value.column and value.column in interp.target_columns)
            if roots and roots <= frames.roots and not is_target:
                continue  # another view of rows already checked (df = bunch.frame; X = bunch.data)
            if value.rows.paths and all(len(p) > 1 for p in value.rows.paths):
                # a split part (or a union of them): its data issues are its parent's, and the
                # split gets split facts; pd.concat([df, df.sample(frac=0.03)]) is not one
                continue
            if value.column and value.column in interp.target_columns and value.origin in ns:
                # y = df["churned"]: now the target is known, check df's features against it
                name, obj = value.origin, ns[value.origin]
                target_only = name in frames.summarised
            elif value.origin and value.origin in frames.summarised:
                continue  # X = df.drop(...): the same rows, already checked as df
            else:
                obj = ns[name]
            target = self._target_of(name, value, obj)
            key = ("frame", name, target)
            fact = self.cache.get(key, obj)
            if fact is MISS:
                loc = at_line(where, line)
                # the features are judged against the target at each fit, on the columns
                # that reach the model (a column dropped on the way is not a leak)
                fact = safe.call(summarise_frame, name, obj, loc, self.limits, target, None, False)
                self.cache.put(key, obj, fact)
            if fact is not None:
                frames.summarised.add(name)
                if target is not None:
                    frames.targets_checked.add((name, str(target)))
                frames.roots |= {p[0] for p in value.rows.paths if len(p) == 1}
                if target_only:  # its other data issues were reported when it was made
                    fact = replaced(
                        fact, columns=(), duplicate_rows=None, duplicate_examples=(), missingness=()
                    )
                out.append(replaced(fact, location=at_line(where, line)))
        return out

    def _target_of(self, name: str, value: DataV, obj: Any) -> str | None:
        """The target column to check a frame against: one the dataflow knows as a target."""
        columns = safe.columns(obj)
        target = name if value.column == "<target>" else None  # X, y = load_...(return_X_y=True)
        if columns is not None:
            try:
                target = next((c for c in self.interp.target_columns if c in columns), None)
            except Exception:
                target = None
        return target

    def _splits(self, splits: list[SplitToken]) -> list[Fact]:
        """Overlap, time order and drift of each ``train_test_split`` this cell made."""
        ns = self.ns
        out: list[Fact] = []
        for tok in splits:
            if tok.method != "train_test_split" or len(tok.parts) < 2:
                continue
            train, test = tok.parts[0], tok.parts[1]
            if not train.name or not test.name or train.name not in ns or test.name not in ns:
                continue
            env = self.interp.env
            if env.get(train.name) is not train or env.get(test.name) is not test:
                continue  # rebound later in the cell (X_train = scaler.transform(X_train))
            kwargs: dict[str, Any] = {
                "time_columns": tuple(self.interp.time_columns),
                "dates_need_target": True,
            }
            if len(tok.parts) >= 4 and tok.parts[2].name in ns and tok.parts[3].name in ns:
                kwargs["train_target_obj"] = ns[tok.parts[2].name]
                kwargs["test_target_obj"] = ns[tok.parts[3].name]
            facts = safe.call(
                split_facts,
                train.name,
                ns[train.name],
                test.name,
                ns[test.name],
                tok.location,
                self.limits,
                **kwargs,
            )
            out.extend(facts or [])
            self.models.split_pairs.add((train.name, test.name))
        return out

    def _resampled_then_split(self, splits: list[SplitToken]) -> list[Fact]:
        """A frame drawn with replacement and now split: its copies counted (ML101).

        Up-sampling before the split puts copies of one row on both sides; the
        resampled frame is summarised as the split divides it, located where
        the draw was made, and its duplicates are named as the draw's copies.
        """
        ns = self.ns
        interp = self.interp
        out: list[Fact] = []
        seen: set[str] = set()
        for tok in splits:
            for d in tok.inputs:
                made = d.applied & interp.resampled
                name = frame_name(d.name) or frame_name(d.origin)
                if not made or not name or name in seen or name not in ns:
                    continue
                seen.add(name)
                draw = next(
                    (
                        p
                        for p in interp.protos
                        if p.kind == "fit" and p.args["estimator"].est_id in made
                    ),
                    None,
                )
                if draw is None:
                    continue
                label = draw.args["estimator"].cls
                fact = safe.call(summarise_frame, name, ns[name], draw.location, self.limits)
                if fact is not None:
                    out.append(replaced(fact, copies_made_by=label))
        return out

    # -- scores ----------------------------------------------------------------------------------

    def _scores(self, protos: list[Proto]) -> list[Fact]:
        """The hook's own scores of each model evaluated on named rows and labels."""
        ns = self.ns
        out: list[Fact] = []
        done: set[tuple[str, str]] = set()
        for p in protos:
            if p.kind != "evaluation":
                continue
            est, X, y = p.args.get("estimator"), p.args.get("X"), p.args.get("y_true")
            if est is None or not est.binding or X is None or not X.name or y is None or not y.name:
                continue
            if (est.binding, X.name) in done or not {est.binding, X.name, y.name} <= set(ns):
                continue
            done.add((est.binding, X.name))
            self.models.scored_names.add((est.binding, X.name))
            roles = X.rows.roles()
            role = next(iter(roles)) if len(roles) == 1 else "all"
            facts = safe.call(
                score_facts,
                est.binding,
                ns[est.binding],
                X.name,
                ns[X.name],
                ns[y.name],
                role,
                p.location,
                self.limits,
            )
            out.extend(facts or [])
        return out


def _run_key(where: Location) -> str | None:
    """A cell key for a cell the front end gave no id (nbclient, terminal IPython).

    Live rules pair facts of one cell with ``same_cell`` (a MinMaxScaler with
    the frame it saw, a ConvergenceWarning with the model that raised it),
    which needs a cell id or position; without either, no two facts would
    ever pair. The facts of one run get a key from its execution count.
    """
    if where.cell_id is not None or where.cell is not None:
        return None
    return f"run-{where.execution_count if where.execution_count is not None else 0}"


def _keyed(fact: Any, key: str) -> Any:
    """``fact`` (and the parts of a fitted composite) located in the cell keyed ``key``."""
    loc = getattr(fact, "location", None)
    if not isinstance(loc, Location) or loc.cell_id is not None or loc.cell is not None:
        return fact
    try:
        changes: dict[str, Any] = {"location": replace(loc, cell_id=key)}
        steps = getattr(fact, "steps", None)
        if isinstance(steps, tuple) and steps:
            changes["steps"] = tuple(_keyed(step, key) for step in steps)
        return replace(fact, **changes)
    except Exception:
        return fact


__all__ = ["Collector"]
