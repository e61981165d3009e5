"""Renderers: one module per output format, findings in, text out.

Every renderer is a pure function of a :class:`~ml_lint_nb.findings.RunResult`
(or, for the live HTML, a list of findings), so the CLI, the API and the
kernel front end share them and the tests can snapshot them.
"""

from __future__ import annotations

from ml_lint_nb.render.github import render_github
from ml_lint_nb.render.html import render_html
from ml_lint_nb.render.json_format import findings_document, render_json
from ml_lint_nb.render.sarif import render_sarif, sarif_log
from ml_lint_nb.render.text import render_text

FORMATS = ("text", "json", "sarif", "github")

__all__ = [
    "FORMATS",
    "findings_document",
    "render_github",
    "render_html",
    "render_json",
    "render_sarif",
    "render_text",
    "sarif_log",
]
