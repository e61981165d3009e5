"""Features computed from the target of other rows in time: lags (honest) and future values (leaks).

A feature that is the target of an earlier row (``sales.shift(1)``, a
trailing mean shifted by one) is the classic honest forecasting input; the
same expression with ``shift(-1)`` or ``rolling(7, center=True)`` reads the
rows' future, which does not exist at prediction time. Which one a column
is can be measured on ordered rows: relate each row's feature to the target
of the rows ``d`` steps before and after it.

:func:`time_shapes` does that on the inspected rows, ordered by each
candidate order (the rows' positions in the user's object, its index, and
either of those within the groups of an entity-like column, as per-store
lags are); an order in which the target is autocorrelated reads as time,
and the first in which a feature has an exact relation to the target of
its neighbours gives its answer. Only exact relations are reported: a
shifted copy of the target, or the mean (or sum) of a contiguous window of
it, up to the feature's own rounding; a feature that merely tracks the
target is none of these. NumPy is the user's, passed in.
"""

from __future__ import annotations

from typing import Any

MAX_OFFSET = 10  # steps before and after each row that are compared
MIN_PAIRS = 100  # pairs of rows one step apart that an order needs to be judged
MIN_AUTOCORR = 0.2  # target autocorrelation at one step for an order to be read as time
SHIFT_MATCH = 0.95  # share of rows whose feature equals the target d steps away
MAX_GROUP_COLUMNS = 2  # entity-like columns tried as the groups of per-group lags
CANDIDATE_CORR = 0.3  # features less correlated with the target are not examined


def _corr(a: Any, b: Any, np: Any) -> float:
    """Pearson correlation; 0 when either side is constant or too short."""
    if len(a) < 3:
        return 0.0
    sa, sb = a.std(), b.std()
    if sa == 0 or sb == 0:
        return 0.0
    return float(((a - a.mean()) * (b - b.mean())).mean() / (sa * sb))


class _Order:
    """Pairs of inspected rows ``d`` steps apart in one candidate order of the rows."""

    def __init__(self, key: Any, groups: Any, np: Any) -> None:
        key = key.astype("float64")
        if groups is not None:
            span = float(key.max() - key.min()) + 1.0
            step_key = key - key.min()
        else:
            span, step_key = 0.0, key
        order = np.lexsort((step_key, groups)) if groups is not None else np.argsort(step_key)
        ks = step_key[order]
        gs = groups[order] if groups is not None else None
        diffs = np.diff(ks)
        same = diffs > 0 if gs is None else (diffs > 0) & (gs[1:] == gs[:-1])
        self.pairs: dict[int, tuple[Any, Any]] = {}
        if same.sum() < MIN_PAIRS:
            return
        values, counts = np.unique(diffs[same], return_counts=True)
        step = float(values[np.argmax(counts)])
        width = span + (2 * MAX_OFFSET + 2) * step
        combined = ks + (gs.astype("float64") * width if gs is not None else 0.0)
        for d in range(-MAX_OFFSET, MAX_OFFSET + 1):
            if d == 0:
                continue
            want = combined + d * step
            pos = np.clip(np.searchsorted(combined, want), 0, len(combined) - 1)
            hit = combined[pos] == want
            if hit.sum() >= MIN_PAIRS // 2:
                self.pairs[d] = (order[hit], order[pos[hit]])

    def autocorr(self, y: Any, np: Any) -> float:
        """The target's correlation with itself one step later (0 when unmeasurable)."""
        got = self.pairs.get(1)
        if got is None or len(got[0]) < MIN_PAIRS:
            return 0.0
        return _corr(y[got[0]], y[got[1]], np)


def _group_candidates(features: list[tuple[str, Any]], n: int, np: Any) -> list[Any]:
    """Integer codes of up to :data:`MAX_GROUP_COLUMNS` entity-like columns (many rows each)."""
    found = []
    for _label, codes in features:
        if codes is None:
            continue
        k = int(codes.max()) + 1 if len(codes) else 0
        if 2 <= k <= n // 5 and (codes >= 0).all():
            found.append((k, codes))
    found.sort(key=lambda e: -e[0])
    return [codes for _k, codes in found[:MAX_GROUP_COLUMNS]]


