"""ML209 train-test-drift: features whose distribution differs markedly between train and test."""

from __future__ import annotations

import math
from collections.abc import Iterator

from ml_lint_nb.facts.model import DriftFact
from ml_lint_nb.facts.store import FactStore
from ml_lint_nb.findings import Evidence, Finding, Severity
from ml_lint_nb.rules.base import LIVE, Rule, Threshold
from ml_lint_nb.rules.data_evidence import live_facts, rows_subject


class TrainTestDrift(Rule):
    """What it does
    Compares each feature's distribution in train and test (KS statistic,
    PSI) and lists the features that differ most.

    Why is this bad?
    A model evaluated on a test set unlike its training data gives a score
    that describes neither; drift often reveals a broken split.

    Example
    ```python
    train = df[df.region == "EU"]; test = df[df.region == "US"]
    ```

    Use instead
    ```python
    # split at random (or by time on purpose) and monitor drift explicitly
    ```
    """

    code, name, severity, pitfalls = "ML209", "train-test-drift", Severity.WARNING, (29, 96)
    detect = LIVE
    summary = "features whose distribution differs markedly between train and test"
    fix = "Check how the split was made; if the drift is real, evaluate on data like production."
    thresholds = (
        Threshold(
            "min_ks",
            0.2,
            "KS statistic that marks a feature as drifted (a shift of about half a standard "
            "deviation of a normal feature)",
        ),
        Threshold(
            "max_p",
            0.001,
            "significance a KS statistic must also reach, over all the features compared "
            "(Bonferroni), so small test sets and wide frames do not drift by chance",
        ),
    )

    def check(self, store: FactStore) -> Iterator[Finding]:
        """One finding per train/test pair, listing the features that drifted.

        A feature's KS statistic must reach both min_ks and the value chance
        reaches at max_p over all compared features (_critical), so small test
        sets and wide frames do not drift by chance.
        """
        min_ks = self.threshold("min_ks")
        for fact in live_facts(store, DriftFact, ("train", "test")):
            critical = self._critical(fact)
            drifted = [f for f in fact.features if f[1] >= max(min_ks, critical)]
            if not drifted:
                continue
            listed = ", ".join(
                f"{name!r} (KS {ks:.2f}, PSI {psi:.2f})" for name, ks, psi in drifted
            )
            notes = []
            if fact.sampled and fact.n_train and fact.n_test:
                notes.append(f"on seeded samples of {fact.n_train:,} and {fact.n_test:,} rows")
            if fact.n_excluded:
                notes.append(
                    f"without the {fact.n_excluded:,} rows of {fact.test} that also occur in "
                    f"{fact.train}"
                )
            sampled = f" ({'; '.join(notes)})" if notes else ""
            yield self.finding(
                f"{len(drifted)} feature{'s' if len(drifted) > 1 else ''} of {fact.test} "
                f"{'differ' if len(drifted) > 1 else 'differs'} from {fact.train}: {listed}{sampled}.",
                fact.location,
                subject=rows_subject(store, fact.train, fact.test),
                evidence=[
                    Evidence(
                        "live",
                        "drift",
                        f"{name!r}: KS {ks:.3f}, PSI {psi:.3f}",
                        {"feature": name, "ks": ks, "psi": psi},
                    )
                    for name, ks, psi in drifted
                ],
            )

    def _critical(self, fact: DriftFact) -> float:
        """The KS statistic that any of the compared features of two same-distribution
        samples exceeds with probability ``max_p`` (each feature held to ``max_p`` / features)."""
        n, m = fact.n_train, fact.n_test
        if not n or not m:
            return 0.0
        p = min(max(self.threshold("max_p"), 1e-12), 0.5) / max(1, fact.n_features or 1)
        return math.sqrt(-0.5 * math.log(p / 2)) * math.sqrt((n + m) / (n * m))
