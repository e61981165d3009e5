"""A self-contained, collapsible HTML block for the live display.

It must survive a saved notebook with no kernel and no extension, so it uses
only what JupyterLab's and nbconvert's sanitizers keep (``details``,
``summary``, ``table``, ``span``, ``div``, ``code``, ``b``, ``a href`` and
inline ``style``): no ``<style>`` block, no script, no external resource.
Text colours are inherited (``color:inherit``), backgrounds are transparent
and borders a mid grey, so it reads in light and dark themes; only the
severity badges set both foreground and background, chosen for contrast on
either.

Column names, values and variable names come from the user's data and code,
so every string that is not a literal of this module goes through
:func:`html.escape`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from html import escape

from ml_lint_nb.findings import Evidence, Finding, Location, Severity
from ml_lint_nb.render.json_format import json_safe
from ml_lint_nb.render.text import plural

# (foreground, background): white on dark red/blue, near-black on amber; all >= 4.5:1.
_BADGE_COLORS = {
    Severity.ERROR: ("#ffffff", "#b91c1c"),
    Severity.WARNING: ("#1c1917", "#fbbf24"),
    Severity.INFO: ("#ffffff", "#1d4ed8"),
}
_OUTER_STYLE = (
    "border:1px solid rgba(127,127,127,0.45);border-radius:4px;padding:2px 8px;"
    "margin:4px 0;background:transparent;color:inherit;font-size:0.95em"
)
_INNER_STYLE = "margin:4px 0 4px 12px;background:transparent;color:inherit"
_BODY_STYLE = "margin:4px 0 8px 16px;background:transparent;color:inherit"
_CELL_STYLE = (
    "border:1px solid rgba(127,127,127,0.35);padding:2px 6px;text-align:left;"
    "vertical-align:top;background:transparent;color:inherit"
)
_MUTED_STYLE = "opacity:0.75"


def _badge(severity: Severity) -> str:
    fg, bg = _BADGE_COLORS[severity]
    style = (
        f"color:{fg};background:{bg};border-radius:3px;padding:0 5px;"
        "font-size:0.85em;font-weight:bold;text-transform:uppercase"
    )
    return f'<span style="{style}">{escape(severity.value)}</span>'


def _count_summary(findings: Sequence[Finding]) -> str:
    """``1 error, 2 warnings`` (non-zero severities only), or ``no findings``."""
    counts = {s: 0 for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)}
    for f in findings:
        counts[f.severity] += 1
    parts = [
        plural(counts[Severity.ERROR], "error"),
        plural(counts[Severity.WARNING], "warning"),
        f"{counts[Severity.INFO]} info",
    ]
    parts = [p for p in parts if not p.startswith("0 ")]
    return ", ".join(parts) if parts else "no findings"


def _where(loc: Location) -> str:
    parts = []
    if loc.cell is not None:
        parts.append(f"cell {loc.cell}")
    elif loc.cell_id:
        parts.append(f"cell id {loc.cell_id}")
    if loc.line is not None:
        parts.append(f"line {loc.line}")
        if loc.col is not None:
            parts.append(f"col {loc.col}")
    if loc.execution_count is not None:
        parts.append(f"execution [{loc.execution_count}]")
    return ", ".join(parts) if parts else "unknown location"


def _data_text(ev: Evidence) -> str:
    safe = json_safe(ev.data)
    return "; ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in safe.items())


def _evidence_table(evidence: Sequence[Evidence]) -> str:
    head = "".join(
        f'<th style="{_CELL_STYLE}">{name}</th>' for name in ("source", "kind", "text", "data")
    )
    rows = [f'<tr style="background:transparent">{head}</tr>']
    for ev in evidence:
        cells = "".join(
            f'<td style="{_CELL_STYLE}">{escape(value)}</td>'
            for value in (ev.source, ev.kind, ev.text, _data_text(ev))
        )
        rows.append(f'<tr style="background:transparent">{cells}</tr>')
    table_style = "border-collapse:collapse;margin:4px 0;background:transparent;color:inherit"
    return f'<table style="{table_style}">{"".join(rows)}</table>'


def _finding_block(finding: Finding, docs_base: str) -> str:
    summary = (
        f"{_badge(finding.severity)} <code>{escape(finding.code)}</code> "
        f"{escape(finding.name)} — {escape(finding.message)}"
    )
    body = [
        f'<div style="{_MUTED_STYLE}">{escape(_where(finding.location))}'
        f" · {escape(' + '.join(finding.sources))}</div>"
    ]
    for rel in finding.related:
        body.append(
            f'<div style="{_MUTED_STYLE}">see {escape(_where(rel.location))} '
            f"({escape(rel.role)})</div>"
        )
    if finding.evidence:
        body.append(_evidence_table(finding.evidence))
    if finding.fix:
        body.append(f"<div><b>Fix:</b> {escape(finding.fix)}</div>")
    if finding.pitfalls:
        refs = ", ".join(f"#{int(p)}" for p in finding.pitfalls)
        body.append(f"<div>Pitfall {refs}</div>")
    href = escape(docs_base + finding.url, quote=True)
    body.append(
        f'<div><a href="{href}" style="color:inherit">'
        f"{escape(finding.code)} {escape(finding.name)} (rule documentation)</a></div>"
    )
    return (
        f'<details style="{_INNER_STYLE}"><summary style="cursor:pointer">{summary}</summary>'
        f'<div style="{_BODY_STYLE}">{"".join(body)}</div></details>'
    )


def render_html(
    findings: Sequence[Finding], *, title: str | None = None, docs_base: str = ""
) -> str:
    """One outer ``<details class="ml-lint-nb">`` with a nested ``<details>`` per finding.

    ``docs_base`` is prefixed to each finding's relative ``url`` (empty keeps
    the repository-relative path of the contract).
    """
    ordered = sorted(findings, key=lambda f: f.sort_key())
    label = "ml-lint-nb" if title is None else f"ml-lint-nb — {escape(title)}"
    head = f'<summary style="cursor:pointer"><b>{label}</b>: {_count_summary(ordered)}</summary>'
    blocks = "".join(_finding_block(f, docs_base) for f in ordered)
    return f'<details class="ml-lint-nb" style="{_OUTER_STYLE}">{head}{blocks}</details>'
