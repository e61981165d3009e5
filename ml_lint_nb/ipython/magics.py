"""``%mlcheck``: on-demand checks and control of the hook.

Usage lines are short and one bad argument gives a one-line error, never a
traceback: this is typed in a notebook, mid-thought. The checks gather
facts about the named objects and hand them to the session
(:meth:`~ml_lint_nb.ipython.session.LiveSession.check_on_demand`), which
runs the rules the way it does for a cell: this module runs none itself.
"""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING, Any

from ml_lint_nb.facts.location import Location

if TYPE_CHECKING:
    from ml_lint_nb.ipython.session import LiveSession

USAGE = (
    "usage: %mlcheck NAME [NAME ...] [--target COL | --y VAR] | %mlcheck MODEL [--X X --y y] | "
    "%mlcheck [on|off|status|debug] | %mlcheck ignore CODE | %mlcheck explain CODE | "
    "%mlcheck impact [MODEL ...] [--metric NAME] | "
    "%mlcheck display html|widgets | %mlcheck config KEY=VALUE"
)
CONFIG_KEYS = {
    "max_rows": int,
    "max_predict_rows": int,
    "budget_ms": float,
    "seed": int,
    "lazy_check_seconds": float,
    "impact_seconds": float,
    "impact_material_gap": float,
}
SUBCOMMANDS = (
    "on",
    "off",
    "status",
    "ignore",
    "explain",
    "impact",
    "display",
    "config",
    "debug",
)


class UsageError(Exception):
    """A ``%mlcheck`` line that cannot run as typed; its message is the one line shown."""


def run(session: LiveSession, line: str) -> None:
    """Dispatch one ``%mlcheck`` line; a usage error is printed as one line, never raised."""
    try:
        dispatch(session, line)
    except UsageError as exc:
        print(f"%mlcheck: {exc}")


def dispatch(session: LiveSession, line: str) -> None:
    """A word naming a variable of the notebook is a name; the subcommands are the others."""
    try:
        args = shlex.split(line, comments=True)  # a trailing noqa comment is no argument
    except ValueError as exc:
        raise UsageError(f"cannot read the arguments: {exc}") from None
    if not args:
        return list_open(session)
    cmd, rest = args[0], args[1:]
    ns = session.shell.user_ns
    if cmd.startswith("--"):
        raise UsageError(f"{cmd} needs a name before it, e.g. %mlcheck train {cmd} ...")
    if cmd in ns and not cmd.startswith("_"):
        return check_names(session, args, line)
    handler = COMMANDS.get(cmd)
    if handler is None:
        raise UsageError(
            f"unknown command {cmd!r}: not a name defined in this notebook nor a subcommand "
            f"({', '.join(SUBCOMMANDS)})"
        )
    handler(session, rest)


def list_open(session: LiveSession) -> None:
    """``%mlcheck`` alone: the session's open findings, on-demand ones included."""
    from ml_lint_nb.findings import report_order

    findings = report_order(session.open.values())
    if not findings:
        print("ml-lint-nb: no open findings in this session.")
        return
    session.publish(findings, [], record=False)


def _switch(on: bool) -> Any:
    """The handler of ``on`` or ``off``."""

    def handler(session: LiveSession, rest: list[str]) -> None:
        """Turn the checks after each cell on or off (``%mlcheck`` itself always works)."""
        if rest:
            raise UsageError("on/off take no arguments")
        session.enabled = on
        print(f"ml-lint-nb: checks after each cell are {'on' if on else 'off'}.")

    return handler


def status(session: LiveSession, rest: list[str]) -> None:
    """``%mlcheck status``: the hook's state in one line."""
    state = "on" if session.enabled else "off"
    ignored = ", ".join(sorted(session.ignored)) or "none"
    source = session.config.source or "defaults"
    print(
        f"ml-lint-nb: hook {state}; {len(session.open)} open finding(s); ignored: {ignored}; "
        f"display: {session.display_mode}; config: {source}; last check {session.last_hook_ms:.0f} ms."
    )


def debug(session: LiveSession, rest: list[str]) -> None:
    """``%mlcheck debug``: the last internal errors, which the hook never raises into a cell."""
    if not session.errors:
        print("ml-lint-nb: no internal errors in this session.")
        return
    print(f"ml-lint-nb: {len(session.errors)} internal error(s), most recent last:\n")
    for err in session.errors[-5:]:
        print(err)


