"""ML208's fix (safe): pass ``stratify=<target>`` to the split.

The target is the array the rule judged imbalanced, written as the split
call itself writes it (``y``, ``df["churned"]``); an expression that would
run something twice (``df.pop("y")``) is not repeated, and then there is
no fix.
"""

from __future__ import annotations

import ast

from ml_lint_nb.edits import SAFE, FixEdit
from ml_lint_nb.facts.model import SplitFact
from ml_lint_nb.facts.static.syntax import SourceIndex
from ml_lint_nb.facts.store import FactStore
from ml_lint_nb.findings import Finding
from ml_lint_nb.rules.fixes.calls import add_keyword, keyword, repeatable, set_keyword


def produce(finding: Finding, store: FactStore, index: SourceIndex) -> FixEdit | None:
    """``train_test_split(X, y, ...)`` -> ``train_test_split(X, y, ..., stratify=y)``."""
    split = next(
        (s for s in store.of(SplitFact) if s.location == finding.location and s.inputs), None
    )
    if split is None or split.method != "train_test_split":
        return None
    found = index.call_named(split.location, {"train_test_split"})
    if found is None:
        return None
    code, call = found
    positional = [a for a in call.args if not isinstance(a, ast.Starred)]
    if len(positional) != len(call.args) or len(positional) != len(split.inputs):
        return None
    target_at = next(
        (
            i
            for i in reversed(range(len(split.inputs)))
            if split.inputs[i].minority_share is not None
        ),
        None,
    )
    if target_at is None:
        return None
    target = positional[target_at]
    name = split.inputs[target_at].name
    if not repeatable(target) or (isinstance(target, ast.Name) and name and target.id != name):
        return None
    text = code.text_of(target)
    current = keyword(call, "stratify")
    if current is None:
        edit = add_keyword(code, call, "stratify", text)
    elif isinstance(current.value, ast.Constant) and current.value.value is None:
        edit = set_keyword(code, call, "stratify", text)
    else:
        return None
    if edit is None:
        return None
    return FixEdit(SAFE, f"Pass stratify={text} to train_test_split", (edit,))
