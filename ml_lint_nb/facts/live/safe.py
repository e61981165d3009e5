"""The one way the hook reads kernel objects: by type first, user code never.

The post-execute hook looks at whatever the user's names hold: a
``MagicMock`` that records every attribute asked of it, a class whose
property raises ``SystemExit``, a ``__getattr__`` that sleeps, a
``DataFrame`` subclass with its own ``std``. Reading any of them the
ordinary way (``getattr(obj, "shape")``) runs the user's code inside the
hook, which can kill the kernel, mutate the object or stall every cell.

The contract here:

- :func:`kind` classifies an object by ``type(obj)``'s MRO only (no
  ``isinstance``, which consults ``obj.__class__`` and so user code):
  a pandas or polars frame or series, a NumPy array, a scikit-learn estimator, or
  nothing. Nothing means *no attribute is read at all*.
- :func:`admit` gives the object to read: the object itself for a pandas or
  NumPy class, a plain base-class view of a subclass (so that pandas' own
  methods run, never the subclass's overrides), the estimator itself for a
  scikit-learn estimator; :class:`Refused` otherwise.
- :func:`call` runs a live extractor on admitted objects only, with NumPy's
  floating-point warnings silenced locally (``np.errstate`` and a scoped
  warnings filter, never a global option), and turns any failure into "no fact": an object that fails is
  skipped, never the cell or the session. An object whose reading took
  longer than ``SLOW_SECONDS`` is remembered and not read again, so a slow
  property costs one cell once, not every cell.
- A ``KeyboardInterrupt`` (the user pressing Ctrl-C while the hook runs)
  is re-raised after remembering the objects being read: it cancels the
  hook for this cell; the session and the user's results are untouched.
"""

from __future__ import annotations

import ast
import contextlib
import sys
import time
import warnings
import weakref
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from ml_lint_nb.facts.live.spark_ml import pyspark_own

T = TypeVar("T")

# Reading an estimator for longer than this marks it slow: it is not read
# again. Frames and arrays are read by pandas and NumPy code only, on
# bounded samples, so their cost is not the object's doing.
SLOW_SECONDS = 2.0
_MAX_REMEMBERED = 1024

# Names a pandas subclass may define without being refused: data, not code
# the base-class view could run.
_DATA_ONLY = frozenset(
    {"__module__", "__qualname__", "__doc__", "__dict__", "__weakref__", "__annotations__"}
)
_DESCRIPTOR_GUARDS = ("__getattribute__", "__getattr__", "_mgr", "__class__", "__array__")


class Refused(Exception):
    """The object is not one the hook may read."""


def mro(cls: type) -> tuple[type, ...]:
    """``cls.__mro__`` without running a metaclass's attribute hooks."""
    try:
        return type.__dict__["__mro__"].__get__(cls)  # type: ignore[no-any-return]
    except Exception:
        return (cls,)


def has_base(obj: Any, base: type | None) -> bool:
    """``isinstance(obj, base)`` decided by ``type(obj)`` alone (no ``__class__`` lookup)."""
    return base is not None and base in mro(type(obj))


def _pandas() -> Any:
    """The user's pandas, or None: never imported here."""
    return sys.modules.get("pandas")


def _numpy() -> Any:
    """The user's NumPy, or None: never imported here."""
    return sys.modules.get("numpy")


def _polars() -> Any:
    """The user's polars, if they imported it; never imported here."""
    return sys.modules.get("polars")


def _estimator_base() -> Any:
    """scikit-learn's ``BaseEstimator``, if the user imported scikit-learn."""
    module = sys.modules.get("sklearn.base")
    return getattr(module, "BaseEstimator", None) if module is not None else None


def kind(obj: Any) -> str | None:
    """``"frame"`` (DataFrame/Series), ``"array"``, ``"estimator"``, ``"spark_model"`` (a fitted
    ``pyspark.ml`` Model), or None: by type only."""
    pd, np = _pandas(), _numpy()
    classes = mro(type(obj))
    if pd is not None and (pd.DataFrame in classes or pd.Series in classes):
        return "frame"
    pl = _polars()
    if pl is not None and (pl.DataFrame in classes or pl.Series in classes):
        return "frame"
    if np is not None and np.ndarray in classes:
        return "array"
    base = _estimator_base()
    if base is not None and base in classes:
        return "estimator"
    spark = sys.modules.get("pyspark.ml.base")  # present only if the user imported pyspark.ml
    if spark is not None and getattr(spark, "Model", None) in classes:
        return "spark_model"
    return None


def _named_in_mro(obj: Any, module: str, name: str) -> bool:
    """A class of that module and name in ``type(obj)``'s MRO (found without importing it)."""
    for klass in mro(type(obj)):
        if klass.__dict__.get("__module__") == module and klass.__name__ == name:
            return True
    return False


