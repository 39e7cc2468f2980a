"""One call from data and settings to every result: ``clv.analyze`` -> ``Analysis``.

The steps, in order (each reported to ``progress`` with its share of the work done):

1. read and validate the transactions (``clv.read_transactions``; a frame is read through the
   same validation) and keep the data-quality report;
2. choose the purchase model on a holdout: the models are fitted up to the calibration end
   (default: the last quarter of the observed span is held out) and scored on the rest
   (``clv.evaluate``); the best by RMSE of holdout transactions is kept (a note says when the
   naive baseline beats every model);
3. refit the chosen model and Gamma-Gamma on the whole history (the next best when it does
   not converge; the NBD when none can be fitted, e.g. one customer or no repeat purchase;
   the notes say which, and what a fit at a limit means, e.g. no dropout) and compute each
   customer's CLV over the horizon, with intervals from parameter draws (``clv.value``);
4. segments, cohorts, cross-sell timing and next purchases, what-if levers and their
   sensitivity; acquisition channels when a spend table is given; subscription metrics when
   a subscriptions table is given;
5. a KPI snapshot (``Analysis.kpis``) for the history of analyses.

The report, the dashboard and the CLI only read the ``Analysis``; they compute nothing.
"""

from __future__ import annotations

import datetime as dt
import math
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import polars as pl

from clv.acquisition import Acquisition, channels
from clv.cohorts import PERIODS, Cohorts, cohorts
from clv.data import Transactions, read_transactions
from clv.errors import ClvError
from clv.evaluate import BASELINE, MODELS, Scorecard, evaluate
from clv.models import NBD, ConvergenceError, DependenceWarning, GammaGamma
from clv.models.base import PurchaseModel
from clv.models.gamma_gamma import CORRELATION_LIMIT
from clv.notes import Note
from clv.prep import MAX_HORIZON_MONTHS, UNIT_DAYS, Summary, check_horizon, rfm_summary
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
from clv.subscriptions import Subscriptions, saas_metrics
from clv.timing import cross_sell, next_purchase
from clv.value import ValueIntervals, customer_value, value_intervals

Progress = Callable[[str, float], None]
__all__ = ["MAX_HORIZON_MONTHS", "Analysis", "Settings", "analyze"]


@dataclass(frozen=True)
class Settings:
    """What an analysis assumes: time unit of the models, CLV horizon, gross margin, annual
    discount rate, calibration end of the model comparison (None: the last quarter of the
    span is held out), interval level and draws, cohort period, the what-if lever, CAC for
    the new-customer figures (None: the blended CAC of the spend table, if any).

    Each is checked here, so that a face can say which setting is wrong before any work: the
    horizon is at most :data:`MAX_HORIZON_MONTHS` (50 years; the discounted value costs one
    model evaluation per month of it), ``next_days`` too."""

    unit: str = "week"
    horizon: float = 12.0
    horizon_unit: str = "month"
    margin: float = 1.0
    discount_rate: float = 0.1
    calibration_end: dt.date | None = None
    models: tuple[str, ...] = ("bgnbd", "mbgnbd", "pnbd")
    level: float = 0.9
    draws: int = 100
    period: str = "month"
    lever: Levers = field(default_factory=lambda: Levers(retention=0.05))
    cac: float | None = None
    next_days: float = 30.0

    def __post_init__(self) -> None:
        for name in ("unit", "horizon_unit"):
            if getattr(self, name) not in UNIT_DAYS:
                raise ClvError(f"{name} must be one of {', '.join(UNIT_DAYS)}, not "
                               f"{getattr(self, name)!r}")
        check_horizon(self.horizon, self.horizon_unit)
        check_horizon(self.next_days, "day", "next_days")
        if not 0 < self.margin <= 1:
            raise ClvError(f"margin must be in (0, 1], not {self.margin}")
        if not 0 <= self.discount_rate < math.inf:
            raise ClvError(f"discount_rate must be a yearly rate of 0 or more, not "
                           f"{self.discount_rate}")
        if not 0 < self.level < 1:
            raise ClvError(f"level must be in (0, 1), not {self.level}")
        if self.period not in PERIODS:
            raise ClvError(f"period must be one of {', '.join(PERIODS)}, not {self.period!r}")
        if self.cac is not None and not 0 < self.cac < math.inf:
            raise ClvError(f"cac must be a positive amount, not {self.cac}")
        unknown = [m for m in self.models if m not in MODELS]
        if unknown or not self.models:
            raise ClvError(f"models must be among {', '.join(MODELS)}, not {unknown}")


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

    @cached_property
    def customers(self) -> pl.DataFrame:
        """One row per customer, for lookups and filters: the segmentation's columns (RFM,
        segment, revenue to date, CLV, P(alive), tier), the CLV interval, the acquisition
        month (``acquired``), the acquisition channel (the first line's, when the
        transactions carry one), the next-purchase probability and date."""
        value = self.value.select("customer_id", "expected_spend", "clv_lower", "clv_upper")
        acquired = self.cohorts.customers.select("customer_id", "acquired")
        nxt = self.next_purchase.drop("p_alive")
        out = (self.segments.customers.join(value, on="customer_id", how="left")
               .join(acquired, on="customer_id", how="left")
               .join(nxt, on="customer_id", how="left"))
        frame = self.transactions.frame
        if "channel" in frame.columns:
            first = frame.sort("timestamp").group_by("customer_id").agg(
                pl.col("channel").first().cast(pl.String))
            out = out.join(first, on="customer_id", how="left")
        return out

    def what_if(self, levers: Levers) -> Scenario:
        """The what-if of :func:`clv.scenarios.what_if` under other ``levers``, with this
        analysis's model, horizon, margin, discount rate and CAC (the base's values computed
        once per analysis: the dashboard's sliders ask many)."""
        inputs, at_base = self._what_if_base
        return scenario_of(inputs, levers, at_base)

    @cached_property
    def _what_if_base(self) -> tuple[Any, Any]:
        cfg = self.settings
        kw = _kwargs(self.summary, self.spend_model, cfg)
        inputs = what_if_inputs(self.model, self.summary, cfg.horizon, cfg.horizon_unit,
                                cac=self.scenario.base.get("cac"), **kw)  # type: ignore[arg-type]
        return inputs, base_values(inputs)


