"""One finding per fact: the one merge of engine, kernel and ``--execute``."""

from __future__ import annotations

import inspect
from dataclasses import replace

from ml_lint_nb.cli import execute
from ml_lint_nb.findings import (
    Evidence,
    Finding,
    Location,
    Severity,
    merge_findings,
    report_order,
)
from ml_lint_nb.ipython import session
from ml_lint_nb.rules.hygiene.subjects import column_subject


def _leak(frame: str, cell: int, line: int, source: str = "live") -> Finding:
    return Finding(
        code="ML202",
        name="target-leakage-feature",
        severity=Severity.ERROR,
        message=f"{frame}: 'refund_issued' alone separates churned (AUC 1.00): such a feature ...",
        location=Location(cell=cell, line=line),
        fix="Remove it.",
        pitfalls=(40,),
        subject=("columns", "refund_issued"),
        sources=(source,),
        evidence=(Evidence(source, "single-feature-predictiveness", f"{frame}: AUC 1.00"),),
    )


def test_one_leaking_column_in_three_frames_is_one_finding() -> None:
    found = merge_findings([_leak("X_test", 5, 2), _leak("df", 2, 1), _leak("X_train", 5, 2)])
    assert len(found) == 1
    (f,) = found
    assert f.location == Location(cell=2, line=1)  # the earliest place: the frame they came from
    assert f.message.startswith("df, X_test, X_train: 'refund_issued'") or f.message.startswith(
        "df, X_train, X_test: 'refund_issued'"
    )
    assert {r.role for r in f.related} == {"also X_test"} or {r.role for r in f.related} == {
        "also X_train"
    }
    assert len(f.evidence) == 3


def test_different_columns_stay_apart() -> None:
    other = Finding(**{**_leak("df", 2, 1).__dict__, "subject": ("columns", "notes_len")})
    assert len(merge_findings([_leak("df", 2, 1), other])) == 2


def test_static_place_live_words_higher_severity() -> None:
    static = Finding(
        "ML402",
        "accuracy-on-imbalanced",
        Severity.WARNING,
        "accuracy on y_test, whose minority class is 7% (saved output: 93% majority)",
        Location(cell=4, line=3),
        "Report balanced accuracy.",
        (),
        subject=("y_test",),
        sources=("static",),
    )
    live = Finding(
        "ML402",
        "accuracy-on-imbalanced",
        Severity.WARNING,
        "accuracy on y_test, whose majority class is 92% (measured)",
        Location(cell=None, cell_id="run-7", line=1, execution_count=7),
        "Report balanced accuracy.",
        (),
        subject=("y_test",),
        sources=("live",),
    )
    (f,) = merge_findings([static, live])
    assert f.location == static.location
    assert not f.related  # the cell the kernel reported is another place only if it differs

    elsewhere = Finding(**{**live.__dict__, "location": Location(cell=4, line=3, col=9)})
    (g,) = merge_findings([static, elsewhere])
    assert not g.related  # same cell and line, another column: the same place
    assert "92%" in f.message
    assert f.sources == ("live", "static")


def test_without_subject_place_is_identity() -> None:
    a = Finding("ML501", "x", Severity.INFO, "m", Location(cell=1, line=2), "f", ())
    b = Finding("ML501", "x", Severity.WARNING, "m", Location(cell=1, line=2), "f", ())
    c = Finding("ML501", "x", Severity.INFO, "m", Location(cell=3, line=2), "f", ())
    merged = merge_findings([a, b, c])
    assert len(merged) == 2
    assert merged[0].severity is Severity.WARNING


def test_report_order_is_severity_then_position() -> None:
    def at(cell: int, sev: Severity) -> Finding:
        return Finding("ML1", "x", sev, "m", Location(cell=cell, line=1), "f", ())

    found = report_order([at(1, Severity.INFO), at(9, Severity.ERROR), at(3, Severity.WARNING)])
    assert [f.severity for f in found] == [Severity.ERROR, Severity.WARNING, Severity.INFO]


