"""Wording and bookkeeping shared by the live data rules (ML1xx, ML2xx on frames and splits).

Every number a live data rule quotes was computed on the rows actually
inspected; these helpers make the messages say how many that was, so a
finding on a sample never reads as an exact count of the whole frame.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import TypeVar

from ml_lint_nb.facts.model import DataNameFact, Fact, FrameFact, SplitFact
from ml_lint_nb.facts.store import FactStore

F = TypeVar("F", bound=Fact)

# Frames with fewer rows are previews (df.head()), not data to judge.
MIN_ROWS = 10


def live_facts(store: FactStore, kind: type[F], key: tuple[str, ...]) -> Iterator[F]:
    """Facts of one type, once per (``key`` attributes, location): re-summaries add nothing."""
    seen: set[tuple[object, ...]] = set()
    for fact in store.of(kind):
        ident = (*(getattr(fact, k, None) for k in key), fact.location)
        if ident in seen:
            continue
        seen.add(ident)
        yield fact


def rows_subject(store: FactStore, *labels: str) -> tuple[str, ...]:
    """The subject of a finding about rows: the frames they are, whatever expression quoted them.

    ``train[['a', 'b']]`` (a model call) and ``train`` (``%mlcheck train test``)
    are the same rows, so their findings share one subject and merge
    (:class:`~ml_lint_nb.facts.model.DataNameFact`); an expression nobody
    named keeps its own text.
    """
    names = {f.label: f.rows for f in store.of(DataNameFact)}
    return tuple(names.get(label, label) for label in labels)


def frames(store: FactStore, min_rows: int = MIN_ROWS) -> Iterator[FrameFact]:
    """Each summarised frame once, skipping previews too small to judge."""
    for fact in live_facts(store, FrameFact, ("name",)):
        if fact.purpose == "data" and inspected(fact) >= min_rows:
            yield fact


def inspected(fact: FrameFact) -> int:
    """Rows the summary's counts are about (the sample when sampled)."""
    return fact.sample_rows or fact.n_rows


def sample_note(fact: FrameFact) -> str:
    """`` (on a seeded sample of 200,000 of 1,000,000 rows)`` or nothing."""
    if not fact.sample_rows:
        return ""
    return f" (on a seeded sample of {fact.sample_rows:,} of {fact.n_rows:,} rows)"


def detail_note(fact: FrameFact) -> str:
    """The sampling note for the checks that run on the smaller detail sample."""
    if not fact.detail_rows:
        return sample_note(fact)
    return f" (on a seeded sample of {fact.detail_rows:,} of {fact.n_rows:,} rows)"


def share(x: float) -> str:
    """A percentage with one decimal below 10 % (``4.1%``), whole above (``34%``)."""
    if x >= 0.1 or x == 0:
        return f"{x:.0%}"
    return f"{x:.1%}"


def names(items: Iterable[str], limit: int = 5) -> str:
    """``'a', 'b' and 3 more``: quoted user names, never an endless list."""
    items = list(items)
    shown = ", ".join(repr(i) for i in items[:limit])
    more = len(items) - limit
    return shown + (f" and {more} more" if more > 0 else "")


def number(x: float) -> str:
    """A value as a reader writes it: ``999``, ``-999``, ``0.25``, ``1.2e+07``."""
    if float(x).is_integer() and abs(x) < 1e15:
        return f"{int(x):,}"
    return f"{x:.4g}"


def rows_text(positions: Iterable[int]) -> str:
    """Row positions as a plain list (no thousands separators: ``2000, 2001``)."""
    return ", ".join(str(p) for p in positions)


def base_name(label: str) -> str:
    """The name an expression's text starts with (``test`` in ``test[features]``)."""
    found = re.match(r"[A-Za-z_]\w*", label)
    return found.group(0) if found else label


def pair_subject(train: str, test: str) -> tuple[str, str]:
    """A train/test pair named by the frames it came from: ``train[features]`` is ``train``.

    The hook meets one pair under several spellings (the split's parts, the
    columns a model was fitted and scored on); named alike they are one finding.
    """
    return (base_name(train), base_name(test))


def split_of_pair(store: FactStore, train: str, test: str) -> SplitFact | None:
    """The split whose training part is named ``train`` and held-out part ``test``, if any.

    A live finding about a pair of frames points at the split that made them
    (the latest such split: the names' current meaning).
    """
    found = None
    for split in store.of(SplitFact):
        names = {(p.name, role) for p in split.parts for role in p.rows.roles()}
        if (train, "train") in names and ((test, "test") in names or (test, "validation") in names):
            found = split
    return found
