"""Sample businesses simulated from known processes, and loaders for the reference data.

``sample_shop`` simulates an online shop whose purchases follow the BG/NBD process and whose
order values follow the Gamma-Gamma model, with the true parameters returned, so that tests can
check that the models recover them:

- customer i buys at rate lambda_i ~ Gamma(r, alpha) (per week) while alive, and after each
  repeat purchase drops out with probability p_i ~ Beta(a, b) (Fader, Hardie & Lee 2005,
  "Counting your customers the easy way", Marketing Science 24(2), section 2);
- each order is worth z ~ Gamma(p, nu_i) with nu_i ~ Gamma(q, gamma) (Fader, Hardie & Lee 2005,
  "RFM and CLV: using iso-value curves", JMR 42(4); Gamma-Gamma as in Fader & Hardie's note
  "The Gamma-Gamma model of monetary value", 2013).

Acquisition channels select customers by their latent value (a customer with a high rate and a
low dropout probability is more likely to arrive by referral than by social ads), so channels
differ in true value while the pooled population keeps exactly the parameters above. Cross-sell
sequences, refunds and monthly marketing spend per channel are layered on without changing the
purchase timing. A customer's orders fall on distinct days (the models count one transaction
per day), an order on the day of the previous one moving to the next day.

``sample_saas`` simulates subscriptions whose monthly churn follows the shifted-beta-geometric
model (Fader & Hardie 2007, "How to project customer retention",
Journal of Interactive Marketing 21(1)).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

BGNBD = {"r": 0.9, "alpha": 10.0, "a": 0.8, "b": 4.0}  # rates per week
GAMMA_GAMMA = {"p": 6.0, "q": 4.0, "gamma": 40.0}  # mean order value p*gamma/(q-1) = 80
# name, share before selection, tilt towards high-value customers, mean CAC, lead conversion.
CHANNELS = [
    ("referral", 0.12, 0.8, 20.0, 0.10),
    ("organic_search", 0.22, 0.35, 12.0, 0.03),
    ("email", 0.10, 0.2, 8.0, 0.05),
    ("paid_search", 0.28, 0.0, 38.0, 0.04),
    ("affiliate", 0.10, -0.25, 30.0, 0.05),
    ("paid_social", 0.18, -0.6, 26.0, 0.02),
]
PRODUCTS = {"t-shirt": 0.20, "shirt": 0.15, "trousers": 0.16, "jeans": 0.11, "shoes": 0.12,
            "jacket": 0.08, "socks": 0.13, "belt": 0.05}
# (first product, later product, mean delay in days, sd of the delay, probability)
CROSS_SELL = [("trousers", "belt", 90.0, 12.0, 0.8), ("shoes", "socks", 30.0, 6.0, 0.6)]
CROSS_SELL_WINDOW = 20.0  # days either side of the intended delay
REFUND_RATE = 0.04
PLANS = {  # name: (monthly price, sBG alpha, sBG beta, share)
    "basic": (29.0, 0.8, 5.0, 0.55),
    "pro": (99.0, 0.7, 9.0, 0.33),
    "business": (299.0, 0.6, 14.0, 0.12),
}


@dataclass(frozen=True)
class SampleShop:
    """A simulated shop: transactions, customers (with their true latent values), spend."""

    transactions: pl.DataFrame
    customers: pl.DataFrame
    spend: pl.DataFrame
    truth: dict[str, Any]
    start: dt.date
    observation_end: dt.date


@dataclass(frozen=True)
class SampleSaaS:
    """Simulated subscriptions (``end`` null while active) and the true sBG parameters."""

    subscriptions: pl.DataFrame
    truth: dict[str, Any]
    start: dt.date
    observation_end: dt.date
    notes: list[str] = field(default_factory=list)


def _ids(prefix: str, n: int, width: int) -> pl.Expr:
    return pl.lit(prefix) + pl.int_range(1, n + 1, eager=False).cast(pl.String).str.zfill(width)


def sample_shop(
    n_customers: int = 10_000,
    seed: int = 0,
    *,
    start: dt.date = dt.date(2024, 1, 1),
    months: int = 24,
    acquisition_months: int = 18,
    bgnbd: dict[str, float] | None = None,
    gamma_gamma: dict[str, float] | None = None,
    line_items: bool = False,
) -> SampleShop:
    """Simulate a shop of ``n_customers`` acquired over ``acquisition_months``, observed for
    ``months`` from ``start``. Deterministic for a seed.

    ``truth`` holds the BG/NBD parameters (per week) and Gamma-Gamma parameters, each channel's
    true mean value (expected revenue over two years from acquisition, from the customers'
    latent rates) and mean CAC, and each cross-sell pair's intended and realised delays.

    ``line_items=True`` writes the orders as a line-item log in the layout of the public
    online-retail invoice logs (``InvoiceNo, StockCode, Description, Quantity, InvoiceDate,
    UnitPrice, CustomerID, Country``): one line per product with a quantity and a unit price,
    customer ids as floats (``17850.0``), refunds as cancelled invoices (``C`` + the invoice
    number, negative quantity), and what such logs also hold: lines without a customer id,
    lines repeated exactly, free lines (unit price 0) and bad-debt adjustments (negative unit
    price). ``truth["line_items"]`` gives the revenue that must be read (kept lines, to the
    cent) and each kind of line that must be excluded, with its count and amount.
    """
    if n_customers < 1:
        raise ValueError("n_customers must be at least 1")
    if not 0 < acquisition_months <= months:
        raise ValueError("acquisition_months must be in (0, months]")
    bg = {**BGNBD, **(bgnbd or {})}
    gg = {**GAMMA_GAMMA, **(gamma_gamma or {})}
    rng = np.random.default_rng(seed)
    n = n_customers
    end = _add_months(start, months) - dt.timedelta(days=1)
    horizon_days = (end - start).days + 1
    acq_days = (_add_months(start, acquisition_months) - start).days

    lam = rng.gamma(bg["r"], 1.0 / bg["alpha"], n)  # per week
    p_drop = rng.beta(bg["a"], bg["b"], n)
    nu = rng.gamma(gg["q"], 1.0 / gg["gamma"], n)
    acquired = rng.uniform(0.0, acq_days, n)  # days after start
    t_obs = (horizon_days - acquired) / 7.0  # weeks observed

    # Channel selection by latent value (log of expected two-year revenue).
    value = _true_value(lam, p_drop, gg["p"] / nu, weeks=104.0)
    z = np.log(value)
    z = (z - z.mean()) / (z.std() or 1.0)
    shares = np.array([c[1] for c in CHANNELS])
    tilts = np.array([c[2] for c in CHANNELS])
    w = shares[None, :] * np.exp(tilts[None, :] * z[:, None])
    cum = np.cumsum(w / w.sum(axis=1, keepdims=True), axis=1)
    channel = (rng.uniform(size=(n, 1)) > cum).sum(axis=1).clip(max=len(CHANNELS) - 1)

    # Repeat purchases: the first min(N, J) arrivals of a Poisson process on (0, T], with
    # N ~ Poisson(lambda T) and J ~ Geometric(p) the purchase after which the customer drops out.
    n_arrivals = rng.poisson(lam * t_obs)
    dies_after = rng.geometric(p_drop)
    x = np.minimum(n_arrivals, dies_after)
    total = int(x.sum())
    owner = np.repeat(np.arange(n), x)
    # Given N arrivals on (0, T], the first x of them are T * S_k / (S_x + G) with S_k the
    # cumulative sums of standard exponentials and G ~ Gamma(N + 1 - x) (uniform order
    # statistics from exponential spacings).
    gaps = rng.exponential(size=total)
    csum = np.cumsum(gaps)
    last = np.cumsum(x)
    first = last - x
    buyers = x > 0
    offset = np.zeros(n)
    offset[buyers] = csum[first[buyers]] - gaps[first[buyers]]
    within = csum - np.repeat(offset, x)
    span = np.zeros(n)
    span[buyers] = within[last[buyers] - 1]
    rest = rng.gamma((n_arrivals - x + 1).astype(float))
    repeat_weeks = within * np.repeat(t_obs / (span + rest), x)

    # Each customer's first order, then the repeats in time order: already sorted by
    # (customer, time), so no sort is needed.
    per = 1 + x
    cust = np.repeat(np.arange(n), per)
    head = np.concatenate(([0], np.cumsum(per)[:-1]))
    is_repeat = np.ones(cust.size, dtype=bool)
    is_repeat[head] = False
    days = np.empty(cust.size)
    days[head] = acquired
    days[is_repeat] = acquired[owner] + repeat_weeks * 7.0
    # One order per customer and day: the models count a day's purchases as one transaction,
    # so an order falling on the day of the previous one moves to the next free day (timing
    # shifts by about a day for ~1% of orders; counts stay exact). day_k = k + max_{j<=k}
    # (floor(t_j) - j) within a customer, a segmented running maximum.
    position = np.arange(cust.size) - np.repeat(head, per)
    shift = float(horizon_days + cust.size + 1)
    running = np.maximum.accumulate(np.floor(days) - position + cust * shift) - cust * shift
    free_day = running + position
    days = free_day + (days - np.floor(days))
    inside = free_day < horizon_days
    cust, days = cust[inside], days[inside]
    values = rng.gamma(gg["p"], 1.0 / nu[cust])
    n_orders = cust.size
    # A time of day between 07:00 and 23:00 keeps the day a purchase falls on.
    clock = np.floor(days) + rng.uniform(7 / 24, 23 / 24, n_orders)

    product = rng.choice(len(PRODUCTS), size=n_orders, p=np.array(list(PRODUCTS.values())))
    names = list(PRODUCTS)
    add_on = np.full(n_orders, -1)
    delays: dict[str, dict[str, float]] = {}
    key = cust * float(horizon_days + 1000) + np.floor(days)
    for first, later, mean, sd, prob in CROSS_SELL:
        src = np.flatnonzero(product == names.index(first))
        wanted = np.clip(rng.normal(mean, sd, src.size), 1.0, None)
        lo = np.searchsorted(key, key[src] + np.maximum(wanted - CROSS_SELL_WINDOW, 1.0))
        ok = lo < n_orders
        lo_c = np.minimum(lo, n_orders - 1)
        ok &= (cust[lo_c] == cust[src]) & (days[lo_c] - days[src] <= wanted + CROSS_SELL_WINDOW)
        ok &= (add_on[lo_c] < 0) & (rng.uniform(size=src.size) < prob)
        target = lo_c[ok]
        add_on[target] = names.index(later)
        realised = np.floor(days[target]) - np.floor(days[src[ok]])
        delays[f"{first}->{later}"] = {
            "intended_mean_days": mean,
            "realised_median_days": float(np.median(realised)) if realised.size else float("nan"),
            "realised_q1_days": float(np.quantile(realised, 0.25)) if realised.size else np.nan,
            "realised_q3_days": float(np.quantile(realised, 0.75)) if realised.size else np.nan,
            "pairs": int(realised.size),
        }

    start_dt = np.datetime64(start, "us")
    stamp = start_dt + (clock * 86_400e6).astype("timedelta64[us]")
    has_add = add_on >= 0
    add_share = rng.uniform(0.15, 0.35, n_orders)
    main_amount = np.round(np.where(has_add, values * (1 - add_share), values), 2)
    add_amount = np.round(values * add_share, 2)
    qty = rng.integers(1, 4, n_orders)
    orders = pl.DataFrame({
        "order": np.arange(n_orders, dtype=np.int64),
        "cust": cust.astype(np.int64),
        "timestamp": stamp,
        "amount": main_amount,
        "product": product.astype(np.int64),
        "quantity": qty,
    })
    extra = orders.filter(pl.Series(has_add)).with_columns(
        pl.Series(add_amount[has_add]).alias("amount"),
        pl.Series(add_on[has_add].astype(np.int64)).alias("product"),
        pl.lit(1, dtype=pl.Int64).alias("quantity"),
    )
    refunds = _refunds(orders, np.round(values, 2), key, rng, end)
    lines = pl.concat([orders, extra, refunds], how="vertical")

    cust_ids = pl.select(_ids("C", n, 8).alias("id"))["id"]
    ch_names = pl.Series([c[0] for c in CHANNELS])
    cust_of_line = lines["cust"]
    transactions = pl.DataFrame({
        "order_id": lines["order"] + 1,
        "customer_id": cust_ids.gather(cust_of_line),
        "timestamp": lines["timestamp"],
        "amount": lines["amount"],
        "product": pl.Series(names).gather(lines["product"]),
        "channel": ch_names.gather(pl.Series(channel).gather(cust_of_line)),
        "quantity": lines["quantity"],
    })
    acquired_at = start_dt + (np.floor(acquired) * 86_400e6).astype("timedelta64[us]")
    customers = pl.DataFrame({
        "customer_id": cust_ids,
        "acquired_at": acquired_at.astype("datetime64[us]"),
        "channel": ch_names.gather(pl.Series(channel)),
        "true_rate_per_week": lam,
        "true_dropout_p": p_drop,
        "true_mean_order_value": gg["p"] / nu,
        "true_value_2y": value,
    }).with_columns(pl.col("acquired_at").dt.date())

    spend, cac = _spend(customers, rng)
    per_channel = customers.group_by("channel").agg(
        pl.len().alias("customers"), pl.col("true_value_2y").mean().alias("mean_true_value_2y"))
    truth = {
        "unit": "week",
        "bgnbd": bg,
        "gamma_gamma": gg,
        "channels": {r["channel"]: {"customers": r["customers"],
                                    "mean_true_value_2y": r["mean_true_value_2y"],
                                    "mean_cac": cac[r["channel"]]}
                     for r in per_channel.iter_rows(named=True)},
        "cross_sell": delays,
        "refund_rate": REFUND_RATE,
    }
    if line_items:
        transactions, truth["line_items"] = _line_items(transactions, rng)
        customers = customers.with_columns(
            pl.col("customer_id").str.slice(1).cast(pl.Int64).add(LINE_ITEM_ID_BASE)
            .cast(pl.String))
    return SampleShop(transactions, customers, spend, truth, start, end)


LINE_ITEM_ID_BASE = 10_000
"""Customer C00000001 is 10001.0 in a line-item log (ids written as floats, as exported)."""


def _line_items(tx: pl.DataFrame, rng: np.random.Generator
                ) -> tuple[pl.DataFrame, dict[str, Any]]:
    """The orders as an invoice line log (see :func:`sample_shop`), and what reading it must
    give. Amounts are in cents until the end, so that the truth is exact."""
    n = tx.height
    cust = tx["customer_id"].str.slice(1).cast(pl.Int64).to_numpy() + LINE_ITEM_ID_BASE
    cents = np.round(tx["amount"].to_numpy() * 100).astype(np.int64)
    qty = tx["quantity"].to_numpy().astype(np.int64)
    refund = cents < 0
    # a purchase line: its quantity at a unit price in cents (the line is worth qty x price);
    # a refund: a cancelled invoice of one unit at the refunded amount
    qty = np.where(refund, -1, qty)
    unit = np.where(refund, -cents, np.maximum(np.round(cents / np.maximum(qty, 1)), 1)
                    ).astype(np.int64)
    invoice = np.char.add(np.where(refund, "C", ""),
                          (tx["order_id"].to_numpy() + 536_000).astype(str))
    lines = pl.DataFrame({
        "InvoiceNo": invoice,
        "StockCode": tx["product"],
        "Description": tx["product"].str.to_uppercase(),
        "Quantity": qty,
        "InvoiceDate": tx["timestamp"],
        "unit_cents": unit,
        "CustomerID": cust.astype(np.float64),
        "Country": np.where(rng.uniform(size=n) < 0.9, "United Kingdom", "France"),
    })
    kept_cents = int((qty * unit).sum())
    # free lines (a gift in a paid order), lines of guests (no customer id), bad-debt
    # adjustments (negative unit price), lines repeated exactly
    k = max(1, n // 100)
    free = lines[rng.choice(n, k, replace=False)].with_columns(
        pl.lit("GIFT").alias("StockCode"), pl.lit("FREE GIFT").alias("Description"),
        pl.lit(1, dtype=pl.Int64).alias("Quantity"), pl.lit(0, dtype=pl.Int64).alias("unit_cents"))
    guests = lines[rng.choice(n, 2 * k, replace=False)].with_columns(
        (pl.lit("9") + pl.col("InvoiceNo").str.replace("^C", "")).alias("InvoiceNo"),
        pl.lit(1, dtype=pl.Int64).alias("Quantity"),
        pl.lit(None, dtype=pl.Float64).alias("CustomerID"))
    guest_cents = int(guests["unit_cents"].sum())
    adjust = lines[rng.choice(n, 2, replace=False)].with_columns(
        (pl.lit("A") + pl.col("InvoiceNo").str.replace("^C", "")).alias("InvoiceNo"),
        pl.lit("B").alias("StockCode"), pl.lit("Adjust bad debt").alias("Description"),
        pl.lit(1, dtype=pl.Int64).alias("Quantity"),
        pl.lit(-1_106_206, dtype=pl.Int64).alias("unit_cents"))
    adjust = adjust.with_columns(pl.Series("CustomerID", [None, adjust["CustomerID"][1]],
                                           dtype=pl.Float64))
    repeated = lines[rng.choice(n, k, replace=False)]
    repeated_cents = int((repeated["Quantity"] * repeated["unit_cents"]).sum())
    log = pl.concat([lines, free, guests, adjust, repeated]).sort("InvoiceDate",
                                                                  maintain_order=True)
    log = log.with_columns((pl.col("unit_cents") / 100).round(2).alias("UnitPrice")).select(
        "InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice",
        "CustomerID", "Country")
    truth = {
        "lines": log.height,
        "revenue": kept_cents / 100,
        "lines_kept": n,
        "refunds": int(refund.sum()),
        "refund_amount": int((qty * unit)[refund].sum()) / 100,
        "excluded": {
            # price reasons come first: a bad-debt adjustment names no customer
            "missing customer id": (2 * k, guest_cents / 100),
            "free line (unit price 0)": (k, 0.0),
            "negative unit price (an adjustment, such as bad debt)": (2, -22_124.12),
            "duplicated order line": (k, repeated_cents / 100),
        },
    }
    return log, truth


def _true_value(lam: np.ndarray, p: np.ndarray, mean_value: np.ndarray, weeks: float
                ) -> np.ndarray:
    """Expected revenue in ``weeks`` from acquisition: first order plus E[X(t)|lambda, p] =
    (1 - exp(-lambda p t)) / p repeat orders (Fader, Hardie & Lee 2005, eq. A1 conditional on
    the customer's latent rates), times the customer's mean order value."""
    return (1.0 - np.expm1(-lam * p * weeks) / p) * mean_value


def _refunds(orders: pl.DataFrame, values: np.ndarray, key: np.ndarray,
             rng: np.random.Generator, end: dt.date) -> pl.DataFrame:
    """Refunds of a share of orders, 3 to 30 days later, on a day with no order of that
    customer (so a refund never cancels another purchase) and before the observation end.

    ``key`` = customer * (days in the horizon + 1000) + day, sorted, one per order.
    """
    picked = np.flatnonzero(rng.uniform(size=orders.height) < REFUND_RATE)
    k = picked.size
    share = np.where(rng.uniform(size=k) < 0.6, 1.0, rng.uniform(0.2, 0.8, k))
    delay = rng.integers(3, 31, k).astype(float)
    for _ in range(2):  # move a refund that lands on a purchase day to the next day
        delay += _is_in_sorted(key, key[picked] + delay)
    free = ~_is_in_sorted(key, key[picked] + delay)
    out = orders[picked[free]].with_columns(
        pl.Series(-np.round(values[picked[free]] * share[free], 2)).alias("amount"),
        (pl.col("timestamp") + pl.duration(days=pl.Series(delay[free]))).alias("timestamp"),
    )
    return out.filter(pl.col("timestamp").dt.date() <= end)


def _is_in_sorted(sorted_keys: np.ndarray, values: np.ndarray) -> np.ndarray:
    idx = np.minimum(np.searchsorted(sorted_keys, values), sorted_keys.size - 1)
    return sorted_keys[idx] == values


def _spend(customers: pl.DataFrame, rng: np.random.Generator
           ) -> tuple[pl.DataFrame, dict[str, float]]:
    """Monthly spend and leads per channel: new customers x CAC and / conversion, with noise."""
    cac = {c[0]: c[3] for c in CHANNELS}
    conv = {c[0]: c[4] for c in CHANNELS}
    monthly = (
        customers.group_by("channel", pl.col("acquired_at").dt.truncate("1mo").alias("month"))
        .agg(pl.len().alias("new_customers"))
        .sort("channel", "month")
    )
    k = monthly.height
    noise = rng.lognormal(0.0, 0.15, k)
    lead_noise = rng.lognormal(0.0, 0.1, k)
    spend = monthly.with_columns(
        (pl.col("channel").replace_strict(cac, return_dtype=pl.Float64) * pl.col("new_customers")
         * pl.Series(noise)).round(2).alias("spend"),
        (pl.col("new_customers") / pl.col("channel").replace_strict(conv, return_dtype=pl.Float64)
         * pl.Series(lead_noise)).round(0).cast(pl.Int64).alias("leads"),
    ).select("channel", "month", "spend", "leads", "new_customers")
    return spend, cac


def sample_saas(
    n_customers: int = 5_000,
    seed: int = 0,
    *,
    start: dt.date = dt.date(2023, 1, 1),
    months: int = 36,
) -> SampleSaaS:
    """Simulate subscriptions started uniformly over ``months``; each plan's monthly churn
    probability theta ~ Beta(alpha, beta) per customer and the number of paid months is
    Geometric(theta) (the shifted-beta-geometric model). Deterministic for a seed."""
    if n_customers < 1:
        raise ValueError("n_customers must be at least 1")
    rng = np.random.default_rng(seed)
    names = list(PLANS)
    share = np.array([PLANS[p][3] for p in names])
    plan = rng.choice(len(names), size=n_customers, p=share / share.sum())
    alpha = np.array([PLANS[p][1] for p in names])[plan]
    beta = np.array([PLANS[p][2] for p in names])[plan]
    price = np.array([PLANS[p][0] for p in names])[plan]
    theta = rng.beta(alpha, beta)
    paid_months = rng.geometric(theta)
    start_month = rng.integers(0, months, n_customers)
    end_month = start_month + paid_months
    channel = rng.choice([c[0] for c in CHANNELS], size=n_customers)
    month0 = np.datetime64(start, "M")
    starts = (month0 + start_month).astype("datetime64[D]")
    ends = (month0 + end_month).astype("datetime64[D]")
    obs_end = _add_months(start, months)
    active = end_month >= months
    subs = pl.DataFrame({
        "customer_id": pl.select(_ids("S", n_customers, 7).alias("id"))["id"],
        "plan": pl.Series(names).gather(pl.Series(plan)),
        "channel": channel,
        "start": starts,
        "end": ends,
        "mrr": price,
    }).with_columns(
        pl.when(pl.Series(active)).then(None).otherwise(pl.col("end")).alias("end"))
    truth = {"unit": "month", "sbg": {p: {"alpha": PLANS[p][1], "beta": PLANS[p][2]}
                                      for p in names},
             "price": {p: PLANS[p][0] for p in names}}
    return SampleSaaS(subs, truth, start, obs_end)


def _add_months(day: dt.date, months: int) -> dt.date:
    m = day.month - 1 + months
    return dt.date(day.year + m // 12, m % 12 + 1, 1)


# --- reference data shipped with the package (src/clv/reference; source and licence in its
# README.md) -------------------------------------------------------------------------------------
REFERENCE_FILES = ("CDNOW_sample.txt", "CDNOW_master.txt", "donations.csv")
"""The reference files, as :func:`write_reference` writes them (the master is shipped gzipped)."""


def _reference_bytes(name: str) -> bytes:
    import gzip
    from importlib.resources import files

    if name not in REFERENCE_FILES:
        raise ValueError(f"no reference file {name!r}; there are {', '.join(REFERENCE_FILES)}")
    folder = files("clv") / "reference"
    if name == "CDNOW_master.txt":
        return gzip.decompress((folder / "CDNOW_master.txt.gz").read_bytes())
    return (folder / name).read_bytes()


def load_cdnow(sample: bool = True) -> pl.DataFrame:
    """The CDNOW purchases (Fader, Hardie & Lee 2005): every purchase of the customers whose
    first purchase was in Q1 1997, to 1998-06-30. ``sample=True``: the 1/10 sample of the
    published BG/NBD, Pareto/NBD and Gamma-Gamma results (2,357 customers, 6,919 rows);
    ``sample=False``: the master file (23,570 customers, 69,659 rows).

    Columns: ``customer_id`` (the master file's id, as text), ``date``, ``cds`` (number of
    CDs) and ``amount`` (dollars), one row per purchase line as published (several on one day
    are one transaction for the models, as the summary merges them)."""
    text = _reference_bytes("CDNOW_sample.txt" if sample else "CDNOW_master.txt").decode()
    rows = [line.split() for line in text.splitlines() if line.strip()]
    if rows and not rows[0][-1][:1].isdigit():  # the master file's header line
        rows = rows[1:]
    if sample:  # master_id sample_id date cds amount
        rows = [[r[0], r[2], r[3], r[4]] for r in rows]
    ids, days, cds, amounts = zip(*rows, strict=True)
    return pl.DataFrame({
        "customer_id": pl.Series(ids, dtype=pl.String),
        "date": pl.Series(days).str.to_date("%Y%m%d"),
        "cds": pl.Series(cds).cast(pl.Int64),
        "amount": pl.Series(amounts).cast(pl.Float64)})


def load_donations() -> pl.DataFrame:
    """The donations data of Fader, Hardie & Shang (2010): 11,104 first-time donors of 1995
    by their pattern of repeat donations 1996-2001, ``frequency, recency, periods, weights``
    (``weights`` donors with that pattern), the data of the published BG/BB estimates."""
    import io

    return pl.read_csv(io.BytesIO(_reference_bytes("donations.csv")))


def write_reference(folder: str | Path) -> Path:
    """Write the reference files (:data:`REFERENCE_FILES`, as published: text, the master
    uncompressed) into ``folder``, for tools that read files (the command line); returns the
    folder."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    for name in REFERENCE_FILES:
        (out / name).write_bytes(_reference_bytes(name))
    return out
