"""A self-contained, collapsible HTML block for the live display.

It must survive a saved notebook with no kernel and no extension, so it uses
no ``<style>`` block, no script and no external resource: only tags,
attributes and inline declarations that every front end keeps.

What survives where (checked in the front ends' own sources):

* JupyterLab 4 and Notebook 7 sanitize ``text/html`` of untrusted outputs
  (a reopened notebook) with ``Sanitizer`` in jupyterlab/jupyterlab
  ``packages/apputils/src/sanitizer.ts`` (sanitize-html). Its ``allowedTags``
  include ``details``, ``summary``, ``table``/``tr``/``th``/``td``,
  ``div``, ``span``, ``code``, ``b``, ``a``; ``allowedAttributes`` keep
  ``class``, ``style`` and ``title`` on every tag, ``open`` on ``details``
  and ``href`` on ``a`` (``id``/``name`` are dropped unless
  ``allowNamedProperties``). ``allowedStyles`` validates each inline
  declaration with a regex and drops the ones that fail: colours must be
  hex, ``rgb()``/``rgba()`` with integer channels, or a named colour
  (``transparent`` is one; ``inherit``, ``currentColor`` and ``var()`` are
  not). Every declaration below passes (``tests/test_display_frontends.py``
  re-checks them) except ``color:inherit`` on the rule link, which is
  deliberate: where it survives the link reads in the text colour, where it
  is dropped the theme's own link colour applies.
* VS Code inserts ``text/html`` unsanitized into its output webview
  (``extensions/notebook-renderers/src/index.ts``) and picks the first
  mimetype that has a renderer, so our JSON type falls through to this HTML.
* nbconvert copies ``text/html`` unsanitized unless ``--sanitize-html`` is
  given. Then its ``clean_html`` filter (``nbconvert/filters/strings.py``)
  keeps bleach's few inline tags plus ``div``, ``span``, ``code``,
  ``table``, ``tr`` and ``td``, only ``class``/``id`` attributes, and
  *escapes* every other tag: ``details``, ``summary`` and ``th`` show as
  literal markup text, unstyled (seen with nbconvert 7.17). A collapsible
  block cannot survive that; such an export is readable only as text.

Text colours are inherited and backgrounds transparent, borders a
half-transparent mid grey, so the block reads in light and dark themes;
only the severity badges set both foreground and background, chosen for
contrast on either.

Column names, values and variable names come from the user's data and code,
so every string that is not a literal of this module goes through
:func:`html.escape`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from html import escape

from ml_lint_nb.findings import (
    Evidence,
    Finding,
    Impact,
    Location,
    Severity,
    report_order,
    score_text,
)
from ml_lint_nb.render.json_format import json_safe
from ml_lint_nb.render.text import difference_text, plural, rows_text

# (foreground, background): white on dark red/blue, near-black on amber; all >= 4.5:1.
_BADGE_COLORS = {
    Severity.ERROR: ("#ffffff", "#b91c1c"),
    Severity.WARNING: ("#1c1917", "#fbbf24"),
    Severity.INFO: ("#ffffff", "#1d4ed8"),
}
# No ``color`` on containers: text inherits the theme's colour by default, and
# ``color:inherit`` would be dropped by JupyterLab's sanitizer anyway.
_OUTER_STYLE = (
    "border:1px solid rgba(127,127,127,0.45);border-radius:4px;padding:2px 8px;"
    "margin:4px 0;background:transparent;font-size:0.95em"
)
_INNER_STYLE = "margin:4px 0 4px 12px;background:transparent"
_BODY_STYLE = "margin:4px 0 8px 16px;background:transparent"
_SUMMARY_STYLE = "cursor:pointer"
# Front ends restyle tables (JupyterLab centres them, zebra-stripes rows and
# right-aligns cells); these inline declarations put them back.
_TABLE_STYLE = "border-collapse:collapse;margin:4px 0;background:transparent"
_ROW_STYLE = "background:transparent"
_CELL_STYLE = (
    "border:1px solid rgba(127,127,127,0.35);padding:2px 6px;text-align:left;"
    "vertical-align:top;background:transparent;overflow-wrap:break-word"
)
# Short labels never wrap (a narrow "kind" column broke "fit-before-split" mid-word);
# long text wraps only between words.
_KEY_CELL_STYLE = _CELL_STYLE.replace("overflow-wrap:break-word", "white-space:nowrap")
_TEXT_CELL_STYLE = _CELL_STYLE.replace("overflow-wrap:break-word", "overflow-wrap:normal")
_MUTED_STYLE = "opacity:0.75"
_NOTE_STYLE = "opacity:0.7;font-size:0.85em"
_LINK_STYLE = "color:inherit;text-decoration:underline"
# impact: the verdict's badge (foreground, background), all >= 4.5:1, and the two scores
_VERDICT_COLORS = {
    "material": ("#ffffff", "#b91c1c"),
    "small": ("#ffffff", "#4b5563"),
    "none": ("#ffffff", "#166534"),
}
_SCORE_STYLE = _KEY_CELL_STYLE + ";font-size:1.25em;font-weight:bold"


def _badge(severity: Severity) -> str:
    fg, bg = _BADGE_COLORS[severity]
    style = (
        f"color:{fg};background:{bg};border-radius:3px;padding:0 5px;"
        "font-size:0.85em;font-weight:bold;text-transform:uppercase"
    )
    return f'<span style="{style}">{escape(severity.value)}</span>'


def _verdict_badge(verdict: str, prefix: str = "") -> str:
    fg, bg = _VERDICT_COLORS.get(verdict, _VERDICT_COLORS["small"])
    style = (
        f"color:{fg};background:{bg};border-radius:3px;padding:0 5px;"
        "font-size:0.85em;font-weight:bold"
    )
    return f'<span style="{style}">{escape(prefix + verdict)}</span>'


def impact_block(impact: Impact) -> str:
    """The two scores side by side with the verdict, then the difference, its noise and the method.

    A table, since a table is what survives every front end's sanitizer:
    the leaky score under what it is (``with 'retention_call'``), the honest
    one under its label (``without``), the verdict beside them.
    """
    head = "".join(
        f'<th style="{_KEY_CELL_STYLE}">{escape(text)}</th>'
        for text in (impact.leaky_label, impact.honest_label, "verdict")
    )
    cells = (
        f'<td style="{_SCORE_STYLE}">{escape(score_text(impact.leaky))}</td>'
        f'<td style="{_SCORE_STYLE}">{escape(score_text(impact.honest))}</td>'
        f'<td style="{_CELL_STYLE}">{_verdict_badge(impact.verdict)}</td>'
    )
    detail = [difference_text(impact), rows_text(impact)]
    if impact.note:
        detail.insert(0, impact.note)
    return (
        f'<div style="margin:6px 0 2px 0"><b>Impact</b>: {escape(impact.metric)}</div>'
        f'<table class="ml-lint-nb-impact" style="{_TABLE_STYLE}">'
        f'<tr style="{_ROW_STYLE}">{head}</tr><tr style="{_ROW_STYLE}">{cells}</tr></table>'
        f'<div style="{_MUTED_STYLE}">{escape("; ".join(detail))}</div>'
        f'<div style="{_MUTED_STYLE}">{escape(impact.method)}</div>'
    )


def count_summary(findings: Sequence[Finding]) -> str:
    """``1 error, 2 warnings`` (non-zero severities only), or ``no findings``.

    Shared with the plain-text bundle so the collapsed line reads the same in
    every front end.
    """
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


def _short_where(loc: Location) -> str:
    """``cell [7]`` (the prompt), else ``cell 4``, else empty: enough to find a known finding."""
    if loc.execution_count is not None:
        return f"cell [{loc.execution_count}]"
    if loc.cell is not None:
        return f"cell {loc.cell}"
    return ""


def still_present_text(findings: Sequence[Finding]) -> str:
    """One line for findings already shown in full: ``ML203 still present (cell 4)``.

    A re-run that keeps a pitfall should say so without repeating the whole
    explanation; several become ``still present: ML203 (cell 4), ML301``.
    Plain text: callers escape it for HTML.
    """
    ordered = report_order(findings)
    if len(ordered) == 1:
        where = _short_where(ordered[0].location)
        return f"{ordered[0].code} still present" + (f" ({where})" if where else "")
    items = []
    for f in ordered:
        where = _short_where(f.location)
        items.append(f.code + (f" ({where})" if where else ""))
    return "still present: " + ", ".join(items)


def _where(loc: Location) -> str:
    """``cell [7], line 2`` or ``cell 4, line 2, col 5``: what a reader can find on screen.

    This block is shown in a notebook, where a cell is named the way the user
    sees it: by its prompt (``[7]``) when it ran, else by its position. Never
    both: one front end, one way of naming cells. Cell ids stay in the JSON:
    no front end shows them.
    """
    parts = []
    if loc.execution_count is not None:
        parts.append(f"cell [{loc.execution_count}]")
    elif loc.cell is not None:
        parts.append(f"cell {loc.cell}")
    if loc.line is not None:
        parts.append(f"line {loc.line}")
        if loc.col is not None:
            parts.append(f"col {loc.col}")
    return ", ".join(parts) if parts else "this cell"


def readable_number(value: float) -> str:
    """Meaningful digits only: ``20.865000000000002`` -> ``20.87``, ``123456.7`` -> ``123,457``."""
    if value != value or value in (float("inf"), float("-inf")):
        return str(value)
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}" if abs(value) >= 10_000 else str(int(value))
    if abs(value) >= 10_000:
        return f"{value:,.0f}"
    return f"{value:.4g}"


def _readable(value: object) -> str:
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, float):
        return readable_number(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_readable(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_readable(v)}" for k, v in value.items()) + "}"
    return json.dumps(value, ensure_ascii=False)


def _data_text(ev: Evidence) -> str:
    """``key=value`` pairs, numbers rounded for reading (the JSON keeps them exact)."""
    safe = json_safe(ev.data)
    return "; ".join(f"{k}={_readable(v)}" for k, v in safe.items())


def _evidence_table(evidence: Sequence[Evidence]) -> str:
    styles = (_KEY_CELL_STYLE, _KEY_CELL_STYLE, _TEXT_CELL_STYLE, _TEXT_CELL_STYLE)
    head = "".join(
        f'<th style="{style}">{name}</th>'
        for style, name in zip(styles, ("source", "kind", "text", "data"), strict=True)
    )
    rows = [f'<tr style="{_ROW_STYLE}">{head}</tr>']
    for ev in evidence:
        cells = "".join(
            f'<td style="{style}">{escape(value)}</td>'
            for style, value in zip(
                styles, (ev.source, ev.kind, ev.text, _data_text(ev)), strict=True
            )
        )
        rows.append(f'<tr style="{_ROW_STYLE}">{cells}</tr>')
    return f'<table style="{_TABLE_STYLE}">{"".join(rows)}</table>'


def _why(code: str) -> str:
    """The rule's own short "why", shipped with the package (empty for an unknown code)."""
    try:
        from ml_lint_nb.docs import rule_why
    except Exception:  # pragma: no cover - a broken rule module must not cost the block
        return ""
    try:
        return rule_why(code)
    except Exception:  # pragma: no cover
        return ""


