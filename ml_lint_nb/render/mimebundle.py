"""The display bundle the kernel publishes under a cell with new findings.

One output carries three representations so that every front end shows
something useful and none shows a blank: the findings JSON under our own
MIME type (for the labextension and for tools reading a saved notebook), the
self-contained collapsible HTML of :mod:`ml_lint_nb.render.html` (JupyterLab,
Notebook 7, VS Code, nbconvert) and short plain text (terminal IPython, and
any front end that knows neither).

It deliberately holds no widget view: nbconvert prefers
``application/vnd.jupyter.widget-view+json`` over ``text/html`` and shows an
empty widget placeholder offline, so in widgets mode the accordion
(:mod:`ml_lint_nb.render.widget`) is a separate output *beside* this bundle,
which is published in every mode.

The ``metadata`` marks the output as ours, so the static linter skips it
when it later reads the saved notebook.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ml_lint_nb.findings import FileResult, Finding, Note, RunResult, report_order
from ml_lint_nb.protocol import FINDINGS_MIME_TYPE, METADATA_KEY
from ml_lint_nb.render.html import count_summary, render_html, still_present_text
from ml_lint_nb.render.json_format import findings_document
from ml_lint_nb.render.text import impact_line, one_line

MIME_TYPE = FINDINGS_MIME_TYPE
METADATA_VERSION = 1
LIVE_MODE = "live"
SUMMARY_LABEL = "ml-lint-nb"


def output_metadata() -> dict[str, Any]:
    """``{"ml_lint_nb": {"version": 1}}``: how the static linter recognises our outputs."""
    return {METADATA_KEY: {"version": METADATA_VERSION}}


def _notes(still_present: Sequence[Finding], notes: Sequence[str | Note]) -> list[Note]:
    """Still-present findings become notes: the contract has no "already shown" flag.

    The document's ``findings`` are what this output reports in full; a
    finding the session showed earlier is a thing to know, not a new finding.
    """
    out = [
        Note(
            f"{f.code} {f.name} still present",
            cell=f.location.cell,
            code=f.code,
            subject=f.subject,
            status="still-present",
        )
        for f in report_order(still_present)
    ]
    out.extend(n if isinstance(n, Note) else Note(str(n)) for n in notes)
    return out


def live_document(
    findings: Sequence[Finding],
    *,
    notebook: str | None,
    still_present: Sequence[Finding] = (),
    notes: Sequence[str | Note] = (),
    tool_version: str,
) -> dict[str, Any]:
    """The findings-json document with one file entry in ``"live"`` mode."""
    file = FileResult(
        path=notebook,
        mode=LIVE_MODE,
        findings=list(findings),
        notes=_notes(still_present, notes),
    )
    return findings_document(RunResult(files=[file]), tool_version)


def _note_text(note: str | Note) -> str:
    return note.message if isinstance(note, Note) else str(note)


def summary_line(
    findings: Sequence[Finding], still_present: Sequence[Finding] = (), title: str | None = None
) -> str:
    """The collapsed line: ``ml-lint-nb: 1 error, 2 warnings`` or ``ml-lint-nb: ML203 still present (cell 4)``."""
    label = SUMMARY_LABEL if title is None else f"{SUMMARY_LABEL} — {one_line(title)}"
    if not findings and still_present:
        return f"{label}: {still_present_text(still_present)}"
    return f"{label}: {count_summary(findings)}"


def render_plain(
    findings: Sequence[Finding],
    *,
    still_present: Sequence[Finding] = (),
    notes: Sequence[str | Note] = (),
    title: str | None = None,
) -> str:
    """Short text for terminal IPython: summary, ``CODE [severity] message``, indented fix.

    Each finding stays on one line (messages are folded) so the output is as
    greppable as the CLI's; the evidence table is left to the rich views. A
    measured impact follows its finding: both scores and the verdict.
    """
    ordered = report_order(findings)
    only_notes = not ordered and not still_present and bool(notes)
    lines = [SUMMARY_LABEL if only_notes else summary_line(ordered, still_present, title)]
    for f in ordered:
        lines.append(f"{f.code} [{f.severity.value}] {one_line(f.message)}")
        if f.impact is not None:
            lines.append(f"    impact: {one_line(impact_line(f.impact))}")
        if f.fix:
            lines.append(f"    fix: {one_line(f.fix)}")
    if ordered and still_present:
        lines.append(still_present_text(still_present))
    lines.extend(f"note: {one_line(_note_text(n))}" for n in notes)
    return "\n".join(lines)


def findings_bundle(
    findings: Sequence[Finding],
    *,
    notebook: str | None,
    still_present: Sequence[Finding] = (),
    notes: Sequence[str | Note] = (),
    tool_version: str,
    title: str | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(data, metadata)`` for ``publish_display_data`` / ``display(data, raw=True, metadata=...)``.

    ``findings`` are shown in full; ``still_present`` (already shown earlier
    in the session) as one line; ``notes`` (sampling, an internal error) as
    small muted lines. ``notebook`` becomes the file entry's ``path``.
    """
    note_texts = [_note_text(n) for n in notes]
    data = {
        MIME_TYPE: live_document(
            findings,
            notebook=notebook,
            still_present=still_present,
            notes=notes,
            tool_version=tool_version,
        ),
        "text/html": render_html(
            findings, still_present=still_present, notes=note_texts, title=title
        ),
        "text/plain": render_plain(findings, still_present=still_present, notes=notes, title=title),
    }
    return data, output_metadata()
