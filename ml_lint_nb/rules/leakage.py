"""ML2xx: splitting and leakage, where a test score stops meaning anything."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator

from ml_lint_nb.facts.model import (
    FOLD,
    CrossValFact,
    DataRef,
    DriftFact,
    EstimatorInfo,
    EvaluationFact,
    FitFact,
    FitRowsEvaluationFact,
    FittedFact,
    OverlapFact,
    PredictFact,
    RowSet,
    SelectionFact,
    SplitFact,
    TemporalSplitFact,
)
from ml_lint_nb.facts.store import FactStore
from ml_lint_nb.findings import Evidence, Finding, Related, Severity
from ml_lint_nb.rules.base import BOTH, LIVE, Rule, Threshold
from ml_lint_nb.rules.common import (
    data_label,
    est_label,
    observed,
    pct,
    related,
    shares_text,
    where,
)
from ml_lint_nb.rules.data_evidence import (
    detail_note,
    frames,
    live_facts,
    rows_text,
    share,
)

# Targets with more classes than this get no minority-count check (ML210).
MAX_CLASSES_FOR_SIZE = 20


def test_parts(store: FactStore) -> list[tuple[SplitFact, DataRef]]:
    """Every held-out part of a split whose rows are (part of) the final test set."""
    out = []
    for split in store.of(SplitFact):
        for part in split.parts:
            if part.rows.known and part.rows.roles() == {"test"}:
                out.append((split, part))
    return out


def split_of(store: FactStore, rows: RowSet) -> tuple[SplitFact, DataRef] | None:
    for split in store.of(SplitFact):
        for part in split.parts:
            overlaps = (
                part.rows.paths & rows.paths or rows.includes(part.rows) or part.rows.includes(rows)
            )
            if overlaps and part.rows.roles() & {"test", "validation"}:
                return split, part
    return None


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


def is_preprocessor(fit: FitFact) -> bool:
    """A transformer (or a pipeline of transformers only), not a model."""
    info = fit.estimator
    if "pipeline" in info.kinds:
        return bool(info.steps) and "transformer" in info.final.kinds
    return "transformer" in info.kinds


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


class TrainTestOverlap(Rule):
    """What it does
    Reports test rows that also occur in training: live, by hashing the rows
    of the two parts; statically, when rows are over-sampled before the
    split, by duplication (``RandomOverSampler``, ``resample(replace=True)``,
    ``sample(replace=True)``) or by interpolation (SMOTE, ADASYN).

    Why is this bad?
    A test row the model has seen is graded on memory, not generalisation.
    Duplicates in the source data produce this silently; over-sampling
    before the split puts copies of the same rows on both sides, and SMOTE
    builds synthetic test rows out of training rows (and training rows out
    of test rows).

    Example
    ```python
    X_res, y_res = SMOTE().fit_resample(X, y)
    X_train, X_test, y_train, y_test = train_test_split(X_res, y_res)
    ```

    Use instead
    ```python
    X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y)
    model = imblearn.pipeline.make_pipeline(SMOTE(), RandomForestClassifier())
    model.fit(X_train, y_train)  # resamples the training rows only
    ```
    """

    code, name, severity, pitfalls = "ML201", "train-test-overlap", Severity.ERROR, (34,)
    detect = BOTH
    summary = "rows of the test set that also occur in the training set"
    fix = "Drop duplicate rows before splitting, or split by group so repeats stay on one side."
    unsplit_fix = (
        "Drop the evaluation rows that also occur in the fit data (an anti-join on all feature "
        "columns), or de-duplicate before dividing the data; when train and test came as "
        "separate files, check how they were made: the same records ended up in both."
    )
    resample_fix = (
        "Split first and over-sample only the training part, e.g. inside "
        "imblearn.pipeline.Pipeline (scikit-learn's Pipeline rejects samplers), which also "
        "resamples each training fold in cross-validation."
    )
    thresholds = (
        Threshold(
            "min_share", 0.001, "share of test rows found in training that triggers the rule"
        ),
    )

    def check(self, store: FactStore) -> Iterator[Finding]:
        yield from self.check_live(store)
        yield from self.check_resampling(store)

    def check_resampling(self, store: FactStore) -> Iterator[Finding]:
        """Static: an over-sampler fitted on rows that a later, scored split holds out."""
        fits = [
            f
            for f in store.of(FitFact)
            if f.direct and f.X is not None and f.estimator.kinds & COPYING
        ]
        if not fits:
            return
        paths = FitPaths(store)
        for fit in fits:
            info = fit.estimator
            copies = "duplicating" in info.kinds
            made = (
                "exact copies of the same rows land in both the training and the test set"
                if copies
                else "synthetic test rows are interpolated from training rows (and training rows "
                "from test rows)"
            )
            verb = "duplicates rows of" if copies else "builds synthetic rows from"
            hit = paths.hit(fit)
            if hit is not None:
                split, part = hit
                text = (
                    f"{est_label(info)} {verb} {data_label(fit.X)} ({where(fit.location)}) "
                    f"before {split.method} ({where(split.location)}) holds out {data_label(part)}"
                )
                rel = related(split, "split")
            else:
                cv = paths.cross_validated(fit)
                if cv is None:
                    continue
                text = (
                    f"{est_label(info)} {verb} {data_label(fit.X)} ({where(fit.location)}) "
                    f"before {cv.function} ({where(cv.location)}) cross-validates the result"
                )
                made = made.replace("the test set", "each held-out fold").replace(
                    "synthetic test rows", "synthetic held-out rows"
                )
                rel = related(cv, "cross-validation")
            yield self.finding(
                f"{text}: {made}, so the score grades rows the model has already seen.",
                fit.location,
                subject=fit.subject,
                related=rel,
                evidence=[
                    Evidence(
                        fit.source,
                        "resampled-before-split",
                        text,
                        {"estimator": info.cls, "copies": copies},
                    )
                ],
                fix=self.resample_fix,
            )

    def check_live(self, store: FactStore) -> Iterator[Finding]:
        limit = self.threshold("min_share")
        split_names = {
            part.name for split in store.of(SplitFact) for part in split.parts if part.name
        }
        for fact in live_facts(store, OverlapFact, ("train", "test")):
            checked = fact.n_checked or fact.n_test
            if fact.n_overlap <= 0 or not checked or fact.n_overlap / checked < limit:
                continue
            if not self._beyond_chance(fact):
                continue  # a few coinciding rows in a feature space of few distinct values
            eg = f", e.g. test rows {rows_text(fact.examples)}" if fact.examples else ""
            sampled = (
                f" (on a seeded sample of {checked:,} of {fact.n_test:,} test rows"
                + (", training rows sampled too: a lower bound" if fact.sampled else "")
                + ")"
                if fact.n_checked
                else (" (training rows sampled: a lower bound)" if fact.sampled else "")
            )
            fitted = f" (the rows {fact.model} was fitted on)" if fact.model else ""
            chance = (
                f"; chance alone explains about {fact.n_expected:,.0f}"
                if fact.n_expected is not None and fact.n_expected >= 1
                else ""
            )
            text = (
                f"{fact.n_overlap:,} of {checked:,} rows of {fact.test} "
                f"({share(fact.n_overlap / checked)}) also occur in {fact.train}{fitted}"
                f"{eg}{sampled}{chance}"
            )
            # a pair met through a model, not through a split call: no advice about splitting
            split = fact.model is None or _base(fact.test) in split_names
            yield self.finding(
                f"{text}; the model is graded on rows it was trained on.",
                fact.location,
                subject=(fact.train, fact.test),
                fix=None if split else self.unsplit_fix,
                evidence=[
                    Evidence(
                        "live",
                        "row-hash-overlap",
                        text,
                        {
                            "train": fact.train,
                            "test": fact.test,
                            "overlap": fact.n_overlap,
                            "checked": checked,
                            "share": round(fact.n_overlap / checked, 4),
                            "examples": list(fact.examples),
                            "sampled": fact.sampled or bool(fact.n_checked),
                            "expected_by_chance": (
                                None if fact.n_expected is None else round(fact.n_expected, 2)
                            ),
                        },
                    )
                ],
            )

    @staticmethod
    def _beyond_chance(fact: OverlapFact) -> bool:
        """Overlap beyond what chance predicts for the feature space (when estimated)."""
        if fact.n_expected is None:
            return True
        return _poisson_excess(fact.n_overlap, fact.n_expected)


def _base(label: str) -> str:
    """The name an expression's text starts with (``test`` in ``test[features]``)."""
    found = re.match(r"[A-Za-z_]\w*", label)
    return found.group(0) if found else label


