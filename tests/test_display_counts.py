"""Every front end counts one fact once: the CLI's text, JSON, SARIF and GitHub output, static
and ``--execute``, and the kernel's own payloads.

The notebook calls ``accuracy_score`` on the same imbalanced ``y_test`` three
times (a textbook habit): one ML402 listing its three places everywhere, so
saving the notebook (static findings joining the live ones in the panel)
never changes the count. Cells are named by position in the CLI, never by
prompt, and rule messages name no cell at all.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

pytest.importorskip("sklearn")

from ml_lint_nb.cli.main import main  # noqa: E402

CELLS = [
    "# Chapter 4: a forest on an imbalanced problem",
    "from sklearn.datasets import make_classification\n"
    "from sklearn.model_selection import train_test_split\n"
    "from sklearn.ensemble import RandomForestClassifier\n"
    "from sklearn.metrics import accuracy_score",
    "X, y = make_classification(n_samples=3000, weights=[0.95, 0.05], random_state=0)\n"
    "X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)",
    "rf = RandomForestClassifier(random_state=0).fit(X_train, y_train)\npred = rf.predict(X_test)",
    "print(accuracy_score(y_test, pred))",
    "print('again', accuracy_score(y_test, pred))",
    "acc = accuracy_score(y_test, rf.predict(X_test))\nacc",
]


@pytest.fixture(scope="module")
def notebook(tmp_path_factory) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(CELLS[0])] + [
        nbformat.v4.new_code_cell(c) for c in CELLS[1:]
    ]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path = tmp_path_factory.mktemp("counts") / "imbalanced.ipynb"
    nbformat.write(nb, path)
    return path


def _check(path: Path, capsys, *args: str) -> str:
    capsys.readouterr()
    main(["check", str(path), *args, "--exit-zero"])
    return capsys.readouterr().out


def _ml402(doc: dict) -> list[dict]:
    return [f for file in doc["files"] for f in file["findings"] if f["code"] == "ML402"]


def test_static_formats_count_one_finding_with_three_places(notebook, capsys) -> None:
    (finding,) = _ml402(json.loads(_check(notebook, capsys, "--format", "json")))
    places = [(finding["cell"], finding["line"])] + [
        (r["cell"], r["line"]) for r in finding["related"]
    ]
    assert places == [(5, 1), (6, 1), (7, 1)]
    text = _check(notebook, capsys)
    assert text.count("ML402") == 1
    assert "see: cell 6:1 (also)" in text and "see: cell 7:1 (also)" in text
    sarif = json.loads(_check(notebook, capsys, "--format", "sarif"))
    results = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "ML402"]
    assert len(results) == 1 and len(results[0]["relatedLocations"]) == 2
    assert _check(notebook, capsys, "--format", "github").count("ML402") == 1


def test_execute_counts_what_the_static_run_counts(notebook, capsys) -> None:
    pytest.importorskip("nbclient")
    static = json.loads(_check(notebook, capsys, "--format", "json"))
    executed = json.loads(_check(notebook, capsys, "--execute", "--format", "json"))
    (live,) = _ml402(executed)
    (saved,) = _ml402(static)
    assert live["sources"] == ["live", "static"]
    assert live["severity"] == saved["severity"]
    assert [r["cell"] for r in live["related"]] == [r["cell"] for r in saved["related"]]
    text = _check(notebook, capsys, "--execute")
    for line in text.splitlines():  # the CLI names cells by position only
        assert not re.search(r"\[\d+\]", line), line


def test_messages_name_no_cell_in_any_rule_fixture() -> None:
    """Rule messages leave places to the front ends: no ``cell 4``, no ``cell [7]`` in the text."""
    from rule_fixtures import fixture_files, load_fixture

    from ml_lint_nb.engine import lint_source

    for path in fixture_files():
        for f in lint_source(load_fixture(path)).findings:
            assert not re.search(r"\bcells? \[?\d", f.message), (path.name, f.message)


def test_execute_lists_every_place_the_kernel_saw(tmp_path, capsys) -> None:
    """Only the kernel can tell this target is imbalanced: the finding is shown once, under the
    first call, yet the report names the later calls too (the session's list carries them)."""
    pytest.importorskip("nbclient")
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(c)
        for c in [
            "import numpy as np\n"
            "from sklearn.linear_model import LogisticRegression\n"
            "from sklearn.metrics import accuracy_score\n"
            "from sklearn.model_selection import train_test_split",
            "rng = np.random.default_rng(3)\n"
            "X = rng.normal(size=(4000, 3))\n"
            "y = (X[:, 0] + rng.normal(size=4000) * 2 > 3.3).astype(int)\n"
            "X_tr, X_te, y_tr, y_te = train_test_split(X, y, stratify=y, random_state=0)",
            "model = LogisticRegression().fit(X_tr, y_tr)\n"
            "print(accuracy_score(y_te, model.predict(X_te)))",
            "print(accuracy_score(y_te, model.predict(X_te)))",
            "print(accuracy_score(y_te, model.predict(X_te)))",
        ]
    ]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path = tmp_path / "numpy_only.ipynb"
    nbformat.write(nb, path)
    assert not _ml402(json.loads(_check(path, capsys, "--format", "json")))
    (live,) = _ml402(json.loads(_check(path, capsys, "--execute", "--format", "json")))
    assert (live["cell"], [r["cell"] for r in live["related"]]) == (3, [4, 5])


def test_copies_read_from_the_code_and_counted_in_the_kernel_are_one_finding(
    tmp_path, capsys
) -> None:
    """Up-sampling before the split: the static reader sees the resampler, the kernel counts the
    copies in the test part; one ML201 at the resampler, with the counts and the static fix."""
    pytest.importorskip("nbclient")
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(c)
        for c in [
            "import numpy as np, pandas as pd\n"
            "from sklearn.utils import resample\n"
            "from sklearn.model_selection import train_test_split\n"
            "from sklearn.ensemble import RandomForestClassifier",
            "rng = np.random.default_rng(5)\n"
            "machines = pd.DataFrame({'temp': rng.normal(60, 5, 3000), 'vib': rng.normal(1, .2, 3000)})\n"
            "machines['failed'] = (rng.random(3000) < 0.05).astype(int)",
            "ok = machines[machines.failed == 0]\n"
            "rare = resample(machines[machines.failed == 1], replace=True, n_samples=len(ok), random_state=0)\n"
            "balanced = pd.concat([ok, rare])\n"
            "X_tr, X_te, y_tr, y_te = train_test_split(\n"
            "    balanced.drop(columns='failed'), balanced['failed'], random_state=0)\n"
            "forest = RandomForestClassifier(random_state=0).fit(X_tr, y_tr)\n"
            "print(forest.score(X_te, y_te))",
        ]
    ]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path = tmp_path / "upsampled.ipynb"
    nbformat.write(nb, path)
    executed = json.loads(_check(path, capsys, "--execute", "--format", "json"))
    (ml201,) = [f for file in executed["files"] for f in file["findings"] if f["code"] == "ML201"]
    assert ml201["sources"] == ["live", "static"]
    assert (ml201["cell"], ml201["line"]) == (3, 2)  # the resampler: the code to change
    assert ml201["subject"] == ["X_tr", "X_te"]
    assert "over-sample only the training part" in ml201["fix"]
