"""Rebuild and execute the demo notebooks.

    python demo_notebooks/_build.py            # all notebooks
    python demo_notebooks/_build.py 02 07      # only those whose name starts so

Each notebook is written from the cell sources below, executed for real in a
``python3`` kernel (nbclient) and saved with its outputs.  Cell ids are
derived from the notebook name and the cell position, so rebuilding gives the
same ids.  Notebooks 06 and 08 are executed in the order a user actually ran
them (``EXEC_ORDER``), which is what puts their execution counts out of order
(ML502, hidden state).
"""

from __future__ import annotations

import hashlib
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def md(text: str) -> tuple[str, str]:
    return ("markdown", text.strip("\n"))


def code(text: str) -> tuple[str, str]:
    return ("code", text.strip("\n"))


NOTEBOOKS: dict[str, list[tuple[str, str]]] = {}
# 1-based cell positions (counting every cell) in the order they were run;
# a position may repeat (a cell that was re-run).
EXEC_ORDER: dict[str, list[int]] = {}

# ---------------------------------------------------------------------------
NOTEBOOKS["01_breast_cancer_svm"] = [
    md("""
# Breast cancer diagnosis: SVM and k-NN

The Wisconsin diagnostic breast cancer data: 569 tumours, 30 features computed
from digitised images of a fine-needle aspirate (radius, texture, area,
smoothness, ...). Goal: tell malignant (0) from benign (1).
"""),
    code("""
import numpy as np
import pandas as pd
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsClassifier
from sklearn.preprocessing import MinMaxScaler, StandardScaler
from sklearn.svm import SVC
"""),
    code("""
cancer = load_breast_cancer(as_frame=True)
df = cancer.frame
df.head()
"""),
    code("""
df.describe().T[["mean", "std", "min", "max"]]
"""),
    code("""
df["target"].value_counts()
"""),
    md("""
## First models on the raw features

Hold out a quarter of the tumours, stratified on the diagnosis.
"""),
    code("""
X = cancer.data
y = cancer.target
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, random_state=0, stratify=y
)
print(X_train.shape, X_test.shape)
"""),
    code("""
svc = SVC(kernel="rbf")
svc.fit(X_train, y_train)
print(f"SVC accuracy: {accuracy_score(y_test, svc.predict(X_test)):.3f}")
"""),
    code("""
knn = KNeighborsClassifier(n_neighbors=7)
knn.fit(X_train, y_train)
print(f"k-NN accuracy: {accuracy_score(y_test, knn.predict(X_test)):.3f}")
"""),
    code("""
logreg = LogisticRegression()
logreg.fit(X_train, y_train)
print(f"Logistic regression accuracy: {logreg.score(X_test, y_test):.3f}")
"""),
    md("""
## Standardise the features

The SVM depends on distances, and `mean area` is in the hundreds while
`mean smoothness` is below 0.2. Standardise everything, split again, and tune
`C`.
"""),
    code("""
X_scaled = StandardScaler().fit_transform(X)
Xs_train, Xs_test, ys_train, ys_test = train_test_split(
    X_scaled, y, test_size=0.25, random_state=0, stratify=y
)
"""),
    code("""
scores = {}
for C in [0.01, 0.1, 1, 10, 100]:
    model = SVC(C=C).fit(Xs_train, ys_train)
    scores[C] = model.score(Xs_test, ys_test)
    print(f"C={C:<6} test accuracy={scores[C]:.3f}")

best_C = max(scores, key=scores.get)
print("best C:", best_C)
"""),
    md("""
## k-NN with min-max scaling

k-NN is usually run on features squeezed into [0, 1].
"""),
    code("""
mm = MinMaxScaler()
mm.fit(X)
Xm_train, Xm_test, ym_train, ym_test = train_test_split(
    X, y, test_size=0.25, random_state=0, stratify=y
)
Xm_train = mm.transform(Xm_train)
Xm_test = mm.transform(Xm_test)
"""),
    code("""
knn_mm = KNeighborsClassifier(n_neighbors=7).fit(Xm_train, ym_train)
print(f"k-NN (min-max) accuracy: {knn_mm.score(Xm_test, ym_test):.3f}")
"""),
    md("""
## Summary

Scaling makes a big difference for the SVM and k-NN. The tuned SVM on the
standardised features is the model to take forward.
"""),
]

