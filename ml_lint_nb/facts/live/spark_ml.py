"""Fitted Spark ML models, read through pyspark's public Params API.

A ``pyspark.ml`` Model is recognised by type only (``pyspark.ml.base.Model``
in its MRO, looked up in ``sys.modules``: pyspark is never imported here
unless the user did). Only pyspark's own classes are read (a user subclass
is refused by :func:`ml_lint_nb.facts.live.safe.admit`), and only through
the public API: ``extractParamMap()`` for the parameters in effect
(defaults included: ``regParam`` 0.0 is what the model was fitted with),
``numFeatures``/``numClasses`` (one call into the JVM each, no job) and a
PipelineModel's ``stages``. Nothing here runs a Spark job, touches the
training frame, or calls ``transform``.
"""

from __future__ import annotations

import inspect
import sys
from typing import Any

from ml_lint_nb.facts import catalog
from ml_lint_nb.facts.location import Location
from ml_lint_nb.facts.model import FittedFact

MAX_DEPTH = 3
MAX_STAGES = 50
MAX_PARAM_STR = 200


def _base(name: str) -> type | None:
    """A base class of ``pyspark.ml.base``, if the user imported pyspark.ml."""
    module = sys.modules.get("pyspark.ml.base")
    return getattr(module, name, None) if module is not None else None


def _mro(obj: Any) -> tuple[type, ...]:
    """``type(obj).__mro__`` without running a metaclass's attribute hooks."""
    try:
        return type.__dict__["__mro__"].__get__(type(obj))  # type: ignore[no-any-return]
    except Exception:
        return ()


def is_spark_model(obj: Any) -> bool:
    """A fitted ``pyspark.ml`` Model (PipelineModel included), by ``type(obj)``'s MRO alone."""
    base = _base("Model")
    return base is not None and base in _mro(obj)


def is_spark_stage(obj: Any) -> bool:
    """A ``pyspark.ml`` Transformer (a Model, or a stateless stage such as VectorAssembler)."""
    base = _base("Transformer")
    return base is not None and base in _mro(obj)


def pyspark_own(obj: Any) -> bool:
    """Every class of ``type(obj)`` up to the pyspark base is pyspark's own (no user subclass)."""
    for klass in _mro(obj):
        if klass is object:
            continue
        module = klass.__dict__.get("__module__", "")
        if not isinstance(module, str):
            return False
        if module.split(".")[0] in ("pyspark", "builtins", "typing", "abc"):
            continue
        return False
    return True


def _simple(value: Any) -> Any:
    """A parameter value that is plain data (a short list of them too), or ``_SKIP``."""
    if value is None or type(value) in (bool, int, float):
        return value
    if type(value) is str:
        return value[:MAX_PARAM_STR]
    if type(value) in (list, tuple) and len(value) <= 50:
        items = [_simple(v) for v in value]
        return items if all(i is not _SKIP for i in items) else _SKIP
    return _SKIP


_SKIP = object()


def _params(obj: Any) -> dict[str, Any]:
    """The parameters in effect, defaults included (``extractParamMap``, a Python-side map)."""
    out: dict[str, Any] = {}
    try:
        pmap = obj.extractParamMap()
    except Exception:
        return out
    for param, value in list(pmap.items())[:200]:
        name = getattr(param, "name", None)
        simple = _simple(value)
        if isinstance(name, str) and simple is not _SKIP:
            out[name] = simple
    return out


def _jvm_int(obj: Any, attr: str) -> int | None:
    """``obj.numFeatures`` when pyspark defines it as a property (one py4j call, no job)."""
    try:
        if not isinstance(inspect.getattr_static(type(obj), attr, None), property):
            return None
        value = getattr(obj, attr)
    except Exception:
        return None
    return int(value) if type(value) is int and value >= 0 else None


def _short(cls: str) -> str:
    """``LogisticRegressionModel`` -> ``LogisticRegression``: the estimator the catalog knows."""
    return cls[: -len("Model")] if cls.endswith("Model") and cls != "Model" else cls


def model_fact(name: str, obj: Any, location: Location) -> FittedFact | None:
    """A fitted Spark ML model as a live :class:`FittedFact`; None for anything else."""
    try:
        if not is_spark_model(obj) or not pyspark_own(obj):
            return None
        return _fact(name, obj, location, 0)
    except Exception:
        return None


def _fact(name: str, obj: Any, location: Location, depth: int) -> FittedFact | None:
    """:func:`model_fact` at ``depth`` of a PipelineModel's stages."""
    if depth > MAX_DEPTH or not is_spark_stage(obj) or not pyspark_own(obj):
        return None
    cls = _short(str(type(obj).__name__))
    params = _params(obj)
    steps: list[FittedFact] = []
    if cls == "Pipeline":
        try:
            stages = list(obj.stages)[:MAX_STAGES]
        except Exception:
            stages = []
        for i, stage in enumerate(stages):
            part = _fact(f"{name}.stages[{i}]", stage, location, depth + 1)
            if part is not None:
                steps.append(part)
        kinds = catalog.kinds_of("Pipeline") | {"spark"}
    else:
        kinds = catalog.spark_kinds(cls, params)
    return FittedFact(
        source="live",
        location=location,
        name=name,
        cls=cls,
        kinds=kinds,
        params=params,
        n_features_in=_jvm_int(obj, "numFeatures"),
        steps=tuple(steps),
    )


__all__ = ["is_spark_model", "model_fact", "pyspark_own"]
