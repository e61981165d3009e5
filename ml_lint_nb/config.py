"""Configuration: the ``[tool.ml-lint-nb]`` table of a ``pyproject.toml``.

One :class:`Config` decides which rules run on which file, at which
severity and with which thresholds; the CLI, the API and the kernel hook all
read the same table, so a project silences a rule once for every front end.

Every key is validated when the file is read, and errors name the file and
the key: a typo in ``ignore`` must fail loudly rather than silently lint
with the wrong rules.
"""

from __future__ import annotations

import difflib
import functools
import os
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ml_lint_nb.findings import Severity

if TYPE_CHECKING:
    from ml_lint_nb.rules.base import Rule

TOOL_TABLES = ("ml-lint-nb", "ml_lint_nb")
CHECKPOINTS_DIR = ".ipynb_checkpoints"

# Canonical key -> accepted spellings (kebab and snake).
_KEYS: dict[str, tuple[str, ...]] = {
    "select": ("select",),
    "ignore": ("ignore",),
    "extend-select": ("extend-select", "extend_select"),
    "per-file-ignores": ("per-file-ignores", "per_file_ignores"),
    "exclude": ("exclude",),
    "severity": ("severity",),
    "thresholds": ("thresholds",),
    "live": ("live",),
}

# [tool.ml-lint-nb.live]: limits of the kernel hook (see facts/live/limits.py) and its display.
LIVE_KEYS: dict[str, type] = {
    "max_rows": int,
    "max_predict_rows": int,
    "max_columns": int,
    "budget_ms": float,
    "seed": int,
    "display": str,
    "impact_seconds": float,
    "impact_material_gap": float,
}


class ConfigError(Exception):
    """Invalid configuration; the message names the file and the key."""


@dataclass(frozen=True)
class Config:
    """Resolved settings for linting; selectors are kept as written and resolved on use.

    Selectors may be codes (``ML203``), names (``preprocessing-before-split``),
    prefixes (``ML2``) or ``ALL``.
    """

    select: tuple[str, ...] = ("ML",)
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    # glob (relative to the config file's directory, or matched against the
    # path's tail) -> selectors ignored in matching files
    per_file_ignores: dict[str, tuple[str, ...]] = field(default_factory=dict)
    exclude: tuple[str, ...] = ()
    severity: dict[str, Severity] = field(default_factory=dict)  # code -> severity
    thresholds: dict[str, dict[str, float]] = field(default_factory=dict)  # code -> name -> value
    live: dict[str, Any] = field(default_factory=dict)  # [tool.ml-lint-nb.live]
    source: Path | None = None

    # -- rule selection ---------------------------------------------------------
    @functools.cached_property
    def _base_codes(self) -> frozenset[str]:
        selected = _resolve_all(self.select) | _resolve_all(self.extend_select)
        return frozenset(selected - _resolve_all(self.ignore))

    @functools.cached_property
    def _per_file_patterns(self) -> tuple[tuple[re.Pattern[str], frozenset[str]], ...]:
        return tuple(
            (_compile_glob(glob), _resolve_all(selectors))
            for glob, selectors in self.per_file_ignores.items()
        )

    def enabled_codes(self, path: str | os.PathLike[str] | None) -> frozenset[str]:
        """Codes that run on ``path`` (``None``: the project-wide selection)."""
        codes = self._base_codes
        if path is None or not self.per_file_ignores:
            return codes
        candidates = self._candidates(path)
        for pattern, ignored in self._per_file_patterns:
            if any(pattern.fullmatch(c) for c in candidates):
                codes = codes - ignored
        return codes

    def severity_override(self, code: str) -> Severity | None:
        return self.severity.get(code)

    def rule_thresholds(self, code: str) -> dict[str, float]:
        return dict(self.thresholds.get(code, {}))

    # -- files --------------------------------------------------------------------
    @functools.cached_property
    def _exclude_patterns(self) -> tuple[re.Pattern[str], ...]:
        return tuple(_compile_glob(g) for g in self.exclude)

    def is_excluded(self, path: str | os.PathLike[str]) -> bool:
        """Whether ``path`` (a file or a directory) is excluded from linting.

        Anything under ``.ipynb_checkpoints`` is always excluded: those are
        Jupyter's autosave copies, and linting them reports every finding twice.
        A glob that matches a directory excludes everything below it.
        """
        parts = self._parts(path)
        if CHECKPOINTS_DIR in parts:
            return True
        if not self._exclude_patterns:
            return False
        for end in range(len(parts), 0, -1):  # the path itself, then each ancestor
            candidates = _tails(parts[:end])
            if any(p.fullmatch(c) for p in self._exclude_patterns for c in candidates):
                return True
        return False

    @functools.cached_property
    def _root(self) -> str | None:
        return None if self.source is None else os.path.dirname(str(self.source))

    def _parts(self, path: str | os.PathLike[str]) -> tuple[str, ...]:
        """The components globs are matched against: relative to the config's
        directory when the path lies inside it, else the path as given.

        String operations, not pathlib: this runs for every file and directory
        of a run. ``realpath`` (a syscall per component) only for a path that
        reaches the project through a symlink."""
        text = os.fspath(path)
        root = self._root
        if root is not None:
            prefix = root if root.endswith(os.sep) else root + os.sep
            absolute = os.path.abspath(text)
            if not absolute.startswith(prefix):
                absolute = os.path.realpath(text)
            if absolute.startswith(prefix):
                return tuple(_split_path(absolute[len(prefix) :]))
        return tuple(_split_path(os.path.normpath(os.path.splitdrive(text)[1])))

    def _candidates(self, path: str | os.PathLike[str]) -> tuple[str, ...]:
        return _tails(self._parts(path))

    # -- CLI flags ------------------------------------------------------------------
    def with_overrides(
        self,
        select: Iterable[str] | None = None,
        ignore: Iterable[str] | None = None,
        extend_select: Iterable[str] | None = None,
    ) -> Config:
        """Apply command-line flags.

        ``--select`` replaces the configured selection (and its
        ``extend-select``): on the command line the user names exactly what
        to run. ``--ignore`` and ``--extend-select`` add to the configuration.
        """
        changes: dict[str, Any] = {}
        if select is not None:
            changes["select"] = tuple(select)
            changes["extend_select"] = ()
        if extend_select is not None:
            base = changes.get("extend_select", self.extend_select)
            changes["extend_select"] = (*base, *extend_select)
        if ignore is not None:
            changes["ignore"] = (*self.ignore, *ignore)
        return replace(self, **changes) if changes else self


