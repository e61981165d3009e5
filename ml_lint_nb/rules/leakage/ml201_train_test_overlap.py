"""ML201 train-test-overlap: rows of the test set that also occur in the training set."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import replace

from ml_lint_nb.facts.model import DataRef, FitFact, OverlapFact, SplitFact
from ml_lint_nb.facts.store import FactStore
from ml_lint_nb.findings import Evidence, Finding, Related, Severity
from ml_lint_nb.rules.base import BOTH, Rule, Threshold
from ml_lint_nb.rules.common import data_label, est_label, related, split_label
from ml_lint_nb.rules.data_evidence import (
    base_name,
    live_facts,
    pair_subject,
    rows_subject,
    rows_text,
    share,
)
from ml_lint_nb.rules.leakage.fit_paths import COPYING, FitPaths


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
        """Live overlap measured by row hashes, and the static resampling premise: one finding
        when both are about the same pair (the draw before the split, with its counted copies)."""
        measured: dict[tuple[str, ...], list[Finding]] = {}
        for f in self.check_live(store):
            measured.setdefault(f.subject, []).append(f)
        for f in self.check_resampling(store):
            counted = measured.get(f.subject)
            yield _joined(f, counted.pop(0)) if counted else f
        for found in measured.values():
            yield from found

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
            subject = fit.subject
            if hit is not None:
                split, part = hit
                text = (
                    f"{est_label(info)} {verb} {data_label(fit.X)} "
                    f"before {split_label(split)} holds out {data_label(part)}"
                )
                rel = related(split, "split")
                train = _training_side(split, part)
                if train is not None and train.name and part.name:
                    subject = rows_subject(
                        store, *pair_subject(train.name, part.name)
                    )  # the pair the kernel measures
            else:
                cv = paths.cross_validated(fit)
                if cv is None:
                    continue
                text = (
                    f"{est_label(info)} {verb} {data_label(fit.X)} "
                    f"before {cv.function} cross-validates the result"
                )
                made = made.replace("the test set", "each held-out fold").replace(
                    "synthetic test rows", "synthetic held-out rows"
                )
                rel = related(cv, "cross-validation")
                subject = fit.subject
            yield self.finding(
                f"{text}: {made}, so the score grades rows the model has already seen.",
                fit.location,
                subject=subject,
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
        """Live: test rows whose hashes occur among the fit rows, beyond chance.

        One finding per train/test pair. A pair met through a model rather than
        a split call (two files, a function) gets advice about the files instead
        of the split.
        """
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
            split = fact.model is None or base_name(fact.test) in split_names
            yield self.finding(
                f"{text}; the model is graded on rows it was trained on.",
                fact.location,
                subject=rows_subject(store, *pair_subject(fact.train, fact.test)),
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


def _training_side(split: SplitFact, part: DataRef) -> DataRef | None:
    """The training part of the same input as the held-out ``part`` (``X_train`` of ``X_test``)."""
    stems = {path[:-1] for path in part.rows.paths}
    for other in split.parts:
        paths = other.rows.paths
        if paths and {p[:-1] for p in paths} == stems and all(p[-1][1] == 0 for p in paths):
            return other  # the same rows, on this split's first (training) side
    return None


def _joined(premise: Finding, counted: Finding) -> Finding:
    """The resampling premise with the copies the kernel counted on the same pair: one finding.

    The premise says why (the draw before the split), the count says how many.
    """
    data = next((e.data for e in counted.evidence if e.kind == "row-hash-overlap"), {})
    text = premise.message.split(":", 1)[0]
    if data:
        found = (
            f"{data['overlap']:,} of {data['checked']:,} rows of {data['test']} "
            f"({share(data['share'])}) also occur in {data['train']}"
        )
        chance = data.get("expected_by_chance")
        if chance is not None and chance >= 1:
            found += f" (chance alone explains about {chance:,.0f})"
        message = f"{text}: {found}, so the score grades rows the model has already seen."
    else:
        message = premise.message
    return replace(
        premise,
        message=message,
        sources=tuple(sorted(set(premise.sources) | set(counted.sources))),
        evidence=premise.evidence + counted.evidence,
        related=premise.related + (Related(counted.location, "evaluation"),),
    )


def _poisson_excess(observed: int, expected: float) -> bool:
    """More than chance explains: three standard deviations above a Poisson mean."""
    return observed > expected + 3.0 * math.sqrt(max(expected, 1.0))
