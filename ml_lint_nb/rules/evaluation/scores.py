"""Scores the kernel measured, shared by the live score rules (ML405 to ML408).

They agree on which metrics rise with quality, which roles count as held
out, and how a measured score is quoted as evidence.
"""

from __future__ import annotations

from ml_lint_nb.facts.model import ScoreFact
from ml_lint_nb.findings import Evidence

HIGHER_IS_BETTER = frozenset({"accuracy", "roc_auc", "r2"})


HELD_OUT = frozenset({"test", "validation"})


def score_evidence(s: ScoreFact) -> Evidence:
    """One kernel-measured score as evidence: metric, value, rows and the binary extras."""
    rows = f"{s.n_rows:,} rows" + (" (sampled)" if s.sampled else "")
    text = f"{s.model}: {s.metric} {s.value:.3f} on {s.data} ({s.role}, {rows})"
    data: dict[str, object] = {
        "metric": s.metric,
        "value": round(s.value, 4),
        "role": s.role,
        "data": s.data,
        "n_rows": s.n_rows,
        "sampled": s.sampled,
    }
    extras = (
        ("positive_rate", s.positive_rate, "positive rate"),
        ("mean_predicted", s.mean_predicted, "mean predicted"),
        ("ece", s.ece, "ECE"),
        ("recall_at_default", s.recall_at_default, "minority recall at predict()"),
        ("suggested_threshold", s.suggested_threshold, "F1-best threshold"),
        ("recall_at_suggested", s.recall_at_suggested, "recall there"),
    )
    shown = []
    for key, value, label in extras:
        if value is not None:
            data[key] = round(value, 4)
            shown.append(f"{label} {value:.3f}")
    if shown:
        text += "; " + ", ".join(shown)
    return Evidence(s.source, "score", text, data)
