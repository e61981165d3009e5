"""ML205 test-set-reuse: the same test set used to pick among several models or hyperparameters."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from ml_lint_nb.facts import catalog
from ml_lint_nb.facts.model import (
    DataRef,
    EstimatorInfo,
    EvaluationFact,
    PredictFact,
    SelectionFact,
    SplitFact,
)
from ml_lint_nb.facts.store import FactStore
from ml_lint_nb.findings import Evidence, Finding, Related, Severity
from ml_lint_nb.rules.base import BOTH, Rule, Threshold
from ml_lint_nb.rules.common import data_label, est_label, outside_note, related

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
    if info.configs > 1 and info.final is not info and info.final.configs <= 1:
        return info.cls
    return info.final.cls


def _loop_variants(evs: list[EvaluationFact], chosen: set[int]) -> set[int]:
    """Evaluations in a loop, picked among by a choice, whose loop shows one configuration.

    ``for cols in feature_sets: ... scores.append(model.score(X_test[cols]))`` then
    ``max(scores)`` picks among variants the model's parameters do not show; a loop
    over several models shows each of them already.
    """
    by_place: dict[tuple, set[tuple]] = {}
    for ev in evs:
        if ev.in_loop and id(ev) in chosen and ev.estimator is not None:
            place = (ev.location.cell, ev.location.execution_count, ev.location.line)
            by_place.setdefault(place, set()).add(config_of(ev.estimator))
    return {
        id(ev)
        for ev in evs
        if ev.in_loop
        and id(ev) in chosen
        and len(by_place.get((ev.location.cell, ev.location.execution_count, ev.location.line), ()))
        == 1
    }


def _only_scored_on(store: FactStore, model: str, data: DataRef) -> EvaluationFact | None:
    """The evaluation of ``model`` on ``data``'s rows when it is scored or predicted on no
    other held-out rows (a Kaggle model predicting test.csv is; this one is not)."""
    found = None
    for ev in store.of(EvaluationFact):
        rows = (ev.X or ev.y_true).rows if (ev.X or ev.y_true) is not None else None
        if ev.estimator is None or ev.estimator.binding != model or rows is None:
            continue
        if rows.paths == data.rows.paths:
            found = found or ev
        elif rows.known and rows.roles() != {"train"}:
            return None
    for pr in store.of(PredictFact):
        if pr.estimator.binding != model or pr.X is None or not pr.X.rows.known:
            continue
        if pr.X.rows.paths != data.rows.paths and pr.X.rows.roles() != {"train"}:
            return None
    return found


class TestSetReuse(Rule):
    """What it does
    Finds the test set choosing the model. A warning when a choice is made
    on test scores: several model configurations (class and parameters,
    a loop or comprehension over hyper-parameters) scored on the same test
    set and then picked among (``max``/``argmax``/sorting, a loop that keeps
    the best), or a fit that stops early or keeps its best iteration on the
    test set (``eval_set=[(X_test, y_test)]`` with early stopping,
    ``valid_sets=[dtest]``, Keras ``validation_data=(X_test, y_test)`` with
    ``EarlyStopping`` or ``save_best_only``), or a decision threshold picked
    along a curve of the test set (``thresholds[np.argmax(f1)]`` over
    ``precision_recall_curve(y_test, proba)``, Youden's J on ``roc_curve``)
    and then scored on it. Several models reported side by
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
        """Early stopping on the test set, then test sets scoring several configurations.

        Evaluations are grouped by the rows they score. Each configuration
        counts once (a search as its one chosen model); a choice made on those
        scores makes it a warning, side-by-side scores with no choice are info.
        """
        selections = list(store.of(SelectionFact))
        yield from self.stopped_on_test(store, selections)
        yield from self.threshold_on_test(store, selections)
        groups: dict[frozenset, list[EvaluationFact]] = {}
        # a split drawn again on each pass of a loop (repeated hold-out over seeds): each
        # pass scores its own test set, so the loop's scores are no comparison on one set
        redrawn = {s.split_id for s in store.of(SplitFact) if s.in_loop}
        for ev in store.of(EvaluationFact):
            data = ev.X or ev.y_true
            if ev.estimator is None or data is None or not data.rows.known:
                continue
            if data.rows.roles() != {"test"} or "dummy" in ev.estimator.final.kinds:
                continue
            if named_validation(ev.X) or named_validation(ev.y_true):
                continue
            if ev.in_loop and any(
                step[0] in redrawn for path in data.rows.paths for step in path[1:]
            ):
                continue
            groups.setdefault(data.rows.paths, []).append(ev)
        limit = int(self.threshold("max_configs"))
        # a pick along one model's curve chooses its threshold (threshold_on_test), not a model
        selections = [
            s
            for s in selections
            if not s.evaluations
            or any(e.metric not in catalog.CURVE_METRICS for e in s.evaluations)
        ]
        chosen = {id(e) for s in selections for e in s.evaluations}
        for evs in groups.values():
            configs: dict[tuple, int] = {}
            trigger = None
            # a loop whose one model varies in what the code does not show as a parameter
            # (a feature subset, a seed, data): its variants count when a choice is made
            variants = _loop_variants(evs, chosen)
            for ev in evs:
                info = ev.estimator
                if "search" in info.kinds:  # the search chose by CV; its model counts once
                    n, key = 1, (info.steps[0] if info.steps else info).config_key()
                else:
                    # a model of several configurations scored outside any loop is the one
                    # kept (``best = rf`` in a loop over validation scores): one on the test set
                    n = max(info.configs, 1) if ev.in_loop else 1
                    if id(ev) in variants:
                        n = max(n, 2)
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
                    f"({choice.how}); choosing by test score leaks "
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
                message + outside_note(data),
                trigger.location,
                subject=(data_label(data),),
                related=extra
                + [r for ev in evs if ev is not trigger for r in related(ev, "evaluation")][:5],
                evidence=_once(  # each evaluation once: its places are the related ones
                    Evidence(
                        ev.source,
                        "test-evaluation",
                        f"{ev.metric} of {est_label(ev.estimator)} on {data_label(data)}",
                        {"estimator": ev.estimator.cls, "configurations": ev.estimator.configs},
                    )
                    for ev in evs[:6]
                ),
                severity=severity,
            )

    def stopped_on_test(
        self, store: FactStore, selections: list[SelectionFact]
    ) -> Iterator[Finding]:
        """A fit that keeps its best iteration on the test set: one line, many configurations.

        A set named as a validation set is there to stop on, unless it is also the
        only data the stopped model is scored on: then it is the test set by
        another name.
        """
        for sel in selections:
            data = sel.data
            if data is None or not data.rows.known or data.rows.roles() != {"test"}:
                continue
            also_scored = None
            if named_validation(data):
                also_scored = _only_scored_on(store, sel.model, data)
                if also_scored is None:
                    continue
            what = {
                "best checkpoint": "saves its best checkpoint",
                "best iteration": "keeps its best iteration (CatBoost's use_best_model)",
            }.get(sel.how, "stops early")
            if also_scored is not None:
                text = (
                    f"{sel.model} {what} by its score on {data_label(data)}, and the same rows "
                    f"give its reported score{_metric_named(also_scored.metric)}: "
                    "this validation set is the test set, so the score is the best of many "
                    "models."
                )
            else:
                text = (
                    f"{sel.model} {what} by its score on {data_label(data)}: the test set chooses "
                    "the number of rounds or epochs, so the test score is the best of many models."
                )
            yield self.finding(
                text,
                sel.location,
                subject=(sel.model, data_label(data)),
                related=related(also_scored, "evaluation"),
                fix="Stop early on a validation split carved from the training data "
                "(or an internal validation_fraction); score the test set once at the end.",
            )

    def threshold_on_test(
        self, store: FactStore, selections: list[SelectionFact]
    ) -> Iterator[Finding]:
        """A decision threshold picked along a curve on the test set, then scored there.

        ``thresholds[np.argmax(f1)]`` over ``precision_recall_curve(y_test, proba)``
        chooses among as many classifiers as there are thresholds; a metric of the
        same rows afterwards reports the best of them. A curve only drawn, or one
        on a validation set or out-of-fold predictions, chooses nothing here.
        """
        seen: set[tuple[str, ...]] = set()
        evaluations = list(store.of(EvaluationFact))
        for sel in selections:
            for curve in sel.evaluations:
                data = curve.X or curve.y_true
                if curve.metric not in catalog.CURVE_METRICS or curve.estimator is None:
                    continue
                if data is None or not data.rows.known or data.rows.roles() != {"test"}:
                    continue
                if named_validation(curve.X) or named_validation(curve.y_true):
                    continue
                later = next(
                    (
                        ev
                        for ev in evaluations
                        if ev.metric not in catalog.CURVE_METRICS
                        and (ev.X or ev.y_true) is not None
                        and (ev.X or ev.y_true).rows.paths == data.rows.paths  # type: ignore[union-attr]
                        and ev.location.sort_key() > sel.location.sort_key()
                        and (ev.estimator is None or ev.estimator == curve.estimator)
                    ),
                    None,
                )
                model = est_label(curve.estimator)
                subject = (curve.estimator.binding or curve.estimator.cls, data_label(data))
                if later is None or subject in seen:
                    continue
                seen.add(subject)
                yield self.finding(
                    f"the decision threshold of {model} is picked on {data_label(data)} "
                    f"({sel.how} along its {curve.metric}), and {later.metric} then scores it "
                    "on the same rows: the test set tuned the threshold, so that score is the "
                    "best of many classifiers and optimistic.",
                    sel.location,
                    subject=subject,
                    related=related(curve, "curve") + related(later, "evaluation"),
                    evidence=[
                        Evidence(
                            curve.source,
                            "threshold-on-test",
                            f"{curve.metric} of {model} on {data_label(data)}, then "
                            f"{later.metric} on the same rows",
                            {"estimator": curve.estimator.cls, "curve": curve.metric},
                        )
                    ],
                    fix="Pick the threshold on a validation split or on out-of-fold "
                    "predictions (cross_val_predict) and apply it once to the test set.",
                )


def _metric_named(metric: str) -> str:
    """`` (roc_auc_score)`` after "score", or nothing when the metric is the model's own score."""
    return "" if metric in ("score", "evaluate") else f" ({metric})"


def _once(evidence: Iterable[Evidence]) -> list[Evidence]:
    """Evidence without repeats, in order."""
    out: list[Evidence] = []
    for e in evidence:
        if e not in out:
            out.append(e)
    return out
