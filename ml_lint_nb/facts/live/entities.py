"""Entities whose rows repeat: patients, users, stores, devices (ML211, group leakage).

A random split of visits puts visits of one patient on both sides; a model
that recognises the patient (age, weight, a baseline lab value) scores the
test visits on what it learnt about that patient, not on what generalises
to new patients. Measured at each fit (:func:`entity_baselines`), from the
columns :mod:`lineage` found for the fit rows:

- a candidate column holds an integer, text or category per row whose
  values repeat (at least :data:`MIN_ROWS_PER_ENTITY` rows per value on
  average, most rows in a repeated value) over at least
  :data:`MIN_ENTITIES` values: a country with five values is an attribute,
  a unique id per row is an identifier, neither an entity;
- how alike an entity's rows are: the intra-class correlation (ICC(1), a
  one-way analysis of variance) of each numeric feature and of the target
  within the entity. Rows grouped at random give about 0, an entity's
  repeated observations of the same traits give near 1;
- the entities of the fit rows, as sorted 64-bit hashes.

At each evaluation of the model (:func:`entity_overlap`), the evaluation
rows' entities (the same column, found the same way) are matched with the
fit's: how many evaluation rows belong to an entity the model saw. For
cross-validation, :func:`fold_overlap` does the same fold by fold.
Whether that is a leak is ML211's judgement; this module measures.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ml_lint_nb.facts.live.lineage import Context
from ml_lint_nb.facts.live.row_hashes import column_hash, combine, hash_rows
from ml_lint_nb.facts.live.safe import guarded
from ml_lint_nb.facts.live.tables import Table, factorize, floats, read_target

MIN_ENTITIES = 10  # fewer distinct values: an attribute (a country, a weekday), not an entity
MIN_ROWS_PER_ENTITY = 1.5  # fewer rows per value on average: nearly an identifier
MIN_REPEATED_SHARE = 0.5  # rows whose value occurs more than once, at least
MAX_CANDIDATES = 6  # entity columns judged per fit
MAX_FEATURES = 30  # features whose ICC is measured
ICC_ROWS = 20_000  # rows the ICCs are measured on (whole entities, chosen by hash)
MAX_ALIKE = 3  # most alike features kept for the message
BUDGET_SECONDS = 0.05  # candidate columns judged at one fit, at most for this long


@dataclass(frozen=True)
class EntityBaseline:
    """One candidate entity column of a model's fit rows, and how alike its rows are."""

    column: str
    frame: str | None  # where it was found (None: the fit data itself)
    keys: Any  # distinct hashes of the fit rows' entities
    n_rows: int
    n_entities: int
    feature_icc: float | None  # median over the features measured
    target_icc: float | None
    alike: tuple[tuple[str, float], ...]
    n_features: int

    @property
    def rows_per_entity(self) -> float:
        """Mean fit rows per entity."""
        return self.n_rows / max(1, self.n_entities)


def entity_keys(values: Any, np: Any, pd: Any) -> Any:
    """64-bit hashes of a column's values (numbers by value, text by text); nulls stay NaN's."""
    return column_hash(values, np, pd)


SCREEN_ROWS = 2_000  # rows a long column is first screened on (few values there: no entity)


def candidate_codes(values: Any, np: Any, min_levels: int = MIN_ENTITIES) -> tuple[Any, int] | None:
    """Entity codes of a column when its values repeat like an entity's (see module); else None.

    A long column is first screened on a few evenly spaced rows: fewer than
    ``min_levels`` values there (a flag, a country) ends it cheaply. The
    series of a panel (eight sensors, each read every hour) need fewer
    levels than entities do: :mod:`time_order` passes its own ``min_levels``.
    """
    values = _plain(values, np)
    if len(values) > 2 * SCREEN_ROWS:
        step = len(values) // SCREEN_ROWS
        head = values.iloc[::step] if hasattr(values, "iloc") else values[::step]
        if len(factorize(head)[1]) < min_levels:
            return None
    codes, levels = factorize(values)
    n_levels = len(levels)
    present = codes[codes >= 0]
    n = len(present)
    if n_levels < min_levels or n == 0 or n / n_levels < MIN_ROWS_PER_ENTITY:
        return None
    counts = np.bincount(present, minlength=n_levels)
    if counts[counts > 1].sum() < MIN_REPEATED_SHARE * n:
        return None
    return codes, n_levels


def _plain(values: Any, np: Any) -> Any:
    """A backend's column as something :func:`factorize` reads (polars as a NumPy array)."""
    pl = sys.modules.get("polars")
    if pl is not None and isinstance(values, pl.Series):
        return np.asarray(values.to_numpy())
    return values


