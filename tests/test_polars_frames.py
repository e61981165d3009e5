"""polars eager frames: read natively, column by column, by the same checks as pandas.

The data checks are written once over NumPy columns; a polars frame gets
there by ``Series.to_numpy()``, never by converting the frame to pandas.
These tests hold the two libraries to the same answers: column summaries,
row hashes, ``%mlcheck`` (one frame, two frames, ``--y``), the hook's fit
records and evaluation pairing, and the seven-pitfall acceptance pair.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import asdict

import numpy as np
import pandas as pd
import pytest

pl = pytest.importorskip("polars")
pytest.importorskip("sklearn")

from ml_lint_nb.facts.live import safe  # noqa: E402
from ml_lint_nb.facts.live.fit_records import record_fit  # noqa: E402
from ml_lint_nb.facts.live.frames import summarise_frame  # noqa: E402
from ml_lint_nb.facts.live.limits import LiveLimits  # noqa: E402
from ml_lint_nb.facts.live.row_hashes import column_hash, row_hashes  # noqa: E402
from ml_lint_nb.facts.live.splits import split_facts  # noqa: E402
from ml_lint_nb.findings import Location  # noqa: E402

WHERE = Location(cell=1, line=1)
from shell_findings import run  # noqa: E402


def mixed(n: int = 3_000, seed: int = 0) -> dict[str, object]:
    """Columns of every kind the checks distinguish, with nulls, NaN and disguised nulls."""
    rng = np.random.RandomState(seed)
    y = (rng.rand(n) < 0.2).astype(int)
    amount = rng.randn(n)
    amount[rng.rand(n) < 0.1] = np.nan
    count = rng.randint(0, 50, n).astype(float)
    count[rng.rand(n) < 0.05] = np.nan  # an integer column with nulls
    return {
        "amount": amount,
        "count": count,
        "city": rng.choice(["Oslo", "Lima", "", "NA", "?"], n),
        "grade": rng.choice(["a", "b", "c"], n),
        "flag": rng.rand(n) < 0.3,
        "when": np.datetime64("2021-01-01") + rng.randint(0, 400, n).astype("timedelta64[D]"),
        "const": np.ones(n),
        "leak": y + rng.randn(n) * 0.01,
        "target": y,
    }


def as_pandas(cols: dict[str, object]) -> pd.DataFrame:
    df = pd.DataFrame(cols)
    df["count"] = df["count"].astype("Int64")
    df["grade"] = df["grade"].astype("category")
    return df


def as_polars(cols: dict[str, object]) -> pl.DataFrame:
    df = pl.DataFrame(cols)
    return df.with_columns(
        pl.col("count").fill_nan(None).cast(pl.Int64),  # real nulls, not NaN
        pl.col("grade").cast(pl.Enum(["a", "b", "c"])),
        pl.col("when").cast(pl.Date),
    )


def without_dtype(summary: object) -> dict[str, object]:
    out = asdict(summary)  # type: ignore[call-overload]
    out.pop("dtype")
    return out


# -- type-only classification ----------------------------------------------------------------------


def test_polars_objects_are_frames_by_type_only() -> None:
    df = pl.DataFrame({"a": [1, 2]})
    assert safe.kind(df) == "frame" and safe.kind(df["a"]) == "frame"
    s = df["a"]
    assert safe.admit(df) is df and safe.admit(s) is s
    assert safe.columns(df) == ["a"] and safe.ndim(df) == 2 and safe.ndim(df["a"]) == 1
    assert safe.shape_key(df) == "(2, 1)"


def test_a_polars_subclass_with_code_of_its_own_is_refused() -> None:
    class Sneaky(pl.DataFrame):
        def to_series(self, index: int = 0) -> pl.Series:  # pragma: no cover - must not run
            raise AssertionError("the subclass's method ran")

    class Tagged(pl.DataFrame):
        note = "data only"

    sneaky = Sneaky({"a": [1.0, 2.0, 3.0]})
    with pytest.raises(safe.Refused):
        safe.admit(sneaky)
    assert summarise_frame("s", sneaky, WHERE, LiveLimits()) is None
    tagged = Tagged({"a": [1.0, 2.0, 3.0]})
    assert safe.admit(tagged) is tagged
    assert summarise_frame("t", tagged, WHERE, LiveLimits()).n_rows == 3


def test_polars_is_never_imported_by_the_checks() -> None:
    code = (
        "import sys, numpy as np, pandas as pd\n"
        "from IPython.core.interactiveshell import InteractiveShell\n"
        "sh = InteractiveShell.instance()\n"
        "sh.run_line_magic('load_ext', 'ml_lint_nb')\n"
        'sh.run_cell(\'import pandas as pd\\ndf = pd.DataFrame({"a": [1, 1, 2]})\\n'
        "df2 = df.copy()', store_history=True)\n"
        "sh.run_line_magic('mlcheck', 'df df2')\n"
        "print('polars' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert out.stdout.strip().splitlines()[-1] == "False"


# -- the same summaries as pandas ------------------------------------------------------------------


def test_every_column_kind_summarises_as_in_pandas() -> None:
    cols = mixed()
    a = summarise_frame("df", as_pandas(cols), WHERE, LiveLimits(full=True), "target")
    b = summarise_frame("df", as_polars(cols), WHERE, LiveLimits(full=True), "target")
    assert a is not None and b is not None
    assert [without_dtype(c) for c in a.columns] == [without_dtype(c) for c in b.columns]
    by_name = {c.name: c for c in b.columns}
    assert by_name["count"].n_null > 0 and by_name["amount"].n_null > 0
    assert set(by_name["city"].disguised_values) == {"", "NA", "?"}
    assert by_name["grade"].n_unique == 3 and by_name["const"].n_unique == 1
    assert a.class_counts == b.class_counts and a.predictive == b.predictive
    assert b.predictive[0][0] == "leak"
    assert (a.duplicate_rows, a.missingness) == (b.duplicate_rows, b.missingness)


def test_nan_and_null_in_a_float_column_both_count_as_missing() -> None:
    s = pl.Series("x", [1.0, None, float("nan"), 4.0, 5.0])
    fact = summarise_frame(
        "x", pl.DataFrame([s, pl.Series("y", [1, 2, 3, 4, 5])]), WHERE, LiveLimits()
    )
    assert fact.columns[0].n_null == 2


def test_sampled_polars_frames_inspect_the_same_rows_as_pandas() -> None:
    cols = mixed(n=12_000, seed=3)
    limits = LiveLimits(max_rows=2_000)
    a = summarise_frame("df", as_pandas(cols), WHERE, limits, "target")
    b = summarise_frame("df", as_polars(cols), WHERE, limits, "target")
    assert a.sample_rows == b.sample_rows == 2_000
    assert [without_dtype(c) for c in a.columns] == [without_dtype(c) for c in b.columns]


def test_a_polars_series_target_is_aligned_with_the_rows() -> None:
    cols = mixed()
    frame = as_polars(cols).drop("target")
    fact = summarise_frame("X", frame, WHERE, LiveLimits(), None, pl.Series("y", cols["target"]))
    assert fact.class_counts and fact.predictive[0][0] == "leak"


# -- row hashes ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "values",
    [[1.5, None, -0.0, 3.0], [1, 2, None, 4], [True, False, None, True], ["a", "", None, "NA"]],
)
def test_row_hashes_agree_with_pandas_for_the_same_values(values: list[object]) -> None:
    p = column_hash(pd.Series(values, dtype=object if isinstance(values[0], str) else None), np, pd)
    q = column_hash(pl.Series(values), np, pd)
    numeric = [v for v in values if v is not None]
    if isinstance(values[0], bool):  # pandas keeps a nullable bool as object: compare as numbers
        p = column_hash(pd.Series([np.nan if v is None else float(v) for v in values]), np, pd)
    assert len(q) == len(values) and numeric
    np.testing.assert_array_equal(p, q)


def test_categorical_hashes_as_its_values() -> None:
    values = ["x", "y", "x", None]
    a = column_hash(pl.Series(values, dtype=pl.Categorical), np, pd)
    b = column_hash(pl.Series(values), np, pd)
    np.testing.assert_array_equal(a, b)


def test_fit_records_of_pandas_and_polars_data_match() -> None:
    from sklearn.linear_model import LogisticRegression

    cols = mixed()
    numeric = {k: cols[k] for k in ("amount", "leak", "const")}
    pdf, pldf = pd.DataFrame(numeric).fillna(0.0), pl.DataFrame(numeric).fill_nan(0.0)
    y = cols["target"]
    a = record_fit("m", LogisticRegression(), "X", pdf, pd.Series(y), LiveLimits())
    b = record_fit("m", LogisticRegression(), "X", pldf, pl.Series(y), LiveLimits())
    assert a is not None and b is not None
    np.testing.assert_array_equal(a.hashes, b.hashes)
    assert a.labels == b.labels and a.target_counts == b.target_counts
    assert sorted(a.numeric) == sorted(b.numeric)
    np.testing.assert_array_equal(row_hashes(pdf, np, pd), row_hashes(pldf, np, pd))


# -- cross-checks ----------------------------------------------------------------------------------


def test_split_facts_find_copied_rows_and_drift_in_polars() -> None:
    cols = mixed(n=4_000)
    df = as_polars(cols).drop("when")
    train, test = df[:3_000], df[3_000:].with_columns(pl.col("amount") + 3)
    test = pl.concat([test, df[:200]])
    facts = split_facts("train", train, "test", test, WHERE, LiveLimits())
    kinds = {type(f).__name__: f for f in facts}
    assert kinds["OverlapFact"].n_overlap == 200
    assert kinds["DriftFact"].features[0][0] == "amount"


def test_time_order_of_polars_dates() -> None:
    n = 500
    days = np.datetime64("2022-01-01") + np.arange(n).astype("timedelta64[D]")
    df = pl.DataFrame({"day": days, "x": np.arange(n) * 1.0}).with_columns(
        pl.col("day").cast(pl.Date)
    )
    facts = split_facts("train", df[100:], "test", df[:100], WHERE, LiveLimits())
    temporal = [f for f in facts if type(f).__name__ == "TemporalSplitFact"]
    assert temporal and temporal[0].column == "day" and temporal[0].share_earlier == 1.0


# -- %mlcheck and the hook in a shell --------------------------------------------------------------


SMALL = """\
import numpy as np, LIBRARY
rng = np.random.RandomState(0)
n = 2_000
y_all = (rng.rand(n) < 0.1).astype(int)
df = LIB.DataFrame({"a": rng.randn(n), "b": rng.randn(n), "leak": y_all + rng.randn(n) * 0.01,
                    "target": y_all})
