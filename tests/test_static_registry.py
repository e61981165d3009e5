"""The handler tables try libraries in the order ``LIBRARIES`` gives, not the import order."""

from __future__ import annotations

from ml_lint_nb.facts.static.interpreter import registry
from ml_lint_nb.facts.static.interpreter.libraries import LIBRARIES


def _rank(handler: object) -> int:
    names = [m.__name__ for m in LIBRARIES]
    return names.index(handler.__module__)


def test_every_key_follows_the_libraries_order() -> None:
    for table in (registry.FUNCTIONS, registry.METHODS, registry.ATTRIBUTES):
        for key, handlers in table.items():
            ranks = [_rank(h) for h in handlers]
            assert ranks == sorted(ranks), key


def test_polars_reads_a_mask_filter_before_pandas_keeps_the_rows() -> None:
    # imports are sorted by name (pandas_numpy before polars); the order must not depend on it
    first = registry.method_handlers((registry.DATA,), "filter")[0]
    assert first.__module__.endswith(".polars")
    first = registry.method_handlers((registry.DATA,), "join")[0]
    assert first.__module__.endswith(".polars")
