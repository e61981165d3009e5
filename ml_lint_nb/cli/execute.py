"""``ml-lint-nb check --execute``: run a notebook in a fresh kernel with the live checks loaded.

The runner executes the cells itself, one by one, so it knows which cell
produced which output (kernels are not told cell positions). The live
findings come back as our MIME payload in each cell's outputs; they are
mapped to cell positions and merged with the static findings of the same
notebook into one ``"mode": "execute"`` result. The user's file is never
written.

With ``--impact``, once every cell has run, the runner types ``%mlcheck
impact`` in the same kernel (outside the history): each leak finding
attached to a model gets its ``impact`` (both scores and a verdict), and
what could not be measured becomes a note.
"""

from __future__ import annotations

import json
import subprocess
import warnings
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ml_lint_nb.config import Config
from ml_lint_nb.engine import lint_file
from ml_lint_nb.findings import (
    FileResult,
    Finding,
    Location,
    Note,
    finding_from_json,
    merge_findings,
    report_order,
)
from ml_lint_nb.protocol import FINDINGS_MIME_TYPE

MIME_TYPE = FINDINGS_MIME_TYPE
SETUP = "%load_ext ml_lint_nb"
IMPACT = "%mlcheck impact"


@dataclass(frozen=True)
class ExecuteOptions:
    kernel: str | None = None
    timeout: int = 600  # seconds per cell
    allow_errors: bool = False
    impact: bool = False  # measure what each leak costs after the last cell


class ExecuteUnavailable(Exception):
    """nbclient/ipykernel are missing, or no kernel can start."""


def execute_file(path: str, config: Config, display: str, options: ExecuteOptions) -> FileResult:
    static = lint_file(path, config, display)
    if static.error is not None or static.skipped is not None:
        return replace_mode(static)
    impacts: list[Finding] = []
    try:
        live, notes, stopped = run_notebook(Path(path), options, impacts)
    except ExecuteUnavailable as exc:
        result = replace_mode(static)
        result.error = str(exc)
        return result
    result = replace_mode(static)
    result.notes.extend(notes)
    result.findings = with_impacts(merge(static.findings, live), impacts)
    if stopped and not options.allow_errors:
        result.error = stopped.message
    return result


@dataclass(frozen=True)
class Stopped:
    """Why the run ended before the last cell: a cell that raised or ran out of time."""

    cell: int
    message: str


def replace_mode(result: FileResult) -> FileResult:
    return FileResult(
        path=result.path,
        mode="execute",
        findings=list(result.findings),
        notes=list(result.notes),
        error=result.error,
        skipped=result.skipped,
    )


def merge(static: list[Finding], live: list[Finding]) -> list[Finding]:
    """Static and kernel findings as one report, merged by identity (code + subject).

    A kernel finding backed only by code evidence was judged on the cells run
    so far (no baseline *yet*); the static run has read the whole notebook, so
    for code evidence it is the one that counts. The rest goes through the
    engine's one merge, which keeps the static place and quotes the kernel's
    measured numbers.
    """
    live = [f for f in live if "live" in f.sources]
    return report_order(merge_findings([*static, *live]))


def with_impacts(findings: list[Finding], measured: list[Finding]) -> list[Finding]:
    """Each finding with the impact ``%mlcheck impact`` measured for it (same code and subject)."""
    by_identity = {(f.code, f.subject): f.impact for f in measured if f.impact is not None}
    return [
        replace(f, impact=by_identity[(f.code, f.subject)])
        if (f.code, f.subject) in by_identity
        else f
        for f in findings
    ]


