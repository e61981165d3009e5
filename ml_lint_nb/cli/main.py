"""``ml-lint-nb check | rules | explain | clean``.

Start-up time is part of the product: a pre-commit hook or a CI job runs
this on every commit, so this module imports only the standard library's
light modules at import time. The engine, the rules and the renderers are
imported by the command that needs them, and ``check --help`` loads none
of them.

Exit codes: 0 no finding at or above ``--fail-on``; 1 findings at or above
it; 2 a usage or configuration error, or an input that could not be linted
(the other inputs are still linted and reported).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ml_lint_nb.config import Config
    from ml_lint_nb.findings import FileResult, RunResult
    from ml_lint_nb.rules.base import Rule

PROG = "ml-lint-nb"
EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
FORMATS = ("text", "json", "sarif", "github")
SEVERITIES = ("error", "warning", "info")
# Below this many files a process pool costs more than it saves.
PARALLEL_MIN_FILES = 16
# ``--jobs auto`` uses processes only above this many files, and at most this many.
AUTO_JOBS_MIN_FILES = 64
AUTO_JOBS_MAX = 4


_CACHE_ENV = "ML_LINT_NB_CACHE_DIR"


class UsageError(Exception):
    """A bad flag value found after argparse (an unknown rule selector, ...)."""


def _err(message: str) -> None:
    print(f"{PROG}: error: {message}", file=sys.stderr)


def _warn(message: str) -> None:
    print(f"{PROG}: warning: {message}", file=sys.stderr)


# -- version --------------------------------------------------------------------------------------


def tool_version() -> str:
    """The installed version; looked up only when printed, to keep start-up light."""
    try:
        from ml_lint_nb.version import __version__  # type: ignore[attr-defined]

        return str(__version__)
    except ImportError:
        pass
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ml-lint-nb")
    except PackageNotFoundError:
        return "0+unknown"


class _VersionAction(argparse.Action):
    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> None:
        print(f"{PROG} {tool_version()}")
        parser.exit()


# -- argument parsing -----------------------------------------------------------------------------


def _jobs(text: str) -> int | str:
    if text == "auto":
        return text
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer or 'auto', got {text!r}")
    return value


def _add_check(sub: Any) -> None:
    check = sub.add_parser(
        "check",
        help="lint notebooks statically",
        description="Lint Jupyter notebooks for machine-learning pitfalls, without running them.",
        epilog="Exit codes: 0 no findings at or above --fail-on; 1 findings at or above it; "
        "2 usage or configuration error, or a notebook that could not be read.",
    )
    check.add_argument(
        "paths",
        nargs="*",
        default=["."],
        metavar="PATH",
        help="notebooks or folders (searched recursively for *.ipynb); default: .",
    )
    check.add_argument("--format", choices=FORMATS, default="text", help="output format")
    sel = check.add_argument_group("rule selection (codes, names or prefixes, comma-separated)")
    sel.add_argument("--select", action="append", metavar="RULES", help="run only these rules")
    sel.add_argument("--ignore", action="append", metavar="RULES", help="do not run these rules")
    sel.add_argument(
        "--extend-select", action="append", metavar="RULES", help="run these rules as well"
    )
    check.add_argument(
        "--config",
        metavar="FILE",
        help="use this pyproject.toml instead of the nearest one above each notebook",
    )
    check.add_argument(
        "--fail-on",
        choices=SEVERITIES,
        default="warning",
        help="lowest severity that makes the exit code 1 (default: warning)",
    )
    check.add_argument(
        "--exit-zero",
        action="store_true",
        help="exit 0 even with findings or unreadable notebooks (not on usage errors)",
    )
    check.add_argument(
        "--jobs",
        "-j",
        type=_jobs,
        default="auto",
        metavar="N",
        help=f"processes to lint with, at most the CPU count (default: auto, up to "
        f"{AUTO_JOBS_MAX} above {AUTO_JOBS_MIN_FILES} notebooks)",
    )
    check.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE")
    check.add_argument("--quiet", "-q", action="store_true", help="only findings and errors")
    check.add_argument("--no-color", action="store_true", help="no ANSI colors in text output")
    check.add_argument(
        "--statistics", action="store_true", help="print the number of findings per rule"
    )
    fixes = check.add_argument_group("fixes (`ml-lint-nb rules` lists which rules can fix)")
    fixes.add_argument(
        "--fix",
        action="store_true",
        help="apply the safe fixes (stratify=, random_state=) to the notebooks, then report the rest",
    )
    fixes.add_argument(
        "--unsafe-fixes",
        action="store_true",
        help="also apply the fixes that change results (a transformer moved into a Pipeline, "
        "a penalty set); implies --fix unless --diff",
    )
    fixes.add_argument(
        "--diff",
        action="store_true",
        help="print the fixes as a unified diff per cell and write nothing (exit 1 if any)",
    )
    base = check.add_argument_group("baseline (fail only on new findings)")
    base.add_argument(
        "--baseline",
        metavar="FILE",
        help="report, and fail on, only the findings that FILE does not record",
    )
    base.add_argument(
        "--write-baseline",
        metavar="FILE",
        help="record today's findings in FILE (exit 0) for later runs with --baseline FILE",
    )
    cache = check.add_argument_group("cache")
    cache.add_argument(
        "--no-cache",
        action="store_true",
        help="analyse every notebook, ignoring and not writing the cache",
    )
    cache.add_argument(
        "--cache-dir",
        metavar="DIR",
        help=f"cache folder (default: .ml_lint_nb_cache beside the configuration, else here; "
        f"or ${_CACHE_ENV})",
    )
    run = check.add_argument_group("execution (live checks; needs nbclient and ipykernel)")
    run.add_argument(
        "--execute",
        action="store_true",
        help="run each notebook in a fresh kernel with ml_lint_nb loaded and add the live findings "
        "(the file is not modified)",
    )
    run.add_argument(
        "--kernel", metavar="NAME", help="kernel to run (default: python3 of this environment)"
    )
    run.add_argument(
        "--timeout", type=int, default=600, metavar="SECONDS", help="per-cell timeout (default 600)"
    )
    run.add_argument(
        "--allow-errors",
        action="store_true",
        help="a failing cell is a note, not an error (exit code unaffected)",
    )
    run.add_argument(
        "--impact",
        action="store_true",
        help="after the last cell, measure what each leak costs (%%mlcheck impact): both "
        "scores and a verdict on the findings",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG, description="Catch machine-learning pitfalls in Jupyter notebooks."
    )
    parser.add_argument("--version", action=_VersionAction)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_check(sub)
    rules = sub.add_parser("rules", help="list the rules", description="List every rule.")
    rules.add_argument("--format", choices=("text", "json"), default="text")
    explain = sub.add_parser(
        "explain", help="show a rule's documentation", description="Show a rule's documentation."
    )
    explain.add_argument("rule", metavar="CODE|NAME", help="a rule code (ML203) or name")
    clean = sub.add_parser(
        "clean",
        help="remove the analysis cache",
        description="Remove the .ml_lint_nb_cache folders in and under the current folder "
        "(and --cache-dir / $ML_LINT_NB_CACHE_DIR).",
    )
    clean.add_argument("--cache-dir", metavar="DIR", help="also remove this cache folder")
    return parser


# -- paths ----------------------------------------------------------------------------------------


def display_path(path: str) -> str:
    """Relative to the current directory (forward slashes) when inside it, else as given."""
    absolute = os.path.abspath(path)
    cwd = os.getcwd()
    if absolute == cwd:
        return "."
    prefix = cwd if cwd.endswith(os.sep) else cwd + os.sep
    if absolute.startswith(prefix):
        return absolute[len(prefix) :].replace(os.sep, "/")
    return path


class _Collector:
    """Turns PATH arguments into (file, config, display path) tasks.

    Each notebook gets the configuration found above it (or ``--config``),
    with the command-line flags applied; configurations are shared per
    directory so workers receive a handful of small objects, not one per file.
    """

    def __init__(self, forced: Config | None, overrides: dict[str, Any]) -> None:
        self.forced = forced
        self.overrides = overrides
        self._applied: dict[int, Config] = {}
        self._seen: set[str] = set()
        self.tasks: list[tuple[str, Config, str]] = []
        self.skipped: list[FileResult] = []
        self.missing: list[str] = []

    def config_for(self, directory: str) -> Config:
        from ml_lint_nb.config import find_config

        base = self.forced if self.forced is not None else find_config(Path(directory))
        applied = self._applied.get(id(base))
        if applied is None:
            applied = self._applied[id(base)] = base.with_overrides(**self.overrides)
        return applied

    def add(self, path: str) -> None:
        if os.path.isdir(path):
            self._walk(path)
        elif os.path.exists(path):
            self._add_given_file(path)
        else:
            self.missing.append(path)

    def _add_given_file(self, path: str) -> None:
        from ml_lint_nb.findings import FileResult

        config = self.config_for(os.path.dirname(os.path.abspath(path)))
        if config.is_excluded(path):
            if self._first_time(path):
                self.skipped.append(FileResult(path=display_path(path), skipped=_why(config)))
            return
        self._add_task(path, config)

    def _unreadable(self, exc: OSError) -> None:
        """A folder that cannot be listed is an error of the run, never a silent skip."""
        from ml_lint_nb.findings import FileResult

        where = exc.filename if isinstance(exc.filename, str) else str(exc.filename)
        reason = exc.strerror or type(exc).__name__
        if self._first_time(where):
            self.skipped.append(
                FileResult(path=display_path(where), error=f"unreadable folder: {reason}")
            )

    def _walk(self, root: str) -> None:
        for dirpath, dirnames, filenames in os.walk(root, onerror=self._unreadable):
            config = self.config_for(dirpath)
            dirnames[:] = sorted(
                d
                for d in dirnames
                if not d.startswith(".") and not config.is_excluded(os.path.join(dirpath, d))
            )
            for name in sorted(filenames):
                if name.endswith(".ipynb"):
                    path = os.path.join(dirpath, name)
                    if not config.is_excluded(path):
                        self._add_task(path, config)

    def _first_time(self, path: str) -> bool:
        key = os.path.normcase(os.path.abspath(path))
        if key in self._seen:
            return False
        self._seen.add(key)
        return True

    def _add_task(self, path: str, config: Config) -> None:
        if self._first_time(path):
            self.tasks.append((path, config, display_path(path)))


def _why(config: Config) -> str:
    if config.source is None:
        return "excluded (inside .ipynb_checkpoints)"
    return f"excluded by {display_path(str(config.source))}"


# -- linting --------------------------------------------------------------------------------------


# Set by ``check`` before any worker starts (workers fork and inherit them): ``--execute``
# options, the fix options of ``--fix``/``--diff``, and the analysis cache.
_EXECUTE: Any = None
_FIX: Any = None
_CACHE: Any = None


def run_one(path: str, config: Config, display: str) -> Any:
    """One task of a run: lint the file, or fix it (``(FileResult, FixOutcome)``)."""
    if _FIX is None:
        return lint_one(path, config, display)
    from ml_lint_nb.cli.fixing import FixOutcome, fix_file
    from ml_lint_nb.findings import FileResult

    try:
        return fix_file(path, config, display, _FIX)
    except Exception as exc:  # one notebook's failure must not lose the others
        error = f"internal error: {type(exc).__name__}: {exc}"
        return FileResult(path=display, error=error), FixOutcome()


def _lint_cached(path: str, config: Config, display: str) -> FileResult:
    """Static lint through the cache: the bytes are read once, hashed, and linted on a miss."""
    from ml_lint_nb.facts.static.notebook import parse_notebook, read_regular_file
    from ml_lint_nb.facts.static.source import NotebookError
    from ml_lint_nb.findings import FileResult

    try:
        data = read_regular_file(path)
    except NotebookError as exc:
        return FileResult(path=display, error=str(exc))
    hit = _CACHE.get(path, data, config, display)
    if hit is not None:
        return hit
    from ml_lint_nb.engine import lint_source

    try:
        nb = parse_notebook(data, display)
    except NotebookError as exc:
        return FileResult(path=display, error=str(exc))
    result = lint_source(nb, config)
    _CACHE.put(path, data, config, result)
    return result


def lint_one(path: str, config: Config, display: str) -> FileResult:
    """Lint one file; a crash on one notebook becomes that file's error, not a lost run."""
    from ml_lint_nb.findings import FileResult

    try:
        if _EXECUTE is None and _CACHE is not None:
            return _lint_cached(path, config, display)
        from ml_lint_nb.engine import lint_file

        if _EXECUTE is not None:
            from ml_lint_nb.cli.execute import execute_file
            from ml_lint_nb.facts.static.notebook import read_regular_file
            from ml_lint_nb.facts.static.source import NotebookError

            try:
                read_regular_file(path)  # the same regular-file check and size cap as static mode
            except NotebookError as exc:
                return FileResult(path=display, error=str(exc))
            return execute_file(path, config, display, _EXECUTE)
        return lint_file(path, config, display)
    except Exception as exc:  # a bug or a pathological input must not hide the other files
        return FileResult(path=display, error=f"internal error: {type(exc).__name__}: {exc}")


