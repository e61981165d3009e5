"""Where fitted state flows: composites however spelled, statistics as fits, paths to a model."""

from __future__ import annotations

import json

from rule_fixtures import fixture_to_notebook_json

from ml_lint_nb.config import Config
from ml_lint_nb.engine import lint_source
from ml_lint_nb.facts.model import EstimatorFact, FitFact
from ml_lint_nb.facts.static.extract import extract_facts
from ml_lint_nb.facts.static.notebook import parse_notebook

HEAD = """# %%
import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline, FeatureUnion, make_pipeline
from sklearn.compose import ColumnTransformer
from sklearn.preprocessing import StandardScaler
from sklearn.decomposition import PCA
from sklearn.feature_selection import SelectKBest
from sklearn.model_selection import train_test_split
from sklearn.linear_model import LogisticRegression
"""


def _nb(code: str):
    text = HEAD + "\n# %%\n" + code
    return parse_notebook(json.dumps(fixture_to_notebook_json(text)), "x.ipynb")


def _estimators(code: str) -> dict[str, EstimatorFact]:
    store, _ = extract_facts(_nb(code))
    return {f.estimator.binding or f.estimator.cls: f for f in store.of(EstimatorFact)}


def _codes(code: str, select: str = "ML203") -> list[tuple[int | None, str]]:
    result = lint_source(_nb(code), Config(select=(select,)))
    return [(f.location.line, f.code) for f in result.findings]


def test_a_step_the_reader_cannot_resolve_makes_the_composite_unresolved() -> None:
    ests = _estimators(
        "steps = build_steps()\n"
        "opaque = Pipeline(steps)\n"
        "known = Pipeline(steps=[('s', StandardScaler()), ('m', LogisticRegression())])\n"
        "mixed = make_pipeline(make_preprocessor(), LogisticRegression())\n"
    )
    assert "unresolved" in ests["opaque"].estimator.kinds
    assert "unresolved" in ests["mixed"].estimator.kinds
    assert "unresolved" not in ests["known"].estimator.kinds


def test_nested_keyword_composites_are_stateful_when_a_leaf_is() -> None:
    ests = _estimators(
        "union = FeatureUnion(transformer_list=[('p', PCA(2)), ('k', SelectKBest(k=2))])\n"
        "prep = Pipeline(steps=[('s', StandardScaler()), ('u', union)])\n"
        "parts = [('num', StandardScaler(), ['a'])]\n"
        "ct = ColumnTransformer([(n, t, c) for n, t, c in parts])\n"
    )
    assert "transformer" in ests["union"].estimator.kinds
    assert [s.cls for s in ests["prep"].estimator.steps] == ["StandardScaler", "FeatureUnion"]
    assert "scaler" in ests["ct"].estimator.kinds
    assert "unresolved" not in ests["ct"].estimator.kinds


def test_a_statistic_column_counts_only_while_it_is_kept() -> None:
    base = (
        "df = pd.read_csv('d.csv')\n"
        "df['z'] = (df['a'] - df['a'].mean()) / df['a'].std()\n"
        "X = {select}\n"
        "X_tr, X_te, y_tr, y_te = train_test_split(X, df['y'], random_state=0)\n"
        "LogisticRegression().fit(X_tr, y_tr).score(X_te, y_te)\n"
    )
    assert _codes(base.format(select="df.drop(columns=['y'])")) == [(2, "ML203")]
    assert _codes(base.format(select="df[['a', 'z']]")) == [(2, "ML203")]
    assert _codes(base.format(select="df.drop(columns=['y', 'z'])")) == []
    assert _codes(base.format(select="df[['a', 'b']]")) == []


def test_a_statistic_of_the_training_part_is_no_leak_and_marks_scaling() -> None:
    code = (
        "X = pd.read_csv('d.csv')\n"
        "y = X.pop('y')\n"
        "X_tr, X_te, y_tr, y_te = train_test_split(X, y, random_state=0)\n"
        "mu, sd = X_tr.mean(), X_tr.std()\n"
        "X_tr_s = (X_tr - mu) / sd\n"
        "X_te_s = (X_te - mu) / sd\n"
        "LogisticRegression().fit(X_tr_s, y_tr).score(X_te_s, y_te)\n"
    )
    assert _codes(code) == []
    store, _ = extract_facts(_nb(code))
    model_fit = next(f for f in store.of(FitFact) if f.estimator.cls == "LogisticRegression")
    assert model_fit.X is not None and model_fit.X.scaled


