"""Customer value per customer from a purchase model and a spend model, with intervals.

Future value over a horizon h (the residual CLV; h may be the whole remaining lifetime):

    FV_i(h) = margin x E[spend_i] x P_i(alive) x integral_0^h e^(-delta t) dE_i[Y(t) | alive]

where E_i[Y(t) | alive] is the customer's expected number of purchases in (T, T + t] if alive
now, delta = ln(1 + d) per year is the continuous discount rate of the annual rate d (a
purchase one year ahead is worth 1 / (1 + d)), and E[spend_i] comes from the Gamma-Gamma model
(or a given average). The integral is the discounted expected residual transactions (DERT) of
Fader, Hardie & Lee (2005, "RFM and CLV: using iso-value curves for customer base analysis",
JMR 42(4), eq. 2), taken by quadrature (:func:`quadrature`) for BG/NBD, MBG/NBD and the NBD;
over the lifetime (``horizon="lifetime"``) it runs until exp(-delta t) < 1e-8. Over the
lifetime, Pareto/NBD uses the paper's closed form (``ParetoNBD.discounted_if_alive``), which
the quadrature matches to better than 1e-6.
Months are 30.4375 days and years 365.25 days.

Intervals (:func:`value_intervals`) push parameter draws through the same computation: draws
of the log-parameters from the normal with the estimated covariance (the asymptotic
distribution of the maximum-likelihood estimates), or bootstrap refits on customers resampled
with replacement. They give the uncertainty of each customer's *expected* CLV and of the
expected total. The total's *predictive* interval also draws each customer's future from the
posterior of their latent traits (alive or not, purchase rate, dropout, spend), so it covers
the value that will actually be realised. Customers are processed in chunks: memory grows with
customers + chunk x draws, never customers x draws.

Fits at the edge of the parameter space (``Model.boundary_``, e.g. no dropout) have a singular
information matrix: their covariance is that of the other directions, made positive
semi-definite, so parameters at a limit stay there in the draws; draws stay within the fitters'
box of log-parameters, where the predictions are finite (the models' quadrature rules take
over where their closed forms overflow). A draw that still cannot be pushed through the
predictions (a Gamma-Gamma draw with q <= 1 has no finite mean spend; a bootstrap resample
that cannot be fitted; a prediction that is not finite) is left out: ``draws_used`` says how
many were kept, ``left_out`` why the others were not, and a note says so; when none can be
used the intervals are NaN, with a note, rather than the estimate alone as if certain.

Each draw evaluates the expected purchases on a coarse rule of 13 points, once per distinct
(x, T), scaled per distinct (x, T) by the ratio of the estimate's full rule to its coarse
rule (what the coarse rule misses is corrected to first order, far below the draws' own
spread); the realised values are simulated month by month, each month discounted at its
middle. Intervals are for finite horizons.

Beyond ``EXACT_CUSTOMERS`` customers the realised total is not simulated customer by customer:
given the parameters it is a sum of many independent customers, so it is taken as normal with
mean the expected total and variance sum_i Var_i, estimated from two independent simulations
of a fixed random sample of ``SAMPLE_CUSTOMERS`` customers, (N_s / n_s) sum_i (R_i1 - R_i2)^2 / 2
per segment s (an unbiased estimate of each customer's variance, scaled to the segment).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, Literal

import numpy as np
import polars as pl

from clv import defaults as D
from clv.errors import ClvError
from clv.models.base import BOUND, Model, PurchaseModel
from clv.models.gamma_gamma import GammaGamma
from clv.models.pareto_nbd import ParetoNBD
from clv.notes import Note
from clv.prep.grid import distinct_pairs
from clv.prep.summary import MAX_HORIZON_MONTHS, Summary, check_horizon, convert

DISCOUNT_RATE, LEVEL, DRAWS = D.DISCOUNT_RATE, D.LEVEL, D.DRAWS  # every face's (clv.defaults)
DRAW_POINTS = 13  # points of the draws' coarse rule (see ``_coarse``)
CHUNK_CELLS = 4_000_000  # customers x draws held at once
EXACT_CUSTOMERS = 300_000  # above, the predictive total uses the normal approximation
SAMPLE_CUSTOMERS = 50_000


LIFETIME: Literal["lifetime"] = "lifetime"
"""The horizon of a value over the customer's whole remaining lifetime."""
TAIL = 1e-8  # the lifetime integral stops where exp(-delta t) falls below this
GAUSS_NODES, GAUSS_WEIGHTS = np.polynomial.legendre.leggauss(8)
PANEL_RATIO = 4.0  # panel ends 1 day, 4 days, 16 days, ... (see ``quadrature``)

Horizon = float | Literal["lifetime"]


