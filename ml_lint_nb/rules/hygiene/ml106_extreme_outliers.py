"""ML106 extreme-outliers: numeric columns with extreme values (robust z-score far out)."""

from __future__ import annotations

from collections.abc import Iterator

from ml_lint_nb.facts.model import ColumnSummary
from ml_lint_nb.facts.store import FactStore
from ml_lint_nb.findings import Evidence, Finding, Severity
from ml_lint_nb.rules.base import LIVE, Rule, Threshold
from ml_lint_nb.rules.data_evidence import frames, number, sample_note
from ml_lint_nb.rules.hygiene.subjects import column_subject


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
        """One finding per frame, worst column first.

        A column must pass both the robust and the plain z-score, so a sharply
        peaked column with a tiny MAD is not called extreme.
        """
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