def test_a_search_on_all_rows_is_linked_to_the_model_it_builds() -> None:
    code = (
        "from sklearn.model_selection import GridSearchCV\n"
        "X = pd.read_csv('d.csv')\n"
        "y = X.pop('y')\n"
        "gs = GridSearchCV(LogisticRegression(), {'C': [1, 10]}).fit(X, y)\n"
        "X_tr, X_te, y_tr, y_te = train_test_split(X, y, random_state=0)\n"
        "m = LogisticRegression(**gs.best_params_)\n"
        "m.fit(X_tr, y_tr)\n"
        "m.score(X_te, y_te)\n"
    )
    store, _ = extract_facts(_nb(code))
    fit = next(f for f in store.of(FitFact) if f.estimator.binding == "m")
    assert fit.tuned_by is not None and fit.tuned_by.estimator.cls == "GridSearchCV"
    assert _codes(code, "ML204") == [(4, "ML204")]


def test_a_standardisation_over_two_statements_is_one_finding_with_both_places() -> None:
    code = (
        "df = pd.read_csv('d.csv')\n"
        "X = df.drop(columns=['y']).values\n"
        "y = df['y'].values\n"
        "X -= X.mean(axis=0)\n"
        "X /= X.std(axis=0)\n"
        "Z = df.drop(columns=['y'])\n"
        "mu, sd = Z.mean(), Z.std()\n"
        "Z = Z - mu\n"
        "Z = Z / sd\n"
        "X_tr, X_te, y_tr, y_te = train_test_split(X, y, random_state=0)\n"
        "LogisticRegression().fit(X_tr, y_tr).score(X_te, y_te)\n"
        "Z_tr, Z_te, w_tr, w_te = train_test_split(Z, y, random_state=0)\n"
        "LogisticRegression().fit(Z_tr, w_tr).score(Z_te, w_te)\n"
    )
    result = lint_source(_nb(code), Config(select=("ML203",)))
    found = sorted(result.findings, key=lambda f: f.location.line or 0)
    assert [f.location.line for f in found] == [4, 8]
    assert [[r.location.line for r in f.related if r.role == "also"] for f in found] == [[5], [9]]
    assert all("mean/std" in f.message for f in found)


def test_imputing_two_columns_stays_two_fits() -> None:
    code = (
        "df = pd.read_csv('d.csv')\n"
        "df['age'] = df['age'].fillna(df['age'].mean())\n"
        "df['fare'] = df['fare'].fillna(df['fare'].median())\n"
        "X_tr, X_te, y_tr, y_te = train_test_split(df.drop(columns=['y']), df['y'])\n"
        "LogisticRegression().fit(X_tr, y_tr).score(X_te, y_te)\n"
    )
    assert _codes(code) == [(2, "ML203"), (3, "ML203")]


def test_np_split_at_indices_is_train_validation_test_and_chunks_are_no_split() -> None:
    from ml_lint_nb.facts.model import SplitFact

    store, _ = extract_facts(
        _nb(
            "df = pd.read_csv('d.csv')\n"
            "a, b, c = np.split(df.sample(frac=1), [600, 800])\n"
            "X = df.values\n"
            "left, right = np.split(X, 2, axis=1)\n"
            "batches = np.array_split(X, 4)\n"
        )
    )
    splits = list(store.of(SplitFact))
    assert {s.method for s in splits} == {"np.split"}
    roles = {frozenset(p.rows.roles()) for s in splits for p in s.parts}
    assert {frozenset({"train"}), frozenset({"validation"}), frozenset({"test"})} <= roles
    assert sum(s.shuffle is not None for s in splits) == 1  # one order judgement per call


