"""ML102 constant-column: a column with one distinct value (or all null)."""

from __future__ import annotations

from collections.abc import Iterator

from ml_lint_nb.facts.store import FactStore
from ml_lint_nb.findings import Evidence, Finding, Severity
from ml_lint_nb.rules.base import LIVE, Rule
from ml_lint_nb.rules.data_evidence import frames, inspected, sample_note
from ml_lint_nb.rules.hygiene.subjects import column_subject


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
        """One finding per frame, listing every column that cannot inform a model."""
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
