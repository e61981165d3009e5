"""ML501's fix (safe): pass a seed to every unseeded split, estimator and generator.

The seed is the one the notebook already uses (``random_state=7``
elsewhere, ``SEED = 42``, ``np.random.seed(3)``), else 0. A call that takes
no seed argument (``np.random.rand()``) cannot be fixed this way; the
others still are.
"""

from __future__ import annotations

from ml_lint_nb.edits import SAFE, Edit, FixEdit, overlapping
from ml_lint_nb.facts.location import Location
from ml_lint_nb.facts.model import EstimatorFact, RandomCallFact, SplitFact
from ml_lint_nb.facts.static.syntax import SourceIndex
from ml_lint_nb.facts.store import FactStore
from ml_lint_nb.findings import Finding
from ml_lint_nb.rules.fixes.calls import add_keyword, notebook_seed, seed_at

SPARK_SEEDED = frozenset({"randomSplit"})


def _target(loc: Location, store: FactStore, index: SourceIndex) -> tuple[str, set[str]] | None:
    """The seed keyword of the call at ``loc`` and the names that call may have."""
    for est in store.of(EstimatorFact):
        if est.location == loc:
            info = est.estimator
            return ("seed" if "spark" in info.kinds else "random_state"), {info.cls}
    for split in store.of(SplitFact):
        if split.location == loc and split.method == "train_test_split":
            return "random_state", {"train_test_split"}
    for call in store.of(RandomCallFact):
        if call.location == loc:
            kw = "seed" if call.function in SPARK_SEEDED else "random_state"
            return kw, {call.function}
    return None


def produce(finding: Finding, store: FactStore, index: SourceIndex) -> FixEdit | None:
    """``random_state=<seed>`` on the finding's place and each place listed as unseeded too."""
    places = [finding.location] + [r.location for r in finding.related if r.role == "unseeded too"]
    seed = notebook_seed(index)
    edits: list[Edit] = []
    named: list[str] = []
    passed: list[str] = []
    for loc in places:
        target = _target(loc, store, index)
        if target is None:
            continue
        kw, names = target
        found = index.call_named(loc, names)
        if found is None:
            continue
        code, call = found
        value = seed_at(index, seed, code.position(call))
        edit = add_keyword(code, call, kw, value)
        if edit is not None and not overlapping([edit], edits):
            edits.append(edit)
            named.append(sorted(names)[0])
            passed.append(f"{kw}={value}")
    if not edits:
        return None
    what = (
        named[0]
        if len(named) == 1
        else f"{named[0]} and {len(named) - 1} more call" + ("s" if len(named) > 2 else "")
    )
    return FixEdit(SAFE, f"Pass {passed[0]} to {what}", tuple(edits))
