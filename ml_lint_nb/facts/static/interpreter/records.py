"""What the interpreter records while it reads cells, before facts are finalised.

A :class:`Proto` is a fact that still points at abstract data; a
:class:`SplitToken` is a split whose parts are still being bound to names;
a :class:`Display` is an expression whose printed value may be evidence
(a ``value_counts`` in the saved output). :mod:`..extract` turns them into
the frozen facts the rules read once the whole notebook has been seen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ml_lint_nb.facts.location import Location
from ml_lint_nb.facts.static.values import DataV, FreeV, GroupByV

# splitting calls that always return every part (never a one-sided filter)
WHOLE_SPLITS = frozenset({"train_test_split", "randomSplit"})


@dataclass
class Proto:
    """A fact waiting for finalisation: its class name and arguments (with DataV inside)."""

    kind: str
    location: Location
    args: dict[str, Any] = field(default_factory=dict)


@dataclass
class SplitToken:
    """One split of rows into parts: the call, its parts so far, and how it shuffles.

    Parts are added as the code takes them (a slice, a mask, a fold), so
    whether the split really has a held-out side is known only later.
    """

    split_id: str
    method: str
    inputs: list[DataV]
    parts: list[DataV]
    location: Location
    shuffle: bool | None
    stratified: bool
    seeded: bool
    time_series: bool = False
    sides: set[int] = field(default_factory=set)  # which parts (0 train, 1 held out) were taken
    # a mask and its complement split rows only when one model is fitted on one side and
    # evaluated on the other (see splits.confirm_masks); else they select rows (a plot)
    unused: bool = False
    swapped: bool = False  # the first positional part is the held-out one (see orient_splits)
    in_loop: bool = False  # drawn again on each pass of a loop (a repeated hold-out)

    @property
    def one_sided(self) -> bool:
        """A head()/slice/mask/sample with no complementary part is a filter, not a split."""
        return self.unused or self.method not in WHOLE_SPLITS and self.sides != {0, 1}


@dataclass
class Display:
    """An expression whose value the cell shows (last expression or print)."""

    kind: str  # value_counts | nunique | describe | shape | bincount | counter | spark_counts
    data: DataV
    normalize: bool = False


class SplitState:
    """Split inference's bookkeeping, kept across cells (see :mod:`.splits`).

    Each dict finds the token a later expression continues: the second
    slice of the same rows, the complementary mask, the other slice of a
    permutation, the ``drop`` of a sample's index. ``unbound`` holds parts
    not yet bound to a name (``id`` of the value -> token, part, method).
    """

    __slots__ = ("by_position", "by_mask", "by_permutation", "samples", "unbound")

    def __init__(self) -> None:
        """Empty bookkeeping, before the first cell."""
        self.by_position: dict[Any, SplitToken] = {}
        self.by_mask: dict[Any, tuple[SplitToken, str]] = {}
        self.by_permutation: dict[Any, SplitToken] = {}
        self.samples: list[tuple[DataV, SplitToken]] = []
        self.unbound: dict[int, tuple[SplitToken, int, str]] = {}


class StatState:
    """The bookkeeping of statistics read as fits, kept across cells (see :mod:`.statistics`).

    ``fits`` gives one pseudo-fit per statistic and line (``(x - x.mean()) /
    x.std()`` is one event); ``protos`` finds a pseudo-fit's record by id;
    ``group_stats`` are group aggregates resolved after the last cell, once
    it is known whether their column is the target; ``emitted`` the ones
    already turned into fits.
    """

    __slots__ = ("fits", "protos", "group_stats", "emitted", "correlations")

    def __init__(self) -> None:
        """Empty bookkeeping, before the first cell."""
        self.fits: dict[tuple[Any, ...], str] = {}
        self.protos: dict[str, Proto] = {}
        self.group_stats: list[tuple[GroupByV, Location, str]] = []
        self.emitted: set[str] = set()
        # column choices by correlation, and the column: a target's makes them label-driven
        self.correlations: list[tuple[Proto, str | None]] = []


class OutsideState:
    """What may bring names from outside, and the names read so far (kept across cells; see :mod:`.outside`)."""

    __slots__ = ("sources", "libraries", "free")

    def __init__(self) -> None:
        """Nothing seen yet."""
        self.sources: list[str] = []  # "%run prepare.py in cell 2", newest last
        self.libraries: list[str] = []  # modules of a library star-imported, newest last
        self.free: dict[str, FreeV] = {}
