"""``clv calc``: the closed-form LTV formulas of each business model (``clv.formulas``), on
numbers typed on the command line; nothing is read and no model is imported."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from clv import defaults as D
from clv import formulas
from clv.cli.options import Json, Target, speaks
from clv.cli.output import escape, number, out, print_json, w

commands = typer.Typer(help="Closed-form LTV formulas of each business model.",
                       no_args_is_help=True, rich_markup_mode=None)

Margin = Annotated[float, typer.Option(help="Gross margin rate in [0, 1].")]


def _result(name: str, value: float, inputs: dict[str, Any], as_json: bool,
            months: bool = False) -> None:
    """The formula's value: JSON (its English name, ``name``'s message) or one line in this
    run's language."""
    if as_json:
        print_json({"formula": w(name, "en"), "inputs": inputs, "value": value})
        return
    said = escape(w(name) + w("cli_colon")) + f"[bold]{escape(number(value))}[/]"
    if months:
        said += escape(w("cli_calc_months", n=value))
    out().print(said, highlight=False)


@commands.command("service")
@speaks
def calc_service(
    yearly_revenue: Annotated[float, typer.Option(help="Revenue per customer per year.")],
    years: Annotated[float, typer.Option(help="Years retained.")],
    margin: Margin = D.MARGIN, as_json: Json = False,
) -> None:
    """Service business: yearly revenue x margin x years retained."""
    v = formulas.service_ltv(yearly_revenue, years, margin)
    _result("cli_calc_service", v, {"yearly_revenue": yearly_revenue, "years": years,
                               "margin": margin}, as_json)


@commands.command("ecommerce")
@speaks
def calc_ecommerce(
    basket: Annotated[float, typer.Option(help="Average basket per order.")],
    purchases: Annotated[float, typer.Option(help="Purchases over the lifetime.")],
    margin: Margin = D.MARGIN,
    shipping: Annotated[float, typer.Option(help="Shipping included in the basket.")] = 0.0,
    as_json: Json = False,
) -> None:
    """E-commerce: (average basket - shipping) x margin x purchases."""
    v = formulas.ecommerce_ltv(basket, purchases, margin, shipping)
    _result("cli_calc_ecommerce", v, {"basket": basket, "purchases": purchases, "margin": margin,
                                  "shipping": shipping}, as_json)


@commands.command("saas-churn")
@speaks
def calc_saas_churn(
    mrr: Annotated[float, typer.Option(help="Monthly revenue per account (ARPA).")],
    churn: Annotated[float, typer.Option(help="Monthly churn rate, e.g. 0.05.")],
    margin: Margin = D.MARGIN, as_json: Json = False,
) -> None:
    """SaaS: MRR x margin / monthly churn."""
    v = formulas.saas_ltv_churn(mrr, churn, margin)
    _result("cli_calc_saas", v, {"mrr": mrr, "churn": churn, "margin": margin}, as_json)


@commands.command("saas-lifetime")
@speaks
def calc_saas_lifetime(
    mrr: Annotated[float, typer.Option(help="Monthly revenue per account (ARPA).")],
    months: Annotated[float, typer.Option(help="Months retained.")],
    margin: Margin = D.MARGIN, as_json: Json = False,
) -> None:
    """SaaS: MRR x margin x months retained."""
    v = formulas.saas_ltv_lifetime(mrr, months, margin)
    _result("cli_calc_saas", v, {"mrr": mrr, "months": months, "margin": margin}, as_json)


@commands.command("generic")
@speaks
def calc_generic(
    value: Annotated[float, typer.Option(help="Average purchase value.")],
    frequency: Annotated[float, typer.Option(help="Purchases per unit of time.")],
    lifespan: Annotated[float, typer.Option(help="Lifespan, in the same unit.")],
    margin: Margin = D.MARGIN, as_json: Json = False,
) -> None:
    """Generic: average purchase value x frequency x lifespan x margin."""
    v = formulas.generic_ltv(value, frequency, lifespan, margin)
    _result("cli_calc_generic", v, {"value": value, "frequency": frequency, "lifespan": lifespan,
                       "margin": margin}, as_json)


@commands.command("discounted")
@speaks
def calc_discounted(
    margin_per_period: Annotated[float, typer.Option(help="Margin per customer per period.")],
    retention: Annotated[float, typer.Option(help="Retention rate per period.")],
    discount_rate: Annotated[float, typer.Option(help="Discount rate per period.")],
    periods: Annotated[int | None, typer.Option(help="Horizon (default: no end).")] = None,
    as_json: Json = False,
) -> None:
    """Geometric retention with discounting: sum of m (r / (1 + d))^t."""
    v = formulas.discounted_ltv(margin_per_period, retention, discount_rate, periods)
    _result("cli_calc_discounted", v, {"margin_per_period": margin_per_period,
                                  "retention": retention, "discount_rate": discount_rate,
                                  "periods": periods}, as_json)


@commands.command("ratio")
@speaks
def calc_ratio(
    ltv: Annotated[float, typer.Option(help="Lifetime value (margin).")],
    cac: Annotated[float, typer.Option(help="Customer acquisition cost.")],
    as_json: Json = False,
) -> None:
    """LTV:CAC with a verdict (healthy at 3x or more)."""
    r = formulas.ltv_cac_ratio(ltv, cac)
    if as_json:
        print_json({"formula": "LTV:CAC", "inputs": {"ltv": ltv, "cac": cac},
                     "value": r.ratio, "level": r.level, "advice": r.advice})
    else:
        advice = w(ADVICE[r.level]) if r.level in ADVICE else r.advice
        out().print(f"LTV:CAC = [bold]{escape(number(r.ratio))}x{escape(w('cli_colon'))}"
                    f"{escape(advice)}[/]", highlight=False)


ADVICE = {"loses money": "cli_advice_loses", "thin": "cli_advice_thin",
          "healthy": "cli_advice_healthy", "under-investing?": "cli_advice_under"}
"""The messages of the LTV:CAC verdicts' advice (``clv.formulas.ltv_cac_ratio``)."""


@commands.command("max-cac")
@speaks
def calc_max_cac(
    ltv: Annotated[float, typer.Option(help="Lifetime value (margin).")],
    target: Target = D.TARGET_RATIO,
    as_json: Json = False,
) -> None:
    """Largest CAC keeping the target LTV:CAC ratio."""
    v = formulas.max_cac(ltv, target)
    _result("cli_calc_max_cac", v, {"ltv": ltv, "target": target}, as_json)


@commands.command("payback")
@speaks
def calc_payback(
    cac: Annotated[float, typer.Option(help="Customer acquisition cost.")],
    mrr: Annotated[float, typer.Option(help="Monthly revenue per customer.")],
    margin: Margin = D.MARGIN,
    churn: Annotated[float, typer.Option(help="Monthly churn rate.")] = 0.0,
    as_json: Json = False,
) -> None:
    """Months until cumulative margin repays the CAC."""
    v = formulas.cac_payback_months(cac, mrr, margin, churn)
    _result("cli_calc_payback", v, {"cac": cac, "mrr": mrr, "margin": margin, "churn": churn},
            as_json, months=True)
