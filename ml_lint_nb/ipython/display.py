"""Publishing findings under a cell: one output, readable everywhere.

The default bundle carries the findings JSON (our MIME type), a
self-contained collapsible HTML block and plain text, so it survives any
front end and an offline nbconvert export.

Widgets mode adds the interactive accordion as a *separate* output next to
that bundle, never instead of it: a widget is only alive while its kernel
is (a restarted kernel shows "model not found"), and nbconvert prefers the
widget view over ``text/html`` in the same output, so a bundle that held
both would export as an empty placeholder. Two outputs keep the saved
notebook as readable as in HTML mode.

This module imports nothing else of the kernel package: the session calls
it with plain callbacks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ml_lint_nb.findings import Finding, Note
from ml_lint_nb.version import __version__


def publish_findings(
    new: list[Finding],
    still: list[Finding],
    notes: Sequence[str | Note],
    *,
    widgets: bool = False,
    on_silence: Callable[[str], None] | None = None,
    title: str | None = None,
) -> None:
    """Display the findings under the running cell (nothing when there is nothing to say).

    ``title`` names the output after ``ml-lint-nb`` (``impact on model``).
    """
    from IPython.display import publish_display_data

    if not new and not still and not notes:
        return
    if widgets and new:
        view = widget_view(new, on_silence or (lambda _code: None))
        if view is not None:
            publish_display_data(data=view)
    data, metadata = bundle(new, still, notes, title)
    publish_display_data(data=data, metadata=metadata)


def bundle(
    new: list[Finding],
    still: list[Finding],
    notes: Sequence[str | Note],
    title: str | None = None,
) -> tuple[dict, dict]:
    """The findings JSON, HTML and plain-text bundle (``(data, metadata)``)."""
    from ml_lint_nb.render.mimebundle import findings_bundle

    return findings_bundle(
        new,
        notebook=None,
        still_present=still,
        notes=notes,
        tool_version=__version__,
        title=title,
    )


def widget_view(findings: list[Finding], on_silence: Callable[[str], None]) -> dict | None:
    """The accordion's display data, its plain text a pointer to the bundle beside it.

    Without the widget manager (nbconvert, GitHub, a terminal) a front end
    falls back to ``text/plain``; the widget's own repr
    (``VBox(children=(HTML(...``) would read as garbage there.
    """
    from ml_lint_nb.render.widget import findings_widget

    try:
        widget = findings_widget(findings, on_silence=on_silence, on_explain=rule_page)
        if widget is None:
            return None
        data = dict(widget._repr_mimebundle_())
    except Exception:  # a broken ipywidgets must never cost the findings
        return None
    if "application/vnd.jupyter.widget-view+json" not in data:
        return None
    data["text/plain"] = "ml-lint-nb: interactive view (the findings follow below)"
    return data


def rule_page(code: str) -> str:
    """A rule's documentation page, as Markdown, from the rule itself (ships in the package)."""
    from ml_lint_nb.docs import rule_markdown
    from ml_lint_nb.rules.registry import get_rule

    return rule_markdown(get_rule(code))


def show_markdown(text: str) -> None:
    """Display Markdown formatted in a notebook, as plain text in a terminal."""
    from IPython.display import publish_display_data

    publish_display_data(data={"text/markdown": text, "text/plain": text})


__all__ = ["bundle", "publish_findings", "rule_page", "show_markdown", "widget_view"]
