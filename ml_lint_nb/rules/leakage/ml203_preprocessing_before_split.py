"""ML203 preprocessing-before-split: a transformer fitted on data that includes the test rows."""

from __future__ import annotations

from collections.abc import Iterator

from ml_lint_nb.facts.model import (
    FOLD,
    CrossValFact,
    DataRef,
    EstimatorInfo,
    EvaluationFact,
    FitFact,
    FittedFact,
    PredictFact,
    SplitFact,
)
from ml_lint_nb.facts.store import FactStore
from ml_lint_nb.findings import Evidence, Finding, Related, Severity
from ml_lint_nb.rules.base import BOTH, Rule
from ml_lint_nb.rules.common import data_label, est_label, outside_note, related, split_label
from ml_lint_nb.rules.leakage.fit_paths import (
    COPYING,
    FitPaths,
    is_preprocessor,
    label_driven,
    learns_nothing,
)


def rows_seen_evidence(store: FactStore, info: EstimatorInfo, split: SplitFact) -> list[Evidence]:
    """Live: the transformer's rows seen next to the training part's size."""
    train = split.parts[0] if split.parts else None
    for fitted in store.of(FittedFact):
        if fitted.name != info.binding or fitted.n_samples_seen is None:
            continue
        if train is None or train.n_rows is None or fitted.n_samples_seen <= train.n_rows:
            return []
        return [
            Evidence(
                "live",
                "rows-seen",
                f"{fitted.name}.n_samples_seen_ is {fitted.n_samples_seen:,}, while "
                f"{data_label(train)} has {train.n_rows:,} rows",
                {"n_samples_seen": fitted.n_samples_seen, "train_rows": train.n_rows},
            )
        ]
    return []


def fold_split(split: SplitFact) -> bool:
    """The folds of a cross-validation splitter (``for tr, te in KFold(5).split(X)``)."""
    return any(
        path[-1][1] == FOLD for part in split.parts for path in part.rows.paths if len(path) > 1
    )


def concatenated_files(split: SplitFact) -> bool:
    """Separately loaded frames (train.csv, test.csv) concatenated and sliced back by position."""
    if split.method not in ("slice", "head_tail", "mask") or not split.inputs:
        return False
    roots = {p[0] for p in split.inputs[0].rows.paths}
    return len(roots) >= 2


def learnt(info: EstimatorInfo) -> str:
    """What a fit learns, as a message says it: a vocabulary, a selection, statistics."""
    if "selector" in info.kinds:
        return "what it selects"
    if "vectorizer" in info.kinds:
        return "its vocabulary"
    return "what it learns"


def fold_severity(store: FactStore, fit: FitFact, paths: FitPaths) -> Severity | None | bool:
    """One verdict for a transformer fitted before the folds that score its output.

    Fitted with the labels (a selection, a target encoding): the rule's error
    (None). Unsupervised (a scaler, an imputer, a vectorizer), each held-out
    fold's statistics or vocabulary leak in by a little: a warning when the
    fit saw every row the notebook has, so the cross-validated score is its
    only estimate; advice (info) when it saw a training set (a split's
    training part, or a training file beside a test set the notebook scores
    or predicts), as textbooks do knowingly. A rescaling that only feeds trees
    moves no score: nothing (False).
    """
    if label_driven(fit):
        return None
    if paths.rescales_for_trees_only(fit):
        return False
    assert fit.X is not None
    if fit.X.rows.roles() != {"all"} or held_out_elsewhere(store, fit):
        return Severity.INFO
    return Severity.WARNING


def held_out_elsewhere(store: FactStore, fit: FitFact) -> bool:
    """The fit's output also reaches a model scored or predicting on other rows (a test file
    the transformer is applied to), so the fit's rows are a training set."""
    assert fit.X is not None
    roots = {p[0] for p in fit.X.rows.paths}
    est_id = fit.estimator.est_id
    uses = [e.X for e in store.of(EvaluationFact)]
    uses += [p.X for p in store.of(PredictFact) if p.method != "transform"]
    return any(
        d is not None
        and est_id in d.applied
        and d.rows.known
        and not roots & {p[0] for p in d.rows.paths}
        for d in uses
    )


