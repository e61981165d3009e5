"""Publishing findings under a cell: one output, readable everywhere.

The default bundle carries the findings JSON (our MIME type), a
self-contained collapsible HTML block and plain text, so it survives any
front end and an offline nbconvert export. Widgets are opt-in: nbconvert
prefers a widget view over HTML and would show nothing offline.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ml_lint_nb import __version__
from ml_lint_nb.findings import Finding

if TYPE_CHECKING:
    from ml_lint_nb.ipython.session import LiveSession


def publish_findings(
    new: list[Finding],
    still: list[Finding],
    notes: list[str],
    *,
    widgets: bool = False,
    session: LiveSession | None = None,
) -> None:
    from IPython.display import display, publish_display_data

    if widgets and new and session is not None:
        widget = _widget(new, session)
        if widget is not None:
            display(widget)
            new = []
            if not still and not notes:
                return
    data, metadata = _bundle(new, still, notes)
    publish_display_data(data=data, metadata=metadata)


def _bundle(new: list[Finding], still: list[Finding], notes: list[str]) -> tuple[dict, dict]:
    try:
        from ml_lint_nb.render.mimebundle import findings_bundle
    except ImportError:
        findings_bundle = None
    if findings_bundle is not None:
        return findings_bundle(
            new, notebook=None, still_present=still, notes=notes, tool_version=__version__
        )
    return _plain_bundle(new, still, notes)


def _plain_bundle(new: list[Finding], still: list[Finding], notes: list[str]) -> tuple[dict, dict]:
    """Text-only fallback while richer renderers are unavailable."""
    lines = [f"{f.code} [{f.severity.value}] {f.message}\n    fix: {f.fix}" for f in new]
    lines += [f"{f.code} still present" for f in still]
    lines += [f"note: {n}" for n in notes]
    return {"text/plain": "ml-lint-nb:\n" + "\n".join(lines)}, {"ml_lint_nb": {"version": 1}}


def _widget(findings: list[Finding], session: LiveSession) -> Any:
    try:
        from ml_lint_nb.render.widget import findings_widget
    except ImportError:
        return None

    def silence(code: str) -> None:
        session.ignored.add(code)

    def explain(code: str) -> str:
        from ml_lint_nb.docs import rule_markdown
        from ml_lint_nb.rules.registry import get_rule

        return rule_markdown(get_rule(code))

    try:
        return findings_widget(findings, on_silence=silence, on_explain=explain)
    except Exception:
        return None