# ---------------------------------------------------------------------------
NOTEBOOKS["02_churn_imbalanced"] = [
    md("""
# Customer churn model

Which subscribers will cancel next month? The data is the monthly
`customers` export (one row per subscriber, churn flag from the billing
system). The loader below simulates that export with a fixed seed so this
notebook runs anywhere.
"""),
    code("""
import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, classification_report
from sklearn.model_selection import train_test_split
"""),
    md("""
## Load the export
"""),
    code('''
def load_customer_export(n=8_000, seed=42):
    """Stand-in for pd.read_csv("exports/customers_2024-06.csv")."""
    rng = np.random.default_rng(seed)
    signup = pd.Timestamp("2022-01-01") + pd.to_timedelta(rng.integers(0, 880, n), unit="D")
    os_ = rng.choice(["ios", "android", "web"], n, p=[0.40, 0.45, 0.15])
    device = np.where(
        os_ == "ios",
        rng.choice(["iPhone 13", "iPhone 14", "iPhone 15", "iPad"], n),
        np.where(os_ == "web", "browser", None),
    )
    df = pd.DataFrame({
        "customer_id": np.arange(100_000, 100_000 + n),
        "signup_date": signup,
        "last_login": signup + pd.to_timedelta(rng.integers(0, 400, n), unit="D"),
        "plan": rng.choice(["basic", "standard", "premium"], n, p=[0.5, 0.35, 0.15]),
        "region": rng.choice(["north", "south", "east", "west"], n),
        "os": os_,
        "device_model": device,
        "zip_code": rng.integers(10_000, 15_500, n).astype(str),
        "age": rng.integers(18, 80, n),
        "tenure_days": rng.integers(1, 1_500, n),
        "monthly_charges": rng.normal(45, 15, n).round(2).clip(5),
        "support_tickets": rng.poisson(0.8, n),
        "country": "US",
    })
    df.loc[rng.random(n) < 0.06, "age"] = -999
    df.loc[rng.random(n) < 0.12, "monthly_charges"] = np.nan
    spend = (df["monthly_charges"].fillna(45) * df["tenure_days"] / 30).round(2)
    df["total_spend_raw"] = spend.astype(object)
    df.loc[rng.random(n) < 0.02, "total_spend_raw"] = "n/a"
    logit = (-4.1 + 0.6 * df["support_tickets"] - 0.0008 * df["tenure_days"]
             + 0.8 * (df["plan"] == "basic"))
    df["churned"] = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    # the export job writes some subscribers twice (two payment methods)
    dupes = df.sample(frac=0.03, random_state=seed)
    return pd.concat([df, dupes], ignore_index=True)


customers = load_customer_export()
customers.shape
'''),
    code("""
customers.head()
"""),
    code("""
customers.describe()
"""),
    code("""
customers["churned"].value_counts(normalize=True)
"""),
    code("""
customers["zip_code"].nunique()
"""),
    code("""
customers.isna().mean().sort_values(ascending=False).head()
"""),
    md("""
## Clean up

Fill the missing monthly charges with the column mean, parse the spend column
and one-hot encode the categorical columns (zip code included: churn is
known to be regional).
"""),
    code("""
customers = customers.fillna(customers.mean(numeric_only=True))
customers["total_spend"] = pd.to_numeric(customers["total_spend_raw"], errors="coerce").fillna(0)
"""),
    code("""
features = pd.get_dummies(
    customers.drop(columns=["customer_id", "last_login", "device_model", "total_spend_raw", "os", "country"]),
    columns=["zip_code", "plan", "region"],
)
features.shape
"""),
    md("""
## Train/test split
"""),
    code("""
X = features.drop(columns=["churned"])
y = features["churned"]
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=7)
print(X_train.shape, X_test.shape)
"""),
    code("""
# keep the signup dates for the monthly report
train_dates = X_train.pop("signup_date")
test_dates = X_test.pop("signup_date")
print("train:", train_dates.min().date(), "->", train_dates.max().date())
print("test: ", test_dates.min().date(), "->", test_dates.max().date())
"""),
    md("""
## Logistic regression
"""),
    code("""
model = LogisticRegression(max_iter=100)
model.fit(X_train, y_train)
"""),
    code("""
y_pred = model.predict(X_test)
print(f"Accuracy: {accuracy_score(y_test, y_pred):.3f}")
"""),
    code("""
print(classification_report(y_test, model.predict(X_test)))
"""),
    md("""
## Conclusion

Accuracy is above 96%, so the model is good enough for a first rollout of the
retention campaign.
"""),
]

