"""The analysis cache: same report warm or cold, edits and configuration seen, bad entries ignored.

Timing lives in ``benchmarks/bench_cache.py``; here only behaviour.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from ml_lint_nb.cli.cache import CACHE_DIR_NAME, TAG, Cache, tool_fingerprint
from ml_lint_nb.cli.main import main, not_evaluated_codes
from ml_lint_nb.config import Config, clear_config_cache
from ml_lint_nb.engine import not_evaluated

DEMOS = Path(__file__).resolve().parent.parent / "demo_notebooks"


@pytest.fixture()
def project(tmp_path: Path, monkeypatch) -> Path:
    """The demos in a fresh folder, linted from there, with the cache in its default place."""
    shutil.copytree(DEMOS, tmp_path / "nb", ignore=shutil.ignore_patterns("*.md", "*.py"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ML_LINT_NB_CACHE_DIR", raising=False)
    return tmp_path


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["check", *args])
    out, err = capsys.readouterr()
    return code, out, err


def _entries(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.json") if p.parent.parent.parent == root)


def test_warm_run_reports_what_a_cold_run_reports(project: Path, capsys) -> None:
    for fmt in ("json", "text", "sarif"):
        cold = _run(capsys, "nb", "--format", fmt, "--no-cache")
        assert fmt != "json" or not (project / CACHE_DIR_NAME).exists()
        fill = _run(capsys, "nb", "--format", fmt)
        warm = _run(capsys, "nb", "--format", fmt)
        assert cold == fill == warm
    cache = project / CACHE_DIR_NAME
    assert (cache / "CACHEDIR.TAG").read_text() == TAG
    assert (cache / ".gitignore").read_text().splitlines()[-1] == "*"
    assert len(_entries(cache)) == len(list((project / "nb").glob("*.ipynb")))


def test_the_cache_answers_and_sees_an_edit(project: Path, capsys) -> None:
    _run(capsys, "nb/02_churn_imbalanced.ipynb", "--format", "json")
    (entry,) = _entries(project / CACHE_DIR_NAME)
    # a warm run answers from the entry: a marker planted in it shows up
    doc = json.loads(entry.read_text())
    doc["result"]["findings"][0]["message"] = "answered from the cache"
    entry.write_text(json.dumps(doc))
    _code, out, _ = _run(capsys, "nb/02_churn_imbalanced.ipynb", "--format", "json")
    assert "answered from the cache" in out
    # an edit of the notebook is a miss: analysed again, and the entry replaced
    path = project / "nb" / "02_churn_imbalanced.ipynb"
    path.write_text(path.read_text().replace("random_state=7)", "random_state=7, stratify=y)"))
    _code, out, _ = _run(capsys, "nb/02_churn_imbalanced.ipynb", "--format", "json")
    assert "answered from the cache" not in out
    assert "ML208" not in {f["code"] for f in json.loads(out)["files"][0]["findings"]}
    assert len(_entries(project / CACHE_DIR_NAME)) == 1


def test_configuration_is_part_of_the_key(project: Path, capsys) -> None:
    _run(capsys, "nb", "-q")
    _code, out, _ = _run(capsys, "nb", "--select", "ML208", "--format", "json")
    assert {f["code"] for file in json.loads(out)["files"] for f in file["findings"]} == {"ML208"}
    (project / "pyproject.toml").write_text('[tool.ml-lint-nb]\nignore = ["ML208"]\n')
    clear_config_cache()  # a new process would look again
    _code, out, _ = _run(capsys, "nb", "--format", "json")
    codes = {f["code"] for file in json.loads(out)["files"] for f in file["findings"]}
    assert "ML208" not in codes and "ML203" in codes
    # the cache now sits beside the configuration that applies
    assert (project / CACHE_DIR_NAME / "CACHEDIR.TAG").exists()


def test_cache_beside_the_configuration(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.delenv("ML_LINT_NB_CACHE_DIR", raising=False)
    root = tmp_path / "project"
    shutil.copytree(DEMOS, root / "notebooks", ignore=shutil.ignore_patterns("*.md", "*.py"))
    (root / "pyproject.toml").write_text('[tool.ml-lint-nb]\nignore = ["ML501"]\n')
    clear_config_cache()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    _run(capsys, str(root / "notebooks"), "-q")
    assert (root / CACHE_DIR_NAME / "CACHEDIR.TAG").exists()
    assert not (elsewhere / CACHE_DIR_NAME).exists()


@pytest.mark.parametrize(
    "damage",
    [
        b"",
        b"\x00\xff garbage",
        b"[1, 2, 3]",
        b'{"format": 1, "key": "x", "result": {}}',
        "wrong key",
        "wrong types",
        "huge",
    ],
)
def test_a_corrupt_or_hostile_entry_is_a_miss(project: Path, capsys, damage) -> None:
    target = "nb/05_wide_data_no_regularization.ipynb"
    cold = _run(capsys, target, "--format", "json", "--no-cache")
    _run(capsys, target, "-q")
    (entry,) = _entries(project / CACHE_DIR_NAME)
    doc = json.loads(entry.read_text())
    if damage == "wrong key":
        doc["key"] = "0" * 64
        doc["result"]["findings"] = []
        data = json.dumps(doc).encode()
    elif damage == "wrong types":
        doc["result"]["findings"][0]["cell"] = "<script>"
        data = json.dumps(doc).encode()
    elif damage == "huge":
        data = b" " * (17 * 1024 * 1024)
    else:
        data = damage
    entry.write_bytes(data)
    assert _run(capsys, target, "--format", "json") == cold
    # the miss rewrote the entry; the next run is a hit again
    assert json.loads(entry.read_text())["key"] != "0" * 64
    assert _run(capsys, target, "--format", "json") == cold


def test_an_entry_that_is_not_a_file_is_a_miss(project: Path, capsys) -> None:
    target = "nb/01_breast_cancer_svm.ipynb"
    cold = _run(capsys, target, "--format", "json", "--no-cache")
    _run(capsys, target, "-q")
    (entry,) = _entries(project / CACHE_DIR_NAME)
    entry.unlink()
    os.symlink("/dev/zero", entry)
    assert _run(capsys, target, "--format", "json") == cold


def test_a_cache_folder_that_is_a_link_is_not_used(project: Path, capsys, tmp_path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    os.symlink(outside, project / CACHE_DIR_NAME)
    code, _out, _err = _run(capsys, "nb", "-q")
    assert code == 1
    assert list(outside.iterdir()) == []


def test_no_cache_and_parallel_workers(project: Path, capsys) -> None:
    cold = _run(capsys, "nb", "--format", "json", "--no-cache", "--jobs", "1")
    assert not (project / CACHE_DIR_NAME).exists()
    many = project / "many"
    for i in range(12):  # above the size where --jobs starts a pool
        shutil.copytree(project / "nb", many / f"copy{i}")
    parallel = _run(capsys, "many", "--format", "json", "--jobs", "2")
    again = _run(capsys, "many", "--format", "json", "--jobs", "2")
    assert parallel == again
    assert len(_entries(project / CACHE_DIR_NAME)) == 12 * len(
        list((project / "nb").glob("*.ipynb"))
    )
    leftovers = [p for p in (project / CACHE_DIR_NAME).rglob(".tmp-*")]
    assert leftovers == []
    assert cold[0] == 1


def test_tool_builds_do_not_share_entries(project: Path) -> None:
    assert tool_fingerprint("1.0.0") != tool_fingerprint("1.0.1")
    assert tool_fingerprint("1.0.0") == tool_fingerprint("1.0.0")
    old = Cache("0.0.1-0000000000000000")
    new = Cache(tool_fingerprint("0.1.0"))
    config = Config()
    path = str(project / "nb" / "07_fraud_done_right.ipynb")
    assert old.entry_path(path, config) != new.entry_path(path, config)


def test_clean_removes_only_our_folders(project: Path, capsys, monkeypatch) -> None:
    _run(capsys, "nb", "-q")
    nested = project / "sub" / CACHE_DIR_NAME
    nested.mkdir(parents=True)
    (nested / "CACHEDIR.TAG").write_text(TAG)
    foreign = project / "other" / CACHE_DIR_NAME
    foreign.mkdir(parents=True)
    (foreign / "CACHEDIR.TAG").write_text("Signature: 8a477f597d28d172789f06886806bc55\n# pip\n")
    assert main(["clean"]) == 0
    _out, err = capsys.readouterr()
    assert not (project / CACHE_DIR_NAME).exists() and not nested.exists()
    assert foreign.exists()
    assert f"Removing cache at: {CACHE_DIR_NAME}" in err
    monkeypatch.setenv("ML_LINT_NB_CACHE_DIR", str(project / "other"))
    assert main(["clean"]) == 0
    assert "left alone" in capsys.readouterr().err


@pytest.mark.parametrize("select", [None, ("ML2",), ("ML101", "ML203")])
def test_not_evaluated_without_the_engine(select) -> None:
    config = Config() if select is None else Config(select=select)
    assert not_evaluated_codes(config, "static") == not_evaluated(config, "static")
    assert not_evaluated_codes(config, "execute") == []


def test_every_fixture_reads_back_the_same(tmp_path: Path, monkeypatch, capsys) -> None:
    """Every field a renderer shows survives the cache, on every rule fixture notebook."""
    from rule_fixtures import FIXTURES, fixture_to_notebook_json

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ML_LINT_NB_CACHE_DIR", str(tmp_path / "cache"))
    for i, src in enumerate(sorted(FIXTURES.glob("ML*/*.py"))):
        nb = fixture_to_notebook_json(src.read_text())
        (tmp_path / f"{i:03d}_{src.stem}.ipynb").write_text(json.dumps(nb))
    for fmt in ("json", "sarif", "text"):
        cold = _run(capsys, ".", "--format", fmt, "--no-cache")
        _run(capsys, ".", "--format", fmt)
        assert _run(capsys, ".", "--format", fmt) == cold