def ignore(session: LiveSession, rest: list[str]) -> None:
    """``%mlcheck ignore CODE``: silence registered codes (or names, prefixes) for the session."""
    from ml_lint_nb.rules.registry import UnknownSelector, resolve_selector

    if not rest:
        raise UsageError("ignore needs a code, name or prefix (e.g. ML501)")
    for sel in rest:
        try:
            codes = resolve_selector(sel)
        except UnknownSelector as exc:
            raise UsageError(str(exc)) from None
        session.ignored |= codes
        for ident in [i for i, f in session.open.items() if f.code in codes]:
            session.open.pop(ident)
    print(f"ml-lint-nb: ignoring {', '.join(sorted(session.ignored))} for this session.")


def explain(session: LiveSession, rest: list[str]) -> None:
    """``%mlcheck explain CODE``: the rule's documentation page, from the rule itself."""
    from ml_lint_nb.ipython.display import rule_page, show_markdown
    from ml_lint_nb.rules.registry import UnknownSelector, get_rule

    if len(rest) != 1:
        raise UsageError("explain needs one code or name")
    try:
        rule = get_rule(rest[0])
    except UnknownSelector as exc:
        raise UsageError(str(exc)) from None
    show_markdown(rule_page(rule.code))


def display_mode(session: LiveSession, rest: list[str]) -> None:
    """``%mlcheck display html|widgets``: widgets add a panel beside the findings bundle."""
    if rest not in (["html"], ["widgets"]):
        raise UsageError("display takes html or widgets")
    session.display_mode = rest[0]
    print(f"ml-lint-nb: display mode {rest[0]}.")


def config(session: LiveSession, rest: list[str]) -> None:
    """``%mlcheck config KEY=VALUE``: change the session's limits, each value checked first."""
    from dataclasses import replace

    if not rest:
        raise UsageError(f"config needs KEY=VALUE; keys: {', '.join(CONFIG_KEYS)}, display")
    changes: dict[str, Any] = {}
    keys = [item.partition("=")[0] for item in rest]
    twice = sorted({k for k in keys if keys.count(k) > 1})
    if twice:
        raise UsageError(f"config key {twice[0]} given twice")
    for item in rest:
        key, sep, value = item.partition("=")
        if not sep:
            raise UsageError(f"expected KEY=VALUE, got {item!r}")
        if key == "display":
            display_mode(session, [value])
            continue
        kind = CONFIG_KEYS.get(key)
        if kind is None:
            raise UsageError(f"unknown key {key!r}; keys: {', '.join(CONFIG_KEYS)}, display")
        changes[key] = _config_value(key, kind, value)
    session.limits = replace(session.limits, **changes)
    print(f"ml-lint-nb: {session.limits}")


def _config_value(key: str, kind: type, value: str) -> Any:
    """A limit's value, checked: sizes and budgets are positive and finite, seeds not negative."""
    import math

    try:
        number = kind(value.strip())
    except ValueError:
        need = "a whole number" if kind is int else "a number"
        raise UsageError(f"{key} needs {need}, got {value!r}") from None
    if isinstance(number, float) and not math.isfinite(number):
        raise UsageError(f"{key} needs a finite number, got {value!r}")
    if key == "seed":
        if not 0 <= number < 2**32:
            raise UsageError(f"seed needs a whole number from 0 to 2**32-1, got {value!r}")
    elif number <= 0:
        raise UsageError(f"{key} needs a positive value, got {value!r}")
    return number


def _options(rest: list[str], allowed: set[str]) -> tuple[list[str], dict[str, str]]:
    """Names and ``--option value`` pairs; an unknown, repeated or empty option is an error."""
    positional: list[str] = []
    options: dict[str, str] = {}
    it = iter(rest)
    for arg in it:
        if arg.startswith("--"):
            if arg not in allowed:
                raise UsageError(f"unknown option {arg} (options: {', '.join(sorted(allowed))})")
            if arg in options:
                raise UsageError(f"option {arg} given twice")
            value = next(it, None)
            if value is None or value.startswith("--"):
                raise UsageError(f"{arg} needs a value")
            options[arg] = value
        else:
            positional.append(arg)
    return positional, options


