"""The findings JSON document: contract shape, order, summary, schema validity."""

from __future__ import annotations

import copy
import json
import random
from dataclasses import replace
from typing import Any

import jsonschema
import pytest
from render_fixtures import TOOL_VERSION, assert_snapshot, leak_finding, sample_run

from ml_lint_nb.findings import (
    Evidence,
    FileResult,
    Finding,
    Location,
    Note,
    Related,
    RunResult,
    Severity,
)
from ml_lint_nb.render import findings_document, render_json
from ml_lint_nb.render.json_format import json_safe
from ml_lint_nb.schema import load_findings_schema

# The example document of findings-json.md, verbatim: the contract's own example must validate.
CONTRACT_EXAMPLE = {
    "version": 1,
    "tool": {"name": "ml-lint-nb", "version": "0.1.0"},
    "files": [
        {
            "path": "notebooks/churn.ipynb",
            "mode": "static",
            "findings": [
                {
                    "code": "ML203",
                    "name": "preprocessing-before-split",
                    "severity": "error",
                    "message": (
                        "StandardScaler is fitted on all 569 rows before train_test_split; "
                        "test rows leak into its mean and scale."
                    ),
                    "cell": 4,
                    "cell_id": "a1b2",
                    "execution_count": None,
                    "line": 2,
                    "col": 5,
                    "related": [{"cell": 5, "cell_id": "c3d4", "line": 1, "role": "split"}],
                    "sources": ["static"],
                    "evidence": [
                        {
                            "source": "static",
                            "kind": "fit-before-split",
                            "text": "scaler.fit(X) precedes train_test_split(X, ...)",
                            "data": {},
                        }
                    ],
                    "fix": "Fit the scaler on X_train only, or put it in a Pipeline.",
                    "pitfalls": [40, 89],
                    "url": "docs/rules/ML203.md",
                    "subject": ["scaler", "X"],
                }
            ],
            "notes": [{"cell": 7, "message": "syntax error; cell skipped"}],
            "error": None,
            "skipped": None,
        }
    ],
    "not_evaluated": ["ML101", "ML201"],
    "summary": {"files": 1, "errors": 0, "findings": {"error": 1, "warning": 0, "info": 0}},
}


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = load_findings_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def _doc(run: RunResult) -> dict[str, Any]:
    return json.loads(render_json(run, TOOL_VERSION))


def _full_finding() -> Finding:
    """A finding with every optional field populated (nothing null, nothing empty)."""
    return Finding(
        code="ML203",
        name="preprocessing-before-split",
        severity=Severity.ERROR,
        message="scaler saw all rows",
        location=Location(cell=4, cell_id="a1b2", line=2, col=5, execution_count=7),
        fix="Fit on X_train only.",
        pitfalls=(40, 89),
        subject=("scaler",),
        related=(Related(Location(cell=5, cell_id="c3d4", line=1), "split"),),
        sources=("live", "static"),
        evidence=(
            Evidence("static", "fit-before-split", "scaler.fit(X)", {"rows": 569}),
            Evidence("live", "rows-seen", "n_samples_seen_ == 569", {"share": 1.0, "col": "age"}),
        ),
    )


def _null_finding() -> Finding:
    """A live finding whose position the kernel cannot know: every nullable field null."""
    return Finding(
        code="ML101",
        name="duplicate-rows",
        severity=Severity.WARNING,
        message="duplicates",
        location=Location(),
        fix="Drop duplicates.",
        pitfalls=(34,),
        related=(Related(Location(), "fit"),),
        sources=("live",),
    )


def test_snapshot() -> None:
    assert_snapshot("sample.json", render_json(sample_run(), TOOL_VERSION))


def test_contract_example_validates(validator: jsonschema.Draft202012Validator) -> None:
    validator.validate(CONTRACT_EXAMPLE)


def test_contract_example_round_trips() -> None:
    """Rendering the example's data reproduces the example (modulo not_evaluated order)."""
    finding = leak_finding()
    finding = replace(finding, evidence=(replace(finding.evidence[0], data={}),))
    run = RunResult(
        files=[
            FileResult(
                path="notebooks/churn.ipynb",
                findings=[finding],
                notes=[Note("syntax error; cell skipped", cell=7)],
            )
        ],
        not_evaluated=["ML201", "ML101"],
    )
    assert _doc(run) == CONTRACT_EXAMPLE


