"""Which frame's rows a data expression holds, so one fact about rows is one finding.

A model fitted on ``train[["a", "b"]]`` and scored on ``test[["a", "b"]]``
and ``%mlcheck train test`` measure the same rows; a hook pairing of
``X_train``/``X_test`` made by ``X_train = train[features]`` does too. The
live facts quote the expressions as the code wrote them (messages must name
the user's variables), and :func:`data_name_facts` adds a
:class:`~ml_lint_nb.facts.model.DataNameFact` naming the frame those rows
are, which the rules use as the subject.

Two steps, each conservative (an expression it cannot read keeps its own
text, so at worst two findings stay apart):

- the expression is a column selection of a name (``df["a"]``,
  ``df[["a", "b"]]``, ``df[features]`` with ``features`` a list of labels,
  ``df.loc[:, cols]``, ``.drop(columns=...)``, polars ``select``/``drop``,
  ``.values``/``.to_numpy()``): the same rows as that name, the subset of
  expressions the hook itself reads (``facts/live/expressions.py``);
- a name whose value the session's dataflow derived from another name over
  the very same rows (``X = df.drop(columns="y")``) is that other name, as
  far back as the rows stay the same.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from typing import Any

from ml_lint_nb.facts.location import Location
from ml_lint_nb.facts.model import DataNameFact, Fact
from ml_lint_nb.facts.static.values import DataV

# the fact fields that quote data expressions (train/evaluation pairs of every kind)
PAIR_FIELDS = ("train", "test")
_COLUMN_METHODS = frozenset({"drop", "select", "to_numpy"})
MAX_CHAIN = 20


def data_name_facts(
    facts: Iterable[Fact], env: Mapping[str, Any], ns: Mapping[str, Any]
) -> list[DataNameFact]:
    """One :class:`DataNameFact` per quoted expression whose rows belong to another name.

    ``env`` is the session's dataflow, ``ns`` the user's namespace (a list of
    column names computed at run time is read there, by type only).
    """
    out: list[DataNameFact] = []
    seen: set[str] = set()
    for fact in facts:
        for field in PAIR_FIELDS:
            label = getattr(fact, field, None)
            if not isinstance(label, str) or label in seen:
                continue
            seen.add(label)
            rows = rows_name(label, env, ns)
            if rows is not None and rows != label:
                out.append(DataNameFact("live", Location(), label=label, rows=rows))
    return out


def rows_name(label: str, env: Mapping[str, Any], ns: Mapping[str, Any]) -> str | None:
    """The name of the frame whose rows ``label`` holds; None when the expression is not read."""
    try:
        node = ast.parse(label, mode="eval").body
    except (SyntaxError, ValueError, RecursionError):
        return None  # a quoted expression cut short ("train[[...") is left as written
    name = _column_selection_of(node, env, ns)
    return None if name is None else _first_name(name, env)


def _column_selection_of(
    node: ast.AST, env: Mapping[str, Any], ns: Mapping[str, Any]
) -> str | None:
    """The name under a chain of column selections, or None for anything that may drop rows."""
    for _ in range(MAX_CHAIN):
        if isinstance(node, ast.Name):
            return node.id
        if isinstance(node, ast.Attribute) and node.attr == "values":
            node = node.value
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr not in _COLUMN_METHODS or not _by_columns(node):
                return None
            node = node.func.value
        elif isinstance(node, ast.Subscript):
            value, key = node.value, node.slice
            if isinstance(value, ast.Attribute) and value.attr == "loc":
                if not (
                    isinstance(key, ast.Tuple) and len(key.elts) == 2 and _all_rows(key.elts[0])
                ):
                    return None
                node = value.value
            elif _labels(key, env, ns):
                node = value
            else:
                return None
        else:
            return None
    return None


def _by_columns(call: ast.Call) -> bool:
    """``drop(columns=...)``, ``drop(cols, axis=1)``, ``select(...)``, ``to_numpy()``."""
    method = call.func.attr  # type: ignore[attr-defined]
    keywords = {k.arg: k.value for k in call.keywords}
    if method == "to_numpy":
        return not call.args
    if method == "select":
        return True  # polars: columns only (a pandas frame has no select)
    if "columns" in keywords:
        return True
    axis = keywords.get("axis")
    if isinstance(axis, ast.Constant) and axis.value in (1, "columns"):
        return True
    return not keywords and bool(call.args) and _polars_style_drop(call)


def _polars_style_drop(call: ast.Call) -> bool:
    """Polars' ``drop("a", "b")`` takes columns only; pandas' positional ``drop`` takes rows.

    Without the object's type at hand, a positional drop of string labels is
    read as columns only when it names more than one (pandas' ``drop("a")``
    drops the row labelled "a"): conservative, at worst two findings stay apart.
    """
    return len(call.args) > 1 and all(
        isinstance(a, ast.Constant) and isinstance(a.value, str) for a in call.args
    )


def _all_rows(node: ast.AST) -> bool:
    """``:`` (every row)."""
    return isinstance(node, ast.Slice) and node.lower is None and node.upper is None


def _labels(key: ast.AST, env: Mapping[str, Any], ns: Mapping[str, Any]) -> bool:
    """A column label, a list of labels, or a name holding labels (not a mask, not a slice)."""
    if isinstance(key, ast.Constant):
        return isinstance(key.value, str)
    if isinstance(key, ast.List | ast.Tuple):
        return bool(key.elts) and all(
            isinstance(e, ast.Constant) and isinstance(e.value, str) for e in key.elts
        )
    if isinstance(key, ast.Name):
        value = env.get(key.id)
        if isinstance(value, DataV):
            return False  # a mask or an array of positions
        return (value is not None and _holds_labels(value)) or _label_list(ns.get(key.id))
    return False


def _label_list(obj: Any) -> bool:
    """A plain list or tuple of strings in the user's namespace (exact types: no user code runs)."""
    if type(obj) not in (list, tuple) or not obj or len(obj) > 5000:
        return False
    return all(type(i) is str for i in obj)


def _holds_labels(value: Any) -> bool:
    """A dataflow value that is a list of column names (``features = ["a", "b"]``)."""
    items = getattr(value, "items", None)
    if isinstance(items, list | tuple) and items:
        return all(isinstance(getattr(i, "value", None), str) for i in items)
    literal = getattr(value, "value", None)
    return (
        isinstance(literal, list | tuple)
        and bool(literal)
        and all(isinstance(i, str) for i in literal)
    )


def _first_name(name: str, env: Mapping[str, Any]) -> str:
    """Back along the names a value was derived from, while the rows stay the same."""
    current = name
    for _ in range(MAX_CHAIN):
        value = env.get(current)
        if not isinstance(value, DataV) or not value.rows.paths or not value.origin:
            return current
        parent = env.get(value.origin)
        if not isinstance(parent, DataV) or parent.rows.paths != value.rows.paths:
            return current
        if parent.column is not None and value.column is None:
            return current  # a frame built from one column's values is not that column
        current = value.origin
    return current


__all__ = ["data_name_facts", "rows_name"]
