"""Leaks only the rows show: shared entities (ML211), random splits over dated rows (ML207),
copies made by resampling (ML101, ML201) and drift (ML209), through the live hook.

Each session is written the way a notebook would be; the tests read what the hook displayed.
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("sklearn")

from shell_findings import run  # noqa: E402

VISITS = """
import numpy as np, pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GroupShuffleSplit, train_test_split
rng = np.random.default_rng(0)
rows = []
for pid in range(700):
    traits = rng.normal(0, 1, 5)
    label = int(traits[0] + 0.5 * traits[1] + rng.normal(0, 0.8) > 0.5)
    for visit in range(rng.integers(4, 9)):
        rows.append([pid, *(traits + rng.normal(0, 0.3, 5)), label])
visits = pd.DataFrame(rows, columns=["patient_id", "a", "b", "c", "d", "e", "readmitted"])
"""


def codes(found: list[dict]) -> set[str]:
    return {f["code"] for f in found}


def of(found: list[dict], code: str) -> dict:
    hits = [f for f in found if f["code"] == code]
    assert len(hits) == 1, hits
    return hits[0]


# -- ML211: the three group-leakage sessions ---------------------------------------------------


def test_random_split_of_patient_visits_is_reported(shell) -> None:
    run(shell, VISITS)
    found = run(
        shell,
        "X = visits.drop(columns=['patient_id', 'readmitted'])\n"
        "y = visits['readmitted']\n"
        "X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)\n"
        "clf = RandomForestClassifier(n_estimators=50, random_state=0).fit(X_train, y_train)\n"
        "auc = roc_auc_score(y_test, clf.predict_proba(X_test)[:, 1])\n",
    )
    finding = of(found, "ML211")
    assert finding["severity"] == "warning"
    assert "'patient_id' (a column of visits, matched row by row)" in finding["message"]
    data = finding["evidence"][0]["data"]
    assert data["entity_column"] == "patient_id"
    assert data["shared_entities"] > 500 and data["eval_rows_with_seen_entity"] > 0.9


def test_group_shuffle_split_on_the_patient_is_silent(shell) -> None:
    run(shell, VISITS)
    found = run(
        shell,
        "features = ['a', 'b', 'c', 'd', 'e']\n"
        "gss = GroupShuffleSplit(n_splits=1, test_size=0.25, random_state=1)\n"
        "tr, te = next(gss.split(visits, groups=visits['patient_id']))\n"
        "train, test = visits.iloc[tr], visits.iloc[te]\n"
        "clf = RandomForestClassifier(n_estimators=50, random_state=0)\n"
        "clf.fit(train[features], train['readmitted'])\n"
        "auc = roc_auc_score(test['readmitted'], clf.predict_proba(test[features])[:, 1])\n",
    )
    # no shared patient, and patient-level features do not drift by chance between two
    # groups of patients (rows of one patient count once: Kish's design effect)
    assert not codes(found) & {"ML211", "ML209", "ML207"}, found


def test_one_row_per_customer_is_silent(shell) -> None:
    found = run(
        shell,
        "import numpy as np, pandas as pd\n"
        "from sklearn.linear_model import LogisticRegression\n"
        "from sklearn.model_selection import train_test_split\n"
        "rng = np.random.default_rng(3)\n"
        "n = 3000\n"
        "customers = pd.DataFrame({'customer_id': np.arange(n) + 10_000,\n"
        "    'region': rng.choice(['north', 'south', 'east', 'west', 'centre'], n),\n"
        "    'tenure': rng.integers(1, 72, n), 'charges': rng.normal(70, 20, n)})\n"
        "customers['churn'] = (rng.random(n) < 0.2 + 0.003 * (72 - customers.tenure)).astype(int)\n"
        "X = customers[['tenure', 'charges']]\n"
        "X_tr, X_te, y_tr, y_te = train_test_split(X, customers['churn'], random_state=0)\n"
        "m = LogisticRegression().fit(X_tr, y_tr)\n"
        "acc = m.score(X_te, y_te)\n",
    )
    assert "ML211" not in codes(found), found


def test_shuffled_kfold_over_visits_is_reported_and_group_kfold_is_not(shell) -> None:
    run(shell, VISITS)
    run(shell, "from sklearn.model_selection import GroupKFold, KFold, cross_val_score")
    run(shell, "X = visits[['a', 'b', 'c', 'd', 'e']]\ny = visits['readmitted']")
    found = run(
        shell,
        "rf = RandomForestClassifier(n_estimators=20, random_state=0)\n"
        "s = cross_val_score(rf, X, y, cv=KFold(5, shuffle=True, random_state=0))\n",
    )
    finding = of(found, "ML211")
    assert "The folds of KFold(n_splits=5, shuffle=True) over X" in finding["message"]
    found = run(
        shell,
        "s = cross_val_score(rf, X, y, cv=GroupKFold(5), groups=visits['patient_id'])\n",
    )
    assert "ML211" not in codes(found)


def test_grid_search_with_a_shuffled_kfold_is_reported(shell) -> None:
    run(shell, VISITS)
    found = run(
        shell,
        "from sklearn.model_selection import GridSearchCV, KFold\n"
        "X = visits[['a', 'b', 'c', 'd', 'e']]\n"
        "cv = KFold(3, shuffle=True)\n"
        "search = GridSearchCV(RandomForestClassifier(n_estimators=10, random_state=0),\n"
        "                      {'max_depth': [3, None]}, cv=cv)\n"
        "search.fit(X, visits['readmitted'])\n",
    )
    assert "ML211" in codes(found)


def test_rebuilding_folds_draws_nothing_from_the_users_random_state(shell) -> None:
    run(shell, VISITS)
    run(shell, "from sklearn.model_selection import KFold, cross_val_score")
    run(shell, "np.random.seed(123)")
    state = np.random.get_state()[1].copy()
    cell = (
        "s = cross_val_score(RandomForestClassifier(n_estimators=5, random_state=0),\n"
        "    visits[['a', 'b']], visits['readmitted'], cv=KFold(4, shuffle=True, random_state=0))"
    )
    run(shell, cell)
    assert (np.random.get_state()[1] == state).all()


def test_a_country_is_an_attribute_not_an_entity(shell) -> None:
    found = run(
        shell,
        "import numpy as np, pandas as pd\n"
        "from sklearn.ensemble import RandomForestRegressor\n"
        "from sklearn.model_selection import train_test_split\n"
        "rng = np.random.default_rng(8)\n"
        "n = 4000\n"
        "country = rng.choice(['FR', 'DE', 'IT', 'ES', 'PT'], n)\n"
        "base = pd.Series(country).map({'FR': 1.0, 'DE': 2.0, 'IT': 0.5, 'ES': 0.2, 'PT': 0.0})\n"
        "df = pd.DataFrame({'country': country, 'level': base + rng.normal(0, 0.01, n),\n"
        "                   'x': rng.normal(size=n)})\n"
        "df['y'] = df['level'] * 3 + df['x'] + rng.normal(size=n)\n"
        "tr, te = train_test_split(df, random_state=0)\n"
        "m = RandomForestRegressor(n_estimators=20, random_state=0).fit(tr[['level', 'x']], tr['y'])\n"
        "r2 = m.score(te[['level', 'x']], te['y'])\n",
    )
    assert "ML211" not in codes(found)


# -- ML207: random splits over dated rows, however written --------------------------------------

SALES = """
import numpy as np, pandas as pd
from sklearn.ensemble import RandomForestRegressor
from sklearn.model_selection import KFold, TimeSeriesSplit, cross_val_score, train_test_split
rng = np.random.default_rng(1)
days = pd.date_range("2019-01-01", "2023-12-31", freq="D")
sales = pd.DataFrame({"date": days, "dow": days.day_of_week,
                      "temp": 15 + 10 * np.sin(2 * np.pi * days.day_of_year / 365)
                      + rng.normal(0, 2, len(days)),
                      "promo": rng.integers(0, 2, len(days))})
