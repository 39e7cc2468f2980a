"""One call from data and settings to every result: ``clv.analyze`` -> ``Analysis``.

The steps, in order (each reported to ``progress`` with its share of the work done):

1. read and validate the transactions (``clv.read_transactions``; a frame is read through the
   same validation) and keep the data-quality report;
2. value every customer by the one valuation path (``clv.valuation.value_customers``): the
   purchase model chosen on a holdout (or the one the settings name), Gamma-Gamma or its
   documented fallback, future value over the horizon with intervals, lifetime value;
3. (the same step) P(alive) for the activity views, informative for one-time buyers;
4. segments, cohorts, cross-sell timing and next purchases, what-if levers and their
   sensitivity; acquisition channels when a spend table is given; subscription metrics when
   a subscriptions table is given;
5. a KPI snapshot (``Analysis.kpis``) for the history of analyses.

The report, the dashboard and the CLI only read the ``Analysis``; they compute nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import polars as pl

from clv.acquisition import Acquisition, channels, spend_notes
from clv.cohorts import Cohorts, cohorts
from clv.data import Transactions, read_transactions
from clv.data.table_reports import KINDS, TableReport
from clv.evaluate import Scorecard
from clv.models import GammaGamma
from clv.models.base import PurchaseModel
from clv.prep import MAX_HORIZON_MONTHS, Summary
from clv.scenarios import (
    Levers,
    Scenario,
    base_values,
    scenario_of,
    sensitivity,
    what_if,
    what_if_inputs,
)
from clv.segments import Segments, segment_customers
from clv.subscriptions import Subscriptions, outside_notes, saas_metrics
from clv.timing import cross_sell, has_products, next_purchase
from clv.valuation import Settings, Valuation, no_dropout, value_customers
from clv.value import ValueIntervals

Progress = Callable[[str, float], None]
__all__ = ["MAX_HORIZON_MONTHS", "Analysis", "Settings", "analyze"]


@dataclass(frozen=True)
class Analysis:
    """Every result of :func:`analyze`, and the settings that produced them."""

    settings: Settings
    transactions: Transactions
    summary: Summary
    scorecard: Scorecard | None
    model: PurchaseModel
    spend_model: GammaGamma | None
    value: pl.DataFrame  # per customer: p_alive, expected purchases and spend, clv + interval
    intervals: ValueIntervals
    segments: Segments
    cohorts: Cohorts
    cross_sell: pl.DataFrame | None
    next_purchase: pl.DataFrame
    scenario: Scenario
    sensitivity: pl.DataFrame
    channels: Acquisition | None
    subscriptions: Subscriptions | None
    kpis: dict[str, Any]
    seconds: dict[str, float]
    notes: list[str]
    currency: str | None = None
    # how the spend, customers and subscriptions tables were read (an analysis saved before
    # they were carried opens with none: the class's default)
    table_reports: tuple[TableReport, ...] = ()
    # the paid orders per customer (:func:`paid_orders`); None for an analysis saved before
    # they were counted, or made by an engine that does not count them
    paid_orders: pl.DataFrame | None = None

    def table_report(self, kind: str) -> TableReport | None:
        """The report of the ``kind`` table's reading (spend, customers, subscriptions), or
        None when the analysis has none."""
        return next((r for r in self.table_reports if r.kind == kind), None)

    @cached_property
    def customers(self) -> pl.DataFrame:
        """One row per customer, for lookups and filters: the segmentation's columns (RFM,
        segment, revenue to date, CLV, P(alive), tier), the CLV interval, the acquisition
        month (``acquired``), the acquisition channel (the first line's, when the
        transactions carry one), the next-purchase probability and date."""
        value = self.value.select("customer_id", "expected_spend", "clv_lower", "clv_upper")
        acquired = self.cohorts.customers.select("customer_id", "acquired")
        nxt = self.next_purchase.drop("p_alive")
        if self.kpis.get("no_prediction"):  # no figure of the future: null, not a fit's ~0
            value = value.with_columns(pl.lit(None, pl.Float64).alias(c)
                                       for c in ("clv_lower", "clv_upper"))
            nxt = nxt.with_columns(pl.lit(None, nxt.schema[c]).alias(c)
                                   for c in nxt.columns if c != "customer_id")
        out = (self.segments.customers.join(value, on="customer_id", how="left")
               .join(acquired, on="customer_id", how="left")
               .join(nxt, on="customer_id", how="left"))
        frame = self.transactions.frame
        if "channel" in frame.columns:
            first = frame.sort("timestamp").group_by("customer_id").agg(
                pl.col("channel").first().cast(pl.String))
            out = out.join(first, on="customer_id", how="left")
        return out

    @cached_property
    def listed(self) -> pl.DataFrame:
        """:attr:`customers` as the faces list them: with each customer's ``paid_orders``
        (null for every customer when the analysis has no count of them)."""
        if self.paid_orders is None:
            return self.customers.with_columns(pl.lit(None, pl.Int64).alias("paid_orders"))
        return self.customers.join(self.paid_orders, on="customer_id", how="left")

    def what_if(self, levers: Levers) -> Scenario:
        """The what-if of :func:`clv.scenarios.what_if` under other ``levers``, with this
        analysis's model, horizon, margin, discount rate and CAC (the base's values computed
        once per analysis: the dashboard's sliders ask many)."""
        inputs, at_base = self._what_if_base
        return scenario_of(inputs, levers, at_base)

    @cached_property
    def _what_if_base(self) -> tuple[Any, Any]:
        inputs = what_if_inputs(self.model, self.summary, self.settings.horizon,
                                self.settings.horizon_unit, cac=self.scenario.base.get("cac"),
                                **self._levers_kw)
        return inputs, base_values(inputs)

    @property
    def _levers_kw(self) -> dict[str, Any]:
        cfg = self.settings
        spend = self.spend_model if self.spend_model is not None else float(
            self.value["expected_spend"][0]) if self.value.height else 1.0
        return {"spend": spend, "margin": cfg.margin, "discount_rate": cfg.discount_rate,
                "new_customer_ltv": self.kpis.get("new_customer_ltv")}


