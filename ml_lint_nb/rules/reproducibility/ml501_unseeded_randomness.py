"""ML501 unseeded-randomness: a split or estimator with randomness and no random_state."""

from __future__ import annotations

from collections.abc import Iterator

from ml_lint_nb.facts.model import EstimatorFact, RandomCallFact, SeedFact, SplitFact
from ml_lint_nb.facts.store import FactStore
from ml_lint_nb.findings import Finding, Location, Related, Severity
from ml_lint_nb.rules.base import BOTH, Rule
from ml_lint_nb.rules.common import est_label


def _param_randomized(cls: str, params: dict) -> bool:
    """Estimators random only under some parameters."""
    if cls in ("KFold", "StratifiedKFold", "GroupKFold"):
        return params.get("shuffle") is True
    if cls in ("SVC", "NuSVC"):
        return params.get("probability") is True
    if cls in ("LogisticRegression",):
        return params.get("solver") in ("sag", "saga", "liblinear")
    return False


def _param_deterministic(cls: str, params: dict) -> bool:
    """Estimators random by default but not under these parameters."""
    if cls in ("KMeans", "MiniBatchKMeans") and "init" in params:
        # init given as an array of centres (not "k-means++"/"random"): no random start
        return not isinstance(params["init"], str) and params.get("n_init") in (1, None)
    return False


class UnseededRandomness(Rule):
    """What it does
    Flags a split, estimator or generator with randomness and no
    ``random_state`` (and no ``np.random.seed`` before it).

    Why is this bad?
    Every run gives a different split and a different model, so a result
    cannot be reproduced and differences between runs are mistaken for
    improvements.

    Example
    ```python
    X_train, X_test, y_train, y_test = train_test_split(X, y)
    RandomForestClassifier().fit(X_train, y_train)
    ```

    Use instead
    ```python
    train_test_split(X, y, random_state=42)
    RandomForestClassifier(random_state=42)
    ```
    """

    code, name, severity, pitfalls = "ML501", "unseeded-randomness", Severity.INFO, (68,)
    detect = BOTH
    summary = "a split or estimator with randomness and no random_state"
    fix = "Pass random_state=<int> (or seed NumPy once at the top of the notebook)."

    def check(self, store: FactStore) -> Iterator[Finding]:
        """One finding per notebook, at its first unseeded source of randomness.

        The fix (seed once, or pass random_state everywhere) is one decision, so
        the other places are listed as related instead of reported apart.
        """
        seeds = [s.location for s in store.of(SeedFact) if s.function.startswith("numpy")]

        def seeded_before(loc: Location) -> bool:
            """True when NumPy's global seed was set at or before loc."""
            return any(s.sort_key() <= loc.sort_key() for s in seeds)

        # (location, what, subject): every unseeded source of randomness
        places: list[tuple[Location, str, tuple[str, ...]]] = []
        for est in store.of(EstimatorFact):
            info = est.estimator
            randomized = "randomized" in info.kinds or _param_randomized(info.cls, info.params)
            if not randomized or info.params.get("random_state") is not None:
                continue
            if _param_deterministic(info.cls, info.params):
                continue
            if (
                "random_state" in info.params
                or "random_seed" in info.params
                or "seed" in info.params
                or "**" in info.params  # Model(**params): the seed may be among them
            ):
                continue
            if seeded_before(est.location):
                continue
            places.append((est.location, est_label(info), (info.binding or info.cls,)))
        for split in store.of(SplitFact):
            if split.method != "train_test_split" or split.seeded or split.shuffle is False:
                continue
            if seeded_before(split.location):
                continue
            places.append(
                (split.location, "train_test_split", tuple(p.name or "" for p in split.parts))
            )
        for call in store.of(RandomCallFact):
            if call.seeded or seeded_before(call.location):
                continue
            places.append((call.location, f"{call.function}()", (call.function,)))
        if not places:
            return
        # one finding per notebook: the fix (seed once, or pass random_state) is one decision
        places.sort(key=lambda p: p[0].sort_key())
        loc, what, subject = places[0]
        others = list(dict.fromkeys(w for _l, w, _s in places[1:]))
        more = ""
        if len(places) > 1:
            listed = ", ".join(others[:3]) + (", ..." if len(others) > 3 else "")
            n = len(places) - 1
            more = (
                f" So {'does' if n == 1 else 'do'} {n} more place{'' if n == 1 else 's'}: {listed}."
            )
        yield self.finding(
            f"{what} has no random_state; its result changes from run to run.{more}",
            loc,
            subject=subject,
            related=[Related(p[0], "unseeded too") for p in places[1:8]],
        )
