"""The live session: after each cell, the cell's code and the objects it touched become findings.

One :class:`LiveSession` per kernel. It keeps its own incremental dataflow
(the static interpreter, fed cells in execution order), asks the live
extractors about the objects a cell bound, fitted, split or scored, runs the
one rule set over both kinds of facts, and shows what is new under the cell.
The hook never raises into the user's cell: internal errors are kept for
``%mlcheck debug`` and announced once.
"""

from __future__ import annotations

import ast
import hashlib
import time
import traceback
import weakref
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ml_lint_nb.config import Config, ConfigError, find_config
from ml_lint_nb.engine import merge_duplicates, rules_for, run_rules
from ml_lint_nb.facts.live.limits import LiveLimits
from ml_lint_nb.facts.live.values import LiveData, describe_value
from ml_lint_nb.facts.model import Fact
from ml_lint_nb.facts.static.extract import Finaliser
from ml_lint_nb.facts.static.interpreter import Interpreter, Proto, SplitToken
from ml_lint_nb.facts.static.ipython_syntax import neutralise
from ml_lint_nb.facts.static.values import DataV, EstV
from ml_lint_nb.facts.store import FactStore
from ml_lint_nb.findings import Finding, Location
from ml_lint_nb.suppressions import parse_noqa

MISS = object()  # a cache miss (None is a valid cached answer)
MAX_PROTOS = 5000  # the session's dataflow memory; older events are forgotten first


@dataclass
class CellRun:
    """What one execution of a cell left behind."""

    key: str
    execution_count: int | None
    identities: set[tuple] = field(default_factory=set)


