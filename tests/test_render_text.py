"""Terminal output: ruff-style lines, fix/see lines, notes, summary, colours."""

from __future__ import annotations

from render_fixtures import assert_snapshot, leak_finding, sample_run

from ml_lint_nb.findings import FileResult, Finding, Location, Note, RunResult, Severity
from ml_lint_nb.render import render_text
from ml_lint_nb.render.text import plural, severity_counts


def _finding(loc: Location, severity: Severity = Severity.ERROR) -> Finding:
    return Finding("ML203", "preprocessing-before-split", severity, "msg", loc, "Fix it.", (40,))


def _run(*findings: Finding, path: str | None = "nb.ipynb", **kw: object) -> RunResult:
    return RunResult(files=[FileResult(path=path, findings=list(findings))], **kw)  # type: ignore[arg-type]


def test_snapshot_default() -> None:
    assert_snapshot("sample.txt", render_text(sample_run()))


def test_snapshot_quiet() -> None:
    assert_snapshot("sample-quiet.txt", render_text(sample_run(), quiet=True))


def test_snapshot_color() -> None:
    assert_snapshot("sample-color.txt", render_text(sample_run(), color=True))


def test_finding_line_fix_and_related() -> None:
    out = render_text(_run(leak_finding()))
    lines = out.splitlines()
    assert lines[0] == (
        "nb.ipynb:cell 4:2:5: ML203 [error] StandardScaler is fitted on all 569 rows before "
        "train_test_split; test rows leak into its mean and scale."
    )
    assert lines[1] == "    fix: Fit the scaler on X_train only, or put it in a Pipeline."
    assert lines[2] == "    see: cell 5:1 (split)"


def test_location_shapes() -> None:
    assert render_text(_run(_finding(Location(cell=4, line=2)))).startswith(
        "nb.ipynb:cell 4:2: ML203 [error] msg\n"
    )
    assert render_text(_run(_finding(Location(cell=4)))).startswith(
        "nb.ipynb:cell 4: ML203 [error] msg\n"
    )
    assert render_text(_run(_finding(Location(line=3, col=1)))).startswith(
        "nb.ipynb: ML203 [error] msg\n"
    )
    assert render_text(_run(_finding(Location(cell=1)), path=None)).startswith(
        "<notebook>:cell 1: ML203"
    )


def test_show_fix_false_drops_detail_lines() -> None:
    out = render_text(_run(leak_finding()), show_fix=False)
    assert "    fix:" not in out and "    see:" not in out
    assert out.startswith("nb.ipynb:cell 4:2:5: ML203 [error]")


def test_quiet_is_only_findings_and_errors() -> None:
    out = render_text(sample_run(), quiet=True)
    assert "fix:" not in out and "note:" not in out and "skipped" not in out
    assert "Found" not in out and "Not evaluated" not in out
    assert "notebooks/broken.ipynb: error: not valid JSON" in out
    assert render_text(RunResult(files=[FileResult("a.ipynb")]), quiet=True) == ""


def test_notes_errors_skips() -> None:
    run = RunResult(
        files=[
            FileResult("a.ipynb", notes=[Note("syntax error; cell skipped", cell=7), Note("big")]),
            FileResult("b.ipynb", error="not valid JSON"),
            FileResult("c.ipynb", skipped="non-Python kernel (r)"),
        ]
    )
    lines = render_text(run).splitlines()
    assert "a.ipynb:cell 7: note: syntax error; cell skipped" in lines
    assert "a.ipynb: note: big" in lines
    assert "b.ipynb: error: not valid JSON" in lines
    assert "c.ipynb: skipped: non-Python kernel (r)" in lines


def test_summary_found() -> None:
    run = RunResult(
        files=[
            FileResult("a.ipynb", findings=[_finding(Location(cell=1))]),
            FileResult(
                "b.ipynb",
                findings=[
                    _finding(Location(cell=1), Severity.WARNING),
                    _finding(Location(cell=2), Severity.WARNING),
                ],
            ),
            *(FileResult(f"c{i}.ipynb") for i in range(4)),
        ]
    )
    assert render_text(run).splitlines()[-1] == (
        "Found 3 findings (1 error, 2 warnings, 0 info) in 2 of 6 notebooks."
    )
    one = render_text(_run(_finding(Location(cell=1), Severity.INFO))).splitlines()[-1]
    assert one == "Found 1 finding (0 errors, 0 warnings, 1 info) in 1 of 1 notebook."


def test_summary_all_passed_and_not_evaluated() -> None:
    run = RunResult(
        files=[FileResult(f"n{i}.ipynb") for i in range(6)], not_evaluated=["ML102", "ML101"]
    )
    assert render_text(run) == (
        "All checks passed: 6 notebooks, no findings.\n"
        "Not evaluated in static mode (need a kernel, see --execute): ML101, ML102\n"
    )
    assert render_text(RunResult(files=[FileResult("a.ipynb")])) == (
        "All checks passed: 1 notebook, no findings.\n"
    )


def test_summary_with_errors_does_not_claim_success() -> None:
    run = RunResult(files=[FileResult("a.ipynb"), FileResult("b.ipynb", error="unreadable")])
    out = render_text(run)
    assert "All checks passed" not in out
    assert out.endswith("No findings in 1 notebook.\n1 notebook could not be linted.\n")


def test_not_evaluated_outside_static_mode() -> None:
    run = RunResult(files=[FileResult("a.ipynb", mode="execute")], not_evaluated=["ML999"])
    assert render_text(run).endswith("Not evaluated in this mode: ML999\n")


def test_multiline_message_stays_one_line() -> None:
    finding = Finding("ML1", "x", Severity.INFO, "a\nb\r\nc", Location(cell=1), "f\ng", ())
    lines = render_text(_run(finding)).splitlines()
    assert lines[0] == "nb.ipynb:cell 1: ML1 [info] a b c"
    assert lines[1] == "    fix: f g"


def test_color_only_when_asked() -> None:
    plain = render_text(sample_run())
    assert "\x1b[" not in plain
    colored = render_text(_run(_finding(Location(cell=1, line=1))), color=True)
    assert "\x1b[1mML203\x1b[0m" in colored
    assert "\x1b[31m[error]\x1b[0m" in colored
    warn = render_text(_run(_finding(Location(cell=1), Severity.WARNING)), color=True)
    assert "\x1b[33m[warning]\x1b[0m" in warn


def test_plural_helpers() -> None:
    assert plural(0, "error") == "0 errors"
    assert plural(1, "error") == "1 error"
    assert plural(2, "notebook") == "2 notebooks"
    assert severity_counts({"error": 1, "warning": 2, "info": 0}) == "1 error, 2 warnings, 0 info"
    assert severity_counts({"error": 0, "warning": 1, "info": 3}, skip_zero=True) == (
        "1 warning, 3 info"
    )
