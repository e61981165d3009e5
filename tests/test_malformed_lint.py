"""Bad input never stops a lint: each file gets a clear error, skip or note, and the rest is analysed."""

from __future__ import annotations

import json
from pathlib import Path

from ml_lint_nb.config import Config
from ml_lint_nb.engine import lint_file

MALFORMED = Path(__file__).parent / "fixtures" / "malformed"


def test_every_malformed_fixture_gives_a_result_not_an_exception() -> None:
    for path in sorted(MALFORMED.glob("*.ipynb")):
        res = lint_file(path, Config())
        assert res.error is None or res.error.strip(), path.name
        assert not [n for n in res.notes if "internal error" in n.message], (path.name, res.notes)


def test_syntax_error_cell_is_a_note_and_the_rest_is_linted(tmp_path: Path) -> None:
    cells = [
        "from sklearn.preprocessing import StandardScaler\nfrom sklearn.model_selection import train_test_split",
        "def broken(:\n    pass",
        "import pandas as pd\ndf = pd.read_csv('x.csv')\nXs = StandardScaler().fit_transform(df)",
        "a, b = train_test_split(Xs, random_state=0)",
    ]
    nb = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {},
        "cells": [
            {
                "cell_type": "code",
                "id": f"c{i}",
                "metadata": {},
                "outputs": [],
                "execution_count": None,
                "source": s,
            }
            for i, s in enumerate(cells)
        ],
    }
    path = tmp_path / "partly_broken.ipynb"
    path.write_text(json.dumps(nb))
    res = lint_file(path, Config())
    assert [(n.cell, "syntax error" in n.message) for n in res.notes] == [(2, True)]
    assert [(f.code, f.location.cell, f.location.line) for f in res.findings] == [("ML203", 3, 3)]


def test_two_thousand_cells_are_all_analysed(tmp_path: Path) -> None:
    cells = [{"cell_type": "markdown", "metadata": {}, "source": f"step {i}"} for i in range(1000)]
    cells += [
        {
            "cell_type": "code",
            "metadata": {},
            "outputs": [],
            "execution_count": i,
            "source": f"v{i} = {i}",
        }
        for i in range(1, 999)
    ]
    cells.append(
        {
            "cell_type": "code",
            "metadata": {},
            "outputs": [],
            "execution_count": 1000,
            "source": "from sklearn.datasets import load_wine\nfrom sklearn.model_selection import train_test_split\n"
            "X, y = load_wine(return_X_y=True)\nXa, Xb, ya, yb = train_test_split(X, y, shuffle=False)",
        }
    )
    path = tmp_path / "long.ipynb"
    path.write_text(
        json.dumps({"nbformat": 4, "nbformat_minor": 4, "metadata": {}, "cells": cells})
    )
    res = lint_file(path, Config())
    assert res.error is None
    assert [(f.code, f.location.cell, f.location.line) for f in res.findings] == [
        ("ML206", 1999, 4)
    ]
