"""Issue 6's scenario: train and test loaded separately, no split call; all seven pitfalls flagged.

A 100k-row train frame and a separate test frame (1,600 rows copied from
train, a feature that is the target plus noise, a constant column, features
on scales 1e-3 to 1e5, a 95/5 target, outliers, one drifted column); the
notebook runs ``%mlcheck train --target target``, fits a LogisticRegression,
predicts and prints accuracy.
"""

from __future__ import annotations

import pytest

pytest.importorskip("sklearn")

from shell_findings import run  # noqa: E402

LOAD = """\
import numpy as np, pandas as pd
rng = np.random.RandomState(0)
n = 100_000
target = (rng.rand(n) < 0.05).astype(int)
train = pd.DataFrame({
    "tiny": rng.randn(n) * 1e-3, "huge": rng.randn(n) * 1e5, "mid": rng.randn(n),
    "spend": rng.randn(n), "leak": target + rng.randn(n) * 0.05, "const": 1.0,
    "age": rng.normal(40, 10, n),
})
train.loc[:20, "mid"] = 1e6
train["target"] = target
m = 8_000
tt = (rng.rand(m) < 0.05).astype(int)
test = pd.DataFrame({
    "tiny": rng.randn(m) * 1e-3, "huge": rng.randn(m) * 1e5, "mid": rng.randn(m),
    "spend": rng.randn(m), "leak": tt + rng.randn(m) * 0.05, "const": 1.0,
    "age": rng.normal(55, 10, m),
})
test["target"] = tt
test = pd.concat([test, train.sample(1600, random_state=1)], ignore_index=True)
"""

FIT = """\
from sklearn.linear_model import LogisticRegression
features = [c for c in train.columns if c != "target"]
clf = LogisticRegression(max_iter=200)
clf.fit(train[features], train["target"])
"""

PREDICT = """\
from sklearn.metrics import accuracy_score
pred = clf.predict(test[features])
print(accuracy_score(test["target"], pred))
"""


def test_all_seven_pitfalls_are_flagged_without_a_split_call(shell) -> None:
    by_cell = [
        run(shell, LOAD),
        run(shell, "%mlcheck train --target target"),
        run(shell, FIT),
        run(shell, PREDICT),
    ]
    found = {f["code"]: f for cell in by_cell for f in cell}
    assert "1,600 of 9,600 rows of test[features]" in found["ML201"]["message"]  # copied rows
    assert "'leak'" in found["ML202"]["message"]  # the target plus noise
    assert "'const'" in found["ML102"]["message"]  # constant column
    assert "scales differ" in found["ML301"]["message"]  # 1e-3 to 1e5
    assert found["ML301"]["severity"] == "warning"
    assert "5.0%" in found["ML108"]["message"]  # 95/5 target
    assert "'mid'" in found["ML106"]["message"]  # outliers
    assert "'age'" in found["ML209"]["message"]  # the drifted column
    assert found["ML201"]["severity"] == "error" and found["ML202"]["severity"] == "error"
    # the metric on the model's outputs is scored by the hook too: a perfect score is suspect
    assert "test[features]" in found["ML406"]["message"]


def test_one_finding_per_event(shell) -> None:
    """A cell that only predicts again shows nothing; %mlcheck lists each open finding once."""
    from ml_lint_nb.ipython import get_session

    run(shell, LOAD)
    run(shell, "%mlcheck train --target target")
    fit = run(shell, FIT)
    assert "ML202" not in {f["code"] for f in fit}  # %mlcheck reported the leaking column
    assert {f["code"] for f in run(shell, PREDICT)} >= {"ML201", "ML209"}
    assert run(shell, "pred2 = clf.predict(test[features])") == []
    assert run(shell, "print(clf.score(test[features], test['target']))") == []
    session = get_session(shell)
    listed = [(f.code, f.subject, f.message) for f in session.open.values()]
    assert len(listed) == len(set(listed))
    assert sum(1 for code, *_ in listed if code == "ML202") == 1


FUNCTION_STYLE = """\
import numpy as np, pandas as pd
from sklearn.ensemble import RandomForestClassifier

def load_data(seed=0):
    rng = np.random.RandomState(seed)
    n = 5_000
    df = pd.DataFrame({"a": rng.randn(n), "b": rng.randn(n), "c": rng.randn(n)})
    df["y"] = (df.a + rng.randn(n) > 1).astype(int)
    return df.iloc[:4_000], df.iloc[4_000:]

train_df, test_df = load_data()
"""


