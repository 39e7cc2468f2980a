"""Benchmark of the decision analytics on a simulated shop of 1M customers (~10M transaction
lines) and 1M subscriptions.

Steps, each timed (median of the runs) in one process, with the peak memory (max RSS):
summary (weekly), fits (BG/NBD and Gamma-Gamma), customer value (12 months, 30% margin, 10%
discount), segments (RFM, tiers, concentration), cohorts (monthly, with the predicted
continuation), channels (CAC, LTV, LTV:CAC, payback from the spend table), timing (cross-sell
windows and next purchase in 30 days), what-if (+5% retention) with the sensitivity table,
and subscriptions (MRR movements, cohorts, sBG per plan). The goal: the whole under 60 s on
this 2-core machine.

The shop is ``clv.sample_shop`` with a higher purchase rate (BG/NBD alpha 3, b 6: about 10.8
lines per customer), cached as Parquet under bench/cache/.

    python bench/bench_analytics.py                 # 1M customers, 3 runs
    python bench/bench_analytics.py --customers 200000 --repeats 1
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = HERE / "cache"
OUT = HERE / "out"
GOAL_SECONDS = 60.0
RATES = {"alpha": 3.0, "b": 6.0}


def data(customers: int):
    """(transactions, customers, spend, subscriptions, observation end), cached."""
    import polars as pl

    from clv import sample_saas, sample_shop

    folder = CACHE / f"shop_{customers}"
    names = ("transactions", "customers", "spend", "subscriptions")
    if not all((folder / f"{n}.parquet").exists() for n in names):
        folder.mkdir(parents=True, exist_ok=True)
        shop = sample_shop(customers, seed=2026, bgnbd=RATES)
        saas = sample_saas(customers, seed=2026)
        for name, frame in zip(names, (shop.transactions, shop.customers, shop.spend,
                                       saas.subscriptions), strict=True):
            frame.write_parquet(folder / f"{name}.parquet")
        (folder / "dates.json").write_text(json.dumps(
            {"shop_end": str(shop.observation_end),
             "saas_end": str(saas.observation_end - dt.timedelta(days=1))}))
    dates = json.loads((folder / "dates.json").read_text())
    frames = [pl.read_parquet(folder / f"{n}.parquet") for n in names]
    return (*frames, dt.date.fromisoformat(dates["shop_end"]),
            dt.date.fromisoformat(dates["saas_end"]))


def run(customers: int, repeats: int) -> dict[str, object]:
    tx, attrs, spend, subs, end, saas_end = data(customers)
    times: dict[str, list[float]] = {}
    sizes = {"customers": attrs.height, "transaction_lines": tx.height,
             "subscriptions": subs.height}
    for _ in range(repeats):
        one_run(tx, attrs, spend, subs, end, saas_end, times)
    medians = {k: statistics.median(v) for k, v in times.items()}
    total = sum(medians.values())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2  # GiB (Linux: KiB)
    return {"sizes": sizes, "seconds": medians, "total": total, "peak_gib": peak}


def one_run(tx, attrs, spend, subs, end, saas_end, times: dict[str, list[float]]) -> None:
    """Every step once, appending its seconds to ``times``."""
    from clv import rfm_summary
    from clv.acquisition import channels
    from clv.cohorts import cohorts
    from clv.models import BGNBD, GammaGamma
    from clv.scenarios import Levers, sensitivity, what_if
    from clv.segments import segment_customers
    from clv.subscriptions import saas_metrics
    from clv.timing import cross_sell, next_purchase
    from clv.value import customer_value

    def step(name: str, fn):
        started = time.perf_counter()
        result = fn()
        times.setdefault(name, []).append(time.perf_counter() - started)
        print(f"  {name:<14} {times[name][-1]:7.2f} s", file=sys.stderr)
        return result

    value_kw = {"margin": 0.3, "discount_rate": 0.1}
    s = step("summary", lambda: rfm_summary(tx, unit="week", observation_end=end))
    m, gg = step("fits", lambda: (BGNBD().fit(s), GammaGamma().fit(s)))
    v = step("value", lambda: customer_value(m, s, 12, "month", spend=gg, **value_kw))
    step("segments", lambda: segment_customers(s, v))
    step("cohorts", lambda: cohorts(tx, s, period="month", purchases=m, spend=gg))
    step("channels", lambda: channels(tx, s, spend, v, customers=attrs, margin=0.3,
                                      purchases=m, spend_model=gg))
    step("timing", lambda: (cross_sell(tx), next_purchase(m, s, 30)))
    step("what-if", lambda: (what_if(m, s, 12, "month", levers=Levers(retention=0.05),
                                     spend=gg, cac=30.0, **value_kw),
                             sensitivity(m, s, 12, "month", spend=gg, **value_kw)))
    step("subscriptions", lambda: saas_metrics(subs, as_of=saas_end, margin=0.8))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--customers", type=int, default=1_000_000)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    result = run(args.customers, args.repeats)
    sizes = result["sizes"]
    stamp = dt.date.today().isoformat()
    print(f"\nAnalytics benchmark, {stamp}, {os.cpu_count()} cores; median of {args.repeats} "
          f"run(s); {sizes['customers']:,} customers, {sizes['transaction_lines']:,} "
          f"transaction lines, {sizes['subscriptions']:,} subscriptions")
    for name, seconds in result["seconds"].items():
        print(f"  {name:<14} {seconds:7.2f} s")
    print(f"  {'total':<14} {result['total']:7.2f} s   (goal: under {GOAL_SECONDS:g} s -> "
          f"{'met' if result['total'] < GOAL_SECONDS else 'NOT met'}); peak memory "
          f"{result['peak_gib']:.1f} GiB")
    OUT.mkdir(exist_ok=True)
    (OUT / "bench_analytics.json").write_text(json.dumps(
        {"date": stamp, "repeats": args.repeats, **result}, indent=2))


if __name__ == "__main__":
    main()
