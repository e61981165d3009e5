"""Every rule fixture is flagged exactly where its markers say, and nowhere else."""

from __future__ import annotations

from pathlib import Path

import pytest
from rule_fixtures import expected_markers, fixture_files, load_fixture

from ml_lint_nb.config import Config
from ml_lint_nb.engine import lint_source


def _id(p: Path) -> str:
    return f"{p.parent.name}/{p.name}"


@pytest.mark.parametrize("path", fixture_files(), ids=_id)
def test_fixture_findings_match_markers(path: Path) -> None:
    code = path.parent.name
    nb = load_fixture(path)
    result = lint_source(nb, Config(select=(code,)))
    got = {(f.location.cell, f.location.line, f.code) for f in result.findings}
    # one finding per subject: its other places ("also") are flagged lines too
    got |= {
        (r.location.cell, r.location.line, f.code)
        for f in result.findings
        for r in f.related
        if r.role.startswith("also")
    }
    want = {m for m in expected_markers(nb) if m[2] == code}
    details = "\n".join(
        f"  {f.location.cell}:{f.location.line} {f.code} {f.message}" for f in result.findings
    )
    assert got == want, (
        f"{_id(path)}\nmissing: {sorted(want - got)}\nunexpected: {sorted(got - want)}\nfindings:\n{details}"
    )
    if path.name.startswith("good"):
        assert not want, "good_* fixtures carry no markers for their own rule"


def test_every_static_rule_has_good_and_bad_fixtures() -> None:
    from ml_lint_nb.rules.registry import RULES

    for rule in RULES:
        if "static" not in rule.detect:
            continue
        names = {p.name.split("_")[0] for p in fixture_files(rule.code)}
        assert names >= {"good", "bad"}, f"{rule.code} needs good_*.py and bad_*.py fixtures"