def _finding_body(finding: Finding, docs_base: str) -> str:
    """Where, related cells, evidence table, fix, the rule's short "why" and (configured) a link.

    Pitfall numbers of the book stay in the rule page (``%mlcheck explain``),
    where they come with the book's title.
    """
    body = [
        f'<div style="{_MUTED_STYLE}">{escape(_where(finding.location))}'
        f" · {escape(' + '.join(finding.sources))} evidence</div>"
    ]
    for line in dict.fromkeys(  # two places on one line (two calls) read as one
        f"see {_where(rel.location)} ({rel.role})" for rel in finding.related
    ):
        body.append(f'<div style="{_MUTED_STYLE}">{escape(line)}</div>')
    if finding.impact is not None:
        body.append(impact_block(finding.impact))
    if finding.evidence:
        body.append(_evidence_table(finding.evidence))
    if finding.fix:
        body.append(f"<div><b>Fix:</b> {escape(finding.fix)}</div>")
    why = _why(finding.code)
    if why:
        body.append(f"<div><b>Why:</b> {escape(why)}</div>")
    more = f"%mlcheck explain {finding.code}"
    if docs_base:
        href = escape(docs_base + finding.url, quote=True)
        body.append(
            f'<div style="{_MUTED_STYLE}"><a href="{href}" style="{_LINK_STYLE}">'
            f"{escape(finding.code)} {escape(finding.name)} (rule documentation)</a></div>"
        )
    elif why:  # a known rule: its full page is one command away
        body.append(f'<div style="{_MUTED_STYLE}">More: <code>{escape(more)}</code></div>')
    return "".join(body)