sales["units"] = np.linspace(100, 180, len(days)) + 3 * sales.temp + 20 * sales.promo
feats = ["dow", "temp", "promo"]
"""


@pytest.mark.parametrize(
    "cell",
    [
        # sample, then drop the sampled index
        "train = sales.sample(frac=0.8, random_state=1)\n"
        "test = sales.drop(train.index)\n"
        "m = RandomForestRegressor(n_estimators=10, random_state=0).fit(train[feats], train.units)\n"
        "r2 = m.score(test[feats], test.units)\n",
        # a mask of random numbers
        "mask = np.random.default_rng(5).random(len(sales)) < 0.8\n"
        "tr, te = sales[mask], sales[~mask]\n"
        "m = RandomForestRegressor(n_estimators=10, random_state=0).fit(tr[feats], tr['units'])\n"
        "pred = m.predict(te[feats])\n",
        # the date dropped from the features, found in the frame the rows came from
        "X = sales.drop(columns=['date', 'units'])\n"
        "X_tr, X_te, y_tr, y_te = train_test_split(X, sales['units'], random_state=0)\n"
        "m = RandomForestRegressor(n_estimators=10, random_state=0).fit(X_tr, y_tr)\n"
        "r2 = m.score(X_te, y_te)\n",
        # a shuffled KFold over a DatetimeIndex
        "ts = sales.set_index('date')\n"
        "s = cross_val_score(RandomForestRegressor(n_estimators=5, random_state=0), ts[feats],\n"
        "                    ts['units'], cv=KFold(5, shuffle=True, random_state=0))\n",
    ],
    ids=["sample-drop", "random-mask", "dropped-date", "shuffled-kfold-index"],
)
def test_random_splits_over_dated_rows(shell, cell: str) -> None:
    run(shell, SALES)
    found = run(shell, cell)
    finding = of(found, "ML207")
    assert "trains on the future" in finding["message"]
    assert finding["evidence"][0]["data"]["time_column"] in ("date", "index")


@pytest.mark.parametrize(
    "cell",
    [
        "cut = sales['date'] < '2023-01-01'\n"
        "m = RandomForestRegressor(n_estimators=10, random_state=0)\n"
        "m.fit(sales.loc[cut, feats], sales.loc[cut, 'units'])\n"
        "r2 = m.score(sales.loc[~cut, feats], sales.loc[~cut, 'units'])\n",
        "ts = sales.set_index('date')\n"
        "s = cross_val_score(RandomForestRegressor(n_estimators=5, random_state=0), ts[feats],\n"
        "                    ts['units'], cv=TimeSeriesSplit(5))\n",
    ],
    ids=["chronological", "time-series-split"],
)
def test_chronological_evaluations_are_silent(shell, cell: str) -> None:
    run(shell, SALES)
    assert "ML207" not in codes(run(shell, cell))


def test_a_signup_date_the_target_ignores_is_an_attribute(shell) -> None:
    found = run(
        shell,
        "import numpy as np, pandas as pd\n"
        "from sklearn.linear_model import LogisticRegression\n"
        "from sklearn.model_selection import train_test_split\n"
        "rng = np.random.default_rng(2)\n"
        "n = 3000\n"
        "people = pd.DataFrame({'signup': pd.Timestamp('2020-01-01')\n"
        "    + pd.to_timedelta(np.sort(rng.integers(0, 900, n)), unit='D'),\n"
        "    'visits': rng.poisson(4, n), 'spend': rng.gamma(2, 30, n)})\n"
        "people['upgrade'] = (rng.random(n) < 0.1 + 0.02 * people.visits).astype(int)\n"
        "tr, te = train_test_split(people, random_state=0)\n"
        "m = LogisticRegression().fit(tr[['visits', 'spend']], tr['upgrade'])\n"
        "acc = m.score(te[['visits', 'spend']], te['upgrade'])\n",
    )
    assert "ML207" not in codes(found), found


# -- ML209: one drift judgement on every path ---------------------------------------------------

SHIFTED = """
import numpy as np, pandas as pd
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import train_test_split
rng = np.random.default_rng(0)
n = 20_000
cols = ["a", "b", "c", "d", "e"]
df = pd.DataFrame(rng.normal(size=(n, 5)), columns=cols)
df["y"] = df.a + rng.normal(size=n)
train, test = train_test_split(df, test_size=0.3, random_state=0)
shifted = test.assign(b=test.b + 0.5)
"""


def test_half_a_standard_deviation_is_drift_on_the_hook_and_mlcheck(shell) -> None:
    run(shell, SHIFTED)
    hook = run(
        shell,
        "m = LinearRegression().fit(train[cols], train.y)\npred = m.predict(shifted[cols])\n",
    )
    finding = of(hook, "ML209")
    assert "'b' (KS 0.2" in finding["message"] and "shift 0.4" in finding["message"]
    on_demand = run(shell, "%mlcheck train shifted --target y")
    assert "'b'" in of(on_demand, "ML209")["message"]


def test_random_splits_of_one_frame_do_not_drift(shell) -> None:
    run(shell, SHIFTED)
    hook = run(
        shell, "m = LinearRegression().fit(train[cols], train.y)\npred = m.predict(test[cols])\n"
    )
    assert "ML209" not in codes(hook)
    assert "ML209" not in codes(run(shell, "%mlcheck train test --target y"))


def test_half_a_standard_deviation_is_drift_in_polars(shell) -> None:
    pytest.importorskip("polars")
    pytest.importorskip("narwhals")
    run(shell, SHIFTED)
    run(
        shell,
        "import polars as pl\nptrain, pshifted = pl.from_pandas(train), pl.from_pandas(shifted)",
    )
    assert "'b'" in of(run(shell, "%mlcheck ptrain pshifted --target y"), "ML209")["message"]
    run(shell, "ltrain, lshifted = ptrain.lazy(), pshifted.lazy()")
    assert "'b'" in of(run(shell, "%mlcheck ltrain lshifted --target y"), "ML209")["message"]
    run(shell, "ltest = pl.from_pandas(test).lazy()")
    assert "ML209" not in codes(run(shell, "%mlcheck ltrain ltest --target y"))


# -- ML101 / ML201: copies made by resampling -----------------------------------------------------

UPSAMPLED = """
import numpy as np, pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.utils import resample
rng = np.random.default_rng(0)
df = pd.DataFrame(rng.normal(size=(3000, 4)), columns=list("abcd"))
df["y"] = (df.a + rng.normal(0, 1, 3000) > 2).astype(int)
"""


def test_upsampling_then_splitting_is_one_overlap_with_counts(shell) -> None:
    run(shell, UPSAMPLED)
    drawn = run(
        shell,
        "up = resample(df[df.y == 1], replace=True, n_samples=2000, random_state=1)\n"
        "balanced = pd.concat([df[df.y == 0], up])\n",
    )
    assert "ML101" not in codes(drawn)  # a draw with replacement is not yet a problem
    found = run(
        shell,
        "X_train, X_test, y_train, y_test = train_test_split(\n"
        "    balanced[['a', 'b', 'c', 'd']], balanced['y'], random_state=0)\n"
        "clf = LogisticRegression().fit(X_train, y_train)\n"
        "acc = clf.score(X_test, y_test)\n",
    )
    overlap = of(found, "ML201")  # the draw before the split and its counted copies: one finding
    assert overlap["message"].startswith("resample(replace=True) duplicates rows of")
    assert "rows of X_test" in overlap["message"] and "also occur in X_train" in overlap["message"]
    assert set(overlap["sources"]) == {"static", "live"}
    duplicates = of(found, "ML101")
    assert duplicates["message"].startswith("balanced: ")
    assert "drawn with replacement by resample(replace=True)" in duplicates["message"]


def test_counts_that_repeat_by_chance_are_not_duplicates(shell) -> None:
    found = run(
        shell,
        "import numpy as np, pandas as pd\n"
        "rng = np.random.default_rng(5)\n"
        "n = 2500\n"
        "survey = pd.DataFrame({'adults': rng.integers(1, 4, n), 'children': rng.poisson(1.2, n),\n"
        "    'cars': rng.poisson(1.0, n), 'rooms': rng.integers(2, 8, n), 'pets': rng.poisson(0.6, n)})\n",
    )
    assert "ML101" not in codes(found)
    copied = run(
        shell,
        "measured = pd.DataFrame(rng.normal(size=(2500, 3)), columns=['p', 'q', 'r'])\n"
        "measured = pd.concat([measured, measured.iloc[:60]], ignore_index=True)\n",
    )
    assert "60 of 2,560 rows" in of(copied, "ML101")["message"]


FAKE_IMBLEARN = '''
import numpy as np


class RandomOverSampler:
    """Draws minority rows with replacement until the classes are the same size."""

    def __init__(self, random_state=None):
        self.random_state = random_state

    def get_params(self, deep=True):
        return {"random_state": self.random_state}

    def fit(self, X, y):
        return self

    def fit_resample(self, X, y):
        rng = np.random.RandomState(self.random_state)
        y = np.asarray(y)
        classes, counts = np.unique(y, return_counts=True)
        extra = rng.choice(np.flatnonzero(y == classes[counts.argmin()]), counts.max() - counts.min())
        keep = np.concatenate([np.arange(len(y)), extra])
        return X.iloc[keep].reset_index(drop=True), y[keep]
'''


def test_an_over_sampler_before_the_split_is_one_overlap_and_named_copies(
    shell, tmp_path, monkeypatch
) -> None:
    package = tmp_path / "imblearn"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "over_sampling.py").write_text(FAKE_IMBLEARN)
    monkeypatch.syspath_prepend(str(tmp_path))
    run(shell, UPSAMPLED)
    found = run(
        shell,
        "from imblearn.over_sampling import RandomOverSampler\n"
        "X_res, y_res = RandomOverSampler(random_state=0).fit_resample(df[list('abcd')], df['y'])\n"
        "X_train, X_test, y_train, y_test = train_test_split(X_res, y_res, random_state=0)\n"
        "clf = LogisticRegression().fit(X_train, y_train)\n"
        "acc = clf.score(X_test, y_test)\n",
    )
    overlap = of(found, "ML201")
    assert overlap["message"].startswith("RandomOverSampler() duplicates rows of")
    assert set(overlap["sources"]) == {"static", "live"}
    assert "drawn with replacement by RandomOverSampler" in of(found, "ML101")["message"]


def test_a_rerun_keeps_what_it_showed(shell) -> None:
    """Re-running a cross-validation, or a prediction on drifted rows, does not close its finding."""
    from ml_lint_nb.ipython import get_session

    run(shell, VISITS)
    run(shell, "from sklearn.model_selection import KFold, cross_val_score")
    cell = (
        "s = cross_val_score(RandomForestClassifier(n_estimators=5, random_state=0),\n"
        "    visits[['a', 'b', 'c']], visits['readmitted'], cv=KFold(4, shuffle=True, random_state=0))"
    )
    assert "ML211" in codes(run(shell, cell))
    run(shell, cell)
    run(shell, SHIFTED)
    run(shell, "m = LinearRegression().fit(train[cols], train.y)")
    assert "ML209" in codes(run(shell, "pred = m.predict(shifted[cols])"))
    run(shell, "pred = m.predict(shifted[cols])")
    still = {f.code for f in get_session(shell).open.values()}
    assert {"ML211", "ML209"} <= still
