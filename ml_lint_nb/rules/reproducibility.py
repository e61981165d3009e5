"""ML5xx: reproducibility: a notebook that gives another answer when re-run."""

from __future__ import annotations

from collections.abc import Iterator

from ml_lint_nb.facts.model import (
    CellOrderFact,
    EstimatorFact,
    RandomCallFact,
    SeedFact,
    SplitFact,
    UseBeforeDefFact,
)
from ml_lint_nb.facts.store import FactStore
from ml_lint_nb.findings import Evidence, Finding, Location, Related, Severity
from ml_lint_nb.rules.base import BOTH, STATIC, Rule
from ml_lint_nb.rules.common import est_label, where


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
        seeds = [s.location for s in store.of(SeedFact) if s.function.startswith("numpy")]

        def seeded_before(loc: Location) -> bool:
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


class HiddenState(Rule):
    """What it does
    Flags a notebook whose saved execution counts are out of order, or that
    uses a name defined only in a later cell.

    Why is this bad?
    The saved outputs came from an order of execution that "Run All" will
    not repeat: the notebook fails, or silently computes something else.

    Example
    ```python
    # cell 3: model.fit(X_train, y_train)   In [7]
    # cell 5: model = SVC()                 In [2]
    ```

    Use instead
    ```python
    # Restart the kernel and Run All before saving.
    ```
    """

    code, name, severity, pitfalls = "ML502", "hidden-state", Severity.WARNING, (68, 95)
    detect = STATIC
    summary = "out-of-order execution counts, or a name used before the cell that defines it"
    fix = "Restart the kernel and run all cells top to bottom before saving; move definitions above their uses."

    def check(self, store: FactStore) -> Iterator[Finding]:
        for order in store.of(CellOrderFact):
            counts = [(cell, n) for cell, n in order.counts if n is not None]
            best_cell, best = None, None
            for cell, n in counts:
                # equal counts (a re-saved or copied cell) say nothing about order
                if best is not None and n < best:
                    shown = ", ".join(f"cell {c}: [{k}]" for c, k in counts[:12])
                    yield self.finding(
                        f"cell {cell} was run as [{n}], before cell {best_cell} above it ([{best}]): "
                        "the saved outputs come from an order that Run All will not repeat.",
                        Location(cell=cell, cell_id=_cell_id(order, cell), line=1),
                        subject=("execution-order",),
                        evidence=[
                            Evidence(
                                "static",
                                "execution-counts",
                                shown,
                                {"counts": [k for _, k in counts[:50]]},
                            )
                        ],
                    )
                    break
                best_cell, best = cell, n
        # one finding per late definition: its first use, the other uses related
        by_definition: dict[tuple, list[UseBeforeDefFact]] = {}
        for use in store.of(UseBeforeDefFact):
            by_definition.setdefault(use.defined_at.sort_key(), []).append(use)
        for uses in by_definition.values():
            uses.sort(key=lambda u: u.location.sort_key())
            first = uses[0]
            names = list(dict.fromkeys(u.name for u in uses))
            shown = ", ".join(f"'{n}'" for n in names[:4]) + (
                f" and {len(names) - 4} more" if len(names) > 4 else ""
            )
            verb = "is" if len(names) == 1 else "are"
            yield self.finding(
                f"{shown} {verb} used here but first defined in {where(first.defined_at)}, "
                "further down; Run All fails here or uses a stale value.",
                first.location,
                subject=tuple(names),
                related=[Related(first.defined_at, "definition")]
                + [Related(u.location, "another use before it") for u in uses[1:5]],
            )


def _cell_id(order: CellOrderFact, cell: int) -> str | None:
    for (position, _count), cell_id in zip(order.counts, order.cell_ids, strict=False):
        if position == cell:
            return cell_id
    return None