def lazy_kind(obj: Any) -> str | None:
    """``"spark"`` (classic or Connect DataFrame), ``"polars-lazy"`` or None, by type only.

    A frame that lives elsewhere: reading it runs jobs, so the hook never
    reads it by itself (``kind`` is None for it); ``%mlcheck`` checks it
    where it lives. Decided from ``type(obj)``'s MRO and ``sys.modules``:
    no attribute of the object is read and nothing is imported.
    """
    if sys.modules.get("pyspark") is not None:
        for module in ("pyspark.sql.dataframe", "pyspark.sql.classic.dataframe"):
            if _named_in_mro(obj, module, "DataFrame"):
                return "spark"
        if _named_in_mro(obj, "pyspark.sql.connect.dataframe", "DataFrame"):
            return "spark"
    if sys.modules.get("polars") is not None and _named_in_mro(
        obj, "polars.lazyframe.frame", "LazyFrame"
    ):
        return "polars-lazy"
    return None


# -- objects remembered as unreadable (slow, interrupted) ----------------------------------------

_REMEMBERED: dict[int, Any] = {}


def _remember(obj: Any) -> None:
    """Mark ``obj`` as not to be read again (weakly: a new object with its id is not marked)."""
    if len(_REMEMBERED) >= _MAX_REMEMBERED:
        _REMEMBERED.clear()
    try:
        _REMEMBERED[id(obj)] = weakref.ref(obj)
    except TypeError:
        _REMEMBERED[id(obj)] = None  # not weak-referenceable: remembered by id until cleared


def remembered(obj: Any) -> bool:
    """Whether ``obj`` was too slow (or interrupted) once already."""
    if id(obj) not in _REMEMBERED:
        return False
    ref = _REMEMBERED[id(obj)]
    if ref is None or ref() is obj:
        return True
    del _REMEMBERED[id(obj)]  # the id now belongs to another object
    return False


def forget_all() -> None:
    """Forget the slow objects (for ``%reload_ext`` and the tests)."""
    _REMEMBERED.clear()


# -- admission ------------------------------------------------------------------------------------


def _own_code(cls: type, stop: type) -> bool:
    """Whether a class between ``cls`` and ``stop`` in the MRO defines anything but data."""
    for klass in mro(cls):
        if klass is stop:
            return False
        module = klass.__dict__.get("__module__", "")
        if isinstance(module, str) and module.split(".")[0] in ("pandas", "numpy", "polars"):
            continue
        for name, value in klass.__dict__.items():
            if name in _DATA_ONLY:
                continue
            if name in _DESCRIPTOR_GUARDS or callable(value) or hasattr(type(value), "__get__"):
                return True
    return False


def _guarded_subclass(obj: Any, base: type) -> bool:
    """A subclass that redefines attribute lookup itself cannot be viewed safely."""
    for klass in mro(type(obj)):
        if klass is base:
            return False
        if any(name in klass.__dict__ for name in _DESCRIPTOR_GUARDS):
            return True
    return False


def admit(obj: Any) -> Any:
    """The object the hook may read in place of ``obj``; :class:`Refused` if none.

    Exact pandas and NumPy types are themselves. A subclass is viewed as its
    pandas or NumPy base (``pd.DataFrame(obj, copy=False)`` shares the data
    and runs no method of the subclass), unless it redefines attribute
    lookup. Estimators are scikit-learn's own protocol: their public fitted
    attributes are what the live rules read.
    """
    if remembered(obj):
        raise Refused("slow or interrupted before")
    which = kind(obj)
    if which is None:
        raise Refused(type(obj).__name__)
    cls = type(obj)
    if which == "frame":
        pd, pl = _pandas(), _polars()
        if pl is not None:
            for base in (pl.DataFrame, pl.Series):
                if cls is base:
                    return obj
                if base in mro(cls):
                    # no base-class view without polars' private constructors: a subclass
                    # is read only when it adds nothing but data
                    if _guarded_subclass(obj, base) or _own_code(cls, base):
                        raise Refused(cls.__name__)
                    return obj
        if pd is None:
            raise Refused(cls.__name__)
        for base in (pd.DataFrame, pd.Series):
            if cls is base:
                return obj
            if base in mro(cls):
                if _guarded_subclass(obj, base):
                    raise Refused(cls.__name__)
                return obj if not _own_code(cls, base) else base(obj, copy=False)
        raise Refused(cls.__name__)
    if which == "array":
        np = _numpy()
        if cls is np.ndarray or not _own_code(cls, np.ndarray):
            return obj
        if _guarded_subclass(obj, np.ndarray):
            raise Refused(cls.__name__)
        return np.ndarray.view(obj, np.ndarray)
    if which == "spark_model" and not pyspark_own(obj):
        raise Refused(cls.__name__)  # a user subclass may run its own code on any read
    return obj


