"""Terminal output in ruff's style: one greppable line per finding.

``path:cell N:line:col: CODE [severity] message`` keeps the location first so
editors and ``grep`` can jump to it; the fix and the related cells follow on
indented lines so a reader sees what to change without opening the docs.
"""

from __future__ import annotations

import re

from ml_lint_nb.findings import (
    FileResult,
    Finding,
    Impact,
    Location,
    RunResult,
    Severity,
    score_text,
)
from ml_lint_nb.render.json_format import ordered_files, ordered_findings

NO_PATH = "<notebook>"

_RESET = "\x1b[0m"
_BOLD = "\x1b[1m"
_SEVERITY_COLOR = {
    Severity.ERROR: "\x1b[31m",  # red
    Severity.WARNING: "\x1b[33m",  # yellow
    Severity.INFO: "\x1b[36m",  # cyan
}


def plural(count: int, word: str, plural_word: str | None = None) -> str:
    """``1 error``, ``2 errors``; shared with the HTML summary so both read alike."""
    if count == 1:
        return f"{count} {word}"
    return f"{count} {plural_word or word + 's'}"


def severity_counts(counts: dict[str, int], *, skip_zero: bool = False) -> str:
    """``1 error, 2 warnings, 0 info`` ("info" is uncountable, so never pluralised)."""
    parts = [
        plural(counts.get("error", 0), "error"),
        plural(counts.get("warning", 0), "warning"),
        f"{counts.get('info', 0)} info",
    ]
    if skip_zero:
        parts = [p for p in parts if not p.startswith("0 ")]
    return ", ".join(parts)


# Characters a terminal acts on instead of showing (ESC starts a colour or a
# cursor move, BEL rings, bidi overrides reorder the line) and lone
# surrogates (no encoding can write them): a column or file name holding
# them is shown escaped, ``\x1b[31m`` for ``ESC[31m``.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _escape_char(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with control characters, bidi overrides and lone surrogates escaped."""
    return _UNPRINTABLE.sub(_escape_char, text)


def one_line(text: str) -> str:
    """Fold line breaks so that each finding stays one greppable line; escape the unprintable."""
    if "\n" in text or "\r" in text:
        text = " ".join(text.splitlines())
    return printable(text)


def _cell_position(loc: Location) -> str:
    """``cell 4:2:5``, ``cell 4:2``, ``cell 4``; empty when the cell is unknown."""
    if loc.cell is None:
        return ""
    out = f"cell {loc.cell}"
    if loc.line is not None:
        out += f":{loc.line}"
        if loc.col is not None:
            out += f":{loc.col}"
    return out


def _related_position(loc: Location) -> str:
    if loc.cell is not None:
        return f"cell {loc.cell}" + (f":{loc.line}" if loc.line is not None else "")
    if loc.cell_id:
        return f"cell id {loc.cell_id}" + (f":{loc.line}" if loc.line is not None else "")
    return "unknown cell"


class _Style:
    """ANSI styling that is a no-op unless colour was asked for (no TTY sniffing here)."""

    def __init__(self, color: bool) -> None:
        self.color = color

    def bold(self, text: str) -> str:
        return f"{_BOLD}{text}{_RESET}" if self.color else text

    def severity(self, severity: Severity, text: str) -> str:
        return f"{_SEVERITY_COLOR[severity]}{text}{_RESET}" if self.color else text


def signed(value: float) -> str:
    """``+0.238``: a difference of scores, with its sign."""
    return ("+" if value >= 0 else "-") + score_text(abs(value))


def rows_text(impact: Impact) -> str:
    """Which evaluation rows the two scores are on, in words."""
    n, m = impact.n_leaky, impact.n_honest
    if impact.evaluation_rows == "same" and n is not None:
        return f"the same {n:,} rows"
    if impact.evaluation_rows == "subset" and n is not None and m is not None:
        return f"{m:,} of the {n:,} rows"
    if impact.evaluation_rows == "new" and m is not None:
        return f"{m:,} new rows for the honest score"
    return f"{impact.evaluation_rows} rows"


def difference_text(impact: Impact) -> str:
    """``+0.238, 90% interval +0.185 to +0.300``; ``no difference`` when the two agree exactly."""
    shown = [impact.difference, *(impact.interval or ())]
    if all(v is not None and abs(v) < 0.0005 for v in shown):
        return "no difference"  # at the precision a score is shown with
    parts = []
    if impact.difference is not None:
        parts.append(signed(impact.difference))
    if impact.interval is not None:
        lo, hi = impact.interval
        parts.append(f"{impact.confidence:.0%} interval {signed(lo)} to {signed(hi)}")
    return ", ".join(parts)


