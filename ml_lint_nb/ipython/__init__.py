"""The IPython front end: ``%load_ext ml_lint_nb`` registers the hook and ``%mlcheck``.

Loading is symmetric and idempotent: loading twice registers once, and
unloading removes exactly what loading added (the hook, the magic, the
warnings wrapper), so ``%reload_ext`` works.
"""

from __future__ import annotations

import contextlib
from typing import Any

_SESSIONS: dict[int, Any] = {}


def get_session(shell: Any) -> Any:
    return _SESSIONS.get(id(shell))


def load_ipython_extension(shell: Any) -> None:
    from ml_lint_nb.ipython.magics import register_magics
    from ml_lint_nb.ipython.session import LiveSession

    if id(shell) in _SESSIONS:
        return
    session = LiveSession(shell)
    _SESSIONS[id(shell)] = session
    session.install()
    shell.events.register("post_run_cell", session.post_run_cell)
    register_magics(shell, session)


def unload_ipython_extension(shell: Any) -> None:
    session = _SESSIONS.pop(id(shell), None)
    if session is None:
        return
    with contextlib.suppress(ValueError):
        shell.events.unregister("post_run_cell", session.post_run_cell)
    session.uninstall()
    from ml_lint_nb.ipython.magics import unregister_magics

    unregister_magics(shell)