def admit_or_none(obj: Any) -> Any:
    """:func:`admit`, with None for an object the hook may not read (or that fails)."""
    try:
        return admit(obj)
    except Exception:
        return None


def _plain(value: Any) -> bool:
    """Arguments the hook made itself (names, locations, limits), passed through as they are."""
    if value is None or isinstance(value, str | int | float | bool):
        return type(value) in (type(None), str, int, float, bool)
    if type(value) in (tuple, list, set, frozenset):
        return all(_plain(v) for v in value)  # an empty list the extractor fills is plain too
    if type(value) is dict:
        return all(_plain(k) and _plain(v) for k, v in value.items())
    if isinstance(value, ast.AST):
        return True  # the cell's parsed code, made by the hook
    module = getattr(type(value), "__module__", "") or ""
    return module.startswith("ml_lint_nb.")


@contextlib.contextmanager
def quiet_numpy() -> Iterator[None]:
    """The hook's own reads warn nobody: NumPy's floating-point errors off (``np.errstate``)
    and warnings raised meanwhile (``Degrees of freedom <= 0`` on an empty array) dropped.

    Both are scoped to the block and restored on leaving it; the user's
    settings outside the hook are never changed.
    """
    np = _numpy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if np is None:
            yield
            return
        with np.errstate(all="ignore"):
            yield


def call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``fn(*args, **kwargs)`` on admitted objects; None when an object is refused or fails.

    Catches every exception a user's property can raise (``SystemExit``
    included); re-raises only ``KeyboardInterrupt``, after remembering the
    objects involved, so that Ctrl-C cancels the hook and the next cell is
    not interrupted again by the same object.
    """
    objects = [v for v in (*args, *kwargs.values()) if not _plain(v)]
    try:
        admitted = {id(v): admit(v) for v in objects}
    except Refused:
        return None
    except KeyboardInterrupt:
        for v in objects:
            _remember(v)
        raise
    except BaseException:
        return None
    args = tuple(admitted.get(id(v), v) if not _plain(v) else v for v in args)
    kwargs = {k: admitted.get(id(v), v) if not _plain(v) else v for k, v in kwargs.items()}
    start = time.perf_counter()
    try:
        with quiet_numpy():
            return fn(*args, **kwargs)
    except KeyboardInterrupt:
        for v in objects:
            _remember(v)
        raise
    except BaseException:  # SystemExit from a property included: skip the object, not the cell
        return None
    finally:
        if time.perf_counter() - start > SLOW_SECONDS:
            for v in objects:
                if kind(v) not in ("frame", "array"):
                    _remember(v)


def guarded(fn: Callable[[], T], default: T) -> T:
    """Run one part of a reading on objects already admitted; a failure costs that part only.

    A summary is many parts (a column's statistics, the duplicate rows, the
    target's classes): one that fails gives ``default`` and the others stand.
    """
    try:
        return fn()
    except Exception:
        return default


def columns(obj: Any) -> Any:
    """A DataFrame's columns, or None for anything else (nothing read from other objects)."""
    view = admit_or_none(obj)
    pd, pl = _pandas(), _polars()
    if view is None:
        return None
    if not (
        has_base(view, getattr(pd, "DataFrame", None))
        or has_base(view, getattr(pl, "DataFrame", None))
    ):
        return None
    try:
        return list(view.columns)
    except BaseException:
        return None


def ndim(obj: Any, default: int | None = None) -> int | None:
    """``obj.ndim`` of a frame or array; ``default`` for anything else."""
    view = admit_or_none(obj)
    if view is None or kind(view) not in ("frame", "array"):
        return default
    pl = _polars()
    if pl is not None and has_base(view, pl.DataFrame):
        return 2  # polars frames have no ndim
    if pl is not None and has_base(view, pl.Series):
        return 1
    try:
        value = view.ndim
    except BaseException:
        return default
    return value if type(value) is int else default


def shape_key(obj: Any) -> str:
    """``str(obj.shape)`` of a frame or array, for cache keys; ``""`` for anything else."""
    view = admit_or_none(obj)
    if view is None or kind(view) not in ("frame", "array"):
        return ""
    try:
        return str(tuple(view.shape))
    except BaseException:
        return ""


__all__ = [
    "Refused",
    "admit",
    "admit_or_none",
    "call",
    "columns",
    "forget_all",
    "guarded",
    "has_base",
    "kind",
    "lazy_kind",
    "mro",
    "ndim",
    "quiet_numpy",
    "remembered",
    "shape_key",
]
