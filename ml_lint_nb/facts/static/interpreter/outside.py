"""Names the notebook never assigns: data that comes from outside it.

A notebook fragment often starts from values another notebook, a ``%run``
script or a star import left behind: ``Xs = StandardScaler().fit_transform(X)``
with ``X`` assigned nowhere. Such a name is read as data of unknown size
(:class:`..values.FreeV`), so that fitting, splitting and scoring it follow
the same leak paths as data the notebook loads itself; what the code shows
about where it came from (the ``%run`` or star import before it, or a
later cell that assigns it) is attached to its rows as knowledge, and the
findings about those rows say so.

Used as a model (``model.predict(X_test)`` on a ``model`` from elsewhere)
it stays unknown: the estimator protocol's methods are not data methods.
"""

from __future__ import annotations

import ast
import re

import ml_lint_nb.facts.static.interpreter.registry as registry
from ml_lint_nb.facts import catalog
from ml_lint_nb.facts.model import RowSet
from ml_lint_nb.facts.static.interpreter.api import Interp
from ml_lint_nb.facts.static.values import DataV, FreeV

# what a name from outside may be asked that makes it a model, not data
ESTIMATOR_METHODS = frozenset(
    {
        "fit",
        "fit_transform",
        "fit_predict",
        "fit_resample",
        "partial_fit",
        "predict",
        "predict_proba",
        "predict_log_proba",
        "decision_function",
        "inverse_transform",
        "score",
        "score_samples",
        "set_params",
        "get_params",
        "evaluate",
        "compile",
        "summary",
    }
)
# a cell line that runs code written elsewhere into the namespace
_RUN = re.compile(r"^[ \t]*%run[ \t]+(?:-\S+[ \t]+)*(\S+)", re.MULTILINE)
_EXEC = re.compile(r"^[ \t]*exec\(open\(", re.MULTILINE)
# star imports of libraries bring functions and classes, never the notebook's data
_LIBRARY_ROOTS = frozenset(
    {
        "numpy",
        "pandas",
        "polars",
        "matplotlib",
        "pylab",
        "seaborn",
        "sklearn",
        "scipy",
        "math",
        "statistics",
        "os",
        "sys",
        "pyspark",
        "torch",
        "tensorflow",
        "keras",
        "xgboost",
        "lightgbm",
        "catboost",
        "imblearn",
        "typing",
        "itertools",
        "collections",
        "IPython",
        "tqdm",
    }
)


# the names a preamble or a star import conventionally binds to modules, never to data
MODULE_ALIASES = {
    "np": "numpy",
    "pd": "pandas",
    "pl": "polars",
    "plt": "matplotlib.pyplot",
    "mpl": "matplotlib",
    "sns": "seaborn",
    "sp": "scipy",
    "stats": "scipy.stats",
    "F": "pyspark.sql.functions",
    "xgb": "xgboost",
    "lgb": "lightgbm",
    "tf": "tensorflow",
    "keras": "keras",
    "torch": "torch",
    "nn": "torch.nn",
    "os": "os",
    "sys": "sys",
    "math": "math",
    "re": "re",
    "random": "random",
    "time": "time",
    "json": "json",
    "pickle": "pickle",
    "joblib": "joblib",
    "warnings": "warnings",
    "datetime": "datetime",
    "scipy": "scipy",
    "sklearn": "sklearn",
    "numpy": "numpy",
    "pandas": "pandas",
    "polars": "polars",
    "matplotlib": "matplotlib",
    "seaborn": "seaborn",
}


def note_cell_source(interp: Interp, source: str, cell: int | None) -> None:
    """A cell's raw source (before IPython syntax is neutralised): ``%run`` lines bring names."""
    if "%run" not in source and "exec(" not in source:
        return
    # messages name no cell (each front end names places its own way): the line says which
    for m in _RUN.finditer(source):
        interp.outside.sources.append(f"%run {m.group(1)}")
    if _EXEC.search(source):
        interp.outside.sources.append("exec(open(...))")


def note_star_import(interp: Interp, module: str, node: ast.AST) -> None:
    """``from helpers import *`` may bring any name, data included (a library's brings none).

    A library's star import (``from sklearn.preprocessing import *``) brings its
    classes and functions: they are looked up there (:func:`library_name`).
    """
    if module.split(".", 1)[0] in _LIBRARY_ROOTS:
        interp.outside.libraries.append(module)
        return
    interp.outside.sources.append(f"from {module} import *")


def library_name(interp: Interp, name: str) -> str | None:
    """What a free name refers to when it is not data: a module alias (``np`` from a
    preamble) or a class or function a library's star import brought."""
    alias = MODULE_ALIASES.get(name)
    if alias is not None:
        return alias
    for module in reversed(interp.outside.libraries):
        root = module.split(".", 1)[0]
        if name in catalog.KNOWN_CLASSES or registry.FUNCTIONS.get((root, name)):
            return f"{module}.{name}"
        if root == "sklearn" and catalog.is_estimator_qualname(f"{module}.{name}"):
            return f"{module}.{name}"
    return None


def free_name(interp: Interp, name: str) -> FreeV:
    """A name no cell has assigned so far: data of unknown size from outside the notebook.

    The same name is the same data each time it is read.
    """
    state = interp.outside
    found = state.free.get(name)
    if found is not None:
        return found
    root = f"free:{name}"
    data = DataV(RowSet.root(root), name=name, version=f"{name}@outside")
    via = f" ({state.sources[-1]})" if state.sources else ""
    text = (
        f"{name} comes from outside this notebook{via}; its size is unknown"
        if via
        else f"{name} is never assigned in this notebook (an earlier notebook or session "
        "may have defined it); its size is unknown"
    )
    interp.knowledge.setdefault((root, None), {})["outside"] = text
    found = FreeV(name, data)
    state.free[name] = found
    return found


def settle(interp: Interp, defined_at: dict[str, int | None]) -> None:
    """Names read before the cell that assigns them: say where they are assigned."""
    for name in interp.outside.free:
        cell = defined_at.get(name)
        if cell is None:
            continue
        interp.knowledge.setdefault((f"free:{name}", None), {})["outside"] = (
            f"{name} is read before the cell that assigns it, so Run All would not reproduce this; "
            "its size is unknown here"
        )
