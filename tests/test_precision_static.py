"""Precision of the static rules: severities, one finding per event, related places.

The fixtures pin *where* findings are; these tests pin what the fixtures cannot:
how severe they are and how repeated events fold into one finding.
"""

from __future__ import annotations

import json
import textwrap

from rule_fixtures import fixture_to_notebook_json

from ml_lint_nb.config import Config
from ml_lint_nb.engine import lint_source
from ml_lint_nb.facts.static.notebook import parse_notebook
from ml_lint_nb.findings import Finding


def lint(text: str, code: str) -> list[Finding]:
    nb = parse_notebook(json.dumps(fixture_to_notebook_json(textwrap.dedent(text))), "t.ipynb")
    return list(lint_source(nb, Config(select=(code,))).findings)


HEAD = """
# %%
import numpy as np
import pandas as pd
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.linear_model import LogisticRegression
from sklearn.ensemble import RandomForestClassifier
X, y = load_breast_cancer(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
"""


def test_models_side_by_side_on_test_are_info() -> None:
    found = lint(
        HEAD
        + """
# %%
rf = RandomForestClassifier(random_state=0).fit(X_train, y_train)
lr = LogisticRegression(max_iter=5000).fit(X_train, y_train)
print(rf.score(X_test, y_test), lr.score(X_test, y_test))
""",
        "ML205",
    )
    assert [f.severity.value for f in found] == ["info"]
    assert "choose on validation or cross-validation" in found[0].message


def test_a_choice_by_test_score_is_a_warning_with_the_choice_related() -> None:
    found = lint(
        HEAD
        + """
# %%
scores = {}
for C in [0.01, 0.1, 1.0]:
    scores[C] = LogisticRegression(C=C, max_iter=5000).fit(X_train, y_train).score(X_test, y_test)
best_C = max(scores, key=scores.get)
""",
        "ML205",
    )
    assert [f.severity.value for f in found] == ["warning"]
    assert any("choice by test score" in r.role for r in found[0].related)


def test_argmax_over_predictions_is_no_choice_among_models() -> None:
    found = lint(
        HEAD
        + """
# %%
rf = RandomForestClassifier(random_state=0).fit(X_train, y_train)
lr = LogisticRegression(max_iter=5000).fit(X_train, y_train)
results = {"rf": rf.score(X_test, y_test), "lr": lr.score(X_test, y_test)}
model = rf
labels = np.argmax(model.predict_proba(X_test), axis=1)
""",
        "ML205",
    )
    assert [f.severity.value for f in found] == ["info"]


def test_ml301_refits_are_one_finding() -> None:
    found = lint(
        """
# %%
import pandas as pd
from sklearn.svm import SVC
df = pd.read_csv("data.csv")
X, y = df.drop(columns="y"), df["y"]
# %%
SVC().fit(X, y)
# %%
SVC(C=10).fit(X, y)
""",
        "ML301",
    )
    assert len(found) == 1
    assert [r.role for r in found[0].related] == ["fitted again"]


def test_ml501_is_one_finding_per_notebook() -> None:
    found = lint(
        """
# %%
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.ensemble import RandomForestClassifier
X, y = make_classification()
X_train, X_test, y_train, y_test = train_test_split(X, y)
# %%
rf = RandomForestClassifier()
""",
        "ML501",
    )
    assert len(found) == 1
    assert len(found[0].related) == 2
    assert "2 more places: train_test_split, rf (RandomForestClassifier)." in found[0].message


def test_ml502_one_finding_per_late_definition() -> None:
    found = lint(
        """
# %%
model.fit(X, y)
# %%
model.predict(X)
# %%
from sklearn.svm import SVC
model = SVC()
X, y = [[0], [1]], [0, 1]
""",
        "ML502",
    )
    # `model` (defined cell 3 line 2) and `X, y` (cell 3 line 3): two late definitions
    assert len(found) == 2
    by_subject = {f.subject: f for f in found}
    assert ("model",) in by_subject and ("X", "y") in by_subject
    assert any(r.role == "another use before it" for r in by_subject[("model",)].related)


def test_ml502_silent_on_equal_execution_counts_and_star_imports() -> None:
    found = lint(
        """
# %% exec=1
from preamble import *
# %% exec=2
df = pd.DataFrame({"a": [1]})
# %% exec=2
print(df)
# %% exec=3
import pandas as pd
""",
        "ML502",
    )
    assert found == []


def test_ml301_describe_before_in_place_scaling_is_advice_only() -> None:
    found = lint(
        """
# %%
import pandas as pd
from sklearn.preprocessing import StandardScaler
from sklearn.neighbors import KNeighborsClassifier
df = pd.read_csv("heart.csv")
df.describe()
# out:          age     income   target
# out: count  303.0      303.0    303.0
# out: mean    54.3    46246.3      0.5
# out: std      9.1    25051.8      0.5
# %%
df[["age", "income"]] = StandardScaler().fit_transform(df[["age", "income"]])
KNeighborsClassifier().fit(df.drop("target", axis=1), df["target"])
""",
        "ML301",
    )
    assert [f.severity.value for f in found] == ["info"]


def test_choice_on_validation_scores_from_a_helper_that_also_scores_test_is_info() -> None:
    found = lint(
        HEAD
        + """
# %%
X_tr, X_val, y_tr, y_val = train_test_split(X_train, y_train, random_state=1)
def evaluate(model):
    model.fit(X_tr, y_tr)
    return model.score(X_val, y_val), model.score(X_test, y_test)
val_scores, test_scores = [], []
for C in [0.01, 0.1, 1.0]:
    v, t = evaluate(LogisticRegression(C=C, max_iter=5000))
    val_scores.append(v)
    test_scores.append(t)
best = int(np.argmax(val_scores))
""",
        "ML205",
    )
    assert [f.severity.value for f in found] == ["info"]


def test_a_best_variable_over_test_scores_is_a_choice() -> None:
    found = lint(
        HEAD
        + """
# %%
accs = [LogisticRegression(C=c, max_iter=5000).fit(X_train, y_train).score(X_test, y_test) for c in [0.1, 1, 10]]
best_acc = accs
""",
        "ML205",
    )
    assert [f.severity.value for f in found] == ["warning"]