# -- selectors and globs --------------------------------------------------------------------------


def _resolve(selector: str) -> frozenset[str]:
    # Imported here: the registry imports every rule module, which ``--help``
    # and the config tests do not need.
    from ml_lint_nb.rules.registry import resolve_selector

    return resolve_selector(selector)


def _resolve_all(selectors: Iterable[str]) -> frozenset[str]:
    out: set[str] = set()
    for s in selectors:
        out |= _resolve(s)
    return frozenset(out)


def _split_path(text: str) -> list[str]:
    if os.altsep:
        text = text.replace(os.altsep, os.sep)
    return [p for p in text.split(os.sep) if p and p != "."]


def _tails(parts: tuple[str, ...]) -> tuple[str, ...]:
    """``a/b/c``, ``b/c``, ``c``: a glob may match the whole relative path or its tail."""
    return tuple("/".join(parts[i:]) for i in range(len(parts)))


@functools.lru_cache(maxsize=256)
def _compile_glob(glob: str) -> re.Pattern[str]:
    """A glob as a regex over ``/``-joined paths: ``*`` and ``?`` stay within one
    component, ``**`` spans any number of components, ``[...]`` is a class."""
    glob = glob.replace("\\", "/").strip("/")
    if glob.startswith("./"):
        glob = glob[2:]
    out: list[str] = []
    i = 0
    while i < len(glob):
        ch = glob[i]
        if glob.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif glob.startswith("**", i):
            out.append(".*")
            i += 2
        elif ch == "*":
            out.append("[^/]*")
            i += 1
        elif ch == "?":
            out.append("[^/]")
            i += 1
        elif ch == "[" and "]" in glob[i + 2 :]:
            end = glob.index("]", i + 2)
            body = glob[i + 1 : end]
            if body.startswith("!"):
                body = "^" + body[1:]
            out.append("[" + body.replace("\\", "\\\\") + "]")
            i = end + 1
        else:
            out.append(re.escape(ch))
            i += 1
    return re.compile("".join(out))