class LiveSession:
    """State of ml-lint-nb in one kernel; see the module docstring."""

    def __init__(self, shell: Any, config: Config | None = None, recorder: Any = None) -> None:
        self.shell = shell
        self.enabled = True
        self.interp = Interpreter()
        self.interp.resolve_free = self._resolve_free
        self.config = config if config is not None else self._load_config()
        settings = dict(self.config.live)
        self.display_mode = settings.pop("display", "html")
        self.limits = replace(LiveLimits(), **settings)
        self.open: dict[tuple, Finding] = {}
        self.runs: dict[str, CellRun] = {}
        self.ignored: set[str] = set()
        self.errors: list[str] = []
        self.error_announced = False
        self.notes: list[str] = []
        self.recorder = recorder if recorder is not None else _make_recorder()
        self.last_hook_ms = 0.0
        self.sources: dict[str, list[str]] = {}  # cell key -> source lines, for # noqa
        self.count_to_key: dict[int | None, str] = {}
        self._live_cache: dict[tuple, Any] = {}
        self.summarised: set[str] = set()  # names whose frames the data checks have seen
        self.summarised_roots: set[str] = set()  # dataflow roots of those frames
        self.last_tree: ast.AST | None = None  # the cell being analysed
        self.unnamed_seen: dict[int, tuple] = {}  # id(DataV) -> (DataV, LiveData) of fit data

    # ------------------------------------------------------------- set-up
    def _load_config(self) -> Config:
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
        except Exception:
            self._internal_error()
        finally:
            self.last_hook_ms = (time.perf_counter() - start) * 1000

    def _after_cell(self, result: Any) -> None:
        warnings_seen = self.recorder.drain() if self.recorder is not None else []
        if not self.enabled or result is None:
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
        findings = self.analyse_cell(raw, cell_id, count, warnings_seen)
        self.show(findings, raw, cell_id, count)

    def analyse_cell(
        self, raw: str, cell_id: str | None, count: int | None, warnings_seen: list | None = None
    ) -> list[Finding] | None:
        """Interpret the cell, gather live facts, run the rules; findings located in this cell."""
        python, _skip = neutralise(raw)
        if python is None:
            return None
        try:
            tree = ast.parse(python)
        except (SyntaxError, ValueError):
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
        self.last_tree = tree  # the live extractors read the cell's model calls from it
        if len(self.unnamed_seen) > 256:
            self.unnamed_seen.clear()
        live = self.live_facts(new_protos, new_splits, where, warnings_seen or [])
        if not new_protos and not new_splits and not live:
            return []
        self.interp.finish()
        facts = Finaliser(self.interp, live=self._resolve).facts()
        store = FactStore([*facts, *live], modes=("static", "live"))
        rules, _ = rules_for(self.config, None, "live")
        static_rules, _ = rules_for(self.config, None, "static")
        seen_codes = {r.code for r in rules}
        rules = rules + [r for r in static_rules if r.code not in seen_codes]
        found, notes = run_rules(store, rules)
        for n in notes:
            self.errors.append(n.message)
        self.sources[key] = raw.splitlines()
        self.count_to_key[count] = key
        return self._suppress(merge_duplicates(found))

    # ------------------------------------------------------- live evidence
    def _resolve(self, d: DataV) -> LiveData | None:
        """Kernel evidence for a named value whose binding is still the one the code made."""
        if not d.name and d.pred_est is None:
            hit = self.unnamed_seen.get(id(d))  # train[features] as a fit received it
            return hit[1] if hit is not None and hit[0] is d else None
        if not d.name or d.pred_est is not None:
            return None
        current = self.interp.env.get(d.name)
        if not isinstance(current, DataV) or current.version != d.version:
            return None
        ns = getattr(self.shell, "user_ns", {})
        obj = ns.get(d.name)
        if obj is None:
            return None
        cache_key = ("value", d.version)
        hit = self.cache_get(cache_key, obj)
        if hit is not MISS:
            return hit
        as_target = d.column is not None
        seen = describe_value(obj, d.name, as_target or getattr(obj, "ndim", 2) == 1, self.limits)
        self.cache_put(cache_key, obj, seen)
        return seen

    def cache_get(self, key: tuple, obj: Any) -> Any:
        """A cached summary of ``obj``, if it is still the very object summarised.

        Entries hold a weak reference, never the object: an id can be reused
        by a new object once the old one is gone, and a weak reference tells.
        """
        entry = self._live_cache.get(key)
        if entry is None:
            return MISS
        ref, shape, value = entry
        target = ref() if ref is not None else None
        if target is not obj or shape != str(getattr(obj, "shape", None)):
            return MISS
        return value

    def cache_put(self, key: tuple, obj: Any, value: Any) -> None:
        try:
            ref = weakref.ref(obj)
        except TypeError:
            return  # cannot tell it apart later: do not cache
        if len(self._live_cache) > 256:
            self._live_cache.clear()
        self._live_cache[key] = (ref, str(getattr(obj, "shape", None)), value)

    def _resolve_free(self, name: str) -> Any:
        """A name the session never saw defined: imported or built before ``%load_ext``."""
        from ml_lint_nb.ipython.kernel_names import value_for

        try:
            return value_for(name, getattr(self.shell, "user_ns", {}))
        except Exception:
            return None

    def live_facts(
        self, protos: list[Proto], splits: list[SplitToken], where: Location, warnings_seen: list
    ) -> list[Fact]:
        """Facts only the kernel can give about what this cell touched."""
        from ml_lint_nb.ipython import collect

        try:
            return collect.collect(self, protos, splits, where, warnings_seen)
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
            if p.location.execution_count != old_count or id(p) in new_ids:
                return True
            est = p.args.get("estimator") if p.kind == "evaluation" else None
            return est is not None and est.config_key() not in new_configs

        self.interp.protos = [p for p in self.interp.protos if keep(p)]
        self.interp.splits = [
            t for t in self.interp.splits if t.location.execution_count != old_count
        ]

    def _trim(self) -> None:
        if len(self.interp.protos) > MAX_PROTOS:
            self.interp.protos = self.interp.protos[-MAX_PROTOS:]
        if len(self.interp.splits) > MAX_PROTOS // 10:
            self.interp.splits = self.interp.splits[-(MAX_PROTOS // 10) :]

    def _suppress(self, findings: list[Finding]) -> list[Finding]:
        """Session ignores, configuration, and ``# noqa`` on the finding's line in its own cell."""
        enabled = self.config.enabled_codes(None)
        out = []
        for f in findings:
            if f.code in self.ignored or f.code not in enabled:
                continue
            lines = self.sources.get(self.count_to_key.get(f.location.execution_count, ""), [])
            line = f.location.line
            if line is not None and 0 < line <= len(lines):
                codes = parse_noqa(lines[line - 1])
                if codes is not None and (not codes or f.code in codes):
                    continue
            override = self.config.severity_override(f.code)
            out.append(replace(f, severity=override) if override is not None else f)
        return out

    # ------------------------------------------------------------ display
    def show(
        self, findings: list[Finding] | None, raw: str, cell_id: str | None, count: int | None
    ) -> None:
        """New findings in full, still-present ones in one line, fixed ones leave the session.

        A finding can be located in an earlier cell (the fit whose split came
        later); it is shown under the cell that completed its evidence.
        """
        if findings is None:
            return
        key = cell_key(raw, cell_id)
        previous = self.runs.get(key)
        before = previous.identities if previous is not None else set()
        now: dict[tuple, Finding] = {}
        shown = {(f.code, f.subject, f.message) for f in self.open.values()}
        # a leaking column is one finding whichever frame holds it (train, test, the source)
        columns = {(f.code, f.subject) for f in self.open.values() if f.code == "ML202"}
        for f in findings:
            owner = self.count_to_key.get(f.location.execution_count, key)
            ident = self.identity(f, owner)
            if ident not in self.open and (
                (f.code, f.subject, f.message) in shown or (f.code, f.subject) in columns
            ):
                continue  # the same finding, already open under another cell: one per event
            now[ident] = f
        mine = {ident for ident in now if ident[1] == key}
        for ident in before - mine:
            self.open.pop(ident, None)  # fixed by this re-run
        new = [f for ident, f in now.items() if ident not in self.open]
        still = [f for ident, f in now.items() if ident in mine and ident in self.open]
        self.runs[key] = CellRun(key, count, set(mine))
        for ident, f in now.items():
            self.open[ident] = f
            owner = self.runs.get(ident[1])
            if owner is not None:  # so that re-running the owning cell can fix it
                owner.identities.add(ident)
        if new or still or self.notes:
            self.publish(new, still)

    @staticmethod
    def identity(f: Finding, key: str) -> tuple:
        return (f.code, key, f.location.line, f.subject)

    def publish(
        self, new: list[Finding], still: list[Finding], notes: list[str] | None = None
    ) -> None:
        from ml_lint_nb.ipython.display import publish_findings

        notes = list(notes or [])
        if self.notes:
            notes.extend(self.notes)
            self.notes = []
        publish_findings(new, still, notes, widgets=self.display_mode == "widgets", session=self)

    def _internal_error(self) -> None:
        self.errors.append(traceback.format_exc(limit=6))
        if len(self.errors) > 50:
            del self.errors[:-50]
        if not self.error_announced:
            self.error_announced = True
            self.notes.append(
                "ml-lint-nb hit an internal error and skipped a check (details: %mlcheck debug)"
            )


def cell_key(raw: str, cell_id: str | None) -> str:
    """A cell across re-runs: its id when the front end sends one, else its source."""
    return cell_id or "src:" + hashlib.sha1(raw.encode("utf-8", "replace")).hexdigest()[:12]


def _make_recorder() -> Any:
    try:
        from ml_lint_nb.facts.live.warnings_capture import WarningRecorder
    except ImportError:
        return None
    return WarningRecorder()


__all__ = ["LiveSession"]
