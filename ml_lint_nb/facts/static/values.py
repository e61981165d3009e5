"""Abstract values of the static interpreter: what a name is known to hold.

The interpreter never runs code; it tracks, per binding, whether the name
holds data (and which rows: a :class:`RowSet` lineage), an estimator (and
what it was fitted on), predictions of a model, a library reference, a
literal, a collection, or one of several alternatives (a loop variable).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any

from ml_lint_nb.facts.model import EstimatorInfo, RowSet
from ml_lint_nb.facts.static.persistent import EMPTY, PMap


class V:
    """Base of all abstract values."""


@dataclass(eq=False)
class UnknownV(V):
    """Nothing is known about the value; every operation on it stays unknown."""


UNKNOWN = UnknownV()


@dataclass(eq=False)
class LitV(V):
    """A literal (number, string, bool, None) whose value the code spells out."""

    value: Any


@dataclass(eq=False)
class RefV(V):
    """A module, function or class from an import (``sklearn.svm.SVC``)."""

    qualname: str


@dataclass(eq=False)
class FuncV(V):
    """A function (or lambda) defined in the notebook; inlined at call sites."""

    node: Any
    name: str


@dataclass(eq=False)
class DataV(V):
    """Data: a frame, array or series, with the lineage of its rows."""

    rows: RowSet
    name: str | None = None
    version: str | None = None
    column: str | None = None  # a single selected column ("<target>" for a loader's y)
    scaled: bool = False
    unscaled_known: bool = True  # False after PCA/encoding: the root's scales no longer apply
    n_features: int | None = None  # overrides the root's when a step changed it; 0 = unknown
    n_rows: int | None = None  # when the code shows it for this value (a printed shape)
    columns: tuple[str, ...] | None = None  # a literal column selection, df[["a", "b"]]
    dropped: frozenset[str] = frozenset()  # columns dropped by name on the way here
    origin: str | None = None  # the nearest named value this one derives from, for messages
    applied: frozenset[str] = frozenset()  # est_ids of fitted transformers this data came out of
    # est_ids that reached single columns (``df["age"] = ...``), so that selecting or
    # dropping columns keeps or loses them; ids not listed here belong to the whole frame
    col_applied: ColumnIds | None = None
    window: bool = False  # df.rolling(7) / expanding() / ewm(): reductions stay per row
    # columns assigned back scaled (``df[cols] = scaler.transform(df[cols])``): selecting
    # only those columns gives scaled features
    scaled_cols: frozenset[str] = frozenset()
    order: tuple[str, str] | None = None  # ("sorted", column)
    # the lineage roots of a concatenation of separately loaded frames, in stacking order
    # (pd.concat([train, test])): slicing it back restores them
    stacked: tuple[str, ...] | None = None
    # predictions of a model
    pred_est: EstV | None = None
    pred_method: str | None = None
    pred_X: DataV | None = None
    pred_fit: Any = None  # the proto fit record the model had when predicting

    @property
    def label(self) -> str:
        """How a message names this data: its binding, its column, or "the data"."""
        if self.name:
            return self.name
        return f"'{self.column}'" if self.column and self.column != "<target>" else "the data"

    def derive(self, **changes: Any) -> DataV:
        """A new value over the same rows (row-preserving operation).

        A plain ``__dict__`` copy: this runs for most expressions of a
        notebook, and ``dataclasses.replace`` costs several times more.
        """
        new = object.__new__(DataV)
        new.__dict__.update(self.__dict__)
        new.__dict__["origin"] = self.name or self.origin
        new.__dict__.update(_DERIVE_RESET)
        new.__dict__.update(changes)
        return new


def selection_of(d: DataV, origin: str) -> str | None:
    """``origin[['a', 'b']]`` (or a column, or a ``drop``) for data that selects columns of
    ``origin`` without changing its rows; None for anything else."""
    if d.column is not None and d.column != "<target>":
        return f"{origin}[{d.column!r}]"
    if d.columns is not None:
        return f"{origin}[{list(d.columns)!r}]"
    if d.dropped:
        return f"{origin}.drop(columns={sorted(d.dropped)!r})"
    return None


_DERIVE_RESET = {"name": None, "version": None, "pred_est": None, "window": False}


class ColumnIds:
    """Which fitted state reached which single columns of a frame (persistent).

    ``cols`` maps a column to the est_ids assigned into it; ``counts`` says in
    how many columns each id occurs, so "is this id on some column" costs a
    lookup, not a union over every column. Each assignment returns a new
    value sharing the rest, so a cell of thousands of column assignments
    stays linear.
    """

    __slots__ = ("cols", "counts")

    def __init__(self, cols: PMap = EMPTY, counts: PMap = EMPTY) -> None:
        """Bookkeeping sharing the given maps (empty by default)."""
        self.cols = cols
        self.counts = counts

    def __bool__(self) -> bool:
        """Whether any column carries fitted state."""
        return bool(self.cols)

    def __len__(self) -> int:
        """How many columns carry fitted state."""
        return len(self.cols)

    def ids_of(self, col: str) -> frozenset[str]:
        """The est_ids assigned into one column."""
        return self.cols.get(col, frozenset())

    def has_id(self, est_id: str) -> bool:
        """Whether the id reached some column (a lookup, not a union over columns)."""
        return est_id in self.counts

    def assign(self, col: str, ids: frozenset[str]) -> ColumnIds:
        """The column's ids replaced by ``ids``."""
        old = self.cols.get(col)
        counts = self.counts
        for i in old or ():
            if i not in ids:
                n = counts.get(i, 0) - 1
                counts = counts.set(i, n) if n > 0 else counts.remove(i)
        for i in ids:
            if old is None or i not in old:
                counts = counts.set(i, counts.get(i, 0) + 1)
        return ColumnIds(self.cols.set(col, ids), counts)

    def only(self, cols: Iterable[str]) -> ColumnIds:
        """The bookkeeping of a column selection: only these columns' ids."""
        out = ColumnIds()
        for c in cols:
            ids = self.cols.get(c)
            if ids is not None:
                out = out.assign(c, ids)
        return out

    def without(self, cols: Iterable[str]) -> ColumnIds:
        """The bookkeeping after dropping these columns."""
        out = self
        for c in cols:
            if c in out.cols:
                out = out.assign(c, frozenset())
                out = ColumnIds(out.cols.remove(c), out.counts)
        return out

    def all_ids(self) -> Iterator[str]:
        """Every id on some column, once each."""
        return self.counts.keys()


