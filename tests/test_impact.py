"""``%mlcheck impact MODEL``: both scores and a verdict for each leak attached to a model.

Run in a real in-process shell with the extension loaded: the notebook's own
cells fit and score the model, the hook reports the leak, and the command
refits clones the honest way on copies. Seeded synthetic data and
scikit-learn's bundled loaders only.
"""

from __future__ import annotations

import json
import re

import pytest

pytest.importorskip("sklearn")

from ml_lint_nb.findings import Evidence, Finding, Location, Severity  # noqa: E402

MIME = "application/vnd.ml-lint-nb.findings+json"

CHURN = """
import numpy as np, pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
rng = np.random.default_rng(0)
n = 3000
tenure = rng.integers(1, 72, n)
charges = rng.normal(70, 20, n)
calls = rng.poisson(2, n)
logit = -1.5 + 0.3 * calls - 0.03 * tenure + 0.01 * (charges - 70)
churned = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
# recorded after the outcome: a retention call is made to customers who cancelled
retention_call = np.where(churned == 1, rng.random(n) < 0.7, 0).astype(int)
customers = pd.DataFrame({"tenure": tenure, "monthly_charges": charges,
                          "support_calls": calls, "retention_call": retention_call,
                          "churned": churned})
"""
CHURN_SPLIT = """
X = customers.drop(columns=["churned"])
y = customers["churned"]
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, random_state=42, stratify=y)
"""
CHURN_MODEL = """
model = LogisticRegression(max_iter=1000)
model.fit(X_train, y_train)
proba = model.predict_proba(X_test)[:, 1]
auc = roc_auc_score(y_test, proba)
"""

BREAST_CANCER = [
    """
from sklearn.datasets import load_breast_cancer
from sklearn.preprocessing import StandardScaler
from sklearn.model_selection import train_test_split
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score
data = load_breast_cancer()
X, y = data.data, data.target
""",
    """
scaler = StandardScaler()
X_scaled = scaler.fit_transform(X)
X_train, X_test, y_train, y_test = train_test_split(X_scaled, y, test_size=0.25, random_state=0)
""",
    """
clf = LogisticRegression()
clf.fit(X_train, y_train)
acc = accuracy_score(y_test, clf.predict(X_test))
""",
]

VISITS = [
    """
import numpy as np, pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import roc_auc_score
rng = np.random.default_rng(7)
n_patients = 300
n_visits = rng.integers(2, 9, n_patients)
patient = np.repeat(np.arange(n_patients), n_visits)
risk = rng.normal(0, 1, n_patients)
visits = pd.DataFrame({
    "patient_id": patient,
    "age": rng.integers(20, 85, n_patients)[patient],
    "bmi": rng.normal(27, 4, n_patients)[patient] + rng.normal(0, 0.2, len(patient)),
    "genotype": rng.normal(0, 1, n_patients)[patient],
    "bp": 120 + 10 * risk[patient] + rng.normal(0, 15, len(patient)),
    "heart_rate": 70 + rng.normal(0, 8, len(patient)),
    "readmitted": (risk + 0.3 * rng.normal(size=n_patients) > 0.5).astype(int)[patient],
})
features = ["age", "bmi", "genotype", "bp", "heart_rate"]
""",
    """
X = visits[features]
y = visits["readmitted"]
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=1)
""",
    """
model = RandomForestClassifier(n_estimators=150, random_state=0)
model.fit(X_train, y_train)
auc = roc_auc_score(y_test, model.predict_proba(X_test)[:, 1])
""",
]


def run(sh, code: str) -> None:
    result = sh.run_cell(code, store_history=True)
    assert result.error_in_exec is None, result.error_in_exec


def shown(sh) -> list[dict]:
    out = []
    for data in sh.published:
        if MIME in data:
            payload = data[MIME] if isinstance(data[MIME], dict) else json.loads(data[MIME])
            out += [f for file in payload["files"] for f in file["findings"]]
    return out


def impact(sh, capsys, line: str) -> tuple[list[dict], str]:
    """Run ``%mlcheck LINE``; the findings it displayed with an impact, and what it printed."""
    sh.published.clear()
    capsys.readouterr()
    sh.run_line_magic("mlcheck", line)
    found = [f for f in shown(sh) if "impact" in f]
    return found, capsys.readouterr().out


