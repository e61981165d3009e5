"""ml_lint_nb.server.lint: the lint-before-run logic, without a running server.

The endpoint itself is tested against a real Jupyter server in
tests/browser/test_server_endpoint.py (skipped where jupyter_server is missing).
"""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from ml_lint_nb.config import Config
from ml_lint_nb.server.lint import config_candidates, find_config, lint_model

DEMO = Path(__file__).resolve().parents[1] / "demo_notebooks" / "01_breast_cancer_svm.ipynb"


def test_text_and_notebook_models_give_the_cli_findings() -> None:
    from ml_lint_nb.engine import lint_file

    expected = [f.to_json()["code"] for f in lint_file(DEMO).findings]
    text = DEMO.read_text()
    as_text = lint_model({"path": "demo.ipynb", "content": text})
    as_notebook = lint_model({"path": "demo.ipynb", "content": json.loads(text)})
    assert as_text == as_notebook
    (file,) = as_text["files"]
    assert file["mode"] == "static" and file["path"] == "demo.ipynb"
    assert [f["code"] for f in file["findings"]] == expected
    assert as_text["summary"]["findings"]["error"] == 2


def test_bad_content_is_a_file_error() -> None:
    doc = lint_model({"path": "x.ipynb", "content": "{nope"})
    assert doc["files"][0]["error"] and doc["files"][0]["findings"] == []


def test_configuration_applies() -> None:
    doc = lint_model(
        {"path": "d.ipynb", "content": DEMO.read_text()},
        Config().with_overrides(select=None, ignore=("ML301",), extend_select=None),
    )
    assert "ML301" not in {f["code"] for f in doc["files"][0]["findings"]}


def test_config_candidates_stop_at_the_root() -> None:
    assert config_candidates("a/b/nb.ipynb") == [
        "a/b/pyproject.toml",
        "a/pyproject.toml",
        "pyproject.toml",
    ]
    assert config_candidates("nb.ipynb") == ["pyproject.toml"]


def _run(coro):
    """Run a coroutine on its own loop in a thread (Playwright's sync API, used by the
    browser tests in the same session, keeps an event loop running on the main thread)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def test_find_config_asks_the_contents_manager(tmp_path: Path) -> None:
    pytest.importorskip("jupyter_server")
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "pyproject.toml").write_text('[tool.ml-lint-nb]\nignore = ["ML205"]\n')

    class Manager:
        """A file-backed manager that only shows ``p/pyproject.toml``."""

        asked: list[str] = []

        def file_exists(self, path: str) -> bool:
            self.asked.append(path)
            return path == "p/pyproject.toml"

        def _get_os_path(self, path: str) -> str:
            return str(tmp_path / path)

    manager = Manager()
    config = _run(find_config(manager, "p/q/nb.ipynb"))
    assert "ML205" not in config.enabled_codes(None)
    assert manager.asked == ["p/q/pyproject.toml", "p/pyproject.toml"]
    # A manager with no OS paths (a database, S3) gets the defaults.
    assert _run(find_config(object(), "nb.ipynb")).source is None
