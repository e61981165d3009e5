"""``# noqa``, the per-cell ``disable=`` header and notebook-level ``ignore``."""

from __future__ import annotations

from typing import Any

import pytest

from ml_lint_nb.facts.static.source import Cell, NotebookSource
from ml_lint_nb.findings import Finding, Location, Severity
from ml_lint_nb.rules.registry import ALL_CODES, resolve_selector
from ml_lint_nb.suppressions import filter_suppressed, parse_cell_disable, parse_noqa


def finding(code: str, cell: int, line: int | None) -> Finding:
    return Finding(
        code=code,
        name="x",
        severity=Severity.ERROR,
        message=f"{code} at {cell}:{line}",
        location=Location(cell=cell, line=line),
        fix="",
        pitfalls=(),
    )


def notebook(*sources: str, metadata: dict[str, Any] | None = None) -> NotebookSource:
    cells = tuple(
        Cell(index=i, cell_id=None, cell_type="code", source=src)
        for i, src in enumerate(sources, start=1)
    )
    return NotebookSource(path="nb.ipynb", cells=cells, language="python", metadata=metadata or {})


def kept_codes(findings: list[Finding], nb: NotebookSource) -> list[tuple[str, int, int | None]]:
    return [(f.code, f.location.cell, f.location.line) for f in filter_suppressed(findings, nb)]


# -- parse_noqa -----------------------------------------------------------------------------------


def test_no_noqa() -> None:
    assert parse_noqa("x = 1") is None
    assert parse_noqa("x = 1  # a comment") is None
    assert parse_noqa("x = 1  # noqaxyz") is None


@pytest.mark.parametrize("line", ["x = 1  # noqa", "x = 1 #noqa", "x = 1  # NOQA", "# NoQa  "])
def test_bare_noqa_suppresses_everything(line: str) -> None:
    assert parse_noqa(line) == ALL_CODES


def test_noqa_with_codes_names_and_prefixes() -> None:
    codes = parse_noqa("X = f(X)  # noqa: ML203, ML5, test-data-in-training")
    assert codes == {"ML203", "ML204"} | resolve_selector("ML5")


@pytest.mark.parametrize(
    "line",
    [
        "x  # noqa:ML203",
        "x  # noqa : ML203",
        "x  # NOQA: ml203",
        "x  # noqa: ML203 ML204",
        "x  # noqa: ML203,ML204",
        "x  # reason # noqa: ML203",
    ],
)
def test_noqa_spellings(line: str) -> None:
    assert "ML203" in parse_noqa(line)


def test_noqa_unknown_selectors_are_ignored_silently() -> None:
    assert parse_noqa("x  # noqa: ML999, E501") == frozenset()
    assert parse_noqa("x  # noqa: ML999, ML203 because the split is upstream") == {"ML203"}


# -- parse_cell_disable ---------------------------------------------------------------------------


def test_disable_header() -> None:
    assert parse_cell_disable("# ml-lint-nb: disable=ML203,ML5\nx = 1") == {
        "ML203"
    } | resolve_selector("ML5")
    assert parse_cell_disable("\n\n   # ml-lint-nb: disable = ML203 ML204\n") == {"ML203", "ML204"}
    assert parse_cell_disable("# ML-LINT-NB: disable=all") == ALL_CODES
    assert parse_cell_disable("# ml-lint-nb: disable=preprocessing-before-split") == {"ML203"}


def test_disable_only_in_the_first_comment_line() -> None:
    assert parse_cell_disable("# load data\n# ml-lint-nb: disable=ML203\n") == frozenset()
    assert parse_cell_disable("x = 1\ny = 2\n") == frozenset()
    assert parse_cell_disable("") == frozenset()


# -- filter_suppressed ----------------------------------------------------------------------------


def test_noqa_applies_to_the_primary_line_only() -> None:
    nb = notebook("a = 1\nb = 2  # noqa: ML203\nc = 3")
    findings = [finding("ML203", 1, 1), finding("ML203", 1, 2), finding("ML204", 1, 2)]
    assert kept_codes(findings, nb) == [("ML203", 1, 1), ("ML204", 1, 2)]


def test_bare_noqa_drops_every_finding_on_its_line() -> None:
    nb = notebook("a = 1  # noqa\nb = 2")
    findings = [finding("ML203", 1, 1), finding("ML501", 1, 1), finding("ML501", 1, 2)]
    assert kept_codes(findings, nb) == [("ML501", 1, 2)]


def test_noqa_in_another_cell_does_not_apply() -> None:
    nb = notebook("a = 1", "a = 1  # noqa")
    assert kept_codes([finding("ML203", 1, 1)], nb) == [("ML203", 1, 1)]


def test_disable_header_applies_to_its_cell_only() -> None:
    nb = notebook("# ml-lint-nb: disable=ML2\na = 1\nb = 2", "a = 1\nb = 2")
    findings = [finding("ML203", 1, 2), finding("ML501", 1, 3), finding("ML203", 2, 1)]
    assert kept_codes(findings, nb) == [("ML501", 1, 3), ("ML203", 2, 1)]


def test_disable_below_the_first_comment_is_not_honoured() -> None:
    nb = notebook("# prepare\n# ml-lint-nb: disable=ML203\nx = 1")
    assert kept_codes([finding("ML203", 1, 3)], nb) == [("ML203", 1, 3)]


def test_notebook_metadata_ignore() -> None:
    nb = notebook("a = 1", "b = 2", metadata={"ml_lint_nb": {"ignore": ["ML5", "bogus-name"]}})
    findings = [finding("ML501", 1, 1), finding("ML203", 2, 1), finding("ML502", 2, 1)]
    assert kept_codes(findings, nb) == [("ML203", 2, 1)]


def test_findings_without_a_line_or_cell_are_kept_unless_ignored() -> None:
    nb = notebook("a = 1  # noqa", metadata={"ml_lint_nb": {"ignore": ["ML502"]}})
    findings = [finding("ML203", 1, None), finding("ML204", 9, 1), finding("ML502", 9, None)]
    assert kept_codes(findings, nb) == [("ML203", 1, None), ("ML204", 9, 1)]


def test_cell_found_by_id_when_position_unknown() -> None:
    cells = (Cell(index=1, cell_id="abc", cell_type="code", source="x = 1  # noqa: ML203"),)
    nb = NotebookSource(path=None, cells=cells)
    f = Finding(
        code="ML203",
        name="x",
        severity=Severity.ERROR,
        message="m",
        location=Location(cell=None, cell_id="abc", line=1),
        fix="",
        pitfalls=(),
    )
    assert filter_suppressed([f], nb) == []


def test_line_numbers_count_markdown_cells() -> None:
    cells = (
        Cell(index=1, cell_id=None, cell_type="markdown", source="# Title  # noqa"),
        Cell(index=2, cell_id=None, cell_type="code", source="x = 1\ny = 2  # noqa: ML501"),
    )
    nb = NotebookSource(path=None, cells=cells)
    assert kept_codes([finding("ML501", 2, 2), finding("ML501", 2, 1)], nb) == [("ML501", 2, 1)]


def test_empty_list_is_returned_as_is() -> None:
    assert filter_suppressed([], notebook("x")) == []
