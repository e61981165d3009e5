"""Rule documentation generated from the rules themselves.

Each rule's page is rendered from its class: the docstring's fixed sections
(*What it does / Why is this bad? / Example / Use instead*), its metadata
(severity, detect, pitfalls, fix, thresholds) and, when they exist, the
fixture files its tests run on. Generating the pages, rather than writing
them, keeps the docs from drifting away from behaviour; ``tests/test_docs.py``
fails when the committed pages are stale.

Output is deterministic (rule order from the registry, fixtures sorted by
name, no dates) so that "stale" means "something changed", never "it ran
again".

Run ``python -m ml_lint_nb.docs`` to regenerate ``docs/rules/``, or
``python -m ml_lint_nb.docs --check`` to only report stale or missing pages.
"""

from __future__ import annotations

import argparse
import inspect
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ml_lint_nb.rules.base import Rule, Threshold
from ml_lint_nb.rules.registry import RULES

SECTIONS: tuple[str, ...] = ("What it does", "Why is this bad?", "Example", "Use instead")
BOOK = "*98 things that can go wrong in an ML project* (Uttamchandani, 2020)"
KERNEL_HINT = "needs a kernel: `%load_ext ml_lint_nb` or `ml-lint-nb check --execute`"
INDEX_NAME = "README.md"
LIVE_HEADER = "# live"  # the first line of a fixture that runs in a kernel

# Found relative to the package, so this only exists in a source checkout:
# an installed ml-lint-nb has neither the fixtures nor the docs folder.
REPO_ROOT = Path(__file__).resolve().parent.parent
DOCS_DIR = REPO_ROOT / "docs" / "rules"
FIXTURES_DIR = REPO_ROOT / "tests" / "fixtures" / "rules"

_PAGE_NAME = re.compile(r"^ML\d+\.md$")
_BARE_TOML_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


# -- fixture examples -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Example:
    """One fixture file: its name, its percent-format source, and whether it runs in a kernel.

    A kernel fixture (first line ``# live``) is not read but run, cell by
    cell, with the extension loaded; its markers are where the hook reports.
    """

    name: str
    source: str
    live: bool = False


@dataclass(frozen=True)
class RuleExamples:
    """The fixtures a rule's tests run on: ``bad_*.py`` are flagged, ``good_*.py`` are not."""

    flagged: tuple[Example, ...] = ()
    not_flagged: tuple[Example, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.flagged or self.not_flagged)


def _read_examples(folder: Path, pattern: str) -> tuple[Example, ...]:
    """Fixtures matching ``pattern``, sorted by name so pages do not depend on the filesystem."""
    files = sorted(p for p in folder.glob(pattern) if p.is_file())
    sources = [(p.name, _normalise(p.read_text(encoding="utf-8"))) for p in files]
    return tuple(Example(name, text, _is_live(text)) for name, text in sources)


def _is_live(source: str) -> bool:
    """A kernel fixture's first line is ``# live`` (``tests/rule_fixtures.py``)."""
    first = source.split("\n", 1)[0]
    return first == LIVE_HEADER or first.startswith(LIVE_HEADER + " ")


def _normalise(text: str) -> str:
    """Unix newlines and no trailing blank lines: a checkout on Windows must not look stale."""
    return text.replace("\r\n", "\n").replace("\r", "\n").rstrip()


def load_examples(code: str, fixtures_dir: Path = FIXTURES_DIR) -> RuleExamples:
    """The fixtures under ``<fixtures_dir>/<code>/``; empty when the rule has none."""
    folder = fixtures_dir / code
    if not folder.is_dir():
        return RuleExamples()
    return RuleExamples(_read_examples(folder, "bad_*.py"), _read_examples(folder, "good_*.py"))


# -- docstring ------------------------------------------------------------------------------------


def _is_fence(line: str) -> bool:
    stripped = line.lstrip()
    return stripped.startswith("```") or stripped.startswith("~~~")


