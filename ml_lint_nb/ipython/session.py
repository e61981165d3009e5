"""The live session: after each cell, the cell's code and the objects it touched become findings.

One :class:`LiveSession` per kernel. It keeps its own incremental dataflow
(the static interpreter, fed cells in execution order), asks its
:class:`~ml_lint_nb.ipython.collect.Collector` about the objects a cell
bound, fitted, split or scored, runs the one rule set over both kinds of
facts, and shows what is new under the cell. ``%mlcheck`` reaches the rules
the same way (:meth:`LiveSession.check_on_demand`). The hook never raises
into the user's cell: internal errors are kept for ``%mlcheck debug`` and
announced once.
"""

from __future__ import annotations

import ast
import hashlib
import re
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ml_lint_nb.config import Config, ConfigError, find_config
from ml_lint_nb.engine import rules_for, run_rules
from ml_lint_nb.facts.live import safe
from ml_lint_nb.facts.live.limits import LiveLimits
from ml_lint_nb.facts.live.values import LiveData, describe_value
from ml_lint_nb.facts.model import Fact
from ml_lint_nb.facts.static.extract import Finaliser
from ml_lint_nb.facts.static.interpreter import Interpreter, Proto, SplitToken
from ml_lint_nb.facts.static.ipython_syntax import neutralise
from ml_lint_nb.facts.static.values import DataV, EstV, LitV
from ml_lint_nb.facts.store import FactStore
from ml_lint_nb.findings import COLUMNS, Finding, Location, Note, merge_findings
from ml_lint_nb.ipython.cache import MISS, LiveCache
from ml_lint_nb.ipython.collect import Collector
from ml_lint_nb.ipython.data_names import data_name_facts
from ml_lint_nb.ipython.display import publish_findings
from ml_lint_nb.suppressions import parse_cell_disable, parse_noqa

# a column taken inline, as the static reader names it: test['churn']
_COLUMN_OF = re.compile(r"^([A-Za-z_]\w*)\[(['\"])(.+)\2\]$")

__all__ = ["MISS", "LiveSession", "cell_key"]

MAX_PROTOS = 5000  # the session's dataflow memory; older events are forgotten first
MAX_SUPERSEDED = 30  # estimators no name holds any more whose events are remembered
MAX_SEEN_VERSIONS = 2000  # binding versions whose measured summaries are remembered
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PLAIN_NUMBERS = (int, float, bool, type(None))


@dataclass
class CellRun:
    """What one execution of a cell left behind."""

    key: str
    execution_count: int | None
    identities: set[tuple] = field(default_factory=set)
    source: str = ""  # a digest of the code that ran


