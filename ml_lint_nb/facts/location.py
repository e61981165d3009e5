"""Where something is in a notebook, and notes about places that are not findings.

The facts layer records locations for every event it extracts; findings and
renderers read them. Defined here, below both, so that extracting facts
never imports the output layer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Location:
    """Where something is in a notebook.

    ``cell`` is the 1-based position among all cells (markdown and raw
    counted); ``line``/``col`` are 1-based within the cell's source.
    """

    cell: int | None = None
    cell_id: str | None = None
    line: int | None = None
    col: int | None = None
    execution_count: int | None = None

    def sort_key(self) -> tuple[int, int, int, int]:
        """Notebook order: cell position, else (live) execution order; then line, column."""
        big = 1 << 30
        return (
            self.cell if self.cell is not None else big,
            self.execution_count if self.execution_count is not None else 0,
            self.line if self.line is not None else big,
            self.col if self.col is not None else big,
        )


def same_cell(a: Location, b: Location) -> bool:
    """Two locations in the same cell (by id when both have one, else by position)."""
    if a.cell_id and b.cell_id:
        return a.cell_id == b.cell_id
    return a.cell is not None and a.cell == b.cell


@dataclass(frozen=True)
class Note:
    """Something the user should know that is not a finding (a skipped cell, ...).

    A kernel's note about a finding it showed before (``still-present``, or
    ``fixed`` when a re-run of its cell no longer produces it) names that
    finding by ``code`` and ``subject``, so a front end can match it to the
    same finding read from the saved file.
    """

    message: str
    cell: int | None = None
    code: str | None = None
    subject: tuple[str, ...] = ()
    status: str | None = None  # "still-present" | "fixed"

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"cell": self.cell, "message": self.message}
        if self.code is not None:
            out.update(code=self.code, subject=list(self.subject), status=self.status)
        return out
