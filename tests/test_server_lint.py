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
from crafted import column_assignments

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


def test_a_deadline_stops_the_analysis() -> None:
    from ml_lint_nb.facts.static.deadline import Deadline, LintTimeout

    with pytest.raises(LintTimeout, match="time limit"):
        lint_model({"path": "big.ipynb", "content": column_assignments(2000)}, None, Deadline(0))


def test_the_service_refuses_oversized_notebooks() -> None:
    from ml_lint_nb.server.lint import LintLimits, LintRefused, LintService

    service = LintService(LintLimits(max_bytes=1000))
    with pytest.raises(LintRefused) as refused:
        service.check_size(5_000_000)
    assert refused.value.status == 413 and "too large" in refused.value.message
    with pytest.raises(LintRefused):
        _run(service.lint({"path": "x.ipynb", "content": DEMO.read_text()}, Config()))
    service.check_size(None)  # a contents manager that gives no size is not refused


def test_the_service_lints_in_a_worker_and_answers_out_of_time_and_busy() -> None:
    from ml_lint_nb.server.lint import LintLimits, LintRefused, LintService

    service = LintService(LintLimits(seconds=0.3, workers=1, queued=0))
    big = {"path": "big.ipynb", "content": column_assignments(20_000)}
    demo = {"path": "d.ipynb", "content": DEMO.read_text()}

    async def session() -> list[object]:
        first, second = await asyncio.gather(
            service.lint(big, Config()), service.lint(big, Config()), return_exceptions=True
        )
        # the worker is free again for the next notebook, whose findings are the CLI's
        third = await service.lint(demo, Config())
        await service.shutdown()
        return [first, second, third]

    first, second, third = _run(session())
    assert isinstance(first, LintRefused) and first.status == 503, first
    assert "time limit" in first.message
    assert isinstance(second, LintRefused) and "busy" in second.message
    assert third == lint_model(demo, Config())


def test_limits_from_server_settings() -> None:
    from ml_lint_nb.server.lint import LintLimits

    limits = LintLimits.from_settings(
        {"ml_lint_nb": {"seconds": 5, "max_bytes": "x", "workers": True}}
    )
    assert limits.seconds == 5.0
    assert limits.max_bytes == LintLimits().max_bytes and limits.workers == LintLimits().workers
    assert LintLimits.from_settings({}) == LintLimits()
