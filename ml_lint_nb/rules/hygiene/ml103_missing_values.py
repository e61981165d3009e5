"""ML103 missing-values: columns with a high share of nulls, including disguised nulls."""

from __future__ import annotations

from collections.abc import Iterator

from ml_lint_nb.facts.model import ColumnSummary
from ml_lint_nb.facts.store import FactStore
from ml_lint_nb.findings import Evidence, Finding, Severity
from ml_lint_nb.rules.base import LIVE, Rule, Threshold
from ml_lint_nb.rules.data_evidence import frames, inspected, sample_note, share
from ml_lint_nb.rules.hygiene.subjects import column_subject


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
        """One finding per frame: columns mostly missing, or holding a null code.

        A code such as -999 is reported even when rare, because a model learns
        it as a real value.
        """
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
        """One column's missing share, with nulls and disguised codes counted apart.

        The reader needs to know which values to replace by NaN and which are
        already NaN.
        """
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