# ---------------------------------------------------------------------------
NOTEBOOKS["03_model_selection_on_test"] = [
    md("""
# Loan default: which model?

Historical personal loans (simulated with a fixed seed): applicant income,
credit score, debt-to-income ratio, loan terms, and what happened to the
loan. We try a handful of tree ensembles and keep the best one.
"""),
    code("""
import numpy as np
import pandas as pd
from sklearn.ensemble import (
    AdaBoostClassifier,
    ExtraTreesClassifier,
    GradientBoostingClassifier,
    RandomForestClassifier,
)
from sklearn.model_selection import train_test_split
"""),
    code("""
rng = np.random.default_rng(7)
n = 3_000
loans = pd.DataFrame({
    "income": rng.lognormal(10.8, 0.45, n).round(-2),
    "credit_score": rng.normal(680, 60, n).round().clip(300, 850),
    "dti": rng.beta(2, 5, n).round(3),
    "loan_amount": rng.integers(2, 40, n) * 1_000,
    "term_months": rng.choice([36, 60], n, p=[0.7, 0.3]),
    "employment_years": rng.integers(0, 30, n),
    "open_accounts": rng.poisson(6, n),
    "home_ownership": rng.choice(["rent", "mortgage", "own"], n, p=[0.45, 0.4, 0.15]),
})
# a few incomes were keyed in cents instead of dollars
loans.loc[rng.choice(n, 25, replace=False), "income"] *= 100

logit = (1.2 - 0.03 * (loans["credit_score"] - 680) + 8.0 * (loans["dti"] - 0.3)
         + 0.00004 * loans["loan_amount"] + 0.5 * (loans["term_months"] == 60) - 3.0)
loans["defaulted"] = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
# amount recovered by collections (filled in once a defaulted loan is closed)
recovered = (loans["loan_amount"] * rng.uniform(0.05, 0.4, n)).round()
loans["recovery_amount"] = np.where(loans["defaulted"] == 1, recovered, 0.0)
loans.head()
"""),
    code("""
loans.describe()
"""),
    code("""
loans["defaulted"].value_counts()
"""),
    md("""
## Features and split
"""),
    code("""
X = pd.get_dummies(loans.drop(columns=["defaulted"]), columns=["home_ownership"], drop_first=True)
y = loans["defaulted"]
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2)
X_train.shape, X_test.shape
"""),
    md("""
## Compare ensembles

Fit each candidate and look at its accuracy on the test set.
"""),
    code("""
candidates = {
    "random_forest": RandomForestClassifier(n_estimators=200),
    "extra_trees": ExtraTreesClassifier(n_estimators=200),
    "gradient_boosting": GradientBoostingClassifier(),
    "adaboost": AdaBoostClassifier(n_estimators=100),
}
results = {}
for name, clf in candidates.items():
    clf.fit(X_train, y_train)
    results[name] = clf.score(X_test, y_test)

pd.Series(results).sort_values(ascending=False)
"""),
    code("""
depth_scores = {}
for depth in [2, 4, 6, 8, None]:
    rf = RandomForestClassifier(n_estimators=200, max_depth=depth)
    rf.fit(X_train, y_train)
    depth_scores[depth] = rf.score(X_test, y_test)
    print(f"max_depth={depth}: {depth_scores[depth]:.4f}")

best_depth = max(depth_scores, key=depth_scores.get)
print("best max_depth:", best_depth)
"""),
    code("""
best_model = RandomForestClassifier(n_estimators=200, max_depth=best_depth)
print("train accuracy:", best_model.fit(X_train, y_train).score(X_train, y_train))
pd.Series(best_model.feature_importances_, index=X.columns).sort_values(ascending=False).head(8)
"""),
    md("""
## Final model

More data always helps: refit the chosen forest on every loan we have and
report its accuracy on the test set.
"""),
    code("""
best_model.fit(X, y)
print(f"Final test accuracy: {best_model.score(X_test, y_test):.4f}")
"""),
    md("""
## Summary

All four ensembles score close to 100% on the test set, so the model is
ready; the forest with the best depth comes out on top, and refitted on all
the loans it is perfect. The recovery amount is by far the most important
feature.
"""),
]

# ---------------------------------------------------------------------------
NOTEBOOKS["04_wine_ordered_split"] = [
    md("""
# Wine cultivar classification

The UCI wine data: 178 wines from three cultivars grown in the same region of
Italy, 13 chemical measurements each (alcohol, malic acid, flavanoids,
proline, ...). Goal: predict the cultivar.
"""),
    code("""
import numpy as np
import pandas as pd
from sklearn.datasets import load_iris, load_wine
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier
"""),
    code("""
wine = load_wine(as_frame=True)
df = wine.frame
df.head()
"""),
    code("""
df.tail()
"""),
    code("""
df["target"].value_counts().sort_index()
"""),
    md("""
## Train/test split

Keep the last 30% of the rows as the hold-out set; without shuffling the
split is the same on every run.
"""),
    code("""
X = df.drop(columns="target")
y = df["target"]
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, shuffle=False)
print(X_train.shape, X_test.shape)
"""),
    md("""
## Logistic regression
"""),
    code("""
clf = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
clf.fit(X_train, y_train)
acc = accuracy_score(y_test, clf.predict(X_test))
print(f"Accuracy: {acc:.3f}")
"""),
    md("""
## k-NN on the raw measurements

For comparison, a nearest-neighbours model trained on the first 130 wines and
tested on the remaining 48.
"""),
    code("""
X_tr, X_te = X.iloc[:130], X.iloc[130:]
y_tr, y_te = y.iloc[:130], y.iloc[130:]
knn = KNeighborsClassifier(n_neighbors=5).fit(X_tr, y_tr)
print("k-NN accuracy:", round(knn.score(X_te, y_te), 3))
"""),
    md("""
## Same recipe on iris

A sanity check on a dataset where everything should just work: first 120
flowers for training, last 30 for testing.
"""),
    code("""
X_iris, y_iris = load_iris(return_X_y=True)
Xi_train, Xi_test = X_iris[:120], X_iris[120:]
yi_train, yi_test = y_iris[:120], y_iris[120:]
tree = DecisionTreeClassifier(max_depth=3, random_state=0).fit(Xi_train, yi_train)
print("Decision tree accuracy:", accuracy_score(yi_test, tree.predict(Xi_test)))
"""),
    md("""
## Summary

Accuracy is much lower than the numbers usually quoted for these datasets.
Maybe the hold-out wines are unusual; next step is to try more flexible
models.
"""),
]