"""


def small(lib: str) -> str:
    return SMALL.replace("LIBRARY", {"pl": "polars as pl", "pd": "pandas as pd"}[lib]).replace(
        "LIB.", f"{lib}."
    )


def test_mlcheck_one_polars_frame_and_a_polars_y(shell) -> None:
    run(shell, small("pl"))
    found = run(shell, "%mlcheck df --target target")
    assert {"ML108", "ML202"} <= {f["code"] for f in found}
    run(shell, "X = df.drop('target')\ny = df['target']")
    found = run(shell, "%mlcheck X --y y")
    assert {"ML108", "ML202"} <= {f["code"] for f in found}


def test_tab_completion_offers_polars_frames(shell) -> None:
    run(shell, small("pl") + "y = df['target']\ntext = 'hello'\n")
    _, offered = shell.complete("", "%mlcheck ")
    assert {"df", "y"} <= set(offered) and "text" not in offered


@pytest.mark.parametrize("lib", ["pd", "pl"])
def test_a_model_fitted_on_a_polars_frame_is_paired_with_its_evaluation(shell, lib: str) -> None:
    """Fit records, ML202 at the fit, ML201/ML209 at predict: the same for both libraries."""
    fit = run(
        shell,
        small(lib)
        + "train = df[:1500]\n"
        + "test = LIB.concat([df[1500:], df[:100]])\n".replace("LIB", lib)
        + "features = ['a', 'b', 'leak']\n"
        + "from sklearn.linear_model import LogisticRegression\n"
        + "clf = LogisticRegression().fit(train[features], train['target'])\n",
    )
    assert "ML202" in {f["code"] for f in fit}
    pred = run(shell, "pred = clf.predict(test[features])\n")
    overlap = [f for f in pred if f["code"] == "ML201"]
    assert overlap and "100 of 600 rows" in overlap[0]["message"]


@pytest.mark.parametrize("lib", ["pd", "pl"])
def test_train_test_split_of_polars_frames_gives_split_facts(shell, lib: str) -> None:
    code = small(lib) + (
        "df = LIB.concat([df, df[:300]])\n"
        "from sklearn.model_selection import train_test_split\n"
        "train, test = train_test_split(df, test_size=0.25, random_state=0)\n"
    ).replace("LIB", lib)
    found = run(shell, code)
    assert "ML201" in {f["code"] for f in found}


# -- the acceptance pair ---------------------------------------------------------------------------

PAIR = """\
import numpy as np, LIBRARY
rng = np.random.RandomState(0)
n, m = 100_000, 8_000
target = (rng.rand(n) < 0.05).astype(int)
mid = rng.randn(n)
mid[:21] = 1e6
train = {"tiny": rng.randn(n) * 1e-3, "huge": rng.randn(n) * 1e5, "mid": mid,
         "spend": rng.randn(n), "leak": target + rng.randn(n) * 0.05, "const": np.ones(n),
         "age": rng.normal(40, 10, n), "target": target}
