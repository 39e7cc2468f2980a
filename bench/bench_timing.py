"""Benchmark of the cross-sell windows (``clv.timing.cross_sell``) on a line-item log shaped
like the UK online shop's (issue 13): ~500k lines, ~4,000 customers, ~4,000 products, ~20
lines per invoice, so that many customers bought hundreds of distinct products, the heaviest
a few thousand (the shape on which the first version, a self-join of every customer's
products, took 36 s and 3 GB).

The log is synthetic and seeded (``online_retail``): invoices per customer heavy-tailed
(Pareto), lines per invoice geometric with mean 20, each customer drawing its products from a
pool of its own taken from a Zipf-like popularity over the products, 2% of the lines
cancelled (C-prefixed invoices with a negative quantity), dates over 373 days. It is written
once as a CSV in the Online Retail columns (InvoiceNo, StockCode, Description, Quantity,
InvoiceDate, UnitPrice, CustomerID, Country), with no amount column, under bench/cache/: the
reader takes it as a line-item log (amount = Quantity x UnitPrice, cancellations as refunds),
as it would the real file; it is read once by ``clv.read_transactions`` into canonical Parquet
(the function's input).

Figures, each the median of the runs, every run in a fresh process, peak memory its
``ru_maxrss`` from ``wait4`` (GB = 10^9 bytes):

- ``cross_sell``: the function on the log already in memory (a child process reads the
  Parquet copy, then times ``cross_sell``; its peak includes the log, reported separately);
- the baseline: the first implementation (``self_join_cross_sell`` below, every customer's
  products joined with themselves at once), the same way;
- ``clv timing FILE``: the command a user types, on the CSV (read, map the columns,
  cross-sell windows, BG/NBD fit, next purchases).

Goal (issue 13): under 1 GB peak.

    python bench/bench_timing.py                     # 500k lines, 3 runs
    python bench/bench_timing.py --lines 100000 --repeats 1
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = HERE / "cache"
OUT = HERE / "out"
GOAL_GB = 1.0


def online_retail(lines: int = 500_000, customers: int = 4_000, products: int = 4_000,
                  seed: int = 2026):
    """A seeded line-item log in the Online Retail columns (see the module docstring)."""
    import numpy as np
    import polars as pl

    rng = np.random.default_rng(seed)
    invoices = max(1, lines // 20)
    # invoices per customer: heavy-tailed, every customer at least one
    weight = rng.pareto(1.5, customers) + 1.0
    per_customer = 1 + rng.multinomial(invoices - customers, weight / weight.sum())
    owner = np.repeat(np.arange(customers), per_customer)
    invoices = owner.size
    size = rng.geometric(1 / 20, invoices)
    size = np.maximum(1, np.round(size * lines / size.sum())).astype(np.int64)
    line_invoice = np.repeat(np.arange(invoices), size)
    line_customer = owner[line_invoice]
    # each customer's pool of products, drawn by popularity (Zipf-like); lines pick from it
    popularity = 1.0 / np.arange(1, products + 1) ** 0.8
    popularity /= popularity.sum()
    bought = np.bincount(line_customer, minlength=customers)
    pool = np.minimum(products, np.maximum(5, (bought * 0.5).astype(np.int64)))
    offsets = np.concatenate(([0], np.cumsum(pool)))
    pools = rng.choice(products, offsets[-1], p=popularity)
    pick = offsets[line_customer] + (rng.random(line_customer.size)
                                     * pool[line_customer]).astype(np.int64)
    product = pools[pick]
    # invoice dates: each customer's invoices spread over its own span of the 373 days
    start = rng.integers(0, 373, customers)
    span = (rng.random(customers) * (373 - start)).astype(np.int64)
    day = start[owner] + (rng.random(invoices) * (span[owner] + 1)).astype(np.int64)
    minute = rng.integers(8 * 60, 20 * 60, invoices)
    stamp = (np.datetime64("2010-12-01T00:00", "ms") + day.astype("timedelta64[D]")
             + minute.astype("timedelta64[m]"))
    quantity = rng.geometric(0.15, line_invoice.size)
    cancelled = rng.random(line_invoice.size) < 0.02
    price = np.round(0.4 + rng.gamma(1.5, 2.0, products), 2)
    number = np.char.add(np.where(cancelled, "C", ""), (536365 + line_invoice).astype(str))
    return pl.DataFrame({
        "InvoiceNo": number,
        "StockCode": (10000 + product).astype(str),
        "Description": np.char.add("ITEM ", (10000 + product).astype(str)),
        "Quantity": np.where(cancelled, -quantity, quantity),
        "InvoiceDate": pl.Series(stamp[line_invoice]).dt.strftime("%m/%d/%Y %H:%M"),
        "UnitPrice": price[product],
        "CustomerID": (12346 + line_customer).astype(np.float64),
        "Country": "United Kingdom",
    })


def files(lines: int) -> dict[str, Path]:
    """The log as CSV (what the command reads) and as canonical Parquet (the function's
    input), made once."""
    folder = CACHE / f"retail_items_{lines}"
    paths = {"csv": folder / "online_retail.csv", "parquet": folder / "transactions.parquet"}
    if not all(p.exists() for p in paths.values()):
        import polars as pl

        from clv import read_transactions

        folder.mkdir(parents=True, exist_ok=True)
        online_retail(lines).write_csv(paths["csv"])
        tx = read_transactions(str(paths["csv"]))
        assert tx.mapping.line_items, tx.mapping.describe()
        tx.frame.write_parquet(paths["parquet"])
        assert pl.read_parquet(paths["parquet"]).height == tx.frame.height
    return paths


def self_join_cross_sell(frame):
    """The baseline: the first ``cross_sell`` (until 2026-12), its pairs from a self-join of
    every customer's (product, first day) rows (the shown columns, without the sentence)."""
    import polars as pl

    firsts = (frame.lazy().filter((pl.col("amount") > 0) & pl.col("product").is_not_null())
              .group_by("customer_id", pl.col("product").cast(pl.String))
              .agg(pl.col("timestamp").min().dt.date().alias("day")).collect())
    n_customers = firsts["customer_id"].n_unique()
    buyers = firsts.group_by("product").agg(pl.len().alias("customers"))
    pairs = (firsts.lazy().join(firsts.lazy(), on="customer_id", suffix="_b")
             .filter(pl.col("day_b") > pl.col("day"))
             .with_columns((pl.col("day_b") - pl.col("day")).dt.total_days().alias("delay"))
             .group_by(pl.col("product").alias("product_a"), "product_b")
             .agg(pl.len().alias("customers_then_b"),
                  pl.col("delay").median().alias("median_days"),
                  pl.col("delay").quantile(0.25, "linear").alias("q1_days"),
                  pl.col("delay").quantile(0.75, "linear").alias("q3_days"))
             .collect())
    return (pairs.join(buyers.rename({"product": "product_a", "customers": "customers_a"}),
                       on="product_a")
            .join(buyers.rename({"product": "product_b", "customers": "buyers_b"}),
                  on="product_b")
            .with_columns((pl.col("customers_then_b") / pl.col("customers_a")).alias("share"),
                          (pl.col("buyers_b") / n_customers).alias("base_rate_b"))
            .with_columns((pl.col("share") / pl.col("base_rate_b")).alias("lift"))
            .filter((pl.col("customers_then_b") >= 30) & (pl.col("lift") >= 1.0))
            .sort(pl.col("lift") * pl.col("share"), descending=True))