class LiveSession:
    """State of ml-lint-nb in one kernel; see the module docstring."""

    def __init__(self, shell: Any, config: Config | None = None, recorder: Any = None) -> None:
        """A session for ``shell``: the configuration found from the working directory unless
        given, and the warnings ``recorder`` the extension installed at load."""
        self.shell = shell
        self.enabled = True
        self.notes: list[str] = []  # before the configuration, which may add one
        self.interp = Interpreter()
        self.interp.resolve_free = self._resolve_free
        self.config = config if config is not None else self._load_config()
        settings = dict(self.config.live)
        self.display_mode = settings.pop("display", "html")
        limits = replace(LiveLimits(), **settings)
        self.open: dict[tuple, Finding] = {}
        self.runs: dict[str, CellRun] = {}
        self.ignored: set[str] = set()
        self.errors: list[str] = []
        self.error_announced = False
        self.recorder = recorder if recorder is not None else _make_recorder()
        self.last_hook_ms = 0.0
        self.sources: dict[str, list[str]] = {}  # cell key -> source lines, for # noqa
        self.count_to_key: dict[int | None, str] = {}
        self._live_cache = LiveCache()
        self.collector = Collector(shell, self.interp, self._live_cache, limits, self._note)
        # where each open finding belongs: the cell whose code it is located in
        # (re-running that cell without it fixes it) and the cell whose output
        # showed it (re-running that cell shows it in full again)
        self.owner_of: dict[tuple, str | None] = {}
        self.shown_under: dict[tuple, str | None] = {}
        self.last_count: int | None = None  # the prompt number of the last cell run
        self.on_demand: dict[str, set[tuple]] = {}  # "%mlcheck df" -> the findings it opened
        # counts, class shares and scales the kernel measured for each binding version (small
        # summaries, never the objects), oldest first
        self._seen_versions: dict[str, LiveData | None] = {}

    # ------------------------------------------------------------- set-up
    @property
    def limits(self) -> LiveLimits:
        """The caps of every reading of the user's objects (``%mlcheck config`` changes them)."""
        return self.collector.limits

    @limits.setter
    def limits(self, value: LiveLimits) -> None:
        """New caps, for every reading from now on (the collector reads with them)."""
        self.collector.limits = value

    def _load_config(self) -> Config:
        """The configuration found from the kernel's working directory (defaults if broken)."""
        try:
            return find_config(Path.cwd())
        except ConfigError as exc:
            self.notes.append(f"configuration ignored: {exc}")
            return Config()
        except Exception:
            return Config()

    # --------------------------------------------------------------- hook
    def post_run_cell(self, result: Any = None) -> None:
        """IPython's post_run_cell callback. Never raises."""
        start = time.perf_counter()
        try:
            if result is None:
                result = getattr(self.shell, "last_execution_result", None)
            self._after_cell(result)
        except KeyboardInterrupt:  # Ctrl-C while the hook ran: cancel the hook, keep the cell
            self.notes.append("ml-lint-nb: checks of this cell interrupted")
        except BaseException:  # SystemExit from a user's property must not end the kernel
            self._internal_error()
        finally:
            self.last_hook_ms = (time.perf_counter() - start) * 1000

    def _after_cell(self, result: Any) -> None:
        """What :meth:`post_run_cell` does, unguarded: skip what is not a cell of the user's
        that ran to completion, then analyse it and show what is new."""
        warnings_seen = self.recorder.drain() if self.recorder is not None else []
        if result is None:
            return
        if getattr(result, "execution_count", None) is not None:
            self.last_count = result.execution_count
        if not self.enabled:
            return
        info = getattr(result, "info", None)
        if info is None or getattr(info, "silent", False):
            return
        if (
            getattr(result, "error_in_exec", None) is not None
            or getattr(result, "error_before_exec", None) is not None
        ):
            return
        raw = getattr(info, "raw_cell", None) or ""
        if not raw.strip():
            return
        cell_id = getattr(info, "cell_id", None)
        count = getattr(result, "execution_count", None)
        if not warnings_seen and self._inert(raw, cell_id):
            return
        findings = self.analyse_cell(raw, cell_id, count, warnings_seen)
        self.show(findings, raw, cell_id, count)

    def _inert(self, raw: str, cell_id: str | None) -> bool:
        """A cell that can touch no ML object (``x = 1``, a loop of prints): skip it unparsed.

        Most cells of a session are such; the hook's cost on them is the
        price of having it loaded at all, so they must cost next to nothing.
        Every word of the source (comments and strings included, so a
        ``df`` anywhere counts) must be a name the session's dataflow does
        not know, holding nothing in the kernel or a plain number. Names
        bound to numbers are told to the dataflow directly (a seed used
        later as ``random_state=seed``). Not inert: a cell whose earlier run
        left findings (a re-run that drops them fixes them), pending notes.
        """
        if self.notes:
            return False
        ns = getattr(self.shell, "user_ns", None)
        if not isinstance(ns, dict):
            return False
        env = self.interp.env
        numbers = []
        for word in set(_WORD.findall(raw)):
            if word in env and not isinstance(env[word], LitV):
                return False
            if word not in ns:
                continue
            value = ns[word]
            if type(value) not in _PLAIN_NUMBERS:
                return False
            numbers.append((word, value))
        key = cell_key(raw, cell_id)
        previous = self.runs.get(key)
        if previous is not None and previous.identities:
            return False
        for word, value in numbers:
            env[word] = LitV(value)
        return True

    def analyse_cell(
        self, raw: str, cell_id: str | None, count: int | None, warnings_seen: list | None = None
    ) -> list[Finding] | None:
        """Interpret the cell, gather live facts, run the rules; findings located in this cell."""
        python, _skip = neutralise(raw)
        if python is None:
            return None
        try:
            tree = ast.parse(python)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None
        key = cell_key(raw, cell_id)
        previous = self.runs.get(key)
        n_before = len(self.interp.protos)
        splits_before = len(self.interp.splits)
        self.interp.run_cell(tree, None, cell_id, cell_key=key, execution_count=count)
        self.interp.flush_splits()
        new_protos = self.interp.protos[n_before:]
        new_splits = self.interp.splits[splits_before:]
        if previous is not None:
            self._forget_run(previous, new_protos)
            self.collector.recheck_frames()
        self._trim()
        where = Location(cell=None, cell_id=cell_id, line=1, execution_count=count)
        touched = (
            new_protos
            or new_splits
            or warnings_seen
            or any(isinstance(self.interp.env.get(n), DataV | EstV) for n in self.interp._defs)
        )
        if not touched:  # `x = 1`, a print, a plot: nothing for the rules, stay invisible and cheap
            self.sources[key] = raw.splitlines()
            self.count_to_key[count] = key
            return []
        live = self.live_facts(new_protos, new_splits, where, warnings_seen or [], tree)
        if not new_protos and not new_splits and not live:
            return []
        self.interp.finish()
        facts = Finaliser(self.interp, live=self._resolve).facts()
        found = self.findings_of([*facts, *live], modes=("static", "live"))
        self.sources[key] = raw.splitlines()
        self.count_to_key[count] = key
        return merge_findings(self._suppress(found))

    # ---------------------------------------------------------------- rules
    def findings_of(self, facts: list[Fact], modes: tuple[str, ...]) -> list[Finding]:
        """The one way this session runs rules: the engine's, over one store of ``facts``.

        A cell's facts (``modes`` static and live) are judged by the live
        rules and, beside them, the static rules; ``%mlcheck``'s (live only)
        by the live rules. The configuration picks the rules; a rule that
        fails is kept for ``%mlcheck debug``.
        """
        ns = getattr(self.shell, "user_ns", None)
        names = data_name_facts(facts, self.interp.env, ns if isinstance(ns, dict) else {})
        store = FactStore([*facts, *names], modes=modes)
        rules, _ = rules_for(self.config, None, "live")
        if "static" in modes:
            static_rules, _ = rules_for(self.config, None, "static")
            seen_codes = {r.code for r in rules}
            rules = rules + [r for r in static_rules if r.code not in seen_codes]
        found, notes = run_rules(store, rules)
        for n in notes:
            self.errors.append(n.message)
        return found

    def check_on_demand(
        self, check: str, facts: list[Fact], notes: Sequence[str] = (), line: str = ""
    ) -> bool:
        """``%mlcheck``'s facts judged like a cell's, shown under the prompt and kept as open.

        ``check`` names the on-demand check (``"%mlcheck df"``): running it
        again replaces what it found before, so a fixed frame leaves the open
        list. The session's ignores, the configuration's selection and
        severities, and a ``# noqa`` on the magic's ``line`` apply as they do
        to a cell's findings. False when nothing was found (the caller says so
        in its words).
        """
        found = self._suppress(self.findings_of(facts, modes=("live",)), noqa_line=line)
        if not found:
            self.record([], check)  # what an earlier run of this check found is fixed
            return False
        self.publish(found, [], list(notes), check=check)
        return True

    def mark_checked(self, name: str, target: str | None) -> None:
        """A frame ``%mlcheck`` checked: later fits on it report only what is new."""
        self.collector.mark_checked(name, target)

    # ------------------------------------------------------- live evidence
    def _resolve(self, d: DataV) -> LiveData | None:
        """Kernel evidence for a named value whose binding is still the one the code made."""
        if not d.name and d.pred_est is None:
            return self.collector.unnamed_evidence(d)  # train[features] as a fit received it
        if not d.name or d.pred_est is not None:
            return None
        current = self.interp.env.get(d.name)
        if not isinstance(current, DataV) or current.version != d.version:
            # rebound since (a split run again): what the kernel saw of this version still
            # holds for the events that used it, so their verdicts do not change
            if d.version in self._seen_versions:
                return self._seen_versions[d.version]
            return self._resolve_column(d)
        ns = getattr(self.shell, "user_ns", {})
        obj = ns.get(d.name)
        if obj is None:
            return None
        cache_key = ("value", d.version)
        hit = self.cache_get(cache_key, obj)
        if hit is not MISS:
            return hit
        as_target = d.column is not None or safe.ndim(obj, 2) == 1
        seen = safe.call(describe_value, obj, d.name, as_target, self.limits)
        self.cache_put(cache_key, obj, seen)
        if d.version is not None:
            self._seen_versions[d.version] = seen
            while len(self._seen_versions) > MAX_SEEN_VERSIONS:
                del self._seen_versions[next(iter(self._seen_versions))]
        return seen

    def _resolve_column(self, d: DataV) -> LiveData | None:
        """``test['churn']`` handed to a metric: that column of the frame the code names.

        A column taken inline has no binding of its own, so without this the
        labels a metric was computed on (and their class balance) stayed
        unknown unless the user had bound them to a name first.
        """
        m = _COLUMN_OF.match(d.name or "")
        if d.column is None or d.version is not None or m is None or m.group(3) != d.column:
            return None
        base = self.interp.env.get(m.group(1))
        obj = getattr(self.shell, "user_ns", {}).get(m.group(1))
        if not isinstance(base, DataV) or obj is None or safe.kind(obj) != "frame":
            return None
        if safe.ndim(obj, 1) != 2:
            return None
        key = ("column", base.version, d.column)
        hit = self.cache_get(key, obj)
        if hit is not MISS:
            return hit

        def read() -> LiveData | None:
            """The column read from the admitted frame (run through ``safe.call``)."""
            view = safe.admit_or_none(obj)
            cols = safe.columns(obj)
            if view is None or cols is None or d.column not in cols:
                return None
            return describe_value(view[d.column], d.name or "", True, self.limits)

        seen = safe.call(read)
        self.cache_put(key, obj, seen)
        return seen

    def cache_get(self, key: tuple, obj: Any) -> Any:
        """A cached summary of ``obj``, if it is still the very object summarised (else MISS)."""
        return self._live_cache.get(key, obj)

    def cache_put(self, key: tuple, obj: Any, value: Any) -> None:
        """Cache a summary of ``obj`` under ``key`` (by weak reference: never the object)."""
        self._live_cache.put(key, obj, value)

    def _resolve_free(self, name: str) -> Any:
        """A name the session never saw defined: imported or built before ``%load_ext``."""
        from ml_lint_nb.ipython.kernel_names import value_for

        try:
            return value_for(name, getattr(self.shell, "user_ns", {}))
        except Exception:
            return None

    def live_facts(
        self,
        protos: list[Proto],
        splits: list[SplitToken],
        where: Location,
        warnings_seen: list,
        tree: ast.AST | None = None,
    ) -> list[Fact]:
        """Facts only the kernel can give about what this cell (parsed as ``tree``) touched."""
        try:
            return self.collector.collect(protos, splits, where, warnings_seen, tree)
        except Exception:
            self._internal_error()
            return []

    # -------------------------------------------------------- bookkeeping
    def _forget_run(self, previous: CellRun, new_protos: list[Proto]) -> None:
        """A re-run replaces the cell's earlier events, except configurations it evaluated.

        Those stay so that ML205 sees a cell re-run with new hyperparameters
        as a second configuration scored on the same test set.
        """
        old_count = previous.execution_count
        new_configs = {
            p.args["estimator"].config_key()
            for p in new_protos
            if p.kind == "evaluation" and p.args.get("estimator") is not None
        }
        new_ids = {id(p) for p in new_protos}

        def keep(p: Proto) -> bool:
            """Events of other runs, and this cell's evaluations of other configurations."""
            if p.location.execution_count != old_count or id(p) in new_ids:
                return True
            est = p.args.get("estimator") if p.kind == "evaluation" else None
            return est is not None and est.config_key() not in new_configs

        self.interp.protos = [p for p in self.interp.protos if keep(p)]
        self.interp.splits = [
            t for t in self.interp.splits if t.location.execution_count != old_count
        ]

    def _trim(self) -> None:
        """Bound the dataflow memory, so each cell costs the same after thousands of cells.

        Every cell re-finalises and re-checks the session's events, so their
        number is the hook's cost per cell. Events of estimators no name
        holds any more (``clf = Model(C=...)`` re-run with new values, a
        search over configurations by hand) are history: the most recent
        ``MAX_SUPERSEDED`` such estimators are kept (ML205 counts them), older
        ones are forgotten.
        """
        self.interp.protos = _forget_superseded(self.interp.protos, self.interp.env)
        if len(self.interp.protos) > MAX_PROTOS:
            self.interp.protos = self.interp.protos[-MAX_PROTOS:]
        if len(self.interp.splits) > MAX_PROTOS // 10:
            self.interp.splits = self.interp.splits[-(MAX_PROTOS // 10) :]

    def _suppress(self, findings: list[Finding], noqa_line: str | None = None) -> list[Finding]:
        """What the notebook's static run silences, silenced here too (one story everywhere).

        Session ignores, the configuration, a ``# ml-lint-nb: disable=...``
        header of the finding's own cell and a ``# noqa`` on its line, read
        the way :func:`~ml_lint_nb.suppressions.filter_suppressed` reads them.
        ``noqa_line`` is the line of an on-demand check (``%mlcheck train test
        # noqa: ML209``), where its findings are located.
        """
        enabled = self.config.enabled_codes(None)
        out = []
        for f in findings:
            if f.code in self.ignored or f.code not in enabled:
                continue
            if noqa_line is not None:
                text: str | None = noqa_line
            else:
                lines = self.sources.get(self.count_to_key.get(f.location.execution_count, ""), [])
                if f.code in parse_cell_disable("\n".join(lines)):
                    continue
                line = f.location.line
                text = lines[line - 1] if line is not None and 0 < line <= len(lines) else None
            if text is not None:
                codes = parse_noqa(text)
                if codes is not None and f.code in codes:
                    continue
            override = self.config.severity_override(f.code)
            out.append(replace(f, severity=override) if override is not None else f)
        return out

    # ------------------------------------------------------------ display
    def show(
        self, findings: list[Finding] | None, raw: str, cell_id: str | None, count: int | None
    ) -> None:
        """Each finding in full under the cell that showed it first, on every run of that cell.

        A finding new to the session is shown in full under this cell (it may
        be located in an earlier cell: the fit whose split came later; this
        cell completed its evidence). A re-run of the cell that showed it,
        Run All without a restart included, shows it in full again, so the
        saved output under that cell always explains itself. Other cells stay
        silent about it, unless this cell changed its severity (a choice made
        on scores shown before turns "info" into "warning"): then it is shown
        in full here, so the latest output, the panel and ``%mlcheck`` tell
        one severity. A re-run of the cell a finding is located in that no
        longer produces it fixes it: it leaves the session's open list, and a
        note under the cell says so (a front end drops the finding's static
        twin on it).
        """
        if findings is None:
            return
        key = cell_key(raw, cell_id)
        now: dict[tuple, Finding] = {}
        for f in findings:
            now[self.identity(f, self._owner(f, key))] = f
        source = _digest(raw)
        previous = self.runs.get(key)
        edited = previous is not None and previous.source != source
        fixed: list[Finding] = []
        for ident in [i for i, owner in self.owner_of.items() if owner == key and i not in now]:
            if edited and ident in self.open:
                fixed.append(self.open[ident])  # the user changed this code: say what it fixed
            self._close(ident)  # fixed by this re-run
        full: list[Finding] = []
        for ident, f in now.items():
            if ident not in self.open and self._covered(ident):
                continue  # a slice of a frame whose finding already names these columns
            old = self.open.get(ident)
            if old is None:
                self.shown_under[ident] = key
                self.owner_of[ident] = self._owner(f, key)
            elif old.severity != f.severity:
                self.shown_under[ident] = key  # its verdict changed here: shown here
            if self.shown_under.get(ident) == key:
                full.append(f)
            elif old is not None:
                # seen again from another cell: the finding the user saw, with this place added
                merged = merge_findings([old, f])
                f = merged[0] if len(merged) == 1 else replace(f, location=old.location)
            self.open[ident] = f
        self.runs[key] = CellRun(key, count, set(now), source)
        notes = [fixed_note(f) for f in fixed]
        if full or notes or self.notes:
            self.publish(full, [], notes, record=False)

    def _covered(self, ident: tuple) -> bool:
        """An open finding of the same code already covers these columns (same merge rule)."""
        if len(ident) != 2 or not isinstance(ident[1], tuple) or ident[1][:1] != (COLUMNS,):
            return False
        cols = set(ident[1][1:])
        return any(
            len(other) == 2
            and other[0] == ident[0]
            and isinstance(other[1], tuple)
            and other[1][:1] == (COLUMNS,)
            and cols < set(other[1][1:])
            for other in self.open
        )

    def _owner(self, f: Finding, key: str) -> str:
        """The cell a finding is located in (by its execution count), else the cell just run."""
        return self.count_to_key.get(f.location.execution_count, key)

    def _close(self, ident: tuple) -> None:
        """A finding is fixed: it leaves the open list and its owners."""
        self.open.pop(ident, None)
        self.owner_of.pop(ident, None)
        self.shown_under.pop(ident, None)

    @staticmethod
    def identity(f: Finding, key: str | None) -> tuple:
        """The finding's identity (code + subject); without a subject, its cell and line.

        ``key`` stands in for the cell: a live finding's cell id can be a
        per-run key that a re-run would change.
        """
        return f.identity() if f.subject else (f.code, key, f.location.line)

    def prompt_number(self) -> int | None:
        """The prompt number of the cell running now, as the user sees it (``In [7]``).

        IPython versions differ in when ``execution_count`` advances, so the
        last number the hook saw, plus one, caps it.
        """
        count = getattr(self.shell, "execution_count", None)
        if self.last_count is not None and (count is None or count > self.last_count + 1):
            return self.last_count + 1
        return count

    def record(self, findings: list[Finding], check: str | None = None) -> list[Finding]:
        """On-demand findings (``%mlcheck df``) join the open list, at the prompt the user sees.

        The one way such findings enter the session. ``check`` names the
        on-demand check (``"%mlcheck df"``): running it again replaces what it
        found before, so a fixed frame leaves the list. A finding already open
        from a cell (the same code, subject and text) is not listed twice.
        """
        prompt = self.prompt_number()
        if check is not None:
            for ident in self.on_demand.pop(check, set()):
                if self.owner_of.get(ident, None) is None and ident in self.open:
                    self._close(ident)
        known = {(f.code, f.subject, f.message) for f in self.open.values()}
        mine: set[tuple] = set()
        out = []
        for f in findings:
            if prompt is not None and f.location.execution_count != prompt:
                f = replace(f, location=replace(f.location, execution_count=prompt))
            ident = self.identity(f, check or self.count_to_key.get(prompt))
            if ident not in self.open and (f.code, f.subject, f.message) not in known:
                self.open[ident] = f
                self.owner_of[ident] = None
                self.shown_under[ident] = None
                mine.add(ident)
            out.append(f)
        if check is not None:
            self.on_demand[check] = mine
        return out

    def publish(
        self,
        new: list[Finding],
        still: list[Finding] | None = None,
        notes: Sequence[str | Note] | None = None,
        *,
        record: bool = True,
        check: str | None = None,
        title: str | None = None,
    ) -> None:
        """Show ``new`` in full under the running cell.

        Called by ``%mlcheck`` commands too: what they find is recorded as
        open (``record``), merged by identity, with the prompt number the user
        sees. ``still`` is kept for callers of the older signature and shown
        as one line. ``title`` names the output (``impact on model``).
        """
        if record:
            new = self.record(merge_findings(new), check)
        notes = list(notes or [])
        if self.notes:
            notes.extend(self.notes)
            self.notes = []
        publish_findings(
            new,
            list(still or []),
            notes,
            widgets=self.display_mode == "widgets",
            on_silence=self.ignored.add,
            title=title,
        )

    def _note(self, text: str) -> None:
        """A line to show under the next findings (a check deferred to ``%mlcheck``)."""
        self.notes.append(text)

    def _internal_error(self) -> None:
        """Keep the traceback for ``%mlcheck debug``; announce the first one under the cell."""
        self.errors.append(traceback.format_exc(limit=6))
        if len(self.errors) > 50:
            del self.errors[:-50]
        if not self.error_announced:
            self.error_announced = True
            self.notes.append(
                "ml-lint-nb hit an internal error and skipped a check (details: %mlcheck debug)"
            )


def fixed_note(f: Finding) -> Note:
    """The note an edited cell's run leaves when it no longer produces a finding located in it.

    Only after an edit: an unchanged re-run that misses a finding says
    nothing (the kernel's evidence may simply not have been read again).
    """
    return Note(
        f"{f.code} {f.name} no longer found: fixed by this change",
        code=f.code,
        subject=f.subject,
        status="fixed",
    )


def _forget_superseded(protos: list[Proto], env: dict[str, Any]) -> list[Proto]:
    """``protos`` without the events of all but the last ``MAX_SUPERSEDED`` unbound estimators."""
    current = {v.info.est_id for v in env.values() if isinstance(v, EstV)}
    order: dict[str, int] = {}  # superseded estimator -> position of its last event
    for i, p in enumerate(protos):
        est = p.args.get("estimator")
        est_id = getattr(est, "est_id", None)
        if isinstance(est_id, str) and est_id not in current:
            order[est_id] = i
    if len(order) <= MAX_SUPERSEDED:
        return protos
    dropped = set(sorted(order, key=order.__getitem__)[: len(order) - MAX_SUPERSEDED])
    return [p for p in protos if getattr(p.args.get("estimator"), "est_id", None) not in dropped]


def _digest(raw: str) -> str:
    """A short digest of a cell's code, to tell an edited re-run from an unchanged one."""
    return hashlib.sha1(raw.encode("utf-8", "replace")).hexdigest()[:16]


def cell_key(raw: str, cell_id: str | None) -> str:
    """A cell across re-runs: its id when the front end sends one, else its source."""
    return cell_id or "src:" + hashlib.sha1(raw.encode("utf-8", "replace")).hexdigest()[:12]


def _make_recorder() -> Any:
    """A warnings recorder for a session built without the extension's (tests, scripts)."""
    try:
        from ml_lint_nb.facts.live.warnings_capture import WarningRecorder
    except ImportError:
        return None
    return WarningRecorder()
