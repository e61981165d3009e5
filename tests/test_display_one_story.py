"""One story in the kernel: one fact is one finding with one severity, wherever it is asked.

The cell output, ``%mlcheck`` (its checks and its list of open findings) and
the JSON payload the panel reads must agree: a pattern repeated on the same
data is one finding listing its places, the same rows spelled two ways are
one subject, a severity that changes is shown where it changed, and what the
notebook silences is silenced on every path.
"""

from __future__ import annotations

import pytest
from shell_findings import MIME, run, shown

pytest.importorskip("sklearn")

SETUP = (
    "import numpy as np, pandas as pd\n"
    "from sklearn.model_selection import train_test_split\n"
    "from sklearn.linear_model import LogisticRegression\n"
    "from sklearn.tree import DecisionTreeClassifier\n"
    "from sklearn.metrics import accuracy_score, f1_score\n"
    "rng = np.random.default_rng(0)\n"
    "n = 4000\n"
    "df = pd.DataFrame({'a': rng.normal(size=n), 'b': rng.normal(size=n)})\n"
    "df['y'] = ((df.a + rng.normal(size=n) * 2) > 3.2).astype(int)"
)
SPLIT = (
    "X = df[['a', 'b']]\n"
    "y = df['y']\n"
    "X_train, X_test, y_train, y_test = train_test_split("
    "X, y, test_size=0.25, random_state=0, stratify=y)"
)


def _open(sh) -> list[dict]:
    """The session's open findings, as ``%mlcheck`` lists them."""
    shown(sh)
    sh.run_line_magic("mlcheck", "")
    return shown(sh)


def _notes(sh) -> list[dict]:
    out = []
    for data in sh.published:
        if MIME in data:
            out += [n for file in data[MIME]["files"] for n in file["notes"]]
    return out


def test_three_accuracy_calls_are_one_finding_listing_three_prompts(shell) -> None:
    run(shell, SETUP)
    run(shell, SPLIT)
    run(shell, "clf = LogisticRegression().fit(X_train, y_train)\npred = clf.predict(X_test)")
    first = run(shell, "print(accuracy_score(y_test, pred))")
    assert [f["code"] for f in first] == ["ML402"]
    assert run(shell, "print('again', accuracy_score(y_test, pred))") == []
    assert run(shell, "acc = accuracy_score(y_test, clf.predict(X_test))") == []
    (ml402,) = [f for f in _open(shell) if f["code"] == "ML402"]
    prompts = [ml402["execution_count"]] + [r["execution_count"] for r in ml402["related"]]
    assert prompts == [first[0]["execution_count"], prompts[0] + 1, prompts[0] + 2]
    assert {r["role"] for r in ml402["related"]} == {"also"}


def test_ml108_once_per_target_and_once_after_a_re_run(shell) -> None:
    run(shell, SETUP)
    assert [f["code"] for f in run(shell, SPLIT)] == ["ML108"]
    assert run(shell, "clf = LogisticRegression().fit(X_train, y_train)") == []
    (ml108,) = [f for f in _open(shell) if f["code"] == "ML108"]
    assert ml108["subject"] == ["target", "y"]
    assert ml108["message"].startswith("df: 'y' is imbalanced")
    assert [r["role"] for r in ml108["related"]] == ["also X_train"]
    run(shell, SPLIT)  # the split cell again
    assert [f["subject"] for f in _open(shell) if f["code"] == "ML108"] == [["target", "y"]]


def test_a_rebound_split_does_not_change_a_fit_s_verdict(shell) -> None:
    """Re-running the split rebinds X_train; the fit's measured scales still answer ML301."""
    run(shell, SETUP)
    run(shell, SPLIT)
    assert run(shell, "clf = LogisticRegression().fit(X_train, y_train)") == []
    assert [f["code"] for f in run(shell, SPLIT)] == ["ML108"]  # shown again where it was shown


