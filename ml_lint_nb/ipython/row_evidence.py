"""What a model's rows are beyond their features: the entity and the time of each row.

For :class:`~ml_lint_nb.ipython.model_evidence.ModelEvidence`: at a fit,
the columns that describe the fit rows (an entity such as a patient id, a
date) are found in the data or in the frames it came from
(:mod:`ml_lint_nb.facts.live.lineage`, through the names the dataflow says
the data derives from) and judged (:func:`fit_records.describe_rows`); at
an evaluation, the evaluation rows are compared with them
(:func:`fit_records.compare_rows`); a cross-validation
(``cross_val_score``, a search's ``fit``) has its folds rebuilt and
compared the same way (:func:`fit_records.fold_facts`). ML211 and ML207
read the facts. Every reading goes through
:func:`ml_lint_nb.facts.live.safe.call`.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from ml_lint_nb.facts.live import expressions, fit_records, folds, lineage, safe
from ml_lint_nb.facts.live.limits import LiveLimits
from ml_lint_nb.facts.live.model_calls import ModelCall
from ml_lint_nb.facts.location import Location
from ml_lint_nb.facts.model import DriftFact, Fact
from ml_lint_nb.facts.static.interpreter import Interpreter
from ml_lint_nb.facts.static.values import DataV
from ml_lint_nb.ipython.memory import ModelMemory

MAX_LINEAGE = 6  # frames a call's data is traced back through
_UNREADABLE = object()  # a ``cv=`` argument the hook cannot read (a generator, a list of folds)


class RowEvidence:
    """Entities and times of fit and evaluation rows, over the session's dataflow and memory.

    ``cached(part, compute)`` is the fit's data cache of the caller (the same
    rows fitted again are not described again).
    """

    def __init__(self, shell: Any, interp: Interpreter, models: ModelMemory) -> None:
        """Evidence over the collector's memory of models (shared, not copied)."""
        self.shell = shell
        self.interp = interp
        self.models = models

    @property
    def ns(self) -> dict[str, Any]:
        """The user's namespace."""
        return self.shell.user_ns  # type: ignore[no-any-return]

    def sources(self, node: Any) -> lineage.Sources:
        """The frames a call's data came from, nearest first: the expression's root name, then
        the names the dataflow says it derives from (``X_train`` <- ``X`` <- ``visits``).

        Each frame is admitted (:func:`safe.admit_or_none`): one the hook may not read is left out.
        """
        ns = self.ns
        root = expressions.base_name(node) if node is not None else None
        if root is None:
            return lineage.Sources()
        names = [root]
        value = self.interp.env.get(root)
        while isinstance(value, DataV) and len(names) < MAX_LINEAGE:
            origin = frame_name(value.origin)
            if not origin or origin in names:
                break
            names.append(origin)
            value = self.interp.env.get(origin)
        found = []
        for n in names:
            obj = safe.admit_or_none(ns[n]) if n in ns else None
            if obj is not None and safe.kind(obj) == "frame":
                found.append((n, obj))
        return lineage.Sources(found)

    def describe(
        self,
        call: ModelCall,
        X: Any,
        y: Any,
        limits: LiveLimits,
        cached: Callable[[str, Callable[[], Any]], Any],
    ) -> tuple[tuple, tuple]:
        """The fit rows' entity columns and time (ML211, ML207), cached with the fit's data."""
        sources = self.sources(call.X)
        ids = tuple((n, id(o), safe.shape_key(o)) for n, o in sources)
        target = target_column(call.y) or _series_name(y)

        def compute() -> tuple[tuple, tuple]:
            """The context of the fit rows, judged."""
            context = safe.call(lineage.context_of, X, sources, limits.seed)
            got = safe.call(fit_records.describe_rows, context, X, y, target, limits)
            return got if got is not None else ((), ())

        return cached(f"rows:{ids}", compute)  # type: ignore[no-any-return]

    def compare(
        self, record: fit_records.FitRecord, node: Any, X: Any, label: str, where: Location
    ) -> tuple[list[Fact], str | None]:
        """Evaluation rows beside the fit rows: shared entities, earlier dates (ML211, ML207)."""
        if not (record.entities or record.times):
            return [], None
        context = safe.call(lineage.context_of, X, self.sources(node), 0)
        got = safe.call(fit_records.compare_rows, record, label, context, where)
        return got if got is not None else ([], None)

    @staticmethod
    def drift(fact: Fact, record: fit_records.FitRecord, chronological: str | None) -> Fact:
        """A drift fact told what the rows are: dated after every fit row (an out-of-time
        test set, ML209 informs), and clustered by entity (fewer independent rows)."""
        if not isinstance(fact, DriftFact):
            return fact
        changes: dict[str, Any] = {"design_effect": fit_records.design_effect(record)}
        if chronological is not None:
            changes["chronological"] = chronological
        return replace(fact, **changes)

    # -- cross-validation: folds rebuilt ---------------------------------------------------------

    def cross_validations(self, tree: ast.AST, where: Location, limits: LiveLimits) -> list[Fact]:
        """``cross_val_score(model, X, y, cv=...)`` and its kin: entities and dates across folds."""
        ns = self.ns
        out: list[Fact] = []
        for call in folds.fold_calls(tree):
            est = ns.get(call.estimator.id) if isinstance(call.estimator, ast.Name) else None
            cv = _cv_value(call.cv, ns)
            if cv is _UNREADABLE or call.groups is not None:
                continue  # groups given: a group-aware splitter (or groups it ignores)
            X = expressions.resolve(call.X, ns)
            y = expressions.resolve(call.y, ns) if call.y is not None else None
            if X is None:
                continue
            model = call.estimator.id if isinstance(call.estimator, ast.Name) else None
            at = Location(
                cell=where.cell,
                cell_id=where.cell_id,
                line=call.line,
                execution_count=where.execution_count,
            )
            out.extend(self._folds(call.X, call.y, X, y, cv, est, model, at, limits))
        return out

    def search(
        self, call: ModelCall, search: Any, X: Any, y: Any, where: Location, limits: LiveLimits
    ) -> list[Fact]:
        """A search's ``fit``: its cross-validation (``cv``) over the fit rows."""
        if not is_search(search) or call.groups is not None:
            return []
        try:
            attrs = object.__getattribute__(search, "__dict__")
        except Exception:
            return []
        est = attrs.get("estimator")
        return self._folds(call.X, call.y, X, y, attrs.get("cv"), est, call.model, where, limits)

    def _folds(
        self,
        x_node: Any,
        y_node: Any,
        X: Any,
        y: Any,
        cv: Any,
        est: Any,
        model: str | None,
        where: Location,
        limits: LiveLimits,
    ) -> list[Fact]:
        """The facts of one cross-validation over ``X`` (its folds rebuilt, see :mod:`folds`)."""
        try:  # reads the splitter's class and instance dictionary only: no method of it runs
            spec = folds.splitter_spec(cv, _is_classifier(est))
        except Exception:
            return []
        if spec is None or spec.grouped or spec.ordered:
            return []
        label = expressions.label(x_node)
        # measured on every run (not cached across cells): a re-run of the cell that shows
        # the finding must show it again, or the session takes it as fixed
        context = safe.call(lineage.context_of, X, self.sources(x_node), limits.seed)
        target = target_column(y_node) or _series_name(y)
        got = safe.call(
            fit_records.fold_facts, spec, X, y, context, target, label, where, model, limits
        )
        return got or []


