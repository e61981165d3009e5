"""Small helpers the rule families share: wording of data and estimators, related locations.

Messages never name a cell: each front end names places its own way (a
position in the CLI, the prompt ``[7]`` in a notebook), so a rule puts the
places of a finding in its ``related`` locations, each with a role.
"""

from __future__ import annotations

from ml_lint_nb.facts.model import DataRef, EstimatorInfo, Fact, Observation, SplitFact
from ml_lint_nb.findings import Evidence, Related


def est_label(info: EstimatorInfo) -> str:
    """``scaler`` (StandardScaler) or just ``StandardScaler()``."""
    if info.binding:
        return f"{info.binding} ({info.cls})"
    return info.cls if "pseudo" in info.kinds else f"{info.cls}()"


def data_label(ref: DataRef | None) -> str:
    """The data's label as the notebook names it, or the data when unknown."""
    return "the data" if ref is None else ref.label


# how messages name a split made by hand (its recorded method is an internal name):
# "before a filter holds out late", not "before mask holds out late"
SPLIT_NAMES = {
    "mask": "a filter",
    "sample": "a sample",
    "slice": "slicing",
    "head_tail": "head()/tail()",
    "permutation": "a shuffled index",
}


def split_label(split: SplitFact) -> str:
    """The split as a message names it: the function called, or what the code did."""
    return SPLIT_NAMES.get(split.method, split.method)


def related(fact: Fact | None, role: str) -> list[Related]:
    """The fact's location in the given role, or nothing when there is no fact.

    Returns a list so callers can add several related places together.
    """
    if fact is None:
        return []
    return [Related(fact.location, role)]


def observed(obs: Observation | None, kind: str, **data: object) -> list[Evidence]:
    """The observation the code showed as evidence, or nothing.

    It names the cell the observation came from, because it usually lies
    elsewhere than the finding (a value_counts printed above the split).
    """
    if obs is None:
        return []
    text = obs.text
    if obs.location is not None and obs.location.cell is not None:
        text += f" (cell {obs.location.cell})"
    return [Evidence(obs.source, kind, text, dict(data))]


def pct(x: float) -> str:
    """A share as a whole percentage, with one decimal below 1% (0.5%, not 0%)."""
    return f"{x:.0%}" if x >= 0.01 else f"{x:.1%}"


def shares_text(shares: tuple[float, ...]) -> str:
    """Class shares, largest first: 97% / 3%."""
    return " / ".join(pct(s) for s in sorted(shares, reverse=True))


def outside_note(*refs: DataRef | None) -> str:
    """`` X comes from outside this notebook (...); its size is unknown.`` for data that
    does, else nothing: a finding about rows the notebook never loads says where they are from."""
    for ref in refs:
        if ref is not None and ref.outside:
            return f" {ref.outside}."  # it starts with the user's name, spelt as they spell it
    return ""
