"""Statistics computed by hand, read as fits.

``df["age"].fillna(df["age"].mean())``, ``(X - X.mean()) / X.std()`` and
``df.groupby("city")["price"].transform("mean")`` learn something from the
rows they are computed on, exactly as a fitted ``StandardScaler`` or
``SimpleImputer`` does; computed before the split, they leak. Each becomes a
*pseudo-fit* (an estimator record with the ``pseudo`` kind) on the
statistic's rows, applied to the data it reaches. Resampling with
replacement is read the same way (a duplicating resampler).
"""

from __future__ import annotations

import ast
from dataclasses import replace

from ml_lint_nb.facts.model import EstimatorInfo
from ml_lint_nb.facts.static.interpreter.api import Interp
from ml_lint_nb.facts.static.interpreter.records import Proto
from ml_lint_nb.facts.static.values import UNKNOWN, DataV, GroupByV, StatV, V, data_of, first

# statistics whose division rescales a feature: (x - mean) / std, (x - min) / (max - min)
SPREADS = frozenset({"std", "var", "max", "min", "ptp", "quantile", "percentile", "norm"})


def merge_stats(a: StatV, b: StatV) -> StatV:
    """A number computed from two statistics: a statistic of both their rows."""
    if a is b:
        return a
    names = a.stat.split("/")
    stat = "/".join(names + [n for n in b.stat.split("/") if n not in names])
    if a.data.rows == b.data.rows:
        return StatV(a.data, stat)
    return StatV(a.data.derive(rows=a.data.rows.union(b.data.rows)), stat)


def stat_binop(interp: Interp, left: V, right: V, op: ast.operator, node: ast.AST) -> V:
    """Arithmetic with a statistic: a number derived from it, or data scaled by it."""
    sl, sr = first(left), first(right)
    stats = [x for x in (sl, sr) if isinstance(x, StatV)]
    st = stats[0] if len(stats) == 1 else merge_stats(stats[0], stats[1])
    d = data_of(left) if not isinstance(sl, StatV) else data_of(right)
    if d is None or isinstance(sl, StatV) and isinstance(sr, StatV):
        return st
    if (
        isinstance(op, ast.Div)
        and isinstance(sr, StatV)
        and sr.stat == "max"
        and (d.column is None and sr.data.column is None)
    ):
        # X / X.max(): one global scale for a whole array (pixels), no per-feature fit
        return d.derive(scaled=True)
    # x - x.mean(), (date - date.min()).dt.days: a shift by one number learns nothing a
    # model with an intercept (or a tree, or a distance) could use; it becomes a scaler
    # when a spread divides the shifted values ((x - mean) / std, in one or two statements)
    kind = "shift" if isinstance(op, ast.Add | ast.Sub) else "scaler"
    out = apply_stat(interp, d, st, node, kind)
    if (
        isinstance(op, ast.Div)
        and isinstance(sr, StatV)
        and not SPREADS.isdisjoint(sr.stat.split("/"))
    ):
        out.scaled = True  # (x - mean) / std, (x - min) / (max - min): scaled by hand
    return out


def apply_stat(interp: Interp, d: DataV, st: StatV, node: ast.AST, kind: str = "scaler") -> DataV:
    """A statistic reaching data: a fit on the statistic's rows, applied to ``d``."""
    if continues_stat_fit(interp, d, st, node, kind):
        return d.derive(applied=d.applied | st.data.applied)
    est_id = stat_fit(interp, st, node, kind)
    return d.derive(applied=d.applied | st.data.applied | {est_id})


def stat_fit(interp: Interp, st: StatV, node: ast.AST, kind: str) -> str:
    """Record (once per line) the fit of a statistic that reaches data; its est_id."""
    state = interp.stat_state
    loc = interp.loc(node)
    key = (loc.cell, loc.execution_count, loc.line, st.data.rows.paths, st.data.column)
    est_id = state.fits.get(key)
    if est_id is not None:
        proto = interp.protos[-1] if interp.protos else None
        for p in reversed(interp.protos):  # name every statistic of the line: "min/max"
            if p.kind == "fit" and p.args["estimator"].est_id == est_id:
                proto = p
                break
        if proto is not None and proto.args["estimator"].est_id == est_id:
            _name_statistics(proto, st)
            _finish_shift(proto, kind)
    if est_id is None:
        shown = interp.cur_stmt if interp.cur_stmt is not None else node
        text = ast.unparse(shown).split("\n")[0]
        if isinstance(shown, ast.Assign | ast.AugAssign | ast.AnnAssign) and len(text) > 60:
            text = ast.unparse(shown.value).split("\n")[0]
        if len(text) > 60:
            text = text[:57] + "..."
        est_id = pseudo_fit(interp, f"the {st.stat} in `{text}`", kind, st.data, node)
        state.fits[key] = est_id
        state.protos[est_id] = interp.protos[-1]
    return est_id


