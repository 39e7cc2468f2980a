"""Customer lifetime value per customer from a purchase model and a spend model.

CLV_i = margin x sum_k [E_i(t_k) - E_i(t_{k-1})] (1 + d)^(-t_k / year) x E[spend_i]

where E_i(t) is the customer's expected number of purchases in (T, T + t] (conditional on their
history), the horizon is cut into monthly steps t_1 < ... < t_K (a purchase expected in step k
is discounted from its end, as is usual for monthly discounting; Fader, Hardie & Lee 2005,
"RFM and CLV", JMR 42(4), section on discounted expected transactions, computed here by
summing rather than by their closed form), d is the annual discount rate and E[spend_i] comes
from the Gamma-Gamma model (or a given average). Months are 30.4375 days and years 365.25 days.
Memory is linear in customers: only running sums are kept across steps.
"""

from __future__ import annotations

import math

import numpy as np
import polars as pl

from clv.errors import ClvError
from clv.models.base import Model
from clv.models.gamma_gamma import GammaGamma
from clv.prep.summary import Summary, convert


def customer_value(
    purchases: Model,
    summary: Summary,
    horizon: float,
    horizon_unit: str | None = None,
    *,
    spend: GammaGamma | float | None = None,
    margin: float = 1.0,
    discount_rate: float = 0.0,
) -> pl.DataFrame:
    """Expected purchases, P(alive), expected spend and CLV per customer over ``horizon``.

    ``purchases`` is a fitted BG/NBD, MBG/NBD or Pareto/NBD model; ``summary`` must be in the
    unit it was fitted in. ``horizon_unit`` (default: the model's unit) is converted
    explicitly. ``spend`` is a fitted Gamma-Gamma model or an average amount per purchase
    (default: revenue only, i.e. spend 1, giving discounted expected purchases).
    ``discount_rate`` is annual.
    """
    unit = purchases.unit_ or summary.unit
    purchases.check_unit(summary.unit, "the summary")
    if not 0 <= margin <= 1:
        raise ClvError(f"margin must be in [0, 1], not {margin}")
    if discount_rate < 0 or not math.isfinite(discount_rate):
        raise ClvError(f"discount_rate must be a yearly rate >= 0, not {discount_rate}")
    if horizon <= 0:
        raise ClvError(f"horizon must be positive, not {horizon}")
    span = convert(horizon, horizon_unit or unit, unit)
    f = summary.frame
    x, tx, t_cap = (f[c].cast(pl.Float64).to_numpy() for c in ("frequency", "recency", "T"))

    steps = max(1, math.ceil(convert(span, unit, "month") - 1e-9))
    previous = np.zeros(x.size)
    discounted = np.zeros(x.size)
    for k in range(1, steps + 1):
        t_k = span * k / steps
        current = purchases.expected_purchases(t_k, x, tx, t_cap)  # type: ignore[attr-defined]
        years = convert(t_k, unit, "year")
        discounted += (current - previous) * (1.0 + discount_rate) ** -years
        previous = current

    if isinstance(spend, GammaGamma):
        per_purchase = spend.expected_spend(x, f["monetary"].to_numpy())
    elif spend is None:
        per_purchase = np.ones(x.size)
    else:
        per_purchase = np.full(x.size, float(spend))
    return pl.DataFrame({
        "customer_id": f["customer_id"],
        "p_alive": purchases.p_alive(x, tx, t_cap),  # type: ignore[attr-defined]
        "expected_purchases": previous,
        "discounted_purchases": discounted,
        "expected_spend": per_purchase,
        "clv": margin * discounted * per_purchase,
    })
