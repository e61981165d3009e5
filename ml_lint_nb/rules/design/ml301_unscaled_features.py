"""ML301 unscaled-features: a scale-sensitive estimator fitted on unscaled features."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from ml_lint_nb.facts import catalog
from ml_lint_nb.facts.model import EstimatorInfo
from ml_lint_nb.facts.store import FactStore
from ml_lint_nb.findings import Finding, Location, Related, Severity
from ml_lint_nb.rules.base import BOTH, Rule, Threshold
from ml_lint_nb.rules.common import data_label, est_label, observed
from ml_lint_nb.rules.design.fits import fits_of


def scaled_before_final(info: EstimatorInfo) -> bool | None:
    """A step before the final one settles the scales; None when a step is unknown.

    Scalers do, and so do text vectorizers (counts share one unit), a
    whitening PCA, and one-hot indicators. A composite whose steps the
    reader could not resolve (built by a helper, ``list(ct.transformers)``)
    may hold a scaler: unknown, never "no scaler".
    """
    final = info.final
    before = [s for s in info.all_steps() if s is not final]
    if any(
        s.kinds & {"scaler", "vectorizer"} or catalog.settles_scale(s.cls, s.params) for s in before
    ):
        return True
    if "unresolved" in info.kinds or any("unresolved" in s.kinds for s in before):
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
            final = info.final
            if "scale_sensitive" not in final.kinds or X is None:
                continue
            if X.scaled or scaled_before_final(info) is not False:
                continue
            if X.n_features == 1:  # one feature: nothing to be out of scale with
                continue
            key = (final.cls, X.rows.paths or X.label)
            if key in seen:
                seen[key].append(loc)
                continue
            label = est_label(final) if final is info else f"{final.cls} in {est_label(info)}"
            if X.scale_ratio is None:
                finding = self.finding(
                    f"{label} is fitted on {data_label(X)} with no scaler before it; it is "
                    "scale-sensitive, and the code does not show whether the features share a scale.",
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
                continue
            seen[key] = []
            pending.append((key, finding))
        for key, finding in pending:
            refits = seen[key]
            if refits:
                finding = replace(
                    finding,
                    related=tuple(Related(r, "fitted again") for r in refits[:5]),
                )
            yield finding
