"""What library calls mean: one module per library, each registering its handlers.

Importing a module registers its handlers in :mod:`..registry`'s tables
(``@function(root, names)``, ``@method(kind, names)``, ...). The list below
is every module loaded; the order matters only where two modules register
handlers under the same key, and then the earlier one is tried first.

To support a new library, add a module here that registers what its calls
mean, and list it in ``LIBRARIES``.
"""

from __future__ import annotations

from ml_lint_nb.facts.static.interpreter.libraries import (
    boosting,
    callbacks,
    imblearn,
    keras,
    pandas_numpy,
    python,
    scipy,
    sklearn,
    spark,
)

LIBRARIES = (python, callbacks, boosting, keras, spark, sklearn, scipy, imblearn, pandas_numpy)
