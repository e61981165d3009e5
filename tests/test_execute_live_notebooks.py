"""``check --execute`` on notebooks written as functions and files, with planted pitfalls and twins.

Fits inside helper functions and a model fitted on a concatenation that
includes its holdout are found by the model-anchored live evidence, with
no split call to hang on; the honest twin stays free of errors.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("nbclient")
pytest.importorskip("sklearn")

from ml_lint_nb.cli.main import main  # noqa: E402

HERE = Path(__file__).resolve().parent / "fixtures" / "live_notebooks"


@pytest.fixture(scope="module")
def executed(tmp_path_factory) -> dict[str, list[dict]]:
    out = tmp_path_factory.mktemp("exec") / "report.json"
    args = ["check", "--execute", str(HERE), "--format", "json", "--output", str(out)]
    main([*args, "--exit-zero"])
    report = json.loads(out.read_text())
    return {Path(f["path"]).name: f["findings"] for f in report["files"]}


def codes(findings: list[dict], *severities: str) -> set[str]:
    return {f["code"] for f in findings if not severities or f["severity"] in severities}


def test_post_outcome_flag_fitted_in_a_helper(executed) -> None:
    found = executed["churn_helpers_planted.ipynb"]
    assert {"ML202", "ML108", "ML406"} <= codes(found)
    [leak] = [f for f in found if f["code"] == "ML202"]
    assert "'cancel_call'" in leak["message"]


def test_honest_twin_has_no_errors(executed) -> None:
    found = executed["churn_helpers_honest.ipynb"]
    assert codes(found, "error") == set()
    assert "ML202" not in codes(found)


def test_model_fitted_on_its_holdout(executed) -> None:
    found = executed["prices_fit_on_holdout_planted.ipynb"]
    [ml204] = [f for f in found if f["code"] == "ML204"]
    assert ml204["severity"] == "warning" and "holdout[cols]" in ml204["message"]