def time_shapes(
    values: dict[str, Any],
    y: Any,
    orders: list[Any],
    groups: list[tuple[str, Any]],
    np: Any,
) -> dict[str, tuple[str, int, float]]:
    """Each examined feature's relation to the target in time, when it is exact.

    ``values`` maps a feature to its numeric values over the inspected rows,
    ``y`` is the numeric target over them, ``orders`` the candidate order
    keys (one number per row), ``groups`` integer codes of columns that may
    hold entities. The answer maps a feature to ``(shape, offset, share)``:
    ``future`` (a later row's target: ``offset`` steps ahead, or a window
    holding ``share`` of its weight ahead), ``own-window`` (a window over
    the row's own target and its neighbours) or ``lag`` (earlier rows only:
    honest).
    """
    n = len(y)
    if n < 2 * MIN_PAIRS:
        return {}
    y = y.astype("float64")
    candidates = {
        label: v
        for label, v in values.items()
        if not np.isnan(v).all() and abs(_corr(*_finite(v, y, np), np)) >= CANDIDATE_CORR
    }
    if not candidates:
        return {}
    timed: list[_Order] = []
    group_codes = _group_candidates(groups, n, np)
    for g in [None, *group_codes]:  # whole rows first, then within each entity-like column
        for key in orders:
            order = _Order(key, g, np)
            if order.autocorr(y, np) >= MIN_AUTOCORR:
                timed.append(order)
    out: dict[str, tuple[str, int, float]] = {}
    for label, v in candidates.items():
        for order in timed:  # an exact relation in any order that reads as time is evidence
            got = _shape(v, y, order, np)
            if got is not None:
                out[label] = got
                break
    return out


def _finite(v: Any, y: Any, np: Any) -> tuple[Any, Any]:
    """Rows where the feature is a number."""
    ok = np.isfinite(v)
    return v[ok], y[ok]


def _shape(v: Any, y: Any, order: _Order, np: Any) -> tuple[str, int, float] | None:
    """The feature's exact relation to the target of its neighbours in ``order``, if any."""
    for d in sorted(order.pairs, key=abs):
        i, j = order.pairs[d]
        fi, yj = v[i], y[j]
        ok = np.isfinite(fi)
        if ok.sum() < MIN_PAIRS // 2:
            continue
        same = np.isclose(fi[ok], yj[ok], rtol=1e-9, atol=1e-12)
        if same.mean() >= SHIFT_MATCH and not np.isclose(v, y, rtol=1e-9).mean() >= SHIFT_MATCH:
            return ("future" if d > 0 else "lag"), d, 1.0
    return _window(v, y, order, np)


def _window(v: Any, y: Any, order: _Order, np: Any) -> tuple[str, int, float] | None:
    """The contiguous window of the target whose mean (or sum) the feature equals, if any.

    ``rolling(7).mean()``, ``rolling(5, center=True).sum()`` and their shifts
    are exact functions of the target's neighbours: the feature equals the
    window's mean (or sum) on nearly every row, up to the feature's own
    rounding. A feature that merely tracks the target (a denoised copy, a
    smooth covariate) equals no window exactly, whatever its correlation.
    """
    offsets = [d for d in range(-MAX_OFFSET, MAX_OFFSET + 1) if d == 0 or d in order.pairs]
    if len(offsets) < 3:
        return None
    n = len(y)
    cols = np.full((n, len(offsets)), np.nan)
    for k, d in enumerate(offsets):
        if d == 0:
            cols[:, k] = y
        else:
            i, j = order.pairs[d]
            cols[i, k] = y[j]
    fin = np.isfinite(v)
    if fin.sum() < MIN_PAIRS:
        return None
    tol = _tolerance(v[fin], np)
    # prefix sums with the missing neighbours counted apart: a gap outside a window (a
    # neighbour that went to the other side of a split) must not void the window
    missing = np.isnan(cols)
    zero = np.zeros((n, 1))
    prefix = np.concatenate([zero, np.cumsum(np.where(missing, 0.0, cols), axis=1)], axis=1)
    gaps = np.concatenate([zero, np.cumsum(missing, axis=1)], axis=1)
    position = {d: k for k, d in enumerate(offsets)}
    best = None
    for a in offsets:
        for b in offsets:
            if b <= a or b - a + 1 != position[b] - position[a] + 1:
                continue  # a window of consecutive offsets only
            total = prefix[:, position[b] + 1] - prefix[:, position[a]]
            ok = fin & (gaps[:, position[b] + 1] - gaps[:, position[a]] == 0)
            if ok.sum() < MIN_PAIRS:
                continue
            width = b - a + 1
            for value in (total / width, total):
                same = np.abs(v[ok] - value[ok]) <= tol
                if same.mean() >= SHIFT_MATCH:
                    best = (a, b)
                    break
            if best is not None:
                break
        if best is not None:
            break
    if best is None:
        return None
    a, b = best
    width = b - a + 1
    if b > 0:
        return "future", b, max(b, 0) / width
    if b == 0:
        return "own-window", 0, 1.0 / width
    return "lag", b, 1.0


def _tolerance(v: Any, np: Any) -> float:
    """How far a feature may sit from a window's value: its own rounding, or float error."""
    scale = float(np.abs(v).max()) if len(v) else 1.0
    uniq = np.unique(v)
    gaps = np.diff(uniq)
    gaps = gaps[gaps > 0]
    step = float(gaps.min()) if len(gaps) else 0.0
    rounded = step if step > 1e-6 * max(scale, 1.0) and len(uniq) < 0.9 * len(v) else 0.0
    return max(1e-9 * max(scale, 1.0), 0.51 * rounded)


__all__ = ["time_shapes"]