def test_sample_validates(validator: jsonschema.Draft202012Validator) -> None:
    validator.validate(_doc(sample_run()))


def test_every_field_populated_validates(validator: jsonschema.Draft202012Validator) -> None:
    run = RunResult(
        files=[
            FileResult(
                path="a.ipynb",
                mode="execute",
                findings=[_full_finding()],
                notes=[Note("cell 3 raised ValueError under --execute", cell=3)],
                error="partially unreadable",
                skipped="excluded",
            )
        ],
        not_evaluated=["ML101"],
    )
    doc = _doc(run)
    validator.validate(doc)
    finding = doc["files"][0]["findings"][0]
    assert all(v is not None and v != [] for v in finding.values())
    assert finding["execution_count"] == 7
    assert finding["sources"] == ["live", "static"]


def test_nulls_validate(validator: jsonschema.Draft202012Validator) -> None:
    run = RunResult(
        files=[FileResult(path=None, mode="live", findings=[_null_finding()], notes=[Note("x")])]
    )
    doc = _doc(run)
    validator.validate(doc)
    file = doc["files"][0]
    assert file["path"] is None and file["mode"] == "live"
    finding = file["findings"][0]
    for key in ("cell", "cell_id", "execution_count", "line", "col"):
        assert finding[key] is None
    assert finding["related"] == [{"cell": None, "cell_id": None, "line": None, "role": "fit"}]
    assert file["notes"] == [{"cell": None, "message": "x"}]


@pytest.mark.parametrize(
    ("pointer", "value"),
    [
        (("version",), 2),
        (("files", 0, "mode"), "dynamic"),
        (("files", 0, "path"), 3),
        (("files", 0, "findings", 0, "line"), 0),
        (("files", 0, "findings", 0, "col"), 0),
        (("files", 0, "findings", 0, "cell"), 0),
        (("files", 0, "findings", 0, "cell"), "4"),
        (("files", 0, "findings", 0, "severity"), "fatal"),
        (("files", 0, "findings", 0, "sources"), ["kernel"]),
        (("files", 0, "findings", 0, "pitfalls"), ["40"]),
        (("files", 0, "findings", 0, "evidence", 0, "source"), "ast"),
        (("files", 0, "findings", 0, "related", 0, "line"), 0),
        (("files", 0, "notes", 0, "cell"), 0),
        (("summary", "findings", "error"), -1),
    ],
)
def test_schema_rejects(
    validator: jsonschema.Draft202012Validator, pointer: tuple[Any, ...], value: Any
) -> None:
    doc = copy.deepcopy(CONTRACT_EXAMPLE)
    target: Any = doc
    for key in pointer[:-1]:
        target = target[key]
    target[pointer[-1]] = value
    assert not validator.is_valid(doc)


@pytest.mark.parametrize(
    "pointer",
    [
        ("version",),
        ("files", 0, "mode"),
        ("files", 0, "error"),
        ("files", 0, "findings", 0, "col"),
        ("files", 0, "findings", 0, "url"),
        ("summary", "errors"),
    ],
)
def test_schema_requires(validator: jsonschema.Draft202012Validator, pointer: tuple) -> None:
    doc = copy.deepcopy(CONTRACT_EXAMPLE)
    target: Any = doc
    for key in pointer[:-1]:
        target = target[key]
    del target[pointer[-1]]
    assert not validator.is_valid(doc)


def test_schema_allows_added_fields(validator: jsonschema.Draft202012Validator) -> None:
    """Version 1 may grow fields; consumers must not break on them."""
    doc = copy.deepcopy(CONTRACT_EXAMPLE)
    doc["generated_at"] = "now"
    doc["files"][0]["findings"][0]["confidence"] = 0.9
    doc["files"][0]["duration_ms"] = 12
    validator.validate(doc)


def test_order_and_summary() -> None:
    doc = _doc(sample_run())
    assert [f["path"] for f in doc["files"]] == [
        "notebooks/broken.ipynb",
        "notebooks/churn.ipynb",
        "notebooks/clean.ipynb",
        "notebooks/odd, name: 100%.ipynb",
        "notebooks/r.ipynb",
    ]
    churn = doc["files"][1]
    # v1.1: errors, then warnings, then info; each group by position
    assert [(f["cell"], f["code"]) for f in churn["findings"]] == [
        (4, "ML203"),
        (2, "ML101"),
        (9, "ML304"),
    ]
    assert doc["summary"] == {
        "files": 5,
        "errors": 1,
        "findings": {"error": 1, "warning": 2, "info": 1},
    }
    assert doc["not_evaluated"] == ["ML102", "ML201"]
    assert doc["tool"] == {"name": "ml-lint-nb", "version": TOOL_VERSION}


