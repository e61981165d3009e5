"""Issue 6's scenario: train and test loaded separately, no split call; all seven pitfalls flagged.

A 100k-row train frame and a separate test frame (1,600 rows copied from
train, a feature that is the target plus noise, a constant column, features
on scales 1e-3 to 1e5, a 95/5 target, outliers, one drifted column); the
notebook runs ``%mlcheck train --target target``, fits a LogisticRegression,
predicts and prints accuracy.
"""

from __future__ import annotations

import json

import pytest

pytest.importorskip("sklearn")
from IPython.core.interactiveshell import InteractiveShell  # noqa: E402

MIME = "application/vnd.ml-lint-nb.findings+json"

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


@pytest.fixture()
def shell(monkeypatch):
    InteractiveShell.clear_instance()
    sh = InteractiveShell.instance()
    published: list[dict] = []

    def capture(data=None, metadata=None, **_kw):
        published.append(data or {})

    import IPython.display

    monkeypatch.setattr(IPython.display, "publish_display_data", capture)
    sh.run_line_magic("load_ext", "ml_lint_nb")
    sh.published = published
    yield sh
    sh.run_line_magic("unload_ext", "ml_lint_nb")
    InteractiveShell.clear_instance()


def shown(sh) -> list[dict]:
    out = []
    for data in sh.published:
        if MIME in data:
            payload = data[MIME] if isinstance(data[MIME], dict) else json.loads(data[MIME])
            out += [f for file in payload["files"] for f in file["findings"]]
    sh.published.clear()
    return out


def run(sh, code: str) -> list[dict]:
    result = sh.run_cell(code, store_history=True)
    assert result.error_in_exec is None, result.error_in_exec
    return shown(sh)


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
