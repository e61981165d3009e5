"""scikit-learn, and the scikit-learn API its neighbours share.

What a call means: a class of an ML library (:func:`estimator_class`, for
every class the catalog knows, from scikit-learn, XGBoost, LightGBM,
CatBoost, imbalanced-learn, category_encoders or Spark ML); composites (Pipeline,
ColumnTransformer, FeatureUnion, however their steps are given);
``train_test_split``; cross-validation helpers; bundled and generated
datasets; metrics; ``clone``, ``resample``, ``shuffle`` and the functional
transforms (``preprocessing.scale``). What a method means: the estimator
protocol (``fit``, ``predict``, ``transform``, ``score``, ``set_params``, a
splitter's ``split``) and the attributes a fitted search or composite
exposes (``best_estimator_``, ``best_params_``, ``steps``).
"""

from __future__ import annotations

import ast
import math
from dataclasses import replace
from typing import Any

import ml_lint_nb.facts.static.interpreter.choices as choices
import ml_lint_nb.facts.static.interpreter.estimators as estimators
import ml_lint_nb.facts.static.interpreter.selection as selection
import ml_lint_nb.facts.static.interpreter.statistics as statistics
from ml_lint_nb.facts import catalog
from ml_lint_nb.facts.model import FOLD, EstimatorInfo, RowSet
from ml_lint_nb.facts.static.interpreter.api import Interp
from ml_lint_nb.facts.static.interpreter.records import Proto, SplitToken
from ml_lint_nb.facts.static.interpreter.registry import (
    ANY,
    DATA,
    ESTIMATOR,
    NEXT,
    Call,
    attribute,
    function,
    method,
)
from ml_lint_nb.facts.static.interpreter.rows import rows_of
from ml_lint_nb.facts.static.values import (
    SHUFFLED,
    UNKNOWN,
    ChosenV,
    DataV,
    EstV,
    FoldIndexV,
    IndexV,
    LitV,
    MultiV,
    ScoreV,
    SeqV,
    TunedV,
    V,
    data_of,
    first,
    kw_set,
)

CROSS_VALIDATION = (
    "cross_val_score",
    "cross_validate",
    "cross_val_predict",
    "learning_curve",
    "validation_curve",
    "permutation_test_score",
)
COMPOSITES = (
    "Pipeline",
    "make_pipeline",
    "ColumnTransformer",
    "make_column_transformer",
    "FeatureUnion",
    "make_union",
)
PREDICT_METHODS = frozenset({"predict", "predict_proba", "decision_function", "predict_log_proba"})
FIT_METHODS = ("fit", "fit_transform", "fit_predict", "partial_fit")


# ------------------------------------------------------------------ functions
@function(ANY, "train_test_split")
def train_test_split(interp: Interp, call: Call) -> V:
    """``X_train, X_test, y_train, y_test = train_test_split(X, y, ...)``: one split, two parts each.

    From any module (``sklearn.model_selection``, ``cuml``, an old
    ``sklearn.cross_validation``): the signature is the same.
    """
    args, kwargs, node = call.args, call.kwargs, call.node
    inputs = [data_of(a) or DataV(RowSet.root(interp.root_id(node))) for a in args]
    shuffle = kwargs.get("shuffle")
    shuffled: bool | None = True
    if isinstance(shuffle, LitV):
        shuffled = bool(shuffle.value)
    elif shuffle is not None:
        shuffled = None
    strat = kwargs.get("stratify")
    stratified = strat is not None and not (isinstance(strat, LitV) and strat.value is None)
    seeded = kw_set(kwargs, "random_state")
    split_id = interp.new_id("S")
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
        location=interp.loc(node),
        shuffle=shuffled,
        stratified=stratified,
        seeded=seeded,
    )
    outputs: list[V] = []
    for d in inputs:
        for part in (0, 1):
            n = _part_rows(rows_of(interp, d), test_frac, part)
            out = d.derive(rows=d.rows.part(split_id, part), n_rows=n)
            tok.parts.append(out)
            outputs.append(out)
    interp.pending_splits.append(tok)
    for d in inputs:
        if d.column and d.column != "<target>":
            interp.target_columns.add(d.column)
    return SeqV(outputs, "tuple", split=tok)


def _part_rows(n: int | None, test: float | int | None, part: int) -> int | None:
    """Rows on one side of train_test_split, as scikit-learn rounds them."""
    if n is None or test is None:
        return None
    n_test = int(test) if isinstance(test, int) and test >= 1 else math.ceil(float(test) * n)
    return n_test if part == 1 else n - n_test


