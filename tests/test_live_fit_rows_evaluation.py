"""ML204 live: a model scored on rows measured to be among its fit rows.

Rows are paired with the fit rows by hashes, so the names of the frames do
not matter; a fit that is also scored on held-out rows stays silent.
"""

from __future__ import annotations

import pytest

pytest.importorskip("sklearn")

from tests.test_live_hook import codes, run  # noqa: E402

SETUP = (
    "import numpy as np, pandas as pd\n"
    "from sklearn.linear_model import LogisticRegression\n"
    "from sklearn.metrics import accuracy_score\n"
    "from sklearn.model_selection import train_test_split\n"
    "rng = np.random.RandomState(0)\n"
    "df = pd.DataFrame(rng.randn(3000, 4), columns=list('abcd'))\n"
    "df['y'] = (df.a + rng.randn(3000) > 0).astype(int)\n"
    "feats = ['a', 'b', 'c', 'd']"
)
FILES = "alpha, beta = df.iloc[:2400].copy(), df.iloc[2400:].copy()"  # two files, any names


def ml204(shell) -> list[tuple[str, str]]:
    from ml_lint_nb.ipython import get_session

    session = get_session(shell)
    return [(f.severity.value, f.message) for f in session.open.values() if f.code == "ML204"]


def test_training_score_alone_is_info(shell) -> None:
    run(shell, SETUP)
    run(shell, FILES)
    run(shell, "m = LogisticRegression().fit(alpha[feats], alpha['y'])")
    run(shell, "print(m.score(alpha[feats], alpha['y']))")
    [(severity, message)] = ml204(shell)
    assert severity == "info"
    assert "2,400 of 2,400 rows of alpha[feats] are among the 2,400 rows m was fitted on" in message


def test_metric_on_a_part_of_the_fit_rows_is_a_warning(shell) -> None:
    run(shell, SETUP)
    run(shell, FILES)
    run(
        shell,
        "both = pd.concat([alpha, beta])\nm = LogisticRegression().fit(both[feats], both['y'])",
    )
    run(shell, "print(accuracy_score(beta['y'], m.predict(beta[feats])))")
    [(severity, message)] = ml204(shell)
    assert severity == "warning"
    assert "m is scored (accuracy_score) on beta[feats], which lies inside the data" in message


def test_training_score_beside_a_held_out_score_is_silent(shell) -> None:
    run(shell, SETUP)
    run(shell, FILES)
    run(shell, "m = LogisticRegression().fit(alpha[feats], alpha['y'])")
    run(shell, "print(m.score(alpha[feats], alpha['y']), m.score(beta[feats], beta['y']))")
    assert ml204(shell) == []
    run(shell, "m2 = LogisticRegression(C=0.5).fit(alpha[feats], alpha['y'])")
    run(shell, "print(m2.score(beta[feats], beta['y']))")  # held out first, training score later
    run(shell, "print(m2.score(alpha[feats], alpha['y']))")
    assert ml204(shell) == []


def test_the_static_finding_is_not_repeated(shell) -> None:
    """Fit on X instead of X_train: the dataflow's ML204 (an error) says it with the split."""
    run(shell, SETUP)
    run(shell, "X, y = df[feats], df['y']")
    run(shell, "X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)")
    run(shell, "m = LogisticRegression().fit(X, y)")
    run(shell, "print(m.score(X_test, y_test))")
    assert codes(shell).count("ML204") == 1
    [(severity, _message)] = ml204(shell)
    assert severity == "error"


HELPERS = (
    "def train_model(frame):\n"
    "    model = LogisticRegression(max_iter=500)\n"
    "    model.fit(frame[feats], frame['y'])\n"
    "    return model\n"
)


def test_a_fit_inside_a_helper_function_gets_a_fit_record(shell) -> None:
    """``clf = train_model(train_df)``: the dataflow's fit is read as ``train_df[feats]``."""
    run(shell, SETUP)
    run(shell, FILES)
    run(shell, HELPERS)
    run(shell, "m = train_model(alpha)")
    from ml_lint_nb.ipython import get_session

    record = get_session(shell).collector.recall(shell.user_ns["m"])
    assert record is not None and record.n_rows == 2400 and record.labels == tuple("abcd")
    run(shell, "print(m.score(alpha[feats], alpha['y']))")
    [(severity, _message)] = ml204(shell)
    assert severity == "info"


def test_a_post_outcome_flag_fitted_in_a_helper_is_found(shell) -> None:
    run(shell, SETUP)
    run(shell, "df['flag'] = ((df.y == 1) & (rng.rand(3000) < 0.95)).astype(int)\n" + FILES)
    run(shell, HELPERS.replace("frame[feats]", "frame[['a', 'b', 'flag']]"))
    run(shell, "m = train_model(alpha)")
    assert "ML202" in codes(shell)


def test_a_helper_fit_on_filtered_rows_is_not_misread(shell) -> None:
    """Rows filtered inside the helper are not the frame's rows: no record rather than a wrong one."""
    run(shell, SETUP)
    run(shell, FILES)
    run(
        shell,
        HELPERS.replace(
            "frame[feats], frame['y']", "frame[frame.a > 0][feats], frame[frame.a > 0]['y']"
        ),
    )
    run(shell, "m = train_model(alpha)")
    from ml_lint_nb.ipython import get_session

    assert get_session(shell).collector.recall(shell.user_ns["m"]) is None


def test_training_score_of_a_cross_validated_model_is_silent(shell) -> None:
    run(shell, SETUP)
    run(shell, FILES)
    run(shell, "from sklearn.model_selection import cross_val_score\nm = LogisticRegression()")
    run(shell, "print(cross_val_score(m, alpha[feats], alpha['y'], cv=3).mean())")
    run(shell, "m.fit(alpha[feats], alpha['y'])\nprint(m.score(alpha[feats], alpha['y']))")
    assert ml204(shell) == []
