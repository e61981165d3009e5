"""ML502 hidden-state.

Out-of-order execution counts, or a name used before the cell that defines
it.
"""

from __future__ import annotations

from collections.abc import Iterator

from ml_lint_nb.facts.model import CellOrderFact, UseBeforeDefFact
from ml_lint_nb.facts.store import FactStore
from ml_lint_nb.findings import Evidence, Finding, Location, Related, Severity
from ml_lint_nb.rules.base import STATIC, Rule


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
        """The first out-of-order execution count, then each definition used too early.

        Equal counts (a copied or re-saved cell) say nothing about order. Uses
        of names that one late cell defines are one finding at the first use.
        """
        for order in store.of(CellOrderFact):
            counts = [(cell, n) for cell, n in order.counts if n is not None]
            best_cell, best = None, None
            for cell, n in counts:
                # equal counts (a re-saved or copied cell) say nothing about order
                if best is not None and n < best:
                    shown = "saved execution counts: " + ", ".join(
                        f"cell {c} \u2192 {k}" for c, k in counts[:12]
                    )
                    yield self.finding(
                        f"this cell (execution count {n}) ran before the cell above it "
                        f"(execution count {best}): the saved outputs come from an order that "
                        "Run All will not repeat.",
                        Location(cell=cell, cell_id=_cell_id(order, cell), line=1),
                        subject=("execution-order",),
                        related=[
                            Related(
                                Location(cell=best_cell, cell_id=_cell_id(order, best_cell)),
                                "ran later, above it",
                            )
                        ],
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
                f"{shown} {verb} used here but first defined in a cell further down; Run All "
                "fails here or uses a stale value.",
                first.location,
                subject=tuple(names),
                related=[Related(first.defined_at, "definition")]
                + [Related(u.location, "another use before it") for u in uses[1:5]],
            )


def _cell_id(order: CellOrderFact, cell: int) -> str | None:
    """The id of the cell at position cell, so the finding can name it by id."""
    for (position, _count), cell_id in zip(order.counts, order.cell_ids, strict=False):
        if position == cell:
            return cell_id
    return None
