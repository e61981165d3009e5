"""The static interpreter: it reads a notebook's code cells without running them.

Where things are:

- :mod:`.core` -- the evaluator: cells, statements, expressions, the
  environment, notebook functions inlined at their call sites.
- :mod:`..values` -- the abstract values a name can hold.
- :mod:`.records` -- what is recorded: proto facts, split tokens, displays.
- :mod:`.registry` -- the handler tables the core asks what a library
  function, a method or an attribute means; :mod:`.api` -- what a handler
  may use of the interpreter.
- :mod:`.libraries` -- one module per library, each registering its handlers.
- :mod:`.estimators` -- the estimator protocol the libraries share.
- :mod:`.splits` -- split inference; :mod:`.statistics` -- statistics read as
  fits; :mod:`.selection` -- scores and model selection; :mod:`.displays` --
  printed evidence; :mod:`.columns` -- assignments into columns;
  :mod:`.rows` -- counting and stacking rows.

The names below are what other packages import.
"""

from __future__ import annotations

from ml_lint_nb.facts.static.interpreter.core import BUILTIN_NAMES, Interpreter
from ml_lint_nb.facts.static.interpreter.records import Display, Proto, SplitToken

__all__ = ["BUILTIN_NAMES", "Display", "Interpreter", "Proto", "SplitToken"]
