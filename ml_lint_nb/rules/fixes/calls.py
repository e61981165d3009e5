"""Edits of calls shared by the fix producers: add or change a keyword, name a seed, add an import.

Every edit is anchored on text it replaces (an argument, a closing
parenthesis, an import statement), never a bare insertion point, so that
whoever applies it can check the cell still reads the same there.
"""

from __future__ import annotations

import ast
from collections import Counter

from ml_lint_nb.edits import Edit
from ml_lint_nb.facts.static.syntax import CellCode, Position, SourceIndex

# Calls whose first argument is a seed: ``np.random.seed(7)``, ``default_rng(7)``.
SEEDING_CALLS = frozenset(
    {
        "numpy.random.seed",
        "numpy.random.default_rng",
        "numpy.random.RandomState",
        "random.seed",
        "torch.manual_seed",
        "tensorflow.random.set_seed",
        "keras.utils.set_random_seed",
    }
)
SEED_KEYWORDS = ("random_state", "seed", "random_seed")
DEFAULT_SEED = "0"


def keyword(call: ast.Call, name: str) -> ast.keyword | None:
    return next((k for k in call.keywords if k.arg == name), None)


def last_argument(call: ast.Call) -> ast.AST | None:
    """The argument written last (positional, ``*args``, keyword or ``**kw``)."""
    nodes: list[ast.AST] = [*call.args, *call.keywords]
    if not nodes:
        return None
    return max(nodes, key=lambda n: (n.end_lineno, n.end_col_offset))  # type: ignore[attr-defined]


def add_keyword(code: CellCode, call: ast.Call, name: str, value: str) -> Edit | None:
    """Pass ``name=value`` to ``call`` (which must not have it yet), in the call's own layout.

    ``f(a, b)`` becomes ``f(a, b, name=value)``; ``f()`` becomes
    ``f(name=value)``; a call written one argument per line with a trailing
    comma gets a line of its own.
    """
    if keyword(call, name) is not None:
        return None
    last = last_argument(call)
    c_line, c_col, end_line, end_col = code.span(call)
    if last is None:
        f_line, f_col, f_end_line, f_end_col = code.span(call.func)
        parens = code.slice(f_end_line, f_end_col, end_line, end_col)
        if parens.replace(" ", "") != "()":
            return None  # a comment or a line break inside the parentheses
        return code.edit(f_end_line, f_end_col, end_line, end_col, f"({name}={value})")
    l_line, l_col, l_end_line, l_end_col = code.span(last)
    tail = code.slice(l_end_line, l_end_col, end_line, end_col)
    text = code.text_of(last)
    if not tail.lstrip().startswith(","):
        return code.edit(l_line, l_col, l_end_line, l_end_col, f"{text}, {name}={value}")
    comma = tail.index(",")
    anchor_end = l_end_col + comma + 1  # the comma is on the argument's last line
    if "\n" in tail[:comma]:
        return None
    if "\n" in tail[comma:]:
        indent = code.lines[l_line - 1][
            : len(code.lines[l_line - 1]) - len(code.lines[l_line - 1].lstrip())
        ]
        return code.edit(l_line, l_col, l_end_line, anchor_end, f"{text},\n{indent}{name}={value},")
    return code.edit(l_line, l_col, l_end_line, anchor_end, f"{text}, {name}={value},")


def set_keyword(code: CellCode, call: ast.Call, name: str, value: str) -> Edit | None:
    """Give an existing keyword argument a new value (``C=np.inf`` -> ``C=1.0``)."""
    kw = keyword(call, name)
    if kw is None:
        return None
    return code.replace(kw.value, value)


def remove_keyword(code: CellCode, call: ast.Call, name: str) -> Edit | None:
    """Drop ``name=...`` from the call, with the comma that joined it to its neighbour."""
    kw = keyword(call, name)
    if kw is None:
        return None
    nodes = sorted([*call.args, *call.keywords], key=lambda n: (n.lineno, n.col_offset))  # type: ignore[attr-defined]
    at = next(i for i, n in enumerate(nodes) if n is kw)
    _l, _c, end_line, end_col = code.span(kw)
    if at > 0:
        _pl, _pc, prev_end_line, prev_end_col = code.span(nodes[at - 1])
        return code.edit(prev_end_line, prev_end_col, end_line, end_col, "")
    line, col, _el, _ec = code.span(kw)
    if at + 1 < len(nodes):
        next_line, next_col, _nl, _nc = code.span(nodes[at + 1])
        return code.edit(line, col, next_line, next_col, "")
    return code.edit(line, col, end_line, end_col, "")


def repeatable(node: ast.AST) -> bool:
    """An expression that can be written twice without running anything twice."""
    if isinstance(node, ast.Name):
        return True
    if isinstance(node, ast.Attribute):
        return repeatable(node.value)
    if isinstance(node, ast.Subscript):
        index = node.slice
        return repeatable(node.value) and isinstance(index, ast.Constant | ast.Name)
    return False


# -- the notebook's seed --------------------------------------------------------------------


def _constant_int(node: ast.AST) -> int | None:
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    return None


