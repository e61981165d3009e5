"""What each model was fitted on, and how each evaluation's rows compare with it.

Overlap and drift used to hang on a ``train_test_split`` call; train and
test frames loaded from two files, returned by a function or cut by hand got
no cross-check. Here the evidence is anchored on the model instead: at each
fit the hook keeps a :class:`FitRecord` (a fingerprint of the rows: hashes of
up to :data:`HASH_ROWS` rows, a seeded sample of numeric values for drift,
its columns and target), and at each evaluation of that model the evaluation
rows are compared with it (:func:`compare`).

The record holds numbers derived from the data, never the user's objects.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any

from ml_lint_nb.facts.live.entities import (
    EntityBaseline,
    best,
    entity_baselines,
    entity_keys,
    entity_overlap,
    fold_overlap,
)
from ml_lint_nb.facts.live.folds import SplitterSpec, folds
from ml_lint_nb.facts.live.limits import LiveLimits
from ml_lint_nb.facts.live.lineage import Context
from ml_lint_nb.facts.live.row_hashes import column_hash, combine, float_hash, hash_rows
from ml_lint_nb.facts.live.safe import guarded
from ml_lint_nb.facts.live.sampling import original, seeded_subset
from ml_lint_nb.facts.live.tables import Table, factorize, floats, read_table, read_target
from ml_lint_nb.facts.live.time_order import (
    TimeBaseline,
    entity_earlier,
    entity_latest,
    time_baselines,
    time_order,
    time_text,
)
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

HASH_ROWS = 200_000  # fit rows hashed at most (a seeded sample above: overlap is a lower bound)
SAMPLE_ROWS = max(DRIFT_ROWS, CHANCE_ROWS)  # the fit rows' one seeded sample serves both
TRAINING_SHARE = 0.95  # evaluation rows this much inside the fit rows are a training score
MIN_GROUPED_ROWS = 20  # evaluation rows, none of a fit entity: a split grouped by that entity
MIN_CLUSTERS = 20  # entities a column needs before its rows count as clustered (design effect)
# evaluation rows chance alone puts among the fit rows at this share: their values cannot say
# whether they are the fit rows (a feature space of a few hundred distinct rows)
CHANCE_INSIDE = 0.5


@dataclass
class FitRecord:
    """The fingerprint of the rows one model was fitted on."""

    model: str
    data: str  # how the code names the fit rows (``train[features]``)
    token: tuple  # identities of the fitted attributes: a refit changes them
    n_rows: int
    labels: tuple[str, ...]  # column labels (``x0``... for arrays)
    framed: bool  # a DataFrame (columns matched by label) or an array (by position)
    hashes: Any  # row hashes over the first columns (:data:`FIRST_COLUMNS`), in row order
    hashed_rows: int
    duplicate_share: float  # share of sampled rows repeating an earlier one (chance baseline)
    n_distinct: int = 0  # distinct fit rows (estimated from the sample)
    rows: Any = None  # positions of the hashed rows when sampled; None = all
    reload: Any = None  # () -> the fit data again, if it is still the same object; else None
    numeric: dict[str, Any] = field(default_factory=dict)  # label -> sampled float values
    value_hashes: dict[str, Any] = field(default_factory=dict)  # label -> sampled value hashes
    target_counts: tuple[tuple[str, int], ...] = ()
    # columns that describe the fit rows beyond the features (:mod:`lineage`): entity
    # columns (ML211) and the rows' time (ML207), found at the fit by :func:`describe_rows`
    entities: tuple[EntityBaseline, ...] = ()
    times: tuple[TimeBaseline, ...] = ()
    index_keys: Any = None  # hashes of the fit rows' pandas index labels
    fresh_index: bool = False  # the fit rows' index is a RangeIndex from 0 (nothing to tell)


def fit_token(model: object) -> tuple:
    """Identities of a fitted model's public trailing-underscore attributes.

    Refitting replaces them, so a record whose token no longer matches is
    about a fit the hook did not see. Reads the instance dictionary only.
    """
    try:
        attrs = object.__getattribute__(model, "__dict__")
    except Exception:
        return ()
    out = []
    for key in list(attrs)[:200]:
        if isinstance(key, str) and key.endswith("_") and not key.startswith("_"):
            value = attrs[key]
            if not isinstance(value, int | float | str | bool | type(None)):
                out.append((key, id(value)))
    return tuple(sorted(out))


def record_fit(
    model_name: str,
    model: object,
    data_label: str,
    X: object,
    y: object | None,
    limits: LiveLimits,
) -> FitRecord | None:
    """Fingerprint the rows ``model`` was just fitted on; ``None`` for data it cannot read."""
    np = sys.modules.get("numpy")
    if np is None:
        return None
    pd = sys.modules.get("pandas")
    table = _table(X)
    if table is None:
        return None
    with np.errstate(all="ignore"):
        return guarded(
            lambda: _record(model_name, model, data_label, table, y, limits, np, pd), None
        )


def _table(data: object) -> Table | None:
    """The table of a fit's (or an evaluation's) data; record arrays are not read as tables."""
    table = read_table(data)
    return None if table is None or table.structured else table


VERSION_ROWS = 64  # rows whose values stand for a table's version in the fit cache


def data_version(X: object, y: object | None, limits: LiveLimits) -> tuple | None:
    """A cheap version of the data a fit received: shape, columns and a few rows' values.

    The fit record and the fit's data checks are cached under it, so the
    same rows fitted again (a re-run, a second model on the same frame) are
    not hashed or scored again, while a column changed in place (``train["a"]
    = np.log(train["a"])``) gives a new version. ``None``: data it cannot read.
    """
    np = sys.modules.get("numpy")
    if np is None:
        return None
    pd = sys.modules.get("pandas")
    with np.errstate(all="ignore"):
        return guarded(lambda: _version(X, y, limits, np, pd), None)


def _version(X: object, y: object | None, limits: LiveLimits, np: Any, pd: Any) -> tuple | None:
    """Per part (``X``, ``y``): shape, labels, dtype and the hashes of a few seeded rows."""
    out: list[Any] = []
    for part in (X, y):
        if part is None:
            out.append(None)
            continue
        table = _table(part)
        if table is None:
            return None
        labels = tuple(table.labels(limits.max_columns))
        n = table.n_rows
        pos = None if n <= VERSION_ROWS else seeded_subset(n, VERSION_ROWS, limits.seed + 7, np)
        h = None
        for col in table.take(pos).first_columns(len(labels)):
            h = combine(h, column_hash(col, np, pd), np)
        values = b"" if h is None else h.tobytes()
        data = table.data
        out.append((tuple(data.shape), labels, str(getattr(data, "dtype", "")), values))
    return tuple(out)


def _record(
    model_name: str,
    model: object,
    data_label: str,
    table: Table,
    y: object | None,
    limits: LiveLimits,
    np: Any,
    pd: Any,
) -> FitRecord:
    """The record of one fit: hashes of every row on a few columns, one seeded sample."""
    labels = tuple(table.labels(limits.max_columns))
    n = table.n_rows
    rows = None if n <= HASH_ROWS else seeded_subset(n, HASH_ROWS, limits.seed, np)
    # every row on a few columns; whole rows only for candidates, when an evaluation asks
    hashes = hash_rows(table, range(min(FIRST_COLUMNS, len(labels))), rows, np, pd)
    hashed = len(hashes)
    # one seeded sample serves the chance estimate and the drift baseline, taken once
    picked = None if n <= SAMPLE_ROWS else seeded_subset(n, SAMPLE_ROWS, limits.seed, np)
    sample = table.take(picked)
    numeric: dict[str, Any] = {}
    value_hashes: dict[str, Any] = {}
    parts = []
    columns = sample.first_columns(len(labels))
    for j, (lab, col) in enumerate(zip(labels, columns, strict=True)):
        vals = guarded(lambda col=col: floats(col), None)
        if vals is not None:
            numeric[lab] = vals
            got = float_hash(vals, np)  # hashed by value, as column_hash hashes numbers
        else:
            got = guarded(lambda col=col: column_hash(col, np, pd), None)
        if got is None:
            raise ValueError(f"column {j} cannot be hashed")
        value_hashes[lab] = got
        parts.append(got)
    repeat = repeat_share(parts, np)
    index = _index_of(table, pd)
    index_keys = None
    if index is not None and len(index) <= HASH_ROWS:
        index_keys = pd.util.hash_pandas_object(index, index=False).to_numpy()
    counts: tuple[tuple[str, int], ...] = ()
    if y is not None:
        counts = guarded(lambda: target_counts(y, np), ())
    return FitRecord(
        model=model_name,
        data=data_label,
        token=fit_token(model),
        n_rows=n,
        labels=labels,
        framed=table.framed,
        hashes=hashes,
        hashed_rows=hashed,
        duplicate_share=repeat,
        n_distinct=distinct_rows(n, repeat),
        rows=rows,
        numeric=numeric,
        value_hashes=value_hashes,
        target_counts=counts,
        index_keys=index_keys,
        fresh_index=bool(
            index is not None and isinstance(index, pd.RangeIndex) and index.start == 0
        ),
    )


def compare(
    record: FitRecord,
    eval_label: str,
    X: object,
    y: object | None,
    location: Location,
    limits: LiveLimits,
    roles: list[str] | None = None,
    inside: list[tuple[int, int]] | None = None,
) -> list[Fact]:
    """Overlap (ML201, ML210) and drift (ML209) facts of evaluation rows against the fit rows.

    An evaluation on the fit rows themselves (a training score) gives no
    overlap fact: whether it is a pitfall depends on the model's other
    evaluations (ML204, judged by the caller, which ``inside`` tells the
    rows found among the fit rows and the rows checked).
    """
    np = sys.modules.get("numpy")
    if np is None:
        return []
    pd = sys.modules.get("pandas")
    table = _table(X)
    if table is None:
        return []
    with np.errstate(all="ignore"):
        return guarded(
            lambda: _compare(record, eval_label, table, y, location, limits, np, pd, roles, inside),
            [],
        )


def _positions(record: FitRecord, table: Table, limits: LiveLimits) -> list[int]:
    """Positions in ``table`` of the record's columns, in the record's order; [] when they differ."""
    labels = table.labels(limits.max_columns)
    if record.framed and table.framed:
        where = {lab: j for j, lab in reversed(list(enumerate(labels)))}
        if not all(lab in where for lab in record.labels):
            return []
        return [where[lab] for lab in record.labels]
    if len(labels) != len(record.labels):
        return []
    return list(range(len(labels)))


def _compare(
    record: FitRecord,
    eval_label: str,
    table: Table,
    y: object | None,
    location: Location,
    limits: LiveLimits,
    np: Any,
    pd: Any,
    roles: list[str] | None = None,
    inside: list[tuple[int, int]] | None = None,
) -> list[Fact]:
    """See :func:`compare`; ``roles`` receives what the evaluation rows are to the model."""
    roles = roles if roles is not None else []
    inside = inside if inside is not None else []
    picks = _positions(record, table, limits)
    if not picks:
        return []
    n = table.n_rows
    if n == 0:
        return []
    rows = None if n <= HASH_ROWS else seeded_subset(n, HASH_ROWS, limits.seed + 1, np)
    shared = _shared(record, table, picks, rows, np, pd)
    if shared is None:
        return []  # candidates that cannot be verified: the fit data is gone
    n_checked = len(shared)
    n_shared = int(shared.sum())
    chance_rows = None if n <= CHANCE_ROWS else seeded_subset(n, CHANCE_ROWS, limits.seed + 1, np)
    expected = (
        guarded(lambda: _chance(record, table.take(chance_rows), picks, n_checked, np, pd), None)
        if n_shared
        else None
    )
    small = n_shared >= TRAINING_SHARE * n_checked and (expected or 0) >= CHANCE_INSIDE * n_checked
    # a feature space so small that any row matches some fit row (weekday, month, promo: 168
    # rows): the rows' values cannot tell whether they are the fit rows; their index may
    role = _role_by_index(record, table, pd) if small else None
    if role == "test":
        shared = np.zeros(n_checked, dtype=bool)
        n_shared = 0
    inside.append((n_shared, n_checked))
    if role == "all":
        roles.append("all")
        return []  # rows that may or may not be the fit rows: neither a training nor a test score
    if role == "train" or (
        role is None and n_shared >= TRAINING_SHARE * n_checked and n <= record.n_rows
    ):
        roles.append("train")
        return []  # the fit rows (or some of them): a training score
    if rows is None and record.rows is None and n_shared >= TRAINING_SHARE * record.n_rows:
        roles.append("all")
        return []  # all the data, fit rows included (df["pred"] = model.predict(X)): no test set
    roles.append("test")
    facts: list[Fact] = []
    examples = original(rows, np.flatnonzero(shared)[:MAX_EXAMPLES])
    counts: tuple[tuple[str, int], ...] = ()
    if y is not None:
        counts = guarded(lambda: target_counts(y, np), ())
    facts.append(
        OverlapFact(
            "live",
            location,
            train=record.data,
            test=eval_label,
            n_test=n,
            n_overlap=n_shared,
            examples=examples,
            sampled=record.hashed_rows < record.n_rows,
            n_checked=None if rows is None else n_checked,
            train_class_counts=record.target_counts if counts else (),
            test_class_counts=counts,
            n_expected=expected,
            model=record.model,
        )
    )
    drift = guarded(
        lambda: _drift(record, eval_label, table, picks, rows, shared, location, limits, np),
        None,
    )
    if drift is not None:
        facts.append(drift)
    return facts


def _role_by_index(record: FitRecord, table: Table, pd: Any) -> str:
    """``test`` / ``train`` when the evaluation rows' index labels are outside / inside the fit
    rows' own; ``all`` (unknown) when the index cannot tell (no index, or both fresh
    ``RangeIndex`` from 0, as two files read separately have)."""
    index = _index_of(table, pd)
    if index is None or record.index_keys is None:
        return "all"
    np = sys.modules["numpy"]
    keys = pd.util.hash_pandas_object(index, index=False).to_numpy()
    inside = float(isin(keys, record.index_keys, np, pd).mean()) if len(keys) else 0.0
    if inside <= 1 - TRAINING_SHARE:
        return "test"
    fresh = isinstance(index, pd.RangeIndex) and index.start == 0 and record.fresh_index
    if inside >= TRAINING_SHARE and not fresh:
        return "train"
    return "all"


def _index_of(table: Table, pd: Any) -> Any:
    """A pandas table's index; None for other backends."""
    if pd is None or not isinstance(table.data, pd.DataFrame | pd.Series):
        return None
    return table.data.index


