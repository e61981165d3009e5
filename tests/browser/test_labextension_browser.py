"""The labextension in a real browser: JupyterLab 4 and Notebook 7 with Debian's chromium.

Scenarios: static findings in the "ML pitfalls" panel before
anything runs; after Run All, findings drawn by the extension (not the HTML
fallback), markers on the right cells, live panel entries and the jump;
silencing a rule from the UI; the dark theme; Notebook 7. Screenshots are
written to the artefacts directory printed in the test header.

Demo notebook 01 (breast cancer): static ML203 errors on cells 12 and 15,
ML301 warnings on cells 8-10, ML205 on cells 9 and 13 (1-based, all cells).
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import copy_demo, missing_browser_stack
from jupyter_process import REPO, JupyterProcess

pytestmark = pytest.mark.skipif(
    missing_browser_stack() is not None, reason=str(missing_browser_stack())
)

CRAFTED = REPO / "tests" / "fixtures" / "untrusted" / "crafted_payloads.ipynb"
TIMEOUT_MS = 120_000
NO_NEWS = {"@jupyterlab/apputils-extension:notification": {"fetchNews": "false"}}
VIEWPORT = {"width": 1500, "height": 950}

# JS: the current notebook panel, and whether every code cell has run with the kernel idle.
CURRENT = "window.jupyterapp.shell.currentWidget"
ALL_RUN = f"""() => {{
  const p = {CURRENT};
  if (!p || !p.model || !p.sessionContext.session || !p.sessionContext.session.kernel) return false;
  if (p.sessionContext.session.kernel.status !== 'idle') return false;
  const cells = p.model.cells;
  for (let i = 0; i < cells.length; i++) {{
    const c = cells.get(i);
    if (c.type === 'code' && c.sharedModel.source.trim() && !c.executionCount) return false;
  }}
  return true;
}}"""
FIXED_CELL_12 = (
    "Xs_train, Xs_test, ys_train, ys_test = train_test_split(\n"
    "    X, y, test_size=0.25, random_state=0, stratify=y\n"
    ")\n"
    "scaler = StandardScaler().fit(Xs_train)\n"
    "Xs_train, Xs_test = scaler.transform(Xs_train), scaler.transform(Xs_test)\n"
)
KERNEL_IDLE = f"""() => {{
  const p = {CURRENT};
  return !!(p && p.sessionContext && p.sessionContext.session && p.sessionContext.session.kernel
    && p.sessionContext.session.kernel.status === 'idle');
}}"""


# A notebook the way people write them: three accuracy_score calls on one imbalanced y_test
# (one ML402 with three places), depths compared on the test set and then picked (ML205 info,
# then warning), and a name used a cell before the one that defines it (ML502: static only).
STORY = [
    "# Fraud screening: a forest on 5% positives",
    "from sklearn.datasets import make_classification\n"
    "from sklearn.ensemble import RandomForestClassifier\n"
    "from sklearn.metrics import accuracy_score, f1_score\n"
    "from sklearn.model_selection import train_test_split\n"
    "from sklearn.tree import DecisionTreeClassifier",
    "X, y = make_classification(n_samples=3000, weights=[0.95, 0.05], random_state=0)\n"
    "X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)",
    "rf = RandomForestClassifier(random_state=0).fit(X_train, y_train)\npred = rf.predict(X_test)",
    "print(accuracy_score(y_test, pred))",
    "print('again', accuracy_score(y_test, pred))",
    "acc = accuracy_score(y_test, rf.predict(X_test))\nacc",
    "scores = {}\n"
    "for depth in [2, 4, 8]:\n"
    "    tree = DecisionTreeClassifier(max_depth=depth, random_state=0).fit(X_train, y_train)\n"
    "    scores[depth] = f1_score(y_test, tree.predict(X_test))\n"
    "scores",
    "best_depth = max(scores, key=scores.get)\nbest_depth",
    "print(report_title, round(acc, 3))",
    "report_title = 'forest on the raw features'",
]


def write_story(path: Path) -> None:
    cells = [{"cell_type": "markdown", "id": "c0", "metadata": {}, "source": STORY[0]}]
    for i, source in enumerate(STORY[1:], start=1):
        cells.append(
            {
                "cell_type": "code",
                "id": f"c{i}",
                "metadata": {},
                "source": source,
                "execution_count": None,
                "outputs": [],
            }
        )
    kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb = {
        "cells": cells,
        "metadata": {"kernelspec": kernelspec},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(nb))


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JupyterProcess]:
    home = tmp_path_factory.mktemp("lab")
    copy_demo(home / "root", "01_breast_cancer_svm.ipynb")
    # One copy per test that runs it: a kernel session outlives the browser context, and a
    # second Run All in the same kernel shows known findings as "still present" only.
    for name in ("silence.ipynb", "dark.ipynb"):
        copy_demo(home / "root", "01_breast_cancer_svm.ipynb", name)
    shutil.copy(CRAFTED, home / "root" / "crafted.ipynb")
    write_story(home / "root" / "story.ipynb")
    with JupyterProcess(
        home, app="lab", settings=NO_NEWS, extra_args=("--LabApp.expose_app_in_browser=True",)
    ) as server:
        yield server


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=VIEWPORT)
    pg = context.new_page()
    pg.set_default_timeout(TIMEOUT_MS)
    try:
        yield pg
    finally:
        context.close()


def open_lab_notebook(page: Any, server: JupyterProcess, name: str, workspace: str) -> None:
    """Open one notebook in a fresh workspace (no tabs restored from an earlier test)."""
    page.goto(f"{server.url}/lab/workspaces/{workspace}/tree/{name}?reset")
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell")
    page.wait_for_function(KERNEL_IDLE)


def open_panel(page: Any) -> Any:
    page.evaluate("window.jupyterapp.commands.execute('ml-lint-nb:open-panel')")
    panel = page.locator("#ml-lint-nb-panel")
    panel.wait_for(state="visible")
    return panel


def panel_entries(page: Any) -> list[dict[str, Any]]:
    return page.evaluate(
        """() => [...document.querySelectorAll('#ml-lint-nb-panel .mlnb-entry')].map(b => ({
          code: b.dataset.code, cell: Number(b.dataset.cellIndex) + 1,
          tags: [...b.querySelectorAll('.mlnb-tag')].map(t => t.textContent)}))"""
    )


def markers(page: Any) -> dict[int, str]:
    """1-based cell position -> marker severity, read from the notebook's cell widgets."""
    pairs = page.evaluate(
        f"""() => {CURRENT}.content.widgets.map((w, i) => [i + 1, w.node.dataset.mlnbSeverity || ''])"""
    )
    return {i: s for i, s in pairs if s}