# ---------------------------------------------------------------------------
NOTEBOOKS["05_wide_data_no_regularization"] = [
    md("""
# Tumour subtype from gene expression

200 patients, expression of 500 genes plus a control probe, two tumour
subtypes. The expression matrix is simulated with `make_classification`
(fixed seed) in place of the lab's export. Second part: a quick regression on
the diabetes data with polynomial features.
"""),
    code("""
import numpy as np
import pandas as pd
from sklearn.datasets import load_diabetes, make_classification
from sklearn.decomposition import PCA
from sklearn.feature_selection import SelectKBest, f_classif
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.metrics import r2_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import PolynomialFeatures
"""),
    code("""
X_raw, y_raw = make_classification(
    n_samples=200, n_features=500, n_informative=8, n_redundant=12,
    class_sep=0.8, random_state=1,
)
genes = pd.DataFrame(X_raw, columns=[f"gene_{i:03d}" for i in range(500)])
genes["ctrl_probe"] = 1.0
y = pd.Series(y_raw, name="subtype")
print(genes.shape)
"""),
    code("""
genes.iloc[:5, :10]
"""),
    code("""
y.value_counts()
"""),
    md("""
## All genes, plain logistic regression

No regularization, so the coefficients can be read directly as effect sizes.
"""),
    code("""
X_train, X_test, y_train, y_test = train_test_split(
    genes, y, test_size=0.25, random_state=1, stratify=y
)
logreg = LogisticRegression(C=np.inf, max_iter=2000)
logreg.fit(X_train, y_train)
print(f"train accuracy: {logreg.score(X_train, y_train):.3f}")
print(f"test accuracy:  {logreg.score(X_test, y_test):.3f}")
"""),
    md("""
## Keep the 20 most informative genes
"""),
    code("""
selector = SelectKBest(f_classif, k=20)
genes_top = selector.fit_transform(genes, y)
print(genes_top.shape)
"""),
    code("""
Xs_train, Xs_test, ys_train, ys_test = train_test_split(
    genes_top, y, test_size=0.25, random_state=1, stratify=y
)
lr_top = LogisticRegression(C=np.inf, max_iter=2000).fit(Xs_train, ys_train)
print(f"test accuracy (top 20 genes): {lr_top.score(Xs_test, ys_test):.3f}")
"""),
    md("""
## PCA view
"""),
    code("""
expr = genes.drop(columns="ctrl_probe")
pca = PCA(n_components=10).fit(expr)
genes_pca = pca.transform(expr)
print(pca.explained_variance_ratio_.round(3))

Xp_train, Xp_test, yp_train, yp_test = train_test_split(
    genes_pca, y, test_size=0.25, random_state=1, stratify=y
)
lr_pca = LogisticRegression().fit(Xp_train, yp_train)
print(f"test accuracy (10 PCs): {lr_pca.score(Xp_test, yp_test):.3f}")
"""),
    md("""
## Final model: train on all patients

With only 200 patients every sample counts, so the final model uses both the
training and the test patients.
"""),
    code("""
final = LogisticRegression(C=np.inf, max_iter=2000)
final.fit(pd.concat([X_train, X_test]), pd.concat([y_train, y_test]))
print(f"hold-out accuracy: {final.score(X_test, y_test):.3f}")
"""),
    md("""
## Side project: diabetes progression with polynomial features
"""),
    code("""
diabetes = load_diabetes()
poly = PolynomialFeatures(degree=3, include_bias=False)
X_poly = poly.fit_transform(diabetes.data)
X_poly.shape
"""),
    code("""
Xd_train, Xd_test, yd_train, yd_test = train_test_split(
    X_poly, diabetes.target, test_size=0.25, random_state=1
)
linreg = LinearRegression().fit(Xd_train, yd_train)
print(f"train R2: {r2_score(yd_train, linreg.predict(Xd_train)):.3f}")
print(f"test R2:  {r2_score(yd_test, linreg.predict(Xd_test)):.3f}")
"""),
    md("""
## Summary

Feature selection brings the test accuracy up a lot; the final model on all
patients is nearly perfect on the hold-out set.
"""),
]

# ---------------------------------------------------------------------------
NOTEBOOKS["06_out_of_order"] = [
    md("""
# Handwritten digits: a small MLP

Scratch notebook for the 8x8 digits data (1,797 images, 10 classes).

**Note:** this notebook was run out of order: after looking at the loss curve
I went back and re-ran the scaling cell before training the longer MLP, so
the execution counts are not top to bottom.
"""),
    code("""
import numpy as np
import pandas as pd
from sklearn.datasets import load_digits
from sklearn.metrics import classification_report
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
"""),
    code("""
digits = load_digits()
X, y = digits.data, digits.target
print(X.shape, X.min(), X.max())
"""),
    code("""
pd.Series(y).value_counts().sort_index()
"""),
    md("""
## Split and scale
"""),
    code("""
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, random_state=0, stratify=y
)
"""),
    code("""
# pixel intensities are 0..16
X_train = X_train / 16.0
X_test = X_test / 16.0
print(X_train.max(), X_test.max())
"""),
    md("""
## MLP
"""),
    code("""
mlp = MLPClassifier(hidden_layer_sizes=(64,), max_iter=15, random_state=0)
mlp.fit(X_train, y_train)
"""),
    code("""
print(classification_report(y_test, mlp.predict(X_test), digits=3))
"""),
    code("""
pd.Series(mlp.loss_curve_).tail()
"""),
    md("""
## Train longer
"""),
    code("""
mlp_long = MLPClassifier(hidden_layer_sizes=(64,), max_iter=300, random_state=0)
mlp_long.fit(X_train, y_train)
print(classification_report(y_test, mlp_long.predict(X_test), digits=3))
"""),
    code("""
print("iterations:", mlp_long.n_iter_, " final loss:", round(mlp_long.loss_, 4))
print("pixel range now:", X_train.min(), X_train.max())
"""),
    md("""
## Faster: plain SGD with a big step

300 Adam iterations is slow; try plain SGD with a large learning rate.
"""),
    code("""
mlp_sgd = MLPClassifier(hidden_layer_sizes=(64,), solver="sgd", learning_rate_init=1.0,
                        max_iter=200, random_state=0)
mlp_sgd.fit(X_train, y_train)
print("iterations:", mlp_sgd.n_iter_, " final loss:", round(mlp_sgd.loss_, 4))
print(classification_report(y_test, mlp_sgd.predict(X_test), digits=3))
"""),
]
# imports, load, counts, split, scale, MLP, report, loss curve, then back to
# the scaling cell (7), then the longer MLP, the check below it and SGD.
EXEC_ORDER["06_out_of_order"] = [2, 3, 4, 6, 7, 9, 10, 11, 7, 13, 14, 16]