def frame_name(label: str | None) -> str | None:
    """The frame a dataflow label names: ``df`` for ``df`` or ``df['a']``; None for ``a + b``."""
    found = re.match(r"([A-Za-z_]\w*)(\[|\.|$)", label) if label else None
    return found.group(1) if found else None


def target_column(node: Any) -> str | None:
    """``"target"`` for ``train["target"]`` / ``train.target``; None for anything else."""
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        return str(node.slice.value)
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return node.attr
    return None


def _cv_value(node: Any, ns: dict[str, Any]) -> Any:
    """What a ``cv=`` argument holds: None (the default), an int, a splitter, a splitter call."""
    if node is None:
        return None
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, int) else _UNREADABLE
    if isinstance(node, ast.Call):
        return node
    if isinstance(node, ast.Name) and node.id in ns:
        value = ns[node.id]
        return value if isinstance(value, int) or hasattr(type(value), "split") else _UNREADABLE
    return _UNREADABLE


def is_search(obj: Any) -> bool:
    """A hyper-parameter search (``GridSearchCV``, ``RandomizedSearchCV``): it cross-validates."""
    name = type(obj).__name__
    return name.endswith("SearchCV")


def _is_classifier(est: Any) -> bool:
    """scikit-learn's default cross-validation stratifies for a classifier."""
    base = sys.modules.get("sklearn.base")
    if est is None or base is None:
        return False
    try:
        return bool(base.is_classifier(est))
    except Exception:
        return False


def _series_name(y: Any) -> str | None:
    """A target Series' own name (``churned``), which a frame of the lineage may hold."""
    name = getattr(y, "name", None) if y is not None and hasattr(y, "index") else None
    return str(name) if isinstance(name, str | int) and not isinstance(name, bool) else None


__all__ = ["MAX_LINEAGE", "RowEvidence", "frame_name", "is_search", "target_column"]