def run_all(page: Any) -> None:
    """Clear the saved outputs and counts (the demo was saved executed), then Run All."""
    page.evaluate("window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs')")
    page.wait_for_function(
        f"() => {{ const c = {CURRENT}.model.cells; for (let i = 0; i < c.length; i++)"
        " if (c.get(i).executionCount) return false; return true; }"
    )
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(ALL_RUN, polling=500)
    # The hook's outputs arrive with the last reply; let the store's debounce settle.
    page.wait_for_timeout(1000)


def shot(page: Any, artefacts: Path, name: str) -> Path:
    path = artefacts / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def test_static_findings_in_panel_before_running(
    page: Any, lab: JupyterProcess, artefacts: Path
) -> None:
    open_lab_notebook(page, lab, "demo.ipynb", "static")
    # The status item shows the counts and opens the panel.
    status = page.locator(".mlnb-status")
    status.wait_for(state="visible")
    page.wait_for_function(
        "() => document.querySelector('.mlnb-status .mlnb-sev-error')?.textContent === '2'"
    )
    status.click()
    panel = page.locator("#ml-lint-nb-panel")
    panel.wait_for(state="visible")
    page.wait_for_selector("#ml-lint-nb-panel .mlnb-entry")
    entries = panel_entries(page)
    found = {(e["code"], e["cell"]) for e in entries}
    assert {("ML203", 12), ("ML203", 15), ("ML301", 8), ("ML205", 13)} <= found
    assert all(e["tags"] == ["static"] for e in entries)
    groups = page.locator("#ml-lint-nb-panel h3").all_inner_texts()
    assert groups[0].strip().startswith("Errors")
    # Nothing ran: no output in the notebook carries findings.
    assert page.locator(".mlnb-rendered").count() == 0
    assert markers(page)[12] == "error" and markers(page)[8] == "warning"
    shot(page, artefacts, "lab-static-panel")


