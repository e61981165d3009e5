"""ML404 unstable-loss: a loss curve that rises markedly after falling."""

from __future__ import annotations

import math
from collections.abc import Iterator

from ml_lint_nb.facts.model import FittedFact, iter_fitted
from ml_lint_nb.facts.store import FactStore
from ml_lint_nb.findings import Evidence, Finding, Severity
from ml_lint_nb.rules.base import LIVE, Rule, Threshold


class UnstableLoss(Rule):
    """What it does
    Finds a loss curve (e.g. an MLP's ``loss_curve_``) that rises markedly
    after falling: some later loss lies more than ``min_rise`` (relative)
    above the lowest loss reached before it.

    Why is this bad?
    A rising loss means the learning rate is too high or the data is badly
    scaled; the final weights are not a minimum.

    Example
    ```python
    MLPClassifier(learning_rate_init=1.0).fit(X_train, y_train)
    ```

    Use instead
    ```python
    MLPClassifier(learning_rate_init=1e-3, early_stopping=True)
    ```
    """

    code, name, severity, pitfalls = "ML404", "unstable-loss", Severity.WARNING, (59,)
    detect = LIVE
    summary = "a loss curve that rises markedly after falling"
    fix = "Lower the learning rate, scale the inputs, or enable early stopping."
    thresholds = (
        Threshold(
            "min_rise", 0.2, "relative rise above the running minimum that counts as unstable"
        ),
    )

    def check(self, store: FactStore) -> Iterator[Finding]:
        """One finding per fitted model (nested ones too) whose loss rose past min_rise."""
        limit = self.threshold("min_rise")
        for top in store.of(FittedFact):
            for f, _outer in iter_fitted(top):
                rise = self.worst_rise(f.loss_curve)
                if rise is None or rise[0] <= limit:
                    continue
                rel, low_i, low, high_i, high = rise
                curve = f.loss_curve
                yield self.finding(
                    f"{f.name} ({f.cls}): loss_curve_ fell to {low:.4g} at iteration {low_i + 1}, "
                    f"then rose to {high:.4g} at iteration {high_i + 1} ({rel:.0%} above that minimum); "
                    f"the final loss is {curve[-1]:.4g}. The training is unstable: the learning rate "
                    "is too high or the inputs are badly scaled.",
                    f.location,
                    subject=(f.name,),
                    evidence=[
                        Evidence(
                            f.source,
                            "loss-curve",
                            f"{f.name}.loss_curve_: {len(curve)} points, start {curve[0]:.4g}, "
                            f"minimum {low:.4g} (iteration {low_i + 1}), peak after it {high:.4g} "
                            f"(iteration {high_i + 1}), final {curve[-1]:.4g}",
                            {
                                "minimum": low,
                                "minimum_at": low_i + 1,
                                "peak": high,
                                "peak_at": high_i + 1,
                                "rise": round(rel, 4),
                                "points": len(curve),
                            },
                        )
                    ],
                )

    @staticmethod
    def worst_rise(curve: tuple[float, ...]) -> tuple[float, int, float, int, float] | None:
        """(relative rise, index of the minimum, minimum, index of the peak, peak) or None.

        The rise is measured from the running minimum, relative to it
        (floored at 1% of the first loss so a loss near 0 does not blow up).
        """
        values = [v for v in curve if math.isfinite(v)]
        if len(values) < 3:
            return None
        floor = max(0.01 * abs(values[0]), 1e-12)
        low, low_i = values[0], 0
        worst: tuple[float, int, float, int, float] | None = None
        for i, v in enumerate(values):
            if v < low:
                low, low_i = v, i
                continue
            rel = (v - low) / max(abs(low), floor)
            if rel > 0 and (worst is None or rel > worst[0]):
                worst = (rel, low_i, low, i, v)
        return worst
