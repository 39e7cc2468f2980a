"""Benchmark of the Spark engine (clv.spark) on transaction logs of 10M and 100M lines.

For each size (logs made by ``clv.sample_shop``, cached by bench_summary under bench/cache/,
one Parquet folder per size) it prints the median wall time of fresh processes and the peak
memory (largest resident set of the process tree, the driver's JVM included) of:

- ``clv summary LOG --engine spark -o DIR`` (validation with every exclusion reason, the
  summary, written as Parquet);
- ``clv score LOG --engine spark --model bgnbd --to DIR`` (the same, then the fit on the
  driver, the values of the distinct rows joined back and each customer's CLV interval
  drawn in the executors, written as Parquet);
- a hand-written Spark job of the same summary figures (a group-by of the customer-days, then
  of the customers: no validation, no refunds rule, no report), the floor the engine is
  compared with (goal: ``clv summary --engine spark`` within 1.5x of it);
- ``clv summary`` with the Polars engine on the same log (one Parquet file);
- ``hand_archived``: the hand-written job again, its JVM started from clv's archive of classes
  (what the floor would be with the same start-up; not in the default figures).

clv's local sessions start their JVM from an archive of the classes an earlier run loaded
(``clv.spark.jvm``), written by the first run on a machine. When there is none, the first
``clv summary`` of the first size writes it, timed and printed apart (``first run``), so that
the medians are those of the runs a user makes after the first.

The runs are interleaved: each of the ``--repeats`` rounds runs every figure asked for once,
in turn, and prints its times; the ratio to the hand-written job is given of the medians and
of each round (this machine is shared, and a slow spell would otherwise fall on one figure's
runs only).

Spark runs in local mode on this machine (``--master``, default ``local[*]``).

    python bench/bench_spark.py --sizes 10M --repeats 3
    python bench/bench_spark.py --sizes 10M,100M --repeats 3
    python bench/bench_spark.py --sizes 100M --only hand,polars   # some of the figures
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_summary import log_path
from clv.spark.jvm import QUIET, SMALLEST, archive_path, enabled

CLV = Path(sys.executable).parent / "clv"
GOAL = 1.5
KEYS = ("summary", "score", "hand", "polars", "hand_archived")
"""The figures, as --only names them."""
HAND = """
import sys, time
from pyspark.sql import SparkSession, functions as F
builder = SparkSession.builder
if sys.argv[4:]:  # the JVM's options (hand_archived)
    builder = builder.config("spark.driver.extraJavaOptions", " ".join(sys.argv[4:]))
spark = (builder.master(sys.argv[3]).appName("hand")
         .config("spark.sql.session.timeZone", "UTC").config("spark.ui.enabled", "false")
         .config("spark.ui.showConsoleProgress", "false")
         .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
         .getOrCreate())
spark.sparkContext.setLogLevel("ERROR")
tx = spark.read.parquet(sys.argv[1])
days = (tx.groupBy("customer_id", F.to_date("timestamp").alias("day"))
        .agg(F.sum("amount").alias("amount")))
end = days.agg(F.max("day")).first()[0]
per = days.groupBy("customer_id").agg(
    (F.count(F.lit(1)) - 1).alias("frequency"),
    (F.datediff(F.max("day"), F.min("day")) / 7.0).alias("recency"),
    (F.datediff(F.lit(end), F.min("day")) / 7.0).alias("T"),
    F.sum("amount").alias("total_amount"))
per.write.mode("overwrite").parquet(sys.argv[2])
spark.stop()
"""


WRAP = """
import json, os, subprocess, sys, threading, time


def tree_rss(root):
    # the resident memory of root and every process descended from it, summed (/proc)
    parents = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as f:
                parents[int(pid)] = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
    tree, grown = {root}, True
    while grown:
        more = {p for p, pp in parents.items() if pp in tree} - tree
        tree |= more
        grown = bool(more)
    total = 0
    for pid in tree:
        try:
            with open(f"/proc/{pid}/status") as f:
                total += next(int(x.split()[1]) for x in f if x.startswith("VmRSS:")) * 1024
        except (OSError, StopIteration):
            continue
    return total


started = time.perf_counter()
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                        text=True)
peak = [0]


def watch():
    while proc.poll() is None:
        peak[0] = max(peak[0], tree_rss(proc.pid))
        time.sleep(0.25)


watcher = threading.Thread(target=watch, daemon=True)
watcher.start()
err = proc.communicate()[1]
seconds = time.perf_counter() - started
watcher.join()
print(json.dumps({"seconds": seconds, "rc": proc.returncode, "peak": peak[0],
                  "stderr": err[-800:]}))
