"""What the kernel knows about a value the static dataflow names: rows, features, balance, scales.

The static rules ask a :class:`~ml_lint_nb.facts.model.DataRef` for row and
feature counts, class shares and feature scales; in a kernel these come from
the object itself, so the same rules confirm (or refute) what the code alone
could only suggest.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any

from ml_lint_nb.facts.live.limits import LiveLimits
from ml_lint_nb.facts.live.sampling import seeded_subset

MAX_CLASSES = 20


@dataclass(frozen=True)
class LiveData:
    n_rows: int | None = None
    n_features: int | None = None
    shares: tuple[float, ...] | None = None
    shares_text: str | None = None
    scale_ratio: float | None = None
    scale_text: str | None = None


def describe_value(obj: Any, label: str, as_target: bool, limits: LiveLimits) -> LiveData | None:
    """Counts, class shares (for a target) and feature scales of a frame/array; None if not data."""
    np = sys.modules.get("numpy")
    pd = sys.modules.get("pandas")
    if np is None:
        return None
    try:
        if pd is not None and isinstance(obj, pd.DataFrame | pd.Series):
            return _describe_pandas(obj, label, as_target, limits, np, pd)
        if isinstance(obj, np.ndarray) and obj.ndim in (1, 2):
            return _describe_array(obj, label, as_target, limits, np)
        pl = sys.modules.get("polars")
        if pl is not None and isinstance(obj, pl.DataFrame | pl.Series):
            return _describe_polars(obj, label, as_target, limits, np, pl)
    except Exception:  # a hostile or exotic object: no live evidence, never an error
        return None
    return None


def _sample_positions(n: int, limits: LiveLimits, np: Any) -> Any:
    if n <= limits.max_rows:
        return None
    return seeded_subset(n, limits.max_rows, limits.seed, np)


SCALE_ROWS = 20_000  # rows a feature's spread is estimated from (within about 1%)


def _scale_rows(n: int, limits: LiveLimits, np: Any) -> Any:
    """A seeded sample for the scale ratio: orders of magnitude need no million rows."""
    return seeded_subset(n, SCALE_ROWS, limits.seed + 2, np)


def _shares(values: Any, label: str, np: Any) -> tuple[tuple[float, ...] | None, str | None]:
    uniq, counts = np.unique(values, return_counts=True)
    if len(uniq) < 2 or len(uniq) > MAX_CLASSES:
        return None, None
    order = np.argsort(-counts)
    total = counts.sum()
    shares = tuple(float(c / total) for c in counts[order])
    shown = ", ".join(f"{uniq[i]!s}: {int(counts[i]):,}" for i in order[:4])
    return shares, f"{label} holds {shown} in the kernel"


def _scale(std: Any, names: list[str], label: str, np: Any) -> tuple[float | None, str | None]:
    std = np.asarray(std, dtype=float)
    ok = np.isfinite(std) & (std > 0)
    if ok.sum() < 2:
        return None, None
    idx = np.flatnonzero(ok)
    lo = idx[np.argmin(std[ok])]
    hi = idx[np.argmax(std[ok])]
    ratio = float(std[hi] / std[lo])
    text = (
        f"in the kernel, {label} has std {std[lo]:.3g} for '{names[lo]}' and {std[hi]:.3g} "
        f"for '{names[hi]}' ({ratio:,.0f}-fold)"
    )
    return ratio, text


def _describe_pandas(
    obj: Any, label: str, as_target: bool, limits: LiveLimits, np: Any, pd: Any
) -> LiveData:
    n_rows = int(len(obj))
    pos = _sample_positions(n_rows, limits, np)
    view = obj if pos is None else obj.iloc[pos]
    if isinstance(obj, pd.Series):
        shares = text = None
        if as_target:
            shares, text = _shares(view.dropna().to_numpy(), label, np)
        return LiveData(n_rows=n_rows, n_features=1, shares=shares, shares_text=text)
    n_features = int(obj.shape[1])
    if len(view) > SCALE_ROWS:
        view = view.iloc[_scale_rows(len(view), limits, np)]
    numeric = view.select_dtypes(include="number")
    ratio = stext = None
    if numeric.shape[1] >= 2 and numeric.shape[1] == n_features:
        ratio, stext = _scale(
            numeric.std(ddof=0).to_numpy(), [str(c) for c in numeric.columns], label, np
        )
    return LiveData(n_rows=n_rows, n_features=n_features, scale_ratio=ratio, scale_text=stext)


def _describe_polars(
    obj: Any, label: str, as_target: bool, limits: LiveLimits, np: Any, pl: Any
) -> LiveData:
    """:func:`_describe_pandas` for polars, column by column into NumPy (no pandas frame)."""
    from ml_lint_nb.facts.live.frames import polars_floats

    n_rows = int(obj.shape[0])
    pos = _sample_positions(n_rows, limits, np)
    if isinstance(obj, pl.Series):
        shares = text = None
        if as_target:
            part = obj if pos is None else obj.gather(pos)
            if part.dtype.is_float():
                part = part.fill_nan(None)
            values = np.asarray(part.drop_nulls().to_numpy())  # its own values: 0/1 stay ints
            shares, text = _shares(values, label, np)
        return LiveData(n_rows=n_rows, n_features=1, shares=shares, shares_text=text)
    n_features = int(obj.shape[1])
    if pos is None and n_rows > SCALE_ROWS:
        pos = _scale_rows(n_rows, limits, np)
    elif pos is not None and len(pos) > SCALE_ROWS:
        pos = pos[_scale_rows(len(pos), limits, np)]
    view = obj if pos is None else obj[pos]
    stds, names = [], []
    for name in list(view.columns)[: limits.max_columns]:
        vals = polars_floats(view.get_column(name), np, pl)
        if vals is None:
            break
        stds.append(float(np.nanstd(vals)))
        names.append(str(name))
    ratio = stext = None
    if len(stds) >= 2 and len(stds) == n_features:
        ratio, stext = _scale(np.asarray(stds), names, label, np)
    return LiveData(n_rows=n_rows, n_features=n_features, scale_ratio=ratio, scale_text=stext)


def _describe_array(obj: Any, label: str, as_target: bool, limits: LiveLimits, np: Any) -> LiveData:
    n_rows = int(obj.shape[0])
    pos = _sample_positions(n_rows, limits, np)
    view = obj if pos is None else obj[pos]
    if obj.ndim == 1:
        shares = text = None
        if as_target and view.dtype.kind in "biuOSU":
            shares, text = _shares(view, label, np)
        return LiveData(n_rows=n_rows, n_features=1, shares=shares, shares_text=text)
    ratio = stext = None
    if len(view) > SCALE_ROWS:
        view = view[_scale_rows(len(view), limits, np)]
    if view.dtype.kind in "biuf" and obj.shape[1] <= limits.max_columns:
        ratio, stext = _scale(
            view.std(axis=0), [f"column {i}" for i in range(obj.shape[1])], label, np
        )
    return LiveData(
        n_rows=n_rows, n_features=int(obj.shape[1]), scale_ratio=ratio, scale_text=stext
    )
