"""The process that lints saved notebooks for the Jupyter server.

The server is shared by every user of a JupyterHub pod or a team server, and
a saved notebook is untrusted input. Linting in the server's own process
would share its interpreter lock with the event loop (a 10,000-line cell
slowed every other request to a second), and a thread cannot be stopped
from outside. A separate process has neither problem: it runs at a lower
priority under a memory limit, and the server kills it when it overruns.

Protocol: one JSON request per line on stdin (``{"text", "path", "config",
"seconds"}``), one JSON answer per line on stdout: ``{"doc": ...}`` or
``{"timeout": seconds}``. Nothing in a request is executed; ``config`` is a
``pyproject.toml`` path the server has already vetted.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from pathlib import Path
from typing import Any

MEMORY_LIMIT_ENV = "ML_LINT_NB_WORKER_MEMORY_MB"


def _limit_resources() -> None:
    """Lower priority, and an address-space limit so a hostile notebook cannot eat the host."""
    with contextlib.suppress(OSError):
        os.nice(5)
    try:
        import resource

        megabytes = int(os.environ.get(MEMORY_LIMIT_ENV, "0"))
        if megabytes > 0:
            limit = megabytes * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):
        pass


def answer(request: dict[str, Any]) -> dict[str, Any]:
    """The answer to one request; never raises."""
    from ml_lint_nb.config import Config, ConfigError, load_config
    from ml_lint_nb.facts.static.deadline import Deadline, LintTimeout
    from ml_lint_nb.server.lint import lint_model

    seconds = float(request.get("seconds") or 20.0)
    config = Config()
    source = request.get("config")
    if isinstance(source, str):
        try:
            config = load_config(Path(source))
        except (ConfigError, OSError, ValueError):
            config = Config()
    model = {"path": request.get("path"), "content": request.get("text") or ""}
    try:
        return {"doc": lint_model(model, config, Deadline(seconds))}
    except LintTimeout:
        return {"timeout": seconds}
    except MemoryError:
        return {"error": "the notebook needs more memory than the server allows for linting"}


def main() -> None:
    _limit_resources()
    out = sys.stdout
    for line in sys.stdin:
        try:
            request = json.loads(line)
        except ValueError:
            request = {}
        try:
            reply = answer(request if isinstance(request, dict) else {})
        except Exception as exc:  # the worker stays up for the next notebook
            reply = {"error": f"internal error: {type(exc).__name__}"}
        out.write(json.dumps(reply) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
