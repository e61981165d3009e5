"""One-hot encodings as the kernel measures them (ML107's live evidence).

The static side knows a one-hot encoding's level counts only when the
notebook printed them (``df.nunique()``). In a kernel they are measured:
a fitted ``OneHotEncoder`` (alone, in a pipeline or a column transformer)
through its public ``categories_``, and ``pd.get_dummies`` through the
encoded columns of the frame the call read (``nunique`` on at most
:data:`MAX_ROWS` rows: a lower bound above). Objects are read only through
:func:`~ml_lint_nb.facts.live.safe.call`; nothing is mutated.
"""

from __future__ import annotations

from typing import Any

from ml_lint_nb.facts.live import safe
from ml_lint_nb.facts.location import Location
from ml_lint_nb.facts.model import DataRef, EncodingFact, Observation

MAX_ROWS = 1_000_000  # rows whose distinct values are counted exactly
MAX_DEPTH = 4  # pipelines and column transformers followed this deep


def encoding_facts(protos: list[Any], ns: dict[str, Any]) -> list[EncodingFact]:
    """A live :class:`EncodingFact` for each one-hot encoding this cell made, with measured levels."""
    out: list[EncodingFact] = []
    for p in protos:
        got = None
        if p.kind == "fit":
            info = p.args.get("estimator")
            obj = ns.get(info.binding) if info is not None and info.binding else None
            if obj is not None:
                got = safe.call(_encoder_levels, obj)
                if got:
                    out.append(_fact("OneHotEncoder", p, got, p.args.get("X"), False))
        elif p.kind == "encoding" and p.args.get("method") == "get_dummies":
            data = p.args.get("data")
            name = getattr(data, "name", None) or getattr(data, "origin", None)
            columns = tuple(p.args.get("columns") or ())
            frame = ns.get(name) if name else None
            if frame is not None and columns:
                got = safe.call(_column_levels, frame, columns)
                if got:
                    out.append(_fact("get_dummies", p, got, data, p.args.get("bounded", False)))
    return out


def _fact(method: str, p: Any, levels: dict[str, int], data: Any, bounded: bool) -> EncodingFact:
    """The fact, with the measurement as its evidence."""
    col, n = max(levels.items(), key=lambda kv: kv[1])
    text = f"in the kernel, '{col}' has {n:,} distinct values"
    name = getattr(data, "name", None) or getattr(data, "origin", None)
    ref = DataRef(name, None) if name else None
    where: Location = p.location
    return EncodingFact(
        "live",
        where,
        method,
        ref,
        tuple(levels),
        levels,
        Observation(text, where, "live"),
        bounded,
    )


def _encoder_levels(obj: Any, depth: int = 0) -> dict[str, int]:
    """Levels per input column of every unbounded fitted OneHotEncoder inside ``obj``."""
    if depth > MAX_DEPTH:
        return {}
    out: dict[str, int] = {}
    if type(obj).__name__ == "OneHotEncoder":
        params = obj.get_params(deep=False)
        if params.get("max_categories") is not None or params.get("min_frequency") is not None:
            return {}
        cats = getattr(obj, "categories_", None)
        if cats is None:
            return {}
        names = getattr(obj, "feature_names_in_", None)
        for j, c in enumerate(cats):
            label = str(names[j]) if names is not None and j < len(names) else f"x{j}"
            out[label] = len(c)
        return out
    for step in getattr(obj, "steps", None) or []:
        out.update(_encoder_levels(step[1], depth + 1))
    for entry in getattr(obj, "transformers_", None) or []:
        trans, cols = entry[1], entry[2]
        got = _encoder_levels(trans, depth + 1)
        if isinstance(cols, (list, tuple)) and len(cols) == len(got):
            got = {str(c): n for c, n in zip(cols, got.values(), strict=True)}
        out.update(got)
    return out


def _column_levels(frame: Any, columns: tuple[str, ...]) -> dict[str, int]:
    """Distinct values of the encoded columns of a pandas frame (or the Series itself)."""
    out: dict[str, int] = {}
    if getattr(frame, "ndim", 2) == 1:
        series = frame if len(frame) <= MAX_ROWS else frame.iloc[:MAX_ROWS]
        out[str(columns[0])] = int(series.nunique())
        return out
    have = {str(c) for c in getattr(frame, "columns", [])}
    for col in columns:
        if col in have:
            series = frame[col]
            if len(series) > MAX_ROWS:
                series = series.iloc[:MAX_ROWS]
            out[col] = int(series.nunique())
    return out


__all__ = ["encoding_facts"]