# -- loading --------------------------------------------------------------------------------------


def _shown(path: Path) -> str:
    """The file name as a user would type it: relative to the cwd when inside it."""
    try:
        return Path(os.path.abspath(path)).relative_to(os.getcwd()).as_posix()
    except ValueError:
        return str(path)


class _Reader:
    """Validates one ``[tool.ml-lint-nb]`` table, naming the file and key on error."""

    def __init__(self, path: Path, table_name: str) -> None:
        self.prefix = f"{_shown(path)}: [tool.{table_name}]"

    def error(self, key: str, message: str) -> ConfigError:
        return ConfigError(f"{self.prefix} {key}: {message}")

    def selectors(self, key: str, value: Any) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.error(key, f"expected a list of rule selectors, got {_type(value)}")
        for v in value:
            self.check_selector(key, v)
        return tuple(value)

    def check_selector(self, key: str, selector: str) -> frozenset[str]:
        from ml_lint_nb.rules.registry import UnknownSelector

        try:
            return _resolve(selector)
        except UnknownSelector:
            raise self.error(key, f"unknown rule selector {selector!r}") from None

    def globs(self, key: str, value: Any) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.error(key, f"expected a list of globs, got {_type(value)}")
        for glob in value:
            self.check_glob(key, glob)
        return tuple(value)

    def check_glob(self, key: str, glob: str) -> None:
        """A glob that cannot compile (``[z-a]``) is a configuration error, not a crash later."""
        try:
            _compile_glob(glob)
        except (re.error, ValueError, RecursionError) as exc:
            raise self.error(key, f"bad glob {_quote(glob)}: {exc}") from None

    def table(self, key: str, value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.error(key, f"expected a table, got {_type(value)}")
        return value

    def per_file_ignores(self, key: str, value: Any) -> dict[str, tuple[str, ...]]:
        out = {}
        for glob, selectors in self.table(key, value).items():
            self.check_glob(key, glob)
            out[glob] = self.selectors(f"{key}.{_quote(glob)}", selectors)
        return out

    def severity(self, key: str, value: Any) -> dict[str, Severity]:
        """Severity per code; a prefix sets every code it matches, and a more
        specific entry wins whatever the order in the file."""
        entries = []
        for selector, sev in self.table(key, value).items():
            subkey = f"{key}.{_quote(selector)}"
            if not isinstance(sev, str):
                raise self.error(subkey, f"expected a severity string, got {_type(sev)}")
            try:
                parsed = Severity.parse(sev)
            except ValueError as exc:
                raise self.error(subkey, str(exc)) from None
            entries.append((self.check_selector(subkey, selector), parsed))
        out: dict[str, Severity] = {}
        for codes, parsed in sorted(entries, key=lambda e: -len(e[0])):
            out.update(dict.fromkeys(codes, parsed))
        return out

    def thresholds(self, key: str, value: Any) -> dict[str, dict[str, float]]:
        from ml_lint_nb.rules.registry import RULES_BY_CODE

        out: dict[str, dict[str, float]] = {}
        for selector, values in self.table(key, value).items():
            subkey = f"{key}.{_quote(selector)}"
            codes = self.check_selector(subkey, selector)
            if len(codes) != 1:
                raise self.error(subkey, f"{selector!r} names {len(codes)} rules; name one rule")
            code = next(iter(codes))
            rule = RULES_BY_CODE[code]
            out.setdefault(code, {}).update(self.rule_values(subkey, rule, values))
        return out

    def live(self, key: str, value: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, item in self.table(key, value).items():
            subkey = f"{key}.{_quote(name)}"
            canonical = name.replace("-", "_")
            kind = LIVE_KEYS.get(canonical)
            if kind is None:
                hint = _did_you_mean(canonical, list(LIVE_KEYS))
                raise self.error(subkey, f"unknown key{hint}; known: {', '.join(LIVE_KEYS)}")
            if kind is str:
                if item not in ("html", "widgets"):
                    raise self.error(subkey, "expected 'html' or 'widgets'")
            elif isinstance(item, bool) or not isinstance(item, int | float) or item < 0:
                raise self.error(subkey, f"expected a non-negative number, got {_type(item)}")
            else:
                item = kind(item)
            out[canonical] = item
        return out

    def rule_values(self, key: str, rule: type[Rule], values: Any) -> dict[str, float]:
        known = {t.name.replace("-", "_"): t.name for t in rule.thresholds}
        out: dict[str, float] = {}
        for name, number in self.table(key, values).items():
            subkey = f"{key}.{_quote(name)}"
            canonical = known.get(name.replace("-", "_"))
            if canonical is None:
                if not known:
                    raise self.error(subkey, f"{rule.code} has no thresholds")
                hint = _did_you_mean(name, list(known.values()))
                raise self.error(
                    subkey,
                    f"unknown threshold {name!r} for {rule.code}{hint}; "
                    f"known: {', '.join(sorted(known.values()))}",
                )
            if isinstance(number, bool) or not isinstance(number, int | float):
                raise self.error(subkey, f"expected a number, got {_type(number)}")
            out[canonical] = float(number)
        return out


def _type(value: Any) -> str:
    return {
        str: "a string",
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        list: "a list",
        dict: "a table",
    }.get(type(value), type(value).__name__)


def _quote(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else f'"{key}"'


def _did_you_mean(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _tool_table(data: Mapping[str, Any]) -> tuple[str, Any] | None:
    tool = data.get("tool")
    if not isinstance(tool, dict):
        return None
    present = [name for name in TOOL_TABLES if name in tool]
    if not present:
        return None
    return present[0], tool[present[0]]


def _read_toml(pyproject: Path) -> dict[str, Any]:
    try:
        with open(pyproject, "rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{_shown(pyproject)}: invalid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{_shown(pyproject)}: cannot read: {exc.strerror or exc}") from None


def _canonical_keys(table: dict[str, Any], reader: _Reader) -> dict[str, Any]:
    """Map kebab/snake spellings onto one key; unknown keys fail with a hint."""
    spelling = {alias: key for key, aliases in _KEYS.items() for alias in aliases}
    out: dict[str, Any] = {}
    for key, value in table.items():
        canonical = spelling.get(key)
        if canonical is None:
            raise reader.error(key, f"unknown key{_did_you_mean(key, list(spelling))}")
        if canonical in out:
            raise reader.error(key, f"given twice (as {canonical!r} and {key!r})")
        out[canonical] = value
    return out


def load_config(pyproject: Path) -> Config:
    """Read ``[tool.ml-lint-nb]`` from ``pyproject``; ``Config(source=None)`` if absent."""
    pyproject = Path(pyproject)
    found = _tool_table(_read_toml(pyproject))
    if found is None:
        return Config(source=None)
    table_name, table = found
    reader = _Reader(pyproject, table_name)
    if not isinstance(table, dict):
        raise ConfigError(f"{reader.prefix}: expected a table, got {_type(table)}")
    values = _canonical_keys(table, reader)
    kwargs: dict[str, Any] = {"source": pyproject.resolve()}
    parsers = {
        "select": reader.selectors,
        "ignore": reader.selectors,
        "extend-select": reader.selectors,
        "per-file-ignores": reader.per_file_ignores,
        "exclude": reader.globs,
        "severity": reader.severity,
        "thresholds": reader.thresholds,
        "live": reader.live,
    }
    for key, value in values.items():
        kwargs[key.replace("-", "_")] = parsers[key](key, value)
    return Config(**kwargs)


def find_config(start: Path) -> Config:
    """The configuration for files in ``start`` (a directory, or a file's directory).

    Walks up to the first ``pyproject.toml`` with a ``[tool.ml-lint-nb]``
    table, like ruff and black, so a notebook deep in a project gets the
    project's settings; a ``pyproject.toml`` without the table is passed by.
    """
    start = Path(start)
    directory = start.parent if start.is_file() else start
    return _find_in_directory(os.path.abspath(directory))


@functools.lru_cache(maxsize=1024)
def _find_in_directory(directory: str) -> Config:
    candidate = Path(directory, "pyproject.toml")
    if candidate.is_file():
        config = load_config(candidate)
        if config.source is not None:
            return config
    parent = os.path.dirname(directory)
    if parent == directory:
        return Config()
    return _find_in_directory(parent)


def clear_config_cache() -> None:
    """Forget discovered configurations (tests, and a kernel whose files changed)."""
    _find_in_directory.cache_clear()