@dataclass(frozen=True)
class _Setup:
    """Validated inputs shared by the point estimate and the intervals."""

    x: np.ndarray
    tx: np.ndarray
    t_cap: np.ndarray
    monetary: np.ndarray | None
    points: np.ndarray  # times (model unit) where E[Y(t) | alive] is evaluated
    coef: np.ndarray  # the discounted value is sum_k coef_k E[Y(points_k) | alive]
    edges: np.ndarray  # monthly step ends from 0, for the simulation of realised values
    factors: np.ndarray  # discount factor at the middle of each step
    margin: float
    span: float = 0.0
    delta: float = 0.0
    lifetime: bool = False


def discount_per_unit(discount_rate: float, unit: str) -> float:
    """The continuous discount rate per ``unit`` of a yearly rate d: delta = ln(1 + d) / (years
    per unit), so that a purchase one year ahead is worth 1 / (1 + d) of one today."""
    return math.log1p(discount_rate) * convert(1.0, unit, "year")


def horizon_span(horizon: Horizon, horizon_unit: str | None, unit: str, delta: float
                 ) -> tuple[float, bool]:
    """The horizon in the model's ``unit``, and whether it is the lifetime. The lifetime ends
    where exp(-delta t) = ``TAIL`` (for concave E[Y(t)], the part of the value beyond is below
    TAIL x ln(1/TAIL) / (delta t) of E at that time, i.e. under 1e-7 of the value); without
    discounting, at :data:`MAX_HORIZON_MONTHS`."""
    if horizon == LIFETIME:
        if delta > 0:
            return math.log(1.0 / TAIL) / delta, True
        return convert(MAX_HORIZON_MONTHS, "month", unit), True
    if isinstance(horizon, str):
        raise ClvError(f"the horizon is a number of {horizon_unit or unit}s or 'lifetime', not "
                       f"{horizon!r}")
    check_horizon(horizon, horizon_unit or unit)
    return convert(horizon, horizon_unit or unit, unit), False


def quadrature(span: float, delta: float, first: float, nodes: int = 8
               ) -> tuple[np.ndarray, np.ndarray]:
    """Times t_k and coefficients c_k with sum_k c_k E(t_k) = integral_0^span e^(-delta t)
    dE(t), the continuously discounted expectation, for any smooth E with E(0) = 0.

    By parts, the integral is e^(-delta h) E(h) + delta integral_0^h e^(-delta t) E(t) dt; the
    second integral is taken by 8-point Gauss-Legendre on panels whose ends grow geometrically
    (``first``, 4 x first, 16 x first, ...): E[Y(t) | alive] of the purchase models varies on
    the scale of alpha + T near t = 0 and slowly afterwards, and its nearest singularity lies
    at t = -(alpha + T), so each panel is resolved to about 1e-8 (error ~ rho^-16 with the
    Bernstein ellipse of a panel [a, 4a], rho >= 3). Without discounting it is E(h) alone.
    ``nodes`` fewer than 8 give the coarser rule of the parameter draws."""
    if delta == 0:
        return np.array([span]), np.array([1.0])
    ends = [0.0]
    end = min(first, span)
    while end < span:
        ends.append(end)
        end *= PANEL_RATIO
    ends.append(span)
    lo, hi = np.array(ends[:-1]), np.array(ends[1:])
    half, mid = (hi - lo) / 2, (hi + lo) / 2
    x, weights = ((GAUSS_NODES, GAUSS_WEIGHTS) if nodes == GAUSS_NODES.size
                  else np.polynomial.legendre.leggauss(nodes))
    t = (mid[:, None] + half[:, None] * x[None, :]).ravel()
    w = (half[:, None] * weights[None, :]).ravel()
    return (np.append(t, span), np.append(delta * w * np.exp(-delta * t),
                                          math.exp(-delta * span)))


