"""ML202's judgement of a frame's features, shared with ML406 (which names the leaks it finds).

A feature is judged by its shape and by how far its power alone stands
above what the frame's other features reach (``others_best`` in its
detail): a near-perfect measurement among other strong ones (petal length
beside petal width) is an easy problem, one far above the rest is a leak.
Facts from the lazy path carry no detail and are judged by power alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ml_lint_nb.facts.model import FrameFact

DEFAULTS = {
    "min_auc": 0.99,
    "min_corr": 0.999,
    "min_gap": 0.1,
    "flag_coverage": 0.5,
    "flag_others": 0.05,
    "flag_pure_others": 0.01,
    "min_own_label_gain": 0.1,
    "identifier_power": 0.75,
}


@dataclass(frozen=True)
class FeatureVerdict:
    """One feature of a frame as ML202 judges it."""

    feature: str
    score: float  # its power alone
    how: str  # copy | flag | group-stat | future | own-window | identifier | auc | corr
    verdict: str  # "leak", "predictive-identifier" or "identifier"
    detail: Mapping[str, Any]


def verdicts(fact: FrameFact, limits: Mapping[str, float] | None = None) -> list[FeatureVerdict]:
    """The features of ``fact`` that leak or are identifiers, with the reason in their detail."""
    t = {**DEFAULTS, **(limits or {})}
    details = {name: dict(items) for name, items in fact.predictive_detail}
    out = []
    for feature, score, how in fact.predictive:
        d = details.get(feature, {})
        others = d.get("others_best")
        stands_out = others is None or score - float(others) >= t["min_gap"]
        verdict = None
        if how in ("copy", "future", "own-window"):
            verdict = "leak"
        elif how == "group-stat":
            if float(d.get("own_label_gain", 0.0)) >= t["min_own_label_gain"]:
                verdict = "leak"
        elif how == "flag":
            others_share = float(d.get("others", 1.0))
            above = others is None or score > float(others)
            if float(d.get("coverage", 0.0)) >= t["flag_coverage"] and (
                (others_share <= t["flag_pure_others"] and above and d.get("two_state", True))
                or (others_share <= t["flag_others"] and stands_out)
            ):
                verdict = "leak"
        elif how == "identifier":
            verdict = "predictive-identifier" if score >= t["identifier_power"] else "identifier"
        else:
            bar = t["min_corr"] if how == "corr" else t["min_auc"]
            # a near-perfect feature is judged against the others: with none beside it (a
            # one-feature tutorial) there is nothing it could stand out from
            compared = others is not None and score - float(others) >= t["min_gap"]
            if score >= bar and (compared or not details):
                verdict = "leak"
        if verdict is not None:
            out.append(FeatureVerdict(feature, score, how, verdict, d))
    return out


__all__ = ["DEFAULTS", "FeatureVerdict", "verdicts"]
