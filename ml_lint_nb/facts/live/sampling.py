"""Seeded row samples that cost what the sample costs, not what the frame costs.

``RandomState.choice(n, size, replace=False)`` permutes all ``n`` positions:
on a million-row frame that is ~10 ms per call, paid by every cell that
looks at the frame. Drawing with replacement and de-duplicating touches
only the sample.
"""

from __future__ import annotations

from typing import Any


def seeded_subset(n: int, size: int, seed: int, np: Any) -> Any:
    """``size`` distinct sorted positions out of ``n``, the same for the same seed."""
    rng = np.random.RandomState(seed)
    if n >= 10 * size:  # drawing with replacement avoids permuting a huge range
        picks = np.unique(rng.randint(0, n, size=size + size // 5 + 10))
        if len(picks) >= size:
            return np.sort(rng.choice(picks, size=size, replace=False))
    return np.sort(rng.choice(n, size=size, replace=False))
