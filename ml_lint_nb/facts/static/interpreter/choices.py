"""Columns chosen by what a fit learned: feature selection spelled by hand.

``X[X.columns[rfe.support_]]``, ``X[top]`` with ``top`` the ten largest
``rf.feature_importances_``, ``X.loc[:, mutual_info_classif(X, y) > 0.01]``
and the columns most correlated with the target select features exactly as
a fitted ``SelectKBest`` does: the choice was learned from the fit's rows and
labels. Where such a choice selects columns of data (:func:`choose`), it is
recorded as a selector fitted on those rows (a pseudo-fit with the
``selector`` kind, so that ML203 reads it as label-driven), applied to the
data it selects from. A correlation's column is known to be the target only
after the last cell (:func:`settle`).
"""

from __future__ import annotations

import ast
from dataclasses import replace

from ml_lint_nb.facts.model import EstimatorInfo
from ml_lint_nb.facts.static.interpreter.api import Interp
from ml_lint_nb.facts.static.interpreter.records import Proto
from ml_lint_nb.facts.static.values import ChosenV, DataV, EstV, MultiV, SeqV, StatV, V, first

# fitted attributes that rank or pick features, and methods that give them
LEARNED_ATTRIBUTES = frozenset(
    {"support_", "feature_importances_", "coef_", "ranking_", "scores_", "pvalues_"}
)
LEARNED_METHODS = frozenset({"get_support", "get_feature_names_out"})
# functions scoring each feature against the labels
SCORING_FUNCTIONS = frozenset(
    {
        "mutual_info_classif",
        "mutual_info_regression",
        "f_classif",
        "f_regression",
        "chi2",
        "r_regression",
        "permutation_importance",
    }
)
KINDS = frozenset({"selector", "transformer", "estimator", "pseudo"})


def learned(est: EstV, attr: str) -> V | None:
    """``rfe.support_`` of a fitted estimator: a choice learned from its fit rows."""
    if est.fitted_on is None:
        return None
    name = est.info.binding or est.info.cls
    where = est.fit_record.location if est.fit_record is not None else None
    return ChosenV(f"{name}.{attr}", est.fitted_on, est.fitted_y, where)


def chooser_in(v: V) -> ChosenV | StatV | None:
    """A learned choice, or a correlation, inside a value (a list, a loop variable)."""
    v = first(v) if not isinstance(v, MultiV) else v
    if isinstance(v, ChosenV):
        return v
    if isinstance(v, StatV) and v.stat == "corr" and v.data.column is not None:
        return v
    items = v.items if isinstance(v, SeqV) else v.alts if isinstance(v, MultiV) else []
    for item in items:
        found = chooser_in(item)
        if found is not None:
            return found
    return None


def choose(interp: Interp, data: DataV, chooser: ChosenV | StatV, node: ast.AST) -> DataV:
    """``data[cols]`` with columns a fit chose: the selection as a fit, applied to the data."""
    state = interp.stat_state
    loc = interp.loc(node)
    key = ("choice", id(chooser), loc.cell, loc.execution_count, loc.line)
    est_id = state.fits.get(key)
    if est_id is None:
        where = loc
        if isinstance(chooser, ChosenV):
            label, X, y = f"the choice of columns by {chooser.label}", chooser.X, chooser.y
            where = chooser.where or loc
        else:
            col = chooser.data.column
            label = f"the choice of columns by their correlation with '{col}'"
            X, y = chooser.data.derive(column=None, name=chooser.data.name), chooser.data
        if X is None:
            return data.derive(column=None)
        info = EstimatorInfo(
            est_id=interp.new_id("E"),
            cls=label,
            qualname=f"pandas.{label}",
            kinds=KINDS,
            location=where,
        )
        # placed where the choice was learnt (the fit): the line to change
        args = {"estimator": info, "method": "fit", "X": X, "y": y, "subject": (X.name or "",)}
        proto = Proto("fit", where, dict(args, direct=True, in_loop=interp.loop_depth > 0))
        interp.protos.append(proto)
        est_id = info.est_id
        state.fits[key] = est_id
        if isinstance(chooser, StatV):
            state.correlations.append((proto, chooser.data.column))
    return data.derive(column=None, applied=data.applied | {est_id})


def settle(interp: Interp) -> None:
    """Correlations with a column that is not a target choose nothing from the labels: such
    a choice is no fitted selection (idempotent)."""
    for proto, col in interp.stat_state.correlations:
        info: EstimatorInfo = proto.args["estimator"]
        if col not in interp.target_columns and "selector" in info.kinds:
            proto.args["estimator"] = replace(info, kinds=frozenset({"estimator", "pseudo"}))
