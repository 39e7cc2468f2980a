"""Cohorts: customers grouped by acquisition period (week, month, quarter) or by any
attribute, followed period by period since their acquisition.

A customer's acquisition is the summary's ``first_purchase``; the age of a transaction is the
number of calendar periods between the customer's acquisition period and its own (age 0 is the
acquisition period). An age is *observed* for a customer when its period ended on or before
the observation end; historical rates and averages at an age use those customers only
(``eligible``), so cohorts acquired late never dilute them with unobserved time.

Historical figures: active customers (a purchase in the period: a day whose lines, netted,
have a positive amount, or the acquisition day), retention = active / eligible, revenue (and
margin when the transactions carry one), revenue per eligible customer and the cumulative
revenue per customer (the historical LTV curve). Predicted figures, when a
fitted purchase model is given: the cumulative revenue per customer continued past the
observation end, for every customer of the cohort, as revenue to date plus the expected revenue
until the end of each later period: P(alive) x E[Y(t) | alive] x expected spend (the model's
conditional expectation, as in ``clv.value``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from clv.data.tables import join_customers
from clv.data.transactions import Transactions
from clv.errors import ClvError, DataError
from clv.models.base import PurchaseModel
from clv.models.gamma_gamma import GammaGamma
from clv.notes import Note
from clv.prep.grid import distinct_pairs
from clv.prep.summary import _TRUNCATE, NET_ZERO, UNIT_DAYS, Summary

PERIODS = ("week", "month", "quarter")
CURVE_MONTHS = (1, 3, 6, 12, 24)
MAX_AGE_MONTHS = 600
"""Ages of the cohort table stop at 50 years (600 months, 200 quarters, 2,608 weeks): the
predicted curves cost one evaluation of the model per age, over every distinct customer, and
one customer dated 0001-01-01 asked for 24,300 of them (330 s on a 2,000-customer shop)."""
_MONTHS_PER = {"week": 7 / 30.4375, "month": 1.0, "quarter": 3.0}


def max_ages(period: str) -> int:
    """The most ages (periods since acquisition) a cohort table holds for ``period``."""
    return int(MAX_AGE_MONTHS / _MONTHS_PER[period])
_EPOCH_MONDAY = dt.date(1970, 1, 5)  # weeks start on Monday (ISO), as Polars truncates them


def _index(date: pl.Expr, period: str) -> pl.Expr:
    """The number of the calendar period holding ``date`` (consecutive integers)."""
    if period == "month":
        return date.dt.year().cast(pl.Int64) * 12 + date.dt.month().cast(pl.Int64) - 1
    if period == "quarter":
        return date.dt.year().cast(pl.Int64) * 4 + (date.dt.month().cast(pl.Int64) - 1) // 3
    return (date - pl.lit(_EPOCH_MONDAY)).dt.total_days() // 7


def _start_expr(index: pl.Expr, period: str) -> pl.Expr:
    """First day of period number ``index`` (an expression)."""
    if period == "week":
        return pl.lit(_EPOCH_MONDAY) + pl.duration(weeks=index)
    months = index * (3 if period == "quarter" else 1)
    return pl.date(months // 12, months % 12 + 1, 1)


def _start(index: int, period: str) -> dt.date:
    """First day of period number ``index``."""
    if period == "week":
        return _EPOCH_MONDAY + dt.timedelta(weeks=index)
    months = index * (3 if period == "quarter" else 1)
    return dt.date(months // 12, months % 12 + 1, 1)


@dataclass(frozen=True)
class Cohorts:
    """Cohort tables.

    ``table``: per cohort and age: ``customers`` (acquired), ``eligible`` (observed at that
    age), ``active``, ``retention``, ``revenue`` [, ``margin``], ``revenue_per_customer``,
    ``cumulative_revenue_per_customer`` (historical, null where no customer is observed) and,
    with a model, ``predicted_cumulative_revenue_per_customer``. ``repeat``: per cohort, the
    repeat-purchase rate (a second purchase day by the observation end) and the median and
    quartiles of the days from first to second purchase. ``curve``: the pooled historical
    LTV curve at 1, 3, 6, 12, 24 months after acquisition (customers observed that long) and,
    with a model, the predicted one for a new customer. ``customers``: each customer's
    ``revenue_within`` figures and ``days_to_second``. ``basis``: what each figure covers.
    ``notes``: what the user should know (a customers table whose ids match no customer).

    A repeat purchase is counted as in the summary (``clv.prep.summary``): after the first
    purchase, a period of the summary's merge (a day by default) with a positive net amount,
    so that a customer has a ``days_to_second`` exactly when its ``frequency`` is positive.
    """

    table: pl.DataFrame
    repeat: pl.DataFrame
    curve: pl.DataFrame
    customers: pl.DataFrame
    period: str
    by: str
    basis: dict[str, str]
    notes: list[str] = field(default_factory=list)


def _transactions(transactions: Any, by: str | None) -> pl.DataFrame:
    frame = transactions.frame if isinstance(transactions, Transactions) else transactions
    if not isinstance(frame, pl.DataFrame):
        raise ClvError("cohorts take Transactions (from read_transactions) or a Polars frame")
    missing = [c for c in ("customer_id", "timestamp", "amount") if c not in frame.columns]
    if missing:
        raise DataError(f"missing canonical column(s) {', '.join(missing)}",
                        source="transactions")
    keep = ["customer_id", pl.col("timestamp").dt.date().alias("day"), "amount"]
    if "margin" in frame.columns:
        keep.append("margin")
    elif "cost" in frame.columns:
        keep.append((pl.col("amount") - pl.col("cost")).alias("margin"))
    if by is not None and by in frame.columns:
        keep.append(by)
    return frame.select(keep)


def cohorts(
    transactions: Any,
    summary: Summary,
    *,
    period: str = "month",
    by: str | None = None,
    customers: pl.DataFrame | None = None,
    purchases: PurchaseModel | None = None,
    spend: GammaGamma | float | None = None,
    max_age: int | None = None,
    margin: float | None = None,
) -> Cohorts:
    """Cohorts of the customers of ``summary`` (its first purchases, observation or
    calibration end), from their ``transactions``.

    ``period``: week, month or quarter, for cohorts and ages. ``by``: group by this customer
    attribute (a column of ``customers``, else of the transactions, taken from each customer's
    first purchase) instead of by acquisition period. ``purchases`` (fitted on ``summary``)
    and ``spend`` (a Gamma-Gamma model or an amount per purchase; default the customers' mean
    historical spend) add the predicted curves, up to ``max_age`` periods (default: the oldest
    cohort's age, at least 24 months' worth, at most :data:`MAX_AGE_MONTHS` (50 years) worth:
    lines at older ages are left out of the table, counted in ``basis`` and said in a note).
    The margin column comes from the transactions'
    ``margin`` (or ``amount - cost``) when they have one, else from the rate ``margin``.
    """
    if period not in PERIODS:
        raise ClvError(f"period must be one of {', '.join(PERIODS)}, not '{period}'")
    cap = max_ages(period)
    if max_age is not None and not 0 <= max_age <= cap:
        raise ClvError(f"max_age must be between 0 and {cap:,} {period}s (50 years), "
                       f"not {max_age}")
    end = summary.calibration_end or summary.observation_end
    if "first_purchase" not in summary.frame.columns:
        raise ClvError("the summary has no first_purchase column (use clv.rfm_summary)")
    every = _transactions(transactions, by)
    if "margin" not in every.columns and margin is not None:
        if not 0 < margin <= 1:
            raise ClvError(f"margin must be in (0, 1], not {margin}")
        every = every.with_columns((pl.col("amount") * margin).alias("margin"))
    # a copy of the log only when some lines are past the end (a filter copies every line)
    tx = every.filter(pl.col("day") <= end) if every["day"].max() > end else every
    # the whole log is needed again only for a merge longer than a day (its last period may
    # run past the end)
    whole = every if summary.merge != "day" else None
    del every
    cur = int(pl.select(_index(pl.lit(end), period)).item())
    # the last period wholly observed: the current one when the end is its last day
    complete = cur if (_start(cur + 1, period) - end).days == 1 else cur - 1
    base = summary.frame.select(
        "customer_id", pl.col("first_purchase").cast(pl.Date).alias("acquired"),
    ).with_columns(_index(pl.col("acquired"), period).alias("acq"))
    label = by or "cohort"
    key, notes = _cohort_key(base, tx, by, customers, period)
    base = base.with_columns(key.alias(label))
    has_margin = "margin" in tx.columns
    # a customer's lines of one day netted, as in the summary: a purchase day is a day with a
    # positive net amount (a refund of the same day is deducted from its purchases)
    # (one plan: the days of customers absent from the summary are never held)
    age = _index(pl.col("day"), period) - pl.col("acq")
    daily = (tx.lazy().group_by("customer_id", "day").agg(
        pl.col("amount").sum(), *([pl.col("margin").sum()] if has_margin else []),
        pl.len().alias("lines"))
        .join(base.lazy(), on="customer_id", how="inner").with_columns(age.alias("age"))
        .collect())
    kept = daily.filter(pl.col("age") >= 0) if daily["age"].min() < 0 else daily
    # lines left out, counted: customers absent from the summary (no purchase by the end),
    # and lines dated before the customer's acquisition period (earlier refunds)
    excluded = {"lines_of_customers_not_in_summary": tx.height - int(daily["lines"].sum()),
                "lines_before_acquisition": int(daily["lines"].sum() - kept["lines"].sum())}
    del tx
    daily = daily.select("customer_id", "day", "amount")
    # per group of customers acquired in the same period with the same key; active: a
    # purchase day in the period, or the acquisition (a first order, even free, acquires)
    sizes = base.group_by(label, "acq").agg(pl.len().alias("customers"))
    buys = (pl.col("amount") > NET_ZERO) | (pl.col("day") == pl.col("acquired"))
    per_age = kept.group_by(label, "acq", "age").agg(
        pl.col("customer_id").filter(buys).n_unique().alias("active"),
        pl.col("amount").sum().alias("revenue"),
        *([pl.col("margin").sum().alias("margin")] if has_margin else []))
    oldest = cur - int(base["acq"].min())
    horizon = max_age if max_age is not None else min(
        cap, max(oldest, int(np.ceil(24 / _MONTHS_PER[period]))))
    if oldest > horizon and max_age is None:  # a history of centuries: bounded, and said
        late = int(kept.filter(pl.col("age") > horizon)["lines"].sum())
        excluded["lines_past_the_last_age"] = late
        notes.append(Note("cohort_ages_capped", ages=horizon, period=period, lines=late,
                          first=str(_start(int(base["acq"].min()), period))))
    grid = sizes.join(pl.DataFrame({"age": np.arange(horizon + 1)}), how="cross").join(
        per_age, on=[label, "acq", "age"], how="left").with_columns(
        pl.col("active", "revenue", *(["margin"] if has_margin else [])).fill_null(0),
        (pl.col("acq") + pl.col("age") <= complete).alias("observed"))
    grid = grid.sort(label, "acq", "age").with_columns(
        pl.col("revenue").cum_sum().over(label, "acq").alias("cumulative"))
    if purchases is not None:  # revenue to date (through the age) + expected revenue ahead
        grid = grid.join(_ahead(purchases, spend, summary, base, label, cur, horizon, period,
                                end), on=[label, "acq", "age"], how="left").with_columns(
            (pl.col("cumulative") + pl.col("_ahead").fill_null(0.0)).alias("_pred_total"))
    table = _by_cohort(grid, label, has_margin, purchases is not None)
    basis = {
        "historical": f"transactions up to {end}, ages in whole {period}s since acquisition, "
                      "averages over the customers observed at each age",
        "predicted": (f"revenue to date plus {purchases.NAME} expected revenue to the end of "
                      "each period, over all customers of the cohort") if purchases else "",
        "period": period,
        "excluded": ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in excluded.items())}
    # the second purchase by the summary's rule, on its merge periods (days by default)
    if whole is None:  # days: the second purchase from the same pass over the netted days
        history = revenue_within(daily, base, end, second=True)
    else:
        history = revenue_within(daily, base, end).join(
            _second_purchase(whole, base, summary.merge, end), on="customer_id", how="left")
    return Cohorts(table, _repeat(history, base, label), _curve(
        history, purchases, spend, summary), history, period, label, basis, notes)


def _cohort_key(base: pl.DataFrame, tx: pl.DataFrame, by: str | None,
                customers: pl.DataFrame | None, period: str) -> tuple[pl.Series, list[str]]:
    """Each customer's cohort: the start of its acquisition period, or its ``by`` value; and
    the notes of the join of the customers table."""
    if by is None:
        return base.select(_start_expr(pl.col("acq"), period).cast(pl.Date).alias("c"))[
            "c"], []
    notes: list[str] = []
    if customers is not None and by in customers.columns:
        keyed, notes = join_customers(base.select("customer_id"), customers, [by])
    elif by in tx.columns:
        keyed = base.select("customer_id").join(
            tx.sort("day").group_by("customer_id").agg(pl.col(by).first()),
            on="customer_id", how="left")
    else:
        raise ClvError(f"no column '{by}' in the customers table or the transactions")
    return keyed[by].cast(pl.String).fill_null("(none)"), notes


def _by_cohort(grid: pl.DataFrame, label: str, has_margin: bool, predicted: bool
               ) -> pl.DataFrame:
    seen = pl.col("observed")
    aggs = [pl.col("customers").sum(),
            pl.col("customers").filter(seen).sum().alias("eligible"),
            pl.col("active").filter(seen).sum().alias("active"),
            pl.col("revenue").filter(seen).sum().alias("revenue"),
            pl.col("cumulative").filter(seen).sum().alias("_cum")]
    if has_margin:
        aggs.append(pl.col("margin").filter(seen).sum().alias("margin"))
    if predicted:
        aggs.append(pl.col("_pred_total").sum().alias("_pred"))
    out = grid.group_by(label, "age").agg(aggs).sort(label, "age")
    eligible = pl.when(pl.col("eligible") > 0).then(pl.col("eligible"))
    out = out.with_columns(
        (pl.col("active") / eligible).alias("retention"),
        (pl.col("revenue") / eligible).alias("revenue_per_customer"),
        (pl.col("_cum") / eligible).alias("cumulative_revenue_per_customer"))
    if predicted:
        out = out.with_columns((pl.col("_pred") / pl.col("customers"))
                               .alias("predicted_cumulative_revenue_per_customer"))
    return out.drop("_cum", "_pred", strict=False)


def _ahead(purchases: PurchaseModel, spend: GammaGamma | float | None, summary: Summary,
           base: pl.DataFrame, label: str, cur: int, horizon: int, period: str,
           end: dt.date) -> pl.DataFrame:
    """Per group (key, acquisition period) and age, the expected revenue of the group's
    customers from the end of observation to the end of the age's period (ages still
    observed get none): sum of P(alive) E[Y(t) | alive] x spend."""
    purchases.check_unit(summary.unit, "the summary")
    f = summary.frame.join(base.select("customer_id", label, "acq"), on="customer_id")
    x, tx, t_cap = (f[c].cast(pl.Float64).to_numpy() for c in ("frequency", "recency", "T"))
    if isinstance(spend, GammaGamma):
        per = spend.expected_spend(x, f["monetary"].cast(pl.Float64).to_numpy())
    elif spend is None:  # the customers' mean revenue per purchase day
        amount = f["total_amount"].sum() / max(1.0, float((f["frequency"] + 1).sum()))
        per = np.full(x.size, float(amount))
    else:
        per = np.full(x.size, float(spend))
    weight = purchases.p_alive(x, tx, t_cap) * per
    px, pt, (index,) = distinct_pairs(x, t_cap)
    groups = f.select(label, "acq").unique().sort(label, "acq").with_row_index("_group")
    code = f.join(groups, on=[label, "acq"], how="left", maintain_order="left")[
        "_group"].to_numpy().astype(np.int64)
    n_groups = groups.height
    # calendar period cur + j ends where period cur + j + 1 starts (the end date is the last
    # day observed)
    ahead = np.zeros((horizon + 1, n_groups))
    unit_days = UNIT_DAYS[summary.unit]
    for j in range(horizon + 1):
        days = (_start(cur + j + 1, period) - end).days - 1
        if days > 0:
            e = purchases.expected_if_alive(days / unit_days, px, pt)[index]
            ahead[j] = np.bincount(code, weight * e, n_groups)
    acq = groups["acq"].to_numpy()
    ages = np.arange(horizon + 1)
    j = acq[:, None] + ages[None, :] - cur  # calendar periods after the current one
    values = np.where(j >= 0, ahead[np.clip(j, 0, horizon), np.arange(n_groups)[:, None]], 0.0)
    return pl.DataFrame({
        label: groups[label].gather(np.repeat(np.arange(n_groups), ages.size)),
        "acq": np.repeat(acq, ages.size), "age": np.tile(ages, n_groups),
        "_ahead": values.ravel()})


def _repeat(history: pl.DataFrame, base: pl.DataFrame, label: str) -> pl.DataFrame:
    joined = base.select("customer_id", label).join(
        history.select("customer_id", "days_to_second"), on="customer_id", how="left")
    days = pl.col("days_to_second")
    return joined.group_by(label).agg(
        pl.len().alias("customers"),
        days.is_not_null().mean().alias("repeat_rate"),
        days.median().alias("median_days_to_second"),
        days.quantile(0.25).alias("q1_days_to_second"),
        days.quantile(0.75).alias("q3_days_to_second"),
    ).sort(label)


def revenue_within(tx: pl.DataFrame, acquired: pl.DataFrame, end: dt.date,
                   months: tuple[int, ...] = CURVE_MONTHS, *, second: bool = False
                   ) -> pl.DataFrame:
    """Per customer of ``acquired`` (customer_id, acquired: the first purchase date): the
    revenue of the acquisition day, ``first_day_revenue``; and within k months (of 30.4375
    days) of acquisition, ``revenue_{k}m``, null when the customer was acquired less than k
    months before ``end`` (not observed that long). One pass over ``tx`` (customer_id, day,
    amount) up to ``end``, of masked columns summed per customer (Polars' fast path).
    ``second=True``, for ``tx`` netted per customer and day: also ``days_to_second``, the
    days to the first later day with a positive net amount (the summary's rule at its
    default merge), from the same pass."""
    since = (pl.col("day") - pl.col("acquired")).dt.total_days()
    amount = pl.col("amount")
    masked = [pl.when(since == 0).then(amount).otherwise(0.0).alias("first_day_revenue"),
              *(pl.when(since < k * UNIT_DAYS["month"]).then(amount).otherwise(0.0)
                .alias(f"revenue_{k}m") for k in months)]
    if second:
        masked.append(pl.when((since > 0) & (amount > 0)).then(since).alias("days_to_second"))
    names = ["first_day_revenue", *(f"revenue_{k}m" for k in months)]
    sums = (tx.lazy().filter(pl.col("day") <= end)
            .join(acquired.lazy().select("customer_id", "acquired"), on="customer_id")
            .select("customer_id", *masked)
            .group_by("customer_id").agg(
                pl.col(names).sum(), *([pl.col("days_to_second").min()] if second else []))
            .collect())
    observed = (pl.lit(end) - pl.col("acquired")).dt.total_days()
    return acquired.select("customer_id", "acquired").join(sums, on="customer_id", how="left"
                                                            ).with_columns(
        pl.col("first_day_revenue").fill_null(0.0),
        *(pl.when(observed >= k * UNIT_DAYS["month"]).then(
            pl.col(f"revenue_{k}m").fill_null(0.0)).alias(f"revenue_{k}m") for k in months))


def _second_purchase(tx: pl.DataFrame, acquired: pl.DataFrame, merge: str, end: dt.date
                     ) -> pl.DataFrame:
    """``days_to_second`` of the customers of ``acquired`` (customer_id, acquired: the
    summary's first purchase) with a repeat purchase by ``end``: the days to the first later
    period of ``merge`` with a positive net amount, the rule of the summary's frequency
    (periods up to the end's period, as the summary takes them), for a merge longer than a
    day (days: ``revenue_within(..., second=True)``). ``tx`` has customer_id, day and
    amount, the whole log (the end's period may run past the end)."""
    last = pl.select(pl.lit(end).dt.truncate(_TRUNCATE[merge])).item()
    nets = (tx.lazy().select("customer_id", pl.col("day").dt.truncate(_TRUNCATE[merge])
                             .alias("period"), "amount")
            .filter(pl.col("period") <= last)
            .group_by("customer_id", "period").agg(pl.col("amount").sum()))
    return (nets.join(acquired.lazy().select("customer_id", "acquired"), on="customer_id")
            .filter((pl.col("period") > pl.col("acquired")) & (pl.col("amount") > NET_ZERO))
            .group_by("customer_id")
            .agg((pl.col("period").min() - pl.col("acquired").first()).dt.total_days()
                 .alias("days_to_second"))
            .collect())


def _curve(within: pl.DataFrame, purchases: PurchaseModel | None,
           spend: GammaGamma | float | None, summary: Summary) -> pl.DataFrame:
    """Revenue per customer within k months of acquisition (k in CURVE_MONTHS): historical,
    over the customers acquired at least k months before the end; predicted for a new
    customer: the mean first-day revenue + E[X(k months)] x mean spend per repeat purchase."""
    mean_first = float(within["first_day_revenue"].mean() or 0.0)
    rows = []
    for k in CURVE_MONTHS:
        seen = within[f"revenue_{k}m"].drop_nulls()
        row: dict[str, Any] = {"months": k, "customers_observed": seen.len(),
                               "revenue_per_customer": seen.mean() if seen.len() else None}
        span = k * UNIT_DAYS["month"]
        if purchases is not None:
            if isinstance(spend, GammaGamma):
                p, q, g = (spend.params_[n] for n in ("p", "q", "gamma"))
                mean_spend = p * g / (q - 1) if q > 1 else float("nan")
            elif spend is None:
                f = summary.frame.filter(pl.col("frequency") > 0)
                mean_spend = float(f["monetary"].mean() or 0.0)
            else:
                mean_spend = float(spend)
            t = span / UNIT_DAYS[summary.unit]
            row["predicted_revenue_per_customer"] = mean_first + float(
                purchases.expected_purchases_new(t)) * mean_spend
        rows.append(row)
    return pl.DataFrame(rows)