_WORKER_CONFIGS: tuple[Config, ...] = ()


def _init_worker(configs: tuple[Config, ...]) -> None:
    global _WORKER_CONFIGS
    _WORKER_CONFIGS = configs


def _worker_task(task: tuple[str, int, str]) -> Any:
    path, config_index, display = task
    return run_one(path, _WORKER_CONFIGS[config_index], display)


def effective_jobs(requested: int | str, n_files: int) -> int:
    """Processes to use: ``auto`` parallelises only large runs, where it pays.

    Never more than the CPU count: linting is CPU-bound, so more processes
    only add memory (``--jobs 300`` once started 300 workers, 7 GB).
    """
    cpus = os.cpu_count() or 1
    if requested == "auto":
        jobs = min(cpus, AUTO_JOBS_MAX) if n_files > AUTO_JOBS_MIN_FILES else 1
    else:
        jobs = min(int(requested), cpus)
    if n_files <= PARALLEL_MIN_FILES:
        return 1
    return max(1, min(jobs, n_files))


def _lint_parallel(tasks: list[tuple[str, Config, str]], jobs: int) -> list[Any]:
    """Lint in a process pool; configurations travel once per worker, not once per file."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    configs: list[Config] = []
    index: dict[int, int] = {}
    items: list[tuple[str, int, str]] = []
    for path, config, display in tasks:
        if id(config) not in index:
            index[id(config)] = len(configs)
            configs.append(config)
        items.append((path, index[id(config)], display))
    # fork starts workers in milliseconds and shares the imported modules.
    context = multiprocessing.get_context("fork") if sys.platform.startswith("linux") else None
    chunksize = max(1, len(items) // (4 * jobs))
    try:
        with ProcessPoolExecutor(
            max_workers=jobs,
            mp_context=context,
            initializer=_init_worker,
            initargs=(tuple(configs),),
        ) as pool:
            return list(pool.map(_worker_task, items, chunksize=chunksize))
    except BrokenProcessPool:
        _warn("a worker process died; linting the remaining notebooks in one process")
        return [run_one(*task) for task in tasks]


def cache_hits(tasks: list[tuple[str, Config, str]]) -> dict[int, FileResult]:
    """The tasks the cache answers, by index, looked up in this process before any worker starts.

    A warm run then neither imports the engine nor starts a pool; the
    misses go to :func:`lint_tasks`, whose workers read, lint and store them.
    """
    from ml_lint_nb.facts.static.notebook import read_regular_file
    from ml_lint_nb.facts.static.source import NotebookError

    hits: dict[int, FileResult] = {}
    if _CACHE is None or _EXECUTE is not None or _FIX is not None:
        return hits
    for i, (path, config, display) in enumerate(tasks):
        try:
            data = read_regular_file(path)
        except NotebookError:
            continue  # the worker reports it
        hit = _CACHE.get(path, data, config, display)
        if hit is not None:
            hits[i] = hit
    return hits


def not_evaluated_codes(config: Config, mode: str) -> list[str]:
    """Selected codes that ``mode`` cannot evaluate (``engine.not_evaluated``, without the engine)."""
    if mode == "execute":
        return []
    from ml_lint_nb.rules.registry import RULES

    enabled = config.enabled_codes(None)
    return [r.code for r in RULES if r.code in enabled and mode not in r.detect]


def lint_tasks(tasks: list[tuple[str, Config, str]], jobs: int) -> list[Any]:
    """Run every task (lint or fix), in a process pool when ``jobs > 1``."""
    if jobs > 1:
        # Import before forking so every worker starts with the engine loaded.
        import ml_lint_nb.engine  # noqa: F401

        return _lint_parallel(tasks, jobs)
    return [run_one(*task) for task in tasks]


# -- check ----------------------------------------------------------------------------------------


def _selectors(values: Iterable[str] | None, flag: str) -> tuple[str, ...] | None:
    """Comma-separated selector flags, validated: an unknown one is a usage error."""
    if values is None:
        return None
    from ml_lint_nb.rules.registry import UnknownSelector, resolve_selector

    out: list[str] = []
    for value in values:
        for selector in (s.strip() for s in value.split(",")):
            if not selector:
                continue
            try:
                resolve_selector(selector)
            except UnknownSelector as exc:
                raise UsageError(f"{flag}: {exc}") from None
            out.append(selector)
    return tuple(out)


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "select": _selectors(args.select, "--select"),
        "ignore": _selectors(args.ignore, "--ignore"),
        "extend_select": _selectors(args.extend_select, "--extend-select"),
    }


def _forced_config(args: argparse.Namespace) -> Config | None:
    if args.config is None:
        return None
    from ml_lint_nb.config import ConfigError, load_config

    if not os.path.isfile(args.config):
        raise ConfigError(f"--config: {args.config}: no such file")
    return load_config(Path(args.config))


def statistics(run: RunResult) -> list[dict[str, Any]]:
    """Findings per rule, most frequent first (like ``ruff --statistics``)."""
    counts: dict[str, dict[str, Any]] = {}
    for file in run.files:
        for f in file.findings:
            entry = counts.setdefault(f.code, {"code": f.code, "name": f.name, "count": 0})
            entry["count"] += 1
    return sorted(counts.values(), key=lambda e: (-e["count"], e["code"]))


def render_statistics(run: RunResult, fmt: str) -> str:
    rows = statistics(run)
    if fmt == "json":
        import json

        return json.dumps(rows, indent=2) + "\n"
    if not rows:
        return ""
    width = len(str(rows[0]["count"]))
    return "".join(f"{r['count']:>{width}}  {r['code']}  {r['name']}\n" for r in rows)


def render_report(run: RunResult, args: argparse.Namespace, color: bool) -> str:
    import ml_lint_nb.render as render

    if args.statistics:
        return render_statistics(run, args.format)
    if args.format == "json":
        return render.render_json(run, tool_version())
    if args.format == "sarif":
        from ml_lint_nb.rules.registry import RULES

        return render.render_sarif(run, RULES, tool_version())
    if args.format == "github":
        return render.render_github(run)
    return render.render_text(run, color=color, quiet=args.quiet)


def _use_color(args: argparse.Namespace) -> bool:
    if args.no_color or args.output is not None or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


def exit_code(run: RunResult, fail_on: str, exit_zero: bool) -> int:
    from ml_lint_nb.findings import Severity

    threshold = Severity.parse(fail_on).rank
    if exit_zero:
        return EXIT_OK
    if run.error_files:
        return EXIT_ERROR
    failing = any(f.severity.rank >= threshold for file in run.files for f in file.findings)
    return EXIT_FINDINGS if failing else EXIT_OK


def encode_report(report: str) -> bytes:
    """UTF-8 bytes of any report, whatever strings the notebooks held.

    A lone surrogate (a notebook spelling ``'zip\\ud800'``, or a non-UTF-8
    file name decoded with ``surrogateescape``) cannot be encoded; it is
    written as the escape ``\\ud800``, which is also a valid JSON escape, so
    the JSON and SARIF documents stay valid and the text output readable.
    """
    return report.encode("utf-8", "backslashreplace")


def _write(report: str, output: str | None) -> None:
    data = encode_report(report)
    if output is None:
        sys.stdout.flush()
        buffer = getattr(sys.stdout, "buffer", None)
        if buffer is None:  # a replaced stdout (a test's StringIO) takes text
            sys.stdout.write(data.decode("utf-8"))
        else:
            buffer.write(data)
            buffer.flush()
        return
    with open(output, "wb") as fh:
        fh.write(data)


def _modes(args: argparse.Namespace) -> str | None:
    """Set the run's execute, fix and cache options; a message when the flags conflict."""
    global _EXECUTE, _FIX, _CACHE
    # a run after another in one process starts from nothing
    _EXECUTE = _FIX = _CACHE = None
    fixing = args.fix or args.unsafe_fixes or args.diff
    if args.execute:
        if fixing:
            return (
                "--fix, --unsafe-fixes and --diff work on the notebooks' code: not with --execute"
            )
        from ml_lint_nb.cli.execute import ExecuteOptions

        _EXECUTE = ExecuteOptions(args.kernel, args.timeout, args.allow_errors, args.impact)
    elif args.kernel or args.allow_errors or args.impact:
        return "--kernel, --allow-errors and --impact go with --execute"
    if args.baseline and args.write_baseline:
        return "--baseline and --write-baseline: give one"
    if fixing:
        from ml_lint_nb.cli.fixing import FixOptions

        _FIX = FixOptions(unsafe=args.unsafe_fixes, write=not args.diff)
    elif not args.execute and not args.no_cache:
        from ml_lint_nb.cli.cache import Cache, tool_fingerprint

        _CACHE = Cache(
            tool_fingerprint(tool_version()), args.cache_dir or os.environ.get(_CACHE_ENV) or None
        )
    return None


