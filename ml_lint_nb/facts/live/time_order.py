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
from dataclasses import dataclass
from typing import Any

from ml_lint_nb.facts.live.entities import floats_of
from ml_lint_nb.facts.live.lineage import INDEX, Context
from ml_lint_nb.facts.live.safe import guarded
from ml_lint_nb.facts.live.sampling import seeded_subset
from ml_lint_nb.facts.live.tables import factorize, read_target

MIN_ROWS = 50  # dated rows a side needs before its order is judged
ORDER_ROWS = 20_000  # rows the target's order in time is measured on (a seeded sample above)
MAX_NEIGHBOUR_RATIO = 0.9  # neighbours in time this much closer than random pairs: time matters
MIN_TREND = 0.1  # |Spearman| of the target with time that makes a trend (and beyond chance:)
TREND_Z = 4.0  # |rho| * sqrt(n - 1) at least


@dataclass(frozen=True)
class TimeBaseline:
    """A time column of a model's fit rows: its latest date, and why it is the rows' time."""

    column: str
    frame: str | None  # where it was found (None: the fit data itself)
    latest: Any  # numpy datetime64
    n_rows: int
    why: str  # "index" | "target" (neighbours in time alike) | "trend" (rank correlation)
    ratio: float | None = None  # the neighbour ratio (target) or Spearman's rho (trend)


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
            if got is not None:
                out.append(got)
    return out


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
    "follows",
    "rows_time",
    "time_baselines",
    "time_order",
    "time_text",
    "trend",
]