def test_column_subject() -> None:
    assert column_subject(["b", "a", "a"], "df") == ("columns", "a", "b")
    assert column_subject([], "df") == ("df",)


def test_one_merge_everywhere() -> None:
    """The engine, the kernel session and --execute all call merge_findings, none its own."""
    for module in (execute, session):
        assert "merge_findings" in inspect.getsource(module)
    import ml_lint_nb.engine as engine

    assert "merge_findings" in inspect.getsource(engine)
    assert not hasattr(engine, "merge_duplicates")


def test_a_slice_with_part_of_the_columns_joins_the_larger_finding() -> None:
    def missing(frame: str, cell: int, cols: tuple[str, ...]) -> Finding:
        return Finding(
            "ML103",
            "missing-values",
            Severity.INFO,
            f"{frame}: {len(cols)} columns with missing values",
            Location(cell=cell, line=1),
            "f",
            (),
            subject=("columns", *cols),
            sources=("live",),
        )

    found = merge_findings(
        [
            missing("features", 14, ("age",)),
            missing("customers", 4, ("age", "device_model")),
            missing("other", 9, ("zip",)),
        ]
    )
    assert len(found) == 2
    big = next(f for f in found if "device_model" in f.subject)
    assert big.message.startswith("customers: 2 columns")
    assert [r.role for r in big.related] == ["also features"]


def test_a_rebound_name_is_other_data_in_static_findings() -> None:
    """``X_train`` of two splits in two cells: two static findings; the kernel's joins its cell's."""

    def unscaled(cell: int, source: str, ratio: str) -> Finding:
        return Finding(
            "ML301",
            "unscaled-features",
            Severity.WARNING,
            f"lr (LogisticRegression) is fitted on X_train, scales differ {ratio}-fold",
            Location(cell=cell, line=3),
            "Scale.",
            (),
            subject=("LogisticRegression", "X_train"),
            sources=(source,),
        )

    first, second = unscaled(5, "static", "900"), unscaled(9, "static", "215,000")
    merged = merge_findings([first, second])
    assert [f.location.cell for f in merged] == [5, 9]
    kernel = unscaled(9, "live", "222,922")
    merged = merge_findings([first, second, kernel])
    assert [(f.location.cell, f.sources) for f in merged] == [
        (5, ("static",)),
        (9, ("live", "static")),
    ]
    assert "222,922" in merged[1].message


def test_execute_maps_kernel_places_to_notebook_cells() -> None:
    """A related place the kernel keyed ``run-2`` reads as the notebook's cell, never as a key."""
    by_count = {2: (3, "abc"), 5: (7, None)}
    related = execute._in_notebook(Location(cell=None, cell_id="run-2", line=13), by_count, None)
    assert (related.cell, related.cell_id, related.line) == (3, "abc", 13)
    primary = execute._in_notebook(
        Location(cell=None, line=1, execution_count=5), by_count, (9, None)
    )
    assert (primary.cell, primary.execution_count) == (7, 5)
    unknown = Location(cell=None, cell_id="run-42", line=1)
    assert execute._in_notebook(unknown, by_count, None) == unknown


def test_a_related_place_back_from_the_kernel_is_not_listed_twice() -> None:
    """--execute maps a kernel's place to its cell without the column: still the same place."""

    from ml_lint_nb.findings import Related

    static = replace(
        _leak("df", 2, 1, "static"),
        related=(Related(Location(cell=8, cell_id="c8", line=3, col=12), "fit"),),
    )
    live = replace(
        _leak("df", 2, 1),
        related=(Related(Location(cell=8, cell_id="c8", line=3, execution_count=5), "fit"),),
    )
    (f,) = merge_findings([static, live])
    assert [(r.location.cell, r.location.line, r.role) for r in f.related] == [(8, 3, "fit")]


def _accuracy(cell: int, source: str = "static", version: str = "y_test@3:1") -> Finding:
    return Finding(
        "ML402",
        "accuracy-on-imbalanced",
        Severity.WARNING,
        "accuracy_score on y_test, where the majority class alone is 95%",
        Location(cell=cell, line=1),
        "Report class-aware metrics.",
        (78,),
        subject=("y_test",),
        sources=(source,),
        instance=(version,) if source == "static" else (),
    )


