"""ML107 high-cardinality-one-hot: one-hot encoding of a column with thousands of levels."""

from __future__ import annotations

from collections.abc import Iterator

from ml_lint_nb.facts.model import EncodingFact
from ml_lint_nb.facts.store import FactStore
from ml_lint_nb.findings import Finding, Severity
from ml_lint_nb.rules.base import BOTH, Rule, Threshold
from ml_lint_nb.rules.common import data_label, observed


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
        """One finding per unbounded one-hot encoding, about its largest column.

        Encodings bounded by min_frequency or max_categories already group rare
        levels and stay silent.
        """
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