def seed_constants(index: SourceIndex) -> dict[str, tuple[int, Position]]:
    """Top-level ``NAME = <int>`` assignments: a name the notebook may use as its seed."""
    out: dict[str, tuple[int, Position]] = {}
    for code in index.cells.values():
        for stmt in code.tree.body:
            if (
                isinstance(stmt, ast.Assign)
                and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], ast.Name)
                and _constant_int(stmt.value) is not None
                and stmt.targets[0].id not in out
            ):
                out[stmt.targets[0].id] = (_constant_int(stmt.value) or 0, code.position(stmt))
    return out


def notebook_seed(index: SourceIndex) -> tuple[str, int | None, Position | None]:
    """The seed the notebook already uses: its text, value, and where a seed name is bound.

    The most frequent seed passed as ``random_state=``/``seed=`` or given
    to a seeding call (``np.random.seed(7)``, ``default_rng(7)``); a named
    constant (``SEED = 42``) is kept as its name. ``0`` when there is none.
    """
    constants = seed_constants(index)
    seen: Counter[str] = Counter()
    for code in index.cells.values():
        for calls in code.calls.values():
            for call in calls:
                values = [k.value for k in call.keywords if k.arg in SEED_KEYWORDS]
                if call.args and index.qualified(call.func) in SEEDING_CALLS:
                    values.append(call.args[0])
                for value in values:
                    number = _constant_int(value)
                    if number is not None:
                        seen[str(number)] += 1
                    elif isinstance(value, ast.Name) and value.id in constants:
                        seen[value.id] += 1
    if not seen:
        return DEFAULT_SEED, 0, None
    text = max(seen, key=lambda t: (seen[t], -_first(t, list(seen))))
    if text in constants:
        number, where = constants[text]
        return text, number, where
    return text, int(text), None


def _first(text: str, order: list[str]) -> int:
    return order.index(text)


def seed_at(index: SourceIndex, seed: tuple[str, int | None, Position | None], at: Position) -> str:
    """The seed's text where it is used: its value where its name is not bound yet."""
    text, number, where = seed
    if where is not None and where > at:
        return str(number)
    return text


# -- imports --------------------------------------------------------------------------------


def import_edits(
    index: SourceIndex, qualnames: list[str], before: Position
) -> tuple[dict[str, str], list[Edit]] | None:
    """The names to call each of ``qualnames`` by, and the edits that import those missing.

    A new ``from module import name`` goes among the notebook's own imports
    of the same library, in alphabetical place, when they come before
    ``before``; else at the top of the cell of ``before``. None when an
    import cannot be placed.
    """
    names: dict[str, str] = {}
    # anchor (cell, line) -> (lines to put before it, lines to put after it)
    anchors: dict[tuple[int, int], tuple[list[str], list[str]]] = {}
    for qualname in qualnames:
        local = index.imported_as(qualname)
        if local is not None:
            names[qualname] = local
            continue
        module, _, name = qualname.rpartition(".")
        if _bound_by_the_notebook(index, name):
            return None  # the notebook's own ``make_pipeline``: an import would shadow it
        names[qualname] = name
        place = _import_place(index, module, before)
        if place is None:
            return None
        cell, line, after = place
        entry = anchors.setdefault((cell, line), ([], []))
        entry[1 if after else 0].append(f"from {module} import {name}")
    edits: list[Edit] = []
    for (cell, line), (above, below) in sorted(anchors.items()):
        code = index.cells[cell]
        text = code.lines[line - 1].rstrip("\r\n")
        content = "".join(f"{x}\n" for x in sorted(above)) + text
        content += "".join(f"\n{x}" for x in sorted(below))
        edit = code.edit(line, 1, line, len(text) + 1, content)
        if edit is None:
            return None
        edits.append(edit)
    return names, edits


def _bound_by_the_notebook(index: SourceIndex, name: str) -> bool:
    """``name`` is assigned, defined or imported as something else in the notebook."""
    if name in index.imports:
        return True
    if any(isinstance(n.ctx, ast.Store) for _c, n in index.names(name)):
        return True
    return any(
        isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        and node.name == name
        for code in index.cells.values()
        for node in ast.walk(code.tree)
    )


def _import_place(
    index: SourceIndex, module: str, before: Position
) -> tuple[int, int, bool] | None:
    """(cell, line, after?): the line a new import of ``module`` goes next to."""
    library = module.split(".")[0]
    for code in index.cells.values():
        if code.cell > before[0]:
            break
        siblings = [
            s
            for s in code.tree.body
            if isinstance(s, ast.ImportFrom)
            and s.module
            and not s.level
            and s.module.split(".")[0] == library
            and code.position(s) < before
            and code.statement_lines(s) is not None
        ]
        if not siblings:
            continue
        later = next((s for s in siblings if (s.module or "") > module), None)
        if later is not None:
            return code.cell, later.lineno, False
        return code.cell, siblings[-1].end_lineno or siblings[-1].lineno, True
    code = index.cells.get(before[0])
    if code is None or not code.tree.body:
        return None
    first = code.tree.body[0]
    if not code.lines[first.lineno - 1].strip():
        return None
    return code.cell, first.lineno, False
