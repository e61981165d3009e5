"""The common vocabulary of ML events and observations.

Static extraction and the live kernel both produce these frozen records, so
the rules reason about evidence without knowing where it came from. A value
the code cannot show is ``None`` ("unknown"), never a guess.

Rows are described by lineage, not content: a :class:`RowSet` is a set of
paths ``(root, (split_id, part), ...)``. A value derived from ``df`` without
splitting has the path ``(root,)``; the held-out side of the first split of
it has ``(root, ("S1", 1))``. One set of rows *includes* another when one of
its paths is a prefix of one of the other's, which is what "fitted on data
that contains the test rows" means.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ml_lint_nb.findings import Location

RowPath = tuple[Any, ...]  # (root: str, *(split_id: str, part: int))


@dataclass(frozen=True)
class RowSet:
    """The lineage of a value's rows (see module docstring)."""

    paths: frozenset[RowPath] = frozenset()

    @classmethod
    def root(cls, root_id: str) -> RowSet:
        return cls(frozenset({(root_id,)}))

    @property
    def known(self) -> bool:
        return bool(self.paths)

    def part(self, split_id: str, index: int) -> RowSet:
        return RowSet(frozenset(p + ((split_id, index),) for p in self.paths))

    def union(self, other: RowSet) -> RowSet:
        return RowSet(self.paths | other.paths)

    def includes(self, other: RowSet) -> bool:
        """True when some rows of ``other`` are certainly among these rows."""
        return any(_is_prefix(mine, theirs) for mine in self.paths for theirs in other.paths)

    def roles(self) -> frozenset[str]:
        return frozenset(path_role(p) for p in self.paths)


def _is_prefix(short: RowPath, long: RowPath) -> bool:
    return len(short) <= len(long) and long[: len(short)] == short


def path_role(path: RowPath) -> str:
    """Role of a lineage path: ``all``, ``train``, ``validation`` or ``test``.

    The held-out side of a split of the full data is the test set; a split of
    a training part carves out a validation set; a split of a held-out part
    (``X_val, X_test = split(X_temp)``) yields validation then test.
    """
    role = "all"
    for _split, part in path[1:]:
        if role == "all":
            role = "train" if part == 0 else "test"
        elif role == "train":
            role = "train" if part == 0 else "validation"
        elif role == "test":
            role = "validation" if part == 0 else "test"
        # a split of a validation part stays validation
    return role


@dataclass(frozen=True)
class Observation:
    """A piece of evidence about data that the code (or the kernel) shows."""

    text: str
    location: Location | None = None
    source: str = "static"


@dataclass(frozen=True)
class DataRef:
    """What is known about one data value (frame, array, series) at one use."""

    name: str | None
    version: str | None
    rows: RowSet = field(default_factory=RowSet)
    scaled: bool = False  # a scaler/normaliser was applied on the way here
    # Knowledge that the code shows; None = unknown.
    n_rows: int | None = None
    n_features: int | None = None
    n_classes: int | None = None
    class_shares: tuple[float, ...] | None = None
    class_shares_seen: Observation | None = None
    # ratio of the largest to the smallest feature standard deviation, when the
    # code shows it (a known dataset, a printed describe()); None = unknown
    scale_ratio: float | None = None
    scale_seen: Observation | None = None
    order: str | None = None  # "label" | "time" | "id" | "other" when rows are known to be ordered
    order_seen: Observation | None = None
    dataset: str | None = None  # e.g. "load_wine", "make_classification", "read_csv"
    origin: str | None = None  # the named value an unnamed expression derives from

    @property
    def label(self) -> str:
        if self.name:
            return self.name
        return f"data derived from {self.origin}" if self.origin else "the data"

    @property
    def minority_share(self) -> float | None:
        if not self.class_shares:
            return None
        return min(self.class_shares)


