"""The notebook loader: nbformat semantics, lenient pieces, clear errors, nothing else raised."""

from __future__ import annotations

import ast
import contextlib
import json
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ml_lint_nb.facts.static.notebook import FINDINGS_MIME, load_notebook, parse_notebook
from ml_lint_nb.facts.static.source import NotebookError, NotebookSource

MALFORMED = Path(__file__).parent / "fixtures" / "malformed"


def notebook(cells: list[Any], minor: int = 5, **metadata: Any) -> dict[str, Any]:
    meta = metadata or {"kernelspec": {"name": "python3", "language": "python"}}
    return {"cells": cells, "metadata": meta, "nbformat": 4, "nbformat_minor": minor}


def code(source: Any, cell_id: str | None = None, **extra: Any) -> dict[str, Any]:
    cell: dict[str, Any] = {"cell_type": "code", "metadata": {}, "outputs": [], "source": source}
    cell["execution_count"] = extra.pop("execution_count", None)
    if cell_id is not None:
        cell["id"] = cell_id
    cell.update(extra)
    return cell


def markdown(source: str, cell_id: str | None = None) -> dict[str, Any]:
    cell = {"cell_type": "markdown", "metadata": {}, "source": source}
    if cell_id is not None:
        cell["id"] = cell_id
    return cell


def parse(nb: dict[str, Any]) -> NotebookSource:
    return parse_notebook(json.dumps(nb).encode(), "nb.ipynb")


def error_of(data: bytes | str) -> str:
    with pytest.raises(NotebookError) as info:
        parse_notebook(data, "bad.ipynb")
    return str(info.value)


# --- nbformat 4 -------------------------------------------------------------


def test_v45_notebook_with_ids(tmp_path: Path) -> None:
    path = tmp_path / "a.ipynb"
    nb = notebook(
        [markdown("# Title", "m-1"), code("x = 1", "c-1", execution_count=3)],
        kernelspec={"name": "python3", "language": "python"},
        ml_lint_nb={"ignore": ["ML203"]},
    )
    path.write_text(json.dumps(nb))
    src = load_notebook(path)
    assert src.path == str(path)
    assert src.nbformat == 4
    assert src.language == "python"
    assert [(c.index, c.cell_id, c.cell_type) for c in src.cells] == [
        (1, "m-1", "markdown"),
        (2, "c-1", "code"),
    ]
    cell = src.cells[1]
    assert (cell.source, cell.python, cell.skip_reason, cell.execution_count) == (
        "x = 1",
        "x = 1",
        None,
        3,
    )
    assert src.cells[0].python is None and src.cells[0].skip_reason is None
    assert src.ignored_codes == ("ML203",)


def test_display_path_is_used(tmp_path: Path) -> None:
    path = tmp_path / "a.ipynb"
    path.write_text(json.dumps(notebook([])))
    assert load_notebook(path, display_path="nbs/a.ipynb").path == "nbs/a.ipynb"


def test_v40_without_ids_has_no_cell_ids() -> None:
    src = parse(notebook([markdown("m"), code("x = 1")], minor=0))
    assert [c.cell_id for c in src.cells] == [None, None]


def test_source_as_list_is_joined() -> None:
    src = parse(notebook([code(["import os\n", "x = 1\n", "y = 2"])]))
    assert src.cells[0].source == "import os\nx = 1\ny = 2"


def test_markdown_cells_count_in_positions() -> None:
    src = parse(notebook([markdown("a"), markdown("b"), code("x = 1"), {"cell_type": "raw"}]))
    assert [c.index for c in src.code_cells] == [3]
    assert [c.cell_type for c in src.cells] == ["markdown", "markdown", "code", "raw"]


