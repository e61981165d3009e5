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

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ml_lint_nb.facts.location import Location

RowPath = tuple[Any, ...]  # (root: str, *(split_id: str, part: int))

# The part index of a cross-validation splitter's held-out fold (``for tr, te in
# KFold(5).split(X)``): validation rows, whatever the rows it divides were.
FOLD = 2


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
        if part == FOLD:
            role = "validation"
        elif role == "all":
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
    applied: frozenset[str] = frozenset()  # est_ids of the fitted transformers it came out of
    # the rows come from a name the notebook never assigns: what the code shows of where
    # ("X comes from outside this notebook (%run prepare.py in cell 2); its size is unknown")
    outside: str | None = None

    @property
    def label(self) -> str:
        if self.name:
            return self.name
        return f"data derived from {self.origin}" if self.origin else "the data"

    def imbalanced(self, max_minority_share: float) -> bool:
        """Imbalanced as a binary target with that minority share would be.

        The minority share is judged against a balanced split of the same
        number of classes: ten classes of 10% each are balanced, not rare.
        """
        if not self.class_shares or len(self.class_shares) < 2:
            return False
        k = len(self.class_shares)
        return min(self.class_shares) * k <= max_minority_share * 2

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
            # a stateless last stage (Spark's VectorAssembler, IndexToString) fits nothing
            doing = [s for s in self.steps if "stateless" not in s.kinds]
            return (doing or list(self.steps))[-1].final
        if self.kinds & {"search", "wrapper"} and self.steps:
            return self.steps[0].final  # a search or wrapper predicts with what it wraps
        return self

    def config_key(self) -> tuple[Any, ...]:
        """What makes two constructions one configuration: class, parameters, and the same of
        every step or wrapped estimator (two Pipelines differ by what they hold)."""
        own = (self.qualname, tuple(sorted((k, repr(v)) for k, v in self.params.items())))
        if not self.steps:
            return own
        return (*own, tuple(s.config_key() for s in self.steps))


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
    in_loop: bool = False  # drawn again on each pass of a loop (a repeated hold-out)


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
    # the fit of a search whose chosen configuration (best_params_ / best_estimator_)
    # built this estimator: its rows chose the hyper-parameters
    tuned_by: FitFact | None = None
    # other places of the same fit: ``X -= X.mean(); X /= X.std()`` is one standardisation
    also: tuple[Location, ...] = ()


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
class GroupingFact(Fact):
    """The notebook groups rows by columns (``df.groupby("patient_id")``)."""

    data: DataRef | None
    keys: tuple[str, ...]


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


@dataclass(frozen=True)
class BaselineCellFact(Fact):
    """A code cell the notebook labels as its baseline (a comment, a string, or the
    markdown just above says "baseline"): models built there are the baseline."""

    cell: int


@dataclass(frozen=True)
class SelectionFact(Fact):
    """A choice among model variants made by their scores on some data.

    ``how`` is ``early stopping`` / ``best checkpoint`` (the fit itself keeps the
    iteration that scores best on ``data``) or ``max`` / ``argmax`` / ``sort`` /
    ``keeps the best`` / ``kept in best_k`` (code that picks among computed
    scores). ``evaluations`` are the evaluations picked among (empty for early
    stopping).
    """

    how: str
    model: str  # what is being chosen, for messages
    data: DataRef | None = None
    evaluations: tuple[EvaluationFact, ...] = ()


# ---------------------------------------------------------------------------
# Live facts: what only a running kernel can observe. Produced by
# ml_lint_nb.facts.live.*; every number is computed from the user's objects
# without mutating them, on a sample above the configured size cap.


@dataclass(frozen=True)
class ColumnSummary:
    """One column of a frame (or one feature of an array)."""

    name: str
    dtype: str
    n_null: int  # real nulls (NaN/None/NaT)
    n_disguised: int = 0  # "", "NA", "?", -999, ... counted separately
    disguised_values: tuple[str, ...] = ()
    n_unique: int | None = None
    numeric: bool = False
    std: float | None = None
    median: float | None = None
    max_robust_z: float | None = None  # max |x - median| / (1.4826 * MAD)
    outlier_examples: tuple[float, ...] = ()
    mixed_types: tuple[str, ...] = ()  # e.g. ("float", "str") for an object column
    numeric_strings: float = 0.0  # share of non-null values that are numbers stored as text
    code_like: bool = False  # those texts are identifiers or codes (zip, id, leading zeros)
    whole_numbers: bool = False  # every numeric text is a plain run of digits (no sign or point)