# ---------------------------------------------------------------------------
NOTEBOOKS["07_fraud_done_right"] = [
    md("""
# Card fraud detection

Card transactions (simulated with a fixed seed), about 3% of them fraudulent.
The workflow:

* a stratified, seeded hold-out test set that is touched once, at the end;
* all preprocessing inside a `Pipeline`, so it is fitted on training rows only;
* a `DummyClassifier` baseline and the regularization strength compared by
  cross-validation on the training part;
* the decision threshold chosen on a separate validation split;
* class-aware metrics (average precision, per-class precision and recall),
  also per channel.
"""),
    code("""
import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    average_precision_score,
    classification_report,
    precision_recall_curve,
    roc_auc_score,
)
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

SEED = 42
"""),
    md("""
## Data
"""),
    code("""
rng = np.random.default_rng(SEED)
n = 20_000
categories = ["grocery", "fuel", "restaurants", "travel", "electronics", "clothing",
              "pharmacy", "entertainment", "utilities", "gambling", "jewelry", "other"]
transactions = pd.DataFrame({
    "amount": rng.gamma(4.0, 15.0, n).round(2),
    "hour": rng.integers(0, 24, n),
    "merchant_category": rng.choice(categories, n),
    "channel": rng.choice(["in_store", "online", "atm"], n, p=[0.55, 0.35, 0.10]),
    "account_age_days": rng.integers(30, 3_650, n),
    "tx_last_24h": rng.poisson(2.0, n),
    "distance_km": rng.gamma(3.0, 5.0, n).round(1),
    "foreign": (rng.random(n) < 0.08).astype(int),
})
risky = transactions["merchant_category"].isin(["electronics", "jewelry", "gambling"])
night = transactions["hour"].isin([0, 1, 2, 3, 4])
logit = (-10.0 + 0.035 * transactions["amount"] + 2.5 * risky + 2.0 * night
         + 1.8 * (transactions["channel"] == "online") + 2.5 * transactions["foreign"]
         + 0.3 * transactions["tx_last_24h"] - 0.0004 * transactions["account_age_days"]
         + 0.04 * transactions["distance_km"])
transactions["is_fraud"] = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
transactions.head()
"""),
    code("""
transactions.describe()
"""),
    code("""
transactions["is_fraud"].value_counts(normalize=True)
"""),
    code("""
transactions[["merchant_category", "channel"]].nunique()
"""),
    md("""
## Hold-out test set and validation split

Stratified, so both sides keep the ~3% fraud rate, and seeded. A validation
split is then carved out of the training part for choosing the threshold.
"""),
    code("""
X = transactions.drop(columns=["is_fraud"])
y = transactions["is_fraud"]
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.2, stratify=y, random_state=SEED
)
X_fit, X_val, y_fit, y_val = train_test_split(
    X_train, y_train, test_size=0.25, stratify=y_train, random_state=SEED
)
for name, target in [("fit", y_fit), ("validation", y_val), ("test", y_test)]:
    print(f"{name:<10} rows={len(target):>6}  fraud rate={target.mean():.4f}")
"""),
    md("""
## Preprocessing inside the pipeline
"""),
    code("""
numeric = ["amount", "hour", "account_age_days", "tx_last_24h", "distance_km", "foreign"]
categorical = ["merchant_category", "channel"]
preprocess = ColumnTransformer([
    ("num", StandardScaler(), numeric),
    ("cat", OneHotEncoder(handle_unknown="ignore"), categorical),
])
model = Pipeline([
    ("prep", preprocess),
    ("clf", LogisticRegression(C=1.0, max_iter=1000, random_state=SEED)),
])
"""),
    md("""
## Baseline and regularization strength, by cross-validation on the training part

Average precision (area under the precision-recall curve) is the score: with
3% positives, accuracy would say nothing.
"""),
    code("""
cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED)
baseline = DummyClassifier(strategy="prior", random_state=SEED)
baseline_ap = cross_val_score(baseline, X_fit, y_fit, cv=cv, scoring="average_precision")
print(f"baseline average precision: {baseline_ap.mean():.3f} +/- {baseline_ap.std():.3f}")

search = GridSearchCV(model, {"clf__C": [0.01, 0.1, 1.0, 10.0]}, cv=cv, scoring="average_precision")
search.fit(X_fit, y_fit)
pd.DataFrame(search.cv_results_)[["param_clf__C", "mean_test_score", "std_test_score"]]
"""),
    code("""
best = search.best_estimator_
print("chosen C:", search.best_params_["clf__C"])
"""),
    md("""
## Decision threshold on the validation split

Pick the threshold that maximises F1 for the fraud class on the validation
rows (never on the test set).
"""),
    code("""
val_proba = best.predict_proba(X_val)[:, 1]
precision, recall, thresholds = precision_recall_curve(y_val, val_proba)
f1 = 2 * precision[:-1] * recall[:-1] / np.clip(precision[:-1] + recall[:-1], 1e-12, None)
threshold = float(thresholds[np.argmax(f1)])
print(f"validation average precision: {average_precision_score(y_val, val_proba):.3f}")
print(f"threshold: {threshold:.3f} (F1 on validation {f1.max():.3f})")
"""),
    md("""
## Final evaluation on the test set (once)
"""),
    code("""
test_proba = best.predict_proba(X_test)[:, 1]
test_flag = (test_proba >= threshold).astype(int)
print(classification_report(y_test, test_flag, target_names=["legit", "fraud"], digits=3))
print(f"average precision: {average_precision_score(y_test, test_proba):.3f}")
print(f"ROC AUC:           {roc_auc_score(y_test, test_proba):.3f}")
print(f"mean predicted probability {test_proba.mean():.4f} vs fraud rate {y_test.mean():.4f}")
"""),
    code("""
by_channel = []
for channel, idx in X_test.groupby("channel").groups.items():
    by_channel.append({
        "channel": channel,
        "transactions": len(idx),
        "fraud": int(y_test[idx].sum()),
        "average_precision": average_precision_score(y_test[idx], test_proba[X_test.index.get_indexer(idx)]),
        "recall_at_threshold": test_flag[X_test.index.get_indexer(idx)][y_test[idx].to_numpy() == 1].mean(),
    })
pd.DataFrame(by_channel).round(3)
"""),
    md("""
## Summary

The regularized logistic regression beats the prior baseline by a wide margin
in cross-validated average precision. The threshold was fixed on the
validation split, and the test set was used once for the numbers above,
overall and per channel.
"""),
]

