"""The analysis cache: a warm run against a cold one and against ``ruff check --no-cache``.

Generates N seeded notebooks (990 by default), then times whole-process
runs (interpreter start-up included):

- cold: ``ml-lint-nb check --no-cache`` (every notebook analysed),
- fill: the first run with the cache (analyses and writes every entry),
- warm: runs with the cache filled (nothing analysed),
- edit: a warm run after one notebook gained a leaky cell,
- ``ruff check --no-cache`` on the same files, when ruff is installed.

It checks that a warm run prints the same report as a cold one and that
the warm run after the edit prints what a cold run of the edited corpus
prints, then prints the ratios. The target: a warm run at least as fast as
ruff without its cache.

Run: ``python benchmarks/bench_cache.py [--n 990] [--repeat 5]``
"""

from __future__ import annotations

import argparse
import json
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

LEAKY_CELL = {
    "cell_type": "code",
    "execution_count": None,
    "id": "bench-leak",
    "metadata": {},
    "outputs": [],
    "source": [
        "from sklearn.model_selection import train_test_split\n",
        "from sklearn.preprocessing import StandardScaler\n",
        "from sklearn.svm import SVC\n",
        "Z = StandardScaler().fit_transform(X)\n",
        "Z_tr, Z_te, t_tr, t_te = train_test_split(Z, y, random_state=0)\n",
        "SVC().fit(Z_tr, t_tr).score(Z_te, t_te)",
    ],
}


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, str]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return elapsed, proc.stdout


def timed(cmd: list[str], env: dict[str, str], repeat: int) -> tuple[float, str]:
    """Median wall time of ``repeat`` runs, and the output of the last one."""
    times, out = [], ""
    for _ in range(repeat):
        elapsed, out = run(cmd, env)
        times.append(elapsed)
    return statistics.median(times), out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=990, help="notebooks to generate")
    parser.add_argument("--repeat", type=int, default=5, help="runs per setting (median)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="mlnb-cache-bench-"))
    corpus, cache = tmp / "corpus", tmp / "cache"
    # bytecode compiled once, as `pip install` does (into a private folder, not the checkout)
    env = {
        **os.environ,
        "ML_LINT_NB_CACHE_DIR": str(cache),
        "PYTHONPYCACHEPREFIX": str(tmp / "pyc"),
    }
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    try:
        subprocess.run(
            [sys.executable, "-m", "compileall", "-q", str(HERE.parent / "ml_lint_nb")],
            env=env,
            check=True,
        )
        paths = generate_corpus(corpus, args.n, args.seed)
        size_mb = sum(p.stat().st_size for p in paths) / 1e6
        print(f"corpus: {len(paths)} notebooks, {size_mb:.1f} MB, {os.cpu_count()} CPUs")
        lint = [sys.executable, "-m", "ml_lint_nb", "check", str(corpus), "--format", "json"]
        cold, cold_out = timed([*lint, "--no-cache"], env, args.repeat)
        fill, fill_out = run(lint, env)
        warm, warm_out = timed(lint, env, args.repeat)
        same = cold_out == fill_out == warm_out
        print(f"cold (--no-cache)      : {cold:6.2f} s  {len(paths) / cold:7.1f} notebooks/s")
        print(f"first run, fills cache : {fill:6.2f} s  ({fill / cold:.2f}x cold)")
        print(f"warm (cache filled)    : {warm:6.2f} s  {len(paths) / warm:7.1f} notebooks/s")
        print(f"warm report == cold report: {'yes' if same else 'NO'}")

        edited = paths[len(paths) // 2]
        doc = json.loads(edited.read_text())
        doc["cells"].append(LEAKY_CELL)
        edited.write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n")
        after, after_out = run(lint, env)
        _t, truth = run([*lint, "--no-cache"], env)
        seen = after_out == truth and after_out != warm_out
        print(
            f"warm after editing one notebook: {after:6.2f} s; the edit is seen: "
            f"{'yes' if seen else 'NO'}"
        )

        ruff = shutil.which("ruff")
        met = None
        if ruff:
            t_ruff, _ = timed(
                [ruff, "check", "--no-cache", "--exit-zero", "--quiet", str(corpus)],
                env,
                args.repeat,
            )
            print(
                f"ruff check --no-cache  : {t_ruff:6.2f} s  {len(paths) / t_ruff:7.1f} notebooks/s"
            )
            print(f"ratio warm / ruff --no-cache: {warm / t_ruff:.2f}x (target <= 1)")
            met = warm <= t_ruff
        else:
            print("ruff not installed: no ratio")
        print(f"ratio warm / cold: {warm / cold:.2f}x")
        return 0 if same and seen and met is not False else 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
