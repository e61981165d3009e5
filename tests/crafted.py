"""Notebooks crafted to attack or overload the tools: a saved notebook is untrusted input.

Generated rather than committed when they are large; the small hostile
payloads live in ``tests/fixtures/untrusted/``.
"""

from __future__ import annotations

import json


def column_assignments(n: int) -> str:
    """A notebook of one cell with ``n`` column imputations (the quadratic case once)."""
    lines = ["import pandas as pd", "df = pd.read_csv('x.csv')"]
    lines += [f"df['c{i}'] = df['c{i}'].fillna(df['c{i}'].mean())" for i in range(n)]
    cell = {
        "cell_type": "code",
        "id": "big",
        "metadata": {},
        "outputs": [],
        "execution_count": None,
        "source": "\n".join(lines),
    }
    return json.dumps(
        {
            "nbformat": 4,
            "nbformat_minor": 5,
            "metadata": {"kernelspec": {"name": "python3", "language": "python"}},
            "cells": [cell],
        }
    )
