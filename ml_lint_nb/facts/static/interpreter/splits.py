"""Split inference: which expressions cut rows into a training and a held-out part.

Library splitters (``train_test_split``, ``randomSplit``, ``np.split``,
``KFold.split``) say so themselves and build their :class:`SplitToken` in
their library module. Hand-made splits have to be inferred, and that is
what lives here: complementary slices (``X[:n]`` / ``X[n:]``, ``head`` /
``tail``), complementary masks (``df[df.date < t]`` / ``df[df.date >= t]``),
slices of a permutation, and a sample with the ``drop`` of its index. A
part counts once it is bound to a name (:func:`name_part`); whether a mask
pair or a slice pair really is a split is settled after the last cell
(:func:`confirm_masks`, :func:`orient_splits`).
"""

from __future__ import annotations

import ast

from ml_lint_nb.facts.location import Location
from ml_lint_nb.facts.model import RowSet
from ml_lint_nb.facts.static.interpreter.api import Interp
from ml_lint_nb.facts.static.interpreter.records import SplitToken
from ml_lint_nb.facts.static.values import (
    SHUFFLED,
    DataV,
    FoldIndexV,
    IndexV,
    MaskV,
    V,
    data_of,
    first,
)

TIME_HINTS = ("date", "time", "timestamp", "_at", "day", "month", "year", "week", "dt")
ID_HINTS = ("id", "_id", "uuid", "key", "index")


def is_time_column(name: str, known: set[str]) -> bool:
    """A column parsed as dates, or named like one (a mask on it splits by time)."""
    low = name.lower()
    return name in known or any(h in low for h in TIME_HINTS)


def select_rows(
    interp: Interp,
    data: DataV,
    index: ast.expr,
    node: ast.AST,
    positional: bool,
    mask: V | None = None,
) -> V:
    """``data[index]`` / ``data.iloc[index]`` selecting rows: maybe one side of a split."""
    if isinstance(index, ast.Slice):
        lower, upper = index.lower is not None, index.upper is not None
        if lower == upper:  # [:] or [a:b]: a window, not one side of a split
            return data.derive()
        part = 0 if upper else 1
        return positional_split(interp, data, part, node, "slice")
    if mask is None:
        mask = interp.ev(index)
    if isinstance(first(mask), FoldIndexV):
        return fold_rows(data, first(mask))  # type: ignore[arg-type]
    if isinstance(mask, MaskV):
        return mask_split(interp, data, mask, node)
    if isinstance(mask, DataV) and mask.order == SHUFFLED:
        return permuted_rows(interp, data, mask, node)
    return data.derive()


def fold_rows(data: DataV, index: FoldIndexV) -> DataV:
    """``X[tr]`` / ``df.iloc[te]``: the rows of one side of a splitter's folds."""
    return data.derive(rows=data.rows.part(index.split_id, index.part))


def permuted_rows(interp: Interp, data: DataV, idx: DataV, node: ast.AST) -> DataV:
    """``X[perm]`` or ``X.iloc[perm[:n]]``: rows in random order.

    Rows selected by one slice of a permutation are one side of a shuffled
    hold-out split (``train = df.iloc[idx[:800]]; test = df.iloc[idx[800:]]``),
    see :func:`permutation_split`; the whole permutation only reorders.
    """
    part = permutation_split(interp, data, idx, node)
    return part if part is not None else data.derive(order=SHUFFLED)


def permutation_split(interp: Interp, data: DataV, idx: DataV, node: ast.AST) -> DataV | None:
    """One side of a hand-made shuffled split: rows picked by a slice of a permutation.

    The side is that of the slice of the permutation (``[:n]`` first); when
    the code fits a model on the second side and scores it on the first
    (``test = idx[:n]``), :func:`orient_splits` turns the split round.
    """
    if len(idx.rows.paths) != 1:
        return None
    path = next(iter(idx.rows.paths))
    if len(path) != 2 or not isinstance(path[1], tuple):
        return None
    index_split, part = path[1]
    state = interp.split_state
    key = (data.rows.paths, index_split)
    tok = state.by_permutation.get(key)
    if tok is None:
        tok = SplitToken(
            split_id=interp.new_id("S"),
            method="permutation",
            inputs=[data],
            parts=[],
            location=interp.loc(node),
            shuffle=True,
            stratified=False,
            seeded=True,
        )
        state.by_permutation[key] = tok
        interp.pending_splits.append(tok)
    out = data.derive(rows=data.rows.part(tok.split_id, part), order=SHUFFLED)
    tok.parts.append(out)
    state.unbound[id(out)] = (tok, part, "permutation")
    return out


