"""The engine: pick rules, run them on facts, and turn their output into a stable report.

Front ends (CLI, API, kernel hook) call this; it never knows which one did.
Configuration decides which rules run and at which severity; suppressions
remove what the user silenced; findings about one subject merge
(:func:`~ml_lint_nb.findings.merge_findings`, the one merge every front end uses).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import replace

from ml_lint_nb.config import Config
from ml_lint_nb.facts.static.deadline import Deadline
from ml_lint_nb.facts.static.extract import extract_facts
from ml_lint_nb.facts.static.notebook import load_notebook
from ml_lint_nb.facts.static.source import NotebookError, NotebookSource
from ml_lint_nb.facts.store import FactStore
from ml_lint_nb.findings import FileResult, Finding, Note, merge_findings, report_order
from ml_lint_nb.rules.base import Rule, RuleContext
from ml_lint_nb.rules.fixes import attach_fixes
from ml_lint_nb.rules.registry import RULES
from ml_lint_nb.suppressions import filter_suppressed

PYTHON_LANGUAGES = frozenset({"python", "python3", "python2", "ipython", "ipython3"})


def rules_for(config: Config, path: str | None, mode: str) -> tuple[list[Rule], list[str]]:
    """The rule instances to run in ``mode``, and the selected codes this mode cannot evaluate."""
    enabled = config.enabled_codes(path)
    key = (id(config), enabled, mode)
    cached = _RULES_CACHE.get(key)
    if cached is not None and cached[0] is config:
        return cached[1], cached[2]
    runnable, skipped = _build_rules(config, enabled, mode)
    if len(_RULES_CACHE) > 64:
        _RULES_CACHE.clear()
    _RULES_CACHE[key] = (config, runnable, skipped)
    return runnable, skipped


# Rules are stateless between notebooks; building them once per configuration
# keeps a 1,000-notebook run from re-reading thresholds 1,000 times.
_RULES_CACHE: dict[tuple, tuple[Config, list[Rule], list[str]]] = {}


def _build_rules(
    config: Config, enabled: frozenset[str], mode: str
) -> tuple[list[Rule], list[str]]:
    runnable: list[Rule] = []
    skipped: list[str] = []
    for rule_cls in RULES:
        if rule_cls.code not in enabled:
            continue
        if mode not in rule_cls.detect:
            skipped.append(rule_cls.code)
            continue
        ctx = RuleContext(thresholds=config.rule_thresholds(rule_cls.code))
        runnable.append(rule_cls(ctx))
    return runnable, skipped


def not_evaluated(config: Config | None = None, mode: str = "static") -> list[str]:
    """Selected codes that ``mode`` cannot evaluate (live-only rules in a static run).

    ``execute`` runs both kinds of detector, so nothing is left out.
    """
    if mode == "execute":
        return []
    config = config or Config()
    return rules_for(config, None, mode)[1]


def run_rules(
    store: FactStore, rules: Sequence[Rule], deadline: Deadline | None = None
) -> tuple[list[Finding], list[Note]]:
    """Run each rule; a rule that crashes is a note, never a lost run."""
    findings: list[Finding] = []
    notes: list[Note] = []
    for rule in rules:
        if deadline is not None:
            deadline.check()
        try:
            findings.extend(rule.check(store))
        except Exception as exc:  # a bug in one rule must not hide the others
            notes.append(Note(f"internal error in {rule.code}: {type(exc).__name__}: {exc}"))
    return findings, notes


def apply_severity_overrides(findings: Iterable[Finding], config: Config) -> list[Finding]:
    out = []
    for f in findings:
        override = config.severity_override(f.code)
        out.append(replace(f, severity=override) if override is not None else f)
    return out


def lint_source(
    nb: NotebookSource, config: Config | None = None, deadline: Deadline | None = None
) -> FileResult:
    """Lint one loaded notebook statically.

    With a ``deadline`` the analysis raises
    :class:`~ml_lint_nb.facts.static.deadline.LintTimeout` once it passes.
    """
    config = config or Config()
    result = FileResult(path=nb.path, mode="static")
    language = (nb.language or "python").lower()
    if language not in PYTHON_LANGUAGES:
        result.skipped = f"non-Python kernel ({language})"
        return result
    store, notes = extract_facts(nb, deadline)
    result.notes.extend(notes)
    rules, _ = rules_for(config, nb.path, "static")
    findings, rule_notes = run_rules(store, rules, deadline)
    result.notes.extend(rule_notes)
    # A noqa comment is read where each finding was reported, before findings about one
    # subject merge: a silenced line must not silence the same problem elsewhere.
    findings = filter_suppressed(findings, nb)
    findings = merge_findings(findings)
    findings = apply_severity_overrides(findings, config)
    result.findings = report_order(attach_fixes(findings, store))
    result.notes.sort(key=lambda n: (n.cell or 0, n.message))
    return result


def lint_file(
    path: str | os.PathLike[str], config: Config | None = None, display_path: str | None = None
) -> FileResult:
    """Load and lint one notebook file; an unreadable file is a result with ``error`` set."""
    shown = display_path if display_path is not None else os.fspath(path)
    try:
        nb = load_notebook(path, display_path=shown)
    except NotebookError as exc:
        return FileResult(path=shown, error=str(exc))
    return lint_source(nb, config)
