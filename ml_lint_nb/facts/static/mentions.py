"""Facts from the notebook's own words: which cells it calls its baseline.

A model is a baseline because the author uses it as one, not because of its
class: ``baseline = RandomForestClassifier(n_estimators=10)`` or a cell under
a "## Baseline" heading is the yardstick the later models are compared with.
"""

from __future__ import annotations

import re

from ml_lint_nb.facts.location import Location
from ml_lint_nb.facts.model import BaselineCellFact
from ml_lint_nb.facts.static.source import NotebookSource

BASELINE = re.compile(r"base[\s_-]?line", re.IGNORECASE)


def baseline_cells(nb: NotebookSource) -> list[BaselineCellFact]:
    """Code cells that mention a baseline, or that follow markdown which does.

    A markdown mention labels the code cells after it up to the next
    markdown cell (the section it introduces).
    """
    out: list[BaselineCellFact] = []
    under_heading = False
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            under_heading = bool(BASELINE.search(cell.source))
            continue
        if cell.cell_type != "code":
            continue
        if under_heading or BASELINE.search(cell.source):
            out.append(
                BaselineCellFact(
                    "static", Location(cell=cell.index, cell_id=cell.cell_id, line=1), cell.index
                )
            )
    return out