@dataclass(frozen=True)
class FrameFact(Fact):
    """A DataFrame, Series or array a cell bound or used, summarised."""

    name: str
    kind: str  # "DataFrame" | "Series" | "ndarray"
    n_rows: int
    n_cols: int
    columns: tuple[ColumnSummary, ...] = ()
    sample_rows: int | None = None  # rows actually inspected when sampled; None = all
    duplicate_rows: int | None = None
    duplicate_examples: tuple[int, ...] = ()  # row positions of a few duplicates
    # nulls of one column concentrated in one category of another:
    # (null column, category column, category value, null share in it, null share elsewhere)
    missingness: tuple[tuple[str, str, str, float, float], ...] = ()
    target: str | None = None  # the column (or binding) used as the target, when known
    class_counts: tuple[tuple[str, int], ...] = ()  # of the target, largest first
    # single-feature predictiveness of the target: (feature, score, how) with score the
    # feature's power alone (AUC, one-vs-rest AUC or |correlation|) and how "auc", "corr"
    # or a shape: "copy", "flag", "group-stat", "future", "own-window", "identifier"
    predictive: tuple[tuple[str, float, str], ...] = ()
    # rows of the category behind each ``missingness`` entry (same order, inspected rows)
    missingness_rows: tuple[int, ...] = ()
    # rows used by the sampled checks (predictiveness, missingness) when fewer than inspected
    detail_rows: int | None = None
    # per feature of ``predictive``: what its shape was measured with (coverage of a
    # flag, own-label gain of a group statistic, "others_best": the best power alone of
    # the other features, leaks and identifiers left out)
    predictive_detail: tuple[tuple[str, tuple[tuple[str, object], ...]], ...] = ()
    # the best power alone of any feature that has no leak shape (None: not measured)
    best_power: float | None = None
    # "data": a frame the user made (the data rules judge it); "fit-data": the
    # rows an outlier-sensitive estimator learned from, summarised for ML303/ML305 only
    purpose: str = "data"
    # duplicate rows chance alone explains, from each column's own value frequencies
    duplicate_expected: float | None = None
    # the resampler whose draws with replacement made the duplicates, when the code shows one
    # (``resample(replace=True) at cell [3] line 2``); they are copies, not chance
    copies_made_by: str | None = None


@dataclass(frozen=True)
class OverlapFact(Fact):
    """Rows of a test part that also occur in its training part (row hashes)."""

    train: str
    test: str
    n_test: int
    n_overlap: int
    examples: tuple[int, ...] = ()  # positions in the test part
    sampled: bool = False
    n_checked: int | None = None  # test rows actually hashed when sampled; None = all
    # class counts of the targets of the two parts, largest first (when targets are given)
    train_class_counts: tuple[tuple[str, int], ...] = ()
    test_class_counts: tuple[tuple[str, int], ...] = ()
    # test rows expected to coincide with some training row by chance alone (few distinct
    # values per column make coincidences common); None = not estimated
    n_expected: float | None = None
    model: str | None = None  # the model fitted on ``train`` and evaluated on ``test``, if any


@dataclass(frozen=True)
class FitRowsEvaluationFact(Fact):
    """A model scored on rows that (nearly) all are rows it was fitted on (row hashes).

    Reported only while the same fit has no evaluation on rows disjoint
    from its fit rows: beside a held-out score it is a training score.
    """

    model: str
    train: str  # the fit data, as the code names it
    test: str  # the evaluated rows, as the code names them
    how: str  # score | accuracy_score | ...
    n_test: int
    n_inside: int  # evaluated rows found among the fit rows
    n_fit: int
    subset: bool  # a strict part of the fit rows (fit on all rows, scored on a part)


@dataclass(frozen=True)
class DataNameFact(Fact):
    """The frame whose rows a data expression holds, as the notebook names it.

    ``train[["a", "b"]]``, ``X_train = train.drop(columns="y")`` and ``train``
    hold the same rows, so a finding about those rows (copies shared with a
    test set, drift, time order) names them ``train`` in its subject whichever
    spelling a model call or ``%mlcheck`` used: the same fact is one finding.
    """

    label: str  # the expression as a fact quotes it (``train[['a', 'b']]``)
    rows: str  # the name of the frame its rows are (``train``)


@dataclass(frozen=True)
class TemporalSplitFact(Fact):
    """A random split over time-stamped rows: test rows earlier than training's latest."""

    train: str
    test: str
    column: str
    train_max: str
    test_min: str
    share_earlier: float  # share of test rows dated before the training set's latest
    model: str | None = None  # the model fitted on ``train`` and evaluated on ``test``, if any
    how: str = "split"  # "split" (two parts) | "cross-validation" (held-out folds)
    n_test: int | None = None  # evaluation rows whose time was read
    frame: str | None = None  # the frame the time column was found in, when not the data


