"""One valuation path: the settings every face shares and the steps that value customers.

Every figure of value that clv shows (``clv predict``, ``clv segments``, ``clv channels``,
``clv whatif``, ``clv analyze``, ``clv score``, the report and the dashboard) comes from
:func:`value_customers`, with one :class:`Settings` and one set of defaults, so that the same
data and the same settings give the same numbers on every face. The steps:

1. summarise the transactions in the settings' unit (``clv.rfm_summary``);
2. the purchase model: with ``model="auto"`` (the default) the candidates are fitted up to a
   calibration end (default: the last quarter of the observed span is held out), scored on
   the rest (``clv.evaluate``) and ranked by RMSE of holdout transactions; otherwise the one
   named. The first of them that can be fitted on the whole history is kept; when none can
   (one customer, nobody bought twice) the NBD, which assumes no dropout; the notes say which
   and why;
3. the spend model (:func:`fit_spend`, one fallback policy): Gamma-Gamma; when it cannot be
   fitted, the mean amount of a repeat purchase; without any repeat purchase, the mean amount
   per customer. The notes say which and why;
4. each customer's figures (:func:`clv.value.customer_value` and
   :func:`clv.value.value_intervals`): P(alive), expected and discounted purchases, expected
   spend per purchase, future value over the horizon with its interval, and the vocabulary's
   historical and lifetime figures (``clv.measures``): revenue and margin to date, future
   value over the remaining lifetime, lifetime value = margin to date + that future value.
5. P(alive) for the activity views: BG/NBD assumes that a customer without a repeat purchase
   cannot have dropped out (P(alive) = 1 for every one-time buyer), which says nothing about
   them; for the segment and activity views P(alive) then comes from MBG/NBD, fitted on the
   same summary (``p_alive_activity``), or, when it cannot be fitted, is null for one-time
   buyers (not judged) with a note. Under the NBD or a fit at the no-dropout limit every
   customer is alive by assumption: P(alive) is null for all of them (not judged).
6. No prediction is possible when the data cannot say how often customers buy again
   (:func:`prediction_note`): every first purchase falls on the analysis's last day (no time
   has passed), or no customer made a repeat purchase. The purchase models' likelihoods
   are then flat or at their limit (the NBD's rate goes to 0), so the figures of the future
   (future value, lifetime value, LTV of a new customer, LTV:CAC) are not given on any face
   (null in the KPIs), with the note ``no_prediction_time`` or ``no_prediction_repeat``;
   the history is.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast, get_args

import polars as pl

from clv import defaults as D
from clv.data import Transactions, read_transactions
from clv.errors import ClvError, say
from clv.models import NBD, ConvergenceError, DependenceWarning, GammaGamma
from clv.models.base import PurchaseModel
from clv.models.bgnbd import BGNBD, MBGNBD
from clv.models.gamma_gamma import CORRELATION_LIMIT
from clv.models.registry import MODELS
from clv.notes import Note
from clv.prep import MAX_HORIZON_MONTHS, Summary, check_horizon, rfm_summary
from clv.scenarios import Levers
from clv.value import (
    LIFETIME,
    ValueIntervals,
    customer_value,
    value_intervals,
)

Unit = D.Unit
ModelChoice = D.ModelChoice
Period = D.Period
CANDIDATES = D.CANDIDATES
MAX_DRAWS = 10_000
__all__ = ["LIFETIME", "MAX_HORIZON_MONTHS", "Settings", "Valuation", "fit_spend",
           "value_customers"]


def _one_of(name: str, value: Any, kind: Any) -> None:
    allowed = get_args(kind)
    if value not in allowed:
        raise ClvError(key="error_one_of",
                       values={"name": name, "allowed": list(allowed), "value": value})


@dataclass(frozen=True)
class Settings:
    """What a valuation assumes, with the one set of defaults of every face (written in
    :mod:`clv.defaults`, which the faces read without importing the models).

    - ``unit``: time unit of the models (``day``, ``week``, ``month``, ``year``);
    - ``model``: the purchase model, ``auto`` (chosen on a holdout among ``models``) or one of
      ``bgnbd``, ``mbgnbd``, ``pnbd``;
    - ``horizon`` (in ``horizon_unit``): the horizon of future value in the "next 12 months"
      views (at most :data:`MAX_HORIZON_MONTHS` months); LTV:CAC and the lifetime value use
      the whole remaining lifetime;
    - ``margin``: gross margin rate in (0, 1]; ``discount_rate``: yearly, 0 or more;
    - ``calibration_end``: end of the calibration period of the model comparison (None: the
      last quarter of the span is held out); ``observation_end``: the last day of data used
      (None: the last transaction's); ``midpoint``: the summary's midpoint convention;
    - ``level`` and ``draws``: the intervals' level and parameter draws;
    - ``period``: the cohorts' period; ``lever``: the what-if's levers; ``cac``: acquisition
      cost per new customer (None: the blended CAC of the spend table, if any);
      ``next_days``: the window of the next-purchase probability; ``currency``: the currency
      of the amounts (None: the one read from the data, if any).

    Each is checked here, so that a face can say which setting is wrong before any work.
    """

    unit: Unit = D.UNIT
    model: ModelChoice = D.MODEL
    horizon: float = D.HORIZON
    horizon_unit: Unit = D.HORIZON_UNIT
    margin: float = D.MARGIN
    discount_rate: float = D.DISCOUNT_RATE
    calibration_end: dt.date | None = None
    observation_end: dt.date | None = None
    midpoint: bool = False
    models: tuple[str, ...] = CANDIDATES
    level: float = D.LEVEL
    draws: int = D.DRAWS
    period: Period = D.PERIOD
    lever: Levers = field(default_factory=lambda: Levers(retention=0.05))
    cac: float | None = None
    next_days: float = D.NEXT_DAYS
    currency: str | None = None

    def __post_init__(self) -> None:
        _one_of("unit", self.unit, Unit)
        _one_of("horizon_unit", self.horizon_unit, Unit)
        _one_of("model", self.model, ModelChoice)
        _one_of("period", self.period, Period)
        check_horizon(self.horizon, self.horizon_unit)
        check_horizon(self.next_days, "day", "next_days")
        if not 0 < self.margin <= 1:
            raise ClvError(key="error_margin", values={"name": "margin", "value": self.margin})
        if not 0 <= self.discount_rate < math.inf:
            raise ClvError(key="error_discount_rate",
                           values={"name": "discount_rate", "value": self.discount_rate})
        if not 0 < self.level < 1:
            raise ClvError(key="error_level", values={"name": "level", "value": self.level})
        if isinstance(self.draws, bool) or not 20 <= self.draws <= MAX_DRAWS:
            raise ClvError(key="error_draws",
                           values={"name": "draws", "most": MAX_DRAWS, "value": self.draws})
        if self.cac is not None and not 0 < self.cac < math.inf:
            raise ClvError(key="error_cac", values={"name": "cac", "value": self.cac})
        unknown = [m for m in self.models if m not in CANDIDATES]
        if unknown or not self.models:
            raise ClvError(key="error_models", values={"name": "models",
                                                       "allowed": list(CANDIDATES),
                                                       "value": unknown})
        if self.currency is not None and not (len(self.currency) == 3
                                              and self.currency.isalpha()):
            raise ClvError(key="error_currency",
                           values={"name": "currency", "value": self.currency})

    @property
    def basis(self) -> str:
        """The settings a future value depends on, in words."""
        return (f"margin {self.margin:.0%}, discount {self.discount_rate:.0%}/year, "
                f"horizon {self.horizon:g} {self.horizon_unit}(s)")


@dataclass(frozen=True)
class Valuation:
    """The result of :func:`value_customers`.

    ``value``: one row per customer of the summary: ``p_alive`` (of ``model``, the one the
    values use), ``p_alive_activity`` (the activity views', see the module docstring; null
    where not judged), ``expected_purchases`` and ``discounted_purchases`` over the horizon,
    ``expected_spend`` per purchase, ``clv`` (future value over the horizon) with
    ``clv_lower``/``clv_upper``, ``revenue_to_date``, ``margin_to_date``,
    ``future_value_lifetime`` and ``lifetime_value``.
    """

    settings: Settings
    transactions: Transactions
    summary: Summary
    scorecard: Any  # clv.evaluate.Scorecard | None
    model: PurchaseModel
    spend_model: GammaGamma | None
    spend: GammaGamma | float  # what the values use per purchase
    value: pl.DataFrame
    intervals: ValueIntervals
    currency: str | None
    notes: list[str]

    @property
    def no_prediction(self) -> Note | None:
        """Why no prediction is possible on this data (:func:`prediction_note`), or None."""
        return prediction_note(self.summary)

    @property
    def spend_name(self) -> str:
        return "Gamma-Gamma" if self.spend_model is not None else "mean spend per purchase"

    @property
    def basis(self) -> str:
        """What the future value is, in words (model, spend model and settings)."""
        cfg = self.settings
        return (f"{self.model.NAME} + {self.spend_name}, {cfg.basis}"
                + (f", in {self.currency}" if self.currency else ""))


def choose_model(transactions: Transactions, settings: Settings, notes: list[str]
                 ) -> tuple[Any, list[str]]:
    """The scorecard on a holdout and the candidate models' keys, best first; with a model
    named in the settings, no scorecard and that model alone."""
    from clv.evaluate import BASELINE, evaluate

    models = MODELS
    if settings.model != "auto":
        return None, [settings.model]
    frame = transactions.frame
    if frame.height == 0:
        return None, list(settings.models)
    ts = pl.col("timestamp")
    cal = settings.calibration_end or default_calibration_end(
        *frame.select(ts.min().alias("first"), ts.max().alias("last")).row(0))
    try:
        card = evaluate(transactions, cal, unit=settings.unit, models=settings.models,
                        observation_end=settings.observation_end, midpoint=settings.midpoint)
    except ClvError as exc:
        notes.append(Note("no_comparison", **_reason(exc),
                          model=models[settings.models[0]].NAME))
        return None, list(settings.models)
    if card.naive_best:  # the best model is only the best of the models: say so
        rmse = dict(card.table.select("model", "rmse_transactions").iter_rows())
        name = models[card.best].NAME
        notes.append(Note("naive_best", naive=rmse[BASELINE], best=rmse[name], model=name))
    return card, list(card.ranking)  # the scorecard's order: clv evaluate shows the same


def default_calibration_end(first: dt.datetime | dt.date, last: dt.datetime | dt.date
                            ) -> dt.date:
    """The calibration end of a model comparison when none is given: the day three quarters
    of the way from the first transaction's time to the last (the last quarter of the
    observed span is the holdout). One rule for both engines: the Spark engine gives the
    first and last times it computed (:func:`clv.spark.choose_model`)."""
    ts = pl.col("timestamp")
    return cast(dt.date, pl.DataFrame({"timestamp": [first, last]}).select(
        (ts.min() + (ts.max() - ts.min()) * 0.75).dt.date()).item())


def fit_purchases(summary: Summary, ranked: list[str], notes: list[str]) -> PurchaseModel:
    """The first model of ``ranked`` that can be fitted on ``summary``; when none can (one
    customer, nobody bought twice), the NBD. Each model passed over is named in ``notes``
    with the reason; when none can be fitted, one note gives the reasons (each once), and
    the kept model's own notes (e.g. a fit at a limit) are added."""
    model: PurchaseModel | None = None
    failed: list[tuple[str, ClvError]] = []
    for key in ranked:
        try:
            model = MODELS[key]().fit(summary)
            break
        except ClvError as exc:  # ConvergenceError, or too few customers
            failed.append((key, exc))
    if model is None:
        said = {lang: "; ".join(dict.fromkeys(_without_name(say(error, lang), MODELS[name].NAME)
                                              for name, error in failed))
                for lang in ("en", "fr")}
        notes.append(Note("no_model", reason=said["en"], reason_fr=said["fr"]))
        model = NBD().fit(summary)
    else:
        for (name, error), following in zip(failed, [*ranked[1:], None], strict=False):
            kind = "not_converged" if isinstance(error, ConvergenceError) else "not_fitted"
            notes.append(Note(kind, model=MODELS[name].NAME, **_reason(error),
                              next=MODELS[following].NAME if following else ""))
    notes.extend(model.notes_)
    return model


