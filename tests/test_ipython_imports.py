"""The kernel package's modules import each other without a circle.

Every import counts, also one inside a function (a lazy import is still a
dependency); only ``if TYPE_CHECKING:`` blocks, which never run, are left out.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import ml_lint_nb.ipython

PACKAGE = "ml_lint_nb.ipython"
FOLDER = Path(ml_lint_nb.ipython.__file__).parent
MODULES = sorted(p.stem for p in FOLDER.glob("*.py"))


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(module: str) -> set[str]:
    """The sibling modules ``module`` imports at run time (``__init__`` for the package)."""
    tree = ast.parse((FOLDER / f"{module}.py").read_text(encoding="utf-8"))
    out: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                out.update(_sibling(alias.name))
        elif isinstance(node, ast.ImportFrom) and node.module:
            base = node.module if node.level == 0 else f"{PACKAGE}.{node.module}"
            if base == PACKAGE:
                for alias in node.names:
                    out.add(alias.name if alias.name in MODULES else "__init__")
            else:
                out.update(_sibling(base))
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    out.discard(module)
    return out


def _sibling(name: str) -> set[str]:
    if name == PACKAGE:
        return {"__init__"}
    if name.startswith(PACKAGE + "."):
        return {name[len(PACKAGE) + 1 :].split(".")[0]}
    return set()


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def dfs(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state:
                found = dfs(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = dfs(node)
            if found:
                return found
    return None


def test_the_checker_sees_a_circle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_kernel_package_imports_form_no_circle() -> None:
    graph = {m: _imports(m) for m in MODULES}
    assert "collect" in graph["session"] and "display" in graph["session"]
    assert _cycle(graph) is None, f"import circle: {' -> '.join(_cycle(graph) or [])}"


@pytest.mark.parametrize("module", [m for m in MODULES if m != "__init__"])
def test_each_module_imports_alone(module: str) -> None:
    """A fresh interpreter imports each module first; a circle would fail half-initialised."""
    code = f"import {PACKAGE}.{module}"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
