"""Python itself: builtins, and the methods of lists and dicts.

``print`` and ``display`` show values (display evidence); ``max``,
``min`` and ``sorted`` may pick by score; ``range``, ``zip`` and
``enumerate`` give what a loop iterates over; ``round(score)`` is still the
score and ``round(df.age.mean())`` still the statistic. Any other builtin
is a generic call.
"""

from __future__ import annotations

import ml_lint_nb.facts.static.interpreter.displays as displays
import ml_lint_nb.facts.static.interpreter.selection as selection
from ml_lint_nb.facts.static.interpreter.api import Interp
from ml_lint_nb.facts.static.interpreter.registry import ANY, NEXT, SEQ, Call, function, method
from ml_lint_nb.facts.static.values import (
    UNKNOWN,
    ChosenV,
    LitV,
    MultiV,
    ScoreV,
    SeqV,
    StatV,
    V,
    data_of,
    first,
)

# builtins whose result the reader does not follow (numbers, strings, types)
OPAQUE = (
    "len",
    "max",
    "min",
    "sum",
    "abs",
    "round",
    "int",
    "str",
    "bool",
    "isinstance",
    "type",
    "getattr",
    "hasattr",
    "dict",
    "set",
)


# The handlers of one builtin are tried in the order they are registered here.
@function("builtins", ("max", "min", "sorted"))
def pick(interp: Interp, call: Call) -> V:
    """``max(scores)``: a pick by score, when the values are scores."""
    selection.note_choice(interp, call.name, call.args, call.node.args, call.node)
    return NEXT


@function("builtins", ("round", "float", "abs"))
def score_kept(interp: Interp, call: Call) -> V:
    """``round(score, 3)``: still the score."""
    if call.args and isinstance(call.args[0], ScoreV):
        return call.args[0]
    return NEXT


@function("builtins", ("print", "display"))
def show(interp: Interp, call: Call) -> V:
    """``print(y.value_counts())``: what is printed may be evidence in the saved output."""
    for a in call.node.args:
        displays.note_display(interp, a)
    return LitV(None)


@function("builtins", "float")
def literal_float(interp: Interp, call: Call) -> V:
    """``float("0.2")``: a literal stays a literal."""
    if call.args and isinstance(call.args[0], LitV):
        try:
            return LitV(float(call.args[0].value))
        except (TypeError, ValueError):
            return UNKNOWN
    return NEXT


@function("builtins", "range")
def range_(interp: Interp, call: Call) -> V:
    """``range(5)``: a loop variable of a known number of values."""
    args = call.args
    lits = [a.value for a in args if isinstance(a, LitV) and isinstance(a.value, int)]
    count = len(range(*lits)) if len(lits) == len(args) and args else None
    return MultiV([UNKNOWN], count)


@function("builtins", "zip")
def zip_(interp: Interp, call: Call) -> V:
    """``zip(names, models)``: the pairs, when the sequences are literal."""
    args = call.args
    chosen = next((a for a in args if isinstance(first(a), ChosenV)), None)
    if chosen is not None:  # zip(X.columns, rfe.support_): the features and the choice
        return first(chosen)
    seqs = [a for a in args if isinstance(a, SeqV)]
    if seqs and len(seqs) == len(args):
        n = min(len(s.items) for s in seqs)
        return SeqV([SeqV([s.items[i] for s in seqs], "tuple") for i in range(n)], "items")
    return UNKNOWN


@function("builtins", "enumerate")
def enumerate_(interp: Interp, call: Call) -> V:
    """``enumerate(skf.split(X, y))``: (fold number, (train, held-out indices))."""
    args = call.args
    if args and isinstance(args[0], MultiV):
        alts = [SeqV([UNKNOWN, a], "tuple") for a in args[0].alts]
        return MultiV(alts, args[0].count)  # type: ignore[arg-type]
    if args and isinstance(args[0], SeqV):
        return SeqV([SeqV([LitV(i), v], "tuple") for i, v in enumerate(args[0].items)], "items")
    return NEXT


@function("builtins", ("list", "tuple", "sorted", "reversed"))
def same_items(interp: Interp, call: Call) -> V:
    """``list(models)``: the same items."""
    return call.args[0] if call.args else NEXT


@function("builtins", ("round", "int", "float", "abs", "max", "min"))
def statistic_kept(interp: Interp, call: Call) -> V:
    """``round(df.age.mean(), 1)``: still the statistic."""
    stats = [x for x in (first(a) for a in call.args) if isinstance(x, StatV)]
    if stats and not any(data_of(a) is not None for a in call.args):
        return stats[0]
    return NEXT


@function("builtins", OPAQUE)
def opaque(interp: Interp, call: Call) -> V:
    """A number, string or type the reader does not follow."""
    return UNKNOWN


@function("builtins", ANY)
def other_builtin(interp: Interp, call: Call) -> V:
    """Any other builtin: a generic call (no library rule applies to builtins)."""
    return interp.generic_call(call.args, call.kwargs, call.node)


# ------------------------------------------------------------- list and dict
@method(SEQ, ("items", "values", "keys"))
def dict_view(interp: Interp, call: Call) -> V:
    """``results.items()``: the pairs, values or keys of a literal dict."""
    recv: SeqV = call.recv
    if recv.kind != "dict":
        return NEXT
    if call.name == "items":
        return SeqV(
            [SeqV([LitV(k), v], "tuple") for k, v in zip(recv.keys, recv.items, strict=False)],
            "items",
        )
    if call.name == "values":
        return SeqV(list(recv.items), "list")
    return SeqV([LitV(k) for k in recv.keys], "list")


@method(SEQ, "append")
def append(interp: Interp, call: Call) -> V:
    """``steps.append(("scaler", StandardScaler()))``: the list grows (a composite sees it)."""
    if not call.args:
        return NEXT
    call.recv.items.append(call.args[0])
    return LitV(None)