def _reason(exc: ClvError) -> dict[str, str]:
    """A note's ``reason`` from an error: its English sentence, and ``reason_fr`` its French
    one (which the report and the dashboard say in French, ``clv.report.text.note``)."""
    return {"reason": str(exc), "reason_fr": say(exc, "fr")}


def _without_name(reason: str, name: str) -> str:
    """A model's error without its leading 'Name: ' (French 'Name : ', any space before the
    colon), the same data reason said once."""
    return re.sub(rf"^{re.escape(name)}\s?: ", "", reason)


def fit_spend(summary: Summary, notes: list[str]) -> tuple[GammaGamma | None, float | GammaGamma]:
    """The spend model and what the values use per purchase: Gamma-Gamma when it can be
    fitted with a finite mean spend (q > 1; its doubt about independence of spend and
    frequency said as a note); else the mean amount of a repeat purchase; without any repeat
    purchase, the mean amount per customer. The fallback is said in ``notes``."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DependenceWarning)
            gg = GammaGamma().fit(summary)
    except ClvError as exc:  # ConvergenceError, too few repeat buyers, no finite mean
        notes.append(Note("no_spend_model", **_reason(exc)))
        return None, _mean_spend(summary)
    if not gg.params_["q"] > 1:  # no finite mean spend: Gamma-Gamma cannot value anyone
        notes.append(Note("spend_mean_infinite", q=float(gg.params_["q"])))
        return None, _mean_spend(summary)
    notes.extend(gg.notes_)
    if abs(gg.independence_) > CORRELATION_LIMIT:
        notes.append(Note("spend_dependence", r=gg.independence_, limit=CORRELATION_LIMIT))
    return gg, gg


def _mean_spend(summary: Summary) -> float:
    """The fallback's spend per purchase: the mean amount of a repeat purchase (over repeat
    purchases, each customer's mean weighted by their repeat purchases); without any repeat
    purchase, the mean amount per customer."""
    f = summary.frame
    repeat = f.filter(pl.col("frequency") > 0)
    if repeat.height:
        purchases = float(repeat["frequency"].sum())
        return float((repeat["monetary"] * repeat["frequency"]).sum()) / purchases
    return float(f["total_amount"].sum()) / max(f.height, 1)


def _no_dropout(model: PurchaseModel) -> bool:
    """The NBD, or a fit at the no-dropout limit: every customer counts as alive by the
    model's assumption, which says nothing about who is still active."""
    return isinstance(model, NBD) or any(getattr(n, "key", "") == "no_dropout"
                                         for n in model.notes_)