def _shared(record: FitRecord, table: Table, picks: list[int], rows: Any, np: Any, pd: Any) -> Any:
    """Evaluation rows equal to some fit row: first columns for all, whole rows for candidates.

    None when candidates need the fit data and it is gone (rebound, changed).
    """
    partial = hash_rows(table, picks[:FIRST_COLUMNS], rows, np, pd)
    shared = isin(partial, record.hashes, np, pd)
    if len(picks) <= FIRST_COLUMNS or not shared.any():
        return shared
    fit_table = _table(record.reload()) if record.reload is not None else None
    if fit_table is None:
        return None
    every = range(len(record.labels))

    def fit_rows(a: Any) -> Any:
        """Whole-row hashes of the fit rows at positions ``a`` of the record's hashes."""
        return hash_rows(fit_table, every, a if record.rows is None else record.rows[a], np, pd)

    def eval_rows(b: Any) -> Any:
        """Whole-row hashes of the evaluation rows at positions ``b`` of the checked rows."""
        return hash_rows(table, picks, b if rows is None else rows[b], np, pd)

    return confirm_candidates(record.hashes, partial, shared, fit_rows, eval_rows, np, pd)


def _chance(
    record: FitRecord, sample: Table, picks: list[int], n_checked: int, np: Any, pd: Any
) -> float | None:
    """Evaluation rows expected to coincide with some fit row by chance alone."""
    fit_cols, eval_cols = [], []
    for lab, j in zip(record.labels, picks, strict=True):
        fit_h = record.value_hashes.get(lab)
        if fit_h is None:
            return None
        fit_cols.append(fit_h)
        eval_cols.append(column_hash(sample.column(j), np, pd)[:CHANCE_ROWS])
    return expected_coincidences(
        fit_cols, eval_cols, record.n_distinct, record.duplicate_share, n_checked, np
    )


