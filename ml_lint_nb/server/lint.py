"""Lint a notebook model that the contents manager returned; nothing is executed.

Kept apart from the tornado handlers so the logic is testable without a
server, and so a 100-cell notebook is linted from text already in memory
(no second read from disk, no nbformat validation).
"""

from __future__ import annotations

import json
import posixpath
from typing import Any

from ml_lint_nb.config import Config, ConfigError, load_config
from ml_lint_nb.engine import lint_source, not_evaluated
from ml_lint_nb.facts.static.notebook import parse_notebook
from ml_lint_nb.facts.static.source import NotebookError
from ml_lint_nb.findings import FileResult, RunResult
from ml_lint_nb.render.json_format import findings_document


def notebook_text(model: dict[str, Any]) -> str:
    """The notebook JSON of a contents-manager model (``type=file, format=text`` or ``notebook``)."""
    content = model.get("content")
    if isinstance(content, str):
        return content
    return json.dumps(content)


def lint_model(model: dict[str, Any], config: Config | None = None) -> dict[str, Any]:
    """The findings-json document (``mode: "static"``) for one contents model.

    An unparsable notebook is a document whose file entry carries ``error``,
    as the CLI reports it; the caller never has to catch.
    """
    from ml_lint_nb import __version__

    path = model.get("path") or model.get("name")
    config = config or Config()
    try:
        result = lint_source(parse_notebook(notebook_text(model), path), config)
    except NotebookError as exc:
        result = FileResult(path=path, error=str(exc))
    except Exception as exc:  # a linter bug must not become a 500 in the user's editor
        result = FileResult(path=path, error=f"internal error: {type(exc).__name__}: {exc}")
    run = RunResult(files=[result], not_evaluated=not_evaluated(config, "static"))
    return findings_document(run, __version__)


def config_candidates(path: str) -> list[str]:
    """``pyproject.toml`` paths to try, nearest first, from the notebook's folder to the root."""
    folder = posixpath.dirname(path.strip("/"))
    out = []
    while True:
        out.append(posixpath.join(folder, "pyproject.toml") if folder else "pyproject.toml")
        if not folder:
            return out
        folder = posixpath.dirname(folder)


async def find_config(contents_manager: Any, path: str) -> Config:
    """The project configuration, looked up only where the contents manager can see.

    Like the CLI it takes the nearest ``pyproject.toml`` with a
    ``[tool.ml-lint-nb]`` table, but it stops at the server's root and asks
    the contents manager whether each file exists (hidden files and
    out-of-root paths stay invisible). Only a file-backed manager has an OS
    path to read the TOML from; any other gets the defaults. A broken
    configuration falls back to the defaults too: the panel is advisory.
    """
    from jupyter_server.utils import ensure_async

    os_path_of = getattr(contents_manager, "_get_os_path", None)
    if os_path_of is None:
        return Config()
    for candidate in config_candidates(path):
        try:
            if not await ensure_async(contents_manager.file_exists(candidate)):
                continue
            from pathlib import Path

            config = load_config(Path(os_path_of(candidate)))
        except (ConfigError, OSError, ValueError):
            return Config()
        except Exception:  # a contents manager refusing the path (web.HTTPError, ...)
            return Config()
        if config.source is not None:
            return config
    return Config()
