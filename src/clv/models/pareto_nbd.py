"""Pareto/NBD model (Schmittlein, Morrison & Colombo 1987, "Counting your customers: who are
they and what will they do next?", Management Science 33(1); Fader & Hardie 2005, "A note on
deriving the Pareto/NBD model and related expressions").

While alive a customer buys at rate lambda ~ Gamma(r, alpha); their lifetime is exponential with
rate mu ~ Gamma(s, beta). The likelihood is computed from its integral form

  L = G(r+x) alpha^r beta^s / G(r) [ (alpha+T)^-(r+x) (beta+T)^-s
      + s int_{t_x}^{T} (alpha+tau)^-(r+x) (beta+tau)^-(s+1) d tau ]

(death at tau between the last purchase and T), which equals the Gauss hypergeometric form of
Fader & Hardie (2005, eq. 19) but has no 2F1 to overflow: the integral is taken in log space by
composite Gauss-Legendre quadrature on panels graded towards its peak, and its gradient by
differentiating under the integral at the same nodes.

Speed comes from sharing the integrals between customers. For a given frequency x the integral
from t_x to T is H_x(t_x) - H_x(T), H_x(t) being the integral from t to the largest time seen
with that frequency. The distinct (x, t) pairs of a customer base are few (tens of thousands
for a million customers in days) and H_x is a suffix sum, over those pairs sorted by t, of the
integrals between neighbours; these short integrals are cheap (usually one panel). When the
difference loses more than three digits (T - t_x tiny next to the mass beyond T) the row's
integral is taken directly instead.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar, cast

import numpy as np
import polars as pl
from numpy.typing import ArrayLike
from scipy.special import digamma, expit, gammaln, logsumexp

from clv.errors import ClvError
from clv.models.base import CHUNK_ROWS, POISSON_CAP, Data, FloatArray, PurchaseModel, log_rising
from clv.models.quadrature import gamma_rule, log_concave_integral
from clv.prep.grid import distinct_pairs


def _rule(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Gauss-Legendre nodes and weights on [0, 1]."""
    nodes, weights = np.polynomial.legendre.leggauss(n)
    return (nodes + 1) / 2, weights / 2


NODES, WEIGHTS = _rule(12)
SHORT_NODES, SHORT_WEIGHTS = _rule(5)
# Panels no wider than this many decay lengths take the 5-node rule: the integrand's nearest
# singularity in u lies at least one decay length away, so the error is below ~34^-10.
SHORT = 1 / 8
# Panel edges in units of the integrand's decay length 1/c: 0, 1/2, 1, 2, ..., 64, then U.
GRADES = np.concatenate(([0.0], 2.0 ** np.arange(-1, 7)))
# Shared integrals are differenced only while H_x(T) / H_x(t_x) stays below this.
MAX_RATIO_LOG = float(np.log(0.999))


def _integrals(theta: np.ndarray, x: np.ndarray, lo: np.ndarray, hi: np.ndarray, top: float
               ) -> tuple[np.ndarray, np.ndarray]:
    """ln I and ln M_k for I = int_lo^hi f(tau) d tau, f = (alpha+tau)^-(r+x) (beta+tau)^-(s+1),
    and M_k = int_lo^hi f(tau) m_k(tau) d tau with the positive functions
    m = (ln(alpha+top) - ln(alpha+tau), (r+x)/(alpha+tau), ln(beta+top) - ln(beta+tau),
    (s+1)/(beta+tau)): their ratios to I give the gradient of ln I (see ``_signed``).
    Requires lo < hi <= top.

    In u = ln((alpha+tau)/(alpha+lo)) in [0, U] the integrand decays from u = 0 roughly as
    e^{-cu}, c being the slope of -ln(f d tau/du) there (large when x is large or beta + lo is
    small). Panels at 0, 1/(2c), 1/c, 2/c, ..., 64/c and U, with 12 Gauss-Legendre nodes each,
    follow that decay; beyond 64/c the integrand is smooth and one panel suffices. Panels past U
    are dropped, so a short interval costs one panel, of 5 nodes when it spans under an eighth
    of a decay length.
    """
    r, alpha, s, beta = theta
    a0, b0 = alpha + lo, beta + lo
    big_u = np.log(alpha + hi) - np.log(a0)
    c = np.maximum(r + x - 1 + (s + 1) * a0 / b0, 1e-9)
    span = c * big_u  # decay lengths covered
    logs = np.empty((5, x.size))
    single = span <= GRADES[1]  # the whole interval is the first panel
    for idx, nodes, weights in ((np.flatnonzero(span <= SHORT), SHORT_NODES, SHORT_WEIGHTS),
                                (np.flatnonzero(single & (span > SHORT)), NODES, WEIGHTS)):
        if idx.size:
            peak, sums = _panels(theta, x[idx], a0[idx], b0[idx], np.zeros(idx.size), big_u[idx],
                                 nodes, weights, top)
            logs[:, idx] = peak + _log_sums(sums)
    graded = np.flatnonzero(~single)
    if graded.size:
        logs[:, graded] = _graded(theta, x[graded], a0[graded], b0[graded], c[graded],
                                  big_u[graded], top)
    return logs[0], logs[1:]