def _drift(
    record: FitRecord,
    eval_label: str,
    table: Table,
    picks: list[int],
    rows: Any,
    shared: Any,
    location: Location,
    limits: LiveLimits,
    np: Any,
) -> DriftFact | None:
    """Drift between the fit sample and the evaluation rows that are not copies of fit rows.

    Copied rows are ML201's finding; left in, they dilute a shifted column
    (500 copies among 1,500 test rows cut a KS of 0.31 to 0.22), so the drift
    is measured on the rows that are new to the model. Fit rows up-sampled
    with replacement (:func:`two_sample.drawn_with_replacement`) hold the
    classes in shares chosen on purpose: every feature that tells the classes
    apart differs from natural rows, which is no drift, so none is measured.
    """
    if drawn_with_replacement(list(record.value_hashes.values()), record.duplicate_share, np):
        return None
    fresh = np.flatnonzero(~shared)
    if rows is not None:
        fresh = rows[fresh]
    if len(fresh) > DRIFT_ROWS:
        fresh = fresh[seeded_subset(len(fresh), DRIFT_ROWS, limits.seed + 1, np)]
    n = table.n_rows
    sample = table.take(None if len(fresh) == n else fresh)
    columns = (
        (lab, record.numeric.get(lab), guarded(lambda j=j: sample.floats(j), None))
        for lab, j in zip(record.labels, picks, strict=True)
    )
    fit_n = max((len(v) for v in record.numeric.values()), default=0)
    return drift_fact(
        columns,
        record.data,
        eval_label,
        location,
        fit_n < record.n_rows or len(fresh) < n - int(shared.sum()),
        np,
        n_excluded=int(shared.sum()),
    )