def positional_split(interp: Interp, data: DataV, part: int, node: ast.AST, method: str) -> DataV:
    """``X[:n]`` / ``X[n:]`` / ``head`` / ``tail``: one side of an unshuffled split."""
    state = interp.split_state
    key = ("pos", data.rows.paths)
    tok = state.by_position.get(key)
    if tok is None or len(tok.parts) > 4:
        # slicing a concatenation of separately loaded frames back at their
        # lengths restores the files: no order of rows decides the sides
        restores = len({p[0] for p in data.rows.paths}) > 1
        tok = SplitToken(
            split_id=interp.new_id("S"),
            method=method,
            inputs=[data],
            parts=[],
            location=interp.loc(node),
            shuffle=None if restores else data.order == SHUFFLED,
            stratified=False,
            seeded=True,
        )
        state.by_position[key] = tok
        interp.pending_splits.append(tok)
    rows = data.rows
    if data.stacked and tok.shuffle is None:
        # all_data[:ntrain] / all_data[ntrain:] after pd.concat([train, test]): the first
        # frame's rows, then the others' (a median of train applied to both saw no test row)
        first_root = data.stacked[0]
        kept = frozenset(p for p in rows.paths if (p[0] == first_root) == (part == 0))
        rows = RowSet(kept) if kept else rows
    out = data.derive(rows=rows.part(tok.split_id, part))
    tok.parts.append(out)
    state.unbound[id(out)] = (tok, part, method)  # a side counts once bound to a name
    return out


def mask_split(interp: Interp, data: DataV, mask: MaskV, node: ast.AST) -> DataV:
    """``df[df.date < t]`` and ``df[df.date >= t]``: complementary masks split rows."""
    if mask.op in ("In", "NotIn") and mask.other.startswith(SAMPLE_MEMBERS):
        for _, tok in interp.split_state.samples:
            if mask.other == f"{SAMPLE_MEMBERS}{tok.split_id}>":
                if mask.op == "In":  # df[df.id.isin(train.id)]: the sample's rows again
                    return data.derive(rows=data.rows.part(tok.split_id, 0))
                return _rest_of_sample(interp, data, tok)
        return data.derive()
    masks = interp.split_state.by_mask
    key = ("mask", data.rows.paths, mask.column, mask.other)
    entry = masks.get(key)
    eq_key = ("eq", data.rows.paths, mask.column)
    if entry is None and mask.op == "Eq" and mask.column is not None:
        # df[df.is_train == 1] / df[df.is_train == 0]: two values of one flag are
        # disjoint parts (a split only if a model is fitted on one and scored on the other)
        eq = masks.get(eq_key)
        if eq is not None and eq[1] != mask.other and eq[0].sides == {0}:
            entry = (eq[0], "Eq-other")
            masks[key] = entry
    if entry is None:
        tok = SplitToken(
            split_id=interp.new_id("S"),
            method="mask",
            inputs=[data],
            parts=[],
            location=interp.loc(node),
            shuffle=None,
            stratified=False,
            seeded=True,
            time_series=mask.column is not None
            and is_time_column(mask.column, interp.time_columns),
        )
        masks[key] = (tok, mask.op)
        if mask.op == "Eq" and eq_key not in masks:
            masks[eq_key] = (tok, mask.other)
        interp.pending_splits.append(tok)
        part = 0
    else:
        tok, first_op = entry
        if mask.op == first_op:
            return data.derive()  # the same filter again
        part = 1
        if first_op == "Eq-other":
            masks[key] = (tok, "Eq")  # the second value, as a filter again
    out = data.derive(rows=data.rows.part(tok.split_id, part))
    tok.parts.append(out)
    tok.sides.add(part)
    interp.split_state.unbound[id(out)] = (tok, part, "mask")  # named once bound (te = df[m])
    return out


def sample_split(interp: Interp, d: DataV, seeded: bool, node: ast.AST) -> DataV:
    """``train = df.sample(frac=0.8)``: one side of a split, if its index is dropped later."""
    tok = SplitToken(interp.new_id("S"), "sample", [d], [], interp.loc(node), True, False, seeded)
    out = d.derive(rows=d.rows.part(tok.split_id, 0))
    tok.parts.append(out)
    tok.sides.add(0)
    interp.pending_splits.append(tok)
    interp.split_state.samples.append((out, tok))
    return out


def sample_complement(interp: Interp, d: DataV, target: V) -> DataV | None:
    """``test = df.drop(train.index)`` after ``train = df.sample(...)``: the other side."""
    if not isinstance(target, IndexV):
        return None
    for sample, tok in interp.split_state.samples:
        if sample.rows == target.data.rows:
            return _rest_of_sample(interp, d, tok)
    return None


# the ``other`` of a mask ``df.id.isin(train.id)`` whose values are a sample's rows
SAMPLE_MEMBERS = "<rows of sample "


