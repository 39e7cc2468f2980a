"""Helpers of the dashboard tests: a real server on 127.0.0.1 in a thread, plain HTTP calls,
and a shop whose customer ids, products and channels contain HTML and script."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
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


PAGE = {"Accept": "text/html"}


def html_of(url: str) -> str:
    """The HTML of the page at ``url`` (answered 200)."""
    status, body, _ = call(url, headers=PAGE)
    assert status == 200, url
    return str(body.decode())


def words_of(fragment: str) -> str:
    """The words of an HTML fragment: tags dropped, entities read."""
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def french_spend(folder: Any, sample: Any) -> tuple[pl.DataFrame, Any]:
    """The spend table of ``sample`` (``clv.sample_shop``) written as a French export,
    ``depenses_fr.csv`` in ``folder`` (months mm/yyyy, decimal commas, ';'), one more row of
    which has no month (13/2023), and read back: the frame and its report, named by the
    file's name as an upload names it."""
    import dataclasses

    from clv.data.tables import read_spend_report

    spend = folder / "depenses_fr.csv"
    lines = ["Mois;Canal;Dépenses"] + [
        f"{m:%m/%Y};{c};{str(round(s, 2)).replace('.', ',')}"
        for c, m, s in sample.spend.select("channel", "month", "spend").iter_rows()]
    lines.append("13/2023;SEO;1,50")
    spend.write_text("\n".join(lines) + "\n", encoding="utf-8")
    frame, report = read_spend_report(spend)
    return frame, dataclasses.replace(report, source=spend.name)


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


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage"]
"""Chromium's flags in the tests: headless in a container, no call home."""


def chromium_path() -> str | None:
    """The system's Chromium (Debian's package, installed by .ci/run), or None."""
    import shutil

    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


class Watch:
    """Everything that went wrong in a Playwright page: console errors, failed requests,
    HTTP errors, dialogs (an alert would mean a script from the data ran)."""

    def __init__(self, page: Any) -> None:
        self.problems: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.problems.append(
            f"console: {m.text}"))
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        page.on("requestfailed", lambda r: self.problems.append(
            f"failed: {r.url} {r.failure}"))
        page.on("response", lambda r: r.status >= 400 and self.problems.append(
            f"HTTP {r.status}: {r.url}"))
        page.on("dialog", lambda d: (self.problems.append(f"dialog: {d.message}"),
                                     d.dismiss()))


def sample_analysis(customers: int = 600, seed: int = 7) -> Any:
    """The analysis of a sample shop with its spend (channels), customer attributes and a
    SaaS's subscriptions (the subscription pages), as ``clv demo`` makes it, smaller."""
    from clv.data import read_transactions
    from clv.datasets import sample_saas, sample_shop
    from clv.pipeline import Settings, analyze

    shop = sample_shop(customers, seed=seed)
    tx = read_transactions(shop.transactions, as_of=dt.datetime.combine(
        shop.observation_end, dt.time.max))
    return analyze(tx, spend=shop.spend, customers=shop.customers,
                   subscriptions=sample_saas(max(300, customers // 2), seed=seed).subscriptions,
                   settings=Settings(margin=0.3))


def dashboard_pages(base: str, orders: bytes) -> dict[str, str]:
    """Every page of a dashboard at ``base`` showing one finished analysis (its first), by a
    short name: the analysis's sections, the overview with a selection (the top customer's
    segment), one customer, the SaaS page, and the pages around them (home, mapping of
    ``orders`` uploaded here, calculator, history). The SaaS page is listed even where the
    server answers it with 404 (no page yet, or no subscriptions): the caller says so."""
    from urllib.parse import quote

    aid = json.loads(call(base + "/api/analyses")[1])[0]["id"]
    top = json.loads(call(f"{base}/api/analyses/{aid}/customers?limit=1")[1])["data"][0]
    status, body, _ = call(base + "/api/uploads?name=orders.csv", "PUT", orders)
    if status != 200:
        raise RuntimeError(f"upload refused: HTTP {status}: {body[:200]!r}")
    a = f"/a/{aid}"
    return {"home": "/", "mapping": f"/mapping/{json.loads(body)['id']}",
            "overview": a, "selection": f"{a}?segment={quote(top['segment'])}",
            "customers": f"{a}/customers",
            "customer": f"{a}/customers/{quote(top['customer_id'], safe='')}",
            "segments": f"{a}/segments", "cohorts": f"{a}/cohorts",
            "channels": f"{a}/channels", "timing": f"{a}/timing", "models": f"{a}/models",
            "whatif": f"{a}/whatif", "data": f"{a}/data", "exports": f"{a}/exports",
            "saas": f"{a}/saas", "calculator": "/calculator", "history": "/history"}