# -- what the rows are beyond their features: entities and time (ML211, ML207) -------------------


def describe_rows(
    context: Context | None,
    X: object,
    y: object | None,
    target_label: str | None,
    limits: LiveLimits,
) -> tuple[tuple[EntityBaseline, ...], tuple[TimeBaseline, ...]]:
    """The entity columns and the time of a model's fit rows (``context``: :func:`lineage.context_of`)."""
    np = sys.modules.get("numpy")
    table = _table(X)
    if np is None or context is None or table is None:
        return (), ()
    with np.errstate(all="ignore"):
        found = guarded(
            lambda: entity_baselines(context, table, y, target_label, limits.max_columns), []
        )
        times = guarded(lambda: time_baselines(context, y, limits.seed), [])
    return tuple(best(found)), tuple(times)


def design_effect(record: FitRecord) -> float:
    """How many rows count as one independent row when rows come in entities.

    Kish's design effect ``1 + (m - 1) * ICC`` for an entity of ``m`` rows on
    average whose features correlate within it by ``ICC`` (the most alike
    feature's): 700 patients with 6 visits each are closer to 700 rows than to
    4,200 for what chance explains between two groups of patients.
    """
    best = 1.0
    for base in record.entities:
        if base.n_entities < MIN_CLUSTERS or not base.alike:
            continue
        icc = max(0.0, min(1.0, base.alike[0][1]))
        best = max(best, 1.0 + (base.rows_per_entity - 1.0) * icc)
    return round(best, 3)


