"""The static interpreter: it reads a notebook's code cells without running them.

See :mod:`.core` for the evaluator; the re-exports below are the names other
packages use.
"""

from __future__ import annotations

from ml_lint_nb.facts.static.interpreter.core import BUILTIN_NAMES, Interpreter
from ml_lint_nb.facts.static.interpreter.records import Display, Proto, SplitToken

__all__ = ["BUILTIN_NAMES", "Display", "Interpreter", "Proto", "SplitToken"]
