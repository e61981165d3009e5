"""Helpers shared by the browser tests (kept out of conftest.py so that tests import them by a
unique module name)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

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
    """Where screenshots go: ``ML_LINT_NB_ARTEFACTS``, else a new temporary directory."""
    global _ARTEFACTS
    if _ARTEFACTS is None:
        chosen = os.environ.get("ML_LINT_NB_ARTEFACTS")
        _ARTEFACTS = (
            Path(chosen) if chosen else Path(tempfile.mkdtemp(prefix="ml-lint-nb-browser-"))
        )
        _ARTEFACTS.mkdir(parents=True, exist_ok=True)
    return _ARTEFACTS


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


def copy_demo(root: Path, name: str, target: str = "demo.ipynb") -> Path:
    from jupyter_process import REPO

    root.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(REPO / "demo_notebooks" / name, root / target))
