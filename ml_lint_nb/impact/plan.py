"""What a measurement of impact is given: how the model was fitted and scored, and its leaks.

The kernel side (:mod:`ml_lint_nb.ipython.impact`) finds these in the
session (the dataflow's fit and evaluation of the model, the user's
namespace read at ``%mlcheck impact`` time) and hands them over; nothing
here looks at a notebook or a namespace.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ml_lint_nb.findings import Finding
from ml_lint_nb.impact.metrics import Metric

# what a finding says about the model, as the honest refit needs it
COLUMN = "column"  # leaking feature columns (ML202): refit without them
TRANSFORMER = "transformer"  # a transformer fitted before the split (ML203): inside a Pipeline
COPIES = "copies"  # evaluation rows that are copies of fit rows (ML201): score without them
FIT_CONTAINS_EVAL = "fit-contains-eval"  # fitted on the evaluation rows (ML204): refit without
GROUPED = "grouped"  # one entity on both sides of a random split (ML211): a grouped split
TEMPORAL = "temporal"  # a random split of dated rows (ML207): a chronological split
KINDS = (COLUMN, TRANSFORMER, COPIES, FIT_CONTAINS_EVAL, GROUPED, TEMPORAL)


class Refusal(Exception):
    """A leak that cannot be measured; the message is one line for the user."""


@dataclass
class Setup:
    """How the notebook fitted and evaluated one model: what the refits repeat.

    ``model`` and the data are the user's objects: the model is only cloned
    (``sklearn.base.clone`` reads ``get_params()``) and asked to predict on a
    copy (whether the leaky refit reproduces it), the data only copied.
    """

    model_name: str
    model: Any
    X_fit: Any
    y_fit: Any
    X_eval: Any
    y_eval: Any
    fit_label: str
    eval_label: str
    metric: Metric


@dataclass
class Leak:
    """One finding attached to the model, with what its honest refit needs.

    ``columns``: the leaking columns (``column``). ``transformer`` (the
    user's, cloned only), its name, the rows it was fitted on
    (``transformer_X``/``transformer_y``, None when no name holds them any
    more) and how it was fitted (``fit`` or ``fit_transform``). ``groups_fit``
    and ``groups_eval``: the entity or time values of the fit and evaluation
    rows, in row order, for a grouped or chronological split on ``column``.
    ``refusal``: why it cannot be measured, decided before any refit.
    ``names``: what the columns of an array were called before they became
    one (``x4`` -> ``sent_to_collections``), for the words only.
    """

    finding: Finding
    kind: str
    columns: tuple[str, ...] = ()
    transformer: Any = None
    transformer_name: str = ""
    transformer_X: Any = None
    transformer_y: Any = None
    transformer_method: str = "fit"
    groups_fit: Any = None
    groups_eval: Any = None
    column: str = ""
    refusal: str | None = None
    names: dict[str, str] = field(default_factory=dict)  # an array's x4 -> the column it was

    @property
    def title(self) -> str:
        """``ML203 (scaler)``: how a note names the finding."""
        subject = self.finding.subject[0] if self.finding.subject else ""
        return f"{self.finding.code} ({subject})" if subject else self.finding.code


__all__ = [
    "COLUMN",
    "COPIES",
    "FIT_CONTAINS_EVAL",
    "GROUPED",
    "KINDS",
    "TEMPORAL",
    "TRANSFORMER",
    "Leak",
    "Refusal",
    "Setup",
]