def analyze(
    transactions: Any,
    *,
    spend: pl.DataFrame | None = None,
    subscriptions: pl.DataFrame | None = None,
    customers: pl.DataFrame | None = None,
    settings: Settings | None = None,
    progress: Progress | None = None,
) -> Analysis:
    """Run every analysis of clv on ``transactions`` (a path, a frame or ``Transactions``),
    with the optional ``spend`` table (channels), ``subscriptions`` table (SaaS metrics) and
    ``customers`` attributes; ``progress(step, fraction)`` is called after each step."""
    cfg = settings or Settings()
    seconds: dict[str, float] = {}
    notes: list[str] = []
    steps = ("data", "models", "value", "segments", "cohorts", "timing", "channels", "levers",
             "subscriptions")
    clock = [time.perf_counter()]

    def done(name: str) -> None:
        now = time.perf_counter()
        seconds[name] = now - clock[0]
        clock[0] = now
        if progress is not None:
            progress(name, (steps.index(name) + 1) / len(steps))

    tx = transactions if isinstance(transactions, Transactions) else read_transactions(
        transactions)
    done("data")

    # Gamma-Gamma's doubt about its independence assumption is said once, as a note of the
    # analysis (from the fit on all the data), not as a warning per fit
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DependenceWarning)
        scorecard, ranked = _choose(tx, cfg, notes)
        summary = rfm_summary(tx, unit=cfg.unit)  # type: ignore[arg-type]
        try:
            model = _refit(ranked, summary, notes)
        except ClvError as exc:  # one customer, or nobody bought twice: the NBD, whose
            model = NBD().fit(summary)  # limits the notes below state
            notes.append(Note("no_model", reason=str(exc)))
        notes.extend(model.notes_)  # e.g. no dropout: P(alive) is not informative
        try:
            gg: GammaGamma | None = GammaGamma().fit(summary)
            notes.extend(gg.notes_)  # type: ignore[union-attr]
            if abs(gg.independence_) > CORRELATION_LIMIT:  # type: ignore[union-attr]
                notes.append(Note("spend_dependence", r=gg.independence_,  # type: ignore[union-attr]
                                  limit=CORRELATION_LIMIT))
        except (ConvergenceError, ClvError) as exc:
            gg = None
            notes.append(Note("no_spend_model", reason=str(exc)))
    done("models")

    kw = _kwargs(summary, gg, cfg)
    spend_arg = kw["spend"]
    intervals = value_intervals(model, summary, cfg.horizon, cfg.horizon_unit,
                                level=cfg.level, draws=cfg.draws, **kw)  # type: ignore[arg-type]
    notes.extend(intervals.notes)  # draws left out, if any
    value = customer_value(model, summary, cfg.horizon, cfg.horizon_unit, **kw
                           ).join(intervals.customers.drop("clv"), on="customer_id",
                                  how="left", maintain_order="left")  # type: ignore[arg-type]
    done("value")
    predicted = (f"{model.NAME} CLV over {cfg.horizon:g} {cfg.horizon_unit}(s), margin "
                 f"{cfg.margin:.0%}, discount {cfg.discount_rate:.0%}/year")
    segs = segment_customers(summary, value, predicted=predicted)
    done("segments")
    coh = cohorts(tx, summary, period=cfg.period, purchases=model, spend=spend_arg,
                  margin=cfg.margin)
    notes.extend(coh.notes)
    done("cohorts")
    pairs = cross_sell(tx) if "product" in tx.frame.columns else None
    nxt = next_purchase(model, summary, cfg.next_days)
    done("timing")

    acq = None
    if spend is not None:
        acq = channels(tx, summary, spend, value, customers=customers, margin=cfg.margin,
                       purchases=model, spend_model=spend_arg, predicted=predicted)
        notes.extend(acq.notes)  # e.g. a customers table whose ids match no customer
    done("channels")
    cac = cfg.cac if cfg.cac is not None else (acq.blended_cac if acq else None)
    scenario = what_if(model, summary, cfg.horizon, cfg.horizon_unit, levers=cfg.lever,
                       cac=cac, **kw)  # type: ignore[arg-type]
    sens = sensitivity(model, summary, cfg.horizon, cfg.horizon_unit, **kw)  # type: ignore[arg-type]
    done("levers")
    subs = saas_metrics(subscriptions, margin=cfg.margin, discount_rate=cfg.discount_rate) \
        if subscriptions is not None else None
    done("subscriptions")

    kpis = _kpis(tx, summary, value, intervals, segs, scenario, acq, subs, model.NAME)
    return Analysis(cfg, tx, summary, scorecard, model, gg, value, intervals, segs, coh, pairs,
                    nxt, scenario, sens, acq, subs, kpis, seconds, notes)


