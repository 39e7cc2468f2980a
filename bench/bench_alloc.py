"""The allocator settings of the ``clv`` command (``clv.cli.ALLOCATOR``) against Polars'
defaults, on the whole job of bench_cold (``clv fit LOG --model bgnbd`` on the 1M-customer
Parquet log).

The settings are those of jemalloc, Polars' allocator, read from ``_RJEM_MALLOC_CONF`` when
the process starts; ``clv`` sets them unless the user did (an empty value keeps jemalloc's
defaults, which is how the baseline is run here). The runs alternate (baseline, clv's,
baseline...) so that a machine getting busier or quieter weighs on both alike; each figure is
the median of ``--repeats`` fresh processes: wall time, user and system CPU, minor page faults
and peak resident memory (from ``os.wait4``).

    python bench/bench_alloc.py --repeats 5 [--also thp:always ...]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench_cold import log_path

CLV = Path(sys.executable).parent / "clv"
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from clv.cli import ALLOCATOR  # noqa: E402


def run(args: list[str], conf: str) -> dict[str, float]:
    """One fresh process: its wall time, CPU, page faults and peak memory."""
    env = {**os.environ, "_RJEM_MALLOC_CONF": conf}
    started = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"{' '.join(args)} failed: {proc.stderr.read().decode()[-500:]}")
    return {"wall s": wall, "user s": usage.ru_utime, "system s": usage.ru_stime,
            "minor faults": usage.ru_minflt, "peak MB": usage.ru_maxrss / 1024}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--also", action="append", default=[], metavar="CONF",
                    help="another _RJEM_MALLOC_CONF to compare (may be repeated)")
    args = ap.parse_args()
    command = [str(CLV), "fit", str(log_path()), "--model", "bgnbd"]
    configs = {"jemalloc's defaults": "", f"clv's ({ALLOCATOR})": ALLOCATOR,
               **{conf: conf for conf in args.also}}
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in configs}
    for _ in range(args.repeats):
        for name, conf in configs.items():
            runs[name].append(run(command, conf))
    print(f"{dt.date.today()}: clv fit LOG --model bgnbd, medians of {args.repeats} "
          f"alternating runs, load average at the end {os.getloadavg()[0]:.2f}")
    for name, rows in runs.items():
        print(f"{name}:")
        for key in rows[0]:
            values = [r[key] for r in rows]
            print(f"  {key:<13} {statistics.median(values):12,.2f}   runs: "
                  + ", ".join(f"{v:,.2f}" for v in values))
    walls = [statistics.median(r["wall s"] for r in rows) for rows in runs.values()]
    for name, wall in zip(list(runs)[1:], walls[1:], strict=True):
        print(f"wall time: {walls[0]:.2f} s -> {wall:.2f} s ({walls[0] / wall:.2f}x) "
              f"with {name}")


if __name__ == "__main__":
    main()
