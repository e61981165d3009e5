"""Abstract values of the static interpreter: what a name is known to hold.

The interpreter never runs code; it tracks, per binding, whether the name
holds data (and which rows: a :class:`RowSet` lineage), an estimator (and
what it was fitted on), predictions of a model, a library reference, a
literal, a collection, or one of several alternatives (a loop variable).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ml_lint_nb.facts.model import EstimatorInfo, RowSet
from ml_lint_nb.findings import Location


class V:
    """Base of all abstract values."""


@dataclass(eq=False)
class UnknownV(V):
    pass


UNKNOWN = UnknownV()


@dataclass(eq=False)
class LitV(V):
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
    col_applied: dict[str, frozenset[str]] | None = None
    window: bool = False  # df.rolling(7) / expanding() / ewm(): reductions stay per row
    # columns assigned back scaled (``df[cols] = scaler.transform(df[cols])``): selecting
    # only those columns gives scaled features
    scaled_cols: frozenset[str] = frozenset()
    order: tuple[str, str] | None = None  # ("sorted", column)
    ctor: tuple[str, dict[str, Any], Location] | None = None  # a call of an unknown class
    # predictions of a model
    pred_est: EstV | None = None
    pred_method: str | None = None
    pred_X: DataV | None = None
    pred_fit: Any = None  # the proto fit record the model had when predicting

    @property
    def label(self) -> str:
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


_DERIVE_RESET = {"name": None, "version": None, "ctor": None, "pred_est": None, "window": False}


@dataclass(eq=False)
class StatV(V):
    """A statistic of data (``df.mean()``): fitting it on test rows leaks.

    Numbers derived from statistics (``age_avg - age_std``) stay statistics
    of the union of their rows; the fit is recorded where one reaches data.
    """

    data: DataV
    stat: str


@dataclass(eq=False)
class GroupByV(V):
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
        return self.count if self.count is not None else max(len(self.alts), 2)


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
    if isinstance(v, IndexerV | IndexV):
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
