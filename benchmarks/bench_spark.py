"""``%mlcheck`` on a big Spark frame: checks pushed down vs converting to pandas first.

Generates the frame in Spark (``spark.range`` and seeded ``rand``/``randn``
columns, never from pandas) and, each in a fresh process with its own local
Spark (``local[2]``, driver heap ``--driver-memory``):

- ``lazy``: :func:`summarise_lazy_frame` (what ``%mlcheck sdf --target
  target`` runs): Spark jobs, aggregates back;
- ``pandas``: ``toPandas()`` then :func:`summarise_frame` with ``full=True``
  (what a user does to get pandas checks).

Reports wall time, the Python process's peak RSS (above its RSS once
Spark has started) and the JVM driver's peak heap (sum of the heap pools'
peak usage, reset after start-up). Run:
``python benchmarks/bench_spark.py --rows 10000000`` (a few minutes).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def spark_session(driver_memory: str):  # type: ignore[no-untyped-def]
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master("local[2]")
        .appName("ml-lint-nb bench")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.driver.memory", driver_memory)
        .config("spark.driver.maxResultSize", "0")  # toPandas of 1e7 rows exceeds the 1g default
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def make_frame(spark, n: int):  # type: ignore[no-untyped-def]
    """Nine columns: five floats (one with nulls, one heavy-tailed), an int, a string, a constant
    and a 90/10 target."""
    from pyspark.sql import functions as F

    return spark.range(n).select(
        *[F.randn(seed=i).alias(f"f{i}") for i in range(3)],
        F.when(F.rand(seed=10) < 0.05, None).otherwise(F.randn(seed=11)).alias("f3"),
        F.exp(F.randn(seed=12) * 3).alias("f4"),
        (F.rand(seed=13) * 1000).cast("int").alias("i0"),
        F.element_at(
            F.array(F.lit("red"), F.lit("green"), F.lit("NA")),
            (F.rand(seed=14) * 3).cast("int") + 1,
        ).alias("s0"),
        F.lit(1.0).alias("const"),
        (F.rand(seed=15) < 0.1).cast("int").alias("target"),
    )


def _heap(spark):  # type: ignore[no-untyped-def]
    jvm = spark.sparkContext._jvm
    pools = jvm.java.lang.management.ManagementFactory.getMemoryPoolMXBeans()
    return [p for p in pools if str(p.getType()) == "Heap memory"]


def child(mode: str, n: int, driver_memory: str) -> None:
    sys.path.insert(0, str(ROOT))
    from ml_lint_nb.findings import Location

    spark = spark_session(driver_memory)
    df = make_frame(spark, n)
    pools = _heap(spark)
    spark.sparkContext._jvm.java.lang.System.gc()
    for p in pools:
        p.resetPeakUsage()
    base_rss = _rss_now()
    where = Location(line=1)
    start = time.perf_counter()
    out: dict[str, object] = {"mode": mode, "rows": n}
    if mode == "lazy":
        from ml_lint_nb.facts.live.lazy_frames import summarise_lazy_frame
        from ml_lint_nb.facts.live.limits import LiveLimits

        got = summarise_lazy_frame(
            "sdf", df, where, LiveLimits(full=True, lazy_check_seconds=3600), "target"
        )
        out["notes"] = list(got.notes)
        out["found"] = _codes(got.fact)
    else:
        from ml_lint_nb.facts.live.frames import summarise_frame
        from ml_lint_nb.facts.live.limits import LiveLimits

        pdf = df.toPandas()
        out["to_pandas_s"] = round(time.perf_counter() - start, 1)
        fact = summarise_frame("pdf", pdf, where, LiveLimits(full=True), "target")
        out["found"] = _codes(fact)
        del pdf
    out["seconds"] = round(time.perf_counter() - start, 1)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB -> MiB on Linux
    out["python_peak_mib"] = round(peak)
    out["python_peak_above_start_mib"] = round(peak - base_rss)
    out["jvm_heap_peak_mib"] = round(sum(p.getPeakUsage().getUsed() for p in pools) / 2**20)
    spark.stop()
    print("RESULT " + json.dumps(out), flush=True)


def _rss_now() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _codes(fact) -> list[str]:  # type: ignore[no-untyped-def]
    """What the data rules find on the summary (to show both paths agree)."""
    from ml_lint_nb.config import Config
    from ml_lint_nb.engine import rules_for, run_rules
    from ml_lint_nb.facts.store import FactStore

    if fact is None:
        return []
    rules, _ = rules_for(Config(), None, "live")
    found, _ = run_rules(FactStore([fact], modes=("live",)), rules)
    return sorted({f"{f.code} {'/'.join(f.subject)}" for f in found})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--modes", default="lazy,pandas")
    parser.add_argument("--driver-memory", default="6g")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.rows, args.driver_memory)
        return
    results = []
    for mode in args.modes.split(","):
        proc = subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                mode,
                "--rows",
                str(args.rows),
                "--driver-memory",
                args.driver_memory,
            ],
            capture_output=True,
            text=True,
        )
        line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT ")), None)
        if line is None:
            tail = (proc.stderr or "").strip().splitlines()[-5:]
            results.append({"mode": mode, "error": " | ".join(tail)})
        else:
            results.append(json.loads(line[len("RESULT ") :]))
        print(json.dumps(results[-1]), flush=True)
    print(f"\n{'mode':<8} {'rows':>12} {'wall s':>8} {'py peak MiB':>12} {'JVM heap peak MiB':>18}")
    for r in results:
        if "error" in r:
            print(f"{r['mode']:<8} failed: {r['error']}")
            continue
        print(
            f"{r['mode']:<8} {r['rows']:>12,} {r['seconds']:>8} "
            f"{r['python_peak_above_start_mib']:>12} {r['jvm_heap_peak_mib']:>18}"
        )


if __name__ == "__main__":
    main()
