"""ML1xx: data hygiene. Most need the data itself (live); ML107 also reads the code."""

from __future__ import annotations

from collections.abc import Iterator

from ml_lint_nb.facts.model import EncodingFact
from ml_lint_nb.facts.store import FactStore
from ml_lint_nb.findings import Finding, Severity
from ml_lint_nb.rules.base import BOTH, LiveOnlyRule, Rule, Threshold
from ml_lint_nb.rules.common import data_label, observed


class DuplicateRows(LiveOnlyRule):
    """What it does
    Measures the share of exactly duplicated rows in a frame.

    Why is this bad?
    Duplicates inflate the weight of some examples and, once the data is
    split, put the same row on both sides, so the test score partly measures
    memory.

    Example
    ```python
    df = pd.concat([df, df.sample(500)])  # rows appended twice
    ```

    Use instead
    ```python
    df = df.drop_duplicates()
    ```
    """

    code, name, severity, pitfalls = "ML101", "duplicate-rows", Severity.WARNING, (34,)
    summary = "a frame with a notable share of exactly duplicated rows"
    fix = "Drop exact duplicates (df.drop_duplicates()) before splitting, or group duplicates on one side."
    thresholds = (Threshold("min_share", 0.01, "duplicate share that triggers the rule"),)


class ConstantColumn(LiveOnlyRule):
    """What it does
    Finds columns with a single distinct value (or only nulls).

    Why is this bad?
    A constant column carries no information; it costs memory and breaks
    scalers that divide by the standard deviation.

    Example
    ```python
    df["country"].unique()  # array(['DE'])
    ```

    Use instead
    ```python
    df = df.drop(columns=["country"])
    ```
    """

    code, name, severity, pitfalls = "ML102", "constant-column", Severity.INFO, (24,)
    summary = "a column with one distinct value (or all null)"
    fix = "Drop the column; it cannot inform a model."


class MissingValues(LiveOnlyRule):
    """What it does
    Reports columns with a high share of nulls, counting disguised nulls
    (``""``, ``"NA"``, ``"?"``, ``-999``) too.

    Why is this bad?
    Most estimators fail or silently mis-learn on missing values; disguised
    nulls are worse because they look like real values.

    Example
    ```python
    df["income"].replace(-999, ...)  # never done: -999 is learned as an income
    ```

    Use instead
    ```python
    df["income"] = df["income"].replace(-999, np.nan)
    pipe = make_pipeline(SimpleImputer(), model)
    ```
    """

    code, name, severity, pitfalls = "ML103", "missing-values", Severity.INFO, (24,)
    summary = "columns with a high share of nulls, including disguised nulls"
    fix = "Decide per column: impute inside a Pipeline, add a missing-indicator, or drop it."
    thresholds = (Threshold("min_share", 0.2, "null share that triggers the rule"),)


class SystematicMissingness(LiveOnlyRule):
    """What it does
    Finds nulls in one column concentrated in one category of another.

    Why is this bad?
    Missingness that depends on a group (``device`` missing only for
    android users) is information; imputing it away hides a data-collection
    bug or a proxy for the target.

    Example
    ```python
    df.groupby("os")["device"].apply(lambda s: s.isna().mean())  # android: 1.0
    ```

    Use instead
    ```python
    df["device_missing"] = df["device"].isna()  # and fix the collection
    ```
    """

    code, name, severity, pitfalls = "ML104", "systematic-missingness", Severity.WARNING, (28,)
    summary = "nulls in one column concentrated in one category of another column"
    fix = "Investigate why the values are missing for that group; model the missingness explicitly."


class MixedTypes(LiveOnlyRule):
    """What it does
    Finds object columns that mix numbers and strings, or hold numbers as strings.

    Why is this bad?
    Numbers stored as text are one-hot encoded or dropped instead of used as
    numbers; mixed columns usually mean a parsing error.

    Example
    ```python
    df["price"]  # ['12.5', '13', 'n/a', 14.0]
    ```

    Use instead
    ```python
    df["price"] = pd.to_numeric(df["price"], errors="coerce")
    ```
    """

    code, name, severity, pitfalls = "ML105", "mixed-types", Severity.WARNING, (16, 23)
    summary = "an object column mixing numbers and strings, or numbers stored as strings"
    fix = "Parse the column (pd.to_numeric / astype) and handle the values that fail."