class AppliedIds(AbstractSet):
    """The est_ids that reached a frame: those of the whole frame plus those of its columns.

    A set view that is never materialised on the hot path: membership asks
    the two parts, and adding ids to the whole frame makes a new view that
    shares ``columns``. It stands wherever a frozenset of ids does.
    """

    __slots__ = ("whole", "columns")

    def __init__(self, whole: frozenset[str], columns: ColumnIds) -> None:
        """A view of the whole frame's ids and its columns' ids."""
        self.whole = whole
        self.columns = columns

    @classmethod
    def _from_iterable(cls, it: Iterable[str]) -> frozenset[str]:
        """Set operations other than ``|`` give plain frozensets."""
        return frozenset(it)

    def __contains__(self, est_id: object) -> bool:
        """Membership asks the two parts; nothing is materialised."""
        return est_id in self.whole or self.columns.has_id(est_id)  # type: ignore[arg-type]

    def __iter__(self) -> Iterator[str]:
        """The whole frame's ids, then the columns' ids not among them."""
        yield from self.whole
        for i in self.columns.all_ids():
            if i not in self.whole:
                yield i

    def __len__(self) -> int:
        """How many distinct ids reached the frame."""
        return len(self.whole) + sum(1 for i in self.columns.all_ids() if i not in self.whole)

    def __bool__(self) -> bool:
        """Whether any fitted state reached the frame."""
        return bool(self.whole) or bool(self.columns.counts)

    def __or__(self, other: Iterable[str]) -> AppliedIds:  # type: ignore[override]
        """More ids for the whole frame; the column part is shared, not copied."""
        if isinstance(other, AppliedIds):
            if other.columns is self.columns:
                return AppliedIds(self.whole | other.whole, self.columns)
            other = frozenset(other)
        return AppliedIds(self.whole | frozenset(other), self.columns)

    __ror__ = __or__

    def union(self, *others: Iterable[str]) -> AppliedIds:
        """``self | a | b ...``, keeping the view."""
        out = self
        for o in others:
            out = out | o
        return out

    __hash__ = AbstractSet._hash


