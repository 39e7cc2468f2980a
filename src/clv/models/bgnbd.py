"""BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way: an alternative to
the Pareto/NBD model", Marketing Science 24(2), 275-284) and MBG/NBD (Batislam, Denizel &
Filiztekin 2007, "Empirical validation and comparison of models for customer base analysis",
IJRM 24(3), 201-209).

While alive a customer buys at rate lambda ~ Gamma(r, alpha); after each repeat purchase they
drop out with probability p ~ Beta(a, b). MBG/NBD also lets them drop out right after the first
purchase, so that a customer without repeat purchases need not be alive. Data per customer: x
repeat purchases, the last at t_x, observed until T (all in the summary's unit).

Both share one set of formulas with an offset d (0 for BG/NBD, 1 for MBG/NBD): the number of
dropout opportunities after x repeat purchases is x + d.
"""

from __future__ import annotations

import math
from typing import ClassVar, cast

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import betainc, digamma, expit, gammaln, hyp2f1

from clv.models.base import CHUNK_ROWS, POISSON_CAP, Data, FloatArray, PurchaseModel, log_rising
from clv.models.quadrature import beta_rule

TINY = np.finfo(float).tiny
A_ONE = 1e-5
"""Within this of a = 1 the expectation's closed form is 0/0; it is interpolated between
a = 1 -/+ A_ONE (a smooth function of a: the error is of order A_ONE^2)."""
RULE_AB = 200.0
"""Past this a + b, E[Y(t) | alive] is taken by quadrature over p: the 2F1 overflows as a + b
grows (-inf at a + b = 1e4); below it both agree to 1e-10 (tests/test_bgnbd.py)."""
RULE_R = 100.0
"""Past this r, E[Y(t) | alive] is taken by quadrature over p as well: the 2F1's first
parameter a+b+d-1-r is large and negative (NaN at r = 1e5, when r and alpha -> inf and every
customer buys at the same rate); below it both agree to 1e-13 (tests/test_bgnbd.py)."""
RULE_NODES = 32
"""Nodes of the rule over p at least; more for many expected purchases (see ``_nodes``)."""
EXPONENT_CAP = 250_000.0
"""Largest exponent that sets the number of nodes (2,032 nodes)."""


def _nodes(exponent: float) -> int:
    """Nodes of the rule over p for an integrand (1 - (1 + p k)^-n) / p whose exponent at
    p = 1 is ``exponent`` = n ln(1 + k) (the expected purchases of a customer who never drops
    out): near exp(-c p), whose Chebyshev coefficients on [0, 1] fall as exp(-j^2 / c), so that
    a degree of about 6 sqrt(c) reaches rounding (1e-11 at c = 1e5 in tests); 2 x
    ``RULE_NODES`` - 1 more for the rest. Past ``EXPONENT_CAP`` (only parameter draws far in a
    tail get there) the nodes stop growing and the error with them."""
    extra = int(math.ceil(4.0 * math.sqrt(min(max(exponent, 0.0), EXPONENT_CAP)) / 16)) * 16
    return RULE_NODES + extra  # in steps of 16, so that the cached rules are reused


