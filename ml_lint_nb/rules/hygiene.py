"""ML1xx: data hygiene. Most need the data itself (live); ML107 also reads the code."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ml_lint_nb.facts.model import ColumnSummary, EncodingFact, FrameFact
from ml_lint_nb.facts.store import FactStore
from ml_lint_nb.findings import Evidence, Finding, Severity
from ml_lint_nb.rules.base import BOTH, LIVE, Rule, Threshold
from ml_lint_nb.rules.common import data_label, observed
from ml_lint_nb.rules.data_evidence import (
    detail_note,
    frames,
    inspected,
    live_facts,
    number,
    rows_text,
    sample_note,
    share,
)


def column_subject(columns: Iterable[object], frame: str) -> tuple[str, ...]:
    """A data finding's subject: the columns it is about, not the frame that carries them.

    ``df``, ``X_train`` and ``X_test`` carrying the same constant column are
    one problem, so they share one subject and merge into one finding that
    names all three (:func:`ml_lint_nb.findings.merge_findings`).
    """
    names = sorted({str(c) for c in columns if c is not None})
    return ("columns", *names) if names else (frame,)


# Python type names of numbers, as frames.type_name reports them.
NUMBER_TYPES = frozenset({"int", "float", "bool", "complex", "Decimal"})
# Targets with more classes are ordinal or regression-like: imbalance is not the question.
MAX_IMBALANCE_CLASSES = 20


class DuplicateRows(Rule):
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
    detect = LIVE
    summary = "a frame with a notable share of exactly duplicated rows"
    fix = "Drop exact duplicates (df.drop_duplicates()) before splitting, or group duplicates on one side."
    thresholds = (
        Threshold("min_share", 0.01, "duplicate share that triggers the rule"),
        Threshold(
            "min_row_space",
            100,
            "skip frames whose columns allow fewer distinct rows than this many per row "
            "(product of distinct counts): duplicates are then expected, not an error",
        ),
    )

    def check(self, store: FactStore) -> Iterator[Finding]:
        limit = self.threshold("min_share")
        for fact in frames(store):
            n_dup = fact.duplicate_rows or 0
            rows = inspected(fact)
            if n_dup == 0 or n_dup / rows < limit or self._expected(fact, rows):
                continue
            examples = rows_text(fact.duplicate_examples)
            eg = f", e.g. rows {examples}" if examples else ""
            text = (
                f"{n_dup:,} of {rows:,} rows ({share(n_dup / rows)}) are exact duplicates of "
                f"an earlier row{eg}{sample_note(fact)}"
            )
            yield self.finding(
                f"{fact.name}: {text}; they weigh twice in training and, once split, sit on "
                "both sides.",
                fact.location,
                subject=(fact.name,),
                evidence=[
                    Evidence(
                        "live",
                        "duplicate-rows",
                        text,
                        {
                            "duplicates": n_dup,
                            "rows": rows,
                            "share": round(n_dup / rows, 4),
                            "examples": list(fact.duplicate_examples),
                            "sampled": fact.sample_rows is not None,
                        },
                    )
                ],
            )

    def _expected(self, fact: FrameFact, rows: int) -> bool:
        """True when the columns hold too few distinct values for rows to be unique."""
        if len(fact.columns) < fact.n_cols:
            return False
        space = 1.0
        for col in fact.columns:
            if col.n_unique is None:
                return False
            space *= col.n_unique + (1 if col.n_null else 0)
        return space < self.threshold("min_row_space") * rows


class ConstantColumn(Rule):
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
    detect = LIVE
    summary = "a column with one distinct value (or all null)"
    fix = "Drop the column; it cannot inform a model."

    def check(self, store: FactStore) -> Iterator[Finding]:
        for fact in frames(store):
            rows = inspected(fact)
            # one value and some nulls is a missing-indicator, not a constant
            const = [
                c
                for c in fact.columns
                if c.n_unique is not None
                and c.n_unique <= 1
                and (c.n_null == 0 or c.n_null >= rows)
            ]
            if not const:
                continue
            described = [
                f"{c.name!r} (all null)" if c.n_null >= rows else f"{c.name!r} (one value)"
                for c in const
            ]
            shown = ", ".join(described[:5]) + (
                f" and {len(described) - 5} more" if len(described) > 5 else ""
            )
            what = "column holds" if len(const) == 1 else "columns hold"
            yield self.finding(
                f"{fact.name}: {len(const)} {what} a single value: {shown}{sample_note(fact)}.",
                fact.location,
                subject=column_subject((c.name for c in const), fact.name),
                evidence=[
                    Evidence(
                        "live",
                        "constant-column",
                        f"{c.name!r}: "
                        + ("every value is null" if c.n_null >= rows else "one distinct value")
                        + f" in {rows:,} rows",
                        {"column": c.name, "n_unique": c.n_unique, "nulls": c.n_null},
                    )
                    for c in const[:10]
                ],
            )


class MissingValues(Rule):
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
    detect = LIVE
    summary = "columns with a high share of nulls, including disguised nulls"
    fix = "Decide per column: impute inside a Pipeline, add a missing-indicator, or drop it."
    thresholds = (
        Threshold("min_share", 0.2, "null share that triggers the rule"),
        Threshold(
            "min_disguised",
            5,
            "disguised nulls (-999, 'n/a', ...) that trigger the rule at any share (and 1% of rows)",
        ),
    )

    def check(self, store: FactStore) -> Iterator[Finding]:
        limit = self.threshold("min_share")
        for fact in frames(store):
            rows = inspected(fact)
            disguised_min = self.threshold("min_disguised")
            hits = [
                (c, (c.n_null + c.n_disguised) / rows)
                for c in fact.columns
                if (c.n_null + c.n_disguised) / rows >= limit
                # a missing-value code hides among real values: worth a note even when rare
                or c.n_disguised >= max(disguised_min, 0.01 * rows)
            ]
            if not hits:
                continue
            hits.sort(key=lambda h: -h[1])
            parts = [f"{c.name!r} {share(s)}" for c, s in hits[:5]]
            more = f" and {len(hits) - 5} more" if len(hits) > 5 else ""
            disguised = any(c.n_disguised for c, _ in hits)
            mostly = all(s >= limit for _, s in hits)
            what = "mostly missing" if mostly else "with missing values"
            yield self.finding(
                f"{fact.name}: {len(hits)} column{'s' if len(hits) > 1 else ''} {what}: "
                f"{', '.join(parts)}{more}"
                + (" (counting disguised nulls such as -999 or 'n/a')" if disguised else "")
                + f"{sample_note(fact)}.",
                fact.location,
                subject=column_subject((c.name for c, _ in hits), fact.name),
                evidence=[self._evidence(c, s, rows) for c, s in hits[:10]],
            )

    @staticmethod
    def _evidence(col: ColumnSummary, missing: float, rows: int) -> Evidence:
        text = f"{col.name!r}: {share(missing)} of {rows:,} rows missing"
        details = []
        if col.n_null:
            details.append(f"{col.n_null:,} null")
        if col.n_disguised:
            values = ", ".join(repr(v) for v in col.disguised_values)
            details.append(f"{col.n_disguised:,} disguised as {values}")
        if details:
            text += f" ({'; '.join(details)})"
        return Evidence(
            "live",
            "missing-values",
            text,
            {
                "column": col.name,
                "share": round(missing, 4),
                "nulls": col.n_null,
                "disguised": col.n_disguised,
                "disguised_values": list(col.disguised_values),
            },
        )


class SystematicMissingness(Rule):
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
    detect = LIVE
    summary = "nulls in one column concentrated in one category of another column"
    fix = "Investigate why the values are missing for that group; model the missingness explicitly."

    def check(self, store: FactStore) -> Iterator[Finding]:
        for fact in frames(store):
            if not fact.missingness:
                continue
            evidence = []
            for k, (col, cat, value, inside, outside) in enumerate(fact.missingness):
                size = fact.missingness_rows[k] if k < len(fact.missingness_rows) else None
                count = f" ({size:,})" if size else ""
                text = (
                    f"{col!r} is null for {share(inside)} of {cat} == {value!r} rows{count} "
                    f"and {share(outside)} elsewhere"
                )
                evidence.append(
                    Evidence(
                        "live",
                        "systematic-missingness",
                        text,
                        {
                            "column": col,
                            "by": cat,
                            "value": value,
                            "share_in": round(inside, 4),
                            "share_elsewhere": round(outside, 4),
                            "rows": size,
                        },
                    )
                )
            more = len(evidence) - 1
            tail = f"; {more} more column{'s' if more > 1 else ''} likewise" if more else ""
            yield self.finding(
                f"{fact.name}: {evidence[0].text}{tail}{detail_note(fact)}: the missingness "
                "follows a group, so it carries information.",
                fact.location,
                subject=column_subject((e.data.get("column") for e in evidence), fact.name),
                evidence=evidence,
            )


class MixedTypes(Rule):
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
    detect = LIVE
    summary = "an object column mixing numbers and strings, or numbers stored as strings"
    fix = "Parse the column (pd.to_numeric / astype) and handle the values that fail."
    thresholds = (
        Threshold(
            "min_numeric_strings",
            0.8,
            "share of a text column's values that parse as numbers for it to count as numbers stored as text",
        ),
    )

    def check(self, store: FactStore) -> Iterator[Finding]:
        limit = self.threshold("min_numeric_strings")
        for fact in frames(store):
            evidence = []
            for col in fact.columns:
                text = self._problem(col, limit)
                if text:
                    evidence.append(
                        Evidence(
                            "live",
                            "mixed-types",
                            f"{col.name!r} ({col.dtype}) {text}",
                            {
                                "column": col.name,
                                "types": list(col.mixed_types),
                                "numeric_strings": round(col.numeric_strings, 4),
                            },
                        )
                    )
            if not evidence:
                continue
            more = len(evidence) - 1
            tail = f"; {more} more column{'s' if more > 1 else ''} likewise" if more else ""
            yield self.finding(
                f"{fact.name}: {evidence[0].text}{tail}{sample_note(fact)}.",
                fact.location,
                subject=column_subject((e.data.get("column") for e in evidence), fact.name),
                evidence=evidence[:10],
            )

    @staticmethod
    def _problem(col: ColumnSummary, limit: float) -> str | None:
        types = set(col.mixed_types)
        numbers = types & NUMBER_TYPES
        if len(types) > 1 and numbers and "str" in types:
            return f"mixes numbers and strings ({', '.join(sorted(types))})"
        if len(types) > 1 and not types <= NUMBER_TYPES:
            return f"mixes types ({', '.join(sorted(types))})"
        if col.numeric_strings >= limit and not col.code_like:
            return f"stores numbers as text ({share(col.numeric_strings)} of its values parse as numbers)"
        return None


def _plain_z(c: ColumnSummary) -> float:
    """How many standard deviations the most extreme example lies from the median."""
    if not c.outlier_examples or not c.std or c.median is None:
        return float("inf")  # no detail to refute the robust score
    return max(abs(v - c.median) for v in c.outlier_examples) / c.std


class ExtremeOutliers(Rule):
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
    detect = LIVE
    summary = "numeric columns with extreme values (robust z-score far out)"
    fix = "Check the extreme values; fix, clip or model them robustly."
    thresholds = (
        Threshold("robust_z", 10.0, "robust z-score beyond which a value is extreme"),
        Threshold(
            "min_z",
            6.0,
            "plain z-score (in standard deviations) the value must also reach, so a sharply "
            "peaked but well-behaved column (tiny MAD) is not called extreme",
        ),
    )

    def check(self, store: FactStore) -> Iterator[Finding]:
        limit = self.threshold("robust_z")
        for fact in frames(store):
            min_z = self.threshold("min_z")
            hits = [
                c
                for c in fact.columns
                if c.max_robust_z is not None and c.max_robust_z >= limit and _plain_z(c) >= min_z
            ]
            if not hits:
                continue
            hits.sort(key=lambda c: -(c.max_robust_z or 0))
            evidence = []
            for c in hits[:10]:
                eg = ", ".join(number(v) for v in c.outlier_examples)
                median = number(c.median) if c.median is not None else "?"
                evidence.append(
                    Evidence(
                        "live",
                        "robust-z",
                        f"{c.name!r} reaches {c.max_robust_z:,.0f} robust z-scores from its "
                        f"median {median}" + (f" (e.g. {eg})" if eg else ""),
                        {
                            "column": c.name,
                            "max_robust_z": round(float(c.max_robust_z or 0), 2),
                            "median": c.median,
                            "examples": list(c.outlier_examples),
                        },
                    )
                )
            more = len(hits) - 1
            tail = f"; {more} more column{'s' if more > 1 else ''} likewise" if more else ""
            yield self.finding(
                f"{fact.name}: {evidence[0].text}{tail}{sample_note(fact)}.",
                fact.location,
                subject=column_subject((c.name for c in hits), fact.name),
                evidence=evidence,
            )


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


class ClassImbalance(Rule):
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
    detect = LIVE
    summary = "a target whose minority class share is small"
    fix = "Stratify splits, evaluate with class-aware metrics, and choose the decision threshold deliberately."
    thresholds = (
        Threshold(
            "max_minority_share", 0.1, "minority share at or below which a target is imbalanced"
        ),
    )

    def check(self, store: FactStore) -> Iterator[Finding]:
        limit = self.threshold("max_minority_share")
        for fact in frames(store):
            counts = fact.class_counts
            k = len(counts)
            if not 2 <= k <= MAX_IMBALANCE_CLASSES:
                continue
            total = sum(c for _, c in counts)
            label, smallest = min(counts, key=lambda lc: lc[1])
            minority = smallest / total if total else 0.0
            # a balanced k-class target gives each class 1/k: scale the binary limit
            if minority > limit * 2 / k:
                continue
            target = repr(fact.target) if fact.target else "the target"
            shares = " / ".join(share(c / total) for _, c in counts[:5])
            text = (
                f"class {label!r} holds {share(minority)} of {total:,} rows "
                f"({smallest:,}; {shares}){sample_note(fact)}"
            )
            yield self.finding(
                f"{fact.name}: {target} is imbalanced: {text}; accuracy and the default "
                "threshold will flatter the model.",
                fact.location,
                subject=("target", str(fact.target)) if fact.target else (fact.name,),
                evidence=[
                    Evidence(
                        "live",
                        "class-counts",
                        text,
                        {
                            "target": fact.target,
                            "minority_share": round(minority, 4),
                            "class_counts": {lbl: c for lbl, c in counts[:10]},
                        },
                    )
                ],
            )


class TooManyFeatures(Rule):
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
    detect = LIVE
    summary = "more features than a sane ratio to rows allows"
    fix = "Reduce features inside the cross-validated pipeline, regularize, or get more rows."
    thresholds = (
        Threshold("max_features_per_row", 0.5, "features/rows ratio that triggers the rule"),
        Threshold("min_features", 10, "frames with fewer features are never flagged"),
    )

    def check(self, store: FactStore) -> Iterator[Finding]:
        ratio = self.threshold("max_features_per_row")
        fewest = self.threshold("min_features")
        for fact in live_facts(store, FrameFact, ("name",)):
            if fact.purpose != "data" or fact.kind == "Series" or fact.n_rows <= 0:
                continue
            if fact.n_cols < fewest:
                continue
            per_row = fact.n_cols / fact.n_rows
            if per_row <= ratio:
                continue
            text = f"{fact.n_cols:,} features for {fact.n_rows:,} rows ({per_row:.2g} per row)"
            yield self.finding(
                f"{fact.name}: {text}; a model can fit noise exactly and cross-validation "
                "scores swing.",
                fact.location,
                subject=(fact.name,),
                evidence=[
                    Evidence(
                        "live",
                        "shape",
                        text,
                        {"rows": fact.n_rows, "features": fact.n_cols, "ratio": round(per_row, 4)},
                    )
                ],
            )
