"""The analysis cache: a notebook whose bytes, configuration and tool are unchanged is not re-read.

Like ruff's, the cache is a folder, ``.ml_lint_nb_cache/`` beside the
``pyproject.toml`` whose configuration applies (else in the working
directory), holding a ``CACHEDIR.TAG`` and a ``.gitignore`` that ignores it
all. Inside, one folder per tool fingerprint (the version, the package's
own files and the Python version: a changed rule never answers from an old
entry) and one small JSON file per notebook path, keyed by:

- the SHA-256 of the file's bytes,
- the effective configuration for that file (the raw table and the path
  that per-file globs are matched against),
- the tool fingerprint.

An entry per path, overwritten when the notebook changes, keeps the folder
as large as the project, not as its history. Entries are written to a
temporary file and renamed into place, so parallel workers (``--jobs``)
never see half an entry; an entry that is unreadable, too large, of the
wrong shape or for other bytes is a miss, never an error, and never trusted
beyond being rendered. ``--no-cache`` bypasses it, ``ml-lint-nb clean``
removes it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ml_lint_nb.config import Config
    from ml_lint_nb.findings import FileResult

CACHE_DIR_NAME = ".ml_lint_nb_cache"
CACHE_ENV = "ML_LINT_NB_CACHE_DIR"
TAG_SIGNATURE = "Signature: 8a477f597d28d172789f06886806bc55"
TAG = (
    f"{TAG_SIGNATURE}\n"
    "# This file is a cache directory tag created by ml-lint-nb.\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n"
)
GITIGNORE = "# Automatically created by ml-lint-nb.\n*\n"
ENTRY_FORMAT = 1
MAX_ENTRY_BYTES = 16 * 1024 * 1024


def tool_fingerprint(version: str) -> str:
    """The tool version, the Python version and the size and time of every package module.

    A development checkout changes rules without changing the version; its
    entries must not outlive the code that wrote them.
    """
    import ml_lint_nb

    root = os.path.dirname(os.path.abspath(ml_lint_nb.__file__))
    digest = hashlib.sha256(f"{version}|{sys.version_info[:2]}".encode())
    for path in sorted(_python_files(root)):
        try:
            info = os.stat(path)
        except OSError:
            continue
        digest.update(f"{os.path.relpath(path, root)}|{info.st_size}|{info.st_mtime_ns}\n".encode())
    return f"{version}-{digest.hexdigest()[:16]}"


def _python_files(root: str) -> Iterator[str]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in ("__pycache__", "labextension")]
        for name in filenames:
            if name.endswith((".py", ".json")):
                yield os.path.join(dirpath, name)


def config_fingerprint(config: Config) -> str:
    """The configuration as written (selection, severities, thresholds, per-file ignores)."""
    raw = {
        "select": list(config.select),
        "ignore": list(config.ignore),
        "extend_select": list(config.extend_select),
        "per_file_ignores": sorted((k, list(v)) for k, v in config.per_file_ignores.items()),
        "severity": sorted((k, v.value) for k, v in config.severity.items()),
        "thresholds": sorted((k, sorted(v.items())) for k, v in config.thresholds.items()),
        "root": str(config.source.parent) if config.source is not None else None,
    }
    return hashlib.sha256(json.dumps(raw, sort_keys=True).encode()).hexdigest()


class Cache:
    """The cache of one run; folders are created on the first entry written."""

    def __init__(self, fingerprint: str, directory: str | None = None) -> None:
        self.fingerprint = fingerprint
        self.directory = directory  # --cache-dir / ML_LINT_NB_CACHE_DIR; None: per project
        self._configs: dict[int, tuple[Config, str]] = {}
        self._ready: dict[str, bool] = {}

    # -- where --------------------------------------------------------------------------------
    def root_for(self, config: Config) -> str:
        """The cache folder for files under ``config``: beside its pyproject.toml, else cwd."""
        if self.directory is not None:
            return os.path.abspath(self.directory)
        base = str(config.source.parent) if config.source is not None else os.getcwd()
        return os.path.join(base, CACHE_DIR_NAME)

    def _config_key(self, config: Config) -> str:
        known = self._configs.get(id(config))
        if known is None or known[0] is not config:
            known = self._configs[id(config)] = (config, config_fingerprint(config))
        return known[1]

    def entry_path(self, path: str, config: Config) -> str:
        root = self.root_for(config)
        relative = os.path.relpath(os.path.abspath(path), os.path.dirname(root))
        text = f"{relative}\0{self._config_key(config)}"
        name = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        return os.path.join(root, self.fingerprint, name[:2], name + ".json")

    def key(self, data: bytes, config: Config) -> str:
        digest = hashlib.sha256(data)
        digest.update(b"\0" + self._config_key(config).encode() + b"\0" + self.fingerprint.encode())
        return digest.hexdigest()

    # -- read ---------------------------------------------------------------------------------
    def get(self, path: str, data: bytes, config: Config, display: str) -> FileResult | None:
        """The cached result for these bytes, or None (a miss, whatever went wrong)."""
        try:
            entry = _read_entry(self.entry_path(path, config))
            if entry is None or entry.get("format") != ENTRY_FORMAT:
                return None
            if entry.get("key") != self.key(data, config):
                return None
            return result_from_json(entry.get("result"), display)
        except Exception:  # a corrupt or hostile entry is a miss, never a crash
            return None

    # -- write --------------------------------------------------------------------------------
    def put(self, path: str, data: bytes, config: Config, result: FileResult) -> None:
        """Store a result (best effort: a read-only or full disk only loses the speed-up)."""
        if result.error is not None:
            return
        try:
            target = self.entry_path(path, config)
            root = self.root_for(config)
            if not self._prepare(root):
                return
            os.makedirs(os.path.dirname(target), exist_ok=True)
            payload = {
                "format": ENTRY_FORMAT,
                "key": self.key(data, config),
                "result": result_to_json(result),
            }
            text = json.dumps(payload, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
            fd, temp = tempfile.mkstemp(dir=os.path.dirname(target), prefix=".tmp-", suffix=".json")
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(text.encode("utf-8", "surrogatepass"))
                os.replace(temp, target)
            except BaseException:
                _unlink(temp)
                raise
        except (OSError, ValueError, TypeError):  # UnicodeError is a ValueError
            return

    def _prepare(self, root: str) -> bool:
        """Create the cache folder with its tag and .gitignore; refuse a folder that is a link."""
        ready = self._ready.get(root)
        if ready is not None:
            return ready
        ok = False
        try:
            if os.path.islink(root) or (os.path.exists(root) and not os.path.isdir(root)):
                ok = False
            else:
                os.makedirs(root, exist_ok=True)
                for name, content in (("CACHEDIR.TAG", TAG), (".gitignore", GITIGNORE)):
                    marker = os.path.join(root, name)
                    if not os.path.exists(marker):
                        with open(marker, "w", encoding="utf-8") as fh:
                            fh.write(content)
                _prune_other_versions(root, self.fingerprint)
                ok = True
        except OSError:
            ok = False
        self._ready[root] = ok
        return ok


def _unlink(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def _prune_other_versions(root: str, keep: str) -> None:
    """Entries of other tool builds can never be read again: remove them."""
    try:
        names = os.listdir(root)
    except OSError:
        return
    for name in names:
        full = os.path.join(root, name)
        if (
            name != keep
            and not name.startswith(".")
            and "-" in name
            and os.path.isdir(full)
            and not os.path.islink(full)
        ):
            shutil.rmtree(full, ignore_errors=True)


def _read_entry(path: str) -> dict[str, Any] | None:
    """An entry's JSON, read only from a regular file of bounded size."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_ENTRY_BYTES:
            return None
        with os.fdopen(fd, "rb", closefd=True) as fh:
            fd = -1
            raw = fh.read(MAX_ENTRY_BYTES + 1)
    finally:
        if fd >= 0:
            os.close(fd)
    data = json.loads(raw.decode("utf-8", "surrogatepass"))
    return data if isinstance(data, dict) else None