def test_run_all_renders_findings_markers_and_jump(
    page: Any, lab: JupyterProcess, artefacts: Path
) -> None:
    open_lab_notebook(page, lab, "demo.ipynb", "runall")
    open_panel(page)
    run_all(page)
    rendered = page.locator(".jp-OutputArea .mlnb-rendered")
    rendered.first.wait_for(state="attached")
    assert rendered.count() >= 3
    # Drawn by the extension: the HTML fallback's <details class="ml-lint-nb"> is absent.
    assert page.locator(".jp-OutputArea details.ml-lint-nb").count() == 0
    # The block under cell 12 (the scaler fitted before the split) says so in its summary.
    cell12 = page.locator(".jp-Notebook .jp-Cell").nth(11)
    summary = cell12.locator(".mlnb-summary")
    assert "1 error" in summary.inner_text()
    assert cell12.locator(".mlnb-summary .mlnb-icon-error").count() == 1
    marks = markers(page)
    assert marks.get(12) == "error" and marks.get(15) == "error"
    assert marks.get(8) == "warning"
    assert not any(marks.get(i) for i in (1, 2, 6, 11, 14, 17))  # markdown and clean cells
    entries = panel_entries(page)
    assert any(e["code"] == "ML203" and e["cell"] == 12 and "live" in e["tags"] for e in entries)
    # Open the finding, its evidence table and rule page, for the eye and the README.
    cell12.locator(".mlnb-summary").click()
    cell12.locator(".mlnb-finding-head").first.click()
    assert cell12.locator(".mlnb-finding .mlnb-fix").first.is_visible()
    cell12.locator(".mlnb-finding").first.scroll_into_view_if_needed()
    shot(page, artefacts, "lab-run-all")
    # A click in the panel scrolls to the cell and selects it.
    page.evaluate(f"() => {{ {CURRENT}.content.activeCellIndex = 0; }}")
    page.locator("#ml-lint-nb-panel .mlnb-entry[data-code='ML301'][data-cell-index='7']").click()
    page.wait_for_function(f"() => {CURRENT}.content.activeCellIndex === 7")
    page.wait_for_timeout(600)
    box = page.locator(".jp-Notebook .jp-Cell").nth(7).bounding_box()
    assert box is not None and 0 <= box["y"] < VIEWPORT["height"]
    # The rule page loads on demand from the server extension.
    cell12.locator(".mlnb-summary").scroll_into_view_if_needed()
    cell12.locator(".mlnb-rule-button").first.click()
    cell12.locator(".mlnb-rule-page h1").first.wait_for()
    assert "ML203" in cell12.locator(".mlnb-rule-page").inner_text()
    shot(page, artefacts, "lab-jump-and-rule-page")
    # Fix cell 12 (split first, then fit the scaler on the training rows) and re-run it:
    # its block, its marker and its panel entry leave; the other cells keep theirs.
    page.evaluate(
        f"""() => {{
          const p = {CURRENT};
          p.model.cells.get(11).sharedModel.setSource({json.dumps(FIXED_CELL_12)});
          p.content.activeCellIndex = 11;
          return window.jupyterapp.commands.execute('notebook:run-cell');
        }}"""
    )
    page.wait_for_function(
        f"() => {CURRENT}.model.cells.get(11).executionCount > {CURRENT}.model.cells.get(15).executionCount"
    )
    page.wait_for_function(KERNEL_IDLE)
    page.wait_for_timeout(1000)
    # The kernel says it is fixed (a note, no finding), so the saved file's static ML203 on
    # cell 12 gives way before the notebook is even saved.
    assert cell12.locator(".mlnb-finding").count() == 0
    assert (
        "ML203 preprocessing-before-split no longer found"
        in cell12.locator(".mlnb-summary").inner_text()
    )
    assert 12 not in markers(page) and markers(page).get(15) == "error"
    assert not any(e["cell"] == 12 for e in panel_entries(page))


