"""ML104 systematic-missingness: nulls in one column concentrated in one category of another column."""

from __future__ import annotations

from collections.abc import Iterator

from ml_lint_nb.facts.store import FactStore
from ml_lint_nb.findings import Evidence, Finding, Severity
from ml_lint_nb.rules.base import LIVE, Rule
from ml_lint_nb.rules.data_evidence import detail_note, frames, share
from ml_lint_nb.rules.hygiene.subjects import column_subject


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
        """One finding per frame from the group-wise missingness its summary measured.

        The first column leads the message and the others are evidence, so one
        data-collection problem stays one finding.
        """
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
