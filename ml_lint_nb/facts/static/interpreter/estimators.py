"""Estimator objects: how they are built, fitted, and what fitting and predicting give.

scikit-learn's protocol (``fit`` in place, ``predict``, ``transform``,
``fit_transform``) is shared by XGBoost, LightGBM, CatBoost,
imbalanced-learn and category_encoders, and Spark ML reads into the same
facts; the library modules build on these helpers. An estimator is an
:class:`EstV` holding an :class:`EstimatorInfo` (class, kinds, parameters);
fitting records a ``fit`` proto on the data, predicting gives data that
remembers the model (:func:`predictions`), transforming gives data that
remembers the fitted state it came out of (:func:`transformed`).
"""

from __future__ import annotations

import ast
from dataclasses import replace
from typing import Any

from ml_lint_nb.facts import catalog
from ml_lint_nb.facts.model import EstimatorInfo, RowSet
from ml_lint_nb.facts.static.interpreter.api import Interp
from ml_lint_nb.facts.static.interpreter.records import Proto
from ml_lint_nb.facts.static.values import (
    UNKNOWN,
    DataV,
    EstRef,
    EstV,
    Expr,
    LitV,
    MultiV,
    RefV,
    SeqV,
    TunedV,
    V,
    Varies,
    data_of,
    first,
    strings,
)

INFINITIES = ("numpy.inf", "math.inf", "numpy.Inf", "numpy.infty")
# the keywords that give a meta-estimator the estimator it wraps (``regressor=`` of a
# TransformedTargetRegressor; its ``transformer=`` rescales the target, not the features)
WRAPPED_ARGS = ("estimator", "base_estimator", "regressor", "classifier")


def params_of(interp: Interp, kwargs: dict[str, V], node: ast.Call) -> tuple[dict[str, Any], int]:
    """The parameters a call gives an estimator, and how many configurations they span.

    A literal is its value; a loop variable varies (:class:`Varies`, and the
    configurations multiply); anything else is kept as its source text.
    """
    params: dict[str, Any] = {}
    configs = 1
    kw_nodes = {kw.arg: kw.value for kw in node.keywords if kw.arg}
    for kw in node.keywords:
        if kw.arg is None:  # SVC(**params): a literal dict, a grid's points, or computed
            params, configs = spread_params(interp, kw.value, params, configs)
    for k, v in kwargs.items():
        if k == "**":
            continue
        if isinstance(v, MultiV):
            configs *= v.n
            params[k] = Varies(v.n)
        elif isinstance(v, LitV):
            params[k] = v.value
        elif isinstance(v, RefV) and v.qualname in INFINITIES:
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
    interp: Interp, expr: ast.expr, params: dict[str, Any], configs: int
) -> tuple[dict[str, Any], int]:
    """``Model(**params)``: the keys of a literal dict, or one parameter per grid point."""
    spread = interp.env.get(expr.id) if isinstance(expr, ast.Name) else None
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


def grid_size(grid: V | None) -> int:
    """How many configurations a parameter grid spans (a list of grids adds up)."""
    if isinstance(grid, SeqV) and grid.kind == "dict":
        size = 1
        for item in grid.items:
            size *= len(item.items) if isinstance(item, SeqV) and item.items else 2
        return size
    if isinstance(grid, SeqV) and grid.kind == "list":
        return sum(grid_size(g) for g in grid.items) or 2
    return 2


def construct(
    interp: Interp, qual: str, short: str, args: list[V], kwargs: dict[str, V], node: ast.Call
) -> V:
    """``SVC(C=10)``, ``GridSearchCV(model, grid)``: a new estimator and its ``estimator`` fact."""
    params, configs = params_of(interp, kwargs, node)
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
        configs = max(configs, grid_size(grid))
    elif kinds & {"wrapper", "ensemble", "selector"}:
        members, n = wrapped(args, kwargs, "ensemble" in kinds)
        steps = tuple(m.info for m in members)
        configs *= n
    info = EstimatorInfo(
        est_id=interp.new_id("E"),
        cls=short,
        qualname=qual,
        kinds=kinds,
        params=params,
        location=interp.loc(node),
        steps=steps,
        configs=configs,
    )
    ev = EstV(info, inner=inner)
    tuned = kwargs.get("**")
    if isinstance(tuned, TunedV):  # Model(**search.best_params_)
        ev.tuned_by = tuned.search.fit_record
    if not kinds & {"evaluator", "builder"}:  # a metric, a parameter grid: no fits
        interp.record("estimator", node, estimator=info, holder=ev)
    return ev


def wrapped(args: list[V], kwargs: dict[str, V], ensemble: bool) -> tuple[list[EstV], int]:
    """The estimators a meta-estimator is built around, and how many configurations they span.

    A wrapper (``CalibratedClassifierCV(svc)``, ``OneVsRestClassifier(...)``,
    ``SelectFromModel(lasso)``, ``TransformedTargetRegressor(regressor=...)``)
    wraps its first argument or its ``estimator=``; an ensemble
    (``VotingClassifier(estimators=[("svc", svc), ...])``, stacking, bagging)
    its members. A loop variable over models is one wrapper per model.
    """
    given: list[V] = list(args[:1])
    given += [kwargs[k] for k in WRAPPED_ARGS if k in kwargs]
    if ensemble and "estimators" in kwargs:
        given.append(kwargs["estimators"])
    members: list[EstV] = []
    configs = 1
    for v in given:
        items = v.items if isinstance(v, SeqV) and ensemble else [v]
        for item in items:
            if isinstance(item, SeqV) and item.kind == "tuple" and item.items:
                item = item.items[-1]  # ("svc", SVC())
            if isinstance(item, MultiV):
                configs *= item.n
            est = first(item)
            if isinstance(est, EstV):
                members.append(est)
                configs *= max(est.info.configs, 1)
    return members, configs


