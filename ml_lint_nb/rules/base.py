"""What a rule is: a small documented unit that reads facts and yields findings.

Rules never learn whether a fact came from the notebook's source or from a
running kernel; they ask the fact store, and they say what they need so the
engine can tell "not evaluated in this mode" apart from "found nothing".
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from ml_lint_nb.facts.model import DataRef
from ml_lint_nb.findings import Evidence, Finding, Location, Related, Severity

if TYPE_CHECKING:
    from ml_lint_nb.facts.store import FactStore


@dataclass(frozen=True)
class Threshold:
    """A named, documented, configurable number a rule compares against."""

    name: str
    default: float
    help: str


@dataclass
class RuleContext:
    """What a rule gets besides facts: its resolved thresholds."""

    thresholds: Mapping[str, float] = field(default_factory=dict)


class Rule:
    """Base class: subclasses set the class attributes and implement ``check``.

    ``detect`` names the kinds of evidence the rule can use (``static``,
    ``live``); the engine evaluates a rule only in a mode that provides one
    of them.
    """

    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity]
    pitfalls: ClassVar[tuple[int, ...]]
    detect: ClassVar[frozenset[str]]
    summary: ClassVar[str]
    fix: ClassVar[str]
    thresholds: ClassVar[tuple[Threshold, ...]] = ()

    def __init__(self, context: RuleContext | None = None) -> None:
        """Keep the context, so thresholds resolve to the configured values."""
        self.context = context or RuleContext()

    # -- helpers for subclasses -------------------------------------------------
    def threshold(self, name: str) -> float:
        """A threshold's configured value, else its default.

        An unknown name is a bug in the rule, not a configuration problem: it
        raises KeyError instead of running with a made-up number.
        """
        for t in self.thresholds:
            if t.name == name:
                return float(self.context.thresholds.get(name, t.default))
        raise KeyError(f"{self.code} has no threshold {name!r}")

    def finding(
        self,
        message: str,
        location: Location,
        *,
        subject: Iterable[str] = (),
        related: Iterable[Related] = (),
        evidence: Iterable[Evidence] = (),
        severity: Severity | None = None,
        fix: str | None = None,
        data: Iterable[DataRef | None] = (),
    ) -> Finding:
        """A finding stamped with this rule's code, name, severity, fix and pitfalls.

        Its sources are the kinds of its evidence (static when it has none), so
        a rule never states them separately and cannot contradict its evidence.
        ``data`` are the values the subject names (``y_test`` as this event
        read it): repeated events on the same values merge into one finding
        listing their places, a rebound name stays apart. When one of them
        is unknown the finding is scoped by its place instead.
        """
        evidence = tuple(evidence)
        sources = tuple(sorted({e.source for e in evidence})) or ("static",)
        versions = tuple(_version(r) for r in data)
        instance = versions if versions and all(versions) else ()
        return Finding(
            code=self.code,
            name=self.name,
            severity=severity or self.severity,
            message=message,
            location=location,
            fix=fix or self.fix,
            pitfalls=self.pitfalls,
            subject=tuple(subject),
            related=tuple(related),
            sources=sources,
            evidence=evidence,
            instance=tuple(str(v) for v in instance),
        )

    def check(self, store: FactStore) -> Iterator[Finding]:  # pragma: no cover - abstract
        """The findings of this rule on the store's facts; subclasses implement it."""
        raise NotImplementedError

    @classmethod
    def metadata(cls) -> dict[str, Any]:
        """The rule as plain data, for the JSON catalogue of ``ml-lint-nb rules``."""
        return {
            "code": cls.code,
            "name": cls.name,
            "severity": cls.severity.value,
            "pitfalls": list(cls.pitfalls),
            "detect": sorted(cls.detect),
            "summary": cls.summary,
        }


def _version(ref: DataRef | None) -> str | None:
    """Which value a data reference is: its binding's version, else (an expression nobody
    bound, ``test['y']``) its text over the rows it came from; None when neither is known."""
    if ref is None:
        return None
    if ref.version:
        return ref.version
    if ref.name and ref.rows.known:
        return f"{ref.name}@{sorted(map(repr, ref.rows.paths))}"
    return None


STATIC = frozenset({"static"})
LIVE = frozenset({"live"})
BOTH = frozenset({"static", "live"})