def session(sh):
    from ml_lint_nb.ipython import get_session

    return get_session(sh)


def test_churn_flag_named_with_both_roc_aucs_on_the_same_rows(shell, capsys) -> None:
    for code in (CHURN, CHURN_SPLIT, CHURN_MODEL):
        run(shell, code)
    found, _ = impact(shell, capsys, "impact model")
    (f,) = [f for f in found if f["code"] == "ML202"]
    got = f["impact"]
    assert got["metric"] == "ROC AUC"
    assert got["leaky_label"] == "with 'retention_call'" and got["honest_label"] == "without"
    # the leaky score is the notebook's own (a seeded refit reproduces it)
    assert got["leaky"] == pytest.approx(shell.user_ns["auc"], abs=1e-6)
    assert got["leaky"] > 0.9 and got["honest"] < 0.8
    assert got["verdict"] == "material"
    assert got["evaluation_rows"] == "same" and got["n_leaky"] == got["n_honest"] == 750
    assert (
        "without 'retention_call'" in got["method"] and "same 750 rows of X_test" in got["method"]
    )
    assert got["text"].startswith("ROC AUC 0.9") and got["text"].endswith(": material")
    # shown side by side in the HTML block, and kept on the open finding
    html = next(d["text/html"] for d in shell.published if MIME in d)
    assert "ml-lint-nb — impact on model" in html and "impact: material" in html
    assert any(o.impact is not None for o in session(shell).open.values())


def test_breast_cancer_scaler_before_split_is_small(shell, capsys) -> None:
    for code in BREAST_CANCER:
        run(shell, code)
    found, _ = impact(shell, capsys, "impact clf")
    (f,) = [f for f in found if f["code"] == "ML203"]
    got = f["impact"]
    assert got["metric"] == "accuracy"
    assert got["leaky"] == pytest.approx(shell.user_ns["acc"], abs=1e-6)
    assert 0.9 < got["honest"] <= 1.0
    assert got["verdict"] == "small"
    assert got["leaky_label"] == "with scaler fitted on all 569 rows"
    assert got["honest_label"] == "inside a Pipeline"
    assert got["evaluation_rows"] == "same" and got["n_honest"] == 143


def _visits_finding() -> Finding:
    """ML211 as the live detector reports it (its evidence keys are the contract)."""
    text = "212 of 300 patient_id values occur in both X_train and X_test"
    return Finding(
        "ML211",
        "group-leakage",
        Severity.WARNING,
        text,
        Location(execution_count=2, line=3),
        "Split with GroupShuffleSplit on patient_id.",
        (27, 32, 34),
        subject=("X_train", "X_test"),
        sources=("live",),
        evidence=(
            Evidence(
                "live",
                "shared-entities",
                text,
                {
                    "entity_column": "patient_id",
                    "shared_entities": 212,
                    "eval_rows_with_seen_entity": 0.93,
                },
            ),
        ),
    )


def test_patient_visits_random_split_against_a_grouped_one(shell, capsys) -> None:
    for code in VISITS:
        run(shell, code)
    f = _visits_finding()
    session(shell).open[f.identity()] = f
    found, _ = impact(shell, capsys, "impact model")
    (got,) = [g["impact"] for g in found if g["code"] == "ML211"]
    assert got["leaky"] == pytest.approx(shell.user_ns["auc"], abs=1e-6)
    assert got["honest_label"] == "on a split grouped by 'patient_id'"
    assert got["evaluation_rows"] == "new"
    assert got["honest"] < got["leaky"] - 0.1 and got["verdict"] == "material"
    assert "GroupShuffleSplit" in got["method"] and "new evaluation rows" in got["method"]


