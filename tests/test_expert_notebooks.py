"""Expert-style notebooks (textbook chapters, gallery examples, a Kaggle kernel) stay quiet.

Each file under ``fixtures/expert`` is written the way experts write: star
imports from a preamble, plots, clustering and PCA on same-unit data, test
sets scored once, validation splits for choices. Every warning or error the
linter gives there must be marked (``# [ML205]``): a textbook that shows a
pitfall on purpose keeps its finding; nothing else may be said louder than
``info``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rule_fixtures import expected_markers, load_fixture

from ml_lint_nb.config import Config
from ml_lint_nb.engine import lint_source
from ml_lint_nb.findings import Severity

EXPERT = sorted((Path(__file__).parent / "fixtures" / "expert").glob("*.py"))


@pytest.mark.parametrize("path", EXPERT, ids=lambda p: p.stem)
def test_expert_notebook_has_only_its_marked_warnings(path: Path) -> None:
    nb = load_fixture(path)
    result = lint_source(nb, Config())
    loud = {
        (f.location.cell, f.location.line, f.code)
        for f in result.findings
        if f.severity in (Severity.WARNING, Severity.ERROR)
    }
    details = "\n".join(
        f"  {f.location.cell}:{f.location.line} {f.code} [{f.severity.value}] {f.message}"
        for f in result.findings
    )
    assert loud == expected_markers(nb), f"{path.name}\n{details}"
