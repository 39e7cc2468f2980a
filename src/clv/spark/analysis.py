"""The whole analysis of a log read by Spark (:func:`analyze`): the :class:`clv.pipeline.Analysis`
that the report, the dashboard and the store read, for logs whose lines do not fit on one
machine while their customers do (a few million).

What is computed where:

- in Spark: the reading and its data report, the summary, the distinct rows the models are
  fitted on, the scores (:func:`clv.spark.score`), and the reductions of the lines that the
  analyses below need: the *ledger* (one row per customer and day with lines: the day's net
  amount, its number of lines and the customer's first line's channel), and, with a product
  column, each customer's first day with each product;
- on the driver, from the customer-level results collected (the summary, the scores) and
  those reductions, by the functions of the Polars path themselves (so by the same rules):
  the CLV intervals (:func:`clv.value.value_intervals`, which draws each customer's realised
  value for the total's interval), the segments (:func:`clv.segments.segment_customers`:
  ranks over all customers), the cohorts (:func:`clv.cohorts.cohorts`, whose figures are sums
  of each customer's daily net amounts: the ledger gives them; the lines it leaves out are
  counted from the ledger's line counts), the next purchases, the what-if levers, the
  acquisition channels (:func:`clv.acquisition.channels`, whose channel cohorts read the
  ledger too), the cross-sell pairs (:func:`clv.timing.cross_sell`, from the first days),
  the subscriptions and the headline figures.

The ledger has a row per customer and purchase day, not per line: what the driver holds
grows with customer-days. The purchase model is the one named, or with ``model="auto"`` the
best on a holdout by :func:`clv.spark.choose_model`; then the analysis carries the Polars
path's scorecard (:func:`clv.evaluate.evaluate`, :func:`_scorecard`): its table of errors
per model, its deciles and its tracking of cumulative repeat purchases, which the report
draws. The calibration summary is computed in Spark and collected (one row per customer, as
the summary is); the tracking's actual purchases are counted in Spark, per unit of time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

import polars as pl

from clv.notes import Note
from clv.spark.core import (
    SparkChoice,
    SparkSummary,
    SparkTransactions,
    _functions,
    fit,
    purchase_model,
    rfm_summary,
    score,
)

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame

    from clv.cohorts import Cohorts
    from clv.data.table_reports import TableReport
    from clv.evaluate import Scorecard
    from clv.models.base import PurchaseModel
    from clv.pipeline import Analysis
    from clv.prep import Summary
    from clv.valuation import Settings

def analyze(
    transactions: SparkTransactions,
    *,
    spend: pl.DataFrame | None = None,
    subscriptions: pl.DataFrame | None = None,
    customers: pl.DataFrame | None = None,
    settings: Settings | None = None,
    progress: Callable[[str, float], None] | None = None,
    table_reports: Mapping[str, TableReport] | Iterable[TableReport] | None = None,
) -> Analysis:
    """The :class:`clv.pipeline.Analysis` of :func:`clv.pipeline.analyze` for transactions
    validated in Spark (:func:`clv.spark.read_transactions`), with the optional ``spend``,
    ``subscriptions`` and ``customers`` tables (Polars, as ``analyze`` takes them) and the
    reports of their reading (``table_reports``); see the module docstring for what runs
    where; the analyses after the valuation are :func:`clv.pipeline.decisions`, as for
    :func:`clv.pipeline.analyze`."""
    from clv.data import Transactions
    from clv.pipeline import STEPS, Settings, decisions, step_clock
    from clv.valuation import Valuation
    from clv.value import value_intervals

    cfg = settings or Settings()
    seconds, done = step_clock(STEPS, progress)
    frame = transactions.frame
    ledger = _ledger(frame)
    firsts = _first_products(frame) if "product" in frame.columns else None
    # the valuation's currency: the one asked for, else that of the amounts kept
    # (clv.valuation.value_customers: a currency column's)
    currency = cfg.currency or transactions.currency
    tx = Transactions(ledger.drop("lines"), transactions.issues, transactions.mapping,
                      transactions.timezone, currency=currency)
    done("data")
    ss = rfm_summary(transactions, unit=cfg.unit, observation_end=cfg.observation_end,
                     midpoint=cfg.midpoint)
    chosen = purchase_model(transactions, cfg)
    fitted = fit(ss, chosen)
    card = _scorecard(transactions, chosen, cfg) if isinstance(chosen, SparkChoice) else None
    done("models")
    scores = score(ss, fitted, cfg.horizon, cfg.horizon_unit, margin=cfg.margin,
                   discount_rate=cfg.discount_rate)
    summary = ss.to_polars()
    intervals = value_intervals(fitted.purchases, summary, cfg.horizon, cfg.horizon_unit,
                                spend=fitted.spend, margin=cfg.margin,
                                discount_rate=cfg.discount_rate, level=cfg.level,
                                draws=cfg.draws)
    value = _collect(scores.frame).sort("customer_id").join(
        intervals.customers.select("customer_id", "clv_lower", "clv_upper"), on="customer_id",
        how="left").select(
        "customer_id", "p_alive", "expected_purchases", "discounted_purchases",
        "expected_spend", "clv", "clv_lower", "clv_upper", "revenue_to_date", "margin_to_date",
        "future_value_lifetime", "lifetime_value", "p_alive_activity")
    # the valuation's notes in its order: the models', the intervals', then the values'
    fitted_notes = len(fitted.notes)
    notes = [*scores.notes[:fitted_notes], *intervals.notes, *scores.notes[fitted_notes:]]
    val = Valuation(cfg, tx, summary, card, fitted.purchases, fitted.spend_model, fitted.spend,
                    value, intervals, currency, list(notes))
    done("value")
    return decisions(tx, val, cfg, done, seconds, spend=spend, subscriptions=subscriptions,
                     customers=customers, table_reports=table_reports, products=firsts,
                     counted=lambda coh: _lines_counted(coh, ledger, summary))


def _collect(frame: DataFrame) -> pl.DataFrame:
    """A Spark frame on the driver, through Arrow."""
    return pl.DataFrame(frame.toArrow())


def _ledger(frame: DataFrame) -> pl.DataFrame:
    """The lines netted per customer and day, in Spark (``timestamp`` the day at midnight,
    ``amount`` the day's net amount, ``lines`` its number of lines) and, with a channel, each
    customer's channel: their first line's (by time, then by the lines' order in the
    source, as the readers' frame is ordered)."""
    F = _functions()
    days = frame.groupBy("customer_id", F.to_date("timestamp").alias("day")).agg(
        F.sum("amount").alias("amount"), F.count(F.lit(1)).alias("lines"))
    if "channel" in frame.columns:
        first = frame.groupBy("customer_id").agg(
            F.min_by("channel", F.struct("timestamp", "_row")).alias("channel"))
        days = days.join(first, "customer_id", "left")
    out = _collect(days.select(
        "customer_id", F.col("day").cast("timestamp_ntz").alias("timestamp"), "amount",
        *(["channel"] if "channel" in frame.columns else []), "lines"))
    return out.with_columns(pl.col("timestamp").cast(pl.Datetime("us")),
                            pl.col("lines").cast(pl.Int64)).sort("customer_id", "timestamp")


def _first_products(frame: DataFrame) -> pl.DataFrame:
    """Each customer's first time with each product among their purchase lines (amount > 0,
    a product), in Spark: the rows :func:`clv.timing.cross_sell` builds its pairs from, as a
    frame it reads (one positive line per customer and product)."""
    F = _functions()
    firsts = frame.filter((F.col("amount") > 0) & F.col("product").isNotNull()) \
        .groupBy("customer_id", F.col("product").cast("string").alias("product")) \
        .agg(F.min("timestamp").alias("timestamp"))
    return _collect(firsts.select("customer_id", "timestamp", F.lit(1.0).alias("amount"),
                                  "product")).sort("customer_id", "product")


def _lines_counted(coh: Cohorts, ledger: pl.DataFrame, summary: Summary) -> Cohorts:
    """``coh`` (computed from the ledger, a row per customer and day) with the lines left out
    counted in lines, as :func:`clv.cohorts.cohorts` counts them on the lines: those of
    customers absent from the summary, those dated before the customer's acquisition period,
    and those past the last age when the ages were capped (its note too)."""
    from clv.cohorts import _index

    end = summary.calibration_end or summary.observation_end
    day = pl.col("timestamp").dt.date()
    seen = ledger.filter(day <= end)
    base = summary.frame.select("customer_id",
                                pl.col("first_purchase").cast(pl.Date).alias("acquired"))
    joined = seen.join(base, on="customer_id", how="inner").with_columns(
        (_index(day, coh.period) - _index(pl.col("acquired"), coh.period)).alias("age"))
    excluded = {
        "lines_of_customers_not_in_summary": _lines(seen) - _lines(joined),
        "lines_before_acquisition": _lines(joined.filter(pl.col("age") < 0))}
    notes = list(coh.notes)
    for i, note in enumerate(notes):
        if isinstance(note, Note) and note.key == "cohort_ages_capped":
            horizon = int(coh.table["age"].max())  # type: ignore[arg-type]
            late = _lines(joined.filter(pl.col("age") > horizon))
            excluded["lines_past_the_last_age"] = late
            notes[i] = Note("cohort_ages_capped", **{**note.values, "lines": late})
    basis = {**coh.basis, "excluded": ", ".join(f"{v:,} {k.replace('_', ' ')}"
                                                for k, v in excluded.items())}
    return replace(coh, basis=basis, notes=notes)



def _lines(ledger: pl.DataFrame) -> int:
    """The lines of rows of the ledger."""
    return int(ledger.select(pl.col("lines").sum()).item())


def _scorecard(transactions: SparkTransactions, choice: SparkChoice, cfg: Settings
               ) -> Scorecard | None:
    """The scorecard of :func:`clv.evaluate.evaluate` on the split of ``choice`` (None when
    there was no comparison, as the Polars valuation has none, or when no candidate could be
    fitted), by the same function (:func:`clv.evaluate.scorecard_of`), on the calibration
    summary computed in Spark by :func:`clv.spark.choose_model` (collected sorted by customer
    id as the Polars summary is, so that ties of the deciles fall in the same order), with
    the tracking's actual purchases counted in Spark (:func:`_tracking`)."""
    from clv.errors import ClvError
    from clv.evaluate import scorecard_of

    cal = choice.summary
    if choice.table is None or cal is None:
        return None
    summary = cal.to_polars()
    try:
        return scorecard_of(summary, cfg.models,
                            lambda fitted: _tracking(transactions, cal, summary, fitted))
    except ClvError:  # no candidate could be fitted: no scorecard, as before
        return None


def _tracking(transactions: SparkTransactions, cal: SparkSummary, summary: Summary,
              models: dict[str, PurchaseModel]) -> pl.DataFrame:
    """:func:`clv.evaluate.tracking` with its actual purchases counted in Spark: at the end of
    each unit of time k = 1..K from the first acquisition ``start`` to the observation end,
    the cumulative repeat purchase days of the calibration's customers (a customer's days
    after their first purchase whose net amount is over ``NET_ZERO``, a linked refund on its
    order's day when both are in one window, as the summary nets it), the day d counted in
    unit floor((d - start) / days); and the expected ones, sum over the customers of
    E[X(age)] by the fitted ``models``, on the driver (the customers grouped by acquisition
    day) by the Polars path's formula. Only the counts per unit reach the driver."""

    import numpy as np

    from clv.evaluate import tracking_frame, tracking_steps
    from clv.prep.summary import NET_ZERO

    F = _functions()
    start, n_steps, days = tracking_steps(summary)
    end = summary.observation_end
    frame = transactions.frame
    day = F.to_date("timestamp")
    if "order_time" in frame.columns:  # clv.prep.summary._netted_period, by the day
        def window(p: Column) -> Column:
            after: Column = (p > F.lit(end)).cast("int")
            return after if summary.calibration_end is None \
                else (p > F.lit(summary.calibration_end)).cast("int") + after

        order = F.to_date("order_time")
        day = F.when(order.isNotNull() & (window(order) == window(day)), order).otherwise(day)
    first = cal.frame.select("customer_id", "first_purchase")
    counted = frame.select("customer_id", day.alias("day"), "amount") \
        .filter(F.col("day") <= F.lit(end)) \
        .groupBy("customer_id", "day").agg(F.sum("amount").alias("amount")) \
        .join(first, "customer_id") \
        .filter((F.col("day") > F.col("first_purchase")) & (F.col("amount") > NET_ZERO)) \
        .select(F.floor(F.datediff("day", F.lit(start)) / F.lit(float(days))).cast("long")
                .alias("k")) \
        .groupBy("k").count().collect()
    per_step = np.zeros(n_steps, dtype=np.int64)
    for k, n in counted:
        if int(k) < n_steps:
            per_step[int(k)] += int(n)
    return tracking_frame(summary, models, per_step)
