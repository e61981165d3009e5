"""Write new cell sources into a notebook file, leaving every other byte as it was.

Re-serialising a notebook with ``json.dumps`` would re-indent it, reorder
nothing but still rewrite every output and metadata value in the writer's
style, and a reviewer would see a diff far larger than the fix. Instead the
file's text is scanned (the standard library's JSON scanner, with
positions) for the ``"source"`` value of each cell, and only the values of
the edited cells are replaced, written in the style the file already uses
(a list of lines or one string, its indentation, ASCII escapes or not).
Outputs, ids, metadata, key order and the final newline are untouched.

Cells are numbered as the reader numbers them (1-based among the entries
of ``cells`` that are objects), so a finding's ``cell`` is the index here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from json.decoder import scanstring

_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


class NotebookWriteError(Exception):
    """The file's JSON is not in a shape whose sources can be replaced in place."""


def _skip(text: str, i: int) -> int:
    return _WS.match(text, i).end()  # type: ignore[union-attr]


def _members(text: str, i: int) -> Iterator[tuple[str, int, int]]:
    """``(key, value start, value end)`` of the object that starts at ``text[i] == "{"``."""
    if text[i] != "{":
        raise NotebookWriteError("expected an object")
    i = _skip(text, i + 1)
    if text[i] == "}":
        return
    while True:
        if text[i] != '"':
            raise NotebookWriteError("expected a key")
        key, i = scanstring(text, i + 1)
        i = _skip(text, i)
        if text[i] != ":":
            raise NotebookWriteError("expected ':'")
        start = _skip(text, i + 1)
        _value, end = _DECODER.raw_decode(text, start)
        yield key, start, end
        i = _skip(text, end)
        if text[i] == ",":
            i = _skip(text, i + 1)
            continue
        if text[i] != "}":
            raise NotebookWriteError("expected ',' or '}'")
        return


def _elements(text: str, i: int) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each element of the array that starts at ``text[i] == "["``."""
    if text[i] != "[":
        raise NotebookWriteError("expected an array")
    i = _skip(text, i + 1)
    if text[i] == "]":
        return
    while True:
        _value, end = _DECODER.raw_decode(text, i)
        yield i, end
        i = _skip(text, end)
        if text[i] == ",":
            i = _skip(text, i + 1)
            continue
        if text[i] != "]":
            raise NotebookWriteError("expected ',' or ']'")
        return


def source_spans(text: str) -> dict[int, tuple[int, int]]:
    """Cell position -> (start, end) of its ``"source"`` value in ``text`` (a v4 notebook)."""
    start = _skip(text, 0)
    top = {key: (s, e) for key, s, e in _members(text, start)}
    if "cells" not in top:
        raise NotebookWriteError("no cells")
    spans: dict[int, tuple[int, int]] = {}
    position = 0
    for s, _e in _elements(text, top["cells"][0]):
        if text[s] != "{":
            continue  # not a cell; the reader does not number it either
        position += 1
        found = None
        for key, vs, ve in _members(text, s):
            if key == "source":
                found = (vs, ve)  # the last one wins, as in json.loads
        if found is not None:
            spans[position] = found
    return spans


def _style(text: str, spans: Mapping[int, tuple[int, int]]) -> tuple[str, str] | None:
    """(separator between lines, whitespace before ``]``) of the file's multi-line sources."""
    for start, end in spans.values():
        if text[start] != "[":
            continue
        items = list(_elements(text, start))
        if len(items) >= 2:
            return text[items[0][1] : items[1][0]], text[items[-1][1] : end - 1]
        if len(items) == 1:
            lead = text[start + 1 : items[0][0]]
            return "," + lead, text[items[0][1] : end - 1]
    return None


def _line_indent(text: str, at: int) -> str:
    line_start = text.rfind("\n", 0, at) + 1
    line = text[line_start:at]
    return line[: len(line) - len(line.lstrip(" \t"))]


def _encode(value: str, ascii_only: bool) -> str:
    return json.dumps(value, ensure_ascii=ascii_only)


def replace_sources(text: str, sources: Mapping[int, str]) -> str:
    """``text`` with the ``"source"`` of each given cell replaced by the new source.

    The new value keeps the old one's form: a list of lines (Jupyter's
    form) in the file's own layout, or a single string.
    """
    spans = source_spans(text)
    missing = [cell for cell in sources if cell not in spans]
    if missing:
        raise NotebookWriteError(f"cell {missing[0]} has no source to replace")
    ascii_only = text.isascii() and "\\u" in text
    style = _style(text, spans)
    out = text
    for cell in sorted(sources, reverse=True):
        start, end = spans[cell]
        new = sources[cell]
        if text[start] == '"':
            value = _encode(new, ascii_only)
        else:
            lines = new.splitlines(keepends=True)
            if not lines:
                value = "[]"
            else:
                if style is None:
                    indent = _line_indent(text, start)
                    style = (",\n" + indent + " ", "\n" + indent)
                sep, close = style
                first_sep = sep[1:] if sep.startswith(",") else sep
                value = (
                    "["
                    + first_sep
                    + sep.join(_encode(line, ascii_only) for line in lines)
                    + close
                    + "]"
                )
        out = out[:start] + value + out[end:]
    check = json.loads(out)
    cells = [c for c in check.get("cells", []) if isinstance(c, dict)]
    for cell, new in sources.items():
        written = cells[cell - 1].get("source")
        if ("".join(written) if isinstance(written, list) else written) != new:
            raise NotebookWriteError(f"cell {cell}: the written source does not read back")
    return out
