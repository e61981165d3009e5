"""The generated rule docs: complete, current, and what ``explain`` prints.

The staleness test is the safety net for edits to rule docstrings,
metadata or fixtures: any of them changes a page, and the committed page
must be regenerated with ``python -m ml_lint_nb.docs``.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from ml_lint_nb.cli.main import main
from ml_lint_nb.config import load_config
from ml_lint_nb.docs import (
    SECTIONS,
    Example,
    RuleExamples,
    missing_sections,
    parse_docstring,
    rule_markdown,
    write_docs,
)
from ml_lint_nb.docs import main as docs_main
from ml_lint_nb.findings import Location
from ml_lint_nb.rules.base import Rule
from ml_lint_nb.rules.registry import RULES, RULES_BY_CODE

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs" / "rules"
REGENERATE = "docs/rules is out of date; run `python -m ml_lint_nb.docs` and commit the result"

rule_ids = pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])


def _files(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.md"))}


# -- the committed docs are current ---------------------------------------------------------------


def test_committed_docs_are_current(tmp_path: Path) -> None:
    written = write_docs(tmp_path)
    expected = _files(tmp_path)
    committed = _files(DOCS)
    assert {p.name for p in written} == set(expected)
    assert sorted(committed) == sorted(expected), REGENERATE
    stale = [name for name in expected if committed[name] != expected[name]]
    assert not stale, f"{REGENERATE} (stale: {', '.join(stale)})"


def test_generation_is_deterministic(tmp_path: Path) -> None:
    write_docs(tmp_path / "a")
    write_docs(tmp_path / "b")
    assert _files(tmp_path / "a") == _files(tmp_path / "b")


def test_check_reports_stale_missing_and_obsolete(tmp_path: Path, capsys) -> None:
    write_docs(tmp_path)
    assert docs_main(["--check", "--out", str(tmp_path)]) == 0
    (tmp_path / "ML203.md").write_text("edited by hand\n", encoding="utf-8")
    (tmp_path / "ML101.md").unlink()
    (tmp_path / "ML999.md").write_text("a removed rule\n", encoding="utf-8")
    assert docs_main(["--check", "--out", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "stale:" in out and "ML203.md" in out
    assert "missing:" in out and "ML101.md" in out
    assert "obsolete:" in out and "ML999.md" in out
    assert (tmp_path / "ML203.md").read_text(encoding="utf-8") == "edited by hand\n"  # no write
    docs_main(["--out", str(tmp_path)])
    assert not (tmp_path / "ML999.md").exists()
    assert docs_main(["--check", "--out", str(tmp_path)]) == 0


# -- every rule is documented ---------------------------------------------------------------------


@rule_ids
def test_docstring_has_the_four_sections(rule: type[Rule]) -> None:
    assert missing_sections(rule) == [], f"{rule.code}: docstring lacks {missing_sections(rule)}"
    assert [t for t in parse_docstring(rule.__doc__) if t] == list(SECTIONS)


@rule_ids
def test_rule_metadata_is_filled_in(rule: type[Rule]) -> None:
    assert rule.fix.strip(), rule.code
    assert rule.summary.strip(), rule.code
    assert rule.pitfalls, rule.code
    assert all(isinstance(p, int) and 1 <= p <= 98 for p in rule.pitfalls), rule.code


@rule_ids
def test_finding_url_exists(rule: type[Rule]) -> None:
    url = rule().finding("message", Location(cell=1, line=1)).url
    assert url == f"docs/rules/{rule.code}.md"
    assert (REPO / url).is_file(), REGENERATE


def test_index_links_every_page() -> None:
    index = (DOCS / "README.md").read_text(encoding="utf-8")
    for rule in RULES:
        assert f"[{rule.code}]({rule.code}.md)" in index
        assert (DOCS / f"{rule.code}.md").is_file()


# -- page content ---------------------------------------------------------------------------------


def test_page_layout() -> None:
    page = rule_markdown(RULES_BY_CODE["ML203"], RuleExamples())
    assert page.startswith("# ML203 preprocessing-before-split\n")
    assert "**Severity:** error" in page
    assert "Items 40 and 89 of *98 things that can go wrong in an ML project*" in page
    headings = [line for line in page.splitlines() if line.startswith("## ")]
    assert headings == [f"## {t}" for t in SECTIONS] + [
        "## Fix",
        "## Automatic fix",
        "## Configuration",
    ]
    no_edit = rule_markdown(RULES_BY_CODE["ML205"], RuleExamples())
    assert "## Automatic fix" not in no_edit
    assert "```python\nX_scaled = StandardScaler().fit_transform(X)\n" in page
    assert "`# noqa: ML203`" in page and "`# ml-lint-nb: disable=ML203`" in page


def test_live_only_rule_says_it_needs_a_kernel() -> None:
    live_only = [r for r in RULES if r.detect == frozenset({"live"})]
    assert live_only
    assert "`%load_ext ml_lint_nb`" in rule_markdown(live_only[0], RuleExamples())


@pytest.mark.parametrize("rule", [r for r in RULES if r.thresholds], ids=lambda r: r.code)
def test_threshold_snippet_is_valid_configuration(rule: type[Rule], tmp_path: Path) -> None:
    page = rule_markdown(rule, RuleExamples())
    snippet = page.split("```toml\n", 1)[1].split("\n```", 1)[0]
    tomllib.loads(snippet)
    (tmp_path / "pyproject.toml").write_text(snippet + "\n", encoding="utf-8")
    config = load_config(tmp_path / "pyproject.toml")
    assert config.rule_thresholds(rule.code) == {t.name: t.default for t in rule.thresholds}


def test_tested_examples_section() -> None:
    examples = RuleExamples(
        flagged=(Example("bad_a.py", "# %%\nX = fit(X)  # [ML203]\ns = '```'"),),
        not_flagged=(Example("good_a.py", "# %%\nx = 1"),),
    )
    page = rule_markdown(RULES_BY_CODE["ML203"], examples)
    assert "## Tested examples" in page
    assert "### Flagged: `bad_a.py`\n\n````python\n# %%\nX = fit(X)  # [ML203]" in page
    assert "### Not flagged: `good_a.py`\n\n```python\n# %%\nx = 1\n```" in page
    assert "## Tested examples" not in rule_markdown(RULES_BY_CODE["ML203"], RuleExamples())


def test_section_title_inside_a_code_block_is_code() -> None:
    doc = """What it does
    Finds things.

    Example
    ```text
    Use instead
    ```

    Use instead
    Something else.
    """
    sections = parse_docstring(doc)
    assert sections["Example"] == "```text\nUse instead\n```"
    assert sections["Use instead"] == "Something else."


# -- explain --------------------------------------------------------------------------------------


@pytest.mark.parametrize("ident", ["ML203", "preprocessing-before-split"])
def test_explain_prints_the_page(capsys, ident: str) -> None:
    assert main(["explain", ident]) == 0
    out = capsys.readouterr().out
    assert out == (DOCS / "ML203.md").read_text(encoding="utf-8"), REGENERATE