def icc(codes: Any, x: Any, np: Any) -> float | None:
    """ICC(1) of ``x`` within groups ``codes`` (-1 and NaN left out); None when undefined.

    ``(MSB - MSW) / (MSB + (k0 - 1) MSW)`` with ``k0`` the group size
    adjusted for unequal groups: 0 for values that ignore the groups, 1 for
    values constant within each group.
    """
    ok = (codes >= 0) & ~np.isnan(x)
    c, v = codes[ok], x[ok]
    n = len(v)
    if n < 3:
        return None
    counts = np.bincount(c)
    sums = np.bincount(c, weights=v)
    used = counts > 0
    g = int(used.sum())
    if g < 2 or n - g < 1:
        return None
    means = np.zeros(len(counts))
    means[used] = sums[used] / counts[used]
    grand = v.mean()
    ssb = float(np.sum(counts[used] * (means[used] - grand) ** 2))
    ssw = float(np.sum((v - means[c]) ** 2))
    msb, msw = ssb / (g - 1), ssw / (n - g)
    k0 = (n - float(np.sum(counts[used].astype(float) ** 2)) / n) / (g - 1)
    denominator = msb + (k0 - 1) * msw
    if not denominator > 0:
        return 1.0 if msw == 0 and msb > 0 else None
    return max(-1.0, min(1.0, (msb - msw) / denominator))


def _rows_by_entity(keys: Any, n_rows: int, np: Any) -> Any:
    """Positions of whole entities covering about :data:`ICC_ROWS` rows (all when fewer)."""
    if n_rows <= ICC_ROWS:
        return None
    keep = keys % np.uint64(1 << 20) < np.uint64(int((1 << 20) * ICC_ROWS / n_rows))
    return np.flatnonzero(keep)


def _target_icc(codes: Any, y: Any, np: Any) -> float | None:
    """ICC of the target: numbers as they are, classes as the indicator of each class (the
    largest ICC over the classes, at most ten)."""
    values = floats_of(y, np)
    if values is not None and len(np.unique(values[~np.isnan(values)])) > 10:
        return icc(codes, values, np)
    raw = y if values is None else values
    labels, levels = factorize(raw)
    if len(levels) < 2:
        return None
    best = None
    for k in range(min(len(levels), 10)):
        ind = np.where(labels < 0, np.nan, (labels == k).astype(float))
        got = icc(codes, ind, np)
        if got is not None and (best is None or got > best):
            best = got
        if len(levels) == 2:
            break  # one indicator says it for both classes
    return best


def floats_of(values: Any, np: Any) -> Any:
    """Float values of a target or feature column (NaN for nulls); None for text or classes."""
    got = guarded(lambda: floats(values), None)
    if got is None and hasattr(values, "dtype") and getattr(values.dtype, "kind", "") in "fiu":
        got = np.asarray(values, dtype="float64")
    return got


def entity_baselines(
    context: Context,
    fit: Table,
    y: object | None,
    target_label: str | None,
    max_columns: int,
) -> list[EntityBaseline]:
    """The candidate entity columns of a model's fit rows (``fit``: the features as fitted)."""
    np = sys.modules.get("numpy")
    if np is None:
        return []
    pd = sys.modules.get("pandas")
    target = guarded(lambda: read_target(y), None) if y is not None else None
    if target is not None and len(target) != fit.n_rows:
        target = None
    out = []
    feature_hashes = _FitRowHashes(fit, np, pd)  # hashed once per fit, for every candidate
    start = time.process_time()  # this process's own time: other programs' load does not count
    with np.errstate(all="ignore"):
        for label, (values, frame) in list(context.entities.items())[: MAX_CANDIDATES * 2]:
            if len(out) >= MAX_CANDIDATES or time.process_time() - start > BUDGET_SECONDS:
                break  # many long text columns: the first ones are judged, within the budget
            if label == target_label:
                continue
            got = guarded(
                lambda label=label, values=values, frame=frame: _baseline(
                    label,
                    values,
                    frame,
                    fit,
                    feature_hashes,
                    target,
                    target_label,
                    max_columns,
                    np,
                    pd,
                ),
                None,
            )
            if got is not None:
                out.append(got)
    return out


def _baseline(
    label: str,
    values: Any,
    frame: str | None,
    fit: Table,
    feature_hashes: _FitRowHashes,
    target: Any,
    target_label: str | None,
    max_columns: int,
    np: Any,
    pd: Any,
) -> EntityBaseline | None:
    """One candidate column judged on the fit rows (None when its values do not repeat so)."""
    if len(values) != fit.n_rows:
        return None
    found = candidate_codes(values, np)
    if found is None:
        return None
    codes, n_entities = found
    keys = entity_keys(values, np, pd)
    distinct_rows = _distinct_rows(keys, feature_hashes, np, pd)
    if distinct_rows is not None and candidate_codes(_take(values, distinct_rows, np), np) is None:
        return None  # its values repeat only in exact copies of rows: ML101/ML201, not an entity
    rows = _rows_by_entity(keys, fit.n_rows, np)
    if distinct_rows is not None:  # how alike an entity's rows are, without copies of a row
        rows = distinct_rows if rows is None else np.intersect1d(rows, distinct_rows)
    part = codes if rows is None else codes[rows]
    scored: list[tuple[str, float]] = []
    labels = fit.labels(max_columns)
    for j, name in enumerate(labels[:MAX_FEATURES]):
        if name in (label, target_label):
            continue  # the entity column itself kept among the features, or the target
        x = guarded(lambda j=j: floats(fit.column(j, rows)), None)
        if x is None:
            continue
        got = icc(part, x, np)
        if got is not None:
            scored.append((name, round(got, 4)))
    feature_icc = float(np.median([s for _, s in scored])) if scored else None
    target_icc = None
    if target is not None:
        t = target if rows is None else target[rows]
        target_icc = _target_icc(part, t, np)
    present = keys[codes >= 0]
    scored.sort(key=lambda e: -e[1])
    return EntityBaseline(
        column=label,
        frame=frame,
        keys=distinct(present, np, pd),
        n_rows=int(len(present)),
        n_entities=int(n_entities),
        feature_icc=None if feature_icc is None else round(feature_icc, 4),
        target_icc=None if target_icc is None else round(target_icc, 4),
        alike=tuple(scored[:MAX_ALIKE]),
        n_features=len(scored),
    )


