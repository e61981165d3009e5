"""``%mlcheck``: on-demand checks and control of the hook.

Usage lines are short and one bad argument gives a one-line error, never a
traceback: this is typed in a notebook, mid-thought.
"""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING, Any

from ml_lint_nb.findings import Location

if TYPE_CHECKING:
    from ml_lint_nb.ipython.session import LiveSession

USAGE = (
    "usage: %mlcheck [on|off|status|debug] | %mlcheck df NAME [--target COL | --y VAR] | "
    "%mlcheck model NAME [--X X_test --y y_test] | %mlcheck ignore CODE | %mlcheck explain CODE | "
    "%mlcheck display html|widgets | %mlcheck config KEY=VALUE"
)
CONFIG_KEYS = {"max_rows": int, "max_predict_rows": int, "budget_ms": float, "seed": int}


class UsageError(Exception):
    pass


def run(session: LiveSession, line: str) -> None:
    try:
        args = shlex.split(line)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if not args:
        return list_open(session)
    cmd, rest = args[0], args[1:]
    handler = COMMANDS.get(cmd)
    if handler is None:
        raise UsageError(f"unknown command {cmd!r}")
    handler(session, rest)


def list_open(session: LiveSession) -> None:
    from ml_lint_nb.findings import report_order

    findings = report_order(session.open.values())
    if not findings:
        print("ml-lint-nb: no open findings in this session.")
        return
    session.publish(findings, [], record=False)


def _switch(on: bool) -> Any:
    def handler(session: LiveSession, rest: list[str]) -> None:
        if rest:
            raise UsageError("on/off take no arguments")
        session.enabled = on
        print(f"ml-lint-nb: checks after each cell are {'on' if on else 'off'}.")

    return handler


def status(session: LiveSession, rest: list[str]) -> None:
    state = "on" if session.enabled else "off"
    ignored = ", ".join(sorted(session.ignored)) or "none"
    source = session.config.source or "defaults"
    print(
        f"ml-lint-nb: hook {state}; {len(session.open)} open finding(s); ignored: {ignored}; "
        f"display: {session.display_mode}; config: {source}; last check {session.last_hook_ms:.0f} ms."
    )


def debug(session: LiveSession, rest: list[str]) -> None:
    if not session.errors:
        print("ml-lint-nb: no internal errors in this session.")
        return
    print(f"ml-lint-nb: {len(session.errors)} internal error(s), most recent last:\n")
    for err in session.errors[-5:]:
        print(err)


def ignore(session: LiveSession, rest: list[str]) -> None:
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
    if rest not in (["html"], ["widgets"]):
        raise UsageError("display takes html or widgets")
    session.display_mode = rest[0]
    print(f"ml-lint-nb: display mode {rest[0]}.")


def config(session: LiveSession, rest: list[str]) -> None:
    from dataclasses import replace

    if not rest:
        raise UsageError(f"config needs KEY=VALUE; keys: {', '.join(CONFIG_KEYS)}, display")
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
        try:
            session.limits = replace(session.limits, **{key: kind(value)})
        except ValueError:
            raise UsageError(f"{key} needs a {kind.__name__}") from None
    print(f"ml-lint-nb: {session.limits}")


def _options(rest: list[str], allowed: set[str]) -> tuple[list[str], dict[str, str]]:
    positional: list[str] = []
    options: dict[str, str] = {}
    it = iter(rest)
    for arg in it:
        if arg.startswith("--"):
            if arg not in allowed:
                raise UsageError(f"unknown option {arg}")
            try:
                options[arg] = next(it)
            except StopIteration:
                raise UsageError(f"{arg} needs a value") from None
        else:
            positional.append(arg)
    return positional, options


def check_df(session: LiveSession, rest: list[str]) -> None:
    """All data checks on one frame, on the full data unless it is huge."""
    from dataclasses import replace

    from ml_lint_nb.engine import rules_for, run_rules
    from ml_lint_nb.facts.store import FactStore

    positional, options = _options(rest, {"--target", "--y"})
    if len(positional) != 1:
        raise UsageError("df needs one frame name")
    name = positional[0]
    ns = session.shell.user_ns
    if name not in ns:
        raise UsageError(f"name {name!r} is not defined")
    if "--y" in options and options["--y"] not in ns:
        raise UsageError(f"name {options['--y']!r} is not defined")
    try:
        from ml_lint_nb.facts.live.frames import summarise_frame
    except ImportError:
        raise UsageError("frame checks are not available in this installation") from None
    limits = replace(session.limits, full=True)
    where = Location(line=1, execution_count=getattr(session.shell, "execution_count", None))
    target_values = ns[options["--y"]] if "--y" in options else None
    try:
        fact = summarise_frame(
            name, ns[name], where, limits, options.get("--target"), target_values
        )
    except Exception:
        session._internal_error()
        fact = None
    if fact is None:
        raise UsageError(f"{name!r} is not a DataFrame, Series or array this check understands")
    rules, _ = rules_for(session.config, None, "live")
    found, _notes = run_rules(FactStore([fact], modes=("live",)), rules)
    if not found:
        print(
            f"ml-lint-nb: {name} ({fact.n_rows:,} rows x {fact.n_cols} columns): no data findings."
        )
        return
    session.publish(found, [])


def check_model(session: LiveSession, rest: list[str]) -> None:
    """Model and evaluation checks on one fitted estimator (optionally scored on X/y)."""
    from ml_lint_nb.engine import rules_for, run_rules
    from ml_lint_nb.facts.store import FactStore

    positional, options = _options(rest, {"--X", "--y"})
    if len(positional) != 1:
        raise UsageError("model needs one estimator name")
    ns = session.shell.user_ns
    for n in [positional[0], *options.values()]:
        if n not in ns:
            raise UsageError(f"name {n!r} is not defined")
    if ("--X" in options) != ("--y" in options):
        raise UsageError("--X and --y go together")
    where = Location(line=1, execution_count=getattr(session.shell, "execution_count", None))
    facts: list[Any] = []
    try:
        from ml_lint_nb.facts.live.estimators import fitted_fact

        fact = fitted_fact(positional[0], ns[positional[0]], where)
        if fact is None:
            raise UsageError(f"{positional[0]!r} is not a fitted estimator")
        facts.append(fact)
        if "--X" in options:
            from ml_lint_nb.facts.live.scoring import score_facts

            facts.extend(
                score_facts(
                    positional[0],
                    ns[positional[0]],
                    options["--X"],
                    ns[options["--X"]],
                    ns[options["--y"]],
                    "test",
                    where,
                    session.limits,
                )
            )
    except ImportError:
        raise UsageError("model checks are not available in this installation") from None
    rules, _ = rules_for(session.config, None, "live")
    found, _notes = run_rules(FactStore(facts, modes=("live",)), rules)
    if not found:
        print(f"ml-lint-nb: {positional[0]}: no model findings.")
        return
    session.publish(found, [])


COMMANDS = {
    "on": _switch(True),
    "off": _switch(False),
    "status": status,
    "debug": debug,
    "ignore": ignore,
    "explain": explain,
    "display": display_mode,
    "config": config,
    "df": check_df,
    "model": check_model,
}