def _log_sums(sums: FloatArray) -> FloatArray:
    with np.errstate(divide="ignore"):  # a moment is 0 only when its function vanishes
        return np.log(sums)


def _graded(theta: np.ndarray, x: np.ndarray, a0: np.ndarray, b0: np.ndarray, c: np.ndarray,
            big_u: np.ndarray, top: float) -> FloatArray:
    """The five log sums of ``_integrals`` for intervals longer than the first panel."""
    n = x.size
    edges = np.minimum(GRADES[None, :] / c[:, None], big_u[:, None])
    edges = np.concatenate((edges, big_u[:, None]), axis=1)
    width = np.diff(edges, axis=1)
    keep = width > 0
    owner = np.nonzero(keep)[0]
    wid = width[keep]
    start = edges[:, :-1][keep]
    short = c[owner] * wid <= SHORT
    peak = np.empty(owner.size)
    sums = np.empty((5, owner.size))
    for idx, nodes, weights in ((np.flatnonzero(short), SHORT_NODES, SHORT_WEIGHTS),
                                (np.flatnonzero(~short), NODES, WEIGHTS)):
        if idx.size:
            who = owner[idx]
            peak[idx], sums[:, idx] = _panels(theta, x[who], a0[who], b0[who], start[idx],
                                              wid[idx], nodes, weights, top)
    first = np.searchsorted(owner, np.arange(n))
    best = np.maximum.reduceat(peak, first)
    sums = np.add.reduceat(sums * np.exp(peak - best[owner]), first, axis=1)
    return cast(FloatArray, best + _log_sums(sums))  # ufunc.reduceat: untyped in numpy


def _panels(theta: np.ndarray, x: np.ndarray, a0: np.ndarray, b0: np.ndarray,
            start: np.ndarray, width: np.ndarray, nodes: np.ndarray, weights: np.ndarray,
            top: float) -> tuple[np.ndarray, np.ndarray]:
    """Per panel (rows) of ``_integrals``: the largest log term and the five sums (I and the
    four moments) scaled by it, from the nodes of one rule (columns)."""
    r, alpha, s, beta = theta
    # nodes are rows and panels columns, so that every reduction runs over whole rows
    u = start + width * nodes[:, None]
    # alpha + tau = a0 e^u, so (beta + tau) / (alpha + tau) = b0 e^-u / a0 + 1 - e^-u: two
    # terms >= 0, which stays above 0 when beta -> 0 (1 + (beta - alpha) e^-u / a0 did not)
    shrink = np.exp(-u)
    decay = shrink / a0  # 1 / (alpha + tau)
    l_alpha = np.log(a0) + u
    beta_ratio = b0 * decay + (1.0 - shrink)
    l_beta = l_alpha + np.log(beta_ratio)
    terms = (1 - r - x) * l_alpha - (s + 1) * l_beta  # ln(f (alpha + tau))
    peak = terms.max(axis=0)
    e = np.exp(terms - peak) * (width * weights[:, None])  # f d tau = f (alpha + tau) du
    sums = np.stack([
        e.sum(axis=0),
        (e * np.maximum(np.log(alpha + top) - l_alpha, 0.0)).sum(axis=0),
        (e * decay).sum(axis=0) * (r + x),
        (e * np.maximum(np.log(beta + top) - l_beta, 0.0)).sum(axis=0),
        (e * decay / beta_ratio).sum(axis=0) * (s + 1),
    ])
    return peak, sums


def _signed(theta: np.ndarray, top: float, ratios: np.ndarray) -> np.ndarray:
    """Gradient of ln I (4 x n) from the ratios M_k / I: d/dr ln f = -ln(alpha+tau),
    d/dalpha = -(r+x)/(alpha+tau), d/ds = -ln(beta+tau), d/dbeta = -(s+1)/(beta+tau)."""
    _, alpha, _, beta = theta
    return np.stack([ratios[0] - np.log(alpha + top), -ratios[1],
                     ratios[2] - np.log(beta + top), -ratios[3]])


SCALED = 1e5
"""Past this size of the log terms (r + x) ln(alpha + T) + s ln(beta + T), P(alive) is taken
from their ratio (``_log_dead_odds``): their difference loses size x 1e-16 (4e-3 at r = 1e12)."""
ODDS_ROWS = 4096
"""Rows per pass of ``_log_dead_odds`` (rows x 108 nodes held at once)."""


