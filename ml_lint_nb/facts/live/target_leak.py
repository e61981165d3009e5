"""Which features give the target away, and how (ML202's evidence, ML406's reference).

A feature's power alone (:mod:`predictive`) does not tell a leak from an
honest strong measurement: petal length separates setosa from versicolor
perfectly, and a churn notebook's ``retention_offer_sent`` with AUC 0.95
is a leak. :func:`judge_features` measures, per feature of a fit (on the
seeded sample the caller inspects):

- its power alone: rank AUC (binary), the best one-vs-rest AUC
  (multi-class), or the larger of rank and linear correlation (numeric);
- its *shape*, when it has one that honest features do not have:
  ``copy`` (one value per class), ``flag`` (one value, or a few top values,
  hold most of a class and almost none of the rest, against the base
  rate), ``group-stat`` (a per-group mean of the target that includes each
  row's own label: it loses power when that label is left out), ``future``
  and ``own-window`` (the target of later rows, or a window over the row's
  own target), ``lag`` (earlier rows' target: honest), ``identifier``
  (unique per row or per entity, by its values);
- the power of the best *other* feature (leaks and identifiers left out):
  what the data's honest features reach, against which a near-perfect one
  stands out or not.

The rule decides with its thresholds; this module only measures. Columns
are :class:`~ml_lint_nb.facts.live.tables.Column` objects over the
inspected rows; NumPy is the user's, passed in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ml_lint_nb.facts.live.predictive import (
    MAX_LEVELS,
    MIN_CLASS_ROWS,
    MIN_LEVEL_ROWS,
    auc,
    average_ranks,
    bijective,
    corr,
    level_means,
)
from ml_lint_nb.facts.live.safe import guarded
from ml_lint_nb.facts.live.tables import Column, factorize
from ml_lint_nb.facts.live.target_time import time_shapes
from ml_lint_nb.facts.live.two_sample import MAX_CLASSES

REPORT_POWER = 0.9  # plain features reported from this power alone (the rule applies its own)
FLAG_MIN_COVERAGE = 0.4  # a flag candidate holds at least this share of its class
FLAG_MAX_OTHERS = 0.1  # ... and at most this share of the other rows
FLAG_SPIKE = 5.0  # a many-valued feature's flag value is this many times as frequent as the next
GROUP_MIN_CONSISTENCY = 0.8  # correlation of a column with its groups' target means
GROUP_MIN_GAIN = 0.05  # power lost without each row's own label, reported from here
ID_MIN_ROWS = 50  # rows an identifier needs before its values say anything
ID_UNIQUE_SHARE = 0.95  # distinct values per row of an identifier that is unique per row
ID_MAX_UNIFORM_KS = 0.1  # integer ids spread evenly over their range (not a skewed amount)
ID_ENTITY_MIN_LEVELS = 20  # a named id repeated per entity needs this many entities
ID_TEXT_SAMPLE = 200  # distinct texts looked at to tell codes from free text
ID_TEXT_MAX_LENGTH = 40  # median length of a text identifier
MAX_TARGET_CLASSES = 20  # a numeric target with more values is judged as a regression target
MAX_FEATURES = 200  # features judged, first ones first
MAX_REPORTED = 12
JUDGE_ROWS = 5_000  # rows the features are judged on (a seeded sample above)
JUDGE_SEED = 202
MAX_KEY_COLUMNS = 30  # columns tried as the grouping key of a group statistic

_ID_WORDS = {"id", "ids", "uuid", "guid", "key", "identifier"}
LEAK_SHAPES = ("copy", "flag", "group-stat", "future", "own-window")


@dataclass
class Judgement:
    """What :func:`judge_features` found: reported features, their details, the honest best."""

    entries: list[tuple[str, float, str]] = field(default_factory=list)
    details: list[tuple[str, tuple[tuple[str, Any], ...]]] = field(default_factory=list)
    best_power: float | None = None


@dataclass
class _Feature:
    label: str
    power: float | None = None
    shape: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Target:
    """The target over the inspected rows, in the forms the measures need."""

    codes: Any  # class codes (None for a numeric target with many values)
    levels: list[Any]
    numeric: Any  # float values when numeric, else None
    ranks: Any  # average ranks of ``numeric``
    classes: list[Any]  # boolean masks, one per class judged one-vs-rest

    @property
    def binary(self) -> bool:
        return self.codes is not None and len(self.levels) == 2


def judge_features(
    features: list[Column],
    target: Any,
    rows: Any,
    np: Any,
    orders: list[Any] | None = None,
    keys: list[Any] | None = None,
) -> Judgement:
    """Each feature's power alone and shape against ``target`` over ``rows``; see the module.

    ``orders`` are candidate row-order keys over the inspected rows (their
    positions in the user's object, its index), used to tell lags from
    future values; ``keys`` are more columns over the inspected rows that
    may define the groups of a group statistic (the source frame's columns
    that did not reach the model: ``zip`` behind ``zip_churn_rate``).
    """
    inspected = rows
    if len(rows) > JUDGE_ROWS:  # within the hook's budget: a seeded sample, in row order
        rows = np.sort(np.random.RandomState(JUDGE_SEED).choice(rows, JUDGE_ROWS, replace=False))
    y = target[rows]
    t = _target(y, np)
    if t is None:
        return Judgement()
    keep = t.pop("keep")
    rows = rows[keep]
    tgt: _Target = t["target"]
    n_judged = len(rows)
    judged: list[_Feature] = []
    numeric_values: dict[str, Any] = {}
    group_codes: list[tuple[str, Any]] = []
    key_codes = _Keys(features, keys or [], rows, np)
    for col in features[:MAX_FEATURES]:
        got = guarded(lambda col=col: _judge(col, rows, tgt, key_codes, np), None)
        if got is None:
            continue
        feat, vals, codes = got
        judged.append(feat)
        if vals is not None and feat.shape is None:
            numeric_values[feat.label] = vals
        if codes is not None:
            group_codes.append((feat.label, codes))
    if tgt.numeric is not None and tgt.codes is None and orders:
        labels = {f.label for f in judged}  # entities dropped from the features group lags too
        # a date column is an order of the rows, not the groups of a series
        labels |= {
            str(k)
            for k, v in keys or []
            if getattr(v, "dtype", None) is not None and v.dtype.kind == "M"
        }
        if len(inspected) <= JUDGE_ROWS:
            keys = [o[rows] for o in orders if o is not None]
            group_codes += [(k, c) for k, c in key_codes.codes() if k not in labels]
            shapes = guarded(
                lambda: time_shapes(numeric_values, tgt.numeric, keys, group_codes, np), {}
            )
        else:
            grouping = [label for label, _codes in group_codes]
            shapes = guarded(
                lambda: _shapes_in_blocks(
                    features,
                    target,
                    inspected,
                    orders,
                    list(numeric_values),
                    grouping,
                    keys,
                    np,
                    labels,
                ),
                {},
            )
        for feat in judged:
            got = shapes.get(feat.label)
            if got is not None:
                feat.shape = got[0]
                feat.detail.update(offset=got[1], weight_share=round(got[2], 4))
    out = _assemble(judged)
    out.details = [(label, (*items, ("rows", n_judged))) for label, items in out.details]
    return out


def _shapes_in_blocks(
    features: list[Column],
    target: Any,
    inspected: Any,
    orders: list[Any],
    candidates: list[str],
    grouping: list[str],
    keys: list[Any] | None,
    np: Any,
    skip: set[str] | None = None,
) -> dict[str, tuple[str, int, float]]:
    """Lags and future values judged on runs of consecutive rows, when the rows are sampled.

    A window over the target is an exact function of a row's neighbours: on
    a random sample of the rows most neighbours are missing (a centred
    window of 7 keeps all six on a fraction ``share**6`` of the rows), so
    the relation cannot be seen. Per candidate order, :data:`JUDGE_ROWS`
    rows consecutive in that order (from a seeded start) keep them.
    """
    by_label = {c.label: c for c in features}
    out: dict[str, tuple[str, int, float]] = {}
    start_seed = np.random.RandomState(JUDGE_SEED + 1)
    for order in orders:
        if order is None:
            continue
        ranked = inspected[np.argsort(order[inspected], kind="stable")]
        start = int(start_seed.randint(0, len(ranked) - JUDGE_ROWS + 1))
        block = np.sort(ranked[start : start + JUDGE_ROWS])
        y = target[block]
        if y.dtype == object or y.dtype.kind not in "fiub":
            return out
        codes, _levels = factorize(y)
        block = block[codes >= 0]
        y = target[block].astype("float64")
        values = {label: _vector(by_label[label], block, np)[0] for label in candidates}
        groups = []
        for label in grouping:
            _vals, codes, _levels, srt = _vector(by_label[label], block, np)
            if codes is None and srt is not None and len(srt.uniq) <= len(block) // 5:
                codes = srt.inverse
            if codes is not None:
                groups.append((label, codes))
        groups += [
            (k, c)
            for k, c in _key_codes(features, keys or [], block, np)
            if k not in by_label and k not in (skip or set())
        ]
        for label, got in time_shapes(values, y, [order[block]], groups, np).items():
            out.setdefault(label, got)
    return out


def _assemble(judged: list[_Feature]) -> Judgement:
    """The reported features with the best power of the others beside each."""
    honest = [
        f for f in judged if f.power is not None and f.shape not in (*LEAK_SHAPES, "identifier")
    ]
    ranked = sorted(honest, key=lambda f: -(f.power or 0.0))
    best = ranked[0].power if ranked else None
    out = Judgement(best_power=round(best, 6) if best is not None else None)
    reported = [
        f
        for f in judged
        if f.shape in (*LEAK_SHAPES, "identifier")
        or (f.shape is None and f.power is not None and f.power >= REPORT_POWER)
    ]
    reported.sort(key=lambda f: (f.shape not in LEAK_SHAPES, -(f.power or 0.0)))
    for f in reported[:MAX_REPORTED]:
        others = next((g.power for g in ranked if g is not f), None)
        detail = dict(f.detail)
        if others is not None:
            detail["others_best"] = round(others, 4)
        how = f.shape or ("auc" if detail.get("measure") == "auc" else "corr")
        out.entries.append((f.label, round(f.power or 0.0, 6), how))
        out.details.append((f.label, tuple(sorted(detail.items()))))
    return out


def _target(y: Any, np: Any) -> dict[str, Any] | None:
    """The target's classes (or values), with the rows where it is known; None if unjudgeable."""
    codes, levels = factorize(y)
    keep = codes >= 0
    if keep.sum() < 2 * MIN_CLASS_ROWS or len(levels) < 2:
        return None
    codes = codes[keep]
    numeric = None
    if y.dtype != object and y.dtype.kind in "fiub":
        numeric = y[keep].astype("float64")
    if len(levels) > MAX_CLASSES or (numeric is not None and len(levels) > MAX_TARGET_CLASSES):
        if numeric is None:
            return None
        ranks = average_ranks(numeric, np)
        return {"keep": keep, "target": _Target(None, levels, numeric, ranks, [])}
    counts = np.bincount(codes, minlength=len(levels))
    if len(levels) == 2:
        minority = int(np.argmin(counts))
        classes = [codes == minority]
        if counts.min() >= 0.4 * counts.sum():
            classes.append(codes != minority)  # balanced: a flag may mark either class
        if counts.min() < MIN_CLASS_ROWS:
            return None
    else:
        classes = [codes == k for k in range(len(levels)) if counts[k] >= MIN_CLASS_ROWS]
        if not classes:
            return None
    return {"keep": keep, "target": _Target(codes, levels, numeric, None, classes)}


@dataclass
class _Sorted:
    """One sort of a numeric feature, shared by every measure: ranks, levels, their counts."""

    ranks: Any  # average ranks (ties share one)
    uniq: Any  # distinct values, ascending
    counts: Any  # rows per distinct value
    inverse: Any  # each row's index into ``uniq``
    null_value: float | None = None  # the value standing for nulls (ranked lowest), if any


def _sorted(vals: Any, np: Any) -> _Sorted:
    """Ranks, distinct values, counts and codes of ``vals`` from a single argsort."""
    order = np.argsort(vals)
    ordered = vals[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    counts = np.diff(np.r_[starts, len(vals)])
    ranks = np.empty(len(vals), dtype="float64")
    ranks[order] = np.repeat(starts + (counts + 1) / 2.0, counts)
    inverse = np.empty(len(vals), dtype=np.int64)
    inverse[order] = np.repeat(np.arange(len(starts)), counts)
    return _Sorted(ranks, ordered[starts], counts, inverse)


def _vector(col: Column, rows: Any, np: Any) -> tuple[Any, Any, list[Any], Any]:
    """A numeric score per row (nulls lowest) with its sort, or the codes of a non-numeric column."""
    if col.values is not None and col.kind in ("numeric", "bool", "datetime"):
        vals = col.values[rows].astype("float64")
        if col.kind == "datetime":
            vals[col.null[rows]] = np.nan
        nan = np.isnan(vals)
        low = None
        if nan.any():
            low = np.nanmin(vals) - 1.0 if (~nan).any() else 0.0
            vals = np.where(nan, low, vals)
        srt = _sorted(vals, np)
        srt.null_value = low
        return vals, None, [], srt
    raw = col.series.iloc[rows] if col.series is not None else col.values[rows]
    codes, levels = factorize(raw)
    return None, codes, levels, None


class _Keys:
    """Columns that may group rows, factorized only when a group statistic asks for them."""

    def __init__(self, features: list[Column], keys: list[Any], rows: Any, np: Any) -> None:
        self._args = (features, keys, rows, np)
        self._codes: list[tuple[str, Any]] | None = None

    def codes(self) -> list[tuple[str, Any]]:
        if self._codes is None:
            self._codes = _key_codes(*self._args)
        return self._codes


def _judge(
    col: Column, rows: Any, t: _Target, keys: _Keys, np: Any
) -> tuple[_Feature, Any, Any] | None:
    """One feature: its power alone and its shape; with its numeric values and level codes."""
    vals, codes, levels, srt = _vector(col, rows, np)
    n_levels = len(srt.uniq) if srt is not None else len(levels)
    if n_levels < 2:
        return None
    feat = _Feature(col.label)
    n = len(rows)
    small = n_levels <= MAX_LEVELS and n_levels * MIN_LEVEL_ROWS <= n
    if srt is not None and (small or n_levels <= n // 5):
        codes, levels = srt.inverse, list(srt.uniq)
    ident = _identifier(col, vals, codes, n_levels, n, np, srt, levels)
    if t.codes is not None:
        if n_levels == len(t.levels) and codes is not None and bijective(codes, t.codes, np):
            feat.power, feat.shape = 1.0, "copy"
            return feat, vals, codes
        score = vals
        if score is None:
            if not small:
                feat.shape = "identifier" if ident else None
                return (feat, None, codes) if ident else None
            score = None
        ranks = srt.ranks if srt is not None else None
        feat.power, cls = _class_power(ranks, codes if score is None else None, t, np)
        feat.detail["measure"] = "auc"
        flag = _flag(vals, codes, levels, small, t, np, srt)
        if flag is not None and cls is not None:
            feat.shape = "flag"
            feat.power = max(feat.power or 0.0, flag.pop("power"))
            feat.detail.update(flag)
    else:
        y = t.numeric
        if vals is None:
            if not small:
                feat.shape = "identifier" if ident else None
                return (feat, None, codes) if ident else None
            vals_for_corr = level_means(codes, y, np)
            ranks = average_ranks(vals_for_corr, np)
        else:
            vals_for_corr, ranks = vals, srt.ranks
        spearman = abs(corr(ranks, t.ranks, np))
        if spearman >= 1.0 - 1e-9 and n_levels >= 0.99 * len(np.unique(y)):
            feat.power, feat.shape = 1.0, "copy"
            return feat, vals, codes
        feat.power = max(spearman, abs(corr(vals_for_corr, y, np)))
        feat.detail["measure"] = "corr"
    if feat.shape is None and vals is not None and (t.binary or t.codes is None):
        group = _group_statistic(col.label, vals, srt, t, keys, np)
        if group is not None:
            feat.shape = "group-stat"
            feat.detail.update(group)
    if feat.shape is None and ident:
        feat.shape = "identifier"
    return feat, vals, codes


def _class_power(ranks: Any, codes: Any, t: _Target, np: Any) -> tuple[float | None, int | None]:
    """AUC alone (binary) or the best one-vs-rest AUC (multi-class), and for which class.

    ``ranks`` are a numeric feature's average ranks; a categorical one (``codes``) is
    scored by the class rate of its level.
    """
    best, which = None, None
    masks = t.classes if not t.binary else t.classes[:1]
    for k, positive in enumerate(masks):
        n_pos = int(positive.sum())
        n_neg = len(positive) - n_pos
        if n_pos < MIN_CLASS_ROWS or n_neg < MIN_CLASS_ROWS:
            continue
        if ranks is None:
            a = auc(level_means(codes, positive, np), positive, np)
        else:
            a = float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))
        a = max(a, 1.0 - a)
        if best is None or a > best:
            best, which = a, k
    return best, which


def _flag(
    vals: Any, codes: Any, levels: list[Any], small: bool, t: _Target, np: Any, srt: Any = None
) -> dict[str, Any] | None:
    """One value (or the top values) of a feature holding most of one class and few other rows.

    Low-cardinality features: their levels ordered by the class's rate, the
    best leading set. Others: a value far more frequent than any other (a
    0 or a null that stands for a state, not a rounded measurement), either
    way round (``refund == 0`` for the stayers is ``refund != 0`` for the
    churners). The best candidate by coverage minus other rows is kept.
    """
    indicators: list[tuple[Any, str, bool]] = []  # (rows, how, a two-state feature)
    if not (small and codes is not None) and vals is not None:
        uniq, counts = (
            (srt.uniq, srt.counts) if srt is not None else np.unique(vals, return_counts=True)
        )
        top = np.sort(counts)[::-1]
        if len(top) > 1 and top[0] >= FLAG_SPIKE * top[1]:  # one value stands for a state
            mode = uniq[np.argmax(counts)]
            inside = vals == mode
            missing = srt is not None and srt.null_value is not None and mode == srt.null_value
            said = (
                ("is missing", "is present") if missing else (f"= {_num(mode)}", f"!= {_num(mode)}")
            )
            indicators += [(inside, said[0], True), (~inside, said[1], True)]
    best = None
    for which, positive in enumerate(t.classes):
        n_pos = int(positive.sum())
        n_neg = len(positive) - n_pos
        if n_pos < MIN_CLASS_ROWS or n_neg < MIN_CLASS_ROWS:
            continue
        candidates = list(indicators)
        if small and codes is not None:
            candidates += _top_levels(codes, levels, positive, np)
        for inside, how, two_state in candidates:
            size = int(inside.sum())
            if size < MIN_CLASS_ROWS:
                continue
            hits = int((inside & positive).sum())
            coverage = hits / n_pos
            others = (size - hits) / n_neg
            if coverage < FLAG_MIN_COVERAGE or others > FLAG_MAX_OTHERS:
                continue
            if best is None or coverage - others > best["coverage"] - best["others"]:
                best = {
                    "coverage": round(coverage, 4),
                    "others": round(others, 4),
                    "base_rate": round(n_pos / len(positive), 4),
                    "precision": round(hits / size, 4),
                    "value": how,
                    "two_state": two_state,
                    "class": _class_name(t, positive, which, np),
                    "power": (coverage + 1.0 - others) / 2.0,
                }
    return best


def _class_name(t: _Target, positive: Any, which: int, np: Any) -> str:
    """The class a flag marks, as a reader writes it."""
    codes = t.codes[positive]
    if len(codes) == 0:
        return ""
    return _text(t.levels[int(codes[0])])


def _top_levels(
    codes: Any, levels: list[Any], positive: Any, np: Any
) -> list[tuple[Any, str, bool]]:
    """Indicators of the leading levels by the class's rate: each prefix of that order."""
    valid = codes >= 0
    k = int(codes.max()) + 1 if valid.any() else 0
    if k < 2:
        return []
    sizes = np.bincount(codes[valid], minlength=k)
    hits = np.bincount(codes[valid], weights=positive[valid].astype("float64"), minlength=k)
    rate = np.divide(hits, sizes, out=np.zeros(k), where=sizes > 0)
    order = np.argsort(-rate, kind="stable")
    out = []
    inside = np.zeros(len(codes), dtype=bool)
    for m, level in enumerate(order[: min(k - 1, 5)]):
        inside = inside | (codes == level)
        chosen = [_text(levels[c]) for c in order[: m + 1]] if len(levels) == k else []
        how = (f"= {chosen[0]}" if m == 0 else "in (" + ", ".join(chosen) + ")") if chosen else ""
        out.append((inside.copy(), how, k == 2))
    return out


def _key_codes(
    features: list[Column], keys: list[Any], rows: Any, np: Any
) -> list[tuple[str, Any]]:
    """Integer codes of the columns that may group rows: 3 to n/2 levels, features first."""
    out = []
    n = len(rows)
    raws = [
        (c.label, c.series.iloc[rows] if c.series is not None else c.values[rows]) for c in features
    ]
    raws += [(str(label), np.asarray(k)[rows]) for label, k in keys]
    for label, raw in raws[: 2 * MAX_KEY_COLUMNS]:
        codes = guarded(lambda raw=raw: factorize(raw)[0], None)
        if codes is None:
            continue
        k = int(codes.max()) + 1 if len(codes) else 0
        if 3 <= k <= n // 2:
            out.append((label, codes))
        if len(out) >= MAX_KEY_COLUMNS:
            break
    return out


def _group_statistic(
    label: str, vals: Any, srt: _Sorted, t: _Target, keys: _Keys, np: Any
) -> dict[str, Any] | None:
    """A per-group mean of the target that includes each row's own label, measured by its loss.

    When the values track the target means of the rows sharing them, the
    groups are found: a key column on whose levels the feature is constant
    (``zip`` for ``zip_churn_rate``, also one dropped from the features), or
    else the rows sharing a value. Each row's value is recomputed without the
    row itself (leave one out); an honest group effect (a large group's
    rate) keeps its power, a mean over small groups that holds the row's own
    label loses it.
    """
    y = (t.classes[0] if t.binary else t.numeric).astype("float64")
    levels, codes = srt.uniq, srt.inverse
    n_levels = len(levels)
    if n_levels < 3 or n_levels * 2 > len(vals):
        return None
    lo, hi = float(y.min()), float(y.max())
    span = hi - lo
    if span <= 0 or levels[0] < lo - 0.05 * span or levels[-1] > hi + 0.05 * span:
        return None
    sums = np.bincount(codes, weights=y, minlength=n_levels)
    sizes = np.bincount(codes, minlength=n_levels)
    means = sums[codes] / sizes[codes]
    consistency = corr(vals, means, np)
    if consistency < GROUP_MIN_CONSISTENCY:
        return None
    key = None
    for name, key_codes in keys.codes():
        if name != label and _constant_within(vals, key_codes, np):
            key = name
            codes = key_codes.copy()
            codes[codes < 0] = int(codes.max()) + 1
            sums = np.bincount(codes, weights=y)
            sizes = np.bincount(codes)
            break
    k = sizes[codes]
    others = k >= 2
    if others.sum() < 2 * MIN_CLASS_ROWS:
        return None
    loo = (sums[codes][others] - y[others]) / (k[others] - 1)
    truth = y[others]
    own = vals[others]
    if t.binary:
        positive = truth > 0.5
        if positive.all() or not positive.any():
            return None
        with_own = auc(own, positive, np)
        without = auc(loo, positive, np)
        with_own, without = max(with_own, 1 - with_own), max(without, 1 - without)
    else:
        with_own, without = abs(corr(own, truth, np)), abs(corr(loo, truth, np))
    gain = with_own - without
    if gain < GROUP_MIN_GAIN:
        return None
    detail: dict[str, Any] = {
        "consistency": round(consistency, 4),
        "loo_power": round(without, 4),
        "own_label_gain": round(gain, 4),
        "median_group_rows": int(np.median(k)),
    }
    if key is not None:
        detail["group_column"] = key
    return detail


def _constant_within(vals: Any, codes: Any, np: Any) -> bool:
    """The feature takes one value on (nearly) every level of ``codes``: a per-level statistic."""
    keep = codes >= 0
    order = np.argsort(codes[keep], kind="stable")
    c, v = codes[keep][order], vals[keep][order]
    if len(c) == 0:
        return False
    starts = np.flatnonzero(np.r_[True, c[1:] != c[:-1]])
    spread = np.maximum.reduceat(v, starts) - np.minimum.reduceat(v, starts)
    return bool(np.mean(spread <= 1e-9 * max(1.0, float(np.abs(v).max()))) >= 0.99)


def _token_like(levels: list[Any]) -> bool:
    """Short codes without spaces (``7590-VHVEG``), not free text (a review, a name)."""
    sample = [str(v) for v in levels[:ID_TEXT_SAMPLE]]
    if not sample:
        return False
    spaced = sum(1 for v in sample if any(c.isspace() for c in v.strip()))
    lengths = sorted(len(v) for v in sample)
    return spaced <= 0.05 * len(sample) and lengths[len(lengths) // 2] <= ID_TEXT_MAX_LENGTH


def _identifier(
    col: Column,
    vals: Any,
    codes: Any,
    n_levels: int,
    n: int,
    np: Any,
    srt: Any = None,
    levels: list[Any] | None = None,
) -> bool:
    """Unique per row (or per entity, when its name says id) by its values: not a measurement.

    Text: distinct on (nearly) every row. Integers: distinct on nearly every
    row and spread evenly over their range, as sequential or random ids
    are (an amount is skewed). A column named as an id (``customer_id``,
    ``OrderKey``) also when repeated, once per entity.
    """
    if n < ID_MIN_ROWS:
        return False
    named = bool(_ID_WORDS & _words(col.label))
    if vals is None:
        distinct = n_levels >= ID_UNIQUE_SHARE * n or (named and n_levels >= ID_ENTITY_MIN_LEVELS)
        return distinct and _token_like(levels or [])
    if col.kind not in ("numeric",):
        return False
    entity = named and n_levels >= max(ID_ENTITY_MIN_LEVELS, n // 50)
    if not entity and n_levels < ID_UNIQUE_SHARE * n:
        return False  # the common case, decided without touching the values
    if not np.all(np.mod(vals[:100], 1) == 0):
        return False  # not integers: decided on the first rows
    finite = vals[np.isfinite(vals)]
    if len(finite) < ID_MIN_ROWS or not np.all(np.mod(finite, 1) == 0):
        return False
    if named and n_levels >= max(ID_ENTITY_MIN_LEVELS, n // 50):
        return True
    if n_levels < ID_UNIQUE_SHARE * n:
        return False
    lo, hi = float(finite.min()), float(finite.max())
    if hi <= lo:
        return False
    s = srt.uniq if srt is not None and len(srt.uniq) == len(finite) else np.sort(finite)
    expected = (s - lo) / (hi - lo)
    observed = np.arange(1, len(s) + 1) / len(s)
    return float(np.abs(observed - expected).max()) <= ID_MAX_UNIFORM_KS


def looks_like_identifier(values: Any, label: str, np: Any) -> bool:
    """An integer column that is an identifier by its values (or its name), for other rules.

    ML301 leaves such a column out of a frame's feature scales: a
    ``customer_id`` is not a scaling problem.
    """
    try:
        vals = np.asarray(values, dtype="float64")
    except (TypeError, ValueError):
        return False
    finite = vals[np.isfinite(vals)]
    if len(finite) < ID_MIN_ROWS:
        return False
    n_levels = len(np.unique(finite))
    col = Column(str(label), str(vals.dtype), "numeric", ~np.isfinite(vals), vals)
    return _identifier(col, vals, None, n_levels, len(vals), np)


def _words(label: str) -> set[str]:
    """The words of a column name: ``customerID`` and ``customer_id`` both hold ``id``."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", str(label))
    return {w.lower() for w in re.split(r"[^A-Za-z0-9]+", spaced) if w}


def _num(x: float) -> str:
    """A value as a reader writes it."""
    if x != x:  # NaN: nulls were ranked lowest, so this is a placeholder
        return "null"
    return f"{int(x)}" if float(x).is_integer() else f"{x:.4g}"


def _text(v: Any) -> str:
    """A level as a reader writes it: numbers plainly, text quoted."""
    if isinstance(v, str):
        return repr(v)
    try:
        return _num(float(v))
    except (TypeError, ValueError):
        return repr(str(v))


def row_orders(positions: Any, series: Any, n: int, np: Any, pd: Any) -> list[Any]:
    """Candidate orders of the inspected rows: their positions, and the index when it is numeric.

    A frame sorted by date keeps its rows in time order; one shuffled by a
    split keeps its index (the source frame's order).
    """
    orders = [np.arange(n, dtype="float64") if positions is None else positions.astype("float64")]
    if pd is None or series is None:
        return orders
    index = getattr(series, "index", None)
    if index is None or not index.is_unique or isinstance(index, pd.RangeIndex):
        return orders
    if index.dtype.kind in "iuf":
        key = index.to_numpy().astype("float64")
    elif index.dtype.kind == "M":
        key = index.to_numpy().astype("int64").astype("float64")
    else:
        return orders
    if not np.isfinite(key).all() or np.array_equal(key, orders[0]):
        return orders
    orders.append(key)
    return orders


__all__ = ["LEAK_SHAPES", "Judgement", "judge_features", "looks_like_identifier", "row_orders"]
