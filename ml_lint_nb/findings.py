"""The finding: what every front end shows and what the JSON contract carries.

A finding is the one currency between the engine and the renderers, so it
holds exactly the fields of ``findings-json.md`` (version 1.1) and nothing a
renderer would have to recompute.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from ml_lint_nb.edits import EditError, FixEdit
from ml_lint_nb.facts.location import Location, Note


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
class Related:
    """A secondary location of a finding that spans cells (the split, the fit, ...)."""

    location: Location
    role: str

    def to_json(self) -> dict[str, Any]:
        """``cell``, ``cell_id``, ``line``, ``role``, and the prompt number of a kernel's place.

        ``execution_count`` (added in 1.2, written only when known: a place in
        a kernel session) lets a notebook front end name the place by the
        prompt the user sees (``[7]``) and jump to it.
        """
        out: dict[str, Any] = {
            "cell": self.location.cell,
            "cell_id": self.location.cell_id,
            "line": self.location.line,
            "role": self.role,
        }
        if self.location.execution_count is not None:
            out["execution_count"] = self.location.execution_count
        return out


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


VERDICTS = ("material", "small", "none")
EVALUATION_ROWS = ("same", "subset", "new")


@dataclass(frozen=True)
class Impact:
    """What a leak costs: the model's score with the leak and refitted the honest way.

    Measured only on request (``%mlcheck impact MODEL``, ``check --execute
    --impact``). ``leaky`` and ``honest`` are the same ``metric``;
    ``difference`` is how much the leak flatters the score (positive: the
    leaky score is better, whichever way the metric points) and
    ``interval`` its interval on the evaluation rows at ``confidence``.
    ``evaluation_rows`` says whether the honest score is on the ``same``
    rows, a ``subset`` of them (copies removed) or ``new`` rows (a grouped
    or chronological split). ``note`` qualifies the verdict (``within the
    noise of 50 rows``).
    """

    metric: str
    leaky: float
    honest: float
    verdict: str  # one of VERDICTS
    method: str
    evaluation_rows: str  # one of EVALUATION_ROWS
    leaky_label: str = "with the leak"
    honest_label: str = "without"
    n_leaky: int | None = None
    n_honest: int | None = None
    difference: float | None = None
    interval: tuple[float, float] | None = None
    confidence: float = 0.9
    note: str = ""

    @property
    def text(self) -> str:
        """``ROC AUC 0.961 with 'retention_call', 0.780 without: material``."""
        return (
            f"{self.metric} {score_text(self.leaky)} {self.leaky_label}, "
            f"{score_text(self.honest)} {self.honest_label}: {self.verdict}"
            + (f", {self.note}" if self.note else "")
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "leaky": self.leaky,
            "honest": self.honest,
            "verdict": self.verdict,
            "method": self.method,
            "evaluation_rows": self.evaluation_rows,
            "leaky_label": self.leaky_label,
            "honest_label": self.honest_label,
            "n_leaky": self.n_leaky,
            "n_honest": self.n_honest,
            "difference": self.difference,
            "interval": list(self.interval) if self.interval is not None else None,
            "confidence": self.confidence,
            "note": self.note,
            "text": self.text,
        }

    @classmethod
    def from_json(cls, data: Any) -> Impact | None:
        """The impact of a payload, or None when it is not a well-formed one."""
        try:
            interval = data.get("interval")
            return cls(
                metric=str(data["metric"]),
                leaky=float(data["leaky"]),
                honest=float(data["honest"]),
                verdict=str(data["verdict"]),
                method=str(data["method"]),
                evaluation_rows=str(data["evaluation_rows"]),
                leaky_label=str(data.get("leaky_label") or "with the leak"),
                honest_label=str(data.get("honest_label") or "without"),
                n_leaky=_int_or_none(data.get("n_leaky")),
                n_honest=_int_or_none(data.get("n_honest")),
                difference=None if data.get("difference") is None else float(data["difference"]),
                interval=None if interval is None else (float(interval[0]), float(interval[1])),
                confidence=float(data.get("confidence", 0.9)),
                note=str(data.get("note") or ""),
            )
        except (KeyError, TypeError, ValueError, IndexError, AttributeError):
            return None


def score_text(value: float) -> str:
    """A score as a reader compares two: three decimals, or four significant digits off [-1, 1]."""
    if value != value:
        return "nan"
    if -1.0 <= value <= 1.0:
        return f"{value:.3f}"
    if abs(value) >= 10_000:
        return f"{value:,.0f}"
    return f"{value:.4g}"


def _int_or_none(value: Any) -> int | None:
    return None if value is None else int(value)


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
    # the fix as edits of the cell sources, when the rule can make one (edits.py)
    fix_edit: FixEdit | None = None
    impact: Impact | None = None  # what the leak costs, when measured (%mlcheck impact)
    # Which values the subject's names held (the static reader's binding versions), when
    # the rule knows them: two static findings with one subject are about the same data
    # only when these agree (``X_train`` of two splits is other data). Not in the JSON.
    instance: tuple[str, ...] = ()

    @property
    def url(self) -> str:
        return f"docs/rules/{self.code}.md"

    def identity(self) -> tuple[Any, ...]:
        """What makes two findings one: (code, subject), else (code, place) without a subject.

        The subject names what the finding is about (the estimator, the
        split, the column set), so the same problem carried by three frames,
        or seen once by the static reader and once by the kernel, is one
        finding wherever each side located it (findings-json.md, identity).
        """
        if self.subject:
            return (self.code, self.subject)
        loc = self.location
        return (self.code, loc.cell_id if loc.cell_id else loc.cell, loc.line)

    def sort_key(self) -> tuple[Any, ...]:
        """Notebook order (cell, line, col), then code: the order of a file's positions."""
        return (*self.location.sort_key(), self.code, self.message)

    def report_key(self) -> tuple[Any, ...]:
        """Report order: errors, then warnings, then info, each group by position."""
        return (-self.severity.rank, *self.sort_key())

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
            "subject": list(self.subject),
            **({"fix_edit": self.fix_edit.to_json()} if self.fix_edit is not None else {}),
            **({"impact": self.impact.to_json()} if self.impact is not None else {}),
        }


