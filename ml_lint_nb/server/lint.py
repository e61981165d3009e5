"""Lint a notebook model that the contents manager returned; nothing is executed.

Kept apart from the tornado handlers so the logic is testable without a
server, and so a 100-cell notebook is linted from text already in memory
(no second read from disk, no nbformat validation).

A saved notebook is untrusted input and the server is shared: linting runs
in worker processes (:mod:`ml_lint_nb.server.worker`), never on the event
loop, and each request has a size limit and a time limit
(:class:`LintLimits`). A request that would exceed them gets a clear answer
instead of holding up everyone else.
"""

from __future__ import annotations

import asyncio
import json
import posixpath
from dataclasses import dataclass
from typing import Any

from ml_lint_nb.config import Config, ConfigError, load_config
from ml_lint_nb.engine import lint_source, not_evaluated
from ml_lint_nb.facts.static.deadline import Deadline
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


def lint_model(
    model: dict[str, Any], config: Config | None = None, deadline: Deadline | None = None
) -> dict[str, Any]:
    """The findings-json document (``mode: "static"``) for one contents model.

    An unparsable notebook is a document whose file entry carries ``error``,
    as the CLI reports it; the caller never has to catch, except
    :class:`~ml_lint_nb.facts.static.deadline.LintTimeout` when ``deadline`` passes.
    """
    from ml_lint_nb.version import __version__

    path = model.get("path") or model.get("name")
    config = config or Config()
    try:
        result = lint_source(parse_notebook(notebook_text(model), path), config, deadline)
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


@dataclass(frozen=True)
class LintLimits:
    """What one lint request may cost the server.

    Set in the server's configuration, e.g. in ``jupyter_server_config.py``:
    ``c.ServerApp.tornado_settings = {"ml_lint_nb": {"max_bytes": 50_000_000}}``.
    """

    max_bytes: int = 20_000_000  # a saved notebook larger than this is not linted
    seconds: float = 20.0  # analysis stops after this long
    workers: int = 2  # notebooks linted at the same time (one process each)
    queued: int = 8  # requests waiting for a worker before the server answers "busy"
    memory_mb: int = 2048  # address-space limit of a worker process

    @classmethod
    def from_settings(cls, settings: Any) -> LintLimits:
        """Limits from ``tornado_settings["ml_lint_nb"]``; unknown or bad values keep the default."""
        values: dict[str, Any] = {}
        raw = settings.get("ml_lint_nb") if hasattr(settings, "get") else None
        if isinstance(raw, dict):
            for name, kind in (
                ("max_bytes", int),
                ("seconds", float),
                ("workers", int),
                ("queued", int),
                ("memory_mb", int),
            ):
                value = raw.get(name)
                if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
                    values[name] = kind(value)
        return cls(**values)


class LintRefused(Exception):
    """A request the limits turn away; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class LintService:
    """Lints saved notebooks in worker processes (``ml_lint_nb.server.worker``), within limits.

    Workers start on first use and stay for the next request; one that
    overruns its time (something the cooperative deadline cannot interrupt)
    or dies is killed and replaced. Requests beyond ``workers + queued`` are
    refused at once rather than piling up.
    """

    def __init__(self, limits: LintLimits | None = None) -> None:
        self.limits = limits or LintLimits()
        self._idle: list[asyncio.subprocess.Process] = []
        self._started = 0  # live worker processes
        self._in_flight = 0  # requests running or waiting for a worker
        self._free: asyncio.Condition | None = None

    def check_size(self, size: Any) -> None:
        """Refuse a notebook whose size (bytes, from the contents model) is over the limit."""
        if isinstance(size, int) and size > self.limits.max_bytes:
            raise LintRefused(
                413,
                f"notebook too large to lint on the server ({size / 1e6:.1f} MB, "
                f"limit {self.limits.max_bytes / 1e6:.1f} MB); run ml-lint-nb check on it",
            )

    async def lint(self, model: dict[str, Any], config: Config) -> dict[str, Any]:
        """The findings document, or :class:`LintRefused` (too large, busy, out of time)."""
        text = notebook_text(model)
        self.check_size(len(text.encode("utf-8", "surrogatepass")))
        if self._in_flight >= self.limits.workers + self.limits.queued:
            raise LintRefused(503, "the server is busy linting other notebooks; try again")
        self._in_flight += 1
        try:
            request = {
                "text": text,
                "path": model.get("path") or model.get("name"),
                "config": str(config.source) if config.source is not None else None,
                "seconds": self.limits.seconds,
            }
            reply = await self._ask(json.dumps(request).encode() + b"\n")
        finally:
            self._in_flight -= 1
        if "doc" in reply:
            return reply["doc"]
        if "timeout" in reply:
            raise LintRefused(
                503,
                f"linting stopped after {self.limits.seconds:g} s (the server's time limit); "
                "run ml-lint-nb check on it",
            )
        raise LintRefused(503, f"linting failed on the server: {reply.get('error', 'no answer')}")

    async def _ask(self, request: bytes) -> dict[str, Any]:
        worker = await self._acquire()
        hard_limit = self.limits.seconds * 1.5 + 5
        reply: Any = None
        timed_out = False
        try:
            assert worker.stdin is not None and worker.stdout is not None
            worker.stdin.write(request)
            await worker.stdin.drain()
            line = await asyncio.wait_for(worker.stdout.readline(), timeout=hard_limit)
            reply = json.loads(line) if line else None
        except TimeoutError:
            timed_out = True
        except (OSError, ValueError):
            reply = None
        if not isinstance(reply, dict):
            self._discard(worker)
            if timed_out:
                return {"timeout": self.limits.seconds}
            return {"error": "the linting process stopped (out of memory?)"}
        self._release(worker)
        return reply

    async def _acquire(self) -> asyncio.subprocess.Process:
        if self._free is None:
            self._free = asyncio.Condition()
        async with self._free:
            while not self._idle and self._started >= self.limits.workers:
                await self._free.wait()
            if self._idle:
                return self._idle.pop()
            self._started += 1
        try:
            return await self._spawn()
        except BaseException:
            self._started -= 1
            await self._notify()
            raise

    async def _spawn(self) -> asyncio.subprocess.Process:
        import os
        import sys

        env = dict(os.environ)
        env["ML_LINT_NB_WORKER_MEMORY_MB"] = str(self.limits.memory_mb)
        return await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "ml_lint_nb.server.worker",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
            env=env,
            limit=256 * 1024 * 1024,  # one answer is one line
        )

    def _release(self, worker: asyncio.subprocess.Process) -> None:
        self._idle.append(worker)
        asyncio.ensure_future(self._notify())

    def _discard(self, worker: asyncio.subprocess.Process) -> None:
        if worker.returncode is None:
            worker.kill()
        asyncio.ensure_future(worker.wait())  # reaped, never a zombie
        self._started -= 1
        asyncio.ensure_future(self._notify())

    async def _notify(self) -> None:
        if self._free is not None:
            async with self._free:
                self._free.notify()

    async def shutdown(self) -> None:
        """Stop the idle workers (the server is stopping)."""
        for worker in self._idle:
            if worker.returncode is None:
                worker.kill()
                await worker.wait()
        self._idle.clear()
