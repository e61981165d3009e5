"""Facts about cell order: saved execution counts and names used before they exist.

"Run All" executes cells top to bottom; a notebook whose saved counts are
out of order, or whose cell uses a name that only a later cell defines,
was produced by hidden state and will not reproduce.
"""

from __future__ import annotations

from collections.abc import Iterable

from ml_lint_nb.facts.location import Location
from ml_lint_nb.facts.model import CellOrderFact, Fact, UseBeforeDefFact
from ml_lint_nb.facts.static.interpreter import BUILTIN_NAMES
from ml_lint_nb.facts.static.source import NotebookSource


def order_facts(nb: NotebookSource, cell_names: Iterable[NamesOfCell]) -> list[Fact]:
    facts: list[Fact] = []
    counts = tuple((c.index, c.execution_count) for c in nb.code_cells)
    if any(n is not None for _, n in counts):
        first = next(c for c in nb.code_cells)
        facts.append(
            CellOrderFact(
                "static", Location(cell=first.index, cell_id=first.cell_id, line=1), counts
            )
        )
    facts.extend(use_before_def(list(cell_names)))
    return facts


# the name a star import defines: any name at all (``from preamble import *``)
STAR = "*"

NamesOfCell = tuple[int, str | None, dict[str, int], dict[str, tuple[int, int]]]


def use_before_def(per_cell: list[NamesOfCell]) -> list[UseBeforeDefFact]:
    """A name loaded in cell i that no earlier cell (nor cell i) defines, but a later cell does.

    The interpreter records each cell's module-level definitions and uses as
    it walks the cell (function bodies only count when called), so this needs
    no second pass over the syntax tree. After a star import any name may be
    defined, so nothing used after one is reported.
    """
    first_def: dict[str, Location] = {}
    for index, cell_id, defs, _uses in per_cell:
        for name, line in defs.items():
            first_def.setdefault(name, Location(cell=index, cell_id=cell_id, line=line))
    out: list[UseBeforeDefFact] = []
    defined: set[str] = set()
    for index, cell_id, defs, uses in per_cell:
        star = defs.get(STAR)
        for name, (line, col) in uses.items():
            if name in defined or name in defs or name in BUILTIN_NAMES:
                continue
            if STAR in defined or (star is not None and star <= line):
                continue  # `from preamble import *` may have brought it
            later = first_def.get(name)
            if later is None or later.cell is None or later.cell <= index:
                continue
            out.append(
                UseBeforeDefFact(
                    "static", Location(cell=index, cell_id=cell_id, line=line, col=col), name, later
                )
            )
        defined.update(defs)
    return out
