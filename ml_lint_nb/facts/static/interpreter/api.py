"""The interpreter as its helper modules and library handlers see it.

Split inference, statistics, score tracking, displays and every library
module receive the running interpreter as ``interp``. This protocol lists
what they may use, so that none of them imports the core (which imports
them): the evaluator's state, the recording helpers and a few ways back
into evaluation (``ev``, ``inline``, ``generic_call``, ``call_ref``).
"""

from __future__ import annotations

import ast
from typing import Any, Protocol

from ml_lint_nb.facts.location import Location
from ml_lint_nb.facts.static.interpreter.records import (
    Display,
    OutsideState,
    Proto,
    SplitState,
    SplitToken,
    StatState,
)
from ml_lint_nb.facts.static.values import FuncV, V


class Interp(Protocol):
    """What a handler may read, record and evaluate through the running interpreter."""

    env: dict[str, V]  # the cell's bindings
    protos: list[Proto]  # facts recorded so far
    splits: list[SplitToken]  # splits of earlier statements
    pending_splits: list[SplitToken]  # splits of the current statement
    # what saved outputs and loaders say about data: (root id, column) -> facts
    knowledge: dict[tuple[str, str | None], dict[str, Any]]
    time_columns: set[str]  # columns parsed as dates
    target_columns: set[str]  # columns used as labels
    resampled: set[str]  # est_ids of resamplers: their output has new class shares
    displays: list[Display]  # what the current cell shows
    score_names: dict[str, list[Proto]]  # names holding model scores
    scored: bool  # whether any score has been computed yet
    loop_depth: int
    cur_stmt: ast.stmt | None  # the notebook statement being read
    split_state: SplitState
    stat_state: StatState
    outside: OutsideState  # names from outside the notebook, and what may bring them
    classes: dict[str, ast.ClassDef]  # the classes the notebook defines, by name

    def loc(self, node: ast.AST) -> Location:
        """Where ``node`` is in the notebook (the outermost call site when inlining)."""
        ...

    def new_id(self, prefix: str) -> str:
        """An id stable across re-runs of the same cell."""
        ...

    def root_id(self, node: ast.AST) -> str:
        """A fresh lineage root for rows first seen at ``node``."""
        ...

    def record(self, kind: str, node: ast.AST, **args: Any) -> Proto:
        """Record a proto fact at ``node``."""
        ...

    def ev(self, node: ast.expr | None) -> V:
        """Evaluate an expression."""
        ...

    def inline(self, func: FuncV, args: list[V], kwargs: dict[str, V], node: ast.Call) -> V:
        """Call a notebook function by reading its body with these arguments."""
        ...

    def generic_call(self, args: list[V], kwargs: dict[str, V], node: ast.AST) -> V:
        """What an unknown call gives: data derived from its data arguments, or fresh rows."""
        ...

    def arith(self, left: V, right: V, op: ast.operator, node: ast.AST) -> V:
        """``left op right`` on values, as the ``+ - * /`` operators read them."""
        ...

    def call_ref(self, qual: str, args: list[V], kwargs: dict[str, V], node: ast.Call) -> V:
        """Call a library function by its qualified name (through the handler tables)."""
        ...
