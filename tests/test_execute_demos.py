"""``check --execute`` on the demo notebooks, in real kernels: live rules fire, the clean notebook stays clean.

Also checks the design's invariant for rules detected both ways: the live
run of a notebook reports at least what the static run reports, except what
live evidence refutes (an ``info`` whose premise the objects disprove).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

pytest.importorskip("nbclient")
pytest.importorskip("sklearn")

from ml_lint_nb.cli.execute import ExecuteOptions, run_notebook  # noqa: E402
from ml_lint_nb.cli.main import main  # noqa: E402
from ml_lint_nb.config import Config  # noqa: E402
from ml_lint_nb.engine import lint_file  # noqa: E402
from ml_lint_nb.rules.registry import RULES  # noqa: E402

DEMOS = Path(__file__).resolve().parent.parent / "demo_notebooks"
CLEAN = "07_fraud_done_right.ipynb"
BOTH = {r.code for r in RULES if r.detect == {"static", "live"}}


@pytest.fixture(scope="module")
def executed(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("exec") / "report.json"
    code = main(
        [
            "check",
            "--execute",
            str(DEMOS),
            "--format",
            "json",
            "--allow-errors",
            "--output",
            str(out),
            "--exit-zero",
        ]
    )
    assert code == 0
    return json.loads(out.read_text())


def test_every_rule_is_reported_somewhere(executed) -> None:
    seen = {f["code"] for file in executed["files"] for f in file["findings"]}
    missing = sorted({r.code for r in RULES} - seen)
    assert not missing, f"rules no demo shows under --execute: {missing}"
    assert executed["not_evaluated"] == []


def test_clean_notebook_stays_clean(executed) -> None:
    clean = next(f for f in executed["files"] if f["path"].endswith(CLEAN))
    loud = [f for f in clean["findings"] if f["severity"] in ("error", "warning")]
    assert not loud, [(f["code"], f["cell"], f["message"]) for f in loud]
    assert clean["error"] is None


def test_user_files_are_not_modified(executed) -> None:
    for path in DEMOS.glob("*.ipynb"):
        nb = json.loads(path.read_text())
        for cell in nb["cells"]:
            for output in cell.get("outputs", []):
                assert "application/vnd.ml-lint-nb.findings+json" not in output.get("data", {})


@pytest.mark.parametrize("name", ["01_breast_cancer_svm.ipynb", "03_model_selection_on_test.ipynb"])
def test_live_reports_what_static_reports(name: str, tmp_path: Path) -> None:
    copy = tmp_path / name
    shutil.copy(DEMOS / name, copy)
    static = [f for f in lint_file(copy, Config()).findings if f.code in BOTH]
    live, _notes, failed = run_notebook(copy, ExecuteOptions(timeout=120))
    assert failed is None
    have = {(f.code, f.location.cell, f.location.line) for f in live}
    missing = [
        (f.code, f.location.cell, f.location.line, f.message)
        for f in static
        if (f.code, f.location.cell, f.location.line) not in have and f.severity.value != "info"
    ]
    assert not missing


def test_a_kernel_that_cannot_start_is_a_clear_error(tmp_path: Path, capsys) -> None:
    nb = DEMOS / CLEAN
    copy = tmp_path / "nb.ipynb"
    shutil.copy(nb, copy)
    code = main(["check", "--execute", "--kernel", "no-such-kernel", str(copy)])
    out = capsys.readouterr().out
    assert code == 2
    assert "could not run a 'no-such-kernel' kernel" in out
