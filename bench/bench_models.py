"""Benchmark of model fits and scoring on CDNOW_master and on 1M and 20M synthetic customers.

For each data set it prints the median seconds of:
- the fit of BG/NBD, MBG/NBD, Pareto/NBD and Gamma-Gamma from a customer summary (the fit
  compresses identical rows itself, so compression is included);
- scoring every customer with BG/NBD and with Pareto/NBD: P(alive), expected purchases over
  12 months and CLV with the Gamma-Gamma spend, a 30% margin and 10% yearly discounting
  (``clv.customer_value``, monthly discount steps);
- the same four fits with the ``lifetimes`` package (0.11.3, archived) in its own virtual
  environment, created here; the column says why when it cannot be run.

The synthetic customers are in days: first purchase uniform over two years, purchases and
lifetimes from a Pareto/NBD process (r 0.6, alpha 40, s 0.7, beta 300), spend from a
Gamma-Gamma process (p 6, q 4, gamma 40); they are cached as Parquet under bench/cache/.

    python bench/bench_models.py                         # CDNOW, 1M, 20M; 3 runs each
    python bench/bench_models.py --sizes cdnow,1M --repeats 5 --lifetimes-sizes cdnow
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

from bench_summary import lifetimes_python  # same environment: bench/.venv-lifetimes

HERE = Path(__file__).resolve().parent
CACHE = HERE / "cache"
OUT = HERE / "out"
SIZES = {"1M": 1_000_000, "20M": 20_000_000}
MODELS = ("bgnbd", "mbgnbd", "pnbd", "gg")
NAMES = {"bgnbd": "BG/NBD", "mbgnbd": "MBG/NBD", "pnbd": "Pareto/NBD", "gg": "Gamma-Gamma"}
OBSERVATION_END = dt.date(2026, 1, 1)
LT_TIMEOUT = 3600


# --- data ---------------------------------------------------------------------------------


def synthetic(label: str) -> Path:
    """The cached customer summary of ``label`` customers (made when missing)."""
    path = CACHE / f"customers_{label}.parquet"
    if path.exists():
        return path
    import numpy as np
    import polars as pl

    n = SIZES[label]
    rng = np.random.default_rng(2026)
    lam = rng.gamma(0.6, 1 / 40.0, n)
    mu = rng.gamma(0.7, 1 / 300.0, n)
    t_cap = rng.integers(1, 731, n).astype(float)  # days since the first purchase
    alive_for = np.minimum(rng.exponential(1 / mu), t_cap)
    x = rng.poisson(lam * alive_for)
    # the last purchase is the largest of x uniform times while alive, on whole days
    tx = np.floor(alive_for * rng.uniform(size=n) ** (1 / np.maximum(x, 1)))
    x = np.where(tx > 0, x, 0)  # purchases on the first day merge into it
    tx = np.where(x > 0, tx, 0.0)
    nu = rng.gamma(4.0, 1 / 40.0, n)
    monetary = np.where(x > 0, rng.gamma(6.0 * np.maximum(x, 1), 1 / nu) / np.maximum(x, 1), 0.0)
    CACHE.mkdir(exist_ok=True)
    pl.DataFrame({"customer_id": pl.int_range(n, eager=True).cast(pl.String),
                  "frequency": x, "recency": tx, "T": t_cap, "monetary": monetary}
                 ).write_parquet(path)
    return path


def load(label: str):  # -> clv.prep.summary.Summary
    import polars as pl

    from clv import read_transactions, rfm_summary
    from clv.prep.summary import Summary, SummaryReport

    if label == "cdnow":
        from clv.datasets import load_cdnow  # shipped with the package

        return rfm_summary(read_transactions(load_cdnow(sample=False)), unit="day",
                           observation_end="1998-06-30")
    frame = pl.read_parquet(synthetic(label))
    purchases = int(frame["frequency"].sum()) + frame.height
    report = SummaryReport(transactions=purchases, amount=0.0, merged_transactions=0,
                           non_positive_periods=0, rows_after_observation_end=0,
                           amount_after_observation_end=0.0, customers_without_purchase=0,
                           amount_without_purchase=0.0)
    return Summary(frame, "day", OBSERVATION_END, None, "day", report)


# --- clv ------------------------------------------------------------------------------------


def timed(fn, repeats: int) -> tuple[float, object]:
    runs, result = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        result = fn()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs), result


def run_clv(label: str, repeats: int) -> dict[str, object]:
    from clv.models import BGNBD, MBGNBD, GammaGamma, ParetoNBD
    from clv.value import customer_value

    summary = load(label)
    out: dict[str, object] = {"customers": len(summary)}
    classes = {"bgnbd": BGNBD, "mbgnbd": MBGNBD, "pnbd": ParetoNBD, "gg": GammaGamma}
    fitted = {}
    for key in MODELS:
        seconds, model = timed(lambda cls=classes[key]: cls().fit(summary), repeats)
        fitted[key] = model
        out[f"fit {key}"] = seconds
        out[f"params {key}"] = {k: round(v, 6) for k, v in model.params_.items()}
        print(f"  {label:>5} fit {NAMES[key]:<11} {seconds:8.2f} s", file=sys.stderr)
    for key in ("bgnbd", "pnbd"):
        seconds, frame = timed(lambda m=fitted[key]: customer_value(
            m, summary, 12, "month", spend=fitted["gg"], margin=0.3, discount_rate=0.1),
            repeats)
        out[f"score {key}"] = seconds
        out[f"total clv {key}"] = float(frame["clv"].sum())
        print(f"  {label:>5} score {NAMES[key]:<9} {seconds:8.2f} s", file=sys.stderr)
    return out


# --- lifetimes ------------------------------------------------------------------------------


def run_lifetimes(path: str, repeats: int) -> dict[str, object]:
    """In the lifetimes environment: the four fits on the customers of a Parquet file."""
    import warnings

    import pandas as pd
    from lifetimes import BetaGeoFitter, GammaGammaFitter, ModifiedBetaGeoFitter, ParetoNBDFitter

    warnings.simplefilter("ignore")  # lifetimes' own deprecation noise, not ours
    df = pd.read_parquet(path, columns=["frequency", "recency", "T", "monetary"])
    buyers = df[df["frequency"] > 0]
    out: dict[str, object] = {}
    fits = {
        "bgnbd": lambda: BetaGeoFitter().fit(df["frequency"], df["recency"], df["T"]),
        "mbgnbd": lambda: ModifiedBetaGeoFitter().fit(df["frequency"], df["recency"], df["T"]),
        "pnbd": lambda: ParetoNBDFitter().fit(df["frequency"], df["recency"], df["T"]),
        "gg": lambda: GammaGammaFitter().fit(buyers["frequency"], buyers["monetary"]),
    }
    for key, fit in fits.items():
        try:
            seconds, model = timed(fit, repeats)
            out[f"fit {key}"] = seconds
            out[f"params {key}"] = {k: round(float(v), 6) for k, v in model.params_.items()}
        except Exception as exc:  # report whatever lifetimes does, and go on
            out[f"fit {key}"] = f"failed: {type(exc).__name__}: {str(exc)[:80]}"
        print(f"  lifetimes fit {key}: {out[f'fit {key}']}", file=sys.stderr)
    return out


def lifetimes_input(label: str) -> Path:
    """The customers of ``label`` as a Parquet file lifetimes can read."""
    if label != "cdnow":
        return synthetic(label)
    path = CACHE / "customers_cdnow.parquet"
    if not path.exists():
        CACHE.mkdir(exist_ok=True)
        load("cdnow").frame.select("frequency", "recency", "T", "monetary").write_parquet(path)
    return path


def measure_lifetimes(python: str, label: str, repeats: int) -> dict[str, object] | str:
    try:
        proc = subprocess.run([python, __file__, "--lifetimes-child", str(lifetimes_input(label)),
                               str(repeats)], capture_output=True, text=True, timeout=LT_TIMEOUT)
    except subprocess.TimeoutExpired:
        return f"over {LT_TIMEOUT} s"
    sys.stderr.write(proc.stderr)
    if proc.returncode:
        return "failed: " + (proc.stderr.strip().splitlines() or ["?"])[-1][:80]
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --- driver ---------------------------------------------------------------------------------


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="cdnow,1M,20M")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--lifetimes-sizes", default="cdnow,1M")
    ap.add_argument("--lifetimes-repeats", type=int, default=1)
    ap.add_argument("--lifetimes-child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.lifetimes_child:
        print(json.dumps(run_lifetimes(args.lifetimes_child[0], int(args.lifetimes_child[1]))))
        return
    sizes = [s for s in args.sizes.split(",") if s]
    lt_sizes = [s for s in args.lifetimes_sizes.split(",") if s]
    lt_python, lt_note = lifetimes_python() if lt_sizes else (None, "not asked")
    results: dict[str, dict[str, object]] = {}
    for label in sizes:
        print(f"{label}:", file=sys.stderr)
        row = {"clv": run_clv(label, args.repeats)}
        if label not in lt_sizes:
            row["lifetimes"] = "not run at this size"
        elif lt_python is None:
            row["lifetimes"] = f"skipped: {lt_note}"
        else:
            row["lifetimes"] = measure_lifetimes(lt_python, label, args.lifetimes_repeats)
        results[label] = row
    report(results, lt_note, args.repeats, args.lifetimes_repeats)


def cell(value: object) -> str:
    return f"{value:.2f} s" if isinstance(value, float) else str(value)[:28]


def report(results: dict[str, dict[str, object]], lt_note: str, repeats: int,
           lt_repeats: int) -> None:
    OUT.mkdir(exist_ok=True)
    stamp = time.strftime("%Y-%m-%d")
    print(f"\nModel benchmark, {stamp}, {os.cpu_count()} cores; clv median of {repeats} runs, "
          f"lifetimes median of {lt_repeats}; {lt_note}")
    print(f"{'data':>6} | {'customers':>10} | {'step':<18} | {'clv':>9} | {'lifetimes':>28} | "
          "clv vs lifetimes")
    goals = []
    for label, row in results.items():
        ours, theirs = row["clv"], row["lifetimes"]
        for key in MODELS:
            a = ours[f"fit {key}"]
            b = theirs.get(f"fit {key}", "-") if isinstance(theirs, dict) else theirs
            r = f"{b / a:.0f}x" if isinstance(b, float) else "-"
            print(f"{label:>6} | {ours['customers']:>10,} | fit {NAMES[key]:<14} | "
                  f"{cell(a):>9} | {cell(b):>28} | {r:>16}")
            if label == "1M" and isinstance(b, float):
                goals.append(f"{NAMES[key]} fit at 1M at least 20x faster than lifetimes: "
                             f"{b / a:.0f}x -> {'met' if b / a >= 20 else 'NOT met'}")
        for key in ("bgnbd", "pnbd"):
            print(f"{label:>6} | {ours['customers']:>10,} | score {NAMES[key]:<12} | "
                  f"{cell(ours[f'score {key}']):>9} | {'-':>28} | {'-':>16}")
    for label, key, limit in (("1M", "fit bgnbd", 1.0), ("20M", "fit bgnbd", 10.0),
                              ("1M", "fit pnbd", 3.0), ("20M", "score bgnbd", 10.0),
                              ("20M", "score pnbd", 10.0)):
        value = results.get(label, {}).get("clv", {}).get(key)
        if isinstance(value, float):
            goals.append(f"{key} at {label} under {limit:g} s: {value:.2f} s -> "
                         f"{'met' if value < limit else 'NOT met'}")
    for g in goals:
        print("goal: " + g)
    (OUT / "bench_models.json").write_text(json.dumps(
        {"date": stamp, "repeats": repeats, "lifetimes_repeats": lt_repeats,
         "lifetimes": lt_note, "results": results, "goals": goals}, indent=2))


if __name__ == "__main__":
    main()
