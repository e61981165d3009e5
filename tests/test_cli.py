"""``ml-lint-nb check | rules | explain`` end to end, mostly in-process through ``main``."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from ml_lint_nb.cli.main import display_path, effective_jobs, main
from ml_lint_nb.config import clear_config_cache
from ml_lint_nb.rules.registry import RULES

REPO = Path(__file__).resolve().parents[1]
MALFORMED = REPO / "tests" / "fixtures" / "malformed"

LOAD = "from sklearn.datasets import load_breast_cancer\nX, y = load_breast_cancer(return_X_y=True)"
LEAKY = (
    "from sklearn.preprocessing import StandardScaler\n"
    "from sklearn.model_selection import train_test_split\n"
    "X_s = StandardScaler().fit_transform(X)\n"
    "X_train, X_test, y_train, y_test = train_test_split(X_s, y, random_state=0)"
)
CLEAN = "x = 1\nprint(x)"


def write_nb(path: Path, *sources: str, metadata: dict[str, Any] | None = None) -> Path:
    """A minimal nbformat 4 notebook with one code cell per source."""
    path.parent.mkdir(parents=True, exist_ok=True)
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": None,
                "id": f"c{i}",
                "metadata": {},
                "outputs": [],
                "source": src,
            }
            for i, src in enumerate(sources)
        ],
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
            **(metadata or {}),
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(nb, indent=1), encoding="utf-8")
    return path


def leaky(path: Path) -> Path:
    return write_nb(path, LOAD, LEAKY)


def clean(path: Path) -> Path:
    return write_nb(path, CLEAN)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    code, out, _ = run(capsys, "check", "--format", "json", *args)
    return code, json.loads(out)


def codes_by_path(doc: dict[str, Any]) -> dict[str, list[str]]:
    return {f["path"]: [x["code"] for x in f["findings"]] for f in doc["files"]}


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    clear_config_cache()


# -- exit codes -----------------------------------------------------------------------------------


def test_clean_notebook_exits_zero(tmp_path: Path, capsys) -> None:
    clean(tmp_path / "ok.ipynb")
    code, out, _ = run(capsys, "check", "ok.ipynb")
    assert code == 0
    assert "All checks passed" in out


def test_findings_exit_one_and_are_reported(tmp_path: Path, capsys) -> None:
    leaky(tmp_path / "nb" / "leaky.ipynb")
    code, out, _ = run(capsys, "check", "--no-color")
    assert code == 1
    assert "nb/leaky.ipynb" in out
    assert "ML203" in out


def test_exit_zero(tmp_path: Path, capsys) -> None:
    leaky(tmp_path / "leaky.ipynb")
    code, out, _ = run(capsys, "check", "--exit-zero", "leaky.ipynb")
    assert code == 0
    assert "ML203" in out


def test_fail_on(tmp_path: Path, capsys) -> None:
    leaky(tmp_path / "leaky.ipynb")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.ml-lint-nb.severity]\nML203 = "warning"\n', encoding="utf-8"
    )
    assert run(capsys, "check", "leaky.ipynb")[0] == 1
    assert run(capsys, "check", "--fail-on", "error", "leaky.ipynb")[0] == 0
    assert run(capsys, "check", "--fail-on", "info", "leaky.ipynb")[0] == 1


def test_json_output(tmp_path: Path, capsys) -> None:
    leaky(tmp_path / "b.ipynb")
    clean(tmp_path / "a.ipynb")
    code, doc = run_json(capsys, ".")
    assert code == 1
    assert doc["version"] == 1
    assert [f["path"] for f in doc["files"]] == ["a.ipynb", "b.ipynb"]
    assert codes_by_path(doc) == {"a.ipynb": [], "b.ipynb": ["ML203"]}
    finding = doc["files"][1]["findings"][0]
    assert finding["severity"] == "error" and finding["cell"] == 2
    assert isinstance(doc["not_evaluated"], list)
    assert doc["summary"]["findings"]["error"] == 1


@pytest.mark.parametrize("fmt", ["sarif", "github", "text"])
def test_other_formats(tmp_path: Path, capsys, fmt: str) -> None:
    leaky(tmp_path / "leaky.ipynb")
    code, out, _ = run(capsys, "check", "--format", fmt, "--no-color", "leaky.ipynb")
    assert code == 1
    assert "ML203" in out
    if fmt == "sarif":
        assert json.loads(out)["version"] == "2.1.0"


def test_selection_flags(tmp_path: Path, capsys) -> None:
    leaky(tmp_path / "leaky.ipynb")
    assert codes_by_path(run_json(capsys, "--ignore", "ML2", "leaky.ipynb")[1]) == {
        "leaky.ipynb": []
    }
    code, doc = run_json(capsys, "--select", "ML5,preprocessing-before-split", "leaky.ipynb")
    assert code == 1 and codes_by_path(doc) == {"leaky.ipynb": ["ML203"]}
    assert run_json(capsys, "--select", "ML5", "leaky.ipynb")[0] == 0


def test_unknown_selector_is_a_usage_error(tmp_path: Path, capsys) -> None:
    clean(tmp_path / "ok.ipynb")
    code, out, err = run(capsys, "check", "--select", "ML999", "ok.ipynb")
    assert code == 2
    assert "--select: unknown rule selector 'ML999'" in err
    assert out == ""


def test_config_error_exits_two(tmp_path: Path, capsys) -> None:
    clean(tmp_path / "ok.ipynb")
    (tmp_path / "pyproject.toml").write_text('[tool.ml-lint-nb]\nselct = ["ML2"]\n')
    code, _, err = run(capsys, "check", "--exit-zero", "ok.ipynb")
    assert code == 2
    assert "pyproject.toml: [tool.ml-lint-nb] selct: unknown key" in err


def test_forced_config(tmp_path: Path, capsys) -> None:
    leaky(tmp_path / "leaky.ipynb")
    (tmp_path / "pyproject.toml").write_text('[tool.ml-lint-nb]\nignore = ["ML203"]\n')
    other = tmp_path / "conf" / "strict.toml"
    other.parent.mkdir()
    other.write_text('[tool.ml-lint-nb]\nselect = ["ML2"]\n')
    assert run(capsys, "check", "leaky.ipynb")[0] == 0
    assert run(capsys, "check", "--config", str(other), "leaky.ipynb")[0] == 1
    code, _, err = run(capsys, "check", "--config", "missing.toml", "leaky.ipynb")
    assert code == 2 and "missing.toml" in err


@pytest.mark.parametrize("argv", [["bogus"], ["check", "--bogus"], ["check", "--jobs", "0"], []])
def test_usage_errors(capsys, argv: list[str]) -> None:
    assert run(capsys, *argv)[0] == 2


def test_execute_options_need_execute(tmp_path: Path, capsys) -> None:
    clean(tmp_path / "ok.ipynb")
    code, _, err = run(capsys, "check", "--allow-errors", "ok.ipynb")
    assert code == 2
    assert "go with --execute" in err


def test_help_and_version(capsys) -> None:
    code, out, _ = run(capsys, "check", "--help")
    assert code == 0 and "--execute" in out and "--fail-on" in out
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.startswith("ml-lint-nb ")


# -- malformed and missing inputs -----------------------------------------------------------------


def test_malformed_notebooks_are_errors_and_good_ones_still_reported(
    tmp_path: Path, capsys
) -> None:
    leaky(tmp_path / "good" / "leaky.ipynb")
    clean(tmp_path / "good" / "ok.ipynb")
    shutil.copytree(MALFORMED, tmp_path / "bad")
    code, doc = run_json(capsys, ".")
    assert code == 2
    files = {f["path"]: f for f in doc["files"]}
    assert [x["code"] for x in files["good/leaky.ipynb"]["findings"]] == ["ML203"]
    assert files["good/ok.ipynb"]["error"] is None
    for name in ("invalid", "json_list", "empty_file", "binary"):
        assert files[f"bad/{name}.ipynb"]["error"], name
    assert files["bad/r_kernel.ipynb"]["skipped"]
    assert files["bad/syntax_error.ipynb"]["error"] is None
    assert doc["summary"]["errors"] == 4
    # --exit-zero covers unreadable inputs too.
    assert run(capsys, "check", "--exit-zero", ".")[0] == 0


def test_invalid_json_among_good_ones_text(tmp_path: Path, capsys) -> None:
    clean(tmp_path / "a.ipynb")
    (tmp_path / "b.ipynb").write_text('{"cells": [', encoding="utf-8")
    leaky(tmp_path / "c.ipynb")
    code, out, _ = run(capsys, "check", "--no-color", ".")
    assert code == 2
    assert "b.ipynb" in out and "c.ipynb" in out and "ML203" in out


def test_missing_path_exits_two_others_still_linted(tmp_path: Path, capsys) -> None:
    leaky(tmp_path / "leaky.ipynb")
    code, out, err = run(capsys, "check", "--exit-zero", "nope.ipynb", "leaky.ipynb")
    assert code == 2
    assert "nope.ipynb: no such file or directory" in err
    assert "ML203" in out


def test_no_notebooks_found_warns(tmp_path: Path, capsys) -> None:
    (tmp_path / "empty").mkdir()
    code, _, err = run(capsys, "check", "empty")
    assert code == 0
    assert "no notebooks found" in err


# -- discovery ------------------------------------------------------------------------------------


def test_checkpoints_hidden_dirs_and_non_notebooks_skipped(tmp_path: Path, capsys) -> None:
    leaky(tmp_path / "nb" / ".ipynb_checkpoints" / "x-checkpoint.ipynb")
    leaky(tmp_path / ".venv" / "lib" / "x.ipynb")
    leaky(tmp_path / "nb" / "x.py")
    clean(tmp_path / "nb" / "x.ipynb")
    code, doc = run_json(capsys)
    assert code == 0
    assert [f["path"] for f in doc["files"]] == ["nb/x.ipynb"]


def test_explicit_checkpoint_file_is_skipped(tmp_path: Path, capsys) -> None:
    path = leaky(tmp_path / ".ipynb_checkpoints" / "x-checkpoint.ipynb")
    code, doc = run_json(capsys, str(path))
    assert code == 0
    assert doc["files"][0]["skipped"]


def test_exclude_and_per_directory_config(tmp_path: Path, capsys) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.ml-lint-nb]\nexclude = ["build", "scratch_*.ipynb"]\n'
        '[tool.ml-lint-nb.per-file-ignores]\n"legacy/*.ipynb" = ["ML203"]\n'
    )
    leaky(tmp_path / "build" / "x.ipynb")
    leaky(tmp_path / "scratch_1.ipynb")
    leaky(tmp_path / "legacy" / "old.ipynb")
    leaky(tmp_path / "main.ipynb")
    leaky(tmp_path / "sub" / "proj" / "x.ipynb")
    (tmp_path / "sub" / "proj" / "pyproject.toml").write_text(
        '[tool.ml-lint-nb]\nignore = ["preprocessing-before-split"]\n'
    )
    code, doc = run_json(capsys)
    assert code == 1
    assert codes_by_path(doc) == {
        "legacy/old.ipynb": [],
        "main.ipynb": ["ML203"],
        "sub/proj/x.ipynb": [],
    }
    # An excluded file given explicitly is reported as skipped, not linted.
    code, doc = run_json(capsys, "build/x.ipynb")
    assert code == 0 and doc["files"][0]["skipped"]


def test_suppressions_end_to_end(tmp_path: Path, capsys) -> None:
    write_nb(tmp_path / "a.ipynb", LOAD, "# ml-lint-nb: disable=ML203\n" + LEAKY)
    write_nb(tmp_path / "b.ipynb", LOAD, LEAKY, metadata={"ml_lint_nb": {"ignore": ["ML2"]}})
    code, doc = run_json(capsys)
    assert code == 0
    assert codes_by_path(doc) == {"a.ipynb": [], "b.ipynb": []}


def test_paths_outside_cwd_are_shown_as_given(tmp_path: Path, capsys, monkeypatch) -> None:
    leaky(tmp_path / "proj" / "leaky.ipynb")
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    code, doc = run_json(capsys, "../proj")
    assert [f["path"] for f in doc["files"]] == [os.path.join("../proj", "leaky.ipynb")]
    assert display_path(str(tmp_path / "elsewhere" / "a" / "b.ipynb")) == "a/b.ipynb"


def test_same_file_twice_is_linted_once(tmp_path: Path, capsys) -> None:
    leaky(tmp_path / "leaky.ipynb")
    _, doc = run_json(capsys, "leaky.ipynb", ".", "./leaky.ipynb")
    assert len(doc["files"]) == 1


# -- output options -------------------------------------------------------------------------------


def test_output_file(tmp_path: Path, capsys) -> None:
    leaky(tmp_path / "leaky.ipynb")
    code, out, _ = run(capsys, "check", "--format", "json", "--output", "report.json")
    assert code == 1
    assert out == ""
    doc = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert codes_by_path(doc) == {"leaky.ipynb": ["ML203"]}


def test_text_output_to_file_has_no_color(tmp_path: Path, capsys) -> None:
    leaky(tmp_path / "leaky.ipynb")
    run(capsys, "check", "-o", "report.txt")
    assert "\x1b[" not in (tmp_path / "report.txt").read_text(encoding="utf-8")


def test_quiet(tmp_path: Path, capsys) -> None:
    clean(tmp_path / "ok.ipynb")
    code, out, _ = run(capsys, "check", "--quiet")
    assert code == 0 and out == ""


def test_statistics(tmp_path: Path, capsys) -> None:
    leaky(tmp_path / "a.ipynb")
    leaky(tmp_path / "b.ipynb")
    code, out, _ = run(capsys, "check", "--statistics")
    assert code == 1
    assert out.split() == ["2", "ML203", "preprocessing-before-split"]
    _, out, _ = run(capsys, "check", "--statistics", "--format", "json")
    assert json.loads(out) == [{"code": "ML203", "name": "preprocessing-before-split", "count": 2}]


# -- parallel -------------------------------------------------------------------------------------


def test_jobs_two_matches_jobs_one(tmp_path: Path, capsys) -> None:
    for i in range(24):
        (leaky if i % 3 == 0 else clean)(tmp_path / f"d{i % 4}" / f"nb{i:02d}.ipynb")
    (tmp_path / "d1" / "broken.ipynb").write_text("{", encoding="utf-8")
    code1, out1, _ = run(capsys, "check", "--format", "json", "--jobs", "1")
    code2, out2, _ = run(capsys, "check", "--format", "json", "--jobs", "2")
    assert code1 == code2 == 2
    assert out1 == out2
    assert len(json.loads(out1)["files"]) == 25


def test_effective_jobs(monkeypatch) -> None:
    monkeypatch.setattr("os.cpu_count", lambda: 16)
    assert effective_jobs("auto", 10) == 1
    assert effective_jobs("auto", 64) == 1
    assert 1 <= effective_jobs("auto", 1000) <= 4
    assert effective_jobs(8, 10) == 1  # a pool does not pay for a handful of files
    assert effective_jobs(8, 100) == 8
    assert effective_jobs(1, 1000) == 1


def test_jobs_never_exceed_the_cpu_count(monkeypatch) -> None:
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    assert effective_jobs(300, 300) == 2
    assert effective_jobs(8, 100) == 2
    monkeypatch.setattr("os.cpu_count", lambda: None)  # unknown: one process
    assert effective_jobs(300, 300) == 1


# -- rules and explain ----------------------------------------------------------------------------


def test_rules_catalogue(capsys) -> None:
    code, out, _ = run(capsys, "rules")
    assert code == 0
    lines = out.splitlines()
    assert [line.split()[0] for line in lines] == [r.code for r in RULES]
    assert "preprocessing-before-split" in out
    # Aligned: every summary starts in the same column.
    starts = {line.index(r.summary) for line, r in zip(lines, RULES, strict=True) if r.summary}
    assert len(starts) == 1


def test_rules_json(capsys) -> None:
    code, out, _ = run(capsys, "rules", "--format", "json")
    rules = json.loads(out)
    assert code == 0
    assert [r["code"] for r in rules] == [r.code for r in RULES]
    assert {"code", "name", "severity", "detect", "summary", "pitfalls"} <= set(rules[0])


@pytest.mark.parametrize("ident", ["ML203", "ml203", "preprocessing-before-split"])
def test_explain(capsys, ident: str) -> None:
    code, out, _ = run(capsys, "explain", ident)
    assert code == 0
    assert "ML203 preprocessing-before-split" in out
    assert "error" in out


@pytest.mark.parametrize("ident", ["ML999", "ML2"])
def test_explain_unknown_or_ambiguous(capsys, ident: str) -> None:
    code, out, err = run(capsys, "explain", ident)
    assert code == 2 and out == "" and ident in err


# -- as a process ---------------------------------------------------------------------------------


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env.pop("NO_COLOR", None)
    return env


def test_python_dash_m(tmp_path: Path) -> None:
    leaky(tmp_path / "leaky.ipynb")
    (tmp_path / "bad.ipynb").write_text("not json", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "ml_lint_nb", "check", "--format", "json", "."],
        cwd=tmp_path,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stderr
    doc = json.loads(proc.stdout)
    assert codes_by_path(doc) == {"bad.ipynb": [], "leaky.ipynb": ["ML203"]}


HEAVY = ("pandas", "numpy", "IPython", "nbformat", "jsonschema", "sklearn", "ipywidgets")


def test_start_up_imports_nothing_heavy(tmp_path: Path) -> None:
    clean(tmp_path / "ok.ipynb")
    code = textwrap.dedent(
        f"""
        import contextlib, io, sys
        from ml_lint_nb.cli.main import main
        with contextlib.redirect_stdout(io.StringIO()):
            main(["check", "--help"])
        help_only = sorted(m for m in {HEAVY!r} if m in sys.modules)
        lazy = ("ml_lint_nb.engine", "ml_lint_nb.rules.registry")
        light = not any(m in sys.modules for m in lazy)
        with contextlib.redirect_stdout(io.StringIO()):
            main(["check", "ok.ipynb"])
        full = sorted(m for m in {HEAVY!r} if m in sys.modules)
        print(help_only, light, full)
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=_env(), capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split("\n")[0] == "[] True []"


def test_execute_does_not_leak_into_the_next_in_process_run(tmp_path: Path, capsys) -> None:
    """``main()`` called twice in one process: a static run after ``--execute`` stays static."""
    copy = tmp_path / "nb.ipynb"
    copy.write_text(
        (Path(__file__).parent.parent / "demo_notebooks" / "07_fraud_done_right.ipynb").read_text(
            encoding="utf-8"
        )
    )
    assert main(["check", "--execute", "--kernel", "no-such-kernel", str(copy)]) == 2
    capsys.readouterr()
    assert main(["check", "--format", "json", str(copy)]) in (0, 1)
    doc = json.loads(capsys.readouterr().out)
    assert doc["files"][0]["error"] is None
