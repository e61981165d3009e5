"""What the kernel knows about a value the static dataflow names: rows, features, balance, scales.

The static rules ask a :class:`~ml_lint_nb.facts.model.DataRef` for row and
feature counts, class shares and feature scales; in a kernel these come from
the object itself, so the same rules confirm (or refute) what the code alone
could only suggest. The object is read through
:func:`~ml_lint_nb.facts.live.tables.read_table`, like every frame the hook reads.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any

from ml_lint_nb.facts.live.limits import LiveLimits
from ml_lint_nb.facts.live.safe import guarded
from ml_lint_nb.facts.live.sampling import seeded_subset
from ml_lint_nb.facts.live.tables import Table, column_values, read_column, read_table
from ml_lint_nb.facts.live.target_leak import looks_like_identifier

MAX_CLASSES = 20
SCALE_ROWS = 20_000  # rows a feature's spread is estimated from (within about 1%)


@dataclass(frozen=True)
class LiveData:
    """Kernel evidence about one value: what the static rules could only estimate from code."""

    n_rows: int | None = None
    n_features: int | None = None
    shares: tuple[float, ...] | None = None
    shares_text: str | None = None
    scale_ratio: float | None = None
    scale_text: str | None = None


def describe_value(obj: Any, label: str, as_target: bool, limits: LiveLimits) -> LiveData | None:
    """Counts, class shares (for a target) and feature scales of a frame/array; None if not data."""
    np = sys.modules.get("numpy")
    if np is None:
        return None
    table = read_table(obj)
    if table is None:
        return None
    try:
        return _describe(table, label, as_target, limits, np)
    except Exception:  # a hostile or exotic object: no live evidence, never an error
        return None


def _describe(table: Table, label: str, as_target: bool, limits: LiveLimits, np: Any) -> LiveData:
    """Rows and width of the whole table; shares and scales on a seeded sample of its rows."""
    n_rows = table.n_rows
    pos = (
        None
        if n_rows <= limits.max_rows
        else seeded_subset(n_rows, limits.max_rows, limits.seed, np)
    )
    if table.ndim == 1:
        shares = text = None
        if as_target:
            values = table.take(pos).present_values()
            if values is not None:
                shares, text = _shares(values, label, np)
        return LiveData(n_rows=n_rows, n_features=1, shares=shares, shares_text=text)
    seen = n_rows if pos is None else len(pos)
    if seen > SCALE_ROWS:  # orders of magnitude need no million rows
        sub = seeded_subset(seen, SCALE_ROWS, limits.seed + 2, np)
        pos = sub if pos is None else pos[sub]
    ratio = stext = None
    sample = table.take(pos)
    spreads = sample.spreads(limits.max_columns)
    if spreads is not None:
        std = np.array(spreads[0], dtype=float)
        for _ in range(3):  # an identifier is not a feature scale (customer_id): leave it out
            ok = np.flatnonzero(np.isfinite(std) & (std > 0))
            if len(ok) < 3:
                break
            hi = int(ok[np.argmax(std[ok])])
            column = guarded(lambda hi=hi: column_values(read_column(sample.column(hi), "")), None)
            if column is None or not looks_like_identifier(column, spreads[1][hi], np):
                break
            std[hi] = np.nan
        ratio, stext = _scale(std, spreads[1], label, np)
    return LiveData(n_rows=n_rows, n_features=table.n_cols, scale_ratio=ratio, scale_text=stext)


def _shares(values: Any, label: str, np: Any) -> tuple[tuple[float, ...] | None, str | None]:
    """Class shares, largest first, and the evidence text; None for fewer than 2 or many classes."""
    uniq, counts = np.unique(values, return_counts=True)
    if len(uniq) < 2 or len(uniq) > MAX_CLASSES:
        return None, None
    order = np.argsort(-counts)
    total = counts.sum()
    shares = tuple(float(c / total) for c in counts[order])
    shown = ", ".join(f"{uniq[i]!s}: {int(counts[i]):,}" for i in order[:4])
    return shares, f"{label} holds {shown} in the kernel"


def _scale(std: Any, names: list[str], label: str, np: Any) -> tuple[float | None, str | None]:
    """The ratio of the largest to the smallest positive spread, and the evidence text."""
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