def _log_dead_odds(theta: np.ndarray, x: np.ndarray, tx: np.ndarray, t_cap: np.ndarray
                   ) -> np.ndarray:
    """ln of the odds of having died at T, ln s int_{t_x}^T ((alpha+T)/(alpha+tau))^(r+x)
    ((beta+T)/(beta+tau))^s / (beta+tau) d tau (the likelihood's dead term over its alive
    term), with both ratios taken as such rather than as differences of large logs: exact
    when r, alpha -> inf or s, beta -> inf (one purchase rate, one dropout rate), where the
    two log terms of the likelihood run to millions. In u = ln((alpha+tau)/(alpha+t_x)) the
    first ratio is exp((r+x)(U-u)); the panels are those of ``_integrals`` (graded in decay
    lengths from u = 0, 12 Gauss-Legendre nodes each), summed in log space. -inf for
    t_x = T."""
    r, alpha, s, beta = theta
    out = np.full(x.size, -np.inf)
    for lo in range(0, x.size, ODDS_ROWS):
        rows = slice(lo, lo + ODDS_ROWS)
        xr, txr, tr = x[rows], tx[rows], t_cap[rows]
        a0, span = alpha + txr, tr - txr
        big_u = np.log1p(span / a0)
        c = np.maximum(r + xr - 1 + (s + 1) * a0 / (beta + txr), 1e-9)
        edges = np.minimum(GRADES[None, :] / c[:, None], big_u[:, None])
        edges = np.concatenate((edges, big_u[:, None]), axis=1)
        width = np.diff(edges, axis=1)
        u = edges[:, :-1, None] + width[:, :, None] * NODES[None, None, :]
        grown = a0[:, None, None] * np.expm1(u)  # tau - t_x
        left = np.maximum(span[:, None, None] - grown, 0.0)  # T - tau
        b_tau = beta + txr[:, None, None] + grown
        with np.errstate(divide="ignore"):  # empty panels: weight 0
            terms = ((r + xr)[:, None, None] * (big_u[:, None, None] - u) + u
                     + np.log(a0)[:, None, None] + s * np.log1p(left / b_tau) - np.log(b_tau)
                     + np.log(width[:, :, None] * WEIGHTS[None, None, :]))
        has = np.flatnonzero(span > 0)
        if has.size:
            out[lo + has] = np.log(s) + logsumexp(terms[has].reshape(has.size, -1), axis=1)
    return out


def _log_tricomi_one(s: float, z: FloatArray) -> FloatArray:
    """ln U(1, 2-s; z) = ln int_0^inf e^(-z u) (1+u)^-s du (z > 0), as the integral over
    x = ln(1+u) of exp(-psi(x)), psi(x) = z (e^x - 1) + (s-1) x: psi'' = z e^x > 0, so the
    integrand is log-concave, its mode at ln((1-s)/z) when that is positive, else at 0."""
    zc = z[:, None]

    def log_f(u: FloatArray) -> FloatArray:
        return -(zc * np.expm1(u) + (s - 1) * u)

    mode = np.maximum(math.log1p(-s) - np.log(z), 0.0) if s < 1 else np.zeros(z.size)
    return log_concave_integral(log_f, np.zeros(z.size), np.full(z.size, np.inf), mode)