# ---------------------------------------------------------------------------
NOTEBOOKS["08_helper_defined_later"] = [
    md("""
# Diabetes progression: ridge vs gradient boosting

Disease progression one year after baseline for 442 diabetes patients, from
ten baseline measurements. The `report()` helper lives in the last cell of
the notebook (I moved it there to keep the modelling part short), so that
cell was run before the models.
"""),
    code("""
import numpy as np
import pandas as pd
from sklearn.datasets import load_diabetes
from sklearn.ensemble import GradientBoostingRegressor
from sklearn.linear_model import Ridge
from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score
from sklearn.model_selection import train_test_split
"""),
    code("""
diabetes = load_diabetes(as_frame=True)
df = diabetes.frame
df.head()
"""),
    code("""
df.describe()
"""),
    md("""
## Split
"""),
    code("""
X = df.drop(columns="target")
y = df["target"]
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=0)
"""),
    md("""
## Models
"""),
    code("""
ridge = Ridge(alpha=1.0).fit(X_train, y_train)
report(ridge, X_test, y_test)
"""),
    code("""
gbr = GradientBoostingRegressor(n_estimators=200, max_depth=2, learning_rate=0.05, random_state=0)
gbr.fit(X_train, y_train)
report(gbr, X_test, y_test)
"""),
    md("""
## Helpers
"""),
    code('''
def report(model, X, y):
    """Print MAE, RMSE and R2 of a fitted regressor."""
    pred = model.predict(X)
    print(f"{type(model).__name__:<28} MAE={mean_absolute_error(y, pred):6.1f}  "
          f"RMSE={np.sqrt(mean_squared_error(y, pred)):6.1f}  R2={r2_score(y, pred):.3f}")
'''),
]
EXEC_ORDER["08_helper_defined_later"] = [2, 3, 4, 6, 11, 8, 9]