def test_silence_a_rule_from_the_ui(page: Any, lab: JupyterProcess, artefacts: Path) -> None:
    open_lab_notebook(page, lab, "silence.ipynb", "silence")
    open_panel(page)
    run_all(page)
    assert any(e["code"] == "ML301" for e in panel_entries(page))
    cell8 = page.locator(".jp-Notebook .jp-Cell").nth(7)
    cell8.locator(".mlnb-summary").click()
    cell8.locator(".mlnb-finding-head").first.click()
    cell8.locator(".mlnb-silence-session").first.click()
    page.wait_for_function(
        "() => ![...document.querySelectorAll('#ml-lint-nb-panel .mlnb-entry')].some(b => b.dataset.code === 'ML301')"
    )
    assert "silenced for this session" in cell8.locator(".mlnb-finding").first.inner_text()
    assert "1 silenced" in cell8.locator(".mlnb-summary").inner_text()
    assert 8 not in markers(page) or markers(page)[8] != "warning"
    # The kernel was told: %mlcheck status lists the ignored code.
    status = page.evaluate(
        f"""async () => {{
          const k = {CURRENT}.sessionContext.session.kernel;
          let text = '';
          const future = k.requestExecute({{code: '%mlcheck status', store_history: false}});
          future.onIOPub = msg => {{ if (msg.content.text) text += msg.content.text; }};
          await future.done;
          return text;
        }}"""
    )
    assert "ML301" in status, status
    # For the notebook: the metadata suppression is written.
    cell13 = page.locator(".jp-Notebook .jp-Cell").nth(12)
    cell13.scroll_into_view_if_needed()
    cell13.locator(".mlnb-summary").click()
    cell13.locator(".mlnb-finding-head").first.click()
    cell13.locator(".mlnb-silence-notebook").first.click()
    page.wait_for_function(
        f"() => ({CURRENT}.model.getMetadata('ml_lint_nb') || {{}}).ignore?.includes('ML205')"
    )
    page.wait_for_function(
        "() => ![...document.querySelectorAll('#ml-lint-nb-panel .mlnb-entry')].some(b => b.dataset.code === 'ML205')"
    )
    # Saving re-lints the saved file on the server (which honours the new metadata too).
    with page.expect_response(lambda r: "/ml-lint-nb/lint?" in r.url) as response:
        page.evaluate("window.jupyterapp.commands.execute('docmanager:save')")
    doc = response.value.json()
    assert "ML205" not in {f["code"] for f in doc["files"][0]["findings"]}
    assert "ML203" in {f["code"] for f in doc["files"][0]["findings"]}
    shot(page, artefacts, "lab-silenced")


def _luminance(rgb: str) -> float:
    parts = [float(x) for x in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3]]
    return sum(w * c for w, c in zip((0.2126, 0.7152, 0.0722), parts, strict=True)) / 255