def test_notebook_without_cells() -> None:
    assert parse(notebook([])).cells == ()
    no_key = {"metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    assert parse(no_key).cells == ()
    assert load_notebook(MALFORMED / "empty_cells.ipynb").cells == ()


def test_metadata_is_the_notebook_metadata() -> None:
    meta = {"kernelspec": {"language": "python"}, "custom": {"a": 1}}
    assert parse(notebook([], **meta)).metadata == meta


# --- language ---------------------------------------------------------------


def test_r_kernel_notebook() -> None:
    src = load_notebook(MALFORMED / "r_kernel.ipynb")
    assert src.language == "r"
    (cell,) = src.code_cells
    assert cell.index == 2
    assert cell.python is None
    assert cell.skip_reason == "kernel language r: not Python"


@pytest.mark.parametrize(
    "metadata, language",
    [
        ({}, None),
        ({"kernelspec": {"language": "Python"}}, "python"),
        ({"language_info": {"name": "python"}}, "python"),
        ({"kernelspec": {"name": "julia-1.9"}, "language_info": {"name": "Julia"}}, "julia"),
        ({"kernelspec": "oops", "language_info": {"name": ""}}, None),
    ],
)
def test_language_from_metadata(metadata: dict[str, Any], language: str | None) -> None:
    nb = notebook([code("x = 1")])
    nb["metadata"] = metadata
    src = parse(nb)
    assert src.language == language
    python_expected = language in (None, "python")
    assert (src.cells[0].python is not None) == python_expected


# --- IPython syntax and syntax errors ----------------------------------------


def test_code_cells_are_neutralised() -> None:
    src = parse(notebook([code("%matplotlib inline\nx = 1"), code("%%bash\nls")]))
    assert src.cells[0].python == "pass\nx = 1"
    assert (src.cells[1].python, src.cells[1].skip_reason) == (
        None,
        "cell magic %%bash: not Python",
    )


def test_syntax_error_fixture_loads_and_only_one_cell_is_broken() -> None:
    src = load_notebook(MALFORMED / "syntax_error.ipynb")
    broken = []
    for cell in src.code_cells:
        try:
            ast.parse(cell.python or "")
        except SyntaxError:
            broken.append(cell.index)
    assert broken == [3]
    assert [c.execution_count for c in src.code_cells] == [1, 2, 3]


# --- outputs ----------------------------------------------------------------


def test_outputs_text_kinds() -> None:
    outputs = [
        {"output_type": "stream", "name": "stdout", "text": ["a\n", "b\n"]},
        {"output_type": "execute_result", "data": {"text/plain": ["(569, ", "30)"]}},
        {"output_type": "display_data", "data": {"image/png": "iVBOR"}},
        {"output_type": "error", "ename": "ValueError", "evalue": "x", "traceback": []},
        {
            "output_type": "display_data",
            "data": {
                "text/html": "<style>td {x: 1}</style><table><tr><th>a</th><th>b</th></tr>"
                "<tr><td>1</td><td>&lt;2&gt;</td></tr></table>"
            },
        },
    ]
    src = parse(notebook([code("x", outputs=outputs)]))
    assert src.cells[0].outputs_text == ("a\nb\n", "(569, 30)", "a b\n1 <2>")


def test_text_plain_is_preferred_over_html() -> None:
    out = {"output_type": "execute_result", "data": {"text/plain": "df", "text/html": "<b>x</b>"}}
    assert parse(notebook([code("x", outputs=[out])])).cells[0].outputs_text == ("df",)


def test_saved_findings_outputs_are_excluded() -> None:
    outputs = [
        {"output_type": "stream", "name": "stdout", "text": "user output"},
        {
            "output_type": "display_data",
            "data": {
                FINDINGS_MIME: {"version": 1, "files": []},
                "text/plain": "ML203 preprocessing-before-split ...",
                "text/html": "<details>ML203</details>",
            },
            "metadata": {},
        },
        {
            "output_type": "display_data",
            "data": {"text/plain": "ml-lint-nb: still present"},
            "metadata": {"ml_lint_nb": {"session": 1}},
        },
    ]
    src = parse(notebook([code("x", outputs=outputs)]))
    assert src.cells[0].outputs_text == ("user output",)


# --- nbformat 3 -------------------------------------------------------------


def test_v3_notebook_is_upgraded() -> None:
    src = load_notebook(MALFORMED / "v3.ipynb")
    assert src.nbformat == 3
    assert src.language == "python"
    assert [(c.index, c.cell_type, c.cell_id) for c in src.cells] == [
        (1, "markdown", None),
        (2, "markdown", None),
        (3, "code", None),
        (4, "code", None),
        (5, "raw", None),
    ]
    assert src.cells[0].source == "# A v3 notebook"
    assert src.cells[2].source == "import math\nx = math.pi"
    assert src.cells[2].python == src.cells[2].source
    assert [c.execution_count for c in src.code_cells] == [1, 2]
    assert src.cells[3].outputs_text == ("3.14159\n", "42")


def test_v3_matches_nbformat_upgrade_except_ids() -> None:
    import nbformat

    text = (MALFORMED / "v3.ipynb").read_text()
    reference = nbformat.reads(text, as_version=4)
    src = parse_notebook(text, None)
    assert [(c.cell_type, c.source) for c in src.cells] == [
        (c.cell_type, c.source) for c in reference.cells
    ]


def test_v3_without_worksheets_is_an_error() -> None:
    assert error_of(json.dumps({"nbformat": 3, "metadata": {}})) == (
        "nbformat 3 notebook has no worksheets"
    )


# --- errors -----------------------------------------------------------------


def test_invalid_json() -> None:
    with pytest.raises(NotebookError, match=r"^not valid JSON: Expecting ',' delimiter \(line 3"):
        load_notebook(MALFORMED / "invalid.ipynb")


@pytest.mark.parametrize(
    "text, kind",
    [("[1, 2]", "a list"), ('"x"', "a string"), ("3", "a number"), ("null", "null")],
)
def test_top_level_not_an_object(text: str, kind: str) -> None:
    assert error_of(text) == f"not a notebook: top-level JSON is {kind}"


def test_json_list_fixture() -> None:
    with pytest.raises(NotebookError, match="^not a notebook: top-level JSON is a list$"):
        load_notebook(MALFORMED / "json_list.ipynb")


@pytest.mark.parametrize("name", ["empty_file.ipynb"])
def test_empty_file(name: str) -> None:
    with pytest.raises(NotebookError, match="^empty file, not a notebook$"):
        load_notebook(MALFORMED / name)
    assert error_of(b"  \n") == "empty file, not a notebook"


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "model.ipynb"
    rng = random.Random(0)
    path.write_bytes(bytes(rng.randrange(256) for _ in range(512)) + b"\x00")
    with pytest.raises(NotebookError, match="^binary file, not a notebook$"):
        load_notebook(path)
    with pytest.raises(NotebookError, match="^binary file, not a notebook$"):
        load_notebook(MALFORMED / "binary.ipynb")
    assert error_of(b'{"a": "\xff\xfe"}') == "binary file, not a notebook"


def test_unreadable(tmp_path: Path) -> None:
    with pytest.raises(NotebookError, match=r"^unreadable: \[Errno 2\] No such file"):
        load_notebook(tmp_path / "missing.ipynb")
    with pytest.raises(NotebookError, match=r"^unreadable: \[Errno 21\] Is a directory$"):
        load_notebook(tmp_path)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root can read anything")
def test_permission_denied(tmp_path: Path) -> None:
    path = tmp_path / "secret.ipynb"
    path.write_text("{}")
    path.chmod(0)
    with pytest.raises(NotebookError, match=r"^unreadable: \[Errno 13\] Permission denied$"):
        load_notebook(path)


@pytest.mark.parametrize(
    "nb, message",
    [
        ({"cells": []}, "not a notebook: no 'nbformat' version"),
        ({"nbformat": 2, "worksheets": []}, "nbformat 2 notebooks are not supported"),
        ({"nbformat": 1}, "nbformat 1 notebooks are not supported"),
        ({"nbformat": 5, "cells": []}, "unsupported nbformat 5"),
        ({"nbformat": "four"}, "not a notebook: nbformat is 'four'"),
        ({"nbformat": 4, "cells": {"a": 1}}, "not a notebook: 'cells' is not a list"),
    ],
)
def test_unsupported_versions_and_shapes(nb: dict[str, Any], message: str) -> None:
    assert error_of(json.dumps(nb)).startswith(message)


def test_deeply_nested_json_is_an_error_not_a_crash() -> None:
    assert error_of("[" * 100_000 + "]" * 100_000).startswith("not valid JSON")


# --- leniency ---------------------------------------------------------------


def test_odd_cells_are_read_leniently() -> None:
    nb = notebook(
        [
            "not a cell",
            code(42, "c1"),  # source is an int
            {"cell_type": "code"},  # no source, no outputs
            {"source": "x = 1"},  # no cell_type
            code(["a = 1\n", 7, None, "b = 2"], outputs="nope", execution_count=True),
            code("y", outputs=[None, 3, {"output_type": "stream", "text": 5}]),
            code("z", 12, metadata=None),  # id that is not a string
        ],
        minor=4,
    )
    src = parse(nb)
    assert [c.index for c in src.cells] == [1, 2, 3, 4, 5, 6]
    assert [c.cell_type for c in src.cells] == ["code", "code", "raw", "code", "code", "code"]
    assert src.cells[0].source == "" and src.cells[0].cell_id == "c1"
    assert src.cells[1].python == ""
    assert src.cells[3].source == "a = 1\nb = 2"
    assert src.cells[3].execution_count is None
    assert src.cells[3].outputs_text == ()
    assert src.cells[4].outputs_text == ()
    assert src.cells[5].cell_id is None


def test_str_input_with_bom_and_float_version() -> None:
    text = "\ufeff" + json.dumps({"nbformat": 4.0, "cells": [code("x")], "metadata": []})
    src = parse_notebook(text, None)
    assert src.path is None and src.metadata == {} and len(src.cells) == 1


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=20,
)
_CELL_KEYS = st.sampled_from(
    ["cell_type", "source", "id", "outputs", "execution_count", "metadata", "input"]
)
_CELL = st.dictionaries(_CELL_KEYS, _JSON | st.sampled_from(["code", "markdown", "%%bash\n!x"]))
_NOTEBOOKISH = st.fixed_dictionaries(
    {"nbformat": st.sampled_from([3, 4, 4, 5, "4", None])},
    optional={
        "cells": st.lists(_CELL | _JSON, max_size=5) | _JSON,
        "worksheets": st.lists(st.fixed_dictionaries({"cells": st.lists(_CELL, max_size=3)})),
        "metadata": _JSON,
    },
)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
def test_random_bytes_only_raise_notebook_error(data: bytes) -> None:
    with contextlib.suppress(NotebookError):
        parse_notebook(data, None)