def test_a_permutation_split_whose_first_slice_is_scored_is_turned_round() -> None:
    code = (
        "df = pd.read_csv('d.csv')\n"
        "perm = np.random.default_rng(0).permutation(len(df))\n"
        "held = df.iloc[perm[:200]]\n"
        "fit_part = df.iloc[perm[200:]]\n"
        "m = LogisticRegression().fit(fit_part[['a']], fit_part['y'])\n"
        "print(m.score(held[['a']], held['y']))\n"
    )
    assert _codes(code, "ML204") == []
    store, _ = extract_facts(_nb(code))
    from ml_lint_nb.facts.model import SplitFact

    (split,) = [s for s in store.of(SplitFact) if s.method == "permutation"]
    assert [p.name for p in split.parts] == ["fit_part", "held"]
    assert [p.rows.roles() for p in split.parts] == [{"train"}, {"test"}]


def test_a_choice_learnt_from_the_held_out_part_itself_is_named_plainly() -> None:
    code = """from sklearn.inspection import permutation_importance
from sklearn.ensemble import RandomForestClassifier
df = pd.read_csv("loans.csv")
X, y = df.drop(columns=["default"]), df["default"]
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
rf = RandomForestClassifier(random_state=0).fit(X_train, y_train)
imp = permutation_importance(rf, X_test, y_test, random_state=0)
keep = X.columns[imp.importances_mean > 0]
small = RandomForestClassifier(random_state=0).fit(X_train[keep], y_train)
small.score(X_test[keep], y_test)
"""
    result = lint_source(_nb(code), Config(select=("ML203",)))
    (finding,) = result.findings
    assert "is learnt from X_test, the rows train_test_split holds out" in finding.message
    assert "which still include" not in finding.message


def test_a_hand_made_split_is_named_by_what_the_code_did() -> None:
    code = """df = pd.read_csv("weekly.csv")
df[["a", "b"]] = StandardScaler().fit_transform(df[["a", "b"]])
early = df[df["week"] < 40]
late = df[df["week"] >= 40]
LogisticRegression().fit(early[["a", "b"]], early["y"]).score(late[["a", "b"]], late["y"])
test = df.sample(frac=0.2, random_state=0)
train = df.drop(test.index)
LogisticRegression().fit(train[["a", "b"]], train["y"]).score(test[["a", "b"]], test["y"])
"""
    result = lint_source(_nb(code), Config(select=("ML203",)))
    text = " ".join(f.message for f in result.findings)
    assert "before a filter holds out late" in text
    assert "before mask" not in text


def test_class_masks_put_back_together_are_a_selection_not_a_hold_out() -> None:
    """Majority and up-sampled minority rows concatenated and then split: the split that holds
    out the test rows is train_test_split, so the message names it and not the class filter."""
    code = (
        "from sklearn.utils import resample\n"
        "df = pd.read_csv('churn.csv')\n"
        "df['zip_rate'] = df.groupby('zip')['churned'].transform('mean')\n"
        "majority = df[df.churned == 0]\n"
        "minority = df[df.churned == 1]\n"
        "up = resample(minority, replace=True, n_samples=len(majority), random_state=0)\n"
        "balanced = pd.concat([majority, up])\n"
        "X_tr, X_te, y_tr, y_te = train_test_split(balanced[['zip_rate']], balanced['churned'])\n"
        "LogisticRegression().fit(X_tr, y_tr).score(X_te, y_te)\n"
    )
    result = lint_source(_nb(code), Config(select=("ML203",)))
    (finding,) = result.findings
    assert "before train_test_split holds out X_te" in finding.message
    assert "filter" not in finding.message and "minority" not in finding.message


def test_complementary_masks_fitted_and_scored_are_a_hold_out() -> None:
    code = (
        "df = pd.read_csv('sales.csv')\n"
        "df['z'] = (df['x'] - df['x'].mean()) / df['x'].std()\n"
        "train = df[df.year < 2023]\n"
        "test = df[df.year >= 2023]\n"
        "LogisticRegression().fit(train[['z']], train['y']).score(test[['z']], test['y'])\n"
    )
    assert _codes(code) == [(2, "ML203")]
