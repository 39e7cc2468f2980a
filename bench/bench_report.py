"""Benchmark of ``clv report``: the whole analysis (``clv.analyze``) and the HTML report on a
simulated shop, in a fresh process, with its peak memory.

The shop is bench_analytics' (``clv.sample_shop`` with BG/NBD alpha 3 and b 6, about 10.8
transaction lines per customer, channels, products and spend), cached under bench/cache/.
Each run is a child process that reads the cached Parquet files, runs ``clv.analyze`` with
the spend table and the customers, writes the report and prints its step times; the figure
is the median of the runs and the largest peak memory. Goal (issue 5): 1M customers / 10M
transactions under 2 minutes and 6 GB.

    python bench/bench_report.py                       # 1M customers, 3 runs
    python bench/bench_report.py --customers 200000 --repeats 1
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench_analytics import data

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
GOAL_SECONDS, GOAL_GIB = 120.0, 6.0


def child(customers: int, target: str) -> None:
    """In the child process: one analysis and report; prints its figures as JSON."""
    import resource

    import clv
    from clv.report import write

    started = time.perf_counter()
    tx, attrs, spend, _, _, _ = data(customers)
    loaded = time.perf_counter()
    analysis = clv.analyze(tx, spend=spend, customers=attrs,
                           settings=clv.Settings(margin=0.3))
    analysed = time.perf_counter()
    write(analysis, target)
    done = time.perf_counter()
    print(json.dumps({
        "load": loaded - started, "analysis": analysed - loaded, "report": done - analysed,
        "total": done - started, "steps": analysis.seconds,
        "peak_gib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2,
        "lines": tx.height, "customers": attrs.height}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--customers", type=int, default=1_000_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--target", default=str(OUT / "report.html"))
    args = ap.parse_args()
    if args.child:
        child(args.customers, args.target)
        return
    OUT.mkdir(exist_ok=True)
    data(args.customers)  # cache the shop outside the timed runs
    runs = []
    for _ in range(args.repeats):
        proc = subprocess.run([sys.executable, __file__, "--child", "--customers",
                               str(args.customers), "--target", args.target],
                              capture_output=True, text=True, check=True)
        runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        print(f"  run: {runs[-1]['total']:.1f} s, {runs[-1]['peak_gib']:.1f} GiB",
              file=sys.stderr)
    total = statistics.median(r["total"] for r in runs)
    peak = max(r["peak_gib"] for r in runs)
    steps = {k: statistics.median(r["steps"][k] for r in runs) for k in runs[0]["steps"]}
    stamp = dt.date.today().isoformat()
    print(f"\nReport benchmark, {stamp}, {os.cpu_count()} cores; median of {args.repeats} "
          f"run(s); {runs[0]['customers']:,} customers, {runs[0]['lines']:,} lines")
    for key in ("load", "analysis", "report"):
        print(f"  {key:<14} {statistics.median(r[key] for r in runs):8.2f} s")
    for key, seconds in steps.items():
        print(f"    {key:<12} {seconds:8.2f} s")
    print(f"  {'total':<14} {total:8.2f} s, peak {peak:.1f} GiB (goal: under "
          f"{GOAL_SECONDS:g} s and {GOAL_GIB:g} GB -> "
          f"{'met' if total < GOAL_SECONDS and peak < GOAL_GIB else 'NOT met'})")
    (OUT / "bench_report.json").write_text(json.dumps(
        {"date": stamp, "repeats": args.repeats, "runs": runs, "total": total,
         "peak_gib": peak, "steps": steps}, indent=2))


if __name__ == "__main__":
    main()
