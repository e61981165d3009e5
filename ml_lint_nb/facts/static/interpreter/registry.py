"""The handler tables: what a library function, a method or an attribute means.

Each module of :mod:`.libraries` registers its handlers here when imported
(``libraries/__init__.py`` lists them); the core asks the tables and never
names a library.

**Functions** are keyed by (root module, name). A call of
``sklearn.model_selection.train_test_split`` has root ``sklearn`` and name
``train_test_split``; either part of a key may be :data:`ANY`:
``(ANY, "Pipeline")`` is a Pipeline from any module (scikit-learn,
imbalanced-learn, Spark ML), ``("builtins", ANY)`` every builtin not
registered by name. The candidates for a call are tried in this order, and
within one key in the order they were registered::

    (root, name)  ->  (root, ANY)  ->  (ANY, name)  ->  (ANY, ANY)

**Methods** are keyed by (receiver kind, name): the kinds are ``"data"``,
``"groupby"``, ``"seq"``, ``"estimator"``, ``"expr"``, and kinds a library declares for
its own estimators (:func:`estimator_kind`, tried before ``"estimator"``).
**Attributes** are keyed the same way; **subscripts** of a library object
(``np.r_[a, b]``) and **predefined names** (``spark`` in Databricks) by name.

A handler returns a value, or :data:`NEXT` to let the next candidate try (a
condition on the arguments did not hold, or it only noted something). When
every candidate declines, the core gives its default (a generic call, the
receiver's rows).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable
from collections.abc import Set as AbstractSet
from typing import Any

from ml_lint_nb.facts.static.interpreter.api import Interp
from ml_lint_nb.facts.static.values import V

ANY = "*"

# receiver kinds of methods and attributes
DATA = "data"  # DataV: a frame, array, series or predictions
GROUPBY = "groupby"  # GroupByV
SEQ = "seq"  # SeqV: a list, tuple or dict
ESTIMATOR = "estimator"  # EstV following scikit-learn's protocol
EXPR = "expr"  # ExprV: a polars or Spark column expression
WINDOW = "window"  # WindowV: a window specification
INDEX = "index"  # IndexV: ``df.index`` of some data


class _Next:
    """The type of :data:`NEXT`."""

    __slots__ = ()

    def __repr__(self) -> str:
        """Shown as NEXT in tracebacks and reprs."""
        return "NEXT"


NEXT: Any = _Next()  # a handler's "not mine": the next candidate is tried


class Call:
    """One call as a handler sees it: what is called, with which abstract arguments.

    For a function ``qual`` is its qualified name (``numpy.random.permutation``),
    ``root`` its first part and ``name`` its last; for a method ``recv`` is the
    receiver and ``name`` the method.
    """

    __slots__ = ("qual", "root", "name", "recv", "args", "kwargs", "node")

    def __init__(
        self,
        qual: str,
        root: str,
        name: str,
        recv: Any,
        args: list[V],
        kwargs: dict[str, V],
        node: ast.Call,
    ) -> None:
        """One call, as the core has evaluated it."""
        self.qual = qual
        self.root = root
        self.name = name
        self.recv = recv
        self.args = args
        self.kwargs = kwargs
        self.node = node


Handler = Callable[[Interp, Call], V]
# an attribute handler gets the receiver, the attribute's name and the expression
AttributeHandler = Callable[[Interp, Any, str, ast.AST], V]
# a subscript handler gets the index, evaluated, and the subscript expression
SubscriptHandler = Callable[[Interp, V, ast.AST], V]

FUNCTIONS: dict[tuple[str, str], list[Handler]] = {}
METHODS: dict[tuple[str, str], list[Handler]] = {}
ATTRIBUTES: dict[tuple[str, str], list[AttributeHandler]] = {}
SUBSCRIPTS: dict[str, SubscriptHandler] = {}
PREDEFINED: dict[str, str] = {}  # a name -> the qualified name of what it refers to
# (kind, the EstimatorInfo kinds that make an estimator that kind), in registration order
ESTIMATOR_KINDS: list[tuple[str, frozenset[str]]] = []

_function_cache: dict[tuple[str, str], tuple[Handler, ...]] = {}
_method_cache: dict[tuple[tuple[str, ...], str], tuple[Handler, ...]] = {}
_kinds_cache: dict[frozenset[str], tuple[str, ...]] = {}
_CACHE_LIMIT = 20_000  # distinct names in a long-lived process; the tables themselves are small


def _names(value: str | Iterable[str]) -> tuple[str, ...]:
    """One name or several, as a tuple."""
    return (value,) if isinstance(value, str) else tuple(value)


def _clear_caches() -> None:
    """Forget resolved lookups (after a registration, or when they grow past the limit)."""
    _function_cache.clear()
    _method_cache.clear()
    _kinds_cache.clear()


def function(
    roots: str | Iterable[str], names: str | Iterable[str]
) -> Callable[[Handler], Handler]:
    """Register the decorated handler for calls of ``names`` from the modules ``roots``."""

    def register(handler: Handler) -> Handler:
        """Add the handler under every key; lookups resolved before are forgotten."""
        for root in _names(roots):
            for name in _names(names):
                FUNCTIONS.setdefault((root, name), []).append(handler)
        _clear_caches()
        return handler

    return register


def method(kinds: str | Iterable[str], names: str | Iterable[str]) -> Callable[[Handler], Handler]:
    """Register the decorated handler for methods ``names`` of receivers of ``kinds``."""

    def register(handler: Handler) -> Handler:
        """Add the handler under every key; lookups resolved before are forgotten."""
        for kind in _names(kinds):
            for name in _names(names):
                METHODS.setdefault((kind, name), []).append(handler)
        _clear_caches()
        return handler

    return register


def attribute(
    kinds: str | Iterable[str], names: str | Iterable[str]
) -> Callable[[AttributeHandler], AttributeHandler]:
    """Register the decorated handler for attributes ``names`` of receivers of ``kinds``."""

    def register(handler: AttributeHandler) -> AttributeHandler:
        """Add the handler under every key; lookups resolved before are forgotten."""
        for kind in _names(kinds):
            for name in _names(names):
                ATTRIBUTES.setdefault((kind, name), []).append(handler)
        return handler

    return register


def subscript(quals: str | Iterable[str]) -> Callable[[SubscriptHandler], SubscriptHandler]:
    """Register the decorated handler for subscripts of the library objects ``quals``."""

    def register(handler: SubscriptHandler) -> SubscriptHandler:
        """Add the handler under every key; lookups resolved before are forgotten."""
        for qual in _names(quals):
            SUBSCRIPTS[qual] = handler
        return handler

    return register


def predefined(name: str, qualname: str) -> None:
    """A name some environments define before the first cell (``spark`` in Databricks).

    Read where the cells never bind it, as a reference to ``qualname``.
    """
    PREDEFINED[name] = qualname


def estimator_kind(kind: str, when: Iterable[str]) -> None:
    """Estimators having any of the kinds ``when`` are receivers of ``kind`` too.

    Their methods are looked up under ``kind`` first, then under
    ``"estimator"``; the first declared kind that applies wins.
    """
    ESTIMATOR_KINDS.append((kind, frozenset(when)))
    _clear_caches()


def order_by_module(modules: Iterable[str]) -> None:
    """Put the handlers of every key in the order of ``modules`` (stable within a module).

    Modules register when imported, and an import list is sorted by name
    (formatters do it), so the import order cannot be what decides which of
    two libraries answers a shared method first (polars' ``filter`` on a mask
    before pandas' reading of ``filter`` as a column pick): the explicit list
    of libraries does.
    """
    rank = {m: i for i, m in enumerate(modules)}

    def key(handler: Callable[..., Any]) -> int:
        return rank.get(getattr(handler, "__module__", ""), len(rank))

    for table in (FUNCTIONS, METHODS, ATTRIBUTES):
        for handlers in table.values():
            handlers.sort(key=key)
    _clear_caches()


def function_handlers(root: str, name: str) -> tuple[Handler, ...]:
    """The handlers for a call of ``name`` from module ``root``, in the order to try them."""
    key = (root, name)
    found = _function_cache.get(key)
    if found is None:
        found = (
            *FUNCTIONS.get(key, ()),
            *FUNCTIONS.get((root, ANY), ()),
            *FUNCTIONS.get((ANY, name), ()),
            *FUNCTIONS.get((ANY, ANY), ()),
        )
        if len(_function_cache) >= _CACHE_LIMIT:
            _clear_caches()
        _function_cache[key] = found
    return found


def method_handlers(kinds: tuple[str, ...], name: str) -> tuple[Handler, ...]:
    """The handlers for method ``name`` of a receiver of ``kinds``, in the order to try them."""
    key = (kinds, name)
    found = _method_cache.get(key)
    if found is None:
        found = tuple(
            h
            for kind in kinds
            for h in (*METHODS.get((kind, name), ()), *METHODS.get((kind, ANY), ()))
        )
        if len(_method_cache) >= _CACHE_LIMIT:
            _clear_caches()
        _method_cache[key] = found
    return found


def attribute_handlers(kind: str, name: str) -> list[AttributeHandler]:
    """The handlers for attribute ``name`` of a receiver of ``kind``."""
    return ATTRIBUTES.get((kind, name), [])


def estimator_kinds(kinds: AbstractSet[str]) -> tuple[str, ...]:
    """The receiver kinds of an estimator with these kinds: a library's own, then "estimator"."""
    key = kinds if isinstance(kinds, frozenset) else frozenset(kinds)
    found = _kinds_cache.get(key)
    if found is None:
        own = next((k for k, when in ESTIMATOR_KINDS if key & when), None)
        found = (own, ESTIMATOR) if own else (ESTIMATOR,)
        _kinds_cache[key] = found
    return found
