"""ML105 mixed-types: an object column mixing numbers and strings, or numbers stored as strings."""

from __future__ import annotations

from collections.abc import Iterator

from ml_lint_nb.facts.model import ColumnSummary
from ml_lint_nb.facts.store import FactStore
from ml_lint_nb.findings import Evidence, Finding, Severity
from ml_lint_nb.rules.base import LIVE, Rule, Threshold
from ml_lint_nb.rules.data_evidence import frames, sample_note, share
from ml_lint_nb.rules.hygiene.subjects import column_subject

# Python type names of numbers, as frames.type_name reports them.
CODES_NOTE = (
    "; if these digits are labels (a branch or product code), text is right and this is advice"
)
NUMBER_TYPES = frozenset({"int", "float", "bool", "complex", "Decimal"})


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
        Threshold(
            "min_whole_numbers_share",
            0.999,
            "share of values that are plain digit strings (no sign, point or other text) from "
            "which numbers stored as text are advice (info): they may be labels such as codes",
        ),
    )

    def check(self, store: FactStore) -> Iterator[Finding]:
        """One finding per frame, led by its first problem column (ten at most as evidence)."""
        limit = self.threshold("min_numeric_strings")
        whole = self.threshold("min_whole_numbers_share")
        for fact in frames(store):
            evidence = []
            weak = []
            for col in fact.columns:
                text = self._problem(col, limit)
                if text:
                    weak.append(self._labels_maybe(col, whole))
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
                f"{fact.name}: {evidence[0].text}{tail}{sample_note(fact)}"
                f"{CODES_NOTE if all(weak) else ''}.",
                fact.location,
                subject=column_subject((e.data.get("column") for e in evidence), fact.name),
                evidence=evidence[:10],
                severity=Severity.INFO if all(weak) else None,
            )

    @staticmethod
    def _labels_maybe(col: ColumnSummary, whole: float) -> bool:
        """Whole numbers as text and nothing else: as likely labels as a parsing slip.

        A parsing slip leaves a stray token, a sign or a decimal point among the
        numbers; a column whose every value is a plain run of digits is what
        ``astype(str)`` makes of a branch or product code on purpose. Advice only.
        """
        return not col.mixed_types and col.whole_numbers and col.numeric_strings >= whole

    @staticmethod
    def _problem(col: ColumnSummary, limit: float) -> str | None:
        """What is wrong with a column's types, in words, or None when nothing is.

        Numbers mixed with strings come first (the usual parsing error), then
        any other mix, then numbers stored as text, except code-like columns
        (zip codes, ids) whose digits are labels.
        """
        types = set(col.mixed_types)
        numbers = types & NUMBER_TYPES
        if len(types) > 1 and numbers and "str" in types:
            return f"mixes numbers and strings ({', '.join(sorted(types))})"
        if len(types) > 1 and not types <= NUMBER_TYPES:
            return f"mixes types ({', '.join(sorted(types))})"
        if col.numeric_strings >= limit and not col.code_like:
            return f"stores numbers as text ({share(col.numeric_strings)} of its values parse as numbers)"
        return None
