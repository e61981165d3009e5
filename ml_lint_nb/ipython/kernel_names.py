"""Abstract values for names that exist in the kernel but were defined before the hook watched.

A user who runs ``%load_ext ml_lint_nb`` half-way through a session already
has imports, frames and fitted models; the dataflow learns what they are from
their types (never from their contents), so the next cells are understood.
"""

from __future__ import annotations

import types
from typing import Any

from ml_lint_nb.facts import catalog
from ml_lint_nb.facts.live import safe
from ml_lint_nb.facts.model import EstimatorInfo, RowSet
from ml_lint_nb.facts.static.values import DataV, EstV, RefV, V

DATA_TYPES = ("DataFrame", "Series", "ndarray")


def value_for(name: str, ns: dict[str, Any]) -> V | None:
    """The dataflow's value for ``ns[name]`` from its type alone (a module, a class, data, a model)."""
    if name not in ns:
        return None
    obj = ns[name]
    # Types are read from ``type(obj)`` only: ``isinstance`` would consult
    # ``obj.__class__``, which a mock or a hostile class answers with its own code.
    cls = type(obj)
    classes = safe.mro(cls)
    if types.ModuleType in classes:
        try:  # the module's own dict, past a lazy-loading subclass's __getattr__
            module_name = object.__getattribute__(obj, "__dict__").get("__name__")
        except Exception:
            return None
        return RefV(module_name) if type(module_name) is str else None
    if cls in (types.FunctionType, types.BuiltinFunctionType) or type in classes:
        module = _plain_str(getattr(obj, "__module__", None))
        qual = _plain_str(getattr(obj, "__qualname__", None)) or name
        return RefV(f"{module}.{qual}" if module else qual)
    if cls.__name__ in DATA_TYPES and cls.__module__.split(".")[0] in ("pandas", "numpy"):
        return DataV(RowSet.root(f"ns:{name}"), name=name, version=f"{name}@ns")
    if _defines(classes, "fit") and _defines(classes, "get_params"):
        short = cls.__name__
        info = EstimatorInfo(
            est_id=f"ns:{name}",
            cls=short,
            qualname=f"{cls.__module__}.{short}",
            kinds=catalog.kinds_of(short),
            binding=name,
        )
        return EstV(info)
    return None


def _plain_str(value: Any) -> str:
    """``value`` if it is exactly a string (a hostile ``__module__`` is not), else ``""``."""
    return value if type(value) is str else ""


def _defines(classes: tuple[type, ...], name: str) -> bool:
    """Whether a class in the MRO defines ``name`` (looked up in class dicts: no code runs)."""
    return any(name in klass.__dict__ for klass in classes)