@dataclass(eq=False)
class StatV(V):
    """A statistic of data (``df.mean()``): fitting it on test rows leaks.

    Numbers derived from statistics (``age_avg - age_std``) stay statistics
    of the union of their rows; the fit is recorded where one reaches data.
    """

    data: DataV
    stat: str


@dataclass(eq=False)
class WindowV(V):
    """A window specification (Spark's ``Window.partitionBy("store").orderBy("week")``).

    An aggregate ``.over(w)`` of an unordered window is a statistic of each
    group's rows; over an ordered window whose frame ends before the current
    row (``rowsBetween(-4, -1)``) it reads past rows only, a feature of each
    row as a lag is.
    """

    keys: tuple[str, ...] = ()
    ordered: bool = False
    past_only: bool = False


@dataclass(eq=False)
class ExprV(V):
    """A column expression: polars ``pl.col("x") - pl.col("x").mean()``, Spark ``F.mean("x")``.

    What it computes is known only where a frame evaluates it
    (``df.with_columns(...)``, ``df.select(...)``, ``df.withColumn(...)``):
    its ``aggs`` are then statistics of that frame's rows, its ``stats``
    statistics computed elsewhere, of their own rows (see
    :mod:`.interpreter.expressions`).
    """

    columns: tuple[str, ...] = ()  # the columns it reads, when the code spells them
    aggs: tuple[str, ...] = ()  # statistics it takes of the rows it is evaluated on
    stats: tuple[StatV, ...] = ()  # statistics computed elsewhere, of their own rows
    rowwise: bool = True  # one value per row (False: an aggregate such as pl.col("x").mean())
    scaled: bool = False  # (x - mean) / std, (x - min) / (max - min)
    kind: str = "scaler"  # "imputer" when it fills nulls with a statistic, "shift" (x - mean)
    over: tuple[str, ...] | None = None  # its aggregates are taken per group (.over("city"))
    mask: tuple[str | None, str, str] | None = None  # a comparison: (column, op, other)


@dataclass(eq=False)
class ChosenV(V):
    """What a fit learned about the features (``rfe.support_``, ``rf.feature_importances_``,
    ``mutual_info_classif(X, y)``): choosing columns by it is a selection fitted on ``X``
    (with ``y``), see :mod:`.interpreter.choices`."""

    label: str  # how a message names it: "rfe.support_"
    X: DataV | None
    y: DataV | None
    where: Any = None  # the Location where it was learnt (the fit, the scoring call)


@dataclass(eq=False)
class GroupByV(V):
    """``df.groupby(keys)[column]``: its aggregates are statistics per group."""

    data: DataV
    keys: tuple[str, ...]
    column: str | None = None
    agg: str | None = None  # the aggregate taken (mean, median, sum), once known


@dataclass(eq=False)
class IndexerV(V):
    """``df.iloc`` / ``df.loc``: subscripting it selects rows."""

    data: DataV
    kind: str


@dataclass(eq=False)
class IndexV(V):
    """``df.index`` of some data (used in ``df.drop(train.index)``)."""

    data: DataV


@dataclass(eq=False)
class FreeV(V):
    """A name the notebook never assigns (a ``%run``, an earlier notebook, a star import).

    Used as data it is data of unknown size (``data``); asked to fit or
    predict it is an unknown model (see :mod:`.interpreter.outside`).
    """

    name: str
    data: DataV


@dataclass(eq=False)
class MaskV(V):
    """A boolean mask over a frame's column (``df.date < cutoff``)."""

    data: DataV
    column: str | None
    op: str
    other: str


