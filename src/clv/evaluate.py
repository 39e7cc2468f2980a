"""Holdout scorecard: how well each purchase model, fitted on a calibration period, predicts the
holdout period, side by side with a naive baseline.

For every customer of the calibration period the holdout truth is the number of repeat
purchase periods in the holdout and their amount (frequency_holdout x monetary_holdout, the
same definition as the calibration's monetary: refund-only days are not purchases). Each
model predicts E[Y(t) | x, t_x, T] over the holdout's length t; revenue multiplies it by the
Gamma-Gamma expected spend. The baseline carries each customer's past repeat rate forward:
x / T x t purchases at their own mean spend.

Measures (Fader, Hardie & Lee 2005 for the tracking and conditional-expectation checks):
per-customer MAE and RMSE of holdout transactions and revenue; the error of the total; the
cumulative repeat transactions of the whole cohort per unit of time, calibration and holdout,
against the sum of E[X(age)] over customers; the normalized Gini of each prediction (the area
between the Lorenz curve of actual value ordered by prediction and the diagonal, divided by the
same area when ordered by actual value: 1 is a perfect ranking, 0 a random one); a decile table
(customers ranked by prediction, predicted and actual means per tenth); the calibration
log-likelihood, AIC and BIC.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from clv.errors import ClvError
from clv.models import MODELS, GammaGamma  # MODELS re-exported: the registry's
from clv.models.base import PurchaseModel
from clv.prep.summary import (
    LINKED,
    NET_ZERO,
    UNIT_DAYS,
    Summary,
    _lazy,
    _netted_period,
    rfm_summary,
)

BASELINE = "naive"


@dataclass
class Scorecard:
    """The comparison of the models on one calibration / holdout split.

    ``table``: one row per model and the baseline. ``tracking``: cumulative repeat
    transactions per unit of time, actual and per model. ``deciles``: predicted and actual
    means per decile of each model's prediction. ``best``: the model with the lowest RMSE of
    holdout transactions (``criterion``). ``ranking``: the fitted models' keys, best first:
    by that criterion, a model whose score is not finite last, exact ties in the order the
    models were asked for (so that every caller, ``clv.pipeline`` included, ranks alike).
    ``failed``: models that could not be fitted, with the reason. ``naive_best``: the naive
    baseline has a lower RMSE than every model (``best`` is then only the best of the models).
    """

    table: pl.DataFrame
    tracking: pl.DataFrame
    deciles: pl.DataFrame
    best: str
    criterion: str
    models: dict[str, PurchaseModel]
    spend: GammaGamma | None
    summary: Summary
    failed: dict[str, str] = field(default_factory=dict)
    naive_best: bool = False
    ranking: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        cols = ["model", "rmse_transactions", "mae_transactions", "total_transactions_error",
                "rmse_revenue", "total_revenue_error", "gini_revenue", "bic"]
        lines = [f"Holdout scorecard ({self.summary.frame.height:,} customers, unit "
                 f"{self.summary.unit}, calibration to {self.summary.calibration_end})"]
        header = [c for c in cols if c in self.table.columns]
        lines.append("  ".join(f"{c:>14}" for c in header))
        for row in self.table.select(header).iter_rows():
            lines.append("  ".join(f"{v:>14}" if isinstance(v, str) else
                                   ("{:>14}".format("-") if v is None else f"{v:>14.4g}")
                                   for v in row))
        lines.append(f"best: {self.best} (lowest {self.criterion})")
        if self.naive_best:
            lines.append(f"the naive baseline beats every model ({self.criterion})")
        lines.extend(f"not fitted: {k}: {v}" for k, v in self.failed.items())
        return "\n".join(lines)


def normalized_gini(actual: np.ndarray, predicted: np.ndarray) -> float:
    """Normalized Gini of ``predicted`` as a ranking of ``actual``: G(pred) / G(actual), G
    being the area between the Lorenz curve of actual values taken in decreasing order of the
    ranking and the diagonal. Ties in the ranking are taken together (linear Lorenz segment),
    so the result does not depend on the order of tied customers."""
    actual = np.asarray(actual, dtype=float)
    total = actual.sum()
    if actual.size == 0 or total <= 0:
        return float("nan")

    def area(order_by: np.ndarray) -> float:
        keys, inverse = np.unique(-order_by, return_inverse=True)
        count = np.bincount(inverse, minlength=keys.size)
        value = np.bincount(inverse, actual, minlength=keys.size)
        x = np.concatenate(([0.0], np.cumsum(count) / actual.size))
        y = np.concatenate(([0.0], np.cumsum(value) / total))
        return float(np.sum(np.diff(x) * (y[1:] + y[:-1]) / 2) - 0.5)

    best = area(actual)
    return area(np.asarray(predicted, dtype=float)) / best if best > 0 else float("nan")


def _deciles(name: str, pred_tx: np.ndarray, actual_tx: np.ndarray, pred_rev: np.ndarray,
             actual_rev: np.ndarray) -> pl.DataFrame:
    order = np.argsort(-pred_rev, kind="stable")
    decile = np.empty(order.size, dtype=np.int64)
    decile[order] = np.arange(order.size) * 10 // order.size + 1
    return pl.DataFrame({"decile": decile, "pt": pred_tx, "at": actual_tx, "pr": pred_rev,
                         "ar": actual_rev}).group_by("decile").agg(
        pl.len().alias("customers"),
        pl.col("pt").mean().alias("predicted_transactions"),
        pl.col("at").mean().alias("actual_transactions"),
        pl.col("pr").mean().alias("predicted_revenue"),
        pl.col("ar").mean().alias("actual_revenue"),
    ).sort("decile").select(pl.lit(name).alias("model"), pl.all())


def _row(name: str, pred_tx: np.ndarray, actual_tx: np.ndarray, pred_rev: np.ndarray,
         actual_rev: np.ndarray, model: PurchaseModel | None) -> dict[str, Any]:
    err_tx, err_rev = pred_tx - actual_tx, pred_rev - actual_rev
    return {
        "model": name,
        "mae_transactions": float(np.mean(np.abs(err_tx))),
        "rmse_transactions": float(np.sqrt(np.mean(err_tx ** 2))),
        "mae_revenue": float(np.mean(np.abs(err_rev))),
        "rmse_revenue": float(np.sqrt(np.mean(err_rev ** 2))),
        "predicted_transactions": float(pred_tx.sum()),
        "actual_transactions": float(actual_tx.sum()),
        "total_transactions_error": float(pred_tx.sum() / actual_tx.sum() - 1)
        if actual_tx.sum() > 0 else None,
        "predicted_revenue": float(pred_rev.sum()),
        "actual_revenue": float(actual_rev.sum()),
        "total_revenue_error": float(pred_rev.sum() / actual_rev.sum() - 1)
        if actual_rev.sum() > 0 else None,
        "gini_transactions": normalized_gini(actual_tx, pred_tx),
        "gini_revenue": normalized_gini(actual_rev, pred_rev),
        "loglik": model.loglik_ if model else None,
        "aic": model.aic_ if model else None,
        "bic": model.bic_ if model else None,
    }


def evaluate(
    transactions: Any,
    calibration_end: dt.date | str,
    *,
    unit: str = "week",
    observation_end: dt.date | str | None = None,
    models: tuple[str, ...] = ("bgnbd", "mbgnbd", "pnbd"),
    merge: str = "day",
    midpoint: bool = False,
) -> Scorecard:
    """Fit each model on the calibration period and score it on the holdout (see the module
    docstring). ``transactions`` is what :func:`clv.rfm_summary` takes; the log itself is
    needed for the tracking of cumulative transactions."""
    unknown = [m for m in models if m not in MODELS]
    if unknown:
        raise ClvError(f"unknown model(s) {', '.join(unknown)}; choose from {', '.join(MODELS)}")
    summary = rfm_summary(transactions, unit=unit, observation_end=observation_end,  # type: ignore[arg-type]
                          calibration_end=calibration_end, merge=merge,  # type: ignore[arg-type]
                          midpoint=midpoint)
    if summary.frame.height == 0:
        raise ClvError("no customer in the calibration period")
    return scorecard_of(summary, models,
                        lambda fitted: tracking(transactions, summary, fitted))


def scorecard_of(summary: Summary, models: Sequence[str],
                 tracked: Callable[[dict[str, PurchaseModel]], pl.DataFrame]) -> Scorecard:
    """The scorecard of a calibration ``summary`` (with its holdout columns), whichever
    engine computed it: each of ``models`` fitted on it (those that fail in ``failed``), its
    predictions E[Y(t) | x, t_x, T] over the holdout's length t and their revenue (x the
    Gamma-Gamma expected spend fitted on the calibration, else the mean spend: the valuation's
    fallback policy), scored per customer (:func:`_row`) and per decile (:func:`_deciles`:
    customers ranked by predicted revenue, decreasing, ties in the summary's row order), with
    the naive baseline x / T t; ranked by :func:`rank`; ``tracked(fitted)`` gives the
    cumulative tracking (:func:`tracking` on the log, or its counts made elsewhere). Raises
    :class:`ClvError` when no model could be fitted."""
    f = summary.frame
    duration = float(f["duration_holdout"][0])
    x, tx, t_cap = (f[c].cast(pl.Float64).to_numpy() for c in ("frequency", "recency", "T"))
    monetary = f["monetary"].to_numpy()
    actual_tx = f["frequency_holdout"].cast(pl.Float64).to_numpy()
    actual_rev = actual_tx * f["monetary_holdout"].to_numpy()

    # the spend model and its one fallback policy, as every valuation (clv.valuation)
    from clv.valuation import fit_spend

    spend, per = fit_spend(summary, [])
    per_purchase = (spend.expected_spend(x, monetary) if spend is not None
                    else np.full(x.size, float(per)))  # type: ignore[arg-type]

    fitted: dict[str, PurchaseModel] = {}
    failed: dict[str, str] = {}
    rows, deciles = [], []
    for name in models:
        try:
            model = MODELS[name]().fit(summary)
        except ClvError as exc:  # ConvergenceError, or too few customers
            failed[name] = str(exc)
            continue
        fitted[name] = model
        pred_tx = model.expected_purchases(duration, x, tx, t_cap)
        pred_rev = pred_tx * per_purchase
        rows.append(_row(model.NAME, pred_tx, actual_tx, pred_rev, actual_rev, model))
        deciles.append(_deciles(model.NAME, pred_tx, actual_tx, pred_rev, actual_rev))
    if not fitted:
        raise ClvError("no model could be fitted: " + "; ".join(failed.values()))
    naive_tx = np.where(t_cap > 0, x / np.maximum(t_cap, 1e-12), 0.0) * duration
    naive_rev = naive_tx * np.where(x > 0, monetary, 0.0)
    rows.append(_row(BASELINE, naive_tx, actual_tx, naive_rev, actual_rev, None))
    deciles.append(_deciles(BASELINE, naive_tx, actual_tx, naive_rev, actual_rev))
    table = pl.DataFrame(rows)
    score = dict(table.select("model", "rmse_transactions").iter_rows())
    ranking = rank({key: score[m.NAME] for key, m in fitted.items()})
    best = score[fitted[ranking[0]].NAME]
    naive = score[BASELINE]
    return Scorecard(
        table=table, tracking=tracked(fitted), deciles=pl.concat(deciles),
        best=ranking[0], criterion="RMSE of holdout transactions per customer",
        models=fitted, spend=spend, summary=summary, failed=failed,
        naive_best=bool(np.isfinite(naive) and not naive >= best), ranking=ranking)


def rank(scores: Mapping[str, float | None]) -> list[str]:
    """Keys by increasing score, a score that is not finite (or missing) last, exact ties in
    the order of ``scores``: a deterministic ranking (a sort of the table may order ties
    either way)."""
    order = {key: i for i, key in enumerate(scores)}

    def key(k: str) -> tuple[bool, float, int]:
        v = scores[k]
        finite = v is not None and bool(np.isfinite(v))
        return (not finite, float(v) if finite else 0.0, order[k])  # type: ignore[arg-type]

    return sorted(scores, key=key)


def tracking(transactions: Any, summary: Summary, models: dict[str, PurchaseModel]
             ) -> pl.DataFrame:
    """Cumulative repeat transactions of the summary's customers at the end of each unit of
    time from the first acquisition to the observation end: actual (repeat purchase days after
    each customer's first, as in the summary) and expected, sum_i E[X(age_i)] with customers
    grouped by acquisition date (Fader, Hardie & Lee 2005, figure 2)."""
    f = summary.frame
    start, n_steps, days = tracking_steps(summary)
    end = summary.observation_end
    first = f.select("customer_id", "first_purchase")
    rows = _lazy(transactions)
    linked = LINKED in rows.collect_schema()  # a refund counts on its order's day, as there
    rows = rows.select("customer_id", pl.col("timestamp").dt.date().alias("period"), "amount",
                       *([pl.col(LINKED).dt.date().alias("_order_period")] if linked else []))
    if linked:
        rows = rows.with_columns(_netted_period(end, summary.calibration_end)) \
            .drop("_order_period")
    repeat_days = (
        rows.rename({"period": "day"})
        .filter(pl.col("day") <= end)
        .group_by("customer_id", "day").agg(pl.col("amount").sum())
        .join(first.lazy(), on="customer_id", how="inner")
        .filter((pl.col("day") > pl.col("first_purchase")) & (pl.col("amount") > NET_ZERO))
        .select(((pl.col("day") - pl.lit(start)).dt.total_days() / days).floor()
                .cast(pl.Int64).alias("k"))
        .collect()
    )
    per_step = np.bincount(repeat_days["k"].to_numpy(), minlength=n_steps)[:n_steps]
    return tracking_frame(summary, models, per_step)


def tracking_steps(summary: Summary) -> tuple[dt.date, int, float]:
    """The tracking's steps: its start (the first acquisition), their number (units of time
    up to the observation end) and their length in days."""
    days = UNIT_DAYS[summary.unit]
    start = summary.frame["first_purchase"].min()
    assert isinstance(start, dt.date)
    n_steps = max(1, int(np.ceil(((summary.observation_end - start).days + 1) / days)))
    return start, n_steps, days


def tracking_frame(summary: Summary, models: dict[str, PurchaseModel],
                   per_step: np.ndarray) -> pl.DataFrame:
    """The tracking's table from the actual repeat purchase days of each step (``per_step``,
    counted by whichever engine holds the log): their cumulative count, and the expected one,
    sum_i E[X(age_i)] of each fitted model with the customers grouped by acquisition date."""
    start, n_steps, days = tracking_steps(summary)
    step_end = np.arange(1, n_steps + 1) * days  # days after start
    actual = np.cumsum(per_step)
    cohorts = summary.frame.group_by("first_purchase").len()
    born = np.array([(d - start).days for d in cohorts["first_purchase"]], dtype=float)
    counts = cohorts["len"].to_numpy().astype(float)
    out = {"period": np.arange(1, n_steps + 1),
           "date": [start + dt.timedelta(days=float(e)) for e in step_end],
           "phase": ["calibration" if summary.calibration_end is None
                     or start + dt.timedelta(days=float(e - 1)) <= summary.calibration_end
                     else "holdout" for e in step_end],
           "actual": actual.astype(float)}
    for model in models.values():
        age = np.clip((step_end[:, None] - born[None, :]) / days, 0.0, None)
        out[model.NAME] = (model.expected_repeat_purchases(age) * counts[None, :]).sum(axis=1)
    return pl.DataFrame(out)
