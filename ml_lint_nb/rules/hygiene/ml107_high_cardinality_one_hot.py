"""ML107 high-cardinality-one-hot: one-hot encoding of a column with thousands of levels."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ml_lint_nb.facts.model import EncodingFact
from ml_lint_nb.facts.store import FactStore
from ml_lint_nb.findings import Finding, Severity
from ml_lint_nb.rules.base import BOTH, Rule, Threshold
from ml_lint_nb.rules.common import data_label, observed


def identifier(column: str) -> bool:
    """A column named as an identifier (one level per entity): id, user_id, order_uuid,
    customerID, CustomerId."""
    return bool(re.search(r"(?:^|[_\s])(?:id|uuid|guid)$", column, re.IGNORECASE)) or bool(
        re.search(r"[a-z](?:ID|Id)$", column)
    )


class HighCardinalityOneHot(Rule):
    """What it does
    Flags one-hot encoding (``pd.get_dummies``, ``OneHotEncoder``, also
    inside a ColumnTransformer) of a column with thousands of levels, when
    the notebook shows the count: a printed ``nunique()``, or a column the
    code generates from that many values. A column named as an identifier
    (``customer_id``) encoded with no count shown is advice (``info``).

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
            ids = [c for c in enc.columns if c not in enc.levels and identifier(c)]
            if not big and ids:
                yield self.finding(
                    f"{enc.method} one-hot encodes '{ids[0]}' of {data_label(enc.data)}, which is "
                    "named as an identifier: one column per id, and an id not seen in training "
                    "gets none; the code does not show how many there are.",
                    enc.location,
                    subject=(ids[0],),
                    severity=Severity.INFO,
                )
                continue
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