def _finding_block(finding: Finding, docs_base: str) -> str:
    """One finding, collapsed to its summary line; open when it carries a measured impact."""
    summary = (
        f"{_badge(finding.severity)} <code>{escape(finding.code)}</code> "
        f"{escape(finding.name)} — {escape(finding.message)}"
    )
    opened = ""
    if finding.impact is not None:
        summary += " " + _verdict_badge(finding.impact.verdict, "impact: ")
        opened = " open"
    return (
        f'<details style="{_INNER_STYLE}"{opened}><summary style="{_SUMMARY_STYLE}">{summary}'
        f'</summary><div style="{_BODY_STYLE}">{_finding_body(finding, docs_base)}</div></details>'
    )


def finding_detail_html(finding: Finding, *, docs_base: str = "") -> str:
    """One finding's detail, expanded, for containers that supply their own title.

    The widget accordion titles each item ``ML203 preprocessing-before-split``
    itself, so the badge and the message open the body instead of a summary.
    """
    head = f"<div>{_badge(finding.severity)} {escape(finding.message)}</div>"
    return f'<div style="{_BODY_STYLE}">{head}{_finding_body(finding, docs_base)}</div>'


def _trailer(still_present: Sequence[Finding], notes: Sequence[str]) -> str:
    """The still-present line and the notes (sampling, an internal error), muted."""
    out = []
    if still_present:
        out.append(f'<div style="{_MUTED_STYLE}">{escape(still_present_text(still_present))}</div>')
    out.extend(f'<div style="{_NOTE_STYLE}">{escape(note)}</div>' for note in notes)
    return "".join(out)