# -- results as JSON, read back strictly ------------------------------------------------------


def result_to_json(result: FileResult) -> dict[str, Any]:
    from ml_lint_nb.render.json_format import json_safe

    doc = result.to_json()
    doc.pop("path", None)
    # related places in full (the contract's JSON leaves out their column; SARIF shows it)
    for finding, out in zip(result.findings, doc["findings"], strict=True):
        out["related"] = [
            {**r.to_json(), "col": r.location.col, "execution_count": r.location.execution_count}
            for r in finding.related
        ]
    return json_safe(doc)


class _Bad(ValueError):
    pass


def _want(value: Any, *types: type) -> Any:
    if type(value) not in types:
        raise _Bad(f"expected {types}, got {type(value).__name__}")
    return value


def result_from_json(doc: Any, display: str) -> FileResult:
    """A :class:`FileResult` from an entry; any field of the wrong type raises."""
    from ml_lint_nb.findings import FileResult, Location, Note, Related, finding_from_json

    _want(doc, dict)
    mode = _want(doc.get("mode"), str)
    skipped = _want(doc.get("skipped"), str, type(None))
    if doc.get("error") is not None:
        raise _Bad("errors are not cached")
    findings = []
    for item in _want(doc.get("findings"), list):
        _check_finding(item)
        finding = finding_from_json(item)
        related = tuple(
            Related(
                Location(
                    cell=r["cell"],
                    cell_id=r["cell_id"],
                    line=r["line"],
                    col=_want(r.get("col"), int, type(None)),
                    execution_count=_want(r.get("execution_count"), int, type(None)),
                ),
                r["role"],
            )
            for r in item["related"]
        )
        findings.append(replace(finding, related=related))
    notes = []
    for item in _want(doc.get("notes"), list):
        _want(item, dict)
        notes.append(
            Note(_want(item.get("message"), str), _want(item.get("cell"), int, type(None)))
        )
    return FileResult(path=display, mode=mode, findings=findings, notes=notes, skipped=skipped)