def run_notebook(
    path: Path, options: ExecuteOptions, impacts: list[Finding] | None = None
) -> tuple[list[Finding], list[Note], Stopped | None]:
    """Execute every code cell; collect the live findings each output carries.

    ``impacts`` receives the findings ``%mlcheck impact`` measured, when
    ``options.impact`` asks for it and every cell ran.
    """
    try:
        import nbformat
        from nbclient.exceptions import CellExecutionError, CellTimeoutError
    except ImportError:
        raise ExecuteUnavailable(
            "--execute needs nbclient and ipykernel: pip install 'ml-lint-nb[execute]'"
        ) from None
    raw = _normalised(json.loads(path.read_text("utf-8")))
    with warnings.catch_warnings():  # nbformat's notes on old files (missing ids) are not ours
        warnings.simplefilter("ignore")
        nb = nbformat.reads(json.dumps(raw), as_version=4)
    has_ids = _has_ids(path)
    kernel = options.kernel or "python3"
    client = _lean_client()(
        nb,
        timeout=options.timeout,
        kernel_name=kernel,
        allow_errors=True,
        resources={"metadata": {"path": str(path.parent.resolve())}},
    )
    findings: list[Finding] = []
    notes: list[Note] = []
    stopped: Stopped | None = None
    by_count: dict[int, tuple[int, str | None]] = {}
    try:
        with client.setup_kernel(stderr=subprocess.DEVNULL):
            _run_setup(client)
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code":
                    continue
                position = index + 1
                cell_id = cell.get("id") if has_ids else None
                try:
                    client.execute_cell(cell, index)
                except CellTimeoutError:
                    message = (
                        f"cell {position} timed out after {options.timeout} s under --execute "
                        "(--timeout to allow more); live checks stop there"
                    )
                    notes.append(Note(f"timed out after {options.timeout} s", position))
                    stopped = Stopped(position, message)
                    break
                except CellExecutionError as exc:
                    notes.append(Note(f"cell failed under --execute: {_short(exc)}", position))
                    stopped = Stopped(
                        position,
                        f"cell {position} failed under --execute ({_short(exc)}); "
                        "live checks stop there",
                    )
                    break
                if cell.get("execution_count") is not None:
                    by_count[cell.execution_count] = (position, cell_id)
                error = _error_output(cell)
                findings.extend(_live_findings(cell, position, cell_id, by_count))
                if error:
                    notes.append(Note(f"cell raised {error}; live checks stop here", position))
                    stopped = Stopped(
                        position,
                        f"cell {position} raised {error} under --execute; live checks stop there",
                    )
                    break
            findings.extend(_open_findings(client, by_count))
            if options.impact and stopped is None:
                measured, impact_notes = _measure_impact(client, options.timeout)
                if impacts is not None:
                    impacts.extend(measured)
                notes.extend(impact_notes)
    except ExecuteUnavailable:
        raise
    except Exception as exc:  # no kernel, dead kernel, missing kernelspec
        raise ExecuteUnavailable(f"could not run a '{kernel}' kernel: {_short(exc)}") from None
    return findings, notes, stopped


def _lean_client() -> Any:
    """An nbclient ``NotebookClient`` that keeps only the outputs the runner reads.

    The runner needs our findings payloads and error outputs; a cell that
    prints a gigabyte must not be held in memory (nbclient would keep every
    stream output in the cell). Outputs are never written anywhere.
    """
    from nbclient import NotebookClient

    class LeanClient(NotebookClient):
        def output(
            self, outs: list[Any], msg: dict[str, Any], display_id: str | None, cell_index: int
        ) -> Any:
            kind = msg.get("msg_type")
            if kind == "error":
                return super().output(outs, msg, display_id, cell_index)
            if kind in ("display_data", "execute_result", "update_display_data"):
                data = msg.get("content", {}).get("data")
                if isinstance(data, dict) and MIME_TYPE in data:
                    return super().output(outs, msg, display_id, cell_index)
            return None  # streams and the user's own displays: not needed

    return LeanClient


def _normalised(raw: Any) -> Any:
    """The notebook JSON with the list and dict fields that nbformat and nbclient iterate.

    The static reader tolerates ``"outputs": null`` or a missing
    ``metadata``; the kernel run must too. This is a copy in memory: the
    user's notebook is never written.
    """
    cells = raw.get("cells") if isinstance(raw, dict) else None
    for cell in cells if isinstance(cells, list) else []:
        if not isinstance(cell, dict):
            continue
        if not isinstance(cell.get("metadata"), dict):
            cell["metadata"] = {}
        if cell.get("cell_type") == "code" and not isinstance(cell.get("outputs"), list):
            cell["outputs"] = []
    return raw


def _run_setup(client: Any) -> None:
    """Load the extension in the fresh kernel, outside the history and the user's cells."""
    from jupyter_core.utils import run_sync

    reply = run_sync(client.kc.execute_interactive)(
        SETUP, store_history=False, timeout=60, output_hook=lambda _msg: None
    )
    if reply.get("content", {}).get("status") != "ok":
        raise ExecuteUnavailable(
            "the kernel could not load ml_lint_nb (is it installed in that kernel's environment?)"
        )


