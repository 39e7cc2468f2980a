"""When to propose the next product, and when each customer will buy again.

Cross-sell windows come from product sequences: for products A and B, among the customers who
bought A, the share whose first purchase of B came strictly after their first purchase of A
(``share``), its ``lift`` over B's base rate (the share of all customers who ever bought B),
and the delay from the first A to that first B (median and interquartile range, in days),
read as a recommendation: 'propose B 70-110 days after A' (the interquartile range).

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


def cross_sell(transactions: Any, *, product: str = "product", min_customers: int = 30,
               min_lift: float = 1.0) -> pl.DataFrame:
    """Cross-sell pairs (A bought, later B) with ``customers_a``, ``customers_then_b``,
    ``share``, ``base_rate_b``, ``lift``, the delay's ``median_days``, ``q1_days``,
    ``q3_days`` and a ``recommendation``; pairs with at least ``min_customers`` customers
    buying B after A and a lift of at least ``min_lift``, by decreasing lift x share.
    Refund lines (amount <= 0) are not purchases."""
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
    pairs = (firsts.lazy().join(firsts.lazy(), on="customer_id", suffix="_b")
             .filter(pl.col("day_b") > pl.col("day"))
             .with_columns((pl.col("day_b") - pl.col("day")).dt.total_days().alias("delay"))
             .group_by(pl.col("product").alias("product_a"), "product_b")
             .agg(pl.len().alias("customers_then_b"),
                  pl.col("delay").median().alias("median_days"),
                  pl.col("delay").quantile(0.25, "linear").alias("q1_days"),
                  pl.col("delay").quantile(0.75, "linear").alias("q3_days"))
             .collect())
    out = (pairs.join(buyers.rename({"product": "product_a", "customers": "customers_a"}),
                      on="product_a")
           .join(buyers.rename({"product": "product_b", "customers": "buyers_b"}),
                 on="product_b")
           .with_columns((pl.col("customers_then_b") / pl.col("customers_a")).alias("share"),
                         (pl.col("buyers_b") / n_customers).alias("base_rate_b"))
           .with_columns((pl.col("share") / pl.col("base_rate_b")).alias("lift"))
           .filter((pl.col("customers_then_b") >= min_customers)
                   & (pl.col("lift") >= min_lift))
           .sort(pl.col("lift") * pl.col("share"), descending=True))
    return out.with_columns(pl.format(
        "propose {} {}-{} days after {} ({}% of its buyers then buy it, {}x the base rate)",
        "product_b", pl.col("q1_days").round(0).cast(pl.Int64),
        pl.col("q3_days").round(0).cast(pl.Int64), "product_a",
        (100 * pl.col("share")).round(0).cast(pl.Int64), pl.col("lift").round(1),
    ).alias("recommendation")).select(
        "product_a", "product_b", "customers_a", "customers_then_b", "share", "base_rate_b",
        "lift", "median_days", "q1_days", "q3_days", "recommendation")


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

