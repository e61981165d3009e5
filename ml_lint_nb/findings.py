"""The finding: what every front end shows and what the JSON contract carries.

A finding is the one currency between the engine and the renderers, so it
holds exactly the fields of ``findings-json.md`` (version 1) and nothing a
renderer would have to recompute.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    """Ordered severities; ``rank`` makes ``--fail-on`` comparisons explicit."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return {"info": 0, "warning": 1, "error": 2}[self.value]

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls(text.strip().lower())
        except ValueError:
            raise ValueError(
                f"unknown severity {text!r}; expected one of: error, warning, info"
            ) from None


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


@dataclass(frozen=True)
class Related:
    """A secondary location of a finding that spans cells (the split, the fit, ...)."""

    location: Location
    role: str

    def to_json(self) -> dict[str, Any]:
        return {
            "cell": self.location.cell,
            "cell_id": self.location.cell_id,
            "line": self.location.line,
            "role": self.role,
        }


@dataclass(frozen=True)
class Evidence:
    """One observation that supports (or refutes) a finding.

    ``data`` holds small JSON-safe values only: counts, shares, names,
    never raw user rows.
    """

    source: str  # "static" | "live"
    kind: str
    text: str
    data: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source, "kind": self.kind, "text": self.text, "data": self.data}


@dataclass(frozen=True)
class Finding:
    """One pitfall at one place, with the evidence that convinces a reader."""

    code: str
    name: str
    severity: Severity
    message: str
    location: Location
    fix: str
    pitfalls: tuple[int, ...]
    subject: tuple[str, ...] = ()
    related: tuple[Related, ...] = ()
    sources: tuple[str, ...] = ("static",)
    evidence: tuple[Evidence, ...] = ()

    @property
    def url(self) -> str:
        return f"docs/rules/{self.code}.md"

    def identity(self) -> tuple[Any, ...]:
        """(code, primary location, subject), as design.md defines it."""
        loc = self.location
        where = loc.cell_id if loc.cell_id else loc.cell
        return (self.code, where, loc.line, self.subject)

    def sort_key(self) -> tuple[Any, ...]:
        return (*self.location.sort_key(), self.code, self.message)

    def to_json(self) -> dict[str, Any]:
        loc = self.location
        return {
            "code": self.code,
            "name": self.name,
            "severity": self.severity.value,
            "message": self.message,
            "cell": loc.cell,
            "cell_id": loc.cell_id,
            "execution_count": loc.execution_count,
            "line": loc.line,
            "col": loc.col,
            "related": [r.to_json() for r in self.related],
            "sources": list(self.sources),
            "evidence": [e.to_json() for e in self.evidence],
            "fix": self.fix,
            "pitfalls": list(self.pitfalls),
            "url": self.url,
        }


@dataclass(frozen=True)
class Note:
    """Something the user should know that is not a finding (a skipped cell, ...)."""

    message: str
    cell: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {"cell": self.cell, "message": self.message}


@dataclass
class FileResult:
    """Everything linting one notebook produced; one entry of the JSON ``files``."""

    path: str | None
    mode: str = "static"
    findings: list[Finding] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    error: str | None = None
    skipped: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "mode": self.mode,
            "findings": [f.to_json() for f in self.findings],
            "notes": [n.to_json() for n in self.notes],
            "error": self.error,
            "skipped": self.skipped,
        }


@dataclass
class RunResult:
    """A whole run: the files, and the selected rules that this mode cannot evaluate."""

    files: list[FileResult] = field(default_factory=list)
    not_evaluated: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        out = {"error": 0, "warning": 0, "info": 0}
        for f in self.files:
            for finding in f.findings:
                out[finding.severity.value] += 1
        return out

    @property
    def error_files(self) -> int:
        return sum(1 for f in self.files if f.error is not None)


def finding_from_json(data: dict[str, Any]) -> Finding:
    """Rebuild a finding from its JSON form (the kernel's MIME payload, read by ``--execute``)."""
    loc = Location(
        cell=data.get("cell"),
        cell_id=data.get("cell_id"),
        line=data.get("line"),
        col=data.get("col"),
        execution_count=data.get("execution_count"),
    )
    related = tuple(
        Related(
            Location(cell=r.get("cell"), cell_id=r.get("cell_id"), line=r.get("line")),
            r.get("role", ""),
        )
        for r in data.get("related", [])
    )
    evidence = tuple(
        Evidence(
            e.get("source", "live"), e.get("kind", ""), e.get("text", ""), dict(e.get("data") or {})
        )
        for e in data.get("evidence", [])
    )
    return Finding(
        code=data["code"],
        name=data.get("name", ""),
        severity=Severity.parse(data.get("severity", "info")),
        message=data.get("message", ""),
        location=loc,
        fix=data.get("fix", ""),
        pitfalls=tuple(data.get("pitfalls", ())),
        subject=tuple(data.get("subject", ())),
        related=related,
        sources=tuple(data.get("sources", ("live",))),
        evidence=evidence,
    )