def parse_docstring(doc: str | None) -> dict[str, str]:
    """Split a rule docstring into its sections, keyed by title, in written order.

    A title is a line exactly equal to one of :data:`SECTIONS`, outside a
    fenced code block (so an example may contain such a line). Text before
    the first title is returned under ``""``.
    """
    sections: dict[str, list[str]] = {"": []}
    current = ""
    in_fence = False
    for line in inspect.cleandoc(doc or "").splitlines():
        if _is_fence(line):
            in_fence = not in_fence
        if not in_fence and line in SECTIONS:
            current = line
            sections[current] = []
            continue
        sections[current].append(line)
    parsed = {title: "\n".join(lines).strip("\n") for title, lines in sections.items()}
    return {title: body for title, body in parsed.items() if body or title}


def missing_sections(rule_cls: type[Rule]) -> list[str]:
    """The required docstring sections a rule lacks or leaves empty."""
    sections = parse_docstring(rule_cls.__doc__)
    return [title for title in SECTIONS if not sections.get(title)]


# -- page parts -----------------------------------------------------------------------------------


def detect_text(rule_cls: type[Rule]) -> str:
    """How the rule finds evidence; a live-only rule says what it needs to run at all."""
    kinds = [d for d in ("static", "live") if d in rule_cls.detect]
    if kinds == ["live"]:
        return f"live only; {KERNEL_HINT}"
    return " and ".join(kinds)


def pitfalls_text(rule_cls: type[Rule]) -> str:
    """``Item 62 of *98 things ...*``: numbers a reader can look up, never a bare ``#62``."""
    numbers = [str(p) for p in rule_cls.pitfalls]
    if len(numbers) == 1:
        return f"Item {numbers[0]} of {BOOK}"
    listed = ", ".join(numbers[:-1]) + f" and {numbers[-1]}"
    return f"Items {listed} of {BOOK}"


def rule_why(code: str) -> str:
    """The first paragraph of a rule's *Why is this bad?*, on one line ("" for an unknown code).

    Shown inline under each finding of the live block: a relative link to the
    repository's docs cannot resolve in a notebook, the rule's own words can.
    """
    return _WHY[code]


def _first_paragraph(text: str) -> str:
    paragraph = text.strip().split("\n\n", 1)[0]
    return " ".join(paragraph.split())


class _WhyIndex(dict):
    """Rule code -> first paragraph of its *Why is this bad?*, built on first use."""

    def __missing__(self, code: str) -> str:
        if not self:
            for rule_cls in RULES:
                why = parse_docstring(rule_cls.__doc__).get("Why is this bad?", "")
                self[rule_cls.code] = _first_paragraph(why)
            return self.get(code, "")
        return ""


_WHY = _WhyIndex()


def format_number(value: float) -> str:
    """A threshold value as both Markdown and TOML can show it: ``1000``, ``0.1``, ``1e-08``."""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def _toml_key(name: str) -> str:
    return name if _BARE_TOML_KEY.match(name) else f'"{name}"'


def _fenced(source: str, lang: str = "python") -> list[str]:
    """A fenced block longer than any backtick run inside, so fixtures cannot close it early."""
    longest = max((len(run) for run in re.findall(r"`+", source)), default=0)
    fence = "`" * max(3, longest + 1)
    return [f"{fence}{lang}", source, fence]


def _header(rule_cls: type[Rule]) -> list[str]:
    meta = (
        f"**Severity:** {rule_cls.severity.value} · "
        f"**Detect:** {detect_text(rule_cls)} · "
        f"{pitfalls_text(rule_cls)}"
    )
    summary = rule_cls.summary[:1].upper() + rule_cls.summary[1:]
    return [f"# {rule_cls.code} {rule_cls.name}", "", f"{summary}.", "", meta]


def _docstring_sections(rule_cls: type[Rule]) -> list[str]:
    lines: list[str] = []
    for title, body in parse_docstring(rule_cls.__doc__).items():
        if title:
            lines += ["", f"## {title}"]
        lines += ["", body]
    return lines


def _threshold_table(thresholds: Sequence[Threshold]) -> list[str]:
    rows = [f"| `{t.name}` | `{format_number(t.default)}` | {_cell(t.help)} |" for t in thresholds]
    return ["| Threshold | Default | Meaning |", "| --- | --- | --- |", *rows]


