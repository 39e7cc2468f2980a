"""Helpers of the dashboard tests: a real server on 127.0.0.1 in a thread, plain HTTP calls,
and a shop whose customer ids, products and channels contain HTML and script."""

from __future__ import annotations

import datetime as dt
import json
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import polars as pl

HOSTILE = {"customer": "<script>alert('id')</script>", "product": "<img src=x onerror=alert(1)>",
           "channel": "<b>bold</b>&co"}


def free_port(host: str = "127.0.0.1") -> int:
    """A port of ``host`` nothing listens on (for a server started next)."""
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


@contextmanager
def running(app: Any) -> Iterator[str]:
    """Serve ``app`` on a free port of 127.0.0.1 for the block; yields its base URL."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


def call(url: str, method: str = "GET", data: Any = None, headers: dict[str, str] | None = None,
         ) -> tuple[int, bytes, dict[str, str]]:
    """One request; returns status, body and headers (errors included, not raised)."""
    body = json.dumps(data).encode() if isinstance(data, dict) else data
    hdrs = dict(headers or {})
    if isinstance(data, dict):
        hdrs.setdefault("Content-Type", "application/json")
    req = urllib.request.Request(url, data=body, method=method, headers=hdrs)
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(req, timeout=60) as r:
            return r.status, r.read(), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read(), dict(e.headers)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def hostile_shop(customers: int = 600, seed: int = 3) -> pl.DataFrame:
    """A sample shop's orders as a CSV-ready frame, with one customer, one product and one
    channel named with HTML."""
    from clv.datasets import sample_shop

    shop = sample_shop(customers, seed=seed)
    tx = shop.transactions.filter(
        pl.col("timestamp") <= dt.datetime.combine(shop.observation_end, dt.time.max))
    first = tx["customer_id"][0]
    return tx.with_columns(
        pl.when(pl.col("customer_id") == first).then(pl.lit(HOSTILE["customer"]))
        .otherwise(pl.col("customer_id")).alias("customer_id"),
        pl.when(pl.col("product") == "belt").then(pl.lit(HOSTILE["product"]))
        .otherwise(pl.col("product")).alias("product"),
        pl.when(pl.col("channel") == "affiliate").then(pl.lit(HOSTILE["channel"]))
        .otherwise(pl.col("channel")).alias("channel"),
    ).rename({"customer_id": "Customer", "timestamp": "Order date", "amount": "Total"})