def _activity(model: PurchaseModel, summary: Summary, value: pl.DataFrame, notes: list[str]
              ) -> pl.Series:
    """P(alive) for the segment and activity views (see the module docstring)."""
    f = summary.frame
    unknown = pl.Series([None] * f.height, dtype=pl.Float64)
    if _no_dropout(model):
        notes.append(Note("p_alive_no_dropout", model=model.NAME))
        return unknown.alias("p_alive_activity")
    if type(model) is not BGNBD:
        return value["p_alive"].alias("p_alive_activity")
    try:
        mbg = MBGNBD().fit(summary)
    except ClvError as exc:
        mbg = None
        reason = str(exc)
    if mbg is None or _no_dropout(mbg):
        notes.append(Note("p_alive_not_judged", reason=reason if mbg is None
                          else f"{mbg.NAME} finds no dropout"))
        return value["p_alive"].zip_with(f["frequency"] > 0, unknown).alias("p_alive_activity")
    notes.append(Note("p_alive_activity", model=mbg.NAME))
    return pl.Series("p_alive_activity", mbg.p_alive(
        f["frequency"].to_numpy(), f["recency"].to_numpy(), f["T"].to_numpy()))


FUTURE_COLUMNS = ("expected_purchases", "discounted_purchases", "clv", "clv_lower",
                  "clv_upper", "future_value_lifetime", "lifetime_value")
