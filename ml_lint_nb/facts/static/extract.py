"""Static extraction: a loaded notebook in, a fact store (and notes) out.

Parses each code cell, runs the abstract interpreter over the cells in
notebook order, reads evidence from saved outputs, then finalises the
interpreter's proto facts into the frozen facts the rules read.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ml_lint_nb.facts.model import (
    CrossValFact,
    DataRef,
    EncodingFact,
    EstimatorFact,
    EvaluationFact,
    Fact,
    FitFact,
    GroupingFact,
    Observation,
    PredictFact,
    RandomCallFact,
    RowSet,
    SeedFact,
    SelectionFact,
    SplitFact,
)
from ml_lint_nb.facts.static import outputs
from ml_lint_nb.facts.static.deadline import Deadline
from ml_lint_nb.facts.static.interpreter import Display, Interpreter, Proto, SplitToken
from ml_lint_nb.facts.static.interpreter.splits import ID_HINTS, is_time_column
from ml_lint_nb.facts.static.mentions import baseline_cells
from ml_lint_nb.facts.static.order import order_facts
from ml_lint_nb.facts.static.source import Cell, NotebookSource
from ml_lint_nb.facts.static.syntax import cell_codes
from ml_lint_nb.facts.static.values import SHUFFLED, DataV
from ml_lint_nb.facts.store import FactStore

if TYPE_CHECKING:
    from ml_lint_nb.facts.live.values import LiveData
from ml_lint_nb.facts.location import Location, Note

LiveResolver = Callable[[DataV], "LiveData | None"]


def extract_facts(
    nb: NotebookSource, deadline: Deadline | None = None
) -> tuple[FactStore, list[Note]]:
    """All static facts of a notebook, and notes on what could not be read.

    With a ``deadline``, :class:`~ml_lint_nb.facts.static.deadline.LintTimeout`
    ends the analysis when it passes.
    """
    interp = Interpreter()
    interp.deadline = deadline
    notes: list[Note] = []
    parsed: list[tuple[Cell, ast.Module]] = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if cell.python is None:
            if cell.skip_reason:
                notes.append(Note(f"{cell.skip_reason}; cell skipped", cell.index))
            continue
        try:
            tree = ast.parse(cell.python)
        except (RecursionError, MemoryError):  # 50,000 chained `+`, deep attribute chains
            notes.append(Note("cell too deeply nested to parse; cell skipped", cell.index))
            continue
        except (SyntaxError, ValueError) as exc:
            line = getattr(exc, "lineno", None)
            where = f" at line {line}" if line else ""
            msg = getattr(exc, "msg", str(exc))
            notes.append(Note(f"syntax error{where} ({msg}); cell skipped", cell.index))
            continue
        if deadline is not None:
            deadline.check()
        parsed.append((cell, tree))
        try:
            displays = interp.run_cell(tree, cell.index, cell.cell_id, raw=cell.source)
        except RecursionError:
            notes.append(Note("cell too deeply nested to analyse; cell skipped", cell.index))
            continue
        if cell.outputs_text and displays:
            absorb_outputs(interp, displays, cell)
    interp.finish()
    store = FactStore(Finaliser(interp).facts())
    store.extend(order_facts(nb, interp.cell_names))
    store.extend(baseline_cells(nb))
    store.extend(cell_codes((c.index, c.cell_id, c.python or "", c.source, t) for c, t in parsed))
    return store, notes


# ------------------------------------------------------------------ outputs
def absorb_outputs(interp: Interpreter, displays: list[Display], cell: Cell) -> None:
    """Turn printed evidence into knowledge about the data it describes."""
    text = "\n".join(cell.outputs_text)
    where = Location(cell=cell.index, cell_id=cell.cell_id)
    for disp in displays:
        roots = _roots(disp.data)
        if not roots:
            continue
        if disp.kind in ("value_counts", "bincount", "counter", "spark_counts"):
            parser = {
                "value_counts": outputs.parse_value_counts,
                "bincount": outputs.parse_bincount,
                "counter": outputs.parse_counter,
                "spark_counts": outputs.parse_spark_counts,
            }[disp.kind]
            counts = parser(text)
            shares = outputs.shares_from_counts(counts) if counts else None
            if shares:
                col = disp.data.column or "<target>"
                shown = ", ".join(f"{k}: {_fmt(v)}" for k, v in list(counts.items())[:4])
                obs_text = f"the notebook prints {disp.data.label} counts ({shown})"
                for r in roots:
                    interp.knowledge.setdefault((r, col), {})["shares"] = (shares, obs_text, where)
        elif disp.kind == "nunique":
            if disp.data.column:
                n = outputs.parse_scalar_int(text)
                levels = {disp.data.column: n} if n is not None else None
            else:
                levels = outputs.parse_nunique(text)
            for col, n in (levels or {}).items():
                for r in roots:
                    interp.knowledge.setdefault((r, col), {})["levels"] = (
                        n,
                        f"the notebook prints {n:,} distinct values of '{col}'",
                        where,
                    )
        elif disp.kind == "describe" and disp.data.column is None:
            stds = outputs.parse_describe_std(text)
            positive = [(n, s) for n, s in (stds or []) if s > 0]
            if len(positive) >= 2:
                for r in roots:
                    interp.knowledge.setdefault((r, None), {})["scale_stds"] = (positive, where)
        elif disp.kind == "shape":
            shape = outputs.parse_shape(text)
            if shape:  # the printed shape belongs to this very value (and what derives from it)
                disp.data.n_rows, disp.data.n_features = shape


def _roots(d: DataV) -> list[str]:
    """The lineage roots of a value's rows (what printed evidence is attached to)."""
    return sorted({p[0] for p in d.rows.paths})


