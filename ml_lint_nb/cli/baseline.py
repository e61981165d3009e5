"""``check --write-baseline FILE`` and ``check --baseline FILE``: fail only on new findings.

A team that adopts the linter on an existing repository records today's
findings once; from then on a check reports, and fails on, only the others.
A finding matches a recorded one by its notebook, its code, its subject
(the names it is about) and a hash of the normalised source of the cells
involved (its own cell and its related places: the split, the fit, the
evaluation), taken as a set: comments and whitespace do not count, and
neither does the order of cells, so reformatting, editing other cells or
moving cells around does not bring an old finding back, while rewriting
an involved cell does (it may fix the problem or make a new one: a
reviewer should look). Each entry matches at most one finding, so the
same kind of problem on other data is new (a repeat of one pattern on the
same data is one finding with one more place, and stays matched).

Paths are stored relative to the baseline file's folder, with ``/``, so the
file works from any working directory and on any system. Entries that no
longer match anything are stale: reported in one line, never an error.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import tokenize
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ml_lint_nb.findings import FileResult, Finding

BASELINE_VERSION = 1
_SKIP = (tokenize.COMMENT, tokenize.NL, tokenize.ENCODING, tokenize.ENDMARKER)


class BaselineError(Exception):
    """The baseline file cannot be read or is not one; the message says why."""


def normalise(source: str) -> str:
    """A cell's code without comments, blank lines and layout: one token after another.

    Indentation still counts (it is structure), spacing and line breaks
    inside brackets do not. A cell that does not tokenize (a magic, a
    syntax error) falls back to its text with ``#`` comments and all
    whitespace removed.
    """
    tokens: list[str] = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type in _SKIP:
                continue
            if tok.type == tokenize.NEWLINE:
                tokens.append(";")
            elif tok.type == tokenize.INDENT:
                tokens.append("{")
            elif tok.type == tokenize.DEDENT:
                tokens.append("}")
            else:
                tokens.append(tok.string)
    except (tokenize.TokenError, SyntaxError, IndentationError):
        text = "\n".join(re.sub(r"#.*$", "", line) for line in source.splitlines())
        return re.sub(r"\s+", "", text)
    return " ".join(tokens)


def cell_hash(source: str) -> str:
    return hashlib.sha256(normalise(source).encode("utf-8", "surrogatepass")).hexdigest()[:16]


@dataclass(frozen=True)
class Key:
    """What identifies a finding across edits of other cells: path, code, subject, cell hashes.

    ``cell_hash`` covers the finding's own cell (the code to change),
    ``cells_hash`` every involved cell as a set. A recorded finding matches
    when either still holds: editing a related cell (a fix of another
    finding in the split cell) keeps the first, moving cells (which may
    move where the finding is placed among its cells) keeps the second.
    """

    path: str
    code: str
    subject: tuple[str, ...]
    cell_hash: str
    cells_hash: str

    @property
    def identity(self) -> tuple[str, str, tuple[str, ...]]:
        return (self.path, self.code, self.subject)


def relative(path: str, base: str) -> str:
    """``path`` relative to ``base`` with forward slashes (as given when on another drive)."""
    try:
        rel = os.path.relpath(os.path.abspath(path), base)
    except ValueError:
        rel = path
    return rel.replace(os.sep, "/")


def cell_sources(result: FileResult, path: str) -> dict[int, str]:
    """The notebook's cell sources by position (empty when the file cannot be read again)."""
    from ml_lint_nb.facts.static.notebook import load_notebook
    from ml_lint_nb.facts.static.source import NotebookError

    try:
        nb = load_notebook(path)
    except NotebookError:
        return {}
    return {c.index: c.source for c in nb.cells}


def involved_cells(finding: Finding) -> set[int]:
    """The cells a finding is about: its own and its related places (the split, the fit, ...)."""
    cells = {finding.location.cell} | {r.location.cell for r in finding.related}
    return {c for c in cells if c is not None}


def key_of(finding: Finding, rel_path: str, sources: dict[int, str]) -> Key:
    """The finding's key: its own cell's hash, and the involved cells' hashes as a set."""
    own = finding.location.cell
    hashes = sorted({cell_hash(sources.get(c, "")) for c in involved_cells(finding)})
    digest = hashlib.sha256("\n".join(hashes).encode()).hexdigest()[:16]
    primary = cell_hash(sources.get(own, "")) if own is not None else cell_hash("")
    return Key(rel_path, finding.code, tuple(finding.subject), primary, digest)


