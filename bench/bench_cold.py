"""Cold start of the command line, and the whole job (file -> fitted BG/NBD) against lifetimes.

Each figure is the median wall time of fresh processes (5 runs by default), as a user meets
them:

- ``clv --help`` and ``clv calc ratio --ltv 1200 --cac 300`` (goal: under a third of a
  second each);
- the whole job on a 1M-customer Parquet log: ``clv fit LOG --model bgnbd`` (reading and
  validating the log, the weekly RFM summary, the fit, the estimates printed) against the same
  job written with lifetimes 0.11.3 (``pandas.read_parquet``, ``summary_data_from_transaction_
  data`` by day in weeks, ``BetaGeoFitter.fit``), run in its own environment
  (bench/.venv-lifetimes, made by ``bench_summary.lifetimes_python``); goal: clv at least 10x
  faster. Both fits' parameters are printed, to show it is the same job.

``--steps`` then splits clv's job in one process (imports, reading, summary, fit), to show
where the time goes. The log is bench_analytics' shop of 1M customers (10,781,501 lines),
made once and cached under bench/cache/.

    python bench/bench_cold.py
    python bench/bench_cold.py --repeats 3 --lifetimes-repeats 1 --steps
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench_analytics import CACHE, data
from bench_summary import lifetimes_python

CUSTOMERS = 1_000_000
CLV = Path(sys.executable).parent / "clv"
GOAL_START = 1 / 3
GOAL_RATIO = 10.0
LIFETIMES_JOB = """
import json, sys
import pandas as pd
from lifetimes import BetaGeoFitter
from lifetimes.utils import summary_data_from_transaction_data

df = pd.read_parquet(sys.argv[1], columns=["customer_id", "timestamp", "amount"])
# as clv: purchases of the same day merged, recency and T in weeks
s = summary_data_from_transaction_data(df, "customer_id", "timestamp", freq="D",
                                       freq_multiplier=7,
                                       observation_period_end=df["timestamp"].max())
m = BetaGeoFitter().fit(s["frequency"], s["recency"], s["T"])
print(json.dumps({k: float(v) for k, v in m.params_.items()}))
"""
STEPS = """
import json, sys, time
t0 = time.perf_counter()
from clv.data import read_transactions
from clv.models.bgnbd import BGNBD
from clv.prep import rfm_summary
t1 = time.perf_counter()
tx = read_transactions(sys.argv[1])
t2 = time.perf_counter()
s = rfm_summary(tx, unit="week")
t3 = time.perf_counter()
BGNBD().fit(s)
t4 = time.perf_counter()
print(json.dumps({"imports": t1 - t0, "read and validate": t2 - t1, "summary": t3 - t2,
                  "fit": t4 - t3}))
"""


def log_path() -> Path:
    path = CACHE / f"shop_{CUSTOMERS}" / "transactions.parquet"
    if not path.exists():
        data(CUSTOMERS)  # made once (a few minutes), then cached
    return path


def timed(args: list[str], repeats: int) -> tuple[float, list[float], str]:
    """Median wall time of ``repeats`` fresh processes, every run's, and the last output."""
    runs, output = [], ""
    for _ in range(repeats):
        started = time.perf_counter()
        proc = subprocess.run(args, capture_output=True, text=True, timeout=3600)
        runs.append(time.perf_counter() - started)
        if proc.returncode:
            raise SystemExit(f"{' '.join(args)} failed: {proc.stderr.strip()[-500:]}")
        output = proc.stdout
    return statistics.median(runs), runs, output


def show(label: str, median: float, runs: list[float]) -> None:
    print(f"{label:<44} {median:8.3f} s   runs: {', '.join(f'{r:.3f}' for r in runs)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--lifetimes-repeats", type=int, default=5)
    ap.add_argument("--steps", action="store_true", help="split clv's job in one process")
    args = ap.parse_args()
    print(f"{dt.date.today()}, medians of {args.repeats} fresh processes "
          f"(lifetimes: {args.lifetimes_repeats})")

    starts = {"clv --help": [str(CLV), "--help"],
              "clv calc ratio --ltv 1200 --cac 300": [str(CLV), "calc", "ratio", "--ltv",
                                                      "1200", "--cac", "300"]}
    for label, command in starts.items():
        median, runs, _ = timed(command, args.repeats)
        show(label, median, runs)
        print(f"{'':<44} goal under {GOAL_START:.3f} s: "
              f"{'met' if median < GOAL_START else 'NOT met'}")

    log = log_path()
    median_clv, runs, _ = timed([str(CLV), "fit", str(log), "--model", "bgnbd"], args.repeats)
    show("clv fit LOG.parquet --model bgnbd", median_clv, runs)
    python, note = lifetimes_python()
    if python is None:
        print(f"lifetimes: not run ({note})")
        return
    median_lt, runs, output = timed([python, "-c", LIFETIMES_JOB, str(log)],
                                    args.lifetimes_repeats)
    show(f"the same job with {note.split(' (')[0]}", median_lt, runs)
    ratio = median_lt / median_clv
    print(f"clv is {ratio:.1f}x faster (goal {GOAL_RATIO:g}x: "
          f"{'met' if ratio >= GOAL_RATIO else 'NOT met'})")

    fitted = json.loads(subprocess.run([str(CLV), "fit", str(log), "--model", "bgnbd",
                                        "--json"], capture_output=True, text=True,
                                       check=True).stdout)["models"][0]["params"]
    print("BG/NBD parameters, clv:      " + ", ".join(f"{k} {v:.4f}" for k, v in fitted.items()))
    print("BG/NBD parameters, lifetimes: " + ", ".join(
        f"{k} {v:.4f}" for k, v in json.loads(output.strip().splitlines()[-1]).items()))
    if args.steps:
        steps = json.loads(subprocess.run([sys.executable, "-c", STEPS, str(log)],
                                          capture_output=True, text=True,
                                          check=True).stdout)
        print("clv's job in one process: " + ", ".join(
            f"{k} {v:.2f} s" for k, v in steps.items()))


if __name__ == "__main__":
    main()
