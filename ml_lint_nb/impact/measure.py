"""Measure what each leak attached to a model costs: both scores, and a verdict.

:func:`measure` copies the model's data, fits the *leaky* refit once (a
clone fitted as the notebook fitted the model), then runs each leak's
honest refit (:mod:`ml_lint_nb.impact.strategies`), scores both with the
notebook's metric and judges the difference against the noise of the
evaluation rows (:mod:`ml_lint_nb.impact.verdict`). A leak that cannot be
measured, the budget running out and Ctrl-C each end as one line in
:attr:`Report.notes`; what was measured by then is kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from ml_lint_nb.findings import Finding, Impact
from ml_lint_nb.impact import data
from ml_lint_nb.impact.plan import Leak, Refusal, Setup
from ml_lint_nb.impact.refits import BudgetExceeded, Progress, Refits, clone_of, unseeded
from ml_lint_nb.impact.strategies import PLANNED, STRATEGIES, Context, Honest
from ml_lint_nb.impact.verdict import (
    Thresholds,
    difference_interval,
    interval_level,
    judge,
    within_noise,
)

DEFAULT_SECONDS = 60.0


@dataclass(frozen=True)
class Settings:
    """The time left (``seconds``), the verdict's bars and the seed of the refits.

    ``budget`` is the configured ``impact_seconds`` that messages quote,
    when ``seconds`` is what is left of it for this model.
    """

    seconds: float = DEFAULT_SECONDS
    thresholds: Thresholds = field(default_factory=Thresholds)
    seed: int = 0
    budget: float | None = None

    @property
    def configured(self) -> float:
        """The budget as configured."""
        return self.seconds if self.budget is None else self.budget


@dataclass
class Report:
    """What one measurement gave: findings with their impact, and lines for the rest."""

    measured: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    cancelled: bool = False
    out_of_time: bool = False
    refits: int = 0
    seconds: float = 0.0


def measure(
    setup: Setup,
    leaks: list[Leak],
    settings: Settings | None = None,
    progress: Progress | None = None,
) -> Report:
    """Both scores and a verdict for each leak; never raises for a leak or a refit that fails.

    ``KeyboardInterrupt`` ends the measurement with :attr:`Report.cancelled`
    set; nothing of the user's was changed, so there is nothing to undo.
    """
    settings = settings or Settings()
    report = Report()
    planned = 1 + sum(PLANNED.get(leak.kind, 1) for leak in leaks if leak.refusal is None)
    refits = Refits(settings.seconds, planned, progress)
    ctx: Context | None = None
    try:
        ctx = _leaky(setup, refits, settings.seed)
        for i, leak in enumerate(leaks):
            if leak.refusal is not None:
                report.notes.append(f"{leak.title} not measured: {leak.refusal}")
                continue
            try:
                honest = STRATEGIES[leak.kind](ctx, leak)
            except BudgetExceeded:
                left = [lk.title for lk in leaks[i:] if lk.refusal is None]
                report.notes.append(_out_of_time(settings.configured, left))
                report.out_of_time = True
                break
            except Refusal as exc:
                report.notes.append(f"{leak.title} not measured: {exc}")
                continue
            except (MemoryError, RecursionError):
                raise
            except Exception as exc:
                report.notes.append(
                    f"{leak.title} not measured: the honest refit failed ({_short(exc)})"
                )
                continue
            impact = _impact(ctx, honest, settings)
            if impact is None:
                report.notes.append(f"{leak.title} not measured: the scores are not numbers")
                continue
            report.measured.append(replace(leak.finding, impact=impact))
    except KeyboardInterrupt:
        report.cancelled = True
        report.notes.append(
            f"impact of {setup.model_name} cancelled after {refits.done} refit(s); "
            "nothing of yours was changed"
        )
    except BudgetExceeded:
        report.out_of_time = True
        report.notes.append(_out_of_time(settings.configured, [lk.title for lk in leaks]))
    except Refusal as exc:
        report.notes.append(f"impact of {setup.model_name} not measured: {exc}")
    except (MemoryError, RecursionError):
        raise
    except Exception as exc:
        report.notes.append(
            f"impact of {setup.model_name} not measured: refitting it as the notebook did failed "
            f"({_short(exc)})"
        )
    finally:
        report.refits = refits.done
        report.seconds = refits.elapsed
        if not report.cancelled:
            refits.finish()
    if report.measured:
        if ctx is not None and reproduces(ctx) is False:
            report.notes.append(_not_reproduced(setup, settings.seed))
        if "ConvergenceWarning" in refits.warned:
            report.notes.append(
                "some refits did not converge (ConvergenceWarning), as the notebook's fit may not have"
            )
    return report


def _leaky(setup: Setup, refits: Refits, seed: int) -> Context:
    """Copies of the data and the leaky refit: the model fitted as the notebook fitted it."""
    from ml_lint_nb.impact.metrics import MetricError

    try:
        X_fit, y_fit = data.copy(setup.X_fit), data.copy(setup.y_fit)
        X_eval, y_eval = data.copy(setup.X_eval), data.values_1d(setup.y_eval)
    except data.DataError as exc:
        raise Refusal(str(exc)) from None
    model = refits.fit(clone_of(setup.model, seed), X_fit, y_fit, f"{setup.model_name} as fitted")
    try:
        pred = refits.quietly(lambda: _predict(model, X_eval, setup))
    except MetricError as exc:
        raise Refusal(str(exc)) from None
    return Context(setup, refits, seed, X_fit, y_fit, X_eval, y_eval, model, pred)


def _predict(model: Any, X: Any, setup: Setup) -> Any:
    """What the metric takes from ``model`` on a fresh copy of ``X``."""
    from ml_lint_nb.impact.metrics import predict

    return predict(model, data.copy(X), setup.metric)


def reproduces(ctx: Context) -> bool | None:
    """Whether the leaky refit predicts what the user's model predicts (None: cannot tell).

    The user's fitted model is only asked to predict, on a copy of the
    evaluation rows, as the hook itself does; it is not fitted or changed.
    """
    from ml_lint_nb.impact.strategies import same_predictions

    try:
        own = ctx.refits.quietly(lambda: _predict(ctx.setup.model, ctx.X_eval, ctx.setup))
    except Exception:
        return None
    return same_predictions(own, ctx.leaky_pred, loose=True)


def _impact(ctx: Context, honest: Honest, settings: Settings) -> Impact | None:
    """Both scores, the difference's interval and the verdict."""
    metric = ctx.metric
    score = metric.scorer()
    leaky_arm = ctx.leaky_arm()
    try:
        leaky = score(leaky_arm.y, leaky_arm.pred)
        honest_score = score(honest.arm.y, honest.arm.pred)
    except Exception:
        return None
    if leaky != leaky or honest_score != honest_score:
        return None
    method = honest.method
    if honest.same_predictions:
        method += " Both refits predict the same on every evaluation row."
    sign = 1.0 if metric.higher_is_better else -1.0
    seconds = min(settings.thresholds.bootstrap_seconds, max(ctx.refits.remaining(), 1.0))
    thresholds = replace(settings.thresholds, bootstrap_seconds=seconds)
    interval = difference_interval(leaky_arm, honest.arm, metric, sign, thresholds, settings.seed)
    verdict = judge(metric, leaky, honest_score, interval, thresholds)
    note = ""
    if verdict == "small" and within_noise(metric, leaky, honest_score, interval, thresholds):
        note = f"within the noise of {_rows(len(honest.arm.y))}"
    return Impact(
        metric=metric.label,
        leaky=round(leaky, 6),
        honest=round(honest_score, 6),
        verdict=verdict,
        method=method,
        evaluation_rows=honest.rows,
        leaky_label=honest.leaky_label,
        honest_label=honest.honest_label,
        n_leaky=int(len(leaky_arm.y)),
        n_honest=int(len(honest.arm.y)),
        difference=round(sign * (leaky - honest_score), 6),
        interval=None if interval is None else (round(interval[0], 6), round(interval[1], 6)),
        confidence=interval_level(thresholds),
        note=note,
    )


def _not_reproduced(setup: Setup, seed: int) -> str:
    """Why the leaky score may differ from the model's own, in one line."""
    if unseeded(setup.model):
        return (
            f"{setup.model_name} leaves random_state unset: every refit used "
            f"random_state={seed}, so the leaky score can differ a little from its own, and the "
            "two scores differ only by the leak"
        )
    return (
        f"refitted on {setup.fit_label} as the notebook did, {setup.model_name} does not predict "
        "exactly as the notebook's does (was it fitted with more: sample weights, an eval set, "
        "a refit in place?)"
    )


def _rows(n: int) -> str:
    return f"{n:,} evaluation row" + ("" if n == 1 else "s")


def _out_of_time(seconds: float, left: list[str]) -> str:
    what = ", ".join(left) if left else "the rest"
    return (
        f"not measured within the {seconds:g} s budget: {what} "
        f"(%mlcheck config impact_seconds={max(2 * seconds, 120):g} allows more)"
    )


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:160]}" if text else type(exc).__name__


__all__ = ["DEFAULT_SECONDS", "Report", "Settings", "measure"]