def _kwargs(summary: Summary, gg: GammaGamma | None, cfg: Settings) -> dict[str, Any]:
    """Spend (Gamma-Gamma, else the mean spend per purchase), margin and discount rate."""
    mean_spend = float(summary.frame.filter(pl.col("frequency") > 0)["monetary"].mean() or 1.0)
    return {"spend": gg if gg is not None else mean_spend, "margin": cfg.margin,
            "discount_rate": cfg.discount_rate}


def _choose(tx: Transactions, cfg: Settings, notes: list[str]
            ) -> tuple[Scorecard | None, list[str]]:
    """The scorecard on a holdout and the models' keys, best first (by the scorecard's
    criterion; without a scorecard, in the order of the settings)."""
    frame = tx.frame
    first, last = frame["timestamp"].min(), frame["timestamp"].max()
    cal = cfg.calibration_end or (first + (last - first) * 0.75).date()  # type: ignore[operator]
    try:
        card = evaluate(tx, cal, unit=cfg.unit, models=cfg.models)
    except ClvError as exc:
        notes.append(Note("no_comparison", reason=str(exc), model=MODELS[cfg.models[0]].NAME))
        return None, list(cfg.models)
    if card.naive_best:  # the best model is only the best of the models: say so
        rmse = dict(card.table.select("model", "rmse_transactions").iter_rows())
        name = MODELS[card.best].NAME
        notes.append(Note("naive_best", naive=rmse[BASELINE], best=rmse[name], model=name))
    return card, list(card.ranking)  # the scorecard's order: clv evaluate shows the same


def _refit(ranked: list[str], summary: Summary, notes: list[str]) -> PurchaseModel:
    """The first model of ``ranked`` that converges on the whole history; a model that does
    not (or cannot be fitted at all, e.g. on too few customers) is named in the notes with the
    reason. A model at a limit (e.g. no dropout) is kept: its predictions are those of the
    limit, and its notes (``notes_``, added by ``analyze``) say so."""
    for i, key in enumerate(ranked):
        try:
            return MODELS[key]().fit(summary)
        except ClvError as exc:  # ConvergenceError, or too few customers
            if i + 1 == len(ranked):
                raise
            kind = "not_converged" if isinstance(exc, ConvergenceError) else "not_fitted"
            notes.append(Note(kind, model=MODELS[key].NAME, reason=str(exc),
                              next=MODELS[ranked[i + 1]].NAME))
    raise ClvError("no purchase model to fit")


def _kpis(tx: Transactions, summary: Summary, value: pl.DataFrame, intervals: ValueIntervals,
          segs: Segments, scenario: Scenario, acq: Acquisition | None,
          subs: Subscriptions | None, model: str) -> dict[str, Any]:
    """The headline figures an analysis is remembered by."""
    f = summary.frame
    out: dict[str, Any] = {
        "date": dt.date.today().isoformat(),
        "observation_end": str(summary.observation_end),
        "customers": f.height,
        "revenue": float(tx.frame["amount"].sum()),
        "repeat_rate": float((f["frequency"] > 0).mean()),
        "historical_ltv": float(f["total_amount"].mean()),
        "predicted_clv": float(value["clv"].mean()),
        "predicted_clv_total": intervals.total["clv"],
        "predicted_clv_total_lower": intervals.total["lower"],
        "predicted_clv_total_upper": intervals.total["upper"],
        "active_share": float((value["p_alive"] >= 0.5).mean()),
        "churn_share": float((value["p_alive"] < 0.5).mean()),
        "gini_predicted": segs.concentration["predicted"].gini,
        "model": model,
        "new_customer_ltv": scenario.base["new_customer_ltv"],
    }
    if acq is not None:
        out["blended_cac"] = acq.blended_cac
        if acq.blended_cac:
            out["ltv_cac"] = scenario.base["new_customer_ltv"] / acq.blended_cac
    if subs is not None and subs.months.height:
        last = subs.months.row(-1, named=True)
        out.update(mrr=last["mrr"], arpa=last["arpa"], nrr=last["nrr"],
                   customer_churn=last["customer_churn"])
    return out
