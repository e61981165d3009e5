"""Check the package's structure: no import cycle, no module over 900 lines, one rule per module.

Imports are read from the source (module level and inside functions alike),
so a cycle hidden in a function body counts. Used by
``tests/test_architecture.py``; run it directly to see every violation:

    python scripts/check_architecture.py
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "ml_lint_nb"
MAX_LINES = 900
MIME_TYPE = "application/vnd.ml-lint-nb.findings+json"


def module_name(path: Path) -> str:
    rel = path.relative_to(REPO).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


LOADERS = {"__import__", "import_module", "_optional", "find_spec"}


def _loads_by_name(func: ast.expr) -> bool:
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return name in LOADERS


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The package modules ``name`` imports anywhere in its source."""
    tree = ast.parse(path.read_text(), str(path))
    is_package = path.name == "__init__.py"
    out: set[str] = set()
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = name.split(".") if is_package else name.split(".")[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            targets = [f"{base}.{a.name}" for a in node.names] + [base]
        elif isinstance(node, ast.Call) and node.args and _loads_by_name(node.func):
            # modules loaded by name (``__import__("ml_lint_nb.x")``) are imports too
            first = node.args[0]
            if (
                isinstance(first, ast.Constant)
                and isinstance(first.value, str)
                and first.value.startswith("ml_lint_nb.")
            ):
                targets = [first.value]
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                out.add(target)
    return out


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def _declares_code(cls: ast.ClassDef) -> bool:
    """A rule class: it assigns ``code`` (alone or in a tuple) in its body."""
    for stmt in cls.body:
        targets = stmt.targets if isinstance(stmt, ast.Assign) else []
        if isinstance(stmt, ast.AnnAssign):
            targets = [stmt.target]
        for t in targets:
            names = t.elts if isinstance(t, ast.Tuple) else [t]
            if any(isinstance(n, ast.Name) and n.id == "code" for n in names):
                return True
    return False


def violations() -> list[str]:
    mods = modules()
    known = set(mods)
    graph = {name: imports_of(name, path, known) for name, path in mods.items()}
    out = []
    for component in cycles(graph):
        members = set(component)
        edges = sorted(f"{a} -> {b}" for a in component for b in graph[a] if b in members)
        out.append(f"import cycle among {len(component)} modules: " + "; ".join(edges))
    for path in mods.values():
        lines = len(path.read_text().splitlines())
        if lines > MAX_LINES:
            out.append(f"{path.relative_to(REPO)}: {lines} lines (at most {MAX_LINES})")
    spelled = [str(p.relative_to(REPO)) for p in mods.values() if MIME_TYPE in p.read_text()]
    if len(spelled) > 1:
        out.append(f"the findings MIME type is spelled in {len(spelled)} modules: {spelled}")
    for name, path in mods.items():
        if not name.startswith("ml_lint_nb.rules."):
            continue
        tree = ast.parse(path.read_text())
        rules = [n.name for n in tree.body if isinstance(n, ast.ClassDef) and _declares_code(n)]
        if len(rules) > 1:
            out.append(f"{path.relative_to(REPO)}: {len(rules)} rule classes ({', '.join(rules)})")
    return out


def main() -> int:
    found = violations()
    for v in found:
        print(v)
    print(f"{len(found)} violation(s)")
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
