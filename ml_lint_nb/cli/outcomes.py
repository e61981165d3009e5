"""What a check says besides the findings: the fixes it made or would make, and the baseline.

Lines for stderr (the report on stdout stays a clean text, JSON or SARIF
document) and the ``--diff`` text; the CLI prints them.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from ml_lint_nb.cli.baseline import BaselineError, apply_baseline, keys_of, read_baseline
from ml_lint_nb.cli.baseline import write_baseline as _write_file
from ml_lint_nb.cli.fixing import FixOutcome, cell_diff
from ml_lint_nb.edits import UNSAFE

if TYPE_CHECKING:
    from ml_lint_nb.findings import FileResult

__all__ = ["BaselineError", "diff_text", "fix_summary", "record_baseline", "use_baseline"]


def _n(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else plural or word + 's'}"


def unsafe_left(linted: list[FileResult]) -> int:
    """Findings whose fix changes results (left for ``--unsafe-fixes``)."""
    return sum(
        1
        for r in linted
        for f in r.findings
        if f.fix_edit is not None and f.fix_edit.applicability == UNSAFE
    )


def fix_summary(
    linted: list[FileResult],
    outcomes: list[FixOutcome],
    unsafe: bool,
    *,
    quiet: bool = False,
    dry: bool = False,
) -> list[str]:
    """``fixed 5 findings in 3 notebooks; 2 more with --unsafe-fixes``, and any failure to write."""
    lines = [
        f"{r.path}: {o.error}" for r, o in zip(linted, outcomes, strict=True) if o.error is not None
    ]
    if quiet:
        return lines
    fixed = sum(len(o.fixed) for o in outcomes)
    files = sum(1 for o in outcomes if o.changed and o.error is None)
    left = 0 if unsafe else unsafe_left(linted)
    more = f"; {left} more with --unsafe-fixes (they change results)" if left else ""
    verb = "would fix" if dry else "fixed"
    lines.append(f"{verb} {_n(fixed, 'finding')} in {_n(files, 'notebook')}{more}.")
    return lines


def diff_text(displays: list[str], outcomes: list[FixOutcome]) -> str:
    return "".join(cell_diff(d, o) for d, o in zip(displays, outcomes, strict=True))


def record_baseline(file: str, results: list[tuple[str, FileResult]], version: str) -> str:
    """Write the baseline of this run's findings; the line that says so."""
    base = os.path.dirname(os.path.abspath(file))
    keyed = keys_of(results, base)
    try:
        _write_file(file, keyed, version)
    except OSError as exc:
        raise BaselineError(f"--write-baseline: {file}: {exc.strerror or exc}") from None
    return f"recorded {_n(len(keyed), 'finding')} of {_n(len(results), 'notebook')} in {file}."


def use_baseline(file: str, results: list[tuple[str, FileResult]]) -> str | None:
    """Drop the recorded findings from the results; a line on what was hidden or stale."""
    recorded = read_baseline(file)
    kept = apply_baseline(results, recorded, os.path.dirname(os.path.abspath(file)))
    parts = []
    if kept.matched:
        parts.append(f"{_n(kept.matched, 'finding')} recorded in {file} not shown")
    if kept.stale:
        parts.append(
            f"{_n(kept.stale, 'entry', 'entries')} of {file} no longer found "
            "(fixed or changed; refresh with --write-baseline)"
        )
    return "; ".join(parts) + "." if parts else None
