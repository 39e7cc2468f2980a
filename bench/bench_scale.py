"""What the driver carries and computes when clv runs on a cluster, measured on logs of 1M, 10M
and 100M lines: the inputs of the cost model of docs/scale.md.

On Spark (clv.spark) the transactions stay on the executors; the driver receives the distinct
(frequency, recency, T) rows with their weights and the repeat buyers' (frequency, monetary),
fits the models on them and values each distinct row once. For each log (made by
``clv.sample_shop``, cached by bench_summary under bench/cache/) this prints:

- lines, customers, repeat buyers (per line: how customers grow with the log);
- distinct (frequency, recency, T) rows with purchases merged by day (the default) and by week
  (``merge="week"``): what the driver receives for the purchase model, 32 bytes each (three
  doubles and a weight);
- the BG/NBD fit on the distinct rows (merged by day, in weeks), the valuation of those rows
  (next 12 months and the whole lifetime), and the Gamma-Gamma fit on the repeat buyers:
  median seconds of ``--repeats`` runs.

The summary itself is made by the Polars engine (the same rules as the Spark one, tested equal
row for row); its time is bench_summary's and bench_spark's business, not this one's.

    python bench/bench_scale.py --sizes 1M,10M,100M --repeats 3
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from bench_summary import log_path


def median_seconds(work: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    runs, out = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        out = work()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs), out


def measure(label: str, repeats: int) -> dict[str, Any]:
    import polars as pl

    from clv.prep import compress, rfm_summary
    from clv.prep.summary import Summary
    from clv.valuation import fit_purchases, fit_spend
    from clv.value import LIFETIME, customer_value

    folder = log_path(label)
    log = pl.scan_parquet(str(folder / "*.parquet")).select("customer_id", "timestamp",
                                                            "amount")
    lines = log.select(pl.len()).collect().item()
    week = rfm_summary(log, unit="week")  # merged by day, measured in weeks
    by_week = rfm_summary(log, unit="week", merge="week")
    rows = compress(week)
    as_summary = Summary(rows.with_columns(pl.int_range(pl.len()).cast(pl.String)
                                           .alias("customer_id")),
                         week.unit, week.observation_end, None, week.merge, week.report)
    fit_s, fitted = median_seconds(lambda: fit_purchases(as_summary, ["bgnbd"], []), repeats)
    value_s, _ = median_seconds(lambda: (customer_value(fitted, as_summary, 12, "month"),
                                         customer_value(fitted, as_summary, LIFETIME)), repeats)
    repeat = week.frame.filter(pl.col("frequency") > 0)
    repeat_summary = Summary(repeat, week.unit, week.observation_end, None, week.merge,
                             week.report)
    spend_s, _ = median_seconds(lambda: fit_spend(repeat_summary, []), repeats)
    return {
        "size": label, "lines": lines, "customers": week.frame.height,
        "repeat_buyers": repeat.height,
        "distinct_rows_day": rows.height, "distinct_rows_week": compress(by_week).height,
        "driver_bytes": rows.height * 32, "repeat_bytes": repeat.height * 16,
        "fit_bgnbd_s": fit_s, "value_rows_s": value_s, "fit_gamma_gamma_s": spend_s,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1M,10M,100M")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    print(f"{'size':>5} {'lines':>12} {'customers':>11} {'repeat':>10} {'rows/day':>10} "
          f"{'rows/week':>10} {'fit s':>7} {'value s':>8} {'GG s':>7}")
    for label in args.sizes.split(","):
        r = measure(label, args.repeats)
        print(f"{r['size']:>5} {r['lines']:>12,} {r['customers']:>11,} {r['repeat_buyers']:>10,} "
              f"{r['distinct_rows_day']:>10,} {r['distinct_rows_week']:>10,} "
              f"{r['fit_bgnbd_s']:>7.2f} {r['value_rows_s']:>8.2f} "
              f"{r['fit_gamma_gamma_s']:>7.2f}")
        print(json.dumps(r), file=sys.stderr)


if __name__ == "__main__":
    main()