def test_a_severity_that_changes_is_shown_where_it_changed(shell) -> None:
    """Scores side by side are info; the cell that picks among them makes it a warning,
    and that cell shows it, so the latest output, the list and the panel tell one severity."""
    run(shell, SETUP)
    run(shell, SPLIT)
    loop = run(
        shell,
        "scores = {}\n"
        "for d in [2, 4, 8]:\n"
        "    m = DecisionTreeClassifier(max_depth=d, random_state=0).fit(X_train, y_train)\n"
        "    scores[d] = f1_score(y_test, m.predict(X_test))",
    )
    (before,) = [f for f in loop if f["code"] == "ML205"]
    assert before["severity"] == "info"
    (after,) = [f for f in run(shell, "best = max(scores, key=scores.get)") if f["code"] == "ML205"]
    assert after["severity"] == "warning"
    assert "cell [" not in after["message"] and "line" not in after["message"]
    assert [f["severity"] for f in _open(shell) if f["code"] == "ML205"] == ["warning"]


def test_a_re_run_that_fixes_a_finding_says_so(shell) -> None:
    run(shell, SETUP)
    shell.run_cell(SPLIT, store_history=True)
    shown(shell)
    cell = (
        "from sklearn.preprocessing import StandardScaler\n"
        "scaler = StandardScaler().fit(X)\n"
        "model = LogisticRegression().fit(scaler.transform(X_train), y_train)\n"
        "print(model.score(scaler.transform(X_test), y_test))"
    )
    shell.run_cell(cell, store_history=True, cell_id="scaling")
    assert "ML203" in [f["code"] for f in shown(shell)]
    shell.run_cell(cell.replace(".fit(X)", ".fit(X_train)"), store_history=True, cell_id="scaling")
    notes = [n for n in _notes(shell) if n.get("code") == "ML203"]
    assert notes and notes[0]["status"] == "fixed"
    assert notes[0]["subject"]
    assert "ML203" not in [f["code"] for f in _open(shell)]


def test_mlcheck_and_the_hook_tell_copied_rows_once(shell) -> None:
    """``%mlcheck train test`` and a model fitted on ``train[['a', 'b']]``: one ML201."""
    run(
        shell,
        "import numpy as np, pandas as pd\n"
        "from sklearn.linear_model import LogisticRegression\n"
        "rng = np.random.default_rng(1)\n"
        "def make(n):\n"
        "    d = pd.DataFrame({'a': rng.normal(size=n), 'b': rng.normal(size=n)})\n"
        "    d['target'] = (d.a + rng.normal(size=n) > 0).astype(int)\n"
        "    return d\n"
        "train = make(3000)\n"
        "test = pd.concat([make(1000), train.sample(300, random_state=0)], ignore_index=True)",
    )
    shell.run_cell("%mlcheck train test --target target", store_history=True)
    assert [f["code"] for f in shown(shell)] == ["ML201"]
    run(
        shell,
        "model = LogisticRegression().fit(train[['a', 'b']], train['target'])\n"
        "print(model.score(test[['a', 'b']], test['target']))",
    )
    found = [f for f in _open(shell) if f["code"] == "ML201"]
    assert len(found) == 1 and found[0]["subject"] == ["train", "test"]


def test_a_derived_frame_is_named_by_its_frame(shell) -> None:
    """``X_train = train[features]``: the hook's pairing and ``%mlcheck train test`` agree."""
    run(
        shell,
        "import numpy as np, pandas as pd\n"
        "from sklearn.linear_model import LogisticRegression\n"
        "rng = np.random.default_rng(2)\n"
        "train = pd.DataFrame({'a': rng.normal(size=3000), 'b': rng.normal(size=3000)})\n"
        "train['target'] = (train.a > 0).astype(int)\n"
        "fresh = train.iloc[:600].assign(a=lambda d: d.a * 1.5 + 0.1)\n"
        "test = pd.concat([train.sample(400, random_state=1), fresh])\n"
        "features = [c for c in train.columns if c != 'target']",
    )
    run(
        shell,
        "X_train, y_train = train[features], train['target']\n"
        "X_test, y_test = test[features], test['target']\n"
        "model = LogisticRegression().fit(X_train, y_train)\n"
        "print(model.score(X_test, y_test))",
    )
    shell.run_cell("%mlcheck train test --target target", store_history=True)
    shown(shell)
    found = [f for f in _open(shell) if f["code"] == "ML201"]
    assert len(found) == 1, found
    assert found[0]["subject"] == ["train", "test"]