def _kind(obj: object) -> str | None:
    """``frame``, ``array``, ``series`` or ``model`` by the object's class; ``None`` otherwise.

    A type check only: no attribute of the user's object is read here.
    """
    import sys

    from ml_lint_nb.facts.live.model_calls import is_model

    cls = type(obj)
    pd = sys.modules.get("pandas")
    np = sys.modules.get("numpy")
    if pd is not None and issubclass(cls, pd.DataFrame):
        return "frame"
    if pd is not None and issubclass(cls, pd.Series):
        return "series"
    pl = sys.modules.get("polars")  # never imported here: only if the notebook did
    if pl is not None and issubclass(cls, pl.DataFrame):
        return "frame"
    if pl is not None and issubclass(cls, pl.Series):
        return "series"
    if np is not None and issubclass(cls, np.ndarray):
        return "array" if obj.ndim in (1, 2) else None  # type: ignore[attr-defined]
    if is_model(obj):
        return "model"
    from ml_lint_nb.facts.live.safe import lazy_kind

    if lazy_kind(obj) is not None:  # Spark / polars LazyFrame: checked where it lives
        return "lazy"
    return None


def _what(obj: object) -> str:
    """``a DataFrame``: what a name holds, for a usage error (its class name only)."""
    return f"a {type(obj).__name__}"


def _rows(obj: Any) -> int:
    """Rows of a frame, series or array the user named on the command line."""
    return int(obj.shape[0])


def _defined(ns: dict[str, Any], name: str) -> Any:
    """The object a name on the command line holds; a usage error when it is not defined."""
    if name not in ns:
        raise UsageError(f"name {name!r} is not defined")
    return ns[name]


def check_names(session: LiveSession, args: list[str], line: str = "") -> None:
    """``%mlcheck NAME [NAME ...]``: checks chosen by what the names hold.

    A frame or array gets the data checks; two or more also get the cross
    checks (overlap, time order, drift) of each against the first, and the
    leaking features measured on the first; a fitted model gets its
    fitted-state checks, scored on ``--X``/``--y`` when given. ``line`` is
    the magic's line as typed, for a ``# noqa`` on it.
    """
    positional, options = _options(args, {"--target", "--y", "--X"})
    if not positional:
        raise UsageError("give the name of a frame, array or model to check")
    if "--target" in options and "--y" in options:
        raise UsageError("use --target COL (a column) or --y VAR (a variable), not both")
    ns = session.shell.user_ns
    objs = [_defined(ns, n) for n in positional]
    kinds = [_kind(o) for o in objs]
    for name, obj, kind in zip(positional, objs, kinds, strict=True):
        if kind is None:
            raise UsageError(f"{name} is {_what(obj)}, not a DataFrame, Series, array or model")
    if "model" in kinds:
        if len(positional) != 1:
            raise UsageError("check one model at a time; give its data as --X X --y y")
        if "--target" in options:
            raise UsageError("a model takes its data as --X X --y y, not --target")
        return _check_model(session, positional[0], objs[0], options, line)
    if "--X" in options:
        raise UsageError("--X goes with a model (%mlcheck clf --X X_test --y y_test)")
    if "lazy" in kinds:
        return _check_lazy(session, positional, objs, kinds, options, line)
    return _check_data(session, positional, objs, kinds, options, line)


def _target_values(session: LiveSession, first: str, obj: Any, options: dict[str, str]) -> Any:
    """The ``--y`` variable, checked to be one column with as many rows as the first frame."""
    if "--y" not in options:
        return None
    y = _defined(session.shell.user_ns, options["--y"])
    if _kind(y) not in ("series", "array", "frame") or (
        _kind(y) == "frame" and int(y.shape[1]) != 1
    ):
        raise UsageError(f"--y {options['--y']} is {_what(y)}, not a Series or 1-D array")
    if _kind(y) == "array" and y.ndim != 1 and int(y.shape[1]) != 1:
        raise UsageError(f"--y {options['--y']} has {y.ndim} dimensions, not one")
    if _rows(y) != _rows(obj):
        raise UsageError(
            f"--y {options['--y']} has {_rows(y):,} rows but {first} has {_rows(obj):,}"
        )
    return y


def _check_target_column(names: list[str], objs: list[Any], kinds: list[Any], col: str) -> None:
    """``--target COL`` must name a column of the first frame; the error lists its columns."""
    if kinds[0] != "frame":
        raise UsageError(f"--target needs a DataFrame; {names[0]} is {_what(objs[0])}")
    columns = [str(c) for c in list(objs[0].columns)]
    if col not in columns:
        shown = ", ".join(columns[:8]) + (", ..." if len(columns) > 8 else "")
        raise UsageError(f"{names[0]} has no column {col!r} (columns: {shown})")


