"""Growth of the static linter's time with the size of one cell.

A saved notebook is untrusted input: one cell of 10,000 column assignments
(``df['cN'] = df['cN'].fillna(df['cN'].mean())``) once took 24 s because each
assignment copied the frame's per-column bookkeeping. This prints, for that
cell and for plain assignments, the time at doubling sizes and the ratio of
each step to the one before: about 2 means linear, about 4 quadratic.

Run: ``python benchmarks/bench_large_cells.py [--sizes 2500 5000 10000 20000]``
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ml_lint_nb.config import Config  # noqa: E402
from ml_lint_nb.engine import lint_source  # noqa: E402
from ml_lint_nb.facts.static.notebook import parse_notebook  # noqa: E402

SHAPES = {
    "column assignments": "df['c{i}'] = df['c{i}'].fillna(df['c{i}'].mean())",
    "plain assignments": "x{i} = df['c'].mean() + {i}",
}


def notebook(line: str, n: int) -> str:
    source = ["import pandas as pd", "df = pd.read_csv('x.csv')"]
    source += [line.format(i=i) for i in range(n)]
    cell = {"cell_type": "code", "metadata": {}, "outputs": [], "source": "\n".join(source)}
    doc = {"nbformat": 4, "nbformat_minor": 4, "metadata": {}, "cells": [cell]}
    return json.dumps(doc)


def seconds(text: str, repeat: int) -> float:
    nb = parse_notebook(text, "bench.ipynb")
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        lint_source(nb, Config())
        best = min(best, time.perf_counter() - start)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2500, 5000, 10000, 20000])
    parser.add_argument("--repeat", type=int, default=2, help="runs per size (best reported)")
    args = parser.parse_args(argv)
    for shape, line in SHAPES.items():
        print(f"{shape}:")
        previous = None
        for n in args.sizes:
            t = seconds(notebook(line, n), args.repeat)
            step = f"  x{t / previous:.1f} from the size before" if previous else ""
            print(f"  {n:>7,} lines  {t:6.2f} s{step}")
            previous = t
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