def _setup(purchases: Model, summary: Summary, horizon: Horizon, horizon_unit: str | None,
           margin: float, discount_rate: float) -> _Setup:
    if not isinstance(purchases, PurchaseModel):
        raise ClvError("customer value needs a fitted BG/NBD, MBG/NBD or Pareto/NBD model, "
                       f"not {type(purchases).__name__}")
    purchases._fitted()
    unit = purchases.unit_ or summary.unit
    purchases.check_unit(summary.unit, "the summary")
    if not 0 <= margin <= 1:
        raise ClvError(f"margin must be in [0, 1], not {margin}")
    if discount_rate < 0 or not math.isfinite(discount_rate):
        raise ClvError(f"discount_rate must be a yearly rate >= 0, not {discount_rate}")
    delta = discount_per_unit(discount_rate, unit)
    span, lifetime = horizon_span(horizon, horizon_unit, unit, delta)
    points, coef = quadrature(span, delta, convert(1.0, "day", unit))
    # monthly steps of the simulated realised values (finite horizons only: intervals are
    # not drawn over the lifetime), discounted at their middle
    steps = 1 if lifetime else max(1, math.ceil(convert(span, unit, "month") - 1e-9))
    edges = span * np.arange(steps + 1) / steps
    factors = np.exp(-delta * (edges[1:] + edges[:-1]) / 2)
    f = summary.frame
    x, tx, t_cap = (f[c].cast(pl.Float64).to_numpy() for c in ("frequency", "recency", "T"))
    monetary = f["monetary"].cast(pl.Float64).to_numpy() if "monetary" in f.columns else None
    return _Setup(x, tx, t_cap, monetary, points, coef, edges, factors, margin, span, delta,
                  lifetime)


def _spend(spend: GammaGamma | float | None, s: _Setup, rows: slice) -> np.ndarray:
    return _spend_at(spend, s.x[rows], None if s.monetary is None else s.monetary[rows])


def _spend_at(spend: GammaGamma | float | None, x: np.ndarray, monetary: np.ndarray | None
              ) -> np.ndarray:
    """The expected spend per purchase of customers with ``x`` repeat purchases of mean
    ``monetary``: Gamma-Gamma's E[M | x, m], or the given average (1 without one)."""
    if isinstance(spend, GammaGamma):
        if monetary is None:
            raise ClvError("a Gamma-Gamma spend model needs the summary's monetary column")
        return spend.expected_spend(x, monetary)
    return np.ones(x.size) if spend is None else np.full(x.size, float(spend))


