"""Benchmark of the RFM summary on synthetic transaction logs of 1M, 10M and 100M rows.

For each size it prints the median seconds and peak memory (max RSS of a fresh process) of:
- scan: merely reading the three columns (customer_id, timestamp, amount) from the Parquet log;
- clv: ``clv.rfm_summary`` on a lazy scan of the same log (same-day merge, weekly unit);
- pandas: a plain pandas group-by implementation of the same summary;
- lifetimes: ``lifetimes.utils.summary_data_from_transaction_data`` (in its own virtual
  environment, created here; the column is skipped with a note if it cannot be installed).
Logs are made by ``clv.sample_shop`` in chunks and cached under bench/cache/.

    python bench/bench_summary.py                       # 1M, 10M, 100M; 3 runs each
    python bench/bench_summary.py --sizes 1M --repeats 5
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = HERE / "cache"
OUT = HERE / "out"
LT_VENV = HERE / ".venv-lifetimes"
LT_PACKAGES = ["lifetimes==0.11.3", "pandas<2", "numpy<2", "pyarrow<15"]
COLUMNS = ["customer_id", "timestamp", "amount"]
CHUNK_CUSTOMERS = 2_000_000
SIZES = {"1M": 1_000_000, "10M": 10_000_000, "100M": 100_000_000}
CHILD_TIMEOUT = 1800


def log_path(label: str) -> Path:
    """The cached log of ``label`` rows: a folder of Parquet parts; made when missing."""
    folder = CACHE / f"tx_{label}"
    if (folder / "_complete").exists():
        return folder
    import polars as pl

    from clv import sample_shop

    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.parquet"):
        old.unlink()
    target = SIZES[label]
    written, part = 0, 0
    started = time.perf_counter()
    while written < target:
        n = min(CHUNK_CUSTOMERS, max(1_000, int((target - written) / 4.5)))
        shop = sample_shop(n, seed=1000 + part)
        tx = shop.transactions.with_columns(
            (pl.lit(f"p{part}-") + pl.col("customer_id")).alias("customer_id"))
        tx = tx.head(target - written)
        tx.write_parquet(folder / f"part-{part:03d}.parquet")
        written += tx.height
        part += 1
        print(f"  made {label}: {written:,} rows ({time.perf_counter() - started:.0f} s)",
              file=sys.stderr)
    (folder / "_complete").write_text(str(written))
    return folder


# --- measured work, each run in a fresh process -------------------------------------------


def run_scan(folder: Path) -> int:
    import polars as pl

    return pl.scan_parquet(folder / "*.parquet").select(COLUMNS).collect().height


def run_clv(folder: Path) -> int:
    import polars as pl

    from clv import rfm_summary

    return len(rfm_summary(pl.scan_parquet(folder / "*.parquet"), unit="week"))


def run_pandas(folder: Path) -> int:
    """The summary as a data scientist would write it with pandas group-bys."""
    import pandas as pd

    df = pd.read_parquet(folder, columns=COLUMNS)
    obs_end = df["timestamp"].max().normalize()
    df["day"] = df["timestamp"].dt.normalize()
    per = df.groupby(["customer_id", "day"], sort=False, as_index=False)["amount"].sum()
    per = per[per["amount"] > 0].sort_values(["customer_id", "day"])
    g = per.groupby("customer_id", sort=False)
    out = g.agg(first=("day", "min"), last=("day", "max"), n=("amount", "size"),
                total=("amount", "sum"), first_amount=("amount", "first"))
    out["frequency"] = out["n"] - 1
    out["recency"] = (out["last"] - out["first"]).dt.days / 7.0
    out["T"] = (obs_end - out["first"]).dt.days / 7.0
    out["monetary"] = ((out["total"] - out["first_amount"]) / out["frequency"]).where(
        out["frequency"] > 0, 0.0)
    return len(out)


def run_lifetimes(folder: Path) -> int:
    import pandas as pd
    from lifetimes.utils import summary_data_from_transaction_data

    df = pd.read_parquet(folder, columns=COLUMNS)
    out = summary_data_from_transaction_data(
        df, "customer_id", "timestamp", "amount", freq="D",
        observation_period_end=df["timestamp"].max())
    return len(out)


RUNNERS = {"scan": run_scan, "clv": run_clv, "pandas": run_pandas, "lifetimes": run_lifetimes}


def peak_rss_mb() -> float:
    """Peak resident memory of this process. VmHWM belongs to the address space made at exec;
    ru_maxrss would also count the parent's peak before the fork (Linux keeps it over exec)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(method: str, folder: str) -> None:
    started = time.perf_counter()
    rows = RUNNERS[method](Path(folder))
    seconds = time.perf_counter() - started
    peak_mb = peak_rss_mb()
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb, "rows": rows}))


# --- driver -------------------------------------------------------------------------------


