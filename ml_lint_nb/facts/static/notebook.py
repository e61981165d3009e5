"""Load a ``.ipynb`` file into a :class:`NotebookSource`; nothing is executed.

Why not ``nbformat.read``: importing nbformat (and validating with
jsonschema) costs more than reading a typical notebook, and the CLI lints
hundreds of notebooks per second including interpreter start-up. A v4
notebook is plain JSON with simple semantics, so it is read directly with
the stdlib only; v3 is upgraded by hand the way nbformat does it, without
the random cell ids nbformat would mint (a cell id is only ever the file's).

Numbering: ``Cell.index`` is the 1-based position among the cells that are
JSON objects. An entry of ``cells`` that is not an object is ignored and
not numbered (Jupyter would refuse such a file; nothing sensible is shown
for it), so positions match what the user sees in every well-formed file.

Every problem with the input becomes a :class:`NotebookError` with a short
message; nothing else is raised for bad input.
"""

from __future__ import annotations

import errno
import json
import os
import re
import stat
from collections.abc import Iterator
from typing import Any

from ml_lint_nb.facts.static.ipython_syntax import neutralise
from ml_lint_nb.facts.static.source import Cell, NotebookError, NotebookSource
from ml_lint_nb.protocol import FINDINGS_MIME_TYPE, METADATA_KEY

# Outputs that an earlier live session displayed: our own findings, which
# must not be read back as evidence about the user's data.
FINDINGS_MIME = FINDINGS_MIME_TYPE
_OWN_METADATA_KEY = METADATA_KEY

_JSON_TYPE_NAMES = {
    list: "a list",
    str: "a string",
    int: "a number",
    float: "a number",
    bool: "a boolean",
    type(None): "null",
}

# v3 output keys -> v4 MIME types (nbformat.v4.convert).
_V3_MIME_KEYS = {
    "text": "text/plain",
    "html": "text/html",
    "latex": "text/latex",
    "json": "application/json",
    "javascript": "application/javascript",
    "svg": "image/svg+xml",
    "png": "image/png",
    "jpeg": "image/jpeg",
}

# A notebook bigger than this is not read (a notebook with many saved images
# reaches tens of MB; hundreds is a data file with the wrong suffix).
MAX_NOTEBOOK_BYTES = 256 * 1024 * 1024
# How much of one saved output the output parsers read: evidence (a
# value_counts, a describe table, a shape) sits in the first lines, and the
# parsers then see a bounded text whatever the notebook holds.
MAX_OUTPUT_CHARS = 100_000

_HTML_BREAK = r"<br\s*/?>|</(?:tr|p|div|li|h[1-6]|table|thead|tbody|caption)\s*>"


def load_notebook(path: str | os.PathLike[str], display_path: str | None = None) -> NotebookSource:
    """Read and parse the notebook at ``path``.

    ``display_path`` is what findings should call the file (a path relative
    to the project root, say); it defaults to ``path``.
    """
    return parse_notebook(
        read_regular_file(path), display_path if display_path is not None else os.fspath(path)
    )


