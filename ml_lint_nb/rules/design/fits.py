"""Every place an estimator learns from data: direct fits and cross-validations.

Shared by the design rules that judge what a model learned from: ML301 the
scales of its features, ML302 its features per row.
"""

from __future__ import annotations

from collections.abc import Iterator

from ml_lint_nb.facts.model import CrossValFact, DataRef, EstimatorInfo, FitFact
from ml_lint_nb.facts.store import FactStore
from ml_lint_nb.findings import Location


def fits_of(
    store: FactStore,
) -> Iterator[tuple[EstimatorInfo, DataRef | None, Location, FitFact | CrossValFact]]:
    """Direct fits and cross-validations: every place an estimator learns from data."""
    for fit in store.of(FitFact):
        if fit.direct:
            yield fit.estimator, fit.X, fit.location, fit
    for cv in store.of(CrossValFact):
        yield cv.estimator, cv.X, cv.location, cv
