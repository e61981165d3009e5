"""The live display bundle: its three representations, the schema, the metadata marker."""

from __future__ import annotations

import json
from dataclasses import replace
from html.parser import HTMLParser

import jsonschema
import nbformat
import pytest
from render_fixtures import TOOL_VERSION, leak_finding

from ml_lint_nb.findings import Evidence, Finding, Location, Note, Severity
from ml_lint_nb.render.mimebundle import (
    MIME_TYPE,
    findings_bundle,
    live_document,
    output_metadata,
    render_plain,
    summary_line,
)
from ml_lint_nb.schema import load_findings_schema

XSS = "<script>alert(1)</script>"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


def _finding(code: str, severity: Severity, cell: int | None = 1, **kw: object) -> Finding:
    defaults: dict[str, object] = {
        "name": "some-rule",
        "message": f"{code} message",
        "fix": f"fix {code}.",
        "pitfalls": (1,),
    }
    defaults.update(kw)
    return Finding(
        code=code,
        severity=severity,
        location=Location(cell=cell, line=1),
        **defaults,  # type: ignore[arg-type]
    )


def _mixed() -> list[Finding]:
    return [
        _finding("ML401", Severity.WARNING, cell=7),
        leak_finding(),
        _finding("ML402", Severity.WARNING, cell=8),
    ]


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _text(html: str) -> _Text:
    parser = _Text()
    parser.feed(html)
    parser.close()
    return parser


def _validate(doc: dict) -> None:
    jsonschema.validate(doc, load_findings_schema())


# --- the bundle as a whole -------------------------------------------------


def test_bundle_has_exactly_json_html_and_text() -> None:
    data, metadata = findings_bundle(_mixed(), notebook="churn.ipynb", tool_version=TOOL_VERSION)
    assert set(data) == {MIME_TYPE, "text/html", "text/plain"}
    assert WIDGET_MIME not in data  # nbconvert would prefer it and show nothing offline
    assert metadata == {"ml_lint_nb": {"version": 1}} == output_metadata()
    assert isinstance(data[MIME_TYPE], dict)  # +json MIME types travel as objects, not strings
    assert isinstance(data["text/html"], str) and isinstance(data["text/plain"], str)


def test_bundle_is_a_valid_nbformat_output() -> None:
    data, metadata = findings_bundle(
        _mixed(), notebook=None, notes=["sampled"], tool_version=TOOL_VERSION
    )
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x = 1")
    cell.outputs = [nbformat.v4.new_output("display_data", data=data, metadata=metadata)]
    nb.cells.append(cell)
    nbformat.validate(nb)
    roundtrip = nbformat.reads(nbformat.writes(nb), as_version=4)
    assert roundtrip.cells[0].outputs[0].data[MIME_TYPE] == data[MIME_TYPE]


def test_bundle_is_strict_json() -> None:
    nan = _finding(
        "ML101", Severity.WARNING, evidence=(Evidence("live", "k", "t", {"s": float("nan")}),)
    )
    data, metadata = findings_bundle([nan], notebook=None, tool_version=TOOL_VERSION)
    json.dumps(data, allow_nan=False)
    json.dumps(metadata, allow_nan=False)
    assert data[MIME_TYPE]["files"][0]["findings"][0]["evidence"][0]["data"] == {"s": None}


# --- the JSON payload -------------------------------------------------------


@pytest.mark.parametrize("notebook", ["notebooks/churn.ipynb", None])
def test_json_is_the_contract_document_in_live_mode(notebook: str | None) -> None:
    data, _ = findings_bundle(_mixed(), notebook=notebook, tool_version=TOOL_VERSION)
    doc = data[MIME_TYPE]
    _validate(doc)
    assert doc["version"] == 1
    assert doc["tool"] == {"name": "ml-lint-nb", "version": TOOL_VERSION}
    [file] = doc["files"]
    assert file["path"] == notebook and file["mode"] == "live"
    assert [f["code"] for f in file["findings"]] == ["ML203", "ML401", "ML402"]  # by cell
    assert file["error"] is None and file["skipped"] is None
    assert doc["summary"] == {
        "files": 1,
        "errors": 0,
        "findings": {"error": 1, "warning": 2, "info": 0},
    }


def test_json_still_present_and_notes_are_notes() -> None:
    still = [_finding("ML301", Severity.WARNING, cell=6, name="unscaled-features"), leak_finding()]
    doc = live_document(
        [_finding("ML402", Severity.WARNING, cell=8)],
        notebook=None,
        still_present=still,
        notes=["sampled 100,000 of 1,000,000 rows", Note("cell failed", cell=9)],
        tool_version=TOOL_VERSION,
    )
    _validate(doc)
    [file] = doc["files"]
    assert [f["code"] for f in file["findings"]] == ["ML402"]
    still_present = {"status": "still-present"}
    assert file["notes"] == [
        {
            "cell": 4,
            "message": "ML203 preprocessing-before-split still present",
            "code": "ML203",
            "subject": list(still[1].subject),
            **still_present,
        },
        {
            "cell": 6,
            "message": "ML301 unscaled-features still present",
            "code": "ML301",
            "subject": list(still[0].subject),
            **still_present,
        },
        {"cell": 9, "message": "cell failed"},
        {"cell": None, "message": "sampled 100,000 of 1,000,000 rows"},
    ]
    assert doc["summary"]["findings"] == {"error": 0, "warning": 1, "info": 0}


