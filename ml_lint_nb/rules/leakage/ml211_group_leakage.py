"""ML211 group-leakage: rows of one entity on both sides of a random split or across folds."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ml_lint_nb.facts.model import GroupingFact, GroupLeakageFact, SplitFact
from ml_lint_nb.facts.store import FactStore
from ml_lint_nb.findings import Evidence, Finding, Severity
from ml_lint_nb.rules.base import BOTH, Rule, Threshold
from ml_lint_nb.rules.common import data_label, related, split_label
from ml_lint_nb.rules.data_evidence import live_facts, pair_subject, share, split_of_pair


class GroupLeakage(Rule):
    """What it does
    Finds an entity column (a patient, a user, a store, a device: values
    that repeat over many rows) whose entities have rows on both sides of
    the split a model is fitted and evaluated on, or across the folds of a
    cross-validation, when an entity's rows are alike (intra-class
    correlation of the features and of the target). The column may have
    been dropped from the features: it is found in the frame the rows came
    from, through the index. Silent with a group-aware splitter on that
    column (GroupShuffleSplit, GroupKFold, StratifiedGroupKFold,
    LeaveOneGroupOut: no entity is then on both sides), with one row per
    entity (an identifier), and for an attribute of few values (a country).
    Read from a notebook file without running it, it is an info: a random
    split or a k-fold over rows the notebook itself groups by an id-like
    column (``visits.groupby("patient_id")``); in a kernel the rows decide.

    Why is this bad?
    A model that recognises the entity (its age, weight, baseline values)
    scores the test rows of a patient it trained on by what it learnt about
    that patient. The score then measures memory of known entities, not
    how the model does on new ones: on visits of 700 patients a random
    split can report a ROC AUC of 0.99 where a split by patient gives 0.66.

    Example
    ```python
    X = visits.drop(columns=["patient_id", "readmitted"])
    X_train, X_test, y_train, y_test = train_test_split(X, visits["readmitted"])
    ```

    Use instead
    ```python
    from sklearn.model_selection import GroupShuffleSplit
    split = GroupShuffleSplit(n_splits=1, test_size=0.25, random_state=0)
    train_idx, test_idx = next(split.split(X, y, groups=visits["patient_id"]))
    # cross-validation: GroupKFold(5), cross_val_score(..., groups=visits["patient_id"])
    ```
    """

    code, name, severity, pitfalls = "ML211", "group-leakage", Severity.WARNING, (27, 32, 34)
    detect = BOTH
    summary = (
        "rows of the same entity on both sides of a random split or across cross-validation folds"
    )
    fix = (
        "Split by entity: GroupShuffleSplit or GroupKFold (StratifiedGroupKFold for rare "
        "classes) with groups= the entity column, so each entity's rows stay on one side."
    )
    thresholds = (
        Threshold(
            "min_entities",
            30,
            "distinct values a column needs to be an entity rather than an attribute (a country, "
            "a product category)",
        ),
        Threshold(
            "min_feature_icc",
            0.5,
            "median intra-class correlation of the numeric features within an entity: how alike "
            "an entity's rows are (0 for rows grouped at random, 1 for repeated values)",
        ),
        Threshold(
            "min_target_icc",
            0.2,
            "intra-class correlation of the target within an entity: below it, recognising the "
            "entity tells the model little about the label",
        ),
        Threshold(
            "min_seen_share",
            0.1,
            "share of evaluation rows whose entity also has training rows that triggers the rule",
        ),
    )

    def check(self, store: FactStore) -> Iterator[Finding]:
        """Measured in a kernel; read from the code (info) in a notebook file."""
        yield from self.check_live(store)
        yield from self.check_static(store)

    def check_static(self, store: FactStore) -> Iterator[Finding]:
        """Info: a random split over rows the notebook itself groups by an id-like column.

        In a kernel the rows are measured instead, so this premise is left to files.
        """
        if "live" in store.modes:
            return
        groupings = [
            (g, key)
            for g in store.of(GroupingFact)
            if g.data is not None and g.data.rows.known
            for key in g.keys
            if id_like(key)
        ]
        if not groupings:
            return
        for split in store.of(SplitFact):
            if not _random_split(split):
                continue
            roots = {p[0] for d in split.inputs for p in d.rows.paths}
            hit = next(
                ((g, key) for g, key in groupings if roots & {p[0] for p in g.data.rows.paths}),  # type: ignore[union-attr]
                None,
            )
            if hit is None:
                continue
            grouping, key = hit
            held = next((p for p in split.parts if p.rows.roles() & {"test", "validation"}), None)
            train = next((p for p in split.parts if p.rows.roles() == {"train"}), None)
            subject = (
                pair_subject(train.name, held.name)
                if train is not None and held is not None and train.name and held.name
                else ()
            )
            frame = data_label(grouping.data)
            text = (
                f"{split_label(split)} divides rows at random, and the "
                f"notebook groups them by {key!r}: if several "
                f"rows share a {key!r}, that entity's rows land on both sides"
            )
            yield self.finding(
                f"{text}; a model that recognises the entity is then scored on what it "
                "memorised. Check that each value of it has one row, or split by it.",
                split.location,
                subject=subject,
                severity=Severity.INFO,
                related=related(grouping, "grouping"),
                evidence=[
                    Evidence(
                        "static",
                        "random-split-over-groups",
                        text,
                        {"entity_column": key, "frame": frame, "split": split.method},
                    )
                ],
                fix=(
                    f"Split by {key!r}: GroupShuffleSplit or GroupKFold with "
                    f"groups={frame}[{key!r}], so each entity's rows stay on one side."
                ),
            )

    def check_live(self, store: FactStore) -> Iterator[Finding]:
        """One finding per pair: its most entity-like column that passes every bar."""
        done: set[tuple[str, str]] = set()
        for fact in live_facts(store, GroupLeakageFact, ("train", "test", "column")):
            subject = pair_subject(fact.train, fact.test)
            if subject in done or not self._leaks(fact):
                continue
            done.add(subject)
            yield self._finding(fact, subject, split_of_pair(store, *subject))

    def _leaks(self, fact: GroupLeakageFact) -> bool:
        """The column is an entity whose rows are alike, with enough evaluation rows seen."""
        if fact.n_entities < self.threshold("min_entities") or fact.n_test == 0:
            return False
        if fact.feature_icc is None or fact.feature_icc < self.threshold("min_feature_icc"):
            return False
        if fact.target_icc is not None and fact.target_icc < self.threshold("min_target_icc"):
            return False
        return fact.n_seen / fact.n_test >= self.threshold("min_seen_share")

    def _finding(
        self, fact: GroupLeakageFact, subject: tuple[str, str], split: SplitFact | None
    ) -> Finding:
        """The message: entities shared, evaluation rows seen, and why rows of one are alike.

        Located at the split that made the pair, when the notebook made one.
        """
        seen = fact.n_seen / fact.n_test
        found = (
            f" (a column of {fact.frame}, matched row by row)"
            if fact.frame and fact.frame not in subject
            else ""
        )
        train, test = subject
        if train == test:  # two parts of one frame: their own spellings tell them apart
            train, test = fact.train, fact.test
        alike = ", ".join(f"{name!r} {value:.2f}" for name, value in fact.alike)
        target = f"; target {fact.target_icc:.2f}" if fact.target_icc is not None else ""
        if fact.how == "cross-validation":
            where = (
                f"The folds of {fact.splitter or 'the cross-validation'} over {fact.test} split "
                f"entities: {fact.n_seen:,} of {fact.n_test:,} held-out rows ({share(seen)}) "
                f"belong to a {fact.column!r}{found} that also has rows in the training folds"
            )
            model = "Each fold's model"
            rows = "in the data"
        else:
            where = (
                f"{fact.n_seen:,} of {fact.n_test:,} rows of {test} ({share(seen)}) belong "
                f"to a {fact.column!r}{found} that also has rows in {train}"
            )
            model = fact.model or "A model fitted on one and scored on the other"
            rows = f"in {train}"
        text = (
            f"{where}: {fact.shared:,} entities are on both sides ({fact.n_entities:,} {rows}, "
            f"{fact.rows_per_entity:.1f} rows each), and an entity's rows are alike "
            f"(intra-class correlation of the features {fact.feature_icc:.2f} median, e.g. "
            f"{alike}{target})"
        )
        return self.finding(
            f"{text}. {model} recognises the entities it trained on: the score measures "
            "memory of known entities, not how it does on new ones.",
            split.location if split is not None else fact.location,
            subject=subject,
            related=related(fact, "evaluation") if split is not None else [],
            evidence=[
                Evidence(
                    "live",
                    "shared-entities",
                    text,
                    {
                        "entity_column": fact.column,
                        "shared_entities": fact.shared,
                        "eval_rows_with_seen_entity": round(seen, 4),
                        "eval_rows": fact.n_test,
                        "entities": fact.n_entities,
                        "rows_per_entity": fact.rows_per_entity,
                        "feature_icc": fact.feature_icc,
                        "target_icc": fact.target_icc,
                        "frame": fact.frame,
                        "how": fact.how,
                    },
                )
            ],
            fix=(
                f"Split by {fact.column!r}: GroupShuffleSplit or GroupKFold with "
                f"groups={(fact.frame or 'the data')}[{fact.column!r}] (StratifiedGroupKFold for "
                "rare classes), so each entity's rows stay on one side."
            ),
        )


def id_like(column: str) -> bool:
    """A column named like an identifier: ``patient_id``, ``UserId``, ``session_key``, ``id``."""
    return bool(re.search(r"(^|_|\b)(id|uuid|key)$", column.lower())) or column.endswith(
        ("Id", "ID")
    )


def _random_split(split: SplitFact) -> bool:
    """A split that deals rows at random (or folds over them) without regard to groups."""
    if split.time_series or "Group" in split.method or split.method in ("slice", "head_tail"):
        return False
    return split.shuffle is True or split.method.endswith(".split")
