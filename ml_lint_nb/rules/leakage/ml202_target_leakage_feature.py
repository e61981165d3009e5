"""ML202 target-leakage-feature: a feature that gives the target away (a judgement, not one bar)."""

from __future__ import annotations

from collections.abc import Iterator

from ml_lint_nb.facts.store import FactStore
from ml_lint_nb.findings import Evidence, Finding, Severity
from ml_lint_nb.rules.base import LIVE, Rule, Threshold
from ml_lint_nb.rules.data_evidence import detail_note, frames, share
from ml_lint_nb.rules.leakage.feature_leaks import DEFAULTS, FeatureVerdict, verdicts


class TargetLeakageFeature(Rule):
    """What it does
    Judges each feature a model is fitted on (in a kernel, at every fit with
    a target, on a seeded sample; and in ``%mlcheck df --target y``) and
    names those that give the target away: a copy or one-to-one transform of
    the target; a post-outcome flag (one value, or a few, marks most of one
    class and almost none of the others, far above what the other features
    reach); a per-group statistic of the target that includes each row's own
    label (a target mean encoding over all rows: it loses its power when
    each row's label is left out); a value from the future (the target of
    later rows, ``shift(-1)``, or a centred window over it); and a feature
    whose power alone is near perfect and far above every other feature's.
    An identifier among the features (unique per row or per entity) is
    named as an identifier: info, or a warning when it predicts the target.

    Honest strong predictors stay silent: a near-perfect measurement beside
    other near-perfect ones (petal length and width on setosa against
    versicolor), lags of a series computed from earlier rows, the strong
    features of an easy problem.

    Why is this bad?
    Such a feature is usually recorded after the outcome (a refund for
    churn) or computed from the labels themselves, and will not exist, or
    will not be as good, at prediction time; the model learns it instead of
    the problem and its test score means nothing. An identifier carries no
    meaning the model can generalise from.

    Example
    ```python
    df["zip_churn_rate"] = df.groupby("zip")["churned"].transform("mean")
    X = df.drop(columns=["churned"])  # still holds "retention_offer_sent"
    model.fit(X_train, y_train)
    ```

    Use instead
    ```python
    X = df.drop(columns=["churned", "retention_offer_sent", "customer_id"])
    # a target encoding learned out of fold, on the training rows only
    model = make_pipeline(TargetEncoder(), LogisticRegression()).fit(X_train, y_train)
    ```
    """

    code, name, severity, pitfalls = "ML202", "target-leakage-feature", Severity.ERROR, (40,)
    detect = LIVE
    summary = "a feature that gives the target away"
    fix = "Remove features recorded after, or computed from, the target; drop identifiers."
    thresholds = (
        Threshold(
            "min_auc",
            DEFAULTS["min_auc"],
            "single-feature AUC from which a feature that stands out is a leak",
        ),
        Threshold(
            "min_corr",
            DEFAULTS["min_corr"],
            "single-feature |correlation| with a numeric target from which a feature that "
            "stands out is a leak",
        ),
        Threshold(
            "min_gap",
            DEFAULTS["min_gap"],
            "how far a near-perfect feature or a flag must stand above the best other feature",
        ),
        Threshold(
            "flag_coverage",
            DEFAULTS["flag_coverage"],
            "share of a class that a flag's value(s) must hold",
        ),
        Threshold(
            "flag_others",
            DEFAULTS["flag_others"],
            "share of the other rows a flag's value(s) may hold at most",
        ),
        Threshold(
            "flag_pure_others",
            DEFAULTS["flag_pure_others"],
            "share of the other rows at or below which a flag needs not stand above the others",
        ),
        Threshold(
            "min_own_label_gain",
            DEFAULTS["min_own_label_gain"],
            "power a group statistic loses without each row's own label, from which it leaks",
        ),
        Threshold(
            "identifier_power",
            DEFAULTS["identifier_power"],
            "power alone from which an identifier among the features is a warning, not info",
        ),
    )

    def check(self, store: FactStore) -> Iterator[Finding]:
        """One finding per leaking column (or identifier), however many frames hold it."""
        limits = {t.name: self.threshold(t.name) for t in self.thresholds}
        seen: set[str] = set()
        for fact in frames(store):
            target = repr(fact.target) if fact.target else "the target"
            for v in verdicts(fact, limits):
                if v.feature in seen:
                    continue
                seen.add(v.feature)
                text = describe(v, target)
                severity = {
                    "leak": Severity.ERROR,
                    "predictive-identifier": Severity.WARNING,
                }.get(v.verdict, Severity.INFO)
                data: dict[str, object] = {
                    "feature": v.feature,
                    "frame": fact.name,
                    "score": round(v.score, 4),
                    "how": v.how,
                }
                data.update(
                    {
                        k: val
                        for k, val in v.detail.items()
                        if k not in ("measure", "rows", "two_state")
                    }
                )
                rows = int(v.detail.get("rows", 0) or 0)
                data["rows_judged"] = rows or None
                note = (
                    f" (on a seeded sample of {rows:,} of {fact.n_rows:,} rows)"
                    if 0 < rows < fact.n_rows
                    else detail_note(fact)
                )
                yield self.finding(
                    f"{fact.name}: {text}{note}: {self._why(v)}.",
                    fact.location,
                    subject=(v.feature,),
                    evidence=[Evidence("live", "single-feature-predictiveness", text, data)],
                    severity=severity,
                )

    @staticmethod
    def _why(v: FeatureVerdict) -> str:
        """Why the feature cannot be trusted, in the words of how it leaks."""
        if v.how == "group-stat":
            return (
                "a statistic of the target computed over rows that include each row's own "
                "label; compute it out of fold on the training rows (TargetEncoder)"
            )
        if v.how in ("future", "own-window"):
            return "at prediction time these values do not exist yet; use values from earlier rows"
        if v.how == "identifier":
            if v.verdict == "identifier":
                return "an identifier carries no meaning a model can generalise from; drop it"
            return (
                "an identifier should carry no signal; it predicts because of how ids were "
                "assigned (by date, by outcome), which will not hold for new rows; drop it"
            )
        return "such a feature is usually recorded after the outcome or derived from it"


