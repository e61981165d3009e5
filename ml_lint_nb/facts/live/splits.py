"""Facts about a train/test pair of live objects: shared rows, time order, drift.

:func:`split_facts` compares the two parts of a split as the kernel holds
them (ML201 overlap from row hashes, ML207 time order, ML209 drift, ML210
test size). Both parts are read through
:func:`~ml_lint_nb.facts.live.tables.read_table` (base-class or read-only
views, nothing imported the user has not), the measures are the shared
ones of :mod:`two_sample`; it samples above the configured caps (and says
so), keeps no reference to the objects and never raises.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from ml_lint_nb.facts.live.fit_records import FitRecord, compare_rows, describe_rows, design_effect
from ml_lint_nb.facts.live.frames import DETAIL_ROWS
from ml_lint_nb.facts.live.limits import LiveLimits
from ml_lint_nb.facts.live.lineage import INDEX, Sources, context_of
from ml_lint_nb.facts.live.row_hashes import HASH_MULTIPLIER, column_hash, hash_rows
from ml_lint_nb.facts.live.safe import guarded
from ml_lint_nb.facts.live.sampling import original, sample_positions, seeded_subset
from ml_lint_nb.facts.live.tables import Table, read_table, read_target
from ml_lint_nb.facts.live.time_order import rows_time
from ml_lint_nb.facts.live.two_sample import (
    CHANCE_ROWS,
    DRIFT_ROWS,
    FIRST_COLUMNS,
    MAX_EXAMPLES,
    confirm_candidates,
    distinct_rows,
    drawn_with_replacement,
    drift_fact,
    expected_coincidences,
    isin,
    repeat_share,
    target_counts,
)
from ml_lint_nb.facts.location import Location
from ml_lint_nb.facts.model import DriftFact, Fact, GroupLeakageFact, OverlapFact, TemporalSplitFact

Pairs = list[tuple[str, int, int]]  # (label, train position, test position) of shared columns


def split_facts(
    train_name: str,
    train_obj: object,
    test_name: str,
    test_obj: object,
    location: Location,
    limits: LiveLimits,
    time_columns: Sequence[str] = (),
    train_target_obj: object | None = None,
    test_target_obj: object | None = None,
    target: str | None = None,
    dates_need_target: bool = False,
) -> list[Fact]:
    """Overlap, temporal-order, drift and shared-entity facts for two 2-D parts of a split.

    1-D parts (targets) give nothing on their own: pass them as
    ``train_target_obj``/``test_target_obj`` beside the feature parts, and
    their class counts ride on the :class:`OverlapFact`; or name the
    ``target`` column both frames hold (``%mlcheck train test --target y``).
    ``dates_need_target``: a date column counts as the rows' time only when a
    target shows it (the hook, which judges it again at the model's fit);
    otherwise, with no target, every date column counts.
    """
    np = sys.modules.get("numpy")
    if np is None:
        return []
    pd = sys.modules.get("pandas")
    train = read_table(train_obj)
    test = read_table(test_obj)
    if train is None or test is None or train.ndim != 2 or test.ndim != 2:
        return []
    if train.structured or test.structured:
        return []
    pairs = guarded(lambda: _common_columns(train, test, limits), [])
    if not pairs:
        return []
    if target is not None and train_target_obj is None:
        train_target_obj = guarded(lambda: _column_named(train, target), None)
        test_target_obj = guarded(lambda: _column_named(test, target), None)
    facts: list[Fact] = []
    judged = train_target_obj is not None or limits.full  # a target, or %mlcheck's request
    entities: tuple[list[Fact], float] = ([], 1.0)
    if judged:
        entities = guarded(
            lambda: _entities(
                train_obj,
                test_obj,
                train,
                train_name,
                test_name,
                location,
                limits,
                train_target_obj,
                target,
            ),
            ([], 1.0),
        )
    facts.extend(entities[0])
    with np.errstate(all="ignore"):
        overlap = guarded(
            lambda: _overlap(train, test, pairs, train_name, test_name, location, limits, np, pd),
            None,
        )
        if overlap is not None:
            counts = guarded(
                lambda: (target_counts(train_target_obj, np), target_counts(test_target_obj, np)),
                ((), ()),
            )
            facts.append(
                replace(overlap, train_class_counts=counts[0], test_class_counts=counts[1])
            )
        facts.extend(
            guarded(
                lambda: _temporal(
                    train,
                    test,
                    pairs,
                    time_columns,
                    train_name,
                    test_name,
                    location,
                    train_target_obj,
                    limits.seed,
                    np,
                    pd,
                    dates_need_target,
                ),
                [],
            )
        )
        drift = guarded(
            lambda: _drift(train, test, pairs, train_name, test_name, location, limits, np),
            None,
        )
        if drift is not None:
            facts.append(replace(drift, design_effect=entities[1]))
    return facts


def _column_named(table: Table, label: str) -> Any:
    """A frame's column by its label (the first of that label); None when it has none."""
    labels = table.labels() if table.kind == "DataFrame" else []
    return table.column(labels.index(label)) if label in labels else None


def _entities(
    train_obj: object,
    test_obj: object,
    train: Table,
    train_name: str,
    test_name: str,
    location: Location,
    limits: LiveLimits,
    target_obj: object | None,
    target: str | None,
) -> tuple[list[Fact], float]:
    """Entities of the training part with rows in the test part (ML211), and the design effect
    of the training rows' entities (ML209 counts clustered rows as fewer)."""
    context = context_of(train_obj, Sources(), limits.seed)
    entities, _times = describe_rows(context, train_obj, target_obj, target, limits)
    if not entities:
        return [], 1.0
    record = FitRecord(
        model="",
        data=train_name,
        token=(),
        n_rows=train.n_rows,
        labels=(),
        framed=True,
        hashes=None,
        hashed_rows=0,
        duplicate_share=0.0,
        entities=entities,
    )
    facts, _chronological = compare_rows(
        record, test_name, context_of(test_obj, Sources()), location
    )
    facts = [replace(f, model=None) for f in facts if isinstance(f, GroupLeakageFact)]
    return facts, design_effect(record)


def _common_columns(train: Table, test: Table, limits: LiveLimits) -> Pairs:
    """(label, train position, test position) of the columns both parts hold."""
    if train.kind == "DataFrame" and test.kind == "DataFrame":
        where: dict[str, int] = {}
        for j, label in enumerate(test.labels()):
            where.setdefault(label, j)
        seen: set[str] = set()
        pairs = []
        for i, label in enumerate(train.labels()):
            if label in where and label not in seen:
                seen.add(label)
                pairs.append((label, i, where[label]))
    elif train.n_cols == test.n_cols:
        names = train.labels() if train.kind == "DataFrame" else test.labels()
        pairs = [(names[j], j, j) for j in range(len(names))]
    else:
        return []
    return pairs[: limits.max_columns]


# -- ML201: shared rows --------------------------------------------------------------------------


def _shared_rows(
    train: Table, test: Table, pairs: Pairs, train_pos: Any, test_pos: Any, np: Any, pd: Any
) -> tuple[Any, Any, Any]:
    """Test rows equal to some training row, hashing most columns only for candidates.

    Every row is hashed on :data:`FIRST_COLUMNS` columns; the full row hash
    is computed for the rows that match there (on continuous data, only
    true copies). Returns the training rows' partial hashes, the test rows'
    and the mask.
    """
    first, rest = pairs[:FIRST_COLUMNS], pairs[FIRST_COLUMNS:]
    train_h = hash_rows(train, [p[1] for p in first], train_pos, np, pd)
    test_h = hash_rows(test, [p[2] for p in first], test_pos, np, pd)
    if train_h is None or test_h is None:
        return None, None, None
    shared = isin(test_h, train_h, np, pd)
    if not rest or not shared.any():
        return train_h, test_h, shared

    def whole(table: Table, picks: list[int], partial: Any, positions: Any) -> Any:
        """Whole-row hashes of one part's candidates: its other columns, then the first ones."""

        def rows(found: Any) -> Any:
            """Hashes of the candidates at indices ``found`` of the partial hashes."""
            at = found if positions is None else positions[found]
            rest_h = hash_rows(table, picks, at, np, pd)
            return rest_h * np.uint64(HASH_MULTIPLIER) + partial[found]

        return rows

    confirmed = confirm_candidates(
        train_h,
        test_h,
        shared,
        whole(train, [p[1] for p in rest], train_h, train_pos),
        whole(test, [p[2] for p in rest], test_h, test_pos),
        np,
        pd,
    )
    return train_h, test_h, confirmed


def _overlap(
    train: Table,
    test: Table,
    pairs: Pairs,
    train_name: str,
    test_name: str,
    location: Location,
    limits: LiveLimits,
    np: Any,
    pd: Any,
) -> OverlapFact | None:
    """Test rows that are copies of training rows, and how many chance alone explains."""
    train_pos = sample_positions(train.n_rows, limits, np)
    test_pos = sample_positions(test.n_rows, limits, np)
    train_h, test_h, shared = _shared_rows(train, test, pairs, train_pos, test_pos, np, pd)
    if shared is None:
        return None
    where = np.flatnonzero(shared)
    examples = original(test_pos, where[:MAX_EXAMPLES])
    expected = (
        guarded(
            lambda: _expected(train, test, pairs, len(train_h), len(test_h), limits, np, pd), None
        )
        if len(where)
        else None
    )
    return OverlapFact(
        "live",
        location,
        train=train_name,
        test=test_name,
        n_test=test.n_rows,
        n_overlap=int(len(where)),
        examples=examples,
        sampled=train_pos is not None or test_pos is not None,
        n_checked=None if test_pos is None else int(len(test_pos)),
        n_expected=expected,
    )


def _expected(
    train: Table,
    test: Table,
    pairs: Pairs,
    n_hashed: int,
    n_checked: int,
    limits: LiveLimits,
    np: Any,
    pd: Any,
) -> float:
    """Test rows that would coincide with training rows by chance (see ``expected_coincidences``)."""
    a_pos = (
        None
        if train.n_rows <= CHANCE_ROWS
        else seeded_subset(train.n_rows, CHANCE_ROWS, limits.seed, np)
    )
    b_pos = (
        None
        if test.n_rows <= CHANCE_ROWS
        else seeded_subset(test.n_rows, CHANCE_ROWS, limits.seed + 1, np)
    )
    train_cols = [column_hash(train.column(i, a_pos), np, pd) for _label, i, _j in pairs]
    test_cols = [column_hash(test.column(j, b_pos), np, pd) for _label, _i, j in pairs]
    repeat = repeat_share(train_cols, np)  # whole rows, on the sample
    distinct = distinct_rows(n_hashed, repeat)
    return expected_coincidences(train_cols, test_cols, distinct, repeat, n_checked, np)


# -- ML207: time order ---------------------------------------------------------------------------


def _time_text(value: Any, pd: Any) -> str:
    """A time as the finding prints it: a date at midnight as the date alone."""
    if pd is None or not hasattr(value, "dtype") or value.dtype.kind != "M":
        return f"{float(value):g}"
    ts = pd.Timestamp(value)
    return ts.strftime("%Y-%m-%d") if ts == ts.normalize() else str(ts)


def _temporal(
    train: Table,
    test: Table,
    pairs: Pairs,
    time_columns: Sequence[str],
    train_name: str,
    test_name: str,
    location: Location,
    target: object | None,
    seed: int,
    np: Any,
    pd: Any,
    need_target: bool = False,
) -> list[TemporalSplitFact]:
    """Time columns whose test part starts before the training part ends (ML207).

    With the training part's target at hand, a date column counts only when
    the target follows it (:func:`time_order.rows_time`: a signup date of
    customers is an attribute, not the rows' time); a ``DatetimeIndex`` and
    a column the notebook parsed as times count as they are.
    """
    if pd is None:
        return []
    named = {str(c) for c in time_columns}
    values = guarded(lambda: read_target(target), None) if target is not None else None
    if values is not None and len(values) != train.n_rows:
        values = None
    out = []
    for label, i, j in pairs:
        is_named = label in named
        a = guarded(lambda i=i, is_named=is_named: train.times(i, is_named), None)
        dated = getattr(getattr(a, "dtype", None), "kind", "") == "M"
        if need_target and values is None and (not is_named or dated):
            continue  # a date column with no target to show it is the rows' time
        b = guarded(lambda j=j, is_named=is_named: test.times(j, is_named), None)
        fact = _order(label, a, b, is_named, values, train_name, test_name, location, seed, np, pd)
        if fact is not None:
            out.append(fact)
    index_a = guarded(lambda: _datetime_index(train, pd), None)
    index_b = guarded(lambda: _datetime_index(test, pd), None)
    fact = _order(
        INDEX, index_a, index_b, True, None, train_name, test_name, location, seed, np, pd
    )
    if fact is not None:
        out.append(fact)
    return out


def _datetime_index(table: Table, pd: Any) -> Any:
    """A pandas part's ``DatetimeIndex`` as naive times (UTC), without NaT; None otherwise."""
    index = getattr(table.data, "index", None)
    if not isinstance(index, pd.DatetimeIndex):
        return None
    if index.tz is not None:
        index = index.tz_convert("UTC").tz_localize(None)
    arr = index.to_numpy()
    return arr[~pd.isna(arr)]


def _order(
    label: str,
    a: Any,
    b: Any,
    named: bool,
    target: Any,
    train_name: str,
    test_name: str,
    location: Location,
    seed: int,
    np: Any,
    pd: Any,
) -> TemporalSplitFact | None:
    """The fact of one time column, when the test part has rows before the training's latest."""
    if a is None or b is None or len(a) == 0 or len(b) == 0:
        return None
    judged = not named and target is not None and a.dtype.kind == "M"
    if judged and (
        len(a) != len(target) or not guarded(lambda: rows_time(a, target, seed, np), False)
    ):
        return None  # the target does not follow this date: an attribute, not the rows' time
    latest = a.max()
    earlier = float(np.mean(b < latest))
    if earlier <= 0:
        return None
    return TemporalSplitFact(
        "live",
        location,
        train=train_name,
        test=test_name,
        column=label,
        train_max=_time_text(latest, pd),
        test_min=_time_text(b.min(), pd),
        share_earlier=earlier,
        n_test=len(b),
    )


def _resampled(train: Table, pairs: Pairs, limits: LiveLimits, np: Any) -> bool:
    """The training part repeats rows with a continuous column: drawn with replacement."""
    pd = sys.modules.get("pandas")
    picks = (
        None
        if train.n_rows <= CHANCE_ROWS
        else seeded_subset(train.n_rows, CHANCE_ROWS, limits.seed, np)
    )
    cols = [column_hash(train.column(i, picks), np, pd) for _label, i, _j in pairs]
    return drawn_with_replacement(cols, repeat_share(cols, np), np)


# -- ML209: drift --------------------------------------------------------------------------------


def _drift(
    train: Table,
    test: Table,
    pairs: Pairs,
    train_name: str,
    test_name: str,
    location: Location,
    limits: LiveLimits,
    np: Any,
) -> DriftFact | None:
    """KS and PSI of each shared numeric column, on a seeded sample of each part."""
    # the hook stays within its budget on wide splits: the sampled rows are taken once
    cap = max(limits.max_rows, DETAIL_ROWS) if limits.full else DRIFT_ROWS
    if _resampled(train, pairs, limits, np):
        return None  # an up-sampled training part: its class shares differ on purpose
    train_pos = None if train.n_rows <= cap else seeded_subset(train.n_rows, cap, limits.seed, np)
    test_pos = None if test.n_rows <= cap else seeded_subset(test.n_rows, cap, limits.seed + 1, np)
    sampled = train_pos is not None or test_pos is not None
    train, test = train.take(train_pos), test.take(test_pos)
    columns = (
        (
            label,
            guarded(lambda i=i: train.floats(i), None),
            guarded(lambda j=j: test.floats(j), None),
        )
        for label, i, j in pairs
    )
    return drift_fact(columns, train_name, test_name, location, sampled, np)


__all__ = ["DRIFT_ROWS", "split_facts"]