def test_mlcheck_honours_ignore_overrides_and_noqa(shell) -> None:
    from ml_lint_nb.config import Config
    from ml_lint_nb.findings import Severity
    from ml_lint_nb.ipython import get_session

    run(
        shell,
        "import numpy as np, pandas as pd\n"
        "rng = np.random.default_rng(1)\n"
        "train = pd.DataFrame({'a': rng.normal(size=3000), 'b': rng.normal(size=3000)})\n"
        "test = pd.concat([train.iloc[:300], train.iloc[300:1300] + 0.01], ignore_index=True)",
    )
    shell.run_cell("%mlcheck train test  # noqa: ML201", store_history=True)
    assert "ML201" not in [f["code"] for f in shown(shell)]
    session = get_session(shell)
    session.config = Config(severity={"ML201": Severity.WARNING})
    shell.run_cell("%mlcheck train test", store_history=True)
    assert [f["severity"] for f in shown(shell) if f["code"] == "ML201"] == ["warning"]
    shell.run_cell("%mlcheck ignore ML201", store_history=True)
    shell.run_cell("%mlcheck train test", store_history=True)
    assert "ML201" not in [f["code"] for f in shown(shell)]


def test_rows_names_follow_column_selections_only() -> None:
    """Column selections and frames derived over the same rows are their frame; anything that
    may change the rows (masks, slices, samples, a positional drop) keeps its own text."""
    import ast

    from ml_lint_nb.facts.static.interpreter import Interpreter
    from ml_lint_nb.ipython.data_names import rows_name

    interp = Interpreter()
    code = (
        "import pandas as pd\n"
        "train = pd.read_csv('train.csv')\n"
        "cols = ['a', 'b']\n"
        "X = train.drop(columns=['y'])\n"
        "head = train.iloc[:100]\n"
        "mask = train.a > 0\n"
    )
    interp.run_cell(ast.parse(code), 1, None)
    env = interp.env
    ns = {"computed": ["a", "b"]}
    same = [
        "train",
        "train[['a', 'b']]",
        "train['a']",
        "train[cols]",
        "train[computed]",
        "train.loc[:, ['a', 'b']]",
        "train.drop(columns='y')",
        "train.drop('y', axis=1)",
        "train[['a', 'b']].values",
        "train[cols].to_numpy()",
        "X",
        "X[['a']]",
    ]
    for label in same:
        assert rows_name(label, env, ns) == "train", label
    for label in [
        "train[mask]",
        "train[train.a > 0]",
        "train.iloc[:100]",
        "train[:100]",
        "train.sample(10)",
        "train.drop(0)",
        "train.loc[train.a > 0, ['a']]",
        "head",
        "train[['a', 'b'",
        "pd.concat([train, train])",
    ]:
        assert rows_name(label, env, ns) in (None, label), label


def test_an_unchanged_re_run_claims_no_fix(shell) -> None:
    """Only an edit of the cell earns a "fixed" note: running the same code again may miss
    a finding for reasons of the kernel's own (rows it has read before), not the user's."""
    cells = [
        SETUP,
        SPLIT,
        "clf = LogisticRegression().fit(X_train, y_train)\nclf.score(X_test, y_test)",
    ]
    for i, cell in enumerate(cells):
        shell.run_cell(cell, store_history=True, cell_id=f"c{i}")
    shown(shell)
    for _ in range(2):
        for i, cell in enumerate(cells):
            shell.run_cell(cell, store_history=True, cell_id=f"c{i}")
            assert not [n for n in _notes(shell) if n.get("status") == "fixed"]
            shown(shell)