def test_dark_theme(page: Any, lab: JupyterProcess, artefacts: Path) -> None:
    open_lab_notebook(page, lab, "dark.ipynb", "dark")
    open_panel(page)
    page.evaluate(
        "window.jupyterapp.commands.execute('apputils:change-theme', {theme: 'JupyterLab Dark'})"
    )
    page.wait_for_function("() => document.body.dataset.jpThemeLight === 'false'")
    page.wait_for_timeout(1500)
    run_all(page)
    cell12 = page.locator(".jp-Notebook .jp-Cell").nth(11)
    cell12.scroll_into_view_if_needed()
    cell12.locator(".mlnb-summary").click()
    cell12.locator(".mlnb-finding-head").first.click()
    block = cell12.locator(".mlnb-block")
    colors = block.evaluate("b => [getComputedStyle(b).backgroundColor, getComputedStyle(b).color]")
    assert _luminance(colors[0]) < 0.3 and _luminance(colors[1]) > 0.6, colors
    panel_bg = page.locator("#ml-lint-nb-panel").evaluate(
        "p => getComputedStyle(p).backgroundColor"
    )
    assert _luminance(panel_bg) < 0.3
    shot(page, artefacts, "lab-dark")
    # High contrast: the same variables, so the block follows without a rule of its own.
    page.evaluate(
        "window.jupyterapp.commands.execute('apputils:change-theme',"
        " {theme: 'JupyterLab Dark High Contrast'})"
    )
    page.wait_for_function(
        "() => document.body.dataset.jpThemeName === 'JupyterLab Dark High Contrast'"
    )
    page.wait_for_timeout(1500)
    colors = block.evaluate("b => [getComputedStyle(b).backgroundColor, getComputedStyle(b).color]")
    assert _luminance(colors[0]) < 0.2 and _luminance(colors[1]) > 0.8, colors
    shot(page, artefacts, "lab-dark-high-contrast")
    page.evaluate(
        "window.jupyterapp.commands.execute('apputils:change-theme', {theme: 'JupyterLab Light'})"
    )


def test_notebook7(browser: Any, tmp_path: Path, artefacts: Path) -> None:
    copy_demo(tmp_path / "root", "01_breast_cancer_svm.ipynb")
    with JupyterProcess(
        tmp_path,
        app="notebook",
        settings=NO_NEWS,
        extra_args=("--JupyterNotebookApp.expose_app_in_browser=True",),
    ) as server:
        context = browser.new_context(viewport=VIEWPORT)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        try:
            page.goto(f"{server.url}/notebooks/demo.ipynb")
            page.wait_for_selector(".jp-Notebook .jp-Cell")
            page.wait_for_function(KERNEL_IDLE)
            open_panel(page)
            page.wait_for_selector("#ml-lint-nb-panel .mlnb-entry")
            assert any(e["code"] == "ML203" for e in panel_entries(page))
            run_all(page)
            rendered = page.locator(".jp-OutputArea .mlnb-rendered")
            rendered.first.wait_for(state="attached")
            assert page.locator(".jp-OutputArea details.ml-lint-nb").count() == 0
            assert markers(page).get(12) == "error"
            assert any("live" in e["tags"] for e in panel_entries(page))
            cell12 = page.locator(".jp-Notebook .jp-Cell").nth(11)
            cell12.scroll_into_view_if_needed()
            cell12.locator(".mlnb-summary").click()
            shot(page, artefacts, "notebook7")
        finally:
            context.close()