def _check_data(
    session: LiveSession,
    names: list[str],
    objs: list[Any],
    kinds: list[Any],
    options: dict[str, str],
    line: str = "",
) -> None:
    """Frames and arrays: each one's data checks (exact up to a million rows), then each
    later one's overlap, time order and drift against the first."""
    from dataclasses import replace

    target = options.get("--target")
    if target is not None:
        _check_target_column(names, objs, kinds, target)
    y = _target_values(session, names[0], objs[0], options)
    try:
        from ml_lint_nb.facts.live.frames import summarise_frame
        from ml_lint_nb.facts.live.splits import split_facts
    except ImportError:
        raise UsageError("data checks are not available in this installation") from None
    limits = replace(session.limits, full=True)
    where = Location(line=1, execution_count=session.prompt_number())  # the prompt the user sees
    facts: list[Any] = []
    shapes = []
    for k, (name, obj) in enumerate(zip(names, objs, strict=True)):
        has_target = target is not None and target in [str(c) for c in getattr(obj, "columns", [])]
        try:
            fact = summarise_frame(
                name,
                obj,
                where,
                limits,
                target if has_target else None,
                y if k == 0 else None,
            )
        except Exception:
            session._internal_error()
            fact = None
        if fact is None:
            raise UsageError(f"{name} could not be read as a frame (details: %mlcheck debug)")
        if k > 0:  # leaking features are measured on the first frame only
            fact = replace(fact, predictive=())
        facts.append(fact)
        session.mark_checked(name, target if has_target else None)
        shapes.append(f"{name} ({fact.n_rows:,} rows x {fact.n_cols} columns)")
    for name, obj in zip(names[1:], objs[1:], strict=True):
        try:
            facts.extend(
                split_facts(names[0], objs[0], name, obj, where, limits, target=target)
                if _kind(objs[0]) != "series" and _kind(obj) != "series"
                else []
            )
        except Exception:
            session._internal_error()
    if not session.check_on_demand("%mlcheck " + " ".join(names), facts, line=line):
        print(f"ml-lint-nb: {', '.join(shapes)}: no data findings.")


def _check_lazy(
    session: LiveSession,
    names: list[str],
    objs: list[Any],
    kinds: list[Any],
    options: dict[str, str],
    line: str = "",
) -> None:
    """Spark DataFrames and polars LazyFrames: the data checks run as jobs where the data lives.

    Nothing is converted to pandas; each check has ``lazy_check_seconds``
    and one that runs out is cancelled and named under the findings.
    """
    from dataclasses import replace

    from ml_lint_nb.facts.live.safe import lazy_kind

    if set(kinds) != {"lazy"} or len({lazy_kind(o) for o in objs}) != 1:
        raise UsageError(
            "check Spark (or polars lazy) frames together, not with in-memory frames or each other"
        )
    if "--y" in options:
        raise UsageError(
            "--y needs rows in a fixed order, which a lazy frame does not have; use --target COL"
        )
    try:
        from ml_lint_nb.facts.live.lazy_frames import summarise_lazy_frame
        from ml_lint_nb.facts.live.lazy_splits import columns_of, lazy_split_facts
    except ImportError:
        raise UsageError("checking a lazy frame needs narwhals (pip install narwhals)") from None
    target = options.get("--target")
    columns = [columns_of(o) for o in objs]
    if target is not None and target not in columns[0]:
        shown = ", ".join(columns[0][:8]) + (", ..." if len(columns[0]) > 8 else "")
        raise UsageError(f"{names[0]} has no column {target!r} (columns: {shown})")
    limits = replace(session.limits, full=True)
    where = Location(line=1, execution_count=session.prompt_number())
    facts: list[Any] = []
    notes: list[str] = []
    shapes = []
    for k, (name, obj) in enumerate(zip(names, objs, strict=True)):
        has_target = target is not None and target in columns[k]
        try:
            got = summarise_lazy_frame(name, obj, where, limits, target if has_target else None)
        except Exception:
            session._internal_error()
            raise UsageError(f"{name} could not be read (details: %mlcheck debug)") from None
        notes.extend(got.notes)
        if got.fact is None:
            raise UsageError(f"{name} could not be read: {'; '.join(got.notes) or 'unknown'}")
        fact = got.fact if k == 0 else replace(got.fact, predictive=())
        facts.append(fact)
        session.mark_checked(name, target if has_target else None)
        shapes.append(f"{name} ({fact.n_rows:,} rows x {fact.n_cols} columns)")
    for name, obj in zip(names[1:], objs[1:], strict=True):
        try:
            more, more_notes = lazy_split_facts(names[0], objs[0], name, obj, where, limits)
        except Exception:
            session._internal_error()
            continue
        facts.extend(more)
        notes.extend(more_notes)
    if not session.check_on_demand("%mlcheck " + " ".join(names), facts, notes, line=line):
        print(f"ml-lint-nb: {', '.join(shapes)}: no data findings.")
        for note in notes:
            print(f"ml-lint-nb: {note}")


