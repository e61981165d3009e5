"""The hook's budget paths: cells that touch no ML object, and fit data seen before.

They must save time without losing anything the full path would report.
"""

from __future__ import annotations

import pytest

pytest.importorskip("sklearn")

from ml_lint_nb.facts.live import fit_records  # noqa: E402
from ml_lint_nb.facts.static.values import LitV  # noqa: E402
from ml_lint_nb.ipython import get_session  # noqa: E402
from tests.test_live_hook import SETUP, codes, run  # noqa: E402


def _count_analyses(shell, monkeypatch) -> list[str]:
    session = get_session(shell)
    seen: list[str] = []
    real = session.analyse_cell

    def counting(raw, *args, **kwargs):
        seen.append(raw)
        return real(raw, *args, **kwargs)

    monkeypatch.setattr(session, "analyse_cell", counting)
    return seen


def test_cells_without_ml_objects_are_not_analysed(shell, monkeypatch) -> None:
    run(shell, SETUP)
    seen = _count_analyses(shell, monkeypatch)
    for inert in ("x = 1", "x = x + 1\nfor i in range(3):\n    print(i)", "seed = 0"):
        run(shell, inert)
    assert seen == []
    run(shell, "n = len(X)")  # X is a frame the dataflow knows
    run(shell, "import math")  # a module: the dataflow needs the import
    assert seen == ["n = len(X)", "import math"]
    # a number bound in a skipped cell still reaches the dataflow (random_state=seed)
    env = get_session(shell).interp.env
    assert isinstance(env["seed"], LitV) and env["seed"].value == 0


def test_seed_from_a_skipped_cell_counts_as_a_seed(shell) -> None:
    run(shell, SETUP)
    run(shell, "seed = 42")
    run(shell, "X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=seed)")
    assert "ML501" not in codes(shell)
    run(shell, "seed = None")  # rebinding the number is seen too
    run(shell, "X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=seed)")
    assert "ML501" in codes(shell)


def test_a_cell_edited_into_an_inert_one_still_fixes_its_findings(shell) -> None:
    run(shell, SETUP)
    run(shell, "X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)")
    shell.published.clear()
    shell.run_cell("m = SVC().fit(X_train, y_train)", store_history=True, cell_id="c1")
    assert "ML301" in codes(shell)
    session = get_session(shell)
    assert any(f.code == "ML301" for f in session.open.values())
    shell.run_cell("m = 1", store_history=True, cell_id="c1")
    assert not any(f.code == "ML301" for f in session.open.values())


def test_fit_data_is_fingerprinted_once_per_version(shell, monkeypatch) -> None:
    calls: list[str] = []
    real = fit_records.record_fit

    def counting(model_name, *args, **kwargs):
        calls.append(model_name)
        return real(model_name, *args, **kwargs)

    monkeypatch.setattr(fit_records, "record_fit", counting)
    run(shell, SETUP)
    run(shell, "cols = list('abcde')\ndf = pd.DataFrame(X[:, :5], columns=cols); df['t'] = y")
    run(shell, "m1 = LogisticRegression(max_iter=500).fit(df[cols], df['t'])")
    run(shell, "m2 = LogisticRegression(C=0.5, max_iter=500).fit(df[cols], df['t'])")
    assert calls == ["m1"]  # the same rows: hashed and scored once
    session = get_session(shell)
    record = session.collector.recall(shell.user_ns["m2"])
    assert record is not None and record.model == "m2"  # the cached fingerprint, this model's
    run(shell, "df['a'] = df['a'] * 2")  # changed in place: a new version of the rows
    run(shell, "m3 = LogisticRegression(max_iter=500).fit(df[cols], df['t'])")
    assert calls == ["m1", "m3"]