class PreprocessingBeforeSplit(Rule):
    """What it does
    Flags a scaler, imputer, encoder, feature selector, PCA, vectorizer,
    cleaning resampler (Tomek links, NearMiss) or a statistic fitted on rows
    that a later, scored split holds out, when its output reaches a model:
    classes and pipelines however they are spelled (``preprocessing.scale``,
    ``Imputer``, a ``FeatureUnion`` nested in a ``Pipeline``), and
    statistics computed by hand (``fillna(np.mean(df.age))``,
    ``(X - X.mean()) / X.std()``, ``clip`` at quantiles, ``qcut``, a group
    ``transform("mean")``, numbers derived from them; a standardisation
    spread over two statements is one finding), and Spark ML's stateful
    stages (a ``StandardScaler``, ``StringIndexer`` or ``Pipeline`` fitted
    before ``randomSplit``; ``VectorAssembler`` learns nothing). Every split
    counts: ``train_test_split``, ``randomSplit``, slices, a hand-made
    permutation (``df.iloc[idx[:800]]``), ``np.split`` into
    train/validation/test, and the folds of a hand-written loop (``for tr,
    te in KFold(5).split(X)``). Also a selector or transformer fitted on all
    rows whose output is then cross-validated (``cross_val_score``,
    ``cross_val_predict``, a search, a fold loop): an error when the fit
    uses the labels (selection, target encoding), a warning for a scaler or
    imputer; fitted on a training part before cross-validating that part
    (the textbook way), or a rescaling whose output only feeds tree models
    (it keeps each feature's order), it stays silent.
    A ``train.csv`` and ``test.csv`` concatenated for feature engineering
    and sliced back is a warning; random under-sampling before the split is
    ``info``. Statistics that only reach a plot or a table stay silent.

    Why is this bad?
    The transformer's statistics (means, variances, selected features,
    vocabulary, neighbours) then carry information from the test rows into
    training, and the test score is optimistic. Feature selection and
    target encoding leak the most.

    Example
    ```python
    X_scaled = StandardScaler().fit_transform(X)
    X_train, X_test, y_train, y_test = train_test_split(X_scaled, y)
    # the same with a statistic computed by hand:
    df["Age"] = df["Age"].fillna(df["Age"].mean())
    # the same in Spark ML:
    scaled = StandardScaler(inputCol="raw", outputCol="features").fit(df).transform(df)
    train, test = scaled.randomSplit([0.8, 0.2], seed=42)
    ```

    Use instead
    ```python
    X_train, X_test, y_train, y_test = train_test_split(X, y)
    model = make_pipeline(StandardScaler(), LogisticRegression())
    model.fit(X_train, y_train)
    ```
    """

    code, name, severity, pitfalls = "ML203", "preprocessing-before-split", Severity.ERROR, (40, 89)
    detect = BOTH
    summary = "a transformer fitted on data that includes the test rows"
    fix = (
        "Split first and fit the transformer on the training part only, ideally inside a Pipeline."
    )

    def check(self, store: FactStore) -> Iterator[Finding]:
        """Direct preprocessing fits that saw held-out rows and whose output reaches a model.

        A later split is checked first (split_finding), then a cross-validation
        of the fit's output (cv_finding). Resamplers that copy or synthesise
        rows are ML201's business.
        """
        paths = FitPaths(store)
        if not paths.parts and not paths.cv:
            return
        for fit in store.of(FitFact):
            if not fit.direct or fit.X is None or not is_preprocessor(fit):
                continue
            if fit.estimator.kinds & COPYING:
                continue  # copies and synthetic rows across the split: ML201
            if learns_nothing(fit):
                continue  # a row-wise or constant transform: the same output from any rows
            hit = paths.hit(fit)
            # folds: one verdict however they are spelled (a fold loop, cross_val_score,
            # a search); see fold_severity. A per-feature rescaling before folds scored
            # by trees moves no score: silent
            folds = hit is not None and fold_split(hit[0])
            severity = fold_severity(store, fit, paths) if folds else None
            if folds and severity is False:
                hit = None
            if hit is not None:
                yield self.split_finding(store, fit, *hit, severity=severity or None)
                continue
            cv = paths.cross_validated(fit)
            severity = fold_severity(store, fit, paths) if cv is not None else False
            if cv is not None and severity is not False:
                yield self.cv_finding(fit, cv, severity)

    def split_finding(
        self,
        store: FactStore,
        fit: FitFact,
        split: SplitFact,
        part: DataRef,
        severity: Severity | None = None,
    ) -> Finding:
        """The finding for a fit that saw the rows a split holds out.

        Wording, severity and fix follow the case: an under-sampler (info),
        train and test files concatenated (warning), a cleaning resampler, a
        fold loop (a warning unless the fit uses the labels), a validation part,
        a test part.
        """
        info = fit.estimator
        assert fit.X is not None
        if fit.X.rows.roles() == {"all"}:
            rows = f"all {fit.X.n_rows:,} rows" if fit.X.n_rows else "all rows"
        else:
            rows = "rows"
        if "pseudo" in info.kinds and "selector" in info.kinds:
            verb = "is learnt from"  # the choice of columns by rfe.support_
        elif "pseudo" in info.kinds and "resampler" not in info.kinds:
            verb = "computes its statistic on"
        elif "resampler" in info.kinds:
            verb = "resamples"
        else:
            verb = f"is fitted ({fit.method}) on"
        when = "before" if fit.location.sort_key() < split.location.sort_key() else "although"
        tail = (
            f"before {split_label(split)} holds out {data_label(part)}"
            if when == "before"
            else f"which still include {data_label(part)}, held out by {split_label(split)}"
        )
        if fold_split(split) and when == "before":
            loop = split.method.removesuffix(".split")
            tail = f"before the {loop} loop scores on folds of them"
        elif when == "although" and fit.X.rows.paths == part.rows.paths:
            # permutation_importance(model, X_test, y_test) choosing columns: the part itself
            rows, tail = "", f"the rows {split_label(split)} holds out"
        fix = None
        if "undersampling" in info.kinds:
            severity = Severity.INFO
            consequence = (
                "dropping rows at random is no leak, but the test set no longer has the class "
                "balance the model will meet in deployment."
            )
            fix = (
                "Split first and under-sample only the training part (imblearn.pipeline.Pipeline "
                "does it per training fold; scikit-learn's Pipeline rejects samplers)."
            )
        elif concatenated_files(split):
            severity = Severity.WARNING
            consequence = (
                "the concatenation of the separately loaded frames includes the test rows, so "
                "their feature distribution leaks into what it learns (their labels do not)."
            )
            fix = (
                "Fit statistics and transformers on the training frame only and apply them to "
                "the test frame, instead of on the concatenation."
            )
        elif "cleaning" in info.kinds:
            consequence = "which rows it removes depends on their neighbours among the test rows."
            fix = (
                "Split first and clean only the training part, e.g. inside "
                "imblearn.pipeline.Pipeline (scikit-learn's Pipeline rejects samplers)."
            )
        elif fold_split(split):
            slightly = "slightly " if severity is Severity.INFO else ""
            consequence = (
                f"each fold's held-out rows leak into {learnt(info)}, so the cross-validated "
                f"score is {slightly}optimistic."
            )
            fix = (
                "Fit it inside the loop on the fold's training rows only, or put it in a "
                "Pipeline with the model and cross-validate the pipeline."
            )
        elif part.rows.roles() == {"validation"}:
            consequence = (
                "the validation rows leak into what it learns, and its score is optimistic."
            )
        else:
            consequence = "the test rows leak into what it learns."
        evidence = [
            Evidence(
                fit.source,
                "fit-includes-test",
                f"{fit.method} on {data_label(fit.X)} sees the rows "
                f"that {split_label(split)} holds out as {data_label(part)}",
                {
                    "estimator": info.cls,
                    "fitted_on": data_label(fit.X),
                    "test": data_label(part),
                },
            ),
            *rows_seen_evidence(store, info, split),
        ]
        return self.finding(
            f"{est_label(info)} {verb} {f'{rows} of ' if rows else ''}{data_label(fit.X)}"
            f"{' ' if rows else ', '}{tail}; {consequence}"
            f"{outside_note(fit.X)}",
            fit.location,
            subject=fit.subject,
            related=related(split, "split") + [Related(loc, "also") for loc in fit.also],
            evidence=evidence,
            severity=severity,
            fix=fix,
        )

    def cv_finding(self, fit: FitFact, cv: CrossValFact, severity: Severity | None) -> Finding:
        """The finding for a fit whose output is cross-validated on rows it saw.

        A fit that uses the labels (selection, target encoding) keeps the rule's
        error; an unsupervised one is a warning or advice (see fold_severity).
        """
        info = fit.estimator
        assert fit.X is not None
        learns = learnt(info)
        pseudo = "pseudo" in info.kinds and "resampler" not in info.kinds
        verb = "computes its statistic on" if pseudo else f"is fitted ({fit.method}) on"
        if pseudo and "selector" in info.kinds:
            verb = "is learnt from"  # the choice of columns by rfe.support_
        text = (
            f"{est_label(info)} {verb} {data_label(fit.X)}, and "
            f"{cv.function} then cross-validates its output on the same rows"
        )
        return self.finding(
            f"{text}: each fold's held-out rows already shaped {learns}, so the cross-validated "
            f"score is {'slightly ' if severity is Severity.INFO else ''}optimistic."
            f"{outside_note(fit.X)}",
            fit.location,
            subject=fit.subject,
            related=related(cv, "cross-validation") + [Related(loc, "also") for loc in fit.also],
            evidence=[
                Evidence(
                    fit.source,
                    "fit-before-cross-validation",
                    text,
                    {"estimator": info.cls, "fitted_on": data_label(fit.X), "cv": cv.function},
                )
            ],
            severity=severity,
            fix=(
                "Put the transformer in a Pipeline with the model and cross-validate the pipeline "
                "(imblearn.pipeline.Pipeline when it holds a sampler), so each fold fits it on "
                "its training rows only."
            ),
        )
