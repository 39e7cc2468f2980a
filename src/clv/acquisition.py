"""Acquisition channels and campaigns: what a customer costs, what they bring, and when the
cost is paid back.

Inputs: a spend table (``channel``, optional ``campaign``, the month as ``month`` or
``period_start``, ``spend``, optional ``leads`` or ``prospects``) and each customer's
acquisition channel (and campaign): a column of the customers table, else the value on the
customer's first transaction. A customer is acquired in the month of their first purchase
(the summary's ``first_purchase``).

Per channel (and campaign), over the months the spend table covers:

- new customers, CAC = spend / new customers (paid: channels with spend; blended: all spend
  over all new customers, paid or not), conversion = new customers / leads; a channel (or a
  month) without any recorded spend has no CAC (None, not 0: nothing was spent to divide),
  hence no LTV:CAC and no payback either;
- historical LTV at k months: margin x revenue per customer within k months of acquisition,
  over the customers observed that long;
- ``ltv``, the LTV of a new customer: the mean lifetime value (margin to date + future value
  over the remaining lifetime, ``lifetime_value`` of ``clv.valuation``) of the customers the
  channel acquired in the months of the spend table, the same customers its CAC counts;
- LTV:CAC = ltv / CAC, and historically at 12 months, with the verdict of ``clv.formulas``.
  The blended figures reconcile with the channels': blended LTV = sum(new customers x ltv) /
  sum(new customers) and blended LTV:CAC = sum(new customers x ltv) / sum(spend): the
  spend-weighted mean of the paid channels' ratios plus the value of the unpaid channels'
  customers, acquired at no recorded cost (so above every paid channel's ratio when the
  unpaid channels bring much); ``paid_ltv_cac`` is the same over the paid channels alone, a
  spend-weighted mean that lies among their ratios;
- payback: the first month of life by the end of which the cumulative margin per acquired
  customer reaches the CAC (month 1 is the acquisition month), historically (over the
  customers observed that long) and predicted (with the model's continuation of each
  channel's curve, ``clv.cohorts``); None when not reached within the curve;
- the maximum CAC that keeps LTV:CAC at the target (3x), and the headroom to it;
- ``next_euro``: paid channels ranked by the lifetime margin returned per unit of spend
  (``return_per_spend`` = LTV / CAC, in the data's currency), assuming the next customers of
  a channel cost and are worth what its past ones did.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl

from clv import defaults as D
from clv.cohorts import CURVE_MONTHS, Cohorts, cohorts
from clv.data.table_reports import TableNote
from clv.data.tables import join_customers
from clv.errors import ClvError
from clv.formulas import ltv_cac_ratio
from clv.models.base import PurchaseModel
from clv.models.gamma_gamma import GammaGamma
from clv.prep.summary import Summary

UNKNOWN = "(unknown)"
"""The channel (or other acquisition key) of the customers the customers table gives none:
a name of its own, which each face says in its language ('Canal inconnu')."""

LTV_MONTHS = tuple(k for k in CURVE_MONTHS if k >= 3)
TARGET_RATIO = D.TARGET_RATIO


@dataclass(frozen=True)
class Acquisition:
    """``channels``: one row per channel (and campaign), see the module docstring;
    ``by_month``: spend, new customers, CAC and conversion per channel and month;
    ``next_euro``: channels ranked by predicted return per euro; ``blended_cac`` and
    ``paid_cac``: over all channels; ``blended_ltv`` and ``blended_ltv_cac``: the channels'
    figures reconciled (see the module docstring); ``curves``: the channel cohorts the
    paybacks are read from; ``basis``: what the historical and predicted figures cover."""

    channels: pl.DataFrame
    by_month: pl.DataFrame
    next_euro: pl.DataFrame
    blended_cac: float | None
    paid_cac: float | None
    curves: Cohorts
    basis: dict[str, str]
    notes: list[str] = field(default_factory=list)
    blended_ltv: float | None = None
    blended_ltv_cac: float | None = None
    paid_ltv_cac: float | None = None


def _sum_or_null(column: str) -> pl.Expr:
    """The sum, or null when every value is (a table without leads has no conversion)."""
    return pl.when(pl.col(column).is_not_null().any()).then(pl.col(column).sum()).alias(column)


def _cac() -> pl.Expr:
    """Spend / new customers; None without new customers or without any spend recorded (a
    channel the spend table does not name, or names at 0: its customers cost nothing that
    was recorded, which is no CAC of 0 and no payback in the first month)."""
    return (pl.col("spend") / pl.when((pl.col("new_customers") > 0) & (pl.col("spend") > 0))
            .then(pl.col("new_customers"))).alias("cac")


def _spend_table(spend: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    missing = [c for c in (*keys, "spend") if c not in spend.columns]
    month = "month" if "month" in spend.columns else (
        "period_start" if "period_start" in spend.columns else None)
    if missing or month is None:
        raise ClvError("the spend table needs columns " + ", ".join(
            [*missing, *([] if month else ["month (or period_start)"])]))
    leads = "leads" if "leads" in spend.columns else (
        "prospects" if "prospects" in spend.columns else None)
    bad = spend.filter(pl.col("spend").is_null() | (pl.col("spend") < 0)).height
    if bad:
        raise ClvError(f"the spend table has {bad} row(s) with a missing or negative spend")
    return spend.select(
        *[pl.col(k).cast(pl.String) for k in keys],
        pl.col(month).cast(pl.Date).dt.truncate("1mo").alias("month"),
        pl.col("spend").cast(pl.Float64),
        (pl.col(leads).cast(pl.Float64) if leads else pl.lit(None, pl.Float64)).alias("leads"),
    ).group_by(*keys, "month").agg(pl.col("spend").sum(), _sum_or_null("leads"))


def _acquired(summary: Summary, transactions: pl.DataFrame, customers: pl.DataFrame | None,
              keys: list[str], notes: list[str]) -> pl.DataFrame:
    """Each customer's acquisition month and channel (campaign); a customers table whose ids
    match no customer is said in ``notes``."""
    base = summary.frame.select("customer_id", pl.col("first_purchase").cast(pl.Date)
                                .dt.truncate("1mo").alias("month"))
    if customers is not None and all(k in customers.columns for k in keys):
        joined, said = join_customers(base, customers, keys)
        notes.extend(said)
    elif all(k in transactions.columns for k in keys):
        source = transactions.sort("timestamp").group_by("customer_id").agg(
            pl.col(k).first() for k in keys)
        joined = base.join(source, on="customer_id", how="left")
    else:
        raise ClvError(f"no column(s) {', '.join(keys)} in the customers table or the "
                       "transactions to tell each customer's acquisition channel")
    return joined.with_columns(pl.col(k).cast(pl.String).fill_null(UNKNOWN) for k in keys)


def channels(
    transactions: Any,
    summary: Summary,
    spend: pl.DataFrame,
    value: pl.DataFrame,
    *,
    customers: pl.DataFrame | None = None,
    campaign: bool = False,
    margin: float = 1.0,
    purchases: PurchaseModel | None = None,
    spend_model: GammaGamma | float | None = None,
    target_ratio: float = TARGET_RATIO,
    predicted: str = "predicted CLV",
) -> Acquisition:
    """CAC, conversion, LTV (historical and predicted), LTV:CAC, payback and maximum CAC per
    acquisition channel (and campaign with ``campaign=True``); see the module docstring.

    ``value`` is the per-customer frame of ``clv.valuation.value_customers`` (computed with
    ``margin``): its ``lifetime_value`` gives each channel's LTV (a ``clv.customer_value``
    frame without it gives margin x revenue to date + its ``clv``, over its horizon);
    ``purchases`` and ``spend_model`` (the models behind it) continue the channels' revenue
    curves for the predicted payback; without them it is historical only.
    """
    if not 0 < margin <= 1:
        raise ClvError(f"margin must be in (0, 1], not {margin}")
    frame = transactions.frame if hasattr(transactions, "frame") else transactions
    keys = ["channel", "campaign"] if campaign else ["channel"]
    costs = _spend_table(spend, keys)
    notes: list[str] = []
    acquired = _acquired(summary, frame, customers, keys, notes)
    months = costs["month"].unique()
    in_window = acquired.filter(pl.col("month").is_in(months.implode()))
    counts = in_window.group_by(*keys, "month").agg(pl.len().alias("new_customers"))
    by_month = costs.join(counts, on=[*keys, "month"], how="full", coalesce=True).with_columns(
        pl.col("spend").fill_null(0.0), pl.col("new_customers").fill_null(0)).with_columns(
        _cac(), (pl.col("new_customers") / pl.col("leads")).alias("conversion")
    ).sort(*keys, "month")

    revenue = summary.frame.select("customer_id", pl.col("total_amount").alias("revenue"))
    lifetime = (pl.col("lifetime_value") if "lifetime_value" in value.columns
                else margin * pl.col("revenue") + pl.col("clv"))
    per_customer = acquired.join(revenue, on="customer_id", how="left").join(
        value.select("customer_id", "clv", *(["lifetime_value"] if "lifetime_value"
                                             in value.columns else [])),
        on="customer_id", how="left").with_columns(lifetime.alias("ltv"))
    if per_customer["clv"].null_count():
        raise ClvError("the value table lacks customers of the summary (use clv.customer_value)")
    curves = cohorts(frame, summary, period="month", by="_acq_key", customers=acquired.select(
        "customer_id", pl.concat_str(keys, separator=" / ").alias("_acq_key")),
        purchases=purchases, spend=spend_model)
    history = _history(curves, acquired, keys, margin)
    new_ltv = per_customer.filter(pl.col("month").is_in(months.implode())).group_by(keys).agg(
        pl.col("ltv").mean())
    table = (by_month.group_by(keys).agg(
                pl.col("spend").sum(), pl.col("new_customers").sum(),
                _sum_or_null("leads"))
             .join(per_customer.group_by(keys).agg(
                 pl.len().alias("customers"),
                 (margin * pl.col("revenue").mean()).alias("margin_to_date")),
                 on=keys, how="full", coalesce=True)
             .join(new_ltv, on=keys, how="left")
             .join(history, on=keys, how="left")
             .with_columns(pl.col("spend").fill_null(0.0), pl.col("new_customers").fill_null(0))
             .with_columns(
                 _cac(),
                 (pl.col("new_customers") / pl.col("leads")).alias("conversion")))
    table = _ratios(table, target_ratio)

    table = table.with_columns(pl.concat_str(keys, separator=" / ").alias("_acq_key")).join(
        _paybacks(curves, table, margin), on="_acq_key", how="left").drop("_acq_key")

    paid = by_month.filter(pl.col("spend") > 0)
    total_spend, total_new = float(by_month["spend"].sum()), int(in_window.height)
    paid_new = int(in_window.join(paid.select(*keys).unique(), on=keys).height)
    next_euro = table.filter(pl.col("cac").is_not_null() & (pl.col("spend") > 0)).with_columns(
        (pl.col("ltv") / pl.col("cac")).alias("return_per_spend")).sort(
        "return_per_spend", descending=True).select(
        *keys, "return_per_spend", "cac", "ltv", "max_cac", "cac_headroom")
    start, end = str(months.min()), str(months.max())  # dates, written ISO
    basis = {
        "spend": f"spend and new customers from {start} to {end} (months of the spend table)",
        "historical": f"margin ({margin:.0%}) x revenue within k months of acquisition, over "
                      "the customers observed that long",
        "predicted": f"LTV of a new customer: margin to date + future value over the "
                     f"remaining lifetime ({predicted}), per customer acquired in the months "
                     "of the spend table",
        "ratio": f"LTV:CAC verdicts and maximum CAC at a {target_ratio:g}x target"}
    worth = float((table["new_customers"] * table["ltv"].fill_null(0.0)).sum())
    paid_rows = table.filter(pl.col("spend") > 0)
    paid_worth = float((paid_rows["new_customers"] * paid_rows["ltv"].fill_null(0.0)).sum())
    paid_spend = float(paid_rows["spend"].sum())
    return Acquisition(table.sort("ltv", descending=True, nulls_last=True),
                       by_month, next_euro, total_spend / total_new if total_new else None,
                       float(paid["spend"].sum()) / paid_new if paid_new else None,
                       curves, basis, notes,
                       blended_ltv=worth / total_new if total_new else None,
                       blended_ltv_cac=worth / total_spend if total_spend > 0 and total_new
                       else None,
                       paid_ltv_cac=paid_worth / paid_spend if paid_spend > 0 and paid_new
                       else None)


def _history(curves: Cohorts, acquired: pl.DataFrame, keys: list[str], margin: float
             ) -> pl.DataFrame:
    """Historical LTV at k months per channel: margin x revenue within k months (of 30.4375
    days) of the first purchase, per customer observed for at least k months (the channel
    cohorts' per-customer figures)."""
    per = curves.customers.join(acquired.select("customer_id", *keys), on="customer_id")
    return per.group_by(keys).agg(
        (margin * pl.col(f"revenue_{k}m").mean()).alias(f"historical_ltv_{k}m")
        for k in LTV_MONTHS)


def _ratios(table: pl.DataFrame, target: float) -> pl.DataFrame:
    def verdict(ltv: float | None, cac: float | None) -> str | None:
        if ltv is None or cac is None or cac <= 0:
            return None
        return ltv_cac_ratio(max(ltv, 0.0), cac).level

    rows = table.select("ltv", "historical_ltv_12m", "cac").rows()
    paid = pl.when(pl.col("cac") > 0).then(pl.col("cac"))  # no ratio without a cost
    return table.with_columns(
        (pl.col("ltv") / paid).alias("ltv_cac"),
        pl.Series("verdict", [verdict(p, c) for p, _, c in rows], dtype=pl.String),
        (pl.col("historical_ltv_12m") / paid).alias("historical_ltv_cac_12m"),
        pl.Series("historical_verdict_12m", [verdict(h, c) for _, h, c in rows],
                  dtype=pl.String),
        (pl.col("ltv") / target).alias("max_cac"),
    ).with_columns((pl.col("max_cac") - pl.col("cac")).alias("cac_headroom"))


def _paybacks(curves: Cohorts, table: pl.DataFrame, margin: float) -> pl.DataFrame:
    """The first month of life (1 = the acquisition month) by whose end margin x cumulative
    revenue per customer reaches the channel's CAC: historical and predicted."""
    cac = table.select(pl.concat_str(
        [c for c in ("channel", "campaign") if c in table.columns], separator=" / "
    ).alias("_acq_key"), "cac")
    curve = curves.table.join(cac, on="_acq_key")
    out = []
    columns = [("payback_months", "cumulative_revenue_per_customer")]
    if "predicted_cumulative_revenue_per_customer" in curve.columns:
        columns.append(("predicted_payback_months", "predicted_cumulative_revenue_per_customer"))
    for name, column in columns:
        out.append(curve.filter(pl.col("cac").is_not_null()
                                & (margin * pl.col(column) >= pl.col("cac")))
                   .group_by("_acq_key").agg((pl.col("age").min() + 1).alias(name)))
    result = cac.select("_acq_key")
    for part in out:
        result = result.join(part, on="_acq_key", how="left")
    return result


def spend_notes(acq: Acquisition, summary: Summary, spend_currency: str | None = None,
                currency: str | None = None) -> list[TableNote]:
    """What the channels did with the spend table that its reading could not tell: a
    channel of the spend table that is no customer's acquisition channel (its spend buys no
    customer: a channel written 'Google Ads' in one file and 'google' in the other), months
    of spend outside the orders' months (no customer can be acquired in them), and a spend
    currency (``spend_currency``) other than the orders' (``currency``)."""
    notes: list[TableNote] = []
    table = acq.channels
    if "channel" in table.columns and "customers" in table.columns:
        known = table.filter((pl.col("customers").fill_null(0) > 0)
                             & pl.col("channel").is_not_null()
                             & (pl.col("channel") != UNKNOWN))["channel"]
        lost = table.filter((pl.col("spend") > 0) & (pl.col("customers").fill_null(0) == 0)
                            & pl.col("channel").is_not_null())
        for row in lost.select("channel", "spend").iter_rows():
            notes.append(TableNote("unmatched_channel", channel=str(row[0]),
                                   spend=float(row[1]),
                                   known=", ".join(f"'{k}'" for k in known.head(8))
                                   or "-"))
    first = summary.frame["first_purchase"].min()
    if first is not None and acq.by_month.height:
        start = pl.select(pl.lit(first).cast(pl.Date).dt.truncate("1mo")).item()
        end = pl.select(pl.lit(summary.observation_end).cast(pl.Date).dt.truncate("1mo")
                        ).item()
        months = acq.by_month.filter(pl.col("spend") > 0)["month"].unique().sort()
        outside = months.filter((months < start) | (months > end))
        if outside.len():
            notes.append(TableNote("months_outside", n=outside.len(),
                                   first=f"{outside[0]:%m/%Y}", last=f"{outside[-1]:%m/%Y}",
                                   start=f"{start:%m/%Y}", end=f"{end:%m/%Y}"))
    if spend_currency and currency and spend_currency != currency:
        notes.append(TableNote("other_currency", spend=spend_currency, orders=currency))
    return notes
