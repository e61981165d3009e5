"""The edit a fix makes: replacements of exact spans of cell sources.

A finding may carry a :class:`FixEdit` (``fix_edit`` in the JSON): the
smallest change of the notebook's cell sources that removes the problem,
with its applicability. ``safe`` fixes keep what the notebook computes
apart from what the rule is about (``stratify=``, ``random_state=``);
``unsafe`` ones change results (a transformer moved into a Pipeline, a
penalty set). The CLI applies them (``--fix``, ``--unsafe-fixes``,
``--diff``) and the JupyterLab extension offers them as an undoable edit.

Positions are 1-based lines within the cell's source and 1-based columns
counted in Unicode code points (SARIF's ``unicodeCodePoints``); the end is
exclusive. Every edit names the text it replaces (``original``, never
empty), so whoever applies it can check that the cell still holds that text
at that place and refuse otherwise: a saved payload is untrusted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

SAFE = "safe"
UNSAFE = "unsafe"
APPLICABILITIES = (SAFE, UNSAFE)

# Bounds on what a payload may ask for (the labextension applies the same ones).
MAX_EDITS = 64
MAX_EDIT_CHARS = 20_000


class EditError(ValueError):
    """An edit that does not fit the text it is applied to; the message says why."""


@dataclass(frozen=True)
class Edit:
    """Replace ``original`` at [line:col, end_line:end_col) of one cell with ``content``."""

    cell: int | None
    cell_id: str | None
    line: int
    col: int
    end_line: int
    end_col: int
    original: str
    content: str

    def to_json(self) -> dict[str, Any]:
        return {
            "cell": self.cell,
            "cell_id": self.cell_id,
            "line": self.line,
            "col": self.col,
            "end_line": self.end_line,
            "end_col": self.end_col,
            "original": self.original,
            "content": self.content,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Edit:
        """An edit from its JSON form; anything malformed raises :class:`EditError`."""
        if not isinstance(data, Mapping):
            raise EditError("an edit is not an object")
        cell = data.get("cell")
        cell_id = data.get("cell_id")
        if cell is not None and not _positive(cell):
            raise EditError("bad cell")
        if cell_id is not None and not isinstance(cell_id, str):
            raise EditError("bad cell_id")
        numbers = [data.get(k) for k in ("line", "col", "end_line", "end_col")]
        if not all(_positive(n) for n in numbers):
            raise EditError("bad position")
        original, content = data.get("original"), data.get("content")
        if not isinstance(original, str) or not isinstance(content, str):
            raise EditError("original and content must be strings")
        edit = cls(cell, cell_id, *numbers, original, content)  # type: ignore[arg-type]
        edit.check_shape()
        return edit

    def check_shape(self) -> None:
        """The edit is well formed on its own (the text it names fits its span)."""
        if not self.original:
            raise EditError("an edit must name the text it replaces")
        if len(self.original) > MAX_EDIT_CHARS or len(self.content) > MAX_EDIT_CHARS:
            raise EditError("edit too large")
        if (self.end_line, self.end_col) <= (self.line, self.col):
            raise EditError("empty or reversed span")
        if self.original.count("\n") != self.end_line - self.line:
            raise EditError("the original text does not span the edit's lines")

    def span(self) -> tuple[tuple[int, int], tuple[int, int]]:
        return (self.line, self.col), (self.end_line, self.end_col)

    def place(self) -> tuple[Any, ...]:
        """Which cell the edit is in: by id when it has one, else by position."""
        return ("id", self.cell_id) if self.cell_id else ("pos", self.cell)


def _positive(value: Any) -> bool:
    return type(value) is int and value >= 1


@dataclass(frozen=True)
class FixEdit:
    """A fix as edits: what it does in one line, how safe it is, and the edits."""

    applicability: str
    description: str
    edits: tuple[Edit, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "applicability": self.applicability,
            "description": self.description,
            "edits": [e.to_json() for e in self.edits],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FixEdit:
        if not isinstance(data, Mapping):
            raise EditError("fix_edit is not an object")
        applicability = data.get("applicability")
        if applicability not in APPLICABILITIES:
            raise EditError("bad applicability")
        description = data.get("description", "")
        edits = data.get("edits")
        if not isinstance(description, str) or not isinstance(edits, list):
            raise EditError("bad fix_edit")
        if not edits or len(edits) > MAX_EDITS:
            raise EditError("a fix needs between 1 and 64 edits")
        fix = cls(applicability, description, tuple(Edit.from_json(e) for e in edits))
        if overlapping(fix.edits):
            raise EditError("the edits of one fix overlap")
        return fix

    def cells(self) -> set[tuple[Any, ...]]:
        return {e.place() for e in self.edits}


def overlapping(edits: Sequence[Edit], others: Iterable[Edit] = ()) -> bool:
    """Whether two edits of one cell touch the same text (among ``edits``, or with ``others``)."""
    pool = list(others)
    for edit in edits:
        for other in pool:
            if other.place() != edit.place():
                continue
            (a0, a1), (b0, b1) = edit.span(), other.span()
            if a0 < b1 and b0 < a1:
                return True
        pool.append(edit)
    return False


# -- applying edits to a cell's text -----------------------------------------------------------


def split_lines(text: str) -> list[str]:
    """Lines with their ends, broken at ``\n`` only (as the parser and the cell editor count)."""
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def offset(lines: Sequence[str], line: int, col: int) -> int:
    """The character offset of 1-based ``line:col`` in the text split as ``lines`` (with ends)."""
    if line < 1 or line > len(lines) + 1:
        raise EditError(f"line {line} is outside the cell")
    if line == len(lines) + 1:
        if col != 1:
            raise EditError(f"column {col} is outside line {line}")
        return sum(len(x) for x in lines)
    if col < 1 or col > len(lines[line - 1]) + 1:
        raise EditError(f"column {col} is outside line {line}")
    return sum(len(x) for x in lines[: line - 1]) + col - 1


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """``text`` with the edits applied; an edit that does not match raises :class:`EditError`.

    The edits must belong to this text and must not overlap; they are
    applied from the end so that earlier positions stay valid.
    """
    ordered = sorted(edits, key=lambda e: e.span(), reverse=True)
    if overlapping(ordered):
        raise EditError("overlapping edits")
    lines = split_lines(text)
    out = text
    for edit in ordered:
        edit.check_shape()
        start = offset(lines, edit.line, edit.col)
        end = offset(lines, edit.end_line, edit.end_col)
        if out[start:end] != edit.original:
            raise EditError(
                f"the cell no longer holds {edit.original!r} at line {edit.line} column {edit.col}"
            )
        out = out[:start] + edit.content + out[end:]
    return out