class _Plan:
    """The distinct (x, t) pairs of a set of rows (t = t_x or T), sorted by x then t; each
    row's two pairs; the pairs that open an interval to the next pair of the same x; and a
    padded layout for the suffix sums within each x.

    With ``ordered``, rows are kept in the order of their pairs (``order`` maps back to the
    input), so that the gradient's gathers and scatters between rows and pairs run through
    memory in order. For the suffix sums the frequencies are grouped by their count of pairs
    (counts within a factor of 2); each group is a block of positions-from-the-end x
    frequencies in one flat buffer, padded with empty slots, so that a suffix sum is a
    cumulative sum down the block's rows.
    """

    order: np.ndarray | None  # None: the rows in their order (no gradient to gather)

    def __init__(self, x: np.ndarray, tx: np.ndarray, t_cap: np.ndarray, ordered: bool = True
                 ) -> None:
        self.x, self.t, (first, last) = distinct_pairs(x, tx, t_cap)
        size = self.size = self.x.size
        if ordered:
            self.order = pl.Series(first * (size + 1) + last).arg_sort().to_numpy()
            self.first, self.last = first[self.order], last[self.order]
            self.rows = tuple(v[self.order] for v in (x, tx, t_cap))  # frequency, recency, T
        else:  # no gradient to gather: the rows stay in their order
            self.order = None
            self.first, self.last, self.rows = first, last, (x, tx, t_cap)
        x, tx, t_cap = self.rows
        self.has = t_cap > tx  # rows with an interval between last purchase and T
        self.has_weight = self.has.astype(float)
        # rows without an interval point at an extra slot after the pairs
        self.first_ext = np.where(self.has, self.first, size)
        self.last_ext = np.where(self.has, self.last, size)
        opens = np.ones(size, dtype=bool)
        opens[1:] = self.x[1:] != self.x[:-1]
        group = np.cumsum(opens) - 1
        starts = np.flatnonzero(opens)
        counts = np.diff(np.append(starts, size))
        self.values = self.x[starts]  # the distinct frequencies
        self.row_group = group[self.first]
        position = np.arange(size) - starts[group]
        self.interval = np.flatnonzero(position < counts[group] - 1)
        self.top = float(self.t.max()) if size else 0.0
        # the layout: slot of each pair, and (offset, rows, columns) of each block
        self.slot = np.zeros(size, dtype=np.int64)
        self.blocks: list[tuple[int, int, int]] = []
        bucket = np.ceil(np.log2(np.maximum(counts, 1))).astype(int)
        offset = 0
        for b in np.unique(bucket[counts > 1]):
            members = np.flatnonzero((bucket == b) & (counts > 1))
            height, width = int(counts[members].max()), members.size
            column = np.zeros(group.max() + 1 if size else 0, dtype=np.int64)
            column[members] = np.arange(width)
            inside = np.isin(group, members)
            from_end = (counts[group] - 1 - position)[inside]
            self.slot[inside] = offset + from_end * width + column[group[inside]]
            self.blocks.append((offset, height, width))
            offset += height * width
        self.slots = offset
        self.slot[counts[group] == 1] = offset  # a lone pair: the empty slot at the end

    def suffix(self, values: np.ndarray) -> np.ndarray:
        """ln of the suffix sums over the intervals of each frequency (k x pairs), from
        ``values`` = ln of each interval's term (k x intervals)."""
        k = values.shape[0]
        buf = np.full((k, self.slots + 1), -np.inf)
        buf[:, self.slot[self.interval]] = values
        out = np.full_like(buf, -np.inf)
        for offset, height, width in self.blocks:
            block = buf[:, offset:offset + height * width].reshape(k, height, width)
            # In linear space, scaled by each column's largest term, while the smallest term
            # stays far from underflow (sums of positive terms keep their relative precision);
            # the other columns by the slower log-space accumulation.
            peak = block.max(axis=1, keepdims=True)
            low = np.where(np.isfinite(block), block, np.inf).min(axis=1, keepdims=True)
            peak = np.where(np.isfinite(peak), peak, 0.0)
            with np.errstate(divide="ignore"):  # padding and empty moments: ln 0 = -inf
                acc = peak + np.log(np.cumsum(np.exp(block - peak), axis=1))
            wide = np.flatnonzero(((peak - low) > 600).any(axis=(0, 1)))
            if wide.size:
                acc[:, :, wide] = np.logaddexp.accumulate(block[:, :, wide], axis=1)
            out[:, offset:offset + height * width] = acc.reshape(k, -1)
        return out[:, self.slot]


