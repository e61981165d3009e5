"""The findings JSON document, version 1 (``findings-json.md``; 1.1 adds ``subject``).

This is the one machine-readable contract: the CLI's ``--format json``, the
public API and the kernel's MIME payload all serialise through
:func:`findings_document`, so the ordering and the summary are computed in one
place. The other renderers reuse :func:`ordered_files` and
:func:`ordered_findings` so that every format lists things in the same order.
"""

from __future__ import annotations

import json
import math
from typing import Any

from ml_lint_nb.findings import FileResult, Finding, RunResult, report_order

FORMAT_VERSION = 1
TOOL_NAME = "ml-lint-nb"


def ordered_files(run: RunResult) -> list[FileResult]:
    """Files by path, files without a path (live payloads) last; stable otherwise."""
    return sorted(run.files, key=lambda f: (f.path is None, f.path or ""))


def ordered_findings(file: FileResult) -> list[Finding]:
    """Errors, then warnings, then info; each group by (cell, line, col, code).

    Unknown positions sort after known ones within their group. Version 1.1
    of the contract: a reader sees the worst first in every format.
    """
    return report_order(file.findings)


def json_safe(value: Any) -> Any:
    """Coerce evidence ``data`` to strict JSON.

    Rules are told to put only small JSON-safe values there, but a numpy
    scalar or a NaN share slips through easily; one bad value must not make
    the whole report unreadable (``NaN`` is not JSON), so NaN/inf become
    ``null``, scalars with ``.item()`` are unwrapped, and anything else is
    stringified. No numpy import: duck typing keeps this module stdlib-only.
    """
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=repr) if isinstance(value, set | frozenset) else value
        return [json_safe(v) for v in items]
    item = getattr(value, "item", None)
    if callable(item):
        try:
            return json_safe(item())
        except (TypeError, ValueError):
            pass
    return str(value)


def _finding_json(finding: Finding) -> dict[str, Any]:
    doc = finding.to_json()
    for ev in doc["evidence"]:
        ev["data"] = json_safe(ev["data"])
    return doc


def _file_json(file: FileResult) -> dict[str, Any]:
    doc = file.to_json()
    doc["findings"] = [_finding_json(f) for f in ordered_findings(file)]
    doc["notes"] = [
        n.to_json() for n in sorted(file.notes, key=lambda n: (n.cell is None, n.cell or 0))
    ]
    return doc


def summary(run: RunResult) -> dict[str, Any]:
    """``summary``: file count, files that could not be linted, findings by severity."""
    return {"files": len(run.files), "errors": run.error_files, "findings": run.counts()}


def findings_document(run: RunResult, tool_version: str) -> dict[str, Any]:
    """The contract document as a plain dict (for the MIME bundle and the API)."""
    return {
        "version": FORMAT_VERSION,
        "tool": {"name": TOOL_NAME, "version": tool_version},
        "files": [_file_json(f) for f in ordered_files(run)],
        "not_evaluated": sorted(set(run.not_evaluated)),
        "summary": summary(run),
    }


def render_json(run: RunResult, tool_version: str) -> str:
    """Serialise the document deterministically (stable order, ``indent=2``, final newline)."""
    doc = findings_document(run, tool_version)
    return json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