def impact_line(impact: Impact) -> str:
    """The impact in one line: both scores and the verdict, then the difference and its noise.

    ``ROC AUC 0.953 with 'retention_call', 0.715 without: material (+0.238,
    95% interval +0.185 to +0.300; the same 750 rows)``.
    """
    detail = difference_text(impact)
    rows = rows_text(impact)
    return f"{impact.text} ({detail}; {rows})" if detail else f"{impact.text} ({rows})"


def _finding_lines(path: str, finding: Finding, style: _Style, detail: bool) -> list[str]:
    where = _cell_position(finding.location)
    prefix = f"{path}:{where}: " if where else f"{path}: "
    sev = style.severity(finding.severity, f"[{finding.severity.value}]")
    lines = [f"{prefix}{style.bold(finding.code)} {sev} {one_line(finding.message)}"]
    if finding.impact is not None:
        lines.append(f"    impact: {one_line(impact_line(finding.impact))}")
    if detail:
        if finding.fix:
            lines.append(f"    fix: {one_line(finding.fix)}")
        if finding.fix_edit is not None:
            flag = "--fix" if finding.fix_edit.applicability == "safe" else "--unsafe-fixes"
            edit = one_line(finding.fix_edit.description)
            lines.append(f"    {flag}: {edit}")
        seen: set[str] = set()
        for rel in finding.related:  # two places on one line (two calls) read as one
            line = f"    see: {_related_position(rel.location)} ({one_line(rel.role)})"
            if line not in seen:
                seen.add(line)
                lines.append(line)
    return lines


def _file_lines(file: FileResult, style: _Style, *, quiet: bool, show_fix: bool) -> list[str]:
    path = printable(file.path) if file.path is not None else NO_PATH
    lines: list[str] = []
    if file.error is not None:
        error = style.severity(Severity.ERROR, "error")
        lines.append(f"{path}: {error}: {one_line(file.error)}")
    if file.skipped is not None and not quiet:
        lines.append(f"{path}: skipped: {one_line(file.skipped)}")
    for finding in ordered_findings(file):
        lines.extend(_finding_lines(path, finding, style, detail=show_fix and not quiet))
    if not quiet:
        for note in sorted(file.notes, key=lambda n: (n.cell is None, n.cell or 0)):
            where = f"{path}:cell {note.cell}" if note.cell is not None else path
            lines.append(f"{where}: note: {one_line(note.message)}")
    return lines


def _summary_lines(run: RunResult) -> list[str]:
    counts = run.counts()
    total = sum(counts.values())
    linted = [f for f in run.files if f.error is None and f.skipped is None]
    with_findings = sum(1 for f in linted if f.findings)
    skipped = sum(1 for f in run.files if f.skipped is not None)
    lines: list[str] = []
    if total:
        lines.append(
            f"Found {plural(total, 'finding')} ({severity_counts(counts)}) "
            f"in {with_findings} of {plural(len(linted), 'notebook')}."
        )
    elif run.error_files:
        lines.append(f"No findings in {plural(len(linted), 'notebook')}.")
    else:
        lines.append(f"All checks passed: {plural(len(linted), 'notebook')}, no findings.")
    fixable = _fixable(run)
    if fixable:
        lines.append(fixable)
    if run.error_files:
        lines.append(f"{plural(run.error_files, 'notebook')} could not be linted.")
    if skipped:
        lines.append(f"{plural(skipped, 'notebook')} skipped.")
    if run.not_evaluated:
        codes = ", ".join(sorted(set(run.not_evaluated)))
        if all(f.mode == "static" for f in run.files):
            lines.append(f"Not evaluated in static mode (need a kernel, see --execute): {codes}")
        else:
            lines.append(f"Not evaluated in this mode: {codes}")
    return lines


def _fixable(run: RunResult) -> str:
    """``2 fixable with --fix; 5 more with --unsafe-fixes (they change results).``"""
    kinds = [f.fix_edit.applicability for file in run.files for f in file.findings if f.fix_edit]
    safe, unsafe = kinds.count("safe"), kinds.count("unsafe")
    parts = []
    if safe:
        parts.append(f"{safe} fixable with --fix")
    if unsafe:
        more = " more" if safe else ""
        parts.append(f"{unsafe}{more} with --unsafe-fixes (they change results)")
    return "; ".join(parts) + ("." if parts else "")


def render_text(
    run: RunResult, *, color: bool = False, quiet: bool = False, show_fix: bool = True
) -> str:
    """Render a run for a terminal.

    ``quiet`` keeps only what a script or a pre-commit hook needs to act on
    (finding lines and file errors); ``color`` adds ANSI codes and is left to
    the caller to decide (TTY, ``NO_COLOR``), which keeps this function pure.
    """
    style = _Style(color)
    lines: list[str] = []
    for file in ordered_files(run):
        lines.extend(_file_lines(file, style, quiet=quiet, show_fix=show_fix))
    if not quiet:
        if lines:
            lines.append("")
        lines.extend(_summary_lines(run))
    return "".join(line + "\n" for line in lines)