def _if_alive_sums(purchases: PurchaseModel, s: _Setup, px: np.ndarray, pt: np.ndarray,
                   rate: float = 1.0, lifetime: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """E[Y(horizon) | alive] and its discounted value (:func:`quadrature`; over the lifetime,
    Pareto/NBD's closed form), per (x, T) in (px, pt)."""
    if (s.lifetime and rate == lifetime == 1.0 and s.delta > 0
            and isinstance(purchases, ParetoNBD)):
        return (purchases.expected_if_alive(s.span, px, pt),
                purchases.discounted_if_alive(s.delta, px, pt))
    discounted = np.zeros(px.size)
    current = discounted
    for t_k, c_k in zip(s.points, s.coef, strict=True):
        current = (purchases.expected_if_alive(float(t_k), px, pt) if rate == lifetime == 1.0
                   else purchases.expected_if_alive_levers(float(t_k), px, pt, rate, lifetime))
        discounted = discounted + c_k * current
    return current, discounted


def _expected(purchases: PurchaseModel, s: _Setup, rows: slice, rate: float = 1.0,
              lifetime: float = 1.0, pairs: tuple[np.ndarray, np.ndarray, np.ndarray | None]
              | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """P(alive), expected and discounted expected purchases over the horizon (with the
    purchase rate and lifetime levers of ``clv.scenarios``); ``pairs``: the distinct (x, T)
    pairs of these rows when the caller already has them (:func:`_distinct_pairs`)."""
    x, tx, t_cap = s.x[rows], s.tx[rows], s.t_cap[rows]
    alive = purchases.p_alive(x, tx, t_cap)
    # E[Y(t) | alive] depends on (x, T) alone: its discounted sum over the steps is taken once
    # per distinct pair when they are much fewer than the customers (BG/NBD's costs a Gauss
    # hypergeometric function per value), then scaled by each customer's P(alive)
    px, pt, index = pairs if pairs is not None else _distinct_pairs(x, t_cap)
    expected, discounted = _if_alive_sums(purchases, s, px, pt, rate, lifetime)
    if index is not None:
        expected, discounted = expected[index], discounted[index]
    return alive, alive * expected, alive * discounted


def _distinct_pairs(x: np.ndarray, t: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """The distinct (x, t) pairs and each row's index into them, or the rows themselves (and
    no index) when deduplicating would not pay."""
    if x.size < 1024:
        return x, t, None
    px, pt, (index,) = distinct_pairs(x, t)
    return (x, t, None) if px.size > x.size // 2 else (px, pt, index)


def customer_value(
    purchases: Model,
    summary: Summary,
    horizon: Horizon,
    horizon_unit: str | None = None,
    *,
    spend: GammaGamma | float | None = None,
    margin: float = 1.0,
    discount_rate: float = DISCOUNT_RATE,
) -> pl.DataFrame:
    """Expected purchases, P(alive), expected spend and CLV per customer over ``horizon``.

    ``purchases`` is a fitted BG/NBD, MBG/NBD or Pareto/NBD model; ``summary`` must be in the
    unit it was fitted in. ``horizon_unit`` (default: the model's unit) is converted
    explicitly. ``spend`` is a fitted Gamma-Gamma model or an average amount per purchase
    (default: revenue only, i.e. spend 1, giving discounted expected purchases).
    ``discount_rate`` is annual. ``horizon="lifetime"`` values the whole remaining lifetime.
    Every face of clv calls this through :func:`clv.valuation.value_customers`.
    """
    s = _setup(purchases, summary, horizon, horizon_unit, margin, discount_rate)
    every = slice(None)
    alive, expected, discounted = _expected(purchases, s, every)  # type: ignore[arg-type]
    per_purchase = _spend(spend, s, every)
    return pl.DataFrame({
        "customer_id": summary.frame["customer_id"],
        "p_alive": alive,
        "expected_purchases": expected,
        "discounted_purchases": discounted,
        "expected_spend": per_purchase,
        "clv": margin * discounted * per_purchase,
    })


@dataclass(frozen=True)
class ValueIntervals:
    """CLV per customer and in total with intervals at ``level``.

    ``customers``: customer_id, clv, clv_lower, clv_upper (uncertainty of the expected CLV).
    ``total``: clv (the point estimate), lower/upper (expected total) and predictive_lower/
    predictive_upper (the total that will be realised). ``segments``: the same per segment when
    asked. ``draws_total`` and ``draws_predictive``: the totals of each draw used.
    ``draws_used`` of the ``draws_asked``: the others were left out, counted by reason in
    ``left_out`` and said in ``notes`` (intervals NaN when none could be used). An interval is
    widened to hold the point estimate where the draws' quantiles miss it.
    """

    customers: pl.DataFrame
    total: dict[str, float]
    segments: pl.DataFrame | None
    draws_total: np.ndarray
    draws_predictive: np.ndarray
    level: float
    method: str
    draws_used: int = 0
    draws_asked: int = 0
    left_out: dict[str, int] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)
    plan: Draws | None = None


@dataclass(frozen=True)
class Draws:
    """The usable parameter draws of an interval, pushed through the predictions: each draw's
    purchase and spend models and its discounted expected purchases if alive at each distinct
    (x, T) of the rows it was drawn for (``ahead``: draws x pairs, at (``px``, ``pt``)). With
    them, any customer whose (x, T) is among those pairs is bounded as
    :func:`value_intervals` bounds its rows (:meth:`bounds`; the Spark engine bounds each
    customer where the rows are, the draws broadcast)."""

    models: list[Any]
    spends: list[Any]
    px: np.ndarray
    pt: np.ndarray
    ahead: np.ndarray
    margin: float
    level: float

    def values(self, d: int, x: np.ndarray, tx: np.ndarray, t: np.ndarray,
               monetary: np.ndarray | None, at: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Draw ``d``'s P(alive) and expected discounted margin of each customer (x, tx, T,
        mean spend ``monetary``), ``at`` their (x, T) pair: margin x P(alive) x the pair's
        discounted E[Y | alive] x E[spend]."""
        alive = self.models[d].p_alive(x, tx, t)
        return alive, (self.margin * alive * self.ahead[d, at]
                       * _spend_at(self.spends[d], x, monetary))

    @cached_property
    def _pairs(self) -> pl.DataFrame:
        """The pairs (x, T) with their index, each once: built once per process (a Spark
        worker bounds many batches with the same draws)."""
        return pl.DataFrame({"x": self.px, "t": self.pt}).with_row_index("pair").unique(
            ["x", "t"], keep="first")

    def pairs_of(self, x: np.ndarray, t: np.ndarray) -> np.ndarray:
        """Each customer's index into the pairs (x, T); an error when one is not there."""
        found = pl.DataFrame({"x": x, "t": t}).join(self._pairs, on=["x", "t"], how="left",
                                                    maintain_order="left")["pair"]
        if found.null_count():
            raise ClvError("a customer's (frequency, T) is not among the pairs the draws were "
                           "pushed through")
        return found.to_numpy().astype(np.int64)

    def bounds(self, x: np.ndarray, tx: np.ndarray, t: np.ndarray, monetary: np.ndarray | None,
               point: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The ``level`` interval of each customer's CLV: the draws' quantiles, widened to hold
        the point estimate ``point`` (the same bounds as :func:`value_intervals`')."""
        at = self.pairs_of(x, t)
        n, draws = x.size, len(self.models)
        lower, upper = np.empty(n), np.empty(n)
        q = [(1 - self.level) / 2, (1 + self.level) / 2]
        chunk = max(1, CHUNK_CELLS // draws)
        for begin in range(0, n, chunk):
            rows = slice(begin, min(begin + chunk, n))
            values = np.empty((draws, rows.stop - rows.start))
            for d in range(draws):
                values[d] = self.values(d, x[rows], tx[rows], t[rows],
                                        None if monetary is None else monetary[rows],
                                        at[rows])[1]
            lower[rows], upper[rows] = np.quantile(values, q, axis=0)
        return np.minimum(lower, point), np.maximum(upper, point)


def _draw_params(model: Model, draws: int, rng: np.random.Generator) -> np.ndarray:
    """Parameter draws: ln theta ~ N(ln theta_hat, Cov(ln theta)), the covariance projected on
    the positive semi-definite matrices (``Model.log_covariance``: a parameter at a limit
    stays there), drawn as numpy's ``multivariate_normal(method="eigh")`` does (same draws
    for a proper covariance) and kept within the fitters' box of log-parameters."""
    theta = model._fitted()
    w, v = np.linalg.eigh(model.log_covariance())
    z = rng.standard_normal((draws, theta.size)) @ (v * np.sqrt(np.clip(w, 0.0, None))).T
    return np.asarray(np.exp(np.clip(np.log(theta) + z, -BOUND, BOUND)), dtype=float)


def _bootstrap_params(model: Model, frame: pl.DataFrame, counts: np.ndarray) -> np.ndarray:
    """Refits on customers resampled with the multiplicities in each row of ``counts``.

    Identical rows are compressed once; each resample only changes their weights. Each refit
    starts from the estimate and skips the standard errors."""
    cols = list(model.COLUMNS)
    keys = frame.select(cols).with_columns(pl.all().cast(pl.Float64))
    unique, inverse = np.unique(keys.to_numpy(), axis=0, return_inverse=True)
    inverse = inverse.ravel()
    base = pl.DataFrame(unique, schema=cols, orient="row")
    start = model._fitted()
    out = np.empty((counts.shape[0], start.size))
    for d, c in enumerate(counts):
        weights = np.bincount(inverse, weights=c, minlength=unique.shape[0])
        data = model._data(base.with_columns(weight=pl.Series(weights)).filter(
            pl.col("weight") > 0))
        data = type(data)(data.columns, data.weights, model.unit_)
        refit = type(model)(tol=model.tol, max_iter=model.max_iter)
        try:
            out[d] = refit._fit(data, start=start, covariance=False)._fitted()
        except ClvError:  # a resample the model cannot fit (e.g. no repeat buyer): left out
            out[d] = np.nan
    return out


def _usable(purchases: np.ndarray, spend: np.ndarray | None) -> np.ndarray:
    """Draws whose parameters are finite and, for Gamma-Gamma, give a finite mean spend
    (q > 1: the population mean p gamma / (q - 1) of customers without repeat purchases)."""
    ok = np.all(np.isfinite(purchases), axis=1)
    if spend is not None:
        ok &= np.all(np.isfinite(spend), axis=1) & (spend[:, 1] > 1)
    return np.asarray(ok, dtype=bool)


def value_intervals(
    purchases: Model,
    summary: Summary,
    horizon: Horizon,
    horizon_unit: str | None = None,
    *,
    spend: GammaGamma | float | None = None,
    margin: float = 1.0,
    discount_rate: float = DISCOUNT_RATE,
    level: float = LEVEL,
    draws: int = DRAWS,
    method: Literal["covariance", "bootstrap"] = "covariance",
    segments: str | None = None,
    seed: int = 0,
    weights: str | None = None,
    sample: Summary | None = None,
    per_row: bool = True,
) -> ValueIntervals:
    """CLV with ``level`` intervals from ``draws`` parameter draws (see the module docstring).

    ``method="covariance"`` draws the log-parameters of each model from their estimated normal
    distribution; ``"bootstrap"`` refits both models on customers resampled with replacement
    (slower: ``draws`` fits). ``segments`` names a column of the summary's frame whose values
    group the customers for segment totals. ``weights`` names a column of the summary's
    frame holding how many customers each row stands for (rows of distinct (frequency,
    recency, T[, monetary]), as the Spark engine values them): each row's bounds are those of
    each of its customers, the totals weigh the rows (so the parameter-uncertainty interval
    of the total is that of the customers), and the predictive total always takes the normal
    approximation, on rows sampled in proportion to their weights (only with
    ``method="covariance"``: a bootstrap resamples customers). With ``weights``, ``sample``
    may give the customers whose simulated values estimate the predictive total's variance
    (a uniform sample of the customers the rows stand for, e.g. drawn in Spark) instead of
    rows drawn in proportion to the weights (not with ``segments``). ``per_row=False`` leaves
    the rows' own bounds undrawn (NaN): the totals, and the draws in ``plan`` with which
    :meth:`Draws.bounds` bounds customers elsewhere. Cost: draws x months x distinct (x, T)
    evaluations of the expected purchases (held as a draws x pairs array), draws x customers
    of P(alive), and draws x months x customers random draws for the predictive total.
    """
    if not 0 < level < 1:
        raise ClvError(f"level must be in (0, 1), not {level}")
    if draws < 20:
        raise ClvError(f"at least 20 draws are needed for an interval, not {draws}")
    if method not in ("covariance", "bootstrap"):
        raise ClvError(f"method must be 'covariance' or 'bootstrap', not {method!r}")
    if horizon == LIFETIME:
        raise ClvError("intervals are drawn over a finite horizon, not the lifetime")
    s = _setup(purchases, summary, horizon, horizon_unit, margin, discount_rate)
    assert isinstance(purchases, PurchaseModel)
    frame = summary.frame
    if segments is not None and segments not in frame.columns:
        raise ClvError(f"the summary has no column '{segments}' to group by")
    if sample is not None and (weights is None or segments is not None):
        raise ClvError("a sample of customers for the predictive total goes with weighted rows "
                       "and no segments")
    weight: np.ndarray | None = None
    if weights is not None:
        if weights not in frame.columns:
            raise ClvError(f"the summary has no column '{weights}' of weights")
        if method != "covariance":
            raise ClvError("weighted rows take method='covariance' (a bootstrap resamples "
                           "customers)")
        weight = frame[weights].cast(pl.Float64).to_numpy()
    rng = np.random.default_rng(seed)
    gg = spend if isinstance(spend, GammaGamma) else None
    if method == "covariance":
        theta = _draw_params(purchases, draws, rng)
        phi = _draw_params(gg, draws, rng) if gg is not None else None
    else:
        counts = rng.multinomial(frame.height, np.full(frame.height, 1.0 / frame.height),
                                 size=draws)
        theta = _bootstrap_params(purchases, frame, counts)
        phi = _bootstrap_params(gg, frame, counts) if gg is not None else None
    # draws that cannot be pushed through the predictions (a bootstrap resample that could
    # not be fitted, a Gamma-Gamma without a finite mean spend, predictions that are not
    # finite) are left out, counted by reason and said in the notes
    left_out: dict[str, int] = {}

    def leave_out(reason: str, n: int) -> None:
        if n:
            left_out[reason] = left_out.get(reason, 0) + n

    fitted = np.all(np.isfinite(theta), axis=1)
    if phi is not None:
        fitted &= np.all(np.isfinite(phi), axis=1)
    leave_out("refit failed", int(np.sum(~fitted)))
    keep = _usable(theta, phi)
    leave_out("no finite mean spend", int(np.sum(fitted & ~keep)))
    models = [purchases.with_params(t) for t in theta[keep]]
    spends: list[Any] = ([gg.with_params(p) for p in phi[keep]]
                         if gg is not None and phi is not None else [spend] * len(models))

    codes, names = (np.zeros(frame.height, dtype=np.int64), [None])
    if segments is not None:
        seg = frame[segments].cast(pl.String).fill_null("(none)")
        names = seg.unique(maintain_order=True).sort().to_list()
        codes = seg.replace_strict(names, list(range(len(names))),
                                   return_dtype=pl.Int64).to_numpy()
    every = slice(None)
    point = margin * _expected(purchases, s, every)[2] * _spend(spend, s, every)
    lower, upper = np.empty(frame.height), np.empty(frame.height)
    q = [(1 - level) / 2, (1 + level) / 2]
    exact = weight is None and frame.height <= EXACT_CUSTOMERS
    # each draw's discounted E[Y | alive] per distinct (x, T), once for all customers
    px, pt, index = _distinct_pairs(s.x, s.t_cap)
    if index is None:
        px, pt, index = s.x, s.t_cap, np.arange(frame.height)
    # each draw on a coarse rule (13 points), scaled per distinct (x, T) to the estimate's
    # full rule: what the coarse rule misses is corrected to first order
    coarse = _coarse(s)
    sums = [_draw_sums(m, coarse, px, pt) for m in models]
    if coarse is not s:
        full = _if_alive_sums(purchases, s, px, pt)[1]
        rough = _if_alive_sums(purchases, coarse, px, pt)[1]
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = np.where(rough > 0, full / rough, 1.0)
        sums = [None if v is None else v * scale for v in sums]
    leave_out("predictions not finite", sum(v is None for v in sums))
    models = [m for m, v in zip(models, sums, strict=True) if v is not None]
    spends = [p for p, v in zip(spends, sums, strict=True) if v is not None]
    asked = theta.shape[0]
    notes = [Note("draws_left_out", model=purchases.NAME, left=n, asked=asked,
                  used=len(models), reason=reason) for reason, n in left_out.items()]
    if not models:  # no usable draw: no interval (never the estimate alone as if certain)
        notes = [Note("no_usable_draw", model=purchases.NAME, asked=asked,
                      reason="; ".join(left_out))]
        return _without_intervals(frame, point, codes, names, segments, level, method, asked,
                                  left_out, notes, weight)
    # expected purchases are never negative: a -1e-14 from a difference of near-equal terms
    # would put a lower bound below zero
    ahead = np.maximum(np.stack([v for v in sums if v is not None]), 0.0)
    plan = Draws(models, spends, px, pt, ahead, margin, level)
    draws = len(models)
    seg_draws = np.zeros((draws, len(names)))
    seg_pred = np.zeros((draws, len(names)))
    chunk = max(1, CHUNK_CELLS // draws)
    if not per_row:
        lower[:], upper[:] = np.nan, np.nan
    for begin in range(0, frame.height, chunk):
        rows = slice(begin, min(begin + chunk, frame.height))
        n_rows = rows.stop - rows.start
        values = np.empty((draws, n_rows))
        at = index[rows]
        mean = None if s.monetary is None else s.monetary[rows]
        for d in range(draws):
            alive, values[d] = plan.values(d, s.x[rows], s.tx[rows], s.t_cap[rows], mean, at)
            seg_draws[d] += np.bincount(codes[rows], values[d] if weight is None
                                        else values[d] * weight[rows], minlength=len(names))
            if exact:
                realised = _realised(models[d], spends[d], s, rows, alive, rng)
                seg_pred[d] += np.bincount(codes[rows], realised, minlength=len(names))
        if per_row:
            lower[rows], upper[rows] = np.quantile(values, q, axis=0)
    # where the draws' quantiles miss the point estimate (draws far from normal, a skewed
    # function of them), the interval is widened to hold it
    lower, upper = np.minimum(lower, point), np.maximum(upper, point)
    if not exact:
        sampled = None if sample is None else _setup(purchases, sample, horizon, horizon_unit,
                                                     margin, discount_rate)
        seg_pred = _approximate_predictive(models, spends, s, codes, len(names), seg_draws, rng,
                                           weight, sampled)

    customers = pl.DataFrame({"customer_id": frame["customer_id"], "clv": point,
                              "clv_lower": lower, "clv_upper": upper})
    seg_point = np.bincount(codes, point if weight is None else point * weight,
                            minlength=len(names))
    table = pl.DataFrame({
        "segment": names, "customers": np.bincount(codes, weight, minlength=len(names)),
        "clv": seg_point,
        "lower": np.minimum(np.quantile(seg_draws, q[0], axis=0), seg_point),
        "upper": np.maximum(np.quantile(seg_draws, q[1], axis=0), seg_point),
        "predictive_lower": np.quantile(seg_pred, q[0], axis=0),
        "predictive_upper": np.quantile(seg_pred, q[1], axis=0)})
    totals, predictive = seg_draws.sum(axis=1), seg_pred.sum(axis=1)
    whole = float(seg_point.sum()) if weight is not None else float(point.sum())
    total = {"clv": whole,
             "lower": min(float(np.quantile(totals, q[0])), whole),
             "upper": max(float(np.quantile(totals, q[1])), whole),
             "predictive_lower": float(np.quantile(predictive, q[0])),
             "predictive_upper": float(np.quantile(predictive, q[1]))}
    return ValueIntervals(customers, total, table if segments is not None else None,
                          totals, predictive, level, method, draws, asked, left_out, notes, plan)


def _without_intervals(frame: pl.DataFrame, point: np.ndarray, codes: np.ndarray,
                       names: list[Any], segments: str | None, level: float, method: str,
                       asked: int, left_out: dict[str, int], notes: list[Note],
                       weight: np.ndarray | None = None) -> ValueIntervals:
    """The point estimates with NaN intervals, when no parameter draw could be used."""
    nan = np.full(frame.height, np.nan)
    customers = pl.DataFrame({"customer_id": frame["customer_id"], "clv": point,
                              "clv_lower": nan, "clv_upper": nan})
    seg_point = np.bincount(codes, point if weight is None else point * weight,
                            minlength=len(names))
    missing = np.full(len(names), np.nan)
    table = pl.DataFrame({"segment": names,
                          "customers": np.bincount(codes, weight, minlength=len(names)),
                          "clv": seg_point, "lower": missing, "upper": missing,
                          "predictive_lower": missing, "predictive_upper": missing})
    total = {"clv": float(seg_point.sum()) if weight is not None else float(point.sum()),
             "lower": math.nan, "upper": math.nan,
             "predictive_lower": math.nan, "predictive_upper": math.nan}
    return ValueIntervals(customers, total, table if segments is not None else None,
                          np.empty(0), np.empty(0), level, method, 0, asked, left_out, notes)


def _coarse(s: _Setup) -> _Setup:
    """``s`` with the parameter draws' rule: three panels (span/16, span/4, span) of four
    Gauss-Legendre points; ``s`` itself when it has a single point (no discounting)."""
    if s.points.size <= DRAW_POINTS:
        return s
    points, coef = quadrature(s.span, s.delta, s.span / 16, nodes=4)
    return replace(s, points=points, coef=coef)


def _draw_sums(model: PurchaseModel, s: _Setup, x: np.ndarray, t: np.ndarray
               ) -> np.ndarray | None:
    """A parameter draw's discounted E[Y | alive] at each distinct (x, T), or None when its
    predictions are not finite: far in a tail of a weakly identified model the closed forms
    overflow (a Gauss hypergeometric function of a huge argument), and such a draw is left out
    (checked here, so the floating-point warnings of that evaluation are not needed). P(alive)
    is checked too, for a last purchase at the start and at the end of the observation (the
    extremes of its log-odds)."""
    last = np.where(x > 0, t, 0.0)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        sums = _if_alive_sums(model, s, x, t)[1]
        finite = (np.all(np.isfinite(sums))
                  and np.all(np.isfinite(model.p_alive(x, np.zeros_like(t), t)))
                  and np.all(np.isfinite(model.p_alive(x, last, t))))
    return sums if finite else None


def _approximate_predictive(models: list[Any], spends: list[Any], s: _Setup, codes: np.ndarray,
                            groups: int, expected: np.ndarray, rng: np.random.Generator,
                            weight: np.ndarray | None = None, sampled: _Setup | None = None
                            ) -> np.ndarray:
    """Draws of each segment's realised total: expected (draws x segments) plus a normal
    deviate with the variance estimated on a fixed sample (see the module docstring). With
    ``weight`` (customers per row), customers are sampled by drawing rows in proportion to
    their weights (with replacement: the same customer's row may come twice, as two of its
    customers), or are those of ``sampled`` (a uniform sample of them; one segment)."""
    n = codes.size
    # a segment with no customer in the sample gets no process noise (only tiny segments)
    if sampled is not None:
        sample, sample_codes = np.arange(sampled.x.size), np.zeros(sampled.x.size, np.int64)
    elif weight is None:
        sample = np.sort(rng.choice(n, size=min(SAMPLE_CUSTOMERS, n), replace=False))
    else:
        size = min(SAMPLE_CUSTOMERS, int(weight.sum()))
        sample = np.sort(rng.choice(n, size=size, replace=True, p=weight / weight.sum()))
    if sampled is None:
        sampled, sample_codes = s, codes[sample]
    scale = np.bincount(codes, weight, minlength=groups) / np.maximum(
        np.bincount(sample_codes, minlength=groups), 1)
    out = np.empty_like(expected)
    for d, (model, spend) in enumerate(zip(models, spends, strict=True)):
        alive = model.p_alive(sampled.x[sample], sampled.tx[sample], sampled.t_cap[sample])
        first = _realised(model, spend, sampled, sample, alive, rng)
        second = _realised(model, spend, sampled, sample, alive, rng)
        variance = scale * np.bincount(sample_codes, (first - second) ** 2 / 2,
                                       minlength=groups)
        out[d] = expected[d] + np.sqrt(variance) * rng.standard_normal(groups)
    return out


def _realised(purchases: PurchaseModel, spend: GammaGamma | float | None, s: _Setup,
              rows: slice | np.ndarray, alive: np.ndarray, rng: np.random.Generator
              ) -> np.ndarray:
    """One draw of each customer's realised, discounted margin over the horizon."""
    counts = purchases.simulate_purchases(rng, s.x[rows], s.tx[rows], s.t_cap[rows], s.edges,
                                          alive)
    if not isinstance(spend, GammaGamma):
        per = 1.0 if spend is None else float(spend)
        return np.asarray(s.margin * per * (s.factors @ counts), dtype=float)
    buyers = np.flatnonzero(counts.sum(axis=0) > 0)
    nu = spend.draw_spend_rate(rng, s.x[rows][buyers], s.monetary[rows][buyers])  # type: ignore[index]
    amounts = rng.gamma(spend.params_["p"] * counts[:, buyers], 1.0 / nu[None, :])
    out = np.zeros(counts.shape[1])
    out[buyers] = s.margin * (s.factors @ amounts)
    return out
