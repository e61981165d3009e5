"""The live HTML block: structure, pluralisation, sanitizer-safe tags, escaping."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from render_fixtures import assert_snapshot, leak_finding, sample_run

from ml_lint_nb.findings import Evidence, Finding, Location, Related, Severity
from ml_lint_nb.render import render_html

ALLOWED_TAGS = {"details", "summary", "table", "tr", "td", "th", "code", "span", "div", "b", "a"}
XSS = "<script>alert(1)</script>"


class _Audit(HTMLParser):
    """Collects tags/attributes and checks nesting, like a strict sanitizer would."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str | None]] = []
        self.stack: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend((tag, k, v) for k, v in attrs)
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, f"unbalanced </{tag}> in {self.stack}"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _audit(html: str) -> _Audit:
    parser = _Audit()
    parser.feed(html)
    parser.close()
    assert parser.stack == []
    return parser


def _all_findings() -> list[Finding]:
    return [f for file in sample_run().files for f in file.findings]


def _finding(severity: Severity) -> Finding:
    return Finding("ML1", "x", severity, "m", Location(cell=1), "f", (1,))


def test_snapshot() -> None:
    assert_snapshot("sample.html", render_html(_all_findings(), title="cell [3]") + "\n")


def test_structure() -> None:
    html = render_html([leak_finding()])
    assert html.startswith('<details class="ml-lint-nb"')
    audit = _audit(html)
    assert audit.tags.count("details") == 2 and audit.tags.count("summary") == 2
    text = "".join(audit.text)
    assert "ml-lint-nb: 1 error" in text
    assert "ML203 preprocessing-before-split — StandardScaler is fitted" in text
    assert "Fix: Fit the scaler on X_train only" in text
    assert "Pitfall" not in text and "#40" not in text  # the book's items live in the rule page
    assert "see cell 5, line 1 (split)" in text
    assert "Why: The transformer's statistics" in text  # the rule's own words, inline
    assert "More: %mlcheck explain ML203" in text
    assert not [a for a in audit.attrs if a[1] == "href"]  # no relative link that cannot resolve
    linked = render_html([leak_finding()], docs_base="https://example.org/")
    assert 'href="https://example.org/docs/rules/ML203.md"' in linked
    for header in ("source", "kind", "text"):
        assert f">{header}</th>" in html
    assert "scaler.fit(X) precedes train_test_split(X, ...)" in text


@pytest.mark.parametrize(
    ("severities", "expected"),
    [
        ([Severity.ERROR, Severity.WARNING, Severity.WARNING], "ml-lint-nb: 1 error, 2 warnings"),
        ([Severity.WARNING], "ml-lint-nb: 1 warning"),
        ([Severity.ERROR, Severity.ERROR, Severity.INFO], "ml-lint-nb: 2 errors, 1 info"),
        ([Severity.INFO, Severity.INFO], "ml-lint-nb: 2 info"),
        ([], "ml-lint-nb: no findings"),
    ],
)
def test_summary_pluralisation(severities: list[Severity], expected: str) -> None:
    audit = _audit(render_html([_finding(s) for s in severities]))
    assert "".join(audit.text).startswith(expected)


def test_title() -> None:
    text = "".join(_audit(render_html([_finding(Severity.INFO)], title="cell [3]")).text)
    assert text.startswith("ml-lint-nb — cell [3]: 1 info")


def test_only_sanitizer_safe_markup() -> None:
    html = render_html(_all_findings(), title="t")
    audit = _audit(html)
    assert set(audit.tags) <= ALLOWED_TAGS
    for tag, attr, _value in audit.attrs:
        assert (
            attr == "style"
            or (tag == "a" and attr == "href")
            or (tag == "details" and attr == "class")
        ), (tag, attr)
    lowered = html.lower()
    for forbidden in ("<style", "<script", "javascript:", "src=", "url(", "@import", "<link"):
        assert forbidden not in lowered


def test_theme_neutral_colors() -> None:
    html = render_html(_all_findings())
    assert "background:transparent" in html
    # badges set both foreground and background explicitly
    for fg, bg in (("#ffffff", "#b91c1c"), ("#1c1917", "#fbbf24"), ("#ffffff", "#1d4ed8")):
        assert f"color:{fg};background:{bg}" in html


def test_user_strings_are_escaped() -> None:
    finding = Finding(
        code="ML203",
        name="preprocessing-before-split",
        severity=Severity.ERROR,
        message=f"column {XSS} leaks & more",
        location=Location(cell=1, cell_id=XSS, line=1),
        fix=f"Drop {XSS}.",
        pitfalls=(40,),
        subject=(XSS,),
        related=(Related(Location(cell_id=XSS), XSS),),
        sources=("static",),
        evidence=(
            Evidence("static", XSS, f"df[{XSS!r}]", {XSS: XSS, "cols": [XSS, '"q"']}),
            Evidence("live", "k", "<img src=x onerror=alert(1)>", {}),
        ),
    )
    html = render_html([finding], title=XSS)
    assert XSS not in html
    assert "<script" not in html.lower() and "<img" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "leaks &amp; more" in html
    audit = _audit(html)
    assert set(audit.tags) <= ALLOWED_TAGS
    assert XSS in "".join(audit.text)  # shown to the reader as text, not as markup
