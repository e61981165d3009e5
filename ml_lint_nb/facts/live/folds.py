"""Cross-validation folds as the kernel ran them: which rows each fold trained and scored on.

``cross_val_score(model, X, y, cv=KFold(5, shuffle=True))`` and a search's
``fit`` never show their folds; the hook rebuilds them to ask the questions
it asks of a train/test pair (an entity on both sides, ML211; held-out rows
dated before the training rows, ML207):

- :func:`fold_calls` finds the cross-validation calls a cell spelled
  (``cross_val_score``, ``cross_validate``, ``cross_val_predict``, ...);
- :func:`splitter_spec` reads the ``cv`` argument: an int or None
  (scikit-learn's default, a stratified k-fold for a classifier), a
  splitter object (its class and ``get_params()``) or a splitter call with
  literal arguments written in the cell;
- :func:`folds` rebuilds the folds with a new splitter of the same class
  and parameters, never the user's object: a shuffled splitter without a
  seed gets the hook's own seed, so the user's random state is never
  drawn from. Group-aware splitters and ``TimeSeriesSplit`` are named, not
  rebuilt: they keep entities together, or the future out of training.
"""

from __future__ import annotations

import ast
import inspect
import sys
from dataclasses import dataclass, field
from typing import Any

CV_FUNCTIONS = frozenset(
    {
        "cross_val_score",
        "cross_validate",
        "cross_val_predict",
        "permutation_test_score",
        "learning_curve",
        "validation_curve",
    }
)
GROUPED = frozenset(
    {
        "GroupKFold",
        "GroupShuffleSplit",
        "StratifiedGroupKFold",
        "LeaveOneGroupOut",
        "LeavePGroupsOut",
    }
)
ORDERED = frozenset({"TimeSeriesSplit"})
REBUILT = frozenset(
    {
        "KFold",
        "StratifiedKFold",
        "ShuffleSplit",
        "StratifiedShuffleSplit",
        "RepeatedKFold",
        "RepeatedStratifiedKFold",
    }
)
MAX_FOLDS = 10  # folds rebuilt at most (a repeated k-fold's first repetitions)
MAX_ROWS = 1_000_000  # rows a cross-validation may have for its folds to be rebuilt


@dataclass(frozen=True)
class FoldCall:
    """A cross-validation the cell spelled: the function and its argument nodes."""

    function: str
    estimator: ast.AST | None
    X: ast.AST
    y: ast.AST | None
    cv: ast.AST | None
    groups: ast.AST | None
    line: int


@dataclass(frozen=True)
class SplitterSpec:
    """A splitter as the folds are rebuilt: its class name and parameters."""

    name: str
    params: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @property
    def grouped(self) -> bool:
        """A group-aware splitter: an entity's rows stay in one fold."""
        return self.name in GROUPED

    @property
    def ordered(self) -> bool:
        """A splitter that trains only on rows before the held-out ones."""
        return self.name in ORDERED

    @property
    def label(self) -> str:
        """``KFold(n_splits=5, shuffle=True)``: how a message names it."""
        shown = {k: v for k, v in self.params.items() if k in ("n_splits", "shuffle", "test_size")}
        args = ", ".join(f"{k}={v!r}" for k, v in shown.items())
        return f"{self.name}({args})"


def fold_calls(tree: ast.AST) -> list[FoldCall]:
    """The cross-validation calls at cell level, in source order."""
    out = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if name not in CV_FUNCTIONS:
            continue
        kw = {k.arg: k.value for k in node.keywords if k.arg}
        args = [a for a in node.args if not isinstance(a, ast.Starred)]
        est = args[0] if args else kw.get("estimator")
        X = args[1] if len(args) > 1 else kw.get("X")
        y = args[2] if len(args) > 2 else kw.get("y")
        if X is None:
            continue
        out.append(
            FoldCall(name, est, X, y, kw.get("cv"), kw.get("groups"), getattr(node, "lineno", 1))
        )
    out.sort(key=lambda c: c.line)
    return out


def splitter_spec(cv: Any, classifier: bool) -> SplitterSpec | None:
    """The splitter a ``cv`` value stands for (an int, None, a splitter object or call node)."""
    if cv is None or (isinstance(cv, int) and not isinstance(cv, bool)):
        k = 5 if cv is None else int(cv)
        return SplitterSpec("StratifiedKFold" if classifier else "KFold", {"n_splits": k})
    if isinstance(cv, ast.Call):
        return _spec_from_call(cv)
    if isinstance(cv, ast.Constant):
        return splitter_spec(cv.value, classifier) if isinstance(cv.value, int) else None
    cls = type(cv)
    module = getattr(cls, "__module__", "") or ""
    if not module.startswith("sklearn.model_selection"):
        return None
    name = cls.__name__
    if name not in REBUILT | GROUPED | ORDERED:
        return None
    params = _params(cv, cls)
    return None if params is None else SplitterSpec(name, params)


def _params(cv: Any, cls: type) -> dict[str, Any] | None:
    """A splitter's constructor arguments from its instance dictionary (no method is called)."""
    try:
        attrs = object.__getattribute__(cv, "__dict__")
        names = inspect.signature(cls.__init__).parameters
    except Exception:
        return None
    params = {k: attrs[k] for k in names if k != "self" and k in attrs}
    extra = attrs.get("cvargs")  # RepeatedKFold keeps n_splits there
    if isinstance(extra, dict):
        params.update({k: v for k, v in extra.items() if isinstance(k, str)})
    return params


def _spec_from_call(node: ast.Call) -> SplitterSpec | None:
    """``KFold(5, shuffle=True, random_state=0)`` written in the cell, literal arguments only."""
    func = node.func
    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
    if name not in REBUILT | GROUPED | ORDERED:
        return None
    params: dict[str, Any] = {}
    for pos, arg in zip(("n_splits",), node.args, strict=False):
        if not isinstance(arg, ast.Constant):
            return None
        params[pos] = arg.value
    for kw in node.keywords:
        if kw.arg is None or not isinstance(kw.value, ast.Constant):
            return None
        params[kw.arg] = kw.value.value
    return SplitterSpec(name, params)


def folds(spec: SplitterSpec, n_rows: int, y: Any, seed: int) -> list[tuple[Any, Any]] | None:
    """The (train positions, held-out positions) of each fold, rebuilt (see module)."""
    np = sys.modules.get("numpy")
    module = sys.modules.get("sklearn.model_selection")
    if np is None or module is None or spec.name not in REBUILT or n_rows > MAX_ROWS:
        return None
    cls = getattr(module, spec.name, None)
    if cls is None:
        return None
    params = dict(spec.params)
    if (params.get("shuffle") or "Shuffle" in spec.name or "Repeated" in spec.name) and params.get(
        "random_state"
    ) is None:
        params["random_state"] = seed  # never the user's global random state
    if not isinstance(params.get("random_state"), int | type(None)):
        params["random_state"] = seed  # a RandomState object: the user's, not to be drawn from
    splitter = cls(**params)
    X = np.zeros((n_rows, 1))
    labels = None
    if "Stratified" in spec.name:
        if y is None:
            return None
        labels = y
    out = []
    for k, (train, test) in enumerate(splitter.split(X, labels)):
        if k >= MAX_FOLDS:
            break
        out.append((np.asarray(train), np.asarray(test)))
    return out


__all__ = [
    "CV_FUNCTIONS",
    "GROUPED",
    "FoldCall",
    "SplitterSpec",
    "fold_calls",
    "folds",
    "splitter_spec",
]