def test_crafted_saved_payloads_run_nothing_and_break_nothing(
    page: Any, lab: JupyterProcess, artefacts: Path
) -> None:
    """A saved notebook is untrusted: its findings outputs are validated one by one.

    ``crafted_payloads.ipynb`` holds, under cell 1, findings whose code is a
    line of Python, a request path, ``ALL`` or markup, a cell of 1.5, sources
    that are a string, and one well-formed finding whose message and evidence
    carry markup; under cell 2 four well-formed findings; under cell 3
    payloads that are not even documents.
    """
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    open_lab_notebook(page, lab, "crafted.ipynb", "crafted")
    open_panel(page)
    page.wait_for_function(
        "() => document.querySelectorAll('#ml-lint-nb-panel .mlnb-entry').length >= 5"
    )
    # The four findings of cell 2 and the one well-formed finding of cell 1 are listed.
    entries = panel_entries(page)
    assert sorted((e["code"], e["cell"]) for e in entries) == [
        ("ML203", 2),
        ("ML208", 1),
        ("ML301", 2),
        ("ML402", 2),
        ("ML501", 2),
    ]
    cells = page.locator(".jp-Notebook .jp-Cell")
    assert cells.nth(1).locator(".mlnb-finding").count() == 4
    summary = cells.nth(0).locator(".mlnb-summary").inner_text()
    assert "1 error" in summary and "10 unreadable left out" in summary, summary
    blocks = cells.nth(2).locator(".mlnb-summary").all_inner_texts()
    assert blocks == ["ml-lint-nb1 unreadable left out"] * 3, blocks
    # Record what the page sends to the kernel from now on.
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
    before = len(requests)
    for i in range(3):  # open every block and finding
        for summary_node in cells.nth(i).locator(".mlnb-summary").all():
            summary_node.click()
        for head in cells.nth(i).locator(".mlnb-finding-head").all():
            head.click()
    shot(page, artefacts, "lab-crafted-payloads-open")
    # Press every button of every finding.
    for i in range(3):
        cell = cells.nth(i)
        cell.scroll_into_view_if_needed()
        for button in cell.locator(".mlnb-rule-button").all():
            button.click()
        page.wait_for_timeout(300)
        # a silenced finding folds away: the crafted cell is silenced for the session,
        # the next for the notebook
        kind = "mlnb-silence-session" if i == 0 else "mlnb-silence-notebook"
        while cell.locator(f".mlnb-finding:not(.mlnb-silenced) .{kind}").count():
            cell.locator(f".mlnb-finding:not(.mlnb-silenced) .{kind}").first.click()
            page.wait_for_timeout(100)
    page.wait_for_function(KERNEL_IDLE)
    sent = page.evaluate("() => window.__mlnbSent")
    assert sent and all(re.fullmatch(r"%mlcheck ignore ML\d{3}", code) for code in sent), sent
    ours = [u for u in requests[before:] if "ml-lint-nb" in u]
    assert ours and all(re.search(r"/ml-lint-nb/(rules/ML\d{3}|lint\?path=)", u) for u in ours), (
        ours
    )
    assert not any(".." in u or "%2e%2e" in u.lower() for u in requests[before:])
    ignore = page.evaluate(f"() => ({CURRENT}.model.getMetadata('ml_lint_nb') || {{}}).ignore")
    assert ignore and all(re.fullmatch(r"ML\d{3}", c) for c in ignore), ignore
    assert not (lab.root / "pwned.txt").exists()
    # Markup in messages and evidence stayed text.
    assert page.evaluate("() => window.__mlnbXss === undefined")
    assert page.locator(".mlnb-rendered img, .mlnb-rendered script").count() == 0
    assert page.evaluate("() => ({}).polluted === undefined")
    shot(page, artefacts, "lab-crafted-payloads")


def run_cells(page: Any, positions: list[int]) -> None:
    """Run these cells (1-based positions) one by one, each after the previous one finished."""
    for position in positions:
        page.evaluate(
            f"""() => {{
              const p = {CURRENT};
              p.content.activeCellIndex = {position - 1};
              return window.jupyterapp.commands.execute('notebook:run-cell');
            }}"""
        )
        page.wait_for_function(f"() => !!{CURRENT}.model.cells.get({position - 1}).executionCount")
        page.wait_for_function(KERNEL_IDLE)
    page.wait_for_timeout(1000)


def panel_details(page: Any) -> list[dict[str, Any]]:
    """Each panel entry with its severity group and the place it names."""
    return page.evaluate(
        """() => [...document.querySelectorAll('#ml-lint-nb-panel .mlnb-entry')].map(b => ({
          code: b.dataset.code, cell: Number(b.dataset.cellIndex) + 1,
          severity: b.closest('.mlnb-group').className.match(/mlnb-sev-(\\w+)/)[1],
          where: b.querySelector('.mlnb-entry-where').textContent,
          tags: [...b.querySelectorAll('.mlnb-tag')].map(t => t.textContent)}))"""
    )


def prompt(page: Any, position: int) -> int:
    return page.evaluate(f"() => {CURRENT}.model.cells.get({position - 1}).executionCount")


