"""BG/NBD model (Fader, Hardie & Lee 2005, "Counting your customers the easy way: an
alternative to the Pareto/NBD model", Marketing Science 24(2), 275-284).

While alive a customer buys at rate lambda ~ Gamma(r, alpha); after each repeat purchase they
drop out with probability p ~ Beta(a, b). Data per customer: x repeat purchases, the last at
t_x, observed until T (all in the summary's unit).
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
from scipy.special import digamma, expit, gammaln, hyp2f1

from clv.models.base import Data, Model


class BGNBD(Model):
    """BG/NBD fitted by maximum likelihood on compressed (frequency, recency, T) rows."""

    PARAMS: ClassVar[tuple[str, ...]] = ("r", "alpha", "a", "b")
    COLUMNS: ClassVar[tuple[str, ...]] = ("frequency", "recency", "T")
    NAME: ClassVar[str] = "BG/NBD"

    def _start(self, data: Data) -> np.ndarray:
        x, t_cap = data.columns["frequency"], data.columns["T"]
        w = data.weights
        rate = max(float(w @ x) / float(w @ t_cap), 1e-6)
        return np.array([1.0, 1.0 / rate, 1.0, 1.0])

    def _loglik(self, theta: np.ndarray, data: Data) -> tuple[np.ndarray, np.ndarray]:
        """Per-row log-likelihood (Fader, Hardie & Lee 2005, eq. 6) and its gradient.

        ln L = A1 + A2 + ln(exp(A3) + [x > 0] exp(A4)) with
        A1 = ln G(r+x) - ln G(r) + r ln alpha,
        A2 = ln G(a+b) + ln G(b+x) - ln G(b) - ln G(a+b+x),
        A3 = -(r+x) ln(alpha+T),
        A4 = ln a - ln(b+x-1) - (r+x) ln(alpha+t_x),
        summed in log space so that nothing overflows for large x or T.
        """
        r, alpha, a, b = theta
        x, tx, t_cap = data.columns["frequency"], data.columns["recency"], data.columns["T"]
        rep = x > 0
        a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
        a2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
        a3 = -(r + x) * np.log(alpha + t_cap)
        bx1 = np.where(rep, b + x - 1, 1.0)
        a4 = np.where(rep, np.log(a) - np.log(bx1) - (r + x) * np.log(alpha + tx), -np.inf)
        ll = a1 + a2 + np.logaddexp(a3, a4)
        w4 = np.where(rep, expit(a4 - a3), 0.0)  # share of the second term
        w3 = 1.0 - w4
        grad = np.empty((x.size, 4))
        grad[:, 0] = (digamma(r + x) - digamma(r) + np.log(alpha)
                      - w3 * np.log(alpha + t_cap) - w4 * np.log(alpha + tx))
        grad[:, 1] = r / alpha - w3 * (r + x) / (alpha + t_cap) - w4 * (r + x) / (alpha + tx)
        grad[:, 2] = digamma(a + b) - digamma(a + b + x) + w4 / a
        grad[:, 3] = (digamma(a + b) + digamma(b + x) - digamma(b) - digamma(a + b + x)
                      - w4 / bx1)
        return ll, grad

    # --- predictions ----------------------------------------------------------------------
    def _arrays(self, frequency: Any, recency: Any, T: Any) -> tuple[np.ndarray, ...]:  # noqa: N803
        return tuple(np.asarray(v, dtype=float) for v in (frequency, recency, T))

    def _log_odds_dead(self, x: np.ndarray, tx: np.ndarray, t_cap: np.ndarray) -> np.ndarray:
        r, alpha, a, b = self._fitted()
        rep = x > 0
        bx1 = np.where(rep, b + x - 1, 1.0)
        return np.where(rep, np.log(a) - np.log(bx1)
                        + (r + x) * (np.log(alpha + t_cap) - np.log(alpha + tx)), -np.inf)

    def p_alive(self, frequency: Any, recency: Any, T: Any) -> np.ndarray:  # noqa: N803
        """P(alive at T | x, t_x, T) = 1 / (1 + [x > 0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x))
        (Fader, Hardie & Lee 2005, eq. 13 / note 027), computed as a logistic of log-odds."""
        x, tx, t_cap = self._arrays(frequency, recency, T)
        return expit(-self._log_odds_dead(x, tx, t_cap))

    def expected_purchases(self, t: float, frequency: Any, recency: Any, T: Any  # noqa: N803
                           ) -> np.ndarray:
        """E[Y(t) | x, t_x, T], repeat purchases in (T, T+t] (Fader, Hardie & Lee 2005, eq. 10):

        (a+b+x-1)/(a-1) [1 - ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1;
        t/(alpha+T+t))] x P(alive).
        """
        r, alpha, a, b = self._fitted()
        x, tx, t_cap = self._arrays(frequency, recency, T)
        z = t / (alpha + t_cap + t)
        power = np.exp((r + x) * (np.log(alpha + t_cap) - np.log(alpha + t_cap + t)))
        body = (a + b + x - 1) / (a - 1) * (1 - power * hyp2f1(r + x, b + x, a + b + x - 1, z))
        return body * expit(-self._log_odds_dead(x, tx, t_cap))

    def expected_purchases_new(self, t: Any) -> np.ndarray:
        """E[X(t)] for a customer just acquired (Fader, Hardie & Lee 2005, eq. 7):
        (a+b-1)/(a-1) [1 - (alpha/(alpha+t))^r 2F1(r, b; a+b-1; t/(alpha+t))]."""
        r, alpha, a, b = self._fitted()
        t = np.asarray(t, dtype=float)
        return (a + b - 1) / (a - 1) * (
            1 - (alpha / (alpha + t)) ** r * hyp2f1(r, b, a + b - 1, t / (alpha + t)))