def _threshold_toml(rule_cls: type[Rule]) -> list[str]:
    body = [f"{_toml_key(t.name)} = {format_number(t.default)}" for t in rule_cls.thresholds]
    return _fenced("\n".join([f"[tool.ml-lint-nb.thresholds.{rule_cls.code}]", *body]), "toml")


def _configuration(rule_cls: type[Rule]) -> list[str]:
    code = rule_cls.code
    lines = ["", "## Configuration", ""]
    if rule_cls.thresholds:
        lines += _threshold_table(rule_cls.thresholds)
        lines += ["", "Change them in `pyproject.toml`:", ""]
        lines += _threshold_toml(rule_cls)
    else:
        lines += ["This rule has no thresholds."]
    lines += [
        "",
        f"To suppress it (by code `{code}` or name `{rule_cls.name}`):",
        "",
        f"- on the reported line: `# noqa: {code}`",
        f"- for a whole cell, as its first comment line: `# ml-lint-nb: disable={code}`",
        f'- for a notebook, in its metadata: `{{"ml_lint_nb": {{"ignore": ["{code}"]}}}}`',
        f'- for a project, in `pyproject.toml`: `ignore = ["{code}"]` under `[tool.ml-lint-nb]`',
    ]
    return lines


def _example_group(title: str, examples: Iterable[Example]) -> list[str]:
    lines: list[str] = []
    for example in examples:
        where = " (run in a kernel)" if example.live else ""
        lines += ["", f"### {title}{where}: `{example.name}`", "", *_fenced(example.source)]
    return lines


def _tested_examples(rule_cls: type[Rule], examples: RuleExamples) -> list[str]:
    if not examples:
        return []
    intro = (
        f"The fixtures of this rule's tests (`tests/fixtures/rules/{rule_cls.code}/`). "
        "`# %%` starts a code cell, `# %% [markdown]` a markdown cell; "
        f"lines marked `# [{rule_cls.code}]` are the ones reported."
    )
    if any(e.live for e in (*examples.flagged, *examples.not_flagged)):
        intro += (
            f" A fixture whose first line is `{LIVE_HEADER}` is run, not read: its cells run "
            "one by one in an IPython kernel with `%load_ext ml_lint_nb`, and its marked lines are "
            "where the findings it shows under the cells are located."
        )
    return [
        "",
        "## Tested examples",
        "",
        intro,
        *_example_group("Flagged", examples.flagged),
        *_example_group("Not flagged", examples.not_flagged),
    ]


# -- pages ----------------------------------------------------------------------------------------


def rule_markdown(rule_cls: type[Rule], examples: RuleExamples | None = None) -> str:
    """One rule's documentation page, as committed under ``docs/rules/<CODE>.md``.

    ``examples=None`` looks the rule's fixtures up in this source checkout
    (none in an installed package), so ``ml-lint-nb explain`` prints the same
    page as the docs; pass ``RuleExamples()`` to leave them out.
    """
    if examples is None:
        examples = load_examples(rule_cls.code)
    lines = [
        *_header(rule_cls),
        *_docstring_sections(rule_cls),
        "",
        "## Fix",
        "",
        rule_cls.fix,
        *_automatic_fix(rule_cls),
        *_configuration(rule_cls),
        *_tested_examples(rule_cls, examples),
    ]
    return "\n".join(lines).strip("\n") + "\n"


def _automatic_fix(rule_cls: type[Rule]) -> list[str]:
    """The rule's automatic fix, from its producer's docstring, and how to apply it."""
    import inspect

    from ml_lint_nb.rules.fixes import FIXES

    entry = FIXES.get(rule_cls.code)
    if entry is None:
        return []
    kind, producer = entry
    module = inspect.getmodule(producer)
    doc = inspect.cleandoc(module.__doc__ or "") if module is not None else ""
    head, _, body = doc.partition("\n")
    head = head.split(": ", 1)[-1]
    how = (
        "`ml-lint-nb check --fix` applies it: a safe fix, results change only in what the "
        "rule is about."
        if kind == "safe"
        else "`ml-lint-nb check --unsafe-fixes` applies it: an unsafe fix changes what the "
        "notebook computes, so read `--diff` first."
    )
    lines = ["", "## Automatic fix", "", f"{head[:1].upper()}{head[1:]}"]
    if body.strip():
        lines += ["", body.strip()]
    lines += ["", f"{how} In JupyterLab, *Apply fix* on the finding makes the same edit."]
    return lines


