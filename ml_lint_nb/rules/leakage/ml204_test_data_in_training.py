"""ML204 test-data-in-training: a model fitted on data that contains the test set."""

from __future__ import annotations

from collections.abc import Iterator

from ml_lint_nb.facts.model import (
    DataRef,
    EvaluationFact,
    FitFact,
    FitRowsEvaluationFact,
    PredictFact,
    RowSet,
    SplitFact,
)
from ml_lint_nb.facts.store import FactStore
from ml_lint_nb.findings import Evidence, Finding, Severity
from ml_lint_nb.rules.base import BOTH, Rule
from ml_lint_nb.rules.common import data_label, est_label, outside_note, related
from ml_lint_nb.rules.data_evidence import live_facts, rows_subject


def split_of(store: FactStore, rows: RowSet) -> tuple[SplitFact, DataRef] | None:
    """The split and held-out part that rows came from, or None.

    The finding points at the split as related, so the reader sees both ends.
    """
    for split in store.of(SplitFact):
        for part in split.parts:
            overlaps = (
                part.rows.paths & rows.paths or rows.includes(part.rows) or part.rows.includes(rows)
            )
            if overlaps and part.rows.roles() & {"test", "validation"}:
                return split, part
    return None


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
        """The dataflow's findings first; live evidence then skips what they report."""
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
                subject=(fact.model, *rows_subject(store, fact.test)),
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
                    f"{data_label(fit.y)} of the rows it is evaluated on ({how}): it has learnt the answers it is scored on (a "
                    "stacking or blending model must learn from out-of-fold predictions for the "
                    "training rows)."
                    if labels
                    else f"{est_label(info)} is fitted on {data_label(fit.X)}, which contains the "
                    f"rows of {data_label(data)} that it is evaluated on ({how}); "
                    "the score measures memory, not generalisation."
                )
                + outside_note(fit.X, data),
                fit.location,
                subject=fit.subject,
                related=related(use, "evaluation") + (related(found[0], "split") if found else []),
                evidence=[
                    Evidence(
                        fit.source,
                        "fit-contains-test",
                        f"{fit.method}({data_label(fit.X)}); {how} on {data_label(data)}",
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
            f"{est_label(fit.estimator)}, which is then evaluated on them ({how})"
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
