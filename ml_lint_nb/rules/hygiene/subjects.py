"""The subject of a hygiene finding: the columns it is about, not the frame.

Shared by the column rules (ML102 to ML106), so that every frame carrying
the same bad column merges into one finding.
"""

from __future__ import annotations

from collections.abc import Iterable


def column_subject(columns: Iterable[object], frame: str) -> tuple[str, ...]:
    """A data finding's subject: the columns it is about, not the frame that carries them.

    ``df``, ``X_train`` and ``X_test`` carrying the same constant column are
    one problem, so they share one subject and merge into one finding that
    names all three (:func:`ml_lint_nb.findings.merge_findings`).
    """
    names = sorted({str(c) for c in columns if c is not None})
    return ("columns", *names) if names else (frame,)