@function(ANY, [*catalog.DATASETS, *catalog.GENERATORS])
def dataset(interp: Interp, call: Call) -> V:
    """A bundled or generated dataset, by its loader's name (``load_iris``, ``make_moons``)."""
    return load_dataset(interp, call.name, call.args, call.kwargs, call.node)


# The two (ANY, ANY) handlers are tried after every keyed one, the dataset loader first.
@function(ANY, ANY)
def dataset_module_loader(interp: Interp, call: Call) -> V:
    """Any ``load_`` / ``fetch_`` / ``make_`` function of a ``datasets`` module."""
    if ".datasets" in call.qual and call.name.startswith(("load_", "fetch_", "make_")):
        return load_dataset(interp, call.name, call.args, call.kwargs, call.node)
    return NEXT


def load_dataset(
    interp: Interp, short: str, args: list[V], kwargs: dict[str, V], node: ast.Call
) -> V:
    """Fresh rows, with what the catalog knows of the dataset (size, class shares, scales)."""
    root = interp.root_id(node)
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
    interp.knowledge.setdefault((root, None), {}).update(
        {k: v for k, v in info.items() if k != "shares"}
    )
    if info.get("shares"):
        interp.knowledge.setdefault((root, "<target>"), {})["shares"] = (
            tuple(info["shares"]),
            f"{short}() {_shares_text(info['shares'])}",
            interp.loc(node),
        )
    if short in catalog.GENERATORS and not kw_set(kwargs, "random_state"):
        record_random_call(interp, short, kwargs, node)
    data = DataV(RowSet.root(root))
    rxy = kwargs.get("return_X_y")
    if short in catalog.GENERATORS or (isinstance(rxy, LitV) and rxy.value):
        return SeqV([data.derive(), data.derive(column="<target>")], "tuple")
    return data


def _shares_text(shares: tuple[float, ...] | list[float]) -> str:
    """Class shares as a message shows them: "class shares 50% / 50%"."""
    return "class shares " + " / ".join(f"{s:.0%}" for s in shares)


def _generator_info(short: str, kwargs: dict[str, V], args: list[V]) -> dict[str, Any]:
    """What a ``make_*`` generator's arguments say about its data: size, classes, scales."""

    def lit(name: str, default: Any) -> Any:
        """A literal argument's value, the default when absent, None when computed."""
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


def record_random_call(interp: Interp, function: str, kwargs: dict[str, V], node: ast.Call) -> None:
    """A call that draws random numbers, seeded or not (``random_state``)."""
    interp.record("random_call", node, function=function, seeded=kw_set(kwargs, "random_state"))


@function(ANY, CROSS_VALIDATION)
def cross_val(interp: Interp, call: Call) -> V:
    """``cross_val_score(model, X, y)`` and its kin: a cross-validation of the model on X."""
    args, kwargs, node = call.args, call.kwargs, call.node
    est = first(args[0]) if args else first(kwargs.get("estimator", UNKNOWN))
    X = data_of(args[1]) if len(args) > 1 else data_of(kwargs.get("X", UNKNOWN))
    y = data_of(args[2]) if len(args) > 2 else data_of(kwargs.get("y", UNKNOWN))
    if isinstance(est, EstV):
        interp.record("crossval", node, estimator=est.info, function=call.name, X=X, y=y)
    if y is not None and y.column and y.column != "<target>":
        interp.target_columns.add(y.column)
    if call.name == "cross_val_predict" and X is not None:
        return X.derive(column=None)
    return UNKNOWN


