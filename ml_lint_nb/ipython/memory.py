"""What the hook remembers between cells about the frames it checked and the models it saw.

Two small records, owned by the session's
:class:`~ml_lint_nb.ipython.collect.Collector`: :class:`FrameMemory` (which
names and rows the data checks have seen, so a view of the same rows is not
reported again) and :class:`ModelMemory` (each model's fit record, and the
pairs of a model and evaluation rows already compared). Neither holds a
strong reference to user data: frames are remembered by name, models by a
weak reference (by id, with the model, only for the few that refuse one).
"""

from __future__ import annotations

import weakref
from typing import Any

from ml_lint_nb.facts.live.fit_records import FitRecord, fit_token

MAX_UNNAMED = 256  # fit data remembered for the static rules' premises, cleared above
MAX_BY_ID = 32  # models without weak references remembered at most
MAX_PAIRS = 128  # compared pairs whose facts are remembered for a re-run


class FrameMemory:
    """Frames the data checks have seen: their names, their dataflow roots, their targets."""

    def __init__(self) -> None:
        """Nothing seen yet."""
        self.summarised: set[str] = set()  # names whose frames the data checks have seen
        self.roots: set[str] = set()  # dataflow roots of those frames
        self.targets_checked: set[tuple[str, str]] = set()  # (frame name, target column)
        self.unnamed_seen: dict[int, tuple] = {}  # id(DataV) -> (DataV, LiveData) of fit data

    def mark_checked(self, name: str, target: str | None) -> None:
        """A frame checked (by the hook or ``%mlcheck``): later fits on it report what is new."""
        self.summarised.add(name)
        if target is not None:
            self.targets_checked.add((name, target))


class ModelMemory:
    """Each model's fit record, and what has been compared and scored about it."""

    def __init__(self) -> None:
        """No model seen yet."""
        self.records: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self.by_id: dict[int, Any] = {}  # for models that take no weak reference
        self.compared: set[tuple] = set()
        self.split_pairs: set[tuple[str | None, str | None]] = set()
        self.roles: dict[tuple, str] = {}  # (model, fit, rows label, root) -> train | test | all
        self.scored_names: set[tuple[str, str]] = set()  # (model, data) scored by name already
        self.inside: dict[tuple, tuple[int, int]] = {}  # same keys: (rows among fit rows, checked)
        self.held_out: set[tuple] = set()  # (model, fit) scored on rows disjoint from its fit rows
        # the facts a compared pair gave (small records, no data), shown again on a re-run
        self.pair_facts: dict[tuple, list] = {}

    def keep(self, key: tuple, facts: list) -> None:
        """Remember what comparing the pair ``key`` found (the most recent pairs only)."""
        self.pair_facts[key] = list(facts)
        if len(self.pair_facts) > MAX_PAIRS:
            self.pair_facts.pop(next(iter(self.pair_facts)))

    def remember(self, model: Any, record: FitRecord | None) -> None:
        """Keep ``record`` as the model's fit record (None: forget the model's record)."""
        try:
            if record is None:
                self.records.pop(model, None)
            else:
                self.records[model] = record
            return
        except TypeError:
            pass
        if record is None:
            self.by_id.pop(id(model), None)
        else:
            self.by_id[id(model)] = (model, record)
            if len(self.by_id) > MAX_BY_ID:
                self.by_id.pop(next(iter(self.by_id)))

    def recall(self, model: Any) -> FitRecord | None:
        """The model's fit record, unless it was refitted in a way the hook did not see."""
        try:
            record = self.records.get(model)
        except TypeError:
            entry = self.by_id.get(id(model))
            record = entry[1] if entry is not None and entry[0] is model else None
        if record is None or record.token != fit_token(model):
            return None
        return record


__all__ = ["FrameMemory", "ModelMemory"]