def test_user_objects_are_untouched(shell, capsys) -> None:
    import numpy as np

    run(shell, CHURN)
    run(shell, CHURN_SPLIT)
    # a step that scales in place: a refit must never reach the notebook's arrays
    run(
        shell,
        "from sklearn.pipeline import make_pipeline\n"
        "from sklearn.preprocessing import StandardScaler\n"
        "model = make_pipeline(StandardScaler(copy=False), LogisticRegression(max_iter=1000))\n"
        "model.fit(X_train, y_train)\n"
        "auc = roc_auc_score(y_test, model.predict_proba(X_test)[:, 1])\n",
    )
    ns = shell.user_ns
    frames = {k: ns[k].copy() for k in ("customers", "X", "X_train", "X_test", "y_train", "y_test")}
    params = ns["model"].get_params(deep=False)
    coef = ns["model"][-1].coef_.copy()
    mean = ns["model"][0].mean_.copy()
    model_id = id(ns["model"])
    found, _ = impact(shell, capsys, "impact model")
    assert found
    for k, before in frames.items():
        assert ns[k].equals(before), k
    assert id(ns["model"]) == model_id
    assert ns["model"].get_params(deep=False).keys() == params.keys()
    assert np.array_equal(ns["model"][-1].coef_, coef)
    assert np.array_equal(ns["model"][0].mean_, mean)


def test_the_budget_stops_refits_and_says_so(shell, capsys) -> None:
    for code in (CHURN, CHURN_SPLIT, CHURN_MODEL):
        run(shell, code)
    shell.run_line_magic("mlcheck", "config impact_seconds=0.0001")
    found, out = impact(shell, capsys, "impact model")
    assert found == []
    assert "not measured within the 0.0001 s budget: ML202 (retention_call)" in out
    assert "impact_seconds=" in out


def test_a_model_whose_data_is_gone_gives_one_line(shell, capsys) -> None:
    for code in (CHURN, CHURN_SPLIT, CHURN_MODEL):
        run(shell, code)
    run(shell, "del X_train")
    found, out = impact(shell, capsys, "impact model")
    assert found == []
    assert out.startswith("%mlcheck: impact of model: ") and out.count("\n") == 1, out
    assert "X_train" in out and "held by no name" in out


def test_data_changed_after_the_fit_is_refused(shell, capsys) -> None:
    for code in (CHURN, CHURN_SPLIT, CHURN_MODEL):
        run(shell, code)
    run(shell, "X_train = X_train.iloc[:100]\ny_train = y_train.iloc[:100]")
    _, out = impact(shell, capsys, "impact model")
    assert out.startswith("%mlcheck: impact of model: ") and out.count("\n") == 1, out


@pytest.mark.parametrize(
    "line, message",
    [
        ("impact nope", "name 'nope' is not defined"),
        ("impact X_train", "X_train is a DataFrame, not a model"),
        ("impact fresh", "impact of fresh: it is not fitted"),
        ("impact model --X X_test", "--X and --y go together"),
        ("impact model --metric bogus", "bogus is not a metric impact can apply again"),
        ("impact odd", "impact of odd: it cannot be cloned (TypeError: "),
    ],
)
def test_mistakes_are_one_line(shell, capsys, line: str, message: str) -> None:
    for code in (CHURN, CHURN_SPLIT, CHURN_MODEL):
        run(shell, code)
    run(shell, "fresh = LogisticRegression()")
    run(
        shell,
        "class Odd:\n"
        "    def fit(self, X, y):\n"
        "        self.coef_ = np.ones(3)\n"
        "        return self\n"
        "    def get_params(self, deep=True):\n"
        "        return {'weird': 1}\n"
        "odd = Odd().fit(X_train, y_train)\n",
    )
    found, out = impact(shell, capsys, line)
    assert found == []
    assert out.startswith("%mlcheck: ") and out.count("\n") == 1, out
    assert message in out


