"""ML302's fix (unsafe): give the model an explicit penalty.

The parameter that switched regularisation off gets the library's default
back (``C=np.inf`` -> ``C=1.0``; ``penalty=None`` is dropped from a
``LogisticRegression``, whose default is an L2 penalty in every version,
and becomes ``penalty="l2"`` on an SGD model; ``alpha=0`` -> the
estimator's default alpha); a Spark learner left at ``regParam=0.0`` gets
``regParam=0.01``. The fit's results change, so the
fix is unsafe; the strength is a starting point to tune by
cross-validation, as the finding says. A plain ``LinearRegression`` has no
penalty to set and gets no fix.
"""

from __future__ import annotations

import ast
import math

from ml_lint_nb.edits import UNSAFE, Edit, FixEdit
from ml_lint_nb.facts import catalog
from ml_lint_nb.facts.model import EstimatorFact
from ml_lint_nb.facts.static.syntax import SourceIndex
from ml_lint_nb.facts.store import FactStore
from ml_lint_nb.findings import Finding
from ml_lint_nb.rules.fixes.calls import add_keyword, keyword, remove_keyword, set_keyword

# The strength each estimator has by default, written back when a fix restores a penalty.
DEFAULT_STRENGTH = {
    "C": "1.0",
    "alpha": "1.0",
    ("SGDClassifier", "alpha"): "0.0001",
    ("SGDRegressor", "alpha"): "0.0001",
}
DEFAULT_PENALTY = '"l2"'
SPARK_REG_PARAM = "0.01"


def _none_penalty(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value in (None, "none")


def produce(finding: Finding, store: FactStore, index: SourceIndex) -> FixEdit | None:
    """Set the penalty the finding is about on the estimator's constructor call."""
    est = next((e for e in store.of(EstimatorFact) if e.location == finding.location), None)
    if est is None:
        return None
    info = est.estimator
    found = index.call_named(est.location, {info.cls})
    if found is None:
        return None
    code, call = found
    edits: list[Edit | None] = []
    if "spark" in info.kinds:
        if info.cls not in catalog.SPARK_REG_PARAM:
            return None
        if keyword(call, "regParam") is not None:
            edits.append(set_keyword(code, call, "regParam", SPARK_REG_PARAM))
        else:
            edits.append(add_keyword(code, call, "regParam", SPARK_REG_PARAM))
        return _fix(edits, f"Set regParam={SPARK_REG_PARAM} on {info.cls}")
    penalty = keyword(call, "penalty")
    if penalty is not None and _none_penalty(penalty.value):
        if info.cls == "LogisticRegression":
            # its default is L2 in every version (``penalty`` is deprecated since 1.8)
            edit = remove_keyword(code, call, "penalty")
            said = code.text_of(penalty)
            return _fix([edit], f"Drop {said} from {info.cls}: its default L2 penalty applies")
        edit = set_keyword(code, call, "penalty", DEFAULT_PENALTY)
        return _fix([edit], f"Set penalty={DEFAULT_PENALTY} on {info.cls}")
    # the rule fired and the penalty is on: its strength is what switches it off
    param = catalog.REGULARISATION.get(info.cls)
    value = info.params.get(param) if param else None
    if param is None or keyword(call, param) is None or not _weak(param, value):
        return None
    strength = DEFAULT_STRENGTH.get((info.cls, param), DEFAULT_STRENGTH[param])
    edit = set_keyword(code, call, param, strength)
    return _fix([edit], f"Set {param}={strength} on {info.cls}")


def _weak(param: str, value: object) -> bool:
    """A strength weaker than the library's default (C above 1, alpha near 0)."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return False
    if param == "C":
        return math.isinf(value) or value > 1.0
    return value < 1e-4


def _fix(edits: list[Edit | None], description: str) -> FixEdit | None:
    if not edits or any(e is None for e in edits):
        return None
    return FixEdit(UNSAFE, description, tuple(e for e in edits if e is not None))
