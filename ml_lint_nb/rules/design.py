"""ML3xx: model design and preprocessing choices."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import replace

from ml_lint_nb.facts import catalog
from ml_lint_nb.facts.location import same_cell
from ml_lint_nb.facts.model import (
    BaselineCellFact,
    ColumnSummary,
    CrossValFact,
    DataRef,
    EstimatorFact,
    EstimatorInfo,
    EvaluationFact,
    FitFact,
    FittedFact,
    FrameFact,
    iter_fitted,
)
from ml_lint_nb.facts.store import FactStore
from ml_lint_nb.findings import Evidence, Finding, Location, Related, Severity
from ml_lint_nb.rules.base import BOTH, LIVE, Rule, Threshold
from ml_lint_nb.rules.common import data_label, est_label, observed, related


def fits_of(
    store: FactStore,
) -> Iterator[tuple[EstimatorInfo, DataRef | None, Location, FitFact | CrossValFact]]:
    """Direct fits and cross-validations: every place an estimator learns from data."""
    for fit in store.of(FitFact):
        if fit.direct:
            yield fit.estimator, fit.X, fit.location, fit
    for cv in store.of(CrossValFact):
        yield cv.estimator, cv.X, cv.location, cv


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


def negligible_regularisation(info: EstimatorInfo, min_c: float, max_alpha: float) -> str | None:
    """Why the estimator's regularisation is (effectively) off, or None."""
    p = info.params
    if "spark" in info.kinds and info.cls in catalog.SPARK_REG_PARAM:
        # pyspark.ml's linear learners default to regParam=0.0: no penalty at all
        reg = p.get("regParam", 0.0)
        if not isinstance(reg, int | float) or isinstance(reg, bool) or reg > max_alpha:
            return None
        return f"regParam={reg:g}" if "regParam" in p else "regParam left at its default 0.0"
    if info.cls == "LinearRegression":
        return "LinearRegression has no regularization"
    if info.cls == "LogisticRegression" and "penalty" in p and p["penalty"] in (None, "none"):
        return f"penalty={p['penalty']!r}"
    if info.cls in ("SGDClassifier", "SGDRegressor") and p.get("penalty", "l2") in (None, "none"):
        return f"penalty={p['penalty']!r}"
    param = catalog.REGULARISATION.get(info.cls)
    if param is None or param not in p:
        return None
    value = p[param]
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    if param == "C" and (math.isinf(value) or value >= min_c):
        return "C=inf" if math.isinf(value) else f"C={value:g}"
    if param == "alpha" and value <= max_alpha:
        return f"alpha={value:g}"
    return None


SPARK_FIX = (
    "Set regParam > 0 (elasticNetParam chooses L2, L1 or a mix) and tune it with CrossValidator "
    "over a ParamGridBuilder grid."
)


