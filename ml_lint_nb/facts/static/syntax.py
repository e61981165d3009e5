"""The code cells as written: exact spans of calls, statements and names, for fixes.

The abstract interpreter records *what* happens (a split, a fit) and where
it starts; a fix needs the exact text around it (the split's arguments, the
end of a constructor call, the statement to delete). :class:`CellCode` is
one fact per parsed code cell holding the parse tree the interpreter read,
and :class:`SourceIndex` answers questions about it: the calls that start at
a fact's location, the statement around a node, what an imported name
refers to, where a name is read or bound. Queries are lazy, so a notebook
whose findings have no fix never pays for them.

Columns of the parse tree count UTF-8 bytes; edits count code points
(:mod:`ml_lint_nb.edits`), and every conversion happens here. A line that
IPython syntax neutralised (a magic, a shell escape) differs from what the
user wrote: no edit is ever made on such a line.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from ml_lint_nb.edits import Edit, split_lines
from ml_lint_nb.facts.location import Location
from ml_lint_nb.facts.model import Fact

if TYPE_CHECKING:
    from ml_lint_nb.facts.store import FactStore

Position = tuple[int, int, int]  # (cell, line, byte column): notebook order of nodes


@dataclass(frozen=True, eq=False)
class CellCode(Fact):
    """One parsed code cell: the text parsed (IPython syntax neutralised) and as written."""

    text: str = field(repr=False)
    written: str = field(repr=False)
    tree: ast.Module = field(repr=False, compare=False)

    @property
    def cell(self) -> int:
        return self.location.cell or 0

    @cached_property
    def lines(self) -> list[str]:
        return split_lines(self.text)

    @cached_property
    def written_lines(self) -> list[str]:
        return split_lines(self.written)

    @cached_property
    def calls(self) -> dict[tuple[int, int], list[ast.Call]]:
        """Calls by (line, byte column) of their first character, outermost first."""
        out: dict[tuple[int, int], list[ast.Call]] = {}
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Call):
                out.setdefault((node.lineno, node.col_offset), []).append(node)
        return out

    @cached_property
    def parents(self) -> dict[int, ast.AST]:
        out: dict[int, ast.AST] = {}
        for node in ast.walk(self.tree):
            for child in ast.iter_child_nodes(node):
                out[id(child)] = node
        return out

    # -- positions --------------------------------------------------------------------------
    def char_col(self, line: int, byte_col: int) -> int:
        """The 0-based code-point column of a byte column of ``line``."""
        raw = self.lines[line - 1].encode("utf-8", "surrogatepass")
        return len(raw[:byte_col].decode("utf-8", "surrogatepass"))

    def span(self, node: ast.AST) -> tuple[int, int, int, int]:
        """``(line, col, end_line, end_col)`` of a node, 1-based code-point columns, end exclusive."""
        line, end_line = node.lineno, node.end_lineno or node.lineno  # type: ignore[attr-defined]
        return (
            line,
            self.char_col(line, node.col_offset) + 1,  # type: ignore[attr-defined]
            end_line,
            self.char_col(end_line, node.end_col_offset or 0) + 1,  # type: ignore[attr-defined]
        )

    def text_of(self, node: ast.AST) -> str:
        return self.slice(*self.span(node))

    def slice(self, line: int, col: int, end_line: int, end_col: int) -> str:
        if line == end_line:
            return self.lines[line - 1][col - 1 : end_col - 1]
        parts = [self.lines[line - 1][col - 1 :]]
        parts.extend(self.lines[line : end_line - 1])
        parts.append(self.lines[end_line - 1][: end_col - 1])
        return "".join(parts)

    def written_as_parsed(self, first: int, last: int) -> bool:
        """Lines ``first..last`` are exactly as the user wrote them (no magic neutralised)."""
        if last > len(self.lines) or last > len(self.written_lines):
            return False
        return all(
            self.lines[i].rstrip("\r\n") == self.written_lines[i].rstrip("\r\n")
            for i in range(first - 1, last)
        )

    # -- edits --------------------------------------------------------------------------------
    def edit(self, line: int, col: int, end_line: int, end_col: int, content: str) -> Edit | None:
        """An edit replacing that span with ``content``; None on a neutralised line."""
        if not self.written_as_parsed(line, end_line):
            return None
        original = self.slice(line, col, end_line, end_col)
        if not original:
            return None
        loc = self.location
        return Edit(loc.cell, loc.cell_id, line, col, end_line, end_col, original, content)

    def replace(self, node: ast.AST, content: str) -> Edit | None:
        return self.edit(*self.span(node), content)

    def wrap(self, node: ast.AST, before: str, after: str) -> Edit | None:
        return self.replace(node, before + self.text_of(node) + after)

    def statement_lines(self, stmt: ast.stmt) -> tuple[int, int] | None:
        """Lines of a top-level statement that has them to itself (a trailing comment aside)."""
        first, last = stmt.lineno, stmt.end_lineno or stmt.lineno
        for other in self.tree.body:
            if other is not stmt and other.lineno <= last and first <= (other.end_lineno or 0):
                return None  # ``a = 1; b = 2``
        head = self.lines[first - 1][: self.char_col(first, stmt.col_offset)]
        tail = self.lines[last - 1][self.char_col(last, stmt.end_col_offset or 0) :].strip()
        if head.strip() or (tail and not tail.startswith("#")):
            return None
        return first, last

    def delete_statement(self, stmt: ast.stmt) -> Edit | None:
        """Remove a statement of the cell's body together with its lines."""
        edits = self.delete_statements([stmt])
        return edits[0] if edits else None

    def delete_statements(self, stmts: list[ast.stmt]) -> list[Edit] | None:
        """Remove statements of the cell's body with their lines; neighbours become one edit."""
        ranges: list[list[int]] = []
        for stmt in sorted(stmts, key=lambda s: s.lineno):
            if stmt not in self.tree.body:
                return None
            lines = self.statement_lines(stmt)
            if lines is None:
                return None
            if ranges and lines[0] == ranges[-1][1] + 1:
                ranges[-1][1] = lines[1]
            else:
                ranges.append([lines[0], lines[1]])
        edits = [self._delete_lines(first, last) for first, last in ranges]
        if any(e is None for e in edits):
            return None
        return [e for e in edits if e is not None]

    def _delete_lines(self, first: int, last: int) -> Edit | None:
        if last < len(self.lines):
            return self.edit(first, 1, last + 1, 1, "")
        end_col = len(self.lines[last - 1]) + 1
        if first == 1:  # the whole cell
            return self.edit(1, 1, last, end_col, "")
        # the cell's last lines: take the line break before them instead
        prev = self.lines[first - 2].rstrip("\r\n")
        return self.edit(first - 1, len(prev) + 1, last, end_col, "")

    def statements(self) -> Iterator[ast.stmt]:
        for node in ast.walk(self.tree):
            if isinstance(node, ast.stmt):
                yield node

    def statement_of(self, node: ast.AST) -> ast.stmt | None:
        """The innermost statement containing ``node``."""
        current: ast.AST | None = node
        while current is not None and not isinstance(current, ast.stmt):
            current = self.parents.get(id(current))
        return current

    def top_statement_of(self, node: ast.AST) -> ast.stmt | None:
        """The statement of the cell's body that contains ``node``."""
        current: ast.AST | None = node
        while current is not None and current not in self.tree.body:
            current = self.parents.get(id(current))
        return current if isinstance(current, ast.stmt) else None

    def position(self, node: ast.AST) -> Position:
        return (self.cell, node.lineno, node.col_offset)  # type: ignore[attr-defined]


