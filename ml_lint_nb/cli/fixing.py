"""``check --fix``, ``--unsafe-fixes`` and ``--diff``: apply the findings' fixes to notebooks.

Like ruff, fixing is a loop: lint, apply every fix that does not touch text
another fix of the same pass touches, lint the result again, until nothing
applicable is left (at most :data:`MAX_PASSES` times). Two fixes that edit
the same span (``stratify=`` and ``random_state=`` after one argument) are
applied in two passes, each against the text the previous one left. A fix
whose text no longer matches is skipped, never forced.

Only the ``source`` of edited cells changes in the file
(:mod:`ml_lint_nb.cli.notebook_json`); ``--diff`` prints a unified diff per
changed cell and writes nothing.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ml_lint_nb.edits import SAFE, Edit, EditError, apply_edits, overlapping

if TYPE_CHECKING:
    from ml_lint_nb.config import Config
    from ml_lint_nb.findings import FileResult, Finding

MAX_PASSES = 10


@dataclass(frozen=True)
class FixOptions:
    unsafe: bool  # also apply fixes that change results
    write: bool  # write the fixed notebooks (False: --diff)


@dataclass
class FixOutcome:
    """What fixing one notebook did: the fixes applied and the cells' sources before and after."""

    fixed: list[str] = field(default_factory=list)  # "ML208 cell 14: Pass stratify=y ..."
    before: dict[int, str] = field(default_factory=dict)
    after: dict[int, str] = field(default_factory=dict)
    error: str | None = None

    @property
    def changed(self) -> bool:
        return any(self.before[c] != self.after[c] for c in self.after)


def wanted(finding: Finding, options: FixOptions) -> bool:
    fix = finding.fix_edit
    return fix is not None and (fix.applicability == SAFE or options.unsafe)


def _cell_key(edit: Edit, ids: dict[str, int]) -> int | None:
    """The cell an edit is in: by id when the notebook has it, else by position."""
    if edit.cell_id:
        return ids.get(edit.cell_id)
    return edit.cell


def fix_file(
    path: str, config: Config, display: str, options: FixOptions
) -> tuple[FileResult, FixOutcome]:
    """Fix one notebook: the findings left afterwards and what was changed.

    The file is written once, at the end, and only when something changed
    and ``options.write``; an unreadable file is its result's error, as in
    a plain check.
    """
    from ml_lint_nb.cli.notebook_json import NotebookWriteError, replace_sources
    from ml_lint_nb.engine import lint_source
    from ml_lint_nb.facts.static.notebook import parse_notebook, read_regular_file
    from ml_lint_nb.facts.static.source import NotebookError
    from ml_lint_nb.findings import FileResult

    outcome = FixOutcome()
    try:
        data = read_regular_file(path)
        nb = parse_notebook(data, display)
    except NotebookError as exc:
        return FileResult(path=display, error=str(exc)), outcome
    result = lint_source(nb, config)
    if nb.nbformat != 4 or not any(wanted(f, options) for f in result.findings):
        return result, outcome
    bom = data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    original = {c.index: c.source for c in nb.cells}
    sources = dict(original)
    ids = {c.cell_id: c.index for c in nb.cells if c.cell_id}
    new_text = text
    for _ in range(MAX_PASSES):
        chosen: list[Edit] = []
        applied: list[Finding] = []
        for finding in sorted(result.findings, key=lambda f: f.location.sort_key()):
            if not wanted(finding, options):
                continue
            edits = finding.fix_edit.edits  # type: ignore[union-attr]
            if overlapping(edits, chosen):
                continue  # the next pass applies it to the text this one leaves
            trial = dict(sources)
            try:
                for cell in {_cell_key(e, ids) for e in edits}:
                    if cell is None or cell not in trial:
                        raise EditError("the cell is not in the notebook")
                    mine = [e for e in [*chosen, *edits] if _cell_key(e, ids) == cell]
                    trial[cell] = apply_edits(sources[cell], mine)
            except EditError:
                continue
            chosen.extend(edits)
            applied.append(finding)
        if not applied:
            break
        touched = {_cell_key(e, ids) for e in chosen}
        for cell in touched:
            assert cell is not None
            sources[cell] = apply_edits(
                sources[cell], [e for e in chosen if _cell_key(e, ids) == cell]
            )
        outcome.fixed.extend(_describe(f) for f in applied)
        try:
            new_text = replace_sources(text, {c: s for c, s in sources.items() if s != original[c]})
            nb = parse_notebook(new_text, display)
        except (NotebookWriteError, NotebookError, ValueError) as exc:
            outcome.error = f"fixes not applied: {exc}"
            outcome.fixed.clear()
            return lint_source(parse_notebook(data, display), config), outcome
        result = lint_source(nb, config)
    changed = {c for c, s in sources.items() if s != original[c]}
    outcome.before = {c: original[c] for c in changed}
    outcome.after = {c: sources[c] for c in changed}
    if changed and options.write:
        try:
            with open(path, "wb") as fh:
                fh.write(
                    (b"\xef\xbb\xbf" if bom else b"") + new_text.encode("utf-8", "surrogatepass")
                )
        except OSError as exc:
            outcome.error = f"cannot write the fixes: {exc.strerror or exc}"
    return result, outcome


def _describe(finding: Finding) -> str:
    fix = finding.fix_edit
    where = f"cell {finding.location.cell}" if finding.location.cell else "cell ?"
    return f"{finding.code} {where}: {fix.description if fix else finding.fix}"


def cell_diff(display: str, outcome: FixOutcome) -> str:
    """A unified diff of each changed cell, ``--- a/PATH:cell N`` / ``+++ b/PATH:cell N``."""
    out: list[str] = []
    for cell in sorted(outcome.after):
        before = [line.rstrip("\r\n") + "\n" for line in outcome.before[cell].splitlines()]
        after = [line.rstrip("\r\n") + "\n" for line in outcome.after[cell].splitlines()]
        out.extend(
            difflib.unified_diff(
                before, after, f"a/{display}:cell {cell}", f"b/{display}:cell {cell}"
            )
        )
    return "".join(out)