def render_html(
    findings: Sequence[Finding],
    *,
    title: str | None = None,
    docs_base: str = "",
    still_present: Sequence[Finding] = (),
    notes: Sequence[str] = (),
) -> str:
    """One outer ``<details class="ml-lint-nb">`` with a nested ``<details>`` per finding.

    Findings are listed errors first, then warnings, then info, each group by
    position. ``docs_base`` (a public docs site, when one is configured) is
    prefixed to each finding's relative ``url`` for a link; empty shows the
    ``%mlcheck explain`` command instead, since a relative link cannot
    resolve in a notebook. ``still_present`` are
    findings the session already showed in full: one muted line under the new
    ones, or, when nothing is new, the whole output is that one line (a
    ``<div>``, as there is nothing to expand). ``notes`` are short lines in a
    small muted font.
    """
    ordered = report_order(findings)
    label = "ml-lint-nb" if title is None else f"ml-lint-nb — {escape(title)}"
    if not ordered and (still_present or notes):
        line = escape(still_present_text(still_present)) if still_present else ""
        head = f"<div><b>{label}</b>: {line}</div>" if line else f"<div><b>{label}</b></div>"
        notes_html = _trailer((), notes)
        return f'<div class="ml-lint-nb" style="{_OUTER_STYLE}">{head}{notes_html}</div>'
    head = f'<summary style="{_SUMMARY_STYLE}"><b>{label}</b>: {count_summary(ordered)}</summary>'
    blocks = "".join(_finding_block(f, docs_base) for f in ordered)
    tail = _trailer(still_present, notes)
    # measured on request (%mlcheck impact): the scores are what the reader asked to see
    opened = " open" if any(f.impact is not None for f in ordered) else ""
    return (
        f'<details class="ml-lint-nb" style="{_OUTER_STYLE}"{opened}>{head}{blocks}{tail}</details>'
    )
