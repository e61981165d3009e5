"""SARIF 2.1.0 for code-scanning services (GitHub code scanning and others).

Notebooks do not map cleanly onto SARIF's file/line model: a finding's line
is a line within a cell, not a line of the ``.ipynb`` JSON. We keep
``region.startLine`` as the line within the cell (the only line that means
anything to the author), prefix the message with ``cell N``, and carry
``cell``/``cell_id``/``execution_count`` in property bags so tools that know
notebooks can map it back exactly.

Fingerprints (``partialFingerprints["mlLintNb/v1"]``) decide whether a
code-scanning alert survives an edit, so they avoid positions:

* With a notebook cell id: sha256 of (code, path, cell id, subject). Editing,
  inserting or moving other cells, or lines inside the cell, keeps the
  fingerprint; rewording a rule's message keeps it too.
* Without a cell id (old nbformat files): sha256 of (code, path, subject,
  message with digits removed). Cell positions shift whenever a cell is
  inserted above, so they are left out; the message stands in for "which
  cell". The trade-off: a finding whose message wording changes (a rule
  upgrade, or a changed name in the message) gets a new fingerprint, and two
  findings with the same code, subject and digit-free message in different
  cells are told apart only by occurrence order.

Identical fingerprints within one file get an occurrence suffix (``:1``,
``:2``, in finding order), as GitHub does for its own line hashes, so two
results never share one.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ml_lint_nb.findings import FileResult, Finding, Location, RunResult, Severity
from ml_lint_nb.render.json_format import TOOL_NAME, json_safe, ordered_files, ordered_findings

if TYPE_CHECKING:
    from ml_lint_nb.rules.base import Rule

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
INFORMATION_URI = "https://github.com/ml-lint-nb/ml-lint-nb"
# SARIF requires helpUri to be an absolute URI; the rule docs live in the repository.
DOCS_BASE = INFORMATION_URI + "/blob/main/"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "mlLintNb/v1"

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_UNDERLINE = re.compile(r"^\s*[-=~]{3,}\s*$")
_HEADING = re.compile(r"^\s*#+\s")


def first_paragraph(rule: type[Rule]) -> str:
    """The rule's own docstring's first prose paragraph, or its summary.

    Only the class's own ``__doc__`` counts: ``inspect.getdoc`` would inherit
    the base class's docstring for an undocumented rule. Section headings
    (``# What it does``, or a numpydoc-style underlined title) are skipped so
    the description starts with the sentence under them.
    """
    doc = rule.__dict__.get("__doc__")
    if not doc:
        return rule.summary
    lines = inspect.cleandoc(doc).splitlines()
    paragraphs: list[list[str]] = [[]]
    for i, line in enumerate(lines):
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if _HEADING.match(line) or _UNDERLINE.match(line) or _UNDERLINE.match(nxt):
            paragraphs.append([])
        elif line.strip():
            paragraphs[-1].append(line.strip())
        else:
            paragraphs.append([])
    for para in paragraphs:
        if para:
            return " ".join(para)
    return rule.summary


def _rule_descriptor(rule: type[Rule], docs_base: str) -> dict[str, Any]:
    from ml_lint_nb.rules.fixes import applicability

    docs = f"docs/rules/{rule.code}.md"
    fix = applicability(rule.code)
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": first_paragraph(rule)},
        "help": {"text": f"Fix: {rule.fix}"},
        "helpUri": docs_base + docs,
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        "properties": {
            "pitfalls": list(rule.pitfalls),
            "detect": sorted(rule.detect),
            "docs": docs,
            **({"fix_applicability": fix} if fix else {}),
        },
    }


def artifact_uri(path: str) -> str:
    """A relative URI reference: forward slashes, no ``./``, unsafe characters escaped."""
    uri = path.replace("\\", "/")
    while uri.startswith("./"):
        uri = uri[2:]
    # A non-UTF-8 file name arrives decoded with ``surrogateescape``: its
    # original bytes are percent-encoded, as a URI spells any byte.
    try:
        raw = uri.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that is no escaped byte: keep its code point
        raw = uri.encode("utf-8", "surrogatepass")
    return quote(raw, safe="/")


def _utf8(text: str) -> bytes:
    """Bytes to hash for any string a notebook can hold (lone surrogates included)."""
    return text.encode("utf-8", "surrogatepass")


def _cell_properties(loc: Location) -> dict[str, Any]:
    return {"cell": loc.cell, "cell_id": loc.cell_id, "execution_count": loc.execution_count}


def _location(path: str | None, loc: Location) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if path is not None:
        physical: dict[str, Any] = {
            "artifactLocation": {"uri": artifact_uri(path), "uriBaseId": SRCROOT}
        }
        if loc.line is not None:
            region: dict[str, Any] = {"startLine": loc.line}
            if loc.col is not None:
                region["startColumn"] = loc.col
            physical["region"] = region
        out["physicalLocation"] = physical
    out["properties"] = _cell_properties(loc)
    return out


def _fingerprint_base(path: str | None, finding: Finding) -> str:
    subject = ",".join(finding.subject)
    parts = [finding.code, artifact_uri(path) if path is not None else ""]
    if finding.location.cell_id:
        parts += ["id", finding.location.cell_id, subject]
    else:
        message = re.sub(r"\d+", "", finding.message)
        parts += ["msg", subject, hashlib.sha256(_utf8(message)).hexdigest()]
    return hashlib.sha256(_utf8("\0".join(parts))).hexdigest()


def _result(
    path: str | None, finding: Finding, fingerprint: str, rule_index: dict[str, int]
) -> dict[str, Any]:
    loc = finding.location
    text = finding.message if loc.cell is None else f"cell {loc.cell}: {finding.message}"
    result: dict[str, Any] = {"ruleId": finding.code}
    if finding.code in rule_index:
        result["ruleIndex"] = rule_index[finding.code]
    result["level"] = _LEVEL[finding.severity]
    result["message"] = {"text": text}
    result["locations"] = [_location(path, loc)]
    related = _related_locations(path, finding)
    if related:
        result["relatedLocations"] = related
    if finding.fix_edit is not None and path is not None:
        result["fixes"] = [_fix(path, finding)]
    result["partialFingerprints"] = {FINGERPRINT_KEY: fingerprint}
    result["properties"] = {
        **_cell_properties(loc),
        "name": finding.name,
        "sources": list(finding.sources),
        "subject": list(finding.subject),
        "fix": finding.fix,
        "pitfalls": list(finding.pitfalls),
        "evidence": [json_safe(e.to_json()) for e in finding.evidence],
    }
    if finding.impact is not None:  # measured on request (check --execute --impact)
        result["properties"]["impact"] = json_safe(finding.impact.to_json())
    return result


def _fix(path: str, finding: Finding) -> dict[str, Any]:
    """The finding's fix as SARIF: one artifact change per edited cell.

    Regions count lines within the cell, as every location of this log
    does; the change's property bag names the cell, so a tool that knows
    notebooks applies it to the right one.
    """
    fix = finding.fix_edit
    assert fix is not None
    changes: dict[tuple[Any, ...], dict[str, Any]] = {}
    for edit in fix.edits:
        change = changes.setdefault(
            edit.place(),
            {
                "artifactLocation": {"uri": artifact_uri(path), "uriBaseId": SRCROOT},
                "replacements": [],
                "properties": {"cell": edit.cell, "cell_id": edit.cell_id},
            },
        )
        change["replacements"].append(
            {
                "deletedRegion": {
                    "startLine": edit.line,
                    "startColumn": edit.col,
                    "endLine": edit.end_line,
                    "endColumn": edit.end_col,
                },
                "insertedContent": {"text": edit.content},
            }
        )
    return {
        "description": {"text": fix.description},
        "artifactChanges": list(changes.values()),
        "properties": {"applicability": fix.applicability},
    }


def _related_locations(path: str | None, finding: Finding) -> list[dict[str, Any]]:
    """Each distinct related location once: SARIF requires ``relatedLocations`` items unique.

    Two related entries can coincide once rendered (ML205's evaluations of
    several configurations in one cell), and the schema's ``uniqueItems``
    then rejects the whole log.
    """
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for rel in finding.related:
        entry = {**_location(path, rel.location), "message": {"text": rel.role}}
        entry["properties"]["role"] = rel.role
        key = json.dumps(entry, sort_keys=True, default=str)
        if key not in seen:
            seen.add(key)
            out.append(entry)
    return out


def _file_results(file: FileResult, rule_index: dict[str, int]) -> list[dict[str, Any]]:
    seen: dict[str, int] = {}
    results = []
    for finding in ordered_findings(file):
        base = _fingerprint_base(file.path, finding)
        seen[base] = seen.get(base, 0) + 1
        fingerprint = f"{base}:{seen[base]}"
        results.append(_result(file.path, finding, fingerprint, rule_index))
    return results


def _notifications(file: FileResult) -> list[dict[str, Any]]:
    """File errors (level error), skips and notes (level note) for ``invocations[0]``."""
    items: list[tuple[str, str, Location]] = []
    if file.error is not None:
        items.append(("error", file.error, Location()))
    if file.skipped is not None:
        items.append(("note", f"skipped: {file.skipped}", Location()))
    for note in file.notes:
        items.append(("note", note.message, Location(cell=note.cell)))
    out = []
    for level, text, loc in items:
        notification: dict[str, Any] = {"level": level, "message": {"text": text}}
        if file.path is not None:
            notification["locations"] = [_location(file.path, loc)]
        out.append(notification)
    return out


def sarif_log(
    run: RunResult,
    rules: Sequence[type[Rule]],
    tool_version: str,
    *,
    docs_base: str = DOCS_BASE,
) -> dict[str, Any]:
    """The SARIF log as a dict (one run, the whole rule table as the driver's rules)."""
    rule_index = {rule.code: i for i, rule in enumerate(rules)}
    results: list[dict[str, Any]] = []
    notifications: list[dict[str, Any]] = []
    for file in ordered_files(run):
        results.extend(_file_results(file, rule_index))
        notifications.extend(_notifications(file))
    invocation: dict[str, Any] = {"executionSuccessful": run.error_files == 0}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    sarif_run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": TOOL_NAME,
                "version": tool_version,
                "informationUri": INFORMATION_URI,
                "rules": [_rule_descriptor(rule, docs_base) for rule in rules],
            }
        },
        "invocations": [invocation],
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    if run.not_evaluated:
        sarif_run["properties"] = {"notEvaluated": sorted(set(run.not_evaluated))}
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [sarif_run]}


def render_sarif(
    run: RunResult,
    rules: Sequence[type[Rule]],
    tool_version: str,
    *,
    docs_base: str = DOCS_BASE,
) -> str:
    """Serialise :func:`sarif_log` (``indent=2``, final newline)."""
    log = sarif_log(run, rules, tool_version, docs_base=docs_base)
    return json.dumps(log, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
