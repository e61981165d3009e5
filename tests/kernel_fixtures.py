"""Kernel fixtures: rule fixtures that run in a real IPython shell instead of being read.

The file format is the static one (``tests/rule_fixtures.py``): ``# %%``
starts a code cell, ``# %% [markdown]`` a markdown cell, and ``# [ML101]``
marks a line that must be reported. What differs:

- the first line is ``# live``, so the static runner and the docs know it
  must run in a kernel;
- its code cells run one by one, in order, in an ``InteractiveShell`` with
  ``%load_ext ml_lint_nb`` (each with its cell id, as a notebook front end
  sends it), and a cell that raises fails the fixture;
- a marker sits on the line a finding is located on, in the cell it is
  located in, which may be an earlier cell than the one whose output showed
  it (a fit reported once its evaluation completes the evidence); a merged
  finding's other places (``also``) are marked too, as in static fixtures;
- live findings always carry a line: one the hook can only tie to its cell
  (a ConvergenceWarning raised somewhere inside ``cross_val_score``) is
  located on the cell's first line, so that is the line to mark.

A short example (``tests/fixtures/rules/ML403/bad_max_iter_too_small.py``)::

    # live
    # %%
    from sklearn.datasets import load_wine
    ...
    # %%
    clf = LogisticRegression(max_iter=100)
    clf.fit(X_train, y_train)  # [ML403]

Every other line must stay silent for the rule under test (the folder's
code); other rules may report what they like. Data is made in the fixture
(seeded) or taken from scikit-learn's bundled loaders, never downloaded,
and kept to a few thousand rows so that one fixture runs in about a second.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rule_fixtures import expected_markers, load_fixture

from ml_lint_nb.facts.static.source import NotebookSource

MIME = "application/vnd.ml-lint-nb.findings+json"


@dataclass
class KernelRun:
    """What running a kernel fixture showed."""

    notebook: NotebookSource
    findings: list[dict[str, Any]] = field(default_factory=list)  # as the JSON payload has them
    errors: list[str] = field(default_factory=list)  # the hook's internal errors (%mlcheck debug)

    def places(self, code: str) -> set[tuple[int | None, int | None, str]]:
        """(cell, line, code) of each finding of ``code``, its ``also`` places included."""
        cells = {c.cell_id: c.index for c in self.notebook.cells}
        out = set()
        for f in self.findings:
            if f["code"] != code:
                continue
            out.add((cells.get(f["cell_id"]), f["line"], code))
            for r in f.get("related", []):
                if r["role"].startswith("also"):
                    out.add((cells.get(r["cell_id"]), r["line"], code))
        return out

    def details(self) -> str:
        cells = {c.cell_id: c.index for c in self.notebook.cells}
        return "\n".join(
            f"  {cells.get(f['cell_id'])}:{f['line']} {f['code']} {f['message']}"
            for f in self.findings
        )


def _published(sh: Any) -> list[dict[str, Any]]:
    """The findings the shell displayed since the last call (and forget them)."""
    out = []
    for data in sh.published:
        if MIME in data:
            payload = data[MIME] if isinstance(data[MIME], dict) else json.loads(data[MIME])
            out += [f for file in payload["files"] for f in file["findings"]]
    sh.published.clear()
    return out


def run_kernel_fixture(sh: Any, path: Path) -> KernelRun:
    """Run the fixture's code cells in ``sh`` (the ``shell`` fixture of conftest), in order."""
    from ml_lint_nb.ipython import get_session

    nb = load_fixture(path)
    run = KernelRun(nb)
    _published(sh)
    for cell in nb.cells:
        if cell.cell_type != "code" or not cell.source.strip():
            continue
        result = sh.run_cell(cell.source, store_history=True, cell_id=cell.cell_id)
        error = result.error_before_exec or result.error_in_exec
        assert error is None, f"{path.name}: cell {cell.index} raised {error!r}"
        run.findings += _published(sh)
    session = get_session(sh)
    run.errors = list(session.errors) if session is not None else []
    return run


def expected_places(run: KernelRun, code: str) -> set[tuple[int | None, int | None, str]]:
    return {m for m in expected_markers(run.notebook) if m[2] == code}
