"""What-if levers on the fitted models and on the formulas.

A lever is a relative change from now on (``retention=0.05`` is +5%):

- ``retention``: customers stay longer: Pareto/NBD's dropout rate divided by 1 + k (expected
  lifetime x (1 + k)); BG/NBD's and MBG/NBD's expected number of purchases before dropping
  out x (1 + k) (see ``expected_if_alive_levers``). Who is alive today does not change;
- ``frequency``: every customer buys 1 + k times as often;
- ``basket``: spend per purchase x (1 + k);
- ``margin``: margin x (1 + k) (capped at 100%);
- ``discount_rate``: the yearly discount rate x (1 + k);
- ``cac``: acquisition cost x (1 + k) (new-customer figures only).

Each change lies above -100% (a lever at -100% would remove what it scales: no lifetime, no
purchase, no basket) and at most +1,000% (``MAX_CHANGE``: eleven times the lifetime, the
purchase rate or the basket is already beyond any plan; a change of 1e308 made the models'
closed forms overflow into NaN). Within these bounds every figure is finite.

Effects are given for the existing base (each customer's future value over the horizon, the
total, the change) and for a new customer over the remaining lifetime: the model's value of a
customer just acquired (margin on the first purchase + the discounted expected margin of their
repeat purchases, x = t_x = T = 0) and, when the analysis measured the LTV of a new customer
(``new_customer_ltv``, ``clv.measures``: the mean lifetime value of recently acquired
customers), that figure moved by the same relative change, so that the what-if's base LTV:CAC
is the analysis's; LTV:CAC and its verdict, payback (the month the cumulative discounted
margin reaches the CAC, within :data:`MAX_HORIZON_MONTHS`). A
sensitivity table ranks the levers by the change of the base's value per 1% of change.
``break_even`` finds how much of one lever offsets a change of others. ``formula_what_if``
applies the same levers to the generic formula LTV = basket x frequency x lifespan x margin
(retention lengthens the lifespan), for comparison with the models.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import asdict, dataclass, replace
from typing import Any

import numpy as np
import polars as pl
from scipy import optimize

from clv.errors import ClvError
from clv.formulas import generic_ltv, ltv_cac_ratio
from clv.models.base import PurchaseModel
from clv.models.gamma_gamma import GammaGamma
from clv.prep.summary import MAX_HORIZON_MONTHS, Summary, convert
from clv.value import (
    DISCOUNT_RATE,
    GAUSS_NODES,
    GAUSS_WEIGHTS,
    LIFETIME,
    _distinct_pairs,
    _expected,
    _setup,
    _spend,
    discount_per_unit,
    horizon_span,
    quadrature,
)

LEVERS = ("retention", "frequency", "basket", "margin", "discount_rate", "cac")
MAX_CHANGE = 10.0
"""The largest change of a lever, +1,000% (see the module docstring)."""


@dataclass(frozen=True)
class Levers:
    """Relative changes (0.05 = +5%) applied from now on; see the module docstring."""

    retention: float = 0.0
    frequency: float = 0.0
    basket: float = 0.0
    margin: float = 0.0
    discount_rate: float = 0.0
    cac: float = 0.0

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            if isinstance(value, bool) or not isinstance(value, numbers.Real) \
                    or not -1 < value <= MAX_CHANGE:
                shown = f"{value:+.4g}" if isinstance(value, numbers.Real) else repr(value)
                raise ClvError(f"lever {name} must be a change above -100% and at most "
                               f"+{MAX_CHANGE:,.0%} (as a fraction: 0.05 is +5%), not {shown}")


@dataclass(frozen=True)
class Scenario:
    """The base and changed figures of a what-if.

    ``customers``: customer_id, clv (base), clv_scenario, change. ``base``: totals and the new
    customer's figures under the fitted model; ``scenario``: the same with the levers.
    """

    levers: Levers
    customers: pl.DataFrame
    base: dict[str, Any]
    scenario: dict[str, Any]
    horizon: str


@dataclass(frozen=True)
class _Inputs:
    purchases: PurchaseModel
    summary: Summary
    horizon: float
    horizon_unit: str | None
    spend: GammaGamma | float | None
    margin: float
    discount_rate: float
    cac: float | None
    first_purchase: float
    pairs: tuple[np.ndarray, np.ndarray, np.ndarray | None]  # distinct (x, T) of the summary
    anchor: float | None = None  # the measured LTV of a new customer, if any
    model_base: float = math.nan  # the model's new-customer value without levers


def _values(inp: _Inputs, levers: Levers) -> tuple[np.ndarray, dict[str, Any]]:
    """Each customer's CLV and the new customer's figures under ``levers``."""
    margin = min(1.0, inp.margin * (1 + levers.margin))
    rate = inp.discount_rate * (1 + levers.discount_rate)
    s = _setup(inp.purchases, inp.summary, inp.horizon, inp.horizon_unit, margin, rate)
    every = slice(None)
    lifetime, frequency = 1 + levers.retention, 1 + levers.frequency
    spend = _spend(inp.spend, s, every) * (1 + levers.basket)
    _, _, discounted = _expected(inp.purchases, s, every, frequency, lifetime, inp.pairs)
    clv = margin * discounted * spend
    model_ltv, cumulative = _new_customer(inp, levers, margin, rate, inp.cac is not None)
    # the measured LTV of a new customer, moved by the model's relative change
    scale = (inp.anchor / inp.model_base if inp.anchor is not None
             and math.isfinite(inp.anchor) and inp.model_base > 0 else 1.0)
    ltv = model_ltv * scale
    cumulative = cumulative * scale
    out: dict[str, Any] = {"total_clv": float(clv.sum()), "mean_clv": float(clv.mean()),
                           "new_customer_ltv": ltv, "margin": margin, "discount_rate": rate}
    if inp.cac is not None:
        cac = inp.cac * (1 + levers.cac)
        verdict = ltv_cac_ratio(max(ltv, 0.0), cac)
        paid = np.flatnonzero(cumulative >= cac)
        out.update(cac=cac, ltv_cac=verdict.ratio, verdict=verdict.level,
                   payback_months=int(paid[0]) + 1 if paid.size else None,
                   profit_per_new_customer=ltv - cac)
    return clv, out


def _new_customer(inp: _Inputs, levers: Levers, margin: float, rate: float,
                  monthly: bool = False) -> tuple[float, np.ndarray]:
    """The model's value of a customer just acquired (alive, x = t_x = T = 0) over the
    remaining lifetime, and (``monthly``) its cumulative value at the end of each month of
    life up to :data:`MAX_HORIZON_MONTHS` (for the payback), both discounted continuously as
    ``clv.value`` does."""
    unit = inp.purchases.unit_ or inp.summary.unit
    delta = discount_per_unit(rate, unit)
    span, _ = horizon_span(LIFETIME, None, unit, delta)
    lifetime, frequency = 1 + levers.retention, 1 + levers.frequency

    def expected(t: np.ndarray) -> np.ndarray:
        return inp.purchases.expected_if_alive_levers(t, np.zeros_like(t), np.zeros_like(t),
                                                      frequency, lifetime)

    points, coef = quadrature(span, delta, convert(1.0, "day", unit))
    repeat = float(coef @ expected(points))
    per_purchase = _mean_spend(inp) * (1 + levers.basket)
    first = inp.first_purchase * (1 + levers.basket)
    ltv = margin * (first + per_purchase * repeat)
    if not monthly:
        return ltv, np.empty(0)
    # month ends t_m: e^(-delta t_m) E(t_m) + delta x the running integral of e^(-delta t) E
    month = convert(1.0, "month", unit)
    ends = month * np.arange(1, MAX_HORIZON_MONTHS + 1)
    nodes = (ends[:, None] - month / 2 + month / 2 * GAUSS_NODES[None, :]).ravel()
    inner = (month / 2 * GAUSS_WEIGHTS[None, :] * np.exp(-delta * nodes).reshape(
        ends.size, -1) * expected(nodes).reshape(ends.size, -1)).sum(axis=1)
    curve = np.exp(-delta * ends) * expected(ends) + delta * np.cumsum(inner)
    return ltv, margin * (first + per_purchase * curve)


def _mean_spend(inp: _Inputs) -> float:
    if isinstance(inp.spend, GammaGamma):
        p, q, g = (inp.spend.params_[k] for k in ("p", "q", "gamma"))
        return p * g / (q - 1) if q > 1 else math.nan
    if inp.spend is None:
        return 1.0
    return float(inp.spend)


def _inputs(purchases: PurchaseModel, summary: Summary, horizon: float,
            horizon_unit: str | None, spend: GammaGamma | float | None, margin: float,
            discount_rate: float, cac: float | None, first_purchase: float | None,
            new_customer_ltv: float | None = None) -> _Inputs:
    if first_purchase is None:  # the mean amount of a customer's first purchase day
        f = summary.frame
        if "total_amount" in f.columns and "n_periods" in f.columns:
            first = f.select((pl.col("total_amount") - pl.col("frequency")
                              * pl.col("monetary")).clip(0).mean()).item()
            first_purchase = float(first or 0.0)
        else:
            first_purchase = 0.0
    if cac is not None and cac <= 0:
        raise ClvError(f"cac must be positive, not {cac}")
    f = summary.frame
    pairs = _distinct_pairs(f["frequency"].cast(pl.Float64).to_numpy(),
                            f["T"].cast(pl.Float64).to_numpy())
    inp = _Inputs(purchases, summary, horizon, horizon_unit, spend, margin, discount_rate,
                  cac, first_purchase, pairs)
    if new_customer_ltv is None:
        return inp
    model_base = _new_customer(inp, Levers(), margin, discount_rate)[0]
    return replace(inp, anchor=new_customer_ltv, model_base=model_base)


def what_if(purchases: PurchaseModel, summary: Summary, horizon: float,
            horizon_unit: str | None = None, *, levers: Levers, spend: GammaGamma | float |
            None = None, margin: float = 1.0, discount_rate: float = DISCOUNT_RATE,
            cac: float | None = None, first_purchase: float | None = None,
            new_customer_ltv: float | None = None) -> Scenario:
    """The base's value over ``horizon`` and a new customer's over the lifetime, with and
    without ``levers``.

    ``cac`` (per new customer) adds LTV:CAC, its verdict, payback and profit per new
    customer; ``first_purchase`` is the new customer's first purchase amount (default: the
    mean first-day revenue of the summary's customers); ``new_customer_ltv``, the measured
    LTV of a new customer, anchors the new customer's figures (see the module docstring).
    """
    inp = _inputs(purchases, summary, horizon, horizon_unit, spend, margin, discount_rate, cac,
                  first_purchase, new_customer_ltv)
    return _scenario(inp, levers, _values(inp, Levers()))


def what_if_inputs(purchases: PurchaseModel, summary: Summary, horizon: float,
                   horizon_unit: str | None = None, *, spend: GammaGamma | float | None = None,
                   margin: float = 1.0, discount_rate: float = DISCOUNT_RATE,
                   cac: float | None = None, first_purchase: float | None = None,
                   new_customer_ltv: float | None = None) -> _Inputs:
    """What :func:`what_if` computes from, checked once (for :func:`scenario_of`)."""
    return _inputs(purchases, summary, horizon, horizon_unit, spend, margin, discount_rate, cac,
                   first_purchase, new_customer_ltv)


def base_values(inputs: _Inputs) -> tuple[np.ndarray, dict[str, Any]]:
    """Each customer's CLV and the new customer's figures without levers (for
    :func:`scenario_of`)."""
    return _values(inputs, Levers())


def scenario_of(inputs: _Inputs, levers: Levers, at_base: tuple[np.ndarray, dict[str, Any]]
                ) -> Scenario:
    """:func:`what_if` from its inputs and base values, computed once by a caller that asks
    many what-ifs of the same analysis (the dashboard's sliders)."""
    return _scenario(inputs, levers, at_base)


def _scenario(inp: _Inputs, levers: Levers, at_base: tuple[np.ndarray, dict[str, Any]]
              ) -> Scenario:
    """The what-if of ``levers`` given the base's values (computed once by a caller that asks
    many what-ifs of the same inputs, as the dashboard's sliders do)."""
    base_clv, base = at_base[0], dict(at_base[1])
    new_clv, changed = _values(inp, levers) if levers != Levers() else (base_clv, dict(base))
    summary, purchases, horizon, horizon_unit = (inp.summary, inp.purchases, inp.horizon,
                                                 inp.horizon_unit)
    for figures in (base, changed):
        figures["total_change"] = figures["total_clv"] - base["total_clv"]
    changed["total_change_pct"] = _relative(changed["total_clv"], base["total_clv"])
    unit = horizon_unit or purchases.unit_ or summary.unit
    customers = pl.DataFrame({"customer_id": summary.frame["customer_id"], "clv": base_clv,
                              "clv_scenario": new_clv, "change": new_clv - base_clv})
    return Scenario(levers, customers, base, changed, f"{horizon:g} {unit}(s)")


def sensitivity(purchases: PurchaseModel, summary: Summary, horizon: float,
                horizon_unit: str | None = None, *, spend: GammaGamma | float | None = None,
                margin: float = 1.0, discount_rate: float = DISCOUNT_RATE,
                cac: float | None = None, step: float = 0.01) -> pl.DataFrame:
    """For each lever, the change of the base's total predicted value and of a new
    customer's LTV for +``step`` (1%) of it, as a percentage per 1% (an elasticity), ranked
    by the effect on the base."""
    inp = _inputs(purchases, summary, horizon, horizon_unit, spend, margin, discount_rate, cac,
                  None)
    _, base = _values(inp, Levers())
    rows = []
    for name in LEVERS:
        if name == "cac":
            continue  # acquisition cost moves no customer's value
        _, moved = _values(inp, Levers(**{name: step}))
        rows.append({
            "lever": name,
            "total_change": moved["total_clv"] - base["total_clv"],
            "total_pct_per_pct": _relative(moved["total_clv"], base["total_clv"]) / step,
            "new_ltv_pct_per_pct": _relative(moved["new_customer_ltv"],
                                             base["new_customer_ltv"]) / step})
    # ranked on the elasticity to 9 digits, ties in LEVERS' order: basket and margin are
    # both 1 up to a round-off whose sign changes from one run to the next
    return pl.DataFrame(rows).sort(pl.col("total_pct_per_pct").abs().round(9),
                                   descending=True, maintain_order=True
                                   ).with_row_index("rank", offset=1)


def _relative(new: float, old: float) -> float:
    """new / old - 1; NaN when ``old`` is 0 (a base worth nothing: no relative change)."""
    return new / old - 1 if old else math.nan


def break_even(purchases: PurchaseModel, summary: Summary, horizon: float,
               horizon_unit: str | None = None, *, lever: str, offset: Levers,
               spend: GammaGamma | float | None = None, margin: float = 1.0,
               discount_rate: float = DISCOUNT_RATE, limit: float = 10.0) -> float | None:
    """The change of ``lever`` that, together with ``offset`` (e.g. a 10% price cut,
    ``Levers(basket=-0.1)``), keeps the base's total predicted value where it is; None when
    no change within (-99%, +``limit``) does."""
    if lever not in LEVERS or lever == "cac":
        raise ClvError(f"lever must be one of {', '.join(LEVERS[:-1])}, not '{lever}'")
    if not 0 < limit <= MAX_CHANGE:
        raise ClvError(f"limit must be above 0 and at most {MAX_CHANGE:g} (+{MAX_CHANGE:,.0%}), "
                       f"not {limit}")
    inp = _inputs(purchases, summary, horizon, horizon_unit, spend, margin, discount_rate, None,
                  None)
    target = _values(inp, Levers())[1]["total_clv"]

    def gap(k: float) -> float:
        return _values(inp, replace(offset, **{lever: k}))[1]["total_clv"] - target

    lo, hi = -0.99, limit
    if np.sign(gap(lo)) == np.sign(gap(hi)):
        return None
    return float(optimize.brentq(gap, lo, hi, xtol=1e-6))


def formula_what_if(average_purchase_value: float, purchase_frequency: float, lifespan: float,
                    margin: float, levers: Levers, cac: float | None = None
                    ) -> dict[str, dict[str, Any]]:
    """The levers on the generic formula (``clv.formulas.generic_ltv``): basket and margin
    scale the value, frequency the purchases per unit, retention the lifespan; with ``cac``,
    LTV:CAC and its verdict. Returns {"base": {...}, "scenario": {...}}."""
    def figures(lv: Levers) -> dict[str, Any]:
        ltv = generic_ltv(average_purchase_value * (1 + lv.basket),
                          purchase_frequency * (1 + lv.frequency), lifespan * (1 + lv.retention),
                          min(1.0, margin * (1 + lv.margin)))
        out: dict[str, Any] = {"ltv": ltv}
        if cac is not None:
            verdict = ltv_cac_ratio(ltv, cac * (1 + lv.cac))
            out.update(cac=cac * (1 + lv.cac), ltv_cac=verdict.ratio, verdict=verdict.level)
        return out

    return {"base": figures(Levers()), "scenario": figures(levers)}