def _check_model(
    session: LiveSession, name: str, model: Any, options: dict[str, str], line: str = ""
) -> None:
    """Fitted-state checks of one estimator, scored on ``--X``/``--y`` when given."""
    ns = session.shell.user_ns
    if ("--X" in options) != ("--y" in options):
        raise UsageError("--X and --y go together")
    X = y = None
    if "--X" in options:
        X = _defined(ns, options["--X"])
        y = _defined(ns, options["--y"])
        if _kind(X) not in ("frame", "array", "series"):
            raise UsageError(f"--X {options['--X']} is {_what(X)}, not a DataFrame or array")
        if _kind(y) not in ("series", "array", "frame"):
            raise UsageError(f"--y {options['--y']} is {_what(y)}, not a Series or 1-D array")
        if _rows(y) != _rows(X):
            raise UsageError(
                f"--y {options['--y']} has {_rows(y):,} rows but --X {options['--X']} "
                f"has {_rows(X):,}"
            )
    where = Location(line=1, execution_count=session.prompt_number())  # the prompt the user sees
    facts: list[Any] = []
    try:
        from ml_lint_nb.facts.live.estimators import fitted_fact
        from ml_lint_nb.facts.live.scoring import score_facts
    except ImportError:
        raise UsageError("model checks are not available in this installation") from None
    try:
        fact = fitted_fact(name, model, where)
    except Exception:
        session._internal_error()
        fact = None
    if fact is None:
        raise UsageError(f"{name} is not a fitted estimator")
    facts.append(fact)
    if X is not None:
        try:
            facts.extend(
                score_facts(name, model, options["--X"], X, y, "test", where, session.limits) or []
            )
        except Exception:
            session._internal_error()
    if not session.check_on_demand(f"%mlcheck {name}", facts, line=line):
        print(f"ml-lint-nb: {name}: no model findings.")


def impact(session: LiveSession, rest: list[str]) -> None:
    """``%mlcheck impact [MODEL ...]``: what each leak attached to the models costs.

    Clones are refitted the honest way on copies of the data (never the
    user's objects), within ``impact_seconds``; Ctrl-C cancels. Without a
    name, every fitted model of the session with a leak finding.
    """
    from ml_lint_nb.impact.plan import Refusal
    from ml_lint_nb.ipython.impact import OPTIONS
    from ml_lint_nb.ipython.impact import impact as measure_impact

    names, options = _options(rest, OPTIONS)
    ns = session.shell.user_ns
    for name in names:
        obj = _defined(ns, name)
        if _kind(obj) != "model":
            raise UsageError(f"{name} is {_what(obj)}, not a model")
    try:
        measure_impact(session, names, options)
    except Refusal as exc:
        raise UsageError(str(exc)) from None


def check_df(session: LiveSession, rest: list[str]) -> None:
    """``%mlcheck df NAME`` (the earlier spelling): the same as ``%mlcheck NAME``."""
    check_names(session, rest)


def check_model(session: LiveSession, rest: list[str]) -> None:
    """``%mlcheck model NAME`` (the earlier spelling): the same as ``%mlcheck NAME``."""
    check_names(session, rest)


def complete(shell: Any, event: Any) -> list[str]:
    """Tab completion for ``%mlcheck``: the namespace's frames, arrays and models, then subcommands.

    Only the classes of the values are looked at.
    """
    ns = getattr(shell, "user_ns", {})
    names = []
    for name, value in list(ns.items())[:5000]:
        if name.startswith("_") or not isinstance(name, str):
            continue
        try:
            if _kind(value) is not None:
                names.append(name)
        except Exception:
            continue
    line = getattr(event, "line", "") or ""
    words = line.split()
    partial = "" if line.endswith(" ") or len(words) < 2 else words[-1]
    done = words[1:] if not partial else words[1:-1]
    if done and done[-1] == "--target":
        return []
    options = ["--target", "--y", "--X"] if done else []
    offered = sorted(names) + ([] if done else list(SUBCOMMANDS)) + options
    return [w for w in offered if w.startswith(partial)]


COMMANDS = {
    "on": _switch(True),
    "off": _switch(False),
    "status": status,
    "debug": debug,
    "ignore": ignore,
    "explain": explain,
    "display": display_mode,
    "config": config,
    "impact": impact,
    "df": check_df,
    "model": check_model,
}
