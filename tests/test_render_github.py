"""GitHub Actions workflow commands: mapping, cell in message, escaping."""

from __future__ import annotations

from render_fixtures import assert_snapshot, leak_finding, sample_run

from ml_lint_nb.findings import FileResult, Finding, Location, RunResult, Severity
from ml_lint_nb.render import render_github
from ml_lint_nb.render.github import escape_data, escape_property


def _finding(severity: Severity, loc: Location, message: str = "msg", fix: str = "") -> Finding:
    return Finding("ML203", "preprocessing-before-split", severity, message, loc, fix, ())


def _one(finding: Finding, path: str | None = "nb.ipynb") -> str:
    out = render_github(RunResult(files=[FileResult(path=path, findings=[finding])]))
    assert out.count("\n") == 1
    return out.rstrip("\n")


def test_snapshot() -> None:
    assert_snapshot("sample.github.txt", render_github(sample_run()))


def test_finding_command() -> None:
    line = _one(leak_finding())
    assert line.startswith(
        "::error file=nb.ipynb,line=2,col=5,title=ML203 preprocessing-before-split::cell 4: "
        "StandardScaler is fitted"
    )
    assert line.endswith("%0AFix: Fit the scaler on X_train only, or put it in a Pipeline.")


def test_severity_mapping() -> None:
    loc = Location(cell=1, line=1)
    assert _one(_finding(Severity.ERROR, loc)).startswith("::error ")
    assert _one(_finding(Severity.WARNING, loc)).startswith("::warning ")
    assert _one(_finding(Severity.INFO, loc)).startswith("::notice ")


def test_unknown_positions_are_omitted() -> None:
    assert _one(_finding(Severity.INFO, Location(cell=3, line=2))) == (
        "::notice file=nb.ipynb,line=2,title=ML203 preprocessing-before-split::cell 3: msg"
    )
    assert _one(_finding(Severity.INFO, Location())) == (
        "::notice file=nb.ipynb,title=ML203 preprocessing-before-split::msg"
    )
    assert _one(_finding(Severity.INFO, Location(cell=1)), path=None) == (
        "::notice title=ML203 preprocessing-before-split::cell 1: msg"
    )


def test_escaping() -> None:
    assert escape_data("100% a\r\nb: c, d") == "100%25 a%0D%0Ab: c, d"
    assert escape_property("100% a\r\nb: c, d") == "100%25 a%0D%0Ab%3A c%2C d"
    line = _one(
        _finding(Severity.ERROR, Location(cell=1), message="50%\nof: rows, here"),
        path="dir/a,b: c%.ipynb",
    )
    assert line == (
        "::error file=dir/a%2Cb%3A c%25.ipynb,title=ML203 preprocessing-before-split"
        "::cell 1: 50%25%0Aof: rows, here"
    )
    assert "\n" not in line and "\r" not in line


def test_file_error() -> None:
    run = RunResult(
        files=[
            FileResult("b.ipynb", error="not valid JSON:\nline 1"),
            FileResult("c.ipynb", skipped="non-Python kernel (r)"),
            FileResult("a.ipynb"),
        ]
    )
    assert render_github(run) == "::error file=b.ipynb::not valid JSON:%0Aline 1\n"


def test_empty_run_prints_nothing() -> None:
    assert render_github(RunResult()) == ""
