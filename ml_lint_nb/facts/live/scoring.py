"""Scores the hook measures itself, on rows the cell already predicted on.

:func:`score_facts` calls a fitted model's ``predict`` (and, within the time
budget, ``predict_proba`` or ``decision_function``) on at most
``limits.max_predict_rows`` rows: a seeded sample (``sampled=True``) when
there are more. Classifiers get accuracy; a binary classifier with scores
also gets the observed positive rate, the mean predicted probability, the
minority-class recall at ``predict()`` (the default threshold), the F1-best
threshold of a precision-recall curve with the recall there, ROC AUC and a
10-bin expected calibration error. Regressors get R². All of it is numpy
(imported lazily, present whenever a model is); scikit-learn is only
consulted, for the estimator type, if the user already imported it.

It never fits, never sets a parameter, never writes into the user's arrays,
never raises (a failure yields fewer facts or none), and keeps the model's
own warnings out of the user's output.
"""

from __future__ import annotations

import sys
import time
import warnings
from typing import Any

from ml_lint_nb.facts import catalog
from ml_lint_nb.facts.live.estimators import MISSING, is_fitted, own_dict, public_attr
from ml_lint_nb.facts.live.limits import LiveLimits
from ml_lint_nb.facts.location import Location
from ml_lint_nb.facts.model import ScoreFact

ECE_BINS = 10


def score_facts(
    model_name: str,
    model: object,
    data_name: str,
    X: Any,
    y: Any,
    role: str,
    location: Location,
    limits: LiveLimits | None = None,
) -> list[ScoreFact]:
    """Scores of a fitted classifier or regressor on (a bounded sample of) ``X``, ``y``.

    Parameters
    ----------
    model_name, data_name : str
        Bindings as the cell names them (``"model"``, ``"X_test"``).
    model : object
        A fitted estimator with ``predict``.
    X, y : array-like
        Rows the cell itself predicted on, and their true targets.
    role : str
        ``"train"``, ``"validation"``, ``"test"`` or ``"all"``.
    location : Location
        The cell the facts belong to.
    limits : LiveLimits, optional
        Row cap, time budget and sampling seed.

    Returns
    -------
    list of ScoreFact
        ``accuracy`` (with the threshold and calibration fields for a binary
        classifier) and ``roc_auc`` for classifiers, ``r2`` for regressors;
        empty when the model or data do not allow scoring.
    """
    try:
        return _score(model_name, model, data_name, X, y, role, location, limits or LiveLimits())
    except Exception:
        return []


def _final(model: object, depth: int = 0) -> object:
    """The estimator that makes the predictions: a pipeline's last step, a search's best."""
    if depth > 4:
        return model
    steps = own_dict(model).get("steps", MISSING)
    if isinstance(steps, list | tuple) and steps:
        last = steps[-1]
        if isinstance(last, tuple) and len(last) >= 2:
            return _final(last[1], depth + 1)
    best = public_attr(model, "best_estimator_")
    if best is not MISSING and best is not None:
        return _final(best, depth + 1)
    return model


def task_of(model: object) -> str | None:
    """``"classifier"``, ``"regressor"`` or None, by catalog, then scikit-learn's tags."""
    kinds = catalog.kinds_of(type(model).__name__) | catalog.kinds_of(type(_final(model)).__name__)
    if "classifier" in kinds:
        return "classifier"
    if "regressor" in kinds:
        return "regressor"
    base = sys.modules.get("sklearn.base")
    if base is not None:
        try:
            if base.is_classifier(model):
                return "classifier"
            if base.is_regressor(model):
                return "regressor"
        except Exception:
            pass
    classes = public_attr(model, "classes_")
    if classes is not MISSING and classes is not None:
        return "classifier"
    return None


def _n_rows(X: Any) -> int | None:
    """Rows of the data a model predicts on (a frame, an array, a sparse matrix, a list)."""
    try:
        shape = X.shape
        if shape and isinstance(shape[0], int):
            return int(shape[0])
    except Exception:
        pass
    try:
        return len(X)
    except Exception:
        return None


def _take(X: Any, idx: Any) -> Any:
    """Rows ``idx`` of ``X`` as a new object (pandas, numpy, scipy sparse, lists)."""
    import numpy as np

    if hasattr(X, "iloc"):
        return X.iloc[idx]
    pl = sys.modules.get("polars")
    if pl is not None and isinstance(X, pl.DataFrame):
        return X[idx]
    if isinstance(X, np.ndarray):
        return X[idx]
    if hasattr(X, "tocsr"):
        return X.tocsr()[idx]
    if isinstance(X, list | tuple):
        return [X[i] for i in idx]
    raise TypeError("cannot sample rows of this type")


