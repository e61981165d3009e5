"""What a reader sees under each cell, from a real kernel: first run, re-run, Run All, restart.

A notebook is run in a fresh kernel with the extension loaded by its first
cell, the way a user works in JupyterLab (nbclient sends cell ids like
JupyterLab does). The HTML our outputs leave under each cell is compared
with snapshots (``UPDATE_SNAPSHOTS=1`` to accept a change), and the
properties that matter are asserted outright: Run All without a restart
saves the same full blocks as the first run; a widgets-mode notebook
exported by nbconvert after its kernel is gone still shows the findings.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest

nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")
pytest.importorskip("sklearn")

MIME = "application/vnd.ml-lint-nb.findings+json"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
SNAPSHOTS = Path(__file__).parent / "snapshots" / "display"
ROOT = Path(__file__).resolve().parent.parent

CELLS = [
    "%load_ext ml_lint_nb",
    "from sklearn.datasets import load_breast_cancer\n"
    "from sklearn.linear_model import LogisticRegression\n"
    "from sklearn.model_selection import train_test_split\n"
    "from sklearn.preprocessing import StandardScaler\n"
    "X, y = load_breast_cancer(return_X_y=True, as_frame=True)",
    "scaler = StandardScaler()\nX_s = scaler.fit_transform(X)",
    "X_train, X_test, y_train, y_test = train_test_split(X_s, y, random_state=0)",
    "model = LogisticRegression(max_iter=1000).fit(X_train, y_train)\n"
    "print(round(model.score(X_test, y_test), 2))",
]
SPLIT = 3  # the cell whose run completes ML203's evidence


def _notebook(widgets: bool = False) -> nbformat.NotebookNode:
    cells = list(CELLS)
    if widgets:
        cells[0] += "\n%mlcheck display widgets"
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in cells]
    for i, cell in enumerate(nb.cells):
        cell.id = f"cell-{i}"  # stable ids, as JupyterLab keeps them
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    return nb


def _client(nb: nbformat.NotebookNode, tmp_path: Path) -> nbclient.NotebookClient:
    os.environ["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p
    )
    return nbclient.NotebookClient(
        nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )


def _run_cells(
    client: nbclient.NotebookClient, nb: nbformat.NotebookNode, which: list[int]
) -> None:
    for index in which:
        client.execute_cell(nb.cells[index], index)


def _ours(cell: nbformat.NotebookNode) -> list[dict]:
    return [o for o in cell.get("outputs", []) if MIME in o.get("data", {})]


def _html_by_cell(nb: nbformat.NotebookNode) -> dict[int, str]:
    """Our HTML block under each cell (cells with none left out).

    Prompt numbers (``cell [6]``) grow with every run and are the only
    thing a re-run may change, so they read ``[N]`` here.
    """
    out = {}
    for i, cell in enumerate(nb.cells):
        blocks = [o["data"]["text/html"] for o in _ours(cell)]
        if blocks:
            out[i] = re.sub(r"\[\d+\]", "[N]", "\n".join(blocks))
    return out


def _codes(html: str) -> list[str]:
    return re.findall(r"<code>(ML\d{3})</code>", html)


def _snapshot(name: str, by_cell: dict[int, str]) -> None:
    text = "".join(f"<!-- cell {i} -->\n{html}\n" for i, html in sorted(by_cell.items()))
    path = SNAPSHOTS / f"{name}.html"
    if os.environ.get("UPDATE_SNAPSHOTS") or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), (
        f"snapshot {path.name} differs (UPDATE_SNAPSHOTS=1 to accept)"
    )


@pytest.fixture(scope="module")
def sessions(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, dict[int, str]]]:
    """Run the scenarios once: first run, re-run of the split cell, Run All, restarted kernel."""
    tmp_path = tmp_path_factory.mktemp("sessions")
    nb = _notebook()
    seen: dict[str, dict[int, str]] = {}
    client = _client(nb, tmp_path)
    with client.setup_kernel():
        everything = list(range(len(nb.cells)))
        _run_cells(client, nb, everything)
        seen["first-run"] = _html_by_cell(nb)
        _run_cells(client, nb, [SPLIT])
        seen["re-run"] = {SPLIT: _html_by_cell(nb).get(SPLIT, "")}
        _run_cells(client, nb, everything)
        seen["run-all"] = _html_by_cell(nb)
    saved = tmp_path / "saved.ipynb"
    nbformat.write(nb, saved)
    restarted = nbformat.read(saved, as_version=4)
    _client(restarted, tmp_path).execute()
    seen["restarted"] = _html_by_cell(restarted)
    yield seen


def test_first_run_shows_the_finding_in_full_under_the_split(sessions) -> None:
    first = sessions["first-run"]
    assert "ML203" in _codes(first[SPLIT])
    assert '<details class="ml-lint-nb"' in first[SPLIT]
    assert "still present" not in "".join(first.values())
    _snapshot("first-run", first)


def test_re_run_shows_it_in_full_again(sessions) -> None:
    again = sessions["re-run"][SPLIT]
    assert again == sessions["first-run"][SPLIT]
    _snapshot("re-run", sessions["re-run"])


def test_run_all_without_restart_saves_what_the_first_run_saved(sessions) -> None:
    assert sessions["run-all"] == sessions["first-run"]
    _snapshot("run-all", sessions["run-all"])


def test_restarted_kernel_saves_the_same(sessions) -> None:
    assert sessions["restarted"] == sessions["first-run"]
    _snapshot("restarted", sessions["restarted"])


def test_blocks_read_as_words(sessions) -> None:
    """No cell ids, no bare pitfall numbers, no float noise in what a reader sees."""
    html = "".join(sessions["first-run"].values())
    assert "cell-3" not in html and "cell id" not in html
    assert "Pitfall" not in html
    assert not re.search(r"\d\.\d*(0000|9999)\d", html), "float noise in the block"
    assert "Why:" in html


@pytest.fixture(scope="module")
def widgets_notebook(tmp_path_factory: pytest.TempPathFactory) -> nbformat.NotebookNode:
    """A widgets-mode notebook run in a kernel that is gone by the time it is read."""
    pytest.importorskip("ipywidgets")
    nb = _notebook(widgets=True)
    _client(nb, tmp_path_factory.mktemp("widgets")).execute()
    return nb


def test_widgets_mode_survives_restart_and_nbconvert(
    widgets_notebook: nbformat.NotebookNode, tmp_path: Path
) -> None:
    """Widgets mode: the accordion is an extra output; the saved bundle still explains itself."""
    nbconvert = pytest.importorskip("nbconvert")
    nb = widgets_notebook
    split = nb.cells[SPLIT]
    kinds = [set(o.get("data", {})) for o in split.outputs]
    assert any(WIDGET_MIME in k for k in kinds), "no accordion in widgets mode"
    assert any(MIME in k and "text/html" in k for k in kinds), "no findings bundle beside it"
    widget_out = next(o for o in split.outputs if WIDGET_MIME in o.get("data", {}))
    assert "Accordion(" not in widget_out["data"]["text/plain"]
    assert "ML203" in _codes(_html_by_cell(nb)[SPLIT])
    path = tmp_path / "widgets.ipynb"
    nbformat.write(nb, path)  # the kernel is gone now: this is what a reader opens
    html, _ = nbconvert.HTMLExporter().from_filename(str(path))
    assert '<details class="ml-lint-nb"' in html
    assert "<code>ML203</code> preprocessing-before-split" in html
    assert "VBox(children" not in html and "Accordion(children" not in html


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_widgets_export_reads_in_a_browser(
    widgets_notebook: nbformat.NotebookNode, tmp_path: Path, theme: str
) -> None:
    """The exported findings, opened, render with readable contrast in both themes."""
    nbconvert = pytest.importorskip("nbconvert")
    from test_display_frontends import _contrast_pixels, _screenshot

    path = tmp_path / "widgets.ipynb"
    nbformat.write(widgets_notebook, path)
    html, _ = nbconvert.HTMLExporter(theme=theme).from_filename(str(path))
    html = html.replace("<details ", "<details open ")
    far, bg = _contrast_pixels(_screenshot(html, tmp_path, f"widgets-{theme}"))
    assert (bg < 0.3) if theme == "dark" else (bg > 0.7)
    assert far > 2000, "the findings block is blank or low-contrast"
