"""``ml-lint-nb check --execute --impact``: the notebook runs, then each leak's cost is measured.

The impact comes back on the findings, in the text report (one line under
the finding) and in the JSON (the ``impact`` field, valid against the
schema); what cannot be measured is a note. Without ``--impact`` nothing is
refitted and no finding carries an impact.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("nbclient")
pytest.importorskip("sklearn")
nbformat = pytest.importorskip("nbformat")

from ml_lint_nb.cli.main import main  # noqa: E402

CELLS = [
    "import numpy as np, pandas as pd\n"
    "from sklearn.model_selection import train_test_split\n"
    "from sklearn.ensemble import RandomForestClassifier\n"
    "from sklearn.metrics import roc_auc_score",
    # a lab notebook's frame: the outcome was known when 'discharge_code' was recorded
    "rng = np.random.default_rng(3)\n"
    "n = 2400\n"
    "stays = pd.DataFrame({'age': rng.integers(18, 95, n), 'lactate': rng.gamma(2, 1, n),\n"
    "                      'wbc': rng.normal(9, 3, n)})\n"
    "risk = 0.03 * (stays.age - 60) + 0.5 * (stays.lactate - 2)\n"
    "stays['died'] = (rng.random(n) < 1 / (1 + np.exp(-(risk - 2)))).astype(int)\n"
    "stays['discharge_code'] = np.where(stays.died == 1, 20, rng.choice([1, 3, 6], n))",
    "features = ['age', 'lactate', 'wbc', 'discharge_code']\n"
    "train, test = train_test_split(stays, test_size=0.3, random_state=0, stratify=stays.died)",
    "forest = RandomForestClassifier(n_estimators=100, random_state=0)\n"
    "forest.fit(train[features], train['died'])\n"
    "print(roc_auc_score(test['died'], forest.predict_proba(test[features])[:, 1]))",
]


@pytest.fixture(scope="module")
def notebook(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("impact")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# ICU mortality")] + [
        nbformat.v4.new_code_cell(c) for c in CELLS
    ]
    path = folder / "icu.ipynb"
    nbformat.write(nb, path)
    return path


def test_execute_impact_reports_both_scores(notebook: Path, tmp_path: Path, capsys) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    from ml_lint_nb.schema import load_findings_schema

    before = notebook.read_bytes()
    out = tmp_path / "report.json"
    args = ["check", "--execute", "--impact", str(notebook), "--format", "json"]
    main([*args, "--output", str(out), "--exit-zero"])
    doc = json.loads(out.read_text())
    jsonschema.Draft202012Validator(load_findings_schema()).validate(doc)
    (leak,) = [f for f in doc["files"][0]["findings"] if f["code"] == "ML202"]
    got = leak["impact"]
    assert got["leaky_label"] == "with 'discharge_code'" and got["verdict"] == "material"
    assert got["metric"] == "ROC AUC" and got["evaluation_rows"] == "same"
    assert got["leaky"] > 0.95 and got["honest"] < got["leaky"] - 0.05
    assert notebook.read_bytes() == before  # the user's file is never written

    main(["check", "--execute", "--impact", str(notebook), "--exit-zero"])
    text = capsys.readouterr().out
    assert "    impact: ROC AUC " in text and "with 'discharge_code'" in text


def test_without_impact_nothing_is_measured(notebook: Path, tmp_path: Path) -> None:
    out = tmp_path / "plain.json"
    main(["check", "--execute", str(notebook), "--format", "json", "-o", str(out), "--exit-zero"])
    doc = json.loads(out.read_text())
    assert doc["files"][0]["findings"]
    assert not any("impact" in f for f in doc["files"][0]["findings"])


def test_impact_needs_execute(capsys) -> None:
    assert main(["check", "--impact", "."]) == 2
    assert "go with --execute" in capsys.readouterr().err