def test_train_and_test_returned_by_a_function(shell) -> None:
    run(shell, FUNCTION_STYLE)
    assert (
        run(
            shell,
            "rf = RandomForestClassifier(n_estimators=20, random_state=0)\n"
            "rf.fit(train_df[['a', 'b', 'c']], train_df['y'])",
        )
        == []
    )
    clean = run(shell, "print(rf.score(test_df[['a', 'b', 'c']], test_df['y']))")
    assert not {"ML201", "ML209", "ML202"} & {f["code"] for f in clean}
    run(shell, "leaky = pd.concat([test_df, train_df.iloc[:300]])")
    found = run(shell, "print(rf.score(leaky[['a', 'b', 'c']], leaky['y']))")
    assert [f["code"] for f in found if f["code"] == "ML201"] == ["ML201"]
    # predictions for every row are not a test set
    assert (
        run(
            shell,
            "allrows = pd.concat([train_df, test_df])\np = rf.predict(allrows[['a', 'b', 'c']])",
        )
        == []
    )


def test_hand_cut_iloc_split_is_clean(shell) -> None:
    found = run(
        shell,
        "import pandas as pd\n"
        "from sklearn.datasets import load_breast_cancer\n"
        "from sklearn.ensemble import RandomForestClassifier\n"
        "df = load_breast_cancer(as_frame=True).frame.sample(frac=1.0, random_state=42)\n"
        "train, test = df.iloc[:450], df.iloc[450:]\n"
        "X_train, y_train = train.drop(columns='target'), train['target']\n"
        "X_test, y_test = test.drop(columns='target'), test['target']\n"
        "forest = RandomForestClassifier(n_estimators=20, random_state=0).fit(X_train, y_train)\n"
        "print(forest.score(X_test, y_test))",
    )
    assert not {"ML201", "ML202", "ML209"} & {f["code"] for f in found}


def test_resampled_training_data_is_not_duplicated_nor_thresholded(shell) -> None:
    run(
        shell,
        "import numpy as np, pandas as pd\n"
        "from sklearn.utils import resample\n"
        "from sklearn.linear_model import LogisticRegression\n"
        "from sklearn.metrics import f1_score\n"
        "rng = np.random.RandomState(1)\n"
        "def make(n):\n"
        "    d = pd.DataFrame({'amount': rng.randn(n), 'hour': rng.randint(0, 24, n)})\n"
        "    d['fraud'] = (rng.rand(n) < 0.03 + 0.1 * (d.hour < 5)).astype(int)\n"
        "    return d\n"
        "train, test = make(20_000), make(5_000)",
    )
    run(
        shell,
        "majority, minority = train[train.fraud == 0], train[train.fraud == 1]\n"
        "up = resample(minority, replace=True, n_samples=len(majority), random_state=0)\n"
        "balanced = pd.concat([majority, up])\n"
        "X_bal, y_bal = balanced.drop(columns='fraud'), balanced['fraud']",
    )
    found = run(
        shell,
        "lr = LogisticRegression().fit(X_bal, y_bal)\n"
        "X_te, y_te = test.drop(columns='fraud'), test['fraud']\n"
        "print(f1_score(y_te, lr.predict(X_te)))",
    )
    assert not {"ML101", "ML401"} & {f["code"] for f in found}


@pytest.mark.parametrize("library", ["pandas", "polars"])
def test_accuracy_on_labels_taken_inline_reads_their_balance(shell, library) -> None:
    """``accuracy_score(test["churn"], pred)``: the labels are a column taken inline, never
    bound to a name; their class balance comes from the frame the code names (ML402)."""
    if library == "polars":
        pytest.importorskip("polars")
    make = "pl.DataFrame" if library == "polars" else "pd.DataFrame"
    run(
        shell,
        f"""
import numpy as np, pandas as pd
{"import polars as pl" if library == "polars" else ""}
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score
rng = np.random.default_rng(3)
def table(n):
    return {make}({{"age": rng.normal(40, 10, n), "churn": (rng.random(n) < 0.04).astype(int)}})
train, test = table(5000), table(1000)
""",
    )
    found = run(
        shell,
        'clf = LogisticRegression().fit(train[["age"]], train["churn"])\n'
        'print(accuracy_score(test["churn"], clf.predict(test[["age"]])))',
    )
    ml402 = [f for f in found if f["code"] == "ML402"]
    assert ml402 and "test['churn']" in ml402[0]["message"], found
    assert "majority class alone" in ml402[0]["message"]