def keys_of(results: Iterable[tuple[str, FileResult]], base: str) -> list[tuple[Key, Finding]]:
    """Each finding of the run with its key; ``results`` pairs a file's real path with its result."""
    out: list[tuple[Key, Finding]] = []
    for real_path, result in results:
        if not result.findings:
            continue
        sources = cell_sources(result, real_path)
        rel = relative(real_path, base)
        out.extend((key_of(f, rel, sources), f) for f in result.findings)
    return out


# -- the file -----------------------------------------------------------------------------------


def write_baseline(file: str, keyed: list[tuple[Key, Finding]], tool_version: str) -> None:
    entries = [
        {
            "path": key.path,
            "code": key.code,
            "subject": list(key.subject),
            "cell_hash": key.cell_hash,
            "cells_hash": key.cells_hash,
            "message": finding.message,
        }
        for key, finding in sorted(keyed, key=lambda kf: (kf[0].path, kf[1].sort_key()))
    ]
    doc = {
        "version": BASELINE_VERSION,
        "tool": {"name": "ml-lint-nb", "version": tool_version},
        "findings": entries,
    }
    text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    with open(file, "w", encoding="utf-8") as fh:
        fh.write(text)


def read_baseline(file: str) -> list[Key]:
    """The recorded keys, one per recorded finding."""
    try:
        with open(file, encoding="utf-8") as fh:
            doc = json.load(fh)
    except FileNotFoundError:
        raise BaselineError(f"{file}: no such file (write one with --write-baseline)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BaselineError(f"{file}: cannot read: {exc}") from None
    except json.JSONDecodeError as exc:
        raise BaselineError(f"{file}: not JSON: {exc.msg} (line {exc.lineno})") from None
    if not isinstance(doc, dict) or doc.get("version") != BASELINE_VERSION:
        raise BaselineError(f"{file}: not an ml-lint-nb baseline (version {BASELINE_VERSION})")
    entries = doc.get("findings")
    if not isinstance(entries, list):
        raise BaselineError(f"{file}: 'findings' is not a list")
    return [_entry_key(entry, f"{file}: findings[{i}]") for i, entry in enumerate(entries)]


def _entry_key(entry: Any, where: str) -> Key:
    if not isinstance(entry, dict):
        raise BaselineError(f"{where} is not an object")
    path, code = entry.get("path"), entry.get("code")
    own, cells = entry.get("cell_hash"), entry.get("cells_hash")
    subject = entry.get("subject", [])
    if not all(isinstance(v, str) for v in (path, code, own, cells)):
        raise BaselineError(f"{where}: path, code, cell_hash and cells_hash must be strings")
    if not isinstance(subject, list) or not all(isinstance(s, str) for s in subject):
        raise BaselineError(f"{where}: subject must be a list of strings")
    return Key(path, code, tuple(subject), own, cells)


@dataclass
class Filtered:
    """What a baseline left: how many findings it hid and how many of its entries went unused."""

    matched: int = 0
    stale: int = 0


def apply_baseline(
    results: list[tuple[str, FileResult]], baseline: list[Key], base: str
) -> Filtered:
    """Remove the findings the baseline records from each result (in place).

    Each recorded entry hides at most one finding: one whose cells are
    unchanged first, then one that keeps either its own cell or its set of
    cells.
    """
    open_entries: dict[tuple[str, str, tuple[str, ...]], list[Key]] = {}
    for key in baseline:
        open_entries.setdefault(key.identity, []).append(key)
    outcome = Filtered()
    keyed: list[tuple[FileResult, list[tuple[Key, Finding]]]] = []
    for real_path, result in results:
        if result.findings:
            sources = cell_sources(result, real_path)
            rel = relative(real_path, base)
            keyed.append((result, [(key_of(f, rel, sources), f) for f in result.findings]))
    hidden: set[int] = set()
    for exact in (True, False):
        for _result, pairs in keyed:
            for key, finding in pairs:
                if id(finding) in hidden:
                    continue
                candidates = open_entries.get(key.identity, [])
                match = next((e for e in candidates if _matches(e, key, exact)), None)
                if match is not None:
                    candidates.remove(match)
                    hidden.add(id(finding))
    for result, _pairs in keyed:
        result.findings = [f for f in result.findings if id(f) not in hidden]
    outcome.matched = len(hidden)
    linted = {relative(real_path, base) for real_path, _result in results}
    outcome.stale = sum(
        len(entries) for identity, entries in open_entries.items() if identity[0] in linted
    )
    return outcome


def _matches(entry: Key, key: Key, exact: bool) -> bool:
    own, cells = entry.cell_hash == key.cell_hash, entry.cells_hash == key.cells_hash
    return (own and cells) if exact else (own or cells)