@dataclass(frozen=True)
class EstimatorInfo:
    """An estimator as constructed: class, kinds, literal parameters."""

    est_id: str  # stable within one analysis: construction site
    cls: str  # short class name, e.g. "StandardScaler"
    qualname: str  # e.g. "sklearn.preprocessing.StandardScaler"
    kinds: frozenset[str]
    params: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    binding: str | None = None
    location: Location | None = None
    steps: tuple[EstimatorInfo, ...] = ()  # Pipelines, searches (the wrapped estimator)
    configs: int = 1  # how many distinct configurations this construction stands for

    def has_kind(self, kind: str) -> bool:
        return kind in self.kinds

    def all_steps(self) -> tuple[EstimatorInfo, ...]:
        out: list[EstimatorInfo] = []
        for s in self.steps:
            out.append(s)
            out.extend(s.all_steps())
        return tuple(out)

    @property
    def final(self) -> EstimatorInfo:
        """The last step of a pipeline (or the estimator itself)."""
        if "pipeline" in self.kinds and self.steps:
            return self.steps[-1].final
        if "search" in self.kinds and self.steps:
            return self.steps[0].final
        return self

    def config_key(self) -> tuple[Any, ...]:
        return (self.qualname, tuple(sorted((k, repr(v)) for k, v in self.params.items())))


@dataclass(frozen=True)
class Fact:
    source: str
    location: Location


@dataclass(frozen=True)
class SplitFact(Fact):
    split_id: str
    method: str  # train_test_split | slice | head_tail | mask | sample | splitter
    inputs: tuple[DataRef, ...]
    parts: tuple[DataRef, ...]  # outputs in order: train parts then held-out parts
    shuffle: bool | None  # None: unknown
    stratified: bool
    seeded: bool
    time_series: bool = False


@dataclass(frozen=True)
class EstimatorFact(Fact):
    """An estimator constructed in the code."""

    estimator: EstimatorInfo
    in_loop: bool = False


@dataclass(frozen=True)
class FitFact(Fact):
    estimator: EstimatorInfo
    method: str  # fit | fit_transform | fit_predict | fit_resample | cross_val | search
    X: DataRef | None
    y: DataRef | None
    subject: tuple[str, ...] = ()
    in_loop: bool = False
    direct: bool = True  # False when fitted inside cross-validation or a search


@dataclass(frozen=True)
class PredictFact(Fact):
    estimator: EstimatorInfo
    method: str  # predict | predict_proba | decision_function | transform
    X: DataRef | None
    fit: FitFact | None = None
    subject: tuple[str, ...] = ()


@dataclass(frozen=True)
class EvaluationFact(Fact):
    """A score computed for a model on some data."""

    metric: str  # accuracy_score | score | f1_score | classification_report | ...
    estimator: EstimatorInfo | None
    X: DataRef | None  # the rows evaluated on (via .score(X) or predict(X))
    y_true: DataRef | None
    prediction: str | None  # predict | predict_proba | decision_function | None
    fit: FitFact | None = None  # the fit that produced the evaluated state, when known
    per_class: bool = False  # a per-class report (classification_report, confusion matrix)
    in_loop: bool = False
    subject: tuple[str, ...] = ()


@dataclass(frozen=True)
class CrossValFact(Fact):
    """Cross-validation or a hyper-parameter search (the model is refitted per fold)."""

    estimator: EstimatorInfo
    function: str
    X: DataRef | None
    y: DataRef | None


@dataclass(frozen=True)
class EncodingFact(Fact):
    method: str  # get_dummies | OneHotEncoder
    data: DataRef | None
    columns: tuple[str, ...]
    levels: dict[str, int] = field(default_factory=dict, hash=False, compare=False)
    levels_seen: Observation | None = None
    bounded: bool = False  # max_categories / min_frequency / sparse-aware options set


@dataclass(frozen=True)
class RandomCallFact(Fact):
    """A random function call outside estimators (``make_classification``, ``resample``)."""

    function: str
    seeded: bool
    in_loop: bool = False


@dataclass(frozen=True)
class SeedFact(Fact):
    """A global random seed (``np.random.seed``, ``random.seed``)."""

    function: str
    in_loop: bool = False


@dataclass(frozen=True)
class CellOrderFact(Fact):
    """Saved execution counts of the code cells, in notebook order."""

    counts: tuple[tuple[int, int | None], ...]  # (cell position, execution_count)
    cell_ids: tuple[str | None, ...] = ()  # the code cells' own ids, same order


@dataclass(frozen=True)
class UseBeforeDefFact(Fact):
    """A name used in a cell but defined only in a later cell."""

    name: str
    defined_at: Location
