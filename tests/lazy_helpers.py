"""Shared by the lazy-frame tests (polars LazyFrame, Spark): the seven-pitfall pair and readers."""

from __future__ import annotations

from shell_findings import MIME  # noqa: F401  (shared by the lazy-frame tests)
from shell_findings import shown as findings
from test_live_acceptance import LOAD

# A frame of awkward columns: real and disguised nulls, a sentinel spike, codes stored as text.
MIXED = """\
import numpy as np, pandas as pd
rng = np.random.RandomState(3)
n = 4_000
income = rng.lognormal(10, 1, n)
income[:300] = -999.0
income[300:340] = np.nan
city = rng.choice(["Paris", "Lyon", "Nice"], n).astype(object)
city[:200] = "NA"
city[200:260] = " ? "
city[260:300] = None
mixed = pd.DataFrame({
    "income": income,
    "zip": [f"{z:05d}" for z in rng.randint(0, 99_999, n)],
    "city": city,
    "flag": rng.rand(n) < 0.3,
    "n": rng.randint(0, 5, n),
})
"""


def codes_and_subjects(found: list[dict]) -> set[tuple[str, tuple[str, ...]]]:
    return {(f["code"], tuple(f.get("subject") or ())) for f in found}


def pandas_pair(sh) -> set[tuple[str, tuple[str, ...]]]:
    """Load the seven-pitfall pair as pandas and return what ``%mlcheck train test`` finds."""
    result = sh.run_cell(LOAD)
    assert result.error_in_exec is None
    findings(sh)
    sh.run_cell("%mlcheck train test --target target")
    return codes_and_subjects(findings(sh))


__all__ = ["LOAD", "MIME", "MIXED", "codes_and_subjects", "findings", "pandas_pair"]