class MissingRegularization(Rule):
    """What it does
    Flags logistic and linear models with no or negligible regularization
    (``C=np.inf``, ``penalty=None`` on older scikit-learn, ``C >= 1e4``,
    ``alpha=0``; in Spark ML, ``regParam`` left at its default 0.0), as a
    warning when the features are many relative to the rows, as advice
    otherwise. A plain ``LinearRegression`` is flagged only when the
    features are many relative to the rows.

    Why is this bad?
    Without a penalty the model fits noise when features are many, and on
    separable classes the coefficients grow without bound (and the solver
    warns that it did not converge).

    Example
    ```python
    X, y = make_classification(n_samples=200, n_features=500)
    LogisticRegression(C=np.inf).fit(X_train, y_train)
    ```

    The same in Spark ML:
    ```python
    lr = LogisticRegression(featuresCol="features", labelCol="label")  # regParam=0.0
    ```

    Use instead
    ```python
    LogisticRegressionCV(Cs=10).fit(X_train, y_train)
    # Spark ML: LogisticRegression(regParam=0.01), tuned with CrossValidator
    ```
    """

    code, name, severity, pitfalls = "ML302", "missing-regularization", Severity.WARNING, (51, 79)
    detect = BOTH
    summary = "logistic or linear models with no or negligible regularization"
    fix = (
        "Keep a penalty and tune its strength by cross-validation (LogisticRegressionCV, RidgeCV)."
    )
    thresholds = (
        Threshold(
            "min_features_per_row",
            0.1,
            "features/rows ratio from which the lack of a penalty is a warning",
        ),
        Threshold("min_C", 1e4, "C at or above which regularization counts as negligible"),
        Threshold("max_alpha", 1e-8, "alpha at or below which regularization counts as negligible"),
    )

    def check(self, store: FactStore) -> Iterator[Finding]:
        ratio_limit = self.threshold("min_features_per_row")
        max_alpha = self.threshold("max_alpha")
        fits = list(fits_of(store))
        # fitted Spark ML models in the kernel: the regParam in effect and numFeatures
        models = [
            f
            for top in store.of(FittedFact)
            for f, _outer in iter_fitted(top)
            if "spark" in f.kinds and f.cls in catalog.SPARK_REG_PARAM
        ]
        used: set[int] = set()
        for est in store.of(EstimatorFact):
            info = est.estimator
            why = negligible_regularisation(info, self.threshold("min_C"), max_alpha)
            if why is None:
                continue
            owned = [
                (X, f)
                for owner, X, _loc, f in fits
                if owner.est_id == info.est_id
                or any(s.est_id == info.est_id for s in owner.all_steps())
            ]
            data = next((X for X, _f in owned if X is not None), None)
            fit_fact = owned[0][1] if owned else None
            live = next(
                (
                    m
                    for m in models
                    if m.cls == info.cls
                    and any(same_place(m.location, f.location) for _X, f in owned)
                ),
                None,
            )
            if live is not None:
                used.add(id(live))
                if not negligible_live(live, max_alpha):
                    continue  # the kernel's model has a penalty the code did not show
            yield from self.report(info, why, data, live, est.location, fit_fact, ratio_limit)
        for m in models:
            if id(m) not in used and negligible_live(m, max_alpha):
                info = EstimatorInfo(m.name, m.cls, m.cls, m.kinds, m.params, m.name, m.location)
                why = f"regParam={m.params.get('regParam', 0.0):g} in the kernel"
                yield from self.report(info, why, None, m, m.location, None, ratio_limit)

    def report(
        self,
        info: EstimatorInfo,
        why: str,
        data: DataRef | None,
        live: FittedFact | None,
        where: Location,
        fit_fact: FitFact | CrossValFact | None,
        ratio_limit: float,
    ) -> Iterator[Finding]:
        """One finding: a warning when features are many for the rows, else advice."""
        n_rows = data.n_rows if data is not None else None
        n_features = data.n_features if data is not None else None
        evidence: list[Evidence] = []
        if live is not None and live.n_features_in:
            n_features = live.n_features_in
            evidence.append(
                Evidence(
                    "live",
                    "fitted-model",
                    f"{live.name}: regParam {live.params.get('regParam', 0.0)!r}, "
                    f"numFeatures {live.n_features_in:,} in the kernel",
                    {"regParam": live.params.get("regParam"), "n_features": live.n_features_in},
                )
            )
        ratio = n_features / n_rows if n_rows and n_features else None
        many = ratio is not None and ratio >= ratio_limit
        if info.cls == "LinearRegression" and not many:
            return
        label = est_label(info)
        fix = SPARK_FIX if "spark" in info.kinds else None
        # the kernel's model is keyed by its run, which --execute maps back to a notebook cell
        fit_place = related(live if live is not None else fit_fact, "fit")
        if many:
            assert n_features is not None and n_rows is not None and ratio is not None
            where_data = data_label(data) if data is not None else "the fit data"
            shown = (data.dataset if data is not None else None) or where_data
            yield self.finding(
                f"{label}: {why}, with {n_features:,} features for {n_rows:,} rows "
                f"in {where_data}; an unpenalised model fits noise here.",
                where,
                subject=(info.binding or info.cls,),
                related=fit_place,
                fix=fix,
                evidence=[
                    Evidence(
                        "static",
                        "features-per-row",
                        f"{shown}: {n_features:,} features, {n_rows:,} rows",
                        {"n_features": n_features, "n_rows": n_rows, "ratio": round(ratio, 3)},
                    ),
                    *evidence,
                ],
            )
            return
        if ratio is not None:
            known = f" ({n_features:,} features for {n_rows:,} rows)"
        elif n_features:
            known = f" ({n_features:,} features)"
        else:
            known = ""
        yield self.finding(
            f"{label}: {why}; without a penalty the coefficients are unstable on separable "
            f"classes or many features{known}.",
            where,
            subject=(info.binding or info.cls,),
            related=fit_place,
            severity=Severity.INFO,
            fix=fix,
            evidence=evidence,
        )


def negligible_live(model: FittedFact, max_alpha: float) -> bool:
    """A fitted Spark model whose regParam in effect is (about) zero."""
    reg = model.params.get("regParam", 0.0)
    return isinstance(reg, int | float) and not isinstance(reg, bool) and reg <= max_alpha


