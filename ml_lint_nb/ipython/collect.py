"""Which kernel objects a cell touched, and the live facts they give.

The static interpreter has already said what the cell did (bound, fitted,
split, scored); this module resolves those names in ``user_ns`` and asks the
live extractors about them. Only objects this cell touched are inspected,
and summaries are cached by object identity and shape.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ml_lint_nb.facts.location import Location
from ml_lint_nb.facts.model import Fact, WarningFact
from ml_lint_nb.facts.static.interpreter import Proto, SplitToken
from ml_lint_nb.facts.static.values import DataV, EstV
from ml_lint_nb.ipython.cache import MISS

if TYPE_CHECKING:  # types only: the session imports this module, never the reverse
    from ml_lint_nb.ipython.session import LiveSession


_OPTIONAL: dict[tuple[str, str], Any] = {}


def _optional(module: str, name: str) -> Any:
    """An extractor if this installation has it (looked up once per session)."""
    key = (module, name)
    if key not in _OPTIONAL:
        try:
            _OPTIONAL[key] = getattr(__import__(module, fromlist=[name]), name, None)
        except ImportError:
            _OPTIONAL[key] = None
    return _OPTIONAL[key]


def collect(
    session: LiveSession,
    protos: list[Proto],
    splits: list[SplitToken],
    where: Location,
    warnings_seen: list,
) -> list[Fact]:
    facts: list[Fact] = []
    for category, message, module in warnings_seen:
        facts.append(WarningFact("live", where, category, message, module))
    facts.extend(_fitted(session, protos))
    facts.extend(_spark_models(session, protos))
    _guard(_spark_pairs, session, protos)
    facts.extend(_frames(session, where))
    facts.extend(_splits(session, splits))
    facts.extend(_model_evidence(session, protos, where))
    if splits:
        facts.extend(_earlier_transformers(session, protos))
    facts.extend(_scores(session, protos))
    key = _run_key(where)
    return [_keyed(f, key) for f in facts] if key is not None else facts


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
    from dataclasses import replace

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


def _at(where: Location, line: int | None) -> Location:
    return Location(
        cell=where.cell, cell_id=where.cell_id, line=line, execution_count=where.execution_count
    )


def _fitted(session: LiveSession, protos: list[Proto]) -> list[Fact]:
    fitted_fact = _optional("ml_lint_nb.facts.live.estimators", "fitted_fact")
    if fitted_fact is None:
        return []
    ns = session.shell.user_ns
    out: list[Fact] = []
    seen: set[str] = set()
    for p in protos:
        if p.kind != "fit":
            continue
        name = p.args["estimator"].binding
        if not name or name in seen or name not in ns:
            continue
        seen.add(name)
        fact = _guard(fitted_fact, name, ns[name], p.location)
        if fact is not None:
            out.append(fact)
            out.extend(_fit_data(session, p, fact))
    return out


def _spark_models(session: LiveSession, protos: list[Proto]) -> list[Fact]:
    """Spark ML Models fitted in this cell: their parameters in effect and width (ML302).

    ``est.fit(df)`` returns a new Model bound to its own name
    (``lr_model = lr.fit(train)``); the dataflow value holding this fit's
    record names it. Then each evaluation of a Model on a named frame gets
    its overlap/drift check with the fit frame deferred to ``%mlcheck``
    (:func:`_spark_pairs`): those are Spark jobs, far beyond the hook's budget.
    """
    if not any(p.kind == "fit" and "spark" in p.args["estimator"].kinds for p in protos):
        return []
    model_fact = _optional("ml_lint_nb.facts.live.spark_ml", "model_fact")
    if model_fact is None:
        return []
    from ml_lint_nb.facts.static.values import EstV

    ns = session.shell.user_ns
    env = session.interp.env
    out: list[Fact] = []
    for p in protos:
        if p.kind != "fit" or "spark" not in p.args["estimator"].kinds:
            continue
        name = next(
            (n for n, v in env.items() if isinstance(v, EstV) and v.fit_record is p and n in ns),
            None,
        )
        if name is None:
            continue
        fact = _guard(model_fact, name, ns[name], p.location)
        if fact is not None:
            out.append(fact)
    return out


def _spark_pairs(session: LiveSession, protos: list[Proto]) -> None:
    """A Spark Model evaluated on a named frame: its overlap and drift with the fit frame, deferred.

    A note (once per pair) names the ``%mlcheck`` call that runs them as
    Spark jobs; the hook keeps only the two names, never the frames.
    """
    state = _state(session)
    ns = session.shell.user_ns
    env = session.interp.env
    for p in protos:
        if p.kind != "predict" or "spark" not in p.args["estimator"].kinds:
            continue
        fit = p.args.get("fit")
        X = p.args.get("X")
        train = fit.args.get("X") if fit is not None else None
        if not isinstance(X, DataV) or not isinstance(train, DataV) or not X.name or not train.name:
            continue
        if X.name == train.name or X.rows == train.rows:
            continue  # scored on its own training rows: nothing to compare
        if not {X.name, train.name} <= set(ns):
            continue
        if env.get(X.name) is not X and getattr(env.get(X.name), "version", None) != X.version:
            continue  # rebound since: the names no longer hold those rows
        pair = (train.name, X.name)
        if pair in state.split_pairs or ("spark", *pair) in state.compared:
            continue
        state.compared.add(("spark", *pair))
        model = p.args["estimator"].cls
        session.notes.append(
            f"{model} was fitted on Spark frame {train.name} and evaluated on {X.name}: "
            f"their row overlap and drift are Spark jobs, too slow for this hook; run "
            f"%mlcheck {train.name} {X.name} to check them."
        )


def _earlier_transformers(session: LiveSession, protos: list[Proto]) -> list[Fact]:
    """Fitted state of transformers fitted before this cell's split (ML203's live evidence).

    Rows seen (``n_samples_seen_``) beside the training part's size say in
    numbers what the dataflow says in names.
    """
    fitted_fact = _optional("ml_lint_nb.facts.live.estimators", "fitted_fact")
    if fitted_fact is None:
        return []
    ns = session.shell.user_ns
    current = {id(p) for p in protos}
    out: list[Fact] = []
    seen: set[str] = set()
    for p in reversed(session.interp.protos):
        if p.kind != "fit" or id(p) in current or len(seen) >= 20:
            continue
        info = p.args["estimator"]
        name = info.binding
        if "transformer" not in info.kinds or not name or name in seen or name not in ns:
            continue
        seen.add(name)
        fact = _guard(fitted_fact, name, ns[name], p.location)
        if fact is not None:
            out.append(fact)
    return out


def _fit_data(session: LiveSession, p: Proto, fact: Any) -> list[Fact]:
    """The data an outlier-sensitive estimator (MinMaxScaler, AdaBoost) just learned from.

    ML303 and ML305 need its columns' extremes, even when it is a split part
    that the frame pass leaves to its parent.
    """
    kinds = fact.kinds | {k for step in fact.steps for k in step.kinds}
    classes = {fact.cls, *(step.cls for step in fact.steps)}
    if not (kinds & {"outlier_sensitive"} or "MinMaxScaler" in classes):
        return []
    X = p.args.get("X")
    summarise = _optional("ml_lint_nb.facts.live.frames", "summarise_frame")
    ns = session.shell.user_ns
    if summarise is None or X is None or not X.name or X.name not in ns:
        return []
    summary = _guard(summarise, X.name, ns[X.name], p.location, session.limits)
    return [] if summary is None else [_replace(summary, purpose="fit-data")]


def _frames(session: LiveSession, where: Location) -> list[Fact]:
    summarise = _optional("ml_lint_nb.facts.live.frames", "summarise_frame")
    if summarise is None:
        return []
    ns = session.shell.user_ns
    interp = session.interp
    out: list[Fact] = []
    for name, line in list(interp._defs.items()):
        target_only = False
        value = interp.env.get(name)
        if not isinstance(value, DataV) or value.pred_est is not None or name not in ns:
            continue
        roots = {p[0] for p in value.rows.paths}
        is_target = bool(value.column and value.column in interp.target_columns)
        if roots and roots <= session.summarised_roots and not is_target:
            continue  # another view of rows already checked (df = bunch.frame; X = bunch.data)
        if value.rows.paths and all(len(p) > 1 for p in value.rows.paths):
            # a split part (or a union of them): its data issues are its parent's, and the
            # split gets split facts; pd.concat([df, df.sample(frac=0.03)]) is not one
            continue
        if value.column and value.column in interp.target_columns and value.origin in ns:
            # y = df["churned"]: now the target is known, check df's features against it
            name, obj = value.origin, ns[value.origin]
            target_only = name in session.summarised
        elif value.origin and value.origin in session.summarised:
            continue  # X = df.drop(...): the same rows, already checked as df
        else:
            obj = ns[name]
        columns = _columns(obj)
        target = name if value.column == "<target>" else None  # X, y = load_...(return_X_y=True)
        if columns is not None:
            try:
                target = next((c for c in interp.target_columns if c in columns), None)
            except Exception:
                target = None
        key = ("frame", name, target)
        fact = session.cache_get(key, obj)
        if fact is MISS:
            fact = _guard(summarise, name, obj, _at(where, line), session.limits, target)
            session.cache_put(key, obj, fact)
        if fact is not None:
            session.summarised.add(name)
            if target is not None:
                _state(session).targets_checked.add((name, str(target)))
            session.summarised_roots |= {p[0] for p in value.rows.paths if len(p) == 1}
            if target_only:  # its other data issues were reported when it was made
                fact = _replace(
                    fact, columns=(), duplicate_rows=None, duplicate_examples=(), missingness=()
                )
            out.append(_relocate(fact, _at(where, line)))
    return out


def _columns(obj: Any) -> Any:
    from ml_lint_nb.facts.live import safe

    return safe.columns(obj)


def _replace(fact: Any, **changes: Any) -> Any:
    from dataclasses import replace

    try:
        return replace(fact, **changes)
    except Exception:
        return fact


def _splits(session: LiveSession, splits: list[SplitToken]) -> list[Fact]:
    split_facts = _optional("ml_lint_nb.facts.live.splits", "split_facts")
    if split_facts is None:
        return []
    ns = session.shell.user_ns
    out: list[Fact] = []
    for tok in splits:
        if tok.method != "train_test_split" or len(tok.parts) < 2:
            continue
        train, test = tok.parts[0], tok.parts[1]
        if not train.name or not test.name or train.name not in ns or test.name not in ns:
            continue
        env = session.interp.env
        if env.get(train.name) is not train or env.get(test.name) is not test:
            continue  # rebound later in the cell (X_train = scaler.transform(X_train))
        kwargs: dict[str, Any] = {"time_columns": tuple(session.interp.time_columns)}
        if len(tok.parts) >= 4 and tok.parts[2].name in ns and tok.parts[3].name in ns:
            kwargs["train_target_obj"] = ns[tok.parts[2].name]
            kwargs["test_target_obj"] = ns[tok.parts[3].name]
        facts = _guard(
            split_facts,
            train.name,
            ns[train.name],
            test.name,
            ns[test.name],
            tok.location,
            session.limits,
            **kwargs,
        )
        out.extend(facts or [])
        _state(session).split_pairs.add((train.name, test.name))
    return out


class _ModelState:
    """What the session remembers about models: their fit records and the pairs compared."""

    def __init__(self) -> None:
        import weakref

        self.records: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self.by_id: dict[int, Any] = {}  # for models that take no weak reference
        self.compared: set[tuple] = set()
        self.split_pairs: set[tuple[str | None, str | None]] = set()
        self.targets_checked: set[tuple[str, str]] = set()  # (frame name, target column)
        self.roles: dict[tuple, str] = {}  # (model, fit, rows label, root) -> train | test | all
        self.scored_names: set[tuple[str, str]] = set()  # (model, data) scored by name already
        self.inside: dict[tuple, tuple[int, int]] = {}  # same keys: (rows among fit rows, checked)
        self.held_out: set[tuple] = set()  # (model, fit) scored on rows disjoint from its fit rows


def _state(session: LiveSession) -> _ModelState:
    state = session.__dict__.get("_model_state")
    if state is None:
        state = session.__dict__["_model_state"] = _ModelState()
    return state


def _model_evidence(session: LiveSession, protos: list[Proto], where: Location) -> list[Fact]:
    """Each fit's rows fingerprinted; each evaluation's rows compared with its model's fit rows.

    No split call is needed: train and test loaded from two files, returned
    by a function or cut by hand are paired through the model. A pair
    already compared (same fit, same evaluation rows) gives nothing new.
    """
    tree = session.__dict__.get("last_tree")
    calls_of = _optional("ml_lint_nb.facts.live.model_calls", "model_calls")
    if tree is None or calls_of is None:
        return []
    from ml_lint_nb.facts.live import expressions, fit_records, model_calls

    ns = session.shell.user_ns
    state = _state(session)
    out: list[Fact] = []
    calls = list(_guard(calls_of, tree) or [])
    calls = _helper_fits(session, protos, calls) + calls
    for call in calls:
        obj = ns.get(call.model)
        if not model_calls.is_model(obj):
            continue
        loc = _at(where, call.line)
        X = expressions.resolve(call.X, ns)
        if call.is_fit:
            y = expressions.resolve(call.y, ns) if call.y is not None else None
            record = None
            if X is not None:
                cache = _fit_cache(session, call, X, y)
                record = _cached(
                    session,
                    cache,
                    "record",
                    lambda X=X, y=y, call=call, obj=obj: _guard(
                        fit_records.record_fit,
                        call.model,
                        obj,
                        expressions.label(call.X),
                        X,
                        y,
                        session.limits,
                    ),
                )
                if record is not None:
                    # the cached fingerprint is of the data; this model and its fit are new
                    record = _replace(
                        record,
                        model=call.model,
                        token=fit_records.fit_token(obj),
                        reload=_reloader(ns, call.X, record.n_rows),
                    )
                value = _fit_value(protos, call) or _named_value(session, call.X)
                out.extend(_fit_frame(session, call, X, y, loc, value, cache))
                _describe_fit_data(session, protos, call, X, cache)
            _remember(state, obj, record)
            continue
        record = _recall(state, obj)
        if record is None or X is None:
            continue
        label = expressions.label(call.X)
        if (record.data, label) in state.split_pairs:
            continue  # the split's own facts already compare these two
        root = expressions.base_name(call.X)
        root_obj = ns.get(root) if root else None
        key = (id(obj), record.token, label, id(root_obj), str(getattr(X, "shape", None)))
        if key in state.compared:
            continue
        state.compared.add(key)
        y = expressions.resolve(call.y, ns) if call.y is not None else None
        roles: list[str] = []
        inside: list[tuple[int, int]] = []
        out.extend(
            _guard(fit_records.compare, record, label, X, y, loc, session.limits, roles, inside)
            or []
        )
        state.roles[key[:4]] = roles[0] if roles else "all"
        if inside:
            state.inside[key[:4]] = inside[0]
    out.extend(_guard(_model_scores, session, state, tree, where) or [])
    out.extend(_guard(_fit_rows_evaluations, session, state, protos, tree, where) or [])
    return out


def _helper_fits(session: LiveSession, protos: list[Proto], calls: list[Any]) -> list[Any]:
    """Fits the cell made inside a function (``clf = train_model(train_df)``), as model calls.

    The cell's text shows no ``fit``; the dataflow, which follows the call
    into the function, does: the model it returned and the data it was
    fitted on, as a column selection of a frame the notebook names. That is
    rewritten as the expression it denotes (``train_df[['a', 'b']]``) and
    read like any other fit's data, so fits in helper functions get fit
    records and fit-time checks too. Data the dataflow cannot express that
    way (filtered rows, transformed values) is left out.
    """
    import ast

    from ml_lint_nb.facts.live.model_calls import ModelCall

    env = session.interp.env
    fitted = {c.model for c in calls if c.is_fit}
    out = []
    for p in protos:
        est = p.args.get("estimator") if p.kind == "fit" else None
        if est is None or p.args.get("method", "fit") != "fit" or est.binding in fitted:
            continue
        names = [
            n
            for n in session.interp._defs
            if isinstance(env.get(n), EstV) and env[n].info.est_id == est.est_id
        ]
        if len(names) != 1 or names[0] in fitted:
            continue
        X = _as_expression(session, p.args.get("X"))
        if X is None:
            continue
        y = _as_expression(session, p.args.get("y"))
        try:
            x_node = ast.parse(X, mode="eval").body
            y_node = ast.parse(y, mode="eval").body if y is not None else None
        except SyntaxError:
            continue
        fitted.add(names[0])
        out.append(ModelCall(names[0], "fit", x_node, y_node, p.location.line or 1))
    return out


def _as_expression(session: LiveSession, d: Any) -> str | None:
    """``frame[['a', 'b']]`` for data that is a column selection of the named frame ``frame``."""
    if not isinstance(d, DataV) or d.pred_est is not None or d.scaled or d.applied or d.window:
        return None
    origin = d.name if d.name and d.name.isidentifier() else d.origin
    base = session.interp.env.get(origin) if origin else None
    if not isinstance(base, DataV) or base.rows != d.rows or origin not in session.shell.user_ns:
        return None  # rows filtered or resampled on the way: not the frame's rows
    if d is base:
        return origin
    if d.column is not None and d.column != "<target>":
        return f"{origin}[{d.column!r}]"
    if d.columns is not None:
        return f"{origin}[{list(d.columns)!r}]"
    if d.dropped:
        return f"{origin}.drop(columns={sorted(d.dropped)!r})"
    return None


def _fit_rows_evaluations(
    session: LiveSession, state: Any, protos: list[Proto], tree: Any, where: Location
) -> list[Fact]:
    """Scores of a model on (nearly) only rows it was fitted on, while it has no held-out score.

    ``model.score(X, y)`` after ``model.fit(X, y)``, or a model fitted on all
    rows and scored on a part of them: the rows are measured against the fit
    rows, whatever their names. A fit that is also scored on rows disjoint
    from its fit rows (in this cell or before) has a held-out score, and its
    training score is then a deliberate comparison (ML405's), not a pitfall.
    """
    import ast

    from ml_lint_nb.facts.live import expressions, fit_records, model_calls
    from ml_lint_nb.facts.model import FitRowsEvaluationFact

    ns = session.shell.user_ns
    scored: list[tuple[str, Any, str, int | None]] = [
        (c.model, c.X, "score", c.line)
        for c in model_calls.model_calls(tree)
        if c.method == "score" and c.y is not None
    ]
    scored += [(c.model, c.X, c.metric, c.line) for c in model_calls.metric_calls(tree)]
    for p in protos:  # scored in this cell on predictions made earlier (named rows)
        est, X = p.args.get("estimator"), p.args.get("X")
        if p.kind == "evaluation" and est is not None and est.binding and X is not None and X.name:
            scored.append((est.binding, ast.Name(X.name), p.args["metric"], p.location.line))
    candidates = []
    seen: set[tuple] = set()
    for name, node, how, line in scored:
        obj = ns.get(name)
        record = _recall(state, obj) if model_calls.is_model(obj) else None
        X = expressions.resolve(node, ns) if record is not None else None
        if record is None or X is None:
            continue
        label = expressions.label(node)
        root = expressions.base_name(node)
        key = (id(obj), record.token, label, id(ns.get(root) if root else None))
        if key in seen:
            continue
        seen.add(key)
        if key not in state.roles or key not in state.inside:
            roles: list[str] = []
            inside: list[tuple[int, int]] = []
            fit_records.compare(record, label, X, None, where, session.limits, roles, inside)
            state.roles[key] = roles[0] if roles else "all"
            if inside:
                state.inside[key] = inside[0]
        role, counts = state.roles[key], state.inside.get(key)
        if role == "test":
            state.held_out.add(key[:2])
        elif role == "train" and counts is not None:
            n_rows = int(X.shape[0])
            candidates.append((key[:2], name, record, label, how, line, counts, n_rows))
    out: list[Fact] = []
    validated = {  # models cross-validated: their held-out scores are the folds'
        p.args["estimator"].binding
        for p in session.interp.protos
        if p.kind == "crossval" and p.args.get("estimator") is not None
    }
    for fit_key, name, record, label, how, line, (n_inside, n_checked), n_rows in candidates:
        if fit_key in state.held_out or (
            name in validated and not n_rows < SUBSET_SHARE * record.n_rows
        ):
            continue
        out.append(
            FitRowsEvaluationFact(
                "live",
                _at(where, line),
                model=name,
                train=record.data,
                test=label,
                how=how,
                n_test=n_checked,
                n_inside=n_inside,
                n_fit=record.n_rows,
                subset=n_rows < SUBSET_SHARE * record.n_rows,
            )
        )
    return out


SUBSET_SHARE = 0.9  # evaluated rows fewer than this share of the fit rows: a part of them


def _model_scores(session: LiveSession, state: Any, tree: Any, where: Location) -> list[Fact]:
    """The hook's own scores (ML405, ML406, ML408) of a model on rows a metric graded it on.

    Only pairs whose rows were compared with the model's fit rows, so the
    role (training rows or held out) is measured, not guessed from names.
    """
    import ast

    from ml_lint_nb.facts.live import expressions, fit_records, model_calls

    score = _optional("ml_lint_nb.facts.live.scoring", "score_facts")
    if score is None:
        return []
    ns = session.shell.user_ns
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
        record = _recall(state, obj) if model_calls.is_model(obj) else None
        if record is None:
            continue
        label = expressions.label(x_node)
        root = expressions.base_name(x_node)
        X = expressions.resolve(x_node, ns)
        if X is None:
            continue
        key = (id(obj), record.token, label, id(ns.get(root) if root else None))
        role = state.roles.get(key)
        if role is None:
            roles: list[str] = []
            fit_records.compare(record, label, X, None, where, session.limits, roles)
            role = state.roles[key] = roles[0] if roles else "all"
        done = ("score", *key)
        if done in state.compared or (name, label) in state.scored_names:
            continue
        state.compared.add(done)
        y = expressions.resolve(y_node, ns)
        if y is None:
            continue
        out.extend(
            _guard(score, name, obj, label, X, y, role, _at(where, line), session.limits) or []
        )
    return out


def _fit_cache(session: LiveSession, call: Any, X: Any, y: Any) -> tuple | None:
    """Where the work on a fit's data is cached: the root object, and a key with its version.

    Row hashes, the drift sample and the data checks of a fit depend on the
    data only, so a frame fitted again (a re-run, another model on the same
    rows) is hashed and scored once (:func:`fit_records.data_version`).
    """
    from ml_lint_nb.facts.live import expressions, fit_records

    root = expressions.base_name(call.X)
    root_obj = session.shell.user_ns.get(root) if root is not None else None
    if root_obj is None:
        return None
    version = _guard(fit_records.data_version, X, y, session.limits)
    if version is None:
        return None
    text = expressions.label(call.X, 400), expressions.label(call.y, 400) if call.y else None
    return ("fit-data", *text, version), root_obj


def _cached(session: LiveSession, cache: tuple | None, part: str, compute: Any) -> Any:
    """``compute()``, or its value cached for this fit data (see :func:`_fit_cache`)."""
    if cache is None:
        return compute()
    key, obj = (*cache[0], part), cache[1]
    hit = session.cache_get(key, obj)
    if hit is not MISS:
        return hit
    value = compute()
    session.cache_put(key, obj, value)
    return value


def _reloader(ns: dict[str, Any], node: Any, n_rows: int) -> Any:
    """A way back to a fit's data for verifying candidate shared rows, holding no strong reference.

    It answers only while the name at the root of the fit's expression still
    holds the very object it held at the fit, with as many rows.
    """
    import weakref

    from ml_lint_nb.facts.live import expressions

    root = expressions.base_name(node)
    try:
        ref = weakref.ref(ns[root]) if root is not None else None
    except (TypeError, KeyError):
        ref = None

    def reload() -> Any:
        if ref is None or ns.get(root) is not ref():
            return None
        data = expressions.resolve(node, ns)
        if data is None or int(data.shape[0]) != n_rows:
            return None
        return data

    return reload


def _describe_fit_data(
    session: LiveSession, protos: list[Proto], call: Any, X: Any, cache: tuple | None = None
) -> None:
    """Kernel evidence (feature scales, counts) for a fit's unnamed data (``train[features]``).

    The dataflow knows such a value only as "derived from train"; the object
    the call received answers the premises (ML301's scales) about it.
    """
    describe = _optional("ml_lint_nb.facts.live.values", "describe_value")
    if describe is None:
        return
    for p in protos:
        d = p.args.get("X") if p.kind == "fit" else None
        est = p.args.get("estimator") if p.kind == "fit" else None
        if d is None or est is None or est.binding not in (call.model, None) or d.name:
            continue
        if p.location.line != call.line:
            continue
        seen = _cached(
            session,
            cache,
            f"describe:{d.origin}",
            lambda d=d: _guard(describe, X, d.origin or "the data", False, session.limits),
        )
        if seen is not None:
            session.unnamed_seen[id(d)] = (d, seen)


def _remember(state: _ModelState, model: Any, record: Any) -> None:
    try:
        if record is None:
            state.records.pop(model, None)
        else:
            state.records[model] = record
        return
    except TypeError:
        pass
    if record is None:
        state.by_id.pop(id(model), None)
    else:
        state.by_id[id(model)] = (model, record)
        if len(state.by_id) > 32:
            state.by_id.pop(next(iter(state.by_id)))


def _recall(state: _ModelState, model: Any) -> Any:
    """The model's fit record, unless it was refitted in a way the hook did not see."""
    from ml_lint_nb.facts.live.fit_records import fit_token

    try:
        record = state.records.get(model)
    except TypeError:
        entry = state.by_id.get(id(model))
        record = entry[1] if entry is not None and entry[0] is model else None
    if record is None or record.token != fit_token(model):
        return None
    return record


def _named_value(session: LiveSession, node: Any) -> Any:
    """The dataflow's current value of a plain name (``X_train``), for its lineage."""
    import ast

    if isinstance(node, ast.Name):
        value = session.interp.env.get(node.id)
        return value if isinstance(value, DataV) else None
    return None


def _fit_value(protos: list[Proto], call: Any) -> Any:
    """The dataflow's value for the data of this fit call (its lineage), if it recorded one."""
    for p in protos:
        est = p.args.get("estimator") if p.kind == "fit" else None
        if est is None or p.location.line != call.line:
            continue
        if est.binding in (call.model, None):  # None: clf = SVC().fit(...) binds after the fit
            return p.args.get("X")
    return None


def _fit_frame(
    session: LiveSession,
    call: Any,
    X: Any,
    y: Any,
    where: Location,
    value: Any = None,
    cache: tuple | None = None,
) -> list[Fact]:
    """The data a model is fitted on is data: its checks, and its target's (ML108, ML202).

    Rows already checked under their own name (``train`` for
    ``train[features]``) keep only what the target adds: class balance of the
    labels actually fitted and each feature's power alone, on a sample.
    """
    from ml_lint_nb.facts.live import expressions

    summarise = _optional("ml_lint_nb.facts.live.frames", "summarise_frame")
    if summarise is None:
        return []

    root = expressions.base_name(call.X)
    checked = root is not None and root in session.summarised
    roots = {p[0] for p in value.rows.paths} if isinstance(value, DataV) else set()
    if roots and roots <= session.summarised_roots:
        checked = True  # rows of a frame already checked (X_train = train.drop(...), a resample)
    # within the hook's budget: a seeded sample, which every message states
    limits = replace_limits(session.limits, max_rows=min(session.limits.max_rows, FIT_ROWS))
    name = expressions.label(call.X)
    fact = _cached(
        session, cache, "frame", lambda: _guard(summarise, name, X, where, limits, None, y)
    )
    if fact is None:
        return []
    fact = _relocate(fact, where)
    if checked:
        fact = _replace(
            fact, columns=(), duplicate_rows=None, duplicate_examples=(), missingness=()
        )
    if root is not None and (root, _target_column(call.y)) in _state(session).targets_checked:
        # train[features] fitted on train["target"]: train was checked against that target
        fact = _replace(fact, class_counts=(), predictive=())
    if _resampled(session):  # deliberate copies of minority rows are not a data problem
        fact = _replace(fact, duplicate_rows=None, duplicate_examples=())
    session.summarised.add(name)
    return [fact]


def _target_column(node: Any) -> str | None:
    """``"target"`` for ``train["target"]`` / ``train.target``; None for anything else."""
    import ast

    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        return str(node.slice.value)
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return node.attr
    return None


def mark_checked(session: LiveSession, name: str, target: str | None) -> None:
    """A frame checked by ``%mlcheck``: later fits on it report only what is new."""
    session.summarised.add(name)
    if target is not None:
        _state(session).targets_checked.add((name, target))


def _resampled(session: LiveSession) -> bool:
    """The session ran a resampler (``resample``, ``fit_resample``): fit rows repeat on purpose."""
    for p in session.interp.protos:
        if p.kind == "random_call" and p.args.get("function") == "resample":
            return True
        if p.kind == "fit" and p.args.get("method") == "fit_resample":
            return True
    return False


FIT_ROWS = 10_000  # rows of fit data checked at the fit (a seeded sample above)


def replace_limits(limits: Any, **changes: Any) -> Any:
    from dataclasses import replace

    return replace(limits, **changes)


def _scores(session: LiveSession, protos: list[Proto]) -> list[Fact]:
    score_facts = _optional("ml_lint_nb.facts.live.scoring", "score_facts")
    if score_facts is None:
        return []
    ns = session.shell.user_ns
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
        _state(session).scored_names.add((est.binding, X.name))
        roles = X.rows.roles()
        role = next(iter(roles)) if len(roles) == 1 else "all"
        facts = _guard(
            score_facts,
            est.binding,
            ns[est.binding],
            X.name,
            ns[X.name],
            ns[y.name],
            role,
            p.location,
            session.limits,
        )
        out.extend(facts or [])
    return out


def _relocate(fact: Any, where: Location) -> Any:
    from dataclasses import replace

    try:
        return replace(fact, location=where)
    except Exception:
        return fact


def _guard(fn: Any, *args: Any, **kwargs: Any) -> Any:
    """Call a live extractor through the safe accessor: only objects of known types are
    read, and a hostile object costs that fact, never the cell (see ``facts.live.safe``)."""
    from ml_lint_nb.facts.live import safe

    return safe.call(fn, *args, **kwargs)


__all__ = ["collect"]
