"""A time limit that static analysis checks cooperatively.

The Jupyter server lints saved notebooks in a worker thread, and a thread
cannot be stopped from outside: the interpreter asks :meth:`Deadline.check`
at each statement instead, so a crafted or huge notebook ends its own
analysis on time and the worker is free for the next request.
"""

from __future__ import annotations

import time


class LintTimeout(BaseException):
    """Raised when a deadline passes.

    A ``BaseException`` like ``KeyboardInterrupt``: the interpreter catches
    ``Exception`` around every statement so that one odd construct cannot
    lose a cell, and a time limit must pass through those handlers.
    """

    def __init__(self, seconds: float) -> None:
        super().__init__(f"linting stopped after {seconds:g} s (time limit)")
        self.seconds = seconds


class Deadline:
    """``Deadline(10).check()`` raises :class:`LintTimeout` once 10 s have passed."""

    __slots__ = ("seconds", "_until")

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._until = time.monotonic() + seconds

    def expired(self) -> bool:
        return time.monotonic() > self._until

    def check(self) -> None:
        if time.monotonic() > self._until:
            raise LintTimeout(self.seconds)
