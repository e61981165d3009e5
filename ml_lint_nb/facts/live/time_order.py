"""The time of a model's rows: evaluation rows dated before the latest fit row (ML207).

A random split of dated rows (``train_test_split``, ``sample`` then
``drop``, a mask of random numbers, a shuffled ``KFold``) trains on rows
dated after some of the rows it is evaluated on: the model learns from
the future of its test rows. Whatever the split's spelling, the fit rows
and the evaluation rows say it: :func:`time_baselines` keeps the latest
date of the fit rows per time column (found by :mod:`lineage`, also when
the date was dropped from the features), :func:`time_order` counts the
evaluation rows dated before it.

Not every date column is the rows' time: a customer's signup date or a
birth date is an attribute, and a random split of customers is fine. A
date column counts as the rows' time when it is the frame's
``DatetimeIndex`` (a time series), or when the target follows it: rows
next to each other in time have closer targets than rows drawn at random
(:func:`follows`: a season, a slow drift), or the target rises or falls
with time beyond chance (:func:`trend`: prices with inflation), which is
what makes training on the future help.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, replace
from typing import Any

from ml_lint_nb.facts.live.entities import candidate_codes, entity_keys, floats_of
from ml_lint_nb.facts.live.lineage import INDEX, Context
from ml_lint_nb.facts.live.safe import guarded
from ml_lint_nb.facts.live.sampling import seeded_subset
from ml_lint_nb.facts.live.tables import factorize, read_target

MIN_ROWS = 50  # dated rows a side needs before its order is judged
ORDER_ROWS = 20_000  # rows the target's order in time is measured on (a seeded sample above)
MAX_NEIGHBOUR_RATIO = 0.9  # neighbours in time this much closer than random pairs: time matters
MIN_TREND = 0.1  # |Spearman| of the target with time that makes a trend (and beyond chance:)
TREND_Z = 4.0  # |rho| * sqrt(n - 1) at least
MAX_ENTITY_COLUMNS = 3  # entity columns tried when the target follows time only within entities
MIN_SERIES = 2  # levels of such a column: the series of a panel (eight sensors) count


@dataclass(frozen=True)
class TimeBaseline:
    """A time column of a model's fit rows: its latest date, and why it is the rows' time."""

    column: str
    frame: str | None  # where it was found (None: the fit data itself)
    latest: Any  # numpy datetime64
    n_rows: int
    why: str  # "index" | "target" (neighbours in time alike) | "trend" (rank correlation)
    # | "entity" (an entity's rows next to each other in time alike)
    ratio: float | None = None  # the neighbour ratio (target, entity) or Spearman's rho (trend)
    # the entity column of the rows (for "entity": the one within which the target follows
    # time), with its sorted entity hashes and the latest fit date of each (int64 nanoseconds)
    entity: str | None = None
    entity_latest: Any = None


def time_baselines(context: Context, y: object | None, seed: int) -> list[TimeBaseline]:
    """The time columns of a model's fit rows that are the rows' time (see module)."""
    np = sys.modules.get("numpy")
    if np is None:
        return []
    target = guarded(lambda: read_target(y), None) if y is not None else None
    if target is not None and len(target) != context.n_rows:
        target = None
    out = []
    with np.errstate(all="ignore"):
        for label, (times, frame) in context.times.items():
            got = guarded(
                lambda label=label, times=times, frame=frame: _baseline(
                    label, times, frame, target, seed, np
                ),
                None,
            )
            if got is None and label != INDEX and target is not None:
                got = guarded(
                    lambda label=label, times=times, frame=frame: _entity_baseline(
                        label, times, frame, context, target, seed, np
                    ),
                    None,
                )
            elif got is not None and label != INDEX:
                got = guarded(
                    lambda got=got, times=times: _with_entity(got, times, context, np), got
                )
            if got is not None:
                out.append(got)
    return out


def _with_entity(base: TimeBaseline, times: Any, context: Context, np: Any) -> TimeBaseline:
    """The baseline with the latest fit date of each entity of its rows' first entity column.

    Longitudinal rows (a patient's visits) are often held out per entity in
    time (each patient's last visit): every evaluation row then comes after
    its own entity's training rows while the entities' dates interleave.
    :func:`time_order` does not call that training on the future.
    """
    pd = sys.modules.get("pandas")
    for name, (values, _where) in list(context.entities.items())[:MAX_ENTITY_COLUMNS]:
        if len(values) != len(times) or candidate_codes(values, np) is None:
            continue
        latest = entity_latest(entity_keys(values, np, pd), times, np)
        if latest is not None:
            return replace(base, entity=name, entity_latest=latest)
    return base


def _entity_baseline(
    label: str, times: Any, frame: str | None, context: Context, target: Any, seed: int, np: Any
) -> TimeBaseline | None:
    """The time of a panel's rows: the target follows it within each entity.

    Twenty stores' daily sales sorted by date put a different store next to
    each row, so the target looks unrelated to time over all rows, while each
    store's sales drift from week to week. Within an entity column (the first
    of the context's candidates whose rows are alike in time), the time is the
    rows' time; the latest fit date of each entity is kept, since only an
    evaluation row of an entity seen in training, dated before that entity's
    latest training row, is predicted from its own future.
    """
    pd = sys.modules.get("pandas")
    for name, (values, _where) in list(context.entities.items())[:MAX_ENTITY_COLUMNS]:
        if len(values) != len(times):
            continue
        found = candidate_codes(values, np, MIN_SERIES)
        if found is None:
            continue
        codes = found[0]
        ratio = follows_within(times, target, codes, seed, np)
        if ratio is None or ratio > MAX_NEIGHBOUR_RATIO:
            continue
        keys = entity_keys(values, np, pd)
        latest = entity_latest(keys, times, np)
        if latest is None:
            continue
        valid = ~np.isnat(times)
        return TimeBaseline(
            label,
            frame,
            times[valid].max(),
            int(valid.sum()),
            "entity",
            round(ratio, 3),
            entity=name,
            entity_latest=latest,
        )
    return None


def entity_latest(keys: Any, times: Any, np: Any) -> tuple[Any, Any] | None:
    """Sorted distinct entity hashes and the latest date of each (as int64 nanoseconds)."""
    ok = ~np.isnat(times) & ~_null_keys(keys, np)
    if not ok.any():
        return None
    uniq, inverse = np.unique(keys[ok], return_inverse=True)
    stamps = times[ok].astype("datetime64[ns]").astype("int64")
    latest = np.full(len(uniq), np.iinfo("int64").min, dtype="int64")
    np.maximum.at(latest, inverse, stamps)
    return uniq, latest


def _null_keys(keys: Any, np: Any) -> Any:
    """Rows whose entity is unknown (a null hashes to NaN in a float array)."""
    if keys.dtype.kind == "f":
        return np.isnan(keys)
    return np.zeros(len(keys), dtype=bool)


def entity_earlier(
    latest: tuple[Any, Any], keys: Any, times: Any, np: Any
) -> tuple[int, int, Any, int] | None:
    """(dated rows, those of a seen entity dated before its latest fit row, the earliest date,
    the rows of a seen entity)."""
    uniq, last = latest
    ok = ~np.isnat(times) & ~_null_keys(keys, np)
    if not ok.any() or len(uniq) == 0:
        return None
    k, t = keys[ok], times[ok]
    pos = np.clip(np.searchsorted(uniq, k), 0, len(uniq) - 1)
    seen = uniq[pos] == k
    stamps = t.astype("datetime64[ns]").astype("int64")
    earlier = seen & (stamps < last[pos])
    return int(len(t)), int(earlier.sum()), t.min(), int(seen.sum())


def follows_within(times: Any, target: Any, codes: Any, seed: int, np: Any) -> float | None:
    """:func:`follows` within entities: consecutive rows of one entity against random pairs of it.

    Both sides of the ratio pair rows of the same entity, so entities that
    differ from each other (a big store, a small one) do not count as time.
    """
    values = floats_of(target, np)
    classes = values is None or len(np.unique(values[~np.isnan(values)])) <= 10
    if classes:
        got, levels = factorize(target if values is None else values)
        if len(levels) < 2:
            return None
        values = np.where(got < 0, np.nan, got.astype(float))
    ok = ~np.isnat(times) & ~np.isnan(values) & (codes >= 0)
    t, v, c = times[ok], values[ok], codes[ok]
    if len(v) > ORDER_ROWS:  # whole entities, so that each keeps its neighbours in time
        keep = (c * 2654435761 + seed) % len(v) < ORDER_ROWS
        t, v, c = t[keep], v[keep], c[keep]
    if len(v) < MIN_ROWS:
        return None
    by_time = np.lexsort((t, c))
    at_random = np.lexsort((np.random.RandomState(seed + 17).random_sample(len(v)), c))
    a, b = v[by_time], v[at_random]  # entity by entity, in the same order of entities
    same = c[by_time][1:] == c[by_time][:-1]
    if int(same.sum()) < MIN_ROWS:
        return None
    if classes:
        near = float(np.mean(a[1:][same] != a[:-1][same]))
        far = float(np.mean(a != b))
    else:
        near = float(np.mean(np.abs(np.diff(a))[same]))
        far = float(np.mean(np.abs(a - b)))
    if not far > 0:
        return None
    return near / far


def _baseline(
    label: str, times: Any, frame: str | None, target: Any, seed: int, np: Any
) -> TimeBaseline | None:
    """One time column of the fit rows, if it is the rows' time."""
    valid = ~np.isnat(times)
    if int(valid.sum()) < MIN_ROWS:
        return None
    latest = times[valid].max()
    if label == INDEX:
        return TimeBaseline(label, frame, latest, int(valid.sum()), "index")
    if target is None:
        return None
    ratio = follows(times, target, seed, np)
    if ratio is not None and ratio <= MAX_NEIGHBOUR_RATIO:
        return TimeBaseline(label, frame, latest, int(valid.sum()), "target", round(ratio, 3))
    rho = trend(times, target, seed, np)
    if rho is not None and abs(rho) >= MIN_TREND:
        return TimeBaseline(label, frame, latest, int(valid.sum()), "trend", round(rho, 3))
    return None


def rows_time(times: Any, target: Any, seed: int, np: Any) -> bool:
    """The target follows these dates: neighbours in time alike, or a trend beyond chance."""
    ratio = follows(times, target, seed, np)
    if ratio is not None and ratio <= MAX_NEIGHBOUR_RATIO:
        return True
    rho = trend(times, target, seed, np)
    return rho is not None and abs(rho) >= MIN_TREND


def follows(times: Any, target: Any, seed: int, np: Any) -> float | None:
    """How much closer the targets of rows next to each other in time are than random pairs'.

    Mean absolute difference of consecutive targets in time order over that
    of random pairs (classes: the share of pairs that differ). About 1 for
    a target that ignores time; a trend, a season or a slow drift give less.
    """
    values = floats_of(target, np)
    if values is None or len(np.unique(values[~np.isnan(values)])) <= 10:
        codes, levels = factorize(target if values is None else values)
        if len(levels) < 2:
            return None
        values = np.where(codes < 0, np.nan, codes.astype(float))
        classes = True
    else:
        classes = False
    ok = ~np.isnat(times) & ~np.isnan(values)
    t, v = times[ok], values[ok]
    if len(v) > ORDER_ROWS:
        keep = seeded_subset(len(v), ORDER_ROWS, seed + 11, np)
        t, v = t[keep], v[keep]
    if len(v) < MIN_ROWS:
        return None
    order = np.argsort(t, kind="stable")
    v = v[order]
    shuffled = v[np.random.RandomState(seed + 13).permutation(len(v))]
    if classes:
        near = float(np.mean(v[1:] != v[:-1]))
        far = float(np.mean(v != shuffled))
    else:
        near = float(np.mean(np.abs(np.diff(v))))
        far = float(np.mean(np.abs(v - shuffled)))
    if not far > 0:
        return None
    return near / far


def trend(times: Any, target: Any, seed: int, np: Any) -> float | None:
    """Spearman's rank correlation of the target with time, when chance cannot explain it.

    A target that drifts up or down over the years (prices with inflation)
    while other features make neighbouring rows differ follows time too.
    None when too few rows, or when the correlation is within what chance
    gives (``|rho| * sqrt(n - 1)`` under :data:`TREND_Z`).
    """
    values = floats_of(target, np)
    if values is None:
        codes, levels = factorize(target)
        if len(levels) != 2:
            return None
        values = np.where(codes < 0, np.nan, codes.astype(float))
    ok = ~np.isnat(times) & ~np.isnan(values)
    t, v = times[ok], values[ok]
    if len(v) > ORDER_ROWS:
        keep = seeded_subset(len(v), ORDER_ROWS, seed + 11, np)
        t, v = t[keep], v[keep]
    n = len(v)
    if n < MIN_ROWS:
        return None
    rt = _ranks(t.astype("datetime64[ns]").astype("int64"), np)
    rv = _ranks(v, np)
    sd = float(np.std(rt) * np.std(rv))
    if not sd > 0:
        return None
    rho = float(np.mean((rt - rt.mean()) * (rv - rv.mean())) / sd)
    return rho if abs(rho) * (n - 1) ** 0.5 >= TREND_Z else None


def _ranks(x: Any, np: Any) -> Any:
    """Average ranks (ties share their mean rank)."""
    order = np.argsort(x, kind="stable")
    ranks = np.empty(len(x))
    ranks[order] = np.arange(len(x), dtype="float64")
    _, inverse, counts = np.unique(x, return_inverse=True, return_counts=True)
    sums = np.bincount(inverse, weights=ranks)
    return sums[inverse] / counts[inverse]


def time_order(baseline: TimeBaseline, context: Context) -> tuple[int, int, Any] | None:
    """(evaluation rows dated, those dated before the fit rows' latest, the earliest date)."""
    np = sys.modules.get("numpy")
    if np is None:
        return None
    found = context.times.get(baseline.column)
    if found is None:
        return None
    times = found[0]
    if baseline.entity is not None:
        entity = context.entities.get(baseline.entity)
        if entity is None or len(entity[0]) != len(times):
            return None
        keys = entity_keys(entity[0], np, sys.modules.get("pandas"))
        within = entity_earlier(baseline.entity_latest, keys, times, np)
        if within is None:
            return None
        if baseline.why == "entity":
            return within[:3]
        if within[1] == 0 and within[3] > 0:
            return None  # held out per entity in time: each seen entity's rows come after its own
    times = times[~np.isnat(times)]
    if len(times) == 0:
        return None
    return int(len(times)), int(np.sum(times < baseline.latest)), times.min()


def time_text(value: Any) -> str:
    """A date as a finding prints it: the day alone at midnight."""
    text = str(value)
    day, _, clock = text.partition("T")
    if not clock or clock.strip("0:.") == "":
        return day
    return text.replace("T", " ").split(".")[0]


__all__ = [
    "TimeBaseline",
    "entity_earlier",
    "entity_latest",
    "follows_within",
    "follows",
    "rows_time",
    "time_baselines",
    "time_order",
    "time_text",
    "trend",
]