def _method(model: object, name: str) -> Any:
    """A bound public method, or None (``available_if`` raises AttributeError when absent)."""
    try:
        method = getattr(model, name, None)
    except Exception:
        return None
    return method if callable(method) else None


def _call(method: Any, X: Any) -> Any:
    """Call a prediction method, keeping its warnings out of the user's output.

    Our own call must neither show the user a warning they did not cause
    nor fail because they turned warnings into errors: inside
    ``catch_warnings(record=True)`` (which works on a copy of the filter
    list and restores the user's list and ``showwarning`` on exit) every
    warning is ignored.
    """
    import numpy as np

    with warnings.catch_warnings(record=True):
        warnings.simplefilter("ignore")
        return np.asarray(method(X))


def _score(
    model_name: str,
    model: object,
    data_name: str,
    X: Any,
    y: Any,
    role: str,
    location: Location,
    limits: LiveLimits,
) -> list[ScoreFact]:
    """See :func:`score_facts`; raises on anything unexpected (the caller turns that into [])."""
    import numpy as np

    task = task_of(model)
    predict = _method(model, "predict")
    if task is None or predict is None or not is_fitted(model):
        return []
    n = _n_rows(X)
    y_all = np.asarray(y)
    if y_all.ndim == 2 and y_all.shape[1] == 1:
        y_all = y_all[:, 0]
    if n is None or n == 0 or y_all.ndim != 1 or len(y_all) != n:
        return []
    cap = max(1, int(limits.max_predict_rows))
    sampled = n > cap
    if sampled:
        rng = np.random.RandomState(limits.seed)  # private generator: global state untouched
        idx = np.sort(rng.choice(n, cap, replace=False))
        Xs, ys = _take(X, idx), y_all[idx]
    else:
        Xs, ys = X, y_all
    m = len(ys)

    start = time.perf_counter()
    y_pred = _call(predict, Xs)
    elapsed_ms = (time.perf_counter() - start) * 1000.0
    if y_pred.ndim == 2 and y_pred.shape[1] == 1:
        y_pred = y_pred[:, 0]
    if y_pred.shape != (m,):
        return []
    common = dict(
        source="live",
        location=location,
        model=model_name,
        cls=type(model).__name__,
        data=data_name,
        role=role,
        n_rows=m,
        sampled=sampled,
    )
    if task == "regressor":
        return _regression(ys, y_pred, common)
    equal = np.asarray(y_pred == ys)
    if equal.shape != (m,):
        return []
    accuracy = float(equal.mean())
    classes = _binary(model, ys)
    if classes is None:
        return [ScoreFact(metric="accuracy", value=accuracy, **common)]
    is_pos = np.asarray(ys == classes[1])
    counts = (int(m - is_pos.sum()), int(is_pos.sum()))
    minority = 1 if counts[1] <= counts[0] else 0
    is_min = is_pos if minority == 1 else ~is_pos
    extra: dict[str, Any] = {"positive_rate": float(is_pos.mean())}
    if is_min.any():
        extra["recall_at_default"] = float(np.mean(y_pred[is_min] == classes[minority]))
    auc = None
    if elapsed_ms <= limits.budget_ms:
        scores = _scores(model, Xs, m, classes, minority)
        if scores is not None:
            p_pos, s_min, is_proba = scores
            if p_pos is not None:
                auc = roc_auc(is_pos, p_pos)
            if s_min is not None:
                best = best_f1_threshold(is_min, s_min)
                if best is not None:
                    extra["suggested_threshold"], extra["recall_at_suggested"] = best
            if is_proba and p_pos is not None:
                extra["mean_predicted"] = float(np.mean(p_pos))
                extra["ece"] = expected_calibration_error(is_pos, p_pos)
    out = [ScoreFact(metric="accuracy", value=accuracy, **common, **extra)]
    if auc is not None:
        out.append(
            ScoreFact(metric="roc_auc", value=auc, positive_rate=extra["positive_rate"], **common)
        )
    return out


