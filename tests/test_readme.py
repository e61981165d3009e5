"""The README's sample output is what ``ml-lint-nb check demo_notebooks/`` prints today.

The excerpt's findings must appear as printed (each with its indented
lines, in one block) and its summary lines must be the command's own, so
the sample cannot drift from the tool again.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from ml_lint_nb.cli.main import main

REPO = Path(__file__).resolve().parent.parent


def _sample() -> list[str]:
    text = (REPO / "README.md").read_text()
    section = text[text.index("## What it prints") :]
    block = re.search(r"```text\n(.*?)```", section, re.S)
    assert block, "no text block under 'What it prints'"
    return block.group(1).splitlines()


@pytest.fixture(scope="module")
def printed() -> list[str]:
    here = os.getcwd()
    os.chdir(REPO)
    try:
        import contextlib
        import io

        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            main(["check", "demo_notebooks/", "--no-cache", "--no-color"])
    finally:
        os.chdir(here)
    return buffer.getvalue().splitlines()


def test_readme_summary_is_the_commands(printed: list[str]) -> None:
    sample = _sample()
    cut = sample.index("...")
    summary = sample[cut + 1 :]
    assert summary[0].startswith("Found ")
    assert printed[-len(summary) :] == summary


def test_readme_findings_are_printed_as_shown(printed: list[str]) -> None:
    sample = _sample()
    excerpt = sample[: sample.index("...")]
    blocks: list[list[str]] = []
    for line in excerpt:
        if line.startswith("    "):
            blocks[-1].append(line)
        else:
            blocks.append([line])
    assert len(blocks) >= 5
    for block in blocks:
        assert block[0] in printed, f"not printed today: {block[0]}"
        at = printed.index(block[0])
        assert printed[at : at + len(block)] == block
        following = printed[at + len(block)] if at + len(block) < len(printed) else ""
        assert not following.startswith("    "), f"the README leaves out lines of {block[0]}"
