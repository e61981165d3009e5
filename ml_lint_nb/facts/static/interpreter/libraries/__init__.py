"""What library calls mean: one module per library, each registering its handlers.

Importing a module registers its handlers in the tables of :mod:`..registry`;
``LIBRARIES`` below is every module loaded, in an explicit order (no
discovery). The order matters only where two modules register under the
same key, and then the earlier module's handler is tried first (whatever the
order of the imports: :func:`..registry.order_by_module` sorts the tables).

To support a new library, add a module here and list it in ``LIBRARIES``::

    from ml_lint_nb.facts.static.interpreter.registry import NEXT, Call, function

    @function("statsmodels", ("OLS", "Logit"))  # statsmodels.api.OLS(y, X), any submodule
    def model(interp: Interp, call: Call) -> V:
        # a model of y on X: fitted on X's rows when .fit() is called
        ...

A handler returns the call's abstract value, or ``NEXT`` to let the next
candidate (and finally the generic reading) answer. Methods are registered
with ``@method(kind, names)``, attributes with ``@attribute(kind, names)``.
"""

from __future__ import annotations

from ml_lint_nb.facts.static.interpreter.libraries import (
    boosting,
    callbacks,
    imblearn,
    keras,
    notebook_classes,
    pandas_numpy,
    polars,
    python,
    scipy,
    sklearn,
    spark,
)
from ml_lint_nb.facts.static.interpreter.registry import order_by_module

LIBRARIES = (
    notebook_classes,
    python,
    callbacks,
    boosting,
    keras,
    spark,
    sklearn,
    scipy,
    imblearn,
    polars,
    pandas_numpy,
)
order_by_module(module.__name__ for module in LIBRARIES)
