"""GitHub Actions workflow commands (``::error file=...::message``).

A notebook has no file lines GitHub could point at: ``line``/``col`` here are
the position within the cell, so the message always starts with ``cell N`` to
keep the annotation honest about where it is.
"""

from __future__ import annotations

from ml_lint_nb.findings import Finding, RunResult, Severity
from ml_lint_nb.render.json_format import ordered_files, ordered_findings
from ml_lint_nb.render.text import impact_line, printable

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """Escape a command's message (GitHub's ``escapeData``); other control characters
    (a terminal escape in a column name) are shown escaped, never sent to the log raw."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return printable(text)


def escape_property(text: str) -> str:
    """Escape a property value (GitHub's ``escapeProperty``): also ``:`` and ``,``."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _command(kind: str, properties: list[tuple[str, str]], message: str) -> str:
    props = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    head = f"::{kind} {props}" if props else f"::{kind}"
    return f"{head}::{escape_data(message)}"


def _finding_command(path: str | None, finding: Finding) -> str:
    loc = finding.location
    props: list[tuple[str, str]] = []
    if path is not None:
        props.append(("file", path))
    if loc.line is not None:
        props.append(("line", str(loc.line)))
        if loc.col is not None:
            props.append(("col", str(loc.col)))
    props.append(("title", f"{finding.code} {finding.name}"))
    message = finding.message
    if loc.cell is not None:
        message = f"cell {loc.cell}: {message}"
    if finding.impact is not None:
        message += f"\nImpact: {impact_line(finding.impact)}"
    if finding.fix:
        message += f"\nFix: {finding.fix}"
    return _command(_COMMAND[finding.severity], props, message)


def render_github(run: RunResult) -> str:
    """One workflow command per finding, plus an ``::error`` per file that could not be linted."""
    lines: list[str] = []
    for file in ordered_files(run):
        file_props = [("file", file.path)] if file.path is not None else []
        if file.error is not None:
            lines.append(_command("error", file_props, file.error))
        for finding in ordered_findings(file):
            lines.append(_finding_command(file.path, finding))
    return "".join(line + "\n" for line in lines)