def test_ctrl_c_cancels_and_the_kernel_carries_on(shell, capsys) -> None:
    run(shell, CHURN)
    run(shell, CHURN_SPLIT)
    run(
        shell,
        "from sklearn.base import BaseEstimator, ClassifierMixin\n"
        "class Interrupted(ClassifierMixin, BaseEstimator):\n"
        "    fits = 0\n"
        "    def fit(self, X, y):\n"
        "        type(self).fits += 1\n"
        "        if type(self).fits > 2:\n"
        "            raise KeyboardInterrupt\n"
        "        self.inner_ = LogisticRegression(max_iter=1000).fit(X, y)\n"
        "        self.classes_ = self.inner_.classes_\n"
        "        return self\n"
        "    def predict_proba(self, X):\n"
        "        return self.inner_.predict_proba(X)\n"
        "    def predict(self, X):\n"
        "        return self.inner_.predict(X)\n"
        "model = Interrupted().fit(X_train, y_train)\n"
        "auc = roc_auc_score(y_test, model.predict_proba(X_test)[:, 1])\n",
    )
    before = shell.user_ns["X_train"].copy()
    found, out = impact(shell, capsys, "impact model")
    assert found == []
    assert "cancelled after 1 refit(s); nothing of yours was changed" in out
    assert shell.user_ns["X_train"].equals(before)
    run(shell, "after = 1 + 1")
    assert shell.user_ns["after"] == 2


def test_the_hook_never_refits(shell) -> None:
    run(shell, CHURN)
    run(shell, CHURN_SPLIT)
    run(
        shell,
        "from sklearn.base import BaseEstimator, ClassifierMixin\n"
        "class Counted(ClassifierMixin, BaseEstimator):\n"
        "    fits = 0\n"
        "    def fit(self, X, y):\n"
        "        type(self).fits += 1\n"
        "        self.inner_ = LogisticRegression(max_iter=1000).fit(X, y)\n"
        "        self.classes_ = self.inner_.classes_\n"
        "        return self\n"
        "    def predict_proba(self, X):\n"
        "        return self.inner_.predict_proba(X)\n"
        "    def predict(self, X):\n"
        "        return self.inner_.predict(X)\n"
        "model = Counted().fit(X_train, y_train)\n"
        "auc = roc_auc_score(y_test, model.predict_proba(X_test)[:, 1])\n",
    )
    run(shell, "model.score(X_test, y_test)")
    run(shell, "pred = model.predict(X_test)")
    assert shell.user_ns["Counted"].fits == 1


def test_no_progress_line_under_a_second(monkeypatch) -> None:
    from ml_lint_nb.ipython import impact as kernel_impact

    shown_lines: list[str] = []
    monkeypatch.setattr(
        "IPython.display.display", lambda bundle, **_: shown_lines.append(bundle["text/plain"])
    )
    now = [0.0]
    line = kernel_impact.ProgressLine(clock=lambda: now[0])
    for t in (0.1, 0.5, 0.99):
        now[0] = t
        line(1, 3, "model as fitted")
    line.close()
    assert shown_lines == []  # a measurement under a second shows nothing
    now[0] = 1.2
    line(2, 3, "model without 'flag'")
    assert shown_lines and "2/3 refits" in shown_lines[0]


def test_progress_line_past_a_second(shell, capsys, monkeypatch) -> None:
    from ml_lint_nb.ipython import impact as kernel_impact

    shown_lines: list[str] = []

    class Handle:
        def update(self, bundle, raw=False):
            shown_lines.append(bundle["text/plain"])

    def display(bundle, raw=False, display_id=False):
        shown_lines.append(bundle["text/plain"])
        return Handle()

    monkeypatch.setattr(kernel_impact, "SHOW_PROGRESS_AFTER", 0.0)
    monkeypatch.setattr("IPython.display.display", display)
    for code in BREAST_CANCER:
        run(shell, code)
    found, _ = impact(shell, capsys, "impact clf")
    assert found
    assert any("refits" in line and "[" in line for line in shown_lines)
    assert re.fullmatch(r"ml-lint-nb impact: \d+ refits? in [0-9.]+ s", shown_lines[-1])


def test_without_a_name_every_model_with_a_leak(shell, capsys) -> None:
    for code in (CHURN, CHURN_SPLIT, CHURN_MODEL):
        run(shell, code)
    run(
        shell,
        "from sklearn.tree import DecisionTreeClassifier\n"
        "tree = DecisionTreeClassifier(max_depth=3, random_state=0).fit(X_train, y_train)\n"
        "tree_auc = roc_auc_score(y_test, tree.predict_proba(X_test)[:, 1])\n",
    )
    found, _ = impact(shell, capsys, "impact")
    methods = [f["impact"]["method"] for f in found]
    assert any("clone of model " in m for m in methods)
    assert any("clone of tree " in m for m in methods)
    html = next(d["text/html"] for d in shell.published if MIME in d)
    assert "impact on model, tree" in html