@dataclass(eq=False)
class EstV(V):
    """An estimator object; mutable because ``fit`` changes it in place."""

    info: EstimatorInfo
    fitted_on: DataV | None = None
    fitted_y: DataV | None = None
    fit_record: Any = None
    inner: EstV | None = None  # searches: the wrapped estimator (best_estimator_)
    parts: SeqV | None = None  # composites: the list of steps they were given
    tuned_by: Any = None  # the fit record of a search whose choice built this estimator


@dataclass(eq=False)
class TunedV(V):
    """``search.best_params_``: a configuration chosen by a fitted search."""

    search: EstV


@dataclass(eq=False)
class SeqV(V):
    """A tuple, list or dict of values; ``split`` marks a splitter's result."""

    items: list[V]
    kind: str = "list"
    keys: list[Any] = field(default_factory=list)
    split: Any = None
    comp: bool = False  # built by a comprehension: one item stands for every element


@dataclass(eq=False)
class MultiV(V):
    """One of several alternatives (a loop variable over models or values)."""

    alts: list[V]
    count: int | None = None  # how many iterations, when known

    @property
    def n(self) -> int:
        """How many alternatives to count (a loop of unknown length counts as two)."""
        return self.count if self.count is not None else max(len(self.alts), 2)


@dataclass(eq=False)
class ScoreV(V):
    """A score (or a container of scores) and the evaluations it came from.

    ``evals`` holds the interpreter's evaluation records (``Proto``), so that
    picking the best of several scores names the evaluations it chose among.
    """

    evals: list[Any]


@dataclass(eq=False)
class FoldIndexV(V):
    """Row indices one side of a splitter's folds yields (``tr``/``te`` in ``kf.split(X)``)."""

    split_id: str
    part: int


@dataclass(eq=False)
class CallbackV(V):
    """A training callback that keeps the best iteration (early stopping, best checkpoint)."""

    how: str


# DataV.order of rows put in random order (a permutation, sample(frac=1), shuffle())
SHUFFLED = ("shuffled", None)


# ------------------------------------------------------- estimator parameters
class Varies:
    """A parameter that takes several values (a loop variable): the model is tuned over it."""

    def __init__(self, n: int) -> None:
        """A parameter taking ``n`` values."""
        self.n = n

    def __repr__(self) -> str:
        """Shown as ``<3 values>`` in messages."""
        return f"<{self.n} values>"


class Expr:
    """A parameter given by an expression the linter cannot evaluate (shown as written)."""

    def __init__(self, text: str) -> None:
        """A parameter given as the source text ``text``."""
        self.text = text

    def __repr__(self) -> str:
        """Shown as written."""
        return self.text


class EstRef:
    """A parameter that is itself an estimator (``base_estimator=SVC()``), shown by class."""

    def __init__(self, cls: str) -> None:
        """A parameter that is an estimator of class ``cls``."""
        self.cls = cls

    def __repr__(self) -> str:
        """Shown as ``SVC(...)``."""
        return f"{self.cls}(...)"


def stat_of(v: V) -> StatV | None:
    """The statistic a value stands for (a statistic, or a collection holding one)."""
    v = first(v)
    if isinstance(v, StatV):
        return v
    if isinstance(v, SeqV) and v.kind in ("dict", "list", "tuple"):
        for item in v.items:
            s = stat_of(item)
            if s is not None:
                return s
    return None


def first(v: V) -> V:
    """Collapse alternatives where only one value can be used."""
    while isinstance(v, MultiV):
        v = v.alts[0] if v.alts else UNKNOWN
    return v


def data_of(v: V) -> DataV | None:
    """The data a value stands for, if it is data (predictions count)."""
    v = first(v)
    if isinstance(v, DataV):
        return v
    if isinstance(v, IndexerV | IndexV | FreeV):
        return v.data
    if isinstance(v, StatV):
        return None
    if isinstance(v, SeqV) and v.items and v.kind in ("list", "tuple"):
        datas = [d for d in (data_of(i) for i in v.items) if d is not None]
        if datas:
            rows, applied = datas[0].rows, datas[0].applied
            for d in datas[1:]:
                rows = rows.union(d.rows)
                applied = applied | d.applied
            return datas[0].derive(rows=rows, applied=applied)
    return None