def _regression(ys: Any, y_pred: Any, common: dict[str, Any]) -> list[ScoreFact]:
    """R² of a regressor's predictions; none when the target is constant or not numeric."""
    import numpy as np

    if ys.dtype.kind not in "iufb" or y_pred.dtype.kind not in "iufb":
        return []
    yt, yp = ys.astype(float), y_pred.astype(float)
    total = float(np.sum((yt - yt.mean()) ** 2))
    if not np.isfinite(total) or total <= 0:
        return []
    r2 = 1.0 - float(np.sum((yt - yp) ** 2)) / total
    return [ScoreFact(metric="r2", value=r2, **common)] if np.isfinite(r2) else []


def _binary(model: object, ys: Any) -> Any:
    """The two classes in the model's order (``classes_[1]`` is the positive one), or None."""
    import numpy as np

    classes = public_attr(model, "classes_")
    if classes is MISSING or classes is None:
        classes = public_attr(_final(model), "classes_")
    try:
        if classes is MISSING or classes is None:
            classes = np.unique(ys)
        classes = np.asarray(classes)
        if classes.ndim != 1 or len(classes) != 2 or not np.isin(ys, classes).all():
            return None
    except Exception:
        return None
    return classes


def _scores(
    model: object, Xs: Any, m: int, classes: Any, minority: int
) -> tuple[Any, Any, bool] | None:
    """(P(positive) or the decision score, score of the minority class, whether probabilities)."""
    import numpy as np

    proba_method = _method(model, "predict_proba")
    if proba_method is not None:
        try:
            proba = _call(proba_method, Xs).astype(float)
        except Exception:
            proba = None
        if proba is not None and proba.shape == (m, 2) and np.isfinite(proba).all():
            return proba[:, 1], proba[:, minority], True
    decision = _method(model, "decision_function")
    if decision is not None:
        try:
            d = _call(decision, Xs).astype(float)
        except Exception:
            return None
        if d.shape == (m,) and np.isfinite(d).all():
            # a threshold on a decision score is only meaningful for the positive column
            return d, (d if minority == 1 else None), False
    return None


def roc_auc(labels: Any, scores: Any) -> float | None:
    """ROC AUC by the rank statistic (ties count one half); None without both classes."""
    import numpy as np

    labels = np.asarray(labels, dtype=bool)
    n_pos = int(labels.sum())
    n_neg = len(labels) - n_pos
    if n_pos == 0 or n_neg == 0:
        return None
    _, inverse, counts = np.unique(np.asarray(scores), return_inverse=True, return_counts=True)
    average_rank = np.cumsum(counts) - (counts - 1) / 2.0  # 1-based, ties averaged
    ranks = average_rank[inverse.ravel()]
    return float((ranks[labels].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))


def best_f1_threshold(labels: Any, scores: Any) -> tuple[float, float] | None:
    """(threshold, recall there) maximising F1 over a precision-recall curve.

    A row counts as predicted positive when its score is ``>= threshold``,
    as in scikit-learn's ``precision_recall_curve``.
    """
    import numpy as np

    labels = np.asarray(labels, dtype=bool)
    scores = np.asarray(scores, dtype=float)
    n_pos = int(labels.sum())
    if n_pos == 0 or len(labels) == 0:
        return None
    order = np.argsort(-scores, kind="mergesort")
    s, lab = scores[order], labels[order]
    last = np.r_[np.flatnonzero(np.diff(s)), len(s) - 1]  # last row of each distinct score
    tp = np.cumsum(lab)[last]
    fp = np.cumsum(~lab)[last]
    precision = tp / (tp + fp)
    recall = tp / n_pos
    denom = precision + recall
    f1 = np.divide(2 * precision * recall, denom, out=np.zeros_like(denom), where=denom > 0)
    best = int(np.argmax(f1))
    return float(s[last][best]), float(recall[best])


def expected_calibration_error(labels: Any, proba: Any, bins: int = ECE_BINS) -> float:
    """Expected calibration error over ``bins`` equal-width bins of the predicted probability."""
    import numpy as np

    labels = np.asarray(labels, dtype=float)
    p = np.clip(np.asarray(proba, dtype=float), 0.0, 1.0)
    which = np.minimum((p * bins).astype(int), bins - 1)
    sum_p = np.bincount(which, weights=p, minlength=bins)
    sum_y = np.bincount(which, weights=labels, minlength=bins)
    return float(np.abs(sum_y - sum_p).sum() / len(p))
