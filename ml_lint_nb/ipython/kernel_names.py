"""Abstract values for names that exist in the kernel but were defined before the hook watched.

A user who runs ``%load_ext ml_lint_nb`` half-way through a session already
has imports, frames and fitted models; the dataflow learns what they are from
their types (never from their contents), so the next cells are understood.
"""

from __future__ import annotations

import types
from typing import Any

from ml_lint_nb.facts import catalog
from ml_lint_nb.facts.model import EstimatorInfo, RowSet
from ml_lint_nb.facts.static.values import DataV, EstV, RefV, V

DATA_TYPES = ("DataFrame", "Series", "ndarray")


def value_for(name: str, ns: dict[str, Any]) -> V | None:
    if name not in ns:
        return None
    obj = ns[name]
    if isinstance(obj, types.ModuleType):
        return RefV(obj.__name__)
    if isinstance(obj, type | types.FunctionType | types.BuiltinFunctionType):
        module = getattr(obj, "__module__", None) or ""
        qual = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", name)
        return RefV(f"{module}.{qual}" if module else qual)
    cls = type(obj)
    if cls.__name__ in DATA_TYPES and cls.__module__.split(".")[0] in ("pandas", "numpy"):
        return DataV(RowSet.root(f"ns:{name}"), name=name, version=f"{name}@ns")
    if callable(getattr(cls, "fit", None)) and callable(getattr(cls, "get_params", None)):
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
