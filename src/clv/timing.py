"""When to propose the next product, and when each customer will buy again.

Cross-sell windows come from product sequences: for products A and B, among the customers who
bought A, the share whose first purchase of B came strictly after their first purchase of A
(``share``), its ``lift`` over B's base rate (the share of all customers who ever bought B),
and the delay from the first A to that first B (median and interquartile range, in days),
read as a recommendation: 'propose B 70-110 days after A' (the interquartile range). The
pairs are never materialised at once: each customer's (product, first day) rows sorted by day
give the B of each A as a range of rows, walked in chunks (``PAIRS_PER_CHUNK``).

Next purchase per customer, from a fitted purchase model: P(alive), the probability of at
least one purchase in the next ``days`` (P(alive) x P(a purchase in t | alive), see each
model's ``purchase_if_alive``), and the expected date of the next purchase if the customer is
still active: the observation end + E[1/lambda | x, T] = (alpha + T)/(r + x - 1) units (the
mean waiting time of a Poisson process under the Gamma(r+x, alpha+T) posterior of its rate;
undefined, and left null, when r + x <= 1).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from clv.data.transactions import Transactions
from clv.errors import ClvError, DataError
from clv.models.base import PurchaseModel
from clv.prep.summary import UNIT_DAYS, Summary, convert


def has_products(transactions: Transactions | pl.DataFrame, product: str = "product") -> bool:
    """Whether ``transactions`` hold a purchase (amount > 0) with a ``product``: what
    :func:`cross_sell` builds its windows from (it refuses transactions without one)."""
    frame = transactions.frame if isinstance(transactions, Transactions) else transactions
    if product not in frame.columns or "amount" not in frame.columns:
        return False
    return bool(frame.select(((pl.col("amount") > 0) & pl.col(product).is_not_null()).any())
                .item())


def cross_sell(transactions: Any, *, product: str = "product", min_customers: int = 30,
               min_lift: float = 1.0) -> pl.DataFrame:
    """Cross-sell pairs (A bought, later B) with ``customers_a``, ``customers_then_b``,
    ``share``, ``base_rate_b``, ``lift``, the delay's ``median_days``, ``q1_days``,
    ``q3_days`` and a ``recommendation``; pairs with at least ``min_customers`` customers
    buying B after A and a lift of at least ``min_lift``, by decreasing lift x share (then by
    the products' names). Refund lines (amount <= 0) are not purchases. The pairs are built
    per customer in bounded chunks (``_pairs``), so memory does not grow with the square of
    the largest basket."""
    frame = transactions.frame if isinstance(transactions, Transactions) else transactions
    if not isinstance(frame, pl.DataFrame):
        raise ClvError("cross_sell takes Transactions or a Polars frame")
    missing = [c for c in ("customer_id", "timestamp", "amount", product)
               if c not in frame.columns]
    if missing:
        raise DataError(f"missing column(s) {', '.join(missing)} for cross-sell windows",
                        source="transactions")
    firsts = (frame.lazy().filter((pl.col("amount") > 0) & pl.col(product).is_not_null())
              .group_by("customer_id", pl.col(product).cast(pl.String).alias("product"))
              .agg(pl.col("timestamp").min().dt.date().alias("day"))
              .collect())
    n_customers = firsts["customer_id"].n_unique()
    if n_customers == 0:
        raise DataError("no purchase with a product to build cross-sell windows from",
                        source="transactions")
    buyers = firsts.group_by("product").agg(pl.len().alias("customers"))
    pairs = _pairs(firsts, buyers, n_customers, min_customers, min_lift)
    out = (pairs.join(buyers.rename({"product": "product_a", "customers": "customers_a"}),
                      on="product_a")
           .join(buyers.rename({"product": "product_b", "customers": "buyers_b"}),
                 on="product_b")
           .with_columns((pl.col("customers_then_b") / pl.col("customers_a")).alias("share"),
                         (pl.col("buyers_b") / n_customers).alias("base_rate_b"))
           .with_columns((pl.col("share") / pl.col("base_rate_b")).alias("lift"))
           .filter((pl.col("customers_then_b") >= min_customers)
                   & (pl.col("lift") >= min_lift))
           .sort(pl.col("lift") * pl.col("share"), "product_a", "product_b",
                 descending=[True, False, False]))
    return out.with_columns(pl.format(
        "propose {} {}-{} days after {} ({}% of its buyers then buy it, {}x the base rate)",
        "product_b", pl.col("q1_days").round(0).cast(pl.Int64),
        pl.col("q3_days").round(0).cast(pl.Int64), "product_a",
        (100 * pl.col("share")).round(0).cast(pl.Int64), pl.col("lift").round(1),
    ).alias("recommendation")).select(
        "product_a", "product_b", "customers_a", "customers_then_b", "share", "base_rate_b",
        "lift", "median_days", "q1_days", "q3_days", "recommendation")


PAIRS_PER_CHUNK = 1 << 21
"""Pairs (a customer's product A, a product B first bought later) generated at once: the
working memory of the cross-sell windows is bounded by this, not by the largest basket."""
QUARTILES = (("q1_days", 0.25), ("median_days", 0.5), ("q3_days", 0.75))


def _pairs(firsts: pl.DataFrame, buyers: pl.DataFrame, n_customers: int, min_customers: int,
           min_lift: float) -> pl.DataFrame:
    """Per pair (A, B) of products with at least ``min_customers`` customers whose first B
    came strictly after their first A and (about) ``min_lift``: ``customers_then_b`` and the
    quartiles of those delays in days, as Polars' linear quantiles.

    Each customer's (product, first day) rows sorted by day make the B of an A a contiguous
    range of rows (the customer's later days), so pairs are generated in chunks of at most
    ``PAIRS_PER_CHUNK``, never as a self-join of whole baskets: a first pass counts customers
    per pair, a second tallies the delays of the pairs kept per (pair, day) and the quartiles
    are read from the tallies."""
    # a product bought by fewer than min_customers customers is in no pair shown
    buyers = buyers.filter(pl.col("customers") >= min_customers).sort("product")
    n_products = buyers.height
    customer = pl.col("customer_id")
    rows = (firsts.lazy().join(buyers.lazy().with_row_index("p").select("product", "p"),
                               on="product")
            .sort("customer_id", "day")
            .select((customer != customer.shift()).fill_null(True).cum_sum().cast(pl.Int64)
                    .alias("c"),  # a number per customer, increasing with the rows
                    pl.col("day").cast(pl.Int64).alias("d"), pl.col("p").cast(pl.Int64))
            .collect())
    if rows.height == 0:
        return _pair_frame(buyers["product"], np.empty(0, np.int64), n_products)
    c, d, p = (rows[k].to_numpy() for k in ("c", "d", "p"))
    width = int(d.max() - d.min()) + 1  # above every delay
    key = c * width + (d - d.min())
    start = np.searchsorted(key, key, side="right")  # the customer's first later day
    count = np.searchsorted(c, c, side="right") - start

    def chunks() -> Any:
        """(A rows, B rows) of every pair, a chunk at a time."""
        done = np.cumsum(count)
        lo = 0
        while lo < count.size:
            before = int(done[lo - 1]) if lo else 0
            hi = max(lo + 1, int(np.searchsorted(done, before + PAIRS_PER_CHUNK, "right")))
            n = count[lo:hi]
            total = int(done[hi - 1]) - before
            if total:
                yield (np.repeat(np.arange(lo, hi), n),
                       np.repeat(start[lo:hi] - (np.cumsum(n) - n), n) + np.arange(total))
            lo = hi

    pair, n = _tally((p[a] * n_products + p[b] for a, b in chunks()), n_products ** 2)
    bought = buyers["customers"].to_numpy().astype(np.float64)
    lift = n / bought[pair // n_products] / (bought[pair % n_products] / n_customers)
    kept = pair[(n >= min_customers) & (lift >= min_lift - 1e-9 * abs(min_lift))]
    if kept.size == 0:
        return _pair_frame(buyers["product"], kept, n_products)

    def delays() -> Any:
        for a, b in chunks():
            pairs = p[a] * n_products + p[b]
            at = np.minimum(np.searchsorted(kept, pairs), kept.size - 1)
            hit = kept[at] == pairs
            yield at[hit] * width + (d[b[hit]] - d[a[hit]])

    tally, times = _tally(delays(), kept.size * width)
    which, delay = np.divmod(tally, width)
    upto = np.cumsum(times)
    first = np.searchsorted(which, np.arange(kept.size))
    base, total = (upto - times)[first], np.bincount(which, times, kept.size).astype(np.int64)

    def at_rank(rank: np.ndarray) -> np.ndarray:
        return delay[np.searchsorted(upto, base + rank, side="right")].astype(np.float64)

    quartiles = {}
    for name, q in QUARTILES:  # linear interpolation between the ranks around (n-1) q
        index = (total - 1) * q
        lower = np.floor(index).astype(np.int64)
        low, high = at_rank(lower), at_rank(np.minimum(lower + 1, total - 1))
        quartiles[name] = low + (index - lower) * (high - low)
    return _pair_frame(buyers["product"], kept, n_products, total, quartiles)


def _pair_frame(names: pl.Series, pairs: np.ndarray, n_products: int,
                customers: np.ndarray | None = None,
                quartiles: dict[str, np.ndarray] | None = None) -> pl.DataFrame:
    """The pairs (codes A x n_products + B of ``names``) with their customers and quartiles."""
    empty = np.empty(0)
    return pl.DataFrame({
        "product_a": names.gather(pairs // n_products), "product_b": names.gather(
            pairs % n_products),
        "customers_then_b": pl.Series(empty if customers is None else customers,
                                      dtype=pl.UInt32),
        **{k: pl.Series(quartiles[k] if quartiles else empty, dtype=pl.Float64)
           for k, _ in QUARTILES}})


DENSE_KEYS = 1 << 22
"""Largest number of possible keys tallied in a dense array (32 MB) rather than sorted."""


def _tally(chunks: Any, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Distinct integer keys (in [0, ``size``)) over chunks of keys, sorted, and their
    occurrences: counted in a dense array when ``size`` is small, else each chunk's counts
    merged into running sorted arrays (memory: the distinct keys, not the keys)."""
    if size <= DENSE_KEYS:
        dense = np.zeros(size, np.int64)
        for chunk in chunks:
            dense += np.bincount(chunk, minlength=size)
        keys = np.flatnonzero(dense)
        return keys, dense[keys]
    keys, counts = np.empty(0, np.int64), np.empty(0, np.int64)
    for chunk in chunks:
        new, times = np.unique(chunk, return_counts=True)
        at = np.searchsorted(keys, new)
        seen = at < keys.size
        seen[seen] = keys[at[seen]] == new[seen]
        counts[at[seen]] += times[seen]
        keys = np.insert(keys, at[~seen], new[~seen])
        counts = np.insert(counts, at[~seen], times[~seen])
    return keys, counts


def next_purchase(purchases: PurchaseModel, summary: Summary, days: float = 30.0
                  ) -> pl.DataFrame:
    """Per customer: ``p_alive``, ``p_purchase_{days}d`` (at least one purchase in the next
    ``days`` days) and ``expected_next_purchase`` (a date, null when undefined), from a model
    fitted in the summary's unit (see the module docstring)."""
    purchases.check_unit(summary.unit, "the summary")
    if days <= 0:
        raise ClvError(f"days must be positive, not {days}")
    f = summary.frame
    x, tx, t_cap = (f[c].cast(pl.Float64).to_numpy() for c in ("frequency", "recency", "T"))
    alive = purchases.p_alive(x, tx, t_cap)
    t = convert(days, "day", summary.unit)
    buy = alive * purchases.purchase_if_alive(t, x, t_cap)
    r, alpha = purchases.params_["r"], purchases.params_["alpha"]
    shape = r + x
    finite = shape > 1  # else E[1/lambda] is infinite
    wait = np.where(finite, (alpha + t_cap) / np.where(finite, shape - 1, 1.0), np.nan)
    end = summary.calibration_end or summary.observation_end
    wait_days = wait * UNIT_DAYS[summary.unit]
    return pl.DataFrame({
        "customer_id": f["customer_id"], "p_alive": alive,
        f"p_purchase_{days:g}d": buy,
        "expected_wait_days": pl.Series(wait_days).fill_nan(None),
    }).with_columns((pl.lit(end) + pl.duration(days=pl.col("expected_wait_days").round(0)))
                    .cast(pl.Date).alias("expected_next_purchase"))

