"""Fitted estimators, read through their public learned state.

:func:`fitted_fact` turns a live estimator into a :class:`FittedFact`. It
recognises estimators by duck typing (callable ``fit`` and ``get_params``:
scikit-learn, xgboost, lightgbm, catboost and imbalanced-learn all qualify)
and reads only

- public attributes with a trailing underscore (``n_samples_seen_``,
  ``n_features_in_``, ``n_iter_``, ``loss_curve_``, ``mean_``, ...), and
- ``get_params(deep=False)`` (simple values only).

It never reads a private attribute and never calls ``fit``, ``transform`` or
``predict``. Pipelines (``steps``), column transformers (``transformers_``),
searches (``best_estimator_``) and voting/stacking ensembles
(``named_estimators_``) are walked into :attr:`FittedFact.steps`, at most
:data:`MAX_DEPTH` levels deep; homogeneous ensembles (forests, boosting,
bagging) only report how many members they fitted.

Nothing here raises: a hostile object (a property or ``__getattr__`` that
raises, a broken ``get_params``, an enormous array) yields ``None`` or a
partial fact.
"""

from __future__ import annotations

import inspect
import math
import numbers
import sys
from typing import Any

from ml_lint_nb.facts import catalog
from ml_lint_nb.facts.location import Location
from ml_lint_nb.facts.model import FittedFact

MAX_DEPTH = 4
MAX_STEPS = 50  # parts of one pipeline / column transformer / voting ensemble
MAX_FEATURES = 20  # scaler statistics kept per estimator
MAX_LOSS_POINTS = 200
MAX_FEATURE_NAMES = 200
MAX_PARAM_STR = 200
# Homogeneous ensembles whose members are not walked (only counted).
_HETEROGENEOUS_ENSEMBLES = ("Voting", "Stacking")

MISSING = object()


def is_estimator(obj: object) -> bool:
    """Callable ``fit`` and ``get_params`` on the class (no instance ``__getattr__`` involved)."""
    if isinstance(obj, type):
        return False
    try:
        fit = inspect.getattr_static(obj, "fit", None)
        get_params = inspect.getattr_static(obj, "get_params", None)
    except Exception:
        return False
    return _callable_attr(fit) and _callable_attr(get_params)


def _callable_attr(attr: object) -> bool:
    """A class attribute that can be called (a static or class method counts), under a guard."""
    if attr is None:
        return False
    if isinstance(attr, staticmethod | classmethod):
        return True
    try:
        return callable(attr)
    except Exception:
        return False


def own_dict(obj: object) -> dict[str, Any]:
    """The instance dictionary, read past any ``__getattr__``: learned state lives there."""
    try:
        d = object.__getattribute__(obj, "__dict__")
    except Exception:
        return {}
    return d if isinstance(d, dict) else {}


def learned_names(obj: object) -> list[str]:
    """Public instance attributes with a trailing underscore (``coef_``, ``mean_``, ...)."""
    try:
        return [
            k
            for k in list(own_dict(obj))
            if isinstance(k, str) and k.endswith("_") and not k.startswith("_")
        ]
    except Exception:
        return []


def public_attr(obj: object, name: str) -> Any:
    """A public attribute, or ``MISSING``; never raises.

    Instance values come straight from ``__dict__``; otherwise a class-level
    property (``Pipeline.n_features_in_``) is read under a guard.
    """
    if name.startswith("_"):
        return MISSING
    d = own_dict(obj)
    if name in d:
        return d[name]
    try:
        return getattr(obj, name, MISSING)
    except Exception:
        return MISSING


def is_fitted(obj: object) -> bool:
    """scikit-learn's notion: ``__sklearn_is_fitted__()`` if defined, else learned attributes."""
    try:
        probe = inspect.getattr_static(obj, "__sklearn_is_fitted__", None)
        if probe is not None:
            return bool(obj.__sklearn_is_fitted__())  # type: ignore[attr-defined]
    except Exception:
        pass
    if learned_names(obj):
        return True
    # catboost keeps its state in a native object; it answers is_fitted() itself
    if _root_module(obj) == "catboost":
        try:
            return bool(obj.is_fitted())  # type: ignore[attr-defined]
        except Exception:
            return False
    return False


def _root_module(obj: object) -> str:
    """The top-level package of the object's class (``catboost``), or ``""``."""
    try:
        return str(type(obj).__module__).split(".", 1)[0]
    except Exception:
        return ""


def _numpy() -> Any:
    """The user's NumPy, or None: never imported here."""
    return sys.modules.get("numpy")