def read_regular_file(path: str | os.PathLike[str], limit: int | None = None) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; anything else is a NotebookError.

    The file is opened without blocking and checked with ``fstat`` before a
    byte is read: a FIFO named ``*.ipynb`` would block ``open`` forever, and
    a link to ``/dev/zero`` would read without end. At most ``limit + 1``
    bytes are read, so a file growing while it is read cannot either.
    """
    limit = MAX_NOTEBOOK_BYTES if limit is None else limit
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise NotebookError(f"unreadable: {_os_error_text(exc)}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise OSError(errno.EISDIR, os.strerror(errno.EISDIR))
        if not stat.S_ISREG(info.st_mode):
            raise NotebookError(f"not a regular file ({_file_kind(info.st_mode)})")
        if info.st_size > limit:
            raise NotebookError(
                f"too large: {_megabytes(info.st_size)}, the limit is {_megabytes(limit)}"
            )
        with os.fdopen(fd, "rb", closefd=True) as f:
            fd = -1
            data = f.read(limit + 1)
    except OSError as exc:
        raise NotebookError(f"unreadable: {_os_error_text(exc)}") from None
    finally:
        if fd >= 0:
            os.close(fd)
    if len(data) > limit:
        raise NotebookError(f"too large: over {_megabytes(limit)}")
    return data


def _file_kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "not a file"


def _megabytes(n: int) -> str:
    return f"{n / 1_000_000:,.1f} MB"


def parse_notebook(data: bytes | str, path: str | None) -> NotebookSource:
    """Parse notebook JSON (bytes as read from disk, or text) into cells."""
    nb = _decode_json(_decode_text(data))
    if not isinstance(nb, dict):
        kind = _JSON_TYPE_NAMES.get(type(nb), "not an object")
        raise NotebookError(f"not a notebook: top-level JSON is {kind}")
    major = _nbformat_major(nb)
    metadata = nb.get("metadata")
    if not isinstance(metadata, dict):
        metadata = {}
    if major == 4:
        raw_cells = _v4_cells(nb)
    elif major == 3:
        raw_cells = _v3_cells(nb)
    elif major in (1, 2):
        raise NotebookError(
            f"nbformat {major} notebooks are not supported; open and save it in Jupyter to upgrade"
        )
    else:
        raise NotebookError(f"unsupported nbformat {major}")
    language = _language(metadata, raw_cells if major == 3 else ())
    python = language is None or _is_python(language)
    cells = tuple(_build_cells(raw_cells, python, language))
    return NotebookSource(
        path=path, cells=cells, language=language, nbformat=major, metadata=metadata
    )


def _os_error_text(exc: OSError) -> str:
    """``[Errno 13] Permission denied``, without repeating the path."""
    if exc.errno is not None and exc.strerror:
        return f"[Errno {exc.errno}] {exc.strerror}"
    return str(exc)


def _decode_text(data: bytes | str) -> str:
    if isinstance(data, bytes | bytearray | memoryview):
        raw = bytes(data)
        if b"\x00" in raw:
            raise NotebookError("binary file, not a notebook")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise NotebookError("binary file, not a notebook") from None
    elif isinstance(data, str):
        if "\x00" in data:
            raise NotebookError("binary file, not a notebook")
        text = data[1:] if data.startswith("\ufeff") else data
    else:
        raise NotebookError(f"not a notebook: cannot read {type(data).__name__}")
    if not text.strip():
        raise NotebookError("empty file, not a notebook")
    return text


def _decode_json(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise NotebookError(
            f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from None
    except RecursionError:
        raise NotebookError("not valid JSON: nested too deeply") from None
    except ValueError as exc:  # e.g. an integer with too many digits
        raise NotebookError(f"not valid JSON: {exc}") from None


def _nbformat_major(nb: dict[str, Any]) -> int:
    value = nb.get("nbformat")
    if value is None:
        raise NotebookError("not a notebook: no 'nbformat' version")
    if isinstance(value, bool):
        raise NotebookError(f"not a notebook: nbformat is {value!r}")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    raise NotebookError(f"not a notebook: nbformat is {str(value)[:40]!r}")


def _v4_cells(nb: dict[str, Any]) -> list[dict[str, Any]]:
    cells = nb.get("cells", [])
    if cells is None:
        return []
    if not isinstance(cells, list):
        raise NotebookError("not a notebook: 'cells' is not a list")
    return [c for c in cells if isinstance(c, dict)]


def _v3_cells(nb: dict[str, Any]) -> list[dict[str, Any]]:
    """Upgrade v3 cells to v4 shape; all worksheets are concatenated, as nbformat does."""
    worksheets = nb.get("worksheets")
    if not isinstance(worksheets, list):
        raise NotebookError("nbformat 3 notebook has no worksheets")
    cells: list[dict[str, Any]] = []
    for ws in worksheets:
        ws_cells = ws.get("cells") if isinstance(ws, dict) else None
        if isinstance(ws_cells, list):
            cells.extend(_upgrade_v3_cell(c) for c in ws_cells if isinstance(c, dict))
    return cells


def _upgrade_v3_cell(cell: dict[str, Any]) -> dict[str, Any]:
    cell_type = cell.get("cell_type")
    if cell_type == "code":
        outputs = cell.get("outputs")
        return {
            "cell_type": "code",
            "source": cell.get("input", ""),
            "execution_count": cell.get("prompt_number"),
            "outputs": [_upgrade_v3_output(o) for o in outputs if isinstance(o, dict)]
            if isinstance(outputs, list)
            else [],
            "language": cell.get("language"),
        }
    if cell_type == "heading":
        level = cell.get("level", 1)
        level = level if isinstance(level, int) and 1 <= level <= 6 else 1
        text = " ".join(_text(cell.get("source")).splitlines())
        return {"cell_type": "markdown", "source": f"{'#' * level} {text}"}
    return {"cell_type": cell_type, "source": cell.get("source", "")}


def _upgrade_v3_output(out: dict[str, Any]) -> dict[str, Any]:
    kind = out.get("output_type")
    if kind == "pyerr":
        return {"output_type": "error"}
    if kind == "stream":
        return {"output_type": "stream", "text": out.get("text", "")}
    data = {mime: out[key] for key, mime in _V3_MIME_KEYS.items() if key in out}
    data.update({k: v for k, v in out.items() if "/" in k})
    return {
        "output_type": "execute_result" if kind == "pyout" else "display_data",
        "data": data,
        "metadata": out.get("metadata", {}),
    }


def _language(metadata: dict[str, Any], v3_cells: Any) -> str | None:
    """Kernel language, lower-cased; None means "assume Python"."""
    for key, field in (("kernelspec", "language"), ("language_info", "name")):
        section = metadata.get(key)
        if isinstance(section, dict):
            value = section.get(field)
            if isinstance(value, str) and value.strip():
                return value.strip().lower()
    for cell in v3_cells:  # v3 cells carried their own language
        value = cell.get("language")
        if cell.get("cell_type") == "code" and isinstance(value, str) and value.strip():
            return value.strip().lower()
    return None


def _is_python(language: str) -> bool:
    return language.startswith(("python", "ipython"))


def _build_cells(
    raw_cells: list[dict[str, Any]], python: bool, language: str | None
) -> Iterator[Cell]:
    for index, raw in enumerate(raw_cells, start=1):
        cell_type = raw.get("cell_type")
        if cell_type not in ("code", "markdown", "raw"):
            cell_type = "raw"  # unknown types are shown as non-code
        cell_id = raw.get("id")
        cell_id = cell_id if isinstance(cell_id, str) and cell_id else None
        source = _text(raw.get("source"))
        if cell_type != "code":
            yield Cell(index=index, cell_id=cell_id, cell_type=cell_type, source=source)
            continue
        if python:
            code, skip_reason = _neutralise_one(source)
        else:
            code, skip_reason = None, f"kernel language {language}: not Python"
        count = raw.get("execution_count")
        yield Cell(
            index=index,
            cell_id=cell_id,
            cell_type="code",
            source=source,
            python=code,
            skip_reason=skip_reason,
            execution_count=count
            if isinstance(count, int) and not isinstance(count, bool)
            else None,
            outputs_text=_outputs_text(raw.get("outputs")),
        )


def _neutralise_one(source: str) -> tuple[str | None, str | None]:
    """One cell's IPython syntax neutralised; a cell that breaks it is skipped with a note,
    never the loss of the notebook."""
    try:
        return neutralise(source)
    except (RecursionError, MemoryError, ValueError) as exc:
        return None, f"could not read this cell ({type(exc).__name__})"


def _text(value: Any) -> str:
    """nbformat multiline strings: a string, or a list of strings to join."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(part for part in value if isinstance(part, str))
    return ""


