"""``%mlcheck impact [MODEL ...]``: what each leak attached to a model costs.

For each model, :mod:`.impact_setup` finds how it was fitted and evaluated
(the objects read again from the user's namespace, checked to be still what
it was fitted on), :mod:`.impact_leaks` picks the open findings attached to
it, and :func:`ml_lint_nb.impact.measure.measure` refits clones on copies. What it
measured is shown under the prompt, both scores side by side, and stays on
the findings in the session's open list.

Nothing here runs from the hook: only ``%mlcheck impact`` (and
``ml-lint-nb check --execute --impact``, which types it) refits.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ml_lint_nb.facts.live import model_calls
from ml_lint_nb.facts.live.estimators import is_fitted
from ml_lint_nb.facts.static.values import EstV
from ml_lint_nb.findings import Finding
from ml_lint_nb.impact.measure import Settings, measure
from ml_lint_nb.impact.plan import Refusal
from ml_lint_nb.impact.verdict import Thresholds
from ml_lint_nb.ipython.impact_leaks import leaks_of
from ml_lint_nb.ipython.impact_setup import resolve

if TYPE_CHECKING:
    from ml_lint_nb.ipython.session import LiveSession

OPTIONS = {"--metric", "--X", "--y"}
SHOW_PROGRESS_AFTER = 1.0  # seconds: a measurement quicker than this shows no progress line


def impact(session: LiveSession, names: list[str], options: dict[str, str]) -> None:
    """Measure the leaks attached to each named model (each model of the session if none).

    A named model that cannot be measured is one line (raised as
    :class:`Refusal` when it is the only one, for the caller to print);
    otherwise the findings with both scores are shown under the prompt.
    """
    if ("--X" in options) != ("--y" in options):
        raise Refusal("--X and --y go together")
    explicit = bool(names)
    if not names:
        names = models_of(session)
        if not names:
            print("ml-lint-nb: no fitted model in this session to measure.")
            return
    if len(names) > 1 and "--X" in options:
        raise Refusal("--X/--y go with one model")
    limits = session.limits
    seconds = float(getattr(limits, "impact_seconds", 60.0))
    settings = Settings(
        seconds=seconds,
        thresholds=Thresholds(material_gap=float(getattr(limits, "impact_material_gap", 0.01))),
        seed=limits.seed,
        budget=seconds,
    )
    progress = ProgressLine()
    measured: list[Finding] = []
    measured_models: list[str] = []
    notes: list[str] = []
    start = time.perf_counter()
    cancelled = False
    measured_any = False  # a model has had its refits (the first always gets its leaky refit)
    for name in names:
        try:
            resolved = resolve(session, name, options)
            leaks = leaks_of(session, name, resolved)
        except Refusal as exc:
            if explicit and len(names) == 1:
                raise Refusal(f"impact of {name}: {exc}") from None
            if explicit or _named_by_a_finding(session, name):
                notes.append(f"{name} not measured: {exc}")
            continue
        if not leaks:
            if explicit:
                notes.append(f"{name}: no leak or evaluation finding is attached to it")
            continue
        left = seconds - (time.perf_counter() - start)
        if left <= 0 and measured_any:
            notes.append(
                f"{name} not measured: the {seconds:g} s budget went to the models before it"
            )
            continue
        measured_any = True
        report = measure(resolved.setup, leaks, replace(settings, seconds=max(left, 0.0)), progress)
        measured.extend(report.measured)
        if report.measured:
            measured_models.append(name)
        notes.extend(report.notes)
        if report.cancelled:
            cancelled = True
            break
    progress.close()
    if measured:
        _keep(session, measured)
        title = "impact on " + ", ".join(measured_models)
        session.publish(measured, [], notes, record=False, title=title)
        return
    if not notes and not cancelled:
        notes.append(
            "no leak or evaluation finding is attached to "
            + (", ".join(names) if explicit else "any model of this session")
        )
    for note in notes:
        print(f"ml-lint-nb: {note}")


def _named_by_a_finding(session: LiveSession, name: str) -> bool:
    """An open finding names the model (its subject or its message), so its refusal matters.

    Without names, every model of the session is tried; one that no finding
    is about (a helper model, a search never scored) stays silent.
    """
    return any(name in f.subject or f" {name} " in f" {f.message} " for f in session.open.values())


def _keep(session: LiveSession, measured: list[Finding]) -> None:
    """The open findings carry their impact from now on (``%mlcheck`` lists them with it)."""
    for ident, f in list(session.open.items()):
        for g in measured:
            if g.code == f.code and g.subject == f.subject and g.message == f.message:
                session.open[ident] = replace(f, impact=g.impact)


def models_of(session: LiveSession) -> list[str]:
    """Names holding a fitted model the session saw being fitted, in the order of their fits."""
    ns = session.shell.user_ns
    out: list[str] = []
    for p in session.interp.protos:
        if p.kind != "fit":
            continue
        name = getattr(p.args.get("estimator"), "binding", None)
        if not name or name in out or name not in ns:
            continue
        if (
            "transformer" in p.args["estimator"].kinds
            and "pipeline" not in p.args["estimator"].kinds
        ):
            continue
        if model_calls.is_model(ns[name]) and is_fitted(ns[name]):
            out.append(name)
    for name, value in session.interp.env.items():  # clf = SVC().fit(...): bound after the fit
        if (
            isinstance(value, EstV)
            and value.fit_record is not None
            and name not in out
            and name in ns
            and model_calls.is_model(ns[name])
            and "transformer" not in value.info.kinds
        ):
            out.append(name)
    return out


class ProgressLine:
    """A progress line under the prompt, shown only once the refits have run for a second.

    It advances between refits (a refit itself cannot report progress) and
    ends as one muted line saying what ran and for how long.
    """

    def __init__(self, clock: Callable[[], float] = time.perf_counter) -> None:
        """Nothing shown yet; ``clock`` tells the seconds."""
        self.clock = clock
        self.start = clock()
        self.handle: Any = None
        self.done = 0

    def __call__(self, done: int, total: int, what: str) -> None:
        """Show (or update) the line when the measurement has run for a second."""
        self.done = max(self.done, done)
        elapsed = self.clock() - self.start
        if self.handle is False or (self.handle is None and elapsed < SHOW_PROGRESS_AFTER):
            return
        text = f"ml-lint-nb impact: {_bar(done, total)} {done}/{total} refits, {elapsed:.0f} s · {what}"
        self._show(text, 0 if total <= 0 else min(1.0, done / total))

    def close(self) -> None:
        """Leave one muted line saying what ran (nothing if nothing was shown)."""
        if not self.handle:
            return
        elapsed = self.clock() - self.start
        refits = f"{self.done} refit" + ("" if self.done == 1 else "s")
        self._show(f"ml-lint-nb impact: {refits} in {elapsed:.1f} s", None)

    def _show(self, text: str, share: float | None) -> None:
        """Display (first time) or update the line; a bar while ``share`` is given."""
        from html import escape

        bar = ""
        if share is not None:
            bar = (
                '<span style="display:inline-block;width:120px;height:8px;border:1px solid '
                'rgba(127,127,127,0.6);margin-right:6px"><span style="display:block;height:8px;'
                f'width:{round(100 * share)}%;background:rgba(127,127,127,0.8)"></span></span>'
            )
        html = f'<div style="font-size:0.85em;opacity:0.8">{bar}{escape(text)}</div>'
        bundle = {"text/plain": text, "text/html": html}
        try:
            if self.handle is None:
                from IPython.display import display

                self.handle = display(bundle, raw=True, display_id=True)
            else:
                self.handle.update(bundle, raw=True)
        except Exception:
            self.handle = False  # no front end to show it: carry on silently


def _bar(done: int, total: int, width: int = 20) -> str:
    filled = 0 if total <= 0 else min(width, round(width * done / total))
    return "[" + "#" * filled + "." * (width - filled) + "]"


__all__ = ["OPTIONS", "ProgressLine", "impact", "models_of"]