def test_one_story_in_the_panel(page: Any, lab: JupyterProcess, artefacts: Path) -> None:
    """A partial run keeps what the saved file still says; one fact, one entry, one severity;
    cells named by prompt once they ran, with links that jump; saving changes no count."""
    open_lab_notebook(page, lab, "story.ipynb", "story")
    open_panel(page)
    page.wait_for_function(
        "() => document.querySelectorAll('#ml-lint-nb-panel .mlnb-entry').length >= 5"
    )
    before = panel_details(page)
    static = {(e["code"], e["cell"]) for e in before}
    assert {("ML402", 5), ("ML205", 8), ("ML502", 10)} <= static
    assert [e["where"] for e in before if e["code"] == "ML402"] == ["cell 5, line 1"]
    # Part of the notebook: the kernel speaks for what ran, the saved file for the rest.
    run_cells(page, [2, 3, 4, 5, 6, 7, 8, 9])
    after = panel_details(page)
    assert static <= {(e["code"], e["cell"]) for e in after}, after
    # One fact, one entry: three accuracy_score calls are one ML402, static and live.
    ml402 = [e for e in after if e["code"] == "ML402"]
    assert len(ml402) == 1 and ml402[0]["tags"] == ["static", "live"], ml402
    # Named by the prompt the user sees beside cell 5.
    assert ml402[0]["where"] == f"cell [{prompt(page, 5)}], line 1"
    # One severity: the panel's ML205 is the one the latest output shows (under cell 9, where
    # the code picked a depth by its test score).
    (ml205,) = [e for e in after if e["code"] == "ML205"]
    cells = page.locator(".jp-Notebook .jp-Cell")
    cell9 = cells.nth(8)
    cell9.scroll_into_view_if_needed()
    cell9.locator(".mlnb-summary").click()
    head = cell9.locator(".mlnb-finding[data-code='ML205']")
    assert head.count() == 1
    assert f"mlnb-sev-{ml205['severity']}" in head.get_attribute("class")
    assert ml205["severity"] == "warning"
    # The block under the loop (cell 8), drawn when the scores were only compared, tells the
    # severity the notebook gives the finding now, and says why it changed.
    cell8 = cells.nth(7)
    cell8.scroll_into_view_if_needed()
    cell8.locator(".mlnb-summary").click()
    older = cell8.locator(".mlnb-finding[data-code='ML205']")
    assert "mlnb-sev-warning" in older.get_attribute("class")
    older.locator(".mlnb-finding-head").click()
    assert "Now a warning" in older.inner_text()
    assert "info" not in cell8.locator(".mlnb-summary").inner_text()
    cell9.scroll_into_view_if_needed()
    # Its places are named by prompt and jump to their cells.
    head.locator(".mlnb-finding-head").click()
    links = head.locator(".mlnb-related .mlnb-cell-link")
    texts = links.all_inner_texts()
    assert any(t.startswith(f"cell [{prompt(page, 9)}], line 1 (choice") for t in texts), texts
    assert all(re.match(r"cell \[\d+\]", t) for t in texts), texts
    shot(page, artefacts, "lab-story-prompts")
    target = next(i for i, t in enumerate(texts) if t.startswith(f"cell [{prompt(page, 5)}]"))
    page.evaluate(f"() => {{ {CURRENT}.content.activeCellIndex = 0; }}")
    links.nth(target).click()
    page.wait_for_function(f"() => {CURRENT}.content.activeCellIndex === 4")
    # Saving brings the saved file's findings up to date: the count does not change.
    counts = page.locator(".mlnb-panel-counts").inner_text()
    with page.expect_response(lambda r: "/ml-lint-nb/lint?" in r.url):
        page.evaluate("window.jupyterapp.commands.execute('docmanager:save')")
    page.wait_for_timeout(1000)
    assert page.locator(".mlnb-panel-counts").inner_text() == counts
    assert len(panel_details(page)) == len(after)
    # The definition, then the cell that used it too early: that cell has run now, but the
    # kernel has no verdict on the saved order, so the saved file's ML502 stays listed.
    run_cells(page, [11, 10])
    ml502 = [e for e in panel_details(page) if e["code"] == "ML502" and e["cell"] == 10]
    assert ml502 and ml502[0]["tags"] == ["static"], panel_details(page)
    shot(page, artefacts, "lab-story-panel")
