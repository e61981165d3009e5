"""ML101 duplicate-rows: a frame with a notable share of exactly duplicated rows."""

from __future__ import annotations

from collections.abc import Iterator

from ml_lint_nb.facts.model import FrameFact
from ml_lint_nb.facts.store import FactStore
from ml_lint_nb.findings import Evidence, Finding, Severity
from ml_lint_nb.rules.base import LIVE, Rule, Threshold
from ml_lint_nb.rules.data_evidence import frames, inspected, rows_text, sample_note, share


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
        """One finding per frame whose duplicate share reaches min_share.

        A frame whose columns allow few distinct rows (see _expected) is left
        out: there repeats are arithmetic, not a data error.
        """
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