@function(ANY, COMPOSITES)
def composite(interp: Interp, call: Call) -> V:
    """Pipeline / ColumnTransformer / FeatureUnion, however their steps are given.

    Positional or keyword (``steps=``, ``transformers=``,
    ``transformer_list=``), nested to any depth, or built from a list
    (appended to, or a comprehension over transformers). A step the
    reader cannot resolve makes the composite ``unresolved``: its kinds
    are then a lower bound, never a proof that no scaler is there. From any
    module: imbalanced-learn's and Spark ML's Pipelines read the same way.
    """
    qual, short, args, kwargs, node = call.qual, call.name, call.args, call.kwargs, call.node
    steps: list[EstimatorInfo] = []
    configs = 1
    unresolved = False
    parts: SeqV | None = None
    if short in ("make_pipeline", "make_union", "make_column_transformer"):
        items: list[V] = list(args)
        parts = SeqV(list(args), "list")  # what the encodings and steps are read from
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
        from_comp = isinstance(parts, SeqV) and parts.comp or (isinstance(item, SeqV) and item.comp)
        if isinstance(est, MultiV) and not from_comp:
            configs *= est.n  # a loop over models: one composite per model
            alts = alts[:1]
        for alt in alts:
            if isinstance(alt, EstV):
                steps.append(alt.info)
                configs *= max(alt.info.configs, 1)  # a step tuned over a loop variable
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
        est_id=interp.new_id("E"),
        cls=short,
        qualname=qual,
        kinds=kinds,
        params={},
        location=interp.loc(node),
        steps=tuple(steps),
        configs=configs,
    )
    ev = EstV(info, parts=parts)
    interp.record("estimator", node, estimator=info, holder=ev)
    return ev


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
    """A step the reader knows: an estimator, or "drop" / "passthrough"."""
    v = first(v)
    return isinstance(v, EstV) or (isinstance(v, LitV) and v.value in ("drop", "passthrough", None))


@function(ANY, ANY)
def estimator_class(interp: Interp, call: Call) -> V:
    """A class the catalog knows (``SVC``, ``XGBClassifier``, ``SMOTE``): a new estimator."""
    if catalog.is_estimator_qualname(call.qual) and call.name[:1].isupper():
        return estimators.construct(interp, call.qual, call.name, call.args, call.kwargs, call.node)
    return NEXT


@function("sklearn", list(catalog.FUNCTIONAL_TRANSFORMS))
def functional_transform(interp: Interp, call: Call) -> V:
    """``preprocessing.scale(X)``: a fit_transform of the matching class, in one call."""
    args, kwargs, node = call.args, call.kwargs, call.node
    cls = catalog.FUNCTIONAL_TRANSFORMS[call.name]
    params, _ = estimators.params_of(interp, {k: v for k, v in kwargs.items() if k != "X"}, node)
    info = EstimatorInfo(
        est_id=interp.new_id("E"),
        cls=call.name,
        qualname=call.qual,
        kinds=catalog.kinds_of(cls),
        params=params,
        location=interp.loc(node),
    )
    est = EstV(info)
    interp.record("estimator", node, estimator=info, holder=est)
    X = args[0] if args else kwargs.get("X", UNKNOWN)
    return fit(interp, Call("", "", "fit_transform", est, [X], {}, node))


@function("sklearn", "clone")
def clone(interp: Interp, call: Call) -> V:
    """``clone(model)``: an unfitted estimator of the same configuration."""
    src = call.args[0] if call.args else UNKNOWN
    alts = src.alts if isinstance(src, MultiV) else [src]
    clones: list[V] = [
        EstV(a.info, parts=a.parts, tuned_by=a.tuned_by) if isinstance(a, EstV) else UNKNOWN
        for a in alts
    ]
    return MultiV(clones, src.count) if isinstance(src, MultiV) else clones[0]


@function("sklearn", ANY)
def metrics_function(interp: Interp, call: Call) -> V:
    """Anything else of ``sklearn.metrics`` scores predictions (a class there is a class)."""
    if ".metrics" not in call.qual:
        return NEXT
    if catalog.is_estimator_qualname(call.qual) and call.name[:1].isupper():
        return NEXT  # ConfusionMatrixDisplay(...): constructed as a class, not scored
    return metric(interp, call)


@function(ANY, selection.PER_CLASS_METRICS)
def display_metric(interp: Interp, call: Call) -> V:
    """``ConfusionMatrixDisplay.from_predictions(y, pred)``: a per-class metric, from anywhere."""
    if "Display" not in call.qual:
        return NEXT
    return metric(interp, call)


