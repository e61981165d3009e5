"""ML302 missing-regularization: logistic or linear models with no or negligible regularization."""

from __future__ import annotations

import math
from collections.abc import Iterator

from ml_lint_nb.facts import catalog
from ml_lint_nb.facts.model import (
    CrossValFact,
    DataRef,
    EstimatorFact,
    EstimatorInfo,
    FitFact,
    FittedFact,
    iter_fitted,
)
from ml_lint_nb.facts.store import FactStore
from ml_lint_nb.findings import Evidence, Finding, Location, Severity
from ml_lint_nb.rules.base import BOTH, Rule, Threshold
from ml_lint_nb.rules.common import data_label, est_label, related
from ml_lint_nb.rules.design.fits import fits_of


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
        """Constructions with negligible regularisation, then Spark models in the kernel.

        A construction is judged with the data it was fitted on; the kernel's
        fitted model of the same statement can refute it (a penalty the code did
        not show). Kernel models that no construction accounts for are reported
        on their own.
        """
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
