"""Neutralise IPython syntax so that a code cell parses as Python, line for line.

Why: the static extractor runs ``ast.parse`` on every code cell, and a
finding must point at the user's own line and column. IPython's own
transformer rewrites magics into ``get_ipython()`` calls and may join
continued lines; here every physical line stays where it was, a magic that
wraps a Python statement (``%time model.fit(X, y)``) keeps that statement at
its column, and everything else IPython-only becomes ``pass`` at the same
indentation (so a magic inside an ``if`` block stays valid).

Why not :mod:`tokenize`: it raises or changes behaviour across Python
versions on the very characters we look for (``!``, ``?``), and the CLI runs
this on thousands of cells per second. A regex decides in C whether a cell
has any candidate line at all (almost none do); only then a small lexical
scanner tracks strings, brackets and backslash continuations, so that lines
inside a docstring or a bracketed expression are never touched.
"""

from __future__ import annotations

import re

# Assigned in place of a shell capture (``x = !ls``) so that ``x`` stays a
# binding for the dataflow; the call is never executed.
SHELL_CALL = "__ipython_shell__()"

# Cell magics whose body is Python (their first line is blanked).
_PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug"})

# Line magics whose argument is a Python statement, with the short options
# that take a value (getopt style); None: no short options (``%time -x``
# times the expression ``-x``).
_PYTHON_LINE_MAGICS: dict[str, str | None] = {
    "time": None,
    "timeit": "nrp",
    "prun": "DlsT",
    "debug": "b",
}
_LONG_OPTIONS_WITH_VALUE = frozenset({"--breakpoint"})

# A statement that cannot follow ``pass;`` on the same line.
_COMPOUND_STARTS = frozenset({"for", "while", "if", "with", "try", "def", "class", "async", "@"})

# Cheap first test (see _may_have_ipython): a line starting with an IPython
# escape, a shell/magic assignment, or a line ending with ``?``. Each pattern
# starts with a literal, which the regex engine searches for in C; one
# alternation with ``^`` would be five times slower. False positives are fine.
_ESCAPE_AT_START = re.compile(r"[ \t]*[%!?/,;]")
_ESCAPE_AFTER_NEWLINE = re.compile(r"\n[ \t]*[%!?/,;]")
_ASSIGN_MAGIC_HINT = re.compile(r"=[ \t]*[!%]")
_QUESTION_AT_END = re.compile(r"\?[ \t\r]*(?:\n|$)")


class _SlowPath:
    """Regexes only the slow path needs, compiled on first use (import time matters)."""

    def __init__(self) -> None:
        # ``target = !cmd`` / ``target = %magic ...``: the target has no ``=``,
        # ``;`` or ``#``, and the ``=`` is not part of ``==``, ``+=``, ``:=``...
        self.magic_assign = re.compile(
            r"(?P<lhs>[ \t]*[^\s=;#%!?][^=;#]*?)[ \t]*(?<![!<>:+\-*/%&|^@~=])=(?!=)[ \t]*(?=[!%])"
        )
        self.magic_name = re.compile(r"%(?P<name>\w*)")
        self.cell_magic_name = re.compile(r"%%(?P<name>\S*)")
        self.first_word = re.compile(r"[A-Za-z_]\w*|@")
        # Lexical scanner: what matters outside strings.
        self.significant = re.compile(r"'''|\"\"\"|['\"#\\()\[\]{}]")
        # Inside a string: an escape (possibly of the newline) or the closing quote.
        self.string_end = {
            q: re.compile(r"\\[\s\S]?|" + re.escape(q)) for q in ("'", '"', "'''", '"""')
        }


_slow_path: _SlowPath | None = None


def _patterns() -> _SlowPath:
    global _slow_path
    if _slow_path is None:
        _slow_path = _SlowPath()
    return _slow_path


_OPEN = frozenset("([{")
_CLOSE = frozenset(")]}")


def neutralise(source: str) -> tuple[str | None, str | None]:
    """Return ``(python_source, skip_reason)`` for one code cell.

    ``python_source`` has exactly as many lines as ``source``; it is None
    when the whole cell is not Python (``%%bash``, ``%%sql``...), and then
    ``skip_reason`` says why. The output is not guaranteed to parse: a
    real syntax error in the user's code stays one.
    """
    if not _may_have_ipython(source):
        return source, None
    return _neutralise_cell(source)


