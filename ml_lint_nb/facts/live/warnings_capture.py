"""Warnings a cell raised, observed through a chained ``warnings.showwarning``.

:class:`WarningRecorder` puts a thin wrapper in front of whatever
``warnings.showwarning`` is when it is installed: the wrapper notes the
warning and then calls the previous function, so the user still sees every
warning exactly as before. It never touches the warning *filters*: a
warning the user (or a library) filtered out never reaches ``showwarning``
and is not seen here, by design; fitted state (``n_iter_`` at ``max_iter``)
is the signal that survives filtering.

Blocks such as ``warnings.catch_warnings(record=True)`` temporarily replace
``showwarning`` and restore it on exit; warnings recorded inside them are
theirs, not ours.
"""

from __future__ import annotations

import sys
import threading
import warnings
from collections import deque
from collections.abc import Callable
from typing import Any

MAX_MESSAGE = 500
DEFAULT_CAPACITY = 200

Recorded = tuple[str, str, str | None]  # (category name, message, module)


class _Wrapper:
    """One installation's ``showwarning``: records while active, always delegates."""

    def __init__(self, recorder: WarningRecorder, previous: Callable[..., Any]) -> None:
        """Chained in front of ``previous``, the ``showwarning`` it was installed over."""
        self.recorder = recorder
        self.previous = previous
        self.active = True

    def __call__(
        self,
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: Any = None,
        line: str | None = None,
    ) -> Any:
        """Note the warning (while active), then show it exactly as before."""
        if self.active:
            self.recorder._record(message, category, filename)
        return self.previous(message, category, filename, lineno, file, line)


class WarningRecorder:
    """Collects the warnings shown while installed, in a bounded, thread-safe buffer.

    Parameters
    ----------
    capacity : int
        The most warnings kept between two :meth:`drain` calls; older ones
        are dropped first and counted in :attr:`dropped`.
    """

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        """An empty buffer, not yet installed."""
        self._lock = threading.Lock()
        self._buffer: deque[Recorded] = deque(maxlen=max(1, int(capacity)))
        self._wrapper: _Wrapper | None = None
        self.dropped = 0

    # -- installation ------------------------------------------------------------------------------
    @property
    def installed(self) -> bool:
        """Whether the wrapper is in front of ``warnings.showwarning`` now."""
        return self._wrapper is not None

    def install(self) -> None:
        """Chain in front of the current ``warnings.showwarning``; a second call does nothing."""
        with self._lock:
            if self._wrapper is not None:
                return
            wrapper = _Wrapper(self, warnings.showwarning)
            warnings.showwarning = wrapper
            self._wrapper = wrapper

    def uninstall(self) -> bool:
        """Stop recording; restore the previous ``showwarning`` if ours is still the current one.

        When someone replaced ``showwarning`` after us, their function stays
        (it may still call ours, which then only delegates). Returns whether
        the previous function was restored.
        """
        with self._lock:
            wrapper = self._wrapper
            if wrapper is None:
                return False
            self._wrapper = None
            wrapper.active = False
            if warnings.showwarning is wrapper:
                warnings.showwarning = wrapper.previous
                return True
            return False

    # -- the buffer --------------------------------------------------------------------------------
    def _record(self, message: Any, category: Any, filename: Any) -> None:
        """Keep (category, message, module); a warning that fails to render is dropped."""
        try:
            name = getattr(category, "__name__", None) or type(message).__name__
            text = str(message)[:MAX_MESSAGE]
            entry = (str(name), text, module_of(filename))
        except Exception:
            return
        with self._lock:
            if len(self._buffer) == self._buffer.maxlen:
                self.dropped += 1
            self._buffer.append(entry)

    def drain(self) -> list[Recorded]:
        """The warnings recorded since the last call, oldest first; empties the buffer."""
        with self._lock:
            out = list(self._buffer)
            self._buffer.clear()
            return out


def module_of(filename: Any) -> str | None:
    """``.../site-packages/sklearn/linear_model/_logistic.py`` -> ``sklearn.linear_model._logistic``.

    A warning attributed to user code (a cell, a script) has no module: None.
    """
    if not isinstance(filename, str) or not filename.endswith(".py"):
        return None
    path = filename.replace("\\", "/")
    for marker in ("/site-packages/", "/dist-packages/"):
        if marker in path:
            rel = path.rsplit(marker, 1)[1][: -len(".py")]
            parts = [p for p in rel.split("/") if p]
            if parts and parts[-1] == "__init__":
                parts.pop()
            if parts and all(p.isidentifier() for p in parts):
                return ".".join(parts)
            return None
    return _loaded_module(filename)


_MODULE_CACHE: dict[str, str | None] = {}


def _loaded_module(filename: str) -> str | None:
    """The imported module whose ``__file__`` is ``filename`` (editable installs, stdlib)."""
    if filename in _MODULE_CACHE:
        return _MODULE_CACHE[filename]
    found = None
    try:
        for name, mod in list(sys.modules.items()):
            if getattr(mod, "__file__", None) == filename:
                found = name
                break
    except Exception:
        found = None
    if len(_MODULE_CACHE) >= 256:
        _MODULE_CACHE.clear()
    _MODULE_CACHE[filename] = found
    return found
