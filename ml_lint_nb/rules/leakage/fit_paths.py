"""Where fitted state flows, shared by the leak rules ML201 and ML203.

Both ask the same question of a fit (a resampler for ML201, a transformer
for ML203): did it see rows that a later, scored split holds out, and does
its output reach a model evaluated on them?
"""

from __future__ import annotations

from ml_lint_nb.facts import catalog
from ml_lint_nb.facts.model import (
    CrossValFact,
    DataRef,
    EstimatorInfo,
    EvaluationFact,
    FitFact,
    PredictFact,
    RowSet,
    SplitFact,
)
from ml_lint_nb.facts.store import FactStore


def is_preprocessor(fit: FitFact) -> bool:
    """A transformer (or a pipeline of transformers only), not a model."""
    info = fit.estimator
    if "pipeline" in info.kinds:
        return bool(info.steps) and "transformer" in info.final.kinds
    return "transformer" in info.kinds


def learns_nothing(fit: FitFact) -> bool:
    """A transformer (or composite of them) whose fit learns nothing from its rows.

    ``Normalizer().fit_transform(X)`` or a constant ``SimpleImputer`` before
    the split compute the same output whichever rows they saw; a shift by one
    statistic (``(date - date.min()).dt.days``, ``x - x.mean()``) moves every
    row by the same offset, which no model with an intercept, no tree and no
    distance can tell from the raw values.
    """
    info = fit.estimator
    if info.kinds & {"shift", "fits_nothing"}:  # x - x.mean(); a class whose fit stores nothing
        return True
    parts = [s for s in info.all_steps() if "transformer" in s.kinds] if info.steps else [info]
    return bool(parts) and not any(catalog.learns_from_rows(s.cls, s.params) for s in parts)


# Resamplers whose output puts rows derived from test rows into training (ML201's business).
COPYING = frozenset({"duplicating", "synthetic"})


# Fits that learn from the labels: their leak into cross-validation folds is not subtle.
SUPERVISED = frozenset({"selector", "resampler", "cleaning"})


def label_driven(fit: FitFact) -> bool:
    """A fit whose result depends on the labels: selection, resampling, target encoding."""
    info = fit.estimator
    if info.kinds & SUPERVISED:
        return True
    encodes_target = "mean encoding" in info.cls or info.cls in ("TargetEncoder", "WOEEncoder")
    return "encoder" in info.kinds and encodes_target


class FitPaths:
    """Where fitted state flows, for the leak rules (ML201, ML203).

    A fit on rows that include held-out rows leaks only when its output
    reaches a model that is then evaluated: the data a split divides, the
    features of a model fit, a cross-validation or an evaluation, or a part
    of a split transformed after the fit. A PCA for a scatter plot or a
    statistic shown as a table reaches none of these.
    """

    def __init__(self, store: FactStore) -> None:
        # est_id -> the splits that the model data carrying its output went through
        """Read the store once: where each fit's output goes, and which parts are scored."""
        self.model_inputs: dict[str, set[str]] = {}
        scored: list[RowSet] = []
        for f in store.of(FitFact):
            if f.direct and f.X is not None and not is_preprocessor(f):
                self.carry(f.X)
        self.cv = [cv for cv in store.of(CrossValFact) if cv.X is not None and cv.X.rows.known]
        for cv in self.cv:
            self.carry(cv.X)  # type: ignore[arg-type]
        # est_id -> the models fitted or cross-validated on its output
        self.consumers: dict[str, list[EstimatorInfo]] = {}
        for f in store.of(FitFact):
            if f.direct and f.X is not None and not is_preprocessor(f):
                for est_id in f.X.applied:
                    self.consumers.setdefault(est_id, []).append(f.estimator)
        for cv in self.cv:
            for est_id in cv.X.applied:  # type: ignore[union-attr]
                self.consumers.setdefault(est_id, []).append(cv.estimator)
        for ev in store.of(EvaluationFact):
            if ev.X is not None:
                self.carry(ev.X)
            data = ev.X or ev.y_true
            if data is not None and data.rows.known:
                scored.append(data.rows)
        for pr in store.of(PredictFact):
            if pr.X is None:
                continue
            if pr.method == "transform":
                if pr.X.rows.known and pr.X.rows.roles() != {"all"}:
                    self.carry(pr.X, pr.estimator.est_id)  # a part transformed after the fit
            else:
                self.carry(pr.X)
                if pr.X.rows.known:
                    scored.append(pr.X.rows)
        # held-out parts: test parts, and validation parts that something is scored on
        self.parts: list[tuple[SplitFact, DataRef]] = []
        for split in store.of(SplitFact):
            for part in split.parts:
                roles = part.rows.roles() if part.rows.known else frozenset()
                if not roles or not roles <= {"test", "validation"}:
                    continue
                if "test" in roles or any(part.rows.includes(r) for r in scored):
                    self.parts.append((split, part))

    def carry(self, data: DataRef, extra: str | None = None) -> None:
        """Note that the fits applied to data reach the splits its rows went through.

        extra names a fit that data.applied does not list yet: a transformer
        whose transform of a split part carries its fitted state into that part.
        """
        ids = data.applied | {extra} if extra else data.applied
        if not ids:
            return
        splits = {step[0] for path in data.rows.paths for step in path[1:]}
        for est_id in ids:
            self.model_inputs.setdefault(est_id, set()).update(splits)

    def rescales_for_trees_only(self, fit: FitFact) -> bool:
        """A scaler whose output only feeds scale-invariant models (trees, boosting).

        Rescaling each feature keeps the order of its values, so a tree
        learns the same splits whichever rows the statistics came from: no
        fold's score moves.
        """
        if "scaler" not in fit.estimator.kinds or label_driven(fit):
            return False
        models = self.consumers.get(fit.estimator.est_id)
        return bool(models) and all(
            "scale_sensitive" not in m.final.kinds and "pipeline" not in m.kinds for m in models
        )

    def reaches_model(self, est_id: str, split: SplitFact) -> bool:
        """The fit's output reaches model data that went through this split."""
        return split.split_id in self.model_inputs.get(est_id, ())

    def hit(self, fit: FitFact) -> tuple[SplitFact, DataRef] | None:
        """The split whose held-out rows this fit saw and whose models its output reaches."""
        if fit.X is None:
            return None
        hits = [(s, p) for s, p in self.parts if fit.X.rows.includes(p.rows)]
        if not hits:
            return None
        est_id = fit.estimator.est_id
        hits = [
            h
            for h in hits
            if any(est_id in i.applied for i in h[0].inputs) or self.reaches_model(est_id, h[0])
        ]
        if not hits:
            return None
        # the split that follows the fit explains it best; else the nearest one before
        later = [h for h in hits if h[0].location.sort_key() > fit.location.sort_key()]
        if later:
            return later[0]
        nearest = hits[-1][0]
        return next(h for h in hits if h[0] is nearest)  # its first held-out part (X before y)

    def cross_validated(self, fit: FitFact) -> CrossValFact | None:
        """A cross-validation of this fit's output over rows the fit already saw."""
        if fit.X is None:
            return None
        est_id = fit.estimator.est_id
        for cv in self.cv:
            if est_id in cv.X.applied and fit.X.rows.includes(cv.X.rows):  # type: ignore[union-attr]
                return cv
        return None