def membership_mask(interp: Interp, d: DataV, column: str | None, values: V) -> MaskV | None:
    """``df["id"].isin(train["id"])``, ``df.index.isin(train.index)``: see :func:`sample_members`."""
    members = sample_members(interp, values)
    return None if members is None else MaskV(d, column, "In", members)


def sample_members(interp: Interp, values: V) -> str | None:
    """The ``other`` of a membership mask in the rows of an earlier ``df.sample(...)``.

    Its negation (``~df.id.isin(train.id)``, polars' ``~pl.col("id").is_in(...)``)
    selects the rest of the sample: the other side of the split, as
    ``df.drop(train.index)`` does. Membership in anything else is no mask the
    interpreter reads (None).
    """
    v = first(values)
    other = v.data if isinstance(v, IndexV) else data_of(v)
    if other is None:
        return None
    for sample, tok in interp.split_state.samples:
        if sample.rows == other.rows:
            return f"{SAMPLE_MEMBERS}{tok.split_id}>"
    return None


def _rest_of_sample(interp: Interp, d: DataV, tok: SplitToken) -> DataV:
    """The rows of ``d`` a sample did not draw: its split's other side."""
    out = d.derive(rows=d.rows.part(tok.split_id, 1))
    tok.parts.append(out)
    tok.sides.add(1)
    interp.split_state.unbound[id(out)] = (tok, 1, tok.method)  # named once bound
    return out


def name_part(interp: Interp, value: DataV, named: DataV, loc: Location) -> None:
    """``value`` is bound to a name as ``named``: the split parts it is get their name.

    A hand-made split's side counts once it is bound (a lone ``df.head()``
    printed for a look is no side of anything), and the split is placed
    where its first side is bound. Parts get their names where they are
    bound: in the split's statement, or later from an indexed list
    (``train = splits[0]`` after ``df.randomSplit``).
    """
    side = interp.split_state.unbound.pop(id(value), None)
    if side is not None:
        if not side[0].sides:  # the split is where its first side is bound, not an EDA head()
            side[0].location, side[0].method = loc, side[2]
        side[0].sides.add(side[1])
    indexed = [t for t in interp.splits[-3:] if t.method == "randomSplit"]
    for tok in [*interp.pending_splits, *indexed]:
        tok.parts[:] = [named if p is value else p for p in tok.parts]
    if side is not None and side[0] not in interp.pending_splits:
        side[0].parts[:] = [named if p is value else p for p in side[0].parts]


def orient_splits(interp: Interp) -> None:
    """Positional (and sampled) splits whose first part is the one scored: the held-out side is first.

    ``X_test = X[:200]; X_train = X[200:]`` or ``test = df.iloc[idx[:n]]``:
    which slice is held out shows in what a model is fitted on and scored on.
    """
    for tok in interp.splits:
        if tok.method not in ("permutation", "slice", "sample") or tok.sides != {0, 1}:
            continue
        fitted = {0: False, 1: False}
        scored = {0: False, 1: False}
        for p in interp.protos:
            X = p.args.get("X")
            if not isinstance(X, DataV) or p.args.get("estimator") is None:
                continue
            for side in (0, 1):
                if any((tok.split_id, side) in path for path in X.rows.paths):
                    if p.kind == "fit" and "pseudo" not in p.args["estimator"].kinds:
                        fitted[side] = True
                    elif p.kind in ("evaluation", "predict"):
                        scored[side] = True
        tok.swapped = fitted[1] and not fitted[0] and scored[0]


def _mask_sides(data: DataV, split_id: str) -> set[int]:
    """Which sides of the mask split ``split_id`` the rows of ``data`` come from."""
    return {
        step[1]
        for path in data.rows.paths
        for step in path[1:]
        if isinstance(step, tuple) and step[0] == split_id
    }


def confirm_masks(interp: Interp) -> None:
    """Keep a mask split only when its parts are one model's fit and evaluation data."""
    masks = [t for t in interp.splits if t.method == "mask" and t.sides == {0, 1}]
    if not masks:
        return
    for tok in masks:
        fitted: set[str] = set()
        for p in interp.protos:
            X = p.args.get("X")
            est = p.args.get("estimator")
            if est is None or not isinstance(X, DataV):
                continue
            # a side's rows only: parts put back together (majority + up-sampled minority)
            # and split again are one frame, and the mask was a selection, not a hold-out
            sides = _mask_sides(X, tok.split_id)
            if p.kind == "fit" and sides == {0}:
                fitted.add(est.est_id)
            elif p.kind in ("evaluation", "predict") and est.est_id in fitted and sides == {1}:
                break
        else:
            tok.unused = True
            continue
        tok.unused = False
