"""Where the Spark engine's time goes: the steps of ``clv summary --engine spark`` timed in one
process (session, read and validate, summary, write, the figures), with the Spark jobs each
step ran and the bytes they wrote to shuffles and, with ``--jobs``, every job's seconds,
shuffle bytes and the line of clv that started it.

    python bench/spark_steps.py --size 10M
    python bench/spark_steps.py --size 10M --jobs --master 'local[*]'
    python bench/spark_steps.py --size 10M --score   # then the steps of clv score

The log is bench_summary's (bench/cache/tx_SIZE, made when missing). It complements
bench_spark.py (fresh processes, medians) by saying which step and which job take the time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench_summary import log_path


def jobs(spark: Any, group: str, since: float) -> list[tuple[float, float, float, str]]:
    """When each finished job of ``group`` started (seconds after ``since``, a Unix time),
    its seconds, the bytes its stages wrote to shuffles (compressed, as Spark writes them)
    and its call site (from Spark's status store; the caller of ``first``, which most
    aggregates go through, given as the job's description), in the order they started."""
    store = spark.sparkContext._jsc.sc().statusStore()
    tracker = spark.sparkContext.statusTracker()
    out = []
    for job_id in tracker.getJobIdsForGroup(group):
        data = store.job(job_id)
        start, end = data.submissionTime(), data.completionTime()
        if start.isDefined() and end.isDefined():
            began = start.get().getTime() / 1000
            written = 0.0
            info = tracker.getJobInfo(job_id)
            for stage in (info.stageIds if info else []):
                try:  # a stage skipped (its shuffle files reused) has no attempt
                    written += store.lastStageAttempt(stage).shuffleWriteBytes()
                except Exception:  # noqa: BLE001 - py4j's error of a missing stage
                    continue
            said = data.description()
            site = str(said.get()) if said.isDefined() and str(said.get()) != group \
                else str(data.name())
            out.append((began - since, end.get().getTime() / 1000 - began, written, site))
    return sorted(out)


def _name_first_calls(spark: Any) -> None:
    """Jobs run by ``clv.spark.core.first`` (most aggregates) named by the line that called
    it, not by ``first``'s own line: Spark names a job by the first frame outside pyspark."""
    import inspect

    from clv.spark import core

    plain = core.first

    def first(frame: Any) -> Any:
        caller = inspect.stack()[1]
        group = spark.sparkContext.getLocalProperty("spark.job.description")
        spark.sparkContext.setJobDescription(
            f"first from {Path(caller.filename).name}:{caller.lineno}")
        try:
            return plain(frame)
        finally:
            spark.sparkContext.setJobDescription(group)

    core.first = first


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="10M")
    ap.add_argument("--master", default="local[*]")
    ap.add_argument("--jobs", action="store_true", help="print every job's seconds and site")
    ap.add_argument("--score", action="store_true",
                    help="then the steps of clv score: the BG/NBD fit, the values and CLV "
                    "intervals of the distinct rows, the scores written")
    args = ap.parse_args()
    log = str(log_path(args.size))
    started = time.perf_counter()
    from clv import spark as cs
    from clv.cli.spark import stats

    spark = cs.session(args.master)
    _name_first_calls(spark)
    steps: list[tuple[str, float, list[tuple[float, float, float, str]]]] = [
        ("session", time.perf_counter() - started, [])]

    def step(name: str, work: Any) -> Any:
        spark.sparkContext.setJobGroup(name, name)
        t, since = time.perf_counter(), time.time()
        result = work()
        steps.append((name, time.perf_counter() - t, jobs(spark, name, since)))
        return result

    with tempfile.TemporaryDirectory() as tmp:
        stx = step("read+validate", lambda: cs.read_transactions(log, spark, keep=()))
        ss = step("summary", lambda: cs.rfm_summary(stx))
        step("write", lambda: ss.frame.write.mode("overwrite").parquet(str(Path(tmp) / "s")))
        figures = step("figures", lambda: stats(ss))
        if args.score:
            from clv import defaults as D

            fitted = step("fit", lambda: cs.fit(ss, "bgnbd"))
            scores = step("score", lambda: cs.score(ss, fitted, level=D.LEVEL))
            step("write scores", lambda: scores.frame.write.mode("overwrite").parquet(
                str(Path(tmp) / "scores")))
    spark.stop()
    total = sum(s[1] for s in steps)
    print(f"{dt.date.today()} {args.size} Spark {args.master}: {total:.1f} s in all, "
          f"{figures['customers']:,} customers", file=sys.stderr)
    for name, seconds, done in steps:
        shuffled = sum(d[2] for d in done) / 1e6
        print(f"  {name:<14} {seconds:7.1f} s  {len(done):3d} jobs  shuffle writes "
              f"{shuffled:8.1f} MB")
        if args.jobs:
            for began, seconds, written, site in done:
                print(f"      at {began:6.1f} s  {seconds:6.1f} s  {written / 1e6:8.1f} MB  {site}")


if __name__ == "__main__":
    main()