class BGNBD(PurchaseModel):
    """BG/NBD fitted by maximum likelihood on compressed (frequency, recency, T) rows."""

    PARAMS: ClassVar[tuple[str, ...]] = ("r", "alpha", "a", "b")
    NAME: ClassVar[str] = "BG/NBD"
    D: ClassVar[int] = 0  # dropout opportunities beyond the repeat purchases
    LIMITS: ClassVar[dict[str, str]] = {"a": "0", "b": "inf"}  # p ~ Beta(a, b) -> 0
    DROPOUT_PAIR: ClassVar[tuple[str, str] | None] = ("a", "b")

    def shared_dropout(self) -> tuple[float, str]:
        """The dropout probability after each purchase, a/(a+b), at a, b -> inf."""
        _, _, a, b = self._fitted()
        return a / (a + b), "purchase"

    def _start(self, data: Data) -> np.ndarray:
        x, t_cap = data.columns["frequency"], data.columns["T"]
        w = data.weights
        rate = max(float(w @ x) / float(w @ t_cap), 1e-6)
        return np.array([1.0, 1.0 / rate, 1.0, 1.0])

    def _second(self, x: np.ndarray) -> np.ndarray:
        """Rows whose likelihood has the 'dropped out after the last purchase' term."""
        return x > 0 if self.D == 0 else np.ones(x.shape, dtype=bool)

    def _values(self, theta: np.ndarray, values: np.ndarray) -> dict[str, np.ndarray]:
        """Per distinct x: A1 + A2 (``front``), b+x+d-1 (``bxd``) and ln a - ln(b+x+d-1)
        (``odds``, -inf without the second term)."""
        r, alpha, a, b = theta
        d = self.D
        second = self._second(values)
        bxd = np.where(second, b + values + d - 1, 1.0)
        with np.errstate(divide="ignore"):  # no second term: ln 0
            odds = np.where(second, np.log(a) - np.log(bxd), -np.inf)
        front = (gammaln(r + values) - gammaln(r) + r * np.log(alpha) + gammaln(a + b)
                 + gammaln(b + values + d) - gammaln(b) - gammaln(a + b + values + d))
        return {"front": front, "bxd": bxd, "odds": odds}

    @staticmethod
    def _rows(theta: np.ndarray, x: np.ndarray, tx: np.ndarray, t_cap: np.ndarray,
              odds: np.ndarray) -> dict[str, np.ndarray]:
        """Per row (``odds`` per row): ln(alpha+T), ln(alpha+t_x), the log-sum
        ln(exp(A3) + exp(A4)) and the second term's share."""
        r, alpha = theta[0], theta[1]
        l_t, l_tx = np.log(alpha + t_cap), np.log(alpha + tx)
        a3 = -(r + x) * l_t
        a4 = odds - (r + x) * l_tx
        diff = a4 - a3
        z = np.exp(-np.abs(diff))
        return {"l_t": l_t, "l_tx": l_tx, "lse": np.maximum(a3, a4) + np.log1p(z),
                "w4": np.where(diff > 0, 1.0, z) / (1.0 + z)}

    def _front_grad(self, theta: np.ndarray, values: np.ndarray) -> np.ndarray:
        """Gradient of A1 + A2 per distinct x (4 x values)."""
        r, alpha, a, b = theta
        d = self.D
        both = digamma(a + b) - digamma(a + b + values + d)
        return np.stack([digamma(r + values) - digamma(r) + np.log(alpha),
                         np.full(values.size, r / alpha), both,
                         both + digamma(b + values + d) - digamma(b)])

    def _loglik(self, theta: np.ndarray, data: Data) -> tuple[np.ndarray, np.ndarray]:
        """Per-row log-likelihood and its gradient (BG/NBD: Fader, Hardie & Lee 2005, eq. 6;
        MBG/NBD: Batislam et al. 2007, eq. 4).

        ln L = A1 + A2 + ln(exp(A3) + [second] exp(A4)) with
        A1 = ln G(r+x) - ln G(r) + r ln alpha,
        A2 = ln G(a+b) + ln G(b+x+d) - ln G(b) - ln G(a+b+x+d),
        A3 = -(r+x) ln(alpha+T),
        A4 = ln a - ln(b+x+d-1) - (r+x) ln(alpha+t_x),
        summed in log space so that nothing overflows for large x or T. Special functions are
        taken once per distinct x.
        """
        r, alpha, a, b = theta
        x, tx, t_cap = data.columns["frequency"], data.columns["recency"], data.columns["T"]
        values, inverse, _ = self._groups(data, "frequency")
        per = self._values(theta, values)
        pt = self._rows(theta, x, tx, t_cap, per["odds"][inverse])
        w4 = pt["w4"]
        w3 = 1.0 - w4
        grad = self._front_grad(theta, values)[:, inverse].T
        grad[:, 0] -= w3 * pt["l_t"] + w4 * pt["l_tx"]
        grad[:, 1] -= (r + x) * (w3 / (alpha + t_cap) + w4 / (alpha + tx))
        grad[:, 2] += w4 / a
        grad[:, 3] -= w4 / per["bxd"][inverse]
        return per["front"][inverse] + pt["lse"], grad

    def _total_loglik(self, theta: np.ndarray, data: Data) -> tuple[float, np.ndarray]:
        """The weighted sum of ``_loglik``: the terms of x alone are weighted once per value;
        rows go in chunks that keep the temporaries in the CPU cache."""
        r, alpha, a, b = theta
        values, inverse, by_value = self._groups(data, "frequency")
        per = self._values(theta, values)
        odds = per["odds"]
        total = float(per["front"] @ by_value)
        grad = self._front_grad(theta, values) @ by_value
        by_second = np.zeros(values.size)
        for lo in range(0, data.weights.size, CHUNK_ROWS):
            rows = slice(lo, lo + CHUNK_ROWS)
            w, x = data.weights[rows], data.columns["frequency"][rows]
            tx, t_cap = data.columns["recency"][rows], data.columns["T"][rows]
            pt = self._rows(theta, x, tx, t_cap, odds[inverse[rows]])
            c4 = w * pt["w4"]
            c3 = w - c4
            total += float(w @ pt["lse"])
            grad[0] -= c3 @ pt["l_t"] + c4 @ pt["l_tx"]
            grad[1] -= ((r + x) * c3) @ (1.0 / (alpha + t_cap)) + ((r + x) * c4) @ (
                1.0 / (alpha + tx))
            grad[2] += c4.sum() / a
            by_second += np.bincount(inverse[rows], c4, values.size)
        grad[3] -= by_second @ (1.0 / per["bxd"])
        return total, grad

    # --- predictions ----------------------------------------------------------------------
    @staticmethod
    def _arrays(*values: ArrayLike) -> tuple[FloatArray, ...]:
        return tuple(np.asarray(v, dtype=np.float64) for v in values)

    def _log_odds_dead(self, x: np.ndarray, tx: np.ndarray, t_cap: np.ndarray) -> np.ndarray:
        r, alpha, a, b = self._fitted()
        second = self._second(x)
        bxd = np.where(second, b + x + self.D - 1, 1.0)
        # ln((alpha+T)/(alpha+t_x)) as a log1p: the difference of the logs loses digits when
        # alpha -> inf (r/alpha fixed) and (r+x) multiplies the error back up
        return np.where(second, np.log(a) - np.log(bxd)
                        + (r + x) * np.log1p((t_cap - tx) / (alpha + tx)), -np.inf)

    def p_alive(self, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike  # noqa: N803
                ) -> FloatArray:
        """P(alive at T | x, t_x, T) = 1 / (1 + [second] a/(b+x+d-1) ((alpha+T)/(alpha+t_x))^(r+x))
        (Fader, Hardie & Lee 2008, note 021, eq. 3), as a logistic of log-odds."""
        x, tx, t_cap = self._arrays(frequency, recency, T)
        return cast(FloatArray, expit(-self._log_odds_dead(x, tx, t_cap)))  # scipy: untyped

    def expected_if_alive(self, t: float, frequency: ArrayLike, T: ArrayLike  # noqa: N803
                          ) -> FloatArray:
        """E[Y(t) | x, T, alive] = (a+b+x+d-1)/(a-1) [1 - ((alpha+T)/(alpha+T+t))^(r+x)
        2F1(r+x, b+x+d; a+b+x+d-1; z)], z = t/(alpha+T+t) (Fader, Hardie & Lee 2005, eq. 10
        without its P(alive) factor; Batislam et al. 2007, eq. 8).

        Computed after Euler's transformation 2F1(A, B; C; z) = (1-z)^(C-A-B)
        2F1(C-A, C-B; C; z) as (a+b+x+d-1)/(a-1) [1 - (1-z)^(a-1) 2F1(a+b+d-1-r, a-1;
        a+b+x+d-1; z)]: the original 2F1 overflows for thousands of purchases while its power
        underflows; the transformed one tends to 1 as x grows.
        """
        return self._if_alive(t, frequency, T, 1.0)

    def _if_alive(self, t: float, frequency: ArrayLike, T: ArrayLike, lifetime: float  # noqa: N803
                  ) -> FloatArray:
        r, alpha, a, b = self._fitted()
        if abs(a - 1) < A_ONE:  # 0/0 at a = 1 (removable): the line through both sides
            lo, hi = (self._if_alive_at(1 + h, t, frequency, T, lifetime)
                      for h in (-A_ONE, A_ONE))
            return cast(FloatArray, lo + (hi - lo) * (a - 1 + A_ONE) / (2 * A_ONE))  # a: Any
        return self._if_alive_at(a, t, frequency, T, lifetime)

    def _if_alive_at(self, a: float, t: float, frequency: ArrayLike, T: ArrayLike,  # noqa: N803
                     lifetime: float) -> FloatArray:
        r, alpha, _, b = self._fitted()
        if a + b > RULE_AB or r > RULE_R:
            return self._if_alive_rule(a, t, frequency, T, lifetime)
        x, t_cap = self._arrays(frequency, T)
        log_1mz = -np.log1p(t / (alpha + t_cap))
        z = -np.expm1(log_1mz)
        c = lifetime * (a + b + x + self.D - 1)
        f = hyp2f1(c - r - x, a - 1, c, z)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # checked below
            bracket = np.where(f > 0, -np.expm1((a - 1) * log_1mz + np.log(f)),
                               1 - np.exp((a - 1) * log_1mz) * f)
            out = np.asarray(c / (a - 1) * bracket, dtype=np.float64)
        # far horizons (z -> 1, e.g. a lifetime of 10^4 weeks) can overflow scipy's 2F1
        # (inf, or a value outside [0, (a+b+x+d-1)/(a-1)] when a > 1): those values are taken
        # by the rule over the dropout probability, which holds there
        bad = ~np.isfinite(out) | (out < 0)
        if a > 1:
            bad |= out > c / (a - 1) * (1 + 1e-9)
        if np.any(bad):
            shape = out.shape
            span = np.broadcast_to(np.asarray(t, dtype=np.float64), shape)[bad]
            out[bad] = self._if_alive_rule(a, span, np.broadcast_to(x, shape)[bad],  # type: ignore[arg-type]
                                           np.broadcast_to(t_cap, shape)[bad], lifetime)
        return out

    def _if_alive_rule(self, a: float, t: float, frequency: ArrayLike, T: ArrayLike,  # noqa: N803
                       lifetime: float) -> FloatArray:
        """E[Y(t) | x, T, alive] as the expectation over the posterior of the dropout
        probability, p ~ Beta(a, B) with a + B - 1 = C (see ``expected_if_alive_levers``), of
        the expectation given p: E[(1 - exp(-lambda p t)) / p] = (1 - ((alpha+T)/(alpha+T+p
        t))^(r+x)) / p under lambda ~ Gamma(r+x, alpha+T) (Fader, Hardie & Lee 2005, eq. A1
        given lambda and p). A Gauss-Jacobi rule over p: for a + b past ``RULE_AB``, where the
        closed form's 2F1 overflows (a fit at a, b -> inf, every customer sharing one dropout
        probability a/(a+b), gave -inf), or for r past ``RULE_R``, where its first parameter
        is large and negative (r, alpha -> inf: every customer buying at the same rate r/alpha,
        NaN); the limit is then E[(1 - exp(-p t r/alpha)) / p], given p."""
        r, alpha, _, b = self._fitted()
        x, t_cap, span = np.broadcast_arrays(*self._arrays(frequency, T, t))
        out = np.empty(x.shape)
        for value in np.unique(x):
            at = x == value
            c = lifetime * (a + b + value + self.D - 1)
            k = span[at] / (alpha + t_cap[at])
            p, w = beta_rule(a, c - a + 1, _nodes((r + value) * np.log1p(np.max(k, initial=0))))
            # (1 - (1 + p k)^-(r+x)) / p, its limit (r+x) k as p -> 0 (a node underflowing)
            log_k = np.log1p(p[None, :] * k[:, None])
            with np.errstate(divide="ignore", invalid="ignore"):
                inner = np.where(p[None, :] > 0, -np.expm1(-(r + value) * log_k) / p[None, :],
                                 (r + value) * k[:, None])
            out[at] = inner @ w
        return out

    def expected_if_alive_levers(self, t: float, frequency: ArrayLike, T: ArrayLike,  # noqa: N803
                                 rate: float = 1.0, lifetime: float = 1.0) -> FloatArray:
        """E[Y(t) | x, T, alive] with the purchase rate times ``rate`` and the expected number
        of purchases before dropping out times ``lifetime``, from T on.

        The rate scales time (dropout happens at purchases, not with time): E at rate c over t
        is E over c t. Given alive, p ~ Beta(a, b+x+d) and E[1/p] = C/(a-1) with
        C = a+b+x+d-1; the lifetime lever replaces it by Beta(a, B') with a+B'-1 = lifetime x
        C, so that E[1/p] (purchases before dropout) is multiplied by ``lifetime``, and the
        closed form of ``expected_if_alive`` holds with C -> lifetime x C."""
        return self._if_alive(rate * t, frequency, T, lifetime)

    def purchase_if_alive(self, t: float, frequency: ArrayLike, T: ArrayLike  # noqa: N803
                          ) -> FloatArray:
        """P(a purchase in (T, T + t] | x, T, alive) = 1 - ((alpha+T)/(alpha+T+t))^(r+x): a
        customer alive at T drops out only just after a purchase, so none in t has
        probability E[exp(-lambda t)] under the posterior lambda ~ Gamma(r+x, alpha+T)
        (Fader, Hardie & Lee 2005, section 4, the posterior of lambda)."""
        r, alpha, _, _ = self._fitted()
        x, t_cap = self._arrays(frequency, T)
        return cast(FloatArray, -np.expm1(-(r + x) * np.log1p(t / (alpha + t_cap))))  # r: Any

    def expected_purchases_new(self, t: ArrayLike) -> FloatArray:
        """E[X(t)] for a customer just acquired: the conditional expectation at x = t_x = T = 0
        (BG/NBD: (a+b-1)/(a-1) [1 - (alpha/(alpha+t))^r 2F1(r, b; a+b-1; t/(alpha+t))], Fader,
        Hardie & Lee 2005, eq. 7)."""
        times = np.asarray(t, dtype=np.float64)
        zero = np.zeros_like(times)
        # the horizon is declared a float, but these formulas broadcast over an array of them
        return self.expected_purchases(times, zero, zero, zero)  # type: ignore[arg-type]

    def probability_of_purchases(self, n: ArrayLike, t: float) -> FloatArray:
        """P(X(t) = n) for a customer just acquired (Fader, Hardie & Lee 2005, eq. 8; for
        MBG/NBD, Batislam et al. 2007):

        B(a, b+n+d)/B(a, b) NB(n; r, alpha/(alpha+t))
        + [n+d > 0] B(a+1, b+n+d-1)/B(a, b) P(NB(r, alpha/(alpha+t)) >= n),

        alive after n purchases, or dropped out at the last of them; NB(n) = G(r+n)/(G(r) n!)
        (alpha/(alpha+t))^r (t/(alpha+t))^n and its tail is the regularised incomplete beta
        I_{t/(alpha+t)}(n, r).
        """
        r, alpha, a, b = self._fitted()
        d = self.D
        n = np.asarray(n, dtype=np.float64)
        z = t / (alpha + t)
        # ratios of Gamma functions as log rising factorials, which keep their digits when
        # r, alpha -> inf (NB -> Poisson(t r/alpha)) or a, b -> inf (p -> a/(a+b))
        log_nb = (log_rising(r, n) - gammaln(n + 1) - r * np.log1p(t / alpha)
                  + n * np.log(z))
        alive = np.exp(log_rising(b, n + d) - log_rising(a + b, n + d) + log_nb)
        tail = np.where(n > 0, betainc(np.maximum(n, 1), r, z), 1.0)
        m = np.maximum(n + d, 1)
        dead = np.where(n + d > 0, np.exp(np.log(a) - np.log(a + b + m - 1) + log_rising(b, m - 1)
                                          - log_rising(a + b, m - 1)) * tail, 0.0)
        return cast(FloatArray, alive + dead)  # betainc (scipy): untyped

    def _simulate_alive(self, rng: np.random.Generator, frequency: np.ndarray,
                        T: np.ndarray, edges: np.ndarray) -> np.ndarray:  # noqa: N803
        """Future purchases of customers alive at T: lambda ~ Gamma(r+x, alpha+T) and
        p ~ Beta(a, b+x+d), the posterior given survival through x + d dropout opportunities.
        G ~ Geometric(p) is the number of purchases up to and including the one after which
        they drop out; in each interval of length h an alive customer makes min(N, G left)
        purchases, N ~ Poisson(lambda h), and drops out when G left <= N. Only the customers
        still alive are drawn for in each interval.

        Near the no-dropout limit (a -> 0) the beta draw underflows to p = 0; p is kept in
        [smallest float, 1], where G is the largest integer: a customer who never drops out.
        Poisson means are capped at ``POISSON_CAP`` (only absurd parameter draws reach it)."""
        r, alpha, a, b = self._fitted()
        x = frequency
        lam = rng.gamma(r + x, 1.0 / (alpha + T))
        p = np.clip(np.nan_to_num(rng.beta(a, b + x + self.D), nan=1.0), TINY, 1.0)
        left = rng.geometric(p).astype(float)
        live = np.arange(x.size)
        out = np.zeros((edges.size - 1, x.size))
        for k, h in enumerate(np.diff(edges)):
            n = rng.poisson(np.minimum(lam[live] * h, POISSON_CAP))
            made = np.minimum(n, left[live])
            out[k, live] = made
            left[live] -= made
            live = live[left[live] > 0]
        return out


class MBGNBD(BGNBD):
    """MBG/NBD: BG/NBD where a customer may also drop out right after the first purchase."""

    NAME: ClassVar[str] = "MBG/NBD"
    D: ClassVar[int] = 1
