""" "Apply fix" in JupyterLab: the cell is edited (undoably), nothing runs, stale or forged edits are refused.

Demo notebook 02 (churn): the server's lint offers a safe fix for ML208
(``stratify=y`` on the split of cell 14) and an unsafe one for ML203 (the
mean fill of cell 11 replaced by a SimpleImputer in a pipeline with the
model of cell 17).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import copy_demo, missing_browser_stack
from jupyter_process import JupyterProcess

pytestmark = pytest.mark.skipif(
    missing_browser_stack() is not None, reason=str(missing_browser_stack())
)

TIMEOUT_MS = 120_000
NO_NEWS = {"@jupyterlab/apputils-extension:notification": {"fetchNews": "false"}}
CURRENT = "window.jupyterapp.shell.currentWidget"
KERNEL_IDLE = f"""() => {{
  const p = {CURRENT};
  return !!(p && p.sessionContext && p.sessionContext.session && p.sessionContext.session.kernel
    && p.sessionContext.session.kernel.status === 'idle');
}}"""
SPLIT = "X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=7"


def _forged_notebook() -> dict:
    """A saved findings output whose fix would put code of the payload's choosing into cell 1."""
    finding = {
        "code": "ML208",
        "name": "unstratified-imbalanced-split",
        "severity": "warning",
        "message": "forged",
        "cell": 1,
        "cell_id": "only",
        "execution_count": 1,
        "line": 1,
        "col": 1,
        "related": [],
        "sources": ["live"],
        "evidence": [],
        "fix": "forged",
        "pitfalls": [35],
        "url": "docs/rules/ML208.md",
        "subject": ["y"],
        "fix_edit": {
            "applicability": "safe",
            "description": "looks harmless",
            "edits": [
                {
                    "cell": 1,
                    "cell_id": "only",
                    "line": 1,
                    "col": 1,
                    "end_line": 1,
                    "end_col": 2,
                    "original": "x",
                    "content": "import os; os.system('touch pwned'); x",
                }
            ],
        },
    }
    payload = {
        "version": 1,
        "tool": {"name": "ml-lint-nb", "version": "0.1.0"},
        "files": [
            {
                "path": None,
                "mode": "live",
                "findings": [finding],
                "notes": [],
                "error": None,
                "skipped": None,
            }
        ],
        "not_evaluated": [],
        "summary": {"files": 1, "errors": 0, "findings": {"error": 0, "warning": 1, "info": 0}},
    }
    return {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": 1,
                "id": "only",
                "metadata": {},
                "outputs": [
                    {
                        "output_type": "display_data",
                        "data": {
                            "application/vnd.ml-lint-nb.findings+json": payload,
                            "text/plain": ["ml-lint-nb: 1 warning"],
                        },
                        "metadata": {"ml_lint_nb": {"version": 1}},
                    }
                ],
                "source": ["x = 1"],
            }
        ],
        "metadata": {"kernelspec": {"name": "python3", "language": "python", "display_name": "P"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JupyterProcess]:
    home = tmp_path_factory.mktemp("lab-fix")
    copy_demo(home / "root", "02_churn_imbalanced.ipynb", "churn.ipynb")
    copy_demo(home / "root", "02_churn_imbalanced.ipynb", "stale.ipynb")
    (home / "root" / "forged.ipynb").write_text(json.dumps(_forged_notebook(), indent=1))
    with JupyterProcess(
        home, app="lab", settings=NO_NEWS, extra_args=("--LabApp.expose_app_in_browser=True",)
    ) as server:
        yield server


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1500, "height": 950})
    pg = context.new_page()
    pg.set_default_timeout(TIMEOUT_MS)
    try:
        yield pg
    finally:
        context.close()


def _open(page: Any, server: JupyterProcess, name: str) -> None:
    page.goto(f"{server.url}/lab/workspaces/{name.split('.')[0]}/tree/{name}?reset")
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell")
    page.wait_for_function(KERNEL_IDLE)
    page.evaluate("window.jupyterapp.commands.execute('ml-lint-nb:open-panel')")
    page.locator("#ml-lint-nb-panel").wait_for(state="visible")


def _record_kernel_requests(page: Any) -> None:
    page.evaluate(
        f"""() => {{
          const k = {CURRENT}.sessionContext.session.kernel;
          const original = k.requestExecute.bind(k);
          window.__mlnbSent = [];
          k.requestExecute = (content, ...rest) => {{
            window.__mlnbSent.push(content.code);
            return original(content, ...rest);
          }};
        }}"""
    )