class _FitRowHashes:
    """One hash per fit row over the features, computed at the first candidate that needs it."""

    def __init__(self, fit: Table, np: Any, pd: Any) -> None:
        self._fit, self._np, self._pd = fit, np, pd
        self._done = False
        self._hashes: Any = None

    def get(self) -> Any:
        """The hashes (None when the rows cannot be hashed)."""
        if not self._done:
            self._done = True
            picks = range(min(self._fit.n_cols, MAX_FEATURES))
            self._hashes = guarded(
                lambda: hash_rows(self._fit, picks, None, self._np, self._pd), None
            )
        return self._hashes


def _distinct_rows(keys: Any, feature_hashes: _FitRowHashes, np: Any, pd: Any) -> Any:
    """Positions of the fit rows that are no exact copy of an earlier row (None: no copies).

    Rows drawn with replacement (an up-sampled minority class) repeat every
    column together: any column then looks like an entity whose rows are
    identical. Copies are measured by ML101/ML201; an entity is a value
    shared by rows that differ, and its rows' likeness is measured on those.
    ``keys`` are the candidate column's hashes (it may not be among the features).
    """
    features = feature_hashes.get()
    if pd is None or features is None or len(features) != len(keys):
        return None
    hashes = combine(features, keys, np)
    first = ~pd.Series(hashes, copy=False).duplicated().to_numpy()
    return None if first.all() else np.flatnonzero(first)


def _take(values: Any, rows: Any, np: Any) -> Any:
    """The values at ``rows`` positions, whatever the backend."""
    plain = _plain(values, np)
    return plain.iloc[rows] if hasattr(plain, "iloc") else plain[rows]


def entity_overlap(baseline: EntityBaseline, context: Context) -> tuple[int, int, int] | None:
    """(evaluation rows read, rows whose entity has fit rows, entities on both sides)."""
    np = sys.modules.get("numpy")
    if np is None:
        return None
    pd = sys.modules.get("pandas")
    found = context.entities.get(baseline.column)
    if found is None:
        return None
    keys = guarded(lambda: entity_keys(found[0], np, pd), None)
    if keys is None or len(keys) == 0:
        return None
    seen = _isin(keys, baseline.keys, np, pd)
    shared = len(distinct(keys[seen], np, pd))
    return int(len(keys)), int(seen.sum()), int(shared)


def fold_overlap(keys: Any, folds: Iterable[tuple[Any, Any]], np: Any) -> tuple[int, int, int]:
    """Over the folds (train positions, held-out positions): held-out rows, those whose entity
    has training rows in the same fold, and the entities split across a fold boundary."""
    pd = sys.modules.get("pandas")
    n_test = n_seen = 0
    split = []
    for train, test in folds:
        held = keys[test]
        seen = _isin(held, keys[train], np, pd)
        n_test += len(held)
        n_seen += int(seen.sum())
        split.append(held[seen])
    shared = len(distinct(np.concatenate(split), np, pd)) if split else 0
    return n_test, n_seen, shared


def distinct(values: Any, np: Any, pd: Any) -> Any:
    """The distinct values (by pandas' hash table when loaded: no sort of 64-bit keys)."""
    return pd.unique(values) if pd is not None else np.unique(values)


def _isin(a: Any, b: Any, np: Any, pd: Any) -> Any:
    """Which of ``a`` occur in ``b`` (pandas' hash table when loaded)."""
    if pd is not None:
        return pd.Series(a, copy=False).isin(pd.Series(b, copy=False)).to_numpy()
    return np.isin(a, b)


def best(baselines: Sequence[EntityBaseline]) -> list[EntityBaseline]:
    """Candidates ordered most entity-like first: alike rows, then more rows per entity."""
    return sorted(
        baselines,
        key=lambda b: (
            -((b.feature_icc or 0.0) + (b.target_icc or 0.0)),
            -b.rows_per_entity,
        ),
    )


__all__ = [
    "EntityBaseline",
    "best",
    "candidate_codes",
    "entity_baselines",
    "entity_keys",
    "entity_overlap",
    "fold_overlap",
    "icc",
]
