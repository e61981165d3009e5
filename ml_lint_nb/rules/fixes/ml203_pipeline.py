"""ML203's fix (unsafe): placeholder."""

from __future__ import annotations

from ml_lint_nb.edits import FixEdit
from ml_lint_nb.facts.static.syntax import SourceIndex
from ml_lint_nb.facts.store import FactStore
from ml_lint_nb.findings import Finding


def produce(finding: Finding, store: FactStore, index: SourceIndex) -> FixEdit | None:
    return None
