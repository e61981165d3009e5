"""Throughput of the static linter on a corpus of realistic notebooks.

Generates N seeded notebooks (about 15 code cells each, saved with
outputs), then times whole-process runs of ``ml-lint-nb check`` (interpreter
start-up included) at several ``--jobs`` settings, and ``ruff check`` on the
same files when ruff is installed. Prints notebooks per second and ratios;
the target is at least 250 notebooks/s on a 2-core machine.

Run: ``python benchmarks/bench_static.py [--n 1000] [--repeat 3]``
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.generate_corpus import generate_corpus  # noqa: E402

TARGET = 250.0


def timed(cmd: list[str], repeat: int) -> float:
    """Median wall time of a command (its output discarded)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        elapsed = time.perf_counter() - start
        if proc.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr[-2000:]}")
        times.append(elapsed)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="notebooks to generate")
    parser.add_argument("--repeat", type=int, default=3, help="runs per setting (median reported)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="mlnb-bench-"))
    try:
        paths = generate_corpus(tmp, args.n, args.seed)
        size_mb = sum(p.stat().st_size for p in paths) / 1e6
        print(f"corpus: {len(paths)} notebooks, {size_mb:.1f} MB, {os.cpu_count()} CPUs")
        lint = [
            sys.executable,
            "-m",
            "ml_lint_nb",
            "check",
            str(tmp),
            "--format",
            "json",
            "--exit-zero",
            "--no-cache",  # analysis throughput; bench_cache.py times the cache
        ]
        results: dict[str, float] = {}
        for jobs in ("1", "2", "auto"):
            flag = [] if jobs == "auto" else ["--jobs", jobs]
            results[jobs] = timed(lint + flag, args.repeat)
            rate = len(paths) / results[jobs]
            print(
                f"ml-lint-nb --jobs {jobs:>4}: {results[jobs]:6.2f} s  {rate:7.1f} notebooks/s  ({rate / TARGET:.2f}x target)"
            )
        ruff = shutil.which("ruff")
        if ruff:
            t_ruff = timed(
                [ruff, "check", "--no-cache", "--exit-zero", "--quiet", str(tmp)], args.repeat
            )
            print(f"ruff check        : {t_ruff:6.2f} s  {len(paths) / t_ruff:7.1f} notebooks/s")
            print(f"ratio ml-lint-nb (auto) / ruff time: {results['auto'] / t_ruff:.2f}x")
        else:
            print("ruff not installed: no ratio")
        best = len(paths) / results["auto"]
        verdict = "meets" if best >= TARGET else "MISSES"
        print(f"default settings: {best:.1f} notebooks/s, {verdict} the {TARGET:.0f}/s target")
        return 0 if best >= TARGET else 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