@settings(max_examples=300, deadline=None)
@given(_NOTEBOOKISH)
def test_random_notebook_shapes_only_raise_notebook_error(nb: dict[str, Any]) -> None:
    text = json.dumps(nb)
    try:
        src = parse_notebook(text, None)
    except NotebookError:
        return
    assert [c.index for c in src.cells] == list(range(1, len(src.cells) + 1))
    for cell in src.cells:
        assert isinstance(cell.source, str)
        assert all(isinstance(t, str) for t in cell.outputs_text)


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=1, max_value=400))
def test_truncated_json_is_an_error(cut: int) -> None:
    text = (MALFORMED / "syntax_error.ipynb").read_text()
    if cut >= len(text.rstrip()):
        return
    with pytest.raises(NotebookError):
        parse_notebook(text[:cut], None)


# --- cost ------------------------------------------------------------------


def test_two_thousand_cells_load_fast(tmp_path: Path) -> None:
    cells = []
    for i in range(2000):
        if i % 10 == 0:
            cells.append(markdown(f"## Step {i}", f"m{i}"))
        else:
            src = ["import numpy as np\n", f"x{i} = np.arange({i})\n", f"print(x{i}.sum())\n"]
            if i % 7 == 0:
                src.insert(0, "%time\n")
            out = {"output_type": "stream", "name": "stdout", "text": [f"{i}\n"]}
            cells.append(code(src, f"c{i}", execution_count=i, outputs=[out]))
    path = tmp_path / "big.ipynb"
    path.write_text(json.dumps(notebook(cells)))
    src = load_notebook(path)  # speed is measured by benchmarks/bench_static.py, not here
    assert len(src.cells) == 2000
    assert src.cells[-1].index == 2000


def test_import_does_not_pull_in_nbformat() -> None:
    code_ = (
        "import sys, ml_lint_nb.facts.static.notebook as m;"
        'm.parse_notebook(b\'{"nbformat": 4, "cells": []}\', None);'
        "print('nbformat' in sys.modules, 'IPython' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code_], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