def child(parquet: str, baseline: bool) -> None:
    """In the child: read the canonical log, then time ``cross_sell`` (or the baseline);
    prints JSON."""
    import polars as pl

    from clv.timing import cross_sell

    tx = pl.read_parquet(parquet)
    loaded = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e9
    started = time.perf_counter()
    pairs = self_join_cross_sell(tx) if baseline else cross_sell(tx)
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "loaded_gb": loaded, "pairs": pairs.height,
                      "lines": tx.height, "customers": tx["customer_id"].n_unique(),
                      "products": tx["product"].n_unique()}))


def measure(cmd: list[str]) -> dict[str, object]:
    """Wall seconds, peak resident memory (``wait4``) and the last output line of a child."""
    # output to a file, not a pipe: wait4 must not wait on a child blocked on a full pipe
    with tempfile.TemporaryFile() as log:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        log.seek(0)
        text = log.read().decode()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{text}")
    return {"wall": seconds, "peak_gb": usage.ru_maxrss * 1024 / 1e9,
            "last": text.strip().splitlines()[-1] if text.strip() else ""}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--lines", type=int, default=500_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--baseline-repeats", type=int, default=1,
                    help="runs of the first implementation (0: none)")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--self-join", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child, args.self_join)
        return
    paths = files(args.lines)
    fn_runs, cli_runs, base_runs = [], [], []

    def function(baseline: bool) -> dict[str, object]:
        cmd = [sys.executable, __file__, "--child", str(paths["parquet"])]
        run = measure(cmd + (["--self-join"] if baseline else []))
        out = {**json.loads(str(run["last"])), "peak_gb": run["peak_gb"]}
        print(f"  {'self-join' if baseline else 'cross_sell'}: {out['seconds']:.2f} s, peak "
              f"{out['peak_gb']:.2f} GB", file=sys.stderr)
        return out

    for _ in range(args.baseline_repeats):
        base_runs.append(function(baseline=True))
    for _ in range(args.repeats):
        fn_runs.append(function(baseline=False))
        run = measure([sys.executable, "-m", "clv", "timing", str(paths["csv"]), "--json"])
        cli_runs.append({"seconds": run["wall"], "peak_gb": run["peak_gb"]})
        print(f"  clv timing: {run['wall']:.2f} s, peak {run['peak_gb']:.2f} GB",
              file=sys.stderr)
    shape = fn_runs[0]
    fn_s = statistics.median(r["seconds"] for r in fn_runs)
    fn_gb = statistics.median(r["peak_gb"] for r in fn_runs)
    loaded = statistics.median(r["loaded_gb"] for r in fn_runs)
    cli_s = statistics.median(r["seconds"] for r in cli_runs)
    cli_gb = statistics.median(r["peak_gb"] for r in cli_runs)
    stamp = dt.date.today().isoformat()
    print(f"\nCross-sell benchmark, {stamp}, {os.cpu_count()} cores; median of {args.repeats} "
          f"run(s); {shape['lines']:,} lines, {shape['customers']:,} customers, "
          f"{shape['products']:,} products ({paths['csv'].stat().st_size / 1e6:,.0f} MB of "
          f"CSV); {shape['pairs']:,} pairs shown")
    print(f"  cross_sell       {fn_s:7.2f} s   peak {fn_gb:.2f} GB (of which the log read: "
          f"{loaded:.2f} GB)")
    print(f"  clv timing FILE  {cli_s:7.2f} s   peak {cli_gb:.2f} GB")
    baseline = None
    if base_runs:
        baseline = {"seconds": statistics.median(r["seconds"] for r in base_runs),
                    "peak_gb": statistics.median(r["peak_gb"] for r in base_runs)}
        print(f"  baseline (self-join, median of {len(base_runs)}) {baseline['seconds']:7.2f} s"
              f"   peak {baseline['peak_gb']:.2f} GB -> cross_sell "
              f"{baseline['seconds'] / fn_s:.1f}x faster, "
              f"{baseline['peak_gb'] / fn_gb:.1f}x less memory")
    met = max(fn_gb, cli_gb) < GOAL_GB
    print(f"  goal: under {GOAL_GB:g} GB peak -> {'met' if met else 'NOT met'}")
    OUT.mkdir(exist_ok=True)
    medians = {"cross_sell_seconds": fn_s, "cross_sell_peak_gb": fn_gb,
               "clv_timing_seconds": cli_s, "clv_timing_peak_gb": cli_gb}
    (OUT / "bench_timing.json").write_text(json.dumps(
        {"date": stamp, "repeats": args.repeats, "shape": shape, "cross_sell": fn_runs,
         "clv_timing": cli_runs, "self_join": base_runs, "baseline": baseline,
         "median": medians, "goal_met": met}, indent=2))


if __name__ == "__main__":
    main()