def command_check(args: argparse.Namespace) -> int:
    conflict = _modes(args)
    if conflict is not None:
        _err(conflict)
        return EXIT_ERROR
    from ml_lint_nb.config import ConfigError
    from ml_lint_nb.findings import RunResult

    try:
        collector = _Collector(_forced_config(args), _overrides(args))
        for path in args.paths:
            collector.add(path)
        global_config = (
            collector.tasks[0][1] if collector.tasks else collector.config_for(os.getcwd())
        )
    except (ConfigError, UsageError) as exc:
        _err(str(exc))
        return EXIT_ERROR
    for path in collector.missing:
        _err(f"{path}: no such file or directory")
    tasks = sorted(collector.tasks, key=lambda t: t[2])
    if not tasks and not collector.skipped and not collector.missing:
        _warn(f"no notebooks found in {' '.join(args.paths)}")
    hits = cache_hits(tasks)
    todo = [t for i, t in enumerate(tasks) if i not in hits]
    linted_todo = iter(lint_tasks(todo, effective_jobs(args.jobs, len(todo))))
    done = [hits[i] if i in hits else next(linted_todo) for i in range(len(tasks))]
    outcomes = [d[1] for d in done] if _FIX is not None else []
    linted = [d[0] for d in done] if _FIX is not None else done
    real_paths = [(task[0], result) for task, result in zip(tasks, linted, strict=True)]
    if args.diff:
        return _diff(tasks, linted, outcomes, args)
    if outcomes:
        from ml_lint_nb.cli.outcomes import fix_summary

        for line in fix_summary(linted, outcomes, args.unsafe_fixes, quiet=args.quiet):
            print(f"{PROG}: {line}", file=sys.stderr)
    if args.write_baseline or args.baseline:
        from ml_lint_nb.cli.outcomes import BaselineError, record_baseline, use_baseline

        try:
            if args.write_baseline:
                line = record_baseline(args.write_baseline, real_paths, tool_version())
                print(f"{PROG}: {line}", file=sys.stderr)
                errors = [r for r in linted + collector.skipped if r.error is not None]
                for result in errors:
                    _err(f"{result.path}: {result.error}")
                return EXIT_ERROR if errors or collector.missing else EXIT_OK
            note = use_baseline(args.baseline, real_paths)
        except BaselineError as exc:
            _err(str(exc))
            return EXIT_ERROR
        if note and not args.quiet:
            print(f"{PROG}: {note}", file=sys.stderr)
    files = linted + collector.skipped
    files.sort(key=lambda f: f.path or "")
    mode = "execute" if args.execute else "static"
    run = RunResult(files=files, not_evaluated=not_evaluated_codes(global_config, mode))
    try:
        _write(render_report(run, args, _use_color(args)), args.output)
    except OSError as exc:
        _err(f"--output: {args.output}: {exc.strerror or exc}")
        return EXIT_ERROR
    if collector.missing:  # a mistyped path is a usage error, even with --exit-zero
        return EXIT_ERROR
    return exit_code(run, args.fail_on, args.exit_zero)