"""The columns of :attr:`Valuation.value` that predict, null on the faces that list customers
when no prediction is possible (:func:`prediction_note`)."""


def no_dropout(model: Any) -> bool:
    """True when the purchase model lets no customer ever leave: the NBD, or a model whose
    fit is at a no-dropout limit (its note ``no_dropout``). The lifetime figures (lifetime
    value, LTV of a new customer, LTV:CAC) are then a discounted perpetuity, which the faces
    say next to them."""
    return getattr(model, "NAME", "") == "NBD" or any(
        getattr(n, "key", "") == "no_dropout" for n in getattr(model, "notes_", ()) or ())


def prediction_note(summary: Summary) -> Note | None:
    """The note saying why no prediction is possible on ``summary`` (step 6 of the module
    docstring), or None when one is: ``no_prediction_time`` when every customer's ``T`` is 0
    (all first purchases on the observation end's day), ``no_prediction_repeat`` when no
    customer has a repeat purchase (``frequency`` 0 for all)."""
    f = summary.frame
    if not f.height:
        return None
    if float(f["T"].max()) <= 0:  # type: ignore[arg-type]
        return Note("no_prediction_time", day=str(summary.observation_end), n=f.height)
    if float(f["frequency"].max()) <= 0:  # type: ignore[arg-type]
        return Note("no_prediction_repeat", n=f.height)
    return None


