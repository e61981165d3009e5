"""Every kernel fixture (first line ``# live``), run cell by cell with the extension loaded,
is reported exactly where its markers say, and nowhere else, for the rule under test."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

pytest.importorskip("sklearn")

from kernel_fixtures import expected_places, run_kernel_fixture  # noqa: E402
from rule_fixtures import fixture_files  # noqa: E402

from ml_lint_nb.rules.registry import RULES  # noqa: E402


def _id(p: Path) -> str:
    return f"{p.parent.name}/{p.name}"


@pytest.mark.parametrize("path", fixture_files(live=True), ids=_id)
def test_kernel_fixture_findings_match_markers(path: Path, shell, monkeypatch, tmp_path) -> None:
    # the default configuration only; any file a cell writes lands in tmp_path
    monkeypatch.chdir(tmp_path)
    code = path.parent.name
    with warnings.catch_warnings():
        # warnings shown as in a fresh kernel, whatever pytest's -W says: ML403 reads them
        warnings.resetwarnings()
        warnings.simplefilter("default")
        run = run_kernel_fixture(shell, path)
    assert not run.errors, f"{_id(path)}: the hook hit internal errors:\n" + "\n".join(run.errors)
    got = run.places(code)
    want = expected_places(run, code)
    assert got == want, (
        f"{_id(path)}\nmissing: {sorted(want - got, key=str)}\n"
        f"unexpected: {sorted(got - want, key=str)}\nfindings:\n{run.details()}"
    )
    if path.name.startswith("good"):
        assert not want, "good_* fixtures carry no markers for their own rule"
    else:
        assert want, "bad_* fixtures mark at least one line for their own rule"


def test_every_rule_has_good_and_bad_fixtures() -> None:
    """Static or kernel fixtures: each rule shows what it flags and a near miss it leaves alone."""
    for rule in RULES:
        paths = fixture_files(rule.code) + fixture_files(rule.code, live=True)
        names = {p.name.split("_")[0] for p in paths}
        assert names >= {"good", "bad"}, f"{rule.code} needs good_*.py and bad_*.py fixtures"


def test_live_header_is_the_first_line_only() -> None:
    for path in fixture_files(live=True):
        lines = path.read_text(encoding="utf-8").splitlines()
        assert lines[0].startswith("# live"), path
        assert not any(line.startswith("# out:") for line in lines), (
            f"{_id(path)}: a kernel fixture's outputs are what its cells print"
        )


def test_docs_show_kernel_fixtures_as_run_in_a_kernel() -> None:
    from ml_lint_nb.docs import load_examples, rule_markdown
    from ml_lint_nb.rules.registry import RULES_BY_CODE

    examples = load_examples("ML403")
    assert examples.flagged and all(e.live for e in examples.flagged)
    page = rule_markdown(RULES_BY_CODE["ML403"], examples)
    assert "### Flagged (run in a kernel): `bad_" in page
    assert "first line is `# live` is run, not read" in page
    static_only = rule_markdown(RULES_BY_CODE["ML502"], load_examples("ML502"))
    assert "run in a kernel" not in static_only and "# live" not in static_only