# ------------------------------------------------------ fitted state per column
def applied_of(datas: list[DataV]) -> frozenset[str]:
    """The fitted state that reached any of several values (their ``applied`` sets joined)."""
    out = datas[0].applied
    for d in datas[1:]:
        if d.applied:
            out = out | d.applied
    return out


def whole_ids(d: DataV) -> frozenset[str]:
    """The ids of ``d.applied`` that reached the whole frame, not single columns."""
    cols = d.col_applied
    if not cols:
        return frozenset(d.applied)
    applied = d.applied
    if isinstance(applied, AppliedIds) and applied.columns is cols:
        return applied.whole
    return frozenset(i for i in applied if not cols.has_id(i))


def with_column_ids(frame: DataV, col: str | None, ids: frozenset[str]) -> DataV:
    """The same frame (name, version kept) with fitted state reaching one column."""
    new = object.__new__(DataV)
    new.__dict__.update(frame.__dict__)
    if col is None:
        new.applied = frame.applied | ids
        return new
    whole = whole_ids(frame)
    cols = (frame.col_applied or ColumnIds()).assign(col, frozenset(ids) - whole)
    new.col_applied = cols
    new.applied = AppliedIds(whole, cols)
    return new


def columns_kept(d: DataV, cols: tuple[str, ...], drop: bool = False) -> dict[str, Any]:
    """``applied``/``col_applied`` after selecting (or dropping) literal columns."""
    if not d.col_applied:
        return {}
    whole = whole_ids(d)
    if drop:
        kept = d.col_applied.without(cols)
        return {"applied": AppliedIds(whole, kept) if kept else whole, "col_applied": kept or None}
    kept = d.col_applied.only(cols)
    applied = whole.union(*(kept.ids_of(c) for c in cols))
    return {"applied": applied, "col_applied": kept or None}


# ------------------------------------------------------------- reading arguments
def kw_set(kwargs: dict[str, V], key: str) -> bool:
    """Whether a keyword argument is given and not a literal ``None`` (``random_state=42``)."""
    v = kwargs.get(key)
    if v is None:
        return False
    return not (isinstance(v, LitV) and v.value is None)


def strings(v: V | None) -> list[str]:
    """The literal strings of a value: ``"age"`` or ``["age", "fare"]`` (column names)."""
    if isinstance(v, LitV) and isinstance(v.value, str):
        return [v.value]
    if isinstance(v, SeqV):
        return [i.value for i in v.items if isinstance(i, LitV) and isinstance(i.value, str)]
    return []


# ------------------------------------------------------------ loops and unpacking
def iter_element(it: V) -> V:
    """What a loop variable over ``it`` stands for: each item, each key, each row."""
    it = first(it) if not isinstance(it, MultiV) else it
    if isinstance(it, SeqV):
        if it.kind == "dict":
            keys = [LitV(k) for k in it.keys] or [UNKNOWN]
            return MultiV(keys, len(it.keys) or None)
        if it.kind == "items":
            return MultiV(list(it.items), len(it.items) or None)
        if not it.items:
            return UNKNOWN
        return MultiV(list(it.items), len(it.items))
    if isinstance(it, MultiV | ChosenV):
        return it
    d = data_of(it)
    if d is not None:
        # each row, or each value of an array (``for C in np.logspace(-3, 3, 7)``): several
        # values, how many unknown, so a model built from one is tuned over it
        return MultiV([d.derive()], d.n_rows)
    return UNKNOWN


def unpack(value: V, n: int) -> list[V]:
    """``a, b = value``: the items of a sequence, or ``n`` copies of data (per alternative)."""
    if isinstance(value, MultiV):
        per_alt = [unpack(a, n) for a in value.alts]
        return [MultiV([p[i] for p in per_alt], value.count) for i in range(n)]
    if isinstance(value, SeqV) and len(value.items) == n:
        return list(value.items)
    if isinstance(value, ChosenV):  # for c, keep in zip(X.columns, rfe.support_)
        return [value] * n
    d = data_of(value)
    if d is not None:
        return [d.derive() for _ in range(n)]
    return [UNKNOWN] * n