def test_a_model_with_no_leak_says_so(shell, capsys) -> None:
    run(shell, CHURN)
    run(
        shell,
        "X = customers.drop(columns=['churned', 'retention_call'])\n"
        "y = customers['churned']\n"
        "X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=42,"
        " stratify=y)\n",
    )
    run(shell, CHURN_MODEL)
    found, out = impact(shell, capsys, "impact model")
    assert found == []
    assert "model: no leak or evaluation finding is attached to it" in out


def test_an_array_column_is_named_by_what_it_was(shell, capsys) -> None:
    """Fitted on the scaler's output (an array): 'x3' is shown with the frame's column name."""
    run(shell, CHURN)
    run(
        shell,
        "from sklearn.preprocessing import StandardScaler\n"
        "from sklearn.neighbors import KNeighborsClassifier\n"
        "features = ['tenure', 'monthly_charges', 'support_calls', 'retention_call']\n"
        "scaler = StandardScaler()\n"
        "X = scaler.fit_transform(customers[features])\n"
        "y = customers['churned']\n"
        "X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=0)\n",
    )
    run(
        shell,
        "knn = KNeighborsClassifier(n_neighbors=25).fit(X_train, y_train)\n"
        "auc = roc_auc_score(y_test, knn.predict_proba(X_test)[:, 1])\n",
    )
    found, _ = impact(shell, capsys, "impact knn")
    by_code = {f["code"]: f["impact"] for f in found}
    assert by_code["ML202"]["leaky_label"] == "with 'x3' (retention_call)"
    assert by_code["ML202"]["verdict"] == "material"
    # the scaler fitted before the split barely moves a k-NN's ranking
    assert by_code["ML203"]["verdict"] == "small"
    assert by_code["ML203"]["honest_label"] == "inside a Pipeline"


INPLACE = """
import numpy as np, pandas as pd
from sklearn.preprocessing import StandardScaler
from sklearn.model_selection import train_test_split
from sklearn.svm import SVC
from sklearn.metrics import accuracy_score
rng = np.random.default_rng(4)
n = 1500
shoppers = pd.DataFrame({"age": rng.normal(40, 12, n), "income": rng.lognormal(10, 0.6, n),
                         "visits": rng.poisson(3, n), "member": rng.integers(0, 2, n)})
shoppers["bought"] = ((shoppers.age - 40) / 12 + np.log(shoppers.income) - 10
                      + 0.5 * shoppers.member + rng.normal(0, 1, n) > 0.3).astype(int)
num = ["age", "income", "visits"]
"""
INPLACE_MODEL = """
X = shoppers.drop(columns="bought")
y = shoppers["bought"]
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=3)
svc = SVC().fit(X_train, y_train)
acc = accuracy_score(y_test, svc.predict(X_test))
"""


def test_columns_scaled_in_place_are_recovered_from_the_fitted_scaler(shell, capsys) -> None:
    run(shell, INPLACE)
    run(shell, "scaler = StandardScaler()\nshoppers[num] = scaler.fit_transform(shoppers[num])")
    run(shell, INPLACE_MODEL)
    mean = shell.user_ns["scaler"].mean_.copy()
    found, _ = impact(shell, capsys, "impact svc")
    (got,) = [f["impact"] for f in found if f["code"] == "ML203"]
    assert got["leaky"] == pytest.approx(shell.user_ns["acc"], abs=1e-6)
    assert "inverse_transform on a copy" in got["method"] and got["verdict"] == "small"
    assert (shell.user_ns["scaler"].mean_ == mean).all()


def test_rows_overwritten_by_an_unnamed_scaler_are_refused(shell, capsys) -> None:
    run(shell, INPLACE)
    run(shell, "shoppers[num] = StandardScaler().fit_transform(shoppers[num])")
    run(shell, INPLACE_MODEL)
    found, out = impact(shell, capsys, "impact svc")
    assert found == []
    assert "ML203 (StandardScaler) not measured: the rows StandardScaler was fitted on" in out
    assert "overwritten in place" in out