def lifetimes_python() -> tuple[str | None, str]:
    py = LT_VENV / "bin" / "python"
    if not py.exists():
        try:
            subprocess.run([sys.executable, "-m", "venv", str(LT_VENV)], check=True)
            subprocess.run([str(py), "-m", "pip", "install", "-q", *LT_PACKAGES], check=True,
                           capture_output=True, timeout=900)
        except (subprocess.SubprocessError, OSError) as exc:
            return None, f"lifetimes could not be installed ({exc.__class__.__name__})"
    probe = subprocess.run([str(py), "-c", "import lifetimes; print(lifetimes.__version__)"],
                           capture_output=True, text=True)
    if probe.returncode:
        return None, "lifetimes does not import in its environment"
    return str(py), f"lifetimes {probe.stdout.strip()} ({', '.join(LT_PACKAGES[1:])})"


def measure(method: str, folder: Path, repeats: int, python: str = sys.executable
            ) -> dict[str, float] | str:
    runs = []
    env = {**os.environ, "PYTHONPATH": str(HERE.parent / "src")} if method == "lifetimes" \
        else os.environ
    for _ in range(repeats):
        try:
            proc = subprocess.run([python, __file__, "--child", method, str(folder)],
                                  capture_output=True, text=True, timeout=CHILD_TIMEOUT, env=env)
        except subprocess.TimeoutExpired:
            return f"over {CHILD_TIMEOUT} s"
        if proc.returncode:
            tail = (proc.stderr.strip().splitlines() or ["?"])[-1]
            return f"failed: {tail[:80]}"
        runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    return {"seconds": statistics.median(r["seconds"] for r in runs),
            "peak_mb": statistics.median(r["peak_mb"] for r in runs),
            "rows": runs[0]["rows"], "runs": len(runs)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1M,10M,100M")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--lifetimes-sizes", default="1M,10M")
    ap.add_argument("--pandas-sizes", default="1M,10M,100M")
    ap.add_argument("--child", nargs=2, metavar=("METHOD", "FOLDER"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return
    sizes = [s for s in args.sizes.split(",") if s]
    lt_python, lt_note = lifetimes_python() if args.lifetimes_sizes else (None, "not asked")
    results: dict[str, dict[str, object]] = {}
    for label in sizes:
        folder = log_path(label)
        row: dict[str, object] = {}
        wanted = {"scan": True, "clv": True,
                  "pandas": label in args.pandas_sizes.split(","),
                  "lifetimes": label in args.lifetimes_sizes.split(",")}
        for method in ("scan", "clv", "pandas", "lifetimes"):
            if not wanted[method]:
                row[method] = "not run at this size"
            elif method == "lifetimes" and lt_python is None:
                row[method] = f"skipped: {lt_note}"
            else:
                row[method] = measure(method, folder, args.repeats,
                                      lt_python if method == "lifetimes" else sys.executable)
            print(f"{label:>5} {method:<9} {fmt(row[method])}", file=sys.stderr)
        results[label] = row
    report(results, lt_note, args.repeats)


def fmt(r: object) -> str:
    if isinstance(r, dict):
        return f"{r['seconds']:8.2f} s {r['peak_mb'] / 1024:6.2f} GB"
    return str(r)


def ratio(a: object, b: object) -> str:
    if isinstance(a, dict) and isinstance(b, dict):
        return f"{b['seconds'] / a['seconds']:.1f}x"
    return "-"


def report(results: dict[str, dict[str, object]], lt_note: str, repeats: int) -> None:
    OUT.mkdir(exist_ok=True)
    stamp = time.strftime("%Y-%m-%d")
    print(f"\nRFM summary benchmark, {stamp}, {os.cpu_count()} cores; median of {repeats} runs; "
          "time and peak RSS of a fresh process; lifetimes: " + lt_note)
    print(f"{'rows':>6} | {'scan':>19} | {'clv':>19} | {'pandas':>19} | {'lifetimes':>19} | "
          "clv vs pandas | clv vs lifetimes")
    for label, row in results.items():
        cells = " | ".join(f"{fmt(row[m]):>19}" if isinstance(row[m], dict) else
                           f"{str(row[m])[:19]:>19}" for m in ("scan", "clv", "pandas",
                                                               "lifetimes"))
        print(f"{label:>6} | {cells} | {ratio(row['clv'], row['pandas']):>13} | "
              f"{ratio(row['clv'], row['lifetimes']):>16}")
    goals = []
    big = results.get("100M", {}).get("clv")
    if isinstance(big, dict):
        goals.append(f"100M in under 60 s and 8 GB: {big['seconds']:.1f} s, "
                     f"{big['peak_mb'] / 1024:.2f} GB -> "
                     f"{'met' if big['seconds'] < 60 and big['peak_mb'] < 8192 else 'NOT met'}")
    ten = results.get("10M", {})
    for other, need in (("pandas", 2.0), ("lifetimes", 4.0)):
        a, b = ten.get("clv"), ten.get(other)
        if isinstance(a, dict) and isinstance(b, dict):
            r = b["seconds"] / a["seconds"]
            goals.append(f"at 10M at least {need:g}x faster than {other}: {r:.1f}x -> "
                         f"{'met' if r >= need else 'NOT met'}")
    for g in goals:
        print("goal: " + g)
    (OUT / "bench_summary.json").write_text(json.dumps(
        {"date": stamp, "repeats": repeats, "lifetimes": lt_note, "results": results,
         "goals": goals}, indent=2))


if __name__ == "__main__":
    main()