def compare_rows(
    record: FitRecord,
    eval_label: str,
    context: Context | None,
    location: Location,
    how: str = "split",
) -> tuple[list[Fact], str | None]:
    """Entities shared with the fit rows (ML211) and rows dated before them (ML207).

    Returns the facts and, when every evaluation row is dated at or after the
    fit rows' latest, that time column (an out-of-time evaluation: its drift
    is expected). A split that keeps an entity's rows on one side (no entity
    of the evaluation rows among the fit rows') is a grouped split: its
    dates may interleave by design, and no time order is reported.
    """
    if context is None or not (record.entities or record.times):
        return [], None
    facts: list[Fact] = []
    grouped = False
    for base in record.entities:
        got = guarded(lambda base=base: entity_overlap(base, context), None)
        if got is None:
            continue
        n_test, n_seen, shared = got
        if n_seen == 0 and n_test >= MIN_GROUPED_ROWS:
            grouped = True
        if n_seen == 0:
            continue
        facts.append(
            _group_fact(
                base,
                location,
                (record.data, eval_label),
                (n_test, n_seen, shared),
                record.model,
                how,
            )
        )
    chronological = None
    for base in record.times:
        got = guarded(lambda base=base: time_order(base, context), None)
        if got is None:
            continue
        n_test, n_earlier, earliest = got
        if n_earlier == 0:
            if base.why != "entity":  # within entities: no seen entity's row is earlier either
                chronological = chronological or base.column
            continue
        if grouped:
            continue
        facts.append(
            TemporalSplitFact(
                "live",
                location,
                train=record.data,
                test=eval_label,
                column=base.column,
                train_max=time_text(base.latest),
                test_min=time_text(earliest),
                share_earlier=n_earlier / n_test,
                model=record.model,
                how=how,
                n_test=n_test,
                frame=base.frame,
            )
        )
    return facts, chronological