def _poisson_excess(observed: int, expected: float) -> bool:
    """More than chance explains: three standard deviations above a Poisson mean."""
    return observed > expected + 3.0 * math.sqrt(max(expected, 1.0))


class TargetLeakageFeature(Rule):
    """What it does
    Finds a feature that alone predicts the target almost perfectly, that is
    a copy or transform of the target, a post-outcome flag (one value marks
    most of the minority class and almost nothing else), or a per-group
    statistic of the target (a target mean encoding computed over rows that
    include each row's own label). In a kernel it runs at every fit with a
    target, on a seeded sample; an honest strong predictor (a single
    measurement with AUC 0.97) is not reported.

    Why is this bad?
    Such a feature is usually recorded after the outcome (a refund date for
    churn) and will not exist at prediction time; the model learns nothing
    else.

    Example
    ```python
    X = df.drop(columns=["churned"])  # still holds "cancellation_date"
    ```

    Use instead
    ```python
    X = df.drop(columns=["churned", "cancellation_date"])
    ```
    """

    code, name, severity, pitfalls = "ML202", "target-leakage-feature", Severity.ERROR, (40,)
    detect = LIVE
    summary = "a feature that alone predicts the target almost perfectly"
    fix = "Remove features that are recorded after, or derived from, the target."
    thresholds = (
        Threshold("min_auc", 0.99, "single-feature AUC (or |correlation|) that triggers the rule"),
    )

    def check(self, store: FactStore) -> Iterator[Finding]:
        """One finding per leaking column, however many frames hold it."""
        limit = self.threshold("min_auc")
        seen: set[str] = set()
        for fact in frames(store):
            target = repr(fact.target) if fact.target else "the target"
            for feature, score, how in fact.predictive:
                leaking = how in ("copy", "flag", "group-stat") or score >= limit
                if not leaking or feature in seen:
                    continue
                seen.add(feature)
                text = self._describe(feature, score, how, target)
                yield self.finding(
                    f"{fact.name}: {text}{detail_note(fact)}: {self._why(how)}.",
                    fact.location,
                    subject=(feature,),
                    evidence=[
                        Evidence(
                            "live",
                            "single-feature-predictiveness",
                            text,
                            {
                                "feature": feature,
                                "frame": fact.name,
                                "score": round(score, 4),
                                "how": how,
                            },
                        )
                    ],
                )

    @staticmethod
    def _why(how: str) -> str:
        if how == "group-stat":
            return "a statistic of the target computed over rows that include each row's own label"
        return "such a feature is usually recorded after the outcome"

    @staticmethod
    def _describe(feature: str, score: float, how: str, target: str) -> str:
        if how == "copy":
            return f"{feature!r} is a copy (one-to-one transform) of {target}"
        if how == "flag":
            return (
                f"one value of {feature!r} marks {score:.0%} of the minority class of {target}, "
                "and almost nothing else"
            )
        if how == "group-stat":
            return (
                f"{feature!r} is the mean of {target} over groups of rows and alone predicts it "
                f"({score:.3f})"
            )
        if how == "auc":
            return f"{feature!r} alone predicts {target} with AUC {score:.3f}"
        return f"{feature!r} alone tracks {target} with |correlation| {score:.3f}"


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
        paths = FitPaths(store)
        if not paths.parts and not paths.cv:
            return
        for fit in store.of(FitFact):
            if not fit.direct or fit.X is None or not is_preprocessor(fit):
                continue
            if fit.estimator.kinds & COPYING:
                continue  # copies and synthetic rows across the split: ML201
            hit = paths.hit(fit)
            # an unsupervised scaler or imputer fitted on a training part before a
            # fold loop over it is the textbook way (as with cross_val_score): silent
            # a per-feature rescaling before folds scored by trees moves no score: silent
            if (
                hit is not None
                and fold_split(hit[0])
                and not label_driven(fit)
                and (fit.X.rows.roles() != {"all"} or paths.rescales_for_trees_only(fit))
            ):
                hit = None
            if hit is not None:
                yield self.split_finding(store, fit, *hit)
                continue
            # label-driven fits leak into the folds' held-out rows; an unsupervised scaler
            # or imputer fitted before cross-validation moves a score by a hair, and
            # reviewers strike it (textbooks preprocess the training set, then CV on it)
            # (textbooks preprocess the training set, then CV on it); one fitted on every
            # row before the notebook's only estimate, a cross-validation, is a warning
            # as in a hand-written fold loop
            on_all = fit.X.rows.roles() == {"all"} and not paths.rescales_for_trees_only(fit)
            cv = paths.cross_validated(fit) if label_driven(fit) or on_all else None
            if cv is not None:
                yield self.cv_finding(fit, cv)

    def split_finding(
        self, store: FactStore, fit: FitFact, split: SplitFact, part: DataRef
    ) -> Finding:
        info = fit.estimator
        assert fit.X is not None
        if fit.X.rows.roles() == {"all"}:
            rows = f"all {fit.X.n_rows:,} rows" if fit.X.n_rows else "all rows"
        else:
            rows = "rows"
        if "pseudo" in info.kinds and "resampler" not in info.kinds:
            verb = "computes its statistic on"
        elif "resampler" in info.kinds:
            verb = "resamples"
        else:
            verb = f"is fitted ({fit.method}) on"
        when = "before" if fit.location.sort_key() < split.location.sort_key() else "although"
        tail = (
            f"before {split.method} ({where(split.location)}) holds out {data_label(part)}"
            if when == "before"
            else f"which still include {data_label(part)}, held out by {split.method} ({where(split.location)})"
        )
        if fold_split(split) and when == "before":
            loop = split.method.removesuffix(".split")
            tail = f"before the {loop} loop ({where(split.location)}) scores on folds of them"
        severity = None
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
            consequence = (
                "each fold's held-out rows leak into what it learns, so the cross-validated "
                "score is optimistic."
            )
            if not label_driven(fit):
                severity = Severity.WARNING  # a scaler's statistics move a fold score by a little
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
                f"{fit.method} on {data_label(fit.X)} ({where(fit.location)}) sees the rows "
                f"that {split.method} ({where(split.location)}) holds out as {data_label(part)}",
                {
                    "estimator": info.cls,
                    "fitted_on": data_label(fit.X),
                    "test": data_label(part),
                },
            ),
            *rows_seen_evidence(store, info, split),
        ]
        return self.finding(
            f"{est_label(info)} {verb} {rows} of {data_label(fit.X)} {tail}; {consequence}",
            fit.location,
            subject=fit.subject,
            related=related(split, "split") + [Related(loc, "also") for loc in fit.also],
            evidence=evidence,
            severity=severity,
            fix=fix,
        )

    def cv_finding(self, fit: FitFact, cv: CrossValFact) -> Finding:
        info = fit.estimator
        assert fit.X is not None
        learns = "what it selects" if "selector" in info.kinds else "what it learns"
        severity = None if label_driven(fit) else Severity.WARNING
        text = (
            f"{est_label(info)} is fitted ({fit.method}) on {data_label(fit.X)} "
            f"({where(fit.location)}), and {cv.function} ({where(cv.location)}) then "
            f"cross-validates its output on the same rows"
        )
        return self.finding(
            f"{text}: each fold's held-out rows already shaped {learns}, so the cross-validated "
            "score is optimistic.",
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


class TestDataInTraining(Rule):
    """What it does
    Flags a model fitted on data that contains the rows it is then
    evaluated on: ``fit(X)`` instead of ``fit(X_train)``, a fit on a
    concatenation that includes ``X_test``, a blending meta-model fitted on
    test-set predictions with the test labels, or a search fitted on all
    rows whose ``best_params_`` / ``best_estimator_`` builds the model
    scored on a held-out part. Live, whatever the names: a model scored on
    rows that row hashes find among its fit rows, while it is scored on no
    rows disjoint from them (a warning for a part of the fit rows, an info
    for the training rows themselves; beside a held-out score a training
    score is a deliberate comparison and stays silent).

    Why is this bad?
    The score then measures how well the model remembers its training rows
    (or how well the test rows chose its hyper-parameters); it says nothing
    about new data.

    Example
    ```python
    X_train, X_test, y_train, y_test = train_test_split(X, y)
    model.fit(X, y)
    model.score(X_test, y_test)
    ```

    Use instead
    ```python
    model.fit(X_train, y_train)
    model.score(X_test, y_test)
    ```
    """

    code, name, severity, pitfalls = "ML204", "test-data-in-training", Severity.ERROR, (34, 40)
    detect = BOTH
    summary = "a model fitted on data that contains the test set"
    fix = "Fit on the training part only; refit on all data only after the final evaluation."

    def check(self, store: FactStore) -> Iterator[Finding]:
        reported: set[object] = set()  # models and evaluations the dataflow's findings are about
        yield from self.check_static(store, reported)
        yield from self.check_live(store, reported)

    def check_live(self, store: FactStore, reported: set[object]) -> Iterator[Finding]:
        """Live: a model scored on rows measured to be its own fit rows, with no held-out score.

        A part of the fit rows (the model was fitted on all rows and scored on
        some of them) is a warning; the fit rows themselves, an info: a
        training score that nothing held out stands beside.
        """
        for fact in live_facts(store, FitRowsEvaluationFact, ("model", "test")):
            place = (fact.location.execution_count, fact.location.line)
            if fact.model in reported or place in reported:
                continue  # the dataflow already says it, with the split
            found = (
                f"{fact.n_inside:,} of {fact.n_test:,} rows of {fact.test} are among the "
                f"{fact.n_fit:,} rows {fact.model} was fitted on ({fact.train})"
            )
            if fact.subset:
                text = (
                    f"{fact.model} is scored ({fact.how}) on {fact.test}, which lies inside the "
                    f"data it was fitted on ({found}); it is scored on no other rows, so the "
                    "score measures memory, not generalisation."
                )
                fix = (
                    "Fit on rows that exclude the evaluation rows (split first, or keep the "
                    "separate test file out of the fit) and score once on the held-out rows."
                )
            else:
                text = (
                    f"{fact.model} is scored ({fact.how}) on the rows it was fitted on ({found}) "
                    "and on no held-out rows so far: a training score says nothing about new "
                    "data."
                )
                fix = (
                    "Hold out rows the model never sees (train_test_split, or cross_val_score) "
                    "and report the score on them; a training score belongs beside it."
                )
            yield self.finding(
                text,
                fact.location,
                subject=(fact.model, fact.test),
                severity=Severity.WARNING if fact.subset else Severity.INFO,
                evidence=[
                    Evidence(
                        "live",
                        "evaluated-on-fit-rows",
                        found,
                        {
                            "model": fact.model,
                            "fitted_on": fact.train,
                            "evaluated_on": fact.test,
                            "rows_inside": fact.n_inside,
                            "rows_checked": fact.n_test,
                            "fit_rows": fact.n_fit,
                        },
                    )
                ],
                fix=fix,
            )

    def check_static(self, store: FactStore, reported: set[object]) -> Iterator[Finding]:
        """The dataflow's ML204; ``reported`` receives the models and evaluation places."""
        seen: set[tuple] = set()
        uses: list[tuple[object, str, DataRef | None, FitFact | None]] = []
        for ev in store.of(EvaluationFact):
            uses.append((ev, ev.metric, ev.X or ev.y_true, ev.fit))
        for pr in store.of(PredictFact):
            if pr.method != "transform":
                uses.append((pr, pr.method, pr.X, pr.fit))
        for use, how, data, fit in uses:
            if (
                fit is None
                or data is None
                or fit.X is None
                or not fit.direct
                or not data.rows.known
            ):
                continue
            if "transformer" in fit.estimator.final.kinds:
                continue  # ML203's business
            if not data.rows.roles() <= {"test", "validation"}:
                continue
            if not fit.X.rows.includes(data.rows):
                tuned = fit.tuned_by
                if tuned is not None and tuned.X is not None and tuned.X.rows.includes(data.rows):
                    key = (tuned.location, tuned.estimator.est_id)
                    if key not in seen:
                        seen.add(key)
                        reported.update(_places(fit, use))
                        yield self.tuned_finding(store, fit, tuned, use, how, data)
                continue
            key = (fit.location, fit.estimator.est_id)
            if key in seen:
                continue
            seen.add(key)
            reported.update(_places(fit, use))
            found = split_of(store, data.rows)
            info = fit.estimator
            labels = (
                fit.y is not None
                and fit.y.rows.known
                and fit.y.rows.roles() <= {"test", "validation"}
            )
            yield self.finding(
                (
                    f"{est_label(info)} is fitted on {data_label(fit.X)} with the labels "
                    f"{data_label(fit.y)} of the rows it is evaluated on ({how}, "
                    f"{where(use.location)}): it has learnt the answers it is scored on (a "
                    "stacking or blending model must learn from out-of-fold predictions for the "
                    "training rows)."
                    if labels
                    else f"{est_label(info)} is fitted on {data_label(fit.X)}, which contains the "
                    f"rows of {data_label(data)} that it is evaluated on ({how}, "
                    f"{where(use.location)}); the score measures memory, not generalisation."
                ),
                fit.location,
                subject=fit.subject,
                related=related(use, "evaluation") + (related(found[0], "split") if found else []),
                evidence=[
                    Evidence(
                        fit.source,
                        "fit-contains-test",
                        f"{fit.method}({data_label(fit.X)}) at {where(fit.location)}; "
                        f"{how} on {data_label(data)} at {where(use.location)}",
                        {"fitted_on": data_label(fit.X), "evaluated_on": data_label(data)},
                    )
                ],
                fix=(
                    "Fit the meta-model on out-of-fold predictions for the training rows "
                    "(cross_val_predict, or StackingClassifier), and score it once on the test set."
                    if labels
                    else None
                ),
            )

    def tuned_finding(
        self,
        store: FactStore,
        fit: FitFact,
        search: FitFact,
        use: object,
        how: str,
        data: DataRef,
    ) -> Finding:
        """A search on all rows chose the hyper-parameters of the model scored on the test part."""
        assert search.X is not None
        found = split_of(store, data.rows)
        text = (
            f"{est_label(search.estimator)} is fitted on {data_label(search.X)}, which contains "
            f"the rows of {data_label(data)}; its choice (best_params_ / best_estimator_) builds "
            f"{est_label(fit.estimator)} ({where(fit.location)}), which is then evaluated on "
            f"them ({how}, {where(getattr(use, 'location', None))})"
        )
        return self.finding(
            f"{text}: the test rows picked the hyper-parameters, so the score is optimistic.",
            search.location,
            subject=search.subject,
            related=related(fit, "model")  # type: ignore[arg-type]
            + related(use, "evaluation")  # type: ignore[arg-type]
            + (related(found[0], "split") if found else []),
            evidence=[
                Evidence(
                    search.source,
                    "search-contains-test",
                    text,
                    {"search": search.estimator.cls, "fitted_on": data_label(search.X)},
                )
            ],
            fix="Split first and run the search on the training part only (its CV picks the "
            "hyper-parameters); score the chosen model once on the test set.",
        )


def _places(fit: FitFact, use: object) -> set[object]:
    """The model's binding and the evaluation's (prompt, line): how live evidence names them."""
    loc = getattr(use, "location", None)
    out: set[object] = {fit.estimator.binding} - {None}
    if loc is not None:
        out.add((loc.execution_count, loc.line))
    return out


LITERAL_PARAM = (int, float, str, bool, type(None), list, tuple)


def config_of(info: EstimatorInfo) -> tuple:
    """What makes two constructions one configuration.

    Parameters computed elsewhere (``SVC(**best_parameters)``, ``SVC(C=chosen)``)
    name the model chosen earlier: however it is spelled, it is one finalist.
    """
    if any(not isinstance(v, LITERAL_PARAM) for v in info.params.values()):
        return (info.qualname, "computed")
    return info.config_key()


# a word of the name (``X_val``, ``dvalid``, ``df_holdout``, ``eval_set``), not any
# three letters inside one (``interval``, ``medv``)
VALIDATION_WORDS = re.compile(
    r"(?:^|[_\W\d])[a-z]?(?:val|valid|validation|dev|eval|holdout)(?:$|[_\W\d])", re.IGNORECASE
)


def named_validation(ref: DataRef | None) -> bool:
    """Held-out rows the notebook names as its validation set (``X_valid``, ``dvalid``).

    Choosing on a validation set is what it is for; the split's position alone
    (the first hold-out) does not make it the final test set.
    """
    if ref is None:
        return False
    return bool(VALIDATION_WORDS.search(f"{ref.name or ''} {ref.origin or ''}"))


def shown_class(info: EstimatorInfo) -> str:
    """The model's class; a pipeline over several alternative models keeps its own name."""
    if info.configs > 1 and info.final is not info:
        return info.cls
    return info.final.cls


class TestSetReuse(Rule):
    """What it does
    Finds the test set choosing the model. A warning when a choice is made
    on test scores: several model configurations (class and parameters,
    a loop or comprehension over hyper-parameters) scored on the same test
    set and then picked among (``max``/``argmax``/sorting, a loop that keeps
    the best), or a fit that stops early or keeps its best iteration on the
    test set (``eval_set=[(X_test, y_test)]`` with early stopping,
    ``valid_sets=[dtest]``, Keras ``validation_data=(X_test, y_test)`` with
    ``EarlyStopping`` or ``save_best_only``). Several models reported side by
    side on the test set with no choice in the code is ``info``. Held-out
    rows the notebook names as a validation set (``X_val``, ``X_valid``,
    ``dvalid``) are there to choose on: silent.

    Why is this bad?
    Picking the best of several models, hyper-parameters or boosting rounds
    by test score overfits the test set: the winning score is biased
    upwards and no longer estimates performance on new data.

    Example
    ```python
    scores = {}
    for C in [0.01, 0.1, 1, 10]:
        model = LogisticRegression(C=C).fit(X_train, y_train)
        scores[C] = model.score(X_test, y_test)
    best_C = max(scores, key=scores.get)

    xgb.XGBClassifier(early_stopping_rounds=20).fit(
        X_train, y_train, eval_set=[(X_test, y_test)])
    ```

    Use instead
    ```python
    search = GridSearchCV(LogisticRegression(), {"C": [0.01, 0.1, 1, 10]})
    search.fit(X_train, y_train)
    search.score(X_test, y_test)  # once, for the chosen model

    X_tr, X_val, y_tr, y_val = train_test_split(X_train, y_train, random_state=0)
    xgb.XGBClassifier(early_stopping_rounds=20).fit(X_tr, y_tr, eval_set=[(X_val, y_val)])
    ```
    """

    code, name, severity, pitfalls = "ML205", "test-set-reuse", Severity.WARNING, (66, 81)
    detect = BOTH
    summary = "the same test set used to pick among several models or hyperparameters"
    fix = "Select models by cross-validation or on a validation split; score the test set once at the end."
    thresholds = (Threshold("max_configs", 1, "model configurations a test set may score"),)

    def check(self, store: FactStore) -> Iterator[Finding]:
        selections = list(store.of(SelectionFact))
        yield from self.stopped_on_test(selections)
        groups: dict[frozenset, list[EvaluationFact]] = {}
        for ev in store.of(EvaluationFact):
            data = ev.X or ev.y_true
            if ev.estimator is None or data is None or not data.rows.known:
                continue
            if data.rows.roles() != {"test"} or "dummy" in ev.estimator.final.kinds:
                continue
            if named_validation(ev.X) or named_validation(ev.y_true):
                continue
            groups.setdefault(data.rows.paths, []).append(ev)
        limit = int(self.threshold("max_configs"))
        for evs in groups.values():
            configs: dict[tuple, int] = {}
            trigger = None
            for ev in evs:
                info = ev.estimator
                if "search" in info.kinds:  # the search chose by CV; its model counts once
                    n, key = 1, (info.steps[0] if info.steps else info).config_key()
                else:
                    # a model of several configurations scored outside any loop is the one
                    # kept (``best = rf`` in a loop over validation scores): one on the test set
                    n = max(info.configs, 1) if ev.in_loop else 1
                    key = config_of(info) if n == 1 else (info.est_id,)
                if key not in configs:
                    configs[key] = n
                    if trigger is None and sum(configs.values()) > limit:
                        trigger = ev
            total = sum(configs.values())
            if trigger is None or total <= limit:
                continue
            scored = {id(ev) for ev in evs}
            choices = [s for s in selections if any(id(e) in scored for e in s.evaluations)]
            names = sorted({shown_class(ev.estimator) for ev in evs})
            data = trigger.X or trigger.y_true
            loop = " in a loop" if any(ev.in_loop for ev in evs) else ""
            if choices:
                choice = min(choices, key=lambda s: s.location.sort_key())
                message = (
                    f"{data_label(data)} scores {total} model configurations{loop} "
                    f"({', '.join(names)}) and the code picks among them by those scores "
                    f"({choice.how} at {where(choice.location)}); choosing by test score leaks "
                    "the test set into model selection."
                )
                severity = Severity.WARNING
                # each place that chose by these scores once (argmax and best_k = ... on one
                # line are one choice; a second choice further down is another place)
                by_place: dict[tuple, SelectionFact] = {}
                for c in sorted(choices, key=lambda s: s.location.sort_key()):
                    by_place.setdefault((c.location.cell, c.location.line), c)
                extra = [
                    Related(c.location, f"choice by test score ({c.how})")
                    for c in list(by_place.values())[:3]
                ]
            else:
                message = (
                    f"{data_label(data)} scores {total} model configurations{loop} "
                    f"({', '.join(names)}) side by side: compared on the test set; choose on "
                    "validation or cross-validation and score only the chosen model on test."
                )
                severity = Severity.INFO
                extra = []
            yield self.finding(
                message,
                trigger.location,
                subject=(data_label(data),),
                related=extra
                + [r for ev in evs if ev is not trigger for r in related(ev, "evaluation")][:5],
                evidence=[
                    Evidence(
                        ev.source,
                        "test-evaluation",
                        f"{ev.metric} of {est_label(ev.estimator)} on {data_label(data)} at {where(ev.location)}",
                        {"estimator": ev.estimator.cls, "configurations": ev.estimator.configs},
                    )
                    for ev in evs[:6]
                ],
                severity=severity,
            )

    def stopped_on_test(self, selections: list[SelectionFact]) -> Iterator[Finding]:
        """A fit that keeps its best iteration on the test set: one line, many configurations."""
        for sel in selections:
            data = sel.data
            if data is None or not data.rows.known or data.rows.roles() != {"test"}:
                continue
            if named_validation(data):
                continue
            what = {
                "best checkpoint": "saves its best checkpoint",
                "best iteration": "keeps its best iteration (CatBoost's use_best_model)",
            }.get(sel.how, "stops early")
            yield self.finding(
                f"{sel.model} {what} by its score on {data_label(data)}: the test set chooses "
                "the number of rounds or epochs, so the test score is the best of many models.",
                sel.location,
                subject=(sel.model, data_label(data)),
                fix="Stop early on a validation split carved from the training data "
                "(or an internal validation_fraction); score the test set once at the end.",
            )


class UnshuffledSplit(Rule):
    """What it does
    Flags a split that takes rows in their stored order (``shuffle=False``,
    ``head``/``tail``, ``X[:n]``/``X[n:]``) when the rows are ordered by
    label, group or id; on rows ordered by time it is advice only, and
    ``TimeSeriesSplit`` is never flagged.

    Why is this bad?
    When rows are sorted by class (``load_wine``, ``load_iris``) or by id,
    the two sides come from different distributions: whole classes can be
    missing from training. An out-of-time split is right for forecasting,
    but then train and test cover different seasons.

    Example
    ```python
    X, y = load_wine(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, shuffle=False)
    ```

    Use instead
    ```python
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, shuffle=True, stratify=y, random_state=0)
    ```
    """

    code, name, severity, pitfalls = "ML206", "unshuffled-split", Severity.WARNING, (33,)
    detect = BOTH
    summary = "a split without shuffling on rows ordered by label, group or id"
    fix = "Shuffle (and stratify) the split, or split by time or group on purpose."

    def check(self, store: FactStore) -> Iterator[Finding]:
        for split in store.of(SplitFact):
            if split.shuffle is not False or split.time_series or split.method == "mask":
                continue
            orders = [i for i in split.inputs if i.order]
            how = {
                "train_test_split": "train_test_split(shuffle=False)",
                "slice": "positional slicing",
                "head_tail": "head()/tail()",
            }.get(split.method, split.method)
            if orders:
                ref = orders[0]
                kind = ref.order
                severity = Severity.WARNING if kind in ("label", "id") else Severity.INFO
                what = {"label": "the label", "id": "an id", "time": "time"}.get(kind, "a column")
                msg = (
                    f"{how} splits {data_label(ref)} in stored order, and its rows are ordered by {what}; "
                    + (
                        "train and test then cover different periods (right for forecasting, but compare like with like)."
                        if kind == "time"
                        else "train and test come from different distributions."
                    )
                )
                yield self.finding(
                    msg,
                    split.location,
                    subject=tuple(p.name or "" for p in split.parts),
                    severity=severity,
                    evidence=observed(ref.order_seen, "row-order", order=kind),
                )
                continue
            known_unordered = any(i.dataset for i in split.inputs)
            if known_unordered:
                continue
            ref = split.inputs[0] if split.inputs else None
            yield self.finding(
                f"{how} splits {data_label(ref)} in stored order; if the rows are sorted by label, "
                "time or id, train and test will differ in distribution (the code does not show the order).",
                split.location,
                subject=tuple(p.name or "" for p in split.parts),
                severity=Severity.INFO,
            )


class TemporalLeakage(Rule):
    """What it does
    Flags a shuffled split over time-stamped rows where the test set holds
    dates earlier than the training set's latest.

    Why is this bad?
    The model is trained on the future to predict the past; in production
    it only ever sees the past, so the test score is optimistic.

    Example
    ```python
    train_test_split(transactions, test_size=0.2)  # rows span 2021-2024
    ```

    Use instead
    ```python
    cutoff = transactions["date"].quantile(0.8)
    train = transactions[transactions["date"] <= cutoff]
    test = transactions[transactions["date"] > cutoff]
    ```
    """

    code, name, severity, pitfalls = "ML207", "temporal-leakage", Severity.WARNING, (27, 32)
    detect = LIVE
    summary = (
        "a random split over time-stamped rows: test holds dates earlier than training's latest"
    )
    fix = "Split chronologically (a date cutoff) or use TimeSeriesSplit."
    thresholds = (
        Threshold(
            "min_share_earlier",
            0.05,
            "share of test rows dated before the training set's latest that triggers the rule",
        ),
    )

    def check(self, store: FactStore) -> Iterator[Finding]:
        limit = self.threshold("min_share_earlier")
        worst: dict[tuple[str, str, object], TemporalSplitFact] = {}
        for fact in store.of(TemporalSplitFact):
            key = (fact.train, fact.test, fact.location)
            if fact.share_earlier >= limit and (
                key not in worst or fact.share_earlier > worst[key].share_earlier
            ):
                worst[key] = fact
        for fact in worst.values():
            text = (
                f"{share(fact.share_earlier)} of {fact.test}'s rows are dated before "
                f"{fact.train}'s latest {fact.column!r} ({fact.train} up to {fact.train_max}, "
                f"{fact.test} from {fact.test_min})"
            )
            yield self.finding(
                f"{text}: the model trains on the future to predict the past.",
                fact.location,
                subject=(fact.train, fact.test),
                evidence=[
                    Evidence(
                        "live",
                        "time-order",
                        text,
                        {
                            "column": fact.column,
                            "share_earlier": round(fact.share_earlier, 4),
                            "train_max": fact.train_max,
                            "test_min": fact.test_min,
                        },
                    )
                ],
            )


class UnstratifiedImbalancedSplit(Rule):
    """What it does
    Flags a random split without ``stratify=`` when the notebook shows the
    target is imbalanced.

    Why is this bad?
    The minority class share then varies between train and test by chance;
    with few positives one side can hold almost none, and metrics swing
    from run to run.

    Example
    ```python
    y.value_counts()  # 0: 9,700  1: 300
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2)
    ```

    Use instead
    ```python
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.2, stratify=y, random_state=0)
    ```
    """

    code, name, severity, pitfalls = (
        "ML208",
        "unstratified-imbalanced-split",
        Severity.WARNING,
        (35,),
    )
    detect = BOTH
    summary = "a split without stratify= on an imbalanced target"
    fix = "Pass stratify=y to the split (StratifiedKFold for cross-validation)."
    thresholds = (
        Threshold(
            "max_minority_share", 0.1, "minority share at or below which stratification is required"
        ),
    )

    def check(self, store: FactStore) -> Iterator[Finding]:
        limit = self.threshold("max_minority_share")
        for split in store.of(SplitFact):
            if (
                split.method not in ("train_test_split", "splitter")
                or split.stratified
                or split.shuffle is False
            ):
                continue
            # the target is the last array passed (train_test_split(X, y)); a feature
            # matrix derived from the labelled frame may carry its class shares too
            target = next((i for i in reversed(split.inputs) if i.minority_share is not None), None)
            if target is None or not target.imbalanced(limit):
                continue
            share = target.minority_share
            yield self.finding(
                f"train_test_split without stratify= on {data_label(target)}, whose minority class is "
                f"{pct(share)} ({shares_text(target.class_shares)}); its share in train and test varies by chance.",
                split.location,
                subject=(data_label(target),),
                evidence=observed(
                    target.class_shares_seen, "class-shares", minority_share=round(share, 4)
                ),
            )


class TrainTestDrift(Rule):
    """What it does
    Compares each feature's distribution in train and test (KS statistic,
    PSI) and lists the features that differ most.

    Why is this bad?
    A model evaluated on a test set unlike its training data gives a score
    that describes neither; drift often reveals a broken split.

    Example
    ```python
    train = df[df.region == "EU"]; test = df[df.region == "US"]
    ```

    Use instead
    ```python
    # split at random (or by time on purpose) and monitor drift explicitly
    ```
    """

    code, name, severity, pitfalls = "ML209", "train-test-drift", Severity.WARNING, (29, 96)
    detect = LIVE
    summary = "features whose distribution differs markedly between train and test"
    fix = "Check how the split was made; if the drift is real, evaluate on data like production."
    thresholds = (
        Threshold(
            "min_ks",
            0.2,
            "KS statistic that marks a feature as drifted (a shift of about half a standard "
            "deviation of a normal feature)",
        ),
        Threshold(
            "max_p",
            0.001,
            "significance a KS statistic must also reach, over all the features compared "
            "(Bonferroni), so small test sets and wide frames do not drift by chance",
        ),
    )

    def check(self, store: FactStore) -> Iterator[Finding]:
        min_ks = self.threshold("min_ks")
        for fact in live_facts(store, DriftFact, ("train", "test")):
            critical = self._critical(fact)
            drifted = [f for f in fact.features if f[1] >= max(min_ks, critical)]
            if not drifted:
                continue
            listed = ", ".join(
                f"{name!r} (KS {ks:.2f}, PSI {psi:.2f})" for name, ks, psi in drifted
            )
            notes = []
            if fact.sampled and fact.n_train and fact.n_test:
                notes.append(f"on seeded samples of {fact.n_train:,} and {fact.n_test:,} rows")
            if fact.n_excluded:
                notes.append(
                    f"without the {fact.n_excluded:,} rows of {fact.test} that also occur in "
                    f"{fact.train}"
                )
            sampled = f" ({'; '.join(notes)})" if notes else ""
            yield self.finding(
                f"{len(drifted)} feature{'s' if len(drifted) > 1 else ''} of {fact.test} "
                f"{'differ' if len(drifted) > 1 else 'differs'} from {fact.train}: {listed}{sampled}.",
                fact.location,
                subject=(fact.train, fact.test),
                evidence=[
                    Evidence(
                        "live",
                        "drift",
                        f"{name!r}: KS {ks:.3f}, PSI {psi:.3f}",
                        {"feature": name, "ks": ks, "psi": psi},
                    )
                    for name, ks, psi in drifted
                ],
            )

    def _critical(self, fact: DriftFact) -> float:
        """The KS statistic that any of the compared features of two same-distribution
        samples exceeds with probability ``max_p`` (each feature held to ``max_p`` / features)."""
        n, m = fact.n_train, fact.n_test
        if not n or not m:
            return 0.0
        p = min(max(self.threshold("max_p"), 1e-12), 0.5) / max(1, fact.n_features or 1)
        return math.sqrt(-0.5 * math.log(p / 2)) * math.sqrt((n + m) / (n * m))


class SmallTestSet(Rule):
    """What it does
    Flags a test set too small for its metrics to mean anything: few
    minority samples, a wide confidence interval.

    Why is this bad?
    An accuracy on 30 rows has a 95% interval of about ±15 points;
    differences between models are noise.

    Example
    ```python
    train_test_split(X, y, test_size=0.05)  # 25 rows, 2 positives
    ```

    Use instead
    ```python
    # cross-validate, or hold out more rows
    ```
    """

    code, name, severity, pitfalls = "ML210", "small-test-set", Severity.INFO, (35,)
    detect = LIVE
    summary = "a test set too small for its metrics to mean anything"
    fix = "Use cross-validation or a larger test set; report confidence intervals."
    thresholds = (
        Threshold("min_minority", 30, "minority samples a test set should hold"),
        Threshold(
            "min_rows",
            100,
            "test rows below which a metric's 95% interval is wider than about ±10 points",
        ),
    )

    def check(self, store: FactStore) -> Iterator[Finding]:
        min_minority = self.threshold("min_minority")
        min_rows = self.threshold("min_rows")
        for fact in live_facts(store, OverlapFact, ("train", "test")):
            n = fact.n_test
            if n <= 0:
                continue
            minority = self._minority(fact)
            few_rows = n < min_rows
            few_minority = minority is not None and minority[1] < min_minority
            if not (few_rows or few_minority):
                continue
            half = 1.96 * math.sqrt(0.25 / n)
            text = f"{fact.test} holds {n:,} rows"
            if minority is not None:
                text += f", {minority[1]:,} of class {minority[0]!r}"
            yield self.finding(
                f"{text}: a 95% interval on its accuracy spans about ±{half * 100:.0f} points"
                + (
                    f", and {minority[1]:,} minority samples cannot measure recall"
                    if few_minority and minority is not None
                    else ""
                )
                + ".",
                fact.location,
                subject=(fact.train, fact.test),
                evidence=[
                    Evidence(
                        "live",
                        "test-size",
                        text,
                        {
                            "rows": n,
                            "minority_class": minority[0] if minority else None,
                            "minority_rows": minority[1] if minority else None,
                            "ci_half_width": round(half, 4),
                        },
                    )
                ],
            )

    @staticmethod
    def _minority(fact: OverlapFact) -> tuple[str, int] | None:
        """The test set's rarest class, counting classes of training it lacks as 0."""
        counts = dict(fact.test_class_counts)
        for label, _ in fact.train_class_counts:
            counts.setdefault(label, 0)
        if not 2 <= len(counts) <= MAX_CLASSES_FOR_SIZE:
            return None
        label = min(counts, key=lambda k: (counts[k], k))
        return label, counts[label]