def _neutralise_cell(source: str) -> tuple[str | None, str | None]:
    """The full scanner behind :func:`neutralise`, without the fast path."""
    lines = source.split("\n")
    first = _first_nonblank(lines)
    # Only spaces and tabs indent a magic, as in _rewrite_escaped and the
    # fast path. (IPython splits lines with str.splitlines, so for it
    # ``\x0c%%bash`` is a blank line and a cell magic; we split at ``\n``.)
    if first is not None and lines[first].lstrip(" \t").startswith("%%"):
        m = _patterns().cell_magic_name.match(lines[first].lstrip(" \t"))
        name = m.group("name") if m else ""
        if name not in _PYTHON_CELL_MAGICS:
            return None, f"cell magic %%{name}: not Python"
        lines[first] = "\r" if lines[first].endswith("\r") else ""
    return "\n".join(_neutralise_lines(lines)), None


def _may_have_ipython(source: str) -> bool:
    """The fast path: most cells have no IPython syntax at all.

    It must over-approximate :func:`_neutralise_cell`: whenever that would
    change a cell, this says True.
    """
    if _ESCAPE_AT_START.match(source) or _ESCAPE_AFTER_NEWLINE.search(source):
        return True
    if ("!" in source or "%" in source) and _ASSIGN_MAGIC_HINT.search(source):
        return True
    return "?" in source and _QUESTION_AT_END.search(source) is not None


def _first_nonblank(lines: list[str]) -> int | None:
    """IPython drops leading blank lines before looking for ``%%magic``."""
    for i, line in enumerate(lines):
        if line.strip():
            return i
    return None


def _neutralise_lines(lines: list[str]) -> list[str]:
    """Rewrite the IPython-only lines that start a logical line, in place."""
    out = lines
    quote: str | None = None
    depth = 0
    cont = False
    i = 0
    n = len(lines)
    while i < n:
        raw = lines[i]
        cr = "\r" if raw.endswith("\r") else ""
        line = raw[:-1] if cr else raw
        at_start = quote is None and depth == 0 and not cont
        if at_start:
            rewritten = _rewrite_escaped(line)
            if rewritten is not None:
                new_line, python_tail = rewritten
                out[i] = new_line + cr
                if python_tail is None:
                    # The magic's text runs over backslash-continued lines:
                    # blank them, keeping the line count.
                    while _ends_with_continuation(line) and i + 1 < n:
                        i += 1
                        line = lines[i]
                        cr = "\r" if line.endswith("\r") else ""
                        line = line[:-1] if cr else line
                        out[i] = cr
                    quote, depth, cont = None, 0, False
                else:
                    quote, depth, cont, _ = _scan_line(python_tail, None, 0)
                i += 1
                continue
        quote, depth, cont, last = _scan_line(line, quote, depth)
        if at_start and last == "?" and quote is None and depth == 0 and not cont:
            out[i] = _indent(line) + "pass" + cr  # ``obj?`` / ``obj??``: help
        i += 1
    return out


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def _ends_with_continuation(line: str) -> bool:
    """An odd number of trailing backslashes escapes the newline."""
    stripped = line.rstrip("\\")
    return (len(line) - len(stripped)) % 2 == 1


def _rewrite_escaped(line: str) -> tuple[str, str | None] | None:
    """Rewrite a line that starts a statement with IPython syntax.

    Returns None if the line is ordinary Python, else ``(new_line,
    python_tail)`` where ``python_tail`` is the Python text kept from the
    magic (to be scanned for strings and brackets), or None if nothing was
    kept and backslash-continued lines belong to the magic.
    """
    stripped = line.lstrip(" \t")
    if not stripped:
        return None
    indent = line[: len(line) - len(stripped)]
    first = stripped[0]
    if first == "%":
        if stripped.startswith("%%"):
            return indent + "pass", None
        return _rewrite_line_magic(indent, stripped)
    if first in "!?/,;":
        return indent + "pass", None
    if "=" in stripped:
        return _rewrite_magic_assign(line)
    return None


def _rewrite_line_magic(indent: str, stripped: str) -> tuple[str, str | None]:
    """``%time stmt`` keeps ``stmt`` at its column; other magics become ``pass``."""
    m = _patterns().magic_name.match(stripped)
    name = m.group("name") if m else ""
    start = _python_start(stripped, m.end() if m else 1, name)
    if start is None:
        return indent + "pass", None
    tail = stripped[start:]
    head = _patterns().first_word.match(tail)
    if head and head.group() in _COMPOUND_STARTS:
        # ``pass; for ...`` is not Python: keep the statement, lose the column.
        return indent + tail, tail
    return indent + "pass;" + " " * (start - 5) + tail, tail


