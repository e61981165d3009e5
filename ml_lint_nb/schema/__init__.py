"""JSON Schemas shipped with the package (the findings contract, version 1).

The schema lives inside the package directory so hatchling ships it in the
wheel, and is read through :mod:`importlib.resources` so it works from a
zip or an installed wheel as well as from a checkout.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

FINDINGS_SCHEMA = "findings-v1.json"


def load_findings_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the findings document, version 1."""
    text = resources.files(__name__).joinpath(FINDINGS_SCHEMA).read_text(encoding="utf-8")
    return json.loads(text)