def cell_codes(parsed: Iterable[tuple[int, str | None, str, str, ast.Module]]) -> list[CellCode]:
    """Facts for cells parsed by the extractor: (position, id, parsed text, written text, tree)."""
    return [
        CellCode("static", Location(cell=index, cell_id=cell_id, line=1), text, written, tree)
        for index, cell_id, text, written, tree in parsed
    ]


def dotted(node: ast.AST) -> str | None:
    """``a.b.c`` for a name or attribute chain, else None."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


class SourceIndex:
    """Questions about the notebook's code cells, answered from the :class:`CellCode` facts."""

    def __init__(self, store: FactStore) -> None:
        self.cells: dict[int, CellCode] = {
            c.cell: c for c in sorted(store.of(CellCode), key=lambda c: c.cell)
        }

    def cell(self, loc: Location | None) -> CellCode | None:
        if loc is None or loc.cell is None:
            return None
        code = self.cells.get(loc.cell)
        if code is None or (loc.cell_id and code.location.cell_id != loc.cell_id):
            return None
        return code

    def calls_at(self, loc: Location | None) -> list[tuple[CellCode, ast.Call]]:
        """The calls that start where a fact says something happened (outermost first)."""
        code = self.cell(loc)
        if code is None or loc is None or loc.line is None or loc.col is None:
            return []
        return [(code, c) for c in code.calls.get((loc.line, loc.col - 1), [])]

    def call_named(
        self, loc: Location | None, names: Iterable[str]
    ) -> tuple[CellCode, ast.Call] | None:
        """The call at ``loc`` whose function resolves to one of ``names`` (qualified or short)."""
        wanted = set(names)
        for code, call in self.calls_at(loc):
            qual = self.qualified(call.func)
            if qual is None:
                continue
            if qual in wanted or qual.rsplit(".", 1)[-1] in wanted:
                return code, call
        return None

    @cached_property
    def imports(self) -> dict[str, str]:
        """Local name -> qualified name, from every import in the notebook (later ones win)."""
        out: dict[str, str] = {}
        for code in self.cells.values():
            for node in ast.walk(code.tree):
                if isinstance(node, ast.Import):
                    for alias in node.names:
                        if alias.asname:
                            out[alias.asname] = alias.name
                        else:
                            root = alias.name.split(".")[0]
                            out[root] = root
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    for alias in node.names:
                        if alias.name != "*":
                            out[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        return out

    def qualified(self, func: ast.AST) -> str | None:
        """What a called name refers to: ``np.random.seed`` -> ``numpy.random.seed``."""
        name = dotted(func)
        if name is None:
            return None
        root, _, rest = name.partition(".")
        target = self.imports.get(root)
        if target is None:
            return name
        return f"{target}.{rest}" if rest else target

    def imported_as(self, qualname: str) -> str | None:
        """The local name bound to ``qualname`` by an import, if any."""
        module, _, short = qualname.rpartition(".")
        for local, target in self.imports.items():
            if target == qualname:
                return local
        for local, target in self.imports.items():
            if target == module:
                return f"{local}.{short}"
        return None

    # -- names ----------------------------------------------------------------------------------
    def names(self, name: str) -> Iterator[tuple[CellCode, ast.Name]]:
        """Every occurrence of ``name`` (read or bound), in notebook order."""
        for code in self.cells.values():
            found = [n for n in ast.walk(code.tree) if isinstance(n, ast.Name) and n.id == name]
            found.sort(key=lambda n: (n.lineno, n.col_offset))
            for n in found:
                yield code, n

    def other_uses(
        self, name: str, after: Position, exclude: Iterable[ast.AST] = ()
    ) -> list[tuple[CellCode, ast.Name]]:
        """Occurrences of ``name`` after a position, other than the nodes in ``exclude``."""
        skip = {id(n) for n in exclude}
        return [
            (code, n)
            for code, n in self.names(name)
            if code.position(n) > after and id(n) not in skip
        ]

    def bound_between(self, name: str, start: Position, end: Position) -> bool:
        """Whether ``name`` is (re)bound strictly between two positions."""
        for code, n in self.names(name):
            if isinstance(n.ctx, ast.Store | ast.Del) and start < code.position(n) < end:
                return True
        return False