"""


def run_once(args: list[str]) -> tuple[float, float]:
    """The wall time of one fresh process of ``args`` and its peak memory (GB: the largest
    sum of the resident sets of the process and its descendants, the driver's JVM included,
    read from /proc every 0.25 s), measured by a wrapper process of its own."""
    import json

    done = subprocess.run([sys.executable, "-c", WRAP, *args], capture_output=True, text=True,
                          timeout=7200)
    result = json.loads(done.stdout)
    if result["rc"]:
        raise SystemExit(f"{' '.join(args)} failed: {result['stderr']}")
    return result["seconds"], result["peak"] / 1e9


def archive() -> Path | None:
    """clv's archive of the JVM's classes when it is there, whole (see clv.spark.jvm)."""
    path = archive_path()
    return path if enabled() and path is not None and path.is_file() \
        and path.stat().st_size >= SMALLEST else None


def single_file(folder: Path) -> Path:
    """The log of ``folder`` as one Parquet file (the Polars engine reads files), made once."""
    target = folder.with_suffix(".parquet")
    if not target.exists():
        import polars as pl

        pl.scan_parquet(folder / "*.parquet").sink_parquet(target)
    return target


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10M,100M")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--master", default="local[*]")
    ap.add_argument("--only", default=",".join(KEYS[:4]),
                    help=f"the figures to measure, among {', '.join(KEYS)}")
    args = ap.parse_args()
    only = set(args.only.split(","))
    if only - set(KEYS):
        raise SystemExit(f"--only: unknown {', '.join(sorted(only - set(KEYS)))}")
    print(f"{dt.date.today()}, medians of {args.repeats} fresh processes, Spark {args.master}")
    for label in args.sizes.split(","):
        log = log_path(label)
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp)
            figures = {  # key of --only: (name, command)
                "summary": ("clv summary --engine spark", [
                    str(CLV), "summary", str(log), "--engine", "spark", "--spark-master",
                    args.master, "-o", str(out / "summary"), "--json"]),
                "score": ("clv score --engine spark --model bgnbd", [
                    str(CLV), "score", str(log), "--engine", "spark", "--model", "bgnbd",
                    "--spark-master", args.master, "--to", str(out / "scores")]),
                "hand": ("hand-written Spark group-by", [
                    sys.executable, "-c", HAND, str(log), str(out / "hand"), args.master]),
                "hand_archived": ("hand-written, clv's class archive", [
                    sys.executable, "-c", HAND, str(log), str(out / "hand"), args.master]),
                "polars": ("clv summary (Polars engine)", [
                    str(CLV), "summary", str(single_file(log)), "-o",
                    str(out / "summary.parquet"), "--json"]),
            }
            if only & {"summary", "score", "hand_archived"} and enabled() and archive() is None:
                seconds, peak = run_once(figures["summary"][1])
                if archive() is None:
                    raise SystemExit("the first run wrote no archive of the JVM's classes (see "
                                     "clv.spark.jvm): set CLV_SPARK_CLASS_ARCHIVE=off to "
                                     "measure without it")
                print(f"{label:>5} {'first run (writes the class archive)':<42} "
                      f"{seconds:8.1f} s   peak {peak:.2f} GB", flush=True)
            commands: dict[str, list[str]] = {}
            for key, (_name, command) in figures.items():
                if key not in only:
                    continue
                if key == "hand_archived":  # the JVM's options that map clv's archive
                    path = archive()
                    if path is None:
                        raise SystemExit("hand_archived: clv has no archive of the JVM's "
                                         "classes here (see clv.spark.jvm)")
                    command = [*command, f"-XX:SharedArchiveFile={path}", *QUIET.split()]
                commands[key] = command
            # the figures interleaved: each round runs every command once, in turn, so that a
            # slow spell of this shared machine falls on the figures of one round alike, and
            # the ratio of each round is of runs made minutes apart
            runs: dict[str, list[float]] = {k: [] for k in commands}
            peaks: dict[str, list[float]] = {k: [] for k in commands}
            for round_ in range(args.repeats):
                for key, command in commands.items():
                    seconds, peak = run_once(command)
                    runs[key].append(seconds)
                    peaks[key].append(peak)
                print(f"{label:>5} round {round_ + 1} (load average {os.getloadavg()[0]:.2f} at "
                      f"its end): " + ", ".join(f"{k} {runs[k][-1]:.1f} s" for k in commands),
                      flush=True)
            medians = {k: statistics.median(v) for k, v in runs.items()}
            for key in commands:
                print(f"{label:>5} {figures[key][0]:<42} {medians[key]:8.1f} s   runs "
                      f"{', '.join(f'{r:.1f}' for r in runs[key])}   peak "
                      f"{statistics.median(peaks[key]):.2f} GB", flush=True)
            for floor in ("hand", "hand_archived"):  # the second starts as clv's JVM does
                if {"summary", floor} <= medians.keys():
                    ratio = medians["summary"] / medians[floor]
                    rounds = [a / b for a, b in zip(runs["summary"], runs[floor], strict=True)]
                    print(f"{label:>5} clv summary --engine spark / {figures[floor][0]}: "
                          f"{ratio:.2f}x (goal within {GOAL}x: "
                          f"{'met' if ratio <= GOAL else 'NOT met'}); each round's: "
                          f"{', '.join(f'{r:.2f}x' for r in rounds)}, median "
                          f"{statistics.median(rounds):.2f}x")


if __name__ == "__main__":
    main()
