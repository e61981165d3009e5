"""``%mlcheck`` lists every open finding, on-demand ones included, at the prompt the user saw."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("IPython")
pytest.importorskip("sklearn")


from ml_lint_nb.findings import Finding, Location, Severity  # noqa: E402

MIME = "application/vnd.ml-lint-nb.findings+json"


def _findings(sh) -> list[dict]:
    out = []
    for data in sh.published:
        if MIME in data:
            out += [f for file in data[MIME]["files"] for f in file["findings"]]
    return out


def _run(sh, code: str):
    sh.published.clear()
    result = sh.run_cell(code, store_history=True)
    assert result.error_in_exec is None, result.error_in_exec
    return result


LEAKY = (
    "import numpy as np, pandas as pd\n"
    "rng = np.random.default_rng(0)\n"
    "frame = pd.DataFrame({'a': rng.normal(size=400), 'b': rng.normal(size=400)})\n"
    "frame['target'] = (frame.a + rng.normal(size=400) > 0).astype(int)\n"
    "frame['flag'] = frame['target']"
)


def test_on_demand_findings_join_the_open_list_at_the_prompt_seen(shell) -> None:
    from ml_lint_nb.ipython import get_session

    _run(shell, LEAKY)
    result = _run(shell, "%mlcheck df frame --target target")
    on_demand = _findings(shell)
    assert on_demand, "the on-demand check found nothing to list"
    assert {f["execution_count"] for f in on_demand} == {result.execution_count}
    _run(shell, "%mlcheck")
    listed = _findings(shell)
    assert {(f["code"], tuple(f["subject"])) for f in on_demand} <= {
        (f["code"], tuple(f["subject"])) for f in listed
    }
    shown = {(f["code"], f["execution_count"]) for f in listed}
    assert {(f["code"], result.execution_count) for f in on_demand} <= shown
    # listing is not finding: the open list does not grow
    session = get_session(shell)
    before = len(session.open)
    _run(shell, "%mlcheck")
    assert len(session.open) == before


def test_prompt_number_is_capped_by_the_last_prompt_seen(shell) -> None:
    from ml_lint_nb.ipython import get_session

    result = _run(shell, "x = 1")
    session = get_session(shell)
    shell.execution_count = result.execution_count + 2  # an IPython that counts ahead
    assert session.prompt_number() == result.execution_count + 1


def test_open_list_is_worst_first(shell) -> None:
    from ml_lint_nb.ipython import get_session

    session = get_session(shell)

    def at(code: str, severity: Severity, count: int) -> Finding:
        return Finding(code, "x", severity, "m", Location(line=1, execution_count=count), "f", ())

    session.open = {
        ("ML304",): at("ML304", Severity.INFO, 1),
        ("ML101",): at("ML101", Severity.WARNING, 2),
        ("ML203",): at("ML203", Severity.ERROR, 3),
    }
    _run(shell, "%mlcheck")
    assert [f["code"] for f in _findings(shell)] == ["ML203", "ML101", "ML304"]
    html = next(d["text/html"] for d in shell.published if "text/html" in d)
    assert html.index("ML203") < html.index("ML101") < html.index("ML304")
    assert json.dumps(_findings(shell))  # strict JSON


def test_execute_merge_keeps_the_static_place_and_the_measured_words() -> None:
    from ml_lint_nb.cli.execute import merge

    static = Finding(
        "ML402",
        "accuracy-on-imbalanced-target",
        Severity.WARNING,
        "accuracy_score on y_test, where the majority class alone is 93%",
        Location(cell=18, line=2, col=20),
        "f",
        (),
        subject=("y_test",),
    )
    live = Finding(
        "ML402",
        "accuracy-on-imbalanced-target",
        Severity.WARNING,
        "accuracy_score on y_test, where the majority class alone is 92%",
        Location(cell=18, line=1, execution_count=9),
        "f",
        (),
        subject=("y_test",),
        sources=("live",),
    )
    (f,) = merge([static], [live])
    assert "92%" in f.message and f.location.line == 2
    assert f.sources == ("live", "static")


def test_a_finding_refreshed_by_another_cell_keeps_the_prompt_where_it_was_seen(shell) -> None:
    from dataclasses import replace

    from ml_lint_nb.ipython import get_session

    session = get_session(shell)
    seen = Finding(
        "ML202",
        "target-leakage-feature",
        Severity.ERROR,
        "frame: 'flag' is a copy of the target",
        Location(cell=None, line=1, execution_count=2),
        "Remove it.",
        (40,),
        subject=("flag",),
        sources=("live",),
    )
    (recorded,) = session.record([seen])  # stamped with the prompt the user sees
    later = replace(seen, location=Location(cell=None, line=1, execution_count=9))
    session.show([later], "model.fit(frame[cols], frame.target)", "cell-9", 9)
    (kept,) = [f for f in session.open.values() if f.code == "ML202"]
    assert kept.location.execution_count == recorded.location.execution_count != 9
