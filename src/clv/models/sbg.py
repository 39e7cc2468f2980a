"""Shifted-beta-geometric (sBG) model of contractual retention (Fader & Hardie 2007, "How to
project customer retention", Journal of Interactive Marketing 21(1), 76-90).

Each customer renews at the end of every period until they churn, with a churn probability
theta ~ Beta(alpha, beta) that varies across customers and stays fixed over time, so the
retention of a cohort rises as the least loyal leave. Fitted on the number of customers still
active at the start of each period, n_0 >= n_1 >= ... >= n_T, or on a subscriptions table (one
row per subscription with its start and, once cancelled, its end), pooled, per plan or per
acquisition cohort. T, a customer's lifetime, is the number of periods they paid for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, ClassVar, Self, cast

import numpy as np
import polars as pl
from numpy.typing import ArrayLike
from scipy.special import digamma, expit, gammaln

from clv.errors import ClvError
from clv.models.base import Data, FloatArray, Model, check_unit_name, log_rising
from clv.models.quadrature import log_concave_integral

MODE_BISECTIONS = 80
"""Bisection steps for the mode of DERL's integrand in logit(theta): its bracket is at most
tens of units wide, and the mode need only be near the peak (the panels start there)."""


class GroupLeftOut(str):
    """The text of the UserWarning of an sBG group whose fit failed, left out (:func:`fit_sbg`):
    'sBG for plan = basic left out: <why>', with its column ``by``, its ``key`` and the
    ``error`` that stopped it, for a face to say it in its language."""

    by: str
    key: Any
    error: ClvError

    def __new__(cls, by: str, key: Any, error: ClvError) -> GroupLeftOut:
        text = super().__new__(cls, f"sBG for {by} = {key} left out: {error}")
        text.by, text.key, text.error = by, key, error
        return text


class SBG(Model):
    """sBG fitted on survivor counts of one cohort (or of cohorts pooled period by period)."""

    PARAMS: ClassVar[tuple[str, ...]] = ("alpha", "beta")
    COLUMNS: ClassVar[tuple[str, ...]] = ("period", "churned")
    NAME: ClassVar[str] = "sBG"

    def fit(self, data: Sequence[float] | pl.DataFrame | Any, unit: str | None = None) -> Self:
        """Fit on survivors n_0..n_T (customers active at the start of periods 0..T), or on
        the lifetimes rows of :func:`subscription_lifetimes` (see :meth:`fit_lifetimes`);
        ``unit`` names the period (day, week, month, quarter or year)."""
        return self._fit(self._data(data, unit))

    def fit_lifetimes(self, lifetimes: pl.DataFrame, unit: str | None = None) -> Self:
        """Fit on rows (period, churned, weight): ``weight`` customers who churned after paying
        ``period`` periods (churned true) or who are known to have paid more than ``period``
        periods and are still active (churned false): see :func:`subscription_lifetimes`."""
        return self.fit(lifetimes, unit)

    def _data(self, data: Any, unit: str | None = None) -> Data:
        """Weighted (period, churned) rows: from survivor counts, one row per churn period t
        (weight n_{t-1} - n_t) and one for those still active at T; or the lifetimes rows as
        they are (periods > 0)."""
        check_unit_name(unit)
        if isinstance(data, pl.DataFrame):
            missing = [c for c in ("period", "churned", "weight") if c not in data.columns]
            if missing:
                raise ClvError(key="error_sbg_columns", values={"columns": missing})
            keep = data.filter(pl.col("period") > 0)
            cols = {"period": keep["period"].cast(pl.Float64).to_numpy(),
                    "churned": keep["churned"].cast(pl.Float64).to_numpy()}
            return Data(cols, keep["weight"].cast(pl.Float64).to_numpy(), unit)
        n = np.asarray(data, dtype=float)
        if n.ndim != 1 or n.size < 2:
            raise ClvError(key="error_sbg_periods")
        if np.any(np.diff(n) > 0) or n[-1] < 0:
            raise ClvError(key="error_sbg_increase")
        periods = np.arange(1, n.size)
        cols = {"period": np.concatenate((periods, [periods[-1]])).astype(float),
                "churned": np.concatenate((np.ones(periods.size), [0.0]))}
        return Data(cols, np.concatenate((n[:-1] - n[1:], [n[-1]])), unit)

    def _start(self, data: Data) -> np.ndarray:
        """alpha = beta = 1: churn probabilities uniform across customers."""
        return np.ones(len(self.PARAMS))

    def _loglik(self, theta: np.ndarray, data: Data) -> tuple[np.ndarray, np.ndarray]:
        """ln P(T = t) = ln B(alpha+1, beta+t-1) - ln B(alpha, beta) for a churn in period t,
        ln S(t) = ln B(alpha, beta+t) - ln B(alpha, beta) for still active after t
        (Fader & Hardie 2007, eqs. 4-5), with their gradients."""
        alpha, beta = theta
        t, churned = data.columns["period"], data.columns["churned"] > 0
        base = gammaln(alpha + beta) - gammaln(alpha) - gammaln(beta)
        d_base_a = digamma(alpha + beta) - digamma(alpha)
        d_base_b = digamma(alpha + beta) - digamma(beta)
        ll = np.where(
            churned,
            gammaln(alpha + 1) + gammaln(beta + t - 1) - gammaln(alpha + beta + t),
            gammaln(alpha) + gammaln(beta + t) - gammaln(alpha + beta + t),
        ) + base
        grad = np.empty((t.size, 2))
        grad[:, 0] = np.where(churned, digamma(alpha + 1), digamma(alpha)) \
            - digamma(alpha + beta + t) + d_base_a
        grad[:, 1] = np.where(churned, digamma(beta + t - 1), digamma(beta + t)) \
            - digamma(alpha + beta + t) + d_base_b
        return ll, grad

    def survival(self, t: ArrayLike) -> FloatArray:
        """S(t) = B(alpha, beta+t) / B(alpha, beta): share of a cohort still active after t
        periods (Fader & Hardie 2007, eq. 5)."""
        alpha, beta = self._fitted()
        t = np.asarray(t, dtype=np.float64)
        return cast(FloatArray, np.exp(gammaln(beta + t) + gammaln(alpha + beta)
                                       - gammaln(beta) - gammaln(alpha + beta + t)))

    def retention(self, t: ArrayLike) -> FloatArray:
        """r_t = S(t) / S(t-1) = (beta + t - 1) / (alpha + beta + t - 1), the share of those
        active in period t-1 who renew into period t (Fader & Hardie 2007, eq. 6)."""
        alpha, beta = self._fitted()
        t = np.asarray(t, dtype=np.float64)
        return cast(FloatArray, (beta + t - 1) / (alpha + beta + t - 1))

    def discounted_residual_lifetime(self, d: ArrayLike, renewals: ArrayLike = 0
                                     ) -> FloatArray:
        """DERL: the discounted expected residual lifetime, in payments, of a customer who has
        made n - 1 = ``renewals`` renewals and is about to decide on the next one (Fader &
        Hardie 2010, "Customer-base valuation in a contractual setting: the perils of ignoring
        heterogeneity", Marketing Science 29(1), 85-93, eq. 6), ``d`` the discount rate per
        period of the model's unit; both vectorised (broadcast):

          DERL(d | n-1) = sum_{k>=0} S(n+k)/S(n-1) (1+d)^-k
                        = (beta+n-1)/(alpha+beta+n-1) 2F1(1, beta+n; alpha+beta+n; 1/(1+d)),

        the first payment (the renewal at hand, with probability r_n) undiscounted. Multiplied
        by the margin per payment it is the customer's residual value. At d = 0 it is the
        expected number of further payments, (beta+n-1)/(alpha-1), infinite when alpha <= 1.

        Computed as the expectation it is: given n-1 renewals the churn probability is
        theta ~ Beta(alpha, beta+n-1) and the geometric sum given theta is (1-theta)/(1 -
        (1-theta)/(1+d)), so DERL = E[(1-theta)/(e + q theta)], q = 1/(1+d), e = d/(1+d). In
        u = logit(theta) its integrand is log-concave (``quadrature.log_concave_integral``):
        scipy's 2F1 fails near 1/(1+d) -> 1 when alpha is near a whole number (at alpha = 1,
        d = 0.001 it returned a negative value)."""
        alpha, beta = self._fitted()
        d, n = np.broadcast_arrays(np.asarray(d, dtype=np.float64),
                                   np.asarray(renewals, dtype=np.float64) + 1)
        if not (np.all(np.isfinite(d)) and np.all(d >= 0)):
            raise ClvError("d must be a discount rate >= 0 per period")
        if not (np.all(np.isfinite(n)) and np.all(n >= 1)):
            raise ClvError("renewals must be >= 0")
        pairs, index = np.unique(np.stack((d.ravel(), n.ravel()), axis=1), axis=0,
                                 return_inverse=True)
        rate, b = pairs[:, 0], beta + pairs[:, 1] - 1  # theta ~ Beta(alpha, b)
        out: FloatArray = np.full(rate.size, np.inf if alpha <= 1 else 0.0)
        if alpha > 1:  # d = 0: E[(1-theta)/theta]
            out[:] = b / (alpha - 1)
        paid = rate > 0
        if paid.any():
            out[paid] = np.exp(_log_derl(alpha, b[paid], rate[paid]))
        out = out[index.reshape(-1)].reshape(d.shape)
        return out if out.ndim else out[()]

    def discounted_expected_lifetime(self, d: ArrayLike) -> FloatArray:
        """DEL: the discounted expected lifetime, in payments, of a customer just acquired, the
        first payment now (Fader & Hardie 2010, Marketing Science 29(1), eq. 3), vectorised
        over ``d``, the discount rate per period:

          DEL(d) = sum_{t>=0} S(t) (1+d)^-t = 2F1(1, beta; alpha+beta; 1/(1+d))
                 = 1 + DERL(d | 0 renewals) / (1+d),

        the first payment and then those of a customer about to decide on the first renewal,
        one period later; at d = 0 the expected lifetime (alpha+beta-1)/(alpha-1), infinite
        when alpha <= 1."""
        rate = np.asarray(d, dtype=np.float64)
        return 1 + self.discounted_residual_lifetime(rate, 0) / (1 + rate)

    derl = discounted_residual_lifetime  # the former names, kept for their callers
    del_ = discounted_expected_lifetime


def _log_derl(alpha: float, b: FloatArray, d: FloatArray) -> FloatArray:
    """ln E[(1-theta)/(e + q theta)], theta ~ Beta(alpha, b), q = 1/(1+d), e = d/(1+d) (d > 0),
    as the integral over u = logit(theta) of

      f(u) = theta^alpha (1-theta)^(b+1) / ((e + q theta) B(alpha, b)),

    which is log-concave: (ln f)'' = -(alpha+b+1) s - (ln(e + q theta))'' with s = theta
    (1-theta), and -(ln(e + q theta))'' = s q (q theta^2 - e (1-2 theta)) / (e + q theta)^2 <= s,
    so (ln f)'' <= -(alpha+b) s < 0. Its mode, where (ln f)' = alpha (1-theta) - (b+1) theta -
    q s / (e + q theta) = 0 (decreasing in u), lies between logit of alpha/(alpha+b+1) (where
    the derivative is negative) and logit of alpha/(2 (alpha+b+1+q/e)) (positive): found by
    bisection."""
    bc = b[:, None]
    log_e, log_q = (np.log(d) - np.log1p(d))[:, None], -np.log1p(d)[:, None]
    # ln B(alpha, b) = ln G(small) - ln(G(big + small)/G(big)): a rising factorial keeps the
    # digits that betaln loses to ln G of large arguments (1e-10 at b = 1e5)
    small, big = np.minimum(alpha, bc), np.maximum(alpha, bc)
    norm = gammaln(small) - log_rising(big, small)

    def log_f(u: FloatArray) -> FloatArray:
        log_theta, log_rest = -np.logaddexp(0.0, -u), -np.logaddexp(0.0, u)
        return cast(FloatArray, alpha * log_theta + (bc + 1) * log_rest
                    - np.logaddexp(log_e, log_q + log_theta) - norm)  # norm: scipy's, untyped

    def slope(u: FloatArray) -> FloatArray:
        theta, rest = expit(u), expit(-u)  # scipy's, untyped
        q, e = np.exp(log_q[:, 0]), np.exp(log_e[:, 0])
        return cast(FloatArray, alpha * rest - (b + 1) * theta - q * theta * rest / (e + q * theta))

    def logit(p: FloatArray) -> FloatArray:
        return np.log(p) - np.log1p(-p)

    hi = logit(alpha / (alpha + b + 1))
    lo = logit(alpha / (2 * (alpha + b + 1 + np.exp(log_q - log_e)[:, 0])))
    for _ in range(MODE_BISECTIONS):
        mid = (lo + hi) / 2
        rising = slope(mid) > 0
        lo, hi = np.where(rising, mid, lo), np.where(rising, hi, mid)
    size = b.size
    return log_concave_integral(log_f, np.full(size, -np.inf), np.full(size, np.inf),
                                (lo + hi) / 2)


def default_as_of(starts: pl.Series, ends: pl.Series, today: dt.date | None = None
                  ) -> dt.date:
    """The date a subscriptions table describes when none is given: the latest date it shows
    has happened, that is its latest start or, when later, its latest end on or before
    ``today`` (default: today's date). A later end has not happened yet: it is a cancellation
    scheduled (Chargebee's 'Cancelled At' of a subscription set to cancel at the end of its
    term, Recurly's 'expires_at' of one cancelled during its term), which must not carry
    the date described into the future; its subscription is active on that date. A table
    without a start date is a ClvError."""
    today = today or dt.date.today()
    ended = ends.cast(pl.Date)
    found = [d for d in (starts.cast(pl.Date).max(), ended.filter(ended <= today).max())
             if d is not None]
    if not found:
        raise ClvError(key="error_subs_no_dates")
    return cast(dt.date, max(found))


def subscription_lifetimes(
    subscriptions: pl.DataFrame,
    unit: str = "month",
    *,
    as_of: dt.date | str | None = None,
    start: str = "start",
    end: str = "end",
    by: str | None = None,
) -> pl.DataFrame:
    """Lifetimes in whole periods from a subscriptions table, for :meth:`SBG.fit_lifetimes`.

    A cancelled subscription paid T = ceil(end - start) periods (calendar months for the
    month, quarter and year units, so that 1 Jan - 1 Mar is 2 months). One still active at
    ``as_of`` (``end`` null or later), of age A, has paid at least ceil(A) periods, so it
    contributes S(ceil(A) - 1). ``by`` groups the rows by a column, or by acquisition period
    with ``by="cohort"``. ``as_of`` defaults to the latest date in the table that has
    happened (:func:`default_as_of`: an end scheduled after today does not count).
    """
    from clv.prep.summary import UNIT_DAYS

    for col in (start, end) + ((by,) if by and by != "cohort" else ()):
        if col not in subscriptions.columns:
            raise ClvError(key="error_sbg_no_column", values={"column": col})
    if unit not in UNIT_DAYS and unit != "quarter":
        raise ClvError(f"unit must be one of day, week, month, quarter, year, not {unit!r}")
    frame = subscriptions.with_columns(pl.col(start).cast(pl.Date).alias("__start"),
                                       pl.col(end).cast(pl.Date).alias("__end"))
    bad = frame.with_row_index("__row").filter(
        pl.col("__start").is_null() | (pl.col("__end") < pl.col("__start")))
    if bad.height:
        row = bad.row(0, named=True)
        raise ClvError(key="error_sbg_no_start" if row["__start"] is None
                       else "error_sbg_ends_before", values={"row": row["__row"] + 1,
                                                             "n": bad.height})
    if isinstance(as_of, str):
        as_of = dt.date.fromisoformat(as_of)
    limit = as_of if as_of is not None or not frame.height else \
        default_as_of(frame["__start"], frame["__end"])
    frame = frame.with_columns(pl.lit(limit).cast(pl.Date).alias("__asof"))
    frame = frame.with_columns(
        (pl.col("__end").is_not_null() & (pl.col("__end") <= pl.col("__asof"))).alias("churned"))
    stop = pl.when(pl.col("churned")).then(pl.col("__end")).otherwise(pl.col("__asof"))
    periods = _periods(pl.col("__start"), stop, unit)
    frame = frame.with_columns(
        pl.when(pl.col("churned")).then(pl.max_horizontal(periods, pl.lit(1)))
        .otherwise(periods - 1).cast(pl.Int64).alias("period"))
    keys = ["period", "churned"]
    if by == "cohort":
        every = {"day": "1d", "week": "1w", "month": "1mo", "quarter": "1q", "year": "1y"}[unit]
        frame = frame.with_columns(pl.col("__start").dt.truncate(every).alias("cohort"))
    if by:
        keys = [by, *keys]
    return frame.group_by(keys).agg(pl.len().cast(pl.Float64).alias("weight")).sort(keys)


def _periods(start: pl.Expr, stop: pl.Expr, unit: str) -> pl.Expr:
    """ceil((stop - start) in periods), with calendar months for month, quarter and year."""
    if unit in ("day", "week"):
        days = (stop - start).dt.total_days()
        size = 1 if unit == "day" else 7
        return (days + size - 1) // size
    months = ((stop.dt.year() - start.dt.year()) * 12 + stop.dt.month() - start.dt.month()
              - (stop.dt.day() < start.dt.day()).cast(pl.Int32))
    partial = (stop.dt.day() != start.dt.day()).cast(pl.Int32)
    size = {"month": 1, "quarter": 3, "year": 12}[unit]
    return (months + partial + size - 1) // size


def fit_sbg(
    subscriptions: pl.DataFrame,
    unit: str = "month",
    *,
    by: str | None = None,
    as_of: dt.date | str | None = None,
    start: str = "start",
    end: str = "end",
) -> dict[Any, SBG]:
    """sBG models fitted on a subscriptions table: one pooled model (key None) or one per
    value of ``by`` (a column such as the plan, or "cohort" for the acquisition period).
    Groups whose fit fails are left out with a warning naming them."""
    import warnings

    rows = subscription_lifetimes(subscriptions, unit, as_of=as_of, start=start, end=end, by=by)
    if by is None:
        return {None: SBG().fit_lifetimes(rows, unit)}
    out: dict[Any, SBG] = {}
    for (key,), group in rows.group_by(by, maintain_order=True):
        try:
            out[key] = SBG().fit_lifetimes(group, unit)
        except ClvError as exc:  # ConvergenceError, or too few customers
            warnings.warn(GroupLeftOut(by, key, exc), UserWarning, stacklevel=2)
    return out