def _diff(
    tasks: list[tuple[str, Config, str]],
    linted: list[FileResult],
    outcomes: list[Any],
    args: argparse.Namespace,
) -> int:
    """``--diff``: the fixes as a unified diff per changed cell; nothing is written."""
    from ml_lint_nb.cli.outcomes import diff_text, fix_summary

    try:
        _write(diff_text([t[2] for t in tasks], outcomes), args.output)
    except OSError as exc:
        _err(f"--output: {args.output}: {exc.strerror or exc}")
        return EXIT_ERROR
    for line in fix_summary(linted, outcomes, args.unsafe_fixes, quiet=args.quiet, dry=True):
        print(f"{PROG}: {line}", file=sys.stderr)
    if any(r.error is not None for r in linted):
        return EXIT_ERROR
    changed = any(o.changed for o in outcomes)
    return EXIT_FINDINGS if changed and not args.exit_zero else EXIT_OK


def command_clean(args: argparse.Namespace) -> int:
    """Remove the cache folders in and under the working directory (and a given one)."""
    from ml_lint_nb.cli.cache import clean_command

    removed, refused = clean_command(os.getcwd(), [args.cache_dir, os.environ.get(_CACHE_ENV)])
    for directory in refused:
        _warn(
            f"{directory}: not a cache folder of ml-lint-nb (no CACHEDIR.TAG of ours); left alone"
        )
    for directory in removed:
        print(f"Removing cache at: {display_path(directory)}", file=sys.stderr)
    return EXIT_OK


