"""Benchmark of the dashboard: how fast its pages answer on the sample analysis.

A child process runs the analysis of ``clv demo`` (the simulated shop of 20,000 customers
with its spend table and a SaaS) and serves the dashboard on 127.0.0.1; this process then
asks every page and API route of the analysis in a bounded loop (``--rounds`` passes over the
list, one request at a time, on one kept-alive connection) and reports per route the median
and 95th percentile of the response time, and the 95th percentile over all requests. The
report download is left out (a file export, rendered once and then cached). Goal (issue 5):
95th percentile under 300 ms.

    python bench/bench_web.py                 # 20,000 customers, 20 rounds
    python bench/bench_web.py --customers 5000 --rounds 5
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
GOAL_MS = 300.0


def child(customers: int, port: int, db: str) -> None:
    """In the child: the demo's analysis, then the dashboard on 127.0.0.1:port."""
    import uvicorn

    from clv.data import read_transactions
    from clv.datasets import sample_saas, sample_shop
    from clv.pipeline import Settings, analyze
    from clv.web import build

    shop = sample_shop(customers, seed=7)
    tx = read_transactions(shop.transactions, as_of=dt.datetime.combine(
        shop.observation_end, dt.time.max))
    analysis = analyze(tx, spend=shop.spend, customers=shop.customers,
                       subscriptions=sample_saas(max(1000, customers // 4), seed=7).subscriptions,
                       settings=Settings(margin=0.3))
    app = build(db, analyses=[(analysis, "demo shop")])
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


def routes(aid: int, customer: str, channel: str) -> list[str]:
    a = f"/a/{aid}"
    c = quote(channel)
    return [
        "/", a, f"{a}?channel={c}&segment=champions", f"{a}/customers",
        f"{a}/customers?segment=champions",
        f"{a}/customers?q=C0001&channel={c}", f"{a}/customers?start=2025-01&end=2025-06&page=3",
        f"{a}/customers/{quote(customer)}", f"{a}/segments", f"{a}/segments?channel={c}",
        f"{a}/cohorts", f"{a}/cohorts?start=2025-01", f"{a}/channels",
        f"{a}/channels?channel={c}", f"{a}/timing", f"{a}/models", f"{a}/whatif",
        f"{a}/data", f"{a}/exports", "/calculator",
        "/calculator?formula=generic&average_purchase_value=50&purchase_frequency=4"
        "&lifespan=3&margin=0.3&cac=40", "/history",
        f"/api/analyses/{aid}", f"/api/analyses/{aid}/customers?segment=at_risk",
        f"/api/analyses/{aid}/customers/{quote(customer)}",
        f"/api/analyses/{aid}/whatif?retention=0.1&basket=0.05",
        f"/api/analyses/{aid}/tables/cohorts", f"{a}/export/segments.csv",
        f"{a}/export/channels.xlsx", "/api/history",
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--customers", type=int, default=20_000)
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--db", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child is not None:
        child(args.customers, args.child, args.db)
        return
    OUT.mkdir(exist_ok=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    db = OUT / "bench_web_history.db"
    db.unlink(missing_ok=True)
    server = subprocess.Popen([sys.executable, __file__, "--customers", str(args.customers),
                               "--child", str(port), "--db", f"sqlite:///{db}"])
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

        def get(path: str) -> tuple[int, bytes, float]:
            started = time.perf_counter()
            conn.request("GET", path)
            r = conn.getresponse()
            body = r.read()
            return r.status, body, time.perf_counter() - started

        deadline = time.monotonic() + 600
        while True:
            try:
                status, body, _ = get("/api/analyses")
                if status == 200 and json.loads(body):
                    break
            except OSError:
                conn.close()
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("the dashboard did not start")
            time.sleep(0.5)
        aid = json.loads(body)[0]["id"]
        top = json.loads(get(f"/api/analyses/{aid}/customers?limit=1")[1])["data"][0]
        paths = routes(aid, top["customer_id"], top.get("channel") or "")
        for path in paths:  # warm-up: every route once, each must answer 200
            status, body, _ = get(path)
            if status != 200:
                raise SystemExit(f"{path}: HTTP {status}: {body[:200]!r}")
        times: dict[str, list[float]] = {p: [] for p in paths}
        for _ in range(args.rounds):
            for path in paths:
                times[path].append(get(path)[2] * 1000)
    finally:
        server.terminate()
        server.wait(30)
    every = sorted(t for ts in times.values() for t in ts)

    def p95(values: list[float]) -> float:
        return statistics.quantiles(values, n=20, method="inclusive")[-1]

    rows = sorted(((p, statistics.median(ts), p95(ts)) for p, ts in times.items()),
                  key=lambda r: -r[2])
    print(f"{'route':<80} {'median ms':>10} {'p95 ms':>8}")
    for path, med, high in rows:
        print(f"{path[:80]:<80} {med:>10.1f} {high:>8.1f}")
    overall = p95(every)
    verdict = "met" if overall < GOAL_MS else "NOT met"
    print(f"\n{len(every)} requests, {len(paths)} routes x {args.rounds} rounds: p50 "
          f"{statistics.median(every):.1f} ms, p95 {overall:.1f} ms, max {every[-1]:.1f} ms "
          f"(goal p95 < {GOAL_MS:.0f} ms: {verdict}); slowest route p95 {rows[0][2]:.1f} ms "
          f"({rows[0][0]})")
    (OUT / "bench_web.json").write_text(json.dumps({
        "date": dt.date.today().isoformat(), "customers": args.customers, "rounds": args.rounds,
        "p50_ms": statistics.median(every), "p95_ms": overall, "max_ms": every[-1],
        "routes": {p: {"median_ms": m, "p95_ms": h} for p, m, h in rows}}, indent=1))


if __name__ == "__main__":
    main()