class ExtremeOutliers(LiveOnlyRule):
    """What it does
    Finds numeric columns with extreme values by a robust z-score, with examples.

    Why is this bad?
    A few extreme values dominate means, variances and squared losses, and
    are often data errors.

    Example
    ```python
    df["age"].max()  # 999
    ```

    Use instead
    ```python
    df = df[df["age"] < 120]  # or clip, or a robust model
    ```
    """

    code, name, severity, pitfalls = "ML106", "extreme-outliers", Severity.INFO, (37,)
    summary = "numeric columns with extreme values (robust z-score far out)"
    fix = "Check the extreme values; fix, clip or model them robustly."
    thresholds = (Threshold("robust_z", 10.0, "robust z-score beyond which a value is extreme"),)


class HighCardinalityOneHot(Rule):
    """What it does
    Flags one-hot encoding (``pd.get_dummies``, ``OneHotEncoder``) of a
    column with thousands of levels, when the notebook shows the count.

    Why is this bad?
    Thousands of sparse dummy columns multiply memory and training time,
    give most levels a handful of rows, and fail on levels unseen in
    training.

    Example
    ```python
    df["zip_code"].nunique()   # 4,973
    X = pd.get_dummies(df, columns=["zip_code"])
    ```

    Use instead
    ```python
    enc = OneHotEncoder(min_frequency=50, handle_unknown="infrequent_if_exist")
    # or a hashing / target encoder fitted inside the pipeline
    ```
    """

    code, name, severity, pitfalls = "ML107", "high-cardinality-one-hot", Severity.WARNING, (48, 52)
    detect = BOTH
    summary = "one-hot encoding of a column with thousands of levels"
    fix = "Group rare levels (min_frequency / max_categories), hash the feature, or use a target or embedding encoder inside the pipeline."
    thresholds = (
        Threshold("max_levels", 1000, "number of levels above which one-hot encoding is flagged"),
    )

    def check(self, store: FactStore) -> Iterator[Finding]:
        limit = self.threshold("max_levels")
        for enc in store.of(EncodingFact):
            if enc.bounded:
                continue
            big = {c: n for c, n in enc.levels.items() if n >= limit}
            if not big:
                continue
            col, n = max(big.items(), key=lambda kv: kv[1])
            yield self.finding(
                f"{enc.method} one-hot encodes '{col}' of {data_label(enc.data)}, which has "
                f"{n:,} distinct values: that many sparse columns for one feature.",
                enc.location,
                subject=(col,),
                evidence=observed(enc.levels_seen, "cardinality", column=col, levels=n),
            )


class ClassImbalance(LiveOnlyRule):
    """What it does
    Reports a target whose minority class share is small.

    Why is this bad?
    With a rare class, accuracy and the default threshold mislead; this is
    the premise that arms ML208, ML401 and ML402.

    Example
    ```python
    y.value_counts(normalize=True)  # 0: 0.97, 1: 0.03
    ```

    Use instead
    ```python
    # stratify splits, use PR-AUC / recall, tune the threshold
    ```
    """

    code, name, severity, pitfalls = "ML108", "class-imbalance", Severity.INFO, (62, 78)
    summary = "a target whose minority class share is small"
    fix = "Stratify splits, evaluate with class-aware metrics, and choose the decision threshold deliberately."
    thresholds = (
        Threshold(
            "max_minority_share", 0.1, "minority share at or below which a target is imbalanced"
        ),
    )


class TooManyFeatures(LiveOnlyRule):
    """What it does
    Flags data with more features than a sane ratio to rows allows.

    Why is this bad?
    With features close to or above the number of rows, models fit noise
    and cross-validation estimates become unstable.

    Example
    ```python
    X.shape  # (200, 5000)
    ```

    Use instead
    ```python
    # regularize strongly, select features inside CV, or collect more rows
    ```
    """

    code, name, severity, pitfalls = "ML109", "too-many-features", Severity.WARNING, (49, 55)
    summary = "more features than a sane ratio to rows allows"
    fix = "Reduce features inside the cross-validated pipeline, regularize, or get more rows."
    thresholds = (
        Threshold("max_features_per_row", 0.5, "features/rows ratio that triggers the rule"),
    )