def report_order(findings: Iterable[Finding]) -> list[Finding]:
    """Findings as every front end lists them: by severity, then by position."""
    return sorted(findings, key=Finding.report_key)


# Data rules open their message with the frame they measured ("X_train: 3 columns ...").
_CARRIER = re.compile(r"^([A-Za-z_][\w.]*): ")


def merge_findings(findings: Iterable[Finding]) -> list[Finding]:
    """One finding per identity: the one merge used by the engine, the kernel and ``--execute``.

    Findings with the same identity (see :meth:`Finding.identity`) become one:
    the highest severity; the place the static reader found (the code to
    change), else the earliest, and that place's fix; the message of the
    measured (live) side when there is one, since it quotes what the kernel
    saw rather than what the code or a saved output suggested; evidence,
    sources and related places united. The other places become ``related`` entries with role ``also``,
    so a pattern repeated on the same data (three ``accuracy_score`` calls on
    ``y_test``) is one finding listing its places, in a static run and in the
    kernel alike, and frames that carry the same problem are named together
    in the message (``df, X_train, X_test: ...``). Input order is kept for the
    first of each identity, so callers still sort for display.
    """
    groups: dict[tuple[Any, ...], list[Finding]] = {}
    for f in findings:
        groups.setdefault(_group_key(f), []).append(f)
    _join_measured_to_static(groups)
    _absorb_column_subsets(groups)
    return [group[0] if len(group) == 1 else _merge_group(group) for group in groups.values()]


def _static_place(f: Finding) -> tuple[Any, ...]:
    loc = f.location
    return (loc.cell_id if loc.cell_id else loc.cell, loc.line)


_DATA = "data"  # a static group scoped by the versions of the subject's data
_PLACE = "place"  # ... or, when the rule does not know them, by its place


def _group_key(f: Finding) -> tuple[Any, ...]:
    """The identity, scoped to the data for static findings about a name.

    Names are rebound: ``X_train`` of one split in cell 5 and of another in
    cell 9 are different data, so two static findings whose subject is a
    binding name are one only when they are about the same value of it
    (``instance``, the binding versions the rule read), else only at the
    same place. Column problems and measured (live) findings keep the
    identity alone.
    """
    key = f.identity()
    if f.sources == ("static",) and f.subject and f.subject[:1] != (COLUMNS,):
        if f.instance:
            return (*key, _DATA, f.instance)
        return (*key, _PLACE, *_static_place(f))
    return key


def _scoped(key: tuple[Any, ...]) -> bool:
    """A static group's key: an identity with a subject, scoped by data or place."""
    return len(key) > 2 and isinstance(key[1], tuple) and key[2] in (_DATA, _PLACE)


