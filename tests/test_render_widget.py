"""The opt-in ipywidgets accordion: structure, callbacks, escaping, no ipywidgets."""

from __future__ import annotations

import sys
from typing import Any

import pytest
from render_fixtures import leak_finding

from ml_lint_nb.findings import Evidence, Finding, Location, Severity
from ml_lint_nb.render.widget import findings_widget

widgets = pytest.importorskip("ipywidgets")

XSS = "<script>alert(1)</script>"


def _ml402() -> Finding:
    return Finding(
        code="ML402",
        name="accuracy-on-imbalanced-target",
        severity=Severity.WARNING,
        message=f"accuracy 0.97 where the majority class of {XSS} is 97%",
        location=Location(cell=8, line=2),
        fix="Compare with a DummyClassifier.",
        pitfalls=(47,),
        sources=("live",),
        evidence=(Evidence("live", "majority-rate", "97% class 0", {"column": XSS}),),
    )


class _Recorder:
    def __init__(self) -> None:
        self.silenced: list[str] = []
        self.explained: list[str] = []

    def silence(self, code: str) -> None:
        self.silenced.append(code)

    def explain(self, code: str) -> str:
        self.explained.append(code)
        return f"# {code}\n\nWhy it <matters>."


def _build(findings: list[Finding], rec: _Recorder | None = None) -> Any:
    """The accordion under the counts header."""
    rec = rec or _Recorder()
    widget = findings_widget(findings, on_silence=rec.silence, on_explain=rec.explain)
    assert widget is not None
    header, accordion = widget.children
    assert isinstance(header, widgets.HTML)
    return accordion


def _parts(item: Any) -> tuple[Any, Any, Any, Any, Any]:
    """(detail HTML, silence button, explain button, explanation HTML, status HTML)."""
    detail, buttons, explanation, status = item.children
    silence, explain = buttons.children
    return detail, silence, explain, explanation, status


def test_one_accordion_item_per_finding_errors_first_titles_with_severity() -> None:
    acc = _build([_ml402(), leak_finding()])
    assert isinstance(acc, widgets.Accordion)
    assert len(acc.children) == 2
    assert [acc.get_title(i) for i in range(2)] == [
        "ERROR · ML203 preprocessing-before-split",
        "WARNING · ML402 accuracy-on-imbalanced-target",
    ]
    assert acc.selected_index is None  # collapsed, like the HTML block


def test_item_structure() -> None:
    acc = _build([leak_finding()])
    detail, silence, explain, explanation, status = _parts(acc.children[0])
    assert isinstance(detail, widgets.HTML)
    assert "StandardScaler is fitted on all 569 rows" in detail.value
    assert "<b>Fix:</b> Fit the scaler on X_train only" in detail.value
    assert "scaler.fit(X) precedes train_test_split(X, ...)" in detail.value
    assert "<b>Why:</b>" in detail.value and "href=" not in detail.value
    assert isinstance(silence, widgets.Button) and silence.description == "Silence ML203"
    assert isinstance(explain, widgets.Button) and explain.description == "Explain"
    assert isinstance(explanation, widgets.Output)
    assert explanation.outputs == () and status.value == ""


def test_header_carries_the_counts() -> None:
    rec = _Recorder()
    widget = findings_widget(
        [leak_finding(), _ml402()], on_silence=rec.silence, on_explain=rec.explain
    )
    assert widget is not None
    assert "ml-lint-nb: 1 error, 1 warning" in widget.children[0].value


def test_silence_calls_back_with_the_code_once() -> None:
    rec = _Recorder()
    acc = _build([leak_finding(), _ml402()], rec)
    _, silence, _, _, status = _parts(acc.children[1])
    silence.click()
    assert rec.silenced == ["ML402"]
    assert silence.disabled and silence.description == "ML402 silenced"
    assert "ML402 is silenced" in status.value


def test_explain_shows_the_rule_page_as_markdown() -> None:
    """The page goes to the front end as text/markdown: formatted, and never raw HTML."""
    rec = _Recorder()
    acc = _build([leak_finding()], rec)
    _, _, explain, explanation, _ = _parts(acc.children[0])
    explain.click()
    assert rec.explained == ["ML203"]
    (output,) = explanation.outputs
    assert output["data"]["text/markdown"] == "# ML203\n\nWhy it <matters>."
    assert "text/html" not in output["data"]
    explain.click()  # a second click hides it again
    assert explanation.outputs == ()


def test_failing_callbacks_do_not_raise() -> None:
    def boom(code: str) -> Any:
        raise RuntimeError(f"no {code}")

    widget = findings_widget([leak_finding()], on_silence=boom, on_explain=boom)
    assert widget is not None
    acc = widget.children[1]
    _, silence, explain, explanation, status = _parts(acc.children[0])
    silence.click()
    explain.click()
    assert not silence.disabled
    assert "could not silence ML203: no ML203" in status.value
    assert "no explanation for ML203: no ML203" in explanation.outputs[0]["data"]["text/markdown"]


def test_user_strings_are_escaped() -> None:
    acc = _build([_ml402()])
    detail = _parts(acc.children[0])[0].value
    assert XSS not in detail and "&lt;script&gt;" in detail


def test_none_without_ipywidgets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # import raises ImportError
    rec = _Recorder()
    assert findings_widget([leak_finding()], on_silence=rec.silence, on_explain=rec.explain) is None
