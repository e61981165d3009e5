"""Cost of the live hook, measured in one run and printed as ratios against the budgets.

Budgets:
- a cell that touches no ML object: median time with the hook at most 1.2x without,
  in a namespace holding a dozen 1e5-row frames and fitted models;
- a cell that splits and fits on 1e5 x 20: the hook's own time at most 100 ms;
- the same on 1e6 rows: at most 250 ms;
- a fit on a train frame and a prediction on a separately loaded test frame (the
  model-anchored evidence: fit fingerprint, overlap, drift, fit-time leakage) on
  1e5 x 20: at most 100 ms a cell;
- ``%load_ext ml_lint_nb``: under 50 ms;
- transient memory of the hook: at most half the largest frame;
- ``%mlcheck huge --target y`` on 1e6 x 20: under 4 s.

The machine's load shows in every figure: run it on a quiet machine.

Run: ``python benchmarks/bench_hook.py``
"""

from __future__ import annotations

import statistics
import sys
import time
import tracemalloc

import numpy as np
import pandas as pd
from IPython.core.interactiveshell import InteractiveShell


def frame(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    data = {f"x{i}": rng.normal(size=n) * (10 ** (i % 4)) for i in range(18)}
    data["cat"] = rng.choice(["a", "b", "c"], size=n)
    data["y"] = (rng.random(n) < 0.1).astype(int)
    return pd.DataFrame(data)


def timed(sh: InteractiveShell, code: str, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        sh.run_cell(code, store_history=True)
        out.append(time.perf_counter() - start)
    return out


def report(label: str, value: float, budget: float, unit: str) -> bool:
    ok = value <= budget
    print(
        f"{label:<58} {value:8.3f} {unit}  budget {budget:g} {unit}  ({value / budget:.2f}x) {'ok' if ok else 'OVER'}"
    )
    return ok


def main() -> int:
    InteractiveShell.clear_instance()
    sh = InteractiveShell.instance()
    sh.display_pub.publish = lambda *a, **k: None  # measure the work, not the front end
    ns = sh.user_ns
    for i in range(12):
        ns[f"frame_{i}"] = frame(100_000, i)
    sh.run_cell(
        "from sklearn.linear_model import LogisticRegression\n"
        "from sklearn.model_selection import train_test_split\n"
        "from sklearn.preprocessing import StandardScaler\n"
        "models = [LogisticRegression(max_iter=50).fit(frame_0[[f'x{i}' for i in range(5)]][:5000], frame_0['y'][:5000]) for _ in range(3)]",
        store_history=True,
    )
    results = []

    # a plain cell costs about 0.15 ms; the history thread and the machine's load move single
    # runs by more than the hook costs, so blocks with and without the hook alternate and the
    # ratio is the median of the blocks' median ratios
    start = time.perf_counter()
    sh.run_line_magic("load_ext", "ml_lint_nb")
    load_ms = (time.perf_counter() - start) * 1000
    first = timed(sh, "x = 1", 1)[0]  # pays the one-time import of the engine
    print(
        f"{'first cell after %load_ext (one-time engine import, informational)':<58} {first * 1000:8.1f} ms"
    )
    ratios = []
    for _ in range(7):
        sh.run_line_magic("unload_ext", "ml_lint_nb")
        bare = statistics.median(timed(sh, "x = 1", 60))
        sh.run_line_magic("load_ext", "ml_lint_nb")
        hooked = statistics.median(timed(sh, "x = 1", 60))
        ratios.append(hooked / bare)
    results.append(
        report("hook on `x = 1` (median with / without)", statistics.median(ratios), 1.2, "x")
    )
    results.append(report("%load_ext ml_lint_nb", load_ms, 50, "ms"))

    cell = (
        "features = [c for c in {name}.columns if c.startswith('x')]\n"
        "X_tr, X_te, y_tr, y_te = train_test_split({name}[features], {name}['y'], random_state=0)\n"
        "clf = LogisticRegression(max_iter=200).fit(StandardScaler().fit_transform(X_tr), y_tr)"
    )
    from ml_lint_nb.ipython import get_session

    for name, n, budget_ms in (("big", 100_000, 100.0), ("huge", 1_000_000, 250.0)):
        ns[name] = frame(n, 99)
        sh.run_line_magic("unload_ext", "ml_lint_nb")
        without = statistics.median(timed(sh, cell.format(name=name), 5))
        sh.run_line_magic("load_ext", "ml_lint_nb")
        sh.run_cell("warm = 1", store_history=True)  # the one-time import is not this cell's cost
        session = get_session(sh)
        own = []
        for i in range(5):
            ns[name] = frame(n, 100 + i)  # new rows each time: a first look, never a cache hit
            sh.run_cell(cell.format(name=name), store_history=True)
            own.append(session.last_hook_ms)
        added = statistics.median(own)
        allowed = budget_ms
        print(f"  (the cell itself takes {without * 1000:.0f} ms without the hook)")
        results.append(
            report(f"split+fit on {n:,} x 20: the hook's own time", added, allowed, "ms")
        )

    ns["train_df"] = frame(100_000, 5)
    ns["test_df"] = frame(20_000, 6)
    fit_cell = (
        "cols = [c for c in train_df.columns if c.startswith('x')]\n"
        "gbm = LogisticRegression(max_iter=50).fit(train_df[cols], train_df['y'])"
    )
    predict_cell = "pred = gbm.predict(test_df[cols])"
    session = get_session(sh)
    fit_own, again_own, predict_own = [], [], []
    for i in range(5):
        # a first look at new fit data (what a new frame costs); what earlier cells
        # summarised stays cached, as it does in a session
        ns["train_df"] = frame(100_000, 50 + i)
        sh.run_cell(fit_cell, store_history=True)
        fit_own.append(session.last_hook_ms)
        sh.run_cell(fit_cell, store_history=True)  # the same rows again: cached per version
        again_own.append(session.last_hook_ms)
        sh.run_cell(predict_cell, store_history=True)
        predict_own.append(session.last_hook_ms)
    results.append(
        report(
            "fit on 100,000 x 20 (fit record, first look): the hook's own time",
            statistics.median(fit_own),
            100.0,
            "ms",
        )
    )
    print(
        f"{'  the same fit again (fit data cached, informational)':<58} "
        f"{statistics.median(again_own):8.1f} ms"
    )
    results.append(
        report(
            "predict on a separate 20,000-row test frame: the hook's own time",
            statistics.median(predict_own),
            100.0,
            "ms",
        )
    )

    largest = ns["huge"].memory_usage(deep=True).sum()
    session._live_cache.clear()  # measure a first look, not a cache hit
    tracemalloc.start()
    session.analyse_cell(cell.format(name="huge"), None, 10_000)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    results.append(report("hook transient memory / largest frame", peak / largest, 0.5, "x"))

    start = time.perf_counter()
    sh.run_line_magic("mlcheck", "huge --target y")
    results.append(
        report("%mlcheck huge --target y on 1,000,000 x 20", time.perf_counter() - start, 4.0, "s")
    )
    print("all budgets met" if all(results) else "SOME BUDGETS MISSED")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
