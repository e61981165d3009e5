"""A notebook as the static extractor sees it: cells with Python-parsable source.

Produced by :mod:`ml_lint_nb.facts.static.notebook`; consumed by the
extractor, the suppressions and the ML502 order facts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ml_lint_nb.protocol import METADATA_KEY


@dataclass(frozen=True)
class Cell:
    index: int  # 1-based position among all cells (markdown and raw counted)
    cell_id: str | None  # the notebook's own id, never minted by us
    cell_type: str  # "code" | "markdown" | "raw"
    source: str  # as written by the user
    # The source with IPython syntax neutralised, same number of lines, so
    # line numbers map 1:1; None when the cell is not Python (``%%bash``...).
    python: str | None = None
    skip_reason: str | None = None
    execution_count: int | None = None
    # text/plain (or text/html as plain text) of saved outputs, findings
    # outputs of an earlier ml-lint-nb session excluded.
    outputs_text: tuple[str, ...] = ()


@dataclass(frozen=True)
class NotebookSource:
    path: str | None
    cells: tuple[Cell, ...]
    language: str | None = None  # kernel language from metadata; None if absent
    nbformat: int = 4
    metadata: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @property
    def code_cells(self) -> tuple[Cell, ...]:
        return tuple(c for c in self.cells if c.cell_type == "code")

    @property
    def ignored_codes(self) -> tuple[str, ...]:
        """Selectors from notebook metadata ``{"ml_lint_nb": {"ignore": [...]}}``."""
        meta = self.metadata.get(METADATA_KEY) if isinstance(self.metadata, dict) else None
        if not isinstance(meta, dict):
            return ()
        ignore = meta.get("ignore", [])
        if isinstance(ignore, str):
            ignore = [ignore]
        if not isinstance(ignore, list | tuple):  # null, a number, a table: ignores nothing
            return ()
        return tuple(str(x) for x in ignore if isinstance(x, str) or type(x) is int)


class NotebookError(Exception):
    """The file could not be read as a notebook at all; the message says why."""