def test_json_keeps_user_strings_verbatim() -> None:
    finding = _finding("ML202", Severity.ERROR, message=f"column {XSS} copies the target")
    data, _ = findings_bundle([finding], notebook=XSS, tool_version=TOOL_VERSION)
    doc = data[MIME_TYPE]
    _validate(doc)
    assert doc["files"][0]["path"] == XSS
    assert doc["files"][0]["findings"][0]["message"] == f"column {XSS} copies the target"


# --- text/plain -------------------------------------------------------------


def test_plain_text_summary_findings_and_fixes() -> None:
    data, _ = findings_bundle(_mixed(), notebook=None, tool_version=TOOL_VERSION)
    assert data["text/plain"].splitlines() == [
        "ml-lint-nb: 1 error, 2 warnings",
        "ML203 [error] StandardScaler is fitted on all 569 rows before train_test_split; "
        "test rows leak into its mean and scale.",
        "    fix: Fit the scaler on X_train only, or put it in a Pipeline.",
        "ML401 [warning] ML401 message",
        "    fix: fix ML401.",
        "ML402 [warning] ML402 message",
        "    fix: fix ML402.",
    ]


def test_plain_text_with_still_present_and_notes() -> None:
    text = render_plain(
        [_finding("ML402", Severity.WARNING, cell=8, message="two\nlines", fix="")],
        still_present=[leak_finding(), _finding("ML301", Severity.WARNING, cell=None)],
        notes=["sampled 10% of rows"],
    )
    assert text.splitlines() == [
        "ml-lint-nb: 1 warning",
        "ML402 [warning] two lines",
        "still present: ML203 (cell 4), ML301",
        "note: sampled 10% of rows",
    ]


def test_only_still_present_is_one_line() -> None:
    data, _ = findings_bundle(
        [], notebook=None, still_present=[leak_finding()], tool_version=TOOL_VERSION
    )
    assert data["text/plain"] == "ml-lint-nb: ML203 still present (cell 4)"
    parsed = _text(data["text/html"])
    assert "".join(parsed.parts) == "ml-lint-nb: ML203 still present (cell 4)"
    assert "details" not in parsed.tags  # nothing to expand
    _validate(data[MIME_TYPE])


def test_still_present_falls_back_to_the_execution_count() -> None:
    live = replace(_finding("ML204", Severity.ERROR), location=Location(execution_count=12))
    assert summary_line([], [live]) == "ml-lint-nb: ML204 still present (cell [12])"


def test_only_notes() -> None:
    data, _ = findings_bundle(
        [], notebook=None, notes=["internal error; see %mlcheck debug"], tool_version=TOOL_VERSION
    )
    assert data["text/plain"] == "ml-lint-nb\nnote: internal error; see %mlcheck debug"
    assert "".join(_text(data["text/html"]).parts) == (
        "ml-lint-nb" + "internal error; see %mlcheck debug"
    )


# --- text/html --------------------------------------------------------------


def test_html_collapsed_summary_and_trailer() -> None:
    data, _ = findings_bundle(
        _mixed(),
        notebook=None,
        still_present=[_finding("ML301", Severity.WARNING, cell=6)],
        notes=["sampled 100,000 of 1,000,000 rows"],
        tool_version=TOOL_VERSION,
    )
    html = data["text/html"]
    assert html.startswith('<details class="ml-lint-nb"')
    assert " open" not in html.split(">", 1)[0]  # collapsed by default
    text = "".join(_text(html).parts)
    assert text.startswith("ml-lint-nb: 1 error, 2 warnings")
    assert "ML301 still present (cell 6)" in text
    assert text.endswith("sampled 100,000 of 1,000,000 rows")
    for code in ("ML203", "ML401", "ML402"):
        assert f"<code>{code}</code>" in html


def test_html_escapes_every_user_string() -> None:
    finding = Finding(
        code="ML202",
        name="target-leakage",
        severity=Severity.ERROR,
        message=f"column {XSS} copies the target",
        location=Location(cell=3, cell_id=XSS, line=1),
        fix=f"Drop {XSS}.",
        pitfalls=(12,),
        evidence=(Evidence("live", "auc", f"AUC of {XSS} is 1.0", {XSS: [XSS]}),),
    )
    still = _finding("ML301", Severity.WARNING, cell=6)
    data, _ = findings_bundle(
        [finding],
        notebook=XSS,
        still_present=[still],
        notes=[f"note {XSS}"],
        tool_version=TOOL_VERSION,
    )
    html = data["text/html"]
    assert "<script" not in html.lower()
    assert "&lt;script&gt;" in html
    assert XSS in "".join(_text(data["text/html"]).parts)