def purchase_model(transactions: Transactions, settings: Settings
                   ) -> tuple[Summary, PurchaseModel, Any, list[str]]:
    """Steps 1 and 2 of the valuation (see the module docstring): the summary, the purchase
    model (chosen on a holdout or named, with the NBD fallback), the scorecard (None without
    a comparison) and the notes; for the views that need the model without valuing anyone
    (next purchases)."""
    notes: list[str] = []
    # Gamma-Gamma's doubt about its independence assumption is said once, as a note (from
    # the fit on all the data), not as a warning per fit
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DependenceWarning)
        scorecard, ranked = choose_model(transactions, settings, notes)
    summary = rfm_summary(transactions, unit=settings.unit,
                          observation_end=settings.observation_end, midpoint=settings.midpoint)
    model = fit_purchases(summary, ranked, notes)
    if isinstance(model, NBD):  # the comparison's note named a model that is not used
        notes[:] = [n for n in notes if getattr(n, "key", "") != "no_comparison"]
    return summary, model, scorecard, notes


def value_customers(
    transactions: Any,
    settings: Settings | None = None,
    *,
    progress: Callable[[str], None] | None = None,
) -> Valuation:
    """Value every customer of ``transactions`` (a path, a frame or ``Transactions``) under
    ``settings`` (see the module docstring); ``progress(step)`` is called after ``models``
    and ``value``."""
    cfg = settings or Settings()
    tx = transactions if isinstance(transactions, Transactions) else read_transactions(
        transactions)
    summary, model, scorecard, notes = purchase_model(tx, cfg)
    spend_model, spend = fit_spend(summary, notes)
    if progress is not None:
        progress("models")

    kw: dict[str, Any] = {"spend": spend, "margin": cfg.margin,
                          "discount_rate": cfg.discount_rate}
    intervals = value_intervals(model, summary, cfg.horizon, cfg.horizon_unit,
                                level=cfg.level, draws=cfg.draws, **kw)
    notes.extend(intervals.notes)  # draws left out, if any
    value = customer_value(model, summary, cfg.horizon, cfg.horizon_unit, **kw)
    lifetime = customer_value(model, summary, LIFETIME, **kw)["clv"]
    if cfg.discount_rate == 0:
        notes.append(Note("lifetime_capped", months=MAX_HORIZON_MONTHS))
    revenue = summary.frame["total_amount"].cast(pl.Float64)
    value = value.with_columns(
        intervals.customers["clv_lower"], intervals.customers["clv_upper"],
        revenue.alias("revenue_to_date"), (cfg.margin * revenue).alias("margin_to_date"),
        lifetime.alias("future_value_lifetime"),
        (cfg.margin * revenue + lifetime).alias("lifetime_value"))
    value = value.with_columns(_activity(model, summary, value, notes))
    unpredictable = prediction_note(summary)
    if unpredictable is not None:
        notes.append(unpredictable)
    if progress is not None:
        progress("value")
    currency = cfg.currency or getattr(tx, "currency", None)
    return Valuation(cfg, tx, summary, scorecard, model, spend_model, spend, value, intervals,
                     currency, notes)
