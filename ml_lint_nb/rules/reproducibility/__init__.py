"""ML5xx: reproducibility: a notebook that gives another answer when re-run.

One rule per module; this package re-exports the rule classes in code order.
"""

from __future__ import annotations

from ml_lint_nb.rules.reproducibility.ml501_unseeded_randomness import UnseededRandomness
from ml_lint_nb.rules.reproducibility.ml502_hidden_state import HiddenState

__all__ = [
    "UnseededRandomness",
    "HiddenState",
]
