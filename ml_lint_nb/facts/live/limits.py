"""Size and time limits for live inspection, configurable under ``[tool.ml-lint-nb.live]``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LiveLimits:
    """Caps that keep the post-execute hook invisible on big data.

    ``max_rows``: frames larger than this are inspected on a seeded sample
    of that many rows (findings say so). ``max_predict_rows``: the most rows
    the hook may pass to ``predict``/``predict_proba``. ``budget_ms``: the
    hook's own time budget per cell; work beyond it is deferred to
    ``%mlcheck``. ``seed``: sampling seed (a private RandomState, never the
    global one).
    """

    max_rows: int = 100_000
    max_predict_rows: int = 10_000
    max_columns: int = 500
    budget_ms: float = 150.0
    seed: int = 0
    full: bool = False  # %mlcheck df: exact counts unless the frame is huge
    # Spark DataFrames and polars LazyFrames are checked where they live (lazy_frames.py):
    # each check (one or a few jobs) gets this many seconds before its jobs are cancelled,
    lazy_check_seconds: float = 60.0
    # and at most this many sampled rows a side come to the driver (chance estimate of ML201)
    lazy_sample_rows: int = 2_000
    # %mlcheck impact (never the hook): the time its refits may take, and the least inflation of
    # a score that is material (score points on 0-to-1 metrics, a share of the honest error else)
    impact_seconds: float = 60.0
    impact_material_gap: float = 0.01
