"""Fixtures for the browser tests: Debian's chromium driven by Playwright, a real Jupyter.

Skipped, with the reason, where Playwright, JupyterLab/Notebook 7 or
``/usr/bin/chromium`` are missing (``.ci/run`` installs all three). No
browser is ever downloaded: Playwright launches the system chromium.
Screenshots go to the artefacts directory printed in the test header
(``ML_LINT_NB_ARTEFACTS`` to choose it).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import CHROMIUM, CHROMIUM_ARGS, artefacts_dir, missing_browser_stack


def pytest_report_header(config: pytest.Config) -> str:
    return f"ml-lint-nb browser test screenshots: {artefacts_dir()}"


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