tt = (rng.rand(m) < 0.05).astype(int)
test = {"tiny": rng.randn(m) * 1e-3, "huge": rng.randn(m) * 1e5, "mid": rng.randn(m),
        "spend": rng.randn(m), "leak": tt + rng.randn(m) * 0.05, "const": np.ones(m),
        "age": rng.normal(55, 10, m), "target": tt}
copied = np.random.RandomState(1).choice(n, 1600, replace=False)
test = {k: np.concatenate([v, train[k][copied]]) for k, v in test.items()}
train, test = LIB.DataFrame(train), LIB.DataFrame(test)
"""


def pair(lib: str) -> str:
    return PAIR.replace("LIBRARY", {"pl": "polars as pl", "pd": "pandas as pd"}[lib]).replace(
        "LIB.", f"{lib}."
    )


def mlcheck_pair(shell, lib: str) -> set[tuple[str, str]]:
    run(shell, pair(lib))
    found = run(shell, "%mlcheck train test --target target")
    return {(f["code"], "/".join(map(str, f.get("subject") or []))) for f in found}


def test_the_seven_pitfalls_give_the_same_findings_in_pandas_and_polars(shell) -> None:
    from ml_lint_nb.facts.live import safe as safe_module

    with_pandas = mlcheck_pair(shell, "pd")
    shell.run_line_magic("unload_ext", "ml_lint_nb")
    safe_module.forget_all()
    shell.run_line_magic("load_ext", "ml_lint_nb")
    with_polars = mlcheck_pair(shell, "pl")
    assert with_pandas == with_polars
    codes = {code for code, _ in with_polars}
    # copied rows, leaking column, constant column, outliers, 95/5 target, drift
    assert {"ML201", "ML202", "ML102", "ML106", "ML108", "ML209"} <= codes
    assert ("ML202", "leak") in with_polars and ("ML209", "train/test") in with_polars


def test_no_polars_object_is_converted_to_pandas(shell, monkeypatch) -> None:
    def refuse(*_a, **_k):
        raise AssertionError("converted to pandas")

    run(shell, pair("pl"))
    monkeypatch.setattr(pl.DataFrame, "to_pandas", refuse)
    monkeypatch.setattr(pl.Series, "to_pandas", refuse)
    monkeypatch.setattr(pl.DataFrame, "__dataframe__", refuse, raising=False)
    from ml_lint_nb.ipython import get_session

    session = get_session(shell)
    before = len(session.errors)
    found = run(shell, "%mlcheck train test --target target")
    assert {"ML201", "ML202", "ML209"} <= {f["code"] for f in found}
    fit = run(
        shell,
        "from sklearn.linear_model import LogisticRegression\n"
        "features = [c for c in train.columns if c != 'target']\n"
        "clf = LogisticRegression(max_iter=200).fit(train[features], train['target'])\n"
        "pred = clf.predict(test[features])\n",
    )
    # the hook measured the same rows again (train[features] is train): the facts %mlcheck
    # showed are not shown twice, and the open list holds each once with both measurements
    assert not {"ML201", "ML209"} & {f["code"] for f in fit}
    listed = run(shell, "%mlcheck")
    for code in ("ML201", "ML209"):
        (finding,) = [f for f in listed if f["code"] == code]
        assert len(finding["evidence"]) >= 2, finding["evidence"]
    assert len(session.errors) == before


def test_kernel_evidence_for_the_static_rules_matches_pandas() -> None:
    """Feature scales (ML301's premise) and class shares read from a polars frame."""
    from ml_lint_nb.facts.live.values import describe_value

    rng = np.random.RandomState(0)
    cols = {"tiny": rng.randn(500) * 1e-3, "huge": rng.randn(500) * 1e5}
    y = (rng.rand(500) < 0.1).astype(int)
    a = describe_value(pd.DataFrame(cols), "X", False, LiveLimits())
    b = describe_value(pl.DataFrame(cols), "X", False, LiveLimits())
    assert a.scale_ratio == pytest.approx(b.scale_ratio) and b.scale_ratio > 1e6
    assert a.scale_text == b.scale_text and a.n_features == b.n_features == 2
    ta = describe_value(pd.Series(y), "y", True, LiveLimits())
    tb = describe_value(pl.Series(y), "y", True, LiveLimits())
    assert ta.shares == tb.shares and tb.shares_text == ta.shares_text


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("train", (6, 3)),
        ("train[features]", (6, 2)),
        ("train.select(features)", (6, 2)),
        ("train.drop('target')", (6, 2)),
        ("train.drop(['target'])", (6, 2)),
        ("train['target']", (6,)),
        ("train[2:]", (4, 3)),
        ("train['target'][:4]", (4,)),
        ("train.to_numpy()", (6, 3)),
        ("train.values", None),  # not polars: the user's cell fails, nothing is read
        ("train.drop('nope')", None),
        ("train.select(nope)", None),
    ],
)
def test_fit_arguments_in_polars_spelling_are_resolved(code: str, expected: object) -> None:
    import ast

    from ml_lint_nb.facts.live.expressions import resolve

    ns = {
        "train": pl.DataFrame({"a": range(6), "b": range(6), "target": [0, 1] * 3}),
        "features": ["a", "b"],
        "nope": ["zz"],
    }
    got = resolve(ast.parse(code, mode="eval").body, ns)
    assert (None if got is None else tuple(got.shape)) == expected


def test_a_polars_series_alone_is_summarised() -> None:
    s = pl.Series("city", ["Oslo", "", "NA", None, "Lima"] * 40)
    fact = summarise_frame("city", s, WHERE, LiveLimits())
    assert fact.kind == "Series" and fact.columns[0].name == "city"
    assert fact.columns[0].n_null == 40 and fact.columns[0].n_disguised == 80