def _python_start(text: str, after_name: int, name: str) -> int | None:
    """Offset in ``text`` where the Python statement of a ``%time``-like magic starts.

    None when the magic does not wrap Python or has no statement.
    """
    if name not in _PYTHON_LINE_MAGICS:
        return None
    if after_name < len(text) and text[after_name] not in " \t":
        return None  # ``%timeit(x)`` is not a magic call with an argument
    valued = _PYTHON_LINE_MAGICS[name]
    pos = after_name
    n = len(text)
    while True:
        while pos < n and text[pos] in " \t":
            pos += 1
        if pos >= n:
            return None
        if text[pos] != "-" or pos + 1 >= n or text[pos + 1] in " \t":
            return pos
        end = pos
        while end < n and text[end] not in " \t":
            end += 1
        option = text[pos:end]
        if option.startswith("--"):
            takes_value = option in _LONG_OPTIONS_WITH_VALUE
        elif valued is None:
            return pos  # ``%time -x``: the minus is Python
        else:
            takes_value = _short_option_needs_value(option, valued)
        pos = end
        if takes_value:
            while pos < n and text[pos] in " \t":
                pos += 1
            while pos < n and text[pos] not in " \t":
                pos += 1


def _short_option_needs_value(option: str, valued: str) -> bool:
    """getopt: ``-qn3`` carries its value, ``-qn`` takes the next word."""
    letters = option[1:]
    for j, ch in enumerate(letters):
        if ch in valued:
            return j == len(letters) - 1
    return False


def _rewrite_magic_assign(line: str) -> tuple[str, str | None] | None:
    """``x = !ls`` / ``x = %sx ls`` keep ``x`` bound; ``x = %time f()`` keeps ``f()``."""
    m = _patterns().magic_assign.match(line)
    if m is None:
        return None
    quote, depth, cont, _ = _scan_line(m.group("lhs"), None, 0)
    if quote is not None or depth or cont:
        return None  # the ``=`` is inside a call or a string: ``f("a=%s" % x)``
    rhs_at = m.end()
    rhs = line[rhs_at:]
    if rhs.startswith("%") and not rhs.startswith("%%"):
        name_m = _patterns().magic_name.match(rhs)
        if name_m and name_m.group("name") == "time":
            start = _python_start(rhs, name_m.end(), "time")
            if start is not None:
                tail = rhs[start:]
                return line[:rhs_at] + " " * start + tail, tail
    return line[:rhs_at] + SHELL_CALL, None


def _scan_line(line: str, quote: str | None, depth: int) -> tuple[str | None, int, bool, str]:
    """Advance the lexical state over one physical line (without its newline).

    Returns ``(quote, depth, continued, last)``: the string still open at
    the end of the line, the bracket depth, whether a backslash continues
    the line, and the last character before trailing spaces and tabs, where
    a string counts as its quote and a comment as ``#``. ``"?"`` marks
    IPython's ``obj?`` help: a comment or a string after the ``?`` rules it
    out (IPython runs ``obj?  # note`` as Python, a syntax error), and so
    does other trailing whitespace (``_QUESTION_AT_END`` must match).
    """
    pos = 0
    n = len(line)
    last = ""
    significant = _patterns().significant.search
    while pos < n:
        if quote is not None:
            end = _string_end(line, pos, quote)
            if end < 0:
                if len(quote) == 1 and not _ends_with_continuation(line):
                    quote = None  # unterminated one-line string: ends here
                return quote, depth, False, last
            pos = end
            quote = None
            last = "'"
            continue
        m = significant(line, pos)
        if m is None:
            tail = line[pos:].rstrip(" \t")
            if tail:
                last = tail[-1]
            break
        before = line[pos : m.start()].rstrip(" \t")
        if before:
            last = before[-1]
        tok = m.group()
        pos = m.end()
        if tok == "#":
            last = tok
            break
        if tok == "\\":
            if pos >= n:
                return None, depth, True, last
            last = tok  # a stray backslash (a syntax error)
            continue
        if tok in _OPEN:
            depth += 1
            last = tok
        elif tok in _CLOSE:
            depth = depth - 1 if depth > 0 else 0
            last = tok
        else:
            quote = tok
            last = "'"
    return quote, depth, False, last


def _string_end(line: str, pos: int, quote: str) -> int:
    """Offset just after the closing ``quote`` in ``line``, or -1 if still open."""
    pattern = _patterns().string_end[quote]
    while True:
        m = pattern.search(line, pos)
        if m is None:
            return -1
        if m.group()[0] != "\\":
            return m.end()
        pos = m.end()