def describe(v: FeatureVerdict, target: str) -> str:
    """What was measured about the feature, in the words of how it predicts."""
    d = v.detail
    others = d.get("others_best")
    beside = f" (the best other feature reaches {float(others):.2f})" if others is not None else ""
    measure = "AUC" if d.get("measure") == "auc" else "|correlation|"
    if v.how == "copy":
        return f"{v.feature!r} is a copy (one-to-one transform) of {target}"
    if v.how == "flag":
        value = f" {d['value']}" if d.get("value") else ""
        return (
            f"the rows where {v.feature!r}{value} hold {float(d.get('coverage', 0)):.0%} of "
            f"those where {target} is {d.get('class', '?')} (base rate "
            f"{share(float(d.get('base_rate', 0)))}) and {float(d.get('others', 0)):.1%} of the "
            f"others; alone it reaches AUC {v.score:.3f}{beside}"
        )
    if v.how == "group-stat":
        groups = (
            f"the levels of {d['group_column']!r}" if d.get("group_column") else "groups of rows"
        )
        return (
            f"{v.feature!r} is the mean of {target} over {groups} (median "
            f"{int(d.get('median_group_rows', 0))} rows) and alone predicts it ({measure} "
            f"{v.score:.3f}); "
            f"with each row's own label left out it reaches {measure} "
            f"{float(d.get('loo_power', 0)):.3f}"
        )
    if v.how == "future":
        offset = int(d.get("offset", 0))
        if float(d.get("weight_share", 1.0)) >= 1.0:
            later = "the next row" if offset == 1 else f"the row {offset} rows later"
            return f"{v.feature!r} equals {target} of {later} (in the rows' time order)"
        return (
            f"{v.feature!r} is a window over {target} that reaches into later rows "
            f"({float(d.get('weight_share', 0)):.0%} of its weight, up to {offset} rows ahead)"
        )
    if v.how == "own-window":
        return (
            f"{v.feature!r} is a window over {target} that includes each row's own value "
            f"({float(d.get('weight_share', 0)):.0%} of its weight)"
        )
    if v.how == "identifier":
        says = (
            f"; alone it predicts {target} ({measure} {v.score:.3f})"
            if v.verdict != "identifier"
            else ""
        )
        return f"{v.feature!r} is an identifier (distinct per row or per entity){says}"
    return f"{v.feature!r} alone predicts {target} with {measure} {v.score:.3f}{beside}"
