"""Small helpers the rule families share: wording of data and estimators, related locations."""

from __future__ import annotations

from ml_lint_nb.facts.model import DataRef, EstimatorInfo, Fact, Observation
from ml_lint_nb.findings import Evidence, Location, Related


def est_label(info: EstimatorInfo) -> str:
    """``scaler`` (StandardScaler) or just ``StandardScaler()``."""
    if info.binding:
        return f"{info.binding} ({info.cls})"
    return info.cls if "pseudo" in info.kinds else f"{info.cls}()"


def data_label(ref: DataRef | None) -> str:
    """The data's label as the notebook names it, or the data when unknown."""
    return "the data" if ref is None else ref.label


def where(loc: Location | None) -> str:
    """``cell 4 line 2`` in a notebook file; ``cell [7] line 2`` (execution count) in a kernel."""
    if loc is None:
        return "an earlier cell"
    if loc.cell is not None:
        cell = f"cell {loc.cell}"
    elif loc.execution_count is not None:
        cell = f"cell [{loc.execution_count}]"
    else:
        return "this cell" + (f" line {loc.line}" if loc.line else "")
    return cell + (f" line {loc.line}" if loc.line else "")


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