def test_severity_groups_first_then_position() -> None:
    def at(cell: int, severity: Severity, code: str) -> Finding:
        return Finding(code, "x", severity, "m", Location(cell=cell, line=1), "f", ())

    run = RunResult(
        files=[
            FileResult(
                path="a.ipynb",
                findings=[
                    at(1, Severity.INFO, "ML304"),
                    at(5, Severity.ERROR, "ML203"),
                    at(2, Severity.WARNING, "ML101"),
                    at(3, Severity.ERROR, "ML202"),
                ],
            )
        ]
    )
    codes = [f["code"] for f in _doc(run)["files"][0]["findings"]]
    assert codes == ["ML202", "ML203", "ML101", "ML304"]


def test_path_none_sorts_last_and_unknown_cells_last() -> None:
    def at(cell: int | None, line: int | None, code: str) -> Finding:
        return Finding(code, "x", Severity.INFO, "m", Location(cell=cell, line=line), "f", ())

    run = RunResult(
        files=[
            FileResult(path=None, mode="live"),
            FileResult(
                path="b.ipynb",
                findings=[
                    at(None, None, "ML101"),
                    at(3, None, "ML102"),
                    at(3, 1, "ML209"),
                    at(3, 1, "ML203"),
                    at(1, 9, "ML301"),
                ],
            ),
            FileResult(path="a.ipynb"),
        ]
    )
    doc = _doc(run)
    assert [f["path"] for f in doc["files"]] == ["a.ipynb", "b.ipynb", None]
    # one severity here: position order decides
    assert [(f["cell"], f["line"], f["code"]) for f in doc["files"][1]["findings"]] == [
        (1, 9, "ML301"),
        (3, 1, "ML203"),
        (3, 1, "ML209"),
        (3, None, "ML102"),
        (None, None, "ML101"),
    ]


def test_deterministic_regardless_of_input_order() -> None:
    first = render_json(sample_run(), TOOL_VERSION)
    shuffled = sample_run()
    rng = random.Random(0)
    rng.shuffle(shuffled.files)
    for f in shuffled.files:
        rng.shuffle(f.findings)
    assert render_json(shuffled, TOOL_VERSION) == first
    assert first.endswith("}\n") and '\n  "version": 1,' in first


class _Scalar:
    """Stands in for a numpy scalar without importing numpy."""

    def __init__(self, value: float) -> None:
        self.value = value

    def item(self) -> float:
        return self.value


def test_evidence_data_made_json_safe(validator: jsonschema.Draft202012Validator) -> None:
    data = {
        "nan": float("nan"),
        "inf": float("inf"),
        "np": _Scalar(0.5),
        "cols": {"b", "a"},
        "t": (1, 2),
        3: "int key",
        "obj": object,
    }
    finding = Finding(
        "ML103",
        "missing-values",
        Severity.INFO,
        "m",
        Location(cell=1),
        "f",
        (24,),
        evidence=(Evidence("live", "null-share", "t", data),),
    )
    text = render_json(RunResult(files=[FileResult("a.ipynb", findings=[finding])]), "0")
    doc = json.loads(text)  # strict: NaN would have raised in render_json (allow_nan=False)
    validator.validate(doc)
    got = doc["files"][0]["findings"][0]["evidence"][0]["data"]
    assert got["nan"] is None and got["inf"] is None and got["np"] == 0.5
    assert got["cols"] == ["a", "b"] and got["t"] == [1, 2] and got["3"] == "int key"
    assert isinstance(got["obj"], str)
    assert json_safe({"x": [_Scalar(1)]}) == {"x": [1]}


def test_findings_document_matches_render() -> None:
    run = sample_run()
    assert findings_document(run, TOOL_VERSION) == _doc(run)


def test_schema_shipped_as_package_resource() -> None:
    from importlib import resources

    res = resources.files("ml_lint_nb.schema").joinpath("findings-v1.json")
    assert res.is_file()
    schema = load_findings_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["properties"]["version"] == {"const": 1}
