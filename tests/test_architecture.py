"""The package's structure holds: no import cycle, no module over 900 lines, one rule per module,
the findings MIME type spelled once, and a handler module per library under facts/static.

The checks live in ``scripts/check_architecture.py`` so a contributor can run them alone.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _checker():
    spec = importlib.util.spec_from_file_location(
        "check_architecture", REPO / "scripts" / "check_architecture.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_no_structure_violations() -> None:
    assert _checker().violations() == []


def test_the_checker_sees_imports_inside_functions_and_by_name(tmp_path: Path) -> None:
    checker = _checker()
    module = tmp_path / "a.py"
    module.write_text(
        "def f():\n    from ml_lint_nb.b import x\n"
        "def g():\n    return __import__('ml_lint_nb.c')\n"
    )
    known = {"ml_lint_nb.a", "ml_lint_nb.b", "ml_lint_nb.c"}
    assert checker.imports_of("ml_lint_nb.a", module, known) == {"ml_lint_nb.b", "ml_lint_nb.c"}
    assert checker.cycles({"a": {"b"}, "b": {"a"}, "c": set()}) == [["a", "b"]]


def test_each_library_has_its_handler_module() -> None:
    from ml_lint_nb.facts.static.interpreter import libraries

    names = {m.__name__.rsplit(".", 1)[-1] for m in libraries.LIBRARIES}
    assert {"sklearn", "pandas_numpy", "spark", "boosting", "imblearn", "keras"} <= names
