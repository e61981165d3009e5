"""Live data rules on fact stores built from summaries of small seeded frames: bad and good cases."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from ml_lint_nb.facts.live.frames import summarise_frame
from ml_lint_nb.facts.live.limits import LiveLimits
from ml_lint_nb.facts.live.splits import split_facts
from ml_lint_nb.facts.model import Fact
from ml_lint_nb.facts.store import FactStore
from ml_lint_nb.findings import Finding, Location, Severity
from ml_lint_nb.rules import hygiene, leakage
from ml_lint_nb.rules.base import BOTH, LIVE, Rule, RuleContext
from ml_lint_nb.rules.registry import RULES_BY_CODE

WHERE = Location(cell=2, line=1)
OWN = [
    "ML101",
    "ML102",
    "ML103",
    "ML104",
    "ML105",
    "ML106",
    "ML108",
    "ML109",
    "ML201",
    "ML202",
    "ML207",
    "ML209",
    "ML210",
]


def frame_facts(obj: Any, name: str = "df", **kwargs: Any) -> list[Fact]:
    limits = kwargs.pop("limits", LiveLimits())
    fact = summarise_frame(name, obj, WHERE, limits, **kwargs)
    assert fact is not None
    return [fact]


def run(rule_cls: type[Rule], facts: list[Fact], **thresholds: float) -> list[Finding]:
    rule = rule_cls(RuleContext(thresholds=thresholds))
    return list(rule.check(FactStore(facts, modes=("live",))))


def only(findings: list[Finding]) -> Finding:
    assert len(findings) == 1, [f.message for f in findings]
    finding = findings[0]
    assert finding.sources == ("live",)
    assert all(e.source == "live" for e in finding.evidence) and finding.evidence
    return finding


def rng(seed: int = 0) -> np.random.RandomState:
    return np.random.RandomState(seed)


def base_frame(n: int = 500, seed: int = 0) -> pd.DataFrame:
    r = rng(seed)
    return pd.DataFrame(
        {
            "age": r.randint(18, 80, n).astype(float),
            "income": r.lognormal(10, 0.3, n).round(2),
            "os": r.choice(["android", "ios", "web"], n),
            "score": r.randn(n),
        }
    )


@pytest.mark.parametrize("code", OWN)
def test_rules_are_live_with_spec_severity(code: str) -> None:
    rule = RULES_BY_CODE[code]
    # ML201 is also static (over-sampling before the split, spec: "both")
    assert rule.detect == (BOTH if code == "ML201" else LIVE)
    expected = {"ML102": "info", "ML103": "info", "ML106": "info", "ML108": "info"}
    expected |= {"ML201": "error", "ML202": "error", "ML210": "info"}
    assert rule.severity.value == expected.get(code, "warning")
    assert "check" in vars(rule)


def test_clean_frame_is_silent_everywhere() -> None:
    df = base_frame()
    y = pd.Series((rng(5).rand(len(df)) < 0.4).astype(int), name="y")
    facts = frame_facts(df, target_values=y)
    train, test = df.iloc[:400], df.iloc[400:]
    facts += split_facts(
        "X_train",
        train,
        "X_test",
        test,
        WHERE,
        LiveLimits(),
        train_target_obj=y.iloc[:400],
        test_target_obj=y.iloc[400:],
    )
    for code in OWN:
        assert run(RULES_BY_CODE[code], facts) == [], code


# -- ML101 ---------------------------------------------------------------------------------------


def test_ml101_duplicate_rows() -> None:
    df = base_frame()
    dup = pd.concat([df, df.iloc[[17, 230, 401, 402, 403, 404, 405, 406, 407, 408]]])
    dup = dup.reset_index(drop=True)
    finding = only(run(hygiene.DuplicateRows, frame_facts(dup)))
    assert finding.severity is Severity.WARNING and finding.subject == ("df",)
    assert "10 of 510 rows (2.0%) are exact duplicates" in finding.message
    assert "e.g. rows 500, 501, 502, 503, 504" in finding.message
    assert finding.evidence[0].data["duplicates"] == 10
    assert run(hygiene.DuplicateRows, frame_facts(dup), min_share=0.05) == []


def test_ml101_silent_when_columns_cannot_make_unique_rows() -> None:
    r = rng(1)
    df = pd.DataFrame({"sex": r.choice(["f", "m"], 500), "smoker": r.choice([0, 1], 500)})
    assert run(hygiene.DuplicateRows, frame_facts(df)) == []


def test_ml101_says_when_sampled() -> None:
    df = base_frame(3_000)
    dup = pd.concat([df, df.iloc[:300]], ignore_index=True)
    finding = only(run(hygiene.DuplicateRows, frame_facts(dup, limits=LiveLimits(max_rows=1_000))))
    assert "(on a seeded sample of 1,000 of 3,300 rows)" in finding.message


# -- ML102 ---------------------------------------------------------------------------------------


def test_ml102_constant_and_all_null_columns() -> None:
    df = base_frame().assign(country="DE", empty=np.nan)
    finding = only(run(hygiene.ConstantColumn, frame_facts(df)))
    assert finding.severity is Severity.INFO
    assert "'country' (one value), 'empty' (all null)" in finding.message


def test_ml102_one_value_with_nulls_is_an_indicator() -> None:
    df = base_frame().assign(flag=lambda d: np.where(d["age"] > 50, "yes", None))
    assert run(hygiene.ConstantColumn, frame_facts(df)) == []


def test_ml102_ignores_previews() -> None:
    assert run(hygiene.ConstantColumn, frame_facts(base_frame().assign(c=1).head())) == []


# -- ML103 ---------------------------------------------------------------------------------------


def test_ml103_nulls_and_disguised_nulls() -> None:
    df = base_frame()
    df["income"] = df["income"].where(rng(2).rand(len(df)) > 0.3, -999)
    df["city"] = pd.Series(np.where(rng(3).rand(len(df)) < 0.25, "?", "Berlin"), dtype=object)
    finding = only(run(hygiene.MissingValues, frame_facts(df)))
    assert "2 columns mostly missing" in finding.message
    assert "counting disguised nulls" in finding.message
    texts = " ".join(e.text for e in finding.evidence)
    assert "disguised as '-999'" in texts and "disguised as '?'" in texts
    assert run(hygiene.MissingValues, frame_facts(df), min_share=0.5, min_disguised=10**9) == []


def test_ml103_reports_a_rare_missing_value_code() -> None:
    df = base_frame()
    df["income"] = df["income"].where(np.arange(len(df)) >= 12, -999)  # 12 sentinel rows
    finding = only(run(hygiene.MissingValues, frame_facts(df)))
    assert "with missing values" in finding.message and "'income'" in finding.message


# -- ML104 ---------------------------------------------------------------------------------------


def test_ml104_systematic_missingness() -> None:
    df = base_frame(2_000)
    df["device"] = np.where(df["os"] == "android", None, "phone-model")
    finding = only(run(hygiene.SystematicMissingness, frame_facts(df)))
    android = int((df["os"] == "android").sum())
    assert f"'device' is null for 100% of os == 'android' rows ({android:,}) and 0% elsewhere" in (
        finding.message
    )
    assert finding.evidence[0].data["by"] == "os"


def test_ml104_random_nulls_are_silent() -> None:
    df = base_frame(2_000)
    df["device"] = np.where(rng(4).rand(len(df)) < 0.3, None, "phone-model")
    assert run(hygiene.SystematicMissingness, frame_facts(df)) == []


def test_ml104_states_the_detail_sample() -> None:
    df = base_frame(30_000)
    df["device"] = np.where(df["os"] == "android", None, "phone-model")
    finding = only(run(hygiene.SystematicMissingness, frame_facts(df)))
    assert "(on a seeded sample of 20,000 of 30,000 rows)" in finding.message


# -- ML105 ---------------------------------------------------------------------------------------


def test_ml105_numbers_and_strings() -> None:
    df = base_frame()
    df["price"] = pd.Series([12.5, "13", "n/a", 14] * 125, dtype=object)
    finding = only(run(hygiene.MixedTypes, frame_facts(df)))
    assert "'price' (object) mixes numbers and strings (float, int, str)" in finding.message


def test_ml105_numbers_stored_as_text() -> None:
    df = base_frame()
    df["age_text"] = df["age"].astype(int).astype(str)
    finding = only(run(hygiene.MixedTypes, frame_facts(df)))
    assert "stores numbers as text (100% of its values parse as numbers)" in finding.message
    assert run(hygiene.MixedTypes, frame_facts(df.drop(columns=["age_text"]))) == []


def test_ml105_whole_numbers_as_text_alone_are_advice() -> None:
    """A branch code made text on purpose (``astype(str)``) is as likely labels as a slip:
    info. A decimal point or a stray token among the numbers keeps the warning."""
    df = base_frame()
    df["branch"] = (np.arange(len(df)) % 90).astype(str)
    finding = only(run(hygiene.MixedTypes, frame_facts(df)))
    assert finding.severity is Severity.INFO
    assert "if these digits are labels" in finding.message
    df["rate_text"] = (np.arange(len(df)) / 7).round(2).astype(str)
    finding = only(run(hygiene.MixedTypes, frame_facts(df)))
    assert finding.severity is Severity.WARNING
    df = base_frame().assign(branch=[str(v) for v in range(499)] + ["see notes"])
    assert only(run(hygiene.MixedTypes, frame_facts(df))).severity is Severity.WARNING


@pytest.mark.parametrize(
    "column, values",
    [
        ("zip", [f"{v:05d}" for v in range(10_000, 10_500)]),  # fixed width
        ("shipping", [f"{v:05d}" for v in range(500)]),  # leading zeros
        ("customer_id", [str(v) for v in range(1, 501)]),  # the name says so
        ("phone", [f"555{v:04d}" for v in range(500)]),
        ("sku", [f"{v:06d}" for v in range(200_000, 200_500)]),
    ],
)
def test_ml105_silent_on_identifier_and_code_columns(column: str, values: list[str]) -> None:
    df = base_frame()
    df[column] = values
    assert run(hygiene.MixedTypes, frame_facts(df)) == []


# -- ML106 ---------------------------------------------------------------------------------------


def test_ml106_extreme_outliers_with_examples() -> None:
    df = base_frame()
    df.loc[[3, 7, 9], "age"] = [999.0, 850.0, 700.0]
    finding = only(run(hygiene.ExtremeOutliers, frame_facts(df)))
    assert finding.message.startswith("df: 'age' reaches")
    assert "(e.g. 999, 850, 700)" in finding.message
    assert run(hygiene.ExtremeOutliers, frame_facts(df), robust_z=1000) == []


# -- ML108 ---------------------------------------------------------------------------------------


def test_ml108_imbalanced_target() -> None:
    df = base_frame(1_000).assign(churn=np.r_[np.ones(30, dtype=int), np.zeros(970, dtype=int)])
    finding = only(run(hygiene.ClassImbalance, frame_facts(df, target="churn")))
    assert "'churn' is imbalanced: class '1' holds 3.0% of 1,000 rows (30; 97% / 3.0%)" in (
        finding.message
    )
    assert (
        run(hygiene.ClassImbalance, frame_facts(df, target="churn"), max_minority_share=0.01) == []
    )


def test_ml108_balanced_multiclass_is_silent() -> None:
    df = base_frame(1_000).assign(digit=np.arange(1_000) % 10)
    assert run(hygiene.ClassImbalance, frame_facts(df, target="digit")) == []


# -- ML109 ---------------------------------------------------------------------------------------


def test_ml109_too_many_features() -> None:
    x = rng(6).randn(40, 200)
    finding = only(run(hygiene.TooManyFeatures, frame_facts(x, name="X")))
    assert finding.message.startswith("X: 200 features for 40 rows (5 per row)")
    assert run(hygiene.TooManyFeatures, frame_facts(rng(6).randn(400, 20), name="X")) == []
    assert run(hygiene.TooManyFeatures, frame_facts(rng(6).randn(5, 4), name="X")) == []


# -- ML201 ---------------------------------------------------------------------------------------


def overlap_case(extra: int) -> list[Fact]:
    df = base_frame(1_000)
    train, test = df.iloc[:800], df.iloc[800:]
    test = pd.concat([test, train.iloc[:extra]])
    return split_facts("X_train", train, "X_test", test, WHERE, LiveLimits())


def test_ml201_test_rows_seen_in_training() -> None:
    finding = only(run(leakage.TrainTestOverlap, overlap_case(20)))
    assert finding.severity is Severity.ERROR and finding.subject == ("X_train", "X_test")
    assert finding.message.startswith(
        "20 of 220 rows of X_test (9.1%) also occur in X_train, e.g. test rows 200, 201"
    )
    assert run(leakage.TrainTestOverlap, overlap_case(0)) == []
    assert run(leakage.TrainTestOverlap, overlap_case(20), min_share=0.5) == []


# -- ML202 ---------------------------------------------------------------------------------------


def leak_frame(n: int = 1_000) -> pd.DataFrame:
    r = rng(7)
    churn = (r.rand(n) < 0.3).astype(int)
    return base_frame(n).assign(
        cancel_days=np.where(churn == 1, r.randint(1, 30, n), np.nan), churned=churn
    )


def test_ml202_feature_that_predicts_the_target() -> None:
    finding = only(run(leakage.TargetLeakageFeature, frame_facts(leak_frame(), target="churned")))
    assert finding.severity is Severity.ERROR
    assert "'cancel_days' alone predicts 'churned' with AUC 1.000" in finding.message


def test_ml202_copy_of_the_target() -> None:
    df = leak_frame().drop(columns=["cancel_days"])
    df["status"] = np.where(df["churned"] == 1, "gone", "active")
    finding = only(run(leakage.TargetLeakageFeature, frame_facts(df, target="churned")))
    assert "'status' is a copy (one-to-one transform) of 'churned'" in finding.message


def test_ml202_honest_features_are_silent() -> None:
    df = leak_frame().drop(columns=["cancel_days"])
    assert run(leakage.TargetLeakageFeature, frame_facts(df, target="churned")) == []


def test_ml202_threshold() -> None:
    r = rng(8)
    y = (r.rand(2_000) < 0.5).astype(int)
    strong = y * 2.0 + r.randn(2_000) * 0.8  # AUC about 0.96, far above the other feature
    df = pd.DataFrame({"strong": strong, "weak": y * 0.3 + r.randn(2_000), "y": y})
    facts = frame_facts(df, target="y")
    assert run(leakage.TargetLeakageFeature, facts) == []
    assert only(run(leakage.TargetLeakageFeature, facts, min_auc=0.95))


# -- ML207 ---------------------------------------------------------------------------------------


def dated(n: int = 1_000) -> pd.DataFrame:
    return base_frame(n).assign(day=pd.date_range("2021-01-01", periods=n, freq="D"))


def test_ml207_shuffled_split_over_time() -> None:
    df = dated()
    order = rng(9).permutation(len(df))
    train, test = df.iloc[order[:800]], df.iloc[order[800:]]
    found = split_facts("X_train", train, "X_test", test, WHERE, LiveLimits())
    finding = only(run(leakage.TemporalLeakage, found))
    assert "of X_test's rows are dated before X_train's latest 'day'" in finding.message
    assert "X_train up to 2023-09-27" in finding.message


def test_ml207_chronological_split_is_silent() -> None:
    df = dated()
    found = split_facts("X_train", df.iloc[:800], "X_test", df.iloc[800:], WHERE, LiveLimits())
    assert run(leakage.TemporalLeakage, found) == []


# -- ML209 ---------------------------------------------------------------------------------------


def test_ml209_drifted_features() -> None:
    df = base_frame(1_000)
    train, test = df.iloc[:800], df.iloc[800:].assign(income=lambda d: d["income"] * 3)
    found = split_facts("X_train", train, "X_test", test, WHERE, LiveLimits())
    finding = only(run(leakage.TrainTestDrift, found))
    assert finding.message.startswith("1 feature of X_test differs from X_train: 'income' (KS 0.9")


def test_ml209_small_samples_do_not_drift_by_chance() -> None:
    df = base_frame(1_000)
    found = split_facts("X_train", df.iloc[:990], "X_test", df.iloc[990:], WHERE, LiveLimits())
    assert run(leakage.TrainTestDrift, found, min_ks=0.01) == []


# -- ML210 ---------------------------------------------------------------------------------------


def sized(n_test: int, positives: int) -> list[Fact]:
    df = base_frame(1_000 + n_test)
    y = np.zeros(len(df), dtype=int)
    y[:100] = 1
    y[1_000 : 1_000 + positives] = 1
    return split_facts(
        "X_train",
        df.iloc[:1_000],
        "X_test",
        df.iloc[1_000:],
        WHERE,
        LiveLimits(),
        train_target_obj=y[:1_000],
        test_target_obj=y[1_000:],
    )


def test_ml210_few_minority_samples() -> None:
    finding = only(run(leakage.SmallTestSet, sized(400, 4)))
    assert finding.severity is Severity.INFO
    assert finding.message.startswith("X_test holds 400 rows, 4 of class '1'")
    assert "±5 points" in finding.message and "cannot measure recall" in finding.message


def test_ml210_few_rows() -> None:
    finding = only(run(leakage.SmallTestSet, sized(25, 12)))
    assert "X_test holds 25 rows" in finding.message and "±20 points" in finding.message


def test_ml210_a_numeric_target_is_not_given_an_accuracy() -> None:
    df = base_frame(1_090)
    y = np.linspace(0.0, 300.0, len(df))
    found = split_facts(
        "X_train",
        df.iloc[:1_000],
        "X_test",
        df.iloc[1_000:],
        WHERE,
        LiveLimits(),
        train_target_obj=y[:1_000],
        test_target_obj=y[1_000:],
    )
    finding = only(run(leakage.SmallTestSet, found))
    assert finding.message.startswith("X_test holds 90 rows: a mean error over them")
    assert "accuracy" not in finding.message and "0.11 times" in finding.message


def test_ml210_a_large_enough_test_set_is_silent() -> None:
    assert run(leakage.SmallTestSet, sized(400, 80)) == []
    assert run(leakage.SmallTestSet, sized(400, 4), min_minority=3) == []
