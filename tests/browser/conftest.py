"""Fixtures for the browser tests: Debian's chromium driven by Playwright, a real Jupyter.

Skipped, with the reason, where Playwright, JupyterLab/Notebook 7 or
``/usr/bin/chromium`` are missing (``.ci/run`` installs all three). No
browser is ever downloaded: Playwright launches the system chromium.
Screenshots go to the artefacts directory printed in the test header
(``ML_LINT_NB_ARTEFACTS`` to choose it).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
_ARTEFACTS: Path | None = None


def artefacts_dir() -> Path:
    global _ARTEFACTS
    if _ARTEFACTS is None:
        chosen = os.environ.get("ML_LINT_NB_ARTEFACTS")
        _ARTEFACTS = (
            Path(chosen) if chosen else Path(tempfile.mkdtemp(prefix="ml-lint-nb-browser-"))
        )
        _ARTEFACTS.mkdir(parents=True, exist_ok=True)
    return _ARTEFACTS


def pytest_report_header(config: pytest.Config) -> str:
    return f"ml-lint-nb browser test screenshots: {artefacts_dir()}"


def missing_browser_stack() -> str | None:
    """Why the browser tests cannot run here, or None."""
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[browser]')"
    try:
        import jupyterlab  # noqa: F401
        import notebook  # noqa: F401
    except ImportError:
        return "jupyterlab/notebook are not installed (pip install -e '.[browser]')"
    if not os.access(CHROMIUM, os.X_OK):
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    reason = missing_browser_stack()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def artefacts() -> Path:
    return artefacts_dir()


def copy_demo(root: Path, name: str, target: str = "demo.ipynb") -> Path:
    from jupyter_process import REPO

    root.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(REPO / "demo_notebooks" / name, root / target))