def _check_finding(item: Any) -> None:
    from ml_lint_nb.findings import Severity

    _want(item, dict)
    for key in ("code", "name", "message", "fix"):
        _want(item.get(key), str)
    Severity(item.get("severity"))
    for key in ("cell", "line", "col", "execution_count"):
        _want(item.get(key), int, type(None))
    _want(item.get("cell_id"), str, type(None))
    for key in ("related", "evidence", "sources", "pitfalls", "subject"):
        _want(item.get(key), list)
    for rel in item["related"]:
        _want(rel, dict)
        _want(rel.get("role"), str)
        for key in ("cell", "line"):
            _want(rel.get(key), int, type(None))
        _want(rel.get("cell_id"), str, type(None))
    for ev in item["evidence"]:
        _want(ev, dict)
        for key in ("source", "kind", "text"):
            _want(ev.get(key), str)
        _want(ev.get("data"), dict)
    for value in (*item["sources"], *item["subject"]):
        _want(value, str)
    for value in item["pitfalls"]:
        _want(value, int)
    if item.get("fix_edit") is not None:
        from ml_lint_nb.edits import FixEdit

        FixEdit.from_json(item["fix_edit"])


# -- ml-lint-nb clean -------------------------------------------------------------------------


def is_cache_dir(path: str) -> bool:
    """A folder this tool made: not a link, with the tag this tool writes inside."""
    if os.path.islink(path) or not os.path.isdir(path):
        return False
    try:
        with open(os.path.join(path, "CACHEDIR.TAG"), encoding="utf-8") as fh:
            return fh.read(len(TAG) + 1) == TAG
    except (OSError, UnicodeDecodeError):
        return False


def find_cache_dirs(start: str) -> list[str]:
    """Cache folders under ``start`` (its own included), as ruff's ``clean`` finds its own."""
    found: list[str] = []
    for dirpath, dirnames, _files in os.walk(start):
        if CACHE_DIR_NAME in dirnames:
            found.append(os.path.join(dirpath, CACHE_DIR_NAME))
        dirnames[:] = [
            d
            for d in dirnames
            if d != CACHE_DIR_NAME
            and not d.startswith(".")
            and d not in ("node_modules", "__pycache__")
        ]
    return [d for d in found if is_cache_dir(d)]


def clean(directories: list[str]) -> list[str]:
    """Remove the given cache folders; the ones removed."""
    removed = []
    for directory in directories:
        if is_cache_dir(directory):
            shutil.rmtree(directory, ignore_errors=True)
            if not os.path.exists(directory):
                removed.append(directory)
    return removed


def clean_command(start: str, extra: list[str | None]) -> tuple[list[str], list[str]]:
    """``ml-lint-nb clean``: the folders removed, and those named but refused (not ours)."""
    found = find_cache_dirs(start)
    refused = []
    for directory in extra:
        if directory and is_cache_dir(directory):
            found.append(directory)
        elif directory and os.path.exists(directory):
            refused.append(directory)
    return clean(sorted(set(found))), refused
