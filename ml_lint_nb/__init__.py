"""ml_lint_nb: catch machine-learning pitfalls in Jupyter notebooks.

Public API for scripts and papermill runs; the CLI and the kernel extension
are front ends over the same engine.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from ml_lint_nb.version import __version__

if TYPE_CHECKING:
    from ml_lint_nb.config import Config
    from ml_lint_nb.findings import Finding

__all__ = ["__version__", "lint_notebook", "load_ipython_extension", "unload_ipython_extension"]


def lint_notebook(path: str | os.PathLike[str], config: Config | None = None) -> list[Finding]:
    """Lint one notebook statically and return its findings (sorted).

    ``config`` defaults to the ``[tool.ml-lint-nb]`` table of the nearest
    ``pyproject.toml`` above the notebook. An unreadable notebook raises
    :class:`ml_lint_nb.facts.static.source.NotebookError`.
    """
    from pathlib import Path

    from ml_lint_nb.config import find_config
    from ml_lint_nb.engine import lint_file
    from ml_lint_nb.facts.static.source import NotebookError

    if config is None:
        config = find_config(Path(path).resolve().parent)
    result = lint_file(path, config)
    if result.error is not None:
        raise NotebookError(result.error)
    return result.findings


def load_ipython_extension(shell: object) -> None:
    """``%load_ext ml_lint_nb``: check every cell after it runs (see ml_lint_nb.ipython)."""
    from ml_lint_nb.ipython import load_ipython_extension as load

    load(shell)


def unload_ipython_extension(shell: object) -> None:
    from ml_lint_nb.ipython import unload_ipython_extension as unload

    unload(shell)
