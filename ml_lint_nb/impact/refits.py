"""Fitting clones within a time budget, with progress, never touching the user's estimator.

Each refit fits a fresh ``sklearn.base.clone`` of the user's estimator (or
of a transformer) on copies of the data. A clone whose parameters leave
``random_state`` unset gets the session's seed in every refit, so that the
leaky and the honest refit differ only in the leak and not in their
randomness. Warnings the refits raise (a ``ConvergenceWarning``) are kept
out of the user's output and out of the hook's record of the cell.

The budget is checked before each refit against the longest refit so far:
a refit that would not finish in time is not started. Ctrl-C
(``KeyboardInterrupt``) stops the refit it interrupts; the caller reports
what was done.
"""

from __future__ import annotations

import contextlib
import time
import warnings
from collections.abc import Callable
from typing import Any

Progress = Callable[[int, int, str], None]  # (refits done, refits planned, what runs next)


class BudgetExceeded(Exception):
    """The next refit would not finish within the budget."""


def clone_of(estimator: Any, seed: int | None) -> Any:
    """A clone of ``estimator``; unset ``random_state`` parameters get ``seed`` (the clone's only).

    ``sklearn.base.clone`` reads ``get_params()`` and copies them: the
    user's estimator is neither fitted nor changed.
    """
    from sklearn.base import clone

    twin = clone(estimator)
    if seed is None:
        return twin
    try:
        params = twin.get_params(deep=True)
    except Exception:
        return twin
    unset = {
        key: seed
        for key, value in params.items()
        if (key == "random_state" or key.endswith("__random_state")) and value is None
    }
    if unset:
        with contextlib.suppress(Exception):
            twin.set_params(**unset)
    return twin


def unseeded(estimator: Any) -> bool:
    """Whether the estimator leaves some ``random_state`` parameter unset."""
    try:
        params = estimator.get_params(deep=True)
    except Exception:
        return False
    return any(
        (k == "random_state" or k.endswith("__random_state")) and v is None
        for k, v in params.items()
    )


class Refits:
    """The refits of one measurement: the budget, the progress and the warnings they raised.

    ``seconds``: the budget; ``planned``: refits expected (for the progress
    line); ``progress`` is told before each refit and at the end.
    """

    def __init__(
        self,
        seconds: float,
        planned: int,
        progress: Progress | None = None,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        """A budget of ``seconds`` from now."""
        self.seconds = seconds
        self.planned = max(planned, 1)
        self.progress = progress
        self.clock = clock
        self.start = clock()
        self.done = 0
        self.longest = 0.0
        self.warned: set[str] = set()  # categories of warnings the refits raised

    @property
    def elapsed(self) -> float:
        """Seconds since the measurement began."""
        return self.clock() - self.start

    def remaining(self) -> float:
        """Seconds left in the budget."""
        return self.seconds - self.elapsed

    def check(self, expected: float | None = None) -> None:
        """:class:`BudgetExceeded` when a refit as long as the longest so far would overrun."""
        need = self.longest if expected is None else expected
        if self.done and self.elapsed + need > self.seconds:
            raise BudgetExceeded()

    def fit(self, estimator: Any, X: Any, y: Any, what: str) -> Any:
        """Fit ``estimator`` (a clone: ours) on fresh copies of ``X``, ``y``, within the budget.

        Fresh copies each time: a step with ``copy=False`` scales its input in
        place, and the next refit must start from the same data.
        """
        from ml_lint_nb.impact.data import copy

        self.check()
        self.tell(what)
        X, y = copy(X), (None if y is None else copy(y))
        begin = self.clock()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter(
                "always"
            )  # recorded, never raised: filters as errors stay the user's
            estimator.fit(X, y) if y is not None else estimator.fit(X)
        self.longest = max(self.longest, self.clock() - begin)
        self.warned |= {w.category.__name__ for w in caught}
        self.done += 1
        return estimator

    def quietly(self, fn: Callable[[], Any]) -> Any:
        """``fn()`` (a prediction, a transform) with its warnings kept out of the output."""
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out = fn()
        self.warned |= {w.category.__name__ for w in caught}
        return out

    def tell(self, what: str) -> None:
        """Tell the progress line what runs next (it decides whether it shows)."""
        if self.progress is not None:
            self.planned = max(self.planned, self.done + 1)
            self.progress(self.done, self.planned, what)

    def finish(self) -> None:
        """The last progress update: everything planned is done."""
        if self.progress is not None:
            self.progress(self.done, self.done, "done")


__all__ = ["BudgetExceeded", "Progress", "Refits", "clone_of", "unseeded"]