# -- rules and explain ----------------------------------------------------------------------------


def _detect(rule: type[Rule]) -> str:
    return ",".join(d for d in ("static", "live") if d in rule.detect)


def _fix_column(rule: type[Rule]) -> str:
    from ml_lint_nb.rules.fixes import applicability

    kind = applicability(rule.code)
    return f"fix:{kind}" if kind else ""


def rules_table(rules: Sequence[type[Rule]]) -> str:
    """One aligned line per rule: code, name, severity, detect, fix, summary.

    The fix column says whether ``--fix`` (``fix:safe``) or only
    ``--unsafe-fixes`` (``fix:unsafe``) can repair the rule's findings.
    """
    rows = [
        (r.code, r.name, r.severity.value, _detect(r), _fix_column(r), r.summary) for r in rules
    ]
    widths = [max((len(row[i]) for row in rows), default=0) for i in range(5)]
    lines = []
    for row in rows:
        cols = [value.ljust(widths[i]) for i, value in enumerate(row[:5])]
        lines.append("  ".join([*cols, row[5]]).rstrip())
    return "".join(line + "\n" for line in lines)


def command_rules(args: argparse.Namespace) -> int:
    from ml_lint_nb.rules.fixes import applicability
    from ml_lint_nb.rules.registry import RULES

    if args.format == "json":
        import json

        catalogue = [
            {
                **r.metadata(),
                "fix_applicability": applicability(r.code),
                "thresholds": [
                    {"name": t.name, "default": t.default, "help": t.help} for t in r.thresholds
                ],
            }
            for r in RULES
        ]
        sys.stdout.write(json.dumps(catalogue, indent=2) + "\n")
    else:
        sys.stdout.write(rules_table(RULES))
    return EXIT_OK


def command_explain(args: argparse.Namespace) -> int:
    from ml_lint_nb.docs import rule_markdown
    from ml_lint_nb.rules.registry import UnknownSelector, get_rule

    try:
        rule = get_rule(args.rule)
    except UnknownSelector as exc:
        _err(str(exc))
        return EXIT_ERROR
    sys.stdout.write(rule_markdown(rule))
    return EXIT_OK


# -- entry point ----------------------------------------------------------------------------------

COMMANDS = {
    "check": command_check,
    "rules": command_rules,
    "explain": command_explain,
    "clean": command_clean,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code (argparse's own exits included)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, usage errors
        return exc.code if isinstance(exc.code, int) else EXIT_ERROR
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_ERROR
    try:
        return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # ``ml-lint-nb check | head``: the reader left, not an error
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
