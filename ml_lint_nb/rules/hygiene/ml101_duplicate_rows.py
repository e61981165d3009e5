"""ML101 duplicate-rows: a frame with a notable share of exactly duplicated rows."""

from __future__ import annotations

import math
from collections.abc import Iterator

from ml_lint_nb.facts.model import FrameFact
from ml_lint_nb.facts.store import FactStore
from ml_lint_nb.findings import Evidence, Finding, Severity
from ml_lint_nb.rules.base import LIVE, Rule, Threshold
from ml_lint_nb.rules.data_evidence import frames, inspected, rows_text, sample_note, share


class DuplicateRows(Rule):
    """What it does
    Measures the share of exactly duplicated rows in a frame, beyond what
    chance explains: columns of few values (counts, categories) repeat by
    arithmetic, judged from each column's own value frequencies. Rows drawn
    with replacement (``resample(replace=True)``, ``sample(frac=2)``, an
    over-sampler) from data that is then split are reported with the draw
    that made them.

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
            "where the chance of repeats was not measured (Spark, polars lazy frames): skip "
            "frames whose columns allow fewer distinct rows than this many per row (product of "
            "distinct counts)",
        ),
    )

    def check(self, store: FactStore) -> Iterator[Finding]:
        """One finding per frame whose duplicates beyond chance reach min_share.

        Chance is judged from each column's own value frequencies
        (``duplicate_expected``): 2,500 rows of small counts repeat by
        arithmetic. Rows drawn with replacement (``copies_made_by``) are copies
        whatever chance says, and the message names the draw.
        """
        limit = self.threshold("min_share")
        for fact in frames(store):
            n_dup = fact.duplicate_rows or 0
            rows = inspected(fact)
            if n_dup == 0 or n_dup / rows < limit:
                continue
            expected = fact.duplicate_expected
            if fact.copies_made_by is None:
                if expected is None and self._expected(fact, rows):
                    continue
                if expected is not None and not _beyond_chance(n_dup, expected, rows, limit):
                    continue
            examples = rows_text(fact.duplicate_examples)
            eg = f", e.g. rows {examples}" if examples else ""
            chance = (
                f"; chance alone explains about {expected:,.0f}"
                if expected is not None and expected >= 1 and fact.copies_made_by is None
                else ""
            )
            text = (
                f"{n_dup:,} of {rows:,} rows ({share(n_dup / rows)}) are exact duplicates of "
                f"an earlier row{eg}{sample_note(fact)}{chance}"
            )
            if fact.copies_made_by:
                text += f"; drawn with replacement by {fact.copies_made_by}"
                tail = (
                    "a split of these rows puts copies of the same row on both sides, and the "
                    "test score grades rows the model trained on."
                )
            else:
                tail = "they weigh twice in training and, once split, sit on both sides."
            yield self.finding(
                f"{fact.name}: {text}; {tail}",
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
                            "expected_by_chance": None if expected is None else round(expected, 1),
                            "made_by": fact.copies_made_by,
                        },
                    )
                ],
                fix=(
                    "Split first and over-sample only the training part (imblearn's Pipeline "
                    "does it per fold), or use class weights instead of copies."
                    if fact.copies_made_by
                    else None
                ),
            )

    def _expected(self, fact: FrameFact, rows: int) -> bool:
        """True when the columns hold too few distinct values for rows to be unique.

        The fallback when the chance of repeats was not measured (frames read
        where they live): the product of the distinct counts.
        """
        if len(fact.columns) < fact.n_cols:
            return False
        space = 1.0
        for col in fact.columns:
            if col.n_unique is None:
                return False
            space *= col.n_unique + (1 if col.n_null else 0)
        return space < self.threshold("min_row_space") * rows


def _beyond_chance(observed: int, expected: float, rows: int, limit: float) -> bool:
    """Duplicates beyond what chance explains: three standard deviations above a Poisson mean,
    and the excess itself a notable share of the rows."""
    if observed <= expected + 3.0 * math.sqrt(max(expected, 1.0)):
        return False
    return (observed - expected) / rows >= limit
