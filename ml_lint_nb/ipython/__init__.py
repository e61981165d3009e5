"""The IPython front end: ``%load_ext ml_lint_nb`` registers the hook and ``%mlcheck``.

Loading is symmetric and idempotent: loading twice registers once, and
unloading removes exactly what loading added (the hook, the magic, the
warnings wrapper), so ``%reload_ext`` works. Loading itself is light: the
engine is imported when the first cell has run, so ``%load_ext`` returns at
once and a session that never runs a cell pays nothing.
"""

from __future__ import annotations

import contextlib
from typing import Any

_HOOKS: dict[int, _Hook] = {}


class _Hook:
    """The registered ``post_run_cell`` callback; builds the session on first use."""

    def __init__(self, shell: Any) -> None:
        """The warnings recorder now, the session (and the engine's import) at the first cell."""
        from ml_lint_nb.facts.live.warnings_capture import WarningRecorder

        self.shell = shell
        self.session: Any = None
        self.recorder = WarningRecorder()  # installed now: the first cell's warnings count too

    def get(self) -> Any:
        """The session, built on first use (so ``%load_ext`` itself stays light)."""
        if self.session is None:
            from ml_lint_nb.ipython.session import LiveSession

            self.session = LiveSession(self.shell, recorder=self.recorder)
        return self.session

    def __call__(self, result: Any = None) -> None:
        """The hook's contract, enforced here: nothing it does reaches the kernel.

        The cell has already run and its results are the user's; whatever
        the hook meets afterwards (a broken installation, a user's property
        raising ``SystemExit``, Ctrl-C pressed while it reads an object)
        ends the hook for this cell and nothing else. Objects themselves are
        read only through ``ml_lint_nb.facts.live.safe``.
        """
        try:
            session = self.get()
            session.post_run_cell(result)
        except BaseException:  # noqa: BLE001 - see the docstring: the kernel must survive
            return


def get_session(shell: Any) -> Any:
    """The session of ``shell``'s loaded extension, or None when it is not loaded."""
    hook = _HOOKS.get(id(shell))
    return hook.get() if hook is not None else None


def load_ipython_extension(shell: Any) -> None:
    """``%load_ext ml_lint_nb``: the hook, the warnings wrapper, ``%mlcheck`` (once per shell)."""
    if id(shell) in _HOOKS:
        return
    hook = _Hook(shell)
    _HOOKS[id(shell)] = hook
    hook.recorder.install()
    shell.events.register("post_run_cell", hook)
    shell.register_magic_function(_magic(hook), "line", "mlcheck")
    with contextlib.suppress(Exception):  # completion is a convenience; never fail the load
        shell.set_hook("complete_command", _complete, str_key="%mlcheck")


def unload_ipython_extension(shell: Any) -> None:
    """``%unload_ext ml_lint_nb``: removes exactly what loading added."""
    hook = _HOOKS.pop(id(shell), None)
    if hook is None:
        return
    with contextlib.suppress(ValueError):
        shell.events.unregister("post_run_cell", hook)
    hook.recorder.uninstall()
    with contextlib.suppress(AttributeError, KeyError):
        del shell.magics_manager.magics["line"]["mlcheck"]
    with contextlib.suppress(Exception):
        del shell.strdispatchers["complete_command"].strs["%mlcheck"]


def _complete(shell: Any, event: Any) -> list[str]:
    """Tab completion for ``%mlcheck``; a failure completes nothing rather than raising."""
    from ml_lint_nb.ipython.magics import complete

    try:
        return complete(shell, event)
    except Exception:
        return []


def _magic(hook: _Hook) -> Any:
    """The ``%mlcheck`` line magic, bound to this shell's hook (its session)."""

    def mlcheck(line: str) -> None:
        """Run one ``%mlcheck`` line; a usage error prints the usage, never a traceback."""
        from ml_lint_nb.ipython.magics import USAGE, UsageError, run

        try:
            run(hook.get(), line)
        except UsageError as exc:
            print(f"%mlcheck: {exc}\n{USAGE}")

    mlcheck.__doc__ = "Run ml-lint-nb checks on demand; `%mlcheck status` for the hook's state."
    return mlcheck