def _as_int(value: Any) -> int | None:
    """An int, or the max of an int array (``n_iter_``, ``n_samples_seen_``), or None."""
    if value is MISSING or value is None or isinstance(value, bool):
        return None
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        f = float(value)
        return int(f) if math.isfinite(f) and f == int(f) else None
    np = _numpy()
    if np is not None and isinstance(value, np.ndarray):
        try:
            if value.size == 0 or value.dtype.kind not in "iuf":
                return None
            m = value.max()
            return int(m) if math.isfinite(float(m)) else None
        except Exception:
            return None
    if isinstance(value, list | tuple) and 0 < len(value) <= 10_000:
        ints = [_as_int(v) for v in value]
        known = [i for i in ints if i is not None]
        return max(known) if known else None
    return None


def _floats(value: Any, limit: int) -> tuple[float, ...]:
    """The first ``limit`` entries of a 1-D numeric sequence as floats (empty when not that)."""
    if value is MISSING or value is None or isinstance(value, str | bytes):
        return ()
    np = _numpy()
    try:
        if np is not None and isinstance(value, np.ndarray):
            if value.dtype.kind not in "iuf" or value.ndim != 1:
                return ()
            head = value[:limit]
        elif isinstance(value, list | tuple):
            head = value[:limit]
        else:
            return ()
        out = []
        for v in head:
            if isinstance(v, bool) or not isinstance(v, numbers.Real):
                return ()
            out.append(float(v))
        return tuple(out)
    except Exception:
        return ()


def _names(value: Any, limit: int) -> tuple[str, ...]:
    """The first ``limit`` entries of a sequence of names as text (empty when not that)."""
    if value is MISSING or value is None or isinstance(value, str | bytes):
        return ()
    try:
        if len(value) > 100_000:
            return ()
        return tuple(str(v)[:MAX_PARAM_STR] for v in list(value[:limit]))
    except Exception:
        return ()


def simple_value(value: Any) -> tuple[bool, Any]:
    """(True, JSON-safe value) for numbers, strings, bools and None; (False, None) otherwise.

    ``inf`` stays ``float("inf")`` so that ML302 can read ``C=np.inf``.
    """
    if value is None or isinstance(value, bool):
        return True, value
    np = _numpy()
    if np is not None and isinstance(value, np.bool_):
        return True, bool(value)
    if isinstance(value, numbers.Integral):
        return True, int(value)
    if isinstance(value, numbers.Real):
        return True, float(value)
    if isinstance(value, str):
        return True, value[:MAX_PARAM_STR]
    return False, None


def _params(obj: object) -> dict[str, Any]:
    """``get_params(deep=False)`` reduced to its simple values (a broken one gives ``{}``)."""
    try:
        raw = obj.get_params(deep=False)  # type: ignore[attr-defined]
    except Exception:
        return {}
    if not isinstance(raw, dict):
        return {}
    out: dict[str, Any] = {}
    try:
        for k, v in list(raw.items())[:200]:
            ok, simple = simple_value(v)
            if ok and isinstance(k, str):
                out[k] = simple
    except Exception:
        return out
    return out


def _rows_seen(obj: object) -> int | None:
    """Training rows the estimator saw, from public learned state only."""
    for attr in ("n_samples_seen_", "n_samples_fit_", "n_samples_"):
        n = _as_int(public_attr(obj, attr))
        if n is not None:
            return n
    shape = public_attr(obj, "shape_fit_")  # SVC / SVR
    if isinstance(shape, tuple) and shape:
        n = _as_int(shape[0])
        if n is not None:
            return n
    tree = public_attr(obj, "tree_")  # a single decision tree (forests are not walked)
    if tree is not MISSING and tree is not None:
        try:
            counts = tree.n_node_samples
            if len(counts):
                return _as_int(counts[0])
        except Exception:
            pass
    counts = public_attr(obj, "class_count_")  # naive Bayes
    if counts is not MISSING and counts is not None:
        values = _floats(counts, 10_000)
        if values:
            total = sum(values)
            if math.isfinite(total):
                return round(total)
    return None


def _param_obj(obj: object, name: str) -> Any:
    """A (non-simple) constructor parameter such as ``steps``, from the instance dict."""
    d = own_dict(obj)
    return d.get(name, MISSING)


def _pairs(value: Any) -> list[tuple[str, Any]]:
    """``[(name, estimator, ...), ...]`` lists as (name, estimator) pairs."""
    out: list[tuple[str, Any]] = []
    if not isinstance(value, list | tuple):
        return out
    for item in value[:MAX_STEPS]:
        if isinstance(item, tuple) and len(item) >= 2 and isinstance(item[0], str):
            out.append((item[0], item[1]))
    return out