def _source(page: Any, position: int) -> str:
    return page.evaluate(f"() => {CURRENT}.model.cells.get({position - 1}).sharedModel.getSource()")


def _execution_count(page: Any, position: int) -> Any:
    return page.evaluate(f"() => {CURRENT}.model.cells.get({position - 1}).executionCount")


def test_apply_fix_edits_the_cell_runs_nothing_and_undoes(
    page: Any, lab: JupyterProcess, artefacts: Path
) -> None:
    _open(page, lab, "churn.ipynb")
    page.wait_for_selector("#ml-lint-nb-panel .mlnb-fix[data-code='ML208']")
    safe = page.locator("#ml-lint-nb-panel .mlnb-fix[data-code='ML208']")
    unsafe = page.locator("#ml-lint-nb-panel .mlnb-fix[data-code='ML203']")
    assert safe.inner_text() == "Apply fix"
    assert unsafe.inner_text() == "Apply fix (changes results)"
    assert "stratify=y" in safe.get_attribute("title")
    page.screenshot(path=str(artefacts / "lab-apply-fix-panel.png"))
    _record_kernel_requests(page)
    count, before = _execution_count(page, 14), _source(page, 14)
    assert SPLIT + ")" in before

    safe.click()
    page.wait_for_function(
        f"() => {CURRENT}.model.cells.get(13).sharedModel.getSource().includes('stratify=y')"
    )
    after = _source(page, 14)
    assert after == before.replace(SPLIT + ")", SPLIT + ", stratify=y)")
    assert _execution_count(page, 14) == count  # edited, not run
    page.wait_for_timeout(500)
    assert page.evaluate("() => window.__mlnbSent") == []
    assert page.locator("#ml-lint-nb-panel .mlnb-fix[data-code='ML208']").count() == 0
    assert page.evaluate(f"() => {CURRENT}.model.dirty")

    # Ctrl-Z in the cell takes the edit back.
    cell = page.locator(".jp-Notebook .jp-Cell").nth(13)
    cell.scroll_into_view_if_needed()
    cell.locator(".cm-content").click()
    page.keyboard.press("Control+z")
    page.wait_for_function(
        f"() => !{CURRENT}.model.cells.get(13).sharedModel.getSource().includes('stratify=y')"
    )
    assert _source(page, 14) == before

    # The unsafe fix edits three cells (imports, the fill, the model) and still runs nothing.
    unsafe.click()
    page.wait_for_function(
        f"() => {CURRENT}.model.cells.get(16).sharedModel.getSource().includes('make_pipeline(')"
    )
    assert _source(page, 17).startswith(
        'model = make_pipeline(SimpleImputer(strategy="mean"), LogisticRegression(max_iter=100))'
    )
    assert "fillna(customers.mean" not in _source(page, 11)
    assert "from sklearn.pipeline import make_pipeline" in _source(page, 2)
    page.wait_for_timeout(500)
    assert page.evaluate("() => window.__mlnbSent") == []
    page.screenshot(path=str(artefacts / "lab-apply-fix-applied.png"))


def test_a_stale_fix_is_refused(page: Any, lab: JupyterProcess) -> None:
    _open(page, lab, "stale.ipynb")
    page.wait_for_selector("#ml-lint-nb-panel .mlnb-fix[data-code='ML208']")
    # the split cell is edited by hand after the lint: its fix no longer fits
    page.evaluate(
        f"""() => {{
          const shared = {CURRENT}.model.cells.get(13).sharedModel;
          shared.setSource(shared.getSource().replace('random_state=7', 'random_state=8'));
        }}"""
    )
    edited = _source(page, 14)
    button = page.locator("#ml-lint-nb-panel .mlnb-fix[data-code='ML208']")
    button.click()
    page.wait_for_selector("#ml-lint-nb-panel .mlnb-fix-refused")
    assert "changed since the notebook was linted" in button.inner_text()
    assert button.is_disabled()
    assert _source(page, 14) == edited


def test_fixes_in_saved_outputs_are_never_offered(page: Any, lab: JupyterProcess) -> None:
    _open(page, lab, "forged.ipynb")
    page.wait_for_selector("#ml-lint-nb-panel .mlnb-entry[data-code='ML208']")
    page.wait_for_timeout(1500)  # the server's lint of the file has answered too
    assert page.locator("#ml-lint-nb-panel .mlnb-fix").count() == 0
    assert _source(page, 1) == "x = 1"
    assert not (lab.root / "pwned").exists()
