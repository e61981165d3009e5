"""What the in-process ``shell`` fixture (conftest) displayed, read back as findings."""

from __future__ import annotations

import json

MIME = "application/vnd.ml-lint-nb.findings+json"


def shown(sh) -> list[dict]:
    """Findings the shell displayed since the last call (and forget them)."""
    out = []
    for data in sh.published:
        if MIME in data:
            payload = data[MIME] if isinstance(data[MIME], dict) else json.loads(data[MIME])
            out += [f for file in payload["files"] for f in file["findings"]]
    sh.published.clear()
    return out


def run(sh, code: str) -> list[dict]:
    """Run ``code`` as a cell (it must not raise) and return the findings it displayed."""
    result = sh.run_cell(code, store_history=True)
    assert result.error_in_exec is None, result.error_in_exec
    return shown(sh)
