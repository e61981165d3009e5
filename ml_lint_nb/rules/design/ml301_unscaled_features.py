"""ML301 unscaled-features: a scale-sensitive estimator fitted on unscaled features."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from ml_lint_nb.facts import catalog
from ml_lint_nb.facts.model import DataRef, EstimatorInfo
from ml_lint_nb.facts.store import FactStore
from ml_lint_nb.findings import Finding, Location, Related, Severity
from ml_lint_nb.rules.base import BOTH, Rule, Threshold
from ml_lint_nb.rules.common import data_label, est_label, observed, outside_note
from ml_lint_nb.rules.design.fits import fits_of


def learners(
    info: EstimatorInfo, settled: bool | None = False
) -> Iterator[tuple[EstimatorInfo, bool | None]]:
    """The models an estimator fits, each with whether a step before it settles the scales.

    Scalers settle them, and so do text vectorizers (counts share one unit),
    a whitening PCA and one-hot indicators. Wrappers and searches fit what
    they wrap (``OneVsRestClassifier(SVC())``), ensembles each of their
    members, on the same features; a pipeline its last step after the
    others. A composite whose steps the reader could not resolve (built by
    a helper, ``list(ct.transformers)``) may hold a scaler: unknown (None),
    never "no scaler".
    """
    kinds = info.kinds
    if "pipeline" in kinds and info.steps:
        doing = [s for s in info.steps if "stateless" not in s.kinds] or list(info.steps)
        last = doing[-1]
        for step in info.steps:
            if step is last:
                break
            settled = _either(settled, _settles(step))
        if "unresolved" in kinds:
            settled = _either(settled, None)
        yield from learners(last, settled)
    elif kinds & {"search", "wrapper"} and info.steps:
        yield from learners(info.steps[0], settled)
    elif "ensemble" in kinds and info.steps:
        for member in info.steps:
            yield from learners(member, settled)
    else:
        yield info, settled


def _settles(step: EstimatorInfo) -> bool | None:
    """A step (or a part of it) after which the features share a scale; None when unknown."""
    parts = (step, *step.all_steps())
    if any(
        s.kinds & {"scaler", "vectorizer"} or catalog.settles_scale(s.cls, s.params) for s in parts
    ):
        return True
    if any("unresolved" in s.kinds for s in parts):
        return None
    return False


def _either(a: bool | None, b: bool | None) -> bool | None:
    """Settled when either says so; unknown when either is unknown; else not settled."""
    if a is True or b is True:
        return True
    if a is None or b is None:
        return None
    return False


class UnscaledFeatures(Rule):
    """What it does
    Flags a scale-sensitive estimator (SVM, k-NN, penalised linear model,
    SGD, MLP, PCA, k-means) fitted with no scaler before it, on features
    whose scales differ by orders of magnitude. Silent when the features
    share a unit (pixels, one-hot indicators, generated data such as
    ``make_blobs``, ``load_digits``), when there is one feature, after a
    whitening PCA, and when a preprocessing step cannot be resolved (it may
    be a scaler). Refits of the same estimator on the same data are one
    finding.

    Why is this bad?
    Distances, penalties and gradient steps are dominated by the
    largest-scale feature: an SVC on raw ``load_breast_cancer`` mostly sees
    ``worst area``. When the code cannot show the scales this is advice
    (``info``); a known-unscaled dataset or a printed ``describe()`` makes
    it a warning.

    Example
    ```python
    X, y = load_breast_cancer(return_X_y=True)
    SVC().fit(X_train, y_train)
    ```

    Use instead
    ```python
    make_pipeline(StandardScaler(), SVC()).fit(X_train, y_train)
    ```
    """

    code, name, severity, pitfalls = "ML301", "unscaled-features", Severity.WARNING, (45, 36)
    detect = BOTH
    summary = "a scale-sensitive estimator fitted on unscaled features"
    fix = "Put a StandardScaler (or RobustScaler) before the estimator in a Pipeline."
    thresholds = (
        Threshold(
            "min_scale_ratio",
            100.0,
            "ratio of the largest to the smallest feature std that counts as unscaled",
        ),
    )

    def check(self, store: FactStore) -> Iterator[Finding]:
        """One finding per estimator class and data, however many cells (re)fit it.

        With no feature scales in evidence it is info; a scale ratio shown at or
        above min_scale_ratio makes it a warning. The refits are listed as
        related.
        """
        limit = self.threshold("min_scale_ratio")
        # one finding per estimator class and data, however many cells (re)fit it
        seen: dict[tuple, list[Location]] = {}
        pending: list[tuple[tuple, Finding]] = []
        for info, X, loc, _fact in fits_of(store):
            if X is None or X.scaled or X.n_features == 1:  # one feature: nothing to compare
                continue
            for final, settled in learners(info):
                if "scale_sensitive" in final.kinds and settled is False:
                    pending.extend(self.judge(info, final, X, loc, limit, seen))
        for key, finding in pending:
            refits = seen[key]
            if refits:
                finding = replace(
                    finding,
                    related=tuple(Related(r, "fitted again") for r in refits[:5]),
                )
            yield finding

    def judge(
        self,
        info: EstimatorInfo,
        final: EstimatorInfo,
        X: DataRef,
        loc: Location,
        limit: float,
        seen: dict[tuple, list[Location]],
    ) -> Iterator[tuple[tuple, Finding]]:
        """The finding for one scale-sensitive model fitted on X with no scaler before it."""
        key = (final.cls, None if final is info else info.cls, X.rows.paths or X.label)
        if key in seen:
            seen[key].append(loc)
            return
        label = est_label(final) if final is info else f"{final.cls} in {est_label(info)}"
        if X.scale_ratio is None:
            finding = self.finding(
                f"{label} is fitted on {data_label(X)} with no scaler before it; it is "
                "scale-sensitive, and the code does not show whether the features share a scale."
                + outside_note(X),
                loc,
                subject=(final.cls, data_label(X)),
                severity=Severity.INFO,
            )
        elif X.scale_ratio >= limit:
            finding = self.finding(
                f"{label} is fitted on {data_label(X)} with no scaler before it, and its feature "
                f"scales differ {X.scale_ratio:,.0f}-fold; the largest-scale features dominate.",
                loc,
                subject=(final.cls, data_label(X)),
                evidence=observed(
                    X.scale_seen, "feature-scales", scale_ratio=round(X.scale_ratio, 1)
                ),
            )
        else:
            return
        seen[key] = []
        yield key, finding
