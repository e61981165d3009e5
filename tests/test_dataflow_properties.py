"""Properties of the static dataflow: names carry no meaning, cell moves only move findings."""

from __future__ import annotations

import ast
import io
import json
import keyword
import random
import tokenize
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rule_fixtures import fixture_files, fixture_to_notebook_json

from ml_lint_nb.config import Config
from ml_lint_nb.engine import lint_source
from ml_lint_nb.facts.static.ipython_syntax import neutralise
from ml_lint_nb.facts.static.notebook import parse_notebook
from ml_lint_nb.rules.leakage.ml205_test_set_reuse import VALIDATION_WORDS

BAD = [p for p in fixture_files() if p.name.startswith("bad")]
NAME_CHARS = "abcdefghijklmnopqrstuvwxyz"


def _lint(nb_json: dict) -> set[tuple[int | None, int | None, str]]:
    nb = parse_notebook(json.dumps(nb_json), "x.ipynb")
    return {(f.location.cell, f.location.line, f.code) for f in lint_source(nb, Config()).findings}


def _user_names(nb_json: dict) -> set[str]:
    """Names the notebook binds itself (never imports, keywords or attributes)."""
    bound: set[str] = set()
    reserved: set[str] = set()
    for cell in nb_json["cells"]:
        if cell["cell_type"] != "code":
            continue
        tree = ast.parse(neutralise(cell["source"])[0] or "")  # %run lines are not Python
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                bound.add(node.id)
            elif isinstance(node, ast.FunctionDef):
                bound.add(node.name)
                bound.update(a.arg for a in node.args.args)
            elif isinstance(node, ast.keyword) and node.arg:
                reserved.add(node.arg)
            elif isinstance(node, ast.Attribute):
                reserved.add(node.attr)
            elif isinstance(node, ast.alias):
                reserved.add((node.asname or node.name).split(".")[0])
    return bound - reserved


def _rename(source: str, mapping: dict[str, str]) -> str:
    out = []
    prev = None
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.NAME and tok.string in mapping and prev != ".":
            tok = tok._replace(string=mapping[tok.string])
        out.append(tok)
        if tok.type not in (
            tokenize.NL,
            tokenize.NEWLINE,
            tokenize.COMMENT,
            tokenize.INDENT,
            tokenize.DEDENT,
        ):
            prev = tok.string
    return tokenize.untokenize(out)


@pytest.mark.parametrize("path", BAD, ids=lambda p: f"{p.parent.name}/{p.name}")
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed_int=st.integers(min_value=0, max_value=2**32))
def test_role_neutral_renaming_changes_no_finding(path: Path, seed_int: int) -> None:
    seed = random.Random(seed_int)
    nb_json = fixture_to_notebook_json(path.read_text())
    names = sorted(_user_names(nb_json))
    fresh = set()
    mapping = {}
    for name in names:
        while True:
            new = "v_" + "".join(seed.choice(NAME_CHARS) for _ in range(6))
            # role-neutral: a fresh name never reads as a validation set (``v_xdev1``)
            if new not in fresh and not keyword.iskeyword(new) and not VALIDATION_WORDS.search(new):
                break
        fresh.add(new)
        mapping[name] = new
    renamed = json.loads(json.dumps(nb_json))
    for cell in renamed["cells"]:
        if cell["cell_type"] == "code":
            cell["source"] = _rename(cell["source"], mapping)
    assert _lint(renamed) == _lint(nb_json)


@pytest.mark.parametrize("path", BAD, ids=lambda p: f"{p.parent.name}/{p.name}")
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_moving_an_independent_cell_only_moves_locations(path: Path, data) -> None:
    nb_json = fixture_to_notebook_json(path.read_text())
    base = {f for f in _lint(nb_json) if f[2] != "ML502"}
    position = data.draw(st.integers(min_value=0, max_value=len(nb_json["cells"])))
    independent = {
        "cell_type": "code",
        "id": "indep",
        "execution_count": None,
        "metadata": {},
        "outputs": [],
        "source": "print('an independent cell')",
    }
    moved = json.loads(json.dumps(nb_json))
    moved["cells"].insert(position, independent)
    got = {f for f in _lint(moved) if f[2] != "ML502"}
    shifted = {
        (c + 1 if c is not None and c > position else c, line, code) for c, line, code in base
    }
    assert got == shifted
