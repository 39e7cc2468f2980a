"""Benchmark of ``clv report``: the command on CSV files of a simulated shop, as a user runs
it (read and validate the files, the whole analysis, the HTML report), in a fresh process,
with its peak memory.

The shop is bench_analytics' (``clv.sample_shop`` with BG/NBD alpha 3 and b 6, about 10.8
transaction lines per customer, channels, products and spend), cached under bench/cache/ as
Parquet and, for this bench, as the CSV files ``orders.csv``, ``spend.csv`` and
``customers.csv`` (written once, outside the timed runs). Each run is

    clv report orders.csv --spend spend.csv --customers customers.csv --margin 0.3 -o ...

in a child process; its wall time and peak resident memory (``wait4``) are the figures, and
the result is the median time and the largest peak of the runs. ``--steps`` also runs
``clv.analyze`` + ``clv.report.write`` in a child on the cached frames and prints the
seconds of each step of the analysis (one run, after the timed ones). Goal (issue 5): 1M
customers / 10M transactions under 2 minutes and 6 GB.

    python bench/bench_report.py                       # 1M customers, 3 runs
    python bench/bench_report.py --customers 200000 --repeats 1 --steps
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_analytics import CACHE, data

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
GOAL_SECONDS, GOAL_GB = 120.0, 6.0


def csv_files(customers: int) -> dict[str, Path]:
    """The shop as the CSV files a user would give ``clv report`` (made once)."""
    folder = CACHE / f"shop_{customers}"
    files = {n: folder / f"{n}.csv" for n in ("orders", "spend", "customers")}
    if not all(p.exists() for p in files.values()):
        tx, attrs, spend, _, _, _ = data(customers)
        tx.write_csv(files["orders"])
        spend.write_csv(files["spend"])
        attrs.write_csv(files["customers"])
    return files


def run_cli(files: dict[str, Path], target: str) -> dict[str, float]:
    """One ``clv report`` in a child process: wall seconds and peak resident memory."""
    cmd = [sys.executable, "-m", "clv", "report", str(files["orders"]), "--spend",
           str(files["spend"]), "--customers", str(files["customers"]), "--margin", "0.3",
           "-o", target]
    # output to a file, not a pipe: wait4 must not wait on a child blocked on a full pipe
    with tempfile.TemporaryFile() as log:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status) != 0:
            log.seek(0)
            raise SystemExit(f"clv report failed:\n{log.read().decode()}")
    return {"seconds": seconds, "peak_gb": usage.ru_maxrss * 1024 / 1e9}


def child(customers: int, target: str) -> None:
    """In the child process: the analysis and report on the cached frames; prints the
    seconds of each step as JSON."""
    import clv
    from clv.report import write

    tx, attrs, spend, _, _, _ = data(customers)
    started = time.perf_counter()
    analysis = clv.analyze(tx, spend=spend, customers=attrs,
                           settings=clv.Settings(margin=0.3))
    analysed = time.perf_counter()
    write(analysis, target)
    print(json.dumps({"steps": {**analysis.seconds, "report": time.perf_counter() - analysed},
                      "analysis": analysed - started}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--customers", type=int, default=1_000_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--steps", action="store_true",
                    help="also print the seconds of each step (one library run)")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--target", default=str(OUT / "report.html"))
    args = ap.parse_args()
    if args.child:
        child(args.customers, args.target)
        return
    OUT.mkdir(exist_ok=True)
    files = csv_files(args.customers)
    lines = sum(1 for _ in files["orders"].open("rb")) - 1
    runs = []
    for _ in range(args.repeats):
        runs.append(run_cli(files, args.target))
        print(f"  run: {runs[-1]['seconds']:.1f} s, {runs[-1]['peak_gb']:.2f} GB",
              file=sys.stderr)
    total = statistics.median(r["seconds"] for r in runs)
    peak = max(r["peak_gb"] for r in runs)
    stamp = dt.date.today().isoformat()
    print(f"\nclv report, {stamp}, {os.cpu_count()} cores; median of {args.repeats} run(s); "
          f"{args.customers:,} customers, {lines:,} lines "
          f"({files['orders'].stat().st_size / 1e6:,.0f} MB of CSV)")
    shown = ", ".join(f"{r['seconds']:.1f} s" for r in runs)
    print(f"  runs: {shown}")
    met = total < GOAL_SECONDS and peak < GOAL_GB
    print(f"  median {total:.1f} s, peak {peak:.2f} GB (goal: under {GOAL_SECONDS:g} s and "
          f"{GOAL_GB:g} GB -> {'met' if met else 'NOT met'})")
    steps = None
    if args.steps:
        proc = subprocess.run([sys.executable, __file__, "--child", "--customers",
                               str(args.customers), "--target", args.target],
                              capture_output=True, text=True, check=True)
        steps = json.loads(proc.stdout.strip().splitlines()[-1])
        print(f"  steps of one library run (clv.analyze on the frames, "
              f"{steps['analysis']:.1f} s, then the report):")
        for key, seconds in steps["steps"].items():
            print(f"    {key:<14} {seconds:8.2f} s")
    (OUT / "bench_report.json").write_text(json.dumps(
        {"date": stamp, "customers": args.customers, "lines": lines, "runs": runs,
         "median_seconds": total, "peak_gb": peak, "goal_met": met, "steps": steps},
        indent=2))


if __name__ == "__main__":
    main()
