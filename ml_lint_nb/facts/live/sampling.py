"""Seeded row samples that cost what the sample costs, not what the frame costs.

``RandomState.choice(n, size, replace=False)`` permutes all ``n`` positions:
on a million-row frame that is ~10 ms per call, paid by every cell that
looks at the frame. Drawing with replacement and de-duplicating touches
only the sample. A private ``RandomState`` keeps the user's global random
state untouched; NumPy is the user's, passed in.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ml_lint_nb.facts.live.limits import LiveLimits

FULL_MIN_ROWS = 1_000_000  # a full check is exact on at least this many rows


def seeded_subset(n: int, size: int, seed: int, np: Any) -> Any:
    """``size`` distinct sorted positions out of ``n``, the same for the same seed."""
    rng = np.random.RandomState(seed)
    if n >= 10 * size:  # drawing with replacement avoids permuting a huge range
        picks = np.unique(rng.randint(0, n, size=size + size // 5 + 10))
        if len(picks) >= size:
            return np.sort(rng.choice(picks, size=size, replace=False))
    return np.sort(rng.choice(n, size=size, replace=False))


def sample_positions(n: int, limits: LiveLimits, np: Any, cap: int | None = None) -> Any:
    """Sorted positions of a seeded row sample, or ``None`` when every row is inspected.

    ``limits.full`` (``%mlcheck df``) inspects up to :func:`full_rows` rows
    exactly.
    """
    cap = limits.max_rows if cap is None else cap
    if n <= cap or (cap == limits.max_rows and limits.full and n <= full_rows(limits)):
        return None
    return seeded_subset(n, cap, limits.seed, np)


def full_rows(limits: LiveLimits) -> int:
    """Rows a full check inspects exactly: five times the cap, and never fewer than a million."""
    return max(5 * limits.max_rows, FULL_MIN_ROWS)


def original(positions: Any, picked: Iterable[int]) -> tuple[int, ...]:
    """Positions among sampled rows mapped back to the user's object (``positions`` None: all)."""
    if positions is None:
        return tuple(int(p) for p in picked)
    return tuple(int(positions[p]) for p in picked)