def _children(name: str, obj: object, cls: str) -> list[tuple[str, Any]]:
    """The walked parts of a composite, each with a readable access path."""
    steps = _param_obj(obj, "steps")
    if steps is not MISSING:  # Pipeline (and imblearn's)
        return [(f"{name}[{n!r}]", est) for n, est in _pairs(steps)]
    transformers = public_attr(obj, "transformers_")  # a fitted ColumnTransformer
    if transformers is not MISSING:
        return [(f"{name}.named_transformers_[{n!r}]", t) for n, t in _pairs(transformers)]
    union = _param_obj(obj, "transformer_list")  # FeatureUnion
    if union is not MISSING:
        return [(f"{name}[{n!r}]", t) for n, t in _pairs(union)]
    best = public_attr(obj, "best_estimator_")
    if best is not MISSING and best is not None:
        return [(f"{name}.best_estimator_", best)]
    if any(cls.startswith(prefix) for prefix in _HETEROGENEOUS_ENSEMBLES):
        named = public_attr(obj, "named_estimators_")
        try:
            items = list(named.items())[:MAX_STEPS] if named is not MISSING else []
        except Exception:
            items = []
        parts = [
            (f"{name}.named_estimators_[{n!r}]", est) for n, est in items if isinstance(n, str)
        ]
        final = public_attr(obj, "final_estimator_")  # stacking
        if final is not MISSING and final is not None:
            parts.append((f"{name}.final_estimator_", final))
        return parts
    return []


def _ensemble_size(obj: object) -> int | None:
    """Members a homogeneous ensemble fitted (``len(estimators_)``), or None."""
    members = public_attr(obj, "estimators_")
    if members is MISSING or members is None:
        return None
    try:
        return len(members)
    except Exception:
        return None


def fitted_fact(name: str, obj: object, location: Location) -> FittedFact | None:
    """The fitted state of ``obj`` as a live :class:`FittedFact`; None when not a fitted estimator.

    Parameters
    ----------
    name : str
        The binding the cell used (``"model"``); parts of composites get
        access paths such as ``"pipe['scaler']"``.
    obj : object
        Any object; estimators are recognised by duck typing.
    location : Location
        The cell the fact belongs to.

    Returns
    -------
    FittedFact or None
        None for non-estimators, unfitted estimators and objects whose
        inspection failed outright.
    """
    try:
        return _fitted(name, obj, location, 0, set())
    except Exception:
        return None


def _fitted(
    name: str, obj: object, location: Location, depth: int, seen: set[int]
) -> FittedFact | None:
    """:func:`fitted_fact` at ``depth`` of a composite; ``seen`` stops a part that contains itself."""
    if depth > MAX_DEPTH or id(obj) in seen or not is_estimator(obj) or not is_fitted(obj):
        return None
    seen = seen | {id(obj)}
    try:
        cls = str(type(obj).__name__)
    except Exception:
        return None
    kinds = catalog.kinds_of(cls)
    steps: list[FittedFact] = []
    for child_name, child in _children(name, obj, cls):
        part = _fitted(child_name, child, location, depth + 1, seen)
        if part is not None:
            steps.append(part)
    params = _params(obj)
    max_iter = params.get("max_iter")
    n_estimators = None
    if not steps and not any(cls.startswith(p) for p in _HETEROGENEOUS_ENSEMBLES):
        n_estimators = _ensemble_size(obj)
    data_min = _floats(public_attr(obj, "data_min_"), MAX_FEATURES)
    data_max = _floats(public_attr(obj, "data_max_"), MAX_FEATURES)
    return FittedFact(
        source="live",
        location=location,
        name=name,
        cls=cls,
        kinds=kinds,
        params=params,
        n_samples_seen=_rows_seen(obj),
        n_features_in=_as_int(public_attr(obj, "n_features_in_")),
        n_iter=_as_int(public_attr(obj, "n_iter_")),
        max_iter=max_iter if isinstance(max_iter, int) and max_iter > 0 else None,  # -1: no limit
        loss_curve=_floats(public_attr(obj, "loss_curve_"), MAX_LOSS_POINTS),
        steps=tuple(steps),
        mean=_floats(public_attr(obj, "mean_"), MAX_FEATURES),
        data_min=data_min,
        data_max=data_max,
        feature_names=_names(public_attr(obj, "feature_names_in_"), MAX_FEATURE_NAMES),
        n_estimators=n_estimators,
    )


# -- helpers the live rules share ------------------------------------------------------------------