STEPS = ("data", "models", "value", "segments", "cohorts", "timing", "channels", "levers",
         "subscriptions")
"""The steps of an analysis, in their order (each reported to ``progress``)."""


def step_clock(steps: tuple[str, ...], progress: Progress | None
               ) -> tuple[dict[str, float], Callable[[str], None]]:
    """The seconds of each step (filled as they end) and ``done(step)``, which marks the end
    of ``step``: its time since the previous end, and ``progress(step, fraction done)``."""
    seconds: dict[str, float] = {}
    clock = [time.perf_counter()]

    def done(name: str) -> None:
        now = time.perf_counter()
        seconds[name] = now - clock[0]
        clock[0] = now
        if progress is not None:
            progress(name, (steps.index(name) + 1) / len(steps))

    return seconds, done


def analyze(
    transactions: Any,
    *,
    spend: pl.DataFrame | None = None,
    subscriptions: pl.DataFrame | None = None,
    customers: pl.DataFrame | None = None,
    settings: Settings | None = None,
    progress: Progress | None = None,
    table_reports: Mapping[str, TableReport] | Iterable[TableReport] | None = None,
) -> Analysis:
    """Run every analysis of clv on ``transactions`` (a path, a frame or ``Transactions``),
    with the optional ``spend`` table (channels), ``subscriptions`` table (SaaS metrics) and
    ``customers`` attributes; ``progress(step, fraction)`` is called after each step.
    ``table_reports``: how those tables were read (:func:`clv.data.tables.read_spend_report`
    and its kin), carried in the analysis with what the analysis adds to them (a spend
    channel that is no customer's, subscriptions after the last month reported or ending
    after the analysis's end...)."""
    cfg = settings or Settings()
    seconds, done = step_clock(STEPS, progress)
    tx = transactions if isinstance(transactions, Transactions) else read_transactions(
        transactions)
    done("data")
    val = value_customers(tx, cfg, progress=done)
    made = decisions(tx, val, cfg, done, seconds, spend=spend, subscriptions=subscriptions,
                     customers=customers, table_reports=table_reports)
    return dataclasses.replace(made, paid_orders=paid_orders(tx.frame, made.summary.frame))


def paid_orders(frame: pl.DataFrame, customers: pl.DataFrame) -> pl.DataFrame:
    """The paid orders of each customer of ``customers`` (``customer_id``, ``paid_orders``)
    in the validated transactions ``frame``: the orders with a positive amount, counted by
    distinct order id when the log has order ids (a line without one counts as one order),
    else the transaction rows with a positive amount; 0 for a customer with none (refunds
    only). Not the purchase days of the summary: two orders of one day are two orders."""
    paid = frame.lazy().filter(pl.col("amount") > 0)
    if "order_id" in frame.columns:
        count = (pl.col("order_id").drop_nulls().n_unique()
                 + pl.col("order_id").null_count()).cast(pl.Int64)
    else:
        count = pl.len().cast(pl.Int64)
    counted = paid.group_by("customer_id").agg(count.alias("paid_orders"))
    return (customers.lazy().select("customer_id")
            .join(counted, on="customer_id", how="left")
            .with_columns(pl.col("paid_orders").fill_null(0))
            .collect())