# ---------------------------------------------------------------------------
NOTEBOOKS["09_rare_failures_gbm"] = [
    md("""
# Predicting rare machine failures

Twenty sensor summaries per machine and whether it failed within 30 days.
Failures are rare (about 3%). The sensor table is simulated with
`make_classification`.
"""),
    code("""
import numpy as np
import pandas as pd
from sklearn.datasets import make_classification
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.metrics import confusion_matrix, f1_score
from sklearn.model_selection import train_test_split
from sklearn.utils import resample
"""),
    code("""
X, y = make_classification(
    n_samples=5_000, n_features=20, n_informative=6, n_redundant=4,
    weights=[0.97, 0.03], flip_y=0.01, class_sep=0.9, random_state=3,
)
sensors = pd.DataFrame(X, columns=[f"sensor_{i:02d}" for i in range(20)])
sensors.head()
"""),
    code("""
np.bincount(y)
"""),
    md("""
## Split
"""),
    code("""
X_train, X_test, y_train, y_test = train_test_split(sensors, y, test_size=0.25, random_state=3)
print(X_train.shape, X_test.shape)
"""),
    md("""
## Gradient boosting
"""),
    code("""
gbm = GradientBoostingClassifier(n_estimators=150, max_depth=3, random_state=3)
gbm.fit(X_train, y_train)
print(f"Test accuracy: {gbm.score(X_test, y_test):.3f}")
"""),
    code("""
y_pred = gbm.predict(X_test)
print(confusion_matrix(y_test, y_pred))
print(f"F1 (failure class): {f1_score(y_test, y_pred):.3f}")
"""),
    md("""
## Balance the classes

Failures are only 3% of the training rows. Oversample them (with replacement)
until both classes are the same size, and retrain the same model.
"""),
    code("""
train = X_train.assign(failed=y_train)
healthy = train[train["failed"] == 0]
failures = resample(train[train["failed"] == 1], replace=True, n_samples=len(healthy), random_state=3)
balanced = pd.concat([healthy, failures])
X_bal, y_bal = balanced.drop(columns="failed"), balanced["failed"]
print("training rows per class:", np.bincount(y_bal))

gbm_bal = GradientBoostingClassifier(n_estimators=150, max_depth=3, random_state=3).fit(X_bal, y_bal)
"""),
    code("""
y_pred_bal = gbm_bal.predict(X_test)
print(confusion_matrix(y_test, y_pred_bal))
print(f"F1 (failure class): {f1_score(y_test, y_pred_bal):.3f}")

failure_risk = gbm_bal.predict_proba(X_test)[:, 1]
print(f"expected failures among the {len(X_test)} test machines: {failure_risk.sum():.0f}")
"""),
    md("""
## Cross-check: the balanced table

The maintenance team's earlier notebook balanced the whole sensor table first
and split it afterwards; its F1 looked much better. Reproduced for comparison.
"""),
    code("""
table = sensors.assign(failed=y)
common = table[table["failed"] == 0]
rare_up = resample(table[table["failed"] == 1], replace=True, n_samples=len(common), random_state=3)
upsampled = pd.concat([common, rare_up])
X_up, y_up = upsampled.drop(columns="failed"), upsampled["failed"]
Xu_train, Xu_test, yu_train, yu_test = train_test_split(X_up, y_up, test_size=0.25, random_state=3)
gbm_up = GradientBoostingClassifier(n_estimators=150, max_depth=3, random_state=3).fit(Xu_train, yu_train)
print(f"F1 (failure class) on the balanced table: {f1_score(yu_test, gbm_up.predict(Xu_test)):.3f}")
"""),
    md("""
## Summary

The boosted model is right on more than 98% of the machines, and with
balanced training data it catches more of the failures. Next step: put the
balanced model's failure risk in the weekly maintenance report.
"""),
]


# ---------------------------------------------------------------------------
NOTEBOOKS["11_clinic_visits"] = [
    md("""
# Clinic analytics: readmissions and weekly load

Two questions from the same clinic. First: will a patient be readmitted
within 90 days? Each of 600 patients came 3 to 8 times; every visit records
the patient's traits and that day's measurements. Second: how many visits
will next week bring? The data is simulated with a fixed seed.
"""),
    code("""
import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import TimeSeriesSplit, cross_val_score, train_test_split
"""),
    code("""
rng = np.random.default_rng(21)
rows = []
for pid in range(600):
    age, bmi, egfr = rng.normal(64, 11), rng.normal(29, 5), rng.normal(70, 18)
    risk = 0.05 * (age - 64) + 0.1 * (bmi - 29) - 0.03 * (egfr - 70) + rng.normal(0, 1.2)
    readmitted = int(risk > 0.8)
    for k in range(rng.integers(3, 9)):
        rows.append({
            "patient_id": f"P{pid:04d}",
            "age": round(age + 0.4 * k, 1),
            "bmi": round(bmi + rng.normal(0, 0.5), 1),
            "egfr": round(egfr + rng.normal(0, 3), 1),
            "systolic_bp": round(rng.normal(135, 12)),
            "readmitted": readmitted,
        })
visits = pd.DataFrame(rows)
visits.groupby("patient_id").size().describe()
"""),
    md("""
## Readmission model
"""),
    code("""
X = visits.drop(columns=["patient_id", "readmitted"])
y = visits["readmitted"]
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0)
forest = RandomForestClassifier(n_estimators=200, random_state=0).fit(X_train, y_train)
print(f"ROC AUC: {roc_auc_score(y_test, forest.predict_proba(X_test)[:, 1]):.3f}")
"""),
    md("""
## Weekly load

Visits per day over four years, with a slow upward trend and a winter peak.
"""),
    code("""
days = pd.date_range("2020-01-01", "2023-12-31", freq="D")
load = pd.DataFrame({"day": days})
load["weekday"] = load["day"].dt.day_of_week
load["winter"] = load["day"].dt.month.isin([12, 1, 2]).astype(int)
load["holiday"] = (rng.random(len(days)) < 0.03).astype(int)
load["visits"] = (
    np.linspace(40, 70, len(days)) + 12 * load["winter"] - 15 * (load["weekday"] >= 5)
    - 20 * load["holiday"] + rng.normal(0, 5, len(days))
).round()
train_days, test_days = train_test_split(load, test_size=0.2, random_state=1)
calendar = ["weekday", "winter", "holiday"]
regressor = RandomForestRegressor(n_estimators=100, random_state=0)
regressor.fit(train_days[calendar], train_days["visits"])
print(f"R2 on held-out days: {regressor.score(test_days[calendar], test_days['visits']):.3f}")
"""),
    code("""
by_time = cross_val_score(
    RandomForestRegressor(n_estimators=100, random_state=0),
    load[calendar], load["visits"], cv=TimeSeriesSplit(n_splits=4),
)
print("R2 forecasting each next year:", by_time.round(3))
"""),
]


