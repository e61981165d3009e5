"""Suppressions: what the user silenced inside the notebook itself.

Three scopes, narrowest first:

- ``# noqa`` / ``# noqa: ML203, leakage-name, ML5`` on the line of a
  finding's primary location (the line whose code must change);
- ``# ml-lint-nb: disable=ML203,ML5`` (or ``disable=all``) as the first
  comment line of a cell, for that cell only;
- notebook metadata ``{"ml_lint_nb": {"ignore": [...]}}`` for the notebook.

Selectors are codes, names or prefixes. Unknown ones are ignored silently,
as ruff does: a stale ``noqa`` for a renamed rule must not break a CI run.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ml_lint_nb.facts.static.source import Cell, NotebookSource
from ml_lint_nb.findings import Finding

_SELECTOR_LIST = r"[A-Za-z0-9_-]+(?:[ \t]*,[ \t]*[A-Za-z0-9_-]+|[ \t]+[A-Za-z0-9_-]+)*"
_NOQA = re.compile(rf"#[ \t]*noqa(?![\w-])(?:[ \t]*:[ \t]*(?P<codes>{_SELECTOR_LIST}))?", re.I)
_DISABLE = re.compile(
    rf"^[ \t]*#[ \t]*ml[-_]lint[-_]nb[ \t]*:[ \t]*disable[ \t]*=[ \t]*(?P<codes>{_SELECTOR_LIST})",
    re.I,
)


def _codes(selectors: Iterable[str]) -> frozenset[str]:
    """Codes named by ``selectors``; unknown selectors contribute nothing."""
    from ml_lint_nb.rules.registry import UnknownSelector, resolve_selector

    out: set[str] = set()
    for selector in selectors:
        try:
            out |= resolve_selector(selector)
        except UnknownSelector:
            continue
    return frozenset(out)


def _split(text: str) -> list[str]:
    return [s for s in re.split(r"[\s,]+", text) if s]


def parse_noqa(line: str) -> frozenset[str] | None:
    """The codes a ``# noqa`` comment on ``line`` suppresses, or ``None`` without one.

    A bare ``# noqa`` suppresses every rule, so it returns every code; a
    ``# noqa:`` naming only unknown selectors returns an empty set.
    """
    if "#" not in line:
        return None
    match = _NOQA.search(line)
    if match is None:
        return None
    codes = match.group("codes")
    return _codes(["ALL"]) if codes is None else _codes(_split(codes))


def parse_cell_disable(source: str) -> frozenset[str]:
    """Codes disabled for a whole cell by its first comment line.

    Only the first line that starts with ``#`` counts, so the directive reads
    as the cell's header and a commented-out line further down cannot
    silence a cell by accident.
    """
    for line in source.splitlines():
        if line.lstrip().startswith("#"):
            match = _DISABLE.match(line)
            return _codes(_split(match.group("codes"))) if match else frozenset()
    return frozenset()


def _cell(nb: NotebookSource, finding: Finding) -> Cell | None:
    loc = finding.location
    if loc.cell is not None and 1 <= loc.cell <= len(nb.cells):
        cell = nb.cells[loc.cell - 1]
        if cell.index == loc.cell:
            return cell
    for cell in nb.cells:
        if (loc.cell is not None and cell.index == loc.cell) or (
            loc.cell is None and loc.cell_id is not None and cell.cell_id == loc.cell_id
        ):
            return cell
    return None


def _line(cell: Cell, line: int | None) -> str | None:
    if line is None or line < 1:
        return None
    lines = cell.source.splitlines()
    return lines[line - 1] if line <= len(lines) else None


def filter_suppressed(findings: list[Finding], nb: NotebookSource) -> list[Finding]:
    """``findings`` without those the notebook's comments or metadata silence."""
    if not findings:
        return findings
    notebook_ignored = _codes(nb.ignored_codes)
    disabled_by_cell: dict[int, frozenset[str]] = {}
    kept: list[Finding] = []
    for finding in findings:
        if finding.code in notebook_ignored:
            continue
        cell = _cell(nb, finding)
        if cell is not None:
            disabled = disabled_by_cell.get(cell.index)
            if disabled is None:
                disabled = disabled_by_cell[cell.index] = parse_cell_disable(cell.source)
            if finding.code in disabled:
                continue
            line = _line(cell, finding.location.line)
            noqa = parse_noqa(line) if line is not None else None
            if noqa is not None and finding.code in noqa:
                continue
        kept.append(finding)
    return kept
