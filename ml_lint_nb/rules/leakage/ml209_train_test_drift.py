"""ML209 train-test-drift: features whose distribution differs markedly between train and test."""

from __future__ import annotations

import math
from collections.abc import Iterator

from ml_lint_nb.facts.model import DriftFact
from ml_lint_nb.facts.store import FactStore
from ml_lint_nb.findings import Evidence, Finding, Severity
from ml_lint_nb.rules.base import LIVE, Rule, Threshold
from ml_lint_nb.rules.data_evidence import live_facts, pair_subject, rows_subject


class TrainTestDrift(Rule):
    """What it does
    Compares each numeric feature's distribution in the rows a model was
    fitted on and the rows it is evaluated on (a split's two parts, two
    files, or ``%mlcheck train test`` on pandas, polars or Spark frames) and
    lists the features that moved: the Kolmogorov-Smirnov statistic beyond
    what chance explains, and a shift of at least a tenth of a standard
    deviation (the Wasserstein distance in training standard deviations, as
    Evidently measures it) or a KS of 0.2. One judgement for every path:
    the same numbers decide, however many rows each path could compare.

    Why is this bad?
    A model evaluated on a test set unlike its training data gives a score
    that describes neither; drift often reveals a broken split (a filter,
    a unit change, two sources) or a population that moved.

    A chronological split (every test row dated at or after the training
    rows' latest) is reported as info only: an out-of-time test set is the
    right one for forecasting, and features that follow a trend (lags of a
    growing series, a running count) drift by construction. The drift is
    still real: a tree model cannot predict beyond the values it was
    trained on, so a trend that carries the test period outside them is
    worth differencing or detrending.

    Rows that come in entities (visits of a patient, a patient's age on each
    visit) are fewer independent observations than rows: chance is judged
    on the entity count (Kish's design effect), so a split by patient does
    not drift by chance in its patient-level features.

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
            "KS statistic that marks a feature as drifted on its own (a shift of about half a "
            "standard deviation of a normal feature)",
        ),
        Threshold(
            "min_wasserstein",
            0.1,
            "Wasserstein distance, in standard deviations of the training values, that marks a "
            "feature as drifted (Evidently's bar for large samples)",
        ),
        Threshold(
            "max_p",
            0.001,
            "significance the KS statistic must also reach, over all the features compared "
            "(Bonferroni), so small test sets and wide frames do not drift by chance",
        ),
        Threshold(
            "judged_rows",
            2000,
            "rows a side counted for that significance at most: more rows measure the same "
            "statistics more precisely, but do not lower the bar, so a sample of 2,000 rows "
            "and a full Spark frame reach the same verdict",
        ),
    )

    def check(self, store: FactStore) -> Iterator[Finding]:
        """One finding per train/test pair, listing the features that drifted.

        A chronological pair (``fact.chronological``) is info: see the class docstring.
        """
        for fact in live_facts(store, DriftFact, ("train", "test")):
            drifted = [f for f in fact.features if self.drifted(f[1], f[3], fact)]
            if not drifted:
                continue
            subject = pair_subject(fact.train, fact.test)
            train, test = subject
            if train == test:  # two parts of one frame: their own spellings tell them apart
                train, test = fact.train, fact.test
            listed = ", ".join(
                f"{name!r} (KS {ks:.2f}, shift {wd:.2f} SD, PSI {psi:.2f})"
                for name, ks, psi, wd in drifted
            )
            notes = []
            if fact.sampled and fact.n_train and fact.n_test:
                notes.append(f"on seeded samples of {fact.n_train:,} and {fact.n_test:,} rows")
            if fact.n_excluded:
                notes.append(
                    f"without the {fact.n_excluded:,} rows of {test} that also occur in {train}"
                )
            sampled = f" ({'; '.join(notes)})" if notes else ""
            many = len(drifted) > 1
            text = (
                f"{len(drifted)} feature{'s' if many else ''} of {test} "
                f"{'differ' if many else 'differs'} from {train}: {listed}{sampled}"
            )
            severity = None
            if fact.chronological:
                severity = Severity.INFO
                column = (
                    "date (its index)"
                    if fact.chronological == "index"
                    else repr(fact.chronological)
                )
                text += (
                    f". Every row of {test} is dated at or after {train}'s latest "
                    f"{column}: an out-of-time test set, so some drift is expected; "
                    "a trend that carries the test period beyond the training values is one a "
                    "tree model cannot follow (difference or detrend it)"
                )
            else:
                text += "; a model fitted on one and scored on the other is graded on data unlike its training data"
            yield self.finding(
                f"{text}.",
                fact.location,
                subject=rows_subject(store, *subject),
                severity=severity,
                evidence=[
                    Evidence(
                        "live",
                        "drift",
                        f"{name!r}: KS {ks:.3f}, Wasserstein {wd:.3f} SD, PSI {psi:.3f}",
                        {"feature": name, "ks": ks, "psi": psi, "wasserstein": wd},
                    )
                    for name, ks, psi, wd in drifted
                ],
            )

    def drifted(self, ks: float, distance: float, fact: DriftFact) -> bool:
        """The one drift judgement: KS beyond chance, and a shift large enough to matter."""
        if ks < self._critical(fact):
            return False
        return ks >= self.threshold("min_ks") or distance >= self.threshold("min_wasserstein")

    def _critical(self, fact: DriftFact) -> float:
        """The KS statistic that any of the compared features of two same-distribution
        samples of ``judged_rows`` rows at most exceeds with probability ``max_p`` (each
        feature held to ``max_p`` / features)."""
        cap = max(2.0, self.threshold("judged_rows"))
        n, m = fact.n_train, fact.n_test
        if not n or not m:
            return 0.0
        deff = max(1.0, fact.design_effect)  # rows of one entity count once, or nearly
        n, m = max(2.0, min(n, cap) / deff), max(2.0, min(m, cap) / deff)
        p = min(max(self.threshold("max_p"), 1e-12), 0.5) / max(1, fact.n_features or 1)
        return math.sqrt(-0.5 * math.log(p / 2)) * math.sqrt((n + m) / (n * m))