def _detect_short(rule_cls: type[Rule]) -> str:
    return ", ".join(d for d in ("static", "live") if d in rule_cls.detect)


def rules_index_markdown() -> str:
    """The table of every rule, in registry order, each code linking to its page."""
    from ml_lint_nb.rules.fixes import applicability

    rows = [
        f"| [{r.code}]({r.code}.md) | `{r.name}` | {r.severity.value} | "
        f"{_detect_short(r)} | {applicability(r.code) or ''} | {_cell(r.summary)} |"
        for r in RULES
    ]
    lines = [
        "# Rules",
        "",
        "Generated from the rule classes in `ml_lint_nb/rules/` by "
        "`python -m ml_lint_nb.docs`; do not edit by hand.",
        "",
        "*Detect* says where a rule finds evidence: `static` in the notebook's source "
        "and saved outputs, `live` in a running kernel "
        "(`%load_ext ml_lint_nb` or `ml-lint-nb check --execute`).",
        "",
        "*Fix* says whether `ml-lint-nb check --fix` (`safe`) or only `--unsafe-fixes` "
        "(`unsafe`) can rewrite the code.",
        "",
        "| Code | Name | Severity | Detect | Fix | Summary |",
        "| --- | --- | --- | --- | --- | --- |",
        *rows,
    ]
    return "\n".join(lines) + "\n"


def render_docs(fixtures_dir: Path = FIXTURES_DIR) -> dict[str, str]:
    """Every generated file, by name: one page per rule in registry order, then the index."""
    pages = {f"{r.code}.md": rule_markdown(r, load_examples(r.code, fixtures_dir)) for r in RULES}
    pages[INDEX_NAME] = rules_index_markdown()
    return pages


def _obsolete(out_dir: Path, expected: Iterable[str]) -> list[Path]:
    """Rule pages in ``out_dir`` for codes that no longer exist (only ``ML<digits>.md``)."""
    if not out_dir.is_dir():
        return []
    keep = set(expected)
    return sorted(p for p in out_dir.iterdir() if _PAGE_NAME.match(p.name) and p.name not in keep)


def write_docs(out_dir: Path = DOCS_DIR) -> list[Path]:
    """Write every page and the index into ``out_dir``; remove pages of removed rules."""
    out_dir.mkdir(parents=True, exist_ok=True)
    pages = render_docs()
    for path in _obsolete(out_dir, pages):
        path.unlink()
    written = []
    for name, text in pages.items():
        path = out_dir / name
        path.write_text(text, encoding="utf-8", newline="\n")
        written.append(path)
    return written


def stale_docs(out_dir: Path = DOCS_DIR) -> list[str]:
    """Why ``out_dir`` differs from what :func:`write_docs` would write; empty when current."""
    pages = render_docs()
    problems = []
    for name, text in pages.items():
        path = out_dir / name
        if not path.is_file():
            problems.append(f"missing: {path}")
        elif path.read_text(encoding="utf-8") != text:
            problems.append(f"stale: {path}")
    problems += [f"obsolete: {path}" for path in _obsolete(out_dir, pages)]
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ml_lint_nb.docs", description="Regenerate docs/rules/ from the rules."
    )
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if a page is stale or missing"
    )
    parser.add_argument("--out", type=Path, default=DOCS_DIR, help=f"default: {DOCS_DIR}")
    args = parser.parse_args(argv)
    if args.check:
        problems = stale_docs(args.out)
        for problem in problems:
            print(problem)
        if problems:
            print("run `python -m ml_lint_nb.docs` to regenerate", file=sys.stderr)
        return 1 if problems else 0
    written = write_docs(args.out)
    print(f"wrote {len(written)} files to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
