"""Rule fixtures: percent-format Python files that stand for notebooks.

``# %%`` starts a code cell (``# %% exec=7`` gives it a saved execution
count), ``# %% [markdown]`` a markdown cell, and ``# out: text`` lines at
the end of a cell become its saved text output. A line that must be
flagged carries ``# [ML203]`` (several codes: ``# [ML203, ML501]``); every
other line must stay silent for the codes under test.

A fixture whose first line is ``# live`` is a kernel fixture: it is run cell
by cell with the extension loaded (``tests/kernel_fixtures.py``), not read;
``fixture_files`` lists the static ones unless asked for those.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ml_lint_nb.facts.static.notebook import parse_notebook
from ml_lint_nb.facts.static.source import NotebookSource

FIXTURES = Path(__file__).parent / "fixtures" / "rules"
MARKER = re.compile(r"#\s*\[((?:ML\d{3})(?:\s*,\s*ML\d{3})*)\]")
HEADER = re.compile(r"^# %%(?:\s+\[(markdown|raw)\])?(?:\s+exec=(\d+|none))?\s*$")


def fixture_to_notebook_json(text: str) -> dict:
    cells: list[dict] = []
    current: dict | None = None
    for line in text.splitlines():
        m = HEADER.match(line)
        if m:
            current = {"kind": m.group(1) or "code", "exec": m.group(2), "lines": [], "out": []}
            cells.append(current)
            continue
        if current is None:
            continue  # a module docstring / comment before the first cell
        if line.startswith("# out:"):
            current["out"].append(line[len("# out:") :].removeprefix(" "))
        else:
            current["lines"].append(line)
    nb_cells = []
    for i, c in enumerate(cells, start=1):
        while c["lines"] and not c["lines"][-1].strip():
            c["lines"].pop()
        source = "\n".join(c["lines"])
        if c["kind"] == "code":
            count = None if c["exec"] in (None, "none") else int(c["exec"])
            outputs = []
            if c["out"]:
                outputs.append(
                    {"output_type": "stream", "name": "stdout", "text": "\n".join(c["out"]) + "\n"}
                )
            nb_cells.append(
                {
                    "cell_type": "code",
                    "id": f"c{i}",
                    "execution_count": count,
                    "metadata": {},
                    "outputs": outputs,
                    "source": source,
                }
            )
        else:
            nb_cells.append(
                {"cell_type": c["kind"], "id": f"c{i}", "metadata": {}, "source": source}
            )
    return {
        "nbformat": 4,
        "nbformat_minor": 5,
        "cells": nb_cells,
        "metadata": {
            "kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}
        },
    }


def load_fixture(path: Path) -> NotebookSource:
    data = json.dumps(fixture_to_notebook_json(path.read_text()))
    return parse_notebook(data, str(path))


def expected_markers(nb: NotebookSource) -> set[tuple[int, int, str]]:
    """(cell, line, code) for every marker in the fixture."""
    out = set()
    for cell in nb.cells:
        for lineno, line in enumerate(cell.source.splitlines(), start=1):
            m = MARKER.search(line)
            if m:
                for code in re.split(r"\s*,\s*", m.group(1)):
                    out.add((cell.index, lineno, code))
    return out


def fixture_files(code: str | None = None, *, live: bool = False) -> list[Path]:
    """The static fixtures (of one rule, or all); ``live=True``: the kernel fixtures instead."""
    pattern = f"{code}/*.py" if code else "ML*/*.py"
    return [p for p in sorted(FIXTURES.glob(pattern)) if is_live(p) == live]


# -- kernel fixtures -------------------------------------------------------------------------------
#
# A fixture whose first line is ``# live`` is run, not read: its code cells run
# one by one in an IPython shell with ``%load_ext ml_lint_nb`` (see
# tests/kernel_fixtures.py) and its markers sit where the hook reports. The
# static runner leaves it alone.

LIVE_HEADER = re.compile(r"^# live\b")


def is_live(path: Path) -> bool:
    """True for a kernel fixture: its first line is ``# live``."""
    with path.open(encoding="utf-8") as fh:
        return bool(LIVE_HEADER.match(fh.readline()))
