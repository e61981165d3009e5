"""The explicit table from code to rule, in code order (no import-time discovery).

Selectors in configuration, suppressions and the CLI may name a code
(``ML203``), a kebab name (``preprocessing-before-split``) or a code prefix
(``ML2``, ``ML``); :func:`resolve_selector` turns any of them into codes.
"""

from __future__ import annotations

from collections.abc import Iterable

from ml_lint_nb.rules import design, evaluation, hygiene, leakage, reproducibility
from ml_lint_nb.rules.base import Rule

RULES: tuple[type[Rule], ...] = (
    hygiene.DuplicateRows,
    hygiene.ConstantColumn,
    hygiene.MissingValues,
    hygiene.SystematicMissingness,
    hygiene.MixedTypes,
    hygiene.ExtremeOutliers,
    hygiene.HighCardinalityOneHot,
    hygiene.ClassImbalance,
    hygiene.TooManyFeatures,
    leakage.TrainTestOverlap,
    leakage.TargetLeakageFeature,
    leakage.PreprocessingBeforeSplit,
    leakage.TestDataInTraining,
    leakage.TestSetReuse,
    leakage.UnshuffledSplit,
    leakage.TemporalLeakage,
    leakage.UnstratifiedImbalancedSplit,
    leakage.TrainTestDrift,
    leakage.SmallTestSet,
    leakage.GroupLeakage,
    design.UnscaledFeatures,
    design.MissingRegularization,
    design.ScalerChoice,
    design.NoBaseline,
    design.OutlierSensitiveModel,
    evaluation.DefaultThresholdImbalanced,
    evaluation.AccuracyOnImbalanced,
    evaluation.NotConverged,
    evaluation.UnstableLoss,
    evaluation.OverfittingGap,
    evaluation.TooGoodToBeTrue,
    evaluation.UncalibratedProbabilities,
    evaluation.PredictionBias,
    evaluation.OverallMetricOnly,
    reproducibility.UnseededRandomness,
    reproducibility.HiddenState,
)

RULES_BY_CODE: dict[str, type[Rule]] = {r.code: r for r in RULES}
RULES_BY_NAME: dict[str, type[Rule]] = {r.name: r for r in RULES}
ALL_CODES: frozenset[str] = frozenset(RULES_BY_CODE)


class UnknownSelector(ValueError):
    """A selector that names no rule, code or prefix."""


def resolve_selector(selector: str) -> frozenset[str]:
    """Codes matched by one selector: a code, a kebab name, or a code prefix."""
    sel = selector.strip()
    upper = sel.upper()
    if upper in RULES_BY_CODE:
        return frozenset({upper})
    if sel.lower() in RULES_BY_NAME:
        return frozenset({RULES_BY_NAME[sel.lower()].code})
    if upper == "ALL":
        return ALL_CODES
    if upper.startswith("ML"):
        matched = frozenset(c for c in ALL_CODES if c.startswith(upper))
        if matched:
            return matched
    raise UnknownSelector(
        f"unknown rule selector {selector!r} (use a code like ML203, a name, or a prefix like ML2)"
    )


def resolve_selectors(selectors: Iterable[str]) -> frozenset[str]:
    """Codes matched by any of ``selectors`` (configuration lists); an unknown one raises."""
    out: set[str] = set()
    for s in selectors:
        out |= resolve_selector(s)
    return frozenset(out)


def get_rule(code_or_name: str) -> type[Rule]:
    """The one rule a code or name names (``explain``, rule pages); a prefix is refused."""
    codes = resolve_selector(code_or_name)
    if len(codes) != 1:
        raise UnknownSelector(f"{code_or_name!r} names {len(codes)} rules; name one rule")
    return RULES_BY_CODE[next(iter(codes))]
