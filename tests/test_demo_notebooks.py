"""The demo notebooks show every static rule, and the done-right notebook stays clean."""

from __future__ import annotations

from pathlib import Path

import pytest

from ml_lint_nb.config import Config
from ml_lint_nb.engine import lint_file
from ml_lint_nb.findings import Severity
from ml_lint_nb.rules.registry import RULES

DEMOS = Path(__file__).resolve().parent.parent / "demo_notebooks"
CLEAN = "07_fraud_done_right.ipynb"


def _results():
    return {p.name: lint_file(p, Config()) for p in sorted(DEMOS.glob("*.ipynb"))}


def test_demos_exist_and_lint_without_errors() -> None:
    results = _results()
    assert len(results) >= 7
    for name, res in results.items():
        assert res.error is None, f"{name}: {res.error}"
        assert not [n for n in res.notes if "internal error" in n.message], name


def test_every_static_rule_fires_in_some_demo() -> None:
    seen = {f.code for res in _results().values() for f in res.findings}
    static = {r.code for r in RULES if "static" in r.detect}
    assert static <= seen, f"not shown by any demo: {sorted(static - seen)}"


@pytest.mark.parametrize("name", [CLEAN])
def test_clean_notebook_has_nothing_at_warning_or_above(name: str) -> None:
    res = lint_file(DEMOS / name, Config())
    loud = [f for f in res.findings if f.severity.rank >= Severity.WARNING.rank]
    assert not loud, "\n".join(f"{f.code} cell {f.location.cell}: {f.message}" for f in loud)
