"""The opt-in ipywidgets display: an accordion with silence/explain buttons.

Opt-in (``%mlcheck display widgets`` or config) because a widget is only
alive while its kernel is: nbconvert prefers a widget view over the HTML in
the same output and shows an empty placeholder offline, and a front end
without the widget manager shows a "model not found" box. So the kernel
publishes it as a separate output beside the default bundle
(:mod:`ml_lint_nb.render.mimebundle`), which keeps the saved notebook
readable; the default display never depends on this module.

ipywidgets is imported lazily, so importing :mod:`ml_lint_nb` never pays for
it and a kernel without it simply falls back to the default display.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from html import escape
from types import ModuleType
from typing import TYPE_CHECKING, Any

from ml_lint_nb.findings import Finding, report_order
from ml_lint_nb.render.html import count_summary, finding_detail_html

if TYPE_CHECKING:
    import ipywidgets

_STATUS_STYLE = "opacity:0.75;font-size:0.85em"


def _ipywidgets() -> ModuleType | None:
    """ipywidgets, or None when it is missing or broken (never an ImportError at display time)."""
    try:
        return importlib.import_module("ipywidgets")
    except Exception:
        return None


def item_title(finding: Finding) -> str:
    """``ERROR · ML203 preprocessing-before-split``: severity first, as in the HTML badges."""
    return f"{finding.severity.value.upper()} · {finding.code} {finding.name}"


def header_text(findings: Sequence[Finding]) -> str:
    """``ml-lint-nb: 1 error, 2 warnings``: the counts above the accordion."""
    return f"ml-lint-nb: {count_summary(findings)}"


def _markdown_output(text: str) -> dict[str, Any]:
    """One display output with the rule page as Markdown (the front end formats it)."""
    return {
        "output_type": "display_data",
        "data": {"text/markdown": text, "text/plain": text},
        "metadata": {},
    }


def _status_html(text: str) -> str:
    return f'<div style="{_STATUS_STYLE}">{escape(text)}</div>'


def _silence_handler(
    code: str, on_silence: Callable[[str], None], status: Any
) -> Callable[[Any], None]:
    """Silence once, then disable the button: a second click would mean nothing."""

    def handle(button: Any) -> None:
        try:
            on_silence(code)
        except Exception as exc:  # a callback must not raise into the front end
            status.value = _status_html(f"could not silence {code}: {exc}")
            return
        button.disabled = True
        button.description = f"{code} silenced"
        status.value = _status_html(f"{code} is silenced for this session.")

    return handle


def _explain_handler(
    code: str, on_explain: Callable[[str], str], target: Any
) -> Callable[[Any], None]:
    """Show the rule page, formatted, on demand; a click on a shown page hides it.

    ``target`` is an ``Output`` widget: its outputs are rendered by the front
    end's own Markdown renderer, like any Markdown cell.
    """

    def handle(_button: Any) -> None:
        if target.outputs:
            target.outputs = ()
            return
        try:
            text = on_explain(code)
        except Exception as exc:
            text = f"no explanation for {code}: {exc}"
        target.outputs = (_markdown_output(str(text)),)

    return handle


def _item(
    widgets: ModuleType,
    finding: Finding,
    on_silence: Callable[[str], None],
    on_explain: Callable[[str], str],
) -> Any:
    """One accordion body: the HTML detail, the two buttons, the explanation and a status line."""
    detail = widgets.HTML(value=finding_detail_html(finding))
    silence = widgets.Button(
        description=f"Silence {finding.code}",
        tooltip=f"Stop reporting {finding.code} in this session",
        icon="bell-slash",
    )
    explain = widgets.Button(
        description="Explain", tooltip=f"Why {finding.code} matters", icon="question"
    )
    explanation = widgets.Output()
    status = widgets.HTML(value="")
    silence.on_click(_silence_handler(finding.code, on_silence, status))
    explain.on_click(_explain_handler(finding.code, on_explain, explanation))
    return widgets.VBox([detail, widgets.HBox([silence, explain]), explanation, status])


def findings_widget(
    findings: Sequence[Finding],
    on_silence: Callable[[str], None],
    on_explain: Callable[[str], str],
) -> ipywidgets.VBox | None:
    """A header with the counts over an ``Accordion`` of one item per finding.

    None without ipywidgets. Items are listed errors first, each titled with
    its severity. ``on_silence(code)`` is called when the user silences a
    rule; ``on_explain(code)`` returns the rule page (Markdown) to show. Both
    are the caller's (the live session's), so this module holds no state.
    """
    widgets = _ipywidgets()
    if widgets is None:
        return None
    ordered = report_order(findings)
    accordion = widgets.Accordion(
        children=[_item(widgets, f, on_silence, on_explain) for f in ordered]
    )
    for index, finding in enumerate(ordered):
        accordion.set_title(index, item_title(finding))
    header = widgets.HTML(value=f"<b>{escape(header_text(ordered))}</b>")
    return widgets.VBox([header, accordion])
