"""Shared inputs for the renderer tests: a small run, two tiny rules, snapshots.

The run mixes everything a renderer must handle (a finding spanning cells,
unknown columns and cells, a live finding, notes, a file error, a skipped
file, a path that needs escaping), so each format's snapshot covers it once.

Snapshots live in ``tests/snapshots/render/``; set ``UPDATE_SNAPSHOTS=1`` to
rewrite them after an intended change, and review the diff.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

from ml_lint_nb.findings import (
    Evidence,
    FileResult,
    Finding,
    Location,
    Note,
    Related,
    RunResult,
    Severity,
)
from ml_lint_nb.rules.base import BOTH, LIVE, Rule

SNAPSHOT_DIR = Path(__file__).parent / "snapshots" / "render"
TOOL_VERSION = "0.1.0"


def assert_snapshot(name: str, actual: str) -> None:
    """Compare with ``snapshots/render/<name>``; rewrite it when UPDATE_SNAPSHOTS=1."""
    path = SNAPSHOT_DIR / name
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8", newline="\n")
        return
    if not path.exists():
        pytest.fail(f"missing snapshot {path}; run with UPDATE_SNAPSHOTS=1", pytrace=False)
    expected = path.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                actual.splitlines(keepends=True),
                fromfile=f"snapshots/render/{name}",
                tofile="actual",
            )
        )
        pytest.fail(
            f"snapshot {name} differs (UPDATE_SNAPSHOTS=1 to accept):\n{diff}", pytrace=False
        )


class DuplicateRowsRule(Rule):
    """## What it does

    Flags a frame with a notable share of exactly duplicated rows.

    ## Why is this bad?

    Duplicates over-weight some rows and can land on both sides of a split.
    """

    code = "ML101"
    name = "duplicate-rows"
    severity = Severity.WARNING
    pitfalls = (34,)
    detect = LIVE
    summary = "A frame with a notable share of exactly duplicated rows."
    fix = "Drop duplicates before splitting, or split by group."


class PreprocessingBeforeSplitRule(Rule):
    """Finds a scaler, imputer or encoder fitted on data that includes the test rows.

    Why is this bad?
    ----------------
    Test rows leak into the fitted statistics.
    """

    code = "ML203"
    name = "preprocessing-before-split"
    severity = Severity.ERROR
    pitfalls = (40, 89)
    detect = BOTH
    summary = "A transformer fitted on data that includes the test rows."
    fix = "Fit the scaler on X_train only, or put it in a Pipeline."


TEST_RULES: tuple[type[Rule], ...] = (DuplicateRowsRule, PreprocessingBeforeSplitRule)


def leak_finding(**location: object) -> Finding:
    """The ML203 finding of the contract's example, at a configurable location."""
    loc = {"cell": 4, "cell_id": "a1b2", "line": 2, "col": 5, **location}
    return Finding(
        code="ML203",
        name="preprocessing-before-split",
        severity=Severity.ERROR,
        message=(
            "StandardScaler is fitted on all 569 rows before train_test_split; "
            "test rows leak into its mean and scale."
        ),
        location=Location(**loc),  # type: ignore[arg-type]
        fix="Fit the scaler on X_train only, or put it in a Pipeline.",
        pitfalls=(40, 89),
        subject=("scaler", "X"),
        related=(Related(Location(cell=5, cell_id="c3d4", line=1), "split"),),
        sources=("static",),
        evidence=(
            Evidence(
                "static",
                "fit-before-split",
                "scaler.fit(X) precedes train_test_split(X, ...)",
                {"rows": 569},
            ),
        ),
    )


def sample_run() -> RunResult:
    """Four notebooks: findings, a clean one, an unreadable one, a skipped one."""
    churn = FileResult(
        path="notebooks/churn.ipynb",
        mode="static",
        findings=[
            Finding(
                code="ML304",
                name="no-baseline",
                severity=Severity.INFO,
                message="GradientBoostingClassifier is evaluated with no baseline to compare.",
                location=Location(cell=9, line=3),
                fix="Score a DummyClassifier on the same split.",
                pitfalls=(4, 43, 47),
                subject=("model",),
            ),
            leak_finding(),
            Finding(
                code="ML101",
                name="duplicate-rows",
                severity=Severity.WARNING,
                message="df has 12% duplicated rows (68 of 569).",
                location=Location(cell=2, cell_id="e5f6", line=1, col=1),
                fix="Drop duplicates before splitting, or split by group.",
                pitfalls=(34,),
                subject=("df",),
                sources=("live",),
                evidence=(Evidence("live", "duplicate-share", "68 of 569 rows", {"share": 0.12}),),
            ),
        ],
        notes=[Note("syntax error; cell skipped", cell=7)],
    )
    odd = FileResult(
        path="notebooks/odd, name: 100%.ipynb",
        findings=[
            Finding(
                code="ML999",
                name="unknown-rule",
                severity=Severity.WARNING,
                message="50% of rows:\nsecond line, with comma",
                location=Location(),
                fix="",
                pitfalls=(),
            )
        ],
    )
    return RunResult(
        files=[
            odd,
            churn,
            FileResult(path="notebooks/clean.ipynb"),
            FileResult(
                path="notebooks/broken.ipynb",
                error="not valid JSON: Expecting value: line 1 column 1 (char 0)",
            ),
            FileResult(path="notebooks/r.ipynb", skipped="non-Python kernel (r)"),
        ],
        not_evaluated=["ML201", "ML102"],
    )