def fold_facts(
    spec: SplitterSpec,
    X: object,
    y: object | None,
    context: Context | None,
    target_label: str | None,
    label: str,
    location: Location,
    model: str | None,
    limits: LiveLimits,
) -> list[Fact]:
    """Entities across the folds (ML211) and held-out rows dated before their folds' training
    rows (ML207) of a cross-validation over ``X``, its folds rebuilt from ``spec``.

    A group-aware splitter keeps an entity in one fold, and ``TimeSeriesSplit``
    trains on the past only: neither is measured.
    """
    np = sys.modules.get("numpy")
    pd = sys.modules.get("pandas")
    if np is None or context is None or spec.grouped or spec.ordered:
        return []
    entities, times = describe_rows(context, X, y, target_label, limits)
    if not entities and not times:
        return []
    labels = None
    if y is not None:
        values = guarded(lambda: read_target(y), None)
        labels = None if values is None else factorize(values)[0]
    got = guarded(lambda: folds(spec, context.n_rows, labels, limits.seed), None)
    if not got:
        return []
    out: list[Fact] = []
    for base in entities:
        keys = guarded(
            lambda base=base: entity_keys(context.entities[base.column][0], np, pd), None
        )
        if keys is None or len(keys) != context.n_rows:
            continue
        n_test, n_seen, shared = fold_overlap(keys, got, np)
        if n_seen == 0:
            continue
        out.append(
            _group_fact(
                base,
                location,
                (label, label),
                (n_test, n_seen, shared),
                model,
                "cross-validation",
                spec.label,
            )
        )
    for base in times:
        got_order = guarded(
            lambda base=base: (
                _fold_order(context.times[base.column][0], got, np)
                if base.why != "entity"
                else _fold_entity_order(context, base, got, np, pd)
            ),
            None,
        )
        if got_order is None:
            continue
        n_test, n_earlier, earliest = got_order
        out.append(
            TemporalSplitFact(
                "live",
                location,
                train=label,
                test=label,
                column=base.column,
                train_max=time_text(base.latest),
                test_min=time_text(earliest),
                share_earlier=n_earlier / n_test,
                model=model,
                how="cross-validation",
                n_test=n_test,
                frame=base.frame,
            )
        )
    return out


def _fold_order(stamps: Any, got: list[tuple[Any, Any]], np: Any) -> tuple[int, int, Any] | None:
    """Held-out rows, those dated before their fold's latest training row, the earliest one."""
    n_test = n_earlier = 0
    earliest = None
    for train, test in got:
        fit = stamps[train]
        fit = fit[~np.isnat(fit)]
        held = stamps[test]
        held = held[~np.isnat(held)]
        if len(fit) == 0 or len(held) == 0:
            continue
        n_test += len(held)
        n_earlier += int(np.sum(held < fit.max()))
        first = held.min()
        earliest = first if earliest is None or first < earliest else earliest
    if n_earlier == 0 or earliest is None:
        return None
    return n_test, n_earlier, earliest


def _fold_entity_order(
    context: Context, base: TimeBaseline, got: list[tuple[Any, Any]], np: Any, pd: Any
) -> tuple[int, int, Any] | None:
    """:func:`_fold_order` for a time that the target follows within entities: held-out rows
    dated before the latest training row of their own entity in their fold."""
    stamps = context.times[base.column][0]
    keys = entity_keys(context.entities[base.entity][0], np, pd)  # type: ignore[index]
    n_test = n_earlier = 0
    earliest = None
    for train, test in got:
        latest = entity_latest(keys[train], stamps[train], np)
        found = entity_earlier(latest, keys[test], stamps[test], np) if latest else None
        if found is None:
            continue
        n_test += found[0]
        n_earlier += found[1]
        earliest = found[2] if earliest is None or found[2] < earliest else earliest
    if n_earlier == 0 or earliest is None:
        return None
    return n_test, n_earlier, earliest


__all__ = [
    "FitRecord",
    "MIN_GROUPED_ROWS",
    "compare",
    "compare_rows",
    "describe_rows",
    "design_effect",
    "fold_facts",
    "data_version",
    "fit_token",
    "record_fit",
]


def _group_fact(
    base: EntityBaseline,
    location: Location,
    pair: tuple[str, str],
    counts: tuple[int, int, int],
    model: str | None,
    how: str,
    splitter: str | None = None,
) -> GroupLeakageFact:
    """An entity column's baseline at the fit with the evaluation rows it was met on (ML211)."""
    n_test, n_seen, shared = counts
    return GroupLeakageFact(
        "live",
        location,
        train=pair[0],
        test=pair[1],
        column=base.column,
        n_test=n_test,
        n_seen=n_seen,
        shared=shared,
        n_entities=base.n_entities,
        rows_per_entity=round(base.rows_per_entity, 2),
        feature_icc=base.feature_icc,
        target_icc=base.target_icc,
        alike=base.alike,
        n_features=base.n_features,
        frame=base.frame,
        model=model,
        how=how,
        **({"splitter": splitter} if splitter is not None else {}),
    )