def _measure_impact(client: Any, timeout: int) -> tuple[list[Finding], list[Note]]:
    """Type ``%mlcheck impact`` in the kernel: the findings it measured, and its other lines."""
    from jupyter_core.utils import run_sync

    measured: list[Finding] = []
    notes: list[Note] = []

    def collect(msg: dict[str, Any]) -> None:
        kind = msg.get("msg_type")
        content = msg.get("content", {})
        if kind in ("display_data", "execute_result"):
            payload = content.get("data", {}).get(MIME_TYPE)
            if isinstance(payload, str):
                payload = json.loads(payload)
            for file in (payload or {}).get("files", []):
                measured.extend(finding_from_json(d) for d in file.get("findings", []))
                notes.extend(Note(f"impact: {n['message']}") for n in file.get("notes", []))
        elif kind == "stream":
            for line in str(content.get("text", "")).splitlines():
                if line.startswith(("ml-lint-nb: ", "%mlcheck: ")):
                    notes.append(Note("impact: " + line.split(": ", 1)[1]))

    try:
        run_sync(client.kc.execute_interactive)(
            IMPACT, store_history=False, timeout=timeout, output_hook=collect
        )
    except Exception as exc:  # a kernel that dies or times out measuring: the findings stand
        notes.append(Note(f"impact not measured: {_short(exc)}"))
    return [f for f in measured if f.impact is not None], notes


def _open_findings(client: Any, by_count: dict[int, tuple[int, str | None]]) -> list[Finding]:
    """The session's open findings at the end of the run, as ``%mlcheck`` lists them.

    A finding is shown once, under the cell that first completed its
    evidence; the cells that repeat it (three ``accuracy_score`` calls on one
    ``y_test``) add places to it in the session, and the list carries them,
    so the report names every place as the static run does. Asked outside
    the history; nothing is printed.
    """
    from jupyter_core.utils import run_sync

    payloads: list[Any] = []

    def keep(msg: dict[str, Any]) -> None:
        if msg.get("msg_type") in ("display_data", "execute_result"):
            data = msg.get("content", {}).get("data")
            if isinstance(data, dict) and MIME_TYPE in data:
                payloads.append(data[MIME_TYPE])

    try:
        run_sync(client.kc.execute_interactive)(
            "%mlcheck", store_history=False, timeout=60, output_hook=keep
        )
    except Exception:  # the per-cell outputs already hold every finding once
        return []
    out: list[Finding] = []
    for payload in payloads:
        if isinstance(payload, str):
            payload = json.loads(payload)
        for file in payload.get("files", []):
            for data in file.get("findings", []):
                f = finding_from_json(data)
                related = tuple(
                    replace(r, location=_in_notebook(r.location, by_count, None)) for r in f.related
                )
                out.append(
                    replace(f, location=_in_notebook(f.location, by_count, None), related=related)
                )
    return out


def _live_findings(
    cell: Any, position: int, cell_id: str | None, by_count: dict[int, tuple[int, str | None]]
) -> list[Finding]:
    out: list[Finding] = []
    for output in cell.get("outputs", []):
        payload = output.get("data", {}).get(MIME_TYPE) if isinstance(output, dict) else None
        if payload is None:
            continue
        if isinstance(payload, str):
            payload = json.loads(payload)
        for file in payload.get("files", []):
            for data in file.get("findings", []):
                f = finding_from_json(data)
                loc = _in_notebook(f.location, by_count, (position, cell_id))
                related = tuple(
                    replace(r, location=_in_notebook(r.location, by_count, None)) for r in f.related
                )
                out.append(replace(f, location=loc, related=related))
    # our outputs are not the user's: drop them from the in-memory copy
    cell["outputs"] = [
        o
        for o in cell.get("outputs", [])
        if not (isinstance(o, dict) and MIME_TYPE in o.get("data", {}))
    ]
    return out


def _in_notebook(
    loc: Location,
    by_count: dict[int, tuple[int, str | None]],
    default: tuple[int, str | None] | None,
) -> Location:
    """A kernel location as a notebook position: by its execution count, or the kernel's
    own ``run-N`` key for a cell without an id; unchanged when neither is known."""
    count = loc.execution_count
    if count is None and loc.cell_id and loc.cell_id.startswith("run-"):
        count = int(loc.cell_id[4:]) if loc.cell_id[4:].isdigit() else None
    origin = by_count.get(count if count is not None else -1, default)
    if origin is None:
        return loc
    return Location(
        cell=origin[0], cell_id=origin[1], line=loc.line, col=loc.col, execution_count=count
    )


def _error_output(cell: Any) -> str | None:
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            return f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"[:200]
    return None


def _has_ids(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            raw = json.load(fh)
        cells = raw.get("cells", [])
        return bool(cells) and all(isinstance(c, dict) and "id" in c for c in cells)
    except Exception:
        return False


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[-1] if text else type(exc).__name__)[:200]


__all__ = ["ExecuteOptions", "ExecuteUnavailable", "execute_file"]