def _outputs_text(outputs: Any) -> tuple[str, ...]:
    """Readable text of saved outputs, minus errors and ml-lint-nb's own findings."""
    if not isinstance(outputs, list):
        return ()
    texts = []
    for out in outputs:
        if not isinstance(out, dict):
            continue
        meta = out.get("metadata")
        if isinstance(meta, dict) and _OWN_METADATA_KEY in meta:
            continue
        text = _output_text(out)[:MAX_OUTPUT_CHARS]
        if text:
            texts.append(text)
    return tuple(texts)


def _output_text(out: dict[str, Any]) -> str:
    kind = out.get("output_type")
    if kind == "stream":
        return _text(out.get("text"))
    if kind not in ("execute_result", "display_data"):
        return ""  # errors (tracebacks) are not evidence about the data
    data = out.get("data")
    if not isinstance(data, dict) or FINDINGS_MIME in data:
        return ""
    plain = _text(data.get("text/plain"))
    if plain:
        return plain
    html = _text(data.get("text/html"))
    return _html_to_text(html) if html else ""


def _html_to_text(html: str) -> str:
    """Tags stripped, so a DataFrame saved only as HTML still reads as a table."""
    import html as html_module  # lazily, like the regexes: HTML-only outputs are rare

    text = _drop_scripts(html[:MAX_OUTPUT_CHARS])
    text = re.sub(_HTML_BREAK, "\n", text, flags=re.I)
    text = re.sub(r"</t[dh]\s*>", " ", text, flags=re.I)
    # ``<[^<>]*>``, not ``<[^>]*>``: a run of ``<`` without ``>`` would make
    # every ``<`` scan to the end of the text (quadratic); a tag holds no ``<``.
    text = html_module.unescape(re.sub(r"<[^<>]*>", "", text))
    lines = (re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


_SCRIPT_OPEN = re.compile(r"<(script|style)\b", re.I)


def _drop_scripts(html: str) -> str:
    """``html`` without ``<script>``/``<style>`` elements, in one pass.

    Each opening tag is matched to the first closing tag after it with
    ``str.find`` on a lower-cased copy; an element that is never closed
    drops the rest of the text (a lazy ``.*?`` regex instead rescans the
    remaining text at every unclosed opening: quadratic).
    """
    lower = html.lower()
    parts: list[str] = []
    pos = 0
    while True:
        m = _SCRIPT_OPEN.search(html, pos)
        if m is None:
            parts.append(html[pos:])
            break
        parts.append(html[pos : m.start()])
        close = lower.find("</" + m.group(1).lower(), m.end())
        if close < 0:
            break
        end = lower.find(">", close)
        if end < 0:
            break
        pos = end + 1
    return "".join(parts)
