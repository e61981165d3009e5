"""The fact store: one bag of facts per notebook (or kernel session) that rules query."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar

from ml_lint_nb.facts.model import Fact

F = TypeVar("F", bound=Fact)


class FactStore:
    """Facts in the order they were observed; rules ask by type."""

    def __init__(self, facts: Iterable[Fact] = (), modes: Iterable[str] = ("static",)) -> None:
        self._facts: list[Fact] = list(facts)
        self.modes: frozenset[str] = frozenset(modes)

    def add(self, fact: Fact) -> None:
        self._facts.append(fact)

    def extend(self, facts: Iterable[Fact]) -> None:
        self._facts.extend(facts)

    def of(self, kind: type[F]) -> Iterator[F]:
        return (f for f in self._facts if isinstance(f, kind))

    def __iter__(self) -> Iterator[Fact]:
        return iter(self._facts)

    def __len__(self) -> int:
        return len(self._facts)