def decisions(
    tx: Transactions,
    val: Valuation,
    cfg: Settings,
    done: Callable[[str], None],
    seconds: dict[str, float],
    *,
    spend: pl.DataFrame | None = None,
    subscriptions: pl.DataFrame | None = None,
    customers: pl.DataFrame | None = None,
    table_reports: Mapping[str, TableReport] | Iterable[TableReport] | None = None,
    products: Any = None,
    counted: Callable[[Cohorts], Cohorts] | None = None,
) -> Analysis:
    """The analyses that follow the valuation ``val`` of ``tx`` (segments, cohorts, timing,
    channels, levers, subscriptions, the KPIs) and the :class:`Analysis` they make, the same
    for :func:`analyze` and the Spark engine's (:func:`clv.spark.analyze`). ``done(step)``
    marks each step (``seconds`` holds their times). ``products``: what
    :func:`clv.timing.cross_sell` reads (default ``tx`` when it has a product column);
    ``counted``: applied to the cohorts and the channels' curves (the Spark engine counts
    there the lines left out, its ``tx`` holding one row per customer and day)."""
    notes = list(val.notes)
    unpredictable = val.no_prediction  # said by value_customers, not by the Spark engine's
    if unpredictable is not None and all(getattr(n, "key", None) != unpredictable.key
                                         for n in notes):
        notes.append(unpredictable)
    summary, model, value = val.summary, val.model, val.value
    segs = segments_of(val)
    done("segments")
    coh = cohorts(tx, summary, period=cfg.period, purchases=model, spend=val.spend,
                  margin=cfg.margin)
    if counted is not None:
        coh = counted(coh)
    notes.extend(coh.notes)
    done("cohorts")
    if products is None and "product" in tx.frame.columns:
        products = tx
    # a product column found but blank on every purchase (an export's empty SKU column):
    # no cross-sell to show, as without a product column (cross_sell refuses it)
    pairs = cross_sell(products) if products is not None and has_products(products) else None
    nxt = next_purchase(model, summary, cfg.next_days)
    done("timing")

    acq = None
    if spend is not None:
        acq = channels(tx, summary, spend, value, customers=customers, margin=cfg.margin,
                       purchases=model, spend_model=val.spend, predicted=val.basis)
        if counted is not None:
            acq = dataclasses.replace(acq, curves=counted(acq.curves))
        notes.extend(acq.notes)  # e.g. a customers table whose ids match no customer
    done("channels")
    new_ltv = (acq.blended_ltv if acq is not None and acq.blended_ltv is not None
               else recent_ltv(value, summary))
    cac = cfg.cac if cfg.cac is not None else (acq.blended_cac if acq else None)
    scenario, sens = levers_of(val, cac, new_ltv)
    done("levers")
    # the months that ended by the analysis's end, as the transactions' figures
    subs = saas_metrics(subscriptions, as_of=summary.observation_end, margin=cfg.margin,
                        discount_rate=cfg.discount_rate) if subscriptions is not None else None
    done("subscriptions")

    kpis = _kpis(val, segs, scenario, acq, subs, new_ltv)
    reports = _reports(table_reports)
    if acq is not None and "spend" in reports:
        spent = reports["spend"]
        reports["spend"] = dataclasses.replace(spent, notes=[*spent.notes, *spend_notes(
            acq, summary, spent.currency, val.currency)])
    if subs is not None and subscriptions is not None and "subscriptions" in reports:
        read = reports["subscriptions"]
        reports["subscriptions"] = dataclasses.replace(read, notes=[
            *read.notes, *subs.notes,
            *outside_notes(subscriptions, subs, summary.observation_end)])
    return Analysis(cfg, tx, summary, val.scorecard, model, val.spend_model, value,
                    val.intervals, segs, coh, pairs, nxt, scenario, sens, acq, subs, kpis,
                    seconds, notes, val.currency,
                    tuple(reports[k] for k in KINDS if k in reports))


def _reports(given: Mapping[str, TableReport] | Iterable[TableReport] | None
             ) -> dict[str, TableReport]:
    """The table reports given to :func:`analyze`, by kind."""
    if given is None:
        return {}
    found = list(given.values()) if isinstance(given, Mapping) else list(given)
    return {r.kind: r for r in found}


RECENT_MONTHS = 12


def segments_of(val: Valuation) -> Segments:
    """The segments of a valuation, with the activity views' informative P(alive) (see
    ``clv.valuation``), as every face shows them."""
    return segment_customers(val.summary, val.value.with_columns(
        pl.col("p_alive_activity").alias("p_alive")), predicted=val.basis,
        unpredicted=val.no_prediction is not None)