def metric(interp: Interp, call: Call) -> V:
    """``accuracy_score(y_test, pred)``: an evaluation of the model that made ``pred``.

    The score remembers its evaluations (:class:`ScoreV`) so that choosing by
    it later is a selection on that data.
    """
    short, args, kwargs, node = call.name, call.args, call.kwargs, call.node
    if _not_a_score(short):
        return interp.generic_call(args, {}, node)
    if short in ("from_estimator",):
        est = first(args[0]) if args else UNKNOWN
        X = data_of(args[1]) if len(args) > 1 else None
        y = data_of(args[2]) if len(args) > 2 else None
        if isinstance(est, EstV):
            selection.evaluation(
                interp, "confusion_matrix", est, X, y, "predict", node, est.fit_record
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
                interp,
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
        selection.evaluation(interp, short, None, None, yt, None, node, None, kwargs=kwargs)
    if yt is not None and yt.column and yt.column != "<target>":
        interp.target_columns.add(yt.column)
    if scored and short in catalog.CURVE_METRICS:
        # precision, recall, thresholds = precision_recall_curve(...): each array is scores
        # on those rows, so a pick along them (np.argmax(f1)) is a choice on them
        return SeqV([ScoreV(scored) for _ in range(3)], "tuple")
    return ScoreV(scored) if scored else UNKNOWN


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


@function("sklearn", "resample")
def resample(interp: Interp, call: Call) -> V:
    """``resample(X, y, replace=True)``: a bootstrap draw duplicates rows (a resampler fit)."""
    args, kwargs, node = call.args, call.kwargs, call.node
    record_random_call(interp, "resample", kwargs, node)
    replace_ = kwargs.get("replace")
    if isinstance(replace_, LitV) and replace_.value is True:
        outs = [statistics.duplicated(interp, d, "resample(replace=True)", node) for d in args]
        return outs[0] if len(outs) == 1 else SeqV(outs, "tuple")
    return (
        interp.generic_call(args, {}, node)
        if len(args) == 1
        else SeqV([data_of(a) or UNKNOWN for a in args], "tuple")
    )


@function("sklearn", ("permutation", "shuffle"))
def shuffle(interp: Interp, call: Call) -> V:
    """``X, y = shuffle(X, y)``: the same rows in random order (a permutation: fresh rows)."""
    if call.name == "permutation":
        return DataV(RowSet.root(interp.root_id(call.node)), order=SHUFFLED)
    datas = [data_of(a) for a in call.args]
    outs: list[V] = [d.derive(order=SHUFFLED) if d is not None else UNKNOWN for d in datas]
    return outs[0] if len(outs) == 1 else SeqV(outs, "tuple")


# -------------------------------------------------------------------- methods
@method(ESTIMATOR, FIT_METHODS)
def fit(interp: Interp, call: Call) -> V:
    """``est.fit(X, y)``: the estimator itself, fitted; ``fit_transform`` / ``fit_predict`` give data."""
    est: EstV = call.recv
    X, y = estimators.x_and_y(call.args, call.kwargs)
    estimators.record_fit(interp, est, call.name, X, y, call.node)
    if call.name == "fit":
        return est
    if call.name == "fit_predict":
        return estimators.predictions(interp, est, "predict", X, call.node)
    return estimators.transformed(est.info, X)


@method(ESTIMATOR, PREDICT_METHODS)
def predict(interp: Interp, call: Call) -> V:
    """``est.predict(X)``: predictions that remember the model and the fit behind them."""
    est: EstV = call.recv
    X, _ = estimators.x_and_y(call.args, call.kwargs)
    estimators.record_predict(interp, est, call.name, X, call.node)
    return estimators.predictions(interp, est, call.name, X, call.node)


@method(ESTIMATOR, "transform")
def transform(interp: Interp, call: Call) -> V:
    """``est.transform(X)``: X carrying the transformer's fitted state."""
    est: EstV = call.recv
    X, _ = estimators.x_and_y(call.args, call.kwargs)
    estimators.record_predict(interp, est, "transform", X, call.node)
    return estimators.transformed(est.info, X)


@method(ESTIMATOR, "score")
def score(interp: Interp, call: Call) -> V:
    """``est.score(X, y)``: an evaluation of the model on X."""
    est: EstV = call.recv
    X, y = estimators.x_and_y(call.args, call.kwargs)
    proto = selection.evaluation(interp, "score", est, X, y, None, call.node, est.fit_record)
    return ScoreV([proto])


@method(ESTIMATOR, "set_params")
def set_params(interp: Interp, call: Call) -> V:
    """``est.set_params(C=c)``: new parameters (several, in a loop); tuned by a search's choice."""
    est: EstV = call.recv
    tuned = call.kwargs.get("**")
    if isinstance(tuned, TunedV):
        est.tuned_by = tuned.search.fit_record
    params, configs = estimators.params_of(interp, call.kwargs, call.node)
    est.info = replace(
        est.info, params={**est.info.params, **params}, configs=est.info.configs * configs
    )
    return est


@method(ESTIMATOR, ANY)
def configured(interp: Interp, call: Call) -> V:
    """``set_output(transform="pandas")``, ``set_fit_request(...)``: the estimator itself.

    scikit-learn's ``set_*`` methods configure the estimator and return it,
    so ``StandardScaler().set_output(transform="pandas").fit_transform(X)``
    is the scaler's fit_transform.
    """
    return call.recv if call.name.startswith("set_") else NEXT


@method(ESTIMATOR, ("split", "get_n_splits"))
def split(interp: Interp, call: Call) -> V:
    """``cv.split(X, y)``: fold indices over X's rows (a splitter's, see :func:`fold_split`)."""
    est: EstV = call.recv
    X, _ = estimators.x_and_y(call.args, call.kwargs)
    if call.name == "split" and "splitter" in est.info.kinds and X is not None:
        return fold_split(interp, est, X, call.node)
    if X is None:
        return UNKNOWN
    return MultiV([SeqV([IndexV(X), IndexV(X)], "tuple")], None)


def fold_split(interp: Interp, est: EstV, X: DataV, node: ast.AST) -> V:
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
    shuffles = est.info.params.get("shuffle")
    cls = est.info.cls
    tok = SplitToken(
        split_id=interp.new_id("S"),
        method=f"{cls}.split",
        inputs=[X],
        parts=[],
        location=interp.loc(node),
        # k folds together cover every row: their stored order decides no side
        shuffle=True if single else None,
        stratified=cls.startswith("Stratified"),
        seeded=bool(shuffles is not True and "Shuffle" not in cls)
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
    interp.pending_splits.append(tok)
    index = SeqV([FoldIndexV(tok.split_id, 0), FoldIndexV(tok.split_id, held)], "tuple")
    count = n_splits if isinstance(n_splits, int) and not isinstance(n_splits, bool) else None
    return MultiV([index], count)


# ----------------------------------------------------------------- attributes
@attribute(DATA, "target")
def bunch_target(interp: Interp, d: DataV, attr: str, node: ast.AST) -> V:
    """``load_iris().target``: the labels of a loader's Bunch."""
    return d.derive(column="<target>")


@attribute(DATA, ("data", "frame"))
def bunch_data(interp: Interp, d: DataV, attr: str, node: ast.AST) -> V:
    """``load_iris().data`` / ``.frame``: the loader's rows."""
    return d.derive()


@attribute(ESTIMATOR, ("best_estimator_", "estimator_", "estimator"))
def wrapped_estimator(interp: Interp, est: EstV, attr: str, node: ast.AST) -> V:
    """``search.best_estimator_``: the estimator a search wraps, fitted by the search."""
    return est.inner if est.inner is not None else NEXT


@attribute(ESTIMATOR, choices.LEARNED_ATTRIBUTES)
def learned_attribute(interp: Interp, est: EstV, attr: str, node: ast.AST) -> V:
    """``rfe.support_``, ``rf.feature_importances_``: what the fit learned about the features."""
    found = choices.learned(est, attr)
    return found if found is not None else NEXT


@method(ESTIMATOR, choices.LEARNED_METHODS)
def learned_method(interp: Interp, call: Call) -> V:
    """``selector.get_support()``: the features the fit chose."""
    found = choices.learned(call.recv, call.name + "()")
    return found if found is not None else NEXT


@function("sklearn", choices.SCORING_FUNCTIONS)
def feature_scores(interp: Interp, call: Call) -> V:
    """``mutual_info_classif(X, y)``: each feature scored against the labels on X's rows.

    ``permutation_importance(model, X, y)`` scores them through a model.
    """
    args = call.args[1:] if call.name == "permutation_importance" else call.args
    X, y = estimators.x_and_y(args, call.kwargs)
    if X is None:
        return NEXT
    return ChosenV(f"{call.name}({X.label}, ...)", X, y, interp.loc(call.node))


@attribute(ESTIMATOR, "best_params_")
def best_params(interp: Interp, est: EstV, attr: str, node: ast.AST) -> V:
    """``search.best_params_``: the configuration the search chose."""
    return TunedV(est) if "search" in est.info.kinds else NEXT


@attribute(ESTIMATOR, ("steps", "transformers", "transformer_list"))
def composite_steps(interp: Interp, est: EstV, attr: str, node: ast.AST) -> V:
    """``pipe.steps``: the list of steps a composite was given (appending to it adds a step)."""
    return est.parts if est.parts is not None else NEXT
