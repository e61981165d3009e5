"""Fixes: the smallest edits of cell sources that remove a finding, made by its rule's producer.

Each fixable rule has a producer in this package: a function that reads the
facts behind one finding (where the split call is, its arguments, the
target; the constructor of an estimator; the transformer, the split and the
models a leak runs through) and the code cells' exact text
(:class:`~ml_lint_nb.facts.static.syntax.SourceIndex`), and returns a
:class:`~ml_lint_nb.edits.FixEdit` or None when the code is not in a form
it can rewrite with confidence. Producers live apart from the rules' own
modules, so detection and repair change independently.

Applicability (``rules.md``, "Applicability of fixes"): ``safe`` fixes keep
what the notebook computes apart from what the rule is about; ``unsafe``
ones change results and are applied only with ``--unsafe-fixes``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

from ml_lint_nb.edits import SAFE, UNSAFE, FixEdit, overlapping
from ml_lint_nb.facts.static.syntax import SourceIndex
from ml_lint_nb.facts.store import FactStore
from ml_lint_nb.findings import Finding
from ml_lint_nb.rules.fixes import ml203_pipeline, ml208_stratify, ml302_penalty, ml501_seed

Producer = Callable[[Finding, FactStore, SourceIndex], FixEdit | None]

# code -> (applicability, producer), in code order
FIXES: dict[str, tuple[str, Producer]] = {
    "ML203": (UNSAFE, ml203_pipeline.produce),
    "ML208": (SAFE, ml208_stratify.produce),
    "ML302": (UNSAFE, ml302_penalty.produce),
    "ML501": (SAFE, ml501_seed.produce),
}


def applicability(code: str) -> str | None:
    """``safe``, ``unsafe``, or None for a rule that has no automatic fix."""
    entry = FIXES.get(code)
    return entry[0] if entry else None


def attach_fixes(findings: Iterable[Finding], store: FactStore) -> list[Finding]:
    """The findings, each with the fix its rule's producer makes for it (when it makes one).

    A producer that fails leaves its finding without a fix: a fix is a
    convenience, the finding is the product.
    """
    out: list[Finding] = []
    index: SourceIndex | None = None
    for finding in findings:
        entry = FIXES.get(finding.code)
        if entry is None or "static" not in finding.sources:
            out.append(finding)
            continue
        if index is None:
            index = SourceIndex(store)
        try:
            fix = entry[1](finding, store, index)
        except Exception:  # a producer bug must never lose the finding
            fix = None
        if fix is not None and (not fix.edits or overlapping(fix.edits)):
            fix = None
        out.append(replace(finding, fix_edit=fix) if fix is not None else finding)
    return out
