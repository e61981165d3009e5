"""Outlier-laden columns of the data a fitted estimator saw, shared by ML303 and ML305.

Both rules judge a fitted estimator (a MinMaxScaler, an AdaBoost model) by
the extreme values of the columns it was fitted on; they find those columns
and word the evidence the same way.
"""

from __future__ import annotations

from ml_lint_nb.facts.location import same_cell
from ml_lint_nb.facts.model import ColumnSummary, FittedFact, FrameFact
from ml_lint_nb.findings import Evidence


def short_number(value: float) -> str:
    """A value as a range reads best: whole thousands above 1,000, four digits below."""
    return f"{value:,.0f}" if abs(value) >= 1e3 else f"{value:.4g}"


def outlier_columns(
    fitted: FittedFact,
    outer: tuple[FittedFact, ...],
    frames: list[FrameFact],
    limit: float,
) -> list[tuple[FrameFact, ColumnSummary]]:
    """Numeric columns of the data ``fitted`` saw (same cell) with ``max_robust_z >= limit``.

    The estimator's ``feature_names_in_`` pick the columns when known;
    otherwise the frames of the cell whose width matches its (or an
    enclosing pipeline's) ``n_features_in_``, or every frame of the cell
    when no width is known. Target columns and target series are left
    out. Worst first, one entry per column name.
    """
    here = [f for f in frames if same_cell(f.location, fitted.location)]
    widths = {f.n_features_in for f in (fitted, *outer) if f.n_features_in}
    names = set(fitted.feature_names)
    best: dict[str, tuple[FrameFact, ColumnSummary]] = {}
    for frame in here:
        if not names and widths and frame.n_cols not in widths:
            continue
        if frame.kind == "Series" and frame.target is not None:  # a target, not a feature
            continue
        for col in frame.columns:
            if not col.numeric or col.max_robust_z is None or col.max_robust_z < limit:
                continue
            if col.name == frame.target or (names and col.name not in names):
                continue
            seen = best.get(col.name)
            if seen is None or (seen[1].max_robust_z or 0.0) < col.max_robust_z:
                best[col.name] = (frame, col)
    return sorted(best.values(), key=lambda fc: -(fc[1].max_robust_z or 0.0))


def outlier_evidence(frame: FrameFact, col: ColumnSummary) -> Evidence:
    """Live evidence for one outlier-laden column: its frame, worst robust z, median, examples."""
    examples = ", ".join(short_number(v) for v in col.outlier_examples[:3])
    sampled = f" (sample of {frame.sample_rows:,} rows)" if frame.sample_rows else ""
    text = f"{frame.name}['{col.name}']: max robust z {col.max_robust_z or 0.0:,.1f}"
    if col.median is not None:
        text += f", median {short_number(col.median)}"
    if examples:
        text += f", e.g. {examples}"
    return Evidence(
        frame.source,
        "outliers",
        text + sampled,
        {
            "frame": frame.name,
            "column": col.name,
            "max_robust_z": round(col.max_robust_z or 0.0, 2),
        },
    )