def _fmt(v: float) -> str:
    """A count or share as a message shows it: 1,234 or 0.123."""
    if float(v).is_integer():
        return f"{int(v):,}"
    return f"{v:.3g}"


# -------------------------------------------------------------- finalising
class Finaliser:
    """Turns proto facts (with abstract data) into frozen facts (with DataRefs)."""

    def __init__(self, interp: Interpreter, live: LiveResolver | None = None) -> None:
        """A finaliser of one interpreter's records; ``live`` confirms data from the kernel."""
        self.i = interp
        self.live = live
        self._fits: dict[int, FitFact] = {}
        self._evals: dict[int, EvaluationFact] = {}
        self._refs: dict[int, DataRef] = {}
        # one-sided "splits" (a lone head(), a filter) are filters: drop their steps
        self._void = {t.split_id for t in interp.splits if t.one_sided}
        # positional splits whose first slice is the held-out one: parts 0 and 1 swap
        self._swapped = {t.split_id for t in interp.splits if t.swapped and not t.one_sided}

    def facts(self) -> list[Fact]:
        """Every proto fact finalised, then every split that has both sides."""
        out: list[Fact] = []
        for proto in self.i.protos:
            fact = self.convert(proto)
            if fact is not None:
                out.append(fact)
        for tok in self.i.splits:
            if not tok.parts or tok.one_sided:
                continue
            out.append(
                SplitFact(
                    source="static",
                    location=tok.location,
                    split_id=tok.split_id,
                    method=tok.method,
                    inputs=tuple(self.ref(d) for d in tok.inputs),
                    parts=tuple(self.ref(d) for d in _train_first(tok)),
                    shuffle=tok.shuffle,
                    stratified=tok.stratified,
                    seeded=tok.seeded,
                    time_series=tok.time_series,
                    in_loop=tok.in_loop,
                )
            )
        return out

    def convert(self, p: Proto) -> Fact | None:
        """One proto fact as the frozen fact of its kind (None for kinds rules do not read)."""
        a = p.args
        loc = p.location
        if p.kind == "estimator":
            holder = a.get("holder")
            info = holder.info if holder is not None else a["estimator"]
            return EstimatorFact("static", loc, info, a.get("in_loop", False))
        if p.kind == "fit":
            fact = FitFact(
                "static",
                loc,
                a["estimator"],
                a["method"],
                self.ref(a.get("X")),
                self.ref(a.get("y")),
                tuple(a.get("subject", ())),
                a.get("in_loop", False),
                a.get("direct", True),
                self.fit_of(a.get("tuned_by")),
                tuple(a.get("also", ())),
            )
            self._fits[id(p)] = fact
            return fact
        if p.kind == "predict":
            return PredictFact(
                "static",
                loc,
                a["estimator"],
                a["method"],
                self.ref(a.get("X")),
                self.fit_of(a.get("fit")),
                tuple(a.get("subject", ())),
            )
        if p.kind == "evaluation":
            est = a.get("estimator")
            X = self.ref(a.get("X"))
            self._evals[id(p)] = evaluation = EvaluationFact(
                "static",
                loc,
                a["metric"],
                est,
                X,
                self.ref(a.get("y_true")),
                a.get("prediction"),
                self.fit_of(a.get("fit")),
                a.get("per_class", False),
                a.get("in_loop", False),
                tuple(x for x in ((est.binding if est else None), X.name if X else None) if x),
            )
            return evaluation
        if p.kind == "crossval":
            return CrossValFact(
                "static",
                loc,
                a["estimator"],
                a["function"],
                self.ref(a.get("X")),
                self.ref(a.get("y")),
            )
        if p.kind == "encoding":
            return self.encoding(p)
        if p.kind == "selection":
            return SelectionFact(
                "static",
                loc,
                a["how"],
                a["model"],
                self.ref(a.get("data")),
                tuple(
                    {
                        id(f): f for f in (self._evals.get(id(e)) for e in a["evaluations"]) if f
                    }.values()
                ),
            )
        if p.kind == "seed":
            return SeedFact("static", loc, a["function"], a.get("in_loop", False))
        if p.kind == "grouping":
            return GroupingFact("static", loc, self.ref(a.get("data")), tuple(a["keys"]))
        if p.kind == "random_call":
            return RandomCallFact(
                "static", loc, a["function"], a["seeded"], a.get("in_loop", False)
            )
        return None

    def fit_of(self, proto: Any) -> FitFact | None:
        """The finalised fit of a fit proto (for predictions and evaluations that name it)."""
        if proto is None:
            return None
        return self._fits.get(id(proto))

    def encoding(self, p: Proto) -> EncodingFact:
        """An encoding fact, with the distinct levels the notebook printed for its columns."""
        a = p.args
        data: DataV | None = a.get("data")
        levels: dict[str, int] = {}
        seen: Observation | None = None
        if data is not None:
            for col in a["columns"]:
                for r in _roots(data):
                    entry = self.i.knowledge.get((r, col), {}).get("levels")
                    if entry:
                        levels[col] = entry[0]
                        seen = seen or Observation(entry[1], entry[2])
        return EncodingFact(
            "static",
            p.location,
            a["method"],
            self.ref(data),
            tuple(a["columns"]),
            levels,
            seen,
            a.get("bounded", False),
        )

    # ----------------------------------------------------------- data refs
    def ref(self, d: DataV | None) -> DataRef | None:
        """A frozen reference to data, with what outputs, loaders and the kernel say about it."""
        if d is None:
            return None
        cached = self._refs.get(id(d))
        if cached is not None:
            return cached
        kn = self.i.knowledge
        roots = _roots(d)
        root = roots[0] if len(roots) == 1 else None
        base = kn.get((root, None), {}) if root else {}
        shares = seen_shares = None
        n_classes = base.get("n_classes")
        # resampled rows no longer have the class shares printed for their source
        resampled = bool(d.applied & self.i.resampled)
        if root and d.pred_est is None and not resampled:
            keys = [(root, d.column)] if d.column else []
            if d.column in (None, "<target>"):
                keys.append((root, "<target>"))
            for key in keys:
                entry = kn.get(key, {}).get("shares")
                if entry:
                    shares, text, where = entry
                    seen_shares = Observation(text, where)
                    n_classes = len(shares)
                    break
        if d.column not in (None, "<target>") and seen_shares is None:
            n_classes = None
        scale_ratio = scale_seen = None
        if root and d.column is None and d.unscaled_known and not d.scaled and d.pred_est is None:
            scale_ratio = base.get("scale_ratio")
            if scale_ratio is not None:
                scale_seen = Observation(base.get("scale_text", ""))
            elif "scale_stds" in base:
                scale_ratio, scale_seen = self.scale_from_describe(*base["scale_stds"], d)
        order, order_seen = self.order_of(d, base)
        if d.n_features is not None:
            n_features = d.n_features or None  # 0: changed by a transformer, unknown
        else:
            n_features = base.get("n_features") if d.column is None else 1
        n_rows = (
            d.n_rows if d.n_rows is not None else (base.get("n_rows") if self.unsplit(d) else None)
        )
        if self.live is not None and d.pred_est is None:
            seen = self.live(d)
            if seen is not None:  # the kernel's objects confirm or refute what the code suggests
                n_rows = seen.n_rows if seen.n_rows is not None else n_rows
                n_features = seen.n_features or n_features
                if seen.shares:
                    shares, n_classes = seen.shares, len(seen.shares)
                    seen_shares = Observation(seen.shares_text or "", None, "live")
                if seen.scale_ratio is not None and not d.scaled:
                    scale_ratio = seen.scale_ratio
                    scale_seen = Observation(seen.scale_text or "", None, "live")
        ref = DataRef(
            name=d.name,
            version=d.version,
            rows=self.strip(d.rows),
            scaled=d.scaled,
            n_rows=n_rows,
            n_features=n_features,
            n_classes=n_classes if d.pred_est is None else None,
            class_shares=shares,
            class_shares_seen=seen_shares,
            scale_ratio=scale_ratio,
            scale_seen=scale_seen,
            order=order,
            order_seen=order_seen,
            dataset=base.get("dataset"),
            origin=d.origin,
            applied=frozenset(d.applied),
            outside=next((t for r in roots if (t := kn.get((r, None), {}).get("outside"))), None),
        )
        self._refs[id(d)] = ref
        return ref

    def scale_from_describe(
        self, stds: list[tuple[str, float]], where: Location, d: DataV
    ) -> tuple[float | None, Observation | None]:
        """Feature scales from a printed describe(), leaving out the target and unused columns."""
        keep = [
            (n, s)
            for n, s in stds
            if n not in self.i.target_columns
            and n not in d.dropped
            and (d.columns is None or n in d.columns)
        ]
        if len(keep) < 2:
            return None, None
        lo = min(keep, key=lambda p: p[1])
        hi = max(keep, key=lambda p: p[1])
        ratio = hi[1] / lo[1]
        text = (
            f"the printed describe() shows std {_fmt(lo[1])} for '{lo[0]}' "
            f"and {_fmt(hi[1])} for '{hi[0]}' ({ratio:,.0f}-fold)"
        )
        return ratio, Observation(text, where)

    def unsplit(self, d: DataV) -> bool:
        """Whether the rows are a whole dataset (no real split cut them)."""
        return all(len(p) == 1 for p in self.strip(d.rows).paths)

    def strip(self, rows: RowSet) -> RowSet:
        """Lineage without the steps of filters that are no splits, turned-round splits swapped."""
        if not self._void and not self._swapped:
            return rows
        return RowSet(
            frozenset(
                tuple(
                    _swap(s, self._swapped)
                    for s in p
                    if not (isinstance(s, tuple) and s[0] in self._void)
                )
                for p in rows.paths
            )
        )

    def order_of(self, d: DataV, base: dict[str, Any]) -> tuple[str | None, Observation | None]:
        """How the rows are ordered before a split (by label, time, id), and the evidence."""
        if d.order == SHUFFLED:  # a permutation, sample(frac=1) or shuffle(): no stored order
            return None, None
        if d.order is not None:
            col = d.order[1]
            if col in self.i.target_columns:
                kind = "label"
            elif col and is_time_column(col, self.i.time_columns):
                kind = "time"
            elif col and any(col.lower() == h or col.lower().endswith(h) for h in ID_HINTS):
                kind = "id"
            else:
                kind = "other"
            return kind, Observation(f"rows are sorted by '{col}' before the split")
        text = base.get("order")
        if text:
            return "label", Observation(text)
        return None, None


def _swap(step: Any, swapped: set[str]) -> Any:
    """A lineage step with parts 0 and 1 exchanged when its split is turned round."""
    if isinstance(step, tuple) and step[0] in swapped and step[1] in (0, 1):
        return (step[0], 1 - step[1])
    return step


def _train_first(tok: SplitToken) -> list[DataV]:
    """A turned-round split lists its parts training side first, as every split does."""
    if not tok.swapped:
        return tok.parts
    return [p for p in tok.parts if _last_part(p, tok) == 1] + [
        p for p in tok.parts if _last_part(p, tok) != 1
    ]


def _last_part(d: DataV, tok: SplitToken) -> int | None:
    """Which part of the split a value's rows were last cut to (None: not by this split)."""
    for path in d.rows.paths:
        for step in path[1:]:
            if isinstance(step, tuple) and step[0] == tok.split_id:
                return step[1]
    return None
