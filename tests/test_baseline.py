"""``check --write-baseline`` / ``--baseline``: CI fails only on findings that are new.

The acceptance case: with a baseline of the demo notebooks the check exits
0; a new leaky cell fails it with exactly that finding, also after two
older cells swap places.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from ml_lint_nb.cli.baseline import normalise
from ml_lint_nb.cli.main import main

DEMOS = Path(__file__).resolve().parent.parent / "demo_notebooks"

LEAKY_CELL = [
    "from sklearn.preprocessing import RobustScaler\n",
    "X_rob = RobustScaler().fit_transform(X)\n",
    "Xr_train, Xr_test, yr_train, yr_test = train_test_split(\n",
    "    X_rob, y, test_size=0.25, random_state=0, stratify=y\n",
    ")\n",
    "rob = LogisticRegression(max_iter=5000).fit(Xr_train, yr_train)\n",
    "print(rob.score(Xr_test, yr_test))",
]


@pytest.fixture()
def repo(tmp_path: Path, monkeypatch) -> Path:
    shutil.copytree(DEMOS, tmp_path / "notebooks", ignore=shutil.ignore_patterns("*.md", "*.py"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _check(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["check", *args])
    out, err = capsys.readouterr()
    return code, out, err


def _findings(out: str) -> list[tuple[str, str, int]]:
    doc = json.loads(out)
    return [(file["path"], f["code"], f["cell"]) for file in doc["files"] for f in file["findings"]]


def _edit_notebook(path: Path, change) -> None:
    doc = json.loads(path.read_text())
    change(doc["cells"])
    path.write_text(json.dumps(doc, indent=1) + "\n")


def _baseline(capsys) -> int:
    code, out, err = _check(capsys, "notebooks", "--write-baseline", "ml-lint-nb-baseline.json")
    assert code == 0 and out == ""
    demos = len(list(DEMOS.glob("*.ipynb")))
    found = re.search(
        rf"recorded (\d+) findings of {demos} notebooks in ml-lint-nb-baseline.json", err
    )
    assert found
    return int(found.group(1))


def test_baseline_of_the_demos_passes(repo: Path, capsys) -> None:
    recorded = _baseline(capsys)
    doc = json.loads((repo / "ml-lint-nb-baseline.json").read_text())
    assert doc["version"] == 1 and len(doc["findings"]) == recorded > 30
    assert {e["path"] for e in doc["findings"]} >= {"notebooks/01_breast_cancer_svm.ipynb"}
    code, out, err = _check(capsys, "notebooks", "--baseline", "ml-lint-nb-baseline.json")
    assert code == 0
    assert "All checks passed" in out
    assert f"{recorded} findings recorded in ml-lint-nb-baseline.json not shown" in err


def _add_leaky_cell(cells: list) -> None:
    cells.append(
        {
            "cell_type": "code",
            "execution_count": None,
            "id": "new-leak",
            "metadata": {},
            "outputs": [],
            "source": LEAKY_CELL,
        }
    )


def test_new_leaky_cell_fails_with_exactly_that_finding(repo: Path, capsys) -> None:
    _baseline(capsys)
    notebook = repo / "notebooks" / "01_breast_cancer_svm.ipynb"
    _edit_notebook(notebook, _add_leaky_cell)
    args = ("notebooks", "--baseline", "ml-lint-nb-baseline.json", "--format", "json")
    code, out, _ = _check(capsys, *args)
    cells = json.loads(notebook.read_text())["cells"]
    assert code == 1
    assert _findings(out) == [("notebooks/01_breast_cancer_svm.ipynb", "ML203", len(cells))]

    # two older cells (each with findings of its own) swap places, and run in their new order
    def swap(cells: list) -> None:
        cells[7], cells[8] = cells[8], cells[7]
        counts = cells[7]["execution_count"], cells[8]["execution_count"]
        cells[7]["execution_count"], cells[8]["execution_count"] = counts[1], counts[0]

    _edit_notebook(notebook, swap)
    code, out, err = _check(capsys, *args)
    assert code == 1
    assert _findings(out) == [("notebooks/01_breast_cancer_svm.ipynb", "ML203", len(cells))]
    assert "no longer found" not in err


def test_reformatting_a_cell_keeps_its_findings_in_the_baseline(repo: Path, capsys) -> None:
    _baseline(capsys)

    def reformat(cells: list) -> None:
        # cell 14 of demo 02 holds the ML208 split: comment it, re-space it, add blank lines
        source = "".join(cells[13]["source"]).replace("test_size=0.2,", "test_size = 0.2 ,")
        cells[13]["source"] = "# the split\n\n" + source.replace("\n", "  # note\n", 1)

    _edit_notebook(repo / "notebooks" / "02_churn_imbalanced.ipynb", reformat)
    code, out, _ = _check(capsys, "notebooks", "--baseline", "ml-lint-nb-baseline.json", "-q")
    assert code == 0 and out == ""


def test_fixed_findings_leave_stale_entries_not_errors(repo: Path, capsys) -> None:
    _baseline(capsys)
    _check(capsys, "notebooks/02_churn_imbalanced.ipynb", "--fix", "--exit-zero")
    code, out, err = _check(capsys, "notebooks", "--baseline", "ml-lint-nb-baseline.json")
    assert code == 0
    assert "1 entry of ml-lint-nb-baseline.json no longer found" in err
    # a run over a subset does not call the other notebooks' entries stale
    code, out, err = _check(
        capsys, "notebooks/01_breast_cancer_svm.ipynb", "--baseline", "ml-lint-nb-baseline.json"
    )
    assert code == 0 and "no longer found" not in err


def test_baseline_paths_are_relative_to_the_baseline_file(repo: Path, capsys) -> None:
    recorded = _baseline(capsys)
    os.chdir(repo / "notebooks")
    code, _out, err = _check(capsys, ".", "--baseline", "../ml-lint-nb-baseline.json")
    assert code == 0 and f"{recorded} findings recorded" in err


def test_a_repeat_of_a_known_problem_is_not_new(repo: Path, capsys) -> None:
    """The same accuracy call on the same y_test once more is one event with one more place."""
    _baseline(capsys)
    notebook = repo / "notebooks" / "02_churn_imbalanced.ipynb"

    def duplicate(cells: list) -> None:
        copy = dict(cells[17], id="again", execution_count=15)  # cell 18 once more, run last
        cells.append(copy)

    _edit_notebook(notebook, duplicate)
    args = ("notebooks", "--baseline", "ml-lint-nb-baseline.json", "--format", "json")
    code, out, _ = _check(capsys, *args)
    assert code == 0 and _findings(out) == []


def test_the_same_problem_on_other_data_is_new(repo: Path, capsys) -> None:
    """Accuracy on the training labels too is another event: new, and only that one."""
    _baseline(capsys)
    notebook = repo / "notebooks" / "02_churn_imbalanced.ipynb"

    def another(cells: list) -> None:
        copy = dict(cells[17], id="again", execution_count=15)
        copy["source"] = "y_fit = model.predict(X_train)\nprint(accuracy_score(y_train, y_fit))\n"
        cells.append(copy)

    _edit_notebook(notebook, another)
    args = ("notebooks", "--baseline", "ml-lint-nb-baseline.json", "--format", "json")
    code, out, _ = _check(capsys, *args)
    assert code == 1
    assert [(f[1], f[2]) for f in _findings(out)] == [("ML402", 21)]


def test_missing_baseline_and_conflicting_flags(repo: Path, capsys) -> None:
    code, _out, err = _check(capsys, "notebooks", "--baseline", "nope.json")
    assert code == 2 and "write one with --write-baseline" in err
    code, _out, err = _check(capsys, "notebooks", "--baseline", "a", "--write-baseline", "b")
    assert code == 2 and "give one" in err


def test_normalise_ignores_comments_and_layout_but_not_code() -> None:
    a = "x = f(a,  b)  # why\n\n\ny = 2\n"
    b = "# header\nx = f(\n    a,\n    b,\n)\ny = 2"
    assert normalise(a) == normalise("x = f(a, b)\ny = 2")
    assert normalise(a) != normalise(b)  # a trailing comma is code
    assert normalise("if a:\n    b = 1\nc = 2") != normalise("if a:\n    b = 1\n    c = 2")
    assert normalise("%matplotlib inline\nx = 1  # c") == normalise("%matplotlib inline\nx = 1")
