"""The impact block in JupyterLab: both scores side by side with the verdict, drawn by the extension.

Two paths: a notebook saved with an impact output (untrusted: a malformed
impact leaves its finding out, markup in a label stays text), and a live
``%mlcheck impact model`` run in the kernel after the notebook's own cells.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from browser_support import missing_browser_stack
from jupyter_process import JupyterProcess

pytestmark = pytest.mark.skipif(
    missing_browser_stack() is not None, reason=str(missing_browser_stack())
)
pytest.importorskip("sklearn")
nbformat = pytest.importorskip("nbformat")

TIMEOUT_MS = 120_000
NO_NEWS = {"@jupyterlab/apputils-extension:notification": {"fetchNews": "false"}}
CURRENT = "window.jupyterapp.shell.currentWidget"
KERNELSPEC = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
KERNEL_IDLE = f"""() => {{
  const p = {CURRENT};
  return !!(p && p.sessionContext && p.sessionContext.session && p.sessionContext.session.kernel
    && p.sessionContext.session.kernel.status === 'idle');
}}"""

LIVE_CELLS = [
    "import numpy as np, pandas as pd\n"
    "from sklearn.model_selection import train_test_split\n"
    "from sklearn.linear_model import LogisticRegression\n"
    "from sklearn.metrics import roc_auc_score\n"
    "rng = np.random.default_rng(0)\n"
    "n = 3000\n"
    "tenure, calls = rng.integers(1, 72, n), rng.poisson(2, n)\n"
    "churned = (rng.random(n) < 1 / (1 + np.exp(1.5 - 0.3 * calls + 0.03 * tenure))).astype(int)\n"
    "customers = pd.DataFrame({'tenure': tenure, 'support_calls': calls,\n"
    "    'retention_call': np.where(churned == 1, rng.random(n) < 0.7, 0).astype(int),\n"
    "    'churned': churned})",
    "X, y = customers.drop(columns=['churned']), customers['churned']\n"
    "X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=42)",
    "model = LogisticRegression(max_iter=1000).fit(X_train, y_train)\n"
    "roc_auc_score(y_test, model.predict_proba(X_test)[:, 1])",
    "%mlcheck impact model",
]


def _saved_payload() -> dict[str, Any]:
    """Three findings with an impact: a good one, one whose labels carry markup, a malformed one."""
    from ml_lint_nb.findings import Finding, Impact, Location, Severity
    from ml_lint_nb.render.mimebundle import findings_bundle

    impact = Impact(
        metric="ROC AUC",
        leaky=0.961,
        honest=0.78,
        verdict="material",
        method="A clone of model refitted on X_train without 'retention_call'.",
        evaluation_rows="same",
        leaky_label="with 'retention_call'",
        honest_label="without",
        n_leaky=750,
        n_honest=750,
        difference=0.181,
        interval=(0.14, 0.22),
    )
    good = Finding(
        "ML202",
        "target-leakage-feature",
        Severity.ERROR,
        "X_train: 'retention_call' marks 70% of the minority class.",
        Location(cell=1, line=1),
        "Remove features recorded after the outcome.",
        (40,),
        subject=("retention_call",),
        sources=("live",),
        impact=impact,
    )
    marked = replace(
        good,
        code="ML203",
        name="preprocessing-before-split",
        subject=("scaler", "X"),
        impact=replace(
            impact, leaky_label="with <img src=x onerror=window.__mlnbXss=1>", verdict="small"
        ),
    )
    data, metadata = findings_bundle([good, marked], notebook=None, tool_version="0.1.0")
    doc = data["application/vnd.ml-lint-nb.findings+json"]
    bad = json.loads(json.dumps(doc["files"][0]["findings"][0]))
    bad["code"], bad["subject"] = "ML201", ["a", "b"]
    bad["impact"]["verdict"] = "catastrophic"  # not in the schema's enum: left out
    doc["files"][0]["findings"].append(bad)
    return {"data": data, "metadata": metadata}


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JupyterProcess]:
    home = tmp_path_factory.mktemp("impact-lab")
    root = home / "root"
    root.mkdir(parents=True)
    saved = nbformat.v4.new_notebook(metadata=KERNELSPEC)
    payload = _saved_payload()
    output = nbformat.v4.new_output("display_data", **payload)
    saved.cells = [nbformat.v4.new_code_cell("%mlcheck impact model", outputs=[output])]
    nbformat.write(saved, root / "saved.ipynb")
    live = nbformat.v4.new_notebook(metadata=KERNELSPEC)
    live.cells = [nbformat.v4.new_code_cell(c) for c in LIVE_CELLS]
    nbformat.write(live, root / "live.ipynb")
    with JupyterProcess(
        home, app="lab", settings=NO_NEWS, extra_args=("--LabApp.expose_app_in_browser=True",)
    ) as server:
        yield server


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(TIMEOUT_MS)
    try:
        yield pg
    finally:
        context.close()


def open_notebook(page: Any, server: JupyterProcess, name: str) -> None:
    page.goto(f"{server.url}/lab/workspaces/{name.split('.')[0]}/tree/{name}?reset")
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell")
    page.wait_for_function(KERNEL_IDLE)


def impact_tables(page: Any) -> list[dict[str, Any]]:
    return page.evaluate(
        """() => [...document.querySelectorAll('.mlnb-rendered .mlnb-impact')].map(b => ({
          heads: [...b.querySelectorAll('th')].map(t => t.textContent),
          scores: [...b.querySelectorAll('.mlnb-impact-score')].map(t => t.textContent),
          verdict: b.querySelector('.mlnb-verdict')?.textContent,
          detail: b.querySelector('.mlnb-impact-detail')?.textContent,
          method: b.querySelector('.mlnb-impact-method')?.textContent}))"""
    )


def test_saved_impact_drawn_side_by_side(page: Any, lab: JupyterProcess, artefacts: Path) -> None:
    open_notebook(page, lab, "saved.ipynb")
    page.wait_for_selector(".mlnb-rendered .mlnb-impact")
    tables = impact_tables(page)
    assert tables[0] == {
        "heads": ["with 'retention_call'", "without", "verdict"],
        "scores": ["0.961", "0.780"],
        "verdict": "material",
        "detail": "+0.181, 90% interval +0.140 to +0.220; the same 750 rows",
        "method": "A clone of model refitted on X_train without 'retention_call'.",
    }
    # markup in a label stays text; the malformed impact leaves its finding out
    assert tables[1]["heads"][0] == "with <img src=x onerror=window.__mlnbXss=1>"
    assert page.evaluate("() => window.__mlnbXss === undefined")
    assert page.locator(".mlnb-rendered img").count() == 0
    summary = page.locator(".mlnb-summary").first.inner_text()
    assert "1 unreadable left out" in summary, summary
    assert page.locator(".mlnb-finding-head .mlnb-verdict").all_inner_texts() == [
        "impact: material",
        "impact: small",
    ]
    page.locator(".mlnb-impact").first.scroll_into_view_if_needed()
    page.screenshot(path=str(artefacts / "lab-impact-saved.png"))


def test_live_mlcheck_impact(page: Any, lab: JupyterProcess, artefacts: Path) -> None:
    open_notebook(page, lab, "live.ipynb")
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    last = page.locator(".jp-Notebook .jp-Cell").nth(len(LIVE_CELLS) - 1)
    last.locator(".mlnb-rendered .mlnb-impact").wait_for(state="attached")
    (table,) = [t for t in impact_tables(page) if t["heads"][0] == "with 'retention_call'"]
    leaky, honest = (float(s) for s in table["scores"])
    assert leaky > 0.9 and honest < leaky - 0.1 and table["verdict"] == "material"
    assert "the same 750 rows" in table["detail"]
    # drawn by the extension, not the HTML fallback
    assert last.locator("details.ml-lint-nb").count() == 0
    last.scroll_into_view_if_needed()
    page.screenshot(path=str(artefacts / "lab-impact-live.png"))
