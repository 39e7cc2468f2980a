"""Subscription metrics: MRR and its movements, ARPA, churn, revenue retention, cohorts, and
the sBG model per plan (or cohort) against the simple ARPA x margin / churn formula.

A subscription row (``customer_id``, ``start``, ``end`` null while active, ``mrr``, optional
``plan``) counts in the MRR of every month at whose end it is active (start <= last day <
end); a customer's MRR is the sum of their rows. Only months that ended by ``as_of`` are
reported. Without ``as_of``, the date described is the latest the table shows has happened
(:func:`clv.models.sbg.default_as_of`): an end after today is a cancellation scheduled, not
one that happened. A subscription ending after ``as_of`` is active on it (not churned), and
a note (``Subscriptions.notes``) says how many there are.

Between two months each customer's change is one movement, as ChartMogul classifies them
(ChartMogul, "MRR movements", help.chartmogul.com):

- new: from 0 to positive, never paying before; reactivation: from 0 to positive again (a
  customer who had churned pays again);
- expansion / contraction: positive to a higher / lower positive MRR;
- churn: positive to 0.

So MRR(m) = MRR(m-1) + new + reactivation + expansion - contraction - churn exactly (net new
MRR is the sum of the movements). The rates of month m, over the customers paying at the end
of month m-1 (ChartMogul's definitions):

- customer (logo) churn rate = customers lost / customers paying at the start;
- revenue churn rate (gross MRR churn rate) = (churned + contraction MRR) / MRR(m-1);
- ARPA = MRR / customers paying (average revenue per account);
- gross revenue retention GRR = (MRR(m-1) - contraction - churn) / MRR(m-1) = 1 - revenue
  churn; net revenue retention NRR = (MRR(m-1) - contraction - churn + expansion) / MRR(m-1).
  New and reactivated customers are outside the starting customers: both leave them out.

Over the trailing twelve months (``grr_12m``, ``nrr_12m``), NRR is ChartMogul's net MRR
retention of a cohort taken as the customers paying at the end of month m-12: their MRR at
the end of month m (whatever happened in between, reactivations included) / their MRR at the
end of month m-12; GRR caps each of them at their starting MRR, so that it never exceeds
100%: sum(min(MRR_i(m), MRR_i(m-12))) / sum(MRR_i(m-12)) (ChartMogul, "Net MRR Retention"
and "Gross MRR Retention"; KeyBanc Capital Markets' SaaS survey defines them the same way).

Cohorts: the customers whose first paying month is the cohort, followed at each age (months
since that month, up to the last month): customers paying (logo retention) and their MRR
(revenue retention, net: expansion and reactivation in, as ChartMogul's Net MRR Retention
cohort), as shares of the cohort's month 0.

Per plan (or ``by`` column), the sBG model (Fader & Hardie 2007) fitted on the subscriptions'
paid months gives the expected lifetime (sum of survival S(t) over months, infinite when
alpha <= 1: DEL at d = 0) and the discounted expected lifetime DEL(d) (Fader & Hardie 2010,
eq. 3; ``SBG.discounted_expected_lifetime``), hence LTV = ARPA x margin x DEL(d). The simple
formula ARPA x margin / c is shown next to it, c the plan's observed monthly churn (ended
subscriptions / months paid, a customer's rows on the plan without a gap between them, such
as a price change, being one subscription); it assumes every subscriber churns at the same
rate c, which undervalues the loyal ones when churn falls with tenure, as sBG captures
(Fader & Hardie 2010). ``ltv_ratio`` = sBG LTV / simple LTV; :data:`LTV_GAP` says when they
differ a lot.
"""

from __future__ import annotations

import datetime as dt
import math
import warnings
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import polars as pl

from clv.data.table_reports import TableNote
from clv.errors import ClvError
from clv.formulas import saas_ltv_churn
from clv.models.sbg import default_as_of, fit_sbg

TRAILING = 12
"""Months of the trailing GRR and NRR (``grr_12m``, ``nrr_12m``)."""
LTV_GAP = 1.5
"""sBG's LTV and the simple formula's differ a lot when one is this many times the other."""