@dataclass(frozen=True)
class GroupLeakageFact(Fact):
    """Rows of one entity (a patient, a user, a store) on both sides of a fit/evaluation pair.

    ``column`` holds the entity of each row; it may be absent from the data
    itself and found in the frame the rows came from, through
    the index (``frame``). ``feature_icc`` and ``target_icc`` say how alike an entity's
    rows are (intra-class correlation: 0 for rows grouped at random, 1 for
    copies), measured on the fit rows; ``alike`` lists the most alike features.
    """

    train: str
    test: str
    column: str
    n_test: int  # evaluation rows whose entity was read
    n_seen: int  # evaluation rows whose entity also has fit rows
    shared: int  # entities with rows on both sides
    n_entities: int  # entities among the fit rows
    rows_per_entity: float  # mean fit rows per entity
    feature_icc: float | None  # median over the features compared
    target_icc: float | None
    alike: tuple[tuple[str, float], ...] = ()  # (feature, ICC), most alike first
    n_features: int = 0  # features compared
    frame: str | None = None  # the frame the entity column was found in, when not the data
    model: str | None = None
    how: str = "split"  # "split" | "cross-validation"
    splitter: str | None = None  # the cross-validation splitter, when known


@dataclass(frozen=True)
class DriftFact(Fact):
    """Per-feature distribution differences between a train and a test part."""

    train: str
    test: str
    # (feature, KS statistic, PSI, Wasserstein distance in training standard deviations),
    # largest KS first
    features: tuple[tuple[str, float, float, float], ...]
    sampled: bool = False
    n_train: int | None = None  # rows compared on each side (after sampling)
    n_test: int | None = None
    n_features: int | None = None  # features compared (the rule's null threshold counts them)
    n_excluded: int = 0  # test rows left out as copies of training rows (ML201's business)
    # the time column when every test row is dated at or after the training rows' latest: an
    # out-of-time split, whose drift is expected (a forecast's test period differs)
    chronological: str | None = None
    # rows come in clusters (an entity's repeated rows): n rows weigh as n / design_effect
    # independent ones when judging what chance explains
    design_effect: float = 1.0


@dataclass(frozen=True)
class FittedFact(Fact):
    """A fitted estimator read through its public trailing-underscore attributes."""

    name: str
    cls: str
    kinds: frozenset[str]
    params: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    n_samples_seen: int | None = (
        None  # n_samples_seen_, n_samples_fit_, tree root counts, class counts
    )
    n_features_in: int | None = None
    n_iter: int | None = None  # max over n_iter_ entries
    max_iter: int | None = None
    loss_curve: tuple[float, ...] = ()
    steps: tuple[FittedFact, ...] = ()  # pipeline / column-transformer parts, in order
    mean: tuple[float, ...] = ()  # a scaler's mean_ (first features), to match statistics
    data_min: tuple[float, ...] = ()  # MinMaxScaler's data_min_/data_max_ (first features)
    data_max: tuple[float, ...] = ()
    feature_names: tuple[str, ...] = ()  # feature_names_in_ (first names), when fitted on a frame
    n_estimators: int | None = None  # len(estimators_) of an ensemble (its members are not walked)


@dataclass(frozen=True)
class WarningFact(Fact):
    """A warning raised while a cell ran (observed, never filtered)."""

    category: str  # "ConvergenceWarning", "UndefinedMetricWarning", ...
    message: str
    module: str | None = None


@dataclass(frozen=True)
class ScoreFact(Fact):
    """A model scored by the hook itself on data the cell predicted on (bounded rows)."""

    model: str
    cls: str
    data: str  # binding name of the rows scored
    role: str  # "train" | "test" | "validation" | "all"
    metric: str  # "accuracy" | "r2" | "roc_auc" ...
    value: float
    n_rows: int
    positive_rate: float | None = None  # observed share of the positive class
    mean_predicted: float | None = None  # mean predicted probability of the positive class
    recall_at_default: float | None = None  # minority recall with predict() (threshold 0.5)
    suggested_threshold: float | None = None  # F1-best threshold from a precision-recall curve
    recall_at_suggested: float | None = None
    ece: float | None = None  # expected calibration error (10 bins)
    sampled: bool = False


def iter_fitted(fact: FittedFact) -> Iterator[tuple[FittedFact, tuple[FittedFact, ...]]]:
    """``fact`` and every part below it, each with its enclosing facts (outermost first)."""
    stack: list[tuple[FittedFact, tuple[FittedFact, ...]]] = [(fact, ())]
    while stack:
        current, outer = stack.pop()
        yield current, outer
        for part in reversed(current.steps):
            stack.append((part, (*outer, current)))
