"""Facts about cell order: saved execution counts and names used before they exist.

"Run All" executes cells top to bottom; a notebook whose saved counts are
out of order, or whose cell uses a name that only a later cell defines,
was produced by hidden state and will not reproduce.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from ml_lint_nb.facts.model import CellOrderFact, Fact, UseBeforeDefFact
from ml_lint_nb.facts.static.interpreter import BUILTIN_NAMES
from ml_lint_nb.facts.static.source import Cell, NotebookSource
from ml_lint_nb.findings import Location


def order_facts(nb: NotebookSource, parsed: Iterable[tuple[Cell, ast.Module]]) -> list[Fact]:
    parsed = list(parsed)
    facts: list[Fact] = []
    counts = tuple((c.index, c.execution_count) for c in nb.code_cells)
    if any(n is not None for _, n in counts):
        first = next(c for c in nb.code_cells)
        facts.append(
            CellOrderFact(
                "static", Location(cell=first.index, cell_id=first.cell_id, line=1), counts
            )
        )
    facts.extend(use_before_def(parsed))
    return facts


def use_before_def(parsed: list[tuple[Cell, ast.Module]]) -> list[UseBeforeDefFact]:
    """A name loaded in cell i that no earlier cell (nor cell i) defines, but a later cell does."""
    per_cell = [(cell, *_defs_and_uses(tree)) for cell, tree in parsed]
    first_def: dict[str, Location] = {}
    for cell, defs, _uses in per_cell:
        for name, line in defs.items():
            first_def.setdefault(name, Location(cell=cell.index, cell_id=cell.cell_id, line=line))
    out: list[UseBeforeDefFact] = []
    defined: set[str] = set()
    for cell, defs, uses in per_cell:
        for name, (line, col) in uses.items():
            if name in defined or name in defs or name in BUILTIN_NAMES:
                continue
            later = first_def.get(name)
            if later is None or later.cell is None or later.cell <= cell.index:
                continue
            out.append(
                UseBeforeDefFact(
                    "static",
                    Location(cell=cell.index, cell_id=cell.cell_id, line=line, col=col),
                    name,
                    later,
                )
            )
        defined.update(defs)
    return out


def _defs_and_uses(tree: ast.Module) -> tuple[dict[str, int], dict[str, tuple[int, int]]]:
    """Module-level definitions (name → first line) and loads (name → first position).

    Function bodies are left out: they run when called, not when defined.
    """
    defs: dict[str, int] = {}
    uses: dict[str, tuple[int, int]] = {}

    def visit(node: ast.AST, local: frozenset[str]) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            defs.setdefault(node.name, node.lineno)
            for d in node.decorator_list:
                visit(d, local)
            if isinstance(node, ast.ClassDef):
                for b in node.bases:
                    visit(b, local)
            return
        if isinstance(node, ast.Lambda):
            return
        if isinstance(node, ast.Import | ast.ImportFrom):
            for alias in node.names:
                name = alias.asname or alias.name.split(".")[0]
                defs.setdefault(name, node.lineno)
            return
        if isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp):
            targets = {
                n.id for g in node.generators for n in ast.walk(g.target) if isinstance(n, ast.Name)
            }
            for child in ast.iter_child_nodes(node):
                visit(child, local | targets)
            return
        if isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Store | ast.Del):
                defs.setdefault(node.id, node.lineno)
            elif node.id not in local:
                uses.setdefault(node.id, (node.lineno, node.col_offset + 1))
            return
        if isinstance(node, ast.ExceptHandler) and node.name:
            defs.setdefault(node.name, node.lineno)
        if isinstance(node, ast.Global | ast.Nonlocal):
            for name in node.names:
                defs.setdefault(name, node.lineno)
        # assignments: visit the value before the targets so `x = x + 1` counts as a use
        if isinstance(node, ast.Assign):
            visit(node.value, local)
            for t in node.targets:
                visit(t, local)
            return
        for child in ast.iter_child_nodes(node):
            visit(child, local)

    for stmt in tree.body:
        visit(stmt, frozenset())
    # a name defined in the cell before its first use is not "used before def" for this cell
    return defs, uses
