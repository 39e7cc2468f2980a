"""Closed-form lifetime-value formulas of each business model, LTV:CAC and CAC payback.

Pure functions of numbers: they check their inputs and raise ``ValueError`` with the name of
the offending argument. Money is in any one currency; times are in the units each function
names. "Margin" is the gross margin rate in [0, 1] (1 = revenue-based LTV).
"""

from __future__ import annotations

import math
from dataclasses import dataclass


def _non_negative(**values: float) -> None:
    for name, v in values.items():
        if not isinstance(v, int | float) or math.isnan(v) or v < 0:
            raise ValueError(f"{name} must be a number >= 0, not {v!r}")


def _rate(name: str, v: float, *, low_open: bool = False, high_open: bool = False) -> None:
    if not isinstance(v, int | float) or math.isnan(v):
        raise ValueError(f"{name} must be a number, not {v!r}")
    if (v <= 0 if low_open else v < 0) or (v >= 1 if high_open else v > 1):
        lo = "(0" if low_open else "[0"
        hi = "1)" if high_open else "1]"
        raise ValueError(f"{name} must be in {lo}, {hi}, not {v!r}")


def service_ltv(yearly_revenue: float, years_retained: float, margin: float = 1.0) -> float:
    """Service business: LTV = yearly revenue per customer x margin x years retained.

    Example: a hairdresser's client spending 600 a year at 60% margin for 5 years -> 1,800.
    """
    _non_negative(yearly_revenue=yearly_revenue, years_retained=years_retained)
    _rate("margin", margin)
    return yearly_revenue * margin * years_retained


def ecommerce_ltv(
    average_basket: float, purchases: float, margin: float = 1.0, shipping: float = 0.0
) -> float:
    """E-commerce: LTV = (average basket - shipping) x margin x number of purchases.

    ``average_basket`` is per order; ``shipping`` is the part of it that is shipping (0 when the
    basket is already without shipping), since shipping passed through is not margin.
    """
    _non_negative(average_basket=average_basket, purchases=purchases, shipping=shipping)
    _rate("margin", margin)
    if shipping > average_basket:
        raise ValueError("shipping cannot exceed average_basket")
    return (average_basket - shipping) * margin * purchases


def saas_ltv_churn(mrr: float, monthly_churn: float, margin: float = 1.0) -> float:
    """SaaS by churn: LTV = MRR (ARPA) x margin / monthly churn rate.

    The expected lifetime of a customer who churns with constant probability c each month is
    1 / c months (geometric). Example: ARPA 100 with 5% monthly churn -> 2,000.
    """
    _non_negative(mrr=mrr)
    _rate("monthly_churn", monthly_churn, low_open=True)
    _rate("margin", margin)
    return mrr * margin / monthly_churn


def saas_ltv_lifetime(mrr: float, months_retained: float, margin: float = 1.0) -> float:
    """SaaS by lifetime: LTV = MRR (ARPA) x margin x months retained."""
    _non_negative(mrr=mrr, months_retained=months_retained)
    _rate("margin", margin)
    return mrr * margin * months_retained


def generic_ltv(
    average_purchase_value: float,
    purchase_frequency: float,
    lifespan: float,
    margin: float = 1.0,
) -> float:
    """Generic: LTV = average purchase value x purchase frequency x lifespan x margin.

    ``purchase_frequency`` is purchases per unit of time and ``lifespan`` is in the same unit.
    Example: a cafe regular paying 3 EUR, 5 times a week for 52 weeks a year (260 a year), for
    2 years -> 3 x 260 x 2 = 1,560 EUR.
    """
    _non_negative(average_purchase_value=average_purchase_value,
                  purchase_frequency=purchase_frequency, lifespan=lifespan)
    _rate("margin", margin)
    return average_purchase_value * purchase_frequency * lifespan * margin


def discounted_ltv(
    margin_per_period: float,
    retention_rate: float,
    discount_rate: float,
    periods: int | None = None,
) -> float:
    """LTV with geometric retention and discounting.

    LTV = sum_{t=0}^{n-1} m (r / (1 + d))^t, the margin m of each period received at its start,
    a customer still there after t periods with probability r^t, money discounted at rate d per
    period. Without a horizon (n = infinity) this is m (1 + d) / (1 + d - r) (Gupta & Lehmann
    2003, "Customers as assets", Journal of Interactive Marketing 17(1), eq. 3).
    """
    _non_negative(margin_per_period=margin_per_period, discount_rate=discount_rate)
    _rate("retention_rate", retention_rate, high_open=periods is None)
    q = retention_rate / (1.0 + discount_rate)
    if periods is None:
        return margin_per_period / (1.0 - q)
    if not isinstance(periods, int) or periods < 0:
        raise ValueError(f"periods must be a whole number >= 0, not {periods!r}")
    if q == 1.0:
        return margin_per_period * periods
    return margin_per_period * (1.0 - q**periods) / (1.0 - q)


@dataclass(frozen=True)
class RatioVerdict:
    """LTV:CAC ratio with a plain-words verdict."""

    ratio: float
    level: str  # "loses money" | "thin" | "healthy" | "under-investing?"
    advice: str

    def __str__(self) -> str:
        return f"{self.ratio:.2f}x: {self.advice}"


def ltv_cac_ratio(ltv: float, cac: float) -> RatioVerdict:
    """LTV:CAC with a verdict: below 1 each customer loses money; 1 to 3 the margin is thin;
    3 or more is healthy; above 5, growth is possibly under-funded (more could be spent on
    acquisition at a still-healthy ratio)."""
    _non_negative(ltv=ltv)
    _rate_positive("cac", cac)
    r = ltv / cac
    if r < 1:
        return RatioVerdict(r, "loses money", "loses money: each customer costs more to acquire "
                            "than they bring in")
    if r < 3:
        return RatioVerdict(r, "thin", "thin: positive but below the 3x usually needed to cover "
                            "overheads and risk")
    if r <= 5:
        return RatioVerdict(r, "healthy", "healthy (3x or more)")
    return RatioVerdict(r, "under-investing?", "healthy, and well above 5x: possibly "
                        "under-investing in growth; acquisition could be scaled up")


def _rate_positive(name: str, v: float) -> None:
    if not isinstance(v, int | float) or math.isnan(v) or v <= 0:
        raise ValueError(f"{name} must be a number > 0, not {v!r}")


def max_cac(ltv: float, target_ratio: float = 3.0) -> float:
    """Largest CAC keeping LTV:CAC at ``target_ratio`` or above: LTV / target ratio."""
    _non_negative(ltv=ltv)
    _rate_positive("target_ratio", target_ratio)
    return ltv / target_ratio


def cac_payback_months(
    cac: float, monthly_revenue: float, margin: float = 1.0, monthly_churn: float = 0.0
) -> float:
    """Months until the cumulative margin of an acquired customer repays the CAC.

    Without churn: CAC / (monthly revenue x margin). With monthly churn c, the expected margin
    after n months is m (1 - (1 - c)^n) / c, so n = ln(1 - CAC c / m) / ln(1 - c); it is
    infinite when CAC >= m / c (the customer's whole expected margin never repays it).
    """
    _non_negative(cac=cac, monthly_revenue=monthly_revenue)
    _rate("margin", margin)
    _rate("monthly_churn", monthly_churn, high_open=True)
    m = monthly_revenue * margin
    if cac == 0:
        return 0.0
    if m == 0:
        return math.inf
    if monthly_churn == 0:
        return cac / m
    share = cac * monthly_churn / m
    if share >= 1:
        return math.inf
    return math.log1p(-share) / math.log1p(-monthly_churn)