def test_a_pattern_repeated_on_the_same_data_is_one_finding_listing_its_places() -> None:
    """Three accuracy_score calls on one y_test: one finding, the other calls as ``also``."""
    (f,) = merge_findings([_accuracy(6), _accuracy(4), _accuracy(5)])
    assert f.location.cell == 4
    assert [(r.location.cell, r.role) for r in f.related] == [(6, "also"), (5, "also")]


def test_the_same_name_rebound_stays_apart_and_the_kernel_joins_its_own_cell() -> None:
    first = _accuracy(4, version="y_test@3:1")
    second = _accuracy(9, version="y_test@8:1")
    assert len(merge_findings([first, second])) == 2
    kernel = replace(_accuracy(9, source="live"), message="accuracy_score on y_test: 96% measured")
    merged = merge_findings([first, second, kernel])
    assert [(f.location.cell, f.sources) for f in merged] == [
        (4, ("static",)),
        (9, ("live", "static")),
    ]


def test_the_same_count_before_and_after_a_save() -> None:
    """The kernel reported the pattern once; the saved file's static run, three times: one finding."""
    kernel = replace(
        _accuracy(4, source="live"),
        location=Location(cell=None, cell_id="c4", line=1, execution_count=4),
    )
    statics = [
        replace(_accuracy(c), location=Location(cell=c, cell_id=f"c{c}", line=1)) for c in (4, 5, 6)
    ]
    assert len(merge_findings([kernel])) == len(merge_findings([*statics, kernel])) == 1


def test_frames_with_other_numbers_are_places_not_carriers() -> None:
    """``df`` and ``X_train`` measured the same target on other rows: one finding, the
    message of the first frame only (its numbers), the second frame a place."""

    def imbalance(frame: str, cell: int, rows: str) -> Finding:
        return Finding(
            "ML108",
            "class-imbalance",
            Severity.INFO,
            f"{frame}: 'y' is imbalanced: class '1' holds 6.8% of {rows} rows",
            Location(cell=cell, line=1),
            "f",
            (),
            subject=("target", "y"),
            sources=("live",),
        )

    (f,) = merge_findings([imbalance("df", 2, "4,000"), imbalance("X_train", 4, "3,000")])
    assert f.message.startswith("df: 'y' is imbalanced") and "4,000" in f.message
    assert [r.role for r in f.related] == ["also X_train"]


def test_related_places_carry_the_prompt_number_when_known() -> None:
    from ml_lint_nb.findings import Related, finding_from_json

    kernel = replace(
        _accuracy(4, source="live"),
        related=(Related(Location(cell_id="c9", line=2, execution_count=9), "also"),),
    )
    data = kernel.to_json()
    assert data["related"] == [
        {"cell": None, "cell_id": "c9", "line": 2, "role": "also", "execution_count": 9}
    ]
    assert finding_from_json(data).related == kernel.related
    static = _accuracy(4)
    static = replace(static, related=(Related(Location(cell=5, line=1), "also"),))
    assert "execution_count" not in static.to_json()["related"][0]


def test_an_expression_nobody_bound_is_the_same_data_over_the_same_rows() -> None:
    """``accuracy_score(test['y'], ...)`` twice: one finding; over a reloaded ``test``: two."""
    from ml_lint_nb.facts.model import DataRef, RowSet
    from ml_lint_nb.rules.evaluation.ml402_accuracy_on_imbalanced import AccuracyOnImbalanced

    rule = AccuracyOnImbalanced()

    def at(cell: int, root: str) -> Finding:
        y = DataRef(name="test['y']", version=None, rows=RowSet.root(root))
        return rule.finding("m", Location(cell=cell, line=1), subject=("test['y']",), data=(y,))

    assert len(merge_findings([at(4, "r2.2"), at(5, "r2.2")])) == 1
    assert len(merge_findings([at(4, "r2.2"), at(9, "r8.1")])) == 2
