"""Jupyter server extension: lint before run, and rule pages for the labextension.

Enabled by ``etc/jupyter/jupyter_server_config.d/ml_lint_nb.json`` (installed
with the package). The endpoints read notebooks only through the server's
contents manager, so they see exactly what the user may open, and never run
any of the notebook's code: the static linter parses, it does not execute.
"""

from __future__ import annotations

from typing import Any

__all__ = ["_jupyter_server_extension_points", "_load_jupyter_server_extension"]


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "ml_lint_nb.server"}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    """Register the handlers under ``<base_url>/ml-lint-nb/``."""
    from ml_lint_nb.server.handlers import handlers

    web_app = serverapp.web_app
    base_url = web_app.settings["base_url"]
    web_app.add_handlers(".*$", handlers(base_url))
    serverapp.log.info("ml_lint_nb: lint-before-run endpoint at %sml-lint-nb/lint", base_url)


# The name jupyter_server looked up before 2.0; kept so both spellings load.
load_jupyter_server_extension = _load_jupyter_server_extension