def levers_of(val: Valuation, cac: float | None, new_customer_ltv: float | None = None
              ) -> tuple[Scenario, pl.DataFrame]:
    """The what-if of the settings' levers and the sensitivity to each lever, on a
    valuation; the new customer's figures anchored to ``new_customer_ltv`` (default: the
    LTV of the customers acquired in the last months, :func:`recent_ltv`)."""
    cfg = val.settings
    anchor = new_customer_ltv if new_customer_ltv is not None else recent_ltv(val.value,
                                                                              val.summary)
    kw: dict[str, Any] = {"spend": val.spend, "margin": cfg.margin,
                          "discount_rate": cfg.discount_rate}
    scenario = what_if(val.model, val.summary, cfg.horizon, cfg.horizon_unit,
                       levers=cfg.lever, cac=cac, new_customer_ltv=anchor, **kw)
    return scenario, sensitivity(val.model, val.summary, cfg.horizon, cfg.horizon_unit, **kw)


def recent_ltv(value: pl.DataFrame, summary: Summary, months: int = RECENT_MONTHS) -> float:
    """The LTV of a new customer without a spend table: the mean lifetime value of the
    customers acquired in the last ``months`` months of the data (all customers when none
    was), the same definition as the channels' over the spend table's months."""
    f = summary.frame.select("customer_id", "first_purchase")
    start = summary.observation_end - dt.timedelta(days=months * 30.4375)
    recent = f.filter(pl.col("first_purchase").cast(pl.Date) > start)["customer_id"]
    chosen = value.filter(pl.col("customer_id").is_in(recent.implode())) if recent.len() \
        else value
    return float(chosen["lifetime_value"].mean()) if chosen.height else float("nan")  # type: ignore[arg-type]


UNPREDICTED = ("predicted_clv", "predicted_clv_total", "predicted_clv_total_lower",
               "predicted_clv_total_upper", "lifetime_value", "new_customer_ltv",
               "gini_predicted")
"""The KPIs of the future, null when no prediction is possible
(:func:`clv.valuation.prediction_note`)."""


def _kpis(val: Valuation, segs: Segments, scenario: Scenario,
          acq: Acquisition | None, subs: Subscriptions | None, new_ltv: float
          ) -> dict[str, Any]:
    """The headline figures an analysis is remembered by (``clv.measures`` defines each)."""
    f, value, intervals = val.summary.frame, val.value, val.intervals
    judged = value["p_alive_activity"].drop_nulls()
    out: dict[str, Any] = {
        "date": dt.date.today().isoformat(),
        "observation_end": str(val.summary.observation_end),
        "customers": f.height,
        # the customers' revenue, so that customers x revenue per customer = revenue (the
        # refunds of customers without a purchase are left out with them, said in the notes)
        "revenue": float(value["revenue_to_date"].sum()),
        "repeat_rate": float((f["frequency"] > 0).mean()),  # type: ignore[arg-type]
        "historical_ltv": float(value["revenue_to_date"].mean()),  # type: ignore[arg-type]
        "margin_to_date": float(value["margin_to_date"].mean()),  # type: ignore[arg-type]
        "predicted_clv": float(value["clv"].mean()),  # type: ignore[arg-type]
        "predicted_clv_total": intervals.total["clv"],
        "predicted_clv_total_lower": intervals.total["lower"],
        "predicted_clv_total_upper": intervals.total["upper"],
        "lifetime_value": float(value["lifetime_value"].mean()),  # type: ignore[arg-type]
        "active_share": float((judged >= 0.5).mean()) if judged.len() else None,  # type: ignore[arg-type]
        "churn_share": float((judged < 0.5).mean()) if judged.len() else None,  # type: ignore[arg-type]
        "not_judged": f.height - judged.len(),
        "gini_predicted": segs.concentration["predicted"].gini
        if "predicted" in segs.concentration else None,
        "model": val.model.NAME,
        "new_customer_ltv": new_ltv,
        "currency": val.currency,
    }
    if acq is not None:
        out["blended_cac"] = acq.blended_cac
        if acq.blended_ltv_cac is not None:
            out["ltv_cac"] = acq.blended_ltv_cac
        if acq.paid_ltv_cac is not None:
            out["paid_ltv_cac"] = acq.paid_ltv_cac
    if subs is not None and subs.months.height:
        last = subs.months.row(-1, named=True)
        out.update(mrr=last["mrr"], arpa=last["arpa"], nrr=last["nrr"],
                   customer_churn=last["customer_churn"])
    unpredictable = val.no_prediction
    if unpredictable is None and no_dropout(val.model):  # the faces say it by those figures
        out["no_dropout"] = True
    if unpredictable is not None:  # the figures of the future are not given (see the note)
        out.update(dict.fromkeys(UNPREDICTED, None), no_prediction=unpredictable.key)
        if "ltv_cac" in out:
            out["ltv_cac"] = None
        out.pop("paid_ltv_cac", None)
    return out