def same_place(a: Location, b: Location) -> bool:
    """Two facts of one statement (a fit, and the model it produced read in the kernel).

    By the run (execution count) when both have one: the hook keys facts of
    a cell without an id by its run, which the dataflow's facts are not.
    """
    if a.line != b.line:
        return False
    if a.execution_count is not None and b.execution_count is not None:
        return a.execution_count == b.execution_count
    return (a.cell_id, a.cell) == (b.cell_id, b.cell)


class ScalerChoice(Rule):
    """What it does
    Flags a fitted ``MinMaxScaler`` whose training columns hold extreme
    values: a column, among those the scaler saw, with a value at least
    ``min_robust_z`` robust standard deviations (1.4826 × MAD) from its
    median.

    Why is this bad?
    One extreme value sets the range, squashing every other value into a
    sliver of [0, 1].

    Example
    ```python
    MinMaxScaler().fit(df[["income"]])  # max income is 400x the median
    ```

    Use instead
    ```python
    RobustScaler()  # or StandardScaler after a log transform
    ```
    """

    code, name, severity, pitfalls = "ML303", "scaler-choice", Severity.INFO, (36,)
    detect = LIVE
    summary = "MinMaxScaler on heavy-tailed or outlier-laden features"
    fix = "Use RobustScaler, or transform the heavy-tailed features (log) before scaling."
    thresholds = (
        Threshold(
            "min_robust_z",
            10.0,
            "robust z-score (|x - median| / (1.4826 MAD)) from which a column counts as outlier-laden",
        ),
    )

    def check(self, store: FactStore) -> Iterator[Finding]:
        limit = self.threshold("min_robust_z")
        frames = list(store.of(FrameFact))
        for top in store.of(FittedFact):
            for fitted, outer in iter_fitted(top):
                if fitted.cls != "MinMaxScaler":
                    continue
                hits = self.outlier_columns(fitted, outer, frames, limit)
                if not hits:
                    continue
                frame, col = hits[0]
                z = col.max_robust_z or 0.0
                span = ""
                if col.name in fitted.feature_names:
                    i = fitted.feature_names.index(col.name)
                    if i < len(fitted.data_min) and i < len(fitted.data_max):
                        low, high = fitted.data_min[i], fitted.data_max[i]
                        span = (
                            f" (the scaler's range for it is {self.num(low)} to {self.num(high)})"
                        )
                more = f" and {len(hits) - 1} more column(s)" if len(hits) > 1 else ""
                yield self.finding(
                    f"{fitted.name} (MinMaxScaler) is fitted on {frame.name}, where '{col.name}' has a "
                    f"value {z:,.1f} robust standard deviations from its median{span}{more}; "
                    "one extreme value sets the range and squeezes the other values into a sliver of [0, 1].",
                    fitted.location,
                    subject=(fitted.name, col.name),
                    evidence=[self.outlier_evidence(f, c) for f, c in hits[:5]],
                )

    @staticmethod
    def num(value: float) -> str:
        return f"{value:,.0f}" if abs(value) >= 1e3 else f"{value:.4g}"

    @staticmethod
    def outlier_columns(
        fitted: FittedFact,
        outer: tuple[FittedFact, ...],
        frames: list[FrameFact],
        limit: float,
    ) -> list[tuple[FrameFact, ColumnSummary]]:
        """Numeric columns of the data ``fitted`` saw (same cell) with ``max_robust_z >= limit``.

        The scaler's ``feature_names_in_`` pick the columns when known;
        otherwise the frames of the cell whose width matches its (or an
        enclosing pipeline's) ``n_features_in_``, or every frame of the cell
        when no width is known. Target columns and target series are left
        out. Worst first,
        one entry per column name.
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

    @staticmethod
    def outlier_evidence(frame: FrameFact, col: ColumnSummary) -> Evidence:
        """Live evidence for one outlier-laden column (ML303, ML305)."""
        examples = ", ".join(ScalerChoice.num(v) for v in col.outlier_examples[:3])
        sampled = f" (sample of {frame.sample_rows:,} rows)" if frame.sample_rows else ""
        text = f"{frame.name}['{col.name}']: max robust z {col.max_robust_z or 0.0:,.1f}"
        if col.median is not None:
            text += f", median {ScalerChoice.num(col.median)}"
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


def is_called_baseline(est: EstimatorFact, labelled_cells: set[int]) -> bool:
    """A model the notebook calls its baseline: by its name, or by the words of its cell."""
    binding = (est.estimator.binding or "").lower().replace("_", "")
    return "baseline" in binding or est.location.cell in labelled_cells


class NoBaseline(Rule):
    """What it does
    Flags a complex model (boosting, forest, MLP) that is evaluated while
    the notebook has no simple baseline (a ``DummyClassifier`` /
    ``DummyRegressor`` or a linear model) to compare it with. A model the
    notebook calls its baseline counts as one, whatever its class: a
    variable named ``baseline``, or a cell whose comment or preceding
    markdown says "baseline".

    Why is this bad?
    Without a baseline, 0.93 accuracy may be no better than predicting the
    majority class, and the complexity may buy nothing.

    Example
    ```python
    GradientBoostingClassifier().fit(X_train, y_train).score(X_test, y_test)
    ```

    Use instead
    ```python
    DummyClassifier(strategy="most_frequent").fit(X_train, y_train).score(X_test, y_test)
    ```
    """

    code, name, severity, pitfalls = "ML304", "no-baseline", Severity.INFO, (4, 43, 47)
    detect = BOTH
    summary = "a complex model evaluated with no simple baseline"
    fix = "Evaluate a DummyClassifier/DummyRegressor and a linear model the same way, and report them side by side."

    def check(self, store: FactStore) -> Iterator[Finding]:
        labelled = {b.cell for b in store.of(BaselineCellFact)}
        for est in store.of(EstimatorFact):
            kinds = est.estimator.final.kinds
            if kinds & {"dummy", "linear"}:
                return
            if is_called_baseline(est, labelled):
                return
        evaluated: list[tuple[EstimatorInfo, Location]] = []
        for ev in store.of(EvaluationFact):
            if ev.estimator is not None:
                evaluated.append((ev.estimator, ev.location))
        for cv in store.of(CrossValFact):
            evaluated.append((cv.estimator, cv.location))
        complex_evals = [(i, loc) for i, loc in evaluated if "complex" in i.final.kinds]
        if not complex_evals:
            return
        info, loc = min(complex_evals, key=lambda p: p[1].sort_key())
        names = sorted({i.final.cls for i, _ in complex_evals})
        yield self.finding(
            f"{', '.join(names)} {'is' if len(names) == 1 else 'are'} evaluated, but the notebook has no "
            "baseline (DummyClassifier/DummyRegressor or a linear model) to show what the complexity buys.",
            loc,
            subject=(info.final.cls,),
        )


class OutlierSensitiveModel(Rule):
    """What it does
    Flags a fitted AdaBoost model (and other outlier-sensitive learners)
    whose training features hold extreme outliers: a column with a value at
    least ``min_robust_z`` robust standard deviations from its median.

    Why is this bad?
    AdaBoost's exponential loss keeps increasing the weight of mislabelled
    or extreme points until they dominate the ensemble.

    Example
    ```python
    AdaBoostClassifier().fit(X_train, y_train)  # X has values 50 robust-sd out
    ```

    Use instead
    ```python
    GradientBoostingClassifier(loss="log_loss")  # or clean the outliers first
    ```
    """

    code, name, severity, pitfalls = "ML305", "outlier-sensitive-model", Severity.INFO, (37,)
    detect = LIVE
    summary = "AdaBoost (or another outlier-sensitive learner) on features with extreme outliers"
    fix = "Clean or clip the outliers, or use a learner with a robust loss."
    thresholds = (
        Threshold(
            "min_robust_z",
            10.0,
            "robust z-score (|x - median| / (1.4826 MAD)) from which a value counts as an extreme outlier",
        ),
    )

    def check(self, store: FactStore) -> Iterator[Finding]:
        limit = self.threshold("min_robust_z")
        frames = list(store.of(FrameFact))
        for top in store.of(FittedFact):
            for fitted, outer in iter_fitted(top):
                if "outlier_sensitive" not in fitted.kinds:
                    continue
                hits = ScalerChoice.outlier_columns(fitted, outer, frames, limit)
                if not hits:
                    continue
                frame, col = hits[0]
                names = ", ".join(f"'{c.name}'" for _f, c in hits[:3])
                more = f" and {len(hits) - 3} more" if len(hits) > 3 else ""
                yield self.finding(
                    f"{fitted.name} ({fitted.cls}) is trained on {frame.name}, whose features {names}{more} "
                    f"have extreme outliers (up to {col.max_robust_z or 0.0:,.1f} robust standard deviations "
                    "from the median); boosting with exponential loss gives such points ever more weight.",
                    fitted.location,
                    subject=(fitted.name, col.name),
                    evidence=[ScalerChoice.outlier_evidence(f, c) for f, c in hits[:5]],
                )