def name_estimator(est: EstV, name: str) -> None:
    """``vect = CountVectorizer().fit(text)``: the estimator gets its name, and so does the fit
    recorded before the name was bound (messages and subjects name ``vect``)."""
    old = est.info
    est.info = replace(old, binding=name)
    rec = est.fit_record
    if rec is not None and rec.args.get("estimator") is old:
        rec.args["estimator"] = est.info
        rec.args["subject"] = subject(est.info, rec.args.get("X"))


def subject(info: EstimatorInfo, X: DataV | None) -> tuple[str, ...]:
    """The names a finding about this fit or prediction mentions: the model, then the data."""
    return tuple(x for x in (info.binding or info.cls, X.name if X is not None else None) if x)


def x_and_y(args: list[V], kwargs: dict[str, V]) -> tuple[DataV | None, DataV | None]:
    """The data and labels of ``fit(X, y)`` / ``score(X=..., y=...)``."""
    X = data_of(args[0]) if args else data_of(kwargs.get("X", UNKNOWN))
    y = data_of(args[1]) if len(args) > 1 else data_of(kwargs.get("y", UNKNOWN))
    return X, y


def record_fit(
    interp: Interp, est: EstV, meth: str, X: DataV | None, y: DataV | None, node: ast.Call
) -> Proto:
    """``est.fit(X, y)`` and its kin: the fit fact, and what fitting tells about the data.

    A one-hot encoder's fit is an encoding of its columns; a search's fit
    is also a cross-validation (and fits its ``best_estimator_``); ``y``'s
    column is a target.
    """
    info = est.info
    rec = interp.record(
        "fit",
        node,
        estimator=info,
        method=meth,
        X=X,
        y=y,
        subject=subject(info, X),
        direct=True,
        tuned_by=est.tuned_by,
    )
    est.fitted_on, est.fitted_y, est.fit_record = X, y, rec
    if X is not None:
        cols = X.columns or ((X.column,) if X.column else ())
        for enc, enc_cols in encoders_in(est, cols):
            bounded = any(
                enc.params.get(p) is not None for p in ("max_categories", "min_frequency")
            )
            interp.record(
                "encoding", node, method="OneHotEncoder", data=X, columns=enc_cols, bounded=bounded
            )
    if "search" in info.kinds:
        interp.record("crossval", node, estimator=info, function=info.cls, X=X, y=y)
        if est.inner is not None:
            est.inner.fitted_on, est.inner.fitted_y, est.inner.fit_record = X, y, rec
            est.inner.tuned_by = rec  # best_estimator_ carries the search's choice
    if y is not None and y.column and y.column != "<target>":
        interp.target_columns.add(y.column)
    return rec


def encoders_in(est: EstV, cols: tuple[str, ...]) -> list[tuple[EstimatorInfo, tuple[str, ...]]]:
    """The one-hot encoders a fit fits, each with the columns it encodes.

    A ``OneHotEncoder`` encodes the columns it is given; inside a
    ColumnTransformer (``("cat", OneHotEncoder(), ["zip_code"])``) or a
    pipeline, the columns its step names.
    """
    if est.info.cls == "OneHotEncoder":
        return [(est.info, cols)]
    out: list[tuple[EstimatorInfo, tuple[str, ...]]] = []
    if est.parts is None or not est.info.kinds & {"pipeline", "composite"}:
        return out
    for item in est.parts.items:
        step, step_cols = first(item), cols
        if isinstance(step, SeqV) and step.kind == "tuple":
            # ("cat", OneHotEncoder(), ["zip"]) / (OneHotEncoder(), ["zip"]) / ("scale", est):
            # the columns, when given, follow the estimator
            items = [first(i) for i in step.items]
            at = next((i for i, v in enumerate(items) if isinstance(v, EstV)), None)
            step = items[at] if at is not None else UNKNOWN
            if at is not None and at + 1 < len(items) and strings(items[at + 1]):
                step_cols = tuple(strings(items[at + 1]))
        if isinstance(step, EstV):
            out.extend(encoders_in(step, step_cols))
    return out


def record_predict(interp: Interp, est: EstV, meth: str, X: DataV | None, node: ast.Call) -> Proto:
    """``est.predict(X)`` / ``est.transform(X)``: the model applied to data."""
    info = est.info
    return interp.record(
        "predict",
        node,
        estimator=info,
        method=meth,
        X=X,
        fit=est.fit_record,
        subject=subject(info, X),
    )


def predictions(interp: Interp, est: EstV, meth: str, X: DataV | None, node: ast.AST) -> V:
    """What ``predict`` gives: data over X's rows that remembers the model and its fit."""
    rows = X.rows if X is not None else RowSet.root(interp.root_id(node))
    return DataV(rows, pred_est=est, pred_method=meth, pred_X=X, pred_fit=est.fit_record)


def transformed(info: EstimatorInfo, X: DataV | None) -> V:
    """What ``transform`` gives: X's rows, carrying the transformer's fitted state.

    Scaled after a scaler (or a vectorizer, a decomposition, a same-unit
    output); the feature count changes after selectors and encoders.
    """
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


def _same_unit_output(info: EstimatorInfo) -> bool:
    """The transformer's output needs no scaler: whitened PCA, one-hot/binary indicators."""
    last = info.steps[-1] if "pipeline" in info.kinds and info.steps else info
    return catalog.settles_scale(last.cls, last.params)