def continues_stat_fit(interp: Interp, d: DataV, st: StatV, node: ast.AST, kind: str) -> bool:
    """A statistic finishing a transformation that a statistic of the same rows began.

    ``X -= X.mean(); X /= X.std()`` or ``Z = Z - mu`` then ``Z = Z / sd``:
    one standardisation spread over two statements is one fit, with the
    second place listed as another place of it (one finding per event).
    """
    protos = interp.stat_state.protos
    if not protos or not d.applied or d.scaled:  # a finished rescaling is not continued
        return False
    loc = interp.loc(node)
    for est_id in d.applied:
        p = protos.get(est_id)
        if p is None:
            continue
        kinds = p.args["estimator"].kinds
        if kind not in kinds and not (kind == "scaler" and "shift" in kinds):
            continue
        X = p.args["X"]
        if X.rows != st.data.rows or X.column != st.data.column:
            continue
        if (p.location.cell, p.location.execution_count, p.location.line) == (
            loc.cell,
            loc.execution_count,
            loc.line,
        ):
            return False  # the same line: stat_fit names both statistics
        also = p.args.setdefault("also", [])
        if loc not in also:
            also.append(loc)
        _name_statistics(p, st)
        _finish_shift(p, kind)
        return True
    return False


def _finish_shift(p: Proto, kind: str) -> None:
    """A shift by a statistic that a later statistic of the same rows rescales is a scaler.

    ``X -= X.mean()`` alone learns an offset only; followed by ``X /= X.std()``
    the two are one standardisation, reported where it began.
    """
    info = p.args["estimator"]
    if kind != "shift" and "shift" in info.kinds:
        p.args["estimator"] = replace(info, kinds=(info.kinds - {"shift"}) | {kind})


def _name_statistics(p: Proto, st: StatV) -> None:
    """Add the statistic's name to a pseudo-fit's label: "the mean in `...`" -> "the mean/std"."""
    info = p.args["estimator"]
    old = info.cls.split(" in `", 1)
    names = old[0].removeprefix("the ").split("/")
    new = "/".join(names + [n for n in st.stat.split("/") if n not in names])
    if len(old) == 2 and new != "/".join(names):
        p.args["estimator"] = replace(info, cls=f"the {new} in `{old[1]}")


def pseudo_fit(interp: Interp, label: str, kind: str, data: DataV, node: ast.AST) -> str:
    """A statistic computed on ``data`` as a fit; returns its est_id."""
    info = EstimatorInfo(
        est_id=interp.new_id("E"),
        cls=label,
        qualname=f"pandas.{label}",
        kinds=frozenset({kind, "transformer", "estimator", "pseudo"}),
        location=interp.loc(node),
    )
    interp.record(
        "fit",
        node,
        estimator=info,
        method="fit",
        X=data,
        y=None,
        subject=(data.name or "",),
        direct=True,
    )
    return info.est_id


def duplicated(interp: Interp, data: V, label: str, node: ast.AST) -> V:
    """Rows drawn with replacement: a duplicating resampler fitted on ``data``."""
    d = data_of(data)
    if d is None:
        return UNKNOWN
    info = EstimatorInfo(
        est_id=interp.new_id("E"),
        cls=label,
        qualname=f"pandas.{label}",
        kinds=frozenset({"resampler", "duplicating", "transformer", "estimator", "pseudo"}),
        location=interp.loc(node),
    )
    interp.record(
        "fit",
        node,
        estimator=info,
        method="fit_resample",
        X=d,
        y=None,
        subject=(d.name or "",),
        direct=True,
    )
    interp.resampled.add(info.est_id)
    return d.derive(applied=d.applied | {info.est_id})


def group_statistic(interp: Interp, g: GroupByV, node: ast.AST) -> str:
    """A group aggregate mapped back onto rows; its est_id (resolved by :func:`emit_group_fits`)."""
    est_id = interp.new_id("E")
    interp.stat_state.group_stats.append((g, interp.loc(node), est_id))
    return est_id


def emit_group_fits(interp: Interp) -> None:
    """Turn group statistics into fits, now that the target columns are known.

    A group mean of a feature (``transform("mean")`` filling ``age``) is a
    fitted statistic; of the target column it is a mean (target)
    encoding. Idempotent: a live session calls it after every cell, and
    each becomes one fit (named as an encoding once its column is known
    to be a target).
    """
    state = interp.stat_state
    for g, loc, est_id in state.group_stats:
        if est_id in state.emitted or g.column is None:
            continue
        state.emitted.add(est_id)
        if g.column in interp.target_columns:
            label, kind = f"groupby(...)['{g.column}'] mean encoding", "encoder"
        elif g.agg not in ("mean", "median"):
            continue  # group sums and counts of a feature: aggregates, not fitted statistics
        else:
            label, kind = f"groupby(...)['{g.column}'] group {g.agg}", "imputer"
        info = EstimatorInfo(
            est_id=est_id,
            cls=label,
            qualname="pandas.target_encoding",
            kinds=frozenset({kind, "transformer", "estimator", "pseudo"}),
            location=loc,
        )
        interp.protos.append(
            Proto(
                "fit",
                loc,
                {
                    "estimator": info,
                    "method": "fit",
                    "X": g.data,
                    "y": None,
                    "subject": (g.data.name or "",),
                    "direct": True,
                    "in_loop": False,
                },
            )
        )