# ---------------------------------------------------------------------------
# Spark ML: needs pyspark and Java; without them its first cell fails (ModuleNotFoundError)
# and `check --execute --allow-errors` reports its static findings only.
NOTEBOOKS["10_spark_scaler_before_split"] = [
    md("""
# Churn pilot in Spark ML

The production usage data lives in Spark, so the pilot model is built with
`pyspark.ml` from the start: 60 usage metrics for 400 pilot customers, a
standardised feature vector and a logistic regression. Spark runs locally
here (`local[2]`).
"""),
    code("""
import pandas as pd
from pyspark.sql import SparkSession
from pyspark.ml.feature import VectorAssembler, StandardScaler
from pyspark.ml.classification import LogisticRegression
from pyspark.ml.evaluation import BinaryClassificationEvaluator
from sklearn.datasets import make_classification

spark = (
    SparkSession.builder.master("local[2]")
    .appName("churn-pilot")
    .config("spark.ui.enabled", "false")
    .config("spark.sql.shuffle.partitions", "2")
    .config("spark.ui.showConsoleProgress", "false")
    .getOrCreate()
)
spark.sparkContext.setLogLevel("ERROR")
"""),
    md("""
The pilot export: 60 usage metrics per customer and whether they churned
(simulated with a fixed seed for this demo).
"""),
    code("""
X, y = make_classification(n_samples=400, n_features=60, n_informative=8, random_state=7)
feature_cols = [f"usage_{i}" for i in range(60)]
pilot = pd.DataFrame(X, columns=feature_cols)
pilot["churned"] = y
df = spark.createDataFrame(pilot)
print(df.count(), "customers,", len(feature_cols), "metrics")
"""),
    md("""
Assemble the metrics into one vector and standardise it.
"""),
    code("""
assembler = VectorAssembler(inputCols=feature_cols, outputCol="raw_features")
df = assembler.transform(df)
scaler = StandardScaler(inputCol="raw_features", outputCol="features", withMean=True)
scaler_model = scaler.fit(df)
df = scaler_model.transform(df)
"""),
    md("""
Hold out 20% of the customers and fit the model on the rest.
"""),
    code("""
train, test = df.randomSplit([0.8, 0.2], seed=42)
lr = LogisticRegression(featuresCol="features", labelCol="churned", maxIter=50)
lr_model = lr.fit(train)
predictions = lr_model.transform(test)
auc = BinaryClassificationEvaluator(labelCol="churned").evaluate(predictions)
print(f"test AUC: {auc:.3f}")
"""),
    code("""
spark.stop()
"""),
]


# Notebooks whose stderr is the JVM's log (host names, progress bars): not kept in the file.
DROP_STDERR = {"10_spark_scaler_before_split"}


# ---------------------------------------------------------------------------
def cell_id(stem: str, index: int) -> str:
    return hashlib.sha1(f"{stem}:{index}".encode()).hexdigest()[:8]


def build(stem: str) -> Path:
    nb = new_notebook()
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    for i, (kind, src) in enumerate(NOTEBOOKS[stem], start=1):
        cell = new_code_cell(src) if kind == "code" else new_markdown_cell(src)
        cell["id"] = cell_id(stem, i)
        nb.cells.append(cell)

    order = EXEC_ORDER.get(stem) or [
        i for i, c in enumerate(nb.cells, start=1) if c.cell_type == "code"
    ]
    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=300,
        record_timing=False,
        resources={"metadata": {"path": str(HERE)}},
    )
    seen: set[int] = set()
    with client.setup_kernel():
        reply = client.wait_for_reply(client.kc.kernel_info())
        if reply is not None and "language_info" in reply["content"]:
            nb.metadata["language_info"] = reply["content"]["language_info"]
        for pos in order:
            cell = nb.cells[pos - 1]
            assert cell.cell_type == "code", (stem, pos)
            cell.outputs = []
            client.execute_cell(cell, pos - 1)
            errors = [o for o in cell.outputs if o.get("output_type") == "error"]
            if errors:
                raise RuntimeError(
                    f"{stem} cell {pos}: {errors[0]['ename']}: {errors[0]['evalue']}"
                )
            seen.add(pos)
            if stem in DROP_STDERR:
                cell.outputs = [o for o in cell.outputs if o.get("name") != "stderr"]
    for i, c in enumerate(nb.cells, start=1):
        if c.cell_type == "code" and i not in seen:
            c.execution_count = None
    nbformat.validate(nb)
    out = HERE / f"{stem}.ipynb"
    nbformat.write(nb, out)
    return out


def main(argv: list[str]) -> int:
    stems = [s for s in NOTEBOOKS if not argv or any(s.startswith(a) for a in argv)]
    for stem in stems:
        t0 = time.perf_counter()
        path = build(stem)
        print(f"{path.name:<40} {time.perf_counter() - t0:5.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