@dataclass(frozen=True)
class Subscriptions:
    """``months``: per month MRR, customers, ARPA, the movements (MRR and customers), net new
    MRR, customer and revenue churn rates, GRR and NRR over the month and over the trailing
    twelve months (null before twelve months of history). ``cohorts``: per first paying
    month and age (every age up to the last month, 0 when nobody pays), customers and MRR
    paying, as shares of the cohort's month 0 (logo and revenue retention). ``plans``: per
    plan, subscriptions (all, and active at the end), ARPA, observed monthly churn, the sBG
    parameters with standard errors, expected lifetimes, LTV from sBG and from the simple
    formula and their ratio. ``basis``: what the figures cover. ``notes``: what the user
    should know of how they were counted (subscriptions ending after the date described,
    counted as active on it). See the module docstring."""

    months: pl.DataFrame
    cohorts: pl.DataFrame
    plans: pl.DataFrame
    basis: dict[str, str]
    notes: tuple[TableNote, ...] = ()


def _month_index(date: pl.Expr) -> pl.Expr:
    return date.dt.year().cast(pl.Int64) * 12 + date.dt.month().cast(pl.Int64) - 1


def _from_index(index: pl.Expr) -> pl.Expr:
    return pl.date(index // 12, index % 12 + 1, 1)


def _validated(subs: pl.DataFrame, mrr: str, by: str | None) -> pl.DataFrame:
    need = ["customer_id", "start", "end", mrr] + ([by] if by and by != "cohort" else [])
    missing = [c for c in need if c not in subs.columns]
    if missing:
        raise ClvError(f"the subscriptions table has no column(s) {', '.join(missing)}")
    frame = subs.with_row_index("_row").with_columns(
        pl.col("start").cast(pl.Date), pl.col("end").cast(pl.Date),
        pl.col(mrr).cast(pl.Float64).alias("_mrr"))
    bad = frame.filter(pl.col("start").is_null() | (pl.col("end") < pl.col("start"))
                       | pl.col("_mrr").is_null() | (pl.col("_mrr") < 0))
    if bad.height:
        row = bad.row(0, named=True)
        why = ("no start date" if row["start"] is None else "a missing or negative MRR"
               if row["_mrr"] is None or row["_mrr"] < 0 else "an end before its start")
        raise ClvError(f"subscriptions row {row['_row'] + 1} has {why} ({bad.height} such "
                       "rows)")
    return frame


def saas_metrics(subs: pl.DataFrame, *, as_of: dt.date | str | None = None, mrr: str = "mrr",
                 by: str | None = "plan", margin: float = 1.0,
                 discount_rate: float = 0.1) -> Subscriptions:
    """MRR movements, churn and retention by month, cohort retention, and sBG per ``by``
    (default the plan; "cohort" for the start month; None pools every subscription) with its
    LTV at ``margin`` and an annual ``discount_rate``, as of ``as_of`` (default: the latest
    date of the table that has happened, :func:`clv.models.sbg.default_as_of`); see the
    module docstring."""
    if not 0 < margin <= 1:
        raise ClvError(f"margin must be in (0, 1], not {margin}")
    if by == "plan" and "plan" not in subs.columns:
        by = None  # no plans: one pooled model
    frame = _validated(subs, mrr, by)
    if isinstance(as_of, str):
        as_of = dt.date.fromisoformat(as_of)
    end_date = as_of or default_as_of(frame["start"], frame["end"])
    last = int(pl.select(_month_index(pl.lit(end_date))).item())
    # the last month counted has ended by as_of
    if (dt.date(end_date.year + end_date.month // 12, end_date.month % 12 + 1, 1)
            - dt.timedelta(days=1)) != end_date:
        last -= 1
    active = frame.with_columns(
        _month_index(pl.col("start")).alias("_first"),
        (pl.when(pl.col("end").is_null()).then(pl.lit(last))
         .otherwise(_month_index(pl.col("end")) - 1).clip(upper_bound=last)).alias("_last"))
    # each paying customer's MRR per month, by integer customer code, sorted by (code, month)
    per = (active.filter((pl.col("_last") >= pl.col("_first")) & (pl.col("_mrr") > 0))
           .select(pl.col("customer_id").rank("dense").alias("c"), "_mrr",
                   pl.int_ranges("_first", pl.col("_last") + 1).alias("m")).explode("m")
           .group_by("c", "m").agg(pl.col("_mrr").sum()).sort("c", "m"))
    first = cast(int, active["_first"].min())
    months = _movements(per, first, last).join(_trailing(per), on="month", how="left")
    cohorts = _cohorts(per, last)
    plans = _plans(frame, by, end_date, margin, discount_rate)
    basis = {"months": f"calendar months ended by {end_date}, MRR at each month's end",
             "plans": f"sBG on paid months per {by or 'all subscriptions'}; LTV at margin "
                      f"{margin:.0%}, {discount_rate:.0%} a year discount"}
    later = frame.filter(pl.col("end") > end_date).height
    notes = (TableNote("subs_end_after_as_of", n=later, as_of=end_date.isoformat()),) \
        if later else ()
    return Subscriptions(months, cohorts, plans, basis, notes)


def _movements(per: pl.DataFrame, first: int, last: int) -> pl.DataFrame:
    """Movements between consecutive months from the sorted (customer, month) rows: a row's
    previous month is the row before it when that is the same customer one month earlier
    (else 0: new, or reactivation when the customer paid before); a row not followed by the
    same customer's next month is a churn in that next month."""
    c, m, mrr = pl.col("c"), pl.col("m"), pl.col("_mrr")
    same_prev = ((c.shift(1) == c) & (m.shift(1) == m - 1)).fill_null(False)
    first_row = (c.shift(1) != c).fill_null(True)
    goes_on = ((c.shift(-1) == c) & (m.shift(-1) == m + 1)).fill_null(False)
    prev = pl.when(same_prev).then(mrr.shift(1)).otherwise(0.0)
    rows = per.with_columns(prev.alias("_prev"), same_prev.alias("_kept"),
                            first_row.alias("_first"), goes_on.alias("_goes_on"))
    kept, prev = pl.col("_kept"), pl.col("_prev")
    zero = pl.lit(0.0)
    moves = rows.group_by("m").agg(
        mrr.sum().alias("mrr"), pl.len().alias("customers"),
        pl.when(~kept & pl.col("_first")).then(mrr).otherwise(zero).sum().alias("new"),
        (~kept & pl.col("_first")).sum().alias("new_customers"),
        (~kept & ~pl.col("_first")).sum().alias("reactivated_customers"),
        pl.when(~kept & ~pl.col("_first")).then(mrr).otherwise(zero).sum()
        .alias("reactivation"),
        pl.when(kept & (mrr > prev)).then(mrr - prev).otherwise(zero).sum().alias("expansion"),
        pl.when(kept & (mrr < prev)).then(prev - mrr).otherwise(zero).sum()
        .alias("contraction"))
    churned = rows.filter(~pl.col("_goes_on")).group_by((m + 1).alias("m")).agg(
        mrr.sum().alias("churn"), pl.len().alias("churned_customers"))
    full = (pl.DataFrame({"m": np.arange(first, last + 1)})
            .join(moves, on="m", how="left").join(churned, on="m", how="left")
            .fill_null(0).sort("m")
            .with_columns(pl.col("customers").shift(1, fill_value=0).alias("customers_start"),
                          pl.col("mrr").shift(1, fill_value=0.0).alias("mrr_start")))
    start = pl.when(pl.col("mrr_start") > 0).then(pl.col("mrr_start"))
    return full.with_columns(
        _from_index(pl.col("m")).alias("month"),
        (pl.col("mrr") / pl.when(pl.col("customers") > 0).then(pl.col("customers")))
        .alias("arpa"),
        (pl.col("new") + pl.col("reactivation") + pl.col("expansion") - pl.col("contraction")
         - pl.col("churn")).alias("net_new_mrr"),
        (pl.col("churned_customers") / pl.when(pl.col("customers_start") > 0)
         .then(pl.col("customers_start"))).alias("customer_churn"),
        ((pl.col("churn") + pl.col("contraction")) / start).alias("revenue_churn"),
        ((pl.col("mrr_start") - pl.col("contraction") - pl.col("churn")) / start).alias("grr"),
        ((pl.col("mrr_start") - pl.col("contraction") - pl.col("churn") + pl.col("expansion"))
         / start).alias("nrr"),
    ).select("month", "mrr", "customers", "customers_start", "mrr_start", "new",
             "reactivation", "expansion", "contraction", "churn", "new_customers",
             "reactivated_customers", "churned_customers", "arpa", "net_new_mrr",
             "customer_churn", "revenue_churn", "grr", "nrr")


def _trailing(per: pl.DataFrame, window: int = TRAILING) -> pl.DataFrame:
    """GRR and NRR over ``window`` months ending with each month: the customers paying at
    the end of month m - window, their MRR then against their MRR at the end of month m
    (0 when they no longer pay), each capped at their starting MRR for GRR."""
    then = per.select("c", (pl.col("m") + window).alias("m"), pl.col("_mrr").alias("_from"))
    now = per.select("c", "m", pl.col("_mrr").alias("_to"))
    both = then.join(now, on=["c", "m"], how="left").with_columns(pl.col("_to").fill_null(0.0))
    return both.group_by("m").agg(
        pl.col("_from").sum().alias("_base"), pl.col("_to").sum().alias("_now"),
        pl.min_horizontal("_from", "_to").sum().alias("_kept"),
    ).select(_from_index(pl.col("m")).alias("month"),
             (pl.col("_kept") / pl.col("_base")).alias(f"grr_{window}m"),
             (pl.col("_now") / pl.col("_base")).alias(f"nrr_{window}m"))


def _cohorts(per: pl.DataFrame, last: int) -> pl.DataFrame:
    """Customers and MRR paying per first paying month (cohort) and age, every age up to
    the month ``last`` (0 when nobody of the cohort pays at that age)."""
    rows = per.with_columns((pl.col("m") - pl.col("m").min().over("c")).alias("age"),
                            pl.col("m").min().over("c").alias("_cohort"))
    counts = rows.group_by("_cohort", "age").agg(pl.len().alias("customers"),
                                                 pl.col("_mrr").sum().alias("mrr"))
    base = counts.filter(pl.col("age") == 0).select(
        "_cohort", pl.col("customers").alias("_n0"), pl.col("mrr").alias("_mrr0"))
    grid = base.with_columns(pl.int_ranges(0, last - pl.col("_cohort") + 1).alias("age")
                             ).explode("age").with_columns(pl.col("age").cast(pl.Int64))
    out = grid.join(counts, on=["_cohort", "age"], how="left").with_columns(
        pl.col("customers").fill_null(0).cast(pl.UInt32), pl.col("mrr").fill_null(0.0))
    return out.with_columns(
        _from_index(pl.col("_cohort")).alias("cohort"),
        (pl.col("customers") / pl.col("_n0")).alias("logo_retention"),
        (pl.col("mrr") / pl.col("_mrr0")).alias("revenue_retention"),
    ).sort("_cohort", "age").select("cohort", "age", "customers", "mrr", "logo_retention",
                                    "revenue_retention")


def _stays(frame: pl.DataFrame, by: str | None, end: dt.date) -> pl.DataFrame:
    """One row per unbroken stay of a customer (on a value of ``by``, a plan): the rows of a
    customer on the plan that follow or overlap each other without a day's gap (a price
    change, seats added, a renewal written as a new row) are one subscription, from the
    first start to the last end (null while one is active), at the MRR of its rows active at
    ``end``; without this, every price change would count as a churn of the plan and
    shorten the lifetimes sBG is fitted on."""
    group = ["customer_id", *([by] if by and by != "cohort" else [])]
    reach = pl.col("end").fill_null(dt.date.max)
    rows = frame.sort([*group, "start"]).with_columns(reach.cum_max().over(group).alias("_reach"))
    before = pl.col("_reach").shift(1).over(group)
    rows = rows.with_columns((before.is_null() | (pl.col("start") > before)).cum_sum()
                             .over(group).alias("_stay"))
    live = pl.col("end").is_null() | (pl.col("end") > pl.lit(end))
    return rows.group_by([*group, "_stay"]).agg(
        pl.col("start").min(),
        pl.when(pl.col("_reach").max() == dt.date.max).then(None)
        .otherwise(pl.col("_reach").max()).alias("end"),
        pl.col("_mrr").filter(live).sum().alias("_mrr")).drop("_stay")


def _plans(frame: pl.DataFrame, by: str | None, end: dt.date, margin: float,
           discount_rate: float) -> pl.DataFrame:
    """sBG per group and the LTVs over the stays of :func:`_stays`; observed churn =
    stays ended / months paid; ``ltv_ratio`` = sBG LTV / simple LTV."""
    monthly = (1 + discount_rate) ** (1 / 12) - 1
    frame = _stays(frame, by, end)
    try:
        models = fit_sbg(frame.drop("_mrr"), "month", by=by, as_of=end)
    except ClvError as exc:  # pooled: the data do not identify the model
        warnings.warn(f"sBG left out: {exc}", UserWarning, stacklevel=3)
        models = {}
    key = by or "_all"
    data = frame.with_columns(pl.lit("all").alias("_all"),
                              pl.col("start").dt.truncate("1mo").alias("cohort"))
    stop = pl.when(pl.col("end").is_null() | (pl.col("end") > pl.lit(end))).then(pl.lit(end)
                                                                                ).otherwise(
        pl.col("end"))
    active = pl.col("end").is_null() | (pl.col("end") > pl.lit(end))
    stats = data.group_by(key).agg(
        pl.len().alias("subscriptions"), active.sum().alias("active_subscriptions"),
        pl.col("_mrr").filter(active).mean().alias("arpa"),
        (pl.col("end").is_not_null() & (pl.col("end") <= pl.lit(end))).sum().alias("churned"),
        ((stop - pl.col("start")).dt.total_days() / 30.4375).sum().alias("months_paid"))
    rows: list[dict[str, Any]] = []
    for row in stats.iter_rows(named=True):
        model = models.get(None if by is None else row[key])
        churn = row["churned"] / row["months_paid"] if row["months_paid"] else math.nan
        arpa = row["arpa"] if row["arpa"] is not None else math.nan
        out = {key: row[key], "subscriptions": row["subscriptions"],
               "active_subscriptions": row["active_subscriptions"], "arpa": arpa,
               "monthly_churn": churn,
               "simple_ltv": saas_ltv_churn(arpa, churn, margin)
               if 0 < churn <= 1 and arpa == arpa else math.nan}
        if model is not None:
            lifetime, discounted = model.discounted_expected_lifetime([0.0, monthly]).tolist()
            out.update(alpha=model.params_["alpha"], beta=model.params_["beta"],
                       alpha_se=model.stderr_["alpha"], beta_se=model.stderr_["beta"],
                       expected_lifetime_months=lifetime,
                       discounted_lifetime_months=discounted,
                       sbg_ltv=arpa * margin * discounted)
            simple = out["simple_ltv"]
            out["ltv_ratio"] = out["sbg_ltv"] / simple if simple == simple and simple > 0 \
                else math.nan
        rows.append(out)
    return pl.DataFrame(rows).rename({"_all": "group"} if by is None else {})


def outside_notes(subs: pl.DataFrame, metrics: Subscriptions, end: dt.date) -> list[TableNote]:
    """The subscriptions of ``subs`` that start after the last month ``metrics`` report
    (the months ended by ``end``, the orders' last day): in no month's figures, said."""
    if not metrics.months.height or "start" not in subs.columns:
        return []
    last = cast(dt.date, metrics.months["month"].max())
    after = dt.date(last.year + last.month // 12, last.month % 12 + 1, 1)
    late = subs.filter(pl.col("start").cast(pl.Date) >= after).height
    if not late:
        return []
    return [TableNote("subs_after_end", n=late, month=f"{last:%m/%Y}", end=end.isoformat())]