def _join_measured_to_static(groups: dict[tuple[Any, ...], list[Finding]]) -> None:
    """A measured finding joins the static finding of the same identity.

    When several static findings share the identity (a name rebound), it
    joins the one that lists its cell among its places, else the first.
    """
    by_identity: dict[tuple[Any, ...], list[tuple[Any, ...]]] = {}
    for key in groups:
        if _scoped(key):
            by_identity.setdefault(key[:2], []).append(key)
    for identity, static_keys in by_identity.items():
        measured = groups.get(identity)
        if not measured:
            continue
        for f in measured:
            cell = _static_place(f)[0]
            host = next(
                (k for k in static_keys if cell in {_static_place(g)[0] for g in groups[k]}),
                static_keys[0],
            )
            groups[host].append(f)
        del groups[identity]


COLUMNS = "columns"  # a data finding's subject: ("columns", *names); see rules.hygiene.subjects


def _absorb_column_subsets(groups: dict[tuple[Any, ...], list[Finding]]) -> None:
    """A column problem seen in a frame and again in a slice of it is one finding.

    ``customers`` with 'age', 'device_model' missing and ``features`` (its
    columns minus some) with 'age' missing: the second adds a place, not a
    problem, so it joins the finding with the larger column set.
    """
    column_keys = [
        k for k in groups if len(k) == 2 and isinstance(k[1], tuple) and k[1][:1] == (COLUMNS,)
    ]
    for small in sorted(column_keys, key=lambda k: len(k[1])):
        cols = set(small[1][1:])
        host = next(
            (
                big
                for big in sorted(column_keys, key=lambda k: -len(k[1]))
                if big != small
                and big[0] == small[0]
                and big in groups
                and len(big[1]) > len(small[1])
                and cols <= set(big[1][1:])
            ),
            None,
        )
        if host is not None and small in groups:
            groups[host].extend(groups.pop(small))


def _merge_group(group: list[Finding]) -> Finding:
    static = [f for f in group if "static" in f.sources]
    placed = min(static or group, key=Finding.sort_key)
    measured = [f for f in group if "live" in f.sources]
    worded = max(measured or group, key=lambda f: (f.severity.rank, len(f.subject)))
    severity = max((f.severity for f in group), key=lambda s: s.rank)
    evidence: list[Evidence] = []
    related: list[Related] = []
    seen_places = {_place(placed.location)}
    for f in group:
        evidence.extend(e for e in f.evidence if e not in evidence)
        for r in f.related:  # one place once, whether it came back from the kernel or not
            if (r.role, _place(r.location)) not in {(q.role, _place(q.location)) for q in related}:
                related.append(r)
        # a place without a cell position means nothing next to one that has it
        comparable = f.location.cell is not None or placed.location.cell is None
        if comparable and _place(f.location) not in seen_places and f.location.line is not None:
            seen_places.add(_place(f.location))
            carrier = _CARRIER.match(f.message)
            role = f"also {carrier.group(1)}" if carrier else "also"
            related.append(Related(f.location, role))
    return replace(
        worded,
        severity=severity,
        message=_carriers_message(worded.message, group),
        fix=placed.fix,  # the edit belongs to the place: the code to change
        location=placed.location,
        evidence=tuple(evidence),
        related=tuple(related),
        sources=tuple(sorted({s for f in group for s in f.sources})),
        fix_edit=placed.fix_edit or worded.fix_edit,
        impact=next((f.impact for f in group if f.impact is not None), None),
    )


def _place(loc: Location) -> tuple[Any, ...]:
    """A cell and line a reader can go to (a live run's column or prompt is not another place)."""
    if loc.cell is not None:
        return ("cell", loc.cell, loc.line)
    return ("run", loc.cell_id, loc.execution_count, loc.line)


def _carriers_message(message: str, group: list[Finding]) -> str:
    """``df: ...`` becomes ``df, X_train: ...`` when several frames carry the same problem."""
    first = _CARRIER.match(message)
    if first is None or len({f.subject for f in group}) > 1:
        return message  # a frame carrying only part of it is listed as a place, not here
    names: list[str] = []
    for f in sorted(group, key=Finding.sort_key):
        m = _CARRIER.match(f.message)
        if m is None or f.message[m.end() :] != message[first.end() :]:
            return message  # each frame measured other numbers: its place says it, not the text
        if m.group(1) not in names:
            names.append(m.group(1))
    if len(names) < 2:
        return message
    return f"{', '.join(names)}: {message[first.end() :]}"


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
            Location(
                cell=r.get("cell"),
                cell_id=r.get("cell_id"),
                line=r.get("line"),
                execution_count=r.get("execution_count"),
            ),
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
    fix_edit = None
    if data.get("fix_edit") is not None:
        try:
            fix_edit = FixEdit.from_json(data["fix_edit"])
        except EditError:
            fix_edit = None  # a malformed edit is no fix; the finding itself stands
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
        fix_edit=fix_edit,
        impact=Impact.from_json(data["impact"]) if data.get("impact") else None,
    )
