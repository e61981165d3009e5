"""The names of the kernel-frontend protocol, spelled once (ARCHITECTURE.md describes it).

The kernel displays findings under :data:`FINDINGS_MIME_TYPE`; the CLI's
``--execute`` runner, the static reader (which skips our own outputs) and
the labextension (whose constants are generated from this module at build
time) all read that one spelling. :data:`METADATA_KEY` names our entry in
notebook metadata (``{"ml_lint_nb": {"ignore": [...]}}``) and in the
metadata of our outputs (``{"ml_lint_nb": {"version": 1}}``).
"""

from __future__ import annotations

FINDINGS_MIME_TYPE = "application/vnd.ml-lint-nb.findings+json"
METADATA_KEY = "ml_lint_nb"