class ParetoNBD(PurchaseModel):
    """Pareto/NBD fitted by maximum likelihood on compressed (frequency, recency, T) rows."""

    PARAMS: ClassVar[tuple[str, ...]] = ("r", "alpha", "s", "beta")
    NAME: ClassVar[str] = "Pareto/NBD"
    LIMITS: ClassVar[dict[str, str]] = {"s": "0", "beta": "inf"}  # mu ~ Gamma(s, beta) -> 0
    DROPOUT_PAIR: ClassVar[tuple[str, str] | None] = ("s", "beta")

    def shared_dropout(self) -> tuple[float, str]:
        """The dropout rate s/beta per unit of time, at s, beta -> inf."""
        _, _, s, beta = self._fitted()
        return s / beta, getattr(self, "unit_", None) or "period"

    def _start(self, data: Data) -> np.ndarray:
        x, t_cap, w = data.columns["frequency"], data.columns["T"], data.weights
        rate = max(float(w @ x) / float(w @ t_cap), 1e-6)
        return np.array([1.0, 1.0 / rate, 1.0, float(w @ t_cap / w.sum())])

    @staticmethod
    def _plan(data: Data) -> _Plan:
        if "plan" not in data.cache:
            data.cache["plan"] = _Plan(data.columns["frequency"], data.columns["recency"],
                                       data.columns["T"])
        return cast(_Plan, data.cache["plan"])

    @staticmethod
    def _pairs(theta: np.ndarray, plan: _Plan, with_grad: bool) -> dict[str, Any]:
        """What the rows share: ``h`` = ln H_x(t) per pair (then a slot 0 for rows without an
        interval), ``alive`` = ln (alpha+T)^-(r+x) (beta+T)^-s
        per pair, ``front`` = ln G(r+x) alpha^r beta^s / G(r) per distinct x and, with
        ``with_grad``, the gradient of ln H per pair (4 x pairs)."""
        r, alpha, s, beta = theta
        top, iv = plan.top, plan.interval
        log_i, log_m = _integrals(theta, plan.x[iv], plan.t[iv], plan.t[iv + 1], top)
        acc = plan.suffix(np.vstack((log_i, log_m)) if with_grad else log_i[None, :])
        h = acc[0]
        out = {"h": np.append(h, 0.0),
               "alive": -(r + plan.x) * np.log(alpha + plan.t) - s * np.log(beta + plan.t),
               "front": (gammaln(r + plan.values) - gammaln(r) + r * np.log(alpha)
                         + s * np.log(beta))}
        if with_grad:
            finite = np.isfinite(h)
            ratios = np.exp(acc[1:] - np.where(finite, h, 0.0)) * finite
            out["grad"] = _signed(theta, top, ratios)
        return out

    @staticmethod
    def _rows(theta: np.ndarray, plan: _Plan, pairs: dict[str, Any], rows: slice,
              with_grad: bool) -> dict[str, Any]:
        """Per row of the plan in ``rows`` (plan order): ``alive``, ``dead`` =
        ln(s int_{t_x}^T f), ``log1p_z`` (ll = front + max(alive, dead) + log1p_z) and the dead
        share ``w_dead`` = 1 - P(alive); for the gradient, ``em`` = -(1 - H(T)/H(t_x)) and
        ``good`` (rows using the shared integrals), and the rows taken directly (``direct``,
        positions in the slice) with their gradient ``direct_grad``."""
        h = pairs["h"]
        h1 = h[plan.first_ext[rows]]
        d = h[plan.last_ext[rows]] - h1
        good = d <= MAX_RATIO_LOG
        direct = np.flatnonzero(~good & plan.has[rows])
        em = np.expm1(d)  # -(1 - H(T)/H(t_x)); 0 for rows without an interval
        with np.errstate(divide="ignore"):  # ln 0 = -inf is the dead term of those rows
            dead = h1 + np.log(-em)
        out: dict[str, Any] = {"direct": direct, "em": em, "good": good}
        if direct.size:
            x, tx, t_cap = (v[rows][direct] for v in plan.rows)
            log_i, log_m = _integrals(theta, x, tx, t_cap, plan.top)
            dead[direct] = log_i
            if with_grad:
                out["direct_grad"] = _signed(theta, plan.top, np.exp(log_m - log_i))
        dead += np.log(theta[2])
        alive = pairs["alive"][plan.last[rows]]
        diff = dead - alive
        z = np.exp(-np.abs(diff))
        out.update(alive=alive, dead=dead, log1p_z=np.log1p(z),
                   w_dead=np.where(diff > 0, 1.0, z) / (1.0 + z))
        return out

    @staticmethod
    def _coefficients(ev: dict[str, Any], weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Row coefficients of the first and last pair's gradient in that of the dead term,
        times ``weights``: d ln I = (g(first) - q g(last)) / (1 - q), q = H(T)/H(t_x)."""
        c1 = np.divide(weights, -ev["em"], out=np.zeros(weights.size), where=ev["good"])
        return c1, np.where(ev["good"], c1 - weights, 0.0)

    @staticmethod
    def _pair_alive_grad(theta: np.ndarray, plan: _Plan) -> np.ndarray:
        """Gradient of ln (alpha+T)^-(r+x) (beta+T)^-s at each (x, T) pair (4 x pairs)."""
        r, alpha, s, beta = theta
        return np.stack([-np.log(alpha + plan.t), -(r + plan.x) / (alpha + plan.t),
                         -np.log(beta + plan.t), -s / (beta + plan.t)])

    @staticmethod
    def _group_front_grad(theta: np.ndarray, plan: _Plan) -> np.ndarray:
        """Gradient of ln G(r+x) alpha^r beta^s / G(r) at each distinct x (4 x frequencies)."""
        r, alpha, s, beta = theta
        k = plan.values.size
        return np.stack([digamma(r + plan.values) - digamma(r) + np.log(alpha),
                         np.full(k, r / alpha), np.full(k, np.log(beta)), np.full(k, s / beta)])

    def _loglik(self, theta: np.ndarray, data: Data) -> tuple[np.ndarray, np.ndarray]:
        """Per-row log-likelihood (see the module docstring) and its analytic gradient."""
        plan = self._plan(data)
        pairs = self._pairs(theta, plan, with_grad=True)
        ev = self._rows(theta, plan, pairs, slice(None), with_grad=True)
        pg = pairs["grad"]
        c1, c2 = self._coefficients(ev, np.ones(plan.first.size))
        dead_grad = (c1 * pg[:, plan.first] - c2 * pg[:, plan.last]).T
        if ev["direct"].size:
            dead_grad[ev["direct"]] = ev["direct_grad"].T
        dead_grad[:, 2] += np.where(plan.has, 1.0 / theta[2], 0.0)
        w_dead = ev["w_dead"][:, None]
        grad = (self._group_front_grad(theta, plan)[:, plan.row_group].T
                + (1 - w_dead) * self._pair_alive_grad(theta, plan)[:, plan.last].T
                + w_dead * dead_grad)
        ll = pairs["front"][plan.row_group] + np.maximum(ev["alive"], ev["dead"]) + ev["log1p_z"]
        out_ll, out_grad = np.empty_like(ll), np.empty_like(grad)
        out_ll[plan.order], out_grad[plan.order] = ll, grad
        return out_ll, out_grad

    def _total_loglik(self, theta: np.ndarray, data: Data) -> tuple[float, np.ndarray]:
        """The weighted sum of ``_loglik`` without per-row gradients: each part's gradient is
        taken once per pair or frequency and weighted by row weights summed with bincount.
        Rows go in chunks that keep the temporaries in cache."""
        plan = self._plan(data)
        if "weights" not in data.cache:
            data.cache["weights"] = data.weights[plan.order]
        weights = data.cache["weights"]
        size = plan.size
        pairs = self._pairs(theta, plan, with_grad=True)

        by_pair, by_alive = np.zeros(size), np.zeros(size)
        total, grad = 0.0, np.zeros(4)
        for lo in range(0, weights.size, CHUNK_ROWS):
            rows = slice(lo, lo + CHUNK_ROWS)
            w = weights[rows]
            ev = self._rows(theta, plan, pairs, rows, with_grad=True)
            cd = w * ev["w_dead"]
            c1, c2 = self._coefficients(ev, cd)
            first, last = plan.first[rows], plan.last[rows]
            by_pair += np.bincount(first, c1, size) - np.bincount(last, c2, size)
            by_alive += np.bincount(last, w - cd, size)
            if ev["direct"].size:
                grad += ev["direct_grad"] @ cd[ev["direct"]]
            grad[2] += float(cd @ plan.has_weight[rows]) / theta[2]
            total += float(w @ (np.maximum(ev["alive"], ev["dead"]) + ev["log1p_z"]))
        grad += pairs["grad"] @ by_pair
        grad += self._pair_alive_grad(theta, plan) @ by_alive
        by_group = np.bincount(plan.row_group, weights, plan.values.size)
        grad += self._group_front_grad(theta, plan) @ by_group
        return total + float(pairs["front"] @ by_group), grad

    # --- predictions ----------------------------------------------------------------------
    def p_alive(self, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike  # noqa: N803
                ) -> FloatArray:
        """P(alive at T | x, t_x, T): the 'alive' share of the likelihood (Fader & Hardie 2005,
        eq. 18), as a logistic of the difference of the two log terms."""
        theta = self._fitted()
        x, tx, t_cap = (np.atleast_1d(v).astype(float).ravel() for v in np.broadcast_arrays(
            frequency, recency, T))
        r, alpha, s, beta = theta
        top, most = float(np.max(t_cap, initial=0.0)), float(np.max(x, initial=0.0))
        if (r + most) * abs(np.log(alpha + top)) + s * abs(np.log(beta + top)) > SCALED:
            out = cast(FloatArray, expit(-_log_dead_odds(theta, x, tx, t_cap)))  # scipy: untyped
            out = out.reshape(np.shape(np.broadcast(frequency, recency, T)))
            return out if out.ndim else out[()]
        plan = _Plan(x, tx, t_cap, ordered=False)
        pairs = self._pairs(theta, plan, with_grad=False)
        out = np.empty(x.size)
        for lo in range(0, x.size, CHUNK_ROWS):
            rows = slice(lo, lo + CHUNK_ROWS)
            out[rows] = 1.0 - self._rows(theta, plan, pairs, rows, False)["w_dead"]
        out = out.reshape(np.shape(np.broadcast(frequency, recency, T)))
        return out if out.ndim else out[()]

    def expected_if_alive(self, t: float, frequency: ArrayLike, T: ArrayLike  # noqa: N803
                          ) -> FloatArray:
        """E[Y(t) | x, T, alive] = (r+x)(beta+T) / ((alpha+T)(s-1)) [1 - ((beta+T)/(beta+T+t))
        ^(s-1)] (Fader & Hardie 2005, eq. 22 without its P(alive) factor; the limit
        (r+x)(beta+T)/(alpha+T) ln((beta+T+t)/(beta+T)) at s = 1)."""
        r, alpha, s, beta = self._fitted()
        x, t_cap = np.asarray(frequency, dtype=np.float64), np.asarray(T, dtype=np.float64)
        log_ratio = np.log1p(t / (beta + t_cap))  # digits kept when beta -> inf
        factor = log_ratio if abs(s - 1) < 1e-12 else -np.expm1(-(s - 1) * log_ratio) / (s - 1)
        return cast(FloatArray, (r + x) * (beta + t_cap) / (alpha + t_cap) * factor)  # r: Any

    def expected_if_alive_levers(self, t: float, frequency: ArrayLike, T: ArrayLike,  # noqa: N803
                                 rate: float = 1.0, lifetime: float = 1.0) -> FloatArray:
        """E[Y(t) | x, T, alive] with the purchase rate times ``rate`` and the dropout rate
        divided by ``lifetime`` from T on: lambda and mu are independent, so the rate scales
        the expectation and mu / lifetime ~ Gamma(s, (beta+T) lifetime) replaces beta+T by
        (beta+T) lifetime in the lifetime factor (eq. 22 of Fader & Hardie 2005)."""
        r, alpha, s, beta = self._fitted()
        x, t_cap = np.asarray(frequency, dtype=np.float64), np.asarray(T, dtype=np.float64)
        scale = (beta + t_cap) * lifetime
        log_ratio = np.log1p(t / scale)
        factor = log_ratio if abs(s - 1) < 1e-12 else -np.expm1(-(s - 1) * log_ratio) / (s - 1)
        return cast(FloatArray, rate * (r + x) * scale / (alpha + t_cap) * factor)  # r: Any

    def discounted_if_alive(self, delta: float, frequency: ArrayLike, T: ArrayLike  # noqa: N803
                            ) -> FloatArray:
        """Discounted expected residual transactions of a customer alive at T,
        int_0^inf e^(-delta t) dE[Y(t) | x, T, alive], ``delta`` being the continuous discount
        rate per unit of the model's time (ln(1 + d) / periods per year for an annual rate d).

        Given alive at T, lambda ~ Gamma(r+x, alpha+T) and mu ~ Gamma(s, beta+T) independently,
        so that purchases arrive at the rate (r+x)/(alpha+T) ((beta+T)/(beta+T+t))^s at t and

          (r+x)/(alpha+T) (beta+T) U(1, 2-s; delta (beta+T)),

        Tricomi's U(1, 2-s; z) = int_0^inf e^(-z u) (1+u)^-s du = z^(s-1) U(s, s; z) (Kummer's
        transformation). Times P(alive) this is DERT, Fader, Hardie & Lee (2005), "RFM and
        CLV: using iso-value curves for customer base analysis", JMR 42(4), 415-430, eq. 2:
        alpha^r beta^s delta^(s-1) G(r+x+1) Psi(s, s; delta(beta+T)) / (G(r) (alpha+T)^(r+x+1)
        L), Psi = U. At the limit s, beta -> inf (every customer with the dropout rate
        mu = s/beta) it tends to (r+x)/(alpha+T) / (delta + mu).

        U is taken as an integral in x = ln(1+u), whose integrand exp(-(z (e^x - 1) +
        (s-1) x)) is log-concave (``quadrature.log_concave_integral``), once per distinct T:
        scipy's hyperu loses digits for s near 1 (4e-7 at s = 1 + 1e-6, z = 5) and fails for
        small z when s > 1 (2% at s = 2, z = 1e-4). At delta = 0 it is the undiscounted
        residual lifetime's purchases, (r+x)/(alpha+T) (beta+T)/(s-1), infinite for s <= 1.
        """
        r, alpha, s, beta = self._fitted()
        if not (np.ndim(delta) == 0 and isinstance(delta, int | float | np.number)
                and math.isfinite(delta) and delta >= 0):
            raise ClvError("delta must be one continuous discount rate >= 0 per "
                           f"{getattr(self, 'unit_', None) or 'period'}, not {delta!r}")
        x, t_cap = np.broadcast_arrays(np.asarray(frequency, dtype=np.float64),
                                       np.asarray(T, dtype=np.float64))
        times, index = np.unique(t_cap, return_inverse=True)
        scale = beta + times
        if delta == 0:
            life = scale / (s - 1) if s > 1 else np.full(times.shape, np.inf)
        else:
            life = scale * np.exp(_log_tricomi_one(s, delta * scale))
        out = cast(FloatArray, (r + x) / (alpha + t_cap) * life[index.reshape(t_cap.shape)])
        return out if out.ndim else out[()]

    def dert(self, delta: float, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike  # noqa: N803
             ) -> FloatArray:
        """DERT, the discounted expected residual transactions of a customer with history
        (x, t_x, T): P(alive at T | x, t_x, T) x :meth:`discounted_if_alive` (Fader, Hardie &
        Lee 2005, "RFM and CLV", JMR 42(4), eq. 2), ``delta`` the continuous discount rate per
        unit of the model's time. Times the expected margin per transaction it is the
        customer's residual lifetime value."""
        return self.p_alive(frequency, recency, T) * self.discounted_if_alive(delta, frequency, T)

    def _simulate_alive(self, rng: np.random.Generator, frequency: np.ndarray,
                        T: np.ndarray, edges: np.ndarray) -> FloatArray:  # noqa: N803
        """Future purchases of customers alive at T: lambda ~ Gamma(r+x, alpha+T) and
        mu ~ Gamma(s, beta+T) (the posterior given survival to T); the remaining lifetime is
        Exponential(mu) and the purchases in each interval are Poisson(lambda x the part of it
        lived)."""
        r, alpha, s, beta = self._fitted()
        lam = rng.gamma(r + frequency, 1.0 / (alpha + T))
        mu = rng.gamma(s, 1.0 / (beta + T))
        # only the part of the lifetime up to the last edge matters; dividing only where the
        # lifetime ends before it stays finite when a fit with s near 0 draws mu ~ 0
        wait, end = rng.standard_exponential(mu.shape), edges[-1]
        life = np.divide(wait, mu, out=np.full_like(mu, end), where=wait < mu * end)
        lived = np.clip(life[None, :] - edges[:-1, None], 0.0, np.diff(edges)[:, None])
        return cast(FloatArray, rng.poisson(np.minimum(lam[None, :] * lived, POISSON_CAP)
                                            ).astype(float))  # drawn from Any parameters

    def purchase_if_alive(self, t: float, frequency: ArrayLike, T: ArrayLike,  # noqa: N803
                          nodes: int = 24) -> FloatArray:
        """P(a purchase in (T, T + t] | x, T, alive) = 1 - E[mu/(lambda+mu) + lambda/(lambda+mu)
        exp(-(lambda+mu) t)]: no purchase means dying first (rate mu) or outliving t without
        one, under the posterior lambda ~ Gamma(r+x, alpha+T), mu ~ Gamma(s, beta+T) given
        survival to T (Fader & Hardie 2005, note 009, section 4). The expectation is a product
        of generalised Gauss-Laguerre rules (weights u^(k-1) e^-u), taken once per distinct
        (x, T)."""
        r, alpha, s, beta = self._fitted()
        x, t_cap = (np.asarray(v, dtype=np.float64) for v in np.broadcast_arrays(frequency, T))
        px, pt, (index,) = distinct_pairs(x.ravel(), t_cap.ravel())
        v, wv = gamma_rule(s, nodes)
        none = np.empty(px.size)
        for value in np.unique(px):
            at = np.flatnonzero(px == value)
            u, wu = gamma_rule(r + value, nodes)
            lam = u[None, :, None] / (alpha + pt[at])[:, None, None]
            mu = v[None, None, :] / (beta + pt[at])[:, None, None]
            total = lam + mu
            stay = (mu + lam * np.exp(-total * t)) / total
            none[at] = np.einsum("pij,i,j->p", stay, wu, wv)
        # index (clv.prep.grid's) is an untyped array: indexing by it gives Any
        return cast(FloatArray, (1.0 - none)[index].reshape(x.shape))

    def expected_purchases_new(self, t: ArrayLike) -> FloatArray:
        """E[X(t)] = r beta / (alpha (s-1)) [1 - (beta/(beta+t))^(s-1)] (Fader & Hardie 2005,
        eq. 17)."""
        r, alpha, s, beta = self._fitted()
        log_ratio = np.log1p(np.asarray(t, dtype=np.float64) / beta)
        factor = log_ratio if abs(s - 1) < 1e-12 else -np.expm1(-(s - 1) * log_ratio) / (s - 1)
        return cast(FloatArray, r * beta / alpha * factor)  # r, alpha, beta: Any

    def probability_of_purchases(self, n: ArrayLike, t: float, panels: int = 24) -> FloatArray:
        """P(X(t) = n) for a customer just acquired, by conditioning on the lifetime tau
        (Fader, Hardie & Lee 2006, note "Deriving an expression for P(X(t) = x) under the
        Pareto/NBD model", which gives the same quantity with Gauss hypergeometric terms):

        (beta/(beta+t))^s NB(n; r, alpha/(alpha+t))
        + int_0^t s beta^s (beta+tau)^-(s+1) NB(n; r, alpha/(alpha+tau)) d tau,

        NB(n; r, pi) = G(r+n)/(G(r) n!) pi^r (1-pi)^n. The integral is taken in
        u = ln((alpha+tau)/alpha), where NB is smooth, by composite Gauss-Legendre in log space.
        """
        r, alpha, s, beta = self._fitted()
        scalar = np.ndim(n) == 0
        n = np.atleast_1d(np.asarray(n, dtype=np.float64))
        big_u = np.log1p(t / alpha)
        edges = np.linspace(0.0, big_u, panels + 1)
        u = (edges[:-1, None] + np.diff(edges)[:, None] * NODES[None, :]).ravel()
        log_w = np.log(np.repeat(np.diff(edges), NODES.size) * np.tile(WEIGHTS, panels))
        tau = alpha * np.expm1(u)
        coef = log_rising(r, n) - gammaln(n + 1)  # digits kept when r -> inf

        def log_nb(v: FloatArray) -> FloatArray:  # ln NB(n; r, e^-v) for each n (rows)
            with np.errstate(divide="ignore"):
                log_q = np.log(-np.expm1(-v))[None, :]
            return cast(FloatArray, coef[:, None] - r * v[None, :]  # coef: gammaln's, untyped
                        + np.where(n[:, None] > 0, n[:, None] * log_q, 0.0))

        # beta^s (beta+tau)^-s as -s ln(1 + tau/beta): no difference of large logs when
        # s, beta -> inf (every customer with one dropout rate s/beta)
        alive = -s * np.log1p(t / beta) + log_nb(np.array([big_u]))[:, 0]
        dead_terms = (log_w + np.log(s) - s * np.log1p(tau / beta) - np.log(beta + tau)
                      + np.log(alpha + tau))[None, :] + log_nb(u)
        out = cast(FloatArray, np.exp(np.logaddexp(alive, logsumexp(dead_terms, axis=1))))
        return out[0] if scalar else out

